#!/usr/bin/env python3
"""Draw real news sentences to code by hand in PLOVER (data/events-coding.md), in batches.

Sources (train material only; nothing of any dev or test split, nothing already coded or in
eval/):
- re3d (defence and security documents) from every source but BBC Online (whose licence is
  non-commercial): CENTCOM and the US State Department (public domain), UK Government (OGL
  v3), the Australian Department of Foreign Affairs (CC BY 3.0 AU), the EU Delegation to
  Syria, Wikipedia (CC BY-SA 3.0);
- FNC-1 article bodies (news, 2014-2017; from Emergent, no licence stated);
- NewsMTSC train sentences (US political news; MIT), not its dev/test file.

A sentence is drawn among those of 8 to 50 words that hold a word of the event vocabulary
below (so most report an event; many still do not, and are coded `[]`), shuffled with a fixed
seed. Sentences are cut at a full stop, question or exclamation mark followed by a capital.

Usage: python3 scripts/coding_pool.py --out DIR [--re3d 250 --fnc 250 --newsmtsc 150
           --batches 5 --seed 20261128] [--words REGEX] [--round TAG]
Writes DIR/batch-K.jsonl, lines {"id", "text"}. `--words` keeps only sentences that also
match REGEX (case-insensitive), to code more of a kind the models get wrong; `--round` puts
`TAG-` into the ids, so that a later round's ids do not repeat an earlier one's.
"""

import argparse
import csv
import glob
import json
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")

EVENT_WORDS = re.compile(
    r"\b(attack\w*|kill\w*|clash\w*|fight\w*|troops|forces|bomb\w*|shell\w*|airstrike\w*|"
    r"strikes?|arrest\w*|detain\w*|protest\w*|demonstrat\w*|rall(y|ies|ied)|sanction\w*|"
    r"agree\w*|deal|talks|met|meet\w*|visit\w*|accus\w*|condemn\w*|critici[sz]\w*|"
    r"reject\w*|refus\w*|denie\w*|den(y|ies)|threat\w*|warn\w*|urg\w*|call(ed|s)? for|"
    r"demand\w*|aid|assist\w*|support\w*|withdr[ae]w\w*|releas\w*|ceasefire|deploy\w*|"
    r"ban(s|ned)?|seiz\w*|sign\w*|cooperat\w*|expel\w*|charg\w*|sentenc\w*|rais\w*|"
    r"captur\w*|wound\w*|shot|shoot\w*|launch\w*|invad\w*|occup\w*)\b", re.I)
SPLIT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“])")


WORDS = None  # --words: a further filter


def sentences(text):
    for part in SPLIT.split(text.replace("\n", " ")):
        part = " ".join(part.split())
        if 8 <= len(part.split()) <= 50 and EVENT_WORDS.search(part) \
                and (WORDS is None or WORDS.search(part)):
            yield part


def re3d():
    out = []
    for path in sorted(glob.glob(os.path.join(DATA, "ner", "re3d", "*", "documents.json"))):
        if "BBC_Online" in path:
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    doc = json.loads(line)
                    out += [("re3d", s) for s in sentences(doc["text"])]
    return out


def fnc():
    with open(os.path.join(DATA, "stance", "fnc1", "train_bodies.csv"), encoding="utf-8") as f:
        return [("fnc1", s) for row in csv.DictReader(f) for s in sentences(row["articleBody"])]


def newsmtsc():
    with open(os.path.join(DATA, "stance", "newsmtsc", "train.jsonl"), encoding="utf-8") as f:
        return [("newsmtsc", s) for line in f if line.strip()
                for s in sentences(json.loads(line)["sentence_normalized"])]


def known():
    """Texts already coded or kept for evaluation."""
    seen = set()
    for path in glob.glob(os.path.join(ROOT, "data", "events-*.jsonl")) + \
            glob.glob(os.path.join(ROOT, "eval", "events-*.jsonl")):
        with open(path, encoding="utf-8") as f:
            seen |= {json.loads(line)["text"] for line in f if line.strip()}
    return seen


def draw(pool, n, rng, seen):
    pool = sorted(set(pool))
    rng.shuffle(pool)
    out = []
    for source, text in pool:
        if text not in seen and len(out) < n:
            seen.add(text)
            out.append((source, text))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--re3d", type=int, default=250)
    ap.add_argument("--fnc", type=int, default=250)
    ap.add_argument("--newsmtsc", type=int, default=150)
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--words", help="keep only sentences matching this regex as well")
    ap.add_argument("--round", default="", help="a tag put into the ids (e.g. c)")
    args = ap.parse_args()
    global WORDS
    WORDS = re.compile(args.words, re.I) if args.words else None
    rng = random.Random(args.seed)
    seen = known()
    drawn = (draw(re3d(), args.re3d, rng, seen) + draw(fnc(), args.fnc, rng, seen)
             + draw(newsmtsc(), args.newsmtsc, rng, seen))
    rng.shuffle(drawn)
    os.makedirs(args.out, exist_ok=True)
    counts = {}
    for k in range(args.batches):
        rows = drawn[k::args.batches]
        with open(os.path.join(args.out, f"batch-{k + 1}.jsonl"), "w", encoding="utf-8") as f:
            for source, text in rows:
                counts[source] = counts.get(source, 0) + 1
                tag = f"{args.round}-" if args.round else ""
                ident = f"{source}-{tag}{counts[source]}"
                f.write(json.dumps({"id": ident, "text": text}, ensure_ascii=False) + "\n")
    print(f"{len(drawn)} sentences in {args.batches} batches: {counts}")


if __name__ == "__main__":
    main()
