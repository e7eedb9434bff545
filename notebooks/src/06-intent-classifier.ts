// %% [markdown]
// # 06 · Fine-tuning BERT: an intent classifier in English and Korean
//
// > "For each task, we simply plug in the task-specific inputs and outputs into BERT and fine-tune all the parameters
// > end-to-end." (Devlin et al. 2019, §3.2)
//
// This is the seed course's exercise, in TypeScript: classify what a user wants ("set an alarm", "check my balance")
// from one utterance, by putting one dense layer on BERT's `pooled_output` and training the whole model.
//
// **You will learn to**
// - load the course's bilingual intent dataset and the shipped checkpoint as a Keras layer, `BertKerasLayer`;
// - encode utterances into `input_word_ids`, `input_mask` and `segment_ids`;
// - build the classifier exactly as the seed does: `dropout(0.2)` on `pooledOutput`, a `dense(numIntents, softmax)`,
//   and `tf.model` connecting the three inputs to the output;
// - compile and fit with a live progress bar and curves;
// - evaluate with accuracy, per-intent F1 and a confusion matrix, then try your own sentences;
// - (bonus) reject out-of-scope requests with a probability threshold.

// %% [markdown]
// ## 1. The data
//
// `loadBuiltinIntents()` reads `data/intents`: short requests in English and Korean, each labelled with one intent
// and assigned to a fixed train / validation / test split (see `data/intents/DATASHEET.md`). Some requests fit no
// intent at all: they are kept apart as out-of-scope examples, used in the bonus section.

// %%
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import {
  loadBuiltinIntents, BertKerasLayer, BertTokenizer, bertConfig, shippedModelDir, builtinCorpusDir, corpusFiles, trainWordPiece,
  accuracy, classificationReport, chooseOosThreshold, oosReport, createProgress, linearWarmupDecay, display,
  showTokenTable, showConfusionMatrix, showBarChart, showTopK, liveLineChart,
} from "bertlab";

const data = loadBuiltinIntents({ includeOos: true });
const labels = data.labels;
const numIntents = labels.length;
({ intents: numIntents, train: data.train.length, val: data.val.length, test: data.test.length, outOfScope: data.oos?.length ?? 0, examples: data.train.slice(0, 3).map((e) => `${e.intent}: ${e.text}`) });

// %% [markdown]
// ## 2. The pretrained BERT as a Keras layer
//
// The seed loads BERT from TF-Hub as a `KerasLayer`; bertlab's `BertKerasLayer.fromPretrained` does the same from the
// shipped checkpoint, with its tokenizer. Without the checkpoint, the cell falls back to a **randomly initialised**
// BERT-mini: then this lesson shows fine-tuning *without* pretraining. Do not assume that the pretrained one wins by
// much at this scale: section 7b puts the shipped checkpoint beside the same network trained from scratch, and the
// model card (`models/bertlab-mini/MODEL_CARD.md`) says what it was pretrained on and for how long: hours on two CPU
// cores, far from the 4 days on billions of words behind BERT's results. Read the numbers the cells print
// (`BERTLAB_MODEL=<dir>` chooses another checkpoint).

// %%
// BERTLAB_MODEL=<checkpoint dir> runs the lesson on another checkpoint (HF layout: config.json, model.safetensors, tokenizer.json).
let shipped: string | undefined = process.env.BERTLAB_MODEL;
try {
  shipped ??= shippedModelDir();
} catch {
  shipped = undefined;
}
const tokenizer: BertTokenizer = shipped !== undefined
  ? await BertTokenizer.fromPretrained(shipped)
  : trainWordPiece([`${builtinCorpusDir()}/en`, `${builtinCorpusDir()}/ko`].flatMap(corpusFiles).map((f) => fs.readFileSync(f, "utf8")), { vocabSize: 8000, lowercase: false }).tokenizer;
const bertLayer = shipped !== undefined
  ? await BertKerasLayer.fromPretrained(shipped, { name: "bert" })
  : new BertKerasLayer({ bertConfig: bertConfig("mini", { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: 128 }), name: "bert" });
console.log(shipped !== undefined ? `pretrained BERT from ${shipped}` : "no shipped checkpoint: BERT-mini with random weights");
({ layers: bertLayer.bertConfig.numHiddenLayers, hidden: bertLayer.bertConfig.hiddenSize, vocab: bertLayer.bertConfig.vocabSize });

// %% [markdown]
// ## 3. Encoding
//
// Every utterance becomes three rows of `SEQ_LEN` integers: `[CLS] tokens [SEP]` then `[PAD]`s, the mask (1 for a
// token, 0 for padding) and the segment ids (all 0: one sentence). **Predict:** how many of the 24 positions does a
// typical Korean request fill, and how many requests are cut off?

// %%
const SEQ_LEN = 24;
const encode = (texts: string[]) => tokenizer.toTensors(texts, { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
const trainX = encode(data.train.map((e) => e.text));
const valX = encode(data.val.map((e) => e.text));
const testX = encode(data.test.map((e) => e.text));
const toIds = (examples: { intent: string }[]) => examples.map((e) => data.labelToId[e.intent]);
const trainY = tf.tensor2d(toIds(data.train), [data.train.length, 1]);
const valY = tf.tensor2d(toIds(data.val), [data.val.length, 1]);

const koExample = data.train.find((e) => e.lang === "ko") ?? data.train[0];
const koEnc = tokenizer.encode(koExample.text, null, { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
const realTokens = (m: number[]) => m.reduce((a, b) => a + b, 0);
const filled = (trainX.inputMask.sum(1).dataSync() as Int32Array);
showTokenTable({ tokens: koEnc.tokens, inputIds: koEnc.inputIds, segmentIds: koEnc.segmentIds, inputMask: koEnc.inputMask, title: `${koExample.intent}: ${koExample.text}`, orientation: "vertical" });
({ shape: trainX.inputIds.shape, thisExampleFills: realTokens(koEnc.inputMask), meanFilled: +(filled.reduce((a, b) => a + b, 0) / filled.length).toFixed(1), truncated: Array.from(filled).filter((n) => n === SEQ_LEN).length });

// %% [markdown]
// ## 4. The classifier, as the seed builds it
//
// The seed's three marked steps, line for line: apply a dropout layer (rate 0.2) to `pooled_output`; apply a dense
// softmax layer with one unit per intent; connect the three inputs and the output into a model.

// %%
const inputWordIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_word_ids" });
const inputMask = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_mask" });
const segmentIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "segment_ids" });
const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];

// Step 1: dropout on pooled_output
const dropped = tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput) as tf.SymbolicTensor;
// Step 2: a dense softmax layer over the intents
const outputs = tf.layers.dense({ units: numIntents, activation: "softmax", name: "intent" }).apply(dropped) as tf.SymbolicTensor;
// Step 3: the model, from the three inputs to the output
const model = tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs });

model.summary();
({ pooledOutput: pooledOutput.shape, sequenceOutput: sequenceOutput.shape, outputs: outputs.shape });

// %% [markdown]
// ## 5. Before training
//
// The dense layer is random, so the model guesses. **Predict:** with 40 intents, what validation accuracy should an
// untrained classifier get? We measure it, and check our own accuracy count against the library's `accuracy`.

// %%
function predictIds(x: { inputIds: tf.Tensor; inputMask: tf.Tensor; segmentIds: tf.Tensor }): { ids: number[]; maxProb: number[]; probs: tf.Tensor2D } {
  const probs = model.predict([x.inputIds, x.inputMask, x.segmentIds], { batchSize: 64 }) as tf.Tensor2D;
  return { ids: Array.from(probs.argMax(-1).dataSync()), maxProb: Array.from(probs.max(-1).dataSync()), probs };
}
const valTargets = toIds(data.val);
const before = predictIds(valX);
const myAccuracy = before.ids.filter((p, i) => p === valTargets[i]).length / valTargets.length;
const libAccuracy = accuracy(valTargets, before.ids);
if (Math.abs(myAccuracy - libAccuracy) > 1e-12) throw new Error(`accuracy: ours ${myAccuracy} vs library ${libAccuracy}`);
console.log(`accuracy: equal to the library within 1e-12 (${myAccuracy.toFixed(4)})`);
({ untrainedValAccuracy: +myAccuracy.toFixed(4), chance: +(1 / numIntents).toFixed(4) });

// %% [markdown]
// ## 6. Compile and fit
//
// The paper fine-tunes for "2 to 4 epochs" with Adam, a small learning rate (5e-5 to 2e-5 for BERT-base) that warms
// up and then decays linearly. Our BERT is much smaller and less pretrained, so we follow `bertlab finetune`'s recipe
// instead, in Keras terms:
//
// 1. **Re-initialise the pooler and the top encoder layer.** They are the parts most specialised to MLM and NSP;
//    on little data, fresh ones fine-tune better (Zhang et al. 2021, "Revisiting Few-sample BERT Fine-tuning").
// 2. **Adam with a schedule:** the learning rate rises linearly to 5e-4 over the first 10% of the steps, then falls
//    linearly to 0. Keras optimizers in tfjs have no schedules, so a callback sets the rate before every batch.
// 3. **Up to `EPOCHS` epochs, keeping the best:** after each epoch we measure validation accuracy, keep a copy of
//    the best epoch's weights, stop after `PATIENCE` epochs without improvement, and put the best weights back.
//
// One difference remains: `bertlab finetune` uses AdamW (weight decay 0.01) and clips gradients at norm 1; plain
// Keras Adam does neither. The bar and the curves update in place while it trains. **Predict:** which will be higher
// after the first epoch, training or validation accuracy? (Dropout is on while training and off for validation.)

// %%
/** Adam whose learning rate a callback may change: tfjs keeps it in a protected field. */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}
const EPOCHS = 15;
const PATIENCE = 4;
const BATCH = 32;
const PEAK_LEARNING_RATE = 5e-4;
const stepsPerEpoch = Math.ceil(data.train.length / BATCH);
const totalSteps = EPOCHS * stepsPerEpoch;
const schedule = linearWarmupDecay(PEAK_LEARNING_RATE, Math.round(0.1 * totalSteps), totalSteps);

const reinitialized = bertLayer.reinitialize(["pooler.", `encoder.layer.${bertLayer.bertConfig.numHiddenLayers - 1}.`], 0);
const optimizer = new ScheduledAdam(schedule(0), 0.9, 0.999, 1e-6);
model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });

const bar = createProgress({ label: "fine-tune", total: totalSteps, unit: "batch" });
const lossChart = liveLineChart({ series: ["loss", "val_loss"], title: "Loss (live)", xTitle: "epoch" });
const accChart = liveLineChart({ series: ["acc", "val_acc"], title: "Accuracy (live)", xTitle: "epoch" });
let step = 0;
let best = { epoch: -1, valAccuracy: -Infinity, weights: [] as tf.Tensor[] };
const started = Date.now();
const history = await model.fit([trainX.inputIds, trainX.inputMask, trainX.segmentIds], trainY, {
  epochs: EPOCHS,
  batchSize: BATCH,
  shuffle: true,
  validationData: [[valX.inputIds, valX.inputMask, valX.segmentIds], valY],
  callbacks: {
    onBatchBegin: async () => optimizer.setLearningRate(schedule(step)),
    onBatchEnd: async (_batch, logs) => {
      step++;
      bar.update(step, { loss: (logs?.loss ?? NaN).toFixed(3) });
      if (step % 10 === 0) lossChart.push({ step: step / stepsPerEpoch, loss: logs?.loss });
      if (step % 10 === 0) accChart.push({ step: step / stepsPerEpoch, acc: logs?.acc });
    },
    onEpochEnd: async (epoch, logs) => {
      lossChart.push({ step: epoch + 1, val_loss: logs?.val_loss });
      accChart.push({ step: epoch + 1, val_acc: logs?.val_acc });
      const valAccuracy = logs?.val_acc ?? -Infinity;
      if (valAccuracy > best.valAccuracy) {
        tf.dispose(best.weights);
        best = { epoch, valAccuracy, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= PATIENCE) {
        model.stopTraining = true;
      }
    },
  },
});
model.setWeights(best.weights);
tf.dispose(best.weights);
bar.finish(`${history.epoch.length} epochs in ${((Date.now() - started) / 1000).toFixed(0)} s; best validation accuracy ${(100 * best.valAccuracy).toFixed(1)}% after epoch ${best.epoch + 1}`);
lossChart.finish();
accChart.finish();
({ reinitialized: reinitialized.length, epochs: history.epoch.length, bestEpoch: best.epoch + 1, seconds: Math.round((Date.now() - started) / 1000), valAccuracyPerEpoch: (history.history.val_acc as number[]).map((v) => +v.toFixed(3)) });

// %% [markdown]
// ## 7. Evaluation on the test split
//
// Accuracy alone hides which intents fail. The report gives precision, recall and F1 per intent, and the confusion
// matrix shows which intents are mistaken for which (rows: true intent, columns: predicted). We also compute the
// macro-F1 by hand and check it against the library's report.

// %%
const testTargets = toIds(data.test);
const after = predictIds(testX);
const report = classificationReport(testTargets, after.ids, labels);
let f1Sum = 0;
for (let c = 0; c < numIntents; c++) {
  const tp = after.ids.filter((p, i) => p === c && testTargets[i] === c).length;
  const predicted = after.ids.filter((p) => p === c).length;
  const actual = testTargets.filter((t) => t === c).length;
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
const myMacroF1 = f1Sum / numIntents;
if (Math.abs(myMacroF1 - report.macroF1) > 1e-9) throw new Error(`macro-F1: ours ${myMacroF1} vs library ${report.macroF1}`);
console.log(`macro-F1: equal to the library within 1e-9 (${myMacroF1.toFixed(4)})`);
const worst = [...report.perClass].sort((a, b) => a.f1 - b.f1).slice(0, 5).map((c) => `${c.label} ${c.f1.toFixed(2)}`);
({ testAccuracy: +report.accuracy.toFixed(4), macroF1: +report.macroF1.toFixed(4), lowestF1: worst });

// %%
showConfusionMatrix(report.confusion, labels, { title: `Test confusion matrix (accuracy ${(100 * report.accuracy).toFixed(1)}%)` });

// %%
const f1Sorted = [...report.perClass].sort((a, b) => a.f1 - b.f1);
showBarChart({ labels: f1Sorted.map((c) => c.label), values: f1Sorted.map((c) => c.f1), title: "F1 per intent (test)", valueTitle: "F1", horizontal: true, valueFormat: ".2f" });

// %% [markdown]
// ## 7b. Did pretraining help?
//
// One run cannot tell: the accuracy above mixes what pretraining gave with what fine-tuning found. The fair test
// fine-tunes the **same network** twice with the same recipe and data, once from the shipped checkpoint and once from
// random weights, and compares both with a model that knows nothing of BERT: an n-gram logistic regression.
// `npm run bench:finetune` does exactly that, per language, on the full training split and on a few-shot split of 5
// utterances per intent and language, and saves the figures in `bench/results/finetune.json`. This cell draws them.
// **Predict:** where should pretraining help most, with all the training data or with 5 examples per intent?

// %%
interface BenchRow { split: string; start: string; test_accuracy_en: number; test_accuracy_ko: number }
interface BenchBaseline { test_accuracy_en: number; test_accuracy_ko: number }
interface FinetuneBench { model: string; date: string; rows: BenchRow[]; baselines?: Record<string, { characters: BenchBaseline }> }
const benchFile = "../bench/results/finetune.json";
if (fs.existsSync(benchFile)) {
  const bench = JSON.parse(fs.readFileSync(benchFile, "utf8")) as FinetuneBench;
  const groups: { split: string; lang: "en" | "ko" }[] = ["full", "few-shot"].flatMap((split) => (["en", "ko"] as const).map((lang) => ({ split, lang })));
  const x = groups.map((g) => `${g.split} · ${g.lang}`);
  const value = (split: string, lang: "en" | "ko", start: string): number => {
    const row = bench.rows.find((r) => r.split === split && r.start === start);
    return row === undefined ? NaN : row[`test_accuracy_${lang}`];
  };
  const series = [
    { name: "n-gram baseline (characters)", y: groups.map((g) => bench.baselines?.[g.split]?.characters[`test_accuracy_${g.lang}`] ?? NaN), color: "#9e9e9e" },
    { name: "same BERT from scratch", y: groups.map((g) => value(g.split, g.lang, "scratch")), color: "#e39c37" },
    { name: "shipped checkpoint", y: groups.map((g) => value(g.split, g.lang, "pretrained")), color: "#3b6fb6" },
  ];
  display({
    data: series.map((s) => ({ type: "bar" as const, name: s.name, x, y: s.y, marker: { color: s.color }, texttemplate: "%{y:.0%}", textposition: "outside" as const })),
    layout: { title: { text: `Test accuracy per language (npm run bench:finetune, ${bench.date.slice(0, 10)})` }, barmode: "group", yaxis: { title: { text: "test accuracy" }, tickformat: ".0%", range: [0, 1.05] }, height: 420 },
  });
  ({ model: bench.model, rows: bench.rows.map((r) => `${r.split}/${r.start}: en ${(100 * r.test_accuracy_en).toFixed(1)}%, ko ${(100 * r.test_accuracy_ko).toFixed(1)}%`) });
} else {
  console.log(`${benchFile} is missing: run \`npm run bench:finetune -- --json\` in the course folder (about 10 minutes) to make it`);
}

// %% [markdown]
// Read the bars with the model card (`models/bertlab-mini/MODEL_CARD.md`): where the checkpoint's bar stands above
// the scratch bar, pretraining paid; where it does not, the card says why (how long it pretrained, and on what text).
// BERT's large gains came from days of pretraining on billions of words; ours had hours on tens of millions of
// characters.

// %% [markdown]
// ## 8. Your own sentences
//
// Type a request in English or Korean into `mine` and run the cell. The bars show the three most likely intents.

// %%
const mine = ["wake me up at 6 tomorrow", "이번 달 카드 값 얼마 나왔어?", "what's the weather like in Busan"];
const mineX = encode(mine);
const mineProbs = (model.predict([mineX.inputIds, mineX.inputMask, mineX.segmentIds]) as tf.Tensor2D).arraySync();
mine.forEach((text, i) => {
  const items = mineProbs[i].map((p, c) => ({ label: labels[c], value: p }));
  showTopK(items, { k: 3, title: text });
});

// %% [markdown]
// ## 9. Bonus: "none of the above"
//
// A softmax always picks some intent, even for "sing me a song" when no intent covers it. A simple defence (as in
// CLINC150, Larson et al. 2019) is a threshold on the top probability: below it, answer "out of scope". We choose it
// on the **validation** split, never on test, to a stated target: reject at most **10%** of in-scope validation
// requests, and catch as many out-of-scope ones as that allows. Then we report it on the test split. (A rule that
// instead maximizes in-scope accuracy + out-of-scope recall, on our few out-of-scope examples, ends up rejecting most
// in-scope requests.)

// %%
const oos = data.oos ?? [];
const oosVal = oos.filter((e) => e.split === "val");
const oosTest = oos.filter((e) => e.split === "test");
const maxProbOf = (texts: string[]) => (texts.length === 0 ? [] : predictIds(encode(texts)).maxProb);
const valAfter = predictIds(valX);
const valInScope = valAfter.ids.map((p, i) => ({ maxProbability: valAfter.maxProb[i], correct: p === valTargets[i] }));
const testInScope = after.ids.map((p, i) => ({ maxProbability: after.maxProb[i], correct: p === testTargets[i] }));
if (oosVal.length > 0 && oosTest.length > 0) {
  const threshold = chooseOosThreshold(valInScope, maxProbOf(oosVal.map((e) => e.text)), { maxInScopeRejected: 0.1 });
  const r = oosReport(testInScope, maxProbOf(oosTest.map((e) => e.text)), threshold);
  console.log({ threshold: +threshold.toFixed(3), inScopeAccuracy: +r.inScopeAccuracy.toFixed(3), oosRecall: +r.oosRecall.toFixed(3), inScopeRejected: +r.inScopeRejected.toFixed(3) });
} else {
  console.log("the dataset has no out-of-scope examples in val and test");
}

// %% [markdown]
// ## Summary
// - Fine-tuning puts a task layer on BERT and trains everything: here `dropout(0.2)` on `pooled_output`, then
//   `dense(numIntents, softmax)`, wired by `tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs })`.
// - An untrained head is at chance; how far fine-tuning moves it depends on the encoder underneath. Whether
//   pretraining helped is a comparison, not one number: the same network from scratch, with the same recipe
//   (section 7b).
// - Fine-tuning a small, lightly pretrained BERT goes better with `bertlab finetune`'s recipe: fresh top layers, a
//   warmup-then-decay learning rate, and the best validation epoch kept.
// - Accuracy, per-intent F1 and the confusion matrix tell different stories: read all three.
// - A probability threshold, chosen on validation data, turns the classifier into one that can say "out of scope".
//
// **Exercises:** `exercises/06-intent-classifier.ipynb` — the seed's three marked steps, and a training question
// graded on held-out data.
