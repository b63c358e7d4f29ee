"""Output layouts as data: cells tagged with what they are ('title', 'header', 'money', …), not how they look.

Shells turn a Layout into a real sheet (XlsxPatch/xlsxwriter for files, xlwings for an open workbook).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

# tags: the keys of TAG_STYLES below (how each looks); an unknown tag looks like 'text'


@dataclass(frozen=True)
class Cell:
    value: object
    tag: str = "text"


@dataclass
class Chart:
    kind: str                       # column | bar | pie | line
    title: str
    categories: tuple[int, int, int]          # (column, first row, last row), 1-based
    series: list[tuple[str, tuple[int, int, int]]]  # (name, (column, first row, last row))
    anchor: tuple[int, int]         # (row, column) of the top-left corner


@dataclass
class Layout:
    """A sheet to write: rows of Cells from A1, merged title ranges, column widths, charts."""

    name: str
    rows: list[list[Cell | None]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # (row0, col0, row1, col1), 1-based
    charts: list[Chart] = field(default_factory=list)
    freeze_rows: int = 0
    landscape: bool = False
    fit_width: bool = False     # print scaled to one page wide
    links: dict[str, str] = field(default_factory=dict)   # "B2" → "'Sheet'!C5": a cell linked to a place in the book

    def add(self, *cells: Cell | None) -> int:
        """Append a row; returns its 1-based row number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def blank(self) -> None:
        self.rows.append([])


def col_letter(col: int) -> str:
    """1 → A, 27 → AA (the project's one column-letter conversion; 0-based callers add 1)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """"A" → 1, "AA" → 27 (the inverse of col_letter)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def text_units(text: str) -> int:
    """Width of a text in Excel's width units (digits): a CJK or full-width character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def wrapped_lines(text, width: float) -> int:
    """Lines a wrapped cell of `width` characters needs for `text` (its own line breaks kept)."""
    if text is None or text == "":
        return 1
    room = max(int(width) - 1, 1)     # the cell's padding takes about one character
    return sum(max(1, -(-text_units(part) // room)) for part in str(text).split("\n"))


def row_height(lines: int, font_size: float = 11) -> float:
    """Row height in points for `lines` lines of text (Excel, WPS and LibreOffice all fit in this)."""
    return round(max(lines, 1) * font_size * 1.35 + 3, 1)


# ---------------------------------------------------------------- how each tag looks (one table for every writer)

@dataclass(frozen=True)
class TagStyle:
    """The look of a tag's cells; the file writer (io/layout_writer) and the button writer (excel/book_io) both
    translate from TAG_STYLES. Colours are RGB hex without '#'. No italics: slanted Chinese reads badly."""

    num_format: str | None = None
    bold: bool = False
    font_size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    wrap: bool = False              # wrapped text (the file writer also sets row heights for it)
    h_align: str | None = None      # "center" | "left" | "right"
    border: bool = False            # a thin grid around the cell


_TOTAL = "F2F2F2"
TAG_STYLES: dict[str, TagStyle] = {
    "title": TagStyle(bold=True, font_size=14),
    "note": TagStyle(font_color="595959", wrap=True),          # grey, wrapped
    "section": TagStyle(bold=True, font_size=12, font_color="1F4E78"),
    "header": TagStyle(bold=True, fill="D9E1F2", border=True, h_align="center"),
    "text": TagStyle(border=True),
    "money": TagStyle(num_format="#,##0.00", border=True),
    "count": TagStyle(num_format="#,##0", border=True),
    "percent": TagStyle(num_format="0.00%", border=True),
    "ratio": TagStyle(num_format="0.00", border=True),
    "total_label": TagStyle(bold=True, fill=_TOTAL, border=True),
    "total_money": TagStyle(bold=True, fill=_TOTAL, num_format="#,##0.00", border=True),
    "total_count": TagStyle(bold=True, fill=_TOTAL, num_format="#,##0", border=True),
    "error": TagStyle(fill="FFC7CE", font_color="9C0006"),
    "warning": TagStyle(fill="FFEB9C", font_color="9C5700"),
    "paragraph": TagStyle(wrap=True),                          # running text of a report draft
    "todo": TagStyle(fill="FFEB9C", wrap=True),                # a passage the user still has to write
    # a list of findings (校验结果): the severity in its colour, texts wrapped, places as links
    "result_header": TagStyle(bold=True, fill="DDEBF7", border=True, h_align="center", wrap=True),
    "error_label": TagStyle(bold=True, font_color="C00000", border=True),
    "warning_label": TagStyle(font_color="9C5700", border=True),
    "wrapped": TagStyle(wrap=True, border=True),
    "link": TagStyle(wrap=True, border=True, font_color="0563C1"),
    "amount": TagStyle(num_format="#,##0.00##", border=True),
}


def tag_style(tag: str) -> TagStyle:
    """The look of `tag` ('text' for a tag the table does not know)."""
    return TAG_STYLES.get(tag, TAG_STYLES["text"])


@dataclass
class TableSheet:
    """A plain table sheet to write (an optional merged title row, a header row, data rows): what a job decides and
    toolkit.io.xlsx.table_writer writes fast."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float | None] = ()
    formats: Sequence[str | None] = ()       # number format of each column's data cells
    title: str = ""
    freeze: bool = True
    autofilter: bool = False
    landscape: bool = False
    fit_to_width: bool = False
    paper: int = 9
    print_titles: bool = True
    borders: bool = True
    wrap_columns: Sequence[int] = field(default_factory=tuple)
