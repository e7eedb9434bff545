/**
 * Issue #19: the Korean exercises speak Korean. Test cells are shared by both editions, so every message a test
 * cell gives `closeTo` and every hint it gives `it` must carry its Korean twin (`{ en: "…", ko: "…" }`); a bare
 * string would reach the Korean student in English. The same holds for the messages test cells give node's
 * assert (`assert.ok(cond, message)`, `assert.deepStrictEqual(a, b, message)`, ...), which take a string: they
 * are written `localize({ en: "…", ko: "…" })`, with `localize` imported by the test cell itself from
 * "bertlab/check" (a name bound in an earlier cell could be redeclared by a student's cell in between).
 * Read from the instructor sources with the TypeScript parser.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const SOURCES = path.resolve(__dirname, "../../notebooks/src/solutions");

/** Calls of `closeTo` with a message (4th argument) and of `it`/`check` with a hint object, whose text has no `ko`. */
function englishOnly(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const hasKorean = (node: ts.Expression): boolean => {
    if (ts.isParenthesizedExpression(node)) return hasKorean(node.expression);
    if (ts.isConditionalExpression(node)) return hasKorean(node.whenTrue) && hasKorean(node.whenFalse);
    return ts.isObjectLiteralExpression(node) && node.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === "ko");
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "closeTo" && node.arguments.length >= 4) {
      const message = node.arguments[3];
      if (!hasKorean(message)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path.basename(file)}:${line + 1}: ${message.getText().slice(0, 80)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

interface TestCell {
  /** 1-based line of the cell's first code line in the source file. */
  line: number;
  code: string;
}

/** The test cells (`// %% test id=…`) of an instructor source; solution and other cells are left out. */
function testCells(text: string): TestCell[] {
  const cells: Array<TestCell & { test: boolean }> = [];
  text.replace(/\r\n/g, "\n").split("\n").forEach((line, i) => {
    if (line.startsWith("// %%")) cells.push({ line: i + 2, code: "", test: /\btest\b/.test(line) });
    else if (cells.length > 0) cells[cells.length - 1].code += `${line}\n`;
  });
  return cells.filter((c) => c.test).map(({ line, code }) => ({ line, code }));
}

/** node:assert methods whose message is their third argument. */
const MESSAGE_THIRD = new Set([
  "equal", "notEqual", "strictEqual", "notStrictEqual", "deepEqual", "notDeepEqual", "deepStrictEqual", "notDeepStrictEqual",
  "match", "doesNotMatch",
]);
/** node:assert methods whose second argument is an error validator (function, RegExp, class, object) or the message. */
const MESSAGE_AFTER_VALIDATOR = new Set(["throws", "doesNotThrow", "rejects", "doesNotReject"]);

const isStringy = (node: ts.Expression): boolean => ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);

/** The message argument of an `assert(...)` / `assert.<method>(...)` call, or undefined when it is given none. */
function assertMessage(call: ts.CallExpression): ts.Expression | undefined {
  const callee = call.expression;
  const args = call.arguments;
  if (ts.isIdentifier(callee)) return callee.text === "assert" ? args[1] : undefined;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== "assert") return undefined;
  const method = callee.name.text;
  if (method === "ok") return args[1];
  if (method === "fail") return args[0];
  if (MESSAGE_THIRD.has(method)) return args[2];
  if (MESSAGE_AFTER_VALIDATOR.has(method)) return args.length >= 3 ? args[2] : args[1] !== undefined && isStringy(args[1]) ? args[1] : undefined;
  return undefined;
}

/** `localize({ en: …, ko: … })`, or a conditional/parenthesis whose every branch is one. */
function isLocalized(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isLocalized(node.expression);
  if (ts.isConditionalExpression(node)) return isLocalized(node.whenTrue) && isLocalized(node.whenFalse);
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== "localize") return false;
  const [text] = node.arguments;
  if (text === undefined || !ts.isObjectLiteralExpression(text)) return false;
  const names = new Set(text.properties.map((p) => (p.name !== undefined && ts.isIdentifier(p.name) ? p.name.text : "")));
  return names.has("en") && names.has("ko");
}

/** Whether the cell binds `localize` itself by `import { …, localize, … } from "bertlab/check"`. */
function importsLocalize(cell: ts.SourceFile): boolean {
  return cell.statements.some((s) =>
    ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === "bertlab/check" &&
    s.importClause?.namedBindings !== undefined && ts.isNamedImports(s.importClause.namedBindings) &&
    s.importClause.namedBindings.elements.some((e) => e.name.text === "localize" && (e.propertyName === undefined || e.propertyName.text === "localize")));
}

/**
 * In the test cells of `file`: assert calls whose message is not `localize({ en, ko })` (a string or template
 * literal would reach the Korean student in English), and cells that call `localize` without importing it from
 * "bertlab/check". `checked` counts the messages seen, so an empty result cannot come from finding none.
 */
function englishAssertMessages(file: string): { found: string[]; checked: number } {
  const found: string[] = [];
  let checked = 0;
  for (const cell of testCells(readFileSync(file, "utf8"))) {
    const source = ts.createSourceFile(file, cell.code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const where = (node: ts.Node): string => `${path.basename(file)}:${cell.line + source.getLineAndCharacterOfPosition(node.getStart()).line}`;
    let callsLocalize: ts.Node | undefined;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        if (ts.isIdentifier(node.expression) && node.expression.text === "localize") callsLocalize ??= node;
        const message = assertMessage(node);
        if (message !== undefined) {
          checked++;
          if (!isLocalized(message)) found.push(`${where(node)}: ${message.getText().slice(0, 80)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    if (callsLocalize !== undefined && !importsLocalize(source)) found.push(`${where(callsLocalize)}: the test cell calls localize without importing it from "bertlab/check"`);
  }
  return { found, checked };
}

describe("Korean exercises: test messages in both languages (issue #19)", () => {
  it("every closeTo message in the solutions' test cells has a Korean twin", () => {
    const files = readdirSync(SOURCES).filter((f) => f.endsWith(".ts"));
    assert.ok(files.length >= 6, `expected the six solution sources in ${SOURCES}, found ${files.length}`);
    const bare = files.flatMap((f) => englishOnly(path.join(SOURCES, f)));
    assert.deepEqual(bare, [], 'give these messages as { en: "…", ko: "…" } so the Korean exercises show them in Korean');
  });

  it("finds an English-only message when there is one (the check above can fail)", () => {
    const probe = path.join(require("node:os").tmpdir(), `bertlab-probe-${process.pid}.ts`);
    require("node:fs").writeFileSync(probe, 'closeTo([1], [1], {}, `got ${x}`);\ncloseTo([1], [1], {}, { en: "a", ko: "가" });\n');
    try {
      assert.deepEqual(englishOnly(probe).length, 1);
    } finally {
      require("node:fs").rmSync(probe);
    }
  });

  it("every assert message in the solutions' test cells is localize({ en, ko }), imported by the cell", () => {
    const files = readdirSync(SOURCES).filter((f) => f.endsWith(".ts"));
    const results = files.map((f) => englishAssertMessages(path.join(SOURCES, f)));
    assert.ok(results.reduce((n, r) => n + r.checked, 0) > 0, "found no assert message at all: the parser sees no test cell");
    assert.deepEqual(results.flatMap((r) => r.found), [], 'give these messages as localize({ en: "…", ko: "…" }), with localize imported from "bertlab/check" in the test cell');
  });

  it("finds English-only assert messages when there are some (the check above can fail)", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const probe = path.join(require("node:os").tmpdir(), `bertlab-probe-assert-${process.pid}.ts`);
    fs.writeFileSync(probe, [
      "// %% solution id=q1-solution",
      'assert.ok(x, "a solution cell is not a test cell");',
      "// %% test id=q1 points=1",
      'import { describe, it, check, localize } from "bertlab/check";',
      "assert.ok(x, `got ${x}`);", // 1
      'assert(x, "bare assert");', // 2
      'assert.deepStrictEqual(a, b, "plain");', // 3
      "assert.strictEqual(a, b, cond ? localize({ en: \"a\", ko: \"가\" }) : `b`);", // 4: one branch is English only
      'assert.match(s, /x/, "m");', // 5
      'assert.throws(() => f(), "must throw");', // 6: a string second argument is the message
      "assert.throws(() => f(), Error, `wrong error`);", // 7
      'assert.ok(x, localize({ en: "no Korean" }));', // 8
      "assert.throws(() => f(), /8/);",
      "assert.throws(() => f(), (e: unknown) => e instanceof Error);",
      "assert.equal(a, b);",
      'assert.deepStrictEqual(a, b, localize({ en: `seed ${s}`, ko: `시드 ${s}` }));',
      "// %% test id=q2 points=1",
      'import { describe, it, check } from "bertlab/check";',
      'assert.ok(x, localize({ en: "a", ko: "가" }));', // 9: localize used without importing it here
    ].join("\n"));
    try {
      const { found, checked } = englishAssertMessages(probe);
      // Lines 5-12 of the probe, and line 19 for the missing import; not line 2 (a solution cell) nor 13-16.
      assert.deepEqual(found.map((f) => Number(/:(\d+):/.exec(f)?.[1])), [5, 6, 7, 8, 9, 10, 11, 12, 19], found.join("\n"));
      assert.match(found[8], /calls localize without importing it from "bertlab\/check"/);
      assert.equal(checked, 10);
    } finally {
      fs.rmSync(probe);
    }
  });
});
