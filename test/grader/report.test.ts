/**
 * The class report and feedback pages from a real SQLite gradebook (no kernels): infrastructure
 * errors flagged and left out of statistics, per-notebook and per-question statistics, plotly.js
 * linked once beside a small page, and no student page that overwrites the report.
 */
import assert from "node:assert";
import { existsSync, readFileSync, statSync } from "fs";
import path from "path";
import { classPage, studentPage, studentPageName, writeFeedback } from "../../grader/src/feedback";
import { Gradebook, type SubmissionRecord } from "../../grader/src/gradebook";
import type { GradeRow, GradeStatus } from "../../grader/src/score";
import { removeTmpDirs, tmpDir } from "./helpers";

function rec(student: string, notebook: string, questions: [string, GradeStatus, number, number][]): SubmissionRecord {
  const rows: GradeRow[] = questions.map(([gradeId, status, points, maxPoints]) => ({ submission: student, notebook, gradeId, points, maxPoints, status, reason: `${status} reason`, tests: [] }));
  const counted = rows.filter((r) => r.status !== "infrastructure_error");
  return {
    submission: student,
    notebook,
    score: counted.reduce((a, r) => a + r.points, 0),
    maxScore: counted.reduce((a, r) => a + r.maxPoints, 0),
    ms: 1000,
    gradedAt: "2026-12-01T00:00:00Z",
    sandbox: "test",
    notes: [],
    cells: [],
    rows,
  };
}

describe("grader: class report and feedback pages (real gradebook, no kernels)", () => {
  after(removeTmpDirs);

  it("never lets a student page take the report's name", () => {
    assert.strictEqual(studentPageName("alice"), "alice.html");
    assert.strictEqual(studentPageName("이서연"), "이서연.html");
    assert.strictEqual(studentPageName("index"), "_index.html");
    assert.strictEqual(studentPageName("Index"), "_Index.html");
    assert.strictEqual(studentPageName("_index"), "__index.html", "and the renamed page never meets a real _index");
  });

  it("flags infrastructure errors apart, leaves them out of statistics, and links plotly.js once", async () => {
    const dir = tmpDir("report");
    const book = new Gradebook(path.join(dir, "gradebook.sqlite"));
    try {
      book.bindAssignment("fp");
      book.save(rec("ada", "01-a.ipynb", [["q1", "passed", 2, 2], ["q2", "failed", 1, 3]]));
      book.save(rec("index", "01-a.ipynb", [["q1", "passed", 2, 2], ["q2", "passed", 3, 3]]));
      book.save(rec("ben", "01-a.ipynb", [["q1", "infrastructure_error", 0, 2], ["q2", "infrastructure_error", 0, 3]]));
      book.save(rec("cy", "01-a.ipynb", [["q1", "missing", 0, 2], ["q2", "missing", 0, 3]]));
      const out = path.join(dir, "feedback");
      const fb = await writeFeedback(book, out);
      assert.strictEqual(fb.students, 4);
      const index = readFileSync(path.join(out, "index.html"), "utf8");
      assert.match(index, /Class report/, "index.html is the report, not the student called index");
      assert.match(readFileSync(path.join(out, "_index.html"), "utf8"), /Feedback for index/);
      assert.match(index, /href="_index.html"/);
      // The flag names the notebook; the statistics count 3 graded students, not 4.
      assert.match(index, /<div class="flag"><strong>1 notebook not graded \(infrastructure error\):<\/strong> ben\/01-a\.ipynb/);
      // Per notebook: scores 3, 5, 0 (ben left out) -> mean 2.667, median 3.
      assert.match(index, /<tr><td>01-a\.ipynb<\/td><td class="n">5<\/td><td class="n">2\.667<\/td><td class="n">3<\/td>/);
      // Per question q2: 1 passed of 2 autograded (cy missing counts 0 points but is not a test run).
      assert.match(index, /<tr><td>01-a\/q2<\/td><td class="n">3<\/td><td class="n">1\.333<\/td><td class="n">1<\/td>/);
      assert.match(index, /<td class="n infrastructure_error">1<\/td><\/tr>/, "the infrastructure-error count stands out");
      assert.match(index, /<span class="infrastructure_error">not graded<\/span>/);
      assert.deepStrictEqual([...index.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]), ["plotly.min.js"]);
      assert.ok(readFileSync(path.join(out, "plotly.min.js"), "utf8").includes("plotly.js v"), "plotly.js copied beside the report");
      assert.ok(statSync(path.join(out, "index.html")).size < 50_000, "the page itself stays small");
      assert.match(index, /name="viewport"/);
      const ben = readFileSync(path.join(out, "ben.html"), "utf8");
      assert.match(ben, /Not graded yet:<\/strong> 01-a\.ipynb could not be graded because of a problem on the grading machine/);
      assert.match(ben, /Total: <strong>0\/0<\/strong>/, "no zero out of 5 for a machine failure");
      assert.ok(existsSync(path.join(out, "cy.html")));
    } finally {
      book.close();
    }
  });

  it("labels a student's page in Korean when they were graded on the Korean edition, and keeps the language in the gradebook", () => {
    const dir = tmpDir("report-ko");
    const book = new Gradebook(path.join(dir, "gradebook.sqlite"));
    try {
      book.bindAssignment("fp");
      const failed = rec("서연", "01-a.ipynb", [["q1", "failed", 0, 2], ["q2", "infrastructure_error", 0, 3]]);
      failed.rows[0].tests = [
        { name: "adds", hidden: false, status: "failed", message: "기댓값(정확히 같아야 해요): 6, 실제로 나온 값: 5\n다음 단계: 두 수를 더하세요", ms: 1 },
        { name: "secret", hidden: true, status: "failed", message: "not shown", ms: 1 },
      ];
      failed.cells = [
        { cellType: "code", source: "q1 tests", origin: "source", gradeId: "q1", question: "q1", status: "ok", ms: 1, outputs: [] },
        { cellType: "code", source: "answer", origin: "restored", gradeId: "q1-solution", status: "error", ms: 1, outputs: [] },
      ];
      book.save({ ...failed, lang: "ko" });
      book.save({ ...rec("ada", "01-a.ipynb", [["q1", "failed", 0, 2]]), lang: "en" });
      book.save(rec("old", "01-a.ipynb", [["q1", "passed", 2, 2]])); // written without a language: English
      const records = book.records();
      assert.deepStrictEqual(records.map((r) => [r.submission, r.lang]), [["ada", "en"], ["old", "en"], ["서연", "ko"]]);
      const ko = studentPage("서연", records.filter((r) => r.submission === "서연"));
      assert.match(ko, /<html lang="ko">/);
      assert.match(ko, /<title>서연: 피드백<\/title>/);
      assert.match(ko, /<h1>서연님의 피드백<\/h1>/);
      assert.match(ko, /<strong>아직 채점되지 않은 노트북:<\/strong> 01-a\.ipynb\./);
      assert.match(ko, /<p>총점: <strong>0\/2<\/strong><\/p>/);
      assert.match(ko, /<tr><th>문항<\/th><th>상태<\/th><th class="n">점수<\/th><th>이유<\/th><\/tr><tr><td>q1<\/td><td class="failed">실패<\/td>/);
      assert.match(ko, /<td class="infrastructure_error">채점 환경 오류<\/td>/);
      assert.match(ko, /<tr><th>결과<\/th><th>테스트<\/th><th>메시지<\/th><\/tr><tr><td class="failed">실패<\/td><td>adds<\/td><td><pre>기댓값\(정확히 같아야 해요\): 6, 실제로 나온 값: 5\n다음 단계: 두 수를 더하세요<\/pre>/);
      assert.match(ko, /<em>숨은 테스트\(hidden test\)<\/em>/);
      assert.match(ko, /<div class="tag">q1 테스트 <\/div>/);
      assert.match(ko, /<div class="tag">q1-solution \(과제 원본에서 복원함\) · 오류<\/div>/);
      assert.match(ko, /<strong>q1<\/strong>: <span class="failed">실패<\/span>, 0\/2점/);
      assert.doesNotMatch(ko, /Feedback for|Total:|<th>question<\/th>|hidden test<\/em>|not shown/);
      const en = studentPage("ada", records.filter((r) => r.submission === "ada"));
      assert.match(en, /<html lang="en">.*<h1>Feedback for ada<\/h1>.*<p>Total: <strong>0\/2<\/strong><\/p>.*<th>question<\/th><th>status<\/th>/s);
      assert.match(studentPage("old", records.filter((r) => r.submission === "old")), /<h1>Feedback for old<\/h1>/);
    } finally {
      book.close();
    }
  });

  it("can still inline plotly.js for a single self-contained file", () => {
    const page = classPage([rec("ada", "01-a.ipynb", [["q1", "passed", 2, 2]])], "inline");
    assert.ok(page.includes("plotly.js v"));
    assert.doesNotMatch(page, /<script[^>]+src=/);
  });
});
