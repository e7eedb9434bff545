/**
 * Multi-mime display for the tslab kernel.
 *
 * Jupyter lets one display_data message carry several representations of the same object
 * (a plotly figure as JSON, as HTML, as text); the front end picks the richest it can render and
 * the saved notebook keeps all of them. tslab's public `display.raw` sends one mime type per call,
 * so we call the writer it uses underneath, `lastWriteDisplayData` in tslab/dist/jupyter.js:
 * tslab rebinds it for every execute_request to a closure that signs and sends a `display_data`
 * (or, with `update = true`, an `update_display_data`) on iopub, parented to that request.
 */

/** A JSON value, as a JSON mime type (application/json, application/vnd.plotly.v1+json) carries it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** Members set to undefined are dropped by JSON.stringify, which lets optional fields be typed plainly. */
export type JsonObject = { [key: string]: JsonValue | undefined };

/** mime type -> representation: text for text types, a JSON value for JSON mime types. */
export type MimeBundle = Record<string, JsonValue>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, JsonValue>;
  transient: { display_id?: string };
}
type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The running kernel's display writer, or undefined outside tslab. Found in require.cache rather
 * than required: requiring would load tslab (and TypeScript) into plain Node for nothing, and
 * could load a second copy whose writer is never set. Read on every call because tslab swaps it
 * per executed cell.
 */
export function kernelDisplayWriter(): WriteDisplayData | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!JUPYTER_MODULE.test(file)) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined)?.lastWriteDisplayData;
    if (typeof write === "function") return write;
  }
  return undefined;
}

export function insideNotebookKernel(): boolean {
  return kernelDisplayWriter() !== undefined;
}

/**
 * An opaque token for the cell execution now running (tslab makes a new writer per
 * execute_request), undefined outside a kernel. Two displays with the same token land in the
 * same cell's outputs, which a front end always clears together.
 */
export function currentExecution(): object | undefined {
  return kernelDisplayWriter();
}

function quiet(): boolean {
  const v = process.env.BERTLAB_QUIET;
  return v !== undefined && v !== "" && v !== "0";
}

let nextId = 0;

/** A fresh display id, unique per kernel process. */
export function newDisplayId(prefix = "bertlab"): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(nextId++).toString(36)}`;
}

export interface SendOptions {
  /** Needed to update the output later (update_display_data targets it). */
  displayId?: string;
  /** Send update_display_data: replace every output shown with `displayId`. */
  update?: boolean;
  metadata?: Record<string, JsonValue>;
}

/**
 * Sends one display bundle to the notebook. Returns false, sending nothing, outside a kernel.
 */
export function sendDisplay(data: MimeBundle, opts: SendOptions = {}): boolean {
  const write = kernelDisplayWriter();
  if (!write) return false;
  if (opts.update && !opts.displayId) throw new Error("sendDisplay: an update needs the displayId of the output to replace");
  write({ data, metadata: opts.metadata ?? {}, transient: opts.displayId ? { display_id: opts.displayId } : {} }, opts.update === true);
  return true;
}

/**
 * Shows a bundle: in a kernel as one display_data, elsewhere (node, tests, scripts) by printing
 * its text/plain unless BERTLAB_QUIET is set, so the information is never lost silently.
 */
export function displayBundle(data: MimeBundle, opts: SendOptions = {}): void {
  if (sendDisplay(data, opts)) return;
  const text = data["text/plain"];
  if (!quiet() && !opts.update && typeof text === "string" && text !== "") console.log(text);
}

/** One output that can be replaced in place (a live chart): display_data first, update_display_data after. */
export class UpdatableDisplay {
  readonly displayId = newDisplayId();
  private shown = false;

  /** True once the first bundle went to a notebook. */
  get isShown(): boolean {
    return this.shown;
  }

  /** Shows the bundle the first time and replaces it after; returns false outside a kernel. */
  render(data: MimeBundle): boolean {
    const sent = sendDisplay(data, { displayId: this.displayId, update: this.shown });
    if (sent) this.shown = true;
    return sent;
  }
}
