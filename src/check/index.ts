/**
 * In-notebook tests for bertlab exercises, mocha-style:
 *
 *   import { describe, it, check, closeTo } from "bertlab/check";
 *   import assert from "node:assert";
 *   describe("q1", () => {                        // the test cell's nbgrader grade_id
 *     it("doubles 2", () => assert.strictEqual(double(2), 4));
 *   });
 *   await check("q1");                            // pass/fail table, right in the notebook
 *
 * The same registrations are what bertlab-grader runs (with the hidden tests added) in a fresh kernel.
 */
import { describe, it, markHidden, suite, isGrading } from "./registry";
import { runTests } from "./run";
import { renderHtml, renderText, passedAll, type CheckReport } from "./table";
import { showRich } from "./display";
import { withForbidden } from "./reference";
import { checkLang } from "./lang";

export { describe, it, markHidden };
export { checkLang, localize, notebookLang, parseLang, type CheckLang, type LocalizedText, type Text } from "./lang";
export { closeTo, type Tolerance } from "./close-to";
export { referenceLibrary, DelegationError } from "./reference";
export type { TestResult, TestStatus } from "./run";
export type { CheckReport } from "./table";
export { renderText as renderCheckText, renderHtml as renderCheckHtml } from "./table";

/** Runs the tests registered for `gradeId` and returns the report, without displaying anything. */
export async function checkReport(gradeId: string): Promise<CheckReport> {
  const ko = checkLang() === "ko";
  if (isGrading()) {
    // The grader runs the tests itself from its own cell; running them here too would only cost time.
    return { gradeId, results: [], problem: ko ? "bertlab-grader가 채점해요" : "graded by bertlab-grader" };
  }
  const registered = suite(gradeId);
  return registered
    ? { gradeId, results: await withForbidden(gradeId, () => runTests(registered.tests, undefined, gradeId)) }
    : {
        gradeId,
        results: [],
        problem: ko
          ? `"${gradeId}"에 등록된 테스트가 없어요. 먼저 그 테스트 셀(describe("${gradeId}", ...))을 실행하세요`
          : `no tests registered for "${gradeId}"; run its test cell (describe("${gradeId}", ...)) first`,
      };
}

/**
 * Runs the tests registered for `gradeId` against the live kernel state and shows a pass/fail table.
 * Never throws for failing tests, so "Run All" keeps going; resolves to nothing so the cell prints nothing else.
 */
export async function check(gradeId: string): Promise<void> {
  const report = await checkReport(gradeId);
  if (isGrading()) return;
  showRich(renderHtml(report), renderText(report));
}

export { passedAll };
