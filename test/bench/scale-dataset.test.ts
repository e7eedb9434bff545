/**
 * bench/scale-dataset.ts (issue 13, "fine-tuning scales with the data"): the split of the merged
 * BANKING77 + HWU64 dataset, and reading both sources from real git snapshots (OWNER+NAME/repo/.git).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BANKING77, HWU64, readScaleSources, splitScaleDataset } from "../../bench/scale-dataset";
import { commitRepo } from "../corpus/git-snapshot";

function utterances(source: string, intent: string, n: number): { text: string; intent: string; source: string }[] {
  return Array.from({ length: n }, (_, i) => ({ text: `${source} ${intent} request number ${i}`, intent, source }));
}

describe("bench:finetune-scale dataset", () => {
  const pool = [...utterances("a", "big", 200), ...utterances("b", "big", 200), ...utterances("a", "small", 40)];

  it("cuts 30 test and 20 validation utterances per intent, and just enough training ones to reach the total", () => {
    const d = splitScaleDataset(pool, { test: 30, val: 20, trainTotal: 250 });
    assert.equal(d.intents, 3, "the same intent name in two sources stays two intents");
    const count = (intent: string, split: string): number => d.examples.filter((e) => e.intent === intent && e.split === split).length;
    for (const intent of ["a.big", "b.big"]) {
      assert.equal(count(intent, "test"), 30);
      assert.equal(count(intent, "val"), 20);
    }
    // 40 utterances: test and validation get 20% and 13%, training the rest (27).
    assert.equal(count("a.small", "test"), 8);
    assert.equal(count("a.small", "val"), 5);
    assert.equal(count("a.small", "train"), 27);
    // The smallest cap that reaches 250: 27 + 2 × 112 = 251 (111 would give 249).
    assert.equal(d.trainPerIntentCap, 112);
    assert.equal(d.perSplit.train, 251);
    assert.equal(count("a.big", "train"), 112);
    assert.deepEqual(d.perSplit, { train: 251, val: 45, test: 68 });
  });

  it("never puts one text in two splits: repeats are dropped, and texts two intents share are dropped from both", () => {
    const noisy = [
      ...pool,
      { text: "  A BIG request   number 3 ", intent: "big", source: "a" }, // a repeat of a.big's text 3
      { text: "what time is it", intent: "big", source: "a" },
      { text: "What time is it", intent: "small", source: "a" }, // shared by two intents: ambiguous
    ];
    const d = splitScaleDataset(noisy, { test: 30, val: 20, trainTotal: 1000 });
    assert.equal(d.read, noisy.length);
    assert.equal(d.droppedRepeats, 1);
    assert.equal(d.droppedAmbiguous, 2);
    assert.ok(!d.examples.some((e) => e.text.toLowerCase() === "what time is it"));
    const splitOf = new Map<string, string>();
    for (const e of d.examples) {
      const key = `${e.intent}|${e.text.toLowerCase()}`;
      assert.ok(!splitOf.has(key), `${key} appears twice`);
      splitOf.set(key, e.split);
    }
    // Every utterance left is used when the total asks for more than there is.
    assert.equal(d.perSplit.train + d.perSplit.val + d.perSplit.test, noisy.length - 3);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const texts = (seed: number): string[] => splitScaleDataset(pool, undefined, seed).examples.filter((e) => e.split === "test").map((e) => e.text);
    assert.deepEqual(texts(0), texts(0));
    assert.notDeepEqual(texts(0), texts(1));
  });

  it("reads BANKING77's CSVs and HWU64's per-intent fold files from git snapshots, and names what is missing or malformed", async () => {
    const from = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-scale-"));
    try {
      const banking = { ...BANKING77, commit: commitRepo(from, BANKING77.repo, {
        "banking_data/train.csv": 'text,category\n"How do I top up, with a card?",top_up\nMy card is lost,lost_card\n',
        "banking_data/test.csv": "text,category\nwhere is my new card,card_arrival\n",
        "banking_data/categories.json": "[]",
      }) };
      const fold = (k: number): string => `CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation/KFold_${k}/testset/text`;
      const hwu = { ...HWU64, commit: commitRepo(from, HWU64.repo, {
        [`${fold(1)}/alarm_set.txt`]: "wake me up at seven\n\nset an alarm\n",
        [`${fold(2)}/alarm_set.txt`]: "alarm at noon\n",
        [`${fold(1)}/weather_query.txt`]: "is it raining\n",
        [`${fold(1)}/../annotated/alarm_set.json`]: "{}",
      }) };
      const read = await readScaleSources(from, [banking, hwu]);
      assert.deepEqual(
        read.map((u) => `${u.source}.${u.intent}: ${u.text}`).sort(),
        [
          "banking77.card_arrival: where is my new card",
          "banking77.lost_card: My card is lost",
          "banking77.top_up: How do I top up, with a card?",
          "hwu64.alarm_set: alarm at noon",
          "hwu64.alarm_set: set an alarm",
          "hwu64.alarm_set: wake me up at seven",
          "hwu64.weather_query: is it raining",
        ],
      );

      await assert.rejects(readScaleSources(path.join(from, "nowhere"), [banking]), /snapshot folder not found.*PolyAI-LDN\+task-specific-datasets\/repo/);
      const malformed = { ...BANKING77, commit: commitRepo(from, BANKING77.repo, { "banking_data/train.csv": "utterance,label\nhello,greet\n" }) };
      await assert.rejects(readScaleSources(from, [malformed]), /banking_data\/train\.csv: row 2 has no "text" and "category" columns/);
      await assert.rejects(readScaleSources(from, [{ ...hwu, include: ["nothing/*.txt"] }]), /hwu64 \(xliuhw\/NLU-Evaluation-Data@[0-9a-f]{12}\): no file matches nothing\/\*\.txt/);
    } finally {
      fs.rmSync(from, { recursive: true, force: true });
    }
  });
});
