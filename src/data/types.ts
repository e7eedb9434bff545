/**
 * The shapes every intent loader returns, whatever the file format.
 * An intent dataset is a list of labelled utterances cut into train/val/test,
 * plus (optionally) out-of-scope utterances kept apart, as in CLINC150.
 */

export type IntentSplit = "train" | "val" | "test";

export const INTENT_SPLITS: readonly IntentSplit[] = ["train", "val", "test"];

export interface IntentExample {
  text: string;
  intent: string;
  lang?: string;
  split: IntentSplit;
}

export interface IntentSplitCounts {
  train: number;
  val: number;
  test: number;
}

export interface IntentStats {
  /** Number of in-scope labels (out-of-scope excluded). */
  labels: number;
  /** In-scope examples over all splits. */
  total: number;
  splits: IntentSplitCounts & { oos: number };
  /** Per in-scope label, in label-map order. */
  perLabel: Record<string, IntentSplitCounts>;
  /** Per language, when the examples carry one. */
  perLang: Record<string, IntentSplitCounts & { oos: number }>;
  /** Fewest and most examples any label has (all splits). */
  minPerLabel: number;
  maxPerLabel: number;
  /** Text length in characters (code points), over in-scope and oos examples. */
  textLength: { min: number; mean: number; max: number };
}

export interface IntentDataset {
  train: IntentExample[];
  val: IntentExample[];
  test: IntentExample[];
  /** Out-of-scope examples (all splits), present when the loader was asked to keep them. */
  oos?: IntentExample[];
  /** In-scope labels in a stable order (sorted); the classifier's class ids follow it. */
  labels: string[];
  labelToId: Record<string, number>;
  stats: IntentStats;
  /** Problems that do not stop loading, e.g. a label seen in test but never in train. */
  warnings: string[];
}

/** Options every loader accepts on top of its format's own. */
export interface IntentDatasetOptions {
  /** Seed of the stratified split applied when the file gives no split. Default 42. */
  seed?: number;
  /** IntentSplit fractions used when the file gives no split. Default 0.6 / 0.2 / 0.2. */
  ratios?: IntentSplitCounts;
  /** Label of out-of-scope examples, kept out of `labels` and put in `oos`. Default "oos"; null treats it as a class. */
  oosLabel?: string | null;
  /** Keep out-of-scope examples in `oos` (true) or drop them (false). Default true for files, false for the built-in set. */
  includeOos?: boolean;
  /** Where warnings go besides `dataset.warnings`. Default: printed with console.warn. */
  onWarning?: (message: string) => void;
}
