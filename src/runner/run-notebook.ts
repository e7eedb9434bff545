/**
 * Runs a notebook top to bottom in a fresh kernel, like "Restart kernel and run all cells".
 * With stopOnError (the default) the cells after a failure are marked "aborted" and not run;
 * without it, every cell runs, and a kernel that died is replaced by a fresh one so later cells still get a verdict.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { cellSource, readNotebook, type NbOutput, type Notebook } from "../notebook";
import { Kernel, type CellStatus, type ExecuteResult, type KernelOptions } from "./kernel";

export interface RunOptions extends KernelOptions {
  /** Per cell; default 60 000. */
  timeoutMs?: number;
  /** Default true. */
  stopOnError?: boolean;
  /** Called after each cell (also for skipped and aborted ones). */
  onCell?: (index: number, result: ExecuteResult) => void;
}

export interface CellRun {
  index: number;
  status: CellStatus;
  ms: number;
}

export interface NotebookRun {
  /** A copy of the notebook with outputs and execution counts filled in. */
  notebook: Notebook;
  cells: CellRun[];
  /** True when every code cell ran "ok" (skipped cells do not count against it). */
  ok: boolean;
  ms: number;
  /** Per cell index, the error text of cells that did not succeed. */
  errors: Record<number, string>;
}

/** Drops the protocol-only display_id so the outputs are valid nbformat. */
function fileOutput(out: NbOutput): NbOutput {
  if (out.output_type !== "display_data" || out.transient === undefined) return { ...out };
  return { output_type: "display_data", data: out.data, metadata: out.metadata };
}

export async function runNotebook(nb: Notebook | string, opts: RunOptions = {}): Promise<NotebookRun> {
  const started = performance.now();
  const source = typeof nb === "string" ? await readNotebook(nb) : nb;
  const cwd = opts.cwd ?? (typeof nb === "string" ? path.dirname(path.resolve(nb)) : process.cwd());
  const notebook: Notebook = structuredClone(source);
  const stopOnError = opts.stopOnError ?? true;
  const cells: CellRun[] = [];
  const errors: Record<number, string> = {};
  const results: ExecuteResult[] = [];
  let kernel: Kernel | undefined;
  let stopped = false;

  const record = (index: number, result: ExecuteResult) => {
    cells.push({ index, status: result.status, ms: result.ms });
    results[index] = result;
    if (result.error !== undefined && result.status !== "ok") errors[index] = result.error;
    opts.onCell?.(index, result);
  };

  try {
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== "code" || cellSource(cell).trim() === "") {
        if (cell.cell_type === "code") {
          cell.outputs = [];
          cell.execution_count = null;
        }
        record(index, { status: "skipped", outputs: [], ms: 0 });
        continue;
      }
      if (stopped) {
        cell.outputs = [];
        cell.execution_count = null;
        record(index, { status: "aborted", outputs: [], ms: 0, error: "not run: an earlier cell failed" });
        continue;
      }
      if (!kernel || kernel.exited) {
        await kernel?.shutdown();
        kernel = await Kernel.start({ ...opts, cwd });
      }
      const result = await kernel.execute(cellSource(cell), { timeoutMs: opts.timeoutMs });
      cell.execution_count = result.executionCount ?? null;
      record(index, result);
      if (result.status !== "ok" && stopOnError) stopped = true;
    }
  } finally {
    await kernel?.shutdown();
  }
  // Outputs are copied only now: a display update may rewrite an earlier cell's output until the very end.
  for (const [index, result] of results.entries()) {
    const cell = notebook.cells[index];
    if (result && cell?.cell_type === "code" && result.status !== "skipped" && result.status !== "aborted") cell.outputs = result.outputs.map(fileOutput);
  }
  const ok = cells.every((c) => c.status === "ok" || c.status === "skipped");
  return { notebook, cells, ok, ms: Math.round(performance.now() - started), errors };
}
