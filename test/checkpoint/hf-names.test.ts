import { strict as assert } from "node:assert";
import { acceptedSpellings, canonicalName, checkpointName, indexCheckpointNames } from "../../src/checkpoint";

describe("checkpoint: Hugging Face tensor names", () => {
  it("maps current, prefixed and legacy gamma/beta names to one canonical name", () => {
    assert.equal(canonicalName("embeddings.LayerNorm.weight"), "embeddings.LayerNorm.weight");
    assert.equal(canonicalName("bert.embeddings.LayerNorm.gamma"), "embeddings.LayerNorm.weight");
    assert.equal(canonicalName("bert.encoder.layer.3.output.LayerNorm.beta"), "encoder.layer.3.output.LayerNorm.bias");
    assert.equal(canonicalName("cls.predictions.transform.LayerNorm.gamma"), "cls.predictions.transform.LayerNorm.weight");
    assert.equal(checkpointName("pooler.dense.weight", true), "bert.pooler.dense.weight");
    assert.equal(checkpointName("cls.predictions.bias", true), "cls.predictions.bias");
    assert.equal(checkpointName("pooler.dense.weight", false), "pooler.dense.weight");
    assert.ok(acceptedSpellings("embeddings.LayerNorm.bias").includes("bert.embeddings.LayerNorm.beta"));
  });

  it("skips buffers and the tied decoder, uses decoder.bias only as a fallback, rejects duplicates", () => {
    const index = indexCheckpointNames(["bert.embeddings.position_ids", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias", "bert.pooler.dense.bias"], "f");
    assert.deepEqual([...index], [
      ["pooler.dense.bias", "bert.pooler.dense.bias"],
      ["cls.predictions.bias", "cls.predictions.decoder.bias"],
    ]);
    const both = indexCheckpointNames(["cls.predictions.decoder.bias", "cls.predictions.bias"], "f");
    assert.equal(both.get("cls.predictions.bias"), "cls.predictions.bias");
    assert.throws(() => indexCheckpointNames(["bert.pooler.dense.bias", "pooler.dense.bias"], "x.safetensors"), /x\.safetensors stores "pooler\.dense\.bias" twice/);
  });
});
