/**
 * UnsortedSegmentSum for the wasm backend: out[s, ...] = sum of x[i, ...] over all i with segmentIds[i] == s.
 *
 * tfjs-backend-wasm ships no such kernel, yet it is the gradient of tf.gather: without it
 * training an embedding table throws. Ids outside [0, numSegments) contribute nothing,
 * as on the cpu backend (TensorFlow drops negative ids the same way).
 */
import * as tf from "@tensorflow/tfjs";
import { asWasmBackend } from "./wasm-heap";

export const UnsortedSegmentSum = "UnsortedSegmentSum";

interface UnsortedSegmentSumAttrs {
  numSegments: number;
}

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = asWasmBackend(backend, UnsortedSegmentSum);
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${UnsortedSegmentSum}: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const idRank = segmentIds.shape.length;
  if (x.shape.length < idRank || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `${UnsortedSegmentSum}: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  // Each segment id selects one row of `rowSize` contiguous values.
  const rowShape = x.shape.slice(idRank);
  const rowSize = tf.util.sizeFromShape(rowShape);
  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  const outValues = wasm.typedArrayFromHeap(out);
  outValues.fill(0);
  const xValues = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize;
    const dst = s * rowSize;
    for (let j = 0; j < rowSize; j++) outValues[dst + j] += xValues[src + j];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: unsortedSegmentSum,
};
