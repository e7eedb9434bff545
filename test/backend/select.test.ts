import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Runs `bertlab info --json` in a fresh process, so each choice starts clean. */
function info(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(root, "src/bin/bertlab.js"), "info", "--json"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("backend selection", () => {
  it("falls through missing native packages to wasm, with a reason for each", () => {
    const r = info({ BERTLAB_BACKEND: "" });
    assert.equal(r.status, 0, r.stderr);
    const choice = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(choice.backend, "wasm");
    assert.deepEqual(choice.skipped.map((s: { name: string }) => s.name), ["node-gpu", "node"]);
    for (const s of choice.skipped) assert.match(s.reason, /not installed|failed to load/);
  });

  it("honours BERTLAB_BACKEND=cpu", () => {
    const r = info({ BERTLAB_BACKEND: "cpu" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).backend, "cpu");
  });

  it("rejects an unknown BERTLAB_BACKEND with the list of valid names", () => {
    const r = info({ BERTLAB_BACKEND: "tpu" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /"tpu" is not a backend.*node-gpu, node, wasm, cpu/);
  });

  it("reports a forced native backend that is not installed, naming the setup script", () => {
    const r = info({ BERTLAB_BACKEND: "node" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /tfjs-node is not installed.*setup:native/);
  });

  it("prints no TensorFlow.js banner on stderr", () => {
    const r = info({ BERTLAB_BACKEND: "cpu" });
    assert.equal(r.stderr, "");
  });

  // Importing bertlab used to start the choice in the background, so a `tf.setBackend("cpu")` made right after the
  // import was silently replaced by wasm once wasm had loaded (seen as an intermittent test failure under load).
  it("chooses nothing on import, and never overrides a backend chosen explicitly", () => {
    const probe = `
      const tf = require("@tensorflow/tfjs");
      const bertlab = require(${JSON.stringify(path.join(root, "src/dist/index.js"))});
      (async () => {
        const seen = { onImport: bertlab.activeBackendChoice() === undefined };
        await bertlab.selectBackend("cpu");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        seen.afterWait = tf.getBackend();
        seen.ready = (await bertlab.ready()).name;
        seen.afterReady = tf.getBackend();
        console.log(JSON.stringify(seen));
      })();`;
    const r = spawnSync(process.execPath, ["-e", probe], { cwd: root, env: { ...process.env, BERTLAB_BACKEND: "" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { onImport: true, afterWait: "cpu", ready: "cpu", afterReady: "cpu" });
  });

  it("chooses on the first ready(), without an explicit choice", () => {
    const probe = `
      const tf = require("@tensorflow/tfjs");
      const bertlab = require(${JSON.stringify(path.join(root, "src/dist/index.js"))});
      (async () => {
        const choice = await bertlab.ready();
        console.log(JSON.stringify({ name: choice.name, active: tf.getBackend(), same: (await bertlab.ready()) === choice }));
      })();`;
    const r = spawnSync(process.execPath, ["-e", probe], { cwd: root, env: { ...process.env, BERTLAB_BACKEND: "" }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { name: "wasm", active: "wasm", same: true });
  });
});
