/**
 * The loop BPE and WordPiece training share: count the words of a corpus, split each into
 * symbols (characters), then repeatedly merge the best adjacent pair into a new symbol. Only the
 * score differs: BPE takes the most frequent pair, WordPiece the pair with the highest
 * freq(ab) / (freq(a) * freq(b)).
 *
 * Incremental: merging a pair only touches the words that contain it, and a max-heap with lazy
 * deletion (entries are re-checked when popped) finds the best pair without rescanning all pairs.
 */
import type { Merge } from "./vocab";
import { BasicTokenizer } from "./basic-tokenizer";

/** One step of training, for showing the vocabulary grow. */
export interface MergeStep {
  step: number;
  /** The merged pair, as tokens. */
  pair: [string, string];
  /** The new token. */
  token: string;
  /** BPE: the pair's frequency. WordPiece: freq(ab) / (freq(a) * freq(b)). */
  score: number;
  /** How often the pair occurred in the corpus when merged. */
  frequency: number;
  /** Vocabulary size after this step (special tokens and alphabet included). */
  vocabSize: number;
}

export interface TrainerOptions {
  /** Target vocabulary size, special tokens and alphabet included. */
  vocabSize: number;
  /** Pairs seen fewer times are never merged (default 2). */
  minFrequency?: number;
  /** Lowercase and strip accents before counting (default true). */
  lowercase?: boolean;
  /** Put first in the vocabulary (default [PAD] [UNK] [CLS] [SEP] [MASK]). */
  specialTokens?: string[];
  /** Called after every merge. */
  onStep?: (step: MergeStep) => void;
}

export const DEFAULT_SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

export type Texts = string | Iterable<string>;

/** Word frequencies after BERT's normalization and pre-tokenization. */
export function countWords(texts: Texts, basic: BasicTokenizer): Map<string, number> {
  const counts = new Map<string, number>();
  const all = typeof texts === "string" ? [texts] : texts;
  let i = 0;
  for (const text of all) {
    if (typeof text !== "string") throw new TypeError(`training text ${i} must be a string, got ${text === null ? "null" : typeof text}`);
    for (const w of basic.tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    i++;
  }
  return counts;
}

export function checkTrainerOptions(options: TrainerOptions, what: string): void {
  if (options === undefined || !Number.isInteger(options.vocabSize) || options.vocabSize < 1) {
    throw new RangeError(`${what}: vocabSize must be a positive integer, got ${JSON.stringify(options?.vocabSize)}`);
  }
  if (options.minFrequency !== undefined && !(options.minFrequency >= 1)) {
    throw new RangeError(`${what}: minFrequency must be at least 1, got ${options.minFrequency}`);
  }
}

type Score = (pairCount: number, freqA: number, freqB: number) => number;

const KEY_BASE = 2 ** 21;

export class PairMerger {
  /** Symbol id -> string. */
  readonly symbols: string[] = [];
  private readonly symbolIds = new Map<string, number>();
  private readonly words: Int32Array[] = [];
  private readonly wordFreq: number[] = [];
  private readonly pairCount = new Map<number, number>();
  private readonly pairWords = new Map<number, number[]>();
  private readonly symbolPairs: Array<Set<number>> = [];
  private readonly freq: number[] = [];
  private readonly heap = new ScoreHeap();
  private readonly seen: Int32Array;
  private stamp = 0;

  /**
   * @param words word -> count
   * @param split a word's initial symbols
   * @param join the token two symbols merge into
   */
  constructor(
    words: Map<string, number>,
    split: (word: string) => string[],
    private readonly join: (a: string, b: string) => string,
    private readonly score: Score,
    private readonly minFrequency: number,
    /** Whether a symbol's frequency enters the score (re-rank its pairs when it changes). */
    private readonly usesSymbolFrequency: boolean,
  ) {
    for (const [word, count] of words) {
      const ids = Int32Array.from(split(word), (s) => this.symbolId(s));
      const w = this.words.length;
      this.words.push(ids);
      this.wordFreq.push(count);
      for (let i = 0; i < ids.length; i++) this.freq[ids[i]] += count;
      for (let i = 0; i + 1 < ids.length; i++) this.addPair(ids[i], ids[i + 1], count, w);
    }
    this.seen = new Int32Array(this.words.length);
    for (const key of this.pairCount.keys()) this.pushPair(key);
  }

  /** The alphabet, i.e. the symbols before any merge, sorted. */
  alphabet(): string[] {
    return [...this.symbols].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Merges the best pair; undefined when no pair is frequent enough. */
  step(): { a: string; b: string; token: string; score: number; frequency: number } | undefined {
    for (;;) {
      const top = this.heap.pop();
      if (top === undefined) return undefined;
      const count = this.pairCount.get(top.key) ?? 0;
      if (count < this.minFrequency) continue;
      const a = Math.floor(top.key / KEY_BASE);
      const b = top.key % KEY_BASE;
      if (count !== top.count || this.score(count, this.freq[a], this.freq[b]) !== top.score) continue;
      const token = this.join(this.symbols[a], this.symbols[b]);
      this.merge(top.key, a, b, this.symbolId(token));
      return { a: this.symbols[a], b: this.symbols[b], token, score: top.score, frequency: count };
    }
  }

  private symbolId(s: string): number {
    let id = this.symbolIds.get(s);
    if (id === undefined) {
      id = this.symbols.length;
      if (id >= KEY_BASE) throw new Error(`too many distinct symbols (${KEY_BASE}) for the trainer`);
      this.symbols.push(s);
      this.symbolIds.set(s, id);
      this.freq.push(0);
      this.symbolPairs.push(new Set());
    }
    return id;
  }

  private addPair(a: number, b: number, count: number, word: number): number {
    const key = a * KEY_BASE + b;
    const before = this.pairCount.get(key);
    this.pairCount.set(key, (before ?? 0) + count);
    let ws = this.pairWords.get(key);
    if (ws === undefined) {
      this.pairWords.set(key, (ws = []));
      this.symbolPairs[a].add(key);
      this.symbolPairs[b].add(key);
    }
    if (ws[ws.length - 1] !== word) ws.push(word);
    return key;
  }

  private pushPair(key: number): void {
    const count = this.pairCount.get(key) ?? 0;
    if (count < this.minFrequency) return;
    const a = Math.floor(key / KEY_BASE);
    const b = key % KEY_BASE;
    this.heap.push(this.score(count, this.freq[a], this.freq[b]), count, key);
  }

  private merge(key: number, a: number, b: number, c: number): void {
    const changed = new Set<number>();
    const stamp = ++this.stamp;
    const ws = this.pairWords.get(key) ?? [];
    this.pairWords.set(key, []);
    for (const w of ws) {
      if (this.seen[w] === stamp) continue;
      this.seen[w] = stamp;
      const old = this.words[w];
      let has = false;
      for (let i = 0; i + 1 < old.length; i++) if (old[i] === a && old[i + 1] === b) has = true;
      if (!has) continue;
      const f = this.wordFreq[w];
      for (let i = 0; i + 1 < old.length; i++) {
        const k = old[i] * KEY_BASE + old[i + 1];
        this.pairCount.set(k, (this.pairCount.get(k) as number) - f);
        changed.add(k);
      }
      for (let i = 0; i < old.length; i++) this.freq[old[i]] -= f;
      const out: number[] = [];
      for (let i = 0; i < old.length; i++) {
        if (i + 1 < old.length && old[i] === a && old[i + 1] === b) {
          out.push(c);
          i++;
        } else {
          out.push(old[i]);
        }
      }
      const next = Int32Array.from(out);
      this.words[w] = next;
      for (let i = 0; i < next.length; i++) this.freq[next[i]] += f;
      for (let i = 0; i + 1 < next.length; i++) changed.add(this.addPair(next[i], next[i + 1], f, w));
    }
    if (this.usesSymbolFrequency) {
      // freq(a) and freq(b) fell, so every pair containing them scores higher now.
      for (const s of [a, b, c]) for (const k of this.symbolPairs[s]) changed.add(k);
    }
    for (const k of changed) this.pushPair(k);
    if (this.heap.size > 4 * this.pairCount.size + 100000) this.rebuildHeap();
  }

  private rebuildHeap(): void {
    this.heap.clear();
    for (const [key, count] of this.pairCount) {
      if (count <= 0) {
        this.pairCount.delete(key);
        continue;
      }
      this.pushPair(key);
    }
  }
}

/** Max-heap on (score, count), then the smaller key (older symbols) first, for determinism. */
class ScoreHeap {
  private score: number[] = [];
  private count: number[] = [];
  private key: number[] = [];

  get size(): number {
    return this.key.length;
  }

  clear(): void {
    this.score = [];
    this.count = [];
    this.key = [];
  }

  push(score: number, count: number, key: number): void {
    this.score.push(score);
    this.count.push(count);
    this.key.push(key);
    let i = this.key.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { score: number; count: number; key: number } | undefined {
    if (this.key.length === 0) return undefined;
    const top = { score: this.score[0], count: this.count[0], key: this.key[0] };
    const last = this.key.length - 1;
    this.swap(0, last);
    this.score.pop();
    this.count.pop();
    this.key.pop();
    const n = this.key.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.before(l, m)) m = l;
      if (r < n && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    if (this.score[i] !== this.score[j]) return this.score[i] > this.score[j];
    if (this.count[i] !== this.count[j]) return this.count[i] > this.count[j];
    return this.key[i] < this.key[j];
  }

  private swap(i: number, j: number): void {
    let t = this.score[i];
    this.score[i] = this.score[j];
    this.score[j] = t;
    t = this.count[i];
    this.count[i] = this.count[j];
    this.count[j] = t;
    t = this.key[i];
    this.key[i] = this.key[j];
    this.key[j] = t;
  }
}

/**
 * The loop both trainers share: the special tokens, then the alphabet, then one merge at a time until
 * the vocabulary has `vocabSize` tokens or no pair is left. Returns the tokens, the merges and their history.
 */
export function growVocabulary(
  merger: PairMerger,
  specials: readonly string[],
  vocabSize: number,
  onStep?: (step: MergeStep) => void,
): { tokens: string[]; merges: Merge[]; history: MergeStep[] } {
  const tokens = [...specials];
  const inVocab = new Set(tokens);
  for (const s of merger.alphabet()) if (!inVocab.has(s)) (inVocab.add(s), tokens.push(s));
  const merges: Merge[] = [];
  const history: MergeStep[] = [];
  while (tokens.length < vocabSize) {
    const m = merger.step();
    if (!m) break;
    merges.push([m.a, m.b]);
    if (!inVocab.has(m.token)) (inVocab.add(m.token), tokens.push(m.token));
    const step: MergeStep = { step: history.length + 1, pair: [m.a, m.b], token: m.token, score: m.score, frequency: m.frequency, vocabSize: tokens.length };
    history.push(step);
    onStep?.(step);
  }
  return { tokens, merges, history };
}

