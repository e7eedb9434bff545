/**
 * BertKerasLayer inside a tfjs-layers model, as the intent-classifier lesson builds it: fit with BERT
 * trainable or frozen, save and load back through tf.loadLayersModel.
 * Training runs on the cpu backend (wasm's gather gradient is being added separately).
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { BertKerasLayer, BertLayer, BertModel, bertConfig } from "../../src/model";
import { fixture, maxAbsDiff, TINY } from "./helpers";

function intentModel(bert: BertKerasLayer, numIntents = 3): tf.LayersModel {
  const inputWordIds = tf.input({ shape: [null], dtype: "int32", name: "input_word_ids" });
  const inputMask = tf.input({ shape: [null], dtype: "int32", name: "input_mask" });
  const segmentIds = tf.input({ shape: [null], dtype: "int32", name: "segment_ids" });
  const [pooledOutput] = bert.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];
  const dropped = tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput);
  const logits = tf.layers.dense({ units: numIntents, activation: "softmax", name: "intent" }).apply(dropped);
  const model = tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs: logits as tf.SymbolicTensor });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

function batch(): { x: tf.Tensor[]; y: tf.Tensor } {
  const { inputs } = fixture(TINY);
  return {
    x: [
      tf.tensor2d(inputs.input_ids, undefined, "int32"),
      tf.tensor2d(inputs.input_mask, undefined, "int32"),
      tf.tensor2d(inputs.segment_ids, undefined, "int32"),
    ],
    y: tf.tensor2d([[0], [1], [2]]),
  };
}

function bertSnapshot(layer: BertKerasLayer): Float32Array[] {
  return layer.getWeights().map((w) => w.dataSync() as Float32Array);
}

function changed(a: Float32Array[], b: Float32Array[]): boolean {
  return a.some((arr, i) => arr.some((v, j) => v !== b[i][j]));
}

describe("model: BertKerasLayer (tfjs-layers)", () => {
  let previous = "";
  before(async () => {
    await ready();
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it("outputs [pooled_output, sequence_output] equal to BertModel's", async () => {
    const layer = await BertKerasLayer.fromPretrained(TINY);
    const model = intentModel(layer);
    assert.deepEqual(model.layers.find((l) => l instanceof BertKerasLayer)!.outputShape, [
      [null, 64],
      [null, null, 64],
    ]);
    const { x } = batch();
    const [pooled, sequence] = layer.apply(x) as tf.Tensor[];
    const reference = await BertModel.fromPretrained(TINY);
    const out = reference.forward({ inputIds: x[0], inputMask: x[1], segmentIds: x[2] });
    assert.ok(maxAbsDiff(pooled, out.pooledOutput.arraySync()) < 1e-6);
    assert.ok(maxAbsDiff(sequence, out.sequenceOutput.arraySync()) < 1e-6);
    assert.equal(layer.getWeights().length, reference.variables.length);
    tf.dispose([pooled, sequence, out.pooledOutput, out.sequenceOutput, ...x]);
    reference.dispose();
    model.dispose();
  });

  it("weight(name) finds a weight by its HF name, also in a second layer whose Keras names got a suffix", async () => {
    const first = await BertKerasLayer.fromPretrained(TINY, { name: "bert_layer" });
    const second = await BertKerasLayer.fromPretrained(TINY, { name: "bert_layer" });
    const models = [intentModel(first), intentModel(second)];
    assert.ok(second.weights.some((v) => /_\d+$/.test(v.name)), `expected Keras to rename the second layer's variables: ${second.weights[0].name}`);
    const reference = await BertModel.fromPretrained(TINY);
    for (const layer of [first, second]) {
      assert.ok(maxAbsDiff(layer.weight("pooler.dense.weight"), reference.namedWeights.get("pooler.dense.weight")!.arraySync()) === 0);
    }
    assert.throws(() => first.weight("pooler.dense.kernel"), /no weight "pooler\.dense\.kernel"; its weights are embeddings\.word_embeddings\.weight/);
    assert.throws(() => new BertKerasLayer({ bertConfig: first.bertConfig }).weight("pooler.dense.weight"), /not built yet/);
    reference.dispose();
    models.forEach((m) => m.dispose());
  });

  it("fine-tunes with model.fit when trainable, and stays fixed when frozen", async () => {
    for (const trainable of [true, false]) {
      const layer = await BertKerasLayer.fromPretrained(TINY, { trainable });
      const model = intentModel(layer);
      const before = bertSnapshot(layer);
      const { x, y } = batch();
      const history = await model.fit(x, y, { epochs: 3, batchSize: 3, verbose: 0 });
      assert.equal(history.history.loss.length, 3);
      assert.equal(changed(before, bertSnapshot(layer)), trainable, `trainable=${trainable}`);
      assert.equal(model.trainableWeights.length, trainable ? layer.getWeights().length + 2 : 2);
      tf.dispose([...x, y]);
      model.dispose();
    }
  });

  it("survives model.save + tf.loadLayersModel with its config and weights", async () => {
    const layer = new BertKerasLayer({
      bertConfig: bertConfig({ vocabSize: 120, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 48, maxPositionEmbeddings: 32 }),
      name: "bert",
    });
    const model = intentModel(layer);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    const topology = JSON.stringify(artifacts!.modelTopology);
    assert.match(topology, /"class_name":"BertKerasLayer"/);
    assert.match(topology, /"hidden_size":32/);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    // Found by class name, not instanceof: another test file may have loaded the built copy (dist/)
    // of this module, whose registration of the same class name then wins in tfjs's registry.
    const restored = loaded.layers.find((l) => l.getClassName() === "BertKerasLayer") as BertKerasLayer | undefined;
    assert.ok(restored, "the loaded model has a BertKerasLayer");
    assert.equal(restored.bertConfig.hiddenSize, 32);
    const { x } = batch();
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(a, b.arraySync()) < 1e-6);
    // A model saved under the old class name (BertLayer) still loads, as a BertKerasLayer.
    const oldTopology = JSON.parse(topology.replace(/"class_name":"BertKerasLayer"/g, '"class_name":"BertLayer"')) as tf.io.ModelArtifacts["modelTopology"];
    const old = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts!, modelTopology: oldTopology }));
    const oldLayer = old.layers.find((l) => l.getClassName() === "BertLayer");
    assert.ok(oldLayer, "the deprecated name loads as its alias class");
    assert.equal((Object.getPrototypeOf(oldLayer.constructor) as { className: string }).className, "BertKerasLayer", "the alias is a BertKerasLayer");
    assert.equal(new BertLayer({ bertConfig: restored.bertConfig }).getClassName(), "BertLayer");
    const c = old.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(a, c.arraySync()) < 1e-6);
    tf.dispose([a, b, c, ...x]);
    model.dispose();
    loaded.dispose();
    old.dispose();
  });
});
