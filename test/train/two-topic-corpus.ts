import * as fs from "node:fs";
import * as path from "node:path";
import { Random } from "../../src/train/random";

/**
 * A small two-topic corpus for pretraining tests: 40 documents, enough for several epochs of tiny
 * batches, so a resume point can fall in the middle of an epoch and after an epoch boundary.
 * Returns the corpus folder (DIR/corpus).
 */
export function writeTwoTopicCorpus(dir: string): string {
  const rng = new Random(7);
  const words = [
    ["alarm", "wake", "morning", "seven", "snooze", "clock"],
    ["rain", "umbrella", "forecast", "sunny", "cloud", "cold"],
  ];
  const docs: string[] = [];
  for (let d = 0; d < 40; d++) {
    const topic = words[d % 2];
    const lines = Array.from({ length: 3 + rng.int(3) }, () => Array.from({ length: 3 + rng.int(4) }, () => rng.choice(topic)).join(" "));
    docs.push(lines.join("\n"));
  }
  const corpusDir = path.join(dir, "corpus");
  fs.mkdirSync(corpusDir, { recursive: true });
  fs.writeFileSync(path.join(corpusDir, "c.txt"), docs.join("\n\n") + "\n");
  return corpusDir;
}
