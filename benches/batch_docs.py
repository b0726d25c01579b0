#!/usr/bin/env python3
"""End-to-end speed of the `batch` example (issue 15, item 8): documents per second on
short news documents, in alternated rounds so every setting sees the same machine drift.

Documents: runs of SENTENCES consecutive sentences of CoNLL-2003 English train (Reuters,
1996; not committed: read from ../shared/data), detokenised, the first N of them, as JSON
Lines `{"id", "text"}`.

Usage: python3 benches/batch_docs.py [--docs 1000] [--sentences 4] [--rounds 2]
           [--settings "default;--stance none;--roles none --stance none"]
Build first: cargo build --release --example batch
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from conll_text import conll_sentences  # noqa: E402


def documents(path, n_docs, n_sentences):
    """Runs of `n_sentences` consecutive sentences (the shared CoNLL-2003 copy has no
    -DOCSTART- lines, so articles are not marked; most runs are one story's lead)."""
    sents = conll_sentences(path)
    runs = [sents[i:i + n_sentences] for i in range(0, len(sents), n_sentences)]
    return [" ".join(r) for r in runs][:n_docs]


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
