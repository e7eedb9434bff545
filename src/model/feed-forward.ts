/**
 * The position-wise feed-forward network of each encoder layer: HF's BertIntermediate (dense to
 * intermediate_size, GELU) and BertOutput (dense back to hidden_size, dropout, residual, LayerNorm).
 */
import * as tf from "@tensorflow/tfjs";
import { activation } from "./activations";
import { BertConfig } from "./config";
import { dropout } from "./dropout";
import { layerNorm } from "./layer-norm";
import { linear } from "./linear";
import { BertWeights, param } from "./weights";

export function feedForward(w: BertWeights, prefix: string, config: BertConfig, hidden: tf.Tensor3D, training: boolean): tf.Tensor3D {
  const intermediate = activation(
    config.hiddenAct,
    linear(hidden, param(w, `${prefix}.intermediate.dense.weight`), param(w, `${prefix}.intermediate.dense.bias`)),
  );
  const projected = linear(intermediate, param(w, `${prefix}.output.dense.weight`), param(w, `${prefix}.output.dense.bias`));
  return layerNorm(
    tf.add(dropout(projected, config.hiddenDropoutProb, training), hidden),
    param(w, `${prefix}.output.LayerNorm.weight`),
    param(w, `${prefix}.output.LayerNorm.bias`),
    config.layerNormEps,
  ) as tf.Tensor3D;
}
