/**
 * `bertlab-grader <command>`: assign, validate, grade, feedback, merge. See grader/README.md.
 */
import path from "path";
import { parseArgs } from "util";
import { assign } from "./assign";
import { releaseFeedback, writeFeedback } from "./feedback";
import { grade } from "./grade";
import { Gradebook } from "./gradebook";
import { merge } from "./merge";
import { override, startManualServer } from "./manual";
import { EXPORT_FORMATS, writeExport, type ExportFormat } from "./export";
import { parseShard } from "./submissions";
import { validate } from "./validate";
import { release } from "./release";

const USAGE = `usage: bertlab-grader <command> [options]

commands:
  assign <solutions/> --out <exercises/>          write student notebooks (stubs, no hidden tests, checksums)
  release <course/> --out <dir> [--solutions <dir>]  what students get: lessons, exercises, library, data, model;
                                                   no solutions or hidden tests (checked: a leak writes nothing)
  validate <notebook.ipynb> [--timeout s]          run a notebook and all its tests in a fresh kernel; points and total
  grade <submissions/|.zip> --assignment <solutions/|assignment.json> --out <dir>
        [--notebooks 01,06] [--roster roster.csv] [--only STUDENT[/NOTEBOOK[/QUESTION]]]...
        [--retry-errors] [--retries n] [--jobs n] [--timeout s] [--shard k/n]
        [--sandbox auto|bwrap|node|none] [--memory MiB] [--allow-read <dir>]... [--force] [--json]
  override STUDENT NOTEBOOK QUESTION POINTS --reason TEXT --out <dir> [--by NAME]
                                                   set one question's points by hand (kept through regrades)
  manual --out <dir> [--port n] [--by NAME]        grading page for free-text answers, on 127.0.0.1
  export --out <dir> --format canvas|gradescope|wide [--title NAME]
                                                   per-student totals for an LMS
  feedback --out <dir> [--release <dir>]           per-student HTML pages and the class report; --release: one
                                                   folder per student holding only their page, and feedback.csv
  merge <shard-dir>... --out <dir>                 combine the gradebooks of --shard runs`;

const VALIDATE_USAGE = `usage: bertlab-grader validate <notebook.ipynb> [--timeout s]

Runs the notebook top to bottom in a fresh tslab kernel, then every test cell, as the grader does,
and prints each question's tests, its points, and the total.
  --timeout s   limit per cell in seconds (default: the notebook's metadata bertlab.timeout, else 1200)
Exit status: 0 when every question passes, 1 otherwise.
A student's copy holds only the public tests; the grader runs hidden tests too, so passing here does
not guarantee the points. Answers in words are graded by hand and are listed, not scored.`;

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

class UsageError extends Error {}

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const s = Number(text);
  if (!(s > 0)) throw new UsageError(`--timeout ${text}: expected a positive number of seconds`);
  return s * 1000;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  try {
    switch (command) {
      case "assign": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" } } });
        const results = await assign(need(positionals[0], "the solutions folder"), need(values.out, "--out <exercises folder>"));
        for (const r of results) console.log(`${r.out}: ${r.questions.length} questions, ${r.questions.reduce((a, q) => a + q.points, 0)} points`);
        if (results.length === 0) console.log(`no notebooks in ${positionals[0]}; nothing to assign`);
        return 0;
      }
      case "release": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" }, solutions: { type: "string" } } });
        const r = await release(need(positionals[0], "the course folder (a checkout, e.g. .)"), need(values.out, "--out <release folder>"), { solutions: values.solutions });
        console.log(`wrote ${r.out}: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB; none holds any of the ${r.secretsChecked} solution regions and hidden tests`);
        return 0;
      }
      case "validate": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { timeout: { type: "string" }, help: { type: "boolean", short: "h" } } });
        if (values.help) {
          console.log(VALIDATE_USAGE);
          return 0;
        }
        const result = await validate(need(positionals[0], "a notebook"), { timeoutMs: values.timeout === undefined ? undefined : seconds(values.timeout, 0) });
        console.log(result.report || "no test cells found");
        return result.ok ? 0 : 1;
      }
      case "grade": {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            assignment: { type: "string" },
            out: { type: "string" },
            jobs: { type: "string" },
            timeout: { type: "string" },
            shard: { type: "string" },
            sandbox: { type: "string" },
            memory: { type: "string" },
            "allow-read": { type: "string", multiple: true },
            force: { type: "boolean" },
            json: { type: "boolean" },
            notebooks: { type: "string" },
            roster: { type: "string" },
            only: { type: "string", multiple: true },
            "retry-errors": { type: "boolean" },
            retries: { type: "string" },
          },
        });
        const retries = values.retries === undefined ? undefined : Number(values.retries);
        if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) throw new UsageError(`--retries ${values.retries}: expected a whole number >= 0`);
        const notebooks = values.notebooks?.split(",").map((n) => n.trim()).filter((n) => n.length > 0);
        if (values.notebooks !== undefined && !notebooks?.length) throw new UsageError(`--notebooks "${values.notebooks}": expected notebook numbers or names separated by commas, e.g. 01,06`);
        const sandbox = values.sandbox ?? "auto";
        if (!["auto", "bwrap", "node", "none"].includes(sandbox)) throw new UsageError(`--sandbox ${sandbox}: expected auto, bwrap, node or none`);
        const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
        if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`--jobs ${values.jobs}: expected a positive integer`);
        const memory = values.memory === undefined ? undefined : Number(values.memory);
        if (memory !== undefined && !(memory >= 128)) throw new UsageError(`--memory ${values.memory}: expected MiB >= 128`);
        const summary = await grade({
          submissions: need(positionals[0], "the submissions folder or zip"),
          assignment: need(values.assignment, "--assignment <solutions folder>"),
          out: need(values.out, "--out <folder>"),
          jobs,
          timeoutMs: seconds(values.timeout, 60_000),
          shard: values.shard ? parseShard(values.shard) : undefined,
          sandbox: sandbox as "auto",
          heapMb: memory,
          dataMb: memory ? memory * 2 : undefined,
          allowRead: values["allow-read"],
          force: values.force,
          quiet: values.json,
          notebooks,
          roster: values.roster,
          only: values.only,
          retryErrors: values["retry-errors"],
          retries,
        });
        if (values.json) console.log(JSON.stringify(summary));
        else {
          console.log(`graded ${summary.graded} notebooks (${summary.skipped} already in the gradebook) in ${(summary.ms / 1000).toFixed(1)} s with ${summary.jobs} kernels; sandbox: ${summary.sandbox}\n${summary.csv}\n${summary.gradebook}`);
          if (summary.retried) console.log(`${summary.retried} kernel runs were repeated because the machine failed (not counted)`);
          if (summary.infrastructureErrors) console.log(`${summary.infrastructureErrors} notebooks could not be graded (infrastructure_error): run the same command again to grade them`);
          if (summary.skippedSubmissions.length) console.log(`${summary.skippedSubmissions.length} submission folders were skipped (see the lines above)`);
        }
        // Exit 3: everything that could be graded was, but some notebooks must be graded again.
        return summary.infrastructureErrors ? 3 : 0;
      }
      case "feedback": {
        const { values } = parseArgs({ args: rest, options: { out: { type: "string" }, release: { type: "string" } } });
        const out = need(values.out, "--out <grading output folder>");
        const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
        try {
          const summary = await writeFeedback(book, path.join(out, "feedback"));
          console.log(`wrote ${summary.students} student pages and index.html to ${summary.dir}`);
          if (values.release) {
            const released = await releaseFeedback(book, path.resolve(values.release));
            console.log(`released feedback to ${released.dir}: one folder per student (${released.students}), each holding only that student's feedback.html; feedback.csv lists them`);
          }
        } finally {
          book.close();
        }
        return 0;
      }
      case "override": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" }, reason: { type: "string" }, by: { type: "string" } } });
        if (positionals.length !== 4) throw new UsageError(`override takes STUDENT NOTEBOOK QUESTION POINTS (got ${positionals.length} values)`);
        const [student, notebook, question, pointsText] = positionals;
        const points = Number(pointsText);
        if (pointsText.trim() === "" || !Number.isFinite(points)) throw new UsageError(`override: POINTS "${pointsText}" is not a number`);
        const r = await override({ out: need(values.out, "--out <grading output folder>"), student, notebook, question, points, reason: need(values.reason, "--reason TEXT (shown to the student)"), by: values.by });
        console.log(`${r.student}/${r.notebook}/${r.question}: ${r.points}/${r.max} points (autograder: ${r.was}); run \`feedback\` and \`export\` again to show it`);
        return 0;
      }
      case "manual": {
        const { values } = parseArgs({ args: rest, options: { out: { type: "string" }, port: { type: "string" }, by: { type: "string" } } });
        const port = values.port === undefined ? 0 : Number(values.port);
        if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port ${values.port}: expected 0-65535`);
        const server = await startManualServer(need(values.out, "--out <grading output folder>"), { port, by: values.by });
        console.log(`manual grading on ${server.url}\n(open it in a browser on this machine; Ctrl-C stops the server)`);
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await server.close();
        return 0;
      }
      case "export": {
        const { values } = parseArgs({ args: rest, options: { out: { type: "string" }, format: { type: "string" }, title: { type: "string" } } });
        const out = need(values.out, "--out <grading output folder>");
        const format = need(values.format, "--format canvas|gradescope|wide");
        if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: expected ${EXPORT_FORMATS.join(", ")}`);
        const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
        try {
          const r = await writeExport(book, out, format as ExportFormat, values.title ?? path.basename(path.resolve(out)));
          console.log(`wrote ${r.file}: ${r.students} students${r.incomplete ? `, ${r.incomplete} incomplete (infrastructure errors or notebooks not graded yet; their scores are left empty)` : ""}`);
        } finally {
          book.close();
        }
        return 0;
      }
      case "merge": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: "string" } } });
        const summary = await merge(positionals, need(values.out, "--out <folder>"));
        console.log(`merged ${summary.notebooks} graded notebooks into ${summary.gradebook}\n${summary.csv}`);
        return 0;
      }
      default:
        console.error(`bertlab-grader: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`bertlab-grader ${command}: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`bertlab-grader ${command}: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module || process.argv[1]?.endsWith("bertlab-grader.js") || process.argv[1]?.endsWith("bertlab-grader")) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bertlab-grader: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
