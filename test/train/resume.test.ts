import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready } from "../../src/backend";
import { SafetensorsReader } from "../../src/checkpoint/safetensors";
import { trainWordPiece } from "../../src/tokenization/train-wordpiece";
import { writeTwoTopicCorpus } from "./two-topic-corpus";
import { pretrainFromCorpus, PretrainFromCorpusOptions } from "../../src/train/pretrain-from-corpus";
import { loadLatestTrainingCheckpoint } from "../../src/train/training-state";

function weightsOf(dir: string, file = "model.safetensors"): Map<string, Float32Array> {
  const reader = SafetensorsReader.open(path.join(dir, file));
  try {
    return new Map(reader.names().map((n) => [n, reader.readFloat32(n)]));
  } finally {
    reader.close();
  }
}

function maxAbsDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  let max = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

describe("pretraining checkpoints and resume", function () {
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
    steps: 30,
    learningRate: 2e-3,
    seed: 3,
    progress: false,
    dropout: false,
    evalFraction: 0.1,
  });

  before(async () => {
    await ready();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-resume-"));
    corpusDir = writeTwoTopicCorpus(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("a run stopped at step k and resumed ends equal to an uninterrupted run (mid-epoch and across epochs)", async () => {
    const straight = path.join(tmp, "straight");
    const full = await pretrainFromCorpus(base(straight));
    assert.equal(full.steps, 30);
    assert.ok(full.evaluations.length >= 2, "several epochs ran, so the resume crosses an epoch boundary");

    const resumed = path.join(tmp, "resumed");
    const first = await pretrainFromCorpus({ ...base(resumed), stopAtStep: 11 });
    assert.equal(first.stoppedBy, "stop-at-step");
    assert.equal(first.steps, 11);
    const saved = loadLatestTrainingCheckpoint(path.join(resumed, "checkpoints"));
    assert.ok(saved, "the segment's end wrote a checkpoint");
    assert.equal(saved.state.step, 11);
    assert.ok(saved.state.batchInEpoch > 0, "the stop fell inside an epoch");
    const second = await pretrainFromCorpus({ ...base(resumed), stopAtStep: 19, resume: true });
    assert.equal(second.resumedFromStep, 11);
    const third = await pretrainFromCorpus({ ...base(resumed), resume: true });
    assert.equal(third.steps, 30);
    assert.equal(third.tokensSeen, full.tokensSeen);

    // The curves are continuous and equal step for step; the weights equal within float noise.
    assert.deepEqual(third.curves.step, full.curves.step);
    third.curves.loss.forEach((l, i) => assert.ok(Math.abs(l - full.curves.loss[i]) < 1e-4, `loss at step ${i}: ${l} vs ${full.curves.loss[i]}`));
    const diff = maxAbsDifference(weightsOf(path.join(straight, "checkpoints", "checkpoint-30")), weightsOf(path.join(resumed, "checkpoints", "checkpoint-30")));
    assert.ok(diff < 1e-5, `max weight difference ${diff}`);
    assert.deepEqual(
      third.evaluations.map((e) => e.step),
      full.evaluations.map((e) => e.step),
    );
  });

  it("refuses to resume with another model size or vocabulary, naming the difference", async () => {
    const out = path.join(tmp, "mismatch");
    await pretrainFromCorpus({ ...base(out), stopAtStep: 3 });
    await assert.rejects(
      pretrainFromCorpus({ ...base(out), resume: true, config: "mini" }),
      /cannot resume from .*checkpoint-3.*config: checkpoint/,
    );
    await assert.rejects(pretrainFromCorpus({ ...base(out), resume: true, maxSeqLength: 32 }), /maxSeqLength: checkpoint 24, this run 32/);
    await assert.rejects(pretrainFromCorpus({ ...base(path.join(tmp, "empty")), resume: true }), /cannot resume: .*empty has no tokenizer\.json or vocab\.txt/);
  });

  it("continued pretraining (initFrom) starts from the checkpoint's weights and vocabulary, and refuses another vocabulary", async () => {
    const first = path.join(tmp, "phase1");
    await pretrainFromCorpus({ ...base(first), steps: 12 });
    const second = path.join(tmp, "phase2");
    // A learning rate of 1e-12 moves no weight visibly: what phase 2 saves is what it started from.
    await pretrainFromCorpus({ ...base(second), initFrom: first, steps: 2, learningRate: 1e-12 });
    assert.ok(maxAbsDifference(weightsOf(first), weightsOf(second)) < 1e-6, "phase 2 did not start from phase 1's weights");
    assert.equal(fs.readFileSync(path.join(second, "vocab.txt"), "utf8"), fs.readFileSync(path.join(first, "vocab.txt"), "utf8"));
    const log = JSON.parse(fs.readFileSync(path.join(second, "training_log.json"), "utf8")) as { initFrom?: string };
    assert.equal(log.initFrom, "../phase1");
    const other = trainWordPiece(["quite another text, with words phase one never saw: zebra, quartz, jukebox"], { vocabSize: 200 }).tokenizer;
    await assert.rejects(
      pretrainFromCorpus({ ...base(path.join(tmp, "phase2b")), initFrom: first, tokenizer: other }),
      /cannot continue from .*phase1: its vocab_size is \d+ but the tokenizer has \d+ tokens/,
    );
    await assert.rejects(pretrainFromCorpus({ ...base(path.join(tmp, "phase2c")), initFrom: path.join(tmp, "nothing-here") }), /nothing-here/);
  });

  it("a run killed with SIGKILL resumes from its last checkpoint and still ends equal", async () => {
    const straight = path.join(tmp, "straight");
    const out = path.join(tmp, "killed");
    // The installed command, as a user runs it (npm test builds src/dist first).
    const cli = path.resolve(__dirname, "../../src/bin/bertlab.js");
    const args = [
      cli, "pretrain", "--corpus", corpusDir, "--out", out, "--json",
      "--config", "tiny", "--no-dropout",
      "--vocab-size", "120", "--max-seq-length", "24", "--batch-size", "4", "--steps", "30", "--lr", "2e-3", "--seed", "3",
      "--eval-fraction", "0.1", "--checkpoint-every-steps", "5",
    ];
    const child = spawn(process.execPath, args, { stdio: "ignore", env: { ...process.env, BERTLAB_QUIET: "1" } });
    // Kill it as soon as its second checkpoint exists, wherever it is in its step.
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const saved = fs.existsSync(path.join(out, "checkpoints", "latest")) ? loadLatestTrainingCheckpoint(path.join(out, "checkpoints")) : undefined;
        if (saved && saved.state.step >= 10) {
          clearInterval(timer);
          child.kill("SIGKILL");
          resolve(saved.state.step);
        }
      }, 50);
      child.on("exit", (code) => {
        clearInterval(timer);
        if (code !== null) reject(new Error(`the run ended (code ${code}) before it could be killed`));
      });
    });
    assert.ok(killedAt >= 10 && killedAt < 30);
    const resumed = await new Promise<number | null>((resolve) => {
      const again = spawn(process.execPath, [...args, "--resume", out], { stdio: "inherit", env: { ...process.env, BERTLAB_QUIET: "1" } });
      again.on("exit", (code) => resolve(code));
    });
    assert.equal(resumed, 0);
    const diff = maxAbsDifference(weightsOf(path.join(straight, "checkpoints", "checkpoint-30")), weightsOf(path.join(out, "checkpoints", "checkpoint-30")));
    assert.ok(diff < 1e-5, `max weight difference ${diff}`);
    const log = JSON.parse(fs.readFileSync(path.join(out, "training_log.json"), "utf8")) as { steps: number; tokensSeen: number };
    assert.equal(log.steps, 30);
  });
});
