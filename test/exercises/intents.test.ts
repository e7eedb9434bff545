/**
 * Every intent an exercise names must exist in the built-in data, with examples in each split it uses.
 * Exercise 06 once listed `play_music`, which the data does not have: the classifier then had five output
 * units but four classes of examples, and the grade depended on luck.
 */
import assert from "node:assert";
import { readFileSync, readdirSync } from "fs";
import path from "path";
import { loadBuiltinIntents } from "../../src/data";

const SOURCES = path.resolve(__dirname, "../../notebooks/src/solutions");

/** String arrays assigned to a name that mentions intents, e.g. `const INTENTS = ["set_alarm", ...]`. */
function namedIntentLists(source: string): Array<{ name: string; intents: string[] }> {
  const lists: Array<{ name: string; intents: string[] }> = [];
  for (const m of source.matchAll(/\b(?:const|let|var)\s+(\w*intents\w*)\s*(?::[^=]+)?=\s*\[([^\]]*)\]/gi)) {
    const items = [...m[2].matchAll(/"([^"]*)"|'([^']*)'/g)].map((s) => s[1] ?? s[2]);
    if (items.length > 0) lists.push({ name: m[1], intents: items });
  }
  return lists;
}

describe("exercises: the intents they name exist in the built-in data", () => {
  const files = readdirSync(SOURCES).filter((f) => f.endsWith(".ts"));

  it("finds the lists (the check can fail: a list with an unknown intent is caught)", () => {
    assert.deepStrictEqual(namedIntentLists('const INTENTS = ["weather", "play_music"];'), [{ name: "INTENTS", intents: ["weather", "play_music"] }]);
    const lists = files.flatMap((f) => namedIntentLists(readFileSync(path.join(SOURCES, f), "utf8")));
    assert.ok(lists.length >= 1, "no exercise names intents: the pattern no longer matches exercise 06's list");
  });

  for (const lang of ["en", "ko"] as const) {
    it(`each named intent has ${lang} examples in train, val and test`, () => {
      const data = loadBuiltinIntents({ lang });
      const has = (split: "train" | "val" | "test", intent: string) => data[split].some((e) => e.intent === intent);
      const problems: string[] = [];
      for (const file of files) {
        for (const list of namedIntentLists(readFileSync(path.join(SOURCES, file), "utf8"))) {
          for (const intent of list.intents) {
            const missing = (["train", "val", "test"] as const).filter((s) => !has(s, intent));
            if (missing.length > 0) problems.push(`${file}: ${list.name} names "${intent}", which has no ${lang} examples in ${missing.join(", ")}`);
          }
        }
      }
      assert.deepStrictEqual(problems, []);
    });
  }
});
