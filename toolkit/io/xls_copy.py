"""Excel 97–2003 (.xls) workbooks for the commands that write into a copy: the cell formats the budget checks use, and
the workbook carried into a new .xlsx (values, merged cells, each cell's look — number format, font, alignment and
indent, borders, fill — column widths, row heights, hidden rows and columns) so the copy can be patched: an .xls
cannot be.

xlrd reads the formats (`formatting_info`); what it cannot read (a damaged format table) leaves the values to the
ordinary reader and the formats out. A command that needs both the formats and the copy opens the file once
(`opened_xls`, after the reader has checked it) and hands it to both.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from toolkit.base.errors import InputError

COPY_FAILED = ("无法把这个 .xls 工作簿复制为 .xlsx（可能文件已损坏，或用了本工具读不懂的格式记录）；"
               "请在Excel中另存为 .xlsx 后再试。")



def xls_copy_note(src: str, out: str, doing: str, with_formats: bool = True) -> str:
    """What the user is told when an .xls was carried into a new .xlsx to be written in (`doing`: 加标注 …)."""
    if not with_formats:
        return (f"注意：“{src}”是 Excel 97-2003（.xls）格式，不能在原文件上{doing}；它的格式本工具读不懂，新的 .xlsx 文件"
                f"“{out}”中只带入了各工作表的数值（合并单元格、数字格式、列宽等未保留）。原文件未改动。")
    return (f"注意：“{src}”是 Excel 97-2003（.xls）格式，不能在原文件上{doing}；已把各工作表的数值、合并单元格、格式"
            f"（数字格式、字体、对齐、边框、底色）、列宽、行高和隐藏的行列复制到新的 .xlsx 文件“{out}”中再{doing}"
            "（公式只保留计算结果，图表、图片、批注未带入）。原文件未改动。")


# BIFF alignment codes → xlsxwriter's names (BIFF border line styles 0–13 are xlsxwriter's border indexes as they are)
_HORIZONTAL = {1: "left", 2: "center", 3: "right", 4: "fill", 5: "justify", 6: "center_across", 7: "distributed"}
_VERTICAL = {0: "top", 1: "vcenter", 2: "bottom", 3: "vjustify", 4: "vdistributed"}


def _open(path: Path):
    import io

    import xlrd

    # xlrd writes its warnings (an odd file size, an old version) to stdout by default: kept out of the output
    return xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=io.StringIO())


class XlsFile:
    """An .xls opened with its formats on first use (after the reader has checked the file), then kept for the
    formats and the copy both; `book()` is None when xlrd cannot open it (each user then says what it lacks)."""

    def __init__(self, path: Path):
        self.path = path
        self._book = None
        self._tried = False

    def book(self):
        if not self._tried:
            self._tried = True
            with contextlib.suppress(Exception):
                self._book = _open(self.path)
        return self._book

    def close(self) -> None:
        if self._book is not None:
            self._book.release_resources()
            self._book = None


@contextlib.contextmanager
def opened_xls(path: Path):
    """An XlsFile for an .xls (opened when first used, closed at the end), None for another kind of file."""
    xls = XlsFile(path) if path.suffix.lower() == ".xls" else None
    try:
        yield xls
    finally:
        if xls is not None:
            xls.close()


def _number_format(book, xf_index: int) -> str | None:
    xf = book.xf_list[xf_index]
    fmt = book.format_map.get(xf.format_key)
    return fmt.format_str if fmt is not None else None


def xls_cell_formats(path: Path, names: list[str], xls: XlsFile | None = None
                     ) -> dict[str, dict[tuple[int, int], tuple[str | None, int]]]:
    """{sheet: {(row, col) 0-based: (number format, indent level)}} of the cells holding something; {} if the
    formats cannot be read. `xls`: the file as opened once for several uses (`opened_xls`)."""
    book = xls.book() if xls is not None else None
    own = book is None
    try:
        book = book or _open(path)
    except Exception:
        return {}
    out: dict = {}
    try:
        for name in names:
            if name not in book.sheet_names():
                continue
            sh = book.sheet_by_name(name)
            cells = {}
            for r in range(sh.nrows):
                for c in range(sh.row_len(r)):
                    cell = sh.cell(r, c)
                    if cell.ctype in (0, 6):      # empty, blank
                        continue
                    xf = book.xf_list[cell.xf_index]
                    cells[(r, c)] = (_number_format(book, cell.xf_index), int(xf.alignment.indent_level or 0))
            out[name] = cells
    except Exception:   # a record xlrd cannot follow: the values are read anyway, without formats
        return {}
    finally:
        if own:
            book.release_resources()
    return out


def _rgb(book, index: int) -> str | None:
    """'#RRGGBB' of a palette index; None for the automatic / system colours."""
    rgb = book.colour_map.get(index)
    return "#%02X%02X%02X" % tuple(rgb) if rgb else None


def _look_spec(book, xf_index: int, date: bool) -> dict:
    """The xlsxwriter format properties of one XF record (a cell's whole look)."""
    xf = book.xf_list[xf_index]
    spec: dict = {}
    fmt = _number_format(book, xf_index)
    if date:
        spec["num_format"] = fmt if fmt and fmt.lower() != "general" else "yyyy-mm-dd"
    elif fmt and fmt.lower() != "general":
        spec["num_format"] = fmt
    if xf.font_index < len(book.font_list):
        font = book.font_list[xf.font_index]
        spec.update(font_name=font.name, font_size=font.height / 20)
        if font.bold:
            spec["bold"] = True
        if font.italic:
            spec["italic"] = True
        if font.struck_out:
            spec["font_strikeout"] = True
        if font.underline_type in (1, 2, 0x21, 0x22):
            spec["underline"] = {1: 1, 2: 2, 0x21: 33, 0x22: 34}[font.underline_type]
        colour = _rgb(book, font.colour_index)
        if colour and colour != "#000000":
            spec["font_color"] = colour
    al = xf.alignment
    if al.hor_align in _HORIZONTAL:
        spec["align"] = _HORIZONTAL[al.hor_align]
    if al.vert_align in _VERTICAL and al.vert_align != 2:   # bottom is both formats' default
        spec["valign"] = _VERTICAL[al.vert_align]
    if al.text_wrapped:
        spec["text_wrap"] = True
    if al.shrink_to_fit:
        spec["shrink"] = True
    if al.indent_level:
        spec["indent"] = int(al.indent_level)
    if al.rotation and (0 < al.rotation <= 180 or al.rotation == 255):
        spec["rotation"] = al.rotation if al.rotation <= 90 else (270 if al.rotation == 255 else 90 - al.rotation)
    bd = xf.border
    for side in ("left", "right", "top", "bottom"):
        style = getattr(bd, f"{side}_line_style")
        if 0 < style <= 13:
            spec[side] = style
            colour = _rgb(book, getattr(bd, f"{side}_colour_index"))
            if colour and colour != "#000000":
                spec[f"{side}_color"] = colour
    bg = xf.background
    if bg.fill_pattern == 1:          # solid: xlsxwriter takes the cell colour as bg_color
        colour = _rgb(book, bg.pattern_colour_index)
        if colour:
            spec.update(pattern=1, bg_color=colour)
    elif 1 < bg.fill_pattern <= 18:
        spec["pattern"] = bg.fill_pattern
        for key, index in (("fg_color", bg.pattern_colour_index), ("bg_color", bg.background_colour_index)):
            colour = _rgb(book, index)
            if colour:
                spec[key] = colour
    return spec


def xls_to_xlsx(path: Path, target: Path, xls: XlsFile | None = None) -> None:
    """Write the .xls workbook's sheets into a new .xlsx at `target`, cells at the places the reader gives them:
    values (numbers, text, dates, booleans), merged cells, each cell's look, column widths, row heights, hidden rows
    and columns. Formulas come over as their values. `xls`: the file as opened once for several uses (`opened_xls`).
    InputError (COPY_FAILED) if xlrd cannot follow the file."""
    book = xls.book() if xls is not None else None
    own = book is None
    try:
        book = book or _open(path)
        _write_copy(book, target)
    except InputError:
        raise
    except Exception:
        raise InputError(COPY_FAILED, file=path.name) from None
    finally:
        if own and book is not None:
            book.release_resources()


def _write_copy(book, target: Path) -> None:
    import xlsxwriter
    from xlrd import XL_CELL_BOOLEAN as BOOLEAN, XL_CELL_DATE as DATE, XL_CELL_EMPTY as EMPTY, \
        XL_CELL_NUMBER as NUMBER, XL_CELL_TEXT as TEXT

    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    if book.font_list:   # the workbook's own default font: column widths are counted in its characters
        options["default_format_properties"] = {"font_name": book.font_list[0].name,
                                                "font_size": book.font_list[0].height / 20}
    out = xlsxwriter.Workbook(str(target), options)
    looks: dict[tuple[int, bool], object] = {}

    def look(xf_index: int, date: bool = False):
        key = (xf_index, date)
        if key not in looks:
            spec = _look_spec(book, xf_index, date)
            looks[key] = out.add_format(spec) if spec else None
        return looks[key]
    try:
        shown = [book.sheet_by_index(i).visibility == 0 for i in range(book.nsheets)]
        first = shown.index(True) if any(shown) else 0
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            ws = out.add_worksheet(sh.name[:31])
            if index == first:   # the first shown sheet opens; the others hidden in the .xls stay hidden
                ws.activate()
                ws.set_first_sheet()
            elif not shown[index]:
                ws.hide()
            if sh.default_row_height and 0 < sh.default_row_height < 0x8000:
                ws.set_default_row(sh.default_row_height / 20)
            for c, info in sh.colinfo_map.items():
                # the .xls's width (1/256 of a digit, cell padding included) is the .xlsx's <col width> as it is
                ws.set_column_pixels(c, c, round(info.width * 7 / 256), None, {"hidden": bool(info.hidden)})
            for r, info in sh.rowinfo_map.items():
                height = info.height / 20 if info.height_mismatch and 0 < info.height < 0x8000 else None
                if info.hidden or height is not None:
                    ws.set_row(r, height, None, {"hidden": True} if info.hidden else None)
            for r in range(sh.nrows):
                types, values = sh.row_types(r), sh.row_values(r)
                for c, kind in enumerate(types):
                    if kind == EMPTY:
                        continue
                    fmt = look(sh.cell_xf_index(r, c), kind == DATE)
                    if kind == NUMBER:
                        ws.write_number(r, c, values[c], fmt)
                    elif kind == TEXT:
                        ws.write_string(r, c, values[c], fmt)
                    elif kind == DATE:   # the serial number as it is (1904-based ones moved to 1900), with its format
                        ws.write_number(r, c, values[c] + (1462 if book.datemode else 0), fmt)
                    elif kind == BOOLEAN:
                        ws.write_boolean(r, c, bool(values[c]), fmt)
                    elif fmt is not None:   # blank, error: its look (a border, a fill) only
                        ws.write_blank(r, c, None, fmt)
            for r0, r1, c0, c1 in sh.merged_cells:          # xlrd: rows r0..r1-1, columns c0..c1-1
                if (r1 - r0) * (c1 - c0) > 1:
                    top = sh.cell(r0, c0) if r0 < sh.nrows and c0 < sh.row_len(r0) else None
                    value = top.value if top is not None and top.ctype in (NUMBER, TEXT, DATE) else ""
                    fmt = look(top.xf_index, top.ctype == DATE) if top is not None else None
                    if isinstance(value, float):
                        value += 1462 if top.ctype == DATE and book.datemode else 0
                        ws.merge_range(r0, c0, r1 - 1, c1 - 1, "", fmt)
                        ws.write_number(r0, c0, value, fmt)
                    else:
                        ws.merge_range(r0, c0, r1 - 1, c1 - 1, str(value), fmt)
    finally:
        out.close()
