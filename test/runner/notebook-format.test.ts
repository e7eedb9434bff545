import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  cellSource,
  codeCell,
  formatNotebook,
  markdownCell,
  newNotebook,
  NotebookFormatError,
  parseNotebook,
  readNotebook,
  writeNotebook,
} from "../../src/notebook";

const valid = () => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", id: "m1", metadata: {}, source: ["# Title\n", "text"] },
    { cell_type: "code", id: "c1", metadata: {}, source: "1 + 1", outputs: [], execution_count: null },
  ],
});

function parseError(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  try {
    parseNotebook(text, "lesson.ipynb");
  } catch (e) {
    assert.ok(e instanceof NotebookFormatError, `expected NotebookFormatError, got ${e}`);
    return e.message;
  }
  assert.fail("parseNotebook accepted a bad notebook");
}

describe("nbformat v4 parsing", () => {
  it("parses a valid notebook and joins multiline sources", () => {
    const nb = parseNotebook(JSON.stringify(valid()));
    assert.equal(nb.cells.length, 2);
    assert.equal(cellSource(nb.cells[0]), "# Title\ntext");
    assert.equal(cellSource(nb.cells[1]), "1 + 1");
  });

  it("reports malformed JSON with its line and column", () => {
    const msg = parseError('{\n "nbformat": 4,\n "cells": [\n  {"cell_type": "code",}\n ]\n}');
    assert.match(msg, /^lesson\.ipynb: not valid JSON at line 4, column \d+/);
  });

  it("reports truncated JSON", () => {
    assert.match(parseError('{"nbformat": 4, "cells": ['), /not valid JSON at line 1, column 27/);
  });

  it("rejects other nbformat versions, naming the version", () => {
    assert.match(parseError({ ...valid(), nbformat: 3 }), /nbformat 3 is not supported; bertlab reads nbformat 4/);
    assert.match(parseError({ cells: [] }), /"nbformat" is missing; expected 4/);
    assert.match(parseError([1, 2]), /a notebook is a JSON object, got an array/);
  });

  it("requires a cells list", () => {
    const { cells: _cells, ...noCells } = valid();
    assert.match(parseError(noCells), /"cells" must be a list of cells, got missing/);
    assert.match(parseError({ ...valid(), cells: {} }), /"cells" must be a list of cells, got an object/);
  });

  it("rejects bad cell types and fields, naming the cell", () => {
    const nb = valid();
    (nb.cells[1] as { cell_type: string }).cell_type = "heading";
    assert.match(parseError(nb), /cells\[1\]\.cell_type is the string "heading"; expected one of code, markdown, raw/);
    const nb2 = valid();
    (nb2.cells[0] as { source: unknown }).source = 42;
    assert.match(parseError(nb2), /cells\[0\]\.source must be a string or a list of strings, got a number/);
    const nb3 = valid();
    (nb3.cells[0] as Record<string, unknown>).outputs = [];
    assert.match(parseError(nb3), /cells\[0\] is a markdown cell but has outputs/);
  });

  it("rejects bad outputs", () => {
    const nb = valid();
    (nb.cells[1] as { outputs: unknown[] }).outputs = [{ output_type: "stream", name: "stdlog", text: "x" }];
    assert.match(parseError(nb), /cells\[1\]\.outputs\[0\]\.name is the string "stdlog"/);
    (nb.cells[1] as { outputs: unknown[] }).outputs = [{ output_type: "pyout" }];
    assert.match(parseError(nb), /cells\[1\]\.outputs\[0\]\.output_type is the string "pyout"/);
  });

  it("fills the fields hand-written notebooks leave out", () => {
    const nb = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 4, cells: [{ cell_type: "code", source: "x" }] }));
    assert.deepEqual(nb.metadata, {});
    assert.deepEqual(nb.cells[0].outputs, []);
    assert.equal(nb.cells[0].execution_count, null);
  });
});

describe("nbformat v4 files", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "bertlab-nb-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes like Jupyter: 1-space indent, sorted keys, line lists, trailing newline, no transient", async () => {
    const cell = codeCell("const a = 1;\nconsole.log(a)");
    cell.outputs = [
      { output_type: "stream", name: "stdout", text: "1\n2\n" },
      { output_type: "display_data", data: { "text/plain": "a\nb", "application/json": { x: 1 } }, metadata: {}, transient: { display_id: "d" } },
    ];
    const nb = newNotebook([markdownCell("# Hi"), cell]);
    const file = path.join(dir, "out.ipynb");
    await writeNotebook(file, nb);
    const text = readFileSync(file, "utf8");
    assert.ok(text.endsWith("}\n"));
    assert.ok(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",'), text.slice(0, 80));
    assert.ok(!text.includes("transient"));
    const back = await readNotebook(file);
    assert.deepEqual(back.cells[1].source, ["const a = 1;\n", "console.log(a)"]);
    assert.deepEqual(back.cells[1].outputs![0], { output_type: "stream", name: "stdout", text: ["1\n", "2\n"] });
    assert.deepEqual(back.cells[1].outputs![1], { output_type: "display_data", data: { "text/plain": ["a\n", "b"], "application/json": { x: 1 } }, metadata: {} });
    assert.deepEqual(back.metadata.kernelspec, { name: "tslab", display_name: "TypeScript", language: "typescript" });
    assert.equal(formatNotebook(back), text, "a read/write round trip changes nothing");
  });

  it("names the file when it is missing or broken", async () => {
    await assert.rejects(readNotebook(path.join(dir, "nope.ipynb")), /nope\.ipynb: no such file/);
    const bad = path.join(dir, "bad.ipynb");
    writeFileSync(bad, "{");
    await assert.rejects(readNotebook(bad), /bad\.ipynb: not valid JSON/);
  });
});
