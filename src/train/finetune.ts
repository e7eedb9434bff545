/**
 * Fine-tuning BERT for intent classification (Devlin et al. 2019, §4.1): the whole network
 * (encoder and the new dropout + dense softmax head) is trained end to end with AdamW, warmup
 * and linear decay, evaluating on the validation split after every epoch, stopping early when
 * validation accuracy stops improving, and keeping the best epoch's weights.
 */
import { FINETUNE_DEFAULTS as D } from "./finetune-defaults";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { IntentDataset, IntentExample } from "../data/types";
import { FloatDtype } from "../checkpoint/safetensors";
import { createProgress } from "../progress";
import { AdamW, linearWarmupDecay } from "./adamw";
import { batchToTensors, lengthGroupedBatches, padBatch } from "./collate";
import { EarlyStopping } from "./early-stopping";
import { evaluateIntents, IntentEvaluation } from "./evaluate-intents";
import { IntentClassifier } from "./intent-classifier";
import { chooseOosThreshold } from "./metrics";
import { Random } from "./random";

export interface FinetuneOptions {
  /** Maximum passes over the training split (default 30; early stopping usually ends sooner). */
  epochs?: number;
  /**
   * Budget in optimizer steps (default 3,000): the learning-rate schedule spans
   * min(epochs × steps per epoch, maxSteps), so a large dataset (150 intents × 100 utterances:
   * 470 steps an epoch) stops after about six epochs instead of running 30, and a small one is
   * unaffected. Steps, not seconds, so the result does not depend on the machine.
   */
  maxSteps?: number;
  batchSize?: number;
  /** Peak learning rate (default 5e-4: the shipped checkpoint is only lightly pretrained). */
  learningRate?: number;
  /**
   * Learning rate of the new classifier layer as a multiple of `learningRate` (default 1). A fresh
   * head starts with weights of 0.02; a larger rate lets it grow to useful logits in a few steps
   * instead of hundreds, while the pretrained encoder keeps its small rate.
   */
  headLearningRateScale?: number;
  /**
   * Re-initialise the pooler and this many of the top encoder layers before training (default 1;
   * 0 keeps every pretrained weight). On little data, the layers most specialised to MLM/NSP
   * fine-tune worse than fresh ones (Zhang et al. 2021, "Revisiting Few-sample BERT Fine-tuning"):
   * on the built-in intents the shipped checkpoint gains 4–6 points from it (models/bertlab-mini/MODEL_CARD.md).
   */
  reinitializeTopLayers?: number;
  /** Share of the steps spent warming up (default 0.1). */
  warmupProportion?: number;
  weightDecay?: number;
  maxGradNorm?: number;
  seed?: number;
  /** Epochs without a better validation accuracy before stopping (default 5). */
  patience?: number;
  /**
   * The out-of-scope threshold is chosen on validation data to reject at most this share of in-scope
   * requests (default 0.1); see `chooseOosThreshold`.
   */
  oosMaxInScopeRejected?: number;
  /** Put back the weights of the best validation epoch at the end (default true). */
  restoreBest?: boolean;
  /** Stop after this many seconds (a safety net; breaks reproducibility). */
  maxSeconds?: number;
  /** Save the final classifier (HF layout) here. */
  outDir?: string;
  saveDtype?: FloatDtype;
  /** Show a progress bar (default true). */
  progress?: boolean;
  onStep?: (record: { step: number; loss: number; learningRate: number }) => void;
  onEpoch?: (epoch: FinetuneEpoch) => void;
}

export interface FinetuneEpoch {
  epoch: number;
  step: number;
  trainLoss: number;
  /** Accuracy on the training batches as they were trained (dropout on). */
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

/** Loss and accuracy curves as plain arrays for plotting: per step and per epoch. */
export interface FinetuneCurves {
  step: number[];
  loss: number[];
  learningRate: number[];
  epoch: number[];
  trainLoss: number[];
  trainAccuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
}

export interface FinetuneResult {
  curves: FinetuneCurves;
  epochs: FinetuneEpoch[];
  /** 0-based epoch whose weights the classifier holds at the end. */
  bestEpoch: number;
  stoppedBy: "epochs" | "steps" | "early-stopping" | "time";
  steps: number;
  /** Validation evaluation of the final weights (with the chosen OOS threshold). */
  val: IntentEvaluation;
  /** Test evaluation of the final weights, when the dataset has a test split. */
  test?: IntentEvaluation;
  /** OOS threshold chosen on validation out-of-scope examples (0 when there are none). */
  oosThreshold: number;
  seconds: number;
}

interface EncodedExample {
  inputIds: number[];
  segmentIds: number[];
  label: number;
}

/** Trains `classifier` in place on `dataset`. */
export async function finetune(classifier: IntentClassifier, dataset: IntentDataset, options: FinetuneOptions = {}): Promise<FinetuneResult> {
  await ready();
  if (dataset.train.length === 0) throw new Error("finetune: the training split is empty");
  if (dataset.val.length === 0) throw new Error("finetune: the validation split is empty; early stopping and model selection need one");
  const missing = dataset.labels.filter((l) => !classifier.labels.includes(l));
  if (missing.length > 0) throw new Error(`finetune: the classifier has no class for intent(s) ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}`);

  const epochs = options.epochs ?? D.epochs;
  const batchSize = options.batchSize ?? D.batchSize;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`finetune: epochs must be a positive integer, got ${epochs}`);
  const rng = new Random(options.seed ?? D.seed);
  const batchRng = rng.fork();
  const dropoutRng = rng.fork();
  const labelToId = new Map(classifier.labels.map((l, i) => [l, i]));
  const train: EncodedExample[] = dataset.train.map((e) => ({ ...classifier.encode(e.text), label: labelToId.get(e.intent)! }));
  const trainLengths = train.map((e) => e.inputIds.length);

  const reinitialize = options.reinitializeTopLayers ?? D.reinitializeTopLayers;
  const layers = classifier.bert.config.numHiddenLayers;
  if (!Number.isInteger(reinitialize) || reinitialize < 0 || reinitialize > layers) {
    throw new Error(`finetune: reinitializeTopLayers must be an integer from 0 to the model's ${layers} layers, got ${reinitialize}`);
  }
  if (reinitialize > 0) {
    const top = Array.from({ length: reinitialize }, (_, i) => `encoder.layer.${layers - 1 - i}.`);
    classifier.bert.reinitialize(["pooler.", ...top], options.seed ?? D.seed);
  }

  const headScale = options.headLearningRateScale ?? D.headLearningRateScale;
  const stepsPerEpoch = Math.ceil(train.length / batchSize);
  const maxSteps = options.maxSteps ?? D.maxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new Error(`finetune: maxSteps must be a positive integer, got ${maxSteps}`);
  const totalSteps = Math.min(stepsPerEpoch * epochs, maxSteps);
  const named = classifier.namedWeights;
  const optimizer = new AdamW(
    [...named].map(([name, variable]) => ({ name, variable })),
    {
      learningRate: linearWarmupDecay(options.learningRate ?? D.learningRate, Math.round(totalSteps * (options.warmupProportion ?? D.warmupProportion)), totalSteps),
      weightDecay: options.weightDecay ?? D.weightDecay,
      maxGradNorm: options.maxGradNorm ?? D.maxGradNorm,
      learningRateScale: (name) => (name.startsWith("classifier.") ? headScale : 1),
    },
  );
  const variables = [...named.values()];
  const stopper = new EarlyStopping({ mode: "max", patience: options.patience ?? D.patience });
  const curves: FinetuneCurves = { step: [], loss: [], learningRate: [], epoch: [], trainLoss: [], trainAccuracy: [], valLoss: [], valAccuracy: [] };
  const history: FinetuneEpoch[] = [];
  const progress = createProgress({ label: "finetune", total: totalSteps, unit: "step", mode: options.progress === false ? "silent" : undefined });
  const started = Date.now();
  let best: tf.Tensor[] | undefined;
  let step = 0;
  let stoppedBy: FinetuneResult["stoppedBy"] = "epochs";

  try {
    training: for (let epoch = 0; epoch < epochs; epoch++) {
      let lossSum = 0, correct = 0, seen = 0;
      for (const indices of lengthGroupedBatches(trainLengths, batchSize, batchRng)) {
        const examples = indices.map((i) => train[i]);
        const { loss, correctCount, learningRate } = trainBatch(classifier, optimizer, variables, examples, dropoutRng);
        lossSum += loss * examples.length;
        correct += correctCount;
        seen += examples.length;
        curves.step.push(step);
        curves.loss.push(loss);
        curves.learningRate.push(learningRate);
        options.onStep?.({ step, loss, learningRate });
        step++;
        progress.update(step, { epoch: epoch + 1, loss: loss.toFixed(3), acc: (correct / seen).toFixed(3) });
        if (options.maxSeconds !== undefined && (Date.now() - started) / 1000 > options.maxSeconds) {
          stoppedBy = "time";
          break;
        }
        if (step >= totalSteps) {
          stoppedBy = "steps";
          break;
        }
        if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const val = evaluateIntents(classifier, dataset.val);
      const record: FinetuneEpoch = {
        epoch,
        step,
        trainLoss: lossSum / seen,
        trainAccuracy: correct / seen,
        valLoss: val.loss,
        valAccuracy: val.report.accuracy,
        seconds: (Date.now() - started) / 1000,
      };
      history.push(record);
      curves.epoch.push(epoch);
      curves.trainLoss.push(record.trainLoss);
      curves.trainAccuracy.push(record.trainAccuracy);
      curves.valLoss.push(record.valLoss);
      curves.valAccuracy.push(record.valAccuracy);
      options.onEpoch?.(record);
      if (stopper.observe(record.valAccuracy, epoch) && (options.restoreBest ?? true)) {
        tf.dispose(best ?? []);
        best = variables.map((v) => tf.keep(v.clone()));
      }
      if (stoppedBy === "time" || stoppedBy === "steps") break training;
      if (stopper.shouldStop) {
        stoppedBy = "early-stopping";
        break;
      }
    }
    if (best) variables.forEach((v, i) => v.assign(best![i]));
  } finally {
    optimizer.dispose();
    tf.dispose(best ?? []);
  }
  const seconds = (Date.now() - started) / 1000;
  progress.finish(`best epoch ${stopper.bestEpoch + 1}, val accuracy ${stopper.best.toFixed(4)}`);

  // The OOS threshold is chosen on validation data only, then applied to test.
  const oos = dataset.oos ?? [];
  const valOos = oos.filter((e) => e.split === "val");
  let val = evaluateIntents(classifier, dataset.val, { oos: valOos });
  classifier.oosThreshold = valOos.length > 0 ? chooseOosThreshold(val.inScope, val.oosMaxProbabilities, { maxInScopeRejected: options.oosMaxInScopeRejected ?? D.oosMaxInScopeRejected }) : 0;
  if (valOos.length > 0) val = evaluateIntents(classifier, dataset.val, { oos: valOos });
  const testOos = oos.filter((e) => e.split === "test");
  const test = dataset.test.length > 0 ? evaluateIntents(classifier, dataset.test, { oos: testOos }) : undefined;
  if (options.outDir) await classifier.save(options.outDir, { dtype: options.saveDtype });
  return { curves, epochs: history, bestEpoch: stopper.bestEpoch, stoppedBy, steps: step, val, test, oosThreshold: classifier.oosThreshold, seconds };
}

function trainBatch(
  classifier: IntentClassifier,
  optimizer: AdamW,
  variables: tf.Variable[],
  examples: EncodedExample[],
  dropoutRng: Random,
): { loss: number; correctCount: number; learningRate: number } {
  const inputs = batchToTensors(padBatch(examples));
  const labels = tf.tensor1d(examples.map((e) => e.label), "int32");
  let correct: tf.Scalar | undefined;
  try {
    const { value, grads } = tf.variableGrads(() => {
      const logits = classifier.logits(inputs, { training: dropoutRng.dropoutSeeds() });
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), "int32")) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classifier.labels.length), logits) as tf.Scalar;
    }, variables);
    const { learningRate } = optimizer.step(grads);
    const loss = value.dataSync()[0];
    value.dispose();
    tf.dispose(grads);
    return { loss, correctCount: correct!.dataSync()[0], learningRate };
  } finally {
    tf.dispose([inputs.inputIds, inputs.segmentIds, inputs.inputMask, labels]);
    correct?.dispose();
  }
}

/** Utterances of one language, for per-language reports. */
export function examplesInLang(examples: readonly IntentExample[], lang: string): IntentExample[] {
  return examples.filter((e) => e.lang === lang);
}
