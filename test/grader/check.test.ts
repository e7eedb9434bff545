import assert from "node:assert";
import * as harness from "../../src/check";
import { runTests } from "../../src/check/run";
import { renderHtml } from "../../src/check/table";

describe("check: the in-notebook test harness", () => {
  it("reports expected vs actual and a next step, without a stack trace", async () => {
    harness.describe("t-msg", () => {
      harness.it("adds", () => assert.strictEqual(2 + 3, 6));
      harness.it("lists", () => assert.deepStrictEqual([1, 2], [1, 3]), "check the second element");
      harness.it("passes", () => assert.ok(true));
    });
    const report = await harness.checkReport("t-msg");
    assert.deepStrictEqual(report.results.map((r) => r.status), ["failed", "failed", "passed"]);
    assert.strictEqual(report.results[0].message.split("\n")[0], "expected to be exactly 6, got 5");
    assert.match(report.results[0].message, /^Next: /m);
    assert.strictEqual(report.results[1].message, "expected to deeply equal [ 1, 3 ], got [ 1, 2 ]\nNext: check the second element");
    for (const r of report.results) assert.doesNotMatch(r.message, /\n\s+at /, "no stack frames");
  });

  it("compares numbers with a tolerance", async () => {
    harness.describe("t-close", () => {
      harness.it("within", () => harness.closeTo(0.1 + 0.2, 0.3));
      harness.it("arrays", () => harness.closeTo([1, [2, 3.0000001]], [1, [2, 3]]));
      harness.it("off", () => harness.closeTo([1, 2.5], [1, 2], { atol: 0.1 }));
    });
    const report = await harness.checkReport("t-close");
    assert.deepStrictEqual(report.results.map((r) => r.status), ["passed", "passed", "failed"]);
    assert.match(report.results[2].message, /expected 2 at \[1\], got 2\.5 \(atol 0\.1, rtol 0\.00001\)/);
  });

  it("turns exceptions into one line, with a hint for the unfilled stub", async () => {
    harness.describe("t-err", () => {
      harness.it("stub", () => {
        throw new Error("not implemented");
      });
      harness.it("crash", () => {
        (undefined as unknown as { x: number }).x;
      });
    });
    const [stub, crash] = (await harness.checkReport("t-err")).results;
    assert.strictEqual(stub.status, "failed");
    assert.match(stub.message, /replace the `throw new Error\("not implemented"\)` line/);
    assert.strictEqual(crash.status, "error");
    assert.match(crash.message, /^your code threw TypeError: Cannot read properties of undefined/);
    assert.doesNotMatch(crash.message, /\n\s+at /);
  });

  it("replaces a question's tests when its cell runs again, and names nested describes", async () => {
    harness.describe("t-re", () => harness.it("old", () => assert.fail("old")));
    harness.describe("t-re", () => harness.describe("group", () => harness.it("new", () => {})));
    const report = await harness.checkReport("t-re");
    assert.deepStrictEqual(report.results.map((r) => [r.name, r.status]), [["group > new", "passed"]]);
  });

  it("marks tests between the hidden markers as hidden", async () => {
    harness.describe("t-hidden", () => {
      harness.it("public", () => {});
      harness.markHidden(true);
      harness.it("secret", () => {});
      harness.markHidden(false);
    });
    assert.deepStrictEqual((await harness.checkReport("t-hidden")).results.map((r) => r.hidden), [false, true]);
  });

  it("stops an async test that never settles", async () => {
    const [r] = await runTests([{ name: "hangs", hidden: false, fn: () => new Promise<void>(() => {}) }], 50);
    assert.strictEqual(r.status, "failed");
    assert.match(r.message, /"hangs" did not finish within 0.05 s/);
  });

  it("says what to do when a question has no tests yet, and escapes HTML", async () => {
    const report = await harness.checkReport("t-none");
    assert.match(report.problem!, /no tests registered for "t-none"; run its test cell/);
    const html = renderHtml({ gradeId: "q<1>", results: [{ name: "<script>", hidden: false, status: "failed", message: "a & b", ms: 0 }] });
    assert.ok(html.includes("&lt;script&gt;") && html.includes("a &amp; b") && !html.includes("<script>"));
  });

  it("rejects it() outside describe() with a clear message", () => {
    assert.throws(() => harness.it("lonely", () => {}), /must be called inside describe\("<grade_id>"/);
  });
});
