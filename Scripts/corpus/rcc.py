"""Reader for Qt binary resource files (.rcc), as shipped by gcompris-qt-data.

Format (all integers big-endian), as written by Qt's `rcc -binary`:

    header   "qres" | u32 version | u32 tree_offset | u32 data_offset | u32 names_offset
             [| u32 flags, version >= 3]
    tree     an array of entries, 14 bytes each in version 1, 22 in version >= 2
             (an 8-byte last-modified time is appended). Entry 0 is the root directory.
               u32 name_offset | u16 flags | ...
               directory (flags & 2): u32 child_count | u32 first_child_index
               file:                  u16 country | u16 language | u32 data_offset
    names    at names_offset + name_offset: u16 length | u32 hash | length UTF-16BE units
    data     at data_offset + entry's data_offset: u32 size | size bytes. When the entry's
             flags has bit 0 set the payload is zlib-compressed, preceded by its u32
             uncompressed size (qCompress layout); bit 2 marks zstd, which we reject.
"""

import struct
import zlib

MAGIC = b"qres"
FLAG_COMPRESSED = 1
FLAG_DIRECTORY = 2
FLAG_COMPRESSED_ZSTD = 4


class RccError(ValueError):
    """A malformed or unsupported .rcc file; the message names the file."""


def read_rcc(path):
    """Returns {resource path ('/a/b.webp'): bytes} for every file in the .rcc at `path`."""
    with open(path, "rb") as f:
        return parse_rcc(f.read(), str(path))


def parse_rcc(buf, origin="<bytes>"):
    """Parses an in-memory .rcc; `origin` names the file in error messages."""
    if len(buf) < 20 or buf[:4] != MAGIC:
        raise RccError(f"{origin}: not a Qt resource file (missing 'qres' magic)")
    version, tree, data, names = struct.unpack_from(">IIII", buf, 4)
    if version not in (1, 2, 3):
        raise RccError(f"{origin}: unsupported rcc version {version}")
    entry_size = 14 if version == 1 else 22

    def u(fmt, offset, what):
        try:
            return struct.unpack_from(fmt, buf, offset)
        except struct.error:
            raise RccError(f"{origin}: {what} at offset {offset} lies outside the file") from None

    def name_at(offset):
        (length,) = u(">H", names + offset, "name")
        start = names + offset + 6
        if start + 2 * length > len(buf):
            raise RccError(f"{origin}: name at offset {offset} lies outside the file")
        return buf[start:start + 2 * length].decode("utf-16-be")

    def payload(entry_path, flags, offset):
        (size,) = u(">I", data + offset, f"data of {entry_path}")
        start = data + offset + 4
        raw = buf[start:start + size]
        if len(raw) != size:
            raise RccError(f"{origin}: data of {entry_path} is truncated")
        if flags & FLAG_COMPRESSED_ZSTD:
            raise RccError(f"{origin}: {entry_path} is zstd-compressed (unsupported)")
        if flags & FLAG_COMPRESSED:
            try:
                return zlib.decompress(raw[4:])
            except zlib.error as e:
                raise RccError(f"{origin}: {entry_path}: bad zlib data ({e})") from None
        return raw

    files = {}
    # Iterative walk: (entry index, parent path); indices seen guard against cycles.
    stack, seen = [(0, "")], set()
    while stack:
        index, parent = stack.pop()
        if index in seen:
            raise RccError(f"{origin}: tree entry {index} is reachable twice")
        seen.add(index)
        at = tree + index * entry_size
        name_offset, flags = u(">IH", at, f"tree entry {index}")
        path = parent if index == 0 else f"{parent}/{name_at(name_offset)}"
        if flags & FLAG_DIRECTORY:
            count, first = u(">II", at + 6, f"tree entry {index}")
            stack.extend((child, path) for child in range(first, first + count))
        else:
            (offset,) = u(">I", at + 10, f"tree entry {index}")
            files[path] = payload(path, flags, offset)
    return files
