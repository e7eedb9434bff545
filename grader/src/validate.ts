/**
 * `bertlab-grader validate <notebook>`: runs a notebook top to bottom in a fresh kernel and every
 * test it contains, the way the grader would, and prints one table per question. For students
 * before they submit (public tests only: their copy has no hidden ones) and for instructors on
 * solutions/ (where every test, hidden included, must pass).
 */
import path from "path";
import { readNotebook } from "bertlab/dist/notebook";
import { renderCheckText } from "bertlab/dist/check";
import { graderTestSource } from "./assign";
import { executeGraded, type QuestionOutcome } from "./execute";
import { harnessPath } from "./grade";
import { isTestCell, nbgraderMeta } from "./nbgrader";
import type { GradedCell } from "./restore";

export interface ValidateResult {
  questions: QuestionOutcome[];
  ok: boolean;
  report: string;
}

export async function validate(file: string, opts: { timeoutMs?: number } = {}): Promise<ValidateResult> {
  const nb = await readNotebook(file);
  const cells: GradedCell[] = nb.cells.map((cell, i) => {
    const meta = nbgraderMeta(cell);
    if (meta && isTestCell(cell)) {
      return { cell: { ...cell, source: graderTestSource(cell, `${file}, cell ${i}`) }, origin: "student", gradeId: meta.grade_id, question: meta.grade_id };
    }
    return { cell, origin: "student", gradeId: meta?.grade_id };
  });
  const cwd = path.dirname(path.resolve(file));
  const outcome = await executeGraded(cells, { sandbox: { cwd, env: {}, nodeArgs: [], wrapper: [], describe: "none" }, harness: harnessPath(), timeoutMs: opts.timeoutMs ?? 60_000 });
  const questions = cells.filter((c) => c.question).map((c) => outcome.questions.get(c.question!)!);
  const report = questions
    .map((q) =>
      q.tests.length > 0 ? renderCheckText({ gradeId: q.gradeId, results: q.tests }) : `${q.gradeId}: ${q.status}: ${q.reason}`,
    )
    .join("\n\n");
  return { questions, ok: questions.length > 0 && questions.every((q) => q.status === "passed"), report };
}
