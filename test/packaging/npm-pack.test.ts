/**
 * The packages as npm publishes them: `npm pack` of `bertlab` (src/) and `bertlab-grader` (grader/), installed in a
 * clean folder outside this checkout, then imported as a user would. This is what the workspace links hide: files
 * left out of `files`, subpaths without an `exports` entry, types that only resolve inside the checkout, runtime
 * dependencies the library does not need (mocha, tslab, zeromq).
 *
 * Packages come from npm's cache when it holds them (`--prefer-offline`, filled by this checkout's install), so
 * the test needs the registry only for metadata the cache lacks. Install scripts are skipped: the grader's
 * better-sqlite3 addon is not built, and the grader is only asked for its help.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function nodeEval(code: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["-e", code], { cwd, encoding: "utf8", env: { ...process.env, BERTLAB_QUIET: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm pack: bertlab and bertlab-grader installed from their tarballs", function () {
  this.timeout(10 * 60_000);
  let work: string;
  /** bertlab alone, as a tokenizer-and-model user installs it. */
  let app: string;
  /** bertlab-grader beside it, as an instructor installs it. */
  let graderApp: string;
  let bertlabTgz: string;
  let graderTgz: string;

  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "bertlab-pack-"));
    run(NPM, ["run", "-s", "build"], ROOT);
    const packed = JSON.parse(run(NPM, ["pack", "--json", "--pack-destination", work, "--workspace", "src", "--workspace", "grader"], ROOT)) as { filename: string }[];
    const file = (name: string): string => path.join(work, packed.find((p) => p.filename.startsWith(`${name}-`))!.filename);
    bertlabTgz = file("bertlab");
    graderTgz = file("bertlab-grader");
    const install = (name: string, tarballs: string[]): string => {
      const dir = path.join(work, name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
      run(NPM, ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", ...tarballs], dir);
      return dir;
    };
    app = install("library-user", [bertlabTgz]);
    graderApp = install("instructor", [bertlabTgz, graderTgz]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("bertlab's tarball holds the built library and no sources, tests or answers", () => {
    const listing = run("tar", ["-tzf", bertlabTgz], work).split("\n").filter(Boolean);
    assert.ok(listing.includes("package/dist/index.js") && listing.includes("package/dist/index.d.ts"), "dist is missing");
    assert.ok(listing.includes("package/dist/check/index.d.ts"), "the check entry point's types are missing");
    const stray = listing.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f));
    assert.deepEqual(stray, [], "TypeScript sources in the tarball");
    assert.ok(!listing.some((f) => /solutions|test\//.test(f)), "solutions or tests in the tarball");
  });

  it("installs without mocha, tslab or zeromq, which the library does not need", () => {
    const installed = readdirSync(path.join(app, "node_modules"));
    for (const name of ["mocha", "tslab", "zeromq", "typescript"]) assert.ok(!installed.includes(name), `${name} was installed`);
    // The runner and the check harness use tslab and zeromq inside a kernel, so the library lists them as optional peers.
    const pkg = JSON.parse(readFileSync(path.join(app, "node_modules/bertlab/package.json"), "utf8"));
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "csv-parse", "plotly.js-dist-min"]);
    assert.deepEqual(pkg.peerDependenciesMeta, { tslab: { optional: true }, zeromq: { optional: true } });
  });

  it("imports with no side effects, then tokenizes and runs a model on the backend ready() picks", () => {
    const r = nodeEval(
      `const tf = require("@tensorflow/tfjs");
       const b = require("bertlab");
       if (b.activeBackendChoice() !== undefined) throw new Error("import chose a backend");
       (async () => {
         const choice = await b.ready();
         const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s"];
         const tok = b.BertTokenizer.fromVocab(vocab);
         const inputs = tok.toTensors(["hello worlds"]);
         const model = new b.BertModel(b.bertConfig({ vocabSize: vocab.length, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 }));
         const out = model.forward(inputs);
         console.log(JSON.stringify({ backend: choice.name, tokens: tok.encode("hello worlds").tokens, shape: out.sequenceOutput.shape }));
       })().catch((e) => { console.error(e); process.exit(1); });`,
      app,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), { backend: "wasm", tokens: ["[CLS]", "hello", "world", "##s", "[SEP]"], shape: [1, 5, 8] });
  });

  it("exposes bertlab/check, /notebook, /runner and /progress, and refuses deep imports", () => {
    const r = nodeEval(
      `const seen = {};
       for (const sub of ["check", "notebook", "runner", "progress"]) seen[sub] = Object.keys(require("bertlab/" + sub)).length > 0;
       try { require("bertlab/dist/model"); seen.deep = "allowed"; } catch (e) { seen.deep = e.code; }
       console.log(JSON.stringify(seen));`,
      app,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { check: true, notebook: true, runner: true, progress: true, deep: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  });

  it("type-checks imports of bertlab and bertlab/check with node10 resolution, as tslab resolves them", () => {
    writeFileSync(
      path.join(app, "consumer.ts"),
      [
        'import { BertModel, BertTokenizer, ready } from "bertlab";',
        'import { describe, it, closeTo } from "bertlab/check";',
        'import { readNotebook } from "bertlab/notebook";',
        "export async function main(tok: BertTokenizer, model: BertModel): Promise<number[]> {",
        "  await ready();",
        '  describe("q", () => it("works", () => closeTo([1], [1])));',
        "  void readNotebook;",
        '  return model.forward(tok.toTensors(["hello"])).pooledOutput.shape;',
        "}",
      ].join("\n"),
    );
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "commonjs", "--moduleResolution", "node", "--target", "es2020",
      "--typeRoots", path.join(ROOT, "node_modules/@types"), "--types", "node", "consumer.ts"], { cwd: app, encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it("bertlab-grader installs beside it, with tslab and zeromq, imports bertlab by its public entry points, and prints its help", () => {
    const installed = readdirSync(path.join(graderApp, "node_modules"));
    for (const name of ["tslab", "zeromq"]) assert.ok(installed.includes(name), `the grader runs kernels but ${name} was not installed`);
    const dist = path.join(graderApp, "node_modules/bertlab-grader/dist");
    const deep = readdirSync(dist).filter((f) => f.endsWith(".js")).filter((f) => readFileSync(path.join(dist, f), "utf8").includes("bertlab/dist/"));
    assert.deepEqual(deep, [], "the grader deep-imports bertlab");
    const bin = path.join(graderApp, "node_modules/.bin/bertlab-grader");
    assert.ok(existsSync(bin));
    const r = spawnSync(bin, ["--help"], { cwd: graderApp, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /validate/);
  });
});
