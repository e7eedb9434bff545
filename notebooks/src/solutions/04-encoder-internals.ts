// %% [markdown] id=intro
// # 04 · Exercises: inside the encoder
//
// Four questions, **9 points**: 7 graded by the autograder, and 2 for one answer in words that your instructor grades by hand, on the pieces you
// built in lesson 04, each asked in a form the lesson did not print:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | attention with PyTorch's mask polarity and an optional causal mask | 3 |
// | Q2 | the multi-head split and merge for *interleaved* heads | 2 |
// | Q3 | RMSNorm, LayerNorm's cheaper cousin | 2 |
// | Q4 | explain the 1/√d scaling | 2 (by hand) |
//
// Fill in each `// YOUR CODE HERE` (delete the `throw` line), run the cell, then run the test cell below it:
// `await check("q1")` shows which tests pass and, for a failing one, what was expected and what your code gave.
// The grader runs more (hidden) tests of the same behaviour, so make your function right, not just the examples.
//
// Work with TensorFlow.js operations (`tf.matMul`, `tf.softmax`, `tf.reshape`, `tf.transpose`, `tf.mean`, ...).

// %% [markdown] lang=ko
// # 04 · 연습 문제: 인코더 내부
//
// 문제 네 개, **9점**이에요. 7점은 자동 채점기(autograder)가 채점하고, 2점은 글로 쓰는 답 하나에 대한 점수로
// 강사가 사람이 직접 채점해요. 모두 레슨 04에서 만든 조각들을 다루고, 문제마다 레슨에 나오지 않은 형태로 물어요.
//
// | 문제 | 작성할 것 | 점수 |
// |---|---|---|
// | Q1 | PyTorch의 마스크 극성(mask polarity)을 따르고, 인과 마스크(causal mask)를 선택적으로 쓰는 어텐션(attention) | 3 |
// | Q2 | *교차 배치된*(interleaved) 헤드를 위한 멀티헤드(multi-head) 나누기와 합치기 | 2 |
// | Q3 | 층 정규화(LayerNorm)보다 계산이 가벼운 사촌, RMSNorm | 2 |
// | Q4 | 1/√d 스케일링 설명하기 | 2 (사람이 직접 채점) |
//
// 각 `// YOUR CODE HERE`를 채우고(`throw` 줄은 지우세요) 셀을 실행한 다음, 바로 아래 테스트 셀을 실행해 보세요.
// `await check("q1")`은 어떤 테스트가 통과하는지 보여 주고, 실패한 테스트에 대해서는 무엇을 기대했는지와 여러분의
// 코드가 무엇을 냈는지 보여 줘요. 채점기는 같은 동작을 확인하는 (숨겨진) 테스트를 더 돌리므로, 예시만 맞추지 말고
// 함수 자체를 올바르게 만드세요.
//
// TensorFlow.js 연산(`tf.matMul`, `tf.softmax`, `tf.reshape`, `tf.transpose`, `tf.mean`, ...)으로 작성해 보세요.

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import { ready } from "bertlab";
await ready();

// %% [markdown] id=q1-text
// ## Q1 · Attention with PyTorch's mask, optionally causal (3 points)
//
// Lesson 04 used BERT's `input_mask` (1 = attend) turned into an additive mask. PyTorch's
// `nn.MultiheadAttention` takes the opposite polarity: `key_padding_mask` is **true where a key must be
// ignored**. Write `maskedAttention(q, k, v, keyPaddingMask, causal)` for one sequence and several heads:
//
// - `q`, `k`, `v` have shape `[heads, S, d]`; `keyPaddingMask` has length `S`;
// - key position `j` is blocked for query `i` when `keyPaddingMask[j]` is true, or when `causal` is true and `j > i`;
// - return `{ probs, context }`: `probs = softmax(q·kᵀ/√d + bias)` with shape `[heads, S, S]`, where `bias` is 0 for
//   an allowed key and −10000 for a blocked one, and `context = probs · v` with shape `[heads, S, d]`.
//
// Hint: `tf.matMul(a, b, false, true)` multiplies by the transpose of `b`; a `[S, S]` bias broadcasts over heads.
// The hidden tests compare with bertlab's `scaledDotProductAttention`, so do not call it.

// %% [markdown] lang=ko
// ## Q1 · PyTorch의 마스크를 쓰는 어텐션, 선택적으로 인과 마스크까지 (3점)
//
// 레슨 04에서는 BERT의 `input_mask`(1 = 어텐션함)를 덧셈 마스크(additive mask)로 바꿔서 썼어요. PyTorch의
// `nn.MultiheadAttention`은 극성이 반대예요. `key_padding_mask`는 **키(key)를 무시해야 하는 곳에서 true**예요.
// 시퀀스 하나와 헤드(head) 여러 개에 대해 `maskedAttention(q, k, v, keyPaddingMask, causal)`을 작성해 보세요.
//
// - `q`, `k`, `v`의 모양(shape)은 `[heads, S, d]`이고, `keyPaddingMask`의 길이는 `S`예요.
// - 쿼리(query) `i`에 대해 키 위치 `j`는 `keyPaddingMask[j]`가 true일 때, 또는 `causal`이 true이고 `j > i`일 때 막혀요.
// - `{ probs, context }`를 돌려줘요. `probs = softmax(q·kᵀ/√d + bias)`이고 모양은 `[heads, S, S]`예요. 여기서
//   `bias`는 허용된 키에서는 0, 막힌 키에서는 −10000이에요. `context = probs · v`이고 모양은 `[heads, S, d]`예요.
//
// 힌트: `tf.matMul(a, b, false, true)`는 `b`의 전치(transpose)를 곱해요. `[S, S]` 모양의 bias는 헤드에 걸쳐
// 브로드캐스트(broadcast)돼요. 숨겨진 테스트는 bertlab의 `scaledDotProductAttention`과 비교하므로, 그 함수는 호출하지 마세요.

// %% solution id=q1-solution
function maskedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, keyPaddingMask: boolean[], causal: boolean): { probs: tf.Tensor3D; context: tf.Tensor3D } {
  // BEGIN SOLUTION
  const S = keyPaddingMask.length;
  const bias = tf.tensor2d(Array.from({ length: S }, (_, i) => keyPaddingMask.map((ignore, j) => (ignore || (causal && j > i) ? -10000 : 0))), [S, S]);
  const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[2])), bias);
  const probs = tf.softmax(scores) as tf.Tensor3D;
  return { probs, context: tf.matMul(probs, v) };
  // END SOLUTION
}

// %% test id=q1 points=3
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo, referenceLibrary, localize } from "bertlab/check";

const lib = referenceLibrary("q1", { without: ["scaledDotProductAttention"] });
const randn = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, "float32", seed);
const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
describe("q1", () => {
  const [heads, S, d] = [2, 5, 4];
  const q = randn([heads, S, d], 1) as tf.Tensor3D;
  const k = randn([heads, S, d], 2) as tf.Tensor3D;
  const v = randn([heads, S, d], 3) as tf.Tensor3D;
  const none = [false, false, false, false, false];
  it("returns probs of shape [heads, S, S] and context of shape [heads, S, d]", () => {
    const out = maskedAttention(q, k, v, none, false);
    assert.deepStrictEqual(out.probs.shape, [heads, S, S], localize({ en: "probs has the wrong shape: one row of S weights per query and head", ko: "probs의 모양(shape)이 틀렸어요. 헤드와 쿼리마다 가중치 S개로 된 행이 하나씩 있어야 해요" }));
    assert.deepStrictEqual(out.context.shape, [heads, S, d], localize({ en: "context has the wrong shape: probs · v", ko: "context의 모양(shape)이 틀렸어요. probs · v의 모양이어야 해요" }));
  });
  it("true in keyPaddingMask means ignore", () => {
    const probs = maskedAttention(q, k, v, [false, false, false, true, true], false).probs.arraySync() as number[][][];
    const onIgnored = Math.max(...probs.flatMap((head) => head.map((row) => row[3] + row[4])));
    assert.ok(onIgnored < 1e-6, localize({ en: `up to ${onIgnored.toFixed(4)} of a row's weight falls on keys 3 and 4, which are marked true: in PyTorch's polarity true means "ignore", the opposite of BERT's input_mask`, ko: `한 행의 가중치가 true로 표시된 키 3과 4에 최대 ${onIgnored.toFixed(4)}만큼 실려요. PyTorch의 극성(polarity)에서 true는 "무시"라는 뜻으로, BERT의 input_mask와 반대예요` }));
  });
  it("matches softmax(q·kᵀ/√d) when nothing is masked", () => {
    const got = maskedAttention(q, k, v, none, false).probs;
    const expected = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)));
    const rows = got.arraySync() as number[][][];
    const uniform = rows.every((head) => head.every((row) => row.every((p) => Math.abs(p - 1 / S) < 1e-6)));
    closeTo(values(got), values(expected), { atol: 1e-5 }, uniform
      ? { en: "every row is uniform (1/S each): every key was blocked; with all-false keyPaddingMask and causal = false nothing should be", ko: "모든 행이 균등해요(각각 1/S): 모든 키가 막혔어요. keyPaddingMask가 모두 false이고 causal = false이면 아무것도 막히면 안 돼요" }
      : { en: "did you scale the scores by 1/√d, with d = q.shape[2], before the softmax over the last axis?", ko: "마지막 축의 소프트맥스 전에 점수를 1/√d(d = q.shape[2])로 나눴나요?" });
  });
  it("causal = true puts no weight on later keys", () => {
    const probs = maskedAttention(q, k, v, none, true).probs.arraySync() as number[][][];
    const future = Math.max(...probs.flatMap((head) => head.map((row, i) => row.slice(i + 1).reduce((a, b) => a + b, 0))));
    assert.ok(future < 1e-6, localize({ en: `up to ${future.toFixed(4)} of a row's weight falls on keys after the query: block key j for query i when j > i`, ko: `한 행의 가중치가 쿼리보다 뒤에 있는 키에 최대 ${future.toFixed(4)}만큼 실려요. j > i이면 쿼리 i에 대해 키 j를 막으세요` }));
  });
  // BEGIN HIDDEN TESTS
  const reference = (ignore: boolean[], causal: boolean) => {
    const bias = tf.tensor2d(Array.from({ length: S }, (_, i) => ignore.map((x, j) => (x || (causal && j > i) ? -10000 : 0))), [S, S]).reshape([1, 1, S, S]);
    const out = lib.scaledDotProductAttention(q.expandDims(0) as tf.Tensor4D, k.expandDims(0) as tf.Tensor4D, v.expandDims(0) as tf.Tensor4D, { mask: bias });
    return { probs: out.probs.squeeze([0]), context: out.context.squeeze([0]) };
  };
  it("matches the library's probs with padding", () => {
    const mask = [false, true, false, false, true];
    closeTo(values(maskedAttention(q, k, v, mask, false).probs), values(reference(mask, false).probs), { atol: 1e-5 });
  });
  it("matches the library's context with padding and a causal mask", () => {
    const mask = [false, false, false, false, true];
    closeTo(values(maskedAttention(q, k, v, mask, true).context), values(reference(mask, true).context), { atol: 1e-5 });
  });
  it("works for one head of size 8", () => {
    const q1 = randn([1, 3, 8], 7) as tf.Tensor3D;
    const expected = tf.softmax(tf.div(tf.matMul(q1, q1, false, true), Math.sqrt(8)));
    closeTo(values(maskedAttention(q1, q1, q1, [false, false, false], false).probs), values(expected), { atol: 1e-5 });
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Interleaved heads (2 points)
//
// The lesson gave head `h` a contiguous block of columns: `h·d … h·d + d − 1`. Some implementations
// (Mesh-TensorFlow's, for one) **interleave** them instead: with `heads` heads, column `c` belongs to head
// `c mod heads`. Write
//
// - `splitInterleaved(x, heads)`: `x` of shape `[S, H]` → `[heads, S, d]` with d = H / heads and
//   `out[h][s][j] = x[s][j·heads + h]`;
// - `mergeInterleaved(y)`: its inverse, `[heads, S, d]` → `[S, H]`.
//
// Throw an `Error` naming both numbers when `H` is not divisible by `heads`. *Predict first:* which reshape and
// which transpose order does this need, compared with the lesson's `[S, heads, d]` and `[1, 0, 2]`?

// %% [markdown] lang=ko
// ## Q2 · 교차 배치된 헤드 (2점)
//
// 레슨에서는 헤드 `h`에 연속된 열(column) 묶음 `h·d … h·d + d − 1`을 주었어요. 어떤 구현(예를 들어 Mesh-TensorFlow의
// 구현)은 대신 열을 **교차 배치**(interleave)해요. 헤드가 `heads`개이면 열 `c`는 헤드 `c mod heads`에 속해요.
// 다음을 작성해 보세요.
//
// - `splitInterleaved(x, heads)`: 모양이 `[S, H]`인 `x` → `[heads, S, d]`. 여기서 d = H / heads이고
//   `out[h][s][j] = x[s][j·heads + h]`예요.
// - `mergeInterleaved(y)`: 그 역연산, `[heads, S, d]` → `[S, H]`.
//
// `H`가 `heads`로 나누어떨어지지 않으면 두 수를 모두 밝힌 `Error`를 던지세요. *먼저 예측해 보세요:* 레슨의
// `[S, heads, d]`와 `[1, 0, 2]`에 비해, 여기에는 어떤 reshape와 어떤 전치 순서가 필요할까요?

// %% solution id=q2-solution
function splitInterleaved(x: tf.Tensor2D, heads: number): tf.Tensor3D {
  // BEGIN SOLUTION
  const [S, H] = x.shape;
  if (H % heads !== 0) throw new Error(`hidden size ${H} is not divisible by ${heads} heads`);
  return tf.transpose(x.reshape([S, H / heads, heads]), [2, 0, 1]) as tf.Tensor3D;
  // END SOLUTION
}

function mergeInterleaved(y: tf.Tensor3D): tf.Tensor2D {
  // BEGIN SOLUTION
  const [heads, S, d] = y.shape;
  return tf.transpose(y, [1, 2, 0]).reshape([S, d * heads]) as tf.Tensor2D;
  // END SOLUTION
}

// %% test id=q2 points=2
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";

describe("q2", () => {
  const x = tf.tensor2d(Array.from({ length: 3 * 8 }, (_, i) => i), [3, 8]); // x[s][c] = 8s + c
  it("splitInterleaved with 4 heads: head 1 of token 2 holds columns 1 and 5", () => {
    const out = splitInterleaved(x, 4);
    assert.deepStrictEqual(out.shape, [4, 3, 2]);
    const row = (out.arraySync() as number[][][])[1][2];
    closeTo(row, [17, 21], {}, { en: `out[1][2] should be x[2][1] and x[2][5] = [17, 21]; got [${row}]. Reshape to [S, d, heads], then move the heads axis first`, ko: `out[1][2]는 x[2][1]과 x[2][5], 곧 [17, 21]이어야 해요. 지금은 [${row}]예요. [S, d, heads]로 바꾼 다음 헤드 축을 맨 앞으로 옮기세요` });
  });
  it("mergeInterleaved puts every value back in its column", () => {
    const y = tf.tensor3d(Array.from({ length: 2 * 2 * 3 }, (_, i) => i), [2, 2, 3]); // 2 heads, 2 tokens, d = 3
    const got = Array.from(mergeInterleaved(y).dataSync());
    closeTo(got, [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11], { atol: 0 }, { en: `token 0 should read head 0 and head 1 alternately: [0, 6, 1, 7, 2, 8]; got [${got.slice(0, 6)}]`, ko: `토큰 0은 헤드 0과 헤드 1을 번갈아 읽어야 해요: [0, 6, 1, 7, 2, 8]. 지금은 [${got.slice(0, 6)}]예요` });
  });
  // BEGIN HIDDEN TESTS
  it("every entry: out[h][s][j] = x[s][j·heads + h]", () => {
    const out = splitInterleaved(x, 2).arraySync() as number[][][];
    for (let h = 0; h < 2; h++) for (let s = 0; s < 3; s++) for (let j = 0; j < 4; j++) assert.strictEqual(out[h][s][j], 8 * s + j * 2 + h);
  });
  it("merge(split(x)) is x", () => {
    const y = tf.randomNormal([5, 12], 0, 1, "float32", 11) as tf.Tensor2D;
    closeTo(Array.from(mergeInterleaved(splitInterleaved(y, 3)).dataSync()), Array.from(y.dataSync()), { atol: 0 });
    assert.deepStrictEqual(mergeInterleaved(splitInterleaved(y, 4)).shape, [5, 12]);
  });
  it("refuses a hidden size that heads do not divide", () => {
    assert.throws(() => splitInterleaved(x, 3), (e: unknown) => e instanceof Error && /8/.test(e.message) && /3/.test(e.message));
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · RMSNorm (2 points)
//
// LayerNorm subtracts the mean and divides by the standard deviation. **RMSNorm** (Zhang & Sennrich, 2019; used
// by T5 and LLaMA) skips the mean: it divides every vector along the last axis by its root mean square, then
// scales by `gamma` (there is no `beta`):
//
// x / √(mean(x²) + eps) · gamma
//
// Write `rmsNorm(x, gamma, eps)` for `x` of any rank. *Predict first:* for a vector whose mean is 0, how do
// RMSNorm and LayerNorm (gamma 1, beta 0) compare? The hidden tests compare with bertlab's `layerNorm`, so an
// answer that calls `layerNorm` scores zero.

// %% [markdown] lang=ko
// ## Q3 · RMSNorm (2점)
//
// LayerNorm은 평균(mean)을 빼고 표준편차(standard deviation)로 나눠요. **RMSNorm**(Zhang & Sennrich, 2019; T5와
// LLaMA가 사용)은 평균 빼기를 건너뛰어요. 마지막 축(axis)을 따라 모든 벡터를 그 벡터의 제곱평균제곱근(root mean
// square)으로 나눈 다음, `gamma`로 스케일링해요(`beta`는 없어요).
//
// x / √(mean(x²) + eps) · gamma
//
// 랭크(rank)가 몇이든 상관없는 `x`에 대해 `rmsNorm(x, gamma, eps)`를 작성해 보세요. *먼저 예측해 보세요:* 평균이
// 0인 벡터에서 RMSNorm과 LayerNorm(gamma 1, beta 0)을 비교하면 어떨까요? 숨겨진 테스트는 bertlab의 `layerNorm`과
// 비교하므로, `layerNorm`을 호출하는 답은 0점이에요.

// %% solution id=q3-solution
function rmsNorm(x: tf.Tensor, gamma: tf.Tensor, eps: number): tf.Tensor {
  // BEGIN SOLUTION
  return tf.mul(tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), gamma);
  // END SOLUTION
}

// %% test id=q3 points=2
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo, referenceLibrary } from "bertlab/check";

const lib = referenceLibrary("q3", { without: ["layerNorm"] });
describe("q3", () => {
  it("normalises [1, 2, 3] by its root mean square", () => {
    const out = Array.from(rmsNorm(tf.tensor2d([[1, 2, 3]]), tf.ones([3]), 1e-12).dataSync());
    const rms = Math.sqrt(14 / 3);
    closeTo(out, [1 / rms, 2 / rms, 3 / rms], { atol: 1e-5 }, { en: "the root mean square of [1, 2, 3] is √(14/3); do not subtract the mean", ko: "[1, 2, 3]의 제곱평균제곱근은 √(14/3)이에요. 평균은 빼지 마세요" });
  });
  it("applies gamma per feature and keeps the shape", () => {
    const out = rmsNorm(tf.tensor3d([[[3, 4]], [[0, 2]]]), tf.tensor1d([2, 10]), 1e-12);
    assert.deepStrictEqual(out.shape, [2, 1, 2]);
    closeTo(Array.from(out.dataSync()), [2 * 3 / Math.sqrt(12.5), 10 * 4 / Math.sqrt(12.5), 0, 10 * Math.SQRT2], { atol: 1e-4 }, { en: "normalise along the last axis only (tf.mean(..., -1, true))", ko: "마지막 축으로만 정규화하세요(tf.mean(..., -1, true))" });
  });
  // BEGIN HIDDEN TESTS
  it("equals LayerNorm for vectors of mean 0", () => {
    const raw = tf.randomNormal([4, 6], 0, 1, "float32", 3);
    const centered = tf.sub(raw, tf.mean(raw, -1, true));
    closeTo(Array.from(rmsNorm(centered, tf.ones([6]), 1e-6).dataSync()), Array.from(lib.layerNorm(centered, tf.ones([6]), tf.zeros([6]), 1e-6).dataSync()), { atol: 1e-4 });
  });
  it("uses eps inside the square root", () => {
    closeTo(Array.from(rmsNorm(tf.tensor1d([0, 2]), tf.ones([2]), 1).dataSync()), [0, 2 / Math.sqrt(3)], { atol: 1e-5 });
  });
  it("differs from LayerNorm when the mean is not 0", () => {
    const x = tf.tensor2d([[1, 2, 3, 10]]);
    const rms = Math.sqrt((1 + 4 + 9 + 100) / 4);
    closeTo(Array.from(rmsNorm(x, tf.ones([4]), 1e-12).dataSync()), [1 / rms, 2 / rms, 3 / rms, 10 / rms], { atol: 1e-5 });
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=q4-text
// ## Q4 · Explain (2 points, graded by your instructor)
//
// Attention divides the scores q·k by √d. In two to four sentences: what happens to the size of q·k as the head
// size d grows (for q and k with independent entries of variance 1), what would softmax then do to the attention
// weights, and why is that bad for training?

// %% [markdown] lang=ko
// ## Q4 · 설명하기 (2점, 강사가 사람이 직접 채점해요)
//
// 어텐션은 점수(score) q·k를 √d로 나눠요. 두 문장에서 네 문장으로 답해 보세요. (q와 k의 성분이 서로 독립이고
// 분산(variance)이 1일 때) 헤드 크기 d가 커지면 q·k의 크기는 어떻게 될까요? 그러면 소프트맥스(softmax)는 어텐션
// 가중치를 어떻게 만들까요? 그리고 그것이 왜 학습에 나쁠까요?

// %% [markdown] solution id=q4-answer points=2
// With independent entries of variance 1, q·k is a sum of d products of variance 1, so its variance is d and
// its typical size grows like √d. Large scores push softmax towards a one-hot distribution (almost all weight on
// the largest score), where its gradients are nearly zero, so the attention weights stop learning. Dividing by
// √d brings the scores back to variance 1 whatever the head size.

// %% [markdown] lang=ko
// 성분이 서로 독립이고 분산이 1이면 q·k는 분산이 1인 곱 d개의 합이므로, 분산은 d이고 전형적인 크기는 √d에
// 비례해 커집니다. 점수가 크면 소프트맥스가 원-핫(one-hot) 분포(가장 큰 점수에 가중치가 거의 다 몰림)에 가까워지고,
// 그런 곳에서는 그래디언트(gradient)가 거의 0이어서 어텐션 가중치가 더 이상 학습되지 않습니다. √d로 나누면 헤드
// 크기와 상관없이 점수의 분산이 다시 1이 됩니다.

// %% [markdown] id=outro
// That is all for 04. With attention, the head reshapes and a normalisation layer you have every new piece of an
// encoder layer; lesson 04 shows how BERT's own pieces combine into one.

// %% [markdown] lang=ko
// 04 연습 문제는 여기까지예요. 어텐션, 헤드 reshape, 정규화 층까지 갖추면 인코더(encoder) 층의 새로운 조각은 모두
// 갖춘 셈이에요. BERT 자체의 조각들이 어떻게 하나로 합쳐지는지는 레슨 04에서 보여 줘요.
