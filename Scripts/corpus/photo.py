"""A photo found in a package, and how it is written: original bytes, or downscaled JPEG."""

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Callable, List

from PIL import Image

CURATED = "curated"     # wallpapers, gcompris (Wikimedia Commons), skimage, opencv
SNAPSHOT = "snapshot"   # scratch's amateur backgrounds: the low-aesthetic contrast

ATTRIBUTION_COLUMNS = ["file", "source_package", "original_path", "title", "author",
                       "licence", "quality", "source_url"]


@dataclass
class Photo:
    """One photo and its attribution, read lazily from an unpacked package."""
    source: str                   # output folder: gcompris, plasma, mate, lomiri, ...
    name: str                     # file stem inside that folder
    ext: str                      # original encoding: jpg, png, webp
    package: str                  # Debian or PyPI package it ships in
    original_path: str            # its path inside that package
    read: Callable[[], bytes]     # its original encoded bytes
    title: str
    author: str
    licence: str
    quality: str
    url: str = ""                 # where the photo was published, when the package says
    sentences: List[str] = field(default_factory=list)  # descriptive text (gcompris)


def humanize(stem):
    """'greatWallofChina' / 'beach-malibu' / 'Yet_another_pic' -> words separated by spaces."""
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", stem)
    return " ".join(re.sub(r"[-_]+", " ", s).split())


def write_atomic(path, data):
    """Writes bytes to `path` through a temporary file in the same folder, then renames."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def to_jpeg(data, max_side, quality):
    """An RGB JPEG of the image with its long side at most `max_side` (Lanczos)."""
    image = Image.open(io.BytesIO(data))
    # JPEG DCT scaling first (deterministic, exact power-of-two reduction), then Lanczos.
    image.draft("RGB", (max_side * 2, max_side * 2))
    image = image.convert("RGB")
    scale = max_side / max(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def fit(data, max_side, quality):
    """(bytes, ext or None): the original bytes (ext None) when the image fits `max_side`,
    else `to_jpeg` (ext 'jpg')."""
    image = Image.open(io.BytesIO(data))
    if max(image.size) <= max_side:
        image.verify()  # a corrupt original is an error here, not at ingest time
        return data, None
    return to_jpeg(data, max_side, quality), "jpg"


def write_index(out_dir, rows, captions):
    """Writes attribution.csv and captions.jsonl atomically (sorted by file: deterministic)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, ATTRIBUTION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: r["file"]))
    write_atomic(os.path.join(out_dir, "attribution.csv"), text.getvalue().encode("utf-8"))
    lines = [json.dumps(c, ensure_ascii=False) + "\n" for c in sorted(captions, key=lambda c: c["file"])]
    write_atomic(os.path.join(out_dir, "captions.jsonl"), "".join(lines).encode("utf-8"))


def attribution_row(photo, file):
    """The attribution.csv row of `photo` written as `file` (relative to the output folder)."""
    return {"file": file, "source_package": photo.package, "original_path": photo.original_path,
            "title": photo.title, "author": photo.author, "licence": photo.licence,
            "quality": photo.quality, "source_url": photo.url}
