/**
 * Identity on wasm without a copy.
 *
 * tfjs' engine clones (Identity) every tensor it saves for the backward pass. The wasm
 * backend's Identity copies the bytes; tensors are immutable, so sharing the buffer and
 * counting the reference (as the cpu backend and wasm's own Reshape do) is equivalent
 * and saves a copy of every activation in a training step.
 */
import * as tf from "@tensorflow/tfjs";
import { originalWasmKernel } from "./transpose-operand";
import { asWasmBackend } from "./wasm-heap";

export const Identity = "Identity";

export function identityConfig(original: tf.KernelConfig = originalWasmKernel(Identity)): tf.KernelConfig {
  const copy = original.kernelFunc;
  const identity: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    // Strings live in JavaScript, not on the heap; the original handles them.
    if (x.dtype === "string") return copy(args);
    asWasmBackend(args.backend, Identity).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...original, kernelFunc: identity };
}
