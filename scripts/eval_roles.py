#!/usr/bin/env python3
"""Event sources and targets of the whole extractor against a role-tagged sentence set.

For each sentence of a role file (scripts/role_data.py's dev.jsonl: `{"text", "spans":
[[start, end, SOURCE|TARGET|RECIPROCAL]]}`), the `batch` example extracts events; the
predicted sources of the sentence are the sources of all its events (the same span counted
once), likewise targets. Gold RECIPROCAL spans become sources and targets the way the crate
reads the tagger (`events::tagger`): the first is the source when the sentence has no SOURCE,
the others are targets.

Scores, per role and pooled, precision / recall / F1, matched one to one:
  exact    same character span;
  overlap  the spans share a word.
A sentence where no trigger fires gives no event and so no roles: the extractor's recall
includes the trigger lexicon's.

Usage: python scripts/eval_roles.py --data models/cache/role-data/dev.jsonl \
           --batch target/release/examples/batch \
           [--runs none,roles-default:tagger-first,roles-default:tagger-first:first,...]
"""

import argparse
import json
import os
import subprocess


def gold_roles(spans):
    has_source = any(t == "SOURCE" for _, _, t in spans)
    out, first_taken = [], False
    for s, e, t in spans:
        if t == "RECIPROCAL":
            t = "SOURCE" if not has_source and not first_taken else "TARGET"
            first_taken = first_taken or t == "SOURCE"
        out.append((s, e, t))
    return out


def words(text, s, e):
    """Word indices (split on spaces) a span covers."""
    out, pos = set(), 0
    for k, w in enumerate(text.split(" ")):
        if pos < e and pos + len(w) > s:
            out.add(k)
        pos += len(w) + 1
    return out


def match(gold, pred, same):
    used, hits = [False] * len(pred), 0
    for g in gold:
        for k, p in enumerate(pred):
            if not used[k] and g[2] == p[2] and same(g, p):
                used[k] = True
                hits += 1
                break
    return hits


def prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "support": n_gold}


def score(records, predicted):
    table = {}
    for role in ("SOURCE", "TARGET", "all"):
        counts = {"exact": 0, "overlap": 0, "pred": 0, "gold": 0}
        for r, pred in zip(records, predicted):
            g = [x for x in gold_roles(r["spans"]) if role in ("all", x[2])]
            p = [x for x in pred if role in ("all", x[2])]
            counts["gold"] += len(g)
            counts["pred"] += len(p)
            counts["exact"] += match(g, p, lambda a, b: a[:2] == b[:2])
            text = r["text"]
            counts["overlap"] += match(
                g, p, lambda a, b: bool(words(text, *a[:2]) & words(text, *b[:2])))
        table[role] = {m: prf(counts[m], counts["pred"], counts["gold"])
                       for m in ("exact", "overlap")}
    return table


def char_index(text):
    """Byte offset -> char offset (the crate's spans are bytes, the gold's chars)."""
    out, b = {}, 0
    for c, ch in enumerate(text):
        out[b] = c
        b += len(ch.encode("utf-8"))
    out[b] = len(text)
    return out


def run(batch, records, roles, merge, aggregation=None):
    docs = "".join(json.dumps({"id": str(i), "text": r["text"]}) + "\n"
                   for i, r in enumerate(records))
    cmd = [batch, "--stance", "none", "--classifier", "none", "--roles", roles]
    cmd += ["--role-merge", merge] if merge else []
    cmd += ["--aggregation", aggregation] if aggregation else []
    out = subprocess.run(cmd, input=docs, capture_output=True, text=True,
                         env={**os.environ, "REPORTAGE_PROGRESS": "0"})
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr[-2000:]}")
    predicted = [set() for _ in records]
    for line in out.stdout.splitlines():
        ev = json.loads(line)
        k = int(ev["report_id"])
        chars = char_index(records[k]["text"])
        for role, key in (("SOURCE", "sources"), ("TARGET", "targets")):
            for a in ev[key]:
                predicted[k].add((chars[a["span"]["start"]], chars[a["span"]["end"]], role))
    return [sorted(p) for p in predicted]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="models/cache/role-data/dev.jsonl")
    ap.add_argument("--batch", default="target/release/examples/batch")
    ap.add_argument("--runs", default="none,roles-default:tagger-first,roles-default:fill-gaps",
                    help="comma-separated ROLES[:MERGE[:AGGREGATION]] settings of the batch "
                         "example (AGGREGATION: how the models read words, e.g. first or "
                         "viterbi; default the preset's)")
    ap.add_argument("--json", help="write the scores here")
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    results = {}
    for setting in args.runs.split(","):
        roles, merge, aggregation = (setting.split(":") + [None, None])[:3]
        table = score(records, run(args.batch, records, roles, merge or None, aggregation))
        results[setting] = table
        cells = "  ".join(f"{role} exact {t['exact']['f1']:.3f} overlap {t['overlap']['f1']:.3f}"
                          for role, t in table.items())
        print(f"{setting:32s} {cells}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"data": args.data, "sentences": len(records), "runs": results}, f,
                      indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
