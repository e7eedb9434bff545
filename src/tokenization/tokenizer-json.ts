/**
 * Hugging Face `tokenizer.json`: the whole pipeline in one file (normalizer, pre-tokenizer, model,
 * post-processor, decoder, added tokens). We read and write the BERT family of it: BertNormalizer,
 * BertPreTokenizer, a WordPiece or BPE model, BertProcessing or TemplateProcessing, and the
 * WordPiece / BPE decoders. Anything else is rejected by name rather than tokenized wrongly.
 */
import { BasicTokenizerOptions } from "./basic-tokenizer";
import { Bpe } from "./bpe";
import { Vocab, Merge } from "./vocab";
import { WordPiece } from "./wordpiece";

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

export type TemplatePiece =
  | { kind: "special"; name: string; typeId: number }
  | { kind: "sequence"; sequence: 0 | 1; typeId: number };

export interface PostProcessor {
  single: TemplatePiece[];
  pair: TemplatePiece[];
  /** Special token name -> the ids and tokens it expands to. */
  specialTokens: Record<string, { ids: number[]; tokens: string[] }>;
}

export type Decoder = { type: "WordPiece"; prefix: string; cleanup: boolean } | { type: "BPEDecoder"; suffix: string };

export type SubwordModel = WordPiece | Bpe;

/** Everything a BertTokenizer is made of. */
export interface TokenizerParts {
  normalizer: Required<BasicTokenizerOptions>;
  model: SubwordModel;
  postProcessor: PostProcessor | null;
  addedTokens: AddedToken[];
  decoder: Decoder;
  padToken: string | undefined;
}

/** BERT's template: [CLS] A [SEP] and [CLS] A [SEP] B [SEP], type ids 0 then 1. */
export function bertPostProcessor(cls: [string, number], sep: [string, number]): PostProcessor {
  return {
    single: [
      { kind: "special", name: cls[0], typeId: 0 },
      { kind: "sequence", sequence: 0, typeId: 0 },
      { kind: "special", name: sep[0], typeId: 0 },
    ],
    pair: [
      { kind: "special", name: cls[0], typeId: 0 },
      { kind: "sequence", sequence: 0, typeId: 0 },
      { kind: "special", name: sep[0], typeId: 0 },
      { kind: "sequence", sequence: 1, typeId: 1 },
      { kind: "special", name: sep[0], typeId: 1 },
    ],
    specialTokens: {
      [cls[0]]: { ids: [cls[1]], tokens: [cls[0]] },
      [sep[0]]: { ids: [sep[1]], tokens: [sep[0]] },
    },
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

class Reader {
  constructor(readonly source: string) {}

  fail(where: string, message: string): never {
    throw new Error(`${this.source}: ${where}: ${message}`);
  }

  object(v: Json | undefined, where: string): JsonObject {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(where, `expected an object, got ${describe(v)}`);
    return v;
  }

  string(v: Json | undefined, where: string): string {
    if (typeof v !== "string") this.fail(where, `expected a string, got ${describe(v)}`);
    return v;
  }

  bool(v: Json | undefined, where: string, fallback: boolean): boolean {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") this.fail(where, `expected true or false, got ${describe(v)}`);
    return v;
  }

  int(v: Json | undefined, where: string): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) this.fail(where, `expected a non-negative integer, got ${describe(v)}`);
    return v;
  }

  array(v: Json | undefined, where: string): Json[] {
    if (!Array.isArray(v)) this.fail(where, `expected an array, got ${describe(v)}`);
    return v;
  }
}

function describe(v: Json | undefined): string {
  if (v === undefined) return "nothing (missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

/** Parses tokenizer.json text. `source` names the file in errors. */
export function parseTokenizerJson(text: string, source = "tokenizer.json"): TokenizerParts {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const r: Reader = new Reader(source);
  const top = r.object(root, "top level");

  const modelJson = r.object(top.model, "model");
  const modelType = modelJson.type ?? (modelJson.merges !== undefined ? "BPE" : modelJson.continuing_subword_prefix !== undefined ? "WordPiece" : undefined);
  let model: SubwordModel;
  if (modelType === "WordPiece") {
    const vocab = Vocab.fromIdMap(r.object(modelJson.vocab, "model.vocab") as Record<string, number>, `${source}: model.vocab`);
    model = new WordPiece(vocab, {
      unkToken: r.string(modelJson.unk_token ?? "[UNK]", "model.unk_token"),
      continuingSubwordPrefix: r.string(modelJson.continuing_subword_prefix ?? "##", "model.continuing_subword_prefix"),
      maxInputCharsPerWord: r.int(modelJson.max_input_chars_per_word ?? 100, "model.max_input_chars_per_word"),
    });
  } else if (modelType === "BPE") {
    const vocab = Vocab.fromIdMap(r.object(modelJson.vocab, "model.vocab") as Record<string, number>, `${source}: model.vocab`);
    const merges = r.array(modelJson.merges, "model.merges").map((m, i): Merge => {
      if (typeof m === "string") {
        const parts = m.split(" ");
        if (parts.length !== 2) r.fail(`model.merges[${i}]`, `expected "left right", got ${JSON.stringify(m)}`);
        return [parts[0], parts[1]];
      }
      const pair = r.array(m, `model.merges[${i}]`);
      if (pair.length !== 2) r.fail(`model.merges[${i}]`, `expected a pair of tokens, got ${pair.length} items`);
      return [r.string(pair[0], `model.merges[${i}][0]`), r.string(pair[1], `model.merges[${i}][1]`)];
    });
    for (const key of ["dropout", "byte_fallback"] as const) {
      if (modelJson[key] !== undefined && modelJson[key] !== null && modelJson[key] !== false) {
        r.fail(`model.${key}`, `BPE ${key} is not supported (got ${JSON.stringify(modelJson[key])})`);
      }
    }
    const opt = (v: Json | undefined, where: string): string | undefined => (v === undefined || v === null ? undefined : r.string(v, where));
    model = new Bpe(vocab, merges, {
      unkToken: opt(modelJson.unk_token, "model.unk_token"),
      continuingSubwordPrefix: opt(modelJson.continuing_subword_prefix, "model.continuing_subword_prefix"),
      endOfWordSuffix: opt(modelJson.end_of_word_suffix, "model.end_of_word_suffix"),
      fuseUnk: r.bool(modelJson.fuse_unk, "model.fuse_unk", false),
    });
  } else {
    r.fail("model.type", `unsupported model type ${JSON.stringify(modelType)}; bertlab reads WordPiece and BPE tokenizers`);
  }

  const n = r.object(top.normalizer, "normalizer");
  if (n.type !== "BertNormalizer") {
    r.fail("normalizer.type", `unsupported normalizer ${JSON.stringify(n.type)}; bertlab reads tokenizers with a BertNormalizer`);
  }
  const lowercase = r.bool(n.lowercase, "normalizer.lowercase", true);
  const normalizer: Required<BasicTokenizerOptions> = {
    cleanText: r.bool(n.clean_text, "normalizer.clean_text", true),
    handleChineseChars: r.bool(n.handle_chinese_chars, "normalizer.handle_chinese_chars", true),
    stripAccents: r.bool(n.strip_accents, "normalizer.strip_accents", lowercase),
    lowercase,
  };

  const p = r.object(top.pre_tokenizer, "pre_tokenizer");
  if (p.type !== "BertPreTokenizer") {
    r.fail("pre_tokenizer.type", `unsupported pre-tokenizer ${JSON.stringify(p.type)}; bertlab reads tokenizers with a BertPreTokenizer`);
  }

  const addedTokens = (top.added_tokens === undefined || top.added_tokens === null ? [] : r.array(top.added_tokens, "added_tokens")).map(
    (t, i): AddedToken => {
      const o = r.object(t, `added_tokens[${i}]`);
      const w = `added_tokens[${i}]`;
      return {
        id: r.int(o.id, `${w}.id`),
        content: r.string(o.content, `${w}.content`),
        special: r.bool(o.special, `${w}.special`, false),
        singleWord: r.bool(o.single_word, `${w}.single_word`, false),
        lstrip: r.bool(o.lstrip, `${w}.lstrip`, false),
        rstrip: r.bool(o.rstrip, `${w}.rstrip`, false),
        normalized: r.bool(o.normalized, `${w}.normalized`, !r.bool(o.special, `${w}.special`, false)),
      };
    },
  );
  for (const t of addedTokens) {
    if (t.normalized) {
      // HF matches these in the normalized text ("[MASK]" would also match "[mask]" when lowercasing);
      // bertlab matches added tokens in the raw text only, so it would give other ids.
      r.fail("added_tokens", `${JSON.stringify(t.content)} has "normalized": true, which bertlab does not support (it matches added tokens in the raw text only)`);
    }
    const inVocab = model.vocab.tokenToId(t.content);
    if (inVocab !== undefined && inVocab !== t.id) {
      r.fail("added_tokens", `${JSON.stringify(t.content)} has id ${t.id} but the model vocabulary gives it id ${inVocab}`);
    }
  }

  const postProcessor = top.post_processor === null || top.post_processor === undefined ? null : readPostProcessor(r, r.object(top.post_processor, "post_processor"));

  let decoder: Decoder;
  const d = top.decoder === null || top.decoder === undefined ? null : r.object(top.decoder, "decoder");
  if (d === null) {
    decoder = model.type === "BPE" && model.endOfWordSuffix ? { type: "BPEDecoder", suffix: model.endOfWordSuffix } : { type: "WordPiece", prefix: "##", cleanup: true };
  } else if (d.type === "WordPiece") {
    decoder = { type: "WordPiece", prefix: r.string(d.prefix ?? "##", "decoder.prefix"), cleanup: r.bool(d.cleanup, "decoder.cleanup", true) };
  } else if (d.type === "BPEDecoder") {
    decoder = { type: "BPEDecoder", suffix: r.string(d.suffix ?? "</w>", "decoder.suffix") };
  } else {
    r.fail("decoder.type", `unsupported decoder ${JSON.stringify(d.type)}; bertlab reads WordPiece and BPEDecoder`);
  }

  let padToken: string | undefined;
  if (top.padding !== null && top.padding !== undefined) padToken = r.string(r.object(top.padding, "padding").pad_token ?? "[PAD]", "padding.pad_token");
  else if (model.vocab.has("[PAD]")) padToken = "[PAD]";

  return { normalizer, model, postProcessor, addedTokens, decoder, padToken };
}

function readPostProcessor(r: Reader, p: JsonObject): PostProcessor {
  if (p.type === "BertProcessing") {
    const pair = (v: Json | undefined, where: string): [string, number] => {
      const a = r.array(v, where);
      if (a.length !== 2) r.fail(where, `expected [token, id]`);
      return [r.string(a[0], `${where}[0]`), r.int(a[1], `${where}[1]`)];
    };
    return bertPostProcessor(pair(p.cls, "post_processor.cls"), pair(p.sep, "post_processor.sep"));
  }
  if (p.type === "TemplateProcessing") {
    const pieces = (v: Json | undefined, where: string): TemplatePiece[] =>
      r.array(v, where).map((item, i) => {
        const o = r.object(item, `${where}[${i}]`);
        if (o.SpecialToken !== undefined) {
          const s = r.object(o.SpecialToken, `${where}[${i}].SpecialToken`);
          return { kind: "special", name: r.string(s.id, `${where}[${i}].SpecialToken.id`), typeId: r.int(s.type_id, `${where}[${i}].SpecialToken.type_id`) };
        }
        const s = r.object(o.Sequence, `${where}[${i}].Sequence`);
        const id = r.string(s.id, `${where}[${i}].Sequence.id`);
        if (id !== "A" && id !== "B") r.fail(`${where}[${i}].Sequence.id`, `expected "A" or "B", got ${JSON.stringify(id)}`);
        return { kind: "sequence", sequence: id === "A" ? 0 : 1, typeId: r.int(s.type_id, `${where}[${i}].Sequence.type_id`) };
      });
    const specialTokens: PostProcessor["specialTokens"] = {};
    for (const [name, v] of Object.entries(r.object(p.special_tokens, "post_processor.special_tokens"))) {
      const o = r.object(v, `post_processor.special_tokens.${name}`);
      specialTokens[name] = {
        ids: r.array(o.ids, `post_processor.special_tokens.${name}.ids`).map((x, i) => r.int(x, `post_processor.special_tokens.${name}.ids[${i}]`)),
        tokens: r.array(o.tokens, `post_processor.special_tokens.${name}.tokens`).map((x, i) => r.string(x, `post_processor.special_tokens.${name}.tokens[${i}]`)),
      };
    }
    const out: PostProcessor = { single: pieces(p.single, "post_processor.single"), pair: pieces(p.pair, "post_processor.pair"), specialTokens };
    for (const piece of [...out.single, ...out.pair]) {
      if (piece.kind === "special" && !specialTokens[piece.name]) r.fail("post_processor", `template uses ${JSON.stringify(piece.name)} which special_tokens does not define`);
    }
    return out;
  }
  r.fail("post_processor.type", `unsupported post-processor ${JSON.stringify(p.type)}; bertlab reads BertProcessing and TemplateProcessing`);
}

/** tokenizer.json text for the parts, in the layout the Hub's BERT files use. */
export function formatTokenizerJson(parts: TokenizerParts): string {
  const { model, normalizer, postProcessor, decoder } = parts;
  const modelJson: JsonObject =
    model.type === "WordPiece"
      ? {
          type: "WordPiece",
          unk_token: model.unkToken,
          continuing_subword_prefix: model.continuingSubwordPrefix,
          max_input_chars_per_word: model.maxInputCharsPerWord,
          vocab: model.vocab.toIdMap(),
        }
      : {
          type: "BPE",
          dropout: null,
          unk_token: model.unkToken ?? null,
          continuing_subword_prefix: model.continuingSubwordPrefix ?? null,
          end_of_word_suffix: model.endOfWordSuffix ?? null,
          fuse_unk: model.fuseUnk,
          byte_fallback: false,
          vocab: model.vocab.toIdMap(),
          merges: model.merges.map(([a, b]) => [a, b]),
        };
  const piece = (p: TemplatePiece): Json =>
    p.kind === "special" ? { SpecialToken: { id: p.name, type_id: p.typeId } } : { Sequence: { id: p.sequence === 0 ? "A" : "B", type_id: p.typeId } };
  const json: JsonObject = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: parts.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: t.singleWord,
      lstrip: t.lstrip,
      rstrip: t.rstrip,
      normalized: t.normalized,
      special: t.special,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: normalizer.cleanText,
      handle_chinese_chars: normalizer.handleChineseChars,
      strip_accents: normalizer.stripAccents,
      lowercase: normalizer.lowercase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: postProcessor
      ? {
          type: "TemplateProcessing",
          single: postProcessor.single.map(piece),
          pair: postProcessor.pair.map(piece),
          special_tokens: Object.fromEntries(
            Object.entries(postProcessor.specialTokens).map(([name, s]) => [name, { id: name, ids: s.ids, tokens: s.tokens }]),
          ),
        }
      : null,
    decoder: decoder.type === "WordPiece" ? { type: "WordPiece", prefix: decoder.prefix, cleanup: decoder.cleanup } : { type: "BPEDecoder", suffix: decoder.suffix },
    model: modelJson,
  };
  return JSON.stringify(json, null, 2);
}
