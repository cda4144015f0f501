"""A reference for the corpus benchmark's scoring: how much of the score the measured pixel
attributes predict. Measures every scoring image with `calm attributes` (the centred square at
calm-tiny's 128 px, as the model sees it), fits ridge regression on the attributes and their
squares over the train split, and prints the test split's SRCC (scipy) as one JSON object.

    python3 Scripts/benchmark/attribute_baseline.py [BENCH=runs/bench] [SIDE=128]
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy.stats import spearmanr

# The low- and middle-scale attributes with a numeric value (placement and brightest region are
# categorical); sharpness, noise and colourfulness are heavy-tailed, so they enter as log(1 + v).
ATTRIBUTES = ["exposure", "highlights", "shadows", "contrast", "saturation", "colourfulness", "sharpness", "noise",
              "temperature", "tint", "symmetry", "tilt", "depthOfField", "horizontalBalance", "verticalBalance", "clutter"]
LOGGED = {"sharpness", "noise", "colourfulness"}
RIDGE = 1.0


def split(bench, name):
    records = [json.loads(line) for line in open(os.path.join(bench, f"scoring-{name}.jsonl"))]
    return [os.path.join(bench, r["image"]) for r in records], np.array([r["metadata"]["score"] for r in records])


def features(paths, side):
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([".build/release/calm", "attributes", "--square", "--side", str(side), "--json", *paths],
                         check=True, capture_output=True, text=True, env=env).stdout
    rows = [json.loads(line)["attributes"] for line in out.splitlines()]
    return np.array([[np.log1p(max(r[a]["value"], 0)) if a in LOGGED else r[a]["value"] for a in ATTRIBUTES] for r in rows])


def main():
    bench = sys.argv[1] if len(sys.argv) > 1 else "runs/bench"
    side = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    (train_paths, y_train), (test_paths, y_test) = split(bench, "train"), split(bench, "test")
    x_train, x_test = features(train_paths, side), features(test_paths, side)
    mean, std = x_train.mean(0), x_train.std(0) + 1e-9

    # Squares let a value far from the typical one, in either direction, lower the score.
    def design(x):
        z = (x - mean) / std
        return np.hstack([z, z ** 2, np.ones((len(z), 1))])

    a = design(x_train)
    w = np.linalg.solve(a.T @ a + RIDGE * np.eye(a.shape[1]), a.T @ y_train)
    print(json.dumps({"side": side, "train": len(y_train), "test": len(y_test),
                      "train_srcc": spearmanr(a @ w, y_train)[0], "srcc": spearmanr(design(x_test) @ w, y_test)[0]}))


if __name__ == "__main__":
    main()
