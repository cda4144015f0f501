#!/usr/bin/env bash
# The main job, end to end on the bundled photos (Datasets/photos), offline:
#   ingest → build the instruction sets → pretrain calm-tiny (self-supervised) → instruct-tune
#   → score and critique the held-out photos → a results table.
# Installs what is missing and builds first. Runs resume where they stopped (`--resume`), so
# the script can be interrupted and run again. Extra arguments are recipe overrides applied
# to both stages, e.g. `bash Scripts/main.sh train.max_steps=20` for a quick look.
set -euo pipefail
unset OPENBLAS_CORETYPE   # OpenBLAS's own kernel choice is calm's fastest (README, Performance)
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product calm
calm=.build/release/calm
data=runs/data
results=runs/results
mkdir -p "$data" "$results"
started=$(date +%s)

"$calm" doctor
"$calm" ingest Datasets/photos --output "$data/photos" --fixed-size 256
[ -f "$data/bench/instruct-train.jsonl" ] || "$calm" build-benchmark --corpus Datasets/photos --output "$data/bench"

"$calm" train Recipes/pretrain-tiny.yaml --resume "$@"
"$calm" train Recipes/instruct-tiny.yaml --resume "$@"
"$calm" plot runs/pretrain-tiny --output "$results/pretrain.png"
"$calm" plot runs/instruct-tiny --output "$results/instruct.png"

checkpoint=runs/instruct-tiny/checkpoints/latest.h5
"$calm" score --checkpoint "$checkpoint" --instructions "$data/bench/scoring-test.jsonl" --csv "$results/scores.csv"
"$calm" eval scoring --scores "$results/scores.csv" > "$results/scoring.json"
"$calm" comment --checkpoint "$checkpoint" --instructions "$data/bench/commenting-test.jsonl" --candidates "$results/comments.json"
"$calm" eval commenting --candidates "$results/comments.json" --references "$data/bench/commenting-references.json" > "$results/commenting.json"

python3 - "$results" "$(( $(date +%s) - started ))" <<'PY'
import json, sys
results, seconds = sys.argv[1], int(sys.argv[2])
def last_loss(run):
    rows = [json.loads(l) for l in open(f"runs/{run}/metrics.jsonl") if '"loss"' in l]
    rows = [r for r in rows if "step" in r and "loss" in r]
    return rows[-1]["step"], rows[-1]["loss"], rows[0]["loss"]
scoring = json.load(open(f"{results}/scoring.json"))
commenting = json.load(open(f"{results}/commenting.json"))
print("\n| stage / task | result |\n|---|---|")
for run in ("pretrain-tiny", "instruct-tiny"):
    step, loss, first = last_loss(run)
    print(f"| {run} | loss {first:.3f} → {loss:.3f} after {step} steps |")
def number(value):
    return "n/a (constant predictions)" if value is None else f"{value:.3f}"
print(f"| scoring (held-out bundled photos) | SRCC {number(scoring['srcc'])}, PLCC {number(scoring['plcc'])}, "
      f"accuracy {number(scoring['accuracy'])}, RMSE {number(scoring['rmse'])} |")
print(f"| commenting | BLEU-1 {commenting['bleu1']:.3f}, BLEU-4 {commenting['bleu4']:.3f}, ROUGE-L {commenting['rouge_l']:.3f}, CIDEr {commenting['cider']:.3f} |")
print(f"| wall time | {seconds // 60} min {seconds % 60} s |")
print(f"\nCurves: {results}/pretrain.png, {results}/instruct.png")
PY
