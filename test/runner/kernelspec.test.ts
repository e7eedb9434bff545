import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
const script = (name: string) => path.join(root, "scripts", name);

describe("Jupyter set-up scripts", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "bertlab-jupyter-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("postinstall never fails without Jupyter, and says how to get one", () => {
    // An empty PATH: no jupyter to find (node itself is started by absolute path).
    const r = spawnSync(process.execPath, [script("postinstall.js")], { encoding: "utf8", env: { ...process.env, PATH: dir } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no Jupyter found.*pip install jupyterlab.*apt-get install jupyter-notebook.*npm run setup:kernel/);
  });

  it("npm start explains that there is nothing to open without Jupyter", () => {
    const r = spawnSync(process.execPath, [script("start.js")], { encoding: "utf8", env: { ...process.env, PATH: dir } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no Jupyter found, so `npm start` has nothing to open.*pip install jupyterlab/);
  });

  it("registers a kernelspec that runs this checkout's tslab with this node", function () {
    if (spawnSync("jupyter", ["--version"], { stdio: "ignore" }).status !== 0) this.skip(); // Jupyter is optional
    const data = path.join(dir, "data");
    const r = spawnSync(process.execPath, [script("postinstall.js")], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /registered the "tslab" \(TypeScript\) Jupyter kernel/);
    const spec = JSON.parse(readFileSync(path.join(data, "kernels", "tslab", "kernel.json"), "utf8"));
    assert.deepEqual(spec.argv, [process.execPath, path.join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"]);
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "signal");
  });
});
