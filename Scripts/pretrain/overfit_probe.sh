#!/usr/bin/env bash
# Issue 5 probe: can calm-tiny memorise 16 bundled photos that span exposure (very dark to very
# bright, overfit-photos.txt, chosen by mean luma)? Trains on them, evaluates forced choice on
# the SAME photos, and puts the same questions to the darkest and the brightest photo alone.
# Measured (issue 5): 400 steps, lr 1e-3, 3 or 1 attributes per answer: exposure forced choice
# stays at the majority (25.0 %) on the training photos, since only ~9 % (3) or ~3 % (1) of the
# samples name exposure; with every sample an exposure answer (a local code edit), 200 steps
# reach 68.8 % forced / 87.5 % generated on them: the pixels do reach the answer.
#   bash Scripts/pretrain/overfit_probe.sh [OUT=runs/overfit] [STEPS=400] [overrides...]
set -euo pipefail
out=${1:-runs/overfit}; steps=${2:-400}; shift $(( $# < 2 ? $# : 2 ))
calm=${CALM:-.build/release/calm}
mkdir -p "$out"
sed "s|^|$PWD/|" Scripts/pretrain/overfit-photos.txt > "$out/photos.txt"
head -1 "$out/photos.txt" > "$out/darkest.txt"; tail -1 "$out/photos.txt" > "$out/brightest.txt"
[ -f "$out/shards/manifest.json" ] || "$calm" ingest "$out/photos.txt" --output "$out/shards" --fixed-size 256
"$calm" train Recipes/pretrain-tiny.yaml data.sources.photos.path="$out/shards" run.dir="$out/run" \
    train.max_steps="$steps" optimizer.lr=1e-3 schedule.warmup_steps=20 checkpoint.every=200 "$@" > "$out/train.log" 2>&1
checkpoint=$(printf '%s/run/checkpoints/step-%08d.h5' "$out" "$steps")
"$calm" eval attributes --checkpoint "$checkpoint" --photos "$out/shards" --questions 2 --pairs 1 > "$out/eval-train-photos.txt"
for photo in darkest brightest; do
    "$calm" eval attributes --checkpoint "$checkpoint" --photos "$out/$photo.txt" --questions 2 --pairs 0 --json > "$out/$photo.json"
done
echo "overfit probe -> $out (eval-train-photos.txt, darkest.json, brightest.json)"
