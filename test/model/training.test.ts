/**
 * The forward is differentiable and its variables train with tf.train optimizers.
 * Runs on the cpu backend: wasm's gradient kernels for gather are being added separately.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { BertForPreTraining, bertConfig } from "../../src/model";

describe("model: training with tf.train optimizers (cpu backend)", () => {
  let previous = "";
  before(async () => {
    await ready();
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it("MLM + NSP loss falls under Adam, and every variable gets a gradient", () => {
    const config = bertConfig({ vocabSize: 50, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 16 });
    const model = new BertForPreTraining(config, { seed: 7 });
    const inputIds = [
      [1, 5, 6, 7, 2, 8, 9, 2],
      [1, 10, 11, 2, 12, 2, 0, 0],
    ];
    const segmentIds = [
      [0, 0, 0, 0, 0, 1, 1, 1],
      [0, 0, 0, 0, 1, 1, 0, 0],
    ];
    const inputMask = [
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0, 0],
    ];
    const labels = tf.oneHot(tf.tensor2d([[0, 5, 6, 7, 0, 8, 9, 0], [0, 10, 11, 0, 12, 0, 0, 0]], undefined, "int32"), 50);
    const nsp = tf.oneHot(tf.tensor1d([0, 1], "int32"), 2);
    const loss = () =>
      tf.tidy(() => {
        const out = model.forward({ inputIds, segmentIds, inputMask }, { training: true });
        return tf.add(tf.losses.softmaxCrossEntropy(labels, out.mlmLogits), tf.losses.softmaxCrossEntropy(nsp, out.nspLogits)) as tf.Scalar;
      });
    const { grads, value } = tf.variableGrads(loss, model.variables);
    const missing = Object.entries(grads).filter(([, g]) => tf.max(tf.abs(g)).dataSync()[0] === 0).map(([n]) => n);
    assert.deepEqual(missing.filter((n) => !n.includes("position_embeddings")), [], "variables without gradient");
    tf.dispose([value, ...Object.values(grads)]);

    const optimizer = tf.train.adam(3e-3);
    const first = loss().dataSync()[0];
    for (let step = 0; step < 25; step++) optimizer.minimize(loss, true, model.variables)?.dispose();
    const last = loss().dataSync()[0];
    assert.ok(last < first * 0.6, `loss went from ${first} to ${last}`);
    tf.dispose([labels, nsp]);
    optimizer.dispose();
    model.dispose();
  });
});
