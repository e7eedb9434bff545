import { registerWasmTrainingKernels } from "./kernels";
import { activeBackendChoice, BackendChoice, describeBackend, onBackendActivated, parseBackendName, selectBackend } from "./select";

export * from "./select";
export { inTslabKernel, isEmscriptenRethrow, withoutEmscriptenHandlers } from "./process-handlers";
export { registerWasmTrainingKernels, sparseSoftmaxCrossEntropy, WASM_TRAINING_KERNELS } from "./kernels";
export type { WasmKernelOptions, WasmKernelState } from "./kernels";

// Training on wasm needs kernels tfjs-backend-wasm lacks (and faster matmul gradients);
// which matmul runs is part of the answer to "why is this fast or slow".
onBackendActivated((choice) => {
  if (choice.tfjsName !== "wasm") return;
  const state = registerWasmTrainingKernels();
  if (!choice.reason.includes(state.detail)) choice.reason += `; ${state.detail}`;
});

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== "" && v !== "0";
}

/** Choosing a backend prints nothing unless asked (BERTLAB_VERBOSE=1); `bertlab info` and 00-setup show the backend. */
function announce(): boolean {
  return envFlag("BERTLAB_VERBOSE") && !envFlag("BERTLAB_QUIET");
}

let readyPromise: Promise<BackendChoice> | undefined;

/**
 * Resolves once bertlab has chosen and activated its backend. Importing bertlab chooses nothing: the first
 * `ready()` does (every async bertlab API awaits it, and a notebook's first cell may `await ready()` to see the
 * choice). A backend already chosen with `selectBackend` is kept, so an explicit choice is never overridden later.
 * Tensors made before it (e.g. a tokenizer's `toTensors`) live on tfjs' default cpu backend and move when used.
 */
export function ready(): Promise<BackendChoice> {
  if (!readyPromise) {
    const chosen = activeBackendChoice();
    if (chosen) {
      readyPromise = Promise.resolve(chosen);
      return readyPromise;
    }
    // An unknown name is a mistake to report at once, not after a failed search.
    const requested = process.env.BERTLAB_BACKEND;
    if (requested) parseBackendName(requested);
    readyPromise = selectBackend(requested).then((choice) => {
      if (announce()) console.log(describeBackend(choice));
      return choice;
    });
    // Callers see the rejection when they await; nobody awaiting must not crash the process.
    readyPromise.catch(() => undefined);
  }
  return readyPromise;
}
