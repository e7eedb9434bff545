/**
 * Classification metrics for intent detection: accuracy, per-intent precision/recall/F1,
 * macro-F1, the confusion matrix, and out-of-scope detection by a confidence threshold
 * as evaluated in CLINC150 (Larson et al. 2019): an utterance whose highest intent
 * probability is below the threshold is predicted "out of scope".
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  /** Unweighted mean F1 over the classes that occur in the targets or the predictions. */
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[i][j]: examples of true class i predicted as class j. */
  confusion: number[][];
  labels: string[];
  count: number;
}

function checkIds(name: string, ids: readonly number[], numClasses: number): void {
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= numClasses) throw new Error(`${name}[${i}] = ${id} is not a class id in [0, ${numClasses})`);
  });
}

export function confusionMatrix(targets: readonly number[], predictions: readonly number[], numClasses: number): number[][] {
  if (targets.length !== predictions.length) throw new Error(`confusionMatrix: ${targets.length} targets but ${predictions.length} predictions`);
  checkIds("targets", targets, numClasses);
  checkIds("predictions", predictions, numClasses);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  targets.forEach((t, i) => m[t][predictions[i]]++);
  return m;
}

export function accuracy(targets: readonly number[], predictions: readonly number[]): number {
  if (targets.length !== predictions.length) throw new Error(`accuracy: ${targets.length} targets but ${predictions.length} predictions`);
  if (targets.length === 0) throw new Error("accuracy: no examples");
  let correct = 0;
  targets.forEach((t, i) => (correct += t === predictions[i] ? 1 : 0));
  return correct / targets.length;
}

/** The full report. Precision of a class never predicted is 0 (as sklearn with zero_division=0). */
export function classificationReport(targets: readonly number[], predictions: readonly number[], labels: readonly string[]): ClassificationReport {
  const confusion = confusionMatrix(targets, predictions, labels.length);
  const perClass: ClassMetrics[] = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((_, c) => perClass[c].support > 0 || confusion.some((row) => row[c] > 0));
  const macroF1 = present.length === 0 ? 0 : present.reduce((a, m) => a + m.f1, 0) / present.length;
  return { accuracy: accuracy(targets, predictions), macroF1, perClass, confusion, labels: [...labels], count: targets.length };
}

export interface OosReport {
  threshold: number;
  /** Accuracy on in-scope examples; predicting "out of scope" for one counts as wrong. */
  inScopeAccuracy: number;
  /** Share of out-of-scope examples whose top probability fell below the threshold. */
  oosRecall: number;
  /** Share of in-scope examples wrongly rejected as out of scope. */
  inScopeRejected: number;
}

/**
 * CLINC-style evaluation. `inScope` are (max probability, was the argmax correct) pairs for
 * in-scope examples; `oosMaxProbabilities` are the max probabilities on out-of-scope ones.
 */
export function oosReport(
  inScope: ReadonlyArray<{ maxProbability: number; correct: boolean }>,
  oosMaxProbabilities: readonly number[],
  threshold: number,
): OosReport {
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`oosReport: threshold must be in [0, 1], got ${threshold}`);
  if (inScope.length === 0) throw new Error("oosReport: no in-scope examples");
  const accepted = inScope.filter((e) => e.maxProbability >= threshold);
  const inScopeAccuracy = accepted.filter((e) => e.correct).length / inScope.length;
  const inScopeRejected = (inScope.length - accepted.length) / inScope.length;
  const oosRecall = oosMaxProbabilities.length === 0 ? NaN : oosMaxProbabilities.filter((p) => p < threshold).length / oosMaxProbabilities.length;
  return { threshold, inScopeAccuracy, oosRecall, inScopeRejected };
}

export interface OosThresholdOptions {
  /**
   * The largest share of in-scope validation requests the threshold may reject (e.g. 0.1). With it,
   * the threshold is the highest one that keeps in-scope rejections within this target, which
   * catches as many out-of-scope requests as that allows. Without it, the threshold maximizes
   * in-scope accuracy + out-of-scope recall, which with few out-of-scope examples may reject many
   * in-scope requests.
   */
  maxInScopeRejected?: number;
}

/**
 * Picks the threshold (among the observed probabilities) on validation data; test data must never
 * choose it. See `OosThresholdOptions` for the two rules.
 */
export function chooseOosThreshold(
  inScope: ReadonlyArray<{ maxProbability: number; correct: boolean }>,
  oosMaxProbabilities: readonly number[],
  options: OosThresholdOptions = {},
): number {
  if (oosMaxProbabilities.length === 0) throw new Error("chooseOosThreshold: no out-of-scope validation examples");
  const target = options.maxInScopeRejected;
  if (target !== undefined && !(target >= 0 && target <= 1)) throw new Error(`chooseOosThreshold: maxInScopeRejected must be in [0, 1], got ${target}`);
  const candidates = [...new Set([0, ...inScope.map((e) => e.maxProbability), ...oosMaxProbabilities.map((p) => Math.min(1, p + 1e-9))])].sort((a, b) => a - b);
  let best = 0;
  let bestScore = -Infinity;
  for (const threshold of candidates) {
    const r = oosReport(inScope, oosMaxProbabilities, threshold);
    if (target !== undefined) {
      // Thresholds only grow along `candidates`, and so does the share rejected: keep the last within target.
      if (r.inScopeRejected <= target + 1e-12) best = threshold;
      continue;
    }
    const score = r.inScopeAccuracy + r.oosRecall;
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = threshold;
    }
  }
  return best;
}
