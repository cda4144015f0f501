#!/usr/bin/env python3
"""Picks the bundled sample (Datasets/photos) from a corpus built by build_corpus.py.

    python3 Scripts/corpus/make_sample.py CORPUS_DIR [--out Datasets/photos]

Only photos whose licence allows redistribution are eligible (licences.REDISTRIBUTABLE:
"not stated" and "no known copyright restrictions" stay out). Per source a fixed quota
is taken in the order of the SHA-256 of the corpus file name, which is deterministic
and mixes subjects; gcompris contributes captioned and uncaptioned photos. Each is
re-encoded as a JPEG of at most --max-side pixels; attribution.csv (same columns as the
corpus, `original_path` still pointing into the package) and captions.jsonl follow.
The output folder is rebuilt as a whole and swapped in at the end.
"""

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from licences import REDISTRIBUTABLE  # noqa: E402
from photo import to_jpeg, write_atomic, write_index  # noqa: E402

# (corpus source folder, captioned?, how many). None: either. 48 photos in all.
QUOTAS = [
    ("gcompris", True, 10),
    ("gcompris", False, 10),
    ("plasma", None, 4),
    ("mate", None, 4),
    ("lomiri", None, 4),
    ("skimage", None, 4),
    ("scratch", None, 12),
]


def select(rows, captioned):
    """The rows to bundle, in quota order; fails when a quota cannot be met."""
    eligible = sorted((r for r in rows if r["licence"] in REDISTRIBUTABLE),
                      key=lambda r: hashlib.sha256(r["file"].encode()).hexdigest())
    chosen = []
    for source, with_caption, count in QUOTAS:
        pool = [r for r in eligible if r["file"].split("/")[0] == source
                and (with_caption is None or (r["file"] in captioned) == with_caption)]
        if len(pool) < count:
            raise ValueError(f"corpus has {len(pool)} eligible '{source}' photos, the sample needs {count}")
        chosen += pool[:count]
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="folder written by build_corpus.py")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "Datasets", "photos"))
    parser.add_argument("--max-side", type=int, default=256)
    parser.add_argument("--quality", type=int, default=85)
    args = parser.parse_args()

    index = os.path.join(args.corpus, "attribution.csv")
    try:
        with open(index, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(args.corpus, "captions.jsonl"), encoding="utf-8") as f:
            captions = {c["file"]: c for c in map(json.loads, f)}
    except (OSError, json.JSONDecodeError) as e:
        sys.exit(f"{args.corpus}: not a corpus built by build_corpus.py ({e})")

    out = os.path.abspath(args.out)
    staging = out + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    sample_rows, sample_captions, total = [], [], 0
    for row in select(rows, captions):
        source_file = os.path.join(args.corpus, row["file"])
        with open(source_file, "rb") as f:
            data = to_jpeg(f.read(), args.max_side, args.quality)
        file = os.path.splitext(row["file"])[0] + ".jpg"
        write_atomic(os.path.join(staging, file), data)
        total += len(data)
        sample_rows.append({**row, "file": file})
        if row["file"] in captions:
            sample_captions.append({**captions[row["file"]], "file": file})
    write_index(staging, sample_rows, sample_captions)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.replace(staging, out)

    by_source = Counter(r["file"].split("/")[0] for r in sample_rows)
    by_licence = Counter(r["licence"] for r in sample_rows)
    by_quality = Counter(r["quality"] for r in sample_rows)
    print(f"{len(sample_rows)} photos, {total / 1024:.0f} KiB of JPEG, {len(sample_captions)} with captions -> {out}")
    for name, counts in (("source", by_source), ("licence", by_licence), ("quality", by_quality)):
        print(f"  {name}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
