/**
 * Points per question. By default all or nothing per test cell, as in nbgrader: a question earns its
 * points when every one of its tests (public and hidden) passes. A test cell may instead split its
 * points over its tests (partial credit, see `creditOf`).
 */
import type { NbCell } from "bertlab/notebook";
import type { Question } from "./assign";
import type { ExecuteOutcome, TestOutcome } from "./execute";

/**
 * What happened to one question. Each says something different to the instructor:
 * - passed / failed: the tests ran; failed may still earn partial credit.
 * - error: the test cell or the code before it failed; timeout: a cell ran too long (and the
 *   machine was not to blame); crashed: the student's code ended the kernel.
 * - invalid: a notebook was handed in but cannot be read; missing: nothing was handed in.
 * - manual: graded by hand (`bertlab-grader manual`), 0 points until scored.
 * - infrastructure_error: the machine failed (kernel did not start, overload), not the student.
 *   Never a grade: kept apart in every report and graded again by the next run.
 */
export type GradeStatus = "passed" | "failed" | "error" | "timeout" | "crashed" | "invalid" | "missing" | "manual" | "infrastructure_error";

export const GRADE_STATUSES: readonly GradeStatus[] = ["passed", "failed", "error", "timeout", "crashed", "invalid", "missing", "manual", "infrastructure_error"];

/** A score set by a person: an override of an autograded question, or a manual grade. */
export interface Adjustment {
  kind: "override" | "manual";
  points: number;
  reason: string;
  by: string;
  at: string;
}

export interface GradeRow {
  submission: string;
  notebook: string;
  gradeId: string;
  points: number;
  maxPoints: number;
  status: GradeStatus;
  reason: string;
  tests: TestOutcome[];
  /** Set on rows read back from the gradebook when a person changed the score; `points` is then theirs. */
  adjustment?: Adjustment & { autoPoints: number; autoReason: string };
}

/**
 * How a question's points are split over its tests, from its test cell's metadata:
 * - nothing: all or nothing (nbgrader's behaviour);
 * - `metadata.bertlab.partial_credit: true`: equal shares per test;
 * - `metadata.bertlab.test_points: {"test name": weight, ...}` (otter-style): shares by weight,
 *   1 for a test not listed.
 */
export interface Credit {
  partial: boolean;
  weights: Record<string, number>;
}

export function creditOf(cell: NbCell | undefined, where: string): Credit {
  const meta = (cell?.metadata?.bertlab ?? {}) as { partial_credit?: unknown; test_points?: unknown };
  const weights: Record<string, number> = {};
  if (meta.test_points !== undefined) {
    if (typeof meta.test_points !== "object" || meta.test_points === null || Array.isArray(meta.test_points)) {
      throw new Error(`${where}: metadata.bertlab.test_points must map test names to numbers`);
    }
    for (const [name, w] of Object.entries(meta.test_points as Record<string, unknown>)) {
      if (typeof w !== "number" || !(w >= 0) || !Number.isFinite(w)) throw new Error(`${where}: metadata.bertlab.test_points["${name}"] must be a number >= 0`);
      weights[name] = w;
    }
  }
  return { partial: meta.partial_credit === true || Object.keys(weights).length > 0, weights };
}

/** Points rounded to 1/1000: shares such as 2/3 of a point must compare equal across runs and machines. */
export function roundPoints(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function partialPoints(points: number, tests: TestOutcome[], credit: Credit): number {
  const weight = (t: TestOutcome) => credit.weights[t.name] ?? 1;
  const all = tests.reduce((a, t) => a + weight(t), 0);
  if (all === 0) return 0;
  const earned = tests.filter((t) => t.status === "passed").reduce((a, t) => a + weight(t), 0);
  return roundPoints((points * earned) / all);
}

export function scoreOutcome(
  submission: string,
  notebook: string,
  questions: Question[],
  outcome: ExecuteOutcome,
  questionNotes: Map<string, string[]>,
  credit: Map<string, Credit> = new Map(),
): GradeRow[] {
  return questions.map((q) => {
    const o = outcome.questions.get(q.gradeId);
    const notes = questionNotes.get(q.gradeId) ?? [];
    const status: GradeStatus = o ? o.status : "error";
    const c = credit.get(q.gradeId);
    let points = status === "passed" ? q.points : 0;
    let share = "";
    // Partial credit only when the tests themselves ran: an error or crash proves nothing about the others.
    if (c?.partial && status === "failed" && o) {
      points = partialPoints(q.points, o.tests, c);
      share = `; partial credit ${points}/${q.points}`;
    }
    const reason = [(o ? o.reason : "the question was not graded") + share, ...notes].join("; ");
    return { submission, notebook, gradeId: q.gradeId, points, maxPoints: q.points, status, reason, tests: o?.tests ?? [] };
  });
}

/** Every question of a notebook that could not be graded at all: unreadable or wrong format (invalid), not handed in (missing), or the machine failed (infrastructure_error). */
export function invalidRows(submission: string, notebook: string, questions: Question[], reason: string, status: "invalid" | "missing" | "infrastructure_error" = "invalid"): GradeRow[] {
  return questions.map((q) => ({ submission, notebook, gradeId: q.gradeId, points: 0, maxPoints: q.points, status, reason, tests: [] }));
}

/** Sum of points; infrastructure errors count for neither score nor maximum, since they are no grade at all. */
export function total(rows: GradeRow[]): { score: number; max: number } {
  return rows.reduce((acc, r) => (r.status === "infrastructure_error" ? acc : { score: roundPoints(acc.score + r.points), max: roundPoints(acc.max + r.maxPoints) }), { score: 0, max: 0 });
}
