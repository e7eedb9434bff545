/**
 * One progress utility for training, downloads and grading.
 *
 * The same calls render three ways: a live bar updated in place inside a tslab
 * notebook, a redrawn bar on a terminal, and plain lines in CI logs (where a
 * carriage-return bar would be unreadable).
 */
export type ProgressInfo = Record<string, number | string>;

export interface ProgressOptions {
  /** What is being done, e.g. "epoch 1/3" or "model.safetensors". */
  label: string;
  /** Number of units in all; omit when unknown. */
  total?: number;
  /** Unit name for rates, e.g. "step", "B", "submission". */
  unit?: string;
  /** Forces a renderer; by default it is picked from the environment. */
  mode?: ProgressMode;
  /** Plain mode prints at most one line per this many milliseconds (default 2000). */
  plainIntervalMs?: number;
}

export type ProgressMode = "notebook" | "tty" | "plain" | "silent";

export interface Progress {
  /** Sets the number of units done so far, with optional metrics (loss, accuracy, ...). */
  update(done: number, info?: ProgressInfo): void;
  /** Adds `n` (default 1) units. */
  tick(n?: number, info?: ProgressInfo): void;
  /** Marks the task finished and leaves a final line. */
  finish(summary?: string): void;
}

export interface ProgressState {
  label: string;
  done: number;
  total?: number;
  unit: string;
  elapsedMs: number;
  info: ProgressInfo;
  finished: boolean;
  summary?: string;
}

export interface ProgressRenderer {
  render(state: ProgressState): void;
}

const renderers: Partial<Record<ProgressMode, () => ProgressRenderer>> = {};
let notebookAvailable: () => boolean = () => false;

/**
 * Lets environment-specific renderers (the notebook one, in ./notebook.ts) register without import
 * cycles; `available` tells whether the environment is there (e.g. running inside a tslab kernel).
 */
export function registerProgressRenderer(mode: ProgressMode, make: () => ProgressRenderer, available?: () => boolean): void {
  renderers[mode] = make;
  if (mode === "notebook" && available) notebookAvailable = available;
}

export function detectProgressMode(): ProgressMode {
  const forced = process.env.BERTLAB_PROGRESS;
  if (forced === "notebook" || forced === "tty" || forced === "plain" || forced === "silent") return forced;
  if (renderers.notebook && notebookAvailable()) return "notebook";
  if (process.env.CI) return "plain";
  return process.stderr.isTTY ? "tty" : "plain";
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}` : `${m}:${String(sec).padStart(2, "0")}`;
}

function formatValue(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** The text both the terminal and the plain renderer print. */
export function describeProgress(state: ProgressState): string {
  const parts: string[] = [state.label];
  if (state.total !== undefined && state.total > 0) {
    const pct = Math.min(100, (100 * state.done) / state.total);
    parts.push(`${formatValue(state.done)}/${formatValue(state.total)} ${state.unit} (${pct.toFixed(0)}%)`);
  } else {
    parts.push(`${formatValue(state.done)} ${state.unit}`);
  }
  const seconds = state.elapsedMs / 1000;
  if (seconds > 0 && state.done > 0) parts.push(`${formatValue(state.done / seconds)} ${state.unit}/s`);
  parts.push(`elapsed ${formatDuration(state.elapsedMs)}`);
  if (!state.finished && state.total && state.done > 0 && state.done < state.total) {
    parts.push(`eta ${formatDuration((state.elapsedMs / state.done) * (state.total - state.done))}`);
  }
  for (const [k, v] of Object.entries(state.info)) parts.push(`${k}=${formatValue(v)}`);
  if (state.finished && state.summary) parts.push(state.summary);
  return parts.join(" | ");
}

export function textBar(fraction: number, width = 30): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

class TtyRenderer implements ProgressRenderer {
  render(state: ProgressState): void {
    const bar = state.total ? textBar(state.done / state.total) + " " : "";
    const line = bar + describeProgress(state);
    const width = process.stderr.columns ?? 120;
    process.stderr.write("\r\x1b[2K" + line.slice(0, width - 1) + (state.finished ? "\n" : ""));
  }
}

class PlainRenderer implements ProgressRenderer {
  private lastPrint = -Infinity;
  constructor(private readonly intervalMs: number) {}
  render(state: ProgressState): void {
    if (!state.finished && state.elapsedMs - this.lastPrint < this.intervalMs) return;
    this.lastPrint = state.elapsedMs;
    process.stderr.write(describeProgress(state) + "\n");
  }
}

class SilentRenderer implements ProgressRenderer {
  render(): void {
    /* deliberately nothing: used by --json commands and tests */
  }
}

function makeRenderer(mode: ProgressMode, opts: ProgressOptions): ProgressRenderer {
  switch (mode) {
    case "notebook":
      return renderers.notebook ? renderers.notebook() : new PlainRenderer(opts.plainIntervalMs ?? 2000);
    case "tty":
      return new TtyRenderer();
    case "silent":
      return new SilentRenderer();
    case "plain":
      return new PlainRenderer(opts.plainIntervalMs ?? 2000);
  }
}

export function createProgress(opts: ProgressOptions): Progress {
  const renderer = makeRenderer(opts.mode ?? detectProgressMode(), opts);
  const start = Date.now();
  const state: ProgressState = { label: opts.label, done: 0, total: opts.total, unit: opts.unit ?? "it", elapsedMs: 0, info: {}, finished: false };
  const emit = () => {
    state.elapsedMs = Date.now() - start;
    renderer.render({ ...state, info: { ...state.info } });
  };
  return {
    update(done, info) {
      if (state.finished) return;
      state.done = done;
      if (info) Object.assign(state.info, info);
      emit();
    },
    tick(n = 1, info) {
      this.update(state.done + n, info);
    },
    finish(summary) {
      if (state.finished) return;
      state.finished = true;
      state.summary = summary;
      emit();
    },
  };
}
