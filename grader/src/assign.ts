/**
 * `bertlab-grader assign solutions/ --out exercises/`: the student copies of the source notebooks.
 *
 * Like nbgrader's generate_assignment: solution regions become a stub, hidden tests are removed,
 * outputs are cleared, test and locked cells are made read-only, and checksums are computed on the
 * student version (so the grader can tell which cells a student edited).
 */
import { createHash } from "crypto";
import { mkdir, readdir, writeFile } from "fs/promises";
import path from "path";
import { cellSource, formatNotebook, readNotebook, type NbCell, type Notebook } from "bertlab/notebook";
import {
  MARKERS,
  computeChecksum,
  findRegions,
  isLocked,
  isSolution,
  isTestCell,
  nbgraderMeta,
  replaceRegions,
  sourceLines,
  type NbgraderMeta,
} from "./nbgrader";

/** What replaces a solution region: compiles in tslab, fails the tests with a clear message. */
export const SOLUTION_STUB = ["// YOUR CODE HERE", 'throw new Error("not implemented");'];
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

export interface Question {
  gradeId: string;
  points: number;
  /** Index of the test cell in the source notebook. */
  cell: number;
}

/** Checks a source notebook against the conventions the grader relies on; returns its questions. */
export function checkSource(nb: Notebook, name: string): Question[] {
  if (nb.nbformat !== 4) throw new Error(`${name}: nbformat ${nb.nbformat} is not supported (need 4)`);
  const seen = new Map<string, number>();
  const questions: Question[] = [];
  nb.cells.forEach((cell, i) => {
    const where = `${name}, cell ${i}`;
    const raw = cell.metadata?.nbgrader as Record<string, unknown> | undefined;
    const text = cellSource(cell);
    const hasSolutionMarker = text.includes(MARKERS.beginSolution);
    const hasHiddenMarker = text.includes(MARKERS.beginHidden);
    if (!raw) {
      if (hasSolutionMarker || hasHiddenMarker) throw new Error(`${where}: has BEGIN markers but no nbgrader metadata`);
      return;
    }
    const meta = nbgraderMeta(cell);
    if (!meta) throw new Error(`${where}: metadata.nbgrader has no string grade_id`);
    if (!/^[A-Za-z0-9_-]+$/.test(meta.grade_id)) throw new Error(`${where}: grade_id "${meta.grade_id}" may only use letters, digits, "-" and "_"`);
    if (seen.has(meta.grade_id)) throw new Error(`${where}: grade_id "${meta.grade_id}" is already used by cell ${seen.get(meta.grade_id)}`);
    seen.set(meta.grade_id, i);
    if (meta.schema_version !== 3) throw new Error(`${where} (${meta.grade_id}): nbgrader schema_version must be 3, got ${String(meta.schema_version)}`);
    if (hasSolutionMarker && !meta.solution) throw new Error(`${where} (${meta.grade_id}): "${MARKERS.beginSolution}" in a cell that is not a solution cell`);
    if (hasHiddenMarker && !isTestCell(cell)) throw new Error(`${where} (${meta.grade_id}): "${MARKERS.beginHidden}" in a cell that is not an autograder test cell`);
    const lines = sourceLines(cell);
    findRegions(lines, MARKERS.beginSolution, MARKERS.endSolution, `${where} (${meta.grade_id})`);
    const hidden = findRegions(lines, MARKERS.beginHidden, MARKERS.endHidden, `${where} (${meta.grade_id})`);
    if (meta.grade) {
      if (typeof meta.points !== "number" || !(meta.points >= 0)) throw new Error(`${where} (${meta.grade_id}): grade cell needs numeric points >= 0`);
    }
    if (isTestCell(cell)) {
      if (!new RegExp(`describe\\(\\s*["'\`]${meta.grade_id}["'\`]`).test(text)) {
        throw new Error(`${where} (${meta.grade_id}): a test cell must register its tests with describe("${meta.grade_id}", ...)`);
      }
      const visible = replaceRegions(lines, hidden, () => []).join("\n");
      if (!/\bit\(/.test(visible)) throw new Error(`${where} (${meta.grade_id}): needs at least one visible it(...) test outside the hidden region`);
      questions.push({ gradeId: meta.grade_id, points: meta.points as number, cell: i });
    }
  });
  return questions;
}

function stableCellId(name: string, index: number): string {
  return createHash("sha256").update(`${name}\0${index}`).digest("hex").slice(0, 8);
}

/** The student's version of one cell. */
export function releaseCell(cell: NbCell, where: string): NbCell {
  const meta = nbgraderMeta(cell);
  let source = cellSource(cell);
  if (meta && isSolution(cell)) {
    if (cell.cell_type === "markdown") {
      source = MARKDOWN_STUB;
    } else {
      const lines = sourceLines(cell);
      const regions = findRegions(lines, MARKERS.beginSolution, MARKERS.endSolution, where);
      source = replaceRegions(lines, regions, (r) => SOLUTION_STUB.map((l) => r.indent + l)).join("\n");
    }
  }
  if (meta && isTestCell(cell)) {
    const lines = sourceLines(cell);
    const regions = findRegions(lines, MARKERS.beginHidden, MARKERS.endHidden, where);
    source = replaceRegions(lines, regions, () => []).join("\n");
  }
  const out: NbCell = { cell_type: cell.cell_type, id: cell.id, source, metadata: { ...cell.metadata } };
  if (cell.cell_type === "code") {
    out.outputs = [];
    out.execution_count = null;
  }
  if (cell.attachments !== undefined && cell.cell_type !== "code") out.attachments = cell.attachments;
  if (meta) {
    const nb: NbgraderMeta = { ...(cell.metadata.nbgrader as NbgraderMeta) };
    delete nb.checksum;
    out.metadata.nbgrader = nb;
    // Jupyter's own read-only flags, as nbgrader's LockCells sets them.
    if (isLocked(cell)) {
      out.metadata.editable = false;
      out.metadata.deletable = false;
    } else if (isSolution(cell)) {
      out.metadata.deletable = false;
    }
    if (meta.grade || meta.solution || isLocked(cell)) {
      nb.checksum = computeChecksum(out);
      nb.cell_type = cell.cell_type;
    }
  }
  return out;
}

export function releaseNotebook(source: Notebook, name: string): Notebook {
  checkSource(source, name);
  const cells = source.cells.map((cell, i) => {
    const withId = cell.id ? cell : { ...cell, id: stableCellId(name, i) };
    return releaseCell(withId, `${name}, cell ${i}`);
  });
  return { ...source, cells, metadata: { ...source.metadata } };
}

/** The grader's copy of a test cell: hidden tests kept, their markers turned into harness calls. */
export function graderTestSource(cell: NbCell, where: string): string {
  const lines = sourceLines(cell);
  const regions = findRegions(lines, MARKERS.beginHidden, MARKERS.endHidden, where);
  return replaceRegions(lines, regions, (r) => [
    `${r.indent}require("bertlab/check").markHidden(true);`,
    ...lines.slice(r.begin + 1, r.end),
    `${r.indent}require("bertlab/check").markHidden(false);`,
  ]).join("\n");
}

export async function listNotebooks(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    throw new Error(`${dir}: cannot list notebooks (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return entries.filter((f) => f.endsWith(".ipynb") && !f.startsWith(".")).sort();
}

export interface AssignResult {
  notebook: string;
  questions: Question[];
  out: string;
}

/** Writes the student version of every notebook in `sourceDir` into `outDir`. */
export async function assign(sourceDir: string, outDir: string): Promise<AssignResult[]> {
  const names = await listNotebooks(sourceDir);
  await mkdir(outDir, { recursive: true });
  const results: AssignResult[] = [];
  for (const file of names) {
    const source = await readNotebook(path.join(sourceDir, file));
    const questions = checkSource(source, file);
    const release = releaseNotebook(source, file);
    const out = path.join(outDir, file);
    await writeFile(out, formatNotebook(release), "utf8");
    results.push({ notebook: file, questions, out });
  }
  return results;
}
