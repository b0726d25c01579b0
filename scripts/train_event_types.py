#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 as the sentence-level PLOVER event type classifier
(`events-default`, issue 15): sentence in, a probability for NONE and each of the 16 types
out. By default a softmax: a sentence with two types is trained once per type, so their
probability is shared. With `--multi-label` (below; the committed model) each label is an
independent sigmoid. (A first try with sigmoid outputs whose biases started at zero learned
nothing in 4 epochs on 2 CPU cores: the mean loss stayed at the all-zero baseline; started
at each label's log-odds, they learn.)

Data: scripts/event_type_data.py's train.jsonl / dev.jsonl (`{"text", "types"}`). After
each epoch it scores, by the most probable label, the dev split (silver types on real sentences) and
the hand-coded development set `eval/events-real-dev.jsonl` (the set of types each sentence
reports), micro precision / recall / F1 over (sentence, type) pairs.

Usage (CPU; see models/README.md for the time it took):
  python scripts/train_event_types.py --data models/cache/event-type-data \
      --out models/events-default [--init models/ner-default] [--device cuda]

With `--transfer FILE` (scripts/distill_data.py) the sentences of FILE are trained as well,
each toward the probabilities it gives (teachers' averaged soft labels): cross-entropy with
a distribution as target, the coded sentences' one-hot as before.

With `--multi-label` the 17 outputs are independent sigmoids (`problem_type` is
`multi_label_classification` in config.json, and the crate reads the model so): each
sentence once, its types (or NONE) as a multi-hot target, binary cross-entropy, the output
biases started at each label's log-odds in the training data so the head does not first
spend its steps learning that labels are rare. A type's probability is then whether the
sentence reports that type, not a share the types compete for.

With `--init models/ner-default --case-token-types --freeze-below K` the embeddings and the
first K layers stay those of the entity model, byte for byte, and the inputs are encoded as
the entity model encodes them (capitalisation in the token types): the crate can then start
this classifier from the entity model's layer-K states instead of a pass of its own.
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
import training  # noqa: E402
from training import BertTokenizerFast  # noqa: E402
from train_ner import case_types  # noqa: E402

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
LABELS = ["NONE"] + TYPES


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def hand_coded(path):
    return [{"text": r["text"], "types": sorted({e["type"] for e in r["events"]})}
            for r in read(path)]


def encode(tokenizer, texts, max_length, with_case):
    """Token ids and token type ids; the types carry capitalisation as the entity model's do."""
    if not with_case:
        ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
        return ids, [[0] * len(x) for x in ids]
    ids, types = [], []
    for text in texts:
        enc = tokenizer(text, truncation=True, max_length=max_length,
                        return_offsets_mapping=True)
        ids.append(enc["input_ids"])
        types.append(case_types(text, enc))
    return ids, types


@torch.no_grad()
def probabilities(model, tokenizer, texts, max_length, device, with_case, batch_size=64,
                  multi_label=False):
    model.eval()
    ids_all, types_all = encode(tokenizer, texts, max_length, with_case)
    out = [None] * len(texts)
    lengths = [len(x) for x in ids_all]
    for chunk in training.length_batches(lengths, batch_size, random.Random(0)):
        ids = training.pad([ids_all[i] for i in chunk], 0).to(device)
        types = training.pad([types_all[i] for i in chunk], 0).to(device)
        mask = training.pad([[1] * lengths[i] for i in chunk], 0).to(device)
        logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
        p = (torch.sigmoid(logits) if multi_label else torch.softmax(logits, -1)).cpu()
        for row, i in enumerate(chunk):
            out[i] = p[row].tolist()
    model.train()
    return out


def score(records, probs):
    counts = collections.defaultdict(lambda: [0, 0, 0])
    for r, p in zip(records, probs):
        gold = set(r["types"])
        best = LABELS[max(range(len(p)), key=p.__getitem__)]
        pred = set() if best == "NONE" else {best}
        for t in pred:
            counts[t][0 if t in gold else 1] += 1
        for t in gold - pred:
            counts[t][2] += 1
    out = {}
    for t, (tp, fp, fn) in sorted(counts.items()):
        p, r, f = training.prf(tp, fp, fn)
        out[t] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = training.prf(tp, fp, fn)
    out["micro"] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    return out


def main():
    ap = argparse.ArgumentParser()
    training.add_common_args(ap)
    ap.add_argument("--data", required=True, help="folder with train.jsonl and dev.jsonl")
    ap.add_argument("--hand-coded", default="eval/events-real-dev.jsonl")
    ap.add_argument("--init", help="start from this fine-tune of ours (not its head)")
    ap.add_argument("--case-token-types", action="store_true",
                    help="capitalisation in the token type ids, as ner-default reads it")
    ap.add_argument("--freeze-below", type=int, default=0, metavar="K",
                    help="keep the embeddings and the first K layers as --init has them")
    ap.add_argument("--transfer", help="jsonl of {text, probs}: soft-labelled extra sentences")
    ap.add_argument("--multi-label", action="store_true",
                    help="independent sigmoid outputs, multi-hot targets (see the docstring)")
    args = ap.parse_args()
    if args.multi_label and args.transfer:
        raise SystemExit("--multi-label and --transfer do not go together")
    training.seed_everything(args.threads, args.device, args.seed)
    rng = random.Random(args.seed)

    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    config, model = training.new_classifier(BertForSequenceClassification, LABELS, args.base,
                                            args.init)
    if args.multi_label:
        config.problem_type = model.config.problem_type = "multi_label_classification"
    if args.freeze_below:
        if not args.init:
            raise SystemExit("--freeze-below needs --init: the layers to share come from it")
        frozen = [model.bert.embeddings] + list(model.bert.encoder.layer[:args.freeze_below])
        for module in frozen:
            for p in module.parameters():
                p.requires_grad_(False)
    model.to(args.device)

    rows = read(os.path.join(args.data, "train.jsonl"))
    if args.multi_label:
        train = [{"text": r["text"], "labels": r["types"] or ["NONE"]} for r in rows]
    else:
        train = [{"text": r["text"], "label": t} for r in rows for t in (r["types"] or ["NONE"])]
    dev = {"silver_dev": read(os.path.join(args.data, "dev.jsonl")),
           "hand_coded_dev": hand_coded(args.hand_coded)}
    if args.transfer:
        train += [{"text": r["text"], "probs": r["probs"]} for r in read(args.transfer)]
    train = training.limited(train, args.limit)
    # The silver split is empty once every quad-class sentence is coded by hand.
    dev = {name: training.limited(recs, args.limit) for name, recs in dev.items() if recs}
    ids_all, types_all = encode(tokenizer, [r["text"] for r in train], args.max_length,
                                args.case_token_types)
    if args.transfer:
        # A distribution per sentence: one-hot for a coded type, the teachers' for the rest.
        y = [r["probs"] if "probs" in r else [float(label == r["label"]) for label in LABELS]
             for r in train]
    elif args.multi_label:
        y = [[float(label in r["labels"]) for label in LABELS] for r in train]
        prior = torch.tensor(y).mean(0).clamp(1e-4, 1 - 1e-4)
        with torch.no_grad():
            model.classifier.bias.copy_(torch.log(prior / (1 - prior)))
    else:
        y = [LABELS.index(r["label"]) for r in train]
    lengths = [len(x) for x in ids_all]
    print(f"{len(train)} training sentences; dev {[(k, len(v)) for k, v in dev.items()]}",
          flush=True)
    trainer = training.Trainer(model, args, training.steps_per_epoch(len(train), args.batch_size))
    if args.resume:
        trainer.resume(rng)
    model.train()
    history = []
    while trainer.epoch < args.epochs:
        total, n = 0.0, 0
        for chunk in training.length_batches(lengths, args.batch_size, rng):
            ids = training.pad([ids_all[i] for i in chunk], 0).to(args.device)
            types = training.pad([types_all[i] for i in chunk], 0).to(args.device)
            mask = training.pad([[1] * lengths[i] for i in chunk], 0).to(args.device)
            target = torch.tensor([y[i] for i in chunk]).to(args.device)
            if args.multi_label:
                logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
                loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target)
            elif args.transfer:
                logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
                loss = -(target * torch.log_softmax(logits, -1)).sum(-1).mean()
            else:
                loss = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                             labels=target).loss
            trainer.train_step(loss)
            total, n = total + loss.item(), n + 1
        trainer.epoch += 1
        scores = {name: score(recs, probabilities(model, tokenizer, [r["text"] for r in recs],
                                                  args.max_length, args.device,
                                                  args.case_token_types, multi_label=args.multi_label))
                  for name, recs in dev.items()}
        print(f"epoch {trainer.epoch}: mean loss {total / n:.4f}, {trainer.elapsed():.0f}s; dev:",
              flush=True)
        for name, table in scores.items():
            m = table["micro"]
            print(f"  {name}: micro P {m['precision']:.3f} R {m['recall']:.3f} "
                  f"F1 {m['f1']:.3f}", flush=True)
        history.append({"epoch": trainer.epoch, "loss": total / n, "dev": scores,
                        "seconds": trainer.elapsed()})
        trainer.checkpoint(rng)

    training.finish(model, config, args, trainer, history, train=len(train))


if __name__ == "__main__":
    main()
