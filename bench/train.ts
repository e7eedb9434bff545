/**
 * bench:train — BERT pretraining-step throughput on the active TensorFlow.js backend,
 * beside PyTorch doing the same step in the same run (bench/train_torch.py).
 *
 *   npm run bench:train -- --config mini --json [--steps N] [--no-torch] [--model library|ops] [--loss sparse|onehot]
 *
 * --model library (default) trains bertlab's BertForPreTraining (src/model) in training mode,
 * dropout 0.1; --model ops the same step written in plain tf ops without dropout
 * (bench/mini-bert.ts), the exact graph of train_torch.py. --loss picks the MLM loss:
 * bertlab's sparseSoftmaxCrossEntropy (default) or tf.losses.softmaxCrossEntropy on one-hot labels.
 *
 * Prints one JSON line: {backend, config, train_tokens_per_s, forward_tokens_per_s,
 * torch_train_tokens_per_s, torch_forward_tokens_per_s, train_ratio, forward_ratio}, plus the
 * same per CPU-second of the process (`*_cpu_*`), which a busy machine disturbs less.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ready, registerWasmTrainingKernels, sparseSoftmaxCrossEntropy } from "../src/backend";
import { bertConfig, BertForPreTraining } from "../src/model";
import { createMiniBert, MiniBertConfig } from "./mini-bert";

interface BenchConfig {
  model: MiniBertConfig;
  batchSize: number;
  seqLength: number;
}

const CONFIGS: Record<string, BenchConfig> = {
  // The configuration: L=4, H=256, 4 heads, FF=1024, vocab 8000, seq 64, batch 32.
  mini: {
    model: { vocabSize: 8000, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, maxPositions: 512, typeVocabSize: 2, layerNormEps: 1e-12 },
    batchSize: 32,
    seqLength: 64,
  },
  // A seconds-long smoke run of the same code path.
  tiny: {
    model: { vocabSize: 1000, hiddenSize: 64, numLayers: 2, numHeads: 2, intermediateSize: 256, maxPositions: 128, typeVocabSize: 2, layerNormEps: 1e-12 },
    batchSize: 8,
    seqLength: 32,
  },
};

interface Args {
  config: string;
  json: boolean;
  steps: number;
  torch: boolean;
  model: "library" | "ops";
  loss: "sparse" | "onehot";
  profile: boolean;
}

const USAGE = `use --config ${Object.keys(CONFIGS).join("|")} --json --steps N --no-torch --model library|ops --loss sparse|onehot --profile`;

function parseArgs(argv: string[]): Args {
  const args: Args = { config: "mini", json: false, steps: 3, torch: true, model: "library", loss: "sparse", profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--no-torch") args.torch = false;
    else if (a === "--profile") args.profile = true;
    else if (a === "--config") args.config = argv[++i] ?? "";
    else if (a === "--steps") args.steps = Number(argv[++i]);
    else if (a === "--model") args.model = argv[++i] as Args["model"];
    else if (a === "--loss") args.loss = argv[++i] as Args["loss"];
    else throw new Error(`bench:train: unknown argument "${a}" (${USAGE})`);
  }
  if (!(args.config in CONFIGS)) throw new Error(`bench:train: unknown config "${args.config}"; valid: ${Object.keys(CONFIGS).join(", ")}`);
  if (!Number.isInteger(args.steps) || args.steps < 1) throw new Error(`bench:train: --steps must be a positive integer`);
  if (args.model !== "library" && args.model !== "ops") throw new Error(`bench:train: --model must be library or ops (${USAGE})`);
  if (args.loss !== "sparse" && args.loss !== "onehot") throw new Error(`bench:train: --loss must be sparse or onehot (${USAGE})`);
  return args;
}

/** The model under test: MLM logits [B, S, V] from the three BERT inputs, and its trainable variables. */
interface Subject {
  variables: tf.Variable[];
  logits(inputIds: tf.Tensor2D, segmentIds: tf.Tensor2D, inputMask: tf.Tensor2D, training: boolean): tf.Tensor3D;
  dropout: number;
}

function subject(args: Args, cfg: BenchConfig): Subject {
  if (args.model === "ops") {
    const model = createMiniBert(cfg.model, 1);
    return { variables: model.variables, logits: (i, s, m) => model.forward(i, s, m), dropout: 0 };
  }
  const m = cfg.model;
  const config = bertConfig({
    vocabSize: m.vocabSize, hiddenSize: m.hiddenSize, numHiddenLayers: m.numLayers, numAttentionHeads: m.numHeads,
    intermediateSize: m.intermediateSize, maxPositionEmbeddings: m.maxPositions, typeVocabSize: m.typeVocabSize, layerNormEps: m.layerNormEps,
  });
  const model = new BertForPreTraining(config, { seed: 1 });
  // The NSP head and pooler take no part in an MLM-only loss, so they are not trained here.
  const unused = (name: string): boolean => name.startsWith("pooler.") || name.startsWith("cls.seq_relationship.");
  const variables = [...model.namedWeights].filter(([name]) => !unused(name)).map(([, v]) => v);
  return {
    variables,
    logits: (inputIds, segmentIds, inputMask, training) => {
      const out = model.forward({ inputIds, segmentIds, inputMask }, { training });
      tf.dispose([out.nspLogits, out.pooledOutput, out.sequenceOutput]);
      return out.mlmLogits;
    },
    dropout: config.hiddenDropoutProb,
  };
}

/** Mean MLM cross-entropy over every position. */
function mlmLoss(logits: tf.Tensor3D, labels: tf.Tensor2D, kind: Args["loss"]): tf.Scalar {
  const [B, S, V] = logits.shape;
  const flat = logits.reshape([B * S, V]) as tf.Tensor2D;
  const ids = labels.reshape([-1]) as tf.Tensor1D;
  if (kind === "onehot") return tf.losses.softmaxCrossEntropy(tf.oneHot(ids, V), flat) as tf.Scalar;
  return tf.mean(sparseSoftmaxCrossEntropy(flat, ids)) as tf.Scalar;
}

interface TorchResult {
  train_tokens_per_s: number;
  forward_tokens_per_s: number;
  train_tokens_per_cpu_s: number;
  forward_tokens_per_cpu_s: number;
}

const PYTHONS = [process.env.BERTLAB_PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);

/** Runs the PyTorch reference; a reason string when torch cannot run here. */
function runTorch(config: string, steps: number, dropout: number): TorchResult | string {
  const script = path.join(__dirname, "train_torch.py");
  let reason = "no python3 found";
  for (const python of PYTHONS) {
    const r = spawnSync(python, [script, "--config", config, "--steps", String(steps), "--dropout", String(dropout), "--json"], { encoding: "utf8" });
    if (r.error) continue;
    if (r.status === 3) {
      // The script's own "torch is not installed" exit: try the next interpreter.
      reason = r.stderr.trim().split("\n").pop() ?? "torch missing";
      continue;
    }
    if (r.status !== 0) return `${python} ${path.basename(script)} failed: ${r.stderr.trim().split("\n").pop()}`;
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as TorchResult;
  }
  return reason;
}

function randomBatch(cfg: BenchConfig, seed: number): { inputIds: tf.Tensor2D; segmentIds: tf.Tensor2D; inputMask: tf.Tensor2D; labels: tf.Tensor2D } {
  const { batchSize: B, seqLength: S } = cfg;
  const V = cfg.model.vocabSize;
  return tf.tidy(() => ({
    inputIds: tf.randomUniform([B, S], 0, V, "int32", seed) as tf.Tensor2D,
    segmentIds: tf.concat([tf.zeros([B, S / 2], "int32"), tf.ones([B, S / 2], "int32")], 1) as tf.Tensor2D,
    inputMask: tf.ones([B, S], "int32") as tf.Tensor2D,
    labels: tf.randomUniform([B, S], 0, V, "int32", seed + 1) as tf.Tensor2D,
  }));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = CONFIGS[args.config];
  const choice = await ready();
  const tokens = cfg.batchSize * cfg.seqLength;
  const model = subject(args, cfg);
  const batch = randomBatch(cfg, 7);
  const optimizer = tf.train.adam(1e-4);

  const forwardOnce = (): void => {
    // Read outside tidy: tidy walks a returned array element by element looking for tensors.
    const logits = tf.tidy(() => model.logits(batch.inputIds, batch.segmentIds, batch.inputMask, false));
    logits.dataSync();
    logits.dispose();
  };
  const trainOnce = (): number => {
    const loss = optimizer.minimize(
      () => mlmLoss(model.logits(batch.inputIds, batch.segmentIds, batch.inputMask, true), batch.labels, args.loss),
      true,
      model.variables,
    );
    const value = loss!.dataSync()[0];
    loss!.dispose();
    return value;
  };
  // Wall-clock seconds, and CPU seconds of this process (all threads): on a shared machine
  // the CPU figure is the steadier one; with more than one thread it over-counts.
  const time = (f: () => unknown, n: number): { wall: number; cpu: number } => {
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) f();
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };

  // One warm-up each: kernel setup, weight packing and the optimizer's slots happen once.
  forwardOnce();
  const firstLoss = trainOnce();
  if (!Number.isFinite(firstLoss)) throw new Error(`bench:train: loss is ${firstLoss}`);
  if (args.profile) await profileStep(trainOnce);
  const forwardS = time(forwardOnce, args.steps);
  const trainS = time(trainOnce, args.steps);

  const result: Record<string, unknown> = {
    backend: choice.name,
    config: args.config,
    model: args.model,
    loss: args.loss,
    matmul: choice.name === "wasm" ? registerWasmTrainingKernels().detail : choice.name,
    train_tokens_per_s: round((tokens * args.steps) / trainS.wall),
    forward_tokens_per_s: round((tokens * args.steps) / forwardS.wall),
    train_tokens_per_cpu_s: round((tokens * args.steps) / trainS.cpu),
    forward_tokens_per_cpu_s: round((tokens * args.steps) / forwardS.cpu),
  };
  const torch = args.torch ? runTorch(args.config, args.steps, model.dropout) : "skipped: --no-torch";
  if (typeof torch === "string") {
    result.torch = torch.startsWith("skipped") ? torch : `skipped: ${torch}`;
  } else {
    result.torch_train_tokens_per_s = torch.train_tokens_per_s;
    result.torch_forward_tokens_per_s = torch.forward_tokens_per_s;
    result.train_ratio = round((result.train_tokens_per_s as number) / torch.train_tokens_per_s, 3);
    result.forward_ratio = round((result.forward_tokens_per_s as number) / torch.forward_tokens_per_s, 3);
    result.torch_train_tokens_per_cpu_s = torch.train_tokens_per_cpu_s;
    result.torch_forward_tokens_per_cpu_s = torch.forward_tokens_per_cpu_s;
    result.train_cpu_ratio = round((result.train_tokens_per_cpu_s as number) / torch.train_tokens_per_cpu_s, 3);
    result.forward_cpu_ratio = round((result.forward_tokens_per_cpu_s as number) / torch.forward_tokens_per_cpu_s, 3);
  }
  if (args.json) {
    console.log(JSON.stringify(result));
  } else {
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(28)} ${v}`);
  }
}

/** Prints, on stderr, where one training step spends its time: milliseconds per kernel and per shape. */
async function profileStep(step: () => unknown): Promise<void> {
  const info = await tf.profile(() => {
    step();
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  const byShape = new Map<string, { ms: number; calls: number }>();
  const add = (map: Map<string, { ms: number; calls: number }>, key: string, ms: number): void => {
    const e = map.get(key) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    map.set(key, e);
  };
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    total += ms;
    add(byKernel, k.name, ms);
    add(byShape, `${k.name} ${JSON.stringify(k.inputShapes)}`, ms);
  }
  const table = (map: Map<string, { ms: number; calls: number }>, n: number): string =>
    [...map].sort((a, b) => b[1].ms - a[1].ms).slice(0, n)
      .map(([key, e]) => `${e.ms.toFixed(1).padStart(9)} ms ${String(e.calls).padStart(4)}x  ${key}`).join("\n");
  console.error(`profile of one training step: ${total.toFixed(0)} ms in kernels\n${table(byKernel, 20)}\n--- by input shape ---\n${table(byShape, 25)}`);
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
