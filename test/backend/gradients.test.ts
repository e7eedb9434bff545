import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { maxAbsDiff, seededValues, useWasm, valuesOn } from "./on-backends";

/**
 * A small BERT encoder block and MLM head, written in tf ops: embedding gather (with
 * repeated tokens), position and segment embeddings, masked multi-head self-attention,
 * erf-GELU feed-forward, post-LayerNorm residuals, and softmax cross-entropy over the
 * vocabulary with the decoder tied to the word embeddings.
 */
const V = 30, H = 16, HEADS = 2, FF = 32, B = 2, S = 6;

const SHAPES: Record<string, number[]> = {
  word: [V, H], position: [S, H], segment: [2, H], embLnG: [H], embLnB: [H],
  qW: [H, H], qB: [H], kW: [H, H], kB: [H], vW: [H, H], vB: [H], oW: [H, H], oB: [H], ln1G: [H], ln1B: [H],
  iW: [H, FF], iB: [FF], fW: [FF, H], fB: [H], ln2G: [H], ln2B: [H], decoderB: [V],
};
const NAMES = Object.keys(SHAPES);

function initialValues(): Float32Array[] {
  return NAMES.map((name, i) => {
    const values = seededValues(tf.util.sizeFromShape(SHAPES[name]), 100 + i, 0.3);
    // LayerNorm gains start near 1, as in BERT.
    if (name.endsWith("LnG") || /^ln\dG$/.test(name)) return values.map((v) => 1 + v * 0.1);
    return values;
  });
}

// Token 7 repeats, so the embedding gradient sums several rows; the second sequence is padded.
const INPUT_IDS = [[7, 3, 7, 12, 7, 1], [2, 7, 29, 0, 0, 0]];
const SEGMENT_IDS = [[0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 0, 0]];
const INPUT_MASK = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]];
const LABELS = [[5, 3, 9, 12, 7, 1], [2, 8, 29, 4, 0, 11]];

function blockLoss(params: tf.Tensor[]): tf.Scalar {
  const p = Object.fromEntries(NAMES.map((n, i) => [n, params[i]]));
  const layerNorm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-12))).mul(g).add(b);
  };
  const gelu = (x: tf.Tensor): tf.Tensor => x.mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5);
  const ids = tf.tensor2d(INPUT_IDS, [B, S], "int32");
  let h = tf.gather(p.word, ids.reshape([-1]))
    .add(tf.gather(p.segment, tf.tensor2d(SEGMENT_IDS, [B, S], "int32").reshape([-1])))
    .reshape([B, S, H])
    .add(p.position.expandDims(0))
    .reshape([B * S, H]);
  h = layerNorm(h, p.embLnG, p.embLnB);
  const d = H / HEADS;
  const heads = (x: tf.Tensor): tf.Tensor4D => x.reshape([B, S, HEADS, d]).transpose([0, 2, 1, 3]);
  const q = heads(tf.matMul(h as tf.Tensor2D, p.qW as tf.Tensor2D).add(p.qB));
  const k = heads(tf.matMul(h as tf.Tensor2D, p.kW as tf.Tensor2D).add(p.kB));
  const v = heads(tf.matMul(h as tf.Tensor2D, p.vW as tf.Tensor2D).add(p.vB));
  const maskBias = tf.sub(1, tf.tensor2d(INPUT_MASK, [B, S], "float32")).mul(-10000).reshape([B, 1, 1, S]);
  const scores = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(d)).add(maskBias);
  const context = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([B * S, H]) as tf.Tensor2D;
  h = layerNorm(tf.matMul(context, p.oW as tf.Tensor2D).add(p.oB).add(h), p.ln1G, p.ln1B);
  const ff = tf.matMul(gelu(tf.matMul(h as tf.Tensor2D, p.iW as tf.Tensor2D).add(p.iB)) as tf.Tensor2D, p.fW as tf.Tensor2D).add(p.fB);
  h = layerNorm(ff.add(h), p.ln2G, p.ln2B);
  const logits = tf.matMul(h as tf.Tensor2D, p.word as tf.Tensor2D, false, true).add(p.decoderB);
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(LABELS.flat(), "int32"), V)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

describe("training a transformer block on wasm", () => {
  after(useWasm);

  it("gives the same loss and gradients as the cpu backend, within 1e-4", async () => {
    const init = initialValues();
    const compute = (): tf.Tensor[] => {
      const params = init.map((values, i) => tf.tensor(values, SHAPES[NAMES[i]]));
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => blockLoss(ps))(params);
      return [value, ...grads];
    };
    const wasm = await valuesOn("wasm", compute);
    const cpu = await valuesOn("cpu", compute);
    assert.ok(Number.isFinite(cpu[0][0]) && cpu[0][0] > 1, `implausible loss ${cpu[0][0]}`);
    NAMES.forEach((name, i) => {
      const diff = maxAbsDiff([wasm[i + 1]], [cpu[i + 1]]);
      assert.ok(diff <= 1e-4, `gradient of ${name} differs by ${diff}`);
    });
    assert.ok(maxAbsDiff([wasm[0]], [cpu[0]]) <= 1e-4, `loss ${wasm[0][0]} vs ${cpu[0][0]}`);
    // A gradient that is zero everywhere would also "match": the embedding rows used must move.
    const word = wasm[1 + NAMES.indexOf("word")];
    const rowNorm = (r: number): number => Math.hypot(...word.subarray(r * H, (r + 1) * H));
    assert.ok(rowNorm(7) > 0 && rowNorm(7) > rowNorm(6), "the repeated token's embedding gradient is missing");
  });

  it("trains with Adam: the loss falls, step for step the same as on cpu", async () => {
    const init = initialValues();
    const train = (): tf.Tensor => {
      const vars = init.map((values, i) => tf.variable(tf.tensor(values, SHAPES[NAMES[i]])));
      const optimizer = tf.train.adam(1e-2);
      const losses: number[] = [];
      for (let step = 0; step < 4; step++) {
        const loss = optimizer.minimize(() => blockLoss(vars), true, vars)!;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      optimizer.dispose();
      tf.dispose(vars);
      return tf.tensor1d(losses);
    };
    const [wasm] = await valuesOn("wasm", train);
    const [cpu] = await valuesOn("cpu", train);
    assert.ok(wasm[3] < wasm[0] - 0.05, `loss did not fall on wasm: ${Array.from(wasm)}`);
    assert.ok(maxAbsDiff([wasm], [cpu]) <= 1e-4, `wasm ${Array.from(wasm)} vs cpu ${Array.from(cpu)}`);
  });
});
