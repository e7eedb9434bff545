/**
 * BertForPreTraining: BertModel plus the masked-LM and next-sentence heads, as pretrained by
 * Google and published on the Hub (`bert.*` + `cls.*` tensors).
 */
import * as tf from "@tensorflow/tfjs";
import { BertModel, bertModelForward, BertModelOutput, ForwardOptions } from "./bert-model";
import { BertConfig } from "./config";
import { BertInputs, BertTensors, prepareInputs } from "./inputs";
import { mlmHead, nspHead } from "./pretraining-heads";
import { bertModelWeightSpecs, BertWeights, pretrainingHeadsWeightSpecs, WeightSpec } from "./weights";

export type BertForPreTrainingOutput = BertModelOutput & {
  /** Masked-LM scores over the vocabulary: [B, S, V]. */
  mlmLogits: tf.Tensor3D;
  /** Next-sentence scores (0 = is next, 1 = random): [B, 2]. */
  nspLogits: tf.Tensor2D;
};

export function bertForPreTrainingForward(w: BertWeights, config: BertConfig, inputs: BertTensors, opts: ForwardOptions = {}): BertForPreTrainingOutput {
  const out = bertModelForward(w, config, inputs, opts);
  return { ...out, mlmLogits: mlmHead(w, config, out.sequenceOutput), nspLogits: nspHead(w, out.pooledOutput) };
}

export class BertForPreTraining extends BertModel {
  protected readonly architecture = "BertForPreTraining" as const;

  static weightSpecs(config: BertConfig): WeightSpec[] {
    return [...bertModelWeightSpecs(config), ...pretrainingHeadsWeightSpecs(config)];
  }

  forward(inputs: BertInputs, opts: ForwardOptions = {}): BertForPreTrainingOutput {
    return tf.tidy(() => bertForPreTrainingForward(this.namedWeights, this.config, prepareInputs(inputs, this.config), opts));
  }
}
