/**
 * The two attention views BertViz made familiar, drawn with plotly so they work offline and in
 * saved notebooks (BertViz's require.js loader is what breaks it in JupyterLab, bertviz#53):
 *
 * - head view: one layer; tokens in two columns, a line from each query token (left) to each key
 *   token (right) it attends to, darker for more weight, one colour per head. Clicking a head in
 *   the legend hides or shows it, double-clicking shows that head alone.
 * - model view: every layer × head as a small heatmap, rows = layers, columns = heads, all on
 *   one colour scale so heads can be compared at a glance.
 *
 * Attention weights show where a head looks, not why the model decides; they are not an explanation.
 *
 * Input: `attentions[layer][head][query][key]` for one example. From a BertModel run with
 * attentions on, `await Promise.all(out.attentions.map((a) => a.array()))` is [layer][batch][head][q][k];
 * take `.map((layer) => layer[b])` for example b.
 */
import { display, type Figure, type HeatmapTrace, type Layout, type ScatterTrace } from "./figure";
import { attentionHeatmap } from "./heatmap";
import { checkLabels, checkMatrix, plotlyText, type Matrix, isList } from "./validate";
import { checkLang, localize, type CheckLang } from "../check/lang";

export type Attentions = ReadonlyArray<ReadonlyArray<Matrix>>;

const HEAD_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"];

/**
 * The views' built-in words in the notebook's language (English or the Korean edition). Each builder
 * reads the language once, when it runs (not at load), and passes it down.
 */
function words(lang: CheckLang) {
  const t = (en: string, ko: string) => localize({ en, ko }, lang);
  return {
    layer: (l: number) => t(`layer ${l}`, `층 ${l}`),
    head: (h: number) => t(`head ${h}`, `헤드 ${h}`),
    layerHead: (l: number, h: number) => t(`layer ${l} head ${h}`, `층 ${l} 헤드 ${h}`),
    /** "all heads" or "heads 1, 3". */
    heads: (chosen: ReadonlyArray<number>, all: boolean) => (all ? t("all heads", "모든 헤드") : t(`heads ${chosen.join(", ")}`, `헤드 ${chosen.join(", ")}`)),
    headViewTitle: (l: number, headsText: string) => t(`Head view: layer ${l}, ${headsText}`, `헤드 뷰: 층 ${l}, ${headsText}`),
    modelViewTitle: (layers: number, heads: number) => t(`Model view: ${layers} layers × ${heads} heads`, `모델 뷰: 층 ${layers}개 × 헤드 ${heads}개`),
    query: t("query", "쿼리"),
    key: t("key", "키"),
    weight: t("weight", "가중치"),
    legendTitle: t("heads (click to toggle)", "헤드(클릭해서 켜기/끄기)"),
    gridNote: t("rows: query tokens · columns: key tokens", "행: 쿼리 토큰 · 열: 키 토큰"),
  };
}
type Words = ReturnType<typeof words>;

/** Checks [layer][head][seq][seq] against the tokens; returns [layers, heads]. */
function checkAttentions(where: string, attentions: Attentions, tokens: ReadonlyArray<string>, layers?: ReadonlyArray<number>): [number, number] {
  if (!isList(attentions) || attentions.length === 0) throw new Error(`${where}: attentions must be [layer][head][query][key], got an empty or non-array value`);
  const heads = attentions[0]?.length ?? 0;
  if (heads === 0) throw new Error(`${where}: attentions[0] has no heads`);
  if (!isList(tokens) || tokens.length === 0) throw new Error(`${where}: no tokens`);
  const n = tokens.length;
  for (const l of layers ?? attentions.map((_, i) => i)) {
    const layer = attentions[l];
    if (!layer) throw new Error(`${where}: layer ${l} does not exist (attentions has ${attentions.length} layers)`);
    if (layer.length !== heads) throw new Error(`${where}: layer ${l} has ${layer.length} heads, layer 0 has ${heads}`);
    layer.forEach((m, h) => {
      const [rows, cols] = checkMatrix(where, `attentions[${l}][${h}]`, m);
      if (rows !== n || cols !== n) throw new Error(`${where}: attentions[${l}][${h}] is ${rows}×${cols} but there are ${n} tokens (expected ${n}×${n}; pick one example from a batch first)`);
    });
  }
  checkLabels(where, "tokens", tokens, n, "tokens");
  return [attentions.length, heads];
}

function checkIndices(where: string, name: string, chosen: ReadonlyArray<number>, count: number): void {
  if (chosen.length === 0) throw new Error(`${where}: no ${name}s chosen`);
  for (const i of chosen) if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error(`${where}: ${name} ${i} does not exist (there are ${count}: 0..${count - 1})`);
}

export interface HeadViewOptions {
  /** Default 0. */
  layer?: number;
  /** Heads to draw; default all. The legend toggles them too. */
  heads?: ReadonlyArray<number>;
  /** Lines for weights below this are not drawn (default 0.05): they would only grey the picture. */
  threshold?: number;
  /** "lines" (BertViz style, default) or one heatmap per head. */
  style?: "lines" | "heatmaps";
  /**
   * Lines style: also hold the other layers, with a layer menu on the figure (as in BertViz).
   * The figure grows by one layer's lines per layer.
   */
  layerMenu?: boolean;
  title?: string;
}

/** Opacity bands: weights are drawn in a few opacity steps, since one plotly trace has one opacity. */
const BANDS: Array<{ upTo: number; opacity: number; width: number }> = [
  { upTo: 0.15, opacity: 0.18, width: 1.5 },
  { upTo: 0.3, opacity: 0.35, width: 2 },
  { upTo: 0.5, opacity: 0.55, width: 2.5 },
  { upTo: Infinity, opacity: 0.85, width: 3 },
];

export function headView(attentions: Attentions, tokens: ReadonlyArray<string>, opts: HeadViewOptions = {}): Figure {
  const where = "headView";
  const layer = opts.layer ?? 0;
  if (!Number.isInteger(layer) || layer < 0 || layer >= (attentions?.length ?? 0)) {
    throw new Error(`${where}: layer ${layer} does not exist (attentions has ${attentions?.length ?? 0} layers)`);
  }
  const [, heads] = checkAttentions(where, attentions, tokens, [layer]);
  const chosen = opts.heads ?? Array.from({ length: heads }, (_, h) => h);
  checkIndices(where, "head", chosen, heads);
  const lang = checkLang();
  const w = words(lang);
  const headsText = w.heads(chosen, chosen.length === heads);
  const title = opts.title ?? w.headViewTitle(layer, headsText);
  if (opts.style === "heatmaps") return headGrid(attentions, tokens, layer, chosen, title, lang);

  const threshold = opts.threshold ?? 0.05;
  const n = tokens.length;
  const menuLayers = opts.layerMenu ? attentions.map((_, l) => l) : [layer];
  if (opts.layerMenu) checkAttentions(where, attentions, tokens);
  const data: ScatterTrace[] = [];
  const layerOf: number[] = [];
  for (const l of menuLayers) {
    const lines = headLines(attentions[l], chosen, n, threshold, w);
    for (const t of lines) t.visible = l === layer;
    data.push(...lines);
    layerOf.push(...lines.map(() => l));
  }
  const positions = tokens.map((_, i) => i);
  const labels = tokens.map(plotlyText);
  const side = (x: number, textposition: string, role: string): ScatterTrace => ({
    type: "scatter",
    mode: "text",
    x: positions.map(() => x),
    y: positions,
    text: labels,
    textposition,
    textfont: { size: 13 },
    showlegend: false,
    hovertemplate: `${role} %{y}: %{text}<extra></extra>`,
  });
  data.push(side(0, "middle left", w.query), side(1, "middle right", w.key));
  layerOf.push(-1, -1);
  const hidden = { showgrid: false, zeroline: false, showticklabels: false };
  const layout: Layout = {
    title: { text: title },
    xaxis: { ...hidden, range: [-0.9, 1.9], fixedrange: true },
    yaxis: { ...hidden, autorange: "reversed" },
    height: Math.min(1400, Math.max(300, n * 24 + 130)),
    margin: { t: opts.layerMenu ? 100 : 60, l: 10, r: 10, b: 20 },
    showlegend: true,
    legend: { title: { text: w.legendTitle } },
    annotations: [
      { text: w.query, x: 0, y: -1, xref: "x", yref: "y", showarrow: false, xanchor: "right", font: { color: "#666" } },
      { text: w.key, x: 1, y: -1, xref: "x", yref: "y", showarrow: false, xanchor: "left", font: { color: "#666" } },
    ],
  };
  if (opts.layerMenu) {
    layout.updatemenus = [
      {
        type: "dropdown",
        active: layer,
        x: 0,
        xanchor: "left",
        y: 1.08,
        yanchor: "bottom",
        buttons: menuLayers.map((l) => ({
          label: w.layer(l),
          method: "update",
          args: [{ visible: layerOf.map((of) => of === -1 || of === l) }, { title: { text: opts.title ?? w.headViewTitle(l, headsText) } }],
        })),
      },
    ];
  }
  return {
    data,
    layout,
    description: localize(
      {
        en: `head view, layer ${layer}${opts.layerMenu ? ` (menu of ${menuLayers.length} layers)` : ""}, heads ${chosen.join(",")}, ${n} tokens, lines for weights ≥ ${threshold}`,
        ko: `헤드 뷰, 층 ${layer}${opts.layerMenu ? `(층 ${menuLayers.length}개 메뉴)` : ""}, 헤드 ${chosen.join(",")}, 토큰 ${n}개, 가중치 ${threshold} 이상인 선`,
      },
      lang,
    ),
  };
}

/** One layer's lines: per head, a legend entry and up to one trace per opacity band. */
function headLines(layer: ReadonlyArray<Matrix>, heads: ReadonlyArray<number>, n: number, threshold: number, w: Words): ScatterTrace[] {
  const data: ScatterTrace[] = [];
  for (const h of heads) {
    const m = layer[h];
    const color = HEAD_COLORS[h % HEAD_COLORS.length];
    // The legend entry is its own empty trace at full opacity; the faint bands would make a faint swatch.
    data.push({ type: "scatter", mode: "lines", x: [null], y: [null], name: w.head(h), legendgroup: `head ${h}`, showlegend: true, line: { color, width: 3 } });
    let lower = threshold;
    for (const band of BANDS) {
      const x: Array<number | null> = [];
      const y: Array<number | null> = [];
      for (let q = 0; q < n; q++)
        for (let k = 0; k < n; k++) {
          const w = m[q][k];
          if (w >= lower && w < band.upTo) x.push(0, 1, null), y.push(q, k, null);
        }
      lower = Math.max(lower, band.upTo);
      if (x.length === 0) continue;
      data.push({
        type: "scatter",
        mode: "lines",
        x,
        y,
        name: w.head(h),
        legendgroup: `head ${h}`,
        showlegend: false,
        line: { color, width: band.width },
        opacity: band.opacity,
        hoverinfo: "skip",
      });
    }
  }
  return data;
}

/** Rounds for the grid views: 3 decimals is finer than any colour step and keeps 144 heatmaps small. */
const round3 = (m: Matrix): number[][] => m.map((row) => Array.from(row, (v) => Math.round(v * 1000) / 1000));

interface Cell {
  matrix: Matrix;
  label: string;
}

/**
 * Heatmaps on a grid with one shared colour scale; cells[row][col]. Row labels are the y titles of
 * the first column and column labels sit above the top row; with `showTokens` the bottom row names
 * the keys and the first column the queries. Every labelled axis has automargin, so neither the
 * tokens nor the row titles are clipped.
 */
function heatmapGrid(cells: Cell[][], rowLabels: string[], colLabels: string[], tokens: ReadonlyArray<string>, title: string, cellPx: number, showTokens: boolean, w: Words): Figure {
  const rows = cells.length;
  const cols = cells[0].length;
  // Gaps leave room between tiles for nothing but a hairline; with token labels the inner tiles hide theirs.
  const gap = 0.012;
  const data: HeatmapTrace[] = [];
  const tokenFont = tokens.length > 12 ? 9 : 10;
  const layout: Layout = {
    title: { text: title },
    // One scale for all cells, up to the largest weight shown, so heads compare by colour.
    coloraxis: { colorscale: "Viridis", cmin: 0, cmax: Math.max(...cells.flat().map((cell) => Math.max(...cell.matrix.map((row) => Math.max(...row))))), colorbar: { title: { text: w.weight }, thickness: 12 } },
    height: Math.min(1800, 90 + rows * cellPx + (showTokens ? 80 : 0)),
    margin: { t: 70, l: 20, r: 20, b: 20 },
    annotations: [],
  };
  const labels = tokens.map(plotlyText);
  const positions = tokens.map((_, i) => i);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c + 1;
      const suffix = k === 1 ? "" : String(k);
      data.push({
        type: "heatmap",
        z: round3(cells[r][c].matrix),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        coloraxis: "coloraxis",
        hovertemplate: `${cells[r][c].label}<br>${w.query} %{y} → ${w.key} %{x}: %{z:.3f}<extra></extra>`,
      });
      const x0 = c / cols + gap / 2;
      const y1 = 1 - r / rows - gap / 2;
      const tokenTicks = { tickvals: positions, ticktext: labels, tickfont: { size: tokenFont } };
      const bottom = r === rows - 1;
      const left = c === 0;
      layout[`xaxis${suffix}`] = {
        domain: [x0, x0 + 1 / cols - gap],
        anchor: `y${suffix}`,
        showticklabels: showTokens && bottom,
        ticks: "",
        ...tokenTicks,
        tickangle: -60,
        automargin: true,
        showgrid: false,
        zeroline: false,
      };
      layout[`yaxis${suffix}`] = {
        domain: [y1 - 1 / rows + gap, y1],
        anchor: `x${suffix}`,
        autorange: "reversed",
        showticklabels: showTokens && left,
        ticks: "",
        ...tokenTicks,
        title: left && rowLabels[r] ? { text: rowLabels[r], font: { size: 11 } } : undefined,
        automargin: true,
        showgrid: false,
        zeroline: false,
      };
    }
  }
  const notes = layout.annotations!;
  colLabels.forEach((text, c) => notes.push({ text, xref: "paper", yref: "paper", x: (c + 0.5) / cols, y: 1, yanchor: "bottom", yshift: 2, showarrow: false, font: { size: 11 } }));
  if (showTokens) {
    notes.push({ text: w.gridNote, xref: "paper", yref: "paper", x: 1, y: 1, xanchor: "right", yanchor: "bottom", yshift: 18, showarrow: false, font: { size: 10, color: "#666" } });
  }
  return { data, layout };
}

function headGrid(attentions: Attentions, tokens: ReadonlyArray<string>, layer: number, heads: ReadonlyArray<number>, title: string, lang: CheckLang): Figure {
  if (heads.length === 1) return attentionHeatmap(attentions[layer][heads[0]], tokens, { title });
  const w = words(lang);
  const fig = heatmapGrid(
    [heads.map((h) => ({ matrix: attentions[layer][h], label: w.layerHead(layer, h) }))],
    [""],
    heads.map(w.head),
    tokens,
    title,
    260,
    tokens.length <= 24,
    w,
  );
  fig.description = localize(
    {
      en: `head view, layer ${layer}, heads ${heads.join(",")}, ${tokens.length} tokens, one heatmap per head`,
      ko: `헤드 뷰, 층 ${layer}, 헤드 ${heads.join(",")}, 토큰 ${tokens.length}개, 헤드마다 히트맵 하나`,
    },
    lang,
  );
  return fig;
}

export interface ModelViewOptions {
  /** Default all. */
  layers?: ReadonlyArray<number>;
  /** Default all. */
  heads?: ReadonlyArray<number>;
  title?: string;
  /**
   * Label the tiles with the tokens (queries down the first column, keys along the bottom row).
   * Default: when there are at most 6 heads and 24 tokens, where the labels still fit.
   */
  showTokens?: boolean;
}

/** Numbers above which a model view would bloat the notebook (each figure is stored twice: JSON and HTML). */
const MODEL_VIEW_MAX_VALUES = 400_000;

export function modelView(attentions: Attentions, tokens: ReadonlyArray<string>, opts: ModelViewOptions = {}): Figure {
  const where = "modelView";
  const layers = opts.layers ?? (isList(attentions) ? attentions.map((_, i) => i) : []);
  checkIndices(where, "layer", layers, attentions?.length ?? 0);
  const [, headCount] = checkAttentions(where, attentions, tokens, layers);
  const heads = opts.heads ?? Array.from({ length: headCount }, (_, h) => h);
  checkIndices(where, "head", heads, headCount);
  const values = layers.length * heads.length * tokens.length ** 2;
  // Token labels fit while tiles stay wider than a token column needs (about 12 px per token).
  const showTokens = opts.showTokens ?? (heads.length <= 6 && tokens.length <= 24);
  if (values > MODEL_VIEW_MAX_VALUES) {
    throw new Error(
      `${where}: ${layers.length} layers × ${heads.length} heads × ${tokens.length}² tokens is ${values} numbers (over ${MODEL_VIEW_MAX_VALUES}, about ${Math.round((values * 6 * 2) / 1e6)} MB in the notebook); ` +
        `use a shorter sentence or choose layers/heads`,
    );
  }
  const lang = checkLang();
  const w = words(lang);
  const fig = heatmapGrid(
    layers.map((l) => heads.map((h) => ({ matrix: attentions[l][h], label: w.layerHead(l, h) }))),
    layers.map(w.layer),
    heads.map(w.head),
    tokens,
    opts.title ?? w.modelViewTitle(layers.length, heads.length),
    // Tiles grow with the tokens they label (about 12 px a token), up to a 12-head grid's width.
    showTokens ? Math.max(120, tokens.length * 13) : heads.length > 6 ? 72 : 120,
    showTokens,
    w,
  );
  fig.description = localize(
    { en: `model view, ${layers.length} layers × ${heads.length} heads, ${tokens.length} tokens`, ko: `모델 뷰, 층 ${layers.length}개 × 헤드 ${heads.length}개, 토큰 ${tokens.length}개` },
    lang,
  );
  return fig;
}

export function showHeadView(...args: Parameters<typeof headView>): void {
  display(headView(...args));
}
export function showModelView(...args: Parameters<typeof modelView>): void {
  display(modelView(...args));
}
