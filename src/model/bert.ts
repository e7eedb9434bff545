/**
 * BERT's forward pass in one file, to read top to bottom (Devlin et al. 2019, "BERT: Pre-training of
 * Deep Bidirectional Transformers for Language Understanding"), in the spirit of minGPT/nanoGPT and
 * named after Hugging Face's modeling_bert.py. Every function is pure math over a weights structure
 * keyed by HF names (`BertWeights`, see weights.ts), with no bookkeeping: callers run it inside
 * tf.tidy (or a gradient tape).
 *
 *   1. Building blocks   linear, layerNorm, gelu / geluTanh / activation, dropout
 *   2. Embeddings        embeddings
 *   3. Attention         scaledDotProductAttention, additiveAttentionMask, multiHeadSelfAttention
 *   4. Feed-forward      feedForward
 *   5. Layer             encoderLayer
 *   6. Encoder           encoder
 *   7. Pooler            pooler
 *   8. Heads             mlmHead (masked LM), nspHead (next sentence prediction)
 *   9. Whole model       bertModelForward, bertForPreTrainingForward
 *
 * Beside this file: the classes that hold the weights and call these functions (BertModel in
 * bert-model.ts, BertForPreTraining in bert-for-pretraining.ts, BertKerasLayer in bert-layer.ts),
 * weights I/O and initialisation (weights.ts), the config (config.ts) and the inputs (inputs.ts).
 * The inference fast paths live in backend/inference.ts: linear, layerNorm, gelu and the attention
 * products try them first and fall back to the composed tfjs ops, which define the math.
 */
import * as tf from "@tensorflow/tfjs";
import { inferenceGelu, inferenceLayerNorm, inferenceLinear, inferenceMatMul } from "../backend/inference";
import { BertConfig, HiddenAct } from "./config";
import { BertTensors } from "./inputs";
import { BertWeights, param } from "./weights";

// ---------------------------------------------------------------------------------------------
// 1. Building blocks
// ---------------------------------------------------------------------------------------------

/**
 * A Linear (dense) layer: y = x·W + b, W held as [in, out] (see weights.ts for why).
 * x is flattened to 2-D so one plain matMul serves every batch rank. The bias goes through
 * tf.fused.matMul, so a backend that can add it inside the product (bertlab's OpenBLAS
 * GEMM does) runs one kernel instead of two; its gradient is tfjs's own.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  // At inference on bertlab's backend, one GEMM call on x as it is (backend/inference.ts).
  const fast = inferenceLinear(x, weight, bias);
  if (fast) return fast;
  const [inDim, outDim] = weight.shape;
  const y = tf.fused.matMul({ a: x.reshape([-1, inDim]) as tf.Tensor2D, b: weight as tf.Tensor2D, bias });
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}

/**
 * Layer normalisation over the hidden dimension (Ba et al. 2016), as BERT applies it after each
 * residual connection: (x - mean) / sqrt(var + eps) * gamma + beta, biased variance, eps 1e-12.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  // At inference on bertlab's backend, the same formula runs as one native kernel (backend/inference.ts).
  const fused = inferenceLayerNorm(x, gamma, beta, eps);
  if (fused) return fused;
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normalised = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normalised, gamma), beta);
}

/**
 * BERT's activation: GELU (Hendrycks & Gimpel 2016). "gelu" is the exact form x·Φ(x) with the
 * error function, which Google's and HF's BERT use; "gelu_new" is GPT-2's tanh approximation.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  // At inference on bertlab's backend, the same function runs as one native kernel (backend/inference.ts).
  const fused = inferenceGelu(x);
  if (fused) return fused;
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export function activation(name: HiddenAct, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case "gelu":
      return gelu(x);
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return geluTanh(x);
    case "relu":
      return tf.relu(x);
  }
}

/**
 * Whether dropout is on, and where its randomness comes from: `false` for inference; `true` for tfjs' own
 * (unseeded) masks; a `DropoutSeeds` for masks a training loop can repeat exactly (one seed per dropout call,
 * drawn in the forward's fixed order). The seeds are passed in, never taken from global state.
 */
export type Training = boolean | DropoutSeeds;

export interface DropoutSeeds {
  /** A seed for the next dropout mask; never 0, which tfjs reads as "no seed". */
  nextSeed(): number;
}

/** Dropout (Srivastava et al. 2014), active only while training; inference is deterministic. */
function dropout(x: tf.Tensor, rate: number, training: Training): tf.Tensor {
  if (training === false || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, training === true ? undefined : training.nextSeed());
}

// ---------------------------------------------------------------------------------------------
// 2. Embeddings
// ---------------------------------------------------------------------------------------------

/**
 * BERT's input representation (Devlin et al. 2019, §3, Figure 2): the sum of a token's word
 * embedding, its position embedding and its segment (sentence A/B) embedding, then LayerNorm and dropout.
 */
export function embeddings(
  w: BertWeights,
  config: BertConfig,
  inputIds: tf.Tensor2D,
  segmentIds: tf.Tensor2D,
  training: Training,
): tf.Tensor3D {
  const [batch, seqLen] = inputIds.shape;
  // The word embedding matrix is held as [H, V] (see weights.ts): gather columns, then flip to [B, S, H].
  const wordColumns = tf.gather(param(w, "embeddings.word_embeddings.weight"), inputIds.reshape([-1]), 1); // [H, B*S]
  const words = tf.transpose(wordColumns).reshape([batch, seqLen, config.hiddenSize]);
  // Positions 0..S-1 are the same for every row: slice them once and let broadcasting add them.
  const positions = tf.slice(param(w, "embeddings.position_embeddings.weight"), [0, 0], [seqLen, -1]); // [S, H]
  const segments = tf.gather(param(w, "embeddings.token_type_embeddings.weight"), segmentIds); // [B, S, H]
  const sum = tf.add(tf.add(words, positions), segments);
  const normed = layerNorm(sum, param(w, "embeddings.LayerNorm.weight"), param(w, "embeddings.LayerNorm.bias"), config.layerNormEps);
  return dropout(normed, config.hiddenDropoutProb, training) as tf.Tensor3D;
}

// ---------------------------------------------------------------------------------------------
// 3. Attention: multi-head self-attention (Vaswani et al. 2017, §3.2) as BERT uses it, HF's
//    BertAttention: BertSelfAttention (Q/K/V projections, scaled dot-product attention per head)
//    followed by BertSelfOutput (output projection, dropout, residual connection, LayerNorm).
// ---------------------------------------------------------------------------------------------

/** Options of `scaledDotProductAttention`; every one has the default of inference. */
export interface AttentionOptions {
  /** 0 where a key may be attended to, a large negative number at padding; broadcast over heads and queries: [B, 1, 1, S]. */
  mask?: tf.Tensor;
  /** Dropout rate on the attention probabilities (BERT: attention_probs_dropout_prob), applied only when `training`. */
  dropout?: number;
  training?: Training;
}

/**
 * softmax(Q Kᵀ / √d + mask) V, per head. Queries, keys and values are [B, heads, S, d].
 */
export function scaledDotProductAttention(
  queries: tf.Tensor4D,
  keys: tf.Tensor4D,
  values: tf.Tensor4D,
  options: AttentionOptions = {},
): { context: tf.Tensor4D; probs: tf.Tensor4D } {
  const headDim = queries.shape[3];
  if (keys.shape[3] !== headDim) {
    throw new Error(`keys must be [B, heads, S, d] like the queries: got [${keys.shape.join(", ")}] for queries [${queries.shape.join(", ")}]`);
  }
  // inferenceMatMul: one kernel on the 4-D operands when bertlab's backend can (backend/inference.ts).
  const qKT = (inferenceMatMul(queries, keys, { transposeB: true }) ?? tf.matMul(queries, keys, false, true)) as tf.Tensor4D;
  const scaled = tf.mul(qKT, 1 / Math.sqrt(headDim));
  const scores = options.mask ? tf.add(scaled, options.mask) : scaled;
  const probs = tf.softmax(scores) as tf.Tensor4D;
  const dropped = dropout(probs, options.dropout ?? 0, options.training ?? false) as tf.Tensor4D;
  const context = (inferenceMatMul(dropped, values) ?? tf.matMul(dropped, values)) as tf.Tensor4D;
  return { context, probs };
}

/** Additive form of the input mask: 1 (token) -> 0, 0 (padding) -> -10000, shaped [B, 1, 1, S]. */
export function additiveAttentionMask(inputMask: tf.Tensor2D): tf.Tensor4D {
  const [b, s] = inputMask.shape;
  return tf.mul(tf.sub(1, tf.cast(inputMask, "float32")), -10000).reshape([b, 1, 1, s]);
}

export function multiHeadSelfAttention(
  w: BertWeights,
  prefix: string,
  config: BertConfig,
  hidden: tf.Tensor3D,
  additiveMask: tf.Tensor,
  training: Training,
): { output: tf.Tensor3D; probs: tf.Tensor4D } {
  const [b, s, h] = hidden.shape;
  const heads = config.numAttentionHeads;
  const d = h / heads;
  const project = (name: string) => linear(hidden, param(w, `${prefix}.self.${name}.weight`), param(w, `${prefix}.self.${name}.bias`));
  // [B, S, H] -> [B, S, heads, d] -> [B, heads, S, d]
  const splitHeads = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x.reshape([b, s, heads, d]), [0, 2, 1, 3]) as tf.Tensor4D;
  const [q, k, v] = [splitHeads(project("query")), splitHeads(project("key")), splitHeads(project("value"))];
  const { context, probs } = scaledDotProductAttention(q, k, v, { mask: additiveMask, dropout: config.attentionProbsDropoutProb, training });
  const merged = tf.transpose(context, [0, 2, 1, 3]).reshape([b, s, h]);
  // BertSelfOutput: project back, dropout, add the residual, normalise.
  const projected = linear(merged, param(w, `${prefix}.output.dense.weight`), param(w, `${prefix}.output.dense.bias`));
  const output = layerNorm(
    tf.add(dropout(projected, config.hiddenDropoutProb, training), hidden),
    param(w, `${prefix}.output.LayerNorm.weight`),
    param(w, `${prefix}.output.LayerNorm.bias`),
    config.layerNormEps,
  );
  return { output: output as tf.Tensor3D, probs };
}

// ---------------------------------------------------------------------------------------------
// 4. Feed-forward
// ---------------------------------------------------------------------------------------------

/**
 * The position-wise feed-forward network of each encoder layer: HF's BertIntermediate (dense to
 * intermediate_size, GELU) and BertOutput (dense back to hidden_size, dropout, residual, LayerNorm).
 */
export function feedForward(w: BertWeights, prefix: string, config: BertConfig, hidden: tf.Tensor3D, training: Training): tf.Tensor3D {
  const intermediate = activation(
    config.hiddenAct,
    linear(hidden, param(w, `${prefix}.intermediate.dense.weight`), param(w, `${prefix}.intermediate.dense.bias`)),
  );
  const projected = linear(intermediate, param(w, `${prefix}.output.dense.weight`), param(w, `${prefix}.output.dense.bias`));
  return layerNorm(
    tf.add(dropout(projected, config.hiddenDropoutProb, training), hidden),
    param(w, `${prefix}.output.LayerNorm.weight`),
    param(w, `${prefix}.output.LayerNorm.bias`),
    config.layerNormEps,
  ) as tf.Tensor3D;
}

// ---------------------------------------------------------------------------------------------
// 5. Layer
// ---------------------------------------------------------------------------------------------

/**
 * One Transformer encoder layer, post-LayerNorm as in BERT: self-attention, then the feed-forward
 * network. (HF's BertLayer; bertlab's `BertKerasLayer` is the whole model, see bert-layer.ts.)
 */
export function encoderLayer(
  w: BertWeights,
  index: number,
  config: BertConfig,
  hidden: tf.Tensor3D,
  additiveMask: tf.Tensor,
  training: Training,
): { output: tf.Tensor3D; attentionProbs: tf.Tensor4D } {
  const prefix = `encoder.layer.${index}`;
  const attention = multiHeadSelfAttention(w, `${prefix}.attention`, config, hidden, additiveMask, training);
  const output = feedForward(w, prefix, config, attention.output, training);
  return { output, attentionProbs: attention.probs };
}

// ---------------------------------------------------------------------------------------------
// 6. Encoder
// ---------------------------------------------------------------------------------------------

export interface EncoderOutput {
  lastHiddenState: tf.Tensor3D;
  /** The embeddings output, then each layer's output: num_hidden_layers + 1 tensors [B, S, H]. */
  hiddenStates?: tf.Tensor3D[];
  /** Each layer's attention probabilities [B, heads, S, S]. */
  attentions?: tf.Tensor4D[];
}

/** The stack of num_hidden_layers encoder layers, optionally keeping every layer's attention and output. */
export function encoder(
  w: BertWeights,
  config: BertConfig,
  embeddingOutput: tf.Tensor3D,
  additiveMask: tf.Tensor,
  opts: { training: Training; outputAttentions: boolean; outputHiddenStates: boolean },
): EncoderOutput {
  let hidden = embeddingOutput;
  const hiddenStates: tf.Tensor3D[] = [hidden];
  const attentions: tf.Tensor4D[] = [];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const layer = encoderLayer(w, i, config, hidden, additiveMask, opts.training);
    hidden = layer.output;
    hiddenStates.push(hidden);
    attentions.push(layer.attentionProbs);
  }
  return {
    lastHiddenState: hidden,
    hiddenStates: opts.outputHiddenStates ? hiddenStates : undefined,
    attentions: opts.outputAttentions ? attentions : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// 7. Pooler
// ---------------------------------------------------------------------------------------------

/** The pooler: a dense layer with tanh over the [CLS] token's final hidden state, the sentence-level representation. */
export function pooler(w: BertWeights, sequenceOutput: tf.Tensor3D): tf.Tensor2D {
  const [b, , h] = sequenceOutput.shape;
  const cls = tf.slice(sequenceOutput, [0, 0, 0], [b, 1, h]).reshape([b, h]);
  return tf.tanh(linear(cls, param(w, "pooler.dense.weight"), param(w, "pooler.dense.bias"))) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// 8. Heads: BERT's two pretraining heads (Devlin et al. 2019, §3.1)
// ---------------------------------------------------------------------------------------------

/**
 * Masked language model: transform (dense, GELU, LayerNorm), then a decoder that shares its weight
 * matrix with the word embeddings (tied), plus an output bias per vocabulary entry.
 */
export function mlmHead(w: BertWeights, config: BertConfig, sequenceOutput: tf.Tensor3D): tf.Tensor3D {
  const transformed = layerNorm(
    activation(config.hiddenAct, linear(sequenceOutput, param(w, "cls.predictions.transform.dense.weight"), param(w, "cls.predictions.transform.dense.bias"))),
    param(w, "cls.predictions.transform.LayerNorm.weight"),
    param(w, "cls.predictions.transform.LayerNorm.bias"),
    config.layerNormEps,
  );
  // Tied decoder: a Linear whose weight is the word embedding matrix itself ([H, V], see weights.ts), plus a bias.
  return linear(transformed, param(w, "embeddings.word_embeddings.weight"), param(w, "cls.predictions.bias")) as tf.Tensor3D;
}

/** Next sentence prediction: a 2-way linear classifier over the pooled output. */
export function nspHead(w: BertWeights, pooledOutput: tf.Tensor2D): tf.Tensor2D {
  return linear(pooledOutput, param(w, "cls.seq_relationship.weight"), param(w, "cls.seq_relationship.bias")) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// 9. Whole model: BertModel is embeddings -> encoder -> pooler; BertForPreTraining adds the heads
// ---------------------------------------------------------------------------------------------

export interface ForwardOptions {
  /** Enables dropout. Default false. */
  training?: Training;
  /** Also return each layer's attention probabilities [B, heads, S, S]. */
  outputAttentions?: boolean;
  /** Also return the embeddings output and each layer's output [B, S, H]. */
  outputHiddenStates?: boolean;
}

export type BertModelOutput = {
  /** Final hidden state of every token: [B, S, H]. */
  sequenceOutput: tf.Tensor3D;
  /** tanh(dense([CLS])): [B, H]. */
  pooledOutput: tf.Tensor2D;
  attentions?: tf.Tensor4D[];
  hiddenStates?: tf.Tensor3D[];
};

/** The forward pass, with no bookkeeping: callers run it inside tf.tidy (or a gradient tape). */
export function bertModelForward(w: BertWeights, config: BertConfig, inputs: BertTensors, opts: ForwardOptions = {}): BertModelOutput {
  const training = opts.training ?? false;
  const embeddingOutput = embeddings(w, config, inputs.inputIds, inputs.segmentIds, training);
  const mask = additiveAttentionMask(inputs.inputMask);
  const encoded = encoder(w, config, embeddingOutput, mask, {
    training,
    outputAttentions: opts.outputAttentions ?? false,
    outputHiddenStates: opts.outputHiddenStates ?? false,
  });
  const out: BertModelOutput = { sequenceOutput: encoded.lastHiddenState, pooledOutput: pooler(w, encoded.lastHiddenState) };
  if (encoded.attentions) out.attentions = encoded.attentions;
  if (encoded.hiddenStates) out.hiddenStates = encoded.hiddenStates;
  return out;
}

export type BertForPreTrainingOutput = BertModelOutput & {
  /** Masked-LM scores over the vocabulary: [B, S, V]. */
  mlmLogits: tf.Tensor3D;
  /** Next-sentence scores (0 = is next, 1 = random): [B, 2]. */
  nspLogits: tf.Tensor2D;
};

/** BertModel's forward plus the masked-LM and next-sentence heads (`bert.*` + `cls.*` tensors). */
export function bertForPreTrainingForward(w: BertWeights, config: BertConfig, inputs: BertTensors, opts: ForwardOptions = {}): BertForPreTrainingOutput {
  const out = bertModelForward(w, config, inputs, opts);
  return { ...out, mlmLogits: mlmHead(w, config, out.sequenceOutput), nspLogits: nspHead(w, out.pooledOutput) };
}
