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

// %% [markdown] lang=ko
// # 06 · BERT 미세조정(fine-tuning): 영어와 한국어 의도 분류기
//
// > "For each task, we simply plug in the task-specific inputs and outputs into BERT and fine-tune all the parameters
// > end-to-end." (Devlin et al. 2019, §3.2)
// >
// > 우리말 풀이: 각 과제마다 그 과제에 맞는 입력과 출력을 BERT에 끼워 넣고, 모든 파라미터를 처음부터 끝까지(end-to-end)
// > 미세조정하기만 하면 됩니다.
//
// 이 코스의 출발점인 원래 강의(seed)의 실습을 TypeScript로 옮긴 레슨이에요. 발화(utterance) 하나를 보고 사용자가
// 원하는 것("알람 맞춰 줘", "잔액 확인해 줘")을 분류하는 의도 분류(intent classification)를 해요. BERT의
// `pooled_output` 위에 밀집층(dense layer) 하나를 얹고, 모델 전체를 학습하는 방식이에요.
//
// **학습 목표**
// - 코스의 이중 언어 의도 데이터셋을 불러오고, 함께 제공되는 체크포인트(checkpoint)를 Keras 레이어 `BertKerasLayer`로
//   불러올 수 있습니다.
// - 발화를 `input_word_ids`, `input_mask`, `segment_ids`로 인코딩할 수 있습니다.
// - 원래 강의와 똑같이 분류기를 만들 수 있습니다. `pooledOutput`에 `dropout(0.2)`, 그 위에 `dense(numIntents, softmax)`,
//   그리고 세 입력을 출력에 연결하는 `tf.model`입니다.
// - 실시간 진행 막대와 곡선을 보면서 compile하고 fit할 수 있습니다.
// - 정확도(accuracy), 의도별 F1, 혼동 행렬(confusion matrix)로 평가하고, 직접 만든 문장으로 시험해 볼 수 있습니다.
// - (보너스) 확률 임계값으로 범위 밖(out-of-scope) 요청을 거부할 수 있습니다.

// %% [markdown]
// ## 1. The data
//
// `loadBuiltinIntents()` reads `data/intents`: short requests in English and Korean, each labelled with one intent
// and assigned to a fixed train / validation / test split (see `data/intents/DATASHEET.md`). Some requests fit no
// intent at all: they are kept apart as out-of-scope examples, used in the bonus section.

// %% [markdown] lang=ko
// ## 1. 데이터
//
// `loadBuiltinIntents()`는 `data/intents`를 읽어요. 영어와 한국어로 된 짧은 요청들인데, 각각 의도 하나로 레이블이
// 붙어 있고 고정된 학습 / 검증 / 테스트 분할(train / validation / test split)에 배정되어 있어요(`data/intents/DATASHEET.md`
// 참고). 어떤 의도에도 맞지 않는 요청도 있어요. 이런 요청은 범위 밖 예제로 따로 두었다가 보너스 절에서 써요.

// %%
import * as tf from "@tensorflow/tfjs";
import * as fs from "node:fs";
import {
  ready, loadBuiltinIntents, BertKerasLayer, BertTokenizer, bertConfig, shippedModelDir, builtinCorpusDir, corpusFiles, trainWordPiece,
  accuracy, classificationReport, chooseOosThreshold, oosReport, createProgress, linearWarmupDecay, display,
  showTokenTable, showConfusionMatrix, showBarChart, showTopK, liveLineChart, localize, HeldValues,
} from "bertlab";
await ready(); // TensorFlow.js picks its backend (importing bertlab chooses nothing)

// Tensors and models that later cells use are kept by name with hold(name, value) (bertlab's HeldValues): re-running
// a cell first frees what its previous run held under that name, so nothing piles up.
const { hold } = new HeldValues();

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

// %% [markdown] lang=ko
// ## 2. Keras 레이어로 쓰는 사전학습된 BERT
//
// 원래 강의는 TF-Hub에서 BERT를 `KerasLayer`로 불러와요. bertlab의 `BertKerasLayer.fromPretrained`는 함께 제공되는
// 체크포인트에서 토크나이저와 함께 같은 일을 해요. 체크포인트가 없으면 셀은 대신 **무작위로 초기화한** BERT-mini를 써요.
// 그러면 이 레슨은 사전학습(pretraining) *없는* 미세조정을 보여 주게 돼요. 이 규모에서 사전학습된 모델이 크게 앞설
// 거라고 가정하지 마세요. 7b 절에서는 함께 제공되는 체크포인트를 처음부터(from scratch) 학습한 같은 네트워크와 나란히
// 놓고, 모델 카드(`models/bertlab-mini/MODEL_CARD.md`)에는 무엇으로 얼마나 오래 사전학습했는지 적혀 있어요. CPU 코어
// 두 개로 몇 시간이었으니, BERT의 결과 뒤에 있는 수십억 단어에 대한 4일과는 거리가 멀어요. 셀이 출력하는 숫자를 읽어
// 보세요(`BERTLAB_MODEL=<dir>`로 다른 체크포인트를 고를 수 있어요).

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
//
// The encoded splits are tensors that training and evaluation use, so the cell keeps them with `hold(name, ...)`
// (bertlab's `HeldValues`, made in the first cell): a tensor keeps its memory until it is disposed, and `hold` disposes what an earlier run
// of the cell held under the same name, so re-running a cell does not pile up tensors. Values that only need looking
// at are computed inside `tf.tidy`, which disposes every tensor made inside it, and come out as plain numbers.

// %% [markdown] lang=ko
// ## 3. 인코딩
//
// 발화는 하나하나 `SEQ_LEN`개 정수로 된 세 줄이 돼요. `[CLS] 토큰들 [SEP]` 다음에 `[PAD]`들이 이어지는 줄, 마스크
// (토큰이면 1, 패딩(padding)이면 0), 그리고 세그먼트 ID(segment ids, 문장이 하나뿐이므로 모두 0)예요. **예측해 보세요:**
// 전형적인 한국어 요청은 24개 위치 중 몇 개를 채우고, 잘리는 요청은 몇 개일까요?
//
// 인코딩한 분할은 학습과 평가에 쓰는 텐서라서, 셀은 첫 셀에서 bertlab의 `HeldValues`로 만든 `hold(name, ...)`로 남겨 둬요. 텐서는
// 해제(dispose)할 때까지 메모리를 차지하는데, `hold`는 같은 셀을 먼저 실행했을 때 같은 이름으로 남겨 둔 것을 해제하므로
// 셀을 다시 실행해도 텐서가 쌓이지 않아요. 들여다보기만 할 값은 `tf.tidy` 안에서 계산해요. `tf.tidy`는 안에서 만든
// 텐서를 모두 해제하고, 값은 평범한 숫자로 나와요.

// %%
const SEQ_LEN = 24;
const encode = (texts: string[]) => tokenizer.toTensors(texts, { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
const trainX = hold("trainX", encode(data.train.map((e) => e.text)));
const valX = hold("valX", encode(data.val.map((e) => e.text)));
const testX = hold("testX", encode(data.test.map((e) => e.text)));
const toIds = (examples: { intent: string }[]) => examples.map((e) => data.labelToId[e.intent]);
const trainY = hold("trainY", tf.tensor2d(toIds(data.train), [data.train.length, 1]));
const valY = hold("valY", tf.tensor2d(toIds(data.val), [data.val.length, 1]));

const koExample = data.train.find((e) => e.lang === "ko") ?? data.train[0];
const koEnc = tokenizer.encode(koExample.text, null, { maxLength: SEQ_LEN, padding: "max_length", truncation: "longest_first" });
const realTokens = (m: number[]) => m.reduce((a, b) => a + b, 0);
const filled = tf.tidy(() => trainX.inputMask.sum(1).dataSync() as Int32Array);
showTokenTable({ tokens: koEnc.tokens, inputIds: koEnc.inputIds, segmentIds: koEnc.segmentIds, inputMask: koEnc.inputMask, title: localize({ en: `${koExample.intent}: ${koExample.text}`, ko: `${koExample.intent}: ${koExample.text}` }), orientation: "vertical" });
({ shape: trainX.inputIds.shape, thisExampleFills: realTokens(koEnc.inputMask), meanFilled: +(filled.reduce((a, b) => a + b, 0) / filled.length).toFixed(1), truncated: Array.from(filled).filter((n) => n === SEQ_LEN).length });

// %% [markdown]
// ## 4. The classifier, as the seed builds it
//
// The seed's three marked steps, line for line: apply a dropout layer (rate 0.2) to `pooled_output`; apply a dense
// softmax layer with one unit per intent; connect the three inputs and the output into a model.

// %% [markdown] lang=ko
// ## 4. 원래 강의대로 만드는 분류기
//
// 원래 강의에 표시된 세 단계를 한 줄 한 줄 그대로 따라요. `pooled_output`에 드롭아웃(dropout) 층(비율 0.2)을 적용하고,
// 의도마다 유닛이 하나씩인 소프트맥스(softmax) 밀집층을 적용한 다음, 세 입력과 출력을 연결해 모델을 만들어요.

// %%
const inputWordIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_word_ids" });
const inputMask = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "input_mask" });
const segmentIds = tf.input({ shape: [SEQ_LEN], dtype: "int32", name: "segment_ids" });
const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]) as tf.SymbolicTensor[];

// Step 1: dropout on pooled_output
const dropped = tf.layers.dropout({ rate: 0.2 }).apply(pooledOutput) as tf.SymbolicTensor;
// Step 2: a dense softmax layer over the intents
const outputs = tf.layers.dense({ units: numIntents, activation: "softmax", name: "intent" }).apply(dropped) as tf.SymbolicTensor;
// Step 3: the model, from the three inputs to the output (a re-run disposes the previous model's own layers, not BERT's)
const model = hold("model", tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs }));

model.summary();
({ pooledOutput: pooledOutput.shape, sequenceOutput: sequenceOutput.shape, outputs: outputs.shape });

// %% [markdown]
// ## 5. Before training
//
// The dense layer is random, so the model guesses. **Predict:** with 40 intents, what validation accuracy should an
// untrained classifier get? We measure it, and check our own accuracy count against the library's `accuracy`.

// %% [markdown] lang=ko
// ## 5. 학습 전
//
// 밀집층은 무작위 상태라서 모델은 찍어서 맞혀요. **예측해 보세요:** 의도가 40개일 때, 학습하지 않은 분류기의 검증
// 정확도는 얼마쯤 나와야 할까요? 직접 재어 보고, 우리가 센 정확도를 라이브러리의 `accuracy`와 맞춰 봐요.

// %%
function predictIds(x: { inputIds: tf.Tensor; inputMask: tf.Tensor; segmentIds: tf.Tensor }): { ids: number[]; maxProb: number[] } {
  return tf.tidy(() => { // the probabilities are disposed once their argmax and max are plain numbers
    const probs = model.predict([x.inputIds, x.inputMask, x.segmentIds], { batchSize: 64 }) as tf.Tensor2D;
    return { ids: Array.from(probs.argMax(-1).dataSync()), maxProb: Array.from(probs.max(-1).dataSync()) };
  });
}
const valTargets = toIds(data.val);
const before = predictIds(valX);
const myAccuracy = before.ids.filter((p, i) => p === valTargets[i]).length / valTargets.length;
const libAccuracy = accuracy(valTargets, before.ids);
if (Math.abs(myAccuracy - libAccuracy) > 1e-12) throw new Error(`accuracy: ours ${myAccuracy} vs library ${libAccuracy}`);
console.log(`accuracy: equal to the library within 1e-12 (${myAccuracy.toFixed(4)})`);
({ untrainedValAccuracy: +myAccuracy.toFixed(4), chance: +(1 / numIntents).toFixed(4) });

// %% [markdown]
// ### Logits or probabilities?
//
// The seed calls this model's output `logits`, but a dense layer with `activation: "softmax"` outputs
// **probabilities**: every row is positive and sums to 1. The *logits* are the scores before the softmax, the dense
// layer's `pooled · W + b`; `softmax(logits)` gives the probabilities, and both pick the same intent, because the
// softmax keeps their order. Which one a loss wants matters: Keras's `sparseCategoricalCrossentropy` below takes
// probabilities (the seed's `from_logits=False`), while PyTorch's `CrossEntropyLoss` and Hugging Face's models work on
// logits. **Predict:** what do the rows of `model.predict` sum to? The cell recomputes the logits from the dense
// layer's own weights and checks all three claims on five validation utterances.

// %% [markdown] lang=ko
// ### 로짓인가요, 확률인가요?
//
// 원래 강의는 이 모델의 출력을 `logits`라고 부르지만, `activation: "softmax"`인 밀집층이 내놓는 것은
// **확률**(probability)이에요. 각 행의 값은 모두 양수이고 합이 1이에요. *로짓*(logit)은 소프트맥스를 거치기 전의
// 점수, 즉 밀집층의 `pooled · W + b`예요. `softmax(logits)`를 하면 확률이 되고, 소프트맥스는 값의 순서를 바꾸지 않으니
// 둘은 같은 의도를 골라요. 손실 함수가 어느 쪽을 받는지는 중요해요. 아래에서 쓰는 Keras의
// `sparseCategoricalCrossentropy`는 확률을 받고(원래 강의의 `from_logits=False`), PyTorch의 `CrossEntropyLoss`와
// Hugging Face의 모델은 로짓을 다뤄요. **예측해 보세요:** `model.predict`의 각 행을 더하면 얼마일까요? 다음 셀은
// 밀집층의 가중치로 로짓을 다시 계산해서, 검증 발화 다섯 개로 세 가지 주장을 모두 확인해요.

// %%
const pooledModel = tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs: pooledOutput });
const logitsCheck = tf.tidy(() => {
  const rows = [valX.inputIds, valX.inputMask, valX.segmentIds].map((t) => t.slice([0, 0], [5, SEQ_LEN]));
  const [kernel, bias] = model.getLayer("intent").getWeights();
  const logits = (pooledModel.predict(rows) as tf.Tensor2D).matMul(kernel).add(bias);
  const probs = model.predict(rows) as tf.Tensor2D;
  return {
    firstLogits: Array.from(logits.slice([0, 0], [1, 4]).dataSync()).map((v) => +v.toFixed(3)),
    firstProbabilities: Array.from(probs.slice([0, 0], [1, 4]).dataSync()).map((v) => +v.toFixed(4)),
    rowSums: Array.from(probs.sum(1).dataSync()).map((v) => +v.toFixed(5)),
    softmaxOfLogitsVsOutput: tf.max(tf.abs(tf.sub(tf.softmax(logits), probs))).dataSync()[0],
    sameIntent: Array.from(logits.argMax(-1).dataSync()).every((id, i) => id === probs.argMax(-1).dataSync()[i]),
  };
});
if (!(logitsCheck.softmaxOfLogitsVsOutput < 1e-5) || !logitsCheck.sameIntent) throw new Error(`softmax(logits) should equal the output: ${JSON.stringify(logitsCheck)}`);
logitsCheck

// %% [markdown]
// ## 6. Compile and fit
//
// The paper fine-tunes for "2 to 4 epochs" with Adam and a small learning rate (its grid, 5e-5, 3e-5 or 2e-5, is the
// same for every model size) that warms up and then decays linearly. Our BERT is much smaller and less pretrained, so we follow `bertlab finetune`'s recipe
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

// %% [markdown] lang=ko
// ## 6. compile과 fit
//
// 논문은 Adam으로 "2 to 4 epochs"(2~4 에포크(epoch)) 동안 미세조정하고, 작은 학습률(learning rate, 모델 크기와
// 상관없이 5e-5, 3e-5, 2e-5 중에서 골라요)을 처음에 웜업(warmup)한 뒤 선형으로 감쇠시켜요. 우리 BERT는 훨씬 작고 사전학습도 덜 되어 있어서, 대신
// `bertlab finetune`의 레시피를 Keras 방식으로 따라요.
//
// 1. **풀러(pooler)와 맨 위 인코더 층을 다시 초기화해요.** 이 둘은 MLM과 NSP에 가장 특화된 부분이에요. 데이터가
//    적을 때는 새로 초기화한 층이 미세조정이 더 잘 돼요(Zhang et al. 2021, "Revisiting Few-sample BERT Fine-tuning").
// 2. **스케줄이 있는 Adam:** 학습률은 전체 스텝의 처음 10% 동안 5e-4까지 선형으로 오르고, 그다음 0까지 선형으로
//    내려가요. tfjs의 Keras 옵티마이저에는 스케줄이 없어서, 콜백(callback)이 배치마다 시작 전에 학습률을 정해요.
// 3. **최대 `EPOCHS` 에포크, 가장 좋은 에포크 보관:** 에포크가 끝날 때마다 검증 정확도를 재고, 가장 좋은 에포크의
//    가중치를 복사해 두고, `PATIENCE` 에포크 동안 나아지지 않으면 멈춘 뒤, 가장 좋은 가중치를 되돌려 놓아요.
//
// 차이가 하나 남아 있어요. `bertlab finetune`은 AdamW(가중치 감쇠(weight decay) 0.01)를 쓰고 그래디언트를 노름 1로
// 클리핑하지만, 일반 Keras Adam은 둘 다 하지 않아요. 학습하는 동안 진행 막대와 곡선이 그 자리에서 갱신돼요.
// **예측해 보세요:** 첫 에포크가 끝났을 때 학습 정확도와 검증 정확도 중 어느 쪽이 더 높을까요? (드롭아웃은 학습할
// 때는 켜져 있고 검증할 때는 꺼져 있어요.)

// %%
/** Adam whose learning rate a callback may change: tfjs keeps it in a protected field. */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}
const EPOCHS = 10;
const PATIENCE = 5;
const BATCH = 32;
const PEAK_LEARNING_RATE = 5e-4;
const stepsPerEpoch = Math.ceil(data.train.length / BATCH);
const totalSteps = EPOCHS * stepsPerEpoch;
const schedule = linearWarmupDecay(PEAK_LEARNING_RATE, Math.round(0.1 * totalSteps), totalSteps);

const reinitialized = bertLayer.reinitialize(["pooler.", `encoder.layer.${bertLayer.bertConfig.numHiddenLayers - 1}.`], 0);
const optimizer = hold("optimizer", new ScheduledAdam(schedule(0), 0.9, 0.999, 1e-6)); // a re-run frees the old one's moments
model.compile({ optimizer, loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });

const bar = createProgress({ label: "fine-tune", total: totalSteps, unit: "batch" });
const lossChart = liveLineChart({ series: ["loss", "val_loss"], title: localize({ en: "Loss (live)", ko: "손실(실시간)" }), xTitle: localize({ en: "epoch", ko: "에포크" }) });
const accChart = liveLineChart({ series: ["acc", "val_acc"], title: localize({ en: "Accuracy (live)", ko: "정확도(실시간)" }), xTitle: localize({ en: "epoch", ko: "에포크" }) });
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

// %% [markdown] lang=ko
// ## 7. 테스트 분할로 평가하기
//
// 정확도만 보면 어떤 의도가 틀리는지 가려져요. 보고서는 의도마다 정밀도(precision), 재현율(recall), F1을 보여 주고,
// 혼동 행렬은 어떤 의도가 어떤 의도로 잘못 분류되는지 보여 줘요(행: 실제 의도, 열: 예측한 의도). 매크로 F1(macro-F1)도
// 직접 계산해서 라이브러리의 보고서와 맞춰 봐요.

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
showConfusionMatrix(report.confusion, labels, { title: localize({ en: `Test confusion matrix (accuracy ${(100 * report.accuracy).toFixed(1)}%)`, ko: `테스트 혼동 행렬(정확도 ${(100 * report.accuracy).toFixed(1)}%)` }) });

// %%
const f1Sorted = [...report.perClass].sort((a, b) => a.f1 - b.f1);
showBarChart({ labels: f1Sorted.map((c) => c.label), values: f1Sorted.map((c) => c.f1), title: localize({ en: "F1 per intent (test)", ko: "의도별 F1(테스트)" }), valueTitle: localize({ en: "F1", ko: "F1" }), horizontal: true, valueFormat: ".2f" });

// %% [markdown]
// ## 7b. Did pretraining help?
//
// One run cannot tell: the accuracy above mixes what pretraining gave with what fine-tuning found. The fair test
// fine-tunes the **same network** twice with the same recipe and data, once from the shipped checkpoint and once from
// random weights, and compares both with a model that knows nothing of BERT: an n-gram logistic regression.
// `npm run bench:finetune` does exactly that, per language, on the full training split and on a few-shot split of 5
// utterances per intent and language, and saves the figures in `bench/results/finetune.json`. This cell draws them.
// **Predict:** where should pretraining help most, with all the training data or with 5 examples per intent?

// %% [markdown] lang=ko
// ## 7b. 사전학습이 도움이 됐을까요?
//
// 실행 한 번으로는 알 수 없어요. 위의 정확도에는 사전학습이 준 것과 미세조정이 찾아낸 것이 섞여 있으니까요. 공정하게
// 시험하려면 **같은 네트워크**를 같은 레시피와 데이터로 두 번, 한 번은 함께 제공되는 체크포인트에서, 한 번은 무작위
// 가중치에서 미세조정하고, 둘 다 BERT를 전혀 모르는 모델인 n-gram 로지스틱 회귀와 비교해야 해요.
// `npm run bench:finetune`이 바로 그 일을 언어별로, 전체 학습 분할과 의도·언어마다 발화 5개씩인 퓨샷(few-shot) 분할에서
// 하고, 결과 수치를 `bench/results/finetune.json`에 저장해요. 이 셀은 그 수치를 그려요.
// **예측해 보세요:** 사전학습은 어디서 가장 도움이 될까요? 학습 데이터를 전부 쓸 때일까요, 의도마다 예제를 5개만 쓸
// 때일까요?

// %%
interface BenchRow { split: string; start: string; test_accuracy_en: number; test_accuracy_ko: number; test_accuracy_en_sd?: number | null; test_accuracy_ko_sd?: number | null }
interface BenchBaseline { test_accuracy_en: number; test_accuracy_ko: number }
// With --seeds N the bench also gives each (split, start)'s mean over its seeds: one few-shot run moves by several points.
interface FinetuneBench { model: string; date: string; seeds?: number; rows: BenchRow[]; means?: BenchRow[]; baselines?: Record<string, { characters: BenchBaseline }> }
// Found from the course folder (data/corpus's grandparent), so the cell works from notebooks/ and notebooks/ko/.
const benchFile = `${builtinCorpusDir()}/../../bench/results/finetune.json`;
if (fs.existsSync(benchFile)) {
  const bench = JSON.parse(fs.readFileSync(benchFile, "utf8")) as FinetuneBench;
  const groups: { split: string; lang: "en" | "ko" }[] = ["full", "few-shot"].flatMap((split) => (["en", "ko"] as const).map((lang) => ({ split, lang })));
  const x = groups.map((g) => `${g.split} · ${g.lang}`);
  const find = (split: string, start: string): BenchRow | undefined => (bench.means ?? bench.rows).find((r) => r.split === split && r.start === start);
  const value = (split: string, lang: "en" | "ko", start: string): number => find(split, start)?.[`test_accuracy_${lang}`] ?? NaN;
  // With several seeds the whiskers are ± one standard deviation: differences inside them are noise.
  const spread = (split: string, lang: "en" | "ko", start: string): number => find(split, start)?.[`test_accuracy_${lang}_sd`] ?? 0;
  const series = [
    { name: localize({ en: "n-gram baseline (characters)", ko: "n-gram 기준 모델(문자 단위)" }), y: groups.map((g) => bench.baselines?.[g.split]?.characters[`test_accuracy_${g.lang}`] ?? NaN), sd: groups.map(() => 0), color: "#9e9e9e" },
    { name: localize({ en: "same BERT from scratch", ko: "같은 BERT, 처음부터 학습" }), y: groups.map((g) => value(g.split, g.lang, "scratch")), sd: groups.map((g) => spread(g.split, g.lang, "scratch")), color: "#e39c37" },
    { name: localize({ en: "shipped checkpoint", ko: "함께 제공되는 체크포인트" }), y: groups.map((g) => value(g.split, g.lang, "pretrained")), sd: groups.map((g) => spread(g.split, g.lang, "pretrained")), color: "#3b6fb6" },
  ];
  const seeds = bench.seeds ?? 1;
  const how = seeds > 1 ? localize({ en: `, mean of ${seeds} seeds ± sd`, ko: `, 시드 ${seeds}개 평균 ± 표준편차` }) : "";
  display({
    data: series.map((s) => ({ type: "bar" as const, name: s.name, x, y: s.y, marker: { color: s.color }, texttemplate: "%{y:.0%}", textposition: "outside" as const, ...(seeds > 1 ? { error_y: { type: "data", array: s.sd, visible: true } } : {}) })),
    layout: { title: { text: localize({ en: `Test accuracy per language (npm run bench:finetune, ${bench.date.slice(0, 10)}${how})`, ko: `언어별 테스트 정확도(npm run bench:finetune, ${bench.date.slice(0, 10)}${how})` }) }, barmode: "group", yaxis: { title: { text: localize({ en: "test accuracy", ko: "테스트 정확도" }) }, tickformat: ".0%", range: [0, 1.05] }, height: 420 },
  });
  // What the question asks: checkpoint minus scratch, in points, per split and language.
  const gain = Object.fromEntries(groups.map((g) => [`${g.split} · ${g.lang}`, +(100 * (value(g.split, g.lang, "pretrained") - value(g.split, g.lang, "scratch"))).toFixed(1)]));
  const pct = (v: number, sd: number | null | undefined): string => `${(100 * v).toFixed(1)}%${sd ? ` ± ${(100 * sd).toFixed(1)}` : ""}`;
  const rows = (bench.means ?? bench.rows).map((r) => `${r.split}/${r.start}: en ${pct(r.test_accuracy_en, r.test_accuracy_en_sd)}, ko ${pct(r.test_accuracy_ko, r.test_accuracy_ko_sd)}`);
  ({ model: bench.model, seeds, pretrainingGainPoints: gain, rows });
} else {
  console.log(`${benchFile} is missing: run \`npm run bench:finetune -- --seeds 3 --json\` in the course folder (about an hour on 2 cores) to make it`);
}

// %% [markdown]
// `pretrainingGainPoints` answers the question. In **English** the shipped checkpoint stands above scratch, and by
// more with 5 examples per intent than with all of them: what BERT's claim predicts. In **Korean** it stands
// *below* scratch, furthest below with 5 examples: this checkpoint's Korean pretraining hurts instead of helping. The
// model card (`models/bertlab-mini/MODEL_CARD.md`) says why and what was tried: its Korean text is mostly movie
// reviews, far from requests, and its first encoder layer throws away what tells one Korean request from another.
// BERT's large gains came from days of pretraining on billions of words; ours had hours on tens of millions of
// characters, on two CPU cores.

// %% [markdown] lang=ko
// `pretrainingGainPoints`가 질문에 대한 답이에요. **영어**에서는 함께 제공되는 체크포인트가 처음부터 학습한(scratch)
// 모델보다 높고, 데이터를 전부 쓸 때보다 의도마다 예제 5개만 쓸 때 더 많이 높아요. BERT의 주장이 예측하는 그대로예요.
// **한국어**에서는 오히려 scratch보다 *낮고*, 예제 5개일 때 가장 많이 낮아요. 이 체크포인트의 한국어 사전학습은 도움이
// 되기는커녕 해가 되고 있어요. 그 이유와 시도해 본 것은 모델 카드(`models/bertlab-mini/MODEL_CARD.md`)에 있어요. 한국어
// 텍스트가 대부분 요청과 거리가 먼 영화 리뷰이고, 첫 번째 인코더 층이 한국어 요청끼리 구별해 주는 정보를 버려요.
// BERT의 큰 향상은 수십억 단어에 대한 며칠간의 사전학습에서 나왔어요. 우리 모델은 CPU 코어 두 개로 수천만 글자에 대해
// 몇 시간 사전학습했을 뿐이에요.

// %% [markdown]
// ## 8. Your own sentences
//
// Type a request in English or Korean into `mine` and run the cell. The bars show the three most likely intents.

// %% [markdown] lang=ko
// ## 8. 직접 만든 문장
//
// `mine`에 영어나 한국어로 요청을 입력하고 셀을 실행해 보세요. 막대는 가장 가능성이 높은 의도 세 개를 보여 줘요.

// %%
const mine = ["wake me up at 6 tomorrow", "이번 달 카드 값 얼마 나왔어?", "what's the weather like in Busan"];
const mineProbs = tf.tidy(() => {
  const mineX = encode(mine);
  return (model.predict([mineX.inputIds, mineX.inputMask, mineX.segmentIds]) as tf.Tensor2D).arraySync();
});
mine.forEach((text, i) => {
  const items = mineProbs[i].map((p, c) => ({ label: labels[c], value: p }));
  showTopK(items, { k: 3, title: localize({ en: text, ko: text }), valueTitle: localize({ en: "probability", ko: "확률" }) });
});

// %% [markdown]
// ## 9. Bonus: "none of the above"
//
// A softmax always picks some intent, even for "sing me a song" when no intent covers it. A simple defence (as in
// CLINC150, Larson et al. 2019) is a threshold on the top probability: below it, answer "out of scope". We choose it
// on the **validation** split, never on test, to a stated target: reject at most **10%** of in-scope validation
// requests, and catch as many out-of-scope ones as that allows. Then we report it on the test split, where the share
// of in-scope requests rejected lands near 10% but not on it (a point or two either side): the threshold was fitted
// to validation, not to test. (A rule that
// instead maximizes in-scope accuracy + out-of-scope recall, on our few out-of-scope examples, ends up rejecting most
// in-scope requests.)

// %% [markdown] lang=ko
// ## 9. 보너스: "해당 없음"
//
// 소프트맥스는 "sing me a song"(노래 불러 줘)처럼 어떤 의도에도 해당하지 않는 요청에도 늘 어떤 의도든 하나를 골라요.
// 간단한 방어책은(CLINC150, Larson et al. 2019처럼) 가장 높은 확률에 임계값을 두는 거예요. 그보다 낮으면 "범위 밖"
// (out of scope)이라고 답해요. 임계값은 테스트 분할이 아니라 반드시 **검증** 분할에서, 미리 밝힌 목표에 맞춰 골라요.
// 범위 안(in-scope) 검증 요청은 최대 **10%**까지만 거부하고, 그 범위에서 범위 밖 요청을 최대한 많이 잡아내는 거예요.
// 그런 다음 테스트 분할에서 결과를 보고해요. 테스트 분할에서 거부되는 범위 안 요청의 비율은 10% 근처이지만 정확히
// 10%는 아니에요(1~2%포인트 위아래). 임계값을 테스트가 아니라 검증 데이터에 맞췄기 때문이에요. (대신 범위 안 정확도 + 범위 밖 재현율을 최대화하는 규칙을 쓰면, 우리가 가진
// 적은 범위 밖 예제로는 결국 범위 안 요청 대부분을 거부하게 돼요.)

// %%
const oos = data.oos ?? [];
const oosVal = oos.filter((e) => e.split === "val");
const oosTest = oos.filter((e) => e.split === "test");
const maxProbOf = (texts: string[]) => (texts.length === 0 ? [] : tf.tidy(() => predictIds(encode(texts)).maxProb));
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

// %% [markdown] lang=ko
// ## 요약
// - 미세조정은 BERT 위에 과제용 층을 얹고 전체를 학습합니다. 여기서는 `pooled_output`에 `dropout(0.2)`, 그다음
//   `dense(numIntents, softmax)`를 두고 `tf.model({ inputs: [inputWordIds, inputMask, segmentIds], outputs })`로 연결했습니다.
// - 학습하지 않은 헤드는 우연 수준(chance)이며, 미세조정이 이를 얼마나 끌어올리는지는 아래에 놓인 인코더에 달려 있습니다.
//   사전학습이 도움이 되었는지는 숫자 하나가 아니라 비교로 판단합니다. 같은 레시피로 처음부터 학습한 같은 네트워크와
//   비교합니다(7b 절).
// - 작고 사전학습을 조금만 한 BERT는 `bertlab finetune`의 레시피로 미세조정하는 편이 낫습니다. 새로 초기화한 위쪽 층,
//   웜업 후 감쇠하는 학습률, 그리고 검증 정확도가 가장 좋은 에포크를 보관하는 방식입니다.
// - 정확도, 의도별 F1, 혼동 행렬은 서로 다른 이야기를 들려줍니다. 셋 다 읽어야 합니다.
// - 검증 데이터로 고른 확률 임계값을 쓰면 분류기가 "범위 밖"이라고 말할 수 있게 됩니다.
//
// **연습 문제:** `exercises/06-intent-classifier.ipynb` — 원래 강의에 표시된 세 단계, 그리고 떼어 둔 데이터로 채점하는
// 학습 문제.
