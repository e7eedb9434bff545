import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import {
  DataFormatError,
  formatIntentStats,
  IntentDataset,
  loadClincIntents,
  loadCsvIntents,
  loadIntents,
  loadJsonlIntents,
} from "../../src/data";

const root = path.resolve(__dirname, "../..");
const fixture = (name: string) => path.join(__dirname, "fixtures", name);

/** Loads collecting warnings instead of printing them. */
function quiet<T extends object>(load: (file: string, options: T & { onWarning: (w: string) => void }) => IntentDataset, name: string, options = {} as T) {
  const printed: string[] = [];
  const dataset = load(fixture(name), { ...options, onWarning: (w: string) => printed.push(w) });
  return { dataset, printed };
}

/** Asserts a DataFormatError for `file:line: ...reason`. */
function fails(run: () => unknown, name: string, line: number | undefined, reason: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected DataFormatError, got ${String(error)}`);
    assert.equal(error.file, fixture(name));
    assert.equal(error.line, line, error.message);
    assert.match(error.reason, reason);
    assert.ok(error.message.startsWith(line === undefined ? `${fixture(name)}: ` : `${fixture(name)}:${line}: `), error.message);
    return true;
  });
}

describe("intent loaders: formats", () => {
  it("reads CLINC150's data_full.json layout, keeping oos_* apart", () => {
    const { dataset: d, printed } = quiet(loadClincIntents, "clinc_small.json");
    assert.deepEqual(d.labels, ["alarm", "balance", "transfer"]);
    assert.deepEqual(d.labelToId, { alarm: 0, balance: 1, transfer: 2 });
    assert.deepEqual([d.train.length, d.val.length, d.test.length], [5, 2, 3]);
    assert.deepEqual(d.train[2], { text: "send 20 dollars to sam", intent: "transfer", split: "train" });
    assert.deepEqual(d.oos!.map((e) => e.split), ["train", "train", "val", "test"]);
    assert.ok(d.oos!.every((e) => e.intent === "oos"));
    assert.deepEqual(d.stats.splits, { train: 5, val: 2, test: 3, oos: 4 });
    assert.deepEqual(d.stats.perLabel.alarm, { train: 1, val: 0, test: 1 });
    assert.equal(d.stats.minPerLabel, 2);
    assert.equal(d.stats.maxPerLabel, 4);
    assert.equal(
      formatIntentStats(d.stats).split("\n")[0],
      "3 labels, 10 in-scope examples (train 5, val 2, test 3), 4 out-of-scope",
    );
    // alarm is in train and test: the missing val is fine, nothing to warn about.
    assert.deepEqual(printed, []);
    assert.deepEqual(d.warnings, []);
  });

  it("reads CSV with quotes, embedded newlines, split aliases and ids", () => {
    const { dataset: d } = quiet(loadCsvIntents, "intents.csv");
    assert.deepEqual(d.labels, ["balance", "transfer"]);
    assert.deepEqual(d.train.map((e) => e.text), ["what is my balance", "send 20 dollars to sam, please", 'a text with a "quoted" word and\na newline']);
    assert.deepEqual(d.val.map((e) => e.text), ["move money to savings", "pay back jo 10 dollars"]);
    assert.deepEqual(d.test.map((e) => e.intent), ["balance"]);
  });

  it("reads TSV with a named text column and a language column, quotes kept literally", () => {
    const { dataset: d } = quiet(loadCsvIntents, "intents.tsv", { textColumn: "sentence" });
    const all = [...d.train, ...d.val, ...d.test];
    assert.equal(all.length, 4);
    assert.ok(all.some((e) => e.text === 'he said "hi" to sam' && e.lang === "en"));
    assert.ok(all.some((e) => e.text === "잔액 알려 줘" && e.lang === "ko" && e.intent === "balance"));
    assert.deepEqual(Object.keys(d.stats.perLang).sort(), ["en", "ko"]);
  });

  it("reads CSV without a header by column number", () => {
    const { dataset: d } = quiet(loadCsvIntents, "noheader.csv", { header: false, splitColumn: 2 });
    assert.deepEqual([d.train.length, d.val.length, d.test.length], [2, 0, 1]);
    assert.equal(d.train[0].text, "what is my balance");
  });

  it("applies a seeded stratified split when the file has none", () => {
    const options = { textColumn: "utterance", labelColumn: "category", seed: 7 };
    const { dataset: d } = quiet(loadCsvIntents, "intents_nosplit.csv", options);
    assert.deepEqual(d.stats.perLabel, {
      alarm: { train: 3, val: 1, test: 1 },
      balance: { train: 6, val: 2, test: 2 },
      transfer: { train: 6, val: 2, test: 2 },
    });
    assert.deepEqual(d.oos!.map((e) => e.split).sort(), ["test", "test", "train", "train", "train", "train", "train", "train", "val", "val"]);
    const again = quiet(loadCsvIntents, "intents_nosplit.csv", options).dataset;
    assert.deepEqual(again.test, d.test);
    const other = quiet(loadCsvIntents, "intents_nosplit.csv", { ...options, seed: 8 }).dataset;
    assert.notDeepEqual(other.test, d.test);
  });

  it("treats oos as a class when oosLabel is null, and drops it with includeOos false", () => {
    const asClass = quiet(loadCsvIntents, "intents_nosplit.csv", { textColumn: "utterance", labelColumn: "category", oosLabel: null }).dataset;
    assert.deepEqual(asClass.labels, ["alarm", "balance", "oos", "transfer"]);
    const dropped = quiet(loadCsvIntents, "intents_nosplit.csv", { textColumn: "utterance", labelColumn: "category", includeOos: false }).dataset;
    assert.equal(dropped.oos, undefined);
    assert.equal(dropped.stats.splits.oos, 0);
  });

  it("reads JSONL, skipping blank lines, with ids and out-of-scope", () => {
    const { dataset: d } = quiet(loadJsonlIntents, "intents.jsonl");
    assert.deepEqual(d.labels, ["balance", "transfer"]);
    assert.deepEqual([d.train.length, d.val.length, d.test.length, d.oos!.length], [2, 1, 1, 1]);
    assert.deepEqual(d.oos![0], { text: "who wrote hamlet", intent: "oos", split: "test" });
  });

  it("picks the format from the extension, or by name", () => {
    assert.deepEqual(loadIntents(fixture("clinc_small.json")).labels, ["alarm", "balance", "transfer"]);
    assert.equal(loadIntents(fixture("intents.jsonl")).train.length, 2);
    assert.equal(loadIntents(fixture("intents.tsv"), { textColumn: "sentence", splitColumn: null }).stats.total, 4);
    assert.equal(loadIntents("", { format: "builtin", lang: "en" }).labels.length, 40);
    assert.throws(() => loadIntents(fixture("intents.xml")), /cannot tell the format from "\.xml"; give one of builtin, clinc, csv, tsv, jsonl/);
  });
});

describe("intent loaders: bad files name the line", () => {
  it("CSV row with the wrong number of columns", () => {
    fails(() => loadCsvIntents(fixture("bad_columns.csv")), "bad_columns.csv", 3, /^wrong number of columns: expected 2 columns, got 3$/);
  });

  it("CSV quote that never closes", () => {
    fails(() => loadCsvIntents(fixture("unclosed_quote.csv")), "unclosed_quote.csv", 3, /unclosed quote/);
  });

  it("invalid JSON line", () => {
    fails(() => loadJsonlIntents(fixture("bad_json.jsonl")), "bad_json.jsonl", 3, /^invalid JSON: /);
  });

  it("JSONL line that is not an object", () => {
    fails(() => loadJsonlIntents(fixture("not_object.jsonl")), "not_object.jsonl", 2, /expected a JSON object per line/);
  });

  it("empty label, counted after a quoted field spanning two lines", () => {
    fails(() => loadCsvIntents(fixture("empty_label.csv")), "empty_label.csv", 4, /^empty label \("label"\)$/);
  });

  it("empty text", () => {
    fails(() => loadJsonlIntents(fixture("empty_text.jsonl")), "empty_text.jsonl", 2, /^empty text \("text"\)$/);
  });

  it("duplicate ids in CSV and JSONL, naming the first use", () => {
    fails(() => loadCsvIntents(fixture("dup_id.csv")), "dup_id.csv", 4, /^duplicate id "7" \(first used on line 2\)$/);
    fails(() => loadJsonlIntents(fixture("dup_id.jsonl")), "dup_id.jsonl", 4, /^duplicate id "2" \(first used on line 2\)$/);
  });

  it("unknown split name, and a split on some rows only", () => {
    fails(() => loadCsvIntents(fixture("bad_split.csv")), "bad_split.csv", 3, /^unknown split "training"/);
    fails(() => loadJsonlIntents(fixture("missing_split.jsonl")), "missing_split.jsonl", 2, /^missing split \(1 of 2 rows have one/);
  });

  it("a column that does not exist, listing the ones that do", () => {
    fails(() => loadCsvIntents(fixture("intents.csv"), { textColumn: "utterance" }), "intents.csv", 1, /^no column "utterance" \(columns: "id", "text", "label", "split"\)$/);
    fails(() => loadCsvIntents(fixture("noheader.csv"), { header: false, textColumn: "text" }), "noheader.csv", 1, /needs a header row/);
  });

  it("CLINC: a malformed pair, a syntax error and an empty intent", () => {
    fails(() => loadClincIntents(fixture("clinc_bad_pair.json")), "clinc_bad_pair.json", 5, /^train\[2\]: expected a \[text, intent\] pair of strings, got \["a pair with three parts","balance","extra"\]$/);
    fails(() => loadClincIntents(fixture("clinc_bad_syntax.json")), "clinc_bad_syntax.json", 8, /^invalid JSON: unexpected character "\[" in array, expected "," or "\]" \(column 5\)$/);
    fails(() => loadClincIntents(fixture("clinc_empty_intent.json")), "clinc_empty_intent.json", 6, /^empty intent in val\[0\]$/);
  });

  it("warns (does not fail) about labels in val/test but not train, with their lines", () => {
    const { dataset: d, printed } = quiet(loadCsvIntents, "unseen_label.csv");
    assert.deepEqual(d.labels, ["alarm", "balance", "transfer"]);
    assert.deepEqual(d.warnings, [
      `${fixture("unseen_label.csv")}:6: label "alarm" is in val but never in train; the model cannot learn it`,
      `${fixture("unseen_label.csv")}:5: label "alarm" is in test but never in train; the model cannot learn it`,
    ]);
    assert.deepEqual(printed, d.warnings);

    const clinc = quiet(loadClincIntents, "clinc_unseen.json");
    assert.deepEqual(clinc.dataset.warnings, [
      `${fixture("clinc_unseen.json")}: ignored member "extra_notes" (not one of train, val, test, oos_train, oos_val, oos_test)`,
      `${fixture("clinc_unseen.json")}:9: label "alarm" is in test but never in train; the model cannot learn it`,
    ]);
  });

  it("prints warnings on stderr by default", () => {
    const script = `require(${JSON.stringify(path.join(root, "src/data"))}).loadCsvIntents(${JSON.stringify(fixture("unseen_label.csv"))})`;
    const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /bertlab: warning: .*unseen_label\.csv:6: label "alarm" is in val but never in train/);
  });
});
