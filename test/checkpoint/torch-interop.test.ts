/**
 * What bertlab saves, PyTorch loads: a checkpoint written by BertForPreTraining.save is read by an
 * independent reader in Python (header JSON + numpy, scripts/make_reference.py's modules) and must
 * reproduce torch's golden outputs. Skipped, with the reason, when python3 with torch is absent.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready } from "../../src/backend";
import { BertForPreTraining } from "../../src/model";
import { TINY } from "../model/helpers";

const SCRIPT = `
import json, struct, sys
import numpy as np, torch
sys.path.insert(0, sys.argv[3])
from make_reference import BertForPreTraining
path, fixture = sys.argv[1], sys.argv[2]
raw = open(path + "/model.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
kinds = {"F32": np.float32, "F16": np.float16}
state = {}
for name, e in header.items():
    if name == "__metadata__":
        continue
    a, b = e["data_offsets"]
    state[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=kinds[e["dtype"]]).astype(np.float32).reshape(e["shape"]).copy())
config = json.load(open(path + "/config.json"))
model = BertForPreTraining(config).eval()
missing, unexpected = model.load_state_dict(state, strict=False)
assert missing == ["cls.predictions.decoder.weight"] and unexpected == [], (missing, unexpected)
inputs = json.load(open(fixture + "/inputs.json"))
expected = json.load(open(fixture + "/expected.json"))
ids, seg, mask = (torch.tensor(inputs[k]) for k in ("input_ids", "segment_ids", "input_mask"))
with torch.no_grad():
    seq, pooled, mlm, nsp, _, _ = model(ids, seg, mask)
diff = max(float((t - torch.tensor(expected[k])).abs().max()) for t, k in ((seq, "sequence_output"), (pooled, "pooled_output"), (mlm, "mlm_logits"), (nsp, "nsp_logits")))
print(json.dumps({"max_abs_diff": diff}))
`;

function torchPython(): string | undefined {
  for (const candidate of [process.env.BERTLAB_PYTHON, "python3", "/usr/bin/python3"]) {
    if (candidate && spawnSync(candidate, ["-c", "import torch, numpy"]).status === 0) return candidate;
  }
  return undefined;
}

describe("checkpoint: PyTorch loads what bertlab saves", function () {
  const python = torchPython();
  before(function () {
    if (!python) {
      console.log("      (skipped: no python3 with torch and numpy; install python3-torch to run this check)");
      this.skip();
    }
  });

  it("a saved BertForPreTraining gives torch's golden outputs in torch", async () => {
    await ready();
    const model = await BertForPreTraining.fromPretrained(TINY);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bertlab-interop-"));
    try {
      await model.save(dir);
      const res = spawnSync(python!, ["-c", SCRIPT, dir, TINY, path.resolve(__dirname, "../../scripts")], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } });
      assert.equal(res.status, 0, res.stderr);
      const { max_abs_diff } = JSON.parse(res.stdout.trim().split("\n").pop()!) as { max_abs_diff: number };
      assert.ok(max_abs_diff <= 1e-5, `torch outputs from bertlab's checkpoint differ by ${max_abs_diff}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  });
});
