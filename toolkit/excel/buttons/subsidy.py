"""计算补贴: the toolkit's columns on the ledger sheet and the 补贴汇总 sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.base.findings import ERROR, Finding
from toolkit.io.excel_read import RawSheet
from toolkit.ledger.parse import Ledger
from toolkit.ledger.book import (build_ledger, build_standard, combination_lines, combined_label, compute_by_sheet)
from toolkit.base.layout import Layout
from toolkit.base.money import format_yuan, parse_amount
from toolkit.subsidy.compute import compare_fund, parse_level, price_ranges, scenarios
from toolkit.subsidy.sheet import SUMMARY_SHEET, LedgerColumns, ledger_columns, summary_layout
from toolkit.base.text import clean_text
from toolkit.excel.book_io import (grid, read_sheets, runs, set_status, write_layout)

from toolkit.excel.buttons.common import (choose_ledger_sheet, TITLE, HIGHLIGHT, read_settings, named_values, _setting_error, _active_sheet, note_severity)


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


def subsidy_plan(sheets: list[RawSheet], settings: dict | None = None, active: str | None = None,
                 file: str | None = None) -> SubsidyPlan:
    """Compute every case's subsidy and decide what the workbook gets: toolkit columns, 补贴汇总, the message."""
    from toolkit.subsidy.sheet import column_placement as placement  # the CLI's rule: same columns, same place
    from toolkit.cli.subsidy import scenario_levels

    settings = settings or {}
    level_value, where = settings.get("level", ("最低", None))
    try:
        level = parse_level(clean_text(level_value))
    except ValueError as exc:
        raise _setting_error(f"{exc}。", where) from None
    fund = None
    if "fund" in settings:
        value, where = settings["fund"]
        try:
            fund = parse_amount(value)
        except ValueError as exc:
            raise _setting_error(f"专项经费{exc}。", where) from None
        if fund is not None and fund < 0:
            raise _setting_error("专项经费不能为负数。", where)
    flats = [Decimal(1800), Decimal(2000)]
    if "flats" in settings:
        value, where = settings["flats"]
        try:
            flats = [parse_amount(t) for t in str(value).replace("，", ",").replace("、", ",").split(",") if t.strip()]
        except ValueError as exc:
            raise _setting_error(f"统一标准{exc}。", where) from None
    standard_name = clean_text(settings["standard"][0]) if "standard" in settings else None

    ledger = build_ledger(sheets, choose_ledger_sheet(sheets, active), file=file)
    standard = build_standard(sheets, standard_name, file=file)
    ranges = price_ranges(ledger.cases, standard)
    result, by_sheet = compute_by_sheet(ledger, standard, level, ranges)    # a year in 12 sheets: each sheet its columns
    scenario_list = scenarios(ledger.cases, standard, scenario_levels(level, flats), fund, ranges)
    order = {p.sheet: i for i, p in enumerate(ledger.pieces)}
    findings = sorted(ledger.findings + result.findings,
                      key=lambda f: (order.get(f.sheet, -1), f.row or 0, f.severity != ERROR))
    layout = summary_layout(ledger, result, scenario_list, fund, combined_label(ledger) if file or ledger.parts else
                            f"本工作簿「{ledger.sheet}」",
                            fund_hint="未填写专项经费：在“参数”工作表A列写“专项经费”、B列写金额（如 46万）即可对比。")
    message = _subsidy_message(ledger, result, fund, findings)
    plans = []
    for (_, name), (view, part_result) in by_sheet.items():
        columns = ledger_columns(view, part_result, [f for f in findings if f.sheet == name])
        raw = next(s for s in sheets if s.name == name)
        header_row, first_col, _ = placement(raw, view)
        last_row = max([len(raw.rows), header_row + 1, *columns.rows, *columns.total_rows])
        plans.append(SubsidyPlan(name, header_row, first_col, last_row, columns, layout, message, findings))
    plans[0].others = plans[1:]
    return plans[0]


def _subsidy_message(ledger: Ledger, result, fund, findings) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    lines = [f"补贴计算完成（{result.level.label}）：计入 {len(result.counted)} 件，应付补贴合计 "
             f"{format_yuan(result.total)} 元。"]
    if fund is not None:
        c = compare_fund(result.total, fund)
        coverage = f"，经费覆盖率 {c.coverage_percent}%" if c.coverage_percent is not None else ""
        lines.append(f"专项经费 {format_yuan(fund)} 元，缺口 {format_yuan(c.gap)} 元{coverage}。")
    lines.extend(combination_lines(ledger)[:6])
    if findings:
        lines.append(f"发现错误 {errors} 条、警告 {warnings} 条，已写在“{'、'.join(p.sheet for p in ledger.pieces)}”表的“校验提示”列"
                     "（红色为错误，该行未计入；黄色为警告）。")
    lines.append(f"分类汇总和测算对比见“{SUMMARY_SHEET}”工作表。")
    return "\n".join(lines)


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
    header.color = "#D9E1F2"
    body = sheet.range((top + 1, left), (last, left + n - 1))
    body.color = None                                   # earlier highlights of our own columns go
    sheet.range((top + 1, left), (last, left + 2)).number_format = "#,##0.00"
    note_col = left + n - 1
    for i0, i1, severity in runs([row[n - 1] for row in block[1:]], note_severity):
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
