/**
 * The class report and feedback pages from a real SQLite gradebook (no kernels): infrastructure
 * errors flagged and left out of statistics, per-notebook and per-question statistics, plotly.js
 * linked once beside a small page, and no student page that overwrites the report.
 */
import assert from "node:assert";
import { existsSync, readFileSync, statSync } from "fs";
import path from "path";
import { classPage, studentPageName, writeFeedback } from "../../grader/src/feedback";
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

  it("can still inline plotly.js for a single self-contained file", () => {
    const page = classPage([rec("ada", "01-a.ipynb", [["q1", "passed", 2, 2]])], "inline");
    assert.ok(page.includes("plotly.js v"));
    assert.doesNotMatch(page, /<script[^>]+src=/);
  });
});
