/**
 * The gradebook: one SQLite file (better-sqlite3) that makes grading resumable.
 *
 * Each (submission, notebook) is committed in one transaction together with its grades, so a run
 * killed at any moment, even with SIGKILL, leaves either all of a notebook's grades or none, and a
 * rerun grades exactly the notebooks that are missing. WAL mode keeps readers (merge, feedback)
 * consistent while a run writes.
 *
 * What the grader computed (`grades`) and what people decided (`adjustments`: overrides and manual
 * scores, with who and when) are kept apart, so a regrade never erases a person's decision; rows()
 * and records() return the effective grades, with late penalties applied from the stored policy.
 */
import Database from "better-sqlite3";
import { roundPoints, total, type Adjustment, type GradeRow, type GradeStatus } from "./score";
import { latePenalty, type LatePolicy } from "./spec";
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
  /** Effective score: points after overrides and manual grades, less the late penalty. */
  score: number;
  maxScore: number;
  ms: number;
  gradedAt: string;
  sandbox: string;
  notes: string[];
  cells: StoredCell[];
  rows: GradeRow[];
  /** When the student handed the notebook in (timestamp.txt or the file's time), ISO; null if unknown. */
  submittedAt?: string | null;
  /** Fraction of the points lost for lateness (0 on time); set on records read back. */
  latePenalty?: number;
  daysLate?: number;
  /** The edition graded: "ko" for the Korean one (the source's metadata.bertlab.lang); the feedback page speaks it. */
  lang?: "en" | "ko";
}

export interface Student {
  id: string;
  display: string;
  name: string;
  email: string;
  onRoster: boolean;
}

export interface StoredAdjustment extends Adjustment {
  submission: string;
  notebook: string;
  gradeId: string;
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
CREATE TABLE IF NOT EXISTS adjustments (
  submission TEXT NOT NULL, notebook TEXT NOT NULL, grade_id TEXT NOT NULL, kind TEXT NOT NULL,
  points REAL NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (submission, notebook, grade_id, kind));
CREATE TABLE IF NOT EXISTS students (
  id TEXT PRIMARY KEY, display TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', on_roster INTEGER NOT NULL DEFAULT 0);
`;

/** Statuses that mean "not graded yet": a rerun grades these again. */
const REGRADE_ALWAYS: GradeStatus[] = ["infrastructure_error", "missing"];
/** What `--retry-errors` also grades again. */
const REGRADE_ERRORS: GradeStatus[] = ["error", "timeout", "crashed"];

interface RawGrade {
  submission: string;
  notebook: string;
  grade_id: string;
  points: number;
  max_points: number;
  status: string;
  reason: string;
  tests: string;
}

export class Gradebook {
  readonly db: Database.Database;

  constructor(readonly file: string, options: { readonly?: boolean } = {}) {
    this.db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    // Several graders may share a gradebook (shards on one disk, feedback while grading): wait for a lock rather than fail.
    this.db.pragma("busy_timeout = 10000");
    if (!options.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.exec(SCHEMA);
      const columns = (this.db.prepare("PRAGMA table_info(submissions)").all() as { name: string }[]).map((c) => c.name);
      // Gradebooks written before submission times were kept get the column, empty.
      if (!columns.includes("submitted_at")) this.db.exec("ALTER TABLE submissions ADD COLUMN submitted_at TEXT");
      // ... and before the edition's language was: English, which is what they graded.
      if (!columns.includes("lang")) this.db.exec("ALTER TABLE submissions ADD COLUMN lang TEXT");
    }
  }

  private hasTable(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
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

  /** The due date and late policy; penalties are computed from it whenever grades are read, so a changed due date applies to everyone. */
  setLatePolicy(policy: LatePolicy | undefined): void {
    if (policy) this.setMeta("late_policy", JSON.stringify(policy));
    else this.db.prepare("DELETE FROM meta WHERE key = 'late_policy'").run();
  }

  latePolicy(): LatePolicy | undefined {
    const text = this.getMeta("late_policy");
    return text ? (JSON.parse(text) as LatePolicy) : undefined;
  }

  isGraded(submission: string, notebook: string): boolean {
    return !this.needsGrading(submission, notebook, false);
  }

  /** True when a run should grade this notebook: never graded, an infrastructure error or missing last time, or (with retryErrors) an error, timeout or crash. */
  needsGrading(submission: string, notebook: string, retryErrors: boolean): boolean {
    if (this.db.prepare("SELECT 1 FROM submissions WHERE submission = ? AND notebook = ?").get(submission, notebook) === undefined) return true;
    const statuses = [...REGRADE_ALWAYS, ...(retryErrors ? REGRADE_ERRORS : [])];
    const placeholders = statuses.map(() => "?").join(", ");
    return this.db.prepare(`SELECT 1 FROM grades WHERE submission = ? AND notebook = ? AND status IN (${placeholders}) LIMIT 1`).get(submission, notebook, ...statuses) !== undefined;
  }

  /** Stores one notebook's result atomically: the grader's own points, never a person's adjustment. */
  save(record: SubmissionRecord): void {
    const insertSubmission = this.db.prepare(
      "INSERT OR REPLACE INTO submissions (submission, notebook, score, max_score, ms, graded_at, sandbox, notes, cells, submitted_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const deleteGrades = this.db.prepare("DELETE FROM grades WHERE submission = ? AND notebook = ?");
    const insertGrade = this.db.prepare(
      "INSERT INTO grades (submission, notebook, grade_id, points, max_points, status, reason, tests) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const auto = record.rows.map((r) => (r.adjustment ? { ...r, points: r.adjustment.autoPoints, reason: r.adjustment.autoReason, adjustment: undefined } : r));
    const { score, max } = total(auto);
    this.db.transaction(() => {
      deleteGrades.run(record.submission, record.notebook);
      insertSubmission.run(record.submission, record.notebook, score, max, record.ms, record.gradedAt, record.sandbox, JSON.stringify(record.notes), JSON.stringify(record.cells), record.submittedAt ?? null, record.lang ?? null);
      for (const r of auto) insertGrade.run(r.submission, r.notebook, r.gradeId, r.points, r.maxPoints, r.status, r.reason, JSON.stringify(r.tests));
    })();
  }

  /** A person's score for one question; replaces their earlier one of the same kind. */
  setAdjustment(a: StoredAdjustment): void {
    const row = this.db.prepare("SELECT max_points, status FROM grades WHERE submission = ? AND notebook = ? AND grade_id = ?").get(a.submission, a.notebook, a.gradeId) as
      | { max_points: number; status: string }
      | undefined;
    if (!row) {
      const known = this.db.prepare("SELECT DISTINCT notebook FROM grades WHERE submission = ?").all(a.submission) as { notebook: string }[];
      if (known.length === 0) throw new Error(`no grades for student "${a.submission}" in ${this.file}`);
      const questions = this.db.prepare("SELECT grade_id FROM grades WHERE submission = ? AND notebook = ?").all(a.submission, a.notebook) as { grade_id: string }[];
      if (questions.length === 0) throw new Error(`student "${a.submission}" has no grades for notebook "${a.notebook}" (has: ${known.map((k) => k.notebook).join(", ")})`);
      throw new Error(`notebook "${a.notebook}" has no question "${a.gradeId}" (has: ${questions.map((q) => q.grade_id).join(", ")})`);
    }
    if (!(Number.isFinite(a.points) && a.points >= 0 && a.points <= row.max_points)) {
      throw new Error(`points ${a.points} for ${a.submission}/${a.notebook}/${a.gradeId}: must be between 0 and ${row.max_points}`);
    }
    if (a.kind === "manual" && row.status !== "manual") throw new Error(`${a.submission}/${a.notebook}/${a.gradeId} is autograded, not a manually graded question; use override`);
    this.db
      .prepare(
        "INSERT INTO adjustments (submission, notebook, grade_id, kind, points, reason, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(submission, notebook, grade_id, kind) DO UPDATE SET points = excluded.points, reason = excluded.reason, by = excluded.by, at = excluded.at",
      )
      .run(a.submission, a.notebook, a.gradeId, a.kind, a.points, a.reason, a.by, a.at);
  }

  adjustments(): StoredAdjustment[] {
    if (!this.hasTable("adjustments")) return [];
    return (this.db.prepare("SELECT * FROM adjustments ORDER BY submission, notebook, grade_id, kind").all() as (Omit<StoredAdjustment, "gradeId"> & { grade_id: string })[]).map((a) => ({
      submission: a.submission,
      notebook: a.notebook,
      gradeId: a.grade_id,
      kind: a.kind,
      points: a.points,
      reason: a.reason,
      by: a.by,
      at: a.at,
    }));
  }

  /** Records a student: from a roster (with name and email) or from a submission folder (its name as given). */
  saveStudent(s: Student): void {
    this.db
      .prepare(
        `INSERT INTO students (id, display, name, email, on_roster) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET
         display = CASE WHEN excluded.on_roster = 0 OR students.on_roster = 0 THEN excluded.display ELSE students.display END,
         name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE students.name END,
         email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE students.email END,
         on_roster = MAX(students.on_roster, excluded.on_roster)`,
      )
      .run(s.id, s.display, s.name, s.email, s.onRoster ? 1 : 0);
  }

  students(): Student[] {
    if (!this.hasTable("students")) return [];
    return (this.db.prepare("SELECT * FROM students ORDER BY id").all() as { id: string; display: string; name: string; email: string; on_roster: number }[]).map((s) => ({
      id: s.id,
      display: s.display,
      name: s.name,
      email: s.email,
      onRoster: s.on_roster === 1,
    }));
  }

  /** The grader's rows with people's scores applied: a manual grade, then an override, wins. */
  rows(): GradeRow[] {
    const raw = this.db.prepare("SELECT * FROM grades ORDER BY submission, notebook, rowid").all() as RawGrade[];
    const adjust = new Map<string, StoredAdjustment>();
    // Overrides sort after manual grades, so they replace them.
    for (const a of this.adjustments().sort((x, y) => (x.kind === y.kind ? 0 : x.kind === "manual" ? -1 : 1))) adjust.set(`${a.submission}\0${a.notebook}\0${a.gradeId}`, a);
    return raw.map((r) => {
      const row: GradeRow = {
        submission: r.submission,
        notebook: r.notebook,
        gradeId: r.grade_id,
        points: r.points,
        maxPoints: r.max_points,
        status: r.status as GradeStatus,
        reason: r.reason,
        tests: JSON.parse(r.tests) as TestOutcome[],
      };
      const a = adjust.get(`${r.submission}\0${r.notebook}\0${r.grade_id}`);
      // An adjustment whose notebook is now missing or unreadable no longer applies: there is nothing it judged.
      if (!a || row.status === "missing" || row.status === "infrastructure_error") return row;
      const label = a.kind === "manual" ? `graded by hand by ${a.by} on ${a.at}` : `score overridden by ${a.by} on ${a.at} (autograder: ${row.points}/${row.maxPoints})`;
      return {
        ...row,
        points: Math.min(a.points, row.maxPoints),
        reason: `${label}${a.reason ? `: ${a.reason}` : ""}${a.kind === "override" ? `; ${row.reason}` : ""}`,
        adjustment: { kind: a.kind, points: a.points, reason: a.reason, by: a.by, at: a.at, autoPoints: row.points, autoReason: row.reason },
      };
    });
  }

  records(): SubmissionRecord[] {
    const subs = this.db.prepare("SELECT * FROM submissions ORDER BY submission, notebook").all() as {
      submission: string; notebook: string; score: number; max_score: number; ms: number; graded_at: string; sandbox: string; notes: string; cells: string; submitted_at?: string | null; lang?: string | null;
    }[];
    const byKey = new Map<string, GradeRow[]>();
    for (const r of this.rows()) {
      const key = `${r.submission}\0${r.notebook}`;
      const list = byKey.get(key) ?? [];
      list.push(r);
      byKey.set(key, list);
    }
    const policy = this.latePolicy();
    return subs.map((s) => {
      const rows = byKey.get(`${s.submission}\0${s.notebook}`) ?? [];
      const { score, max } = total(rows);
      const late = latePenalty(s.submitted_at, policy);
      return {
        submission: s.submission,
        notebook: s.notebook,
        score: roundPoints(score * (1 - late.penalty)),
        maxScore: max,
        ms: s.ms,
        gradedAt: s.graded_at,
        sandbox: s.sandbox,
        notes: JSON.parse(s.notes) as string[],
        cells: JSON.parse(s.cells) as StoredCell[],
        rows,
        submittedAt: s.submitted_at ?? null,
        latePenalty: late.penalty,
        daysLate: late.daysLate,
        lang: s.lang === "ko" ? "ko" : "en",
      };
    });
  }

  close(): void {
    this.db.close();
  }
}
