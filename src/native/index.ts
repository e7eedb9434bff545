/**
 * Optional native GEMM (OpenBLAS through a small N-API addon, src/native/gemm.cc).
 *
 * tfjs-backend-wasm multiplies with XNNPACK in 128-bit WebAssembly SIMD on one thread;
 * OpenBLAS uses the CPU's full vector width and every core. The addon works on views of
 * the wasm heap, so the wasm backend keeps owning every tensor. It is opt-in
 * (`npm run setup:blas` compiles it); without it bertlab uses the wasm matmul.
 *
 * BERTLAB_NATIVE_GEMM=0 turns it off; BERTLAB_GEMM_THREADS=n sets OpenBLAS' thread count.
 */
import fs from "node:fs";
import path from "node:path";

export interface NativeGemm {
  /**
   * For each i: C_i = op(A_i) op(B_i) (+ a bias row of n floats at `biasOffset`, added to every
   * row), row-major float32 [m,k]·[k,n], operands at byte offsets into `heap`.
   */
  gemm(heap: ArrayBuffer, transA: boolean, transB: boolean, m: number, n: number, k: number,
    aOffsets: Float64Array, bOffsets: Float64Array, cOffsets: Float64Array, biasOffset?: number): void;
  /** Row-wise LayerNorm of x [rows, cols] with gamma, beta [cols], written to out (byte offsets into `heap`). */
  layerNorm(heap: ArrayBuffer, xOffset: number, gammaOffset: number, betaOffset: number, outOffset: number, rows: number, cols: number, eps: number): void;
  /** BERT's exact GELU, x·Φ(x), over n floats. */
  gelu(heap: ArrayBuffer, xOffset: number, outOffset: number, n: number): void;
  /** The float erf approximation gelu uses, over n floats (exposed for tests). */
  erf(heap: ArrayBuffer, xOffset: number, outOffset: number, n: number): void;
  setThreads(n: number): void;
  describe(): { library: string; threads: number };
}

export type NativeGemmStatus = { ok: true; gemm: NativeGemm; library: string; threads: number } | { ok: false; reason: string };

export const NATIVE_GEMM_FILE = "bertlab_gemm.node";

/** Where `npm run setup:blas` puts the addon: src/native/build, from source or from dist/native. */
export function nativeGemmCandidates(): string[] {
  return [path.join(__dirname, "build", NATIVE_GEMM_FILE), path.join(__dirname, "..", "..", "native", "build", NATIVE_GEMM_FILE)];
}

let status: NativeGemmStatus | undefined;

function disabled(value: string | undefined): boolean {
  return value !== undefined && ["0", "false", "off", "no"].includes(value.trim().toLowerCase());
}

/** Loads the addon once; a missing or broken addon is a reason, never an exception. */
export function nativeGemm(): NativeGemmStatus {
  if (status) return status;
  if (disabled(process.env.BERTLAB_NATIVE_GEMM)) return (status = { ok: false, reason: "disabled by BERTLAB_NATIVE_GEMM" });
  const file = nativeGemmCandidates().find((f) => fs.existsSync(f));
  if (!file) return (status = { ok: false, reason: "not built (opt-in: npm run setup:blas)" });
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const gemm = require(file) as NativeGemm;
    const threads = process.env.BERTLAB_GEMM_THREADS;
    if (threads !== undefined && threads !== "") {
      const n = Number(threads);
      if (!Number.isInteger(n) || n < 1) throw new Error(`BERTLAB_GEMM_THREADS="${threads}" is not a positive integer`);
      gemm.setThreads(n);
    }
    const { library, threads: used } = gemm.describe();
    status = { ok: true, gemm, library, threads: used };
  } catch (error) {
    status = { ok: false, reason: `${file} failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
  return status;
}

/** One line for logs: which matmul the wasm backend uses and why. */
export function describeNativeGemm(): string {
  const s = nativeGemm();
  return s.ok ? `native GEMM: ${s.library}, ${s.threads} thread(s)` : `native GEMM off: ${s.reason}`;
}
