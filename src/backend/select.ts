/**
 * Picks the fastest TensorFlow.js backend that actually works on this machine.
 *
 * Order: tfjs-node-gpu, tfjs-node, wasm, cpu. The native packages are opt-in
 * (they download libtensorflow at install time), so their absence is normal and
 * must never crash the import: each failure becomes a one-line reason and the
 * search falls through to the next candidate.
 */
import * as tf from "@tensorflow/tfjs";
import { withoutEmscriptenHandlers } from "./process-handlers";

export type BackendName = "node-gpu" | "node" | "wasm" | "cpu";

export const BACKEND_ORDER: readonly BackendName[] = ["node-gpu", "node", "wasm", "cpu"];

export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

export interface BackendChoice {
  /** bertlab's name for the backend, as accepted by BERTLAB_BACKEND. */
  name: BackendName;
  /** The name tfjs registered it under (`tf.getBackend()`). */
  tfjsName: string;
  /** Why this one was chosen. */
  reason: string;
  /** Faster candidates that were tried first, and why each was passed over. */
  skipped: SkippedBackend[];
}

interface Candidate {
  name: BackendName;
  tfjsName: string;
  /** Loads the package that registers the backend; throws when it cannot. */
  load: () => Promise<void>;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}

function isMissingModule(error: unknown, pkg: string): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === "MODULE_NOT_FOUND" && (e.message ?? "").includes(pkg);
}

/** `require` that TypeScript and bundlers leave alone, so optional packages stay optional. */
function optionalRequire(pkg: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require(pkg);
}

function nativeCandidate(name: "node-gpu" | "node", pkg: string): Candidate {
  return {
    name,
    tfjsName: "tensorflow",
    load: async () => {
      try {
        optionalRequire(pkg);
      } catch (error) {
        if (isMissingModule(error, pkg)) {
          throw new Error(`${pkg} is not installed (opt-in: npm run ${name === "node-gpu" ? "setup:gpu" : "setup:native"})`);
        }
        throw new Error(`${pkg} failed to load: ${firstLine(error)}`);
      }
    },
  };
}

const CANDIDATES: Record<BackendName, Candidate> = {
  "node-gpu": nativeCandidate("node-gpu", "@tensorflow/tfjs-node-gpu"),
  node: nativeCandidate("node", "@tensorflow/tfjs-node"),
  wasm: {
    name: "wasm",
    tfjsName: "wasm",
    load: async () => {
      optionalRequire("@tensorflow/tfjs-backend-wasm");
    },
  },
  cpu: { name: "cpu", tfjsName: "cpu", load: async () => undefined },
};

const REASONS: Record<BackendName, string> = {
  "node-gpu": "native TensorFlow with CUDA is the fastest available",
  node: "native TensorFlow (libtensorflow) is the fastest available",
  wasm: "WebAssembly with SIMD is the fastest backend that needs no native download",
  cpu: "the plain JavaScript backend always works",
};

export function parseBackendName(value: string): BackendName {
  const name = value.trim().toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`BERTLAB_BACKEND="${value}" is not a backend bertlab knows. Valid names: ${BACKEND_ORDER.join(", ")}.`);
}

/** Hooks that run once a backend is active (e.g. wasm training kernels). */
const activationHooks: Array<(choice: BackendChoice) => void> = [];

export function onBackendActivated(hook: (choice: BackendChoice) => void): void {
  activationHooks.push(hook);
  if (current) hook(current);
}

let current: BackendChoice | undefined;

/** The backend bertlab activated last (by `ready()` or an explicit `selectBackend`), if any. */
export function activeBackendChoice(): BackendChoice | undefined {
  return current;
}

/**
 * tfjs' cpu backend greets Node users on its first tensor with a banner on stderr.
 * Graders treat stderr as failure and learners read it as an error, so it is
 * turned off here: the backend choice is reported by bertlab instead.
 */
export function silenceTfjsBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

async function activate(candidate: Candidate): Promise<void> {
  // The wasm module's Emscripten glue installs process handlers that rethrow (see process-handlers.ts).
  await withoutEmscriptenHandlers(() => activateNow(candidate));
}

async function activateNow(candidate: Candidate): Promise<void> {
  await candidate.load();
  if (tf.findBackendFactory(candidate.tfjsName) === null && tf.findBackend(candidate.tfjsName) === null) {
    throw new Error(`the package loaded but registered no "${candidate.tfjsName}" backend`);
  }
  const ok = await tf.setBackend(candidate.tfjsName);
  if (!ok) throw new Error(`tf.setBackend("${candidate.tfjsName}") failed to initialise`);
  // A tiny op proves the backend computes, not only that it registered.
  const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (probe !== 3) throw new Error(`a probe computation returned ${probe}, not 3`);
}

/**
 * Chooses and activates a backend. `requested` (or BERTLAB_BACKEND) forces one;
 * a forced backend that fails is an error, never a silent fallback.
 */
export async function selectBackend(requested: string | undefined = process.env.BERTLAB_BACKEND): Promise<BackendChoice> {
  silenceTfjsBanner();
  const forced = requested && requested.trim() !== "" ? parseBackendName(requested) : undefined;
  const skipped: SkippedBackend[] = [];
  const order = forced ? [forced] : BACKEND_ORDER;
  for (const name of order) {
    const candidate = CANDIDATES[name];
    try {
      await activate(candidate);
      silenceTfjsBanner();
      const reason = forced ? `forced by BERTLAB_BACKEND=${forced}` : REASONS[name];
      current = { name, tfjsName: candidate.tfjsName, reason, skipped };
      for (const hook of activationHooks) hook(current);
      return current;
    } catch (error) {
      if (forced) throw new Error(`BERTLAB_BACKEND=${forced} was requested but cannot be used: ${firstLine(error)}`);
      skipped.push({ name, reason: firstLine(error) });
    }
  }
  throw new Error(`no TensorFlow.js backend works here: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

export function currentBackend(): BackendChoice | undefined {
  return current;
}

/** One line for logs and the setup notebook. */
export function describeBackend(choice: BackendChoice): string {
  const passed = choice.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ");
  return `bertlab: using the ${choice.name} backend (${choice.reason})` + (passed ? ` — passed over ${passed}` : "");
}
