/**
 * Reproducible dropout. tfjs' `tf.dropout` without a seed seeds its mask generator from
 * `Math.random()`, and the model's forward calls it without one. While a training step
 * runs inside `withSeededMathRandom`, `Math.random` draws from our seeded stream, so the
 * same seed gives the same dropout masks and therefore the same losses.
 *
 * The swap is synchronous and restored in `finally`: nothing else can run in between
 * on Node's single thread.
 */
import { Random } from "./random";

export function withSeededMathRandom<T>(rng: Random, fn: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
