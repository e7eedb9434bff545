// %% [markdown] id=intro
// # 06 · Exercises: the intent classifier
//
// The seed course's exercise: put a classifier on BERT. Four questions, **10 points** in all:
//
// | question | what you write | points |
// |---|---|---|
// | Q1 | apply the dropout layer to `pooled_output` | 2 |
// | Q2 | apply the dense softmax layer | 2 |
// | Q3 | connect the inputs and the output into a model | 2 |
// | Q4 | compile and train it to at least 55% validation accuracy (chance: 20%), within 15 epochs | 4 |
//
// To keep grading fast, the exercise uses a small problem: 5 English intents, sequences of 16 tokens, and a small
// BERT (2 layers, hidden 128) with random weights. Lesson 06 does the same with the full dataset and the pretrained
// checkpoint.

// %% id=setup
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert";
import { describe, it, check, closeTo } from "bertlab/check";
import { ready, BertLayer, bertConfig, trainWordPiece, loadBuiltinIntents } from "bertlab";
await ready();

const SEQ_LEN = 16;
const INTENTS = ["set_alarm", "check_balance", "weather", "play_music", "book_table"];
const english = loadBuiltinIntents({ lang: "en" });
const tokenizer = trainWordPiece(english.train.map((e) => e.text), { vocabSize: 1000 }).tokenizer;

interface Split { x: tf.Tensor[]; y: tf.Tensor2D; count: number }
function split(examples: { text: string; intent: string }[]): Split {
  const mine = examples.filter((e) => INTENTS.includes(e.intent));
  const t = tokenizer.toTensors(mine.map((e) => e.text), { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
  return { x: [t.inputWordIds, t.inputMask, t.segmentIds], y: tf.tensor2d(mine.map((e) => INTENTS.indexOf(e.intent)), [mine.length, 1]), count: mine.length };
}
const train = split(english.train);
const val = split(english.val);

/** The three Keras inputs and a fresh small BERT applied to them, as in lesson 06. */
function bertInputs(): { inputs: tf.SymbolicTensor[]; pooledOutput: tf.SymbolicTensor } {
  const inputWordIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_word_ids" });
  const inputMask = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_mask" });
  const segmentIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "segment_ids" });
  const bertLayer = new BertLayer({ bertConfig: bertConfig("tiny", { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: SEQ_LEN }) });
  const [pooledOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];
  return { inputs: [inputWordIds, inputMask, segmentIds], pooledOutput };
}
({ intents: INTENTS.length, train: train.count, val: val.count, vocab: tokenizer.vocabSize });

// %% [markdown] id=q1-text
// ## Q1 · Dropout on `pooled_output` (2 points)
//
// The seed's first marked step: apply a dropout layer with rate **0.2** to `pooledOutput` and return the result.
// Use `tf.layers.dropout`.

// %% solution id=q1-solution
function applyDropout(pooledOutput: tf.SymbolicTensor): tf.SymbolicTensor {
  // BEGIN SOLUTION
  return tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput) as tf.SymbolicTensor;
  // END SOLUTION
}

// %% test id=q1 points=2
describe("q1", () => {
  it("keeps the shape [batch, hidden]", () => {
    const { pooledOutput } = bertInputs();
    assert.deepStrictEqual(applyDropout(pooledOutput).shape, [null, 128]);
  });
  it("uses a Dropout layer with rate 0.2", () => {
    const out = applyDropout(bertInputs().pooledOutput);
    assert.strictEqual(out.sourceLayer.getClassName(), "Dropout", `the output comes from a ${out.sourceLayer.getClassName()} layer; apply tf.layers.dropout(...)`);
    closeTo(out.sourceLayer.getConfig().rate as number, 0.2, { atol: 1e-9 }, "the dropout rate should be 0.2");
  });
  // BEGIN HIDDEN TESTS
  it("is applied to pooled_output itself", () => {
    const { pooledOutput } = bertInputs();
    const out = applyDropout(pooledOutput);
    assert.strictEqual(out.sourceLayer.inboundNodes[0].inputTensors[0], pooledOutput);
  });
  // END HIDDEN TESTS
});
await check("q1");

// %% [markdown] id=q2-text
// ## Q2 · The dense softmax layer (2 points)
//
// The second marked step: apply a dense layer with `numIntents` units and the **softmax** activation to `x`, and return
// the result: one probability per intent. Use `tf.layers.dense`.

// %% solution id=q2-solution
function applyClassifier(x: tf.SymbolicTensor, numIntents: number): tf.SymbolicTensor {
  // BEGIN SOLUTION
  return tf.layers.dense({ units: numIntents, activation: "softmax" }).apply(x) as tf.SymbolicTensor;
  // END SOLUTION
}

// %% test id=q2 points=2
describe("q2", () => {
  it("gives [batch, numIntents]", () => {
    assert.deepStrictEqual(applyClassifier(bertInputs().pooledOutput, 5).shape, [null, 5]);
  });
  it("is a Dense layer with softmax", () => {
    const out = applyClassifier(bertInputs().pooledOutput, 5);
    assert.strictEqual(out.sourceLayer.getClassName(), "Dense", `the output comes from a ${out.sourceLayer.getClassName()} layer; apply tf.layers.dense(...)`);
    assert.strictEqual(out.sourceLayer.getConfig().activation, "softmax", `activation is ${String(out.sourceLayer.getConfig().activation)}; the seed uses softmax`);
  });
  // BEGIN HIDDEN TESTS
  it("uses numIntents units", () => {
    assert.deepStrictEqual(applyClassifier(bertInputs().pooledOutput, 7).shape, [null, 7]);
    assert.strictEqual(applyClassifier(bertInputs().pooledOutput, 3).sourceLayer.getConfig().units, 3);
  });
  // END HIDDEN TESTS
});
await check("q2");

// %% [markdown] id=q3-text
// ## Q3 · Connecting inputs and outputs into a model (2 points)
//
// The third marked step: return the model that takes the three inputs (in the order given: `input_word_ids`,
// `input_mask`, `segment_ids`) to `outputs`. Use `tf.model`.

// %% solution id=q3-solution
function buildModel(inputs: tf.SymbolicTensor[], outputs: tf.SymbolicTensor): tf.LayersModel {
  // BEGIN SOLUTION
  return tf.model({ inputs, outputs });
  // END SOLUTION
}

// %% test id=q3 points=2
describe("q3", () => {
  const reference = () => {
    const { inputs, pooledOutput } = bertInputs();
    const outputs = tf.layers.dense({ units: 5, activation: "softmax" }).apply(tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput)) as tf.SymbolicTensor;
    return { inputs, outputs };
  };
  it("takes the three inputs in order", () => {
    const { inputs, outputs } = reference();
    const model = buildModel(inputs, outputs);
    assert.deepStrictEqual(model.inputs.map((t) => t.name.replace(/_\d+$/, "")), ["input_word_ids", "input_mask", "segment_ids"]);
  });
  it("predicts one probability distribution per utterance", () => {
    const { inputs, outputs } = reference();
    const probs = buildModel(inputs, outputs).predict(val.x) as tf.Tensor2D;
    assert.deepStrictEqual(probs.shape, [val.count, 5]);
    closeTo(Array.from(probs.sum(-1).dataSync()), new Array(val.count).fill(1), { atol: 1e-4 });
  });
  // BEGIN HIDDEN TESTS
  it("has one output", () => {
    const { inputs, outputs } = reference();
    assert.strictEqual(buildModel(inputs, outputs).outputs.length, 1);
  });
  // END HIDDEN TESTS
});
await check("q3");

// %% [markdown] id=q4-text
// ## Q4 · Train it (4 points)
//
// Write `trainClassifier(model, train, val)`: compile the model (optimizer, loss, metrics) and fit it on `train.x`,
// `train.y` (intent ids, shape `[N, 1]`), so that its accuracy on `val` reaches **at least 55%** (guessing gets 20%). Return the `History`
// that `model.fit` returns.
//
// Budget: at most **15 epochs**, and the whole call must finish within 40 seconds. Hints: the labels are integer ids,
// not one-hot vectors (which loss takes those?); a learning rate of about 1e-3 and small batches (8) suit this small
// model and tiny training set (97 utterances).
//
// The cell after yours builds a fresh model itself and trains it with your function, so your Q1–Q3 do not matter here.

// %% solution id=q4-solution
async function trainClassifier(model: tf.LayersModel, train: Split, val: Split): Promise<tf.History> {
  // BEGIN SOLUTION
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  return model.fit(train.x, train.y, { epochs: 15, batchSize: 8, validationData: [val.x, val.y], verbose: 0 });
  // END SOLUTION
}

// %% id=q4-train
// Runs your trainClassifier on a fresh model (built here, so your Q1-Q3 do not matter) and times it.
async function trainQ4() {
  const { inputs, pooledOutput } = bertInputs();
  const outputs = tf.layers.dense({ units: INTENTS.length, activation: "softmax" }).apply(tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput)) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs });
  const started = Date.now();
  try {
    const history = await trainClassifier(model, train, val);
    return { model, history, seconds: (Date.now() - started) / 1000, error: undefined };
  } catch (error) {
    return { model, history: undefined, seconds: (Date.now() - started) / 1000, error: error instanceof Error ? error.message : String(error) };
  }
}
const q4 = await trainQ4();
({ seconds: +q4.seconds.toFixed(1), error: q4.error });

// %% test id=q4 points=4
describe("q4", () => {
  const valAccuracy = (model: tf.LayersModel): number => {
    const predicted = (model.predict(val.x) as tf.Tensor2D).argMax(-1).dataSync();
    const truth = val.y.dataSync();
    return Array.from(predicted).filter((p, i) => p === truth[i]).length / val.count;
  };
  it("reaches at least 55% validation accuracy", () => {
    if (q4.error !== undefined) throw new Error(`trainClassifier threw: ${q4.error}`);
    const acc = valAccuracy(q4.model);
    assert.ok(acc >= 0.55, `validation accuracy is ${(100 * acc).toFixed(1)}%, below 55%: train longer (up to 15 epochs), use smaller batches, or check the learning rate`);
  });
  // BEGIN HIDDEN TESTS
  it("returns the History of model.fit, within 15 epochs", () => {
    assert.ok(q4.history !== undefined && Array.isArray(q4.history.epoch), "trainClassifier must return what model.fit returns");
    assert.ok(q4.history.epoch.length >= 1 && q4.history.epoch.length <= 15, `trained for ${q4.history.epoch.length} epochs`);
  });
  it("finishes within 40 seconds", () => {
    assert.ok(q4.seconds <= 40, `training took ${q4.seconds.toFixed(1)} s`);
  });
  // END HIDDEN TESTS
});
await check("q4");

// %% [markdown] id=outro
// That is the whole seed exercise. In lesson 06 the same three steps sit on the pretrained checkpoint with all 40
// intents in two languages.
