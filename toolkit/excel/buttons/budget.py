"""校验预算: check the budget / final-accounts tables of the workbook; findings on 校验结果."""

from __future__ import annotations


from toolkit.base.errors import InputError
from toolkit.base.layout import Layout
from toolkit.base.sheet import RawSheet
from toolkit.budget.job import parse_validate_settings, run_validate, sheet_rule_lines
from toolkit.budget.workbook import RESULT_SHEET, SheetInput
from toolkit.budget.tables import normalize
from toolkit.excel.book_io import read_sheets, set_status, write_layout
from toolkit.excel.buttons.common import TITLE, _active_sheet, named_values
from toolkit.io.cell_formats import read_formats
from toolkit.io.excel_read import read_workbook


def _comparable(rows: list[list]) -> list[list]:
    import datetime as dt

    out = []
    for row in rows:
        line = []
        for v in row:
            if isinstance(v, dt.datetime) and v.time() == dt.time():
                v = v.date()
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                v = float(v)
            elif isinstance(v, str):
                v = v.strip() or None
            line.append(v)
        while line and line[-1] is None:
            line.pop()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def formats_if_unchanged(path, sheets: list[RawSheet]) -> dict:
    """Shown decimals, percent formats and indentation from the saved file, for the sheets whose saved values are
    exactly the open ones (desktop Excel: the remote object model cannot read formats; a stale file is not used)."""
    from pathlib import Path

    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        saved = {s.name: s.rows for s in read_workbook(path)}
    except InputError:
        return {}
    same = [s.name for s in sheets if s.name in saved and _comparable(saved[s.name]) == _comparable(s.rows)]
    return read_formats(path, same) if same else {}


def budget_plan(sheets: list[RawSheet], file: str | None = None, formats: dict | None = None,
                unit=None) -> tuple[Layout, str]:
    """Check the budget / final-accounts tables of the workbook: the 校验结果 sheet and the message.

    `formats` ({sheet: {(row0, col0): CellFormat}}) gives shown decimals and indentation where they are known;
    `unit` is the template's 金额单位 selector (LA_AmountUnit), used for sheets that declare no unit themselves."""
    formats = formats or {}
    try:
        settings = parse_validate_settings({"unit": unit}, {"unit": "“金额单位”单元格（名称 LA_AmountUnit）"})
    except InputError as exc:
        raise InputError(exc.message, file=file) from None
    inputs = [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {}), settings.unit) for s in sheets
              if normalize(s.name) != RESULT_SHEET]
    outcome = run_validate(inputs, sheet_rule_lines(inputs), file=file)
    return outcome.layout, outcome.message


def validate_budget(book) -> str:
    """校验预算: every identity, share, unit and user rule of the budget tables; the 校验结果 sheet and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(RESULT_SHEET,))
    formats = {} if book.app.engine.name == "remote" else formats_if_unchanged(book.fullname, sheets)
    unit = named_values(book, {"LA_AmountUnit": "unit"}).get("LA_AmountUnit")
    set_status(book, f"{TITLE}：正在校验……")
    layout, message = budget_plan(sheets, file=book.name, formats=formats, unit=unit)
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != RESULT_SHEET:
        book.sheets[active].activate()
    return message
