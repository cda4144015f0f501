#!/usr/bin/env bash
# Data-parallel throughput on this machine: the same MLP training step on the same global
# batch as 1 rank × 2 threads (OpenBLAS and kernels threaded) and 2 ranks × 1 thread (mpirun),
# in one run so that both see the same machine load. Extra key=value arguments go to the
# benchmark (width, depth, batch, steps, bucket_mb).
#   bash Scripts/mpi-bench.sh [width=1024 depth=8 batch=256 steps=10]
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup-mpi.sh
swift build -c release --product DataParallelBench >/dev/null
bench=$(swift build -c release --show-bin-path)/DataParallelBench
# CI and containers run as root, which Open MPI refuses unless told twice.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

for round in 1 2; do
    echo "round $round"
    OPENBLAS_NUM_THREADS=2 "$bench" threads=2 "$@"
    mpirun -np 2 --oversubscribe -x OPENBLAS_NUM_THREADS=1 "$bench" threads=1 "$@"
done
