"""Cross-table agreement: the same item (by code, or by a specific label) and measure in two sheets has the same
amount, and a narrower scope (财政拨款) is never larger than the all-funds figure of the same item."""

from __future__ import annotations

from toolkit.base.findings import ERROR
from toolkit.budget.blocks import Block
from toolkit.budget.checker import Checker
from toolkit.budget.findings import BudgetFinding, Operand, fmt, grand_total, operand
from toolkit.budget.labels import normalize
from toolkit.budget.rules import RuleSet


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
