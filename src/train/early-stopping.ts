/**
 * Early stopping: stop when the validation metric has not improved for `patience`
 * evaluations, and remember when the best one was so its weights can be restored.
 */
export interface EarlyStoppingOptions {
  /** Evaluations without improvement before stopping (default 2). */
  patience?: number;
  /** "max" for accuracy-like metrics, "min" for losses (default "max"). */
  mode?: "max" | "min";
  /** An improvement smaller than this does not count (default 0). */
  minDelta?: number;
}

export class EarlyStopping {
  readonly patience: number;
  readonly mode: "max" | "min";
  readonly minDelta: number;
  best: number;
  bestEpoch = -1;
  private waited = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 2;
    this.mode = options.mode ?? "max";
    this.minDelta = options.minDelta ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`EarlyStopping: patience must be a non-negative integer, got ${this.patience}`);
    this.best = this.mode === "max" ? -Infinity : Infinity;
  }

  /** Records one evaluation; returns true when this one is the new best. */
  observe(value: number, epoch: number): boolean {
    if (Number.isNaN(value)) throw new Error(`EarlyStopping: the metric at epoch ${epoch} is NaN`);
    const improved = this.mode === "max" ? value > this.best + this.minDelta : value < this.best - this.minDelta;
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.waited = 0;
    } else {
      this.waited++;
    }
    return improved;
  }

  /** True once `patience` evaluations in a row have not improved. */
  get shouldStop(): boolean {
    return this.waited > 0 && this.waited >= this.patience;
  }
}
