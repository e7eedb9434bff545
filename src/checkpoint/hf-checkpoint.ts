/**
 * A BERT checkpoint directory in Hugging Face layout: `config.json` + `model.safetensors`
 * (or shards listed in `model.safetensors.index.json`), next to the tokenizer's files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BertConfig, readConfigFile, writeConfigFile } from "../model/config";
import { shapeString, transpose2d, WeightSpec } from "../model/weights";
import { acceptedSpellings, checkpointName, indexCheckpointNames } from "./hf-names";
import { PytorchBinReader } from "./pytorch-bin";
import { FloatDtype, SafetensorsReader, SafetensorsTensor, writeSafetensors } from "./safetensors";

export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "model.safetensors";
export const WEIGHTS_INDEX_FILE = "model.safetensors.index.json";
/** PyTorch's pickle format, read when a repo publishes no safetensors. */
export const PYTORCH_WEIGHTS_FILE = "pytorch_model.bin";

/** What CheckpointWeights needs from a tensor file, whatever its format. */
export interface TensorFileReader {
  readonly label: string;
  names(): string[];
  info(name: string): { dtype: string; shape: number[] };
  readFloat32(name: string): Float32Array;
  close(): void;
}

export interface LoadedTensor {
  shape: number[];
  data: Float32Array;
}

/** The safetensors file(s) of a checkpoint directory, opened for reading. */
export class CheckpointWeights {
  private constructor(
    /** canonical name -> [reader, name in the file] */
    private readonly index: Map<string, [TensorFileReader, string]>,
    private readonly readers: TensorFileReader[],
    readonly source: string,
  ) {}

  static open(dir: string): CheckpointWeights {
    const single = path.join(dir, WEIGHTS_FILE);
    const sharded = path.join(dir, WEIGHTS_INDEX_FILE);
    const pytorch = path.join(dir, PYTORCH_WEIGHTS_FILE);
    let files: string[];
    if (fs.existsSync(single)) files = [single];
    else if (fs.existsSync(sharded)) files = shardFiles(sharded);
    else if (fs.existsSync(pytorch)) files = [pytorch];
    else {
      const others = ["tf_model.h5", "flax_model.msgpack", "pytorch_model.bin.index.json"].filter((f) => fs.existsSync(path.join(dir, f)));
      throw new Error(
        `${dir} has no ${WEIGHTS_FILE} (or ${WEIGHTS_INDEX_FILE}, or ${PYTORCH_WEIGHTS_FILE})` +
          (others.length ? `; it has ${others.join(", ")}, which bertlab does not read: convert to safetensors first` : ""),
      );
    }
    const readers: TensorFileReader[] = [];
    try {
      const index = new Map<string, [TensorFileReader, string]>();
      for (const file of files) {
        const reader: TensorFileReader = file.endsWith(".bin") ? PytorchBinReader.open(file) : SafetensorsReader.open(file);
        readers.push(reader);
        for (const [canonical, fileName] of indexCheckpointNames(reader.names(), file)) {
          if (index.has(canonical)) throw new Error(`tensor "${canonical}" appears in two shards (${index.get(canonical)![0].label} and ${file})`);
          index.set(canonical, [reader, fileName]);
        }
      }
      return new CheckpointWeights(index, readers, files.length === 1 ? files[0] : sharded);
    } catch (error) {
      readers.forEach((r) => r.close());
      throw error;
    }
  }

  has(canonical: string): boolean {
    return this.index.has(canonical);
  }

  /** Reads one tensor, checking it has the shape the config implies; returns it in the model's layout. */
  read(spec: WeightSpec): LoadedTensor {
    const entry = this.index.get(spec.name);
    if (!entry) {
      throw new Error(`${this.source} is missing tensor "${spec.name}" (looked for ${acceptedSpellings(spec.name).map((n) => `"${n}"`).join(", ")})`);
    }
    const [reader, fileName] = entry;
    const info = reader.info(fileName);
    const want = spec.checkpointShape;
    if (info.shape.length !== want.length || info.shape.some((d, i) => d !== want[i])) {
      throw new Error(`${this.source}: tensor "${fileName}" has shape ${shapeString(info.shape)} but the config implies ${shapeString(want)}`);
    }
    const data = reader.readFloat32(fileName);
    return { shape: spec.shape, data: spec.transposed ? transpose2d(data, want[0], want[1]) : data };
  }

  close(): void {
    this.readers.forEach((r) => r.close());
  }
}

function shardFiles(indexPath: string): string[] {
  let json: { weight_map?: Record<string, string> };
  try {
    json = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  } catch (error) {
    throw new Error(`cannot read ${indexPath}: ${(error as Error).message}`);
  }
  if (!json.weight_map || typeof json.weight_map !== "object") throw new Error(`${indexPath} has no "weight_map"`);
  return [...new Set(Object.values(json.weight_map))].map((f) => path.join(path.dirname(indexPath), f));
}

export function readCheckpointConfig(dir: string): BertConfig {
  const file = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) throw new Error(`${dir} has no ${CONFIG_FILE}: not a Hugging Face checkpoint directory`);
  return readConfigFile(file);
}

/** Reads every tensor the specs list; the first problem (missing, wrong shape, corrupt) throws. */
export function loadCheckpoint(dir: string, specs: WeightSpec[]): { config: BertConfig; tensors: Map<string, LoadedTensor> } {
  const config = readCheckpointConfig(dir);
  const weights = CheckpointWeights.open(dir);
  try {
    const tensors = new Map<string, LoadedTensor>();
    for (const spec of specs) tensors.set(spec.name, weights.read(spec));
    return { config, tensors };
  } finally {
    weights.close();
  }
}

export interface SaveCheckpointOptions {
  /** HF architecture recorded in config.json, and whether names take the `bert.` prefix. */
  architecture: "BertModel" | "BertForPreTraining";
  dtype?: FloatDtype;
}

/**
 * Writes config.json + model.safetensors with HF's current names and [out, in] Linear weights
 * (the tied decoder weight left out, as HF does). `tensors` are in the model's layout, described by `specs`.
 */
export function saveCheckpoint(dir: string, config: BertConfig, specs: WeightSpec[], tensors: Map<string, LoadedTensor>, opts: SaveCheckpointOptions): void {
  fs.mkdirSync(dir, { recursive: true });
  const withHeads = opts.architecture !== "BertModel";
  const list: SafetensorsTensor[] = specs.map((spec) => {
    const t = tensors.get(spec.name);
    if (!t) throw new Error(`cannot save: no tensor "${spec.name}"`);
    const data = spec.transposed ? transpose2d(t.data, spec.shape[0], spec.shape[1]) : t.data;
    return { name: checkpointName(spec.name, withHeads), shape: spec.checkpointShape, data, dtype: opts.dtype ?? "F32" };
  });
  writeConfigFile(path.join(dir, CONFIG_FILE), config, opts.architecture);
  writeSafetensors(path.join(dir, WEIGHTS_FILE), list, { format: "pt" });
}
