#!/usr/bin/env python3
"""Checks rcc.py against Qt's own resource reader (PySide6's QResource), file by file.

    python3 Scripts/corpus/check_rcc.py FILE.rcc... | DIR

Registers each .rcc with Qt, lists every file Qt sees under it and compares names and
bytes with what rcc.read_rcc returns. Also checks that rcc.py rejects truncated and
corrupted copies with an RccError rather than crashing. Needs `pip install
PySide6-Essentials`; exits 0 with a SKIP line without it.
"""

import glob
import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rcc import RccError, parse_rcc, read_rcc  # noqa: E402


def qt_files(path):
    """{resource path: bytes} as Qt reads them, or None when Qt refuses the file."""
    from PySide6.QtCore import QDirIterator, QFile, QIODevice, QResource
    root = "/calm-check"
    if not QResource.registerResource(path, root):
        return None
    try:
        files = {}
        it = QDirIterator(":" + root, QDirIterator.IteratorFlag.Subdirectories)
        while it.hasNext():
            name = it.next()
            if it.fileInfo().isDir():
                continue
            f = QFile(name)
            if not f.open(QIODevice.OpenModeFlag.ReadOnly):
                raise OSError(f"Qt lists {name} in {path} but cannot open it")
            files[name[len(":" + root):]] = bytes(f.readAll().data())
            f.close()
        return files
    finally:
        QResource.unregisterResource(path, root)


def check_malformed(path):
    """Truncations and a flipped compressed byte must raise RccError, never crash."""
    buf = open(path, "rb").read()
    cases = {"truncated to 12 bytes": buf[:12], "truncated by half": buf[:len(buf) // 2],
             "bad magic": b"qrez" + buf[4:]}
    for name, data in cases.items():
        try:
            parse_rcc(data, name)
        except RccError:
            continue
        return f"{name}: accepted"
    return None


def main():
    if importlib.util.find_spec("PySide6") is None:
        print("SKIP: PySide6 is not installed (pip install PySide6-Essentials)")
        return 0
    args = sys.argv[1:]
    paths = sorted(glob.glob(os.path.join(args[0], "*.rcc"))) if len(args) == 1 and os.path.isdir(args[0]) else args
    if not paths:
        sys.exit("usage: check_rcc.py FILE.rcc... | DIR")
    failures, files = 0, 0
    for path in paths:
        ours, theirs = read_rcc(path), qt_files(path)
        problem = None
        if theirs is None:
            problem = "Qt refuses the file"
        elif set(ours) != set(theirs):
            problem = f"names differ: only ours {sorted(set(ours) - set(theirs))[:3]}, only Qt {sorted(set(theirs) - set(ours))[:3]}"
        else:
            bad = [name for name in ours if ours[name] != theirs[name]]
            problem = f"bytes differ for {bad[:3]}" if bad else check_malformed(path)
        files += len(ours)
        if problem:
            failures += 1
            print(f"FAIL {path}: {problem}")
    print(f"{len(paths) - failures}/{len(paths)} .rcc files match Qt ({files} files compared)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
