/**
 * Parses notebook JSON and checks it is nbformat 4, with errors that say where the file is wrong
 * (line and column for broken JSON, `cells[3].cell_type` for a bad field).
 */
import type { NbCell, NbOutput, Notebook } from "./nbformat";

export class NotebookFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookFormatError";
  }
}

const CELL_TYPES = ["code", "markdown", "raw"];
const OUTPUT_TYPES = ["stream", "display_data", "execute_result", "error"];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isMultiline(v: unknown): boolean {
  return typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
}

function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Turns V8's "... at position N" into a line and column a person can find in an editor. */
function jsonErrorLocation(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : /end of JSON input/.test(message) ? text.length : -1;
  if (pos < 0) return "";
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return ` at line ${line}, column ${column}`;
}

function checkOutput(out: unknown, where: string, fail: (msg: string) => never): NbOutput {
  if (!isObject(out)) fail(`${where} must be an object, got ${describe(out)}`);
  const type = out.output_type;
  if (typeof type !== "string" || !OUTPUT_TYPES.includes(type)) {
    fail(`${where}.output_type is ${describe(type)}; expected one of ${OUTPUT_TYPES.join(", ")}`);
  }
  switch (type) {
    case "stream":
      if (out.name !== "stdout" && out.name !== "stderr") fail(`${where}.name is ${describe(out.name)}; expected "stdout" or "stderr"`);
      if (!isMultiline(out.text)) fail(`${where}.text must be a string or a list of strings, got ${describe(out.text)}`);
      break;
    case "display_data":
    case "execute_result":
      if (!isObject(out.data)) fail(`${where}.data must be an object of mime types, got ${describe(out.data)}`);
      if (out.metadata === undefined) out.metadata = {};
      if (!isObject(out.metadata)) fail(`${where}.metadata must be an object, got ${describe(out.metadata)}`);
      if (type === "execute_result") {
        if (out.execution_count === undefined) out.execution_count = null;
        if (out.execution_count !== null && typeof out.execution_count !== "number") {
          fail(`${where}.execution_count must be a number or null, got ${describe(out.execution_count)}`);
        }
      }
      break;
    case "error":
      if (typeof out.ename !== "string") fail(`${where}.ename must be a string, got ${describe(out.ename)}`);
      if (typeof out.evalue !== "string") fail(`${where}.evalue must be a string, got ${describe(out.evalue)}`);
      if (!Array.isArray(out.traceback) || !out.traceback.every((s) => typeof s === "string")) {
        fail(`${where}.traceback must be a list of strings, got ${describe(out.traceback)}`);
      }
      break;
  }
  return out as unknown as NbOutput;
}

function checkCell(cell: unknown, where: string, fail: (msg: string) => never): NbCell {
  if (!isObject(cell)) fail(`${where} must be an object, got ${describe(cell)}`);
  const type = cell.cell_type;
  if (typeof type !== "string" || !CELL_TYPES.includes(type)) {
    fail(`${where}.cell_type is ${describe(type)}; expected one of ${CELL_TYPES.join(", ")}`);
  }
  if (!isMultiline(cell.source)) fail(`${where}.source must be a string or a list of strings, got ${describe(cell.source)}`);
  // Fields Jupyter always writes but hand-made notebooks often omit get their empty values.
  if (cell.metadata === undefined) cell.metadata = {};
  if (!isObject(cell.metadata)) fail(`${where}.metadata must be an object, got ${describe(cell.metadata)}`);
  if (cell.id !== undefined && typeof cell.id !== "string") fail(`${where}.id must be a string, got ${describe(cell.id)}`);
  if (type === "code") {
    if (cell.outputs === undefined) cell.outputs = [];
    if (!Array.isArray(cell.outputs)) fail(`${where}.outputs must be a list, got ${describe(cell.outputs)}`);
    cell.outputs.forEach((o, j) => checkOutput(o, `${where}.outputs[${j}]`, fail));
    if (cell.execution_count === undefined) cell.execution_count = null;
    if (cell.execution_count !== null && typeof cell.execution_count !== "number") {
      fail(`${where}.execution_count must be a number or null, got ${describe(cell.execution_count)}`);
    }
  } else if (cell.outputs !== undefined) {
    fail(`${where} is a ${type} cell but has outputs; only code cells have outputs`);
  }
  return cell as unknown as NbCell;
}

/** Parses and validates nbformat 4 JSON; `name` (usually the file path) prefixes every error. */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  const fail = (msg: string): never => {
    throw new NotebookFormatError(`${name}: ${msg}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    fail(`not valid JSON${jsonErrorLocation(text, message)}: ${message}`);
  }
  if (!isObject(raw)) return fail(`a notebook is a JSON object, got ${describe(raw)}`);
  if (raw.nbformat !== 4) {
    fail(
      typeof raw.nbformat === "number"
        ? `nbformat ${raw.nbformat} is not supported; bertlab reads nbformat 4 (open and save the file in Jupyter to convert it)`
        : `"nbformat" is ${describe(raw.nbformat)}; expected 4 (is this a Jupyter notebook?)`,
    );
  }
  if (typeof raw.nbformat_minor !== "number") fail(`"nbformat_minor" must be a number, got ${describe(raw.nbformat_minor)}`);
  if (raw.metadata === undefined) raw.metadata = {};
  if (!isObject(raw.metadata)) fail(`"metadata" must be an object, got ${describe(raw.metadata)}`);
  if (!Array.isArray(raw.cells)) fail(`"cells" must be a list of cells, got ${describe(raw.cells)}`);
  (raw.cells as unknown[]).forEach((c, i) => checkCell(c, `cells[${i}]`, fail));
  return raw as unknown as Notebook;
}
