/**
 * bench:finetune — fine-tune on the built-in bilingual intent dataset and report test accuracy
 * per language and wall time, for the shipped pretrained checkpoint and for the same network
 * trained from scratch (same config and tokenizer, fresh weights), plus single-utterance
 * prediction latency. Goal (issue 6): ≥ 92% test accuracy per language within 10 minutes on
 * 2 cores, prediction < 10 ms.
 *
 *   npm run bench:finetune -- [--json] [--model DIR] [--epochs N] [--lr X] [--reinit-layers N] [--start both|pretrained|scratch]
 */
import { parseArgs } from "node:util";
import { ready } from "../src/backend";
import { loadBuiltinIntents } from "../src/data";
import { BertModel } from "../src/model";
import { BertTokenizer } from "../src/tokenization";
import { finetune, FinetuneResult } from "../src/train/finetune";
import { IntentClassifier } from "../src/train/intent-classifier";
import { shippedModelDir } from "../src/train/load-pretrained";

interface Row {
  start: "pretrained" | "scratch";
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

function row(start: Row["start"], r: FinetuneResult): Row {
  const test = r.test!;
  return {
    start,
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      model: { type: "string" },
      epochs: { type: "string" },
      lr: { type: "string" },
      "reinit-layers": { type: "string" },
      start: { type: "string", default: "both" },
    },
  });
  if (values.json) process.env.BERTLAB_QUIET = "1";
  const backend = await ready();
  const modelDir = values.model ?? shippedModelDir();
  const dataset = loadBuiltinIntents({ includeOos: true });
  const options = {
    epochs: values.epochs ? Number(values.epochs) : undefined,
    learningRate: values.lr ? Number(values.lr) : undefined,
    reinitializeTopLayers: values["reinit-layers"] ? Number(values["reinit-layers"]) : undefined,
    progress: !values.json,
  };
  const rows: Row[] = [];
  let latency = NaN;
  if (!["both", "pretrained", "scratch"].includes(values.start!)) throw new Error(`--start must be both, pretrained or scratch, got "${values.start}"`);
  const starts: Row["start"][] = values.start === "both" ? ["pretrained", "scratch"] : [values.start as Row["start"]];
  for (const start of starts) {
    const tokenizer = await BertTokenizer.fromPretrained(modelDir);
    const pretrained = await BertModel.fromPretrained(modelDir);
    let bert = pretrained;
    if (start === "scratch") {
      bert = new BertModel(pretrained.config, { seed: 0 });
      pretrained.dispose();
    }
    const classifier = new IntentClassifier(bert, tokenizer, dataset.labels);
    const result = await finetune(classifier, dataset, options);
    rows.push(row(start, result));
    if (start === "pretrained") latency = predictLatencyMs(classifier, "I'd like to move 200 dollars into my savings account");
    classifier.dispose();
    if (!values.json) console.error(JSON.stringify(rows[rows.length - 1]));
  }
  if (!values.json) {
    const pct = (x: number | null): string => (x === null ? "  -  " : `${(100 * x).toFixed(1)}%`);
    console.log("| start | test acc (en) | test acc (ko) | test acc | macro-F1 | in-scope acc | OOS recall | epochs | time |");
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) {
      console.log(`| ${r.start} | ${pct(r.test_accuracy_en)} | ${pct(r.test_accuracy_ko)} | ${pct(r.test_accuracy)} | ${pct(r.macro_f1)} | ${pct(r.in_scope_accuracy)} | ${pct(r.oos_recall)} | ${r.epochs_run} (best ${r.best_epoch}) | ${r.seconds} s |`);
    }
    console.log(`prediction latency (one utterance, median): ${latency.toFixed(2)} ms`);
  }
  const pretrainedRow = rows[0];
  console.log(
    JSON.stringify({
      backend: backend.name,
      model: modelDir,
      rows,
      predict_latency_ms: latency,
      goal_92_per_language: pretrainedRow.start === "pretrained" ? (pretrainedRow.test_accuracy_en ?? 0) >= 0.92 && (pretrainedRow.test_accuracy_ko ?? 0) >= 0.92 : null,
      goal_10_minutes: pretrainedRow.start === "pretrained" ? pretrainedRow.seconds <= 600 : null,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
