/**
 * BatchMatMul on wasm. With the optional native GEMM (src/native) the product runs in
 * OpenBLAS on the wasm heap; otherwise it stays in XNNPACK, rerouted so transposed and
 * batched operands still take the fast path (see xnnpack_matmul.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { nativeGemm } from "../../native";
import { nativeBatchMatMul } from "./native-matmul";
import { WasmKernelFunc } from "./transpose-operand";
import { xnnpackBatchMatMul } from "./xnnpack-matmul";

export const BatchMatMul = "BatchMatMul";

export function batchMatMulConfig(original: tf.KernelConfig, useNative: boolean): tf.KernelConfig {
  const kernel = original.kernelFunc as unknown as WasmKernelFunc;
  const native = nativeGemm();
  const batchMatMul: WasmKernelFunc = native.ok && useNative
    ? (args) => {
        const { inputs, backend, attrs } = args;
        // The addon takes an ArrayBuffer; a threaded wasm build's shared heap stays in XNNPACK.
        if (backend.typedArrayFromHeap(inputs.a).buffer instanceof SharedArrayBuffer) return xnnpackBatchMatMul(kernel, args);
        return nativeBatchMatMul(native.gemm, inputs.a, inputs.b, attrs.transposeA === true, attrs.transposeB === true, backend);
      }
    : (args) => xnnpackBatchMatMul(kernel, args);
  return { ...original, kernelFunc: batchMatMul as unknown as tf.KernelFunc };
}
