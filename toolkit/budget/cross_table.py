"""Cross-table agreement: the same item (by code, or by a specific label) and measure in two tables has the same
amount, and a narrower scope (财政拨款) is never larger than the all-funds figure of the same item."""

from __future__ import annotations

import re
from dataclasses import replace

from toolkit.base.findings import ERROR
from toolkit.budget.blocks import Block
from toolkit.budget.cells import a1
from toolkit.budget.checker import Checker
from toolkit.budget.findings import BudgetFinding, Operand, fmt, grand_total, operand
from toolkit.budget.labels import normalize
from toolkit.budget.rules import RuleSet


_MEASURE_WORDS = ("合计", "总计", "小计", "金额", "数额", "决算数", "预算数", "执行数", "本年数", "年初预算数", "全年预算数",
                  "调整后预算数", "调整预算数", "全年执行数", "决算", "预算", "实际数", "支出数")


_WHOLE_ITEMS = ("本年支出合计", "本年收入合计")
_FUND_NAMES = re.compile("一般公共预算|政府性基金预算|国有资本经营预算")


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
    plain = _FUND_NAMES.sub("", title)      # 一般公共预算财政拨款 names a source of funds, not a budget figure
    for key in ("initial_budget", "adjusted_budget", "actual", "budget"):
        if any(w in plain for w in cross.get(key, [])):
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


_FUND_SCOPES = (("一般公共预算", "一般公共预算财政拨款"), ("政府性基金", "政府性基金"), ("国有资本经营", "国有资本经营"))
_SIDE_WHOLE = {"收入": "本年收入合计", "支出": "本年支出合计"}


def column_scope(column) -> str | None:
    """A column that holds one source of funds (财政拨款收入支出决算总表: 一般公共预算财政拨款 | 政府性基金预算财政拨款 …)."""
    name = normalize(column.name)
    return next((scope for word, scope in _FUND_SCOPES if word in name), None)


def side_of(block: Block, column) -> str | None:
    """收入 or 支出: what a whole-figure column adds up — from its header (收入 | 支出 over 金额, 本年支出合计,
    本年支出 · 小计) or its label column's (收入 over 项目), else from the table's title (支出决算表); None when
    none says."""
    for text in ("".join(column.header), "".join(block.label_header),
                 normalize(block.title).replace("收入支出", "").replace("收支", "")):
        has_in, has_out = "收入" in text, "支出" in text
        if has_in != has_out:
            return "收入" if has_in else "支出"
    return None


def check_cross_table(blocks: list[Block], rules: RuleSet, ck: Checker):
    """The same item (by code, or by a specific label) and measure in two tables (sheets, or tables stacked on one
    sheet) must have the same amount, and a narrower scope never exceed the all-funds figure (`_check_scopes`,
    `_check_equal`); a whole table in the other unit is one finding (`_one_unit_finding_per_table`)."""
    generic = {normalize(n) for n in rules.cross.get("generic_names", [])}
    seen: dict[tuple, list[Operand]] = {}
    meta: dict[tuple, tuple] = {}       # (sheet, row, col) -> (table, detail level: code length, 1 named, 0 total)
    tables: dict[tuple, Block] = {}
    for b in blocks:
        tid = (b.sheet, b.header_rows[0])
        tables.setdefault(tid, b)
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
            col_scope = column_scope(c)
            if col_scope:
                column_item = ""        # the whole figure of each line, from one source of funds
            # which portion the figures are: a column 基本支出, or a whole table about 基本支出 / 三公经费; a column of
            # whole figures is the 收入 or the 支出 of each line (收入决算表 and 支出决算表 of one subject differ)
            item = rules.item_of(column_item, None)
            whole = not column_item or item in _WHOLE_ITEMS or column_item in _SIDE_WHOLE
            # a 合计 beside a 上年结转 column adds the carry-over in: not this year's 收入 / 支出 alone
            carry = item not in _WHOLE_ITEMS and any(w in o.title for o in amount for w in ("结转", "结余"))
            side = side_of(b, c) if whole and not title_item and not carry else None
            plain_portion = item or column_item or title_item or ""
            portion = side or plain_portion
            the_scope = col_scope or scope
            for ln in b.lines:
                if c.col not in ln.values or ln.ratio:
                    continue
                keys = []
                if ln.code:
                    keys.append(("code", ln.code))
                if ln.name and not ln.total and ln.name not in generic and counts[ln.name] == 1:
                    keys.append(("name", rules.item_of(ln.name, None) or ln.name))
                if side and ln.total and rules.item_of(ln.name, None) == _SIDE_WHOLE[side]:
                    keys.append(("name", _SIDE_WHOLE[side]))      # 本年支出合计 of a 总表
                op = operand(b, ln, c.col)
                meta[(op.sheet, op.row, op.col)] = (tid, 0 if ln.total else len(ln.code) if ln.code else 1, ln.code)
                # the side tells a subject's income from its spending; a named item (基本支出) is one or the other
                known = not ln.total and rules.item_of(ln.name, ln.code) is not None
                for key in keys:
                    seen.setdefault((key, kind, plain_portion if known else portion, the_scope), []).append(op)
            if grand is None or grand(c.col) is None or not portion:
                continue
            # the table's overall total is the whole of that portion (or of the item it names: 人员经费合计)
            g = grand(c.col)
            meta[(g.sheet, g.row, g.col)] = (tid, 0, None)
            named = rules.item_of(normalize(g.label), None)
            if side:
                if named in (None, _SIDE_WHOLE[side]) and "总计" not in g.label:      # 合计 (总计 adds carry-overs)
                    seen.setdefault((("name", _SIDE_WHOLE[side]), kind, side, the_scope), []).append(g)
                continue
            seen.setdefault((("name", named or portion), kind, "", the_scope), []).append(g)
    involved = ck.involved()
    _check_scopes(seen, rules, ck, involved | {(f.sheet, f.cell) for f in ck.findings},
                  _unit_suspects(seen, meta, rules), meta)
    _check_equal(seen, meta, involved, ck)
    _one_unit_finding_per_table(ck, meta, tables)


def _agree(x: Operand, y: Operand) -> bool:
    v, t = y.scaled_to(x.unit)
    return abs(x.value - v) <= x.tol + t


def _check_equal(seen: dict, meta: dict, involved: set, ck: Checker):
    """The same item and measure in two tables must have the same amount. With three tables or more, the odd one out
    is reported against the others; with two, the finding goes to the figure that also breaks a sum of its own table,
    else to the later table, and says that either may be the wrong one. A total off by what a more detailed line of
    the same two tables is off by is only its consequence (not reported)."""
    table = lambda op: meta.get((op.sheet, op.row, op.col), ((op.sheet, None), 1, None))      # noqa: E731
    by_cell = {(s, a1(r, c)): m for (s, r, c), m in meta.items()}
    narrower = [by_cell[(f.sheet, f.cell)] for f in ck.findings
                if f.rule == "口径包含关系" and (f.sheet, f.cell) in by_cell]

    def above_a_reported_line(op) -> bool:
        """A total, or a coded parent, of a line already reported as larger than its all-funds figure."""
        tid, level, code = table(op)
        return any(t == tid and (level == 0 or code and c and c != code and c.startswith(code))
                   for t, _, c in narrower)
    pending = []        # (level, a, b, note)
    for entries in seen.values():
        by_table: dict[tuple, Operand] = {}
        for op in entries:
            by_table.setdefault(table(op)[0], op)
        ops = list(by_table.values())
        if len(ops) < 2:
            continue
        support = [sum(_agree(x, y) for y in ops if y is not x) for x in ops]
        best = max(range(len(ops)), key=lambda i: support[i])
        if len(ops) >= 3 and support[best] >= 1:
            ref = ops[best]
            agreeing = "、".join(f"“{y.sheet}”{y.cell}" for y in ops if y is not ref and _agree(ref, y))
            for x in ops:
                if x is not ref and not _agree(ref, x):
                    pending.append((min(table(x)[1], table(ref)[1]), x, ref,
                                    f"{agreeing}与“{ref.sheet}”{ref.cell}一致，故判定此处有误。"))
            continue
        first = ops[0]
        for other in ops[1:]:
            a, b = other, first
            if (b.sheet, b.cell) in involved and (a.sheet, a.cell) not in involved:
                a, b = b, a
            if not _agree(a, b):
                why = ("它所在表的合计也不平，故判定此处有误。" if (a.sheet, a.cell) in involved
                       else "两处必有一处填错，请核对两表。")
                pending.append((min(table(a)[1], table(b)[1]), a, b, why))
    reported: list[tuple] = []
    for level, a, b, note in sorted(pending, key=lambda p: -p[0]):
        if above_a_reported_line(a) or above_a_reported_line(b):
            continue
        diff = abs(a.value - b.scaled_to(a.unit)[0])
        pair = {table(a)[0], table(b)[0]}
        if any(p & pair and lv > level and abs(d - diff) <= a.tol + b.tol + tol for p, lv, d, tol in reported):
            continue        # a total off only through a line of one of its tables reported below it
        reported.append((pair, level, diff, a.tol + b.tol))
        ck.check_linear(a, [b], [], "跨表一致", f"同一项目在“{b.sheet}”与“{a.sheet}”两表中的数值", note=note,
                        compare=True)


def _one_unit_finding_per_table(ck: Checker, meta: dict, tables: dict):
    """Several figures of one table each 10000 times (or 1/10000 of) the same item in other tables: the whole table is
    in the other unit — one finding at its unit line instead of one per figure."""
    by_cell = {(s, a1(r, c)): tid for (s, r, c), (tid, *_) in meta.items()}
    groups: dict[tuple, list[BudgetFinding]] = {}
    for f in ck.findings:
        if f.rule == "单位检查（跨表一致）" and (f.sheet, f.cell) in by_cell:
            groups.setdefault((by_cell[(f.sheet, f.cell)], "应为万元" in f.message), []).append(f)
    for (tid, too_large), fs in groups.items():
        if len(fs) < 2:
            continue
        b = tables[tid]
        cell = a1(*b.unit_cell) if b.unit_cell else fs[0].cell
        stated = f"表头注明的单位是“{b.unit}”" if b.unit else "表中未注明单位"
        written = "元" if too_large else "万元"
        fs.sort(key=lambda f: (int("".join(ch for ch in f.cell if ch.isdigit())), f.cell))
        places = "、".join(f.cell for f in fs[:8]) + ("等" if len(fs) > 8 else "")
        ck.findings = [f for f in ck.findings if f not in fs]
        ck.add(BudgetFinding(ERROR, b.sheet, cell, "单位检查（整表）",
                             f"疑似整张表的单位错误：{stated}，但本表 {places} 共{len(fs)}处数字都是其他表中同一项目的"
                             f"{'10000' if too_large else '1/10000'} 倍，看来本表是按{written}填写的。请统一改为表头所注单位，"
                             f"或更正表头的单位。", fs[0].expected, fs[0].actual, fs[0].difference), [], kind="other")


def _in_other_unit(op: Operand, factor) -> Operand:
    """The figure read as if its table were in the other unit (元 ↔ 万元): its value scaled by `factor` (×10000 or
    ÷10000), its unit kept, so comparisons with other tables scale as before."""
    return replace(op, value=op.value * factor, tol=op.tol * factor)


def _unit_suspects(seen: dict, meta: dict, rules: RuleSet) -> dict:
    """Tables whose figures agree with the same items of another table only after ×10000 or ÷10000 (at two items or
    more): {table: the factors that would make them agree}. Both tables of such a pair are suspects — which one has
    the wrong unit is decided later (`_one_unit_finding_per_table`); a scope comparison involving a suspect must
    hold whichever unit is right before it is reported."""
    k = rules.unit_factor
    table = lambda op: meta.get((op.sheet, op.row, op.col), ((op.sheet, None),))[0]      # noqa: E731
    pairs: dict[tuple, set] = {}
    for entries in seen.values():
        by_table: dict = {}
        for op in entries:
            by_table.setdefault(table(op), op)
        ops = list(by_table.items())
        for i, (ta, a) in enumerate(ops):
            for tb, b in ops[i + 1:]:
                if a.value == 0 or _agree(a, b):
                    continue
                for factor in (k, 1 / k):
                    if _agree(_in_other_unit(a, factor), b):
                        pairs.setdefault((ta, tb, factor), set()).add((a.sheet, a.cell))
    suspects: dict = {}
    for (ta, tb, factor), cells in pairs.items():
        if len(cells) >= 2:
            suspects.setdefault(ta, set()).add(factor)
            suspects.setdefault(tb, set()).add(1 / factor)
    return suspects


def _check_scopes(seen: dict, rules: RuleSet, ck: Checker, involved: set, suspects: dict | None = None,
                  meta: dict | None = None):
    """A figure of a narrower scope (财政拨款) larger than the all-funds figure of the same item is certainly wrong.
    Reported at the most detailed line that exceeds (its coded parents and the table total exceed only through it),
    once per line. Where a table's unit is in doubt (`suspects`), the figure must exceed whichever unit is right."""
    suspects, meta = suspects or {}, meta or {}

    def readings(op: Operand) -> list[Operand]:
        """The figure as declared and, if its table's unit is in doubt, as in the other unit."""
        tid = meta.get((op.sheet, op.row, op.col), (None,))[0]
        return [op] + [_in_other_unit(op, f) for f in sorted(suspects.get(tid, ()))]

    def exceeds(op: Operand, w: Operand) -> bool:
        for x in readings(op):
            for y in readings(w):
                v, t = x.scaled_to(y.unit)
                if v - y.value <= t + y.tol:
                    return False
        return True
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
    slips = {(f.sheet, f.cell) for f in ck.findings if f.rule.startswith("单位检查")}     # already named in 元 / 万元
    with_code = {(op.sheet, op.cell) for (key, *_), ops in seen.items() if key[0] == "code" for op in ops}
    for (key, kind, portion), by_scope in groups.items():
        for narrow, ops in by_scope.items():
            for wide in within.get(narrow, []):
                if wide not in by_scope:
                    continue
                w = by_scope[wide][0]
                if (w.sheet, w.cell) in involved or not all(_agree(w, x) for x in by_scope[wide][1:]):
                    break       # the all-funds figure breaks a sum of its own, or two tables disagree on it
                for op in ops:
                    if key[0] == "name" and (op.sheet, op.cell) in with_code or (op.sheet, op.cell) in slips:
                        continue        # compared by its code (a name may mean another classification)
                    if exceeds(op, w) and not ck.tails.explains(
                            op.scaled_to(w.unit)[0] - w.value, op.scaled_to(w.unit)[1] + w.tol, [op, w], w.unit,
                            f"{narrow}数不大于全部资金数", across=True):
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
