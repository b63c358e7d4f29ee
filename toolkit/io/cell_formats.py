"""The cell formats of a saved workbook the budget checks use: shown decimals, percent formats, indentation."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.budget.tables import CellFormat

_DECIMALS_RE = re.compile(r"\.([0#?]+)")


def format_decimals(number_format: str | None) -> tuple[int | None, bool]:
    """(decimals shown, percent) of an Excel number format; (None, False) for General / text."""
    if not number_format or number_format.lower() in ("general", "@"):
        return None, False
    section = number_format.split(";")[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    m = _DECIMALS_RE.search(section)
    if not re.search(r"[0#?]", section):
        return None, False
    return (len(m.group(1)) if m else 0), "%" in section


def read_formats(path: Path, names: list[str], xls_book=None) -> dict[str, dict[tuple[int, int], CellFormat]]:
    """Shown decimals, percent formats and indentation of numeric / label cells (.xlsx/.xlsm, and .xls via xlrd;
    `xls_book`: the .xls as opened once, toolkit.io.xls_copy.opened_xls)."""
    if path.suffix.lower() == ".xls":
        return _xls_formats(path, names, xls_book)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # calamine could read it; without formats the values' own decimals are used
        return {}
    out = {}
    try:
        for name in names:
            if name not in wb.sheetnames:
                continue
            ws = wb[name]
            cells = {}
            try:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.value is None:
                            continue
                        decimals, percent = format_decimals(cell.number_format)
                        indent = int(cell.alignment.indent or 0) if cell.alignment is not None else 0
                        if decimals is not None or percent or indent:
                            cells[(cell.row - 1, cell.column - 1)] = CellFormat(decimals, percent, indent)
            except Exception:   # a part openpyxl cannot parse (the values were read): no formats for this sheet
                cells = {}
            out[name] = cells
    finally:
        wb.close()
    return out


def _xls_formats(path: Path, names: list[str], xls=None) -> dict[str, dict[tuple[int, int], CellFormat]]:
    """The same for an Excel 97–2003 workbook (its XF records, read by xlrd)."""
    from toolkit.io.xls_copy import xls_cell_formats

    out = {}
    for name, cells in xls_cell_formats(path, names, xls).items():
        kept = {}
        for at, (number_format, indent) in cells.items():
            decimals, percent = format_decimals(number_format)
            if decimals is not None or percent or indent:
                kept[at] = CellFormat(decimals, percent, indent)
        out[name] = kept
    return out
