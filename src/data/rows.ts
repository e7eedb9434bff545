/**
 * What every format reader produces before the dataset is assembled: one row per
 * example, remembering where it came from so later checks can name the line.
 */
import { DataFormatError } from "./errors";
import { IntentSplit } from "./types";

export interface RawExample {
  text: string;
  intent: string;
  lang?: string;
  split?: IntentSplit;
  id?: string;
  file: string;
  line: number | undefined;
  /** Finds the line later, for formats where that costs a second pass (CLINC's JSON). */
  locate?: () => number | undefined;
}

const SPLIT_NAMES: Record<string, IntentSplit> = {
  train: "train",
  val: "val",
  valid: "val",
  validation: "val",
  dev: "val",
  test: "test",
};

/** Accepts the usual spellings (validation, dev...) and rejects anything else. */
export function parseSplit(value: string, file: string, line: number | undefined): IntentSplit {
  const split = SPLIT_NAMES[value.trim().toLowerCase()];
  if (!split) {
    throw new DataFormatError(file, line, `unknown split "${value}" (expected train, val/validation/dev or test)`);
  }
  return split;
}

/** Text and label must be non-empty after trimming; both are returned trimmed. */
export function requireField(value: string, what: string, file: string, line: number | undefined): string {
  const trimmed = value.trim();
  if (trimmed === "") throw new DataFormatError(file, line, `empty ${what}`);
  return trimmed;
}

/** Fails on the second row that reuses an id, naming the first one's line. */
export class IdRegistry {
  private readonly seen = new Map<string, number | undefined>();

  check(id: string, file: string, line: number | undefined): void {
    if (this.seen.has(id)) {
      const first = this.seen.get(id);
      throw new DataFormatError(file, line, `duplicate id "${id}"${first === undefined ? "" : ` (first used on line ${first})`}`);
    }
    this.seen.set(id, line);
  }
}
