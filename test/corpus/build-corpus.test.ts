/**
 * scripts/build-corpus.ts (issue 13): the cleaning functions one by one, then the whole command on
 * a small fake snapshot tree of real git repositories (OWNER+NAME/repo/.git, as `--from` expects),
 * including malformed and missing sources and the online mode against a local HTTP server.
 */
import { strict as assert } from "node:assert";
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import * as os from "node:os";
import * as path from "node:path";
import { loadBuiltinIntents } from "../../src/data";
import { readCorpus } from "../../src/train/corpus";
import { commitRepo, gitRun } from "./git-snapshot";
import {
  BuiltSource,
  CorpusStats,
  Deduplicator,
  Manifest,
  SourceSpec,
  capLanguages,
  cleanDocument,
  decodeUtf8,
  firstInvalidUtf8,
  emptyCounts,
  gitBlobId,
  globToRegExp,
  parseJsonFile,
  emptyRemovals,
  nearDuplicateKey,
  normaliseText,
  splitLongLine,
  tagLanguage,
} from "../../scripts/build-corpus";

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "build-corpus.ts");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

const removals = emptyRemovals;

describe("build-corpus: cleaning steps", () => {
  it("normalises to NFC, strips HTML remnants and control characters, collapses whitespace", () => {
    const nfd = "\u1112\u1161\u11ab\u1100\u116e\u11a8"; // 한국 decomposed into jamo
    assert.equal(normaliseText(nfd), "한국");
    assert.equal(normaliseText("  Hello\u0000world\t\tagain \r\n"), "Hello world again");
    assert.equal(normaliseText("Tom &amp; Jerry<br/>were <b>here</b>&#33;"), "Tom & Jerry were here !");
    assert.equal(normaliseText("zero\u200bwidth\ufeff"), "zerowidth");
    // Not tags: a heart and a comparison survive.
    assert.equal(normaliseText("I <3 it, 2 < 5"), "I <3 it, 2 < 5");
  });

  it("tags Korean, English and neither", () => {
    assert.equal(tagLanguage("오늘 날씨가 좋네요"), "ko");
    assert.equal(tagLanguage("eSIM 개통은 앱에서 하세요"), "ko"); // Latin brand names inside Korean
    assert.equal(tagLanguage("Book a table for two at seven."), "en");
    assert.equal(tagLanguage("Café crème, s'il vous plaît"), "en"); // Latin-1 letters count as Latin
    assert.equal(tagLanguage("今日はいい天気ですね"), null);
    assert.equal(tagLanguage("12:30 !!"), null);
    assert.equal(tagLanguage("Привет, как дела?"), null);
  });

  it("near-duplicate keys ignore case, punctuation, spaces and digits", () => {
    assert.equal(nearDuplicateKey("Set an alarm for 7 am!"), nearDuplicateKey("set an alarm for 6am"));
    assert.notEqual(nearDuplicateKey("set an alarm"), nearDuplicateKey("set the alarm"));
    assert.equal(nearDuplicateKey("재밌어요!!! 10/10 ^^"), nearDuplicateKey("재밌어요"));
    assert.notEqual(nearDuplicateKey("재밌어요 10점"), nearDuplicateKey("재밌어요")); // 점 is a word, not a digit
  });

  it("splits only over-long lines, at sentence ends", () => {
    assert.deepEqual(splitLongLine("Short. Line."), ["Short. Line."]);
    const long = `${"a".repeat(200)}. ${"b".repeat(200)}!`;
    assert.deepEqual(splitLongLine(long), [`${"a".repeat(200)}.`, `${"b".repeat(200)}!`]);
  });

  it("dedupes exact and near duplicates across documents and inside one, first occurrence wins", () => {
    const dedupe = new Deduplicator();
    const r = removals();
    const first = cleanDocument(["I need a taxi.", "To the airport, please.", "i need a TAXI"], "en", new Set(), dedupe, r);
    assert.deepEqual(first, ["I need a taxi.", "To the airport, please."]);
    assert.equal(r.nearDuplicate, 1);
    const second = cleanDocument(["I need a taxi.", "Where to?", "To the airport please", "Right away."], "en", new Set(), dedupe, r);
    assert.deepEqual(second, ["Where to?", "Right away."]);
    assert.equal(r.exactDuplicate, 1);
    assert.equal(r.nearDuplicate, 2);
  });

  it("removes held-out sentences and other-language lines, and drops one-sentence documents without blocking their sentences", () => {
    const dedupe = new Deduplicator();
    const r = removals();
    const heldOut = new Set([nearDuplicateKey("what's my balance")]);
    assert.deepEqual(cleanDocument(["What's my balance?", "Show it.", "잔액 보여줘"], "en", heldOut, dedupe, r), []);
    assert.equal(r.intentsValTestOverlap, 1);
    assert.equal(r.otherLanguage, 1);
    assert.equal(r.shortDocuments, 1);
    // "Show it." was in a dropped document, so it is still new here.
    assert.deepEqual(cleanDocument(["Show it.", "Here it is."], "en", heldOut, dedupe, r), ["Show it.", "Here it is."]);
  });

  it("locates JSON syntax errors", () => {
    assert.deepEqual(parseJsonFile('[{"a": 1}, {"b": 2}]', "ok.json"), [{ a: 1 }, { b: 2 }]);
    // line 3 holds the control character inside a string
    assert.throws(() => parseJsonFile('[\n {"review": "ok"},\n {"review": "no end\n]', "r.json"), /^CorpusInputError: r\.json:3: malformed JSON \(unescaped control character/);
    assert.throws(() => parseJsonFile('{"a": 1,}', "c.json"), /^CorpusInputError: c\.json:1: malformed JSON \(.*column 9\)/);
    assert.throws(() => parseJsonFile("[1, 2", "e.json"), /^CorpusInputError: e\.json:1: malformed JSON \(unexpected end of input/);
  });

  it("finds the first invalid UTF-8 byte exactly where a strict decoder fails, and names its line", () => {
    const strict = (b: Uint8Array): boolean => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const valid = Buffer.from("ok 한국어 café 😀\n", "utf8");
    assert.equal(firstInvalidUtf8(valid), -1);
    // Random byte strings: a mix of valid text and noise, checked against the platform's strict decoder.
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    for (let t = 0; t < 2000; t++) {
      const b = Buffer.concat([valid.subarray(0, rnd() % valid.length), Buffer.from([rnd(), rnd(), rnd()]), valid.subarray(0, rnd() % 8)]);
      const bad = firstInvalidUtf8(b);
      assert.equal(bad === -1, strict(b), `bytes ${b.toString("hex")}`);
      if (bad >= 0) {
        assert.ok(strict(b.subarray(0, bad)), "everything before the reported byte is valid");
      }
    }
    assert.throws(() => decodeUtf8(Buffer.concat([Buffer.from("line one\nline two\n"), Buffer.from([0x41, 0xc3, 0x28])]), "x.tsv"), /^CorpusInputError: x\.tsv:3: not valid UTF-8/);
  });

  it("globs stay inside a folder with * and cross folders with **", () => {
    assert.ok(globToRegExp("raw/*.json").test("raw/10001.json"));
    assert.ok(!globToRegExp("raw/*.json").test("raw/x/10001.json"));
    assert.ok(globToRegExp("data/**/*.json").test("data/a/b/c.json"));
  });

  it("caps the larger language by whole documents of its largest source, reproducibly", () => {
    const mk = (id: string, lang: "en" | "ko", docs: string[][]): BuiltSource => {
      const output = { ...emptyCounts(), files: [] };
      for (const d of docs) {
        output.documents++;
        output.sentences += d.length;
        output.characters += d.join("").length;
      }
      const spec = { id, lang } as SourceSpec;
      return { spec, docs, lockFiles: [], stats: { id, lang, output, removed: removals() } as unknown as BuiltSource["stats"] };
    };
    const build = (): BuiltSource[] => [
      mk("en1", "en", [["aaaaaaaaaa", "bbbbbbbbbb"]]), // 20 chars
      mk("big", "ko", Array.from({ length: 20 }, (_, i) => [`가나다라마${i % 10}`, "바사아자차"])), // 20 x 11 chars
      mk("small", "ko", [["가나다라마", "바사아자차"]]),
    ];
    const a = build();
    capLanguages(a, 1.5, 13, () => undefined);
    const ko = a[1].stats.output.characters + a[2].stats.output.characters;
    assert.ok(ko <= 30 && ko > 18, `ko characters after the cap: ${ko}`);
    assert.equal(a[2].docs.length, 1, "the small source is kept whole");
    assert.ok(a[1].stats.removed.cappedDocuments > 0);
    const b = build();
    capLanguages(b, 1.5, 13, () => undefined);
    assert.deepEqual(b[1].docs, a[1].docs, "same seed, same documents");
  });
});

// ---------------------------------------------------------------------------------------------
// The whole command on fake snapshots

/** Makes a file of a snapshot absent, as in snapshots that leave out large files (ls-tree shows size BAD). */
function dropBlob(from: string, repo: string, file: string): void {
  const dir = path.join(from, repo.replace("/", "+"), "repo");
  const blob = gitRun(dir, ["rev-parse", `HEAD:${file}`]);
  fs.rmSync(path.join(dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
}

function spec(id: string, repo: string, commit: string, format: SourceSpec["format"], lang: SourceSpec["lang"], include: string[]): SourceSpec {
  return { id, name: id, repo, commit, licence: "CC BY 4.0", licenceUrl: "https://creativecommons.org/licenses/by/4.0/", attribution: `${id} by its authors`, format, lang, include };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the online test's server must keep answering meanwhile). */
function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(TSX, [SCRIPT, ...args], { cwd: ROOT, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every file under `dir` by relative path; .gz files as hex so that byte-for-byte comparisons work. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p).toString(e.name.endsWith(".gz") ? "hex" : "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("build-corpus: npm run corpus:build on fake snapshots", function () {
  // Each case runs the CLI (tsx start-up, the intents, git) 1-3 times: seconds on an idle machine,
  // over a minute each when the cores are shared with a training run.
  this.timeout(600_000);
  let tmp: string;
  let from: string;
  let meta: string;
  let manifestFile: string;
  let manifest: Manifest;
  let heldOutEn: string;
  let heldOutKo: string;
  const out = (): string => path.join(meta, "public");

  const nsmcReviews = (movie: string, reviews: string[]): string =>
    JSON.stringify(reviews.map((review, i) => ({ review, date: "15.08.25", rating: "10", author: `user${i}****`, review_id: `${movie}${i}`, movie_id: movie })), null, 2);

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-corpus-"));
    from = path.join(tmp, "snapshots");
    meta = path.join(tmp, "corpus");
    fs.mkdirSync(meta, { recursive: true });
    const intents = loadBuiltinIntents();
    heldOutEn = (intents.val.find((e) => e.lang === "en") ?? assert.fail("no English val utterance")).text;
    heldOutKo = (intents.test.find((e) => e.lang === "ko") ?? assert.fail("no Korean test utterance")).text;

    const dialogues = [
      {
        dialogue_id: "1",
        turns: [
          { speaker: "USER", utterance: "I'd like to book a table for four tonight." },
          { speaker: "SYSTEM", utterance: "Which   restaurant\tand what time?" },
          { speaker: "USER", utterance: `${heldOutEn}` },
          { speaker: "USER", utterance: "Make it Sino in San Jose at 7 pm." },
          { speaker: "SYSTEM", utterance: "Your table is booked.<br>Anything else?" },
        ],
      },
      {
        dialogue_id: "2",
        turns: [
          { speaker: "USER", utterance: "Find me a bus to Fresno." },
          { speaker: "SYSTEM", utterance: "your table is BOOKED. anything else" },
          { speaker: "SYSTEM", utterance: "There is a bus at 9:10 am for $24." },
          { speaker: "USER", utterance: "The project wrote this sentence first." },
        ],
      },
    ];
    const sgdCommit = commitRepo(from, "fake/sgd", {
      "train/dialogues_001.json": JSON.stringify(dialogues, null, 2),
      "train/dialogues_002.json": JSON.stringify([{ dialogue_id: "3", turns: [{ utterance: "Play some jazz in the kitchen." }, { utterance: "Playing jazz now." }] }]),
      "train/schema.json": "[]",
    });
    dropBlob(from, "fake/sgd", "train/dialogues_002.json");

    const nsmcCommit = commitRepo(from, "fake/nsmc", {
      "raw/1.json": nsmcReviews("1", [
        "\u1112\u1161\u11ab\u1100\u116e\u11a8 영화 중 최고였어요", // NFD
        "배우들 연기가 정말 좋았다&amp;음악도",
        "Best movie ever",
        "ㅋ",
        heldOutKo,
        "두 번 봐도 재밌어요",
      ]),
      "raw/2.json": nsmcReviews("2", ["두 번 봐도 재밌어요!!", "지루해서 중간에 나왔습니다", "결말이 아쉬웠어요"]),
    });
    const nluCommit = commitRepo(from, "fake/kor-nlu", {
      "KorNLI/xnli.dev.ko.tsv": "sentence1\tsentence2\tgold_label\n그는 집에 왔다.\t그는 돌아왔다.\tentailment\n그는 집에 왔다.\t그는 떠났다.\tcontradiction\n",
      "KorSTS/sts-dev.tsv": "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\nmain\tx\t2012\t1\t4.2\t비행기가 이륙하고 있다.\t비행기가 떠오르고 있다.\nmain\tx\t2012\t2\t0.4\t한 남자가 노래한다.\t고양이가 잔다.\n",
    });
    const hwuDir = "CV/KFold_1/testset/text";
    const hwuCommit = commitRepo(from, "fake/hwu", {
      [`${hwuDir}/alarm_set.txt`]: Array.from({ length: 10 }, (_, i) => `wake me up at ${["six", "seven", "eight", "nine", "ten", "eleven", "noon", "one", "two", "three"][i]} please`).join("\n") + "\n",
    });
    manifest = {
      excluded: [{ repo: "clinc/oos-eval", reason: "evaluation set" }],
      sources: [
        spec("hwu64", "fake/hwu", hwuCommit, "hwu64", "en", ["CV/KFold_*/testset/text/*.txt"]),
        spec("sgd", "fake/sgd", sgdCommit, "sgd", "en", ["train/dialogues_*.json"]),
        spec("nsmc", "fake/nsmc", nsmcCommit, "nsmc", "ko", ["raw/*.json"]),
        spec("kornli", "fake/kor-nlu", nluCommit, "kornli", "ko", ["KorNLI/*.tsv"]),
        spec("korsts", "fake/kor-nlu", nluCommit, "korsts", "ko", ["KorSTS/sts-*.tsv"]),
      ],
    };
    manifestFile = path.join(meta, "sources.json");
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    // A stand-in for the project-written corpus: its sentences must not be repeated by public text.
    fs.mkdirSync(path.join(tmp, "project", "en"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "project", "en", "01.txt"), "The project wrote this sentence first.\nAnd a second one.\n");
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const baseArgs = (): string[] => ["--out", out(), "--manifest", manifestFile, "--project-corpus", path.join(tmp, "project"), "--max-ratio", "100"];

  it("builds the corpus: normalised, tagged, deduplicated, without the intents' val/test sentences", async () => {
    const r = await runCli(["--from", from, ...baseArgs()]);
    assert.equal(r.code, 0, r.stderr);
    const files = readTree(out());
    const texts = ["en/hwu64.txt", "en/sgd.txt", "ko/kornli.txt", "ko/korsts.txt", "ko/nsmc.txt"];
    assert.deepEqual(Object.keys(files).sort(), [".gitignore", ...texts.flatMap((t) => [t, `${t}.gz`]), "stats.json"].sort());
    for (const t of texts) assert.equal(gunzipSync(fs.readFileSync(path.join(out(), `${t}.gz`))).toString("utf8"), files[t], `${t}.gz holds the same text`);

    assert.equal(
      files["en/sgd.txt"],
      [
        "I'd like to book a table for four tonight.",
        "Which restaurant and what time?",
        "Make it Sino in San Jose at 7 pm.",
        "Your table is booked. Anything else?",
        "",
        "Find me a bus to Fresno.",
        "There is a bus at 9:10 am for $24.",
        "",
      ].join("\n"),
    );
    assert.equal(
      files["ko/nsmc.txt"],
      ["한국 영화 중 최고였어요", "배우들 연기가 정말 좋았다&음악도", "두 번 봐도 재밌어요", "", "지루해서 중간에 나왔습니다", "결말이 아쉬웠어요", ""].join("\n"),
    );
    assert.equal(files["ko/kornli.txt"], "그는 집에 왔다.\n그는 돌아왔다.\n");
    assert.equal(files["ko/korsts.txt"], "비행기가 이륙하고 있다.\n비행기가 떠오르고 있다.\n");
    // Ten utterances of one intent: a document of 8, then one of 2.
    assert.deepEqual(files["en/hwu64.txt"].split("\n\n").map((d) => d.trim().split("\n").length), [8, 2]);

    const stats = JSON.parse(files["stats.json"]) as CorpusStats;
    const by = new Map(stats.sources.map((s) => [s.id, s]));
    const sgd = by.get("sgd") ?? assert.fail("no sgd stats");
    assert.equal(sgd.removed.intentsValTestOverlap, 1);
    assert.equal(sgd.removed.nearDuplicate, 1); // "your table is BOOKED. anything else"
    assert.equal(sgd.removed.exactDuplicate, 1); // the project corpus's sentence
    assert.deepEqual(sgd.filesAbsent, ["train/dialogues_002.json"]);
    assert.equal(sgd.filesUsed, 1);
    const nsmc = by.get("nsmc") ?? assert.fail("no nsmc stats");
    assert.equal(nsmc.removed.intentsValTestOverlap, 1);
    assert.equal(nsmc.removed.otherLanguage, 1); // "Best movie ever"
    assert.equal(nsmc.removed.emptyOrTooShort, 1); // "ㅋ"
    assert.equal(nsmc.removed.nearDuplicate, 1); // "두 번 봐도 재밌어요!!"
    assert.equal(stats.totals.en.removedIntentsValTestOverlap, 1);
    assert.equal(stats.totals.ko.documents, 4);
    assert.ok(!files["ko/nsmc.txt"].includes("user0"), "author ids never reach the corpus");

    const datasheet = fs.readFileSync(path.join(meta, "DATASHEET.md"), "utf8");
    for (const s of manifest.sources) {
      assert.ok(datasheet.includes(`https://github.com/${s.repo}`), `datasheet names ${s.repo}`);
      assert.ok(datasheet.includes(s.commit), `datasheet names commit of ${s.id}`);
    }
    assert.ok(datasheet.includes("clinc/oos-eval"));
    assert.ok(datasheet.includes("intents' val/test"));

    const lock = JSON.parse(fs.readFileSync(path.join(meta, "sources.lock.json"), "utf8")) as { sources: Record<string, { files: { path: string }[] }> };
    assert.deepEqual(lock.sources.sgd.files.map((f) => f.path), ["train/dialogues_001.json"]);

    // The output reads as a pretraining corpus.
    const docs = readCorpus(out());
    assert.equal(docs.length, stats.totals.en.documents + stats.totals.ko.documents);
    for (const [name, text] of Object.entries(files)) {
      if (!name.endsWith(".txt")) continue;
      assert.equal(text, text.normalize("NFC"), name);
      assert.ok(!text.includes("\r") && text.endsWith("\n") && !text.endsWith("\n\n"), name);
    }
    assert.deepEqual(
      fs.readdirSync(tmp).filter((n) => n.includes(".tmp-")),
      [],
      "no temporary folder is left",
    );
  });

  it("online mode downloads the pinned files from a server and builds the same bytes; a changed file is refused", async () => {
    const local = readTree(out());
    const served = new Map<string, Buffer>();
    for (const s of manifest.sources) {
      const dir = path.join(from, s.repo.replace("/", "+"), "repo");
      for (const p of gitRun(dir, ["ls-tree", "-r", "--name-only", s.commit]).split("\n")) {
        const r = spawnSync("git", ["cat-file", "blob", `${s.commit}:${p}`], { cwd: dir });
        if (r.status === 0) served.set(`/${s.repo}/${s.commit}/${p}`, r.stdout);
      }
    }
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? "");
      requests.push(url);
      const body = served.get(url);
      if (body === undefined) {
        res.writeHead(404).end("not found");
      } else {
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const onlineOut = path.join(tmp, "online", "public");
      const env = { ...process.env, BERTLAB_CORPUS_BASE_URL: base };
      const args = ["--online", "--out", onlineOut, "--manifest", manifestFile, "--project-corpus", path.join(tmp, "project"), "--max-ratio", "100"];
      const r = await runCli(args, env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readTree(onlineOut), local);
      assert.ok(requests.includes(`/fake/nsmc/${manifest.sources[2].commit}/raw/1.json`), requests.join(", "));
      assert.ok(!requests.some((u) => u.includes("dialogues_002")), "files absent from the lock are not requested");

      // The server now serves different bytes for one file: the blob id check refuses it.
      const key = `/fake/nsmc/${manifest.sources[2].commit}/raw/2.json`;
      served.set(key, Buffer.from(nsmcReviews("2", ["바뀐 리뷰입니다", "정말요"])));
      const before = readTree(onlineOut);
      const bad = await runCli(args, env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /raw\/2\.json: content differs from the pinned file/);
      assert.deepEqual(readTree(onlineOut), before, "a failed build leaves the previous output untouched");

      served.delete(key);
      const missing = await runCli(args, env);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /raw\/2\.json: download failed: HTTP 404/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("a malformed JSON file is named with its line, and nothing is written", async () => {
    const manifestBad: Manifest = JSON.parse(JSON.stringify(manifest)) as Manifest;
    const commit = commitRepo(from, "fake/nsmc", { "raw/3.json": '[\n  {"review": "좋아요"},\n  {"review": "괜찮아요",}\n]\n' });
    manifestBad.sources[2].commit = commit;
    const mf = path.join(tmp, "bad-json", "sources.json");
    fs.mkdirSync(path.dirname(mf), { recursive: true });
    fs.writeFileSync(mf, JSON.stringify(manifestBad));
    const badOut = path.join(tmp, "bad-json", "public");
    const r = await runCli(["--from", from, "--out", badOut, "--manifest", mf, "--project-corpus", "none"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /raw\/3\.json:3: malformed JSON/);
    assert.match(r.stderr, /nothing was written/);
    assert.ok(!fs.existsSync(badOut), "no output folder");
    assert.deepEqual(fs.readdirSync(path.dirname(mf)), ["sources.json"], "no datasheet, lock or temporary file");
    assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes(".tmp-")), []);
  });

  it("a TSV line with the wrong number of fields is named with file and line", async () => {
    const manifestBad: Manifest = JSON.parse(JSON.stringify(manifest)) as Manifest;
    const commit = commitRepo(from, "fake/kor-nlu", {
      "KorSTS/sts-dev.tsv": "genre\tfilename\tyear\tid\tscore\tsentence1\tsentence2\nmain\tx\t2012\t1\t4.2\t비행기가 이륙한다.\t비행기가 뜬다.\nmain\tx\t2012\t2\t3.0\t잘린 줄\n",
    });
    manifestBad.sources[3].commit = commit;
    manifestBad.sources[4].commit = commit;
    const mf = path.join(tmp, "bad-tsv", "sources.json");
    fs.mkdirSync(path.dirname(mf), { recursive: true });
    fs.writeFileSync(mf, JSON.stringify(manifestBad));
    const r = await runCli(["--from", from, "--out", path.join(tmp, "bad-tsv", "public"), "--manifest", mf, "--project-corpus", "none"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /KorSTS\/sts-dev\.tsv:3: expected 7 tab-separated fields as in the header, found 6/);
    assert.ok(!fs.existsSync(path.join(tmp, "bad-tsv", "public")));
  });

  it("3i4K: fragments (label 0) are dropped, the rest grouped per label into documents; a bad label is named with file and line", async () => {
    const requests = ["내일 아침 일곱 시에 깨워줘", "오늘 황사 농도가 얼마나 되는지 아니", "거실 불 좀 꺼줄래", "이번 주말 날씨 알려줘"];
    const good = ["0\t학교", ...requests.map((r, i) => `${i < 2 ? 2 : 3}\t${r}`), `2\t${heldOutKo}`, "1\t정말 우연히 본 거예요", "1\t여긴 죄다 아빠 물건들이야", ""].join("\n");
    const commit = commitRepo(from, "fake/3i4k", { "data/fci.txt": good });
    const m: Manifest = { ...manifest, sources: [manifest.sources[0], spec("3i4k", "fake/3i4k", commit, "3i4k", "ko", ["data/fci.txt"])] };
    const mf = path.join(tmp, "three-i4k", "sources.json");
    fs.mkdirSync(path.dirname(mf), { recursive: true });
    fs.writeFileSync(mf, JSON.stringify(m));
    const dir = path.join(tmp, "three-i4k", "public");
    const r = await runCli(["--from", from, "--out", dir, "--manifest", mf, "--project-corpus", "none", "--max-ratio", "100"]);
    assert.equal(r.code, 0, r.stderr);
    // Label 1, then 2, then 3 (groups in label order); the fragment and the held-out test utterance are gone.
    assert.equal(
      fs.readFileSync(path.join(dir, "ko", "3i4k.txt"), "utf8"),
      ["정말 우연히 본 거예요", "여긴 죄다 아빠 물건들이야", "", requests[0], requests[1], "", requests[2], requests[3], ""].join("\n"),
    );
    const stats = JSON.parse(fs.readFileSync(path.join(dir, "stats.json"), "utf8")) as CorpusStats;
    assert.equal(stats.sources.find((s) => s.id === "3i4k")?.removed.intentsValTestOverlap, 1);

    const badCommit = commitRepo(from, "fake/3i4k", { "data/fci.txt": "2\t내일 날씨 알려줘\n7\t잘못된 라벨\n" });
    const bad: Manifest = { ...m, sources: [m.sources[0], { ...m.sources[1], commit: badCommit }] };
    fs.writeFileSync(mf, JSON.stringify(bad));
    const badOut = path.join(tmp, "three-i4k", "bad");
    const r2 = await runCli(["--from", from, "--out", badOut, "--manifest", mf, "--project-corpus", "none", "--max-ratio", "100"]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /data\/fci\.txt:2: label "7" is not one of 3i4K's labels 0-6/);
    assert.ok(!fs.existsSync(badOut), "nothing is written");
  });

  it("a missing snapshot is a clear error before anything is read, and the previous output stays", async () => {
    const manifestMissing: Manifest = JSON.parse(JSON.stringify(manifest)) as Manifest;
    manifestMissing.sources.push(spec("taskmaster", "fake/taskmaster", "0".repeat(40), "taskmaster", "en", ["x/*.json"]));
    const mf = path.join(meta, "sources-missing.json");
    fs.writeFileSync(mf, JSON.stringify(manifestMissing));
    const before = readTree(out());
    const r = await runCli(["--from", from, "--out", out(), "--manifest", mf, "--project-corpus", "none"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /fake\+taskmaster\/repo: source "taskmaster" \(fake\/taskmaster\): snapshot folder not found/);
    assert.deepEqual(readTree(out()), before);

    // A snapshot that lacks the pinned commit is refused too.
    manifestMissing.sources.pop();
    manifestMissing.sources[0].commit = "1".repeat(40);
    fs.writeFileSync(mf, JSON.stringify(manifestMissing));
    const r2 = await runCli(["--from", from, "--out", out(), "--manifest", mf, "--project-corpus", "none"]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /source "hwu64": the snapshot has no commit 1{40}/);
    assert.deepEqual(readTree(out()), before);
  });

  it("--unpack restores the .txt files from the .txt.gz copies and refuses a damaged copy", async () => {
    const before = readTree(out());
    for (const name of Object.keys(before).filter((n) => n.endsWith(".txt"))) fs.rmSync(path.join(out(), name));
    const r = await runCli(["--unpack", "--out", out()]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readTree(out()), before);

    const gz = path.join(out(), "ko", "nsmc.txt.gz");
    const good = fs.readFileSync(gz);
    fs.writeFileSync(gz, gzipSync(Buffer.from("다른 내용\n다른 문장\n")));
    fs.rmSync(path.join(out(), "en", "sgd.txt"));
    const bad = await runCli(["--unpack", "--out", out()]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ko\/nsmc\.txt\.gz: decompresses to SHA-256 [0-9a-f]{64}, but stats\.json records/);
    assert.ok(!fs.existsSync(path.join(out(), "en", "sgd.txt")), "nothing is restored when one copy is bad");
    assert.deepEqual(fs.readdirSync(path.join(out(), "en")).filter((n) => n.includes(".part-")), []);
    fs.writeFileSync(gz, good);
    assert.equal((await runCli(["--unpack", "--out", out()])).code, 0);
    assert.deepEqual(readTree(out()), before);
  });

  it("usage errors exit non-zero", async () => {
    const r = await runCli(["--out", out()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give exactly one of --from DIR, --online or --unpack/);
  });

  it("gitBlobId matches git's own object id", () => {
    const dir = path.join(from, "fake+nsmc", "repo");
    const content = spawnSync("git", ["cat-file", "blob", "HEAD:raw/1.json"], { cwd: dir }).stdout;
    assert.equal(gitBlobId(content), gitRun(dir, ["rev-parse", "HEAD:raw/1.json"]));
  });
});
