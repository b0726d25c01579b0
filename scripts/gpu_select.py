"""Reads the runs of scripts/gpu_train.sh (<work>/<job>.json, written by the trainers), scores
each on its family's dev measure, and either names the best model of a family (--best) or packs
the best of up to three families into --pack for the trip back (the device tool returns at most
8 files of 16 MiB, 64 MiB together; a fine-tune is about 21 MB, so it travels in two parts).

Every measure here is a dev score. The baselines are the committed defaults' dev scores from
models/README.md (updated after the first GPU call replaced three defaults); a family is packed only when its best run beats its baseline."""

import argparse
import json
import os

# family: (job-name prefix, measure, committed default's dev score on it)
FAMILIES = {
    "stance": ("stance_", "mean of SemEval val F1avg, P-Stance val F1avg, NewsMTSC macro F1",
               (0.7478 + 0.7313 + 0.7424) / 3),
    "ner": ("ner_", "CoNLL-2003 dev micro F1", 0.933),
    "roles": ("roles_", "role dev span micro F1", 0.731),
    "nli": ("nli_", "mean of SNLI and MultiNLI held-out accuracy", (0.791 + 0.664) / 2),
    "events": ("events_", "hand-coded dev sentence micro F1", 0.759),
}
PACK_FIRST = ["stance", "ner"]
PART = 15 * 1024 * 1024


def measure(family, dev):
    if family == "stance":
        return (dev["semeval_val"]["f1avg_favor_against"] + dev["pstance_val"]["f1avg_favor_against"]
                + dev["newsmtsc_devtest_mt"]["macro_f1"]) / 3
    if family == "ner":
        return dev["conll_types"]["micro"]["f1"]
    if family == "roles":
        return dev["full_labels"]["micro"]["f1"]
    if family == "nli":
        return (dev["snli_heldout"]["accuracy"] + dev["mnli_heldout"]["accuracy"]) / 2
    return dev["hand_coded_dev"]["micro"]["f1"]


def runs(work):
    """(family, job, final score, per-epoch scores) of every run that saved a model."""
    out = []
    for name in sorted(os.listdir(work)):
        if not name.endswith(".json"):
            continue
        job = name[:-5]
        family = next((f for f, (p, _, _) in FAMILIES.items() if job.startswith(p)), None)
        weights = os.path.join(work, job, "finetuned.fp16.safetensors")
        if family is None or not os.path.isfile(weights):
            continue
        with open(os.path.join(work, name)) as f:
            epochs = json.load(f)["epochs"]
        per_epoch = [measure(family, e["dev"]) for e in epochs]
        out.append((family, job, per_epoch[-1], per_epoch))
    return out


def best(all_runs, family):
    mine = [r for r in all_runs if r[0] == family]
    return max(mine, key=lambda r: r[2]) if mine else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--best", choices=list(FAMILIES))
    ap.add_argument("--pack")
    args = ap.parse_args()
    all_runs = runs(args.work)
    if args.best:
        b = best(all_runs, args.best)
        print(os.path.join(args.work, b[1]) if b else "")
        return
    summary = {"baselines": {f: v[2] for f, v in FAMILIES.items()}, "runs": []}
    for family, job, final, per_epoch in all_runs:
        print(f"{family:7} {job:24} final {final:.4f} (default {FAMILIES[family][2]:.4f}) "
              f"epochs {' '.join(f'{x:.3f}' for x in per_epoch)}")
        summary["runs"].append({"family": family, "job": job, "final": final,
                                "per_epoch": per_epoch})
    winners = {f: best(all_runs, f) for f in FAMILIES}
    gains = {f: w[2] - FAMILIES[f][2] for f, w in winners.items() if w}
    order = [f for f in PACK_FIRST if gains.get(f, 0) > 0]
    order += sorted((f for f in gains if f not in PACK_FIRST and gains[f] > 0),
                    key=lambda f: -gains[f])
    packed = []
    for family in order[:3]:
        job = winners[family][1]
        with open(os.path.join(args.work, job, "finetuned.fp16.safetensors"), "rb") as f:
            data = f.read()
        for k in range(0, len(data), PART):
            with open(os.path.join(args.pack, f"{family}.{job}.part{k // PART}"), "wb") as out:
                out.write(data[k:k + PART])
        packed.append({"family": family, "job": job, "final": winners[family][2],
                       "gain": gains[family]})
    summary["packed"] = packed
    print("packed:", ", ".join(f"{p['family']} {p['job']} (+{p['gain']:.4f})" for p in packed)
          or "nothing")
    with open(os.path.join(args.work, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
