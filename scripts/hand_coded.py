"""Our real news sentences coded by hand in PLOVER (`data/events-*-train.jsonl`), as the data
scripts read them (standard library only). `event_type_data.py` and `role_data.py` both take
their check folds from `split_fold`, so the two check models hold out the same sentences."""

import json
import re

FILES = ["data/events-real-train.jsonl", "data/events-news-train.jsonl",
         "data/events-more-train.jsonl", "data/events-quad-train.jsonl",
         "data/events-extra-train.jsonl", "data/events-ops-train.jsonl"]


def squeeze(text):
    """Text without any whitespace: the sets tokenise the same sentence differently."""
    return re.sub(r"\s+", "", text)


def read(paths, held_out=frozenset()):
    """The coded records of `paths`, in file order, less those whose squeezed text is in
    `held_out`."""
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            records += [json.loads(line) for line in f if line.strip()]
    return [r for r in records if squeeze(r["text"]) not in held_out]


def split_fold(records, fold):
    """(the rest, the fold): the fold `K/N` is every N-th record from the K-th on; `None`
    holds out nothing."""
    if not fold:
        return records, []
    k, n = (int(x) for x in fold.split("/"))
    if not 0 <= k < n:
        raise SystemExit(f"--fold {fold}: need 0 <= K < N")
    held = {id(r) for r in records[k::n]}
    return [r for r in records if id(r) not in held], records[k::n]
