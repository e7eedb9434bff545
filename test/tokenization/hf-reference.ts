/**
 * Hugging Face `tokenizers` (native Rust, devDependency) as the reference the tests compare against.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as hf from "tokenizers";
import { BertTokenizer, Encoding } from "../../src/tokenization";

/** ../shared/fixtures/vocab next to the checkout (BERTLAB_TEST_VOCAB_DIR overrides, e.g. to check the skips). */
export const VOCAB_DIR = process.env.BERTLAB_TEST_VOCAB_DIR ?? path.resolve(__dirname, "../../../shared/fixtures/vocab");
export const UNCASED = path.join(VOCAB_DIR, "bert-base-uncased.txt");
export const MULTILINGUAL = path.join(VOCAB_DIR, "bert-base-multilingual-cased.txt");
export const FIXTURES = path.join(__dirname, "fixtures");

export function haveVocab(file: string): boolean {
  return fs.existsSync(file);
}

/** Skips the current test, saying why, when a shared real vocabulary is absent. */
export function needVocab(ctx: Mocha.Context, ...files: string[]): void {
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    console.log(`      skipped: needs ${missing.join(", ")} (the shared real BERT vocabularies), which is absent`);
    ctx.skip();
  }
}

/** An HF tokenizer built the way BertTokenizerFast builds one from a vocab. */
export function hfBert(vocab: BertTokenizer, lowercase: boolean): hf.Tokenizer {
  const model = hf.WordPiece.init(vocab.vocab.toIdMap(), { unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 100 });
  const tok = new hf.Tokenizer(model);
  tok.setNormalizer(hf.bertNormalizer({ lowercase, cleanText: true, handleChineseChars: true }));
  tok.setPreTokenizer(hf.bertPreTokenizer());
  tok.setPostProcessor(hf.bertProcessing(["[SEP]", vocab.tokenToId("[SEP]") as number], ["[CLS]", vocab.tokenToId("[CLS]") as number]));
  tok.setDecoder(hf.wordPieceDecoder("##", true));
  tok.addSpecialTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter((t) => vocab.tokenToId(t) !== undefined));
  return tok;
}

/** Maps a UTF-16 offset of `text` to the code point offset HF's JS binding reports. */
export function toCodePointOffsets(text: string): (utf16: number) => number {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    if (pair) map[++i] = cp;
    cp++;
  }
  map[text.length] = cp;
  return (u) => map[u];
}

export interface Mismatch {
  input: string | [string, string];
  field: string;
  ours: unknown;
  theirs: unknown;
}

/** Compares ids, tokens, type ids, masks, word ids and offsets. */
export function compareEncoding(input: string | [string, string], ours: Encoding, theirs: hf.Encoding): Mismatch | undefined {
  const fields: Array<[string, unknown, unknown]> = [
    ["ids", ours.inputIds, theirs.getIds()],
    ["tokens", ours.tokens, theirs.getTokens()],
    ["typeIds", ours.segmentIds, theirs.getTypeIds()],
    ["attentionMask", ours.inputMask, theirs.getAttentionMask()],
    ["specialTokensMask", ours.specialTokensMask, theirs.getSpecialTokensMask()],
    ["wordIds", ours.wordIds, theirs.getWordIds().map((w) => (w === undefined ? null : w))],
  ];
  const [a, b] = typeof input === "string" ? [input, ""] : input;
  const ca = toCodePointOffsets(a);
  const cb = toCodePointOffsets(b);
  const seq = ours.sequenceIds;
  const converted = ours.offsets.map(([s, e], i) => (seq[i] === 1 ? [cb(s), cb(e)] : seq[i] === 0 ? [ca(s), ca(e)] : [s, e]));
  fields.push(["offsets", converted, theirs.getOffsets()]);
  for (const [field, x, y] of fields) {
    if (JSON.stringify(x) !== JSON.stringify(y)) return { input, field, ours: x, theirs: y };
  }
  return undefined;
}

export function describeMismatches(ms: Mismatch[]): string {
  return ms
    .slice(0, 5)
    .map((m) => `${JSON.stringify(m.input).slice(0, 120)}\n  ${m.field}: ours ${JSON.stringify(m.ours).slice(0, 300)}\n  ${m.field}: HF   ${JSON.stringify(m.theirs).slice(0, 300)}`)
    .join("\n");
}
