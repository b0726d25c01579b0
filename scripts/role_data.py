#!/usr/bin/env python3
"""Training and dev data for the event role tagger (`roles-default`, issue 15).

Source: ConfliBERT's CAMEO role set (`../shared/data/events/confli_cameo_ner/train.txt`, real
news sentences, one token per line, BIO tags S = event source, T = event target, R = a
reciprocal participant, both source and target of a symmetric event such as a meeting).
Only its train split is shared with us, so we carve our own dev split from it: every sixth
sentence (index % 6 == 5), minus any sentence whose text also occurs in the train part, so
no dev sentence is seen in training. Sentences of the hand-coded event sets
(`eval/events-real-dev.jsonl`, `eval/events-real-heldout.jsonl`, drawn from ConfliBERT's
sister set, which shares many sentences with this one) are left out of both, so those sets
stay unseen by the tagger.

Output (the format scripts/train_ner.py reads): `{"text", "spans": [[start, end, type]],
"source"}` per line, text = the tokens joined by single spaces, spans in characters, types
SOURCE / TARGET / RECIPROCAL.

With `--scheme plover` (for `roles-plover`) the training sentences are instead our own
real sentences coded by hand in PLOVER (`data/events-*-train.jsonl`, the data of
`events-default`): every actor a coder listed as a source is SOURCE, every target TARGET, at
its first occurrence in the sentence (an actor in two roles takes the role of the first event
that names it; overlapping later spans are dropped). Left out: the hand-coded evaluation sets,
the ConfliBERT dev split above (so the extractor can still be scored on it unseen) and, with
`--fold K/N`, the sentences `scripts/event_type_data.py --fold K/N` holds out. The dev split
stays ConfliBERT's (its annotators' scheme, not ours: a rough monitor only).

Usage: python scripts/role_data.py [--src FILE] [--out models/cache/role-data]
       python scripts/role_data.py --scheme plover --out models/cache/role-plover-data [--fold K/N]
"""

import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hand_coded  # noqa: E402
from hand_coded import squeeze  # noqa: E402

TYPES = {"S": "SOURCE", "T": "TARGET", "R": "RECIPROCAL"}


def read_conll(path):
    sentences, tokens, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if tokens:
                    sentences.append((tokens, tags))
                tokens, tags = [], []
                continue
            tokens.append(parts[0])
            tags.append(parts[-1])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def to_record(tokens, tags):
    text, spans, pos, cur = [], [], 0, None
    for tok, tag in zip(tokens, tags):
        start, end = pos, pos + len(tok)
        kind = TYPES.get(tag[2:]) if tag != "O" else None
        if cur and (kind is None or tag.startswith("B-") or kind != cur[2]):
            spans.append(cur)
            cur = None
        if kind and cur is None:
            cur = [start, end, kind]
        elif kind:
            cur[1] = end
        text.append(tok)
        pos = end + 1
    if cur:
        spans.append(cur)
    return {"text": " ".join(text), "spans": spans, "source": "confli-cameo-ner"}


def write_conll(path, records):
    """The records as CoNLL (word, BIO tag per line; a blank line between sentences), for
    `examples/evaluate ner --conll`: the crate's tagger scored on the trainer's words."""
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            pos = 0
            for word in r["text"].split(" "):
                start, end = pos, pos + len(word)
                pos = end + 1
                tag = next((("B-" if start == s else "I-") + t
                            for s, e, t in r["spans"] if start >= s and end <= e), "O")
                f.write(f"{word} {tag}\n")
            f.write("\n")


def plover_records(paths, held_out, also_out, fold):
    """Role spans from the hand-coded PLOVER events of `paths` (see the module doc). The fold
    is counted as event_type_data.py counts it, after `held_out` alone; `also_out` (the dev
    split) is left out after."""
    hand, folded = hand_coded.split_fold(hand_coded.read(paths, held_out), fold)
    held_out = held_out | also_out | {squeeze(r["text"]) for r in folded}
    records = []
    for r in hand:
        if squeeze(r["text"]) in held_out:
            continue
        text, spans = r["text"], []
        for event in r["events"]:
            for role, key in (("SOURCE", "source"), ("TARGET", "target")):
                for actor in event[key]:
                    start = text.find(actor)
                    if start < 0:
                        m = re.search(re.escape(actor), text, re.I)
                        start = m.start() if m else -1
                    if start < 0:
                        raise SystemExit(f"{r['id']}: actor {actor!r} is not in its sentence")
                    end = start + len(actor)
                    if not any(start < e and end > s for s, e, _ in spans):
                        spans.append([start, end, role])
        if spans:
            records.append({"source": "hand-coded", "spans": sorted(spans), "text": text})
    random.Random(1).shuffle(records)
    return records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="../shared/data/events/confli_cameo_ner/train.txt")
    ap.add_argument("--out", default="models/cache/role-data")
    ap.add_argument("--exclude", nargs="*",
                    default=["eval/events-real-dev.jsonl", "eval/events-real-heldout.jsonl"],
                    help="JSON Lines with a `text` field: sentences to keep out of both splits")
    ap.add_argument("--scheme", choices=["confli", "plover"], default="confli",
                    help="whose roles to train on: ConfliBERT's annotators' or our PLOVER coding")
    ap.add_argument("--hand-coded", nargs="+", default=hand_coded.FILES,
                    help="plover: the hand-coded event files")
    ap.add_argument("--fold", metavar="K/N",
                    help="plover: also leave out what event_type_data.py --fold K/N holds out")
    args = ap.parse_args()
    held_out = set()
    for path in args.exclude:
        with open(path, encoding="utf-8") as f:
            held_out |= {squeeze(json.loads(line)["text"]) for line in f if line.strip()}
    records = [to_record(t, g) for t, g in read_conll(args.src)]
    n_all = len(records)
    records = [r for r in records if squeeze(r["text"]) not in held_out]
    print(f"{n_all - len(records)} sentences of {' '.join(args.exclude)} left out")
    train = [r for i, r in enumerate(records) if i % 6 != 5]
    seen = {r["text"] for r in train}
    dev = [r for i, r in enumerate(records) if i % 6 == 5 and r["text"] not in seen]
    if args.scheme == "plover":
        train = plover_records(args.hand_coded, held_out,
                               {squeeze(r["text"]) for r in dev}, args.fold)
    os.makedirs(args.out, exist_ok=True)
    for name, rows in (("train.jsonl", train), ("dev.jsonl", dev)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    write_conll(os.path.join(args.out, "dev.conll"), dev)
    print(f"{len(train)} train, {len(dev)} dev sentences "
          f"({sum(1 for i in range(len(records)) if i % 6 == 5) - len(dev)} dev duplicates dropped)"
          f" -> {args.out} (and dev.conll)")


if __name__ == "__main__":
    main()
