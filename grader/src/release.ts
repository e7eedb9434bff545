/**
 * `bertlab-grader release <course> --out DIR`: what students get, like nbgrader's release folder.
 * The course checkout is copied without what only instructors may see (solutions/, the percent-format
 * sources in notebooks/src/ that hold the solutions, the test suite, benchmarks, CI), and the copy is
 * then searched for every solution region and hidden test of the solutions: if any of them appears
 * in a file of the release, nothing is written and the error names the question and the file.
 */
import { spawnSync } from "child_process";
import fs from "fs";
import path from "path";
import { readNotebook } from "bertlab/notebook";
import { findRegions, isTestCell, MARKERS, nbgraderMeta, sourceLines } from "./nbgrader";

/** Paths (relative to the course, "/"-separated) never released: instructor material and build output. */
export const INSTRUCTOR_ONLY: readonly string[] = [
  ".git",
  ".ci",
  "node_modules",
  "solutions",
  "notebooks/src",
  "test",
  "test-artifacts",
  "bench",
  "scripts/build-notebooks.ts",
  "scripts/make_reference.py",
];
const NEVER_COPIED = /(^|\/)(dist|checkpoints|\.bertlab-cache)(\/|$)|\.tsbuildinfo$|(^|\/)src\/native\/build(\/|$)/;
/** npm scripts that need instructor-only files; the release's package.json leaves them out. */
const INSTRUCTOR_SCRIPTS = /(^|\s)(bench\/|test\/|scripts\/build-notebooks|mocha\b|notebooks\/src)/;

/** A piece of an answer or of a hidden test, as it stands in the instructor's notebook. */
export interface Secret {
  /** "solutions/06-intent-classifier.ipynb q3-solution (solution)" */
  where: string;
  /** Its lines, trimmed, blank and comment-only lines dropped. */
  lines: string[];
}

/** Lines that identify a secret: short or generic lines ("}", "return x;") would match anywhere. */
const DISTINCTIVE = (line: string): boolean => line.length >= 20 && !/^(\/\/|\*|\/\*)/.test(line);

/** Every solution region and hidden test of the solution notebooks under `dir` (recursively). */
export async function secretsOf(dir: string, label = path.basename(dir)): Promise<Secret[]> {
  const secrets: Secret[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) secrets.push(...(await secretsOf(p, `${label}/${entry.name}`)));
    if (!entry.isFile() || !entry.name.endsWith(".ipynb")) continue;
    const nb = await readNotebook(p);
    nb.cells.forEach((cell, i) => {
      const meta = nbgraderMeta(cell);
      if (!meta) return;
      const where = `${label}/${entry.name} ${meta.grade_id}`;
      const lines = sourceLines(cell);
      const take = (kind: string, begin: string, end: string): void => {
        for (const r of findRegions(lines, begin, end, `${where}, cell ${i}`)) {
          secrets.push({ where: `${where} (${kind})`, lines: clean(lines.slice(r.begin + 1, r.end)) });
        }
      };
      if (meta.solution) {
        const hasMarkers = lines.some((l) => l.trim().startsWith(MARKERS.beginSolution));
        // A cell without markers is all answer (an explanation in words, a whole function).
        if (hasMarkers) take("solution", MARKERS.beginSolution, MARKERS.endSolution);
        else secrets.push({ where: `${where} (answer)`, lines: clean(lines) });
      }
      if (isTestCell(cell)) take("hidden test", MARKERS.beginHidden, MARKERS.endHidden);
    });
  }
  return secrets.filter((s) => s.lines.some(DISTINCTIVE));
}

function clean(lines: string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//"));
}

/** Text as it may appear in a file: in a notebook's JSON a line is escaped; compare both forms. */
function forms(line: string): string[] {
  const json = JSON.stringify(line).slice(1, -1);
  return json === line ? [line] : [line, json];
}

/** The secrets whose distinctive lines all appear in `text` (a whole region, not one common line). */
export function leaksIn(text: string, secrets: readonly Secret[]): Secret[] {
  return secrets.filter((s) => {
    const distinctive = s.lines.filter(DISTINCTIVE);
    return distinctive.length > 0 && distinctive.every((line) => forms(line).some((f) => text.includes(f)));
  });
}

export interface ReleaseSummary {
  out: string;
  files: number;
  bytes: number;
  /** Solution regions and hidden tests searched for, none found. */
  secretsChecked: number;
}

/**
 * Files of the course that go to students (relative, "/"-separated), sorted. In a git checkout,
 * only files git tracks or would track (not ignored ones: unpacked corpora, local runs, caches).
 */
export function releasedFiles(course: string): string[] {
  const git = spawnSync("git", ["-C", course, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" });
  const known = git.status === 0 && fs.existsSync(path.join(course, ".git")) ? new Set(git.stdout.split("\0").filter(Boolean)) : undefined;
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(course, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (INSTRUCTOR_ONLY.includes(r) || NEVER_COPIED.test(r)) continue;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile() && (!known || known.has(r))) files.push(r);
      // Symlinks are never copied: they could point at the solutions.
    }
  };
  walk("");
  return files;
}

/** package.json without the scripts that need instructor-only files. */
function studentPackageJson(text: string): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  if (pkg.scripts) {
    pkg.scripts = Object.fromEntries(Object.entries(pkg.scripts).filter(([name, cmd]) => name !== "test" && !INSTRUCTOR_SCRIPTS.test(cmd)));
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const RELEASE_NOTE =
  "> **Student release.** The lessons, the exercises, the library, the data and the model, without the solutions or\n" +
  "> the hidden tests. Set up with `npm install`, then `npm start`; check an exercise with\n" +
  "> `npx bertlab-grader validate exercises/01-bert-concepts.ipynb`.\n\n";

/**
 * Writes the student release of `course` to `out` (which must not exist yet). All of it is written
 * to a temporary folder first and checked; only a clean release is moved into place.
 */
export async function release(course: string, out: string, opts: { solutions?: string } = {}): Promise<ReleaseSummary> {
  const root = path.resolve(course);
  const target = path.resolve(out);
  if (!fs.existsSync(path.join(root, "package.json"))) throw new Error(`${root}: not a course checkout (no package.json)`);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; give a new folder, so that nothing of an older release is mixed in`);
  if (`${target}${path.sep}`.startsWith(`${root}${path.sep}`)) throw new Error(`${target} is inside the course; write the release outside it`);
  const solutions = path.resolve(opts.solutions ?? path.join(root, "solutions"));
  if (!fs.existsSync(solutions)) throw new Error(`${solutions}: no solutions folder to check the release against (give --solutions DIR)`);
  const secrets = await secretsOf(solutions, path.relative(root, solutions) || "solutions");
  if (secrets.length === 0) throw new Error(`${solutions}: no solution or hidden test found, so the release could not be checked`);

  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.tmp-`));
  try {
    let bytes = 0;
    const files = releasedFiles(root);
    const leaks: string[] = [];
    for (const rel of files) {
      const src = path.join(root, rel);
      const dst = path.join(tmp, rel);
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      let content = fs.readFileSync(src);
      if (rel === "package.json") content = Buffer.from(studentPackageJson(content.toString("utf8")));
      if (rel === "README.md" || rel === "README.ko.md") content = Buffer.from(RELEASE_NOTE + content.toString("utf8"));
      fs.writeFileSync(dst, content);
      fs.chmodSync(dst, fs.statSync(src).mode & 0o777);
      bytes += content.length;
      // Text files only: weights and compressed corpora cannot hold a readable answer.
      if (content.includes(0)) continue;
      for (const s of leaksIn(content.toString("utf8"), secrets)) leaks.push(`${s.where} appears in ${rel}`);
    }
    if (leaks.length > 0) {
      throw new Error(`the release would give away answers, so nothing was written:\n  ${leaks.join("\n  ")}\nRemove them from those files (or change the question) and release again.`);
    }
    fs.renameSync(tmp, target);
    return { out: target, files: files.length, bytes, secretsChecked: secrets.length };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
