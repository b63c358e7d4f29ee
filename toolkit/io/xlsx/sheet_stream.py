"""A big worksheet patched without holding its XML: a scan before the job runs keeps a few numbers and the row
numbers; saving inflates the part again piece by piece, puts the new cells into each row as the XML flows and
hands the pieces to the zip writer, which deflates them as they come.

Used for the common big case (SheetRewriter.append_only: blocks appended right of every cell, on rows the sheet
has); anything else is rewritten whole by row_rewriter.rewrite_sheet. Both write the same bytes: the pieces given
to the zip writer are the same, so the deflated member is too.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field

from toolkit.base.errors import InputError
from toolkit.io.xlsx.ooxml import COL_LETTERS, column_index
from toolkit.io.xlsx.row_rewriter import (_ROW_ATTR_DROP, _ROW_END_B, _ROW_WITH_END_B, _SPANS_DROP_B, COLUMN_NAMES,
                                          SheetPlan, SheetRewriter, _col_at, cell_not_left_of, sheet_head)
from toolkit.io.xlsx.styles import Styles

READ_SIZE = 4 << 20   # inflated bytes asked of the member at a time; body pieces end after a </row>
_SHEETDATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_SHEETDATA_END = b"</sheetData>"
_PLAIN_SPANS = re.compile(rb' spans="[^"<>]*"')
_DIMENSION_RIGHT = re.compile(r'<dimension\b[^>]*?\bref="[A-Z]*\d*:?\$?([A-Z]+)\$?\d+"')
_COLUMN_CELL: dict[int, re.Pattern] = {}


class NotStreamable(Exception):
    """The sheet is not one the streamed rewrite handles; it is rewritten whole instead."""


@dataclass
class SheetScan:
    """What saving needs to know of a worksheet before its rows flow: found in one pass, the XML not kept."""

    right: int | None = None            # the dimension's last column, checked: no cell right of it (None: unknown)
    rnums: array = field(default_factory=lambda: array("q"))   # numbers of the rows with a </row>, in order
    counts: list[int] = field(default_factory=list)            # how many of them in each body piece
    min_col: int = 16385                # leftmost column of a cell written <c r="…"> (16385: none)
    first_row: int | None = None        # rows of the first and the last such cell
    last_row: int | None = None
    streamable: bool = True             # False: something the streamed rewrite does not reproduce; rewritten whole


class SheetParts:
    """A worksheet part inflated piece by piece: head (text before <sheetData), its open tag, the body in pieces
    of whole rows (spans hints dropped as rewrite_sheet drops them), the tail after </sheetData>."""

    def __init__(self, pkg, part: str, where: dict):
        self.pkg, self.part, self.where = pkg, part, where
        self.head: str | None = None
        self.open_tag = self.tail = b""
        self.spans = False      # some body piece had spans hints (dropped)

    def _inflated(self):
        with self.pkg.zf.open(self.pkg.infos[self.part]) as f:
            while True:
                block = f.read(READ_SIZE)
                if not block:
                    return
                yield block

    def body(self):
        """The body pieces (bytes); head and open_tag are set before the first, tail after the last."""
        blocks = self._inflated()
        buf = b""
        m = None
        for block in blocks:
            buf += block
            m = _SHEETDATA.search(buf)
            if m and len(buf) >= 4000:
                break
        else:
            m = _SHEETDATA.search(buf)
        if not re.search(rb"<worksheet[\s>]", buf[:4000]):
            raise InputError("工作表 XML 使用了带前缀的命名空间，本工具暂不能修改，请在 Excel 中另存后再试", **self.where)
        if not m:
            raise InputError("工作表缺少 sheetData 部分", **self.where)
        self.head = buf[:m.start()].decode("utf-8")
        if m.group(1):
            self.open_tag = b"<sheetData>"
            self.tail = b"".join([buf[m.end():], *blocks])
            return
        self.open_tag = m.group(0)
        rest = buf[m.end():]
        del buf
        while True:
            end = rest.find(_SHEETDATA_END)
            if end >= 0:
                if end:
                    yield self._piece(rest[:end])
                self.tail = b"".join([rest[end + len(_SHEETDATA_END):], *blocks])
                return
            cut = rest.rfind(b"</row>") + 6
            if cut > 6:
                yield self._piece(rest[:cut])
                rest = rest[cut:]
            block = next(blocks, None)
            if block is None:
                raise NotStreamable("no </sheetData>")
            rest += block

    def _piece(self, piece: bytes) -> bytes:
        n = piece.count(b"spans")
        if not n:
            return piece
        if len(_PLAIN_SPANS.findall(piece)) != n:   # a "spans" that is not a plain row hint: the whole-body way
            raise NotStreamable("spans")
        self.spans = True
        return _SPANS_DROP_B.sub(b"", piece)


def _column_cell(col: int) -> re.Pattern:
    p = _COLUMN_CELL.get(col)
    if p is None:
        p = _COLUMN_CELL[col] = re.compile(b'<c r="' + COL_LETTERS[col].encode() + rb"\d")
    return p


def scan_sheet(pkg, part: str, where: dict) -> SheetScan:
    """One pass over a worksheet part (inflated piece by piece, nothing kept but numbers)."""
    scan = SheetScan()
    parts = SheetParts(pkg, part, where)
    rnums, counts = scan.rnums, scan.counts
    right_seen = False
    not_right = None
    try:
        for piece in parts.body():
            if not right_seen:
                right_seen = True
                m = _DIMENSION_RIGHT.search(parts.head)
                right = column_index(m.group(1)) if m and m.group(1) in COLUMN_NAMES else None
                scan.right = None if right is not None and right >= 16384 else right
                not_right = cell_not_left_of(scan.right + 1) if scan.right is not None else None
            if not_right is not None and not_right.search(piece):
                scan.right = not_right = None
            found = _ROW_WITH_END_B.findall(piece)
            if len(found) != piece.count(b"</row>"):
                raise NotStreamable("rows")
            rnums.extend(map(int, found))
            counts.append(len(found))
            first = piece.find(b'<c r="')
            if first < 0:
                continue
            last = piece.rfind(b'<c r="')
            at_first, at_last = piece.rfind(b'<row r="', 0, first), piece.rfind(b'<row r="', 0, last)
            if at_first < 0:   # that row is not written <row r="…">: append_only would not take this sheet
                raise NotStreamable("row")
            if scan.first_row is None:
                scan.first_row = int(piece[at_first + 8:piece.find(b'"', at_first + 8)])
            scan.last_row = int(piece[at_last + 8:piece.find(b'"', at_last + 8)])
            cand = _col_at(piece, first + 6) if len(piece) > first + 9 else 0
            for col in range(1, min(scan.min_col, cand + 1 if cand else 16385)):
                if _column_cell(col).search(piece):
                    scan.min_col = col
                    break
    except NotStreamable:
        scan.streamable = False
    return scan


def rewrite_streamed(pkg, part: str, plan: SheetPlan, styles: Styles, where: dict, scan: SheetScan) -> bool:
    """Write the sheet the way SheetRewriter.append_only does, streamed; False if this plan or sheet is not that
    case (then nothing was written)."""
    tails, edits = plan.tails, plan.edits
    if not scan.streamable or plan.ops or plan.clears or not tails \
            or any(None in e.values() for e in edits.values()):
        return False
    first_col = min(t[0] for t in tails.values())
    filled = [r for r, t in tails.items() if t[2]]
    if not filled:
        return False
    if not _all_in(set(tails).union(edits), scan.rnums):   # a row to add: the general way
        return False
    if scan.right is None or scan.right >= first_col:   # the dimension did not settle it: one more pass
        try:
            beyond = cell_not_left_of(first_col)
            if any(beyond.search(piece) for piece in SheetParts(pkg, part, where).body()):
                return False
        except NotStreamable:
            return False
    rw = SheetRewriter(plan, styles, where)
    if scan.first_row is not None:   # bounds as append_only finds them
        left = scan.min_col if scan.min_col < first_col else 1
        rw._bounds(scan.first_row, left, left)
        rw._bounds(scan.last_row, left, left)
    used = plan.tail_columns
    rw._bounds(min(filled), min(used), max(used))
    rw._bounds(max(filled), min(used), max(used))
    for r, row_edits in edits.items():
        rw._bounds(r, min(row_edits), max(row_edits))
    pkg.write(part, [_pieces(SheetParts(pkg, part, where), rw, scan)])
    return True


def _all_in(rows: set[int], rnums: array) -> bool:
    """Whether every row of `rows` (1..1048576) is among `rnums`."""
    seen = bytearray(1048577)
    for r in rnums:
        if r <= 1048576:
            seen[r] = 1
    return all(seen[r] for r in rows)


def _pieces(parts: SheetParts, rw: SheetRewriter, scan: SheetScan):
    """The sheet's pieces, as rewrite_sheet gives them for append_only (the same boundaries: the same zip bytes)."""
    tails, edits = rw.plan.tails, rw.plan.edits
    rnums, counts = scan.rnums, scan.counts
    body = _checked(parts.body(), rw.where)
    first = next(body, None)
    yield sheet_head(parts.head, rw.dimension(), rw.plan.widths).encode("utf-8")
    yield parts.open_tag
    carry: list = []   # the start of the piece being gathered, from earlier body pieces
    k = i = 0
    piece = first
    while piece is not None:
        if i >= len(counts) or _count_ends(piece) != counts[i]:
            raise InputError("工作簿在处理期间被改动，请重新运行", **rw.where)
        view = memoryview(piece)
        pos = 0
        closes = [m.start() for m in _ROW_END_B.finditer(piece)]
        for rnum, close in zip(rnums[k:k + counts[i]], closes):
            tail = tails.get(rnum)
            if rnum in edits:
                start = piece.rfind(b"<row", pos, close)
                gt = piece.find(b">", start)
                yield _joined(carry, view[pos:start])
                attrs = f' r="{rnum}"' + _ROW_ATTR_DROP.sub("", piece[start + 4:gt].decode("utf-8")).rstrip()
                inner = rw._rewrite_row(rnum, piece[gt + 1:close].decode("utf-8"), edits[rnum], None, None, tail)
                yield f"<row{attrs}>{inner}".encode("utf-8")
            elif tail is not None:
                yield _joined(carry, view[pos:close])
                yield tail[2]
            else:
                continue
            pos = close   # "</row>" goes out with the next piece
        carry.append(bytes(view[pos:]) if pos else piece)
        k += counts[i]
        i += 1
        piece = next(body, None)
    if i != len(counts):
        raise InputError("工作簿在处理期间被改动，请重新运行", **rw.where)
    yield b"".join(carry) if len(carry) != 1 else carry[0]
    yield _SHEETDATA_END
    yield parts.tail


def _checked(pieces, where: dict):
    try:
        yield from pieces
    except NotStreamable:   # it was streamable when scanned
        raise InputError("工作簿在处理期间被改动，请重新运行", **where) from None


def _count_ends(piece: bytes) -> int:
    return piece.count(b"</row>")


def _joined(carry: list, view: memoryview):
    if not carry:
        return view
    carry.append(view)
    out = b"".join(carry)
    carry.clear()
    return out
