"""A minimal, deterministic [MS-CFB] (OLE compound file) writer, version 3 (512-byte sectors).

Writes a fresh file from a mapping of stream paths to bytes; storages are created from the paths.
Timestamps and CLSIDs are zero, so the same input always gives the same bytes.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
DIR_ENTRY = 128
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"compound file entry name longer than 31 characters: {name!r}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Entry] = {}
        self.sid = 0
        self.left = self.right = self.child = NOSTREAM
        self.color = _BLACK
        self.start = ENDOFCHAIN
        self.size = len(data)


def _sort_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4 order: shorter names first, then by upper-cased UTF-16 code units."""
    return (len(name.encode("utf-16-le")), name.upper())


def _build_tree(siblings: list[_Entry], depth: int, red_depth: int) -> int:
    """Balanced binary search tree over sorted siblings; returns the sid of its root.

    Every root-to-leaf path of a size-balanced tree has length red_depth or red_depth+1, so colouring the
    nodes at depth >= red_depth red (they are leaves under black parents) gives a valid red-black tree.
    """
    if not siblings:
        return NOSTREAM
    mid = len(siblings) // 2
    node = siblings[mid]
    node.color = _RED if depth >= red_depth else _BLACK
    node.left = _build_tree(siblings[:mid], depth + 1, red_depth)
    node.right = _build_tree(siblings[mid + 1:], depth + 1, red_depth)
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i + 1 < count else ENDOFCHAIN


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """Return a compound file holding `streams`, keyed by '/'-separated paths such as 'VBA/dir'."""
    root = _Entry("Root Entry", _ROOT)
    for path in sorted(streams):
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, _STORAGE))
            if node.kind != _STORAGE:
                raise ValueError(f"{path}: {part} is a stream, not a storage")
        if parts[-1] in node.children:
            raise ValueError(f"duplicate stream {path}")
        node.children[parts[-1]] = _Entry(parts[-1], _STREAM, bytes(streams[path]))

    # Directory order: breadth-first, deterministic.
    entries: list[_Entry] = []
    queue = [root]
    while queue:
        node = queue.pop(0)
        node.sid = len(entries)
        entries.append(node)
        queue.extend(sorted(node.children.values(), key=lambda e: _sort_key(e.name)))
    for node in entries:
        if node.kind in (_STORAGE, _ROOT) and node.children:
            kids = sorted(node.children.values(), key=lambda e: _sort_key(e.name))
            red_depth = (len(kids) + 1).bit_length() - 1  # floor(log2(n + 1))
            node.child = _build_tree(kids, 0, red_depth)
    root.color = _BLACK

    # Mini stream: streams smaller than the cutoff, in 64-byte mini sectors.
    mini_stream = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for node in entries:
        if node.kind != _STREAM:
            continue
        if node.size == 0:
            node.start = ENDOFCHAIN
        elif node.size < MINI_CUTOFF:
            count = -(-node.size // MINI_SECTOR)
            node.start = len(mini_fat)
            mini_fat.extend([0] * count)
            _chain(mini_fat, node.start, count)
            mini_stream += node.data + b"\x00" * (count * MINI_SECTOR - node.size)
        else:
            big.append(node)

    def sectors(n_bytes: int) -> int:
        return -(-n_bytes // SECTOR)

    n_dir = sectors(len(entries) * DIR_ENTRY)
    n_minifat = sectors(len(mini_fat) * 4)
    n_ministream = sectors(len(mini_stream))
    n_big = sum(sectors(e.size) for e in big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_dir + n_minifat + n_ministream + n_big:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")

    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    for i in range(n_fat):
        fat[i] = FATSECT
    next_free = n_fat
    dir_start = next_free
    _chain(fat, dir_start, n_dir)
    next_free += n_dir
    minifat_start = next_free if n_minifat else ENDOFCHAIN
    _chain(fat, next_free, n_minifat)
    next_free += n_minifat
    root.start = next_free if n_ministream else ENDOFCHAIN
    root.size = len(mini_stream)
    _chain(fat, next_free, n_ministream)
    next_free += n_ministream
    for node in big:
        count = sectors(node.size)
        node.start = next_free
        _chain(fat, next_free, count)
        next_free += count

    def padded(data: bytes) -> bytes:
        return bytes(data) + b"\x00" * (-len(data) % SECTOR)

    directory = bytearray()
    for node in entries:
        name = node.name.encode("utf-16-le")
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name + b"\x00\x00", len(name) + 2, node.kind, node.color,
            node.left, node.right, node.child, b"\x00" * 16, 0, 0, 0, node.start, node.size,
        )
    while len(directory) % SECTOR:  # unused entries
        directory += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                 b"\x00" * 16, 0, 0, 0, 0, 0)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    minifat_bytes += struct.pack("<I", FREESECT) * ((-len(minifat_bytes) % SECTOR) // 4)

    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", b"\x00" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\x00" * 6,
        0, n_fat, dir_start, 0, MINI_CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack("<109I", *difat)
    assert len(header) == SECTOR

    body = bytearray(header)
    body += b"".join(struct.pack("<I", v) for v in fat)
    body += directory
    body += minifat_bytes
    body += padded(mini_stream) if mini_stream else b""
    for node in big:
        body += padded(node.data)
    assert len(body) == SECTOR * (1 + next_free)
    return bytes(body)
