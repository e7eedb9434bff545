import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { BERT_PRESETS, BertForPreTraining, bertConfig, configFromJson, configToJson, readConfigFile } from "../../src/model";
import { TINY } from "./helpers";

describe("model: BertConfig", () => {
  it("has the compact-BERT presets and bert-base", () => {
    const sizes = Object.fromEntries(Object.entries(BERT_PRESETS).map(([k, c]) => [k, [c.numHiddenLayers, c.hiddenSize, c.numAttentionHeads, c.intermediateSize]]));
    assert.deepEqual(sizes, {
      tiny: [2, 128, 2, 512],
      mini: [4, 256, 4, 1024],
      small: [4, 512, 8, 2048],
      medium: [8, 512, 8, 2048],
      base: [12, 768, 12, 3072],
    });
    assert.equal(bertConfig("mini", { vocabSize: 8000 }).vocabSize, 8000);
    assert.equal(bertConfig({ hiddenSize: 96, numAttentionHeads: 3 }).numHiddenLayers, 12);
    assert.throws(() => bertConfig("huge" as "tiny"), /unknown BERT preset "huge"/);
  });

  it("gives the same weights for the same seed, seed 0 included (tfjs alone ignores a seed of 0)", async () => {
    const config = bertConfig("tiny", { vocabSize: 50, maxPositionEmbeddings: 16 });
    for (const seed of [0, 5]) {
      const [a, b] = [await BertForPreTraining.create(config, { seed }), await BertForPreTraining.create(config, { seed })];
      for (const [name, w] of a.namedWeights) assert.deepEqual(w.dataSync(), b.namedWeights.get(name)!.dataSync(), `seed ${seed}: ${name} differs`);
      a.dispose();
      b.dispose();
    }
  });

  it("builds a fresh model of any size with HF's initialisation", async () => {
    const config = bertConfig("tiny", { vocabSize: 50, maxPositionEmbeddings: 16 });
    const model = await BertForPreTraining.create(config, { seed: 1 });
    assert.equal(model.variables.length, 5 + 16 * 2 + 2 + 7); // embeddings, 2 layers, pooler, heads (decoder tied)
    assert.deepEqual(model.namedWeights.get("encoder.layer.1.intermediate.dense.weight")!.shape, [128, 512]); // [in, out]
    assert.deepEqual(model.namedWeights.get("embeddings.word_embeddings.weight")!.shape, [128, 50]); // [H, V]
    const std = (name: string) => {
      const v = model.namedWeights.get(name)!.dataSync();
      return Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
    };
    assert.ok(Math.abs(std("encoder.layer.0.attention.self.query.weight") - 0.02) < 0.002);
    assert.equal(std("encoder.layer.0.attention.self.query.bias"), 0);
    assert.deepEqual(Array.from(model.namedWeights.get("embeddings.LayerNorm.weight")!.dataSync()).every((x) => x === 1), true);
    model.dispose();
  });

  it("reads and writes Hugging Face config.json", () => {
    const config = readConfigFile(path.join(TINY, "config.json"));
    assert.equal(config.hiddenSize, 64);
    assert.equal(config.layerNormEps, 1e-12);
    const json = configToJson(config, "BertForPreTraining");
    const original = JSON.parse(fs.readFileSync(path.join(TINY, "config.json"), "utf8"));
    for (const [k, v] of Object.entries(original)) assert.deepEqual(json[k], v, k);
    assert.deepEqual(configFromJson(json), config);
  });
});
