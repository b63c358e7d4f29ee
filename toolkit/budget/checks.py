"""The checks of a budget workbook: structure (parents, totals, 合计 columns), default identities, shares and rates,
cross-table agreement. Each adds findings to a `Checker`; `toolkit.budget.workbook.check_workbook` runs them all."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from toolkit.budget.workbook import (ERROR, WARNING, ZERO, BudgetFinding, Checker, Operand, RuleSet, fmt, fraction, half_unit,
                            operand)
from toolkit.budget.tables import Block, Line, a1, normalize, share_parts
from toolkit.base.money import round_half_up


# ---------------------------------------------------------------- structure checks


def _continuation_ops(block: Block, cont: Block | None, col: int) -> list[Operand]:
    """Lines of a block to the right that continues this one (no totals of its own, same column title):
    the 公用经费 list of a basic-spending table often runs on in a second pair of columns."""
    if cont is None:
        return []
    title = block.column(col).title
    same = [c for c in cont.columns if c.kind == "amount" and c.title == title]
    if len(same) != 1:
        return []
    return [op for ln in cont.lines if ln.parent is None and not ln.total and not ln.ratio
            and (ln.code or not cont.coded)
            for op in [operand(cont, ln, same[0].col)] if op is not None]


def _adds_up(result: Operand, ops: list[Operand]) -> bool:
    total, tol = ZERO, result.tol
    for op in ops:
        v, t = op.scaled_to(result.unit)
        total, tol = total + v, tol + t
    return abs(result.value - total) <= tol


def check_structure(block: Block, ck: Checker, cont: Block | None = None):
    """Numbered / coded parents against their children, totals against what they cover, 合计 columns."""
    amount_cols = [c.col for c in block.columns if c.kind == "amount"]
    lines = block.lines
    _resolve_maybe_parts(block, amount_cols)
    _resolve_uncertain(block, amount_cols)
    children: dict[int, list[int]] = {}
    for j, k in enumerate(lines):
        if k.parent is not None:
            children.setdefault(k.parent, []).append(j)
    for i, ln in enumerate(lines):
        kids = children.get(i, [])
        full = [j for j in kids if not lines[j].partial]
        part = [j for j in kids if lines[j].partial]
        for col in amount_cols:
            parent = operand(block, ln, col)
            if parent is None:
                continue
            colname = block.column(col).title
            if full and any(col in lines[j].values for j in full):
                ops = [operand(block, lines[j], col) for j in full if col in lines[j].values]
                ambiguous = any(lines[j].uncertain for j in full)
                basis = "编码" if block.coded else "编号/缩进"
                note = ("第" + "、".join(str(lines[j].row + 1) for j in full if lines[j].uncertain) +
                        "行没有编号，无法确定是否为其明细，请核对。") if ambiguous else ""
                ck.check_linear(parent, ops, [], "上下级合计" if not ambiguous else "上下级合计（结构不明确）",
                                f"“{ln.name}”{colname}与下级明细之和（按{basis}识别）",
                                WARNING if ambiguous else ERROR, note=note)
            if part and any(col in lines[j].values for j in part):
                ops = [operand(block, lines[j], col) for j in part if col in lines[j].values]
                total = sum((op.scaled_to(parent.unit)[0] for op in ops), ZERO)
                tol = parent.tol + sum((op.scaled_to(parent.unit)[1] for op in ops), ZERO)
                if total - parent.value > tol:
                    names = "、".join(op.ref() for op in ops)
                    how = (f"（按资金来源列在“{ln.name}”下的明细行，视为其中项）"
                           if any(lines[j].breakdown for j in part) else "")
                    ck.add(BudgetFinding(
                        ERROR, block.sheet, parent.cell, "其中项不超过总数",
                        f"“其中”各项 {names} 之和 {fmt(total)} 大于 {parent.ref()} 的 {fmt(parent.value)}，"
                        f"超出 {fmt(total - parent.value)}{how}。", total, parent.value, parent.value - total),
                        ops + [parent], [1] * len(ops) + [-1])
    for t, covered in block.totals.items():
        tl = lines[t]
        flat = _flat_guess(block, t, covered)
        basis = ("按科目编码识别所含各项" if block.coded else
                 "按编号识别所含各项" if any(lines[j].marker for j in covered) else "按位置识别所含各项")
        for col in amount_cols:
            res = operand(block, tl, col)
            ops = [operand(block, lines[j], col) for j in covered if col in lines[j].values]
            if res is None or not ops:
                continue
            extra = _continuation_ops(block, cont, col)
            if extra and not _adds_up(res, ops) and _adds_up(res, ops + extra):
                continue
            if flat and not _adds_up(res, ops):
                # unnumbered rows under a total: which of them are its parts is a guess. The vocabulary decides
                # where it can (支出合计 = 基本支出 + 项目支出; 人员经费 … 三公 are memo rows), else a leading run
                # of rows that adds up (the rest being memo rows); failing both, a warning naming the assumption.
                if _identity_applies(ck.rules, tl, [lines[j] for j in covered]):
                    continue
                if covered[0] < t:      # a 合计 row closing the list below it: the usual layout, not a guess
                    ck.check_linear(res, ops, [], "合计行", f"“{tl.name}”{block.column(col).title}与所含各项之和",
                                    note=f"（{basis}）")
                    continue
                if any(_adds_up(res, ops[:k]) for k in range(1, len(ops))):
                    continue
                ck.check_linear(res, ops, [], "合计行（结构不明确）",
                                f"“{tl.name}”{block.column(col).title}与所含各项之和", WARNING,
                                note=f"这些行没有编号或科目编码，假定第{lines[covered[0]].row + 1}–"
                                     f"{lines[covered[-1]].row + 1}行都是“{tl.name}”的组成部分；如其中有"
                                     "“其中”项或备注行，请加编号或“其中：”。")
                continue
            ck.check_linear(res, ops, [], "合计行", f"“{tl.name}”{block.column(col).title}与所含各项之和",
                            note=f"（{basis}）")
    _check_total_columns(block, ck)


def _identity_applies(rules: RuleSet, total: Line, rows: list[Line]) -> bool:
    """A default identity has the total's item as result and finds all its required items among the rows."""
    item = rules.item_of(total.name, None)
    present = {rules.item_of(ln.name, ln.code) for ln in rows}
    return any(i.get("kind") != "ratio" and i["result"] == item
               and all(x in present for x in i.get("plus", []) + i.get("minus", [])) for i in rules.identities)


def _flat_guess(block: Block, t: int, covered: list[int]) -> bool:
    """A total over unnumbered, uncoded rows all at one indentation: its parts are only guessed."""
    lines = block.lines
    body = [lines[j] for j in covered if not lines[j].total]
    every = [ln for ln in lines if not ln.total and not ln.ratio]
    return (not block.coded and len(body) >= 3 and all(ln.marker is None and not ln.code and not ln.of_which
                                                       for ln in every)
            and len({ln.indent for ln in every}) == 1)


def _fits(block: Block, amount_cols, value_line: Line, members: list[Line]) -> bool:
    """value_line adds up to members in every amount column (within rounding)."""
    ok_any = False
    for col in amount_cols:
        if col not in value_line.values:
            continue
        vals = [m.values[col] for m in members if col in m.values]
        if not vals:
            continue
        ok_any = True
        tol = half_unit(block.decimals.get((value_line.row, value_line.cell_col(col)))) + sum(
            (half_unit(block.decimals.get((m.row, m.cell_col(col)))) for m in members if col in m.values), ZERO)
        if abs(value_line.values[col] - sum(vals, ZERO)) > tol:
            return False
    return ok_any


def _resolve_maybe_parts(block: Block, amount_cols):
    """Unnumbered lines right after a "其中：" part: further parts of the same line if the sum they would
    otherwise join only adds up without them."""
    lines = block.lines
    groups: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.maybe_part_of is not None and not ln.partial:
            groups.setdefault(ln.maybe_part_of, []).append(i)
    for owner, cands in groups.items():
        first = lines[cands[0]]
        if first.parent is not None:
            container = lines[first.parent]
            members = [j for j, k in enumerate(lines) if k.parent == first.parent and not k.partial]
        else:
            t = next((t for t, cov in block.totals.items() if cands[0] in cov), None)
            if t is None:
                continue
            container, members = lines[t], block.totals[t]
        def deviation(k):
            kept = [lines[j] for j in members if j not in cands[:k]]
            if not kept or _fits(block, amount_cols, container, kept):
                return ZERO
            return max((abs(container.values[c] - sum((m.values.get(c, ZERO) for m in kept), ZERO))
                        for c in amount_cols if c in container.values), default=ZERO)
        # the reading under which the sum fits; if none does (there is an error anyway), the closest one
        best = min(range(len(cands) + 1), key=lambda k: (deviation(k), k))
        for j in cands[:best]:
            lines[j].parent, lines[j].partial, lines[j].uncertain = owner, True, False
            for cov in block.totals.values():
                if j in cov:
                    cov.remove(j)


def _resolve_uncertain(block: Block, amount_cols):
    """Rows attached to a numbered parent by position only: keep them as its children if the sums say so,
    make them its siblings if the parent adds up without them."""
    lines = block.lines

    def fits(value_line: Line, members: list[Line]) -> bool:
        return _fits(block, amount_cols, value_line, members)

    parents_of_loose = {k.parent for k in lines if k.uncertain}
    for i, ln in enumerate(lines):
        if i not in parents_of_loose:
            continue
        kids = [k for k in lines if k.parent == i and not k.partial]
        loose = [k for k in kids if k.uncertain]
        if not loose:
            continue
        sure = [k for k in kids if not k.uncertain]
        if fits(ln, kids):
            for k in loose:
                k.uncertain = False
        elif sure and fits(ln, sure):
            for k in loose:
                k.parent, k.uncertain = ln.parent, False
                if ln.parent is None:
                    for t, covered in block.totals.items():
                        if i in covered:
                            covered.append(lines.index(k))
                            covered.sort()


def _is_total_column(c) -> bool:
    return c.name in ("合计", "总计", "小计") or c.name.endswith(("合计", "总计")) and len(c.name) <= 8


def total_column_parts(cols, c):
    """The columns a 合计/小计 column adds up: those under the same upper header; a group of columns with its own
    upper header (基本支出: 小计 | 人员经费 | 公用经费) counts once, by its 小计 (or by its members if it has none)."""
    depth = len(c.header) - 1
    prefix = c.header[:-1]
    under = [d for d in cols if d is not c and len(d.header) > depth and d.header[:depth] == prefix
             and not d.name.startswith("其中")]
    groups: dict[str, list] = {}
    for d in under:
        groups.setdefault(d.header[depth], []).append(d)
    parts = []
    for key, ds in groups.items():
        if len(ds) == 1 and len(ds[0].header) == depth + 1:
            if not _is_total_column(ds[0]):
                parts.append(ds[0])
            continue
        sub = [d for d in ds if len(d.header) == depth + 2 and _is_total_column(d)]
        if sub:
            parts.append(sub[0])
        else:
            parts.extend(d for d in ds if len(d.header) == depth + 2)
    after = [d for d in parts if d.col > c.col]
    return after or [d for d in parts if d.col < c.col]


def _check_total_columns(block: Block, ck: Checker):
    """A column headed 合计/总计 equals the amount columns beside it under the same upper header."""
    cols = [c for c in block.columns if c.kind == "amount"]
    for c in cols:
        if not _is_total_column(c):
            continue
        parts = total_column_parts(cols, c)
        if len(parts) < 2:
            continue
        for ln in block.lines:
            res = operand(block, ln, c.col)
            ops = [operand(block, ln, d.col, label=f"{ln.name}·{d.name}") for d in parts if d.col in ln.values]
            if res is None or not ops:
                continue
            res = Operand(res.sheet, res.row, res.col, res.value, res.tol, res.unit, f"{ln.name}·{c.name}")
            note = "本表没有项目列，按表头分组识别各分列。" if block.horizontal else ""
            ck.check_linear(res, ops, [], "合计列", f"“{ln.name}”行的{c.title}与各分列之和", note=note)


# ---------------------------------------------------------------- identities (default rule set)


_SIDE_WORDS = ("收入", "支出")


def _row_contexts(blocks: list[Block], rules: RuleSet):
    """(sheet, measure) -> item -> operands: items as row labels, one context per amount column title."""
    ctx: dict[tuple, dict[str, list[tuple[Block, Line, int]]]] = {}
    for b in blocks:
        for c in b.columns:
            if c.kind != "amount":
                continue
            # income and expenditure sides of one sheet (收入 | 支出 over 决算数) share one context
            key = (b.sheet, "·".join(h for h in c.header if h not in _SIDE_WORDS) or c.title)
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
                if ident.get("kind") == "ratio":
                    _check_ratio(ident, items, rules, ck)
                else:
                    _check_identity(ident, items, ck)


def _op(entry) -> Operand:
    b, ln, col, label, _ = entry
    return operand(b, ln, col, label=label)


def _check_identity(ident: dict, items, ck: Checker):
    res = _single(items.get(ident["result"]))
    if res is None:
        return
    plus, minus = [], []
    for names, target, required in ((ident.get("plus", []), plus, True), (ident.get("minus", []), minus, True),
                                    (ident.get("optional_plus", []), plus, False),
                                    (ident.get("optional_minus", []), minus, False)):
        for name in names:
            e = _single(items.get(name))
            if e is None:
                if required:
                    return
                continue
            if e[1] is res[1] and e[2] == res[2]:
                return
            target.append(_op(e))
    ck.check_linear(_op(res), plus, minus, ident["name"], f"恒等式“{ident['name']}”")


def _check_ratio(ident: dict, items, rules: RuleSet, ck: Checker):
    res = _single(items.get(ident["result"]))
    num = _single(items.get(ident["numerator"]))
    if res is None or num is None:
        return
    den = None
    for name in rules.items[ident["denominator"]]["names"]:
        cands = [e for e in items.get(ident["denominator"], []) if e[4] == normalize(name)]
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
    ck.add(BudgetFinding(ERROR, rb.sheet, cell, ident["name"],
                         f"执行率不符：{cell} 为 {_show_ratio(rb, rl, rc, actual, percent_units)}，按 {n.ref()} ÷ "
                         f"{d.ref()} = {fmt(n.value)} ÷ {fmt(d.value)} 应为 "
                         f"{_show_ratio(rb, rl, rc, expected, percent_units)}。",
                         expected, actual, actual - expected), [n, d], kind="ratio")


def check_balance(blocks: list[Block], rules: RuleSet, ck: Checker):
    """Side-by-side income / expenditure blocks: their 总计 rows agree."""
    names = {normalize(n) for n in rules.balance.get("names", [])}
    by_sheet: dict[str, list[Block]] = {}
    for b in blocks:
        by_sheet.setdefault(b.sheet, []).append(b)
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


# ---------------------------------------------------------------- shares


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
    if len(left) < 2 or grand is None or any(_is_total_column(c) for c in left):
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


def _show_ratio(block: Block, ln: Line, col: int, value: Decimal, percent_units: bool) -> str:
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
                     f"（{fmt(base.value)}，应为 {_show_ratio(block, ln, col, q, percent_units)}）")
    reported = {(f.sheet, f.cell): f.expected for f in ck.findings if f.expected is not None and f.rule != "占比"}
    for kind, base in bases:       # a base that is itself reported: try its corrected value too
        fixed = reported.get((base.sheet, base.cell))
        bv = None if fixed is None else base.scaled_to(part.unit)[0] * fixed / base.value if base.value else fixed
        if bv:
            q = round_half_up(part.value / bv * scale, places)
            tried.append(f"更正后的{base.ref()}（{fmt(fixed)}，应为 {_show_ratio(block, ln, col, q, percent_units)}）")
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
                         f"占比不符：{cell} 填 {_show_ratio(block, ln, col, actual, percent_units)}"
                         f"（{part.ref()} = {fmt(part.value)}），"
                         f"与任何可能的基数都对不上。已尝试的基数：{'；'.join(tried)}。",
                         expected, actual, None if expected is None else actual - expected),
           [part] + [base for _, base in bases], kind="ratio", refit=refit)


# ---------------------------------------------------------------- cross-table agreement


_MEASURE_WORDS = ("合计", "总计", "小计", "金额", "数额", "决算数", "预算数", "执行数", "本年数", "年初预算数", "全年预算数",
                  "调整后预算数", "调整预算数", "全年执行数", "决算", "预算", "实际数", "支出数")


_WHOLE_ITEMS = ("本年支出合计", "本年收入合计")


def measure_of(block: Block, column, rules: RuleSet) -> tuple[str, str] | None:
    """(kind of figure, column item) an amount column holds: ("actual", "") for 决算数, ("actual", "基本支出") …"""
    cross = rules.cross
    kind = None
    period = ""
    cr = rules.change_rate
    title = column.title
    if any(w in title for w in cr.get("change", []) + cr.get("rate", [])):
        return None         # 增减金额 / 增减幅度 are not figures of the item itself
    if any(w in title for w in cr.get("last_year", [])) and \
            not any(w in title for w in cr.get("not_last_year", [])):
        period = "上年"      # 上年预算数 / 上年决算数: another year's figure, compared only with the same period
    for key in ("initial_budget", "adjusted_budget", "actual", "budget"):
        if any(w in column.title for w in cross.get(key, [])):
            kind = key
            break
    if kind is None:
        sheet_text = block.title + block.sheet
        kind = "actual" if "决算" in sheet_text else ("budget" if "预算" in sheet_text else None)
    if kind is None:
        return None
    kind = period + kind
    name = column.name
    if name in ("小计", "合计") and len(column.header) > 1:
        upper = column.header[-2]     # 基本支出 · 小计 is the 基本支出 portion; 本年支出 · 小计 the whole
        if rules.item_of(upper, None) not in _WHOLE_ITEMS:
            name = upper
    return kind, ("" if name in _MEASURE_WORDS or any(w in name for w in ("预算", "决算", "执行")) else name)


def scope_of(block: Block, rules: RuleSet) -> str:
    text = normalize(block.title + block.sheet)
    return next((s for s in rules.cross.get("scopes", []) if s in text), "全部")


def table_title_item(block: Block, rules: RuleSet) -> str | None:
    """An item the whole table is about, named in its title (基本支出决算表 → 基本支出)."""
    text = normalize(block.title + " " + block.sheet)
    best = None
    for name, item in rules.name_index.items():
        if len(name) >= 3 and name in text and (best is None or len(name) > len(best[0])):
            best = (name, item)
    return best[1] if best else None


def check_cross_table(blocks: list[Block], rules: RuleSet, ck: Checker):
    """The same item (by code, or by a specific label) in two sheets must have the same amount; the finding goes
    to the occurrence that also breaks a sum in its own table, else to the later one."""
    generic = {normalize(n) for n in rules.cross.get("generic_names", [])}
    seen: dict[tuple, list[Operand]] = {}
    for b in blocks:
        counts: dict[str, int] = {}
        for ln in b.lines:
            counts[ln.name] = counts.get(ln.name, 0) + 1
        scope = scope_of(b, rules)
        amount = [c for c in b.columns if c.kind == "amount"]
        grand = grand_total(b)
        title_item = table_title_item(b, rules)
        for c in amount:
            measure = measure_of(b, c, rules)
            if measure is None:
                continue
            kind, column_item = measure
            # which portion the figures are: a column 基本支出, or a whole table about 基本支出 / 三公经费
            portion = rules.item_of(column_item, None) or column_item or title_item or ""
            for ln in b.lines:
                if c.col not in ln.values or ln.ratio:
                    continue
                keys = []
                if ln.code:
                    keys.append(("code", ln.code))
                if ln.name and not ln.total and ln.name not in generic and counts[ln.name] == 1:
                    keys.append(("name", rules.item_of(ln.name, None) or ln.name))
                for key in keys:
                    seen.setdefault((key, kind, portion, scope), []).append(operand(b, ln, c.col))
            if grand is None or grand(c.col) is None or not portion:
                continue
            # the table's overall total is the whole of that portion (or of the item it names: 人员经费合计)
            g = grand(c.col)
            named = rules.item_of(normalize(g.label), None)
            seen.setdefault((("name", named or portion), kind, "", scope), []).append(g)
    involved = ck.involved()
    _check_scopes(seen, rules, ck, involved | {(f.sheet, f.cell) for f in ck.findings})
    for entries in seen.values():
        by_sheet: dict[str, Operand] = {}
        for op in entries:
            by_sheet.setdefault(op.sheet, op)
        if len(by_sheet) < 2:
            continue
        ops = list(by_sheet.values())
        first = ops[0]
        for other in ops[1:]:
            a, b = other, first
            if (b.sheet, b.cell) in involved and (a.sheet, a.cell) not in involved:
                a, b = b, a
            ck.check_linear(a, [b], [], "跨表一致", f"同一项目在“{b.sheet}”与“{a.sheet}”两表中的数值")


def _check_scopes(seen: dict, rules: RuleSet, ck: Checker, involved: set):
    """A figure of a narrower scope (财政拨款) larger than the all-funds figure of the same item is certainly wrong.
    Reported at the most detailed line that exceeds (its coded parents and the table total exceed only through it),
    once per line."""
    within = rules.cross.get("scope_within", {})
    if len({k[3] for k in seen}) < 2:
        return
    groups: dict[tuple, dict[str, list[Operand]]] = {}
    for (key, kind, portion, scope), ops in seen.items():
        groups.setdefault((key, kind, portion), {}).setdefault(scope, []).extend(ops)
    groups = {k: v for k, v in groups.items() if len(v) > 1}
    if not groups:
        return
    hits = []
    with_code = {(op.sheet, op.cell) for (key, *_), ops in seen.items() if key[0] == "code" for op in ops}
    for (key, kind, portion), by_scope in groups.items():
        for narrow, ops in by_scope.items():
            for wide in within.get(narrow, []):
                if wide not in by_scope:
                    continue
                w = by_scope[wide][0]
                if (w.sheet, w.cell) in involved:
                    break       # the all-funds figure breaks a sum of its own: no certain comparison
                for op in ops:
                    if key[0] == "name" and (op.sheet, op.cell) in with_code:
                        continue        # compared by its code (a name may mean another classification)
                    v, t = op.scaled_to(w.unit)
                    if v - w.value > t + w.tol:
                        hits.append((key, op, w, narrow, wide))
                break
    coded = {(op.sheet, key[1]) for key, op, *_ in hits if key[0] == "code"}
    rows_done: set = set()
    for key, op, w, narrow, wide in sorted(hits, key=lambda h: ("合计" in h[1].label or "小计" in h[1].label,
                                                                h[1].col)):
        if key[0] == "code" and any(s == op.sheet and c != key[1] and c.startswith(key[1]) for s, c in coded):
            continue
        if key[0] == "name" and any(s == op.sheet for s, _ in coded):
            continue
        if (op.sheet, op.row) in rows_done:
            continue
        rows_done.add((op.sheet, op.row))
        v, _ = op.scaled_to(w.unit)
        ck.add(BudgetFinding(ERROR, op.sheet, op.cell, "口径包含关系",
                             f"{narrow}数大于全部资金数：{op.ref()}为 {fmt(op.value)}，而同一项目在“{w.sheet}”"
                             f"（{wide}口径）{w.ref()}只有 {fmt(w.value)}；{narrow}是其中一部分，不能更大。",
                             w.value, v, v - w.value), [], kind="other")


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
        if co is not None:
            ck.check_linear(co, [to], [lo], "增减金额 = 本年 − 上年", f"“{ln.name}”的{change.name}")
        got = fraction(block, ln, rate.col) if rate is not None else None
        if got is None or lo.value == 0:
            continue
        value, tol, percent_units = got

        def fits(corrected: dict, lo=lo, to=to, value=value, tol=tol) -> bool:
            lv = corrected.get((lo.sheet, lo.cell), lo.value)
            tv = corrected.get((to.sheet, to.cell), to.value)
            if lv == 0:
                return True
            q = (tv - lv) / lv
            return abs(value - q) <= tol + (lo.tol + to.tol) / abs(lv) + abs(q) * lo.tol / abs(lv)
        if fits({}):
            continue
        scale = Decimal(100) if percent_units else Decimal(1)
        dec = block.decimals.get((ln.row, rate.col))
        places = dec if dec is not None else (2 if percent_units else 4)
        expected = round_half_up((to.value - lo.value) / lo.value * scale, places)
        cell = a1(ln.row, rate.col)
        actual = ln.values[rate.col]
        ck.add(BudgetFinding(ERROR, block.sheet, cell, "增减幅度 = 增减金额 ÷ 上年数",
                             f"增减幅度不符：{cell} 填 {_show_ratio(block, ln, rate.col, actual, percent_units)}，按"
                             f"（{to.ref()} − {lo.ref()}）÷ {lo.ref()} = （{fmt(to.value)} − {fmt(lo.value)}）÷ "
                             f"{fmt(lo.value)} 应为 {_show_ratio(block, ln, rate.col, expected, percent_units)}"
                             f"（按“{rate.name}”列表头认定为增减率）。", expected, actual, actual - expected),
               [lo, to], kind="ratio", refit=fits)
