"""Ledger cells holding formulas never calculated (a ledger exported by a program that saves every formula's result
as 0, or none; Excel on manual calculation): read as the 0 they show, a 补贴金额 of 0 is "not in the standard's
range" on every row, and the totals are 0. They are read as not filled instead, and one note per sheet says why.
Pure functions over a RawSheet.
"""

from __future__ import annotations

from toolkit.base.layout import col_letter
from toolkit.base.sheet import NEVER_CALCULATED, RECALCULATE, STALE_FORMULAS, RawSheet, uncalculated


def set_aside(sheet: RawSheet, data: list[list], start: int, columns: dict[str, int]
              ) -> tuple[list[list], dict[str, list[int]]]:
    """(the data rows with the ledger columns' never-calculated formula cells blank — rows copied, never changed in
    place —, {column: its 0-based data rows so blanked}). Nothing when some formula of the sheet holds a result."""
    cells = uncalculated(sheet)
    if not cells:
        return data, {}
    by_col = {c: name for name, c in columns.items()}
    found: dict[str, list[int]] = {}
    copied: set[int] = set()
    for r, c in sorted(cells):
        i = r - start
        if i < 0 or i >= len(data) or c not in by_col or c >= len(data[i]):
            continue
        if i not in copied:
            if not copied:
                data = list(data)
            data[i] = list(data[i])
            copied.add(i)
        data[i][c] = None
        found.setdefault(by_col[c], []).append(i)
    return data, found


def note(found: dict[str, list[int]], kept: set[int], start: int, label, columns: dict[str, int]) -> str | None:
    """The note for the blanked cells of the rows read as matters (`kept`: 0-based data rows), or None."""
    parts = []
    for name, rows in found.items():
        rows = [i for i in rows if i in kept]
        if rows:
            first = f"{col_letter(columns[name] + 1)}{start + rows[0] + 1}"
            parts.append(f"“{label(name)}”列 {len(rows)} 个（{first} 起）")
    if not parts:
        return None
    return (f"{STALE_FORMULAS}：" + "、".join(parts) + f"单元格是公式，保存的结果是 0 或空白——{NEVER_CALCULATED}；这些格按未填写"
            f"读取。{RECALCULATE}。")
