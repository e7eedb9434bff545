/**
 * `bertlab-grader release` (issue 16, Build 4): the student release holds the lessons, exercises,
 * library, data and model, and none of the solutions or hidden tests. Searched here with this test's
 * own reading of the solution notebooks (every solution region's and hidden test's longest line),
 * then one exercise is run inside the release; a course that leaks an answer into a lesson is refused.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cellSource, formatNotebook, readNotebook } from "../../src/notebook";
import { validate } from "../../grader/src/validate";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "grader/bin/bertlab-grader.js");

/** The longest line of every solution region and hidden test in the course's solutions. */
async function answerLines(): Promise<{ where: string; line: string }[]> {
  const found: { where: string; line: string }[] = [];
  for (const name of fs.readdirSync(path.join(ROOT, "solutions")).filter((n) => n.endsWith(".ipynb"))) {
    const nb = await readNotebook(path.join(ROOT, "solutions", name));
    for (const cell of nb.cells) {
      const text = cellSource(cell);
      for (const [begin, end] of [["// BEGIN SOLUTION", "// END SOLUTION"], ["// BEGIN HIDDEN TESTS", "// END HIDDEN TESTS"]]) {
        let at = text.indexOf(begin);
        while (at >= 0) {
          const stop = text.indexOf(end, at);
          const lines = text.slice(at + begin.length, stop).split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//"));
          const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
          if (longest.length >= 20) found.push({ where: `${name}: ${begin.slice(9)}`, line: longest });
          at = text.indexOf(begin, stop);
        }
      }
    }
  }
  return found;
}

function walk(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, r) : [r];
  });
}

describe("bertlab-grader release: what students get", function () {
  this.timeout(20 * 60_000);
  let tmp = "";
  let out = "";

  before(function () {
    if (!fs.existsSync(path.join(ROOT, "solutions"))) {
      console.log("      (skipped: this checkout has no solutions/)");
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-release-"));
    out = path.join(tmp, "release");
    const r = spawnSync(process.execPath, [CLI, "release", ROOT, "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /none holds any of the \d+ solution regions and hidden tests/);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("holds the lessons, the exercises, the library, the data and the model, and nothing instructors keep", () => {
    const files = walk(out);
    for (const dir of ["notebooks", "exercises", "src", "grader", "data/intents", "models/bertlab-mini", "patches"]) {
      assert.ok(files.some((f) => f.startsWith(`${dir}/`)), `${dir}/ is released`);
    }
    for (const name of fs.readdirSync(path.join(ROOT, "exercises")).filter((n) => n.endsWith(".ipynb"))) {
      assert.equal(fs.readFileSync(path.join(out, "exercises", name), "utf8"), fs.readFileSync(path.join(ROOT, "exercises", name), "utf8"), name);
    }
    for (const secret of ["solutions/", "notebooks/src/", "test/", "bench/", ".ci/", ".git/", "node_modules/"]) {
      assert.deepEqual(files.filter((f) => f.startsWith(secret)), [], `${secret} is not released`);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8")) as { scripts: Record<string, string> };
    for (const [name, cmd] of Object.entries(pkg.scripts)) {
      assert.doesNotMatch(cmd, /bench\/|test\/|build-notebooks|mocha/, `script ${name} needs instructor-only files`);
    }
    assert.ok(pkg.scripts.start && pkg.scripts.prepare, "npm install and npm start still work");
    assert.match(fs.readFileSync(path.join(out, "README.md"), "utf8"), /^> \*\*Student release\.\*\*/);
  });

  it("no released file holds a solution or a hidden test (searched for each one's longest line)", async () => {
    const answers = await answerLines();
    assert.ok(answers.length >= 20, `found ${answers.length} solution regions and hidden tests to search for`);
    const texts = walk(out)
      .map((f) => ({ f, b: fs.readFileSync(path.join(out, f)) }))
      .filter(({ b }) => !b.includes(0))
      .map(({ f, b }) => ({ f, t: b.toString("utf8") }));
    const leaks = answers.flatMap((a) => texts.filter(({ t }) => t.includes(a.line) || t.includes(JSON.stringify(a.line).slice(1, -1))).map(({ f }) => `${a.where} "${a.line.slice(0, 60)}" in ${f}`));
    assert.deepEqual(leaks, []);
  });

  it("an exercise runs inside the release: validate reports its points, zero before any answer", async () => {
    // The course's installed packages stand in for `npm install` in the release.
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"));
    const result = await validate(path.join(out, "exercises", "02-tokenization.ipynb"), { timeoutMs: 600_000 });
    assert.doesNotMatch(result.report, /Cannot find module|ENOENT/, result.report);
    assert.equal(result.total.score, 0, result.report);
    assert.ok(result.total.max > 0);
    assert.match(result.report, /Hidden tests are not run here/);
  });

  it("a course whose lesson holds an answer is refused, the question and file named, and nothing is written", async () => {
    const course = path.join(tmp, "leaky-course");
    fs.mkdirSync(path.join(course, "solutions"), { recursive: true });
    fs.mkdirSync(path.join(course, "notebooks"), { recursive: true });
    fs.writeFileSync(path.join(course, "package.json"), JSON.stringify({ name: "course", scripts: { test: "mocha test/**/*.ts", start: "node start.js" } }));
    const source = path.join(ROOT, "test/fixtures/grader/solutions/arith.ipynb");
    fs.copyFileSync(source, path.join(course, "solutions", "arith.ipynb"));
    const nb = await readNotebook(source);
    const solution = nb.cells.map(cellSource).find((s) => s.includes("// BEGIN SOLUTION") && s.includes("mean")) ?? assert.fail("no q2 solution in the fixture");
    const lesson = { ...nb, cells: [{ cell_type: "code" as const, id: "pasted", source: `// worked example\n${solution.replace(/\/\/ (BEGIN|END) SOLUTION\n?/g, "")}`, metadata: {}, outputs: [], execution_count: null }] };
    fs.writeFileSync(path.join(course, "notebooks", "lesson.ipynb"), formatNotebook(lesson));
    const target = path.join(tmp, "leaky-release");
    const r = spawnSync(process.execPath, [CLI, "release", course, "--out", target], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /would give away answers, so nothing was written/);
    assert.match(r.stderr, /solutions\/arith\.ipynb q2-solution \(solution\) appears in notebooks\/lesson\.ipynb/);
    assert.ok(!fs.existsSync(target), "no release folder");
    assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes(".tmp-")), [], "no temporary folder left");
    // Without the pasted answer the same course releases, and its package.json drops the script that needs tests.
    fs.rmSync(path.join(course, "notebooks", "lesson.ipynb"));
    const ok = spawnSync(process.execPath, [CLI, "release", course, "--out", target], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(Object.keys((JSON.parse(fs.readFileSync(path.join(target, "package.json"), "utf8")) as { scripts: object }).scripts), ["start"]);
    assert.ok(!fs.existsSync(path.join(target, "solutions")));
  });
});
