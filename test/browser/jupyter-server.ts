/**
 * A real classic Jupyter Notebook server (Debian's `jupyter-notebook`) for the browser tests:
 * started on 127.0.0.1 with a random port and token, in its own Jupyter data/config/runtime dirs
 * (so its trust database starts empty and nothing of the user's is touched), with the tslab
 * kernelspec that `npm install` registers (scripts/postinstall.js), and stopped by the test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** The `jupyter` launcher, if the classic notebook app answers `jupyter notebook --version`. */
export function findJupyterNotebook(): string | undefined {
  for (const exe of [process.env.JUPYTER, "/usr/bin/jupyter", "jupyter"].filter((c): c is string => !!c)) {
    const r = spawnSync(exe, ["notebook", "--version"], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) return exe;
  }
  return undefined;
}

/** The Python that runs `jupyter` (its shebang), whose nbconvert module exports HTML. */
export function jupyterPython(jupyter: string): string {
  const resolved = spawnSync("sh", ["-c", `command -v "${jupyter}"`], { encoding: "utf8" }).stdout.trim() || jupyter;
  const first = fs.readFileSync(resolved, "utf8").split("\n", 1)[0];
  const m = first.match(/^#!\s*(\S+)/);
  return m ? m[1] : "python3";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface NotebookServer {
  url: string;
  token: string;
  /** The folder the server serves. */
  root: string;
  /** URL of a notebook under root, with the token. */
  notebookUrl(relative: string): string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `jupyter notebook` serving `root`. `env` reaches the kernels too (they inherit it).
 * Resolves once /api/status answers.
 */
export async function startNotebookServer(jupyter: string, root: string, home: string, env: NodeJS.ProcessEnv = {}): Promise<NotebookServer> {
  const dirs = { JUPYTER_DATA_DIR: path.join(home, "data"), JUPYTER_CONFIG_DIR: path.join(home, "config"), JUPYTER_RUNTIME_DIR: path.join(home, "runtime") };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  // The kernelspec npm install registers, written into this server's own data dir.
  const { kernelSpec } = require(path.join(ROOT, "scripts/postinstall.js")) as { kernelSpec(): object };
  const kernelDir = path.join(dirs.JUPYTER_DATA_DIR, "kernels", "tslab");
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(kernelSpec(), null, 1));

  const token = crypto.randomBytes(24).toString("hex");
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${root}`,
      "--NotebookApp.disable_check_xsrf=False",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ];
    const child = spawn(jupyter, args, { env: { ...process.env, ...dirs, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    const url = `http://127.0.0.1:${port}`;
    const up = await waitUp(child, `${url}/api/status?token=${token}`, 60_000);
    if (up) {
      return {
        url,
        token,
        root,
        notebookUrl: (relative) => `${url}/notebooks/${relative.split("/").map(encodeURIComponent).join("/")}?token=${token}`,
        log: () => log,
        stop: () => stopServer(child, url, token),
      };
    }
    lastError = log.slice(-2000);
    await stopServer(child, url, token);
  }
  throw new Error(`jupyter notebook did not start:\n${lastError}`);
}

async function waitUp(child: ChildProcess, statusUrl: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const r = await fetch(statusUrl);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Asks the server to shut down (it stops its kernels), then makes sure the process is gone. */
async function stopServer(child: ChildProcess, url: string, token: string): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await fetch(`${url}/api/shutdown?token=${token}`, { method: "POST" });
  } catch {
    child.kill("SIGTERM");
  }
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
