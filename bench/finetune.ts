/**
 * bench:finetune — does pretraining pay off? Fine-tunes on the built-in bilingual intent dataset
 * and reports test accuracy per language and wall time, for the shipped pretrained checkpoint and
 * for the same network from scratch (same config, tokenizer and recipe, fresh weights), on
 *   (a) the full training split, and
 *   (b) a few-shot split: the first 5 training utterances per intent per language;
 * beside the n-gram logistic-regression baselines on the same splits (bench/intent_baselines_torch.py,
 * when Debian's python3-torch is there), plus single-utterance prediction latency.
 * Goals (issue 13): full split ≥ 85% per language and ≥ 8 points above scratch; few-shot ≥ 15 points
 * above scratch per language; ≤ 10 minutes; prediction < 10 ms.
 * The JSON summary is also written to bench/results/finetune.json (lesson 06 plots it).
 *
 * One few-shot run moves by several points with the seed (the head's initialisation, dropout masks,
 * batch order, and for scratch the network's weights), so `--seeds N` repeats every run with seeds
 * 0..N-1 and the goals are judged on the means; the summary gives each run and the mean ± sd.
 *
 *   npm run bench:finetune -- [--json] [--model DIR] [--splits full,few-shot] [--seeds N] [--epochs N] [--lr X] [--reinit-layers N] [--head-lr-scale X] [--start both|pretrained|scratch] [--out FILE]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ready } from "../src/backend";
import { fewShotSplit, loadBuiltinIntents } from "../src/data";
import { finetune, FinetuneResult } from "../src/train/finetune";
import { IntentClassifier } from "../src/train/intent-classifier";
import { shippedModelDir } from "../src/train/load-pretrained";

const FEW_SHOT = 5;
type Split = "full" | "few-shot";

interface Row {
  split: Split;
  train_examples: number;
  start: "pretrained" | "scratch";
  seed: number;
  test_accuracy: number;
  test_accuracy_en: number | null;
  test_accuracy_ko: number | null;
  macro_f1: number;
  val_accuracy: number;
  in_scope_accuracy: number | null;
  oos_recall: number | null;
  epochs_run: number;
  best_epoch: number;
  seconds: number;
}

function row(split: Split, trainExamples: number, start: Row["start"], seed: number, r: FinetuneResult): Row {
  const test = r.test!;
  return {
    split,
    train_examples: trainExamples,
    start,
    seed,
    test_accuracy: test.report.accuracy,
    test_accuracy_en: test.byLang.en?.accuracy ?? null,
    test_accuracy_ko: test.byLang.ko?.accuracy ?? null,
    macro_f1: test.report.macroF1,
    val_accuracy: r.val.report.accuracy,
    in_scope_accuracy: test.oos?.inScopeAccuracy ?? null,
    oos_recall: test.oos?.oosRecall ?? null,
    epochs_run: r.epochs.length,
    best_epoch: r.bestEpoch + 1,
    seconds: Math.round(r.seconds),
  };
}

interface MeanRow {
  split: Split;
  start: Row["start"];
  runs: number;
  test_accuracy: number;
  test_accuracy_sd: number;
  test_accuracy_en: number | null;
  test_accuracy_en_sd: number | null;
  test_accuracy_ko: number | null;
  test_accuracy_ko_sd: number | null;
  seconds_max: number;
}

/** Mean and sample standard deviation (0 for a single run). */
function meanAndSd(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.length > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1) : 0;
  return [mean, Math.sqrt(variance)];
}

/** One row per (split, start): the mean ± sd over its seeds, which is what the goals are judged on. */
function meanRows(rows: readonly Row[]): MeanRow[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.split}\t${r.start}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()].map((group) => {
    const stat = (pick: (r: Row) => number | null): [number | null, number | null] => {
      const xs = group.map(pick);
      return xs.some((x) => x === null) ? [null, null] : meanAndSd(xs as number[]);
    };
    const [all, allSd] = meanAndSd(group.map((r) => r.test_accuracy));
    const [en, enSd] = stat((r) => r.test_accuracy_en);
    const [ko, koSd] = stat((r) => r.test_accuracy_ko);
    return {
      split: group[0].split,
      start: group[0].start,
      runs: group.length,
      test_accuracy: all,
      test_accuracy_sd: allSd,
      test_accuracy_en: en,
      test_accuracy_en_sd: enSd,
      test_accuracy_ko: ko,
      test_accuracy_ko_sd: koSd,
      seconds_max: Math.max(...group.map((r) => r.seconds)),
    };
  });
}

/** Median wall time of predicting one utterance, after warm-up. */
function predictLatencyMs(classifier: IntentClassifier, text: string, runs = 50): number {
  for (let i = 0; i < 5; i++) classifier.predict([text]);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    classifier.predict([text]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

interface Baseline {
  features: number;
  test_accuracy: number;
  test_accuracy_en: number;
  test_accuracy_ko: number;
}

/** The n-gram baselines on a split, or why they were skipped. */
function baselines(split: Split): Record<string, Baseline> | string {
  const python = process.env.BERTLAB_PYTHON ?? "/usr/bin/python3";
  const args = [path.join(__dirname, "intent_baselines_torch.py"), "--json", ...(split === "few-shot" ? ["--few-shot", String(FEW_SHOT)] : [])];
  const run = spawnSync(python, args, { encoding: "utf8" });
  if (run.status !== 0) return `skipped: ${python} ${path.basename(args[0])} failed (${(run.stderr || String(run.error ?? "")).trim().split("\n").pop()})`;
  return (JSON.parse(run.stdout.trim().split("\n").pop()!) as { results: Record<string, Baseline> }).results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      model: { type: "string" },
      splits: { type: "string", default: "full,few-shot" },
      epochs: { type: "string" },
      lr: { type: "string" },
      "reinit-layers": { type: "string" },
      "head-lr-scale": { type: "string" },
      start: { type: "string", default: "both" },
      seeds: { type: "string", default: "1" },
      out: { type: "string" },
    },
  });
  if (values.json) process.env.BERTLAB_QUIET = "1";
  const backend = await ready();
  const modelDir = values.model ?? shippedModelDir();
  const full = loadBuiltinIntents({ includeOos: true });
  const options = {
    epochs: values.epochs ? Number(values.epochs) : undefined,
    learningRate: values.lr ? Number(values.lr) : undefined,
    reinitializeTopLayers: values["reinit-layers"] ? Number(values["reinit-layers"]) : undefined,
    headLearningRateScale: values["head-lr-scale"] ? Number(values["head-lr-scale"]) : undefined,
    progress: !values.json,
  };
  const splits = values.splits!.split(",").map((x) => x.trim());
  for (const s of splits) if (s !== "full" && s !== "few-shot") throw new Error(`--splits takes full and/or few-shot, got "${s}"`);
  if (!["both", "pretrained", "scratch"].includes(values.start!)) throw new Error(`--start must be both, pretrained or scratch, got "${values.start}"`);
  const seedCount = Number(values.seeds);
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds must be a positive integer, got "${values.seeds}"`);
  const starts: Row["start"][] = values.start === "both" ? ["pretrained", "scratch"] : [values.start as Row["start"]];
  const rows: Row[] = [];
  const baselineResults: Record<string, Record<string, Baseline> | string> = {};
  let latency = NaN;
  for (const split of splits as Split[]) {
    const dataset = split === "full" ? full : fewShotSplit(full, FEW_SHOT);
    baselineResults[split] = baselines(split);
    for (let seed = 0; seed < seedCount; seed++) {
      for (const start of starts) {
        const classifier = await (start === "scratch" ? IntentClassifier.fromScratch : IntentClassifier.fromPretrained)(modelDir, { labels: dataset.labels, seed });
        const result = await finetune(classifier, dataset, { ...options, seed });
        rows.push(row(split, dataset.train.length, start, seed, result));
        if (start === "pretrained" && split === "full" && seed === 0) latency = predictLatencyMs(classifier, "I'd like to move 200 dollars into my savings account");
        classifier.dispose();
        if (!values.json) console.error(JSON.stringify(rows[rows.length - 1]));
      }
    }
  }
  const means = meanRows(rows);
  const find = (split: Split, start: Row["start"]): MeanRow | undefined => means.find((r) => r.split === split && r.start === start);
  const gap = (split: Split, lang: "en" | "ko"): number | null => {
    const p = find(split, "pretrained"), s = find(split, "scratch");
    const a = lang === "en" ? p?.test_accuracy_en : p?.test_accuracy_ko;
    const b = lang === "en" ? s?.test_accuracy_en : s?.test_accuracy_ko;
    return a == null || b == null ? null : a - b;
  };
  const fullP = find("full", "pretrained");
  const goals = {
    full_85_per_language: fullP ? (fullP.test_accuracy_en ?? 0) >= 0.85 && (fullP.test_accuracy_ko ?? 0) >= 0.85 : null,
    full_8_points_over_scratch: gap("full", "en") === null ? null : gap("full", "en")! >= 0.08 && gap("full", "ko")! >= 0.08,
    few_shot_15_points_over_scratch: gap("few-shot", "en") === null ? null : gap("few-shot", "en")! >= 0.15 && gap("few-shot", "ko")! >= 0.15,
    ten_minutes: fullP ? fullP.seconds_max <= 600 : null,
    predict_under_10_ms: Number.isFinite(latency) ? latency < 10 : null,
  };
  if (!values.json) {
    const pct = (x: number | null | undefined): string => (x == null ? "  -  " : `${(100 * x).toFixed(1)}%`);
    console.log("| split | start | test acc (en) | test acc (ko) | test acc | macro-F1 | in-scope acc | OOS recall | epochs | time |");
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(`| ${r.split} (${r.train_examples}) | ${r.start}, seed ${r.seed} | ${pct(r.test_accuracy_en)} | ${pct(r.test_accuracy_ko)} | ${pct(r.test_accuracy)} | ${pct(r.macro_f1)} | ${pct(r.in_scope_accuracy)} | ${pct(r.oos_recall)} | ${r.epochs_run} (best ${r.best_epoch}) | ${r.seconds} s |`);
    }
    const pm = (mean: number | null, sd: number | null): string => (mean == null ? "  -  " : `${(100 * mean).toFixed(1)} ± ${(100 * (sd ?? 0)).toFixed(1)}`);
    if (seedCount > 1) {
      for (const m of means) console.log(`| ${m.split} | ${m.start}, mean ± sd of ${m.runs} | ${pm(m.test_accuracy_en, m.test_accuracy_en_sd)} | ${pm(m.test_accuracy_ko, m.test_accuracy_ko_sd)} | ${pm(m.test_accuracy, m.test_accuracy_sd)} | | | | | up to ${m.seconds_max} s |`);
    }
    for (const [split, b] of Object.entries(baselineResults)) {
      if (typeof b === "string") console.log(`| ${split} | n-gram baselines | ${b} |`);
      else for (const [kind, x] of Object.entries(b)) console.log(`| ${split} | ${kind} n-grams (logistic regression) | ${pct(x.test_accuracy_en)} | ${pct(x.test_accuracy_ko)} | ${pct(x.test_accuracy)} | | | | | |`);
    }
    console.log(`prediction latency (one utterance, median): ${latency.toFixed(2)} ms`);
  }
  const summary = { bench: "finetune", backend: backend.name, model: path.relative(process.cwd(), modelDir) || modelDir, few_shot_per_intent_per_language: FEW_SHOT, seeds: seedCount, rows, means, baselines: baselineResults, predict_latency_ms: latency, goals, date: new Date().toISOString() };
  const out = values.out ?? path.join(__dirname, "results", "finetune.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + ".tmp", JSON.stringify(summary, null, 1) + "\n");
  fs.renameSync(out + ".tmp", out);
  console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
