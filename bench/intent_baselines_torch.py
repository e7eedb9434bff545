#!/usr/bin/env python3
"""
Reference points for the built-in intent dataset (data/intents/intents.jsonl): how far models with no
pretrained knowledge of English or Korean get, so bench:finetune's BERT figures can be read against them.

  /usr/bin/python3 bench/intent_baselines_torch.py [--json] [--few-shot K]

--few-shot K trains on the first K training utterances of each intent in each language, in file order:
the same few-shot split bench:finetune uses (src/data fewShotSplit).

Two multinomial logistic regressions on binary bag-of-n-gram features of the training split (all 41
classes, out-of-scope included, as bench:finetune counts them), trained with Adam in PyTorch (Debian's
python3-torch, a benchmark anchor only, never a runtime dependency):
  - words: lower-cased word unigrams and bigrams;
  - characters: character 2-, 3- and 4-grams (with word boundaries), which see inside Korean eojeol.
Test accuracy is reported per language, like bench:finetune.
"""
import json
import os
import re
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "intents", "intents.jsonl")


def features(text, kind):
    text = text.lower()
    if kind == "words":
        words = re.findall(r"\w+", text)
        return words + [a + " " + b for a, b in zip(words, words[1:])]
    padded = " " + text + " "
    return [padded[i:i + n] for n in (2, 3, 4) for i in range(len(padded) - n + 1)]


def fit_and_test(rows, kind, seed=0, epochs=300):
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    labels = sorted({r["intent"] for r in rows})
    label_id = {l: i for i, l in enumerate(labels)}
    vocab = {}
    for r in train:
        for f in features(r["text"], kind):
            vocab.setdefault(f, len(vocab))

    def matrix(split_rows):
        x = torch.zeros(len(split_rows), len(vocab))
        for i, r in enumerate(split_rows):
            for f in features(r["text"], kind):
                if f in vocab:
                    x[i, vocab[f]] = 1.0
        return x

    torch.manual_seed(seed)
    x_train, x_test = matrix(train), matrix(test)
    y_train = torch.tensor([label_id[r["intent"]] for r in train])
    model = torch.nn.Linear(len(vocab), len(labels))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
    for _ in range(epochs):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x_train), y_train).backward()
        optimizer.step()
    with torch.no_grad():
        predicted = model(x_test).argmax(1).tolist()
    out = {"features": len(vocab)}
    for lang in ("en", "ko"):
        idx = [i for i, r in enumerate(test) if r["lang"] == lang]
        out[f"test_accuracy_{lang}"] = sum(predicted[i] == label_id[test[i]["intent"]] for i in idx) / len(idx)
    out["test_accuracy"] = sum(p == label_id[r["intent"]] for p, r in zip(predicted, test)) / len(test)
    return out


def few_shot(rows, k):
    """Keeps the first k training rows per (intent, language); other splits unchanged."""
    kept, seen = [], {}
    for r in rows:
        if r["split"] == "train":
            key = (r["intent"], r["lang"])
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > k:
                continue
        kept.append(r)
    return kept


def main():
    torch.set_num_threads(1)
    with open(DATA, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if "--few-shot" in sys.argv:
        k = int(sys.argv[sys.argv.index("--few-shot") + 1])
        rows = few_shot(rows, k)
    results = {kind: fit_and_test(rows, kind) for kind in ("words", "characters")}
    if "--json" in sys.argv:
        print(json.dumps({"bench": "intent_baselines", "torch": torch.__version__, "results": results}))
        return
    for kind, r in results.items():
        print(f"{kind:10s} logistic regression: test {100 * r['test_accuracy']:.1f}% "
              f"(en {100 * r['test_accuracy_en']:.1f}%, ko {100 * r['test_accuracy_ko']:.1f}%), {r['features']} features")


if __name__ == "__main__":
    main()
