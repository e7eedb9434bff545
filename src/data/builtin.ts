/**
 * The bilingual (English/Korean) intent dataset shipped in data/intents/: 40 intents in
 * 10 domains plus out-of-scope utterances, already split 60/20/20 per intent and language.
 * See data/intents/DATASHEET.md.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { assembleDataset } from "./dataset";
import { DataFormatError } from "./errors";
import { readJsonlRows } from "./jsonl";
import { IntentDatasetOptions, IntentDataset } from "./types";

export type BuiltinLang = "en" | "ko";

export interface BuiltinIntentOptions {
  /** One language only; default both. */
  lang?: BuiltinLang;
  /** Keep the out-of-scope utterances in `oos`. Default false. */
  includeOos?: boolean;
  onWarning?: IntentDatasetOptions["onWarning"];
}

export interface IntentLabelInfo {
  intent: string;
  domain: string;
  description: string;
}

/** data/intents/ of the checkout this module runs from (source via tsx, or src/dist). */
export function builtinIntentsDir(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "data", "intents");
    if (existsSync(path.join(candidate, "intents.jsonl"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`built-in intent dataset not found: no data/intents/intents.jsonl in ${__dirname} or its parents`);
}

export function loadBuiltinIntents(options: BuiltinIntentOptions = {}): IntentDataset {
  const file = path.join(builtinIntentsDir(), "intents.jsonl");
  let rows = readJsonlRows(file, { textColumn: "text", labelColumn: "intent", splitColumn: "split", langColumn: "lang", idColumn: null });
  if (options.lang !== undefined) {
    const langs = [...new Set(rows.map((r) => r.lang))].join(", ");
    rows = rows.filter((r) => r.lang === options.lang);
    if (rows.length === 0) throw new DataFormatError(file, undefined, `no examples in language "${options.lang}" (languages: ${langs})`);
  }
  return assembleDataset(rows, file, { includeOos: options.includeOos ?? false, onWarning: options.onWarning });
}

/** The label list with each intent's domain and description, from data/intents/labels.json. */
export function builtinIntentLabels(): { domains: Record<string, string>; intents: IntentLabelInfo[] } {
  const file = path.join(builtinIntentsDir(), "labels.json");
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { domains: Record<string, string>; intents: IntentLabelInfo[] };
  return { domains: parsed.domains, intents: parsed.intents };
}
