import assert from "node:assert/strict";
import fs from "node:fs";
import zlib from "node:zlib";
import { displayBundle, insideNotebookKernel, sendDisplay } from "../../src/display";
import {
  attentionHeatmap,
  configureFigures,
  describeFigure,
  display,
  figureBundle,
  liveLineChart,
  plotlyJsPayload,
  plotlyJsPolicy,
  plotlyJson,
  PLOTLY_MIME,
  topKBar,
  FONT_FAMILY,
  TRUST_HINT,
} from "../../src/viz";

const fig = attentionHeatmap(
  [
    [0.9, 0.1],
    [0.25, 0.75],
  ],
  ["[CLS]", "</script><script>window.pwned=1</script>"],
  { title: "Layer 0 head 3" },
);

/** Every <script ...> tag's attributes, in order. */
const scriptTags = (html: string) => [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);

function captureStdout(fn: () => void): string {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

describe("viz display bundle", () => {
  it("carries the three mime types: plotly JSON, HTML, text", () => {
    const b = figureBundle(fig);
    assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
    const json = b[PLOTLY_MIME] as { data: unknown[]; layout: { title: { text: string } }; config: { responsive: boolean } };
    assert.deepEqual(json.data, JSON.parse(JSON.stringify(fig.data)));
    assert.equal(json.layout.title.text, "Layer 0 head 3");
    assert.equal(json.config.responsive, true);
    assert.equal(b["text/plain"], "Figure: heatmap 2×2 'Layer 0 head 3'");
    // Undefined members are dropped: plotly's own JSON schema has no undefined.
    assert.ok(!JSON.stringify(b[PLOTLY_MIME]).includes("undefined"));
  });

  it("without a carrier, the HTML is small, loads nothing remote and uses no require.js", () => {
    const html = figureBundle(fig)["text/html"] as string;
    assert.ok(html.length < 10_000, `html is ${html.length} bytes`);
    assert.ok(scriptTags(html).every((attrs) => !/\bsrc=/.test(attrs)), "no <script src>");
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /\brequire(js)?\s*\(|\bdefine\s*\(/);
    assert.match(html, /w\.Plotly\.newPlot\(el,fig\.data,fig\.layout,fig\.config\)/);
    // Readers without JavaScript (GitHub, untrusted notebooks) still see what the figure is.
    assert.match(html, /class="bertlab-figure-note"[^>]*>Figure: heatmap 2×2 &#39;Layer 0 head 3&#39;\. This interactive figure/);
    assert.ok(html.includes(TRUST_HINT.replace(/&/g, "&#38;")), "the untrusted note names the trust action per front end");
  });

  it("text in the figure cannot close the script: the embedded JSON reads back exactly", () => {
    const html = figureBundle(fig)["text/html"] as string;
    assert.equal((html.match(/<\/script>/g) ?? []).length, scriptTags(html).length, "only our own scripts end");
    const embedded = html.match(/,fig=(.*?),el=null,/)?.[1];
    assert.ok(embedded, "figure JSON found in the script");
    assert.deepEqual(JSON.parse(embedded), plotlyJson(fig));
    // Every figure names the Hangul-covering font stack.
    assert.equal((plotlyJson(fig).layout as { font: { family: string } }).font.family, FONT_FAMILY);
    assert.match(FONT_FAMILY, /^"Noto Sans KR", .*"Nanum Gothic", NanumGothic, "Apple SD Gothic Neo", "Malgun Gothic", .*sans-serif$/);
  });

  it("with a carrier, the HTML holds the local plotly.min.js, gzip+base64, byte for byte", () => {
    const html = figureBundle(fig, { inlinePlotly: true })["text/html"] as string;
    const file = require.resolve("plotly.js-dist-min/plotly.min.js");
    const b64 = html.match(/atob\("([A-Za-z0-9+/=]+)"\)/)?.[1];
    assert.ok(b64, "inlined payload found");
    assert.ok(zlib.gunzipSync(Buffer.from(b64, "base64")).equals(fs.readFileSync(file)), "decompresses to plotly.min.js");
    const version = JSON.parse(fs.readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")).version;
    assert.equal(plotlyJsPayload().version, version);
    assert.match(html, new RegExp(`data-bertlab-plotly="${version.replace(/\./g, "\\.")}"`));
    assert.ok(scriptTags(html).every((attrs) => !/\bsrc=/.test(attrs)), "no <script src>");
    assert.doesNotMatch(html, /<script[^>]*src=["']?https?:/);
    // A carrier only flushes the queue when the page has plotly.js already or another carrier is
    // decoding it, so many carriers cost one evaluation (drawn in test/viz/render.test.ts).
    assert.match(html, /st\.carriers\+\+;if\(flush\(\)\|\|st\.loading\)return;/);
    // The queue is only emptied once window.Plotly exists.
    assert.match(html, /function flush\(\)\{if\(!w\.Plotly\)return false;/);
    const size = Buffer.byteLength(JSON.stringify(figureBundle(fig, { inlinePlotly: true })));
    assert.ok(size > plotlyJsPayload().gzipBase64.length && size < plotlyJsPayload().bytes / 2, `bundle with carrier is ${size} bytes`);
  });

  it("outside a kernel: display() prints the text line (unless BERTLAB_QUIET) and sends nothing", () => {
    assert.equal(insideNotebookKernel(), false);
    assert.equal(sendDisplay({ "text/plain": "x" }), false);
    const quiet = process.env.BERTLAB_QUIET;
    try {
      delete process.env.BERTLAB_QUIET;
      const bars = topKBar([{ label: "dog", value: 0.7 }]);
      let returned: unknown = "not called";
      const out = captureStdout(() => (returned = display(bars)));
      assert.equal(returned, undefined, "nothing for tslab to print as an execute_result");
      assert.equal(out, describeFigure(bars) + "\n");
      assert.equal(captureStdout(() => displayBundle({ "text/plain": "hello", "text/html": "<b>hello</b>" })), "hello\n");
      process.env.BERTLAB_QUIET = "1";
      assert.equal(captureStdout(() => display(bars)), "");
    } finally {
      if (quiet === undefined) delete process.env.BERTLAB_QUIET;
      else process.env.BERTLAB_QUIET = quiet;
    }
  });

  it("outside a kernel a live chart records points; bad points are named errors", () => {
    const chart = liveLineChart({ title: "Training", series: ["loss", "val_loss"] });
    chart.push({ step: 1, loss: 2 });
    chart.push({ step: 2, loss: 1.5, val_loss: 1.8 });
    assert.throws(() => chart.push({ step: 3, acc: 0.5 }), /unknown series "acc" \(this chart has loss, val_loss\)/);
    assert.throws(() => chart.push({ step: NaN, loss: 1 }), /liveLineChart.push: step is NaN/);
    assert.throws(() => chart.push({ step: 4 }), /no value for any series/);
    chart.finish();
    assert.equal(describeFigure(chart.figure()), "Figure: line chart, 2 series (loss: 2 points, last 1.5 at x=2; val_loss: 1 point, last 1.8 at x=2) 'Training'");
    assert.throws(() => chart.push({ step: 5, loss: 1 }), /chart was finished/);
    assert.throws(() => liveLineChart({ series: [] }), /give the series names/);
    assert.throws(() => liveLineChart({ series: ["step"] }), /"step" is the x value/);
  });

  it("the plotly.js policy is checked", () => {
    const env = process.env.BERTLAB_PLOTLYJS;
    try {
      process.env.BERTLAB_PLOTLYJS = "sometimes";
      assert.throws(() => plotlyJsPolicy(), /BERTLAB_PLOTLYJS: unknown plotly\.js policy "sometimes"; use one of per-session, per-cell, none/);
      delete process.env.BERTLAB_PLOTLYJS;
      assert.equal(plotlyJsPolicy(), "per-session", "plotly.js once per notebook by default");
      assert.throws(() => configureFigures({ plotlyJs: "always" as never }), /configureFigures: unknown plotly\.js policy "always"/);
    } finally {
      if (env === undefined) delete process.env.BERTLAB_PLOTLYJS;
      else process.env.BERTLAB_PLOTLYJS = env;
    }
  });
});
