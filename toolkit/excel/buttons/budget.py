"""校验预算: check the budget / final-accounts tables of the workbook; findings on 校验结果."""

from __future__ import annotations


from toolkit.base.errors import InputError
from toolkit.io.excel_read import RawSheet
from toolkit.base.layout import Cell, Layout
from toolkit.base.text import clean_text
from toolkit.excel.book_io import (read_sheets, set_status, write_layout)

from toolkit.excel.buttons.common import (TITLE, named_values, _active_sheet)


RESULT_SHEET = "校验结果"
RESULT_WIDTHS = {1: 10, 2: 22, 3: 30, 4: 14, 5: 14, 6: 14, 7: 90}


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

    from toolkit.cli.validate import read_formats
    from toolkit.io.excel_read import read_workbook

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
    from toolkit.base.findings import ERROR as BUDGET_ERROR
    from toolkit.budget.labels import UNIT_SCALE, normalize
    from toolkit.budget.workbook import RULES_SHEET, SheetInput, check_workbook, read_tables, unchecked_sheets
    from toolkit.budget.user_rules import rules_from_sheet
    from toolkit.cli.validate import result_rows

    formats = formats or {}
    unit = clean_text(unit) if unit is not None else None
    if unit and unit not in UNIT_SCALE:
        raise InputError(f"“金额单位”单元格（名称 LA_AmountUnit）只能填“元”或“万元”，现为“{unit}”。", file=file)
    inputs = [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {}), unit or None) for s in sheets
              if normalize(s.name) != RESULT_SHEET]
    rule_lines = []
    for s in inputs:
        if normalize(s.name) == RULES_SHEET:
            rule_lines += rules_from_sheet(s.rows, s.name)
    if not read_tables(inputs):
        raise InputError("没有找到可校验的预算/决算表：表头中需要有“项目”“科目名称”或“名称”列，右侧为金额列。", file=file)
    findings = check_workbook(inputs, rule_lines)
    idle = unchecked_sheets(inputs)
    rows, _ = result_rows(findings, [s.name for s in sheets], idle)
    layout = Layout(RESULT_SHEET, widths=dict(RESULT_WIDTHS), freeze_rows=1)
    layout.add(*(Cell(h, "header") for h in rows[0]))
    for f, row in zip(findings, rows[1:]):
        tag = "error" if f.severity == BUDGET_ERROR else "warning"
        layout.add(Cell(row[0], tag), *(Cell(v) for v in row[1:]))
    if not findings:
        layout.add(*(Cell(v) for v in rows[1]))
    for row in rows[1 + max(len(findings), 1):]:        # sheets left unchecked, with the reason
        layout.add(Cell(row[0], "warning"), *(Cell(v) for v in row[1:]))
    errors = sum(f.severity == BUDGET_ERROR for f in findings)
    if findings:
        message = (f"预算校验完成：发现 {errors} 个错误、{len(findings) - errors} 个警告，逐条列在“{RESULT_SHEET}”工作表"
                   "（位置列为 工作表!单元格）。原表未作任何改动。")
    else:
        message = "预算校验完成：全部校验通过，未发现错误或警告。"
    if idle:
        message += "\n未校验的工作表：" + "、".join(f"“{u['sheet']}”" for u in idle) + f"（原因见“{RESULT_SHEET}”工作表）。"
    unformatted = [s.name for s in inputs if not s.formats and s.name in {b.sheet for b in read_tables(inputs)}]
    if unformatted:
        message += ("\n注意：未能读取" + "、".join(f"“{n}”" for n in unformatted) + "的数字格式和缩进"
                    "（Excel 网页版不提供；桌面版请先保存工作簿），容差按数值本身的小数位计算，仅靠缩进表示的层级无法识别。")
    return layout, message


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
