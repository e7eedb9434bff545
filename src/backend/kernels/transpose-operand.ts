/**
 * Shared by the BatchMatMul and _FusedMatMul wrappers: tfjs-backend-wasm multiplies
 * with XNNPACK only when neither operand is transposed; with transposeA/transposeB it
 * takes a scalar loop 12-14x slower than an explicit transpose followed by a plain
 * product. The matmul gradients always set one of the flags, so training pays for it.
 */
import * as tf from "@tensorflow/tfjs";
import type { WasmBackend } from "./wasm-heap";

export interface MatMulInputs {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  preluActivationWeights?: tf.TensorInfo;
}

export interface WasmKernelArgs<I> {
  inputs: I;
  backend: WasmBackend;
  attrs: tf.NamedAttrMap;
}

/** A wasm kernel as tfjs calls it, with its inputs typed. */
export type WasmKernelFunc<I = MatMulInputs> = (args: WasmKernelArgs<I>) => tf.TensorInfo;

/** The kernel tfjs-backend-wasm registered under `name`, before bertlab wrapped it. */
export function originalWasmKernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`tfjs-backend-wasm has no ${name} kernel to wrap (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return config;
}

/** Swaps the two innermost dimensions with the wasm Transpose kernel; the caller disposes the result. */
export function transposeInnerDims(x: tf.TensorInfo, backend: WasmBackend): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  const transpose = originalWasmKernel("Transpose").kernelFunc as unknown as WasmKernelFunc<{ x: tf.TensorInfo }>;
  return transpose({ inputs: { x }, backend, attrs: { perm } });
}

/**
 * Runs `kernel` with both operands laid out untransposed: any operand flagged as
 * transposed is materialised transposed first, and its flag cleared.
 */
export function withPlainOperands(kernel: WasmKernelFunc, args: WasmKernelArgs<MatMulInputs>): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  if (!transposeA && !transposeB) return kernel(args);
  const a = transposeA ? transposeInnerDims(inputs.a, backend) : inputs.a;
  const b = transposeB ? transposeInnerDims(inputs.b, backend) : inputs.b;
  try {
    return kernel({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  } finally {
    if (transposeA) backend.disposeData(a.dataId);
    if (transposeB) backend.disposeData(b.dataId);
  }
}
