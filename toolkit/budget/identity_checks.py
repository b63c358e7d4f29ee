"""The default identities of the rule set (支出合计 = 基本支出 + 项目支出, 执行率 = 执行数 ÷ 预算数 …), checked in
every table column and every row whose columns carry the item names, and the balance of side-by-side 收入 | 支出
tables."""

from __future__ import annotations

from decimal import Decimal

from toolkit.base.findings import ERROR
from toolkit.base.money import round_half_up
from toolkit.budget.blocks import Block, Line
from toolkit.budget.cells import a1
from toolkit.budget.checker import Checker
from toolkit.budget.findings import BudgetFinding, Operand, fmt, fraction, operand, show_ratio
from toolkit.budget.labels import normalize
from toolkit.budget.rules import Identity, RatioIdentity, RuleSet


_SIDE_WORDS = ("收入", "支出")


def _row_contexts(blocks: list[Block], rules: RuleSet):
    """(sheet, table, measure) -> item -> operands: items as row labels, one context per amount column title."""
    ctx: dict[tuple, dict[str, list[tuple[Block, Line, int]]]] = {}
    for b in blocks:
        for c in b.columns:
            if c.kind != "amount":
                continue
            # income and expenditure sides of one table (收入 | 支出 over 决算数) share one context; tables stacked on
            # one sheet (收入支出决算总表 above 财政拨款收入支出决算总表) do not
            key = (b.sheet, b.header_rows, "·".join(h for h in c.header if h not in _SIDE_WORDS) or c.title)
            for ln in b.lines:
                if c.col not in ln.values:
                    continue
                item = rules.item_of(ln.name, ln.code)
                if item:
                    ctx.setdefault(key, {}).setdefault(item, []).append((b, ln, c.col, ln.name, ln.name))
    return ctx


def _column_contexts(blocks: list[Block], rules: RuleSet):
    """(sheet, block, line) -> item -> operands: items as column headers."""
    ctx = {}
    for bi, b in enumerate(blocks):
        named = [(c, rules.item_of(c.name, None)) for c in b.columns]
        named = [(c, item) for c, item in named if item]
        if len(named) < 2:
            continue
        for ln in b.lines:
            d = {}
            for c, item in named:
                if c.col in ln.values:
                    d.setdefault(item, []).append((b, ln, c.col, f"{ln.name}·{c.name}", c.name))
            ctx[(b.sheet, bi, ln.row)] = d
    return ctx


def _single(entries):
    """The one operand an item stands for in a context (None if it is missing or means different figures)."""
    if not entries:
        return None
    values = {e[1].values[e[2]] for e in entries}
    return entries[0] if len(values) == 1 else None


def check_identities(blocks: list[Block], rules: RuleSet, ck: Checker):
    for ctx in (_row_contexts(blocks, rules), _column_contexts(blocks, rules)):
        for items in ctx.values():
            for ident in rules.identities:
                if isinstance(ident, RatioIdentity):
                    _check_ratio(ident, items, ck)
                else:
                    _check_identity(ident, items, ck)


def _op(entry) -> Operand:
    b, ln, col, label, _ = entry
    return operand(b, ln, col, label=label)


def _check_identity(ident: Identity, items, ck: Checker):
    res = _single(items.get(ident.result))
    if res is None:
        return
    plus, minus = [], []
    for names, target, required in ((ident.plus, plus, True), (ident.minus, minus, True),
                                    (ident.optional_plus, plus, False), (ident.optional_minus, minus, False)):
        for name in names:
            e = _single(items.get(name))
            if e is None:
                if required:
                    return
                continue
            if e[1] is res[1] and e[2] == res[2]:
                return
            target.append(_op(e))
    ck.check_linear(_op(res), plus, minus, ident.name, f"恒等式“{ident.name}”")


def _check_ratio(ident: RatioIdentity, items, ck: Checker):
    res = _single(items.get(ident.result))
    num = _single(items.get(ident.numerator))
    if res is None or num is None:
        return
    den = None
    for name in ident.denominator_names:
        cands = [e for e in items.get(ident.denominator, []) if e[4] == name]
        den = _single(cands)
        if den is not None:
            break
    if den is None:
        return
    rb, rl, rc = res[:3]
    got = fraction(rb, rl, rc)
    n, d = _op(num), _op(den)
    if got is None or d.value == 0:
        return
    value, tol, percent_units = got
    dv, dt = d.scaled_to(n.unit)
    q = n.value / dv
    tol_total = tol + (n.tol + abs(q) * dt) / abs(dv)
    if abs(value - q) <= tol_total:
        return
    scale = Decimal(100) if percent_units else Decimal(1)
    dec = rb.decimals.get((rl.row, rc))
    shown = dec if dec is not None else 4
    expected = round_half_up(q * scale, shown if percent_units or (rl.row, rc) not in rb.percent_cells else shown)
    actual = rl.values[rc]
    cell = a1(rl.row, rc)
    ck.add(BudgetFinding(ERROR, rb.sheet, cell, ident.name,
                         f"执行率不符：{cell} 为 {show_ratio(rb, rl, rc, actual, percent_units)}，按 {n.ref()} ÷ "
                         f"{d.ref()} = {fmt(n.value)} ÷ {fmt(d.value)} 应为 "
                         f"{show_ratio(rb, rl, rc, expected, percent_units)}。",
                         expected, actual, actual - expected), [n, d], kind="ratio")


def check_balance(blocks: list[Block], rules: RuleSet, ck: Checker):
    """Side-by-side income / expenditure blocks: their 总计 rows agree."""
    names = {normalize(n) for n in rules.balance.get("names", [])}
    by_sheet: dict[tuple, list[Block]] = {}     # the blocks of one table (side by side under one header)
    for b in blocks:
        by_sheet.setdefault((b.sheet, b.header_rows), []).append(b)
    for sheet, bs in by_sheet.items():
        if len(bs) < 2:
            continue
        found = []
        for b in bs:
            for ln in b.lines:
                if ln.name in names:
                    cols = [c for c in b.columns if c.kind == "amount" and c.col in ln.values]
                    if cols:
                        found.append((b, ln, cols[0].col, ln.name, ln.name))
                        break
        for i in range(1, len(found)):
            first, other = _op(found[0]), _op(found[i])
            ck.check_linear(other, [first], [], rules.balance.get("rule", "收入总计 = 支出总计"),
                            "收支两方总计应相等")
