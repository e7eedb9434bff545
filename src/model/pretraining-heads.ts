/**
 * BERT's two pretraining heads (Devlin et al. 2019, §3.1):
 * - masked language model: transform (dense, GELU, LayerNorm), then a decoder that shares its weight
 *   matrix with the word embeddings (tied), plus an output bias per vocabulary entry;
 * - next sentence prediction: a 2-way linear classifier over the pooled output.
 */
import * as tf from "@tensorflow/tfjs";
import { activation } from "./activations";
import { BertConfig } from "./config";
import { layerNorm } from "./layer-norm";
import { linear } from "./linear";
import { BertWeights, param } from "./weights";

export function mlmHead(w: BertWeights, config: BertConfig, sequenceOutput: tf.Tensor3D): tf.Tensor3D {
  const transformed = layerNorm(
    activation(config.hiddenAct, linear(sequenceOutput, param(w, "cls.predictions.transform.dense.weight"), param(w, "cls.predictions.transform.dense.bias"))),
    param(w, "cls.predictions.transform.LayerNorm.weight"),
    param(w, "cls.predictions.transform.LayerNorm.bias"),
    config.layerNormEps,
  );
  // Tied decoder: a Linear whose weight is the word embedding matrix itself ([H, V], see weights.ts), plus a bias.
  return linear(transformed, param(w, "embeddings.word_embeddings.weight"), param(w, "cls.predictions.bias")) as tf.Tensor3D;
}

export function nspHead(w: BertWeights, pooledOutput: tf.Tensor2D): tf.Tensor2D {
  return linear(pooledOutput, param(w, "cls.seq_relationship.weight"), param(w, "cls.seq_relationship.bias")) as tf.Tensor2D;
}
