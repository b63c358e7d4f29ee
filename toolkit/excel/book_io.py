"""Between an open workbook (xw.Book) and the core: sheets in as RawSheets, decisions out as cell writes.

Only the part of xlwings' object model that also works remotely (xlwings Server/Lite) is used: reading `.value`
and `used_range`, writing values, colours, number formats, fonts, merges, widths, adding and clearing sheets.
Never `.api`, never reading colours or formulas. Whole blocks are written at once (one call per block).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from toolkit.io.excel_read import RawSheet
from toolkit.base.layout import Cell, Layout, tag_style
from toolkit.base.text import clean_text

FORMULA_STARTS = ("=", "+", "-", "@")
# the tags whose font colour carries meaning in a workbook (a finding's severity, a link); other colours are left to
# the file writer (each is one more call to Excel per run of cells)
FONT_COLOUR_TAGS = ("error_label", "warning_label", "link")


def read_sheets(book, skip: tuple[str, ...] = ()) -> list[RawSheet]:
    """Every worksheet's values as an A1-anchored RawSheet (merged areas are not read: not available remotely)."""
    sheets = []
    for sheet in book.sheets:
        if sheet.name in skip:
            continue
        sheets.append(read_sheet(sheet))
    return sheets


def read_sheet(sheet) -> RawSheet:
    used = sheet.used_range
    values = used.options(ndim=2).value or []
    top, left = used.row - 1, used.column - 1
    rows = [[None] * (left + len(values[0]) if values else 0) for _ in range(top)]
    for row in values:
        rows.append([None] * left + [_cell_in(v) for v in row])
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return RawSheet(sheet.name, rows)


# ---------------------------------------------------------------- values as Windows Excel hands them over

_WHOLE_LIMIT = 1e15          # Excel keeps 15 significant digits: larger floats (an ID typed as a number) stay floats
_SERIALS = (20000, 80000)    # Excel date serials of 1954–2119 (as toolkit.base.dates reads them)


def excel_value(value):
    """A cell value as the user typed it, whatever way Excel passed it: classic xlwings on Windows sends every number
    as a float (2023 → 2023.0) and every date as a datetime at midnight, Server/Lite send ints and ISO dates. Whole
    floats become ints, midnight datetimes dates, "" None; ranges (lists of rows) element by element."""
    cls = value.__class__
    if cls is float:
        return int(value) if value.is_integer() and -_WHOLE_LIMIT < value < _WHOLE_LIMIT else value
    if cls is str:
        return value if value else None
    if cls is list or cls is tuple:
        return _cells(value)
    if cls is dt.datetime:
        return value.date() if value.time() == dt.time() and value.tzinfo is None else value
    return value


def _cells(values) -> list:
    """excel_value of each item of a range (a row or rows), with text and numbers, most of any range, inline."""
    out = []
    append = out.append
    for v in values:
        cls = v.__class__
        if cls is str:
            append(v if v else None)
        elif cls is float:
            append(int(v) if v.is_integer() and -_WHOLE_LIMIT < v < _WHOLE_LIMIT else v)
        elif v is None or cls is int:
            append(v)
        elif cls is list:
            append(_cells(v))
        else:
            append(excel_value(v))
    return out


def period_value(value):
    """A statistics period from a cell or argument: 2023 / 2023.0 (a year), "2023年", "2023Q1", "2023-03", or a date
    (Excel turns a typed 2023-03 or 2023年3月 into the date 2023-03-01): the month holding that date. None when
    blank; ValueError in Chinese otherwise."""
    from toolkit.stats.job import period_setting   # the statistics job's one period parser

    return period_setting(excel_value(value))


def year_value(value) -> int | None:
    """A year from a cell: 2023, 2023.0, "2023", "2023年", or a date in that year. None when blank; ValueError."""
    value = excel_value(value)
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    period = period_value(value)
    if period is None or period.kind != "year":
        raise ValueError(f"“{clean_text(value)}”不是年份，应写作 2023")
    return period.year


def _cell_in(value):
    if isinstance(value, str) and value == "":
        return None
    return value


def cell_out(value):
    """A Python value as written to a cell: exact numbers, dates, and text that can never become a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 10 ** 15 else float(value)
    if isinstance(value, (int, float, dt.date, dt.datetime)):
        return value
    text = str(value)
    if text == "":
        return None
    if text.startswith(FORMULA_STARTS):
        return "'" + text   # Excel keeps the apostrophe as the "text" prefix, not as content
    return text


def grid(rows: list[list], width: int | None = None) -> list[list]:
    """Rows padded to one width (a rectangular block to write in one call)."""
    width = width if width is not None else max((len(r) for r in rows), default=0)
    return [[cell_out(v) for v in row] + [None] * (width - len(row)) for row in rows]


def runs(values: list, wanted) -> list[tuple[int, int, object]]:
    """Consecutive equal keys: [(start index, end index inclusive, key)] for items where wanted(item) is not None."""
    out = []
    for i, item in enumerate(values):
        key = wanted(item)
        if key is None:
            continue
        if out and out[-1][1] == i - 1 and out[-1][2] == key:
            out[-1] = (out[-1][0], i, key)
        else:
            out.append((i, i, key))
    return out


def sheet_for_output(book, name: str):
    """The sheet `name`, emptied (contents and formats) if it exists, else added after the last sheet."""
    names = [s.name for s in book.sheets]
    if name in names:
        sheet = book.sheets[name]
        sheet.clear()
        return sheet
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def write_layout(book, layout: Layout):
    """A tagged Layout as a sheet of the open workbook (replacing the toolkit's earlier one). Charts are left out."""
    sheet = sheet_for_output(book, layout.name)
    rows = layout.rows
    width = max((len(r) for r in rows), default=0)
    if not rows or not width:
        return sheet
    values = [[None if c is None else c.value for c in row] for row in rows]
    sheet.range((1, 1)).value = grid(values, width)
    for r, row in enumerate(rows, start=1):
        padded = list(row) + [None] * (width - len(row))
        for c0, c1, tag in runs(padded, lambda c: c.tag if isinstance(c, Cell) and c.tag != "text" else None):
            _style(sheet.range((r, c0 + 1), (r, c1 + 1)), tag)
    for r0, c0, r1, c1 in layout.merges:
        sheet.range((r0, c0), (r1, c1)).merge()
    for col, w in layout.widths.items():
        sheet.range((1, col)).column_width = w
    return sheet


def _style(rng, tag: str) -> None:
    """A tag's look (toolkit.base.layout.TAG_STYLES) on a range: number format, bold, size, fill and wrapping; font colours,
    font colours beyond FONT_COLOUR_TAGS, borders and alignment are left to the workbook (each is one more call to Excel per run of cells)."""
    look = tag_style(tag)
    if look.num_format:
        rng.number_format = look.num_format
    if look.bold:
        rng.font.bold = True
    if look.font_size:
        rng.font.size = look.font_size
    if look.fill:
        rng.color = "#" + look.fill
    if look.wrap:
        rng.wrap_text = True
    if tag in FONT_COLOUR_TAGS:
        rng.font.color = "#" + look.font_color


def set_status(book, text: str | None) -> None:
    """Progress in Excel's status bar (desktop Excel only; Office.js has no status bar)."""
    try:
        book.app.status_bar = text if text else False
    except Exception:  # NotImplementedError remotely; never let progress reporting stop the work
        pass


def alert(book, text: str, title: str = "法援财务工具箱") -> None:
    try:
        book.app.alert(text, title=title)
    except Exception:  # a book without an app (tests without Excel): the message is also returned
        pass
