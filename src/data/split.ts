/**
 * Seeded stratified split: every stratum (an intent, or a language+intent pair) is
 * shuffled on its own and cut 60/20/20, so each class keeps the same proportions in
 * train, val and test, and adding a class never reshuffles the others.
 */
import { IntentSplit, IntentSplitCounts } from "./types";

export const DEFAULT_SPLIT_RATIOS: IntentSplitCounts = { train: 0.6, val: 0.2, test: 0.2 };

/** mulberry32: a tiny 32-bit PRNG, plenty for shuffling and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over UTF-16 code units: mixes the stratum name into the seed. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * How many of n examples go to each split. Largest-remainder rounding keeps the total
 * exact (40 -> 24/8/8, 42 -> 25/9/8, 161 -> 97/32/32); ties go to train, then val.
 */
export function splitSizes(n: number, ratios: IntentSplitCounts = DEFAULT_SPLIT_RATIOS): IntentSplitCounts {
  const sum = ratios.train + ratios.val + ratios.test;
  if (!(sum > 0) || ratios.train < 0 || ratios.val < 0 || ratios.test < 0) {
    throw new Error(`split ratios must be non-negative with a positive sum, got ${JSON.stringify(ratios)}`);
  }
  const names: IntentSplit[] = ["train", "val", "test"];
  const exact = names.map((s) => (n * ratios[s]) / sum);
  const sizes = exact.map(Math.floor);
  let left = n - sizes.reduce((a, b) => a + b, 0);
  const order = [0, 1, 2].sort((i, j) => exact[j] - Math.floor(exact[j]) - (exact[i] - Math.floor(exact[i])) || i - j);
  for (const i of order) {
    if (left === 0) break;
    sizes[i]++;
    left--;
  }
  return { train: sizes[0], val: sizes[1], test: sizes[2] };
}

export interface StratifiedSplitOptions<T> {
  seed?: number;
  ratios?: IntentSplitCounts;
  /** The stratum of an item. */
  key: (item: T) => string;
}

/** Returns the split of each item, index for index. */
export function stratifiedSplit<T>(items: readonly T[], options: StratifiedSplitOptions<T>): IntentSplit[] {
  const seed = options.seed ?? 42;
  const strata = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = options.key(item);
    const list = strata.get(k);
    if (list) list.push(i);
    else strata.set(k, [i]);
  });
  const result: IntentSplit[] = new Array(items.length);
  for (const [k, indices] of strata) {
    const random = mulberry32(seed ^ hashString(k));
    const shuffled = indices.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const sizes = splitSizes(shuffled.length, options.ratios);
    shuffled.forEach((index, position) => {
      result[index] = position < sizes.train ? "train" : position < sizes.train + sizes.val ? "val" : "test";
    });
  }
  return result;
}
