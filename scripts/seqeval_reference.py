#!/usr/bin/env python3
"""Record what seqeval and scikit-learn say on the evaluation fixtures.

tests/evaluate_metrics.rs checks that reportage::evaluation gives the same numbers (within
1e-9) as the two libraries on the same gold and predicted labels:

- tests/data/evaluate/seqeval_bio.conll and seqeval_iobes.conll (token, gold tag,
  predicted tag; sentences written for these tests, with irregular sequences on purpose):
  seqeval's classification_report in its default (conlleval) mode and in strict mode with
  the file's scheme (IOB2 or IOBES);
- random tag sequences (fixed seed; recorded with the results): every combination of
  prefixes and types seqeval's rules distinguish, beyond what the hand-written files hold;
- tests/data/evaluate/stance_pairs.tsv (gold, predicted stance labels): scikit-learn's
  classification_report, confusion_matrix and accuracy_score, and SemEval-2016's
  F1avg = mean of the F1 of FAVOR and of AGAINST.

Run from the crate root (seqeval pulls in scikit-learn):

    .venv/bin/pip install seqeval==1.2.2
    .venv/bin/python scripts/seqeval_reference.py

It rewrites tests/data/evaluate/reference.json.
"""

import json
import random
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2, IOBES
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.metrics import classification_report as sk_report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "evaluate"


def read_conll(path):
    """Gold and predicted tag sequences: the last two columns; blank and -DOCSTART- lines
    separate sentences (the rule reportage's reader follows)."""
    gold, pred, g, p = [], [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if g:
                gold.append(g)
                pred.append(p)
                g, p = [], []
            continue
        g.append(cols[-2])
        p.append(cols[-1])
    if g:
        gold.append(g)
        pred.append(p)
    return gold, pred


def plain(report):
    """numpy scalars to Python numbers."""
    return {
        name: {k: (int(v) if k == "support" else float(v)) for k, v in row.items()}
        for name, row in report.items()
    }


def seqeval_cases():
    cases = {}
    for name, scheme in [("seqeval_bio.conll", IOB2), ("seqeval_iobes.conll", IOBES)]:
        gold, pred = read_conll(DATA / name)
        cases[name] = {
            "default": plain(classification_report(gold, pred, output_dict=True)),
            "strict": plain(
                classification_report(gold, pred, output_dict=True, mode="strict", scheme=scheme)
            ),
        }
    return cases


def random_cases():
    """Random gold and predicted sequences over two types: IOB2 ones (B, I, O) and IOBES
    ones (B, I, E, S, O), scored in both modes."""
    rng = random.Random(20160629)
    cases = []
    for scheme, prefixes in [(IOB2, "BIO"), (IOBES, "BIESO")]:
        def tag():
            p = rng.choice(prefixes)
            return "O" if p == "O" else f"{p}-{rng.choice(['PER', 'LOC'])}"

        def corpus():
            return [[tag() for _ in range(rng.randint(1, 8))] for _ in range(60)]

        gold = corpus()
        pred = [[tag() for _ in s] for s in gold]
        cases.append({
            "scheme": scheme.__name__,
            "gold": gold,
            "pred": pred,
            "default": plain(classification_report(gold, pred, output_dict=True)),
            "strict": plain(
                classification_report(gold, pred, output_dict=True, mode="strict", scheme=scheme)
            ),
        })
    return cases


def stance_case():
    gold, pred = [], []
    for line in (DATA / "stance_pairs.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        g, p = line.split("\t")
        gold.append(g)
        pred.append(p)
    labels = sorted(set(gold) | set(pred))
    favor, against = f1_score(gold, pred, labels=["favor", "against"], average=None)
    report = sk_report(gold, pred, output_dict=True)
    accuracy = report.pop("accuracy")
    return {
        "labels": labels,
        "confusion_matrix": confusion_matrix(gold, pred, labels=labels).tolist(),
        "accuracy": float(accuracy_score(gold, pred)),
        "report_accuracy": float(accuracy),
        "report": plain(report),
        "f1avg_favor_against": float((favor + against) / 2),
    }


def main():
    # Undefined precision/recall (a type never predicted) warns and counts as 0: expected.
    warnings.simplefilter("ignore")
    out = {
        "generated_by": "scripts/seqeval_reference.py",
        "python": sys.version.split()[0],
        "seqeval": version("seqeval"),
        "scikit-learn": version("scikit-learn"),
        "seqeval_cases": seqeval_cases(),
        "random_cases": random_cases(),
        "stance": stance_case(),
    }
    path = DATA / "reference.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
