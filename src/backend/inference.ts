/**
 * Inference fast paths for the model code: BERT's building blocks as one kernel each.
 *
 * Composed from tfjs ops, a LayerNorm is nine kernels, an erf-GELU five, and a Linear layer
 * a fused-matMul op plus five reshapes; on a 16-token utterance the engine's cost per kernel,
 * not the arithmetic, is most of their time. Each helper here runs one kernel instead, when the
 * active backend is bertlab's wasm backend with the native kernels built (src/native) and no
 * gradient is being recorded; otherwise it returns `undefined` and the caller runs the composed
 * ops, which are the definition (the tests hold the two equal). So inference takes the fast
 * path, while training, other backends and machines without the addon keep tfjs's ops and
 * gradients.
 */
import * as tf from "@tensorflow/tfjs";
import { _FusedMatMul } from "./kernels/fused-mat-mul";
import { BatchMatMul } from "./kernels/batch-mat-mul";
import { BertlabGelu, BertlabLayerNorm } from "./kernels/fused-bert-ops";
import { asWasmBackend } from "./kernels/wasm-heap";

function usable(x: tf.Tensor): boolean {
  if (x.dtype !== "float32" || tf.getBackend() !== "wasm" || tf.engine().isTapeOn()) return false;
  // The native kernels are registered together, and only with the native GEMM (kernels/index.ts).
  if (!tf.getKernel(BertlabLayerNorm, "wasm")) return false;
  // The addon takes an ArrayBuffer; a threaded wasm build's shared heap keeps the composed ops.
  return !(asWasmBackend(tf.backend(), BertlabLayerNorm).typedArrayFromHeap(x).buffer instanceof SharedArrayBuffer);
}

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor;
}

/** LayerNorm over the last axis in one kernel. */
export function inferenceLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor | undefined {
  return usable(x) ? run(BertlabLayerNorm, { x, gamma, beta }, { epsilon }) : undefined;
}

/** Exact (erf) GELU in one kernel. */
export function inferenceGelu(x: tf.Tensor): tf.Tensor | undefined {
  return usable(x) ? run(BertlabGelu, { x }) : undefined;
}

/** x·W + b for x of any rank [..., in] and W [in, out], in one GEMM call with the bias inside it. */
export function inferenceLinear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor | undefined {
  if (!usable(x) || x.rank < 2) return undefined;
  const inputs: Record<string, tf.Tensor> = bias ? { a: x, b: weight, bias } : { a: x, b: weight };
  return run(bias ? _FusedMatMul : BatchMatMul, inputs, { transposeA: false, transposeB: false, activation: "linear" });
}

/** a·b (or a·bᵀ with `transposeB`) over matching (or broadcast) leading dimensions of any rank, in one kernel. */
export function inferenceMatMul(a: tf.Tensor, b: tf.Tensor, options: { transposeB?: boolean } = {}): tf.Tensor | undefined {
  if (!usable(a) || a.rank < 2 || b.rank < 2) return undefined;
  return run(BatchMatMul, { a, b }, { transposeA: false, transposeB: options.transposeB === true });
}
