/**
 * `bertlab-grader validate <notebook>`: runs a notebook top to bottom in a fresh kernel and every
 * test it contains, the way the grader would, and prints one table per question. For students
 * before they submit (public tests only: their copy has no hidden ones) and for instructors on
 * solutions/ (where every test, hidden included, must pass).
 */
import path from "path";
import { readNotebook } from "bertlab/notebook";
import { cellTimeoutMs } from "bertlab/runner";
import { notebookLang, renderCheckText } from "bertlab/check";
import { graderTestSource } from "./assign";
import { executeGraded, type QuestionOutcome } from "./execute";
import { harnessPath } from "./grade";
import { findRegions, isSolution, isTestCell, MARKERS, nbgraderMeta, sourceLines } from "./nbgrader";
import type { GradedCell } from "./restore";
import { creditOf, scoreOutcome, total, type Credit } from "./score";

export interface ValidateResult {
  questions: QuestionOutcome[];
  ok: boolean;
  /** Points the tests run here give, per question and in all (questions graded by hand excluded). */
  points: { gradeId: string; points: number; maxPoints: number }[];
  total: { score: number; max: number };
  /** Answers in words, graded by hand: listed with their points, never scored here. */
  manual: { gradeId: string; maxPoints: number }[];
  /** True when the notebook holds its hidden tests (an instructor's source), so they ran too. */
  hiddenTestsRun: boolean;
  report: string;
}

const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);

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
  // One student's notebook: the notebook's own budget (metadata bertlab.timeout) or bertlab run's default.
  const timeoutMs = opts.timeoutMs ?? cellTimeoutMs(nb, -1);
  // The Korean edition (metadata bertlab.lang "ko", written by notebooks:build) gets its summary, and the
  // kernel its check messages and hints (BERTLAB_LANG, see bertlab's check/lang.ts), in Korean.
  const lang = notebookLang(nb) ?? "en";
  const ko = lang === "ko";
  const outcome = await executeGraded(cells, { sandbox: { cwd, env: { BERTLAB_LANG: lang }, nodeArgs: [], wrapper: [], describe: "none" }, harness: harnessPath(), timeoutMs });
  const questions = cells.filter((c) => c.question).map((c) => outcome.questions.get(c.question!)!);
  const specs = nb.cells.flatMap((cell, i) => {
    const meta = nbgraderMeta(cell);
    return meta && isTestCell(cell) ? [{ gradeId: meta.grade_id, points: meta.points ?? 0, cell: i }] : [];
  });
  const credit = new Map<string, Credit>(specs.map((q) => [q.gradeId, creditOf(nb.cells[q.cell], `${file}, cell ${q.cell} (${q.gradeId})`)]));
  const rows = scoreOutcome("", path.basename(file), specs, outcome, new Map(), credit);
  const points = rows.map((r) => ({ gradeId: r.gradeId, points: r.points, maxPoints: r.maxPoints }));
  const manual = nb.cells.flatMap((cell) => {
    const meta = nbgraderMeta(cell);
    return meta && meta.grade && isSolution(cell) && !isTestCell(cell) ? [{ gradeId: meta.grade_id, maxPoints: meta.points ?? 0 }] : [];
  });
  const hiddenTestsRun = nb.cells.some((cell, i) => isTestCell(cell) && findRegions(sourceLines(cell), MARKERS.beginHidden, MARKERS.endHidden, `${file}, cell ${i}`).length > 0);
  const sum = total(rows);
  const byQuestion = points.map((p) => `${p.gradeId} ${fmt(p.points)}/${fmt(p.maxPoints)}`).join(", ");
  const summary = (
    ko
      ? [
          `여기서 실행한 테스트로 받은 점수: ${fmt(sum.score)}/${fmt(sum.max)}${byQuestion ? ` (${byQuestion})` : ""}.`,
          ...(manual.length > 0 ? [`사람이 직접 채점하는 문항(여기서는 점수를 매기지 않아요): ${manual.map((m) => `${m.gradeId} (${fmt(m.maxPoints)}점)`).join(", ")}.`] : []),
          hiddenTestsRun
            ? "숨은 테스트(hidden test): 이 노트북에 들어 있어서 함께 실행했어요."
            : "숨은 테스트(hidden test)는 여기서 실행하지 않아요. 채점할 때는 이 노트북에 보이는 것보다 많은 테스트를 실행하므로, 여기서 통과해도 점수가 보장되지는 않아요.",
        ]
      : [
          `Points from the tests run here: ${fmt(sum.score)}/${fmt(sum.max)}${byQuestion ? ` (${byQuestion})` : ""}.`,
          ...(manual.length > 0 ? [`Graded by hand, not scored here: ${manual.map((m) => `${m.gradeId} (${fmt(m.maxPoints)} points)`).join(", ")}.`] : []),
          hiddenTestsRun
            ? "Hidden tests: included in this notebook, and run."
            : "Hidden tests are not run here: the grader runs more tests than this notebook shows, so passing here does not guarantee the points.",
        ]
  ).join("\n");
  const tables = questions
    .map((q) => {
      const p = points.find((x) => x.gradeId === q.gradeId);
      const pts = p ? (ko ? `, ${fmt(p.points)}/${fmt(p.maxPoints)}점` : `, ${fmt(p.points)}/${fmt(p.maxPoints)} points`) : "";
      if (q.tests.length === 0) return `${q.gradeId}: ${q.status}${pts}: ${q.reason}`;
      const [first, ...rest] = renderCheckText({ gradeId: q.gradeId, results: q.tests }, lang).split("\n");
      return [`${first}${pts}`, ...rest].join("\n");
    })
    .join("\n\n");
  const report = questions.length > 0 ? `${tables}\n\n${summary}` : "";
  return { questions, ok: questions.length > 0 && questions.every((q) => q.status === "passed"), points, total: sum, manual, hiddenTestsRun, report };
}
