"""A big worksheet patched without holding its XML: saving inflates the part piece by piece, puts the new cells
into each row as the XML flows and hands the pieces to the zip writer, which deflates them as they come.

Only for the common big case, SheetRewriter.append_only's: blocks appended right of every cell, on rows the sheet
has, rows and cells written <row r="…"> / <c r="…">. The head (with the <dimension>) goes out before any row is
read, so it is written with the bounds the sheet's own <dimension> claims; what the rows turn out to need is
checked as they flow. If the claim was wrong the zip writer undoes the member and it is streamed again with the
bounds now known; if the sheet is not that case after all, it is rewritten whole (sheet_rewrite.sheet_pieces).
Every way gives the zip writer the same pieces, so the member is byte for byte what sheet_pieces writes.

A re-run's plan (one clear of the blocks' columns, as sheet_rewrite.replace_blocks takes it) is streamed the same
way, each piece of rows through a sheet_rewrite.BlockReplacer; where replace_blocks would give up, the whole way.
The part is inflated on a thread of its own (zip_write.inflated: ISA-L where installed), a couple of blocks ahead.
"""

from __future__ import annotations

import queue
import re
import threading

from toolkit.base.errors import InputError
from toolkit.io.xlsx.ooxml import COL_LETTERS, column_index
from toolkit.io.xlsx.row_rewriter import (_ROW_WITH_END_B, _SPANS_DROP_B, SheetPlan, SheetRewriter, _col_at,
                                          _column_letters_before, sheet_head)
from toolkit.io.xlsx.sheet_rewrite import BlockReplacer, replaceable, sheet_pieces
from toolkit.io.xlsx.styles import Styles
from toolkit.io.xlsx.tails import blocks_into_rows
from toolkit.io.xlsx.zip_write import Redo, inflated

READ_SIZE = 1 << 20   # inflated bytes asked of the member at a time; body pieces end after a </row>
_SHEETDATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_SHEETDATA_END = b"</sheetData>"
_PLAIN_SPANS = re.compile(rb' spans="[^"<>]*"')
_DIMENSION = re.compile(r'<dimension\b[^>]*?\bref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_COLUMN_CELL: dict[int, re.Pattern] = {}



def _claimed_bounds(head: str):
    """(first row, last row, first column) as the sheet's <dimension> claims them, or None."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    r1, c1 = int(m.group(2)), column_index(m.group(1))
    return (r1, int(m.group(4) or r1), c1)

class NotStreamable(Exception):
    """The sheet is not one the streamed rewrite handles; it is rewritten whole instead."""


class SheetParts:
    """A worksheet part inflated piece by piece: head (text before <sheetData), its open tag, the body in pieces
    of whole rows (spans hints dropped as row_rewriter drops them), the tail after </sheetData>."""

    def __init__(self, pkg, part: str, where: dict, raw: bool = False):
        self.pkg, self.part, self.where = pkg, part, where
        self.raw = raw   # pieces as they stand (spans hints kept)
        self.head: str | None = None
        self.open_tag = self.tail = b""

    def _inflated(self):
        """The part inflated READ_SIZE bytes at a time, on a thread of its own a couple of blocks ahead (zlib lets go
        of the GIL while it inflates, so this overlaps with the work on the rows)."""
        ready: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()

        def hand(item) -> None:
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.05)
                    return
                except queue.Full:
                    continue

        def inflate() -> None:
            try:
                for block in inflated(self.pkg.zf, self.pkg.infos[self.part], READ_SIZE):
                    if stop.is_set():
                        return
                    hand(block)
                hand(b"")
            except BaseException as e:   # handed to the reader, raised there
                hand(e)

        worker = threading.Thread(target=inflate, name="inflate", daemon=True)
        worker.start()
        try:
            while True:
                block = ready.get()
                if isinstance(block, BaseException):
                    raise block
                if not block:
                    return
                yield block
        finally:   # also when the reader stops early: the worker ends before the zip file is used again
            stop.set()
            worker.join()

    def body(self):
        """The body pieces (bytes); head and open_tag are set before the first, tail after the last."""
        blocks = self._inflated()
        try:
            yield from self._body(blocks)
        finally:
            blocks.close()

    def _body(self, blocks):
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
        if self.raw:
            return piece
        n = piece.count(b"spans")
        if not n:
            return piece
        if len(_PLAIN_SPANS.findall(piece)) != n:   # a "spans" that is not a plain row hint: the whole-body way
            raise NotStreamable("spans")
        return _SPANS_DROP_B.sub(b"", piece)


def _column_cell(col: int) -> re.Pattern:
    p = _COLUMN_CELL.get(col)
    if p is None:
        p = _COLUMN_CELL[col] = re.compile(b'<c r="' + COL_LETTERS[col].encode() + rb"\d")
    return p


def _not_left_of(col: int) -> re.Pattern:
    """Any "<c" that does not start a cell written <c r="X…"> with X left of column `col`: stricter than
    row_rewriter.cell_not_left_of (which lets "<c" followed by neither " " nor ">" by) and a little quicker; a sheet
    it finds something in goes the whole way, which writes the same bytes."""
    return re.compile(rb'<c(?! r="(?:' + _column_letters_before(col) + rb')\d)')


def streams(plan: SheetPlan) -> bool:
    """Whether a plan is one StreamedSheet writes (as append_only or, on a re-run, replace_blocks would take it)."""
    if plan.clears:
        return replaceable(plan)
    return bool(not plan.ops and not plan.clears and plan.tails and _filled_bounds(plan.tails)
                and not any(None in e.values() for e in plan.edits.values()))


def _filled_bounds(tails) -> tuple[int, int] | None:
    """The first and last row whose block has a cell."""
    if hasattr(tails, "filled_bounds"):
        return tails.filled_bounds()
    filled = [r for r, t in tails.items() if t[2]]
    return (min(filled), max(filled)) if filled else None


class StreamedSheet:
    """A worksheet part with a plan applied, written by the zip writer from attempts() (see the module)."""

    def __init__(self, pkg, part: str, plan: SheetPlan, styles: Styles, where: dict):
        self.pkg, self.part, self.plan, self.styles, self.where = pkg, part, plan, styles, where
        self.whole = False      # not the streamed case after all
        self.bounds = None      # (first row, last row, leftmost column) of the sheet's cells (None: it has none)
        self.known = False      # whether bounds are known (else the sheet's <dimension> claim is tried)
        self.dimension = None  # a re-run's dimension, once known
        self._open = None      # the body pieces of the try under way (SheetParts.body)

    def attempts(self):
        pieces = self._replaced if self.plan.clears else self._pieces
        yield self._closing(pieces())
        if not self.whole:
            yield self._closing(pieces())   # the bounds are known now
        yield sheet_pieces(self.pkg, self.part, self.plan, self.styles, self.where,
                           self.pkg.zf.read(self.pkg.infos[self.part]))

    def _closing(self, pieces):
        """The pieces of a try; the part's reading (and its inflating thread) ended when the try ends, however."""
        try:
            yield from pieces
        finally:
            pieces.close()
            if self._open is not None:
                self._open.close()
                self._open = None

    def _dimension(self, bounds, first_col: int) -> str:
        """The dimension append_only gives, from the bounds of the sheet's own cells."""
        plan = self.plan
        rw = SheetRewriter(plan, self.styles, self.where)
        if bounds is not None:
            first_row, last_row, left = bounds
            left = left if left < first_col else 1
            rw._bounds(first_row, left, left)
            rw._bounds(last_row, left, left)
        filled = _filled_bounds(plan.tails)
        used = plan.tail_columns
        if filled:
            rw._bounds(filled[0], min(used), max(used))
            rw._bounds(filled[1], min(used), max(used))
        for r, row_edits in plan.edits.items():
            rw._bounds(r, min(row_edits), max(row_edits))
        return rw.dimension()

    def _redo(self, whole: bool = True):
        self.whole = whole
        return Redo()

    def _next_piece(self, body):
        """The next piece of the sheet's rows (None at the end); Redo when the sheet cannot be streamed."""
        try:
            return next(body, None)
        except NotStreamable:
            raise self._redo() from None

    def _pieces(self):
        plan = self.plan
        tails, edits = plan.tails, plan.edits
        first_col = tails.first_column() if hasattr(tails, "first_column") else min(t[0] for t in tails.values())
        parts = SheetParts(self.pkg, self.part, self.where)
        body = self._open = parts.body()
        piece = self._next_piece(body)
        bounds = self.bounds
        if not self.known:   # what the sheet claims; checked below
            bounds = _claimed_bounds(parts.head) or bounds
        dimension = self._dimension(bounds, first_col)
        rw = SheetRewriter(plan, self.styles, self.where)
        yield sheet_head(parts.head, dimension, plan.widths).encode("utf-8")
        yield parts.open_tag
        beyond = _not_left_of(first_col)
        seen = set()
        first_row = last_row = None
        left = 16385
        while piece is not None:
            found = _ROW_WITH_END_B.findall(piece)
            segs = piece.split(b"</row>")
            if len(found) != len(segs) - 1 or beyond.search(piece):
                raise self._redo()
            first = piece.find(b'<c r="')
            if first >= 0:   # the rows of the first and last cells, the leftmost column (as append_only finds them)
                last = piece.rfind(b'<c r="')
                at_first, at_last = piece.rfind(b'<row r="', 0, first), piece.rfind(b'<row r="', 0, last)
                if at_first < 0:
                    raise self._redo()
                if first_row is None:
                    first_row = int(piece[at_first + 8:piece.find(b'"', at_first + 8)])
                last_row = int(piece[at_last + 8:piece.find(b'"', at_last + 8)])
                cand = _col_at(piece, first + 6) if len(piece) > first + 9 else 0
                for col in range(1, min(left, cand + 1 if cand else 16385)):
                    if _column_cell(col).search(piece):
                        left = col
                        break
            out, hit = blocks_into_rows(piece, list(map(int, found)), tails, edits, rw.edited_row, segs)
            seen |= hit
            piece = segs = found = None   # not held while the zip writer takes `out` and the next piece is read
            yield out
            out = None
            piece = self._next_piece(body)
        if len(seen) != len(set(tails).union(edits)):   # a row to add: the general way
            raise self._redo()
        self.bounds = (first_row, last_row, left) if first_row is not None else None
        self.known = True
        if self._dimension(self.bounds, first_col) != dimension:
            raise self._redo(whole=False)
        yield _SHEETDATA_END
        yield parts.tail


    def _replaced(self):
        """A re-run's sheet: each piece of rows through a BlockReplacer (what replace_blocks writes for the sheet)."""
        plan = self.plan
        parts = SheetParts(self.pkg, self.part, self.where, raw=True)
        body = self._open = parts.body()
        piece = self._next_piece(body)
        dimension = self.dimension
        if dimension is None:   # what the sheet's <dimension> claims, with the plan's cells; checked below
            dimension = self._dimension(_claimed_bounds(parts.head), plan.tails.first_column())
        rw = SheetRewriter(plan, self.styles, self.where)
        replacer = BlockReplacer(rw)
        yield sheet_head(parts.head, dimension, plan.widths).encode("utf-8")
        yield parts.open_tag
        while piece is not None:
            out = replacer.piece(piece)
            piece = None
            if out is None:
                raise self._redo()
            yield out
            out = None
            piece = self._next_piece(body)
        if not replacer.complete():   # a row to add: the general way
            raise self._redo()
        if rw.dimension() != dimension:
            self.dimension = rw.dimension()
            raise self._redo(whole=False)
        yield _SHEETDATA_END
        yield parts.tail
