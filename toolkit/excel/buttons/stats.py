"""填写统计表: the 统计表 sheet (standard layout or the user's own template by named cells)."""

from __future__ import annotations


from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR
from toolkit.io.excel_read import RawSheet
from toolkit.ledger.book import part_view
from toolkit.base.layout import Cell, Layout
from toolkit.subsidy.sheet import SUMMARY_SHEET
from toolkit.excel.book_io import (cell_out, period_value, read_sheets, set_status, write_layout)

from toolkit.excel.buttons.common import (choose_ledger_sheet, TITLE, SETTINGS_SHEET, read_settings, named_values, _setting_error, _active_sheet)


STATS_SHEET = "统计表"
PREVIOUS_LEDGER_SHEET = "上年台账"
MAX_LISTED_FINDINGS = 200


def named_cells(book) -> dict[str, tuple[str, int, int]]:
    """Workbook names that point to one cell: {name: (sheet, row0, col0)} (for statistics keys given as names)."""
    cells = {}
    try:
        names = list(book.names)
    except Exception:
        return cells
    for name in names:
        try:
            rng = name.refers_to_range
            if rng.shape == (1, 1):
                cells[name.name] = (rng.sheet.name, rng.row - 1, rng.column - 1)
        except Exception:   # a name holding a constant or a formula, not a cell
            continue
    return cells


def statistics_plan(sheets: list[RawSheet], settings: dict | None = None, defined: dict | None = None,
                    active: str | None = None, file: str | None = None):
    """Statistics of the ledger for a period: the 统计表 layout, the named cells to fill, the message."""
    from toolkit.ledger.book import build_ledger as build
    from toolkit.stats.compute import (CONSULTATION_SHEET, build_report, default_catalog, default_period,
                               parse_consultations, undated_findings)
    from toolkit.stats.templates import plan_template, template_values

    settings = settings or {}
    catalog = default_catalog()
    ledger = build(sheets, choose_ledger_sheet(sheets, active) if active != PREVIOUS_LEDGER_SHEET else None, file=file)
    findings = list(ledger.findings)
    for part in ledger.pieces:
        findings += undated_findings(part_view(ledger, part).cases, part.sheet, file, part.label("指派日期"))
    by_name = {s.name: s for s in sheets}
    consultations = parse_consultations(by_name[CONSULTATION_SHEET], file) if CONSULTATION_SHEET in by_name else None
    if consultations is not None:
        findings += consultations.findings
    previous = None
    if PREVIOUS_LEDGER_SHEET in by_name:
        previous_ledger = build(sheets, PREVIOUS_LEDGER_SHEET, file=file)
        previous = previous_ledger.cases
        findings += previous_ledger.findings
    if "period" in settings:
        value, where = settings["period"]
        try:
            period = period_value(value)
        except ValueError as exc:
            raise _setting_error(f"{exc}。", where) from None
    else:
        period = default_period(ledger.cases["指派日期"]) if len(ledger.cases) else None
        if period is None:
            raise InputError(f"台账中没有可用的指派日期，无法确定统计期间：请在“{SETTINGS_SHEET}”工作表中填写"
                             "“统计期间”（如 2023、2023Q1、2023-03）。", sheet=ledger.sheet)
    report = build_report(ledger.cases, consultations.frame if consultations is not None else None, period,
                          previous, None, findings, catalog)
    fill = plan_template([], defined or {}, template_values(report), file, catalog)
    layout = statistics_layout(report, catalog, excluded=len(ledger.excluded))
    v = report.values
    lines = [f"统计表已填写（{report.period.label}，按指派日期归属）：案件 {v.get('cases.total', 0)} 件，"
             f"法律帮助 {v.get('help.total', 0)} 件，受援人次 {v.get('persons.total', 0)}。见“{STATS_SHEET}”工作表。"]
    if fill.cells:
        lines.append(f"另按名称填写了 {sum(len(c) for c in fill.cells.values())} 个单元格。")
    if previous is None:
        lines.append(f"未做同比：如需上年同期对比，把上年台账复制到名为“{PREVIOUS_LEDGER_SHEET}”的工作表。")
    if report.findings:
        errors = sum(f.severity == ERROR for f in report.findings)
        lines.append(f"发现 {len(report.findings)} 个问题（错误 {errors} 个，错误行未计入统计），列在统计表下方。")
    return layout, fill, "\n".join(lines)


def statistics_layout(report, catalog, excluded: int = 0) -> Layout:
    """The 统计表 sheet: one row per statistics key with this period, last year and the change; findings below."""
    from toolkit.cli.stats import BASIS_NOTE, stats_rows
    from toolkit.stats.compute import change

    period = report.period
    layout = Layout(STATS_SHEET, widths={1: 16, 2: 30, 3: 20, 4: 6, 5: 13, 6: 13, 7: 13, 8: 13})
    layout.add(Cell(f"法律援助工作统计表（{period.label}）", "title"))
    layout.merges.append((1, 1, 1, 8))
    last = period.same_period_last_year()
    layout.add(Cell(f"统计期间：{period.label}；上年同期：{last.label}"
                    + ("" if report.previous is not None else "（未提供上年台账，未做同比）"), "note"))
    layout.merges.append((2, 1, 2, 8))
    layout.add(Cell(BASIS_NOTE, "note"))
    layout.merges.append((3, 1, 3, 8))
    layout.add(*(Cell(h, "header") for h in ("类别", "项目", "统计键", "单位", "本期", "上年同期", "增减", "增减率(%)")))
    for key, first, _ in stats_rows(catalog):
        spec = catalog.spec(key)
        current, previous = report.values.get(key), (report.previous or {}).get(key)
        diff, pct = change(current, previous)
        tag = "money" if spec.is_money else "count"
        layout.add(Cell(spec.section if first + 1 == len(layout.rows) + 1 else None), Cell(spec.name),
                   Cell(key, "note"), Cell(spec.unit), Cell(current, tag), Cell(previous, tag), Cell(diff, tag),
                   Cell(pct, "ratio"))
    layout.blank()
    layout.add(Cell(f"校验结果：{len(report.findings)} 个问题；因错误未计入统计的台账行 {excluded} 行。", "section"))
    for f in report.findings[:MAX_LISTED_FINDINGS]:
        layout.add(Cell(f.severity_label, "error" if f.severity == ERROR else "warning"), Cell(f.location()),
                   Cell(f.message))
    if len(report.findings) > MAX_LISTED_FINDINGS:
        layout.add(Cell(f"…… 另有 {len(report.findings) - MAX_LISTED_FINDINGS} 个问题，可用命令 legalaid stats 查看全部。",
                        "note"))
    return layout


def fill_statistics(book) -> str:
    """填写统计表: the toolkit's 统计表 sheet (and cells named after statistics keys), and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(STATS_SHEET, SUMMARY_SHEET))
    settings = read_settings(sheets, named_values(book))
    set_status(book, f"{TITLE}：正在统计……")
    active = _active_sheet(book)
    layout, fill, message = statistics_plan(sheets, settings, named_cells(book), active, file=book.name)
    set_status(book, f"{TITLE}：正在写入结果……")
    write_layout(book, layout)
    for sheet_name, cells in fill.cells.items():
        sheet = book.sheets[sheet_name]
        for (r0, c0), value in cells.items():
            sheet.range((r0 + 1, c0 + 1)).value = cell_out(value)
    if active and active != STATS_SHEET:
        book.sheets[active].activate()
    return message
