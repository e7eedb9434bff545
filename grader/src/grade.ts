/**
 * `bertlab-grader grade <submissions> --assignment solutions/ --out <dir>`: the whole pipeline for
 * a class. Each (student, notebook) is one job: working copy -> restore -> sandboxed kernel ->
 * score -> one gradebook transaction. Jobs run in parallel; already-graded ones are skipped, which
 * is what makes a killed run resumable.
 */
import { createHash, randomBytes } from "crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { mkdir, writeFile } from "fs/promises";
import os from "os";
import path from "path";
import { cellSource, formatNotebook, parseNotebook, readNotebook, type NbCell, type Notebook } from "bertlab/notebook";
import { createProgress } from "bertlab/progress";
import { cellTimeoutMs } from "bertlab/runner";
import { notebookLang } from "bertlab/check";
import { checkSource, listNotebooks, releaseNotebook, type Question } from "./assign";
import { executeGraded, errorSummary, type ExecuteOutcome } from "./execute";
import { Gradebook, type StoredCell } from "./gradebook";
import { isTestCell, nbgraderMeta } from "./nbgrader";
import { writeCsv } from "./report";
import { restore, type GradedCell } from "./restore";
import { chooseMode, courseReadPaths, defaultPolicy, exposedByLinks, installWrapper, kernelSandbox, libraryRoots, type SandboxMode, type SandboxPolicy } from "./sandbox";
import { creditOf, invalidRows, scoreOutcome, total, type Credit, type GradeRow, type GradeStatus } from "./score";
import { parseTimestamp, readAssignmentSpec, readRoster, selectNotebooks, type LatePolicy } from "./spec";
import { inShard, readSubmissions, studentId, type SkippedSubmission, type Submission } from "./submissions";

export interface ManualQuestion {
  gradeId: string;
  points: number;
  /** Index of the answer cell in the source notebook. */
  cell: number;
  cellType: "code" | "markdown" | "raw";
}

export interface AssignmentNotebook {
  name: string;
  source: Notebook;
  release: Notebook;
  /** Autograded questions (test cells), points as the assignment sets them. */
  questions: Question[];
  /** Questions graded by a person: nbgrader "manually graded answer" cells (grade and solution, e.g. markdown free text). */
  manual: ManualQuestion[];
  credit: Map<string, Credit>;
}

export interface Assignment {
  dir: string;
  notebooks: AssignmentNotebook[];
  fingerprint: string;
  late?: LatePolicy;
}

export interface AssignmentSelection {
  /** `--notebooks 01,06`: numbers, names or word prefixes (see selectNotebooks); empty or absent = every notebook in the folder. */
  notebooks?: string[];
  /** "notebook/grade_id" → points, replacing the source's. */
  points?: Record<string, number>;
  late?: LatePolicy;
}

/** Manually graded cells: nbgrader's "manually graded answer" (grade + solution), any cell type. */
export function manualQuestions(source: Notebook): ManualQuestion[] {
  const found: ManualQuestion[] = [];
  source.cells.forEach((cell, i) => {
    const meta = nbgraderMeta(cell);
    if (meta && meta.grade && !isTestCell(cell)) found.push({ gradeId: meta.grade_id, points: typeof meta.points === "number" ? meta.points : 0, cell: i, cellType: cell.cell_type });
  });
  return found;
}

/**
 * Loads the source notebooks of an assignment: a folder of notebooks, or an assignment.json
 * (see spec.ts) naming the folder, a subset of its notebooks, points, due date and late policy.
 */
export async function loadAssignment(dirOrSpec: string, selection: AssignmentSelection = {}): Promise<Assignment> {
  let dir = dirOrSpec;
  let sel = selection;
  if (dirOrSpec.toLowerCase().endsWith(".json")) {
    const spec = readAssignmentSpec(dirOrSpec);
    dir = spec.solutions;
    // Command-line choices win over the file's.
    sel = { notebooks: selection.notebooks?.length ? selection.notebooks : spec.notebooks, points: { ...spec.points, ...selection.points }, late: selection.late ?? spec.late };
  }
  const all = await listNotebooks(dir);
  if (all.length === 0) throw new Error(`${dir}: no .ipynb notebooks to grade against`);
  const names = selectNotebooks(all, sel.notebooks ?? [], dirOrSpec);
  const points = { ...(sel.points ?? {}) };
  const hash = createHash("sha256");
  const notebooks: AssignmentNotebook[] = [];
  for (const name of names) {
    const source = await readNotebook(path.join(dir, name));
    const stem = name.replace(/\.ipynb$/, "");
    const pointsOf = (gradeId: string, fallback: number) => {
      const key = `${stem}/${gradeId}`;
      const p = points[key];
      delete points[key];
      return p ?? fallback;
    };
    const questions = checkSource(source, name).map((q) => ({ ...q, points: pointsOf(q.gradeId, q.points) }));
    const manual = manualQuestions(source).map((q) => ({ ...q, points: pointsOf(q.gradeId, q.points) }));
    const credit = new Map(questions.map((q) => [q.gradeId, creditOf(source.cells[q.cell], `${name}, cell ${q.cell} (${q.gradeId})`)] as const));
    hash.update(name).update("\0").update(formatNotebook(source)).update("\0").update(JSON.stringify([...questions, ...manual].map((q) => [q.gradeId, q.points])));
    notebooks.push({ name, source, release: releaseNotebook(source, name), questions, manual, credit });
  }
  const unused = Object.keys(points);
  if (unused.length) throw new Error(`${dirOrSpec}: points given for questions that are not in the assignment: ${unused.join(", ")}`);
  return { dir, notebooks, fingerprint: hash.digest("hex"), late: sel.late };
}

export interface GradeOptions {
  submissions: string;
  /** The folder of source notebooks, or an assignment.json. */
  assignment: string;
  out: string;
  /** `--notebooks 01,06`: grade only these notebooks of the assignment. */
  notebooks?: string[];
  /** A roster CSV (id,name,email): students on it who handed nothing in appear as `missing`. */
  roster?: string;
  /** Parallel kernels (default: number of cores). */
  jobs?: number;
  /** Per-cell timeout, ms (default 60 000). */
  timeoutMs?: number;
  shard?: { k: number; n: number };
  sandbox?: SandboxMode | "auto";
  heapMb?: number;
  dataMb?: number;
  /** Extra folders kernels may read (course data, models). */
  allowRead?: string[];
  /** Re-grade what the gradebook already has. */
  force?: boolean;
  /** `--only STUDENT[/NOTEBOOK[/QUESTION]]`: grade (again) just these; repeatable. */
  only?: string[];
  /** Also grade again what ended in error, timeout or crash. */
  retryErrors?: boolean;
  /** Attempts after an infrastructure failure before it is stored as infrastructure_error (default 3). */
  retries?: number;
  /** First wait before a retry, doubled each time (default 2000 ms). */
  retryBackoffMs?: number;
  /** A command put in front of every kernel's (fault injection in tests; see ExecuteOptions). */
  kernelPrefix?: string[];
  quiet?: boolean;
}

export interface GradeSummary {
  jobs: number;
  graded: number;
  skipped: number;
  ms: number;
  /** Wall-clock ms of each notebook graded in this run. */
  notebookMs: number[];
  csv: string;
  gradebook: string;
  sandbox: string;
  warnings: string[];
  /** Notebooks that ended as infrastructure_error in this run (graded again next run). */
  infrastructureErrors: number;
  /** Kernel runs repeated because the machine, not the student, failed. */
  retried: number;
  /** (student, notebook) pairs with nothing handed in. */
  missing: number;
  /** Submission folders left out, with why. */
  skippedSubmissions: SkippedSubmission[];
}

/** Where the kernel resolves the harness: the same file `bertlab/check` loads, so they share one registry. */
export function harnessPath(): string {
  return path.join(libraryRoots().bertlab, "dist", "check", "grading.js");
}

function visibleCells(cells: GradedCell[], outcome: ExecuteOutcome | null, nb: AssignmentNotebook): StoredCell[] {
  const releaseById = new Map<string, NbCell>();
  for (const c of nb.release.cells) {
    const id = (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id;
    if (id) releaseById.set(id, c);
  }
  return cells.map((c, i) => {
    const run = outcome?.cells[i];
    const isTest = c.question !== undefined;
    const publicSource = c.origin !== "student" && c.gradeId && releaseById.has(c.gradeId) ? cellSource(releaseById.get(c.gradeId)!) : cellSource(c.cell);
    // A test cell's own output could echo hidden test code; keep only the error summary.
    const outputs = isTest
      ? run?.error
        ? [{ output_type: "stream", name: "stderr", text: errorSummary(run.error) }]
        : []
      : (run?.outputs ?? []);
    return { cellType: c.cell.cell_type, source: publicSource, origin: c.origin, gradeId: c.gradeId, question: c.question, status: run?.status ?? "not-run", ms: run?.ms ?? 0, outputs };
  });
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

interface Context {
  opts: GradeOptions;
  assignment: Assignment;
  book: Gradebook;
  policy: SandboxPolicy;
  wrapper: string;
  workRoot: string;
  nodeModules: string;
  harness: string;
  sandboxLabel: string;
  retried: number;
}

/** One (student, notebook) to grade; `question` narrows a regrade to one question's row. */
interface Unit {
  sub: Submission;
  nb: AssignmentNotebook;
  question?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** When the student handed a notebook in: nbgrader's timestamp.txt in their folder, else the notebook file's time. */
export function submissionTime(sub: Submission, notebook: string): string | null {
  const stamp = sub.files.find((f) => f.path === "timestamp.txt");
  if (stamp) return parseTimestamp(Buffer.from(stamp.data).toString("utf8"), `${sub.display}/timestamp.txt`);
  const file = sub.files.find((f) => f.path === notebook);
  return file?.mtimeMs !== undefined ? new Date(file.mtimeMs).toISOString() : null;
}

function manualRows(sub: string, nb: AssignmentNotebook, status: GradeStatus | null, reason: string): GradeRow[] {
  return nb.manual.map((q) => ({ submission: sub, notebook: nb.name, gradeId: q.gradeId, points: 0, maxPoints: q.points, status: status ?? "manual", reason: status ? reason : "awaiting manual grading", tests: [] }));
}

/** Rows in the order of their cells in the source notebook. */
function inCellOrder(nb: AssignmentNotebook, rows: GradeRow[]): GradeRow[] {
  const index = new Map<string, number>([...nb.questions, ...nb.manual].map((q) => [q.gradeId, q.cell]));
  return [...rows].sort((a, b) => (index.get(a.gradeId) ?? 0) - (index.get(b.gradeId) ?? 0));
}

/**
 * The per-cell limit for one notebook: the grader's (`--timeout`, default 60 s), raised to what the
 * instructor's source declares in its metadata (`bertlab.timeout`, seconds per cell: a notebook that
 * trains needs more). Only the source counts: a student cannot give their own copy more time.
 */
export function notebookTimeoutMs(nb: Pick<AssignmentNotebook, "source">, graderTimeoutMs: number | undefined): number {
  const base = graderTimeoutMs ?? 60_000;
  // The runner's reading of metadata.bertlab.timeout (index -1: no cell's own, the notebook's), never below ours.
  return Math.max(base, cellTimeoutMs(nb.source, -1, { defaultTimeoutMs: base }));
}

/** Runs one notebook; repeats the run while the machine, not the student, is to blame. */
async function runWithRetries(ctx: Context, sub: Submission, nb: AssignmentNotebook, student: Notebook, notes: string[]): Promise<{ outcome: ExecuteOutcome; restored: ReturnType<typeof restore>; infrastructure: string }> {
  const retries = ctx.opts.retries ?? 3;
  const backoff = ctx.opts.retryBackoffMs ?? 2000;
  for (let attempt = 0; ; attempt++) {
    // A fresh working copy per attempt: files a failed attempt wrote must not change the next.
    const work = path.join(ctx.workRoot, `${safeName(sub.student)}--${safeName(nb.name)}--${randomBytes(4).toString("hex")}`);
    try {
      mkdirSync(work, { recursive: true });
      for (const f of sub.files) {
        const dest = path.join(work, f.path);
        if (!dest.startsWith(work + path.sep)) continue;
        mkdirSync(path.dirname(dest), { recursive: true });
        writeFileSync(dest, f.data);
      }
      if (!existsSync(path.join(work, "node_modules"))) symlinkSync(ctx.nodeModules, path.join(work, "node_modules"));
      const restored = restore(nb.source, student, nb.name);
      const sandbox = kernelSandbox(ctx.policy, ctx.wrapper, work);
      // check()'s messages and hints in the edition's language: the instructor's source decides, not the student's copy.
      sandbox.env = { ...sandbox.env, BERTLAB_LANG: notebookLang(nb.source) ?? "en" };
      const outcome = await executeGraded(restored.cells, { sandbox, harness: ctx.harness, timeoutMs: notebookTimeoutMs(nb, ctx.opts.timeoutMs), kernelPrefix: ctx.opts.kernelPrefix });
      const overload = outcome.suspicions.find((x) => x.kind === "overload");
      const why = outcome.infrastructure ?? overload?.reason ?? outcome.suspicions[0]?.reason;
      if (!why) return { outcome, restored, infrastructure: "" };
      if (attempt >= retries) {
        // A kernel killed from outside every time is no accident: the student's code did it. Anything else stays the machine's.
        const infrastructure = outcome.infrastructure ?? overload?.reason ?? "";
        return { outcome, restored, infrastructure: infrastructure ? `${infrastructure} (${attempt + 1} attempts)` : "" };
      }
      notes.push(`attempt ${attempt + 1} not counted: ${why}`);
      ctx.retried++;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    // Exponential backoff with jitter, so graders that failed together do not retry together.
    await sleep(backoff * 2 ** attempt * (0.75 + Math.random() / 2));
  }
}

async function gradeOne(ctx: Context, unit: Unit): Promise<number> {
  const { sub, nb } = unit;
  const started = Date.now();
  let rows: GradeRow[];
  let cells: StoredCell[] = [];
  let notes: string[] = [];
  let graded: Notebook | null = null;
  const file = sub.files.find((f) => f.path === nb.name);
  let submittedAt: string | null = null;
  let student: Notebook | null = null;
  let invalid = "";
  if (file) {
    try {
      submittedAt = submissionTime(sub, nb.name);
    } catch (e) {
      notes.push(`${(e as Error).message}; the notebook file's time was used`);
      submittedAt = file.mtimeMs !== undefined ? new Date(file.mtimeMs).toISOString() : null;
    }
    try {
      student = parseNotebook(Buffer.from(file.data).toString("utf8"), `${sub.display}/${nb.name}`);
      if (student.nbformat !== 4) invalid = `nbformat ${student.nbformat} is not supported (need 4)`;
    } catch (e) {
      invalid = (e as Error).message;
    }
  }
  if (sub.unreadable) {
    rows = [...invalidRows(sub.student, nb.name, nb.questions, sub.unreadable), ...manualRows(sub.student, nb, "invalid", sub.unreadable)];
  } else if (!file) {
    const why = sub.files.length === 0 ? "nothing was handed in" : `${nb.name} was not handed in`;
    rows = [...invalidRows(sub.student, nb.name, nb.questions, why, "missing"), ...manualRows(sub.student, nb, "missing", why)];
  } else if (invalid || !student) {
    rows = [...invalidRows(sub.student, nb.name, nb.questions, invalid), ...manualRows(sub.student, nb, "invalid", invalid)];
  } else {
    const { outcome, restored, infrastructure } = await runWithRetries(ctx, sub, nb, student, notes);
    notes.push(...restored.notes, ...outcome.incidents.map((inc) => `${inc.status}: ${inc.reason}`));
    if (infrastructure) {
      const why = `not graded: ${infrastructure}; the next grade run tries again`;
      rows = [...invalidRows(sub.student, nb.name, nb.questions, why, "infrastructure_error"), ...manualRows(sub.student, nb, "infrastructure_error", why)];
    } else {
      rows = [...scoreOutcome(sub.student, nb.name, nb.questions, outcome, restored.questionNotes, nb.credit), ...manualRows(sub.student, nb, null, "")];
      cells = visibleCells(restored.cells, outcome, nb);
      graded = { ...nb.source, cells: restored.cells.map((c, i) => ({ ...c.cell, outputs: c.cell.cell_type === "code" ? outcome.cells[i].outputs : undefined })) };
    }
  }
  rows = inCellOrder(nb, rows);
  if (unit.question) {
    // A one-question regrade replaces that row only; the others keep what the gradebook had.
    const prior = ctx.book.records().find((r) => r.submission === sub.student && r.notebook === nb.name);
    if (prior && !prior.rows.some((r) => r.status === "infrastructure_error" || r.status === "missing")) {
      const fresh = rows.find((r) => r.gradeId === unit.question);
      rows = prior.rows.map((r) => (r.gradeId === unit.question && fresh ? fresh : r));
      notes = [...prior.notes.filter((n) => !n.startsWith(`regraded ${unit.question}`)), `regraded ${unit.question} on ${new Date().toISOString()}`];
    }
  }
  const ms = Date.now() - started;
  const { score, max } = total(rows);
  ctx.book.save({ submission: sub.student, notebook: nb.name, score, maxScore: max, ms, gradedAt: new Date().toISOString(), sandbox: ctx.sandboxLabel, notes, cells, rows, submittedAt, lang: notebookLang(nb.source) ?? "en" });
  if (graded) {
    // The instructor's copy, with hidden tests and every output: never shown to students. The id is a safe single path component (see submissions.ts).
    const dir = path.join(ctx.opts.out, "graded", sub.student);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, nb.name), formatNotebook(graded), "utf8");
  }
  return ms;
}

/**
 * Removes working copies left by runs that were killed: those made on this host by a process that
 * no longer exists. Folders of live runs, or of runs on other hosts sharing the folder, stay.
 */
function removeStaleWork(out: string): void {
  for (const entry of readdirSync(out)) {
    const m = /^\.work-(\d+)-[0-9a-f]+$/.exec(entry);
    const dir = path.join(out, entry);
    if (entry === ".work") {
      rmSync(dir, { recursive: true, force: true }); // the single shared folder of older versions
      continue;
    }
    if (!m) continue;
    let host = "";
    try {
      host = readFileSync(path.join(dir, "owner"), "utf8");
    } catch {
      continue;
    }
    if (host !== os.hostname()) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** `--only STUDENT[/NOTEBOOK[/QUESTION]]`, student compared in NFC and notebook as in --notebooks. */
export interface OnlySelector {
  student: string;
  notebook?: string;
  question?: string;
}

export function parseOnly(text: string): OnlySelector {
  // A student id cannot contain "/", so the first two slashes split the three parts.
  const [student, notebook, question, ...rest] = text.split("/");
  if (!student || rest.length > 0 || notebook === "" || question === "") throw new Error(`--only ${text}: expected STUDENT, STUDENT/NOTEBOOK or STUDENT/NOTEBOOK/QUESTION`);
  return { student: studentId(student), notebook, question };
}

function selectUnits(units: Unit[], selectors: OnlySelector[], assignment: Assignment, known: Set<string>): Unit[] {
  const picked: Unit[] = [];
  for (const sel of selectors) {
    if (!known.has(sel.student)) throw new Error(`--only ${sel.student}: no such student in the submissions or the roster`);
    const nbName = sel.notebook ? selectNotebooks(assignment.notebooks.map((n) => n.name), [sel.notebook], `--only ${sel.student}/${sel.notebook}`)[0] : undefined;
    if (sel.question) {
      const nb = assignment.notebooks.find((n) => n.name === nbName)!;
      if (!nb.questions.some((q) => q.gradeId === sel.question)) {
        const manual = nb.manual.some((q) => q.gradeId === sel.question);
        throw new Error(`--only ${sel.student}/${sel.notebook}/${sel.question}: ${manual ? "a manually graded question is scored with `bertlab-grader manual`" : `no autograded question "${sel.question}" in ${nb.name} (has: ${nb.questions.map((q) => q.gradeId).join(", ")})`}`);
      }
    }
    for (const u of units) {
      if (u.sub.student !== sel.student || (nbName && u.nb.name !== nbName)) continue;
      if (!picked.some((p) => p.sub.student === u.sub.student && p.nb.name === u.nb.name)) picked.push({ ...u, question: sel.question });
    }
  }
  return picked;
}

export async function grade(opts: GradeOptions): Promise<GradeSummary> {
  const started = Date.now();
  const assignment = await loadAssignment(opts.assignment, { notebooks: opts.notebooks });
  const out = path.resolve(opts.out);
  await mkdir(out, { recursive: true });
  const roster = opts.roster ? readRoster(opts.roster) : undefined;
  const book = new Gradebook(path.join(out, "gradebook.sqlite"));
  try {
    book.bindAssignment(assignment.fingerprint);
    book.setLatePolicy(assignment.late);
    const skippedSubmissions: SkippedSubmission[] = [];
    const onSkip = (s: SkippedSubmission) => {
      skippedSubmissions.push(s);
      if (!opts.quiet) console.error(`bertlab-grader: ${s.reason}`);
    };
    let subs = readSubmissions(opts.submissions, onSkip);
    const warnings: string[] = [];
    if (roster) {
      const onRoster = new Set(roster.map((r) => r.id));
      for (const s of subs) if (!onRoster.has(s.student)) warnings.push(`submission "${s.display}" is not on the roster ${opts.roster}; graded anyway`);
      // Students on the roster who handed nothing in: no files, so every notebook is `missing`.
      const handedIn = new Set(subs.map((s) => s.student));
      subs = [...subs, ...roster.filter((r) => !handedIn.has(r.id)).map((r) => ({ student: r.id, display: r.display, files: [] }))].sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
    }
    if (opts.shard) {
      const shard = opts.shard;
      subs = subs.filter((s) => inShard(s.student, shard));
      book.setMeta(`shard`, `${shard.k}/${shard.n}`);
    }
    for (const s of subs) {
      const r = roster?.find((e) => e.id === s.student);
      book.saveStudent({ id: s.student, display: r && s.files.length === 0 ? r.display : s.display, name: r?.name ?? "", email: r?.email ?? "", onRoster: r !== undefined });
    }
    const units: Unit[] = subs.flatMap((s) => assignment.notebooks.map((nb) => ({ sub: s, nb })));
    let todo: Unit[];
    if (opts.only?.length) {
      const known = new Set(subs.map((s) => s.student));
      todo = selectUnits(units, opts.only.map(parseOnly), assignment, known);
    } else {
      todo = units.filter((u) => opts.force || book.needsGrading(u.sub.student, u.nb.name, opts.retryErrors ?? false));
    }

    const mode = chooseMode(opts.sandbox ?? "auto");
    // What kernels must not see: the gradebook, the hidden tests (this assignment's and the course's
    // solutions/), the other submissions (a folder, or the zip file itself).
    const courseSolutions = path.join(path.dirname(libraryRoots().nodeModules), "solutions");
    const hide = [...new Set([out, path.resolve(assignment.dir), courseSolutions, path.resolve(opts.submissions)])].filter((p) => existsSync(p));
    const policy: SandboxPolicy = {
      ...defaultPolicy(mode),
      ...(opts.heapMb ? { heapMb: opts.heapMb } : {}),
      ...(opts.dataMb ? { dataMb: opts.dataMb } : {}),
      readPaths: [...courseReadPaths(), ...(opts.allowRead ?? []).map((p) => path.resolve(p))],
      hidePaths: hide,
    };
    if (mode === "node") {
      for (const p of exposedByLinks(hide)) {
        warnings.push(`without bubblewrap, student code can read ${p} through symlinks in node_modules; install bubblewrap or keep it outside ${path.dirname(libraryRoots().nodeModules)}`);
      }
    }
    if (mode === "none") warnings.push("--sandbox none: student code runs with your permissions");
    if (!opts.quiet) for (const w of warnings) console.error(`bertlab-grader: warning: ${w}`);
    // Its own work folder per run: two graders writing into one --out must not delete each other's working copies.
    removeStaleWork(out);
    const workRoot = path.join(out, `.work-${process.pid}-${randomBytes(3).toString("hex")}`);
    mkdirSync(workRoot, { recursive: true });
    writeFileSync(path.join(workRoot, "owner"), os.hostname());
    const ctx: Context = {
      opts: { ...opts, out },
      assignment,
      book,
      policy,
      wrapper: installWrapper(workRoot),
      workRoot,
      nodeModules: libraryRoots().nodeModules,
      harness: harnessPath(),
      sandboxLabel: kernelSandbox(policy, path.join(workRoot, "kernel-sandbox.sh"), workRoot).describe,
      retried: 0,
    };

    const jobs = Math.max(1, opts.jobs ?? os.cpus().length);
    const progress = createProgress({ label: "grading", total: todo.length, unit: "notebook", ...(opts.quiet ? { mode: "silent" as const } : {}) });
    const notebookMs: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const unit = todo[next++];
        notebookMs.push(await gradeOne(ctx, unit));
        progress.tick(1, { last: unit.sub.display });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, worker));
    } finally {
      rmSync(workRoot, { recursive: true, force: true });
    }
    progress.finish();
    const csv = path.join(out, "grades.csv");
    const rows = book.rows();
    await writeCsv(csv, rows);
    const thisRun = new Set(todo.map((u) => `${u.sub.student}\0${u.nb.name}`));
    const infra = new Set(rows.filter((r) => r.status === "infrastructure_error" && thisRun.has(`${r.submission}\0${r.notebook}`)).map((r) => `${r.submission}\0${r.notebook}`));
    const missing = new Set(rows.filter((r) => r.status === "missing").map((r) => `${r.submission}\0${r.notebook}`));
    return {
      jobs,
      graded: todo.length,
      skipped: units.length - todo.length,
      ms: Date.now() - started,
      notebookMs,
      csv,
      gradebook: book.file,
      sandbox: ctx.sandboxLabel,
      warnings,
      infrastructureErrors: infra.size,
      retried: ctx.retried,
      missing: missing.size,
      skippedSubmissions,
    };
  } finally {
    book.close();
  }
}
