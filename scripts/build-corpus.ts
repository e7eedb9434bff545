/**
 * `npm run corpus:build -- --from DIR | --online [--out DIR]`: rebuilds the public part of the
 * pretraining corpus (data/corpus/public/{en,ko}/*.txt) from pinned public datasets (issue 13).
 *
 * Sources and their pinned commits are listed in data/corpus/sources.json. Two ways in:
 * - `--from DIR`: local repository snapshots, DIR/OWNER+NAME/repo (a folder holding `.git`, or a
 *   git dir itself). Files are read from the pinned commit with `git cat-file`, never from a work
 *   tree, so a dirty checkout cannot leak in. Files the snapshot lacks (ls-tree size "BAD") are
 *   skipped and listed. The build writes data/corpus/sources.lock.json: every file used, with its
 *   git blob id and size.
 * - `--online`: downloads exactly the files in sources.lock.json from
 *   https://raw.githubusercontent.com/OWNER/NAME/COMMIT/PATH (base overridable with
 *   BERTLAB_CORPUS_BASE_URL) and checks each against its git blob id, so both ways produce the
 *   same bytes.
 *
 * Pipeline, per sentence: extract -> normalise (NFC, HTML remnants, control characters,
 * whitespace) -> split over-long lines at sentence ends -> length filter (2..300) -> language tag
 * (Hangul share >= 0.3 -> ko, Latin letters dominant -> en, else dropped; a sentence must match its
 * source's language) -> drop every sentence whose near-duplicate key matches an utterance of the
 * built-in intents' val or test split -> exact and near dedupe across all sources and the
 * project-written corpus (first occurrence wins). Documents left with fewer than 2 sentences are
 * dropped (NSP needs a next sentence). Then the larger language is capped (seeded, by whole
 * documents of its largest source) to at most --max-ratio times the other's characters.
 *
 * Output is built in a temporary folder next to data/ and renamed into place, so a failure (missing
 * snapshot, malformed file: the error names the file and line) leaves the previous output as it was.
 * Besides the text it writes public/stats.json, data/corpus/DATASHEET.md and the lock file. The
 * output has no timestamps: the same sources give byte-identical files.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { loadBuiltinIntents } from "../src/data";
import { scanJson } from "../src/data/json-locate";

// ---------------------------------------------------------------------------------------------
// Types

export type Lang = "en" | "ko";
export const LANGS: readonly Lang[] = ["en", "ko"];

export type SourceFormat = "hwu64" | "sgd" | "taskmaster" | "multiwoz22" | "nsmc" | "kornli" | "korsts" | "3i4k";
const FORMATS: readonly SourceFormat[] = ["hwu64", "sgd", "taskmaster", "multiwoz22", "nsmc", "kornli", "korsts", "3i4k"];

export interface SourceSpec {
  id: string;
  name: string;
  /** OWNER/NAME on GitHub. */
  repo: string;
  commit: string;
  licence: string;
  licenceUrl: string;
  attribution: string;
  format: SourceFormat;
  lang: Lang;
  /** Globs over the repository's paths at `commit`; `*` stays inside one folder, `**` crosses folders. */
  include: string[];
  /** A source none of whose files are present is skipped with a warning instead of failing the build. */
  optional?: boolean;
  note?: string;
}

export interface Manifest {
  description?: string;
  excluded: { repo: string; reason: string }[];
  sources: SourceSpec[];
}

export interface LockedFile {
  path: string;
  /** Git blob id (sha1 of "blob <size>\0" + content). */
  blob: string;
  size: number;
}

export interface LockFile {
  description: string;
  /** Per source: the files used, and the matching files the snapshot lacked (so online stats match local ones). */
  sources: Record<string, { repo: string; commit: string; files: LockedFile[]; absent?: string[] }>;
}

/** A file of a snapshot's tree; `size` is null when the snapshot lacks the object. */
interface TreeEntry {
  path: string;
  blob: string;
  size: number | null;
}

/** A document as extracted, before cleaning. `group` merges documents (HWU64 intents). */
export interface RawDocument {
  group?: string;
  lines: string[];
}

/** Why sentences or documents were left out, per source. */
export interface RemovalCounts {
  emptyOrTooShort: number;
  tooLong: number;
  brokenEncoding: number;
  noLanguage: number;
  otherLanguage: number;
  intentsValTestOverlap: number;
  exactDuplicate: number;
  nearDuplicate: number;
  /** Sentences that survived but whose document kept fewer than 2 sentences. */
  inShortDocuments: number;
  shortDocuments: number;
  cappedDocuments: number;
  cappedSentences: number;
}

export interface TextCounts {
  documents: number;
  sentences: number;
  characters: number;
  bytes: number;
  /** Words, numbers and punctuation marks as BERT's basic tokenizer splits them (a lower bound on WordPiece tokens). */
  basicTokens: number;
}

/** A written text file: its path under public/, size, SHA-256, and the size of its .gz copy. */
export interface OutputFile {
  path: string;
  bytes: number;
  sha256: string;
  gzipBytes: number;
}

export interface SourceStats {
  id: string;
  name: string;
  repo: string;
  url: string;
  commit: string;
  licence: string;
  lang: Lang;
  filesUsed: number;
  filesAbsent: string[];
  inputBytes: number;
  linesExtracted: number;
  removed: RemovalCounts;
  output: TextCounts & { files: OutputFile[] };
}

export interface CorpusStats {
  generator: string;
  format: string;
  maxRatio: number;
  seed: number;
  intentsValTestKeys: number;
  projectCorpus: Record<Lang, TextCounts>;
  sources: SourceStats[];
  totals: Record<Lang, TextCounts & { removedIntentsValTestOverlap: number; removedDuplicates: number }>;
  excluded: { repo: string; reason: string }[];
}

/** A bad or missing input. `file` (and `line` for line-based formats) say where. */
export class CorpusInputError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, detail: string) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${detail}`);
    this.name = "CorpusInputError";
  }
}

// ---------------------------------------------------------------------------------------------
// Text cleaning

export const MIN_CHARS = 2;
export const MAX_CHARS = 300;

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

/** Decodes the few HTML entities scraped text carries and removes tags such as `<br>` or `</b>`. */
export function stripHtml(s: string): string {
  let out = s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/g, (m: string, name: string): string => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : " ";
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? m;
  });
  // A tag: "<" + optional "/" + a letter, up to the next ">". "<3" or "a < b" are left alone.
  out = out.replace(/<\/?[a-zA-Z][^<>]{0,200}>/g, " ");
  return out;
}

/**
 * NFC, HTML remnants, control characters and whitespace. Control and format characters become a
 * space (a tab between words must stay a word break); zero-width format characters are removed.
 */
export function normaliseText(raw: string): string {
  let s = stripHtml(raw.normalize("NFC"));
  s = s.replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, ""); // zero-width and soft hyphen: invisible, not a break
  s = s.replace(/[\p{Cc}\p{Cf}\p{Co}\u2028\u2029]/gu, " ");
  s = s.replace(/\s+/gu, " ").trim();
  return s.normalize("NFC");
}

/** Lone surrogates and U+FFFD mean the text was already broken; readCorpus rejects U+FFFD. */
export function hasBrokenEncoding(s: string): boolean {
  return /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Splits a line longer than MAX_CHARS after sentence-final punctuation; shorter lines pass whole. */
export function splitLongLine(s: string): string[] {
  if (s.length <= MAX_CHARS) return [s];
  return s
    .split(/(?<=[.!?。！？…])\s+/u)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function isHangul(c: number): boolean {
  return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xd7b0 && c <= 0xd7ff);
}

function isLatinLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

const LETTER = /\p{L}/u;

/**
 * The sentence's language: "ko" when Hangul is at least 30% of its letters (Korean text carries
 * Latin brand names and abbreviations), "en" when Latin letters are more than half, else null.
 */
export function tagLanguage(s: string): Lang | null {
  let hangul = 0;
  let latin = 0;
  let letters = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (isHangul(c)) {
      hangul++;
      letters++;
    } else if (isLatinLetter(c)) {
      latin++;
      letters++;
    } else if (c > 0x7f && LETTER.test(ch)) {
      letters++;
    }
  }
  if (letters === 0) return null;
  if (hangul / letters >= 0.3) return "ko";
  if (latin / letters > 0.5) return "en";
  return null;
}

/**
 * The near-duplicate key: lower case without punctuation, symbols, spaces or digits, so that
 * "Set an alarm for 7am!" and "set an alarm for 6 am" count as the same sentence.
 */
export function nearDuplicateKey(s: string): string {
  return s.toLowerCase().replace(/[\p{P}\p{S}\p{Z}\p{N}\s]+/gu, "");
}

/** Words, numbers and single punctuation marks: the pieces BERT's basic tokenizer produces. */
export function countBasicTokens(s: string): number {
  const m = s.match(/[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu);
  return m === null ? 0 : m.length;
}

export function emptyCounts(): TextCounts {
  return { documents: 0, sentences: 0, characters: 0, bytes: 0, basicTokens: 0 };
}

function addDocument(counts: TextCounts, sentences: readonly string[]): void {
  counts.documents++;
  counts.sentences += sentences.length;
  for (const s of sentences) {
    counts.characters += [...s].length;
    counts.bytes += Buffer.byteLength(s, "utf8") + 1;
    counts.basicTokens += countBasicTokens(s);
  }
  counts.bytes += 1; // the blank line after the document
}

export function emptyRemovals(): RemovalCounts {
  return {
    emptyOrTooShort: 0,
    tooLong: 0,
    brokenEncoding: 0,
    noLanguage: 0,
    otherLanguage: 0,
    intentsValTestOverlap: 0,
    exactDuplicate: 0,
    nearDuplicate: 0,
    inShortDocuments: 0,
    shortDocuments: 0,
    cappedDocuments: 0,
    cappedSentences: 0,
  };
}

/** The sentences of one raw line that pass normalisation, the length filter and the language tag. */
export function cleanLine(raw: string, lang: Lang, removed: RemovalCounts): string[] {
  const out: string[] = [];
  const normalised = normaliseText(raw);
  if (hasBrokenEncoding(normalised)) {
    removed.brokenEncoding++;
    return out;
  }
  for (const s of splitLongLine(normalised)) {
    if (s.length < MIN_CHARS) removed.emptyOrTooShort++;
    else if (s.length > MAX_CHARS) removed.tooLong++;
    else {
      const tag = tagLanguage(s);
      if (tag === null) removed.noLanguage++;
      else if (tag !== lang) removed.otherLanguage++;
      else out.push(s);
    }
  }
  return out;
}

/**
 * Remembers every sentence kept so far by near-duplicate key (the map's value is the first
 * sentence, so an identical repeat counts as exact and a variant as near).
 */
export class Deduplicator {
  private readonly seen = new Map<string, string>();

  get size(): number {
    return this.seen.size;
  }

  /** "new", "exact" or "near" without remembering the sentence. */
  check(sentence: string, key: string = nearDuplicateKey(sentence)): "new" | "exact" | "near" {
    const first = this.seen.get(key);
    if (first === undefined) return "new";
    return first === sentence ? "exact" : "near";
  }

  add(sentence: string, key: string = nearDuplicateKey(sentence)): void {
    if (!this.seen.has(key)) this.seen.set(key, sentence);
  }
}

/**
 * Cleans one document's raw lines: per-sentence filters, the intents val/test overlap, and dedupe
 * against everything kept before. The document's sentences enter the deduplicator only when it
 * keeps at least `minSentences`, so a dropped document does not block its sentences elsewhere.
 */
export function cleanDocument(
  raw: readonly string[],
  lang: Lang,
  heldOut: ReadonlySet<string>,
  dedupe: Deduplicator,
  removed: RemovalCounts,
  minSentences = 2,
): string[] {
  const kept: string[] = [];
  const keys: string[] = [];
  const local = new Map<string, string>();
  for (const line of raw) {
    for (const s of cleanLine(line, lang, removed)) {
      const key = nearDuplicateKey(s);
      if (key.length === 0) {
        removed.noLanguage++;
        continue;
      }
      if (heldOut.has(key)) {
        removed.intentsValTestOverlap++;
        continue;
      }
      const earlier = dedupe.check(s, key);
      const inDoc = local.get(key);
      if (earlier === "exact" || inDoc === s) removed.exactDuplicate++;
      else if (earlier === "near" || inDoc !== undefined) removed.nearDuplicate++;
      else {
        local.set(key, s);
        kept.push(s);
        keys.push(key);
      }
    }
  }
  if (kept.length < minSentences) {
    if (kept.length > 0) {
      removed.inShortDocuments += kept.length;
      removed.shortDocuments++;
    }
    return [];
  }
  kept.forEach((s, i) => dedupe.add(s, keys[i]));
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Extractors: one file's bytes -> raw documents. Each checks the structure it relies on and
// names the file (and line) when it is not there.

export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // JSON.parse rarely says where; the project's scanner (src/data/json-locate.ts) finds the line and what is wrong.
    const found = scanJson(text).error;
    const detail = found ? `${found.message}, column ${found.column}` : (e as Error).message.split("\n")[0].slice(0, 120);
    throw new CorpusInputError(file, found?.line, `malformed JSON (${detail})`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function expectArray(v: unknown, file: string, what: string): unknown[] {
  if (!Array.isArray(v)) throw new CorpusInputError(file, undefined, `expected ${what} (a JSON array), found ${v === null ? "null" : typeof v}`);
  return v;
}

/** A string field of a JSON record; the error names the record's index. */
function stringField(rec: unknown, field: string, file: string, where: string): string {
  if (!isRecord(rec) || typeof rec[field] !== "string") {
    throw new CorpusInputError(file, undefined, `${where}: expected an object with a string "${field}"`);
  }
  return rec[field] as string;
}

/** NSMC raw/<movie>.json: an array of reviews; only `review` is read (never `author`). One movie = one document. */
function extractNsmc(text: string, file: string): RawDocument[] {
  const reviews = expectArray(parseJsonFile(text, file), file, "an array of reviews");
  const lines = reviews.map((r, i) => stringField(r, "review", file, `review ${i}`));
  return [{ lines }];
}

/** SGD dialogues_NNN.json: an array of dialogues with `turns[].utterance`. One dialogue = one document. */
function extractSgd(text: string, file: string): RawDocument[] {
  const dialogues = expectArray(parseJsonFile(text, file), file, "an array of dialogues");
  return dialogues.map((d, i) => {
    if (!isRecord(d)) throw new CorpusInputError(file, undefined, `dialogue ${i}: expected an object`);
    const turns = expectArray(d.turns, file, `dialogue ${i} "turns"`);
    return { lines: turns.map((t, j) => stringField(t, "utterance", file, `dialogue ${i} turn ${j}`)) };
  });
}

/** Taskmaster: an array of conversations with `utterances[].text` (TM-1, TM-2, TM-4 share the shape). */
function extractTaskmaster(text: string, file: string): RawDocument[] {
  const parsed = parseJsonFile(text, file);
  // TM-1-2019/sample.json holds a single conversation, the data files an array of them.
  const dialogues = isRecord(parsed) && "utterances" in parsed ? [parsed] : expectArray(parsed, file, "an array of conversations");
  return dialogues.map((d, i) => {
    if (!isRecord(d)) throw new CorpusInputError(file, undefined, `conversation ${i}: expected an object`);
    const utterances = expectArray(d.utterances, file, `conversation ${i} "utterances"`);
    return { lines: utterances.map((u, j) => stringField(u, "text", file, `conversation ${i} utterance ${j}`)) };
  });
}

/** MultiWOZ 2.2 dialogues_NNN.json: like SGD, `turns[].utterance`. */
function extractMultiwoz22(text: string, file: string): RawDocument[] {
  return extractSgd(text, file);
}

/** Tab-separated rows with a header naming the columns `required` needs; each row must have all of them. */
function readTsv(text: string, file: string, required: readonly string[]): { line: number; get: (col: string) => string }[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) throw new CorpusInputError(file, 1, "empty file, expected a header line");
  const header = lines[0].replace(/\r$/, "").replace(/^\uFEFF/, "").split("\t");
  const index = new Map(header.map((h, i) => [h.trim(), i]));
  for (const col of required) {
    if (!index.has(col)) throw new CorpusInputError(file, 1, `header has no "${col}" column (found: ${header.join(", ")})`);
  }
  const rows: { line: number; get: (col: string) => string }[] = [];
  for (let n = 1; n < lines.length; n++) {
    const fields = lines[n].replace(/\r$/, "").split("\t");
    if (fields.length !== header.length) {
      throw new CorpusInputError(file, n + 1, `expected ${header.length} tab-separated fields as in the header, found ${fields.length}`);
    }
    rows.push({ line: n + 1, get: (col: string): string => fields[index.get(col) as number] });
  }
  return rows;
}

/**
 * KorNLI: premise, hypothesis, label. Each premise appears with three hypotheses; its document is
 * the premise followed by the entailed hypothesis (else the neutral one). A contradiction is never
 * used as a "next sentence".
 */
function extractKornli(text: string, file: string): RawDocument[] {
  const rows = readTsv(text, file, ["sentence1", "sentence2", "gold_label"]);
  const byPremise = new Map<string, { entail?: string; neutral?: string }>();
  for (const row of rows) {
    const label = row.get("gold_label").trim();
    if (!["entailment", "neutral", "contradiction"].includes(label)) {
      throw new CorpusInputError(file, row.line, `unknown gold_label "${label}" (expected entailment, neutral or contradiction)`);
    }
    const premise = row.get("sentence1");
    const entry = byPremise.get(premise) ?? {};
    if (label === "entailment" && entry.entail === undefined) entry.entail = row.get("sentence2");
    if (label === "neutral" && entry.neutral === undefined) entry.neutral = row.get("sentence2");
    byPremise.set(premise, entry);
  }
  const docs: RawDocument[] = [];
  for (const [premise, h] of byPremise) {
    const next = h.entail ?? h.neutral;
    if (next !== undefined) docs.push({ lines: [premise, next] });
  }
  return docs;
}

export const KORSTS_MIN_SCORE = 2.5;

/** KorSTS: a pair scored at least 2.5 of 5 is one two-sentence document. */
function extractKorsts(text: string, file: string): RawDocument[] {
  const rows = readTsv(text, file, ["score", "sentence1", "sentence2"]);
  const docs: RawDocument[] = [];
  for (const row of rows) {
    const score = Number(row.get("score"));
    if (!Number.isFinite(score) || score < 0 || score > 5) throw new CorpusInputError(file, row.line, `score "${row.get("score")}" is not a number from 0 to 5`);
    if (score >= KORSTS_MIN_SCORE) docs.push({ lines: [row.get("sentence1"), row.get("sentence2")] });
  }
  return docs;
}

/** HWU64 cross-validation test fold: one utterance per line, file name = intent. */
function extractHwu64(text: string, file: string): RawDocument[] {
  const intent = path.basename(file).replace(/\.txt$/, "");
  return [{ group: intent, lines: text.split("\n").filter((l) => l.trim().length > 0) }];
}

/** 3i4K speech-act labels kept: statements, questions, commands, rhetorical questions and commands, intonation-dependent utterances. */
const THREE_I4K_KEPT_LABELS = new Set(["1", "2", "3", "4", "5", "6"]);

/**
 * 3i4K (fci.txt): `label<TAB>utterance` per line, no header. Label 0 marks fragments (mostly one
 * word: "학교", "이거"), which teach nothing about requests, so they are dropped; the rest are
 * grouped per label into pseudo-documents, as HWU64's utterances are grouped per intent.
 */
function extract3i4k(text: string, file: string): RawDocument[] {
  const groups = new Map<string, string[]>();
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const tab = line.indexOf("\t");
    if (tab < 0) throw new CorpusInputError(file, i + 1, "expected \"label<TAB>utterance\", found no tab");
    const label = line.slice(0, tab).trim();
    if (!/^[0-6]$/.test(label)) throw new CorpusInputError(file, i + 1, `label "${label}" is not one of 3i4K's labels 0-6`);
    if (!THREE_I4K_KEPT_LABELS.has(label)) return;
    const g = groups.get(label) ?? [];
    g.push(line.slice(tab + 1));
    groups.set(label, g);
  });
  return [...groups].map(([label, utterances]) => ({ group: `3i4k-${label}`, lines: utterances }));
}

const EXTRACTORS: Record<SourceFormat, (text: string, file: string) => RawDocument[]> = {
  hwu64: extractHwu64,
  sgd: extractSgd,
  taskmaster: extractTaskmaster,
  multiwoz22: extractMultiwoz22,
  nsmc: extractNsmc,
  kornli: extractKornli,
  korsts: extractKorsts,
  "3i4k": extract3i4k,
};

/** Utterances per HWU64 pseudo-document, as in scripts/pretrain-shipped.ts for the intents. */
export const HWU64_DOC_SIZE = 8;

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and truncation included), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Decodes UTF-8 strictly: a file that is not valid UTF-8 is an error naming its line, not silent U+FFFD. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 10) line++;
    throw new CorpusInputError(file, line, `not valid UTF-8 (byte 0x${bytes[bad].toString(16)} at offset ${bad})`);
  }
  return bytes.toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// Reading sources: local git snapshots or pinned downloads

export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export function gitBlobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/** Reads a source's files, calling `onFile` in path order. */
export interface SourceReader {
  /** Files matching the source's globs; absent ones have size null. */
  list(spec: SourceSpec): Promise<TreeEntry[]>;
  read(spec: SourceSpec, files: readonly TreeEntry[], onFile: (file: TreeEntry, bytes: Buffer, label: string) => void): Promise<void>;
}

function git(gitDir: string, args: string[], input?: string): Buffer {
  const r = spawnSync("git", ["--git-dir", gitDir, ...args], { input, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`git ${args[0]} in ${gitDir} failed: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} in ${gitDir} failed: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** What reading a local snapshot needs of a source (bench/scale-dataset.ts reads datasets that are not corpus sources). */
export type SnapshotSpec = Pick<SourceSpec, "id" | "repo" | "commit" | "include">;

/** DIR/OWNER+NAME/repo: a folder holding .git, or a git dir itself. */
export function snapshotGitDir(from: string, spec: SnapshotSpec): string {
  const dir = path.join(from, spec.repo.replace("/", "+"), "repo");
  if (!fs.existsSync(dir)) {
    throw new CorpusInputError(dir, undefined, `source "${spec.id}" (${spec.repo}): snapshot folder not found; expected ${spec.repo.replace("/", "+")}/repo holding the repository's .git under --from ${from}`);
  }
  if (fs.existsSync(path.join(dir, ".git"))) return path.join(dir, ".git");
  if (fs.existsSync(path.join(dir, "HEAD")) && fs.existsSync(path.join(dir, "objects"))) return dir;
  throw new CorpusInputError(dir, undefined, `source "${spec.id}" (${spec.repo}): not a git snapshot (no .git inside, and not a git dir)`);
}

export class LocalSnapshotReader implements SourceReader {
  constructor(private readonly from: string) {}

  async list(spec: SnapshotSpec): Promise<TreeEntry[]> {
    const gitDir = snapshotGitDir(this.from, spec);
    const type = spawnSync("git", ["--git-dir", gitDir, "cat-file", "-t", spec.commit]);
    if (type.status !== 0 || type.stdout.toString().trim() !== "commit") {
      const head = spawnSync("git", ["--git-dir", gitDir, "rev-parse", "HEAD"]).stdout.toString().trim();
      throw new CorpusInputError(gitDir, undefined, `source "${spec.id}": the snapshot has no commit ${spec.commit} (its HEAD is ${head || "unknown"}); fetch that commit or update the pin in sources.json`);
    }
    const globs = spec.include.map(globToRegExp);
    const out: TreeEntry[] = [];
    // -z: paths verbatim (no quoting of non-ASCII names).
    for (const rec of git(gitDir, ["ls-tree", "-r", "-l", "-z", spec.commit]).toString("utf8").split("\0")) {
      if (rec === "") continue;
      const tab = rec.indexOf("\t");
      const [, kind, blob, size] = rec.slice(0, tab).trim().split(/\s+/);
      const p = rec.slice(tab + 1);
      if (kind !== "blob" || !globs.some((g) => g.test(p))) continue;
      const n = Number(size);
      out.push({ path: p, blob, size: Number.isInteger(n) ? n : null });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(spec: SnapshotSpec, files: readonly TreeEntry[], onFile: (file: TreeEntry, bytes: Buffer, label: string) => void): Promise<void> {
    const gitDir = snapshotGitDir(this.from, spec);
    // `git cat-file --batch` in batches of ~64 MB: one process per batch instead of one per file
    // (NSMC has 14,730 files).
    let batch: TreeEntry[] = [];
    let batchBytes = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      const out = git(gitDir, ["cat-file", "--batch"], batch.map((f) => f.blob).join("\n") + "\n");
      let pos = 0;
      for (const f of batch) {
        const nl = out.indexOf(10, pos);
        const header = out.subarray(pos, nl).toString("utf8");
        const label = `${gitDir}:${spec.commit.slice(0, 12)}:${f.path}`;
        const m = /^([0-9a-f]+) blob (\d+)$/.exec(header);
        if (m === null) throw new CorpusInputError(label, undefined, `git could not read the file (${header})`);
        const size = Number(m[2]);
        onFile(f, out.subarray(nl + 1, nl + 1 + size), label);
        pos = nl + 1 + size + 1;
      }
      batch = [];
      batchBytes = 0;
    };
    for (const f of files) {
      batch.push(f);
      batchBytes += f.size ?? 0;
      if (batchBytes > 64 << 20) flush();
    }
    flush();
  }
}

export const DEFAULT_BASE_URL = "https://raw.githubusercontent.com";

export class OnlineReader implements SourceReader {
  constructor(private readonly lock: LockFile, private readonly baseUrl: string, private readonly concurrency = 8) {}

  async list(spec: SourceSpec): Promise<TreeEntry[]> {
    const entry = this.lock.sources[spec.id];
    if (entry === undefined) throw new CorpusInputError("sources.lock.json", undefined, `has no file list for source "${spec.id}"; run a local build (--from) first`);
    if (entry.commit !== spec.commit || entry.repo !== spec.repo) {
      throw new CorpusInputError("sources.lock.json", undefined, `source "${spec.id}" is locked at ${entry.repo}@${entry.commit} but sources.json pins ${spec.repo}@${spec.commit}; rebuild the lock with --from`);
    }
    const files: TreeEntry[] = entry.files.map((f) => ({ path: f.path, blob: f.blob, size: f.size }));
    for (const p of entry.absent ?? []) files.push({ path: p, blob: "", size: null });
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  url(spec: SourceSpec, file: string): string {
    return `${this.baseUrl.replace(/\/+$/, "")}/${spec.repo}/${spec.commit}/${file.split("/").map(encodeURIComponent).join("/")}`;
  }

  private async download(spec: SourceSpec, f: TreeEntry): Promise<Buffer> {
    const url = this.url(spec, f.path);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new CorpusInputError(url, undefined, `download failed: ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ""}`);
    }
    if (!res.ok) throw new CorpusInputError(url, undefined, `download failed: HTTP ${res.status} ${res.statusText}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (gitBlobId(bytes) !== f.blob) {
      throw new CorpusInputError(url, undefined, `content differs from the pinned file (git blob ${gitBlobId(bytes)}, ${bytes.length} bytes; expected ${f.blob}, ${f.size} bytes)`);
    }
    return bytes;
  }

  async read(spec: SourceSpec, files: readonly TreeEntry[], onFile: (file: TreeEntry, bytes: Buffer, label: string) => void): Promise<void> {
    // Downloads run ahead by `concurrency`, results are consumed in path order (reproducible dedupe).
    const pending: Promise<Buffer>[] = [];
    let started = 0;
    const startUpTo = (n: number): void => {
      while (started < Math.min(n, files.length)) {
        const p = this.download(spec, files[started]);
        p.catch(() => undefined); // awaited below, in order; avoids an unhandled rejection meanwhile
        pending[started] = p;
        started++;
      }
    };
    for (let i = 0; i < files.length; i++) {
      startUpTo(i + this.concurrency);
      const bytes = await pending[i];
      delete pending[i];
      onFile(files[i], bytes, this.url(spec, files[i].path));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Build

export interface BuildOptions {
  manifest: Manifest;
  reader: SourceReader;
  /** Output folder (data/corpus/public). */
  out: string;
  /** Where DATASHEET.md and the lock file go (data/corpus). */
  metaDir: string;
  /** Folder of the project-written corpus (data/corpus; only its en/ and ko/ are read), or null. */
  projectCorpus: string | null;
  /** Near-duplicate keys of the intents' val/test utterances. */
  heldOutKeys: ReadonlySet<string>;
  maxRatio: number;
  seed: number;
  /** Where to write the lock file (local builds; sources.lock.json beside the manifest), or null. */
  lockFile: string | null;
  log: (message: string) => void;
}

export interface BuiltSource {
  spec: SourceSpec;
  stats: SourceStats;
  docs: string[][];
  lockFiles: LockedFile[];
}

/** Keys of every val/test utterance (including out-of-scope ones) of the built-in intents, both languages. */
export function intentsHeldOutKeys(): Set<string> {
  const ds = loadBuiltinIntents({ includeOos: true, onWarning: () => undefined });
  const keys = new Set<string>();
  const held = [...ds.val, ...ds.test, ...(ds.oos ?? []).filter((e) => e.split === "val" || e.split === "test")];
  for (const e of held) {
    const k = nearDuplicateKey(normaliseText(e.text));
    if (k.length > 0) keys.add(k);
  }
  return keys;
}

/** mulberry32: a small seeded PRNG, so the cap picks the same documents on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function docChars(doc: readonly string[]): number {
  let n = 0;
  for (const s of doc) n += [...s].length;
  return n;
}

/**
 * Brings the larger language to at most maxRatio x the other's characters by dropping whole
 * documents of its largest sources (largest first), chosen by a seeded shuffle. Small sources are
 * kept whole: they add variety the big one lacks.
 */
export function capLanguages(built: BuiltSource[], maxRatio: number, seed: number, log: (m: string) => void): void {
  const chars: Record<Lang, number> = { en: 0, ko: 0 };
  for (const b of built) chars[b.spec.lang] += b.stats.output.characters;
  if (chars.en === 0 || chars.ko === 0) return;
  const big: Lang = chars.en > chars.ko ? "en" : "ko";
  const small: Lang = big === "en" ? "ko" : "en";
  let excess = chars[big] - Math.floor(maxRatio * chars[small]);
  if (excess <= 0) return;
  log(`capping ${big}: ${chars[big]} characters against ${chars[small]} ${small}; dropping ${excess} to stay within ${maxRatio}x`);
  const candidates = built.filter((b) => b.spec.lang === big).sort((a, b) => b.stats.output.characters - a.stats.output.characters);
  const rand = seededRandom(seed);
  for (const b of candidates) {
    if (excess <= 0) break;
    const order = b.docs.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const drop = new Set<number>();
    for (const i of order) {
      if (excess <= 0) break;
      drop.add(i);
      excess -= docChars(b.docs[i]);
    }
    b.stats.removed.cappedDocuments += drop.size;
    b.docs = b.docs.filter((doc, i) => {
      if (drop.has(i)) b.stats.removed.cappedSentences += doc.length;
      return !drop.has(i);
    });
    b.stats.output = { ...emptyCounts(), files: [] };
    for (const d of b.docs) addDocument(b.stats.output, d);
  }
}

/** Reads the project-written corpus (en/*.txt, ko/*.txt) so that public text does not repeat it. */
export function seedProjectCorpus(dir: string, dedupe: Deduplicator): Record<Lang, TextCounts> {
  const counts: Record<Lang, TextCounts> = { en: emptyCounts(), ko: emptyCounts() };
  for (const lang of LANGS) {
    const d = path.join(dir, lang);
    if (!fs.existsSync(d)) continue;
    for (const name of fs.readdirSync(d).filter((n) => n.endsWith(".txt")).sort()) {
      const text = fs.readFileSync(path.join(d, name), "utf8");
      for (const block of text.split(/\n\s*\n/)) {
        const lines = block.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
        if (lines.length === 0) continue;
        for (const l of lines) dedupe.add(l);
        addDocument(counts[lang], lines);
      }
    }
  }
  return counts;
}

/** Extracts, cleans and dedupes one source. */
export async function buildSource(spec: SourceSpec, reader: SourceReader, heldOut: ReadonlySet<string>, dedupe: Deduplicator, log: (m: string) => void): Promise<BuiltSource> {
  const t0 = Date.now();
  const entries = await reader.list(spec);
  const present = entries.filter((e) => e.size !== null);
  const absent = entries.filter((e) => e.size === null).map((e) => e.path);
  const stats: SourceStats = {
    id: spec.id,
    name: spec.name,
    repo: spec.repo,
    url: `https://github.com/${spec.repo}`,
    commit: spec.commit,
    licence: spec.licence,
    lang: spec.lang,
    filesUsed: present.length,
    filesAbsent: absent,
    inputBytes: 0,
    linesExtracted: 0,
    removed: emptyRemovals(),
    output: { ...emptyCounts(), files: [] },
  };
  if (present.length === 0) {
    const why = entries.length === 0 ? "no file matches its include globs" : `all ${entries.length} matching files are absent from the snapshot`;
    if (!spec.optional) throw new CorpusInputError(spec.repo, undefined, `source "${spec.id}": ${why}`);
    log(`${spec.id}: skipped, ${why}`);
    return { spec, stats, docs: [], lockFiles: [] };
  }
  const docs: string[][] = [];
  const groups = new Map<string, string[]>();
  const lockFiles: LockedFile[] = [];
  await reader.read(spec, present, (file, bytes, label) => {
    stats.inputBytes += bytes.length;
    lockFiles.push({ path: file.path, blob: file.blob, size: bytes.length });
    const text = decodeUtf8(bytes, label);
    for (const raw of EXTRACTORS[spec.format](text, label)) {
      stats.linesExtracted += raw.lines.length;
      if (raw.group !== undefined) {
        // Grouped sources are cleaned utterance by utterance and cut into documents afterwards.
        const g = groups.get(raw.group) ?? [];
        g.push(...cleanDocument(raw.lines, spec.lang, heldOut, dedupe, stats.removed, 1));
        groups.set(raw.group, g);
      } else {
        const doc = cleanDocument(raw.lines, spec.lang, heldOut, dedupe, stats.removed);
        if (doc.length > 0) docs.push(doc);
      }
    }
  });
  for (const [, utterances] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (let i = 0; i < utterances.length; i += HWU64_DOC_SIZE) {
      const chunk = utterances.slice(i, i + HWU64_DOC_SIZE);
      if (chunk.length >= 2) docs.push(chunk);
      else if (docs.length > 0 && i > 0) docs[docs.length - 1].push(...chunk); // a lone last utterance joins its intent's previous chunk
      else {
        stats.removed.inShortDocuments += chunk.length;
        stats.removed.shortDocuments++;
      }
    }
  }
  for (const d of docs) addDocument(stats.output, d);
  const r = stats.removed;
  log(
    `${spec.id}: ${present.length} files${absent.length ? ` (${absent.length} absent)` : ""}, ${(stats.inputBytes / 1e6).toFixed(1)} MB in -> ${stats.output.documents} documents, ${stats.output.sentences} sentences, ${(stats.output.characters / 1e6).toFixed(2)}M chars; removed ${r.exactDuplicate} exact + ${r.nearDuplicate} near duplicates, ${r.intentsValTestOverlap} intents val/test overlaps (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return { spec, stats, docs, lockFiles };
}

/**
 * public/.gitignore: the repository keeps the .txt.gz copies (about a third of the size) and
 * stats.json; `--unpack` turns them back into the .txt files that readCorpus reads.
 */
export const GITIGNORE = "# Written by scripts/build-corpus.ts. Commit the .txt.gz copies and stats.json; restore the .txt with\n# npm run corpus:build -- --unpack (or rebuild them with --from / --online).\n*.txt\n";

/**
 * Restores public/{en,ko}/*.txt from the committed .txt.gz copies, checking each against the
 * SHA-256 in stats.json. All files are decompressed and checked before any is renamed into place.
 */
export function unpackCorpus(out: string, log: (m: string) => void): number {
  const statsFile = path.join(out, "stats.json");
  if (!fs.existsSync(statsFile)) throw new CorpusInputError(statsFile, undefined, "not found; --unpack needs the stats.json of a build");
  const stats = parseJsonFile(fs.readFileSync(statsFile, "utf8"), statsFile) as CorpusStats;
  const pending: [string, string][] = [];
  try {
    for (const s of stats.sources) {
      for (const f of s.output.files) {
        const gzFile = path.join(out, `${f.path}.gz`);
        if (!fs.existsSync(gzFile)) throw new CorpusInputError(gzFile, undefined, "not found (listed in stats.json)");
        let content: Buffer;
        try {
          content = gunzipSync(fs.readFileSync(gzFile));
        } catch (e) {
          throw new CorpusInputError(gzFile, undefined, `not a valid gzip file: ${(e as Error).message}`);
        }
        const sha = createHash("sha256").update(content).digest("hex");
        if (sha !== f.sha256) throw new CorpusInputError(gzFile, undefined, `decompresses to SHA-256 ${sha}, but stats.json records ${f.sha256}`);
        const part = path.join(out, `${f.path}.part-${process.pid}`);
        fs.writeFileSync(part, content);
        pending.push([part, path.join(out, f.path)]);
      }
    }
    for (const [part, final] of pending) fs.renameSync(part, final);
    log(`unpacked ${pending.length} files in ${out}`);
    const n = pending.length;
    pending.length = 0;
    return n;
  } finally {
    for (const [part] of pending) fs.rmSync(part, { force: true });
  }
}

/** Files under 20 MB: documents are never split across files. */
export const SHARD_BYTES = 19_000_000;

/** Writes one source's documents as <lang>/<id>.txt, or <id>-00.txt, -01... when over SHARD_BYTES. */
export function writeSource(dir: string, b: BuiltSource): void {
  if (b.docs.length === 0) return;
  const shards: string[][] = [[]];
  let bytes = 0;
  for (const doc of b.docs) {
    const text = doc.join("\n") + "\n";
    const n = Buffer.byteLength(text, "utf8") + 1;
    if (bytes > 0 && bytes + n > SHARD_BYTES) {
      shards.push([]);
      bytes = 0;
    }
    shards[shards.length - 1].push(text);
    bytes += n;
  }
  fs.mkdirSync(path.join(dir, b.spec.lang), { recursive: true });
  shards.forEach((docs, i) => {
    const name = shards.length === 1 ? `${b.spec.id}.txt` : `${b.spec.id}-${String(i).padStart(2, "0")}.txt`;
    const content = Buffer.from(docs.join("\n"), "utf8");
    fs.writeFileSync(path.join(dir, b.spec.lang, name), content);
    // The compressed copy is what gets committed (see GITIGNORE); gzip with mtime 0 is the same bytes on every run.
    const gz = gzipSync(content, { level: 9 });
    fs.writeFileSync(path.join(dir, b.spec.lang, `${name}.gz`), gz);
    b.stats.output.files.push({ path: `${b.spec.lang}/${name}`, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex"), gzipBytes: gz.length });
  });
}

function sumCounts(items: readonly TextCounts[]): TextCounts {
  const t = emptyCounts();
  for (const c of items) {
    t.documents += c.documents;
    t.sentences += c.sentences;
    t.characters += c.characters;
    t.bytes += c.bytes;
    t.basicTokens += c.basicTokens;
  }
  return t;
}

export function corpusTotals(sources: readonly SourceStats[]): CorpusStats["totals"] {
  const totals = {} as CorpusStats["totals"];
  for (const lang of LANGS) {
    const mine = sources.filter((s) => s.lang === lang);
    totals[lang] = {
      ...sumCounts(mine.map((s) => s.output)),
      removedIntentsValTestOverlap: mine.reduce((n, s) => n + s.removed.intentsValTestOverlap, 0),
      removedDuplicates: mine.reduce((n, s) => n + s.removed.exactDuplicate + s.removed.nearDuplicate, 0),
    };
  }
  return totals;
}

const fmt = (n: number): string => n.toLocaleString("en-US");
const mb = (n: number): string => (n / 1e6).toFixed(2);

/** data/corpus/DATASHEET.md, generated from the manifest and the measured stats. */
export function renderDatasheet(manifest: Manifest, stats: CorpusStats): string {
  const L: string[] = [];
  const srcById = new Map(manifest.sources.map((s) => [s.id, s]));
  L.push("# Pretraining corpus datasheet");
  L.push("");
  L.push("<!-- Generated by scripts/build-corpus.ts (npm run corpus:build); edit the script or sources.json, not this file. -->");
  L.push("");
  L.push("The pretraining text in `data/corpus` has two parts:");
  L.push("");
  L.push("- `en/`, `ko/`: original prose written for this project (Apache-2.0; see `README.md`).");
  L.push("- `public/en/`, `public/ko/`: text from the public datasets below, cleaned by `scripts/build-corpus.ts`.");
  L.push("");
  L.push("Both are in the classic BERT format (one sentence per line, a blank line between documents, UTF-8, LF, NFC)");
  L.push("and are read together by `readCorpus(\"data/corpus\")` (every `.txt` under the folder).");
  L.push("");
  L.push("Rebuild the public part from local repository snapshots, or online from the pinned files:");
  L.push("");
  L.push("```sh");
  L.push("npm run corpus:build -- --from /path/to/snapshots   # DIR/OWNER+NAME/repo/.git for each source");
  L.push("npm run corpus:build -- --online                    # raw.githubusercontent.com at the pinned commits (files from sources.lock.json)");
  L.push("npm run corpus:build -- --unpack                    # or: restore public/**/*.txt from the committed .txt.gz copies");
  L.push("```");
  L.push("");
  L.push("The same sources give byte-identical files; `public/stats.json` holds every figure below and a SHA-256 per file.");
  L.push("Each `.txt` has a gzip copy beside it (`.txt.gz`); the repository keeps the copies and `public/.gitignore` leaves out the");
  L.push(`\`.txt\` files. Compressed size: ${mb(stats.sources.reduce((n, s) => n + s.output.files.reduce((m, f) => m + f.gzipBytes, 0), 0))} MB.`);
  L.push("");
  L.push("## Totals");
  L.push("");
  L.push("| | documents | sentences | characters | UTF-8 MB | basic tokens | est. WordPiece tokens | removed: duplicates | removed: intents val/test overlap |");
  L.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const lang of LANGS) {
    const t = stats.totals[lang];
    L.push(`| public ${lang} | ${fmt(t.documents)} | ${fmt(t.sentences)} | ${fmt(t.characters)} | ${mb(t.bytes)} | ${fmt(t.basicTokens)} | ${fmt(Math.round(t.basicTokens * WORDPIECE_PER_BASIC[lang]))} | ${fmt(t.removedDuplicates)} | ${fmt(t.removedIntentsValTestOverlap)} |`);
  }
  for (const lang of LANGS) {
    const t = stats.projectCorpus[lang];
    L.push(`| project-written ${lang} | ${fmt(t.documents)} | ${fmt(t.sentences)} | ${fmt(t.characters)} | ${mb(t.bytes)} | ${fmt(t.basicTokens)} | ${fmt(Math.round(t.basicTokens * WORDPIECE_PER_BASIC[lang]))} | | |`);
  }
  L.push("");
  L.push("*Basic tokens* are words, numbers and punctuation marks as BERT's basic tokenizer splits them: a lower bound on");
  L.push(`WordPiece tokens. *Est. WordPiece tokens* multiplies them by ${WORDPIECE_PER_BASIC.en} (en) and ${WORDPIECE_PER_BASIC.ko} (ko), ${WORDPIECE_NOTE}`);
  L.push("");
  L.push("## Sources");
  L.push("");
  for (const s of stats.sources) {
    const spec = srcById.get(s.id) as SourceSpec;
    L.push(`### ${s.name} (\`${s.id}\`, ${s.lang})`);
    L.push("");
    L.push(`- Repository: ${s.url}, commit \`${s.commit}\``);
    L.push(`- Licence: ${s.licence} (${spec.licenceUrl})`);
    L.push(`- Attribution: ${spec.attribution}`);
    L.push(`- Files: \`${spec.include.join("`, `")}\`; ${fmt(s.filesUsed)} used (${mb(s.inputBytes)} MB)${s.filesAbsent.length > 0 ? `, ${s.filesAbsent.length} absent from the snapshot and skipped (${s.filesAbsent.slice(0, 6).map((p) => `\`${p}\``).join(", ")}${s.filesAbsent.length > 6 ? ", …" : ""})` : ""}.`);
    if (spec.note) L.push(`- Note: ${spec.note}`);
    if (s.output.files.length === 0) L.push("- Output: none.");
    else {
      L.push(`- Output: ${s.output.files.map((f) => `\`public/${f.path}\` (${mb(f.bytes)} MB, ${mb(f.gzipBytes)} MB gzip)`).join(", ")}`);
      L.push(`- Kept: ${fmt(s.output.documents)} documents, ${fmt(s.output.sentences)} sentences, ${fmt(s.output.characters)} characters, ${fmt(s.output.basicTokens)} basic tokens (≈ ${fmt(Math.round(s.output.basicTokens * WORDPIECE_PER_BASIC[s.lang]))} WordPiece tokens).`);
    }
    const r = s.removed;
    L.push(
      `- Removed sentences: ${fmt(r.exactDuplicate)} exact and ${fmt(r.nearDuplicate)} near duplicates, ${fmt(r.intentsValTestOverlap)} in the intents' val/test splits, ${fmt(r.emptyOrTooShort)} under ${MIN_CHARS} characters, ${fmt(r.tooLong)} over ${MAX_CHARS}, ${fmt(r.noLanguage)} with no language, ${fmt(r.otherLanguage)} in the other language, ${fmt(r.brokenEncoding)} with broken encoding, ${fmt(r.inShortDocuments)} in ${fmt(r.shortDocuments)} documents left with one sentence${r.cappedDocuments > 0 ? `; ${fmt(r.cappedSentences)} sentences in ${fmt(r.cappedDocuments)} documents left out by the language cap` : ""}.`,
    );
    L.push("");
  }
  L.push("### Not used");
  L.push("");
  for (const e of manifest.excluded) L.push(`- \`${e.repo}\`: ${e.reason}`);
  L.push("");
  L.push("## Cleaning");
  L.push("");
  L.push("Every step is a function in `scripts/build-corpus.ts`, applied in this order:");
  L.push("");
  L.push("1. Extract the text fields only (review text of NSMC, never author ids; utterances of dialogues; sentence pairs).");
  L.push("   Documents: one movie's reviews (NSMC), one dialogue (SGD, Taskmaster, MultiWOZ), a premise and its entailed");
  L.push(`   (else neutral) hypothesis (KorNLI), a sentence pair with similarity ≥ ${KORSTS_MIN_SCORE} (KorSTS), ${HWU64_DOC_SIZE} utterances of one intent (HWU64).`);
  L.push("2. Normalise: Unicode NFC, decode HTML entities and strip tags, remove zero-width characters, turn control");
  L.push("   characters into spaces, collapse whitespace. A sentence with U+FFFD or a lone surrogate is dropped.");
  L.push(`3. Split lines over ${MAX_CHARS} characters after sentence-final punctuation; drop pieces under ${MIN_CHARS} or over ${MAX_CHARS} characters.`);
  L.push("4. Tag the language: `ko` if Hangul is at least 30% of the letters, `en` if Latin letters are more than half,");
  L.push("   otherwise dropped. A sentence must be in its source's language.");
  L.push("5. Remove every sentence whose near-duplicate key equals that of an utterance in the built-in intents' val or test");
  L.push(`   split (both languages, out-of-scope included; ${fmt(stats.intentsValTestKeys)} keys), so fine-tuning evaluation stays unseen.`);
  L.push("6. Dedupe across all sources and the project-written corpus, first occurrence wins (sources in the order above):");
  L.push("   *exact* = the same string, *near* = the same key (lower case, without punctuation, symbols, spaces and digits).");
  L.push("7. Drop documents left with fewer than 2 sentences (NSP needs a next sentence).");
  L.push(`8. Cap the language with more characters at ${stats.maxRatio}× the other, dropping whole documents of its largest`);
  L.push(`   source by a shuffle seeded with ${stats.seed}.`);
  L.push("9. Write one file per source and language (split into files under 20 MB at document boundaries), built in a");
  L.push("   temporary folder and renamed into place, so a failed build leaves no partial output.");
  L.push("");
  L.push("## Limitations");
  L.push("");
  L.push("- Register: the English side is almost entirely task-oriented dialogue and assistant requests (SGD, Taskmaster,");
  L.push("  HWU64): close to the intent classifier's domain but narrow, with many templated system turns. The Korean side");
  L.push("  is mostly short, informal movie reviews (NSMC: slang, spelling variants, ㅋㅋ, emoticons) plus translated");
  L.push("  NLI/STS sentences. Neither is general text such as Wikipedia or news.");
  L.push("- Near-duplicate removal is by exact key only (no fuzzy matching), so paraphrases and templated turns with");
  L.push("  different slot values (city names, times) remain.");
  L.push("- The overlap removal protects the built-in intents' val/test splits only. HWU64's own utterances are included;");
  L.push("  do not evaluate on HWU64 with a checkpoint pretrained on this corpus. Nothing from CLINC150 is included.");
  L.push("- NSMC's reviews were written by Naver users and may contain offensive language and personal opinions.");
  L.push("");
  return L.join("\n");
}

/**
 * WordPiece tokens per basic token, measured with bert-base-multilingual-cased's vocabulary on a
 * sample of the built corpus (see WORDPIECE_NOTE); the datasheet's token estimates use it.
 */
export const WORDPIECE_PER_BASIC: Record<Lang, number> = { en: 1.09, ko: 2.3 };
export const WORDPIECE_NOTE =
  "the ratios measured with `bert-base-multilingual-cased`'s vocabulary (bertlab's BertTokenizer, cased) on every 97th line of the first build (2,429 en lines: 37,161 WordPiece tokens for 34,180 basic tokens; 5,860 ko lines: 146,630 for 63,843, of which 2,345 `[UNK]`). A vocabulary trained on this corpus splits Korean less.";

export function readManifest(file: string): Manifest {
  let parsed: unknown;
  try {
    parsed = parseJsonFile(fs.readFileSync(file, "utf8"), file);
  } catch (e) {
    if (e instanceof CorpusInputError) throw e;
    throw new CorpusInputError(file, undefined, `cannot read the source manifest: ${(e as Error).message}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.sources)) throw new CorpusInputError(file, undefined, `expected {"sources": [...]}`);
  const ids = new Set<string>();
  for (const [i, s] of parsed.sources.entries()) {
    const where = `sources[${i}]`;
    if (!isRecord(s)) throw new CorpusInputError(file, undefined, `${where}: expected an object`);
    for (const f of ["id", "name", "repo", "commit", "licence", "licenceUrl", "attribution", "format", "lang"]) {
      if (typeof s[f] !== "string" || (s[f] as string).length === 0) throw new CorpusInputError(file, undefined, `${where}: "${f}" must be a non-empty string`);
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(s.repo as string)) throw new CorpusInputError(file, undefined, `${where}: repo "${String(s.repo)}" is not OWNER/NAME`);
    if (!/^[0-9a-f]{40}$/.test(s.commit as string)) throw new CorpusInputError(file, undefined, `${where}: commit must be 40 hex digits`);
    if (!FORMATS.includes(s.format as SourceFormat)) throw new CorpusInputError(file, undefined, `${where}: unknown format "${String(s.format)}" (known: ${FORMATS.join(", ")})`);
    if (!LANGS.includes(s.lang as Lang)) throw new CorpusInputError(file, undefined, `${where}: lang must be en or ko`);
    if (!/^[a-z0-9-]+$/.test(s.id as string) || ids.has(s.id as string)) throw new CorpusInputError(file, undefined, `${where}: id "${String(s.id)}" must be unique, lower case, digits and dashes`);
    ids.add(s.id as string);
    if (!Array.isArray(s.include) || s.include.length === 0 || !s.include.every((g) => typeof g === "string")) {
      throw new CorpusInputError(file, undefined, `${where}: "include" must be a non-empty list of globs`);
    }
  }
  const excluded = Array.isArray(parsed.excluded) ? (parsed.excluded as { repo: string; reason: string }[]) : [];
  return { description: typeof parsed.description === "string" ? parsed.description : undefined, excluded, sources: parsed.sources as SourceSpec[] };
}

export function readLock(file: string): LockFile {
  if (!fs.existsSync(file)) throw new CorpusInputError(file, undefined, "lock file not found; an online build downloads the files it lists (write it with a local build, --from)");
  const parsed = parseJsonFile(fs.readFileSync(file, "utf8"), file);
  if (!isRecord(parsed) || !isRecord(parsed.sources)) throw new CorpusInputError(file, undefined, `expected {"sources": {...}}`);
  return parsed as unknown as LockFile;
}

/** Removes temporary folders left by a build that was killed (their names end in .tmp-<pid>). */
function removeStaleTemps(parent: string, prefix: string, log: (m: string) => void): void {
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
      log(`removed ${path.join(parent, name)}, left by an interrupted build`);
    }
  }
}

/** Runs the whole build. Output appears only if everything succeeded. */
export async function buildCorpus(opts: BuildOptions): Promise<CorpusStats> {
  const out = path.resolve(opts.out);
  // The temporary folder sits next to out's parent (data/.corpus-public.tmp-PID), outside data/corpus,
  // so that readCorpus("data/corpus") never sees half-built text. Same file system, so rename works.
  const parent = path.dirname(out);
  const tmpPrefix = `.${path.basename(parent)}-${path.basename(out)}.tmp-`;
  const tmpParent = path.dirname(parent);
  removeStaleTemps(tmpParent, tmpPrefix, opts.log);
  const tmp = path.join(tmpParent, `${tmpPrefix}${process.pid}`);
  /** [temporary, final] paths of the files written beside the output (datasheet, lock). */
  const tmpMeta: [string, string][] = [];
  try {
    fs.mkdirSync(tmp, { recursive: true });
    const dedupe = new Deduplicator();
    const projectCorpus = opts.projectCorpus !== null ? seedProjectCorpus(opts.projectCorpus, dedupe) : { en: emptyCounts(), ko: emptyCounts() };
    opts.log(`project-written corpus: ${projectCorpus.en.sentences} en + ${projectCorpus.ko.sentences} ko sentences seed the dedupe; ${opts.heldOutKeys.size} intents val/test keys held out`);
    const built: BuiltSource[] = [];
    for (const spec of opts.manifest.sources) built.push(await buildSource(spec, opts.reader, opts.heldOutKeys, dedupe, opts.log));
    capLanguages(built, opts.maxRatio, opts.seed, opts.log);
    for (const b of built) writeSource(tmp, b);
    const stats: CorpusStats = {
      generator: "scripts/build-corpus.ts",
      format: "one sentence per line, blank line between documents, UTF-8, LF, NFC",
      maxRatio: opts.maxRatio,
      seed: opts.seed,
      intentsValTestKeys: opts.heldOutKeys.size,
      projectCorpus,
      sources: built.map((b) => b.stats),
      totals: corpusTotals(built.map((b) => b.stats)),
      excluded: opts.manifest.excluded,
    };
    for (const lang of LANGS) {
      if (stats.totals[lang].documents === 0) throw new CorpusInputError("sources.json", undefined, `the build produced no ${lang} text; check the sources`);
    }
    fs.writeFileSync(path.join(tmp, "stats.json"), JSON.stringify(stats, null, 2) + "\n");
    fs.writeFileSync(path.join(tmp, ".gitignore"), GITIGNORE);
    const writeMeta = (final: string, content: string): void => {
      const p = path.join(path.dirname(final), `.${path.basename(final)}.tmp-${process.pid}`);
      fs.mkdirSync(path.dirname(final), { recursive: true });
      fs.writeFileSync(p, content);
      tmpMeta.push([p, final]);
    };
    writeMeta(path.join(opts.metaDir, "DATASHEET.md"), renderDatasheet(opts.manifest, stats));
    if (opts.lockFile !== null) {
      const lock: LockFile = {
        description: "Files of each source used by the last local build (path, git blob id, size). An online build (--online) downloads exactly these and checks each blob id. Written by scripts/build-corpus.ts.",
        sources: Object.fromEntries(built.map((b) => [b.spec.id, { repo: b.spec.repo, commit: b.spec.commit, files: b.lockFiles, absent: b.stats.filesAbsent }])),
      };
      writeMeta(opts.lockFile, JSON.stringify(lock, null, 1) + "\n");
    }
    // Swap into place: the old output moves aside, the new one takes its name, the old is removed.
    fs.mkdirSync(parent, { recursive: true });
    const old = path.join(tmpParent, `${tmpPrefix}${process.pid}-old`);
    if (fs.existsSync(out)) fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    fs.rmSync(old, { recursive: true, force: true });
    for (const [p, final] of tmpMeta) fs.renameSync(p, final);
    tmpMeta.length = 0;
    return stats;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [p] of tmpMeta) fs.rmSync(p, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: npm run corpus:build -- (--from DIR | --online | --unpack) [--out DIR] [--manifest FILE] [--project-corpus DIR|none] [--max-ratio X] [--seed N]

  --from DIR          local snapshots: DIR/OWNER+NAME/repo (holding .git) for every source in the manifest
  --online            download the files listed in the lock file from ${DEFAULT_BASE_URL} (or $BERTLAB_CORPUS_BASE_URL)
  --unpack            restore the .txt files of --out from their committed .txt.gz copies (checked against stats.json)
  --out DIR           output folder (default data/corpus/public); DATASHEET.md and the lock file go to its parent
  --manifest FILE     source manifest (default data/corpus/sources.json; the lock file is sources.lock.json beside it)
  --project-corpus    folder whose en/ and ko/ .txt seed the dedupe (default data/corpus; "none" to skip)
  --max-ratio X       cap the larger language at X times the other's characters (default 1.5)
  --seed N            seed of the cap's shuffle (default 13)`;

export async function main(argv: string[]): Promise<number> {
  const root = path.resolve(__dirname, "..");
  let values: { from?: string; online?: boolean; unpack?: boolean; out?: string; manifest?: string; "project-corpus"?: string; "max-ratio"?: string; seed?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        from: { type: "string" },
        online: { type: "boolean" },
        unpack: { type: "boolean" },
        out: { type: "string" },
        manifest: { type: "string" },
        "project-corpus": { type: "string" },
        "max-ratio": { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`corpus:build: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if ([values.from !== undefined, values.online === true, values.unpack === true].filter(Boolean).length !== 1) {
    process.stderr.write(`corpus:build: give exactly one of --from DIR, --online or --unpack\n${USAGE}\n`);
    return 2;
  }
  const maxRatio = Number(values["max-ratio"] ?? "1.5");
  const seed = Number(values.seed ?? "13");
  if (!(maxRatio >= 1) || !Number.isInteger(seed)) {
    process.stderr.write(`corpus:build: --max-ratio must be a number >= 1 and --seed an integer\n`);
    return 2;
  }
  const manifestFile = path.resolve(values.manifest ?? path.join(root, "data", "corpus", "sources.json"));
  const lockFile = manifestFile.replace(/\.json$/, "") + ".lock.json";
  const out = path.resolve(values.out ?? path.join(root, "data", "corpus", "public"));
  const pc = values["project-corpus"] ?? path.join(root, "data", "corpus");
  const log = (m: string): void => void process.stderr.write(`corpus:build: ${m}\n`);
  const t0 = Date.now();
  try {
    if (values.unpack === true) {
      unpackCorpus(out, log);
      return 0;
    }
    const manifest = readManifest(manifestFile);
    let reader: SourceReader;
    if (values.from !== undefined) {
      const from = path.resolve(values.from);
      if (!fs.existsSync(from)) throw new CorpusInputError(from, undefined, "the --from folder does not exist");
      // Check every snapshot before the slow part, so a missing one fails at once.
      for (const spec of manifest.sources) snapshotGitDir(from, spec);
      reader = new LocalSnapshotReader(from);
    } else {
      reader = new OnlineReader(readLock(lockFile), process.env.BERTLAB_CORPUS_BASE_URL ?? DEFAULT_BASE_URL);
    }
    const stats = await buildCorpus({
      manifest,
      reader,
      out,
      metaDir: path.dirname(out),
      projectCorpus: pc === "none" ? null : path.resolve(pc),
      heldOutKeys: intentsHeldOutKeys(),
      maxRatio,
      seed,
      lockFile: values.from !== undefined ? lockFile : null,
      log,
    });
    for (const lang of LANGS) {
      const t = stats.totals[lang];
      log(`${lang}: ${fmt(t.documents)} documents, ${fmt(t.sentences)} sentences, ${mb(t.bytes)} MB, ${fmt(t.characters)} characters, ${fmt(t.basicTokens)} basic tokens; removed ${fmt(t.removedDuplicates)} duplicates and ${fmt(t.removedIntentsValTestOverlap)} intents val/test overlaps`);
    }
    log(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return 0;
  } catch (e) {
    if (e instanceof CorpusInputError) {
      process.stderr.write(`corpus:build: error: ${e.message}\ncorpus:build: nothing was written.\n`);
      return 1;
    }
    process.stderr.write(`corpus:build: error: ${(e as Error).stack ?? String(e)}\ncorpus:build: nothing was written.\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`corpus:build: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
