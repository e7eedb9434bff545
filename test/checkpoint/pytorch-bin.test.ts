/**
 * pytorch_model.bin, as torch.save writes it: the zip format (torch >= 1.6) and the legacy stream
 * format Google's compact BERTs were published in. Fixtures written by scripts/make_reference.py.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { PytorchBinReader } from "../../src/checkpoint";
import { BertForPreTraining } from "../../src/model";
import { fixture, maxAbsDiff, TINY_LEGACY } from "../model/helpers";

const FIXTURES = path.resolve(__dirname, "../fixtures/model");
const DTYPES = path.join(FIXTURES, "dtypes");
const TINY_PT = path.join(FIXTURES, "tiny-bert-pt");

type JsonNumber = number | string;
const expected = JSON.parse(fs.readFileSync(path.join(DTYPES, "values.json"), "utf8")) as Record<string, JsonNumber[][]>;
const asNumber = (v: JsonNumber) => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("checkpoint: pytorch_model.bin", () => {
  for (const file of ["values.pt", "values_legacy.pt"]) {
    it(`reads F32/F16/BF16, strided views and shared storages (${file})`, () => {
      const reader = PytorchBinReader.open(path.join(DTYPES, file));
      assert.deepEqual(reader.names().sort(), ["bf16", "f16", "f16_row", "f32", "f32_transposed", "ids"]);
      for (const name of ["f32", "f16", "bf16"]) {
        assert.deepEqual(reader.info(name).shape, [4, 5]);
        const got = Array.from(reader.readFloat32(name));
        const want = expected[name].flat().map(asNumber);
        got.forEach((v, i) => assert.ok(same(v, want[i]), `${name}[${i}]: ${v} != ${want[i]}`));
      }
      const f32 = expected.f32.map((row) => row.map(asNumber));
      const transposed = Array.from(reader.readFloat32("f32_transposed"));
      assert.deepEqual(reader.info("f32_transposed").shape, [5, 4]);
      transposed.forEach((v, i) => assert.ok(same(v, f32[i % 4][Math.floor(i / 4)]), `transposed[${i}]`));
      const row = Array.from(reader.readFloat32("f16_row"));
      row.forEach((v, i) => assert.ok(same(v, asNumber(expected.f16[1][i]))));
      assert.equal(reader.info("ids").dtype, "I64");
      assert.throws(() => reader.readFloat32("ids"), /tensor "ids" has dtype I64, which bertlab cannot load as weights/);
    });
  }

  it("a legacy-format checkpoint with legacy names loads and matches torch", async () => {
    await ready();
    const model = await BertForPreTraining.fromPretrained(TINY_PT);
    const { inputs, expected: want } = fixture(TINY_LEGACY); // the same F16 weights
    const out = model.forward({ inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask });
    assert.ok(maxAbsDiff(out.mlmLogits, want.mlm_logits) <= 1e-4);
    assert.ok(maxAbsDiff(out.pooledOutput, want.pooled_output) <= 1e-4);
    tf.dispose(out);
    model.dispose();
  });

  it("refuses pickles that are not state dicts, and truncated files", () => {
    // A pickle calling os.system: the reader must refuse the global, not run it.
    const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from("cos\nsystem\n"), Buffer.from([0x58, 4, 0, 0, 0]), Buffer.from("true"), Buffer.from([0x85, 0x52, 0x2e])]);
    const zipless = Buffer.concat([Buffer.from([0x80, 0x02, 0x8a, 0x0a]), Buffer.from("6c fc 9c 46 f9 20 6a a8 50 19".split(" ").map((h) => parseInt(h, 16))), Buffer.from([0x2e]), Buffer.from([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e, 0x80, 0x02, 0x7d, 0x2e]), evil]);
    assert.throws(() => PytorchBinReader.fromBytes(zipless, "evil.bin"), /evil\.bin: unsupported pickle global os\.system/);
    assert.throws(() => PytorchBinReader.fromBytes(Buffer.from("hello world"), "text.bin"), /text\.bin is neither a zip archive nor a legacy torch\.save stream/);
    const legacy = fs.readFileSync(path.join(TINY_PT, "pytorch_model.bin"));
    assert.throws(() => PytorchBinReader.fromBytes(legacy.subarray(0, legacy.length - 100), "cut.bin"), /cut\.bin is truncated: storage \S+ needs \d+ bytes/);
    const zip = fs.readFileSync(path.join(DTYPES, "values.pt"));
    assert.throws(() => PytorchBinReader.fromBytes(zip.subarray(0, zip.length - 30), "cut.pt"), /cut\.pt: zip end-of-directory record not found/);
  });

  it("fromPretrained prefers model.safetensors when both are present", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-both-"));
    try {
      for (const f of ["config.json", "model.safetensors"]) fs.copyFileSync(path.join(TINY_LEGACY, f), path.join(dir, f));
      fs.writeFileSync(path.join(dir, "pytorch_model.bin"), "not a checkpoint");
      (await BertForPreTraining.fromPretrained(dir)).dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
