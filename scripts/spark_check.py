#!/usr/bin/env python3
"""Compare two runs of `batch` over the same documents (issue 16): the events of one
process (a JSON Lines file) and those of a Spark run (a folder of part-* files, or a file).
Exit 0 when both hold the same multiset of event ids and every pair of events with the same
id is equal, numbers within --tolerance (model scores may differ in the last digits when
documents are batched differently); else print what differs and exit 1.

Usage: python3 scripts/spark_check.py single.jsonl spark-out/ [--min-events 1]
Standard library only.
"""

import argparse
import collections
import glob
import json
import os
import sys


def read_events(path):
    """Every event of a JSON Lines file, or of the part-* files of a folder."""
    files = sorted(glob.glob(os.path.join(path, "part-*"))) if os.path.isdir(path) else [path]
    events = []
    for name in files:
        with open(name, encoding="utf-8") as f:
            events.extend(json.loads(line) for line in f if line.strip())
    return events


def differences(a, b, tol, where="$"):
    """Where two JSON values differ (paths), numbers compared within `tol`."""
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return [] if a == b else [where]
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return [] if abs(a - b) <= tol else [f"{where}: {a} != {b}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in differences(a[k], b[k], tol, f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b))
                for d in differences(x, y, tol, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def by_id(events):
    """Events grouped by id, each group in a canonical order."""
    groups = collections.defaultdict(list)
    for e in events:
        groups[e["id"]].append(e)
    return {k: sorted(v, key=lambda e: json.dumps(e, sort_keys=True)) for k, v in groups.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("single", help="events of one `batch` process (JSON Lines)")
    ap.add_argument("spark", help="events of the Spark run (folder of part-* files or a file)")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--min-events", type=int, default=1,
                    help="fail when the single run has fewer events (a vacuous test)")
    args = ap.parse_args()
    one, many = read_events(args.single), read_events(args.spark)
    ids_one = collections.Counter(e["id"] for e in one)
    ids_many = collections.Counter(e["id"] for e in many)
    problems = []
    if len(one) < args.min_events:
        problems.append(f"only {len(one)} events in {args.single}")
    for name, extra in (("only in the single run", ids_one - ids_many),
                        ("only in the Spark run", ids_many - ids_one)):
        if extra:
            problems.append(f"{sum(extra.values())} event ids {name}: {sorted(extra)[:10]}")
    groups_one, groups_many = by_id(one), by_id(many)
    unequal = 0
    for key in sorted(groups_one.keys() & groups_many.keys()):
        diff = differences(groups_one[key], groups_many[key], args.tolerance)
        if diff:
            unequal += 1
            if unequal <= 5:
                problems.append(f"event {key} differs at {diff[:3]}")
    if unequal > 5:
        problems.append(f"... {unequal} events differ in all")
    reports = len({e["report_id"] for e in one})
    print(f"single run: {len(one)} events from {reports} documents; Spark run: {len(many)} "
          f"events; {len(ids_one)} distinct ids")
    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("same event ids and events (numbers within %g)" % args.tolerance)


if __name__ == "__main__":
    main()
