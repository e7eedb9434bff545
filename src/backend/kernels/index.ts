/**
 * Kernels bertlab adds to (or reroutes on) the tfjs wasm backend so that every op the
 * course trains runs there, and runs fast:
 *  - UnsortedSegmentSum, the gradient of tf.gather (embedding tables), which wasm lacks;
 *  - BatchMatMul and _FusedMatMul: with transposeA/transposeB wasm takes a slow scalar
 *    loop, and every matmul gradient sets those flags. With the optional native GEMM
 *    (src/native, `npm run setup:blas`) the products run in OpenBLAS instead;
 *  - Identity and Cast, which copy on wasm where sharing the buffer is equivalent
 *    (the engine clones every tensor it saves for backprop);
 *  - Sum over leading axes (bias gradients), which wasm does by transposing first;
 *  - with the native GEMM, BertlabLayerNorm and BertlabGelu: BERT's LayerNorm and GELU in
 *    one kernel each, for inference (see ../inference.ts).
 * It also exports sparseSoftmaxCrossEntropy, the MLM loss with a direct gradient (any backend).
 * Registered when bertlab activates the wasm backend (src/backend/index.ts); also callable
 * directly by code that picks the wasm backend itself.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeGemm } from "../../native";
import { _FusedMatMul, fusedMatMulConfig } from "./fused-mat-mul";
import { BatchMatMul, batchMatMulConfig } from "./batch-mat-mul";
import { Cast, castConfig } from "./cast";
import { BertlabGelu, BertlabLayerNorm, geluConfig, layerNormConfig } from "./fused-bert-ops";
import { Identity, identityConfig } from "./identity";
import { Sum, sumConfig } from "./sum";
import { UnsortedSegmentSum, unsortedSegmentSumConfig } from "./unsorted-segment-sum";
import { originalWasmKernel } from "./transpose-operand";

/** Names of the wasm kernels bertlab provides or wraps. */
export const WASM_TRAINING_KERNELS: readonly string[] = [UnsortedSegmentSum, BatchMatMul, _FusedMatMul, Identity, Cast, Sum];

export interface WasmKernelOptions {
  /**
   * Use the native GEMM when it is built. Default: true on first registration, then whatever
   * was last chosen. BERTLAB_NATIVE_GEMM=0 turns it off everywhere.
   */
  nativeGemm?: boolean;
}

export interface WasmKernelState {
  /** "openblas" when matmuls run in the native GEMM, else "xnnpack". */
  matmul: "openblas" | "xnnpack";
  /** Why, in one line. */
  detail: string;
}

/** tfjs-backend-wasm's own kernels, captured before the first wrap. */
const originals = new Map<string, tf.KernelConfig>();
let installed: { config: tf.KernelConfig; useNative: boolean } | undefined;

function original(name: string): tf.KernelConfig {
  if (!originals.has(name)) originals.set(name, originalWasmKernel(name));
  return originals.get(name)!;
}

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, "wasm")) tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
}

/**
 * Installs bertlab's wasm training kernels. Idempotent: calling it again with the same
 * options changes nothing. Needs @tensorflow/tfjs-backend-wasm to be loaded (it registers
 * the kernels being wrapped); the backend need not be active.
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): WasmKernelState {
  const native = nativeGemm();
  // Without an explicit choice, an installed choice stands (re-activating wasm keeps it).
  const wanted = options.nativeGemm ?? (installed && tf.getKernel(UnsortedSegmentSum, "wasm") === installed.config ? installed.useNative : true);
  const useNative = wanted && native.ok;
  const state: WasmKernelState = useNative
    ? { matmul: "openblas", detail: `matmul in OpenBLAS (${native.ok ? `${native.library}, ${native.threads} thread(s)` : ""})` }
    : { matmul: "xnnpack", detail: `matmul in XNNPACK (${native.ok ? "native GEMM not chosen" : `native GEMM: ${native.reason}`})` };
  const current = tf.getKernel(UnsortedSegmentSum, "wasm");
  if (installed && current === installed.config && installed.useNative === useNative) return state;
  // Capture every original before the first replacement, since wrappers call some of them.
  for (const name of [BatchMatMul, _FusedMatMul, Identity, Cast, Sum, "Transpose", "Add"]) original(name);
  replaceKernel(batchMatMulConfig(original(BatchMatMul), useNative));
  replaceKernel(fusedMatMulConfig(original(_FusedMatMul), useNative));
  replaceKernel(identityConfig(original(Identity)));
  replaceKernel(castConfig(original(Cast)));
  replaceKernel(sumConfig(original(Sum)));
  replaceKernel(unsortedSegmentSumConfig);
  for (const name of [BertlabLayerNorm, BertlabGelu]) if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
  // An addon built before these kernels existed still serves the GEMM.
  if (useNative && native.ok && typeof native.gemm.layerNorm === "function") {
    tf.registerKernel(layerNormConfig(native.gemm));
    tf.registerKernel(geluConfig(native.gemm));
  }
  installed = { config: tf.getKernel(UnsortedSegmentSum, "wasm")!, useNative };
  return state;
}

export { UnsortedSegmentSum, BatchMatMul, _FusedMatMul, Identity, Cast, Sum, BertlabLayerNorm, BertlabGelu };
export { sparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyWithLogits } from "./sparse-softmax-cross-entropy-with-logits";
