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

/**
 * softmax(Q Kᵀ / √d + mask) V. `additiveMask` is 0 where a key may be attended to and a large
 * negative number at padding, broadcast over heads and queries: [B, 1, 1, S].
 * `keysT` comes already transposed to [B, heads, d, S], saving one transpose.
 */
export function scaledDotProductAttention(
  queries: tf.Tensor4D,
  keysT: tf.Tensor4D,
  values: tf.Tensor4D,
  additiveMask: tf.Tensor,
  dropoutRate: number,
  training: boolean,
): { context: tf.Tensor4D; probs: tf.Tensor4D } {
  const headDim = queries.shape[3];
  // inferenceMatMul: one kernel on the 4-D operands when bertlab's backend can (backend/inference.ts).
  const matMul = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => (inferenceMatMul(a, b) ?? tf.matMul(a, b)) as tf.Tensor4D;
  const scores = tf.add(tf.mul(matMul(queries, keysT), 1 / Math.sqrt(headDim)), additiveMask);
  const probs = tf.softmax(scores) as tf.Tensor4D;
  const context = matMul(dropout(probs, dropoutRate, training) as tf.Tensor4D, values);
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
  // [B, S, H] -> [B, S, heads, d] -> [B, heads, S, d] (keys: [B, heads, d, S])
  const q = tf.transpose(project("query").reshape([b, s, heads, d]), [0, 2, 1, 3]) as tf.Tensor4D;
  const kT = tf.transpose(project("key").reshape([b, s, heads, d]), [0, 2, 3, 1]) as tf.Tensor4D;
  const v = tf.transpose(project("value").reshape([b, s, heads, d]), [0, 2, 1, 3]) as tf.Tensor4D;
  const { context, probs } = scaledDotProductAttention(q, kT, v, additiveMask, config.attentionProbsDropoutProb, training);
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
