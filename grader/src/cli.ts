/**
 * `bertlab-grader <command>`: assign, validate, grade, feedback, merge. See grader/README.md.
 */
import path from "path";
import { parseArgs } from "util";
import { assign } from "./assign";
import { writeFeedback } from "./feedback";
import { grade } from "./grade";
import { Gradebook } from "./gradebook";
import { merge } from "./merge";
import { parseShard } from "./submissions";
import { validate } from "./validate";

const USAGE = `usage: bertlab-grader <command> [options]

commands:
  assign <solutions/> --out <exercises/>          write student notebooks (stubs, no hidden tests, checksums)
  validate <notebook.ipynb> [--timeout s]          run a notebook and all its tests in a fresh kernel
  grade <submissions/|.zip> --assignment <solutions/> --out <dir>
        [--jobs n] [--timeout s] [--shard k/n] [--sandbox auto|bwrap|node|none]
        [--memory MiB] [--allow-read <dir>]... [--force] [--json]
  feedback --out <dir>                             per-student HTML pages and the class report
  merge <shard-dir>... --out <dir>                 combine the gradebooks of --shard runs`;

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
      case "validate": {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { timeout: { type: "string" } } });
        const result = await validate(need(positionals[0], "a notebook"), { timeoutMs: seconds(values.timeout, 60_000) });
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
          },
        });
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
        });
        if (values.json) console.log(JSON.stringify(summary));
        else console.log(`graded ${summary.graded} notebooks (${summary.skipped} already in the gradebook) in ${(summary.ms / 1000).toFixed(1)} s with ${summary.jobs} kernels; sandbox: ${summary.sandbox}\n${summary.csv}\n${summary.gradebook}`);
        return 0;
      }
      case "feedback": {
        const { values } = parseArgs({ args: rest, options: { out: { type: "string" } } });
        const out = need(values.out, "--out <grading output folder>");
        const book = new Gradebook(path.join(out, "gradebook.sqlite"), { readonly: true });
        try {
          const summary = await writeFeedback(book, path.join(out, "feedback"));
          console.log(`wrote ${summary.students} student pages and index.html to ${summary.dir}`);
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
