/**
 * `npm run pretrain`: the recipe of the checkpoint shipped in models/bertlab-mini.
 *
 * - Text: the built-in corpus (data/corpus, English + Korean documents) plus the training split
 *   of the built-in intent dataset, its utterances grouped per intent and language into
 *   pseudo-documents of 8 (so NSP's "next sentence" is another utterance of the same intent).
 *   Validation and test utterances are never seen.
 * - Vocabulary: cased WordPiece, 8,000 tokens, trained by bertlab's trainer on the same text with
 *   Hugging Face's frequency rule (the likelihood rule spent the budget on rare Hangul pairs and
 *   spelled English out letter by letter).
 * - Model: BERT-mini (4 layers, hidden 256, 4 heads, FF 1024), max 128 positions, the MLM bias
 *   started at the corpus's log unigram frequencies (src/train/unigram-prior.ts).
 * - Training: MLM (15%, 80/10/10) + NSP (50%), 1,700 steps of batch 32 at sequence length 64
 *   (about 23 minutes on 2 cores), AdamW lr 1e-3 with 10% warmup and linear decay, weight decay
 *   0.01, clipping at 1.0, seed 0, no dropout (the run underfits; "Cramming", Geiping & Goldstein
 *   2023). The saved config keeps dropout 0.1 for fine-tuning. The intent pseudo-documents are
 *   repeated 4 times, reshuffled.
 * - Saved as float16 safetensors (about 11 MB) with tokenizer.json, vocab.txt and training_log.json.
 *
 * Options: --out DIR (default models/bertlab-mini), --steps N (default 1700), --lr X (default 1e-3),
 * --dropout (pretrain with the config's dropout, as the previous checkpoint was),
 * --max-seconds S (stop early and save; the run is then shorter than the recipe).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadBuiltinIntents } from "../src/data";
import { Random } from "../src/train/random";
import { pretrainFromCorpus, builtinCorpusDir } from "../src/train/pretrain-from-corpus";
import { TextDocument } from "../src/train/corpus";

const RECIPE = { steps: 1700, vocabSize: 8000, batchSize: 32, maxSeqLength: 64, learningRate: 1e-3, seed: 0, utterancesPerDocument: 8, intentRepeats: 4 };

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: "string" }, steps: { type: "string" }, lr: { type: "string" }, "max-seconds": { type: "string" }, dropout: { type: "boolean", default: false } },
  });
  const outDir = values.out ?? path.resolve(__dirname, "../models/bertlab-mini");
  const steps = values.steps ? Number(values.steps) : RECIPE.steps;
  const intents = intentDocuments(RECIPE.seed, RECIPE.intentRepeats);
  const started = Date.now();
  const result = await pretrainFromCorpus({
    corpusDir: builtinCorpusDir(),
    outDir,
    config: "mini",
    vocabSize: RECIPE.vocabSize,
    lowercase: false,
    extraDocuments: intents.documents,
    maxSeqLength: RECIPE.maxSeqLength,
    batchSize: RECIPE.batchSize,
    steps,
    learningRate: values.lr ? Number(values.lr) : RECIPE.learningRate,
    seed: RECIPE.seed,
    saveDtype: "F16",
    dropout: values.dropout,
    maxSeconds: values["max-seconds"] ? Number(values["max-seconds"]) : undefined,
    onEvaluation: (e) =>
      console.log(JSON.stringify({ event: "evaluation", ...e, elapsed_s: Math.round((Date.now() - started) / 1000) })),
  });
  const last = result.evaluations[result.evaluations.length - 1];
  console.log(
    JSON.stringify({
      out: outDir,
      steps: result.steps,
      stopped_by: result.stoppedBy,
      seconds: Math.round(result.seconds),
      tokens_per_second: Math.round(result.tokensPerSecond),
      documents: result.documents,
      tokens: result.tokens,
      vocab_size: result.vocabSize,
      eval_mlm_accuracy: last?.mlmAccuracy,
      eval_nsp_accuracy: last?.nspAccuracy,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
