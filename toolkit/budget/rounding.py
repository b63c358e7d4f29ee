"""Rounding tails (四舍五入尾差) of published tables.

Published tables are rounded figure by figure from 元 (ROUND_HALF_UP to the shown decimals). A figure rounded on its
own is within half a unit of the truth; a figure the unit's software summed from k rounded figures is within k half
units. So two figures that should agree may differ by more than their own half units when one of them is such a sum
(支出决算表's 合计 summed from its rounded lines against 收入支出决算总表's 本年支出合计 rounded from 元): the
difference is bounded by Σ over the figures compared of (rounded figures it sums) × half a unit, and never more than a
few units of the last decimal ([rounding] max_tail_units). A sheet that says 尾差 allows those few units outright.

Such differences are not errors. `Tails` records them; the document gets at most ONE warning naming them (none when
its sheets carry the 尾差 note: the unit has already told its readers).
"""

from __future__ import annotations

from decimal import Decimal

from toolkit.base.findings import WARNING
from toolkit.budget.findings import ZERO, BudgetFinding, Operand, fmt

Key = tuple[str, int, int]      # (sheet, row, col), 0-based


def _key(op: Operand) -> Key:
    return op.sheet, op.row, op.col


def _axis(keys: list[Key]) -> str | None:
    """"col" when the figures are one column of one sheet, "row" when one row, else None."""
    if len({k[0] for k in keys}) != 1:
        return None
    if len({k[2] for k in keys}) == 1:
        return "col"
    return "row" if len({k[1] for k in keys}) == 1 else None


class Tails:
    """The sums of a workbook (which figure is the sum of which) and the rounding tails found."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.units = Decimal(str(spec.get("max_tail_units", 0)))
        self.rule = spec.get("rule", "四舍五入尾差")
        self.noted: set[str] = set()        # sheets that say their figures may carry 尾差
        self._sums: dict[Key, list[tuple[Key, ...]]] = {}
        self._nonzero: dict[Key, bool] = {}
        self._cache: dict[Key, int] = {}
        self.found: list[tuple[Operand, list[Operand], Decimal, str]] = []

    def note_sheets(self, sheets):
        """The sheets whose text mentions a rounding tail ("…可能存在尾差")."""
        words = self.spec.get("note_words", [])
        for s in sheets:
            if any(isinstance(v, str) and any(w in v for w in words) for row in s.rows for v in row):
                self.noted.add(s.name)

    def add_sum(self, result: Operand, parts: list[Operand]):
        """`result` may be the sum of `parts` (as the table's structure says)."""
        if not parts:
            return
        way = tuple(_key(p) for p in parts)
        ways = self._sums.setdefault(_key(result), [])
        if way not in ways:
            ways.append(way)
            self._cache.clear()
        for op in [result, *parts]:
            self._nonzero[_key(op)] = op.value != 0

    def rounded_figures(self, key: Key, seen: tuple = ()) -> int:
        """How many rounded figures the figure at `key` may be the sum of (itself: 1; a zero line: 0)."""
        if key in self._cache:
            return self._cache[key]
        ways = self._sums.get(key)
        if not ways or key in seen or len(seen) > 12:
            return int(self._nonzero.get(key, True))
        n = max(sum(self.rounded_figures(k, seen + (key,)) for k in way) for way in ways)
        n = max(n, int(self._nonzero.get(key, True)))
        if not seen:
            self._cache[key] = n
        return n

    def allowance(self, ops: list[Operand], unit: str | None, across: bool = False) -> Decimal:
        """The largest difference rounding can explain between figures that should agree (in `unit`); `across`:
        figures of two tables (else of one table's column or row)."""
        halves = [op.scaled_to(unit)[1] for op in ops]
        h = max(halves, default=ZERO)
        if h == 0 or self.units <= 0:
            return ZERO
        cap = self.units * 2 * h
        if any(op.sheet in self.noted for op in ops):
            return cap
        axis = None if across else _axis([_key(op) for op in ops])
        slack = sum((t * self._figures_across(_key(op), axis) for op, t in zip(ops, halves)), ZERO)
        return min(slack, cap)

    def _figures_across(self, key: Key, axis: str | None) -> int:
        """Rounded figures an operand may sum, by its sums across the check's own direction only: a column of
        nested sums is either rounded line by line or summed throughout ((n+1) half units cover both), but a row's
        figures may each be summed down their columns (and a figure of another table either way)."""
        ways = [w for w in self._sums.get(key, []) if axis is None or _axis([key, *w]) != axis]
        n = max((sum(self.rounded_figures(k) for k in way) for way in ways), default=0)
        return max(1, n)

    def explains(self, diff: Decimal, tol: Decimal, ops: list[Operand], unit: str | None, what: str,
                 across: bool = False, whole: str | None = None) -> bool:
        """A difference beyond the half units but within what rounding can explain: recorded as a tail (`whole`:
        how to name the two sides compared, when they are not ops[0] against the rest)."""
        if not ops or abs(diff) <= tol or abs(diff) > self.allowance(ops, unit, across):
            return False
        if not any(_key(ops[0]) == _key(r) and r2 == ops[1:] for r, r2, _, _, _ in self.found):
            self.found.append((ops[0], ops[1:], diff, what, whole))
        return True

    def finding(self) -> BudgetFinding | None:
        """ONE warning for the document's tails (none if every tail is on a sheet with the 尾差 note)."""
        shown = [t for t in self.found if not any(op.sheet in self.noted for op in [t[0], *t[1]])]
        if not shown:
            return None
        marks = "①②③④⑤⑥⑦⑧⑨⑩"
        items = []
        for i, (res, others, diff, what, whole) in enumerate(shown[:10]):
            other = (f"{others[0].ref('')} {fmt(others[0].value)}" if len(others) == 1
                     else f"所含{len(others)}项之和 {fmt(res.value - diff)}")
            pair = whole or f"{res.ref('')} {fmt(res.value)} 与 {other}"
            items.append(f"{marks[i]}{pair}，相差 {fmt(diff)}（{what}）")
        more = f"等{len(shown)}处" if len(shown) > 10 else ""
        first = shown[0][0]
        return BudgetFinding(
            WARNING, first.sheet, first.cell, self.rule,
            f"四舍五入尾差（提示，不是错误）：各数按元逐格四舍五入，由已四舍五入的分项相加得到的合计与单独四舍五入的同一"
            f"数字可能相差几个末位单位。下列差额都在这一范围内：{'；'.join(items)}{more}。无需更正；公开时可在表下注明"
            f"“因四舍五入，分项之和与合计可能存在尾差”。", None, None, None)
