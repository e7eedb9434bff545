/**
 * Issue 14, failure 4: per-cell time limits from the notebook's metadata, a default that lets the lessons pass,
 * and a timeout message that names the cell and says what to look for.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { codeCell, newNotebook } from "../../src/notebook";
import { cellTimeoutMs, DEFAULT_CELL_TIMEOUT_MS, runNotebook } from "../../src/runner";
import { outsideDir, cleanupOutside } from "./helpers";

describe("kernel robustness: time limits", function () {
  this.timeout(300_000);

  it("cellTimeoutMs: the caller's fixed limit, else the cell's or the notebook's bertlab.timeout (capped), else the default", () => {
    const nb = newNotebook([codeCell("1"), codeCell("2", { bertlab: { timeout: 30 } }), codeCell("3", { bertlab: { timeout: "soon" } })]);
    assert.equal(cellTimeoutMs(nb, 0), DEFAULT_CELL_TIMEOUT_MS);
    assert.ok(DEFAULT_CELL_TIMEOUT_MS >= 15 * 60_000, "the default leaves room for lesson 06's training on a slow laptop");
    assert.equal(cellTimeoutMs(nb, 1), 30_000);
    assert.equal(cellTimeoutMs(nb, 2), DEFAULT_CELL_TIMEOUT_MS, "a malformed value is ignored");
    nb.metadata.bertlab = { timeout: 600 };
    assert.equal(cellTimeoutMs(nb, 0), 600_000);
    assert.equal(cellTimeoutMs(nb, 0, { maxTimeoutMs: 120_000 }), 120_000, "a grader caps what a notebook may ask for");
    assert.equal(cellTimeoutMs(nb, 1, { maxTimeoutMs: 120_000 }), 30_000);
    assert.equal(cellTimeoutMs(nb, 0, { timeoutMs: 5_000 }), 5_000, "an explicit --timeout wins");
    assert.equal(cellTimeoutMs(newNotebook([codeCell("1")]), 0, { defaultTimeoutMs: 7_000 }), 7_000);
  });

  it("honours the notebook's bertlab.timeout, and names the cell and the cause instead of tslab's SIGINT stack", async () => {
    const dir = outsideDir("timeout");
    try {
      // The first cell's own metadata gives it room to start under load; the notebook's 1.5 s applies to the loop.
      const nb = newNotebook([codeCell(`const n = 1;`, { bertlab: { timeout: 300 } }), codeCell(`// spins forever\nwhile (true) {}`)]);
      nb.metadata.bertlab = { timeout: 1.5 };
      const run = await runNotebook(nb, { cwd: dir, startupTimeoutMs: 180_000 });
      assert.deepEqual(run.cells.map((c) => c.status), ["ok", "timeout"]);
      const error = run.errors[1];
      assert.match(error, /^cell 1 \(`while \(true\) \{\}`\) ran longer than its 1\.5 s limit and was interrupted\. Look for a loop that never ends/);
      assert.match(error, /bertlab\.timeout/);
      assert.doesNotMatch(error, /interrupted by `?SIGINT`?|node:vm|tslab[\\/]dist/);
    } finally {
      cleanupOutside(dir);
    }
  });
  it("an endless loop inside check() is interrupted with one line naming the question and the test", async () => {
    // In the checkout (bertlab/check resolves from here); the runner writes nothing into the folder.
    const cwd = path.resolve(__dirname, "../../notebooks");
    const nb = newNotebook([
      codeCell(`import { describe, it, check } from "bertlab/check";\nfunction slowDouble(x: number): number { while (true) {} }`, { bertlab: { timeout: 300 } }),
      codeCell(`describe("q1", () => { it("doubles 2", () => { slowDouble(2); }); });`, { bertlab: { timeout: 300 } }),
      codeCell(`await check("q1");`),
    ]);
    nb.metadata.bertlab = { timeout: 3 };
    const run = await runNotebook(nb, { cwd, startupTimeoutMs: 180_000, env: { BERTLAB_QUIET: "1" } });
    assert.deepEqual(run.cells.map((c) => c.status), ["ok", "ok", "timeout"]);
    const cell = run.notebook.cells[2];
    const stderr = (cell.cell_type === "code" ? cell.outputs ?? [] : []).map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : "")).join("");
    assert.match(stderr, /KeyboardInterrupt.*while running q1, test "doubles 2" \(look for an endless loop/);
    assert.doesNotMatch(stderr, /node:vm|tslab[\\/]dist|at runTests/);
  });
});
