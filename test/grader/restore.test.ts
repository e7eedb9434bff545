import assert from "node:assert";
import { cellSource, codeCell } from "../../src/notebook";
import { restore } from "../../grader/src/restore";
import { gradeIdOf, loadFixture, perfect, withCell, withoutCell } from "./helpers";

describe("grader: restore", () => {
  it("uses the source's test cells, with hidden tests, for an untouched submission", async () => {
    const { source, release } = await loadFixture();
    const r = restore(source, perfect(source, release), "arith.ipynb");
    const q1 = r.cells.find((c) => c.question === "q1")!;
    assert.strictEqual(q1.origin, "source");
    assert.match(cellSource(q1.cell), /doubles a negative number/);
    assert.deepStrictEqual(r.notes, []);
    assert.deepStrictEqual([...r.questionNotes], []);
  });

  it("restores an edited test cell and says so", async () => {
    const { source, release } = await loadFixture();
    const r = restore(source, withCell(release, "q1", 'describe("q1", () => it("free", () => {}));'), "arith.ipynb");
    const q1 = r.cells.find((c) => c.question === "q1")!;
    assert.strictEqual(q1.origin, "restored");
    assert.doesNotMatch(cellSource(q1.cell), /free/);
    assert.deepStrictEqual(r.questionNotes.get("q1"), ['test cell "q1" was edited; the original was used']);
  });

  it("re-adds a deleted test cell at its place and reports a missing solution cell", async () => {
    const { source, release } = await loadFixture();
    const r = restore(source, withoutCell(withoutCell(perfect(source, release), "q2"), "q3-solution"), "arith.ipynb");
    const ids = r.cells.map((c) => gradeIdOf(c.cell));
    assert.deepStrictEqual(ids, ["intro", "setup", "q1-text", "q1-solution", "q1", "q2-text", "q2-solution", "q2", "q3-text", "q3"]);
    assert.strictEqual(r.cells[7].origin, "restored");
    assert.deepStrictEqual(r.questionNotes.get("q2"), ['test cell "q2" was deleted; it was re-added from the source']);
    assert.deepStrictEqual(r.notes, ['solution cell "q3-solution" is missing (deleted, or its grade_id was changed)']);
  });

  it("keeps the student's own cells after the cell they followed, and drops duplicated test cells", async () => {
    const { source, release } = await loadFixture();
    const nb = perfect(source, release);
    const q1 = nb.cells.findIndex((c) => gradeIdOf(c) === "q1");
    const cells = [...nb.cells];
    cells.splice(q1, 0, codeCell("console.log('scratch')"));
    cells.splice(q1 + 2, 0, { ...nb.cells[q1], source: "evil()" });
    const r = restore(source, { ...nb, cells }, "arith.ipynb");
    const i = r.cells.findIndex((c) => cellSource(c.cell) === "console.log('scratch')");
    assert.strictEqual(gradeIdOf(r.cells[i - 1].cell), "q1-solution");
    assert.strictEqual(r.cells.filter((c) => c.question === "q1").length, 1);
    assert.ok(!r.cells.some((c) => cellSource(c.cell) === "evil()"));
    assert.deepStrictEqual(r.notes, ['a duplicate of cell "q1" was dropped']);
  });
});
