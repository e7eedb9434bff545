/**
 * A real class, end to end with real sandboxed kernels: a subset assignment (assignment.json with a
 * due date and late policy), a roster, Korean and other Unicode names, a corrupt file, partial
 * credit, a free-text answer graded on the manual grading page (a real HTTP server and client),
 * an override, a one-question regrade, LMS exports and the class report.
 */
import assert from "node:assert";
import { mkdirSync, readFileSync, readdirSync, statSync, truncateSync, utimesSync, writeFileSync, existsSync } from "fs";
import path from "path";
import { parse } from "csv-parse/sync";
import { formatNotebook, readNotebook, type Notebook } from "../../src/notebook";
import { releaseNotebook } from "../../grader/src/assign";
import { main } from "../../grader/src/cli";
import { grade, loadAssignment, parseOnly, type GradeSummary } from "../../grader/src/grade";
import { Gradebook } from "../../grader/src/gradebook";
import { writeFeedback } from "../../grader/src/feedback";
import { startManualServer, type ManualItem } from "../../grader/src/manual";
import { cleanText } from "../../grader/src/report";
import { latePenalty, parseTimestamp, readRoster, selectNotebooks } from "../../grader/src/spec";
import { readSubmissions, studentNameProblem, type SkippedSubmission } from "../../grader/src/submissions";
import { gradeIdOf, removeTmpDirs, tmpDir } from "./helpers";

const COURSE = path.resolve(__dirname, "../fixtures/grader/course");
type Row = { submission: string; notebook: string; grade_id: string; points: string; max_points: string; status: string; reason: string };

/** The student copy with every solution cell taken from the source, then `edits` applied by grade_id. */
function filled(source: Notebook, edits: Record<string, string> = {}): Notebook {
  const release = releaseNotebook(source, "x.ipynb");
  return {
    ...release,
    cells: release.cells.map((c, i) => {
      const id = gradeIdOf(c);
      if (id && edits[id] !== undefined) return { ...c, source: edits[id] };
      return (c.metadata.nbgrader as { solution?: boolean } | undefined)?.solution ? { ...c, source: source.cells[i].source } : c;
    }),
  };
}

function put(root: string, student: string, file: string, content: string | Notebook, mtime?: Date): void {
  mkdirSync(path.join(root, student), { recursive: true });
  const target = path.join(root, student, file);
  writeFileSync(target, typeof content === "string" ? content : formatNotebook(content));
  if (mtime) utimesSync(target, mtime, mtime);
}

/** Runs the CLI in-process, capturing what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe("grader: names, CSV text, assignment files and rosters (units)", () => {
  after(removeTmpDirs);

  it("accepts any Unicode folder name; rejects only empty, '.', '..', '/' and control characters", () => {
    for (const ok of ["이서연", "José Núñez", "أحمد", "a..b", "名前 with spaces", "o'neil"]) assert.strictEqual(studentNameProblem(ok), null, ok);
    assert.match(studentNameProblem("") ?? "", /empty/);
    assert.match(studentNameProblem("..") ?? "", /not a folder name/);
    assert.match(studentNameProblem("a/b") ?? "", /"\/"/);
    assert.match(studentNameProblem("bad\u0001name") ?? "", /control characters/);
    assert.match(studentNameProblem("tab\there") ?? "", /control characters/);
  });

  it("stores names NFC, shows them as given, and skips only the bad folder, with a clear line", () => {
    const root = tmpDir("names");
    const nfd = "이서연".normalize("NFD");
    for (const name of [nfd, "bob", "bad\u0001name", "José"]) put(root, name, "a.ipynb", "{}");
    const skipped: SkippedSubmission[] = [];
    const subs = readSubmissions(root, (s) => skipped.push(s));
    assert.deepStrictEqual(subs.map((s) => s.student).sort(), ["José", "bob", "이서연"].map((s) => s.normalize("NFC")).sort());
    const lee = subs.find((s) => s.student === "이서연")!;
    assert.strictEqual(lee.display, nfd, "shown as given (NFD here)");
    assert.notStrictEqual(lee.student, lee.display);
    assert.strictEqual(skipped.length, 1);
    assert.match(skipped[0].reason, /submission folder "bad\\u0001name" skipped: the name contains control characters/);
  });

  it("an oversized submission folder is that student's problem only: kept as unreadable with the reason, others read; an oversized file is left out", () => {
    const root = tmpDir("oversized");
    put(root, "alice", "hw.ipynb", "{}");
    put(root, "bob", "hw.ipynb", "{}");
    // Sparse files: 5 × 45 MB of apparent size (over the 200 MB a folder may hold), no real disk use.
    for (let i = 0; i < 5; i++) {
      put(root, "bob", `data-${i}.bin`, "");
      truncateSync(path.join(root, "bob", `data-${i}.bin`), 45 * 2 ** 20);
    }
    put(root, "carol", "hw.ipynb", "{}");
    put(root, "carol", "huge.bin", "");
    truncateSync(path.join(root, "carol", "huge.bin"), 60 * 2 ** 20); // one file over 50 MB: skipped, the rest read
    const skipped: SkippedSubmission[] = [];
    const subs = readSubmissions(root, (s) => skipped.push(s));
    assert.deepStrictEqual(skipped, []);
    assert.deepStrictEqual(subs.map((s) => s.student), ["alice", "bob", "carol"]);
    const bob = subs.find((s) => s.student === "bob")!;
    assert.match(bob.unreadable ?? "", /bob: submission is larger than 200 MB/);
    assert.deepStrictEqual(bob.files, []);
    assert.deepStrictEqual(subs.find((s) => s.student === "carol")!.files.map((f) => f.path), ["hw.ipynb"]);
    assert.strictEqual(subs.find((s) => s.student === "alice")!.unreadable, undefined);
  });

  it("escapes control characters and lone surrogates: grades.csv text is valid UTF-8 with no controls", () => {
    const dirty = "PK\u0003\u0004\u0000 bytes\nline\ttab \u0085 \ud800 ok ✓ 이서연";
    const clean = cleanText(dirty);
    assert.doesNotMatch(clean, /[\u0000-\u001f\u007f-\u009f]/);
    assert.strictEqual(clean, "PK\\u0003\\u0004\\u0000 bytes\\nline\\ttab \\u0085 \ufffd ok ✓ 이서연");
    assert.strictEqual(Buffer.from(clean, "utf8").toString("utf8"), clean);
  });

  it("selects notebooks by number or name, reads timestamps and computes late penalties", () => {
    const names = ["01-words.ipynb", "02-sums.ipynb", "03-extra.ipynb", "10-later.ipynb"];
    assert.deepStrictEqual(selectNotebooks(names, ["01", "02"], "x"), ["01-words.ipynb", "02-sums.ipynb"]);
    assert.deepStrictEqual(selectNotebooks(names, ["02-sums.ipynb"], "x"), ["02-sums.ipynb"]);
    assert.deepStrictEqual(selectNotebooks(names, ["1", "10"], "x"), ["01-words.ipynb", "10-later.ipynb"], "a number is the notebook's number, not a text prefix");
    assert.deepStrictEqual(selectNotebooks(names, ["02-sums"], "x"), ["02-sums.ipynb"]);
    assert.throws(() => selectNotebooks(names, ["0"], "x"), /no notebook matches "0"/);
    assert.throws(() => selectNotebooks(names, ["01-w"], "x"), /no notebook matches "01-w"/);
    assert.throws(() => selectNotebooks([...names, "01-words-v2.ipynb"], ["01"], "x"), /"01" matches 2 notebooks \(01-words.ipynb, 01-words-v2.ipynb\); give more of the name/);
    assert.throws(() => selectNotebooks(names, ["07"], "x"), /no notebook matches "07"/);
    assert.strictEqual(parseTimestamp("2026-12-01 10:00:00.123456 UTC\n", "t"), "2026-12-01T10:00:00.123Z");
    assert.strictEqual(parseTimestamp("2026-12-01T19:00:00+09:00", "t"), "2026-12-01T10:00:00.000Z");
    assert.throws(() => parseTimestamp("yesterday", "alice/timestamp.txt"), /alice\/timestamp.txt: timestamp "yesterday" is not a date/);
    const policy = { due: "2026-12-01T00:00:00.000Z", perDay: 0.1, max: 0.3, graceMinutes: 10 };
    assert.deepStrictEqual(latePenalty("2026-12-01T00:09:00Z", policy), { penalty: 0, daysLate: 0 });
    assert.deepStrictEqual(latePenalty("2026-12-01T00:11:00Z", policy), { penalty: 0.1, daysLate: 1 });
    assert.deepStrictEqual(latePenalty("2026-12-06T00:00:00Z", policy), { penalty: 0.3, daysLate: 5 });
    assert.deepStrictEqual(latePenalty(null, policy), { penalty: 0, daysLate: 0 });
  });

  it("loads an assignment from --notebooks or an assignment.json, and names what is wrong in one", async () => {
    const picked = await loadAssignment(COURSE, { notebooks: ["2"] });
    assert.deepStrictEqual(picked.notebooks.map((n) => n.name), ["02-sums.ipynb"]);
    const all = await loadAssignment(COURSE);
    assert.notStrictEqual(picked.fingerprint, all.fingerprint, "a subset is another assignment: its gradebook is not mixed with the whole folder's");
    const dir = tmpDir("spec");
    const spec = (name: string, body: object) => {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify({ solutions: path.relative(dir, COURSE), ...body }));
      return file;
    };
    const good = await loadAssignment(spec("good.json", { notebooks: ["01", "02"], points: { "02-sums/q1": 5 }, due: "2026-12-01T23:59:00+09:00", late: { per_day: 0.25 } }));
    assert.deepStrictEqual(good.notebooks.map((n) => n.name), ["01-words.ipynb", "02-sums.ipynb"]);
    assert.strictEqual(good.notebooks[1].questions[0].points, 5, "points from the file replace the notebook's");
    assert.deepStrictEqual(good.late, { due: "2026-12-01T14:59:00.000Z", perDay: 0.25, max: 1, graceMinutes: 0 });
    const cli = await loadAssignment(spec("cli.json", { notebooks: ["01", "02"] }), { notebooks: ["02"] });
    assert.deepStrictEqual(cli.notebooks.map((n) => n.name), ["02-sums.ipynb"], "--notebooks wins over the file");
    const bad: [object, RegExp][] = [
      [{ notebooks: ["07"] }, /no notebook matches "07" \(have: 01-words.ipynb, 02-sums.ipynb, 03-extra.ipynb\)/],
      [{ points: { "02-sums/q9": 1 } }, /points given for questions that are not in the assignment: 02-sums\/q9/],
      [{ due: "2026-12-01 23:59" }, /due date "2026-12-01 23:59" must be ISO 8601 with a time zone/],
      [{ late: { per_day: 0.1 } }, /"late" needs a "due" date/],
      [{ due: "2026-12-01T00:00:00Z", late: { per_day: 2 } }, /late.per_day must be a number from 0 to 1, got 2/],
      [{ notebook: ["01"] }, /unknown field "notebook"/],
    ];
    for (const [i, [body, message]] of bad.entries()) {
      const file = spec(`bad${i}.json`, body);
      await assert.rejects(loadAssignment(file), (e: Error) => e.message.startsWith(file) && message.test(e.message), JSON.stringify(body));
    }
  });

  it("reads a roster CSV and names the line of a bad entry", () => {
    const dir = tmpDir("roster");
    const good = path.join(dir, "roster.csv");
    writeFileSync(good, '\uFEFFid,name,email\r\n이서연,"Lee, Seoyeon",lee@example.edu\r\nbob,Bob,bob@example.edu\r\n');
    assert.deepStrictEqual(readRoster(good).map((r) => [r.id, r.name]), [["이서연", "Lee, Seoyeon"], ["bob", "Bob"]]);
    const dup = path.join(dir, "dup.csv");
    writeFileSync(dup, "id,name\nbob,Bob\nbob,Robert\n");
    assert.throws(() => readRoster(dup), /dup.csv, line 3: student id "bob" is already on line 2/);
    const noId = path.join(dir, "noid.csv");
    writeFileSync(noId, "name,email\nBob,b@x\n");
    assert.throws(() => readRoster(noId), /must name an "id" column/);
  });

  it("parses --only selectors", () => {
    assert.deepStrictEqual(parseOnly("alice"), { student: "alice", notebook: undefined, question: undefined });
    assert.deepStrictEqual(parseOnly("이서연/01/q3"), { student: "이서연", notebook: "01", question: "q3" });
    assert.throws(() => parseOnly("a//q"), /expected STUDENT/);
    assert.throws(() => parseOnly("a/b/c/d"), /expected STUDENT/);
  });
});

describe("grader: a real class (subset, roster, late, partial and manual credit, overrides, exports)", function () {
  after(removeTmpDirs);
  let subs = "";
  let out = "";
  let spec = "";
  let roster = "";
  let summary: GradeSummary;
  let rows: Row[] = [];
  const readRows = () => parse(readFileSync(path.join(out, "grades.csv"), "utf8"), { columns: true }) as Row[];
  const find = (student: string, nb: string, q: string) => {
    const row = rows.find((r) => r.submission === student && r.notebook.startsWith(nb) && r.grade_id === q);
    assert.ok(row, `no row for ${student} ${nb} ${q}`);
    return row;
  };
  const LEE = "이서연";

  before(async function () {
    const words = await readNotebook(path.join(COURSE, "01-words.ipynb"));
    const sums = await readNotebook(path.join(COURSE, "02-sums.ipynb"));
    const root = tmpDir("class17");
    subs = path.join(root, "submissions");
    out = path.join(root, "grading");
    const due = new Date("2026-11-30T14:59:00Z"); // 23:59 in Seoul
    const onTime = new Date("2026-11-29T12:00:00Z");
    // 이서연 (written in NFD, as macOS does): everything right, on time, a written answer.
    const lee = "이서연".normalize("NFD");
    put(subs, lee, "01-words.ipynb", filled(words, { q2: "The `##` says the piece continues the previous one, so words can be rebuilt." }), onTime);
    put(subs, lee, "02-sums.ipynb", filled(sums), onTime);
    // José: a count that ignores runs of spaces wrongly (partial credit 2/4), handed in 2 days late by timestamp.txt.
    put(subs, "José", "01-words.ipynb", filled(words, { "q1-solution": 'function count(text: string): number {\n  return text === "" ? 0 : text.split(" ").length;\n}' }), onTime);
    put(subs, "José", "02-sums.ipynb", filled(sums), onTime);
    put(subs, "José", "timestamp.txt", "2026-12-02 10:00:00.000000 UTC\n");
    // bob: only notebook 01, and corrupt bytes (a zip where a notebook should be).
    put(subs, "bob", "01-words.ipynb", "PK\u0003\u0004\u0000\u0000garbage", onTime);
    // A folder whose name has a control character: skipped alone.
    put(subs, "evil\u0007name", "01-words.ipynb", filled(words), onTime);
    roster = path.join(root, "roster.csv");
    writeFileSync(roster, `id,name,email\n${LEE},Lee Seoyeon,lee@example.edu\nJosé,José Núñez,jose@example.edu\nbob,Bob,bob@example.edu\ncarol,Carol,carol@example.edu\n`);
    spec = path.join(root, "hw1.json");
    writeFileSync(spec, JSON.stringify({ solutions: path.relative(root, COURSE), notebooks: ["01", "02"], due: due.toISOString(), late: { per_day: 0.1, max: 0.5 } }));
    summary = await grade({ submissions: subs, assignment: spec, roster, out, jobs: 1, timeoutMs: 30_000, quiet: true });
    rows = readRows();
  });

  it("grades only the assignment's notebooks, for everyone on the roster, and skips only the bad folder", () => {
    assert.deepStrictEqual([...new Set(rows.map((r) => r.notebook))].sort(), ["01-words.ipynb", "02-sums.ipynb"]);
    assert.deepStrictEqual([...new Set(rows.map((r) => r.submission))].sort(), ["José", "bob", "carol", LEE].sort());
    assert.strictEqual(rows.length, 4 * 4, "4 questions (3 in 01, 1 in 02) for each of 4 students");
    assert.strictEqual(summary.skippedSubmissions.length, 1);
    assert.match(summary.skippedSubmissions[0].reason, /evil\\u0007name" skipped: the name contains control characters/);
    assert.strictEqual(summary.infrastructureErrors, 0);
  });

  it("stores the Korean name NFC and shows it as given", () => {
    assert.ok(rows.every((r) => r.submission === r.submission.normalize("NFC")));
    assert.strictEqual(find(LEE, "01", "q1").status, "passed");
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      const lee = book.students().find((s) => s.id === LEE)!;
      assert.strictEqual(lee.name, "Lee Seoyeon");
      assert.ok(lee.onRoster);
    } finally {
      book.close();
    }
  });

  it("tells missing, invalid and graded apart", () => {
    assert.deepStrictEqual(rows.filter((r) => r.submission === "carol").map((r) => r.status), ["missing", "missing", "missing", "missing"]);
    assert.match(find("carol", "01", "q1").reason, /nothing was handed in/);
    assert.strictEqual(find("bob", "02", "q1").status, "missing");
    assert.match(find("bob", "02", "q1").reason, /02-sums.ipynb was not handed in/);
    assert.strictEqual(find("bob", "01", "q1").status, "invalid");
  });

  it("writes grades.csv as valid UTF-8 with no control characters, even from a corrupt file's bytes", () => {
    const bytes = readFileSync(path.join(out, "grades.csv"));
    const text = bytes.toString("utf8");
    assert.ok(Buffer.from(text, "utf8").equals(bytes), "round-trips as UTF-8");
    assert.doesNotMatch(text.replace(/\r\n/g, ""), /[\u0000-\u001f\u007f-\u009f]/);
  });

  it("gives partial credit by test weights, and all-or-nothing elsewhere", () => {
    // José fails only the hidden "ignores runs of spaces" (weight 2 of 4): 4 × 2/4 = 2 points.
    const q1 = find("José", "01", "q1");
    assert.strictEqual(q1.status, "failed");
    assert.strictEqual(q1.points, "2");
    assert.match(q1.reason, /partial credit 2\/4/);
    assert.strictEqual(find(LEE, "01", "q1").points, "4");
    assert.strictEqual(find(LEE, "01", "q3").points, "1");
  });

  it("holds free-text answers for manual grading, at 0 points until scored", () => {
    const q2 = find(LEE, "01", "q2");
    assert.strictEqual(q2.status, "manual");
    assert.strictEqual(q2.points, "0");
    assert.strictEqual(q2.max_points, "2");
  });

  it("serves a manual grading page on 127.0.0.1 whose scores reach the gradebook, feedback and exports", async () => {
    const server = await startManualServer(out, { by: "prof.kim" });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
      const noToken = await fetch(`http://127.0.0.1:${server.port}/`);
      assert.strictEqual(noToken.status, 403);
      const page = await fetch(server.url);
      assert.strictEqual(page.status, 200);
      const html = await page.text();
      assert.ok(html.includes("The <code>##</code> says the piece continues"), "the answer is rendered as Markdown");
      const headers = { "content-type": "application/json", "x-grader-token": server.token };
      const items = (await (await fetch(`http://127.0.0.1:${server.port}/api/items`, { headers })).json()) as ManualItem[];
      const lee = items.find((i) => i.submission === LEE)!;
      assert.ok(lee, "이서연's answer is listed");
      assert.strictEqual(lee.points, null);
      assert.match(lee.answer, /continues the previous one/);
      const post = (body: object, h: Record<string, string> = headers) => fetch(`http://127.0.0.1:${server.port}/api/grade`, { method: "POST", headers: h, body: JSON.stringify(body) });
      const forged = await post({ submission: LEE, notebook: "01-words.ipynb", gradeId: "q2", points: 2 }, { "content-type": "application/json" });
      assert.strictEqual(forged.status, 403, "no token, no score");
      const tooMany = await post({ submission: LEE, notebook: "01-words.ipynb", gradeId: "q2", points: 5 });
      assert.strictEqual(tooMany.status, 400);
      assert.match(((await tooMany.json()) as { error: string }).error, /must be between 0 and 2/);
      const autograded = await post({ submission: LEE, notebook: "01-words.ipynb", gradeId: "q1", points: 1 });
      assert.match(((await autograded.json()) as { error: string }).error, /autograded, not a manually graded question; use override/);
      const ok = await post({ submission: LEE, notebook: "01-words.ipynb", gradeId: "q2", points: 1.5, comment: "Right idea; say what ## means for the vocabulary." });
      assert.strictEqual(ok.status, 200);
    } finally {
      await server.close();
    }
    rows = readRows();
    const q2 = find(LEE, "01", "q2");
    assert.strictEqual(q2.points, "1.5");
    assert.match(q2.reason, /graded by hand by prof\.kim on \d{4}-.*: Right idea/);
  });

  it("overrides a score with who, when and why; keeps it through a one-question regrade", async () => {
    const bad = await cli(["override", "José", "01", "q1", "9", "--reason", "x", "--out", out]);
    assert.strictEqual(bad.code, 1);
    assert.match(bad.err, /points 9 for José\/01-words.ipynb\/q1: must be between 0 and 4/);
    const noReason = await cli(["override", "José", "01", "q1", "3", "--out", out]);
    assert.strictEqual(noReason.code, 2);
    assert.match(noReason.err, /missing --reason/);
    const unknown = await cli(["override", "José", "01", "q9", "1", "--reason", "x", "--out", out]);
    assert.match(unknown.err, /no question "q9" \(has: q1, q2, q3\)/);
    const r = await cli(["override", "José", "01", "q1", "3", "--reason", "hidden test was ambiguous", "--by", "ta.park", "--out", out]);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /José\/01-words.ipynb\/q1: 3\/4 points \(autograder: 2\)/);
    rows = readRows();
    assert.strictEqual(find("José", "01", "q1").points, "3");
    assert.match(find("José", "01", "q1").reason, /score overridden by ta\.park on .* \(autograder: 2\/4\): hidden test was ambiguous/);

    // José fixes q3's function to fail; a regrade of just 01/q3 changes only that row, and the override stays.
    const words = await readNotebook(path.join(COURSE, "01-words.ipynb"));
    put(subs, "José", "01-words.ipynb", filled(words, { "q1-solution": 'function count(text: string): number {\n  return text === "" ? 0 : text.split(" ").length;\n}', "q3-solution": 'function shout(text: string): string {\n  return text;\n}' }));
    const before = rows.filter((x) => !(x.submission === "José" && x.grade_id === "q3" && x.notebook.startsWith("01")));
    const regrade = await grade({ submissions: subs, assignment: spec, roster, out, only: ["José/01/q3"], jobs: 1, timeoutMs: 30_000, quiet: true });
    assert.strictEqual(regrade.graded, 1);
    rows = readRows();
    assert.strictEqual(find("José", "01", "q3").status, "failed");
    assert.deepStrictEqual(rows.filter((x) => !(x.submission === "José" && x.grade_id === "q3" && x.notebook.startsWith("01"))), before, "every other row unchanged");
    assert.strictEqual(find("José", "01", "q1").points, "3", "the override survives the regrade");
    const unknownStudent = await grade({ submissions: subs, assignment: spec, roster, out, only: ["nobody"], quiet: true }).then(
      () => "no error",
      (e: Error) => e.message,
    );
    assert.match(unknownStudent, /--only nobody: no such student/);
  });

  it("applies the late penalty from timestamp.txt against the due date", () => {
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      const jose = book.records().filter((r) => r.submission === "José");
      assert.ok(jose.every((r) => r.submittedAt === "2026-12-02T10:00:00.000Z"));
      assert.ok(jose.every((r) => r.latePenalty === 0.2 && r.daysLate === 2), JSON.stringify(jose.map((r) => [r.latePenalty, r.daysLate])));
      const sums = jose.find((r) => r.notebook === "02-sums.ipynb")!;
      assert.strictEqual(sums.score, 1.6, "2 points less 20%");
      const lee = book.records().filter((r) => r.submission === LEE);
      assert.ok(lee.every((r) => r.latePenalty === 0), "file times before the due date: on time");
    } finally {
      book.close();
    }
  });

  it("exports canvas, gradescope and wide CSVs with totals and per-question columns", async () => {
    for (const format of ["canvas", "gradescope", "wide"]) {
      const r = await cli(["export", "--out", out, "--format", format, "--title", "hw1"]);
      assert.strictEqual(r.code, 0, r.err);
    }
    const bad = await cli(["export", "--out", out, "--format", "moodle"]);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--format moodle: expected canvas, gradescope, wide/);
    const canvas = parse(readFileSync(path.join(out, "export-canvas.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    assert.deepStrictEqual(Object.keys(canvas[0]), ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw1"]);
    assert.strictEqual(canvas[0].Student, "Points Possible");
    assert.strictEqual(canvas[0].hw1, "9");
    const byId = new Map(canvas.slice(1).map((c) => [c["SIS User ID"], c]));
    // 이서연: 4 + 1.5 (manual) + 1 + 2 = 8.5. José: (3 + 0 + 0) × 0.8 + 2 × 0.8 = 4.
    assert.strictEqual(byId.get(LEE)?.hw1, "8.5");
    assert.strictEqual(byId.get(LEE)?.Student, "Lee Seoyeon");
    assert.strictEqual(byId.get("José")?.hw1, "4");
    assert.strictEqual(byId.get("carol")?.hw1, "0");
    const wide = parse(readFileSync(path.join(out, "export-wide.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const jose = wide.find((w) => w.id === "José")!;
    assert.strictEqual(jose["01-words/q1"], "3");
    assert.strictEqual(jose["02-sums late penalty"], "0.2");
    assert.match(jose.notes, /late: 01-words −20%, 02-sums −20%; 1 score overridden/);
    assert.match(wide.find((w) => w.id === "bob")!.notes, /1 notebook missing/);
    assert.match(wide.find((w) => w.id === "José")!.notes, /1 answer awaiting manual grading/);
    const gs = parse(readFileSync(path.join(out, "export-gradescope.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    assert.ok(Object.keys(gs[0]).includes("01-words/q1 (4 pts)"));
    assert.strictEqual(gs.find((g) => g.SID === LEE)!["Total Score"], "8.5");
  });

  it("writes a small, responsive class report with per-notebook and per-question statistics", async () => {
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      await writeFeedback(book, path.join(out, "feedback"));
    } finally {
      book.close();
    }
    const indexFile = path.join(out, "feedback", "index.html");
    const index = readFileSync(indexFile, "utf8");
    assert.ok(statSync(indexFile).size < 100_000, `index.html is ${statSync(indexFile).size} bytes`);
    assert.ok(existsSync(path.join(out, "feedback", "plotly.min.js")), "plotly.js beside the report");
    assert.match(index, /<script src="plotly.min.js"><\/script>/);
    assert.match(index, /name="viewport"/);
    assert.match(index, /<h2>Per notebook<\/h2>.*<th class="n">median<\/th>/s);
    assert.match(index, /<h2>Per question<\/h2>/);
    assert.match(index, /01-words\/q1/);
    assert.match(index, /<th class="n">infrastructure error<\/th>/);
    // Shown as given: the folder was named in NFD, so compare in NFC.
    assert.ok(index.normalize("NFC").includes(">이서연</a>"), "the Korean name is listed");
    const lee = readFileSync(path.join(out, "feedback", `${LEE}.html`), "utf8").normalize("NFC");
    assert.match(lee, /Feedback for 이서연/);
    assert.match(lee, /Graded by prof\.kim on .*: Right idea/);
    const jose = readFileSync(path.join(out, "feedback", "José.html"), "utf8");
    assert.match(jose, /Score changed by ta\.park on .* from 2 to 3: hidden test was ambiguous/);
    assert.match(jose, /2 days late: −20%/);
    assert.doesNotMatch(jose, /ignores runs of spaces", \(\) => assert|count\("  x   y  "\)/, "hidden test code stays hidden");
  });

  it("releases feedback: one folder per student holding only their own page, and a CSV for the LMS", async () => {
    const dest = path.join(out, "released");
    assert.strictEqual(await main(["feedback", "--out", out, "--release", dest]), 0);
    const folders = readdirSync(dest).filter((f) => f !== "feedback.csv").sort();
    const rows = parse(readFileSync(path.join(dest, "feedback.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    assert.deepStrictEqual(rows.map((row) => row.student).sort(), folders, "one CSV row per student folder");
    for (const f of folders) {
      assert.deepStrictEqual(readdirSync(path.join(dest, f)), ["feedback.html"], `${f}'s folder holds only their page`);
      const html = readFileSync(path.join(dest, f, "feedback.html"), "utf8");
      assert.doesNotMatch(html, /index\.html|Class report/, `${f}'s page links to no class report`);
      for (const other of folders.filter((o) => o !== f)) assert.ok(!html.includes(`Feedback for ${other}`), `${f}'s page is not ${other}'s`);
    }
    const lee = rows.find((row) => row.student.normalize("NFC") === LEE.normalize("NFC")) ?? assert.fail("no row for 이서연");
    assert.strictEqual(lee.name, "Lee Seoyeon");
    assert.strictEqual(lee.score, "8.5");
    assert.match(readFileSync(path.join(dest, lee.student, "feedback.html"), "utf8").normalize("NFC"), /Feedback for 이서연/);
  });
});
