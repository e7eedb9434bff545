/**
 * A few-shot version of a dataset: the first K training utterances of each intent in each language,
 * in file order, with validation and test untouched. No random draw, so the Python baseline
 * (bench/intent_baselines_torch.py --few-shot K) picks exactly the same utterances.
 */
import { computeIntentStats } from "./stats";
import { IntentDataset } from "./types";

export function fewShotSplit(dataset: IntentDataset, perIntentPerLanguage: number): IntentDataset {
  if (!Number.isInteger(perIntentPerLanguage) || perIntentPerLanguage < 1) {
    throw new RangeError(`fewShotSplit: perIntentPerLanguage must be a positive integer, got ${perIntentPerLanguage}`);
  }
  const seen = new Map<string, number>();
  const train = dataset.train.filter((e) => {
    const key = `${e.intent}\t${e.lang ?? ""}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n <= perIntentPerLanguage;
  });
  const short = [...seen].filter(([, n]) => n < perIntentPerLanguage).map(([key]) => key.replace("\t", "/"));
  if (short.length > 0) throw new Error(`fewShotSplit: fewer than ${perIntentPerLanguage} training utterances for ${short.slice(0, 5).join(", ")}`);
  const stats = computeIntentStats({ train, val: dataset.val, test: dataset.test, oos: dataset.oos, labels: dataset.labels });
  return { ...dataset, train, stats };
}
