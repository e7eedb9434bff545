import assert from "node:assert/strict";
import {
  attentionHeatmap,
  barChart,
  confusionMatrixHeatmap,
  describeFigure,
  embeddingScatter,
  figureText,
  headView,
  heatmap,
  lineChart,
  maskHeatmap,
  modelView,
  pca,
  scatterPlot,
  tokenTable,
  topKBar,
  type BarTrace,
  type HeatmapTrace,
  type ScatterTrace,
  type TableTrace,
} from "../../src/viz";

const tokens = ["[CLS]", "the", "dog", "[MASK]", "the", "[SEP]"];
const n = tokens.length;
/** Row-stochastic, distinct per (layer, head, row): attention-like but easy to recompute. */
const weight = (l: number, h: number, q: number, k: number) => {
  const raw = (i: number) => 1 + ((l * 31 + h * 17 + q * 7 + i * 3) % 11);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += raw(i);
  return raw(k) / sum;
};
const attentions = Array.from({ length: 3 }, (_, l) => Array.from({ length: 4 }, (_, h) => Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => weight(l, h, q, k)))));

describe("viz figure builders", () => {
  it("heatmap: values, positions as ticks (repeated tokens stay separate rows), reversed rows, titles", () => {
    const z = attentions[0][1];
    const fig = attentionHeatmap(z, tokens, { title: "Layer 0 head 1" });
    const t = fig.data[0] as HeatmapTrace;
    assert.equal(t.type, "heatmap");
    assert.deepEqual(t.z, z);
    assert.deepEqual(t.x, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(fig.layout.xaxis?.ticktext, ["[CLS]", "the", "dog", "[MASK]", "the", "[SEP]"]);
    assert.deepEqual(fig.layout.yaxis?.tickvals, [0, 1, 2, 3, 4, 5]);
    assert.equal(fig.layout.yaxis?.autorange, "reversed");
    assert.equal(fig.layout.xaxis?.title?.text, "key (attended to)");
    assert.equal(fig.layout.yaxis?.title?.text, "query (attending)");
    assert.equal(fig.layout.title?.text, "Layer 0 head 1");
    assert.equal(t.zmin, 0);
    assert.equal(t.text?.[3][4], "[MASK] → the");
    assert.equal(describeFigure(fig), "Figure: heatmap 6×6 'Layer 0 head 1'");
  });

  it("heatmap: escapes plotly's pseudo-HTML in labels so a token shows as written", () => {
    const fig = heatmap({ z: [[1, 2]], x: ["<b>", "a&b"], y: ["r"] });
    assert.deepEqual(fig.layout.xaxis?.ticktext, ["&lt;b&gt;", "a&amp;b"]);
  });

  it("heatmap: names the problem in bad input", () => {
    assert.throws(() => heatmap({ z: [[1, 2], [3]] }), /heatmap: z is ragged: row 1 has 1 values, row 0 has 2/);
    assert.throws(() => heatmap({ z: [[1, NaN]] }), /heatmap: z\[0\]\[1\] is NaN, not a finite number/);
    assert.throws(() => heatmap({ z: [] }), /heatmap: z is empty/);
    assert.throws(() => heatmap({ z: [[1, 2]], x: ["a"] }), /heatmap: x \(column labels\) has 1 labels but each row has 2/);
    assert.throws(() => attentionHeatmap([[1, 0], [0, 1]], ["a", "b", "c"]), /attentionHeatmap: query tokens has 3 labels but weights \(rows\) has 2/);
  });

  it("mask: 0/1 only, discrete colours, counts in the description", () => {
    const causal = tokens.map((_, q) => tokens.map((_, k) => (k <= q ? 1 : 0)));
    const fig = maskHeatmap(causal, { tokens, title: "Causal" });
    const t = fig.data[0] as HeatmapTrace;
    assert.equal(t.zmin, 0);
    assert.equal(t.zmax, 1);
    assert.equal(t.showscale, false);
    assert.equal(t.texttemplate, "%{z:d}");
    assert.equal(describeFigure(fig), "Figure: attention mask 6×6, 21 of 36 allowed 'Causal'");
    assert.throws(() => maskHeatmap([[1, 0.5]]), /maskHeatmap: mask\[0\]\[1\] is 0.5; a mask holds 0 \(blocked\) and 1 \(may attend\)/);
  });

  it("confusion matrix: true rows, predicted columns, optional row normalisation", () => {
    const fig = confusionMatrixHeatmap([[8, 2], [1, 9]], ["IsNext", "NotNext"], { normalize: true });
    const t = fig.data[0] as HeatmapTrace;
    assert.deepEqual(t.z, [[0.8, 0.2], [0.1, 0.9]]);
    assert.equal(fig.layout.xaxis?.title?.text, "predicted");
    assert.equal(fig.layout.yaxis?.title?.text, "true");
    assert.equal(t.texttemplate, "%{z:.0%}");
    assert.match(describeFigure(fig), /17\/20 on the diagonal/);
    assert.throws(() => confusionMatrixHeatmap([[1, 2]], ["a"]), /must be square/);
    assert.throws(() => confusionMatrixHeatmap([[1, -1], [0, 1]], ["a", "b"]), /counts\[0\]\[1\] is -1; counts are whole numbers ≥ 0/);
    assert.throws(() => confusionMatrixHeatmap([[1, 0], [0, 1]], ["a", "a"]), /labels has "a" twice \(at 0 and 1\)/);
  });

  it("top-k: sorted best first, cut at k, horizontal with the best at the top, percentages", () => {
    const fig = topKBar(
      [
        { label: "cat", value: 0.1 },
        { label: "dog", value: 0.6 },
        { label: "car", value: 0.05 },
        { label: "cow", value: 0.2 },
      ],
      { k: 3, title: "[MASK]", highlight: ["dog"] },
    );
    const t = fig.data[0] as BarTrace;
    assert.equal(t.orientation, "h");
    assert.deepEqual(t.y, ["dog", "cow", "cat"]);
    assert.deepEqual(t.x, [0.6, 0.2, 0.1]);
    assert.equal(fig.layout.yaxis?.autorange, "reversed");
    assert.equal(fig.layout.xaxis?.title?.text, "probability");
    assert.equal(t.texttemplate, "%{x:.1%}");
    assert.deepEqual((t.marker as { color: string[] }).color.map((c) => c === "#d62728"), [true, false, false]);
    assert.equal(describeFigure(fig), "Figure: bar chart, 3 bars (dog=0.6, cow=0.2, cat=0.1) '[MASK]'");
    assert.throws(() => topKBar([]), /topKBar: no items/);
    assert.throws(() => topKBar([{ label: "a", value: Infinity }]), /items\[0\]\.value \(label "a"\) is Infinity/);
    assert.throws(() => barChart({ labels: ["a", "a"], values: [1, 2] }), /barChart: labels has "a" twice/);
  });

  it("line chart: one trace per series, gaps for non-finite values, axis titles, log scale", () => {
    const fig = lineChart({
      series: [
        { name: "loss", x: [1, 2, 3], y: [2.5, NaN, 1.5] },
        { name: "val_loss", x: [3], y: [1.9] },
      ],
      xTitle: "step",
      yTitle: "loss",
      logY: true,
      title: "Training",
    });
    const [a, b] = fig.data as ScatterTrace[];
    assert.deepEqual(a.y, [2.5, null, 1.5]);
    assert.equal(a.name, "loss");
    assert.equal(b.mode, "lines+markers");
    assert.equal(fig.layout.yaxis?.type, "log");
    assert.equal(fig.layout.xaxis?.title?.text, "step");
    assert.equal(describeFigure(fig), "Figure: line chart, 2 series (loss: 2 points, last 1.5 at x=3; val_loss: 1 point, last 1.9 at x=3) 'Training'");
    assert.throws(() => lineChart({ series: [{ name: "a", x: [1, 2], y: [1] }] }), /series "a" has 2 x values but 1 y values/);
    assert.throws(() => lineChart({ series: [{ name: "a", x: [1], y: [1] }, { name: "a", x: [1], y: [1] }] }), /two series are named "a"/);
  });

  it("scatter: one trace per group in order of appearance, labels beside points", () => {
    const fig = scatterPlot({ x: [0, 1, 2, 3], y: [1, 0, 1, 0], labels: ["안녕", "hi", "こんにちは", "yo"], groups: ["ko", "en", "ja", "en"], title: "Greetings" });
    const traces = fig.data as ScatterTrace[];
    assert.deepEqual(traces.map((t) => t.name), ["ko", "en", "ja"]);
    assert.deepEqual(traces[1].x, [1, 3]);
    assert.deepEqual(traces[1].text, ["hi", "yo"]);
    assert.equal(traces[0].mode, "markers+text");
    assert.equal(fig.layout.showlegend, true);
    assert.throws(() => scatterPlot({ x: [1, 2], y: [1] }), /2 x values but 1 y values/);
    assert.throws(() => scatterPlot({ x: [1], y: [1], groups: ["a", "b"] }), /groups has 2 labels but x has 1/);
  });

  it("pca: recovers the dominant direction and its share of variance", () => {
    // Points on the line y = 2x in 3-D plus a small orthogonal wobble on z.
    const rows = [-2, -1, 0, 1, 2].map((t, i) => [t, 2 * t, i % 2 ? 0.1 : -0.1]);
    const { components, explained, projected } = pca(rows, 2);
    const [c0] = components;
    assert.ok(Math.abs(c0[0] - 1 / Math.sqrt(5)) < 1e-6 && Math.abs(c0[1] - 2 / Math.sqrt(5)) < 1e-6, `first component ${c0}`);
    assert.ok(explained[0] > 0.99 && explained[0] + explained[1] > 0.999999, `explained ${explained}`);
    assert.ok(Math.abs(projected[4][0] - 2 * Math.sqrt(5)) < 1e-6);
    assert.throws(() => pca([[1, 2]]), /at least 2 rows/);
  });

  it("embedding scatter: PCA axes named with their variance", () => {
    const vectors = tokens.map((_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 1.3 + j) + (j === 0 ? i : 0)));
    const fig = embeddingScatter(vectors, { labels: tokens });
    assert.match(String(fig.layout.xaxis?.title?.text), /^PC1 \(\d+\.\d% of variance\)$/);
    assert.equal((fig.data[0] as ScatterTrace).x.length, n);
    assert.throws(() => embeddingScatter([[1], [2]]), /vectors have 1 dimension/);
  });

  it("token table: a column per position, coloured by segment, padding grey, text form for the terminal", () => {
    const fig = tokenTable({
      tokens: ["[CLS]", "hi", "[SEP]", "yo", "[SEP]", "[PAD]"],
      inputIds: [101, 7632, 102, 10930, 102, 0],
      segmentIds: [0, 0, 0, 1, 1, 0],
      inputMask: [1, 1, 1, 1, 1, 0],
      title: "Pair",
    });
    const t = fig.data[0] as TableTrace;
    assert.deepEqual(t.header.values, ["position", "0", "1", "2", "3", "4", "5"]);
    assert.deepEqual(t.cells.values[0], ["token", "input_ids", "segment_ids", "input_mask"]);
    assert.deepEqual(t.cells.values[4], ["yo", "10930", "1", "1"]);
    const fill = t.cells.fill?.color as string[][];
    assert.notEqual(fill[1][0], fill[4][0], "segments differ in colour");
    assert.equal(fill[1][0], fill[3][0]);
    assert.notEqual(fill[6][0], fill[1][0], "padding differs from segment 0");
    assert.equal(
      figureText(fig),
      [
        "Figure: token table, 6 tokens × token, input_ids, segment_ids, input_mask 'Pair'",
        "position     0      1     2      3      4      5",
        "token        [CLS]  hi    [SEP]  yo     [SEP]  [PAD]",
        "input_ids    101    7632  102    10930  102    0",
        "segment_ids  0      0     0      1      1      0",
        "input_mask   1      1     1      1      1      0",
      ].join("\n"),
    );
    const vertical = tokenTable({ tokens: ["a", "b"], orientation: "vertical" }).data[0] as TableTrace;
    assert.deepEqual(vertical.cells.values, [["0", "1"], ["a", "b"]]);
    assert.throws(() => tokenTable({ tokens: ["a", "b"], inputMask: [1] }), /input_mask has 1 values but there are 2 tokens/);
    assert.throws(() => tokenTable({ tokens: ["a"], inputMask: [2] }), /input_mask\[0\] is 2; the mask holds 1 \(token\) or 0 \(padding\)/);
  });

  it("head view: line segments per head from query (x=0) to key (x=1), opacity growing with weight", () => {
    const fig = headView(attentions, tokens, { layer: 1, heads: [0, 2], threshold: 0 });
    const lines = (fig.data as ScatterTrace[]).filter((t) => t.mode === "lines");
    assert.deepEqual([...new Set(lines.map((t) => t.legendgroup))], ["head 0", "head 2"]);
    // Every (query, key) pair of each chosen head is drawn exactly once, in the band of its weight.
    for (const h of [0, 2]) {
      const group = lines.filter((t) => t.legendgroup === `head ${h}`);
      const legend = group.filter((t) => t.showlegend);
      assert.equal(legend.length, 1, "one legend entry per head");
      assert.deepEqual(legend[0].x, [null], "the legend entry draws nothing");
      const segs = group.filter((t) => !t.showlegend);
      let count = 0;
      for (const t of segs) {
        for (let i = 0; i < t.x.length; i += 3) {
          assert.deepEqual([t.x[i], t.x[i + 1], t.x[i + 2]], [0, 1, null]);
          const w = weight(1, h, t.y[i] as number, t.y[i + 1] as number);
          const opacity = t.opacity as number;
          assert.ok(w >= 0.3 ? opacity >= 0.55 : opacity <= 0.35, `weight ${w} drawn with opacity ${opacity}`);
          count++;
        }
      }
      assert.equal(count, n * n);
    }
    const text = (fig.data as ScatterTrace[]).filter((t) => t.mode === "text");
    assert.deepEqual(text.map((t) => t.x[0]), [0, 1]);
    assert.deepEqual(text[0].text, tokens);
    assert.match(describeFigure(fig), /^Figure: head view, layer 1, heads 0,2, 6 tokens/);
    assert.throws(() => headView(attentions, tokens, { layer: 3 }), /headView: layer 3 does not exist \(attentions has 3 layers\)/);
    assert.throws(() => headView(attentions, tokens, { heads: [4] }), /headView: head 4 does not exist \(there are 4: 0\.\.3\)/);
    assert.throws(() => headView(attentions, tokens.slice(1)), /attentions\[0\]\[0\] is 6×6 but there are 5 tokens/);
  });

  it("head view with a layer menu: every layer's lines, only the chosen layer visible, a button per layer", () => {
    const fig = headView(attentions, tokens, { layer: 1, heads: [3], layerMenu: true, threshold: 0 });
    const traces = fig.data as ScatterTrace[];
    const lines = traces.filter((t) => t.mode === "lines");
    const single = (l: number) => (headView(attentions, tokens, { layer: l, heads: [3], threshold: 0 }).data as ScatterTrace[]).filter((t) => t.mode === "lines");
    assert.equal(lines.length, single(0).length + single(1).length + single(2).length);
    const menu = (fig.layout.updatemenus as Array<{ active: number; buttons: Array<{ label: string; args: [{ visible: boolean[] }, { title: { text: string } }] }> }>)[0];
    assert.equal(menu.active, 1);
    assert.deepEqual(menu.buttons.map((b) => b.label), ["layer 0", "layer 1", "layer 2"]);
    assert.deepEqual(traces.map((t) => t.visible ?? true), menu.buttons[1].args[0].visible, "initial visibility is layer 1's button");
    const layer2 = menu.buttons[2].args[0].visible;
    // Layer 2's lines are the block after layers 0 and 1; the token columns stay visible.
    const from = single(0).length + single(1).length;
    assert.deepEqual(layer2, traces.map((_, i) => (i >= from && i < from + single(2).length) || traces[i].mode === "text"));
    assert.equal(menu.buttons[2].args[1].title.text, "Head view: layer 2, heads 3");
    // The lines of layer 2 in the menu figure are exactly those of layer 2 alone.
    assert.deepEqual(lines.slice(from, from + single(2).length).map((t) => ({ ...t, visible: undefined })), single(2).map((t) => ({ ...t, visible: undefined })));
  });

  it("head view as heatmaps and the model view: a grid of heatmaps on one colour axis", () => {
    const grid = headView(attentions, tokens, { layer: 2, style: "heatmaps", heads: [1, 3] });
    assert.equal(grid.data.length, 2);
    const fig = modelView(attentions, tokens);
    assert.equal(fig.data.length, 12);
    const traces = fig.data as HeatmapTrace[];
    // Row-major: layer 1, head 2 is the 7th subplot.
    assert.equal(traces[6].xaxis, "x7");
    assert.equal(traces[6].z[3][4], Math.round(weight(1, 2, 3, 4) * 1000) / 1000);
    assert.ok(traces.every((t) => t.coloraxis === "coloraxis"));
    const x7 = fig.layout.xaxis7 as { domain: number[] };
    const y7 = fig.layout.yaxis7 as { domain: number[]; autorange: string };
    assert.ok(x7.domain[0] > 0.5 && x7.domain[1] < 0.75, `x domain ${x7.domain}`);
    assert.ok(y7.domain[0] > 1 / 3 && y7.domain[1] < 2 / 3, `y domain ${y7.domain}`);
    assert.equal(y7.autorange, "reversed");
    assert.equal(describeFigure(fig), "Figure: model view, 3 layers × 4 heads, 6 tokens 'Model view: 3 layers × 4 heads'");
    const big = Array.from({ length: 12 }, () => Array.from({ length: 12 }, () => Array.from({ length: 64 }, () => new Array(64).fill(1 / 64))));
    assert.throws(() => modelView(big, new Array(64).fill("x")), /modelView: 12 layers × 12 heads × 64² tokens is 589824 numbers/);
  });
});

describe("viz figures stay readable", () => {
  const intents = Array.from({ length: 40 }, (_, i) => `intent_name_${String(i).padStart(2, "0")}`);
  const counts = intents.map((_, r) => intents.map((_, c) => (r === c ? 5 : (r + c) % 7 === 0 ? 1 : 0)));

  it("every labelled heatmap axis has automargin, so long labels and axis titles are not clipped", () => {
    const fig = heatmap({ z: [[0.1, 0.9]], x: ["embeddings", "feed-forward"], y: ["mini (11.2M)"], xTitle: "part", yTitle: "preset" });
    assert.equal(fig.layout.xaxis?.automargin, true);
    assert.equal(fig.layout.yaxis?.automargin, true);
    const bars = barChart({ labels: ["a", "b"], values: [1, 2] });
    assert.equal(bars.layout.xaxis?.automargin, true);
    assert.equal(lineChart({ series: [{ name: "s", x: [1], y: [1] }] }).layout.yaxis?.automargin, true);
  });

  it("confusion matrices scale cells, label size and height with the number of classes", () => {
    const small = confusionMatrixHeatmap([[3, 1], [0, 4]], ["yes", "no"]);
    const big = confusionMatrixHeatmap(counts, intents);
    const size = (f: ReturnType<typeof heatmap>) => (f.layout.xaxis?.tickfont as { size: number }).size;
    assert.equal(size(small), 12);
    assert.equal(size(big), 9);
    assert.equal(big.layout.xaxis?.tickangle, -90, "40 column labels stand upright");
    assert.equal(big.layout.xaxis?.automargin, true);
    const h = big.layout.height as number;
    // At least 16 px per class plus room for the longest label; a 2-class matrix stays small.
    assert.ok(h >= 40 * 16 + 80 && h <= 1200, `40 classes: height ${h}`);
    assert.ok((small.layout.height as number) < 300, `2 classes: height ${small.layout.height}`);
    assert.equal((big.data[0] as HeatmapTrace).texttemplate, undefined, "no numbers in 1600 tiny cells (hover has them)");
  });

  it("top-k of near-uniform probabilities shows readable values and the uniform reference", () => {
    const items = ["a", "b", "c"].map((label, i) => ({ label, value: 0.000131 - i * 0.000002 }));
    const fig = topKBar(items, { reference: { value: 1 / 8000, label: "uniform: 1 / 8000" } });
    const trace = fig.data[0] as BarTrace;
    assert.equal(trace.texttemplate, "%{x:.3%}", "0.0131% keeps two significant digits instead of printing 0.0%");
    assert.equal(fig.layout.xaxis?.tickformat, ".3%", "axis ticks as percentages, not 100µ");
    const shapes = fig.layout.shapes as Array<{ x0: number; line: { dash: string } }>;
    assert.equal(shapes[0].x0, 1 / 8000);
    assert.equal(shapes[0].line.dash, "dash");
    assert.match(describeFigure(fig), /dashed line: uniform: 1 \/ 8000 = 0\.000125/);
    assert.equal((topKBar([{ label: "x", value: 0.42 }]).data[0] as BarTrace).texttemplate, "%{x:.1%}");
    assert.throws(() => topKBar(items, { reference: { value: NaN, label: "u" } }), /reference\.value is NaN/);
    assert.throws(() => topKBar(items, { reference: { value: 0.1, label: "" } }), /reference\.label must name the line/);
  });

  it("the model view labels its tiles: queries down the first column, keys along the bottom row, layers and heads named", () => {
    const att = attentions;
    const layers = 3;
    const heads = 4;
    const fig = modelView(att, tokens);
    const layout = fig.layout as Record<string, { showticklabels?: boolean; ticktext?: string[]; title?: { text: string }; automargin?: boolean }>;
    const axis = (kind: "x" | "y", layer: number, head: number) => layout[`${kind}axis${layer * heads + head === 0 ? "" : layer * heads + head + 1}`];
    assert.deepEqual(axis("x", layers - 1, 0).ticktext, tokens);
    assert.equal(axis("x", layers - 1, 1).showticklabels, true);
    assert.equal(axis("x", 0, 0).showticklabels, false, "inner tiles hide their labels");
    assert.equal(axis("y", 0, 0).showticklabels, true);
    assert.equal(axis("y", 0, 1).showticklabels, false);
    assert.equal(axis("y", 1, 0).title?.text, "layer 1");
    assert.equal(axis("y", 1, 0).automargin, true);
    assert.ok((fig.layout.annotations ?? []).some((a) => a.text === "head 1"));
    assert.equal(modelView(att, tokens, { showTokens: false }).layout.xaxis?.showticklabels, false);
  });
});
