/**
 * `npm run bench:grade -- --json`: grades a generated class of 100 submissions of the grader's
 * fixture notebook (3 questions) with the default parallelism and sandbox, and prints the total and
 * per-submission seconds. Goal: at most 120 s on 2 cores.
 *
 * Reference in the same run: a few submissions graded serially (one kernel at a time), the way
 * nbgrader and otter grade, so `speedup` is a ratio on this machine, not an absolute number.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import os from "os";
import path from "path";
import { cellSource, formatNotebook, readNotebook, type Notebook } from "../src/notebook";
import { releaseNotebook } from "../grader/src/assign";
import { grade } from "../grader/src/grade";
import { nbgraderMeta } from "../grader/src/nbgrader";

const json = process.argv.includes("--json");
const count = Number(process.env.BENCH_SUBMISSIONS ?? 100);
const serialCount = Number(process.env.BENCH_SERIAL ?? 4);
const assignment = path.resolve(__dirname, "../test/fixtures/grader/solutions");

function variant(source: Notebook, release: Notebook, i: number): Notebook {
  // A realistic mix: most solve everything, some leave a question unfilled or get one wrong.
  return {
    ...release,
    cells: release.cells.map((c, j) => {
      const meta = nbgraderMeta(c);
      if (!meta?.solution) return c;
      if (i % 5 === 1 && meta.grade_id === "q2-solution") return c; // unfilled
      if (i % 7 === 2 && meta.grade_id === "q1-solution") return { ...c, source: "function double(x: number): number {\n  return x + 2;\n}" };
      return { ...c, source: cellSource(source.cells[j]) };
    }),
  };
}

function makeClass(root: string, n: number, source: Notebook, release: Notebook): void {
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, `student${String(i).padStart(3, "0")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "arith.ipynb"), formatNotebook(variant(source, release, i)));
  }
}

async function main(): Promise<void> {
  const source = await readNotebook(path.join(assignment, "arith.ipynb"));
  const release = releaseNotebook(source, "arith.ipynb");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bertlab-bench-grade-"));
  try {
    makeClass(path.join(tmp, "serial"), serialCount, source, release);
    makeClass(path.join(tmp, "class"), count, source, release);
    const serial = await grade({ submissions: path.join(tmp, "serial"), assignment, out: path.join(tmp, "serial-out"), jobs: 1, quiet: true });
    const run = await grade({ submissions: path.join(tmp, "class"), assignment, out: path.join(tmp, "class-out"), quiet: true });
    const serialPer = serial.ms / 1000 / serialCount;
    const per = run.ms / 1000 / count;
    const result = {
      bench: "grade",
      submissions: count,
      jobs: run.jobs,
      cores: os.cpus().length,
      sandbox: run.sandbox,
      total_s: +(run.ms / 1000).toFixed(2),
      per_submission_s: +per.toFixed(3),
      mean_notebook_s: +(run.notebookMs.reduce((a, b) => a + b, 0) / run.notebookMs.length / 1000).toFixed(3),
      serial_per_submission_s: +serialPer.toFixed(3),
      speedup_vs_serial: +(serialPer / per).toFixed(2),
      goal_total_s: 120,
      within_goal: run.ms / 1000 <= 120,
    };
    if (json) console.log(JSON.stringify(result));
    else console.log(`graded ${count} submissions in ${result.total_s} s (${result.per_submission_s} s each, ${run.jobs} kernels, ${run.sandbox}); serial: ${result.serial_per_submission_s} s each; speedup ${result.speedup_vs_serial}x`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench:grade: ${(e as Error).message}`);
  process.exitCode = 1;
});
