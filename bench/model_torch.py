#!/usr/bin/env python3
"""
PyTorch anchor for `npm run bench:model`: the same BERT shapes, timed on 1 thread (Debian's
python3-torch). The model is scripts/make_reference.py's, i.e. HF's modeling_bert.py architecture
built from torch's own modules, in eval mode under no_grad.

bench/model.ts runs this as a server so the two frameworks' timings interleave (a fair comparison
on a shared machine): it reads one JSON request per line on stdin and answers one JSON line each.
  {"op": "build", "name": "mini", "config": {<HF config.json>}}           -> {"ok": true}
  {"op": "time", "name": "mini", "batch": 1, "seq_len": 16, "repeats": 10} -> {"times_ms": [...], "cpu_ms": [...]}
(cpu_ms: the process's CPU time per forward, which other processes on the machine do not inflate)
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from make_reference import BertForPreTraining  # noqa: E402


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    models = {}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "build":
            models[req["name"]] = (BertForPreTraining(req["config"]).eval(), req["config"]["vocab_size"])
            print(json.dumps({"ok": True}), flush=True)
        elif req["op"] == "time":
            model, vocab = models[req["name"]]
            ids = torch.randint(1, vocab, (req["batch"], req["seq_len"]))
            segments = torch.zeros_like(ids)
            mask = torch.ones_like(ids)
            times, cpu = [], []
            with torch.no_grad():
                model(ids, segments, mask)  # warm-up
                for _ in range(req["repeats"]):
                    t, c = time.perf_counter(), time.process_time()
                    model(ids, segments, mask)
                    times.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
            print(json.dumps({"times_ms": times, "cpu_ms": cpu}), flush=True)


if __name__ == "__main__":
    main()
