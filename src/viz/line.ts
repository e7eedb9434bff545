/**
 * Line charts: curves over a shared x (training step, vocabulary size...), and a live chart
 * that a training loop feeds point by point and that redraws in place in the notebook.
 */
import { display, FigureDisplay, type Figure, type Layout, type ScatterTrace } from "./figure";
import { checkFinite, isList } from "./validate";
import { localize } from "../check/lang";

export interface LineSeries {
  name: string;
  x: ReadonlyArray<number>;
  /** null (or a non-finite number, e.g. a diverged loss) leaves a gap. */
  y: ReadonlyArray<number | null>;
}

export interface LineChartOptions {
  series: ReadonlyArray<LineSeries>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  /** Draw a marker on every point (default when a series has at most 50 points). */
  markers?: boolean;
  height?: number;
}

export function lineChart(o: LineChartOptions, where = "lineChart"): Figure {
  if (!isList(o.series) || o.series.length === 0) throw new Error(`${where}: no series given`);
  const names = new Set<string>();
  const data: ScatterTrace[] = o.series.map((s, i) => {
    if (typeof s?.name !== "string" || s.name === "") throw new Error(`${where}: series[${i}] needs a name`);
    if (names.has(s.name)) throw new Error(`${where}: two series are named "${s.name}"`);
    names.add(s.name);
    if (s.x.length !== s.y.length) throw new Error(`${where}: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    s.x.forEach((x, j) => checkFinite(where, `series "${s.name}" x[${j}]`, x));
    const markers = o.markers ?? s.x.length <= 50;
    return {
      type: "scatter",
      name: s.name,
      x: Array.from(s.x),
      y: s.y.map((v) => (v === null || !Number.isFinite(v) ? null : v)),
      mode: markers ? "lines+markers" : "lines",
    };
  });
  const layout: Layout = {
    xaxis: { title: o.xTitle ? { text: o.xTitle } : undefined, automargin: true },
    yaxis: { title: o.yTitle ? { text: o.yTitle } : undefined, type: o.logY ? "log" : undefined, automargin: true },
    height: o.height ?? 400,
    margin: { t: o.title ? 60 : 30 },
    showlegend: data.length > 1,
  };
  if (o.title) layout.title = { text: o.title };
  return { data, layout };
}

export function showLineChart(o: LineChartOptions): void {
  display(lineChart(o));
}

/** One point of a live chart: the x value `step` and a value for any of the chart's series. */
export type LivePoint = { step: number } & { [series: string]: number | undefined };

export interface LiveLineChartOptions {
  /** The series names, in legend order. A point may carry any subset (validation loss is sparse). */
  series: ReadonlyArray<string>;
  title?: string;
  /** Default "step" (단계 in the Korean edition). */
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  /** At most one redraw per interval (default 250 ms): a loop may push thousands of points a second. */
  minIntervalMs?: number;
  /** Draw in the notebook (default: when running in a tslab kernel). */
  show?: boolean;
}

/**
 * A line chart that redraws in place: the first draw is a display_data, later ones an
 * update_display_data with the same display_id, so the cell keeps one chart that grows.
 * Outside a notebook it only records; `figure()` returns the chart as it stands.
 */
export class LiveLineChart {
  private readonly xs = new Map<string, number[]>();
  private readonly ys = new Map<string, Array<number | null>>();
  private readonly output = new FigureDisplay();
  private readonly minIntervalMs: number;
  private lastDraw = -Infinity;
  private timer?: NodeJS.Timeout;
  private finished = false;

  constructor(private readonly opts: LiveLineChartOptions) {
    const where = "liveLineChart";
    if (!isList(opts?.series) || opts.series.length === 0) throw new Error(`${where}: give the series names, e.g. series: ["loss", "val_loss"]`);
    for (const name of opts.series) {
      if (typeof name !== "string" || name === "") throw new Error(`${where}: series names must be non-empty strings`);
      if (name === "step") throw new Error(`${where}: "step" is the x value of every point, not a series name`);
      if (this.xs.has(name)) throw new Error(`${where}: series "${name}" is listed twice`);
      this.xs.set(name, []);
      this.ys.set(name, []);
    }
    this.minIntervalMs = opts.minIntervalMs ?? 250;
    if (opts.show ?? true) this.draw();
  }

  /** Adds one point: `push({ step: 10, loss: 0.9 })`, `push({ step: 10, val_loss: 1.1 })`. */
  push(point: LivePoint): void {
    const where = "liveLineChart.push";
    if (this.finished) throw new Error(`${where}: the chart was finished; create a new one`);
    if (typeof point !== "object" || point === null) throw new Error(`${where}: expected an object like { step: 1, loss: 0.5 }`);
    checkFinite(where, "step", point.step);
    let any = false;
    for (const [key, value] of Object.entries(point)) {
      if (key === "step" || value === undefined) continue;
      const xs = this.xs.get(key);
      if (!xs) throw new Error(`${where}: unknown series "${key}" (this chart has ${[...this.xs.keys()].join(", ")})`);
      if (typeof value !== "number") throw new Error(`${where}: ${key} is ${typeof value}, not a number`);
      xs.push(point.step);
      this.ys.get(key)!.push(Number.isFinite(value) ? value : null);
      any = true;
    }
    if (!any) throw new Error(`${where}: the point has no value for any series (${[...this.xs.keys()].join(", ")})`);
    this.schedule();
  }

  /** The chart as it stands. */
  figure(): Figure {
    const fig = lineChart(
      {
        series: [...this.xs.keys()].map((name) => ({ name, x: this.xs.get(name)!, y: this.ys.get(name)! })),
        title: this.opts.title,
        // The notebook's language, read at each draw (not at load).
        xTitle: this.opts.xTitle ?? localize({ en: "step", ko: "단계" }),
        yTitle: this.opts.yTitle,
        logY: this.opts.logY,
      },
      "liveLineChart",
    );
    fig.layout.showlegend = true;
    return fig;
  }

  /**
   * Draws the final state now; further pushes are errors. Returns nothing, so ending a cell with
   * `chart.finish()` prints no execute_result; `figure()` gives the data.
   */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.finished = true;
    this.draw();
  }

  get displayId(): string {
    return this.output.displayId;
  }

  private schedule(): void {
    const now = Date.now();
    if (now - this.lastDraw >= this.minIntervalMs) {
      this.draw();
      return;
    }
    // Keep only the latest state; draw it when the interval is over so the chart never lags long.
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.draw();
      }, this.minIntervalMs - (now - this.lastDraw));
      this.timer.unref();
    }
  }

  private draw(): void {
    if (this.opts.show === false) return;
    this.lastDraw = Date.now();
    this.output.render(this.figure());
  }
}

export function liveLineChart(opts: LiveLineChartOptions): LiveLineChart {
  return new LiveLineChart(opts);
}
