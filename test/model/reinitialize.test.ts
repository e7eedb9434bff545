/** BertModel.reinitialize: fresh weights for the named parts only, for few-sample fine-tuning. */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { BertKerasLayer, BertModel } from "../../src/model";
import { TINY } from "./helpers";

describe("model: reinitialize", () => {
  it("re-initialises the pooler and one layer as HF does, and leaves every other weight as it was", async () => {
    const model = await BertModel.fromPretrained(TINY);
    const before = new Map([...model.namedWeights].map(([name, v]) => [name, Float32Array.from(v.dataSync())]));
    const last = model.config.numHiddenLayers - 1;
    const names = model.reinitialize(["pooler.", `encoder.layer.${last}.`], 3);
    assert.ok(names.includes("pooler.dense.weight") && names.includes(`encoder.layer.${last}.output.LayerNorm.weight`));
    for (const [name, v] of model.namedWeights) {
      const now = v.dataSync() as Float32Array;
      if (!names.includes(name)) {
        assert.deepEqual(now, before.get(name), `${name} changed`);
        continue;
      }
      if (name.endsWith("LayerNorm.weight")) assert.ok(now.every((x) => x === 1), `${name} is not all ones`);
      else if (name.endsWith("bias")) assert.ok(now.every((x) => x === 0), `${name} is not all zeros`);
      else {
        const std = Math.sqrt(now.reduce((a, x) => a + x * x, 0) / now.length);
        assert.ok(Math.abs(std - model.config.initializerRange) < 0.005, `${name}: std ${std}, expected about ${model.config.initializerRange}`);
        assert.notDeepEqual(now, before.get(name));
      }
    }
    const again = await BertModel.fromPretrained(TINY);
    again.reinitialize(["pooler."], 3);
    assert.deepEqual(again.namedWeights.get("pooler.dense.weight")!.dataSync(), model.namedWeights.get("pooler.dense.weight")!.dataSync(), "same seed, same weights");
    const count = tf.memory().numTensors;
    again.reinitialize(["pooler."], 4);
    assert.equal(tf.memory().numTensors, count, "reinitialize leaks no tensors");
    again.dispose();
    model.dispose();
  });

  it("names a prefix that matches no weight", async () => {
    const model = await BertModel.fromPretrained(TINY);
    assert.throws(() => model.reinitialize(["encoder.layer.99."]), /no weight name starts with "encoder\.layer\.99\."/);
    model.dispose();
  });
});

describe("model: BertKerasLayer.reinitialize (the Keras layer, as lesson 06 uses it)", () => {
  it("re-initialises the same weights to the same values as BertModel.reinitialize, and nothing else", async () => {
    const layer = await BertKerasLayer.fromPretrained(TINY);
    assert.throws(() => layer.reinitialize(["pooler."]), /not built yet/);
    const inputs = ["input_word_ids", "input_mask", "segment_ids"].map((name) => tf.input({ shape: [8], dtype: "int32", name }));
    layer.apply(inputs);
    const model = await BertModel.fromPretrained(TINY);
    const last = model.config.numHiddenLayers - 1;
    const prefixes = ["pooler.", `encoder.layer.${last}.`];
    const fromLayer = layer.reinitialize(prefixes, 5);
    const fromModel = model.reinitialize(prefixes, 5);
    assert.deepEqual(fromLayer, fromModel);
    const layerValues = new Map(layer.weights.map((w) => [w.originalName.split("/").pop()!, w.read().dataSync()]));
    for (const [name, v] of model.namedWeights) assert.deepEqual(layerValues.get(name), v.dataSync(), `${name} differs between BertKerasLayer and BertModel`);
    model.dispose();
  });
});
