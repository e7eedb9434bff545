import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { codeCell, formatNotebook, markdownCell, newNotebook, readNotebook } from "../../src/notebook";
import { runNotebook } from "../../src/runner";

const root = path.resolve(__dirname, "../..");

const failing = () =>
  newNotebook([
    markdownCell("# A notebook with a failing cell"),
    codeCell(`let total = 1;\nconsole.log("one")`),
    codeCell(`total += 1;\nthrow new Error("cell two fails")`),
    codeCell(""),
    codeCell(`console.log("total", total)`),
  ]);

describe("runNotebook", () => {
  it("stops at the first failure by default and marks the rest aborted", async () => {
    const run = await runNotebook(failing());
    assert.deepEqual(run.cells.map((c) => c.status), ["skipped", "ok", "error", "skipped", "aborted"]);
    assert.equal(run.ok, false);
    assert.match(run.errors[2], /Error: cell two fails/);
    assert.deepEqual(run.notebook.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "one\n" }]);
    assert.equal(typeof run.notebook.cells[1].execution_count, "number");
    assert.equal(run.notebook.cells[4].execution_count, null);
  });

  it("keeps going when asked, in the same kernel state, and replaces a kernel that died", async () => {
    const nb = failing();
    nb.cells.push(codeCell(`process.exit(3)`), codeCell(`console.log("after the crash")`), codeCell(`total`));
    const seen: number[] = [];
    const run = await runNotebook(nb, { stopOnError: false, onCell: (i) => seen.push(i) });
    assert.deepEqual(run.cells.map((c) => c.status), ["skipped", "ok", "error", "skipped", "ok", "crashed", "ok", "error"]);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(run.notebook.cells[4].outputs, [{ output_type: "stream", name: "stdout", text: "total 2\n" }]);
    assert.match(run.errors[5], /exited with code 3/);
    assert.deepEqual(run.notebook.cells[6].outputs, [{ output_type: "stream", name: "stdout", text: "after the crash\n" }]);
    // The fresh kernel after the crash has none of the old state.
    assert.match(run.errors[7], /Cannot find name 'total'/);
  });
});

describe("bertlab run (CLI)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "bertlab-run-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, "src/bin/bertlab.js"), "run", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, BERTLAB_QUIET: "1" } });

  it("--json prints exactly one summary line and exits 0 when every cell is ok; --out writes the outputs", () => {
    const file = path.join(dir, "good.ipynb");
    writeFileSync(file, formatNotebook(newNotebook([markdownCell("hi"), codeCell(`console.log(2 ** 10)`), codeCell(`const s: string = "x"`)])));
    const r = cli(file, "--json", "--out", "done.ipynb");
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 1, r.stdout);
    const summary = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(summary), ["cells", "ok", "ms"]);
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.cells.map((c: { index: number; status: string }) => [c.index, c.status]), [[0, "skipped"], [1, "ok"], [2, "ok"]]);
    assert.ok(summary.cells.every((c: { ms: number }) => typeof c.ms === "number"));
    const written = JSON.parse(readFileSync(path.join(dir, "done.ipynb"), "utf8"));
    assert.deepEqual(written.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: ["1024\n"] }]);
  });

  it("logs each cell with the failing cell's stderr, exits 1, and --inplace updates the file", async () => {
    const file = path.join(dir, "bad.ipynb");
    writeFileSync(file, formatNotebook(failing()));
    const r = cli("bad.ipynb", "--inplace", "--timeout", "30");
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /cell 1 {2}ok {6}\d+ ms/);
    assert.match(r.stdout, /cell 2 {2}error {3}\d+ ms\n {4}\| [\s\S]*Error: cell two fails/);
    assert.match(r.stdout, /cell 4 {2}aborted/);
    assert.match(r.stdout, /FAILED: cell 2 error, cell 4 aborted/);
    const nb = await readNotebook(file);
    assert.deepEqual(nb.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: ["one\n"] }]);
  });

  it("explains bad paths, bad notebooks and bad options with exit code 2", () => {
    let r = cli("missing.ipynb");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.ipynb: no such file/);
    writeFileSync(path.join(dir, "v3.ipynb"), JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }));
    r = cli("v3.ipynb");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /v3\.ipynb: nbformat 3 is not supported/);
    r = cli("x.ipynb", "--timeout", "soon");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--timeout takes a positive number of seconds, got "soon"/);
    r = cli();
    assert.equal(r.status, 2);
    assert.match(r.stderr, /which notebook\?/);
  });
});
