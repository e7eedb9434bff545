/**
 * `bertlab-grader export --out <dir> --format canvas|gradescope|wide`: per-student totals for an
 * LMS, from the gradebook's effective grades (overrides, manual grades and late penalties applied).
 *
 * A student with an infrastructure error has no grade yet: LMS formats leave the score empty (an
 * empty cell changes nothing on import) and the wide table says why, so a machine failure never
 * reaches an LMS as a zero.
 */
import path from "path";
import type { Gradebook } from "./gradebook";
import { csvLine, writeText } from "./report";
import { roundPoints } from "./score";

export type ExportFormat = "canvas" | "gradescope" | "wide";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["canvas", "gradescope", "wide"];

export interface StudentTotal {
  id: string;
  display: string;
  name: string;
  email: string;
  score: number;
  max: number;
  /** Per notebook: effective score after the late penalty, and the penalty fraction. */
  notebooks: Map<string, { score: number; max: number; latePenalty: number; submittedAt: string | null }>;
  /** "notebook/grade_id" → points. */
  questions: Map<string, number>;
  /** Why the total is not final, or "" when it is. */
  flags: string[];
  /** A total that must not be sent to an LMS (infrastructure errors). */
  incomplete: boolean;
}

export interface ClassTotals {
  notebooks: { name: string; max: number }[];
  questions: { key: string; max: number }[];
  students: StudentTotal[];
}

const stem = (nb: string) => nb.replace(/\.ipynb$/, "");

export function classTotals(book: Gradebook): ClassTotals {
  const records = book.records();
  const people = new Map(book.students().map((s) => [s.id, s]));
  const notebooks = new Map<string, number>();
  const questions = new Map<string, number>();
  for (const r of records) {
    for (const q of r.rows) {
      questions.set(`${stem(r.notebook)}/${q.gradeId}`, q.maxPoints);
    }
    notebooks.set(r.notebook, r.rows.reduce((a, q) => a + q.maxPoints, 0));
  }
  const ids = [...new Set([...records.map((r) => r.submission), ...people.keys()])].sort();
  const students = ids.map((id): StudentTotal => {
    const mine = records.filter((r) => r.submission === id);
    const who = people.get(id);
    const t: StudentTotal = { id, display: who?.display ?? id, name: who?.name ?? "", email: who?.email ?? "", score: 0, max: 0, notebooks: new Map(), questions: new Map(), flags: [], incomplete: false };
    const count = (status: string) => mine.reduce((a, r) => a + r.rows.filter((q) => q.status === status).length, 0);
    for (const r of mine) {
      t.notebooks.set(r.notebook, { score: r.score, max: r.maxScore, latePenalty: r.latePenalty ?? 0, submittedAt: r.submittedAt ?? null });
      for (const q of r.rows) if (q.status !== "infrastructure_error") t.questions.set(`${stem(r.notebook)}/${q.gradeId}`, q.points);
      t.score = roundPoints(t.score + r.score);
    }
    // The maximum is the assignment's, not what was graded: a missing notebook still counts out of its points.
    t.max = roundPoints([...notebooks.values()].reduce((a, m) => a + m, 0));
    const infra = mine.filter((r) => r.rows.some((q) => q.status === "infrastructure_error")).length;
    if (infra) {
      t.incomplete = true;
      t.flags.push(`${infra} notebook${infra > 1 ? "s" : ""} not graded (infrastructure error; run grade again)`);
    }
    const notGraded = [...notebooks.keys()].filter((n) => !mine.some((r) => r.notebook === n));
    if (notGraded.length) {
      t.incomplete = true;
      t.flags.push(`not graded yet: ${notGraded.join(", ")}`);
    }
    const missing = mine.filter((r) => r.rows.length > 0 && r.rows.every((q) => q.status === "missing")).length;
    if (missing) t.flags.push(`${missing} notebook${missing > 1 ? "s" : ""} missing`);
    const manual = mine.reduce((a, r) => a + r.rows.filter((q) => q.status === "manual" && !q.adjustment).length, 0);
    if (manual) t.flags.push(`${manual} answer${manual > 1 ? "s" : ""} awaiting manual grading`);
    const late = mine.filter((r) => (r.latePenalty ?? 0) > 0);
    if (late.length) t.flags.push(`late: ${late.map((r) => `${stem(r.notebook)} −${Math.round((r.latePenalty ?? 0) * 100)}%`).join(", ")}`);
    const overrides = mine.reduce((a, r) => a + r.rows.filter((q) => q.adjustment?.kind === "override").length, 0);
    if (overrides) t.flags.push(`${overrides} score${overrides > 1 ? "s" : ""} overridden`);
    if (count("invalid")) t.flags.push(`${count("invalid")} question${count("invalid") > 1 ? "s" : ""} in unreadable notebooks`);
    return t;
  });
  return {
    notebooks: [...notebooks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, max]) => ({ name, max })),
    questions: [...questions.entries()].map(([key, max]) => ({ key, max })),
    students,
  };
}

function lines(rows: (string | number)[][]): string {
  return rows.map(csvLine).join("\r\n") + "\r\n";
}

/** The CSV text of one export format. `title` names the assignment column (Canvas). */
export function exportCsv(totals: ClassTotals, format: ExportFormat, title: string): string {
  const { students, questions, notebooks } = totals;
  const max = roundPoints(notebooks.reduce((a, n) => a + n.max, 0));
  switch (format) {
    case "canvas":
      // Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column per assignment,
      // with a "Points Possible" row. Students are matched on SIS User ID; an empty score is left unchanged.
      return lines([
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title],
        ["Points Possible", "", "", "", "", max],
        ...students.map((s) => [s.name || s.display, "", s.id, s.email || s.id, "", s.incomplete ? "" : s.score]),
      ]);
    case "gradescope":
      return lines([
        ["Name", "SID", "Email", "Total Score", "Max Points", "Status", ...questions.map((q) => `${q.key} (${q.max} pts)`)],
        ...students.map((s) => [s.name || s.display, s.id, s.email, s.incomplete ? "" : s.score, max, s.incomplete ? "Incomplete" : "Graded", ...questions.map((q) => (s.incomplete ? "" : (s.questions.get(q.key) ?? "")))]),
      ]);
    case "wide":
      return lines([
        ["id", "display_name", "name", "email", "total", "max", "percent", ...notebooks.flatMap((n) => [stem(n.name), `${stem(n.name)} late penalty`]), ...questions.map((q) => q.key), "notes"],
        ...students.map((s): (string | number)[] => [
          s.id,
          s.display,
          s.name,
          s.email,
          s.score,
          max,
          max > 0 ? roundPoints((100 * s.score) / max) : 0,
          ...notebooks.flatMap((n): (string | number)[] => {
            const mine = s.notebooks.get(n.name);
            return mine ? [mine.score, mine.latePenalty] : ["", ""];
          }),
          ...questions.map((q) => s.questions.get(q.key) ?? ""),
          s.flags.join("; "),
        ]),
      ]);
  }
}

export async function writeExport(book: Gradebook, outDir: string, format: ExportFormat, title = "Assignment"): Promise<{ file: string; students: number; incomplete: number }> {
  if (!EXPORT_FORMATS.includes(format)) throw new Error(`--format ${format}: expected ${EXPORT_FORMATS.join(", ")}`);
  const totals = classTotals(book);
  const file = path.join(outDir, `export-${format}.csv`);
  await writeText(file, exportCsv(totals, format, title));
  return { file, students: totals.students.length, incomplete: totals.students.filter((s) => s.incomplete).length };
}

