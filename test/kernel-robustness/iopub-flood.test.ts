/**
 * Issue 14, failure 2: long live output crashed tslab with "Socket is busy writing".
 *
 * Cause: zeromq.js v6 sends at most 512 messages per socket synchronously; the 513th is deferred to the next turn
 * of the event loop, and until it is out every further send() throws "Socket is busy writing" (EBUSY). tslab sent
 * every iopub message without awaiting or queueing it, so a cell that produces output quickly (a training loop's
 * live chart, a burst of prints) got that error thrown into it, and console.log swallowed it: lines vanished.
 * Meanwhile a client that reads slowly lost messages to the publisher's high-water mark (1000).
 *
 * Reproduced on tslab as npm installs it, then shown fixed by bertlab's patch (patches/tslab+1.0.22.patch:
 * a per-socket send queue, iopub without a high-water mark), with the client not reading iopub for 3 s.
 */
import assert from "node:assert/strict";
import { tslabBin } from "../../src/runner/tslab";
import { cleanupOutside, outsideDir, RawClient, unpatchedTslabBin } from "./helpers";

const UPDATES = 2000;
const LINES = 3000;
/** Display updates in one synchronous burst; the error, if any, is printed after a turn of the event loop. */
const DISPLAY_FLOOD = `const d = require("tslab").newDisplay();
let failure = "none";
try {
  for (let i = 0; i < ${UPDATES}; i++) d.text("update " + i);
} catch (e) {
  failure = e.message;
}
await new Promise((r) => setTimeout(r, 300));
console.log("failure: " + failure);`;
const PRINT_FLOOD = `for (let i = 0; i < ${LINES}; i++) console.log("line " + i);`;
const ALL_LINES = Array.from({ length: LINES }, (_, i) => `line ${i}\n`).join("");

function lastDisplayText(client: RawClient, msgId: string): string | undefined {
  const displays = client.iopubLog.filter((m) => m.parent_header.msg_id === msgId && /display_data$/.test(m.header.msg_type));
  const last = displays[displays.length - 1]?.content as { data?: Record<string, unknown> } | undefined;
  return last?.data?.["text/plain"] as string | undefined;
}

interface Flood {
  /** Both requests got their reply and their iopub idle within the wait. */
  finished: boolean;
  displayStatus?: string;
  failure: string;
  lastUpdate?: string;
  printStatus?: string;
  printed: string;
}

async function flood(client: RawClient, pauseMs: number, waitMs: number): Promise<Flood> {
  if (pauseMs > 0) client.pauseIopub(pauseMs);
  const a = await client.execute(DISPLAY_FLOOD);
  const b = await client.execute(PRINT_FLOOD);
  let finished = true;
  for (const id of [a, b]) await client.finished(id, waitMs).catch(() => (finished = false));
  const status = (id: string) => client.replies.find((m) => m.parent_header.msg_id === id)?.content.status as string | undefined;
  return {
    finished,
    displayStatus: status(a),
    failure: client.streamText(a, "stdout").trim(),
    lastUpdate: lastDisplayText(client, a),
    printStatus: status(b),
    printed: client.streamText(b, "stdout"),
  };
}

/** What went wrong, for the reproductions: unpatched tslab loses something in every run, though not always the same thing. */
function losses(r: Flood): string[] {
  const lost: string[] = [];
  if (!r.finished) lost.push("a request never got its reply or its idle (tslab's own send threw)");
  if (/Socket is busy writing/.test(r.failure)) lost.push("'Socket is busy writing' was thrown into the cell");
  if (r.lastUpdate !== `update ${UPDATES - 1}`) lost.push(`the display ended at ${JSON.stringify(r.lastUpdate)}`);
  if (r.printed !== ALL_LINES) lost.push(`${r.printed.split("\n").filter(Boolean).length} of ${LINES} lines arrived`);
  return lost;
}

describe("kernel robustness: a flood of display updates and prints while the client stops reading", function () {
  this.timeout(600_000);
  let dir: string | undefined;
  before(() => (dir = outsideDir("flood")));
  after(() => cleanupOutside(dir));

  it("reproduces the failure on tslab as npm installs it: 'Socket is busy writing' thrown into the cell, prints lost", async () => {
    const client = await RawClient.start(unpatchedTslabBin(), dir!);
    try {
      const r = await flood(client, 0, 30_000);
      assert.match(r.failure, /^failure: Socket is busy writing/, `the display burst hit zeromq.js's one-send-in-flight rule; got ${JSON.stringify(r.failure)}`);
      assert.notEqual(r.lastUpdate, `update ${UPDATES - 1}`, "the last update never reached the client");
      assert.ok(losses(r).length >= 2, losses(r).join("; "));
      console.log(`      unpatched tslab: ${losses(r).join("; ")}`);
    } finally {
      await client.close();
    }
  });

  it("reproduces the loss on tslab as npm installs it when the client stops reading iopub for 3 s", async () => {
    const client = await RawClient.start(unpatchedTslabBin(), dir!);
    try {
      const r = await flood(client, 3000, 30_000);
      assert.ok(losses(r).length > 0);
      assert.notEqual(r.printed, ALL_LINES, "not every line arrived");
      console.log(`      unpatched tslab, client paused: ${losses(r).join("; ")}`);
    } finally {
      await client.close();
    }
  });

  it("with bertlab's patch every update and every line arrives, in order, though the client stopped reading for 3 s", async () => {
    const client = await RawClient.start(tslabBin(), dir!);
    try {
      const r = await flood(client, 3000, 240_000);
      assert.deepEqual(losses(r), []);
      assert.equal(r.displayStatus, "ok");
      assert.equal(r.failure, "failure: none");
      assert.equal(r.lastUpdate, `update ${UPDATES - 1}`, "the display ends at the last update");
      assert.equal(r.printStatus, "ok");
      assert.equal(r.printed, ALL_LINES);
      assert.equal(client.stderr.includes("could not be sent"), false, client.stderr);
    } finally {
      await client.close();
    }
  });

  it("with bertlab's patch, the same flood read without pause: complete too", async () => {
    const client = await RawClient.start(tslabBin(), dir!);
    try {
      const r = await flood(client, 0, 240_000);
      assert.deepEqual(losses(r), []);
      assert.deepEqual([r.displayStatus, r.failure, r.lastUpdate, r.printStatus], ["ok", "failure: none", `update ${UPDATES - 1}`, "ok"]);
      assert.equal(r.printed, ALL_LINES);
    } finally {
      await client.close();
    }
  });
});
