import assert from "node:assert";
import { codeCell, markdownCell } from "../../src/notebook";
import { computeChecksum, findRegions, isLocked, pyFloatStr } from "../../grader/src/nbgrader";

const meta = (o: Record<string, unknown>) => ({ nbgrader: { grade: false, solution: false, locked: false, schema_version: 3, ...o } });

describe("grader: nbgrader metadata", () => {
  // Reference values from nbgrader's utils.compute_checksum algorithm run in Python (hashlib.md5).
  it("computes the same checksums as nbgrader", () => {
    assert.strictEqual(computeChecksum(codeCell('describe("q1", () => {\n  it("x", () => {});\n});', meta({ grade: true, grade_id: "q1", points: 2 }))), "41476d79958fd1737e7c9eec5c1aefc0");
    assert.strictEqual(
      computeChecksum(codeCell('function f(): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented");\n}', meta({ solution: true, grade_id: "q1-solution" }))),
      "945d0fd2c17d9a1fb86c017074b53e71",
    );
    assert.strictEqual(computeChecksum(markdownCell("# Title", meta({ locked: true, grade_id: "intro" }))), "f6c0b0ba5da2f9430b336efd7588f19b");
    assert.strictEqual(computeChecksum(codeCell("x", meta({ grade: true, locked: true, grade_id: "q2", points: 0.5 }))), "a3abc872b68813a03b89159131731154");
  });

  it("follows nbgrader's is_locked: grade cells always, solution cells never", () => {
    assert.strictEqual(isLocked(codeCell("", meta({ grade: true, grade_id: "a" }))), true);
    assert.strictEqual(isLocked(codeCell("", meta({ solution: true, locked: true, grade_id: "b" }))), false);
    assert.strictEqual(isLocked(codeCell("", {})), false);
  });

  it("prints points like Python's str(float(x))", () => {
    assert.deepStrictEqual([2, 0.5, 0, 1.25].map(pyFloatStr), ["2.0", "0.5", "0.0", "1.25"]);
  });

  it("names the line of an unbalanced marker", () => {
    assert.throws(() => findRegions(["a", "// BEGIN SOLUTION", "b"], "// BEGIN SOLUTION", "// END SOLUTION", "nb, cell 3"), /nb, cell 3, line 2: "\/\/ BEGIN SOLUTION" is never closed/);
    assert.throws(() => findRegions(["// END SOLUTION"], "// BEGIN SOLUTION", "// END SOLUTION", "x"), /line 1: "\/\/ END SOLUTION" without a matching/);
  });
});
