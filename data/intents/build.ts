/**
 * Assembles data/intents/intents.jsonl from the hand-written sources in source/<lang>/<domain>.txt,
 * splits each intent of each language 60/20/20 with a fixed seed, checks the invariants, and
 * rewrites the generated tables of DATASHEET.md.
 *
 *   npx tsx data/intents/build.ts           rebuild intents.jsonl and the datasheet tables
 *   npx tsx data/intents/build.ts --check   fail if either is out of date (used by the tests)
 *
 * Source format: `@ intent` starts a section; every following non-blank line is one utterance;
 * lines starting with `#` are comments. oos.txt holds the out-of-scope section.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stratifiedSplit } from "../../src/data/split";
import { computeIntentStats } from "../../src/data/stats";
import { IntentExample, IntentSplit } from "../../src/data/types";

export const LANGS = ["en", "ko"] as const;
export const SEED = 42;
export const MIN_PER_INTENT = 40;
export const MIN_OOS = 150;
const DIR = __dirname;

interface Labels {
  domains: Record<string, string>;
  intents: { intent: string; domain: string; description: string }[];
  oos: { intent: string; description: string };
}

interface SourceLine {
  text: string;
  intent: string;
  lang: string;
  where: string;
}

/** Lower-case, drop punctuation, collapse spaces: two texts equal under this are duplicates. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

function readSources(labels: Labels): SourceLine[] {
  const known = new Map(labels.intents.map((i) => [i.intent, i.domain]));
  const lines: SourceLine[] = [];
  for (const lang of LANGS) {
    const dir = path.join(DIR, "source", lang);
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".txt")).sort()) {
      const domain = name.replace(/\.txt$/, "");
      let intent: string | undefined;
      readFileSync(path.join(dir, name), "utf8")
        .split("\n")
        .forEach((raw, i) => {
          const where = `source/${lang}/${name}:${i + 1}`;
          const line = raw.trim();
          if (line === "" || line.startsWith("#")) return;
          if (line.startsWith("@")) {
            intent = line.slice(1).trim();
            const expected = intent === labels.oos.intent ? "oos" : known.get(intent);
            if (expected === undefined) throw new Error(`${where}: unknown intent "${intent}" (not in labels.json)`);
            if (expected !== domain) throw new Error(`${where}: intent "${intent}" belongs to domain "${expected}", not "${domain}"`);
            return;
          }
          if (!intent) throw new Error(`${where}: utterance before any "@ intent" line`);
          lines.push({ text: line.replace(/\s+/g, " "), intent, lang, where });
        });
    }
  }
  return lines;
}

function validate(lines: SourceLine[], labels: Labels): void {
  const problems: string[] = [];
  const seen = new Map<string, SourceLine>();
  for (const l of lines) {
    const key = `${l.lang}\t${normalizeText(l.text)}`;
    const first = seen.get(key);
    if (first) problems.push(`${l.where}: duplicate of ${first.where} ("${l.text}")`);
    else seen.set(key, l);
  }
  for (const lang of LANGS) {
    for (const { intent } of labels.intents) {
      const n = lines.filter((l) => l.lang === lang && l.intent === intent).length;
      if (n < MIN_PER_INTENT) problems.push(`${lang}/${intent}: ${n} utterances, need at least ${MIN_PER_INTENT}`);
    }
    const oos = lines.filter((l) => l.lang === lang && l.intent === labels.oos.intent).length;
    if (oos < MIN_OOS) problems.push(`${lang}/oos: ${oos} utterances, need at least ${MIN_OOS}`);
  }
  if (problems.length) throw new Error(`intent sources are invalid:\n  ${problems.join("\n  ")}`);
}

/** The dataset records in file order: language, then labels.json order, oos last; source order inside. */
export function buildRecords(): IntentExample[] {
  const labels = JSON.parse(readFileSync(path.join(DIR, "labels.json"), "utf8")) as Labels;
  const lines = readSources(labels);
  validate(lines, labels);
  const order = [...labels.intents.map((i) => i.intent), labels.oos.intent];
  const sorted = LANGS.flatMap((lang) => order.flatMap((intent) => lines.filter((l) => l.lang === lang && l.intent === intent)));
  const splits: IntentSplit[] = stratifiedSplit(sorted, { seed: SEED, key: (l) => `${l.lang}\t${l.intent}` });
  return sorted.map((l, i) => ({ text: l.text, intent: l.intent, lang: l.lang, split: splits[i] }));
}

function jsonl(records: IntentExample[]): string {
  return records.map((r) => JSON.stringify({ text: r.text, intent: r.intent, lang: r.lang, split: r.split })).join("\n") + "\n";
}

/**
 * Korean speech level from the sentence ending, a heuristic for the datasheet:
 * 합쇼체 ends in -ㅂ니다/-ㅂ니까/-십시오, 해요체 in -요, anything else is 반말 or a bare noun phrase.
 */
export function koreanSpeechLevel(text: string): "합쇼체" | "해요체" | "반말/plain" {
  const end = text.replace(/[?!.~,\s]+$/u, "");
  if (/(니다|니까|십시오|시오)$/u.test(end)) return "합쇼체";
  if (/요$/u.test(end) || /(요|니다)[,.?!]\s/u.test(text)) return "해요체";
  return "반말/plain";
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The generated part of the datasheet: statistics and the label list with counts. */
function statsMarkdown(records: IntentExample[]): string {
  const labels = JSON.parse(readFileSync(path.join(DIR, "labels.json"), "utf8")) as Labels;
  const out: string[] = [];
  out.push("| language | split | in-scope | out-of-scope | total |", "|---|---|---:|---:|---:|");
  const count = (f: (r: IntentExample) => boolean) => records.filter(f).length;
  for (const lang of [...LANGS, "all"]) {
    for (const split of ["train", "val", "test", "all"] as const) {
      const inLang = (r: IntentExample) => (lang === "all" || r.lang === lang) && (split === "all" || r.split === split);
      const inScope = count((r) => inLang(r) && r.intent !== labels.oos.intent);
      const oos = count((r) => inLang(r) && r.intent === labels.oos.intent);
      out.push(`| ${lang} | ${split} | ${inScope} | ${oos} | ${inScope + oos} |`);
    }
  }
  out.push("", "| language | utterances | mean characters | mean words | shortest | longest |", "|---|---:|---:|---:|---:|---:|");
  for (const lang of LANGS) {
    const texts = records.filter((r) => r.lang === lang).map((r) => r.text);
    const chars = texts.map((t) => [...t].length);
    const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1);
    out.push(`| ${lang} | ${texts.length} | ${mean(chars)} | ${mean(texts.map(words))} | ${Math.min(...chars)} | ${Math.max(...chars)} |`);
  }
  const levels = { 합쇼체: 0, 해요체: 0, "반말/plain": 0 };
  const korean = records.filter((r) => r.lang === "ko");
  for (const r of korean) levels[koreanSpeechLevel(r.text)]++;
  out.push(
    "",
    "Korean speech levels, guessed from the sentence ending (commands to an assistant are mostly 반말 or bare noun phrases, as in real use):",
    "",
    "| 합쇼체 | 해요체 | 반말/plain |",
    "|---:|---:|---:|",
    "| " + Object.values(levels).map((n) => `${n} (${((100 * n) / korean.length).toFixed(0)}%)`).join(" | ") + " |",
  );
  const stats = Object.fromEntries(
    LANGS.map((lang) => {
      const mine = records.filter((r) => r.lang === lang);
      const part = (s: IntentSplit) => mine.filter((r) => r.split === s && r.intent !== labels.oos.intent);
      return [lang, computeIntentStats({ train: part("train"), val: part("val"), test: part("test"), labels: labels.intents.map((i) => i.intent).sort() })];
    }),
  );
  out.push(
    "",
    `${labels.intents.length} intents in ${Object.keys(labels.domains).length} domains. Counts are train/val/test.`,
    "",
    "| domain | intent | description | en | ko |",
    "|---|---|---|---:|---:|",
  );
  for (const i of labels.intents) {
    const cell = (lang: string) => {
      const c = stats[lang].perLabel[i.intent];
      return `${c.train}/${c.val}/${c.test}`;
    };
    out.push(`| ${i.domain} | \`${i.intent}\` | ${i.description} | ${cell("en")} | ${cell("ko")} |`);
  }
  const oosCell = (lang: string) =>
    (["train", "val", "test"] as const).map((s) => count((r) => r.lang === lang && r.split === s && r.intent === labels.oos.intent)).join("/");
  out.push(`| (none) | \`${labels.oos.intent}\` | ${labels.oos.description} | ${oosCell("en")} | ${oosCell("ko")} |`);
  out.push("", "Domains:", "");
  for (const [domain, description] of Object.entries(labels.domains)) out.push(`- \`${domain}\`: ${description}`);
  return out.join("\n");
}

const BEGIN = "<!-- generated by data/intents/build.ts: begin -->";
const END = "<!-- generated by data/intents/build.ts: end -->";

function datasheet(records: IntentExample[]): string {
  const file = path.join(DIR, "DATASHEET.md");
  const current = readFileSync(file, "utf8");
  const a = current.indexOf(BEGIN);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file}: missing the generated-section markers`);
  return current.slice(0, a + BEGIN.length) + "\n" + statsMarkdown(records) + "\n" + current.slice(b);
}

/** Returns the names of files whose content differs from what the sources produce. */
export function build(options: { check: boolean }): string[] {
  const records = buildRecords();
  const outputs: [string, string][] = [
    [path.join(DIR, "intents.jsonl"), jsonl(records)],
    [path.join(DIR, "DATASHEET.md"), datasheet(records)],
  ];
  const stale: string[] = [];
  for (const [file, content] of outputs) {
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current === content) continue;
    stale.push(path.relative(path.join(DIR, "../.."), file));
    if (!options.check) writeFileSync(file, content);
  }
  return stale;
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const stale = build({ check });
  if (check && stale.length) {
    console.error(`out of date: ${stale.join(", ")}; run \`npm run data:intents\``);
    process.exitCode = 1;
  } else {
    console.log(stale.length ? `wrote ${stale.join(", ")}` : "up to date");
  }
}
