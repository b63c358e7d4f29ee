"""Reading one worksheet's XML as a stream: only the cells that hold something are kept; far stray cells left out."""

from __future__ import annotations

import re
from collections import Counter, deque
from itertools import accumulate, compress, groupby, islice, repeat
from operator import add, call, is_, is_not, itemgetter, le, mul
from xml.parsers import expat

from toolkit.io import limits
from toolkit.io.xlsx.read_events import _CellEvents, _dimension
from toolkit.io.xlsx.read_keys import CACHE_LIMIT as _CACHE_LIMIT, convert_keys
from toolkit.io.xlsx.read_common import (read_small, Damaged, TooBig, OTHER, excel_date, iso_value, unescape_x, _ERRORS, _blank, SheetRead, _rich_string)


# --------------------------------------------------------------------------------------------- the sheet itself
_SPLIT = re.compile(rb'<c r="([A-Z]+[0-9]+)"|</row>(?:<row\b[^>]*>)?')   # a cell's reference; a row's end
_KEY = re.compile(rb'(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?>'
                  rb'(?:<v>([-+.eE0-9]+)</v>|<v>([^<&\r]*)</v>|<is><t>([^<&\r]*)</t></is>)</c>')
_CELL_START = re.compile(rb"<c[\s/>]")
_HIDDEN_ROW = re.compile(rb"""<(?:[\w.-]+:)?row\b[^>]*?\shidden=["'](?:1|true)["'][^>]*>""")
_ROW_NUMBER = re.compile(rb"""\sr=["']([0-9]+)["']""")
_FAST_ATTR = re.compile(rb'\s([st])="([^"]*)"')
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>[^<]*</f>)")
_MERGE = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_IRREGULAR = re.compile(rb"<!--|<!\[CDATA\[|<\?(?!xml\s)|<[\w.-]+:c\b")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
_PIECE = 1 << 18   # XML read at a time: what one run of rows costs in passing (~6 MB of small objects per MB)


_EMPTY = object()   # a cell without a value (calamine leaves it out; it neither fills nor widens the grid)
_SHAPES = 1024      # row shapes (column letters of a row) remembered per sheet for placing whole rows
_SHAPE_WIDTH = 256   # runs wider than this are placed as before (a shape's getter holds one index per column)
_DIGITS, _LETTERS = b"0123456789", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"   # taken out of references (bytes.translate)


class _Restart(Exception):
    """The fast scan met a form it does not read: read the sheet again with expat."""


def _letters_to_col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch & 31)
    return n - 1


class _SheetReader:
    """Reads one worksheet part into a SheetRead (see module doc)."""

    formula_seen = False      # set on meeting a formula saved with 0 or no result (read_keys, read_events) …
    formula_results = False   # … and one saved with another result

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
        self.cols: dict = {b"": 0}   # reference letters → column (b"": a row end)
        self.shared: dict[bytes, object] = {b"": None}   # cell text → value (b"": a row end, whose slot pads a row)
        self.shapes: dict[bytes, tuple] = {}   # row shape (its column letters joined) → (first, last column, columns)
        self.getters: dict[int, dict[bytes, itemgetter]] = {}   # line width → row shape → its cells in column order
        self.width = 0   # the width of the lines placed whole (_whole_rows)
        self.hidden: set[int] = set()

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
        whole = read_small(self.book.zf, self.member)
        for piece in [whole] if whole is not None else limits.xml_pieces(self.book.zf, self.member, _PIECE):
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
        """The cells of a run of whole rows: one regular-expression split, values converted once per distinct cell
        text (attributes and body) in bulk (read_keys), then placed in the grid without a Python step per cell."""
        if b"hidden" in data:
            self._hidden_rows(data)
        if b'"<' in data and (b'"<c r="' in data or b'"</row>' in data):
            raise _Restart   # a reference not closed by its tag: expat says the sheet is damaged
        parts = _SPLIT.split(data)
        refs, keys = parts[1::2], parts[2::2]
        between = parts[0]
        del parts
        ends = refs.count(None)   # row ends: no reference, and (usually) nothing before the next cell
        counts = Counter(keys)   # (convert_keys' distinct texts, and how often each occurs)
        if ends and counts.get(b"") != ends:   # something between rows (an empty row, indentation, the sheet's end)
            between += b"".join(compress(keys, map(is_, refs, repeat(None))))
            keys, refs = list(compress(keys, refs)), list(compress(refs, refs))
            ends = 0
            counts = None
        if b"<c" in between and _CELL_START.search(between):
            raise _Restart   # a cell without a reference first, or one beyond the fast form
        if (b"<!" in between or between.find(b"<?", 2) >= 0 or b":c" in between) and _IRREGULAR.search(between):
            raise _Restart   # comments, CDATA, processing instructions or prefixed cells: expat reads them (inside
            # a cell's text they fail the plain forms: read_keys and convert check every text they convert)
        if b"mergeCell" in between:
            for ref in _MERGE.findall(between):
                self.merged.append(_dimension(ref.decode("utf-8")))
        if len(keys) == ends:
            return
        last = keys[-2] if ends and not keys[-1] else keys[-1]   # the last cell's text (not a row end's)
        if keys[0][-1:] != b">" or last[-1:] != b">":   # white space between cells (indented XML)
            keys = list(map(bytes.rstrip, keys, repeat(b" \t\r\n")))
            counts = None
        table = convert_keys(self, keys, counts)   # the distinct cell texts of these rows, converted once each
        values = list(map(table.__getitem__, keys))   # a plain dict: looked up in C
        del keys
        if any(map(is_, table.values(), repeat(_EMPTY))):   # <c r="B2" s="1"/>, <v></v>, a formula without a value …
            keep = list(map(is_not, values, repeat(_EMPTY)))
            refs, values = list(compress(refs, keep)), list(compress(values, keep))
            if len(values) == ends:
                return
        if ends:   # a row end: an empty reference, so that the references join into one text
            refs = [ref or b"" for ref in refs]
        self._place_run(b",".join(refs) + b",", values, ends)

    def _hidden_rows(self, data: bytes) -> None:
        """The rows of a run that Excel hides (hidden="1" or "true" on the row tag), as hidden_rows.py finds them."""
        for tag in _HIDDEN_ROW.findall(data):
            m = _ROW_NUMBER.search(tag)
            if m is None:
                raise _Restart   # a row numbered by its place: expat counts the rows
            row = int(m.group(1)) - 1
            if 0 <= row < limits.EXCEL_ROWS:
                self.hidden.add(row)

    def _place_run(self, refs: bytes, values: list, ends: int) -> None:
        """Cells of a run of rows into the grid: `refs` their references, each followed by a comma (a row end: an
        empty one), `values` theirs (None at a row end). The bounds are checked for the whole run, then whole rows
        are placed by their shape (_whole_rows), else a flat block sliced into rows (dense runs, row ends written to
        a slot past the block) or a row at a time."""
        n = len(values) - ends
        if ends and refs[-2:] == b",," and self.shapes is not None and self._whole_rows(refs, values, ends, n):
            return
        letters = refs.translate(None, _DIGITS).split(b",")
        digits = refs.translate(None, _LETTERS).split(b",")
        del letters[-1], digits[-1]
        known = self.cols
        present = set(letters)
        present.discard(b"")
        for letter in present.difference(known):
            if len(letter) > 3:
                raise _Restart
            known[letter] = _letters_to_col(letter)
        used = [known[letter] for letter in present]
        c0, c1 = min(used), max(used)
        numbers = dict.fromkeys(digits)   # each row's number once
        if ends:
            del numbers[b""]
        if max(map(len, numbers)) > 7 or not all(map(bytes.isdigit, numbers)):
            raise _Restart   # beyond Excel's rows, or not a number: the exact path says which
        for d in numbers:
            numbers[d] = int(d)
        r0, r1 = min(numbers.values()) - 1, max(numbers.values()) - 1
        self._bounds(n, r0, r1, c1)
        grid = self.grid
        height, width = r1 - r0 + 1, c1 + 1
        if r0 > self.last_row and height <= n + 64 and height * width <= 3 * n + 1024:   # dense: one block
            first, size = r0 + 1, height * width
            for d, r in numbers.items():
                numbers[d] = (r - first) * width   # where the row starts in the block
            numbers[b""] = size   # row ends: the slot past the block
            block = [None] * (size + 1)
            deque(map(block.__setitem__, map(add, map(numbers.__getitem__, digits), map(known.__getitem__, letters)),
                      values), 0)
            grid.update(zip(range(r0, r1 + 1), map(block.__getitem__, map(slice, range(0, size, width),
                                                                           range(width, size + width, width)))))
            self._ran(n, r0, r1, c0, c1)
            return
        if ends:
            letters, digits, values = (list(compress(letters, letters)), list(compress(digits, letters)),
                                       list(compress(values, letters)))
        rows = list(map(numbers.__getitem__, digits))
        cols = list(map(known.__getitem__, letters))
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
        self._ran(n, r0, r1, c0, c1)

    def _bounds(self, n: int, r0: int, r1: int, c1: int) -> None:
        if r0 < 0:
            raise Damaged("row 0")
        if r1 >= limits.EXCEL_ROWS or c1 >= limits.EXCEL_COLUMNS or self.cells + n > limits.MAX_CELLS:
            self.last_row, self.last_col, self.cells = max(self.last_row, r1), max(self.last_col, c1), self.cells + n
            raise TooBig(self._extent())

    def _whole_rows(self, refs: bytes, values: list, ends: int, n: int) -> bool:
        """Place a run of consecutive new rows whole, by their shapes (a row's column letters), without a Python step
        per row or per cell: the shapes come from the references with their digits taken out, and the digits, taken
        apart, must read as the rows first, first + 1, … each repeated once per cell (one comparison of two texts); a
        shape's getter takes the row's values (and the None of its row end for the columns it lacks) in column order.
        False (nothing placed) when the run is not so: a row without a value or with more cells than columns, a cell
        numbered as another row, rows not consecutive or seen before, a sparse, narrow or wide run, more shapes than
        the sheet remembers (so what the shapes hold stays small: ≤ _SHAPES getters of ≤ _SHAPE_WIDTH indices)."""
        if b",,," in refs or refs[:1] == b",":
            return False   # a row without a cell
        shapes = refs.translate(None, _DIGITS).split(b",,")   # "A,B,,A,C,," → "A,B", "A,C", ""
        del shapes[-1]
        digits = refs.translate(None, _LETTERS)   # "5,5,,6,6,,"
        head = digits[:digits.find(b",")]
        if not head.isdigit():
            return False
        first = int(head)
        if len(str(first + ends - 1)) > 7:
            raise _Restart   # beyond Excel's rows: the exact path says so
        sizes = list(map(add, map(bytes.count, shapes, repeat(b",")), repeat(1)))   # each row's cells
        numbers = " ".join(map(str, range(first, first + ends))).encode("ascii").split()
        if b",".join(map(mul, map(add, numbers, repeat(b",")), sizes)) + b"," != digits:
            return False   # a cell numbered as another row, rows not consecutive, a number written otherwise
        distinct = dict.fromkeys(shapes)
        known = self.shapes
        new = [shape for shape in distinct if shape not in known]
        if new:
            if len(known) + len(new) > _SHAPES:
                self.shapes = None   # a sheet of ever new shapes: placed by the other paths from here on
                return False
            for shape in new:
                known[shape] = self._shape(shape)
        used = list(map(known.__getitem__, distinct))
        c0, c1 = min(u[0] for u in used), max(u[1] for u in used)
        width = max(c1 + 1, self.width)
        if width < 2 or width > _SHAPE_WIDTH or max(sizes) > width:
            return False   # (a row of more cells than columns writes a column twice or more)
        r0, r1 = first - 1, first + ends - 2
        self._bounds(n, r0, r1, c1)
        if r0 <= self.last_row or ends * width > 3 * n + 1024:
            return False
        gets = self.getters.get(width)
        if gets is None:
            gets = self.getters[width] = {}
        for shape in distinct.keys() - gets.keys():
            cols = known[shape][2]
            index = [len(cols)] * width   # the row end's None for the columns the row lacks
            for i, c in enumerate(cols):
                index[c] = i   # the last cell of a column written twice, as placing them in order leaves it
            gets[shape] = itemgetter(*index)
        stops = list(accumulate(map(add, sizes, repeat(1))))
        starts = [0]
        starts += islice(stops, ends - 1)
        lines = map(list, map(call, map(gets.__getitem__, shapes), map(values.__getitem__, map(slice, starts, stops))))
        self.grid.update(zip(range(r0, r1 + 1), lines))
        self.width = width
        self._ran(n, r0, r1, c0, c1)
        return True

    def _shape(self, shape: bytes) -> tuple[int, int, list]:
        """A row shape's first and last column and the column of each of its cells."""
        letters = shape.split(b",")
        cols = self.cols
        for letter in letters:
            if letter not in cols:
                if len(letter) > 3:
                    raise _Restart
                cols[letter] = _letters_to_col(letter)
        at = list(map(cols.__getitem__, letters))
        return min(at), max(at), at

    def _ran(self, n: int, r0: int, r1: int, c0: int, c1: int) -> None:
        self.cells += n
        self.first_row, self.last_row = min(self.first_row, r0), max(self.last_row, r1)
        self.first_col, self.last_col = min(self.first_col, c0), max(self.last_col, c1)

    def one(self, key: bytes):
        """The grid value of one cell text (_EMPTY when the cell holds none): the plain forms here, the rest by
        convert."""
        m = _KEY.fullmatch(key)
        if m is None:
            return self.convert(key)
        style, t, number, text, inline = m.groups()
        if inline is not None:
            v = inline.decode("utf-8").strip(" \t\r\n")
            if "_x00" in v:
                v = unescape_x(v)
            if len(v) > limits.EXCEL_CELL_CHARS:
                self.long_text = True
            return None if not v or v.isspace() else v
        if number is not None and (t is None or t == b"n"):
            try:
                v = float(number)
            except ValueError:
                pass
            else:
                kind = OTHER if style is None else self._kind(style)
                return self._dated(v, kind) if kind else v
        v, held = self.value(style, t, "v", number if number is not None else text)
        return v if held else _EMPTY

    def convert(self, key: bytes):
        """The grid value of a cell from the text after its reference: attributes, then '/>' or '>' body '</c>'
        (and what lies between it and the next cell: white space only)."""
        if b"<c" in key and _CELL_START.search(key):
            raise _Restart   # a cell without a reference (or not written r first) follows: expat places it
        key = key.rstrip(b" \t\r\n")
        i = key.find(b">")
        if i == len(key) - 1 and key[-2:] == b"/>":
            return _EMPTY   # <c r="B2" s="1"/>: formatting only
        if i < 0 or key.find(b"</c>") != len(key) - 4:
            raise _Restart   # something other than one cell: expat reads it
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
            return SheetRead([], self.merged, [], self.long_text, frozenset(self.hidden))
        far = self._far_cells()
        height, width = self.last_row + 1, self.last_col + 1
        if height * width > limits.MAX_CELLS:
            raise TooBig(limits.SheetExtent(self.cells, 1, 1, height, width))
        grid = self.grid
        if len(grid) == height and list(map(len, grid.values())).count(width) == height and list(grid) == list(
                range(height)):   # every row placed in order at the sheet's width (runs placed whole): as they are
            rows = list(grid.values())
            self.grid = {}
            return SheetRead(rows, self.merged, far, self.long_text, frozenset(self.hidden))
        rows = []
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
        return SheetRead(rows, self.merged, far, self.long_text, frozenset(self.hidden))

    def _far_cells(self) -> list[tuple[int, int, object]]:
        """Cells far from the rest of the data (beyond FAR_ROWS empty rows or FAR_COLUMNS empty columns from the
        block holding most of it) are left out of the grid; returned as (row, col, value) so the user is told."""
        far: list[tuple[int, int, object]] = []
        grid = self.grid
        if self.last_row - self.first_row > FAR_ROWS and len(grid) <= self.last_row - self.first_row:   # (a gap)
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
