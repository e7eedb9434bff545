/** Dropout (Srivastava et al. 2014), active only while training; inference is deterministic. */
import * as tf from "@tensorflow/tfjs";

export function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate) : x;
}
