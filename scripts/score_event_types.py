#!/usr/bin/env python3
"""Score event type classifiers side by side, per label, on the dev sets the trainer uses
(scripts/train_event_types.py: the silver dev split and the hand-coded development set), in
one run: the model card's table of a new model next to the one it replaces.

Each MODEL_DIR needs a full `model.safetensors` (scripts/models.sh assembles the defaults;
for a fresh training output run scripts/models.py's `assemble` first). A sequence classifier
(`events-default`) or a token classifier with a sentence head (`entities-events-default`,
scripts/train_joint.py: read at the first token, with capitalisation in the token types, as
the crate reads it).

Usage:
  python scripts/score_event_types.py --data models/cache/event-type-data \
      models/events-default NEW_DIR [--markdown]
"""

import argparse
import os
import sys

import torch
from transformers import AutoConfig, BertForSequenceClassification, BertForTokenClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from training import BertTokenizerFast  # noqa: E402
from train_event_types import LABELS, hand_coded, probabilities, read, score  # noqa: E402
from train_joint import SENTENCE_PREFIX, SentenceView  # noqa: E402


def load(path):
    """The model as a sentence classifier over LABELS, and whether it reads case types."""
    config = AutoConfig.from_pretrained(path)
    labels = [config.id2label[i] for i in range(len(config.id2label))]
    if labels == LABELS:
        return BertForSequenceClassification.from_pretrained(path), False
    n_token = sum(not l.startswith(SENTENCE_PREFIX) for l in labels)
    if labels[n_token:] != [SENTENCE_PREFIX + l for l in LABELS]:
        raise SystemExit(f"{path}: labels are not NONE + the 16 types in trainer order")
    return SentenceView(BertForTokenClassification.from_pretrained(path), n_token), True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+", help="model directories")
    ap.add_argument("--data", default="models/cache/event-type-data")
    ap.add_argument("--hand-coded", default="eval/events-real-dev.jsonl")
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    sets = {"silver dev": read(os.path.join(args.data, "dev.jsonl")),
            "hand-coded dev": hand_coded(args.hand_coded)}
    # The silver split is empty once every quad-class sentence is coded by hand.
    sets = {name: recs for name, recs in sets.items() if recs}
    tables = {}
    for path in args.models:
        model, with_case = load(path)
        multi_label = AutoConfig.from_pretrained(path).problem_type == "multi_label_classification"
        tokenizer = BertTokenizerFast.from_pretrained(path)
        for name, recs in sets.items():
            probs = probabilities(model, tokenizer, [r["text"] for r in recs],
                                  args.max_length, "cpu", with_case, multi_label=multi_label)
            tables[(path, name)] = score(recs, probs)
    for name in sets:
        print(f"\n{name}: F1 per label (support), " + " | ".join(args.models))
        print("| label | support | " + " | ".join(os.path.basename(m) for m in args.models) + " |")
        print("| --- | --- |" + " --- |" * len(args.models))
        labels = sorted({k for m in args.models for k in tables[(m, name)]} - {"micro"})
        for label in labels + ["micro"]:
            support = max(tables[(m, name)].get(label, {}).get("support", 0) for m in args.models)
            cells = [f"{tables[(m, name)][label]['f1']:.3f}" if label in tables[(m, name)]
                     else "-" for m in args.models]
            print(f"| {label} | {support} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
