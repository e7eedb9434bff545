/**
 * Points per question. All or nothing per test cell, as in nbgrader: a question earns its points
 * when every one of its tests (public and hidden) passes.
 */
import type { Question } from "./assign";
import type { ExecuteOutcome, TestOutcome } from "./execute";

export type GradeStatus = "passed" | "failed" | "error" | "timeout" | "crashed" | "invalid";

export interface GradeRow {
  submission: string;
  notebook: string;
  gradeId: string;
  points: number;
  maxPoints: number;
  status: GradeStatus;
  reason: string;
  tests: TestOutcome[];
}

export function scoreOutcome(submission: string, notebook: string, questions: Question[], outcome: ExecuteOutcome, questionNotes: Map<string, string[]>): GradeRow[] {
  return questions.map((q) => {
    const o = outcome.questions.get(q.gradeId);
    const notes = questionNotes.get(q.gradeId) ?? [];
    const status: GradeStatus = o ? o.status : "error";
    const reason = [o ? o.reason : "the question was not graded", ...notes].join("; ");
    return { submission, notebook, gradeId: q.gradeId, points: status === "passed" ? q.points : 0, maxPoints: q.points, status, reason, tests: o?.tests ?? [] };
  });
}

/** Every question of a notebook that could not be graded at all (unreadable, wrong format, not submitted). */
export function invalidRows(submission: string, notebook: string, questions: Question[], reason: string): GradeRow[] {
  return questions.map((q) => ({ submission, notebook, gradeId: q.gradeId, points: 0, maxPoints: q.points, status: "invalid", reason, tests: [] }));
}

export function total(rows: GradeRow[]): { score: number; max: number } {
  return rows.reduce((acc, r) => ({ score: acc.score + r.points, max: acc.max + r.maxPoints }), { score: 0, max: 0 });
}
