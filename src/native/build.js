#!/usr/bin/env node
/**
 * npm run setup:blas — compiles bertlab's optional native GEMM (gemm.cc) with g++ against
 * Node's headers. OpenBLAS is opened at run time, so it needs no BLAS -dev package; on
 * Debian, `apt-get install libopenblas0-pthread` provides the library.
 * Failing here is not fatal to bertlab: it keeps using the wasm matmul.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const here = __dirname;
// --optional (used by `npm install`): a machine without g++ or OpenBLAS still installs; say so in one line.
const optional = process.argv.includes("--optional");
const fail = (message) => {
  console.error(message);
  process.exit(optional ? 0 : 1);
};
const out = path.join(here, "build", "bertlab_gemm.node");
const includeDirs = [
  path.join(path.dirname(process.execPath), "..", "include", "node"),
  "/usr/include/node",
  "/usr/local/include/node",
].filter((d) => fs.existsSync(path.join(d, "node_api.h")));

if (includeDirs.length === 0) {
  fail("setup:blas: Node's headers (node_api.h) were not found; install Node's development headers (Debian: libnode-dev). bertlab will use the wasm matmul.");
}
fs.mkdirSync(path.dirname(out), { recursive: true });
const args = ["-O3", "-shared", "-fPIC", "-std=c++17", "-DNODE_GYP_MODULE_NAME=bertlab_gemm", `-I${includeDirs[0]}`,
  path.join(here, "gemm.cc"), "-o", out, "-ldl"];
const cxx = process.env.CXX || "g++";
const r = spawnSync(cxx, args, { stdio: "inherit" });
if (r.error || r.status !== 0) {
  fail(`setup:blas: ${cxx} failed${r.error ? `: ${r.error.message}` : ""}; bertlab will keep using the wasm matmul.`);
}
try {
  const { library, threads } = require(out).describe();
  console.log(`setup:blas: built ${path.relative(process.cwd(), out)}, using ${library} with ${threads} thread(s)`);
} catch (error) {
  fail(`setup:blas: built ${out} but it does not load: ${error.message}\n` +
    "Install OpenBLAS (Debian: apt-get install libopenblas0-pthread) or set BERTLAB_BLAS=/path/to/libopenblas.so; until then bertlab uses the wasm matmul.");
}
