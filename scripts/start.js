#!/usr/bin/env node
/**
 * `npm start`: opens the course in JupyterLab, or in the classic Notebook when only that is
 * installed, serving the project folder and showing notebooks/. The tslab kernel is
 * (re-)registered first, so a moved checkout or a new node still starts the right kernel.
 * Extra arguments go to Jupyter: `npm start -- --port 8890 --no-browser`.
 */
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");
const { registerKernel, hasJupyter, HOW_TO_GET_JUPYTER } = require("./postinstall");

const ROOT = path.resolve(__dirname, "..");

function pickApp() {
  if (hasJupyter("lab")) return { app: "lab", name: "JupyterLab", defaultUrl: "/lab/tree/notebooks" };
  if (hasJupyter("notebook")) return { app: "notebook", name: "Jupyter Notebook", defaultUrl: "/tree/notebooks" };
  return null;
}

function main() {
  const picked = pickApp();
  if (!picked) {
    console.error(HOW_TO_GET_JUPYTER.replace("the TypeScript kernel was not registered", "`npm start` has nothing to open").replace(", then run `npm run setup:kernel`", ", then `npm start` again"));
    return 1;
  }
  const registered = registerKernel();
  console.log(registered.message);
  if (!registered.ok) console.log("bertlab: starting Jupyter anyway; the notebooks need the tslab kernel.");

  // Jupyter Server (Lab, Notebook 7) and the classic Notebook 6 name the options differently; each ignores the other's.
  const args = [
    picked.app,
    `--ServerApp.root_dir=${ROOT}`,
    `--NotebookApp.notebook_dir=${ROOT}`,
    `--ServerApp.default_url=${picked.defaultUrl}`,
    `--NotebookApp.default_url=${picked.defaultUrl}`,
    // Containers and CI machines often run as root, which Jupyter refuses without this flag.
    ...(process.getuid && process.getuid() === 0 ? ["--allow-root"] : []),
    ...process.argv.slice(2),
  ];
  console.log(`bertlab: opening ${picked.name} on ${path.join(ROOT, "notebooks")} (Ctrl-C to stop)`);
  const child = spawn("jupyter", args, { cwd: ROOT, stdio: "inherit" });
  // Ctrl-C reaches Jupyter through the terminal; it asks for confirmation and exits on its own.
  process.on("SIGINT", () => undefined);
  child.on("exit", (code, signal) => {
    process.exitCode = signal ? 1 : code ?? 0;
  });
  child.on("error", (e) => {
    console.error(`bertlab: could not start jupyter ${picked.app}: ${e.message}`);
    process.exitCode = 1;
  });
  return undefined;
}

const code = main();
if (code !== undefined) process.exitCode = code;
