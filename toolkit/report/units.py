"""Unit slips in a report's prose (元 written for 万元 or the reverse): an amount 10⁴ off its siblings in one
sentence, a total in another unit than its parts, the same item stated twice 10⁴ apart, a figure 10⁴ off its table
row. Found first; every other check then uses the corrected value (toolkit.report.check)."""

from __future__ import annotations

from decimal import Decimal

from toolkit.report.breakdowns import find_lists
from toolkit.report.figures import (AMOUNT, MONEY_FACTOR, Figure, ReportFinding, TableValue, _agree, _figures_agree,
                                    _finding, in_unit, unit_slip, vocabulary)


def _sibling_slips(figures: list[Figure]) -> list[tuple[Figure, str, list[Figure]]]:
    """An amount in 元 among 万元 siblings (or the reverse) that is about 10⁴ times off them: (figure, unit, others)."""
    out = []
    by_sentence: dict[int, list[Figure]] = {}
    per_item = vocabulary()["items"]["not_parts"]     # "平均每件案件补贴约350元": another scale than the totals
    for f in figures:
        if f.kind == AMOUNT and f.value > 0 and f.qualifier != "range" and not any(w in f.label for w in per_item):
            by_sentence.setdefault(f.sentence_index, []).append(f)
    for figs in by_sentence.values():
        if len(figs) < 2:
            continue
        for f in figs:
            others = [g for g in figs if g is not f]
            siblings = [g for g in others if g.unit != f.unit]
            if siblings and len({g.unit for g in siblings}) == 1 and len(siblings) == len(others):
                unit = siblings[0].unit  # 元 among 万元 (or the reverse)
            elif not siblings and len(others) >= 2 and f.unit != "元":
                unit = "元"  # all in 万元, one of them 10⁴ times its siblings: a 元 amount written as 万元
                values = [g.value for g in others]
                if _orders(max(values), min(values)) > 2:
                    continue
            else:
                continue
            values = sorted(g.value for g in others)
            median = values[len(values) // 2]
            rescaled = f.value / MONEY_FACTOR[f.unit] * MONEY_FACTOR[unit]
            if unit == "元" and not siblings and f.value < median:
                continue
            if _orders(f.value, median) >= Decimal("3.5") and _orders(rescaled, median) <= Decimal("1.5"):
                out.append((f, unit, others))
    return _one_of_two(out, figures)


def _one_of_two(slips: list[tuple[Figure, str, list[Figure]]], figures: list[Figure]
                ) -> list[tuple[Figure, str, list[Figure]]]:
    """"人员经费137.66万元，公用经费34.62元": each of two amounts is 10⁴ off the other, so either could be the slip; the
    one written in the unit the report uses less is taken (the report's other amounts decide), else neither."""
    used: dict[str, int] = {}
    for f in figures:
        if f.kind == AMOUNT and f.plain:
            used[f.unit] = used.get(f.unit, 0) + 1
    flagged = {f.key for f, _, _ in slips}
    out = []
    for f, unit, others in slips:
        rivals = [g for g in others if g.key in flagged and g.sentence_index == f.sentence_index]
        if rivals and not all(used.get(f.unit, 0) < used.get(g.unit, 0) for g in rivals):
            continue
        out.append((f, unit, others))
    return out


def correct_units(figures: list[Figure], tables: list[TableValue], sentences: list[str] = ()
                  ) -> tuple[list[ReportFinding], list[Figure]]:
    """Unit slips (元 ↔ 万元) found among siblings, against the same figure stated elsewhere or in a table; every other
    check then uses the corrected value (and says so)."""
    findings, fixed = [], {}
    for f, unit, others in _sibling_slips(figures):
        right = in_unit(f, unit)
        fixed[f.key] = right
        findings.append(_finding(
            "unit", f, right.text, f"{f.label or '该金额'}写作{f.text}，与同句其他金额（{'、'.join(g.text for g in others)}）"
            f"数量级相差约一万倍，疑应为“{right.text}”；以下各项核对均按{right.text}计。"))
    for lst in find_lists(figures, sentences):   # a total in 元 over parts in 万元 (or the reverse)
        total, units = lst.total, {p.unit for p in lst.parts}
        if total.kind != AMOUNT or total.key in fixed or len(units) != 1 or total.unit in units \
                or any(p.key in fixed for p in lst.parts):
            continue
        right = in_unit(total, units.pop())
        listed = sum((p.value for p in lst.parts), Decimal(0))
        tol = sum((p.tolerance for p in lst.parts), Decimal(0))
        fits = (lambda t: all(p.value <= t.value + t.tolerance + p.tolerance for p in lst.parts)) if lst.overlapping \
            else (lambda t: _agree(listed, tol, t.value, t.tolerance))
        if fits(right) and not fits(total) and _orders(total.value, right.value) >= 3:
            fixed[total.key] = right
            findings.append(_finding(
                "unit", total, right.text, f"{total.label or '合计'}写作{total.text}，而其中所列"
                f"{'、'.join(f'{p.label}{p.text}' for p in lst.parts)}以“{right.unit}”计，疑应为“{right.text}”；"
                f"以下各项核对均按{right.text}计。"))
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.kind == AMOUNT and f.plain and len(f.canonical) >= 2 and f.key not in fixed and "占" not in f.label:
            groups.setdefault((f.canonical, f.year, f.phase, f.scope, f.fund), []).append(f)
    for (label, _, _, _, _), figs in groups.items():
        first = figs[0]
        for other in figs[1:]:
            slip = unit_slip(other, other.value, first.value, other.tolerance + first.tolerance)
            if slip and not _figures_agree(first, other):
                right = in_unit(other, slip)
                fixed[other.key] = right
                findings.append(_finding(
                    "unit", other, first.text,
                    f"{label}前文为{first.text}，此处写作{other.text}，相差约一万倍，疑将单位“{slip}”误写为“{other.unit}”。"))
    by_label: dict[str, list[TableValue]] = {}
    for t in tables:
        by_label.setdefault(t.label, []).append(t)
    for f in figures:
        rows = [t for t in by_label.get(f.canonical, []) if t.kind == AMOUNT]
        if f.key in fixed or not f.plain or f.kind != AMOUNT or not rows:
            continue
        if any(f.allows(t.value, t.tolerance) for t in rows):
            continue
        t = rows[0]
        slip = unit_slip(f, f.value, t.value, f.tolerance + t.tolerance)
        if slip:
            right = in_unit(f, slip)
            fixed[f.key] = right
            findings.append(_finding(
                "unit", f, _table_shown(f, t), f"{f.canonical}文中为{f.text}，表中（{t.where}）为{_table_shown(f, t)}，"
                f"疑将单位“{slip}”误写为“{f.unit}”。"))
    return findings, [fixed.get(f.key, f) for f in figures]


def _orders(a: Decimal, b: Decimal) -> Decimal:
    """How many orders of magnitude apart two positive values are."""
    if a <= 0 or b <= 0:
        return Decimal(0)
    return abs((a / b).log10())


def _table_shown(f: Figure, t: TableValue) -> str:
    """A table value written in the prose figure's unit, with the table's own decimals (230.70, not 231)."""
    if f.kind != AMOUNT or t.decimals is None or t.unit not in MONEY_FACTOR:
        return f.shown(t.value)
    if f.unit == t.unit:
        return f.shown(t.value, t.decimals)
    shift = int((MONEY_FACTOR[f.unit] / MONEY_FACTOR[t.unit]).log10())   # 万元 table (2 decimals), 元 prose: 0
    return f.shown(t.value, max(0, t.decimals + shift))
