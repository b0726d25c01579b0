#!/usr/bin/env bash
# Entity-recognition speed, reportage against transformers' pipeline, alternating the two
# ROUNDS times (default 3) so that both see the same drift of a shared machine. Needs the
# random BERT-base model and transformers in .venv:
#   .venv/bin/pip install transformers==4.46.3 numpy==1.26.4 safetensors==0.8.0
#   .venv/bin/python scripts/fixtures/ner.py --bench-only
# Usage: benches/entities_ab.sh [ROUNDS]   (REPORTAGE_BENCH_MALLOC=default: glibc defaults)
# REPORTAGE_BENCH_BACKENDS=rust-bert,fp32,int8 adds the crate's own forward passes and
# REPORTAGE_BENCH_BATCHES=1,32 keeps only those batch sizes, on both sides (issue 16):
#   REPORTAGE_BENCH_INPUTS=models/cache/conll-dev-320.txt REPORTAGE_BENCH_MODELS=ner-default \
#   REPORTAGE_BENCH_BACKENDS=rust-bert,fp32,int8 REPORTAGE_BENCH_BATCHES=1,32 benches/entities_ab.sh 3
# The trained model on CoNLL dev sentences (issue 13; the text is not committed):
#   python3 benches/conll_sentences.py ../shared/data/ner/conll2003/dev.txt 320 > models/cache/conll-dev-320.txt
#   REPORTAGE_BENCH_INPUTS=models/cache/conll-dev-320.txt REPORTAGE_BENCH_MODELS=ner-default benches/entities_ab.sh 2
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
batches=${REPORTAGE_BENCH_BATCHES:-1,8,32}
cargo bench --bench entities --no-run --quiet
for round in $(seq "$rounds"); do
    echo "## round $round of $rounds, $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "${REPORTAGE_BENCH_MODELS:-}" != ner-default ]; then
        .venv/bin/python benches/entities_hf.py --runs 7 --batch-sizes "$batches"
    fi
    .venv/bin/python benches/entities_hf.py --runs 7 --batch-sizes "$batches" --model models/ner-default
    cargo bench --bench entities --quiet -- --warm-up-time 1 --measurement-time 5 --noplot 2>&1 |
        grep -E "sentences/s|^entities/|thrpt:"
done
