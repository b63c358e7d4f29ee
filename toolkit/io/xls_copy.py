"""Excel 97–2003 (.xls) workbooks for the commands that annotate a copy: the cell formats the budget checks use, and
the workbook carried into a new .xlsx (values, merged cells, number formats, indents, column widths, hidden rows) so
the copy can be patched — an .xls cannot be.

xlrd reads the formats (`formatting_info`); what it cannot read (an Excel 95 file, a damaged format table) leaves the
values to the ordinary reader and the formats out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def _open(path: Path):
    import xlrd

    return xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)


def _number_format(book, xf_index: int) -> str | None:
    xf = book.xf_list[xf_index]
    fmt = book.format_map.get(xf.format_key)
    return fmt.format_str if fmt is not None else None


def xls_cell_formats(path: Path, names: list[str]) -> dict[str, dict[tuple[int, int], tuple[str | None, int]]]:
    """{sheet: {(row, col) 0-based: (number format, indent level)}} of the cells holding something; {} if the
    formats cannot be read."""
    try:
        book = _open(path)
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
        book.release_resources()
    return out


def xls_to_xlsx(path: Path, target: Path) -> None:
    """Write the .xls workbook's sheets into a new .xlsx at `target`: values (numbers, text, dates, booleans),
    merged cells, number formats, indents, column widths and hidden rows. Formulas come over as their values."""
    import xlrd
    import xlsxwriter

    book = _open(path)
    out = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
    looks: dict[tuple, object] = {}

    def look(fmt: str | None, indent: int, date: bool):
        key = (fmt, indent, date)
        if key not in looks:
            spec = {}
            if date:
                spec["num_format"] = fmt if fmt and fmt.lower() != "general" else "yyyy-mm-dd"
            elif fmt and fmt.lower() != "general":
                spec["num_format"] = fmt
            if indent:
                spec["indent"] = indent
            looks[key] = out.add_format(spec) if spec else None
        return looks[key]
    try:
        for sh in book.sheets():
            ws = out.add_worksheet(sh.name[:31])
            for c, info in sh.colinfo_map.items():
                ws.set_column(c, c, info.width / 256, None, {"hidden": bool(info.hidden)})
            for r, info in sh.rowinfo_map.items():
                if info.hidden:
                    ws.set_row(r, None, None, {"hidden": True})
            for r in range(sh.nrows):
                for c in range(sh.row_len(r)):
                    cell = sh.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                        continue
                    xf = book.xf_list[cell.xf_index]
                    fmt, indent = _number_format(book, cell.xf_index), int(xf.alignment.indent_level or 0)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            when = xlrd.xldate_as_datetime(cell.value, book.datemode)
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            ws.write_number(r, c, cell.value, look(fmt, indent, False))
                            continue
                        ws.write_datetime(r, c, when if isinstance(when, dt.datetime) else
                                          dt.datetime.combine(when, dt.time()), look(fmt, indent, True))
                    elif cell.ctype == xlrd.XL_CELL_NUMBER:
                        ws.write_number(r, c, cell.value, look(fmt, indent, False))
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        ws.write_boolean(r, c, bool(cell.value), look(fmt, indent, False))
                    else:
                        ws.write_string(r, c, str(cell.value), look(fmt, indent, False))
            for r0, r1, c0, c1 in sh.merged_cells:          # xlrd: rows r0..r1-1, columns c0..c1-1
                if (r1 - r0) * (c1 - c0) > 1:
                    top = sh.cell(r0, c0) if r0 < sh.nrows and c0 < sh.row_len(r0) else None
                    value = top.value if top is not None and top.ctype not in (0, 6) else ""
                    fmt = look(*((_number_format(book, top.xf_index), 0, False) if top is not None else
                                 (None, 0, False)))
                    if isinstance(value, float):
                        ws.merge_range(r0, c0, r1 - 1, c1 - 1, "", fmt)
                        ws.write_number(r0, c0, value, fmt)
                    else:
                        ws.merge_range(r0, c0, r1 - 1, c1 - 1, str(value), fmt)
    finally:
        book.release_resources()
        out.close()
