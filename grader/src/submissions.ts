/**
 * Finds submissions: `<root>/<student>/<notebook>.ipynb`, where root is a folder or a .zip of that
 * layout (one extra top-level folder in the zip, as "Download all" tools make, is tolerated).
 * Each student's other regular files travel with the notebook into its working copy; symlinks never
 * do (they could point at the gradebook or the hidden tests).
 */
import { createHash } from "crypto";
import { lstatSync, readFileSync, readdirSync, statSync } from "fs";
import path from "path";
import { unzipSync } from "fflate";

export interface SubmissionFile {
  /** Path inside the student's folder, "/"-separated. */
  path: string;
  data: Uint8Array;
  /** Last modification time, when the source keeps one (folders do; zips are read without it). */
  mtimeMs?: number;
}

export interface Submission {
  /** The student's id: the folder name in Unicode NFC, so "이서연" typed on macOS (NFD) and Linux (NFC) is one student. */
  student: string;
  /** The folder name exactly as given, for display. */
  display: string;
  files: SubmissionFile[];
  /** Why the folder could not be read (e.g. too large); its notebooks are then graded `invalid`. */
  unreadable?: string;
}

/** A folder that could not be a student id; only it is skipped, never the whole run. */
export interface SkippedSubmission {
  name: string;
  reason: string;
}

const MAX_FILE = 50 * 2 ** 20;
const MAX_TOTAL = 200 * 2 ** 20;
/** Control characters, C0 and C1, DEL, and Unicode line/paragraph separators: never part of a name. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Shows a name with its control characters escaped, for error lines. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Why a folder name cannot be a student id, or null when it can. Any Unicode name a file system
 * accepts is fine (Korean, accents, spaces); only what could escape a folder or garble a CSV is not.
 */
export function studentNameProblem(name: string): string | null {
  if (name.length === 0) return "the name is empty";
  if (name === "." || name === "..") return `"${name}" is not a folder name`;
  if (name.includes("/")) return 'the name contains "/"';
  if (CONTROL.test(name)) return "the name contains control characters";
  return null;
}

/** The stored form of a student id: NFC, so the same name typed on two systems is one student. */
export function studentId(name: string): string {
  return name.normalize("NFC");
}

function readFolder(dir: string, student: string): SubmissionFile[] {
  const files: SubmissionFile[] = [];
  let total = 0;
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel))) {
      if (entry === ".ipynb_checkpoints" || entry === "node_modules") continue;
      const relPath = rel ? `${rel}/${entry}` : entry;
      const full = path.join(dir, relPath);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(relPath);
      else if (st.isFile()) {
        if (st.size > MAX_FILE) continue;
        total += st.size;
        if (total > MAX_TOTAL) throw new Error(`${student}: submission is larger than ${MAX_TOTAL / 2 ** 20} MB`);
        files.push({ path: relPath, data: readFileSync(full), mtimeMs: st.mtimeMs });
      }
      // symlinks, sockets, devices: never copied
    }
  };
  walk("");
  return files;
}

type OnSkip = (skipped: SkippedSubmission) => void;

/** Adds a submission unless its name is unusable or its NFC form repeats another's (both skipped with a reason). */
function collect(list: Submission[], display: string, files: () => SubmissionFile[], where: string, onSkip: OnSkip): void {
  const problem = studentNameProblem(display);
  if (problem) {
    onSkip({ name: printable(display), reason: `${where}: submission folder "${printable(display)}" skipped: ${problem}` });
    return;
  }
  const student = studentId(display);
  const twin = list.find((s) => s.student === student);
  if (twin) {
    onSkip({ name: display, reason: `${where}: submission folder "${display}" skipped: it is the same name as "${twin.display}" in another Unicode form` });
    return;
  }
  let read: SubmissionFile[];
  try {
    read = files();
  } catch (e) {
    // Too large or unreadable: this student's problem alone, never the whole run's. Kept, so that
    // their notebooks show up as `invalid` with the reason, rather than as `missing`.
    list.push({ student, display, files: [], unreadable: (e as Error).message });
    return;
  }
  list.push({ student, display, files: read });
}

function fromFolder(root: string, onSkip: OnSkip): Submission[] {
  const list: Submission[] = [];
  const names = readdirSync(root)
    .filter((name) => !name.startsWith(".") && statSync(path.join(root, name)).isDirectory() && !lstatSync(path.join(root, name)).isSymbolicLink())
    .sort();
  for (const name of names) collect(list, name, () => readFolder(path.join(root, name), name), root, onSkip);
  return list.sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
}

function fromZip(file: string, onSkip: OnSkip): Submission[] {
  let entries: Record<string, Uint8Array>;
  let total = 0;
  try {
    entries = unzipSync(readFileSync(file), {
      filter: (f) => {
        total += f.originalSize;
        if (f.originalSize > MAX_FILE) return false;
        if (total > MAX_TOTAL * 4) throw new Error(`uncompressed size exceeds ${(MAX_TOTAL * 4) / 2 ** 20} MB`);
        return !f.name.endsWith("/");
      },
    });
  } catch (e) {
    throw new Error(`${file}: not a readable zip archive (${(e as Error).message})`);
  }
  let names = Object.keys(entries).filter((n) => !n.split("/").some((part) => part === ".." || part === ".ipynb_checkpoints" || part === "__MACOSX") && !n.startsWith("/"));
  // One shared top folder (e.g. "submissions/alice/hw1.ipynb"): strip it.
  const tops = new Set(names.map((n) => n.split("/")[0]));
  const strip = tops.size === 1 && names.every((n) => n.split("/").length >= 3);
  const byStudent = new Map<string, SubmissionFile[]>();
  for (const name of names.sort()) {
    const parts = name.split("/").slice(strip ? 1 : 0);
    if (parts.length < 2) continue; // a file at the top level belongs to no student
    const [student, ...rest] = parts;
    const list = byStudent.get(student) ?? [];
    list.push({ path: rest.join("/"), data: entries[name] });
    byStudent.set(student, list);
  }
  names = [];
  const list: Submission[] = [];
  for (const [display, files] of byStudent) collect(list, display, () => files, file, onSkip);
  return list.sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
}

/**
 * Reads every submission under `root`. A folder whose name cannot be a student id is reported to
 * `onSkip` (default: a line on stderr) and left out; the others are read as usual.
 */
export function readSubmissions(root: string, onSkip: OnSkip = (s) => console.error(`bertlab-grader: ${s.reason}`)): Submission[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new Error(`${root}: no such folder or zip file`);
  }
  if (st.isDirectory()) return fromFolder(root, onSkip);
  if (root.toLowerCase().endsWith(".zip")) return fromZip(root, onSkip);
  throw new Error(`${root}: submissions must be a folder or a .zip file`);
}

/** `--shard k/n`: the k-th of n disjoint slices (1-based), by a hash of the student's name, so shards stay stable when submissions are added. */
export function parseShard(text: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new Error(`--shard ${text}: expected k/n, e.g. 1/4`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new Error(`--shard ${text}: need 1 <= k <= n`);
  return { k, n };
}

export function inShard(student: string, shard: { k: number; n: number }): boolean {
  return createHash("sha256").update(student).digest().readUInt32BE(0) % shard.n === shard.k - 1;
}
