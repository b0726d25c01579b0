#!/usr/bin/env bash
# Idempotent set-up: a project-local Python venv with the torch wheel rust-bert 0.23 links
# against, and a git-ignored .cargo/config.toml that points the build at it. A second run
# only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.4.0
VENV=.venv
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
  echo "setup: creating $VENV" >&2
  python3 -m venv "$VENV"
fi

if ! "$PY" -W ignore -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  # The wheel and its CUDA libraries unpack to about 5 GB, and the build needs about 5 GB
  # more; say so plainly rather than fail half-way with pip's "No space left on device".
  FREE_KB=$(df -Pk "$VENV" | awk 'NR==2 {print $4}')
  if [ "${FREE_KB:-0}" -lt $((6 * 1024 * 1024)) ]; then
    echo "setup: torch==$TORCH_VERSION needs about 6 GB free in $(cd "$VENV" && pwd);" \
      "only $((FREE_KB / 1024)) MB are. Free some disk and run again." >&2
    exit 1
  fi
  echo "setup: installing torch==$TORCH_VERSION into $VENV (about a minute, 5 GB)" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --no-cache-dir "torch==$TORCH_VERSION"
fi

# Where libtorch lives inside the wheel, and which C++ ABI it was built with: the PyPI wheel
# uses the pre-C++11 ABI, and linking with the wrong one fails on c10::detail::torchCheckFail.
read -r TORCH_DIR CXX11 < <("$PY" -W ignore -c "import torch, os; print(os.path.dirname(torch.__file__), int(torch._C._GLIBCXX_USE_CXX11_ABI))")
mkdir -p .cargo
CONFIG=".cargo/config.toml"
WANT="# Written by scripts/setup.sh; do not edit.
[env]
LIBTORCH = \"$TORCH_DIR\"
LIBTORCH_CXX11_ABI = \"$CXX11\"
"
if [ ! -f "$CONFIG" ] || [ "$(cat "$CONFIG")" != "$(printf '%s' "$WANT")" ]; then
  printf '%s' "$WANT" > "$CONFIG"
  echo "setup: wrote $CONFIG (libtorch at $TORCH_DIR)" >&2
fi

# Default models (issue 6) are fetched/built here once they exist.
if [ -x scripts/models.sh ]; then
  scripts/models.sh
fi
