"""填写统计表: the 统计表 sheet (standard layout or the user's own template by named cells)."""

from __future__ import annotations

from toolkit.excel.book_io import cell_out, read_sheets, set_status, write_layout
from toolkit.excel.buttons.common import TITLE, _active_sheet, choose_ledger_sheet, named_values, read_settings
from toolkit.ledger.book import build_ledger
from toolkit.stats.compute import CONSULTATION_SHEET
from toolkit.stats.job import PREVIOUS_LEDGER_SHEET, SHEET, StatsInputs, parse_stats_settings, run_stats
from toolkit.stats.sheets import MAX_LISTED_FINDINGS, STATS_SHEET, statistics_layout  # noqa: F401
from toolkit.subsidy.sheet import SUMMARY_SHEET


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


def statistics_plan(sheets, settings: dict | None = None, defined: dict | None = None, active: str | None = None,
                    file: str | None = None):
    """Gather the workbook's inputs and run the statistics use case: (the 统计表 layout, the named cells, message)."""
    settings = settings or {}
    by_name = {s.name: s for s in sheets}
    ledger = build_ledger(sheets, choose_ledger_sheet(sheets, active) if active != PREVIOUS_LEDGER_SHEET else None,
                          file=file)
    inputs = StatsInputs(ledger, file, consultations=by_name.get(CONSULTATION_SHEET))
    if PREVIOUS_LEDGER_SHEET in by_name:
        inputs.previous = build_ledger(sheets, PREVIOUS_LEDGER_SHEET, file=file)
    raw = {key: value for key, (value, _) in settings.items()}
    where = {key: place for key, (_, place) in settings.items()}
    outcome = run_stats(inputs, parse_stats_settings(raw, where, origin=SHEET), anonymous=False)
    fill = outcome.named_cells(defined or {}, file)
    return outcome.layout(), fill, outcome.sheet_message(fill)


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
