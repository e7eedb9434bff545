// %% [markdown]
// # 03 · BERT's three inputs
//
// Lesson 02 turned text into tokens. BERT wants more than a token list: every example is three rows of integers
// of one fixed length. In the seed lecture's words (and the TF-Hub BERT layer's names):
//
// - `input_word_ids`: the token ids, starting with `[CLS]`, with `[SEP]` after each segment;
// - `segment_ids`: 0 for the tokens of sentence A, 1 for those of sentence B;
// - `input_mask`: 1 for a real token, 0 for padding, "which self-attention ignores".
//
// **After this lesson you can**
//
// - build the three inputs by hand for one sentence and for a pair, and check them against `BertTokenizer.encode`;
// - pad and truncate a batch (`max_length` vs `longest`, `longest_first` vs `only_second`), and read the
//   colour-coded token table;
// - show what goes wrong when padding is not masked, and convert between BERT's `input_mask` (1 = attend),
//   PyTorch's `key_padding_mask` (true = ignore) and the additive −10000 form;
// - run the seed's Keras-style code in TypeScript: three `tf.input`s with `SEQ_LEN = 10`, `bertLayer.apply`, and
//   the shapes of `pooled_output` and `sequence_output`.

// %%
import assert from "node:assert";
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { BertTokenizer, BertKerasLayer, BertModel, bertConfig, additiveAttentionMask, trainBpe, readCorpus, tokenTable, maskHeatmap, heatmap, display } from "bertlab";

// %% [markdown]
// ## A tokenizer
//
// We use the tokenizer of the course's shipped checkpoint when this checkout has it (`models/bertlab-mini`).
// Otherwise we train a cased vocabulary of 8,000 pieces on the course's English and Korean corpus (a few seconds):
// BPE merges written with WordPiece's `##` marks, then tokenized by greedy longest-match as BERT does. (That is
// also how Hugging Face's `WordPieceTrainer` works: it runs BPE. Lesson 02's likelihood-score trainer keeps more
// rare pieces and splits common English words more.) Everything below works the same with either tokenizer.

// %%
const shippedDir = "../models/bertlab-mini";
const tokenizer = fs.existsSync(`${shippedDir}/vocab.txt`) || fs.existsSync(`${shippedDir}/tokenizer.json`)
  ? await BertTokenizer.fromPretrained(shippedDir)
  : BertTokenizer.fromVocab(trainBpe([...readCorpus("../data/corpus/en"), ...readCorpus("../data/corpus/ko")].flat(), { vocabSize: 8000, lowercase: false, endOfWordSuffix: "", continuingSubwordPrefix: "##" }).tokenizer.vocab.tokens as string[], { lowercase: false });
const special = Object.fromEntries(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => [t, tokenizer.tokenToId(t)]));
({ vocabSize: tokenizer.vocabSize, special })

// %% [markdown]
// ## 1. One sentence, by hand
//
// The recipe for a single sentence with `SEQ_LEN = 10`:
// `[CLS]` + the sentence's tokens + `[SEP]`, then `[PAD]` up to 10. Segment ids are all 0. The mask is 1 up to the
// `[SEP]` and 0 on the padding.
//
// **Predict:** how many `[PAD]` tokens will "The bank opens at nine." get?

// %%
const SEQ_LEN = 10;
const sentenceA = "The bank opens at nine.";
function encodeSingleByHand(text: string, seqLen: number) {
  const tokens = ["[CLS]", ...tokenizer.tokenize(text), "[SEP]"].slice(0, seqLen);
  if (tokens.length === seqLen) tokens[seqLen - 1] = "[SEP]"; // a truncated sentence still ends with [SEP]
  const real = tokens.length;
  while (tokens.length < seqLen) tokens.push("[PAD]");
  return {
    tokens,
    inputIds: tokenizer.convertTokensToIds(tokens),
    segmentIds: tokens.map(() => 0),
    inputMask: tokens.map((_, i) => (i < real ? 1 : 0)),
  };
}
const single = encodeSingleByHand(sentenceA, SEQ_LEN);
single

// %% [markdown]
// The library does the same in one call. The next cell stops with an error if the hand-built rows differ from
// `BertTokenizer.encode`.

// %%
const singleLib = tokenizer.encode(sentenceA, null, { maxLength: SEQ_LEN, padding: "max_length" });
assert.deepStrictEqual(singleLib.tokens, single.tokens);
assert.deepStrictEqual(singleLib.inputIds, single.inputIds);
assert.deepStrictEqual(singleLib.segmentIds, single.segmentIds);
assert.deepStrictEqual(singleLib.inputMask, single.inputMask);
({ padding: single.tokens.filter((t) => t === "[PAD]").length, inputIds: singleLib.inputIds })

// %% [markdown]
// ## 2. A pair: `[CLS] A [SEP] B [SEP]`
//
// Next-sentence prediction, question answering and sentence-pair classification all give BERT two texts at once.
// They are packed into one sequence and told apart in two ways: the `[SEP]` between them, and the segment ids, which
// add a learned *segment embedding* (A or B) to every token. The first `[SEP]` belongs to A (segment 0), the last
// to B (segment 1). A Korean pair shows it best:

// %%
const pairA = "내일 아침 7시에 알람 맞춰 줘.";
const pairB = "Set an alarm for seven tomorrow.";
function encodePairByHand(a: string, b: string) {
  const ta = tokenizer.tokenize(a);
  const tb = tokenizer.tokenize(b);
  const tokens = ["[CLS]", ...ta, "[SEP]", ...tb, "[SEP]"];
  return {
    tokens,
    inputIds: tokenizer.convertTokensToIds(tokens),
    segmentIds: [0, ...ta.map(() => 0), 0, ...tb.map(() => 1), 1],
    inputMask: tokens.map(() => 1),
  };
}
const pair = encodePairByHand(pairA, pairB);
const pairLib = tokenizer.encode(pairA, pairB);
assert.deepStrictEqual({ tokens: pairLib.tokens, inputIds: pairLib.inputIds, segmentIds: pairLib.segmentIds, inputMask: pairLib.inputMask }, pair);
display(tokenTable({ tokens: pair.tokens, inputIds: pair.inputIds, segmentIds: pair.segmentIds, inputMask: pair.inputMask, title: "[CLS] A [SEP] B [SEP]: segment 0 in blue, segment 1 in orange" }));

// %% [markdown]
// ## 3. Padding and truncation
//
// A batch is one tensor, so its rows must have one length. Two padding strategies:
//
// - `"max_length"`: pad every row to a fixed `maxLength` (what a Keras model with a fixed `SEQ_LEN` needs);
// - `"longest"`: pad to the longest row of this batch (less wasted compute for short batches).
//
// And when a pair is too long, *truncation* decides which text loses tokens. `"longest_first"` (the default) cuts
// the longer text first, one token at a time, as the original BERT's `_truncate_seq_pair` does;
// `"only_second"` cuts only text B (useful when A is a question you must keep whole).
//
// **Predict:** with `maxLength` 11 (8 tokens for the texts, after `[CLS]`, `[SEP]`, `[SEP]`), how many tokens do
// A and B each keep under `longest_first`?

// %%
const longA = "I lost my debit card yesterday evening near the station.";
const longB = "Please block it.";
function truncatePairByHand(ta: string[], tb: string[], maxLength: number): [string[], string[]] {
  const a = [...ta];
  const b = [...tb];
  while (a.length + b.length > maxLength - 3) {
    if (a.length > b.length) a.pop();
    else b.pop();
  }
  return [a, b];
}
const [keptA, keptB] = truncatePairByHand(tokenizer.tokenize(longA), tokenizer.tokenize(longB), 11);
const truncLib = tokenizer.encode(longA, longB, { maxLength: 11, truncation: "longest_first" });
assert.deepStrictEqual(truncLib.tokens, ["[CLS]", ...keptA, "[SEP]", ...keptB, "[SEP]"]);
const onlySecond = (() => {
  try {
    return tokenizer.encode(longA, longB, { maxLength: 11, truncation: "only_second" }).tokens;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
})();
({ tokensA: tokenizer.tokenize(longA).length, tokensB: tokenizer.tokenize(longB).length, keptA: keptA.length, keptB: keptB.length, longestFirst: truncLib.tokens.join(" "), onlySecond })

// %% [markdown]
// `only_second` cannot help here: B is already short, and removing all of it would not be enough, so the library
// refuses with a message instead of silently producing a broken pair. (bertlab truncates exactly as Hugging Face's
// `tokenizers` does. When both texts are longer than half the budget and the budget is odd, HF gives the spare
// token to the longer text while the original BERT loop gives it to A; with an even budget, as here, the two rules
// always agree, which the `assert` above checked.)
//
// Now a batch, padded both ways:

// %%
const batchTexts = ["Hi!", "What's the weather like in Busan this weekend?", "주말에 부산 날씨 어때?"];
const byMax = tokenizer.encodeBatch(batchTexts, { maxLength: 16, padding: "max_length", truncation: "longest_first" });
const byLongest = tokenizer.encodeBatch(batchTexts, { padding: "longest" });
({ maxLengthRows: byMax.map((e) => e.length), longestRows: byLongest.map((e) => e.length), realTokens: byLongest.map((e) => e.inputMask.reduce((s, m) => s + m, 0)) })

// %%
const row0 = byLongest[0];
display(tokenTable({ tokens: row0.tokens, inputIds: row0.inputIds, segmentIds: row0.segmentIds, inputMask: row0.inputMask, title: `"${batchTexts[0]}" padded to the batch's longest row (padding greyed)` }));

// %% [markdown]
// ## 4. Why `input_mask` matters: the failure first
//
// Padding changes the input. If the model is not told which positions are padding, the real tokens attend to
// `[PAD]`s and their outputs change. We take a small BERT (2 layers, hidden size 128, randomly initialised with a
// fixed seed: the point here is arithmetic, not meaning) and encode "Hi!" three ways: unpadded; padded with an
// all-ones mask (the mistake); padded with the proper mask.
//
// **Predict:** which of the two padded versions gives the same vectors for the real tokens as the unpadded one?

// %%
const smallConfig = bertConfig("tiny", { vocabSize: tokenizer.vocabSize });
const smallBert = await BertModel.create(smallConfig, { seed: 0 });
const unpadded = tokenizer.encode("Hi!");
const padded = byLongest[0];
const nReal = unpadded.length;
const realRows = async (inputIds: number[], inputMask: number[]) => {
  const out = smallBert.forward({ inputIds: [inputIds], inputMask: [inputMask] });
  const rows = ((await out.sequenceOutput.array()) as number[][][])[0].slice(0, nReal);
  tf.dispose([out.sequenceOutput, out.pooledOutput]);
  return rows;
};
const maxAbsDiff = (x: number[][], y: number[][]) => Math.max(...x.flatMap((r, i) => r.map((v, j) => Math.abs(v - y[i][j]))));
const reference = await realRows(unpadded.inputIds, unpadded.inputMask);
const noMask = await realRows(padded.inputIds, padded.inputIds.map(() => 1));
const withMask = await realRows(padded.inputIds, padded.inputMask);
({ paddedLength: padded.length, realTokens: nReal, maxDiffWithoutMask: maxAbsDiff(noMask, reference), maxDiffWithMask: maxAbsDiff(withMask, reference) })

// %% [markdown]
// Without the mask the real tokens' vectors move (the first difference above), although their own text did not
// change; with the mask the difference is floating-point noise (the mask is additive −10000, not −∞, so the padding
// keeps a weight of about e^−10000 ≈ 0). This is the classic bug of the Hugging Face course's chapter 2 and
// transformers#278: batched and one-by-one predictions disagree.
//
// ## 5. Mask polarity: three conventions for one fact
//
// The same information is written three ways, and mixing them up is the most reported confusion
// (x-transformers#164):
//
// | convention | real token | padding |
// |---|---|---|
// | BERT `input_mask` / HF `attention_mask` | 1 | 0 |
// | PyTorch `key_padding_mask` | `false` | `true` (= ignore) |
// | additive mask, added to the attention scores before softmax | 0 | −10000 (or −∞) |
//
// bertlab turns `input_mask` into the additive form with `additiveAttentionMask`. The cell checks our one-liner
// against it.

// %%
const maskRow = padded.inputMask;
const keyPaddingMask = maskRow.map((m) => m === 0);
const additiveByHand = maskRow.map((m) => (m === 1 ? 0 : -10000));
const additiveLib = additiveAttentionMask(tf.tensor2d([maskRow], [1, maskRow.length], "int32"));
const additiveLibRow = Array.from(await additiveLib.data());
additiveLib.dispose();
assert.deepStrictEqual(additiveLibRow.map((v) => (v === 0 ? 0 : v)), additiveByHand.map((v) => (v === 0 ? 0 : v)));
({ input_mask: maskRow, key_padding_mask: keyPaddingMask, additive: additiveByHand })

// %% [markdown]
// Every query may look at every real key, and no query may look at a padding key. As a query × key matrix:

// %%
const attendable = maskRow.map(() => maskRow.map((k) => k));
display(maskHeatmap(attendable, { tokens: padded.tokens, title: `Which keys each query may attend to ("${batchTexts[0]}", padded)` }));

// %% [markdown]
// The padding *rows* (queries) still compute something: their outputs are garbage that nothing downstream
// reads. Only the *columns* matter.
//
// ## 6. Positions, segments and the embedding tables
//
// Self-attention by itself does not know word order. BERT adds a learned **position embedding** (one vector per
// position, up to 512) and a **segment embedding** (one vector for A, one for B) to each token embedding. These are
// the tables of our small model, and the row each input row selects:

// %%
const embeddingShapes = Object.fromEntries([...smallBert.namedWeights].filter(([n]) => n.startsWith("embeddings.") && n.endsWith("embeddings.weight")).map(([n, v]) => [n, v.shape]));
({ embeddingShapes, positionIdsOfThePair: pair.tokens.map((_, i) => i), segmentIdsOfThePair: pair.segmentIds })

// %% [markdown]
// (Here the token table is stored as [hidden, vocab], the transpose of the checkpoint's [vocab, hidden]: bertlab's
// layout, so that the output layer can reuse it without a transpose.) The input to the first layer is the sum
// token + position + segment, then LayerNorm; lesson 04 builds it by hand.
//
// ## 7. The seed's Keras code, in TypeScript
//
// The seed lecture built a model from TF-Hub's `bert_layer` like this:
//
// ```python
// input_word_ids = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_word_ids")
// input_mask     = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="input_mask")
// segment_ids    = tf.keras.layers.Input(shape=(SEQ_LEN,), dtype=tf.int32, name="segment_ids")
// pooled_output, sequence_output = bert_layer([input_word_ids, input_mask, segment_ids])
// ```
//
// bertlab's `BertKerasLayer` is a TensorFlow.js layer used the same way (the seed's `bert_layer`; bertlab does not
// call it `BertLayer`, because in Hugging Face's code that name is *one* encoder layer, which lesson 04 builds). We
// build it from the same small config (**randomly initialised**: the shapes are the lesson;
// `BertKerasLayer.fromPretrained(dir)` loads real weights).
//
// **Predict:** what are the shapes of `pooledOutput` and `sequenceOutput`? (The seed, with bert-base, printed
// `[batch, 768]` and `[batch, SEQ_LEN, 768]`; this model's hidden size is printed below.)

// %%
const inputWordIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_word_ids" });
const inputMask = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_mask" });
const segmentIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "segment_ids" });
const bertLayer = new BertKerasLayer({ bertConfig: smallConfig, name: "bert_layer" });
const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];
({ hiddenSize: smallConfig.hiddenSize, pooledOutput: pooledOutput.shape, sequenceOutput: sequenceOutput.shape })

// %% [markdown]
// `null` is the batch dimension, unknown until data arrives. Wrap it in a model and run a real batch of two
// sentences, encoded to `SEQ_LEN` by the tokenizer (`toTensors` names the tensors as the Keras inputs are named):

// %%
const kerasModel = tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs: [pooledOutput, sequenceOutput] });
const kerasBatch = tokenizer.toTensors([sentenceA, [pairA, pairB]], { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
const [pooledValues, sequenceValues] = kerasModel.predict([kerasBatch.inputWordIds, kerasBatch.inputMask, kerasBatch.segmentIds]) as tf.Tensor[];
({ pooled: pooledValues.shape, sequence: sequenceValues.shape, params: kerasModel.countParams() })

// %% [markdown]
// ### `pooledOutput` is not the `[CLS]` vector
//
// A frequent confusion: `pooled_output` is **not** row 0 of `sequence_output`. It is that row passed through one
// more dense layer and `tanh` (trained by next-sentence prediction). The cell computes it by hand from the
// layer's own weights and compares.

// %%
const layerWeight = (name: string) => {
  const w = bertLayer.weights.find((v) => v.name.endsWith(name));
  if (!w) throw new Error(`the BERT layer has no weight ${name}; it has ${bertLayer.weights.map((v) => v.name).join(", ")}`);
  return w.read();
};
const clsVectors = tf.squeeze(tf.slice(sequenceValues, [0, 0, 0], [-1, 1, -1]), [1]);
const poolerW = layerWeight("pooler.dense.weight");
const poolerB = layerWeight("pooler.dense.bias");
const pooledByHand = tf.tanh(tf.add(tf.matMul(clsVectors, poolerW), poolerB));
const poolerDiff = (await tf.max(tf.abs(tf.sub(pooledByHand, pooledValues))).data())[0];
const clsVsPooled = (await tf.max(tf.abs(tf.sub(clsVectors, pooledValues))).data())[0];
assert.ok(poolerDiff < 1e-5, `hand-built pooler differs by ${poolerDiff}`);
({ handBuiltPoolerVsLibrary: poolerDiff, rawClsVsPooled: clsVsPooled })

// %%
const pooledRows = (await pooledValues.array()) as number[][];
display(heatmap({ z: pooledRows.map((r) => r.slice(0, 32)), y: ["sentence A", "pair A+B"], title: "pooled_output, first 32 of the hidden units (random weights)", xTitle: "hidden unit", showValues: false, height: 260 }));
tf.dispose([pooledValues, sequenceValues, clsVectors, pooledByHand, kerasBatch.inputWordIds, kerasBatch.inputMask, kerasBatch.segmentIds]);
smallBert.dispose();

// %% [markdown]
// ## Summary
//
// - BERT takes three rows per example: `input_word_ids` (`[CLS]` … `[SEP]` … `[SEP]`), `segment_ids` (0 for A,
//   1 for B) and `input_mask` (1 for tokens, 0 for padding). You built all three by hand and matched
//   `BertTokenizer.encode`.
// - Pad with `"max_length"` for a fixed `SEQ_LEN`, or `"longest"` per batch; truncate pairs with `longest_first`
//   (or `only_first` / `only_second` when one text must stay whole).
// - Without `input_mask`, padding changes the real tokens' outputs. The mask has three spellings: 1/0
//   (BERT), `false`/`true` (PyTorch `key_padding_mask`), 0/−10000 (added to the scores).
// - Position and segment embeddings are added to the token embeddings. Order comes only from the position
//   embeddings; which sentence a token belongs to, from the segment embeddings and from the `[SEP]` between the texts.
// - `bertLayer.apply([ids, mask, segments])` gives `pooledOutput` [batch, hidden] and `sequenceOutput`
//   [batch, SEQ_LEN, hidden]; `pooledOutput` = tanh(dense(`[CLS]`)), not the raw `[CLS]` vector.
//
// **Exercises:** `exercises/03-bert-inputs.ipynb`. **Next:** lesson 04 opens the encoder layer by layer.
