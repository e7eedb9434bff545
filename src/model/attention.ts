/**
 * Multi-head self-attention (Vaswani et al. 2017, §3.2) as BERT uses it, HF's BertAttention:
 * BertSelfAttention (Q/K/V projections, scaled dot-product attention per head) followed by
 * BertSelfOutput (output projection, dropout, residual connection, LayerNorm).
 */
import * as tf from "@tensorflow/tfjs";
import { inferenceMatMul } from "../backend/inference";
import { BertConfig } from "./config";
import { dropout } from "./dropout";
import { layerNorm } from "./layer-norm";
import { linear } from "./linear";
import { BertWeights, param } from "./weights";

/** Options of `scaledDotProductAttention`; every one has the default of inference. */
export interface AttentionOptions {
  /** 0 where a key may be attended to, a large negative number at padding; broadcast over heads and queries: [B, 1, 1, S]. */
  mask?: tf.Tensor;
  /** Dropout rate on the attention probabilities (BERT: attention_probs_dropout_prob), applied only when `training`. */
  dropout?: number;
  training?: boolean;
}

/**
 * softmax(Q Kᵀ / √d + mask) V, per head. Queries, keys and values are [B, heads, S, d].
 */
export function scaledDotProductAttention(
  queries: tf.Tensor4D,
  keys: tf.Tensor4D,
  values: tf.Tensor4D,
  options: AttentionOptions = {},
): { context: tf.Tensor4D; probs: tf.Tensor4D } {
  const headDim = queries.shape[3];
  if (keys.shape[3] !== headDim) {
    throw new Error(`keys must be [B, heads, S, d] like the queries: got [${keys.shape.join(", ")}] for queries [${queries.shape.join(", ")}]`);
  }
  // inferenceMatMul: one kernel on the 4-D operands when bertlab's backend can (backend/inference.ts).
  const qKT = (inferenceMatMul(queries, keys, { transposeB: true }) ?? tf.matMul(queries, keys, false, true)) as tf.Tensor4D;
  const scaled = tf.mul(qKT, 1 / Math.sqrt(headDim));
  const scores = options.mask ? tf.add(scaled, options.mask) : scaled;
  const probs = tf.softmax(scores) as tf.Tensor4D;
  const dropped = dropout(probs, options.dropout ?? 0, options.training === true) as tf.Tensor4D;
  const context = (inferenceMatMul(dropped, values) ?? tf.matMul(dropped, values)) as tf.Tensor4D;
  return { context, probs };
}

/** Additive form of the input mask: 1 (token) -> 0, 0 (padding) -> -10000, shaped [B, 1, 1, S]. */
export function additiveAttentionMask(inputMask: tf.Tensor2D): tf.Tensor4D {
  const [b, s] = inputMask.shape;
  return tf.mul(tf.sub(1, tf.cast(inputMask, "float32")), -10000).reshape([b, 1, 1, s]);
}

export function multiHeadSelfAttention(
  w: BertWeights,
  prefix: string,
  config: BertConfig,
  hidden: tf.Tensor3D,
  additiveMask: tf.Tensor,
  training: boolean,
): { output: tf.Tensor3D; probs: tf.Tensor4D } {
  const [b, s, h] = hidden.shape;
  const heads = config.numAttentionHeads;
  const d = h / heads;
  const project = (name: string) => linear(hidden, param(w, `${prefix}.self.${name}.weight`), param(w, `${prefix}.self.${name}.bias`));
  // [B, S, H] -> [B, S, heads, d] -> [B, heads, S, d]
  const splitHeads = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x.reshape([b, s, heads, d]), [0, 2, 1, 3]) as tf.Tensor4D;
  const [q, k, v] = [splitHeads(project("query")), splitHeads(project("key")), splitHeads(project("value"))];
  const { context, probs } = scaledDotProductAttention(q, k, v, { mask: additiveMask, dropout: config.attentionProbsDropoutProb, training });
  const merged = tf.transpose(context, [0, 2, 1, 3]).reshape([b, s, h]);
  // BertSelfOutput: project back, dropout, add the residual, normalise.
  const projected = linear(merged, param(w, `${prefix}.output.dense.weight`), param(w, `${prefix}.output.dense.bias`));
  const output = layerNorm(
    tf.add(dropout(projected, config.hiddenDropoutProb, training), hidden),
    param(w, `${prefix}.output.LayerNorm.weight`),
    param(w, `${prefix}.output.LayerNorm.bias`),
    config.layerNormEps,
  );
  return { output: output as tf.Tensor3D, probs };
}
