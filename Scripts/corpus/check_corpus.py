#!/usr/bin/env python3
"""Validates a corpus folder (or the bundled sample) against its two index files.

    python3 Scripts/corpus/check_corpus.py DIR [--sample]

Every attribution.csv row must name an existing file that Pillow decodes, carry a
licence and a quality label; every image file under DIR must have a row; every
captions.jsonl entry must name a listed file and have a title and sentences. With
--sample also: only redistributable licences, JPEG of at most 256 px. Prints one line
per problem and exits 1 if there is any.
"""

import argparse
import csv
import json
import os
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from licences import REDISTRIBUTABLE  # noqa: E402
from photo import ATTRIBUTION_COLUMNS, CURATED, SNAPSHOT  # noqa: E402

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp")


def problems(root, sample):
    index = os.path.join(root, "attribution.csv")
    with open(index, encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ATTRIBUTION_COLUMNS:
            yield f"{index}: columns {reader.fieldnames}, expected {ATTRIBUTION_COLUMNS}"
            return
        rows = list(reader)
    listed = set()
    for line, row in enumerate(rows, start=2):
        where = f"{index}:{line} ({row['file']})"
        if row["file"] in listed:
            yield f"{where}: listed twice"
        listed.add(row["file"])
        for column in ("source_package", "original_path", "licence"):
            if not row[column]:
                yield f"{where}: empty {column}"
        if row["quality"] not in (CURATED, SNAPSHOT):
            yield f"{where}: quality {row['quality']!r}"
        if sample and row["licence"] not in REDISTRIBUTABLE:
            yield f"{where}: licence {row['licence']!r} does not allow bundling"
        try:
            with Image.open(os.path.join(root, row["file"])) as image:
                image.load()
                if sample and (image.format != "JPEG" or max(image.size) > 256):
                    yield f"{where}: {image.format} {image.size}, expected JPEG of at most 256 px"
        except Exception as e:  # missing or undecodable: both are defects of the corpus
            yield f"{where}: {e}"
    on_disk = {os.path.relpath(os.path.join(d, n), root) for d, _, names in os.walk(root)
               for n in names if n.lower().endswith(IMAGE_EXTS)}
    for file in sorted(on_disk - listed):
        yield f"{root}/{file}: image without an attribution row"
    captions = os.path.join(root, "captions.jsonl")
    with open(captions, encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            entry = json.loads(text)
            if entry.get("file") not in listed:
                yield f"{captions}:{line}: file {entry.get('file')!r} is not in attribution.csv"
            if not entry.get("title") or not entry.get("sentences"):
                yield f"{captions}:{line}: empty title or sentences"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root")
    parser.add_argument("--sample", action="store_true", help="also apply the bundled sample's rules")
    args = parser.parse_args()
    found = list(problems(args.root, args.sample))
    for p in found:
        print(p)
    with open(os.path.join(args.root, "attribution.csv"), encoding="utf-8") as f:
        count = sum(1 for _ in f) - 1
    print(f"{args.root}: {count} photos, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
