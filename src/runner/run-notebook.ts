/**
 * Runs a notebook top to bottom in a fresh kernel, like "Restart kernel and run all cells".
 * With stopOnError (the default) the cells after a failure are marked "aborted" and not run;
 * without it, every cell runs, and a kernel that died is replaced by a fresh one so later cells still get a verdict.
 *
 * Time limits: a notebook may declare its own per-cell budget in its metadata, `{"bertlab": {"timeout": 900}}`
 * (seconds), or one cell in that cell's metadata; `cellTimeoutMs` says which limit a cell gets.
 *
 * Language: the kernel gets BERTLAB_LANG from the notebook's metadata.bertlab.lang (the Korean edition says
 * "ko"), so `check()` speaks the edition's language (src/check/lang.ts); `env.BERTLAB_LANG` given here wins.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { cellSource, readNotebook, type NbOutput, type Notebook } from "../notebook";
import { notebookLang } from "../check/lang";
import { DEFAULT_CELL_TIMEOUT_MS, Kernel, type CellStatus, type ExecuteResult, type KernelOptions } from "./kernel";

export interface TimeoutOptions {
  /** A fixed limit for every cell, in ms; overrides what the notebook declares (e.g. `bertlab run --timeout`). */
  timeoutMs?: number;
  /** For cells of a notebook that declares nothing; default DEFAULT_CELL_TIMEOUT_MS (20 minutes). */
  defaultTimeoutMs?: number;
  /** The most a notebook may declare for itself (a grader's cap); no cap by default. */
  maxTimeoutMs?: number;
}

export interface RunOptions extends KernelOptions, TimeoutOptions {
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

/** A positive number of seconds declared as metadata.bertlab.timeout, or undefined. */
function declaredSeconds(metadata: Record<string, unknown> | undefined): number | undefined {
  const bertlab = metadata?.bertlab as { timeout?: unknown } | undefined;
  const t = bertlab?.timeout;
  return typeof t === "number" && Number.isFinite(t) && t > 0 ? t : undefined;
}

/**
 * The time limit of one cell, in ms: the caller's fixed `timeoutMs` if given; else the cell's own
 * metadata.bertlab.timeout, else the notebook's, capped by `maxTimeoutMs`; else `defaultTimeoutMs`.
 * Graders call this with their cap so a notebook can ask for more time but not for unlimited time.
 */
export function cellTimeoutMs(notebook: Notebook, index: number, opts: TimeoutOptions = {}): number {
  if (opts.timeoutMs !== undefined) return opts.timeoutMs;
  const declared = declaredSeconds(notebook.cells[index]?.metadata) ?? declaredSeconds(notebook.metadata);
  if (declared === undefined) return opts.defaultTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  return Math.min(declared * 1000, opts.maxTimeoutMs ?? Infinity);
}

/** "cell 7 (`await model.fit(...`)": how a message names a cell. */
export function describeCell(index: number, source: string): string {
  const first = source.split("\n").find((l) => l.trim() !== "" && !/^\s*\/\//.test(l))?.trim() ?? "";
  return `cell ${index}${first ? ` (\`${first.length > 60 ? `${first.slice(0, 57)}...` : first}\`)` : ""}`;
}

/** Drops the protocol-only display_id so the outputs are valid nbformat. */
function fileOutput(out: NbOutput): NbOutput {
  if (out.output_type !== "display_data" || out.transient === undefined) return { ...out };
  return { output_type: "display_data", data: out.data, metadata: out.metadata };
}

/**
 * The kernel's environment: the caller's, plus BERTLAB_LANG from the notebook's edition (else the one this
 * process has, else "en"). Always set, so a kernel never falls back to guessing from JPY_SESSION_NAME.
 */
export function kernelEnv(nb: Notebook, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { BERTLAB_LANG: notebookLang(nb) ?? process.env.BERTLAB_LANG ?? "en", ...env };
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
        kernel = await Kernel.start({ ...opts, cwd, env: kernelEnv(notebook, opts.env) });
      }
      const source = cellSource(cell);
      const result = await kernel.execute(source, { timeoutMs: cellTimeoutMs(notebook, index, opts) });
      if (result.status === "timeout" && result.error) result.error = `${describeCell(index, source)} ${result.error}`;
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
