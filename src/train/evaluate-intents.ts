/**
 * Evaluating an intent classifier on labelled utterances: the classification report
 * (accuracy, macro-F1, per-intent P/R/F1, confusion matrix), accuracy per language, and,
 * when out-of-scope utterances are given, CLINC-style in-scope accuracy and OOS recall.
 */
import { IntentExample } from "../data/types";
import { IntentClassifier } from "./intent-classifier";
import { classificationReport, ClassificationReport, oosReport, OosReport } from "./metrics";

export interface IntentEvaluation {
  report: ClassificationReport;
  /** Mean cross-entropy of the true intents. */
  loss: number;
  /** Accuracy and count per language, for examples that carry one. */
  byLang: Record<string, { accuracy: number; count: number }>;
  /** Present when out-of-scope examples were given. */
  oos?: OosReport;
  /** Max probability and correctness of each in-scope example, for choosing a threshold. */
  inScope: Array<{ maxProbability: number; correct: boolean }>;
  /** Max probability of each out-of-scope example. */
  oosMaxProbabilities: number[];
}

export function evaluateIntents(
  classifier: IntentClassifier,
  examples: readonly IntentExample[],
  options: { oos?: readonly IntentExample[]; threshold?: number } = {},
): IntentEvaluation {
  if (examples.length === 0) throw new Error("evaluateIntents: no examples to evaluate");
  const labelToId = new Map(classifier.labels.map((l, i) => [l, i]));
  const targets = examples.map((e, i) => {
    const id = labelToId.get(e.intent);
    if (id === undefined) throw new Error(`evaluateIntents: example ${i} ("${e.text}") has intent "${e.intent}", which the classifier was not trained on`);
    return id;
  });
  const probabilities = classifier.predictProbabilities(examples.map((e) => e.text));
  const predictions = probabilities.map(argMax);
  const report = classificationReport(targets, predictions, classifier.labels);
  const loss = -targets.reduce((sum, t, i) => sum + Math.log(Math.max(probabilities[i][t], 1e-12)), 0) / targets.length;

  const byLang: IntentEvaluation["byLang"] = {};
  examples.forEach((e, i) => {
    if (e.lang === undefined) return;
    const entry = (byLang[e.lang] ??= { accuracy: 0, count: 0 });
    entry.count++;
    entry.accuracy += predictions[i] === targets[i] ? 1 : 0;
  });
  for (const entry of Object.values(byLang)) entry.accuracy /= entry.count;

  const inScope = probabilities.map((p, i) => ({ maxProbability: p[predictions[i]], correct: predictions[i] === targets[i] }));
  const oosMaxProbabilities = options.oos && options.oos.length > 0 ? classifier.predictProbabilities(options.oos.map((e) => e.text)).map((p) => Math.max(...p)) : [];
  const result: IntentEvaluation = { report, loss, byLang, inScope, oosMaxProbabilities };
  if (oosMaxProbabilities.length > 0) result.oos = oosReport(inScope, oosMaxProbabilities, options.threshold ?? classifier.oosThreshold);
  return result;
}

function argMax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
