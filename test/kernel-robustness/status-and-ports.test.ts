/**
 * Issue 14, busy/idle and the runner's races, and issue 17's bind EBUSY:
 * - an execute request queued behind another is "busy" only once it runs, so the indicator never shows "idle"
 *   while a cell runs (classic Notebook showed "idle" through a 7-minute cell during Run All);
 * - a port taken between allocation and bind: the kernel is replaced, never run without a channel
 *   (unpatched tslab ran on without iopub, and every output of the notebook was lost);
 * - many kernels started at once all start, on distinct ports.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { Kernel, KernelStartError } from "../../src/runner";
import { reservedPorts } from "../../src/runner/connection";
import { tslabBin } from "../../src/runner/tslab";
import type { Message } from "../../src/runner/wire";
import { cleanupOutside, isStatus, outsideDir, RawClient, unpatchedTslabBin } from "./helpers";

function statusTrail(log: Message[], ids: Record<string, string>): string[] {
  return log.filter((m) => m.header.msg_type === "status").map((m) => `${(m.content as { execution_state: string }).execution_state}:${ids[m.parent_header.msg_id ?? ""] ?? "?"}`);
}

/** A port held by someone else. Whoever connects to it (a client that tried it as the kernel's) is cut off at close. */
async function takenPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe("kernel robustness: busy/idle, ports and start-up", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = outsideDir("ports")));
  after(() => cleanupOutside(dir));

  // Cell "a" runs until the test creates a file: the order of events never depends on the machine's speed.
  const gated = (file: string, name: string) => `while (!require("fs").existsSync(${JSON.stringify(file)})) await new Promise((r) => setTimeout(r, 50));\n"${name}"`;

  it("queued execute requests: busy when each starts, idle when it ends; a request answered meanwhile leaves it busy", async () => {
    const client = await RawClient.start(tslabBin(), dir);
    const gate = path.join(dir, "release-patched");
    try {
      const a = await client.execute(gated(gate, "a"));
      const b = await client.execute(`"b"`);
      assert.ok(await client.waitFor((m) => m.parent_header.msg_id === a && isStatus(m, "busy"), 120_000), "a started");
      const info = await client.request("kernel_info_request", {}, "control");
      assert.ok(await client.waitFor((m) => m.parent_header.msg_id === info && isStatus(m, "idle"), 120_000), "info answered");
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(gate, "");
      await client.finished(b, 120_000);
      const trail = statusTrail(client.iopubLog, { [a]: "a", [b]: "b", [info]: "info" });
      assert.deepEqual(trail, ["busy:a", "busy:info", "idle:info", "busy:a", "idle:a", "busy:b", "idle:b"]);
    } finally {
      await client.close();
    }
  });

  it("reproduces the old trail on tslab as npm installs it: b is busy while a runs, so a's idle shows 'idle' while b runs", async () => {
    const client = await RawClient.start(unpatchedTslabBin(), dir);
    const gate = path.join(dir, "release-unpatched");
    try {
      const a = await client.execute(gated(gate, "a"));
      const b = await client.execute(`"b"`);
      assert.ok(await client.waitFor((m) => m.parent_header.msg_id === b && isStatus(m, "busy"), 120_000), "b reported busy while a still runs");
      writeFileSync(gate, "");
      await client.finished(b, 120_000);
      assert.deepEqual(statusTrail(client.iopubLog, { [a]: "a", [b]: "b" }), ["busy:a", "busy:b", "idle:a", "idle:b"]);
    } finally {
      await client.close();
    }
  });

  it("a port taken before the kernel binds it: the patched kernel exits at once and Kernel.start retries on new ports", async () => {
    const taken = await takenPort();
    try {
      const kernel = await Kernel.start({ cwd: dir, firstConnection: { iopub_port: taken.port }, startupTimeoutMs: 180_000 });
      try {
        const r = await kernel.execute(`console.log("outputs arrive")`);
        assert.equal(r.status, "ok", r.error);
        assert.deepEqual(r.outputs, [{ output_type: "stream", name: "stdout", text: "outputs arrive\n" }]);
      } finally {
        await kernel.shutdown();
      }
      await assert.rejects(Kernel.start({ cwd: dir, firstConnection: { iopub_port: taken.port }, startAttempts: 1, startupTimeoutMs: 180_000 }), (e: unknown) => {
        assert.ok(e instanceof KernelStartError && e.portInUse && e.retryable, String(e));
        assert.match((e as Error).message, /EADDRINUSE|Address already in use/);
        return true;
      });
    } finally {
      await taken.close();
    }
  });

  it("unpatched tslab with iopub's port taken runs on without iopub: the runner no longer takes it for a working kernel", async () => {
    const taken = await takenPort();
    try {
      await assert.rejects(Kernel.start({ cwd: dir, tslabBin: unpatchedTslabBin(), firstConnection: { iopub_port: taken.port }, startAttempts: 1, startupTimeoutMs: 180_000 }), (e: unknown) => {
        assert.ok(e instanceof KernelStartError && e.retryable, String(e));
        return true;
      });
      const kernel = await Kernel.start({ cwd: dir, tslabBin: unpatchedTslabBin(), firstConnection: { iopub_port: taken.port }, startupTimeoutMs: 180_000 });
      try {
        const r = await kernel.execute(`console.log("outputs arrive")`);
        assert.equal(r.status, "ok", r.error);
        assert.equal(r.outputs.length, 1, "the retried kernel has its iopub");
      } finally {
        await kernel.shutdown();
      }
    } finally {
      await taken.close();
    }
  });

  it("starts 3 kernels at once: all answer, on 15 distinct ports, released at shutdown", async () => {
    const before = reservedPorts().size;
    const kernels = await Promise.all(Array.from({ length: 3 }, () => Kernel.start({ cwd: dir, startupTimeoutMs: 180_000 })));
    try {
      assert.equal(reservedPorts().size - before, 15);
      const results = await Promise.all(kernels.map((k, i) => k.execute(`console.log(${i})`)));
      assert.deepEqual(results.map((r) => r.status), Array(3).fill("ok"));
      assert.deepEqual(results.map((r) => r.outputs), kernels.map((_, i) => [{ output_type: "stream", name: "stdout", text: `${i}\n` }]));
    } finally {
      await Promise.all(kernels.map((k) => k.shutdown()));
    }
    assert.equal(reservedPorts().size, before);
  });
});
