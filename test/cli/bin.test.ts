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

  it("finetune --help prints the defaults the library uses (defined once, in FINETUNE_DEFAULTS)", () => {
    const { FINETUNE_DEFAULTS: D } = require(path.join(root, "src/train/finetune-defaults")) as typeof import("../../src/train/finetune-defaults");
    const r = spawnSync(path.join(root, "node_modules/.bin/bertlab"), ["finetune", "--help"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const line = (flag: string) => r.stdout.split("\n").find((l) => l.trimStart().startsWith(flag)) ?? assert.fail(`no ${flag} line`);
    assert.match(line("--epochs"), new RegExp(`default ${D.epochs}\\b`));
    assert.match(line("--max-steps"), new RegExp(`default ${D.maxSteps}\\b`));
    assert.match(line("--batch-size"), new RegExp(`default ${D.batchSize}$`));
    assert.match(line("--lr"), /default 5e-4\)/);
    assert.equal(D.learningRate, 5e-4);
    assert.match(line("--max-seq-length"), new RegExp(`default ${D.maxSeqLength}$`));
    assert.match(line("--patience"), new RegExp(`default ${D.patience}\\)`));
    assert.match(line("--reinit-layers"), new RegExp(`default ${D.reinitializeTopLayers};`));
  });
});
