/**
 * Softmax cross-entropy against integer labels, with a hand-written gradient
 * (TensorFlow's SparseSoftmaxCrossEntropyWithLogits).
 *
 * The MLM loss runs over [tokens, vocab] logits, the largest tensors of a BERT step.
 * Written as logSoftmax + one-hot + mean, tfjs differentiates every one of those ops and
 * walks the vocab-sized tensor about twenty times; here the gradient is the textbook
 * softmax(logits) - onehot(labels), reusing the softmax kept from the forward pass.
 * Works on every backend.
 */
import * as tf from "@tensorflow/tfjs";

export const SparseSoftmaxCrossEntropyWithLogits = "SparseSoftmaxCrossEntropyWithLogits";

/**
 * Per-example loss -log softmax(logits)[label], shape [n], for logits [n, classes] and
 * int32 labels [n]. Labels outside [0, classes) are an error.
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  if (logits.rank !== 2) throw new Error(`${SparseSoftmaxCrossEntropyWithLogits}: logits must be [n, classes], got [${logits.shape}]`);
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`${SparseSoftmaxCrossEntropyWithLogits}: labels must be [${logits.shape[0]}] to match logits [${logits.shape}], got [${labels.shape}]`);
  }
  if (labels.dtype !== "int32") throw new Error(`${SparseSoftmaxCrossEntropyWithLogits}: labels must be int32, got ${labels.dtype}`);
  const [n, classes] = logits.shape;
  const ids = labels.dataSync();
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= classes) {
      throw new Error(`${SparseSoftmaxCrossEntropyWithLogits}: label ${ids[i]} at position ${i} is outside [0, ${classes})`);
    }
  }
  const forward = (x: tf.Tensor, save: tf.GradSaveFunc): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor } => {
    // Position of each example's label in the flattened logits.
    const picks = tf.range(0, n, 1, "int32").mul(tf.scalar(classes, "int32")).add(labels);
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const exp = tf.exp(shifted);
    const total = tf.sum(exp, -1, true);
    const probs = tf.div(exp, total);
    const value = tf.sub(tf.log(total).reshape([n]), tf.gather(shifted.reshape([-1]), picks));
    save([probs, picks]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, at] = saved;
        const scale = dy.reshape([n, 1]);
        // softmax * dy, minus dy at each label.
        const atLabels = tf.scatterND(at.reshape([n, 1]), dy.reshape([n]), [n * classes]).reshape([n, classes]);
        return tf.sub(tf.mul(p, scale), atLabels);
      },
    };
  };
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(logits) as tf.Tensor1D;
}
