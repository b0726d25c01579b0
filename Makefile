# Two commands for a newcomer; each runs the idempotent set-up first.
#   make example   report text in, structured JSON out
#   make test      the whole test suite, the Spark run (scripts/spark_test.sh) included
.PHONY: setup example test spark-test

setup:
	@scripts/setup.sh

example: setup
	cargo run --release --example report_to_events

# --workspace adds tests/downstream: a crate that depends on reportage by path and must find
# the default models as dependents do (installed into a user cache), not in this checkout.
# The Spark check comes last and reuses the debug `batch` that `cargo test` has just built:
# about 2 minutes more (measured in BENCHMARKS.md, "Scale-out (issue 16)").
test: setup
	cargo check --no-default-features --lib --quiet
	cargo test --workspace
	SPARK_TEST_BINARY=target/debug/examples/batch scripts/spark_test.sh

# Issue 16 alone: 200 documents through Spark local[2] and through one `batch` process (the
# release build) must give the same events. Installs a Java runtime (apt-get, if `java` is
# missing) and pyspark (PyPI, into target/spark/venv); see scripts/spark_test.sh.
spark-test: setup
	scripts/spark_test.sh
