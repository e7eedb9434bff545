/**
 * The weights structure every forward function reads: tensors keyed by their Hugging Face names.
 *
 * Names are those of `transformers.BertModel` (no `bert.` prefix), plus the pretraining heads'
 * `cls.*` names, so a checkpoint maps onto the model with no renaming tables, and the same forward
 * runs over tf.Variables (BertModel), LayerVariable reads (BertLayer) or plain tensors.
 *
 * One layout difference: every matrix that is the right operand of a matMul is held as [in, out],
 * the kernel layout of TensorFlow's BERT, not PyTorch's [out, in]. That is each Linear weight and
 * the word embedding matrix, which is also the MLM decoder's weight (tied): it is held as [H, V],
 * and the embedding lookup gathers its columns. Then y = x·W needs no transpose, and the wasm
 * backend's matMul, which packs its right operand once per tensor and caches the packing, reuses
 * it on every call (4x faster for the MLM decoder than transposing E each call). Checkpoint
 * reading and writing transpose to and from the Hub's [out, in] / [V, H].
 */
import * as tf from "@tensorflow/tfjs";
import { BertConfig } from "./config";

/** Anything that hands out a tensor per name: a Map of Variables, of Tensors, ... */
export interface BertWeights {
  get(name: string): tf.Tensor | undefined;
}

export interface WeightSpec {
  name: string;
  /** Shape in the model: [in, out] for Linear weights, [H, V] for the word embeddings. */
  shape: number[];
  /** Shape in a Hugging Face checkpoint: [out, in] for Linear weights, [V, H] for the word embeddings, else the same. */
  checkpointShape: number[];
  /** True for Linear weights and the word embeddings, stored transposed relative to the checkpoint. */
  transposed: boolean;
  /** How a fresh model initialises it, as HF's `_init_weights` does. */
  init: "normal" | "zeros" | "ones";
}

/** Reads a weight the model cannot run without; a missing one is a bug in how the weights were built. */
export function param(weights: BertWeights, name: string): tf.Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`BERT weights have no tensor "${name}"`);
  return t;
}

function plain(name: string, shape: number[], init: WeightSpec["init"]): WeightSpec {
  return { name, shape, checkpointShape: shape, transposed: false, init };
}

function linear(name: string, inDim: number, outDim: number): WeightSpec[] {
  return [
    { name: `${name}.weight`, shape: [inDim, outDim], checkpointShape: [outDim, inDim], transposed: true, init: "normal" },
    plain(`${name}.bias`, [outDim], "zeros"),
  ];
}

function layerNorm(name: string, dim: number): WeightSpec[] {
  return [
    plain(`${name}.weight`, [dim], "ones"),
    plain(`${name}.bias`, [dim], "zeros"),
  ];
}

/** Every tensor of BertModel: embeddings, encoder layers and pooler. */
export function bertModelWeightSpecs(config: BertConfig): WeightSpec[] {
  const h = config.hiddenSize;
  const specs: WeightSpec[] = [
    // [H, V]: the tied MLM decoder's kernel; the embedding lookup gathers columns.
    { name: "embeddings.word_embeddings.weight", shape: [h, config.vocabSize], checkpointShape: [config.vocabSize, h], transposed: true, init: "normal" },
    plain("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, h], "normal"),
    plain("embeddings.token_type_embeddings.weight", [config.typeVocabSize, h], "normal"),
    ...layerNorm("embeddings.LayerNorm", h),
  ];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `encoder.layer.${i}`;
    specs.push(
      ...linear(`${p}.attention.self.query`, h, h),
      ...linear(`${p}.attention.self.key`, h, h),
      ...linear(`${p}.attention.self.value`, h, h),
      ...linear(`${p}.attention.output.dense`, h, h),
      ...layerNorm(`${p}.attention.output.LayerNorm`, h),
      ...linear(`${p}.intermediate.dense`, h, config.intermediateSize),
      ...linear(`${p}.output.dense`, config.intermediateSize, h),
      ...layerNorm(`${p}.output.LayerNorm`, h),
    );
  }
  specs.push(...linear("pooler.dense", h, h));
  return specs;
}

/** The MLM and NSP heads. The MLM decoder weight is the word embedding matrix (tied), so it has no entry. */
export function pretrainingHeadsWeightSpecs(config: BertConfig): WeightSpec[] {
  const h = config.hiddenSize;
  return [
    ...linear("cls.predictions.transform.dense", h, h),
    ...layerNorm("cls.predictions.transform.LayerNorm", h),
    plain("cls.predictions.bias", [config.vocabSize], "zeros"),
    ...linear("cls.seq_relationship", h, 2),
  ];
}

/**
 * A fresh tensor as HF's `_init_weights` makes it: normal(0, initializer_range) (not truncated) for
 * Linear and embedding weights, zeros for biases, ones for LayerNorm scales, and the padding
 * token's word embedding zeroed.
 */
/** What seed 0 becomes for tfjs' random ops, which would otherwise ignore it. */
const SEED_FOR_ZERO = 0x5eed;

export function initialValue(spec: WeightSpec, config: BertConfig, seed?: number): tf.Tensor {
  switch (spec.init) {
    case "normal": {
      // tfjs reads a seed of 0 as "no seed" (it tests the seed for truth), so 0 is passed on as another fixed value.
      const values = tf.randomNormal(spec.shape, 0, config.initializerRange, "float32", seed === 0 ? SEED_FOR_ZERO : seed);
      if (spec.name !== "embeddings.word_embeddings.weight" || config.padTokenId >= config.vocabSize) return values;
      // Held as [H, V]: the padding token is a column.
      const isPad = tf.equal(tf.range(0, config.vocabSize, 1, "int32"), config.padTokenId);
      return tf.where(isPad.reshape([1, config.vocabSize]).tile([config.hiddenSize, 1]), tf.zerosLike(values), values);
    }
    case "zeros":
      return tf.zeros(spec.shape);
    case "ones":
      return tf.ones(spec.shape);
  }
}

/**
 * Puts the weights whose names start with one of `prefixes` back to a fresh initialisation
 * (`initialValue`), writing each through `write`. Shared by BertModel and the Keras BertLayer, so both
 * re-initialise the same names the same way. Returns the names it re-initialised; a prefix that
 * matches nothing is an error.
 */
export function reinitializeWeights(
  specs: readonly WeightSpec[],
  config: BertConfig,
  prefixes: readonly string[],
  write: (name: string, value: tf.Tensor) => void,
  seed?: number,
): string[] {
  const done: string[] = [];
  for (const prefix of prefixes) {
    const matching = specs.filter((spec) => spec.name.startsWith(prefix));
    if (matching.length === 0) throw new Error(`reinitialize: no weight name starts with "${prefix}" (names look like "pooler.dense.weight", "encoder.layer.0.…")`);
    for (const spec of matching) {
      if (done.includes(spec.name)) continue;
      const value = tf.tidy(() => initialValue(spec, config, seed === undefined ? undefined : seed + specs.indexOf(spec)));
      write(spec.name, value);
      value.dispose();
      done.push(spec.name);
    }
  }
  return done;
}

/** Transposes a row-major [rows, cols] matrix: between checkpoint [out, in] and model [in, out]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[row + c];
  }
  return out;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
