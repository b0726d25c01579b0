#!/usr/bin/env python
"""Python peer of benches/entities.rs: `transformers`' token-classification pipeline on the
same weights and the same 32 sentences, at batch sizes 1, 8 and 32, aggregation "first".

Needs the .venv of scripts/setup.sh (torch) with transformers added
(`.venv/bin/pip install transformers==4.46.3 numpy==1.26.4 safetensors==0.8.0`). The model is
made by `.venv/bin/python scripts/fixtures/ner.py --bench-only`; `benches/entities_ab.sh`
alternates this script with the Rust bench. Run from the repository root:

    .venv/bin/python benches/entities_hf.py [--device cpu|cuda] [--model DIR] [--runs N] [--batch-sizes 1,32]
"""
import argparse
import os
import time
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

ROOT = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "models/cache/ner-bench-bert-base"))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch-sizes", default="1,8,32")
    args = ap.parse_args()
    # REPORTAGE_BENCH_INPUTS: the same file benches/entities.rs reads instead of the 32 sentences.
    inputs = Path(os.environ.get("REPORTAGE_BENCH_INPUTS", ROOT / "benches/entities_inputs.txt"))
    sentences = [l for l in inputs.read_text().splitlines() if l.strip()]
    model = AutoModelForTokenClassification.from_pretrained(args.model)
    tok = AutoTokenizer.from_pretrained(args.model)
    pipe = pipeline("token-classification", model=model, tokenizer=tok, aggregation_strategy="first",
                    device=args.device)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    for bs in [int(b) for b in args.batch_sizes.split(",")]:
        found = sum(len(r) for r in pipe(sentences, batch_size=bs))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            pipe(sentences, batch_size=bs)
            times.append(time.perf_counter() - start)
        times.sort()
        median = times[len(times) // 2]
        print(f"{Path(args.model).name} batch {bs}: {found} entities in {len(sentences)} sentences; "
              f"median {median * 1000:.0f} ms: {len(sentences) / median:.1f} sentences/s, "
              f"{found / median:.1f} entities/s (best {len(sentences) / times[0]:.1f} sentences/s)")


if __name__ == "__main__":
    main()
