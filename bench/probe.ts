/**
 * The frozen-feature probe of `bench:representations` and `bench:pretraining-curve`: nearest centroid on the
 * few-shot split (5 training utterances per intent per language), scored on the test split. Vectors are centred
 * on the training mean and compared by cosine, so one large shared direction (anisotropy) does not decide.
 * Features: the mean over real tokens of the embeddings output (layer 0) and of every encoder layer's output,
 * the last layer's [CLS] vector, and the pooled output. Deterministic: no training.
 */
import * as tf from "@tensorflow/tfjs";
import { fewShotSplit, loadBuiltinIntents } from "../src/data";
import type { IntentExample } from "../src/data";
import { BertModel } from "../src/model";
import { BertTokenizer } from "../src/tokenization";

export const FEW_SHOT = 5;
const BATCH = 64;

export type Vectors = number[][];

export interface FeatureSet {
  /** name → one vector per utterance */
  [feature: string]: Vectors;
}

/** Per-utterance features of `texts`: mean over real tokens of each hidden state, last [CLS], pooled output. */
export function features(model: BertModel, tokenizer: BertTokenizer, texts: readonly string[]): FeatureSet {
  const out: FeatureSet = {};
  const push = (name: string, rows: Vectors): void => void (out[name] ??= []).push(...rows);
  for (let i = 0; i < texts.length; i += BATCH) {
    const names: string[] = [];
    const tensors = tf.tidy(() => {
      const inputs = tokenizer.toTensors(texts.slice(i, i + BATCH));
      const o = model.forward(inputs, { outputHiddenStates: true });
      const mask = tf.expandDims(tf.cast(inputs.inputMask, "float32"), 2);
      const meanOf = (h: tf.Tensor3D): tf.Tensor => tf.div(tf.sum(tf.mul(h, mask), 1), tf.sum(mask, 1));
      const named: Array<[string, tf.Tensor]> = o.hiddenStates!.map((h, layer) => [`mean h${layer}`, meanOf(h)]);
      named.push(["last [CLS]", tf.squeeze(tf.slice(o.sequenceOutput, [0, 0, 0], [-1, 1, -1]), [1])]);
      named.push(["pooled", o.pooledOutput]);
      names.push(...named.map(([name]) => name));
      return named.map(([, t]) => t);
    });
    const batch = names.map((name, k) => [name, tensors[k].arraySync() as Vectors] as const);
    tf.dispose(tensors);
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
export function probe(train: Vectors, trainLabels: readonly string[], test: Vectors, testLabels: readonly string[]): { accuracy: number; meanCosine: number } {
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

export interface ProbeRow {
  lang: string;
  feature: string;
  accuracy: number;
  meanCosine: number;
}

/** The probe for every feature of `model`, per language, on the built-in intents' few-shot split. */
export function probeModel(model: BertModel, tokenizer: BertTokenizer): ProbeRow[] {
  const dataset = fewShotSplit(loadBuiltinIntents(), FEW_SHOT);
  const rows: ProbeRow[] = [];
  for (const lang of ["en", "ko"]) {
    const train = dataset.train.filter((e) => e.lang === lang);
    const test = dataset.test.filter((e) => e.lang === lang);
    const texts = (examples: IntentExample[]): string[] => examples.map((e) => e.text);
    const labels = (examples: IntentExample[]): string[] => examples.map((e) => e.intent);
    const [trainFeatures, testFeatures] = [features(model, tokenizer, texts(train)), features(model, tokenizer, texts(test))];
    for (const feature of Object.keys(trainFeatures)) {
      const p = probe(trainFeatures[feature], labels(train), testFeatures[feature], labels(test));
      rows.push({ lang, feature, accuracy: p.accuracy, meanCosine: p.meanCosine });
    }
  }
  return rows;
}
