/**
 * Turns iopub messages into nbformat outputs the way a Jupyter front end does:
 * consecutive stream chunks merge, `clear_output(wait)` clears before the next output,
 * and `update_display_data` rewrites every earlier output with the same display_id in place.
 */
import type { NbOutput } from "../notebook";
import type { Message } from "./wire";

type DisplayOutput = Extract<NbOutput, { output_type: "display_data" | "execute_result" }>;

interface DisplayContent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}

/** Outputs that carry a display_id, across all cells of one kernel: updates may target an earlier cell. */
export class DisplayRegistry {
  private readonly byId = new Map<string, DisplayOutput[]>();

  add(id: string, output: DisplayOutput): void {
    const list = this.byId.get(id) ?? [];
    list.push(output);
    this.byId.set(id, list);
  }

  /** Returns the outputs it changed; none when the id was never displayed (Jupyter ignores those too). */
  update(id: string, content: DisplayContent): DisplayOutput[] {
    const targets = this.byId.get(id) ?? [];
    for (const out of targets) {
      out.data = content.data;
      out.metadata = content.metadata ?? {};
    }
    return targets;
  }
}

export class CellOutputs {
  readonly outputs: NbOutput[] = [];
  /** stderr text of this cell: tslab reports errors only there. */
  stderr = "";
  private clearOnNextOutput = false;

  constructor(
    private readonly displays: DisplayRegistry,
    private readonly onOutput?: (output: NbOutput) => void,
  ) {}

  /** Applies one iopub message; returns false for message types that carry no output. */
  handle(msg: Message): boolean {
    const c = msg.content as Record<string, unknown>;
    switch (msg.header.msg_type) {
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const text = String(c.text ?? "");
        if (name === "stderr") this.stderr += text;
        this.addStream(name, text);
        return true;
      }
      case "display_data":
      case "execute_result": {
        const content = c as unknown as DisplayContent & { execution_count?: number };
        const out: DisplayOutput =
          msg.header.msg_type === "display_data"
            ? { output_type: "display_data", data: content.data ?? {}, metadata: content.metadata ?? {} }
            : { output_type: "execute_result", data: content.data ?? {}, metadata: content.metadata ?? {}, execution_count: content.execution_count ?? null };
        const id = content.transient?.display_id;
        if (id) {
          if (out.output_type === "display_data") out.transient = { display_id: id };
          this.displays.add(id, out);
        }
        this.add(out);
        return true;
      }
      case "update_display_data": {
        const content = c as unknown as DisplayContent;
        const id = content.transient?.display_id;
        if (id) for (const out of this.displays.update(id, content)) this.onOutput?.(out);
        return true;
      }
      case "error": {
        const traceback = Array.isArray(c.traceback) ? c.traceback.map(String) : [];
        this.add({ output_type: "error", ename: String(c.ename ?? "Error"), evalue: String(c.evalue ?? ""), traceback });
        return true;
      }
      case "clear_output":
        if (c.wait) this.clearOnNextOutput = true;
        else this.clear();
        return true;
      default:
        return false;
    }
  }

  private clear(): void {
    this.outputs.length = 0;
    this.clearOnNextOutput = false;
  }

  private addStream(name: "stdout" | "stderr", text: string): void {
    if (this.clearOnNextOutput) this.clear();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      last.text = String(last.text) + text;
      this.onOutput?.({ output_type: "stream", name, text });
      return;
    }
    this.add({ output_type: "stream", name, text });
  }

  private add(out: NbOutput): void {
    if (this.clearOnNextOutput) this.clear();
    this.outputs.push(out);
    this.onOutput?.(out);
  }
}
