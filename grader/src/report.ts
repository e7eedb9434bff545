/** grades.csv: one row per (submission, notebook, question), RFC 4180 quoting. */
import { rename, writeFile } from "fs/promises";
import type { GradeRow } from "./score";

export const CSV_HEADER = ["submission", "notebook", "grade_id", "points", "max_points", "status", "reason"] as const;

function field(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: GradeRow[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const r of rows) lines.push([r.submission, r.notebook, r.gradeId, r.points, r.maxPoints, r.status, r.reason].map(field).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Written whole and renamed into place: a reader never sees half a file. */
export async function writeCsv(file: string, rows: GradeRow[]): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, toCsv(rows), "utf8");
  await rename(tmp, file);
}
