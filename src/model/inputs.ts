/**
 * The three inputs BERT takes, as the seed course names them: token ids, segment ids (0 for
 * sentence A, 1 for sentence B) and the input mask (1 for a token, 0 for padding). Each may be a
 * number[][] or a 2-D tensor; they are checked here so a bad id fails with its position, not as
 * silent zeros from an out-of-range gather.
 */
import * as tf from "@tensorflow/tfjs";
import { BertConfig } from "./config";

export type IdsInput = number[][] | tf.Tensor;

export interface BertInputs {
  inputIds: IdsInput;
  /** Defaults to all zeros (a single sentence). */
  segmentIds?: IdsInput;
  /** Defaults to all ones (no padding). */
  inputMask?: IdsInput;
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

/** Converts to int32 tensors and checks shapes and id ranges against the config. Call inside tf.tidy. */
export function prepareInputs(inputs: BertInputs, config: BertConfig): BertTensors {
  const inputIds = toTensor(inputs.inputIds, "inputIds");
  const [batch, seqLen] = inputIds.shape;
  if (seqLen === 0) throw new Error("inputIds: sequences are empty (sequence length 0)");
  if (seqLen > config.maxPositionEmbeddings) {
    throw new Error(`sequence length ${seqLen} is longer than max_position_embeddings ${config.maxPositionEmbeddings}; truncate the input`);
  }
  const segmentIds = inputs.segmentIds === undefined ? tf.zeros([batch, seqLen], "int32") as tf.Tensor2D : toTensor(inputs.segmentIds, "segmentIds");
  const inputMask = inputs.inputMask === undefined ? tf.ones([batch, seqLen], "int32") as tf.Tensor2D : toTensor(inputs.inputMask, "inputMask");
  for (const [name, t] of [["segmentIds", segmentIds], ["inputMask", inputMask]] as const) {
    if (t.shape[0] !== batch || t.shape[1] !== seqLen) {
      throw new Error(`${name} has shape [${t.shape.join(", ")}] but inputIds has [${batch}, ${seqLen}]`);
    }
  }
  const badId = firstOutOfRange(inputIds.dataSync(), seqLen, config.vocabSize);
  if (badId) {
    throw new Error(`token id ${badId[2]} at [${badId[0]}, ${badId[1]}] is out of range for vocab_size ${config.vocabSize}`);
  }
  const badSegment = firstOutOfRange(segmentIds.dataSync(), seqLen, config.typeVocabSize);
  if (badSegment) {
    throw new Error(`segment id ${badSegment[2]} at [${badSegment[0]}, ${badSegment[1]}] is out of range for type_vocab_size ${config.typeVocabSize}`);
  }
  return { inputIds, segmentIds, inputMask };
}
