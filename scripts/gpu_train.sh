#!/usr/bin/env bash
# One call on a lent GPU machine: trains variants of the fine-tuned defaults in parallel, picks
# the best of each family on its dev split (scripts/gpu_select.py) and times the picked NER and
# stance models there (scripts/gpu_bench.py). Run from the repository root with gpu-carry/
# (scripts/gpu_pack.sh) carried; results land in $OUT. Every score it prints is a dev score.
#   GPU_DEVICE=cpu GPU_SMOKE=1 OUT=/tmp/o bash scripts/gpu_train.sh   # a few steps, on CPU
#   bash scripts/gpu_train.sh case-roles    # after scripts/gpu_pack.sh --encoder-from models/ner-default:
#                                           # role taggers with case token types from ner-default's
#                                           # encoder, and two more stance mixes
set -u
PLAN=${1:-all}
export PYTHONUNBUFFERED=1
C=gpu-carry
W=${GPU_WORK:-/tmp/gpu-work}
O=${OUT:-/tmp/gpu-out}
DEVICE=${GPU_DEVICE:-cuda}
PY=${PYTHON:-python3}
rm -rf "$W"; mkdir -p "$W" "$O"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1
  $PY -c 'import sys, torch, transformers; print(sys.version.split()[0], "torch", torch.__version__,
"transformers", transformers.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no cuda")'
  nproc; } > "$W/machine.txt" 2>&1
cat "$W/machine.txt"
tar -xJf "$C/data.tar.xz" -C "$W"
common=(--base "$C/minilm" --device "$DEVICE" --threads 2)
smoke=()
[ -n "${GPU_SMOKE:-}" ] && smoke=(--limit 48)
ep() { if [ -n "${GPU_SMOKE:-}" ]; then echo 1; else echo "$1"; fi; }

job() {  # job NAME SECONDS SCRIPT ARGS...: one training run in the background
  local name=$1 limit=$2 script=$3; shift 3
  ( timeout "$limit" $PY "scripts/$script" "${common[@]}" "${smoke[@]}" "$@" \
      --out "$W/$name" --scores "$W/$name.json" > "$W/$name.log" 2>&1
    echo "exit $?" >> "$W/$name.log" ) &
}

t0=$(date +%s)
if [ "$PLAN" = case-roles ]; then
  for spec in "roles_case_e10 10 1e-4" "roles_case_e15 15 8e-5" "roles_case_e20_lr5 20 5e-5"; do
    set -- $spec
    job "$1" 230 train_ner.py --data "$W/role-data" --types SOURCE,TARGET,RECIPROCAL \
      --case-token-types --epochs "$(ep "$2")" --lr "$3" --batch-size 16
  done
  job stance_plain_e4_rep5_ps12k 230 train_pair.py --task stance --data "$W/shared" \
    --epochs "$(ep 4)" --lr 5e-5 --semeval-repeat 5 --pstance-max 12000
  job stance_plain_e6_rep3 230 train_pair.py --task stance --data "$W/shared" \
    --epochs "$(ep 6)" --lr 4e-5 --semeval-repeat 3
  wait
  echo "case-roles: $(( $(date +%s) - t0 )) s"
  $PY scripts/gpu_select.py --work "$W" --pack "$O"
  tar -czf "$O/results.tar.gz" -C "$W" --exclude='*.safetensors' --exclude='checkpoint.pt' \
    --exclude='*-data' --exclude=tokenizer.json --exclude=vocab.txt --exclude=shared .
  ls -l "$O"
  exit 0
fi
# Round 1: NER, NLI and event types from the plain encoder (and stance without NLI, as a control).
job ner_e8 220 train_ner.py --data "$W/ner-data" --epochs "$(ep 8)"
job ner_case_e8 220 train_ner.py --data "$W/ner-data" --epochs "$(ep 8)" --case-token-types
job ner_e5_lr5 220 train_ner.py --data "$W/ner-data" --epochs "$(ep 5)" --lr 5e-5 --batch-size 16
job nli_e6 220 train_pair.py --task nli --data "$W/shared" --epochs "$(ep 6)" --lr 5e-5
job nli_e10 220 train_pair.py --task nli --data "$W/shared" --epochs "$(ep 10)" --lr 8e-5
job events_e8 220 train_event_types.py --data "$W/event-type-data" --epochs "$(ep 8)"
job stance_plain_e4 220 train_pair.py --task stance --data "$W/shared" --epochs "$(ep 4)" \
  --lr 5e-5 --semeval-repeat 3
wait
echo "round 1: $(( $(date +%s) - t0 )) s"
nli=$($PY scripts/gpu_select.py --work "$W" --best nli)
from_nli=(); [ -n "$nli" ] && from_nli=(--init "$nli")
from_ner=(); [ -f "$W/ner_e8/finetuned.fp16.safetensors" ] && from_ner=(--init "$W/ner_e8")
echo "stance starts from ${nli:-the plain encoder}, roles from ${from_ner[1]:-the plain encoder}"
# Round 2: stance from the best NLI model, roles from the NER model (as roles-default was made).
job stance_e4_rep3 200 train_pair.py --task stance --data "$W/shared" "${from_nli[@]}" \
  --epochs "$(ep 4)" --lr 5e-5 --semeval-repeat 3
job stance_e3 200 train_pair.py --task stance --data "$W/shared" "${from_nli[@]}" \
  --epochs "$(ep 3)" --lr 8e-5
job stance_e5_rep3_ps12k 200 train_pair.py --task stance --data "$W/shared" "${from_nli[@]}" \
  --epochs "$(ep 5)" --lr 3e-5 --semeval-repeat 3 --pstance-max 12000
job stance_e4_rep5_ps12k 200 train_pair.py --task stance --data "$W/shared" "${from_nli[@]}" \
  --epochs "$(ep 4)" --lr 5e-5 --semeval-repeat 5 --pstance-max 12000
for spec in "roles_e10 10 1e-4" "roles_e20 20 1e-4" "roles_e20_lr5 20 5e-5"; do
  set -- $spec
  job "$1" 200 train_ner.py --data "$W/role-data" --types SOURCE,TARGET,RECIPROCAL \
    "${from_ner[@]}" --epochs "$(ep "$2")" --lr "$3" --batch-size 16
done
wait
echo "round 2: $(( $(date +%s) - t0 )) s"
$PY scripts/gpu_select.py --work "$W" --pack "$O"
timeout 45 $PY scripts/gpu_bench.py --work "$W" --base "$C/minilm" --device "$DEVICE" \
  > "$W/bench.txt" 2>&1; cat "$W/bench.txt"
tar -czf "$O/results.tar.gz" -C "$W" --exclude='*.safetensors' --exclude='checkpoint.pt' \
  --exclude='*-data' --exclude=tokenizer.json --exclude=vocab.txt --exclude='shared' .
ls -l "$O"
echo "total: $(( $(date +%s) - t0 )) s"
