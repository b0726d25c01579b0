#!/usr/bin/env python3
"""The Python side of benches/stance.rs: transformers' ZeroShotClassificationPipeline on the
same weights, inputs and batch sizes.

Workload (as in benches/stance.rs): the 32 sentences of benches/stance_sentences.txt, target
"the ceasefire", candidate labels = the three rendered hypotheses of one template set with
hypothesis_template "{}" (3 NLI pairs per sentence), single-label, CPU. `batch_size` is the
pipeline's: (sentence, hypothesis) pairs per forward pass, the crate's meaning too.

Needs: torch 2.4.0, transformers 4.46.3 (in .venv). The model comes from
`.venv/bin/python scripts/fixtures/nli.py --bench`.
Run:   .venv/bin/python benches/stance_hf.py [--repeats 10]
Prints, per model and batch size, the median and min over repeats of one pass over the
32 pairs, and pairs per second at the median.
"""

import argparse
import statistics
import time
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, PreTrainedTokenizerFast, pipeline

ROOT = Path(__file__).resolve().parents[1]
TARGET = "the ceasefire"
TEMPLATES = ["The author supports {target}.", "The author opposes {target}.", "The author is neutral about {target}."]
MODELS = [ROOT / "models/cache/nli-bert-base-random", ROOT / "tests/fixtures/nli-bert-tiny",
          ROOT / "models/nli-default"]
CLASSIFIER = ROOT / "models/stance-default"


def timed(run, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def classifier(sentences, repeats):
    """stance-default through TextClassificationPipeline: one (target, text) pair per
    sentence, softmax over the labels, as the crate's ClassifierStanceDetector."""
    model = AutoModelForSequenceClassification.from_pretrained(CLASSIFIER).eval()
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(CLASSIFIER / "tokenizer.json"),
                                        pad_token="[PAD]", model_max_length=512)
    inputs = [{"text": TARGET, "text_pair": s} for s in sentences]
    for batch_size in [1, 32]:
        tc = pipeline("text-classification", model=model, tokenizer=tokenizer, device=-1,
                      batch_size=batch_size, top_k=None)
        med, best = timed(lambda: tc(inputs), repeats)
        print(f"stance-default (classifier) batch {batch_size:2d}: median {med * 1e3:8.1f} ms, "
              f"min {best * 1e3:8.1f} ms, {len(sentences) / med:8.1f} pairs/s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--classifier", action="store_true",
                    help="only the fine-tuned stance-default classifier")
    args = ap.parse_args()
    sentences = (ROOT / "benches/stance_sentences.txt").read_text().splitlines()
    if args.classifier:
        classifier(sentences, args.repeats)
        return
    hypotheses = [t.replace("{target}", TARGET) for t in TEMPLATES]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {len(sentences)} pairs")
    for model_dir in MODELS:
        if not (model_dir / "model.safetensors").exists():
            print(f"skipping {model_dir.name}: not generated")
            continue
        model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
        tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"),
                                            pad_token="[PAD]", model_max_length=512)
        for batch_size in [1, 8, 32]:
            zs = pipeline("zero-shot-classification", model=model, tokenizer=tokenizer, device=-1,
                          batch_size=batch_size)
            run = lambda: zs(sentences, candidate_labels=hypotheses, hypothesis_template="{}")
            run()  # warm-up
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                run()
                times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            print(f"{model_dir.name} batch {batch_size:2d}: median {med * 1e3:8.1f} ms, "
                  f"min {min(times) * 1e3:8.1f} ms, {len(sentences) / med:8.1f} pairs/s")


if __name__ == "__main__":
    main()
