/**
 * `npm run bench:pretraining-curve -- --run DIR [--start DIR] [--start-hours H] [--seeds N] [--every K] [--reference FILE] [--json] [--out FILE]`:
 * what more pretraining buys, as a curve. Issue 13 asks for fine-tuning accuracy against pretraining hours
 * whenever its goals are not met: the curve shows whether more hours would reach them.
 *
 * For every snapshot of a pretraining run (DIR/snapshots/step-N, written by `--snapshot-every`), and for the
 * checkpoint the run started from (`--start`, e.g. models/bertlab-mini for a continued run) and the same
 * network with random weights (hour 0), it measures:
 * - the frozen-feature probe of `bench:representations` (last layer's mean and the pooled output, per language);
 * - few-shot fine-tuning (5 utterances per intent per language, `bertlab finetune`'s defaults) with seeds
 *   0..N-1, test accuracy per language as mean ± sd. From scratch is the same for every snapshot (same config and
 *   tokenizer), so it is run once, as the first point.
 * Pretraining hours come from each snapshot's snapshot.json (seconds of the run, every resumed segment
 * included) plus `--start-hours` (the hours its starting checkpoint had already had). A snapshot written before
 * snapshot.json existed gets hours interpolated from the run's training_log.json, marked as estimated.
 *
 * Fine-tuning is the cost (about 2 minutes per seed and point on 2 cores), so the bench is incremental: points
 * already in `--out` for the same run and seeds are kept, and a new run measures only new snapshots. With
 * `--reference FILE` (a `bench:finetune --splits few-shot --start both --seeds N` result on the starting
 * checkpoint, same seeds), the scratch and starting points take their fine-tuning figures from it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ready } from "../src/backend";
import { readCheckpointConfig } from "../src/checkpoint";
import { fewShotSplit, loadBuiltinIntents } from "../src/data";
import { BertModel } from "../src/model";
import { BertTokenizer } from "../src/tokenization";
import { finetune } from "../src/train/finetune";
import { IntentClassifier } from "../src/train/intent-classifier";
import { FEW_SHOT, probeModel } from "./probe";

interface Point {
  label: string;
  step: number | null;
  hours: number;
  hours_estimated: boolean;
  probe: Record<string, number>;
  few_shot_en: number[];
  few_shot_ko: number[];
  few_shot_en_mean: number;
  few_shot_ko_mean: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

/**
 * Steps and seconds of a pretraining run so far, to place snapshots without snapshot.json: from its newest
 * training checkpoint (every resumed segment counted), else from training_log.json (its last segment).
 */
function runPace(runDir: string): { steps: number; seconds: number } | undefined {
  const latest = path.join(runDir, "checkpoints", "latest");
  if (fs.existsSync(latest)) {
    const state = path.join(runDir, "checkpoints", fs.readFileSync(latest, "utf8").trim(), "trainer_state.json");
    if (fs.existsSync(state)) {
      const { step, seconds } = JSON.parse(fs.readFileSync(state, "utf8")) as { step: number; seconds: number };
      return { steps: step, seconds };
    }
  }
  const log = path.join(runDir, "training_log.json");
  if (!fs.existsSync(log)) return undefined;
  const { steps, seconds, resumedFromStep } = JSON.parse(fs.readFileSync(log, "utf8")) as { steps: number; seconds: number; resumedFromStep?: number };
  return { steps: steps - (resumedFromStep ?? 0), seconds };
}

function snapshotHours(dir: string, step: number, pace: { steps: number; seconds: number } | undefined): { hours: number; estimated: boolean } {
  const file = path.join(dir, "snapshot.json");
  if (fs.existsSync(file)) return { hours: (JSON.parse(fs.readFileSync(file, "utf8")) as { seconds: number }).seconds / 3600, estimated: false };
  if (!pace) throw new Error(`${dir} has no snapshot.json and ${path.dirname(path.dirname(dir))} neither a training checkpoint nor a training_log.json: its pretraining hours are unknown`);
  return { hours: (step * pace.seconds) / pace.steps / 3600, estimated: true };
}

/** Points measured by an earlier run of this bench into the same file, for the same run and seeds. */
function previousPoints(file: string, run: string, seeds: number): Map<string, Point> {
  if (!fs.existsSync(file)) return new Map();
  const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { run?: string; seeds?: number; points?: Point[] };
  if (saved.run !== run || saved.seeds !== seeds) return new Map();
  return new Map((saved.points ?? []).map((p) => [p.label, p]));
}

/** Few-shot test accuracies per seed from a bench:finetune result, for the scratch and pretrained starts. */
function referenceFewShot(file: string, seeds: number): Record<"scratch" | "pretrained", { en: number[]; ko: number[] }> {
  const bench = JSON.parse(fs.readFileSync(file, "utf8")) as { rows: Array<{ split: string; start: string; seed?: number; test_accuracy_en: number; test_accuracy_ko: number }> };
  const pick = (start: string): { en: number[]; ko: number[] } => {
    const rows = Array.from({ length: seeds }, (_, seed) => bench.rows.find((r) => r.split === "few-shot" && r.start === start && (r.seed ?? 0) === seed));
    const missing = rows.findIndex((r) => r === undefined);
    if (missing >= 0) throw new Error(`${file} has no few-shot ${start} row for seed ${missing}: run bench:finetune --splits few-shot --start both --seeds ${seeds}`);
    return { en: rows.map((r) => r!.test_accuracy_en), ko: rows.map((r) => r!.test_accuracy_ko) };
  };
  return { scratch: pick("scratch"), pretrained: pick("pretrained") };
}

async function measure(label: string, bert: (seed: number) => Promise<BertModel>, tokenizer: BertTokenizer, seeds: number, where: { step: number | null; hours: number; estimated: boolean }, known?: { en: number[]; ko: number[] }): Promise<Point> {
  const dataset = fewShotSplit(loadBuiltinIntents({ includeOos: true }), FEW_SHOT);
  const frozen = await bert(0);
  const probeRows = probeModel(frozen, tokenizer);
  frozen.dispose();
  const probe: Record<string, number> = {};
  const layers = lastLayer(probeRows);
  for (const r of probeRows) if (r.feature === `mean h${layers}` || r.feature === "pooled") probe[`${r.lang} ${r.feature === "pooled" ? "pooled" : "last layer"}`] = r.accuracy;
  const en: number[] = known ? [...known.en] : [];
  const ko: number[] = known ? [...known.ko] : [];
  for (let seed = en.length; seed < seeds; seed++) {
    const classifier = new IntentClassifier(await bert(seed), tokenizer, dataset.labels, { seed });
    const result = await finetune(classifier, dataset, { seed, progress: false });
    classifier.dispose();
    en.push(result.test!.byLang.en!.accuracy);
    ko.push(result.test!.byLang.ko!.accuracy);
    console.error(`${label}, seed ${seed}: en ${(100 * en[seed]).toFixed(1)}%, ko ${(100 * ko[seed]).toFixed(1)}%`);
  }
  return { label, step: where.step, hours: where.hours, hours_estimated: where.estimated, probe, few_shot_en: en, few_shot_ko: ko, few_shot_en_mean: mean(en), few_shot_ko_mean: mean(ko) };
}

/** The highest encoder layer the probe reported ("mean h4" for a 4-layer model). */
function lastLayer(rows: readonly { feature: string }[]): number {
  return Math.max(...rows.map((r) => /^mean h(\d+)$/.exec(r.feature)?.[1]).filter((x): x is string => x !== undefined).map(Number));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      run: { type: "string" },
      start: { type: "string" },
      "start-hours": { type: "string", default: "0" },
      seeds: { type: "string", default: "3" },
      every: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      reference: { type: "string" },
    },
  });
  if (!values.run) throw new Error("--run DIR is required: a pretraining run's folder, with snapshots/step-N inside (pretrain --snapshot-every N)");
  const runDir = path.resolve(values.run);
  const snapshotsDir = path.join(runDir, "snapshots");
  if (!fs.existsSync(snapshotsDir)) throw new Error(`${snapshotsDir} does not exist: pretrain with --snapshot-every N to keep snapshots`);
  const seeds = Number(values.seeds);
  const every = Number(values.every);
  const startHours = Number(values["start-hours"]);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds must be a positive integer, got "${values.seeds}"`);
  if (!Number.isInteger(every) || every < 1) throw new Error(`--every must be a positive integer, got "${values.every}"`);
  if (!(startHours >= 0)) throw new Error(`--start-hours must be a number ≥ 0, got "${values["start-hours"]}"`);
  await ready();
  const out = values.out ?? path.join(__dirname, "results", "pretraining-curve.json");
  const runName = path.relative(process.cwd(), runDir) || runDir;
  const earlier = previousPoints(out, runName, seeds);
  // Every `every`-th snapshot and the last, plus any an earlier run of this bench already measured.
  const snapshots = fs
    .readdirSync(snapshotsDir)
    .map((name) => ({ name, step: Number(/^step-(\d+)$/.exec(name)?.[1]) }))
    .filter((s) => Number.isInteger(s.step) && fs.existsSync(path.join(snapshotsDir, s.name, "model.safetensors")))
    .sort((a, b) => a.step - b.step)
    .filter((s, i, all) => (i + 1) % every === 0 || i === all.length - 1 || earlier.has(s.name));
  if (snapshots.length === 0) throw new Error(`${snapshotsDir} holds no step-N snapshot with a model.safetensors`);
  const tokenizer = await BertTokenizer.fromPretrained(path.join(snapshotsDir, snapshots[0].name));
  const config = readCheckpointConfig(path.join(snapshotsDir, snapshots[0].name));
  const reference = values.reference ? referenceFewShot(values.reference, seeds) : undefined;
  const points: Point[] = [];
  const save = (): void => {
    const summary = { bench: "pretraining-curve", run: runName, start: values.start ?? null, seeds, few_shot_per_intent_per_language: FEW_SHOT, reference: values.reference ?? null, points, date: new Date().toISOString() };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out + ".tmp", JSON.stringify(summary, null, 1) + "\n");
    fs.renameSync(out + ".tmp", out);
  };
  // Each point is saved as soon as it is measured, so a stopped bench keeps what it measured.
  const add = async (label: string, bert: (seed: number) => Promise<BertModel>, where: { step: number | null; hours: number; estimated: boolean }, known?: { en: number[]; ko: number[] }): Promise<void> => {
    const kept = earlier.get(label);
    points.push(kept ?? (await measure(label, bert, tokenizer, seeds, where, known)));
    save();
  };
  await add("random weights (from scratch)", async (seed) => new BertModel(config, { seed }), { step: null, hours: 0, estimated: false }, reference?.scratch);
  if (values.start) {
    const start = path.resolve(values.start);
    await add(path.relative(process.cwd(), start) || start, () => BertModel.fromPretrained(start), { step: 0, hours: startHours, estimated: false }, reference?.pretrained);
  }
  const pace = runPace(runDir);
  for (const s of snapshots) {
    const dir = path.join(snapshotsDir, s.name);
    const { hours, estimated } = snapshotHours(dir, s.step, pace);
    await add(s.name, () => BertModel.fromPretrained(dir), { step: s.step, hours: startHours + hours, estimated });
  }
  if (values.json) {
    console.log(fs.readFileSync(out, "utf8").trim());
    return;
  }
  const pct = (x: number | undefined): string => (x === undefined ? "-" : `${(100 * x).toFixed(1)}%`);
  console.log(`| point | pretraining hours | few-shot en (mean ± sd of ${seeds}) | few-shot ko | probe en last / pooled | probe ko last / pooled |`);
  console.log("|---|---|---|---|---|---|");
  for (const p of points) {
    console.log(
      `| ${p.label} | ${p.hours.toFixed(2)}${p.hours_estimated ? " (est.)" : ""} | ${(100 * p.few_shot_en_mean).toFixed(1)} ± ${(100 * sd(p.few_shot_en)).toFixed(1)} | ${(100 * p.few_shot_ko_mean).toFixed(1)} ± ${(100 * sd(p.few_shot_ko)).toFixed(1)} | ${pct(p.probe["en last layer"])} / ${pct(p.probe["en pooled"])} | ${pct(p.probe["ko last layer"])} / ${pct(p.probe["ko pooled"])} |`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
