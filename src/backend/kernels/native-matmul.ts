/**
 * Batched matmul on the wasm heap through the optional native GEMM (src/native): the
 * operands stay where the wasm backend put them and OpenBLAS writes the product into a
 * wasm-allocated output. Transposed operands are passed to BLAS as flags (free there).
 * A bias of one row (n floats, a Linear layer's) is added inside the same call.
 */

/** True when `bias` is one row of n floats that can be added inside the GEMM call. */
export function isRowBias(bias: tf.TensorInfo | undefined, n: number): bias is tf.TensorInfo {
  return bias !== undefined && bias.dtype === "float32" && tf.util.sizeFromShape(bias.shape) === n && bias.shape.slice(0, -1).every((d) => d === 1);
}
import * as tf from "@tensorflow/tfjs";
import type { NativeGemm } from "../../native";
import type { WasmBackend } from "./wasm-heap";

/** Offset (in elements) of each output batch's operand, following numpy-style batch broadcasting. */
function batchOffsets(batchShape: number[], outBatch: number[], matrixSize: number): Float64Array {
  const count = tf.util.sizeFromShape(outBatch);
  const offsets = new Float64Array(count);
  const rankGap = outBatch.length - batchShape.length;
  const strides = new Array<number>(batchShape.length);
  let stride = matrixSize;
  for (let d = batchShape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= batchShape[d];
  }
  for (let i = 0; i < count; i++) {
    let rest = i;
    let offset = 0;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      const index = rest % outBatch[d];
      rest = Math.floor(rest / outBatch[d]);
      const own = d - rankGap;
      if (own >= 0 && batchShape[own] !== 1) offset += index * strides[own];
    }
    offsets[i] = offset;
  }
  return offsets;
}

export function nativeBatchMatMul(
  gemm: NativeGemm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: WasmBackend,
  bias?: tf.TensorInfo,
): tf.TensorInfo {
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    throw new Error(`BatchMatMul on wasm needs float32 operands, got ${a.dtype} and ${b.dtype}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
        `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, m, n], "float32");
  // Views are taken after makeOutput: allocating may grow (and so replace) the heap buffer.
  const outView = backend.typedArrayFromHeap(out);
  if (outView.length === 0) return out;
  if (k === 0) {
    outView.fill(0);
    return out;
  }
  const aView = backend.typedArrayFromHeap(a);
  const bView = backend.typedArrayFromHeap(b);
  const heap = outView.buffer as ArrayBuffer;
  // A batch of A's against one B ([B, S, in]·[in, out], a Linear layer) is one tall product:
  // the matrices of A, and those of C, lie back to back.
  if (!transposeA && tf.util.sizeFromShape(bBatch) === 1 && tf.util.sizeFromShape(aBatch) > 1) {
    const rows = tf.util.sizeFromShape(aBatch) * m;
    const one = (offset: number): Float64Array => Float64Array.of(offset);
    if (bias) gemm.gemm(heap, false, transposeB, rows, n, k, one(aView.byteOffset), one(bView.byteOffset), one(outView.byteOffset), backend.typedArrayFromHeap(bias).byteOffset);
    else gemm.gemm(heap, false, transposeB, rows, n, k, one(aView.byteOffset), one(bView.byteOffset), one(outView.byteOffset));
    return out;
  }
  const toBytes = (offsets: Float64Array, view: tf.TypedArray): Float64Array => offsets.map((o) => view.byteOffset + 4 * o);
  const count = tf.util.sizeFromShape(outBatch);
  const cOffsets = new Float64Array(count).map((_, i) => outView.byteOffset + 4 * i * m * n);
  const aOffsets = toBytes(batchOffsets(aBatch, outBatch, m * k), aView);
  const bOffsets = toBytes(batchOffsets(bBatch, outBatch, k * n), bView);
  if (bias) gemm.gemm(heap, transposeA, transposeB, m, n, k, aOffsets, bOffsets, cOffsets, backend.typedArrayFromHeap(bias).byteOffset);
  else gemm.gemm(heap, transposeA, transposeB, m, n, k, aOffsets, bOffsets, cOffsets);
  return out;
}
