/** One Transformer encoder layer, post-LayerNorm as in BERT: self-attention, then the feed-forward network. */
import * as tf from "@tensorflow/tfjs";
import { multiHeadSelfAttention } from "./attention";
import { BertConfig } from "./config";
import { feedForward } from "./feed-forward";
import { BertWeights } from "./weights";

export function encoderLayer(
  w: BertWeights,
  index: number,
  config: BertConfig,
  hidden: tf.Tensor3D,
  additiveMask: tf.Tensor,
  training: boolean,
): { output: tf.Tensor3D; attentionProbs: tf.Tensor4D } {
  const prefix = `encoder.layer.${index}`;
  const attention = multiHeadSelfAttention(w, `${prefix}.attention`, config, hidden, additiveMask, training);
  const output = feedForward(w, prefix, config, attention.output, training);
  return { output, attentionProbs: attention.probs };
}
