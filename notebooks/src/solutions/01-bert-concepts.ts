// %% [markdown] id=intro
// # Exercises 01 · What BERT is
//
// Three questions, **7 points**: 5 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `01-bert-concepts`, but ask for what the lesson did not build: a third attention pattern, and the
// masked-LM rule applied to whole words.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (other seeds, edge cases), so make your functions work for any input. Do not rename them.
// Random choices come from bertlab's seeded `Random` (methods `next()` in [0, 1), `int(n)` in [0, n),
// `shuffle(array)` in place, returning the array), so that the same seed always gives the same answer.

// %% id=setup
import { Random } from "bertlab";

const demoRng = new Random(42);
[demoRng.next(), demoRng.int(10), demoRng.shuffle([1, 2, 3, 4])]

// %% [markdown] id=q1-text
// ## Q1 · A prefix-LM attention mask (2 points)
//
// The lesson drew two masks: BERT's bidirectional one, where every token sees every token, and the causal
// (left-to-right) one. Models such as UniLM and T5's "prefix LM" mix them: the first `prefixLength` positions
// (the prompt) see each other in both directions, and every later position sees the whole prefix plus the
// positions up to itself.
//
// Write `prefixLmMask(inputMask, prefixLength)`: the query × key matrix of 1 (may attend) and 0 (blocked) for one
// sequence. Row `q` is the query, column `k` the key. Key `k` is visible to query `q` when it is a real token
// (`inputMask[k] === 1`) **and** either lies in the prefix (`k < prefixLength`) or is not in the future (`k <= q`).
//
// *Before you run the tests, predict:* which mask do you get with `prefixLength = 0`? And with `prefixLength`
// equal to the sequence length?

// %% solution id=q1-solution
function prefixLmMask(inputMask: number[], prefixLength: number): number[][] {
  // BEGIN SOLUTION
  return inputMask.map((_, q) => inputMask.map((m, k) => (m === 1 && (k < prefixLength || k <= q) ? 1 : 0)));
  // END SOLUTION
}

// %% test id=q1 points=2
import assert from "node:assert";
import { describe, it, check } from "bertlab/check";

describe("q1", () => {
  it("a prefix of 2 in 4 real tokens", () => {
    assert.deepStrictEqual(prefixLmMask([1, 1, 1, 1], 2), [
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
  }, "rows 0 and 1 (the prefix) see both prefix positions, row 0 included; rows after the prefix see the prefix and keys up to themselves");
  it("padding columns are always 0", () => {
    assert.deepStrictEqual(prefixLmMask([1, 1, 1, 0], 1), [
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ]);
  }, "a key with inputMask[k] === 0 is blocked for every query, even inside the prefix or in the past");
  // BEGIN HIDDEN TESTS
  it("prefixLength 0 is the causal mask and a full prefix the bidirectional one", () => {
    const n = 5;
    const real = new Array(n).fill(1);
    assert.deepStrictEqual(prefixLmMask(real, 0), real.map((_, q) => real.map((__, k) => (k <= q ? 1 : 0))));
    assert.deepStrictEqual(prefixLmMask(real, n), real.map(() => real.slice()));
    assert.deepStrictEqual(prefixLmMask(real, n + 3), real.map(() => real.slice()));
  });
  it("a prefix with padding inside it", () => {
    assert.deepStrictEqual(prefixLmMask([1, 0, 1, 1, 0], 3), [
      [1, 0, 1, 0, 0],
      [1, 0, 1, 0, 0],
      [1, 0, 1, 0, 0],
      [1, 0, 1, 1, 0],
      [1, 0, 1, 1, 0],
    ]);
  });
  it("an empty sequence gives an empty matrix", () => {
    assert.deepStrictEqual(prefixLmMask([], 2), []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Whole-word masking (3 points)
//
// The lesson masked single WordPieces. In 2019 Google released BERT models trained with **whole-word masking**:
// when one piece of a word is chosen, every piece of that word is. (Masking only `##able` of `un ##aff ##able`
// leaves an easy puzzle.) Write `wholeWordMask(tokens, replacements, rng)` returning `{ tokens, positions, labels }`:
//
// 1. A token written like `[CLS]` (capital letters in square brackets) is special and never chosen. Every other
//    token starts a new word, unless it starts with `##` and a word is already open, in which case it joins that
//    word. A word is the list of its positions.
// 2. `budget = max(1, round(0.15 × number of non-special tokens))`. If there are no words, return a copy of the
//    tokens with empty `positions` and `labels`.
// 3. Shuffle the list of words with `rng.shuffle` (words in sentence order before shuffling). Go through the
//    shuffled words: stop once you have `budget` positions; **skip** a word whose positions would take you over
//    the budget; otherwise take all its positions. (This is what Google's `create_pretraining_data.py` does.)
// 4. Sort the chosen positions ascending: these are `positions`; `labels` are the original tokens there.
// 5. For each position in ascending order draw `r = rng.next()`: below 0.8 put `"[MASK]"`; below 0.9 put
//    `replacements[rng.int(replacements.length)]`; otherwise leave the token.
//
// Do not change the input array. bertlab's `maskTokens` has a `wholeWord` option; write the loop yourself: calling
// `maskTokens` scores zero.

// %% solution id=q2-solution
function wholeWordMask(tokens: string[], replacements: string[], rng: Random): { tokens: string[]; positions: number[]; labels: string[] } {
  // BEGIN SOLUTION
  const special = (t: string) => /^\[[A-Z]+\]$/.test(t);
  const words: number[][] = [];
  let open = false;
  tokens.forEach((t, i) => {
    if (special(t)) {
      open = false;
      return;
    }
    if (t.startsWith("##") && open) words[words.length - 1].push(i);
    else {
      words.push([i]);
      open = true;
    }
  });
  if (words.length === 0) return { tokens: tokens.slice(), positions: [], labels: [] };
  const budget = Math.max(1, Math.round(0.15 * tokens.filter((t) => !special(t)).length));
  const chosen: number[] = [];
  for (const word of rng.shuffle(words)) {
    if (chosen.length >= budget) break;
    if (chosen.length + word.length > budget) continue;
    chosen.push(...word);
  }
  chosen.sort((a, b) => a - b);
  const out = tokens.slice();
  for (const p of chosen) {
    const r = rng.next();
    if (r < 0.8) out[p] = "[MASK]";
    else if (r < 0.9) out[p] = replacements[rng.int(replacements.length)];
  }
  return { tokens: out, positions: chosen, labels: chosen.map((p) => tokens[p]) };
  // END SOLUTION
}

// %% test id=q2 points=3
import assert from "node:assert";
import { describe, it, check, referenceLibrary } from "bertlab/check";
import { Random } from "bertlab";

// bertlab's maskTokens has a wholeWord option: the answer must be the student's own loop, not a call to it.
referenceLibrary("q2", { without: ["maskTokens"] });

const q2Sentence = ["[CLS]", "the", "un", "##aff", "##able", "dog", "##s", "ran", "to", "the", "park", "and", "sat", "down", "by", "the", "big", "tree", "##s", "[SEP]"];
const q2Replacements = ["cat", "sky", "blue", "run"];
describe("q2", () => {
  it("seed 7 masks the whole word un ##aff ##able", () => {
    const got = wholeWordMask(q2Sentence, q2Replacements, new Random(7));
    assert.deepStrictEqual(got.positions, [2, 3, 4]);
    assert.deepStrictEqual(got.labels, ["un", "##aff", "##able"]);
  }, "group ## pieces with the word before them, shuffle the list of words once, take whole words up to the budget (18 non-special tokens: round(2.7) = 3)");
  it("never splits a word and never exceeds the budget", () => {
    for (let seed = 0; seed < 50; seed++) {
      const got = wholeWordMask(q2Sentence, q2Replacements, new Random(seed));
      assert.ok(got.positions.length >= 1 && got.positions.length <= 3, `seed ${seed}: ${got.positions.length} positions for a budget of 3`);
      for (const word of [[2, 3, 4], [5, 6], [17, 18]]) {
        const taken = word.filter((p) => got.positions.includes(p)).length;
        assert.ok(taken === 0 || taken === word.length, `seed ${seed}: positions [${got.positions}] take part of the word at [${word}]`);
      }
    }
  }, "a word whose positions do not all fit is skipped, not cut; [CLS] and [SEP] are never chosen");
  // BEGIN HIDDEN TESTS
  const reference = (tokens: string[], replacements: string[], rng: Random) => {
    const special = (t: string) => /^\[[A-Z]+\]$/.test(t);
    const words: number[][] = [];
    let open = false;
    tokens.forEach((t, i) => {
      if (special(t)) open = false;
      else if (t.startsWith("##") && open) words[words.length - 1].push(i);
      else {
        words.push([i]);
        open = true;
      }
    });
    if (words.length === 0) return { tokens: tokens.slice(), positions: [] as number[], labels: [] as string[] };
    const budget = Math.max(1, Math.round(0.15 * tokens.filter((t) => !special(t)).length));
    const chosen: number[] = [];
    for (const word of rng.shuffle(words)) {
      if (chosen.length >= budget) break;
      if (chosen.length + word.length <= budget) chosen.push(...word);
    }
    chosen.sort((a, b) => a - b);
    const out = tokens.slice();
    for (const p of chosen) {
      const r = rng.next();
      if (r < 0.8) out[p] = "[MASK]";
      else if (r < 0.9) out[p] = replacements[rng.int(replacements.length)];
    }
    return { tokens: out, positions: chosen, labels: chosen.map((p) => tokens[p]) };
  };
  it("follows the draw order exactly on 300 seeds and sentences", () => {
    const pieces = ["a", "b", "##c", "##d", "e", "##f", "g", "h", "##i", "j"];
    for (let seed = 0; seed < 300; seed++) {
      const r = new Random(1000 + seed);
      const tokens = ["[CLS]", ...Array.from({ length: 3 + (seed % 30) }, () => pieces[r.int(pieces.length)]), "[SEP]", ...(seed % 3 === 0 ? ["[PAD]", "[PAD]"] : [])];
      assert.deepStrictEqual(wholeWordMask(tokens, q2Replacements, new Random(seed)), reference(tokens, q2Replacements, new Random(seed)), `seed ${seed}`);
    }
  });
  it("a ## piece right after [CLS] starts a word of its own", () => {
    const tokens = ["[CLS]", "##x", "##y", "[SEP]"];
    assert.deepStrictEqual(wholeWordMask(tokens, q2Replacements, new Random(3)), reference(tokens, q2Replacements, new Random(3)));
  });
  it("only special tokens: an unchanged copy", () => {
    const tokens = ["[CLS]", "[SEP]"];
    const got = wholeWordMask(tokens, q2Replacements, new Random(0));
    assert.deepStrictEqual(got, { tokens: ["[CLS]", "[SEP]"], positions: [], labels: [] });
    assert.notStrictEqual(got.tokens, tokens);
  });
  it("does not change its input", () => {
    const tokens = q2Sentence.slice();
    wholeWordMask(tokens, q2Replacements, new Random(5));
    assert.deepStrictEqual(tokens, q2Sentence);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// Your prefix-LM mask and BERT's mask differ only in which keys a position may see. In two to four sentences:
// why can BERT not be trained to predict the **next** word with its bidirectional mask, and what does a
// left-to-right or prefix-LM model gain that BERT gives up? Write your answer in the cell below.

// %% [markdown] solution id=q3-answer points=2
// With a bidirectional mask every position sees every other, including the word it would have to predict next,
// so "predict the next word" is trivially solved by copying; BERT therefore hides the words it predicts
// ([MASK]) instead. A left-to-right (or prefix-LM) model never sees the future, so it can be trained on every
// position at once and can generate text token by token; BERT gives that up in exchange for representations
// that use context on both sides, and learns from only the ~15% of positions it masks.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you have written a third attention pattern and the masking rule Google's later BERT
// models used. Submit this notebook as it is (the grader re-runs it from the top).
