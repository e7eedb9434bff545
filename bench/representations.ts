/**
 * `npm run bench:representations -- [--model DIR] [--json]`: what a checkpoint's frozen representations know about
 * the built-in intents, per language and per layer, against the same network with random weights.
 *
 * Issue 13 asks why pretraining does not pay off in Korean. Fine-tuning mixes many effects (learning rate, the
 * re-initialised top layer, early stopping); a frozen-feature probe isolates one: before any fine-tuning, do the
 * checkpoint's vectors put utterances of the same intent closer together than random weights do?
 *
 * The probe: nearest centroid on the few-shot split (5 training utterances per intent per language, the split of
 * `bench:finetune`), scored on the test split. Vectors are centred on the training mean and compared by cosine, so
 * one large shared direction (anisotropy) does not decide. Features: the mean over real tokens of the embeddings
 * output (layer 0) and of every encoder layer's output, the last layer's [CLS] vector, and the pooled output.
 * Also printed: the mean cosine between raw test vectors (1.0 means every utterance looks the same).
 * Deterministic (no training, random weights seeded), so one run is the measurement.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../src/backend";
import { readCheckpointConfig } from "../src/checkpoint";
import { fewShotSplit, loadBuiltinIntents } from "../src/data";
import type { IntentExample } from "../src/data";
import { BertModel } from "../src/model";
import { BertTokenizer } from "../src/tokenization";
import { shippedModelDir } from "../src/train/load-pretrained";

const FEW_SHOT = 5;
const BATCH = 64;

type Vectors = number[][];

interface FeatureSet {
  /** name → one vector per utterance */
  [feature: string]: Vectors;
}

/** Per-utterance features of `texts`: mean over real tokens of each hidden state, last [CLS], pooled output. */
function features(model: BertModel, tokenizer: BertTokenizer, texts: readonly string[]): FeatureSet {
  const out: FeatureSet = {};
  const push = (name: string, rows: Vectors): void => void (out[name] ??= []).push(...rows);
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = tf.tidy(() => {
      const inputs = tokenizer.toTensors(texts.slice(i, i + BATCH));
      const o = model.forward(inputs, { outputHiddenStates: true });
      const mask = tf.expandDims(tf.cast(inputs.inputMask, "float32"), 2);
      const meanOf = (h: tf.Tensor3D): tf.Tensor => tf.div(tf.sum(tf.mul(h, mask), 1), tf.sum(mask, 1));
      const named: Array<[string, tf.Tensor]> = o.hiddenStates!.map((h, layer) => [`mean h${layer}`, meanOf(h)]);
      named.push(["last [CLS]", tf.squeeze(tf.slice(o.sequenceOutput, [0, 0, 0], [-1, 1, -1]), [1])]);
      named.push(["pooled", o.pooledOutput]);
      return named.map(([name, t]) => [name, t.arraySync() as Vectors] as const);
    });
    for (const [name, rows] of batch) push(name, rows);
  }
  return out;
}

const unit = (v: readonly number[]): number[] => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i], 0);

/** Nearest-centroid accuracy (centred cosine) and the mean raw cosine between test vectors. */
function probe(train: Vectors, trainLabels: readonly string[], test: Vectors, testLabels: readonly string[]): { accuracy: number; meanCosine: number } {
  const dim = train[0].length;
  const mean = new Array<number>(dim).fill(0);
  for (const v of train) v.forEach((x, j) => (mean[j] += x / train.length));
  const centred = (v: readonly number[]): number[] => unit(v.map((x, j) => x - mean[j]));
  const sums = new Map<string, number[]>();
  train.forEach((v, i) => {
    const s = sums.get(trainLabels[i]) ?? new Array<number>(dim).fill(0);
    centred(v).forEach((x, j) => (s[j] += x));
    sums.set(trainLabels[i], s);
  });
  const centroids = [...sums].map(([label, s]) => [label, unit(s)] as const);
  let right = 0;
  test.forEach((v, i) => {
    const c = centred(v);
    let best = "";
    let bestScore = -Infinity;
    for (const [label, centroid] of centroids) {
      const score = dot(centroid, c);
      if (score > bestScore) [best, bestScore] = [label, score];
    }
    if (best === testLabels[i]) right++;
  });
  let cosine = 0;
  let pairs = 0;
  for (let i = 0; i < test.length; i += 3) {
    for (let j = i + 1; j < test.length; j += 7) {
      cosine += dot(unit(test[i]), unit(test[j]));
      pairs++;
    }
  }
  return { accuracy: right / test.length, meanCosine: cosine / pairs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: "string" }, json: { type: "boolean", default: false } } });
  await ready();
  const dir = values.model ?? shippedModelDir();
  const tokenizer = await BertTokenizer.fromPretrained(dir);
  const pretrained = await BertModel.fromPretrained(dir);
  const random = new BertModel(readCheckpointConfig(dir), { seed: 1 });
  const dataset = fewShotSplit(loadBuiltinIntents(), FEW_SHOT);
  const rows: Array<{ lang: string; feature: string; pretrained: number; random: number; pretrained_cosine: number; random_cosine: number }> = [];
  for (const lang of ["en", "ko"]) {
    const train = dataset.train.filter((e) => e.lang === lang);
    const test = dataset.test.filter((e) => e.lang === lang);
    const texts = (examples: IntentExample[]): string[] => examples.map((e) => e.text);
    const labels = (examples: IntentExample[]): string[] => examples.map((e) => e.intent);
    const [pTrain, pTest, rTrain, rTest] = [
      features(pretrained, tokenizer, texts(train)),
      features(pretrained, tokenizer, texts(test)),
      features(random, tokenizer, texts(train)),
      features(random, tokenizer, texts(test)),
    ];
    for (const feature of Object.keys(pTrain)) {
      const p = probe(pTrain[feature], labels(train), pTest[feature], labels(test));
      const r = probe(rTrain[feature], labels(train), rTest[feature], labels(test));
      rows.push({ lang, feature, pretrained: +p.accuracy.toFixed(4), random: +r.accuracy.toFixed(4), pretrained_cosine: +p.meanCosine.toFixed(3), random_cosine: +r.meanCosine.toFixed(3) });
    }
  }
  pretrained.dispose();
  random.dispose();
  const summary = { bench: "representations", model: path.relative(process.cwd(), dir) || dir, probe: `nearest centroid, ${FEW_SHOT} per intent per language, test split`, rows, date: new Date().toISOString() };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(`| language | feature | checkpoint | random weights | mean cosine (checkpoint / random) |`);
  console.log(`|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.lang} | ${r.feature} | ${(100 * r.pretrained).toFixed(1)}% | ${(100 * r.random).toFixed(1)}% | ${r.pretrained_cosine} / ${r.random_cosine} |`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
