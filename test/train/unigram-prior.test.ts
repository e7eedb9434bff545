import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { bertConfig, BertForPreTraining } from "../../src/model";
import { initMlmBiasFromUnigrams, logUnigramPrior, MLM_BIAS } from "../../src/train/unigram-prior";

describe("train/unigram-prior", () => {
  before(async () => {
    await tf.setBackend("cpu");
  });

  it("gives add-one smoothed log frequencies, centred", () => {
    const prior = logUnigramPrior([[1, 1, 1], [2]], 4);
    // counts with add-one: [1, 4, 2, 1] of 8
    const raw = [1, 4, 2, 1].map((c) => Math.log(c / 8));
    const mean = raw.reduce((a, b) => a + b) / 4;
    Array.from(prior).forEach((x, i) => assert.ok(Math.abs(x - (raw[i] - mean)) < 1e-6, `${i}: ${x}`));
    assert.ok(prior[1] - prior[0] > Math.log(4) - 1e-6, "the frequent token gets the higher bias");
    assert.throws(() => logUnigramPrior([[0, 9]], 4), /token id 9 is outside the vocabulary of 4/);
  });

  it("sets the MLM bias so an untrained model's masked-token loss starts at the unigram entropy", () => {
    const model = new BertForPreTraining(bertConfig("tiny", { vocabSize: 50, maxPositionEmbeddings: 16 }), { seed: 1 });
    const sequences = [[5, 5, 5, 5, 6, 7], [5, 5, 6, 8]];
    initMlmBiasFromUnigrams(model, sequences);
    const bias = model.namedWeights.get(MLM_BIAS)!.dataSync();
    const prior = logUnigramPrior(sequences, 50);
    Array.from(bias).forEach((x, i) => assert.ok(Math.abs(x - prior[i]) < 1e-6));
    // The most frequent token is now the top prediction at every position of an unrelated input.
    const out = model.forward({ inputIds: [[2, 9, 10, 11, 3]] }, { training: false });
    const top = Array.from(tf.tidy(() => tf.argMax(out.mlmLogits!, -1)).dataSync());
    assert.ok(top.filter((t) => t === 5).length >= 4, `top predictions ${top}`);
    tf.dispose(Object.values(out).flat().filter((t): t is tf.Tensor => t instanceof tf.Tensor));
    model.dispose();
  });
});
