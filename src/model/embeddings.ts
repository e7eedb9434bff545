/**
 * BERT's input representation (Devlin et al. 2019, §3, Figure 2): the sum of a token's word
 * embedding, its position embedding and its segment (sentence A/B) embedding, then LayerNorm and dropout.
 */
import * as tf from "@tensorflow/tfjs";
import { BertConfig } from "./config";
import { dropout } from "./dropout";
import { layerNorm } from "./layer-norm";
import { BertWeights, param } from "./weights";

export function embeddings(
  w: BertWeights,
  config: BertConfig,
  inputIds: tf.Tensor2D,
  segmentIds: tf.Tensor2D,
  training: boolean,
): tf.Tensor3D {
  const [batch, seqLen] = inputIds.shape;
  // The word embedding matrix is held as [H, V] (see weights.ts): gather columns, then flip to [B, S, H].
  const wordColumns = tf.gather(param(w, "embeddings.word_embeddings.weight"), inputIds.reshape([-1]), 1); // [H, B*S]
  const words = tf.transpose(wordColumns).reshape([batch, seqLen, config.hiddenSize]);
  // Positions 0..S-1 are the same for every row: slice them once and let broadcasting add them.
  const positions = tf.slice(param(w, "embeddings.position_embeddings.weight"), [0, 0], [seqLen, -1]); // [S, H]
  const segments = tf.gather(param(w, "embeddings.token_type_embeddings.weight"), segmentIds); // [B, S, H]
  const sum = tf.add(tf.add(words, positions), segments);
  const normed = layerNorm(sum, param(w, "embeddings.LayerNorm.weight"), param(w, "embeddings.LayerNorm.bias"), config.layerNormEps);
  return dropout(normed, config.hiddenDropoutProb, training) as tf.Tensor3D;
}
