/**
 * The defaults of `finetune` and `IntentClassifier`, defined once: the library uses them and
 * `bertlab finetune --help` prints them (this module imports nothing, so `--help` stays fast).
 */
export const FINETUNE_DEFAULTS = {
  /** Maximum epochs; early stopping usually ends sooner. */
  epochs: 30,
  /** Budget in optimizer steps: the schedule spans min(epochs × steps per epoch, maxSteps). */
  maxSteps: 3000,
  batchSize: 32,
  /** Peak learning rate: the shipped checkpoint is only lightly pretrained. */
  learningRate: 5e-4,
  warmupProportion: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
  /** Early-stopping patience, in epochs without a better validation accuracy. */
  patience: 5,
  /** The pooler and this many top encoder layers are re-initialised before fine-tuning. */
  reinitializeTopLayers: 1,
  headLearningRateScale: 1,
  /** Tokens per utterance (capped by the model's position embeddings). */
  maxSeqLength: 64,
  seed: 0,
  /** The out-of-scope threshold rejects at most this share of in-scope validation utterances. */
  oosMaxInScopeRejected: 0.1,
} as const;
