// %% [markdown] id=intro
// # 05 · Exercises: building pretraining data and the masked-LM loss
//
// Three questions, **7 points** in all:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | the 80/10/10 masking rule with a seeded random generator | 3 |
// | Q2 | a masked-LM loss that ignores unmasked positions | 2 |
// | Q3 | an NSP pair `[CLS] A [SEP] B [SEP]` with truncation | 2 |
//
// Fill in each `// YOUR CODE HERE` (delete the `throw` line), run the cell, then the test cell below it. The grader
// also runs hidden tests of the same behaviour.

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";
import { ready, Random, maskTokens, buildPairInput } from "bertlab";
await ready();

// %% [markdown] id=q1-text
// ## Q1 · The 80/10/10 masking rule (3 points)
//
// Write `mask8010(ids, specialIds, maskId, vocabSize, rng)`. It returns `{ inputIds, positions, labels }`, exactly as
// bertlab's `maskTokens` does, drawing from `rng` **in this order**, so that the same seed gives the same result:
// 1. the candidates are the positions whose id is not in `specialIds`, in ascending order;
// 2. `budget = Math.max(1, Math.round(0.15 · number of candidates))`;
// 3. shuffle a copy of the candidates with `rng.shuffle(...)`, keep the first `budget`, sort them ascending: these are
//    `positions`, and `labels` are the original ids there;
// 4. for each chosen position in ascending order draw `r = rng.next()`: if r < 0.8 put `maskId`; else if r < 0.9 put a
//    random id, drawing `rng.int(vocabSize)` again until it is not special; else leave the token unchanged.
//
// `inputIds` is a new array: do not modify `ids`. (With no candidates at all, return no positions.)

// %% solution id=q1-solution
function mask8010(ids: number[], specialIds: Set<number>, maskId: number, vocabSize: number, rng: Random): { inputIds: number[]; positions: number[]; labels: number[] } {
  // BEGIN SOLUTION
  const candidates = ids.map((_, i) => i).filter((i) => !specialIds.has(ids[i]));
  if (candidates.length === 0) return { inputIds: ids.slice(), positions: [], labels: [] };
  const budget = Math.max(1, Math.round(0.15 * candidates.length));
  const positions = rng.shuffle(candidates.slice()).slice(0, budget).sort((a, b) => a - b);
  const inputIds = ids.slice();
  for (const p of positions) {
    const r = rng.next();
    if (r < 0.8) inputIds[p] = maskId;
    else if (r < 0.9) {
      let id = rng.int(vocabSize);
      while (specialIds.has(id)) id = rng.int(vocabSize);
      inputIds[p] = id;
    }
  }
  return { inputIds, positions, labels: positions.map((p) => ids[p]) };
  // END SOLUTION
}

// %% test id=q1 points=3
describe("q1", () => {
  // A toy vocabulary: 0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK], 4..99 words.
  const specials = new Set([0, 1, 2, 3]);
  const vocab = { maskId: 3, vocabSize: 100, specialIds: specials };
  const sequence = (seed: number, n: number): number[] => {
    const r = new Random(seed);
    return [1, ...Array.from({ length: n }, () => 4 + r.int(96)), 2];
  };
  it("chooses round(15%) of the non-special positions and never [CLS]/[SEP]", () => {
    const ids = sequence(1, 40);
    const out = mask8010(ids, specials, 3, 100, new Random(5));
    assert.strictEqual(out.positions.length, 6, `40 candidates · 0.15 = 6 positions, got ${out.positions.length}`);
    assert.ok(!out.positions.includes(0) && !out.positions.includes(41), "a special token ([CLS] at 0 or [SEP] at 41) was chosen");
  });
  it("labels are the original ids, and ids is left untouched", () => {
    const ids = sequence(2, 20);
    const copy = ids.slice();
    const out = mask8010(ids, specials, 3, 100, new Random(6));
    assert.deepStrictEqual(ids, copy, "mask8010 changed its input array; copy it first");
    assert.deepStrictEqual(out.labels, out.positions.map((p) => copy[p]));
  });
  it("the same seed gives what maskTokens gives (seed 11)", () => {
    const ids = sequence(3, 30);
    assert.deepStrictEqual(mask8010(ids, specials, 3, 100, new Random(11)), maskTokens(ids, vocab, new Random(11)),
      "follow the draw order of the question: shuffle, then one rng.next() per chosen position in ascending order");
  });
  // BEGIN HIDDEN TESTS
  it("matches maskTokens for 20 seeds and lengths", () => {
    for (let seed = 0; seed < 20; seed++) {
      const ids = sequence(100 + seed, 5 + seed * 3);
      assert.deepStrictEqual(mask8010(ids, specials, 3, 100, new Random(seed)), maskTokens(ids, vocab, new Random(seed)));
    }
  });
  it("splits about 80/10/10 over many sequences", () => {
    const rng = new Random(99);
    let masked = 0, same = 0, total = 0;
    for (let s = 0; s < 300; s++) {
      const ids = sequence(1000 + s, 60);
      const out = mask8010(ids, specials, 3, 100, rng);
      out.positions.forEach((p, k) => {
        total++;
        if (out.inputIds[p] === 3) masked++;
        else if (out.inputIds[p] === out.labels[k]) same++;
      });
    }
    closeTo(masked / total, 0.8, { atol: 0.03 });
    closeTo(same / total, 0.1 + 0.1 / 96, { atol: 0.03 });
  });
  it("a sequence of only special tokens gets no positions", () => {
    assert.deepStrictEqual(mask8010([1, 2], specials, 3, 100, new Random(1)).positions, []);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · A masked-LM loss that ignores unmasked positions (2 points)
//
// Write `maskedLmLoss(logits, labels)`:
// - `logits` has shape `[N, V]`: the MLM head's scores at N token positions;
// - `labels` has length N: the original token id at a masked position, and **−100** at positions that were not
//   masked (the convention of Hugging Face's `BertForMaskedLM`);
// - return the mean cross-entropy over the masked positions only, as a plain number.
//
// Hint: `tf.logSoftmax`, then pick each masked row's entry at its label.

// %% solution id=q2-solution
function maskedLmLoss(logits: tf.Tensor2D, labels: number[]): number {
  // BEGIN SOLUTION
  const rows = labels.map((l, i) => (l === -100 ? -1 : i)).filter((i) => i >= 0);
  if (rows.length === 0) return 0;
  return tf.tidy(() => {
    const picked = tf.gather(tf.logSoftmax(logits), rows);
    const oneHot = tf.oneHot(rows.map((i) => labels[i]), logits.shape[1]);
    return -tf.mean(tf.sum(tf.mul(picked, oneHot), -1)).dataSync()[0];
  });
  // END SOLUTION
}

// %% test id=q2 points=2
describe("q2", () => {
  it("a uniform guess over 4 classes costs ln 4", () => {
    closeTo(maskedLmLoss(tf.zeros([3, 4]) as tf.Tensor2D, [1, -100, 2]), Math.log(4), { atol: 1e-5 });
  });
  it("counts only the masked positions", () => {
    // Row 0 is masked with label 0 and a confident right guess; row 1 is unmasked and badly wrong.
    const logits = tf.tensor2d([[10, 0, 0], [0, 0, 10]]);
    const expected = -Math.log(Math.exp(10) / (Math.exp(10) + 2));
    closeTo(maskedLmLoss(logits, [0, -100]), expected, { atol: 1e-5 }, "the unmasked row (label -100) must not count");
  });
  // BEGIN HIDDEN TESTS
  it("equals softmax cross-entropy over the masked rows of a random batch", () => {
    const logits = tf.randomNormal([6, 10], 0, 2, "float32", 4) as tf.Tensor2D;
    const labels = [3, -100, 7, -100, -100, 0];
    const ref = tf.losses.softmaxCrossEntropy(tf.oneHot([3, 7, 0], 10), tf.gather(logits, [0, 2, 5])).dataSync()[0];
    closeTo(maskedLmLoss(logits, labels), ref, { atol: 1e-5 });
  });
  it("changing unmasked rows does not change the loss", () => {
    const a = tf.randomNormal([4, 5], 0, 1, "float32", 8) as tf.Tensor2D;
    const b = tf.concat([a.slice([0, 0], [2, 5]), tf.randomNormal([2, 5], 0, 5, "float32", 9)]) as tf.Tensor2D;
    closeTo(maskedLmLoss(a, [1, 2, -100, -100]), maskedLmLoss(b, [1, 2, -100, -100]), { atol: 1e-6 });
  });
  it("returns a number", () => {
    assert.strictEqual(typeof maskedLmLoss(tf.zeros([1, 2]) as tf.Tensor2D, [1]), "number");
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · An NSP pair with truncation (2 points)
//
// Write `buildPair(tokensA, tokensB, clsId, sepId, maxLength)` returning `{ inputIds, segmentIds }` for
// `[CLS] A [SEP] B [SEP]`: segment id 0 for `[CLS]`, A and the first `[SEP]`, 1 for B and the last `[SEP]`.
// If the pair is longer than `maxLength` tokens in all, first shorten it: while it is too long, drop the **last** token
// of the longer segment (of B when both are equally long). Do not modify the input arrays.

// %% solution id=q3-solution
function buildPair(tokensA: number[], tokensB: number[], clsId: number, sepId: number, maxLength: number): { inputIds: number[]; segmentIds: number[] } {
  // BEGIN SOLUTION
  const a = tokensA.slice();
  const b = tokensB.slice();
  while (a.length + b.length + 3 > maxLength) {
    if (a.length > b.length) a.pop();
    else b.pop();
  }
  const inputIds = [clsId, ...a, sepId, ...b, sepId];
  return { inputIds, segmentIds: inputIds.map((_, i) => (i < a.length + 2 ? 0 : 1)) };
  // END SOLUTION
}

// %% test id=q3 points=2
describe("q3", () => {
  it("builds [CLS] A [SEP] B [SEP] with segment ids", () => {
    assert.deepStrictEqual(buildPair([10, 11], [20], 1, 2, 64), { inputIds: [1, 10, 11, 2, 20, 2], segmentIds: [0, 0, 0, 0, 1, 1] });
  });
  it("truncates the longer segment from its end", () => {
    assert.deepStrictEqual(buildPair([10, 11, 12, 13], [20], 1, 2, 6).inputIds, [1, 10, 11, 2, 20, 2]);
  });
  // BEGIN HIDDEN TESTS
  it("matches buildPairInput when nothing is truncated", () => {
    const a = [5, 6, 7];
    const b = [8, 9];
    assert.deepStrictEqual(buildPair(a, b, 101, 102, 64), buildPairInput({ tokensA: a, tokensB: b }, 101, 102));
  });
  it("drops from B when both are equally long", () => {
    assert.deepStrictEqual(buildPair([10, 11], [20, 21], 1, 2, 6), { inputIds: [1, 10, 11, 2, 20, 2], segmentIds: [0, 0, 0, 0, 1, 1] });
  });
  it("alternates between segments down to the limit", () => {
    const out = buildPair([10, 11, 12, 13, 14], [20, 21, 22, 23, 24, 25], 1, 2, 9);
    assert.deepStrictEqual(out.inputIds, [1, 10, 11, 12, 2, 20, 21, 22, 2]);
  });
  it("leaves its inputs untouched", () => {
    const a = [10, 11, 12, 13];
    buildPair(a, [20], 1, 2, 5);
    assert.deepStrictEqual(a, [10, 11, 12, 13]);
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=outro
// That is all for 05. These three pieces are what `makePretrainingBatch` combines for every batch of lesson 05's run.
