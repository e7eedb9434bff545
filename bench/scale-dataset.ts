/**
 * A real intent dataset the size of a standard intent benchmark (150 intents × 100 training
 * utterances, as CLINC150), for `bench:finetune-scale` (issue 13: "fine-tuning scales with the
 * data"). CLINC150 itself must stay unseen, so two other public benchmarks are merged:
 *   - BANKING77 (PolyAI, CC BY 4.0): 77 banking intents, 13,083 utterances; not in the
 *     pretraining corpus;
 *   - HWU64 (CC BY 4.0): 64 assistant intents, 11,036 utterances; its text (not its labels) is
 *     in the pretraining corpus, so its accuracy is reported apart.
 * 141 intents; per intent 30 test and 20 validation utterances (as CLINC150) and as many training
 * utterances as it takes for the training split to reach 150 × 100 = 15,000 (at most 117 per
 * intent with these sources), drawn by a seeded shuffle. Both are read from local repository snapshots
 * (DIR/OWNER+NAME/repo, as `corpus:build --from` reads them) at pinned commits.
 */
import { parse } from "csv-parse/sync";
import * as path from "node:path";
import { LocalSnapshotReader, normaliseText, SnapshotSpec } from "../scripts/build-corpus";
import { Random } from "../src/train/random";

export interface ScaleSource extends SnapshotSpec {
  licence: string;
  attribution: string;
  /** Utterances and their intents from one file of the source. */
  parse(text: string, file: string): { text: string; intent: string }[];
}

export interface ScaleExample {
  text: string;
  /** `source.intent`, so that two sources' intents never merge. */
  intent: string;
  split: "train" | "val" | "test";
  source: string;
}

export const BANKING77: ScaleSource = {
  id: "banking77",
  repo: "PolyAI-LDN/task-specific-datasets",
  commit: "57ec275d8078af65b7731c2a98be812d844a6d6b",
  include: ["banking_data/train.csv", "banking_data/test.csv"],
  licence: "CC BY 4.0",
  attribution:
    'BANKING77 by Iñigo Casanueva, Tadas Temčinas, Daniela Gerz, Matthew Henderson and Ivan Vulić, "Efficient Intent Detection with Dual Sentence Encoders", NLP4ConvAI 2020; https://github.com/PolyAI-LDN/task-specific-datasets, CC BY 4.0. Changed: train and test pooled and re-split.',
  parse(text, file) {
    const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    return rows.map((r, i) => {
      if (typeof r.text !== "string" || typeof r.category !== "string") throw new Error(`${file}: row ${i + 2} has no "text" and "category" columns`);
      return { text: r.text, intent: r.category };
    });
  },
};

export const HWU64: ScaleSource = {
  id: "hwu64",
  repo: "xliuhw/NLU-Evaluation-Data",
  commit: "f6071b496b17d71e6eb43f543af0707f4ff30557",
  // The ten cross-validation test folds hold every annotated utterance once, one file per intent.
  include: ["CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation/KFold_*/testset/text/*.txt"],
  licence: "CC BY 4.0",
  attribution:
    'NLU-Evaluation-Data (HWU64) by Xingkun Liu, Arash Eshghi, Pawel Swietojanski and Verena Rieser, "Benchmarking Natural Language Understanding Services for building Conversational Agents", IWSDS 2019; https://github.com/xliuhw/NLU-Evaluation-Data, CC BY 4.0. Changed: folds pooled and re-split.',
  parse(text, file) {
    const intent = path.basename(file).replace(/\.txt$/, "");
    return text.split("\n").filter((l) => l.trim() !== "").map((l) => ({ text: l, intent }));
  },
};

export const SCALE_SOURCES: readonly ScaleSource[] = [BANKING77, HWU64];

export interface SplitSizes {
  /** Test and validation utterances per intent. */
  test: number;
  val: number;
  /** Training utterances in all: each intent gives up to the smallest per-intent cap that reaches it. */
  trainTotal: number;
}

/** CLINC150's 30 test / 20 validation per intent, and its 15,000 training utterances. */
export const DEFAULT_SIZES: SplitSizes = { test: 30, val: 20, trainTotal: 15_000 };

export interface ScaleDatasetReport {
  examples: ScaleExample[];
  intents: number;
  perSplit: Record<ScaleExample["split"], number>;
  /** Most training utterances taken from one intent. */
  trainPerIntentCap: number;
  /** Utterances read, and dropped as repeats within an intent or as texts that two intents share. */
  read: number;
  droppedRepeats: number;
  droppedAmbiguous: number;
}

/**
 * Pools each intent's utterances, drops repeats (same text after normalising case and spacing)
 * and texts found under two intents, shuffles each intent with `seed` and cuts test, validation
 * and training utterances off it. An intent with too few utterances gives each split a share in
 * proportion (test 20%, validation 13%) and the rest to training. When the sources hold fewer
 * than `trainTotal` training utterances, every remaining one is used.
 */
export function splitScaleDataset(
  utterances: readonly { text: string; intent: string; source: string }[],
  sizes: SplitSizes = DEFAULT_SIZES,
  seed = 0,
): ScaleDatasetReport {
  const key = (t: string): string => t.toLowerCase();
  const intentsOfText = new Map<string, Set<string>>();
  const byIntent = new Map<string, { text: string; source: string }[]>();
  const seen = new Set<string>();
  let droppedRepeats = 0;
  for (const u of utterances) {
    const text = normaliseText(u.text);
    if (text === "") continue;
    const intent = `${u.source}.${u.intent}`;
    const k = key(text);
    if (seen.has(`${intent}\u0000${k}`)) {
      droppedRepeats++;
      continue;
    }
    seen.add(`${intent}\u0000${k}`);
    intentsOfText.set(k, (intentsOfText.get(k) ?? new Set()).add(intent));
    const list = byIntent.get(intent) ?? [];
    list.push({ text, source: u.source });
    byIntent.set(intent, list);
  }
  let droppedAmbiguous = 0;
  const rng = new Random(seed);
  const shuffled = [...byIntent.keys()].sort().map((intent) => {
    const kept = byIntent.get(intent)!.filter((u) => {
      const ambiguous = intentsOfText.get(key(u.text))!.size > 1;
      if (ambiguous) droppedAmbiguous++;
      return !ambiguous;
    });
    const n = kept.length;
    const test = Math.min(sizes.test, Math.round(n * 0.2));
    const val = Math.min(sizes.val, Math.round(n * 0.13));
    return { intent, order: rng.shuffle(kept), test, val, available: n - test - val };
  });
  const mostAvailable = Math.max(0, ...shuffled.map((s) => s.available));
  const trainedWith = (cap: number): number => shuffled.reduce((sum, s) => sum + Math.min(cap, s.available), 0);
  let cap = 0;
  while (cap < mostAvailable && trainedWith(cap) < sizes.trainTotal) cap++;
  const examples: ScaleExample[] = [];
  for (const { intent, order, test, val, available } of shuffled) {
    const train = Math.min(cap, available);
    const cut: [ScaleExample["split"], number][] = [["test", test], ["val", val], ["train", train]];
    let at = 0;
    for (const [split, count] of cut) {
      for (const u of order.slice(at, at + count)) examples.push({ text: u.text, intent, split, source: u.source });
      at += count;
    }
  }
  const perSplit = { train: 0, val: 0, test: 0 };
  for (const e of examples) perSplit[e.split]++;
  return { examples, intents: byIntent.size, perSplit, trainPerIntentCap: cap, read: utterances.length, droppedRepeats, droppedAmbiguous };
}

/** Reads every source from local snapshots under `from` (DIR/OWNER+NAME/repo) at its pinned commit. */
export async function readScaleSources(from: string, sources: readonly ScaleSource[] = SCALE_SOURCES): Promise<{ text: string; intent: string; source: string }[]> {
  const reader = new LocalSnapshotReader(from);
  const out: { text: string; intent: string; source: string }[] = [];
  for (const source of sources) {
    const files = await reader.list(source);
    if (files.length === 0) throw new Error(`${source.id} (${source.repo}@${source.commit.slice(0, 12)}): no file matches ${source.include.join(", ")}`);
    await reader.read(source, files, (file, bytes, label) => {
      for (const u of source.parse(bytes.toString("utf8"), label)) out.push({ ...u, source: source.id });
    });
  }
  return out;
}
