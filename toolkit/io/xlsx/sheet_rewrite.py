"""A worksheet part rewritten with a plan (sheet_pieces): the quick ways first — blocks appended right of a sheet's
cells (SheetRewriter.append_only), a re-run's blocks put in place of the earlier ones (replace_blocks) — else the
row-by-row SheetRewriter.rewrite.

replace_blocks: a re-run's ledger sheet rewritten ~1 MB of rows at a time rather than row by row: the toolkit's
columns of the earlier run stand at the end of each row; they are cut off and the new blocks put in their place.

What SheetRewriter.rewrite writes for such a plan (one clear of the blocks' columns from the header row down,
blocks, the header's set_cells), byte for byte: rows with a block and no edit go the quick way, as rewrite()'s own
shortcut takes them; every other row (the header, untouched rows, rows below the header without a block) is
handed to rewrite() itself, a few rows at a time. None (rewrite() does the whole sheet) unless every row is
<row r="N"…>…</row> in increasing order, every row to write is in the sheet, and once the earlier toolkit cells
(plain values or inline strings, numbered as their row) are cut off no cell stands at or right of the cleared
columns.

BlockReplacer: replace_blocks for a sheet streamed a piece of rows at a time (sheet_stream), the same bytes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import repeat
from operator import add

from toolkit.io.xlsx import row_rewriter
from toolkit.io.xlsx.ooxml import COL_LETTERS
from toolkit.io.xlsx.row_rewriter import (_COL_INDEX_B, _ROW_END_B, _ROW_WITH_END_B, SheetPlan, SheetRewriter,
                                          _col_at, _column_letters_before, sheet_head, split_sheet)
from toolkit.io.xlsx.styles import Styles

_ROW_SPANS = re.compile(rb'(<row r="\d+"[^>]*?) spans="[^"]*"')
# _ROW_WITH_END_B's rows, numbers as %d writes them; b"" for any other <row (replace_blocks gives None for those)
_ANY_ROW = re.compile(rb'<row(?: r="([1-9]\d*)"[^>]*(?<!/)>)?')


def replace_blocks(rw: SheetRewriter, body: bytes, piece: int):
    """The pieces of the new sheetData (a generator; rw's bounds are set before it is returned), or None."""
    plan = rw.plan
    tails, edits = plan.tails, plan.edits
    if plan.ops or len(plan.clears) != 1 or not hasattr(tails, "slots") or not tails:
        return None
    c1, c2, r0 = plan.clears[0]
    if tails.first_column() < c1:
        return None
    found = _ROW_WITH_END_B.findall(body)
    if body.count(b"<row") != len(found):   # an empty <row/>, or a row not written <row r="N"
        return None
    rows = list(map(int, found))
    if not all(map(int.__lt__, rows, rows[1:])) or not set(tails).union(edits) <= set(rows):
        return None
    closes = [m.start() for m in _ROW_END_B.finditer(body)]
    if len(closes) != len(rows):
        return None
    left = _cell_other_than(1, c1 - 1)     # what is kept: cells left of the cleared columns only
    outside = _cell_other_than(c1, c2)   # what is cut off: cells of the cleared columns only
    starts = [b'<c r="' + COL_LETTERS[c].encode() for c in range(c1, c2 + 1)]
    have = tails._at
    quick = [r in have and r not in edits for r in rows]
    used = plan.tail_columns
    tmin, tmax = min(used, default=0), max(used, default=0)
    chunks = []   # (first row index, end row index, cuts of the quick rows, XML of the others by index)
    pos = i = 0
    while i < len(rows):
        j = min(bisect_left(closes, pos + piece, i), len(rows) - 1) + 1
        chunk = body[pos:closes[j - 1]]
        cuts, kept, earlier = [], [], []
        start = 0
        for k in range(i, j):
            close = closes[k] - pos
            if quick[k]:
                cut = close
                if rows[k] >= r0:   # where the row's first toolkit cell is (as SheetRewriter._cut finds it)
                    number = b'%d"' % rows[k]
                    for at in starts:
                        p = chunk.find(at + number, start, close)
                        if p >= 0:
                            cut = p
                            break
                cuts.append(cut - start)
                kept.append(chunk[start:cut])
                earlier.append(chunk[cut:close])
            start = close + 6
        text, cut_off = b"".join(kept), b"".join(earlier)
        if left.search(text) or outside.search(cut_off) or b"<f" in cut_off or \
                text.count(b"spans") != len(_ROW_SPANS.findall(text)):
            return None
        segs = chunk.split(b"</row>")
        others = _others(rw, [(k, rows[k], seg) for k, seg in zip(range(i, j), segs) if not quick[k]])
        xml_rows = [r for r, q in zip(rows[i:j], quick[i:j]) if q]
        if xml_rows and not _bounds(rw, xml_rows, kept, tails.has_cells(xml_rows), tmin, tmax):
            return None
        chunks.append((i, j, cuts, others))
        pos, i = closes[j - 1] + 6, j
    return _pieces(body, rows, closes, quick, chunks, tails)


def _cell_other_than(first: int, last: int) -> re.Pattern:
    """Any "<c" that does not start a cell written <c r="X…"> with X one of columns first..last."""
    if first == 1:
        letters = _column_letters_before(last + 1)
    else:
        letters = b"|".join(COL_LETTERS[c].encode() for c in range(first, last + 1))
    return re.compile(rb'<c(?! r="(?:' + letters + rb')\d)')


def _bounds(rw: SheetRewriter, rows: list[int], kept: list[bytes], filled: list[bool], tmin: int, tmax: int) -> bool:
    """rw's bounds widened as rewrite()'s shortcut widens them for these rows (their cells left of the blocks in
    `kept`, whether their block has a cell in `filled`); False if a cell's column cannot be read."""
    firsts = list(map(bytes.find, kept, repeat(b'<c r="')))
    if -1 in firsts:
        heads = {seg[p + 6:p + 9] for seg, p in zip(kept, firsts) if p >= 0}
    else:   # every row has a cell: the three bytes after each first '<c r="', taken without a loop in Python
        heads = set(map(bytes.__getitem__, kept, map(slice, map(add, firsts, repeat(6)), map(add, firsts, repeat(9)))))
    columns = [_COL_INDEX_B.get(x, 0) for x in {h.rstrip(b'0123456789"') for h in heads}]
    if 0 in columns:
        return False
    lo = min(columns, default=0)
    every = all(filled)
    spans = [(tmin if not lo else min(lo, tmin), tmax)] if every or any(filled) else []
    if not every:
        for r, seg, p, has_xml in zip(rows, kept, firsts, filled):
            if not has_xml and p >= 0:
                spans.append((_col_at(seg, p + 6), _col_at(seg, seg.rfind(b'<c r="') + 6)))
    if spans:
        with_cells = rows if every else [r for r, p, has_xml in zip(rows, firsts, filled) if has_xml or p >= 0]
        left, right = min(a for a, _ in spans), max(b for _, b in spans)
        rw._bounds(with_cells[0], left, right)
        rw._bounds(with_cells[-1], left, right)
    return True


def _others(rw: SheetRewriter, rows) -> dict:
    """Rows not taken the quick way, each written by rewrite() itself: rows are (key, row number, its text up to its
    </row>); key -> XML."""
    plan = rw.plan
    out = {}
    for k, r, seg in rows:
        sub = SheetPlan({r: plan.edits[r]} if r in plan.edits else {}, plan.clears, {}, {},
                        {r: plan.tails[r]} if r in plan.tails else {}, plan.tail_columns)
        one = SheetRewriter(sub, rw.styles, rw.where)
        one._s_attr = rw._s_attr
        out[k] = b"".join(one.rewrite(seg + b"</row>"))
        if one.maxr:
            rw._bounds(one.minr, one.minc, one.minc)
            rw._bounds(one.maxr, one.maxc, one.maxc)
    return out


def _pieces(body: bytes, rows, closes, quick, chunks, tails):
    pos = 0
    for i, j, cuts, others in chunks:
        segs = body[pos:closes[j - 1]].split(b"</row>")
        kept = [seg[:cut] for seg, cut in zip((s for s, q in zip(segs, quick[i:j]) if q), cuts)]
        if kept:
            kept = _ROW_SPANS.sub(rb"\1", b"</row>".join(kept)).split(b"</row>")
        slots = tails.slots([r for r, q in zip(rows[i:j], quick[i:j]) if q]) if kept else []
        m = len(slots) + 2
        out = [b"</row>"] * ((j - i) * m)
        quick_at = [k - i for k in range(i, j) if quick[k]]
        for n, slot in enumerate([kept, *slots]):
            if len(quick_at) == j - i:
                out[n::m] = slot
            else:
                for at, x in zip(quick_at, slot):
                    out[at * m + n] = x
        for k, xml in others.items():
            at = (k - i) * m
            out[at:at + m] = [xml] + [b""] * (m - 1)
        yield b"".join(out)
        pos = closes[j - 1] + 6
    yield memoryview(body)[pos:]


def replaceable(plan: SheetPlan) -> bool:
    """Whether a plan is a re-run's as replace_blocks takes it (one clear, blocks in or right of its columns)."""
    tails = plan.tails
    return bool(not plan.ops and len(plan.clears) == 1 and hasattr(tails, "slots") and tails
                and tails.first_column() >= plan.clears[0][0])


class BlockReplacer:
    """replace_blocks a piece of whole rows at a time, for a sheet streamed in such pieces (sheet_stream): piece()
    gives the XML replace_blocks writes for those rows, or None where replace_blocks would give None for the sheet
    (rows out of order, a cell it cannot place, ...); complete() at the end says whether every row to write was met.
    The bounds are set on rw as the rows go by (rw.dimension() is known after the last piece)."""

    def __init__(self, rw: SheetRewriter):
        plan = rw.plan
        self.rw, self.tails, self.edits = rw, plan.tails, plan.edits
        c1, c2, self.r0 = plan.clears[0]
        self.left, self.outside = _cell_other_than(1, c1 - 1), _cell_other_than(c1, c2)
        self.starts = [b'<c r="' + COL_LETTERS[c].encode() for c in range(c1, c2 + 1)]
        self.first = self.starts[0] + b'%s"'
        used = plan.tail_columns
        self.tmin, self.tmax = min(used, default=0), max(used, default=0)
        self.last = 0      # the last row met
        self.met = 0       # rows met that have a block or an edit
        self.wanted = len(self.tails) + sum(r not in self.tails for r in self.edits)

    def complete(self) -> bool:
        return self.met == self.wanted

    def piece(self, body: bytes) -> bytes | None:
        tails, edits = self.tails, self.edits
        found = _ANY_ROW.findall(body)   # b"" for a <row that is not <row r="N"…> with a </row>
        if b"" in found:
            return None
        rows = list(map(int, found))
        n = len(rows)
        if n and (rows[0] <= self.last or not all(map(int.__lt__, rows, rows[1:]))):
            return None
        segs = body.split(b"</row>")
        if len(segs) != n + 1:
            return None
        if not n:
            return body
        self.last = rows[-1]
        ks = list(map(tails._at.get, rows))
        edited = set() if edits.keys().isdisjoint(rows) else {j for j, r in enumerate(rows) if r in edits}
        self.met += n - ks.count(None) + sum(ks[j] is None for j in edited)
        if edited or None in ks:
            quick_at = [j for j, k in enumerate(ks) if k is not None and j not in edited]
            qrows, qsegs = [rows[j] for j in quick_at], [segs[j] for j in quick_at]
        else:
            quick_at, qrows, qsegs = None, rows, segs[:n]
        others = _others(self.rw, [(j, rows[j], segs[j]) for j in range(n) if j in edited or ks[j] is None]) \
            if quick_at is not None else {}
        kept = qsegs
        if qrows:
            numbers = found if quick_at is None else [found[j] for j in quick_at]
            kept = self._kept(qrows, qsegs, numbers)
            if kept is None:
                return None
        slots = tails.slots(qrows, numbers) if qrows else []
        m = len(slots) + 2   # per row: its kept text, the blocks' slots, its </row>
        out = [b"</row>"] * (n * m)
        for i, slot in enumerate([kept, *slots]):
            if quick_at is None:
                out[i::m] = slot
            else:
                for at, x in zip(quick_at, slot):
                    out[at * m + i] = x
        for j, xml in others.items():
            out[j * m:j * m + m] = [xml] + [b""] * (m - 1)
        out.append(segs[n])
        return b"".join(out)

    def _kept(self, rows: list[int], segs: list[bytes], numbers: list[bytes]) -> list[bytes] | None:
        """Each quick row's text up to its first toolkit cell (as replace_blocks cuts it; spans hints dropped), rw's
        bounds widened for them; None where replace_blocks gives None. numbers: the rows' numbers as written."""
        # the first column's cell is looked for from the row's end (where the toolkit's cells are): if a row had it
        # twice (a broken sheet), the cut falls after the first and the check of what is kept says None
        cuts = list(map(bytes.rfind, segs, map(self.first.__mod__, numbers)))
        if rows[0] < self.r0 or -1 in cuts:
            for k, (r, seg) in enumerate(zip(rows, segs)):
                if r < self.r0:
                    cuts[k] = len(seg)
                elif cuts[k] < 0:
                    number = b'%d"' % r
                    cuts[k] = next((p for at in self.starts[1:] if (p := seg.find(at + number)) >= 0), len(seg))
        kept = list(map(bytes.__getitem__, segs, map(slice, cuts)))
        text = b"</row>".join(kept)
        cut_off = b"".join(map(bytes.__getitem__, segs, map(slice, cuts, repeat(None))))
        if self.left.search(text) or self.outside.search(cut_off) or b"<f" in cut_off:
            return None
        spans = b"spans" in text
        if spans and text.count(b"spans") != len(_ROW_SPANS.findall(text)):
            return None
        if not _bounds(self.rw, rows, kept, self.tails.has_cells(rows), self.tmin, self.tmax):
            return None
        return _ROW_SPANS.sub(rb"\1", text).split(b"</row>") if spans else kept


def rewrite_sheet(pkg, part: str, plan: SheetPlan, styles: Styles, where: dict) -> None:
    """Apply `plan` to a worksheet part held whole in memory and write it back as a list of pieces (see
    sheet_stream for the way that does not hold it)."""
    pkg.write(part, sheet_pieces(pkg, part, plan, styles, where))


def sheet_pieces(pkg, part: str, plan: SheetPlan, styles: Styles, where: dict, xml: bytes | None = None) -> list:
    """The pieces of a worksheet part (or of its XML `xml`) with `plan` applied, for the zip writer."""
    head, open_tag, body, tail = split_sheet(pkg, part, where, xml)
    rw = SheetRewriter(plan, styles, where)
    pieces = [body]
    dimension = None
    if plan.edits or plan.clears or plan.ops or plan.tails:
        pieces = rw.append_only(body)
        if pieces is None:
            rw = SheetRewriter(plan, styles, where)
            pieces = replace_blocks(rw, body, row_rewriter.PIECE)
        if pieces is None:
            rw = SheetRewriter(plan, styles, where)
            pieces = rw.rewrite(body)
        else:
            pieces = [pieces]   # an iterator, written while it is produced
        dimension = rw.dimension()
    head = sheet_head(head, dimension, plan.widths)
    del body
    return [head.encode("utf-8"), open_tag, *pieces, b"</sheetData>", tail]
