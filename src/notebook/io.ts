/** Reading and writing .ipynb files the way Jupyter does, so a run leaves a diff-friendly file. */
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { joinMultiline, splitMultiline, type NbCell, type NbOutput, type Notebook } from "./nbformat";
import { NotebookFormatError, parseNotebook } from "./validate";

export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a notebook" : (e as Error).message;
    throw new NotebookFormatError(`${file}: ${why}`);
  }
  return parseNotebook(text, file);
}

/** JSON mime types hold structured data; every other text mime type is stored as a list of lines. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

function outputForFile(out: NbOutput): NbOutput {
  switch (out.output_type) {
    case "stream":
      return { output_type: "stream", name: out.name, text: splitMultiline(joinMultiline(out.text)) };
    case "display_data":
    case "execute_result": {
      const data: Record<string, unknown> = {};
      for (const [mime, value] of Object.entries(out.data)) {
        data[mime] = typeof value === "string" && !isJsonMime(mime) ? splitMultiline(value) : value;
      }
      // `transient` (display_id) belongs to the live protocol; nbformat does not allow it in files.
      return out.output_type === "display_data"
        ? { output_type: "display_data", data, metadata: out.metadata }
        : { output_type: "execute_result", data, metadata: out.metadata, execution_count: out.execution_count };
    }
    case "error":
      return out;
  }
}

function cellForFile(cell: NbCell, needsId: boolean): NbCell {
  const out: NbCell = { ...cell, source: splitMultiline(joinMultiline(cell.source)) };
  if (needsId && !out.id) out.id = randomBytes(4).toString("hex");
  if (cell.cell_type === "code") {
    out.outputs = (cell.outputs ?? []).map(outputForFile);
    out.execution_count = cell.execution_count ?? null;
  }
  return out;
}

/** Jupyter writes keys sorted; doing the same keeps diffs against Jupyter-saved files small. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function formatNotebook(nb: Notebook): string {
  const needsIds = nb.nbformat === 4 && nb.nbformat_minor >= 5;
  const file = { ...nb, cells: nb.cells.map((c) => cellForFile(c, needsIds)) };
  return JSON.stringify(sortKeys(file), null, 1) + "\n";
}

/** Writes atomically (temp file + rename) so an interrupted run never leaves half a notebook. */
export async function writeNotebook(file: string, nb: Notebook): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(tmp, formatNotebook(nb), "utf8");
  await rename(tmp, file);
}
