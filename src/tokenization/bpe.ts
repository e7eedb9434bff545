/**
 * Byte-Pair Encoding at the character level (Sennrich et al., 2016): a word starts as its
 * characters, then the learned merges are applied, lowest rank (earliest learned) first and the
 * leftmost pair on ties, until no adjacent pair has a merge. Same rules as HF's BPE model.
 */
import { Vocab, Merge } from "./vocab";
import { PreTokenized } from "./basic-tokenizer";
import { TokenSink } from "./encoding";

export interface BpeOptions {
  /** Characters not in the vocabulary become this token; without one they are dropped (as in HF). */
  unkToken?: string;
  /** Prepended to every symbol that does not start a word (e.g. "##"). */
  continuingSubwordPrefix?: string;
  /** Appended to the last symbol of a word (e.g. "</w>"). */
  endOfWordSuffix?: string;
  /** Merge consecutive unknown characters into one [UNK]. */
  fuseUnk?: boolean;
}

interface MergeRule {
  rank: number;
  newId: number;
}

export class Bpe {
  readonly type = "BPE" as const;
  readonly merges: ReadonlyArray<Merge>;
  readonly unkToken: string | undefined;
  readonly unkId: number | undefined;
  readonly continuingSubwordPrefix: string | undefined;
  readonly endOfWordSuffix: string | undefined;
  readonly fuseUnk: boolean;
  private readonly rules = new Map<number, MergeRule>();
  private readonly cache = new Map<string, Int32Array>();

  constructor(readonly vocab: Vocab, merges: ReadonlyArray<Merge>, options: BpeOptions = {}) {
    this.merges = merges;
    this.unkToken = options.unkToken;
    this.continuingSubwordPrefix = options.continuingSubwordPrefix;
    this.endOfWordSuffix = options.endOfWordSuffix;
    this.fuseUnk = options.fuseUnk ?? false;
    if (this.unkToken !== undefined) {
      this.unkId = vocab.tokenToId(this.unkToken);
      if (this.unkId === undefined) throw new Error(`BPE: unknown token ${JSON.stringify(this.unkToken)} is not in the vocabulary`);
    }
    const prefixLen = this.continuingSubwordPrefix?.length ?? 0;
    merges.forEach(([a, b], rank) => {
      const aId = vocab.tokenToId(a);
      const bId = vocab.tokenToId(b);
      if (aId === undefined || bId === undefined) {
        throw new Error(`BPE merge ${rank + 1} "${a} ${b}": ${JSON.stringify(aId === undefined ? a : b)} is not in the vocabulary`);
      }
      // HF joins a with b minus the continuation prefix length, unconditionally.
      const joined = a + b.slice(prefixLen);
      const newId = vocab.tokenToId(joined);
      if (newId === undefined) throw new Error(`BPE merge ${rank + 1} "${a} ${b}": the result ${JSON.stringify(joined)} is not in the vocabulary`);
      const key = aId * vocab.size + bId;
      if (!this.rules.has(key)) this.rules.set(key, { rank, newId });
    });
  }

  /** Subword tokens of one (already normalized) word. */
  tokenizeWord(word: string): string[] {
    return Array.from(this.segment(word).ids, (id) => this.vocab.idToToken(id) as string);
  }

  encodeWord(pre: PreTokenized, start: number, end: number, _chars: number, sink: TokenSink, wordId: number): void {
    const word = String.fromCharCode.apply(null, pre.units.subarray(start, end) as unknown as number[]);
    const { ids, spans } = this.segment(word);
    for (let i = 0; i < ids.length; i++) {
      sink.push(ids[i], pre.origStart[start + spans[2 * i]], pre.origEnd[start + spans[2 * i + 1] - 1], wordId);
    }
  }

  /** Token ids and the [start, end) UTF-16 span in the word each one covers (cached per word). */
  private segment(word: string): { ids: Int32Array; spans: Int32Array } {
    const cached = this.cache.get(word);
    if (cached !== undefined) {
      const n = cached.length / 3;
      return { ids: cached.subarray(0, n), spans: cached.subarray(n) };
    }
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let unkStart = -1; // start of the pending [UNK] run, -1 = none
    let unkEnd = -1;
    const prefix = this.continuingSubwordPrefix ?? "";
    const suffix = this.endOfWordSuffix ?? "";
    for (let i = 0; i < word.length; ) {
      const cp = word.codePointAt(i) as number;
      const w = cp > 0xffff ? 2 : 1;
      const last = i + w >= word.length;
      const symbol = (i > 0 ? prefix : "") + word.slice(i, i + w) + (last ? suffix : "");
      const id = this.vocab.tokenToId(symbol);
      if (id !== undefined) {
        if (unkStart >= 0) {
          ids.push(this.unkId as number);
          starts.push(unkStart);
          ends.push(unkEnd);
          unkStart = -1;
        }
        ids.push(id);
        starts.push(i);
        ends.push(i + w);
      } else if (this.unkId !== undefined) {
        if (unkStart >= 0 && !this.fuseUnk) {
          ids.push(this.unkId);
          starts.push(unkStart);
          ends.push(unkEnd);
          unkStart = -1;
        }
        if (unkStart < 0) unkStart = i;
        unkEnd = i + w;
      }
      i += w;
    }
    if (unkStart >= 0) {
      ids.push(this.unkId as number);
      starts.push(unkStart);
      ends.push(unkEnd);
    }
    this.applyMerges(ids, starts, ends);
    const n = ids.length;
    const packed = new Int32Array(n * 3);
    packed.set(ids);
    for (let i = 0; i < n; i++) {
      packed[n + 2 * i] = starts[i];
      packed[n + 2 * i + 1] = ends[i];
    }
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(word, packed);
    return { ids: packed.subarray(0, n), spans: packed.subarray(n) };
  }

  /**
   * Applies merges in rank order. A min-heap of candidate (rank, position) pairs keeps this
   * O(n log n) for long words; stale entries (a side already merged away) are skipped.
   */
  private applyMerges(ids: number[], starts: number[], ends: number[]): void {
    const n = ids.length;
    if (n < 2) return;
    const size = this.vocab.size;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const alive = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MergeHeap();
    for (let i = 0; i + 1 < n; i++) {
      const r = this.rules.get(ids[i] * size + ids[i + 1]);
      if (r) heap.push(r.rank, i, r.newId);
    }
    while (heap.size > 0) {
      const { pos, newId } = heap.pop();
      if (!alive[pos] || next[pos] === -1) continue;
      const right = next[pos];
      const r = this.rules.get(ids[pos] * size + ids[right]);
      if (!r || r.newId !== newId) continue;
      ids[pos] = newId;
      ends[pos] = ends[right];
      alive[right] = 0;
      next[pos] = next[right];
      if (next[right] !== -1) prev[next[right]] = pos;
      if (prev[pos] !== -1) {
        const rp = this.rules.get(ids[prev[pos]] * size + newId);
        if (rp) heap.push(rp.rank, prev[pos], rp.newId);
      }
      if (next[pos] !== -1) {
        const rn = this.rules.get(newId * size + ids[next[pos]]);
        if (rn) heap.push(rn.rank, pos, rn.newId);
      }
    }
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (alive[i]) {
        ids[k] = ids[i];
        starts[k] = starts[i];
        ends[k] = ends[i];
        k++;
      }
    }
    ids.length = k;
    starts.length = k;
    ends.length = k;
  }
}

/** Min-heap on (rank, position). */
class MergeHeap {
  private rank: number[] = [];
  private pos: number[] = [];
  private id: number[] = [];

  get size(): number {
    return this.rank.length;
  }

  push(rank: number, pos: number, id: number): void {
    this.rank.push(rank);
    this.pos.push(pos);
    this.id.push(id);
    let i = this.rank.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { pos: number; newId: number } {
    const top = { pos: this.pos[0], newId: this.id[0] };
    const last = this.rank.length - 1;
    this.swap(0, last);
    this.rank.pop();
    this.pos.pop();
    this.id.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.rank.length && this.less(l, m)) m = l;
      if (r < this.rank.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.rank[a] < this.rank[b] || (this.rank[a] === this.rank[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    [this.rank[a], this.rank[b]] = [this.rank[b], this.rank[a]];
    [this.pos[a], this.pos[b]] = [this.pos[b], this.pos[a]];
    [this.id[a], this.id[b]] = [this.id[b], this.id[a]];
  }
}
