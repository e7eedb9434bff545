/**
 * A Figure is a plotly figure as plain data: the `data` traces and the `layout` (plus `config`),
 * exactly what plotly.js's `newPlot(el, data, layout, config)` and JupyterLab's plotly renderer
 * (`application/vnd.plotly.v1+json`) take. Builders return Figures, so tests can check the JSON;
 * `display(fig)` sends one display bundle to the notebook.
 *
 * Only the trace kinds bertlab draws are typed; every object is open (`[key: string]`) so any
 * other plotly attribute can be added without casts. Titles use the `{text}` form, which both
 * plotly.js 2.x (older JupyterLab extensions) and 3.x understand.
 */
import { currentExecution, displayBundle, insideNotebookKernel, sendDisplay, UpdatableDisplay, type JsonObject, type JsonValue } from "../display";
import { figureBundle, plotlyCarrierBundle } from "./bundle";
import { checkLang, localize, type CheckLang } from "../check/lang";

export type Colorscale = string | Array<[number, string]>;
export type Title = { text: string; [key: string]: JsonValue | undefined };

export type Axis = {
  title?: Title;
  tickvals?: number[];
  ticktext?: string[];
  tickangle?: number;
  autorange?: boolean | "reversed";
  range?: number[];
  domain?: number[];
  anchor?: string;
  scaleanchor?: string;
  showticklabels?: boolean;
  showgrid?: boolean;
  zeroline?: boolean;
  type?: "linear" | "log" | "category";
  side?: "top" | "bottom" | "left" | "right";
  [key: string]: JsonValue | undefined;
};

type Common = {
  name?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: string;
  hovertemplate?: string;
  [key: string]: JsonValue | undefined;
};

export type HeatmapTrace = Common & {
  type: "heatmap";
  z: Array<Array<number | null>>;
  x?: number[];
  y?: number[];
  zmin?: number;
  zmax?: number;
  colorscale?: Colorscale;
  showscale?: boolean;
  coloraxis?: string;
  text?: string[][];
  texttemplate?: string;
};

export type BarTrace = Common & {
  type: "bar";
  x: Array<string | number>;
  y: Array<string | number>;
  orientation?: "v" | "h";
  text?: string[];
  marker?: JsonObject;
};

export type ScatterTrace = Common & {
  type: "scatter";
  x: Array<number | null>;
  y: Array<number | null>;
  mode: string;
  text?: string[];
  line?: JsonObject;
  marker?: JsonObject;
  opacity?: number;
};

export type TableTrace = Common & {
  type: "table";
  header: { values: string[]; fill?: { color: string }; [key: string]: JsonValue | undefined };
  cells: { values: string[][]; fill?: { color: string | string[][] }; [key: string]: JsonValue | undefined };
  columnwidth?: number[];
};

export type Trace = HeatmapTrace | BarTrace | ScatterTrace | TableTrace;

export type Layout = {
  title?: Title;
  xaxis?: Axis;
  yaxis?: Axis;
  width?: number;
  height?: number;
  margin?: { l?: number; r?: number; t?: number; b?: number; [key: string]: JsonValue | undefined };
  showlegend?: boolean;
  annotations?: JsonObject[];
  [key: string]: JsonValue | undefined;
};

export type Config = {
  responsive?: boolean;
  displaylogo?: boolean;
  displayModeBar?: boolean | "hover";
  [key: string]: JsonValue | undefined;
};

export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: Config;
  /** The figure in words for text-only views (text/plain); computed from the traces when absent. */
  description?: string;
}

export const DEFAULT_CONFIG: Config = { responsive: true, displaylogo: false };

/**
 * The font stack of every figure: the course labels tokens in Korean, and plotly's default font
 * (Open Sans, Verdana, Arial) has no Hangul, which renders as boxes unless the browser finds a
 * fallback. Named here: Noto Sans KR/CJK KR (Debian/Ubuntu fonts-noto-cjk, Android, Google Fonts),
 * Nanum Gothic (Debian/Ubuntu fonts-nanum; fontconfig spells it NanumGothic), Apple SD Gothic Neo
 * (macOS), Malgun Gothic (Windows). Latin text takes the same face, so mixed labels look even.
 */
export const FONT_FAMILY =
  '"Noto Sans KR", "Noto Sans CJK KR", "Nanum Gothic", NanumGothic, "Apple SD Gothic Neo", "Malgun Gothic", "Open Sans", Arial, sans-serif';

export function titleOf(fig: Figure): string | undefined {
  return fig.layout.title?.text;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Labels in traces are entity-escaped for plotly (see plotlyText); text/plain shows them as written. */
function plainText(s: string | number): string {
  return String(s).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** "1 point", "2 points"; in Korean "점 2개" (a counter, no plural). */
function count(n: number, en: string, ko: string, lang: CheckLang): string {
  return localize({ en: `${n} ${en}${n === 1 ? "" : "s"}`, ko: `${ko} ${n}개` }, lang);
}

/**
 * The traces in words ("heatmap 12×12", "bar chart, 5 bars (…)"), without the title; in the
 * notebook's language (English or the Korean edition), read when it is called.
 */
export function describeTraces(data: Trace[], lang: CheckLang = checkLang()): string {
  const t = (en: string, ko: string) => localize({ en, ko }, lang);
  if (data.length === 0) return t("empty", "빈 그림");
  const heatmaps = data.filter((t): t is HeatmapTrace => t.type === "heatmap");
  if (heatmaps.length === data.length) {
    const z = heatmaps[0].z;
    const shape = `${z.length}×${z[0]?.length ?? 0}`;
    return heatmaps.length === 1 ? t(`heatmap ${shape}`, `히트맵 ${shape}`) : t(`${heatmaps.length} heatmaps ${shape}`, `히트맵 ${heatmaps.length}개 ${shape}`);
  }
  const bars = data.filter((t): t is BarTrace => t.type === "bar");
  if (bars.length === data.length) {
    const parts = bars.map((b) => {
      const horizontal = b.orientation === "h";
      const labels = horizontal ? b.y : b.x;
      const values = horizontal ? b.x : b.y;
      const shown = labels.slice(0, 5).map((l, i) => `${plainText(l)}=${typeof values[i] === "number" ? formatNumber(values[i] as number) : values[i]}`);
      return `${count(labels.length, "bar", "막대", lang)} (${shown.join(", ")}${labels.length > 5 ? ", …" : ""})`;
    });
    return `${t("bar chart", "막대 그래프")}, ${parts.join("; ")}`;
  }
  const tables = data.filter((t): t is TableTrace => t.type === "table");
  if (tables.length === data.length) {
    const table = tables[0];
    return `${t("table", "표")} ${table.cells.values[0]?.length ?? 0}×${table.header.values.length}`;
  }
  const lines = data.filter((t): t is ScatterTrace => t.type === "scatter" && t.mode.includes("lines"));
  if (lines.length === data.length) {
    const parts = lines.map((line) => {
      let last = -1;
      for (let i = line.y.length - 1; i >= 0; i--) if (line.y[i] !== null) { last = i; break; }
      const tail =
        last < 0
          ? t("no values yet", "아직 값 없음")
          : t(`last ${formatNumber(line.y[last] as number)} at x=${formatNumber(line.x[last] as number)}`, `마지막 값 ${formatNumber(line.y[last] as number)}(x=${formatNumber(line.x[last] as number)})`);
      return `${line.name ?? t("series", "계열")}: ${count(line.y.filter((v) => v !== null).length, "point", "점", lang)}, ${tail}`;
    });
    return t(`line chart, ${lines.length} series (${parts.join("; ")})`, `선 그래프, 계열 ${lines.length}개 (${parts.join("; ")})`);
  }
  const points = data.filter((t): t is ScatterTrace => t.type === "scatter");
  if (points.length === data.length) {
    const n = points.reduce((s, t) => s + t.x.length, 0);
    return `${t("scatter", "산점도")}, ${count(n, "point", "점", lang)}${points.length > 1 ? t(` in ${points.length} groups`, ` (그룹 ${points.length}개)`) : ""}`;
  }
  return `${count(data.length, "trace", "트레이스", lang)} (${[...new Set(data.map((t) => t.type))].join(", ")})`;
}

/** One line for text/plain, e.g. "Figure: heatmap 12×12 'Layer 0 head 3'" (Korean edition: "그림: 히트맵 12×12 '…'"). */
export function describeFigure(fig: Figure): string {
  const lang = checkLang();
  const title = titleOf(fig);
  return `${localize({ en: "Figure", ko: "그림" }, lang)}: ${fig.description ?? describeTraces(fig.data, lang)}${title ? ` '${title}'` : ""}`;
}

/** Tables also print their cells in text/plain, so a terminal or a grader sees the content. */
export function figureText(fig: Figure): string {
  const head = describeFigure(fig);
  const table = fig.data.find((t): t is TableTrace => t.type === "table");
  if (!table) return head;
  const columns = table.header.values.map((h, c) => [h, ...(table.cells.values[c] ?? [])].map(plainText));
  const widths = columns.map((col) => Math.max(...col.map((s) => [...s].length)));
  const rows = columns[0]?.length ?? 0;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(columns.map((col, c) => (col[r] ?? "").padEnd(widths[c])).join("  ").trimEnd());
  return [head, ...lines].join("\n");
}

/**
 * Which outputs carry plotly.js in their text/html (the JupyterLab plotly extension needs none):
 * - "per-session" (default): the first figure of the kernel session; 1.95 MB per notebook run top
 *   to bottom, and every saved figure draws when the notebook is reopened, since that output is
 *   saved too. If that one output is later cleared or its cell re-run, the other figures say
 *   plotly.js is missing and how to get it back (`showPlotlyJs()`, or Restart & Run All).
 * - "per-cell": the first figure of each cell run. Every cell's outputs draw on their own whatever
 *   happens to other cells (cleared, re-run, deleted, copied to another notebook); costs 1.95 MB
 *   per cell that shows figures.
 * - "none": never; the HTML draws only if something else on the page defined window.Plotly.
 * BERTLAB_PLOTLYJS=per-session|per-cell|none sets the default.
 */
export type PlotlyJsPolicy = "per-cell" | "per-session" | "none";
const POLICIES: readonly PlotlyJsPolicy[] = ["per-session", "per-cell", "none"];

function parsePolicy(value: string, source: string): PlotlyJsPolicy {
  if ((POLICIES as readonly string[]).includes(value)) return value as PlotlyJsPolicy;
  throw new Error(`${source}: unknown plotly.js policy "${value}"; use one of ${POLICIES.join(", ")}`);
}

let policy: PlotlyJsPolicy | undefined;
let carrierExecution: object | undefined;
let carriedThisSession = false;

export function configureFigures(opts: { plotlyJs: PlotlyJsPolicy }): void {
  policy = parsePolicy(opts.plotlyJs, "configureFigures");
}

export function plotlyJsPolicy(): PlotlyJsPolicy {
  if (policy) return policy;
  const env = process.env.BERTLAB_PLOTLYJS;
  return env ? parsePolicy(env, "BERTLAB_PLOTLYJS") : "per-session";
}

/** True when the next figure shown in the running cell must bring plotly.js itself. */
function needsCarrier(): boolean {
  switch (plotlyJsPolicy()) {
    case "none":
      return false;
    case "per-session":
      return !carriedThisSession;
    case "per-cell":
      return currentExecution() !== carrierExecution;
  }
}

function carried(): void {
  carrierExecution = currentExecution();
  carriedThisSession = true;
}

/**
 * Shows a figure: in tslab, one display_data with the plotly JSON, the HTML fallback and a text
 * line; elsewhere (node, tests) it prints the text line (unless BERTLAB_QUIET). Returns nothing,
 * so a `display(fig)` ending a cell adds no execute_result; `figureBundle(fig)` returns the bundle.
 */
export function display(fig: Figure): void {
  if (!insideNotebookKernel()) {
    displayBundle({ "text/plain": figureText(fig) });
    return;
  }
  const carry = needsCarrier();
  sendDisplay(figureBundle(fig, { inlinePlotly: carry }));
  if (carry) carried();
}

/**
 * Shows plotly.js itself as one output (1.95 MB), whatever the policy: what a figure that says
 * "plotly.js is not on this page" asks for, when the output that carried it was cleared. Every
 * figure on the page then draws, and the saved notebook carries plotly.js again.
 */
export function showPlotlyJs(): void {
  if (!insideNotebookKernel()) {
    displayBundle({ "text/plain": "showPlotlyJs: not in a notebook kernel; plotly.js is only sent to notebooks" });
    return;
  }
  sendDisplay(plotlyCarrierBundle());
  carried();
}

/**
 * A figure output that is redrawn in place (update_display_data), e.g. a live training curve.
 * Its own HTML never carries plotly.js, since each update replaces the whole output and resending
 * 1.95 MB per update would flood the kernel's socket; a separate carrier output comes first when needed.
 */
export class FigureDisplay {
  private readonly output = new UpdatableDisplay();

  get displayId(): string {
    return this.output.displayId;
  }

  /** Shows the figure the first time, replaces the output afterwards. Returns false outside a kernel. */
  render(fig: Figure): boolean {
    if (!insideNotebookKernel()) return false;
    if (!this.output.isShown && needsCarrier()) {
      sendDisplay(plotlyCarrierBundle());
      carried();
    }
    return this.output.render(figureBundle(fig));
  }
}
