/**
 * The Jupyter notebook format, version 4 (https://nbformat.readthedocs.io/en/latest/format_description.html),
 * as far as bertlab reads and writes it: the runner fills outputs, the grader reads cells and metadata.
 */
export type MultilineString = string | string[];

export interface NbCell {
  cell_type: "code" | "markdown" | "raw";
  /** Required from nbformat 4.5 on; older files have none. */
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  /** Code cells only. */
  outputs?: NbOutput[];
  /** Code cells only: null until run. */
  execution_count?: number | null;
  /** Markdown and raw cells only. */
  attachments?: unknown;
}

export type NbOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  /** `transient` is protocol-only (it carries `display_id`); it is never written to a file. */
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: unknown }
  | { output_type: "execute_result"; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
}

/** The kernel every bertlab notebook runs on: tslab, registered by scripts/postinstall.js. */
export const TSLAB_KERNELSPEC = { name: "tslab", display_name: "TypeScript", language: "typescript" } as const;

export const TSLAB_LANGUAGE_INFO = {
  name: "typescript",
  file_extension: ".ts",
  mimetype: "text/typescript",
  codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
} as const;

/** Joins a multiline string the way nbformat defines it: the list items already carry their newlines. */
export function joinMultiline(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Splits text into nbformat's list form, each line keeping its "\n", as Jupyter writes files. */
export function splitMultiline(text: string): string[] {
  return text === "" ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) as string[]);
}

export function cellSource(cell: NbCell): string {
  return joinMultiline(cell.source);
}

export function newNotebook(cells: NbCell[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { ...TSLAB_KERNELSPEC }, language_info: { ...TSLAB_LANGUAGE_INFO } },
    cells,
  };
}

function cellId(): string {
  // nbformat 4.5 cell ids: 1-64 chars of [a-zA-Z0-9-_]; Jupyter uses random hex too.
  return Math.random().toString(16).slice(2, 10).padEnd(8, "0");
}

export function codeCell(source: string, metadata: Record<string, unknown> = {}): NbCell {
  return { cell_type: "code", id: cellId(), source, metadata, outputs: [], execution_count: null };
}

export function markdownCell(source: string, metadata: Record<string, unknown> = {}): NbCell {
  return { cell_type: "markdown", id: cellId(), source, metadata };
}
