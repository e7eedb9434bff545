/**
 * Hostile answers to the course's own exercises, graded by the real grader in real sandboxed tslab kernels:
 *
 * - a solution cell that redeclares the tests' tools (`assert`, `closeTo`, `describe`/`it`/`check`), patches the
 *   built-ins they call, plants a TypeScript import helper, or patches the bertlab function a hidden test compares
 *   against, must not change what the test cells see: the wrong answer under it still scores 0;
 * - an answer that calls the bertlab function its question re-implements scores 0, with a reason that says so.
 *
 * Each hostile cell comes with an answer that the real tests fail (or that calls the forbidden function), so a
 * disarmed test would show up as points.
 */
import assert from "node:assert";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import path from "path";
import { parse } from "csv-parse/sync";
import { cellSource, formatNotebook, readNotebook, type Notebook } from "../../src/notebook";
import { grade } from "../../grader/src/grade";
import { releaseNotebook } from "../../grader/src/assign";
import { validate } from "../../grader/src/validate";
import { writeFeedback } from "../../grader/src/feedback";
import { runNotebook } from "../../src/runner";
import { Gradebook } from "../../grader/src/gradebook";
import { perfect, removeTmpDirs, tmpDir, withCell } from "../grader/helpers";

const REPO = path.resolve(__dirname, "../..");
const SOLUTIONS = path.join(REPO, "solutions");
const EXERCISES = path.join(REPO, "exercises");

type Row = { submission: string; notebook: string; grade_id: string; points: string; max_points: string; status: string; reason: string };

/** A wrong prefix-LM mask (01 q1): every key visible. */
const WRONG_PREFIX_MASK = "function prefixLmMask(inputMask: number[], prefixLength: number): number[][] {\n  return inputMask.map(() => inputMask.map(() => 1));\n}";
/** A wrong RMSNorm (04 q3): no normalisation at all. */
const WRONG_RMS_NORM = "function rmsNorm(x: tf.Tensor, gamma: tf.Tensor, eps: number): tf.Tensor {\n  return tf.mul(x, gamma);\n}";
/** Google's truncation with the draw read the wrong way round (05 q2): passes the public tests, not the hidden ones. */
const REVERSED_TRUNCATION = [
  "function truncatePair(tokensA: string[], tokensB: string[], maxNumTokens: number, rng: Random): { a: string[]; b: string[] } {",
  "  const a = tokensA.slice();",
  "  const b = tokensB.slice();",
  "  while (a.length + b.length > maxNumTokens) {",
  "    const longer = a.length > b.length ? a : b;",
  "    if (rng.next() < 0.5) longer.pop();",
  "    else longer.shift();",
  "  }",
  "  return { a, b };",
  "}",
].join("\n");

/** student -> [notebook, solution cell grade_id, source] */
const ATTACKS: Record<string, [string, string, string]> = {
  "fake-assert": [
    "01-bert-concepts.ipynb",
    "q1-solution",
    [
      "const noop = (..._: unknown[]): void => undefined;",
      "const assert = Object.assign(noop, { deepStrictEqual: noop, strictEqual: noop, notStrictEqual: noop, ok: noop, throws: noop });",
      WRONG_PREFIX_MASK,
    ].join("\n"),
  ],
  "fake-harness": [
    "01-bert-concepts.ipynb",
    "q1-solution",
    [
      "function describe(_title: string, _body: () => void): void {}",
      "function it(_title: string, _fn: () => void, _hint?: string): void {}",
      "async function check(_gradeId: string): Promise<void> {}",
      WRONG_PREFIX_MASK,
    ].join("\n"),
  ],
  "fake-closeto": ["04-encoder-internals.ipynb", "q3-solution", `function closeTo(..._: unknown[]): void {}\n${WRONG_RMS_NORM}`],
  // Math.abs decides every closeTo comparison; Array.prototype.every and Object.keys are what many checks use.
  builtins: [
    "04-encoder-internals.ipynb",
    "q3-solution",
    [
      "for (const [target, key, value] of [[Math, \"abs\", () => 0], [Array.prototype, \"every\", () => true], [Object, \"keys\", () => []]] as Array<[object, string, unknown]>) {",
      "  try { (target as Record<string, unknown>)[key] = value; } catch (e) { console.log(`assign ${key} failed: ${(e as Error).message}`); }",
      "  try { Object.defineProperty(target, key, { value }); } catch (e) { console.log(`define ${key} failed: ${(e as Error).message}`); }",
      "}",
      WRONG_RMS_NORM,
    ].join("\n"),
  ],
  // TypeScript's `import assert from "node:assert"` compiles to a call of a __importDefault helper that sloppy-mode
  // code may look up on the global object: a planted one would hand the test cell a fake assert.
  "ts-helper": [
    "01-bert-concepts.ipynb",
    "q1-solution",
    [
      "const fakeAssert = Object.assign(() => undefined, { deepStrictEqual: () => undefined, ok: () => undefined, strictEqual: () => undefined });",
      "for (const name of [\"__importDefault\", \"__importStar\"]) {",
      "  try { Object.defineProperty(globalThis, name, { value: () => ({ default: fakeAssert }), configurable: true, writable: true }); } catch (e) { console.log(`plant ${name} failed: ${(e as Error).message}`); }",
      "}",
      WRONG_PREFIX_MASK,
    ].join("\n"),
  ],
  // The hidden test compares with bertlab's truncatePair: make bertlab's agree with the wrong answer.
  "patched-library": [
    "05-pretraining.ipynb",
    "q2-solution",
    [
      REVERSED_TRUNCATION,
      "const reversed = (a: number[], b: number[], max: number, rng: Random): void => { const r = truncatePair(a.map(String), b.map(String), max, rng); a.splice(0, a.length, ...r.a.map(Number)); b.splice(0, b.length, ...r.b.map(Number)); };",
      // bertlab exports no deep paths, so the attack names its files.
      "const distDir = require(\"path\").dirname(require.resolve(\"bertlab\"));",
      "for (const [name, id] of [[\"bertlab\", \"bertlab\"], [\"dist/train/nsp\", distDir + \"/train/nsp\"], [\"dist/train/index\", distDir + \"/train/index\"]]) {",
      "  try { require(id).truncatePair = reversed; } catch (e) { console.log(`patch ${name} failed: ${(e as Error).message}`); }",
      "  console.log(`${name}: ${require(id).truncatePair === reversed ? \"PATCHED\" : \"patch refused\"}`);",
      "}",
    ].join("\n"),
  ],
  // Control for the one above: the same wrong answer without the patch.
  "reversed-only": ["05-pretraining.ipynb", "q2-solution", REVERSED_TRUNCATION],
  // Answers by calling the library function the question re-implements.
  "delegate-attention": [
    "04-encoder-internals.ipynb",
    "q1-solution",
    [
      "import { scaledDotProductAttention } from \"bertlab\";",
      "function maskedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, keyPaddingMask: boolean[], causal: boolean): { probs: tf.Tensor3D; context: tf.Tensor3D } {",
      "  const S = keyPaddingMask.length;",
      "  const bias = tf.tensor2d(Array.from({ length: S }, (_, i) => keyPaddingMask.map((ignore, j) => (ignore || (causal && j > i) ? -10000 : 0))), [S, S]).reshape([1, 1, S, S]);",
      "  const out = scaledDotProductAttention(q.expandDims(0) as tf.Tensor4D, k.expandDims(0) as tf.Tensor4D, v.expandDims(0) as tf.Tensor4D, { mask: bias });",
      "  return { probs: out.probs.squeeze([0]) as tf.Tensor3D, context: out.context.squeeze([0]) as tf.Tensor3D };",
      "}",
    ].join("\n"),
  ],
  "delegate-truncate": [
    "05-pretraining.ipynb",
    "q2-solution",
    [
      "import { truncatePair as libraryTruncatePair } from \"bertlab\";",
      "function truncatePair(tokensA: string[], tokensB: string[], maxNumTokens: number, rng: Random): { a: string[]; b: string[] } {",
      "  const a = tokensA.map((_, i) => i);",
      "  const b = tokensB.map((_, i) => i);",
      "  libraryTruncatePair(a, b, maxNumTokens, rng);",
      "  return { a: a.map((i) => tokensA[i]), b: b.map((i) => tokensB[i]) };",
      "}",
    ].join("\n"),
  ],
  "delegate-maxmatch": [
    "02-tokenization.ipynb",
    "q2-solution",
    [
      "import { maxMatch } from \"bertlab\";",
      "function piecesWithOffsets(word: string, vocab: Set<string>): Array<{ piece: string; start: number; end: number }> {",
      "  const pieces = maxMatch(word, { has: (t: string) => vocab.has(t) } as never);",
      "  let start = 0;",
      "  return pieces.map((piece) => {",
      "    const length = piece === \"[UNK]\" ? [...word].length : [...piece.replace(/^##/, \"\")].length;",
      "    const out = { piece, start, end: start + length };",
      "    start += length;",
      "    return out;",
      "  });",
      "}",
    ].join("\n"),
  ],
  // 06 q4: the budget is 10 epochs over the training split as given, counted in examples, not seconds.
  "over-budget": [
    "06-intent-classifier.ipynb",
    "q4-solution",
    [
      "async function trainClassifier(model: tf.LayersModel, train: Split, val: Split): Promise<tf.History> {",
      "  model.compile({ optimizer: tf.train.adam(1e-3), loss: \"sparseCategoricalCrossentropy\", metrics: [\"accuracy\"] });",
      "  return model.fit(train.x, train.y, { epochs: 30, batchSize: 8, verbose: 0 });",
      "}",
    ].join("\n"),
  ],
  "fits-test-split": [
    "06-intent-classifier.ipynb",
    "q4-solution",
    [
      "async function trainClassifier(model: tf.LayersModel, train: Split, val: Split): Promise<tf.History> {",
      "  const heldOut = split(loadBuiltinIntents({ lang: \"en\" }).test);",
      "  model.compile({ optimizer: tf.train.adam(1e-3), loss: \"sparseCategoricalCrossentropy\", metrics: [\"accuracy\"] });",
      "  return model.fit(heldOut.x, heldOut.y, { epochs: 10, batchSize: 8, verbose: 0 });",
      "}",
    ].join("\n"),
  ],
};

describe("exercises: hostile answers to the course's exercises, graded for real", function () {
  after(removeTmpDirs);
  let rows: Row[] = [];
  let out = "";
  const row = (student: string, notebook: string, q: string): Row => {
    const found = rows.find((r) => r.submission === student && r.notebook === notebook && r.grade_id === q);
    assert.ok(found, `no row for ${student} ${notebook} ${q}`);
    return found;
  };
  /** What the graded notebook's cells printed (not their source, which names the same words). */
  const graded = (student: string, notebook: string): string => {
    const nb = JSON.parse(readFileSync(path.join(out, "graded", student, notebook), "utf8")) as { cells: Array<{ outputs?: Array<{ text?: string | string[] }> }> };
    return nb.cells.flatMap((c) => c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
  };

  before(async function () {
    // About a dozen kernels on a shared 2-core machine; what is tested is the grades, not the speed.
    this.timeout(30 * 60_000);
    const subs = tmpDir("disarm");
    out = tmpDir("disarm-out");
    const cache = new Map<string, { source: Notebook; release: Notebook }>();
    for (const [student, [notebook, cell, code]] of Object.entries(ATTACKS)) {
      if (!cache.has(notebook)) {
        const source = await readNotebook(path.join(SOLUTIONS, notebook));
        cache.set(notebook, { source, release: releaseNotebook(source, notebook) });
      }
      const { source, release } = cache.get(notebook)!;
      mkdirSync(path.join(subs, student), { recursive: true });
      writeFileSync(path.join(subs, student, notebook), formatNotebook(withCell(perfect(source, release), cell, code)));
    }
    const res = await grade({ submissions: subs, assignment: SOLUTIONS, out, quiet: true, timeoutMs: 600_000, allowRead: [path.join(REPO, "data"), path.join(REPO, "models")] });
    rows = parse(readFileSync(res.csv, "utf8"), { columns: true }) as Row[];
  });

  it("redeclaring assert in a solution cell does not reach the test cell", () => {
    const r = row("fake-assert", "01-bert-concepts.ipynb", "q1");
    assert.strictEqual(r.points, "0", r.reason);
    assert.strictEqual(r.status, "failed", r.reason);
    assert.match(r.reason, /"a prefix of 2 in 4 real tokens": expected/);
    assert.strictEqual(row("fake-assert", "01-bert-concepts.ipynb", "q2").status, "passed", "the other question is untouched");
  });

  it("redeclaring describe, it and check does not replace the tests", () => {
    const r = row("fake-harness", "01-bert-concepts.ipynb", "q1");
    assert.strictEqual(r.points, "0", r.reason);
    assert.strictEqual(r.status, "failed", r.reason);
    assert.match(r.reason, /5\/5 tests failed|tests failed/);
  });

  it("redeclaring closeTo does not reach the test cell", () => {
    const r = row("fake-closeto", "04-encoder-internals.ipynb", "q3");
    assert.strictEqual(r.points, "0", r.reason);
    assert.strictEqual(r.status, "failed", r.reason);
    assert.match(r.reason, /"normalises \[1, 2, 3\] by its root mean square": expected/);
  });

  it("patching Math.abs, Array.prototype.every and Object.keys changes nothing", () => {
    const r = row("builtins", "04-encoder-internals.ipynb", "q3");
    assert.strictEqual(r.points, "0", r.reason);
    assert.strictEqual(r.status, "failed", r.reason);
    const text = graded("builtins", "04-encoder-internals.ipynb");
    for (const key of ["abs", "every", "keys"]) assert.match(text, new RegExp(`define ${key} failed: Cannot redefine property: ${key}`), `${key} was redefinable`);
  });

  it("a planted __importDefault does not hand the test cell a fake assert", () => {
    const r = row("ts-helper", "01-bert-concepts.ipynb", "q1");
    assert.strictEqual(r.points, "0", r.reason);
    assert.match(r.reason, /"a prefix of 2 in 4 real tokens": expected/);
    assert.match(graded("ts-helper", "01-bert-concepts.ipynb"), /plant __importDefault failed/);
  });

  it("patching the bertlab function a hidden test compares against changes nothing", () => {
    const control = row("reversed-only", "05-pretraining.ipynb", "q2");
    assert.strictEqual(control.points, "0", "the wrong answer alone fails the hidden test (else this case proves nothing)");
    assert.match(control.reason, /hidden test "follows the draw order exactly over 200 seeds" failed/);
    const r = row("patched-library", "05-pretraining.ipynb", "q2");
    assert.strictEqual(r.points, "0", r.reason);
    assert.match(r.reason, /hidden test "follows the draw order exactly over 200 seeds" failed/);
    const text = graded("patched-library", "05-pretraining.ipynb");
    assert.doesNotMatch(text, /PATCHED/);
    for (const id of ["bertlab", "dist/train/nsp", "dist/train/index"]) assert.ok(text.includes(`${id}: patch refused`), `${id} was not refused`);
  });

  it("06: more than the 10-epoch budget, or fitting on the test split, scores 0 with the reason", () => {
    const over = row("over-budget", "06-intent-classifier.ipynb", "q4");
    assert.strictEqual(over.points, "0", over.reason);
    assert.match(over.reason, /the budget is 1210 examples \(10 epochs of 121\)/);
    const test = row("fits-test-split", "06-intent-classifier.ipynb", "q4");
    assert.strictEqual(test.points, "0", test.reason);
    assert.match(test.reason, /fit the model on train\.x and train\.y as given/);
    assert.strictEqual(row("over-budget", "06-intent-classifier.ipynb", "q1").status, "passed", "Q1-Q3 are untouched");
  });

  for (const [student, notebook, q, fn] of [
    ["delegate-attention", "04-encoder-internals.ipynb", "q1", "scaledDotProductAttention"],
    ["delegate-truncate", "05-pretraining.ipynb", "q2", "truncatePair"],
    ["delegate-maxmatch", "02-tokenization.ipynb", "q2", "maxMatch"],
  ] as const) {
    it(`an answer that calls ${fn} scores 0 and says why (${notebook.slice(0, 2)}-${q})`, () => {
      const r = row(student, notebook, q);
      assert.strictEqual(r.points, "0", r.reason);
      assert.strictEqual(r.status, "failed", r.reason);
      assert.ok(r.reason.includes(`${q} must be solved without calling \`${fn}\``), r.reason);
    });
  }
});

describe("exercises: validate on an unfinished exercise", function () {
  it("is not all green, and says which function is not implemented yet", async function () {
    this.timeout(10 * 60_000);
    const result = await validate(path.join(EXERCISES, "04-encoder-internals.ipynb"), { timeoutMs: 600_000 });
    assert.strictEqual(result.ok, false, result.report);
    for (const q of ["q1", "q2", "q3"]) assert.match(result.report, new RegExp(`${q}: 0/\\d+ tests passed`), result.report);
    assert.match(result.report, /not implemented/);
  });
});

describe("exercises: the Korean edition (issue 19)", function () {
  this.timeout(15 * 60_000);
  after(removeTmpDirs);
  const names = ["01-bert-concepts", "02-tokenization", "03-bert-inputs", "04-encoder-internals", "05-pretraining", "06-intent-classifier"];

  it("every Korean solution and exercise is built, with the same cells (code, tests, metadata) as the English one", async () => {
    for (const name of names) {
      for (const dir of [SOLUTIONS, EXERCISES]) {
        const en = await readNotebook(path.join(dir, `${name}.ipynb`));
        const ko = await readNotebook(path.join(dir, "ko", `${name}.ipynb`));
        assert.strictEqual(ko.cells.length, en.cells.length, `${dir}/ko/${name}`);
        en.cells.forEach((cell, i) => {
          // Same roles, ids, points and locks; nbgrader's checksum covers the text, so it differs for translated cells.
          const roles = (c: typeof cell) => JSON.parse(JSON.stringify(c.metadata ?? {}, (k, v) => (k === "checksum" ? undefined : v)));
          assert.deepStrictEqual(roles(ko.cells[i]), roles(cell), `${name} cell ${i}: same nbgrader metadata`);
          if (cell.cell_type === "code") assert.strictEqual(cellSource(ko.cells[i]), cellSource(cell), `${name} code cell ${i}`);
          else if (!/^\s*(YOUR ANSWER HERE)?\s*$/.test(cellSource(cell))) assert.match(cellSource(ko.cells[i]), /[\uac00-\ud7a3]/, `${name} markdown cell ${i} is Korean`);
        });
        assert.strictEqual((ko.metadata as { bertlab?: { lang?: string } }).bertlab?.lang, "ko");
      }
    }
  });

  it("a Korean solution gets full marks and its Korean exercise zero, with the summary in Korean", async () => {
    const full = await validate(path.join(SOLUTIONS, "ko", "02-tokenization.ipynb"), { timeoutMs: 600_000 });
    assert.strictEqual(full.ok, true, full.report);
    assert.strictEqual(full.total.score, full.total.max);
    assert.match(full.report, /여기서 실행한 테스트로 받은 점수: (\d+)\/\1 /);
    const stub = await validate(path.join(EXERCISES, "ko", "02-tokenization.ipynb"), { timeoutMs: 600_000 });
    assert.strictEqual(stub.total.score, 0, stub.report);
    assert.match(stub.report, /숨은 테스트\(hidden test\)는 여기서 실행하지 않아요/);
    assert.match(stub.report, /사람이 직접 채점하는 문항/);
  });

  /** The Korean exercise 01 with a wrong prefix-LM mask in q1, saved where its kernel finds bertlab. */
  const wrongKorean01 = async (dir: string): Promise<string> => {
    const nb = withCell(await readNotebook(path.join(EXERCISES, "ko", "01-bert-concepts.ipynb")), "q1-solution", WRONG_PREFIX_MASK);
    mkdirSync(dir, { recursive: true });
    symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    const file = path.join(dir, "01-bert-concepts.ipynb");
    writeFileSync(file, formatNotebook(nb));
    return file;
  };

  it("validate: a failing check in a Korean exercise says expected vs actual and its hint in Korean", async () => {
    const result = await validate(await wrongKorean01(tmpDir("ko-validate")), { timeoutMs: 600_000 });
    assert.match(result.report, /q1: 테스트 2개 중 0개 통과, 0\/2점/, result.report);
    assert.match(result.report, /✘ 실패 {2}a prefix of 2 in 4 real tokens\n {10}기댓값\(내용이 모두 같아야 해요\): \[ \[ 1, 1, 0, 0 \],.*, 실제로 나온 값: \[ \[ 1, 1, 1, 1 \],/);
    assert.match(result.report, /다음 단계: 0행과 1행\(프리픽스\)은 0행을 포함해 프리픽스의 두 위치를 모두 봐요/);
    assert.match(result.report, /다음 단계: `throw new Error\("not implemented"\)` 줄을 여러분의 풀이로 바꾸고/, "q2 is still the stub");
    assert.doesNotMatch(result.report, /Next:|expected to|tests passed/, "no English left in the harness's words");
  });

  it("bertlab run (the runner): check() in a Korean exercise prints its table and hint in Korean", async () => {
    const run = await runNotebook(await wrongKorean01(tmpDir("ko-run")), { stopOnError: false, timeoutMs: 600_000, env: { BERTLAB_QUIET: "1" } });
    const printed = run.notebook.cells.flatMap((c) => c.outputs ?? []).map((o) => JSON.stringify(o)).join("\n");
    assert.match(printed, /q1: 테스트 2개 중 0개 통과/);
    assert.match(printed, /다음 단계: 0행과 1행\(프리픽스\)은 0행을 포함해/);
    assert.match(printed, /<th style=\\"padding:2px 8px\\">결과<\/th>/);
    assert.doesNotMatch(printed, /Next:|tests passed/);
  });

  it("grade + feedback: the Korean edition's student page has Korean labels and the Korean hint", async () => {
    const subs = tmpDir("ko-subs");
    const out = tmpDir("ko-out");
    const student = path.join(subs, "서연");
    await wrongKorean01(student);
    rmSync(path.join(student, "node_modules"));
    await grade({ submissions: subs, assignment: path.join(SOLUTIONS, "ko"), notebooks: ["01"], out, quiet: true, timeoutMs: 600_000 });
    const book = new Gradebook(path.join(out, "gradebook.sqlite"));
    try {
      const [record] = book.records();
      assert.strictEqual(record.lang, "ko");
      await writeFeedback(book, path.join(out, "feedback"));
    } finally {
      book.close();
    }
    const page = readFileSync(path.join(out, "feedback", "서연.html"), "utf8");
    assert.match(page, /<html lang="ko">/);
    assert.match(page, /<h1>서연님의 피드백<\/h1>/);
    assert.match(page, /<p>총점: <strong>0\/7<\/strong><\/p>/);
    assert.match(page, /<th>문항<\/th><th>상태<\/th><th class="n">점수<\/th><th>이유<\/th>/);
    assert.match(page, /<td class="failed">실패<\/td>/);
    assert.match(page, /<td class="manual">사람이 채점<\/td>/);
    assert.match(page, /다음 단계: 0행과 1행\(프리픽스\)은 0행을 포함해 프리픽스의 두 위치를 모두 봐요/);
    assert.match(page, /<em>숨은 테스트\(hidden test\)<\/em>/);
    assert.doesNotMatch(page, /Feedback for|Total:|<th>question<\/th>|Next:/);
  });
});
