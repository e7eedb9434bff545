/**
 * Issue 14, failure 1: after `import * as bl from "bertlab"`, one unhandled rejection killed the kernel.
 * Cause: tfjs-backend-wasm's Emscripten glue adds process handlers that rethrow; bertlab removes them once the
 * wasm module is up (src/backend/process-handlers.ts), and tslab's own handler prints the error under the cell.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { codeCell, newNotebook, type NbOutput } from "../../src/notebook";
import { runNotebook } from "../../src/runner";
const ROOT = path.resolve(__dirname, "..", "..");

const stderrOf = (outputs: NbOutput[]) =>
  outputs.filter((o): o is Extract<NbOutput, { output_type: "stream" }> => o.output_type === "stream" && o.name === "stderr").map((o) => String(o.text)).join("");

/** A node process that behaves like a kernel (a handler that logs rejections), then activates the wasm backend. */
function childWithKernelLikeHandler(activation: string): { status: number | null; stderr: string; stdout: string } {
  const script = `
    process.on("unhandledRejection", (r) => console.error("logged:", r && r.message));
    (async () => {
      ${activation}
      Promise.reject(new Error("oops"));
      await new Promise((r) => setTimeout(r, 300));
      console.log("still alive");
    })();`;
  const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, BERTLAB_BACKEND: "wasm" }, timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe("kernel robustness: an unhandled rejection after importing bertlab", function () {
  this.timeout(240_000);

  it("reproduces the cause: tfjs-backend-wasm's own start-up makes one rejection fatal despite the kernel's handler", () => {
    const r = childWithKernelLikeHandler(`const tf = require("@tensorflow/tfjs"); require("@tensorflow/tfjs-backend-wasm"); await tf.setBackend("wasm");`);
    assert.notEqual(r.status, 0, "Emscripten's handler rethrows and the process dies");
    assert.doesNotMatch(r.stdout, /still alive/);
    assert.match(r.stderr, /Error: oops/);
  });

  it("bertlab's backend start removes Emscripten's handlers, so the same process lives", () => {
    const r = childWithKernelLikeHandler(`const { selectBackend } = require("./src/backend/select"); await selectBackend("wasm");`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /still alive/);
    assert.match(r.stderr, /logged: oops/);
  });

  it("outside a kernel, a script that leaves a rejection unhandled still fails loudly", () => {
    const script = `const { selectBackend } = require("./src/backend/select"); selectBackend("wasm").then(() => { Promise.reject(new Error("real bug")); setTimeout(() => console.log("survived"), 300); });`;
    const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /real bug/);
    assert.doesNotMatch(r.stdout, /survived/);
  });

  it("in a real tslab kernel: cell 3 runs after cell 2's stray rejection, which is printed under cell 2", async () => {
    const nb = newNotebook([
      codeCell(`import * as bl from "bertlab";\nawait bl.ready();\nbl.currentBackend()?.name`),
      codeCell(`async function f() { throw new Error("oops") }\nf();`),
      codeCell(`await new Promise((r) => setTimeout(r, 200));\nconsole.log("cell 3 ran")`),
    ]);
    const run = await runNotebook(nb, { cwd: path.join(ROOT, "notebooks"), timeoutMs: 120_000, startupTimeoutMs: 180_000, env: { BERTLAB_QUIET: "", BERTLAB_VERBOSE: "" } });
    assert.deepEqual(run.cells.map((c) => c.status), ["ok", "ok", "ok"], JSON.stringify(run.errors));
    const [first, second, third] = run.notebook.cells;
    const firstText = JSON.stringify(first.outputs);
    assert.match(firstText, /wasm/, "the wasm backend (whose glue installs the handlers) was the one in use");
    assert.doesNotMatch(firstText, /bertlab: using the/, "importing bertlab prints no banner");
    const err = stderrOf(second.outputs ?? []);
    // tslab's own handler reports it under the cell (its format: "UnhandledPromiseRejection: Error: oops ...").
    assert.match(err, /Error: oops/, `the rejection is shown under cell 2; stderr was ${JSON.stringify(err)}`);
    assert.match(JSON.stringify(third.outputs), /cell 3 ran/);
  });
});
