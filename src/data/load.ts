/** One entry point for every format, picked by name or by file extension. */
import path from "node:path";
import { loadBuiltinIntents, BuiltinLang } from "./builtin";
import { loadClincIntents } from "./clinc";
import { CsvOptions, loadCsvIntents } from "./csv";
import { loadJsonlIntents } from "./jsonl";
import { IntentDataset } from "./types";

export type IntentFormat = "builtin" | "clinc" | "csv" | "tsv" | "jsonl";

export const INTENT_FORMATS: readonly IntentFormat[] = ["builtin", "clinc", "csv", "tsv", "jsonl"];

export type LoadIntentsOptions = CsvOptions & {
  /** Default: from the extension (.json clinc, .jsonl/.ndjson jsonl, .csv, .tsv/.tab). */
  format?: IntentFormat;
  /** Built-in dataset only: one language. */
  lang?: BuiltinLang;
};

export function intentFormatOf(file: string): IntentFormat {
  const ext = path.extname(file).toLowerCase();
  const byExt: Record<string, IntentFormat> = { ".json": "clinc", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv" };
  const format = byExt[ext];
  if (!format) throw new Error(`${file}: cannot tell the format from "${ext || "no extension"}"; give one of ${INTENT_FORMATS.join(", ")}`);
  return format;
}

/** `file` is ignored for the built-in dataset (pass "" or "builtin"). */
export function loadIntents(file: string, options: LoadIntentsOptions = {}): IntentDataset {
  const format = options.format ?? (file === "" || file === "builtin" ? "builtin" : intentFormatOf(file));
  switch (format) {
    case "builtin":
      return loadBuiltinIntents({ lang: options.lang, includeOos: options.includeOos, onWarning: options.onWarning });
    case "clinc":
      return loadClincIntents(file, options);
    case "csv":
      return loadCsvIntents(file, options);
    case "tsv":
      return loadCsvIntents(file, { ...options, delimiter: options.delimiter ?? "\t", quote: options.quote ?? false });
    case "jsonl":
      return loadJsonlIntents(file, options);
    default:
      throw new Error(`unknown intent format "${String(format)}"; expected one of ${INTENT_FORMATS.join(", ")}`);
  }
}
