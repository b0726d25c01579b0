#!/usr/bin/env bash
# `make spark-test` (issue 16): 200 documents through Spark local[2] (scripts/spark_events.py)
# and through one `batch` process; the event ids and the events must be the same
# (scripts/spark_check.py). Installs what it lacks from the registries: a Java runtime from
# Debian (apt-get, only when `java` is missing) and pyspark from PyPI into a venv under
# target/ (git-ignored). Run after scripts/setup.sh (the make target does).
set -euo pipefail
cd "$(dirname "$0")/.."

PYSPARK_VERSION=3.5.9                 # runs on Java 8, 11 and 17
SPARK_VENV=${SPARK_VENV:-target/spark/venv}
WORK=${SPARK_TEST_DIR:-}   # default: a new folder under target/spark, removed on success
DOCS=${SPARK_TEST_DOCS:-200}
PY="$SPARK_VENV/bin/python"
start=$SECONDS

if ! command -v java >/dev/null; then
  echo "spark-test: installing a Java runtime (default-jre-headless) with apt-get" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    default-jre-headless >/dev/null
fi

if [ ! -x "$PY" ]; then
  python3 -m venv "$SPARK_VENV"
fi
if ! "$PY" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  echo "spark-test: installing pyspark==$PYSPARK_VERSION into $SPARK_VENV" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --no-cache-dir "pyspark==$PYSPARK_VERSION"
fi

# $SPARK_TEST_BINARY when set (`make test` gives the debug build its `cargo test` has just
# made: dependencies are optimised in the dev profile and torch does the work, so it is about
# as fast), else the release build.
BATCH=${SPARK_TEST_BINARY:-target/release/examples/batch}
if [ -z "${SPARK_TEST_BINARY:-}" ]; then
  cargo build --release --quiet --example batch
fi
setup_s=$((SECONDS - start))

if [ -z "$WORK" ]; then
  # One folder per run: two runs in one checkout (two `make test`s) must not share files.
  mkdir -p target/spark
  WORK=$(mktemp -d target/spark/test.XXXXXX)
  trap 'echo "spark-test: files kept in $WORK" >&2' ERR
else
  mkdir -p "$WORK"
fi
"$PY" scripts/spark_docs.py --docs "$DOCS" > "$WORK/docs.jsonl"
t0=$SECONDS
# One torch thread, as each Spark task has: libtorch's 2 OpenMP threads spin-wait, and on a
# machine busy with other work that made this run 17 times slower (BENCHMARKS.md,
# "Scale-out (issue 16)").
OMP_NUM_THREADS=1 REPORTAGE_PROGRESS=0 "$BATCH" < "$WORK/docs.jsonl" \
  > "$WORK/single.jsonl"
t1=$SECONDS
"$PY" scripts/spark_events.py "$WORK/docs.jsonl" "$WORK/spark" --master 'local[2]' \
  --partitions 2 --binary "$BATCH" --overwrite
t2=$SECONDS
"$PY" scripts/spark_check.py "$WORK/single.jsonl" "$WORK/spark"
[ -n "${SPARK_TEST_DIR:-}" ] || rm -rf "$WORK"
echo "spark-test: passed ($DOCS documents; set-up and build ${setup_s} s, one process" \
  "$((t1 - t0)) s, Spark local[2] $((t2 - t1)) s, in all $((SECONDS - start)) s)"
