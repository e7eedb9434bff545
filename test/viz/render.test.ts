/**
 * The HTML fallback's loader in a real browser (headless Chromium, Debian package `chromium`,
 * driven by playwright-core), offline: however many carriers and figures a page holds, in whatever
 * order and however the front end runs their scripts, every figure draws and plotly.js is
 * evaluated once. Without scripts (an untrusted notebook) each figure says what it is and how to
 * trust the notebook; without a carrier it says how to get plotly.js back.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import type { Page } from "playwright-core";
import {
  attentionHeatmap,
  confusionMatrixHeatmap,
  embeddingScatter,
  figureBundle,
  headView,
  lineChart,
  maskHeatmap,
  modelView,
  plotlyCarrierBundle,
  tokenTable,
  topKBar,
  type Figure,
} from "../../src/viz";
import { figureStates, findChromium, launch, NO_CHROMIUM, screenshot, undrawn, waitForFigures, type Browser } from "../browser/chromium";

const html = (fig: Figure, carry = false) => figureBundle(fig, { inlinePlotly: carry })["text/html"] as string;
const CARRIER = plotlyCarrierBundle()["text/html"] as string;
const page0 = (body: string) => `<!doctype html><html><head><meta charset="utf-8"></head><body style="width:1000px">${body}</body></html>`;

/** Debian's jQuery and require.js: what classic Notebook serves (static/components links here). */
const JQUERY = "/usr/share/javascript/jquery/jquery.min.js";
const REQUIREJS = "/usr/share/javascript/requirejs/require.min.js";

function bars(label: string): Figure {
  return topKBar([{ label, value: 0.5 }, { label: `${label}2`, value: 0.3 }], { title: `bars ${label}` });
}

/** How many scripts on the page hold plotly.js itself (the carrier appends one when it decodes). */
const plotlyEvaluations = (page: Page) => page.evaluate(() => [...document.scripts].filter((s) => (s.textContent ?? "").length > 1_000_000 && !s.hasAttribute("data-bertlab-plotly")).length);

describe("viz HTML fallback in headless Chromium", function () {
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async function () {
    const exe = findChromium();
    if (!exe) {
      console.log(`    (${NO_CHROMIUM})`);
      this.skip();
    }
    browser = await launch(exe!);
  });
  beforeEach(async () => {
    page = await browser!.context.newPage();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") console.log(`    screenshot: ${await screenshot(page, `viz-render-${this.currentTest.title}`)}`);
    await page?.close();
  });
  after(async () => browser?.close());

  it("draws every kind of figure offline, including figures placed before the carrier", async () => {
    const tokens = ["[CLS]", "나는", "</script><script>window.pwned=1</script>", "[SEP]"];
    const att = [0, 1].map(() => [0, 1].map(() => tokens.map((_, q) => tokens.map((_, k) => (q === k ? 0.4 : 0.2)))));
    const figures: Array<[string, Figure, string]> = [
      ["line", lineChart({ series: [{ name: "loss", x: [1, 2, 3], y: [2, 1.4, 1.1] }], title: "Loss" }), "g.trace.scatter"],
      ["attention", attentionHeatmap(att[0][0], tokens, { title: "Attention" }), "g.hm"],
      ["mask", maskHeatmap(tokens.map((_, q) => tokens.map((_, k) => (k <= q ? 1 : 0))), { tokens }), "g.hm"],
      ["confusion", confusionMatrixHeatmap([[3, 1], [0, 4]], ["a", "b"]), "g.hm"],
      ["topk", topKBar([{ label: "cute", value: 0.5 }, { label: "big", value: 0.3 }, { label: "old", value: 0.1 }]), "g.trace.bars"],
      ["table", tokenTable({ tokens, segmentIds: [0, 0, 1, 1], inputMask: [1, 1, 1, 0] }), "g.table"],
      ["scatter", embeddingScatter(tokens.map((_, i) => [i, i * i, Math.sin(i)]), { labels: tokens }), "g.trace.scatter"],
      ["head view", headView(att, tokens, { layer: 1, layerMenu: true }), "g.trace.scatter"],
      ["model view", modelView(att, tokens), "g.hm"],
    ];
    // The carrier rides on the second figure: the first must wait for it and still draw.
    await page!.setContent(page0(figures.map(([, fig], i) => html(fig, i === 1)).join("\n")));
    const states = await waitForFigures(page!, figures.length, 30_000);
    assert.equal(states.length, figures.length);
    assert.equal(undrawn(states), "", "every figure drew");
    for (const [i, [name, , marker]] of figures.entries()) {
      assert.ok(await page!.$(`.bertlab-figure >> nth=${i} >> css=${marker}`), `${name} has ${marker}`);
    }
    assert.equal(await page!.evaluate(() => (window as unknown as { pwned?: number }).pwned ?? 0), 0, "token text never runs as script");
    assert.match(await page!.evaluate(() => String((window as unknown as { Plotly?: { version: string } }).Plotly?.version)), /^\d+\.\d+\.\d+$/);
    // Labels are drawn as written, not as markup.
    const attentionText = await page!.$eval(".bertlab-figure >> nth=1", (el) => el.textContent ?? "");
    assert.ok(attentionText.includes("</script><script>window.pwned=1</script>"), "hostile token drawn as text");
    assert.ok(await page!.$(".bertlab-figure >> nth=7 >> css=.updatemenu-header"), "head view layer menu drawn");
  });

  // Outputs as a notebook saved after a run holds them: figures before, between and after
  // several carriers, one figure shown twice.
  const onePass = () => [html(bars("a")), html(bars("b"), true), html(bars("c")), CARRIER, html(bars("d"), true), html(bars("b")), html(bars("e")), html(bars("f"), true), html(bars("g"))];

  it("many carriers and figures parsed in one pass (an nbconvert HTML export): all draw, plotly.js evaluated once", async () => {
    // The page parser runs each script as it reaches it, so a second carrier runs while the first
    // is still decoding: the race of the first loader, which drew the figures queued so far
    // before window.Plotly existed and left them saying "Waiting for plotly.js" for good.
    await page!.setContent(page0(onePass().join("\n")));
    const states = await waitForFigures(page!, 8, 60_000);
    assert.equal(states.length, 8);
    assert.equal(undrawn(states), "", "every figure drew");
    assert.equal(await page!.locator(".bertlab-figure svg.main-svg").count() > 0, true);
    assert.equal(await plotlyEvaluations(page!), 1, "several carriers, one evaluation of plotly.js");
  });

  it("many carriers and figures rendered in one pass by classic Notebook's jQuery, with require.js on the page: all draw, plotly.js evaluated once", async function () {
    if (!fs.existsSync(JQUERY) || !fs.existsSync(REQUIREJS)) {
      console.log("    (skipped: no Debian jQuery/require.js; apt-get install jupyter-notebook brings libjs-jquery and libjs-requirejs)");
      this.skip();
    }
    // Classic Notebook 6.4 (OutputArea.append_html) builds each output in a detached <div> with
    // jQuery's append(html), then appends that to the notebook; jQuery runs the scripts at that
    // point as copies in <head> (document.currentScript is no help finding the figure's <div>).
    // Reopening a saved notebook does this for every output in one pass. Debian's jQuery and
    // require.js are the very files the Notebook serves (its static/components link to them).
    await page!.setContent(page0(`<div id="notebook"></div>`));
    await page!.addScriptTag({ path: JQUERY });
    await page!.addScriptTag({ path: REQUIREJS });
    assert.equal(await page!.evaluate(() => typeof (window as unknown as { define?: { amd?: unknown } }).define?.amd), "object", "require.js defines an AMD define");
    await page!.evaluate((all: string[]) => {
      const $ = (window as unknown as { jQuery: (s: string) => { append(x: unknown): unknown } }).jQuery;
      for (const output of all) {
        const area = $("<div/>");
        const subarea = $('<div class="output_subarea output_html rendered_html"/>');
        subarea.append(output);
        area.append(subarea);
        $("#notebook").append(area);
      }
    }, onePass());
    const states = await waitForFigures(page!, 8, 60_000);
    assert.equal(states.length, 8);
    assert.equal(undrawn(states), "", "every figure drew");
    assert.equal(await plotlyEvaluations(page!), 1, "several carriers, one evaluation of plotly.js");
    assert.equal(await page!.evaluate(() => typeof (window as unknown as { define: unknown }).define), "function", "the page's define is put back");
  });

  it("a page whose carrier is gone says how to get plotly.js back, and draws once a carrier arrives", async () => {
    await page!.setContent(page0(html(bars("x")) + html(bars("y"))));
    await page!.waitForFunction(() => (document.querySelector(".bertlab-figure-note")?.textContent ?? "").includes("not on this page"), undefined, { timeout: 15_000 });
    const states = await figureStates(page!);
    assert.equal(states.length, 2);
    for (const s of states) {
      assert.equal(s.drawn, false);
      assert.match(s.note, /plotly\.js is not on this page/);
      assert.match(s.note, /showPlotlyJs\(\)/);
      assert.match(s.note, /Kernel › Restart & Run All/);
    }
    // What showPlotlyJs() adds: a carrier output. The waiting figures draw.
    await page!.evaluate((carrier: string) => {
      const range = document.createRange();
      document.body.appendChild(range.createContextualFragment(carrier));
    }, CARRIER);
    assert.equal(undrawn(await waitForFigures(page!, 2, 30_000)), "");
  });

  it("without scripts (an untrusted notebook) each figure shows its description and how to trust the notebook", async () => {
    const strip = (s: string) => s.replace(/<script[\s\S]*?<\/script>/g, "");
    await page!.setContent(page0(strip(html(bars("dog"), true)) + strip(html(confusionMatrixHeatmap([[1, 0], [0, 1]], ["가", "나"])))));
    const states = await figureStates(page!);
    assert.equal(states.length, 2);
    assert.match(states[0].note, /^Figure: bar chart, 2 bars \(dog=0\.5, dog2=0\.3\) 'bars dog'\./);
    assert.match(states[1].note, /^Figure: confusion matrix 2×2, 2\/2 on the diagonal 'Confusion matrix'\./);
    for (const s of states) {
      assert.equal(s.drawn, false);
      assert.match(s.note, /Jupyter Notebook \(classic\) choose File › Trust Notebook/);
      assert.match(s.note, /in JupyterLab, trust the notebook .* or install the plotly extension \(pip install plotly\)/);
    }
  });

  it("Korean labels render in a Korean font (where one is installed)", async function () {
    const fonts = spawnSync("fc-list", [":lang=ko", "family"], { encoding: "utf8" });
    if (fonts.status !== 0 || fonts.stdout.trim() === "") {
      console.log("    (skipped: no Korean font installed; apt-get install fonts-nanum or fonts-noto-cjk)");
      this.skip();
    }
    const fig = topKBar([{ label: "알람", value: 0.6 }, { label: "날씨", value: 0.3 }], { title: "한국어 제목" });
    await page!.setContent(page0(html(fig, true)));
    assert.equal(undrawn(await waitForFigures(page!, 1, 30_000)), "");
    await page!.evaluate(() => {
      const t = [...document.querySelectorAll("svg text")].find((e) => e.textContent === "알람");
      if (!t) throw new Error("no SVG text '알람' in the drawn figure");
      t.setAttribute("data-probe", "1");
    });
    const cdp = await page!.context().newCDPSession(page!);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "[data-probe]" });
    const { fonts: used } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    const names = used.map((f) => `${f.familyName} (${f.glyphCount} glyphs)`).join(", ");
    assert.ok(used.length > 0 && used.every((f) => /nanum|noto sans (cjk )?kr|gothic|malgun/i.test(f.familyName)), `Hangul drawn with: ${names}`);
  });
});
