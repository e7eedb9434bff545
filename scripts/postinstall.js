#!/usr/bin/env node
/**
 * Registers the tslab kernel with Jupyter, run by `npm install` (root "prepare") and `npm run setup:kernel`.
 *
 * The kernelspec points at THIS checkout's node and node_modules/tslab, so notebooks resolve
 * `bertlab` and `tslab/dist/jupyter` from here whatever tslab may be installed globally. It is
 * written to Jupyter's per-user kernels folder, where `tslab install --user` would put it, as "tslab" (the name the
 * notebooks ask for) when no "tslab" kernel is there or the one there is this checkout's own. A "tslab" kernel that
 * someone else installed (`tslab install`, another checkout) is never overwritten: bertlab's goes in as "bertlab"
 * beside it, and the message says how to choose it.
 *
 * First it patches tslab (scripts/patch-tslab.js); that step fails the install if it cannot, because an unpatched
 * kernel crashes on long live output. Registering must never fail an install: without Jupyter it prints one line
 * saying how to get one.
 * Set BERTLAB_SKIP_KERNEL_INSTALL=1 to skip it.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const KERNEL_NAME = "tslab"; // the notebooks' metadata names this kernelspec
const OWN_KERNEL_NAME = "bertlab"; // used when a "tslab" kernel of someone else's is already installed

function tslabBin() {
  const pkg = require.resolve("tslab/package.json", { paths: [ROOT] });
  return path.join(path.dirname(pkg), "bin", "tslab");
}

/** The kernel.json Jupyter starts the kernel from. */
function kernelSpec(displayName = "TypeScript") {
  return {
    argv: [process.execPath, tslabBin(), "kernel", "--config-path", "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    // tslab interrupts on SIGINT; it has no interrupt_request handler.
    interrupt_mode: "signal",
    metadata: { bertlab: { root: ROOT } },
  };
}

/** True if `jupyter <sub> --version` runs, i.e. that Jupyter application is installed. */
function hasJupyter(sub) {
  const args = sub ? [sub, "--version"] : ["--version"];
  const r = spawnSync("jupyter", args, { stdio: "ignore", timeout: 60_000 });
  return !r.error && r.status === 0;
}

const HOW_TO_GET_JUPYTER =
  "bertlab: no Jupyter found, so the TypeScript kernel was not registered. To use the notebooks, install one " +
  "(`pip install jupyterlab`, or on Debian/Ubuntu `sudo apt-get install jupyter-notebook`), then run `npm run setup:kernel`.";

/** Jupyter's per-user data folder (honours JUPYTER_DATA_DIR), as `jupyter --data-dir` reports it. */
function jupyterDataDir() {
  const r = spawnSync("jupyter", ["--data-dir"], { encoding: "utf8", timeout: 60_000 });
  const dir = !r.error && r.status === 0 ? r.stdout.trim() : "";
  if (!dir) throw new Error(`\`jupyter --data-dir\` failed: ${(r.error ? r.error.message : r.stderr).trim()}`);
  return dir;
}

/**
 * Writes <data-dir>/kernels/tslab/kernel.json, which is what `jupyter kernelspec install --user`
 * does; doing it directly also works where only the notebook is installed without the
 * `jupyter-kernelspec` command (Debian's jupyter-notebook without recommends).
 * Returns a one-line message saying what happened; throws nothing.
 */
/** "absent", "ours" (written by this checkout), or "theirs" (anything else, unreadable included). */
function ownerOf(kernelDir) {
  const file = path.join(kernelDir, "kernel.json");
  if (!fs.existsSync(file)) return "absent";
  try {
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    return spec && spec.metadata && spec.metadata.bertlab && spec.metadata.bertlab.root === ROOT ? "ours" : "theirs";
  } catch {
    return "theirs";
  }
}

function registerKernel() {
  if (!hasJupyter()) return { ok: false, message: HOW_TO_GET_JUPYTER };
  try {
    const kernels = path.join(jupyterDataDir(), "kernels");
    const preferred = path.join(kernels, KERNEL_NAME);
    if (ownerOf(preferred) !== "theirs") {
      fs.mkdirSync(preferred, { recursive: true });
      fs.writeFileSync(path.join(preferred, "kernel.json"), JSON.stringify(kernelSpec(), null, 1) + "\n");
      return { ok: true, message: `bertlab: registered the "${KERNEL_NAME}" (TypeScript) Jupyter kernel in ${preferred}, running ${tslabBin()}.` };
    }
    const own = path.join(kernels, OWN_KERNEL_NAME);
    if (ownerOf(own) === "theirs") {
      return { ok: false, message: `bertlab: left the existing "${KERNEL_NAME}" and "${OWN_KERNEL_NAME}" kernels in ${kernels} as they are (not this checkout's); remove one (\`jupyter kernelspec remove ${OWN_KERNEL_NAME}\`) and run \`npm run setup:kernel\`.` };
    }
    fs.mkdirSync(own, { recursive: true });
    fs.writeFileSync(path.join(own, "kernel.json"), JSON.stringify(kernelSpec("TypeScript (bertlab)"), null, 1) + "\n");
    return {
      ok: true,
      message:
        `bertlab: a "${KERNEL_NAME}" kernel that is not this checkout's is installed in ${preferred}; it was left as it is, and bertlab's ` +
        `patched kernel was registered as "${OWN_KERNEL_NAME}" (TypeScript (bertlab)) in ${own}. The notebooks ask for "${KERNEL_NAME}": choose ` +
        `Kernel › Change kernel › TypeScript (bertlab), or remove the other (\`jupyter kernelspec remove ${KERNEL_NAME}\`) and run \`npm run setup:kernel\`.`,
    };
  } catch (e) {
    return { ok: false, message: `bertlab: could not register the tslab kernel with Jupyter (${e && e.message}); try \`npm run setup:kernel\`.` };
  }
}

module.exports = { registerKernel, kernelSpec, hasJupyter, HOW_TO_GET_JUPYTER };

if (require.main === module) {
  // The kernel's fixes (patches/README.md) are not optional: a tslab that cannot be patched fails the install.
  try {
    require("./patch-tslab").applyTslabPatch();
    console.log("bertlab: tslab is patched (per-socket send queues, bind before receive, busy/idle per running cell, errors as IPython prints them).");
  } catch (e) {
    console.error(`bertlab: could not patch tslab: ${e && e.message}`);
    process.exit(1);
  }
  if (process.env.BERTLAB_SKIP_KERNEL_INSTALL && process.env.BERTLAB_SKIP_KERNEL_INSTALL !== "0") {
    console.log("bertlab: BERTLAB_SKIP_KERNEL_INSTALL is set; the Jupyter kernel was not registered.");
  } else {
    try {
      console.log(registerKernel().message);
    } catch (e) {
      console.log(`bertlab: skipped registering the Jupyter kernel (${e && e.message}).`);
    }
  }
  process.exitCode = 0;
}
