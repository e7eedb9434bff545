/** Intent datasets: the built-in bilingual set and loaders for CLINC150, CSV/TSV and JSONL files. */
export * from "./types";
export { DataFormatError } from "./errors";
export { buildLabelMap } from "./labels";
export type { IntentLabelMap } from "./labels";
export { stratifiedSplit, splitSizes, DEFAULT_SPLIT_RATIOS } from "./split";
export type { StratifiedSplitOptions } from "./split";
export { computeIntentStats, formatIntentStats } from "./stats";
export { fewShotSplit } from "./few-shot";
export type { DataColumn, IntentColumnOptions } from "./columns";
export { loadJsonlIntents } from "./jsonl";
export type { JsonlOptions } from "./jsonl";
export { loadCsvIntents } from "./csv";
export type { CsvOptions, CsvFormatOptions } from "./csv";
export { loadClincIntents } from "./clinc";
export { loadBuiltinIntents, builtinIntentLabels, builtinIntentsDir } from "./builtin";
export type { BuiltinLang, BuiltinIntentOptions, IntentLabelInfo } from "./builtin";
export { loadIntents, intentFormatOf, INTENT_FORMATS } from "./load";
export type { IntentFormat, LoadIntentsOptions } from "./load";
