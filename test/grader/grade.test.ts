/**
 * End to end: one class of real submissions, honest and adversarial, graded in one parallel batch
 * by real sandboxed tslab kernels; then feedback, resume after kill -9, and validate.
 */
import assert from "node:assert";
import { spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import path from "path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { formatNotebook, readNotebook, type Notebook } from "../../src/notebook";
import { grade, type GradeSummary } from "../../grader/src/grade";
import { Gradebook } from "../../grader/src/gradebook";
import { writeFeedback } from "../../grader/src/feedback";
import { releaseNotebook } from "../../grader/src/assign";
import { validate } from "../../grader/src/validate";
import { NOTEBOOK, SOLUTIONS, cellSourceOf, removeTmpDirs, gradeIdOf, loadFixture, perfect, tmpDir, withCell, withoutCell, writeSubmission } from "./helpers";

const REPO = path.resolve(__dirname, "../..");
const DOUBLE = "function double(x: number): number {\n  return 2 * x;\n}";

type Row = { submission: string; notebook: string; grade_id: string; points: string; max_points: string; status: string; reason: string };

describe("grader: grade, end to end (real sandboxed kernels)", function () {
  after(removeTmpDirs);
  let rows: Row[] = [];
  let out = "";
  let summary: GradeSummary;
  const find = (student: string, q: string) => {
    const row = rows.find((r) => r.submission === student && r.grade_id === q);
    assert.ok(row, `no row for ${student} ${q}`);
    return row;
  };

  before(async function () {
    // Ten kernels on a shared 2-core machine: the per-cell limits below are what is tested, not mocha's.
    this.timeout(15 * 60_000);
    const { source, release } = await loadFixture();
    const good = perfect(source, release);
    const subs = tmpDir("class");
    out = tmpDir("out");
    const hiddenStore = path.join(SOLUTIONS, NOTEBOOK);
    const book = path.join(out, "gradebook.sqlite");
    const renameCell = (nb: Notebook, from: string, to: string): Notebook => ({
      ...nb,
      cells: nb.cells.map((c) => (gradeIdOf(c) === from ? { ...c, metadata: { ...c.metadata, nbgrader: { ...(c.metadata.nbgrader as object), grade_id: to } } } : c)),
    });
    const cases: Record<string, Notebook | string> = {
      perfect: good,
      unfilled: release,
      malformed: "{ this is not json",
      wrongformat: JSON.stringify({ ...good, nbformat: 3 }),
      // q1: edited test cell (and a wrong answer); q2: solution cell renamed; q3: test cell deleted.
      cells: withoutCell(renameCell(withCell(withCell(good, "q1-solution", "function double(x: number): number { return 0; }"), "q1", 'describe("q1", () => it("free points", () => {}));'), "q2-solution", "my-answer"), "q3"),
      // q1: an infinite loop; q2: process.exit(0); q3: process.kill(process.pid).
      crashes: withCell(
        withCell(withCell(good, "q1-solution", `${DOUBLE}\nwhile (true) {}`), "q2-solution", "function mean(xs: number[]): number { return 0; }\nprocess.exit(0);"),
        "q3-solution",
        "process.kill(process.pid);",
      ),
      // q1: V8 heap bomb; q2: Buffer bomb (outside the heap: RLIMIT_DATA).
      bombs: withCell(
        withCell(good, "q1-solution", `${DOUBLE}\nconst hog: number[][] = [];\nwhile (true) hog.push(new Array(1e6).fill(1.5));`),
        "q2-solution",
        // Inside a function: once the allocation fails, the Buffers it got are garbage. (Held in a notebook-level
        // binding instead, they would starve every later cell of the kernel, as they would in Jupyter.)
        "function mean(xs: number[]): number { return 1.5; }\nfunction hoard(): void {\n  const bufs: Buffer[] = [];\n  for (let i = 0; i < 64; i++) bufs.push(Buffer.allocUnsafe(2 ** 28));\n}\nhoard();",
      ),
      // q1: forged results; q2: reads the hidden-test store; q3: writes into the gradebook.
      tamper: withCell(
        withCell(
          withCell(
            good,
            "q1-solution",
            [
              "function double(x: number): number { return 0; }",
              'console.log("q1: 2/2 tests passed ✔\\n  ✔ pass  doubles 2\\n  2 passing");',
              'const fake = JSON.stringify({ v: 1, gradeId: "q1", seq: 1, registered: true, tests: [{ name: "doubles 2", hidden: false, status: "passed", message: "", ms: 0 }] });',
              'require("tslab").display.raw("application/vnd.bertlab.results+json", JSON.stringify({ payload: fake, mac: "0".repeat(64) }));',
              'setTimeout(() => require("tslab").display.raw("application/vnd.bertlab.results+json", JSON.stringify({ payload: fake, mac: "1".repeat(64) })), 1);',
              'describe("q1", () => it("always passes", () => {}));',
              'try { (require("assert") as { strictEqual: unknown }).strictEqual = () => {}; } catch (e) { console.log("patch failed: " + (e as Error).message); }',
            ].join("\n"),
          ),
          "q2-solution",
          `let leaked = "";\ntry { leaked = require("fs").readFileSync(${JSON.stringify(hiddenStore)}, "utf8"); } catch (e) { console.log("read failed: " + (e as Error).message); }\nconsole.log("leaked " + leaked.length + " characters");\nfunction mean(xs: number[]): number { return leaked.includes("mean of tenths") ? xs.reduce((a, b) => a + b, 0) / xs.length : 0; }`,
        ),
        "q3-solution",
        `async function words(text: string): Promise<string[]> { return text.split(/\\s+/).filter((w) => w.length > 0); }\nfor (const f of [${JSON.stringify(book)}, ${JSON.stringify(path.join(out, "grades.csv"))}]) {\n  try { require("fs").writeFileSync(f, "pwned"); console.log("wrote " + f); } catch (e) { console.log("write failed: " + (e as Error).message); }\n}\ntry { const Db = require("better-sqlite3"); new Db(":memory:").exec("ATTACH DATABASE '${book}' AS g; DELETE FROM g.grades"); console.log("SQLITE" + "-OPENED"); } catch (e) { console.log("sqlite failed: " + (e as Error).message); }`,
      ),
      // q1: hooks Buffer#toString to read the grader's next cell as tslab decodes it, steals the one-time
      // token and registers a fake passing test before the real test cell runs.
      hijack: withCell(
        good,
        "q1-solution",
        [
          "function double(x: number): number { return 0; }",
          // bertlab exports no deep paths, so the attack names the file itself.
          'const harness = require(require("path").join(require("path").dirname(require.resolve("bertlab")), "check/grading"));',
          'const fake = require("bertlab/check");',
          "const toStr = Buffer.prototype.toString;",
          "Buffer.prototype.toString = function (this: Buffer, ...args: unknown[]): string {",
          "  const text: string = (toStr as (...a: unknown[]) => string).apply(this, args);",
          '  const m = text.includes(".open(") ? /([0-9a-f]{64})/.exec(text) : null;',
          "  if (m) {",
          "    Buffer.prototype.toString = toStr;",
          '    try { harness.open("q1", m[1]); fake.describe("q1", () => fake.it("stolen", () => {})); console.log("HIJACKED"); } catch (e) { console.log("hijack failed: " + (e as Error).message); }',
          "  }",
          "  return text;",
          "} as typeof toStr;",
        ].join("\n"),
      ),
      // q1: a TypeScript type error tslab refuses; q2: an unhandled rejection; q3: 10 MB of output.
      // q2's cell fails before it defines its function and leaves the kernel poisoned, so q3's cell then ends the
      // kernel: q3 is retried in a fresh kernel without q2's failed cell, and passes. (A function defined *above* the
      // throw would be kept, as IPython keeps it, and q2 would pass.)
      poisoned: withCell(
        withCell(good, "q2-solution", `(globalThis as Record<string, unknown>).poisoned = true;\nthrow new Error("left the kernel poisoned");\n${cellSourceOf(good, "q2-solution")}`),
        "q3-solution",
        `if ((globalThis as Record<string, unknown>).poisoned) process.exit(3);\n${cellSourceOf(good, "q3-solution")}`,
      ),
      mixed: withCell(
        withCell(withCell(good, "q1-solution", 'function double(x: number): number {\n  return "two";\n}'), "q2-solution", `${cellSourceOf(good, "q2-solution")}\nPromise.reject(new Error("boom"));`),
        "q3-solution",
        `${cellSourceOf(good, "q3-solution")}\nconsole.log("x".repeat(10 * 2 ** 20));`,
      ),
    };
    for (const [student, nb] of Object.entries(cases)) writeSubmission(subs, student, nb);
    summary = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 3, timeoutMs: 5000, heapMb: 256, dataMb: 1024, quiet: true });
    rows = parse(readFileSync(summary.csv, "utf8"), { columns: true }) as Row[];
  });

  it("grades every submission: 3 rows each, nothing lost or doubled", () => {
    assert.strictEqual(rows.length, 11 * 3);
    assert.strictEqual(new Set(rows.map((r) => `${r.submission}/${r.grade_id}`)).size, rows.length);
    for (const r of rows) assert.ok(r.reason.length > 0, `${r.submission} ${r.grade_id} has a reason`);
  });

  it("gives the solutions full marks and the unfilled exercise zero", () => {
    for (const q of ["q1", "q2", "q3"]) {
      assert.strictEqual(find("perfect", q).status, "passed");
      assert.strictEqual(find("perfect", q).points, find("perfect", q).max_points);
      assert.strictEqual(find("unfilled", q).status, "failed");
      assert.strictEqual(find("unfilled", q).points, "0");
    }
    assert.match(find("unfilled", "q1").reason, /"doubles 2": Error: not implemented/);
  });

  it("marks unreadable notebooks invalid with the parse error", () => {
    assert.strictEqual(find("malformed", "q1").status, "invalid");
    assert.match(find("malformed", "q1").reason, /not valid JSON at line 1/);
    assert.strictEqual(find("wrongformat", "q2").status, "invalid");
    assert.match(find("wrongformat", "q2").reason, /nbformat/);
  });

  it("restores edited and deleted test cells, and survives a renamed solution cell", () => {
    assert.strictEqual(find("cells", "q1").status, "failed");
    assert.match(find("cells", "q1").reason, /test cell "q1" was edited; the original was used/);
    assert.strictEqual(find("cells", "q2").status, "passed");
    assert.strictEqual(find("cells", "q3").status, "passed");
    assert.match(find("cells", "q3").reason, /test cell "q3" was deleted; it was re-added/);
  });

  it("stops an infinite loop, process.exit and a self-kill, each costing only its question", () => {
    assert.strictEqual(find("crashes", "q1").status, "timeout");
    assert.match(find("crashes", "q1").reason, /cell 3 \(q1-solution\) ran longer than 5 s/);
    assert.strictEqual(find("crashes", "q2").status, "crashed");
    assert.match(find("crashes", "q2").reason, /q2-solution\) stopped the kernel/);
    assert.strictEqual(find("crashes", "q3").status, "crashed");
    assert.match(find("crashes", "q3").reason, /q3-solution\) stopped the kernel/);
  });

  it("caps memory: a heap bomb ends its kernel, a Buffer bomb fails to allocate", () => {
    const heap = find("bombs", "q1");
    assert.ok(["crashed", "timeout"].includes(heap.status), heap.status);
    // The allocation fails in the solution cell (RangeError), which costs q2 only.
    const buffer = find("bombs", "q2");
    assert.ok(["error", "failed"].includes(buffer.status), `${buffer.status}: ${buffer.reason}`);
    assert.strictEqual(buffer.points, "0");
    assert.match(buffer.reason, /q2-solution\) failed: RangeError: Array buffer allocation failed/);
    assert.strictEqual(find("bombs", "q3").status, "passed", find("bombs", "q3").reason);
  });

  it("retries a cell that ended the kernel after an earlier cell failed, in a fresh kernel without the failed cell", () => {
    assert.notStrictEqual(find("poisoned", "q2").status, "passed");
    assert.match(find("poisoned", "q2").reason, /left the kernel poisoned/);
    assert.strictEqual(find("poisoned", "q3").status, "passed", find("poisoned", "q3").reason);
    assert.strictEqual(find("poisoned", "q1").status, "passed");
  });

  it("ignores forged results, fake registrations and patched assertions", () => {
    const q1 = find("tamper", "q1");
    assert.strictEqual(q1.status, "failed");
    assert.strictEqual(q1.points, "0");
    assert.match(q1.reason, /"doubles 2": expected to be exactly 4, got 0/);
    assert.doesNotMatch(q1.reason, /always passes/);
  });

  it("keeps the hidden tests and the gradebook out of the student's reach", () => {
    assert.strictEqual(find("tamper", "q2").status, "failed");
    const graded = readFileSync(path.join(out, "graded", "tamper", NOTEBOOK), "utf8");
    assert.match(graded, /read failed: Access to this API has been restricted/);
    assert.match(graded, /leaked 0 characters/);
    assert.strictEqual(find("tamper", "q3").status, "passed");
    assert.match(graded, /write failed: /);
    assert.doesNotMatch(graded, /wrote \//);
    assert.doesNotMatch(graded, /SQLITE-OPENED/);
    const db = new Database(path.join(out, "gradebook.sqlite"), { readonly: true });
    assert.strictEqual((db.prepare("SELECT COUNT(*) AS n FROM grades").get() as { n: number }).n, rows.length);
    db.close();
  });

  it("cannot be hijacked with a token stolen from the grader's own cell", () => {
    const q1 = find("hijack", "q1");
    assert.strictEqual(q1.status, "error");
    assert.strictEqual(q1.points, "0");
    assert.match(q1.reason, /token for q1 was already used/);
    assert.match(readFileSync(path.join(out, "graded", "hijack", NOTEBOOK), "utf8"), /HIJACKED/, "the attack did run");
    assert.strictEqual(find("hijack", "q2").status, "passed");
  });

  it("reports a TypeScript type error tslab refused; survives an unhandled rejection and 10 MB of output", () => {
    assert.strictEqual(find("mixed", "q1").status, "error");
    assert.match(find("mixed", "q1").reason, /Type 'string' is not assignable to type 'number'/);
    assert.strictEqual(find("mixed", "q2").status, "passed");
    assert.strictEqual(find("mixed", "q3").status, "passed");
    const graded = path.join(out, "graded", "mixed", NOTEBOOK);
    assert.ok(statSync(graded).size < 1_000_000, `stored notebook is ${statSync(graded).size} bytes`);
    assert.match(readFileSync(graded, "utf8"), /more characters of output cut by the grader/);
  });

  it("writes feedback pages that never show hidden tests' code or values, and a small class report with plotly.js beside it", async () => {
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    const fb = await writeFeedback(book, path.join(out, "feedback"));
    book.close();
    assert.strictEqual(fb.students, new Set(rows.map((r) => r.submission)).size);
    for (const student of ["perfect", "unfilled", "tamper", "cells"]) {
      const html = readFileSync(path.join(out, "feedback", `${student}.html`), "utf8");
      assert.match(html, /doubles a negative number/, "hidden test names are listed");
      assert.doesNotMatch(html, /double\(-3\)|-6\)|0\.1, 0\.2, 0\.3|markHidden|HIDDEN TESTS/, `${student}: hidden test code or values leaked`);
    }
    const unfilled = readFileSync(path.join(out, "feedback", "unfilled.html"), "utf8");
    assert.match(unfilled, /replace the `throw new Error\(&quot;not implemented&quot;\)` line/);
    const index = readFileSync(path.join(out, "feedback", "index.html"), "utf8");
    assert.ok(index.includes('Plotly.newPlot("scores"'), "charts drawn with plotly");
    assert.ok(readFileSync(path.join(out, "feedback", "plotly.min.js"), "utf8").includes("plotly.js v"), "plotly.js copied beside the report");
    assert.deepStrictEqual([...index.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]), ["plotly.min.js"], "only the local copy, no CDN");
    assert.ok(statSync(path.join(out, "feedback", "index.html")).size < 200_000, "the page itself stays small");
  });

  it("resumes after kill -9 and grades only what is missing", async function () {
    const { source, release } = await loadFixture();
    const subs = tmpDir("resume");
    for (const s of ["r1", "r2", "r3"]) writeSubmission(subs, s, perfect(source, release));
    const rout = tmpDir("resume-out");
    const cli = path.join(REPO, "grader", "src", "cli.ts");
    const child = spawn(process.execPath, ["--import", "tsx", cli, "grade", subs, "--assignment", SOLUTIONS, "--out", rout, "--jobs", "1", "--json"], { stdio: "ignore" });
    const dbFile = path.join(rout, "gradebook.sqlite");
    const graded = () => {
      if (!existsSync(dbFile)) return 0;
      try {
        const db = new Database(dbFile, { readonly: true });
        try {
          return (db.prepare("SELECT COUNT(*) AS n FROM submissions").get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 90_000;
    while (graded() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // The killed run's kernels must not outlive it (they would hold CPU and memory forever).
    const survivors = async () => {
      await new Promise((r) => setTimeout(r, 2500));
      return readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(rout);
          } catch {
            return false;
          }
        });
    };
    assert.deepStrictEqual(await survivors(), [], "kernels of the killed run are gone");
    const before = graded();
    assert.ok(before >= 1 && before < 3, `killed after ${before} notebooks`);
    const again = await grade({ submissions: subs, assignment: SOLUTIONS, out: rout, jobs: 2, quiet: true });
    assert.strictEqual(again.skipped, before);
    assert.strictEqual(again.graded, 3 - before);
    const csv = parse(readFileSync(again.csv, "utf8"), { columns: true }) as Row[];
    assert.strictEqual(csv.length, 9);
    assert.ok(csv.every((r) => r.status === "passed"));
    assert.deepStrictEqual(readdirSync(rout).filter((f) => f.startsWith(".work")), [], "working copies cleaned up, the killed run's too");
  });

  it("also confines kernels with Node's permission model alone, and warns what that leaves readable", async function () {
    const { source, release } = await loadFixture();
    const subs = tmpDir("node-mode");
    const nout = tmpDir("node-out");
    const leak = `let leaked = "";\nfor (const p of [${JSON.stringify(path.join(SOLUTIONS, NOTEBOOK))}, "../../grades.csv"]) { try { leaked += require("fs").readFileSync(p, "utf8"); } catch (e) { console.log("read failed: " + (e as Error).message); } }\ntry { require("child_process").execSync("id"); console.log("SPAWNED"); } catch (e) { console.log("spawn failed: " + (e as Error).message); }\ntry { require("fs").writeFileSync(${JSON.stringify(path.join(nout, "x"))}, "x"); console.log("WROTE"); } catch (e) { console.log("write failed: " + (e as Error).message); }\ntry { process.kill(process.ppid, "SIGCONT"); console.log("SIGNALLED"); } catch (e) { console.log("kill failed: " + (e as Error).message); }\nfunction double(x: number): number { return leaked.includes("doubles a negative") ? 2 * x : 0; }`;
    writeSubmission(subs, "perfect", perfect(source, release));
    writeSubmission(subs, "snoop", withCell(perfect(source, release), "q1-solution", leak));
    const res = await grade({ submissions: subs, assignment: SOLUTIONS, out: nout, sandbox: "node", quiet: true });
    assert.match(res.sandbox, /Node permission model/);
    assert.ok(res.warnings.some((w) => w.includes(SOLUTIONS)), res.warnings.join("\n"));
    const csv = parse(readFileSync(res.csv, "utf8"), { columns: true }) as Row[];
    assert.deepStrictEqual(csv.map((r) => `${r.submission} ${r.grade_id} ${r.status}`), ["perfect q1 passed", "perfect q2 passed", "perfect q3 passed", "snoop q1 failed", "snoop q2 passed", "snoop q3 passed"]);
    const graded = readFileSync(path.join(nout, "graded", "snoop", NOTEBOOK), "utf8");
    assert.strictEqual((graded.match(/read failed: Access to this API has been restricted/g) ?? []).length, 2);
    assert.doesNotMatch(graded, /SPAWNED\\n|WROTE\\n|SIGNALLED\\n/);
    assert.match(graded, /kill failed: process.kill: only this kernel's own process may be signalled/);
  });

  it("validate: the fixture's solutions pass every test; its exercise fails with messages", async () => {
    const result = await validate(path.join(SOLUTIONS, NOTEBOOK));
    assert.ok(result.ok, result.report);
    assert.match(result.report, /q2: 2\/2 tests passed ✔, 3\/3 points/);
    assert.equal(result.total.score, result.total.max);
    assert.ok(result.total.max > 0);
    assert.match(result.report, new RegExp(`Points from the tests run here: ${result.total.max}/${result.total.max} \\(q1 `));
    assert.equal(result.hiddenTestsRun, true, "the instructor's source holds its hidden tests");
    assert.match(result.report, /Hidden tests: included in this notebook, and run\./);
  });

  it("validate on the student's copy: points per question and the total, and says hidden tests are not run", async () => {
    const { source, release } = await loadFixture();
    // Beside the fixture's solutions, so that `bertlab/check` resolves as it does in a checkout.
    const dir = mkdtempSync(path.join(SOLUTIONS, "..", ".validate-"));
    try {
      const file = path.join(dir, NOTEBOOK);
      writeFileSync(file, formatNotebook(release));
      const result = await validate(file);
      assert.equal(result.ok, false, "the unfinished exercise does not pass");
      assert.equal(result.hiddenTestsRun, false);
      assert.equal(result.total.score, 0);
      assert.equal(result.points.length, result.questions.length);
      assert.match(result.report, /Points from the tests run here: 0\/\d+ \(q1 0\//);
      assert.match(result.report, /Hidden tests are not run here: the grader runs more tests than this notebook shows/);
      // The Korean edition's copy (metadata bertlab.lang "ko") gets the summary in Korean.
      const koFile = path.join(dir, "ko.ipynb");
      writeFileSync(koFile, formatNotebook({ ...release, metadata: { ...release.metadata, bertlab: { lang: "ko" } } }));
      const koResult = await validate(koFile);
      assert.match(koResult.report, /여기서 실행한 테스트로 받은 점수: 0\/\d+ \(q1 0\//);
      assert.match(koResult.report, /숨은 테스트\(hidden test\)는 여기서 실행하지 않아요/);
      assert.match(koResult.report, /, 0\/2점/);
      const perfectFile = path.join(dir, "perfect.ipynb");
      writeFileSync(perfectFile, formatNotebook(perfect(source, release)));
      const full = await validate(perfectFile);
      assert.equal(full.ok, true, full.report);
      assert.equal(full.total.score, full.total.max);
      // The CLI prints the same report; --help explains the command instead of failing.
      const help = spawnSync(process.execPath, [path.join(__dirname, "../../grader/bin/bertlab-grader.js"), "validate", "--help"], { encoding: "utf8" });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /usage: bertlab-grader validate <notebook\.ipynb>/);
      assert.match(help.stdout, /hidden tests too/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // "Done when": every course solution gets full marks and its generated exercise gets zero.
  it("every notebook in solutions/ gets full marks, and its exercise zero", async function () {
    // Twelve notebooks, one of which trains a model: on a busy 2-core machine this takes minutes. The limits
    // are generous because this test is about what the solutions score, not how fast the machine is.
    this.timeout(30 * 60_000);
    const dir = path.join(REPO, "solutions");
    const names = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ipynb")) : [];
    if (names.length === 0) {
      console.log("      (solutions/ has no notebooks yet)");
      return;
    }
    const subs = tmpDir("course");
    for (const name of names) {
      const source = await readNotebook(path.join(dir, name));
      const release = releaseNotebook(source, name);
      for (const [student, nb] of [["solution", perfect(source, release)], ["exercise", release]] as const) {
        require("fs").mkdirSync(path.join(subs, student), { recursive: true });
        require("fs").writeFileSync(path.join(subs, student, name), require("../../src/notebook").formatNotebook(nb));
      }
    }
    const res = await grade({ submissions: subs, assignment: dir, out: tmpDir("course-out"), quiet: true, timeoutMs: 600_000, allowRead: [path.join(REPO, "data"), path.join(REPO, "models")] });
    const all = parse(readFileSync(res.csv, "utf8"), { columns: true }) as Row[];
    // Answers in words (nbgrader's manually graded answers) wait for the instructor; the rest pass.
    for (const r of all.filter((r) => r.submission === "solution")) assert.strictEqual(r.status, /-answer$/.test(r.grade_id) ? "manual" : "passed", `${r.notebook} ${r.grade_id}: ${r.reason}`);
    for (const r of all.filter((r) => r.submission === "exercise")) assert.strictEqual(r.points, "0", `${r.notebook} ${r.grade_id} exercise scored`);
  });
});
