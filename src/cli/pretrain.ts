import type { Command } from "./main";
import { intOption, numberOption, parseCommand, usageError } from "./options";

const HELP = `usage: bertlab pretrain [--corpus DIR] [--config mini] --out DIR [options]

Pretrains a BERT from scratch with masked-LM + next-sentence prediction on a folder of .txt
files (one sentence per line, a blank line between documents), after training a WordPiece
vocabulary on the same text. Writes a Hugging Face layout checkpoint to --out.

options:
  --corpus DIR          corpus folder (default: the built-in data/corpus)
  --config NAME         tiny | mini | small | medium | base (default mini)
  --out DIR             output directory (required)
  --tokenizer DIR       reuse this tokenizer (tokenizer.json or vocab.txt) instead of training one
  --vocab-size N        WordPiece vocabulary size to train (default 8000)
  --lowercase           lowercase the text (default: cased)
  --steps N             optimizer steps (default: --epochs passes)
  --epochs N            passes over the corpus when --steps is not given (default 1)
  --batch-size N        default 32
  --max-seq-length N    default 64
  --lr X                peak learning rate (default 5e-4)
  --whole-word          whole-word masking
  --mask-probability P  share of tokens predicted (default 0.15)
  --mask-token-rate R   of those, the share shown as [MASK] (default 0.8)
  --random-token-rate R of those, the share shown as a random token (default 0.1); the rest stay
                        visible, so the model also learns to keep what it sees
  --snapshot-every N    keep the model every N steps in OUT/snapshots/step-N (a loadable checkpoint)
  --no-dropout          pretrain without dropout (short runs that underfit learn faster); config.json keeps it
  --seed N              default 0
  --eval-fraction X     share of documents held out for the MLM/NSP evaluation (default 0.05)
  --eval-every N        also evaluate (and keep the best model) every N steps (default: each epoch)
  --max-seconds S       end this run after S seconds with a checkpoint (resume it later)
  --stop-at-step N      end this run after step N with a checkpoint (resume it later)
  --checkpoint-every S  write a resumable checkpoint every S seconds (default 600) to OUT/checkpoints
  --checkpoint-every-steps N  also every N steps
  --resume DIR          continue the run whose --out was DIR from its newest checkpoint: weights,
                        optimizer state, schedule position, random generators and data position;
                        give the same options as the first run (a different model, vocabulary,
                        corpus or schedule is refused)
  --init-from DIR       continued pretraining: start from this pretrained checkpoint's weights and
                        vocabulary (a folder with config.json, model.safetensors, vocab/tokenizer),
                        with a fresh optimizer and schedule; --config and --vocab-size are ignored
  --f16                 store weights as float16 (half the size)
  --json                print only the final JSON summary line`;

export const command: Command = {
  summary: "pretrain a BERT with MLM + NSP on a text corpus",
  async run(argv) {
    const parsed = parseCommand(argv, {
      command: "pretrain",
      help: HELP,
      options: {
        corpus: { type: "string" },
        config: { type: "string", default: "mini" },
        out: { type: "string" },
        tokenizer: { type: "string" },
        "vocab-size": { type: "string" },
        lowercase: { type: "boolean", default: false },
        steps: { type: "string" },
        epochs: { type: "string" },
        "batch-size": { type: "string" },
        "max-seq-length": { type: "string" },
        lr: { type: "string" },
        "whole-word": { type: "boolean", default: false },
        "mask-probability": { type: "string" },
        "mask-token-rate": { type: "string" },
        "random-token-rate": { type: "string" },
        "snapshot-every": { type: "string" },
        "no-dropout": { type: "boolean", default: false },
        seed: { type: "string" },
        "eval-fraction": { type: "string" },
        "eval-every": { type: "string" },
        "max-seconds": { type: "string" },
        "stop-at-step": { type: "string" },
        "checkpoint-every": { type: "string" },
        "checkpoint-every-steps": { type: "string" },
        resume: { type: "string" },
        "init-from": { type: "string" },
        f16: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values } = parsed;
    // --out is required, but a resumed run writes to the folder it resumes.
    if (values.resume && values.out && values.resume !== values.out) {
      return usageError("pretrain", `--resume ${values.resume} and --out ${values.out} differ; a resumed run writes to the folder it resumes`);
    }
    if (values.resume) values.out = values.resume;
    if (!values.out) return usageError("pretrain", "--out DIR is required", HELP);
    if (values.json) process.env.BERTLAB_QUIET = "1";
    const { pretrainFromCorpus, builtinCorpusDir } = require("../train/pretrain-from-corpus") as typeof import("../train/pretrain-from-corpus");
    const { BertTokenizer } = require("../tokenization/bert-tokenizer") as typeof import("../tokenization/bert-tokenizer");
    const { BERT_PRESETS } = require("../model/config") as typeof import("../model/config");
    if (!(values.config in BERT_PRESETS)) throw new Error(`--config "${values.config}" is not a preset; use one of ${Object.keys(BERT_PRESETS).join(", ")}`);
    const masking = {
      maskProbability: numberOption(values["mask-probability"], "--mask-probability"),
      maskTokenRate: numberOption(values["mask-token-rate"], "--mask-token-rate"),
      randomTokenRate: numberOption(values["random-token-rate"], "--random-token-rate"),
    };
    const result = await pretrainFromCorpus({
      corpusDir: values.corpus ?? builtinCorpusDir(),
      outDir: values.out,
      config: values.config as keyof typeof BERT_PRESETS,
      tokenizer: values.tokenizer ? await BertTokenizer.fromPretrained(values.tokenizer) : undefined,
      vocabSize: intOption(values["vocab-size"], "--vocab-size"),
      lowercase: values.lowercase,
      steps: intOption(values.steps, "--steps"),
      epochs: intOption(values.epochs, "--epochs"),
      batchSize: intOption(values["batch-size"], "--batch-size"),
      maxSeqLength: intOption(values["max-seq-length"], "--max-seq-length"),
      learningRate: numberOption(values.lr, "--lr"),
      wholeWordMasking: values["whole-word"],
      // Only when given, so a run with BERT's masking resumes checkpoints written before these options existed.
      masking: Object.values(masking).some((v) => v !== undefined) ? masking : undefined,
      snapshotEverySteps: intOption(values["snapshot-every"], "--snapshot-every"),
      dropout: !values["no-dropout"],
      seed: intOption(values.seed, "--seed"),
      saveDtype: values.f16 ? "F16" : undefined,
      progress: !values.json,
      evalFraction: numberOption(values["eval-fraction"], "--eval-fraction"),
      evalEverySteps: intOption(values["eval-every"], "--eval-every"),
      maxSeconds: numberOption(values["max-seconds"], "--max-seconds"),
      stopAtStep: intOption(values["stop-at-step"], "--stop-at-step"),
      checkpointEverySeconds: numberOption(values["checkpoint-every"], "--checkpoint-every"),
      checkpointEverySteps: intOption(values["checkpoint-every-steps"], "--checkpoint-every-steps"),
      resume: values.resume !== undefined,
      initFrom: values["init-from"],
    });
    const last = result.evaluations[result.evaluations.length - 1];
    console.log(
      JSON.stringify({
        out: values.out,
        steps: result.steps,
        stopped_by: result.stoppedBy,
        resumed_from_step: result.resumedFromStep,
        tokens_seen: result.tokensSeen,
        seconds: Math.round(result.seconds),
        tokens_per_second: Math.round(result.tokensPerSecond),
        final_loss: result.curves.loss[result.curves.loss.length - 1],
        eval_mlm_loss: last?.mlmLoss,
        eval_mlm_accuracy: last?.mlmAccuracy,
        eval_nsp_accuracy: last?.nspAccuracy,
        vocab_size: result.vocabSize,
      }),
    );
    return 0;
  },
};
