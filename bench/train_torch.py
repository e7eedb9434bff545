#!/usr/bin/env python3
"""PyTorch reference for bench:train: the same BERT pretraining step as bench/mini-bert.ts.

  python3 bench/train_torch.py --config mini --json [--steps N] [--dropout P]

Embeddings + LayerNorm, post-LN encoder layers with erf-GELU, MLM head tied to the word
embeddings, cross-entropy over every position, Adam; dropout P (as HF BERT places it) in
the training step. One thread, as the benchmark's anchor.
Exits with status 3 and a one-line reason when torch is not installed.
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:  # torch is a benchmark anchor only, never a dependency
    print(f"torch is not installed for {sys.executable}: {error}", file=sys.stderr)
    sys.exit(3)

CONFIGS = {
    "mini": dict(vocab=8000, hidden=256, layers=4, heads=4, ff=1024, batch=32, seq=64),
    "tiny": dict(vocab=1000, hidden=64, layers=2, heads=2, ff=256, batch=8, seq=32),
}


def init_weights(module):
    """BERT's initialisation (HF _init_weights), as bertlab's model uses. torch's defaults
    (N(0, 1) embeddings) make the tied decoder's logits so large that the softmax underflows
    into denormal floats, and every backward matmul then runs many times slower."""
    if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
        module.weight.data.normal_(mean=0.0, std=0.02)
    if isinstance(module, torch.nn.Linear) and module.bias is not None:
        module.bias.data.zero_()
    if isinstance(module, torch.nn.LayerNorm):
        module.weight.data.fill_(1.0)
        module.bias.data.zero_()


class Layer(torch.nn.Module):
    def __init__(self, h, ff, heads, p):
        super().__init__()
        self.heads = heads
        self.drop = torch.nn.Dropout(p)
        self.q, self.k, self.v, self.o = (torch.nn.Linear(h, h) for _ in range(4))
        self.ln1 = torch.nn.LayerNorm(h, eps=1e-12)
        self.inter = torch.nn.Linear(h, ff)
        self.out = torch.nn.Linear(ff, h)
        self.ln2 = torch.nn.LayerNorm(h, eps=1e-12)

    def forward(self, x, mask_bias):
        b, s, h = x.shape
        d = h // self.heads
        split = lambda t: t.view(b, s, self.heads, d).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias
        context = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(self.drop(self.o(context)) + x)
        return self.ln2(self.drop(self.out(F.gelu(self.inter(x)))) + x)


class MiniBert(torch.nn.Module):
    def __init__(self, c, p):
        super().__init__()
        h = c["hidden"]
        self.drop = torch.nn.Dropout(p)
        self.word = torch.nn.Embedding(c["vocab"], h)
        self.pos = torch.nn.Embedding(512, h)
        self.token_type = torch.nn.Embedding(2, h)
        self.ln = torch.nn.LayerNorm(h, eps=1e-12)
        self.layers = torch.nn.ModuleList(Layer(h, c["ff"], c["heads"], p) for _ in range(c["layers"]))
        self.head = torch.nn.Linear(h, h)
        self.head_ln = torch.nn.LayerNorm(h, eps=1e-12)
        self.decoder_bias = torch.nn.Parameter(torch.zeros(c["vocab"]))
        self.apply(init_weights)

    def forward(self, ids, segments, mask):
        positions = torch.arange(ids.shape[1])
        x = self.drop(self.ln(self.word(ids) + self.token_type(segments) + self.pos(positions)[None]))
        mask_bias = ((1.0 - mask.float()) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask_bias)
        t = self.head_ln(F.gelu(self.head(x)))
        return t @ self.word.weight.t() + self.decoder_bias


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="mini", choices=sorted(CONFIGS))
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    c = CONFIGS[args.config]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = MiniBert(c, args.dropout)
    b, s, v = c["batch"], c["seq"], c["vocab"]
    ids = torch.randint(0, v, (b, s))
    segments = torch.cat([torch.zeros(b, s // 2, dtype=torch.long), torch.ones(b, s // 2, dtype=torch.long)], 1)
    mask = torch.ones(b, s, dtype=torch.long)
    labels = torch.randint(0, v, (b, s))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

    def forward_once():
        model.eval()
        with torch.no_grad():
            model(ids, segments, mask)

    def train_once():
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(ids, segments, mask).view(-1, v), labels.view(-1))
        loss.backward()
        optimizer.step()
        return loss.item()

    def timed(f):
        # Wall-clock and process CPU seconds (see bench/train.ts).
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            f()
        return time.perf_counter() - wall, time.process_time() - cpu

    forward_once()
    train_once()
    tokens = b * s * args.steps
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "config": args.config,
        "dropout": args.dropout,
    }
    train_wall, train_cpu = timed(train_once)
    forward_wall, forward_cpu = timed(forward_once)
    result.update(
        train_tokens_per_s=round(tokens / train_wall, 1),
        forward_tokens_per_s=round(tokens / forward_wall, 1),
        train_tokens_per_cpu_s=round(tokens / train_cpu, 1),
        forward_tokens_per_cpu_s=round(tokens / forward_cpu, 1),
    )
    print(json.dumps(result) if args.json else result)


if __name__ == "__main__":
    main()
