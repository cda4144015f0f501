"""Machine-readable debian/copyright (DEP-5): which licence and holder cover a file."""

import fnmatch
import re

from licences import clean_author, normalize_licence


class Dep5:
    """The `Files:` paragraphs of one copyright file, in order (the last match wins)."""

    def __init__(self, path):
        self.path = str(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.paragraphs = []
        for block in re.split(r"\n\s*\n", text):
            fields = _fields(block)
            if "files" in fields:
                self.paragraphs.append((fields["files"].split(), fields))

    def lookup(self, relative_path):
        """(author, licence) for a path relative to the upstream source tree."""
        match = None
        for patterns, fields in self.paragraphs:
            if any(fnmatch.fnmatchcase(relative_path, p) for p in patterns):
                match = fields
        if match is None:
            raise KeyError(f"{self.path}: no Files paragraph covers {relative_path}")
        licence = match.get("license", "").split("\n")[0]
        return clean_author(match.get("copyright", "")), normalize_licence(licence)


def _fields(block):
    """{lowercased field: value}; continuation lines (leading space) join with newlines."""
    fields, key = {}, None
    for line in block.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            key = key.strip().lower()
            fields[key] = value.strip()
    return fields
