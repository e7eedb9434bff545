/**
 * Where fine-tuning starts: a pretrained BERT directory (or Hub id) and its tokenizer, plus a
 * fresh classification head. With no source given, the checkpoint shipped in models/ is used,
 * the course's offline default.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { BertModel } from "../model/bert-model";
import { BertTokenizer } from "../tokenization/bert-tokenizer";
import { IntentClassifier, IntentClassifierOptions } from "./intent-classifier";

/** Name of the shipped checkpoint's folder under models/. */
export const SHIPPED_MODEL_NAME = "bertlab-mini";

/** models/bertlab-mini of the checkout this module runs from (source via tsx, or src/dist). */
export function shippedModelDir(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "models", SHIPPED_MODEL_NAME);
    if (existsSync(path.join(candidate, "config.json"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`the shipped checkpoint models/${SHIPPED_MODEL_NAME} was not found near ${__dirname}; run \`npm run pretrain\` or pass --model DIR|HUB_ID`);
}

/** @deprecated use `IntentClassifier.fromPretrained(source ?? shippedModelDir(), { labels, ...options })`; kept for one release. */
export async function loadPretrainedForClassification(source: string | undefined, labels: readonly string[], options: IntentClassifierOptions = {}): Promise<IntentClassifier> {
  const from = source ?? shippedModelDir();
  const bert = await BertModel.fromPretrained(from);
  const tokenizer = await BertTokenizer.fromPretrained(from);
  return new IntentClassifier(bert, tokenizer, labels, options);
}
