/**
 * Heatmaps: a matrix of values, row 0 at the top as it is printed. Used for attention weights,
 * attention masks and confusion matrices.
 *
 * Rows and columns sit at numeric positions 0..n-1 and show their labels as tick text: tokens
 * repeat ("[PAD]" ×5, "the" twice), and plotly would fold repeated category labels into one row.
 */
import { display, type Colorscale, type Figure, type HeatmapTrace, type Layout } from "./figure";
import { checkLabels, checkMatrix, checkUnique, plotlyText, type Matrix } from "./validate";
import { checkLang, localize } from "../check/lang";

export interface HeatmapOptions {
  z: Matrix;
  /** Column labels (left to right). */
  x?: ReadonlyArray<string>;
  /** Row labels (top to bottom). */
  y?: ReadonlyArray<string>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  colorscale?: Colorscale;
  zmin?: number;
  zmax?: number;
  /** Write each value in its cell; default when the matrix has at most 400 cells. */
  showValues?: boolean;
  /** d3-format of written and hovered values, default ".2f". */
  valueFormat?: string;
  /** Keep cells square (attention and masks are square by nature). */
  squareCells?: boolean;
  showScale?: boolean;
  colorbarTitle?: string;
  height?: number;
  /** Size of the row and column labels; default by the number of labels (12, 10 above 15, 9 above 30). */
  tickFontSize?: number;
}

/** Label size for n labels on one axis: smaller as they crowd, never below 9 px (still readable). */
export function labelFontSize(n: number): number {
  return n > 30 ? 9 : n > 15 ? 10 : 12;
}

const HOVER_TEXT_LIMIT = 10_000;

/** Light to dark blue (ColorBrewer Blues). Plotly's own "Blues" runs dark to light, which reads backwards for counts. */
export const BLUES: Colorscale = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

export function heatmap(o: HeatmapOptions, where = "heatmap"): Figure {
  const [rows, cols] = checkMatrix(where, "z", o.z);
  checkLabels(where, "x (column labels)", o.x, cols, "each row");
  checkLabels(where, "y (row labels)", o.y, rows, "z");
  const fmt = o.valueFormat ?? ".2f";
  const tickSize = o.tickFontSize ?? labelFontSize(Math.max(o.x ? cols : 0, o.y ? rows : 0));
  const positions = (n: number) => Array.from({ length: n }, (_, i) => i);
  const trace: HeatmapTrace = {
    type: "heatmap",
    z: o.z.map((row) => Array.from(row)),
    x: positions(cols),
    y: positions(rows),
    colorscale: o.colorscale ?? BLUES,
    zmin: o.zmin,
    zmax: o.zmax,
    showscale: o.showScale ?? true,
    hovertemplate: `%{y} → %{x}: %{z:${fmt}}<extra></extra>`,
  };
  if (o.colorbarTitle) trace.colorbar = { title: { text: o.colorbarTitle } };
  if (o.showValues ?? rows * cols <= 400) {
    trace.texttemplate = `%{z:${fmt}}`;
    trace.textfont = { size: tickSize };
  }
  if ((o.x || o.y) && rows * cols <= HOVER_TEXT_LIMIT) {
    // Hover names the row and column by label, not by position.
    trace.text = o.z.map((_, r) => Array.from({ length: cols }, (_, c) => `${plotlyText(o.y?.[r] ?? String(r))} → ${plotlyText(o.x?.[c] ?? String(c))}`));
    trace.hovertemplate = `%{text}: %{z:${fmt}}<extra></extra>`;
  }
  // Every labelled axis: automargin grows the margin to fit the labels (long intent names, "mini (11.2M)")
  // and moves the axis title past them; the default fixed margins clip both.
  const layout: Layout = {
    xaxis: {
      title: o.xTitle ? { text: o.xTitle } : undefined,
      tickvals: o.x ? positions(cols) : undefined,
      ticktext: o.x?.map(plotlyText),
      tickangle: o.x && o.x.length > 8 ? -45 : undefined,
      tickfont: { size: tickSize },
      automargin: true,
      showgrid: false,
      zeroline: false,
    },
    yaxis: {
      title: o.yTitle ? { text: o.yTitle } : undefined,
      tickvals: o.y ? positions(rows) : undefined,
      ticktext: o.y?.map(plotlyText),
      tickfont: { size: tickSize },
      automargin: true,
      autorange: "reversed",
      showgrid: false,
      zeroline: false,
      scaleanchor: o.squareCells ? "x" : undefined,
    },
    height: o.height ?? Math.min(900, Math.max(300, rows * 26 + 170)),
    margin: { t: o.title ? 60 : 30 },
  };
  if (o.title) layout.title = { text: o.title };
  return { data: [trace], layout };
}

export interface AttentionHeatmapOptions {
  title?: string;
  /** Default: the largest weight, so a diffuse head still shows contrast. */
  zmax?: number;
  showValues?: boolean;
}

/**
 * One head's attention weights [query][key]: row i is where token i looks. Pass one token list
 * for self-attention, or {query, key} when the two differ.
 */
export function attentionHeatmap(
  weights: Matrix,
  tokens: ReadonlyArray<string> | { query: ReadonlyArray<string>; key: ReadonlyArray<string> },
  opts: AttentionHeatmapOptions = {},
): Figure {
  const where = "attentionHeatmap";
  const [rows, cols] = checkMatrix(where, "weights", weights);
  const query = "query" in tokens ? tokens.query : tokens;
  const key = "key" in tokens ? tokens.key : tokens;
  checkLabels(where, "query tokens", query, rows, "weights (rows)");
  checkLabels(where, "key tokens", key, cols, "weights (columns)");
  // Default texts follow the notebook's language (English or the Korean edition), read now, not at load.
  const lang = checkLang();
  return heatmap(
    {
      z: weights,
      x: key,
      y: query,
      title: opts.title ?? localize({ en: "Attention", ko: "어텐션" }, lang),
      xTitle: localize({ en: "key (attended to)", ko: "키(어텐션을 받는 쪽)" }, lang),
      yTitle: localize({ en: "query (attending)", ko: "쿼리(어텐션하는 쪽)" }, lang),
      colorscale: "Viridis",
      zmin: 0,
      zmax: opts.zmax,
      showValues: opts.showValues ?? rows * cols <= 144,
      squareCells: rows === cols,
      colorbarTitle: localize({ en: "weight", ko: "가중치" }, lang),
    },
    where,
  );
}

export interface MaskHeatmapOptions {
  /** Token (or position) labels for both axes. */
  tokens?: ReadonlyArray<string>;
  title?: string;
}

const MASK_COLORS: Colorscale = [
  [0, "#eeeeee"],
  [0.5, "#eeeeee"],
  [0.5, "#3b6fb6"],
  [1, "#3b6fb6"],
];

/** An attention mask [query][key] of 1 (may attend) and 0 (blocked), e.g. bidirectional versus causal. */
export function maskHeatmap(mask: Matrix, opts: MaskHeatmapOptions = {}): Figure {
  const where = "maskHeatmap";
  const [rows, cols] = checkMatrix(where, "mask", mask);
  mask.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v !== 0 && v !== 1) throw new Error(`${where}: mask[${r}][${c}] is ${v}; a mask holds 0 (blocked) and 1 (may attend)`);
    }),
  );
  if (opts.tokens) checkLabels(where, "tokens", opts.tokens, Math.max(rows, cols), rows === cols ? "the mask" : "the mask's longer side");
  const lang = checkLang();
  const fig = heatmap(
    {
      z: mask,
      x: opts.tokens?.slice(0, cols),
      y: opts.tokens?.slice(0, rows),
      title: opts.title ?? localize({ en: "Attention mask", ko: "어텐션 마스크" }, lang),
      xTitle: localize({ en: "key (may be attended to)", ko: "키(어텐션을 받을 수 있는 쪽)" }, lang),
      yTitle: localize({ en: "query (attending)", ko: "쿼리(어텐션하는 쪽)" }, lang),
      colorscale: MASK_COLORS,
      zmin: 0,
      zmax: 1,
      showValues: rows * cols <= 1024,
      valueFormat: "d",
      squareCells: rows === cols,
      showScale: false,
    },
    where,
  );
  const allowed = mask.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  fig.description = localize(
    { en: `attention mask ${rows}×${cols}, ${allowed} of ${rows * cols} allowed`, ko: `어텐션 마스크 ${rows}×${cols}, ${rows * cols}칸 중 ${allowed}칸 허용` },
    lang,
  );
  return fig;
}

export interface ConfusionMatrixOptions {
  title?: string;
  /** Show each row as fractions of its true class (recall on the diagonal). */
  normalize?: boolean;
}

/**
 * Height of a confusion matrix: cells shrink as classes grow (44 px up to 10 classes, 18 px at 40)
 * but stay big enough to hover; the margin holds the longest label at its font size.
 */
function confusionHeight(n: number, labels: ReadonlyArray<string>): number {
  const cell = Math.max(16, Math.min(44, Math.round(720 / n)));
  const longest = Math.max(...labels.map((l) => [...l].length));
  const labelPx = Math.ceil(longest * labelFontSize(n) * 0.62);
  return n * cell + labelPx + 140;
}

/** counts[true][predicted], as bertlab's confusionMatrix() returns it. */
export function confusionMatrixHeatmap(counts: Matrix, labels: ReadonlyArray<string>, opts: ConfusionMatrixOptions = {}): Figure {
  const where = "confusionMatrixHeatmap";
  const [rows, cols] = checkMatrix(where, "counts", counts);
  if (rows !== cols) throw new Error(`${where}: counts must be square (true × predicted classes), got ${rows}×${cols}`);
  checkLabels(where, "labels", labels, rows, "counts");
  checkUnique(where, "labels", labels);
  counts.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v < 0 || !Number.isInteger(v)) throw new Error(`${where}: counts[${r}][${c}] is ${v}; counts are whole numbers ≥ 0`);
    }),
  );
  const z = opts.normalize
    ? counts.map((row) => {
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((v) => (total === 0 ? 0 : v / total));
      })
    : counts;
  const lang = checkLang();
  const fig = heatmap(
    {
      z,
      x: labels,
      y: labels,
      title: opts.title ?? localize({ en: "Confusion matrix", ko: "혼동 행렬" }, lang),
      xTitle: localize({ en: "predicted", ko: "예측" }, lang),
      yTitle: localize({ en: "true", ko: "정답" }, lang),
      colorscale: BLUES,
      zmin: 0,
      showValues: rows <= 30,
      valueFormat: opts.normalize ? ".0%" : "d",
      squareCells: true,
      colorbarTitle: opts.normalize ? localize({ en: "share of true class", ko: "정답 클래스 중 비율" }, lang) : localize({ en: "count", ko: "개수" }, lang),
      height: confusionHeight(rows, labels),
    },
    where,
  );
  // Many classes: the column labels stand upright so they take one label's length, not a diagonal's.
  if (rows > 15) fig.layout.xaxis = { ...fig.layout.xaxis, tickangle: -90 };
  const total = counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const correct = counts.reduce((s, row, i) => s + row[i], 0);
  fig.description = localize({ en: `confusion matrix ${rows}×${cols}, ${correct}/${total} on the diagonal`, ko: `혼동 행렬 ${rows}×${cols}, 대각선에 ${correct}/${total}` }, lang);
  return fig;
}

export function showHeatmap(o: HeatmapOptions): void {
  display(heatmap(o));
}
export function showAttention(...args: Parameters<typeof attentionHeatmap>): void {
  display(attentionHeatmap(...args));
}
export function showMask(...args: Parameters<typeof maskHeatmap>): void {
  display(maskHeatmap(...args));
}
export function showConfusionMatrix(...args: Parameters<typeof confusionMatrixHeatmap>): void {
  display(confusionMatrixHeatmap(...args));
}
