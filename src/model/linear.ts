/**
 * A Linear (dense) layer: y = x·W + b, W held as [in, out] (see weights.ts for why).
 * x is flattened to 2-D so one plain matMul serves any batch rank. The bias goes through
 * tf.fused.matMul, so a backend that can add it inside the product (bertlab's OpenBLAS
 * GEMM does) runs one kernel instead of two; its gradient is tfjs's own.
 */
import * as tf from "@tensorflow/tfjs";
import { inferenceLinear } from "../backend/inference";

export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  // At inference on bertlab's backend, one GEMM call on x as it is (backend/inference.ts).
  const fast = inferenceLinear(x, weight, bias);
  if (fast) return fast;
  const [inDim, outDim] = weight.shape;
  const y = tf.fused.matMul({ a: x.reshape([-1, inDim]) as tf.Tensor2D, b: weight as tf.Tensor2D, bias });
  return y.reshape([...x.shape.slice(0, -1), outDim]);
}
