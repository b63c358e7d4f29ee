"""Filling a user's own statistics template: cells holding {{key}} and defined names equal to a statistics key get
that key's value; keys that stay empty are reported, not guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.findings import WARNING, Finding
from toolkit.base.layout import col_letter
from toolkit.base.money import WAN, round_half_up
from toolkit.base.sheet import RawSheet
from toolkit.stats.compute import PERIOD_KEY, PREVIOUS_PREFIX, WAN_SUFFIX, Catalog, StatsReport, default_catalog


PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def placeholder_keys(text) -> list[str]:
    """Keys named in a cell's text as {{key}}."""
    return PLACEHOLDER.findall(text) if isinstance(text, str) else []


def format_value(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def fill_cell(text: str, values: dict):
    """The filled content of a template cell: the number itself when the cell is one {{key}} only, else the text
    with each known {{key}} replaced (unknown ones stay as written). None when nothing is known."""
    keys = placeholder_keys(text)
    if not keys or not any(k in values for k in keys):
        return None
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole and whole.group(1) in values:
        return values[whole.group(1)]
    return PLACEHOLDER.sub(lambda m: (format_value(values[m.group(1)]) or "—") if m.group(1) in values
                           else m.group(0), text)


@dataclass
class TemplateFill:
    """What to write into a user's template: {sheet: {(row0, col0): value}} plus the keys that stay empty."""

    cells: dict[str, dict[tuple[int, int], object]]
    unfilled_keys: list[str]
    findings: list[Finding]


def plan_template(sheets: list[RawSheet], defined_names: dict[str, tuple[str, int, int]], values: dict,
                  file: str | None = None, catalog: Catalog | None = None,
                  previous_given: bool = True) -> TemplateFill:
    """Cells of a template to fill: every cell holding {{key}} and every defined name equal to a key.

    `defined_names` maps a name to (sheet, row0, col0) of the cell it refers to. Unknown keys are reported, not guessed.
    Without a previous-year ledger (previous_given=False) the template's prev.… cells are emptied, not reported one
    by one: there is nothing to compare with, which the command says once.
    """
    catalog = catalog or default_catalog()
    if not previous_given:
        values = dict(values)
        for sheet in sheets:
            for row in sheet.rows:
                for v in row:
                    for key in placeholder_keys(v):
                        if key.startswith(PREVIOUS_PREFIX) and catalog.spec(key) is not None:
                            values.setdefault(key, "")
    cells: dict[str, dict] = {}
    unfilled: list[str] = []
    findings: list[Finding] = []

    def report(key, where_sheet, r0, c0):
        if key in unfilled:
            return
        unfilled.append(key)
        ref = _cell_ref(r0, c0)
        if catalog.spec(key) is None:
            message = f"统计键“{key}”不存在，单元格未填写。可用 legalaid stats --list-keys 查看全部统计键。"
        elif key.startswith(PREVIOUS_PREFIX):
            message = f"统计键“{key}”是上年同期数，需要用 --previous 提供上年台账（或上年没有这项数据），单元格未填写。"
        elif key.startswith("consultations."):
            message = f"统计键“{key}”需要咨询登记表（--consultations），本次未提供，单元格未填写。"
        else:
            message = f"统计键“{key}”本期没有数据（台账中没有这个名称），单元格未填写。"
        findings.append(Finding(WARNING, message, where_sheet, r0 + 1, ref, key, file))

    for sheet in sheets:
        for r0, row in enumerate(sheet.rows):
            for c0, v in enumerate(row):
                keys = placeholder_keys(v)
                if not keys:
                    continue
                filled = fill_cell(v, values)
                if filled is not None:
                    cells.setdefault(sheet.name, {})[(r0, c0)] = filled
                for key in keys:
                    if key not in values:
                        report(key, sheet.name, r0, c0)
    for name, (sheet_name, r0, c0) in defined_names.items():
        if name in values:
            cells.setdefault(sheet_name, {})[(r0, c0)] = values[name]
        elif catalog.spec(name) is not None:
            report(name, sheet_name, r0, c0)
    return TemplateFill(cells, unfilled, findings)


def _cell_ref(r0: int, c0: int) -> str:
    return f"{col_letter(c0 + 1)}{r0 + 1}"


def template_values(report: "StatsReport") -> dict:
    """Values a template may ask for: this period's keys and, with a previous-year ledger, prev.<key>."""
    values = dict(report.values)
    values[PERIOD_KEY] = report.period.label
    for key, value in (report.previous or {}).items():
        values[PREVIOUS_PREFIX + key] = value
    for key, value in list(values.items()):
        if isinstance(value, Decimal):
            values[key + WAN_SUFFIX] = round_half_up(value / WAN, 4)
    return values
