/**
 * Vocabularies and their files: `vocab.txt` (one token per line, id = line number, as Google's
 * BERT release and Hugging Face ship them) and `merges.txt` (one BPE merge "a b" per line).
 */
import * as fs from "node:fs";

/** A bijection between tokens and ids. Ids may have gaps only when read from tokenizer.json. */
export class Vocab {
  private readonly ids: Map<string, number>;

  private constructor(readonly tokens: ReadonlyArray<string | undefined>, ids: Map<string, number>) {
    this.ids = ids;
  }

  /** Token i gets id i. Throws on duplicates, naming both positions. */
  static fromTokens(tokens: ReadonlyArray<string>, source = "vocabulary"): Vocab {
    const ids = new Map<string, number>();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (typeof t !== "string") throw new TypeError(`${source}: token ${i} is ${typeof t}, not a string`);
      const before = ids.get(t);
      if (before !== undefined) {
        throw new Error(`${source}: duplicate token ${JSON.stringify(t)} (ids ${before} and ${i})`);
      }
      ids.set(t, i);
    }
    return new Vocab(tokens, ids);
  }

  /** @internal For parsers that already built and checked the map. */
  static fromChecked(tokens: ReadonlyArray<string>, ids: Map<string, number>): Vocab {
    return new Vocab(tokens, ids);
  }

  /** From a token -> id object, as in tokenizer.json. Throws on a repeated or invalid id. */
  static fromIdMap(map: Record<string, number>, source = "vocabulary"): Vocab {
    const tokens: Array<string | undefined> = [];
    const ids = new Map<string, number>();
    for (const [t, id] of Object.entries(map)) {
      if (!Number.isInteger(id) || id < 0) throw new Error(`${source}: token ${JSON.stringify(t)} has invalid id ${JSON.stringify(id)}`);
      if (tokens[id] !== undefined) {
        throw new Error(`${source}: id ${id} is used by both ${JSON.stringify(tokens[id])} and ${JSON.stringify(t)}`);
      }
      tokens[id] = t;
      ids.set(t, id);
    }
    return new Vocab(tokens, ids);
  }

  get size(): number {
    return this.tokens.length;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** token -> id, for tokenizer.json. */
  toIdMap(): Record<string, number> {
    const out: Record<string, number> = {};
    this.tokens.forEach((t, i) => {
      if (t !== undefined) out[t] = i;
    });
    return out;
  }
}

/**
 * Parses vocab.txt text. Like HF, trailing whitespace (a Windows "\r") is trimmed from each line
 * and a final newline is optional. Empty lines and duplicates are errors naming the line.
 */
export function parseVocabTxt(text: string, source = "vocab.txt"): Vocab {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const ids = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const last = line.charCodeAt(line.length - 1);
    if (last === 13 || last === 32 || last === 9) line = lines[i] = line.trimEnd();
    if (line === "") throw new Error(`${source}:${i + 1}: empty line where a token was expected`);
    const before = ids.get(line);
    if (before !== undefined) {
      throw new Error(`${source}:${i + 1}: duplicate token ${JSON.stringify(line)} (first at line ${before + 1})`);
    }
    ids.set(line, i);
  }
  if (lines.length === 0) throw new Error(`${source}: the vocabulary is empty`);
  return Vocab.fromChecked(lines, ids);
}

/** Reads a vocab.txt file; a missing file is reported by path. */
export function readVocabTxt(path: string): Vocab {
  return parseVocabTxt(readText(path, "vocabulary file"), path);
}

export function formatVocabTxt(vocab: Vocab): string {
  const lines: string[] = [];
  for (let i = 0; i < vocab.size; i++) {
    const t = vocab.idToToken(i);
    if (t === undefined) throw new Error(`vocab.txt cannot hold a vocabulary with a gap at id ${i}`);
    if (/[\n\r]/.test(t) || t !== t.trimEnd() || t === "") {
      throw new Error(`vocab.txt cannot hold token ${JSON.stringify(t)} (id ${i}): one token per line, no trailing whitespace`);
    }
    lines.push(t);
  }
  return lines.join("\n") + "\n";
}

export function writeVocabTxt(path: string, vocab: Vocab): void {
  fs.writeFileSync(path, formatVocabTxt(vocab), "utf8");
}

/** A BPE merge: the two tokens joined, in rank order. */
export type Merge = [string, string];

/** Parses merges.txt: an optional "#version" header, then "left right" per line. */
export function parseMergesTxt(text: string, source = "merges.txt"): Merge[] {
  const merges: Merge[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line === "" && i === lines.length - 1) break;
    if (i === 0 && line.startsWith("#version")) continue;
    const parts = line.split(" ");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
      throw new Error(`${source}:${i + 1}: expected "left right" (two tokens separated by one space), got ${JSON.stringify(line)}`);
    }
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

export function readMergesTxt(path: string): Merge[] {
  return parseMergesTxt(readText(path, "merges file"), path);
}

export function formatMergesTxt(merges: ReadonlyArray<Merge>): string {
  return "#version: 0.2\n" + merges.map(([a, b]) => `${a} ${b}\n`).join("");
}

export function writeMergesTxt(path: string, merges: ReadonlyArray<Merge>): void {
  fs.writeFileSync(path, formatMergesTxt(merges), "utf8");
}

export function readText(path: string, what: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${what} not found: ${path}`);
    if (code === "EISDIR") throw new Error(`${what} ${path} is a directory, not a file`);
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}
