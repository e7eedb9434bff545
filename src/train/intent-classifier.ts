/**
 * The intent classifier of the seed course: BERT's pooled output ([CLS] through dense + tanh),
 * dropout 0.2, then a dense softmax layer over the intent classes. Saved as Hugging Face's
 * BertForSequenceClassification (`bert.*` + `classifier.weight/bias`, id2label in config.json),
 * so the same directory loads in `transformers`.
 */
import { FINETUNE_DEFAULTS } from "./finetune-defaults";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../backend";
import { CheckpointWeights, CONFIG_FILE, readCheckpointConfig, WEIGHTS_FILE } from "../checkpoint/hf-checkpoint";
import { FloatDtype, SafetensorsTensor, writeSafetensors } from "../checkpoint/safetensors";
import { configToJson } from "../model/config";
import { bertModelForward, linear, type Training } from "../model/bert";
import { BertModel, resolveCheckpointDir } from "../model/bert-model";
import type { HubOptions } from "../hub";
import { BertTensors } from "../model/inputs";
import { transpose2d, WeightSpec } from "../model/weights";
import { BertTokenizer } from "../tokenization/bert-tokenizer";
import { batchToTensors, padBatch } from "./collate";
import { Random } from "./random";
import { saveTokenizerFiles } from "./tokenizer-files";

export interface IntentClassifierOptions {
  /** Dropout on the pooled output while training (default 0.2, the seed's head). */
  dropout?: number;
  /** Seed of the classifier layer's initial weights. */
  seed?: number;
  /** Inputs are truncated to this many tokens, [CLS] and [SEP] included (default 64). */
  maxSeqLength?: number;
}

export interface IntentPrediction {
  text: string;
  /** Top intents, most probable first. */
  intents: Array<{ intent: string; probability: number }>;
  /** True when the top probability is below the out-of-scope threshold. */
  outOfScope: boolean;
}

export class IntentClassifier {
  readonly bert: BertModel;
  readonly tokenizer: BertTokenizer;
  readonly labels: string[];
  readonly dropout: number;
  readonly maxSeqLength: number;
  /** [hidden, numLabels]: the model's [in, out] Linear layout (see model/weights.ts); saved as HF's [out, in]. */
  readonly classifierWeight: tf.Variable;
  readonly classifierBias: tf.Variable;
  /** Predictions whose top probability is below this are out of scope (0: never). */
  oosThreshold = 0;

  constructor(bert: BertModel, tokenizer: BertTokenizer, labels: readonly string[], options: IntentClassifierOptions = {}, weights?: { weight: tf.Tensor; bias: tf.Tensor }) {
    if (labels.length < 2) throw new Error(`IntentClassifier: need at least 2 intents, got ${labels.length}`);
    if (new Set(labels).size !== labels.length) throw new Error("IntentClassifier: the label list has duplicates");
    if (tokenizer.vocabSize > bert.config.vocabSize) {
      throw new Error(`IntentClassifier: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${bert.config.vocabSize}`);
    }
    this.bert = bert;
    this.tokenizer = tokenizer;
    this.labels = [...labels];
    this.dropout = options.dropout ?? 0.2;
    this.maxSeqLength = Math.min(options.maxSeqLength ?? FINETUNE_DEFAULTS.maxSeqLength, bert.config.maxPositionEmbeddings);
    const hidden = bert.config.hiddenSize;
    const shape: [number, number] = [hidden, labels.length];
    if (weights && !tf.util.arraysEqual(weights.weight.shape, shape)) {
      throw new Error(`IntentClassifier: the classifier weight has shape [${weights.weight.shape}] but hidden ${hidden} × ${labels.length} labels need [${shape}]`);
    }
    const rng = new Random(options.seed ?? 0);
    // HF's init for a fresh head: N(0, initializer_range) weights, zero bias.
    const initial = weights?.weight ?? tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal() * bert.config.initializerRange), shape);
    const id = uid();
    this.classifierWeight = tf.variable(initial, true, `bertlab_intent_${id}/classifier.weight`);
    this.classifierBias = tf.variable(weights?.bias ?? tf.zeros([labels.length]), true, `bertlab_intent_${id}/classifier.bias`);
    if (!weights) initial.dispose();
  }

  /** Every trainable weight under its BertForSequenceClassification name. */
  get namedWeights(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, v] of this.bert.namedWeights) out.set(`bert.${name}`, v);
    out.set("classifier.weight", this.classifierWeight);
    out.set("classifier.bias", this.classifierBias);
    return out;
  }

  /**
   * Class scores before the softmax: [B, numLabels]. Call inside tidy or a gradient tape. `training` turns on
   * dropout (BERT's and the head's): `true`, or seeds (`rng.dropoutSeeds()`) for masks that repeat exactly.
   */
  logits(inputs: BertTensors, options: { training?: Training } = {}): tf.Tensor2D {
    const training = options.training ?? false;
    const { pooledOutput } = bertModelForward(this.bert.namedWeights, this.bert.config, inputs, { training });
    const headSeed = typeof training === "object" ? training.nextSeed() : undefined;
    const dropped = training !== false && this.dropout > 0 ? tf.dropout(pooledOutput, this.dropout, undefined, headSeed) : pooledOutput;
    return linear(dropped, this.classifierWeight, this.classifierBias) as tf.Tensor2D;
  }

  /** Token ids of one utterance, truncated to maxSeqLength. */
  encode(text: string): { inputIds: number[]; segmentIds: number[] } {
    const e = this.tokenizer.encode(text, null, { maxLength: this.maxSeqLength, truncation: "longest_first" });
    return { inputIds: e.inputIds, segmentIds: e.segmentIds };
  }

  /** Softmax probabilities, one row per text. */
  predictProbabilities(texts: readonly string[], batchSize = 64): number[][] {
    const encoded = texts.map((t) => this.encode(t));
    // Batches of similar lengths pad less; rows go back to the input order.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].inputIds.length - encoded[b].inputIds.length);
    const rows: number[][] = new Array(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const ids = order.slice(start, start + batchSize);
      const batch = padBatch(ids.map((i) => encoded[i]));
      const probs = tf.tidy(() => {
        const inputs = batchToTensors(batch);
        return tf.softmax(this.logits(inputs));
      });
      const data = probs.dataSync();
      probs.dispose();
      ids.forEach((id, k) => (rows[id] = Array.from(data.subarray(k * this.labels.length, (k + 1) * this.labels.length))));
    }
    return rows;
  }

  /** The top-k intents of each text, with probabilities. */
  predict(texts: readonly string[], topK = 3): IntentPrediction[] {
    return this.predictProbabilities(texts).map((p, i) => {
      const order = p.map((prob, id) => ({ intent: this.labels[id], probability: prob })).sort((a, b) => b.probability - a.probability);
      return { text: texts[i], intents: order.slice(0, Math.max(1, topK)), outOfScope: order[0].probability < this.oosThreshold };
    });
  }

  /** Writes config.json, model.safetensors and the tokenizer files (HF BertForSequenceClassification layout). */
  async save(dir: string, opts: { dtype?: FloatDtype } = {}): Promise<void> {
    await ready();
    fs.mkdirSync(dir, { recursive: true });
    const tensors: SafetensorsTensor[] = [];
    const specs: WeightSpec[] = [...BertModel.weightSpecs(this.bert.config).map((s) => ({ ...s, name: `bert.${s.name}` })), ...this.headSpecs()];
    const named = this.namedWeights;
    for (const spec of specs) {
      const data = (await named.get(spec.name)!.data()) as Float32Array;
      tensors.push({ name: spec.name, shape: spec.checkpointShape, data: spec.transposed ? transpose2d(data, spec.shape[0], spec.shape[1]) : data, dtype: opts.dtype });
    }
    const config = {
      ...configToJson(this.bert.config, "BertForSequenceClassification"),
      id2label: Object.fromEntries(this.labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(this.labels.map((l, i) => [l, i])),
      classifier_dropout: this.dropout,
      problem_type: "single_label_classification",
      // bertlab's own settings; transformers ignores unknown keys.
      bertlab: { oos_threshold: this.oosThreshold, max_seq_length: this.maxSeqLength },
    };
    fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + "\n");
    writeSafetensors(path.join(dir, WEIGHTS_FILE), tensors, { format: "pt" });
    saveTokenizerFiles(dir, this.tokenizer, this.bert.config.maxPositionEmbeddings);
  }

  /**
   * The one loader, as transformers.js spells it. From a fine-tuned classifier (a folder or Hub id whose
   * config.json has id2label, as `save` writes it): that classifier. With `labels`: a pretrained BERT and
   * its tokenizer with a fresh classification head over those labels, ready for `finetune`.
   */
  static async fromPretrained(dirOrHubId: string, options: IntentClassifierOptions & HubOptions & { labels?: readonly string[] } = {}): Promise<IntentClassifier> {
    const dir = await resolveCheckpointDir(dirOrHubId, options);
    if (options.labels === undefined) return IntentClassifier.load(dir);
    const { labels, ...rest } = options;
    const bert = await BertModel.fromPretrained(dir);
    const tokenizer = await BertTokenizer.fromPretrained(dir);
    return new IntentClassifier(bert, tokenizer, labels, rest);
  }

  /**
   * The same network as a pretrained checkpoint (its config and tokenizer) with fresh weights drawn with
   * `seed` (BERT's N(0, 0.02)): the baseline that shows what pretraining buys, fine-tuned with the same
   * recipe.
   */
  static async fromScratch(dirOrHubId: string, options: IntentClassifierOptions & HubOptions & { labels: readonly string[] }): Promise<IntentClassifier> {
    await ready();
    const dir = await resolveCheckpointDir(dirOrHubId, options);
    const { labels, ...rest } = options;
    const bert = new BertModel(readCheckpointConfig(dir), { seed: options.seed ?? FINETUNE_DEFAULTS.seed });
    const tokenizer = await BertTokenizer.fromPretrained(dir);
    return new IntentClassifier(bert, tokenizer, labels, rest);
  }

  /**
   * Loads what `save` wrote (or any HF BertForSequenceClassification checkpoint with a BERT tokenizer).
   * @deprecated use `IntentClassifier.fromPretrained(dir)`; kept for one release.
   */
  static async load(dir: string): Promise<IntentClassifier> {
    await ready();
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`IntentClassifier.load: ${dir} is not a directory`);
    const configPath = path.join(dir, CONFIG_FILE);
    const raw = JSON.parse(fs.readFileSync(configPath, "utf8")) as { id2label?: Record<string, string>; classifier_dropout?: number | null; bertlab?: { oos_threshold?: number; max_seq_length?: number } };
    if (!raw.id2label || Object.keys(raw.id2label).length === 0) {
      throw new Error(`${configPath} has no id2label: not a sequence classification checkpoint (fine-tune one with \`bertlab finetune\`)`);
    }
    const labels = Object.keys(raw.id2label)
      .map(Number)
      .sort((a, b) => a - b)
      .map((id, i) => {
        if (id !== i) throw new Error(`${configPath}: id2label ids must be 0..${Object.keys(raw.id2label!).length - 1}, found ${id}`);
        return raw.id2label![String(id)];
      });
    const config = readCheckpointConfig(dir);
    const bert = await BertModel.fromPretrained(dir);
    const weights = CheckpointWeights.open(dir);
    let head: { weight: tf.Tensor; bias: tf.Tensor };
    try {
      const [weightSpec, biasSpec] = headSpecs(config.hiddenSize, labels.length);
      const w = weights.read(weightSpec);
      const b = weights.read(biasSpec);
      head = { weight: tf.tensor(w.data, w.shape), bias: tf.tensor(b.data, b.shape) };
    } finally {
      weights.close();
    }
    const tokenizer = await BertTokenizer.fromPretrained(dir);
    const classifier = new IntentClassifier(bert, tokenizer, labels, { dropout: raw.classifier_dropout ?? 0.2, maxSeqLength: raw.bertlab?.max_seq_length }, head);
    tf.dispose([head.weight, head.bias]);
    classifier.oosThreshold = raw.bertlab?.oos_threshold ?? 0;
    return classifier;
  }

  private headSpecs(): WeightSpec[] {
    return headSpecs(this.bert.config.hiddenSize, this.labels.length);
  }

  dispose(): void {
    this.bert.dispose();
    this.classifierWeight.dispose();
    this.classifierBias.dispose();
  }
}

function headSpecs(hidden: number, numLabels: number): WeightSpec[] {
  return [
    { name: "classifier.weight", shape: [hidden, numLabels], checkpointShape: [numLabels, hidden], transposed: true, init: "normal" },
    { name: "classifier.bias", shape: [numLabels], checkpointShape: [numLabels], transposed: false, init: "zeros" },
  ];
}

let counter = 0;
function uid(): number {
  return counter++;
}
