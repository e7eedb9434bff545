/**
 * Infrastructure failures are never grades. Each failure is injected for real, by a command put in
 * front of the kernel's (GradeOptions.kernelPrefix): a kernel command that exits, a port taken
 * before the kernel binds it, and CPU burners pinned to the kernel's core. Then: two graders at
 * once on one class agree.
 */
import assert from "node:assert";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import path from "path";
import { parse } from "csv-parse/sync";
import { grade, notebookTimeoutMs } from "../../grader/src/grade";
import { formatNotebook } from "../../src/notebook";
import { Gradebook } from "../../grader/src/gradebook";
import { writeExport } from "../../grader/src/export";
import { overloadReason } from "../../grader/src/execute";
import { main } from "../../grader/src/cli";
import { NOTEBOOK, SOLUTIONS, loadFixture, perfect, removeTmpDirs, tmpDir, withCell, writeSubmission } from "./helpers";

type Row = { submission: string; notebook: string; grade_id: string; points: string; max_points: string; status: string; reason: string };
const rowsOf = (out: string) => parse(readFileSync(path.join(out, "grades.csv"), "utf8"), { columns: true }) as Row[];

/** A shell script that does `action` on its first `times` runs (counted in a file), and runs its arguments. */
function prefixScript(dir: string, name: string, times: number, action: string): string {
  const file = path.join(dir, `${name}.sh`);
  const counter = path.join(dir, `${name}.count`);
  writeFileSync(counter, "0");
  writeFileSync(
    file,
    `#!/bin/sh
n=$(cat '${counter}'); echo $((n + 1)) > '${counter}'
if [ "$n" -lt ${times} ]; then
${action}
fi
exec "$@"
`,
  );
  chmodSync(file, 0o755);
  return file;
}

const runs = (dir: string, name: string) => Number(readFileSync(path.join(dir, `${name}.count`), "utf8"));

describe("grader: infrastructure failures are retried, never graded (injected for real)", function () {
  after(removeTmpDirs);
  let subs = "";

  before(async () => {
    const { source, release } = await loadFixture();
    subs = tmpDir("infra-class");
    writeSubmission(subs, "ada", perfect(source, release));
  });

  it("judges a timeout by unstarved time: waiting for a CPU is the machine's, not the student's", () => {
    assert.strictEqual(overloadReason({ cpuMs: 900, waitMs: 100, wallMs: 5000 }, "cell 3", 5000), "", "sleeping or busy on an idle machine: the student's timeout");
    assert.match(overloadReason({ cpuMs: 3000, waitMs: 36000, wallMs: 40000 }, "cell 3", 5000), /cell 3 could not finish because the machine was overloaded: in 40\.0 s its kernel waited 36\.0 s for a CPU and ran 3\.0 s/);
    assert.strictEqual(overloadReason(null, "cell 3", 5000), "", "not measurable: the runner's plain timeout stands");
  });

  it("retries a kernel command that exits, then grades as usual", async () => {
    const dir = tmpDir("infra-exit");
    const prefix = prefixScript(dir, "exit", 1, '  echo "injected: kernel command exits" >&2; exit 7');
    const out = path.join(dir, "out");
    const summary = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, retryBackoffMs: 100, kernelPrefix: [prefix], quiet: true });
    assert.strictEqual(summary.retried, 1);
    assert.strictEqual(summary.infrastructureErrors, 0);
    assert.deepStrictEqual(rowsOf(out).map((r) => [r.grade_id, r.status, r.points]), [["q1", "passed", "2"], ["q2", "passed", "3"], ["q3", "passed", "1"]]);
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      assert.match(book.records()[0].notes.join("\n"), /attempt 1 not counted: the kernel did not start/);
    } finally {
      book.close();
    }
  });

  it("bertlab-grader grade --retry-errors (the CLI, end to end) grades again a notebook whose cells errored, and only with the flag", async () => {
    const dir = tmpDir("retry-errors");
    const flag = path.join(dir, "dataset-mounted");
    const { source, release } = await loadFixture();
    const class2 = path.join(dir, "subs");
    // q1 errors until the file appears: an error that was the environment's, fixed by the instructor.
    const flaky = `if (!require("fs").existsSync(${JSON.stringify(flag)})) throw new Error("shared dataset not mounted");\nfunction double(x: number): number {\n  return 2 * x;\n}`;
    writeSubmission(class2, "ada", withCell(perfect(source, release), "q1-solution", flaky));
    const out = path.join(dir, "out");
    const cli = (...extra: string[]) => main(["grade", class2, "--assignment", SOLUTIONS, "--out", out, "--sandbox", "none", "--jobs", "1", "--json", ...extra]);
    const q1 = () => rowsOf(out).find((r) => r.grade_id === "q1")!;
    assert.strictEqual(await cli(), 0);
    assert.strictEqual(q1().status, "error");
    writeFileSync(flag, "");
    assert.strictEqual(await cli(), 0);
    assert.strictEqual(q1().status, "error", "without --retry-errors an errored notebook keeps its grade");
    assert.strictEqual(await cli("--retry-errors"), 0);
    assert.deepStrictEqual(rowsOf(out).map((r) => [r.grade_id, r.status, r.points]), [["q1", "passed", "2"], ["q2", "passed", "3"], ["q3", "passed", "1"]]);
  });

  it("gives a notebook the time its instructor's source declares (bertlab.timeout), never what a student's copy declares", async () => {
    const dir = tmpDir("declared-timeout");
    const { source, release } = await loadFixture();
    const slow = withCell(perfect(source, release), "q1-solution", "function double(x: number): number { return 2 * x; }\nawait new Promise((r) => setTimeout(r, 4000));");
    const class4 = path.join(dir, "subs");
    writeSubmission(class4, "ada", { ...slow, metadata: { ...slow.metadata, bertlab: { timeout: 600 } } });
    const statusOf = async (assignment: string, out: string) => {
      await grade({ submissions: class4, assignment, out, jobs: 1, timeoutMs: 2000, sandbox: "none", quiet: true });
      return rowsOf(out).find((r) => r.grade_id === "q1")!.status;
    };
    assert.strictEqual(await statusOf(SOLUTIONS, path.join(dir, "plain")), "timeout", "the student's own metadata buys no time");
    const declared = path.join(dir, "solutions");
    mkdirSync(declared);
    writeFileSync(path.join(declared, NOTEBOOK), formatNotebook({ ...source, metadata: { ...source.metadata, bertlab: { timeout: 30 } } }));
    assert.strictEqual(await statusOf(declared, path.join(dir, "declared")), "passed", "the source's 30 s per cell covers the 4 s cell");
    assert.strictEqual(notebookTimeoutMs({ source: { ...source, metadata: { bertlab: { timeout: 30 } } } }, 2000), 30_000);
    assert.strictEqual(notebookTimeoutMs({ source: { ...source, metadata: { bertlab: { timeout: 1 } } } }, 60_000), 60_000, "never below the grader's own limit");
    assert.strictEqual(notebookTimeoutMs({ source: { ...source, metadata: { bertlab: { timeout: "lots" } } } }, 60_000), 60_000);
  });

  it("stores infrastructure_error when the kernel never starts, keeps it out of totals and exports, and grades it on the next run", async () => {
    const dir = tmpDir("infra-dead");
    const prefix = prefixScript(dir, "dead", 1000, "  exit 7");
    const out = path.join(dir, "out");
    const first = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, retries: 2, retryBackoffMs: 50, kernelPrefix: [prefix], quiet: true });
    assert.strictEqual(first.infrastructureErrors, 1);
    assert.strictEqual(first.retried, 2);
    assert.strictEqual(runs(dir, "dead"), 3, "1 run + 2 retries");
    const rows = rowsOf(out);
    assert.deepStrictEqual(rows.map((r) => r.status), ["infrastructure_error", "infrastructure_error", "infrastructure_error"]);
    assert.match(rows[0].reason, /not graded: the kernel did not start: .*\(3 attempts\); the next grade run tries again/);
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      const rec = book.records()[0];
      assert.deepStrictEqual([rec.score, rec.maxScore], [0, 0], "no grade, not a zero");
      const exp = await writeExport(book, out, "canvas", "hw");
      assert.strictEqual(exp.incomplete, 1);
      const canvas = parse(readFileSync(exp.file, "utf8"), { columns: true }) as Record<string, string>[];
      assert.strictEqual(canvas.find((c) => c["SIS User ID"] === "ada")?.hw, "", "an LMS never receives a zero for a machine failure");
    } finally {
      book.close();
    }
    // The machine is healthy again: a plain rerun picks the notebook up.
    const second = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, quiet: true });
    assert.strictEqual(second.graded, 1);
    assert.deepStrictEqual(rowsOf(out).map((r) => [r.status, r.points]), [["passed", "2"], ["passed", "3"], ["passed", "1"]]);
    const third = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, quiet: true });
    assert.strictEqual(third.graded, 0, "graded notebooks are not graded again");
  });

  it("survives a port taken before the kernel binds it", async function () {
    // Four failed starts, each of which may wait out the 30 s handshake on a loaded machine.
    this.timeout(6 * 60_000);
    const dir = tmpDir("infra-port");
    // Takes the kernel's shell port from its connection file and holds it while the kernel starts.
    const take = [
      '  cfg=""; prev=""; for a in "$@"; do [ "$prev" = "--config-path" ] && cfg="$a"; prev="$a"; done',
      `  port=$(${JSON.stringify(process.execPath)} -e 'process.stdout.write(String(require(process.argv[1]).shell_port))' "$cfg")`,
      `  ${JSON.stringify(process.execPath)} -e 'const s=require("net").createServer().listen(+process.argv[1],"127.0.0.1",()=>console.log("taken"));setTimeout(()=>s.close(),10000)' "$port" > '${dir}/taken.log' 2>&1 &`,
      `  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do grep -q taken '${dir}/taken.log' 2>/dev/null && break; sleep 0.1; done`,
    ].join("\n");
    // More takes than the runner's own retries (3), so the grader's retry is exercised too.
    const prefix = prefixScript(dir, "port", 4, take);
    const out = path.join(dir, "out");
    const summary = await grade({ submissions: subs, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, retryBackoffMs: 100, kernelPrefix: [prefix], quiet: true });
    assert.ok(runs(dir, "port") >= 5, `the kernel was started ${runs(dir, "port")} times`);
    assert.strictEqual(summary.infrastructureErrors, 0);
    assert.deepStrictEqual(rowsOf(out).map((r) => [r.status, r.points]), [["passed", "2"], ["passed", "3"], ["passed", "1"]]);
  });

  it("retries a kernel killed from outside (SIGKILL, as the OOM killer does) and does not charge the student", async function () {
    this.timeout(10 * 60_000);
    const { source, release } = await loadFixture();
    const dir = tmpDir("infra-kill");
    const class4 = path.join(dir, "subs");
    // q2's cell marks in its working copy that it is running, then waits: the first kernel is killed
    // right there, by a watcher outside the sandbox, the way the OOM killer or an operator would.
    const q2 = 'import { writeFileSync } from "fs";\nwriteFileSync("reached-q2", "");\nawait new Promise((r) => setTimeout(r, 3000));\nfunction mean(xs: number[]): number { return xs.reduce((a, b) => a + b, 0) / xs.length; }';
    writeSubmission(class4, "ada", withCell(perfect(source, release), "q2-solution", q2));
    const kill = [
      "  me=$$",
      '  ( n=0; while [ ! -e "$PWD/reached-q2" ]; do n=$((n + 1)); [ $n -gt 3000 ] && exit 0; sleep 0.1; done; kill -9 "$me" ) > /dev/null 2>&1 &',
    ].join("\n");
    const prefix = prefixScript(dir, "kill", 1, kill);
    const out = path.join(dir, "out");
    const summary = await grade({ submissions: class4, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 30_000, retryBackoffMs: 100, kernelPrefix: [prefix], quiet: true });
    assert.strictEqual(summary.retried, 1);
    assert.strictEqual(summary.infrastructureErrors, 0);
    assert.deepStrictEqual(rowsOf(out).map((r) => [r.grade_id, r.status, r.points]), [["q1", "passed", "2"], ["q2", "passed", "3"], ["q3", "passed", "1"]]);
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      assert.match(book.records()[0].notes.join("\n"), /attempt 1 not counted: .*killed from outside \(SIGKILL\)/);
    } finally {
      book.close();
    }
  });

  it("does not charge a timeout to the student while CPU burners starve the kernel", async function () {
    // Starved on purpose: this takes what the machine makes it take; nothing here is timed.
    this.timeout(15 * 60_000);
    const { source, release } = await loadFixture();
    const dir = tmpDir("infra-load");
    const class2 = path.join(dir, "subs");
    // q1 needs 1.5 s of CPU for its loop and about 2 s more for tslab to type-check the cell: inside an
    // 8 s limit on a machine that gives it the CPU, and far past 8 s of wall time when 8 loops share its core.
    writeSubmission(class2, "busy", withCell(perfect(source, release), "q1-solution", "function double(x: number): number { return 2 * x; }\nconst t0 = process.cpuUsage().user;\nwhile (process.cpuUsage().user - t0 < 1.5e6) {}"));
    // First kernel only: pinned to CPU 0; once it listens (so start-up is not what gets starved), 8
    // busy loops join it on CPU 0 for up to 40 s. Their pids go to a file so the test stops them.
    const pids = path.join(dir, "burners.pid");
    const burn = [
      '  cfg=""; prev=""; for a in "$@"; do [ "$prev" = "--config-path" ] && cfg="$a"; prev="$a"; done',
      `  port=$(${JSON.stringify(process.execPath)} -e 'process.stdout.write(String(require(process.argv[1]).shell_port))' "$cfg")`,
      `  ( n=0; while ! ss -ltnH "sport = :$port" | grep -q .; do n=$((n + 1)); [ $n -gt 600 ] && exit 0; sleep 0.1; done; sleep 1`,
      `    i=0; while [ $i -lt 8 ]; do timeout 40 taskset -c 0 sh -c 'while :; do :; done' & echo $! >> '${pids}'; i=$((i + 1)); done ) > /dev/null 2>&1 &`,
      '  exec taskset -c 0 "$@"',
    ].join("\n");
    const prefix = prefixScript(dir, "burn", 1, burn);
    const out = path.join(dir, "out");
    let summary: Awaited<ReturnType<typeof grade>>;
    try {
      summary = await grade({ submissions: class2, assignment: SOLUTIONS, out, jobs: 1, timeoutMs: 8000, retryBackoffMs: 100, kernelPrefix: [prefix], quiet: true });
    } finally {
      for (const pid of existsSync(pids) ? readFileSync(pids, "utf8").split(/\s+/).filter(Boolean) : []) {
        try {
          // SIGTERM, which `timeout` passes on to its burner; a SIGKILLed `timeout` left the burner spinning for hours.
          process.kill(Number(pid), "SIGTERM");
        } catch {
          // already ended by its own `timeout 40`
        }
      }
    }
    const rows = rowsOf(out);
    assert.deepStrictEqual(rows.map((r) => [r.grade_id, r.status, r.points]), [["q1", "passed", "2"], ["q2", "passed", "3"], ["q3", "passed", "1"]], JSON.stringify(rows));
    assert.ok(existsSync(pids), "the burners started");
    const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
    try {
      const rec = book.records()[0];
      // Either the starved cell got its extra time and passed, or the run was abandoned as overloaded and retried.
      const q1Cell = rec.cells.find((c) => c.gradeId === "q1-solution")!;
      const notes = rec.notes.join("\n");
      assert.ok(q1Cell.ms > 8000 || /overloaded/.test(notes), `q1 took ${q1Cell.ms} ms, retried ${summary.retried} (${notes}): the burners did not starve it`);
    } finally {
      book.close();
    }
  });

  it("two graders at once on the same class give identical grades", async () => {
    const { source, release } = await loadFixture();
    const dir = tmpDir("infra-twice");
    const class3 = path.join(dir, "subs");
    writeSubmission(class3, "ada", perfect(source, release));
    writeSubmission(class3, "ben", withCell(perfect(source, release), "q2-solution", "function mean(xs: number[]): number { return xs[0]; }"));
    writeSubmission(class3, "이서연", withCell(perfect(source, release), "q3-solution", "async function words(text: string): Promise<string[]> { return text.split(\" \"); }"));
    writeSubmission(class3, "dan", "{ not json");
    const [a, b] = await Promise.all(
      ["a", "b"].map((k) => grade({ submissions: class3, assignment: SOLUTIONS, out: path.join(dir, k), jobs: 2, timeoutMs: 20_000, quiet: true })),
    );
    assert.strictEqual(a.graded, 4);
    assert.strictEqual(b.graded, 4);
    const key = (r: Row) => [r.submission, r.notebook, r.grade_id, r.points, r.status].join("|");
    const ra = rowsOf(path.join(dir, "a")).map(key);
    const rb = rowsOf(path.join(dir, "b")).map(key);
    assert.strictEqual(ra.length, 12);
    assert.deepStrictEqual(ra, rb);
    assert.ok(ra.includes(["ben", NOTEBOOK, "q2", "0", "failed"].join("|")));
    assert.ok(ra.includes(["이서연", NOTEBOOK, "q3", "0", "failed"].join("|")));
  });
});
