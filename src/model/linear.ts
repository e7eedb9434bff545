/**
 * A Linear (dense) layer: y = x·W + b, W held as [in, out] (see weights.ts for why).
 * x is flattened to 2-D so one plain matMul serves any batch rank.
 */
import * as tf from "@tensorflow/tfjs";

export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = weight.shape;
  let y: tf.Tensor = tf.matMul(x.reshape([-1, inDim]) as tf.Tensor2D, weight as tf.Tensor2D);
  if (bias) y = tf.add(y, bias);
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}
