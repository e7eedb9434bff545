/**
 * The benchmarks (bench/*.ts) and build scripts (scripts/*.ts) run under tsx, which strips types
 * without checking them, so a type error there went unseen (session 10: the probe returned
 * non-tensors out of tf.tidy). `tsc -p bench` checks them all under `strict`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

describe("bench/ and scripts/ type-check", function () {
  this.timeout(120_000);

  it("tsc -p bench reports no error", () => {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "bench")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `tsc -p bench:\n${r.stdout}${r.stderr}`);
  });
});
