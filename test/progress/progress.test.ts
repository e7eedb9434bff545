import assert from "node:assert/strict";
import { createProgress, describeProgress, detectProgressMode, formatDuration, textBar } from "../../src/progress";

/** Captures what a block writes to stderr. */
function stderrOf(fn: () => void): string {
  const write = process.stderr.write;
  let out = "";
  process.stderr.write = ((s: string) => ((out += s), true)) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

describe("progress", () => {
  it("describes label, count, percentage, rate, eta and metrics", () => {
    const text = describeProgress({ label: "epoch 1/3", done: 50, total: 200, unit: "step", elapsedMs: 10_000, info: { loss: 0.123456 }, finished: false });
    assert.equal(text, "epoch 1/3 | 50/200 step (25%) | 5 step/s | elapsed 0:10 | eta 0:30 | loss=0.1235");
    assert.equal(formatDuration(3_725_000), "1:02:05");
    assert.equal(textBar(0.5, 4), "██░░");
  });

  it("honours BERTLAB_PROGRESS and falls back to plain lines off a terminal", () => {
    const saved = process.env.BERTLAB_PROGRESS;
    try {
      process.env.BERTLAB_PROGRESS = "silent";
      assert.equal(detectProgressMode(), "silent");
      delete process.env.BERTLAB_PROGRESS;
      assert.equal(detectProgressMode(), process.stderr.isTTY && !process.env.CI ? "tty" : "plain");
    } finally {
      if (saved === undefined) delete process.env.BERTLAB_PROGRESS;
      else process.env.BERTLAB_PROGRESS = saved;
    }
  });

  it("prints plain lines at most once per interval, and always the final one", () => {
    const out = stderrOf(() => {
      const p = createProgress({ label: "download", total: 1000, unit: "B", mode: "plain", plainIntervalMs: 60_000 });
      for (let i = 1; i <= 1000; i++) p.update(i);
      p.finish("saved");
      p.tick(); // ignored after finish
    });
    const lines = out.trimEnd().split("\n");
    assert.equal(lines.length, 2, out);
    assert.match(lines[0], /^download \| 1\/1000 B/);
    assert.match(lines[1], /^download \| 1000\/1000 B \(100%\).*saved$/);
  });

  it("redraws one terminal line in place", () => {
    const out = stderrOf(() => {
      const p = createProgress({ label: "train", total: 2, mode: "tty" });
      p.tick();
      p.tick();
      p.finish();
    });
    assert.equal(out.split("\r\x1b[2K").length - 1, 3);
    assert.ok(out.endsWith("\n"));
  });
});
