/**
 * `bertlab-grader grade <submissions> --assignment solutions/ --out <dir>`: the whole pipeline for
 * a class. Each (student, notebook) is one job: working copy -> restore -> sandboxed kernel ->
 * score -> one gradebook transaction. Jobs run in parallel; already-graded ones are skipped, which
 * is what makes a killed run resumable.
 */
import { createHash, randomBytes } from "crypto";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { mkdir, writeFile } from "fs/promises";
import os from "os";
import path from "path";
import { cellSource, formatNotebook, parseNotebook, readNotebook, type NbCell, type Notebook } from "bertlab/dist/notebook";
import { createProgress } from "bertlab/dist/progress";
import { checkSource, listNotebooks, releaseNotebook, type Question } from "./assign";
import { executeGraded, errorSummary, type ExecuteOutcome } from "./execute";
import { Gradebook, type StoredCell } from "./gradebook";
import { writeCsv } from "./report";
import { restore, type GradedCell } from "./restore";
import { chooseMode, courseReadPaths, defaultPolicy, exposedByLinks, installWrapper, kernelSandbox, libraryRoots, type SandboxMode, type SandboxPolicy } from "./sandbox";
import { invalidRows, scoreOutcome, total, type GradeRow } from "./score";
import { inShard, readSubmissions, type Submission } from "./submissions";

export interface AssignmentNotebook {
  name: string;
  source: Notebook;
  release: Notebook;
  questions: Question[];
}

export interface Assignment {
  dir: string;
  notebooks: AssignmentNotebook[];
  fingerprint: string;
}

export async function loadAssignment(dir: string): Promise<Assignment> {
  const names = await listNotebooks(dir);
  if (names.length === 0) throw new Error(`${dir}: no .ipynb notebooks to grade against`);
  const hash = createHash("sha256");
  const notebooks: AssignmentNotebook[] = [];
  for (const name of names) {
    const source = await readNotebook(path.join(dir, name));
    const questions = checkSource(source, name);
    hash.update(name).update("\0").update(formatNotebook(source));
    notebooks.push({ name, source, release: releaseNotebook(source, name), questions });
  }
  return { dir, notebooks, fingerprint: hash.digest("hex") };
}

export interface GradeOptions {
  submissions: string;
  assignment: string;
  out: string;
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
}

async function gradeOne(ctx: Context, sub: Submission, nb: AssignmentNotebook): Promise<number> {
  const started = Date.now();
  const work = path.join(ctx.workRoot, `${safeName(sub.student)}--${safeName(nb.name)}--${randomBytes(4).toString("hex")}`);
  let rows: GradeRow[];
  let cells: StoredCell[] = [];
  let notes: string[] = [];
  let graded: Notebook | null = null;
  try {
    const file = sub.files.find((f) => f.path === nb.name);
    let student: Notebook | null = null;
    let invalid = "";
    if (!file) invalid = `${nb.name} was not submitted`;
    else {
      try {
        student = parseNotebook(Buffer.from(file.data).toString("utf8"), `${sub.student}/${nb.name}`);
        if (student.nbformat !== 4) invalid = `nbformat ${student.nbformat} is not supported (need 4)`;
      } catch (e) {
        invalid = (e as Error).message;
      }
    }
    if (invalid || !student) {
      rows = invalidRows(sub.student, nb.name, nb.questions, invalid);
    } else {
      mkdirSync(work, { recursive: true });
      for (const f of sub.files) {
        const dest = path.join(work, f.path);
        if (!dest.startsWith(work + path.sep)) continue;
        mkdirSync(path.dirname(dest), { recursive: true });
        writeFileSync(dest, f.data);
      }
      if (!existsSync(path.join(work, "node_modules"))) symlinkSync(ctx.nodeModules, path.join(work, "node_modules"));
      const restored = restore(nb.source, student, nb.name);
      notes = restored.notes;
      const sandbox = kernelSandbox(ctx.policy, ctx.wrapper, work);
      const outcome = await executeGraded(restored.cells, { sandbox, harness: ctx.harness, timeoutMs: ctx.opts.timeoutMs ?? 60_000 });
      notes.push(...outcome.incidents.map((inc) => `${inc.status}: ${inc.reason}`));
      rows = scoreOutcome(sub.student, nb.name, nb.questions, outcome, restored.questionNotes);
      cells = visibleCells(restored.cells, outcome, nb);
      graded = { ...nb.source, cells: restored.cells.map((c, i) => ({ ...c.cell, outputs: c.cell.cell_type === "code" ? outcome.cells[i].outputs : undefined })) };
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const ms = Date.now() - started;
  const { score, max } = total(rows);
  ctx.book.save({ submission: sub.student, notebook: nb.name, score, maxScore: max, ms, gradedAt: new Date().toISOString(), sandbox: ctx.sandboxLabel, notes, cells, rows });
  if (graded) {
    // The instructor's copy, with hidden tests and every output: never shown to students.
    const dir = path.join(ctx.opts.out, "graded", safeName(sub.student));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, nb.name), formatNotebook(graded), "utf8");
  }
  return ms;
}

export async function grade(opts: GradeOptions): Promise<GradeSummary> {
  const started = Date.now();
  const assignment = await loadAssignment(opts.assignment);
  const out = path.resolve(opts.out);
  await mkdir(out, { recursive: true });
  const book = new Gradebook(path.join(out, "gradebook.sqlite"));
  try {
    book.bindAssignment(assignment.fingerprint);
    let subs = readSubmissions(opts.submissions);
    if (opts.shard) {
      const shard = opts.shard;
      subs = subs.filter((s) => inShard(s.student, shard));
      book.setMeta(`shard`, `${shard.k}/${shard.n}`);
    }
    const units = subs.flatMap((s) => assignment.notebooks.map((nb) => ({ sub: s, nb })));
    const todo = units.filter((u) => opts.force || !book.isGraded(u.sub.student, u.nb.name));

    const mode = chooseMode(opts.sandbox ?? "auto");
    // What kernels must not see: the gradebook, the hidden tests (this assignment's and the course's
    // solutions/), the other submissions (a folder, or the zip file itself).
    const courseSolutions = path.join(path.dirname(libraryRoots().nodeModules), "solutions");
    const hide = [...new Set([out, path.resolve(opts.assignment), courseSolutions, path.resolve(opts.submissions)])].filter((p) => existsSync(p));
    const policy: SandboxPolicy = {
      ...defaultPolicy(mode),
      ...(opts.heapMb ? { heapMb: opts.heapMb } : {}),
      ...(opts.dataMb ? { dataMb: opts.dataMb } : {}),
      readPaths: [...courseReadPaths(), ...(opts.allowRead ?? []).map((p) => path.resolve(p))],
      hidePaths: hide,
    };
    const warnings: string[] = [];
    if (mode === "node") {
      for (const p of exposedByLinks(hide)) {
        warnings.push(`without bubblewrap, student code can read ${p} through symlinks in node_modules; install bubblewrap or keep it outside ${path.dirname(libraryRoots().nodeModules)}`);
      }
    }
    if (mode === "none") warnings.push("--sandbox none: student code runs with your permissions");
    if (!opts.quiet) for (const w of warnings) console.error(`bertlab-grader: warning: ${w}`);
    const workRoot = path.join(out, ".work");
    mkdirSync(workRoot, { recursive: true });
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
    };

    const jobs = Math.max(1, opts.jobs ?? os.cpus().length);
    const progress = createProgress({ label: "grading", total: todo.length, unit: "notebook", ...(opts.quiet ? { mode: "silent" as const } : {}) });
    const notebookMs: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const unit = todo[next++];
        notebookMs.push(await gradeOne(ctx, unit.sub, unit.nb));
        progress.tick(1, { last: unit.sub.student });
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, worker));
    progress.finish();
    const csv = path.join(out, "grades.csv");
    await writeCsv(csv, book.rows());
    rmSync(workRoot, { recursive: true, force: true });
    return { jobs, graded: todo.length, skipped: units.length - todo.length, ms: Date.now() - started, notebookMs, csv, gradebook: book.file, sandbox: ctx.sandboxLabel, warnings };
  } finally {
    book.close();
  }
}
