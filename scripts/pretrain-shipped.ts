/**
 * `npm run pretrain`: the recipe of the checkpoint shipped in models/bertlab-mini.
 *
 * - Text: data/corpus, read recursively: the public English + Korean corpus that
 *   `npm run corpus:build` makes from its pinned sources (data/corpus/public, see DATASHEET.md),
 *   the project's own documents (data/corpus/en, ko), plus the training split of the built-in
 *   intent dataset, its utterances grouped per intent and language into pseudo-documents of 8
 *   (so NSP's "next sentence" is another utterance of the same intent). Validation and test
 *   utterances are never seen, and corpus:build removed every corpus sentence equal to one of them.
 * - Vocabulary: cased WordPiece, 16,000 tokens, Hugging Face's frequency rule, trained on a sample
 *   balanced across the two languages (equal numbers of English and Korean sentences), with the
 *   alphabet limited to the 2,000 most frequent characters (limit_alphabet): emoji, Hanja and
 *   one-off symbols of real reviews would otherwise take thousands of slots.
 * - Model: BERT-mini (4 layers, hidden 256, 4 heads, FF 1024), max 128 positions, the MLM bias
 *   started at the corpus's log unigram frequencies (src/train/unigram-prior.ts).
 * - Training: MLM (15%, 80/10/10, whole-word masking) + NSP (50%), batch 32 at sequence length 64,
 *   AdamW lr 1e-3 with 10% warmup and linear decay to the recipe's step count, weight decay 0.01,
 *   clipping at 1.0, seed 0, no dropout (the run underfits; "Cramming", Geiping & Goldstein 2023).
 *   The saved config keeps dropout 0.1 for fine-tuning. About 300 held-out corpus documents give
 *   the MLM/NSP evaluation every 500 steps; the best model by held-out MLM loss is saved.
 * - Hours over many runs: a checkpoint with optimizer, schedule, RNG and data position is written to
 *   OUT/checkpoints every 5 minutes; `npm run pretrain -- --resume` continues it exactly.
 * - Saved as float16 safetensors with tokenizer.json, vocab.txt and training_log.json.
 *
 * - Phase 2, continued pretraining (`--continue-from DIR`): the same text, but starting from phase 1's
 *   weights and vocabulary with a fresh AdamW and schedule (peak lr 5e-4, 5% warmup), and the intents'
 *   training utterances (text only, no labels) repeated `--intent-repeats` times (default 8), as
 *   task-adaptive pretraining does (Gururangan et al. 2020, "Don't Stop Pretraining"): the model spends
 *   more of its budget on the kind of sentence it will be fine-tuned on.
 *
 * - Domain mix (`--leave-out nsmc-01.txt,nsmc-02.txt`): corpus files left out of this run, so that a
 *   continued run spends more of its steps on request-like text (HWU64, SGD, 3i4K, the intents) than
 *   on movie reviews, without repeating documents (a repeated document could sit in both the training
 *   and the held-out part).
 *
 * Options: --out DIR (default models/bertlab-mini), --steps N (default 12000: the schedule's length),
 * --resume (continue the run in --out), --max-seconds S (end this run segment after S seconds with a
 * checkpoint), --stop-at-step N, --continue-from DIR (phase 2), --intent-repeats N, --lr X,
 * --leave-out NAMES (comma-separated corpus file names), --mask-probability P, --mask-token-rate R,
 * --random-token-rate R (the masking of training batches; default BERT's 0.15 and 80/10/10),
 * --snapshot-every N (keep the model every N steps in OUT/snapshots/step-N, for the curve of
 * fine-tuning accuracy against pretraining hours).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadBuiltinIntents } from "../src/data";
import { Random } from "../src/train/random";
import { pretrainFromCorpus, builtinCorpusDir } from "../src/train/pretrain-from-corpus";
import { corpusFiles, readCorpus, TextDocument } from "../src/train/corpus";
import { trainWordPiece } from "../src/tokenization/train-wordpiece";
import { BertTokenizer } from "../src/tokenization/bert-tokenizer";
import { unpackCorpus } from "./build-corpus";

const RECIPE = {
  steps: 12000,
  vocabSize: 16000,
  limitAlphabet: 2000,
  vocabSentencesPerLanguage: 150_000,
  batchSize: 32,
  maxSeqLength: 64,
  learningRate: 1e-3,
  seed: 0,
  utterancesPerDocument: 8,
  intentRepeats: 2,
  evalDocuments: 300,
  evalEverySteps: 500,
  checkpointEverySeconds: 300,
};

/**
 * Training utterances grouped per (language, intent) into shuffled pseudo-documents, `repeats`
 * times with a different shuffle each time: the utterances are 5% of the text, and repeating them
 * spends more of the budget on the domain the checkpoint is for.
 */
function intentDocuments(seed: number, repeats: number): { documents: TextDocument[]; texts: string[] } {
  const dataset = loadBuiltinIntents();
  const groups = new Map<string, string[]>();
  for (const e of dataset.train) {
    const key = `${e.lang ?? ""}\t${e.intent}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(e.text);
  }
  const rng = new Random(seed);
  const documents: TextDocument[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const key of [...groups.keys()].sort()) {
      const texts = rng.shuffle(groups.get(key)!.slice());
      for (let i = 0; i < texts.length; i += RECIPE.utterancesPerDocument) documents.push(texts.slice(i, i + RECIPE.utterancesPerDocument));
    }
  }
  return { documents: documents.filter((d) => d.length >= 2), texts: dataset.train.map((e) => e.text) };
}

const HANGUL = /[\uac00-\ud7a3]/;

/**
 * The vocabulary's training text: the same number of English and Korean sentences (a seeded
 * sample of each), so neither language is spelled out piece by piece for lack of budget.
 */
function balancedVocabSample(documents: readonly TextDocument[], perLanguage: number, seed: number): string[] {
  const ko: string[] = [];
  const en: string[] = [];
  for (const doc of documents) for (const sentence of doc) (HANGUL.test(sentence) ? ko : en).push(sentence);
  const rng = new Random(seed);
  const take = (list: string[]): string[] => rng.shuffle(list).slice(0, perLanguage);
  const n = Math.min(perLanguage, ko.length, en.length);
  return [...take(en).slice(0, n), ...take(ko).slice(0, n)];
}

/**
 * A copy of the corpus folder without the files named in `leaveOut` (same relative paths, so the
 * remaining files keep their order and a resumed run sees the same documents). Unknown names are an
 * error, so a typo cannot silently train on everything.
 */
function corpusWithout(corpusDir: string, leaveOut: readonly string[]): { dir: string; cleanup: () => void } {
  const files = corpusFiles(corpusDir);
  const names = new Set(files.map((f) => path.basename(f)));
  const unknown = leaveOut.filter((n) => !names.has(n));
  if (unknown.length > 0) throw new Error(`--leave-out: no corpus file named ${unknown.map((n) => `"${n}"`).join(", ")} under ${corpusDir}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-corpus-view-"));
  for (const file of files) {
    if (leaveOut.includes(path.basename(file))) continue;
    const target = path.join(dir, path.relative(corpusDir, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      steps: { type: "string" },
      "max-seconds": { type: "string" },
      "stop-at-step": { type: "string" },
      resume: { type: "boolean", default: false },
      "continue-from": { type: "string" },
      "intent-repeats": { type: "string" },
      lr: { type: "string" },
      "leave-out": { type: "string" },
      "mask-probability": { type: "string" },
      "mask-token-rate": { type: "string" },
      "random-token-rate": { type: "string" },
      "snapshot-every": { type: "string" },
    },
  });
  const rate = (name: "mask-probability" | "mask-token-rate" | "random-token-rate"): number | undefined => {
    const text = values[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!(value >= 0 && value <= 1)) throw new Error(`--${name} must be a number in [0, 1], got "${text}"`);
    return value;
  };
  const masking = { maskProbability: rate("mask-probability"), maskTokenRate: rate("mask-token-rate"), randomTokenRate: rate("random-token-rate") };
  const customMasking = Object.values(masking).some((v) => v !== undefined);
  const snapshotEvery = values["snapshot-every"] ? Number(values["snapshot-every"]) : undefined;
  const continueFrom = values["continue-from"] ? path.resolve(values["continue-from"]) : undefined;
  const outDir = path.resolve(values.out ?? path.resolve(__dirname, "../models/bertlab-mini"));
  const steps = values.steps ? Number(values.steps) : RECIPE.steps;
  const fullCorpusDir = builtinCorpusDir();
  // A fresh clone holds the public corpus compressed (data/corpus/public/**/*.txt.gz): restore the .txt files
  // (checked against stats.json) before reading, so that the recipe sees exactly the shipped text.
  unpackCorpus(path.join(fullCorpusDir, "public"), (m) => console.error(`pretrain: ${m}`));
  const leaveOut = (values["leave-out"] ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");
  const view = leaveOut.length > 0 ? corpusWithout(fullCorpusDir, leaveOut) : undefined;
  process.on("exit", () => view?.cleanup());
  const corpusDir = view?.dir ?? fullCorpusDir;
  const intentRepeats = values["intent-repeats"] ? Number(values["intent-repeats"]) : continueFrom ? 8 : RECIPE.intentRepeats;
  if (!Number.isInteger(intentRepeats) || intentRepeats < 1) throw new Error(`--intent-repeats must be a positive integer, got "${values["intent-repeats"]}"`);
  const intents = intentDocuments(RECIPE.seed, intentRepeats);
  const started = Date.now();
  const log = (event: string, fields: Record<string, unknown>): void =>
    console.log(JSON.stringify({ event, ...fields, elapsed_s: Math.round((Date.now() - started) / 1000), time: new Date().toISOString() }));

  let tokenizer: BertTokenizer | undefined;
  const corpusDocuments = readCorpus(corpusDir);
  if (!values.resume && !continueFrom) {
    const sample = balancedVocabSample(corpusDocuments, RECIPE.vocabSentencesPerLanguage, RECIPE.seed);
    tokenizer = trainWordPiece([...sample, ...intents.texts], {
      vocabSize: RECIPE.vocabSize,
      lowercase: false,
      scoring: "frequency",
      limitAlphabet: RECIPE.limitAlphabet,
    }).tokenizer;
    log("vocabulary", { sentences: sample.length, vocab_size: tokenizer.vocabSize });
  }
  const documentCount = corpusDocuments.length + intents.documents.length;
  const result = await pretrainFromCorpus({
    corpusDir,
    outDir,
    config: "mini",
    tokenizer,
    resume: values.resume,
    initFrom: continueFrom,
    warmupProportion: continueFrom ? 0.05 : undefined,
    extraDocuments: intents.documents,
    maxSeqLength: RECIPE.maxSeqLength,
    batchSize: RECIPE.batchSize,
    steps,
    learningRate: values.lr ? Number(values.lr) : continueFrom ? 5e-4 : RECIPE.learningRate,
    seed: RECIPE.seed,
    saveDtype: "F16",
    dropout: false,
    wholeWordMasking: true,
    masking: customMasking ? masking : undefined,
    snapshotEverySteps: snapshotEvery,
    evalFraction: RECIPE.evalDocuments / documentCount,
    evalEverySteps: RECIPE.evalEverySteps,
    checkpointEverySeconds: RECIPE.checkpointEverySeconds,
    maxSeconds: values["max-seconds"] ? Number(values["max-seconds"]) : undefined,
    stopAtStep: values["stop-at-step"] ? Number(values["stop-at-step"]) : undefined,
    onEvaluation: (e) => log("evaluation", { ...e }),
  });
  const last = result.evaluations[result.evaluations.length - 1];
  log("done", {
    left_out: leaveOut,
    out: outDir,
    steps: result.steps,
    stopped_by: result.stoppedBy,
    resumed_from_step: result.resumedFromStep,
    seconds: Math.round(result.seconds),
    tokens_per_second: Math.round(result.tokensPerSecond),
    tokens_seen: result.tokensSeen,
    documents: result.documents,
    tokens: result.tokens,
    vocab_size: result.vocabSize,
    eval_mlm_accuracy: last?.mlmAccuracy,
    eval_nsp_accuracy: last?.nspAccuracy,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
