/** The dataset options shared by `bertlab finetune` and `bertlab eval`. */
import { BuiltinLang } from "../data/builtin";
import { IntentFormat, INTENT_FORMATS, loadIntents, LoadIntentsOptions } from "../data/load";
import { IntentDataset } from "../data/types";

/** The parseArgs declarations of the dataset options, shared so the two commands cannot drift apart. */
export const DATASET_OPTIONS = {
  data: { type: "string" },
  format: { type: "string" },
  "text-column": { type: "string" },
  "label-column": { type: "string" },
  "split-column": { type: "string" },
  "no-header": { type: "boolean", default: false },
  lang: { type: "string" },
} as const;

export interface DatasetArgs {
  data?: string;
  format?: string;
  "text-column"?: string;
  "label-column"?: string;
  "split-column"?: string;
  "no-header"?: boolean;
  lang?: string;
}

/** A column given as digits is a 0-based index (header-less CSV), else a name. */
function column(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function loadDatasetFromArgs(args: DatasetArgs): IntentDataset {
  const format = args.format as IntentFormat | undefined;
  if (format !== undefined && !INTENT_FORMATS.includes(format)) throw new Error(`--format "${args.format}" is not one of ${INTENT_FORMATS.join(", ")}`);
  const file = args.data ?? (format === "builtin" ? "builtin" : undefined);
  if (file === undefined) throw new Error("--data FILE is required (or --format builtin for the built-in dataset)");
  if (args.lang !== undefined && args.lang !== "en" && args.lang !== "ko") throw new Error(`--lang must be en or ko, got "${args.lang}"`);
  const options: LoadIntentsOptions = {
    format,
    textColumn: column(args["text-column"]),
    labelColumn: column(args["label-column"]),
    splitColumn: column(args["split-column"]),
    header: args["no-header"] ? false : undefined,
    lang: args.lang as BuiltinLang | undefined,
    includeOos: true,
  };
  return loadIntents(file, options);
}
