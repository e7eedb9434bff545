/** Bad input to the model gets an error that names the problem. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { encodeSafetensors, SafetensorsReader } from "../../src/checkpoint";
import { BertForPreTraining, BertModel, bertConfig, configFromJson } from "../../src/model";
import { TINY } from "./helpers";

/** A copy of the tiny checkpoint with its tensors edited. */
function editedCheckpoint(edit: (tensors: Map<string, { shape: number[]; data: Float32Array }>) => void, configEdit?: (c: Record<string, unknown>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-bad-"));
  const reader = SafetensorsReader.open(path.join(TINY, "model.safetensors"));
  const floats = reader.names().filter((n) => reader.info(n).dtype === "F32"); // leave out the int64 position_ids buffer
  const tensors = new Map(floats.map((n) => [n, { shape: reader.info(n).shape, data: reader.readFloat32(n) }]));
  reader.close();
  edit(tensors);
  fs.writeFileSync(path.join(dir, "model.safetensors"), encodeSafetensors([...tensors].map(([name, t]) => ({ name, ...t }))));
  const config = JSON.parse(fs.readFileSync(path.join(TINY, "config.json"), "utf8"));
  configEdit?.(config);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

describe("model: clear errors for bad input", () => {
  let model: BertModel;
  const tmp: string[] = [];
  before(async () => {
    await ready();
    model = await BertModel.fromPretrained(TINY);
  });
  after(() => {
    model.dispose();
    tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });

  it("a sequence longer than max_position_embeddings", () => {
    assert.throws(() => model.forward({ inputIds: [new Array(33).fill(5)] }), /sequence length 33 is longer than max_position_embeddings 32/);
  });

  it("token ids out of the vocabulary range (arrays and tensors), and bad segment ids", () => {
    assert.throws(() => model.forward({ inputIds: [[2, 5, 120]] }), /token id 120 at \[0, 2\] is out of range for vocab_size 120/);
    const ids = tf.tensor2d([[2, 3], [-1, 4]], undefined, "int32");
    assert.throws(() => model.forward({ inputIds: ids }), /token id -1 at \[1, 0\] is out of range/);
    ids.dispose();
    assert.throws(() => model.forward({ inputIds: [[2, 5]], segmentIds: [[0, 2]] }), /segment id 2 at \[0, 1\] is out of range for type_vocab_size 2/);
  });

  it("checks ids given as arrays without reading anything back from the backend", () => {
    const original = tf.Tensor.prototype.dataSync;
    let readbacks = 0;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      readbacks++;
      return original.call(this);
    } as typeof original;
    try {
      tf.tidy(() => {
        model.forward({ inputIds: [[2, 5, 6]], segmentIds: [[0, 0, 1]], inputMask: [[1, 1, 1]] });
      });
      assert.equal(readbacks, 0);
      tf.tidy(() => {
        model.forward({ inputIds: tf.tensor2d([[2, 5, 6]], undefined, "int32") });
      });
      assert.equal(readbacks, 1, "ids in a tensor are read back once to be checked");
    } finally {
      tf.Tensor.prototype.dataSync = original;
    }
  });

  it("ragged rows and mismatched input shapes", () => {
    assert.throws(() => model.forward({ inputIds: [[2, 5, 6], [2, 5]] }), /row 1 has 2 entries but row 0 has 3/);
    assert.throws(() => model.forward({ inputIds: [[2, 5, 6]], inputMask: [[1, 1]] }), /inputMask has shape \[1, 2\] but inputIds has \[1, 3\]/);
  });

  it("leaves no tensors behind when it throws", () => {
    const before = tf.memory().numTensors;
    assert.throws(() => model.forward({ inputIds: [[2, 5, 999]] }));
    assert.equal(tf.memory().numTensors, before);
  });

  it("a weight whose shape disagrees with config.json names the tensor and both shapes", async () => {
    const dir = editedCheckpoint((t) => {
      t.set("bert.encoder.layer.1.intermediate.dense.weight", { shape: [100, 64], data: new Float32Array(6400) });
    });
    tmp.push(dir);
    await assert.rejects(
      BertModel.fromPretrained(dir),
      /tensor "bert\.encoder\.layer\.1\.intermediate\.dense\.weight" has shape \[100, 64\] but the config implies \[128, 64\]/,
    );
  });

  it("a config whose sizes disagree with the weights", async () => {
    const dir = editedCheckpoint(() => undefined, (c) => (c.vocab_size = 200));
    tmp.push(dir);
    await assert.rejects(BertModel.fromPretrained(dir), /"bert\.embeddings\.word_embeddings\.weight" has shape \[120, 64\] but the config implies \[200, 64\]/);
  });

  it("a missing tensor", async () => {
    const dir = editedCheckpoint((t) => t.delete("cls.seq_relationship.bias"));
    tmp.push(dir);
    await BertModel.fromPretrained(dir).then((m) => m.dispose()); // the encoder alone does not need it
    await assert.rejects(BertForPreTraining.fromPretrained(dir), /missing tensor "cls\.seq_relationship\.bias"/);
  });

  it("not a checkpoint directory, and not a repo id", async () => {
    await assert.rejects(BertModel.fromPretrained(os.tmpdir()), /has no config\.json/);
    await assert.rejects(BertModel.fromPretrained("no such/dir/at all"), /neither an existing directory nor a Hugging Face Hub repo id/);
  });

  it("bad configs", () => {
    assert.throws(() => bertConfig({ hiddenSize: 100, numAttentionHeads: 12 }), /hidden_size 100 is not a multiple of num_attention_heads 12/);
    assert.throws(() => configFromJson({ model_type: "gpt2" }), /model_type is "gpt2", not "bert"/);
    assert.throws(() => configFromJson({ vocab_size: -3 }), /vocab_size must be a positive integer, got -3/);
    assert.throws(() => configFromJson({ hidden_act: "swish" }), /hidden_act "swish" is not supported/);
  });
});
