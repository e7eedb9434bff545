/**
 * WordPiece: split a word into the longest vocabulary prefix, then the longest "##" continuation,
 * and so on ("una", "##ffa", "##ble"). A word with any unmatched rest becomes [UNK].
 *
 * Greedy longest-match-first is quadratic in the word length when done naively (`maxMatch` below,
 * kept for the lesson). `WordPiece` runs LinMaxMatch from "Fast WordPiece Tokenization" (Song et
 * al., EMNLP 2021): a trie of the vocabulary with Aho-Corasick-like failure links. When the next
 * character has no edge, the failure link says which tokens greedy matching would have emitted
 * ("failure pops") and where in the "##" trie to continue, so every character is read once.
 *
 * Two roots: `ROOT` holds every vocabulary string as written (a word's first token), `SUFFIX_ROOT`
 * holds the continuation tokens with "##" removed. Failure links always lead into the suffix trie.
 */
import { Vocab } from "./vocab";
import { PreTokenized } from "./basic-tokenizer";
import { TokenSink } from "./encoding";

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  /** Longer words (in code points) become [UNK]. HF uses 100, Google's BERT 200. */
  maxInputCharsPerWord?: number;
}

const ROOT = 0;
const SUFFIX_ROOT = 1;
const NONE = -1;

export class WordPiece {
  readonly type = "WordPiece" as const;
  readonly unkToken: string;
  readonly unkId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private trie: LinMaxMatchTrie | undefined;

  constructor(readonly vocab: Vocab, options: WordPieceOptions = {}) {
    this.unkToken = options.unkToken ?? "[UNK]";
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? "##";
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    if (!Number.isInteger(this.maxInputCharsPerWord) || this.maxInputCharsPerWord < 1) {
      throw new RangeError(`maxInputCharsPerWord must be a positive integer, got ${options.maxInputCharsPerWord}`);
    }
    const unk = vocab.tokenToId(this.unkToken);
    if (unk === undefined) throw new Error(`the vocabulary has no unknown token ${JSON.stringify(this.unkToken)}`);
    this.unkId = unk;
  }

  /** Builds the trie now rather than on the first word (it takes tens of ms for 100k tokens). */
  build(): this {
    this.trie ??= new LinMaxMatchTrie(this.vocab, this.continuingSubwordPrefix);
    return this;
  }

  /** Subword tokens of one (already normalized) word. */
  tokenizeWord(word: string): string[] {
    const pre = new PreTokenized();
    while (pre.units.length < word.length) pre.growUnits();
    for (let i = 0; i < word.length; i++) {
      pre.units[i] = word.charCodeAt(i);
      pre.origStart[i] = i;
      pre.origEnd[i] = i + 1;
    }
    pre.nUnits = word.length;
    const sink = new TokenSink();
    this.encodeWord(pre, 0, word.length, [...word].length, sink, 0);
    return sink.ids.map((id) => this.vocab.idToToken(id) as string);
  }

  /** Appends the tokens of normalized units [start, end) to `sink`, with source offsets. */
  encodeWord(pre: PreTokenized, start: number, end: number, chars: number, sink: TokenSink, wordId: number): void {
    const trie = this.trie ?? this.build().trie!;
    const units = pre.units;
    if (chars > this.maxInputCharsPerWord) {
      sink.push(this.unkId, pre.origStart[start], pre.origEnd[end - 1], wordId);
      return;
    }
    const mark = sink.length;
    const { fail, popStart, popLen, pops } = trie;
    let u = ROOT;
    let failed = false;
    for (let i = start; i < end && !failed; i++) {
      const c = units[i];
      let v = trie.child(u, c);
      while (v === 0) {
        const f = fail[u];
        if (f === NONE) {
          failed = true;
          break;
        }
        for (let p = popStart[u], e = p + popLen[u]; p < e; p++) sink.ids.push(pops[p]);
        u = f;
        v = trie.child(u, c);
      }
      u = v;
    }
    while (!failed && u !== SUFFIX_ROOT) {
      const f = fail[u];
      if (f === NONE) {
        failed = true;
        break;
      }
      for (let p = popStart[u], e = p + popLen[u]; p < e; p++) sink.ids.push(pops[p]);
      u = f;
    }
    if (failed) {
      sink.truncate(mark);
      sink.push(this.unkId, pre.origStart[start], pre.origEnd[end - 1], wordId);
      return;
    }
    // Token lengths give the spans: the first token is a whole vocab string, the rest lose "##".
    const lengths = trie.length;
    const prefixLen = this.continuingSubwordPrefix.length;
    let pos = start;
    for (let t = mark; t < sink.ids.length; t++) {
      const len = lengths[sink.ids[t]] - (t === mark ? 0 : prefixLen);
      sink.starts.push(pre.origStart[pos]);
      sink.ends.push(pre.origEnd[pos + len - 1]);
      sink.wordIds.push(wordId);
      pos += len;
    }
  }
}

/**
 * Greedy longest-match-first the textbook way: try the whole rest, then one character shorter...
 * Quadratic per word; `WordPiece` gives the same tokens in linear time.
 */
export function maxMatch(word: string, vocab: Vocab, unkToken = "[UNK]", prefix = "##", maxInputCharsPerWord = 100): string[] {
  const chars = [...word];
  if (chars.length > maxInputCharsPerWord) return [unkToken];
  const tokens: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: string | undefined;
    while (start < end) {
      const piece = (start > 0 ? prefix : "") + chars.slice(start, end).join("");
      if (vocab.has(piece)) {
        found = piece;
        break;
      }
      end--;
    }
    if (found === undefined) return [unkToken];
    tokens.push(found);
    start = end;
  }
  return tokens;
}

/**
 * The vocabulary trie with LinMaxMatch failure links and failure pops. Edges are UTF-16 units and
 * live in one open-addressing hash table keyed by (node, unit), which is compact and fast to build.
 */
class LinMaxMatchTrie {
  /** Vocab token id ending at each node, or NONE. */
  token: Int32Array;
  /** f(v): where matching continues after v's failure pops, or NONE (the word is [UNK]). */
  fail: Int32Array;
  /** F(v) as a slice of `pops`: the tokens greedy matching emits when leaving v. */
  popStart: Int32Array;
  popLen: Int32Array;
  pops: Int32Array;
  /** Length in UTF-16 units of each vocabulary token. */
  length: Int32Array;
  private nodes = 2;
  private keyNode: Int32Array;
  private keyUnit: Uint16Array;
  private value: Int32Array;
  private mask: number;
  // Children lists, for the breadth-first pass.
  private firstChild: Int32Array;
  private nextSibling: Int32Array;
  private edgeUnit: Uint16Array;

  constructor(vocab: Vocab, prefix: string) {
    // At most one node per unit of every inserted string; the hash table stays under ~75% full.
    let maxNodes = 2;
    for (const t of vocab.tokens) {
      if (t === undefined) continue;
      maxNodes += t.length;
      if (t.length > prefix.length && t.startsWith(prefix)) maxNodes += t.length - prefix.length;
    }
    let cap = 1024;
    while (cap < maxNodes * 1.3) cap *= 2;
    this.mask = cap - 1;
    this.keyNode = new Int32Array(cap).fill(-1);
    this.keyUnit = new Uint16Array(cap);
    this.value = new Int32Array(cap);
    this.token = new Int32Array(maxNodes).fill(NONE);
    this.firstChild = new Int32Array(maxNodes).fill(NONE);
    this.nextSibling = new Int32Array(maxNodes).fill(NONE);
    this.edgeUnit = new Uint16Array(maxNodes);
    this.length = new Int32Array(vocab.size);

    const tokens = vocab.tokens;
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t === undefined) continue;
      this.length[id] = t.length;
      this.insert(ROOT, t, 0, id);
      if (t.length > prefix.length && t.startsWith(prefix)) this.insert(SUFFIX_ROOT, t, prefix.length, id);
    }

    const n = this.nodes;
    const fail = (this.fail = new Int32Array(n).fill(NONE));
    const popStart = (this.popStart = new Int32Array(n));
    const popLen = (this.popLen = new Int32Array(n));
    const tokenAt = this.token;
    const firstChild = this.firstChild;
    const nextSibling = this.nextSibling;
    const edgeUnit = this.edgeUnit;
    let pops = new Int32Array(Math.max(1024, 2 * n));
    let nPops = 0;
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    queue[tail++] = ROOT;
    queue[tail++] = SUFFIX_ROOT;
    while (head < tail) {
      const u = queue[head++];
      for (let v = firstChild[u]; v !== NONE; v = nextSibling[v]) {
        queue[tail++] = v;
        if (tokenAt[v] !== NONE) {
          // A complete token: emit it, continue with "##" + whatever follows.
          if (nPops + 1 > pops.length) pops = grow(pops, nPops + 1);
          popStart[v] = nPops;
          popLen[v] = 1;
          pops[nPops++] = tokenAt[v];
          fail[v] = SUFFIX_ROOT;
          continue;
        }
        // Otherwise greedy matching would emit u's pops, then back off along u's failure
        // links (emitting theirs) until some state can take the character c.
        let z = fail[u];
        if (z === NONE) continue;
        const c = edgeUnit[v];
        const begin = nPops;
        let len = popLen[u];
        if (nPops + len > pops.length) pops = grow(pops, nPops + len);
        pops.copyWithin(nPops, popStart[u], popStart[u] + len);
        nPops += len;
        let next = this.child(z, c);
        while (next === 0) {
          len = popLen[z];
          if (nPops + len > pops.length) pops = grow(pops, nPops + len);
          pops.copyWithin(nPops, popStart[z], popStart[z] + len);
          nPops += len;
          z = fail[z];
          if (z === NONE) break;
          next = this.child(z, c);
        }
        if (z === NONE) {
          nPops = begin;
          continue;
        }
        fail[v] = next;
        popStart[v] = begin;
        popLen[v] = nPops - begin;
      }
    }
    this.pops = pops.subarray(0, nPops);
    // The build-time children lists are not needed for matching.
    this.firstChild = this.nextSibling = new Int32Array(0);
    this.edgeUnit = new Uint16Array(0);
  }

  /** The child of `node` along UTF-16 unit `unit`, or 0 when there is none (0 is never a child). */
  child(node: number, unit: number): number {
    const mask = this.mask;
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(unit + 1, 0x85ebca6b)) >>> 0;
    h = (h ^ (h >>> 15)) & mask;
    const keyNode = this.keyNode;
    for (;;) {
      const k = keyNode[h];
      if (k === node && this.keyUnit[h] === unit) return this.value[h];
      if (k === -1) return 0;
      h = (h + 1) & mask;
    }
  }

  private insert(root: number, token: string, from: number, id: number): void {
    const mask = this.mask;
    const keyNode = this.keyNode;
    const keyUnit = this.keyUnit;
    const value = this.value;
    let u = root;
    for (let i = from; i < token.length; i++) {
      const c = token.charCodeAt(i);
      // One probe sequence both finds an existing edge and, failing that, the slot for a new one.
      let h = (Math.imul(u, 0x9e3779b1) ^ Math.imul(c + 1, 0x85ebca6b)) >>> 0;
      h = (h ^ (h >>> 15)) & mask;
      let v = 0;
      for (;;) {
        const k = keyNode[h];
        if (k === -1) break;
        if (k === u && keyUnit[h] === c) {
          v = value[h];
          break;
        }
        h = (h + 1) & mask;
      }
      if (v === 0) {
        v = this.nodes++;
        keyNode[h] = u;
        keyUnit[h] = c;
        value[h] = v;
        this.edgeUnit[v] = c;
        this.nextSibling[v] = this.firstChild[u];
        this.firstChild[u] = v;
      }
      u = v;
    }
    this.token[u] = id;
  }
}

function grow(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(a.length * 2, atLeast));
  b.set(a);
  return b;
}
