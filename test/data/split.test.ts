import assert from "node:assert/strict";
import { buildLabelMap, stratifiedSplit, splitSizes } from "../../src/data";

describe("stratified split", () => {
  it("sizes each stratum 60/20/20 with exact totals", () => {
    assert.deepEqual(splitSizes(40), { train: 24, val: 8, test: 8 });
    assert.deepEqual(splitSizes(42), { train: 25, val: 9, test: 8 });
    assert.deepEqual(splitSizes(161), { train: 97, val: 32, test: 32 });
    assert.deepEqual(splitSizes(1), { train: 1, val: 0, test: 0 });
    assert.deepEqual(splitSizes(10, { train: 0.8, val: 0.1, test: 0.1 }), { train: 8, val: 1, test: 1 });
    assert.throws(() => splitSizes(10, { train: 0, val: 0, test: 0 }), /positive sum/);
  });

  it("is deterministic for a seed, different across seeds, stratified by key", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ label: i % 2 ? "a" : "b", i }));
    const a = stratifiedSplit(items, { seed: 1, key: (x) => x.label });
    assert.deepEqual(stratifiedSplit(items, { seed: 1, key: (x) => x.label }), a);
    assert.notDeepEqual(stratifiedSplit(items, { seed: 2, key: (x) => x.label }), a);
    for (const label of ["a", "b"]) {
      const mine = a.filter((_, i) => items[i].label === label);
      assert.deepEqual(
        { train: mine.filter((s) => s === "train").length, val: mine.filter((s) => s === "val").length, test: mine.filter((s) => s === "test").length },
        { train: 30, val: 10, test: 10 },
      );
    }
  });

  it("leaves other strata alone when one stratum grows", () => {
    const base = [...Array.from({ length: 10 }, (_, i) => ["x", i]), ...Array.from({ length: 10 }, (_, i) => ["y", i])] as [string, number][];
    const before = stratifiedSplit(base, { seed: 3, key: (r) => r[0] });
    const after = stratifiedSplit([...base, ["y", 10]], { seed: 3, key: (r) => r[0] });
    assert.deepEqual(after.slice(0, 10), before.slice(0, 10));
  });

  it("orders labels the same whatever the input order", () => {
    const m = buildLabelMap([{ intent: "weather" }, { intent: "alarm" }, { intent: "weather" }, { intent: "book" }]);
    assert.deepEqual(m.labels, ["alarm", "book", "weather"]);
    assert.deepEqual(m.labelToId, { alarm: 0, book: 1, weather: 2 });
    assert.deepEqual(buildLabelMap([{ intent: "book" }, { intent: "weather" }, { intent: "alarm" }]).labels, m.labels);
  });
});
