#!/usr/bin/env bash
# The main job, end to end on the bundled data. Installs what is missing and builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product calm
calm=.build/release/calm
"$calm" doctor
