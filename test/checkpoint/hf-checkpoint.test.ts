/** Checkpoint directories in Hugging Face layout beyond the single-file case: sharded safetensors. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { encodeSafetensors, SafetensorsReader } from "../../src/checkpoint";
import { BertForPreTraining } from "../../src/model";
import { fixture, maxAbsDiff, TINY } from "../model/helpers";

describe("checkpoint: Hugging Face checkpoint directories", () => {
  it("loads weights sharded across files listed in model.safetensors.index.json", async () => {
    await ready();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-shards-"));
    try {
      const reader = SafetensorsReader.open(path.join(TINY, "model.safetensors"));
      const names = reader.names().filter((n) => reader.info(n).dtype === "F32");
      const shards = [names.filter((n) => n.startsWith("bert.encoder")), names.filter((n) => !n.startsWith("bert.encoder"))];
      const weightMap: Record<string, string> = {};
      shards.forEach((list, i) => {
        const file = `model-0000${i + 1}-of-00002.safetensors`;
        fs.writeFileSync(path.join(dir, file), encodeSafetensors(list.map((name) => ({ name, shape: reader.info(name).shape, data: reader.readFloat32(name) }))));
        for (const name of list) weightMap[name] = file;
      });
      reader.close();
      fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
      fs.copyFileSync(path.join(TINY, "config.json"), path.join(dir, "config.json"));
      const model = await BertForPreTraining.fromPretrained(dir);
      const { inputs, expected } = fixture(TINY);
      const out = model.forward({ inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask });
      assert.ok(maxAbsDiff(out.mlmLogits, expected.mlm_logits) <= 1e-4);
      tf.dispose(out);
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
