import assert from "node:assert";
import { mkdirSync, symlinkSync, writeFileSync } from "fs";
import path from "path";
import { parse } from "csv-parse/sync";
import { zipSync, strToU8 } from "fflate";
import { Gradebook, type SubmissionRecord } from "../../grader/src/gradebook";
import type { GradeStatus } from "../../grader/src/score";
import { merge } from "../../grader/src/merge";
import { toCsv } from "../../grader/src/report";
import { inShard, parseShard, readSubmissions } from "../../grader/src/submissions";
import { removeTmpDirs, tmpDir } from "./helpers";

function record(student: string, points: number): SubmissionRecord {
  return {
    submission: student,
    notebook: "hw.ipynb",
    score: points,
    maxScore: 2,
    ms: 10,
    gradedAt: "2026-01-01T00:00:00Z",
    sandbox: "test",
    notes: [],
    cells: [],
    rows: [{ submission: student, notebook: "hw.ipynb", gradeId: "q1", points, maxPoints: 2, status: points ? "passed" : "failed", reason: 'a "quoted", reason\nwith a newline', tests: [] }],
  };
}

describe("grader: submissions, gradebook, CSV, merge", () => {
  after(removeTmpDirs);
  it("reads a folder of submissions, skipping symlinks", () => {
    const root = tmpDir("subs");
    mkdirSync(path.join(root, "alice", "data"), { recursive: true });
    writeFileSync(path.join(root, "alice", "hw.ipynb"), "{}");
    writeFileSync(path.join(root, "alice", "data", "x.txt"), "x");
    symlinkSync("/etc/passwd", path.join(root, "alice", "link"));
    mkdirSync(path.join(root, "bob"));
    const subs = readSubmissions(root);
    assert.deepStrictEqual(subs.map((s) => [s.student, s.files.map((f) => f.path).sort()]), [["alice", ["data/x.txt", "hw.ipynb"]], ["bob", []]]);
  });

  it("reads a zip, with or without one top folder, and ignores path traversal", () => {
    const dir = tmpDir("zip");
    const a = path.join(dir, "a.zip");
    writeFileSync(a, zipSync({ "all/alice/hw.ipynb": strToU8("{}"), "all/bob/hw.ipynb": strToU8("{}"), "all/../evil/hw.ipynb": strToU8("x") }));
    assert.deepStrictEqual(readSubmissions(a).map((s) => s.student), ["alice", "bob"]);
    const b = path.join(dir, "b.zip");
    writeFileSync(b, zipSync({ "carol/hw.ipynb": strToU8("{}"), "README.txt": strToU8("x") }));
    assert.deepStrictEqual(readSubmissions(b).map((s) => [s.student, s.files[0].path]), [["carol", "hw.ipynb"]]);
    const bad = path.join(dir, "bad.zip");
    writeFileSync(bad, "not a zip");
    assert.throws(() => readSubmissions(bad), /bad.zip: not a readable zip archive/);
    assert.throws(() => readSubmissions(path.join(dir, "nope")), /nope: no such folder or zip file/);
  });

  it("splits students into disjoint shards and rejects bad --shard values", () => {
    const students = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const shards = [1, 2, 3].map((k) => students.filter((s) => inShard(s, { k, n: 3 })));
    assert.strictEqual(shards.flat().length, 50);
    assert.strictEqual(new Set(shards.flat()).size, 50);
    assert.ok(shards.every((s) => s.length > 5));
    assert.throws(() => parseShard("3/2"), /need 1 <= k <= n/);
    assert.throws(() => parseShard("1-2"), /expected k\/n/);
  });

  it("writes grades.csv with the agreed header and RFC 4180 quoting, newlines escaped", () => {
    const csv = toCsv(record("alice", 2).rows);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    assert.strictEqual(csv.split("\r\n")[0], "submission,notebook,grade_id,points,max_points,status,reason");
    assert.deepStrictEqual(rows[0], { submission: "alice", notebook: "hw.ipynb", grade_id: "q1", points: "2", max_points: "2", status: "passed", reason: 'a "quoted", reason\\nwith a newline' });
  });

  it("stores each notebook atomically and refuses another assignment's gradebook", () => {
    const file = path.join(tmpDir("book"), "gradebook.sqlite");
    const book = new Gradebook(file);
    book.bindAssignment("aaa");
    book.save(record("alice", 2));
    book.save(record("alice", 0)); // a re-grade replaces, never doubles
    assert.strictEqual(book.rows().length, 1);
    assert.strictEqual(book.rows()[0].points, 0);
    assert.ok(book.isGraded("alice", "hw.ipynb") && !book.isGraded("bob", "hw.ipynb"));
    book.close();
    const again = new Gradebook(file);
    assert.throws(() => again.bindAssignment("bbb"), /holds grades for a different version of the assignment/);
    again.close();
  });

  it("grades again what the machine failed or nobody handed in; errors only with --retry-errors", () => {
    const book = new Gradebook(path.join(tmpDir("needs"), "gradebook.sqlite"));
    try {
      const withStatus = (student: string, status: GradeStatus): SubmissionRecord => {
        const r = record(student, 0);
        return { ...r, rows: r.rows.map((row) => ({ ...row, status })) };
      };
      for (const [student, status] of [["ok", "failed"], ["infra", "infrastructure_error"], ["gone", "missing"], ["err", "error"], ["slow", "timeout"], ["dead", "crashed"], ["bad", "invalid"]] as const) {
        book.save(withStatus(student, status));
      }
      const again = (retryErrors: boolean) => ["ok", "infra", "gone", "err", "slow", "dead", "bad", "new"].filter((s) => book.needsGrading(s, "hw.ipynb", retryErrors));
      assert.deepStrictEqual(again(false), ["infra", "gone", "new"]);
      assert.deepStrictEqual(again(true), ["infra", "gone", "err", "slow", "dead", "new"]);
    } finally {
      book.close();
    }
  });

  it("keeps a person's score apart from the grader's: through a regrade, and through merge", async () => {
    const dir = tmpDir("adjust");
    const book = new Gradebook(path.join(dir, "gradebook.sqlite"));
    try {
      book.bindAssignment("fp");
      book.save(record("alice", 0));
      assert.throws(() => book.setAdjustment({ kind: "override", submission: "alice", notebook: "hw.ipynb", gradeId: "q1", points: 3, reason: "x", by: "ta", at: "t" }), /must be between 0 and 2/);
      assert.throws(() => book.setAdjustment({ kind: "override", submission: "alice", notebook: "hw.ipynb", gradeId: "q9", points: 1, reason: "x", by: "ta", at: "t" }), /no question "q9" \(has: q1\)/);
      assert.throws(() => book.setAdjustment({ kind: "manual", submission: "alice", notebook: "hw.ipynb", gradeId: "q1", points: 1, reason: "x", by: "ta", at: "t" }), /autograded, not a manually graded question; use override/);
      book.setAdjustment({ kind: "override", submission: "alice", notebook: "hw.ipynb", gradeId: "q1", points: 1.5, reason: "typo in the test", by: "ta", at: "2026-01-02" });
      const effective = () => book.records()[0];
      assert.strictEqual(effective().score, 1.5);
      assert.match(effective().rows[0].reason, /score overridden by ta on 2026-01-02 \(autograder: 0\/2\): typo in the test/);
      // A regrade stores the grader's result again; the override still applies on top of it.
      book.save(record("alice", 2));
      assert.strictEqual(effective().score, 1.5);
      assert.strictEqual(effective().rows[0].adjustment?.autoPoints, 2);
      // Saving a record read back (with its adjustment) stores the grader's points, not the person's.
      book.save(effective());
      assert.strictEqual((book.db.prepare("SELECT points FROM grades").get() as { points: number }).points, 2);
    } finally {
      book.close();
    }
    const merged = path.join(dir, "merged");
    await merge([dir], merged);
    const out = new Gradebook(path.join(merged, "gradebook.sqlite"), { readonly: true });
    try {
      assert.strictEqual(out.records()[0].score, 1.5, "the override travels with the merge");
    } finally {
      out.close();
    }
  });

  it("merges shard gradebooks and rejects conflicting results", async () => {
    const dirs = [tmpDir("s1"), tmpDir("s2"), tmpDir("s3")];
    const fill = (dir: string, recs: SubmissionRecord[], fp = "fp") => {
      const b = new Gradebook(path.join(dir, "gradebook.sqlite"));
      b.bindAssignment(fp);
      recs.forEach((r) => b.save(r));
      b.close();
    };
    fill(dirs[0], [record("alice", 2)]);
    fill(dirs[1], [record("bob", 0), record("alice", 2)]);
    fill(dirs[2], [record("alice", 0)]);
    const out = tmpDir("merged");
    const summary = await merge(dirs.slice(0, 2), out);
    assert.strictEqual(summary.notebooks, 2);
    assert.deepStrictEqual((parse(require("fs").readFileSync(summary.csv, "utf8"), { columns: true }) as { submission: string }[]).map((r) => r.submission), ["alice", "bob"]);
    await assert.rejects(merge(dirs, tmpDir("m2")), /alice\/hw.ipynb was graded differently/);
    const other = tmpDir("s4");
    fill(other, [record("zed", 1)], "other");
    await assert.rejects(merge([dirs[0], other], tmpDir("m3")), /different version of the assignment/);
  });
});
