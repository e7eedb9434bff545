/** Which fields of a CSV/TSV/JSONL row hold the text, the label and the optional split, id and language. */

export type DataColumn = string | number;

export interface IntentColumnOptions {
  /** Default "text" (CSV without header: column 0). */
  textColumn?: DataColumn;
  /** Default "intent", else "label" (CSV without header: column 1). */
  labelColumn?: DataColumn;
  /** Default "split" when the file has it; null ignores any split and splits afresh. */
  splitColumn?: DataColumn | null;
  /** Default "id" when the file has it; ids must be unique. null ignores ids. */
  idColumn?: DataColumn | null;
  /** Default "lang" when the file has it; null ignores it. */
  langColumn?: DataColumn | null;
}

/** A column the caller named must exist; a default optional column may be absent. */
export interface ResolvedColumns<K> {
  text: K;
  label: K;
  split: K | undefined;
  id: K | undefined;
  lang: K | undefined;
}

export function describeColumn(c: DataColumn): string {
  return typeof c === "number" ? `column ${c}` : `column "${c}"`;
}
