import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { BertForPreTraining, bertConfig } from "../../src/model";
import { trainWordPiece } from "../../src/tokenization";
import { Random } from "../../src/train/random";
import { pretrain } from "../../src/train/pretrain";
import { pretrainFromCorpus } from "../../src/train/pretrain-from-corpus";
import { pretrainingVocab, parseCorpusText, readCorpus, tokenizeDocuments } from "../../src/train/corpus";
import { IntentClassifier } from "../../src/train/intent-classifier";
import { AutoModel, AutoTokenizer } from "../../src/train/auto";
import { BertTokenizer } from "../../src/tokenization/bert-tokenizer";
import { finetune } from "../../src/train/finetune";
import { BertModel } from "../../src/model";
import { loadJsonlIntents } from "../../src/data";
import { SafetensorsReader } from "../../src/checkpoint/safetensors";
import { command as finetuneCommand } from "../../src/cli/finetune";
import { command as evalCommand } from "../../src/cli/eval";
import { command as predictCommand } from "../../src/cli/predict";

// A synthetic bilingual-free world: four topics, each with its own words, plus shared fillers.
// Documents stay on one topic (so NSP has signal), and the intent of an utterance is its topic.
const TOPICS: Record<string, string[]> = {
  fruit: ["apple", "banana", "cherry", "grape", "lemon", "mango", "peach", "plum"],
  travel: ["flight", "hotel", "airport", "ticket", "luggage", "passport", "train", "beach"],
  money: ["bank", "account", "transfer", "balance", "card", "payment", "loan", "cash"],
  weather: ["rain", "sunny", "cloud", "storm", "snow", "wind", "forecast", "cold"],
};
const FILLERS = ["please", "i", "want", "the", "my", "a", "can", "you", "today", "now"];

function sentence(rng: Random, topic: string): string {
  const words: string[] = [];
  const n = 4 + rng.int(4);
  for (let i = 0; i < n; i++) words.push(rng.next() < 0.55 ? rng.choice(TOPICS[topic]) : rng.choice(FILLERS));
  return words.join(" ");
}

function writeSyntheticData(dir: string): { corpusDir: string; intentsFile: string } {
  const rng = new Random(2024);
  const topics = Object.keys(TOPICS);
  const corpusDir = path.join(dir, "corpus");
  fs.mkdirSync(corpusDir, { recursive: true });
  const docs: string[] = [];
  for (let d = 0; d < 80; d++) {
    const topic = topics[d % topics.length];
    docs.push(Array.from({ length: 4 + rng.int(4) }, () => sentence(rng, topic)).join("\n"));
  }
  fs.writeFileSync(path.join(corpusDir, "synthetic.txt"), docs.join("\n\n") + "\n");
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const topic of topics) {
    for (const [split, count] of [["train", 24], ["val", 8], ["test", 12]] as const) {
      for (let i = 0; i < count; ) {
        const text = sentence(rng, topic);
        if (seen.has(text)) continue;
        seen.add(text);
        lines.push(JSON.stringify({ text, intent: topic, split }));
        i++;
      }
    }
  }
  const intentsFile = path.join(dir, "intents.jsonl");
  fs.writeFileSync(intentsFile, lines.join("\n") + "\n");
  return { corpusDir, intentsFile };
}

/** Runs a CLI command in-process and returns its stdout lines. */
async function runCli(cmd: { run(argv: string[]): Promise<number> }, argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    const code = await cmd.run(argv);
    assert.equal(code, 0, `exit code ${code}; output:\n${lines.join("\n")}`);
  } finally {
    console.log = original;
  }
  return lines;
}

const TINY = { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128, maxPositionEmbeddings: 64 };

describe("train: end to end (pretrain -> finetune -> eval -> predict)", function () {
  this.timeout(120000);
  let dir: string;
  let data: { corpusDir: string; intentsFile: string };

  before(async () => {
    // Unit tests that run earlier switch tfjs to cpu; train on bertlab's own backend, as users do.
    const choice = await ready();
    if (tf.getBackend() !== choice.name) await tf.setBackend(choice.name);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-train-"));
    data = writeSyntheticData(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the same first losses for the same seed, and different ones for another seed", async () => {
    const docs = readCorpus(data.corpusDir);
    const { tokenizer } = trainWordPiece(docs.flat(), { vocabSize: 200 });
    const tokenized = tokenizeDocuments(docs, tokenizer);
    const run = async (seed: number): Promise<number[]> => {
      const model = new BertForPreTraining(bertConfig({ ...TINY, vocabSize: tokenizer.vocabSize }), { seed });
      const r = await pretrain(model, tokenized, pretrainingVocab(tokenizer), { maxSeqLength: 32, batchSize: 8, steps: 3, seed, progress: false });
      model.dispose();
      return r.curves.loss;
    };
    const before = tf.memory().numTensors;
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    assert.deepEqual(a, b, "same seed, same losses");
    assert.notDeepEqual(a, c, "another seed, other losses");
    assert.equal(tf.memory().numTensors, before, "training leaks no tensors");
  });

  it("pretrains without dropout when asked, and keeps the config's dropout rates for fine-tuning", async () => {
    const docs = readCorpus(data.corpusDir);
    const { tokenizer } = trainWordPiece(docs.flat(), { vocabSize: 200 });
    const tokenized = tokenizeDocuments(docs, tokenizer);
    const run = async (dropoutRates: number, dropout: boolean): Promise<{ losses: number[]; config: number }> => {
      const config = bertConfig({ ...TINY, vocabSize: tokenizer.vocabSize, hiddenDropoutProb: dropoutRates, attentionProbsDropoutProb: dropoutRates });
      const model = new BertForPreTraining(config, { seed: 7 });
      const r = await pretrain(model, tokenized, pretrainingVocab(tokenizer), { maxSeqLength: 32, batchSize: 8, steps: 2, seed: 7, progress: false, dropout });
      const kept = model.config.hiddenDropoutProb;
      model.dispose();
      return { losses: r.curves.loss, config: kept };
    };
    const [withDropout, without] = [await run(0.1, true), await run(0.1, false)];
    assert.notDeepEqual(withDropout.losses, without.losses, "dropout: false changed nothing");
    assert.equal(without.config, 0.1, "the model's config keeps its dropout rate");
    // With rates of 0 in the config, the flag has nothing to turn off.
    assert.deepEqual((await run(0, true)).losses, (await run(0, false)).losses);
  });

  it("pretrains, then fine-tunes well above chance, then evaluates and predicts through the CLI", async () => {
    const pretrained = path.join(dir, "pretrained");
    const p = await pretrainFromCorpus({
      corpusDir: data.corpusDir,
      outDir: pretrained,
      config: TINY,
      vocabSize: 200,
      lowercase: true,
      maxSeqLength: 32,
      batchSize: 16,
      epochs: 8,
      learningRate: 1e-3,
      seed: 1,
      progress: false,
    });
    // The MLM bias starts at the log unigram frequencies, so the first loss is already well under a uniform guess...
    assert.ok(p.curves.loss[0] < Math.log(p.vocabSize) + Math.log(2), `first loss ${p.curves.loss[0]} vs ln V + ln 2 = ${Math.log(p.vocabSize) + Math.log(2)}`);
    // ...and training still lowers it (averaged: single batches are noisy).
    const quarter = Math.floor(p.curves.loss.length / 4);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [early, late] = [mean(p.curves.loss.slice(0, quarter)), mean(p.curves.loss.slice(-quarter))];
    assert.ok(late < early, `pretraining loss fell: first quarter ${early.toFixed(3)}, last quarter ${late.toFixed(3)}`);
    for (const f of ["config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "training_log.json"]) assert.ok(fs.existsSync(path.join(pretrained, f)), f);

    const classifierDir = path.join(dir, "classifier");
    const out = await runCli(finetuneCommand, ["--data", data.intentsFile, "--format", "jsonl", "--model", pretrained, "--epochs", "20", "--lr", "3e-3", "--batch-size", "8", "--patience", "8", "--seed", "3", "--out", classifierDir, "--json"]);
    const summary = JSON.parse(out[out.length - 1]);
    for (const key of ["val_accuracy", "test_accuracy", "macro_f1", "seconds"]) assert.equal(typeof summary[key], "number", key);
    // Validation accuracy against time, one point per epoch run, and why training stopped.
    assert.equal(summary.curve.length, summary.epochs_run);
    assert.deepEqual(summary.curve.map((p: { epoch: number }) => p.epoch), Array.from({ length: summary.epochs_run }, (_, i) => i + 1));
    for (let i = 1; i < summary.curve.length; i++) assert.ok(summary.curve[i].seconds >= summary.curve[i - 1].seconds && summary.curve[i].step > summary.curve[i - 1].step);
    assert.equal(summary.curve[summary.best_epoch - 1].val_accuracy, Math.max(...summary.curve.map((p: { val_accuracy: number }) => p.val_accuracy)));
    assert.ok(["epochs", "steps", "early-stopping"].includes(summary.stopped_by), summary.stopped_by);
    // Four balanced classes: chance is 25%. (A tiny, barely pretrained BERT needs a high learning rate.)
    assert.ok(summary.test_accuracy >= 0.75, `test accuracy ${summary.test_accuracy}`);

    const evalOut = await runCli(evalCommand, ["--model", classifierDir, "--data", data.intentsFile, "--format", "jsonl", "--json"]);
    const evaluation = JSON.parse(evalOut[evalOut.length - 1]);
    assert.ok(Math.abs(evaluation.accuracy - summary.test_accuracy) < 1e-9, "eval of the saved model reproduces finetune's test accuracy");
    assert.equal(typeof evaluation.macro_f1, "number");
    assert.ok("in_scope_accuracy" in evaluation && "oos_recall" in evaluation);

    const predictOut = await runCli(predictCommand, ["--model", classifierDir, "--json", "--top", "2", "apple banana cherry please", "flight hotel passport"]);
    const predictions = predictOut.map((l) => JSON.parse(l));
    assert.equal(predictions[0].intents[0].intent, "fruit");
    assert.equal(predictions[1].intents[0].intent, "travel");
    assert.equal(predictions[0].intents.length, 2);
    // The saved classifier is HF's BertForSequenceClassification layout.
    const config = JSON.parse(fs.readFileSync(path.join(classifierDir, "config.json"), "utf8"));
    assert.deepEqual(config.architectures, ["BertForSequenceClassification"]);
    assert.deepEqual(config.id2label, { 0: "fruit", 1: "money", 2: "travel", 3: "weather" });
    const reader = SafetensorsReader.open(path.join(classifierDir, "model.safetensors"));
    assert.deepEqual(reader.info("classifier.weight").shape, [4, 64]);
    assert.deepEqual(reader.info("bert.encoder.layer.0.attention.self.query.weight").shape, [64, 64]);
    assert.deepEqual(reader.info("bert.embeddings.word_embeddings.weight").shape, [p.vocabSize, 64]);
    reader.close();
    const loaded = await IntentClassifier.fromPretrained(classifierDir);
    assert.deepEqual(loaded.labels, ["fruit", "money", "travel", "weather"]);
    loaded.dispose();
    // AutoModel reads config.json's architectures: a fine-tuned classifier comes back as one, the
    // pretrained checkpoint it started from as BertForPreTraining; AutoTokenizer gives the same tokens.
    const auto = await AutoModel.fromPretrained(classifierDir);
    assert.ok(auto instanceof IntentClassifier, `AutoModel gave ${auto.constructor.name}`);
    assert.deepEqual(auto.labels, ["fruit", "money", "travel", "weather"]);
    auto.dispose();
    const pretrainingModel = await AutoModel.fromPretrained(pretrained);
    assert.ok(pretrainingModel instanceof BertForPreTraining, `AutoModel gave ${pretrainingModel.constructor.name}`);
    pretrainingModel.dispose();
    const fresh = await IntentClassifier.fromPretrained(pretrained, { labels: ["a", "b", "c"] });
    assert.deepEqual(fresh.labels, ["a", "b", "c"]);
    // From scratch: the same config and tokenizer, the weights of `new BertModel(config, { seed })`, none pretrained.
    const scratch = await IntentClassifier.fromScratch(pretrained, { labels: ["a", "b", "c"], seed: 7 });
    const reference = new BertModel(scratch.bert.config, { seed: 7 });
    const words = (m: BertModel): Float32Array => m.namedWeights.get("embeddings.word_embeddings.weight")!.dataSync() as Float32Array;
    assert.deepEqual(scratch.bert.config, fresh.bert.config);
    assert.deepEqual(scratch.tokenizer.encode("money for travel").ids, fresh.tokenizer.encode("money for travel").ids);
    assert.deepEqual(words(scratch.bert), words(reference));
    assert.notDeepEqual(words(scratch.bert), words(fresh.bert));
    reference.dispose();
    scratch.dispose();
    fresh.dispose();
    const scratchDir = path.join(dir, "classifier-from-scratch");
    const scratchOut = await runCli(finetuneCommand, ["--data", data.intentsFile, "--format", "jsonl", "--model", pretrained, "--from-scratch", "--epochs", "2", "--batch-size", "8", "--out", scratchDir, "--json"]);
    const scratchSummary = JSON.parse(scratchOut[scratchOut.length - 1]);
    assert.equal(scratchSummary.from_scratch, true);
    assert.equal(summary.from_scratch, false);
    assert.equal(typeof scratchSummary.test_accuracy, "number");
    const tokenizer = await AutoTokenizer.fromPretrained(classifierDir);
    assert.deepEqual(tokenizer.encode("money for travel").tokens, (await BertTokenizer.fromPretrained(classifierDir)).encode("money for travel").tokens);
    await assert.rejects(AutoModel.fromPretrained(path.join(classifierDir, "nope")), /neither an existing directory nor a Hugging Face Hub repo id|nope/);
  });

  it("a step budget (maxSteps) ends fine-tuning and the learning-rate schedule spans it", async () => {
    const dataset = loadJsonlIntents(data.intentsFile);
    const { tokenizer } = trainWordPiece(dataset.train.map((e) => e.text), { vocabSize: 150 });
    const bert = new BertModel(bertConfig({ ...TINY, vocabSize: tokenizer.vocabSize }), { seed: 1 });
    const classifier = new IntentClassifier(bert, tokenizer, dataset.labels);
    try {
      const stepsPerEpoch = Math.ceil(dataset.train.length / 8);
      const budget = stepsPerEpoch + 3;
      const r = await finetune(classifier, dataset, { epochs: 20, maxSteps: budget, batchSize: 8, progress: false, reinitializeTopLayers: 0 });
      assert.equal(r.stoppedBy, "steps");
      assert.equal(r.steps, budget);
      assert.equal(r.epochs.length, 2, "the partial second epoch is still validated");
      // Linear decay reaches zero at the budget, not at 20 epochs.
      const lastRate = r.curves.learningRate[r.curves.learningRate.length - 1];
      assert.ok(lastRate < 0.1 * Math.max(...r.curves.learningRate), `last learning rate ${lastRate}`);
      await assert.rejects(finetune(classifier, dataset, { maxSteps: 0, progress: false }), /maxSteps must be a positive integer, got 0/);
    } finally {
      classifier.dispose();
    }
  });

  it("reports bad input clearly", async () => {
    assert.deepEqual(parseCorpusText("a\nb\n\n\nc\n"), [["a", "b"], ["c"]]);
    assert.throws(() => readCorpus(path.join(dir, "nope")), /does not exist/);
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    assert.throws(() => readCorpus(empty), /has no \.txt files/);
    fs.writeFileSync(path.join(empty, "one.txt"), "just one document\n");
    assert.throws(() => readCorpus(empty), /NSP needs at least 2/);
    await assert.rejects(IntentClassifier.load(data.corpusDir), /config\.json|no id2label/);
    await assert.rejects(finetuneCommand.run(["--data", data.intentsFile, "--format", "yaml", "--out", dir]), /--format "yaml" is not one of/);
    // The shipped checkpoint (the default --model) has 4 layers.
    await assert.rejects(finetuneCommand.run(["--data", data.intentsFile, "--format", "jsonl", "--reinit-layers", "9", "--json", "--out", path.join(dir, "never")]),
      /reinitializeTopLayers must be an integer from 0 to the model's 4 layers, got 9/);
  });
});
