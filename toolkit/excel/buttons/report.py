"""生成自评报告: the draft of the 绩效自评报告 in a sheet of the workbook."""

from __future__ import annotations

from toolkit.base.layout import Layout
from toolkit.base.sheet import RawSheet
from toolkit.excel.book_io import read_sheets, set_status, write_layout
from toolkit.excel.buttons.budget import formats_if_unchanged
from toolkit.excel.buttons.common import SETTINGS_SHEET, TITLE, _active_sheet, named_values, read_settings, split_settings
from toolkit.report.job import REPORT_SHEET, inputs_from_book, parse_report_settings, run_report
from toolkit.subsidy.sheet import SUMMARY_SHEET

YEAR_HINT = f"请在“{SETTINGS_SHEET}”工作表中填写“报告年度”"


def report_plan(sheets: list[RawSheet], settings: dict | None = None, file: str | None = None,
                formats: dict | None = None) -> tuple[Layout, str]:
    """The 绩效自评报告 draft from the workbook's budget sheet, ledger and indicator sheet: a sheet layout, a message.
    The same readers and draft as `legalaid report` (toolkit.report.inputs / toolkit.report.job)."""
    parsed = parse_report_settings(*split_settings(settings or {}, ("year", "centre")))   # the fund: the budget's
    budget, ledger, targets = inputs_from_book(sheets, file, formats, parsed.year)
    outcome = run_report(budget, ledger, targets, parsed, year_hint=YEAR_HINT)
    lines = [f"已生成绩效自评报告草稿，见“{REPORT_SHEET}”工作表：共 {len(outcome.blocks)} 段，写入数字 "
             f"{len(outcome.own.figures)} 个；需人工填写 {outcome.todo} 处（黄色）。"]
    if budget.errors:
        lines.append(f"预算表校验发现 {len(budget.errors)} 处错误，报告中取自预算表的金额可能有误（草稿开头已注明；"
                     f"点“校验预算”可看到错误说明）。")
    if ledger is None:
        lines.append("本工作簿中没有案件台账，案件部分需人工填写。")
    elif ledger.excluded_rows:
        lines.append(f"台账第{outcome.excluded_rows_text()}行有错误，未计入报告中的案件数和金额（点“计算补贴”可看到错误说明）。")
    if outcome.own.findings:
        lines.append(f"草稿自检发现 {len(outcome.own.findings)} 处数字不一致，源自表格本身，请核对预算表。")
    lines.append("如需 Word 文档，可用命令 legalaid report 生成。")
    return outcome.layout, "\n".join(lines)


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
