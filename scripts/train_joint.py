#!/usr/bin/env python3
"""One encoder for entities and event types (`entities-events-default`, issue 15 item 8):
`ner-default` fine-tuned further so that the same forward pass that tags a sentence's
entities also types its events.

Why: `batch` spent most of its time in two 6-layer encoders reading every sentence, the
entity model and the event type classifier (BENCHMARKS.md). Here both are one
`BertForTokenClassification` whose output rows are the 15 entity labels followed by 17
sentence labels, `SENT:NONE` and `SENT:<PLOVER type>`. At every word piece the entity labels
are read (softmax over those 15); at the first token, `[CLS]`, the sentence labels (softmax
over those 17). The crate's `EntityRecognizer` reads such a model as an entity model with
a sentence head, and `events::SharedEncoder` serves the sentence head as the event type
classifier without a second pass.

Training: starts from `ner-default` (its entity head kept; the sentence rows new), then
each step is one batch of entity sentences (scripts/ner_gold_data.py, cycled, so that the
entity head keeps what it learnt) and one batch of typed sentences
(scripts/event_type_data.py), the two cross-entropy losses summed. Inputs carry
capitalisation in the token types, as `ner-default` reads them. After each epoch: entity
F1 on the entity dev split (CoNLL types and full labels, as train_ner.py scores it) and
type micro F1 on the silver dev split and the hand-coded development set (as
train_event_types.py scores it).

Usage (CPU, 2 cores; see models/README.md for the time it took):
  python scripts/train_joint.py --ner-data models/cache/ner-data \
      --type-data models/cache/event-type-data --init models/ner-default \
      --out models/entities-events-default
"""

import argparse
import json
import os
import random
import sys

import torch
import torch.nn.functional as F
from transformers import BertForTokenClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training  # noqa: E402
import train_event_types as types_mod  # noqa: E402
import train_ner as ner_mod  # noqa: E402
from training import BertTokenizerFast  # noqa: E402

SENTENCE_PREFIX = "SENT:"


class SentenceView(torch.nn.Module):
    """The joint model seen as a sentence classifier (for train_event_types' scorer):
    the sentence rows of the first token's logits."""

    def __init__(self, model, n_token):
        super().__init__()
        self.model, self.n_token = model, n_token

    def forward(self, **kw):
        out = self.model(**kw)
        out.logits = out.logits[:, 0, self.n_token:]
        return out


class TokenView(torch.nn.Module):
    """The joint model seen as an entity tagger (for train_ner's scorer): the entity rows."""

    def __init__(self, model, n_token):
        super().__init__()
        self.model, self.n_token = model, n_token

    def forward(self, **kw):
        out = self.model(**kw)
        out.logits = out.logits[..., :self.n_token]
        return out


def main():
    ap = argparse.ArgumentParser()
    training.add_common_args(ap)
    ap.add_argument("--ner-data", required=True)
    ap.add_argument("--type-data", required=True)
    ap.add_argument("--hand-coded", default="eval/events-real-dev.jsonl")
    ap.add_argument("--init", required=True, help="the entity model to start from")
    ap.add_argument("--type-weight", type=float, default=1.0,
                    help="weight of the sentence loss against the entity loss")
    args = ap.parse_args()
    training.seed_everything(args.threads, args.device, args.seed)
    rng = random.Random(args.seed)

    token_labels = ner_mod.LABELS
    sentence_labels = types_mod.LABELS
    labels = token_labels + [SENTENCE_PREFIX + t for t in sentence_labels]
    n_token = len(token_labels)
    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    config, model = training.new_classifier(BertForTokenClassification, labels, args.base,
                                            args.init)
    # The entity rows of the head start as the entity model's; the sentence rows are new.
    tuned = training.load_file(os.path.join(args.init, "finetuned.fp16.safetensors"))
    with torch.no_grad():
        model.classifier.weight[:n_token] = tuned["classifier.weight"].float()
        model.classifier.bias[:n_token] = tuned["classifier.bias"].float()
    model.to(args.device)

    def read(path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    ner_train = training.limited(read(os.path.join(args.ner_data, "train.jsonl")), args.limit)
    ner_dev = training.limited(read(os.path.join(args.ner_data, "dev.jsonl")), args.limit)
    ner_items = [ner_mod.encode(tokenizer, r, args.max_length, True) for r in ner_train]

    typed = [{"text": r["text"], "label": t}
             for r in read(os.path.join(args.type_data, "train.jsonl"))
             for t in (r["types"] or ["NONE"])]
    typed = training.limited(typed, args.limit)
    type_dev = {"silver_dev": read(os.path.join(args.type_data, "dev.jsonl")),
                "hand_coded_dev": types_mod.hand_coded(args.hand_coded)}
    # The silver split is empty once every quad-class sentence is coded by hand.
    type_dev = {k: training.limited(v, args.limit) for k, v in type_dev.items() if v}
    type_ids, type_types = types_mod.encode(tokenizer, [r["text"] for r in typed],
                                            args.max_length, True)
    y = [sentence_labels.index(r["label"]) for r in typed]
    type_lengths = [len(x) for x in type_ids]
    print(f"{len(ner_items)} entity sentences, {len(typed)} typed sentences", flush=True)

    steps = training.steps_per_epoch(len(typed), args.batch_size)
    trainer = training.Trainer(model, args, steps)
    if args.resume:
        trainer.resume(rng)

    def ner_batches():
        while True:
            yield from training.length_batches([len(i[0]) for i in ner_items],
                                               args.batch_size, rng)

    # (A resumed run draws its entity batches afresh: it is not byte-identical to an
    # uninterrupted one.)
    ner_stream = ner_batches()
    model.train()
    history = []
    while trainer.epoch < args.epochs:
        total_ner, total_type, n = 0.0, 0.0, 0
        for chunk in training.length_batches(type_lengths, args.batch_size, rng):
            ids = training.pad([type_ids[i] for i in chunk], 0).to(args.device)
            tt = training.pad([type_types[i] for i in chunk], 0).to(args.device)
            mask = training.pad([[1] * type_lengths[i] for i in chunk], 0).to(args.device)
            target = torch.tensor([y[i] for i in chunk]).to(args.device)
            logits = model(input_ids=ids, attention_mask=mask, token_type_ids=tt).logits
            type_loss = F.cross_entropy(logits[:, 0, n_token:], target)

            nc = next(ner_stream)
            ids = training.pad([ner_items[i][0] for i in nc], 0).to(args.device)
            mask = training.pad([[1] * len(ner_items[i][0]) for i in nc], 0).to(args.device)
            lab = training.pad([ner_items[i][1] for i in nc], -100).to(args.device)
            tt = training.pad([ner_items[i][3] for i in nc], 0).to(args.device)
            logits = model(input_ids=ids, attention_mask=mask, token_type_ids=tt).logits
            ner_loss = F.cross_entropy(logits[..., :n_token].reshape(-1, n_token),
                                       lab.reshape(-1), ignore_index=-100)
            loss = ner_loss + args.type_weight * type_loss
            trainer.train_step(loss)
            total_ner, total_type, n = total_ner + ner_loss.item(), total_type + type_loss.item(), n + 1
        trainer.epoch += 1
        ner_scores = ner_mod.evaluate(TokenView(model, n_token), tokenizer, ner_dev,
                                      args.max_length, args.device, True)
        sv = SentenceView(model, n_token)
        type_scores = {name: types_mod.score(recs, types_mod.probabilities(
            sv, tokenizer, [r["text"] for r in recs], args.max_length, args.device, True))
            for name, recs in type_dev.items()}
        model.train()
        print(f"epoch {trainer.epoch}: mean loss entities {total_ner / n:.4f} "
              f"types {total_type / n:.4f}, {trainer.elapsed():.0f}s; dev:", flush=True)
        ner_mod.report(ner_scores)
        for name, table in type_scores.items():
            m = table["micro"]
            print(f"  {name}: micro P {m['precision']:.3f} R {m['recall']:.3f} "
                  f"F1 {m['f1']:.3f}", flush=True)
        history.append({"epoch": trainer.epoch, "loss_entities": total_ner / n,
                        "loss_types": total_type / n, "entities_dev": ner_scores,
                        "types_dev": type_scores, "seconds": trainer.elapsed()})
        trainer.checkpoint(rng)

    training.finish(model, config, args, trainer, history)


if __name__ == "__main__":
    main()
