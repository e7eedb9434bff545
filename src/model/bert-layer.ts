/**
 * BertKerasLayer: the whole BERT as one tfjs-layers layer, used the way the seed course used TF-Hub's
 * KerasLayer. (Hugging Face's `BertLayer` is one encoder layer, here `encoderLayer`; hence the name.)
 *
 *   const [pooledOutput, sequenceOutput] = bertLayer.apply([inputWordIds, inputMask, segmentIds]);
 *
 * Its weights are LayerVariables (so `model.fit`, `trainable` and `model.save` work as for any
 * Keras layer) named with the Hugging Face names; `call` hands their values to the same
 * `bertModelForward` that BertModel runs, so there is one implementation of the math.
 */
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { loadCheckpoint, LoadedTensor, readCheckpointConfig } from "../checkpoint/hf-checkpoint";
import { bertModelForward } from "./bert";
import { FromPretrainedOptions, resolveCheckpointDir } from "./bert-model";
import { BertConfig, configFromAnyCase, configToJson, validateConfig } from "./config";
import { prepareInputs } from "./inputs";
import { bertModelWeightSpecs, reinitializeWeights, WeightSpec } from "./weights";

export interface BertLayerArgs {
  /** The encoder's config (camelCase BertConfig, or HF config.json keys). */
  bertConfig: BertConfig | Record<string, unknown>;
  /**
   * Weights to start from, keyed by HF name, in the model's layout (Linear weights [in, out], see
   * weights.ts); `loadCheckpoint` returns them so. Not serialized: a saved model carries its own weights.
   */
  initialWeights?: Map<string, LoadedTensor | tf.Tensor>;
  name?: string;
  /** false freezes BERT: only the layers on top train. Default true. */
  trainable?: boolean;
}

function isBertConfig(c: BertConfig | Record<string, unknown>): c is BertConfig {
  return typeof (c as BertConfig).hiddenSize === "number" && typeof (c as BertConfig).vocabSize === "number";
}

function initializerFor(spec: WeightSpec, config: BertConfig): tf.serialization.Serializable {
  switch (spec.init) {
    case "normal":
      return tf.initializers.randomNormal({ mean: 0, stddev: config.initializerRange });
    case "zeros":
      return tf.initializers.zeros();
    case "ones":
      return tf.initializers.ones();
  }
}

export class BertKerasLayer extends tf.layers.Layer {
  static className = "BertKerasLayer";
  readonly bertConfig: BertConfig;
  private pretrainedWeights?: Map<string, LoadedTensor | tf.Tensor>;
  private readonly bertWeights = new Map<string, tf.LayerVariable>();

  constructor(args: BertLayerArgs) {
    super({ name: args.name, trainable: args.trainable ?? true });
    this.bertConfig = isBertConfig(args.bertConfig) ? validateConfig({ ...args.bertConfig }) : configFromAnyCase(args.bertConfig);
    this.pretrainedWeights = args.initialWeights;
  }

  /** A BertKerasLayer holding a checkpoint's encoder weights (a directory in HF layout, or a Hub repo id). */
  static async fromPretrained(source: string, opts: FromPretrainedOptions & { name?: string } = {}): Promise<BertKerasLayer> {
    await ready();
    const dir = await resolveCheckpointDir(source, opts);
    const config = readCheckpointConfig(dir);
    const { tensors } = loadCheckpoint(dir, bertModelWeightSpecs(config));
    return new BertKerasLayer({ bertConfig: config, initialWeights: tensors, trainable: opts.trainable, name: opts.name });
  }

  build(): void {
    const config = this.bertConfig;
    for (const spec of bertModelWeightSpecs(config)) {
      const start = this.pretrainedWeights?.get(spec.name);
      // Pretrained values overwrite the initial ones: skip drawing 100M random numbers for bert-base.
      const initializer = (start ? tf.initializers.zeros() : initializerFor(spec, config)) as Parameters<tf.layers.Layer["addWeight"]>[3];
      const variable = this.addWeight(spec.name, spec.shape, "float32", initializer, undefined, true);
      if (start) {
        tf.tidy(() => {
          variable.write(start instanceof tf.Tensor ? start : tf.tensor(start.data, start.shape, "float32"));
        });
      }
      this.bertWeights.set(spec.name, variable);
    }
    this.pretrainedWeights = undefined; // copied into the variables; let the arrays go
    this.built = true;
  }

  /**
   * One weight by its Hugging Face name (e.g. "pooler.dense.weight"; linear weights are [in, out]), as the variable
   * the layer computes with. Keras gives the variables unique names (a second layer called "bert_layer" gets
   * "bert_layer/pooler.dense.weight_1"), so look weights up here rather than by `layer.weights[i].name`.
   */
  weight(name: string): tf.Tensor {
    if (!this.built) throw new Error("BertKerasLayer.weight: the layer is not built yet; apply it to the inputs (or build a model) first");
    const variable = this.bertWeights.get(name);
    if (!variable) throw new Error(`BertKerasLayer has no weight "${name}"; its weights are ${[...this.bertWeights.keys()].join(", ")}`);
    return variable.read();
  }

  /**
   * Puts the pooler, or any weights whose names start with one of `prefixes`, back to a fresh
   * initialisation, as `BertModel.reinitialize` does (`bertlab finetune` re-initialises the pooler and
   * the top encoder layer: the parts most specialised to MLM/NSP). Call it after the layer is built
   * (after `apply` in a model). Returns the names it re-initialised.
   */
  reinitialize(prefixes: readonly string[], seed?: number): string[] {
    if (!this.built) throw new Error("BertKerasLayer.reinitialize: the layer is not built yet; apply it to the inputs (or build a model) first");
    return reinitializeWeights(bertModelWeightSpecs(this.bertConfig), this.bertConfig, prefixes, (name, value) => this.bertWeights.get(name)!.write(value), seed);
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [batch, seq] = [first[0] ?? null, first[1] ?? null];
    return [
      [batch, this.bertConfig.hiddenSize],
      [batch, seq, this.bertConfig.hiddenSize],
    ];
  }

  /** inputs: [input_word_ids, input_mask, segment_ids]; outputs: [pooled_output, sequence_output]. */
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 3) {
        throw new Error("BertKerasLayer expects three inputs: [input_word_ids, input_mask, segment_ids]");
      }
      const [inputWordIds, inputMask, segmentIds] = inputs;
      const weights = { get: (name: string) => this.bertWeights.get(name)?.read() };
      // No synchronous id check here: Keras calls this for every batch of fit/predict, and a readback per
      // batch stalls the pipeline. Shapes are still checked; BertModel.forward checks the ids too.
      const tensors = prepareInputs({ inputIds: inputWordIds, inputMask, segmentIds }, this.bertConfig, { checkIds: false });
      const out = bertModelForward(weights, this.bertConfig, tensors, { training: kwargs.training === true });
      return [out.pooledOutput, out.sequenceOutput];
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), bertConfig: configToJson(this.bertConfig) as tf.serialization.ConfigDict };
  }
}

tf.serialization.registerClass(BertKerasLayer);

/**
 * The old name of `BertKerasLayer`; models saved under it still load.
 * @deprecated use `BertKerasLayer` (in Hugging Face, `BertLayer` is one encoder layer); kept for one release.
 */
export class BertLayer extends BertKerasLayer {
  static className = "BertLayer";
}
tf.serialization.registerClass(BertLayer);
