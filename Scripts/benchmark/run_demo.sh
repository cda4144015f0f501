#!/usr/bin/env bash
# The demonstration table: every task's metrics on the corpus benchmark for calm-tiny
# instruct-tuned from a self-supervised pretraining checkpoint and from scratch: the same
# recipe, every parameter trained in both (a frozen random encoder would handicap scratch).
# The pretraining must not have seen the benchmark's test photos (Scripts/pretrain/experiment.sh
# pretrains on runs/bench/photos-train.txt only).
#   bash Scripts/benchmark/run_demo.sh PRETRAINED_CHECKPOINT TOKENIZER_JSON [STEPS]
# Writes runs/demo/<model>/*.json and prints each metric file. PERSONAL_STEPS (10) and
# TEST_LIMIT (40 held-out images per user) keep personalization within minutes on 2 cores.
set -euo pipefail
unset OPENBLAS_CORETYPE   # OpenBLAS's own kernel choice is calm's fastest (README, Performance)
cd "$(dirname "$0")/../.."
pretrained=$1 tokenizer=$2 steps=${3:-300}
personal_steps=${PERSONAL_STEPS:-10} test_limit=${TEST_LIMIT:-40}
calm=.build/release/calm
export OPENBLAS_NUM_THREADS=1   # two jobs at a time, one core each
bench=runs/bench
[ -f $bench/instruct-train.jsonl ] || $calm build-benchmark --corpus /tmp/calm-corpus --output $bench

train() {  # name, init_from
  $calm train Recipes/instruct-tiny-corpus.yaml model.init_from="$2" model.tokenizer="$tokenizer" \
    'train.trainable=["*"]' 'train.frozen=[]' train.max_steps="$steps" schedule.warmup_steps=20 checkpoint.every=100 \
    run.dir=runs/instruct-"$1" > runs/instruct-"$1".log 2>&1
}
[ -f runs/instruct-ssl/checkpoints/latest.h5 ] || train ssl "$pretrained" &
[ -f runs/instruct-scratch/checkpoints/latest.h5 ] || train scratch null &
wait

evaluate() {  # name: every task's metrics of runs/instruct-<name>
  local name=$1 out=runs/demo/$1
  local model=(--checkpoint runs/instruct-$name/checkpoints/latest.h5)
  mkdir -p $out
  $calm score "${model[@]}" --instructions $bench/scoring-test.jsonl --csv $out/scores.csv
  $calm eval scoring --scores $out/scores.csv > $out/scoring.json
  $calm comment "${model[@]}" --instructions $bench/commenting-test.jsonl --candidates $out/comments.json
  $calm eval commenting --candidates $out/comments.json --references $bench/commenting-references.json > $out/commenting.json
  $calm eval suggesting "${model[@]}" --instructions $bench/suggesting-test.jsonl --outcomes $out/suggestions.jsonl > $out/suggesting.json
  $calm personalize "${model[@]}" --instructions $bench/personalization-k10.jsonl --in-context --test-limit $test_limit \
    --csv $out/personal-icl-k10.csv
  $calm eval personalization --scores $out/personal-icl-k10.csv > $out/personal-icl-k10.json
  for k in 10 100; do
    $calm personalize "${model[@]}" --instructions $bench/personalization-k$k.jsonl --steps $personal_steps --test-limit $test_limit \
      --work $out/personalize-k$k --csv $out/personal-k$k.csv
    $calm eval personalization --scores $out/personal-k$k.csv > $out/personal-k$k.json
  done
}
evaluate ssl > runs/demo-ssl.log 2>&1 &
evaluate scratch > runs/demo-scratch.log 2>&1 &
wait
for f in runs/demo/*/*.json; do echo "$f $(cat "$f" | head -c 400)"; done
