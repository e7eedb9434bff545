// %% [markdown] id=intro
// # Exercises 02 · Tokenization
//
// Four questions, **9 points** in all. They follow lesson `02-tokenization`: count pairs, do one BPE merge,
// score pairs the WordPiece way, and tokenize a word with greedy longest-match-first.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the check cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader runs these
// tests and a few hidden ones (edge cases, exact values) on your functions, so make them work for any input, not
// only for the examples. Do not rename the functions.
//
// Throughout, a corpus is given as **splits** (each word mapped to its current list of symbols) and **counts**
// (each word mapped to how often it occurs), as in the lesson:

// %% id=setup
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";
import { trainBpe, trainWordPiece, maxMatch, Vocab } from "bertlab";

type Splits = Map<string, string[]>;
type Counts = Map<string, number>;

const exampleCounts: Counts = new Map([["hug", 10], ["pug", 5], ["pun", 12], ["bun", 4], ["hugs", 5]]);
const exampleSplits = (): Splits => new Map([...exampleCounts.keys()].map((w) => [w, [...w]]));
exampleSplits()

// %% [markdown] id=q1-text
// ## Q1 · Pair frequencies (2 points)
//
// Write `countPairs(splits, counts)`: a `Map` from each adjacent pair, written as `"a b"` (the two symbols with one
// space between), to its frequency: the sum over words of (occurrences of the pair in the word) × (the word's
// count). A word whose symbols repeat a pair counts it each time (`a a a` has the pair `a a` twice).
// Only pairs that occur appear in the map.

// %% solution id=q1-solution
function countPairs(splits: Splits, counts: Counts): Map<string, number> {
  // BEGIN SOLUTION
  const freqs = new Map<string, number>();
  for (const [word, symbols] of splits) {
    const n = counts.get(word) ?? 0;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]} ${symbols[i + 1]}`;
      freqs.set(key, (freqs.get(key) ?? 0) + n);
    }
  }
  return freqs;
  // END SOLUTION
}

// %% test id=q1 points=2
describe("q1", () => {
  it("counts the pairs of the hug/pug/pun/bun/hugs corpus", () => {
    const got = countPairs(exampleSplits(), exampleCounts);
    assert.deepStrictEqual(Object.fromEntries(got), { "h u": 15, "u g": 20, "p u": 17, "u n": 16, "b u": 4, "g s": 5 });
  }, "for each word, walk over positions i and i+1 of its symbols and add the word's count to that pair");
  // BEGIN HIDDEN TESTS
  it("counts a repeated pair once per occurrence", () => {
    const got = countPairs(new Map([["aaa", ["a", "a", "a"]]]), new Map([["aaa", 3]]));
    assert.deepStrictEqual(Object.fromEntries(got), { "a a": 6 });
  });
  it("works on merged symbols and ignores one-symbol words", () => {
    const got = countPairs(new Map([["hugs", ["hug", "s"]], ["a", ["a"]]]), new Map([["hugs", 2], ["a", 9]]));
    assert.deepStrictEqual(Object.fromEntries(got), { "hug s": 2 });
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · One BPE merge (2 points)
//
// Write `mergePair(splits, a, b)`: a **new** `Map` where, in every word, each adjacent `a`, `b` (left to right,
// not overlapping) is replaced by the single symbol `a + b`. Leave the input `splits` unchanged.
// Together with Q1 this is one BPE training step: count, take the most frequent pair, merge it.

// %% solution id=q2-solution
function mergePair(splits: Splits, a: string, b: string): Splits {
  // BEGIN SOLUTION
  const out: Splits = new Map();
  for (const [word, symbols] of splits) {
    const merged: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
        merged.push(a + b);
        i++;
      } else merged.push(symbols[i]);
    }
    out.set(word, merged);
  }
  return out;
  // END SOLUTION
}

// %% test id=q2 points=2
describe("q2", () => {
  it("merges u + g in every word", () => {
    const got = mergePair(exampleSplits(), "u", "g");
    assert.deepStrictEqual(Object.fromEntries(got), { hug: ["h", "ug"], pug: ["p", "ug"], pun: ["p", "u", "n"], bun: ["b", "u", "n"], hugs: ["h", "ug", "s"] });
  }, "build a new symbol list per word: when symbols[i] === a and symbols[i+1] === b push a + b and skip one");
  // BEGIN HIDDEN TESTS
  it("does not change its input", () => {
    const input = exampleSplits();
    mergePair(input, "u", "g");
    assert.deepStrictEqual(input.get("hug"), ["h", "u", "g"]);
  });
  it("merges left to right without overlap (a a a -> aa a)", () => {
    assert.deepStrictEqual(mergePair(new Map([["aaa", ["a", "a", "a"]]]), "a", "a").get("aaa"), ["aa", "a"]);
  });
  it("replaying trainBpe's merges with mergePair gives the library's tokens", () => {
    const counts: Counts = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3]]);
    const text = [...counts].map(([w, n]) => Array(n).fill(w).join(" ")).join(" ");
    const lib = trainBpe(text, { vocabSize: 5 + 11 + 6, endOfWordSuffix: "" });
    let splits: Splits = new Map([...counts.keys()].map((w) => [w, [...w]]));
    for (const [a, b] of lib.merges) splits = mergePair(splits, a, b);
    for (const w of counts.keys()) assert.deepStrictEqual(splits.get(w), lib.tokenizer.tokenize(w), `word ${w}`);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · WordPiece pair scores (2 points)
//
// Write `wordPieceScores(splits, counts)`: a `Map` from each pair `"a b"` to
// freq(ab) / (freq(a) × freq(b)), where freq(ab) is the pair frequency of Q1 and freq(a) the number of times the
// symbol `a` occurs in the corpus (occurrences in each word × the word's count). You may call `countPairs`.

// %% solution id=q3-solution
function wordPieceScores(splits: Splits, counts: Counts): Map<string, number> {
  // BEGIN SOLUTION
  const single = new Map<string, number>();
  for (const [word, symbols] of splits) for (const s of symbols) single.set(s, (single.get(s) ?? 0) + (counts.get(word) ?? 0));
  const scores = new Map<string, number>();
  for (const [key, f] of countPairs(splits, counts)) {
    const [a, b] = key.split(" ");
    scores.set(key, f / ((single.get(a) as number) * (single.get(b) as number)));
  }
  return scores;
  // END SOLUTION
}

// %% test id=q3 points=2
const wpExample = (): Splits => new Map([...exampleCounts.keys()].map((w) => [w, [...w].map((c, i) => (i > 0 ? "##" + c : c))]));
describe("q3", () => {
  it("scores ##g ##s as 5 / (20 × 5) = 0.05", () => {
    closeTo(wordPieceScores(wpExample(), exampleCounts).get("##g ##s"), 0.05);
  }, "freq(##g) is 20 (hug ×10, pug ×5, hugs ×5) and freq(##s) is 5; divide the pair's frequency by their product");
  // BEGIN HIDDEN TESTS
  it("scores every pair of the example", () => {
    const got = wordPieceScores(wpExample(), exampleCounts);
    assert.deepStrictEqual([...got.keys()].sort(), ["##g ##s", "##u ##g", "##u ##n", "b ##u", "h ##u", "p ##u"]);
    for (const k of ["h ##u", "##u ##g", "p ##u", "##u ##n", "b ##u"]) closeTo(got.get(k), 1 / 36, { atol: 1e-12 });
  });
  it("matches trainWordPiece's first merge and score on another corpus", () => {
    const counts: Counts = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3], ["slow", 4]]);
    const text = [...counts].map(([w, n]) => Array(n).fill(w).join(" ")).join(" ");
    const first = trainWordPiece(text, { vocabSize: 60 }).history[0];
    const splits: Splits = new Map([...counts.keys()].map((w) => [w, [...w].map((c, i) => (i > 0 ? "##" + c : c))]));
    const scores = wordPieceScores(splits, counts);
    closeTo(scores.get(first.pair.join(" ")), first.score, { atol: 1e-12 });
    const best = Math.max(...scores.values());
    closeTo(best, first.score, { atol: 1e-12 });
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=q4-text
// ## Q4 · Greedy longest-match-first (3 points)
//
// Write `greedyLongestMatch(word, vocab)`: BERT's WordPiece tokenization of one word. Take the longest prefix of
// the word that is in `vocab`; then, from where it ended, the longest piece that is in `vocab` **written with a
// `##` prefix**; and so on to the end of the word. If at some point no piece matches, return `["[UNK]"]` for the
// whole word. Count characters as code points (`[...word]`), so Korean and emoji work.
// Write the loop yourself; the tests compare it with bertlab's `maxMatch`.

// %% solution id=q4-solution
function greedyLongestMatch(word: string, vocab: Set<string>): string[] {
  // BEGIN SOLUTION
  const chars = [...word];
  const pieces: string[] = [];
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
    if (piece === undefined) return ["[UNK]"];
    pieces.push(piece);
    start = end;
  }
  return pieces;
  // END SOLUTION
}

// %% test id=q4 points=3
const q4Vocab = new Set(["[UNK]", "un", "una", "##aff", "##ffa", "##able", "##ble", "##a", "##f", "play", "##ing", "##s", "p", "##l"]);
describe("q4", () => {
  it("tokenizes unaffable as una ##ffa ##ble", () => {
    assert.deepStrictEqual(greedyLongestMatch("unaffable", q4Vocab), ["una", "##ffa", "##ble"]);
  }, "the first piece is the longest prefix in vocab (\"una\", not \"un\"); every later piece is looked up with \"##\" in front");
  it("returns [UNK] for a word whose rest matches nothing", () => {
    assert.deepStrictEqual(greedyLongestMatch("playx", q4Vocab), ["[UNK]"]);
  }, "when no piece matches, the whole word is [\"[UNK]\"], not the pieces found so far");
  // BEGIN HIDDEN TESTS
  it("agrees with maxMatch on many words and a trained vocabulary", () => {
    const text = "playing players played unaffable affable unable tables label labelled hugging hugs 한국어 한국 국어 😀";
    const vocab = trainWordPiece(text, { vocabSize: 70, lowercase: false }).tokenizer.vocab;
    const asSet = new Set(vocab.tokens.filter((t): t is string => typeof t === "string"));
    for (const w of ["playing", "unaffable", "label", "labels", "hugs", "한국어", "국어한", "😀", "zebra", "p", "ppp"]) {
      assert.deepStrictEqual(greedyLongestMatch(w, asSet), maxMatch(w, vocab), `word ${w}`);
    }
  });
  it("prefers the longest first piece even when a shorter one leads to a full match", () => {
    assert.deepStrictEqual(greedyLongestMatch("una", new Set(["un", "una", "##a"])), ["una"]);
    assert.deepStrictEqual(greedyLongestMatch("unab", new Set(["un", "una", "##ab"])), ["[UNK]"]);
  });
  it("returns [] for the empty word", () => {
    assert.deepStrictEqual(greedyLongestMatch("", q4Vocab), []);
  });
  // END HIDDEN TESTS
});
await check("q4");

// %% [markdown] id=outro
// ## Done
//
// With all four checks green you have written the whole BPE training step, the WordPiece score, and BERT's
// tokenization loop. Submit this notebook as it is (the grader re-runs it from the top).
