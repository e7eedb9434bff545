/**
 * `bertlab run <notebook.ipynb>`: executes a notebook top to bottom in a fresh tslab kernel.
 * Exit code 0 only if every code cell ran ok; 1 if a cell failed; 2 for a usage or file error.
 */
import path from "node:path";
import type { Command } from "./main";
import { parseCommand, usageError } from "./options";
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
    const parsed = parseCommand(argv, {
      command: "run",
      help: USAGE,
      allowPositionals: true,
      options: {
        timeout: { type: "string" },
        json: { type: "boolean", default: false },
        inplace: { type: "boolean", default: false },
        out: { type: "string" },
        "keep-going": { type: "boolean", default: false },
      },
    });
    if ("exitCode" in parsed) return parsed.exitCode;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError("run", "which notebook? give the path of an .ipynb file", USAGE);
    if (positionals.length > 1) return usageError("run", `one notebook at a time (got "${positionals[0]}" and "${positionals[1]}")`, USAGE);
    const seconds = values.timeout === undefined ? undefined : Number(values.timeout);
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) return usageError("run", `--timeout takes a positive number of seconds, got "${values.timeout}"`, USAGE);
    if (values.inplace && values.out) return usageError("run", "--inplace and --out exclude each other", USAGE);
    const out = values.inplace ? positionals[0] : values.out;
    const file = path.resolve(positionals[0]);
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
    if (!values.json) console.log(`running ${relative && !relative.startsWith("..") ? relative : file} (${count} cells)`);
    // Progress bars inside the kernel go to its own output; the runner's own stdout stays ours.
    const run = await runNotebook(notebook, {
      cwd: path.dirname(file),
      // Undefined: the notebook's metadata, else the default.
      timeoutMs: seconds === undefined ? undefined : seconds * 1000,
      stopOnError: !values["keep-going"],
      onCell: values.json ? undefined : (index, result) => logCell(index, count, result),
    });
    if (out) await writeNotebook(path.resolve(out), run.notebook);
    if (values.json) {
      console.log(JSON.stringify({ cells: run.cells.map(({ index, status, ms }) => ({ index, status, ms })), ok: run.ok, ms: run.ms }));
    } else {
      const failed = run.cells.filter((c) => c.status !== "ok" && c.status !== "skipped");
      const ran = run.cells.filter((c) => c.status !== "skipped").length;
      console.log(run.ok ? `ok: ${ran} code cells in ${run.ms} ms` : `FAILED: ${failed.map((c) => `cell ${c.index} ${c.status}`).join(", ")} (${run.ms} ms)`);
      if (out) console.log(`wrote ${out}`);
    }
    return run.ok ? 0 : 1;
  },
};
