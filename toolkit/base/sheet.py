"""A sheet as the core sees it: a plain grid of values, whatever file or workbook it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


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
