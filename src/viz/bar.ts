/**
 * Bar charts: values per label, and the top-k view of a prediction (masked LM candidates, class
 * probabilities) as horizontal bars with the best at the top.
 */
import { display, type BarTrace, type Figure, type Layout } from "./figure";
import { checkFinite, checkLabels, checkUnique, plotlyText, isList } from "./validate";

export interface BarChartOptions {
  labels: ReadonlyArray<string>;
  values: ReadonlyArray<number>;
  title?: string;
  /** Axis title of the labels. */
  labelTitle?: string;
  /** Axis title of the values. */
  valueTitle?: string;
  /** Bars grow to the right, labels down the side (easier to read for long tokens). */
  horizontal?: boolean;
  /** Write each value on its bar (d3-format, e.g. ".1%"); default ".3f". Empty string: no text. */
  valueFormat?: string;
  color?: string;
  /** Colour of chosen bars (by label), e.g. the correct answer. */
  highlight?: ReadonlyArray<string>;
  highlightColor?: string;
  height?: number;
}

export function barChart(o: BarChartOptions, where = "barChart"): Figure {
  if (!isList(o.values) || o.values.length === 0) throw new Error(`${where}: values is empty`);
  checkLabels(where, "labels", o.labels, o.values.length, "values");
  checkUnique(where, "labels", o.labels);
  o.values.forEach((v, i) => checkFinite(where, `values[${i}] (label "${o.labels[i]}")`, v));
  const labels = o.labels.map(plotlyText);
  const values = Array.from(o.values);
  const fmt = o.valueFormat ?? ".3f";
  const base = o.color ?? "#3b6fb6";
  const hl = new Set(o.highlight ?? []);
  const trace: BarTrace = {
    type: "bar",
    x: o.horizontal ? values : labels,
    y: o.horizontal ? labels : values,
    orientation: o.horizontal ? "h" : "v",
    marker: { color: hl.size ? o.labels.map((l) => (hl.has(l) ? o.highlightColor ?? "#d62728" : base)) : base },
    hovertemplate: o.horizontal ? `%{y}: %{x:${fmt || ".3f"}}<extra></extra>` : `%{x}: %{y:${fmt || ".3f"}}<extra></extra>`,
  };
  if (fmt) {
    trace.texttemplate = o.horizontal ? `%{x:${fmt}}` : `%{y:${fmt}}`;
    trace.textposition = "auto";
  }
  const labelAxis = { title: o.labelTitle ? { text: o.labelTitle } : undefined, type: "category" as const, automargin: true };
  const valueAxis = { title: o.valueTitle ? { text: o.valueTitle } : undefined, automargin: true };
  const layout: Layout = {
    // Horizontal: the first label at the top, as in a ranked list.
    xaxis: o.horizontal ? valueAxis : { ...labelAxis, tickangle: labels.length > 10 ? -45 : undefined },
    yaxis: o.horizontal ? { ...labelAxis, autorange: "reversed" } : valueAxis,
    height: o.height ?? (o.horizontal ? Math.min(900, Math.max(260, labels.length * 28 + 140)) : 400),
    margin: { t: o.title ? 60 : 30 },
  };
  if (o.title) layout.title = { text: o.title };
  return { data: [trace], layout };
}

export interface TopKItem {
  label: string;
  value: number;
}

export interface TopKOptions {
  k?: number;
  title?: string;
  /** Default "probability". */
  valueTitle?: string;
  /** Default ".1%" for probabilities in [0, 1], ".3f" otherwise. */
  valueFormat?: string;
  /** Labels to colour differently, e.g. the word that was masked. */
  highlight?: ReadonlyArray<string>;
}

/** The k highest-valued items, best on top; the order of `items` does not matter. */
export function topKBar(items: ReadonlyArray<TopKItem>, opts: TopKOptions = {}): Figure {
  const where = "topKBar";
  if (!isList(items) || items.length === 0) throw new Error(`${where}: no items to rank`);
  items.forEach((it, i) => {
    if (typeof it?.label !== "string") throw new Error(`${where}: items[${i}].label must be a string`);
    checkFinite(where, `items[${i}].value (label "${it.label}")`, it.value);
  });
  const k = opts.k ?? Math.min(10, items.length);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${where}: k must be a whole number ≥ 1, got ${k}`);
  const top = [...items].sort((a, b) => b.value - a.value).slice(0, k);
  const probabilities = top.every((t) => t.value >= 0 && t.value <= 1);
  const fig = barChart(
    {
      labels: top.map((t) => t.label),
      values: top.map((t) => t.value),
      title: opts.title ?? `Top ${top.length}`,
      valueTitle: opts.valueTitle ?? (probabilities ? "probability" : "score"),
      horizontal: true,
      valueFormat: opts.valueFormat ?? (probabilities ? ".1%" : ".3f"),
      highlight: opts.highlight,
    },
    where,
  );
  if (probabilities) fig.layout.xaxis = { ...fig.layout.xaxis, range: [0, Math.min(1, Math.max(...top.map((t) => t.value)) * 1.15)] };
  return fig;
}

export function showBarChart(o: BarChartOptions): void {
  display(barChart(o));
}
export function showTopK(...args: Parameters<typeof topKBar>): void {
  display(topKBar(...args));
}
