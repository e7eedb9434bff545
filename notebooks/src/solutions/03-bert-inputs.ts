// %% [markdown] id=intro
// # Exercises 03 · BERT's three inputs
//
// Three questions, **8 points** in all. They follow lesson `03-bert-inputs`: pack a pair into BERT's inputs with
// truncation and padding, convert between the mask conventions, and build the seed's Keras-style model.
//
// Fill in every `// YOUR CODE HERE` (delete the `throw` line below it), run the cell, then run the check cell
// under it: `await check("q1")` shows which tests pass, with expected and actual values. The grader also runs
// hidden tests (edge cases, exact values), so make your functions work for any input. Do not rename them.

// %% id=setup
import assert from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { describe, it, check, closeTo } from "bertlab/check";
import { BertLayer, BertTokenizer, bertConfig, additiveAttentionMask, type BertConfig } from "bertlab";

// A small vocabulary, enough for the examples (real vocabularies have tens of thousands of pieces).
const vocabTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "bank", "opens", "at", "nine", ".", "is", "it", "open", "today", "?", "yes", "##s", "when", "does", "close"];
const tokenizer = BertTokenizer.fromVocab(vocabTokens, { lowercase: true });
tokenizer.tokenize("When does the bank close?")

// %% [markdown] id=q1-text
// ## Q1 · Pack a pair by hand (3 points)
//
// Write `packPair(tokensA, tokensB, maxLength)`. It gets the two texts' WordPiece tokens (without special tokens)
// and returns `{ tokens, segmentIds, inputMask }`, each of length exactly `maxLength`:
//
// 1. **Truncate** with the original BERT rule: while `tokensA.length + tokensB.length > maxLength - 3`, remove the
//    last token of the *longer* list (of B when they are equally long). Do not change the input arrays.
// 2. **Pack** `[CLS] A [SEP] B [SEP]`: segment id 0 for `[CLS]`, A and the first `[SEP]`; 1 for B and the last `[SEP]`.
// 3. **Pad** with `[PAD]` to `maxLength`; padding has segment id 0 and mask 0, every other position mask 1.

// %% solution id=q1-solution
function packPair(tokensA: string[], tokensB: string[], maxLength: number): { tokens: string[]; segmentIds: number[]; inputMask: number[] } {
  // BEGIN SOLUTION
  const a = [...tokensA];
  const b = [...tokensB];
  while (a.length + b.length > maxLength - 3) {
    if (a.length > b.length) a.pop();
    else b.pop();
  }
  const tokens = ["[CLS]", ...a, "[SEP]", ...b, "[SEP]"];
  const segmentIds = [0, ...a.map(() => 0), 0, ...b.map(() => 1), 1];
  const inputMask = tokens.map(() => 1);
  while (tokens.length < maxLength) {
    tokens.push("[PAD]");
    segmentIds.push(0);
    inputMask.push(0);
  }
  return { tokens, segmentIds, inputMask };
  // END SOLUTION
}

// %% test id=q1 points=3
describe("q1", () => {
  it("packs and pads a short pair to 12", () => {
    const got = packPair(["is", "it", "open", "?"], ["yes", "."], 12);
    assert.deepStrictEqual(got, {
      tokens: ["[CLS]", "is", "it", "open", "?", "[SEP]", "yes", ".", "[SEP]", "[PAD]", "[PAD]", "[PAD]"],
      segmentIds: [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0],
      inputMask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    });
  }, "build tokens as [CLS] A [SEP] B [SEP]; the first [SEP] has segment 0, the last segment 1; then push [PAD] with segment 0 and mask 0");
  it("truncates the longer text first", () => {
    const got = packPair(["the", "bank", "opens", "at", "nine", "."], ["yes", "."], 8);
    assert.deepStrictEqual(got.tokens, ["[CLS]", "the", "bank", "opens", "[SEP]", "yes", ".", "[SEP]"]);
  }, "maxLength 8 leaves 5 tokens for A and B together: remove from the end of the longer list until they fit");
  // BEGIN HIDDEN TESTS
  it("equals BertTokenizer.encode with longest_first and max_length padding (even budgets)", () => {
    const pairs: Array<[string, string]> = [["Is it open today?", "Yes."], ["The bank opens at nine.", "When does the bank close?"], ["yes", "the bank opens at nine . the bank opens at nine ."]];
    for (const [a, b] of pairs) {
      for (const maxLength of [7, 9, 11, 15, 21]) {
        const lib = tokenizer.encode(a, b, { maxLength, padding: "max_length", truncation: "longest_first" });
        const got = packPair(tokenizer.tokenize(a), tokenizer.tokenize(b), maxLength);
        assert.deepStrictEqual(got, { tokens: lib.tokens, segmentIds: lib.segmentIds, inputMask: lib.inputMask }, `${a} | ${b} at maxLength ${maxLength}`);
      }
    }
  });
  it("removes from B on a tie (original BERT rule)", () => {
    assert.deepStrictEqual(packPair(["a", "b", "c"], ["x", "y", "z"], 8).tokens, ["[CLS]", "a", "b", "c", "[SEP]", "x", "y", "[SEP]"]);
  });
  it("does not change its input arrays", () => {
    const a = ["the", "bank", "opens", "at", "nine", "."];
    packPair(a, ["yes"], 6);
    assert.strictEqual(a.length, 6);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · Three spellings of one mask (2 points)
//
// BERT's `input_mask` has 1 for a real token and 0 for padding. Write `maskConventions(inputMask)` returning
//
// - `keyPaddingMask`: PyTorch's `key_padding_mask`, `true` where the position must be **ignored**;
// - `additive`: the additive mask added to attention scores: `0` for a token, `-10000` for padding (as BERT does).

// %% solution id=q2-solution
function maskConventions(inputMask: number[]): { keyPaddingMask: boolean[]; additive: number[] } {
  // BEGIN SOLUTION
  return {
    keyPaddingMask: inputMask.map((m) => m === 0),
    additive: inputMask.map((m) => (m === 1 ? 0 : -10000)),
  };
  // END SOLUTION
}

// %% test id=q2 points=2
describe("q2", () => {
  it("converts [1, 1, 0]", () => {
    const got = maskConventions([1, 1, 0]);
    assert.deepStrictEqual(got.keyPaddingMask, [false, false, true]);
    closeTo(got.additive, [0, 0, -10000]);
  }, "key_padding_mask is true where input_mask is 0; the additive mask is -10000 there and 0 elsewhere");
  // BEGIN HIDDEN TESTS
  it("agrees with bertlab's additiveAttentionMask on a batch row", async () => {
    const mask = [1, 1, 1, 1, 0, 0, 0];
    const lib = additiveAttentionMask(tf.tensor2d([mask], [1, mask.length], "int32"));
    const expected = Array.from(await lib.data());
    lib.dispose();
    closeTo(maskConventions(mask).additive, expected);
  });
  it("handles a row without padding and an empty row", () => {
    assert.deepStrictEqual(maskConventions([1, 1]), { keyPaddingMask: [false, false], additive: [0, 0] });
    assert.deepStrictEqual(maskConventions([]), { keyPaddingMask: [], additive: [] });
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · The seed's Keras model (3 points)
//
// Write `buildKerasBert(config, seqLen)`: three `tf.input`s of shape `[seqLen]` and dtype `int32`, named
// `input_word_ids`, `input_mask` and `segment_ids` (in that order); a `BertLayer` built from `config`, applied to
// them; and a `tf.model` with those three inputs and the two outputs `[pooledOutput, sequenceOutput]`.
// Use `BertLayer` (the test checks that the model contains one).

// %% solution id=q3-solution
function buildKerasBert(config: BertConfig, seqLen: number): tf.LayersModel {
  // BEGIN SOLUTION
  const inputWordIds = tf.input({ shape: [seqLen], dtype: "int32", name: "input_word_ids" });
  const inputMask = tf.input({ shape: [seqLen], dtype: "int32", name: "input_mask" });
  const segmentIds = tf.input({ shape: [seqLen], dtype: "int32", name: "segment_ids" });
  const bertLayer = new BertLayer({ bertConfig: config });
  const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];
  return tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs: [pooledOutput, sequenceOutput] });
  // END SOLUTION
}

// %% test id=q3 points=3
const q3Config = bertConfig({ vocabSize: 30, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 32 });
describe("q3", () => {
  it("has pooled [null, 16] and sequence [null, 10, 16] outputs", () => {
    const model = buildKerasBert(q3Config, 10);
    assert.deepStrictEqual(model.outputs.map((o) => o.shape), [[null, 16], [null, 10, 16]]);
  }, "apply the BertLayer to the three inputs; its outputs are [pooledOutput, sequenceOutput], in that order");
  // BEGIN HIDDEN TESTS
  it("takes three int32 inputs named input_word_ids, input_mask, segment_ids", () => {
    const model = buildKerasBert(q3Config, 10);
    assert.deepStrictEqual(model.inputs.map((t) => [t.name.replace(/_\d+$/, ""), t.dtype, t.shape]), [
      ["input_word_ids", "int32", [null, 10]],
      ["input_mask", "int32", [null, 10]],
      ["segment_ids", "int32", [null, 10]],
    ]);
  });
  it("uses a BertLayer built from the config", () => {
    const model = buildKerasBert(q3Config, 6);
    const bert = model.layers.find((l) => l instanceof BertLayer) as BertLayer | undefined;
    assert.ok(bert, `no BertLayer among the model's layers (${model.layers.map((l) => l.getClassName()).join(", ")})`);
    assert.strictEqual(bert.bertConfig.hiddenSize, 16);
  });
  it("predicts [2, 16] and [2, 6, 16] for a batch of two", () => {
    const model = buildKerasBert(q3Config, 6);
    const ids = tf.tensor2d([[2, 5, 6, 3, 0, 0], [2, 7, 3, 8, 9, 3]], [2, 6], "int32");
    const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], [2, 6], "int32");
    const seg = tf.tensor2d([[0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1]], [2, 6], "int32");
    const out = model.predict([ids, mask, seg]) as tf.Tensor[];
    assert.deepStrictEqual(out.map((t) => t.shape), [[2, 16], [2, 6, 16]]);
    tf.dispose([ids, mask, seg, ...out]);
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=outro
// ## Done
//
// With the three checks green you can feed BERT any pair of texts, in any of the mask conventions, through a
// Keras-style model. Submit this notebook as it is (the grader re-runs it from the top).
