import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { registerWasmTrainingKernels, sparseSoftmaxCrossEntropy, WASM_TRAINING_KERNELS } from "../../src/backend";
import { nativeGemm } from "../../src/native";
import { maxAbsDiff, seededValues, useWasm, valuesOn } from "./on-backends";

/** Same values on wasm as on cpu, to float32 rounding. */
async function assertSameOnBackends(f: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): Promise<Float32Array[]> {
  const wasm = await valuesOn("wasm", f);
  const cpu = await valuesOn("cpu", f);
  const diff = maxAbsDiff(wasm, cpu);
  assert.ok(diff <= tolerance, `wasm differs from cpu by ${diff} (tolerance ${tolerance})`);
  return wasm;
}

describe("wasm training kernels", () => {
  before(useWasm);
  after(useWasm);

  it("are registered on wasm when bertlab activates it, and re-registering is a no-op", () => {
    const before = WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, "wasm"));
    before.forEach((k, i) => assert.ok(k, `${WASM_TRAINING_KERNELS[i]} missing on wasm`));
    registerWasmTrainingKernels();
    WASM_TRAINING_KERNELS.forEach((name, i) => assert.equal(tf.getKernel(name, "wasm"), before[i], `${name} was re-wrapped`));
  });

  describe("UnsortedSegmentSum", () => {
    it("sums rows with repeated ids, and drops negative and out-of-range ids like cpu", async () => {
      const x = seededValues(9 * 3 * 2, 1);
      const ids = [0, 3, 3, -1, 5, 2, 0, 3, 4];
      const [out] = await assertSameOnBackends(() => tf.unsortedSegmentSum(tf.tensor3d(x, [9, 3, 2]), tf.tensor1d(ids, "int32"), 5));
      assert.equal(out.length, 5 * 3 * 2);
      // Segment 3 collects rows 1, 2 and 7; segment 1 gets nothing.
      for (let j = 0; j < 6; j++) {
        assert.ok(Math.abs(out[3 * 6 + j] - (x[6 + j] + x[12 + j] + x[42 + j])) < 1e-6);
        assert.equal(out[6 + j], 0);
      }
    });

    // tfjs' cpu kernel cannot do these two (it fails to broadcast rank-2 ids and crashes on
    // zero segments), so the expected values are written out.
    it("accepts segment ids of rank > 1 and int32 values", async () => {
      const x = Array.from({ length: 2 * 3 * 2 }, (_, i) => i - 5);
      const [out] = await valuesOn("wasm", () =>
        tf.unsortedSegmentSum(tf.tensor3d(x, [2, 3, 2], "int32"), tf.tensor2d([[2, 0, 2], [1, 2, -3]], [2, 3], "int32"), 3),
      );
      // rows: [-5,-4] [-3,-2] [-1,0] [1,2] [3,4] [5,6] with ids 2 0 2 1 2 (dropped)
      assert.deepEqual(Array.from(out), [-3, -2, 1, 2, -3, 0]);
    });

    it("handles zero segments and an empty input", async () => {
      const [none] = await valuesOn("wasm", () => tf.unsortedSegmentSum(tf.ones([3, 2]), tf.tensor1d([0, 1, 0], "int32"), 0));
      assert.equal(none.length, 0);
      const [zeros] = await valuesOn("wasm", () => tf.unsortedSegmentSum(tf.zeros([0, 4]), tf.tensor1d([], "int32"), 2));
      assert.deepEqual(Array.from(zeros), new Array(8).fill(0));
    });

    it("rejects segment ids whose shape is not a prefix of x's, naming both shapes", async () => {
      await useWasm();
      assert.throws(
        () => tf.unsortedSegmentSum(tf.ones([4, 2]), tf.tensor1d([0, 1, 2], "int32"), 3),
        /UnsortedSegmentSum: segmentIds shape \[3\] must be a prefix of x shape \[4,2\]/,
      );
    });

    it("makes the gradient of tf.gather (an embedding lookup with repeated tokens) match cpu", async () => {
      const table = seededValues(7 * 5, 2);
      const upstream = seededValues(6 * 5, 3);
      await assertSameOnBackends(() => {
        const grad = tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d([1, 4, 1, 6, 1, 0], "int32")).mul(tf.tensor2d(upstream, [6, 5])).sum());
        return grad(tf.tensor2d(table, [7, 5]));
      });
    });
  });

  // Both matmul paths: XNNPACK (always there) and OpenBLAS (when `npm run setup:blas` built it).
  for (const mode of ["xnnpack", "openblas"] as const) {
    describe(`matmul in ${mode}`, () => {
      before(function () {
        const status = nativeGemm();
        if (mode === "openblas" && !status.ok) {
          console.log(`      (skipped: native GEMM ${status.reason})`);
          this.skip();
        }
        assert.equal(registerWasmTrainingKernels({ nativeGemm: mode === "openblas" }).matmul, mode);
      });
      after(() => registerWasmTrainingKernels({ nativeGemm: true }));

      describe("BatchMatMul with transposed operands", () => {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          it(`matches cpu for transposeA=${ta} transposeB=${tb}, rank 2, 3 and 4, and a broadcast batch`, async () => {
            const shapeA = (batch: number[], m: number, k: number): number[] => [...batch, ...(ta ? [k, m] : [m, k])];
            const shapeB = (batch: number[], k: number, n: number): number[] => [...batch, ...(tb ? [n, k] : [k, n])];
            const cases: Array<[number[], number[]]> = [
              [shapeA([], 5, 3), shapeB([], 3, 4)],
              [shapeA([2], 5, 3), shapeB([2], 3, 4)],
              [shapeA([2, 3], 4, 6), shapeB([2, 3], 6, 2)],
              // tfjs broadcasts a batch of 1 (its cpu kernel gets general broadcasting wrong).
              [shapeA([3], 4, 6), shapeB([1], 6, 2)],
            ];
            for (const [sa, sb] of cases) {
              const a = seededValues(tf.util.sizeFromShape(sa), 11);
              const b = seededValues(tf.util.sizeFromShape(sb), 12);
              await assertSameOnBackends(() => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb));
            }
          });
        }

        it("broadcasts batch dimensions numpy-style ([2,1] with [1,3]), checked matrix by matrix", async () => {
          const a = seededValues(2 * 4 * 6, 15);
          const b = seededValues(3 * 6 * 2, 16);
          const [out] = await valuesOn("wasm", () => tf.matMul(tf.tensor4d(a, [2, 1, 4, 6]), tf.tensor4d(b, [1, 3, 6, 2])));
          assert.equal(out.length, 2 * 3 * 4 * 2);
          // tfjs' cpu kernel mishandles this broadcast, so each matrix is checked with a plain 2-D product.
          const expected = await valuesOn("cpu", () => {
            const blocks: tf.Tensor[] = [];
            for (let i = 0; i < 2; i++) {
              for (let j = 0; j < 3; j++) {
                blocks.push(tf.matMul(tf.tensor2d(a.subarray(i * 24, (i + 1) * 24), [4, 6]), tf.tensor2d(b.subarray(j * 12, (j + 1) * 12), [6, 2])));
              }
            }
            return tf.stack(blocks);
          });
          assert.ok(maxAbsDiff([out], expected) <= 1e-5);
          // Re-activating wasm (as valuesOn does) keeps the matmul path under test.
          assert.equal(registerWasmTrainingKernels().matmul, mode);
        });

        it("gives the same gradients as cpu for both operands", async () => {
          const a = seededValues(2 * 6 * 5, 13);
          const b = seededValues(2 * 5 * 4, 14);
          await assertSameOnBackends(() => {
            const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).square().sum());
            return g([tf.tensor3d(a, [2, 6, 5]), tf.tensor3d(b, [2, 5, 4])]);
          }, 1e-4);
        });
      });

      describe("_FusedMatMul with transposed operands", () => {
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          // Batch 2 with a bias also covers the wasm bias bug worked around in _FusedMatMul.ts.
          it(`matches cpu with bias and relu for transposeA=${ta} transposeB=${tb}`, async () => {
            const a = seededValues(2 * 7 * 3, 21);
            const b = seededValues(2 * 3 * 4, 22);
            const bias = seededValues(4, 23);
            await assertSameOnBackends(() =>
              tf.fused.matMul({
                a: tf.tensor3d(a, ta ? [2, 3, 7] : [2, 7, 3]),
                b: tf.tensor3d(b, tb ? [2, 4, 3] : [2, 3, 4]),
                transposeA: ta,
                transposeB: tb,
                bias: tf.tensor1d(bias),
                activation: "relu",
              }),
            );
          });
        }

        it("adds a row bias ([n] or [1,n]) inside the product and a full [m,n] bias after it, as cpu does", async () => {
          const a = seededValues(7 * 3, 24);
          const b = seededValues(3 * 4, 25);
          for (const biasShape of [[4], [1, 4], [7, 4]]) {
            const bias = seededValues(tf.util.sizeFromShape(biasShape), 26);
            await assertSameOnBackends(() => tf.fused.matMul({ a: tf.tensor2d(a, [7, 3]), b: tf.tensor2d(b, [3, 4]), bias: tf.tensor(bias, biasShape) }));
          }
        });

        it("gives a Linear layer's gradients (input, weight, bias) as cpu does", async () => {
          const x = seededValues(5 * 6, 27);
          const w = seededValues(6 * 3, 28);
          const bias = seededValues(3, 29);
          await assertSameOnBackends(() => {
            const g = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
              tf.fused.matMul({ a: xs as tf.Tensor2D, b: ws as tf.Tensor2D, bias: bs }).square().sum());
            return g([tf.tensor2d(x, [5, 6]), tf.tensor2d(w, [6, 3]), tf.tensor1d(bias)]);
          }, 1e-4);
        });
      });
    });
  }

  describe("Identity and Cast", () => {
    it("share the buffer without copying, and survive disposal of the source", async () => {
      await useWasm();
      const buffers = (): number => (tf.memory() as tf.MemoryInfo & { numDataBuffers: number }).numDataBuffers;
      const before = buffers();
      const a = tf.tensor1d([1.5, -2, 3]);
      const clone = tf.clone(a);
      const same = tf.cast(a, "float32");
      assert.equal(buffers() - before, 1, "a clone or same-dtype cast allocated a buffer");
      a.dispose();
      assert.deepEqual(Array.from(clone.dataSync()), [1.5, -2, 3]);
      assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
      clone.dispose();
      same.dispose();
      assert.equal(buffers(), before, "shared buffer leaked");
    });

    it("still converts between dtypes", async () => {
      const [asInt, asFloat] = await assertSameOnBackends(() => [tf.cast(tf.tensor1d([1.7, -2.2, 0]), "int32"), tf.cast(tf.tensor1d([3, -4], "int32"), "float32")]);
      assert.deepEqual(Array.from(asInt), [1, -2, 0]);
      assert.deepEqual(Array.from(asFloat), [3, -4]);
    });
  });

  describe("Sum", () => {
    it("matches cpu over leading axes (bias gradients), with and without keepDims, and elsewhere", async () => {
      const x = seededValues(4 * 3 * 5, 41);
      const [a, b, c, d, e] = await assertSameOnBackends(() => {
        const t = tf.tensor3d(x, [4, 3, 5]);
        return [tf.sum(t, 0), tf.sum(t, [1, 0], true), tf.sum(t, -1), tf.sum(t, [0, 2]), tf.sum(t)];
      });
      assert.equal(a.length, 15);
      assert.equal(b.length, 5);
      assert.equal(c.length, 12);
      assert.equal(d.length, 3);
      assert.equal(e.length, 1);
      await useWasm();
      assert.deepEqual(tf.sum(tf.tensor3d(x, [4, 3, 5]), [1, 0], true).shape, [1, 1, 5]);
      assert.deepEqual(tf.sum(tf.tensor3d(x, [4, 3, 5]), 0).shape, [3, 5]);
    });

    it("sums a single row and leaves int32 to the original kernel", async () => {
      await assertSameOnBackends(() => [tf.sum(tf.tensor2d([[1, 2, 3]]), 0), tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32"), 0)]);
    });
  });

  describe("sparseSoftmaxCrossEntropy", () => {
    const n = 5, classes = 7;
    const logits = seededValues(n * classes, 31, 4);
    const labels = [3, 0, 6, 3, 2];
    const reference = (x: tf.Tensor2D): tf.Tensor => tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(tf.tensor1d(labels, "int32"), classes)), -1));

    it("gives the loss and gradient of logSoftmax + one-hot, on wasm and cpu", async () => {
      const weights = seededValues(n, 32);
      const both = (loss: (x: tf.Tensor2D) => tf.Tensor) => (): tf.Tensor[] => {
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(tf.mul(loss(x as tf.Tensor2D), tf.tensor1d(weights))))(tf.tensor2d(logits, [n, classes]));
        return [loss(tf.tensor2d(logits, [n, classes])), value, grad];
      };
      const fused = both((x) => sparseSoftmaxCrossEntropy(x, tf.tensor1d(labels, "int32")));
      for (const backend of ["wasm", "cpu"] as const) {
        const ours = await valuesOn(backend, fused);
        const ref = await valuesOn(backend, both(reference));
        const diff = maxAbsDiff(ours, ref);
        assert.ok(diff <= 1e-5, `${backend}: differs from logSoftmax + one-hot by ${diff}`);
      }
    });

    it("rejects labels outside the classes, and mismatched shapes", async () => {
      await useWasm();
      const x = tf.tensor2d(logits, [n, classes]);
      assert.throws(() => sparseSoftmaxCrossEntropy(x, tf.tensor1d([3, 0, 7, 1, 1], "int32")), /label 7 at position 2 is outside \[0, 7\)/);
      assert.throws(() => sparseSoftmaxCrossEntropy(x, tf.tensor1d([3, 0], "int32")), /labels must be \[5\] to match logits \[5,7\], got \[2\]/);
      assert.throws(() => sparseSoftmaxCrossEntropy(x, tf.tensor1d([0, 0, 0, 0, 0], "float32")), /labels must be int32/);
    });
  });

  describe("native GEMM addon", () => {
    it("rejects operands outside the heap instead of reading past it", function () {
      const status = nativeGemm();
      if (!status.ok) {
        console.log(`      (skipped: native GEMM ${status.reason})`);
        this.skip();
      }
      const heap = new ArrayBuffer(64);
      const off = (x: number): Float64Array => Float64Array.of(x);
      assert.throws(() => status.gemm.gemm(heap, false, false, 2, 2, 2, off(0), off(16), off(56)), /operand 0 lies outside the heap/);
      status.gemm.gemm(heap, false, false, 2, 2, 2, off(0), off(16), off(32));
      assert.throws(() => status.gemm.gemm(heap, false, false, 2, 2, 2, off(0), off(16), off(32), 60), /the bias lies outside the heap/);
    });

    it("adds a bias row to every row of the product in the same call", function () {
      const status = nativeGemm();
      if (!status.ok) this.skip();
      // A = [[1,2],[3,4]], B = I, bias = [10, 20]: C = A + bias on each row.
      const heap = new ArrayBuffer(4 * 14);
      new Float32Array(heap).set([1, 2, 3, 4, 1, 0, 0, 1, 0, 0, 0, 0, 10, 20]);
      status.gemm.gemm(heap, false, false, 2, 2, 2, Float64Array.of(0), Float64Array.of(16), Float64Array.of(32), 48);
      assert.deepEqual(Array.from(new Float32Array(heap, 32, 4)), [11, 22, 13, 24]);
    });
  });
});
