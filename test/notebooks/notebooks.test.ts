/**
 * Every lesson in notebooks/ must run top to bottom in a real tslab kernel, and be committed
 * with its outputs cleared (students run it themselves; outputs in git only make noisy diffs).
 * New lessons are picked up automatically. BERTLAB_NOTEBOOKS=00-setup,02-tokenization runs only those.
 * Lessons with their own test in test/lessons/ (which runs them with time budgets, figure and
 * library-check assertions) are only checked for cleared outputs here, so no lesson runs twice.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cellSource, readNotebook } from "../../src/notebook";
import { runNotebook } from "../../src/runner";

const dir = path.resolve(__dirname, "../../notebooks");
const only = (process.env.BERTLAB_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const lessonTests = readdirSync(path.resolve(__dirname, "../lessons"))
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => readFileSync(path.resolve(__dirname, "../lessons", f), "utf8"))
  .join("\n");
/** A lesson named in a test/lessons/ file is run there. */
const runElsewhere = (name: string) => only.length === 0 && lessonTests.includes(name.replace(/\.ipynb$/, ""));
const notebooks = readdirSync(dir)
  .filter((f) => f.endsWith(".ipynb"))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();

describe("lesson notebooks", () => {
  it("include the smoke notebook 00-setup.ipynb", function () {
    if (only.length > 0 && !only.some((name) => "00-setup.ipynb".startsWith(name))) this.skip();
    assert.ok(notebooks.includes("00-setup.ipynb"), `notebooks/ has ${notebooks.join(", ") || "nothing"}`);
  });

  for (const name of notebooks) {
    describe(name, () => {
      it("is committed with outputs cleared and the tslab kernel", async () => {
        const nb = await readNotebook(path.join(dir, name));
        assert.equal((nb.metadata.kernelspec as { name?: string } | undefined)?.name, "tslab");
        nb.cells.forEach((cell, i) => {
          if (cell.cell_type !== "code") return;
          assert.deepEqual(cell.outputs, [], `cell ${i} has outputs`);
          assert.equal(cell.execution_count, null, `cell ${i} has an execution count`);
        });
      });

      it("runs top to bottom through the runner", async function () {
        if (runElsewhere(name)) this.skip();
        this.timeout(10 * 60_000);
        const run = await runNotebook(path.join(dir, name), { timeoutMs: 5 * 60_000, env: { BERTLAB_QUIET: "1" } });
        const failed = run.cells.filter((c) => c.status !== "ok" && c.status !== "skipped");
        const report = failed
          .map((c) => `cell ${c.index} ${c.status}:\n${cellSource(run.notebook.cells[c.index]).slice(0, 300)}\n--- error ---\n${run.errors[c.index] ?? ""}`)
          .join("\n\n");
        assert.ok(run.ok, `${name} failed:\n${report}`);
      });
    });
  }
});
