#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 as a sentence-pair classifier: `nli-default` and `stance-default`
(issue 14).

  --task nli     premise / hypothesis -> entailment, neutral, contradiction
  --task stance  target / text        -> favor, against, neutral   ([CLS] target [SEP] text [SEP],
                                          the crate's ClassifierInput::TargetText)

Data (read from the shared data folder, never committed; sources and licences in
../shared/data/README.md and models/README.md). Every sample and hold-out is drawn with a
fixed seed, so the same command gives the same sets.

NLI (only the development splits of SNLI and MultiNLI are available here, so we carve our own
held-out slices from them and never train on those):
  SNLI dev (9,842): 1,000 held out, the rest trained on
  MultiNLI dev-matched (9,815): 1,000 held out, the rest trained on
  Breaking NLI: 1,500 sampled pairs (lexical-inference probes; most are contradictions)

Stance, label mapping and why:
  SemEval-2016 Task 6 train (5 targets): FAVOR -> favor, AGAINST -> against, NONE -> neutral
      (NONE means "neither", the crate's neutral for a text about the target)
  P-Stance train (3 politicians): FAVOR / AGAINST; 6,000 sampled of 17,000 so tweets about
      three people do not dominate
  NewsMTSC train: sentiment of a news sentence toward a named person: positive -> favor,
      negative -> against, neutral -> neutral; the target is the mention, or the person's
      name from the record id when the mention is a pronoun. The one news-text source.
  Perspectrum, train claims only: claim = target, perspective = text;
      SUPPORT -> favor, UNDERMINE -> against
  GWSD (news sentences on global warming): 90 % trained on, 10 % held out; target
      "Climate Change is a Real Concern" (SemEval's name); agree -> favor,
      disagree -> against, neutral -> neutral
  FNC-1 is left out: its bodies are whole articles (far past 128 word pieces), and the
      headline is not a target in the sense the crate uses.
Dev scores (--task stance): SemEval val F1avg (mean F1 of favor and against, the task's
metric), P-Stance val F1avg, NewsMTSC devtest_mt macro F1 (3 classes), GWSD held-out macro F1.
With --nli-model DIR the same stance sets are also scored zero-shot through that NLI model
with the crate's default hypothesis templates (src/stance/templates.rs), for comparison.

Usage:
  python scripts/train_pair.py --task nli --out models/nli-default
  python scripts/train_pair.py --task stance --init models/nli-default --out models/stance-default \
      --nli-model models/nli-default
"""

import argparse
import collections
import csv
import io
import json
import os
import random
import sys
import zipfile

import torch
from transformers import BertForSequenceClassification


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training  # noqa: E402
from training import BertTokenizerFast  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NLI_LABELS = ["entailment", "neutral", "contradiction"]
STANCE_LABELS = ["favor", "against", "neutral"]
SEMEVAL_TARGETS = {"abortion": "Legalization of Abortion", "atheism": "Atheism",
                   "climate": "Climate Change is a Real Concern",
                   "feminist": "Feminist Movement", "hillary": "Hillary Clinton"}
PRONOUNS = {"he", "she", "him", "her", "his", "hers", "they", "them", "their", "i", "we", "you"}
# The crate's default NLI stance templates (src/stance/templates.rs), two sets averaged.
TEMPLATES = [["The author supports {t}.", "The author opposes {t}.",
              "The author is neutral about {t}."],
             ["This text is in favor of {t}.", "This text is against {t}.",
              "This text takes no side on {t}."]]


def nli_data(root, rng):
    nli = os.path.join(root, "nli")
    snli = []
    with open(os.path.join(nli, "snli_dev", "s1.dev")) as a, \
            open(os.path.join(nli, "snli_dev", "s2.dev")) as b, \
            open(os.path.join(nli, "snli_dev", "labels.dev")) as c:
        for p, h, l in zip(a, b, c):
            snli.append((p.strip(), h.strip(), l.strip()))
    mnli = []
    with open(os.path.join(nli, "mnli_dev_matched", "mnli_dev_matched.tsv")) as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            mnli.append((row["premise"].strip(), row["hypothesis"].strip(),
                         row["gold_label"].strip()))
    breaking = []
    with zipfile.ZipFile(os.path.join(nli, "breaking_nli", "breaking_nli_dataset.zip")) as z:
        name = next(n for n in z.namelist() if n.endswith(".jsonl"))
        for line in io.TextIOWrapper(z.open(name), encoding="utf-8"):
            d = json.loads(line)
            breaking.append((d["sentence1"], d["sentence2"], d["gold_label"]))
    keep = lambda rows: [r for r in rows if r[2] in NLI_LABELS and r[0] and r[1]]  # noqa: E731
    snli, mnli, breaking = keep(snli), keep(mnli), keep(breaking)
    for rows in (snli, mnli, breaking):
        rng.shuffle(rows)
    train = snli[1000:] + mnli[1000:] + breaking[:1500]
    dev = {"snli_heldout": snli[:1000], "mnli_heldout": mnli[:1000]}
    return train, dev


def semeval(root, split):
    rows = []
    mapping = {"0": "neutral", "1": "against", "2": "favor"}
    for folder, target in SEMEVAL_TARGETS.items():
        d = os.path.join(root, "stance", "semeval2016", folder)
        with open(os.path.join(d, f"{split}_text.txt")) as t, \
                open(os.path.join(d, f"{split}_labels.txt")) as l:
            for text, lab in zip(t, l):
                rows.append((target, text.strip(), mapping[lab.strip()]))
    return rows


def pstance(root, split):
    rows = []
    for who in ("bernie", "biden", "trump"):
        with open(os.path.join(root, "stance", "pstance", f"raw_{split}_{who}.csv")) as f:
            for r in csv.DictReader(f):
                rows.append((r["Target"], r["Tweet"].strip(), r["Stance"].strip().lower()))
    return [r for r in rows if r[2] in ("favor", "against") and r[1]]


def newsmtsc(root, name):
    polarity = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
    rows = []
    with open(os.path.join(root, "stance", "newsmtsc", name)) as f:
        for line in f:
            d = json.loads(line)
            for t in d["targets"]:
                mention = t["mention"]
                if mention.lower() in PRONOUNS:
                    # "allsides_1000_401_25_Reality Leigh Winner_0_6": the person's name.
                    mention = t["Input.gid"].split("_")[4]
                rows.append((mention, d["sentence_normalized"], polarity[t["polarity"]]))
    return rows


def perspectrum(root):
    d = os.path.join(root, "stance", "perspectrum")
    with open(os.path.join(d, "dataset_split_v1.0.json")) as f:
        split = json.load(f)
    with open(os.path.join(d, "perspective_pool_v1.0.json")) as f:
        pool = {p["pId"]: p["text"] for p in json.load(f)}
    with open(os.path.join(d, "perspectrum_with_answers_v1.0.json")) as f:
        claims = json.load(f)
    rows = []
    for c in claims:
        if split.get(str(c["cId"])) != "train":
            continue
        for p in c["perspectives"]:
            lab = {"SUPPORT": "favor", "UNDERMINE": "against"}.get(p["stance_label_3"])
            if lab:
                rows.append((c["text"], pool[p["pids"][0]], lab))
    return rows


def gwsd(root):
    mapping = {"0": "neutral", "1": "favor", "2": "against"}
    with open(os.path.join(root, "stance", "gwsd", "preprocessed.csv"), encoding="utf-8") as f:
        return [("Climate Change is a Real Concern", r["text"].strip(), mapping[r["label"].strip()])
                for r in csv.DictReader(f) if r["label"].strip() in mapping]


def stance_data(root, rng, semeval_repeat=1, pstance_max=6000):
    pst = pstance(root, "train")
    rng.shuffle(pst)
    news = newsmtsc(root, "train.jsonl")
    persp = perspectrum(root)
    rng.shuffle(persp)
    gw = gwsd(root)
    rng.shuffle(gw)
    cut = len(gw) // 10
    # SemEval is the smallest set and the one the target is measured on: it may be
    # repeated (--semeval-repeat) so that tweets on its five targets are not drowned out.
    parts = {"semeval_train": semeval(root, "train") * semeval_repeat,
             "pstance_train": pst[:pstance_max],
             "newsmtsc_train": news, "perspectrum_train": persp[:4000], "gwsd_train": gw[cut:]}
    for name, rows in parts.items():
        print(f"  {name}: {len(rows)} {dict(collections.Counter(r[2] for r in rows))}")
    train = [r for rows in parts.values() for r in rows]
    dev = {"semeval_val": semeval(root, "val"), "pstance_val": pstance(root, "val"),
           "newsmtsc_devtest_mt": newsmtsc(root, "devtest_mt.jsonl"), "gwsd_heldout": gw[:cut]}
    return train, dev


def metrics(gold, pred, labels):
    out = {"n": len(gold), "accuracy": sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold))}
    for lab in labels:
        tp = sum(g == p == lab for g, p in zip(gold, pred))
        fp = sum(p == lab and g != lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        out[lab] = dict(zip(("precision", "recall", "f1"), training.prf(tp, fp, fn)))
    present = [l for l in labels if any(g == l for g in gold)]
    out["macro_f1"] = sum(out[l]["f1"] for l in present) / len(present)
    if "favor" in labels:
        out["f1avg_favor_against"] = (out["favor"]["f1"] + out["against"]["f1"]) / 2
    out["confusion"] = {g: dict(collections.Counter(p for gg, p in zip(gold, pred) if gg == g))
                        for g in labels}
    return out


@torch.no_grad()
def probabilities(model, tokenizer, pairs, max_length, device, batch_size=64):
    model.eval()
    out = [None] * len(pairs)
    enc = tokenizer([a for a, _ in pairs], [b for _, b in pairs], truncation="longest_first",
                    max_length=max_length)
    lengths = [len(x) for x in enc["input_ids"]]
    for chunk in training.length_batches(lengths, batch_size, random.Random(0)):
        ids = training.pad([enc["input_ids"][i] for i in chunk], 0).to(device)
        tt = training.pad([enc["token_type_ids"][i] for i in chunk], 0).to(device)
        mask = training.pad([[1] * lengths[i] for i in chunk], 0).to(device)
        probs = model(input_ids=ids, token_type_ids=tt, attention_mask=mask).logits.softmax(-1)
        for row, i in enumerate(chunk):
            out[i] = probs[row].cpu().tolist()
    model.train()
    return out


def evaluate(model, tokenizer, dev, labels, args):
    scores = {}
    for name, rows in dev.items():
        probs = probabilities(model, tokenizer, [(a, b) for a, b, _ in rows], args.max_length,
                              args.device)
        pred = [labels[max(range(len(p)), key=p.__getitem__)] for p in probs]
        scores[name] = metrics([r[2] for r in rows], pred, labels)
    return scores


def zero_shot(nli_dir, dev, args):
    """The same stance sets through the NLI model, as the crate's NliStanceDetector does it:
    per template set a softmax over the stances' entailment logits, averaged over sets."""
    tok = BertTokenizerFast.from_pretrained(nli_dir)
    model = BertForSequenceClassification.from_pretrained(nli_dir).to(args.device)
    ent = model.config.label2id["entailment"]
    scores = {}
    for name, rows in dev.items():
        pairs = [(text, tpl.replace("{t}", target)) for target, text, _ in rows
                 for tset in TEMPLATES for tpl in tset]
        model.eval()
        logits = []
        with torch.no_grad():
            # Padded per chunk of 64, not to the longest pair of the whole set.
            for i in range(0, len(pairs), 64):
                chunk = pairs[i:i + 64]
                enc = tok([a for a, _ in chunk], [b for _, b in chunk], truncation="only_first",
                          max_length=args.max_length, padding=True, return_tensors="pt")
                enc = {k: v.to(args.device) for k, v in enc.items()}
                logits += model(**enc).logits[:, ent].cpu().tolist()
        pred = []
        for r in range(len(rows)):
            base = r * 6
            mean = [0.0, 0.0, 0.0]
            for s in range(2):
                x = torch.tensor(logits[base + 3 * s: base + 3 * s + 3]).softmax(-1).tolist()
                mean = [m + v / 2 for m, v in zip(mean, x)]
            pred.append(STANCE_LABELS[max(range(3), key=mean.__getitem__)])
        scores[name] = metrics([r[2] for r in rows], pred, STANCE_LABELS)
    return scores


def report(scores):
    for name, m in scores.items():
        extra = f" F1avg {m['f1avg_favor_against']:.4f}" if "f1avg_favor_against" in m else ""
        print(f"  {name} (n={m['n']}): acc {m['accuracy']:.4f} macroF1 {m['macro_f1']:.4f}{extra}",
              flush=True)


def main():
    ap = argparse.ArgumentParser()
    training.add_common_args(ap)
    ap.add_argument("--task", choices=["nli", "stance"], required=True)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--init", help="start from this fine-tuned model of ours (not its head)")
    ap.add_argument("--nli-model", help="also score the stance dev sets zero-shot with it")
    ap.add_argument("--eval-only", action="store_true", help="score --out as it is")
    ap.add_argument("--semeval-repeat", type=int, default=1,
                    help="stance: how many times SemEval-2016 train enters the mix")
    ap.add_argument("--pstance-max", type=int, default=6000,
                    help="stance: P-Stance train pairs sampled into the mix")
    args = ap.parse_args()
    training.seed_everything(args.threads, args.device, args.seed)
    rng = random.Random(args.seed)
    labels = NLI_LABELS if args.task == "nli" else STANCE_LABELS
    if args.task == "nli":
        train, dev = nli_data(args.data, rng)
    else:
        train, dev = stance_data(args.data, rng, args.semeval_repeat, args.pstance_max)
    if args.limit:
        rng.shuffle(train)  # a smoke run's few pairs should still mix the sets
        train = training.limited(train, args.limit)
        dev = {name: training.limited(rows, args.limit) for name, rows in dev.items()}
    print(f"{len(train)} training pairs; dev sets {[(k, len(v)) for k, v in dev.items()]}",
          flush=True)

    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    if args.eval_only:
        model = BertForSequenceClassification.from_pretrained(args.out).to(args.device)
        report(evaluate(model, tokenizer, dev, labels, args))
        return
    config, model = training.new_classifier(BertForSequenceClassification, labels, args.base,
                                            args.init)
    model.to(args.device)

    enc = tokenizer([a for a, _, _ in train], [b for _, b, _ in train],
                    truncation="longest_first", max_length=args.max_length)
    y = [labels.index(r[2]) for r in train]
    lengths = [len(x) for x in enc["input_ids"]]
    trainer = training.Trainer(model, args, training.steps_per_epoch(len(train), args.batch_size))
    if args.resume:
        trainer.resume(rng)
    model.train()
    history = []
    while trainer.epoch < args.epochs:
        total, n = 0.0, 0
        for chunk in training.length_batches(lengths, args.batch_size, rng):
            ids = training.pad([enc["input_ids"][i] for i in chunk], 0).to(args.device)
            tt = training.pad([enc["token_type_ids"][i] for i in chunk], 0).to(args.device)
            mask = training.pad([[1] * lengths[i] for i in chunk], 0).to(args.device)
            target = torch.tensor([y[i] for i in chunk]).to(args.device)
            loss = model(input_ids=ids, token_type_ids=tt, attention_mask=mask,
                         labels=target).loss
            trainer.train_step(loss)
            total, n = total + loss.item(), n + 1
        trainer.epoch += 1
        scores = evaluate(model, tokenizer, dev, labels, args)
        print(f"epoch {trainer.epoch}: mean loss {total / n:.4f}, {trainer.elapsed():.0f}s; dev:",
              flush=True)
        report(scores)
        history.append({"epoch": trainer.epoch, "loss": total / n, "dev": scores,
                        "seconds": trainer.elapsed()})
        trainer.checkpoint(rng)

    training.save_model(model, config, args.base, args.out)
    result = {"args": vars(args), "train_pairs": len(train), "epochs": history}
    if args.nli_model:
        result["zero_shot_nli"] = zero_shot(args.nli_model, dev, args)
        print("zero-shot through", args.nli_model)
        report(result["zero_shot_nli"])
    if args.scores:
        with open(args.scores, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
    print(f"trained {trainer.steps} steps in {trainer.elapsed():.0f}s; wrote {args.out}")


if __name__ == "__main__":
    main()
