import assert from "node:assert/strict";
import { fewShotSplit, loadBuiltinIntents } from "../../src/data";

describe("data: few-shot split", () => {
  it("keeps the first K training utterances per intent and language, and leaves val/test alone", () => {
    const full = loadBuiltinIntents({ includeOos: true });
    const few = fewShotSplit(full, 5);
    assert.equal(few.train.length, full.labels.length * 2 * 5, "40 intents × 2 languages × 5");
    for (const label of full.labels) {
      for (const lang of ["en", "ko"]) {
        const expected = full.train.filter((e) => e.intent === label && e.lang === lang).slice(0, 5);
        assert.deepEqual(few.train.filter((e) => e.intent === label && e.lang === lang), expected, `${label}/${lang}`);
      }
    }
    assert.equal(few.val, full.val);
    assert.equal(few.test, full.test);
    assert.equal(few.stats.splits.train, few.train.length);
  });

  it("refuses a K that some intent cannot fill, naming it", () => {
    const full = loadBuiltinIntents();
    assert.throws(() => fewShotSplit(full, 0), /positive integer, got 0/);
    assert.throws(() => fewShotSplit(full, 10_000), /fewer than 10000 training utterances for [a-z_]+\/(en|ko)/);
  });
});
