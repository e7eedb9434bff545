/**
 * nbgrader's cell metadata, schema version 3 (https://nbgrader.readthedocs.io/en/stable/contributor_guide/metadata.html),
 * and its checksum, computed exactly like nbgrader's utils.compute_checksum so nbgrader tools agree with ours.
 */
import { createHash } from "crypto";
import { cellSource, type NbCell } from "bertlab/notebook";

export interface NbgraderMeta {
  grade: boolean;
  solution: boolean;
  locked: boolean;
  task?: boolean;
  grade_id: string;
  points?: number;
  schema_version: number;
  checksum?: string;
  cell_type?: string;
}

export function nbgraderMeta(cell: NbCell): NbgraderMeta | null {
  const meta = cell.metadata?.nbgrader;
  if (!meta || typeof meta !== "object") return null;
  const m = meta as Partial<NbgraderMeta>;
  if (typeof m.grade_id !== "string") return null;
  return { ...m, grade: m.grade === true, solution: m.solution === true, locked: m.locked === true } as NbgraderMeta;
}

export function isGrade(cell: NbCell): boolean {
  return nbgraderMeta(cell)?.grade === true;
}

export function isSolution(cell: NbCell): boolean {
  return nbgraderMeta(cell)?.solution === true;
}

/** nbgrader's is_locked: solution cells never, grade cells always, others when marked. */
export function isLocked(cell: NbCell): boolean {
  const m = nbgraderMeta(cell);
  if (!m) return false;
  if (m.solution) return false;
  if (m.grade) return true;
  return m.locked;
}

/** An autograder test cell: graded, not a solution, code. */
export function isTestCell(cell: NbCell): boolean {
  return cell.cell_type === "code" && isGrade(cell) && !isSolution(cell);
}

/** Python's str(float(x)) for the values points take (integers and short decimals). */
export function pyFloatStr(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  return s.includes("e") ? s.replace(/e([+-])(\d)$/, "e$10$2") : s;
}

export function computeChecksum(cell: NbCell): string {
  const m = nbgraderMeta(cell);
  if (!m) throw new Error("computeChecksum: cell has no nbgrader metadata");
  const md5 = createHash("md5");
  md5.update(cellSource(cell), "utf8");
  md5.update(cell.cell_type, "utf8");
  md5.update(m.grade ? "True" : "False");
  md5.update(m.solution ? "True" : "False");
  md5.update(isLocked(cell) ? "True" : "False");
  md5.update(m.grade_id, "utf8");
  if (m.grade) md5.update(pyFloatStr(Number(m.points ?? 0)));
  return md5.digest("hex");
}

/** Marker lines, matched after trimming, like nbgrader's "### BEGIN SOLUTION" with TypeScript comments. */
export const MARKERS = {
  beginSolution: "// BEGIN SOLUTION",
  endSolution: "// END SOLUTION",
  beginHidden: "// BEGIN HIDDEN TESTS",
  endHidden: "// END HIDDEN TESTS",
} as const;

export interface Region {
  /** Line indexes of the begin and end markers (inclusive). */
  begin: number;
  end: number;
  indent: string;
}

/** Finds begin/end regions, or throws naming the line of an unbalanced marker. */
export function findRegions(lines: string[], begin: string, end: string, where: string): Region[] {
  const regions: Region[] = [];
  let open: { line: number; indent: string } | null = null;
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === begin || t.startsWith(`${begin} `)) {
      if (open) throw new Error(`${where}, line ${i + 1}: "${begin}" inside another region opened on line ${open.line + 1}`);
      open = { line: i, indent: line.slice(0, line.length - line.trimStart().length) };
    } else if (t === end || t.startsWith(`${end} `)) {
      if (!open) throw new Error(`${where}, line ${i + 1}: "${end}" without a matching "${begin}"`);
      const o: { line: number; indent: string } = open;
      regions.push({ begin: o.line, end: i, indent: o.indent });
      open = null;
    }
  });
  if (open) throw new Error(`${where}, line ${(open as { line: number }).line + 1}: "${begin}" is never closed by "${end}"`);
  return regions;
}

/** Replaces each region (markers included) by what `replace` returns. */
export function replaceRegions(lines: string[], regions: Region[], replace: (r: Region) => string[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const r of regions) {
    out.push(...lines.slice(at, r.begin), ...replace(r));
    at = r.end + 1;
  }
  out.push(...lines.slice(at));
  return out;
}

export function sourceLines(cell: NbCell): string[] {
  return cellSource(cell).split("\n");
}
