/**
 * Pretraining text in the classic BERT format: plain .txt files, one sentence per line,
 * a blank line between documents. Any folder of such files works (read recursively, in
 * sorted path order so runs are reproducible).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BertTokenizer } from "../tokenization/bert-tokenizer";
import { TokenizedDocument } from "./nsp";
import { PretrainingVocab } from "./pretrain";

/** A document: its sentences in order. */
export type TextDocument = string[];

/** Splits text into documents at blank lines; each non-blank line is one sentence. */
export function parseCorpusText(text: string): TextDocument[] {
  const docs: TextDocument[] = [];
  let current: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") {
      if (current.length > 0) docs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) docs.push(current);
  return docs;
}

/** All .txt files under `dir` (recursively), sorted. */
export function corpusFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`corpus directory ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`corpus path ${dir} is not a directory`);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith(".txt")) files.push(p);
    }
  };
  walk(dir);
  if (files.length === 0) throw new Error(`corpus directory ${dir} has no .txt files`);
  return files;
}

/** Reads every document of every .txt file under `dir`. */
export function readCorpus(dir: string): TextDocument[] {
  const docs: TextDocument[] = [];
  for (const file of corpusFiles(dir)) {
    const text = fs.readFileSync(file, "utf8");
    if (text.includes("\uFFFD")) throw new Error(`${file} is not valid UTF-8 (it decodes with replacement characters)`);
    docs.push(...parseCorpusText(text));
  }
  if (docs.length < 2) throw new Error(`corpus ${dir} has ${docs.length} document(s); NSP needs at least 2 (separate documents with a blank line)`);
  return docs;
}

/** Tokenizes each sentence to WordPiece ids (no [CLS]/[SEP]); empty sentences are dropped. */
export function tokenizeDocuments(docs: readonly TextDocument[], tokenizer: BertTokenizer): TokenizedDocument[] {
  return docs
    .map((doc) => doc.map((s) => tokenizer.encode(s, null, { addSpecialTokens: false }).inputIds).filter((ids) => ids.length > 0))
    .filter((doc) => doc.length > 0);
}

/** The special ids and word-boundary rule that masking and pair building need, from a BERT tokenizer. */
export function pretrainingVocab(tokenizer: BertTokenizer): PretrainingVocab {
  const id = (token: string): number => {
    const v = tokenizer.tokenToId(token);
    if (v === undefined) throw new Error(`the tokenizer has no ${token} token; BERT pretraining needs [PAD], [CLS], [SEP] and [MASK]`);
    return v;
  };
  const specialIds = new Set<number>();
  for (const t of ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) {
    const v = tokenizer.tokenToId(t);
    if (v !== undefined) specialIds.add(v);
  }
  for (const t of tokenizer.addedTokens) if (t.special) specialIds.add(t.id);
  // Unused slots ([unused0]...) of Google's vocabularies are never real text either.
  const size = tokenizer.vocabSize;
  const continuation = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const token = tokenizer.idToToken(i) ?? "";
    if (token.startsWith("##")) continuation[i] = 1;
    if (/^\[unused\d+\]$/.test(token)) specialIds.add(i);
  }
  return {
    clsId: id("[CLS]"),
    sepId: id("[SEP]"),
    padId: id("[PAD]"),
    maskId: id("[MASK]"),
    vocabSize: size,
    specialIds,
    isContinuation: (i) => continuation[i] === 1,
  };
}
