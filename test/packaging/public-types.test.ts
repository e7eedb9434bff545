/**
 * bertlab's public type declarations (what `npm pack` ships in dist/*.d.ts) name their types: no `any`, so an
 * editor can tell a reader what each function takes and returns. Parsed with TypeScript, so comments that say
 * "any" do not count and an `any` hidden in a generic argument does.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const DIST = path.resolve(__dirname, "../../src/dist");

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return declarationFiles(full);
    return e.name.endsWith(".d.ts") ? [full] : [];
  });
}

function anyKeywords(name: string, text: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.ES2020, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${name}:${line + 1}: ${source.text.split("\n")[line].trim()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("bertlab's public type declarations", () => {
  it("use no `any`", () => {
    const files = declarationFiles(DIST);
    assert.ok(files.length > 50, `only ${files.length} declaration files in ${DIST}: run npm run build`);
    assert.deepEqual(files.flatMap((f) => anyKeywords(path.relative(DIST, f), readFileSync(f, "utf8"))), []);
  });

  it("the check catches an `any` in a generic argument, and not the word in a comment (it can fail)", () => {
    const found = anyKeywords("probe.d.ts", "/** takes any map */\nexport declare function f(x: Map<string, any>): void;");
    assert.deepEqual(found, ["probe.d.ts:2: export declare function f(x: Map<string, any>): void;"]);
  });
});
