import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { NbOutput } from "../../src/notebook";
import { Kernel, type ExecuteResult } from "../../src/runner";
import type { Message } from "../../src/runner/wire";

/** True once the process has exited (a zombie waiting for its reaper counts as gone). */
async function gone(pid: number, waitMs = 3000): Promise<boolean> {
  for (const until = Date.now() + waitMs; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function streamText(r: ExecuteResult, name: "stdout" | "stderr"): string {
  return r.outputs
    .filter((o): o is Extract<NbOutput, { output_type: "stream" }> => o.output_type === "stream" && o.name === name)
    .map((o) => String(o.text))
    .join("");
}

describe("tslab kernel over the Jupyter protocol", function () {
  let kernel: Kernel;
  const iopub: Message[] = [];

  before(async () => {
    kernel = await Kernel.start();
    kernel.onMessage = (msg) => iopub.push(msg);
  });
  after(async () => {
    await kernel?.shutdown();
  });

  it("starts a real kernel process and runs a cell", async () => {
    assert.ok(kernel.pid > 0);
    assert.equal(kernel.exited, false);
    const r = await kernel.execute("const answer: number = 6 * 7;\nconsole.log(answer)");
    assert.equal(r.status, "ok", r.error);
    assert.equal(streamText(r, "stdout"), "42\n");
    assert.equal(typeof r.executionCount, "number");
  });

  it("captures stdout and stderr in order, merging consecutive chunks, and the last expression as stdout", async () => {
    const r = await kernel.execute(`console.log("a"); console.log("b"); console.error("warn"); console.log("c"); "last value"`);
    assert.equal(r.status, "ok", r.error);
    assert.deepEqual(
      r.outputs.map((o) => (o.output_type === "stream" ? [o.name, o.text] : [o.output_type])),
      [["stdout", "a\nb\n"], ["stderr", "warn\n"], ["stdout", "c\nlast value\n"]],
    );
  });

  it("keeps every mime type of a display_data", async () => {
    const r = await kernel.execute(
      `require("tslab/dist/jupyter").lastWriteDisplayData(` +
        `{ data: { "text/html": "<b>bold</b>", "application/json": { "k": [1, 2] }, "text/plain": "bold" }, metadata: { "isolated": true }, transient: {} }, false);`,
    );
    assert.equal(r.status, "ok", r.error);
    assert.deepEqual(r.outputs, [
      { output_type: "display_data", data: { "text/html": "<b>bold</b>", "application/json": { k: [1, 2] }, "text/plain": "bold" }, metadata: { isolated: true } },
    ]);
  });

  it("applies update_display_data to the earlier output in place, even from a later cell", async () => {
    const first = await kernel.execute(`const d = require("tslab").newDisplay(); d.text("step 1"); d.text("step 2");`);
    assert.equal(first.status, "ok", first.error);
    assert.equal(first.outputs.length, 1, "an update replaces, it does not append");
    assert.deepEqual((first.outputs[0] as { data: unknown }).data, { "text/plain": "step 2" });
    const later = await kernel.execute(`d.text("step 3");`);
    assert.equal(later.status, "ok", later.error);
    assert.deepEqual(later.outputs, []);
    assert.deepEqual((first.outputs[0] as { data: unknown }).data, { "text/plain": "step 3" });
  });

  it("reports a thrown error as status error with its stderr text (tslab sends no ename)", async () => {
    const r = await kernel.execute(`console.log("before"); throw new RangeError("boom 123");`);
    assert.equal(r.status, "error");
    assert.match(r.error!, /RangeError: boom 123/);
    assert.equal(streamText(r, "stdout"), "before\n");
  });

  it("runs the cell right after an error although tslab aborts requests for 200 ms", async () => {
    const failed = await kernel.execute(`throw new Error("first")`);
    assert.equal(failed.status, "error");
    const r = await kernel.execute(`console.log("still alive")`);
    assert.equal(r.status, "ok", r.error);
    assert.equal(streamText(r, "stdout"), "still alive\n");
  });

  it("reports a TypeScript type error, which tslab refuses to run", async () => {
    const r = await kernel.execute(`const n: number = "seven";\nconsole.log("never printed")`);
    assert.equal(r.status, "error");
    assert.match(r.error!, /1:7 - Type 'string' is not assignable to type 'number'/);
    assert.equal(streamText(r, "stdout"), "");
  });

  it("interrupts a cell over its timeout, synchronous or awaiting, and the kernel survives", async () => {
    const sync = await kernel.execute(`console.log("spinning"); while (true) {}`, { timeoutMs: 700 });
    assert.equal(sync.status, "timeout");
    assert.match(sync.error!, /ran longer than its 0\.7 s limit and was interrupted\. Look for a loop that never ends/);
    assert.doesNotMatch(sync.error!, /interrupted by `?SIGINT`?|node:vm|tslab[\\/]dist/, "no raw interrupt stack in the summary");
    assert.match(streamText(sync, "stderr"), /KeyboardInterrupt.*the cell was interrupted \(SIGINT\)/, "the cell's own output says what happened, without tslab's stack");
    assert.doesNotMatch(streamText(sync, "stderr"), /node:vm|tslab[\\/]dist/);
    assert.equal(streamText(sync, "stdout"), "spinning\n");
    const pending = await kernel.execute(`await new Promise(() => {})`, { timeoutMs: 700 });
    assert.equal(pending.status, "timeout");
    assert.equal(kernel.exited, false);
    const r = await kernel.execute(`console.log(answer + 1)`);
    assert.equal(r.status, "ok", r.error);
    assert.equal(streamText(r, "stdout"), "43\n", "state from before the interrupts is kept");
  });

  it("publishes busy and idle around each request on iopub", () => {
    const states = iopub.filter((m) => m.header.msg_type === "status").map((m) => (m.content as { execution_state: string }).execution_state);
    assert.ok(states.includes("busy") && states.includes("idle"));
  });

  it("shuts down: the process exits and the connection file is removed", async () => {
    const file = kernel.connectionFile;
    assert.ok(existsSync(file));
    await kernel.shutdown();
    assert.equal(kernel.exited, true);
    assert.ok(await gone(kernel.pid));
    assert.ok(!existsSync(path.dirname(file)), "the temporary folder is gone");
  });
});

describe("tslab kernel failures", () => {
  it("kills a kernel stuck in a synchronous loop that SIGINT cannot reach", async () => {
    const kernel = await Kernel.start();
    try {
      // After an await the loop runs outside vm.runInThisContext, where breakOnSigint does not apply.
      const r = await kernel.execute(`await Promise.resolve(); while (true) {}`, { timeoutMs: 500, interruptGraceMs: 700 });
      assert.equal(r.status, "timeout");
      assert.match(r.error!, /ignored the interrupt for 700 ms, so the kernel was killed/);
      assert.equal(kernel.exited, true);
      const next = await kernel.execute(`1`);
      assert.equal(next.status, "crashed");
      assert.match(next.error!, /killed by SIGKILL/);
    } finally {
      await kernel.shutdown();
    }
  });

  it("reports process.exit in a cell as crashed, and shutdown stays idempotent", async () => {
    const kernel = await Kernel.start();
    try {
      const r = await kernel.execute(`console.log("bye"); process.exit(0)`);
      assert.equal(r.status, "crashed");
      assert.match(r.error!, /exited with code 0/);
      assert.equal(kernel.exited, true);
    } finally {
      await kernel.shutdown();
      await kernel.shutdown();
    }
  });

  it("a kernel whose runner was SIGKILLed exits by itself and removes its connection file", async () => {
    const runner = path.resolve(__dirname, "../../src/runner/index.ts");
    const child = spawnSync(
      process.execPath,
      ["-r", "tsx/cjs", "-e", `require(${JSON.stringify(runner)}).Kernel.start().then((k) => { console.log(k.pid, k.connectionFile); process.kill(process.pid, "SIGKILL"); })`],
      { encoding: "utf8", cwd: path.resolve(__dirname, "../..") },
    );
    assert.equal(child.signal, "SIGKILL", child.stderr);
    const [pid, file] = child.stdout.trim().split(" ");
    assert.ok(await gone(Number(pid), 5000), `orphaned kernel ${pid} still runs`);
    assert.ok(!existsSync(path.dirname(file)));
  });

  const wrappers: Record<string, string[]> = {
    // Replaces itself with node: same pid.
    "exec sh": ["sh", "-c", 'exec "$@"', "sh"],
    // Forwards SIGINT to its child: the runner must not deliver the interrupt twice.
    "timeout(1)": ["timeout", "600"],
    // Dies of SIGINT itself, and hides node in a pid namespace.
    bwrap: ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--bind", os.tmpdir(), os.tmpdir(), "--unshare-pid", "--die-with-parent", "--"],
  };
  for (const [name, wrapper] of Object.entries(wrappers)) {
    it(`interrupts and kills the node inside a wrapper: ${name}`, async function () {
      if (spawnSync(wrapper[0], [...wrapper.slice(1), "true"], { stdio: "ignore" }).status !== 0) this.skip(); // not installed, or not allowed here
      const kernel = await Kernel.start({ wrapper });
      try {
        assert.notEqual(kernel.kernelPid, undefined);
        if (name !== "exec sh") assert.notEqual(kernel.kernelPid, kernel.pid);
        const stuck = await kernel.execute(`while (true) {}`, { timeoutMs: 500 });
        assert.equal(stuck.status, "timeout", stuck.error);
        assert.match(stuck.error!, /was interrupted/);
        const next = await kernel.execute(`console.log("alive")`);
        assert.equal(next.status, "ok", next.error);
        const killed = await kernel.execute(`await 0; while (true) {}`, { timeoutMs: 300, interruptGraceMs: 500 });
        assert.match(killed.error!, /so the kernel was killed/);
        assert.ok(await gone(kernel.kernelPid!), `node (pid ${kernel.kernelPid}) still runs`);
      } finally {
        await kernel.shutdown();
      }
    });
  }

  it("fails to start with the kernel's own message when node cannot start it", async () => {
    await assert.rejects(Kernel.start({ nodeArgs: ["--no-such-node-flag"], startupTimeoutMs: 20_000 }), /did not start: kernel process exited with code 9[\s\S]*bad option/);
  });
});
