/**
 * Issue 14, failure 3: `bertlab run` once returned ok with every outputs array empty.
 *
 * The runner attributes iopub messages by their parent msg_id and declares a cell done only once both its
 * execute_reply and its iopub idle are in (late output is drained, however long it takes to arrive); a kernel whose
 * iopub does not answer the start-up handshake is not used. Under load: two notebooks in two kernels at once (the
 * machine has two cores and other work), output-heavy cells with display updates, every output compared exactly.
 */
import assert from "node:assert/strict";
import { codeCell, newNotebook, type NbOutput, type Notebook } from "../../src/notebook";
import { runNotebook } from "../../src/runner";
import { cleanupOutside, outsideDir } from "./helpers";

const CELLS = 5;
const LINES = 1500;

function heavyNotebook(tag: string): Notebook {
  return newNotebook(
    Array.from({ length: CELLS }, (_, c) =>
      codeCell(
        `const d${c} = require("tslab").newDisplay();\n` +
          `d${c}.text("${tag} ${c} starting");\n` +
          `for (let i = 0; i < ${LINES}; i++) { console.log("${tag} cell ${c} line " + i); if (i % 10 === 0) d${c}.text("${tag} ${c} progress " + i); }\n` +
          `d${c}.text("${tag} ${c} final");\n` +
          `await new Promise((r) => setTimeout(r, 10));\n` +
          `console.error("${tag} cell ${c} stderr");\n` +
          `"${tag} cell ${c} result"`,
      ),
    ),
  );
}

function expected(tag: string, c: number): NbOutput[] {
  const lines = Array.from({ length: LINES }, (_, i) => `${tag} cell ${c} line ${i}\n`).join("");
  return [
    { output_type: "display_data", data: { "text/plain": `${tag} ${c} final` }, metadata: {} },
    { output_type: "stream", name: "stdout", text: lines },
    { output_type: "stream", name: "stderr", text: `${tag} cell ${c} stderr\n` },
    { output_type: "stream", name: "stdout", text: `${tag} cell ${c} result\n` },
  ];
}

describe("kernel robustness: outputs under load", function () {
  this.timeout(900_000);

  it("two kernels at once, output-heavy cells: every output present, exact, in its own cell, twice over", async () => {
    const dir = outsideDir("race");
    try {
      for (let round = 0; round < 2; round++) {
        const runs = await Promise.all(["A", "B"].map((tag) => runNotebook(heavyNotebook(tag), { cwd: dir, timeoutMs: 300_000, startupTimeoutMs: 180_000 })));
        for (const [k, tag] of ["A", "B"].entries()) {
          const run = runs[k];
          assert.equal(run.ok, true, JSON.stringify(run.errors));
          for (let c = 0; c < CELLS; c++) {
            assert.deepEqual(run.notebook.cells[c].outputs, expected(tag, c), `round ${round}, notebook ${tag}, cell ${c}`);
          }
        }
      }
    } finally {
      cleanupOutside(dir);
    }
  });
});
