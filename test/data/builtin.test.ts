import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { build, normalizeText } from "../../data/intents/build";
import { builtinIntentLabels, builtinIntentsDir, loadBuiltinIntents } from "../../src/data";
import { splitSizes } from "../../src/data/split";

interface Record_ {
  text: string;
  intent: string;
  lang: string;
  split: string;
}

const root = path.resolve(__dirname, "../..");
const records: Record_[] = readFileSync(path.join(root, "data/intents/intents.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Record_);
const LANGS = ["en", "ko"];

function words(text: string): string[] {
  return normalizeText(text).split(" ");
}

/**
 * Utterances that another utterance of the same language turns into by replacing, adding or
 * removing one word: the signature of slot-filled templates. Keys: the word list with one
 * position blanked (substitution) and the word list with one word deleted (insertion/deletion).
 */
function nearDuplicates(texts: string[], minWords: number): Set<number> {
  const bySubstitution = new Map<string, number[]>();
  const full = new Map<string, number>();
  const toks = texts.map(words);
  const add = (m: Map<string, number[]>, k: string, i: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(i);
  toks.forEach((t, i) => {
    full.set(t.join(" "), i);
    for (let p = 0; p < t.length; p++) add(bySubstitution, [...t.slice(0, p), "\u0000", ...t.slice(p + 1)].join(" "), i);
  });
  const near = new Set<number>();
  for (const group of bySubstitution.values()) {
    if (group.length > 1) for (const i of group) if (toks[i].length >= minWords) near.add(i);
  }
  toks.forEach((t, i) => {
    for (let p = 0; p < t.length; p++) {
      const j = full.get([...t.slice(0, p), ...t.slice(p + 1)].join(" "));
      if (j !== undefined && j !== i && toks[j].length >= minWords - 1 && t.length >= minWords) {
        near.add(i);
        near.add(j);
      }
    }
  });
  return near;
}

describe("built-in intent dataset", () => {
  const { intents, domains } = builtinIntentLabels();

  it("is up to date with its sources and datasheet (npm run data:intents)", () => {
    assert.deepEqual(build({ check: true }), []);
  });

  it("has at least 40 intents in at least 8 domains, each described", () => {
    assert.ok(intents.length >= 40, `${intents.length} intents`);
    const used = new Set(intents.map((i) => i.domain));
    assert.ok(used.size >= 8, `${used.size} domains`);
    for (const i of intents) {
      assert.ok(i.domain in domains, `${i.intent}: unknown domain ${i.domain}`);
      assert.ok(i.description.length >= 8, `${i.intent}: no description`);
    }
    const inData = new Set(records.map((r) => r.intent));
    assert.deepEqual([...inData].sort(), [...intents.map((i) => i.intent), "oos"].sort());
  });

  it("has at least 40 utterances per intent per language, split 60/20/20", () => {
    for (const lang of LANGS) {
      for (const { intent } of [...intents, { intent: "oos" }]) {
        const mine = records.filter((r) => r.lang === lang && r.intent === intent);
        assert.ok(mine.length >= (intent === "oos" ? 150 : 40), `${lang}/${intent}: ${mine.length}`);
        const counts = { train: 0, val: 0, test: 0 };
        for (const r of mine) counts[r.split as keyof typeof counts]++;
        assert.deepEqual(counts, splitSizes(mine.length), `${lang}/${intent}`);
      }
    }
  });

  it("has no duplicate utterances within a language, even across intents", () => {
    for (const lang of LANGS) {
      const seen = new Map<string, Record_>();
      for (const r of records.filter((x) => x.lang === lang)) {
        const key = normalizeText(r.text);
        assert.ok(!seen.has(key), `"${r.text}" (${r.intent}) duplicates "${seen.get(key)?.text}" (${seen.get(key)?.intent})`);
        seen.set(key, r);
      }
    }
  });

  it("was not mass-produced from templates: few utterances differ from another by one word", () => {
    for (const lang of LANGS) {
      const texts = records.filter((r) => r.lang === lang).map((r) => r.text);
      const near = nearDuplicates(texts, 3);
      const share = near.size / texts.length;
      assert.ok(share < 0.02, `${lang}: ${near.size} of ${texts.length} (${(share * 100).toFixed(1)}%) differ from another by one word: ${[...near].slice(0, 8).map((i) => texts[i]).join(" | ")}`);
    }
  });

  it("catches template-made utterances (the near-duplicate check can fail)", () => {
    const templated = ["book a table for two at 7", "book a table for four at 7", "book a table for two at 8", "wake me up now please"];
    assert.deepEqual([...nearDuplicates(templated, 3)].sort(), [0, 1, 2]);
    assert.deepEqual([...nearDuplicates(["set an alarm for 7", "set an alarm for 7 tomorrow"], 3)].sort(), [0, 1]);
  });

  it("is Korean where it says ko and English where it says en", () => {
    const hangul = /[\uac00-\ud7a3]/;
    for (const r of records) {
      if (r.lang === "ko") assert.match(r.text, hangul, r.text);
      else assert.doesNotMatch(r.text, hangul, r.text);
    }
  });

  it("has a datasheet with the Gebru et al. sections and generated statistics", () => {
    const sheet = readFileSync(path.join(root, "data/intents/DATASHEET.md"), "utf8");
    for (const heading of ["Motivation", "Composition", "How it was written", "Uses", "Known limitations", "Distribution and licence", "Maintenance"]) {
      assert.match(sheet, new RegExp(`^## ${heading}$`, "m"));
    }
    assert.match(sheet, /Apache-2\.0/);
    const total = records.length;
    assert.match(sheet, new RegExp(`\\| all \\| all \\| \\d+ \\| \\d+ \\| ${total} \\|`));
    for (const { intent } of intents) assert.ok(sheet.includes(`\`${intent}\``), intent);
  });

  it("loads through loadBuiltinIntents, per language and with out-of-scope", () => {
    const warnings: string[] = [];
    const both = loadBuiltinIntents({ onWarning: (w) => warnings.push(w) });
    assert.equal(both.labels.length, intents.length);
    assert.equal(both.oos, undefined);
    assert.deepEqual(warnings, []);
    assert.equal(both.stats.total, records.filter((r) => r.intent !== "oos").length);
    assert.deepEqual(Object.keys(both.stats.perLang).sort(), LANGS);

    const ko = loadBuiltinIntents({ lang: "ko", includeOos: true });
    assert.ok(ko.train.every((e) => e.lang === "ko"));
    assert.equal(ko.oos!.length, records.filter((r) => r.lang === "ko" && r.intent === "oos").length);
    assert.deepEqual(ko.labels, both.labels);
    assert.equal(ko.labelToId[ko.labels[7]], 7);
    assert.equal(ko.stats.splits.train, records.filter((r) => r.lang === "ko" && r.split === "train" && r.intent !== "oos").length);
    assert.match(builtinIntentsDir(), /data[\\/]intents$/);
  });
});
