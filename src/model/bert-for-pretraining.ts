/**
 * BertForPreTraining: BertModel plus the masked-LM and next-sentence heads, as pretrained by
 * Google and published on the Hub (`bert.*` + `cls.*` tensors). Its forward is
 * `bertForPreTrainingForward` in bert.ts.
 */
import * as tf from "@tensorflow/tfjs";
import { bertForPreTrainingForward, BertForPreTrainingOutput, ForwardOptions } from "./bert";
import { BertModel } from "./bert-model";
import { BertConfig } from "./config";
import { BertInputs, prepareInputs } from "./inputs";
import { bertModelWeightSpecs, pretrainingHeadsWeightSpecs, WeightSpec } from "./weights";

export class BertForPreTraining extends BertModel {
  protected readonly architecture = "BertForPreTraining" as const;

  static weightSpecs(config: BertConfig): WeightSpec[] {
    return [...bertModelWeightSpecs(config), ...pretrainingHeadsWeightSpecs(config)];
  }

  forward(inputs: BertInputs, opts: ForwardOptions = {}): BertForPreTrainingOutput {
    return tf.tidy(() => bertForPreTrainingForward(this.namedWeights, this.config, prepareInputs(inputs, this.config), opts));
  }
}
