#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole suite (XCTest).
set -euo pipefail
unset OPENBLAS_CORETYPE   # OpenBLAS's own kernel choice is calm's fastest (README, Performance)
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
bash Scripts/setup-mpi.sh    # the data-parallel tests start `mpirun`
swift build --build-tests
log=$(mktemp)
status=0
swift test --skip-build --disable-swift-testing "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line, whatever the runner printed last.
summary=$(grep -E "Executed [0-9]+ tests?, with" "$log" | tail -n 1 || true)
executed=$(grep -oE "Executed [0-9]+" <<<"$summary" | grep -oE "[0-9]+" || true)
failed=$(grep -oE "[0-9]+ failures?" <<<"$summary" | grep -oE "[0-9]+" || echo 0)
skipped=$(grep -oE "[0-9]+ tests? skipped" <<<"$summary" | grep -oE "^[0-9]+" || echo 0)
rm -f "$log"
if [ -n "$summary" ]; then
    echo "tests: $((executed - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
