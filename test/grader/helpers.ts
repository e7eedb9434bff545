/** Shared by the grader tests: the fixture assignment and ways to make submissions from it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import os from "os";
import path from "path";
import { cellSource, formatNotebook, readNotebook, type NbCell, type Notebook } from "../../src/notebook";
import { releaseNotebook } from "../../grader/src/assign";
import { nbgraderMeta } from "../../grader/src/nbgrader";

export const FIXTURE = path.resolve(__dirname, "../fixtures/grader");
export const SOLUTIONS = path.join(FIXTURE, "solutions");
export const NOTEBOOK = "arith.ipynb";

export async function loadFixture(): Promise<{ source: Notebook; release: Notebook }> {
  const source = await readNotebook(path.join(SOLUTIONS, NOTEBOOK));
  return { source, release: releaseNotebook(source, NOTEBOOK) };
}

export function gradeIdOf(cell: NbCell): string | undefined {
  return nbgraderMeta(cell)?.grade_id;
}

/** The student copy with every solution cell filled in from the source: a perfect submission. */
export function perfect(source: Notebook, release: Notebook): Notebook {
  return {
    ...release,
    cells: release.cells.map((c, i) => (nbgraderMeta(c)?.solution ? { ...c, source: cellSource(source.cells[i]) } : c)),
  };
}

/** Replaces the source of the cell with this grade_id. */
export function withCell(nb: Notebook, gradeId: string, source: string): Notebook {
  let found = false;
  const cells = nb.cells.map((c) => {
    if (gradeIdOf(c) !== gradeId) return c;
    found = true;
    return { ...c, source };
  });
  if (!found) throw new Error(`no cell ${gradeId}`);
  return { ...nb, cells };
}

export function cellSourceOf(nb: Notebook, gradeId: string): string {
  const cell = nb.cells.find((c) => gradeIdOf(c) === gradeId);
  if (!cell) throw new Error(`no cell ${gradeId}`);
  return cellSource(cell);
}

export function withoutCell(nb: Notebook, gradeId: string): Notebook {
  return { ...nb, cells: nb.cells.filter((c) => gradeIdOf(c) !== gradeId) };
}

const made: string[] = [];

export function tmpDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bertlab-grader-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTmpDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeSubmission(root: string, student: string, content: Notebook | string): void {
  mkdirSync(path.join(root, student), { recursive: true });
  writeFileSync(path.join(root, student, NOTEBOOK), typeof content === "string" ? content : formatNotebook(content));
}
