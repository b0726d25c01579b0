# Two commands for a newcomer; each runs the idempotent set-up first.
#   make example   report text in, structured JSON out
#   make test      the whole test suite
.PHONY: setup example test

setup:
	@scripts/setup.sh

example: setup
	cargo run --release --example report_to_events

# --workspace adds tests/downstream: a crate that depends on reportage by path and must find
# the default models as dependents do (installed into a user cache), not in this checkout.
test: setup
	cargo check --no-default-features --lib --quiet
	cargo test --workspace
