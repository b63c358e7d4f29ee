"""Structure checks of a budget table: numbered / coded parents against their children, 其中 parts against their
whole, 合计/总计/小计 lines against what they cover, 合计 columns against the columns beside them."""

from __future__ import annotations

from toolkit.base.findings import ERROR, WARNING
from toolkit.budget.blocks import Block, Line
from toolkit.budget.checker import Checker
from toolkit.budget.findings import ZERO, BudgetFinding, Operand, fmt, half_unit, operand
from toolkit.budget.rules import Identity, RuleSet
from toolkit.budget.structure import structure_vocab


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


def register_sums(block: Block, ck: Checker):
    """Tell the collector which figures are sums of which (parents of their children, totals of what they cover, 合计
    columns of the columns beside them), before any check: a sum may carry the rounding of every line under it."""
    amount = [c for c in block.columns if c.kind == "amount"]
    lines = block.lines
    kids: dict[int, list[int]] = {}
    for j, k in enumerate(lines):
        if k.parent is not None and not k.partial:
            kids.setdefault(k.parent, []).append(j)
    groups = list(kids.items()) + list(block.totals.items())
    for col in [c.col for c in amount]:
        for i, members in groups:
            res = operand(block, lines[i], col)
            ops = [op for j in members for op in [operand(block, lines[j], col)] if op is not None]
            if res is not None and ops:
                ck.tails.add_sum(res, ops)
    for c in amount:
        if not is_total_column(c):
            continue
        parts = total_column_parts(amount, c)
        for ln in block.lines if len(parts) >= 2 else []:
            res = operand(block, ln, c.col)
            ops = [op for d in parts for op in [operand(block, ln, d.col)] if op is not None]
            if res is not None and ops and not ln.ratio:
                ck.tails.add_sum(res, ops)


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
    complete = structure_vocab()["complete"]
    for i, ln in enumerate(lines):
        kids = children.get(i, [])
        full = [j for j in kids if not lines[j].partial]
        part = [j for j in kids if lines[j].partial]
        listed = {lines[j].name for j in part}
        if not full and part and all(lines[j].breakdown for j in part) and any(s <= listed for s in complete):
            full, part = part, []       # every source of the balance listed: they add up to it
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
    return any(isinstance(i, Identity) and i.result == item and all(x in present for x in i.plus + i.minus)
               for i in rules.identities)


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


def is_total_column(c) -> bool:
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
            if not is_total_column(ds[0]):
                parts.append(ds[0])
            continue
        sub = [d for d in ds if len(d.header) == depth + 2 and is_total_column(d)]
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
        if not is_total_column(c):
            continue
        parts = total_column_parts(cols, c)
        if len(parts) < 2:
            continue
        for ln in block.lines:
            if ln.ratio:        # a 增减幅度 / 占比 row of a table laid out across: rates are never summed
                continue
            res = operand(block, ln, c.col)
            ops = [operand(block, ln, d.col, label=f"{ln.name}·{d.name}") for d in parts if d.col in ln.values]
            if res is None or not ops:
                continue
            res = Operand(res.sheet, res.row, res.col, res.value, res.tol, res.unit, f"{ln.name}·{c.name}")
            note = "本表没有项目列，按表头分组识别各分列。" if block.horizontal else ""
            ck.check_linear(res, ops, [], "合计列", f"“{ln.name}”行的{c.title}与各分列之和", note=note)
