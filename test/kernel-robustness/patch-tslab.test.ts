/**
 * scripts/patch-tslab.js, run by `npm install` (root "prepare" → scripts/postinstall.js): applies
 * patches/tslab+1.0.22.patch to node_modules/tslab idempotently, and fails loudly, writing nothing, if tslab changed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TSLAB_PATCH_MARKER } from "../../src/runner/tslab";
import { ROOT, unpatchedTslabBin } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const patcher = require(path.join(ROOT, "scripts", "patch-tslab.js"));
const FILES = ["executor.js", "jupyter.js", "main.js"];

describe("tslab patch: applied at install time, idempotently, loudly refused on a changed tslab", () => {
  let root: string;
  let tslab: string;
  const pristine = () => path.dirname(path.dirname(unpatchedTslabBin()));
  const read = (f: string) => readFileSync(path.join(tslab, "dist", f), "utf8");

  beforeEach(() => {
    // A project folder whose node_modules/tslab is tslab as npm installs it.
    root = mkdtempSync(path.join(os.tmpdir(), "bertlab-patch-"));
    tslab = path.join(root, "node_modules", "tslab");
    mkdirSync(tslab, { recursive: true });
    for (const part of ["dist", "package.json"]) cpSync(path.join(pristine(), part), path.join(tslab, part), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("patches pristine tslab to exactly the installed (patched) files, and a second run changes nothing", () => {
    assert.equal(patcher.applyTslabPatch({ root, check: true }), "missing");
    assert.equal(patcher.applyTslabPatch({ root }), "applied");
    const installed = path.dirname(require.resolve("tslab/package.json", { paths: [ROOT] }));
    for (const f of FILES) {
      assert.equal(read(f), readFileSync(path.join(installed, "dist", f), "utf8"), `${f} as npm install leaves it`);
      assert.ok(read(f).includes(TSLAB_PATCH_MARKER));
    }
    const before = FILES.map(read);
    assert.equal(patcher.applyTslabPatch({ root }), "applied");
    assert.deepEqual(FILES.map(read), before);
    assert.equal(patcher.MARKER, TSLAB_PATCH_MARKER, "the runner checks for the marker the script writes");
  });

  it("refuses another tslab version, naming both versions", () => {
    const pkg = JSON.parse(readFileSync(path.join(tslab, "package.json"), "utf8"));
    writeFileSync(path.join(tslab, "package.json"), JSON.stringify({ ...pkg, version: "1.0.23" }));
    assert.throws(() => patcher.applyTslabPatch({ root }), /node_modules\/tslab is 1\.0\.23, but patches\/ holds the patch for tslab 1\.0\.22/);
    assert.ok(!read("jupyter.js").includes(TSLAB_PATCH_MARKER));
  });

  it("refuses a tslab whose text changed, and writes no file at all", () => {
    const jupyter = read("jupyter.js").replace("sock.send(heads.concat(bodies));", "void sock.send(heads.concat(bodies));");
    writeFileSync(path.join(tslab, "dist", "jupyter.js"), jupyter);
    const executor = read("executor.js");
    assert.throws(() => patcher.applyTslabPatch({ root }), /hunk \d+ of node_modules\/tslab\/dist\/jupyter\.js does not apply/);
    assert.equal(read("executor.js"), executor, "executor.js (whose hunks match) was not written either");
    assert.equal(read("jupyter.js"), jupyter);
  });

  it("refuses a tslab that carries an older revision of the patch, saying how to reinstall", () => {
    writeFileSync(path.join(tslab, "dist", "main.js"), `// bertlab-tslab-patch 1\n${read("main.js")}`);
    assert.throws(() => patcher.applyTslabPatch({ root }), /older revision.*rm -rf node_modules\/tslab && npm install/);
  });

  it("npm install runs it: the root 'prepare' runs scripts/postinstall.js, which patches first and fails the install if it cannot", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.match(pkg.scripts.prepare, /node scripts\/postinstall\.js/);
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "postinstall.js")], { encoding: "utf8", env: { ...process.env, BERTLAB_SKIP_KERNEL_INSTALL: "1" } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tslab is patched/);
    assert.match(readFileSync(path.join(ROOT, "scripts", "postinstall.js"), "utf8"), /applyTslabPatch\(\);[\s\S]*process\.exit\(1\)/);
  });
});
