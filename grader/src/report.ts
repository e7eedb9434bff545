/**
 * grades.csv: one row per (submission, notebook, question), RFC 4180 quoting, always valid UTF-8
 * with no control characters: a reason may quote a corrupt file's bytes (NULs, "PK\x03\x04"), and
 * grep, spreadsheets and LMS imports all choke on those. They are written as visible escapes.
 */
import { rename, writeFile } from "fs/promises";
import type { GradeRow } from "./score";

export const CSV_HEADER = ["submission", "notebook", "grade_id", "points", "max_points", "status", "reason"] as const;

/**
 * Makes text safe for a CSV cell: C0/C1 controls, DEL and line/paragraph separators become \n, \t,
 * \r or \uXXXX escapes (a backslash itself stays as it is), and lone UTF-16 surrogates, which have
 * no UTF-8 encoding, become U+FFFD.
 */
export function cleanText(text: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
  );
}

/** One CSV field: cleaned, then quoted when it holds a comma or a quote. */
export function csvField(value: string | number): string {
  const s = cleanText(String(value));
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number)[]): string {
  return values.map(csvField).join(",");
}

export function toCsv(rows: GradeRow[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const r of rows) lines.push(csvLine([r.submission, r.notebook, r.gradeId, r.points, r.maxPoints, r.status, r.reason]));
  return lines.join("\r\n") + "\r\n";
}

/** Written whole and renamed into place: a reader never sees half a file. */
export async function writeText(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text, "utf8");
  await rename(tmp, file);
}

export async function writeCsv(file: string, rows: GradeRow[]): Promise<void> {
  await writeText(file, toCsv(rows));
}
