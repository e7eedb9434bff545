// %% [markdown] id=intro
// # Exercises 03 · BERT's three inputs
//
// Three questions, **7 points**: 5 graded by the autograder, and 2 for one answer in words that your instructor grades by hand. They follow
// lesson `03-bert-inputs`, which packed pairs the BERT way and turned `input_mask` into the additive mask. Here
// you pack a pair the way another model does, and build a mask the lesson did not.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the test cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (edge cases, exact values), so make your functions work for any input. Do not rename them.

// %% id=setup
// WordPiece tokens of two short texts, as a tokenizer would give them (no special tokens yet).
const questionTokens = ["is", "the", "bank", "open", "today", "?"];
const answerTokens = ["yes", ",", "until", "nine", "."];
[questionTokens.length, answerTokens.length]

// %% [markdown] id=q1-text
// ## Q1 · Another pair encoding: RoBERTa's (3 points)
//
// BERT packs a pair as `[CLS] A [SEP] B [SEP]` with segment ids. RoBERTa (2019) dropped segment ids and packs a
// pair as `<s> A </s> </s> B </s>`: four special tokens, two separators in the middle. Question-answering
// pipelines usually truncate **only the second text** (the passage), never the question.
//
// Write `packRobertaPair(tokensA, tokensB, maxLength)` returning `{ tokens, attentionMask }`, both of length
// exactly `maxLength`:
//
// 1. If A alone does not fit (`tokensA.length + 4 > maxLength`), throw an `Error` whose message says that the first
//    text needs `tokensA.length + 4` positions but `maxLength` is smaller (name both numbers).
// 2. Otherwise remove tokens from the **end of B** until `tokensA.length + tokensB.length + 4 <= maxLength`.
// 3. Pack `<s> A </s> </s> B </s>`, then pad with `<pad>`: `attentionMask` is 1 for every packed token, 0 for padding.
//
// Do not change the input arrays.

// %% solution id=q1-solution
function packRobertaPair(tokensA: string[], tokensB: string[], maxLength: number): { tokens: string[]; attentionMask: number[] } {
  // BEGIN SOLUTION
  if (tokensA.length + 4 > maxLength) {
    throw new Error(`the first text needs ${tokensA.length + 4} positions with its special tokens, but maxLength is ${maxLength}`);
  }
  const b = tokensB.slice(0, Math.max(0, maxLength - 4 - tokensA.length));
  const tokens = ["<s>", ...tokensA, "</s>", "</s>", ...b, "</s>"];
  const attentionMask = tokens.map(() => 1);
  while (tokens.length < maxLength) {
    tokens.push("<pad>");
    attentionMask.push(0);
  }
  return { tokens, attentionMask };
  // END SOLUTION
}

// %% test id=q1 points=3
import assert from "node:assert";
import { describe, it, check } from "bertlab/check";

describe("q1", () => {
  it("packs and pads a short pair to 12", () => {
    assert.deepStrictEqual(packRobertaPair(["is", "it", "open", "?"], ["yes", "."], 12), {
      tokens: ["<s>", "is", "it", "open", "?", "</s>", "</s>", "yes", ".", "</s>", "<pad>", "<pad>"],
      attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
    });
  }, "<s> A </s> </s> B </s>: two separators between the texts, one at the end; then <pad> with mask 0");
  it("truncates only the second text", () => {
    const got = packRobertaPair(questionTokens, answerTokens, 13);
    assert.deepStrictEqual(got.tokens, ["<s>", "is", "the", "bank", "open", "today", "?", "</s>", "</s>", "yes", ",", "until", "</s>"]);
  }, "13 positions hold 4 special tokens, the 6 tokens of A and 3 of B: cut B from its end, never A");
  it("refuses a first text that cannot fit, naming both numbers", () => {
    // Caught here rather than with assert.throws' validator, whose failure reads "expected to return true".
    let message: string | undefined;
    try {
      packRobertaPair(questionTokens, answerTokens, 8);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    assert.ok(message !== undefined, "packRobertaPair returned for maxLength 8, but A needs 10 positions: it should throw");
    assert.ok(/\b10\b/.test(message) && /\b8\b/.test(message), `the error says "${message}"; it should name the 10 positions A needs and the maxLength 8`);
  }, "throw new Error(...) with a message that contains the 10 positions A needs and the maxLength 8");
  // BEGIN HIDDEN TESTS
  it("B can be cut to nothing", () => {
    assert.deepStrictEqual(packRobertaPair(["a", "b"], ["x", "y"], 6).tokens, ["<s>", "a", "b", "</s>", "</s>", "</s>"]);
  });
  it("exact fit: no padding and no truncation", () => {
    const got = packRobertaPair(["a"], ["x", "y"], 7);
    assert.deepStrictEqual(got, { tokens: ["<s>", "a", "</s>", "</s>", "x", "y", "</s>"], attentionMask: [1, 1, 1, 1, 1, 1, 1] });
  });
  it("an empty B and a long budget", () => {
    const got = packRobertaPair(["a"], [], 8);
    assert.deepStrictEqual(got.tokens, ["<s>", "a", "</s>", "</s>", "</s>", "<pad>", "<pad>", "<pad>"]);
    assert.deepStrictEqual(got.attentionMask, [1, 1, 1, 1, 1, 0, 0, 0]);
  });
  it("does not change its input arrays", () => {
    const a = questionTokens.slice();
    const b = answerTokens.slice();
    packRobertaPair(a, b, 11);
    assert.deepStrictEqual([a, b], [questionTokens, answerTokens]);
  });
  it("A that fits exactly leaves B empty; one less throws", () => {
    assert.strictEqual(packRobertaPair(questionTokens, answerTokens, 10).tokens.length, 10);
    assert.throws(() => packRobertaPair(questionTokens, answerTokens, 9));
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · A sliding-window attention mask (2 points)
//
// The lesson turned `input_mask` into BERT's additive mask: 0 for a real key, −10000 for padding, the same for every
// query. Long-document models (Longformer, BigBird) also limit each token to a **window** of neighbours, so the mask
// becomes a full query × key matrix. Write `slidingWindowBias(inputMask, window)`: row `q`, column `k` is `0` when
// key `k` is a real token (`inputMask[k] === 1`) and `|q − k| <= window`, and `-10000` otherwise.
//
// *Predict first:* how many zeros does row 0 have with 6 real tokens and `window = 2`? And row 3?

// %% solution id=q2-solution
function slidingWindowBias(inputMask: number[], window: number): number[][] {
  // BEGIN SOLUTION
  return inputMask.map((_, q) => inputMask.map((m, k) => (m === 1 && Math.abs(q - k) <= window ? 0 : -10000)));
  // END SOLUTION
}

// %% test id=q2 points=2
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";

describe("q2", () => {
  it("window 1 over [1, 1, 1, 0]", () => {
    closeTo(slidingWindowBias([1, 1, 1, 0], 1), [
      [0, 0, -10000, -10000],
      [0, 0, 0, -10000],
      [-10000, 0, 0, -10000],
      [-10000, -10000, 0, -10000],
    ]);
  }, "0 means \"may attend\" (BERT's 1 in input_mask); the padding column is -10000 in every row, and keys further than window from the query too");
  // BEGIN HIDDEN TESTS
  it("window 0 keeps only the diagonal of real tokens", () => {
    closeTo(slidingWindowBias([1, 1, 0], 0), [
      [0, -10000, -10000],
      [-10000, 0, -10000],
      [-10000, -10000, -10000],
    ]);
  });
  it("a window as long as the sequence is BERT's additive mask in every row", () => {
    const mask = [1, 1, 1, 1, 0, 0];
    const row = mask.map((m) => (m === 1 ? 0 : -10000));
    closeTo(slidingWindowBias(mask, 10), mask.map(() => row));
  });
  it("an empty sequence gives an empty matrix", () => {
    assert.deepStrictEqual(slidingWindowBias([], 2), []);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Explain (2 points, graded by your instructor)
//
// The lesson padded a batch without `input_mask` and the `[CLS]` vector changed; with the mask it did not. In two
// to four sentences: why does padding change `[CLS]` when there is no mask, and why exactly does the additive
// −10000 stop that? Then name **two** things in BERT's inputs that tell the model where sentence A ends and B begins.

// %% [markdown] solution id=q3-answer points=2
// Without a mask, `[CLS]` attends to the `[PAD]` positions like to any other token: softmax gives them non-zero
// weights, so their vectors are mixed into `[CLS]` and its output changes with the amount of padding. Adding
// −10000 to the scores of padded keys makes exp(score) about e^-10000 ≈ 0, so after softmax they get (numerically)
// zero weight and the real tokens' weights are the same as without padding. The boundary between A and B is
// marked both by the `[SEP]` token after A and by the segment ids (0 for A, 1 for B), whose embedding is added
// to every token.

// %% [markdown] id=outro
// ## Done
//
// With the checks green you can pack pairs for two model families and build masks beyond BERT's. Submit this
// notebook as it is (the grader re-runs it from the top).
