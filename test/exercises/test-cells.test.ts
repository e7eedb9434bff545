/**
 * Static rules for the exercise sources' test cells, which the hostile-answer tests (disarm.test.ts) rely on:
 *
 * - a test cell imports every tool it uses (assert, closeTo, describe, it, check, referenceLibrary): a name bound in
 *   an earlier cell could be redeclared by a solution cell in between, and the test would use the student's;
 * - no other cell imports a bertlab function that a test cell forbids (`referenceLibrary(q, { without: [...] })`):
 *   the exercise's own setup must not hand out the answer;
 * - each test cell that forbids functions says so in the question's text, so the zero is no surprise.
 */
import assert from "node:assert";
import { readFileSync, readdirSync } from "fs";
import path from "path";

const SOURCES = path.resolve(__dirname, "../../notebooks/src/solutions");

interface Cell {
  marker: string;
  code: string;
}

function cellsOf(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("// %%")) cells.push({ marker: line, code: "" });
    else if (cells.length > 0) cells[cells.length - 1].code += `${line}\n`;
  }
  return cells;
}

/** Names a cell binds by import, e.g. `import { describe, it as test } from "x"` gives describe and test. */
function imported(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/^import\s+(.+?)\s+from\s+["'][^"']+["'];?$/gm)) {
    const clause = m[1];
    const def = /^(\w+)/.exec(clause);
    if (def && def[1] !== "type") names.add(def[1]);
    const star = /\*\s+as\s+(\w+)/.exec(clause);
    if (star) names.add(star[1]);
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces) for (const part of braces[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

const TOOLS: Array<[string, RegExp]> = [
  ["assert", /\bassert\s*[.(]/],
  ["closeTo", /\bcloseTo\s*\(/],
  ["describe", /\bdescribe\s*\(/],
  ["it", /(^|[^.\w])it\s*\(/m],
  ["check", /\bcheck\s*\(/],
  ["referenceLibrary", /\breferenceLibrary\s*\(/],
  ["localize", /\blocalize\s*\(/],
];

describe("exercises: test cells own their tools", () => {
  const files = readdirSync(SOURCES).filter((f) => f.endsWith(".ts"));

  it("the import parser and the tool patterns see what they should", () => {
    assert.deepStrictEqual([...imported('import assert from "node:assert";\nimport { describe, it as test } from "bertlab/check";\nimport * as tf from "x";')].sort(), ["assert", "describe", "test", "tf"]);
    assert.ok(TOOLS.find(([n]) => n === "it")![1].test('  it("works", () => {})'));
    assert.ok(!TOOLS.find(([n]) => n === "it")![1].test("split(x)"));
  });

  it("every test cell imports the assertion helpers and harness functions it calls", () => {
    const problems: string[] = [];
    for (const file of files) {
      for (const cell of cellsOf(readFileSync(path.join(SOURCES, file), "utf8"))) {
        if (!/\btest\b/.test(cell.marker)) continue;
        const own = imported(cell.code);
        for (const [name, used] of TOOLS) if (used.test(cell.code) && !own.has(name)) problems.push(`${file} ${cell.marker}: uses ${name} without importing it`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("no cell but a test cell imports a function a test forbids, and the question says it is forbidden", () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(SOURCES, file), "utf8");
      const cells = cellsOf(text);
      const forbidden = new Set<string>();
      for (const cell of cells) {
        for (const m of cell.code.matchAll(/referenceLibrary\(\s*"(\w+)"\s*,\s*\{\s*without:\s*\[([^\]]*)\]/g)) {
          for (const name of [...m[2].matchAll(/"(\w+)"/g)].map((x) => x[1])) {
            forbidden.add(name);
            const question = cells.find((c) => c.marker.includes(`id=${m[1]}-text`));
            if (!question || !question.code.includes(`\`${name}\``)) problems.push(`${file} ${m[1]}: forbids ${name} but its text does not name \`${name}\``);
          }
        }
      }
      for (const cell of cells) {
        if (/\btest\b/.test(cell.marker)) continue;
        for (const name of imported(cell.code)) if (forbidden.has(name)) problems.push(`${file} ${cell.marker}: imports ${name}, which a test forbids`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });
});
