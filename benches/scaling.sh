#!/usr/bin/env bash
# Scale-out of `batch` on this machine (issue 16, item 2): documents/s on the same input for
#   one process with 2 torch threads,
#   2 processes with 1 thread each through GNU parallel,
#   one process with 2 worker threads of 1 torch thread each (batch --workers 2),
#   Spark local[1] (one process, 2 threads) and local[2] (2 partitions, 1 thread each),
# and one process with 2 threads that sleep while they wait (OMP_WAIT_POLICY=PASSIVE): the
# default spin-waiting is many times slower when other work holds a core,
# the settings alternated in ROUNDS rounds so that each sees the same machine drift. Times are
# wall clock from start to the last event written: model loading (once per process) and, for
# Spark, the JVM's start are included.
#
# Input: the first DOCS documents of benches/batch_docs.py (runs of 4 CoNLL-2003 train
# sentences; needs ../shared/data). Build first: cargo build --release --example batch; Spark
# comes from `make spark-test` (target/spark/venv); GNU parallel is installed with apt-get when
# missing. The binary is copied first, so a rebuild during the run does not mix versions.
#
# Usage: benches/scaling.sh [ROUNDS=2] [DOCS=1000]     (results also in target/scaling/)
#        SETTINGS="one-2t spark-local2-1t" benches/scaling.sh   (a subset)
#        SCALING_BINARY=path/to/batch SCALING_TIMEOUT=900 benches/scaling.sh   (defaults)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-2}
DOCS=${2:-1000}
PY=${SPARK_VENV:-target/spark/venv}/bin/python
OUT=target/scaling
SOURCE=${SCALING_BINARY:-target/release/examples/batch}
LIMIT=${SCALING_TIMEOUT:-900}   # seconds per run; a run cut off is reported as a timeout
HALF=$(((DOCS + 1) / 2))

[ -x "$PY" ] || { echo "no pyspark venv at $PY: run make spark-test first" >&2; exit 1; }
if ! command -v parallel >/dev/null; then
  echo "scaling: installing GNU parallel with apt-get" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel >/dev/null
fi

mkdir -p "$OUT"
BIN="$OUT/batch"
cp "$SOURCE" "$BIN"
"$PY" - "$DOCS" > "$OUT/docs.jsonl" <<'EOF'
import json, os, sys
sys.path.insert(0, "benches")
from batch_docs import documents
conll = os.path.join("..", "shared", "data", "ner", "conll2003", "train.txt")
for i, t in enumerate(documents(conll, int(sys.argv[1]), 4)):
    print(json.dumps({"id": f"doc-{i}", "text": t}))
EOF
n_docs=$(wc -l < "$OUT/docs.jsonl")
export REPORTAGE_PROGRESS=0

run() {  # run NAME: one setting, events to $OUT/NAME.jsonl (Spark: a folder)
  case "$1" in
    one-2t) OMP_NUM_THREADS=2 "$BIN" < "$OUT/docs.jsonl" > "$OUT/$1.jsonl" 2>/dev/null ;;
    one-2t-passive)
      OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE "$BIN" < "$OUT/docs.jsonl" \
        > "$OUT/$1.jsonl" 2>/dev/null ;;
    one-workers2)
      "$BIN" --workers 2 < "$OUT/docs.jsonl" > "$OUT/$1.jsonl" 2>/dev/null ;;
    parallel-2x1t)
      OMP_NUM_THREADS=1 parallel --pipe -N"$HALF" --keep-order -j2 "$BIN" \
        < "$OUT/docs.jsonl" > "$OUT/$1.jsonl" 2>/dev/null ;;
    spark-local1-2t)
      "$PY" scripts/spark_events.py "$OUT/docs.jsonl" "$OUT/$1" --master 'local[1]' \
        --partitions 1 --threads 2 --binary "$BIN" --overwrite 2>/dev/null ;;
    spark-local2-1t)
      "$PY" scripts/spark_events.py "$OUT/docs.jsonl" "$OUT/$1" --master 'local[2]' \
        --partitions 2 --threads 1 --binary "$BIN" --overwrite 2>/dev/null ;;
  esac
}

export -f run
export OUT BIN PY HALF

events() { if [ -d "$1" ]; then cat "$1"/part-* | wc -l; else wc -l < "$1"; fi; }

SETTINGS=${SETTINGS:-"one-2t one-2t-passive one-workers2 parallel-2x1t spark-local1-2t spark-local2-1t"}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $n_docs documents, $(nproc) cores, binary $SOURCE, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'round\tsetting\tseconds\tdocs_per_s\tevents\n' | tee "$OUT/results.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for s in $SETTINGS; do
    rm -rf "${OUT:?}/$s" "$OUT/$s.jsonl"
    t0=$(date +%s.%N)
    code=0
    timeout --kill-after=10 "$LIMIT" bash -c "run $s" || code=$?
    t1=$(date +%s.%N)
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
      printf '%d\t%s\t>%d\ttimeout\t\n' "$r" "$s" "$LIMIT" | tee -a "$OUT/results.tsv"
      continue
    fi
    [ "$code" -eq 0 ] || { echo "scaling: $s failed with status $code" >&2; exit 1; }
    out="$OUT/$s"; [ -d "$out" ] || out="$out.jsonl"
    awk -v r="$r" -v s="$s" -v a="$t0" -v b="$t1" -v n="$n_docs" -v e="$(events "$out")" \
      'BEGIN { printf "%d\t%s\t%.1f\t%.1f\t%d\n", r, s, b - a, n / (b - a), e }' \
      | tee -a "$OUT/results.tsv"
  done
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
# Range per setting.
awk -F'\t' 'NR > 1 && $4 != "timeout" { n[$2]++; if (!($2 in lo) || $4 < lo[$2]) lo[$2] = $4; if ($4 > hi[$2]) hi[$2] = $4 }
  END { for (s in n) printf "%s\t%.1f-%.1f docs/s (%d rounds)\n", s, lo[s], hi[s], n[s] }' \
  "$OUT/results.tsv" | sort
