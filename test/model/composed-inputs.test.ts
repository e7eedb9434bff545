/**
 * What the tokenizer returns feeds the model as it is (issue 18): `model.forward(tokenizer.toTensors(texts))`
 * type-checks (compiled by TypeScript here: tsx, which runs the tests, strips types without checking them) and
 * equals its Keras twin, and Hugging Face's input names are accepted.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import ts from "typescript";
import { ready } from "../../src/backend";
import { bertConfig, BertKerasLayer, BertModel } from "../../src/model";
import { trainWordPiece } from "../../src/tokenization/train-wordpiece";

function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, esModuleInterop: true, skipLibCheck: true,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.NodeJs, target: ts.ScriptTarget.ES2022,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("model: the tokenizer's output feeds the model without renaming", () => {
  it("model.forward(tokenizer.toTensors(texts)) type-checks, and a positional array does not", function () {
    this.timeout(120_000);
    const dir = path.resolve(__dirname, "../fixtures/typecheck");
    assert.deepEqual(typeErrors(path.join(dir, "composed-inputs.ts")), []);
    const wrong = typeErrors(path.join(dir, "wrong-inputs.ts"));
    assert.ok(wrong.some((m) => /inputIds/.test(m)), `expected a type error naming inputIds, got: ${wrong.join(" | ")}`);
  });

  it("the README's library example type-checks against the library", function () {
    this.timeout(120_000);
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## The library (`bertlab`)"));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(code, "README has a ```ts block in its library section");
    const lines = code.split("\n");
    const imports = lines.filter((l) => l.startsWith("import ")).map((l) => l.replace(/from "bertlab";/, 'from "../../../src";'));
    const body = lines.filter((l) => !l.startsWith("import "));
    const file = path.resolve(__dirname, "../fixtures/typecheck/readme-example.generated.ts");
    fs.writeFileSync(file, `${imports.join("\n")}\nexport async function readmeExample(): Promise<void> {\n${body.join("\n")}\n}\n`);
    try {
      assert.deepEqual(typeErrors(file), []);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("forward(tokenizer.toTensors(texts)) equals the Keras BertKerasLayer on [inputIds, inputMask, segmentIds], and HF names work", async () => {
    await ready();
    const { tokenizer } = trainWordPiece(["wake me up at seven tomorrow", "is it going to rain in seoul", "take an umbrella with you"], { vocabSize: 120, minFrequency: 1 });
    const config = bertConfig("tiny", { vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: 32 });
    const model = await BertModel.create(config, { seed: 1 });
    const texts: (string | [string, string])[] = ["wake me up at seven", ["is it going to rain", "take an umbrella"]];
    const inputs = tokenizer.toTensors(texts);
    assert.deepEqual(Object.keys(inputs).sort(), ["inputIds", "inputMask", "segmentIds"], "three tensors, as forward names them");
    assert.equal(inputs.inputWordIds, inputs.inputIds, "the deprecated alias is the same tensor");
    const out = model.forward(inputs);
    const hf = model.forward({ inputIds: inputs.inputIds, attentionMask: inputs.inputMask, tokenTypeIds: inputs.segmentIds });
    const layer = new BertKerasLayer({ bertConfig: config, initialWeights: new Map(model.namedWeights) });
    const [pooled, sequence] = layer.apply([inputs.inputIds, inputs.inputMask, inputs.segmentIds]) as tf.Tensor[];
    try {
      for (const [name, a, b] of [
        ["pooled (Keras)", out.pooledOutput, pooled],
        ["sequence (Keras)", out.sequenceOutput, sequence],
        ["pooled (HF names)", out.pooledOutput, hf.pooledOutput],
      ] as const) {
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
        assert.ok(diff < 1e-5, `${name} differs by ${diff}`);
      }
      assert.throws(() => model.forward({ inputIds: inputs.inputIds, inputMask: inputs.inputMask, attentionMask: inputs.inputMask }), /give inputMask or attentionMask .*not both/);
      assert.throws(() => model.forward({ inputIds: inputs.inputIds, segmentIds: inputs.segmentIds, tokenTypeIds: inputs.segmentIds }), /give segmentIds or tokenTypeIds .*not both/);
      assert.throws(() => model.forward(undefined as unknown as { inputIds: tf.Tensor }), /must be an object with inputIds/);
    } finally {
      tf.dispose([out.pooledOutput, out.sequenceOutput, hf.pooledOutput, hf.sequenceOutput, pooled, sequence]);
      tf.dispose(inputs);
      model.dispose();
    }
  });
});

describe("model: no synchronous readback in the Keras layer's call (every batch of fit)", () => {
  // tfjs's own GatherV2 kernels (wasm and cpu) read their indices back (for their bounds check); that is tfjs's,
  // not ours, so only readbacks called from outside tfjs's kernels count here, whichever backend an earlier test left.
  it("BertKerasLayer.apply makes no readback of its own; BertModel.forward still checks the ids (and reads)", async () => {
    await ready();
    const config = bertConfig("tiny", { vocabSize: 50, maxPositionEmbeddings: 16 });
    const model = await BertModel.create(config, { seed: 2 });
    const layer = new BertKerasLayer({ bertConfig: config, initialWeights: new Map(model.namedWeights) });
    const ids = tf.tensor2d([[2, 7, 9, 3]], [1, 4], "int32");
    const mask = tf.onesLike(ids);
    const segments = tf.zerosLike(ids);
    tf.dispose(layer.apply([ids, mask, segments]) as tf.Tensor[]); // builds the layer
    const backend = tf.backend() as unknown as { readSync: (...args: unknown[]) => unknown };
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = function (this: unknown, ...args: unknown[]) {
      const stack = new Error("read").stack ?? "";
      if (!/tfjs-backend-(wasm|cpu)[\\/]src[\\/]kernels[\\/]/.test(stack)) reads++;
      return readSync.apply(this, args);
    };
    try {
      tf.dispose(layer.apply([ids, mask, segments]) as tf.Tensor[]);
      assert.equal(reads, 0, "BertKerasLayer.call read tensors back synchronously");
      const out = model.forward({ inputIds: ids, inputMask: mask, segmentIds: segments });
      tf.dispose([out.pooledOutput, out.sequenceOutput]);
      assert.ok(reads > 0, "forward's id check should read the ids (this proves the counter works)");
    } finally {
      backend.readSync = readSync;
      tf.dispose([ids, mask, segments]);
      model.dispose();
    }
  });
});
