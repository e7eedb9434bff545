/**
 * The three inputs BERT takes, as the seed course names them: token ids, segment ids (0 for
 * sentence A, 1 for sentence B) and the input mask (1 for a token, 0 for padding). Each may be a
 * number[][] or a 2-D tensor; they are checked here so a bad id fails with its position, not as
 * silent zeros from an out-of-range gather.
 */
import * as tf from "@tensorflow/tfjs";
import { BertConfig } from "./config";

export type IdsInput = number[][] | tf.Tensor;

/**
 * BERT's three inputs, as the tokenizer's `toTensors`/`encodeBatch` return them. Hugging Face's names
 * are accepted too (`tokenTypeIds` for `segmentIds`, `attentionMask` for `inputMask`), but not both
 * names of one input.
 */
export interface BertInputs {
  inputIds: IdsInput;
  /** Defaults to all zeros (a single sentence). */
  segmentIds?: IdsInput;
  /** Defaults to all ones (no padding). */
  inputMask?: IdsInput;
  /** Hugging Face's name of `segmentIds`. */
  tokenTypeIds?: IdsInput;
  /** Hugging Face's name of `inputMask`. */
  attentionMask?: IdsInput;
}

export interface BertTensors {
  inputIds: tf.Tensor2D;
  segmentIds: tf.Tensor2D;
  inputMask: tf.Tensor2D;
}

function toTensor(x: IdsInput, what: string): tf.Tensor2D {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new Error(`${what} must be 2-D [batch, sequence], got shape [${x.shape.join(", ")}]`);
    return (x.dtype === "int32" ? x : tf.cast(x, "int32")) as tf.Tensor2D;
  }
  if (!Array.isArray(x) || x.length === 0 || !x.every((row) => Array.isArray(row))) {
    throw new Error(`${what} must be a non-empty number[][] (one row per sequence) or a 2-D tensor`);
  }
  const width = x[0].length;
  x.forEach((row, i) => {
    if (row.length !== width) throw new Error(`${what}: row ${i} has ${row.length} entries but row 0 has ${width}; pad rows to one length`);
  });
  return tf.tensor2d(x, [x.length, width], "int32");
}

/** First position (row, column) where `values` is outside [0, limit), or undefined. */
function firstOutOfRange(values: ArrayLike<number>, width: number, limit: number): [number, number, number] | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v < limit)) return [Math.floor(i / width), i % width, v];
  }
  return undefined;
}

/**
 * Converts to int32 tensors and checks shapes and id ranges against the config. Call inside tf.tidy.
 * The id-range check reads ids given as arrays directly; ids already in a tensor are read back from the
 * backend (a synchronous readback), which `checkIds: false` skips where the ids come from the tokenizer
 * every step (the Keras layer inside `fit`).
 */
export function prepareInputs(inputs: BertInputs, config: BertConfig, options: { checkIds?: boolean } = {}): BertTensors {
  if (inputs === null || typeof inputs !== "object" || inputs.inputIds === undefined) {
    throw new Error("BERT's inputs must be an object with inputIds (and optionally segmentIds, inputMask), as tokenizer.toTensors(texts) returns");
  }
  if (inputs.segmentIds !== undefined && inputs.tokenTypeIds !== undefined) throw new Error("give segmentIds or tokenTypeIds (its Hugging Face name), not both");
  if (inputs.inputMask !== undefined && inputs.attentionMask !== undefined) throw new Error("give inputMask or attentionMask (its Hugging Face name), not both");
  const segmentInput = inputs.segmentIds ?? inputs.tokenTypeIds;
  const maskInput = inputs.inputMask ?? inputs.attentionMask;
  const inputIds = toTensor(inputs.inputIds, "inputIds");
  const [batch, seqLen] = inputIds.shape;
  if (seqLen === 0) throw new Error("inputIds: sequences are empty (sequence length 0)");
  if (seqLen > config.maxPositionEmbeddings) {
    throw new Error(`sequence length ${seqLen} is longer than max_position_embeddings ${config.maxPositionEmbeddings}; truncate the input`);
  }
  const segmentIds = segmentInput === undefined ? tf.zeros([batch, seqLen], "int32") as tf.Tensor2D : toTensor(segmentInput, "segmentIds");
  const inputMask = maskInput === undefined ? tf.ones([batch, seqLen], "int32") as tf.Tensor2D : toTensor(maskInput, "inputMask");
  for (const [name, t] of [["segmentIds", segmentIds], ["inputMask", inputMask]] as const) {
    if (t.shape[0] !== batch || t.shape[1] !== seqLen) {
      throw new Error(`${name} has shape [${t.shape.join(", ")}] but inputIds has [${batch}, ${seqLen}]`);
    }
  }
  if (options.checkIds === false) return { inputIds, segmentIds, inputMask };
  // Ids given as arrays are checked where they are; only ids already in a tensor are read back.
  const values = (input: IdsInput, tensor: tf.Tensor2D): ArrayLike<number> => (Array.isArray(input) ? input.flat() : tensor.dataSync());
  const badId = firstOutOfRange(values(inputs.inputIds, inputIds), seqLen, config.vocabSize);
  if (badId) {
    throw new Error(`token id ${badId[2]} at [${badId[0]}, ${badId[1]}] is out of range for vocab_size ${config.vocabSize}`);
  }
  const badSegment = segmentInput === undefined ? undefined : firstOutOfRange(values(segmentInput, segmentIds), seqLen, config.typeVocabSize);
  if (badSegment) {
    throw new Error(`segment id ${badSegment[2]} at [${badSegment[0]}, ${badSegment[1]}] is out of range for type_vocab_size ${config.typeVocabSize}`);
  }
  return { inputIds, segmentIds, inputMask };
}
