"""Photos of the wallpaper packages, scratch, opencv-doc and the scikit-image wheel.

None of these packages marks which of its images are photographs, so the photos are
named here, checked by eye (Debian bookworm versions, scikit-image 0.26.0); the rest of
each package's images are drawings, renders or abstract art and are reported as skipped.
Licences and authors come from the packages' own metadata: debian/copyright (DEP-5),
plasma's metadata.json, the docstrings of skimage/data/_fetchers.py.
"""

import ast
import glob
import json
import os
import re

from PIL import Image

from debian_copyright import Dep5
from licences import NOT_STATED, normalize_licence
from photo import CURATED, SNAPSHOT, Photo, humanize

IMAGE_EXTS = (".jpg", ".jpeg", ".png")


def _reader(path):
    def read():
        with open(path, "rb") as f:
            return f.read()
    return read


def _photo(root, package, source, path, **fields):
    stem, ext = os.path.splitext(os.path.basename(path))
    fields.setdefault("name", stem)
    return Photo(source=source, ext=ext[1:].lower(), package=package,
                 original_path="/" + os.path.relpath(path, root), read=_reader(path), **fields)


def _split(root, pattern, keep, reason="not a photograph (drawing, render or abstract art)"):
    """(kept paths, skipped [(package path, reason)]) of the images matching `pattern` under
    the unpacked package `root`; keep(path) decides."""
    paths = sorted(p for p in glob.glob(os.path.join(root, pattern)) if p.lower().endswith(IMAGE_EXTS))
    if not paths:
        raise FileNotFoundError(f"{root}: no images match {pattern}")
    kept = [p for p in paths if keep(p)]
    skipped = [("/" + os.path.relpath(p, root), reason) for p in paths if not keep(p)]
    return kept, skipped


def _largest_first(path):
    """Sort key: most pixels first; among equals (Debian ships the same picture under every
    resolution name) the file whose name states its true size."""
    with Image.open(path) as image:
        w, h = image.size
    return -w * h, not os.path.basename(path).startswith(f"{w}x{h}."), path


# --- plasma-workspace-wallpapers: one folder per wallpaper, several resolutions ---------

PLASMA_PHOTOS = {"BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow",
                 "FallenLeaf", "Grey", "Kite", "OneStandsOut", "Path", "summer_1am"}


def plasma(root):
    base = os.path.join(root, "usr/share/wallpapers")
    photos, skipped = [], []
    for folder in sorted(os.listdir(base)):
        if folder not in PLASMA_PHOTOS:
            skipped.append((f"/usr/share/wallpapers/{folder}", "not a photograph (digital art)"))
            continue
        images = sorted(glob.glob(os.path.join(base, folder, "contents/images/*")), key=_largest_first)
        if not images:
            raise FileNotFoundError(f"{base}/{folder}: no contents/images/*")
        meta = json.load(open(os.path.join(base, folder, "metadata.json"), encoding="utf-8"))["KPlugin"]
        authors = "; ".join(a["Name"] for a in meta.get("Authors", []))
        photos.append(_photo(root, "plasma-workspace-wallpapers", "plasma", images[0], name=folder,
                             title=meta["Name"], author=authors,
                             licence=normalize_licence(meta.get("License", "")), quality=CURATED))
        skipped += [("/" + os.path.relpath(p, root), "another resolution of the same wallpaper")
                    for p in images[1:]]
    return photos, skipped


# --- mate-backgrounds, lomiri-wallpapers: DEP-5 copyright per file -------------------

MATE_PHOTO_DIR = "nature"      # desktop/ and abstract/ hold logos and digital art
LOMIRI_NOT_PHOTOS = {"analogpattern_by_Peter_Nerlich", "umang_by_Abhishek_Mudgal",
                     "Fossa_by_Jasper_Roks", "Infinite-Sea_by_Aury88",
                     "Painting-Colors_by__herobrine7gamer"}


def mate(root):
    package = "mate-backgrounds"
    base = os.path.join(root, "usr/share/backgrounds/mate")
    dep5 = Dep5(os.path.join(root, f"usr/share/doc/{package}/copyright"))
    titles = {}
    for xml in glob.glob(os.path.join(root, "usr/share/mate-background-properties/*.xml")):
        text = open(xml, encoding="utf-8").read()
        for name, filename in re.findall(r"<name>([^<]*)</name>\s*<filename>([^<]*)</filename>", text):
            titles[os.path.basename(filename)] = name
    kept, skipped = _split(root, "usr/share/backgrounds/mate/*/*",
                           lambda p: os.path.basename(os.path.dirname(p)) == MATE_PHOTO_DIR)
    photos = []
    for path in kept:
        author, licence = dep5.lookup(os.path.relpath(path, base))
        name = os.path.basename(path)
        photos.append(_photo(root, package, "mate", path,
                             title=titles.get(name, humanize(os.path.splitext(name)[0])),
                             author=author, licence=licence, quality=CURATED))
    return photos, skipped


def lomiri(root, release):
    """One of lomiri-wallpapers-16.04 / -20.04; the copyright names files '<release>/<file>'."""
    package = f"lomiri-wallpapers-{release}"
    dep5 = Dep5(os.path.join(root, f"usr/share/doc/{package}/copyright"))
    stem = lambda p: os.path.splitext(os.path.basename(p))[0]
    kept, skipped = _split(root, "usr/share/backgrounds/*", lambda p: stem(p) not in LOMIRI_NOT_PHOTOS)
    photos = []
    for path in kept:
        author, licence = dep5.lookup(f"{release}/{os.path.basename(path)}")
        photos.append(_photo(root, package, "lomiri", path, title=humanize(stem(path).split("_by_")[0]),
                             author=author, licence=licence, quality=CURATED))
    return photos, skipped


# --- scratch: the amateur snapshots ------------------------------------------------

SCRATCH_DRAWINGS = {"party-room", "room1", "room2", "room3", "spotlight-stage", "woods-and-bench",
                    "brick-wall1", "school2",
                    "basketball-court1-a", "basketball-court1-b"}  # court painted over a photo


def scratch(root):
    base = os.path.join(root, "usr/share/scratch")
    dep5 = Dep5(os.path.join(root, "usr/share/doc/scratch/copyright"))
    stem = lambda p: os.path.splitext(os.path.basename(p))[0]
    # JPEG photos; the PNG/GIF backgrounds are drawings too.
    kept, skipped = _split(root, "usr/share/scratch/Media/Backgrounds/*/*",
                           lambda p: p.endswith(".jpg") and stem(p) not in SCRATCH_DRAWINGS)
    photos = []
    for path in kept:
        author, licence = dep5.lookup(os.path.relpath(path, base))
        photos.append(_photo(root, "scratch", "scratch", path, title=humanize(stem(path)),
                             author=author, licence=licence, quality=SNAPSHOT))
    return photos, skipped


# --- opencv-doc: classic test photos, licence not stated ----------------------------

OPENCV_PHOTOS = {"aero1.jpg", "aero3.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg",
                 "basketball1.png", "board.jpg", "box_in_scene.png", "building.jpg",
                 "butterfly.jpg", "chicky_512.png", "ela_original.jpg", "fruits.jpg",
                 "graf1.png", "home.jpg", "left.jpg", "leuvenA.jpg", "licenseplate_motion.jpg",
                 "messi5.jpg", "orange.jpg", "rubberwhale1.png", "squirrel_cls.jpg", "stuff.jpg"}


def opencv(root):
    kept, skipped = _split(root, "usr/share/doc/opencv-doc/examples/data/*",
                           lambda p: os.path.basename(p) in OPENCV_PHOTOS,
                           "not a photograph, or a second view/frame of one kept")
    photos = [_photo(root, "opencv-doc", "opencv", p, title=humanize(os.path.splitext(os.path.basename(p))[0]),
                     author="", licence=NOT_STATED, quality=CURATED) for p in kept]
    return photos, skipped


# --- scikit-image wheel: skimage/data, documented in _fetchers.py -------------------

# file -> (fetcher function, author, licence, phrase its docstring must contain).
SKIMAGE_PHOTOS = {
    "astronaut.png": ("astronaut", "NASA", "Public-Domain", "released into the public domain"),
    "camera.png": ("camera", "Lav Varshney", "CC0-1.0", "CC0 by the photographer (Lav Varshney)"),
    "chelsea.png": ("chelsea", "Stefan van der Walt", "CC0-1.0", "CC0 by the photographer (Stefan van der Walt)"),
    "coffee.png": ("coffee", "Rachel Michetti", "CC0-1.0", "CC0 by the photographer (Rachel Michetti)"),
    "rocket.jpg": ("rocket", "SpaceX", "Public-Domain", "released in the public domain"),
    "clock_motion.png": ("clock", "Stefan van der Walt", "Public-Domain", "Released into the public domain by the photographer (Stefan van der Walt)"),
    "hubble_deep_field.jpg": ("hubble_deep_field", "NASA", "Public-Domain", "may be freely used in the public domain"),
    "retina.jpg": ("retina", "Mikael Häggström", "CC0-1.0", "Creative Commons CC0 1.0 Universal"),
    "coins.png": ("coins", "Brooklyn Museum", "No known copyright restrictions", "No known copyright restrictions"),
    "moon.png": ("moon", "", NOT_STATED, "Surface of the moon"),
}


def skimage(root):
    base = os.path.join(root, "skimage/data")
    docs = {f.name: ast.get_docstring(f) or "" for f in ast.parse(open(os.path.join(base, "_fetchers.py")).read()).body
            if isinstance(f, ast.FunctionDef)}
    kept, skipped = _split(root, "skimage/data/*", lambda p: os.path.basename(p) in SKIMAGE_PHOTOS)
    photos = []
    for path in kept:
        function, author, licence, phrase = SKIMAGE_PHOTOS[os.path.basename(path)]
        doc = docs.get(function, "")
        if phrase not in " ".join(doc.split()):
            raise ValueError(f"{base}/_fetchers.py: {function}() no longer says {phrase!r}; recheck its licence")
        photos.append(_photo(root, "scikit-image", "skimage", path, title=doc.split("\n")[0].rstrip("."),
                             author=author, licence=licence, quality=CURATED))
    return photos, skipped
