"""Photos of gcompris-qt-data: WebP files inside the activities' Qt resource files.

Each activity ships `resource/**/README` files of blocks (Copyright / License / Source /
Files) naming the images they cover, relative to the README's folder.

Photo rule: an image is a photograph when its README block's `Source:` is a camera
picture: a Wikimedia Commons file ending in .jpg/.jpeg (drawings and renders are SVG or
PNG there), or a page of a stock-photo site (publicdomainpictures.net, maxpixel.net,
flickr.com). Everything else is skipped: GCompris' own artwork (no Source), the WebMuseum
paintings, the `details` puzzle crops and the NASA planet renders (Source only in a
comment, or a PNG). Checked by eye on gcompris-qt-data 3.1-2: all 257 kept are photos.

The `explore_*` activities describe 82 of them in `resource/board/board*.qml`: a title
and a paragraph (`text`), sometimes a hint sentence (`text2`); these become captions.
"""

import fnmatch
import glob
import json
import os
import re
from urllib.parse import unquote

from licences import clean_author, normalize_licence
from photo import CURATED, Photo, humanize
from rcc import read_rcc

PACKAGE = "gcompris-qt-data"
RCC_DIR = "usr/share/gcompris-qt/rcc"
IMAGE_EXTS = (".webp", ".jpg", ".jpeg", ".png")
# Misspelled names in the READMEs of gcompris-qt-data 3.1 -> the files they mean.
README_TYPOS = {"germany/audaPalatina.webp": "germany/aulaPalatina.webp"}
PHOTO_SOURCE = re.compile(
    r"commons\.wikimedia\.org/wiki/File:.*\.jpe?g$|publicdomainpictures\.net|maxpixel\.net|flickr\.com",
    re.IGNORECASE)


def readme_blocks(text):
    """Yields ({field: value}, [file patterns]) for each blank-line separated block."""
    known = {"copyright", "license", "licence", "source", "files", "comment", "comments"}
    for chunk in re.split(r"\n\s*\n", text):
        fields, files, key = {}, [], None
        for line in chunk.splitlines():
            m = re.match(r"(\w+):\s*(.*)$", line)
            if m and m.group(1).lower() in known:
                key, value = m.group(1).lower(), m.group(2).strip()
                if key == "files":
                    files += _file_names(value)
                else:
                    fields[key] = value
            elif key == "files":
                files += _file_names(line)
            elif key and line.strip():
                fields[key] = f"{fields[key]}\n{line.strip()}".strip()
        if files:
            yield fields, files


def _file_names(text):
    return [README_TYPOS.get(f, f) for f in text.split()]


def board_captions(qml):
    """{resource path of image2: (title, sentences)} from one explore board QML file."""
    captions = {}
    for obj in re.findall(r"\{([^{}]*)\}", qml):
        values = {k: _js_string(q or p) for k, q, p in re.findall(
            r'"(\w+)"\s*:\s*(?:qsTr\(\s*"((?:[^"\\]|\\.)*)"\s*\)|"((?:[^"\\]|\\.)*)")', obj)}
        image = values.get("image2", "")
        if not image.startswith("qrc:") or "title" not in values:
            continue
        sentences = split_sentences(values.get("text", ""))
        hint = values.get("text2", "")  # a clue sentence, or just the name again
        if hint.endswith((".", "!", "?")) and hint not in sentences:
            sentences.append(hint)
        captions[image[len("qrc:"):]] = (values["title"], sentences)
    return captions


ABBREVIATIONS = ("Mt.", "St.", "Dr.", "Mr.", "Mrs.", "Ms.", "Jr.", "Sr.", "e.g.", "i.e.", "approx.")


def split_sentences(text):
    """Splits at '.', '!' or '?' followed by a space and a capital, digit or quote,
    except after an abbreviation ('Mt. Rushmore')."""
    sentences = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])", text.strip()):
        if sentences and sentences[-1].endswith(ABBREVIATIONS):
            sentences[-1] += " " + piece
        elif piece:
            sentences.append(piece)
    return sentences


def _text(where, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not UTF-8 text ({e})") from None


def _js_string(body):
    return json.loads('"' + body.replace("\\'", "'") + '"')


def _commons_title(url):
    m = re.search(r"/File:(.+)\.\w+$", url)
    return humanize(unquote(m.group(1))) if m else ""


def find_photos(root):
    """(photos, skipped [(path, reason)]) from the unpacked package at `root`."""
    rcc_files = sorted(glob.glob(os.path.join(root, RCC_DIR, "*.rcc")))
    if not rcc_files:
        raise FileNotFoundError(f"{root}: no {RCC_DIR}/*.rcc (is {PACKAGE} unpacked there?)")
    photos, skipped, seen_urls = [], [], set()
    for rcc_path in rcc_files:
        entries = read_rcc(rcc_path)
        where = f"/{RCC_DIR}/{os.path.basename(rcc_path)}:"
        captions = {}
        for path, data in entries.items():
            if re.search(r"/resource/board/board\d+\.qml$", path):
                captions.update(board_captions(_text(where + path, data)))
        covered = set()
        for readme, data in sorted(entries.items()):
            if os.path.basename(readme) != "README":
                continue
            folder = os.path.dirname(readme)
            for fields, patterns in readme_blocks(_text(where + readme, data)):
                images = sorted(p for p in entries if p.lower().endswith(IMAGE_EXTS)
                                and any(fnmatch.fnmatchcase(p, f"{folder}/{pat}") for pat in patterns))
                for path in images:
                    covered.add(path)
                    url = fields.get("source", "")
                    if not PHOTO_SOURCE.search(url):
                        skipped.append((where + path, "not a photograph (README Source is not a camera picture)"))
                        continue
                    photos.append(_photo(rcc_path, path, entries[path], fields, captions.get(path)))
        skipped += [(where + p, "no licence block in any README") for p in sorted(entries)
                    if p.lower().endswith(IMAGE_EXTS) and p not in covered]
    # The same Commons picture appears in several activities: keep one, the captioned if any.
    photos.sort(key=lambda p: (not p.sentences, p.original_path))
    unique = []
    for p in photos:
        if p.url in seen_urls:
            skipped.append((p.original_path, "same Source as a photo of another activity"))
        else:
            seen_urls.add(p.url)
            unique.append(p)
    return sorted(unique, key=lambda p: p.name), skipped


def _photo(rcc_path, path, data, fields, caption):
    parts = path.split("/")  # /gcompris/src/activities/<activity>/resource/<dir...>/<file>
    activity, inner = parts[4], [p for p in parts[6:] if p not in ("image", "images")]
    stem, ext = os.path.splitext("-".join([activity] + inner))
    url = fields.get("source", "")
    title, sentences = caption or (_commons_title(url) or humanize(os.path.splitext(parts[-1])[0]), [])
    return Photo(
        source="gcompris", name=stem, ext=ext[1:].lower(), package=PACKAGE,
        original_path=f"/{RCC_DIR}/{os.path.basename(rcc_path)}:{path}",
        read=lambda: data, title=title,
        author=clean_author(fields.get("copyright", "")),
        licence=normalize_licence(fields.get("license") or fields.get("licence") or ""),
        quality=CURATED, url=url, sentences=sentences)
