import assert from "node:assert/strict";
import { accuracy, chooseOosThreshold, classificationReport, confusionMatrix, oosReport } from "../../src/train/metrics";
import { EarlyStopping } from "../../src/train/early-stopping";

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} vs ${b}`);

describe("train/metrics", () => {
  it("computes a hand-checked 3-class case", () => {
    const targets = [0, 0, 1, 1, 2, 2];
    const preds = [0, 1, 1, 1, 0, 2];
    const r = classificationReport(targets, preds, ["a", "b", "c"]);
    assert.deepEqual(r.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    close(r.accuracy, 4 / 6);
    close(r.perClass[0].precision, 0.5); close(r.perClass[0].recall, 0.5); close(r.perClass[0].f1, 0.5);
    close(r.perClass[1].precision, 2 / 3); close(r.perClass[1].recall, 1); close(r.perClass[1].f1, 0.8);
    close(r.perClass[2].precision, 1); close(r.perClass[2].recall, 0.5); close(r.perClass[2].f1, 2 / 3);
    close(r.macroF1, (0.5 + 0.8 + 2 / 3) / 3);
    assert.deepEqual(r.perClass.map((c) => c.support), [2, 2, 2]);
  });

  it("leaves out classes absent from both targets and predictions from macro-F1, and counts never-predicted ones as 0", () => {
    const r = classificationReport([0, 0, 1], [0, 0, 0], ["a", "b", "unused"]);
    close(r.perClass[1].f1, 0);
    close(r.perClass[0].f1, 0.8); // P 2/3, R 1
    close(r.macroF1, 0.4);
  });

  it("reports CLINC-style in-scope accuracy and OOS recall at a threshold, and picks a threshold on validation", () => {
    const inScope = [{ maxProbability: 0.9, correct: true }, { maxProbability: 0.8, correct: false }, { maxProbability: 0.4, correct: true }, { maxProbability: 0.95, correct: true }];
    const oos = [0.3, 0.6, 0.2];
    const r = oosReport(inScope, oos, 0.5);
    close(r.inScopeAccuracy, 0.5); close(r.oosRecall, 2 / 3); close(r.inScopeRejected, 0.25);
    const r0 = oosReport(inScope, oos, 0);
    close(r0.inScopeAccuracy, 0.75); close(r0.oosRecall, 0);
    // Best sum: threshold just above 0.6 rejects all OOS, keeps 0.8/0.9/0.95 → 0.5 + 1; at 0.4 → 0.75 + 0 ... at 0.3+ → 0.75 + 1/3.
    const t = chooseOosThreshold(inScope, oos);
    assert.ok(t > 0.6 && t <= 0.8, `threshold ${t}`);
    // To a stated target: reject at most 25% of in-scope validation requests (here: the one at 0.4), so the
    // threshold is the highest that keeps 0.8, 0.9 and 0.95; at most 0%: only thresholds <= 0.4.
    const at25 = chooseOosThreshold(inScope, oos, { maxInScopeRejected: 0.25 });
    assert.equal(at25, 0.8);
    close(oosReport(inScope, oos, at25).inScopeRejected, 0.25);
    const at0 = chooseOosThreshold(inScope, oos, { maxInScopeRejected: 0 });
    assert.equal(at0, 0.4);
    assert.equal(oosReport(inScope, oos, at0).inScopeRejected, 0);
    assert.throws(() => chooseOosThreshold(inScope, oos, { maxInScopeRejected: 1.5 }), /maxInScopeRejected must be in \[0, 1\], got 1.5/);
  });

  it("rejects mismatched or out-of-range input", () => {
    assert.throws(() => accuracy([0, 1], [0]), /2 targets but 1 predictions/);
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 3), /targets\[1\] = 3 is not a class id in \[0, 3\)/);
    assert.throws(() => accuracy([], []), /no examples/);
    assert.throws(() => oosReport([], [0.1], 0.5), /no in-scope/);
    assert.throws(() => oosReport([{ maxProbability: 1, correct: true }], [], 1.5), /threshold/);
  });
});

describe("train/early-stopping", () => {
  it("stops after `patience` evaluations without improvement and remembers the best", () => {
    const es = new EarlyStopping({ patience: 2 });
    const seen = [0.5, 0.7, 0.69, 0.7, 0.65].map((v, e) => { es.observe(v, e); return es.shouldStop; });
    assert.deepEqual(seen, [false, false, false, true, true]);
    assert.equal(es.bestEpoch, 1);
    assert.equal(es.best, 0.7);
    const loss = new EarlyStopping({ mode: "min", patience: 1, minDelta: 0.01 });
    loss.observe(1, 0);
    loss.observe(0.995, 1);
    assert.ok(loss.shouldStop);
    assert.throws(() => new EarlyStopping({ patience: -1 }), /patience/);
    assert.throws(() => es.observe(NaN, 5), /NaN/);
  });
});
