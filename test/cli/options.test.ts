/**
 * Issue 18: every command parses its options with one helper, parseCommand (src/cli/options.ts), so --help,
 * a missing required option and a mistyped option behave the same everywhere: help on stdout with exit code 0,
 * or one line naming the command and the option, then the help, on stderr with exit code 2.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { main } from "../../src/cli/main";
import { parseCommand } from "../../src/cli/options";

const root = path.resolve(__dirname, "../..");
const COMMANDS = ["info", "run", "download", "pretrain", "finetune", "eval", "predict", "link"];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bertlab ...argv` in this process, capturing what it prints. */
async function cli(...argv: string[]): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => void stdout.push(args.join(" ") + "\n");
  console.error = (...args: unknown[]) => void stderr.push(args.join(" ") + "\n");
  try {
    const code = await main(argv);
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** A usage error: exit code 2, nothing on stdout, `first` as the first stderr line, then a blank line and the command's help. */
function assertUsageError(r: Outcome, command: string, first: string | RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  const [line, blank, usage] = r.stderr.split("\n");
  if (typeof first === "string") assert.equal(line, first);
  else assert.match(line, first);
  assert.equal(blank, "");
  assert.match(usage, new RegExp(`^usage: bertlab ${command}\\b`));
}

describe("bertlab <command>: options parsed by one helper (issue 18)", () => {
  for (const command of COMMANDS) {
    it(`${command} --help and -h print its help on stdout and exit 0`, async () => {
      for (const flag of ["--help", "-h"]) {
        const r = await cli(command, flag);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^usage: bertlab ${command}\\b`));
        assert.equal(r.stderr, "");
      }
    });
  }

  it("--help wins over a missing required option, wherever it stands", async () => {
    const r = await cli("eval", "--json", "--help");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: bertlab eval /);
  });

  it("a missing required option exits 2 naming the command and the option", async () => {
    assertUsageError(await cli("eval", "--data", "x.csv"), "eval", "bertlab eval: --model DIR is required");
    assertUsageError(await cli("finetune", "--format", "builtin"), "finetune", "bertlab finetune: --out DIR is required");
    assertUsageError(await cli("pretrain", "--config", "tiny"), "pretrain", "bertlab pretrain: --out DIR is required");
    assertUsageError(await cli("predict", "hello"), "predict", "bertlab predict: --model DIR is required");
    assertUsageError(await cli("predict", "--model", "m"), "predict", "bertlab predict: give at least one utterance");
    assertUsageError(await cli("download", "--json"), "download", "bertlab download: <repo-id> is required");
    assertUsageError(await cli("run"), "run", "bertlab run: which notebook? give the path of an .ipynb file");
  });

  it("an unknown option exits 2 naming the option and the command, for every command", async () => {
    assertUsageError(await cli("eval", "--modle", "x"), "eval", "bertlab eval: unknown option --modle");
    for (const command of COMMANDS) assertUsageError(await cli(command, "--frobnicate"), command, `bertlab ${command}: unknown option --frobnicate`);
    assertUsageError(await cli("finetune", "-x"), "finetune", "bertlab finetune: unknown option -x");
  });

  it("a missing value, a value given to a flag, and a stray argument are named too", async () => {
    assertUsageError(await cli("eval", "--data", "x.csv", "--model"), "eval", "bertlab eval: --model needs a value");
    assertUsageError(await cli("eval", "--model", "--json"), "eval", 'bertlab eval: --model needs a value, got the option "--json" (write --model=--json if that is the value)');
    assertUsageError(await cli("info", "--json=yes"), "info", 'bertlab info: --json takes no value, got "--json=yes"');
    assertUsageError(await cli("eval", "--model", "m", "extra"), "eval", 'bertlab eval: unexpected argument "extra" (this command takes none)');
    assertUsageError(await cli("download", "a/b", "c/d"), "download", "bertlab download: one repo id at a time, got a/b c/d");
    assertUsageError(await cli("link", "a", "b"), "link", "bertlab link: expected at most one folder, got a b");
  });

  it("pretrain: --resume and a different --out still exit 2 with their own message", async () => {
    const r = await cli("pretrain", "--resume", "a", "--out", "b");
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "bertlab pretrain: --resume a and --out b differ; a resumed run writes to the folder it resumes\n");
  });

  it("parseCommand returns the values, with defaults and repeated options as parseArgs gives them", () => {
    const parsed = parseCommand(["--model=m", "--file", "a", "x", "--file", "b", "--json"], {
      command: "demo",
      help: "usage: bertlab demo",
      allowPositionals: true,
      options: { model: { type: "string" }, top: { type: "string", default: "3" }, file: { type: "string", multiple: true, default: [] }, json: { type: "boolean", default: false } },
      required: { model: "DIR" },
    });
    assert.ok(!("exitCode" in parsed));
    const { values, positionals } = parsed;
    // Typed: model is required and top has a default, so both are plain strings.
    const model: string = values.model;
    const top: string = values.top;
    assert.deepEqual({ model, top, file: values.file, json: values.json, positionals }, { model: "m", top: "3", file: ["a", "b"], json: true, positionals: ["x"] });
  });
});

describe("the bertlab bin: a usage error is one line and the help, not a stack trace", () => {
  it("bertlab eval --modle x exits 2 naming --modle and the command", () => {
    const r = spawnSync(path.join(root, "node_modules/.bin/bertlab"), ["eval", "--modle", "x"], { encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.split("\n")[0], "bertlab eval: unknown option --modle");
    assert.match(r.stderr, /\n\nusage: bertlab eval --model DIR/);
    assert.doesNotMatch(r.stderr, /TypeError|ERR_PARSE_ARGS|^\s+at /m);
  });
});
