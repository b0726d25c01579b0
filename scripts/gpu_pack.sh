#!/usr/bin/env bash
# Packs what scripts/gpu_train.sh needs into gpu-carry/ (git-ignored), to be carried to a lent
# GPU machine, which sees the repository but not ../shared or models/cache.
#   the base encoder in fp16 (the trainers copy it into fp32 parameters), 45 MB;
#   the prepared NER, role and event-type sets and the raw stance and NLI sets, xz-compressed.
# The committed fine-tunes are not carried: the GPU run trains NLI before stance and NER
# before roles, so every start point is made there. (A call carries at most 64 MiB, and the
# five committed fine-tunes alone are 110 MB: move them aside during the call.)
#
#   scripts/gpu_pack.sh                          the plain encoder (scripts/gpu_train.sh all)
#   scripts/gpu_pack.sh --encoder-from DIR       the encoder of our fine-tune in DIR instead
#                                                (e.g. models/ner-default for case-roles)
set -euo pipefail
cd "$(dirname "$0")/.."
from=""
[ "${1:-}" = "--encoder-from" ] && from="$2"
out=gpu-carry
rm -rf "$out"; mkdir -p "$out/minilm"
base=models/cache/minilm
.venv/bin/python - "$base" "$out/minilm" "$from" <<'PY'
import sys, torch
from safetensors.torch import load_file, save_file
src, dst, tuned = sys.argv[1:]
state = {k: v.to(torch.float16).contiguous() for k, v in load_file(f"{src}/model.safetensors").items()}
if tuned:
    # The fine-tune's encoder under the base's names (no `bert.`, no head); the frozen word
    # embeddings stay the wheel's, as in every fine-tune.
    ft = load_file(f"{tuned}/finetuned.fp16.safetensors")
    for k, v in ft.items():
        if k.startswith("bert.") and k[5:] in state:
            state[k[5:]] = v.contiguous()
save_file(state, f"{dst}/model.safetensors", metadata={"format": "pt"})
PY
for f in config.json tokenizer.json vocab.txt special_tokens_map.json tokenizer_config.json; do
  [ -f "$base/$f" ] && cp "$base/$f" "$out/minilm/"
done
shared=../shared/data
tar -cJf "$out/data.tar.xz" \
  -C models/cache ner-data role-data event-type-data \
  -C "$(cd $shared && pwd)" --transform 's,^\(nli\|stance\)/,shared/\1/,' \
     nli/snli_dev nli/mnli_dev_matched nli/breaking_nli \
     stance/semeval2016 stance/pstance stance/newsmtsc stance/perspectrum stance/gwsd
du -sh "$out"/*
