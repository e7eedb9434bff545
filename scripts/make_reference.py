#!/usr/bin/env python3
"""
Golden reference for bertlab's TensorFlow.js BERT (src/model), built from torch's own nn modules.

The modules below mirror Hugging Face's modeling_bert.py attribute by attribute, so
`state_dict()` has exactly the Hub's tensor names, but share no code with it (the
`transformers` package is not needed). Run with Debian's torch (python3-torch 1.13):

    /usr/bin/python3 scripts/make_reference.py            # rewrites test/fixtures/model/

It writes, for a small random BERT (L2 / H64 / 4 heads / FF128 / vocab 120 / 32 positions):
  tiny-bert/         config.json, model.safetensors (F32, current names, tied decoder left out),
                     inputs.json (padded batch, both segments), expected.json (torch outputs)
  tiny-bert-legacy/  the same weights rounded to F16, stored under legacy names (`bert.` prefix,
                     LayerNorm gamma/beta, explicit decoder weight), with torch outputs of the rounded model
  tiny-bert-pt/      the legacy checkpoint's F16 weights as pytorch_model.bin in torch's legacy (pre-1.6)
                     stream format, as Google's compact BERTs are published (its expected outputs are
                     tiny-bert-legacy's)
  dtypes/            values.safetensors (the same numbers as F32, F16 and BF16, with specials),
                     values.json (torch's float32 view of each), for the dtype decoding tests, and the
                     same tensors plus a transposed view, a row view and int64 ids via torch.save, in
                     the zip format (values.pt) and the legacy format (values_legacy.pt)
safetensors files are written by hand here (header JSON + raw little-endian bytes) so the
TypeScript reader is checked against an independent writer.
"""
import json
import math
import os
import struct
import sys

import torch
from torch import nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "model")

CONFIG = {
    "architectures": ["BertForPreTraining"],
    "model_type": "bert",
    "vocab_size": 120,
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 32,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
}


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.key = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.value = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, x, additive_mask):
        b, s, h = x.shape
        split = lambda t: t.view(b, s, self.heads, h // self.heads).permute(0, 2, 1, 3)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + additive_mask
        probs = torch.softmax(scores, dim=-1)
        return (probs @ v).permute(0, 2, 1, 3).reshape(b, s, h), probs


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, x, additive_mask):
        context, probs = self.self(x, additive_mask)
        return self.output(context, x), probs


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))  # erf form, as BERT's "gelu"


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, x, additive_mask):
        a, probs = self.attention(x, additive_mask)
        return self.output(self.intermediate(a), a), probs


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, sequence_output):
        return torch.tanh(self.dense(sequence_output[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, token_type_ids, attention_mask):
        additive = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = self.embeddings(input_ids, token_type_ids)
        hidden, attentions = [h], []
        for layer in self.encoder.layer:
            h, probs = layer(h, additive)
            hidden.append(h)
            attentions.append(probs)
        return h, self.pooler(h), hidden, attentions


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x):
        return self.LayerNorm(F.gelu(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


class BertPreTrainingHeads(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)
        self.seq_relationship = nn.Linear(c["hidden_size"], 2)


class BertForPreTraining(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c)
        self.cls = BertPreTrainingHeads(c)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tied

    def forward(self, input_ids, token_type_ids, attention_mask):
        seq, pooled, hidden, attentions = self.bert(input_ids, token_type_ids, attention_mask)
        return seq, pooled, self.cls.predictions(seq), self.cls.seq_relationship(pooled), hidden, attentions


# ---- safetensors, written by hand -------------------------------------------------------------

DTYPE_CODES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits as int16
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # the data starts 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def rounded(values, digits=7):
    if isinstance(values, list):
        return [rounded(v, digits) for v in values]
    return float(f"{values:.{digits}g}")


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


# ---- the fixtures -------------------------------------------------------------------------------


def randomise(model):
    """Weights far from BERT's N(0, 0.02) init, so outputs are O(1) and a wrong op shows in the diff."""
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.25 * torch.randn(p.shape, generator=g))


def make_inputs():
    g = torch.Generator().manual_seed(99)
    lengths = [10, 7, 4]  # padded to 10: rows 2 and 3 carry padding
    b, s = len(lengths), max(lengths)
    ids = torch.randint(1, CONFIG["vocab_size"], (b, s), generator=g)
    mask = torch.zeros(b, s, dtype=torch.long)
    segments = torch.zeros(b, s, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, :n] = 1
        segments[i, n // 2 : n] = 1  # sentence B starts mid-way, padding is segment 0 as in BERT
        ids[i, n:] = 0
    ids[:, 0] = 2  # a [CLS]-like id
    return ids, segments, mask


def run(model, ids, segments, mask):
    model.eval()
    with torch.no_grad():
        seq, pooled, mlm, nsp, hidden, attentions = model(ids, segments, mask)
    return {
        "sequence_output": rounded(seq.tolist()),
        "pooled_output": rounded(pooled.tolist()),
        "mlm_logits": rounded(mlm.tolist()),
        "nsp_logits": rounded(nsp.tolist()),
        "attentions_last": rounded(attentions[-1].tolist()),
        "hidden_states_first": rounded(hidden[0].tolist()),
    }


def current_names(model):
    # HF drops the tied decoder weight when saving safetensors; the loader must re-tie it.
    tensors = {k: v for k, v in model.state_dict().items() if k != "cls.predictions.decoder.weight"}
    # transformers < 4.31 also saved the position_ids buffer (int64): loaders must skip it.
    tensors["bert.embeddings.position_ids"] = torch.arange(CONFIG["max_position_embeddings"]).unsqueeze(0)
    return tensors


def legacy_names(model):
    out = {}
    for k, v in model.state_dict().items():
        if ".LayerNorm." in k:
            k = k.replace(".LayerNorm.weight", ".LayerNorm.gamma").replace(".LayerNorm.bias", ".LayerNorm.beta")
        out[k] = v.clone()
    return out


def main():
    torch.manual_seed(0)
    model = BertForPreTraining(CONFIG)
    randomise(model)
    ids, segments, mask = make_inputs()
    inputs = {"input_ids": ids.tolist(), "segment_ids": segments.tolist(), "input_mask": mask.tolist()}

    out = os.path.join(ROOT, "tiny-bert")
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), CONFIG)
    write_safetensors(os.path.join(out, "model.safetensors"), current_names(model), {"format": "pt"})
    write_json(os.path.join(out, "inputs.json"), inputs)
    write_json(os.path.join(out, "expected.json"), run(model, ids, segments, mask))

    # Legacy layout in F16: torch's outputs for the model whose weights went through F16.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    out = os.path.join(ROOT, "tiny-bert-legacy")
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), CONFIG)
    write_safetensors(os.path.join(out, "model.safetensors"), {k: v.half() for k, v in legacy_names(model).items()})
    write_json(os.path.join(out, "inputs.json"), inputs)
    write_json(os.path.join(out, "expected.json"), run(model, ids, segments, mask))

    out = os.path.join(ROOT, "tiny-bert-pt")
    os.makedirs(out, exist_ok=True)
    write_json(os.path.join(out, "config.json"), CONFIG)
    legacy = {k: v.half() for k, v in legacy_names(model).items()}
    torch.save(legacy, os.path.join(out, "pytorch_model.bin"), _use_new_zipfile_serialization=False)

    # Dtype decoding: the same numbers in each type, specials included.
    values = torch.tensor(
        [0.0, -0.0, 1.0, -2.5, 3.14159265, 65504.0, 1e-3, 6.1e-5, 5.96e-8, 1e-8, 1e5, 3e38, -1e-40,
         float("inf"), float("-inf"), float("nan"), 0.1, -7.75, 1234.5678, 2.0 ** -126],
        dtype=torch.float32,
    ).reshape(4, 5)
    out = os.path.join(ROOT, "dtypes")
    os.makedirs(out, exist_ok=True)
    typed = {"f32": values, "f16": values.half(), "bf16": values.bfloat16()}
    write_safetensors(os.path.join(out, "values.safetensors"), typed)

    pickled = dict(typed)
    pickled["f32_transposed"] = values.t()  # strides [1, 5]: a non-contiguous view
    pickled["f16_row"] = typed["f16"][1]  # storage offset 5, sharing the f16 storage
    pickled["ids"] = torch.arange(6)  # int64, not loadable as weights
    torch.save(pickled, os.path.join(out, "values.pt"))
    torch.save(pickled, os.path.join(out, "values_legacy.pt"), _use_new_zipfile_serialization=False)

    def as_json(t):  # JSON has no inf/nan: spell them as strings
        return [[v if math.isfinite(v) else str(v) for v in row] for row in t.float().tolist()]

    write_json(os.path.join(out, "values.json"), {k: as_json(t) for k, t in typed.items()})
    print(f"wrote fixtures under {os.path.normpath(ROOT)} with torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
