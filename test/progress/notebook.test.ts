import assert from "node:assert/strict";
import { Kernel } from "../../src/runner";
import type { Message } from "../../src/runner/wire";
import { NotebookRenderer, insideNotebookKernel, progressHtml } from "../../src/progress/notebook";
import { detectProgressMode, type ProgressState } from "../../src/progress";

const state = (over: Partial<ProgressState>): ProgressState => ({ label: "x", done: 0, unit: "it", elapsedMs: 0, info: {}, finished: false, ...over });

describe("progress in a notebook", () => {
  it("renders an HTML bar with escaped text, and an indeterminate bar without a total", () => {
    const html = progressHtml(state({ label: "<b>file</b>", done: 5, total: 10 }));
    assert.match(html, /<progress value="5" max="10"/);
    assert.match(html, /&#60;b&#62;file&#60;\/b&#62; \| 5\/10 it \(50%\)/);
    assert.doesNotMatch(html, /<b>/);
    assert.match(progressHtml(state({ done: 3 })), /<progress style=/);
  });

  it("is not chosen outside a kernel, where the notebook renderer would have nowhere to draw", () => {
    assert.equal(insideNotebookKernel(), false);
    assert.notEqual(detectProgressMode(), "notebook");
    // Forced anyway, it must not throw: it falls back to a line on stderr when finished.
    const write = process.stderr.write;
    let written = "";
    process.stderr.write = ((s: string) => ((written += s), true)) as typeof process.stderr.write;
    try {
      const r = new NotebookRenderer();
      r.render(state({ done: 1, total: 2 }));
      r.render(state({ done: 2, total: 2, finished: true, summary: "ok" }));
    } finally {
      process.stderr.write = write;
    }
    assert.match(written, /x \| 2\/2 it \(100%\).*ok\n$/);
  });

  it("inside tslab, draws one live bar: display_data, then update_display_data with the same display_id", async () => {
    const kernel = await Kernel.start();
    const messages: Message[] = [];
    kernel.onMessage = (m) => messages.push(m);
    try {
      const r = await kernel.execute(`import { createProgress, detectProgressMode } from "bertlab";
console.log(detectProgressMode());
const bar = createProgress({ label: "demo", total: 4, unit: "step" });
for (let i = 0; i < 4; i++) { await new Promise((r) => setTimeout(r, 120)); bar.tick(1, { loss: 1 / (i + 1) }); }
bar.finish("trained");`);
      assert.equal(r.status, "ok", r.error);
      assert.match(String((r.outputs[0] as { text: string }).text), /^notebook\n/);

      const displays = messages.filter((m) => m.header.msg_type === "display_data" || m.header.msg_type === "update_display_data");
      assert.ok(displays.length >= 3, `expected a display and updates, got ${displays.map((m) => m.header.msg_type)}`);
      assert.equal(displays[0].header.msg_type, "display_data");
      assert.ok(displays.slice(1).every((m) => m.header.msg_type === "update_display_data"));
      const ids = new Set(displays.map((m) => (m.content as { transient: { display_id: string } }).transient.display_id));
      assert.equal(ids.size, 1, "every update targets the same display");

      // The recorded cell has one bar, showing the final state, as a Jupyter front end would.
      const bars = r.outputs.filter((o) => o.output_type === "display_data");
      assert.equal(bars.length, 1);
      const data = (bars[0] as { data: Record<string, string> }).data;
      assert.match(data["text/plain"], /^demo \| 4\/4 step \(100%\).*loss=0\.25(00)? \| trained$/);
      assert.match(data["text/html"], /<progress value="4" max="4"/);
    } finally {
      await kernel.shutdown();
    }
  });
});
