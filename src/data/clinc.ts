/**
 * CLINC150's data_full.json layout (Larson et al., 2019): one JSON object whose members
 * train/val/test hold [text, intent] pairs and oos_train/oos_val/oos_test hold
 * out-of-scope [text, "oos"] pairs. The other CLINC variants (data_small, data_imbalanced,
 * data_oos_plus) share it.
 */
import { readFileSync } from "node:fs";
import { assembleDataset } from "./dataset";
import { DataFormatError } from "./errors";
import { scanJson } from "./json-locate";
import { RawExample, requireField } from "./rows";
import { IntentDatasetOptions, IntentDataset, IntentSplit } from "./types";

const MEMBERS: Record<string, { split: IntentSplit; oos: boolean }> = {
  train: { split: "train", oos: false },
  val: { split: "val", oos: false },
  test: { split: "test", oos: false },
  oos_train: { split: "train", oos: true },
  oos_val: { split: "val", oos: true },
  oos_test: { split: "test", oos: true },
};

export interface ClincRead {
  rows: RawExample[];
  warnings: string[];
}

export function readClincRows(file: string, options: Pick<IntentDatasetOptions, "oosLabel"> = {}): ClincRead {
  const content = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    const scan = scanJson(content);
    if (scan.error) throw new DataFormatError(file, scan.error.line, `invalid JSON: ${scan.error.message} (column ${scan.error.column})`);
    throw new DataFormatError(file, undefined, `invalid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new DataFormatError(file, 1, "expected a JSON object with train/val/test (and oos_*) members");
  }
  const obj = data as Record<string, unknown>;
  for (const key of ["train", "val", "test"]) {
    if (!(key in obj)) throw new DataFormatError(file, undefined, `missing member "${key}" (members: ${Object.keys(obj).join(", ") || "none"})`);
  }

  // Element lines are only needed to report a problem, so the scan runs lazily, once.
  let lines: Map<string, number[]> | undefined;
  const lineOf = (key: string, index: number): number | undefined => (lines ??= scanJson(content).elementLines).get(key)?.[index];

  const warnings: string[] = [];
  const rows: RawExample[] = [];
  const oosLabel = options.oosLabel === undefined ? "oos" : options.oosLabel ?? "oos";
  for (const [key, value] of Object.entries(obj)) {
    const member = MEMBERS[key];
    if (!member) {
      warnings.push(`${file}: ignored member "${key}" (not one of ${Object.keys(MEMBERS).join(", ")})`);
      continue;
    }
    if (!Array.isArray(value)) throw new DataFormatError(file, lineOf(key, 0), `member "${key}" must be an array of [text, intent] pairs`);
    value.forEach((pair: unknown, index) => {
      const bad = !Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string";
      if (bad) {
        const shown = JSON.stringify(pair);
        throw new DataFormatError(file, lineOf(key, index), `${key}[${index}]: expected a [text, intent] pair of strings, got ${shown.length > 60 ? shown.slice(0, 57) + "..." : shown}`);
      }
      const [text, intent] = pair as [string, string];
      const line = text.trim() === "" || intent.trim() === "" ? lineOf(key, index) : undefined;
      rows.push({
        text: requireField(text, `text in ${key}[${index}]`, file, line),
        intent: member.oos ? oosLabel : requireField(intent, `intent in ${key}[${index}]`, file, line),
        split: member.split,
        file,
        line,
        locate: () => lineOf(key, index),
      });
    });
  }
  return { rows, warnings };
}

export function loadClincIntents(file: string, options: IntentDatasetOptions = {}): IntentDataset {
  const { rows, warnings } = readClincRows(file, options);
  return assembleDataset(rows, file, options, warnings);
}
