/**
 * Scatter plots of points in 2-D, e.g. token or sentence embeddings, coloured by group (class,
 * language, segment) with each point's label shown beside it or on hover.
 */
import { display, type Figure, type Layout, type ScatterTrace } from "./figure";
import { pca } from "./pca";
import { checkFinite, checkLabels, checkMatrix, plotlyText, type Matrix, isList } from "./validate";
import { checkLang, localize } from "../check/lang";

export interface ScatterOptions {
  x: ReadonlyArray<number>;
  y: ReadonlyArray<number>;
  /** One label per point (a token, a sentence). */
  labels?: ReadonlyArray<string>;
  /** One group per point; each group is a trace with its own colour and legend entry. */
  groups?: ReadonlyArray<string>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Write labels beside the points (default when there are at most 60). */
  showLabels?: boolean;
  height?: number;
}

export function scatterPlot(o: ScatterOptions, where = "scatterPlot"): Figure {
  if (!isList(o.x) || o.x.length === 0) throw new Error(`${where}: no points`);
  if (o.y.length !== o.x.length) throw new Error(`${where}: ${o.x.length} x values but ${o.y.length} y values`);
  o.x.forEach((v, i) => checkFinite(where, `x[${i}]`, v));
  o.y.forEach((v, i) => checkFinite(where, `y[${i}]`, v));
  checkLabels(where, "labels", o.labels, o.x.length, "x");
  checkLabels(where, "groups", o.groups, o.x.length, "x");
  const showLabels = o.labels !== undefined && (o.showLabels ?? o.x.length <= 60);
  // Groups in order of first appearance, so the legend follows the data.
  const order: string[] = [];
  const members = new Map<string, number[]>();
  o.x.forEach((_, i) => {
    const g = o.groups?.[i] ?? "";
    if (!members.has(g)) {
      members.set(g, []);
      order.push(g);
    }
    members.get(g)!.push(i);
  });
  const ungrouped = localize({ en: "points", ko: "점" });
  const data: ScatterTrace[] = order.map((g) => {
    const idx = members.get(g)!;
    const trace: ScatterTrace = {
      type: "scatter",
      name: g === "" ? ungrouped : plotlyText(g),
      x: idx.map((i) => o.x[i]),
      y: idx.map((i) => o.y[i]),
      mode: showLabels ? "markers+text" : "markers",
      marker: { size: 9, opacity: 0.85 },
    };
    if (o.labels) {
      trace.text = idx.map((i) => plotlyText(o.labels![i]));
      trace.textposition = "top center";
      trace.hovertemplate = `%{text} (%{x:.3f}, %{y:.3f})<extra>${trace.name}</extra>`;
    }
    return trace;
  });
  const layout: Layout = {
    xaxis: { title: o.xTitle ? { text: o.xTitle } : undefined, zeroline: false },
    yaxis: { title: o.yTitle ? { text: o.yTitle } : undefined, zeroline: false },
    height: o.height ?? 500,
    margin: { t: o.title ? 60 : 30 },
    showlegend: data.length > 1,
  };
  if (o.title) layout.title = { text: o.title };
  return { data, layout };
}

export interface EmbeddingScatterOptions {
  labels?: ReadonlyArray<string>;
  groups?: ReadonlyArray<string>;
  title?: string;
  showLabels?: boolean;
}

/** Vectors [n][d] (e.g. 768-d BERT embeddings) drawn along their first two principal components. */
export function embeddingScatter(vectors: Matrix, opts: EmbeddingScatterOptions = {}): Figure {
  const where = "embeddingScatter";
  const [n, d] = checkMatrix(where, "vectors", vectors);
  if (d < 2) throw new Error(`${where}: vectors have ${d} dimension; draw 1-D data with barChart or lineChart`);
  if (n < 2) throw new Error(`${where}: needs at least 2 vectors, got ${n}`);
  const { projected, explained } = pca(vectors, 2);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  // Default texts follow the notebook's language (English or the Korean edition), read now, not at load.
  const lang = checkLang();
  const axisTitle = (pc: number) => localize({ en: `PC${pc} (${pct(explained[pc - 1])} of variance)`, ko: `PC${pc}(분산의 ${pct(explained[pc - 1])})` }, lang);
  const fig = scatterPlot(
    {
      x: projected.map((p) => p[0]),
      y: projected.map((p) => p[1]),
      labels: opts.labels,
      groups: opts.groups,
      title: opts.title ?? localize({ en: `Embeddings (${d}-d, PCA)`, ko: `임베딩(${d}차원, PCA)` }, lang),
      xTitle: axisTitle(1),
      yTitle: axisTitle(2),
      showLabels: opts.showLabels,
    },
    where,
  );
  fig.description = localize(
    {
      en: `scatter of ${n} ${d}-d vectors by PCA (PC1 ${pct(explained[0])}, PC2 ${pct(explained[1])})`,
      ko: `${d}차원 벡터 ${n}개의 PCA 산점도(PC1 ${pct(explained[0])}, PC2 ${pct(explained[1])})`,
    },
    lang,
  );
  return fig;
}

export function showScatter(o: ScatterOptions): void {
  display(scatterPlot(o));
}
export function showEmbeddings(...args: Parameters<typeof embeddingScatter>): void {
  display(embeddingScatter(...args));
}
