/**
 * BERT's activation: GELU (Hendrycks & Gimpel 2016). "gelu" is the exact form x·Φ(x) with the
 * error function, which Google's and HF's BERT use; "gelu_new" is GPT-2's tanh approximation.
 */
import * as tf from "@tensorflow/tfjs";
import { inferenceGelu } from "../backend/inference";
import { HiddenAct } from "./config";

export function gelu(x: tf.Tensor): tf.Tensor {
  // At inference on bertlab's backend, the same function runs as one native kernel (backend/inference.ts).
  const fused = inferenceGelu(x);
  if (fused) return fused;
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export function activation(name: HiddenAct, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case "gelu":
      return gelu(x);
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return geluTanh(x);
    case "relu":
      return tf.relu(x);
  }
}
