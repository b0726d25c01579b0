#!/usr/bin/env python3
"""Soft labels for distilling two event type classifiers into one (`events-default`, issue 15).

Averaging the probabilities of two classifiers trained by different recipes (the committed
one from the plain encoder, one from `nli-default`) scores better on our fold than either
alone, but shipping both would double the classifier's pass and its committed weights. So a
single student is trained instead (scripts/train_event_types.py --transfer) on the usual
hand-coded data plus real news sentences nobody coded, whose targets are the two teachers'
averaged probabilities.

The sentences are drawn as scripts/coding_pool.py draws sentences to code (FNC-1 article
bodies and NewsMTSC train sentences of 8 to 50 words holding an event word; nothing of any
dev or test split, nothing coded by hand or kept in eval/), with their own seed.

Usage: python scripts/distill_data.py --teachers DIR1,DIR2 --out FILE
           [--fnc 3500 --newsmtsc 1500 --seed 20261129]
Writes FILE, lines {"text", "probs": [p(NONE), p(AGREE), ...]} in train_event_types.LABELS order.
"""

import argparse
import collections
import json
import os
import random
import sys

import torch
from transformers import BertForSequenceClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coding_pool  # noqa: E402
import train_event_types  # noqa: E402
from training import BertTokenizerFast  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--teachers", required=True, help="comma-separated model directories")
    ap.add_argument("--out", required=True)
    ap.add_argument("--fnc", type=int, default=3500)
    ap.add_argument("--newsmtsc", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20261129)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-length", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    seen = coding_pool.known()
    texts = [t for _, t in coding_pool.draw(coding_pool.fnc(), args.fnc, rng, seen)
             + coding_pool.draw(coding_pool.newsmtsc(), args.newsmtsc, rng, seen)]

    total = 0
    teachers = args.teachers.split(",")
    for path in teachers:
        model = BertForSequenceClassification.from_pretrained(path)
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        if labels != train_event_types.LABELS:
            raise SystemExit(f"{path}: labels {labels} are not {train_event_types.LABELS}")
        tokenizer = BertTokenizerFast.from_pretrained(path)
        probs = torch.tensor(train_event_types.probabilities(
            model, tokenizer, texts, args.max_length, "cpu", with_case=False))
        total = total + probs
    mean = total / len(teachers)
    with open(args.out, "w", encoding="utf-8") as f:
        for text, p in zip(texts, mean.tolist()):
            f.write(json.dumps({"text": text, "probs": [round(v, 5) for v in p]},
                               ensure_ascii=False) + "\n")
    top = collections.Counter(train_event_types.LABELS[k] for k in mean.argmax(-1).tolist())
    print(f"{len(texts)} sentences labelled by {len(teachers)} teachers; most probable: "
          f"{dict(top.most_common())}")


if __name__ == "__main__":
    main()
