"""Reading one worksheet's XML as a stream: only the cells that hold something are kept; far stray cells left out."""

from __future__ import annotations

import re
from collections import deque
from itertools import compress, groupby, islice, repeat
from operator import is_not, le
from xml.parsers import expat

from toolkit.io import limits
from toolkit.io.xlsx.read_common import (Damaged, TooBig, OTHER, excel_date, iso_value, unescape_x, _ERRORS, _blank, _local, SheetRead, _TextEvents, _rich_string)


# --------------------------------------------------------------------------------------------- the sheet itself
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>/]*(?:/>|>[^<]*(?:<(?!/c>)[^<]*)*</c>))')
_KEY = re.compile(rb'(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?>'
                  rb'(?:<v>([-+.eE0-9]+)</v>|<v>([^<&\r]*)</v>|<is><t>([^<&\r]*)</t></is>)</c>')
_FAST_ATTR = re.compile(rb'\s([st])="([^"]*)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)")
_MERGE = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_IRREGULAR = re.compile(rb"<!--|<!\[CDATA\[|<\?(?!xml\s)|<[\w.-]+:(?:sheetData|row|c)\b")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
_REF = re.compile(r"([A-Za-z]*)([0-9]*)")
_CACHE_LIMIT = 1 << 16
_PIECE = 1 << 20   # XML read at a time: what one run of rows costs in passing (~6 MB of small objects per MB)


_EMPTY = object()   # a cell without a value (calamine leaves it out; it neither fills nor widens the grid)


class _Values(dict):
    """Cell text (after the reference) → grid value, for one run of rows; each distinct text converted once, and
    the first few thousand shared across the sheet (so repeated words and numbers are one object each)."""

    def __init__(self, reader):
        super().__init__()
        self.reader = reader
        self.empty = False

    def __missing__(self, key):
        reader = self.reader
        v = reader.shared.get(key, _MISSING)
        if v is _MISSING:
            m = _KEY.fullmatch(key)
            if m is None:
                v = reader.convert(key)
            else:   # the forms every writer uses, converted here without the general path
                style, t, number, text, inline = m.groups()
                if inline is not None:
                    v = inline.decode("utf-8").strip(" \t\r\n")
                    if "_x00" in v:
                        v = unescape_x(v)
                    if len(v) > limits.EXCEL_CELL_CHARS:
                        reader.long_text = True
                    if not v or v.isspace():
                        v = None
                elif number is not None and (t is None or t == b"n"):
                    try:
                        v = float(number)
                    except ValueError:
                        v, held = reader.value(style, t, "v", number)
                        v = v if held else _EMPTY
                    else:
                        kind = OTHER if style is None else reader._kind(style)
                        if kind:
                            v = reader._dated(v, kind)
                else:
                    v, held = reader.value(style, t, "v", number if number is not None else text)
                    v = v if held else _EMPTY
            if len(reader.shared) < _CACHE_LIMIT:
                reader.shared[key] = v
        if v is _EMPTY:
            self.empty = True
        self[key] = v
        return v


_MISSING = object()


class _Restart(Exception):
    """The fast scan met a form it does not read: read the sheet again with expat."""


def _letters_to_col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch & 31)
    return n - 1


def _ref(text: str) -> tuple[int, int | None]:
    """'B3' → (2, 1), '3' → (2, None); 0-based, as calamine parses a reference. Damaged when it has no row."""
    m = _REF.fullmatch(text)
    if not m or not m.group(2):
        raise Damaged(f"bad reference {text[:20]!r}")
    row = int(m.group(2)) - 1
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) & 31)
    if row < 0:
        raise Damaged(f"bad reference {text[:20]!r}")
    return row, (col - 1 if col else None)


def _dimension(text: str) -> tuple[int, int, int, int]:
    parts = [_ref(p) for p in text.split(":")]
    if len(parts) not in (1, 2) or any(c is None for _, c in parts):
        raise Damaged(f"bad range {text[:40]!r}")
    (r0, c0), (r1, c1) = parts[0], parts[-1]
    return r0, c0, r1, c1


class _SheetReader:
    """Reads one worksheet part into a SheetRead (see module doc)."""

    def __init__(self, book, member: str):   # book: the XlsxBook (read_book) whose part this is
        self.book = book
        self.member = member
        self.formats = book.formats
        self.is_1904 = book.is_1904
        self._reset()

    def _reset(self) -> None:
        self.grid: dict[int, list] = {}
        self.cells = 0
        self.last_row = self.last_col = -1
        self.first_row = self.first_col = 1 << 62
        self.merged: list[tuple[int, int, int, int]] = []
        self.long_text = False
        self.dated: dict[tuple, object] = {}
        self.attrs: dict[bytes, tuple] = {}
        self.cols: dict[bytes, int] = {}
        self.shared: dict[bytes, object] = {}

    # -- bounds (toolkit.io.limits decides; here only counted)
    def _extent(self) -> limits.SheetExtent:
        return limits.SheetExtent(self.cells, self.first_row + 1, self.first_col + 1, self.last_row + 1,
                                  self.last_col + 1)

    def _check(self) -> None:
        if (self.cells > limits.MAX_CELLS or self.last_row >= limits.EXCEL_ROWS
                or self.last_col >= limits.EXCEL_COLUMNS):
            raise TooBig(self._extent())

    # -- values
    def value(self, style: bytes | None, t: bytes | None, kind: str | None, text):
        """(grid value, holds something) of a cell from its s and t attributes, the kind of its last child element
        (v, is, f or None) and that child's text (bytes from the fast scan, str from expat)."""
        if kind == "is":
            text = text if text.__class__ is str else _rich_string(text)
            if len(text) > limits.EXCEL_CELL_CHARS:
                self.long_text = True
            return _blank(text), True
        if kind != "v":
            return None, False
        if t in (b"inlineStr", b"is"):
            return None, False
        if t is None or t in (b"n", b"s", b"b", b"e"):
            raw = text.decode("utf-8") if text.__class__ is bytes else text
            if raw == "":
                return None, False
            if t == b"s":
                strings = self.book.strings
                idx = int(raw) if raw.isdigit() and raw.isascii() else 0
                if idx >= len(strings):
                    raise Damaged("shared string index out of range")
                if self.book._long_strings and len(self.book.raw_strings[idx]) > limits.EXCEL_CELL_CHARS:
                    self.long_text = True
                return strings[idx], True
            if t == b"b":
                return raw != "0", True
            if t == b"e":
                if raw not in _ERRORS:
                    raise Damaged(f"unknown error value {raw[:20]!r}")
                return None, True
            number = _number(raw)
            if number is None:
                if t is None:
                    return _blank(raw), True
                raise Damaged(f"not a number {raw[:20]!r}")
            kind = self._kind(style)
            return (self._dated(number, kind) if kind else number), True
        raw = text.decode("utf-8") if text.__class__ is bytes else text
        if t == b"str":
            if len(raw) > limits.EXCEL_CELL_CHARS:
                self.long_text = True
            return _blank(raw), True
        if t == b"d":
            v = iso_value(raw)
            return (_blank(v) if v.__class__ is str else v), True
        raise Damaged(f"unknown cell type {t[:20]!r}")

    def _kind(self, style: bytes | None) -> int | None:
        if style is None:
            return OTHER
        idx = int(style) if style.isdigit() else 0
        return self.formats[idx] if idx < len(self.formats) else None

    def _dated(self, number: float, kind: int):
        key = (number, kind)
        v = self.dated.get(key)
        if v is None:
            v = excel_date(number, kind, self.is_1904)
            if len(self.dated) < _CACHE_LIMIT:
                self.dated[key] = v
        return v

    def place(self, row: int, col: int, value) -> None:
        if row >= limits.EXCEL_ROWS or col >= limits.EXCEL_COLUMNS:
            self.last_row, self.last_col = max(self.last_row, row), max(self.last_col, col)
            raise TooBig(self._extent())
        self.cells += 1
        if row > self.last_row:
            self.last_row = row
        if row < self.first_row:
            self.first_row = row
        if col > self.last_col:
            self.last_col = col
        if col < self.first_col:
            self.first_col = col
        line = self.grid.get(row)
        if line is None:
            line = self.grid[row] = [None] * (col + 1)
        elif col >= len(line):
            line.extend([None] * (col + 1 - len(line)))
        line[col] = value

    # -- reading
    def read(self) -> SheetRead:
        try:
            self._fast()
        except _Restart:
            self._reset()
            self._slow()
        self._check()
        return self._result()

    def _fast(self) -> None:
        first = True
        carry = b""
        for piece in limits.xml_pieces(self.book.zf, self.member, _PIECE):
            if first:
                first = False
                enc = _ENCODING.match(piece)
                if piece[:2] in (b"\xff\xfe", b"\xfe\xff") or (enc and enc.group(1).lower() not in (b"utf-8", b"utf8")):
                    raise _Restart
            data = carry + piece if carry else piece
            end = data.rfind(b"</row>")
            if end < 0:
                carry = data
                continue
            end += 6
            self._fast_chunk(data[:end] if end < len(data) else data)
            carry = data[end:]
        if carry:
            self._fast_chunk(carry)

    def _fast_chunk(self, data: bytes) -> None:
        """The cells of a run of whole rows: one regular-expression pass, values converted once per distinct cell
        text (attributes and body), then placed in the grid a row at a time (no Python step per cell)."""
        if (b"<!" in data or b"<?" in data[2:] or b":c " in data or b":c>" in data or b":row" in data
                or b":sheetData" in data):
            if _IRREGULAR.search(data):
                raise _Restart   # comments, CDATA, processing instructions or prefixed names: expat reads them
        if b"mergeCell" in data:
            for ref in _MERGE.findall(data):
                self.merged.append(_dimension(ref.decode("utf-8")))
        parts = _FAST_CELL.split(data)
        between = b"".join(parts[0::4])
        if b"<c" in between and re.search(rb"<c[\s/>]", between):
            raise _Restart   # a cell without a reference first, or one beyond the fast form
        if len(parts) == 1:
            return
        letters, digits, keys = parts[1::4], parts[2::4], parts[3::4]
        del parts, between
        conv = _Values(self)
        table = dict.fromkeys(keys)   # the distinct cell texts of these rows, converted once each
        for key in table:
            table[key] = conv[key]
        values = list(map(table.__getitem__, keys))   # a plain dict: looked up in C
        del table
        if conv.empty:   # <c r="B2" s="1"/> (formatting only), <v></v>, a formula without a cached value …
            keep = list(map(is_not, values, repeat(_EMPTY)))
            letters, digits, values = (list(compress(letters, keep)), list(compress(digits, keep)),
                                       list(compress(values, keep)))
            if not values:
                return
        del keys, conv
        n = len(values)
        rows = list(map(int, digits))
        known = self.cols
        for letter in set(letters).difference(known):
            known[letter] = _letters_to_col(letter)
        cols = list(map(known.__getitem__, letters))
        r0, r1, c0, c1 = min(rows) - 1, max(rows) - 1, min(cols), max(cols)
        if r0 < 0:
            raise Damaged("row 0")
        if r1 >= limits.EXCEL_ROWS or c1 >= limits.EXCEL_COLUMNS or self.cells + n > limits.MAX_CELLS:
            self.last_row, self.last_col, self.cells = max(self.last_row, r1), max(self.last_col, c1), self.cells + n
            raise TooBig(self._extent())
        grid = self.grid
        if r0 <= self.last_row or not all(map(le, rows, islice(rows, 1, None))):
            for r, c, v in zip(rows, cols, values):   # rows out of order, or seen before: cell by cell
                self.place(r - 1, c, v)
            return
        i = 0
        for r, same in groupby(rows):   # a row at a time, its cells placed without a Python step each
            k = len(list(same))
            cs, vs = cols[i:i + k], values[i:i + k]
            i += k
            line = [None] * (max(cs) + 1)
            deque(map(line.__setitem__, cs, vs), 0)
            grid[r - 1] = line
        self.cells += n
        self.first_row, self.last_row = min(self.first_row, r0), max(self.last_row, r1)
        self.first_col, self.last_col = min(self.first_col, c0), max(self.last_col, c1)

    def convert(self, key: bytes):
        """The grid value of a cell from the text after its reference: attributes, then '/>' or '>' body '</c>'."""
        if key[-2:] == b"/>":
            return _EMPTY   # <c r="B2" s="1"/>: formatting only
        i = key.find(b">")
        attrs, body = key[:i], key[i + 1:-4]
        a = self.attrs.get(attrs)
        if a is None:
            style = t = None
            for name, val in _FAST_ATTR.findall(attrs):
                if name == b"s":
                    style = val
                else:
                    t = val
            a = self.attrs[attrs] = (style, t)
        style, t = a
        text = None
        if body[-4:] == b"</v>":
            if body[:3] == b"<v>":
                text = body[3:-4]
            else:
                j = body.rfind(b"<v>")
                if j > 0 and _FORMULA.fullmatch(body, 0, j):
                    text = body[j + 3:-4]
        if text is not None and b"<" not in text and b"&" not in text and b"\r" not in text:
            v, held = self.value(style, t, "v", text)
        elif (body[:7] == b"<is><t>" and body[-9:] == b"</t></is>" and b"<" not in body[7:-9]
              and b"&" not in body and b"\r" not in body):
            v, held = self.value(style, t, "is", unescape_x(body[7:-9].decode("utf-8").strip(" \t\r\n")))
        else:
            v, held = self._exact(b"A", b"1", attrs, body)
        return v if held else _EMPTY

    def _exact(self, letters: bytes, digits: bytes, attrs: bytes, body: bytes):
        """A cell the fast forms do not cover, read with expat."""
        ev = _CellEvents(self)
        ev.row = int(digits) - 1
        xml = b'<c r="' + letters + digits + b'"' + attrs + b">" + body + b"</c>"
        p = expat.ParserCreate()
        ev.attach(p)
        try:
            p.Parse(b"<sheetData>" + xml + b"</sheetData>", True)
        except expat.ExpatError as exc:
            raise Damaged(str(exc)) from None
        if not ev.found:
            return None, False
        (_, _, v, held), = ev.found
        return v, held

    def _slow(self) -> None:
        ev = _CellEvents(self)
        p = expat.ParserCreate()
        ev.attach(p)
        try:
            for piece in limits.xml_pieces(self.book.zf, self.member):
                p.Parse(piece, False)
                for row, col, v, held in ev.found:
                    if held:
                        self.place(row, col, v)
                if self.cells > limits.MAX_CELLS:
                    self._check()
                ev.found.clear()
            p.Parse(b"", True)
        except expat.ExpatError as exc:
            raise Damaged(str(exc)) from None
        for row, col, v, held in ev.found:
            if held:
                self.place(row, col, v)
        self.merged = ev.merged

    # -- the grid
    def _result(self) -> SheetRead:
        if self.last_row < 0:
            return SheetRead([], self.merged, [], self.long_text)
        far = self._far_cells()
        height, width = self.last_row + 1, self.last_col + 1
        if height * width > limits.MAX_CELLS:
            raise TooBig(limits.SheetExtent(self.cells, 1, 1, height, width))
        rows = []
        grid = self.grid
        blank = None
        for r in range(height):
            line = grid.pop(r, None)
            if line is None:
                line = [None] * width
            elif len(line) < width:
                if blank is None or len(blank) != width - len(line):
                    blank = [None] * (width - len(line))
                line = line + blank
            elif len(line) > width:
                del line[width:]
            rows.append(line)
        return SheetRead(rows, self.merged, far, self.long_text)

    def _far_cells(self) -> list[tuple[int, int, object]]:
        """Cells far from the rest of the data (beyond FAR_ROWS empty rows or FAR_COLUMNS empty columns from the
        block holding most of it) are left out of the grid; returned as (row, col, value) so the user is told."""
        far: list[tuple[int, int, object]] = []
        grid = self.grid
        if self.last_row - self.first_row > FAR_ROWS:
            rows = sorted(grid)
            keep = set(_main_block(rows, FAR_ROWS))
            if len(keep) < len(rows):
                for r in rows:
                    if r not in keep:
                        far += [(r, c, v) for c, v in enumerate(grid.pop(r)) if v is not None]
        if self.last_col - self.first_col > FAR_COLUMNS:
            counts: dict[int, int] = {}
            for line in grid.values():
                for c, v in enumerate(line):
                    if v is not None:
                        counts[c] = counts.get(c, 0) + 1
            cols = sorted(counts)
            keep_cols = _main_block(cols, FAR_COLUMNS, counts)
            if len(keep_cols) < len(cols):
                first, last = min(keep_cols), max(keep_cols)
                for r, line in grid.items():
                    for c, v in enumerate(line):
                        if (c < first or c > last) and v is not None:
                            far.append((r, c, v))
                            line[c] = None
                    del line[last + 1:]
        if far:   # the extent of what is kept
            for r in [r for r, line in grid.items() if not any(v is not None for v in line)]:
                del grid[r]
            self.last_row = max(grid, default=-1)
            self.last_col = max((max((c for c, v in enumerate(line) if v is not None), default=-1)
                                 for line in grid.values()), default=-1)
            if self.last_row < 0 or self.last_col < 0:
                self.grid, self.last_row, self.last_col = {}, -1, -1
            far.sort(key=lambda x: (x[0], x[1]))
        return far


FAR_ROWS = 65_536     # more empty rows than this between a cell and the data: a stray entry, not part of the table
FAR_COLUMNS = 256     # more empty columns than this (a ledger has tens of columns; Excel 2003 had 256 in all)


def _main_block(positions: list[int], gap: int, weight: dict[int, int] | None = None) -> list[int]:
    """The run of sorted positions without a gap of more than `gap` that holds the most weight (each position
    weighs 1 unless `weight` says otherwise; the first run if tied)."""
    if not positions:
        return []
    runs, run = [], [positions[0]]
    for p in positions[1:]:
        if p - run[-1] - 1 > gap:
            runs.append(run)
            run = [p]
        else:
            run.append(p)
    runs.append(run)
    return max(runs, key=lambda rs: sum(weight.get(p, 0) for p in rs) if weight else len(rs))


def _number(raw: str) -> float | None:
    """A number as the Rust float parser reads it (no spaces, no underscores), else None."""
    try:
        v = float(raw)
    except ValueError:
        return None
    if "_" in raw or raw[:1].isspace() or raw[-1:].isspace():
        return None
    return v


class _CellEvents:
    """Expat handlers that read cells as calamine does: rows and cells placed by reference, or after the previous
    one when they have none; the value from the last of a cell's v, is or f children."""

    def __init__(self, reader: _SheetReader):
        self.reader = reader
        self.row = 0
        self.col = 0
        self.found: list[tuple[int, int, object, bool]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.cell = None          # (row, col, s, t) of the open cell
        self.child = None         # 'v', 'is' or 'f' being read
        self.kind = None
        self.chars: list[str] = []
        self.rich: _TextEvents | None = None
        self.depth = 0
        self.in_cdata = False   # calamine takes a value's text events, not its CDATA sections

    def cdata_start(self):
        self.in_cdata = True

    def cdata_end(self):
        self.in_cdata = False

    def attach(self, parser) -> None:
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.text
        parser.StartCdataSectionHandler, parser.EndCdataSectionHandler = self.cdata_start, self.cdata_end

    def start(self, name, attrs):
        local = _local(name)
        if self.cell is not None:
            if self.child is None:
                if local not in ("v", "is", "f"):
                    raise Damaged(f"unexpected <{local[:20]}> in a cell")
                self.child, self.depth, self.chars = local, 0, []
                if local == "is":
                    self.rich = _TextEvents()
            else:
                self.depth += 1
                if self.child == "is":
                    self.rich.start(name, attrs)
            return
        if local == "row":
            if "r" in attrs:
                self.row = _ref(attrs["r"])[0]
        elif local == "c":
            ref = attrs.get("r")
            if ref is not None:
                row, col = _ref(ref)
                if col is None:
                    raise Damaged("cell reference without a column")
                self.col = col
            else:
                row, col = self.row, self.col
            s, t = attrs.get("s"), attrs.get("t")
            self.cell = (row, col, None if s is None else s.encode("utf-8"), None if t is None else t.encode("utf-8"))
            self.kind, self.chars = None, []
        elif local == "mergeCell" and "ref" in attrs:
            self.merged.append(_dimension(attrs["ref"]))

    def end(self, name):
        local = _local(name)
        if self.cell is not None:
            if self.child is not None:
                if self.depth:
                    self.depth -= 1
                    if self.child == "is":
                        self.rich.end(name)
                    return
                self.kind = self.child
                self.value_text = self.rich.value if self.child == "is" else "".join(self.chars)
                self.child = None
                return
            if local == "c":
                row, col, s, t = self.cell
                self.cell = None
                v, held = self.reader.value(s, t, self.kind, self.value_text if self.kind else None)
                self.found.append((row, col, v, held))
                self.col = col + 1
            return
        if local == "row":
            self.row += 1
            self.col = 0

    def text(self, data):
        if self.child == "v" and not self.depth:
            if not self.in_cdata:
                self.chars.append(data)
        elif self.child == "is":
            self.rich.text(data)
