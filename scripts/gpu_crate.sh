#!/usr/bin/env bash
# Issue 16, item 4: the crate itself on a GPU, in one prepared run. On a machine with an
# NVIDIA GPU, this checkout (set up: scripts/setup.sh has built the default models), a Rust
# toolchain and a CUDA build of libtorch 2.4.0 (tch 0.17 links exactly that version; point
# LIBTORCH at it), it runs:
#   1. the CUDA tests: entities (a BERT fixture, against the recorded `transformers`
#      pipeline) and `stance-default` (CUDA against CPU);
#   2. the NER bench (`ner-default`, batch 1 and 32) and the stance bench
#      (`stance-default`, `nli-default`) on the GPU;
#   3. CoNLL-2003 dev through `evaluate ner` on the GPU (accuracy and sentences/s), when
#      the file is there (CONLL_DEV, default ../shared/data/ner/conll2003/dev.txt).
# Every log goes to OUT (default target/gpu-crate); BENCHMARKS.md takes its numbers from
# there. It fails, rather than skipping quietly, if libtorch sees no CUDA device.
#
#   LIBTORCH=/opt/libtorch-2.4.0-cu121 scripts/gpu_crate.sh [OUT]
#
# GPU_CRATE_DEVICE=cpu runs the same steps on the CPU with short benches: a check of the
# script itself on a machine without a GPU (what was run here; see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/gpu-crate}
device=${GPU_CRATE_DEVICE:-cuda}
conll=${CONLL_DEV:-../shared/data/ner/conll2003/dev.txt}
mkdir -p "$out"

if [ "$device" = cuda ]; then
    command -v nvidia-smi >/dev/null || { echo "gpu_crate: no nvidia-smi: not a GPU machine" >&2; exit 2; }
    [ -n "${LIBTORCH:-}" ] || { echo "gpu_crate: set LIBTORCH to a CUDA build of libtorch 2.4.0" >&2; exit 2; }
    export LD_LIBRARY_PATH="$LIBTORCH/lib:${LD_LIBRARY_PATH:-}"
    nvidia-smi >"$out/nvidia-smi.txt"
    bench_time=()
else
    # Short criterion runs: this mode checks the script, it measures nothing worth keeping.
    bench_time=(--warm-up-time 1 --measurement-time 2)
fi

echo "== 1. CUDA tests" | tee "$out/summary.txt"
cargo test --release --test entities_parity --test stance_default_eval -- --nocapture cuda 2>&1 |
    tee "$out/cuda-tests.txt"
skipped=$(grep -c "no CUDA device: skipped" "$out/cuda-tests.txt" || true)
if [ "$device" = cuda ] && [ "$skipped" -gt 0 ]; then
    echo "gpu_crate: libtorch sees no CUDA device (is LIBTORCH a CUDA build?)" >&2
    exit 1
fi
grep -E "^test .* (ok|FAILED)$|max score diff" "$out/cuda-tests.txt" | tee -a "$out/summary.txt"

echo "== 2. benches on $device" | tee -a "$out/summary.txt"
REPORTAGE_BENCH_DEVICE=$device REPORTAGE_BENCH_MODELS=ner-default REPORTAGE_BENCH_BATCHES=1,32 \
    cargo bench --bench entities -- "${bench_time[@]}" 2>&1 | tee "$out/bench-entities.txt"
REPORTAGE_BENCH_DEVICE=$device REPORTAGE_BENCH_MODELS=stance-default,nli-default \
    cargo bench --bench stance -- "${bench_time[@]}" 2>&1 | tee "$out/bench-stance.txt"
grep -E "^(entities|stance)|thrpt:.*elem/s" "$out/bench-entities.txt" "$out/bench-stance.txt" |
    tee -a "$out/summary.txt"

echo "== 3. CoNLL-2003 dev on $device" | tee -a "$out/summary.txt"
if [ -f "$conll" ]; then
    cargo build --release --example evaluate
    target/release/examples/evaluate ner --model ner-default --conll "$conll" \
        --map 'LOC=GPE|LOC,MISC=NORP|MISC' --device "$device" --batch-size 32 \
        ${GPU_CRATE_LIMIT:+--limit "$GPU_CRATE_LIMIT"} 2>&1 | tee "$out/ner-dev.txt"
    grep -E "micro avg|speed:" "$out/ner-dev.txt" | tee -a "$out/summary.txt"
else
    echo "no $conll: skipped" | tee -a "$out/summary.txt"
fi
echo "gpu_crate: logs in $out (summary.txt)"
