/**
 * safetensors reading and writing, against files written by scripts/make_reference.py (an
 * independent writer, with torch's own F16/BF16 rounding), and corrupt files of each kind.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeBF16, encodeF16, encodeSafetensors, SafetensorsReader } from "../../src/checkpoint";

const DTYPES = path.resolve(__dirname, "../fixtures/model/dtypes");
const TINY = path.resolve(__dirname, "../fixtures/model/tiny-bert/model.safetensors");

type JsonNumber = number | string;
const expected = JSON.parse(fs.readFileSync(path.join(DTYPES, "values.json"), "utf8")) as Record<string, JsonNumber[][]>;
const asNumber = (v: JsonNumber) => (typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity);

/** A file with a hand-written header and `dataBytes` bytes of data. */
function rawFile(header: unknown, dataBytes: number, headerLength?: bigint): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe("checkpoint: safetensors", () => {
  it("decodes F32, F16 and BF16 exactly as torch does (zeros, subnormals, inf, nan)", () => {
    const reader = SafetensorsReader.open(path.join(DTYPES, "values.safetensors"));
    for (const [name, dtype] of [["f32", "F32"], ["f16", "F16"], ["bf16", "BF16"]]) {
      assert.equal(reader.info(name).dtype, dtype);
      assert.deepEqual(reader.info(name).shape, [4, 5]);
      const got = Array.from(reader.readFloat32(name));
      const want = expected[name].flat().map(asNumber);
      got.forEach((v, i) => assert.ok(Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i])), `${name}[${i}]: ${v} != ${want[i]}`));
    }
    reader.close();
  });

  it("encodes F16 and BF16 with torch's rounding", () => {
    const reader = SafetensorsReader.open(path.join(DTYPES, "values.safetensors"));
    const f32 = reader.readFloat32("f32");
    const bits = (name: string) => {
      const { dataOffsets } = reader.info(name);
      const bytes = fs.readFileSync(path.join(DTYPES, "values.safetensors"));
      const start = 8 + Number(bytes.readBigUInt64LE(0)) + dataOffsets[0];
      return Array.from({ length: 20 }, (_, i) => bytes.readUInt16LE(start + 2 * i));
    };
    const norm = (b: number[], nanBits: (x: number) => boolean) => b.map((x) => (nanBits(x) ? -1 : x)); // any NaN payload is a NaN
    assert.deepEqual(norm(Array.from(encodeF16(f32)), (x) => (x & 0x7c00) === 0x7c00 && (x & 0x3ff) !== 0), norm(bits("f16"), (x) => (x & 0x7c00) === 0x7c00 && (x & 0x3ff) !== 0));
    assert.deepEqual(norm(Array.from(encodeBF16(f32)), (x) => (x & 0x7f80) === 0x7f80 && (x & 0x7f) !== 0), norm(bits("bf16"), (x) => (x & 0x7f80) === 0x7f80 && (x & 0x7f) !== 0));
    reader.close();
  });

  it("round-trips what it writes, metadata included, 8-byte aligned", () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
    const bytes = encodeSafetensors(
      [
        { name: "a", shape: [3, 4], data },
        { name: "b", shape: [12], data, dtype: "BF16" },
        { name: "c", shape: [2, 6], data, dtype: "F16" },
      ],
      { format: "pt" },
    );
    assert.equal(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8, 0);
    const reader = SafetensorsReader.fromBytes(bytes);
    assert.deepEqual(reader.metadata, { format: "pt" });
    assert.deepEqual(Array.from(reader.readFloat32("a")), Array.from(data));
    reader.readFloat32("b").forEach((v, i) => assert.ok(Math.abs(v - data[i]) <= Math.abs(data[i]) / 128));
    reader.readFloat32("c").forEach((v, i) => assert.ok(Math.abs(v - data[i]) <= 1e-3));
  });

  it("reads the fixture checkpoint's names and shapes", () => {
    const reader = SafetensorsReader.open(TINY);
    assert.deepEqual(reader.info("bert.encoder.layer.0.attention.self.query.weight").shape, [64, 64]);
    assert.ok(!reader.tensors.has("cls.predictions.decoder.weight"));
    assert.equal(reader.info("bert.embeddings.position_ids").dtype, "I64"); // a buffer loaders skip
    reader.close();
  });

  describe("corrupt files", () => {
    const good = { w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: "F32", shape: [2], data_offsets: [16, 24] } };

    it("a bad header length", () => {
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(good, 24, 10_000n), "bad.safetensors"), /bad\.safetensors: bad safetensors header length 10000 \(the file is \d+ bytes/);
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(good, 24, 0n)), /bad safetensors header length 0/);
      assert.throws(() => SafetensorsReader.fromBytes(new Uint8Array(5), "tiny.bin"), /tiny\.bin is not a safetensors file: it is 5 bytes/);
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(good, 24, 20n)), /header is not valid UTF-8 JSON/);
    });

    it("offsets out of range", () => {
      const gap = { ...good, b: { dtype: "F32", shape: [2], data_offsets: [48, 56] } };
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(gap, 24)), /tensor "b" data_offsets \[48, 56\] are out of range/);
      const wrongSize = { ...good, w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 12] } };
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(wrongSize, 24)), /tensor "w": data_offsets \[0, 12\] are out of range for its F32 shape \[2, 2\], which needs 16 bytes/);
      const negative = { ...good, w: { dtype: "F32", shape: [2, 2], data_offsets: [-16, 0] } };
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(negative, 24)), /data_offsets \[-16,0\] must be two non-negative integers/);
    });

    it("truncated data", () => {
      assert.throws(
        () => SafetensorsReader.fromBytes(rawFile(good, 20), "cut.safetensors"),
        /cut\.safetensors is truncated: its header describes 24 bytes of tensor data but only 20 are present \(tensor "b" \[16, 24\] runs past the end\)/,
      );
      // A real file cut short on disk.
      const bytes = fs.readFileSync(TINY);
      assert.throws(() => SafetensorsReader.fromBytes(bytes.subarray(0, bytes.length - 1000)), /is truncated/);
    });

    it("an unsupported dtype", () => {
      const unknown = { ...good, w: { dtype: "Q4", shape: [2, 2], data_offsets: [0, 16] } };
      assert.throws(() => SafetensorsReader.fromBytes(rawFile(unknown, 24)), /tensor "w": unsupported dtype "Q4"/);
      const ints = { ...good, w: { dtype: "I32", shape: [2, 2], data_offsets: [0, 16] } };
      const reader = SafetensorsReader.fromBytes(rawFile(ints, 24), "ints.safetensors");
      assert.deepEqual(Array.from(reader.readFloat32("b")), [0, 0]);
      assert.throws(() => reader.readFloat32("w"), /ints\.safetensors: tensor "w" has dtype I32, which bertlab cannot load as weights \(supported: F32, F16, BF16, F64\)/);
    });
  });
});
