/**
 * Bar charts: values per label, and the top-k view of a prediction (masked LM candidates, class
 * probabilities) as horizontal bars with the best at the top.
 */
import { describeTraces, display, type BarTrace, type Figure, type Layout } from "./figure";
import { checkFinite, checkLabels, checkUnique, plotlyText, isList } from "./validate";
import { checkLang, localize } from "../check/lang";

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
  /** Default "probability" ("score" when the values are not all in [0, 1]), in the notebook's language. */
  valueTitle?: string;
  /** Default ".1%" for probabilities in [0, 1], ".3f" otherwise. */
  valueFormat?: string;
  /** Labels to colour differently, e.g. the word that was masked. */
  highlight?: ReadonlyArray<string>;
  /**
   * A value to compare the bars with, drawn as a dashed line, e.g. the uniform probability
   * 1 / vocabulary size that an untrained model's guesses hover around.
   */
  reference?: { value: number; label: string };
}

/**
 * A percent format that keeps two significant digits of the smallest value shown: ".1%" for
 * ordinary probabilities, ".3%" for an untrained model's 0.0125%, which ".1%" would print as "0.0%".
 */
export function percentFormat(values: ReadonlyArray<number>): string {
  const smallest = Math.min(...values.filter((v) => v > 0));
  if (!Number.isFinite(smallest)) return ".1%";
  const decimals = Math.max(1, Math.min(6, Math.ceil(-Math.log10(smallest * 100)) + 1));
  return `.${decimals}%`;
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
  if (opts.reference) {
    checkFinite(where, "reference.value", opts.reference.value);
    if (typeof opts.reference.label !== "string" || opts.reference.label === "") throw new Error(`${where}: reference.label must name the line, e.g. "uniform: 1 / vocabulary size"`);
  }
  const shown = top.map((t) => t.value).concat(opts.reference ? [opts.reference.value] : []);
  const format = opts.valueFormat ?? (probabilities ? percentFormat(shown) : ".3f");
  // Default texts follow the notebook's language (English or the Korean edition), read now, not at load.
  const lang = checkLang();
  const fig = barChart(
    {
      labels: top.map((t) => t.label),
      values: top.map((t) => t.value),
      title: opts.title ?? localize({ en: `Top ${top.length}`, ko: `상위 ${top.length}개` }, lang),
      valueTitle: opts.valueTitle ?? (probabilities ? localize({ en: "probability", ko: "확률" }, lang) : localize({ en: "score", ko: "점수" }, lang)),
      horizontal: true,
      valueFormat: format,
      highlight: opts.highlight,
    },
    where,
  );
  // Ticks in the bars' own format: "0.010%" rather than plotly's SI "100µ".
  fig.layout.xaxis = { ...fig.layout.xaxis, tickformat: format };
  if (probabilities) fig.layout.xaxis.range = [0, Math.min(1, Math.max(...shown) * 1.15)];
  if (opts.reference) {
    const { value, label } = opts.reference;
    fig.layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: value, x1: value, y0: 0, y1: 1, line: { color: "#555", width: 2, dash: "dash" } }];
    fig.layout.annotations = [
      { xref: "x", yref: "paper", x: value, y: 1, yanchor: "bottom", xanchor: "left", showarrow: false, text: plotlyText(label), font: { size: 11, color: "#555" } },
    ];
    fig.description = `${describeTraces(fig.data)}; ${localize({ en: "dashed line", ko: "점선" }, lang)}: ${label} = ${value.toPrecision(3)}`;
  }
  return fig;
}

export function showBarChart(o: BarChartOptions): void {
  display(barChart(o));
}
export function showTopK(...args: Parameters<typeof topKBar>): void {
  display(topKBar(...args));
}
