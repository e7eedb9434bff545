/** Counts that describe a loaded dataset: per split, per label, per language, text lengths. */
import { IntentStats, IntentExample, IntentSplitCounts } from "./types";

export function computeIntentStats(parts: {
  train: IntentExample[];
  val: IntentExample[];
  test: IntentExample[];
  oos?: IntentExample[];
  labels: string[];
}): IntentStats {
  const perLabel: Record<string, IntentSplitCounts> = {};
  for (const label of parts.labels) perLabel[label] = { train: 0, val: 0, test: 0 };
  const perLang: Record<string, IntentSplitCounts & { oos: number }> = {};
  const langCounts = (lang: string) => (perLang[lang] ??= { train: 0, val: 0, test: 0, oos: 0 });

  let chars = 0;
  let min = Infinity;
  let max = 0;
  const measure = (e: IntentExample) => {
    const n = [...e.text].length;
    chars += n;
    min = Math.min(min, n);
    max = Math.max(max, n);
  };

  for (const split of ["train", "val", "test"] as const) {
    for (const e of parts[split]) {
      perLabel[e.intent][split]++;
      if (e.lang !== undefined) langCounts(e.lang)[split]++;
      measure(e);
    }
  }
  for (const e of parts.oos ?? []) {
    if (e.lang !== undefined) langCounts(e.lang).oos++;
    measure(e);
  }

  const totals = parts.labels.map((l) => perLabel[l].train + perLabel[l].val + perLabel[l].test);
  const inScope = parts.train.length + parts.val.length + parts.test.length;
  const all = inScope + (parts.oos?.length ?? 0);
  return {
    labels: parts.labels.length,
    total: inScope,
    splits: { train: parts.train.length, val: parts.val.length, test: parts.test.length, oos: parts.oos?.length ?? 0 },
    perLabel,
    perLang,
    minPerLabel: totals.length ? Math.min(...totals) : 0,
    maxPerLabel: totals.length ? Math.max(...totals) : 0,
    textLength: { min: all ? min : 0, mean: all ? chars / all : 0, max },
  };
}

/** A plain-text summary, for the CLI and notebooks. */
export function formatIntentStats(stats: IntentStats): string {
  const lines = [
    `${stats.labels} labels, ${stats.total} in-scope examples ` +
      `(train ${stats.splits.train}, val ${stats.splits.val}, test ${stats.splits.test}), ${stats.splits.oos} out-of-scope`,
    `examples per label: ${stats.minPerLabel}..${stats.maxPerLabel}; ` +
      `text length: ${stats.textLength.min}..${stats.textLength.max} chars (mean ${stats.textLength.mean.toFixed(1)})`,
  ];
  for (const [lang, c] of Object.entries(stats.perLang)) {
    lines.push(`  ${lang}: train ${c.train}, val ${c.val}, test ${c.test}, oos ${c.oos}`);
  }
  return lines.join("\n");
}
