import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

// `npx bertlab` runs node_modules/.bin/bertlab, a symlink: the CLI must run whatever argv[1] is called.
describe("the bertlab bin as npx runs it", () => {
  it("node_modules/.bin/bertlab info --json prints the backend", () => {
    const r = spawnSync(path.join(root, "node_modules/.bin/bertlab"), ["info", "--json"], {
      env: { ...process.env, BERTLAB_BACKEND: "cpu" },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).backend, "cpu");
  });

  it("an unknown command exits 2 and lists the known ones", () => {
    const r = spawnSync(path.join(root, "node_modules/.bin/bertlab"), ["frobnicate"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "frobnicate".*run/);
  });
});
