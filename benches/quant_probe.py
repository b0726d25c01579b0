#!/usr/bin/env python
"""Issue 16, item 3: which faster CPU path pays for `ner-default` on this machine.

A probe, not a bench of the crate: it times bare forward passes of the token-classification
model (no pipeline, no aggregation) over CoNLL dev sentences, in four variants of the same
weights, alternated in rounds so that the machine's drift hits all of them alike:

- fp32: the model as loaded (`attn_implementation="eager"`, like rust-bert);
- int8: `torch.ao.quantization.quantize_dynamic` of every `nn.Linear` (int8 weights,
  activations quantized per call), with the `fbgemm` / `x86` engine;
- fp16w: every Linear's weight packed once with `torch.ops.aten.fbgemm_pack_gemm_matrix_fp16`
  and applied with `fbgemm_linear_fp16_weight_fp32_activation` (fp32 activations);
- int8-raw: the ATen ops the Rust side can reach through tch
  (`fbgemm_linear_quantize_weight`, `fbgemm_pack_quantized_matrix`,
  `fbgemm_linear_int8_weight_fp32_activation`), to check they exist and agree with int8.

It also reports how often each variant's argmax label equals fp32's on the sentences'
tokens, with token types from capitalisation (`case_token_types`, as the crate feeds them).

    python3 benches/conll_sentences.py ../shared/data/ner/conll2003/dev.txt 320 > models/cache/conll-dev-320.txt
    .venv/bin/python benches/quant_probe.py --inputs models/cache/conll-dev-320.txt --rounds 3
"""
import argparse
import time
from pathlib import Path

import torch
from torch import nn
from transformers import AutoModelForTokenClassification, AutoTokenizer

ROOT = Path(__file__).resolve().parents[1]


def case_types(text, enc_word_ids, offsets):
    """scripts/train_ner.py's `case_types` (the crate's `case_type_ids`)."""
    word_start = {}
    for w, (s, _) in zip(enc_word_ids, offsets):
        if w is not None and w not in word_start:
            word_start[w] = s
    return [int(w is not None and text[word_start[w]].isupper()) for w in enc_word_ids]


def encode(tok, sentences):
    rows = []
    for s in sentences:
        enc = tok(s, return_offsets_mapping=True, truncation=True, max_length=128)
        types = case_types(s, enc.word_ids(), enc["offset_mapping"])
        rows.append((enc["input_ids"], types))
    return rows


def batches(rows, bs):
    """Sorted longest first, as the crate's runner does, right-padded per batch."""
    order = sorted(range(len(rows)), key=lambda i: -len(rows[i][0]))
    out = []
    for k in range(0, len(order), bs):
        idx = order[k:k + bs]
        width = max(len(rows[i][0]) for i in idx)
        ids = torch.zeros(len(idx), width, dtype=torch.long)
        types = torch.zeros(len(idx), width, dtype=torch.long)
        mask = torch.zeros(len(idx), width, dtype=torch.long)
        for r, i in enumerate(idx):
            n = len(rows[i][0])
            ids[r, :n] = torch.tensor(rows[i][0])
            types[r, :n] = torch.tensor(rows[i][1])
            mask[r, :n] = 1
        out.append((idx, ids, types, mask))
    return out


class Fp16Linear(nn.Module):
    def __init__(self, lin):
        super().__init__()
        self.packed = torch.ops.aten.fbgemm_pack_gemm_matrix_fp16(lin.weight.detach())
        self.bias = lin.bias.detach()

    def forward(self, x):
        return torch.ops.aten.fbgemm_linear_fp16_weight_fp32_activation(x, self.packed, self.bias)


class RawInt8Linear(nn.Module):
    """The tch-reachable ATen ops: quantize the weight once, pack it, apply it."""

    def __init__(self, lin):
        super().__init__()
        w = lin.weight.detach().float().contiguous()
        q, col_offsets, scale, zero_point = torch.ops.aten.fbgemm_linear_quantize_weight(w)
        self.packed = torch.ops.aten.fbgemm_pack_quantized_matrix(q)
        self.col_offsets, self.scale, self.zero_point = col_offsets, scale, zero_point
        self.w = q  # the unpacked int8 weight (kept only for the signature)
        self.bias = lin.bias.detach()

    def forward(self, x):
        return torch.ops.aten.fbgemm_linear_int8_weight_fp32_activation(
            x, self.w, self.packed, self.col_offsets, self.scale, self.zero_point, self.bias)


def swap_linears(model, make):
    for name, mod in list(model.named_modules()):
        for cname, child in list(mod.named_children()):
            if isinstance(child, nn.Linear):
                setattr(mod, cname, make(child))
    return model


def load(path):
    m = AutoModelForTokenClassification.from_pretrained(path, attn_implementation="eager")
    return m.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "models/ner-default"))
    ap.add_argument("--inputs", default=str(ROOT / "models/cache/conll-dev-320.txt"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engine", default="x86")
    ap.add_argument("--variants", default="fp32,int8,fp16w,int8-raw")
    args = ap.parse_args()
    torch.backends.quantized.engine = args.engine
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, engines "
          f"{torch.backends.quantized.supported_engines}, using {torch.backends.quantized.engine}")
    sentences = [l for l in Path(args.inputs).read_text().splitlines() if l.strip()]
    tok = AutoTokenizer.from_pretrained(args.model)
    rows = encode(tok, sentences)
    variants = {}
    for v in args.variants.split(","):
        m = load(args.model)
        if v == "int8":
            m = torch.ao.quantization.quantize_dynamic(m, {nn.Linear}, dtype=torch.qint8)
        elif v == "fp16w":
            swap_linears(m, Fp16Linear)
        elif v == "int8-raw":
            swap_linears(m, RawInt8Linear)
        variants[v] = m

    def run(m, bs, keep=False):
        preds = [None] * len(rows)
        with torch.inference_mode():
            for idx, ids, types, mask in batches(rows, bs):
                logits = m(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
                if keep:
                    am = logits.argmax(-1)
                    for r, i in enumerate(idx):
                        preds[i] = am[r, : len(rows[i][0])]
        return preds

    ref = run(variants["fp32"], 32, keep=True) if "fp32" in variants else None
    if ref is not None:
        # Tokens other than [CLS]/[SEP]
        total = sum(len(p) - 2 for p in ref)
        for v, m in variants.items():
            p = run(m, 32, keep=True)
            same = sum(int((a[1:-1] == b[1:-1]).sum()) for a, b in zip(ref, p))
            print(f"{v}: argmax equal to fp32 on {same}/{total} tokens ({same / total:.4f})")
    for bs in [1, 32]:
        for v, m in variants.items():
            run(m, bs)  # warm-up
    for rnd in range(1, args.rounds + 1):
        load_avg = Path("/proc/loadavg").read_text().split()[:3]
        print(f"## round {rnd}, load {' '.join(load_avg)}")
        for bs in [1, 32]:
            for v, m in variants.items():
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    run(m, bs)
                    times.append(time.perf_counter() - start)
                times.sort()
                med = times[len(times) // 2]
                print(f"batch {bs:2d} {v:9s}: median {med * 1000:7.0f} ms, "
                      f"{len(rows) / med:7.1f} sentences/s")


if __name__ == "__main__":
    main()
