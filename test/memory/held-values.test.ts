import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { HeldValues } from "../../src/memory";

describe("HeldValues: what a notebook keeps across re-runs of its cells", () => {
  before(async () => {
    await ready();
  });

  it("re-running a cell that holds a tensor leaves numTensors unchanged", () => {
    const { hold } = new HeldValues();
    const cell = (): tf.Tensor => hold("x", tf.tidy(() => tf.add(tf.ones([4]), tf.ones([4]))));
    cell();
    const afterFirst = tf.memory().numTensors;
    for (let run = 0; run < 5; run++) cell();
    assert.equal(tf.memory().numTensors, afterFirst);
  });

  it("without hold the same cell leaks one tensor per re-run (the problem it solves)", () => {
    const kept: tf.Tensor[] = [];
    const cell = (): void => void kept.push(tf.tidy(() => tf.add(tf.ones([4]), tf.ones([4]))));
    cell();
    const afterFirst = tf.memory().numTensors;
    cell();
    cell();
    assert.equal(tf.memory().numTensors, afterFirst + 2);
    tf.dispose(kept);
  });

  it("returns the value it keeps, and disposes the previous value under that name only", () => {
    const held = new HeldValues();
    const a = held.hold("a", tf.scalar(1));
    const b = held.hold("b", tf.scalar(2));
    const a2 = held.hold("a", tf.scalar(3));
    assert.equal(a.isDisposed, true);
    assert.equal(b.isDisposed, false);
    assert.equal(a2.dataSync()[0], 3);
    assert.deepEqual(held.names(), ["a", "b"]);
    held.disposeAll();
    assert.equal(a2.isDisposed, true);
    assert.equal(b.isDisposed, true);
    assert.deepEqual(held.names(), []);
  });

  it("holding the same value again does not dispose it", () => {
    const { hold } = new HeldValues();
    const t = hold("t", tf.scalar(1));
    hold("t", t);
    assert.equal(t.isDisposed, false);
    t.dispose();
  });

  it("frees objects and arrays of tensors, and calls dispose() of models and optimizers", () => {
    const { hold } = new HeldValues();
    const splits = hold("splits", { ids: tf.ones([2, 3], "int32"), mask: [tf.ones([2, 3]), tf.zeros([2])] });
    const model = hold("model", tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }));
    const before = tf.memory().numTensors;
    hold("splits", { ids: tf.ones([1]) });
    assert.equal(splits.ids.isDisposed, true);
    assert.equal(splits.mask[0].isDisposed, true);
    hold("model", tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }));
    // the old model's kernel and bias are freed, the new model's two take their place
    assert.equal(tf.memory().numTensors, before - 3 + 1);
    assert.throws(() => model.predict(tf.ones([1, 3])), /disposed/i);
  });

  it("accepts an interface of tensors, as tokenizer.toTensors returns (type check), and frees them", () => {
    interface Batch {
      inputIds: tf.Tensor2D;
      inputMask: tf.Tensor2D;
    }
    const { hold } = new HeldValues();
    const first: Batch = hold("batch", { inputIds: tf.ones([1, 2]) as tf.Tensor2D, inputMask: tf.ones([1, 2]) as tf.Tensor2D });
    hold("batch", { inputIds: tf.ones([1, 2]), inputMask: tf.ones([1, 2]) } as Batch);
    assert.equal(first.inputIds.isDisposed, true);
    assert.equal(first.inputMask.isDisposed, true);
  });

  it("names the problem when given no name or no value", () => {
    const { hold } = new HeldValues();
    assert.throws(() => hold("", tf.scalar(1)), /non-empty string/);
    assert.throws(() => hold("x", undefined as unknown as tf.Tensor), /hold\("x", \.\.\.\): the value is undefined/);
  });
});
