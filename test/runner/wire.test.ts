import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { decode, encode, newMessage, WireError } from "../../src/runner/wire";

const KEY = "0123456789abcdef";

describe("Jupyter wire protocol", () => {
  it("round-trips a message through signed frames", () => {
    const msg = newMessage("execute_request", { code: "1 + 1", silent: false }, "session-1");
    const frames = encode(msg, KEY);
    assert.equal(frames[0].toString(), "<IDS|MSG>");
    // The signature is HMAC-SHA256 over header, parent header, metadata and content, in that order.
    const hmac = createHmac("sha256", KEY);
    for (const f of frames.slice(2)) hmac.update(f);
    assert.equal(frames[1].toString(), hmac.digest("hex"));
    assert.deepEqual(decode(frames, KEY), msg);
    assert.equal(msg.header.version, "5.3");
  });

  it("skips routing identities before the delimiter", () => {
    const msg = newMessage("status", { execution_state: "idle" }, "s");
    const decoded = decode([Buffer.from("identity-1"), Buffer.from("identity-2"), ...encode(msg, KEY)], KEY);
    assert.deepEqual(decoded.content, { execution_state: "idle" });
  });

  it("rejects a wrong key, a tampered body and frames without a delimiter", () => {
    const frames = encode(newMessage("kernel_info_request", {}, "s"), KEY);
    assert.throws(() => decode(frames, "another key"), WireError);
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    assert.throws(() => decode(tampered, KEY), /bad HMAC signature/);
    assert.throws(() => decode(frames.slice(1), KEY), /without the <IDS\|MSG> delimiter/);
    assert.throws(() => decode(frames.slice(0, 4), KEY), /expected at least 4/);
  });
});
