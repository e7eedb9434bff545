import assert from "node:assert";
import { existsSync, readFileSync, readdirSync } from "fs";
import path from "path";
import { cellSource, codeCell, formatNotebook, newNotebook, readNotebook } from "../../src/notebook";
import { assign, checkSource, graderTestSource, releaseNotebook } from "../../grader/src/assign";
import { computeChecksum, nbgraderMeta } from "../../grader/src/nbgrader";
import { NOTEBOOK, SOLUTIONS, gradeIdOf, loadFixture, removeTmpDirs, tmpDir } from "./helpers";

const REPO = path.resolve(__dirname, "../..");
const nbg = (o: Record<string, unknown>) => ({ nbgrader: { grade: false, solution: false, locked: false, schema_version: 3, ...o } });

describe("grader: assign", () => {
  after(removeTmpDirs);
  it("turns solution regions into a typed stub and drops hidden tests", async () => {
    const { release } = await loadFixture();
    const sol = release.cells.find((c) => gradeIdOf(c) === "q1-solution")!;
    assert.strictEqual(cellSource(sol), 'function double(x: number): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}');
    const test = release.cells.find((c) => gradeIdOf(c) === "q1")!;
    assert.ok(!cellSource(test).includes("HIDDEN"), "hidden markers removed");
    assert.ok(!cellSource(test).includes("double(-3)"), "hidden test removed");
    assert.ok(cellSource(test).includes('it("doubles 2"'), "public test kept");
  });

  it("clears outputs, locks test and read-only cells, and sets checksums on the student version", async () => {
    const { release } = await loadFixture();
    for (const cell of release.cells) {
      if (cell.cell_type === "code") {
        assert.deepStrictEqual(cell.outputs, []);
        assert.strictEqual(cell.execution_count, null);
      }
      const meta = nbgraderMeta(cell)!;
      assert.strictEqual(meta.checksum, computeChecksum(cell), `checksum of ${meta.grade_id}`);
      if (meta.grade || meta.locked) assert.deepStrictEqual([cell.metadata.editable, cell.metadata.deletable], [false, false], meta.grade_id);
    }
  });

  it("keeps hidden tests for the grader, their markers turned into harness calls", async () => {
    const { source } = await loadFixture();
    const test = source.cells.find((c) => gradeIdOf(c) === "q1")!;
    const graded = graderTestSource(test, "x");
    assert.match(graded, /require\("bertlab\/check"\)\.markHidden\(true\);\n {2}it\("doubles a negative number"/);
    assert.match(graded, /markHidden\(false\);/);
  });

  it("writes exercises/ from solutions/ and is deterministic", async () => {
    const out = tmpDir("assign");
    const [r] = await assign(SOLUTIONS, out);
    assert.deepStrictEqual(r.questions.map((q) => [q.gradeId, q.points]), [["q1", 2], ["q2", 3], ["q3", 1]]);
    const again = formatNotebook(releaseNotebook(await readNotebook(path.join(SOLUTIONS, NOTEBOOK)), NOTEBOOK));
    assert.strictEqual(readFileSync(path.join(out, NOTEBOOK), "utf8"), again);
  });

  it("rejects source notebooks that break the conventions, naming cell and problem", () => {
    const bad = (cells: ReturnType<typeof codeCell>[]) => () => checkSource(newNotebook(cells), "hw.ipynb");
    assert.throws(bad([codeCell("x", nbg({ grade_id: "a" })), codeCell("y", nbg({ grade_id: "a" }))]), /hw.ipynb, cell 1: grade_id "a" is already used by cell 0/);
    assert.throws(bad([codeCell("// BEGIN SOLUTION\nx", nbg({ solution: true, grade_id: "s" }))]), /cell 0 \(s\), line 1: "\/\/ BEGIN SOLUTION" is never closed/);
    assert.throws(bad([codeCell('it("x", () => {})', nbg({ grade: true, grade_id: "q1", points: 1 }))]), /must register its tests with describe\("q1"/);
    assert.throws(
      bad([codeCell('describe("q1", () => {\n// BEGIN HIDDEN TESTS\nit("h", () => {});\n// END HIDDEN TESTS\n});', nbg({ grade: true, grade_id: "q1", points: 1 }))]),
      /needs at least one visible it\(\.\.\.\) test/,
    );
    assert.throws(bad([codeCell('describe("q1", () => {})', nbg({ grade: true, grade_id: "q1" }))]), /grade cell needs numeric points/);
    assert.throws(bad([codeCell("x", { nbgrader: { grade_id: "a", schema_version: 1 } })]), /schema_version must be 3, got 1/);
    assert.throws(bad([codeCell("// BEGIN SOLUTION\n// END SOLUTION", nbg({ grade_id: "a", locked: true }))]), /not a solution cell/);
    assert.throws(bad([codeCell("// BEGIN SOLUTION\n// END SOLUTION", {})]), /BEGIN markers but no nbgrader metadata/);
  });

  // The course's exercises/ must always be what `assign solutions/ --out exercises/` produces.
  it("exercises/ is up to date with solutions/", async function () {
    const solutions = path.join(REPO, "solutions");
    const names = existsSync(solutions) ? readdirSync(solutions).filter((f) => f.endsWith(".ipynb")) : [];
    if (names.length === 0) {
      console.log("      (solutions/ has no notebooks yet: nothing to compare)");
    }
    for (const name of names) {
      const expected = formatNotebook(releaseNotebook(await readNotebook(path.join(solutions, name)), name));
      const file = path.join(REPO, "exercises", name);
      assert.ok(existsSync(file), `exercises/${name} is missing: run npx bertlab-grader assign solutions/ --out exercises/`);
      assert.strictEqual(readFileSync(file, "utf8"), expected, `exercises/${name} is stale: run npx bertlab-grader assign solutions/ --out exercises/`);
    }
    const exercises = existsSync(path.join(REPO, "exercises")) ? readdirSync(path.join(REPO, "exercises")).filter((f) => f.endsWith(".ipynb")) : [];
    for (const name of exercises) assert.ok(names.includes(name), `exercises/${name} has no solutions/${name}`);
  });
});
