import assert from "node:assert/strict";
import { Random } from "../../src/train/random";
import { maskTokens, MaskingVocab } from "../../src/train/masking";
import { buildPairInput, createNspPairs, TokenizedDocument, truncatePair } from "../../src/train/nsp";
import { batchIndices, lengthGroupedBatches, padBatch } from "../../src/train/collate";

// A toy vocabulary: 0 [PAD], 1 [UNK], 2 [CLS], 3 [SEP], 4 [MASK], 5..99 word starts, 100..199 "##" pieces.
const PAD = 0, CLS = 2, SEP = 3, MASK = 4;
const vocab: MaskingVocab = { maskId: MASK, vocabSize: 200, specialIds: new Set([0, 1, 2, 3, 4]), isContinuation: (id) => id >= 100 };

function randomSequence(rng: Random, length: number, continuationShare = 0): number[] {
  const ids = [CLS];
  for (let i = 0; i < length; i++) ids.push(i > 0 && rng.next() < continuationShare ? 100 + rng.int(100) : 5 + rng.int(95));
  ids.push(SEP);
  return ids;
}

describe("train/random", () => {
  it("repeats its stream for a seed and differs across seeds", () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const xs = Array.from({ length: 5 }, () => a.uint32());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uint32()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.uint32()));
  });
  it("is uniform enough: int(10) buckets within 5% over 100k draws, normal() has mean 0 and sd 1", () => {
    const rng = new Random(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[rng.int(10)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `bucket count ${c}`);
    let s = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) { const x = rng.normal(); s += x; s2 += x * x; }
    assert.ok(Math.abs(s / 20000) < 0.03 && Math.abs(s2 / 20000 - 1) < 0.05);
  });
  it("rejects bad arguments", () => {
    assert.throws(() => new Random(NaN), /seed must be a finite number/);
    assert.throws(() => new Random(1).int(0), /positive integer/);
    assert.throws(() => new Random(1).choice([]), /empty/);
  });
});

describe("train/masking", () => {
  it("chooses 15% of positions and splits them 80/10/10 over many samples", () => {
    const rng = new Random(7);
    let candidates = 0, chosen = 0, masked = 0, random = 0, kept = 0;
    for (let n = 0; n < 3000; n++) {
      const ids = randomSequence(rng, 20 + rng.int(60));
      const out = maskTokens(ids, vocab, rng);
      candidates += ids.length - 2;
      chosen += out.positions.length;
      out.positions.forEach((p, k) => {
        assert.equal(out.labels[k], ids[p]);
        if (out.inputIds[p] === MASK) masked++;
        else if (out.inputIds[p] === ids[p]) kept++;
        else random++;
      });
      // Unchosen positions are untouched.
      ids.forEach((id, p) => { if (!out.positions.includes(p)) assert.equal(out.inputIds[p], id); });
    }
    assert.ok(Math.abs(chosen / candidates - 0.15) < 0.005, `chosen share ${chosen / candidates}`);
    // A random replacement can equal the original (1 in 195), so "kept" is a hair above 10%.
    assert.ok(Math.abs(masked / chosen - 0.8) < 0.01, `mask share ${masked / chosen}`);
    assert.ok(Math.abs(random / chosen - 0.1) < 0.01, `random share ${random / chosen}`);
    assert.ok(Math.abs(kept / chosen - 0.1) < 0.01, `kept share ${kept / chosen}`);
  });

  it("never chooses special tokens and never draws them as random replacements", () => {
    const rng = new Random(8);
    for (let n = 0; n < 2000; n++) {
      const ids = [CLS, ...randomSequence(rng, 10).slice(1, -1), SEP, ...randomSequence(rng, 5).slice(1, -1), SEP, PAD, PAD];
      const out = maskTokens(ids, vocab, rng, { maskProbability: 0.5 });
      for (const p of out.positions) assert.ok(!vocab.specialIds.has(ids[p]), `special id ${ids[p]} chosen at ${p}`);
      out.inputIds.forEach((id, p) => { if (id !== ids[p] && id !== MASK) assert.ok(!vocab.specialIds.has(id)); });
    }
  });

  it("whole-word masking chooses all pieces of a word or none", () => {
    const rng = new Random(9);
    let chosen = 0, candidates = 0;
    for (let n = 0; n < 2000; n++) {
      const ids = randomSequence(rng, 40, 0.4);
      const out = maskTokens(ids, vocab, rng, { wholeWord: true });
      const set = new Set(out.positions);
      candidates += ids.length - 2;
      chosen += set.size;
      for (let p = 2; p < ids.length - 1; p++) {
        if (vocab.isContinuation!(ids[p])) assert.equal(set.has(p), set.has(p - 1), `piece ${p} split from its word in ${ids}`);
      }
    }
    assert.ok(Math.abs(chosen / candidates - 0.15) < 0.02, `whole-word chosen share ${chosen / candidates}`);
  });

  it("respects maxPredictions and reports bad options", () => {
    const rng = new Random(10);
    assert.equal(maskTokens(randomSequence(rng, 200), vocab, rng, { maxPredictions: 20 }).positions.length, 20);
    assert.deepEqual(maskTokens([CLS, SEP], vocab, rng).positions, []);
    assert.throws(() => maskTokens([5], vocab, rng, { maskProbability: 0 }), /maskProbability/);
    assert.throws(() => maskTokens([5], vocab, rng, { maskTokenRate: 0.95, randomTokenRate: 0.1 }), /must be within/);
    assert.throws(() => maskTokens([5], { ...vocab, isContinuation: undefined }, rng, { wholeWord: true }), /isContinuation/);
    assert.throws(() => maskTokens([5], { ...vocab, maskId: 500 }, rng), /maskId 500/);
  });
});

describe("train/nsp", () => {
  function corpus(rng: Random, docs: number): TokenizedDocument[] {
    // Sentence ids encode (doc, sentence) so tests can check where B came from.
    return Array.from({ length: docs }, (_, d) => Array.from({ length: 3 + rng.int(12) }, (_, s) => Array.from({ length: 4 + rng.int(12) }, () => 1000 * d + s)));
  }

  it("draws a random next sentence for 50% of the pairs, and B really follows A otherwise", () => {
    const rng = new Random(11);
    const docs = corpus(rng, 400);
    const pairs = createNspPairs(docs, rng, { maxSeqLength: 64 });
    assert.ok(pairs.length > 800, `${pairs.length} pairs`);
    const share = pairs.filter((p) => p.isRandomNext).length / pairs.length;
    assert.ok(Math.abs(share - 0.5) < 0.04, `random-next share ${share}`);
    for (const p of pairs) {
      assert.ok(p.tokensA.length + p.tokensB.length <= 61);
      const docA = Math.floor(p.tokensA[0] / 1000), docB = Math.floor(p.tokensB[0] / 1000);
      if (p.isRandomNext) assert.notEqual(docA, docB);
      else {
        assert.equal(docA, docB);
        assert.ok(p.tokensB[0] % 1000 >= p.tokensA[p.tokensA.length - 1] % 1000, "B continues A");
      }
    }
  });

  it("stays balanced when single sentences fill the sequence (IsNext splits the sentence)", () => {
    const rng = new Random(12);
    const docs: TokenizedDocument[] = Array.from({ length: 200 }, (_, d) => Array.from({ length: 4 }, (_, s) => Array.from({ length: 50 + rng.int(30) }, () => 1000 * d + s)));
    const pairs = createNspPairs(docs, rng, { maxSeqLength: 64 });
    const share = pairs.filter((p) => p.isRandomNext).length / pairs.length;
    assert.ok(Math.abs(share - 0.5) < 0.05, `random-next share ${share} over ${pairs.length} pairs`);
    for (const p of pairs) assert.ok(p.tokensA.length > 0 && p.tokensB.length > 0 && p.tokensA.length + p.tokensB.length <= 61);
  });

  it("is deterministic for a seed", () => {
    const docs = corpus(new Random(1), 30);
    assert.deepEqual(createNspPairs(docs, new Random(5), { maxSeqLength: 32 }), createNspPairs(docs, new Random(5), { maxSeqLength: 32 }));
  });

  it("builds [CLS] A [SEP] B [SEP] with segment ids, truncates pairs, and reports bad input", () => {
    assert.deepEqual(buildPairInput({ tokensA: [7, 8], tokensB: [9] }, CLS, SEP), { inputIds: [CLS, 7, 8, SEP, 9, SEP], segmentIds: [0, 0, 0, 0, 1, 1] });
    const a = [1, 2, 3, 4, 5, 6], b = [7, 8];
    truncatePair(a, b, 5, new Random(1));
    assert.equal(a.length + b.length, 5);
    assert.equal(b.length, 2);
    assert.throws(() => createNspPairs([[[1, 2]]], new Random(1), { maxSeqLength: 32 }), /at least 2 non-empty documents/);
    assert.throws(() => createNspPairs([[[1]], [[2]]], new Random(1), { maxSeqLength: 3 }), /maxSeqLength/);
  });
});

describe("train/collate", () => {
  it("pads to the longest sequence in the batch, with mask and segments", () => {
    const b = padBatch([{ inputIds: [2, 5, 3] }, { inputIds: [2, 6, 7, 3, 8, 3], segmentIds: [0, 0, 0, 0, 1, 1] }]);
    assert.equal(b.seqLength, 6);
    assert.deepEqual(b.inputIds, [[2, 5, 3, 0, 0, 0], [2, 6, 7, 3, 8, 3]]);
    assert.deepEqual(b.inputMask, [[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1]]);
    assert.deepEqual(b.segmentIds, [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1]]);
    assert.equal(padBatch([{ inputIds: [1, 2, 3] }], { padToMultipleOf: 8 }).seqLength, 8);
  });
  it("batches indices, shuffled with a seed, and rejects bad input", () => {
    assert.deepEqual(batchIndices(5, 2), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(batchIndices(5, 2, undefined, true), [[0, 1], [2, 3]]);
    const shuffled = batchIndices(10, 3, new Random(3)).flat();
    assert.deepEqual([...shuffled].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(batchIndices(10, 3, new Random(3)), batchIndices(10, 3, new Random(3)));
    assert.throws(() => padBatch([]), /empty/);
    assert.throws(() => padBatch([{ inputIds: [1, 2], segmentIds: [0] }]), /2 input ids but 1 segment ids/);
    assert.throws(() => batchIndices(3, 0), /batchSize/);
  });
});

describe("train/collate length grouping", () => {
  it("covers every index once and pads less than random batches", () => {
    const rng = new Random(4);
    const lengths = Array.from({ length: 500 }, () => 5 + rng.int(40));
    const batches = lengthGroupedBatches(lengths, 16, new Random(1));
    assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
    const padding = (bs: number[][]) => bs.reduce((n, b) => n + b.length * Math.max(...b.map((i) => lengths[i])) - b.reduce((s, i) => s + lengths[i], 0), 0);
    assert.ok(padding(batches) < 0.3 * padding(batchIndices(500, 16, new Random(1))), "grouped batches pad much less");
    assert.deepEqual(lengthGroupedBatches(lengths, 16, new Random(9)), lengthGroupedBatches(lengths, 16, new Random(9)));
  });
});
