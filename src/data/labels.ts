/**
 * The label map: class id i is labels[i]. Sorting the label names (by code unit) makes
 * the ids independent of file order, so a checkpoint trained on one copy of a dataset
 * reads its classes back the same way from another.
 */
import { IntentExample } from "./types";

export interface IntentLabelMap {
  labels: string[];
  labelToId: Record<string, number>;
}

export function buildLabelMap(examples: Iterable<Pick<IntentExample, "intent">>): IntentLabelMap {
  const names = new Set<string>();
  for (const e of examples) names.add(e.intent);
  const labels = [...names].sort();
  const labelToId: Record<string, number> = {};
  labels.forEach((label, id) => {
    labelToId[label] = id;
  });
  return { labels, labelToId };
}
