/**
 * bench:finetune-scale — does fine-tuning scale with the data? (issue 13)
 * Goal: on a dataset the size of a standard intent benchmark (150 intents × 100 training
 * utterances), `bertlab finetune` with its defaults finishes in ≤ 30 minutes on 2 cores and stops
 * when validation stops improving (its budget is in steps, `maxSteps`, not epochs).
 *
 * The dataset (bench/scale-dataset.ts): BANKING77 + HWU64, 141 intents, about 15,000 training,
 * 2,800 validation and 4,200 test utterances, read from local repository snapshots. The bench
 * runs the real CLI as a user would (`bertlab finetune --data FILE --format jsonl --out DIR --json`,
 * nothing else set), times it from launch to exit, then loads the saved classifier and reports
 * test accuracy per source (HWU64's text was in the pretraining corpus, BANKING77's was not) and
 * validation accuracy against minutes, one point per epoch. `--start both` also runs the same
 * command with `--from-scratch` (same network and tokenizer, random weights), one run after the other.
 *
 *   npm run bench:finetune-scale -- --from DIR [--start pretrained|scratch|both] [--model DIR] [--keep DIR] [--out FILE] [--json]
 *     [--max-steps N]   a quick check of the bench itself: not the defaults, so the goal is not judged
 *
 * DIR/OWNER+NAME/repo holds each source's git snapshot (PolyAI-LDN+task-specific-datasets,
 * xliuhw+NLU-Evaluation-Data). Results: bench/results/finetune-scale.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { IntentClassifier } from "../src/train/intent-classifier";
import { readScaleSources, ScaleExample, SCALE_SOURCES, splitScaleDataset } from "./scale-dataset";

const GOAL_MINUTES = 30;

interface CliSummary {
  val_accuracy: number;
  test_accuracy: number;
  macro_f1: number;
  seconds: number;
  best_epoch: number;
  epochs_run: number;
  steps: number;
  stopped_by: string;
  curve: { epoch: number; step: number; seconds: number; val_accuracy: number }[];
}

type Start = "pretrained" | "scratch";

interface ScaleRun {
  start: Start;
  load_average_at_start: number;
  /** From launching `bertlab finetune` to its exit: loading, tokenizing, training, evaluating, saving. */
  wall_minutes: number;
  training_minutes: number;
  steps: number;
  epochs_run: number;
  best_epoch: number;
  stopped_by: string;
  val_accuracy: number;
  test_accuracy: number;
  macro_f1: number;
  test_by_source: Record<string, { test_examples: number; test_accuracy: number }>;
  curve: { epoch: number; step: number; minutes: number; val_accuracy: number }[];
}

/** One `bertlab finetune` run with its defaults, timed from launch to exit, then its saved classifier scored per source. */
async function runFinetune(start: Start, dataFile: string, classifierDir: string, examples: readonly ScaleExample[], model: string | undefined, maxSteps: string | undefined, log: (s: string) => void): Promise<ScaleRun> {
  const bin = path.join(__dirname, "..", "node_modules", ".bin", "bertlab");
  const args = ["finetune", "--data", dataFile, "--format", "jsonl", "--out", classifierDir, "--json", ...(model ? ["--model", model] : []), ...(start === "scratch" ? ["--from-scratch"] : []), ...(maxSteps ? ["--max-steps", maxSteps] : [])];
  log(`running: bertlab ${args.join(" ")}`);
  const load = os.loadavg()[0];
  const t0 = Date.now();
  const run = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
  const wallSeconds = (Date.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`bertlab ${args.join(" ")} exited with ${run.status}`);
  const lines = run.stdout.trim().split("\n");
  const summary = JSON.parse(lines[lines.length - 1]) as CliSummary;

  // Test accuracy per source, from the saved classifier as a user would load it.
  const classifier = await IntentClassifier.fromPretrained(classifierDir);
  const test = examples.filter((e) => e.split === "test");
  const predictions = classifier.predict(test.map((e) => e.text), 1);
  classifier.dispose();
  const bySource: Record<string, { test_examples: number; test_accuracy: number }> = {};
  for (const source of SCALE_SOURCES.map((s) => s.id)) {
    const idx = test.map((e, i) => (e.source === source ? i : -1)).filter((i) => i >= 0);
    const correct = idx.filter((i) => predictions[i].intents[0].intent === test[i].intent).length;
    bySource[source] = { test_examples: idx.length, test_accuracy: correct / idx.length };
  }
  return {
    start,
    load_average_at_start: Math.round(load * 100) / 100,
    wall_minutes: Math.round((wallSeconds / 60) * 100) / 100,
    training_minutes: Math.round((summary.seconds / 60) * 100) / 100,
    steps: summary.steps,
    epochs_run: summary.epochs_run,
    best_epoch: summary.best_epoch,
    stopped_by: summary.stopped_by,
    val_accuracy: summary.val_accuracy,
    test_accuracy: summary.test_accuracy,
    macro_f1: summary.macro_f1,
    test_by_source: bySource,
    curve: summary.curve.map((p) => ({ epoch: p.epoch, step: p.step, minutes: Math.round((p.seconds / 60) * 100) / 100, val_accuracy: p.val_accuracy })),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      model: { type: "string" },
      start: { type: "string", default: "pretrained" },
      "max-steps": { type: "string" },
      keep: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.from) throw new Error("--from DIR is required: DIR/OWNER+NAME/repo must hold the git snapshots of " + SCALE_SOURCES.map((s) => s.repo).join(" and "));
  if (!["pretrained", "scratch", "both"].includes(values.start!)) throw new Error(`--start must be pretrained, scratch or both, got "${values.start}"`);
  const log = (s: string): void => {
    if (!values.json) console.log(s);
  };
  const work = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-scale-"));
  fs.mkdirSync(work, { recursive: true });
  const dataFile = path.join(work, "intents.jsonl");

  const dataset = splitScaleDataset(await readScaleSources(values.from));
  fs.writeFileSync(dataFile, dataset.examples.map((e) => JSON.stringify(e)).join("\n") + "\n");
  log(`dataset: ${dataset.intents} intents; train ${dataset.perSplit.train}, val ${dataset.perSplit.val}, test ${dataset.perSplit.test} (${dataset.droppedRepeats} repeats and ${dataset.droppedAmbiguous} texts shared by two intents dropped) -> ${dataFile}`);

  const starts: Start[] = values.start === "both" ? ["pretrained", "scratch"] : [values.start as Start];
  const runs: ScaleRun[] = [];
  for (const start of starts) runs.push(await runFinetune(start, dataFile, path.join(work, `classifier-${start}`), dataset.examples, values.model, values["max-steps"], log));
  const result = {
    dataset: {
      sources: SCALE_SOURCES.map((s) => ({ id: s.id, repo: s.repo, commit: s.commit, licence: s.licence })),
      intents: dataset.intents,
      ...dataset.perSplit,
      train_per_intent_cap: dataset.trainPerIntentCap,
      dropped_repeats: dataset.droppedRepeats,
      dropped_ambiguous: dataset.droppedAmbiguous,
    },
    model: values.model ?? "models/bertlab-mini (default)",
    machine: { cpus: os.cpus().length },
    runs,
    max_steps: values["max-steps"] ? Number(values["max-steps"]) : "default",
    // Judged only with bertlab finetune's defaults.
    goal: { wall_minutes_at_most: GOAL_MINUTES, met: values["max-steps"] ? null : runs.every((r) => r.wall_minutes <= GOAL_MINUTES) },
  };
  // The two saved classifiers are about 15 MB each: kept only when asked for.
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
  const out = values.out ?? path.join(__dirname, "results", "finetune-scale.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  for (const r of runs) {
    console.log(`\n${r.start}: validation accuracy against minutes (stopped by ${r.stopped_by} after ${r.steps} steps, best epoch ${r.best_epoch}):`);
    for (const p of r.curve) console.log(`  epoch ${String(p.epoch).padStart(2)}  step ${String(p.step).padStart(5)}  ${p.minutes.toFixed(1).padStart(5)} min  val ${(p.val_accuracy * 100).toFixed(1)}%`);
    console.log(`  test accuracy ${(r.test_accuracy * 100).toFixed(1)}% (${Object.entries(r.test_by_source).map(([s, x]) => `${s} ${(x.test_accuracy * 100).toFixed(1)}%`).join(", ")}); wall time ${r.wall_minutes.toFixed(1)} min on ${os.cpus().length} cores (goal ≤ ${GOAL_MINUTES})`);
  }
  console.log(`goal ${result.goal.met === null ? "not judged (--max-steps)" : result.goal.met ? "met" : "NOT met"}; results in ${out}`);
}

main().catch((e: unknown) => {
  console.error(`bench:finetune-scale: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
