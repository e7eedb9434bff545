/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {...} }`, then the raw
 * little-endian tensor bytes, offsets relative to the end of the header. Every header field is
 * checked against the file before any tensor is read, so a corrupt file fails with a message that
 * says what is wrong and where, never with garbage weights.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { decodeBF16, decodeF16, encodeBF16, encodeF16 } from "./dtypes";

/** Every dtype the format defines, with its size in bytes. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The float types bertlab decodes to float32 (and F64, narrowed). */
export type FloatDtype = "F32" | "F16" | "BF16";
export const DECODABLE = ["F32", "F16", "BF16", "F64"];

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** [begin, end) byte range, relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** Where the bytes come from: a file read on demand, or bytes already in memory. */
interface ByteSource {
  size: number;
  read(position: number, length: number): Uint8Array;
  close(): void;
}

function fileSource(path: string): ByteSource {
  const fd = fs.openSync(path, "r");
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(position, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, out, done, length - done, position + done);
        if (n === 0) throw new Error(`${path}: unexpected end of file at byte ${position + done}`);
        done += n;
      }
      return out;
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (position, length) => bytes.subarray(position, position + length), close: () => undefined };
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024; // the reference implementation's limit

export class SafetensorsReader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly dataStart: number;

  private constructor(private readonly source: ByteSource, readonly label: string) {
    const { tensors, metadata, dataStart } = parseHeader(source, label);
    this.tensors = tensors;
    this.metadata = metadata;
    this.dataStart = dataStart;
  }

  static open(path: string): SafetensorsReader {
    const source = fileSource(path);
    try {
      return new SafetensorsReader(source, path);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  static fromBytes(bytes: Uint8Array, label = "safetensors bytes"): SafetensorsReader {
    return new SafetensorsReader(memorySource(bytes), label);
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new Error(`${this.label} has no tensor "${name}"`);
    return info;
  }

  /** The tensor's values as float32, whatever float type it is stored in. */
  readFloat32(name: string): Float32Array {
    const info = this.info(name);
    if (!DECODABLE.includes(info.dtype)) {
      throw new Error(
        `${this.label}: tensor "${name}" has dtype ${info.dtype}, which bertlab cannot load as weights (supported: F32, F16, BF16, F64)`,
      );
    }
    const [begin, end] = info.dataOffsets;
    return decodeFloat32(this.source.read(this.dataStart + begin, end - begin), info.dtype);
  }

  close(): void {
    this.source.close();
  }
}

/** Little-endian F32/F64/F16/BF16 bytes to float32 values. */
export function decodeFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  // Copy into a fresh, aligned buffer: typed-array views need an offset that is a multiple of the element size.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  const le = os.endianness() === "LE";
  switch (dtype) {
    case "F32":
      return le ? new Float32Array(aligned.buffer) : viaDataView(aligned, 4, (v, o) => v.getFloat32(o, true));
    case "F64":
      return Float32Array.from(le ? new Float64Array(aligned.buffer) : viaDataView(aligned, 8, (v, o) => v.getFloat64(o, true)));
    case "F16":
      return decodeF16(le ? new Uint16Array(aligned.buffer) : Uint16Array.from(viaDataView(aligned, 2, (v, o) => v.getUint16(o, true))));
    case "BF16":
      return decodeBF16(le ? new Uint16Array(aligned.buffer) : Uint16Array.from(viaDataView(aligned, 2, (v, o) => v.getUint16(o, true))));
    default:
      throw new Error(`cannot decode ${dtype} as float32`);
  }
}

function viaDataView(bytes: Uint8Array, size: number, get: (v: DataView, offset: number) => number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / size);
  for (let i = 0; i < out.length; i++) out[i] = get(view, i * size);
  return out;
}

function parseHeader(source: ByteSource, label: string): { tensors: Map<string, TensorInfo>; metadata: Record<string, string>; dataStart: number } {
  if (source.size < 8) {
    throw new Error(`${label} is not a safetensors file: it is ${source.size} bytes, shorter than the 8-byte header length`);
  }
  const lengthBytes = source.read(0, 8);
  const headerLength = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength === 0n || headerLength > BigInt(Math.min(MAX_HEADER_BYTES, source.size - 8))) {
    throw new Error(
      `${label}: bad safetensors header length ${headerLength} (the file is ${source.size} bytes, so at most ${Math.max(0, source.size - 8)} bytes of header fit)`,
    );
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(source.read(8, n)));
  } catch (error) {
    throw new Error(`${label}: the safetensors header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new Error(`${label}: the safetensors header is not a JSON object`);
  }
  const dataStart = 8 + n;
  const dataSize = source.size - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    tensors.set(name, checkEntry(name, raw, label));
  }
  checkLayout([...tensors.values()], dataSize, label);
  return { tensors, metadata, dataStart };
}

function checkEntry(name: string, raw: unknown, label: string): TensorInfo {
  const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const where = `${label}: tensor "${name}"`;
  if (entry === null || typeof entry !== "object") throw new Error(`${where}: header entry is not an object`);
  if (typeof entry.dtype !== "string" || !(entry.dtype in DTYPE_BYTES)) {
    throw new Error(`${where}: unsupported dtype ${JSON.stringify(entry.dtype)} (safetensors dtypes: ${Object.keys(DTYPE_BYTES).join(", ")})`);
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} must be two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[entry.dtype];
  if (end < begin || end - begin !== expected) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] are out of range for its ${entry.dtype} shape [${(shape as number[]).join(", ")}], which needs ${expected} bytes`,
    );
  }
  return { name, dtype: entry.dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

/** Tensors must tile the data section: no gaps, no overlaps, nothing past the end of the file. */
function checkLayout(tensors: TensorInfo[], dataSize: number, label: string): void {
  const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0]);
  let cursor = 0;
  for (const t of sorted) {
    const [begin, end] = t.dataOffsets;
    if (begin !== cursor) {
      throw new Error(
        `${label}: tensor "${t.name}" data_offsets [${begin}, ${end}] are out of range: the previous tensor ends at byte ${cursor} (tensors must be contiguous)`,
      );
    }
    cursor = end;
  }
  if (cursor > dataSize) {
    const cut = sorted.find((t) => t.dataOffsets[1] > dataSize);
    throw new Error(
      `${label} is truncated: its header describes ${cursor} bytes of tensor data but only ${dataSize} are present` +
        (cut ? ` (tensor "${cut.name}" [${cut.dataOffsets.join(", ")}] runs past the end)` : ""),
    );
  }
}

export interface SafetensorsTensor {
  name: string;
  shape: number[];
  data: Float32Array;
  /** Storage type; F32 unless given. */
  dtype?: FloatDtype;
}

/** Serialises tensors to safetensors bytes, data 8-byte aligned as the reference writer lays it out. */
export function encodeSafetensors(tensors: SafetensorsTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) {
      throw new Error(`tensor "${t.name}": shape [${t.shape.join(", ")}] holds ${numel} values but data has ${t.data.length}`);
    }
    const dtype = t.dtype ?? "F32";
    const bytes = toLittleEndianBytes(t.data, dtype);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, cursor);
    cursor += c.length;
  }
  return out;
}

function toLittleEndianBytes(data: Float32Array, dtype: FloatDtype): Uint8Array {
  const le = os.endianness() === "LE";
  if (dtype === "F32") {
    if (le) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    const out = new Uint8Array(data.length * 4);
    const view = new DataView(out.buffer);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out;
  }
  const bits = dtype === "F16" ? encodeF16(data) : encodeBF16(data);
  if (le) return new Uint8Array(bits.buffer);
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((v, i) => view.setUint16(i * 2, v, true));
  return out;
}

export function writeSafetensors(path: string, tensors: SafetensorsTensor[], metadata?: Record<string, string>): void {
  fs.writeFileSync(path, encodeSafetensors(tensors, metadata));
}
