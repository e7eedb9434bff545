/**
 * BERT's LayerNorm and GELU as single native kernels on the wasm heap (src/native/gemm.cc).
 *
 * Composed from tfjs ops, a LayerNorm is nine kernels and an erf-GELU five, each paying the
 * engine's per-kernel cost; on a 16-token utterance that cost, not the arithmetic, is most of
 * their time (about 0.1 ms per LayerNorm on one core here). These kernels run them in one call.
 * They have no gradient: src/backend/inference.ts uses them only while no gradient is being
 * recorded, so training keeps the composed ops and tfjs's own gradients.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeGemm } from "../../native";
import { asWasmBackend } from "./wasm-heap";

export const BertlabLayerNorm = "BertlabLayerNorm";
export const BertlabGelu = "BertlabGelu";

function requireFloat32(kernel: string, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) {
    if (info.dtype !== "float32") throw new Error(`${kernel}: expects float32 tensors, got ${info.dtype}`);
  }
}

export function layerNormConfig(native: NativeGemm): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
    const { epsilon } = attrs as { epsilon: number };
    requireFloat32(BertlabLayerNorm, x, gamma, beta);
    const cols = x.shape[x.shape.length - 1];
    if (tf.util.sizeFromShape(gamma.shape) !== cols || tf.util.sizeFromShape(beta.shape) !== cols) {
      throw new Error(`${BertlabLayerNorm}: gamma ${JSON.stringify(gamma.shape)} and beta ${JSON.stringify(beta.shape)} must have the last dimension of x, ${cols}`);
    }
    const wasm = asWasmBackend(backend, BertlabLayerNorm);
    const out = wasm.makeOutput(x.shape, "float32");
    // Views after makeOutput: allocating may replace the heap buffer.
    const outView = wasm.typedArrayFromHeap(out);
    if (outView.length === 0) return out;
    native.layerNorm(outView.buffer as ArrayBuffer, wasm.typedArrayFromHeap(x).byteOffset, wasm.typedArrayFromHeap(gamma).byteOffset,
      wasm.typedArrayFromHeap(beta).byteOffset, outView.byteOffset, outView.length / cols, cols, epsilon);
    return out;
  };
  return { kernelName: BertlabLayerNorm, backendName: "wasm", kernelFunc };
}

export function geluConfig(native: NativeGemm): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    requireFloat32(BertlabGelu, x);
    const wasm = asWasmBackend(backend, BertlabGelu);
    const out = wasm.makeOutput(x.shape, "float32");
    const outView = wasm.typedArrayFromHeap(out);
    if (outView.length === 0) return out;
    native.gelu(outView.buffer as ArrayBuffer, wasm.typedArrayFromHeap(x).byteOffset, outView.byteOffset, outView.length);
    return out;
  };
  return { kernelName: BertlabGelu, backendName: "wasm", kernelFunc };
}
