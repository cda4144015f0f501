"""Licence names and author strings, normalized from the packages' own metadata."""

import re

# Spellings found in the packages -> one SPDX-like name.
_ALIASES = {
    "public domain": "Public-Domain",
    "cc0": "CC0-1.0",
    "cc0-1.0": "CC0-1.0",
    "gplv2+": "GPL-2.0-or-later",
    "gpl-2+": "GPL-2.0-or-later",
    "gpl-2": "GPL-2.0-only",
    "gplv3": "GPL-3.0",
    "gplv3 or later": "GPL-3.0-or-later",
    "lgplv3": "LGPL-3.0",  # the metadata does not say "only" or "or later"
}

# Licences that allow us to redistribute (modified) copies with attribution. Anything
# else, including "not stated", stays out of the bundled sample.
REDISTRIBUTABLE = {
    "Public-Domain", "CC0-1.0",
    "CC-BY-2.0", "CC-BY-3.0", "CC-BY-4.0",
    "CC-BY-SA-2.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0", "GPL-3.0-or-later", "LGPL-3.0",
}

NOT_STATED = "not stated"


def normalize_licence(text):
    """'CC-BY-SA 4.0' -> 'CC-BY-SA-4.0', 'Public domain' -> 'Public-Domain'; unknown text kept."""
    t = " ".join(text.split())
    if not t:
        return NOT_STATED
    key = t.lower()
    if key in _ALIASES:
        return _ALIASES[key]
    m = re.fullmatch(r"cc[- ]by(-sa)?[- ](\d\.\d)", key)
    if m:
        return f"CC-BY{(m.group(1) or '').upper()}-{m.group(2)}"
    return t


def clean_author(text):
    """Drops 'Copyright', '(c)', e-mail addresses and years: '2018, Jasper Roks' -> 'Jasper Roks'."""
    names = []
    for line in re.split(r"\n|;", text):
        s = re.sub(r"<[^>]*>", "", line)
        s = re.sub(r"(?i)\bcopyright\b|\(c\)|©", "", s)
        s = re.sub(r"\b(19|20)\d\d\b(\s*[-,]\s*\b(19|20)\d\d\b)?\.?", "", s)
        s = s.strip(" ,.´'\t")
        if s:
            names.append(s)
    return "; ".join(names)
