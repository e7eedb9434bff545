/**
 * Delegation detection in a student's own kernel (self-check, no grader): while a question's tests run, a call to
 * a bertlab function its test cell forbids fails with "qN must be solved without calling `name`", and the test
 * cell's own reference calls still work. (Graded for real in disarm.test.ts.)
 */
import assert from "node:assert";
import * as harness from "../../src/check";
import * as bertlab from "../../src";

describe("check: referenceLibrary and delegation detection (self-check mode)", () => {
  it("fails a test whose answer calls the forbidden function, and lets the reference call it", async () => {
    const lib = harness.referenceLibrary("t-deleg", { without: ["maxMatch"] });
    const vocab = new Set(["un", "##aff", "##able"]);
    const delegating = (word: string): string[] => bertlab.maxMatch(word, vocab as never);
    const ownLoop = (): string[] => ["un", "##aff", "##able"];
    harness.describe("t-deleg", () => {
      harness.it("delegates", () => assert.deepStrictEqual(delegating("unaffable"), lib.maxMatch("unaffable", vocab as never)));
      harness.it("own loop", () => assert.deepStrictEqual(ownLoop(), lib.maxMatch("unaffable", vocab as never)));
    });
    const report = await harness.checkReport("t-deleg");
    assert.deepStrictEqual(report.results.map((r) => r.status), ["failed", "passed"]);
    assert.match(report.results[0].message, /^t-deleg must be solved without calling `maxMatch`\nNext: write the steps yourself/);
  });

  it("outside that question's tests the function works as usual", () => {
    assert.deepStrictEqual(bertlab.maxMatch("unaffable", new Set(["un", "##aff", "##able"]) as never), ["un", "##aff", "##able"]);
  });

  it("refuses a name that is not a bertlab function", () => {
    assert.throws(() => harness.referenceLibrary("t-bad", { without: ["noSuchFunction"] }), /bertlab has no function named "noSuchFunction"/);
  });
});
