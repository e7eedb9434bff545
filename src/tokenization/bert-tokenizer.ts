/**
 * BertTokenizer: text -> BERT's inputs ([CLS] A [SEP] B [SEP], segment ids, mask) and back.
 *
 *   const tok = await BertTokenizer.fromVocabFile("vocab.txt", { lowercase: true });
 *   tok.tokenize("unaffable");                 // ["una", "##ffa", "##ble"]
 *   const e = tok.encode("How old?", "Ten.", { maxLength: 16, padding: "max_length" });
 *   e.inputIds; e.segmentIds; e.inputMask; e.tokens; e.offsets;
 *
 * The pipeline is Hugging Face's: added tokens ([MASK]...) are cut out of the raw text first, the
 * rest goes through BasicTokenizer then the subword model, then the [CLS]/[SEP] template, then
 * truncation and padding. Ids match HF `tokenizers` exactly (see test/tokenization).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BasicTokenizer, PreTokenized, checkText } from "./basic-tokenizer";
import { Encoding, TokenSink } from "./encoding";
import {
  AddedToken,
  Decoder,
  PostProcessor,
  SubwordModel,
  TemplatePiece,
  TokenizerParts,
  bertPostProcessor,
  formatTokenizerJson,
  parseTokenizerJson,
} from "./tokenizer-json";
import { Vocab, readText, readVocabTxt } from "./vocab";
import { WordPiece } from "./wordpiece";
import { HubError, HubOptions, resolveHubFile } from "../hub";

export type Truncation = "longest_first" | "only_first" | "only_second" | false;
export type Padding = "max_length" | "longest" | false;

export interface EncodeOptions {
  /** Total length including [CLS]/[SEP]; truncation and "max_length" padding aim at it. */
  maxLength?: number;
  /** Default false. "longest" pads a batch to its longest member. */
  padding?: Padding;
  /** Default "longest_first" when maxLength is given, else false. */
  truncation?: Truncation;
  /** Add [CLS]/[SEP] (default true). */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Leave out [CLS], [SEP], [PAD], [MASK]... (default false, as in HF transformers). */
  skipSpecialTokens?: boolean;
}

export interface BertTokenizerOptions {
  /** Lowercase and strip accents (uncased models). Default true. */
  lowercase?: boolean;
  /** Default: same as lowercase. */
  stripAccents?: boolean;
  handleChineseChars?: boolean;
  cleanText?: boolean;
  /** Words longer than this many characters become [UNK]. Default 100 (HF); Google's BERT used 200. */
  maxInputCharsPerWord?: number;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
}

export type TextInput = string | [string, string];

/**
 * int32 tensors of shape [batch, length]: BERT's three inputs, named as the course and `forward`
 * name them (`input_ids`, `segment_ids`, `input_mask`), so `model.forward(tokenizer.toTensors(texts))`
 * needs no renaming.
 */
export interface BertInputTensors {
  inputIds: tf.Tensor2D;
  inputMask: tf.Tensor2D;
  segmentIds: tf.Tensor2D;
  /**
   * The same tensor as `inputIds`, under the name of the seed's TF-Hub Keras inputs (`input_word_ids`).
   * @deprecated use `inputIds`; kept for one release.
   */
  readonly inputWordIds: tf.Tensor2D;
}

export class BertTokenizer {
  readonly basic: BasicTokenizer;
  readonly model: SubwordModel;
  readonly postProcessor: PostProcessor | null;
  readonly addedTokens: ReadonlyArray<AddedToken>;
  readonly decoder: Decoder;
  readonly padToken: string | undefined;
  private readonly padId: number | undefined;
  private readonly addedById = new Map<number, AddedToken>();
  private readonly specialIds = new Set<number>();
  private readonly pre = new PreTokenized();
  // Scratch token columns for texts A and B, reused: postProcess copies what it keeps.
  private readonly sinkA = new TokenSink();
  private readonly sinkB = new TokenSink();
  private readonly idToTokenFn: (id: number) => string;

  constructor(parts: TokenizerParts) {
    this.basic = new BasicTokenizer(parts.normalizer);
    this.model = parts.model;
    this.postProcessor = parts.postProcessor;
    this.addedTokens = parts.addedTokens;
    this.decoder = parts.decoder;
    this.padToken = parts.padToken;
    for (const t of parts.addedTokens) {
      this.addedById.set(t.id, t);
      if (t.special) this.specialIds.add(t.id);
    }
    if (parts.postProcessor) for (const s of Object.values(parts.postProcessor.specialTokens)) s.ids.forEach((id) => this.specialIds.add(id));
    if (this.padToken !== undefined) {
      this.padId = this.tokenToId(this.padToken);
      if (this.padId === undefined) throw new Error(`the padding token ${JSON.stringify(this.padToken)} is not in the vocabulary`);
    }
    const vocab = this.model.vocab;
    this.idToTokenFn = (id: number) => vocab.idToToken(id) ?? this.addedById.get(id)?.content ?? `<id ${id}>`;
  }

  // ---- Loading and saving ----

  /** A WordPiece BERT tokenizer over `vocab` (token strings in id order, or a Vocab). */
  static fromVocab(vocab: Vocab | ReadonlyArray<string>, options: BertTokenizerOptions = {}, source = "vocabulary"): BertTokenizer {
    const v = vocab instanceof Vocab ? vocab : Vocab.fromTokens(vocab, source);
    const unk = options.unkToken ?? "[UNK]";
    const cls = options.clsToken ?? "[CLS]";
    const sep = options.sepToken ?? "[SEP]";
    const pad = options.padToken ?? "[PAD]";
    const mask = options.maskToken ?? "[MASK]";
    const missing = [unk, cls, sep].filter((t) => !v.has(t));
    if (missing.length > 0) throw new Error(`${source} has no ${missing.join(", ")} token${missing.length > 1 ? "s" : ""}; a BERT vocabulary needs [UNK], [CLS] and [SEP]`);
    const lowercase = options.lowercase ?? true;
    const specials = [pad, unk, cls, sep, mask].filter((t, i, all) => v.has(t) && all.indexOf(t) === i);
    return new BertTokenizer({
      normalizer: {
        lowercase,
        stripAccents: options.stripAccents ?? lowercase,
        cleanText: options.cleanText ?? true,
        handleChineseChars: options.handleChineseChars ?? true,
      },
      model: new WordPiece(v, { unkToken: unk, maxInputCharsPerWord: options.maxInputCharsPerWord }),
      postProcessor: bertPostProcessor([cls, v.tokenToId(cls) as number], [sep, v.tokenToId(sep) as number]),
      addedTokens: specials.map((t) => ({ id: v.tokenToId(t) as number, content: t, special: true, singleWord: false, lstrip: false, rstrip: false, normalized: false })),
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      padToken: v.has(pad) ? pad : undefined,
    });
  }

  /** Reads a vocab.txt (one token per line). */
  static async fromVocabFile(file: string, options: BertTokenizerOptions = {}): Promise<BertTokenizer> {
    return BertTokenizer.fromVocabFileSync(file, options);
  }

  static fromVocabFileSync(file: string, options: BertTokenizerOptions = {}): BertTokenizer {
    return BertTokenizer.fromVocab(readVocabTxt(file), options, file);
  }

  /** Reads a Hugging Face tokenizer.json. */
  static async fromTokenizerJson(file: string): Promise<BertTokenizer> {
    return BertTokenizer.fromTokenizerJsonString(readText(file, "tokenizer.json"), file);
  }

  static fromTokenizerJsonString(json: string, source = "tokenizer.json"): BertTokenizer {
    const parts = parseTokenizerJson(json, source);
    if (parts.model.type === "WordPiece" && parts.postProcessor) {
      // A BERT tokenizer.json must be able to make [CLS] A [SEP].
      for (const name of Object.keys(parts.postProcessor.specialTokens)) {
        for (const id of parts.postProcessor.specialTokens[name].ids) {
          if (parts.model.vocab.idToToken(id) === undefined && !parts.addedTokens.some((t) => t.id === id)) {
            throw new Error(`${source}: post_processor special token ${JSON.stringify(name)} has id ${id}, which is in neither the vocabulary nor added_tokens`);
          }
        }
      }
    }
    return new BertTokenizer(parts);
  }

  /**
   * A local directory (tokenizer.json, else vocab.txt with tokenizer_config.json's do_lower_case)
   * or a Hub repo id such as "bert-base-uncased", downloaded into the HF cache by bertlab's hub module.
   */
  static async fromPretrained(dirOrHubId: string, options: BertTokenizerOptions & HubOptions = {}): Promise<BertTokenizer> {
    checkText(dirOrHubId, "fromPretrained: the directory or Hub id");
    if (fs.existsSync(dirOrHubId)) {
      if (!fs.statSync(dirOrHubId).isDirectory()) throw new Error(`fromPretrained: ${dirOrHubId} is a file; pass its directory, or use fromTokenizerJson / fromVocabFile`);
      const json = path.join(dirOrHubId, "tokenizer.json");
      if (fs.existsSync(json)) return BertTokenizer.fromTokenizerJson(json);
      const vocab = path.join(dirOrHubId, "vocab.txt");
      if (!fs.existsSync(vocab)) throw new Error(`fromPretrained: ${dirOrHubId} has neither tokenizer.json nor vocab.txt`);
      const config = path.join(dirOrHubId, "tokenizer_config.json");
      return BertTokenizer.fromVocabFileSync(vocab, { ...configOptions(fs.existsSync(config) ? config : undefined), ...options });
    }
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(dirOrHubId)) throw new Error(`fromPretrained: ${dirOrHubId} is neither a local directory nor a Hub repo id like "bert-base-uncased"`);
    const { revision, cacheDir, endpoint, offline, token, progress, maxRetries, ...tokenizerOptions } = options;
    const hubOptions: HubOptions = { revision, cacheDir, endpoint, offline, token, progress, maxRetries };
    try {
      return await BertTokenizer.fromTokenizerJson(await resolveHubFile(dirOrHubId, "tokenizer.json", hubOptions));
    } catch (error) {
      if (!(error instanceof HubError && error.status === 404)) throw error;
    }
    const vocab = await resolveHubFile(dirOrHubId, "vocab.txt", hubOptions);
    let config: string | undefined;
    try {
      config = await resolveHubFile(dirOrHubId, "tokenizer_config.json", hubOptions);
    } catch (error) {
      if (!(error instanceof HubError && error.status === 404)) throw error;
    }
    return BertTokenizer.fromVocabFileSync(vocab, { ...configOptions(config), ...tokenizerOptions });
  }

  /** tokenizer.json text that both bertlab and HF `tokenizers` can load. */
  toTokenizerJson(): string {
    return formatTokenizerJson({
      normalizer: { lowercase: this.basic.lowercase, stripAccents: this.basic.stripAccents, cleanText: this.basic.cleanText, handleChineseChars: this.basic.handleChineseChars },
      model: this.model,
      postProcessor: this.postProcessor,
      addedTokens: [...this.addedTokens],
      decoder: this.decoder,
      padToken: this.padToken,
    });
  }

  saveTokenizerJson(file: string): void {
    fs.writeFileSync(file, this.toTokenizerJson(), "utf8");
  }

  // ---- Vocabulary ----

  get vocab(): Vocab {
    return this.model.vocab;
  }

  get vocabSize(): number {
    return Math.max(this.model.vocab.size, ...this.addedTokens.map((t) => t.id + 1));
  }

  tokenToId(token: string): number | undefined {
    return this.model.vocab.tokenToId(token) ?? this.addedTokens.find((t) => t.content === token)?.id;
  }

  idToToken(id: number): string | undefined {
    return this.model.vocab.idToToken(id) ?? this.addedById.get(id)?.content;
  }

  convertTokensToIds(tokens: string[]): number[] {
    return tokens.map((t) => this.tokenToId(t) ?? (this.model.unkId as number));
  }

  convertIdsToTokens(ids: number[]): string[] {
    return ids.map((id) => this.checkedToken(id));
  }

  // ---- Encoding ----

  /** Subword tokens of `text`, without [CLS]/[SEP]. */
  tokenize(text: string): string[] {
    checkText(text);
    const sink = new TokenSink();
    this.encodeSequence(text, sink);
    return sink.ids.map(this.idToTokenFn);
  }

  /** Encodes one text or a pair. Synchronous. */
  encode(textA: string, textB?: string | null, options: EncodeOptions = {}): Encoding {
    checkText(textA, "encode: textA");
    if (textB !== undefined && textB !== null) checkText(textB, "encode: textB");
    const padding = options.padding ?? false;
    if (padding !== false && padding !== "max_length" && padding !== "longest") throw new Error(`padding must be "max_length", "longest" or false, got ${JSON.stringify(padding)}`);
    const enc = this.encodeUnpadded(textA, textB ?? undefined, options);
    if (padding === "max_length") {
      if (options.maxLength === undefined) throw new Error(`padding "max_length" needs a maxLength`);
      return this.pad(enc, options.maxLength);
    }
    return enc;
  }

  /** Encodes many texts or [textA, textB] pairs; "longest" padding pads to the batch's longest. */
  encodeBatch(inputs: ReadonlyArray<TextInput>, options: EncodeOptions = {}): Encoding[] {
    if (!Array.isArray(inputs)) throw new TypeError(`encodeBatch expects an array of texts or [textA, textB] pairs, got ${inputs === null ? "null" : typeof inputs}`);
    const each: EncodeOptions = options.padding === "max_length" ? options : { ...options, padding: false };
    const out = inputs.map((input, i) => {
      if (Array.isArray(input)) {
        if (input.length !== 2) throw new TypeError(`encodeBatch: input ${i} is an array of ${input.length} items; a pair is [textA, textB]`);
        checkText(input[0], `encodeBatch: input ${i} textA`);
        checkText(input[1], `encodeBatch: input ${i} textB`);
        return this.encode(input[0], input[1], each);
      }
      checkText(input, `encodeBatch: input ${i}`);
      return this.encode(input, undefined, each);
    });
    if (options.padding === "longest") {
      const longest = out.reduce((m, e) => Math.max(m, e.length), 0);
      return out.map((e) => this.pad(e, longest));
    }
    return out;
  }

  /**
   * int32 tensors {inputIds, inputMask, segmentIds} of shape [batch, length]: what `forward`,
   * `IntentClassifier` and (as `[inputIds, inputMask, segmentIds]`) the Keras layer take.
   * Pads to the batch's longest input unless `padding` says otherwise.
   */
  toTensors(inputs: ReadonlyArray<TextInput> | ReadonlyArray<Encoding>, options: EncodeOptions = {}): BertInputTensors {
    const encodings =
      inputs.length > 0 && inputs[0] instanceof Encoding
        ? (inputs as ReadonlyArray<Encoding>)
        : this.encodeBatch(inputs as ReadonlyArray<TextInput>, { ...options, padding: options.padding ?? "longest" });
    const n = encodings.length;
    const len = n > 0 ? encodings[0].length : 0;
    encodings.forEach((e, i) => {
      if (e.length !== len) throw new Error(`toTensors: encoding ${i} has ${e.length} tokens but encoding 0 has ${len}; pad them to one length`);
    });
    const ids = new Int32Array(n * len);
    const mask = new Int32Array(n * len);
    const seg = new Int32Array(n * len);
    encodings.forEach((e, i) => {
      ids.set(e.inputIds, i * len);
      mask.set(e.inputMask, i * len);
      seg.set(e.segmentIds, i * len);
    });
    const tensors = {
      inputIds: tf.tensor2d(ids, [n, len], "int32"),
      inputMask: tf.tensor2d(mask, [n, len], "int32"),
      segmentIds: tf.tensor2d(seg, [n, len], "int32"),
    };
    // The deprecated alias is not enumerable, so tf.dispose(result) and spreads see three tensors, not four.
    Object.defineProperty(tensors, "inputWordIds", { get: () => tensors.inputIds, enumerable: false });
    return tensors as BertInputTensors;
  }

  /** Number of tokens the template adds: 2 for one BERT text, 3 for a pair. */
  numSpecialTokens(pair: boolean): number {
    if (!this.postProcessor) return 0;
    const template = pair ? this.postProcessor.pair : this.postProcessor.single;
    let n = 0;
    for (const p of template) if (p.kind === "special") n += this.postProcessor.specialTokens[p.name].ids.length;
    return n;
  }

  private encodeUnpadded(textA: string, textB: string | undefined, options: EncodeOptions): Encoding {
    const addSpecial = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength;
    const truncation = options.truncation ?? (maxLength !== undefined ? "longest_first" : false);
    // Like HF, stop encoding a text at the first word boundary once it has maxLength tokens: the
    // rest would be truncated anyway, and HF's longest_first compares these capped lengths.
    const cap = truncation !== false && maxLength !== undefined ? maxLength : Infinity;
    const a = this.sinkA;
    a.truncate(0);
    this.encodeSequence(textA, a, cap);
    const b = textB === undefined ? undefined : this.sinkB;
    if (b) {
      b.truncate(0);
      this.encodeSequence(textB as string, b, cap);
    }
    if (maxLength !== undefined) {
      const special = addSpecial ? this.numSpecialTokens(b !== undefined) : 0;
      if (!Number.isInteger(maxLength) || maxLength < special) {
        throw new RangeError(`maxLength ${maxLength} is too small: ${b ? "a pair" : "one text"} needs ${special} special tokens ([CLS]/[SEP]) besides the text`);
      }
      if (truncation !== false) truncate(a, b, maxLength - special, maxLength, truncation);
    } else if (truncation !== false) {
      throw new Error(`truncation ${JSON.stringify(truncation)} needs a maxLength`);
    }
    return this.postProcess(a, b, addSpecial);
  }

  /** Cuts added tokens ([MASK]...) out of the raw text, runs the pipeline on the rest. */
  private encodeSequence(text: string, sink: TokenSink, cap = Infinity): void {
    let pos = 0;
    let word = 0;
    if (this.addedTokens.length > 0) {
      for (;;) {
        const m = this.findAddedToken(text, pos);
        if (m === undefined) break;
        if (m.start > pos) word = this.encodePlain(text, pos, m.start, sink, word, cap);
        if (sink.length >= cap) return;
        sink.push(m.id, m.contentStart, m.contentEnd, word++);
        pos = m.end;
      }
    }
    if (pos < text.length && sink.length < cap) this.encodePlain(text, pos, text.length, sink, word, cap);
  }

  private encodePlain(text: string, from: number, to: number, sink: TokenSink, firstWord: number, cap: number): number {
    const pre = this.pre;
    pre.reset();
    this.basic.split(text, from, to, pre);
    const model = this.model;
    for (let w = 0; w < pre.nWords; w++) {
      if (sink.length >= cap) break;
      model.encodeWord(pre, pre.wordStart[w], pre.wordEnd[w], pre.wordChars[w], sink, firstWord + w);
    }
    return firstWord + pre.nWords;
  }

  /** Leftmost, then longest, added token at or after `from`. */
  private findAddedToken(text: string, from: number): { start: number; end: number; contentStart: number; contentEnd: number; id: number } | undefined {
    let best: AddedToken | undefined;
    let bestAt = -1;
    for (const t of this.addedTokens) {
      if (t.content === "") continue;
      let at = text.indexOf(t.content, from);
      while (at >= 0 && t.singleWord && !isWordBoundary(text, at, at + t.content.length)) at = text.indexOf(t.content, at + 1);
      if (at < 0) continue;
      if (bestAt < 0 || at < bestAt || (at === bestAt && t.content.length > (best as AddedToken).content.length)) {
        best = t;
        bestAt = at;
      }
    }
    if (!best) return undefined;
    let start = bestAt;
    let end = bestAt + best.content.length;
    if (best.lstrip) while (start > from && /\s/.test(text[start - 1])) start--;
    if (best.rstrip) while (end < text.length && /\s/.test(text[end])) end++;
    return { start, end, contentStart: bestAt, contentEnd: bestAt + best.content.length, id: best.id };
  }

  private postProcess(a: TokenSink, b: TokenSink | undefined, addSpecial: boolean): Encoding {
    const pp = this.postProcessor;
    let template: TemplatePiece[];
    if (addSpecial && pp) template = b ? pp.pair : pp.single;
    else template = b ? PLAIN_PAIR : PLAIN_SINGLE;
    let n = 0;
    for (const piece of template) {
      n += piece.kind === "special" ? (pp as PostProcessor).specialTokens[piece.name].ids.length : piece.sequence === 0 ? a.length : (b as TokenSink).length;
    }
    // Preallocated and filled by index: encoding is allocation-bound, so fewer, exact-size arrays.
    const ids: number[] = new Array(n);
    const typeIds: number[] = new Array(n);
    const attentionMask: number[] = new Array(n).fill(1);
    const offsets: number[] = new Array(2 * n);
    const wordIds: Array<number | null> = new Array(n);
    const spans: [number, number, number, number] = [-1, -1, -1, -1];
    let k = 0;
    for (const piece of template) {
      if (piece.kind === "special") {
        for (const id of (pp as PostProcessor).specialTokens[piece.name].ids) {
          ids[k] = id;
          typeIds[k] = piece.typeId;
          offsets[2 * k] = 0;
          offsets[2 * k + 1] = 0;
          wordIds[k] = null;
          k++;
        }
      } else {
        const s = piece.sequence === 0 ? a : (b as TokenSink);
        spans[2 * piece.sequence] = k;
        const { ids: sIds, starts, ends, wordIds: sWords } = s;
        for (let i = 0; i < sIds.length; i++, k++) {
          ids[k] = sIds[i];
          typeIds[k] = piece.typeId;
          offsets[2 * k] = starts[i];
          offsets[2 * k + 1] = ends[i];
          wordIds[k] = sWords[i];
        }
        spans[2 * piece.sequence + 1] = k;
      }
    }
    return new Encoding({ ids, typeIds, attentionMask, offsets, wordIds, spans, idToToken: this.idToTokenFn });
  }

  private pad(e: Encoding, length: number): Encoding {
    if (e.length >= length) return e;
    if (this.padId === undefined) throw new Error(`cannot pad: this tokenizer has no padding token`);
    const n = length - e.length;
    return new Encoding({
      ids: [...e.inputIds, ...new Array<number>(n).fill(this.padId)],
      typeIds: [...e.segmentIds, ...new Array<number>(n).fill(0)],
      attentionMask: [...e.inputMask, ...new Array<number>(n).fill(0)],
      offsets: [...e.flatOffsetArray, ...new Array<number>(2 * n).fill(0)],
      wordIds: [...e.wordIds, ...new Array<null>(n).fill(null)],
      spans: e.sequenceSpans,
      idToToken: this.idToTokenFn,
    });
  }

  // ---- Decoding ----

  /** Text from ids: "##" pieces joined, spaces elsewhere, HF's cleanup of " ." etc. */
  decode(ids: ReadonlyArray<number>, options: DecodeOptions = {}): string {
    if (!Array.isArray(ids)) throw new TypeError(`decode expects an array of token ids, got ${ids === null ? "null" : typeof ids}`);
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (const id of ids) {
      const token = this.checkedToken(id);
      if (skip && this.specialIds.has(id)) continue;
      tokens.push(token);
    }
    const d = this.decoder;
    if (d.type === "WordPiece") {
      let out = "";
      tokens.forEach((t, i) => {
        let piece = t;
        if (i > 0) piece = t.startsWith(d.prefix) ? t.slice(d.prefix.length) : " " + t;
        out += d.cleanup ? cleanup(piece) : piece;
      });
      return out;
    }
    return tokens.map((t, i) => t.split(d.suffix).join(i === tokens.length - 1 ? "" : " ")).join("");
  }

  private checkedToken(id: number): string {
    if (!Number.isInteger(id)) throw new TypeError(`token id must be an integer, got ${JSON.stringify(id)}`);
    const t = this.idToToken(id);
    if (t === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return t;
  }
}

/** HF's WordPiece decoder cleanup, applied per token as HF does. */
function cleanup(s: string): string {
  return s
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" do not", " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

const PLAIN_SINGLE: TemplatePiece[] = [{ kind: "sequence", sequence: 0, typeId: 0 }];
const PLAIN_PAIR: TemplatePiece[] = [
  { kind: "sequence", sequence: 0, typeId: 0 },
  { kind: "sequence", sequence: 1, typeId: 1 },
];

function isWordBoundary(text: string, start: number, end: number): boolean {
  const word = /[\p{L}\p{N}_]/u;
  return (start === 0 || !word.test(text[start - 1])) && (end >= text.length || !word.test(text[end]));
}

/**
 * Truncates the sequences to fit `budget` tokens, as HF `tokenizers` does. For longest_first the
 * shorter sequence keeps min(its length, half the budget) and the longer one the rest; when both
 * must be cut, the second gets the odd token. The lengths compared are those after encoding
 * stopped early (see encodeSequence), which decides ties exactly as HF does.
 */
function truncate(a: TokenSink, b: TokenSink | undefined, budget: number, maxLength: number, strategy: Exclude<Truncation, false>): void {
  const n1 = a.length;
  const n2 = b ? b.length : 0;
  if (n1 + n2 <= budget) return;
  if (!b) {
    if (strategy === "only_second") throw new Error(`truncation "only_second" needs a second text; this input (${n1} tokens) exceeds maxLength ${maxLength}`);
    a.truncate(budget);
    return;
  }
  if (budget === 0) {
    a.truncate(0);
    b.truncate(0);
    return;
  }
  if (strategy === "longest_first") {
    // HF's legacy balancing, verbatim in effect: s1 is the shorter sequence.
    const swap = n1 > n2;
    let s1 = swap ? n2 : n1;
    let s2: number;
    s2 = s1 > budget ? s1 : Math.max(s1, budget - s1);
    if (s1 + s2 > budget) {
      s1 = Math.floor(budget / 2);
      s2 = s1 + (budget % 2);
    }
    const [ka, kb] = swap ? [s2, s1] : [s1, s2];
    if (ka < n1) a.truncate(ka);
    if (kb < n2) b.truncate(kb);
    return;
  }
  const target = strategy === "only_first" ? a : b;
  const remove = n1 + n2 - budget;
  if (target.length <= remove) {
    const which = strategy === "only_first" ? "first" : "second";
    throw new Error(`truncation "${strategy}": the ${which} text has ${target.length} tokens, but ${remove} must go to fit maxLength ${maxLength}; use "longest_first" or a larger maxLength`);
  }
  target.truncate(target.length - remove);
}

function configOptions(file: string | undefined): BertTokenizerOptions {
  if (!file) return {};
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const out: BertTokenizerOptions = {};
  if (typeof config.do_lower_case === "boolean") out.lowercase = config.do_lower_case;
  if (typeof config.strip_accents === "boolean") out.stripAccents = config.strip_accents;
  if (typeof config.tokenize_chinese_chars === "boolean") out.handleChineseChars = config.tokenize_chinese_chars;
  for (const [key, name] of [["unk_token", "unkToken"], ["cls_token", "clsToken"], ["sep_token", "sepToken"], ["pad_token", "padToken"], ["mask_token", "maskToken"]] as const) {
    if (typeof config[key] === "string") out[name] = config[key] as string;
  }
  return out;
}
