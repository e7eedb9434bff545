/**
 * JSON Lines: one JSON object per line, e.g. {"text": "...", "intent": "...", "split": "train"}.
 * Blank lines are skipped; every other line must parse, or the error names it.
 */
import { readFileSync } from "node:fs";
import { DataColumn, IntentColumnOptions, describeColumn } from "./columns";
import { assembleDataset } from "./dataset";
import { DataFormatError } from "./errors";
import { IdRegistry, parseSplit, RawExample, requireField } from "./rows";
import { IntentDatasetOptions, IntentDataset } from "./types";

export type JsonlOptions = IntentColumnOptions & IntentDatasetOptions;

function fieldName(c: DataColumn, file: string): string {
  if (typeof c === "number") throw new DataFormatError(file, undefined, `JSONL fields are named, not numbered (got ${describeColumn(c)})`);
  return c;
}

/** A scalar field as a string; objects and arrays are not labels or texts. */
function scalar(value: unknown, name: string, file: string, line: number): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new DataFormatError(file, line, `field "${name}" must be a string, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`);
}

export function readJsonlRows(file: string, options: IntentColumnOptions = {}): RawExample[] {
  const content = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const text = fieldName(options.textColumn ?? "text", file);
  const explicitLabel = options.labelColumn === undefined ? undefined : fieldName(options.labelColumn, file);
  const optional = (given: DataColumn | null | undefined, fallback: string) =>
    given === null ? undefined : { name: given === undefined ? fallback : fieldName(given, file), required: given !== undefined };
  const split = optional(options.splitColumn, "split");
  const id = optional(options.idColumn, "id");
  const lang = optional(options.langColumn, "lang");
  const ids = new IdRegistry();

  const rows: RawExample[] = [];
  content.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const source = raw.replace(/\r$/, "");
    if (source.trim() === "") return;
    let record: unknown;
    try {
      record = JSON.parse(source);
    } catch (error) {
      throw new DataFormatError(file, line, `invalid JSON: ${(error as Error).message.split("\n")[0]}`);
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new DataFormatError(file, line, "expected a JSON object per line");
    }
    const obj = record as Record<string, unknown>;
    const label = explicitLabel ?? ("intent" in obj || !("label" in obj) ? "intent" : "label");
    for (const name of [text, label]) {
      if (!(name in obj)) throw new DataFormatError(file, line, `missing field "${name}" (fields: ${Object.keys(obj).join(", ") || "none"})`);
    }
    const row: RawExample = {
      text: requireField(scalar(obj[text], text, file, line), `text ("${text}")`, file, line),
      intent: requireField(scalar(obj[label], label, file, line), `label ("${label}")`, file, line),
      file,
      line,
    };
    const optionalValue = (column: { name: string; required: boolean } | undefined): string | undefined => {
      if (!column) return undefined;
      if (!(column.name in obj)) {
        if (column.required) throw new DataFormatError(file, line, `missing field "${column.name}"`);
        return undefined;
      }
      return scalar(obj[column.name], column.name, file, line);
    };
    const splitValue = optionalValue(split);
    if (splitValue !== undefined) row.split = parseSplit(splitValue, file, line);
    const idValue = optionalValue(id);
    if (idValue !== undefined) {
      ids.check(idValue, file, line);
      row.id = idValue;
    }
    const langValue = optionalValue(lang);
    if (langValue !== undefined) row.lang = requireField(langValue, `language ("${lang!.name}")`, file, line);
    rows.push(row);
  });
  return rows;
}

export function loadJsonlIntents(file: string, options: JsonlOptions = {}): IntentDataset {
  return assembleDataset(readJsonlRows(file, options), file, options);
}
