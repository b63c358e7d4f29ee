"""The workbook buttons: one function per button, taking an open `xw.Book` and returning the message it showed.

Desktop Excel calls `run_from_excel(job)` through RunPython; xlwings Server/Lite call the same functions through
toolkit/excel/server. Each job reads the values it needs, lets the core decide (pure `*_plan` functions, shared with
the CLI's layouts), writes only the toolkit's own columns and sheets, and ends with a Chinese message. Pressing a
button twice gives the same workbook: the toolkit finds its own columns by their headers and replaces them.
"""

from __future__ import annotations

from toolkit.base.errors import describe_failure, is_panic
from toolkit.excel.book_io import alert, set_status
from toolkit.excel.buttons.budget import (RESULT_SHEET, formats_if_unchanged, budget_plan, validate_budget)  # noqa: F401
from toolkit.excel.buttons.common import (TITLE, SETTINGS_SHEET, SETTINGS, SETTING_HELP, SETTING_NAMES, HIGHLIGHT, read_settings, named_values, settings_sheet_values, FOLDER_NAMES, FOLDER_SETTINGS, returns_folders, _active_sheet, settings_plan, open_settings, HELP_TEXT, show_help, MESSAGES, show_message, choose_ledger_sheet)  # noqa: F401
from toolkit.excel.buttons.monthly import (RETURNS_LOG_SHEET, returns_plan, reformat_returns)  # noqa: F401
from toolkit.excel.buttons.report import (REPORT_SHEET, report_plan, draft_report_job)  # noqa: F401
from toolkit.excel.buttons.stats import (STATS_SHEET, PREVIOUS_LEDGER_SHEET, MAX_LISTED_FINDINGS, named_cells, statistics_plan, statistics_layout, fill_statistics)  # noqa: F401
from toolkit.excel.buttons.subsidy import (SubsidyPlan, subsidy_plan, ledger_block, write_subsidy_plan, compute_subsidy)  # noqa: F401

# ---------------------------------------------------------------- dispatch

JOB_TITLES = {
    "compute_subsidy": "计算补贴",
    "validate_budget": "校验预算",
    "fill_statistics": "填写统计表",
    "reformat_returns": "整理月报",
    "draft_report": "生成自评报告",
    "open_settings": "设置",
    "show_help": "帮助",
}
JOBS = {
    "compute_subsidy": compute_subsidy,
    "validate_budget": validate_budget,
    "fill_statistics": fill_statistics,
    "reformat_returns": reformat_returns,
    "draft_report": draft_report_job,
    "open_settings": open_settings,
    "show_help": show_help,
}


def run_job(job: str, book) -> str:
    """Run one button's job on an open workbook; every outcome ends in one Chinese message, shown and returned."""
    title = JOB_TITLES.get(job, job)
    try:
        if job not in JOBS:
            message = f"未知的功能“{job}”。可用：{'、'.join(JOB_TITLES.values())}。"
        else:
            message = JOBS[job](book)
    except BaseException as exc:  # the one error boundary (toolkit.base.errors): never a traceback for the user
        if not (isinstance(exc, Exception) or is_panic(exc)):
            raise
        message = f"“{title}”未完成：{describe_failure(exc)[0]}"
    finally:
        set_status(book, None)
    alert(book, message, f"{TITLE} · {title}")
    return message


def run_from_excel(job: str) -> None:
    """Entry point of the workbook buttons (VBA: RunPython "...; b.run_from_excel('compute_subsidy')")."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        book.app.screen_updating = False          # desktop Excel repaints after every write otherwise
    except Exception:
        pass
    try:
        run_job(job, book)
    finally:
        try:
            book.app.screen_updating = True
        except Exception:
            pass
