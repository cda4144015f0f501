#!/usr/bin/env bash
# The pretraining evaluation on the full corpus: a held-out split, the two pretrained variants
# (with and without multi-scale routing) and three evaluations (step 0, routing, no routing).
#   bash Scripts/pretrain/experiment.sh [CORPUS=/tmp/calm-corpus] [STEPS=400]
# The reported run trained an 800-step schedule and was stopped after step 455; the step-400
# checkpoints were evaluated. Both trainings run at once, one BLAS thread each.
set -euo pipefail
corpus=${1:-/tmp/calm-corpus}
steps=${2:-400}
calm=${CALM:-.build/release/calm}
bash Scripts/pretrain/split_corpus.sh "$corpus" runs/data/corpus-split
for part in train heldout; do
    [ -f runs/data/corpus-$part/manifest.json ] || "$calm" ingest runs/data/corpus-split/$part.txt --output runs/data/corpus-$part --fixed-size 256
done
mkdir -p runs/eval
checkpoint=$(printf 'step-%08d.h5' "$steps")
for variant in routing norouting; do
    routing=$([ $variant = routing ] && echo true || echo false)
    OPENBLAS_NUM_THREADS=1 "$calm" train Recipes/pretrain-tiny-corpus.yaml pretrain.routing=$routing train.max_steps=800 \
        schedule.warmup_steps=50 checkpoint.every=100 checkpoint.keep_every=200 run.dir=runs/pretrain-$variant \
        > runs/pretrain-$variant.log 2>&1 &
done
wait
evaluate() { OPENBLAS_NUM_THREADS=1 "$calm" eval attributes --photos runs/data/corpus-heldout --questions 1 --pairs 2 --json "$@"; }
evaluate --recipe Recipes/pretrain-tiny-corpus.yaml > runs/eval/step0.json
for variant in routing norouting; do
    evaluate --checkpoint runs/pretrain-$variant/checkpoints/$checkpoint > runs/eval/$variant-$steps.json
done
