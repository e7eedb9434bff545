/**
 * Starting the MLM decoder's bias at the log unigram frequencies of the corpus.
 *
 * A fresh model predicts every token with about the same probability, and Adam moves a bias by
 * roughly one learning rate per step, so learning that "the" is thousands of times likelier than
 * a rare piece takes thousands of steps (the "unigram plateau" short runs get stuck in). Setting
 * the bias to log p(token) at the start skips that phase, and the encoder's first steps go into
 * using context instead. Karpathy's "init well" advice; the same idea as initialising a
 * classifier's bias to the log class priors.
 */
import * as tf from "@tensorflow/tfjs";
import { BertForPreTraining } from "../model/bert-for-pretraining";

export const MLM_BIAS = "cls.predictions.bias";

/** Log unigram probabilities (add-one smoothed, centred to mean 0) of the token ids in `sequences`. */
export function logUnigramPrior(sequences: Iterable<readonly number[]>, vocabSize: number): Float32Array {
  const counts = new Float64Array(vocabSize).fill(1);
  let total = vocabSize;
  for (const ids of sequences) {
    for (const id of ids) {
      if (!(id >= 0 && id < vocabSize)) throw new RangeError(`logUnigramPrior: token id ${id} is outside the vocabulary of ${vocabSize}`);
      counts[id] += 1;
      total += 1;
    }
  }
  const logs = Float32Array.from(counts, (c) => Math.log(c / total));
  const mean = logs.reduce((a, b) => a + b, 0) / vocabSize;
  return logs.map((x) => x - mean);
}

/** Assigns the log unigram prior of `sequences` to the model's MLM output bias. */
export function initMlmBiasFromUnigrams(model: BertForPreTraining, sequences: Iterable<readonly number[]>): void {
  const bias = model.namedWeights.get(MLM_BIAS);
  if (!bias) throw new Error(`initMlmBiasFromUnigrams: the model has no ${MLM_BIAS}`);
  const prior = logUnigramPrior(sequences, model.config.vocabSize);
  tf.tidy(() => bias.assign(tf.tensor1d(prior)));
}
