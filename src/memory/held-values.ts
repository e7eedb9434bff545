/**
 * Values a notebook keeps across its cells, by name, so that re-running a cell does not leak.
 *
 * TensorFlow.js frees a tensor only when it is disposed (the garbage collector does not), and a notebook cell can be
 * run any number of times. A cell that keeps a tensor for later cells (`const x = tf.tensor(...)` at top level)
 * would leave the previous run's tensor behind on every re-run. `hold(name, value)` keeps the value under a name and
 * first disposes what was kept under that name before, so `tf.memory().numTensors` stays the same across re-runs:
 *
 *   const { hold } = new HeldValues();              // in the setup cell
 *   const embeddings = hold("embeddings", tf.tidy(() => ...));
 *
 * A value is anything with its own `dispose()` (a tensor, a tf.LayersModel, a tf.Optimizer, a bertlab model), or
 * an array or object of tensors (freed with tf.dispose).
 */
import * as tf from "@tensorflow/tfjs";

/**
 * What `hold` accepts: something with dispose(), or tensors in arrays and objects. Typed as any object, because
 * interfaces of tensors (what `tokenizer.toTensors` returns) are not assignable to tf.TensorContainer's index signature.
 */
export type Holdable = { dispose(): void } | tf.Tensor | object;

function disposeHeld(value: Holdable): void {
  if (value !== null && typeof value === "object" && "dispose" in value && typeof value.dispose === "function") value.dispose();
  else tf.dispose(value as tf.TensorContainer);
}

export class HeldValues {
  private readonly values = new Map<string, Holdable>();

  /**
   * Keeps `value` under `name` and returns it, after disposing what an earlier call kept under the same name
   * (nothing on the first run; nothing either when it is the very same value).
   */
  readonly hold = <T extends Holdable>(name: string, value: T): T => {
    if (typeof name !== "string" || name === "") throw new TypeError(`hold: the name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (value === undefined || value === null) throw new TypeError(`hold("${name}", ...): the value is ${value}; hold keeps tensors, models and objects of tensors`);
    const previous = this.values.get(name);
    if (previous !== undefined && previous !== value) disposeHeld(previous);
    this.values.set(name, value);
    return value;
  };

  /** The names held now, in the order they were first held. */
  names(): string[] {
    return [...this.values.keys()];
  }

  /** Disposes every held value and forgets them all. */
  disposeAll(): void {
    for (const value of this.values.values()) disposeHeld(value);
    this.values.clear();
  }
}
