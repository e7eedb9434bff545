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
import { readFileSync } from "fs";
import { cellSource, type NbOutput } from "bertlab/notebook";
import { Kernel, type CellStatus, type ExecuteResult } from "bertlab/runner";
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

/** Something that may be the machine's fault rather than the student's; the grader retries the notebook. */
export interface Suspicion {
  kind: "overload" | "killed";
  reason: string;
}

export interface ExecuteOutcome {
  cells: CellOutcome[];
  questions: Map<string, QuestionOutcome>;
  incidents: Incident[];
  kernelStarts: number;
  ms: number;
  /** Set when the machine, not the student, stopped grading: the kernel did not start, or the grader's own preamble failed before any student code ran. */
  infrastructure?: string;
  /** Timeouts while the machine was overloaded, kernels killed from outside: retried before anything is charged to the student. */
  suspicions: Suspicion[];
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
  /**
   * A command put in front of the kernel's own (before the sandbox wrapper); it must end by running
   * its arguments. For fault injection in tests: a command that exits, or one that takes a port.
   */
  kernelPrefix?: string[];
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

/** A thread's time on a CPU and waiting for one, ns, from /proc/<pid>/schedstat (Linux); null elsewhere or once it has gone. */
function schedstat(pid: number | undefined): { cpu: number; wait: number; at: number } | null {
  if (pid === undefined || pid <= 0) return null;
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    if (!Number.isFinite(cpu) || !Number.isFinite(wait)) return null;
    return { cpu, wait, at: Number(process.hrtime.bigint()) };
  } catch {
    return null;
  }
}

/**
 * How much longer than its timeout a cell may run, in wall time, while the machine starves it of
 * CPU. Past this the run is abandoned as an infrastructure failure and retried.
 */
export const OVERLOAD_WALL_FACTOR = 8;

type Usage = { cpuMs: number; waitMs: number; wallMs: number };

/**
 * Watches the kernel's main thread (where JavaScript runs) while a cell runs, and calls `onExpired`
 * once the cell has had its full timeout of *unstarved* time: wall time less the time it spent
 * waiting for a CPU it wanted. On an idle machine that is plain wall time, as before; on an
 * overloaded one the deadline moves out by exactly the time the machine took away, so a grade does
 * not depend on what else the machine was doing.
 */
class CpuWatch {
  private readonly first: ReturnType<typeof schedstat>;
  private last: ReturnType<typeof schedstat>;
  private timer?: NodeJS.Timeout;
  expired = false;

  constructor(private readonly pid: number | undefined, budgetMs: number, onExpired: () => void) {
    this.first = schedstat(pid);
    this.last = this.first;
    if (!this.first) return;
    this.timer = setInterval(() => {
      this.last = schedstat(this.pid) ?? this.last;
      const u = this.usage();
      if (!this.expired && u && u.wallMs - u.waitMs >= budgetMs) {
        this.expired = true;
        clearInterval(this.timer);
        onExpired();
      }
    }, 100);
    this.timer.unref();
  }

  /** Whether CPU time can be measured here (Linux with schedstats). */
  get measuring(): boolean {
    return this.first !== null;
  }

  usage(): Usage | null {
    if (!this.first || !this.last || this.last === this.first) return null;
    return { cpuMs: (this.last.cpu - this.first.cpu) / 1e6, waitMs: (this.last.wait - this.first.wait) / 1e6, wallMs: (this.last.at - this.first.at) / 1e6 };
  }

  stop(): Usage | null {
    clearInterval(this.timer);
    this.last = schedstat(this.pid) ?? this.last;
    return this.usage();
  }
}

/** Why a cell stopped at the wall-time cap is the machine's fault: it never had its timeout's worth of CPU. */
export function overloadReason(usage: Usage | null, what: string, timeoutMs: number): string {
  if (!usage || usage.wallMs <= 0) return "";
  if (usage.wallMs - usage.waitMs >= timeoutMs) return "";
  // The cell must also have spent most of its wall time queued for a CPU: a few hundred ms of waiting
  // (the sampling interval, a busy moment) is normal on any machine and excuses nothing.
  if (usage.waitMs < usage.wallMs / 2) return "";
  return `${what} could not finish because the machine was overloaded: in ${(usage.wallMs / 1000).toFixed(1)} s its kernel waited ${(usage.waitMs / 1000).toFixed(1)} s for a CPU and ran ${(usage.cpuMs / 1000).toFixed(1)} s`;
}

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
    suspicions: [],
  };
  /**
   * Runs one cell with a timeout counted in unstarved time (see CpuWatch). The runner's own wall
   * timeout stays as a backstop at OVERLOAD_WALL_FACTOR times the limit; a cell stopped there
   * without having had its time is the machine's fault, and the notebook is retried.
   */
  const run = async (kernel: Kernel, code: string, what: string): Promise<ExecuteResult> => {
    let stopping: Promise<void> | undefined;
    const grace = 3000;
    const watch = new CpuWatch(kernel.kernelPid, opts.timeoutMs, () => {
      // The same steps as the runner's own timeout: interrupt, then kill what ignores it.
      stopping = (async () => {
        await kernel.interrupt();
        const settled = await Promise.race([pending.then(() => true), sleep(grace).then(() => false)]);
        if (!settled) await kernel.shutdown();
      })();
    });
    const pending = kernel.execute(code, { timeoutMs: watch.measuring ? opts.timeoutMs * OVERLOAD_WALL_FACTOR : opts.timeoutMs, interruptGraceMs: grace });
    let r = await pending;
    const usage = watch.stop();
    if (stopping) await stopping;
    if (watch.expired && r.status !== "ok") {
      r = { ...r, status: "timeout", error: `ran longer than its ${opts.timeoutMs / 1000} s limit and was stopped${r.status === "crashed" ? " (it ignored the interrupt, so the kernel was killed)" : ""}` };
    } else if (r.status === "timeout") {
      const why = watch.measuring ? overloadReason(usage, what, opts.timeoutMs) : "";
      if (why) outcome.suspicions.push({ kind: "overload", reason: why });
    } else if ((r.status === "crashed" || kernel.exited) && /killed by SIGKILL/.test(`${r.error ?? ""}`)) {
      // Our own kills come with a timeout; a SIGKILL out of the blue is the OOM killer or an operator.
      outcome.suspicions.push({ kind: "killed", reason: `${what}: the kernel was killed from outside (SIGKILL)` });
    }
    return r;
  };
  const skip = new Set<number>();
  // Cells that crashed a kernel after an earlier cell of that kernel had failed: retried once in a fresh kernel
  // without the failed cells. A memory bomb caught as an error in q2 can leave too little memory for q3's cells;
  // q3 must not pay for it.
  const retried = new Set<number>();
  const record = (i: number, r: ExecuteResult) => {
    outcome.cells[i] = { status: r.status, ms: r.ms, outputs: limitOutputs(r.outputs, outputLimit), error: r.error };
  };
  let stopReason = "";

  for (let attempt = 0; attempt <= maxRestarts; attempt++) {
    let kernel: Kernel;
    try {
      const wrapper = [...(opts.kernelPrefix ?? []), ...opts.sandbox.wrapper];
      kernel = await Kernel.start({ cwd: opts.sandbox.cwd, env: opts.sandbox.env, nodeArgs: opts.sandbox.nodeArgs, wrapper, startupTimeoutMs: opts.startupTimeoutMs ?? 30_000 });
    } catch (e) {
      stopReason = `the kernel did not start: ${errorSummary((e as Error).message)}`;
      // No student code has run in this kernel: whatever stopped it, the machine is to blame.
      outcome.infrastructure = stopReason;
      break;
    }
    outcome.kernelStarts++;
    let restart = false;
    try {
      const pre = await run(kernel, `require(${harness}).arm("${key}");`, "the grader's preamble");
      if (pre.status !== "ok") {
        stopReason = `the grader's preamble failed (${pre.status}): ${errorSummary(pre.error)}`;
        outcome.infrastructure = stopReason;
        break;
      }
      let seq = 0;
      const failedHere: number[] = [];
      /** On a kernel death in cell i: if earlier cells of this kernel failed, drop them and run i again in a fresh kernel. */
      const retryWithoutFailed = (i: number): boolean => {
        const suspects = failedHere.filter((j) => j < i);
        if (suspects.length === 0 || retried.has(i)) return false;
        retried.add(i);
        for (const j of suspects) skip.add(j);
        return true;
      };
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
        const r = await run(kernel, code, label(cells, i));
        record(i, r);
        const died = r.status === "timeout" || r.status === "crashed" || kernel.exited;
        if (r.status === "error" && !c.question) failedHere.push(i);
        if (r.status === "crashed" && retryWithoutFailed(i)) {
          restart = true;
          break;
        }
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
          gradeCell = await run(kernel, `await require(${harness}).grade(${JSON.stringify(c.question)}, "${token("grade", c.question)}");`, `the grading of ${c.question}`);
          if (gradeCell.status === "crashed" && retryWithoutFailed(i)) {
            restart = true;
            break;
          }
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
