/**
 * Steering matmuls onto XNNPACK's fast path in tfjs-backend-wasm.
 *
 * The wasm BatchMatMul is fast (XNNPACK, SIMD) only for one plain [M,K]·[K,N] product; with
 * a batch above 1 or a transpose flag it runs a naive loop, 5-14x slower. XNNPACK also packs
 * B as its "weights" on every call and prefers many rows, so a short, very wide product
 * (M << N: the decoder's weight gradient, 256x2048 · 2048x8000) is faster transposed:
 * C = (Bᵀ Aᵀ)ᵀ. This module materialises transposes, splits batches into 2-D products
 * and swaps wide ones; the arithmetic, and so every value, is the original kernel's.
 */
import * as tf from "@tensorflow/tfjs";
import { MatMulInputs, transposeInnerDims, WasmKernelArgs, WasmKernelFunc } from "./transpose-operand";
import type { WasmBackend } from "./wasm-heap";

/** Products with N at least this many times M (and big enough to matter) run transposed. */
const SWAP_RATIO = 8;
const SWAP_MIN_FLOPS = 1e8;

function plainProduct(kernel: WasmKernelFunc, a: tf.TensorInfo, b: tf.TensorInfo, backend: WasmBackend, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const plain = { ...attrs, transposeA: false, transposeB: false };
  if (n < SWAP_RATIO * m || 2 * m * n * k < SWAP_MIN_FLOPS) return kernel({ inputs: { a, b }, backend, attrs: plain });
  const bT = transposeInnerDims(b, backend);
  const aT = transposeInnerDims(a, backend);
  const cT = kernel({ inputs: { a: bT, b: aT }, backend, attrs: plain });
  backend.disposeData(bT.dataId);
  backend.disposeData(aT.dataId);
  const c = transposeInnerDims(cT, backend);
  backend.disposeData(cT.dataId);
  return c;
}

/** A copy of matrix `index` of a [..., rows, cols] tensor, as [1, rows, cols]. */
function matrixAt(x: tf.TensorInfo, index: number, backend: WasmBackend): tf.TensorInfo {
  const [rows, cols] = x.shape.slice(-2);
  const size = rows * cols;
  const out = backend.makeOutput([1, rows, cols], x.dtype);
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(index * size, (index + 1) * size));
  return out;
}

/** Index of the operand matrix used for output batch `i`, under numpy-style batch broadcasting. */
function broadcastIndex(i: number, outBatch: number[], own: number[]): number {
  let rest = i;
  let index = 0;
  let stride = 1;
  const gap = outBatch.length - own.length;
  for (let d = outBatch.length - 1; d >= 0; d--) {
    const coord = rest % outBatch[d];
    rest = Math.floor(rest / outBatch[d]);
    const o = d - gap;
    if (o >= 0) {
      if (own[o] !== 1) index += coord * stride;
      stride *= own[o];
    }
  }
  return index;
}

export function xnnpackBatchMatMul(kernel: WasmKernelFunc, args: WasmKernelArgs<MatMulInputs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const a = transposeA ? transposeInnerDims(inputs.a, backend) : inputs.a;
  const b = transposeB ? transposeInnerDims(inputs.b, backend) : inputs.b;
  const owned = [transposeA ? a : undefined, transposeB ? b : undefined].filter((t): t is tf.TensorInfo => t !== undefined);
  try {
    const aBatch = a.shape.slice(0, -2);
    const bBatch = b.shape.slice(0, -2);
    const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
    const count = tf.util.sizeFromShape(outBatch);
    if (count <= 1 || a.dtype !== "float32" || b.dtype !== "float32") {
      // One matrix each (or a case the original reports as unsupported): a single product.
      if (count > 1) return kernel({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      return plainProduct(kernel, a, b, backend, attrs);
    }
    const [m, k] = a.shape.slice(-2);
    const [kb, n] = b.shape.slice(-2);
    if (k !== kb) {
      throw new Error(`Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${inputs.a.shape} and ${inputs.b.shape} ` +
        `and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
    }
    const out = backend.makeOutput([...outBatch, m, n], "float32");
    for (let i = 0; i < count; i++) {
      const ai = matrixAt(a, broadcastIndex(i, outBatch, aBatch), backend);
      const bi = matrixAt(b, broadcastIndex(i, outBatch, bBatch), backend);
      const ci = plainProduct(kernel, ai, bi, backend, attrs);
      backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(ci), i * m * n);
      for (const t of [ai, bi, ci]) backend.disposeData(t.dataId);
    }
    return out;
  } finally {
    for (const t of owned) backend.disposeData(t.dataId);
  }
}
