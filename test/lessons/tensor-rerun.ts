/**
 * Issue 18: re-running a lesson's main cells must not grow `tf.memory().numTensors`.
 *
 * `withRerun` appends to a lesson a second pass over its main cells (every code cell but the setup ones), with a
 * probe cell that prints numTensors before the second pass and after each re-run cell. `runNotebook` then runs
 * the lesson and the second pass in one kernel, so the lesson's own test and this check share one run: the
 * first `lessonCells` cells of the run are the lesson as it always ran, and `tensorRerun` reads the probes.
 */
import { cellSource, codeCell, type NbCell, type Notebook } from "../../src/notebook";
import assert from "node:assert/strict";
import { describeCell, type NotebookRun } from "../../src/runner";

const PROBE_MARK = "@@bertlab-numTensors ";
const PROBE = `console.log("${PROBE_MARK}" + require("@tensorflow/tfjs").memory().numTensors);`;

export interface RerunPlan {
  notebook: Notebook;
  /** How many cells the lesson itself has: run.notebook.cells.slice(0, lessonCells) is the first pass. */
  lessonCells: number;
  /** Index of the probe before the second pass. */
  startProbe: number;
  /** Per re-run cell: its index in the lesson, its index in the plan, and the probe after it. */
  reruns: { lessonIndex: number; index: number; probe: number }[];
}

/**
 * The lesson, then a probe, then each main cell again followed by a probe. `setup` names the cells not re-run
 * (imports, loading the tokenizer and the model, a long training): each pattern must match exactly one code cell,
 * so a renamed cell fails loudly instead of silently being re-run or skipped.
 */
export function withRerun(lesson: Notebook, setup: RegExp[]): RerunPlan {
  const code = lesson.cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === "code" && cellSource(c).trim() !== "");
  const skipped = new Set<number>();
  for (const pattern of setup) {
    const hits = code.filter(({ c }) => pattern.test(cellSource(c)));
    if (hits.length !== 1) throw new Error(`setup pattern ${pattern} matches ${hits.length} code cells of the lesson, expected exactly 1`);
    skipped.add(hits[0].i);
  }
  const cells: NbCell[] = [...lesson.cells];
  const startProbe = cells.push(codeCell(PROBE)) - 1;
  const reruns: RerunPlan["reruns"] = [];
  for (const { c, i } of code) {
    if (skipped.has(i)) continue;
    const index = cells.push(codeCell(cellSource(c), { ...c.metadata })) - 1;
    const probe = cells.push(codeCell(PROBE)) - 1;
    reruns.push({ lessonIndex: i, index, probe });
  }
  return { notebook: { ...lesson, cells }, lessonCells: lesson.cells.length, startProbe, reruns };
}

/** The first pass of a planned run, shaped like a run of the lesson alone. */
export function firstPass(run: NotebookRun, plan: RerunPlan): NotebookRun {
  const cells = run.cells.filter((c) => c.index < plan.lessonCells);
  const errors = Object.fromEntries(Object.entries(run.errors).filter(([i]) => Number(i) < plan.lessonCells));
  return {
    notebook: { ...run.notebook, cells: run.notebook.cells.slice(0, plan.lessonCells) },
    cells,
    ok: cells.every((c) => c.status === "ok" || c.status === "skipped"),
    ms: run.ms,
    errors,
  };
}

export interface TensorRerun {
  /** numTensors after the first pass and after the second. */
  first: number;
  second: number;
  /** Re-run cells after which numTensors was higher than before them, as "cell 12 (`const x = ...`): +6". */
  grew: string[];
  /** Why the second pass could not be measured (a re-run cell failed), else undefined. */
  failure?: string;
}

function probeValue(run: NotebookRun, index: number): number | undefined {
  const text = (run.notebook.cells[index]?.outputs ?? [])
    .map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : ""))
    .join("");
  const m = new RegExp(`${PROBE_MARK}(\\d+)`).exec(text);
  return m ? Number(m[1]) : undefined;
}

export function tensorRerun(run: NotebookRun, plan: RerunPlan): TensorRerun {
  const lesson = plan.notebook.cells;
  const first = probeValue(run, plan.startProbe);
  if (first === undefined) return { first: NaN, second: NaN, grew: [], failure: `the probe after the first pass printed nothing: ${run.errors[plan.startProbe] ?? "not run"}` };
  let before = first;
  const grew: string[] = [];
  for (const r of plan.reruns) {
    const after = probeValue(run, r.probe);
    const what = describeCell(r.lessonIndex, cellSource(lesson[r.lessonIndex]));
    if (after === undefined) {
      const error = run.errors[r.index] ?? run.errors[r.probe] ?? "not run";
      return { first, second: NaN, grew, failure: `re-running ${what} failed:\n${error.slice(0, 1500)}` };
    }
    if (after > before) grew.push(`${what}: +${after - before}`);
    before = after;
  }
  return { first, second: before, grew };
}

/** The lesson tests' check: the second pass was measured and numTensors did not grow, else which cells grew. */
export function assertNoTensorGrowth(rerun: TensorRerun | undefined, firstRunOk: boolean): void {
  assert.ok(firstRunOk, "the lesson failed its first run (see the test above), so its re-run was not measured");
  assert.ok(rerun, "no re-run was measured");
  assert.equal(rerun.failure, undefined, rerun.failure);
  assert.ok(
    rerun.second <= rerun.first,
    `numTensors was ${rerun.first} after the first run and ${rerun.second} after re-running the main cells. Cells that grew:\n  ${rerun.grew.join("\n  ")}\n` +
      "Compute inside tf.tidy and keep plain numbers, or keep what later cells need with hold(name, value) (HeldValues).",
  );
}
