#!/usr/bin/env python3
"""Events from JSON Lines documents with Spark (issue 16): every partition of the input
streams through one `batch` process (examples/batch.rs), and the events it prints are
written as JSON Lines (part-* files) to the output folder.

    python3 scripts/spark_events.py docs.jsonl events/ --master 'local[2]'
    spark-submit --master yarn --archives reportage.tar.gz#rp scripts/spark_events.py \\
        hdfs:///docs.jsonl hdfs:///events --binary rp/batch --models-dir rp --lib-dir rp/lib

Input: one document `{"id", "text", "date"?}` per line, as `batch` reads them; blank lines
are dropped, other bad lines are reported by `batch` on the executor's stderr and skipped.
Output: `batch`'s events, one JSON object per line, each with its `report_id`; the order of
lines across part files is not the input order.

Paths given to --binary, --models-dir, --registry and --lib-dir are resolved on each
executor: as given (absolute, or relative to the executor's working directory, where YARN
unpacks --archives), else in the folder Spark copies --files to. Without --models-dir or
--registry `batch` finds its models as it does alone (REPORTAGE_REGISTRY and
REPORTAGE_MODELS_DIR set on the executor, the user cache, the checkout it was built in).
Without --master, spark-submit's --master applies, else local[*].

Each `batch` process runs libtorch with --threads threads (default spark.task.cpus, which
is 1 unless set), so local[N] runs N single-threaded processes and does not oversubscribe
the cores. Standard library and pyspark only.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(ROOT, "target", "release", "examples", "batch")
SUMMARY = re.compile(r"^(\d+) documents, (\d+) events, (\d+) lines skipped$")


def executor_path(path):
    """`path` as seen on the executor: as given if it exists there, else the file of that
    name that Spark shipped with --files (None for None)."""
    if path is None or os.path.isabs(path) or os.path.exists(path):
        return path and os.path.abspath(path)
    from pyspark import SparkFiles

    shipped = os.path.join(SparkFiles.getRootDirectory(), path)
    if os.path.exists(shipped):
        return shipped
    shipped = os.path.join(SparkFiles.getRootDirectory(), os.path.basename(path))
    return shipped if os.path.exists(shipped) else os.path.abspath(path)


def executable(path):
    """`path`, made executable if it is not: Spark unpacks --archives and copies --files
    without the execute bit. Where it cannot be changed, a private executable copy."""
    if os.access(path, os.X_OK):
        return path
    try:
        os.chmod(path, os.stat(path).st_mode | 0o755)
        return path
    except OSError:
        copy = os.path.join(tempfile.mkdtemp(prefix="reportage-"), os.path.basename(path))
        shutil.copy(path, copy)
        os.chmod(copy, 0o755)
        return copy


def child_env(models_dir, registry, lib_dir, threads):
    """The executor's environment plus what `batch` is told: no progress bar, the thread
    count, where the models and libtorch are."""
    env = dict(os.environ)
    env["REPORTAGE_PROGRESS"] = "0"
    env["OMP_NUM_THREADS"] = str(threads)
    env["MKL_NUM_THREADS"] = str(threads)
    if models_dir:
        env["REPORTAGE_MODELS_DIR"] = models_dir
    if registry:
        env["REPORTAGE_REGISTRY"] = registry
    if lib_dir:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            p for p in (lib_dir, env.get("LD_LIBRARY_PATH")) if p)
    return env


def run_partition(lines, command, env, counters):
    """Stream one partition's lines through one `batch` process and yield its output
    lines; raise with the end of its stderr if it fails."""
    proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tail = collections.deque(maxlen=40)

    def feed():
        try:
            for line in lines:
                proc.stdin.write(line.rstrip("\n").encode("utf-8") + b"\n")
        except BrokenPipeError:
            pass  # the process died; its exit status and stderr say why
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    def drain():
        for raw in proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            tail.append(text)
            print(text, file=sys.stderr, flush=True)

    threads = [threading.Thread(target=feed, daemon=True),
               threading.Thread(target=drain, daemon=True)]
    for t in threads:
        t.start()
    for raw in proc.stdout:
        yield raw.decode("utf-8").rstrip("\n")
    code = proc.wait()
    for t in threads:
        t.join()
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {code}:\n" + "\n".join(tail))
    for text in tail:
        m = SUMMARY.match(text)
        if m:
            for counter, value in zip(counters, m.groups()):
                counter.add(int(value))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="JSON Lines documents (any path Spark reads)")
    ap.add_argument("output", help="folder for the events' part files (any path Spark writes)")
    ap.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's, "
                    "else local[*])")
    ap.add_argument("--partitions", type=int,
                    help="at least this many partitions, one `batch` process each "
                         "(default: Spark's default parallelism)")
    ap.add_argument("--binary", default=os.environ.get("REPORTAGE_BATCH", DEFAULT_BINARY),
                    help="the `batch` executable (default $REPORTAGE_BATCH, else this "
                         "checkout's target/release/examples/batch)")
    ap.add_argument("--models-dir", default=os.environ.get("REPORTAGE_MODELS_DIR"),
                    help="folder with models.toml and the model folders it names "
                         "(REPORTAGE_MODELS_DIR for `batch`; default: the driver's "
                         "$REPORTAGE_MODELS_DIR)")
    ap.add_argument("--registry", default=os.environ.get("REPORTAGE_REGISTRY"),
                    help="a models.toml (REPORTAGE_REGISTRY for `batch`)")
    ap.add_argument("--lib-dir", help="libtorch's lib folder, put first on LD_LIBRARY_PATH "
                    "(needed where the binary's rpath does not exist)")
    ap.add_argument("--threads", type=int,
                    help="torch threads per `batch` process (default spark.task.cpus)")
    ap.add_argument("--batch-args", default="",
                    help="options for `batch`, e.g. '--stance none'")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing output")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("reportage-events")
    if args.master:
        builder = builder.master(args.master)
    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit
    if (args.master or "").startswith("local") or (not args.master and not under_submit):
        # Local workers run the driver's Python (the one with pyspark), not `python3`.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    threads = args.threads or int(sc.getConf().get("spark.task.cpus", "1"))
    partitions = args.partitions or sc.defaultParallelism
    binary, models_dir, registry, lib_dir = args.binary, args.models_dir, args.registry, args.lib_dir
    batch_args = args.batch_args.split()
    counters = [sc.accumulator(0) for _ in range(3)]

    def per_partition(lines):
        env = child_env(executor_path(models_dir), executor_path(registry),
                        executor_path(lib_dir), threads)
        command = [executable(executor_path(binary)), *batch_args]
        told = {k: env[k] for k in ("REPORTAGE_MODELS_DIR", "REPORTAGE_REGISTRY") if k in env}
        print(f"spark_events: {' '.join(command)} {told or ''}", file=sys.stderr, flush=True)
        return run_partition(lines, command, env, counters)

    docs = sc.textFile(args.input, minPartitions=partitions).filter(lambda line: line.strip())
    events = docs.mapPartitions(per_partition)
    (spark.createDataFrame(events.map(lambda line: (line,)), "value string")
     .write.mode("overwrite" if args.overwrite else "errorifexists").text(args.output))
    n_docs, n_events, n_skipped = (c.value for c in counters)
    print(f"{n_docs} documents, {n_events} events, {n_skipped} lines skipped; "
          f"{docs.getNumPartitions()} partitions, {threads} torch thread(s) each, "
          f"master {sc.master}", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
