/**
 * Runs one restored notebook in a fresh, sandboxed tslab kernel and collects each question's
 * test results from the grader's own channel (see src/check/grading.ts).
 *
 * Cells run in order. Around each test cell the grader adds two cells of its own: one that lets
 * only that question register tests, one that runs them and emits the signed results. A cell that
 * times out or kills the kernel is recorded, the kernel is replaced, and the notebook is re-run
 * without that cell (questions already graded are not re-run), so one infinite loop costs the
 * student the question it is in, not the whole notebook.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";
import { cellSource, type NbOutput } from "bertlab/dist/notebook";
import { Kernel, type CellStatus, type ExecuteResult } from "bertlab/dist/runner";
import type { GradedCell } from "./restore";
import type { KernelSandbox } from "./sandbox";

export const RESULTS_MIME = "application/vnd.bertlab.results+json";

export interface TestOutcome {
  name: string;
  hidden: boolean;
  status: "passed" | "failed" | "error";
  message: string;
  ms: number;
}

export type QuestionStatus = "passed" | "failed" | "error" | "timeout" | "crashed";

export interface QuestionOutcome {
  gradeId: string;
  status: QuestionStatus;
  tests: TestOutcome[];
  reason: string;
}

export interface CellOutcome {
  status: CellStatus | "not-run";
  ms: number;
  outputs: NbOutput[];
  error?: string;
}

export interface Incident {
  cell: number;
  status: "timeout" | "crashed";
  reason: string;
}

export interface ExecuteOutcome {
  cells: CellOutcome[];
  questions: Map<string, QuestionOutcome>;
  incidents: Incident[];
  kernelStarts: number;
  ms: number;
}

export interface ExecuteOptions {
  sandbox: KernelSandbox;
  /** Absolute path of bertlab's check/grading.js, as the kernel will resolve it. */
  harness: string;
  timeoutMs: number;
  /** Fresh kernels after a timeout or crash, per notebook (default 2). */
  maxRestarts?: number;
  startupTimeoutMs?: number;
  /** Stored output text per cell, bytes; more is cut with a note (default 100 000). */
  outputLimit?: number;
}

interface ResultsPayload {
  v: number;
  gradeId: string;
  seq: number;
  registered: boolean;
  tests: TestOutcome[];
}

/** Finds the harness's signed results among a grader cell's outputs; anything unsigned is ignored. */
export function readResults(outputs: NbOutput[], key: string, gradeId: string, seq: number): ResultsPayload | null {
  for (const out of outputs) {
    if (out.output_type !== "display_data" && out.output_type !== "execute_result") continue;
    let value = out.data[RESULTS_MIME];
    if (Array.isArray(value)) value = value.join("");
    if (typeof value !== "string") continue;
    try {
      const { payload, mac } = JSON.parse(value) as { payload?: unknown; mac?: unknown };
      if (typeof payload !== "string" || typeof mac !== "string" || !/^[0-9a-f]{64}$/.test(mac)) continue;
      const expected = createHmac("sha256", key).update(payload).digest();
      if (!timingSafeEqual(expected, Buffer.from(mac, "hex"))) continue;
      const parsed = JSON.parse(payload) as ResultsPayload;
      if (parsed.v === 1 && parsed.gradeId === gradeId && parsed.seq === seq && Array.isArray(parsed.tests)) return parsed;
    } catch {
      // not JSON: not ours
    }
  }
  return null;
}

/** The student-facing part of a kernel error: TypeScript diagnostics or the error line, no stack. */
export function errorSummary(text: string | undefined, max = 400): string {
  if (!text) return "";
  const lines = text.split("\n").map((l) => l.trimEnd());
  const noise = [/^\s+at /, /^\s*\^+\s*$/, /^node:/, /^Node\.js v/, /^\s*(return|const|let|throw) .*;$/, /Warning: /, /--trace-warnings/, /Native stack trace/, /^\s*\d+: 0x[0-9a-f]+ /, /its stderr ends with:$/];
  const useful = lines.filter((l) => l && !noise.some((re) => re.test(l)));
  const diag = useful.filter((l) => /^\d+:\d+ - /.test(l));
  const picked = (diag.length ? diag : useful).slice(0, 4).join("; ");
  return picked.length > max ? `${picked.slice(0, max)}…` : picked;
}

function limitOutputs(outputs: NbOutput[], limit: number): NbOutput[] {
  let budget = limit;
  const kept: NbOutput[] = [];
  for (const out of outputs) {
    if (out.output_type === "stream") {
      const text = Array.isArray(out.text) ? out.text.join("") : out.text;
      if (text.length > budget) {
        kept.push({ ...out, text: `${text.slice(0, Math.max(0, budget))}\n[… ${text.length - budget} more characters of output cut by the grader]\n` });
        budget = 0;
        continue;
      }
      budget -= text.length;
      kept.push(out);
    } else if (out.output_type === "display_data" || out.output_type === "execute_result") {
      if (RESULTS_MIME in out.data) continue;
      const size = JSON.stringify(out.data).length;
      if (size > budget) {
        kept.push({ output_type: "stream", name: "stdout", text: `[a ${size}-byte display output was cut by the grader]\n` });
        continue;
      }
      budget -= size;
      kept.push(out);
    } else {
      kept.push(out);
    }
  }
  return kept;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function label(cells: GradedCell[], i: number): string {
  const c = cells[i];
  if (c.question) return `cell ${i} (tests of ${c.question})`;
  if (c.gradeId) return `cell ${i} (${c.gradeId})`;
  return `cell ${i}`;
}

export async function executeGraded(cells: GradedCell[], opts: ExecuteOptions): Promise<ExecuteOutcome> {
  const started = Date.now();
  // The key goes to the kernel once, in the preamble, before any student code runs; later grader
  // code carries only one-time tokens derived from it (see src/check/grading.ts).
  const key = randomBytes(32).toString("hex");
  const token = (action: "open" | "grade", gradeId: string) => createHmac("sha256", key).update(`${action}:${gradeId}`).digest("hex");
  const harness = JSON.stringify(opts.harness);
  const outputLimit = opts.outputLimit ?? 100_000;
  const maxRestarts = opts.maxRestarts ?? 2;
  const outcome: ExecuteOutcome = {
    cells: cells.map(() => ({ status: "not-run", ms: 0, outputs: [] })),
    questions: new Map(),
    incidents: [],
    kernelStarts: 0,
    ms: 0,
  };
  const skip = new Set<number>();
  const record = (i: number, r: ExecuteResult) => {
    outcome.cells[i] = { status: r.status, ms: r.ms, outputs: limitOutputs(r.outputs, outputLimit), error: r.error };
  };
  let stopReason = "";

  for (let attempt = 0; attempt <= maxRestarts; attempt++) {
    let kernel: Kernel;
    try {
      kernel = await Kernel.start({ cwd: opts.sandbox.cwd, env: opts.sandbox.env, nodeArgs: opts.sandbox.nodeArgs, wrapper: opts.sandbox.wrapper, startupTimeoutMs: opts.startupTimeoutMs ?? 30_000 });
    } catch (e) {
      stopReason = `the kernel did not start: ${errorSummary((e as Error).message)}`;
      break;
    }
    outcome.kernelStarts++;
    let restart = false;
    try {
      const pre = await kernel.execute(`require(${harness}).arm("${key}");`, { timeoutMs: opts.timeoutMs });
      if (pre.status !== "ok") {
        stopReason = `the grader's preamble failed (${pre.status}): ${errorSummary(pre.error)}`;
        break;
      }
      let seq = 0;
      for (let i = 0; i < cells.length && !restart; i++) {
        const c = cells[i];
        if (skip.has(i) || c.cell.cell_type !== "code") continue;
        if (c.question && outcome.questions.has(c.question)) continue; // graded by an earlier kernel
        const source = cellSource(c.cell);
        if (!source.trim() && !c.question) continue;
        // The grader's calls ride on the test cell itself (first line and a last line, so diagnostics keep
        // their line numbers): one round trip instead of three. If the cell does not compile, the
        // harness is asked separately, and reports that nothing was registered.
        const code = c.question
          ? `require(${harness}).open(${JSON.stringify(c.question)}, "${token("open", c.question)}"); ${source}\n;await require(${harness}).grade(${JSON.stringify(c.question)}, "${token("grade", c.question)}");`
          : source;
        const r = await kernel.execute(code, { timeoutMs: opts.timeoutMs });
        record(i, r);
        const died = r.status === "timeout" || r.status === "crashed" || kernel.exited;
        if (died && !c.question) {
          const status = r.status === "timeout" ? "timeout" : "crashed";
          const why = r.status === "timeout" ? `ran longer than ${opts.timeoutMs / 1000} s and was stopped` : `stopped the kernel (${errorSummary(r.error) || "the process exited"})`;
          outcome.incidents.push({ cell: i, status, reason: `${label(cells, i)} ${why}` });
          skip.add(i);
          restart = true;
          break;
        }
        if (!c.question) continue;
        if (died) {
          const status = r.status === "timeout" ? "timeout" : "crashed";
          const why = r.status === "timeout" ? `ran longer than ${opts.timeoutMs / 1000} s and were stopped` : `stopped the kernel (${errorSummary(r.error) || "the process exited"})`;
          outcome.questions.set(c.question, { gradeId: c.question, status, tests: [], reason: `the tests of ${c.question} ${why}` });
          skip.add(i);
          restart = true;
          break;
        }
        let results = readResults(r.outputs, key, c.question, seq + 1);
        let gradeCell: ExecuteResult = r;
        if (results) seq++;
        else {
          gradeCell = await kernel.execute(`await require(${harness}).grade(${JSON.stringify(c.question)}, "${token("grade", c.question)}");`, { timeoutMs: opts.timeoutMs });
          if (gradeCell.status === "timeout" || gradeCell.status === "crashed" || kernel.exited) {
            outcome.questions.set(c.question, { gradeId: c.question, status: gradeCell.status === "timeout" ? "timeout" : "crashed", tests: [], reason: `the tests of ${c.question} did not finish (${gradeCell.status})` });
            skip.add(i);
            restart = true;
            break;
          }
          // The harness counts every grade() call, including one the test cell made before failing.
          results = readResults(gradeCell.outputs, key, c.question, seq + 1) ?? readResults(gradeCell.outputs, key, c.question, seq + 2);
          if (results) seq = results.seq;
        }
        outcome.questions.set(c.question, judge(c.question, r, gradeCell, results));
      }
    } finally {
      await kernel.shutdown();
    }
    if (!restart) break;
    if (attempt === maxRestarts) stopReason = `the kernel was stopped ${attempt + 1} times; later cells were not run`;
    await sleep(0);
  }

  // Questions never reached: say why, attributing an incident in the question's own cells if there is one.
  let prevTest = -1;
  cells.forEach((c, i) => {
    if (!c.question) return;
    const mine = outcome.incidents.filter((inc) => inc.cell > prevTest && inc.cell <= i);
    let q = outcome.questions.get(c.question);
    // Errors in the cells leading up to the tests usually explain a failure better than the tests do.
    const failedCells = outcome.cells
      .map((cell, j) => ({ cell, j }))
      .filter(({ cell, j }) => j > prevTest && j < i && cell.status === "error")
      .map(({ cell, j }) => `${label(cells, j)} failed: ${errorSummary(cell.error, 200)}`);
    if (q && q.status !== "passed" && failedCells.length > 0) q = { ...q, reason: `${q.reason}; before that, ${failedCells.join("; ")}` };
    if (q) outcome.questions.set(c.question, q);
    if (mine.length > 0 && (!q || q.status !== "passed")) {
      const inc = mine[mine.length - 1];
      const detail = q ? `; then ${q.reason}` : "";
      outcome.questions.set(c.question, { gradeId: c.question, status: inc.status, tests: q?.tests ?? [], reason: `${inc.reason}${detail}` });
    } else if (!q) {
      const last = outcome.incidents[outcome.incidents.length - 1];
      outcome.questions.set(c.question, {
        gradeId: c.question,
        status: last ? last.status : "error",
        tests: [],
        reason: `not graded: ${stopReason || (last ? last.reason : "the notebook stopped early")}`,
      });
    }
    prevTest = i;
  });
  outcome.ms = Date.now() - started;
  return outcome;
}

/** A question's status from its test cell's run and the harness's signed results. */
function judge(gradeId: string, testCell: ExecuteResult, gradeCell: ExecuteResult, results: ResultsPayload | null): QuestionOutcome {
  // Tests count only when their cell ran cleanly: a failed cell may not have registered them (or a
  // student hook may have spent the grader's token), and its results prove nothing.
  if (testCell.status !== "ok") {
    return { gradeId, status: "error", tests: results?.tests ?? [], reason: `the test cell failed: ${errorSummary(testCell.error) || testCell.status}` };
  }
  if (!results) {
    return { gradeId, status: "error", tests: [], reason: `no authentic results came back from the grader's harness (${gradeCell.status}${gradeCell.error ? `: ${errorSummary(gradeCell.error)}` : ""})` };
  }
  if (!results.registered || results.tests.length === 0) {
    return { gradeId, status: "error", tests: [], reason: "the test cell registered no tests" };
  }
  const failing = results.tests.filter((t) => t.status !== "passed");
  if (failing.length === 0) return { gradeId, status: "passed", tests: results.tests, reason: `all ${results.tests.length} tests passed` };
  const reasons = failing.map((t) => (t.hidden ? `hidden test "${t.name}" failed` : `"${t.name}": ${t.message.split("\n")[0]}`));
  return { gradeId, status: "failed", tests: results.tests, reason: `${failing.length}/${results.tests.length} tests failed: ${reasons.join("; ")}` };
}
