"""Times the best NER and stance runs of scripts/gpu_train.sh on the machine it runs on:
sentences (pairs) per second through transformers (tokenizer, model, argmax), batch 1 and
32, on 320 CoNLL-2003 dev sentences, fp32 and fp16. The Rust crate is not timed here: its
libtorch (tch's pinned torch 2.4.0) is not the lent machine's (see BENCHMARKS.md)."""

import argparse
import json
import os
import sys
import time

import torch
from transformers import BertConfig, BertForSequenceClassification, BertForTokenClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training  # noqa: E402
from training import BertTokenizerFast  # noqa: E402


def load(kind, run_dir, base):
    config = BertConfig.from_pretrained(run_dir)
    model = kind(config)
    training.load_base(model, base)
    training.load_init(model, run_dir)
    tuned = training.load_file(os.path.join(run_dir, "finetuned.fp16.safetensors"))
    model.classifier.load_state_dict({k[len("classifier."):]: v.float() for k, v in tuned.items()
                                      if k.startswith("classifier.")})
    return model.eval()


@torch.no_grad()
def rate(model, tokenizer, rows, batch, device, pairs):
    def once():
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            if pairs:
                enc = tokenizer([a for a, _ in chunk], [b for _, b in chunk], padding=True,
                                truncation=True, max_length=128, return_tensors="pt")
            else:
                enc = tokenizer(chunk, padding=True, truncation=True, max_length=128,
                                return_tensors="pt")
            out = model(**{k: v.to(device) for k, v in enc.items()}).logits.argmax(-1)
            out.cpu()
    once()  # warm-up
    if device == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    once()
    if device == "cuda":
        torch.cuda.synchronize()
    return len(rows) / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    with open(os.path.join(args.work, "summary.json")) as f:
        runs = json.load(f)["runs"]

    def best(family):
        mine = [r for r in runs if r["family"] == family]
        return os.path.join(args.work, max(mine, key=lambda r: r["final"])["job"]) if mine else None

    with open(os.path.join(args.work, "ner-data", "dev.jsonl")) as f:
        sentences = [json.loads(line)["text"] for line in f][:320]
    tokenizer = BertTokenizerFast.from_pretrained(args.base)
    stance_rows = [("the government", s) for s in sentences]
    for family, kind, rows, pairs in (("ner", BertForTokenClassification, sentences, False),
                                      ("stance", BertForSequenceClassification, stance_rows, True)):
        run_dir = best(family)
        if not run_dir:
            continue
        model = load(kind, run_dir, args.base).to(args.device)
        for dtype in (torch.float32, torch.float16) if args.device == "cuda" else (torch.float32,):
            model = model.to(dtype)
            for batch in (1, 32):
                r = rate(model, tokenizer, rows, batch, args.device, pairs)
                print(f"{family} {os.path.basename(run_dir)} {args.device} {str(dtype)[6:]} "
                      f"batch {batch}: {r:.0f} per second", flush=True)


if __name__ == "__main__":
    main()
