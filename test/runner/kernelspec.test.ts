import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("never overwrites a tslab kernel someone else installed: bertlab's goes in as 'bertlab', and a rerun updates only its own", function () {
    if (spawnSync("jupyter", ["--version"], { stdio: "ignore" }).status !== 0) this.skip(); // Jupyter is optional
    const data = path.join(dir, "data-theirs");
    const theirs = path.join(data, "kernels", "tslab", "kernel.json");
    mkdirSync(path.dirname(theirs), { recursive: true });
    const foreign = JSON.stringify({ argv: ["/usr/local/bin/tslab", "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript", language: "typescript" }, null, 1);
    writeFileSync(theirs, foreign);
    const run = () => spawnSync(process.execPath, [script("postinstall.js")], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data } });
    for (let i = 0; i < 2; i++) {
      const r = run();
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /a "tslab" kernel that is not this checkout's is installed .* left as it is, and bertlab's patched kernel was registered as "bertlab"/);
      assert.match(r.stdout, /Kernel › Change kernel › TypeScript \(bertlab\)/);
      assert.equal(readFileSync(theirs, "utf8"), foreign, "the user's kernel is untouched");
      const ours = JSON.parse(readFileSync(path.join(data, "kernels", "bertlab", "kernel.json"), "utf8"));
      assert.equal(ours.display_name, "TypeScript (bertlab)");
      assert.equal(ours.metadata.bertlab.root, root);
    }
    // This checkout's own "tslab" kernel is updated in place, as before.
    const data2 = path.join(dir, "data-ours");
    assert.equal(spawnSync(process.execPath, [script("postinstall.js")], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data2 } }).status, 0);
    const again = spawnSync(process.execPath, [script("postinstall.js")], { encoding: "utf8", env: { ...process.env, JUPYTER_DATA_DIR: data2 } });
    assert.match(again.stdout, /registered the "tslab" \(TypeScript\) Jupyter kernel/);
    assert.ok(!existsSync(path.join(data2, "kernels", "bertlab")), "no second kernel when the tslab one is ours");
  });
});
