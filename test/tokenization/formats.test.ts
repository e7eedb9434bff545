/** vocab.txt, merges.txt and tokenizer.json, read and written, checked against HF `tokenizers`. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as hf from "tokenizers";
import {
  BertTokenizer,
  formatMergesTxt,
  formatVocabTxt,
  parseMergesTxt,
  parseVocabTxt,
  readMergesTxt,
  readVocabTxt,
  trainBpe,
  trainWordPiece,
  writeMergesTxt,
  writeVocabTxt,
} from "../../src/tokenization";
import { allCorpusStrings, randomStrings } from "./fixtures/corpus";
import { FIXTURES, UNCASED, compareEncoding, describeMismatches, haveVocab, hfBert, needVocab } from "./hf-reference";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-tok-formats-"));
const trainingText = fs.readFileSync(path.join(FIXTURES, "train-en-ko.txt"), "utf8");
const inputs = [...allCorpusStrings(), ...randomStrings(400, 7)];

async function assertSameAsHf(ours: BertTokenizer, theirs: hf.Tokenizer, texts: string[]): Promise<void> {
  const encoded = await theirs.encodeBatch(texts);
  const bad = texts.map((t, i) => compareEncoding(t, ours.encode(t), encoded[i])).filter((m) => m !== undefined);
  assert.equal(bad.length, 0, describeMismatches(bad as NonNullable<(typeof bad)[number]>[]));
}

describe("tokenization: file formats", function () {
  this.timeout(60000);
  const trained = trainWordPiece(trainingText, { vocabSize: 1200, minFrequency: 1 }).tokenizer;

  it("vocab.txt: write then read gives the same vocabulary; CRLF files read the same", function () {
    const file = path.join(tmp, "vocab.txt");
    writeVocabTxt(file, trained.vocab);
    const back = readVocabTxt(file);
    assert.deepEqual(back.tokens, trained.vocab.tokens);
    const crlf = fs.readFileSync(file, "utf8").replace(/\n/g, "\r\n");
    assert.deepEqual(parseVocabTxt(crlf).tokens, trained.vocab.tokens);
    if (haveVocab(UNCASED)) {
      const text = fs.readFileSync(UNCASED, "utf8");
      assert.equal(formatVocabTxt(parseVocabTxt(text)), text);
    }
  });

  it("merges.txt: write then read gives the same merges", function () {
    const { merges } = trainBpe(trainingText, { vocabSize: 400 });
    const file = path.join(tmp, "merges.txt");
    writeMergesTxt(file, merges);
    assert.deepEqual(readMergesTxt(file), merges);
    assert.ok(formatMergesTxt(merges).startsWith("#version: 0.2\n"));
    assert.deepEqual(parseMergesTxt("a b\r\nab c\r\n"), [["a", "b"], ["ab", "c"]]);
  });

  it("reads a tokenizer.json that HF wrote (BertProcessing) and matches HF on the corpus", async function () {
    const theirs = hfBert(trained, true);
    const file = path.join(tmp, "hf-written.json");
    theirs.save(file, true);
    const ours = await BertTokenizer.fromTokenizerJson(file);
    await assertSameAsHf(ours, theirs, inputs);
    assert.equal(ours.decode(ours.encode("the model").inputIds, { skipSpecialTokens: true }), await theirs.decode(ours.encode("the model").inputIds, true));
  });

  it("writes a tokenizer.json (Hub layout, TemplateProcessing) that HF loads and agrees with", async function () {
    const theirs = hf.Tokenizer.fromString(trained.toTokenizerJson());
    await assertSameAsHf(trained, theirs, inputs);
    const pairs = inputs.slice(0, 50).map((t, i) => [t, inputs[inputs.length - 1 - i]] as [string, string]);
    for (const [a, b] of pairs) {
      const m = compareEncoding([a, b], trained.encode(a, b), await theirs.encode(a, b));
      assert.equal(m, undefined, m ? describeMismatches([m]) : "");
    }
  });

  it("round-trips the real uncased vocabulary through tokenizer.json", async function () {
    needVocab(this, UNCASED);
    const ours = BertTokenizer.fromVocabFileSync(UNCASED);
    const again = BertTokenizer.fromTokenizerJsonString(ours.toTokenizerJson());
    for (const t of inputs) assert.deepEqual(again.encode(t).inputIds, ours.encode(t).inputIds);
  });

  it("trained BPE (with </w>, and with ## continuations) matches HF via tokenizer.json", async function () {
    for (const options of [{ vocabSize: 700 }, { vocabSize: 700, endOfWordSuffix: "", continuingSubwordPrefix: "##" }]) {
      const { tokenizer } = trainBpe(trainingText, options);
      const theirs = hf.Tokenizer.fromString(tokenizer.toTokenizerJson());
      await assertSameAsHf(tokenizer, theirs, inputs);
      for (const t of inputs.slice(0, 120)) {
        const ids = tokenizer.encode(t).inputIds;
        assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), await theirs.decode(ids, true), `decode ${JSON.stringify(t)}`);
        assert.equal(tokenizer.decode(ids), await theirs.decode(ids, false), `decode ${JSON.stringify(t)} with special tokens`);
      }
    }
  });

  it("fromPretrained reads a local directory: tokenizer.json first, else vocab.txt + tokenizer_config.json", async function () {
    const withJson = path.join(tmp, "with-json");
    fs.mkdirSync(withJson);
    fs.writeFileSync(path.join(withJson, "tokenizer.json"), trained.toTokenizerJson());
    assert.deepEqual((await BertTokenizer.fromPretrained(withJson)).encode("Hello there").inputIds, trained.encode("Hello there").inputIds);

    const cased = path.join(tmp, "vocab-only");
    fs.mkdirSync(cased);
    writeVocabTxt(path.join(cased, "vocab.txt"), trained.vocab);
    fs.writeFileSync(path.join(cased, "tokenizer_config.json"), JSON.stringify({ do_lower_case: false }));
    const tok = await BertTokenizer.fromPretrained(cased);
    assert.equal(tok.basic.lowercase, false);
    assert.equal(tok.basic.stripAccents, false);
    await assert.rejects(BertTokenizer.fromPretrained("not a/valid/hub id!"), /neither a local directory nor a Hub repo id/);
  });

  it("fromPretrained downloads from a Hub (a local server on 127.0.0.1) through bertlab's hub module", async function () {
    const files: Record<string, string> = {
      "org/with-json/resolve/main/tokenizer.json": trained.toTokenizerJson(),
      "org/vocab-only/resolve/main/vocab.txt": formatVocabTxt(trained.vocab),
      "org/vocab-only/resolve/main/tokenizer_config.json": JSON.stringify({ do_lower_case: true }),
    };
    const server = http.createServer((req, res) => {
      const body = files[(req.url ?? "").replace(/^\//, "")];
      if (body === undefined) {
        res.writeHead(404, { "x-error-code": "EntryNotFound" });
        res.end();
        return;
      }
      const buf = Buffer.from(body, "utf8");
      res.writeHead(200, { etag: `"etag-${buf.length}"`, "content-length": String(buf.length), "x-repo-commit": "0123456789abcdef0123456789abcdef01234567" });
      res.end(req.method === "HEAD" ? undefined : buf);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const opts = { endpoint: `http://127.0.0.1:${port}`, cacheDir: path.join(tmp, "hub-cache"), progress: false };
      const a = await BertTokenizer.fromPretrained("org/with-json", opts);
      const b = await BertTokenizer.fromPretrained("org/vocab-only", opts);
      for (const t of inputs.slice(0, 50)) {
        assert.deepEqual(a.encode(t).inputIds, trained.encode(t).inputIds);
        assert.deepEqual(b.encode(t).inputIds, trained.encode(t).inputIds);
      }
    } finally {
      server.close();
    }
  });
});
