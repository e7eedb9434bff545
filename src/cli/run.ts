/**
 * `bertlab run <notebook.ipynb>`: executes a notebook top to bottom in a fresh tslab kernel.
 * Exit code 0 only if every code cell ran ok; 1 if a cell failed; 2 for a usage or file error.
 */
import path from "node:path";
import type { Command } from "./main";
import { NotebookFormatError, readNotebook, writeNotebook } from "../notebook";
import { DEFAULT_CELL_TIMEOUT_MS, runNotebook, type ExecuteResult } from "../runner";

const USAGE = `usage: bertlab run <notebook.ipynb> [--timeout S] [--json] [--inplace | --out FILE] [--keep-going]

Runs every code cell in a fresh tslab kernel, started in the notebook's folder.
  --timeout S    seconds per cell before it is interrupted (then killed); default: the notebook's own
                 metadata bertlab.timeout, else ${DEFAULT_CELL_TIMEOUT_MS / 60_000} minutes
  --json         print one JSON line: {"cells":[{"index","status","ms"}],"ok":bool,"ms":n}
  --inplace      write the outputs back into the notebook
  --out FILE     write the executed notebook to FILE
  --keep-going   run the remaining cells after a failure (default: stop at the first)`;

interface RunArgs {
  file: string;
  /** Undefined: the notebook's metadata, else the default. */
  timeoutMs?: number;
  json: boolean;
  out?: string;
  keepGoing: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): RunArgs {
  let file: string | undefined;
  let timeoutMs: number | undefined;
  let json = false;
  let inplace = false;
  let out: string | undefined;
  let keepGoing = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--timeout") {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout takes a positive number of seconds, got "${argv[i]}"`);
      timeoutMs = seconds * 1000;
    } else if (arg === "--json") json = true;
    else if (arg === "--inplace") inplace = true;
    else if (arg === "--out") out = value();
    else if (arg === "--keep-going") keepGoing = true;
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`one notebook at a time (got "${file}" and "${arg}")`);
  }
  if (file === undefined) throw new UsageError("which notebook? give the path of an .ipynb file");
  if (inplace && out) throw new UsageError("--inplace and --out exclude each other");
  return { file, timeoutMs, json, out: inplace ? file : out, keepGoing };
}

function firstLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(0, n).join("\n") + (lines.length > n ? `\n… (${lines.length - n} more lines)` : "");
}

function logCell(index: number, count: number, result: ExecuteResult): void {
  if (result.status === "skipped") return;
  const ms = result.status === "aborted" ? "" : ` ${result.ms} ms`;
  console.log(`cell ${String(index).padStart(String(count).length)}  ${result.status.padEnd(7)}${ms}`);
  if (result.status !== "ok" && result.status !== "aborted" && result.error) {
    console.log(firstLines(result.error, 30).replace(/^/gm, "    | "));
  }
}

export const command: Command = {
  summary: "run a notebook in a fresh tslab kernel and report each cell",
  async run(argv) {
    if (argv.includes("--help") || argv.includes("-h")) {
      console.log(USAGE);
      return 0;
    }
    let args: RunArgs;
    try {
      args = parseArgs(argv);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`bertlab run: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const file = path.resolve(args.file);
    let notebook;
    try {
      notebook = await readNotebook(file);
    } catch (e) {
      if (!(e instanceof NotebookFormatError)) throw e;
      console.error(`bertlab run: ${e.message}`);
      return 2;
    }
    // Ctrl-C: exit normally so the kernel is killed by the runner's exit hook rather than orphaned.
    process.once("SIGINT", () => process.exit(130));
    const count = notebook.cells.length;
    const relative = path.relative(process.cwd(), file);
    if (!args.json) console.log(`running ${relative && !relative.startsWith("..") ? relative : file} (${count} cells)`);
    // Progress bars inside the kernel go to its own output; the runner's own stdout stays ours.
    const run = await runNotebook(notebook, {
      cwd: path.dirname(file),
      timeoutMs: args.timeoutMs,
      stopOnError: !args.keepGoing,
      onCell: args.json ? undefined : (index, result) => logCell(index, count, result),
    });
    if (args.out) await writeNotebook(path.resolve(args.out), run.notebook);
    if (args.json) {
      console.log(JSON.stringify({ cells: run.cells.map(({ index, status, ms }) => ({ index, status, ms })), ok: run.ok, ms: run.ms }));
    } else {
      const failed = run.cells.filter((c) => c.status !== "ok" && c.status !== "skipped");
      const ran = run.cells.filter((c) => c.status !== "skipped").length;
      console.log(run.ok ? `ok: ${ran} code cells in ${run.ms} ms` : `FAILED: ${failed.map((c) => `cell ${c.index} ${c.status}`).join(", ")} (${run.ms} ms)`);
      if (args.out) console.log(`wrote ${args.out}`);
    }
    return run.ok ? 0 : 1;
  },
};
