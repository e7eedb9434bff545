/**
 * Layer normalisation over the hidden dimension (Ba et al. 2016), as BERT applies it after each
 * residual connection: (x - mean) / sqrt(var + eps) * gamma + beta, biased variance, eps 1e-12.
 */
import * as tf from "@tensorflow/tfjs";
import { inferenceLayerNorm } from "../backend/inference";

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  // At inference on bertlab's backend, the same formula runs as one native kernel (backend/inference.ts).
  const fused = inferenceLayerNorm(x, gamma, beta, eps);
  if (fused) return fused;
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normalised = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normalised, gamma), beta);
}
