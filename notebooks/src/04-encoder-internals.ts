// %% [markdown]
// # 04 · Inside the encoder: embeddings, attention, feed-forward, pooler
//
// Lesson 03 fed BERT its three inputs and got back `pooled_output` and `sequence_output`. This lesson opens the box
// and rebuilds one encoder layer by hand, one tensor operation at a time, on the **same weights** the library uses.
// After every piece, a cell checks that the hand-built result equals bertlab's own function.
//
// **You will learn to**
// - build BERT's input representation: token + segment + position embeddings, then LayerNorm;
// - compute scaled dot-product attention step by step: Q, K and V, the scores, the `input_mask` turned into an
//   additive mask, the softmax;
// - split the hidden vector into heads and merge them back; apply the feed-forward network with GELU, the residual
//   connections and LayerNorm; compute the pooler;
// - read attention heatmaps per layer and head, for a Korean and an English sentence;
// - count the parameters of each part, from BERT-tiny to BERT-base.
//
// The paper's words are quoted as such (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers
// for Language Understanding"; Vaswani et al. 2017, "Attention Is All You Need"); everything else is the course's.

// %% [markdown]
// ## Setup: the checkpoint and its tokenizer
//
// The course ships a small pretrained checkpoint, `models/bertlab-mini` (BERT-mini: 4 layers, hidden size 256,
// 4 heads), trained by `npm run pretrain` on the course's English and Korean corpus. If your checkout does not have
// it yet, the cell below falls back to a **randomly initialised** model of the same size with a WordPiece vocabulary
// trained on the same corpus: every equality check in this lesson still holds (it compares two computations on the
// same weights), only the attention pictures will look unstructured.

// %%
import * as tf from "@tensorflow/tfjs";
import {
  BertModel, BertTokenizer, BertConfig, bertConfig, BERT_PRESETS, bertModelWeightSpecs, shippedModelDir, builtinCorpusDir,
  corpusFiles, trainWordPiece, embeddings, additiveAttentionMask, encoderLayer, layerNorm, gelu,
  showHeatmap, showMask, showAttention, showHeadView, showModelView, showLineChart,
} from "bertlab";
import * as fs from "node:fs";

// BERTLAB_MODEL=<checkpoint dir> runs the lesson on another checkpoint (HF layout: config.json, model.safetensors, tokenizer.json).
let modelDir: string | undefined = process.env.BERTLAB_MODEL;
try {
  modelDir ??= shippedModelDir();
} catch {
  modelDir = undefined;
}
let tokenizer: BertTokenizer;
let model: BertModel;
if (modelDir !== undefined) {
  tokenizer = await BertTokenizer.fromPretrained(modelDir);
  model = await BertModel.fromPretrained(modelDir);
} else {
  const texts = [`${builtinCorpusDir()}/en`, `${builtinCorpusDir()}/ko`].flatMap(corpusFiles).map((f) => fs.readFileSync(f, "utf8"));
  tokenizer = trainWordPiece(texts, { vocabSize: 8000, lowercase: false }).tokenizer;
  model = await BertModel.create(bertConfig("mini", { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: 128 }), { seed: 0 });
}
const config: BertConfig = model.config;
const pretrained = modelDir !== undefined;
console.log(pretrained ? `loaded the checkpoint ${modelDir}` : "no shipped checkpoint: using a randomly initialised BERT-mini");
({ layers: config.numHiddenLayers, hidden: config.hiddenSize, heads: config.numAttentionHeads, ff: config.intermediateSize, vocab: config.vocabSize });

// %% [markdown]
// Every weight is a `tf.Variable` in `model.namedWeights`, named exactly as Hugging Face's `BertModel` names it.
// One layout note: matrices are stored as **[in, out]** (TensorFlow's kernel layout), so a dense layer is `x · W + b`
// with no transpose. The word-embedding matrix is stored as [hidden, vocab] for the same reason (it doubles as the
// masked-LM decoder); looking a token up means taking a **column**.
//
// We also need a way to compare a hand-built tensor with the library's. `assertClose` throws if any entry differs by
// more than the tolerance, and otherwise reports the largest difference.

// %%
const W = (name: string): tf.Tensor => {
  const v = model.namedWeights.get(name);
  if (v === undefined) throw new Error(`no weight named ${name}`);
  return v;
};

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function assertClose(what: string, mine: tf.Tensor, library: tf.Tensor, tol = 1e-5): string {
  const d = maxAbsDiff(mine, library);
  if (!(d <= tol)) throw new Error(`${what}: the hand-built result differs from the library's by ${d} (tolerance ${tol})`);
  return `${what}: equal to the library within ${tol} (max |difference| ${d.toExponential(2)})`;
}

[...model.namedWeights.keys()].slice(0, 8);

// %% [markdown]
// ## 1. The input representation: three embeddings, summed
//
// > "For a given token, its input representation is constructed by summing the corresponding token, segment, and
// > position embeddings." (Devlin et al., §3, Figure 2)
//
// We take a sentence pair, English then Korean, so that both segments and many positions appear.
// **Predict:** how many rows will each of the three embedding tensors have, and how many columns?

// %%
const pair = tokenizer.encode("The bank closes at six.", "은행은 여섯 시에 문을 닫아요.");
const tokens = pair.tokens;
const S = pair.length;
const H = config.hiddenSize;
console.log(tokens.join(" "));
console.log(`segment ids: ${pair.segmentIds.join(" ")}`);

const tokenEmb = tf.transpose(tf.gather(W("embeddings.word_embeddings.weight"), pair.inputIds, 1)); // columns -> [S, H]
const positionEmb = tf.slice(W("embeddings.position_embeddings.weight"), [0, 0], [S, H]);       // rows 0..S-1
const segmentEmb = tf.gather(W("embeddings.token_type_embeddings.weight"), pair.segmentIds);   // row 0 or 1 per token
({ token: tokenEmb.shape, position: positionEmb.shape, segment: segmentEmb.shape });

// %% [markdown]
// All three are [sequence length, hidden size], so they can simply be added. The sum then goes through LayerNorm
// (and dropout while training). LayerNorm normalises each token's vector over the hidden dimension:
// (x − mean) / √(variance + ε) · γ + β, with the *biased* variance and ε = `layer_norm_eps`.

// %%
function myLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
  });
}

const summed = tf.add(tf.add(tokenEmb, positionEmb), segmentEmb);
const myEmbeddings = myLayerNorm(summed, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias"), config.layerNormEps);

const ids2d = tf.tensor2d([pair.inputIds], [1, S], "int32");
const segments2d = tf.tensor2d([pair.segmentIds], [1, S], "int32");
const libraryEmbeddings = embeddings(model.namedWeights, config, ids2d, segments2d, false).reshape([S, H]);
assertClose("embeddings (token + position + segment, LayerNorm)", myEmbeddings, libraryEmbeddings);

// %% [markdown]
// How much does each part contribute? The heatmap shows the length (L2 norm) of each token's three embedding
// vectors and of their sum. Notice that the segment row takes only two different values, one per segment, and that
// the position row changes along the sequence whatever the token is.

// %%
const norms = (t: tf.Tensor): number[] => Array.from(tf.tidy(() => tf.norm(t, "euclidean", -1)).dataSync());
showHeatmap({
  z: [norms(tokenEmb), norms(positionEmb), norms(segmentEmb), norms(summed)],
  x: tokens,
  y: ["token", "position", "segment", "sum"],
  title: "L2 norm of each embedding, per token",
  xTitle: "token",
  colorbarTitle: "norm",
  valueFormat: ".2f",
});

// %% [markdown]
// ## 2. Scaled dot-product attention, step by step
//
// > "We compute the matrix of outputs as: Attention(Q, K, V) = softmax(QKᵀ / √d_k) V" (Vaswani et al., §3.2.1)
//
// The input of layer 0 is the embeddings output `x` ([S, H]). Three dense layers turn each token's vector into a
// **query** (what am I looking for?), a **key** (what do I contain?) and a **value** (what do I pass on?).

// %%
const x = libraryEmbeddings;
const att0 = "encoder.layer.0.attention";
const dense = (input: tf.Tensor, name: string): tf.Tensor => tf.add(tf.matMul(input as tf.Tensor2D, W(`${name}.weight`) as tf.Tensor2D), W(`${name}.bias`));
const Q = dense(x, `${att0}.self.query`);
const K = dense(x, `${att0}.self.key`);
const V = dense(x, `${att0}.self.value`);
({ Q: Q.shape, K: K.shape, V: V.shape });

// %% [markdown]
// BERT does not run one attention over the full hidden vector: it splits it into `num_attention_heads` heads of
// size d = H / heads, and each head attends on its own. The split is a reshape [S, H] → [S, heads, d] and a transpose
// to [heads, S, d], so that the heads become a batch dimension.
//
// **Predict:** with H = 256 and 4 heads, what is the shape of one head's score matrix QKᵀ?

// %%
const heads = config.numAttentionHeads;
const d = H / heads;
const splitHeads = (t: tf.Tensor): tf.Tensor3D => tf.transpose(t.reshape([S, heads, d]), [1, 0, 2]) as tf.Tensor3D;
const Qh = splitHeads(Q);
const Kh = splitHeads(K);
const Vh = splitHeads(V);
const scores = tf.div(tf.matMul(Qh, Kh, false, true), Math.sqrt(d)); // [heads, S, S]
({ perHead: Qh.shape, scores: scores.shape, scaledBy: `1/√${d}` });

// %% [markdown]
// Why divide by √d? The dot product of two random d-dimensional vectors with unit-variance entries has variance d,
// so without scaling the scores grow with d and the softmax saturates to a one-hot, whose gradients vanish. The cell
// measures the spread of the scores before and after scaling on these real queries and keys.

// %%
const rawStd = tf.tidy(() => tf.moments(tf.matMul(Qh, Kh, false, true)).variance.sqrt().dataSync()[0]);
const scaledStd = tf.tidy(() => tf.moments(scores).variance.sqrt().dataSync()[0]);
({ stdOfRawScores: +rawStd.toFixed(3), stdOfScaledScores: +scaledStd.toFixed(3) });

// %% [markdown]
// The softmax over the last axis turns each query's row of scores into weights that sum to 1: row i says how much
// token i looks at every other token. Here is head 0 of layer 0.

// %%
const probs = tf.softmax(scores); // [heads, S, S]
const probsArray = probs.arraySync() as number[][][];
showAttention(probsArray[0], tokens, { title: "Layer 0, head 0: softmax(QKᵀ/√d), our own computation" });

// %% [markdown]
// ## 3. Padding and the `input_mask`: the failure first
//
// A batch must be rectangular, so shorter sentences are padded with `[PAD]`. What happens if we pad but forget to
// pass the `input_mask`? We run a short sentence alone, then padded to the length of a longer one **without** a mask,
// then padded **with** the mask, and compare its `[CLS]` vector (the input of the pooler) with the unpadded run.
//
// **Predict:** will the padded run without a mask give the same `[CLS]` vector as the unpadded one?

// %%
const shortText = "택시 불러 줘";
const batch = tokenizer.encodeBatch([shortText, "Could you book me a table for two at seven tonight?"], { padding: "longest" });
const alone = tokenizer.encode(shortText);
const cls = (ids: number[][], mask?: number[][]): tf.Tensor => {
  const out = model.forward(mask ? { inputIds: ids, inputMask: mask } : { inputIds: ids });
  const first = tf.slice(out.sequenceOutput, [0, 0, 0], [1, 1, H]).reshape([H]);
  tf.dispose([out.sequenceOutput, out.pooledOutput]);
  return first;
};
const clsAlone = cls([alone.inputIds]);
const clsNoMask = cls([batch[0].inputIds]);
const clsMasked = cls([batch[0].inputIds], [batch[0].inputMask]);
console.log(`short sentence: ${alone.length} tokens alone, padded to ${batch[0].length}: ${batch[0].tokens.join(" ")}`);
({ paddedWithoutMask: maxAbsDiff(clsNoMask, clsAlone), paddedWithMask: maxAbsDiff(clsMasked, clsAlone) });

// %% [markdown]
// Without the mask, the `[PAD]` tokens are ordinary tokens that every word attends to, so the padding changes the
// meaning of the sentence. With the mask, the padded run matches the unpadded one up to floating-point rounding.
//
// ### Mask polarity: three conventions for the same thing
// - BERT's **`input_mask`** (also Hugging Face's `attention_mask`): **1 = attend**, 0 = padding.
// - PyTorch's **`key_padding_mask`** (`nn.MultiheadAttention`): **true = ignore**, the opposite polarity.
// - Inside the model, the mask is **added to the scores** before the softmax: 0 where allowed, a large negative number
//   (BERT uses −10000; some code uses −∞) at padding, so exp(score − 10000) ≈ 0.
//
// Mixing up the first two is a classic bug: the model then attends *only* to the padding.

// %%
const mask = batch[0].inputMask;
const keyPaddingMask = mask.map((m) => m === 0);
const myAdditive = mask.map((m) => (1 - m) * -10000);
const libraryAdditive = additiveAttentionMask(tf.tensor2d([mask], [1, mask.length], "int32"));
console.log(assertClose("additive mask", tf.tensor1d(myAdditive), libraryAdditive.reshape([mask.length])));
({ input_mask: mask.join(" "), key_padding_mask: keyPaddingMask.map((b) => (b ? "T" : "F")).join(" "), additive: myAdditive.join(" ") });

// %% [markdown]
// The additive mask has shape [batch, 1, 1, S]: it is broadcast over heads and over queries, so every query row gets
// the same blocked columns. Drawn as a query × key matrix for the padded sentence:

// %%
showMask(
  batch[0].tokens.map(() => mask.slice()),
  { tokens: batch[0].tokens, title: `What the padded sentence may attend to (input_mask broadcast over ${mask.length} queries)` },
);

// %% [markdown]
// ## 4. Merging the heads, the output projection, residual and LayerNorm
//
// Each head's weights multiply its values: context = probs · V, [heads, S, d]. The heads are merged back by the
// inverse reshape, [heads, S, d] → [S, heads, d] → [S, H], and a dense layer mixes them.
//
// > "We employ a residual connection around each of the two sub-layers, followed by layer normalization. That is,
// > the output of each sub-layer is LayerNorm(x + Sublayer(x))." (Vaswani et al., §3.1)
//
// This is the *post*-LayerNorm Transformer that BERT uses (later models such as GPT-2 moved LayerNorm before the
// sub-layer).

// %%
function mySelfAttention(input: tf.Tensor, layer: number, additive: number[]): { output: tf.Tensor; probs: tf.Tensor } {
  const p = `encoder.layer.${layer}.attention`;
  const n = input.shape[0];
  const split = (t: tf.Tensor) => tf.transpose(t.reshape([n, heads, d]), [1, 0, 2]) as tf.Tensor3D;
  const q = split(dense(input, `${p}.self.query`));
  const k = split(dense(input, `${p}.self.key`));
  const v = split(dense(input, `${p}.self.value`));
  const s = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), tf.tensor1d(additive)); // mask broadcast over rows
  const pr = tf.softmax(s);
  const context = tf.matMul(pr, v);                                 // [heads, S, d]
  const merged = tf.transpose(context, [1, 0, 2]).reshape([n, H]);  // [S, H]
  const projected = dense(merged, `${p}.output.dense`);
  const output = myLayerNorm(tf.add(projected, input), W(`${p}.output.LayerNorm.weight`), W(`${p}.output.LayerNorm.bias`), config.layerNormEps);
  return { output, probs: pr };
}

const noPadding = new Array(S).fill(0);
const myAttention0 = mySelfAttention(x, 0, noPadding);
console.log(assertClose("attention probabilities, layer 0", myAttention0.probs, probs));
myAttention0.output.shape;

// %% [markdown]
// ## 5. The feed-forward network and GELU
//
// Each token then goes, on its own, through two dense layers: H → `intermediate_size` (4H) → H, with the GELU
// activation in between, again followed by residual + LayerNorm. GELU(x) = x · Φ(x), where Φ is the standard normal
// CDF: Φ(x) = ½ (1 + erf(x / √2)). Unlike ReLU it is smooth and lets small negative values through a little.

// %%
const myGelu = (t: tf.Tensor): tf.Tensor => tf.tidy(() => tf.mul(t, tf.mul(0.5, tf.add(1, tf.erf(tf.div(t, Math.SQRT2))))));
const xs = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
const xsTensor = tf.tensor1d(xs);
console.log(assertClose("GELU", myGelu(xsTensor), gelu(xsTensor)));
showLineChart({
  series: [
    { name: "GELU", x: xs, y: Array.from(myGelu(xsTensor).dataSync()) },
    { name: "ReLU", x: xs, y: xs.map((v) => Math.max(0, v)) },
  ],
  title: "GELU versus ReLU",
  xTitle: "x",
  yTitle: "activation",
});

// %% [markdown]
// Now the whole layer: attention sub-layer, then feed-forward sub-layer. This is the lesson's central check: our
// encoder layer, written from tensor operations, must give the same output as the library's `encoderLayer` on the same
// weights, within 1e-5.

// %%
function myEncoderLayer(input: tf.Tensor, layer: number, additive: number[]): { output: tf.Tensor; probs: tf.Tensor } {
  const p = `encoder.layer.${layer}`;
  const attention = mySelfAttention(input, layer, additive);
  const intermediate = myGelu(dense(attention.output, `${p}.intermediate.dense`)); // [S, 4H]
  const projected = dense(intermediate, `${p}.output.dense`);                       // [S, H]
  const output = myLayerNorm(tf.add(projected, attention.output), W(`${p}.output.LayerNorm.weight`), W(`${p}.output.LayerNorm.bias`), config.layerNormEps);
  return { output, probs: attention.probs };
}

const myLayer0 = myEncoderLayer(x, 0, noPadding).output;
const libraryLayer0 = encoderLayer(model.namedWeights, 0, config, x.reshape([1, S, H]) as tf.Tensor3D, tf.zeros([1, 1, 1, S]), false).output.reshape([S, H]);
assertClose("encoder layer 0 (hand-built vs library)", myLayer0, libraryLayer0, 1e-5);

// %% [markdown]
// ## 6. The whole stack and the pooler
//
// Stacking `num_hidden_layers` such layers gives `sequence_output`. For sentence-level tasks BERT adds the
// **pooler**: a dense layer with tanh applied to the final `[CLS]` vector. That is `pooled_output`. It is *not* the raw
// `[CLS]` vector: lesson 06's classifier sits on `pooledOutput`, and other code uses the raw `[CLS]` vector; the two
// differ, as the last line of the cell shows.

// %%
let hidden: tf.Tensor = myEmbeddings;
for (let layer = 0; layer < config.numHiddenLayers; layer++) hidden = myEncoderLayer(hidden, layer, noPadding).output;
const myCls = tf.slice(hidden, [0, 0], [1, H]);
const myPooled = tf.tanh(dense(myCls, "pooler.dense"));

const library = model.forward({ inputIds: [pair.inputIds], segmentIds: [pair.segmentIds] });
console.log(assertClose("sequence_output (all layers)", hidden, library.sequenceOutput.reshape([S, H]), 1e-4));
console.log(assertClose("pooled_output", myPooled, library.pooledOutput, 1e-4));
const cosine = tf.tidy(() => tf.sum(tf.mul(myCls, myPooled)).div(tf.norm(myCls).mul(tf.norm(myPooled))).dataSync()[0]);
({ sequenceOutput: library.sequenceOutput.shape, pooledOutput: library.pooledOutput.shape, cosineRawClsVsPooled: +cosine.toFixed(3) });

// %% [markdown]
// Over the whole stack the tolerance is 1e-4: each layer adds float32 rounding of its own, and the library orders
// some operations differently (it multiplies by 1/√d where we divide by √d, for instance).
//
// ## 7. Attention heatmaps per layer and head
//
// With `outputAttentions: true` the model returns every layer's attention probabilities, [batch, heads, S, S]. The
// model view shows all layers × heads at once for a Korean sentence; the head view draws one layer's heads as lines
// from each token to the tokens it attends to, as BertViz does, for an English sentence.
//
// **A caution:** attention weights show where information *flows* inside one layer, not *why* the model decides what
// it decides. Attention is not an explanation (Jain & Wallace 2019; Wiegreffe & Pinter 2019). Look for patterns — heads
// that look at the previous token, at `[SEP]`, at the same word — not for reasons.

// %%
function attentionsOf(text: string): { tokens: string[]; att: number[][][][] } {
  const enc = tokenizer.encode(text);
  const out = model.forward({ inputIds: [enc.inputIds] }, { outputAttentions: true });
  const att = (out.attentions ?? []).map((a) => (a.arraySync() as number[][][][])[0]); // [layer][head][S][S]
  tf.dispose([out.sequenceOutput, out.pooledOutput, ...(out.attentions ?? [])]);
  return { tokens: enc.tokens, att };
}
const korean = attentionsOf("내일 아침 일곱 시에 알람 맞춰 줘");
console.log(korean.tokens.join(" "));
showModelView(korean.att, korean.tokens, { title: `Model view: ${config.numHiddenLayers} layers × ${heads} heads (Korean)` });

// %%
const english = attentionsOf("Set an alarm for seven tomorrow morning.");
console.log(english.tokens.join(" "));
showHeadView(english.att, english.tokens, { layer: config.numHiddenLayers - 1, title: "Head view, last layer (English)" });

// %% [markdown]
// One summary number per head: the average attention each query gives to `[SEP]` and `[CLS]`. Clark et al. (2019,
// "What Does BERT Look At?") found that many heads of the real BERT park most of their attention on `[SEP]` when they
// have nothing better to do. The cell measures the share for our model.

// %%
const sepIndex = english.tokens.indexOf("[SEP]");
const specialShare = english.att.map((layer) => layer.map((head) => head.reduce((s, row) => s + row[0] + row[sepIndex], 0) / head.length));
showHeatmap({
  z: specialShare,
  x: specialShare[0].map((_, h) => `head ${h}`),
  y: specialShare.map((_, l) => `layer ${l}`),
  title: "Share of attention on [CLS] + [SEP] (English sentence)",
  zmin: 0,
  zmax: 1,
});

// %% [markdown]
// ## 8. Where the parameters are
//
// BERT-base has "110M" parameters (the paper's number). Where do they sit? The cell counts every weight tensor of
// each size preset (Turc et al. 2019's compact models, plus base), with the 30,522-token vocabulary of
// `bert-base-uncased`, and groups them by part.

// %%
type Part = "embeddings" | "attention" | "feed-forward" | "layer norms" | "pooler";
const PARTS: Part[] = ["embeddings", "attention", "feed-forward", "layer norms", "pooler"];
function partOf(name: string): Part {
  if (name.includes("LayerNorm")) return "layer norms";
  if (name.startsWith("embeddings.")) return "embeddings";
  if (name.startsWith("pooler.")) return "pooler";
  if (name.includes(".attention.")) return "attention";
  return "feed-forward";
}
function countParameters(c: BertConfig): Record<Part, number> {
  const counts = { embeddings: 0, attention: 0, "feed-forward": 0, "layer norms": 0, pooler: 0 } as Record<Part, number>;
  for (const spec of bertModelWeightSpecs(c)) counts[partOf(spec.name)] += spec.shape.reduce((a, b) => a * b, 1);
  return counts;
}
const presets = Object.keys(BERT_PRESETS) as Array<keyof typeof BERT_PRESETS>;
const table = presets.map((p) => {
  const counts = countParameters(BERT_PRESETS[p]);
  const total = PARTS.reduce((s, part) => s + counts[part], 0);
  return { preset: p, ...counts, total };
});
console.table(table);

// Our own model: the count must match the number of values in its variables.
const ours = countParameters(config);
const oursTotal = PARTS.reduce((s, part) => s + ours[part], 0);
const variablesTotal = model.variables.reduce((s, v) => s + v.size, 0);
if (oursTotal !== variablesTotal) throw new Error(`counted ${oursTotal} parameters but the model holds ${variablesTotal}`);
({ ourModel: oursTotal, base: table[table.length - 1].total });

// %%
showHeatmap({
  z: table.map((row) => PARTS.map((part) => row[part] / row.total)),
  x: PARTS,
  y: table.map((row) => `${row.preset} (${(row.total / 1e6).toFixed(1)}M)`),
  title: "Share of parameters per part",
  valueFormat: ".0%",
  zmin: 0,
  zmax: 1,
});

// %% [markdown]
// **Predict:** in which presets are the embeddings the largest single part, and in which are they more than half of
// all parameters? The cell answers both, and also compares feed-forward with attention per layer: the feed-forward
// network has 2 · H · 4H weights, attention 4 · H · H (query, key, value, output), so expect a ratio close to 2.

// %%
({
  embeddingsAreTheLargestPart: table.filter((row) => PARTS.every((part) => part === "embeddings" || row.embeddings > row[part])).map((row) => row.preset),
  embeddingsAreTheMajority: table.filter((row) => row.embeddings > row.total / 2).map((row) => row.preset),
  feedForwardOverAttention: table.map((row) => `${row.preset}: ${(row["feed-forward"] / row.attention).toFixed(2)}`),
});

// %% [markdown]
// The vocabulary has the same size in every preset, so in the small models most of the parameters sit in the word
// embedding matrix; as the encoder grows deeper and wider, the layers take over, and in every layer the feed-forward
// network is the biggest part.
//
// ## Summary
// - The input representation is the **sum** of token, position and segment embeddings, then LayerNorm.
// - Attention: Q, K, V by three dense layers; split into heads ([S, H] → [heads, S, d]); scores QKᵀ/√d; the
//   `input_mask` (1 = attend) becomes an additive mask (0 / −10000) broadcast over heads and queries; softmax; times V;
//   heads merged back; dense; residual + LayerNorm.
// - Forgetting the mask lets `[PAD]` change every other token's vector; PyTorch's `key_padding_mask` has the opposite
//   polarity (true = ignore).
// - The feed-forward network is dense → GELU → dense, again with residual + LayerNorm (post-LN).
// - `pooled_output` = tanh(dense(`[CLS]`)), not the raw `[CLS]` vector.
// - Our hand-built layer equals the library's within 1e-5 on the same weights; the full stack within 1e-4.
// - Attention maps show information flow per head, not explanations.
//
// **Exercises:** `exercises/04-encoder-internals.ipynb` — scaled dot-product attention with a mask, the multi-head
// reshape, and LayerNorm, each checked with `await check("q1")` and so on. Next lesson: 05, pretraining with MLM and NSP.
