/**
 * _FusedMatMul (matmul + bias + activation) on wasm. With the optional native GEMM the
 * product and a row bias (a Linear layer's) run in one OpenBLAS call, and the backend's
 * activation kernels finish it;
 * otherwise it is rerouted like BatchMatMul so transposed operands take XNNPACK's fast
 * path (see transpose_operand.ts).
 *
 * It also works around two limits of tfjs-backend-wasm 4.22: with a batch dimension above
 * 1 and a bias, rows after the first of each matrix get the wrong bias element, and a
 * bias of rank 2 or more is refused. In those cases the product runs without the epilogue
 * and the bias and activation are applied by the backend's own Add and activation kernels.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeGemm } from "../../native";
import { isRowBias, nativeBatchMatMul } from "./native-matmul";
import { originalWasmKernel, WasmKernelFunc, withPlainOperands } from "./transpose-operand";
import type { WasmBackend } from "./wasm-heap";

export const _FusedMatMul = "_FusedMatMul";

function run(name: string, inputs: Record<string, tf.TensorInfo | undefined>, backend: WasmBackend, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  const kernel = originalWasmKernel(name).kernelFunc as unknown as WasmKernelFunc<Record<string, tf.TensorInfo | undefined>>;
  return kernel({ inputs, backend, attrs });
}

function applyActivation(x: tf.TensorInfo, args: Parameters<WasmKernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const activation = (attrs.activation as string | undefined) ?? "linear";
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return run("Relu", { x }, backend);
    case "relu6":
      return run("Relu6", { x }, backend);
    case "elu":
      return run("Elu", { x }, backend);
    case "sigmoid":
      return run("Sigmoid", { x }, backend);
    case "leakyrelu":
      return run("LeakyRelu", { x }, backend, { alpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2 });
    case "prelu":
      return run("Prelu", { x, alpha: inputs.preluActivationWeights }, backend);
    default:
      throw new Error(`${_FusedMatMul}: activation "${activation}" is not supported on wasm`);
  }
}

function batchSize(args: Parameters<WasmKernelFunc>[0]): number {
  const { a, b } = args.inputs;
  return Math.max(tf.util.sizeFromShape(a.shape.slice(0, -2)), tf.util.sizeFromShape(b.shape.slice(0, -2)));
}

/** Adds the bias (if any) and applies the activation to a plain product, disposing intermediates. */
function epilogue(product: tf.TensorInfo, args: Parameters<WasmKernelFunc>[0]): tf.TensorInfo {
  const { inputs, backend } = args;
  let out = product;
  if (inputs.bias !== undefined) {
    out = run("Add", { a: product, b: inputs.bias }, backend);
    backend.disposeData(product.dataId);
  }
  const activated = applyActivation(out, args);
  if (activated !== out) backend.disposeData(out.dataId);
  return activated;
}

export function fusedMatMulConfig(original: tf.KernelConfig, useNative: boolean): tf.KernelConfig {
  const kernel = original.kernelFunc as unknown as WasmKernelFunc;
  const fused: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    // wasm's own epilogue handles only a rank-1 bias, and only for a batch of one.
    if (inputs.bias === undefined || (batchSize(args) <= 1 && inputs.bias.shape.length === 1)) return kernel(args);
    const product = kernel({ inputs: { a: inputs.a, b: inputs.b }, backend, attrs: { ...attrs, activation: "linear" } });
    return epilogue(product, args);
  };
  const xnnpack: WasmKernelFunc = (args) => withPlainOperands(fused, args);
  const native = nativeGemm();
  if (!native.ok || !useNative) return { ...original, kernelFunc: xnnpack as unknown as tf.KernelFunc };
  const nativeFused: WasmKernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    // The addon takes an ArrayBuffer; a threaded wasm build's shared heap stays in XNNPACK.
    if (backend.typedArrayFromHeap(inputs.a).buffer instanceof SharedArrayBuffer) return xnnpack(args);
    const transposeB = attrs.transposeB === true;
    const n = transposeB ? inputs.b.shape[inputs.b.shape.length - 2] : inputs.b.shape[inputs.b.shape.length - 1];
    if (isRowBias(inputs.bias, n)) {
      const product = nativeBatchMatMul(native.gemm, inputs.a, inputs.b, attrs.transposeA === true, transposeB, backend, inputs.bias);
      const activated = applyActivation(product, args);
      if (activated !== product) backend.disposeData(product.dataId);
      return activated;
    }
    const product = nativeBatchMatMul(native.gemm, inputs.a, inputs.b, attrs.transposeA === true, transposeB, backend);
    return epilogue(product, args);
  };
  return { ...original, kernelFunc: nativeFused as unknown as tf.KernelFunc };
}
