"""Statistics forms across returns: running totals (本年累计 = 上月累计 + 本月, a station's month not twice) and the
consolidated form of each month (items summed over stations), as tables to write."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.findings import WARNING, Finding
from toolkit.monthly.rules import period_label
from toolkit.budget.findings import fmt
from toolkit.monthly.stat_forms import StatForm, StatLine, station_key
from toolkit.monthly.stat_vocab import CUMULATIVE, CUSTOM, MONTH, SUMMED, StatVocabulary, stat_vocabulary


def previous_period(period: str) -> str | None:
    """'2023-03' → '2023-02'; None for January (the running total starts again)."""
    year, month = map(int, period.split("-"))
    return None if month == 1 else f"{year:04d}-{month - 1:02d}"


def running_total_findings(forms: list[StatForm], vocab: StatVocabulary | None = None
                           ) -> tuple[list[tuple[int, Finding]], list[tuple[int, Finding]]]:
    """Checks across returns: every 本年累计 must be 上月累计 + 本月 (last month's return of the same station in the
    batch; in January 本年累计 = 本月), and a station's month must not come twice.

    Returns (findings to add, findings of the forms they replace), each as (index of the form, finding): when a
    本月 figure is off by what both its running total and its parent's sum are off, that one cell is reported
    instead of the two sums (as `validate` locates a cell that breaks its row and its column)."""
    vocab = vocab or stat_vocabulary()
    by_station: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(forms):
        if f.period:
            by_station.setdefault((station_key(vocab, f.station), f.period), []).append(i)
    out, replaced = [], []
    for (skey, period), idxs in sorted(by_station.items()):
        for i in idxs[1:]:
            first = forms[idxs[0]]
            out.append((i, Finding(WARNING, f"单位“{forms[i].station}”{_period_text(period)}的统计报表有两份（另一份："
                                   f"文件“{first.file}”工作表“{first.sheet}”），两份都已计入汇总，请核实是否重复报送。",
                                   forms[i].sheet, None, None, None, forms[i].file)))
        prev = previous_period(period)
        before = by_station.get((skey, prev), []) if prev else []
        if prev and len(before) != 1:
            continue
        for i in idxs:
            form = forms[i]
            last = forms[before[0]] if before else None
            for ln in form.lines:
                if MONTH not in ln.values or CUMULATIVE not in ln.values:
                    continue
                cell = ln.cells[CUMULATIVE]
                actual = ln.values[CUMULATIVE]
                if last is None:
                    expected = ln.values[MONTH]
                    if actual != expected:
                        out.append((i, Finding(WARNING, f"“{ln.label}”是1月的报表，本年累计应等于本月 {fmt(expected)}"
                                               f"（{ln.cells[MONTH]}），实为 {fmt(actual)}。",
                                               form.sheet, ln.row, cell, fmt(actual), form.file)))
                    continue
                before_line = last.line(ln.key)
                if before_line is None or CUMULATIVE not in before_line.values:
                    continue
                expected = before_line.values[CUMULATIVE] + ln.values[MONTH]
                if actual == expected:
                    continue
                source = (f"上月累计 {fmt(before_line.values[CUMULATIVE])}（文件“{last.file}”工作表“{last.sheet}”"
                          f"{before_line.cells[CUMULATIVE]}）")
                culprit = _month_culprit(vocab, form, ln, expected - actual)
                if culprit is not None:
                    parent, broken = culprit
                    should = actual - before_line.values[CUMULATIVE]
                    replaced.append((i, broken))
                    out.append((i, Finding(
                        WARNING, f"“{ln.label}”本月 {fmt(ln.values[MONTH])} 很可能有误，应为 {fmt(should)}："
                        f"按本年累计 {fmt(actual)}（{cell}）− {source} 应为 {fmt(should)}，而“{parent.label}”本月"
                        f"（{parent.cells[MONTH]}）与其明细之和也正好相差 {fmt(abs(expected - actual))}。",
                        form.sheet, ln.row, ln.cells[MONTH], fmt(ln.values[MONTH]), form.file)))
                    continue
                out.append((i, Finding(
                    WARNING, f"“{ln.label}”本年累计应为{source}+ 本月 {fmt(ln.values[MONTH])}（{ln.cells[MONTH]}）"
                    f"= {fmt(expected)}，实为 {fmt(actual)}，相差 {fmt(actual - expected)}。",
                    form.sheet, ln.row, cell, fmt(actual), form.file)))
    return out, replaced


def _month_culprit(vocab: StatVocabulary, form: StatForm, ln: StatLine, excess: Decimal):
    """(parent line, its sum finding) when ln's 本月 is `excess` too large for its running total and its parent's
    本月 is off from the sum of its parts by the same amount (and that sum was reported), else None."""
    if not ln.standard or ln.parent is None or vocab.by_key[ln.parent].parts != "partition":
        return None
    parent = form.line(ln.parent)
    if parent is None or MONTH not in parent.values:
        return None
    parts = [x for x in form.lines if x.parent == ln.parent and MONTH in x.values]
    if parent.values[MONTH] - sum((x.values[MONTH] for x in parts), Decimal(0)) != -excess:
        return None
    broken = next((f for f in form.findings if f.column == parent.cells[MONTH]), None)
    return (parent, broken) if broken is not None else None


def _period_text(period: str | None) -> str:
    return period_label(period) if period else "期间未知"


@dataclass
class ItemRow:
    key: str
    name: str
    unit: str
    sums: dict[str, Decimal]          # 本月 / 本年累计 summed over the stations that reported a figure
    reporters: list[str]              # stations that have the item
    missing: list[str]                # stations whose form lacks the item


@dataclass
class PeriodSummary:
    """The consolidated form of one month: the standard items (then non-standard ones) summed over stations."""

    period: str | None
    forms: list[StatForm]
    items: list[ItemRow]


def consolidate(forms: list[StatForm], vocab: StatVocabulary | None = None) -> list[PeriodSummary]:
    """One consolidated form per period, items in the standard order, non-standard items after them."""
    vocab = vocab or stat_vocabulary()
    periods: dict[str | None, list[StatForm]] = {}
    for f in forms:
        periods.setdefault(f.period, []).append(f)
    out = []
    for period in sorted(periods, key=lambda p: p or "9999"):
        group = sorted(periods[period], key=lambda f: (station_key(vocab, f.station), f.file, f.sheet))
        custom: dict[str, tuple[str, str]] = {}
        for f in group:
            for ln in f.lines:
                if not ln.standard and ln.key not in custom:
                    custom[ln.key] = (ln.label, "")
        keys = [(it.key, it.name, it.unit) for it in vocab.items] + [(k, n, u) for k, (n, u) in custom.items()]
        rows = []
        for key, name, unit in keys:
            sums = {role: Decimal(0) for role in SUMMED}
            reporters, missing = [], []
            for f in group:
                ln = f.line(key)
                if ln is None:
                    missing.append(f.station)
                    continue
                reporters.append(f.station)
                for role in SUMMED:
                    if role in ln.values:
                        sums[role] += ln.values[role]
            rows.append(ItemRow(key, name, unit, sums, reporters, missing))
        out.append(PeriodSummary(period, group, rows))
    return out


def summary_table(ps: PeriodSummary) -> tuple[list[str], list[list]]:
    """The consolidated form as header and rows: 项目 | 单位 | 本月 | 本年累计 | 填报单位数 | 说明."""
    rows = []
    n = len(ps.forms)
    for it in ps.items:
        custom = it.key.startswith(CUSTOM)
        if not it.reporters:
            note = "各单位均未填报"
        elif it.missing:
            note = f"{len(it.missing)}个单位未填报：{'、'.join(it.missing)}"
        else:
            note = ""
        if custom and it.reporters:
            note = "非标准项目，仅" + "、".join(it.reporters) + "填报"
        level = vocab_level(it.key)
        name = "　" * (2 * level) + it.name if not custom else f"（非标准）{it.name}"
        figures = [_number(it.sums[r]) if it.reporters else None for r in SUMMED]
        rows.append([name, it.unit, *figures, f"{len(it.reporters)}/{n}", note or None])
    return ["项目", "单位", *SUMMED, "填报单位数", "说明"], rows


def vocab_level(key: str) -> int:
    """How deep a standard item sits in the standard list (0 for 一、…), for indenting printed forms."""
    item = stat_vocabulary().by_key.get(key)
    return item.level if item is not None else 0


def matrix_table(summaries: list[PeriodSummary], role: str) -> tuple[list[str], list[list]]:
    """Stations × items for one role (本月 or 本年累计), all periods, a 合计 row per period."""
    keys: list[tuple[str, str]] = []
    for ps in summaries:
        for it in ps.items:
            if (it.key, it.name) not in keys and (it.reporters or not it.key.startswith(CUSTOM)):
                keys.append((it.key, it.name))
    header = ["所属期间", "单位", "来源文件", "工作表", *[n if not k.startswith(CUSTOM) else f"（非标准）{n}"
                                                   for k, n in keys]]
    rows = []
    for ps in summaries:
        for f in ps.forms:
            row = [_period_text(ps.period), f.station, f.file, f.sheet]
            for key, _ in keys:
                ln = f.line(key)
                row.append(_number(ln.values[role]) if ln is not None and role in ln.values else None)
            rows.append(row)
        sums = {it.key: it for it in ps.items}
        total = [_period_text(ps.period), "合计", f"{len(ps.forms)}个单位", ""]
        for key, _ in keys:
            it = sums.get(key)
            total.append(_number(it.sums[role]) if it is not None and it.reporters else None)
        rows.append(total)
    return header, rows


def form_table(form: StatForm, vocab: StatVocabulary | None = None) -> tuple[list[str], list[list]]:
    """One return in the standard form: every standard item (blank when the return lacks it), then its own items."""
    vocab = vocab or stat_vocabulary()
    rows = []
    for it in vocab.items:
        ln = form.line(it.key)
        rows.append(["　" * (2 * it.level) + it.name, it.unit,
                     *[_number(ln.values[r]) if ln is not None and r in ln.values else None
                                        for r in SUMMED],
                     ln.label if ln is not None else "（未填报）"])
    for ln in form.lines:
        if not ln.standard:
            rows.append([f"（非标准）{ln.label}", "", *[_number(ln.values.get(r)) for r in SUMMED], ln.label])
    return ["项目", "单位", *SUMMED, "原表项目"], rows


def _number(d: Decimal | None):
    """A Decimal as the number written to a cell: int when whole."""
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else d
