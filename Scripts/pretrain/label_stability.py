#!/usr/bin/env python3
"""How stable the pseudo-labels are: the share of photos whose measured level stays the same under
changes a viewer would not notice. A level that flips under them could not be learned from the
photo, so this bounds what a model can reach on each attribute.

    python3 Scripts/pretrain/label_stability.py runs/bench/photos-test.txt [--calm .build/release/calm] [--side 128]

Each photo's centred square (256 px, as ingested) is measured as it is and after four changes: the
window shifted by 2 % of its side, Gaussian noise of sigma 2 (of 255), JPEG at quality 90, and a
round trip through 94 % of the size. Levels come from `calm attributes --square --side SIDE --json`.
Per attribute: agreement with the photo's own level, and the balanced figure (mean per-level
recall), as `calm eval attributes` reports models."""
import argparse
import json
import subprocess
import tempfile

import numpy as np
from PIL import Image

ATTRIBUTES = ["exposure", "saturation", "sharpness", "noise", "temperature", "tint", "placement", "symmetry",
              "tilt", "depthOfField", "horizontalBalance", "verticalBalance", "clutter"]
CHANGES = {"shift": "window shifted 2 %", "noise": "noise sigma 2", "jpeg": "JPEG q90", "scale": "resized 94 % and back"}


def variants(path, rng):
    """The photo's centred square and its four changed versions, as (name, image, format)."""
    image = Image.open(path).convert("RGB")
    width, height = image.size
    side = min(width, height)
    x0, y0 = (width - side) // 2, (height - side) // 2
    square = image.crop((x0, y0, x0 + side, y0 + side))
    yield "orig", square.resize((256, 256), Image.LANCZOS), "PNG"
    step = max(1, side // 50)
    dx = step if x0 + step + side <= width else -step if x0 >= step else 0
    dy = 0 if dx else step if y0 + step + side <= height else -step if y0 >= step else 0
    yield "shift", image.crop((x0 + dx, y0 + dy, x0 + dx + side, y0 + dy + side)).resize((256, 256), Image.LANCZOS), "PNG"
    noisy = np.asarray(square.resize((256, 256), Image.LANCZOS)).astype(np.float64) + rng.normal(0, 2, (256, 256, 3))
    yield "noise", Image.fromarray(np.clip(noisy.round(), 0, 255).astype(np.uint8)), "PNG"
    yield "jpeg", square.resize((256, 256), Image.LANCZOS), "JPEG"
    yield "scale", square.resize((240, 240), Image.LANCZOS).resize((256, 256), Image.BICUBIC), "PNG"


def balanced(reference, other):
    recalls = []
    for level in sorted(set(reference)):
        rows = [i for i, r in enumerate(reference) if r == level]
        recalls.append(sum(other[i] == level for i in rows) / len(rows))
    return sum(recalls) / len(recalls)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos", help="a text file of photo paths, one per line")
    parser.add_argument("--calm", default=".build/release/calm")
    parser.add_argument("--side", type=int, default=128, help="working side of the labels (calm-tiny: 128)")
    args = parser.parse_args()
    paths = [line.strip() for line in open(args.photos) if line.strip()]
    rng = np.random.default_rng(0)
    files = {name: [] for name in ["orig", *CHANGES]}
    with tempfile.TemporaryDirectory() as folder:
        for index, path in enumerate(paths):
            for name, image, fmt in variants(path, rng):
                file = f"{folder}/{index:04d}-{name}.{'jpg' if fmt == 'JPEG' else 'png'}"
                image.save(file, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
                files[name].append(file)
        levels = {}
        for name, names in files.items():
            output = subprocess.run([args.calm, "attributes", "--square", "--side", str(args.side), "--json", *names],
                                    capture_output=True, text=True, check=True).stdout
            levels[name] = [json.loads(line)["attributes"] for line in output.splitlines() if line.strip()]
    print(f"{len(paths)} photos at {args.side} px: agreement with the photo's own level / balanced (%)\n")
    print("| attribute | " + " | ".join(CHANGES.values()) + " |")
    print("|---" * (len(CHANGES) + 1) + "|")
    for attribute in ATTRIBUTES:
        reference = [photo[attribute]["level"] for photo in levels["orig"]]
        cells = []
        for name in CHANGES:
            changed = [photo[attribute]["level"] for photo in levels[name]]
            agreement = sum(a == b for a, b in zip(reference, changed)) / len(reference)
            cells.append(f"{100 * agreement:.1f} / {100 * balanced(reference, changed):.1f}")
        print(f"| {attribute} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
