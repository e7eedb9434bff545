/**
 * The gradebook: one SQLite file (better-sqlite3) that makes grading resumable.
 *
 * Each (submission, notebook) is committed in one transaction together with its grades, so a run
 * killed at any moment, even with SIGKILL, leaves either all of a notebook's grades or none, and a
 * rerun grades exactly the notebooks that are missing. WAL mode keeps readers (merge, feedback)
 * consistent while a run writes.
 */
import Database from "better-sqlite3";
import type { GradeRow, GradeStatus } from "./score";
import type { TestOutcome } from "./execute";

export interface StoredCell {
  cellType: "code" | "markdown" | "raw";
  /** What the student may see: their code, or the public version of locked and test cells. */
  source: string;
  origin: string;
  gradeId?: string;
  question?: string;
  status: string;
  ms: number;
  /** Outputs as nbformat JSON, size-limited. */
  outputs: unknown[];
}

export interface SubmissionRecord {
  submission: string;
  notebook: string;
  score: number;
  maxScore: number;
  ms: number;
  gradedAt: string;
  sandbox: string;
  notes: string[];
  cells: StoredCell[];
  rows: GradeRow[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
  submission TEXT NOT NULL, notebook TEXT NOT NULL,
  score REAL NOT NULL, max_score REAL NOT NULL, ms REAL NOT NULL,
  graded_at TEXT NOT NULL, sandbox TEXT NOT NULL, notes TEXT NOT NULL, cells TEXT NOT NULL,
  PRIMARY KEY (submission, notebook));
CREATE TABLE IF NOT EXISTS grades (
  submission TEXT NOT NULL, notebook TEXT NOT NULL, grade_id TEXT NOT NULL,
  points REAL NOT NULL, max_points REAL NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, tests TEXT NOT NULL,
  PRIMARY KEY (submission, notebook, grade_id),
  FOREIGN KEY (submission, notebook) REFERENCES submissions (submission, notebook));
`;

export class Gradebook {
  readonly db: Database.Database;

  constructor(readonly file: string, options: { readonly?: boolean } = {}) {
    this.db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.exec(SCHEMA);
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** Ties the gradebook to one assignment version, so a resumed run never mixes two. */
  bindAssignment(fingerprint: string): void {
    const existing = this.getMeta("assignment");
    if (existing === undefined) this.setMeta("assignment", fingerprint);
    else if (existing !== fingerprint) {
      throw new Error(`${this.file} holds grades for a different version of the assignment (fingerprint ${existing.slice(0, 12)} ≠ ${fingerprint.slice(0, 12)}); grade into a new --out folder`);
    }
  }

  isGraded(submission: string, notebook: string): boolean {
    return this.db.prepare("SELECT 1 FROM submissions WHERE submission = ? AND notebook = ?").get(submission, notebook) !== undefined;
  }

  /** Stores one notebook's result atomically. */
  save(record: SubmissionRecord): void {
    const insertSubmission = this.db.prepare(
      "INSERT OR REPLACE INTO submissions (submission, notebook, score, max_score, ms, graded_at, sandbox, notes, cells) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const deleteGrades = this.db.prepare("DELETE FROM grades WHERE submission = ? AND notebook = ?");
    const insertGrade = this.db.prepare(
      "INSERT INTO grades (submission, notebook, grade_id, points, max_points, status, reason, tests) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      deleteGrades.run(record.submission, record.notebook);
      insertSubmission.run(record.submission, record.notebook, record.score, record.maxScore, record.ms, record.gradedAt, record.sandbox, JSON.stringify(record.notes), JSON.stringify(record.cells));
      for (const r of record.rows) insertGrade.run(r.submission, r.notebook, r.gradeId, r.points, r.maxPoints, r.status, r.reason, JSON.stringify(r.tests));
    })();
  }

  rows(): GradeRow[] {
    const raw = this.db.prepare("SELECT * FROM grades ORDER BY submission, notebook, rowid").all() as {
      submission: string; notebook: string; grade_id: string; points: number; max_points: number; status: string; reason: string; tests: string;
    }[];
    return raw.map((r) => ({
      submission: r.submission,
      notebook: r.notebook,
      gradeId: r.grade_id,
      points: r.points,
      maxPoints: r.max_points,
      status: r.status as GradeStatus,
      reason: r.reason,
      tests: JSON.parse(r.tests) as TestOutcome[],
    }));
  }

  records(): SubmissionRecord[] {
    const subs = this.db.prepare("SELECT * FROM submissions ORDER BY submission, notebook").all() as {
      submission: string; notebook: string; score: number; max_score: number; ms: number; graded_at: string; sandbox: string; notes: string; cells: string;
    }[];
    const rows = this.rows();
    return subs.map((s) => ({
      submission: s.submission,
      notebook: s.notebook,
      score: s.score,
      maxScore: s.max_score,
      ms: s.ms,
      gradedAt: s.graded_at,
      sandbox: s.sandbox,
      notes: JSON.parse(s.notes) as string[],
      cells: JSON.parse(s.cells) as StoredCell[],
      rows: rows.filter((r) => r.submission === s.submission && r.notebook === s.notebook),
    }));
  }

  close(): void {
    this.db.close();
  }
}
