"""Shares and rates of a budget table: share columns and share lines ("基本支出占比") against the bases they may
refer to, and year-on-year columns (增减金额 = 本年 − 上年, 增减幅度 = 增减金额 ÷ 上年)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from toolkit.base.findings import ERROR
from toolkit.base.money import round_half_up
from toolkit.budget.blocks import Block, Line
from toolkit.budget.cells import a1
from toolkit.budget.checker import Checker
from toolkit.budget.findings import ZERO, BudgetFinding, Operand, fmt, fraction, grand_total, operand, show_ratio
from toolkit.budget.labels import share_parts
from toolkit.budget.rules import RuleSet
from toolkit.budget.structure_checks import is_total_column


def check_shares(block: Block, ck: Checker):
    """Every stated share against the bases it may refer to: parent, the table total, the row's 合计 column."""
    lines = block.lines
    amount_cols = [c for c in block.columns if c.kind == "amount"]
    grand = grand_total(block)
    for sc in [c for c in block.columns if c.kind == "share"]:
        left = [c for c in amount_cols if c.col < sc.col]
        if not left:
            continue
        ac = left[-1]
        per_line = []
        for ln in lines:
            got = fraction(block, ln, sc.col)
            part = operand(block, ln, ac.col)
            if got is None or part is None:
                continue
            bases = []
            if ln.parent is not None:
                p = operand(block, lines[ln.parent], ac.col)
                if p is not None:
                    bases.append(("上级", p))
            if grand is not None:
                g = grand(ac.col)
                if g is not None:
                    bases.append(("合计", g))
            totalcol = next((c for c in amount_cols if c.name in ("合计", "总计") and c is not ac), None)
            if totalcol is not None and operand(block, ln, totalcol.col) is not None:
                bases.append(("本行合计", operand(block, ln, totalcol.col)))
            per_line.append((ln, got, part, bases))
        votes: dict[str, int] = {}
        sibling_votes: dict[tuple, int] = {}     # (parent, kind): the base its siblings' shares refer to
        for ln, got, part, bases in per_line:
            for kind, base in bases:
                if _share_fits(got, part, base):
                    votes[kind] = votes.get(kind, 0) + 1
                    sibling_votes[(ln.parent, kind)] = sibling_votes.get((ln.parent, kind), 0) + 1
        whole = _row_whole(block, left, grand)
        for ln, got, part, bases in per_line:
            if not bases or any(_share_fits(got, part, base) for _, base in bases):
                continue
            alt = whole(ln) if whole else None
            if alt is not None and _share_fits(got, alt[0], alt[1]):
                continue        # the share of the row's whole (基本支出 + 项目支出) in the table's whole
            if _part_is_the_culprit(block, ln, sc.col, left, ac, got, part, bases, alt, ck):
                continue
            if alt is not None:
                bases.append(("本行各列之和", alt[1]))
            bases.sort(key=lambda kb: (-sibling_votes.get((ln.parent, kb[0]), 0), -votes.get(kb[0], 0)))
            _share_finding(block, ln, sc.col, got, part, bases, ck)


def _part_is_the_culprit(block, ln, col, left, ac, got, part, bases, alt, ck: Checker) -> bool:
    """A share that fits once one of its row's figures takes the value a reported sum needs it to have: that figure
    is the wrong cell (it breaks the sum and the share), so it is reported instead of the sum, and the share is not."""
    for c in left:
        op = operand(block, ln, c.col)
        if op is None:
            continue
        for g, sign in ck.broken_sums_with(op):
            fixed = op.value + sign * g.difference
            shift = fixed - op.value
            fits = c is ac and any(_share_fits(got, replace(part, value=fixed), b) for _, b in bases)
            if not fits and alt is not None:
                fits = _share_fits(got, replace(alt[0], value=alt[0].value + shift), alt[1])
            if fits and not _fits_with_sum_corrected(got, part, bases, alt, g):
                ck.relocate(g, op, fixed, f"本行占比 {a1(ln.row, col)} 也只有在它更正后才相符")
                return True
    return False


def _fits_with_sum_corrected(got, part, bases, alt, g: BudgetFinding) -> bool:
    """The other reading: the sum's own cell is the wrong one (the share's base takes its expected value)."""
    at = (g.sheet, g.cell)
    for _, b in bases:
        if (b.sheet, b.cell) == at and _share_fits(got, part, replace(b, value=g.expected)):
            return True
    if alt is not None and at in alt[2]:
        return _share_fits(got, alt[0], replace(alt[1], value=alt[1].value + g.expected - g.actual))
    return False


def _row_whole(block: Block, left, grand):
    """Without a 合计 column, a share column after several amount columns may be the share of the row's whole (their
    sum) in the table total's whole: line -> (part, base) operands summed over those columns, or None."""
    if len(left) < 2 or grand is None or any(is_total_column(c) for c in left):
        return None
    totals = [grand(c.col) for c in left]
    if any(g is None for g in totals):
        return None

    def summed(ops, label):
        o = ops[0]
        return Operand(o.sheet, o.row, o.col, sum((x.value for x in ops), ZERO), sum((x.tol for x in ops), ZERO),
                       o.unit, label)

    def whole(ln):
        ops = [operand(block, ln, c.col) for c in left]
        ops = [o for o in ops if o is not None]
        if not ops or ln.total:
            return None
        names = "＋".join(c.name for c in left)
        return (summed(ops, f"{ln.name}·{names}"), summed(totals, f"{totals[0].label}·{names}"),
                {(g.sheet, g.cell) for g in totals})
    return whole


def check_share_lines(block: Block, ck: Checker):
    """Lines like "基本支出占支出合计比重" or "人员经费占比": the part (and the base, if named) are lines of the
    same table; without a named base the table total and the part's parent are tried."""
    lines = block.lines
    by_name = {}
    for ln in lines:
        if not ln.ratio:
            by_name.setdefault(ln.name, ln)
    grand = grand_total(block)
    for ln in lines:
        parts = share_parts(ln.name) if ln.ratio else None
        if parts is None:
            continue
        part_name, base_name = parts
        part_line = by_name.get(part_name)
        if part_line is None:
            continue
        for c in [c for c in block.columns if c.kind == "amount"]:
            got = fraction(block, ln, c.col)
            part = operand(block, part_line, c.col)
            if got is None or part is None:
                continue
            bases = []
            if base_name:
                base_line = by_name.get(base_name)
                if base_line is None or operand(block, base_line, c.col) is None:
                    continue
                bases.append(("指定", operand(block, base_line, c.col)))
            else:
                if part_line.parent is not None and operand(block, lines[part_line.parent], c.col) is not None:
                    bases.append(("上级", operand(block, lines[part_line.parent], c.col)))
                if grand is not None and grand(c.col) is not None:
                    bases.append(("合计", grand(c.col)))
            if bases and not any(_share_fits(got, part, base) or _share_fits(_as_percent(got), part, base)
                                 for _, base in bases):
                _share_finding(block, ln, c.col, got, part, bases, ck)


def _as_percent(got):
    value, tol, percent_units = got
    return (value / 100, tol / 100, True) if not percent_units else got


def _share_fits(got, part: Operand, base: Operand) -> bool:
    value, tol, _ = got
    bv, bt = base.scaled_to(part.unit)
    if bv == 0:
        return False
    q = part.value / bv
    return abs(value - q) <= tol + (part.tol + abs(q) * bt) / abs(bv)


def _share_finding(block: Block, ln: Line, col: int, got, part: Operand, bases, ck: Checker):
    value, tol, percent_units = got
    scale = Decimal(100) if percent_units else Decimal(1)
    dec = block.decimals.get((ln.row, col))
    places = dec if dec is not None else (2 if percent_units else 4)
    tried = []
    expected = None
    for kind, base in bases:
        bv, _ = base.scaled_to(part.unit)
        if bv == 0:
            continue
        q = round_half_up(part.value / bv * scale, places)
        expected = q if expected is None else expected
        where = {"上级": "上级项目", "本行合计": "本行", "指定": ""}.get(kind, "表内合计")
        tried.append(f"{where}{base.ref()}"
                     f"（{fmt(base.value)}，应为 {show_ratio(block, ln, col, q, percent_units)}）")
    reported = {(f.sheet, f.cell): f.expected for f in ck.findings if f.expected is not None and f.rule != "占比"}
    for kind, base in bases:       # a base that is itself reported: try its corrected value too
        fixed = reported.get((base.sheet, base.cell))
        bv = None if fixed is None else base.scaled_to(part.unit)[0] * fixed / base.value if base.value else fixed
        if bv:
            q = round_half_up(part.value / bv * scale, places)
            tried.append(f"更正后的{base.ref()}（{fmt(fixed)}，应为 {show_ratio(block, ln, col, q, percent_units)}）")
    actual = ln.values[col]
    cell = a1(ln.row, col)

    def refit(corrected: dict) -> bool:
        p = corrected.get((part.sheet, part.cell), part.value)
        new_part = Operand(part.sheet, part.row, part.col, p, part.tol, part.unit, part.label)
        for _, base in bases:
            b = corrected.get((base.sheet, base.cell), base.value)
            if _share_fits(got, new_part, Operand(base.sheet, base.row, base.col, b, base.tol, base.unit, base.label)):
                return True
        return False
    ck.add(BudgetFinding(ERROR, block.sheet, cell, "占比",
                         f"占比不符：{cell} 填 {show_ratio(block, ln, col, actual, percent_units)}"
                         f"（{part.ref()} = {fmt(part.value)}），"
                         f"与任何可能的基数都对不上。已尝试的基数：{'；'.join(tried)}。",
                         expected, actual, None if expected is None else actual - expected),
           [part] + [base for _, base in bases], kind="ratio", refit=refit)


# ---------------------------------------------------------------- year-on-year changes


def check_change_rates(block: Block, rules: RuleSet, ck: Checker):
    """上年 | 本年 | 增减金额 | 增减幅度: the change is 本年 − 上年 and the rate is the change ÷ 上年 (rates are never
    summed into a 合计 row; they are checked line by line)."""
    words = rules.change_rate
    if not words:
        return
    amounts = [c for c in block.columns if c.kind == "amount"]

    def pick(cols, key):
        return next((c for c in cols if any(w in c.name for w in words.get(key, []))), None)
    last = pick(amounts, "last_year")
    change = pick([c for c in amounts if c is not last], "change")
    this = pick([c for c in amounts if c not in (last, change)], "this_year")
    if this is None and last is not None:
        this = next((c for c in amounts if c.col > last.col and c is not change), None)
    rate = pick([c for c in block.columns if c.kind == "rate"], "rate")
    if last is None or this is None:
        return
    for ln in block.lines:
        lo, to = operand(block, ln, last.col), operand(block, ln, this.col)
        if lo is None or to is None:
            continue
        co = operand(block, ln, change.col) if change is not None else None
        _change_and_rate(block, ck, f"“{ln.name}”的{change.name}" if change is not None else "", lo, to, co,
                         (ln, rate.col, rate.name) if rate is not None else None)


def _change_and_rate(block: Block, ck: Checker, what: str, lo: Operand, to: Operand, co: Operand | None,
                     rate: tuple | None):
    """增减金额 = 本年 − 上年 (`co`), and the rate cell (`rate`: line, column, the header or label naming it) =
    增减金额 ÷ 上年."""
    if co is not None:
        ck.check_linear(co, [to], [lo], "增减金额 = 本年 − 上年", what)
    if rate is None:
        return
    ln, col, rate_name = rate
    got = fraction(block, ln, col)
    if got is None or lo.value == 0:
        return
    value, tol, percent_units = got

    def fits(corrected: dict, lo=lo, to=to, value=value, tol=tol) -> bool:
        lv = corrected.get((lo.sheet, lo.cell), lo.value)
        tv = corrected.get((to.sheet, to.cell), to.value)
        if lv == 0:
            return True
        q = (tv - lv) / lv
        return abs(value - q) <= tol + (lo.tol + to.tol) / abs(lv) + abs(q) * lo.tol / abs(lv)
    if fits({}):
        return
    scale = Decimal(100) if percent_units else Decimal(1)
    dec = block.decimals.get((ln.row, ln.cell_col(col)))
    places = dec if dec is not None else (2 if percent_units else 4)
    expected = round_half_up((to.value - lo.value) / lo.value * scale, places)
    cell = a1(ln.row, ln.cell_col(col))
    actual = ln.values[col]
    ck.add(BudgetFinding(ERROR, block.sheet, cell, "增减幅度 = 增减金额 ÷ 上年数",
                         f"增减幅度不符：{cell} 填 {show_ratio(block, ln, col, actual, percent_units)}，按"
                         f"（{to.ref()} − {lo.ref()}）÷ {lo.ref()} = （{fmt(to.value)} − {fmt(lo.value)}）÷ "
                         f"{fmt(lo.value)} 应为 {show_ratio(block, ln, col, expected, percent_units)}"
                         f"（按“{rate_name}”认定为增减率）。", expected, actual, actual - expected),
           [lo, to], kind="ratio", refit=fits)


_YEAR = re.compile(r"\s*((?:19|20)\d{2})\s*年")


def check_change_rate_lines(block: Block, rules: RuleSet, ck: Checker):
    """The same laid out across (a 三公 table with the items as columns): rows 上年决算数 | 本年决算数 | 增减金额 |
    增减幅度, checked column by column."""
    words = rules.change_rate
    if not words:
        return

    def pick(lines, key, exclude=()):
        return next((ln for ln in lines if ln not in exclude and any(w in ln.name for w in words.get(key, []))
                     and not (key == "last_year" and any(w in ln.name for w in words.get("not_last_year", [])))),
                    None)
    amounts = [ln for ln in block.lines if not ln.ratio]
    last = pick(amounts, "last_year")
    years = {}
    for ln in amounts:          # 2023年决算数 | 2024年决算数: the earlier year is 上年
        m = _YEAR.match(ln.raw or ln.name)
        if m:
            years.setdefault(int(m.group(1)), ln)
    if last is None and len(years) == 2:
        last = years[min(years)]
    if last is None:
        return
    change = pick(amounts, "change", (last,))
    this = (years[max(years)] if len(years) == 2 and years[min(years)] is last else None) or \
        pick(amounts, "this_year", (last, change)) or next(
            (ln for ln in amounts if ln.row > last.row and ln is not change), None)
    rate = pick([ln for ln in block.lines if ln.ratio], "rate")
    if this is None:
        return
    for c in block.columns:
        if c.kind != "amount":
            continue
        lo, to = operand(block, last, c.col), operand(block, this, c.col)
        if lo is None or to is None:
            continue
        co = operand(block, change, c.col) if change is not None else None
        _change_and_rate(block, ck, f"“{c.title}”的{change.name}" if change is not None else "", lo, to, co,
                         (rate, c.col, rate.name) if rate is not None else None)
