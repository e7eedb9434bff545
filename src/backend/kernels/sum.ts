/**
 * Sum on wasm over leading axes without a transpose.
 *
 * tfjs-backend-wasm only reduces innermost axes, so a sum over axis 0 (every bias
 * gradient: [tokens, features] -> [features]) first transposes the whole tensor. Summing
 * rows into an accumulator reads the heap once, in order. Other reductions go to the
 * original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { originalWasmKernel } from "./transpose-operand";
import { asWasmBackend } from "./wasm-heap";

export const Sum = "Sum";

/** Number of leading axes reduced, or -1 when `axis` is not a prefix of the dimensions. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((x, y) => x - y);
  if (axes.length === 0 || axes.length === rank) return -1;
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

export function sumConfig(original: tf.KernelConfig = originalWasmKernel(Sum)): tf.KernelConfig {
  const reduce = original.kernelFunc;
  const sum: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const lead = leadingAxes(axis, x.shape.length);
    const size = tf.util.sizeFromShape(x.shape);
    if (lead < 0 || x.dtype !== "float32" || size === 0) return reduce(args);
    const backend = asWasmBackend(args.backend, Sum);
    const kept = x.shape.slice(lead);
    const outShape = keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, "float32");
    const acc = backend.typedArrayFromHeap(out);
    const values = backend.typedArrayFromHeap(x);
    const cols = acc.length;
    acc.set(values.subarray(0, cols));
    for (let offset = cols; offset < size; offset += cols) {
      for (let c = 0; c < cols; c++) acc[c] += values[offset + c];
    }
    return out;
  };
  return { ...original, kernelFunc: sum };
}
