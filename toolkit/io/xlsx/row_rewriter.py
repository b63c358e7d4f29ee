"""The row rewriter: a worksheet's sheetData streamed as bytes with a plan of edits applied; rows without edits are
copied as they are, and blocks appended right of a sheet's cells go in without parsing its rows."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field

from toolkit.base.errors import InputError
from toolkit.io.xlsx.cells import cell_xml
from toolkit.io.xlsx.ooxml import (COL_LETTERS, attr_value, cell_ref, column_index, insert_before_first,
                                   parse_attrs)
from toolkit.io.xlsx.styles import Styles
from toolkit.io.xlsx.tails import blocks_into_rows

PIECE = 1 << 20   # bytes of rows a block-appending or -replacing pass works on at a time

# A cell during a row rewrite: [s (int|None), other attributes text (no r, no s), inner XML or None]
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_R = re.compile(r"""\br\s*=\s*["']\$?([A-Z]+)\$?(\d+)["']""")
_S_ATTR = re.compile(r"""\bs\s*=\s*["'](\d+)["']""")
_RS_ATTR = re.compile(r"""\s+[rs]\s*=\s*(?:"[^"]*"|'[^']*')""")
_SHARED_MASTER = re.compile(r"<f\b[^>]*\bt=\"(?:shared|array)\"[^>]*\bref=\"([^\"]+)\"|"
                            r"<f\b[^>]*\bref=\"([^\"]+)\"[^>]*\bt=\"(?:shared|array)\"")


@dataclass
class SheetPlan:
    # row -> col -> None (delete) or (t attribute, inner XML, style) where style is None (keep the cell's),
    # an xf index, or a date format code (keep the cell's style if it shows dates, else add that format)
    edits: dict[int, dict[int, object]] = field(default_factory=dict)
    clears: list[tuple[int, int, int]] = field(default_factory=list)     # (first_col, last_col, from_row)
    widths: dict[int, float] = field(default_factory=dict)
    ops: dict[int, dict[int, list]] = field(default_factory=dict)        # row -> col -> [callable(cell)->cell]
    # row -> (first_col, last_col, cell XML): a block written by set_columns; replaces what the row had there
    tails: dict[int, tuple[int, int, bytes]] = field(default_factory=dict)
    tail_columns: set[int] = field(default_factory=set)   # columns where some block has a cell

    def empty(self) -> bool:
        return not (self.edits or self.clears or self.widths or self.ops or self.tails)


_R_ATTR_B = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_CELL_R_B = re.compile(rb"""\br\s*=\s*["']\$?([A-Z]+)\$?\d+["']""")
_FIRST_CELL_B = re.compile(rb"""<c\b[^>]*?\br\s*=\s*["']([A-Z]+)\d+""")
_ROW_ATTR_DROP = re.compile(r"""\s+(?:spans|r)\s*=\s*(?:"[^"]*"|'[^']*')""")
_SPANS_DROP_B = re.compile(rb"""\s+spans\s*=\s*(?:"[^"]*"|'[^']*')""")
_ROW_WITH_END_B = re.compile(rb'<row r="(\d+)"[^>]*(?<!/)>')
_ROW_END_B = re.compile(rb"</row>")


def _column_letters_before(col: int) -> bytes:
    """A regex for the letters of every column left of `col`."""
    letters = COL_LETTERS[col]
    alternatives = [rb"[A-Z]" * n for n in range(1, len(letters))]   # shorter names are further left
    for i, ch in enumerate(letters):   # same length: equal up to i, then an earlier letter
        if ch > "A":
            alternatives.append(re.escape(letters[:i].encode()) + f"[A-{chr(ord(ch) - 1)}]".encode()
                                + rb"[A-Z]" * (len(letters) - i - 1))
    return b"|".join(alternatives) or b"(?!)"


def cell_not_left_of(col: int) -> re.Pattern:
    """A pattern finding any cell that is not written <c r="X…"> with X left of column `col` (one pass)."""
    return re.compile(rb'<c(?:>| (?!r="(?:' + _column_letters_before(col) + rb')\d))')


_COL_INDEX_B: dict[bytes, int] = dict(zip(map(str.encode, COL_LETTERS[1:16385]), range(1, 16385)))
_DIGITS = frozenset(range(48, 58))


def _col_at(body: bytes, p: int) -> int:
    """Column index of the letters at body[p:] (the reference of a cell, e.g. b'AB12'); 0 if none."""
    if body[p + 1] in _DIGITS:
        return _COL_INDEX_B.get(body[p:p + 1], 0)
    if body[p + 2] in _DIGITS:
        return _COL_INDEX_B.get(body[p:p + 2], 0)
    return _COL_INDEX_B.get(body[p:p + 3], 0)


@dataclass
class RowIndex:
    """Offsets of a sheetData body's rows: <row at starts, its '>' at gts, '</row>' at closes (-1: <row/>)."""

    body: bytes
    starts: array = field(default_factory=lambda: array("q"))
    gts: array = field(default_factory=lambda: array("q"))
    closes: array = field(default_factory=lambda: array("q"))
    rnums: array = field(default_factory=lambda: array("q"))
    has_r: bytearray = field(default_factory=bytearray)
    los: array = field(default_factory=lambda: array("q"))    # first and last column of the row's cells (0: none)
    his: array = field(default_factory=lambda: array("q"))


class SheetRewriter:
    """Streams a worksheet's sheetData (UTF-8 bytes), applying a plan; untouched rows are copied as bytes."""

    def __init__(self, plan: SheetPlan, styles: Styles, where: dict):
        self.plan, self.styles, self.where = plan, styles, where
        self.minr = self.minc = 10 ** 9
        self.maxr = self.maxc = 0
        self._s_attr: dict = {}

    def _bounds(self, row: int, c1: int, c2: int) -> None:
        if c1 < self.minc:
            self.minc = c1
        if c2 > self.maxc:
            self.maxc = c2
        if row < self.minr:
            self.minr = row
        if row > self.maxr:
            self.maxr = row

    def _new_cell(self, edit, old):
        t, inner, style_op = edit
        s = old[0] if old is not None else None
        if style_op is not None:
            s = self.styles.with_date_format(s, style_op) if style_op.__class__ is str else style_op
        return [s, t, inner]

    def _check_master(self, row, col, old) -> None:
        if old is not None and old[2] and "<f" in old[2]:
            m = _SHARED_MASTER.search(old[2])
            if m and (m.group(1) or m.group(2)) != cell_ref(row, col):
                raise InputError(f"单元格 {cell_ref(row, col)} 是共享公式或数组公式的首格，覆盖它会损坏其他公式，"
                                 "请先在 Excel 中处理该公式", row=row, column=cell_ref(row, col), **self.where)

    @staticmethod
    def _row_cells(inner: str | None) -> dict[int, list]:
        cells: dict[int, list] = {}
        prev = 0
        for cm in _CELL_RE.finditer(inner or ""):
            a = cm.group(1)
            rm = _CELL_R.search(a)
            col = column_index(rm.group(1)) if rm else prev + 1
            prev = col
            sm = _S_ATTR.search(a)
            cells[col] = [int(sm.group(1)) if sm else None, _RS_ATTR.sub("", a).rstrip(), cm.group(2)]
        return cells

    def _rewrite_row(self, rnum: int, inner: str | None, edits, ops, clears, tail=None) -> str:
        cells = self._row_cells(inner)
        for c1, c2, _ in clears or ():
            for col in [c for c in cells if c1 <= c <= c2 and not (edits and c in edits)]:
                self._check_master(rnum, col, cells[col])
                del cells[col]
        if edits:
            for col, edit in edits.items():
                old = cells.get(col)
                self._check_master(rnum, col, old)
                if edit is None:
                    cells.pop(col, None)
                else:
                    cells[col] = self._new_cell(edit, old)
        if ops:
            for col, fns in ops.items():
                cell = cells.get(col)
                for fn in fns:
                    cell = fn(cell)
                if cell is None:
                    cells.pop(col, None)
                else:
                    cells[col] = cell
        if tail:   # a set_columns block: replaces every cell the row had in its columns
            first, last, xml = tail
            for col in [c for c in cells if first <= c <= last]:
                self._check_master(rnum, col, cells[col])
                del cells[col]
            cells.update(self._row_cells(xml.decode("utf-8")))
        if not cells:
            return ""
        cols = sorted(cells)
        self._bounds(rnum, cols[0], cols[-1])
        return "".join([cell_xml(rnum, c, cells[c]) for c in cols])

    @staticmethod
    def _span(body: bytes, lo: int, hi: int) -> tuple[int, int]:
        """(first, last) column of the cells in body[lo:hi]; (0, 0) if there are none."""
        j = body.find(b"<c ", lo, hi)
        if j >= 0 and body[j + 3:j + 6] == b'r="':   # cells as Excel and most writers put them: <c r="B7" ...>
            k = body.rfind(b"<c ", j, hi)
            if body[k + 3:k + 6] == b'r="':
                first, last = _col_at(body, j + 6), _col_at(body, k + 6)
                if first and last:
                    return first, last
        if j < 0 and body.find(b"<c", lo, hi) < 0:
            return 0, 0
        k = body.rfind(b"<c ", lo, hi)
        lm = _CELL_R_B.search(body, k, body.find(b">", k, hi)) if k >= 0 else None
        fm = _FIRST_CELL_B.search(body, lo, hi)
        if fm and lm:
            return column_index(fm.group(1).decode()), column_index(lm.group(1).decode())
        cols = list(SheetRewriter._row_cells(body[lo:hi].decode("utf-8")))   # cells without r attributes
        return (min(cols), max(cols)) if cols else (0, 0)

    def _cut(self, body: bytes, lo: int, hi: int, rnum: int, first: int, last: int) -> int:
        """Where the cells of columns first..last start in body[lo:hi], if they are the row's last cells and
        plain values (no formula); -1 otherwise."""
        rs = str(rnum).encode()
        cut = -1
        for col in range(first, last + 1):
            p = body.find(b'<c r="' + COL_LETTERS[col].encode() + rs + b'"', lo, hi)
            if p >= 0 and (cut < 0 or p < cut):
                cut = p
        if cut < 0 or body.find(b"<f", cut, hi) >= 0:
            return -1
        before = self._span(body, lo, cut)[1]
        return cut if before < first else -1

    def _append_cells(self, rnum: int, edits) -> str:
        """XML of new cells (no existing cell at those columns), in column order."""
        rs = str(rnum)
        out = []
        s_attr = self._s_attr
        letters = COL_LETTERS
        for c in sorted(edits):
            edit = edits[c]
            st = edit[2]
            s = s_attr.get(st)
            if s is None:
                xf = self._new_cell(edit, None)[0]
                s = s_attr[st] = "" if xf is None else f' s="{xf}"'
            if edit[1] is None:
                out.append(f'<c r="{letters[c]}{rs}"{s}{edit[0]}/>')
            else:
                out.append(f'<c r="{letters[c]}{rs}"{s}{edit[0]}>{edit[1]}</c>')
        return "".join(out)

    @staticmethod
    def index(body: bytes) -> "RowIndex":
        """Where every <row> of a sheetData body is, its number and the columns its cells span (one pass)."""
        idx = RowIndex(body)
        starts, gts, closes, rnums, has_r, los, his = (idx.starts, idx.gts, idx.closes, idx.rnums, idx.has_r,
                                                       idx.los, idx.his)
        find = body.find
        span = SheetRewriter._span
        r_attr = _R_ATTR_B.search
        prev = 0
        i = find(b"<row")
        while i >= 0:
            gt = find(b">", i)
            if body[gt - 1] == 47:   # "/": an empty row
                close = -1
                end = gt + 1
                lo = hi = 0
            else:
                close = find(b"</row>", gt)
                end = close + 6
                lo, hi = span(body, gt + 1, close)
            if body.startswith(b'<row r="', i):
                rnum = int(body[i + 8:find(b'"', i + 8)])
                has_r.append(1)
            else:
                m = r_attr(body, i, gt)
                rnum = int(m.group(1)) if m else prev + 1
                has_r.append(m is not None)
            prev = rnum
            starts.append(i)
            gts.append(gt)
            closes.append(close)
            rnums.append(rnum)
            los.append(lo)
            his.append(hi)
            i = find(b"<row", end)
        return idx

    def rewrite(self, body: bytes) -> list:
        """The new sheetData content, as a list of bytes and memoryview slices of `body` (nothing copied)."""
        index = self.index(body)
        plan = self.plan
        view = memoryview(body)
        out: list = []
        append = out.append
        all_edits, all_ops, all_tails = plan.edits, plan.ops, plan.tails
        pending = sorted(set(all_edits) | set(all_ops) | set(all_tails))
        npending = len(pending)
        next_pending = pending[0] if pending else 1 << 30
        pi = 0
        pos = 0          # body[pos:] is not in `out` yet
        clears = plan.clears
        find = body.find
        span = self._span
        minc, maxc, rmin, rmax = 1 << 30, 0, 1 << 30, 0   # bounds of the untouched rows
        used = plan.tail_columns or {c for t in all_tails.values() for c in t[:2]}
        tmin, tmax = min(used, default=0), max(used, default=0)   # columns the blocks write cells in
        for i, gt, close, rnum, has_r, lo, hi in zip(index.starts, index.gts, index.closes, index.rnums,
                                                     index.has_r, index.los, index.his):
            if next_pending <= rnum:
                append(view[pos:i])
                pos = i
                while pi < npending and pending[pi] < rnum:
                    append(self._new_row(pending[pi]))
                    pi += 1
                if pi < npending and pending[pi] == rnum:
                    pi += 1
                next_pending = pending[pi] if pi < npending else 1 << 30
                edits = all_edits.get(rnum)
                ops = all_ops.get(rnum)
                tail = all_tails.get(rnum)
            else:
                edits = ops = tail = None
            row_clears = [c for c in clears if rnum >= c[2]] if clears else None
            selfclose = close < 0
            end = gt + 1 if selfclose else close + 6
            if not (edits or ops or row_clears or tail):   # untouched: stays where it is, only measured
                if hi:
                    if rnum < rmin:
                        rmin = rnum
                    if rnum > rmax:
                        rmax = rnum
                    if lo < minc:
                        minc = lo
                    if hi > maxc:
                        maxc = hi
                if not has_r:
                    append(view[pos:i])
                    append(b'<row r="%d" ' % rnum + body[i + 4:end])
                    pos = end
                continue
            append(view[pos:i])
            pos = end
            if tail and not (edits or ops) and not selfclose and has_r and (
                    not row_clears or (len(row_clears) == 1 and row_clears[0][0] <= tail[0])):
                # fast path: the block goes after the row's last cell (earlier toolkit cells there are cut)
                first_col, last_col, xml = tail
                stop = close
                if row_clears and hi >= row_clears[0][0]:
                    c1, c2, _ = row_clears[0]
                    stop = self._cut(body, gt + 1, close, rnum, c1, c2) if hi <= c2 else -1
                    if stop >= 0:
                        lo, hi = span(body, gt + 1, stop)
                if stop >= 0 and hi < first_col:
                    sp = find(b" spans=", i, gt)   # the row's spans hint would be wrong now: dropped
                    if sp >= 0 and body[sp + 7] == 34:   # spans="..."
                        append(view[i:sp])
                        append(view[find(b'"', sp + 8) + 1:stop])
                    elif b"spans" in body[i:gt]:
                        append(_SPANS_DROP_B.sub(b"", body[i:gt + 1]))
                        append(view[gt + 1:stop])
                    else:
                        append(view[i:stop])
                    append(xml)
                    pos = close   # "</row>" goes out with the next piece
                    if xml:
                        self._bounds(rnum, min(lo, tmin) if lo else tmin, tmax)
                    elif hi:
                        self._bounds(rnum, lo, hi)
                    continue
            attrs = body[i + 4:gt - 1 if selfclose else gt].decode("utf-8")
            attrs = f' r="{rnum}"' + _ROW_ATTR_DROP.sub("", attrs).rstrip()
            if edits and not ops and not row_clears and not tail and not selfclose \
                    and None not in edits.values():
                if hi and min(edits) > hi:   # fast path: new cells right of the row's last cell
                    self._bounds(rnum, lo, max(edits))
                    append(f"<row{attrs}>".encode("utf-8"))
                    append(view[gt + 1:close])
                    append((self._append_cells(rnum, edits) + "</row>").encode("utf-8"))
                    continue
            inner = self._rewrite_row(rnum, None if selfclose else body[gt + 1:close].decode("utf-8"),
                                      edits, ops, row_clears, tail)
            append((f"<row{attrs}>{inner}</row>" if inner else f"<row{attrs}/>").encode("utf-8"))
        append(view[pos:])
        while pi < npending:
            append(self._new_row(pending[pi]))
            pi += 1
        if rmax:
            self._bounds(rmin, minc, maxc)
            self._bounds(rmax, minc, maxc)
        return out

    @staticmethod
    def row_ends(body: bytes) -> tuple[bytes, tuple[list[int], list[int]]]:
        """The body without row spans hints (optional, and wrong once rows grow), and the numbers of its rows
        that have a </row> with where that </row> is, in order."""
        if b" spans=" in body:
            body = _SPANS_DROP_B.sub(b"", body)
        return body, (list(map(int, _ROW_WITH_END_B.findall(body))), [m.start() for m in _ROW_END_B.finditer(body)])

    def append_only(self, body: bytes):
        """rewrite() for the common big case, without parsing rows: the plan only appends set_columns blocks
        (and sets a few cells) right of every cell the sheet has, on rows the sheet has, and rows and cells are
        written <row r="…"> / <c r="…"> as Excel writes them. The bounds are known before any row is written, so
        the pieces come lazily (an iterator: the caller can compress while they are produced). None when the
        sheet is not like that (rewrite() then does the work)."""
        plan = self.plan
        tails, edits = plan.tails, plan.edits
        if plan.ops or plan.clears or not tails or any(None in e.values() for e in edits.values()):
            return None
        first_col = min(t[0] for t in tails.values())
        filled = [r for r, t in tails.items() if t[2]]
        body, (rnums, closes) = self.row_ends(body)
        if not filled or cell_not_left_of(first_col).search(body):
            return None
        if len(rnums) != len(closes) or not set(tails).union(edits) <= set(rnums):
            return None   # a row to write is not in the sheet yet (or is an empty <row/>): the general way
        # bounds: the sheet's own cells (all left of first_col), the blocks, the edited cells
        first, last = body.find(b'<c r="'), body.rfind(b'<c r="')
        if first >= 0:
            left = next((col for col in range(1, first_col)
                         if re.search(b'<c r="' + COL_LETTERS[col].encode() + rb"\d", body)), 1)
            for at in (first, last):
                row_at = body.rfind(b'<row r="', 0, at)
                self._bounds(int(body[row_at + 8:body.find(b'"', row_at + 8)]), left, left)
        used = plan.tail_columns
        self._bounds(min(filled), min(used), max(used))
        self._bounds(max(filled), min(used), max(used))
        for r, row_edits in edits.items():
            self._bounds(r, min(row_edits), max(row_edits))
        return self._append_pieces(body, rnums, closes)

    def _append_pieces(self, body: bytes, rnums: list[int], closes: list[int]):
        pos = i = 0
        while i < len(closes):   # PIECE bytes of whole rows at a time
            j = min(bisect_left(closes, pos + PIECE, i), len(closes) - 1)
            end = closes[j] + 6
            yield blocks_into_rows(body[pos:end], rnums[i:j + 1], self.plan.tails, self.plan.edits,
                                   self.edited_row)[0]
            pos, i = end, j + 1
        yield memoryview(body)[pos:]

    def edited_row(self, rnum: int, text: bytes) -> bytes:
        """A row with set_cells edits (and its block), its cells written again, from its text up to its </row>
        (what comes before its <row stays as it is; the </row> is not part of it)."""
        start = text.rfind(b"<row")
        gt = text.find(b">", start)
        attrs = f' r="{rnum}"' + _ROW_ATTR_DROP.sub("", text[start + 4:gt].decode("utf-8")).rstrip()
        inner = self._rewrite_row(rnum, text[gt + 1:].decode("utf-8"), self.plan.edits[rnum], None, None,
                                  self.plan.tails.get(rnum))
        return text[:start] + f"<row{attrs}>{inner}".encode("utf-8")

    def _new_row(self, rnum: int) -> bytes:
        plan = self.plan
        inner = self._rewrite_row(rnum, None, plan.edits.get(rnum), plan.ops.get(rnum), None, plan.tails.get(rnum))
        return f'<row r="{rnum}">{inner}</row>'.encode("utf-8") if inner else b""

    def dimension(self) -> str:
        if not self.maxr:
            return "A1"
        a, b = cell_ref(self.minr, self.minc), cell_ref(self.maxr, self.maxc)
        return a if a == b else f"{a}:{b}"


def apply_widths(head: str, widths: dict[int, float]) -> str:
    """Set column widths in the head (<cols>) of a worksheet, splitting existing <col> ranges."""
    m = re.search(r"<cols\b[^>]*?(?:/>|>(.*?)</cols>)", head, re.S)
    ranges: list[list] = []   # [min, max, attrs dict]
    if m:
        for raw in re.findall(r"<col\b[^>]*?/>", m.group(1) or ""):
            a = parse_attrs(raw)
            ranges.append([int(a.pop("min")), int(a.pop("max")), a])
    for col, width in sorted(widths.items()):
        new: list[list] = []
        placed = False
        for lo, hi, a in ranges:
            if lo <= col <= hi:
                if lo < col:
                    new.append([lo, col - 1, dict(a)])
                b = dict(a)
                b.update(width=f"{float(width):g}", customWidth="1")
                new.append([col, col, b])
                if col < hi:
                    new.append([col + 1, hi, dict(a)])
                placed = True
            else:
                new.append([lo, hi, a])
        if not placed:
            new.append([col, col, {"width": f"{float(width):g}", "customWidth": "1"}])
        ranges = sorted(new, key=lambda r: r[0])
    cols = "<cols>" + "".join(
        f'<col min="{lo}" max="{hi}"' + "".join(f' {k}="{attr_value(v)}"' for k, v in a.items()) + "/>"
        for lo, hi, a in ranges) + "</cols>"
    if m:
        return head[:m.start()] + cols + head[m.end():]
    return head + cols   # head ends right before <sheetData


# ---------------------------------------------------------------- a worksheet part, split and rewritten

def split_sheet(pkg, part: str, where: dict, xml: bytes | None = None):
    """(head text, sheetData open tag, body, tail) of a worksheet part (or of its XML `xml`)."""
    if xml is None:
        xml = pkg.read(part)
    if not re.search(rb"<worksheet[\s>]", xml[:4000]):
        raise InputError("工作表 XML 使用了带前缀的命名空间，本工具暂不能修改，请在 Excel 中另存后再试", **where)
    m = re.search(rb"<sheetData\b[^>]*?(/?)>", xml)
    if not m:
        raise InputError("工作表缺少 sheetData 部分", **where)
    head = xml[:m.start()].decode("utf-8")
    if m.group(1):
        body, tail = b"", xml[m.end():]
        open_tag = b"<sheetData>"
    else:
        end = xml.find(b"</sheetData>", m.end())
        body, tail = xml[m.end():end], xml[end + len(b"</sheetData>"):]
        open_tag = m.group(0)
    del xml
    return head, open_tag, body, tail


def sheet_head(head: str, dimension: str | None, widths: dict[int, float]) -> str:
    """The worksheet's head (everything before <sheetData) with its <dimension> set and column widths applied."""
    if dimension is not None:
        dim = f'<dimension ref="{dimension}"/>'
        if re.search(r"<dimension\b[^>]*?/>", head):
            head = re.sub(r"<dimension\b[^>]*?/>", dim, head, count=1)
        else:
            head = insert_before_first(head + "<sheetData>", ["<sheetViews", "<sheetFormatPr", "<cols",
                                                              "<sheetData"], dim)[:-len("<sheetData>")]
    if widths:
        head = apply_widths(head, widths)
    return head
