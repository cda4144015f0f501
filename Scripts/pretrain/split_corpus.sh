#!/usr/bin/env bash
# Deterministic held-out split of a photo corpus for pretraining and its evaluation:
# a photo is held out when the SHA-256 of its path relative to the corpus, read as a number,
# is 0 mod 10 (about 10 %). Writes train.txt and heldout.txt (one path per line) to OUT.
#   bash Scripts/pretrain/split_corpus.sh /tmp/calm-corpus runs/data/corpus-split
set -euo pipefail
corpus=${1:?usage: split_corpus.sh CORPUS OUT}
out=${2:?usage: split_corpus.sh CORPUS OUT}
mkdir -p "$out"
: > "$out/train.txt.tmp"; : > "$out/heldout.txt.tmp"
(cd "$corpus" && find . -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.webp' \) | sed 's|^\./||' | LC_ALL=C sort) |
while read -r relative; do
    digest=$(printf '%s' "$relative" | sha256sum | cut -c1-15)
    if (( 16#$digest % 10 == 0 )); then list=heldout; else list=train; fi
    echo "$(cd "$corpus" && pwd)/$relative" >> "$out/$list.txt.tmp"
done
mv "$out/train.txt.tmp" "$out/train.txt"; mv "$out/heldout.txt.tmp" "$out/heldout.txt"
echo "split: $(wc -l < "$out/train.txt") train, $(wc -l < "$out/heldout.txt") held out -> $out"
