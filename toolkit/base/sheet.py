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
    # formulas saved with 0 or no result (a program's workbook, Excel on manual calculation): 0-based (row, col), and
    # how many formula cells of the sheet hold another result (0: nothing on the sheet was ever calculated). Known
    # for .xlsx/.xlsm only; elsewhere empty.
    formula_zeros: frozenset = frozenset()
    formula_results: int = 0

    def cell(self, r: int, c: int):
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None
