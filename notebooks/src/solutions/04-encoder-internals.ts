// %% [markdown] id=intro
// # 04 · Exercises: inside the encoder
//
// Three questions, **7 points** in all, on the pieces you built in lesson 04:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | scaled dot-product attention with an `input_mask` | 3 |
// | Q2 | the multi-head split and merge | 2 |
// | Q3 | LayerNorm | 2 |
//
// Fill in each `// YOUR CODE HERE` (delete the `throw` line), run the cell, then run the test cell below it:
// `await check("q1")` shows which tests pass and, for a failing one, what was expected and what your code gave.
// The grader runs more (hidden) tests of the same behaviour, so make your function right, not just the examples.
//
// Work with TensorFlow.js operations (`tf.matMul`, `tf.softmax`, `tf.reshape`, `tf.transpose`, `tf.mean`, ...).

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";
import { ready, scaledDotProductAttention, layerNorm } from "bertlab";
await ready();

/** A reproducible random tensor for the tests. */
const randn = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, "float32", seed);
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

// %% [markdown] id=q1-text
// ## Q1 · Scaled dot-product attention with a mask (3 points)
//
// Write `maskedAttention(q, k, v, inputMask)` for one sequence and several heads:
// - `q`, `k`, `v` have shape `[heads, S, d]`;
// - `inputMask` has length `S`: 1 for a real token, 0 for padding (BERT's polarity: **1 = attend**);
// - return `{ probs, context }`: `probs = softmax(q·kᵀ/√d + additive mask)` with shape `[heads, S, S]`, and
//   `context = probs · v` with shape `[heads, S, d]`.
//
// Turn the mask into BERT's additive form: 0 where the key may be attended to, −10000 at padding, added to every row
// of scores. Hint: `tf.matMul(a, b, false, true)` multiplies by the transpose of `b`.

// %% solution id=q1-solution
function maskedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, inputMask: number[]): { probs: tf.Tensor3D; context: tf.Tensor3D } {
  // BEGIN SOLUTION
  const d = q.shape[2];
  const additive = tf.tensor1d(inputMask.map((m) => (1 - m) * -10000));
  const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), additive);
  const probs = tf.softmax(scores) as tf.Tensor3D;
  return { probs, context: tf.matMul(probs, v) };
  // END SOLUTION
}

// %% test id=q1 points=3
describe("q1", () => {
  const [heads, S, d] = [2, 5, 4];
  const q = randn([heads, S, d], 1) as tf.Tensor3D;
  const k = randn([heads, S, d], 2) as tf.Tensor3D;
  const v = randn([heads, S, d], 3) as tf.Tensor3D;
  const reference = (mask: number[]) => {
    const additive = tf.tensor1d(mask.map((m) => (1 - m) * -10000)).reshape([1, 1, 1, S]);
    const out = scaledDotProductAttention(
      q.expandDims(0) as tf.Tensor4D, tf.transpose(k, [0, 2, 1]).expandDims(0) as tf.Tensor4D, v.expandDims(0) as tf.Tensor4D, additive, 0, false);
    return { probs: out.probs.squeeze([0]), context: out.context.squeeze([0]) };
  };
  it("returns probs of shape [heads, S, S] and context of shape [heads, S, d]", () => {
    const out = maskedAttention(q, k, v, [1, 1, 1, 1, 1]);
    assert.deepStrictEqual(out.probs.shape, [heads, S, S], "probs has the wrong shape: one row of S weights per query and head");
    assert.deepStrictEqual(out.context.shape, [heads, S, d], "context has the wrong shape: probs · v");
  });
  it("each row of probs sums to 1", () => {
    const sums = values(tf.sum(maskedAttention(q, k, v, [1, 1, 1, 0, 0]).probs, -1));
    closeTo(sums, new Array(heads * S).fill(1), { atol: 1e-5 }, `row sums are ${sums.map((s) => s.toFixed(3)).join(", ")}; apply tf.softmax over the last axis`);
  });
  it("gives (almost) no weight to padding, mask [1, 1, 1, 0, 0]", () => {
    const probs = maskedAttention(q, k, v, [1, 1, 1, 0, 0]).probs.arraySync() as number[][][];
    const onPadding = Math.max(...probs.flatMap((head) => head.map((row) => row[3] + row[4])));
    assert.ok(onPadding < 1e-6, `up to ${onPadding.toFixed(4)} of a row's weight falls on the padded keys 3 and 4: is 1 "attend" and 0 "padding"?`);
  });
  it("matches the library without padding", () => {
    closeTo(values(maskedAttention(q, k, v, [1, 1, 1, 1, 1]).probs), values(reference([1, 1, 1, 1, 1]).probs), { atol: 1e-5 },
      "probs differ from softmax(q·kᵀ/√d): did you scale by 1/√d with d = q.shape[2]?");
  });
  // BEGIN HIDDEN TESTS
  it("matches the library's probs with padding", () => {
    closeTo(values(maskedAttention(q, k, v, [1, 1, 0, 1, 0]).probs), values(reference([1, 1, 0, 1, 0]).probs), { atol: 1e-5 });
  });
  it("matches the library's context with padding", () => {
    closeTo(values(maskedAttention(q, k, v, [1, 1, 1, 1, 0]).context), values(reference([1, 1, 1, 1, 0]).context), { atol: 1e-5 });
  });
  it("works for one head of size 8", () => {
    const q1 = randn([1, 3, 8], 7) as tf.Tensor3D;
    const expected = tf.softmax(tf.div(tf.matMul(q1, q1, false, true), Math.sqrt(8)));
    closeTo(values(maskedAttention(q1, q1, q1, [1, 1, 1]).probs), values(expected), { atol: 1e-5 });
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Splitting into heads and merging back (2 points)
//
// Write `splitHeads(x, heads)` and `mergeHeads(x)`:
// - `splitHeads` takes `x` of shape `[S, H]` and returns `[heads, S, d]` with d = H / heads, where head `h` holds the
//   columns `h·d … h·d + d − 1` of every token: `out[h][s][j] = x[s][h·d + j]`;
// - `mergeHeads` is its inverse: `[heads, S, d]` → `[S, H]`.
//
// A plain `reshape([heads, S, d])` has the right shape but the wrong content: think about which axis to swap.

// %% solution id=q2-solution
function splitHeads(x: tf.Tensor2D, heads: number): tf.Tensor3D {
  // BEGIN SOLUTION
  const [S, H] = x.shape;
  return tf.transpose(x.reshape([S, heads, H / heads]), [1, 0, 2]) as tf.Tensor3D;
  // END SOLUTION
}

function mergeHeads(x: tf.Tensor3D): tf.Tensor2D {
  // BEGIN SOLUTION
  const [heads, S, d] = x.shape;
  return tf.transpose(x, [1, 0, 2]).reshape([S, heads * d]) as tf.Tensor2D;
  // END SOLUTION
}

// %% test id=q2 points=2
describe("q2", () => {
  const x = tf.tensor2d(Array.from({ length: 3 * 8 }, (_, i) => i), [3, 8]); // x[s][c] = 8s + c
  it("splitHeads gives [heads, S, d]", () => {
    assert.deepStrictEqual(splitHeads(x, 4).shape, [4, 3, 2]);
  });
  it("head 1 of token 2 holds columns 2 and 3", () => {
    const out = splitHeads(x, 4).arraySync() as number[][][];
    closeTo(out[1][2], [18, 19], {}, `out[1][2] should be x[2][2..3] = [18, 19]; got [${out[1][2]}]. A reshape alone mixes tokens: transpose after reshaping to [S, heads, d]`);
  });
  // BEGIN HIDDEN TESTS
  it("mergeHeads gives [S, H]", () => {
    assert.deepStrictEqual(mergeHeads(splitHeads(x, 2)).shape, [3, 8]);
  });
  it("merge(split(x)) is x", () => {
    const y = randn([5, 12], 11) as tf.Tensor2D;
    closeTo(values(mergeHeads(splitHeads(y, 3))), values(y), { atol: 0 });
  });
  it("every entry: out[h][s][j] = x[s][h·d + j]", () => {
    const out = splitHeads(x, 2).arraySync() as number[][][];
    for (let h = 0; h < 2; h++) for (let s = 0; s < 3; s++) for (let j = 0; j < 4; j++) assert.strictEqual(out[h][s][j], 8 * s + h * 4 + j);
  });
  it("mergeHeads is not just a reshape", () => {
    const heads = tf.tensor3d(Array.from({ length: 2 * 3 * 2 }, (_, i) => i), [2, 3, 2]);
    closeTo(values(mergeHeads(heads)), [0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11], { atol: 0 });
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · LayerNorm (2 points)
//
// Write `myLayerNorm(x, gamma, beta, eps)`: normalise every vector along the **last** axis to mean 0 and variance 1,
// then scale by `gamma` and shift by `beta`:
//
// (x − mean) / √(variance + eps) · gamma + beta
//
// with the *biased* variance (divide by H, not H − 1), as BERT does. `x` may have any rank.

// %% solution id=q3-solution
function myLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  // BEGIN SOLUTION
  const mean = tf.mean(x, -1, true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
  // END SOLUTION
}

// %% test id=q3 points=2
describe("q3", () => {
  it("normalises [1, 2, 3] (gamma 1, beta 0)", () => {
    const out = values(myLayerNorm(tf.tensor2d([[1, 2, 3]]), tf.ones([3]), tf.zeros([3]), 1e-12));
    const s = Math.sqrt(2 / 3);
    closeTo(out, [-1 / s, 0, 1 / s], { atol: 1e-5 }, `got [${out.map((v) => v.toFixed(4))}]; the variance of [1, 2, 3] is 2/3 (divide by 3, not 2)`);
  });
  it("matches the library on a random [2, 4, 6] tensor", () => {
    const x = randn([2, 4, 6], 21);
    const gamma = randn([6], 22);
    const beta = randn([6], 23);
    closeTo(values(myLayerNorm(x, gamma, beta, 1e-12)), values(layerNorm(x, gamma, beta, 1e-12)), { atol: 1e-5 });
  });
  // BEGIN HIDDEN TESTS
  it("uses eps inside the square root", () => {
    const x = tf.tensor1d([0, 2]);
    closeTo(values(myLayerNorm(x, tf.ones([2]), tf.zeros([2]), 1)), [-1 / Math.SQRT2, 1 / Math.SQRT2], { atol: 1e-5 });
  });
  it("applies gamma and beta per feature", () => {
    const x = tf.tensor2d([[1, 3]]);
    closeTo(values(myLayerNorm(x, tf.tensor1d([2, 3]), tf.tensor1d([10, 20]), 1e-12)), [8, 23], { atol: 1e-4 });
  });
  it("keeps the input's shape", () => {
    assert.deepStrictEqual(myLayerNorm(randn([3, 2, 4], 5), tf.ones([4]), tf.zeros([4]), 1e-12).shape, [3, 2, 4]);
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=outro
// That is all for 04. With these three pieces and two dense layers you have the whole self-attention sub-layer of
// BERT; lesson 04 shows how they combine with the feed-forward network into one encoder layer.
