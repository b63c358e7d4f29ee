"""Formulas never calculated in a budget workbook: a workbook written by a program (xlsxwriter saves every formula's
result as 0, openpyxl none) or saved by Excel on manual calculation holds 合计 cells that read 0 or blank.

Read as figures, such a 0 breaks every sum it ends (a false error per 合计). When no formula of the workbook holds
another result (Excel calculates a workbook as one), the cells are set aside as blank — not compared — and ONE
warning per sheet says the formulas were not calculated and how to recalculate, but only when the 0s did break a
check (a 合计 of 0 over parts of 0, as in an empty table, is a result like any other). Pure.
"""

from __future__ import annotations

from dataclasses import replace

from toolkit.base.findings import WARNING
from toolkit.base.sheet import NEVER_CALCULATED, RECALCULATE, STALE_FORMULAS
from toolkit.budget.cells import a1
from toolkit.budget.findings import BudgetFinding

RULE = STALE_FORMULAS


def stale_cells(sheets) -> dict[str, frozenset]:
    """{sheet: 0-based cells holding formulas never calculated}, empty when some formula of the workbook holds a
    result (`sheets`: SheetInputs)."""
    if any(s.formula_results for s in sheets):
        return {}
    return {s.name: s.formula_zeros for s in sheets if s.formula_zeros}


def set_aside(sheets, stale: dict[str, frozenset]) -> list:
    """The sheets with the cells of `stale` blank (copies; the inputs are not changed)."""
    out = []
    for s in sheets:
        cells = stale.get(s.name)
        if not cells:
            out.append(s)
            continue
        rows = [list(row) for row in s.rows]
        for r, c in cells:
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = None
        out.append(replace(s, rows=rows))
    return out


def warnings(sheets, stale: dict[str, frozenset], before: list[BudgetFinding], after: list[BudgetFinding]
             ) -> list[BudgetFinding]:
    """ONE warning per sheet whose never-calculated formulas broke checks (`before`: the findings with them read as
    figures, `after`: set aside), at its first such cell."""
    kept = {_key(f) for f in after}
    gone = [f for f in before if _key(f) not in kept]
    if not gone:
        return []
    gone_sheets = {f.sheet for f in gone}
    out = []
    for s in sheets:
        cells = sorted(stale.get(s.name, ()))
        if not cells or not (s.name in gone_sheets or gone_sheets - set(stale)):
            continue
        shown = "、".join(a1(r, c) for r, c in cells[:3]) + ("等" if len(cells) > 3 else "")
        out.append(BudgetFinding(
            WARNING, s.name, a1(*cells[0]), RULE,
            f"{RULE}：“{s.name}”中 {shown} {len(cells)} 个公式单元格保存的结果是 0 或空白——{NEVER_CALCULATED}；这些格未作为"
            f"数字校验（否则每个合计都会显示为“不符”）。{RECALCULATE}。"))
    return out


def _key(f: BudgetFinding) -> tuple:
    return f.severity, f.sheet, f.cell, f.rule
