/**
 * Runs the same computation on the wasm and cpu backends, from the same plain-array
 * inputs, so test/backend can compare bertlab's wasm kernels against tfjs' reference.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend";

/** Activates wasm through bertlab, so its training kernels are registered as in real use. */
export async function useWasm(): Promise<void> {
  await selectBackend("wasm");
  assertBackend("wasm");
}

function assertBackend(name: string): void {
  if (tf.getBackend() !== name) throw new Error(`expected the ${name} backend to be active, got ${tf.getBackend()}`);
}

/** Evaluates `f` on `backend` and returns its tensors' values as plain arrays. */
export async function valuesOn(backend: "wasm" | "cpu", f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === "wasm") await useWasm();
  else await tf.setBackend("cpu");
  assertBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** Largest |a - b| over matching arrays; throws on a shape mismatch. */
export function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} vs ${b.length} tensors`);
  let worst = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) throw new Error(`tensor ${i}: ${x.length} vs ${b[i].length} values`);
    for (let j = 0; j < x.length; j++) {
      const d = Math.abs(x[j] - b[i][j]);
      if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
    }
  });
  return worst;
}

/** Deterministic values in [-scale, scale): Mulberry32, so both backends see identical inputs. */
export function seededValues(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
