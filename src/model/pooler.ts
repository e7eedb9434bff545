/** The pooler: a dense layer with tanh over the [CLS] token's final hidden state, the sentence-level representation. */
import * as tf from "@tensorflow/tfjs";
import { linear } from "./linear";
import { BertWeights, param } from "./weights";

export function pooler(w: BertWeights, sequenceOutput: tf.Tensor3D): tf.Tensor2D {
  const [b, , h] = sequenceOutput.shape;
  const cls = tf.slice(sequenceOutput, [0, 0, 0], [b, 1, h]).reshape([b, h]);
  return tf.tanh(linear(cls, param(w, "pooler.dense.weight"), param(w, "pooler.dense.bias"))) as tf.Tensor2D;
}
