/** Shared by the model tests: fixture paths and comparison of tensors with torch's numbers. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";

export const FIXTURES = path.resolve(__dirname, "../fixtures/model");
export const TINY = path.join(FIXTURES, "tiny-bert");
export const TINY_LEGACY = path.join(FIXTURES, "tiny-bert-legacy");

export interface FixtureInputs {
  input_ids: number[][];
  segment_ids: number[][];
  input_mask: number[][];
}

export interface FixtureExpected {
  sequence_output: number[][][];
  pooled_output: number[][];
  mlm_logits: number[][][];
  nsp_logits: number[][];
  attentions_last: number[][][][];
  hidden_states_first: number[][][];
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

export function fixture(dir: string): { inputs: FixtureInputs; expected: FixtureExpected } {
  return { inputs: readJson(path.join(dir, "inputs.json")), expected: readJson(path.join(dir, "expected.json")) };
}

/** Largest |actual - expected|, after checking the shapes agree. */
export function maxAbsDiff(actual: tf.Tensor, expected: unknown): number {
  const want = tf.tensor(expected as number[]);
  try {
    if (want.shape.join() !== actual.shape.join()) throw new Error(`shape [${actual.shape}] differs from expected [${want.shape}]`);
    const a = actual.dataSync();
    const e = want.dataSync();
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - e[i]));
    if (Number.isNaN(max)) throw new Error("NaN in output");
    return max;
  } finally {
    want.dispose();
  }
}
