/**
 * Golden parity with PyTorch: test/fixtures/model was written by scripts/make_reference.py from
 * torch's own modules (HF names, padded batch, both segments). fp32 outputs must agree to 1e-4.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { BertForPreTraining, BertModel } from "../../src/model";
import { fixture, maxAbsDiff, TINY, TINY_LEGACY } from "./helpers";

const TOLERANCE = 1e-4;

describe("model: parity with the PyTorch reference", () => {
  before(async () => {
    await ready();
  });

  for (const [label, dir] of [
    ["F32, current names", TINY],
    ["F16, legacy names (bert. prefix, gamma/beta, explicit decoder)", TINY_LEGACY],
  ] as const) {
    it(`BertForPreTraining matches torch within ${TOLERANCE} (${label})`, async () => {
      const model = await BertForPreTraining.fromPretrained(dir);
      const { inputs, expected } = fixture(dir);
      const out = model.forward(
        { inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask },
        { outputAttentions: true, outputHiddenStates: true },
      );
      const diffs = {
        sequenceOutput: maxAbsDiff(out.sequenceOutput, expected.sequence_output),
        pooledOutput: maxAbsDiff(out.pooledOutput, expected.pooled_output),
        mlmLogits: maxAbsDiff(out.mlmLogits, expected.mlm_logits),
        nspLogits: maxAbsDiff(out.nspLogits, expected.nsp_logits),
        lastAttention: maxAbsDiff(out.attentions![1], expected.attentions_last),
        embeddingOutput: maxAbsDiff(out.hiddenStates![0], expected.hidden_states_first),
      };
      for (const [name, d] of Object.entries(diffs)) assert.ok(d <= TOLERANCE, `${name}: max abs diff ${d} > ${TOLERANCE}`);
      assert.equal(out.attentions!.length, 2);
      assert.equal(out.hiddenStates!.length, 3);
      assert.deepEqual(out.attentions![0].shape, [3, 4, 10, 10]);
      // The outputs are O(1), so the tolerance is meaningful.
      assert.ok(tf.max(tf.abs(out.mlmLogits)).dataSync()[0] > 1);
      tf.dispose(out);
      model.dispose();
    });
  }

  it("BertModel loads the encoder of a pretraining checkpoint and gives the same outputs; tensors and arrays agree", async () => {
    const model = await BertModel.fromPretrained(TINY);
    const { inputs, expected } = fixture(TINY);
    assert.ok(![...model.namedWeights.keys()].some((k) => k.startsWith("cls.")));
    const ids = tf.tensor2d(inputs.input_ids, undefined, "int32");
    const segments = tf.tensor2d(inputs.segment_ids, undefined, "int32");
    const mask = tf.tensor2d(inputs.input_mask, undefined, "int32");
    const out = model.forward({ inputIds: ids, segmentIds: segments, inputMask: mask });
    assert.ok(maxAbsDiff(out.sequenceOutput, expected.sequence_output) <= TOLERANCE);
    assert.ok(maxAbsDiff(out.pooledOutput, expected.pooled_output) <= TOLERANCE);
    assert.equal(out.attentions, undefined);
    tf.dispose([ids, segments, mask, out.sequenceOutput, out.pooledOutput]);
    model.dispose();
  });

  it("padding does not change the real tokens' outputs", async () => {
    const model = await BertModel.fromPretrained(TINY);
    const { inputs } = fixture(TINY);
    const n = 7; // row 1 has 7 real tokens and 3 padding
    const short = model.forward({ inputIds: [inputs.input_ids[1].slice(0, n)], segmentIds: [inputs.segment_ids[1].slice(0, n)] });
    const padded = model.forward({ inputIds: [inputs.input_ids[1]], segmentIds: [inputs.segment_ids[1]], inputMask: [inputs.input_mask[1]] });
    const realPart = padded.sequenceOutput.slice([0, 0, 0], [1, n, -1]);
    assert.ok(maxAbsDiff(realPart, short.sequenceOutput.arraySync()) < 1e-5);
    tf.dispose([short.sequenceOutput, short.pooledOutput, padded.sequenceOutput, padded.pooledOutput, realPart]);
    model.dispose();
  });

  it("leaks no tensors over 100 forward calls", async () => {
    const model = await BertForPreTraining.fromPretrained(TINY);
    const { inputs } = fixture(TINY);
    const batch = { inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask };
    tf.dispose(model.forward(batch)); // warm-up (backend caches)
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const out = model.forward(batch, { outputAttentions: i % 2 === 0, outputHiddenStates: i % 3 === 0, training: i % 5 === 0 });
      tf.dispose(out);
    }
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it("dropout acts only when training", async () => {
    const model = await BertModel.fromPretrained(TINY);
    const inputIds = [[2, 5, 9, 11, 7]];
    const a = model.forward({ inputIds });
    const b = model.forward({ inputIds });
    const c = model.forward({ inputIds }, { training: true });
    assert.equal(maxAbsDiff(a.sequenceOutput, b.sequenceOutput.arraySync()), 0);
    assert.ok(maxAbsDiff(a.sequenceOutput, c.sequenceOutput.arraySync()) > 1e-3);
    tf.dispose([a, b, c].flatMap((o) => [o.sequenceOutput, o.pooledOutput]));
    model.dispose();
  });

  it("saves in HF layout and loads back identically (F32 exact, BF16 close)", async () => {
    const model = await BertForPreTraining.fromPretrained(TINY);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-save-"));
    try {
      await model.save(path.join(tmp, "f32"));
      await model.save(path.join(tmp, "bf16"), { dtype: "BF16" });
      const config = JSON.parse(fs.readFileSync(path.join(tmp, "f32", "config.json"), "utf8"));
      assert.deepEqual(config.architectures, ["BertForPreTraining"]);
      assert.equal(config.hidden_size, 64);
      const { inputs } = fixture(TINY);
      const batch = { inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask };
      const ref = model.forward(batch);
      for (const [sub, tol] of [["f32", 0], ["bf16", 0.5]] as const) {
        const again = await BertForPreTraining.fromPretrained(path.join(tmp, sub));
        const out = again.forward(batch);
        const d = maxAbsDiff(out.mlmLogits, ref.mlmLogits.arraySync());
        assert.ok(d <= tol, `${sub}: reloaded logits differ by ${d}`);
        if (sub === "bf16") assert.ok(d > 0, "BF16 storage should round the weights");
        tf.dispose(out);
        again.dispose();
      }
      tf.dispose(ref);
      // A BertModel saves without the bert. prefix, as transformers' BertModel does.
      const encoder = await BertModel.fromPretrained(TINY);
      await encoder.save(path.join(tmp, "encoder"));
      const reloaded = await BertModel.fromPretrained(path.join(tmp, "encoder"));
      assert.equal(reloaded.variables.length, encoder.variables.length);
      encoder.dispose();
      reloaded.dispose();
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      model.dispose();
    }
  });
});
