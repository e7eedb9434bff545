/**
 * Turns the rows a reader produced into an IntentDataset: apply a stratified split
 * when the file has none, keep out-of-scope rows apart, build the label map, count,
 * and warn about labels that only evaluation sets contain.
 */
import { DataFormatError } from "./errors";
import { buildLabelMap } from "./labels";
import { RawExample } from "./rows";
import { stratifiedSplit } from "./split";
import { computeIntentStats } from "./stats";
import { IntentDatasetOptions, IntentDataset, IntentExample, IntentSplit } from "./types";

function where(row: RawExample): string {
  const line = row.line ?? row.locate?.();
  return line === undefined ? row.file : `${row.file}:${line}`;
}

export function printWarning(message: string): void {
  console.warn(`bertlab: warning: ${message}`);
}

export function assembleDataset(
  rows: RawExample[],
  source: string,
  options: IntentDatasetOptions = {},
  readerWarnings: string[] = [],
): IntentDataset {
  if (rows.length === 0) throw new DataFormatError(source, undefined, "no examples");
  const oosLabel = options.oosLabel === undefined ? "oos" : options.oosLabel;
  const includeOos = options.includeOos ?? true;

  // A file either gives every row a split or none: half-split files usually mean a broken column.
  const withSplit = rows.filter((r) => r.split !== undefined).length;
  if (withSplit > 0 && withSplit < rows.length) {
    const missing = rows.find((r) => r.split === undefined)!;
    throw new DataFormatError(missing.file, missing.line, `missing split (${withSplit} of ${rows.length} rows have one; give all or none)`);
  }
  let splits: IntentSplit[];
  if (withSplit === 0) {
    // Languages are split separately so each keeps 60/20/20 of every intent.
    splits = stratifiedSplit(rows, { seed: options.seed, ratios: options.ratios, key: (r) => `${r.lang ?? ""}\t${r.intent}` });
  } else {
    splits = rows.map((r) => r.split!);
  }

  const parts: Record<IntentSplit, IntentExample[]> = { train: [], val: [], test: [] };
  const oos: IntentExample[] = [];
  const firstIn: Record<IntentSplit, Map<string, RawExample>> = { train: new Map(), val: new Map(), test: new Map() };
  rows.forEach((row, i) => {
    const example: IntentExample = { text: row.text, intent: row.intent, split: splits[i] };
    if (row.lang !== undefined) example.lang = row.lang;
    if (oosLabel !== null && row.intent === oosLabel) {
      if (includeOos) oos.push(example);
      return;
    }
    parts[example.split].push(example);
    if (!firstIn[example.split].has(row.intent)) firstIn[example.split].set(row.intent, row);
  });

  const { labels, labelToId } = buildLabelMap([...parts.train, ...parts.val, ...parts.test]);
  if (labels.length === 0) throw new DataFormatError(source, undefined, `no in-scope examples (every row is "${oosLabel}")`);

  const warnings: string[] = [...readerWarnings];
  for (const split of ["val", "test"] as const) {
    for (const [label, row] of firstIn[split]) {
      if (!firstIn.train.has(label)) {
        warnings.push(`${where(row)}: label "${label}" is in ${split} but never in train; the model cannot learn it`);
      }
    }
  }
  const warn = options.onWarning ?? printWarning;
  for (const w of warnings) warn(w);

  const dataset: IntentDataset = {
    train: parts.train,
    val: parts.val,
    test: parts.test,
    labels,
    labelToId,
    stats: computeIntentStats({ ...parts, oos: includeOos ? oos : undefined, labels }),
    warnings,
  };
  if (includeOos) dataset.oos = oos;
  return dataset;
}
