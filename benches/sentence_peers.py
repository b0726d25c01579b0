#!/usr/bin/env python3
"""Run Python sentence splitters next to ours on the same text.

Peers: pysbd, blingfire, sentencex and spaCy's rule-based `sentencizer` (blank English
pipeline). Needs: pip install pysbd blingfire sentencex spacy  (see
scripts/setup-python-extras.txt). Not part of `cargo test`.

    /work/main/.venv/bin/python benches/sentence_peers.py [--seconds 3]

Prints, per splitter:
  * accuracy on tests/data/sentences/golden.tsv: share of cases whose sentences all match
    (sentences compared with whitespace runs collapsed to one space and ends trimmed, so
    that peers which keep trailing spaces or newlines are not penalised for it);
  * agreement with ours on the throughput text: F1 of sentence-end positions, counted in
    non-whitespace characters so that whitespace handling does not matter;
  * throughput in sentences/s and MB/s on the throughput text (best of repeated runs).
    "pysbd (per paragraph)" feeds pySBD one blank-line-separated paragraph at a time.

Our own splitter runs through `cargo run --release --no-default-features --example
split_sentences` (accuracy: `--tsv`; throughput: `--time`, timed inside the process).
The throughput text is the same one `benches/sentences.rs` builds: the Aleppo report plus
every golden input, separated by blank lines.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "sentences")


def unescape(s):
    out, it = [], iter(s)
    for c in it:
        if c != "\\":
            out.append(c)
            continue
        n = next(it, None)
        out.append({"n": "\n", "r": "\r", "t": "\t", None: "\\"}.get(n, n))
    return "".join(out)


def golden():
    cases = []
    with open(os.path.join(DATA, "golden.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = [unescape(x) for x in line.split("\t")]
            cases.append((fields[0], fields[1], fields[2:]))
    return cases


def unit_text(cases):
    with open(os.path.join(DATA, "aleppo-advance.txt"), encoding="utf-8") as f:
        parts = [f.read()]
    parts += [text for _, text, _ in cases]
    return "\n\n".join(parts)


def norm(sentences):
    return [" ".join(s.split()) for s in sentences if s.strip()]


def ends(sentences):
    """Sentence ends as counts of non-whitespace characters before them."""
    out, n = set(), 0
    for s in sentences:
        n += sum(1 for c in s if not c.isspace())
        out.add(n)
    return out


def f1(a, b):
    if not a and not b:
        return 1.0
    tp = len(a & b)
    return 2 * tp / (len(a) + len(b))


def peers():
    import blingfire
    import pysbd
    import sentencex
    import spacy

    seg = pysbd.Segmenter(language="en", clean=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10**8

    def bf(text):
        return blingfire.text_to_sentences(text).split("\n")

    def bf_offsets(text):
        # The binding maps byte offsets to str indices in Python: ~10x slower than bf.
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        return [text[s:e] for s, e in offsets]

    def by_paragraph(fn):
        # pySBD slows down more than linearly on long inputs; fed one paragraph at a time
        # (how one would use it on reports) it is several times faster.
        return lambda text: [s for p in text.split("\n\n") for s in fn(p)]

    return {
        "pysbd": seg.segment,
        "pysbd (per paragraph)": by_paragraph(seg.segment),
        "blingfire": bf,
        "blingfire (offsets)": bf_offsets,
        "sentencex": lambda t: list(sentencex.segment("en", t)),
        "spacy-sentencizer": lambda t: [s.text for s in nlp(t).sents],
    }


def cargo_example(*args):
    cmd = ["cargo", "run", "--quiet", "--release", "--no-default-features",
           "--example", "split_sentences", "--", *args]
    return subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def time_peer(fn, text, seconds):
    best, count, spent = float("inf"), 0, 0.0
    while spent < seconds or best == float("inf"):
        t = time.perf_counter()
        count = len([s for s in fn(text) if s.strip()])
        dt = time.perf_counter() - t
        best, spent = min(best, dt), spent + dt
    return count, best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0, help="time budget per peer")
    ap.add_argument("--repeat", type=int, default=20,
                    help="copies of the unit text in the throughput text")
    args = ap.parse_args()

    cases = golden()
    unit = unit_text(cases)
    text = "\n\n".join([unit] * args.repeat)
    ours_golden = [json.loads(l) for l in cargo_example("--tsv", os.path.join(DATA, "golden.tsv")).splitlines()]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(unit)
        unit_path = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
        text_path = f.name
    ours_unit = [l.split("\t", 2)[2] for l in subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--no-default-features", "--example", "split_sentences"],
        cwd=ROOT, check=True, capture_output=True, text=True, stdin=open(unit_path, encoding="utf-8")).stdout.splitlines()]
    ours_time = json.loads(cargo_example("--time", text_path))
    os.unlink(unit_path)
    os.unlink(text_path)

    mb = len(text.encode("utf-8")) / 1e6
    print(f"golden cases: {len(cases)}; throughput text: {mb:.2f} MB "
          f"({args.repeat} x {len(unit.encode('utf-8'))} bytes), python {sys.version.split()[0]}")
    header = f"{'splitter':<24}{'golden acc':>12}{'agree F1':>10}{'sentences':>11}{'sent/s':>14}{'MB/s':>10}"
    print(header)
    print("-" * len(header))

    def acc(outputs):
        return sum(norm(o) == norm(exp) for o, (_, _, exp) in zip(outputs, cases)) / len(cases)

    ours_ends = ends(ours_unit)
    print(f"{'reportage (ours)':<24}{acc(ours_golden):>12.3f}{1.0:>10.3f}{ours_time['sentences']:>11}"
          f"{ours_time['sentences_per_s']:>14,.0f}{ours_time['mb_per_s']:>10.2f}")
    for name, fn in peers().items():
        outputs = [fn(t) for _, t, _ in cases]
        agree = f1(ends(norm(fn(unit))), ours_ends)
        count, best = time_peer(fn, text, args.seconds)
        print(f"{name:<24}{acc(outputs):>12.3f}{agree:>10.3f}{count:>11}{count / best:>14,.0f}{mb / best:>10.2f}",
              flush=True)


if __name__ == "__main__":
    main()
