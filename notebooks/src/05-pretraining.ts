// %% [markdown]
// # 05 · Pretraining: masked LM and next sentence prediction
//
// BERT learns from plain text with no labels, by two self-supervised tasks (Devlin et al. 2019, §3.1): fill in
// masked words (**MLM**) and tell whether sentence B really follows sentence A (**NSP**). This lesson builds both
// kinds of training examples from the course's corpus, computes both losses by hand and checks them against the
// library, then runs a short pretraining of a tiny BERT with a live loss curve.
//
// **You will learn to**
// - build NSP pairs `[CLS] A [SEP] B [SEP]` with segment ids, half IsNext and half NotNext;
// - apply the 80/10/10 masking rule, and say why BERT does not simply put `[MASK]` everywhere;
// - compute the masked-LM loss over the masked positions only, and the NSP loss;
// - run a short pretraining, read its loss curve, and compare MLM predictions before and after.
//
// **Scale, honestly.** The original BERT-base pretraining took "4 days" on 16 TPU chips for 1M steps of 256
// sequences of up to 512 tokens (§A.2). Here a 2-layer, 128-hidden model trains for about a minute on a CPU. It will
// learn frequent words and little else: the point is to see every moving part work, and to watch the loss fall.

// %% [markdown]
// ## Setup: tokenizer and corpus
//
// The course corpus (`data/corpus`) holds English and Korean documents: one sentence per line, a blank line between
// documents, the format of BERT's `create_pretraining_data.py`. It has two parts: about 1,100 documents written for the
// course (`en/`, `ko/`), which this lesson uses so that every cell runs in seconds, and about 40,000 documents (67 MB) of
// public dialogue, assistant and review text (`public/`, see `data/corpus/DATASHEET.md`) that the shipped checkpoint
// was pretrained on. We use the shipped checkpoint's tokenizer when the checkout has it, and otherwise train a WordPiece
// vocabulary on the course's part.

// %%
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import {
  BertTokenizer, BertForPreTraining, bertConfig, shippedModelDir, builtinCorpusDir, corpusFiles, trainWordPiece,
  readCorpus, tokenizeDocuments, pretrainingVocab, createNspPairs, buildPairInput, maskTokens, Random,
  makePretrainingBatch, batchToTensors, pretrainingLosses, pretrain, evaluatePretraining,
  showTokenTable, showBarChart, showTopK, liveLineChart,
} from "bertlab";

// BERTLAB_MODEL=<checkpoint dir> runs the lesson on another checkpoint (HF layout: config.json, model.safetensors, tokenizer.json).
let shipped: string | undefined = process.env.BERTLAB_MODEL;
try {
  shipped ??= shippedModelDir();
} catch {
  shipped = undefined;
}
const courseCorpus = [`${builtinCorpusDir()}/en`, `${builtinCorpusDir()}/ko`];
const tokenizer: BertTokenizer = shipped !== undefined
  ? await BertTokenizer.fromPretrained(shipped)
  : trainWordPiece(courseCorpus.flatMap(corpusFiles).map((f) => fs.readFileSync(f, "utf8")), { vocabSize: 8000, lowercase: false }).tokenizer;
const documents = courseCorpus.flatMap((dir) => readCorpus(dir));
const tokenized = tokenizeDocuments(documents, tokenizer);
const vocab = pretrainingVocab(tokenizer);
({ tokenizer: shipped ?? "trained here", vocabSize: vocab.vocabSize, documents: documents.length, sentences: tokenized.reduce((n, d) => n + d.length, 0) });

// %% [markdown]
// ## 1. Next sentence prediction pairs
//
// > "Specifically, when choosing the sentences A and B for each pretraining example, 50% of the time B is the actual
// > next sentence that follows A (labeled as IsNext), and 50% of the time it is a random sentence from the corpus
// > (labeled as NotNext)." (§3.1)
//
// `createNspPairs` packs whole sentences of a document into segment A, then takes either the sentences that follow
// (IsNext) or a piece of another document (NotNext), and truncates the pair to fit the length.
// **Predict:** out of all pairs, what share will be NotNext?

// %%
const pairs = createNspPairs(tokenized, new Random(0), { maxSeqLength: 64 });
const notNext = pairs.filter((p) => p.isRandomNext).length;
({ pairs: pairs.length, notNextShare: +(notNext / pairs.length).toFixed(3) });

// %% [markdown]
// A pair becomes BERT's input as `[CLS] A [SEP] B [SEP]`, with segment id 0 for `[CLS]`, A and the first `[SEP]`, and
// 1 for B and the last `[SEP]`. We build one by hand and check it against `buildPairInput`.

// %%
const example = pairs.find((p) => !p.isRandomNext && p.tokensA.length + p.tokensB.length < 30) ?? pairs[0];
const clsId = vocab.clsId;
const sepId = vocab.sepId;
const myIds = [clsId, ...example.tokensA, sepId, ...example.tokensB, sepId];
const mySegments = [...new Array(example.tokensA.length + 2).fill(0), ...new Array(example.tokensB.length + 1).fill(1)];
const libraryPair = buildPairInput(example, clsId, sepId);
if (JSON.stringify(myIds) !== JSON.stringify(libraryPair.inputIds) || JSON.stringify(mySegments) !== JSON.stringify(libraryPair.segmentIds)) {
  throw new Error("the hand-built pair differs from buildPairInput");
}
console.log("pair input: equal to the library within 0 (identical ids and segment ids)");
showTokenTable({
  tokens: tokenizer.convertIdsToTokens(myIds),
  inputIds: myIds,
  segmentIds: mySegments,
  title: `An ${example.isRandomNext ? "NotNext" : "IsNext"} pair: [CLS] A [SEP] B [SEP]`,
  orientation: "vertical",
});

// %% [markdown]
// ## 2. Masked LM: the 80/10/10 rule
//
// > "The training data generator chooses 15% of the token positions at random for prediction. If the i-th token is
// > chosen, we replace the i-th token with (1) the [MASK] token 80% of the time (2) a random token 10% of the time
// > (3) the unchanged i-th token 10% of the time." (§3.1)
//
// Why not always `[MASK]`? Because `[MASK]` never appears when the model is fine-tuned or used: a model trained only
// on `[MASK]` positions could learn that only those positions need a good representation. Keeping 10% unchanged and
// replacing 10% by random tokens forces it to model *every* token, as it must later.
//
// We write the rule by hand, with the same seeded random generator, and check it picks exactly what the library's
// `maskTokens` picks: the same positions, the same replacements.

// %%
function myMask(ids: number[], rng: Random): { inputIds: number[]; positions: number[]; labels: number[] } {
  const candidates = ids.map((id, i) => i).filter((i) => !vocab.specialIds.has(ids[i]));
  const budget = Math.max(1, Math.round(candidates.length * 0.15));
  const positions = rng.shuffle(candidates.slice()).slice(0, budget).sort((a, b) => a - b);
  const inputIds = ids.slice();
  for (const p of positions) {
    const r = rng.next();
    if (r < 0.8) inputIds[p] = vocab.maskId;              // 80%: [MASK]
    else if (r < 0.9) {                                   // 10%: a random (non-special) token
      let id = rng.int(vocab.vocabSize);
      while (vocab.specialIds.has(id)) id = rng.int(vocab.vocabSize);
      inputIds[p] = id;
    }                                                     // 10%: unchanged, but still predicted
  }
  return { inputIds, positions, labels: positions.map((p) => ids[p]) };
}

const mine = myMask(myIds, new Random(42));
const library = maskTokens(myIds, vocab, new Random(42));
if (JSON.stringify(mine) !== JSON.stringify(library)) throw new Error(`hand-built masking differs: ${JSON.stringify(mine)} vs ${JSON.stringify(library)}`);
console.log("masking: equal to the library within 0 (identical positions, replacements and labels)");
console.log(tokenizer.convertIdsToTokens(library.inputIds).join(" "));
({ masked: library.positions.length, of: myIds.length - 3, positions: library.positions });

// %% [markdown]
// One sequence is too short to see the 80/10/10 split. Over all pairs of the corpus, the cell counts what happened
// to each chosen position. **Predict** the three shares before you run it.

// %%
const tally = { "[MASK]": 0, random: 0, unchanged: 0 };
const rngTally = new Random(7);
let candidateTokens = 0;
for (const p of pairs) {
  const { inputIds } = buildPairInput(p, clsId, sepId);
  const m = maskTokens(inputIds, vocab, rngTally);
  candidateTokens += inputIds.filter((id) => !vocab.specialIds.has(id)).length;
  m.positions.forEach((pos, k) => {
    const now = m.inputIds[pos];
    if (now === vocab.maskId) tally["[MASK]"]++;
    else if (now === m.labels[k]) tally.unchanged++;
    else tally.random++;
  });
}
const chosen = tally["[MASK]"] + tally.random + tally.unchanged;
showBarChart({
  labels: Object.keys(tally),
  values: Object.values(tally).map((v) => v / chosen),
  title: `What happened to the ${chosen} chosen positions (${(100 * chosen / candidateTokens).toFixed(1)}% of all tokens)`,
  valueTitle: "share of chosen positions",
  valueFormat: ".1%",
});

// %% [markdown]
// The shares land close to 80/10/10. (A random draw can pick the very token that was there, which then counts as
// unchanged: a 1-in-V effect, far too small to see here.)
//
// ## 3. The losses
//
// The masked-LM head predicts a token at **every** position, but the loss uses only the chosen positions: the others
// were visible in the input, and predicting them would be copying. The MLM loss is the mean cross-entropy over the
// masked positions; the NSP loss is the cross-entropy of the IsNext/NotNext classifier on `pooled_output`.
//
// We make a fresh (untrained) BERT-tiny (2 layers, hidden 128: d2l's pretraining size) and a batch of 8 pairs.
// **Predict:** an untrained model spreads its guess evenly over the vocabulary. What MLM loss does that give?
// (Hint: the cross-entropy of a uniform guess over V classes is ln V.)

// %%
const model = await BertForPreTraining.create(bertConfig("tiny", { vocabSize: vocab.vocabSize, maxPositionEmbeddings: 64 }), { seed: 0 });
const batch = makePretrainingBatch(pairs.slice(0, 8), vocab, new Random(3), { maxPredictions: 10, wholeWordMasking: false });
const inputs = batchToTensors(batch.inputs);
const out = model.forward({ inputIds: inputs.inputIds, segmentIds: inputs.segmentIds, inputMask: inputs.inputMask });

// MLM: flatten [B, S, V] to [B·S, V], keep the masked rows, cross-entropy against the original tokens.
const V = vocab.vocabSize;
const maskedLogits = tf.gather(out.mlmLogits.reshape([-1, V]), batch.maskedPositions);
const myMlmLoss = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(maskedLogits), tf.oneHot(batch.maskedLabels, V)), -1))).dataSync()[0];
// NSP: two classes, 0 = IsNext, 1 = NotNext.
const myNspLoss = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(out.nspLogits), tf.oneHot(batch.nspLabels, 2)), -1))).dataSync()[0];

const [libMlm, libNsp] = tf.tidy(() => {
  const l = pretrainingLosses(model.namedWeights, model.config, inputs, tf.tensor1d(batch.maskedPositions, "int32"),
    tf.tensor1d(batch.maskedLabels, "int32"), tf.tensor1d(batch.nspLabels, "int32"), { training: false });
  return [l.mlmLoss.dataSync()[0], l.nspLoss.dataSync()[0]];
});
for (const [what, a, b] of [["MLM loss", myMlmLoss, libMlm], ["NSP loss", myNspLoss, libNsp]] as const) {
  if (!(Math.abs(a - b) <= 1e-5)) throw new Error(`${what}: hand-built ${a} vs library ${b}`);
  console.log(`${what}: equal to the library within 0.00001 (${a.toFixed(5)} vs ${b.toFixed(5)})`);
}
({ maskedPositions: batch.maskedPositions.length, mlmLoss: +myMlmLoss.toFixed(3), lnV: +Math.log(V).toFixed(3), nspLoss: +myNspLoss.toFixed(3), ln2: +Math.log(2).toFixed(3) });

// %% [markdown]
// ## 4. Before training: what does the model fill in?
//
// Take a sentence from the corpus, mask one word, and ask the untrained model for its top guesses.

// %%
// The first English sentence of the corpus that makes 8 to 24 tokens.
const probeSentence = documents.flat().find((s) => /^[A-Za-z]/.test(s) && tokenizer.encode(s).length >= 8 && tokenizer.encode(s).length <= 24) ?? documents[0][0];
const probe = tokenizer.encode(probeSentence, null, { maxLength: 64 });
const probeAt = Math.min(3, probe.length - 2);
const probeAnswer = probe.tokens[probeAt];
const probeIds = probe.inputIds.slice();
probeIds[probeAt] = vocab.maskId;

function topGuesses(m: BertForPreTraining, k = 8): Array<{ label: string; value: number }> {
  const o = m.forward({ inputIds: [probeIds] });
  const p = tf.tidy(() => tf.softmax(o.mlmLogits.slice([0, probeAt, 0], [1, 1, V]).reshape([V])));
  const { values, indices } = tf.topk(p, k);
  const vs = Array.from(values.dataSync());
  const ids = Array.from(indices.dataSync());
  tf.dispose([o.sequenceOutput, o.pooledOutput, o.mlmLogits, o.nspLogits, p, values, indices]);
  return ids.map((id, i) => ({ label: tokenizer.idToToken(id) ?? `#${id}`, value: vs[i] }));
}
console.log(tokenizer.convertIdsToTokens(probeIds).join(" "));
showTopK(topGuesses(model), { title: `Untrained model: guesses for "${probeAnswer}"`, highlight: [probeAnswer] });

// %% [markdown]
// ## 5. A short pretraining run
//
// `pretrain` does what the sections above did, in a loop: NSP pairs from the documents (holding out a few documents
// for evaluation), 80/10/10 masking, MLM + NSP loss, and an AdamW step with warm-up and linear decay. The chart below
// updates in place while it trains. **Predict:** where will each loss start, and which will fall faster?

// %%
const STEPS = 60;
const chart = liveLineChart({ series: ["MLM loss", "NSP loss"], title: "Pretraining BERT-tiny (live)", yTitle: "loss" });
const run = await pretrain(model, tokenized, vocab, {
  steps: STEPS, batchSize: 16, maxSeqLength: 64, learningRate: 1e-3, seed: 0,
  onStep: (r) => chart.push({ step: r.step, "MLM loss": r.mlmLoss, "NSP loss": r.nspLoss }),
});
chart.finish();
const firstMlm = run.curves.mlmLoss[0];
const lastMlm = run.curves.mlmLoss.slice(-10).reduce((a, b) => a + b, 0) / 10;
({ steps: run.steps, seconds: +run.seconds.toFixed(1), tokensPerSecond: Math.round(run.tokensPerSecond), mlmLossFirst: +firstMlm.toFixed(3), mlmLossLast10: +lastMlm.toFixed(3), heldOut: run.evaluations[run.evaluations.length - 1] });

// %% [markdown]
// Read the numbers the cell printed rather than a story: the MLM loss starts near ln V and falls as the model learns
// which tokens are frequent; the NSP loss hovers around ln 2 ≈ 0.693, since telling a real next sentence from a random
// one needs far more training than this. The held-out MLM accuracy is measured on documents the run never saw.
//
// After the run, the same masked sentence:

// %%
showTopK(topGuesses(model), { title: `After ${run.steps} steps: guesses for "${probeAnswer}"`, highlight: [probeAnswer] });

// %% [markdown]
// After a minute the model mostly guesses the most frequent tokens of the corpus, whatever the context: that is the unigram
// distribution, the first thing MLM teaches. The shipped checkpoint, `models/bertlab-mini`, is the same recipe on a
// bigger model, run for 6,000 steps (1.8 hours on two cores, 10.6 million tokens) over the course corpus *and* 67 MB
// of public dialogue and review text, with whole-word masking (all pieces of a word are masked together, so `##ing`
// cannot be guessed from `play` beside it) and a 16,000-piece vocabulary trained on equal numbers of English and Korean
// sentences (`npm run pretrain`, `scripts/pretrain-shipped.ts`). Its held-out MLM accuracy rose from 11% at step 500 to
// 25% at step 6,000 and was still rising (`models/bertlab-mini/MODEL_CARD.md`). When your checkout has it, the next
// cell asks it the same question.

// %%
if (shipped !== undefined) {
  const trained = await BertForPreTraining.fromPretrained(shipped);
  showTopK(topGuesses(trained), { title: `The shipped checkpoint: guesses for "${probeAnswer}"`, highlight: [probeAnswer] });
} else {
  console.log("models/bertlab-mini is not in this checkout: run `npm run pretrain` to make it");
}

// %% [markdown]
// ## Summary
// - NSP pairs: `[CLS] A [SEP] B [SEP]`, segment ids 0 then 1, B the real continuation half of the time.
// - MLM: 15% of the non-special tokens are chosen; of those 80% become `[MASK]`, 10% a random token, 10% stay. The
//   mix exists because fine-tuning inputs never contain `[MASK]`.
// - The MLM loss is a cross-entropy over the chosen positions only; the NSP loss a 2-class cross-entropy on the pooled
//   output. An untrained model starts near ln V and ln 2.
// - A minute of CPU pretraining moves the MLM loss and teaches word frequencies; the paper used 4 days on 16 TPU
//   chips. The shipped checkpoint sits in between.
//
// **Exercises:** `exercises/05-pretraining.ipynb` — the masking rule with a seeded generator, a masked-LM loss that
// ignores unmasked positions, and NSP pair building. Next: lesson 06 fine-tunes BERT to classify intents.
