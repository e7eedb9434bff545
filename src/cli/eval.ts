import { DATASET_OPTIONS, loadDatasetFromArgs } from "./dataset-args";
import type { Command } from "./main";
import { parseCommand } from "./options";

const HELP = `usage: bertlab eval --model DIR --data FILE --format builtin|clinc|csv|tsv|jsonl [--json]

Evaluates a fine-tuned intent classifier on the test split (or --split val|train): accuracy,
macro-F1, per-intent precision/recall/F1, and, when the data has out-of-scope utterances,
CLINC-style in-scope accuracy and out-of-scope recall at the model's saved threshold.

options:
  --model DIR            a directory written by \`bertlab finetune\`
  --data FILE, --format NAME, --text-column C, --label-column C, --split-column C, --no-header, --lang en|ko
                         as for \`bertlab finetune\`
  --split NAME           test (default), val or train
  --threshold X          out-of-scope threshold (default: the one saved with the model)
  --json                 print one JSON line {accuracy, macro_f1, in_scope_accuracy, oos_recall, ...}`;

export const command: Command = {
  summary: "evaluate a fine-tuned intent classifier (accuracy, macro-F1, OOS)",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "eval",
      help: HELP,
      options: {
        model: { type: "string" },
        ...DATASET_OPTIONS,
        split: { type: "string", default: "test" },
        threshold: { type: "string" },
        json: { type: "boolean", default: false },
      },
      required: { model: "DIR" },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values } = parsed;
    const split = values.split as "train" | "val" | "test";
    if (!["train", "val", "test"].includes(split)) throw new Error(`--split must be train, val or test, got "${values.split}"`);
    if (values.json) process.env.BERTLAB_QUIET = "1";
    const { IntentClassifier } = require("../train/intent-classifier") as typeof import("../train/intent-classifier");
    const { evaluateIntents } = require("../train/evaluate-intents") as typeof import("../train/evaluate-intents");
    const dataset = loadDatasetFromArgs(values);
    const classifier = await IntentClassifier.fromPretrained(values.model);
    const threshold = values.threshold === undefined ? classifier.oosThreshold : Number(values.threshold);
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`--threshold must be a number in [0, 1], got "${values.threshold}"`);
    const examples = dataset[split];
    if (examples.length === 0) throw new Error(`the ${split} split of ${values.data ?? "the dataset"} is empty`);
    const oos = (dataset.oos ?? []).filter((e) => e.split === split);
    const result = evaluateIntents(classifier, examples, { oos, threshold });
    classifier.dispose();
    const summary = {
      accuracy: result.report.accuracy,
      macro_f1: result.report.macroF1,
      in_scope_accuracy: result.oos?.inScopeAccuracy ?? null,
      oos_recall: result.oos?.oosRecall ?? null,
      threshold,
      split,
      count: result.report.count,
      oos_count: oos.length,
      accuracy_by_lang: Object.fromEntries(Object.entries(result.byLang).map(([k, v]) => [k, v.accuracy])),
    };
    if (values.json) {
      console.log(JSON.stringify(summary));
      return 0;
    }
    console.log(`${split}: ${summary.count} utterances, accuracy ${pct(summary.accuracy)}, macro-F1 ${pct(summary.macro_f1)}`);
    for (const [lang, acc] of Object.entries(summary.accuracy_by_lang)) console.log(`  ${lang}: accuracy ${pct(acc)}`);
    if (result.oos) console.log(`out-of-scope (threshold ${threshold.toFixed(3)}): in-scope accuracy ${pct(result.oos.inScopeAccuracy)}, OOS recall ${pct(result.oos.oosRecall)} over ${oos.length}`);
    console.log("\nper intent (precision / recall / F1 / support):");
    const width = Math.max(...result.report.perClass.map((c) => c.label.length));
    for (const c of result.report.perClass) console.log(`  ${c.label.padEnd(width)}  ${pct(c.precision)}  ${pct(c.recall)}  ${pct(c.f1)}  ${c.support}`);
    console.log(JSON.stringify(summary));
    return 0;
  },
};

function pct(x: number): string {
  return `${(100 * x).toFixed(1).padStart(5)}%`;
}
