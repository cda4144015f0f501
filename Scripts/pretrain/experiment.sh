#!/usr/bin/env bash
# The pretraining evaluation on the full corpus: the corpus benchmark's split (its test photos
# are held out of pretraining too, so the same checkpoints serve the task demonstration),
# the vision warm-up, the two pretrained variants (with and without multi-scale routing), each in
# four phases from the warm-up's vision encoder, and five evaluations (step 0, then phase 2 and
# phase 4 with and without routing) on the held-out photos.
#   bash Scripts/pretrain/experiment.sh [CORPUS=/tmp/calm-corpus] [STEPS=3000 (phase 2)] [extra recipe overrides...]
# Both trainings run at once, one BLAS thread each (2 cores). Reports go to runs/eval/*.json.
set -euo pipefail
unset OPENBLAS_CORETYPE   # OpenBLAS's own kernel choice is calm's fastest (README, Performance)
corpus=${1:-/tmp/calm-corpus}
steps=${2:-3000}
shift $(( $# < 2 ? $# : 2 ))
calm=${CALM:-.build/release/calm}
[ -f runs/bench/photos-test.txt ] || "$calm" build-benchmark --corpus "$corpus" --output runs/bench
[ -f runs/data/corpus-train/manifest.json ] || "$calm" ingest runs/bench/photos-train.txt --output runs/data/corpus-train --fixed-size 256
[ -f runs/data/corpus-heldout/manifest.json ] || "$calm" ingest runs/bench/photos-test.txt --output runs/data/corpus-heldout --fixed-size 256
mkdir -p runs/eval
# The curriculum: phase 0 (the vision warm-up) teaches the ViT the pseudo-labels through linear
# heads; phase 1, from its frozen encoder, asks single-attribute questions about the low- and
# middle-scale attributes with level targeting (each photo edited into a level drawn uniformly, or
# for composition a window of it chosen in that level, so the level cannot be guessed from skewed
# natural levels); phase 2 adds the pair judgements;
# phase 3 trains the pair judgements alone (the language model learns to compare two photos);
# phase 4 mixes every attribute back in. Middle-scale photos are random windows most of the
# time (pretrain.recompose), so that composition levels vary within a photo. Measured: see issue 5's note.
[ -f runs/vision-tiny-corpus/checkpoints/latest.h5 ] || "$calm" train Recipes/vision-tiny-corpus.yaml > runs/vision-tiny-corpus.log 2>&1
for variant in routing norouting; do
    routing=$([ $variant = routing ] && echo true || echo false)
    ([ -f runs/targeted-$variant/checkpoints/latest.h5 ] || OPENBLAS_NUM_THREADS=1 "$calm" train Recipes/pretrain-tiny-corpus-targeted.yaml \
         pretrain.routing=$routing run.dir=runs/targeted-$variant "$@" > runs/targeted-$variant.log 2>&1 &&
     OPENBLAS_NUM_THREADS=1 "$calm" train Recipes/pretrain-tiny-corpus.yaml pretrain.routing=$routing train.max_steps="$steps" \
         model.init_from=runs/targeted-$variant/checkpoints/latest.h5 run.dir=runs/pretrain-$variant "$@" \
         > runs/pretrain-$variant.log 2>&1 &&
     OPENBLAS_NUM_THREADS=1 "$calm" train Recipes/pretrain-tiny-corpus-pairs.yaml pretrain.routing=$routing \
         model.init_from=runs/pretrain-$variant/checkpoints/latest.h5 run.dir=runs/pairs-$variant "$@" > runs/pairs-$variant.log 2>&1 &&
     OPENBLAS_NUM_THREADS=1 "$calm" train Recipes/pretrain-tiny-corpus-mixed.yaml pretrain.routing=$routing \
         model.init_from=runs/pairs-$variant/checkpoints/latest.h5 run.dir=runs/mixed-$variant "$@" > runs/mixed-$variant.log 2>&1) &
done
wait
evaluate() { OPENBLAS_NUM_THREADS=1 "$calm" eval attributes --photos runs/data/corpus-heldout --questions 1 --focused 1 --pairs 4 --json "$@"; }
evaluate --recipe Recipes/pretrain-tiny-corpus-targeted.yaml > runs/eval/step0.json &
evaluate --checkpoint runs/pretrain-routing/checkpoints/latest.h5 > runs/eval/phase2-routing.json &
wait
evaluate --checkpoint runs/pretrain-norouting/checkpoints/latest.h5 > runs/eval/phase2-norouting.json &
evaluate --checkpoint runs/mixed-routing/checkpoints/latest.h5 > runs/eval/routing.json &
wait
evaluate --checkpoint runs/mixed-norouting/checkpoints/latest.h5 > runs/eval/norouting.json
python3 Scripts/pretrain/report.py step0=runs/eval/step0.json phase2-routing=runs/eval/phase2-routing.json \
    phase2-norouting=runs/eval/phase2-norouting.json routing=runs/eval/routing.json norouting=runs/eval/norouting.json
