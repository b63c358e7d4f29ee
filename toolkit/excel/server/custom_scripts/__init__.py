"""xlwings Server / Lite: the workbook buttons as scripts, named like the jobs of desktop Excel's buttons.

Each script hands the injected workbook to toolkit.excel.buttons.run_job, which does the work, writes only the
toolkit's columns and sheets, and shows a Chinese message (also on failure). In server mode @xw.script makes these
functions async and injects the book; elsewhere they are plain functions.
"""

from __future__ import annotations

import xlwings as xw

from toolkit.excel.buttons import run_job


@xw.script
def compute_subsidy(book: xw.Book):
    """计算补贴"""
    run_job("compute_subsidy", book)


@xw.script
def validate_budget(book: xw.Book):
    """校验预算"""
    run_job("validate_budget", book)


@xw.script
def fill_statistics(book: xw.Book):
    """填写统计表"""
    run_job("fill_statistics", book)


@xw.script
def reformat_returns(book: xw.Book):
    """整理月报"""
    run_job("reformat_returns", book)


@xw.script
def draft_report(book: xw.Book):
    """生成自评报告"""
    run_job("draft_report", book)


__all__ = ["compute_subsidy", "validate_budget", "fill_statistics", "reformat_returns", "draft_report"]
