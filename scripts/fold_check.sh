#!/usr/bin/env bash
# Check models for the event extractor, scored on sentences they never saw.
#
# The hand-coded PLOVER sentences (data/events-*-train.jsonl) train both `events-default`
# and `roles-plover`, so they cannot score them. This script trains both again by the
# committed recipes without one fold of those sentences (every N-th from the K-th), then runs
# the whole extractor on that fold with the check models in place of the defaults, and once
# more with `roles-default` as the reference tagger. The fold is a development set: read its
# errors, tune on it, and say so. The check tagger starts from `roles-default`, the
# reference, which learned ConfliBERT's role set: 154 sentences of fold 0/6 are in its
# training data, so judge roles on the 338 that are in no ConfliBERT split as well.
# models/README.md ("roles-plover", "events-default") has the figures of fold 0/6.
#
# Usage: scripts/fold_check.sh [K/N] [evaluate options...]   (default 0/6; about 35 minutes
# on 2 cores; a step whose output exists is skipped, so a cut-off run resumes)
set -euo pipefail
cd "$(dirname "$0")/.."
fold=${1:-0/6}
shift || true
out=$PWD/models/cache/fold-${fold/\//-of-}
py=.venv/bin/python
mkdir -p "$out"

cargo build --release --example batch --example evaluate

assemble() { # the full model.safetensors from the fine-tuned fp16 tensors, as set-up does
    "$py" -c "import sys; sys.path.insert(0, 'scripts'); import models
models.assemble('models/cache/minilm/model.safetensors', '$1/finetuned.fp16.safetensors', '$1/model.safetensors')"
}

if [ ! -f "$out/types/model.safetensors" ]; then
    "$py" scripts/event_type_data.py --fold "$fold" --out "$out/type-data"
    "$py" scripts/train_event_types.py --data "$out/type-data" \
        --hand-coded "$out/type-data/fold.jsonl" --out "$out/types" --epochs 8 --threads 2
    assemble "$out/types"
fi
if [ ! -f "$out/roles/model.safetensors" ]; then
    "$py" scripts/role_data.py --scheme plover --fold "$fold" --out "$out/role-data"
    "$py" scripts/train_ner.py --data "$out/role-data" --types SOURCE,TARGET,RECIPROCAL \
        --init models/roles-default --out "$out/roles" --epochs 10 --batch-size 16 --threads 2
    assemble "$out/roles"
fi

# A registry naming the check models: models.toml with their directories, their sha256
# lines dropped, every other directory made absolute.
"$py" - "$out" <<'EOF'
import os, re, sys
out = sys.argv[1]
check = {"events-default": f"{out}/types", "roles-plover": f"{out}/roles"}
blocks = open("models.toml", encoding="utf-8").read().split("[[model]]")
for i, b in enumerate(blocks[1:], 1):
    name = re.search(r'^name = "(.*)"', b, re.M).group(1)
    if name in check:
        b = re.sub(r"^dir = .*$", f'dir = "{check[name]}"', b, flags=re.M)
        b = re.sub(r"\[model\.files\][^\[]*", "", b)
    else:
        b = re.sub(r'^dir = "(.*)"$', lambda m: f'dir = "{os.path.abspath(m.group(1))}"', b,
                   flags=re.M)
    blocks[i] = b
open(f"{out}/registry.toml", "w", encoding="utf-8").write("[[model]]".join(blocks))
EOF

policy="--min-score 0.01 --add-above 0.7 --add-beside 0.7"
for roles in roles-plover roles-default; do
    echo "== fold $fold, check events-default, tagger $roles"
    REPORTAGE_REGISTRY=$out/registry.toml target/release/examples/evaluate events \
        --gold "$out/type-data/fold.jsonl" --recognizer recommended \
        --classifier events-default $policy --roles "$roles" "$@"
done
