/** Bad input gets a clear error that names the problem, never a wrong answer. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BertTokenizer, parseMergesTxt, parseTokenizerJson, parseVocabTxt, trainBpe, trainWordPiece } from "../../src/tokenization";

const BASE = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "##s", "on", "mat", "."];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-tok-errors-"));
function vocabFile(name: string, tokens: string[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, tokens.join("\n") + "\n");
  return file;
}

describe("tokenization: bad input", function () {
  const tok = BertTokenizer.fromVocab(BASE);

  it("a missing vocab file names the path", async function () {
    const missing = path.join(tmp, "nope", "vocab.txt");
    await assert.rejects(BertTokenizer.fromVocabFile(missing), (e: Error) => e.message.includes("not found") && e.message.includes(missing));
    await assert.rejects(BertTokenizer.fromPretrained(tmp), /neither tokenizer\.json nor vocab\.txt/);
  });

  for (const special of ["[UNK]", "[CLS]", "[SEP]"]) {
    it(`a vocab without ${special} is rejected by name`, async function () {
      const file = vocabFile(`no-${special.slice(1, -1)}.txt`, BASE.filter((t) => t !== special));
      await assert.rejects(BertTokenizer.fromVocabFile(file), (e: Error) => e.message.includes(special) && e.message.includes(file));
    });
  }

  it("a duplicate token names both lines", function () {
    assert.throws(() => parseVocabTxt("[UNK]\nthe\ncat\nthe\n", "v.txt"), /v\.txt:4: duplicate token "the" \(first at line 2\)/);
    assert.throws(() => BertTokenizer.fromVocab([...BASE, "cat"]), /duplicate token "cat" \(ids 6 and 12\)/);
    assert.throws(() => parseVocabTxt("a\n\nb\n", "v.txt"), /v\.txt:2: empty line/);
  });

  it("a non-string text is a TypeError naming what was passed", function () {
    assert.throws(() => tok.encode(42 as unknown as string), /textA must be a string, got number/);
    assert.throws(() => tok.encode("a", 7 as unknown as string), /textB must be a string, got number/);
    assert.throws(() => tok.tokenize(null as unknown as string), /must be a string, got null/);
    assert.throws(() => tok.encodeBatch(["ok", ["a"] as unknown as [string, string]]), /input 1 is an array of 1 items/);
    assert.throws(() => tok.encodeBatch(["ok", undefined as unknown as string]), /input 1 must be a string, got undefined/);
    assert.throws(() => tok.encodeBatch("text" as unknown as string[]), /expects an array/);
    assert.throws(() => tok.basic.normalize({} as unknown as string), /must be a string, got object/);
    assert.throws(() => trainBpe([3 as unknown as string], { vocabSize: 50 }), /training text 0 must be a string, got number/);
  });

  it("maxLength too small for the special tokens", function () {
    assert.throws(() => tok.encode("the cat", undefined, { maxLength: 1 }), /maxLength 1 is too small: one text needs 2 special tokens/);
    assert.throws(() => tok.encode("the", "cat", { maxLength: 2 }), /maxLength 2 is too small: a pair needs 3 special tokens/);
    assert.throws(() => tok.encode("the", undefined, { maxLength: 2.5 }), /maxLength 2.5 is too small/);
    // Exactly the special tokens is allowed: nothing of the texts fits.
    assert.deepEqual(tok.encode("the", "cat", { maxLength: 3 }).tokens, ["[CLS]", "[SEP]", "[SEP]"]);
  });

  it("truncation that cannot fit, padding without a length, unknown padding mode", function () {
    assert.throws(() => tok.encode("the", "cat sat on the mat", { maxLength: 6, truncation: "only_first" }), /the first text has 1 tokens, but 3 must go/);
    assert.throws(() => tok.encode("the cat sat", undefined, { maxLength: 4, truncation: "only_second" }), /needs a second text/);
    assert.throws(() => tok.encode("the", undefined, { padding: "max_length" }), /needs a maxLength/);
    assert.throws(() => tok.encode("the", undefined, { padding: "longest-ish" as "longest" }), /padding must be/);
    assert.throws(() => tok.encode("the", undefined, { truncation: "longest_first" }), /needs a maxLength/);
  });

  it("decode rejects ids outside the vocabulary", function () {
    assert.throws(() => tok.decode([2, 999]), /token id 999 is outside the vocabulary \(size 12\)/);
    assert.throws(() => tok.decode([1.5]), /must be an integer/);
    assert.throws(() => tok.decode("2 3" as unknown as number[]), /expects an array/);
  });

  it("a malformed tokenizer.json says where", function () {
    assert.throws(() => parseTokenizerJson("{not json", "t.json"), /t\.json: not valid JSON/);
    assert.throws(() => parseTokenizerJson("[]", "t.json"), /t\.json: top level: expected an object, got an array/);
    assert.throws(() => parseTokenizerJson("{}", "t.json"), /t\.json: model: expected an object, got nothing \(missing\)/);
    const good = JSON.parse(BertTokenizer.fromVocab(BASE).toTokenizerJson());
    const broken = (f: (j: any) => void): string => {
      const j = JSON.parse(JSON.stringify(good));
      f(j);
      return JSON.stringify(j);
    };
    assert.throws(() => parseTokenizerJson(broken((j) => (j.model.vocab = [1, 2])), "t.json"), /model\.vocab: expected an object, got an array/);
    assert.throws(() => parseTokenizerJson(broken((j) => (j.model.vocab.cat = 5)), "t.json"), /id 5 is used by both "the" and "cat"/);
    assert.throws(() => parseTokenizerJson(broken((j) => delete j.model.vocab["[UNK]"]), "t.json"), /no unknown token "\[UNK\]"/);
    assert.throws(() => parseTokenizerJson(broken((j) => (j.post_processor.single = [{ Sequence: { id: "C", type_id: 0 } }])), "t.json"), /expected "A" or "B"/);
    assert.throws(() => parseTokenizerJson(broken((j) => (j.added_tokens[0].id = 7)), "t.json"), /"\[PAD\]" has id 7 but the model vocabulary gives it id 0/);
    assert.throws(() => parseTokenizerJson(broken((j) => (j.added_tokens[4].normalized = true)), "t.json"), /"\[MASK\]" has "normalized": true, which bertlab does not support/);
  });

  it("an unsupported model type (or pipeline step) is named", function () {
    const good = JSON.parse(BertTokenizer.fromVocab(BASE).toTokenizerJson());
    const variant = (f: (j: any) => void): string => {
      const j = JSON.parse(JSON.stringify(good));
      f(j);
      return JSON.stringify(j);
    };
    assert.throws(() => parseTokenizerJson(variant((j) => (j.model = { type: "Unigram", vocab: [["a", 0]] })), "t.json"), /unsupported model type "Unigram"/);
    assert.throws(() => parseTokenizerJson(variant((j) => (j.normalizer = { type: "NFKC" })), "t.json"), /unsupported normalizer "NFKC"/);
    assert.throws(() => parseTokenizerJson(variant((j) => (j.pre_tokenizer = { type: "ByteLevel" })), "t.json"), /unsupported pre-tokenizer "ByteLevel"/);
    assert.throws(() => parseTokenizerJson(variant((j) => (j.post_processor = { type: "RobertaProcessing" })), "t.json"), /unsupported post-processor "RobertaProcessing"/);
    assert.throws(() => parseTokenizerJson(variant((j) => (j.decoder = { type: "ByteLevel" })), "t.json"), /unsupported decoder "ByteLevel"/);
  });

  it("a bad merges.txt line, a BPE merge outside the vocabulary", function () {
    assert.throws(() => parseMergesTxt("#version: 0.2\na b\nabc\n", "m.txt"), /m\.txt:3: expected "left right"/);
    const { tokenizer } = trainBpe("low lower lowest", { vocabSize: 30, minFrequency: 1 });
    const j = JSON.parse(tokenizer.toTokenizerJson());
    j.model.merges.push(["q", "z"]);
    assert.throws(() => parseTokenizerJson(JSON.stringify(j), "t.json"), /"q" is not in the vocabulary/);
  });

  it("trainer options are checked", function () {
    assert.throws(() => trainWordPiece("text", { vocabSize: 0 }), /vocabSize must be a positive integer/);
    assert.throws(() => trainBpe("text", {} as { vocabSize: number }), /vocabSize must be a positive integer/);
    assert.throws(() => trainWordPiece("text", { vocabSize: 100, specialTokens: ["[PAD]"] }), /must include \[UNK\]/);
  });
});
