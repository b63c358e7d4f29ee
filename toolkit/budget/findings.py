"""What the budget checks report and cite: a `BudgetFinding`, and the `Operand`s (figures taken from cells, with
their rounding tolerance and unit) it is computed from. Every comparison allows half a unit of the last shown decimal
per operand (see `Operand.tol`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.findings import SEVERITY_LABEL, Finding
from toolkit.base.money import round_half_up
from toolkit.budget.blocks import Block, Line
from toolkit.budget.cells import a1
from toolkit.budget.labels import UNIT_SCALE

ZERO = Decimal(0)


@dataclass(frozen=True)
class BudgetFinding:
    """One check that failed: where, which rule, expected / actual / difference (actual − expected), why."""

    severity: str
    sheet: str
    cell: str
    rule: str
    message: str
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None

    def to_json(self) -> dict:
        return {"severity": self.severity, "sheet": self.sheet, "cell": self.cell, "rule": self.rule,
                "expected": fmt(self.expected), "actual": fmt(self.actual), "difference": fmt(self.difference),
                "message": self.message}

    def to_finding(self, file: str | None = None) -> Finding:
        row = int("".join(ch for ch in self.cell if ch.isdigit()) or 0) or None
        return Finding(self.severity, self.message, sheet=self.sheet, row=row, column=self.cell,
                       value=fmt(self.actual), file=file)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.severity]


def fmt(d: Decimal | None) -> str | None:
    """Decimal as plain text, no exponent, trailing zeros dropped (Decimal("12.30") -> "12.3")."""
    if d is None:
        return None
    if d == 0:
        return "0"
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


@dataclass(frozen=True)
class Operand:
    """A figure taken from a cell, with its rounding tolerance and unit."""

    sheet: str
    row: int
    col: int
    value: Decimal
    tol: Decimal
    unit: str | None
    label: str

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)

    def ref(self, home: str | None = None) -> str:
        cell = self.cell if home is None or home == self.sheet else f"“{self.sheet}”!{self.cell}"
        return f"“{self.label}”（{cell}）" if self.label else cell

    def scaled_to(self, unit: str | None) -> tuple[Decimal, Decimal]:
        if self.unit and unit and self.unit != unit:
            k = UNIT_SCALE[self.unit] / UNIT_SCALE[unit]
            return self.value * k, self.tol * k
        return self.value, self.tol


def half_unit(decimals: int | None) -> Decimal:
    return ZERO if decimals is None else Decimal(5).scaleb(-decimals - 1)


def operand(block: Block, line: Line, col: int, label: str | None = None) -> Operand | None:
    if col not in line.values:
        return None
    column = block.column(col)
    at = line.at.get(col, col) if line.at else col
    return Operand(block.sheet, line.row, at, line.values[col], half_unit(block.decimals.get((line.row, at))),
                   column.unit, label if label is not None else line.name)


def fraction(block: Block, line: Line, col: int) -> tuple[Decimal, Decimal, bool] | None:
    """A share / rate cell as (fraction, tolerance as fraction, written in percent units)."""
    if col not in line.values:
        return None
    v = line.values[col]
    column = block.column(col)
    dec = block.decimals.get((line.row, col))
    if (line.row, col) in block.percent_cells:
        return v, half_unit(dec), False
    percent_units = column.percent_units or abs(v) > 2
    if percent_units:
        return v / 100, half_unit(dec) / 100, True
    return v, half_unit(dec), False


def show_ratio(block: Block, ln: Line, col: int, value: Decimal, percent_units: bool) -> str:
    """A share / rate as the user sees it: 12.5 → "12.5%", 0.125 in a percent-formatted cell → "12.50%"."""
    if percent_units:
        return f"{fmt(value)}%"
    if (ln.row, col) in block.percent_cells:
        dec = block.decimals.get((ln.row, col))
        places = max(0, (dec if dec is not None else 4) - 2)
        return f"{round_half_up(value * 100, places)}%"
    return fmt(value)


def grand_total(block: Block):
    """A function col -> Operand of the table's overall total (its top 合计/总计 line), or None."""
    lines = block.lines
    covered_by = {j for cov in block.totals.values() for j in cov}
    tops = [t for t in block.totals if t not in covered_by]
    if len(tops) != 1:
        return None
    t = tops[0]
    return lambda col: operand(block, lines[t], col)
