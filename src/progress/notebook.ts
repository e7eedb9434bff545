/**
 * The notebook face of createProgress: inside a tslab kernel, one live HTML bar per task that
 * updates in place. The first render is a display_data message, every later one an
 * update_display_data with the same display_id, which front ends (and bertlab's runner) apply
 * to the existing output instead of appending a new one.
 *
 * This is what tslab's `newDisplay()` does, one level down (src/display's UpdatableDisplay):
 * each update carries text/plain beside text/html, so text-only views (nbconvert, the runner's
 * log, a grader) still see the numbers.
 */
import { insideNotebookKernel, UpdatableDisplay } from "../display";
import { describeProgress, registerProgressRenderer, type ProgressRenderer, type ProgressState } from "./index";

export { insideNotebookKernel };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function progressHtml(state: ProgressState): string {
  const known = state.total !== undefined && state.total > 0;
  const value = known ? ` value="${state.finished ? state.total : Math.min(state.done, state.total!)}" max="${state.total}"` : state.finished ? ` value="1" max="1"` : "";
  return (
    `<div class="bertlab-progress" style="font-family:monospace;font-size:12px;line-height:1.6">` +
    `<progress${value} style="width:240px;vertical-align:middle;margin-right:8px"></progress>` +
    `<span>${escapeHtml(describeProgress(state))}</span></div>`
  );
}

export class NotebookRenderer implements ProgressRenderer {
  private readonly output = new UpdatableDisplay();
  private lastDraw = -Infinity;
  private pending?: ProgressState;
  private timer?: NodeJS.Timeout;

  /** At most one redraw per `minIntervalMs`: a training loop may tick thousands of times a second. */
  constructor(private readonly minIntervalMs = 100) {}

  render(state: ProgressState): void {
    const now = Date.now();
    if (state.finished || !this.output.isShown || now - this.lastDraw >= this.minIntervalMs) {
      this.draw(state);
      return;
    }
    // Keep the latest state and draw it when the interval is over, so the bar never lags behind for long.
    this.pending = state;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.minIntervalMs - (now - this.lastDraw));
      this.timer.unref();
    }
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending) this.draw(this.pending);
  }

  private draw(state: ProgressState): void {
    this.pending = undefined;
    if (this.timer && state.finished) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastDraw = Date.now();
    const sent = this.output.render({ "text/html": progressHtml(state), "text/plain": describeProgress(state) });
    // Not (or no longer) in a kernel: fall back to a plain line rather than losing the information.
    if (!sent && state.finished) process.stderr.write(describeProgress(state) + "\n");
  }
}

registerProgressRenderer("notebook", () => new NotebookRenderer(), insideNotebookKernel);
