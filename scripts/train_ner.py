#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 for news NER (`ner-default`) on gold-labelled data (issue 13).

Data: scripts/ner_gold_data.py's train.jsonl / dev.jsonl (CoNLL-2003 + wikigold + CrossNER
politics gold spans; GPE/LOC and NORP/MISC refined, DATE added; see that script).
Labels: BIO over PER, NORP, ORG, GPE, LOC, MISC, DATE. Every word piece is labelled (first
piece of a word B- only at the entity's first word, the rest I-), so every aggregation
strategy over pieces sees a consistent entity.

After each epoch the model is scored on the dev file, by the first piece of each
whitespace-separated word (the dev text is CoNLL tokens joined by spaces), entity level,
exact span and type: on the CoNLL types (predictions mapped GPE|LOC -> LOC,
NORP|MISC -> MISC, DATE dropped; the gold spans are CoNLL's own) and on the full label set
(silver for GPE/NORP/DATE, see ner_gold_data.py). The model of the last epoch is written.

Usage (CPU, 2 cores; see models/README.md for the time it took):
  python scripts/train_ner.py --data models/cache/ner-data --out models/ner-default
  (add --device cuda on a GPU; --resume continues a run that was cut off)
"""

import argparse
import collections
import json
import os
import random
import sys

import torch
from transformers import BertForTokenClassification


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training  # noqa: E402
from training import BertTokenizerFast  # noqa: E402

ENTITY_TYPES = ["PER", "NORP", "ORG", "GPE", "LOC", "MISC", "DATE"]


def bio_labels(types):
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


LABELS = bio_labels(ENTITY_TYPES)
TO_CONLL = {"PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "NORP": "MISC",
            "MISC": "MISC"}


def case_types(text, enc):
    """Token type 1 for every piece of a word that starts with an upper-case letter, 0 for
    the rest: the capitalisation an uncased encoder cannot see, given through the token type
    embeddings (unused in single-sentence tagging). The crate computes the same from the
    tokenizer's word ids and offsets (`models.toml`: `case_token_types = true`)."""
    types, word_start = [], {}
    for w, (s, _) in zip(enc.word_ids(), enc["offset_mapping"]):
        if w is not None and w not in word_start:
            word_start[w] = s
    for w in enc.word_ids():
        types.append(int(w is not None and text[word_start[w]].isupper()))
    return types


def encode(tokenizer, record, max_length, with_case=False):
    enc = tokenizer(record["text"], truncation=True, max_length=max_length,
                    return_offsets_mapping=True)
    labels = []
    special = tokenizer.get_special_tokens_mask(enc["input_ids"], already_has_special_tokens=True)
    for (s, e), sp in zip(enc["offset_mapping"], special):
        if sp:
            labels.append(-100)
            continue
        lab = "O"
        for (es, ee, t) in record["spans"]:
            if s >= es and e <= ee:
                lab = ("B-" if s == es else "I-") + t
                break
        labels.append(LABELS.index(lab))
    types = case_types(record["text"], enc) if with_case else [0] * len(labels)
    return enc["input_ids"], labels, enc["offset_mapping"], types


def word_starts(text):
    out, pos = [], 0
    for w in text.split(" "):
        out.append((pos, pos + len(w)))
        pos += len(w) + 1
    return out


def decode_words(text, offsets, pred_ids):
    """Word-level BIO spans (char offsets) from the label of each word's first piece."""
    words = word_starts(text)
    first = {}
    for k, (s, e) in enumerate(offsets):
        if e > s and s not in first:
            first[s] = pred_ids[k]
    spans, cur = [], None
    for ws, we in words:
        lab = LABELS[first[ws]] if ws in first else "O"
        kind = lab[2:] if lab != "O" else None
        if cur and (kind is None or lab.startswith("B-") or kind != cur[2]):
            spans.append(tuple(cur))
            cur = None
        if kind and cur is None:
            cur = [ws, we, kind]
        elif kind:
            cur[1] = we
    if cur:
        spans.append(tuple(cur))
    return spans


def score(gold_sets, pred_sets):
    counts = collections.defaultdict(lambda: [0, 0, 0])
    for gold, pred in zip(gold_sets, pred_sets):
        g, p = set(gold), set(pred)
        for s in p:
            counts[s[2]][0 if s in g else 1] += 1
        for s in g - p:
            counts[s[2]][2] += 1
    out = {}
    for t, (tp, fp, fn) in sorted(counts.items()):
        p, r, f = training.prf(tp, fp, fn)
        out[t] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = training.prf(tp, fp, fn)
    out["micro"] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    return out


@torch.no_grad()
def evaluate(model, tokenizer, records, max_length, device, with_case, batch_size=64):
    model.eval()
    enc = [encode(tokenizer, r, max_length, with_case) for r in records]
    preds = [None] * len(records)
    for chunk in training.length_batches([len(e[0]) for e in enc], batch_size, random.Random(0)):
        ids = training.pad([enc[i][0] for i in chunk], 0).to(device)
        mask = (training.pad([[1] * len(enc[i][0]) for i in chunk], 0)).to(device)
        types = training.pad([enc[i][3] for i in chunk], 0).to(device)
        logits = model(input_ids=ids, attention_mask=mask,
                       token_type_ids=types).logits.argmax(-1).cpu()
        for row, i in enumerate(chunk):
            preds[i] = decode_words(records[i]["text"], enc[i][2], logits[row].tolist())
    model.train()
    full = score([[tuple(s) for s in r["spans"]] for r in records], preds)
    if not all("conll" in r for r in records):
        return {"full_labels": full}
    conll_pred = [[(s, e, TO_CONLL[t]) for s, e, t in p if t in TO_CONLL] for p in preds]
    conll = score([[tuple(s) for s in r["conll"]] for r in records], conll_pred)
    return {"conll_types": conll, "full_labels": full}


def report(scores):
    for name, table in scores.items():
        cells = " ".join(f"{t}={v['f1']:.4f}" for t, v in table.items())
        print(f"  {name}: {cells}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    training.add_common_args(ap)
    ap.add_argument("--data", required=True, help="folder with train.jsonl and dev.jsonl")
    ap.add_argument("--case-token-types", action="store_true",
                    help="give capitalisation through token type ids (see case_types)")
    ap.add_argument("--types", default=",".join(ENTITY_TYPES),
                    help="comma-separated span types of the data (the event role tagger "
                         "uses SOURCE,TARGET,RECIPROCAL)")
    ap.add_argument("--init", help="start from this fine-tune (every tensor but the head)")
    args = ap.parse_args()
    training.seed_everything(args.threads, args.device, args.seed)
    # The label list is module state read by encode/decode_words; set it once, before use.
    global LABELS
    LABELS = bio_labels(args.types.split(","))

    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    config, model = training.new_classifier(BertForTokenClassification, LABELS, args.base,
                                            args.init)
    model.to(args.device)

    def read(name):
        with open(os.path.join(args.data, name), encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    train = training.limited(read("train.jsonl"), args.limit)
    dev = training.limited(read("dev.jsonl"), args.limit)
    items = [encode(tokenizer, r, args.max_length, args.case_token_types) for r in train]
    rng = random.Random(args.seed)
    trainer = training.Trainer(model, args,
                               training.steps_per_epoch(len(items), args.batch_size))
    if args.resume:
        trainer.resume(rng)
    model.train()
    history = []
    while trainer.epoch < args.epochs:
        total, n = 0.0, 0
        for chunk in training.length_batches([len(i[0]) for i in items], args.batch_size, rng):
            ids = training.pad([items[i][0] for i in chunk], 0).to(args.device)
            mask = training.pad([[1] * len(items[i][0]) for i in chunk], 0).to(args.device)
            labels = training.pad([items[i][1] for i in chunk], -100).to(args.device)
            types = training.pad([items[i][3] for i in chunk], 0).to(args.device)
            loss = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                         labels=labels).loss
            trainer.train_step(loss)
            total, n = total + loss.item(), n + 1
        trainer.epoch += 1
        scores = evaluate(model, tokenizer, dev, args.max_length, args.device,
                          args.case_token_types)
        print(f"epoch {trainer.epoch}: mean loss {total / n:.4f}, "
              f"{trainer.elapsed():.0f}s; dev:", flush=True)
        report(scores)
        history.append({"epoch": trainer.epoch, "loss": total / n, "dev": scores,
                        "seconds": trainer.elapsed()})
        trainer.checkpoint(rng)

    training.finish(model, config, args, trainer, history)


if __name__ == "__main__":
    main()
