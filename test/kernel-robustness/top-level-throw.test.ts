/**
 * Issue 16, item 6: a cell that throws at top level used to lose every declaration it made, even those before
 * the throw, so the next cell said "Cannot find name 'bertMask'" with no reason a student could see. With the
 * patched tslab (patches/, revision 3) a cell keeps what it defined before the error, as IPython does, and a
 * name the error cut off is explained in plain words where it is used.
 */
import assert from "node:assert/strict";
import { codeCell, newNotebook, type NbOutput } from "../../src/notebook";
import { runNotebook } from "../../src/runner";

const textOf = (outputs: NbOutput[], name: "stdout" | "stderr") =>
  outputs.filter((o): o is Extract<NbOutput, { output_type: "stream" }> => o.output_type === "stream" && o.name === name).map((o) => String(o.text)).join("");

describe("kernel robustness: a cell that throws at top level", function () {
  this.timeout(240_000);

  it("keeps the declarations made before the error; a name after it is explained, not just 'Cannot find name'", async () => {
    const nb = newNotebook([
      codeCell(`function bertMask(n: number): number[] { return Array.from({ length: n }, () => 1); }\nconst width = 3;\nclass Box { constructor(readonly v: number) {} }\nthrow new Error("step 2 is not implemented");\nconst afterThrow = 2;\nlet [p, q] = [1, 2];`),
      codeCell(`console.log(bertMask(width).join(","), new Box(7).v)`),
      codeCell(`afterThrow + p`),
      codeCell(`const afterThrow = 5;\nafterThrow`),
      codeCell(`console.log(afterThrow * 2)`),
      codeCell(`async function later() { throw new Error("async failure"); }\nconst before = "kept";\nawait later();\nconst missed = 1;`),
      codeCell(`console.log(before); missed`),
    ]);
    const run = await runNotebook(nb, { timeoutMs: 120_000, stopOnError: false });
    const out = (i: number) => run.notebook.cells[i].outputs ?? [];
    assert.match(textOf(out(0), "stderr"), /Error: step 2 is not implemented/);
    assert.equal(textOf(out(1), "stdout"), "1,1,1 7\n", `declarations before the throw are kept: ${textOf(out(1), "stderr")}`);
    const missing = textOf(out(2), "stderr");
    assert.match(missing, /Cannot find name 'afterThrow'/);
    assert.match(missing, /`afterThrow` was never defined: the cell that declares it stopped with "Error: step 2 is not implemented" before reaching that line\. Fix that cell and run it again\./);
    assert.match(missing, /`p` was never defined/);
    assert.doesNotMatch(missing, /evalmachine|tslab|executor\.js/, "no kernel internals in what the student reads");
    // Declared again by a cell that finishes: it works, and the explanation is gone.
    assert.equal(textOf(out(4), "stdout"), "10\n");
    assert.equal(textOf(out(4), "stderr"), "");
    // The same with top-level await: what ran before the rejected await is kept.
    assert.match(textOf(out(5), "stderr"), /async failure/);
    assert.equal(textOf(out(6), "stdout"), "", "the cell does not run: `missed` is a compile error");
    assert.match(textOf(out(6), "stderr"), /`missed` was never defined: the cell that declares it stopped with "Error: async failure"/);
    assert.doesNotMatch(textOf(out(6), "stderr"), /Cannot find name 'before'/);
  });
});
