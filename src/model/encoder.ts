/** The stack of num_hidden_layers encoder layers, optionally keeping every layer's attention and output. */
import * as tf from "@tensorflow/tfjs";
import { BertConfig } from "./config";
import { encoderLayer } from "./encoder-layer";
import { BertWeights } from "./weights";

export interface EncoderOutput {
  lastHiddenState: tf.Tensor3D;
  /** The embeddings output, then each layer's output: num_hidden_layers + 1 tensors [B, S, H]. */
  hiddenStates?: tf.Tensor3D[];
  /** Each layer's attention probabilities [B, heads, S, S]. */
  attentions?: tf.Tensor4D[];
}

export function encoder(
  w: BertWeights,
  config: BertConfig,
  embeddingOutput: tf.Tensor3D,
  additiveMask: tf.Tensor,
  opts: { training: boolean; outputAttentions: boolean; outputHiddenStates: boolean },
): EncoderOutput {
  let hidden = embeddingOutput;
  const hiddenStates: tf.Tensor3D[] = [hidden];
  const attentions: tf.Tensor4D[] = [];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const layer = encoderLayer(w, i, config, hidden, additiveMask, opts.training);
    hidden = layer.output;
    hiddenStates.push(hidden);
    attentions.push(layer.attentionProbs);
  }
  return {
    lastHiddenState: hidden,
    hiddenStates: opts.outputHiddenStates ? hiddenStates : undefined,
    attentions: opts.outputAttentions ? attentions : undefined,
  };
}
