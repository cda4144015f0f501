"""Calibrates the level bounds of the resolution-dependent attributes (sharpness, noise) at
128 px against their 256 px bounds: on real photos, downscaling raises both values, so a
128 px bound is the value at the same quantile of the corpus as the 256 px bound.

Measures the centred squares of the corpus photos at both sides with `calm attributes`, keeps
those large enough to be measured at 256 px, prints the 128 px bounds for
`ImageAttributes.resolutionCalibrated`, and writes the measured values as a test fixture
(Tests/CalmSelfSupervisionTests/Fixtures/level_calibration.json).

Run from the repository root after `swift build`:
    python3 Scripts/corpus/calibrate_levels.py [CORPUS_DIR (default /tmp/calm-corpus)]
"""
import json
import os
import subprocess
import sys

import numpy as np

BOUNDS_256 = {"sharpness": [200, 700, 2500], "noise": [2, 5]}
FIXTURE = "Tests/CalmSelfSupervisionTests/Fixtures/level_calibration.json"


def measure(paths, side):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([".build/debug/calm", "attributes", "--square", "--side", str(side), "--json", *paths],
                         check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "/tmp/calm-corpus"
    paths = sorted(os.path.join(d, f) for d, _, files in os.walk(corpus) for f in files
                   if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    at256, at128 = measure(paths, 256), measure(paths, 128)
    # A square smaller than 256 px is measured at its own size: it says nothing about 256 px.
    keep = [i for i, r in enumerate(at256) if r["width"] == 256]
    print(f"{len(keep)} of {len(paths)} photos measured at 256 px")
    fixture = {"photos": len(keep)}
    for attribute, bounds in BOUNDS_256.items():
        v256 = np.array([at256[i]["attributes"][attribute]["value"] for i in keep])
        v128 = np.array([at128[i]["attributes"][attribute]["value"] for i in keep])
        shares = [float((v256 < b).mean()) for b in bounds]
        print(f"{attribute}: median ratio 128/256 {np.median(v128 / np.maximum(v256, 1e-9)):.2f}; "
              f"256 px bounds {bounds} at quantiles {[round(s, 3) for s in shares]} -> "
              f"128 px bounds {[float(f'{b:.3g}') for b in np.quantile(v128, shares)]}")
        fixture[attribute] = {"at256": [round(float(x), 4) for x in v256], "at128": [round(float(x), 4) for x in v128]}
    with open(FIXTURE, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
