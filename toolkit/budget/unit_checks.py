"""Whole tables in the wrong unit that no other table shows: a table whose unit line says 元 while its figures are
far too small for any table of a county legal aid centre's accounts (they were written in 万元)."""

from __future__ import annotations

from decimal import Decimal

from toolkit.base.findings import WARNING
from toolkit.budget.blocks import Block
from toolkit.budget.cells import a1, decimals_of
from toolkit.budget.checker import Checker
from toolkit.budget.findings import BudgetFinding, fmt
from toolkit.budget.labels import normalize
from toolkit.budget.rules import RuleSet

WHOLE_TABLE_RULE = "单位检查（整表）"


def smallest_believable(group: list[Block], rules: RuleSet) -> Decimal | None:
    """The smallest largest-figure (元) a table of this kind can have ([unit_plausibility]); None: not judged (not a
    final-accounts / budget table by its title or sheet name)."""
    spec = rules.plausible
    text = normalize(group[0].title + group[0].sheet)
    if "min_largest_yuan" not in spec or not any(w in text for w in spec.get("applies_to", [])):
        return None
    small = set(spec.get("small_items", []))
    items = {rules.item_of(ln.name, ln.code) for b in group for ln in b.lines if ln.values and not ln.total}
    if any(normalize(w) in text for w in spec.get("small_tables", [])) or (items and items <= small):
        return Decimal(str(spec.get("small_largest_yuan", spec["min_largest_yuan"])))
    return Decimal(str(spec["min_largest_yuan"]))


def check_unit_plausibility(blocks: list[Block], rules: RuleSet, ck: Checker):
    """One WARNING at the unit line of each table declared in 元 whose largest figure is below the bound of its kind
    — unless another check already found the whole table in the other unit (exact evidence, an error)."""
    tables: dict[tuple, list[Block]] = {}
    for b in blocks:
        tables.setdefault((b.sheet, b.header_rows[0]), []).append(b)
    done = {(f.sheet, f.cell) for f in ck.findings if f.rule == WHOLE_TABLE_RULE}
    for (sheet, _), group in tables.items():
        figures = [(abs(v), b, ln, col) for b in group for c in b.columns if c.kind == "amount" and c.unit == "元"
                   for ln in b.lines if not ln.ratio for col, v in ln.values.items() if col == c.col and v]
        if not figures or any(c.kind == "amount" and c.unit != "元" for b in group for c in b.columns):
            continue
        bound = smallest_believable(group, rules)
        largest, b, ln, col = max(figures, key=lambda f: f[0])
        if bound is None or largest >= bound:
            continue
        unit_at = next((x.unit_cell for x in group if x.unit_cell), None)
        where = a1(*unit_at) if unit_at else a1(ln.row, ln.cell_col(col))
        cells = {where} | {a1(x.row, x.cell_col(k)) for _, _, x, k in figures}
        if any((sheet, c) in done for c in cells):
            continue
        places = [b.decimals.get((ln2.row, ln2.cell_col(k))) for _, x, ln2, k in figures]
        places = [p if p is not None else decimals_of(v) for p, (v, *_) in zip(places, figures)]
        fine = sum(p > 2 for p in places)
        four = f"，且{'各' if fine == len(places) else '多数'}金额写到{max(places)}位小数（以元为单位一般只到分）" \
            if fine * 2 > len(places) else ""
        name = ln.name or ln.raw or "合计"
        scale = ("县级法律援助中心一年的收支在百万元上下" if bound >= Decimal(str(rules.plausible["min_largest_yuan"]))
                 else "“三公”经费这类小项一年也在百元以上")
        ck.add(BudgetFinding(
            WARNING, sheet, where, WHOLE_TABLE_RULE,
            f"疑似整张表按万元填写：表头注明的单位是“元”，但本表最大的数 {a1(ln.row, ln.cell_col(col))}（{name}）只有 "
            f"{fmt(largest)} 元{four}。{scale}，本表各数看来是以万元为单位（"
            f"{fmt(largest)} 万元 = {fmt(largest * 10000)} 元）。此为推测：没有其他表中的同一项目可以比对，假定这类表"
            f"最大的数不少于 {fmt(bound)} 元。若按万元填写，请把表头的单位改为“万元”；若确为元，可忽略本条。",
            largest * 10000, largest, None), [], kind="other")
