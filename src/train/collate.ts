/**
 * Collation: turning a list of variable-length examples into one rectangular batch.
 *
 * Dynamic padding pads each batch only to its own longest sequence, not to a global
 * maximum: intent utterances are ~10 tokens, and attention cost grows with the square
 * of the padded length, so padding everything to 128 would waste most of the compute.
 */
import * as tf from "@tensorflow/tfjs";
import { Random } from "./random";

export interface SequenceExample {
  inputIds: readonly number[];
  /** Segment (token type) ids; all 0 when omitted. */
  segmentIds?: readonly number[];
}

export interface PaddedBatch {
  inputIds: number[][];
  segmentIds: number[][];
  /** 1 for real tokens, 0 for padding. */
  inputMask: number[][];
  /** The padded length shared by every row. */
  seqLength: number;
}

export interface PadOptions {
  /** Id used for padding (BERT's [PAD] is 0). */
  padId?: number;
  /** Rounds the padded length up to a multiple of this (default 1: no rounding). */
  padToMultipleOf?: number;
}

/** Pads a batch to its longest member. */
export function padBatch(examples: readonly SequenceExample[], options: PadOptions = {}): PaddedBatch {
  if (examples.length === 0) throw new Error("padBatch: the batch is empty");
  const padId = options.padId ?? 0;
  const multiple = options.padToMultipleOf ?? 1;
  if (!Number.isInteger(multiple) || multiple < 1) throw new Error(`padBatch: padToMultipleOf must be a positive integer, got ${multiple}`);
  examples.forEach((e, i) => {
    if (e.inputIds.length === 0) throw new Error(`padBatch: example ${i} has no tokens`);
    if (e.segmentIds && e.segmentIds.length !== e.inputIds.length) {
      throw new Error(`padBatch: example ${i} has ${e.inputIds.length} input ids but ${e.segmentIds.length} segment ids`);
    }
  });
  const longest = Math.max(...examples.map((e) => e.inputIds.length));
  const seqLength = Math.ceil(longest / multiple) * multiple;
  const pad = (row: readonly number[], value: number): number[] => [...row, ...new Array<number>(seqLength - row.length).fill(value)];
  return {
    inputIds: examples.map((e) => pad(e.inputIds, padId)),
    segmentIds: examples.map((e) => pad(e.segmentIds ?? new Array<number>(e.inputIds.length).fill(0), 0)),
    inputMask: examples.map((e) => pad(new Array<number>(e.inputIds.length).fill(1), 0)),
    seqLength,
  };
}

export interface BatchTensors {
  inputIds: tf.Tensor2D;
  segmentIds: tf.Tensor2D;
  inputMask: tf.Tensor2D;
}

/** The int32 tensors the model takes. The caller disposes them. */
export function batchToTensors(batch: PaddedBatch): BatchTensors {
  return {
    inputIds: tf.tensor2d(batch.inputIds, [batch.inputIds.length, batch.seqLength], "int32"),
    segmentIds: tf.tensor2d(batch.segmentIds, [batch.segmentIds.length, batch.seqLength], "int32"),
    inputMask: tf.tensor2d(batch.inputMask, [batch.inputMask.length, batch.seqLength], "int32"),
  };
}

/**
 * Splits example indices into batches, shuffled when an rng is given. The last batch
 * may be smaller unless dropLast is set.
 */
export function batchIndices(count: number, batchSize: number, rng?: Random, dropLast = false): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchIndices: batchSize must be a positive integer, got ${batchSize}`);
  const order = Array.from({ length: count }, (_, i) => i);
  if (rng) rng.shuffle(order);
  const batches: number[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    if (dropLast && batch.length < batchSize) break;
    batches.push(batch);
  }
  return batches;
}

/**
 * Shuffled batches of similar lengths: shuffle, cut into pools of `poolFactor` batches, sort
 * each pool by length, cut it into batches, then shuffle the batch order. Batches stay random
 * from epoch to epoch, but each one pads far less than a purely random batch would.
 */
export function lengthGroupedBatches(lengths: readonly number[], batchSize: number, rng: Random, poolFactor = 8): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`lengthGroupedBatches: batchSize must be a positive integer, got ${batchSize}`);
  const order = rng.shuffle(Array.from({ length: lengths.length }, (_, i) => i));
  const pool = batchSize * poolFactor;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += pool) {
    const chunk = order.slice(start, start + pool).sort((a, b) => lengths[a] - lengths[b]);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize));
  }
  return rng.shuffle(batches);
}
