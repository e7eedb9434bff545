/**
 * BertModel: embeddings -> encoder -> pooler (Devlin et al. 2019), the encoder every lesson builds on.
 *
 * The math lives in one functional forward, `bertModelForward(weights, config, inputs)` in bert.ts,
 * over any weights structure keyed by HF names. BertModel holds those weights as tf.Variables (so tf.train
 * optimizers can train it); BertLayer passes its LayerVariables' values to the same function.
 */
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { loadCheckpoint, LoadedTensor, readCheckpointConfig, saveCheckpoint } from "../checkpoint/hf-checkpoint";
import { FloatDtype } from "../checkpoint/safetensors";
import { resolveHubCheckpoint, HubOptions } from "../hub";
import { bertModelForward, BertModelOutput, ForwardOptions } from "./bert";
import { BertConfig } from "./config";
import { BertInputs, prepareInputs } from "./inputs";
import { bertModelWeightSpecs, initialValue, reinitializeWeights, shapeString, WeightSpec } from "./weights";

export interface BertInitOptions {
  /**
   * Weights to start from, keyed by HF name in the model's layout (as `loadCheckpoint` returns them);
   * any weight not given is freshly initialised.
   */
  weights?: Map<string, LoadedTensor | tf.Tensor>;
  /** Seed for the random initialisation, for reproducible fresh models. */
  seed?: number;
  /** Whether the variables are trainable (default true). */
  trainable?: boolean;
}

export interface FromPretrainedOptions extends HubOptions {
  trainable?: boolean;
}

let modelCounter = 0;

/** Turns a checkpoint directory or a Hub repo id into a local checkpoint directory. */
export async function resolveCheckpointDir(source: string, opts: HubOptions = {}): Promise<string> {
  if (fs.existsSync(source)) {
    if (!fs.statSync(source).isDirectory()) throw new Error(`${source} is a file; fromPretrained expects a checkpoint directory or a Hub repo id`);
    return source;
  }
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(source)) {
    throw new Error(`"${source}" is neither an existing directory nor a Hugging Face Hub repo id (like "google/bert_uncased_L-4_H-256_A-4")`);
  }
  return resolveHubCheckpoint(source, opts);
}

export class BertModel {
  readonly config: BertConfig;
  /**
   * Every weight as a tf.Variable, keyed by its Hugging Face name (without the `bert.` prefix).
   * Linear weights are [in, out], the transpose of the checkpoint's [out, in] (see weights.ts).
   */
  readonly namedWeights: Map<string, tf.Variable>;
  /** HF architecture name written to config.json on save. */
  protected readonly architecture: "BertModel" | "BertForPreTraining" = "BertModel";

  /** The tensors a model of this class holds for `config`. */
  static weightSpecs(config: BertConfig): WeightSpec[] {
    return bertModelWeightSpecs(config);
  }

  /** A model with the given weights, or freshly initialised ones (HF's init: N(0, initializer_range), LayerNorm 1/0). */
  constructor(config: BertConfig, opts: BertInitOptions = {}) {
    this.config = config;
    const id = modelCounter++;
    const specs = (this.constructor as typeof BertModel).weightSpecs(config);
    this.namedWeights = new Map();
    specs.forEach((spec, i) => {
      const given = opts.weights?.get(spec.name);
      if (given && given.shape.join() !== spec.shape.join()) {
        throw new Error(`weight "${spec.name}" has shape ${shapeString(given.shape)} but the config implies ${shapeString(spec.shape)} (model layout)`);
      }
      const value = tf.tidy(() => {
        if (given === undefined) return initialValue(spec, config, opts.seed === undefined ? undefined : opts.seed + i);
        return given instanceof tf.Tensor ? given.clone() : tf.tensor(given.data, given.shape, "float32");
      });
      this.namedWeights.set(spec.name, tf.variable(value, opts.trainable ?? true, `bertlab_${id}/${spec.name}`));
      value.dispose();
    });
  }

  /** All weights, for tf.train optimizers: `optimizer.minimize(loss, false, model.variables)`. */
  get variables(): tf.Variable[] {
    return [...this.namedWeights.values()];
  }

  /** A freshly initialised model, once the backend is ready (the constructor assumes it is). */
  static async create<T extends BertModel>(this: new (config: BertConfig, opts?: BertInitOptions) => T, config: BertConfig, opts: BertInitOptions = {}): Promise<T> {
    await ready();
    return new this(config, opts);
  }

  /** Loads a checkpoint directory in HF layout, or downloads one from the Hub (cached). */
  static async fromPretrained<T extends BertModel>(
    this: { new (config: BertConfig, opts?: BertInitOptions): T; weightSpecs(config: BertConfig): WeightSpec[] },
    source: string,
    opts: FromPretrainedOptions = {},
  ): Promise<T> {
    await ready();
    const dir = await resolveCheckpointDir(source, opts);
    const config = readCheckpointConfig(dir);
    const { tensors } = loadCheckpoint(dir, this.weightSpecs(config));
    return new this(config, { weights: tensors, trainable: opts.trainable });
  }

  /** Runs the model. Outputs are new tensors the caller disposes; nothing else is left behind. */
  forward(inputs: BertInputs, opts: ForwardOptions = {}): BertModelOutput {
    return tf.tidy(() => bertModelForward(this.namedWeights, this.config, prepareInputs(inputs, this.config), opts));
  }

  /**
   * Puts the weights whose names start with one of `prefixes` back to a fresh initialisation (HF's:
   * N(0, initializer_range), LayerNorm 1/0), in place. Fine-tuning on little data often goes better
   * with the pooler and the top encoder layers re-initialised (Zhang et al. 2021, "Revisiting
   * Few-sample BERT Fine-tuning"): they are the most specialised to the pretraining tasks.
   * Returns the names it re-initialised; a prefix that matches nothing is an error.
   */
  reinitialize(prefixes: readonly string[], seed?: number): string[] {
    const specs = (this.constructor as typeof BertModel).weightSpecs(this.config);
    return reinitializeWeights(specs, this.config, prefixes, (name, value) => this.namedWeights.get(name)!.assign(value), seed);
  }

  /** Writes config.json + model.safetensors in Hugging Face layout (loadable by transformers). */
  async save(dir: string, opts: { dtype?: FloatDtype } = {}): Promise<void> {
    await ready();
    const tensors = new Map<string, LoadedTensor>();
    for (const [name, v] of this.namedWeights) tensors.set(name, { shape: v.shape, data: (await v.data()) as Float32Array });
    const specs = (this.constructor as typeof BertModel).weightSpecs(this.config);
    saveCheckpoint(dir, this.config, specs, tensors, { architecture: this.architecture, dtype: opts.dtype });
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.namedWeights.values()) v.dispose();
    this.namedWeights.clear();
  }
}
