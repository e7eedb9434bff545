/**
 * CSV and TSV with a header row (or numbered columns without one), read with csv-parse.
 * TSV defaults to no quoting, as most TSV writers never quote; CSV follows RFC 4180.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { DataColumn, IntentColumnOptions, describeColumn, ResolvedColumns } from "./columns";
import { assembleDataset } from "./dataset";
import { DataFormatError } from "./errors";
import { IdRegistry, parseSplit, RawExample, requireField } from "./rows";
import { IntentDatasetOptions, IntentDataset } from "./types";

export interface CsvFormatOptions {
  /** Default: tab for .tsv/.tab files, comma otherwise. */
  delimiter?: string;
  /** Quote character, or false for none. Default '"' for CSV, false for TSV. */
  quote?: string | false;
  /** Whether the first row names the columns. Default true. */
  header?: boolean;
}

export type CsvOptions = IntentColumnOptions & CsvFormatOptions & IntentDatasetOptions;

interface CsvErrorLike {
  code?: string;
  lines?: number;
  records?: number;
  message: string;
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function isTsv(file: string): boolean {
  return [".tsv", ".tab"].includes(path.extname(file).toLowerCase());
}

/** Maps column names/numbers to indices; a column the caller asked for must exist. */
function resolveColumns(header: string[] | undefined, width: number, options: IntentColumnOptions, file: string): ResolvedColumns<number> {
  const available = header ? header.map((h) => `"${h}"`).join(", ") : `0..${width - 1}`;
  const find = (c: DataColumn): number | undefined => {
    if (typeof c === "number") return Number.isInteger(c) && c >= 0 && c < width ? c : undefined;
    if (!header) throw new DataFormatError(file, 1, `${describeColumn(c)} needs a header row; without one, give column numbers`);
    const i = header.indexOf(c);
    return i < 0 ? undefined : i;
  };
  const required = (c: DataColumn): number => {
    const i = find(c);
    if (i === undefined) throw new DataFormatError(file, 1, `no ${describeColumn(c)} (columns: ${available})`);
    return i;
  };
  const optional = (c: DataColumn | null | undefined, fallback: string): number | undefined => {
    if (c === null) return undefined;
    if (c !== undefined) return required(c);
    return header ? find(fallback) : undefined;
  };
  let label: number;
  if (options.labelColumn !== undefined) label = required(options.labelColumn);
  else if (!header) label = required(1);
  else label = find("intent") ?? find("label") ?? required("intent");
  return {
    text: required(options.textColumn ?? (header ? "text" : 0)),
    label,
    split: optional(options.splitColumn, "split"),
    id: optional(options.idColumn, "id"),
    lang: optional(options.langColumn, "lang"),
  };
}

export function readCsvRows(file: string, options: IntentColumnOptions & CsvFormatOptions = {}): RawExample[] {
  const tsv = isTsv(file);
  const header = options.header ?? true;
  const content = readFileSync(file, "utf8");
  const parseOptions = {
    delimiter: options.delimiter ?? (tsv ? "\t" : ","),
    quote: options.quote ?? (tsv ? false : '"'),
    bom: true,
    skip_empty_lines: true,
    info: true,
  };
  let records: ParsedRecord[];
  try {
    records = parse(content, parseOptions);
  } catch (error) {
    const e = error as CsvErrorLike;
    if (e.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      const m = /expect (\d+), got (\d+)/.exec(e.message);
      const detail = m ? `expected ${m[1]} columns, got ${m[2]}` : e.message;
      throw new DataFormatError(file, e.lines, `wrong number of columns: ${detail}`);
    }
    if (e.code === "CSV_QUOTE_NOT_CLOSED" && e.records !== undefined) {
      // csv-parse points at the end of the file; the broken row starts after the last good one.
      const good: ParsedRecord[] = e.records > 0 ? parse(content, { ...parseOptions, to: e.records }) : [];
      const line = good.length ? good[good.length - 1].info.lines + 1 : 1;
      throw new DataFormatError(file, line, "unclosed quote: the row starting here never closes its quoted field");
    }
    if (e.code && e.lines !== undefined) throw new DataFormatError(file, e.lines, `bad CSV row: ${e.message}`);
    throw error;
  }
  if (records.length === 0) throw new DataFormatError(file, undefined, "empty file");

  // csv-parse reports the line a record ends on; a quoted field with newlines started earlier.
  const startLine = (r: ParsedRecord) =>
    r.info.lines - r.record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);

  const names = header ? records[0].record.map((h) => h.trim()) : undefined;
  const columns = resolveColumns(names, records[0].record.length, options, file);
  const textName = names ? `"${names[columns.text]}"` : `column ${columns.text}`;
  const labelName = names ? `"${names[columns.label]}"` : `column ${columns.label}`;
  const ids = new IdRegistry();

  return records.slice(header ? 1 : 0).map((r) => {
    const line = startLine(r);
    const cells = r.record;
    const row: RawExample = {
      text: requireField(cells[columns.text], `text (${textName})`, file, line),
      intent: requireField(cells[columns.label], `label (${labelName})`, file, line),
      file,
      line,
    };
    if (columns.split !== undefined) row.split = parseSplit(cells[columns.split], file, line);
    if (columns.id !== undefined) {
      const id = requireField(cells[columns.id], "id", file, line);
      ids.check(id, file, line);
      row.id = id;
    }
    if (columns.lang !== undefined) row.lang = requireField(cells[columns.lang], "language", file, line);
    return row;
  });
}

export function loadCsvIntents(file: string, options: CsvOptions = {}): IntentDataset {
  return assembleDataset(readCsvRows(file, options), file, options);
}
