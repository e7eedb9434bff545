import { DATASET_OPTIONS, loadDatasetFromArgs } from "./dataset-args";
import type { Command } from "./main";
import { intOption, numberOption, parseCommand } from "./options";
import { FINETUNE_DEFAULTS as D } from "../train/finetune-defaults";

const HELP = `usage: bertlab finetune --data FILE --format builtin|clinc|csv|tsv|jsonl --out DIR [options]

Fine-tunes BERT + the course's head (dropout 0.2, dense softmax on the pooled output) for
intent classification. The last stdout line is JSON:
  {"val_accuracy", "test_accuracy", "macro_f1", "seconds", "stopped_by", "curve": [per epoch:
   {"epoch", "step", "seconds", "val_accuracy"}], ...}

options:
  --data FILE            dataset file ("builtin" or omitted with --format builtin)
  --format NAME          builtin | clinc | csv | tsv | jsonl (default: from the extension)
  --text-column C        text column (name, or 0-based index for header-less CSV)
  --label-column C       label column
  --split-column C       split column (train/val/test); without one, a stratified 60/20/20 split
  --no-header            the CSV/TSV has no header row
  --lang en|ko           built-in dataset: one language only
  --model DIR|HUB_ID     pretrained BERT (default: the shipped models/bertlab-mini)
  --from-scratch         the same network (config, tokenizer) with fresh random weights drawn
                         with --seed: what the pretraining buys, same recipe
  --epochs N             maximum epochs (default ${D.epochs}; early stopping usually ends sooner)
  --max-steps N          budget in optimizer steps (default ${D.maxSteps}): the schedule spans
                         min(epochs × steps per epoch, N), so large datasets stop in time
  --batch-size N         default ${D.batchSize}
  --lr X                 peak learning rate (default ${D.learningRate.toExponential()})
  --max-seq-length N     default ${D.maxSeqLength}
  --patience N           early-stopping patience in epochs (default ${D.patience})
  --reinit-layers N      re-initialise the pooler and the top N encoder layers first (default ${D.reinitializeTopLayers}; 0 keeps all)
  --seed N               default ${D.seed}
  --out DIR              where the fine-tuned classifier is saved (required)
  --json                 print only the JSON line`;

export const command: Command = {
  summary: "fine-tune BERT for intent classification",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "finetune",
      help: HELP,
      options: {
        ...DATASET_OPTIONS,
        model: { type: "string" },
        "from-scratch": { type: "boolean", default: false },
        epochs: { type: "string" },
        "max-steps": { type: "string" },
        "batch-size": { type: "string" },
        lr: { type: "string" },
        "max-seq-length": { type: "string" },
        patience: { type: "string" },
        "reinit-layers": { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean", default: false },
      },
      required: { out: "DIR" },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values } = parsed;
    if (values.json) process.env.BERTLAB_QUIET = "1";
    const { shippedModelDir } = require("../train/load-pretrained") as typeof import("../train/load-pretrained");
    const { IntentClassifier } = require("../train/intent-classifier") as typeof import("../train/intent-classifier");
    const { finetune } = require("../train/finetune") as typeof import("../train/finetune");
    const dataset = loadDatasetFromArgs(values);
    const start = {
      labels: dataset.labels,
      maxSeqLength: intOption(values["max-seq-length"], "--max-seq-length"),
      seed: intOption(values.seed, "--seed"),
    };
    const modelDir = values.model ?? shippedModelDir();
    const classifier = values["from-scratch"] ? await IntentClassifier.fromScratch(modelDir, start) : await IntentClassifier.fromPretrained(modelDir, start);
    const result = await finetune(classifier, dataset, {
      epochs: intOption(values.epochs, "--epochs"),
      maxSteps: intOption(values["max-steps"], "--max-steps"),
      batchSize: intOption(values["batch-size"], "--batch-size"),
      learningRate: numberOption(values.lr, "--lr"),
      patience: intOption(values.patience, "--patience"),
      reinitializeTopLayers: intOption(values["reinit-layers"], "--reinit-layers"),
      seed: intOption(values.seed, "--seed"),
      outDir: values.out,
      progress: !values.json,
      onEpoch: values.json
        ? undefined
        : (e) => console.log(`epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)} | val loss ${e.valLoss.toFixed(4)} acc ${e.valAccuracy.toFixed(4)}`),
    });
    const test = result.test;
    const summary: Record<string, unknown> = {
      from_scratch: values["from-scratch"] === true,
      val_accuracy: result.val.report.accuracy,
      test_accuracy: test?.report.accuracy ?? null,
      macro_f1: (test ?? result.val).report.macroF1,
      seconds: Math.round(result.seconds * 10) / 10,
      best_epoch: result.bestEpoch + 1,
      epochs_run: result.epochs.length,
      steps: result.steps,
      stopped_by: result.stoppedBy,
      // Validation accuracy against time, one point per epoch: "accuracy against minutes".
      curve: result.epochs.map((e) => ({ epoch: e.epoch + 1, step: e.step, seconds: Math.round(e.seconds * 10) / 10, val_accuracy: e.valAccuracy })),
      test_accuracy_by_lang: test ? Object.fromEntries(Object.entries(test.byLang).map(([k, v]) => [k, v.accuracy])) : undefined,
      oos_threshold: result.oosThreshold,
      in_scope_accuracy: test?.oos?.inScopeAccuracy,
      oos_recall: test?.oos?.oosRecall,
      out: values.out,
    };
    classifier.dispose();
    console.log(JSON.stringify(summary));
    return 0;
  },
};
