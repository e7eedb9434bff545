/**
 * Builds the course notebooks from their readable sources (percent format, as jupytext writes it):
 *
 *   notebooks/src/<name>.ts            -> notebooks/<name>.ipynb   (lessons)
 *   notebooks/src/solutions/<name>.ts  -> solutions/<name>.ipynb   (exercise sources, with answers)
 *                                      -> exercises/<name>.ipynb   (student copies, via the grader's release)
 *
 * A source is TypeScript split into cells by marker lines:
 *
 *   // %% [markdown]            a markdown cell; its lines are written as "// text"
 *   // %%                       a code cell
 *   // %% test id=q1 points=2   nbgrader metadata (solution notebooks): test | solution | locked, id=<grade_id>
 *   // %% [markdown] solution id=q3-answer points=2   an answer your instructor grades by hand (nbgrader's manually graded answer)
 *   // %% [markdown] lang=ko    the Korean twin of the markdown cell just before it
 *
 * Two editions come from one source: the English one skips the `lang=ko` cells; the Korean one
 * (notebooks/ko/, solutions/ko/, exercises/ko/) puts each twin in place of its English cell. Code
 * cells are shared, so the editions cannot drift. A source gets a Korean edition once it has any
 * Korean cell; `missingKoreanTwins` lists the English markdown cells still without one.
 *
 * In solution notebooks every cell gets nbgrader metadata (schema v3); cells without a role are locked.
 * Outputs are always cleared. `--check` writes nothing and exits 1 if any built file is out of date.
 *
 *   npx tsx scripts/build-notebooks.ts [--check] [name-prefix...]
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { formatNotebook, newNotebook, type NbCell, type Notebook } from "../src/notebook";
import { releaseNotebook } from "../grader/src/assign";

const ROOT = path.resolve(__dirname, "..");
const LESSON_SRC = path.join(ROOT, "notebooks", "src");
const SOLUTION_SRC = path.join(LESSON_SRC, "solutions");

export interface BuiltFile {
  file: string;
  text: string;
}

type Role = "test" | "solution" | "locked";

export type Lang = "en" | "ko";

interface Marker {
  kind: "code" | "markdown";
  role?: Role;
  id?: string;
  points?: number;
  lang?: Lang;
}

const MARKER = /^\/\/ %%(.*)$/;

function parseMarker(rest: string, where: string): Marker {
  const words = rest.trim().split(/\s+/).filter((w) => w !== "");
  const marker: Marker = { kind: "code" };
  for (const w of words) {
    if (w === "[markdown]") marker.kind = "markdown";
    else if (w === "test" || w === "solution" || w === "locked") marker.role = w;
    else if (w.startsWith("id=")) marker.id = w.slice(3);
    else if (w.startsWith("lang=")) {
      const lang = w.slice(5);
      if (lang !== "ko") throw new Error(`${where}: lang=${lang} is not an edition (the source's own text is English; twins are lang=ko)`);
      marker.lang = lang;
    }
    else if (w.startsWith("points=")) {
      marker.points = Number(w.slice(7));
      if (!(marker.points >= 0)) throw new Error(`${where}: points must be a number >= 0, got "${w.slice(7)}"`);
    } else throw new Error(`${where}: unknown word "${w}" on the cell marker (expected [markdown], test, solution, locked, id=..., points=...)`);
  }
  if (marker.role === "test" && marker.points === undefined) throw new Error(`${where}: a test cell needs points=N`);
  if (marker.role === "test" && marker.kind === "markdown") throw new Error(`${where}: a markdown cell cannot be a test cell`);
  if (marker.points !== undefined && marker.role !== "test" && marker.role !== "solution") throw new Error(`${where}: points=N belongs on a test cell, or on a solution cell that your instructor grades by hand`);
  if (marker.lang !== undefined && marker.kind !== "markdown") throw new Error(`${where}: only markdown cells have language twins (code cells are shared by both editions)`);
  return marker;
}

function trimBlankEnds(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === "") a++;
  while (b > a && lines[b - 1].trim() === "") b--;
  return lines.slice(a, b);
}

function stableId(name: string, index: number): string {
  return createHash("sha256").update(`${name}\0${index}`).digest("hex").slice(0, 8);
}

/** Parses one percent-format source into a notebook. `graded` adds nbgrader metadata to every cell. */
export function parseSource(text: string, name: string, graded: boolean, lang: Lang = "en"): Notebook {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const cells: NbCell[] = [];
  let marker: Marker | undefined;
  let body: string[] = [];
  let markerLine = 0;
  const usedIds = new Set<string>();
  let previousKind: "code" | "markdown" | "twin" | undefined;
  const flush = () => {
    if (marker === undefined) {
      if (trimBlankEnds(body).length > 0) throw new Error(`${name}: text before the first "// %%" cell marker`);
      return;
    }
    const where = `${name}:${markerLine}`;
    let content = trimBlankEnds(body);
    if (marker.kind === "markdown") {
      content = content.map((l) => {
        if (l === "//") return "";
        if (l.startsWith("// ")) return l.slice(3);
        throw new Error(`${where}: every line of a markdown cell must start with "// ", got ${JSON.stringify(l)}`);
      });
    }
    if (content.length === 0) throw new Error(`${where}: empty cell`);
    if (marker.lang !== undefined) {
      // A twin replaces the English cell just before it, keeping that cell's id and metadata.
      if (previousKind !== "markdown") throw new Error(`${where}: a lang=${marker.lang} cell must directly follow the English markdown cell it translates`);
      previousKind = "twin";
      if (lang === marker.lang) cells[cells.length - 1] = { ...cells[cells.length - 1], source: content.join("\n") } as NbCell;
      return;
    }
    previousKind = marker.kind;
    const index = cells.length;
    const metadata: Record<string, unknown> = {};
    if (graded) {
      const id = marker.id ?? `${marker.kind === "markdown" ? "md" : "cell"}-${index}`;
      if (usedIds.has(id)) throw new Error(`${where}: grade_id "${id}" is used twice`);
      usedIds.add(id);
      const role = marker.role ?? "locked";
      // A solution cell with points is nbgrader's "manually graded answer": graded by a person.
      const manual = role === "solution" && marker.points !== undefined;
      const nbgrader: Record<string, unknown> = {
        grade: role === "test" || manual,
        grade_id: id,
        locked: role !== "solution",
        schema_version: 3,
        solution: role === "solution",
        task: false,
      };
      if (role === "test" || manual) nbgrader.points = marker.points;
      metadata.nbgrader = nbgrader;
    } else if (marker.role !== undefined) {
      throw new Error(`${where}: nbgrader roles (${marker.role}) belong in notebooks/src/solutions/, not in a lesson`);
    }
    const source = content.join("\n");
    const id = stableId(name, index);
    cells.push(
      marker.kind === "markdown"
        ? { cell_type: "markdown", id, metadata, source }
        : { cell_type: "code", id, metadata, source, outputs: [], execution_count: null },
    );
  };
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      markerLine = i + 1;
      marker = parseMarker(m[1], `${name}:${i + 1}`);
      body = [];
    } else body.push(line);
  });
  flush();
  const nb = newNotebook(cells);
  if (lang !== "en") nb.metadata = { ...nb.metadata, bertlab: { ...((nb.metadata as { bertlab?: object }).bertlab ?? {}), lang } };
  return nb;
}

/** Source lines of English markdown cells that have no lang=ko twin yet. */
export function missingKoreanTwins(text: string): number[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const markers = lines.map((l, i) => ({ line: i + 1, m: MARKER.exec(l) })).filter((x) => x.m !== null);
  const missing: number[] = [];
  markers.forEach((x, k) => {
    const words = x.m![1];
    if (!/\[markdown\]/.test(words) || /lang=/.test(words)) return;
    const next = markers[k + 1];
    if (!next || !/lang=ko/.test(next.m![1])) missing.push(x.line);
  });
  return missing;
}

function hasKorean(text: string): boolean {
  return /^\/\/ %%.*\blang=ko\b/m.test(text);
}

function sources(dir: string, filter: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && (filter.length === 0 || filter.some((p) => f.startsWith(p))))
    .sort();
}

/** Every file the sources produce, with its exact text. */
export function buildAll(filter: string[] = []): BuiltFile[] {
  const out: BuiltFile[] = [];
  for (const f of sources(LESSON_SRC, filter)) {
    const name = f.replace(/\.ts$/, ".ipynb");
    const text = readFileSync(path.join(LESSON_SRC, f), "utf8");
    out.push({ file: path.join(ROOT, "notebooks", name), text: formatNotebook(parseSource(text, name, false)) });
    if (hasKorean(text)) out.push({ file: path.join(ROOT, "notebooks", "ko", name), text: formatNotebook(parseSource(text, name, false, "ko")) });
  }
  for (const f of sources(SOLUTION_SRC, filter)) {
    const name = f.replace(/\.ts$/, ".ipynb");
    const text = readFileSync(path.join(SOLUTION_SRC, f), "utf8");
    for (const lang of hasKorean(text) ? (["en", "ko"] as const) : (["en"] as const)) {
      const nb = parseSource(text, name, true, lang);
      const sub = lang === "en" ? [] : [lang];
      out.push({ file: path.join(ROOT, "solutions", ...sub, name), text: formatNotebook(nb) });
      // The same release `bertlab-grader assign solutions/ --out exercises/` writes.
      out.push({ file: path.join(ROOT, "exercises", ...sub, name), text: formatNotebook(releaseNotebook(nb, name)) });
    }
  }
  return out;
}

/** Files whose committed text differs from what the sources build. */
export function staleFiles(filter: string[] = []): string[] {
  return buildAll(filter)
    .filter((b) => !existsSync(b.file) || readFileSync(b.file, "utf8") !== b.text)
    .map((b) => path.relative(ROOT, b.file));
}

function main(argv: string[]): void {
  const check = argv.includes("--check");
  const filter = argv.filter((a) => !a.startsWith("--"));
  if (check) {
    const stale = staleFiles(filter);
    if (stale.length > 0) {
      console.error(`out of date with notebooks/src (run: npx tsx scripts/build-notebooks.ts):\n  ${stale.join("\n  ")}`);
      process.exit(1);
    }
    console.log("notebooks are up to date with their sources");
    return;
  }
  for (const b of buildAll(filter)) {
    const old = existsSync(b.file) ? readFileSync(b.file, "utf8") : undefined;
    if (old === b.text) continue;
    mkdirSync(path.dirname(b.file), { recursive: true });
    writeFileSync(b.file, b.text, "utf8");
    console.log(`wrote ${path.relative(ROOT, b.file)}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
