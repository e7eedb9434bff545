/**
 * Figures through a real tslab kernel and bertlab's notebook runner, as a lesson shows them:
 * each display is one display_data carrying the plotly JSON, the HTML fallback and text; a live
 * chart stays one output that is updated in place; plotly.js rides on the first figure of the kernel
 * session only (or of each cell, by choice), and showPlotlyJs() sends it again on request.
 */
import assert from "node:assert/strict";
import { codeCell, newNotebook, type NbOutput } from "../../src/notebook";
import { runNotebook } from "../../src/runner";
import { PLOTLY_MIME, plotlyJsPayload } from "../../src/viz";

type Display = Extract<NbOutput, { output_type: "display_data" }>;
const displays = (outputs: NbOutput[] | undefined) => (outputs ?? []).filter((o): o is Display => o.output_type === "display_data");
const html = (o: Display) => String(o.data["text/html"]);
const carries = (o: Display) => /data-bertlab-plotly="\d+\.\d+\.\d+"/.test(html(o));

describe("viz in a tslab notebook", () => {
  it("sends one multi-mime bundle per figure, updates a live chart in place, inlines plotly.js once per session", async () => {
    const nb = newNotebook([
      codeCell(`import { attentionHeatmap, topKBar, display, liveLineChart, configureFigures } from "bertlab";
display(attentionHeatmap([[0.9, 0.1], [0.2, 0.8]], ["[CLS]", "안녕"], { title: "Layer 0 head 3" }));
display(topKBar([{ label: "dog", value: 0.7 }, { label: "cat", value: 0.2 }]));`),
      codeCell(`const chart = liveLineChart({ title: "Training", series: ["loss", "val_loss"], minIntervalMs: 0 });
for (let step = 1; step <= 5; step++) { chart.push({ step, loss: 1 / step }); await new Promise((r) => setTimeout(r, 10)); }
chart.push({ step: 5, val_loss: 0.4 });
chart.finish();`),
      codeCell(`display(topKBar([{ label: "x", value: 1 }]));`),
      codeCell(`configureFigures({ plotlyJs: "per-cell" });
display(topKBar([{ label: "y", value: 1 }]));
display(topKBar([{ label: "z", value: 1 }]));`),
      codeCell(`import { showPlotlyJs } from "bertlab";
showPlotlyJs();`),
    ]);
    const run = await runNotebook(nb, { timeoutMs: 60_000 });
    assert.equal(run.ok, true, JSON.stringify(run.errors));
    const cells = run.notebook.cells;

    // Cell 0: two figures, each a display bundle of three mime types; only the first carries plotly.js.
    assert.deepEqual(cells[0].outputs?.map((o) => o.output_type), ["display_data", "display_data"]);
    const [heat, bars] = displays(cells[0].outputs);
    for (const d of [heat, bars]) assert.deepEqual(Object.keys(d.data).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
    assert.equal(heat.data["text/plain"], "Figure: heatmap 2×2 'Layer 0 head 3'");
    assert.deepEqual((heat.data[PLOTLY_MIME] as { data: Array<{ z: number[][] }> }).data[0].z, [[0.9, 0.1], [0.2, 0.8]]);
    assert.equal(carries(heat), true);
    assert.equal(carries(bars), false);
    assert.ok(html(heat).length > 1_500_000 && html(bars).length < 10_000, `sizes ${html(heat).length}, ${html(bars).length}`);

    // Cell 1: ONE chart showing the final state, without plotly.js (the session sent it already).
    const [chart, ...rest] = displays(cells[1].outputs);
    assert.equal(rest.length, 0, "updates replaced the chart instead of appending outputs");
    assert.equal(carries(chart), false);
    const series = (chart.data[PLOTLY_MIME] as { data: Array<{ name: string; x: number[]; y: number[] }> }).data;
    assert.deepEqual(series.map((s) => s.name), ["loss", "val_loss"]);
    assert.deepEqual(series[0].y, [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    assert.deepEqual(series[1].x, [5]);
    assert.match(String(chart.data["text/plain"]), /^Figure: line chart, 2 series \(loss: 5 points, last 0\.2 at x=5; val_loss: 1 point, last 0\.4 at x=5\) 'Training'$/);
    assert.equal("transient" in chart, false, "the saved output is plain nbformat");

    // Cell 2: a later cell of the same session carries nothing; under the per-cell policy (cell 3)
    // the first figure of the cell carries; showPlotlyJs() (cell 4) sends a carrier-only output.
    assert.equal(carries(displays(cells[2].outputs)[0]), false);
    assert.deepEqual(displays(cells[3].outputs).map(carries), [true, false]);
    const [carrier] = displays(cells[4].outputs);
    assert.equal(carries(carrier), true);
    assert.equal(carrier.data[PLOTLY_MIME], undefined);
    const total = JSON.stringify(run.notebook).length;
    assert.ok(total < 3 * plotlyJsPayload().gzipBase64.length + 100_000, `plotly.js three times in all (first figure, per-cell figure, showPlotlyJs): ${total} bytes`);
    for (const c of cells) assert.ok(!c.outputs?.some((o) => o.output_type === "execute_result" || (o.output_type === "stream" && o.name === "stderr")), JSON.stringify(c.outputs).slice(0, 300));
  });
});
