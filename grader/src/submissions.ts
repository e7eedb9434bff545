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
}

export interface Submission {
  student: string;
  files: SubmissionFile[];
}

const MAX_FILE = 50 * 2 ** 20;
const MAX_TOTAL = 200 * 2 ** 20;
const STUDENT_NAME = /^[A-Za-z0-9._@+-]+$/;

function checkName(student: string, where: string): void {
  if (!STUDENT_NAME.test(student) || student === "." || student === "..") {
    throw new Error(`${where}: submission folder "${student}" must be a plain name (letters, digits, . _ @ + -)`);
  }
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
        files.push({ path: relPath, data: readFileSync(full) });
      }
      // symlinks, sockets, devices: never copied
    }
  };
  walk("");
  return files;
}

function fromFolder(root: string): Submission[] {
  return readdirSync(root)
    .filter((name) => !name.startsWith(".") && statSync(path.join(root, name)).isDirectory() && !lstatSync(path.join(root, name)).isSymbolicLink())
    .sort()
    .map((student) => {
      checkName(student, root);
      return { student, files: readFolder(path.join(root, student), student) };
    });
}

function fromZip(file: string): Submission[] {
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
    checkName(student, file);
    const list = byStudent.get(student) ?? [];
    list.push({ path: rest.join("/"), data: entries[name] });
    byStudent.set(student, list);
  }
  names = [];
  return [...byStudent.entries()].map(([student, files]) => ({ student, files }));
}

export function readSubmissions(root: string): Submission[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new Error(`${root}: no such folder or zip file`);
  }
  if (st.isDirectory()) return fromFolder(root);
  if (root.toLowerCase().endsWith(".zip")) return fromZip(root);
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
