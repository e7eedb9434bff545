/**
 * Hub downloads against a real HTTP server on 127.0.0.1 that serves the fixture checkpoint in the
 * Hub's URL layout (/{repo}/resolve/{revision}/{file}), with HEAD metadata, Range requests, a
 * connection dropped mid-file, and 404s.
 */
import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { resolveHubFile, HubOptions } from "../../src/hub";
import { main } from "../../src/cli/main";
import { BertForPreTraining } from "../../src/model";
import { fixture, maxAbsDiff, TINY } from "../model/helpers";

const REPO = "bertlab-test/tiny-bert";
/** A repo that publishes only pytorch_model.bin, like Google's compact BERTs. */
const PT_REPO = "bertlab-test/tiny-bert-pt";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

interface Served {
  body: Buffer;
  etag: string;
}

function served(dir: string, name: string): Served {
  const body = fs.readFileSync(path.join(dir, name));
  // As on the Hub: LFS files have their sha256 as ETag, small files git's blob sha1.
  const etag = /\.(safetensors|bin)$/.test(name)
    ? crypto.createHash("sha256").update(body).digest("hex")
    : crypto.createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
  return { body, etag };
}

class FakeHub {
  readonly files = new Map<string, Served>();
  readonly ptFiles = new Map<string, Served>();
  readonly requests: { method: string; file: string; range?: string }[] = [];
  /** Files whose next full GET is cut off after this many bytes. */
  readonly dropAfter = new Map<string, number>();
  /** Files served with wrong bytes (same size). */
  readonly corrupt = new Set<string>();
  private server = http.createServer((req, res) => this.handle(req, res));
  endpoint = "";

  constructor() {
    for (const name of ["config.json", "model.safetensors"]) this.files.set(name, served(TINY, name));
    const ptDir = path.resolve(TINY, "../tiny-bert-pt");
    for (const name of ["config.json", "pytorch_model.bin"]) this.ptFiles.set(name, served(ptDir, name));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url ?? "");
    if (!match) return void res.writeHead(400).end();
    const [, repo, , file] = match;
    this.requests.push({ method: req.method ?? "", file, range: req.headers.range });
    const files = repo === REPO ? this.files : repo === PT_REPO ? this.ptFiles : undefined;
    if (!files) return void res.writeHead(404, { "x-error-code": "RepoNotFound" }).end("Repository not found");
    const entry = files.get(decodeURIComponent(file));
    if (!entry) return void res.writeHead(404, { "x-error-code": "EntryNotFound" }).end("Entry not found");
    let body = entry.body;
    if (this.corrupt.has(file)) body = Buffer.from(body.map((b) => b ^ 0xff));
    const headers = { etag: `"${entry.etag}"`, "x-repo-commit": COMMIT, "accept-ranges": "bytes" };
    if (req.method === "HEAD") return void res.writeHead(200, { ...headers, "content-length": body.length }).end();
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      res.writeHead(206, { ...headers, "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}` });
      return void res.end(body.subarray(start));
    }
    const cut = this.dropAfter.get(file);
    res.writeHead(200, { ...headers, "content-length": body.length });
    if (cut !== undefined) {
      this.dropAfter.delete(file);
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  }
}

describe("hub: downloads from a Hugging Face Hub on 127.0.0.1", () => {
  let hub: FakeHub;
  let cacheDir: string;
  let opts: HubOptions;

  before(async () => {
    await ready();
  });
  beforeEach(async () => {
    hub = new FakeHub();
    await hub.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-hub-"));
    opts = { endpoint: hub.endpoint, cacheDir, progress: false };
  });
  afterEach(async () => {
    await hub.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("fromPretrained(repoId) downloads into HF's cache layout and the model matches the fixture", async () => {
    const model = await BertForPreTraining.fromPretrained(REPO, opts);
    const folder = path.join(cacheDir, "models--bertlab-test--tiny-bert");
    assert.equal(fs.readFileSync(path.join(folder, "refs", "main"), "utf8"), COMMIT);
    const snapshot = path.join(folder, "snapshots", COMMIT, "model.safetensors");
    assert.ok(fs.lstatSync(snapshot).isSymbolicLink());
    assert.ok(fs.existsSync(path.join(folder, "blobs", hub.files.get("model.safetensors")!.etag)));
    const { inputs, expected } = fixture(TINY);
    const out = model.forward({ inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask });
    assert.ok(maxAbsDiff(out.mlmLogits, expected.mlm_logits) <= 1e-4);
    tf.dispose(out);
    model.dispose();

    // A second load only asks for metadata.
    hub.requests.length = 0;
    (await BertForPreTraining.fromPretrained(REPO, opts)).dispose();
    assert.deepEqual(hub.requests.map((r) => r.method), ["HEAD", "HEAD"]);
  });

  it("falls back to pytorch_model.bin for a repo without safetensors, also offline", async () => {
    const model = await BertForPreTraining.fromPretrained(PT_REPO, opts);
    const { inputs, expected } = fixture(path.resolve(TINY, "../tiny-bert-legacy"));
    const out = model.forward({ inputIds: inputs.input_ids, segmentIds: inputs.segment_ids, inputMask: inputs.input_mask });
    assert.ok(maxAbsDiff(out.nspLogits, expected.nsp_logits) <= 1e-4);
    tf.dispose(out);
    model.dispose();
    const asked = hub.requests.filter((r) => r.method === "HEAD").map((r) => r.file);
    assert.deepEqual(asked, ["config.json", "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"]);
    (await BertForPreTraining.fromPretrained(PT_REPO, { ...opts, offline: true })).dispose();
    await assert.rejects(BertForPreTraining.fromPretrained(REPO, { ...opts, offline: true }), /offline mode: bertlab-test\/tiny-bert\/config\.json/);
  });

  it("works offline from the cache: with the offline option, HF_HUB_OFFLINE, or the Hub unreachable", async () => {
    await resolveHubFile(REPO, "config.json", opts);
    await hub.stop();
    const cached = await resolveHubFile(REPO, "config.json", { ...opts, offline: true });
    assert.equal(fs.readFileSync(cached, "utf8"), hub.files.get("config.json")!.body.toString());
    assert.equal(await resolveHubFile(REPO, "config.json", opts), cached); // connection refused -> cache
    process.env.HF_HUB_OFFLINE = "1";
    try {
      assert.equal(await resolveHubFile(REPO, "config.json", { cacheDir, endpoint: "http://127.0.0.1:9" }), cached);
      await assert.rejects(resolveHubFile(REPO, "model.safetensors", opts), /offline mode: bertlab-test\/tiny-bert\/model\.safetensors \(revision "main"\) is not in the cache/);
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
    await assert.rejects(resolveHubFile(REPO, "model.safetensors", opts), /cannot reach the Hugging Face Hub at http:\/\/127\.0\.0\.1:\d+ .* not in the cache/);
    hub = new FakeHub(); // afterEach stops it
    await hub.start();
  });

  it("resumes with Range after the connection drops mid-file", async () => {
    const size = hub.files.get("model.safetensors")!.body.length;
    hub.dropAfter.set("model.safetensors", 100_000);
    const file = await resolveHubFile(REPO, "model.safetensors", opts);
    assert.ok(fs.readFileSync(file).equals(hub.files.get("model.safetensors")!.body));
    const gets = hub.requests.filter((r) => r.method === "GET");
    assert.equal(gets.length, 2, JSON.stringify(gets));
    assert.equal(gets[0].range, undefined);
    assert.match(gets[1].range ?? "", /^bytes=\d+-$/);
    const resumedAt = Number(/\d+/.exec(gets[1].range!)![0]);
    assert.ok(resumedAt >= 100_000 && resumedAt < size, `resumed at ${resumedAt}`);
  });

  it("continues a partial download left by an earlier run", async () => {
    const { body, etag } = hub.files.get("model.safetensors")!;
    const blobs = path.join(cacheDir, "models--bertlab-test--tiny-bert", "blobs");
    fs.mkdirSync(blobs, { recursive: true });
    fs.writeFileSync(path.join(blobs, `${etag}.incomplete`), body.subarray(0, 4096));
    const file = await resolveHubFile(REPO, "model.safetensors", opts);
    assert.ok(fs.readFileSync(file).equals(body));
    assert.deepEqual(hub.requests.filter((r) => r.method === "GET").map((r) => r.range), ["bytes=4096-"]);
  });

  it("a 404 names the repo and the file; a missing repo says so", async () => {
    await assert.rejects(
      resolveHubFile(REPO, "pytorch_model.bin", opts),
      /Hugging Face Hub: repo "bertlab-test\/tiny-bert" has no file "pytorch_model\.bin" at revision "main" \(HTTP 404 from http:\/\/127\.0\.0\.1/,
    );
    await assert.rejects(resolveHubFile("nobody/nothing", "config.json", opts), /repo "nobody\/nothing" not found \(HTTP 404/);
  });

  it("rejects a download whose content does not match the ETag, and keeps nothing", async () => {
    hub.corrupt.add("model.safetensors");
    await assert.rejects(resolveHubFile(REPO, "model.safetensors", opts), /download of bertlab-test\/tiny-bert\/model\.safetensors is corrupt: its hash is [0-9a-f]{64} but the Hub's ETag is/);
    const blobs = fs.readdirSync(path.join(cacheDir, "models--bertlab-test--tiny-bert", "blobs"));
    assert.deepEqual(blobs, []);
  });

  it("honours HF_ENDPOINT and HF_HOME", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-hfhome-"));
    const saved = { endpoint: process.env.HF_ENDPOINT, home: process.env.HF_HOME, cache: process.env.HF_HUB_CACHE };
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HOME = home;
    delete process.env.HF_HUB_CACHE;
    try {
      const file = await resolveHubFile(REPO, "config.json", { progress: false });
      assert.equal(file, path.join(home, "hub", "models--bertlab-test--tiny-bert", "snapshots", COMMIT, "config.json"));
    } finally {
      for (const [k, v] of [["HF_ENDPOINT", saved.endpoint], ["HF_HOME", saved.home], ["HF_HUB_CACHE", saved.cache]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("hub: the `bertlab download` command", () => {
  it("fetches a checkpoint into the cache for offline use and prints its directory", async () => {
    const hub = new FakeHub();
    await hub.start();
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-cli-"));
    const savedEndpoint = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = hub.endpoint;
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      assert.equal(await main(["download", REPO, "--cache-dir", cacheDir, "--json"]), 0);
      const printed = JSON.parse(lines[0]) as { paths: string[] };
      assert.equal(printed.paths[0], path.join(cacheDir, "models--bertlab-test--tiny-bert", "snapshots", COMMIT));
      // vocab.txt / tokenizer.json are optional: their 404s are not errors.
      assert.ok(hub.requests.some((r) => r.file === "vocab.txt"));
      assert.ok(await resolveHubFile(REPO, "model.safetensors", { cacheDir, offline: true }));
    } finally {
      console.log = log;
      if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = savedEndpoint;
      await hub.stop();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
