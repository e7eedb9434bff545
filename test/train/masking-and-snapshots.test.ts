import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready } from "../../src/backend";
import { BertModel } from "../../src/model";
import { BertTokenizer } from "../../src/tokenization";
import { Random } from "../../src/train/random";
import { makePretrainingBatch, PretrainingVocab } from "../../src/train/pretrain";
import { writeTwoTopicCorpus } from "./two-topic-corpus";
import { pretrainFromCorpus, PretrainFromCorpusOptions } from "../../src/train/pretrain-from-corpus";
import { NspPair } from "../../src/train/nsp";
import { command as pretrainCommand } from "../../src/cli/pretrain";

// Pretraining's masking options (how many tokens are predicted, and how many of those stay visible)
// and its snapshots (the model kept every N steps, for the curve of fine-tuning against steps).

describe("pretraining: masking options and snapshots", function () {
  this.timeout(300_000);
  let tmp: string;
  let corpusDir: string;
  const base = (outDir: string): PretrainFromCorpusOptions => ({
    corpusDir,
    outDir,
    config: "tiny",
    vocabSize: 120,
    maxSeqLength: 24,
    batchSize: 4,
    steps: 12,
    learningRate: 2e-3,
    seed: 5,
    progress: false,
    dropout: false,
    evalFraction: 0.1,
    evalEverySteps: 6,
  });

  before(async () => {
    await ready();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-masking-"));
    corpusDir = writeTwoTopicCorpus(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("makePretrainingBatch follows the masking rates: 30% predicted, 55% of those left visible", () => {
    const vocab: PretrainingVocab = { maskId: 1, clsId: 2, sepId: 3, padId: 0, vocabSize: 500, specialIds: new Set([0, 1, 2, 3]) };
    const rng = new Random(1);
    const pairs: NspPair[] = Array.from({ length: 400 }, () => ({
      tokensA: Array.from({ length: 20 }, () => 10 + rng.int(490)),
      tokensB: Array.from({ length: 20 }, () => 10 + rng.int(490)),
      isRandomNext: false,
    }));
    const batch = makePretrainingBatch(pairs, vocab, new Random(2), {
      maxPredictions: 20,
      wholeWordMasking: false,
      masking: { maskProbability: 0.3, maskTokenRate: 0.4, randomTokenRate: 0.05 },
    });
    const seqLength = batch.inputs.seqLength;
    const seen = batch.maskedPositions.map((flat) => batch.inputs.inputIds[Math.floor(flat / seqLength)][flat % seqLength]);
    const predicted = batch.maskedPositions.length / (pairs.length * 40);
    const masked = seen.filter((id) => id === vocab.maskId).length / seen.length;
    const visible = seen.filter((id, i) => id === batch.maskedLabels[i]).length / seen.length;
    assert.ok(Math.abs(predicted - 0.3) < 0.01, `predicted share ${predicted}`);
    assert.ok(Math.abs(masked - 0.4) < 0.03, `[MASK] share ${masked}`);
    assert.ok(Math.abs(visible - 0.55) < 0.03, `unchanged share ${visible}`);
    // BERT's default, for contrast: 15% predicted, 80% of them [MASK].
    const bert = makePretrainingBatch(pairs, vocab, new Random(2), { maxPredictions: 20, wholeWordMasking: false });
    assert.ok(Math.abs(bert.maskedPositions.length / (pairs.length * 40) - 0.15) < 0.01);
  });

  it("training batches use the masking options while held-out evaluation keeps BERT's masking", async () => {
    // At a learning rate of 1e-12 no weight moves, so the evaluations compare the masking alone.
    const frozen = { learningRate: 1e-12, steps: 6 };
    const bert = await pretrainFromCorpus({ ...base(path.join(tmp, "bert")), ...frozen });
    const visible = await pretrainFromCorpus({
      ...base(path.join(tmp, "visible")),
      ...frozen,
      masking: { maskProbability: 0.3, maskTokenRate: 0.4, randomTokenRate: 0.05 },
    });
    assert.notDeepEqual(visible.curves.mlmLoss, bert.curves.mlmLoss, "the training batches were masked the same way");
    assert.deepEqual(
      visible.evaluations.map((e) => [e.mlmLoss, e.mlmAccuracy]),
      bert.evaluations.map((e) => [e.mlmLoss, e.mlmAccuracy]),
    );
  });

  it("keeps a loadable snapshot every N steps, and resuming with other masking is refused", async () => {
    const out = path.join(tmp, "snapshots");
    const masking = { maskProbability: 0.3, maskTokenRate: 0.4, randomTokenRate: 0.05 };
    await pretrainFromCorpus({ ...base(out), masking, snapshotEverySteps: 4, stopAtStep: 9 });
    assert.deepEqual(fs.readdirSync(path.join(out, "snapshots")).sort(), ["step-4", "step-8"]);
    const snapshot = path.join(out, "snapshots", "step-8");
    const progress = JSON.parse(fs.readFileSync(path.join(snapshot, "snapshot.json"), "utf8")) as { step: number; tokens_seen: number; seconds: number };
    assert.equal(progress.step, 8);
    assert.ok(progress.tokens_seen > 8 * 4 && progress.seconds >= 0, JSON.stringify(progress));
    const tokenizer = await BertTokenizer.fromPretrained(snapshot);
    const model = await BertModel.fromPretrained(snapshot);
    try {
      const inputs = tokenizer.toTensors(["wake me at seven"]);
      const output = model.forward(inputs);
      assert.deepEqual(output.pooledOutput.shape, [1, model.config.hiddenSize]);
      tf.dispose([inputs.inputIds, inputs.segmentIds, inputs.inputMask, output.sequenceOutput, output.pooledOutput]);
    } finally {
      model.dispose();
    }
    await assert.rejects(pretrainFromCorpus({ ...base(out), resume: true }), /cannot resume from .*masking: checkpoint .*this run undefined/);
    const resumed = await pretrainFromCorpus({ ...base(out), masking, snapshotEverySteps: 4, resume: true });
    assert.equal(resumed.steps, 12);
    assert.deepEqual(fs.readdirSync(path.join(out, "snapshots")).sort(), ["step-12", "step-4", "step-8"].sort());
  });

  it("refuses impossible masking rates and snapshots without an output folder before training", async () => {
    await assert.rejects(
      pretrainFromCorpus({ ...base(path.join(tmp, "bad-rates")), masking: { maskTokenRate: 0.9, randomTokenRate: 0.2 } }),
      /maskTokenRate \(0\.9\) \+ randomTokenRate \(0\.2\) must be within \[0, 1\]/,
    );
    await assert.rejects(
      pretrainFromCorpus({ ...base(path.join(tmp, "bad-probability")), masking: { maskProbability: 0 } }),
      /maskProbability must be in \(0, 1\], got 0/,
    );
    await assert.rejects(pretrainFromCorpus({ ...base(path.join(tmp, "bad-snapshots")), snapshotEverySteps: 2.5 }), /snapshotEverySteps must be a positive integer/);
    assert.ok(!fs.existsSync(path.join(tmp, "bad-rates", "checkpoints")), "a refused run left checkpoints behind");
  });

  it("bertlab pretrain takes the masking rates and --snapshot-every, and names a bad rate", async () => {
    const out = path.join(tmp, "cli");
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    try {
      const argv = ["--corpus", corpusDir, "--config", "tiny", "--vocab-size", "120", "--max-seq-length", "24", "--batch-size", "4", "--steps", "6", "--json"];
      assert.equal(await pretrainCommand.run([...argv, "--out", out, "--mask-probability", "0.3", "--mask-token-rate", "0.4", "--random-token-rate", "0.05", "--snapshot-every", "3"]), 0);
      await assert.rejects(pretrainCommand.run([...argv, "--out", path.join(tmp, "cli-bad"), "--mask-token-rate", "0.95", "--random-token-rate", "0.1"]), /maskTokenRate \(0\.95\) \+ randomTokenRate \(0\.1\)/);
    } finally {
      console.log = original;
    }
    assert.deepEqual(fs.readdirSync(path.join(out, "snapshots")).sort(), ["step-3", "step-6"]);
    for (const file of ["config.json", "model.safetensors", "vocab.txt", "tokenizer.json"]) assert.ok(fs.existsSync(path.join(out, "snapshots", "step-3", file)), file);
    assert.equal(JSON.parse(lines[lines.length - 1]).steps, 6);
  });
});
