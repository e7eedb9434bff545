/**
 * BERT pretraining: masked language modelling + next sentence prediction (Devlin et al. 2019, §3.1).
 *
 * Each epoch re-pairs the documents into NSP pairs and re-draws the masks (RoBERTa's "dynamic
 * masking"), so a small corpus yields fresh examples every pass. The MLM head runs only on the
 * masked positions, gathered out of the sequence output, as in Google's run_pretraining.py: the
 * vocabulary projection is the most expensive matmul and 85% of its rows would be thrown away.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { BertConfig } from "../model/config";
import { BertForPreTraining } from "../model/bert-for-pretraining";
import { bertModelForward, mlmHead, nspHead, type Training } from "../model/bert";
import { BertWeights } from "../model/weights";
import { FloatDtype } from "../checkpoint/safetensors";
import { createProgress } from "../progress";
import { AdamW, linearWarmupDecay } from "./adamw";
import { batchIndices, batchToTensors, BatchTensors, padBatch, PaddedBatch } from "./collate";
import { EarlyStopping } from "./early-stopping";
import { checkMaskingRates, maskTokens, MaskingOptions, MaskingVocab } from "./masking";
import { buildPairInput, createNspPairs, NspPair, TokenizedDocument } from "./nsp";
import { Random } from "./random";
import { checkFingerprint, loadLatestTrainingCheckpoint, RunFingerprint, saveTrainingCheckpoint, TrainerState } from "./training-state";
import { createHash } from "node:crypto";

/** The token ids pretraining needs besides the masking vocabulary. */
export interface PretrainingVocab extends MaskingVocab {
  clsId: number;
  sepId: number;
  padId: number;
}

export interface PretrainOptions {
  /** Length of [CLS] A [SEP] B [SEP] (default 64: the intent utterances this course targets are short). */
  maxSeqLength?: number;
  batchSize?: number;
  /** Total optimizer steps. Default: `epochs` passes over the pairs. */
  steps?: number;
  /** Passes over the data when `steps` is not given (default 1). */
  epochs?: number;
  /** Peak learning rate (default 5e-4; small BERTs tolerate more than base's 1e-4). */
  learningRate?: number;
  /** Share of the steps spent warming up (default 0.1). */
  warmupProportion?: number;
  weightDecay?: number;
  maxGradNorm?: number;
  seed?: number;
  wholeWordMasking?: boolean;
  /**
   * Apply the config's dropout while pretraining (default true). A short run that underfits learns
   * faster without it (Geiping & Goldstein 2023, "Cramming"); the saved config keeps its dropout
   * rates, so fine-tuning still uses them.
   */
  dropout?: boolean;
  /** Cap on masked positions per sequence (default ceil(maskProbability · maxSeqLength), BERT's 10 at length 64). */
  maxPredictions?: number;
  /**
   * How training batches are masked (default BERT's: 15% of the tokens predicted, 80% of those
   * replaced by [MASK], 10% by a random token, 10% left unchanged). Raising the unchanged share
   * makes the model also predict tokens it can see, so every layer must keep them recoverable.
   * Held-out evaluation always uses BERT's masking, so runs stay comparable.
   */
  masking?: Pick<MaskingOptions, "maskProbability" | "maskTokenRate" | "randomTokenRate">;
  /** Save the model (HF layout) to `<outDir>/snapshots/step-N` every this many steps: the curve of what more steps buy. */
  snapshotEverySteps?: number;
  /** Called after each snapshot is saved (pretrainFromCorpus writes the tokenizer beside it, so it loads on its own). */
  onSnapshot?: (dir: string, step: number) => void;
  /** Share of documents held out to evaluate MLM/NSP after each epoch (default 0.05, at least 2). */
  evalFraction?: number;
  /** Stop when the held-out MLM loss has not improved for this many epochs (default: never). */
  patience?: number;
  /** Stop (and save) once this many seconds have passed; breaks reproducibility, a safety net only. */
  maxSeconds?: number;
  /** Saves the best checkpoint (HF layout) here after each evaluation. */
  outDir?: string;
  saveDtype?: FloatDtype;
  /**
   * Where resumable training checkpoints go (model, optimizer, RNG and data position; see
   * training-state.ts). Default: `<outDir>/checkpoints` when outDir is given, else none.
   */
  checkpointDir?: string;
  /** Write a training checkpoint at least this often (default 600 s), and always when a run segment ends early. */
  checkpointEverySeconds?: number;
  /** Also checkpoint every this many steps (default: only by time). */
  checkpointEverySteps?: number;
  /** Continue from the newest checkpoint in `checkpointDir` (an error if there is none). */
  resume?: boolean;
  /** Evaluate (and save the best model) every this many steps as well as after each epoch (default: after each epoch only). */
  evalEverySteps?: number;
  /** End this run segment after this step (checkpointed), to be resumed later; the schedule still runs to `steps`. */
  stopAtStep?: number;
  /** Called after every step. */
  onStep?: (record: PretrainStepRecord) => void;
  /** Called after every evaluation. */
  onEvaluation?: (evaluation: PretrainEvaluation) => void;
  /** Show a progress bar (default true). */
  progress?: boolean;
}

export interface PretrainStepRecord {
  step: number;
  loss: number;
  mlmLoss: number;
  nspLoss: number;
  learningRate: number;
  gradNorm: number;
  /** Share of masked positions whose top prediction was the original token. */
  mlmAccuracy: number;
  /** Real (non-padding) tokens in the batch. */
  tokens: number;
}

export interface PretrainEvaluation {
  epoch: number;
  step: number;
  mlmLoss: number;
  mlmAccuracy: number;
  nspLoss: number;
  nspAccuracy: number;
}

/** Curves as plain arrays, one entry per step, ready for plotting. */
export interface PretrainCurves {
  step: number[];
  loss: number[];
  mlmLoss: number[];
  nspLoss: number[];
  learningRate: number[];
}

export interface PretrainResult {
  curves: PretrainCurves;
  evaluations: PretrainEvaluation[];
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  stoppedBy: "steps" | "early-stopping" | "time" | "stop-at-step";
  /** Real tokens seen over the whole run, every resumed segment included. */
  tokensSeen: number;
  /** The step this segment started from (0 unless resumed). */
  resumedFromStep: number;
  trainPairs: number;
  evalPairs: number;
}

/** One batch of MLM + NSP inputs and targets. */
export interface PretrainingBatch {
  inputs: PaddedBatch;
  /** Masked positions as indices into the flattened [B·S] sequence. */
  maskedPositions: number[];
  maskedLabels: number[];
  /** 0 when B follows A, 1 when B is random (HF's next_sentence_label). */
  nspLabels: number[];
  tokens: number;
}

export function makePretrainingBatch(
  pairs: readonly NspPair[],
  vocab: PretrainingVocab,
  rng: Random,
  opts: { maxPredictions: number; wholeWordMasking: boolean; masking?: PretrainOptions["masking"] },
): PretrainingBatch {
  const examples = pairs.map((pair) => {
    const { inputIds, segmentIds } = buildPairInput(pair, vocab.clsId, vocab.sepId);
    const masked = maskTokens(inputIds, vocab, rng, { ...opts.masking, maxPredictions: opts.maxPredictions, wholeWord: opts.wholeWordMasking });
    return { inputIds: masked.inputIds, segmentIds, positions: masked.positions, labels: masked.labels };
  });
  const inputs = padBatch(examples, { padId: vocab.padId });
  const maskedPositions: number[] = [];
  const maskedLabels: number[] = [];
  examples.forEach((e, row) => {
    e.positions.forEach((p, k) => {
      maskedPositions.push(row * inputs.seqLength + p);
      maskedLabels.push(e.labels[k]);
    });
  });
  return {
    inputs,
    maskedPositions,
    maskedLabels,
    nspLabels: pairs.map((p) => (p.isRandomNext ? 1 : 0)),
    tokens: examples.reduce((n, e) => n + e.inputIds.length, 0),
  };
}

interface LossTensors {
  mlmLoss: tf.Scalar;
  nspLoss: tf.Scalar;
  mlmLogits: tf.Tensor2D;
  nspLogits: tf.Tensor2D;
}

/** MLM loss over the masked positions plus NSP loss, both mean cross-entropies. Call inside tidy/tape. */
export function pretrainingLosses(
  w: BertWeights,
  config: BertConfig,
  inputs: BatchTensors,
  maskedPositions: tf.Tensor1D,
  maskedLabels: tf.Tensor1D,
  nspLabels: tf.Tensor1D,
  { training }: { training: Training },
): LossTensors {
  const out = bertModelForward(w, config, inputs, { training });
  const hidden = config.hiddenSize;
  const gathered = tf.gather(tf.reshape(out.sequenceOutput, [-1, hidden]), maskedPositions); // [N, H]
  const mlmLogits = tf.reshape(mlmHead(w, config, tf.expandDims(gathered, 0) as tf.Tensor3D), [-1, config.vocabSize]) as tf.Tensor2D;
  const nspLogits = nspHead(w, out.pooledOutput);
  const mlmLoss = tf.losses.softmaxCrossEntropy(tf.oneHot(maskedLabels, config.vocabSize), mlmLogits) as tf.Scalar;
  const nspLoss = tf.losses.softmaxCrossEntropy(tf.oneHot(nspLabels, 2), nspLogits) as tf.Scalar;
  return { mlmLoss, nspLoss, mlmLogits, nspLogits };
}

function batchTargets(batch: PretrainingBatch): { positions: tf.Tensor1D; labels: tf.Tensor1D; nsp: tf.Tensor1D } {
  return {
    positions: tf.tensor1d(batch.maskedPositions, "int32"),
    labels: tf.tensor1d(batch.maskedLabels, "int32"),
    nsp: tf.tensor1d(batch.nspLabels, "int32"),
  };
}

/** Held-out MLM loss/accuracy and NSP loss/accuracy, with masks fixed by `seed`. */
export function evaluatePretraining(
  model: BertForPreTraining,
  pairs: readonly NspPair[],
  vocab: PretrainingVocab,
  opts: { batchSize?: number; maxPredictions: number; wholeWordMasking?: boolean; seed?: number },
): Omit<PretrainEvaluation, "epoch" | "step"> {
  if (pairs.length === 0) throw new Error("evaluatePretraining: no evaluation pairs");
  const rng = new Random(opts.seed ?? 12345);
  let mlmLossSum = 0, mlmCorrect = 0, mlmCount = 0, nspLossSum = 0, nspCorrect = 0;
  for (const indices of batchIndices(pairs.length, opts.batchSize ?? 32)) {
    const batch = makePretrainingBatch(indices.map((i) => pairs[i]), vocab, rng, { maxPredictions: opts.maxPredictions, wholeWordMasking: opts.wholeWordMasking ?? false });
    const results = tf.tidy(() => {
      const inputs = batchToTensors(batch.inputs);
      const t = batchTargets(batch);
      const l = pretrainingLosses(model.namedWeights, model.config, inputs, t.positions, t.labels, t.nsp, { training: false });
      return [l.mlmLoss, l.nspLoss, tf.argMax(l.mlmLogits, -1), tf.argMax(l.nspLogits, -1)];
    });
    const [mlmLoss, nspLoss] = [results[0].dataSync()[0], results[1].dataSync()[0]];
    const [mlmPred, nspPred] = [results[2].dataSync(), results[3].dataSync()];
    tf.dispose(results);
    mlmLossSum += mlmLoss * batch.maskedLabels.length;
    mlmCount += batch.maskedLabels.length;
    batch.maskedLabels.forEach((label, i) => (mlmCorrect += mlmPred[i] === label ? 1 : 0));
    nspLossSum += nspLoss * batch.nspLabels.length;
    batch.nspLabels.forEach((label, i) => (nspCorrect += nspPred[i] === label ? 1 : 0));
  }
  return { mlmLoss: mlmLossSum / mlmCount, mlmAccuracy: mlmCorrect / mlmCount, nspLoss: nspLossSum / pairs.length, nspAccuracy: nspCorrect / pairs.length };
}

/** Trains `model` in place with MLM + NSP on tokenized documents. */
export async function pretrain(model: BertForPreTraining, documents: readonly TokenizedDocument[], vocab: PretrainingVocab, options: PretrainOptions = {}): Promise<PretrainResult> {
  await ready();
  const config = model.config;
  const maxSeqLength = options.maxSeqLength ?? Math.min(64, config.maxPositionEmbeddings);
  if (maxSeqLength > config.maxPositionEmbeddings) {
    throw new Error(`pretrain: maxSeqLength ${maxSeqLength} exceeds the model's max_position_embeddings ${config.maxPositionEmbeddings}`);
  }
  if (vocab.vocabSize !== config.vocabSize) {
    throw new Error(`pretrain: the tokenizer has ${vocab.vocabSize} tokens but the model's vocab_size is ${config.vocabSize}`);
  }
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  const masking = options.masking ?? {};
  const maxPredictions = options.maxPredictions ?? Math.ceil((masking.maskProbability ?? 0.15) * maxSeqLength);
  const wholeWordMasking = options.wholeWordMasking ?? false;
  // Fail before any work on rates maskTokens would refuse at the first batch.
  checkMaskingRates(masking);
  if (options.snapshotEverySteps !== undefined && !(Number.isInteger(options.snapshotEverySteps) && options.snapshotEverySteps > 0 && options.outDir)) {
    throw new Error(`pretrain: snapshotEverySteps must be a positive integer and needs outDir, got ${options.snapshotEverySteps}${options.outDir ? "" : " without outDir"}`);
  }
  const rng = new Random(seed);

  // Hold out whole documents, so evaluation pairs never share text with training pairs.
  const docOrder = rng.shuffle(documents.map((_, i) => i));
  const evalCount = Math.max(2, Math.round(documents.length * (options.evalFraction ?? 0.05)));
  if (documents.length < evalCount + 2) throw new Error(`pretrain: need at least ${evalCount + 2} documents (2 held out for evaluation), got ${documents.length}`);
  const evalDocs = docOrder.slice(0, evalCount).map((i) => documents[i]);
  const trainDocs = docOrder.slice(evalCount).map((i) => documents[i]);
  const evalPairs = createNspPairs(evalDocs, new Random(seed + 1), { maxSeqLength });
  const pairRng = rng.fork();
  const maskRng = rng.fork();
  const batchRng = rng.fork();
  const dropoutRng = rng.fork();

  const pairStateBeforeFirstEpoch = pairRng.state();
  let pairs = createNspPairs(trainDocs, pairRng, { maxSeqLength });
  if (pairs.length < batchSize) throw new Error(`pretrain: the corpus yields only ${pairs.length} training pairs, fewer than one batch of ${batchSize}`);
  const stepsPerEpoch = Math.floor(pairs.length / batchSize);
  const totalSteps = options.steps ?? stepsPerEpoch * (options.epochs ?? 1);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`pretrain: steps must be a positive integer, got ${totalSteps}`);
  const warmupSteps = Math.round(totalSteps * (options.warmupProportion ?? 0.1));
  const optimizer = new AdamW(
    [...model.namedWeights].map(([name, variable]) => ({ name, variable })),
    {
      learningRate: linearWarmupDecay(options.learningRate ?? 5e-4, warmupSteps, totalSteps),
      weightDecay: options.weightDecay ?? 0.01,
      maxGradNorm: options.maxGradNorm ?? 1.0,
    },
  );

  const learningRate = options.learningRate ?? 5e-4;
  const useDropout = options.dropout ?? true;
  const fingerprint: RunFingerprint = {
    config: JSON.stringify(config),
    vocabSize: vocab.vocabSize,
    documents: documentsDigest(documents),
    maxSeqLength,
    batchSize,
    seed,
    steps: totalSteps,
    warmupSteps,
    learningRate,
    weightDecay: options.weightDecay ?? 0.01,
    maxGradNorm: options.maxGradNorm ?? 1.0,
    maxPredictions,
    wholeWordMasking,
    // Only when set, so checkpoints of runs with BERT's masking still resume.
    ...(options.masking ? { masking: JSON.stringify(masking) } : {}),
    dropout: useDropout,
    evalFraction: options.evalFraction ?? 0.05,
  };
  const checkpointDir = options.checkpointDir ?? (options.outDir ? path.join(options.outDir, "checkpoints") : undefined);

  let curves: PretrainCurves = { step: [], loss: [], mlmLoss: [], nspLoss: [], learningRate: [] };
  let evaluations: PretrainEvaluation[] = [];
  const stopper = new EarlyStopping({ mode: "min", patience: options.patience ?? Number.MAX_SAFE_INTEGER });
  let tokens = 0;
  let step = 0;
  let epoch = 0;
  let skipBatches = 0;
  let secondsBefore = 0;
  // Epoch 0's pairs were drawn above; the generator's state before that draw is the epoch's start.
  let pairsAtEpochStart = pairStateBeforeFirstEpoch;
  let batchesAtEpochStart = batchRng.state();

  if (options.resume) {
    if (!checkpointDir) throw new Error("pretrain: resume needs checkpointDir (or outDir)");
    const saved = loadLatestTrainingCheckpoint(checkpointDir);
    if (!saved) throw new Error(`pretrain: nothing to resume: ${checkpointDir} holds no training checkpoint`);
    checkFingerprint(saved.state.fingerprint, fingerprint, saved.dir);
    for (const [name, variable] of model.namedWeights) {
      const w = saved.weights.get(name);
      if (!w || !tf.util.arraysEqual(w.shape, variable.shape)) throw new Error(`pretrain: ${saved.dir} has no weight "${name}" of shape [${variable.shape}]`);
      tf.tidy(() => variable.assign(tf.tensor(w.data, w.shape, "float32")));
    }
    optimizer.importState(saved.optimizer);
    const st = saved.state;
    step = st.step;
    epoch = st.epoch;
    skipBatches = st.batchInEpoch;
    tokens = st.tokens;
    secondsBefore = st.seconds;
    const history = st.history as { curves: PretrainCurves; evaluations: PretrainEvaluation[] };
    curves = history.curves;
    evaluations = history.evaluations;
    for (const e of evaluations) stopper.observe(e.mlmLoss, e.epoch);
    pairRng.setState(st.rng.pairsAtEpochStart);
    batchRng.setState(st.rng.batchesAtEpochStart);
    maskRng.setState(st.rng.masks);
    dropoutRng.setState(st.rng.dropout);
    pairsAtEpochStart = st.rng.pairsAtEpochStart;
    batchesAtEpochStart = st.rng.batchesAtEpochStart;
    pairs = createNspPairs(trainDocs, pairRng, { maxSeqLength });
  }
  const resumedFromStep = step;
  const progress = createProgress({ label: "pretrain", total: totalSteps, unit: "step", mode: options.progress === false ? "silent" : undefined });
  const started = Date.now();
  const tokensAtStart = tokens;
  let lastCheckpoint = Date.now();
  let stoppedBy: PretrainResult["stoppedBy"] = "steps";
  let batchInEpoch = skipBatches;
  const elapsed = (): number => secondsBefore + (Date.now() - started) / 1000;

  const checkpoint = async (): Promise<void> => {
    if (!checkpointDir) return;
    const state: TrainerState = {
      format: 1,
      fingerprint,
      step,
      epoch,
      batchInEpoch,
      tokens,
      seconds: elapsed(),
      rng: { pairsAtEpochStart, batchesAtEpochStart, masks: maskRng.state(), dropout: dropoutRng.state() },
      history: { curves, evaluations },
    };
    await saveTrainingCheckpoint(checkpointDir, state, model.namedWeights, optimizer);
    lastCheckpoint = Date.now();
  };

  const evaluate = async (): Promise<void> => {
    const e = { epoch, step, ...evaluatePretraining(model, evalPairs, vocab, { batchSize, maxPredictions, wholeWordMasking, seed: seed + 2 }) };
    evaluations.push(e);
    options.onEvaluation?.(e);
    const improved = stopper.observe(e.mlmLoss, epoch);
    if (improved && options.outDir) await model.save(options.outDir, { dtype: options.saveDtype });
  };

  try {
    training: while (step < totalSteps) {
      if (skipBatches === 0) {
        if (epoch > 0) {
          pairsAtEpochStart = pairRng.state();
          pairs = createNspPairs(trainDocs, pairRng, { maxSeqLength });
        }
        batchesAtEpochStart = batchRng.state();
      }
      const batches = batchIndices(pairs.length, batchSize, batchRng, true);
      for (batchInEpoch = skipBatches; batchInEpoch < batches.length; ) {
        const indices = batches[batchInEpoch];
        const batch = makePretrainingBatch(indices.map((i) => pairs[i]), vocab, maskRng, { maxPredictions, wholeWordMasking, masking });
        const record = trainStep(model, optimizer, batch, dropoutRng, step, useDropout);
        tokens += batch.tokens;
        step++;
        batchInEpoch++;
        curves.step.push(record.step);
        curves.loss.push(record.loss);
        curves.mlmLoss.push(record.mlmLoss);
        curves.nspLoss.push(record.nspLoss);
        curves.learningRate.push(record.learningRate);
        options.onStep?.(record);
        const seconds = (Date.now() - started) / 1000;
        progress.update(step, {
          loss: record.loss.toFixed(3),
          mlm: record.mlmLoss.toFixed(3),
          "mlm acc": `${(100 * record.mlmAccuracy).toFixed(1)}%`,
          nsp: record.nspLoss.toFixed(3),
          "tok/s": Math.round((tokens - tokensAtStart) / seconds),
        });
        if (options.snapshotEverySteps && step % options.snapshotEverySteps === 0) {
          const dir = path.join(options.outDir!, "snapshots", `step-${step}`);
          await model.save(dir, { dtype: options.saveDtype });
          // What the curve of fine-tuning against pretraining needs: how far this run had come.
          fs.writeFileSync(path.join(dir, "snapshot.json"), JSON.stringify({ step, tokens_seen: tokens, seconds: Math.round(elapsed()) }) + "\n");
          options.onSnapshot?.(dir, step);
        }
        if (step >= totalSteps) break training;
        if (options.evalEverySteps && step % options.evalEverySteps === 0) await evaluate();
        if (options.stopAtStep !== undefined && step >= options.stopAtStep) {
          stoppedBy = "stop-at-step";
          break training;
        }
        if (options.maxSeconds !== undefined && seconds > options.maxSeconds) {
          stoppedBy = "time";
          break training;
        }
        const dueByTime = (Date.now() - lastCheckpoint) / 1000 >= (options.checkpointEverySeconds ?? 600);
        const dueBySteps = options.checkpointEverySteps !== undefined && step % options.checkpointEverySteps === 0;
        if (dueByTime || dueBySteps) await checkpoint();
        // Yield so a notebook stays responsive and progress output flushes.
        if (step % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      skipBatches = 0;
      batchInEpoch = 0;
      await evaluate();
      epoch++;
      if (stopper.shouldStop) {
        stoppedBy = "early-stopping";
        break;
      }
    }
    if (stoppedBy === "steps" || stoppedBy === "early-stopping") {
      if (evaluations.length === 0 || evaluations[evaluations.length - 1].step !== step) await evaluate();
    } else if (options.outDir && !fs.existsSync(path.join(options.outDir, "config.json"))) {
      await model.save(options.outDir, { dtype: options.saveDtype });
    }
    // The end of every segment is a checkpoint, so `resume` continues exactly here.
    await checkpoint();
  } finally {
    optimizer.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  progress.finish(`${step} steps in ${seconds.toFixed(0)} s`);
  if (options.outDir && !fs.existsSync(path.join(options.outDir, "config.json"))) await model.save(options.outDir, { dtype: options.saveDtype });
  return {
    curves,
    evaluations,
    steps: step,
    seconds,
    tokensPerSecond: (tokens - tokensAtStart) / seconds,
    stoppedBy,
    trainPairs: pairs.length,
    evalPairs: evalPairs.length,
    tokensSeen: tokens,
    resumedFromStep,
  };
}

/** A digest of the tokenized training text, so a resumed run can check it sees the same data. */
function documentsDigest(documents: readonly TokenizedDocument[]): string {
  const hash = createHash("sha256");
  for (const doc of documents) {
    for (const sentence of doc) {
      hash.update(Int32Array.from(sentence));
      hash.update("|");
    }
    hash.update("#");
  }
  return hash.digest("hex").slice(0, 16);
}

/** One optimizer step; dropout masks (unless `dropout` is false) come from `dropoutRng` so runs repeat exactly. */
export function trainStep(model: BertForPreTraining, optimizer: AdamW, batch: PretrainingBatch, dropoutRng: Random, step: number, dropout = true): PretrainStepRecord {
  const inputs = batchToTensors(batch.inputs);
  const t = batchTargets(batch);
  let mlm: tf.Scalar | undefined;
  let nsp: tf.Scalar | undefined;
  let predictions: tf.Tensor | undefined;
  try {
    const training = dropout ? dropoutRng.dropoutSeeds() : false;
    const { value, grads } = tf.variableGrads(() => {
      const l = pretrainingLosses(model.namedWeights, model.config, inputs, t.positions, t.labels, t.nsp, { training });
      mlm = tf.keep(l.mlmLoss);
      nsp = tf.keep(l.nspLoss);
      predictions = tf.keep(tf.argMax(l.mlmLogits, -1));
      return tf.add(l.mlmLoss, l.nspLoss) as tf.Scalar;
    }, model.variables);
    const { learningRate, gradNorm } = optimizer.step(grads);
    const loss = value.dataSync()[0];
    value.dispose();
    tf.dispose(grads);
    const predicted = predictions!.dataSync();
    let correct = 0;
    batch.maskedLabels.forEach((label, i) => (correct += predicted[i] === label ? 1 : 0));
    const mlmAccuracy = batch.maskedLabels.length > 0 ? correct / batch.maskedLabels.length : 0;
    return { step, loss, mlmLoss: mlm!.dataSync()[0], nspLoss: nsp!.dataSync()[0], learningRate, gradNorm, mlmAccuracy, tokens: batch.tokens };
  } finally {
    tf.dispose([inputs.inputIds, inputs.segmentIds, inputs.inputMask, t.positions, t.labels, t.nsp]);
    if (mlm) mlm.dispose();
    if (nsp) nsp.dispose();
    if (predictions) predictions.dispose();
  }
}
