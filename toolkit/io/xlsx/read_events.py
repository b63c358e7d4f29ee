"""Reading a worksheet's cells with expat, as calamine does (read_sheet's exact path for the forms its fast scan does
not read): rows and cells placed by reference or after the previous one; the value from a cell's last child."""

from __future__ import annotations

import re

from toolkit.io import limits
from toolkit.io.xlsx.read_common import Damaged, _local, _TextEvents

_REF = re.compile(r"([A-Za-z]*)([0-9]*)")


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


def no_result(value) -> bool:
    """A formula's saved result that may be no result at all: 0, nothing, blank text (a program that cannot calculate
    saves 0 or nothing; so does Excel set to manual calculation, for a formula never calculated)."""
    return value is None or value.__class__ is float and value == 0 or value.__class__ is object   # object: _EMPTY


def _dimension(text: str) -> tuple[int, int, int, int]:
    parts = [_ref(p) for p in text.split(":")]
    if len(parts) not in (1, 2) or any(c is None for _, c in parts):
        raise Damaged(f"bad range {text[:40]!r}")
    (r0, c0), (r1, c1) = parts[0], parts[-1]
    return r0, c0, r1, c1


class _CellEvents:
    """Expat handlers that read cells as calamine does: rows and cells placed by reference, or after the previous
    one when they have none; the value from the last of a cell's v, is or f children. Cells holding a formula are
    also listed in `formulas` (read_formulas uses them; the reader is told one was met)."""

    def __init__(self, reader):   # reader: read_sheet._SheetReader
        self.reader = reader
        self.row = 0
        self.col = 0
        self.found: list[tuple[int, int, object, bool]] = []
        self.formulas: list[tuple[int, int, object, str | None]] = []   # (row, col, result, array ref); "#": an error
        self.formula: str | bool = False   # the open cell has an <f> child (its array range, if it spans one)
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
                elif local == "f":
                    self.formula = attrs.get("ref", True) if attrs.get("t") == "array" else True
            else:
                self.depth += 1
                if self.child == "is":
                    self.rich.start(name, attrs)
            return
        if local == "row":
            if "r" in attrs:
                self.row = _ref(attrs["r"])[0]
            if attrs.get("hidden") in ("1", "true") and self.row < limits.EXCEL_ROWS:
                self.reader.hidden.add(self.row)
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
            self.kind, self.chars, self.formula = None, [], False
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
                if self.formula:
                    result = "#" if t == b"e" else v if held else None
                    self.formulas.append((row, col, result, self.formula if self.formula is not True else None))
                    if no_result(result):
                        self.reader.formula_seen = True
                    else:
                        self.reader.formula_results = True
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
