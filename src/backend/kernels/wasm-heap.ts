/**
 * The slice of tfjs-backend-wasm's BackendWasm that bertlab's kernels use.
 *
 * Every tensor on the wasm backend lives in the module's linear memory; a kernel
 * reads its inputs and writes its output through typed-array views of that heap,
 * so nothing is copied to or from JavaScript arrays.
 */
import type { DataType, KernelBackend, TensorInfo, TypedArray } from "@tensorflow/tfjs";

export interface WasmBackend extends KernelBackend {
  /** Allocates an output on the wasm heap. */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view (not a copy) of a tensor's bytes on the wasm heap. */
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
  /** Shares a tensor's buffer with one more owner. */
  incRef(dataId: object): void;
}

export function asWasmBackend(backend: unknown, kernel: string): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (!b || typeof b.makeOutput !== "function" || typeof b.typedArrayFromHeap !== "function") {
    throw new Error(`${kernel}: bertlab's kernel expects the tfjs wasm backend, got ${String((backend as object)?.constructor?.name)}`);
  }
  return b as WasmBackend;
}
