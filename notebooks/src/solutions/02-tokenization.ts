// %% [markdown] id=intro
// # Exercises 02 · Tokenization
//
// Three questions, **8 points**: 6 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `02-tokenization`, but change what the lesson printed: BPE with another tie-break rule, and WordPiece's
// greedy longest-match that also says where each piece came from.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader runs these
// tests and a few hidden ones (edge cases, exact values) on your functions, so make them work for any input, not
// only for the examples. Do not rename the functions.

// %% id=setup
// The lesson's toy corpus: each word and how often it occurs.
const exampleCounts = new Map<string, number>([["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]]);
exampleCounts

// %% [markdown] id=q1-text
// ## Q1 · BPE with a different tie-break (3 points)
//
// Lesson 02 trained BPE merge by merge, breaking ties by the order in which symbols first appeared. Write
// `bpeMerges(counts, numMerges)`: BPE training from scratch with **another** rule, returning the merges in order
// as `[a, b]` pairs.
//
// - Every word starts as its list of characters (code points: `[...word]`).
// - A pair's frequency is the sum over words of (occurrences of the adjacent pair in the word) × (the word's count).
// - Each step merges the most frequent pair. On a tie, the pair whose merged symbol `a + b` is **shorter** wins;
//   if still tied, the pair whose key `` `${a} ${b}` `` is smaller as a JavaScript string (`<`) wins.
// - Merging replaces, in every word, each adjacent `a`, `b` (left to right, not overlapping) with `a + b`.
// - Stop after `numMerges` merges, or earlier when no pair occurs at least twice.
//
// *Predict first:* on the lesson's corpus, is the first merge the same as the lesson's? Which step is the first
// where the two tie rules disagree?

// %% solution id=q1-solution
function bpeMerges(counts: Map<string, number>, numMerges: number): Array<[string, string]> {
  // BEGIN SOLUTION
  let splits = new Map<string, string[]>([...counts.keys()].map((w) => [w, [...w]]));
  const merges: Array<[string, string]> = [];
  while (merges.length < numMerges) {
    const freqs = new Map<string, { pair: [string, string]; freq: number }>();
    for (const [word, symbols] of splits) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        const entry = freqs.get(key) ?? { pair: [symbols[i], symbols[i + 1]] as [string, string], freq: 0 };
        entry.freq += counts.get(word) ?? 0;
        freqs.set(key, entry);
      }
    }
    let best: { key: string; pair: [string, string]; freq: number } | undefined;
    for (const [key, { pair, freq }] of freqs) {
      if (freq < 2) continue;
      const length = [...pair[0] + pair[1]].length;
      const bestLength = best ? [...best.pair[0] + best.pair[1]].length : 0;
      if (!best || freq > best.freq || (freq === best.freq && (length < bestLength || (length === bestLength && key < best.key)))) best = { key, pair, freq };
    }
    if (!best) break;
    const [a, b] = best.pair;
    const next = new Map<string, string[]>();
    for (const [word, symbols] of splits) {
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]);
      }
      next.set(word, merged);
    }
    splits = next;
    merges.push([a, b]);
  }
  return merges;
  // END SOLUTION
}

// %% test id=q1 points=3
import assert from "node:assert";
import { describe, it, check } from "bertlab/check";

describe("q1", () => {
  it("the lesson's corpus, 4 merges", () => {
    assert.deepStrictEqual(bpeMerges(exampleCounts, 4), [["u", "g"], ["u", "n"], ["h", "ug"], ["p", "un"]]);
  }, "count each pair over all words times the word's count, merge the best everywhere, and count again: u g (20), then u n (16), then h ug (15); after that p un (12) and p ug (5)... compare frequency first");
  it("ties go to the shorter merged symbol, then to the smaller key", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["xyz", 2], ["zz", 2]]), 3), [["x", "y"], ["z", "z"], ["xy", "z"]]);
  }, "x y, y z and z z all occur twice: merged length 2 each, so the smaller key \"x y\" wins; next \"xy z\" and \"z z\" tie on frequency and \"zz\" is shorter than \"xyz\"");
  it("the key decides between equally long merges, not the order of appearance", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["ba", 2], ["ab", 2]]), 1), [["a", "b"]]);
  }, "\"a b\" < \"b a\" as strings, even though b appears first in the corpus");
  // BEGIN HIDDEN TESTS
  const reference = (counts: Map<string, number>, numMerges: number): Array<[string, string]> => {
    let splits = [...counts].map(([w, n]) => ({ symbols: [...w], n }));
    const merges: Array<[string, string]> = [];
    while (merges.length < numMerges) {
      const freqs = new Map<string, number>();
      for (const { symbols, n } of splits) for (let i = 0; i + 1 < symbols.length; i++) freqs.set(JSON.stringify([symbols[i], symbols[i + 1]]), (freqs.get(JSON.stringify([symbols[i], symbols[i + 1]])) ?? 0) + n);
      const ranked = [...freqs]
        .filter(([, f]) => f >= 2)
        .map(([k, f]) => ({ pair: JSON.parse(k) as [string, string], f }))
        .sort((x, y) => y.f - x.f || [...x.pair.join("")].length - [...y.pair.join("")].length || (x.pair.join(" ") < y.pair.join(" ") ? -1 : 1));
      if (ranked.length === 0) break;
      const [a, b] = ranked[0].pair;
      splits = splits.map(({ symbols, n }) => {
        const out: string[] = [];
        for (let i = 0; i < symbols.length; i++) {
          if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
            out.push(a + b);
            i++;
          } else out.push(symbols[i]);
        }
        return { symbols: out, n };
      });
      merges.push([a, b]);
    }
    return merges;
  };
  it("agrees with the rule on the lesson's corpus to the end", () => {
    assert.deepStrictEqual(bpeMerges(exampleCounts, 50), reference(exampleCounts, 50));
  });
  it("agrees on a larger corpus with many ties", () => {
    const counts = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3], ["slow", 4], ["lowest", 2], ["new", 3], ["wide", 3]]);
    assert.deepStrictEqual(bpeMerges(counts, 30), reference(counts, 30));
  });
  it("merges left to right without overlap and counts repeated pairs", () => {
    const counts = new Map([["aaaa", 1], ["aaa", 1]]);
    assert.deepStrictEqual(bpeMerges(counts, 5), reference(counts, 5));
  });
  it("handles Korean and emoji as single code points", () => {
    const counts = new Map([["한국어", 3], ["한국", 2], ["😀😀", 2]]);
    assert.deepStrictEqual(bpeMerges(counts, 4), reference(counts, 4));
  });
  it("stops when no pair occurs twice", () => {
    assert.deepStrictEqual(bpeMerges(new Map([["ab", 1], ["cd", 1]]), 3), []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Longest-match-first, with offsets (3 points)
//
// The lesson's `greedyLongestMatch` returned the pieces of a word. A tokenizer must also say **where** each piece
// came from, so that a prediction on a piece can be mapped back to the text (Hugging Face's `offset_mapping`).
// Write `piecesWithOffsets(word, vocab)` returning one `{ piece, start, end }` per piece, where `start`/`end` are
// code-point positions in the word (`end` exclusive):
//
// - Take the longest prefix of the word that is in `vocab`; then, from where it ended, the longest piece that is in
//   `vocab` written with a `##` prefix; and so on to the end of the word.
// - If at some point no piece matches, the whole word is one `{ piece: "[UNK]", start: 0, end: <word length> }`.
// - Like BERT (`max_input_chars_per_word`), a word longer than **100** code points is `[UNK]` without trying.
// - The empty word has no pieces.
//
// The hidden tests compare your pieces with bertlab's `maxMatch`, so write the loop yourself: calling `maxMatch`
// scores zero.

// %% solution id=q2-solution
function piecesWithOffsets(word: string, vocab: Set<string>): Array<{ piece: string; start: number; end: number }> {
  // BEGIN SOLUTION
  const chars = [...word];
  if (chars.length > 100) return [{ piece: "[UNK]", start: 0, end: chars.length }];
  const pieces: Array<{ piece: string; start: number; end: number }> = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let piece: string | undefined;
    for (; end > start; end--) {
      const candidate = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
      if (vocab.has(candidate)) {
        piece = candidate;
        break;
      }
    }
    if (piece === undefined) return [{ piece: "[UNK]", start: 0, end: chars.length }];
    pieces.push({ piece, start, end });
    start = end;
  }
  return pieces;
  // END SOLUTION
}

// %% test id=q2 points=3
import assert from "node:assert";
import { describe, it, check, referenceLibrary } from "bertlab/check";

// bertlab for the tests; your function must not call maxMatch itself.
const lib = referenceLibrary("q2", { without: ["maxMatch"] });
const q2Vocab = new Set(["[UNK]", "un", "una", "##aff", "##ffa", "##able", "##ble", "##a", "##f", "play", "##ing", "##s", "p", "##l", "한", "##국", "##어"]);
describe("q2", () => {
  it("unaffable is una ##ffa ##ble at 0-3, 3-6, 6-9", () => {
    assert.deepStrictEqual(piecesWithOffsets("unaffable", q2Vocab), [
      { piece: "una", start: 0, end: 3 },
      { piece: "##ffa", start: 3, end: 6 },
      { piece: "##ble", start: 6, end: 9 },
    ]);
  }, "the first piece is the longest prefix in vocab (\"una\", not \"un\"); later pieces are looked up with \"##\" in front, and start/end count characters of the word, not of the piece");
  it("a word whose rest matches nothing is one [UNK] covering the word", () => {
    assert.deepStrictEqual(piecesWithOffsets("playx", q2Vocab), [{ piece: "[UNK]", start: 0, end: 5 }]);
  }, "when no piece matches, return only [UNK] for the whole word, not the pieces found so far");
  it("offsets count code points: 한국어", () => {
    assert.deepStrictEqual(piecesWithOffsets("한국어", q2Vocab), [
      { piece: "한", start: 0, end: 1 },
      { piece: "##국", start: 1, end: 2 },
      { piece: "##어", start: 2, end: 3 },
    ]);
  }, "split the word with [...word], not word.length or word[i]");
  // BEGIN HIDDEN TESTS
  it("agrees with maxMatch on a trained vocabulary", () => {
    const text = "playing players played unaffable affable unable tables label labelled hugging hugs 한국어 한국 국어 😀";
    const vocab = lib.trainWordPiece(text, { vocabSize: 70, lowercase: false }).tokenizer.vocab;
    const asSet = new Set(vocab.tokens.filter((t): t is string => typeof t === "string"));
    for (const w of ["playing", "unaffable", "label", "labels", "hugs", "한국어", "국어한", "😀", "zebra", "p", "ppp", "a".repeat(101)]) {
      const got = piecesWithOffsets(w, asSet);
      assert.deepStrictEqual(got.map((p) => p.piece), lib.maxMatch(w, vocab), `word ${w.length > 20 ? `of ${w.length} characters` : w}`);
      const chars = [...w];
      for (const p of got) if (p.piece !== "[UNK]") assert.strictEqual(p.piece.replace(/^##/, ""), chars.slice(p.start, p.end).join(""), `offsets of ${p.piece} in ${w}`);
    }
  });
  it("a word of more than 100 characters is [UNK] even when it could be split", () => {
    const long = "p".repeat(101);
    assert.deepStrictEqual(piecesWithOffsets(long, new Set(["p", "##p"])), [{ piece: "[UNK]", start: 0, end: 101 }]);
    assert.strictEqual(piecesWithOffsets("p".repeat(100), new Set(["p", "##p"])).length, 100);
  });
  it("prefers the longest first piece even when a shorter one leads to a full match", () => {
    assert.deepStrictEqual(piecesWithOffsets("unab", new Set(["un", "una", "##ab"])), [{ piece: "[UNK]", start: 0, end: 4 }]);
  });
  it("returns [] for the empty word", () => {
    assert.deepStrictEqual(piecesWithOffsets("", q2Vocab), []);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// In the lesson, BPE's first merge on the toy corpus was `u g` (frequency 20), while WordPiece's score
// freq(ab) / (freq(a) × freq(b)) picked `##g ##s` (frequency 5). In two to four sentences, using those numbers:
// why does the score prefer a rarer pair, and what kind of vocabulary does that produce compared with BPE?

// %% [markdown] solution id=q3-answer points=2
// The score divides by how common the two parts are: `##g` occurs 20 times and `##s` only 5, and every `##s` is
// preceded by `##g`, so 5 / (20 × 5) = 0.05 beats `##u ##g`'s 20 / (36 × 20) ≈ 0.028, whose parts also occur in
// many other pairs. WordPiece merges pairs whose parts almost always occur together (a likelihood gain), not the
// most frequent pair, so it builds rare but "sticky" pieces early and keeps frequent building blocks such as
// `##u` separate longer than BPE would.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you have trained BPE under a tie rule of your own and written the lookup that BERT's
// tokenizer runs on every word, offsets included. Submit this notebook as it is (the grader re-runs it from the top).
