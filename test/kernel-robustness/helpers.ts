/**
 * Shared by the kernel-robustness tests: tslab as npm installs it (to reproduce each failure as it was before
 * bertlab's patch), and a bare Jupyter client that can send several requests at once and stop reading iopub.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Dealer, Subscriber } from "zeromq";
import { address, newConnectionInfo, releasePorts, RuntimeDir, type ConnectionInfo } from "../../src/runner/connection";
import { tslabBin } from "../../src/runner/tslab";
import { decode, encode, newMessage, type Message } from "../../src/runner/wire";

export const ROOT = path.resolve(__dirname, "..", "..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { parsePatch, applyHunks, MARKER } = require(path.join(ROOT, "scripts", "patch-tslab.js"));

type Hunk = { oldStart: number; old: string[]; new: string[] };

let unpatched: string | undefined;

/**
 * tslab as npm installs it, without bertlab's patch: a copy of the installed files with the patch applied in
 * reverse, under node_modules/.cache (so it resolves zeromq and TypeScript from the checkout). Returns its launcher.
 * Start it with a cwd outside the checkout: tslab switches to a tslab it finds in the cwd's node_modules.
 */
export function unpatchedTslabBin(): string {
  if (unpatched) return unpatched;
  const installed = path.dirname(path.dirname(tslabBin()));
  const cache = path.join(ROOT, "node_modules", ".cache", "bertlab-tests");
  mkdirSync(cache, { recursive: true });
  const copy = mkdtempSync(path.join(cache, "tslab-unpatched-"));
  process.on("exit", () => rmSync(copy, { recursive: true, force: true }));
  for (const part of ["bin", "dist", "package.json"]) cpSync(path.join(installed, part), path.join(copy, part), { recursive: true });
  // tslab's own @types (node's types for cells run outside any project) are found beside its dist/.
  if (existsSync(path.join(installed, "node_modules"))) symlinkSync(path.join(installed, "node_modules"), path.join(copy, "node_modules"), "dir");
  const files: { path: string; hunks: Hunk[] }[] = parsePatch(readFileSync(path.join(ROOT, "patches", "tslab+1.0.22.patch"), "utf8"));
  for (const f of files) {
    const target = path.join(copy, f.path.replace(/^node_modules\/tslab\//, ""));
    const text = readFileSync(target, "utf8");
    if (!text.includes(MARKER)) continue; // this file of the installed tslab is unpatched already
    const reversed = f.hunks.map((h) => ({ oldStart: h.oldStart, old: h.new, new: h.old }));
    writeFileSync(target, applyHunks(text, reversed, f.path));
  }
  for (const f of ["jupyter.js", "main.js", "executor.js"]) {
    if (readFileSync(path.join(copy, "dist", f), "utf8").includes(MARKER)) throw new Error(`the unpatched copy of tslab still carries the patch in ${f}`);
  }
  unpatched = path.join(copy, "bin", "tslab");
  return unpatched;
}

/** A fresh folder outside the checkout, so tslab does not switch to the checkout's own (patched) tslab. */
export function outsideDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `bertlab-robustness-${name}-`));
}

export function cleanupOutside(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export function isStatus(m: Message, state: "busy" | "idle"): boolean {
  return m.header.msg_type === "status" && (m.content as { execution_state?: string }).execution_state === state;
}

/**
 * A bare client: requests are sent as given (several at once), every iopub message is kept in arrival order,
 * and reading iopub can be paused (the messages then wait in the kernel's and the OS's buffers).
 */
export class RawClient {
  readonly iopubLog: Message[] = [];
  readonly replies: Message[] = [];
  stderr = "";
  private proc!: ChildProcess;
  private shell!: Dealer;
  private control!: Dealer;
  private iopub!: Subscriber;
  private readonly runtime = new RuntimeDir();
  private info!: ConnectionInfo;
  private readonly session = "raw-client";
  private gate: Promise<void> = Promise.resolve();

  static async start(bin: string, cwd: string, startupMs = 180_000): Promise<RawClient> {
    const c = new RawClient();
    c.info = await newConnectionInfo();
    const file = c.runtime.write("connection.json", JSON.stringify(c.info));
    c.proc = spawn(process.execPath, [bin, "kernel", "--config-path", file], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    c.proc.stdout!.on("data", (d: Buffer) => (c.stderr += d.toString()));
    c.proc.stderr!.on("data", (d: Buffer) => (c.stderr += d.toString()));
    const zmq = await import("zeromq");
    c.shell = new zmq.Dealer({ linger: 0 });
    c.control = new zmq.Dealer({ linger: 0 });
    c.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    c.shell.connect(address(c.info, c.info.shell_port));
    c.control.connect(address(c.info, c.info.control_port));
    c.iopub.connect(address(c.info, c.info.iopub_port));
    c.iopub.subscribe();
    void c.pump(c.iopub, c.iopubLog, true);
    void c.pump(c.shell, c.replies, false);
    void c.pump(c.control, c.replies, false);
    // Ready once a kernel_info_request has its idle on iopub: the subscription is live.
    for (const until = Date.now() + startupMs; ; ) {
      const id = await c.request("kernel_info_request", {});
      if (await c.waitFor((m) => m.parent_header.msg_id === id && isStatus(m, "idle"), 1000)) break;
      if (Date.now() > until) {
        await c.close();
        throw new Error(`kernel did not start:\n${c.stderr}`);
      }
    }
    c.iopubLog.length = 0;
    c.replies.length = 0;
    return c;
  }

  private async pump(socket: Dealer | Subscriber, into: Message[], gated: boolean): Promise<void> {
    try {
      for (;;) {
        if (gated) await this.gate;
        const frames = await socket.receive();
        into.push(decode(frames, this.info.key));
      }
    } catch {
      // closed
    }
  }

  /** Stops reading iopub for `ms` (after the message being received now, if any). */
  pauseIopub(ms: number): void {
    this.gate = new Promise((resolve) => setTimeout(resolve, ms));
  }

  async request(type: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell"): Promise<string> {
    const msg = newMessage(type, content, this.session);
    await (channel === "shell" ? this.shell : this.control).send(encode(msg, this.info.key));
    return msg.header.msg_id;
  }

  execute(code: string): Promise<string> {
    return this.request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  }

  /** Waits until an iopub message satisfies `pred`; false after `ms`. */
  async waitFor(pred: (m: Message) => boolean, ms: number): Promise<boolean> {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
      if (this.iopubLog.some(pred)) return true;
    }
    return this.iopubLog.some(pred);
  }

  /** Waits for the reply and the iopub idle of one request, then returns the reply. */
  async finished(msgId: string, ms: number): Promise<Message> {
    const until = Date.now() + ms;
    const idle = await this.waitFor((m) => m.parent_header.msg_id === msgId && isStatus(m, "idle"), ms);
    // The reply comes on shell and the idle on iopub: two sockets, so either may arrive first. Wait for both.
    let reply = this.replies.find((m) => m.parent_header.msg_id === msgId);
    while (!reply && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      reply = this.replies.find((m) => m.parent_header.msg_id === msgId);
    }
    if (!idle || !reply) throw new Error(`request ${msgId} did not finish within ${ms} ms (reply: ${Boolean(reply)}, idle: ${idle})\n${this.stderr}`);
    return reply;
  }

  /** The text of the stream messages of one request. */
  streamText(msgId: string, name: "stdout" | "stderr"): string {
    return this.iopubLog
      .filter((m) => m.parent_header.msg_id === msgId && m.header.msg_type === "stream" && (m.content as { name?: string }).name === name)
      .map((m) => String((m.content as { text?: string }).text))
      .join("");
  }

  async close(): Promise<void> {
    this.proc.kill("SIGKILL");
    for (const s of [this.shell, this.control, this.iopub]) if (s && !s.closed) s.close();
    this.runtime.remove();
    releasePorts(this.info);
  }
}
