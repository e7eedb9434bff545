/**
 * A BERT pretraining step written directly in tf ops (HF modeling_bert.py layout:
 * embeddings + LayerNorm, post-LN encoder layers with erf-GELU, MLM head tied to the
 * word embeddings). bench/train.ts uses it while src/model is not there, so the
 * benchmark measures the same work as bench/train_torch.py, op for op.
 */
import * as tf from "@tensorflow/tfjs";

export interface MiniBertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  layerNormEps: number;
}

interface LayerWeights {
  qW: tf.Variable; qB: tf.Variable; kW: tf.Variable; kB: tf.Variable; vW: tf.Variable; vB: tf.Variable;
  oW: tf.Variable; oB: tf.Variable; ln1G: tf.Variable; ln1B: tf.Variable;
  iW: tf.Variable; iB: tf.Variable; fW: tf.Variable; fB: tf.Variable; ln2G: tf.Variable; ln2B: tf.Variable;
}

export interface MiniBert {
  config: MiniBertConfig;
  variables: tf.Variable[];
  /** MLM logits [batch, seq, vocab]. */
  forward(inputIds: tf.Tensor2D, segmentIds: tf.Tensor2D, inputMask: tf.Tensor2D): tf.Tensor3D;
}

export function createMiniBert(config: MiniBertConfig, seed = 0): MiniBert {
  const variables: tf.Variable[] = [];
  let n = 0;
  const normal = (shape: number[]): tf.Variable => {
    const v = tf.variable(tf.truncatedNormal(shape, 0, 0.02, "float32", seed + n++));
    variables.push(v);
    return v;
  };
  const constant = (shape: number[], value: number): tf.Variable => {
    const v = tf.variable(tf.fill(shape, value));
    variables.push(v);
    return v;
  };
  const H = config.hiddenSize;
  const wordEmb = normal([config.vocabSize, H]);
  const posEmb = normal([config.maxPositions, H]);
  const typeEmb = normal([config.typeVocabSize, H]);
  const embLnG = constant([H], 1);
  const embLnB = constant([H], 0);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    layers.push({
      qW: normal([H, H]), qB: constant([H], 0), kW: normal([H, H]), kB: constant([H], 0),
      vW: normal([H, H]), vB: constant([H], 0), oW: normal([H, H]), oB: constant([H], 0),
      ln1G: constant([H], 1), ln1B: constant([H], 0),
      iW: normal([H, config.intermediateSize]), iB: constant([config.intermediateSize], 0),
      fW: normal([config.intermediateSize, H]), fB: constant([H], 0),
      ln2G: constant([H], 1), ln2B: constant([H], 0),
    });
  }
  const headW = normal([H, H]);
  const headB = constant([H], 0);
  const headLnG = constant([H], 1);
  const headLnB = constant([H], 0);
  const decoderB = constant([config.vocabSize], 0);

  const layerNorm = (x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(config.layerNormEps))).mul(g).add(b) as tf.Tensor2D;
  };
  // erf-GELU, as in the original BERT.
  const gelu = (x: tf.Tensor2D): tf.Tensor2D => x.mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5) as tf.Tensor2D;
  const dense = (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D => tf.matMul(x, w as tf.Tensor2D).add(b) as tf.Tensor2D;

  const forward = (inputIds: tf.Tensor2D, segmentIds: tf.Tensor2D, inputMask: tf.Tensor2D): tf.Tensor3D => {
    const [B, S] = inputIds.shape;
    const heads = config.numHeads;
    const d = H / heads;
    const positions = tf.range(0, S, 1, "int32");
    let h = tf.gather(wordEmb, inputIds.reshape([-1]))
      .add(tf.gather(typeEmb, segmentIds.reshape([-1])))
      .reshape([B, S, H])
      .add(tf.gather(posEmb, positions).expandDims(0))
      .reshape([B * S, H]) as tf.Tensor2D;
    h = layerNorm(h, embLnG, embLnB);
    // Masked keys get -10000 before the softmax, as in BERT.
    const maskBias = tf.sub(1, inputMask.cast("float32")).mul(-10000).reshape([B, 1, 1, S]);
    const splitHeads = (x: tf.Tensor2D): tf.Tensor4D => x.reshape([B, S, heads, d]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    for (const w of layers) {
      const q = splitHeads(dense(h, w.qW, w.qB));
      const k = splitHeads(dense(h, w.kW, w.kB));
      const v = splitHeads(dense(h, w.vW, w.vB));
      const scores = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(d)).add(maskBias);
      const context = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([B * S, H]) as tf.Tensor2D;
      h = layerNorm(dense(context, w.oW, w.oB).add(h), w.ln1G, w.ln1B);
      const ff = dense(gelu(dense(h, w.iW, w.iB)), w.fW, w.fB);
      h = layerNorm(ff.add(h), w.ln2G, w.ln2B);
    }
    const t = layerNorm(gelu(dense(h, headW, headB)), headLnG, headLnB);
    return tf.matMul(t, wordEmb, false, true).add(decoderB).reshape([B, S, config.vocabSize]) as tf.Tensor3D;
  };
  return { config, variables, forward };
}
