/**
 * The inference fast paths (src/backend/inference.ts) against the composed tfjs ops that
 * define them: same values, taken only when no gradient is recorded, and never off bertlab's
 * wasm backend with the native kernels.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels } from "../../src/backend";
import { inferenceGelu, inferenceLayerNorm, inferenceLinear, inferenceMatMul } from "../../src/backend/inference";
import { gelu, layerNorm, linear } from "../../src/model/bert";
import { nativeGemm } from "../../src/native";
import { maxAbsDiff, seededValues, useWasm, valuesOn } from "./on-backends";

/** The composed definitions, forced by recording a gradient (the fast paths step aside then). */
function composed(f: () => tf.Tensor): tf.Tensor {
  let out: tf.Tensor | undefined;
  tf.grad((x: tf.Tensor) => {
    out = tf.keep(f());
    return tf.sum(x);
  })(tf.scalar(0)).dispose();
  return out!;
}

describe("inference fast paths", () => {
  before(async function () {
    const status = nativeGemm();
    if (!status.ok) {
      console.log(`      (skipped: native kernels ${status.reason})`);
      this.skip();
    }
    await useWasm();
    assert.equal(registerWasmTrainingKernels({ nativeGemm: true }).matmul, "openblas");
  });
  after(useWasm);

  const x3 = (): tf.Tensor3D => tf.tensor3d(seededValues(2 * 5 * 8, 1, 3), [2, 5, 8]);

  it("LayerNorm: one kernel, equal to the composed formula, also for rows with a large offset", () => {
    const gamma = tf.tensor1d(seededValues(8, 2));
    const beta = tf.tensor1d(seededValues(8, 3));
    for (const x of [x3(), tf.add(x3(), 1000)]) {
      const fast = inferenceLayerNorm(x, gamma, beta, 1e-12);
      assert.ok(fast, "the fast path was not taken");
      const slow = composed(() => layerNorm(x, gamma, beta, 1e-12));
      const diff = maxAbsDiff([fast.dataSync() as Float32Array], [slow.dataSync() as Float32Array]);
      assert.ok(diff <= 1e-4, `LayerNorm differs by ${diff}`);
    }
  });

  it("GELU: one kernel, within 1e-6 of x·Φ(x) computed with tfjs' erf, over [-8, 8]", () => {
    const x = tf.linspace(-8, 8, 4001);
    const fast = inferenceGelu(x);
    assert.ok(fast, "the fast path was not taken");
    const diff = maxAbsDiff([fast.dataSync() as Float32Array], [composed(() => gelu(x)).dataSync() as Float32Array]);
    assert.ok(diff <= 1e-6, `GELU differs by ${diff}`);
  });

  it("the native erf is within 1e-6 of tfjs' cpu erf, saturating beyond ±4", async () => {
    const values = Float32Array.from({ length: 2001 }, (_, i) => -10 + i / 100);
    const [expected] = await valuesOn("cpu", () => tf.erf(tf.tensor1d(values)));
    await useWasm();
    const status = nativeGemm();
    if (!status.ok) throw new Error(status.reason);
    const heap = new ArrayBuffer(8 * values.length);
    new Float32Array(heap, 0, values.length).set(values);
    status.gemm.erf(heap, 0, 4 * values.length, values.length);
    const diff = maxAbsDiff([new Float32Array(heap, 4 * values.length, values.length)], [expected]);
    assert.ok(diff <= 1e-6, `erf differs by ${diff}`);
  });

  it("Linear: one GEMM on x as it is (rank 2, 3 and a batch of 2), with and without a bias", () => {
    const w = tf.tensor2d(seededValues(8 * 6, 4), [8, 6]);
    const b = tf.tensor1d(seededValues(6, 5));
    for (const x of [x3(), x3().reshape([10, 8]), x3().slice([0, 0, 0], [1, 5, 8])]) {
      for (const bias of [b, undefined]) {
        const fast = inferenceLinear(x, w, bias);
        assert.ok(fast, "the fast path was not taken");
        const slow = composed(() => linear(x, w, bias));
        assert.deepEqual(fast.shape, slow.shape);
        const diff = maxAbsDiff([fast.dataSync() as Float32Array], [slow.dataSync() as Float32Array]);
        assert.ok(diff <= 1e-5, `Linear differs by ${diff} for x ${x.shape}, bias ${bias ? "yes" : "no"}`);
      }
    }
  });

  it("MatMul: one kernel on 4-D attention operands, equal to tf.matMul", () => {
    const q = tf.tensor4d(seededValues(2 * 3 * 5 * 4, 6), [2, 3, 5, 4]);
    const kT = tf.tensor4d(seededValues(2 * 3 * 4 * 5, 7), [2, 3, 4, 5]);
    const fast = inferenceMatMul(q, kT);
    assert.ok(fast, "the fast path was not taken");
    const diff = maxAbsDiff([fast.dataSync() as Float32Array], [composed(() => tf.matMul(q, kT)).dataSync() as Float32Array]);
    assert.ok(diff <= 1e-5, `MatMul differs by ${diff}`);
    // Q·Kᵀ with K as it is ([B, heads, S, d]), as the attention takes it.
    const k = tf.tensor4d(seededValues(2 * 3 * 5 * 4, 8), [2, 3, 5, 4]);
    const fastT = inferenceMatMul(q, k, { transposeB: true });
    assert.ok(fastT, "the fast path was not taken for transposeB");
    const diffT = maxAbsDiff([fastT.dataSync() as Float32Array], [composed(() => tf.matMul(q, k, false, true)).dataSync() as Float32Array]);
    assert.ok(diffT <= 1e-5, `MatMul with transposeB differs by ${diffT}`);
  });

  it("steps aside while a gradient is recorded, so gradients stay tfjs's own and correct", () => {
    const x = x3();
    const gamma = tf.ones([8]);
    const beta = tf.zeros([8]);
    tf.grad((input: tf.Tensor) => {
      assert.equal(inferenceLayerNorm(input, gamma, beta, 1e-12), undefined);
      assert.equal(inferenceGelu(input), undefined);
      assert.equal(inferenceLinear(input, tf.ones([8, 2])), undefined);
      return tf.sum(input);
    })(x).dispose();
    // d/dx gelu(x) = Φ(x) + x·φ(x); at 1: 0.5·(1 + erf(1/√2)) + e^(-1/2)/√(2π).
    const g = tf.grad((input: tf.Tensor) => tf.sum(gelu(input)))(tf.tensor1d([1])).dataSync()[0];
    const expected = 0.5 * (1 + 0.6826894921370859) + Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    assert.ok(Math.abs(g - expected) < 1e-5, `gelu'(1) = ${g}, expected ${expected}`);
  });

  it("is off with the XNNPACK matmul and on other backends", async () => {
    const x = x3();
    registerWasmTrainingKernels({ nativeGemm: false });
    try {
      assert.equal(inferenceLayerNorm(x, tf.ones([8]), tf.zeros([8]), 1e-12), undefined);
      assert.equal(inferenceLinear(x, tf.ones([8, 2])), undefined);
    } finally {
      registerWasmTrainingKernels({ nativeGemm: true });
    }
    assert.ok(inferenceGelu(x), "re-registering the native GEMM brings the fast path back");
    await tf.setBackend("cpu");
    try {
      assert.equal(inferenceGelu(tf.ones([2])), undefined);
    } finally {
      await useWasm();
    }
  });

  it("the native LayerNorm and GELU refuse operands outside the heap", () => {
    const status = nativeGemm();
    if (!status.ok) throw new Error(status.reason);
    const heap = new ArrayBuffer(64);
    assert.throws(() => status.gemm.layerNorm(heap, 0, 0, 0, 32, 4, 4, 1e-12), /layerNorm: an operand lies outside the heap/);
    assert.throws(() => status.gemm.gelu(heap, 0, 40, 8), /gelu: an operand lies outside the heap/);
    assert.throws(() => status.gemm.gelu(heap, -4, 0, 1), /gelu: an operand lies outside the heap/);
  });
});
