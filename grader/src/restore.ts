/**
 * Builds the notebook that is actually graded from a student's submission and the source of truth.
 *
 * - Locked and test cells come from the source (test cells with their hidden tests), whatever the
 *   student did to them; deleted ones are re-added at their place.
 * - Solution cells are the student's, matched by grade_id, with the source's nbgrader metadata.
 * - Cells the student added keep their place after the source cell they followed.
 * Every change is recorded as a note, so feedback and grades.csv can say what happened.
 */
import { cellSource, type NbCell, type Notebook } from "bertlab/notebook";
import { graderTestSource, releaseNotebook } from "./assign";
import { computeChecksum, isLocked, isSolution, isTestCell, nbgraderMeta } from "./nbgrader";

export type CellOrigin = "student" | "source" | "restored";

export interface GradedCell {
  cell: NbCell;
  origin: CellOrigin;
  /** grade_id of the source cell this is, if any. */
  gradeId?: string;
  /** Set on autograder test cells: the question it grades. */
  question?: string;
}

export interface Restored {
  cells: GradedCell[];
  /** Notes about the whole notebook, e.g. a missing solution cell. */
  notes: string[];
  /** Notes per question grade_id, e.g. "test cell was edited; the original was used". */
  questionNotes: Map<string, string[]>;
}

function plain(cell: NbCell): NbCell {
  const out: NbCell = { cell_type: cell.cell_type, id: cell.id, source: cellSource(cell), metadata: {} };
  if (cell.cell_type === "code") {
    out.outputs = [];
    out.execution_count = null;
  }
  return out;
}

function fromSource(cell: NbCell, where: string): NbCell {
  const out = plain(cell);
  out.metadata = { ...cell.metadata };
  if (isTestCell(cell)) out.source = graderTestSource(cell, where);
  return out;
}

export function restore(source: Notebook, student: Notebook, name: string): Restored {
  const release = releaseNotebook(source, name);
  const notes: string[] = [];
  const questionNotes = new Map<string, string[]>();
  const noteFor = (gradeId: string, note: string) => {
    const list = questionNotes.get(gradeId) ?? [];
    list.push(note);
    questionNotes.set(gradeId, list);
  };

  const sourceIndex = new Map<string, number>();
  source.cells.forEach((cell, i) => {
    const meta = nbgraderMeta(cell);
    if (meta) sourceIndex.set(meta.grade_id, i);
  });

  // Pair student cells with source cells by grade_id; the rest hang after the last paired source cell.
  const matched = new Map<number, NbCell>();
  const extrasAfter = new Map<number, NbCell[]>();
  let anchor = -1;
  for (const cell of student.cells) {
    const meta = nbgraderMeta(cell);
    const index = meta ? sourceIndex.get(meta.grade_id) : undefined;
    if (index !== undefined && !matched.has(index)) {
      matched.set(index, cell);
      anchor = Math.max(anchor, index);
      continue;
    }
    if (index !== undefined) {
      // A copy of a cell already seen: a duplicated test cell must not run twice; a duplicated solution is just code.
      if (!isSolution(source.cells[index])) {
        notes.push(`a duplicate of cell "${meta!.grade_id}" was dropped`);
        continue;
      }
    } else if (meta) {
      notes.push(`cell with unknown grade_id "${meta.grade_id}" kept as an ordinary cell`);
    }
    const list = extrasAfter.get(anchor) ?? [];
    list.push(plain(cell));
    extrasAfter.set(anchor, list);
  }

  const cells: GradedCell[] = (extrasAfter.get(-1) ?? []).map((cell) => ({ cell, origin: "student" as const }));
  source.cells.forEach((src, i) => {
    const meta = nbgraderMeta(src);
    const where = `${name}, cell ${i}`;
    const mine = matched.get(i);
    if (!meta) {
      // Source cells without nbgrader metadata cannot be matched; the student's copy (if any) is among the extras.
    } else if (isSolution(src)) {
      if (mine) {
        const cell = plain(mine);
        cell.metadata = { ...src.metadata };
        cell.cell_type = mine.cell_type === src.cell_type ? src.cell_type : mine.cell_type;
        cells.push({ cell, origin: "student", gradeId: meta.grade_id });
      } else {
        notes.push(`solution cell "${meta.grade_id}" is missing (deleted, or its grade_id was changed)`);
      }
    } else if (isLocked(src) || isTestCell(src)) {
      const cell = fromSource(src, where);
      const question = isTestCell(src) ? meta.grade_id : undefined;
      if (!mine) {
        const note = `${question ? "test" : "read-only"} cell "${meta.grade_id}" was deleted; it was re-added from the source`;
        if (question) noteFor(question, note);
        else notes.push(note);
        cells.push({ cell, origin: "restored", gradeId: meta.grade_id, question });
      } else {
        const expected = (release.cells[i].metadata.nbgrader as { checksum?: string }).checksum;
        const probe: NbCell = { ...mine, metadata: { ...mine.metadata, nbgrader: release.cells[i].metadata.nbgrader } };
        const edited = mine.cell_type !== src.cell_type || computeChecksum(probe) !== expected;
        if (edited) {
          const note = `${question ? "test" : "read-only"} cell "${meta.grade_id}" was edited; the original was used`;
          if (question) noteFor(question, note);
          else notes.push(note);
        }
        cells.push({ cell, origin: edited ? "restored" : "source", gradeId: meta.grade_id, question });
      }
    } else {
      // An unlocked, ungraded nbgrader cell (e.g. a task cell): the student's version if present.
      const cell = mine ? plain(mine) : fromSource(src, where);
      cell.metadata = { ...src.metadata };
      cells.push({ cell, origin: mine ? "student" : "restored", gradeId: meta.grade_id });
    }
    for (const extra of extrasAfter.get(i) ?? []) cells.push({ cell: extra, origin: "student" });
  });
  return { cells, notes, questionNotes };
}
