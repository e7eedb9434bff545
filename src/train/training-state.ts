/**
 * Checkpoints a training run can resume from, so pretraining can gather hours over many runs and
 * a run killed at any moment (even with SIGKILL) loses only the steps since the last checkpoint.
 *
 * Layout of a checkpoint folder:
 *   checkpoint-<step>/model.safetensors      every weight, float32 (resuming needs full precision)
 *   checkpoint-<step>/optimizer.safetensors  AdamW's two moments per weight
 *   checkpoint-<step>/trainer_state.json     step, schedule and data position, RNG states, curves
 *   latest                                   the name of the newest complete checkpoint
 *
 * Writes are atomic: a checkpoint is written into a temporary folder and renamed into place only
 * when complete, then `latest` is replaced by rename. A reader therefore sees either the old or the
 * new checkpoint, never a half-written one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { SafetensorsReader, writeSafetensors } from "../checkpoint/safetensors";
import { AdamW, AdamWState } from "./adamw";
import { RandomState } from "./random";

/** Everything about a run that must be equal for a resumed run to continue it. */
export type RunFingerprint = Record<string, string | number | boolean | null>;

export interface TrainerState {
  format: 1;
  fingerprint: RunFingerprint;
  /** Optimizer steps taken. */
  step: number;
  /** Passes over the training pairs started so far (0-based index of the current one). */
  epoch: number;
  /** Batches of the current epoch already trained on. */
  batchInEpoch: number;
  /** Real tokens seen. */
  tokens: number;
  /** Training seconds summed over every run segment. */
  seconds: number;
  /** Generators that draw once per epoch are saved as they stood at its start; the others as they are now. */
  rng: { pairsAtEpochStart: RandomState; batchesAtEpochStart: RandomState; masks: RandomState; dropout: RandomState };
  /** Anything else the trainer keeps (curves, evaluations), as JSON. */
  history: unknown;
}

export interface TrainingCheckpoint {
  state: TrainerState;
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  optimizer: AdamWState;
  dir: string;
}

const LATEST = "latest";
const STATE_FILE = "trainer_state.json";

/** Writes a checkpoint of the run atomically and keeps only the newest `keep` ones. */
export async function saveTrainingCheckpoint(
  rootDir: string,
  state: TrainerState,
  weights: ReadonlyMap<string, tf.Variable>,
  optimizer: AdamW,
  keep = 2,
): Promise<string> {
  fs.mkdirSync(rootDir, { recursive: true });
  const name = `checkpoint-${state.step}`;
  const tmp = path.join(rootDir, `.tmp-${name}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
    for (const [weightName, v] of weights) tensors.push({ name: weightName, shape: v.shape, data: (await v.data()) as Float32Array });
    writeDurably(path.join(tmp, "model.safetensors"), () => writeSafetensors(path.join(tmp, "model.safetensors"), tensors));
    const opt = await optimizer.exportState();
    writeDurably(path.join(tmp, "optimizer.safetensors"), () =>
      writeSafetensors(path.join(tmp, "optimizer.safetensors"), opt.moments, { step_count: String(opt.stepCount) }),
    );
    writeDurably(path.join(tmp, STATE_FILE), () => fs.writeFileSync(path.join(tmp, STATE_FILE), JSON.stringify(state) + "\n"));
    const final = path.join(rootDir, name);
    fs.rmSync(final, { recursive: true, force: true });
    fs.renameSync(tmp, final);
    const latestTmp = path.join(rootDir, `.${LATEST}-${process.pid}`);
    writeDurably(latestTmp, () => fs.writeFileSync(latestTmp, name + "\n"));
    fs.renameSync(latestTmp, path.join(rootDir, LATEST));
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  for (const old of listCheckpoints(rootDir).slice(0, -keep)) fs.rmSync(path.join(rootDir, old), { recursive: true, force: true });
  return path.join(rootDir, name);
}

/** The newest complete checkpoint under `rootDir`, or undefined when there is none. */
export function loadLatestTrainingCheckpoint(rootDir: string): TrainingCheckpoint | undefined {
  if (!fs.existsSync(rootDir)) return undefined;
  let name: string | undefined;
  const latestFile = path.join(rootDir, LATEST);
  if (fs.existsSync(latestFile)) name = fs.readFileSync(latestFile, "utf8").trim();
  // `latest` may lag a checkpoint that was renamed into place just before a kill: take the newest.
  const all = listCheckpoints(rootDir);
  if (all.length > 0 && (!name || !all.includes(name) || stepOf(all[all.length - 1]) > stepOf(name))) name = all[all.length - 1];
  if (!name || !fs.existsSync(path.join(rootDir, name, STATE_FILE))) return undefined;
  const dir = path.join(rootDir, name);
  let state: TrainerState;
  try {
    state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8")) as TrainerState;
  } catch (error) {
    throw new Error(`${path.join(dir, STATE_FILE)} is not valid JSON: ${(error as Error).message}`);
  }
  if (state.format !== 1) throw new Error(`${path.join(dir, STATE_FILE)}: unknown trainer state format ${JSON.stringify(state.format)}`);
  const weights = readAll(path.join(dir, "model.safetensors"));
  const reader = SafetensorsReader.open(path.join(dir, "optimizer.safetensors"));
  let optimizer: AdamWState;
  try {
    const stepCount = Number(reader.metadata.step_count);
    optimizer = { stepCount, moments: reader.names().map((n) => ({ name: n, shape: reader.info(n).shape, data: reader.readFloat32(n) })) };
  } finally {
    reader.close();
  }
  return { state, weights, optimizer, dir };
}

/**
 * Refuses to resume a run whose settings differ from the checkpoint's, naming each difference:
 * continuing with another vocabulary, model size or data would silently train something else.
 */
export function checkFingerprint(saved: RunFingerprint, current: RunFingerprint, dir: string): void {
  const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])].sort();
  const differences = keys.filter((k) => saved[k] !== current[k]).map((k) => `${k}: checkpoint ${JSON.stringify(saved[k])}, this run ${JSON.stringify(current[k])}`);
  if (differences.length > 0) {
    throw new Error(`cannot resume from ${dir}: it was trained with other settings (${differences.join("; ")}). Resume with the same settings, or start a new run in another folder.`);
  }
}

function readAll(file: string): Map<string, { shape: number[]; data: Float32Array }> {
  const reader = SafetensorsReader.open(file);
  try {
    return new Map(reader.names().map((n) => [n, { shape: reader.info(n).shape, data: reader.readFloat32(n) }]));
  } finally {
    reader.close();
  }
}

function listCheckpoints(rootDir: string): string[] {
  return fs
    .readdirSync(rootDir)
    .filter((n) => /^checkpoint-\d+$/.test(n) && fs.existsSync(path.join(rootDir, n, STATE_FILE)))
    .sort((a, b) => stepOf(a) - stepOf(b));
}

function stepOf(name: string): number {
  return Number(name.slice("checkpoint-".length));
}

/** Runs `write`, then flushes the file to disk, so a checkpoint survives a machine crash too. */
function writeDurably(file: string, write: () => void): void {
  write();
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
