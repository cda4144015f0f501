#!/usr/bin/env bash
# Data-parallel throughput on this machine: the same training step on the same global batch
# as 1 rank × 2 threads (OpenBLAS and kernels threaded) and 2 ranks × 1 thread (mpirun), the
# gradient sum after backward (overlap=0) and during it (overlap=1),
# interleaved over two rounds so that both see the same machine load. Without arguments it
# runs calm-tiny (batch 8) and an MLP (8 × 1024², batch 256); key=value arguments choose one
# run instead (model, batch, steps, bucket_mb, width, depth).
#   bash Scripts/mpi-bench.sh [model=calm-tiny batch=8 steps=5]
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup-mpi.sh
swift build -c release --product DataParallelBench >/dev/null
bench=$(swift build -c release --show-bin-path)/DataParallelBench
# CI and containers run as root, which Open MPI refuses unless told twice.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

if (($#)); then runs=("$*"); else runs=("model=calm-tiny batch=8 steps=5" "model=mlp steps=10"); fi
for run in "${runs[@]}"; do
    for round in 1 2; do
        # shellcheck disable=SC2086  # $run is a list of key=value words
        OPENBLAS_NUM_THREADS=2 "$bench" threads=2 $run
        for overlap in 0 1; do
            # shellcheck disable=SC2086
            mpirun -np 2 --oversubscribe -x OPENBLAS_NUM_THREADS=1 "$bench" threads=1 overlap=$overlap $run
        done
    done
done
