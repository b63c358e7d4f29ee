"""What a budget table is read into: a `Block` of `Column`s and `Line`s (labels, codes, figures, parents)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.budget.cells import col_letter


@dataclass
class Column:
    col: int
    header: tuple[str, ...]       # header parts top -> bottom, normalized
    kind: str                     # "amount" | "share" | "rate"
    unit: str | None
    percent_units: bool = False   # shares / rates written as 12.5 meaning 12.5 %

    @property
    def name(self) -> str:
        return self.header[-1] if self.header else col_letter(self.col)

    @property
    def title(self) -> str:
        return "·".join(self.header) if self.header else col_letter(self.col)


@dataclass
class Line:
    row: int
    raw: str
    name: str
    code: str | None
    marker: str | None
    indent: int
    of_which: bool
    total: bool
    values: dict[int, Decimal] = field(default_factory=dict)
    parent: int | None = None      # index in Block.lines
    uncertain: bool = False        # attached to its parent by position only (no numbering, code or indent)
    partial: bool = False          # a 其中 part: parts may sum to less than the parent
    ratio: bool = False            # a share or rate written as a line ("基本支出占比", "预算执行率"): not summed
    maybe_part_of: int | None = None   # unnumbered line right after a 其中 part: maybe one more part of this line
    at: dict[int, int] = field(default_factory=dict)   # block column -> sheet column, for continued column triples
    breakdown: bool = False        # a by-source line under 结转和结余, attached by the [structure] vocabulary

    def cell_col(self, col: int) -> int:
        """The sheet column holding this line's figure of block column `col`."""
        return self.at.get(col, col)


@dataclass
class Block:
    sheet: str
    label_col: int
    code_col: int | None
    columns: list[Column]
    lines: list[Line]
    unit: str | None
    title: str
    header_rows: tuple[int, int]
    decimals: dict[tuple[int, int], int | None] = field(default_factory=dict)   # (row, col) -> shown decimals
    percent_cells: set = field(default_factory=set)
    coded: bool = False
    code_cols: list[int] = field(default_factory=list)
    side_labels: list[int] = field(default_factory=list)    # label columns on the left without figures (单位名称)
    totals: dict[int, list[int]] = field(default_factory=dict)   # total line index -> covered line indexes
    horizontal: bool = False      # no label column: figures in one row under grouped headers (横向三公表)
    label_header: tuple = ()      # the label column's header (项目（按功能分类） …)
    unit_cell: tuple[int, int] | None = None     # (row, col) of the 单位：万元 line above the table, if any

    def column(self, col: int) -> Column:
        index = self.__dict__.get("_column_index")
        if index is None or len(index) != len(self.columns):
            index = self.__dict__["_column_index"] = {c.col: c for c in self.columns}
        return index[col]
