"""计算补贴: the toolkit's columns on the ledger sheet and the 补贴汇总 sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.base.findings import Finding
from toolkit.base.layout import Layout, tag_style
from toolkit.base.sheet import RawSheet
from toolkit.excel.book_io import grid, read_sheets, runs, set_status, write_layout
from toolkit.excel.buttons.common import (HIGHLIGHT, TITLE, _active_sheet, choose_ledger_sheet, named_values, read_settings,
                                          split_settings)
from toolkit.io.limits import EXCEL_COLUMNS
from toolkit.ledger.book import build_ledger, build_standard, combined_label
from toolkit.subsidy.job import LedgerPart, ledger_placements, parse_subsidy_settings, run_subsidy
from toolkit.subsidy.sheet import SUMMARY_SHEET, LedgerColumns

FUND_HINT = "未填写专项经费：在“参数”工作表A列写“专项经费”、B列写金额（如 46万）即可对比。"


@dataclass
class SubsidyPlan:
    """Everything the 计算补贴 button writes, decided without touching the workbook."""

    sheet: str                 # the ledger sheet
    header_row: int            # 1-based Excel row of the ledger header
    first_col: int             # 1-based column of the first toolkit column
    last_row: int              # last Excel row the toolkit columns cover (old values below are cleared)
    columns: LedgerColumns
    layout: Layout
    message: str
    findings: list[Finding] = field(default_factory=list)
    others: list["SubsidyPlan"] = field(default_factory=list)   # the other sheets of a combined ledger (columns only)
    part: LedgerPart | None = None


def subsidy_plan(sheets: list[RawSheet], settings: dict | None = None, active: str | None = None,
                 file: str | None = None) -> SubsidyPlan:
    """Compute every case's subsidy and decide what the workbook gets: toolkit columns, 补贴汇总, the message."""
    parsed = parse_subsidy_settings(*split_settings(settings or {}))
    ledger = build_ledger(sheets, choose_ledger_sheet(sheets, active), file=file)
    standard = build_standard(sheets, parsed.standard, file=file)
    by_name = {s.name: s for s in sheets}
    places = ledger_placements(ledger, {(p.file, p.sheet): by_name[p.sheet] for p in ledger.pieces}, EXCEL_COLUMNS, file)
    outcome = run_subsidy(ledger, standard, parsed, places, fund_hint=FUND_HINT,
                          source=combined_label(ledger) if file or ledger.parts else f"本工作簿「{ledger.sheet}」")
    plans = [SubsidyPlan(p.key[1], p.place.header_row, p.place.first_col, p.last_row, p.columns, outcome.layout,
                         outcome.message, outcome.findings, part=p) for p in outcome.parts]
    plans[0].others = plans[1:]
    return plans[0]


def ledger_block(plan: SubsidyPlan) -> list[list]:
    """The toolkit columns from the header row down to plan.last_row, as one rectangular block."""
    cols = plan.columns
    empty = [None] * len(cols.headers)
    block = [list(cols.headers)]
    for r in range(plan.header_row + 1, plan.last_row + 1):
        block.append(list(cols.rows.get(r) or cols.total_rows.get(r) or empty))
    return block


def write_subsidy_plan(book, plan: SubsidyPlan) -> None:
    """Write the plan into the open workbook: only the toolkit's columns of the ledger sheet(s) and 补贴汇总."""
    for part in [plan, *plan.others]:
        _write_ledger_columns(book, part)
    write_layout(book, plan.layout)


def _write_ledger_columns(book, plan: SubsidyPlan) -> None:
    sheet = book.sheets[plan.sheet]
    n = len(plan.columns.headers)
    top, left, last = plan.header_row, plan.first_col, plan.last_row
    block = ledger_block(plan)
    sheet.range((top, left)).value = grid(block, n)
    header = sheet.range((top, left), (top, left + n - 1))
    header.font.bold = True
    header.color = "#" + tag_style("header").fill
    body = sheet.range((top + 1, left), (last, left + n - 1))
    body.color = None                                   # earlier highlights of our own columns go
    sheet.range((top + 1, left), (last, left + 2)).number_format = tag_style("money").num_format
    note_col = left + n - 1
    severities = [plan.part.note_severity(r, row[n - 1]) for r, row in enumerate(block[1:], start=top + 1)]
    for i0, i1, severity in runs(severities, lambda s: s):
        sheet.range((top + 1 + i0, note_col), (top + 1 + i1, note_col)).color = HIGHLIGHT[severity]
    for i, width in enumerate(plan.columns.widths):
        sheet.range((1, left + i)).column_width = width


def compute_subsidy(book) -> str:
    """计算补贴: every case's subsidy next to the ledger, the 补贴汇总 sheet, and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(SUMMARY_SHEET,))
    settings = read_settings(sheets, named_values(book))
    set_status(book, f"{TITLE}：正在计算补贴……")
    plan = subsidy_plan(sheets, settings, active=_active_sheet(book), file=book.name)
    set_status(book, f"{TITLE}：正在写入结果……")
    active = _active_sheet(book)
    write_subsidy_plan(book, plan)
    if active and active != SUMMARY_SHEET:      # adding a sheet activates it in desktop Excel: go back
        book.sheets[active].activate()
    return plan.message
