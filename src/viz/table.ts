/**
 * Token tables: BERT's three inputs side by side, one column per position (or one row, for long
 * sequences), coloured by segment (sentence A / B) with padding greyed out, the picture of
 * `[CLS] A [SEP] B [SEP] [PAD]…` that the input lesson builds by hand.
 */
import { display, type Figure, type Layout, type TableTrace } from "./figure";
import { checkLabels, isList, plotlyText } from "./validate";
import { checkLang, localize } from "../check/lang";

export interface TokenTableOptions {
  tokens: ReadonlyArray<string>;
  inputIds?: ReadonlyArray<number>;
  /** Segment (token type) ids: 0 for sentence A, 1 for sentence B. */
  segmentIds?: ReadonlyArray<number>;
  /** 1 for real tokens, 0 for padding, which self-attention ignores. */
  inputMask?: ReadonlyArray<number>;
  /** More rows, e.g. { position: [...] } or { "word piece of": [...] }. */
  extra?: Record<string, ReadonlyArray<string | number>>;
  title?: string;
  /** "horizontal": a column per token (default up to 16 tokens); "vertical": a row per token. */
  orientation?: "horizontal" | "vertical";
}

export const SEGMENT_COLORS = ["#bcd6f2", "#fbcf9f", "#c3e6b8", "#dcc6ea"];
const PADDING_COLOR = "#d2d2d2";
const HEADER_COLOR = "#c9d3df";

export function tokenTable(o: TokenTableOptions): Figure {
  const where = "tokenTable";
  if (!isList(o.tokens) || o.tokens.length === 0) throw new Error(`${where}: no tokens`);
  const n = o.tokens.length;
  checkLabels(where, "tokens", o.tokens, n, "tokens");
  // Built-in headers follow the notebook's language (English or the Korean edition), read now, not at load.
  // input_ids, segment_ids, input_mask are names in code and stay as they are.
  const lang = checkLang();
  const position = localize({ en: "position", ko: "위치" }, lang);
  const rows: Array<{ name: string; values: ReadonlyArray<string | number> }> = [{ name: localize({ en: "token", ko: "토큰" }, lang), values: o.tokens.map(plotlyText) }];
  const numeric = (name: string, values: ReadonlyArray<number> | undefined, check?: (v: number) => string | undefined) => {
    if (values === undefined) return;
    if (values.length !== n) throw new Error(`${where}: ${name} has ${values.length} values but there are ${n} tokens`);
    values.forEach((v, i) => {
      if (!Number.isInteger(v)) throw new Error(`${where}: ${name}[${i}] is ${v}, not a whole number`);
      const problem = check?.(v);
      if (problem) throw new Error(`${where}: ${name}[${i}] is ${v}; ${problem}`);
    });
    rows.push({ name, values });
  };
  numeric("input_ids", o.inputIds, (v) => (v < 0 ? "ids are ≥ 0" : undefined));
  numeric("segment_ids", o.segmentIds, (v) => (v < 0 || v >= SEGMENT_COLORS.length ? `segment ids are 0..${SEGMENT_COLORS.length - 1}` : undefined));
  numeric("input_mask", o.inputMask, (v) => (v !== 0 && v !== 1 ? "the mask holds 1 (token) or 0 (padding)" : undefined));
  for (const [name, values] of Object.entries(o.extra ?? {})) {
    if (values.length !== n) throw new Error(`${where}: extra row "${name}" has ${values.length} values but there are ${n} tokens`);
    rows.push({ name, values });
  }

  const colorAt = (i: number) => (o.inputMask?.[i] === 0 ? PADDING_COLOR : SEGMENT_COLORS[o.segmentIds?.[i] ?? 0]);
  const horizontal = (o.orientation ?? (n <= 16 ? "horizontal" : "vertical")) === "horizontal";
  let trace: TableTrace;
  if (horizontal) {
    trace = {
      type: "table",
      header: { values: [position, ...o.tokens.map((_, i) => String(i))], fill: { color: HEADER_COLOR }, align: "center" },
      cells: {
        values: [rows.map((r) => r.name), ...o.tokens.map((_, i) => rows.map((r) => String(r.values[i])))],
        fill: { color: [rows.map(() => HEADER_COLOR), ...o.tokens.map((_, i) => rows.map(() => colorAt(i)))] },
        align: "center",
        height: 28,
      },
      columnwidth: [1.4, ...o.tokens.map(() => 1)],
    };
  } else {
    trace = {
      type: "table",
      header: { values: [position, ...rows.map((r) => r.name)], fill: { color: HEADER_COLOR }, align: "center" },
      cells: {
        values: [o.tokens.map((_, i) => String(i)), ...rows.map((r) => r.values.map(String))],
        fill: { color: Array.from({ length: rows.length + 1 }, () => o.tokens.map((_, i) => colorAt(i))) },
        align: "center",
        height: 26,
      },
    };
  }
  const legend: string[] = [];
  const segments = new Set(o.segmentIds ?? []);
  for (const s of [...segments].sort()) legend.push(`<span style="color:${SEGMENT_COLORS[s]};font-size:18px">■</span> ${localize({ en: "segment", ko: "세그먼트" }, lang)} ${s} (${"ABCD"[s]})`);
  if (o.inputMask?.includes(0)) legend.push(`<span style="color:${PADDING_COLOR};font-size:18px">■</span> ${localize({ en: "padding (mask 0)", ko: "패딩(마스크 0)" }, lang)}`);
  const bodyRows = horizontal ? rows.length : n;
  const height = Math.min(900, 28 * (bodyRows + 1) + (o.title ? 70 : 30) + (legend.length ? 40 : 10));
  const layout: Layout = {
    height,
    margin: { t: o.title ? 50 : 10, b: legend.length ? 40 : 10, l: 10, r: 10 },
  };
  if (o.title) layout.title = { text: o.title };
  if (legend.length) {
    layout.annotations = [{ text: legend.join("    "), showarrow: false, xref: "paper", yref: "paper", x: 0, y: 0, yshift: -30, xanchor: "left", font: { size: 13 } }];
  }
  const fig: Figure = { data: [trace], layout };
  const rowNames = rows.map((r) => r.name).join(", ");
  fig.description = localize({ en: `token table, ${n} tokens × ${rowNames}`, ko: `토큰 표, 토큰 ${n}개 × ${rowNames}` }, lang);
  return fig;
}

export function showTokenTable(o: TokenTableOptions): void {
  display(tokenTable(o));
}
