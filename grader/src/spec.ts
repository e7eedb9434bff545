/**
 * What an assignment is beyond its notebooks: which notebooks (`--notebooks 01,06` or an
 * assignment.json), points per question, a due date with a late policy, and a roster.
 *
 * assignment.json (paths relative to the file):
 *   {
 *     "solutions": "../solutions",
 *     "notebooks": ["01", "06"],                   // numbers, names or word prefixes of solutions/*.ipynb
 *     "points": { "06-intent-classifier/q1": 4 },  // optional: replaces a question's points
 *     "due": "2026-12-01T23:59:00+09:00",         // optional: ISO 8601 with a time zone
 *     "late": { "per_day": 0.1, "max": 0.5, "grace_minutes": 15 }
 *   }
 */
import { readFileSync } from "fs";
import path from "path";
import { studentId, studentNameProblem, printable } from "./submissions";

export interface LatePolicy {
  /** ISO 8601 due date, with its time zone. */
  due: string;
  /** Fraction of the notebook's points lost per started day late (default 0). */
  perDay: number;
  /** Largest fraction lost (default 1). */
  max: number;
  /** Minutes after the due date still counted on time (default 0). */
  graceMinutes: number;
}

export interface AssignmentSpec {
  /** Folder with the source notebooks. */
  solutions: string;
  /** Notebook selectors: a number ("01", "1"), a full name ("01-bert-concepts.ipynb") or a word prefix ("01-bert"); empty = all. */
  notebooks: string[];
  /** "notebook-without-.ipynb/grade_id" → points. */
  points: Record<string, number>;
  late?: LatePolicy;
  /** Where it came from, for messages. */
  file?: string;
}

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

export function parseLatePolicy(due: string, late: { per_day?: unknown; max?: unknown; grace_minutes?: unknown } | undefined, where: string): LatePolicy {
  if (!/(?:[zZ]|[+-]\d\d:?\d\d)$/.test(due) || Number.isNaN(Date.parse(due))) {
    fail(where, `due date "${due}" must be ISO 8601 with a time zone, e.g. 2026-12-01T23:59:00+09:00`);
  }
  const num = (v: unknown, name: string, fallback: number, max: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !(v >= 0 && v <= max)) fail(where, `late.${name} must be a number from 0 to ${max}, got ${JSON.stringify(v)}`);
    return v;
  };
  return { due: new Date(Date.parse(due)).toISOString(), perDay: num(late?.per_day, "per_day", 0, 1), max: num(late?.max, "max", 1, 1), graceMinutes: num(late?.grace_minutes, "grace_minutes", 0, 60 * 24 * 365) };
}

export function readAssignmentSpec(file: string): AssignmentSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(file, `not a readable JSON assignment (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(file, "must hold a JSON object");
  const o = raw as Record<string, unknown>;
  const known = new Set(["solutions", "notebooks", "points", "due", "late", "name"]);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(file, `unknown field "${k}" (known: ${[...known].join(", ")})`);
  if (typeof o.solutions !== "string") fail(file, `"solutions" must name the folder of source notebooks`);
  const notebooks = o.notebooks ?? [];
  if (!Array.isArray(notebooks) || !notebooks.every((n) => typeof n === "string" && n.length > 0)) fail(file, `"notebooks" must be a list of notebook numbers or names, e.g. ["01", "06"]`);
  const points: Record<string, number> = {};
  if (o.points !== undefined) {
    if (typeof o.points !== "object" || o.points === null || Array.isArray(o.points)) fail(file, `"points" must map "notebook/grade_id" to numbers`);
    for (const [k, v] of Object.entries(o.points as Record<string, unknown>)) {
      if (!/^[^/]+\/[A-Za-z0-9_-]+$/.test(k)) fail(file, `points key "${k}" must be "notebook/grade_id"`);
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) fail(file, `points["${k}"] must be a number >= 0`);
      points[k.replace(/\.ipynb\//, "/")] = v;
    }
  }
  if (o.late !== undefined && o.due === undefined) fail(file, `"late" needs a "due" date`);
  if (o.due !== undefined && typeof o.due !== "string") fail(file, `"due" must be an ISO 8601 date string`);
  const late = typeof o.due === "string" ? parseLatePolicy(o.due, o.late as Record<string, unknown> | undefined, file) : undefined;
  return { solutions: path.resolve(path.dirname(file), o.solutions), notebooks: notebooks as string[], points, late, file };
}

/**
 * Whether `selector` names notebook `name`: the full name (with or without .ipynb); a number, which
 * matches the notebook's leading number ("1" and "01" both pick 01-words.ipynb, never 10-later.ipynb);
 * or a prefix that ends where a word of the name ends ("01-words" picks 01-words-v2.ipynb, "01-w" nothing).
 */
function selects(name: string, selector: string): boolean {
  if (name === selector || name === `${selector}.ipynb`) return true;
  if (/^\d+$/.test(selector)) {
    const lead = /^(\d+)(?!\d)/.exec(name);
    return lead !== null && Number(lead[1]) === Number(selector);
  }
  return name.startsWith(selector) && /^([-_. ]|$)/.test(name.slice(selector.length));
}

/** `--notebooks 01,06`: picks notebooks by number, name or word prefix; every selector must match exactly one. */
export function selectNotebooks(names: string[], selectors: string[], where: string): string[] {
  if (selectors.length === 0) return names;
  const picked = new Set<string>();
  for (const sel of selectors) {
    const exact = names.filter((n) => n === sel || n === `${sel}.ipynb`);
    const matches = exact.length ? exact : names.filter((n) => selects(n, sel));
    if (matches.length === 0) fail(where, `no notebook matches "${sel}" (have: ${names.join(", ")})`);
    if (matches.length > 1) fail(where, `"${sel}" matches ${matches.length} notebooks (${matches.join(", ")}); give more of the name`);
    picked.add(matches[0]);
  }
  return names.filter((n) => picked.has(n));
}

/** Fraction of a notebook's points lost for handing it in at `submittedAt`. */
export function latePenalty(submittedAt: string | null | undefined, policy: LatePolicy | undefined): { penalty: number; daysLate: number } {
  if (!policy || !submittedAt) return { penalty: 0, daysLate: 0 };
  const late = Date.parse(submittedAt) - Date.parse(policy.due) - policy.graceMinutes * 60_000;
  if (!(late > 0)) return { penalty: 0, daysLate: 0 };
  const days = Math.ceil(late / 86_400_000);
  return { penalty: Math.min(policy.max, Math.round(days * policy.perDay * 1e6) / 1e6), daysLate: days };
}

/**
 * nbgrader's timestamp.txt ("2026-12-01 10:00:00.123456 UTC", or any ISO 8601 date with a zone).
 * Returns an ISO string, or throws naming the problem.
 */
export function parseTimestamp(text: string, where: string): string {
  const t = text.trim();
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(UTC|GMT|Z|[+-]\d\d:?\d\d)?$/.exec(t);
  if (!m) fail(where, `timestamp "${printable(t.slice(0, 60))}" is not a date like 2026-12-01 10:00:00 UTC`);
  const zone = !m[3] || m[3] === "UTC" || m[3] === "GMT" ? "Z" : m[3];
  const ms = Date.parse(`${m[1]}T${m[2].replace(/(\.\d{3})\d+$/, "$1")}${zone}`);
  if (Number.isNaN(ms)) fail(where, `timestamp "${t}" is not a valid date`);
  return new Date(ms).toISOString();
}

export interface RosterEntry {
  id: string;
  /** The id as written in the roster. */
  display: string;
  name: string;
  email: string;
}

/** Splits one CSV text (RFC 4180: quotes, doubled quotes, CRLF) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0].trim() === ""));
}

/** A roster CSV with a header naming at least `id` (also accepted: `name`, `email`). */
export function readRoster(file: string): RosterEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (e) {
    fail(file, `cannot read the roster (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows = parseCsv(text);
  if (rows.length === 0) fail(file, "the roster is empty; expected a header line id,name,email");
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col("id") < 0) fail(file, `the header line must name an "id" column (found: ${header.join(", ")})`);
  const seen = new Map<string, number>();
  return rows.slice(1).map((r, i) => {
    const line = i + 2;
    const display = (r[col("id")] ?? "").trim();
    const problem = studentNameProblem(display);
    if (problem) fail(`${file}, line ${line}`, `student id "${printable(display)}": ${problem}`);
    const id = studentId(display);
    if (seen.has(id)) fail(`${file}, line ${line}`, `student id "${display}" is already on line ${seen.get(id)}`);
    seen.set(id, line);
    const get = (name: string) => (col(name) >= 0 ? (r[col(name)] ?? "").trim() : "");
    return { id, display, name: get("name"), email: get("email") };
  });
}
