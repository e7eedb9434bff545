/**
 * `AutoTokenizer` and `AutoModel`, as Hugging Face and transformers.js spell them: give a checkpoint folder
 * or Hub id, and config.json's `architectures` decides which class loads it. bertlab knows BERT only, so
 * the tokenizer is always a BertTokenizer; the model is the class the checkpoint was saved as.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_FILE } from "../checkpoint/hf-checkpoint";
import type { HubOptions } from "../hub";
import { BertForPreTraining } from "../model/bert-for-pretraining";
import { BertModel, FromPretrainedOptions, resolveCheckpointDir } from "../model/bert-model";
import { BertTokenizer, BertTokenizerOptions } from "../tokenization/bert-tokenizer";
import { IntentClassifier } from "./intent-classifier";

export class AutoTokenizer {
  /** The checkpoint's tokenizer (tokenizer.json, else vocab.txt with tokenizer_config.json). */
  static fromPretrained(dirOrHubId: string, options: BertTokenizerOptions & HubOptions = {}): Promise<BertTokenizer> {
    return BertTokenizer.fromPretrained(dirOrHubId, options);
  }
}

export type AutoLoadedModel = BertModel | BertForPreTraining | IntentClassifier;

export class AutoModel {
  /**
   * BertForSequenceClassification → IntentClassifier, BertForPreTraining → BertForPreTraining (the MLM and
   * NSP heads), anything else BERT → BertModel. Narrow the result with `instanceof`.
   */
  static async fromPretrained(dirOrHubId: string, options: FromPretrainedOptions = {}): Promise<AutoLoadedModel> {
    const dir = await resolveCheckpointDir(dirOrHubId, options);
    const configPath = path.join(dir, CONFIG_FILE);
    if (!fs.existsSync(configPath)) throw new Error(`AutoModel: ${dir} has no ${CONFIG_FILE}; is it a Hugging Face checkpoint folder?`);
    const raw = JSON.parse(fs.readFileSync(configPath, "utf8")) as { model_type?: string; architectures?: string[] };
    if (raw.model_type !== undefined && raw.model_type !== "bert") {
      throw new Error(`AutoModel: ${configPath} has model_type "${raw.model_type}"; bertlab loads BERT checkpoints only`);
    }
    const architecture = raw.architectures?.[0] ?? "BertModel";
    if (architecture === "BertForSequenceClassification") return IntentClassifier.fromPretrained(dir);
    if (architecture === "BertForPreTraining") return BertForPreTraining.fromPretrained(dir, options);
    return BertModel.fromPretrained(dir, options);
  }
}
