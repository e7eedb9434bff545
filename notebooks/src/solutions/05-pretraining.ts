// %% [markdown] id=intro
// # 05 · Exercises: pretraining data and the masked-LM loss
//
// Three questions, **6 points**: 4 graded by the autograder, and 2 for one answer in words that your instructor grades by hand:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | a masked-LM loss in Hugging Face's label convention (−100 = not masked) | 2 |
// | Q2 | Google's pair truncation, which cuts the front or the back at random | 2 |
// | Q3 | explain why the truncation is random | 2 (by hand) |
//
// Fill in each `// YOUR CODE HERE` (delete the `throw` line), run the cell, then the test cell below it. The grader
// also runs hidden tests of the same behaviour.

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import { ready, Random } from "bertlab";
await ready();

// %% [markdown] id=q1-text
// ## Q1 · A masked-LM loss with −100 labels (2 points)
//
// Lesson 05 gathered the logits at the masked positions and took the cross-entropy there. Hugging Face's
// `BertForMaskedLM` instead takes a label for **every** position: the original token id where the token was
// masked, and **−100** everywhere else. Write `maskedLmLoss(logits, labels)`:
//
// - `logits` has shape `[N, V]`: the MLM head's scores at N token positions;
// - `labels` has length N;
// - return the mean cross-entropy over the positions whose label is not −100, as a plain number (0 when there
//   are none).
//
// *Predict first:* what is the loss of all-zero logits over V classes?

// %% solution id=q1-solution
function maskedLmLoss(logits: tf.Tensor2D, labels: number[]): number {
  // BEGIN SOLUTION
  const rows = labels.map((l, i) => (l === -100 ? -1 : i)).filter((i) => i >= 0);
  if (rows.length === 0) return 0;
  return tf.tidy(() => {
    const picked = tf.gather(tf.logSoftmax(logits), rows);
    const oneHot = tf.oneHot(rows.map((i) => labels[i]), logits.shape[1]);
    return -tf.mean(tf.sum(tf.mul(picked, oneHot), -1)).dataSync()[0];
  });
  // END SOLUTION
}

// %% test id=q1 points=2
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";

describe("q1", () => {
  it("a uniform guess over 4 classes costs ln 4", () => {
    closeTo(maskedLmLoss(tf.zeros([3, 4]) as tf.Tensor2D, [1, -100, 2]), Math.log(4), { atol: 1e-5 });
  }, "all-zero logits give probability 1/4 to every class: -log(1/4) at each masked row");
  it("counts only the masked positions", () => {
    // Row 0 is masked with label 0 and a confident right guess; row 1 is unmasked and badly wrong.
    const logits = tf.tensor2d([[10, 0, 0], [0, 0, 10]]);
    const expected = -Math.log(Math.exp(10) / (Math.exp(10) + 2));
    closeTo(maskedLmLoss(logits, [0, -100]), expected, { atol: 1e-5 }, "the unmasked row (label -100) must not count");
  }, "drop the rows whose label is -100 before averaging");
  // BEGIN HIDDEN TESTS
  it("equals softmax cross-entropy over the masked rows of a random batch", () => {
    const logits = tf.randomNormal([6, 10], 0, 2, "float32", 4) as tf.Tensor2D;
    const labels = [3, -100, 7, -100, -100, 0];
    const ref = tf.losses.softmaxCrossEntropy(tf.oneHot([3, 7, 0], 10), tf.gather(logits, [0, 2, 5])).dataSync()[0];
    closeTo(maskedLmLoss(logits, labels), ref, { atol: 1e-5 });
  });
  it("changing unmasked rows does not change the loss", () => {
    const a = tf.randomNormal([4, 5], 0, 1, "float32", 8) as tf.Tensor2D;
    const b = tf.concat([a.slice([0, 0], [2, 5]), tf.randomNormal([2, 5], 0, 5, "float32", 9)]) as tf.Tensor2D;
    closeTo(maskedLmLoss(a, [1, 2, -100, -100]), maskedLmLoss(b, [1, 2, -100, -100]), { atol: 1e-6 });
  });
  it("returns a number, 0 when nothing is masked", () => {
    assert.strictEqual(typeof maskedLmLoss(tf.zeros([1, 2]) as tf.Tensor2D, [1]), "number");
    closeTo(maskedLmLoss(tf.zeros([2, 2]) as tf.Tensor2D, [-100, -100]), 0);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Google's pair truncation (2 points)
//
// When sentence A and sentence B together are longer than the budget, Google's `create_pretraining_data.py`
// (`truncate_seq_pair`) shortens them one token at a time:
//
// 1. while `A.length + B.length > maxNumTokens`: pick the **longer** list (B when they are equally long);
// 2. draw `r = rng.next()`: if `r < 0.5` remove that list's **first** token, otherwise its **last** token.
//
// Write `truncatePair(tokensA, tokensB, maxNumTokens, rng)` returning `{ a, b }`, new arrays (do not change the
// inputs). *Predict first:* are the final lengths random? bertlab's `truncatePair` does the same on token ids, in
// place; the hidden tests compare with it, so write yours without it: an answer that calls it scores zero.

// %% solution id=q2-solution
function truncatePair(tokensA: string[], tokensB: string[], maxNumTokens: number, rng: Random): { a: string[]; b: string[] } {
  // BEGIN SOLUTION
  const a = tokensA.slice();
  const b = tokensB.slice();
  while (a.length + b.length > maxNumTokens) {
    const longer = a.length > b.length ? a : b;
    if (rng.next() < 0.5) longer.shift();
    else longer.pop();
  }
  return { a, b };
  // END SOLUTION
}

// %% test id=q2 points=2
import assert from "node:assert";
import { describe, it, check, referenceLibrary } from "bertlab/check";
import { Random } from "bertlab";

const lib = referenceLibrary("q2", { without: ["truncatePair"] });
const q2A = ["the", "bank", "opens", "at", "nine", "on", "weekdays", "."];
const q2B = ["it", "closes", "at", "four", "."];
describe("q2", () => {
  it("the lengths do not depend on the draws: 8 + 5 into 9 gives 5 + 4", () => {
    for (let seed = 0; seed < 20; seed++) {
      const { a, b } = truncatePair(q2A, q2B, 9, new Random(seed));
      assert.deepStrictEqual([a.length, b.length], [5, 4], `seed ${seed}`);
    }
  }, "always shorten the longer list (B on a tie): 8/5 → 7/5 → 6/5 → 5/5 → 5/4");
  it("keeps a contiguous piece of each text", () => {
    const { a } = truncatePair(q2A, q2B, 9, new Random(3));
    const start = q2A.indexOf(a[0]);
    assert.deepStrictEqual(a, q2A.slice(start, start + a.length), `[${a}] is not a contiguous piece of A`);
  }, "remove only from the front (r < 0.5) or the back, never from the middle");
  // BEGIN HIDDEN TESTS
  const reference = (ta: string[], tb: string[], max: number, rng: Random) => {
    const a = ta.slice();
    const b = tb.slice();
    lib.truncatePair(a as unknown as number[], b as unknown as number[], max, rng);
    return { a, b };
  };
  it("follows the draw order exactly over 200 seeds", () => {
    for (let seed = 0; seed < 200; seed++) {
      const max = 3 + (seed % 9);
      assert.deepStrictEqual(truncatePair(q2A, q2B, max, new Random(seed)), reference(q2A, q2B, max, new Random(seed)), `seed ${seed}, max ${max}`);
    }
  });
  it("cuts from both ends over many seeds", () => {
    let front = 0;
    let back = 0;
    for (let seed = 0; seed < 100; seed++) {
      const { a } = truncatePair(q2A, q2B, 12, new Random(seed));
      if (a[0] !== "the") front++;
      if (a[a.length - 1] !== ".") back++;
    }
    assert.ok(front > 30 && back > 30, `front ${front}, back ${back}`);
  });
  it("nothing to do: copies, untouched inputs", () => {
    const a = q2A.slice();
    const out = truncatePair(a, q2B, 64, new Random(1));
    assert.deepStrictEqual(out, { a: q2A, b: q2B });
    assert.notStrictEqual(out.a, a);
    truncatePair(a, q2B, 4, new Random(1));
    assert.deepStrictEqual(a, q2A);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// Your `truncatePair` removes a token from the front or from the back at random; Google's code comments call this
// "more noise". In two to four sentences: what would pretraining examples look like if truncation always cut the
// end, what could the model learn from that instead of language, and how does the random choice prevent it?

// %% [markdown] solution id=q3-answer points=2
// If truncation always cut the end, every truncated sentence would be missing its ending but never its
// beginning, so [SEP] would follow unfinished sentences far more often than complete ones while the text after
// [CLS] and [SEP] always started cleanly. The model could then learn this bias (e.g. "a sentence that stops
// mid-clause before [SEP] was truncated") and use position artefacts for NSP and MLM instead of meaning. Cutting
// the front or the back at random spreads the damage over both ends, so neither boundary carries a signal.

// %% [markdown] id=outro
// That is all for 05. These pieces are what `makePretrainingBatch` combines for every batch of lesson 05's run.
