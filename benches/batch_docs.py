#!/usr/bin/env python3
"""End-to-end speed of the `batch` example (issue 15, item 8): documents per second on
short news documents, in alternated rounds so every setting sees the same machine drift.

Documents: the first N articles of CoNLL-2003 English train (Reuters, 1996; not committed:
read from ../shared/data), each cut to its first SENTENCES sentences (detokenised), as
JSON Lines `{"id", "text"}`; for a copy without -DOCSTART- lines, runs of SENTENCES
consecutive sentences.

Usage: python3 benches/batch_docs.py [--docs 1000] [--sentences 4] [--rounds 2]
           [--settings "default;--stance none;--roles none --stance none"]
Build first: cargo build --release --example batch
"""

import argparse
import json
import os
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def detokenize(tokens):
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?)'\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    return text.replace(" n't", "n't").replace(" 's", "'s")


def documents(path, n_docs, n_sentences):
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] == "-DOCSTART-":
                if doc:
                    docs.append(doc)
                doc = []
                continue
            if not parts:
                if sent:
                    doc.append(detokenize(sent))
                sent = []
                continue
            sent.append(parts[0])
    if sent:
        doc.append(detokenize(sent))
    if doc:
        docs.append(doc)
    if len(docs) < n_docs:
        # A copy without -DOCSTART- lines: consecutive sentences make the documents (the
        # sentences of one article stay in order, so most documents are one story's lead).
        flat = [s for d in docs for s in d]
        docs = [flat[i:i + n_sentences] for i in range(0, len(flat), n_sentences)]
    return [" ".join(d[:n_sentences]) for d in docs if d][:n_docs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conll", default=os.path.join(ROOT, "..", "shared", "data", "ner",
                                                    "conll2003", "train.txt"))
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--sentences", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--settings", default="default;--stance none;--roles none --stance none")
    ap.add_argument("--batch", default=os.path.join(ROOT, "target", "release", "examples",
                                                    "batch"))
    args = ap.parse_args()
    docs = documents(args.conll, args.docs, args.sentences)
    payload = "".join(json.dumps({"id": f"doc-{i}", "text": t}) + "\n"
                      for i, t in enumerate(docs))
    words = sum(len(t.split()) for t in docs)
    print(f"{len(docs)} documents, {words / len(docs):.0f} words each on average; "
          f"load {open('/proc/loadavg').read().split()[:3]}")
    env = {**os.environ, "REPORTAGE_PROGRESS": "0"}
    for r in range(args.rounds):
        for setting in args.settings.split(";"):
            flags = [] if setting.strip() == "default" else setting.split()
            t0 = time.perf_counter()
            out = subprocess.run([args.batch, *flags], input=payload, capture_output=True,
                                 text=True, env=env)
            dt = time.perf_counter() - t0
            if out.returncode != 0:
                raise SystemExit(out.stderr[-2000:])
            events = out.stdout.count("\n")
            print(f"round {r + 1} {setting:28s} {len(docs) / dt:7.1f} docs/s "
                  f"({dt:.1f} s, {events} events; includes model loading)", flush=True)


if __name__ == "__main__":
    main()
