#!/usr/bin/env python3
"""Write the first N sentences of a CoNLL file as plain text, one per line (tokens joined by
spaces), for `REPORTAGE_BENCH_INPUTS` (benches/entities.rs, benches/entities_hf.py).

The CoNLL-2003 text is Reuters' under research terms, so the output goes to a git-ignored
place, never into the repository:

    python3 benches/conll_sentences.py ../shared/data/ner/conll2003/dev.txt 320 > models/cache/conll-dev-320.txt
"""
import sys


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    out, toks = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("-DOCSTART-"):
                if toks:
                    out.append(" ".join(toks))
                    toks = []
                if len(out) >= n:
                    break
                continue
            toks.append(line.split()[0])
    if toks and len(out) < n:
        out.append(" ".join(toks))
    print("\n".join(out))


if __name__ == "__main__":
    main()
