/**
 * Cast on wasm without a copy when the dtype does not change.
 *
 * The gradient of every tensor the engine saves for backprop is a Cast to float32 of a
 * float32 gradient; the wasm kernel copies it. Sharing the buffer is equivalent, since
 * tensors are immutable. Real conversions go to the original kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { originalWasmKernel } from "./transpose-operand";
import { asWasmBackend } from "./wasm-heap";

export const Cast = "Cast";

export function castConfig(original: tf.KernelConfig = originalWasmKernel(Cast)): tf.KernelConfig {
  const convert = original.kernelFunc;
  const cast: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as { dtype: tf.DataType };
    if (x.dtype !== dtype || dtype === "string") return convert(args);
    asWasmBackend(args.backend, Cast).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  };
  return { ...original, kernelFunc: cast };
}
