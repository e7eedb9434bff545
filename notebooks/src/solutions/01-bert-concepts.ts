// %% [markdown] id=intro
// # Exercises 01 · What BERT is
//
// Three questions, **7 points** in all. They follow lesson `01-bert-concepts`: attention masks, the Masked LM
// 80/10/10 rule, and making Next Sentence Prediction pairs.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the check cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (other seeds, edge cases), so make your functions work for any input. Do not rename them.
// Random choices come from bertlab's seeded `Random` (methods `next()` in [0, 1), `int(n)` in [0, n),
// `shuffle(array)` in place), so that the same seed always gives the same answer.

// %% id=setup
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";
import { Random, maskTokens, type MaskingVocab, type MaskedSequence } from "bertlab";

const demoRng = new Random(42);
[demoRng.next(), demoRng.int(10), demoRng.shuffle([1, 2, 3, 4])]

// %% [markdown] id=q1-text
// ## Q1 · Attention masks (2 points)
//
// Write `attentionMask(inputMask, causal)`: the query × key matrix of 1 (may attend) and 0 (blocked) for one
// sequence. Row `q` is the query position, column `k` the key position. A key may be attended to only if it is a
// real token (`inputMask[k] === 1`) and, when `causal` is true, only if `k <= q` (left-to-right). When `causal` is
// false this is BERT's bidirectional mask.

// %% solution id=q1-solution
function attentionMask(inputMask: number[], causal: boolean): number[][] {
  // BEGIN SOLUTION
  return inputMask.map((_, q) => inputMask.map((m, k) => (m === 1 && (!causal || k <= q) ? 1 : 0)));
  // END SOLUTION
}

// %% test id=q1 points=2
describe("q1", () => {
  it("bidirectional mask of three tokens and one pad", () => {
    assert.deepStrictEqual(attentionMask([1, 1, 1, 0], false), [
      [1, 1, 1, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ]);
  }, "every query (row) may see every real key (column); padding columns are 0");
  it("causal mask of three tokens", () => {
    assert.deepStrictEqual(attentionMask([1, 1, 1], true), [
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
  }, "with causal = true, query q sees keys 0..q: a lower triangle");
  // BEGIN HIDDEN TESTS
  it("causal and padded together", () => {
    assert.deepStrictEqual(attentionMask([1, 1, 0, 0], true), [
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 0, 0],
    ]);
  });
  it("an empty sequence gives an empty matrix", () => {
    assert.deepStrictEqual(attentionMask([], true), []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · The 80/10/10 rule (3 points)
//
// Write `bertMask(ids, vocab, rng)` returning `{ inputIds, positions, labels }` exactly as the lesson built it:
//
// 1. Candidates are the positions whose id is not in `vocab.specialIds`. If there are none, return the ids
//    unchanged (a copy) with empty `positions` and `labels`.
// 2. `budget = max(1, round(0.15 × number of candidates))`.
// 3. Shuffle the candidate positions with `rng.shuffle` (in their original order before shuffling) and keep the
//    first `budget`; sort them ascending: these are `positions`. `labels` are the original ids there.
// 4. For each position in ascending order draw `r = rng.next()`: below 0.8 put `vocab.maskId`; below 0.9 put a
//    random id, drawing `rng.int(vocab.vocabSize)` again while it is a special id; otherwise leave the id.
//
// Do not change `ids`. The tests compare with bertlab's `maskTokens` on the same seed, so do not call it yourself.

// %% solution id=q2-solution
function bertMask(ids: number[], vocab: MaskingVocab, rng: Random): MaskedSequence {
  // BEGIN SOLUTION
  const candidates = ids.map((_, i) => i).filter((i) => !vocab.specialIds.has(ids[i]));
  if (candidates.length === 0) return { inputIds: ids.slice(), positions: [], labels: [] };
  const budget = Math.max(1, Math.round(candidates.length * 0.15));
  const positions = rng.shuffle(candidates.slice()).slice(0, budget).sort((a, b) => a - b);
  const inputIds = ids.slice();
  for (const p of positions) {
    const r = rng.next();
    if (r < 0.8) inputIds[p] = vocab.maskId;
    else if (r < 0.9) {
      let id = rng.int(vocab.vocabSize);
      while (vocab.specialIds.has(id)) id = rng.int(vocab.vocabSize);
      inputIds[p] = id;
    }
  }
  return { inputIds, positions, labels: positions.map((p) => ids[p]) };
  // END SOLUTION
}

// %% test id=q2 points=3
const q2Vocab: MaskingVocab = { maskId: 4, vocabSize: 50, specialIds: new Set([0, 1, 2, 3, 4]) };
const q2Ids = [2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 3];
describe("q2", () => {
  it("chooses 15% of the 20 candidates (3 positions), never [CLS] or [SEP]", () => {
    const got = bertMask(q2Ids, q2Vocab, new Random(1));
    assert.strictEqual(got.positions.length, 3);
    assert.ok(got.positions.every((p) => p > 0 && p < q2Ids.length - 1), `positions ${got.positions}`);
    assert.deepStrictEqual(got.labels, got.positions.map((p) => q2Ids[p]));
  }, "round(0.15 × 20) = 3; skip positions whose id is special; labels are the original ids at the chosen positions");
  it("equals maskTokens with seed 1", () => {
    assert.deepStrictEqual(bertMask(q2Ids, q2Vocab, new Random(1)), maskTokens(q2Ids, q2Vocab, new Random(1)));
  }, "follow the draw order exactly: one shuffle of the candidate positions, then one rng.next() per chosen position (ascending), then rng.int draws only for random replacements");
  // BEGIN HIDDEN TESTS
  it("equals maskTokens on 200 seeds and lengths", () => {
    for (let seed = 0; seed < 200; seed++) {
      const len = 3 + (seed % 40);
      const ids = [2, ...Array.from({ length: len }, (_, i) => 5 + ((i * 7 + seed) % 45)), 3, 0, 0];
      assert.deepStrictEqual(bertMask(ids, q2Vocab, new Random(seed)), maskTokens(ids, q2Vocab, new Random(seed)), `seed ${seed}`);
    }
  });
  it("returns an unchanged copy when every id is special", () => {
    const ids = [2, 3, 0];
    const got = bertMask(ids, q2Vocab, new Random(0));
    assert.deepStrictEqual(got, { inputIds: [2, 3, 0], positions: [], labels: [] });
    assert.notStrictEqual(got.inputIds, ids);
  });
  it("does not change its input", () => {
    const ids = q2Ids.slice();
    bertMask(ids, q2Vocab, new Random(5));
    assert.deepStrictEqual(ids, q2Ids);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Next Sentence Prediction pairs (2 points)
//
// Write `nspExample(corpus, d, i, rng)`: the NSP example whose sentence A is `corpus[d][i]` (document `d`,
// sentence `i`, which always has a next sentence). Draw `rng.next()` once: if it is below 0.5, B is the actual next
// sentence `corpus[d][i + 1]` with label `"IsNext"`. Otherwise B is a random sentence from a **different**
// document, label `"NotNext"`: draw the document with `rng.int(corpus.length)`, drawing again while it equals `d`,
// then the sentence with `rng.int(that document's length)`.

// %% solution id=q3-solution
function nspExample(corpus: string[][], d: number, i: number, rng: Random): { a: string; b: string; label: "IsNext" | "NotNext" } {
  // BEGIN SOLUTION
  const a = corpus[d][i];
  if (rng.next() < 0.5) return { a, b: corpus[d][i + 1], label: "IsNext" };
  let other = rng.int(corpus.length);
  while (other === d) other = rng.int(corpus.length);
  return { a, b: corpus[other][rng.int(corpus[other].length)], label: "NotNext" };
  // END SOLUTION
}

// %% test id=q3 points=2
const q3Corpus = [
  ["I lost my card.", "I called the bank.", "They blocked it."],
  ["It rained all day.", "We stayed inside."],
  ["김장을 했어요.", "배추를 절였어요.", "맛있었어요."],
];
describe("q3", () => {
  it("gives IsNext about half the time, with the true next sentence", () => {
    const rng = new Random(3);
    let isNext = 0;
    for (let n = 0; n < 2000; n++) {
      const ex = nspExample(q3Corpus, 0, 1, rng);
      assert.strictEqual(ex.a, "I called the bank.");
      if (ex.label === "IsNext") {
        isNext++;
        assert.strictEqual(ex.b, "They blocked it.");
      }
    }
    closeTo(isNext / 2000, 0.5, { atol: 0.05 });
  }, "draw rng.next() once; below 0.5 return corpus[d][i + 1] with label \"IsNext\"");
  it("takes NotNext sentences from other documents only", () => {
    const rng = new Random(4);
    for (let n = 0; n < 500; n++) {
      const ex = nspExample(q3Corpus, 2, 0, rng);
      if (ex.label === "NotNext") assert.ok(!q3Corpus[2].includes(ex.b), `"${ex.b}" is from the same document`);
    }
  }, "draw the document again while it equals d");
  // BEGIN HIDDEN TESTS
  it("follows the draw order exactly", () => {
    const reference = (d: number, i: number, rng: Random) => {
      const a = q3Corpus[d][i];
      if (rng.next() < 0.5) return { a, b: q3Corpus[d][i + 1], label: "IsNext" };
      let other = rng.int(q3Corpus.length);
      while (other === d) other = rng.int(q3Corpus.length);
      return { a, b: q3Corpus[other][rng.int(q3Corpus[other].length)], label: "NotNext" };
    };
    for (let seed = 0; seed < 100; seed++) {
      const mine = new Random(seed);
      const ref = new Random(seed);
      for (const [d, i] of [[0, 0], [1, 0], [2, 1], [0, 1]]) assert.deepStrictEqual(nspExample(q3Corpus, d, i, mine), reference(d, i, ref), `seed ${seed}, document ${d}, sentence ${i}`);
    }
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=outro
// ## Done
//
// With the three checks green you have written BERT's two pretraining data recipes. Submit this notebook as it is
// (the grader re-runs it from the top).
