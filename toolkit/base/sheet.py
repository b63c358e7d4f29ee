"""A sheet as the core sees it: a plain grid of values, whatever file or workbook it came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass
class RawSheet:
    """One sheet as a grid anchored at A1: rows[r][c] is Excel cell (r+1, c+1); empty cells are None."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (r0, c0, r1, c1) inclusive
    notes: list[str] = field(default_factory=list)   # what reading changed (a too-long cell cut), in Chinese
    hidden: frozenset = frozenset()   # 0-based rows hidden or filtered out in Excel (when the reader knows them)
    # formulas saved with 0 or no result (a program's workbook, Excel on manual calculation): 0-based (row, col); and
    # whether some formula of the sheet holds another result (then the sheet was calculated, and its 0s are results).
    # Known for .xlsx/.xlsm only (.xls, .csv and xlwings: empty, False).
    formula_zeros: frozenset = frozenset()
    formula_results: bool = False

    def cell(self, r: int, c: int):
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None


# what a message about formulas never calculated tells the clerk to do
STALE_FORMULAS = "公式未重新计算"
RECALCULATE = "请在 Excel 中打开此文件，按 F9（或“公式→开始计算”）重新计算后保存，再运行本工具"
NEVER_CALCULATED = "文件由程序生成，或在手动计算模式下保存，其中的公式没有计算过"


def stale_note(cells, what: str = "") -> str:
    """The note on never-calculated formula cells (0-based (row, col)) read as not filled."""
    from toolkit.base.layout import col_letter

    refs = [f"{col_letter(c + 1)}{r + 1}" for r, c in sorted(cells)]
    shown = "、".join(refs[:3]) + ("等" if len(refs) > 3 else "")
    return (f"{STALE_FORMULAS}：{what}{shown} {len(refs)} 个公式单元格保存的结果是 0 或空白——{NEVER_CALCULATED}；这些格按"
            f"未填写读取。{RECALCULATE}。")


def uncalculated(sheet: RawSheet) -> frozenset:
    """The cells holding formulas never calculated: saved with 0 or no result on a sheet none of whose formulas holds
    another result (a program's workbook, Excel on manual calculation); empty when the sheet was calculated."""
    return frozenset() if sheet.formula_results else sheet.formula_zeros


def without_cells(sheet: RawSheet, cells) -> RawSheet:
    """A copy of the sheet with `cells` (0-based (row, col)) empty; the sheet itself is not changed."""
    rows = list(sheet.rows)
    for r, c in cells:
        if r < len(rows) and c < len(rows[r]) and rows[r][c] is not None:
            if rows[r] is sheet.rows[r]:
                rows[r] = list(rows[r])
            rows[r][c] = None
    return replace(sheet, rows=rows)
