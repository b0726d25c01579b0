"""CoNLL token files as plain sentences (standard library only): what the data scripts and
the benches that read CoNLL-2003 text share."""

import re


def detokenize(tokens):
    """Tokens back to running text: no space before closing punctuation or after opening."""
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?)'\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    return text.replace(" n't", "n't").replace(" 's", "'s")


def conll_sentences(path):
    """Every sentence of a CoNLL file (first column, blank lines and -DOCSTART- between
    sentences), detokenised."""
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if cur:
                    sents.append(detokenize(cur))
                cur = []
                continue
            cur.append(parts[0])
    if cur:
        sents.append(detokenize(cur))
    return sents
