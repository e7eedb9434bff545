import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdamW, clipByGlobalNorm, excludedFromWeightDecay, linearWarmupDecay } from "../../src/train/adamw";

/** torch.optim.AdamW's update written out on plain numbers: the reference. */
function referenceAdamW(p: number[], grads: number[][], lr: number[], wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-6): number[] {
  const m = p.map(() => 0), v = p.map(() => 0);
  p = [...p];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lr[k] * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] -= (lr[k] / (1 - b1 ** t)) * (m[i] / denom);
    }
  });
  return p;
}

describe("train/adamw", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });

  it("takes the step computed by hand on a tiny problem (decay on weights, none on biases)", () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, "adamw_test_w");
    const b = tf.variable(tf.tensor1d([0.5]), true, "adamw_test_b");
    const opt = new AdamW([{ name: "dense.weight", variable: w }, { name: "dense.bias", variable: b }], { learningRate: 0.1, weightDecay: 0.01, maxGradNorm: Infinity });
    // After one step Adam's bias-corrected ratio m̂/√v̂ is g/|g|, so the update is lr·sign(g) plus decay:
    // w0 = 1·(1 − 0.1·0.01) − 0.1·0.5/(0.5 + 1e-6) = 0.999 − 0.0999998 = 0.8990002
    // w1 = −2·0.999 − 0.1·(−0.25)/(0.25 + 1e-6) = −1.998 + 0.0999996 = −1.8980004
    // b  = 0.5 − 0.1·1/(1 + 1e-6) = 0.4000001 (no decay on a bias)
    const r = opt.step({ [w.name]: tf.tensor1d([0.5, -0.25]), [b.name]: tf.tensor1d([1]) });
    assert.equal(r.learningRate, 0.1);
    assert.ok(Math.abs(r.gradNorm - Math.sqrt(0.25 + 0.0625 + 1)) < 1e-6);
    const [w0, w1] = w.dataSync();
    assert.ok(Math.abs(w0 - 0.8990002) < 1e-6, `w0 ${w0}`);
    assert.ok(Math.abs(w1 - -1.8980004) < 1e-6, `w1 ${w1}`);
    assert.ok(Math.abs(b.dataSync()[0] - 0.4000001) < 1e-6);
    opt.dispose();
    w.dispose();
    b.dispose();
  });

  it("matches the reference over several steps with a schedule and gradient clipping", () => {
    const p0 = [0.3, -0.7, 1.2];
    const gs = [[0.5, -1.0, 2.0], [0.1, 0.2, -0.3], [3.0, 0.0, -4.0], [-0.2, 0.4, 0.1]];
    const schedule = linearWarmupDecay(0.05, 1, 4);
    // Clip each step's gradient to global norm 1 as the optimizer should.
    const clipped = gs.map((g) => {
      const n = Math.hypot(...g);
      return n > 1 ? g.map((x) => (x * 1) / (n + 1e-6)) : g;
    });
    const expected = referenceAdamW(p0, clipped, [0, 1, 2, 3].map(schedule), 0.1);
    const p = tf.variable(tf.tensor1d(p0), true, "adamw_test_p");
    const opt = new AdamW([{ name: "encoder.dense.weight", variable: p }], { learningRate: schedule, weightDecay: 0.1, maxGradNorm: 1 });
    for (const g of gs) {
      const grad = tf.tensor1d(g);
      opt.step({ [p.name]: grad });
      grad.dispose();
    }
    Array.from(p.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-5, `p[${i}] ${x} vs ${expected[i]}`));
    assert.equal(opt.stepCount, 4);
    opt.dispose();
    p.dispose();
  });

  it("scales the learning rate per parameter (a fresh head faster than the encoder), decay included", () => {
    const gs = [[0.5, -1.0], [0.1, 0.2], [-0.3, 0.4]];
    const schedule = linearWarmupDecay(0.01, 1, 3);
    const lrs = [0, 1, 2].map(schedule);
    const encoder = tf.variable(tf.tensor1d([0.3, -0.7]), true, "adamw_scale_enc");
    const head = tf.variable(tf.tensor1d([0.3, -0.7]), true, "adamw_scale_head");
    const opt = new AdamW(
      [{ name: "bert.encoder.dense.weight", variable: encoder }, { name: "classifier.weight", variable: head }],
      { learningRate: schedule, weightDecay: 0.1, maxGradNorm: Infinity, learningRateScale: (name) => (name.startsWith("classifier.") ? 20 : 1) },
    );
    for (const g of gs) {
      const grads = { [encoder.name]: tf.tensor1d(g), [head.name]: tf.tensor1d(g) };
      opt.step(grads);
      tf.dispose(Object.values(grads));
    }
    const close = (actual: Float32Array | Int32Array | Uint8Array, expected: number[]): void =>
      Array.from(actual).forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-5, `${x} vs ${expected[i]}`));
    close(encoder.dataSync(), referenceAdamW([0.3, -0.7], gs, lrs, 0.1));
    close(head.dataSync(), referenceAdamW([0.3, -0.7], gs, lrs.map((lr) => lr * 20), 0.1));
    assert.throws(() => new AdamW([{ name: "w.weight", variable: encoder }], { learningRate: 0.1, learningRateScale: () => -1 }), /learningRateScale\("w.weight"\) must be a finite number >= 0, got -1/);
    opt.dispose();
    encoder.dispose();
    head.dispose();
  });

  it("does not leak tensors across steps", () => {
    const p = tf.variable(tf.randomNormal([4, 4]), true, "adamw_test_leak");
    const opt = new AdamW([{ name: "x.weight", variable: p }], { learningRate: 0.01 });
    const g = tf.ones([4, 4]);
    opt.step({ [p.name]: g });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.step({ [p.name]: g });
    assert.equal(tf.memory().numTensors, before);
    g.dispose();
    opt.dispose();
    p.dispose();
  });

  it("has BERT's warmup + linear decay schedule and decay exclusions", () => {
    const s = linearWarmupDecay(1, 2, 6);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(s), [0.5, 1, 1, 0.75, 0.5, 0.25, 0]);
    for (const name of ["embeddings.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.bias", "cls.predictions.bias", "classifier.bias", "bert.encoder.layer.1.attention.output.LayerNorm.gamma"]) {
      assert.ok(excludedFromWeightDecay(name), name);
    }
    for (const name of ["embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight", "classifier.weight", "pooler.dense.weight"]) {
      assert.ok(!excludedFromWeightDecay(name), name);
    }
  });

  it("clips by global norm and reports bad input", () => {
    const { clipped, norm } = clipByGlobalNorm([tf.tensor1d([3]), tf.tensor1d([4])], 1);
    assert.ok(Math.abs(norm - 5) < 1e-6);
    assert.ok(Math.abs(clipped[0].dataSync()[0] - 0.6) < 1e-5 && Math.abs(clipped[1].dataSync()[0] - 0.8) < 1e-5);
    const p = tf.variable(tf.zeros([2]), true, "adamw_test_bad");
    const opt = new AdamW([{ name: "p.weight", variable: p }], { learningRate: 0.1 });
    assert.throws(() => opt.step({ [p.name]: tf.zeros([3]) }), /"p.weight" has shape \[3\] but the parameter has \[2\]/);
    assert.throws(() => opt.step({ nope: tf.zeros([2]) }), /unknown variable "nope"/);
    assert.throws(() => opt.step({ [p.name]: tf.tensor1d([NaN, 1]) }), /gradient norm is NaN/);
    assert.throws(() => new AdamW([], { learningRate: 0.1 }), /no parameters/);
    assert.throws(() => linearWarmupDecay(0.1, 10, 5), /warmupSteps/);
    opt.dispose();
    p.dispose();
  });
});
