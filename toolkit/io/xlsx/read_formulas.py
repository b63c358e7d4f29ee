"""Where a worksheet holds formulas saved with 0 or no result (a workbook written by a program, or by Excel set to
manual calculation: the formulas were never calculated, so their cells read as typed zeros or blanks).

Run by read_book only when the sheet's reading met such a formula (reader.formula_seen), so a sheet without one costs
nothing. One pass over the sheet's XML finds each <f> (in the form every writer uses) and the cell reference before
it; when some <f> is in another form (prefixed names, a cell without a reference, CDATA, another encoding), the sheet
is read again with expat (read_events) for them. A 100k-row sheet with such a formula on every row: about 1.2 s more
CPU (benchmarks/bench_formula_cells.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from toolkit.io import limits
from toolkit.io.xlsx.read_events import _CellEvents, _dimension, no_result

_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>[^<]*</f>)(?:<v>([^<]*)</v>|<v/>)?</c>")
_CELL_HEAD = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)>')
_T = re.compile(rb'\st="([^"]*)"')
_REF = re.compile(rb'\sref="([^"]*)"')
_CARRY_LIMIT = 1 << 23   # XML without a row end for this long: not the usual form, expat reads it


@dataclass(frozen=True)
class Formulas:
    """0-based (row, col) of formula cells saved with 0 or no result; how many formula cells hold another result."""

    zeros: frozenset
    results: int


class _Irregular(Exception):
    pass


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch & 31)
    return n - 1


def _cached(attrs: bytes, v: bytes | None):
    """A formula cell's saved result as read_events.no_result judges it: None (no result), 0.0, or something else."""
    m = _T.search(attrs)
    t = m.group(1) if m else b"n"
    if v is None or not v.strip():
        return None
    if t == b"n":
        try:
            return float(v)
        except ValueError:
            return v
    return v   # text, a boolean, an error: a result


def formula_cells(book, member: str, rows: list[list]) -> Formulas:
    """The formula cells of a worksheet part saved with 0 or no result (`rows`: the grid as read, for the cells an
    array formula spans)."""
    try:
        found = _scan(book, member)
    except _Irregular:
        found = _expat(book, member)
    zeros, results, arrays = set(), 0, []
    for r, c, result, ref in found:
        if no_result(result):
            zeros.add((r, c))
            if ref:
                arrays.append(ref)
        else:
            results += 1
    for ref in arrays:   # the cells of an array formula other than its first hold only a saved result
        try:
            r0, c0, r1, c1 = _dimension(ref)
        except Exception:
            continue
        for r in range(r0, min(r1 + 1, len(rows))):
            for c in range(c0, min(c1 + 1, len(rows[r]))):
                if no_result(rows[r][c]):
                    zeros.add((r, c))
    return Formulas(frozenset(zeros), results)


def _scan(book, member: str) -> list[tuple[int, int, object, str | None]]:
    out = []
    carry = b""
    first = True
    for piece in limits.xml_pieces(book.zf, member):
        if first:
            first = False
            if piece[:2] in (b"\xff\xfe", b"\xfe\xff") or re.match(rb"""\s*<\?xml[^>]*encoding\s*=\s*["'](?!utf-?8)""",
                                                                    piece, re.I):
                raise _Irregular
        data = carry + piece if carry else piece
        end = data.rfind(b"</row>")
        if end < 0:
            if len(data) > _CARRY_LIMIT:
                raise _Irregular
            carry = data
            continue
        end += 6
        _chunk(data[:end], out)
        carry = data[end:]
    if carry:
        _chunk(carry, out)
    return out


def _chunk(data: bytes, out: list) -> None:
    """The formula cells of a run of rows: each <f> found (few in a sheet), then its cell's reference before it."""
    if b"<f" not in data and b":f" not in data:
        return
    if b":f>" in data or b":f " in data or b":f/" in data or b"<![CDATA[" in data:
        raise _Irregular   # prefixed names, CDATA: expat reads them
    found = list(_FORMULA.finditer(data))
    if len(found) != data.count(b"<f") and len(found) != data.count(b"<f>") + data.count(b"<f ") + data.count(b"<f/>"):
        raise _Irregular
    cols: dict[bytes, int] = {}
    results: dict[tuple, object] = {}   # (attributes, saved text) → result: a column of formulas repeats them
    rfind, head = data.rfind, _CELL_HEAD.fullmatch
    for m in found:
        at = m.start()
        cell = head(data, rfind(b"<c ", 0, at), at)
        if cell is None:
            raise _Irregular   # a cell without a reference, or another attribute first
        letters, digits, attrs = cell.groups()
        f_attrs, v = m.groups()
        ref = None
        if f_attrs and b'"array"' in f_attrs and (r := _REF.search(f_attrs)):
            ref = r.group(1).decode("ascii", "replace")
        col = cols.get(letters)
        if col is None:
            col = cols[letters] = _col(letters)
        key = (attrs, v)
        result = results.get(key, results)
        if result is results:
            result = results[key] = _cached(attrs, v if v else None)
        out.append((int(digits) - 1, col, result, ref))


def _expat(book, member: str) -> list[tuple[int, int, object, str | None]]:
    from toolkit.io.xlsx.read_sheet import _SheetReader   # (read_sheet imports read_events, as this module does)

    ev = _CellEvents(_SheetReader(book, member))
    p = expat.ParserCreate()
    ev.attach(p)
    for piece in limits.xml_pieces(book.zf, member):
        p.Parse(piece, False)
        ev.found.clear()
    p.Parse(b"", True)
    return ev.formulas
