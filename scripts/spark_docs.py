#!/usr/bin/env python3
"""Short JSON Lines documents `{"id", "text"}` built only from text committed here, so that
`make spark-test` runs on a clean clone: the 90 sentences of eval/events-real-*.jsonl
(ACLED/ConfliBERT-style news sentences) and the sentences of examples/data/aleppo-advance.txt,
combined deterministically into documents of 1 to 4 sentences.

Usage: python3 scripts/spark_docs.py [--docs 200] > docs.jsonl
Standard library only; the same arguments give the same bytes.
"""

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["eval/events-real-dev.jsonl", "eval/events-real-heldout.jsonl"]
REPORT = "examples/data/aleppo-advance.txt"


def sentences():
    """Every committed sentence, in file order: one per JSON line of SOURCES, then the
    report's body split after '.', '!' or '?' followed by a space (its headline dropped)."""
    out = []
    for name in SOURCES:
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            out.extend(json.loads(line)["text"].strip() for line in f if line.strip())
    with open(os.path.join(ROOT, REPORT), encoding="utf-8") as f:
        paragraphs = [p.strip() for p in f.read().split("\n\n") if p.strip()][1:]
    for p in paragraphs:
        out.extend(s for s in re.split(r"(?<=[.!?])\s+", p) if s)
    return out


def documents(n_docs):
    """Document i: 1 + i % 4 consecutive sentences (wrapping round) from sentence
    (7 * i) % n, so that documents overlap and mix the sources."""
    sents = sentences()
    n = len(sents)
    return [" ".join(sents[(7 * i + k) % n] for k in range(1 + i % 4)) for i in range(n_docs)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=200)
    args = ap.parse_args()
    for i, text in enumerate(documents(args.docs)):
        sys.stdout.write(json.dumps({"id": f"doc-{i:04d}", "text": text}) + "\n")


if __name__ == "__main__":
    main()
