/**
 * Lessons 04–06 and their exercises (notebooks/src -> notebooks/, solutions/, exercises/):
 * - the built notebooks are up to date with their percent-format sources;
 * - each lesson runs top to bottom in a real tslab kernel within its budget, shows its figures
 *   (plotly bundles), and every hand-built-equals-library assertion in it ran and passed;
 * - re-running its main cells in the same kernel does not grow `tf.memory().numTensors` (issue 18); the re-run is
 *   appended to the same kernel run (tensor-rerun.ts), so the lesson still runs once.
 * Their exercises are graded (solutions full marks, generated exercises zero) with the whole course in
 * lessons-01-to-03.test.ts, in one bertlab-grader run.
 * Lessons not written yet are skipped by name, so the suite grows with the course.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { cellSource, readNotebook, type Notebook } from "../../src/notebook";
import { runNotebook, type NotebookRun } from "../../src/runner";
import { assertNoTensorGrowth, firstPass, tensorRerun, withRerun, type TensorRerun } from "./tensor-rerun";
import { PLOTLY_MIME } from "../../src/viz";
import { staleFiles } from "../../scripts/build-notebooks";

const ROOT = path.resolve(__dirname, "../..");

interface LessonSpec {
  name: string;
  /** Wall-clock budget of the whole notebook, ms (the issue's: 3 min, 8 for a fine-tuning lesson). */
  budgetMs: number;
  minFigures: number;
  /** Hand-built-equals-library checks the lesson must report passing ("equal to the library within ..."). */
  libraryChecks: number;
  /**
   * The code cells not re-run by the numTensors check, one pattern each: the import/setup cells that load the
   * tokenizer and the model, and a training cell too slow to run twice. Every other code cell is a main cell.
   */
  notRerun: RegExp[];
}

const LESSONS: LessonSpec[] = [
  { name: "04-encoder-internals", budgetMs: 3 * 60_000, minFigures: 2, libraryChecks: 7, notRerun: [/^import \* as tf from/m] },
  { name: "05-pretraining", budgetMs: 3 * 60_000, minFigures: 2, libraryChecks: 4, notRerun: [/^import \* as tf from/m] },
  {
    name: "06-intent-classifier",
    budgetMs: 8 * 60_000,
    minFigures: 2,
    libraryChecks: 2,
    // Fine-tuning takes minutes and is not re-run. The cells around it are; after the model cell's re-run, the later
    // cells see an untrained head, which does not matter to a tensor count.
    notRerun: [/^import \* as tf from/m, /BertKerasLayer\.fromPretrained\(/, /await model\.fit\(/],
  },
];

/** The text a cell printed or returned, joined. */
function outputText(nb: Notebook): string {
  const parts: string[] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "stream") parts.push(Array.isArray(out.text) ? out.text.join("") : out.text);
      else if (out.output_type === "execute_result" || out.output_type === "display_data") {
        const t = out.data["text/plain"];
        if (t !== undefined) parts.push(Array.isArray(t) ? t.join("") : String(t));
      }
    }
  }
  return parts.join("\n");
}

function plotlyBundles(nb: Notebook): number {
  return nb.cells.reduce((n, c) => n + (c.outputs ?? []).filter((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in o.data).length, 0);
}

function failureReport(run: NotebookRun): string {
  return run.cells
    .filter((c) => c.status !== "ok" && c.status !== "skipped")
    .map((c) => `cell ${c.index} ${c.status}:\n${cellSource(run.notebook.cells[c.index]).slice(0, 300)}\n--- error ---\n${run.errors[c.index] ?? ""}`)
    .join("\n\n");
}

describe("lessons 04-06: sources", () => {
  it("gives every figure title and axis title in both editions (localize, issue #19)", () => {
    const option = /\b(title|xTitle|yTitle|labelTitle|valueTitle|colorbarTitle):(?!\s*(localize\(|\{\s*text:\s*localize\())/g;
    const bare: string[] = [];
    for (const file of ["04-encoder-internals.ts", "05-pretraining.ts", "06-intent-classifier.ts"]) {
      readFileSync(path.join(ROOT, "notebooks/src", file), "utf8").split("\n").forEach((line, i) => {
        if (line.trimStart().startsWith("//")) return; // markdown and comments
        for (const m of line.matchAll(option)) bare.push(`notebooks/src/${file}:${i + 1}: ${m[1]}: ${line.slice(m.index! + m[0].length, m.index! + m[0].length + 60).trim()}`);
      });
    }
    assert.deepEqual(bare, [], 'wrap these texts in localize({ en: "…", ko: "…" }) so the Korean edition shows them in Korean');
  });

  // Lesson 06 asks where pretraining should help most and then answers in words from the figures it draws
  // (bench/results/finetune.json). When a new checkpoint or bench run changes the figures, this fails until the
  // prose is brought back in line.
  it("lesson 06's answer to 'did pretraining help?' agrees with the bench figures it draws", () => {
    interface MeanRow { split: string; start: string; test_accuracy_en: number; test_accuracy_ko: number }
    const bench = JSON.parse(readFileSync(path.join(ROOT, "bench/results/finetune.json"), "utf8")) as { seeds?: number; means?: MeanRow[]; rows: MeanRow[] };
    assert.ok((bench.seeds ?? 1) >= 3 && bench.means, "bench/results/finetune.json should hold means over at least 3 seeds (npm run bench:finetune -- --seeds 3 --json): one few-shot run moves by several points");
    const gain = (split: string, lang: "en" | "ko"): number => {
      const at = (start: string): number => bench.means!.find((r) => r.split === split && r.start === start)![`test_accuracy_${lang}`];
      return at("pretrained") - at("scratch");
    };
    const prose = readFileSync(path.join(ROOT, "notebooks/src/06-intent-classifier.ts"), "utf8");
    assert.match(prose, /In \*\*English\*\* the shipped checkpoint stands above scratch, and by\s*\/\/ more with 5 examples/);
    assert.ok(gain("full", "en") > 0 && gain("few-shot", "en") > gain("full", "en"), `English: the prose says the checkpoint beats scratch, by more in few-shot; measured full ${gain("full", "en")}, few-shot ${gain("few-shot", "en")}`);
    assert.match(prose, /In \*\*Korean\*\* it stands\s*\/\/ \*below\* scratch, furthest below with 5 examples/);
    assert.ok(gain("full", "ko") < 0 && gain("few-shot", "ko") < gain("full", "ko"), `Korean: the prose says the checkpoint is below scratch, furthest in few-shot; measured full ${gain("full", "ko")}, few-shot ${gain("few-shot", "ko")}`);
  });
});

for (const lesson of LESSONS) {
  const lessonFile = path.join(ROOT, "notebooks", `${lesson.name}.ipynb`);

  describe(`lesson ${lesson.name}`, function () {
    /** numTensors after the first run and after re-running the main cells, from the run below. */
    let rerun: TensorRerun | undefined;
    let firstRunOk = false;

    before(function () {
      if (!existsSync(lessonFile)) this.skip();
    });

    it("notebooks/, solutions/ and exercises/ are built from notebooks/src", () => {
      const stale = staleFiles([lesson.name]);
      assert.deepEqual(stale, [], `run: npx tsx scripts/build-notebooks.ts ${lesson.name}`);
    });

    it(`runs in a tslab kernel, shows >= ${lesson.minFigures} figures, and every lesson-equals-library check passes`, async function () {
      // The budget is a hang guard here, with room for a loaded machine; the time against the budget is a
      // benchmark (`npm run bench:lessons`), never a test.
      // The run goes on with the main cells' second pass (for the numTensors test below), which adds at most one
      // more lesson's worth of time.
      this.timeout(3 * lesson.budgetMs + 2 * lesson.budgetMs);
      const plan = withRerun(await readNotebook(lessonFile), lesson.notRerun);
      const whole = await runNotebook(plan.notebook, { cwd: path.dirname(lessonFile), timeoutMs: 2 * lesson.budgetMs, env: { BERTLAB_QUIET: "1" } });
      const run = firstPass(whole, plan);
      firstRunOk = run.ok;
      rerun = tensorRerun(whole, plan);
      assert.ok(run.ok, `${lesson.name} failed:\n${failureReport(run)}`);
      const figures = plotlyBundles(run.notebook);
      assert.ok(figures >= lesson.minFigures, `emitted ${figures} plotly bundles, expected at least ${lesson.minFigures}`);
      // Each check prints one "equal to the library within" line when it passes (and throws otherwise);
      // in a lesson using assertClose(...), every call must have reported.
      const source = run.notebook.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");
      const calls = (source.match(/\bassertClose\(/g) ?? []).length - (source.match(/function assertClose\(/g) ?? []).length;
      const passed = (outputText(run.notebook).match(/equal to the library within/g) ?? []).length;
      assert.ok(passed >= lesson.libraryChecks, `${passed} lesson-equals-library checks reported passing, expected ${lesson.libraryChecks}`);
      if (calls > 0) assert.equal(passed, calls, `${calls} assertClose checks in the source, ${passed} reported passing`);
      if (lesson.name === "06-intent-classifier") {
        // Issue 14: the classifier trains long enough to work (>= 10 epochs of live output, no crash), and its
        // validation curve reached every epoch it trained.
        const text = outputText(run.notebook);
        const epochs = Number(/\bepochs: (\d+)/.exec(text)?.[1]);
        assert.ok(epochs >= 10, `lesson 06 trained ${epochs} epochs, expected >= 10`);
        const valPoints = Number(/val_acc: (\d+) points/.exec(text)?.[1]);
        assert.equal(valPoints, epochs, "the live accuracy chart shows one validation point per epoch");
        const testAccuracy = Number(/testAccuracy: ([0-9.]+)/.exec(text)?.[1]);
        assert.ok(testAccuracy > 0.6, `test accuracy ${testAccuracy}: far below bertlab finetune's (~0.75)`);
      }
    });

    it("re-running its main cells does not grow tf.memory().numTensors", function () {
      if (rerun === undefined) this.skip(); // the run above did not happen
      assertNoTensorGrowth(rerun, firstRunOk);
    });
  });
  // The exercises are graded with the rest of the course, in one bertlab-grader run: lessons-01-to-03.test.ts.
}

// The Korean edition shares every code cell but runs from notebooks/ko/, so a path written relative to one folder
// breaks the other (issue #19): each Korean lesson runs in full once (its numTensors re-run is the English one's).
for (const lesson of LESSONS) {
  const lessonFile = path.join(ROOT, "notebooks", "ko", `${lesson.name}.ipynb`);
  describe(`lesson notebooks/ko/${lesson.name} (Korean edition)`, function () {
    it(`runs in a tslab kernel from notebooks/ko/ and shows >= ${lesson.minFigures} figures`, async function () {
      assert.ok(existsSync(lessonFile), `${path.relative(ROOT, lessonFile)} is missing: run npm run notebooks:build`);
      this.timeout(3 * lesson.budgetMs);
      const run = await runNotebook(lessonFile, { cwd: path.dirname(lessonFile), timeoutMs: 2 * lesson.budgetMs, env: { BERTLAB_QUIET: "1" } });
      assert.ok(run.ok, `notebooks/ko/${lesson.name} failed:\n${failureReport(run)}`);
      const figures = plotlyBundles(run.notebook);
      assert.ok(figures >= lesson.minFigures, `emitted ${figures} plotly bundles, expected at least ${lesson.minFigures}`);
    });
  });
}

describe("lesson 04-encoder-internals: its checks can fail", function () {
  const file = path.join(ROOT, "notebooks", "04-encoder-internals.ipynb");
  before(function () {
    if (!existsSync(file)) this.skip();
  });

  it("stops with a clear error when the hand-built GELU departs from the library's", async function () {
    this.timeout(3 * 60_000);
    const nb = await readNotebook(file);
    const exact = "tf.erf(tf.div(t, Math.SQRT2))";
    const cell = nb.cells.find((c) => cellSource(c).includes(exact));
    assert.ok(cell, `no cell of the lesson computes GELU as ${exact}`);
    cell.source = cellSource(cell).replace(exact, "tf.erf(tf.div(t, 1.5))"); // a plausible slip: the wrong scale inside erf
    const run = await runNotebook(nb, { cwd: path.dirname(file), timeoutMs: 120_000, env: { BERTLAB_QUIET: "1" } });
    assert.equal(run.ok, false, "the lesson ran through with a wrong GELU");
    const errors = Object.values(run.errors).join("\n");
    assert.match(errors, /GELU: the hand-built result differs from the library's by/);
  });
});
