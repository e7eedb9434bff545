/**
 * A real tslab kernel in its own process, driven over the Jupyter messaging protocol.
 *
 * Lifecycle: write a connection file, spawn `node tslab kernel --config-path <file>`, connect
 * shell/control (DEALER) and iopub (SUB) sockets, then repeat kernel_info_request until both
 * its reply and an iopub status for it arrive: only then are iopub messages known not to be
 * lost to the subscriber's slow join.
 *
 * A cell is done only when its execute_reply AND the iopub "idle" status with its msg_id as parent have both
 * arrived: iopub keeps order, so the idle comes after every output of the cell. If the reply is in but the
 * idle is not (a kernel or network that dropped it), a kernel_info_request on the control channel serves as a
 * barrier: once its own idle arrives, nothing the cell sent earlier is still on its way.
 *
 * tslab quirks absorbed here (bertlab patches tslab at install time, patches/README.md; the runner also copes
 * with an unpatched tslab):
 * - an error is stderr text plus an execute_reply with status "error" (no ename, no error message);
 * - for ~200 ms after an error, tslab answers new requests with status "abort": wait and resend;
 * - interrupts are SIGINT only (no interrupt_request); a synchronous loop entered after an
 *   `await` cannot be interrupted, so a timeout escalates to SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import type { Dealer, Subscriber } from "zeromq";
import type { NbOutput } from "../notebook";
import { address, newConnectionInfo, releasePorts, RuntimeDir, type ConnectionInfo } from "./connection";
import { CellOutputs, DisplayRegistry } from "./outputs";
import { findNodePid, killQuietly } from "./process";
import { ensureTslabPatched, ORPHAN_GUARD, tslabBin } from "./tslab";
import { sleep, within } from "./wait";
import { decode, encode, newMessage, type Message } from "./wire";

export interface KernelOptions {
  /** Kernel working directory (default: the notebook's folder for runNotebook(path), else process.cwd()). */
  cwd?: string;
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra node flags for the kernel process, e.g. ["--max-old-space-size=1024"]. */
  nodeArgs?: string[];
  /**
   * A command prefix such as ["bwrap", ...args, "--"]. Interrupts are sent to the node process inside it
   * (found through /proc by its connection file), kills to it and to the wrapper's process group.
   */
  wrapper?: string[];
  /** Default 60 000. */
  startupTimeoutMs?: number;
  /** How many kernels Kernel.start tries when one fails to start for a reason a retry can fix (a port taken meanwhile). Default 3. */
  startAttempts?: number;
  /** The tslab launcher to run (`.../tslab/bin/tslab`); default bertlab's own dependency. */
  tslabBin?: string;
  /** For tests: connection details for the first attempt, e.g. a port that is already taken. */
  firstConnection?: Partial<ConnectionInfo>;
}

export type CellStatus = "ok" | "error" | "timeout" | "crashed" | "aborted" | "skipped";

export interface ExecuteResult {
  status: CellStatus;
  outputs: NbOutput[];
  ms: number;
  /** For anything but "ok": the cell's stderr text, or why it did not finish. */
  error?: string;
  /** The kernel's execution counter for this cell, when it got one. */
  executionCount?: number;
}

/** Per cell, when neither the caller nor the notebook says otherwise: long enough for every shipped lesson on a slow laptop. */
export const DEFAULT_CELL_TIMEOUT_MS = 20 * 60_000;

export interface ExecuteOptions {
  /** Default DEFAULT_CELL_TIMEOUT_MS. On expiry the cell is interrupted (SIGINT), then the kernel is killed. */
  timeoutMs?: number;
  /** How long an interrupted cell gets to stop before the kernel is killed; default 3000. */
  interruptGraceMs?: number;
}

export class KernelStartError extends Error {
  /**
   * @param portInUse a port was taken between allocation and bind
   * @param retryable a fresh kernel with new ports may well start (port taken, a socket busy binding, iopub silent)
   */
  constructor(message: string, readonly portInUse = false, readonly retryable = portInUse) {
    super(message);
    this.name = "KernelStartError";
  }
}

/** Kernel stderr that means this start failed for a reason a fresh kernel with new ports does not share. */
const RETRYABLE_START_FAILURE = /EADDRINUSE|Address already in use|blocked by a bind or unbind|cannot listen on/;

/** One request in flight: done once its reply and its iopub "idle" status are both in (or the kernel died). */
interface Pending {
  outputs: CellOutputs;
  reply?: Message;
  idle: boolean;
  crashed: boolean;
  done: Promise<void>;
  settle: () => void;
}

const ABORT_WINDOW_MS = 210; // tslab rejects requests for 200 ms after an error...
const ABORT_RETRY_MS = 100; // ...and if one still lands inside it, it is resent
// Reply in, idle not: outputs may still be on their way (a patched tslab queues them; the reply travels on shell).
// Only once iopub has been silent this long does a barrier request find out whether it still flows.
const IOPUB_SILENCE_MS = 3000;
const BARRIER_TIMEOUT_MS = 30_000; // no idle for the barrier either, and still silence: the output channel is lost
const POLL_MS = 250;
const STDERR_TAIL = 8192;

/** Kernels still alive, killed synchronously if this process exits without shutting them down. */
const liveKernels = new Set<Kernel>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const kernel of liveKernels) kernel.killNow();
  });
}

export class Kernel {
  /** Called for every output as it arrives, including late output of an earlier cell and in-place display updates. */
  onDisplay?: (output: NbOutput) => void;
  /** Every decoded iopub message, for tests and debugging. */
  onMessage?: (msg: Message) => void;
  /** Milliseconds from spawn to the first kernel_info round trip. */
  startupMs = 0;

  private readonly session = randomUUID();
  private readonly runtime = new RuntimeDir();
  private proc!: ChildProcess;
  /** The node process running tslab: `proc` itself, or under a wrapper its descendant (found in /proc). */
  private nodePid?: number;
  private configFile = "";
  private shell!: Dealer;
  private control!: Dealer;
  private iopub!: Subscriber;
  private readonly pending = new Map<string, Pending>();
  /** Output collectors of finished cells by msg_id: tslab keeps sending late output to the last cell. */
  private readonly finished = new Map<string, CellOutputs>();
  private readonly displays = new DisplayRegistry();
  private stderrTail = "";
  private exitDescription?: string;
  private exitPromise!: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private shuttingDown?: Promise<void>;
  /** zeromq.js allows one send in flight per socket: sends are chained per socket. */
  private readonly sendChains = new Map<Dealer, Promise<unknown>>();
  /** performance.now() of the last iopub message. */
  private lastIopubAt = 0;
  /** Until then tslab would answer "abort" (it just reported an error): wait instead of sending. */
  private abortWindowEnds = 0;

  private constructor(
    private readonly opts: KernelOptions,
    private readonly info: ConnectionInfo,
  ) {}

  /** Spawns a fresh tslab kernel and waits until it answers. Retries with new ports if one was taken meanwhile. */
  static async start(opts: KernelOptions = {}): Promise<Kernel> {
    ensureTslabPatched();
    const attempts = Math.max(1, opts.startAttempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      const info = await newConnectionInfo();
      const kernel = new Kernel(opts, attempt === 1 && opts.firstConnection ? { ...info, ...opts.firstConnection } : info);
      try {
        await kernel.boot();
        return kernel;
      } catch (e) {
        await kernel.shutdown();
        if (!(e instanceof KernelStartError && e.retryable && attempt < attempts)) throw e;
      }
    }
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** The pid of node running tslab; differs from `pid` only under a wrapper. */
  get kernelPid(): number | undefined {
    return this.nodePid;
  }

  get exited(): boolean {
    return this.exitDescription !== undefined;
  }

  /** The kernel process's own stderr (not cell output): start-up failures and crashes land here. */
  get processStderr(): string {
    return this.stderrTail;
  }

  private async boot(): Promise<void> {
    installExitHook();
    this.configFile = this.runtime.write("connection.json", JSON.stringify(this.info, null, 1));
    const guardFile = this.runtime.write("orphan-guard.js", ORPHAN_GUARD);
    const nodeArgs = [...(this.opts.nodeArgs ?? []), "--require", guardFile, this.opts.tslabBin ?? tslabBin(), "kernel", "--config-path", this.configFile];
    const [command, ...args] = [...(this.opts.wrapper ?? []), process.execPath, ...nodeArgs];
    const started = performance.now();

    this.proc = spawn(command, args, {
      cwd: this.opts.cwd ?? process.cwd(),
      env: { ...process.env, ...this.opts.env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a terminal's Ctrl-C is the runner's to handle, and one SIGKILL reaches a wrapper and its children.
      detached: true,
    });
    liveKernels.add(this);
    const keepTail = (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    };
    this.proc.stdout!.on("data", keepTail);
    this.proc.stderr!.on("data", keepTail);
    this.exitPromise = new Promise((resolve) => {
      const onExit = (description: string) => {
        if (this.exitDescription !== undefined) return;
        this.exitDescription = description;
        liveKernels.delete(this);
        // A wrapper that died may leave node running (bwrap without a pid namespace does).
        if (this.nodePid !== undefined && this.nodePid !== this.proc.pid) killQuietly(this.nodePid, "SIGKILL");
        for (const p of this.pending.values()) {
          p.crashed = true;
          p.settle();
        }
        this.closeSockets();
        this.runtime.remove(); // nothing reads the connection file of a dead kernel
        resolve();
      };
      this.proc.on("exit", (code, signal) => onExit(signal ? `kernel process was killed by ${signal}` : `kernel process exited with code ${code}`));
      this.proc.on("error", (e) => onExit(`kernel process failed: ${e.message}`));
    });

    const zmq = await import("zeromq");
    this.shell = new zmq.Dealer({ linger: 0 });
    this.control = new zmq.Dealer({ linger: 0 });
    // No high-water mark: a burst of output waits in memory rather than being dropped.
    this.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    this.shell.connect(address(this.info, this.info.shell_port));
    this.control.connect(address(this.info, this.info.control_port));
    this.iopub.connect(address(this.info, this.info.iopub_port));
    this.iopub.subscribe();
    void this.receive(this.shell, (msg) => this.onReply(msg));
    void this.receive(this.control, (msg) => this.onReply(msg));
    void this.receive(this.iopub, (msg) => this.onIopub(msg));

    await this.handshake(this.opts.startupTimeoutMs ?? 60_000);
    this.startupMs = performance.now() - started;
    this.nodePid = this.opts.wrapper?.length ? findNodePid(this.configFile) ?? this.proc.pid : this.proc.pid;
  }

  /**
   * Repeats kernel_info_request until one has both its reply and its iopub idle: only then is the iopub
   * subscription known to be live (a subscriber joins late, and a kernel that could not bind iopub never sends).
   */
  private async handshake(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const attempts: Promise<void>[] = [];
    const requests: Pending[] = [];
    let ready = false;
    let sending = false;
    let interval = POLL_MS;
    while (!ready) {
      const tail = this.stderrTail.trim();
      if (this.exited) {
        throw new KernelStartError(`tslab kernel did not start: ${this.exitDescription}${tail ? `\n${tail}` : ""}`, /EADDRINUSE|Address already in use/.test(tail), RETRYABLE_START_FAILURE.test(tail));
      }
      // An unpatched tslab logs a failed bind and runs on without that socket: no use waiting for it.
      if (RETRYABLE_START_FAILURE.test(tail)) {
        throw new KernelStartError(`tslab kernel could not set up its sockets:\n${tail}`, /EADDRINUSE|Address already in use/.test(tail), true);
      }
      if (performance.now() > deadline) {
        const replied = requests.some((p) => p.reply !== undefined);
        const why = replied
          ? `tslab kernel answered on shell but nothing arrived on iopub (port ${this.info.iopub_port}) within ${timeoutMs} ms`
          : `tslab kernel did not answer kernel_info_request within ${timeoutMs} ms`;
        // A silent iopub is this kernel's problem (its port, its socket), not the notebook's: a fresh one may work.
        throw new KernelStartError(`${why}${tail ? `\n${tail}` : ""}`, false, replied);
      }
      // A Dealer's send waits until the kernel has bound its socket: one request in flight at a time.
      if (!sending) {
        const req = newMessage("kernel_info_request", {}, this.session);
        const p = this.track(req.header.msg_id);
        requests.push(p);
        attempts.push(p.done.then(() => {
          if (!p.crashed) ready = true;
        }));
        sending = true;
        void this.send(this.shell, req).then(() => (sending = false));
      }
      await within(Promise.race([...attempts, this.exitPromise]), interval);
      interval = Math.min(interval * 1.5, 1000); // a slow start (tslab loads TypeScript) needs no flood of requests
    }
    this.pending.clear(); // replies to the spare kernel_info requests are of no interest
  }

  /** Sends one message, after any send still in flight on the same socket; false if the socket is gone. */
  private send(socket: Dealer, msg: Message<unknown>): Promise<boolean> {
    const previous = this.sendChains.get(socket) ?? Promise.resolve();
    const sent = previous.then(async () => {
      if (socket.closed) return false;
      try {
        await socket.send(encode(msg, this.info.key));
        return true;
      } catch {
        return false; // closed while sending: the kernel is gone or shutting down
      }
    });
    this.sendChains.set(socket, sent);
    return sent;
  }

  private async receive(socket: Dealer | Subscriber, handle: (msg: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = decode(frames, this.info.key);
        } catch {
          continue; // unsigned or malformed: not from our kernel
        }
        handle(msg);
      }
    } catch {
      // The socket was closed while waiting: the kernel is gone or shutting down.
    }
  }

  private track(msgId: string): Pending {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const p: Pending = { outputs: new CellOutputs(this.displays, (o) => this.onDisplay?.(o)), idle: false, crashed: false, done, settle };
    this.pending.set(msgId, p);
    return p;
  }

  private onReply(msg: Message): void {
    const p = this.pending.get(msg.parent_header.msg_id ?? "");
    if (!p || p.reply) return;
    p.reply = msg;
    if (p.idle) p.settle();
  }

  private onIopub(msg: Message): void {
    this.lastIopubAt = performance.now();
    this.onMessage?.(msg);
    const parent = msg.parent_header.msg_id ?? "";
    const p = this.pending.get(parent);
    if (p && msg.header.msg_type === "status" && (msg.content as { execution_state?: string }).execution_state === "idle") {
      p.idle = true;
      if (p.reply) p.settle();
      return;
    }
    // A reply to a barrier, or a status of any request: no output.
    if (msg.header.msg_type === "status") return;
    (p?.outputs ?? this.finished.get(parent))?.handle(msg);
  }

  /** Runs one cell. Calls are queued: a kernel runs one cell at a time. */
  execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    const run = this.queue.then(() => this.executeNow(code, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(code: string, opts: ExecuteOptions): Promise<ExecuteResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
    await sleep(this.abortWindowEnds - performance.now());
    const started = performance.now();
    const deadline = started + timeoutMs;
    const elapsed = () => Math.round(performance.now() - started);
    for (;;) {
      if (this.exited) return { status: "crashed", outputs: [], ms: elapsed(), error: this.deathNote() };
      const req = newMessage(
        "execute_request",
        { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        this.session,
      );
      const msgId = req.header.msg_id;
      const p = this.track(msgId);
      if (!(await this.send(this.shell, req))) {
        this.pending.delete(msgId);
        continue; // the kernel is gone: reported as crashed above
      }
      const waited = await this.waitForCell(p, deadline);
      const outputs = p.outputs.outputs;

      if (waited === "lost") {
        this.pending.delete(msgId);
        this.finished.set(msgId, p.outputs);
        return {
          status: "error",
          outputs,
          ms: elapsed(),
          error: `the cell finished, but its outputs stopped arriving: the kernel's iopub channel (port ${this.info.iopub_port}) went silent, so the outputs may be incomplete`,
          executionCount: executionCount(p.reply),
        };
      }
      if (waited === "timeout") {
        const grace = opts.interruptGraceMs ?? 3000;
        await this.interrupt();
        // Stopped once its reply is in (its idle may still wait behind queued output: drain it).
        for (const until = performance.now() + grace; p.reply === undefined && !p.crashed && performance.now() < until; ) await within(p.done, 50);
        const settled = p.reply !== undefined || p.crashed;
        if (p.reply !== undefined && !p.crashed) await this.waitForCell(p, Infinity);
        this.abortWindowEnds = performance.now() + ABORT_WINDOW_MS; // an interrupted cell ends in an error reply
        this.pending.delete(msgId);
        this.finished.set(msgId, p.outputs);
        const limit = formatSeconds(timeoutMs);
        let reason = `ran longer than its ${limit} limit and was interrupted`;
        if (p.crashed) reason = `ran longer than its ${limit} limit; the kernel died when interrupted: ${this.deathNote()}`;
        else if (!settled) {
          reason = `ran longer than its ${limit} limit and ignored the interrupt for ${grace} ms, so the kernel was killed`;
          await this.kill();
        }
        return { status: "timeout", outputs, ms: elapsed(), error: withStderr(`${reason}. ${TIMEOUT_HINT}`, withoutInterruptNoise(p.outputs.stderr)), executionCount: executionCount(p.reply) };
      }
      this.pending.delete(msgId);
      if (p.crashed) {
        return { status: "crashed", outputs, ms: elapsed(), error: withStderr(this.deathNote(), p.outputs.stderr) };
      }
      const status = (p.reply!.content as { status?: string }).status;
      if (status === "error") this.abortWindowEnds = performance.now() + ABORT_WINDOW_MS;
      if (status === "abort" || status === "aborted") {
        if (performance.now() + ABORT_RETRY_MS < deadline) {
          await sleep(ABORT_RETRY_MS);
          continue;
        }
        return { status: "aborted", outputs, ms: elapsed(), error: "the kernel kept aborting the request (it does so for 200 ms after an error)" };
      }
      this.finished.set(msgId, p.outputs);
      if (status === "ok") return { status: "ok", outputs, ms: elapsed(), executionCount: executionCount(p.reply) };
      const content = p.reply!.content as { ename?: string; evalue?: string };
      const error = withoutKernelFrames(p.outputs.stderr).trim() || [content.ename, content.evalue].filter(Boolean).join(": ") || "the kernel reported an error";
      return { status: "error", outputs, ms: elapsed(), error, executionCount: executionCount(p.reply) };
    }
  }

  /**
   * Waits until the cell is done (reply and idle), the deadline passes before its reply, or its outputs are lost.
   * The deadline limits the cell's run, not the delivery of its outputs: once the reply is in, late iopub is drained
   * for as long as it keeps arriving. After IOPUB_SILENCE_MS of silence, a barrier request on the control channel:
   * its iopub idle arriving proves that everything the kernel sent before it has arrived (an unpatched tslab can
   * drop an idle), so the cell's outputs are complete.
   */
  private async waitForCell(p: Pending, deadline: number): Promise<"done" | "timeout" | "lost"> {
    for (;;) {
      const running = p.reply === undefined;
      const wait = running ? Math.max(0, Math.min(deadline - performance.now(), POLL_MS)) : POLL_MS;
      if (await within(p.done, wait)) return "done";
      if (p.crashed || this.exited) return "done"; // reported as crashed
      if (p.reply === undefined) {
        if (performance.now() >= deadline) return "timeout";
        continue;
      }
      if (performance.now() - this.lastIopubAt < IOPUB_SILENCE_MS) continue; // outputs still arriving
      const barrier = await this.iopubBarrier(BARRIER_TIMEOUT_MS);
      if (p.idle || p.crashed || (await within(p.done, 0))) return "done";
      if (barrier) {
        p.settle(); // the idle was dropped on the way; every output before the barrier is in
        return "done";
      }
      if (this.exited) return "done";
      if (performance.now() - this.lastIopubAt < IOPUB_SILENCE_MS) continue; // traffic resumed meanwhile
      return "lost";
    }
  }

  /** A kernel_info_request on control; true once its iopub idle arrives (within `ms`). */
  private async iopubBarrier(ms: number): Promise<boolean> {
    const req = newMessage("kernel_info_request", {}, this.session);
    const probe = this.track(req.header.msg_id);
    try {
      if (!(await this.send(this.control, req))) return false;
      await within(Promise.race([probe.done, this.exitPromise]), ms);
      return probe.idle;
    } finally {
      this.pending.delete(req.header.msg_id);
    }
  }

  /** Sends SIGINT, tslab's only interrupt mechanism; false if the kernel is gone. */
  async interrupt(): Promise<boolean> {
    return this.signal("SIGINT");
  }

  /** shutdown_request, then SIGKILL if the kernel does not exit promptly. Safe to call more than once. */
  shutdown(): Promise<void> {
    if (!this.shuttingDown) this.shuttingDown = this.shutdownNow();
    return this.shuttingDown;
  }

  private async shutdownNow(): Promise<void> {
    if (this.proc && !this.exited && this.control) {
      const req = newMessage("shutdown_request", { restart: false }, this.session);
      await within(this.send(this.control, req), 200);
      await within(this.exitPromise, 1000);
    }
    if (this.proc && !this.exited) await this.kill();
    this.closeSockets();
    this.runtime.remove();
    releasePorts(this.info);
    liveKernels.delete(this);
  }

  private async kill(): Promise<void> {
    this.signal("SIGKILL");
    await within(this.exitPromise, 5000);
  }

  /**
   * SIGINT goes to node alone: a wrapper may forward it (a second interrupt would hit the next cell)
   * or die of it (bwrap). SIGKILL goes to the whole process group and to node, so nothing survives.
   */
  private signal(signal: NodeJS.Signals): boolean {
    if (this.exited || !this.proc?.pid) return false;
    if (signal === "SIGINT") return killQuietly(this.nodePid ?? this.proc.pid, signal);
    const group = killQuietly(-this.proc.pid, signal);
    const node = this.nodePid !== undefined && killQuietly(this.nodePid, signal);
    return group || node || killQuietly(this.proc.pid, signal);
  }

  /** Synchronous last resort from the process "exit" hook. */
  killNow(): void {
    this.signal("SIGKILL");
    this.runtime.remove();
  }

  private closeSockets(): void {
    for (const socket of [this.shell, this.control, this.iopub]) {
      if (socket && !socket.closed) socket.close();
    }
  }

  private deathNote(): string {
    const tail = this.stderrTail.trim();
    return `${this.exitDescription ?? "kernel process died"}${tail ? `; its stderr ends with:\n${tail.split("\n").slice(-20).join("\n")}` : ""}`;
  }

  /** The connection file (in a private temporary folder, removed at shutdown); a sandbox must let the kernel read it. */
  get connectionFile(): string {
    return this.configFile;
  }
}

function executionCount(reply: Message | undefined): number | undefined {
  const n = (reply?.content as { execution_count?: unknown } | undefined)?.execution_count;
  return typeof n === "number" ? n : undefined;
}

const TIMEOUT_HINT =
  "Look for a loop that never ends, an await on something that never settles, or training with more steps than the budget; " +
  "raise the limit with `bertlab run --timeout S` or the notebook's metadata bertlab.timeout (seconds per cell)";

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** What tslab prints for an interrupt (raw or patched) says nothing the timeout message does not say better. */
function withoutInterruptNoise(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !/Script execution was interrupted by `?SIGINT`?|Interrupted asynchronously|KeyboardInterrupt.*interrupted \(SIGINT\)/.test(line))
    .join("\n");
}

function withStderr(reason: string, stderr: string): string {
  const text = withoutKernelFrames(stderr).trim();
  return text ? `${reason}\n${text}` : reason;
}

/** Stack frames inside tslab and node's vm say nothing about the cell; the outputs keep them, the summary does not. */
function withoutKernelFrames(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !/^\s+at .*(node:vm|node:internal|[\\/]tslab[\\/]dist[\\/]|processTicksAndRejections)/.test(line))
    .join("\n");
}
