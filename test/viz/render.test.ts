/**
 * Draws the HTML fallback in a real browser (headless Chromium, Debian package `chromium`) from
 * file://, offline: the carrier must define Plotly, every figure must draw, in any order on the page.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  attentionHeatmap,
  confusionMatrixHeatmap,
  embeddingScatter,
  figureBundle,
  headView,
  lineChart,
  maskHeatmap,
  modelView,
  tokenTable,
  topKBar,
  type Figure,
} from "../../src/viz";

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome"].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ["--version"], { encoding: "utf8" });
    if (r.status === 0) return c;
  }
  return undefined;
}

/** Renders a page and returns the DOM after scripts ran (virtual time lets timers fire at once). */
function renderDom(chromium: string, dir: string, name: string, body: string, budgetMs: number): string {
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body style="width:1000px">${body}</body></html>`);
  const r = spawnSync(
    chromium,
    ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", `--user-data-dir=${path.join(dir, "profile")}`, `--virtual-time-budget=${budgetMs}`, "--dump-dom", `file://${file}`],
    { encoding: "utf8", timeout: 90_000, maxBuffer: 64 << 20 },
  );
  assert.equal(r.status, 0, `chromium failed: ${r.stderr}`);
  return r.stdout;
}

/** The rendered markup of each figure div, in page order. */
function figureParts(dom: string): string[] {
  // plotly adds its own classes to the div, so split on our data attribute.
  return dom.split(/<div [^>]*data-bertlab-figure="/).slice(1);
}

describe("viz HTML fallback in headless Chromium", function () {
  let chromium: string | undefined;
  let dir: string;
  before(function () {
    chromium = findChromium();
    if (!chromium) {
      console.log("    (skipped: no chromium found; apt-get install chromium, or set CHROMIUM=/path/to/chrome)");
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-viz-"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("draws every kind of figure offline, including figures placed before the carrier", function () {
    const tokens = ["[CLS]", "나는", "</script><script>window.pwned=1</script>", "[SEP]"];
    const att = [0, 1].map(() => [0, 1].map(() => tokens.map((_, q) => tokens.map((_, k) => (q === k ? 0.4 : 0.2)))));
    const figures: Array<[string, Figure, string]> = [
      ["line", lineChart({ series: [{ name: "loss", x: [1, 2, 3], y: [2, 1.4, 1.1] }], title: "Loss" }), 'class="trace scatter'],
      ["attention", attentionHeatmap(att[0][0], tokens, { title: "Attention" }), 'class="hm"'],
      ["mask", maskHeatmap(tokens.map((_, q) => tokens.map((_, k) => (k <= q ? 1 : 0))), { tokens }), 'class="hm"'],
      ["confusion", confusionMatrixHeatmap([[3, 1], [0, 4]], ["a", "b"]), 'class="hm"'],
      ["topk", topKBar([{ label: "cute", value: 0.5 }, { label: "big", value: 0.3 }, { label: "old", value: 0.1 }]), 'class="trace bars"'],
      ["table", tokenTable({ tokens, segmentIds: [0, 0, 1, 1], inputMask: [1, 1, 1, 0] }), 'class="table"'],
      ["scatter", embeddingScatter(tokens.map((_, i) => [i, i * i, Math.sin(i)]), { labels: tokens }), 'class="trace scatter'],
      ["head view", headView(att, tokens, { layer: 1, layerMenu: true }), 'class="trace scatter'],
      ["model view", modelView(att, tokens), 'class="hm"'],
    ];
    // The carrier rides on the second figure: the first must wait for it and still draw.
    const body =
      figures.map(([, fig], i) => figureBundle(fig, { inlinePlotly: i === 1 })["text/html"]).join("\n") +
      `<pre id="probe"></pre><script>setTimeout(function(){document.getElementById("probe").textContent=JSON.stringify({plotly:window.Plotly&&window.Plotly.version,pwned:window.pwned||0});},4000);</script>`;
    const dom = renderDom(chromium!, dir, "all", body, 8000);
    const probe = JSON.parse(dom.match(/<pre id="probe">(.*?)<\/pre>/)?.[1] ?? "{}");
    assert.equal(probe.pwned, 0, "token text never runs as script");
    assert.match(String(probe.plotly), /^\d+\.\d+\.\d+$/, "window.Plotly defined by the carrier");
    const parts = figureParts(dom);
    assert.equal(parts.length, figures.length);
    figures.forEach(([name, , marker], i) => {
      assert.match(parts[i], /class="main-svg"/, `${name} was drawn`);
      assert.ok(parts[i].includes(marker), `${name} has ${marker}`);
      assert.doesNotMatch(parts[i], /class="bertlab-figure-note"/, `${name}: the no-JavaScript note was replaced`);
    });
    // Labels are shown as written, not as markup.
    assert.ok(parts[1].includes("&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;"), "hostile token drawn as text");
    assert.ok(parts[5].includes(">[CLS]<"), "table cell text");
    assert.match(parts[7], /class="updatemenu-header"/, "head view layer menu drawn");
  });

  it("a figure whose carrier is gone says so instead of staying blank", function () {
    const fig = topKBar([{ label: "x", value: 0.5 }]);
    const dom = renderDom(chromium!, dir, "orphan", figureBundle(fig)["text/html"], 12_000);
    const part = figureParts(dom)[0];
    assert.doesNotMatch(part, /main-svg/);
    assert.match(part, /Waiting for plotly\.js\. It is inlined in the first figure of each cell run/);
  });
});
