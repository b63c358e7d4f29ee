"""Rows an Excel 97–2003 (.xls) workbook hides, by sheet name, read from its ROW records (python-calamine, which reads
the values, does not say). A row hidden by hand and one filtered out by an AutoFilter are both saved as a ROW record
whose height is zero (fDyZero)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

_BOF, _EOF, _BOUNDSHEET, _ROW = 0x0809, 0x000A, 0x0085, 0x0208
_ROW_HIDDEN = 0x20          # ROW.grbit: fDyZero


def _sheet_name(stream: bytes, body: int, size: int) -> str | None:
    """The name in a BOUNDSHEET8 record (a ShortXLUnicodeString after 6 bytes), or None if it does not fit."""
    if size < 8:
        return None
    length, high = stream[body + 6], stream[body + 7] & 1
    start = body + 8
    raw = stream[start:start + length * (2 if high else 1)]
    if len(raw) != length * (2 if high else 1):
        return None
    return raw.decode("utf-16-le" if high else "latin-1")


def xls_hidden_rows(path: Path) -> dict[str, frozenset[int]]:
    """{sheet name: 0-based rows hidden or filtered out} of an .xls; {} when the file is not one xlrd can open as a
    compound file (the reader then says what is wrong) — the values are read either way."""
    try:
        from xlrd.compdoc import CompDoc
        stream = CompDoc(path.read_bytes(), logfile=io.StringIO()).get_named_stream("Workbook")
    except Exception:
        return {}
    if not stream:
        return {}
    unpack = struct.unpack_from
    names: dict[int, str] = {}          # stream offset of a sheet's BOF → its name (from the globals)
    hidden: dict[str, set[int]] = {}
    pos, end, depth, current = 0, len(stream), 0, None
    while pos + 4 <= end:
        kind, size = unpack("<HH", stream, pos)
        body, start = pos + 4, pos
        pos = body + size
        if pos > end:
            break
        if kind == _BOF:
            depth += 1
            if depth == 1:              # a substream of the workbook (a chart inside a sheet nests one level deeper)
                current = names.get(start)
        elif kind == _EOF:
            depth = max(depth - 1, 0)
            if depth == 0:
                current = None
        elif kind == _BOUNDSHEET and current is None and size >= 8:
            name = _sheet_name(stream, body, size)
            if name is not None:
                names[unpack("<I", stream, body)[0]] = name
        elif kind == _ROW and current is not None and depth == 1 and size >= 14:
            if unpack("<H", stream, body + 12)[0] & _ROW_HIDDEN:
                hidden.setdefault(current, set()).add(unpack("<H", stream, body)[0])
    return {name: frozenset(rows) for name, rows in hidden.items()}
