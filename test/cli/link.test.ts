/**
 * Issue 14, "Also": an exercise copied outside the checkout could not import `bertlab`. `npx bertlab link DIR`
 * makes it work; tried as a student would, with the real exercise in a real tslab kernel.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runNotebook } from "../../src/runner";

const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "node_modules/.bin/bertlab");
const EXERCISE = path.join(root, "exercises", "01-bert-concepts.ipynb");

describe("bertlab link: exercises outside the checkout", function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const tmp = (name: string): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), `bertlab-link-${name}-`));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("an exercise copied to a folder of its own fails to import bertlab, and runs after `bertlab link`", async () => {
    const home = tmp("homework");
    const nb = path.join(home, "01-bert-concepts.ipynb");
    copyFileSync(EXERCISE, nb);
    const before = await runNotebook(nb, { startupTimeoutMs: 180_000, env: { BERTLAB_QUIET: "1" } });
    assert.equal(before.ok, false);
    assert.match(Object.values(before.errors)[0] ?? "", /Cannot find module 'bertlab/);

    const r = spawnSync(bin, ["link", home], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /notebooks in .* can import bertlab/);
    assert.ok(lstatSync(path.join(home, "node_modules", "bertlab")).isSymbolicLink());

    const after = await runNotebook(nb, { startupTimeoutMs: 180_000, env: { BERTLAB_QUIET: "1" } });
    assert.ok(after.ok, JSON.stringify(after.errors));
    // The stubs are reached: check() reports "not implemented" instead of an import error.
    const text = JSON.stringify(after.notebook.cells.map((c) => (c.cell_type === "code" ? c.outputs : [])));
    assert.match(text, /not implemented/);
    assert.equal(spawnSync(bin, ["link", home], { encoding: "utf8" }).stdout.trim(), `${home} already uses this bertlab`);
  });

  it("never replaces a real folder or another link, and names what is in the way", () => {
    const real = tmp("real");
    mkdirSync(path.join(real, "node_modules", "bertlab"), { recursive: true });
    writeFileSync(path.join(real, "node_modules", "bertlab", "package.json"), "{}");
    const a = spawnSync(bin, ["link", real], { encoding: "utf8" });
    assert.equal(a.status, 1);
    assert.match(a.stderr, /node_modules\/bertlab already exists and is not a link/);

    const other = tmp("other");
    mkdirSync(path.join(other, "node_modules"), { recursive: true });
    symlinkSync(os.tmpdir(), path.join(other, "node_modules", "bertlab"));
    const b = spawnSync(bin, ["link", other], { encoding: "utf8" });
    assert.equal(b.status, 1);
    assert.match(b.stderr, /already links to .*remove it first/);
    assert.equal(readlinkSync(path.join(other, "node_modules", "bertlab")), os.tmpdir(), "left as it was");

    const missing = spawnSync(bin, ["link", path.join(other, "nope")], { encoding: "utf8" });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope is not a folder/);
  });
});
