"""生成自评报告: the draft of the 绩效自评报告 in a sheet of the workbook."""

from __future__ import annotations


from toolkit.base.errors import InputError
from toolkit.io.excel_read import RawSheet
from toolkit.base.layout import Cell, Layout
from toolkit.subsidy.sheet import SUMMARY_SHEET
from toolkit.base.text import clean_text
from toolkit.excel.book_io import (read_sheets, set_status, write_layout, year_value)

from toolkit.excel.buttons.budget import formats_if_unchanged
from toolkit.excel.buttons.common import (TITLE, SETTINGS_SHEET, read_settings, named_values, _setting_error, _active_sheet)


REPORT_SHEET = "自评报告草稿"


def report_plan(sheets: list[RawSheet], settings: dict | None = None, file: str | None = None,
                formats: dict | None = None) -> tuple[Layout, str]:
    """The 绩效自评报告 draft from the workbook's budget sheet, ledger and indicator sheet: a sheet layout, a message.
    The same readers as `legalaid report`: budget core (with its check), statistics core, evaluation core."""
    from toolkit.cli.report import budget_from_sheets, ledger_figures, report_figures, targets_from_sheets
    from toolkit.ledger.book import find_ledger_sheet
    from toolkit.report.check import check_report
    from toolkit.report.draft import HEADING1, HEADING2, TITLE, TODO, TODO_MARK, draft_report

    settings = settings or {}
    year = None
    if "year" in settings:
        value, where = settings["year"]
        try:
            year = year_value(value)
        except ValueError:
            raise _setting_error(f"报告年度“{clean_text(value)}”应为年份，如 2023。", where) from None
    centre = clean_text(settings["centre"][0]) if "centre" in settings else None
    budget = budget_from_sheets(sheets, file, formats)
    try:
        find_ledger_sheet(sheets, file=file)
        ledger = ledger_figures(sheets, file, year or budget.year)
    except InputError as exc:
        if "没有找到案件台账工作表" not in exc.message:
            raise
        ledger = None            # a report on the budget alone: the case paragraphs are left to fill in
    targets = targets_from_sheets(sheets, file)
    try:
        figures = report_figures(budget, ledger, targets, year, centre)
    except InputError as exc:
        raise InputError(exc.message.replace("请用 --year 指定", f"请在“{SETTINGS_SHEET}”工作表中填写“报告年度”"),
                         file=exc.file) from None
    blocks = draft_report(figures)
    tags = {TITLE: "title", HEADING1: "section", HEADING2: "section", TODO: "todo"}
    layout = Layout(REPORT_SHEET, widths={1: 110})
    for block in blocks:
        layout.add(Cell(block.text, tags.get(block.style, "paragraph")))
    own = check_report("\n".join(b.text for b in blocks))
    todo = sum(1 for b in blocks if b.style == TODO and b.text.startswith(TODO_MARK))
    lines = [f"已生成绩效自评报告草稿，见“{REPORT_SHEET}”工作表：共 {len(blocks)} 段，写入数字 {len(own.figures)} 个；"
             f"需人工填写 {todo} 处（黄色）。"]
    if budget.errors:
        lines.append(f"预算表校验发现 {len(budget.errors)} 处错误，报告中取自预算表的金额可能有误（草稿开头已注明；"
                     f"点“校验预算”可看到错误说明）。")
    if ledger is None:
        lines.append("本工作簿中没有案件台账，案件部分需人工填写。")
    elif ledger.excluded_rows:
        rows = "、".join(map(str, ledger.excluded_rows[:10])) + ("等" if len(ledger.excluded_rows) > 10 else "")
        lines.append(f"台账第{rows}行有错误，未计入报告中的案件数和金额（点“计算补贴”可看到错误说明）。")
    if own.findings:
        lines.append(f"草稿自检发现 {len(own.findings)} 处数字不一致，源自表格本身，请核对预算表。")
    lines.append("如需 Word 文档，可用命令 legalaid report 生成。")
    return layout, "\n".join(lines)


def draft_report_job(book) -> str:
    """生成自评报告: the draft as a sheet of this workbook (Excel on the web has no files to write)."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(REPORT_SHEET, SUMMARY_SHEET))
    settings = read_settings(sheets, named_values(book))
    formats = {} if book.app.engine.name == "remote" else formats_if_unchanged(book.fullname, sheets)
    set_status(book, f"{TITLE}：正在起草报告……")
    layout, message = report_plan(sheets, settings, file=book.name, formats=formats)
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != REPORT_SHEET:
        book.sheets[active].activate()
    return message
