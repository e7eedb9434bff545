/**
 * Reading `pytorch_model.bin` (torch.save of a state dict), for Hub repos that publish no
 * safetensors, such as Google's compact BERTs (google/bert_uncased_L-4_H-256_A-4).
 *
 * Two container formats exist: the zip archive of torch >= 1.6 (`{archive}/data.pkl` plus one
 * stored file per storage under `{archive}/data/`), and the legacy stream of earlier versions (five
 * pickles: magic number, protocol, sys info, the state dict, the storage keys; then each storage as
 * an int64 element count and its raw bytes). Either way the state dict is a pickle. It is read by
 * a small unpickler that knows only the globals a state dict uses (OrderedDict, the tensor rebuild
 * functions, storage types) and refuses anything else, so a malicious file cannot run code.
 */
import * as fs from "node:fs";
import { decodeFloat32, DECODABLE } from "./safetensors";

const STORAGE_DTYPES: Record<string, [dtype: string, bytes: number]> = {
  FloatStorage: ["F32", 4],
  HalfStorage: ["F16", 2],
  BFloat16Storage: ["BF16", 2],
  DoubleStorage: ["F64", 8],
  LongStorage: ["I64", 8],
  IntStorage: ["I32", 4],
  ShortStorage: ["I16", 2],
  CharStorage: ["I8", 1],
  ByteStorage: ["U8", 1],
  BoolStorage: ["BOOL", 1],
};

class Global {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

interface StorageRef {
  kind: "storage";
  key: string;
  dtype: string;
  elementBytes: number;
  numel: number;
}

interface TensorRef {
  kind: "tensor";
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

class Mark {}
const MARK = new Mark();

/** The subset of Python's pickle VM that torch.save's state dicts need. */
class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private metastack: unknown[][] = [];
  private memo = new Map<number, unknown>();

  constructor(private readonly bytes: Uint8Array, private readonly label: string, private readonly persistent: (pid: unknown) => unknown) {}

  get position(): number {
    return this.pos;
  }

  private fail(msg: string): never {
    throw new Error(`${this.label}: ${msg} (pickle byte ${this.pos})`);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail("truncated pickle");
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  private view(n: number): DataView {
    this.need(n);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  private text(n: number): string {
    this.need(n);
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, n).toString("utf8");
    this.pos += n;
    return s;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail("truncated pickle");
    const s = this.text(end - this.pos);
    this.pos++;
    return s;
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const previous = this.metastack.pop();
    if (!previous) this.fail("MARK expected");
    this.stack = previous;
    return items;
  }

  private top(): unknown {
    if (this.stack.length === 0) this.fail("stack underflow");
    return this.stack[this.stack.length - 1];
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.fail("stack underflow");
    return this.stack.pop();
  }

  private littleInt(n: number): number {
    const v = this.view(n);
    let x = 0n;
    for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(v.getUint8(i));
    if (n > 0 && v.getUint8(n - 1) & 0x80) x -= 1n << BigInt(8 * n);
    return Number(x);
  }

  private call(fn: unknown, args: unknown[]): unknown {
    if (!(fn instanceof Global)) this.fail("REDUCE on a non-callable");
    switch (fn.qualified) {
      case "collections.OrderedDict":
        return new Map();
      case "torch._utils._rebuild_tensor":
      case "torch._utils._rebuild_tensor_v2": {
        const [storage, offset, shape, stride] = args as [StorageRef, number, number[], number[]];
        if (!storage || storage.kind !== "storage") this.fail("tensor without storage");
        return { kind: "tensor", storage, offset, shape: [...shape], stride: [...stride] } satisfies TensorRef;
      }
      case "torch._utils._rebuild_parameter":
        return args[0];
      default:
        return this.fail(`unsupported pickle global ${fn.qualified} (only state dicts of tensors can be read)`);
    }
  }

  load(): unknown {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: // PROTO
          this.u8();
          break;
        case 0x95: // FRAME
          this.view(8);
          break;
        case 0x2e: // STOP
          return this.pop();
        case 0x28: // MARK
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case 0x7d: // EMPTY_DICT
          this.stack.push(new Map());
          break;
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          this.stack.push([]);
          break;
        case 0x74: {
          // TUPLE (popMark swaps the stack: take the items before pushing)
          const items = this.popMark();
          this.stack.push(items);
          break;
        }
        case 0x85: // TUPLE1
          this.stack.push([this.pop()]);
          break;
        case 0x86: {
          const b = this.pop();
          this.stack.push([this.pop(), b]);
          break;
        }
        case 0x87: {
          const c = this.pop();
          const b = this.pop();
          this.stack.push([this.pop(), b, c]);
          break;
        }
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x4a: // BININT
          this.stack.push(this.view(4).getInt32(0, true));
          break;
        case 0x4b: // BININT1
          this.stack.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.stack.push(this.view(2).getUint16(0, true));
          break;
        case 0x8a: // LONG1
          this.stack.push(this.littleInt(this.u8()));
          break;
        case 0x8b: // LONG4
          this.stack.push(this.littleInt(this.view(4).getInt32(0, true)));
          break;
        case 0x49: {
          // INT (text): "I01" is True in protocol 0
          const s = this.line();
          this.stack.push(s === "01" ? true : s === "00" ? false : Number(s));
          break;
        }
        case 0x4c: // LONG (text)
          this.stack.push(Number(this.line().replace(/L$/, "")));
          break;
        case 0x47: // BINFLOAT
          this.stack.push(this.view(8).getFloat64(0, false));
          break;
        case 0x58: // BINUNICODE
          this.stack.push(this.text(this.view(4).getUint32(0, true)));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(this.text(this.u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(this.text(Number(this.view(8).getBigUint64(0, true))));
          break;
        case 0x54: // BINSTRING
          this.stack.push(this.text(this.view(4).getInt32(0, true)));
          break;
        case 0x55: // SHORT_BINSTRING
          this.stack.push(this.text(this.u8()));
          break;
        case 0x42: // BINBYTES
          this.stack.push(this.text(this.view(4).getUint32(0, true)));
          break;
        case 0x43: // SHORT_BINBYTES
          this.stack.push(this.text(this.u8()));
          break;
        case 0x63: // GLOBAL
          this.stack.push(new Global(this.line(), this.line()));
          break;
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop() as string;
          this.stack.push(new Global(this.pop() as string, name));
          break;
        }
        case 0x51: // BINPERSID
          this.stack.push(this.persistent(this.pop()));
          break;
        case 0x52: {
          // REDUCE
          const args = this.pop() as unknown[];
          this.stack.push(this.call(this.pop(), args));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop() as unknown[];
          this.stack.push(this.call(this.pop(), args));
          break;
        }
        case 0x62: // BUILD: state for the object below; a state dict's _metadata is not needed
          this.pop();
          break;
        case 0x73: {
          // SETITEM
          const value = this.pop();
          const key = this.pop();
          (this.top() as Map<unknown, unknown>).set(key, value);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          const dict = this.top() as Map<unknown, unknown>;
          for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
          break;
        }
        case 0x61: {
          // APPEND
          const value = this.pop();
          (this.top() as unknown[]).push(value);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          (this.top() as unknown[]).push(...items);
          break;
        }
        case 0x71: // BINPUT
          this.memo.set(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.view(4).getUint32(0, true), this.top());
          break;
        case 0x70: // PUT (text)
          this.memo.set(Number(this.line()), this.top());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x68: // BINGET
          this.stack.push(this.memo.get(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.stack.push(this.memo.get(this.view(4).getUint32(0, true)));
          break;
        case 0x67: // GET (text)
          this.stack.push(this.memo.get(Number(this.line())));
          break;
        case 0x30: // POP
          this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.stack.push(this.top());
          break;
        default:
          this.fail(`unsupported pickle opcode 0x${op.toString(16)}`);
      }
    }
  }
}

function storageRef(pid: unknown, label: string): StorageRef {
  const [tag, type, key, , numel] = pid as [string, Global, string, string, number];
  if (tag !== "storage" || !(type instanceof Global)) throw new Error(`${label}: unexpected persistent id ${JSON.stringify(pid)}`);
  const dt = STORAGE_DTYPES[type.name];
  if (!dt) throw new Error(`${label}: unsupported storage type ${type.qualified}`);
  return { kind: "storage", key: String(key), dtype: dt[0], elementBytes: dt[1], numel: Number(numel) };
}

/** Stored (uncompressed) entries of a zip archive: name -> byte range. */
function zipEntries(bytes: Uint8Array, label: string): Map<string, [number, number]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${label}: zip end-of-directory record not found (truncated file?)`);
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const entries = new Map<string, [number, number]>();
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new Error(`${label}: corrupt zip central directory`);
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + p + 46, nameLen).toString("utf8");
    if (method !== 0) throw new Error(`${label}: zip entry ${name} is compressed (method ${method}); torch.save stores entries uncompressed`);
    if (size === 0xffffffff || local === 0xffffffff) throw new Error(`${label}: zip64 archives (over 4 GB) are not supported`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) throw new Error(`${label}: zip entry ${name} runs past the end of the file (truncated?)`);
    entries.set(name, [start, start + size]);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export class PytorchBinReader {
  private readonly tensors = new Map<string, TensorRef>();
  /** storage key -> [start, end) byte range in the file */
  private readonly storages = new Map<string, [number, number]>();

  private constructor(private readonly bytes: Uint8Array, readonly label: string) {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) this.parseZip();
    else this.parseLegacy();
  }

  static open(path: string): PytorchBinReader {
    return new PytorchBinReader(fs.readFileSync(path), path);
  }

  static fromBytes(bytes: Uint8Array, label = "pytorch_model.bin"): PytorchBinReader {
    return new PytorchBinReader(bytes, label);
  }

  private collect(dict: unknown): void {
    if (!(dict instanceof Map)) throw new Error(`${this.label}: not a state dict (the pickle holds no dictionary of tensors)`);
    for (const [k, v] of dict) {
      if (typeof k === "string" && (v as TensorRef)?.kind === "tensor") this.tensors.set(k, v as TensorRef);
    }
  }

  private parseZip(): void {
    const entries = zipEntries(this.bytes, this.label);
    const pkl = [...entries.keys()].find((n) => n.endsWith("data.pkl"));
    if (!pkl) throw new Error(`${this.label}: zip archive has no data.pkl; not a torch.save file`);
    const prefix = pkl.slice(0, -"data.pkl".length);
    const [s, e] = entries.get(pkl)!;
    const dict = new Unpickler(this.bytes.subarray(s, e), this.label, (pid) => storageRef(pid, this.label)).load();
    this.collect(dict);
    for (const t of this.tensors.values()) {
      const range = entries.get(`${prefix}data/${t.storage.key}`);
      if (!range) throw new Error(`${this.label}: storage ${t.storage.key} is missing from the archive`);
      this.storages.set(t.storage.key, range);
    }
  }

  private parseLegacy(): void {
    const refs = new Map<string, StorageRef>();
    const persistent = (pid: unknown) => {
      const ref = storageRef(pid, this.label);
      refs.set(ref.key, ref);
      return ref;
    };
    let rest = this.bytes;
    let offset = 0;
    const next = (): unknown => {
      const u = new Unpickler(rest, this.label, persistent);
      const value = u.load();
      offset += u.position;
      rest = this.bytes.subarray(offset);
      return value;
    };
    let magic: unknown;
    try {
      magic = next();
    } catch {
      throw new Error(`${this.label} is neither a zip archive nor a legacy torch.save stream`);
    }
    if (magic !== Number(0x1950a86a20f9469cfc6cn)) throw new Error(`${this.label}: bad torch.save magic number; not a PyTorch checkpoint`);
    next(); // protocol version
    next(); // sys info
    this.collect(next());
    const keys = next() as string[];
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    for (const key of keys) {
      const ref = refs.get(key);
      if (offset + 8 > this.bytes.length) throw new Error(`${this.label} is truncated: storage ${key} is missing`);
      const numel = Number(view.getBigInt64(offset, true));
      const elementBytes = ref?.elementBytes ?? 4;
      const start = offset + 8;
      const end = start + numel * elementBytes;
      if (end > this.bytes.length) throw new Error(`${this.label} is truncated: storage ${key} needs ${end - start} bytes, ${this.bytes.length - start} remain`);
      this.storages.set(key, [start, end]);
      offset = end;
    }
  }

  names(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): { dtype: string; shape: number[] } {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.label} has no tensor "${name}"`);
    return { dtype: t.storage.dtype, shape: t.shape };
  }

  readFloat32(name: string): Float32Array {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.label} has no tensor "${name}"`);
    const { dtype, key } = t.storage;
    if (!DECODABLE.includes(dtype)) {
      throw new Error(`${this.label}: tensor "${name}" has dtype ${dtype}, which bertlab cannot load as weights (supported: F32, F16, BF16, F64)`);
    }
    const [start, end] = this.storages.get(key)!;
    const storage = decodeFloat32(this.bytes.subarray(start, end), dtype);
    const numel = t.shape.reduce((a, b) => a * b, 1);
    // Contiguous row-major (the usual case): one slice. Otherwise walk the strides (views, transposes).
    let contiguous = true;
    for (let i = t.shape.length - 1, expect = 1; i >= 0; expect *= t.shape[i], i--) {
      if (t.shape[i] !== 1 && t.stride[i] !== expect) contiguous = false;
    }
    if (contiguous) {
      if (t.offset + numel > storage.length) throw new Error(`${this.label}: tensor "${name}" runs past the end of its storage`);
      return storage.slice(t.offset, t.offset + numel);
    }
    const out = new Float32Array(numel);
    const index = new Array(t.shape.length).fill(0);
    for (let i = 0; i < numel; i++) {
      let src = t.offset;
      for (let d = 0; d < index.length; d++) src += index[d] * t.stride[d];
      if (src >= storage.length) throw new Error(`${this.label}: tensor "${name}" runs past the end of its storage`);
      out[i] = storage[src];
      for (let d = index.length - 1; d >= 0; d--) {
        if (++index[d] < t.shape[d]) break;
        index[d] = 0;
      }
    }
    return out;
  }

  close(): void {
    /* the file was read whole */
  }
}
