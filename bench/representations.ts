/**
 * `npm run bench:representations -- [--model DIR] [--json]`: what a checkpoint's frozen representations know about
 * the built-in intents, per language and per layer, against the same network with random weights.
 *
 * Issue 13 asks why pretraining does not pay off in Korean. Fine-tuning mixes many effects (learning rate, the
 * re-initialised top layer, early stopping); a frozen-feature probe isolates one: before any fine-tuning, do the
 * checkpoint's vectors put utterances of the same intent closer together than random weights do?
 *
 * The probe: nearest centroid on the few-shot split (5 training utterances per intent per language, the split of
 * `bench:finetune`), scored on the test split. Vectors are centred on the training mean and compared by cosine, so
 * one large shared direction (anisotropy) does not decide. Features: the mean over real tokens of the embeddings
 * output (layer 0) and of every encoder layer's output, the last layer's [CLS] vector, and the pooled output.
 * Also printed: the mean cosine between raw test vectors (1.0 means every utterance looks the same).
 * Deterministic (no training, random weights seeded), so one run is the measurement.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { ready } from "../src/backend";
import { readCheckpointConfig } from "../src/checkpoint";
import { BertModel } from "../src/model";
import { BertTokenizer } from "../src/tokenization";
import { shippedModelDir } from "../src/train/load-pretrained";
import { FEW_SHOT, probeModel } from "./probe";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: "string" }, json: { type: "boolean", default: false } } });
  await ready();
  const dir = values.model ?? shippedModelDir();
  const tokenizer = await BertTokenizer.fromPretrained(dir);
  const pretrained = await BertModel.fromPretrained(dir);
  const random = new BertModel(readCheckpointConfig(dir), { seed: 1 });
  const randomRows = probeModel(random, tokenizer);
  const rows = probeModel(pretrained, tokenizer).map((p, i) => {
    const r = randomRows[i];
    return { lang: p.lang, feature: p.feature, pretrained: +p.accuracy.toFixed(4), random: +r.accuracy.toFixed(4), pretrained_cosine: +p.meanCosine.toFixed(3), random_cosine: +r.meanCosine.toFixed(3) };
  });
  pretrained.dispose();
  random.dispose();
  const summary = { bench: "representations", model: path.relative(process.cwd(), dir) || dir, probe: `nearest centroid, ${FEW_SHOT} per intent per language, test split`, rows, date: new Date().toISOString() };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(`| language | feature | checkpoint | random weights | mean cosine (checkpoint / random) |`);
  console.log(`|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.lang} | ${r.feature} | ${(100 * r.pretrained).toFixed(1)}% | ${(100 * r.random).toFixed(1)}% | ${r.pretrained_cosine} / ${r.random_cosine} |`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
