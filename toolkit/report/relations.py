"""Relations between figures beyond sums and shares: changes against last year (amount and rate), years that do not
move, and shares of a whole the text never states (derived from the other shares)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from toolkit.base.findings import WARNING

from toolkit.report.figures import (AMOUNT, COUNT, PERCENT, YEAR, Figure, ReportFinding, _agree, _clause_start,
                                    _find_by_label, _finding, _same_family, canonical_label, format_decimal,
                                    normalize_label, report_year_of, vocabulary)

def _derived_shares(pairs: list[tuple[Figure, Figure]]) -> list[ReportFinding]:
    """Shares of one whole that is not stated: each part ÷ its share gives the whole; a share whose whole disagrees
    with the one the other shares give (or, with all parts listed, their sum) is the slip."""
    if len(pairs) < 2:
        return []

    def whole_range(pct: Figure, part: Figure) -> tuple[Decimal, Decimal] | None:
        if pct.value - pct.tolerance <= 0:
            return None
        return ((part.value - part.tolerance) * 100 / (pct.value + pct.tolerance),
                (part.value + part.tolerance) * 100 / (pct.value - pct.tolerance))

    ranges = [whole_range(p, f) for p, f in pairs]
    if any(r is None for r in ranges):
        return []
    shares = sum((p.value for p, _ in pairs), Decimal(0))
    listed = sum((f.value for _, f in pairs), Decimal(0))
    findings = []
    for i, (pct, part) in enumerate(pairs):
        others = [r for j, r in enumerate(ranges) if j != i]
        low, high = max(r[0] for r in others), min(r[1] for r in others)
        if low > high:
            continue  # the others disagree among themselves: no whole to judge this one by
        mine = ranges[i]
        if mine[0] <= high and low <= mine[1]:
            continue
        whole = (low + high) / 2
        if abs(shares - 100) > len(pairs) * pct.tolerance * 2 and abs(listed - whole) <= whole / 1000:
            whole = listed
        elif abs(shares - 100) > len(pairs) * pct.tolerance * 2 and len(pairs) == 2:
            whole = listed    # two shares that do not make 100%: the parts' sum is the whole
            if all(abs(p.value - f.value / whole * 100) > p.tolerance for p, f in pairs[:i] + pairs[i + 1:]):
                continue
        expected = f"{format_decimal(part.value / whole * 100, pct.decimals)}%"
        if abs(part.value / whole * 100 - pct.value) <= pct.tolerance:
            continue
        basis = "、".join(f"{f.label or '分项'}{f.said}占{p.text}" for j, (p, f) in enumerate(pairs) if j != i)
        findings.append(_finding("share", pct, expected,
                                 f"{part.label or '该项'}的占比写作{pct.text}，与同一整体的其他占比不符：文中未写明整体，"
                                 f"由{basis}推得整体约为{part.shown(whole, 2) if part.kind == AMOUNT else whole}，"
                                 f"{part.label or '该项'}{part.said}应占{expected}。",
                                 ((pct.key, part.value / whole * 100),)))
    return findings


# ---------------------------------------------------------------- changes against last year

def _compared_with_a_year(head: str) -> bool:
    """"比2022年度决算数342.80万元…": the figure right after 较/比 + a year is the one compared with (last year's)."""
    words = "|".join(re.escape(w) for w in vocabulary()["words"]["compare_with"])
    return re.search(rf"(?:{words})\s*(?:\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年", head) is not None


def _last_year_of(cur: Figure, figures: list[Figure]) -> Figure | None:
    """The one figure stated earlier in the text under the same label for the year before `cur`'s (None: none, or
    several that disagree)."""
    if not cur.canonical or cur.year is None:
        return None
    found = [f for f in figures if f.plain and f.canonical == cur.canonical and _same_family(f, cur)
             and f.year == cur.year - 1 and f.at < cur.at and f.phase == cur.phase]
    return found[0] if found and all(f.value == found[0].value for f in found) else None


def _year_pair_changes(figs: list[Figure], figures: list[Figure] = ()) -> tuple[list[ReportFinding], set[int]]:
    """"2022年支出300万元，2023年支出330万元，增加30万元，增长10.0%": a change stated after the same label in two
    consecutive years (no 较/上年 in its clause) is checked against those two figures. Returns the findings and the
    ids of the changes so read (the other reading does not judge them again)."""
    items = vocabulary()["items"]
    compare = vocabulary()["words"]["compare_with"] + items["previous_year"]
    findings, handled = [], set()
    for i, d in enumerate(figs):
        if d.qualifier != "delta" or d.kind not in (AMOUNT, COUNT, PERCENT):
            continue
        clause = d.sentence[_clause_start(d.sentence, d.start):d.start]
        verb = [w for w in items["change_up"] + items["change_down"] if re.search(re.escape(w) + r"了?$", clause)]
        if not verb:
            continue
        levels = [f for f in figs[:i] if f.plain and f.kind in (AMOUNT, COUNT) and f.year is not None]
        if any(w in clause for w in compare):
            # "全年办理案件550件，同比增长10.0%" with last year's 500件 stated earlier: a rate with no amount of its own
            between = [f for f in figs[:i] if levels and f.start > levels[-1].start and f.kind in (AMOUNT, COUNT)]
            prev = _last_year_of(levels[-1], figures) if levels and d.kind == PERCENT and not between else None
            if prev is None:
                continue
            levels = [prev, levels[-1]]
        if len(levels) < 2:
            continue
        prev, cur = levels[-2], levels[-1]
        if not (cur.canonical and prev.canonical == cur.canonical and _same_family(prev, cur)
                and prev.year == cur.year - 1 and prev.value > 0):
            continue
        if d.kind != PERCENT and not _same_family(d, cur):
            continue
        handled.add(id(d))
        diff = cur.value - prev.value
        sign = -1 if verb[0] in items["change_down"] else 1
        if d.kind == PERCENT:
            expected = abs(diff) / prev.value * 100
            span = 100 * (cur.tolerance / prev.value + cur.value * prev.tolerance / (prev.value * prev.value))
            if abs(expected - d.value) <= d.tolerance + span and (not diff or (diff > 0) == (sign > 0)):
                continue
            shown = f"{format_decimal(expected, d.decimals)}%"
            on_current = abs(diff) / cur.value * 100
            how = (f"文中数值是以{cur.year}年数为基数算得，" if abs(on_current - d.value) <= d.tolerance + span else "")
            findings.append(_finding(
                "change", d, shown,
                f"变动率写作“{verb[0]}{d.text}”，与两年数不符：{prev.year}年{prev.said}，{cur.year}年{cur.said}，{how}"
                f"应以{prev.year}年为基数：{cur.shown(abs(diff))}÷{prev.said}＝{shown}，"
                f"应为{'增长' if diff >= 0 else '下降'}{shown}。",
                ((d.key, expected),)))
            continue
        if _agree(abs(diff), cur.tolerance + prev.tolerance, d.value, d.tolerance) and \
                (not diff or (diff > 0) == (sign > 0)):
            continue
        findings.append(_finding(
            "change", d, d.shown(abs(diff)),
            f"{prev.year}年{prev.label}{prev.said}，{cur.year}年{cur.said}，{'增加' if diff >= 0 else '减少'}应为"
            f"{d.shown(abs(diff))}，文中写作“{verb[0]}{d.text}”。", ((d.key, abs(diff)),)))
    return findings, handled


def _dated_last_year(before: list[Figure], d: Figure, report_year: int | None) -> list[Figure]:
    """"2022年度支出合计245.44万元，本年较上年增加42.00万元" in the 2023 report: the level named with the year before
    the report's is last year's (the compared one), not this year's."""
    if report_year is None:
        return []
    return [f for f in before if f.plain and f.canonical and _same_family(f, d) and f.year == report_year - 1][-1:]


def _this_year_of(last: Figure, figures: list[Figure], report_year: int | None) -> list[Figure]:
    """The report year's figure under the label of last year's one (stated once, or every time alike)."""
    found = [f for f in figures if f.plain and f.canonical == last.canonical and _same_family(f, last)
             and f.year in (None, report_year) and f.fund == last.fund and f.scope == last.scope and f is not last]
    return found[:1] if found and all(f.value == found[0].value for f in found) else []


def check_changes(figures: list[Figure], tables=()) -> list[ReportFinding]:  # noqa: C901
    """"X，较上年增加D，增长R%": R = D ÷ (X − D) (not D ÷ X, the classic slip), and D = X − the previous year's
    figure when the text states it ("上年为P") or a table of the text has a column of that year."""
    items = vocabulary()["items"]
    findings = []
    assumed: dict[int, str] = {}     # sentence → what was assumed of its level (its findings are warnings)
    report_year = report_year_of(figures)
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    for figs in by_sentence.values():
        paired, handled = _year_pair_changes(figs, figures)
        findings += paired
        for i, d in enumerate(figs):
            if d.qualifier != "delta" or d.kind not in (AMOUNT, COUNT) or id(d) in handled:
                continue
            clause = d.sentence[_clause_start(d.sentence, d.start):d.start]
            verb = [w for w in items["change_up"] + items["change_down"] if clause.endswith(w) or
                    re.search(re.escape(w) + r"了?$", clause)]
            previous = [f for f in figs if _same_family(f, d) and f is not d and (any(
                w in f.sentence[_clause_start(f.sentence, f.start):f.start] for w in items["previous_year"])
                or _compared_with_a_year(f.sentence[_clause_start(f.sentence, f.start):f.start])
                or re.match(r"\s*(?:比|较)", f.sentence[_clause_start(f.sentence, f.start):f.start]))
                and not any(w in f.sentence[_clause_start(f.sentence, f.start):f.start]
                            for w in items["change_up"] + items["change_down"])]
            head = d.sentence[:d.start]
            if not verb or not (previous or any(w in head for w in vocabulary()["words"]["compare_with"] + ["同比"])):
                continue
            sign = -1 if verb[0] in items["change_down"] else 1
            if not previous and d.year in (None, report_year):
                previous = _dated_last_year(figs[:i], d, report_year)
            levels = [f for f in figs[:i] if f.plain and _same_family(f, d) and f not in previous]
            if not levels and previous and previous[0].year is not None:
                levels = _this_year_of(previous[0], figures, report_year)
            if not levels:   # "支出合计较上年的…增加…": the level is the one stated elsewhere under that label
                head = d.sentence[:d.start]
                cut = min([head.find(w) for w in vocabulary()["words"]["compare_with"] if w in head] or [-1])
                name = canonical_label(normalize_label(head[_clause_start(head, cut):cut])) if cut > 0 else ""
                if not name:   # "与上年相比，本年支出合计增加…": the level is named just before the verb
                    name = canonical_label(normalize_label(clause[:len(clause) - len(verb[0])].rstrip("了")))
                levels = sorted([f for f in _find_by_label(figures, name, d.kind, d) if _same_family(f, d)
                                 and f.sentence_index != d.sentence_index], key=lambda f: f.tolerance)[:1] if name else []
                rows = [t for t in tables if name and t.label == name and t.kind == d.kind and t.flagged is None
                        and t.year in (None, d.year)]
                if not levels and rows:   # stated only in a table of the text
                    t = rows[0]
                    levels = [replace(d, value=t.value, tolerance=t.tolerance, qualifier="", written="",
                                      text=f"{d.shown(t.value, t.decimals if t.unit == d.unit else None)}"
                                           f"（{t.where}）")]
            if not levels:   # "与上年相比，收、支总计各增加…": the 总计/合计 of the sentence before
                levels = [f for f in figures if f.sentence_index == d.sentence_index - 1 and f.plain
                          and _same_family(f, d) and f.label[-2:] in ("总计", "合计", "总额") and f.label[-2:] in clause]
            if not levels and re.match(r"(?:同比|较上年|比上年|与上年度?相比)", d.sentence):
                # "1、收入：792.22万元。同比上年度增加189.25万元，增加31.39%。": the one level of the sentence before
                levels = [f for f in figures if f.sentence_index == d.sentence_index - 1 and f.plain and f.depth == 0
                          and _same_family(f, d) and f.kind in (AMOUNT, COUNT)]
                levels = levels if len(levels) == 1 else []
                if levels:
                    assumed[d.sentence_index] = (f"句中未写明与上年比较的是哪个数，按上一句的“{levels[0].label}"
                                                 f"{levels[0].text}”为本年数核对")
            if not levels:
                continue
            current = levels[-1]
            last_year = [t for t in tables if t.label == current.canonical and t.kind == d.kind and t.year is not None
                         and current.year is not None and t.year == current.year - 1 and t.flagged is None]
            if not previous and last_year and d.kind == AMOUNT:
                t = last_year[0]
                previous = [replace(current, value=t.value, tolerance=t.tolerance,
                                    text=f"{current.shown(t.value, t.decimals if t.unit == current.unit else None)}"
                                         f"（{t.where}）")]
            if previous:
                p = previous[0]
                diff = current.value - p.value
                if not _agree(abs(diff), current.tolerance + p.tolerance, d.value, d.tolerance) or \
                        (diff and (diff > 0) != (sign > 0)):
                    findings.append(_finding(
                        "change", d, d.shown(abs(diff)),
                        f"本年{current.label or ''}{current.said}，上年{p.said}，"
                        f"{'增加' if diff >= 0 else '减少'}应为{d.shown(abs(diff))}，文中写作"
                        f"“{verb[0]}{d.text}”。", ((d.key, abs(diff)),)))
                    continue
            rate = next((f for f in figs[i + 1:] if f.kind == PERCENT and f.qualifier == "delta"
                         and f.sentence_index == d.sentence_index), None)
            if rate is None or any(f.kind in (AMOUNT, COUNT) and f.plain for f in figs[i + 1:] if f.start < rate.start):
                continue
            before = current.value - sign * d.value
            if before <= 0:
                continue
            expected = d.value / before * 100
            # rate = D ÷ (X − D): how far it moves when D and X move within their written precision
            span = 100 * (current.value * d.tolerance + d.value * current.tolerance) / (before * before)
            if abs(expected - rate.value) <= rate.tolerance + span:
                continue
            shown = f"{format_decimal(expected, rate.decimals)}%"
            on_current = d.value / current.value * 100 if current.value else None   # "减少至0万元": no such slip
            if on_current is not None and abs(on_current - rate.value) <= rate.tolerance + span:
                message = (f"变动率写作{rate.text}，是用变动额{d.said}除以本年数{current.said}算得；变动率应以上年数"
                           f"（{current.shown(before)} = {current.said}{'−' if sign > 0 else '＋'}{d.said}）为基数，"
                           f"应为{shown}。")
            else:
                message = (f"变动率写作{rate.text}，与变动额不符：上年数为{current.shown(before)}（{current.said}"
                           f"{'−' if sign > 0 else '＋'}{d.said}），{d.said}÷{current.shown(before)}＝{shown}。")
            findings.append(_finding("change", rate, shown, message, ((rate.key, expected),)))
    spans = {f.sentence_index: (f.offset, f.offset + len(f.sentence)) for f in figures if f.sentence_index in assumed}
    return [replace(f, severity=WARNING, message=f"{f.message}注意：{assumed[i]}，请核实。")
            if f.kind == "change" and (i := next((i for i, (a, b) in spans.items() if a <= f.at < b), None)) is not None
            else f for f in findings]


def check_years(figures: list[Figure], sentences: list[str]) -> list[ReportFinding]:
    """"从2022年的…增加到2022年的…" and "2023年…较2023年…": a comparison must move between two years."""
    words = vocabulary()["words"]
    findings = []
    for index, sentence in enumerate(sentences):
        figs = [f for f in figures if f.sentence_index == index]
        years = [f for f in figs if f.kind == YEAR]
        for verb in words["move_up"] + words["move_down"]:
            for m in re.finditer(re.escape(verb), sentence):
                before = [y for y in years if y.end <= m.start()]
                after = [y for y in years if y.start >= m.end() and y.start - m.end() <= 3]
                if not before or not re.search(r"[从由]\s*$", sentence[:before[-1].start]):
                    continue
                y1 = before[-1]
                if after and after[0].value == y1.value:
                    findings.append(_finding(
                        "year", after[0], "与起点不同的年份",
                        f"句中从{y1.text}“{verb}”{after[0].text}，起止年份相同，变化无从谈起，年份应有误。"))
                    continue
                a_vals = [f for f in figs if f.kind in (AMOUNT, COUNT, PERCENT) and y1.end <= f.start < m.start()]
                b_vals = [f for f in figs if f.kind in (AMOUNT, COUNT, PERCENT) and f.start >= m.end()]
                if a_vals and b_vals and _same_family(a_vals[-1], b_vals[0]):
                    a, b = a_vals[-1], b_vals[0]
                    up = verb in words["move_up"]
                    if (up and b.value < a.value - a.tolerance - b.tolerance) or \
                            (not up and b.value > a.value + a.tolerance + b.tolerance):
                        findings.append(_finding(
                            "year", b, f"{'大于' if up else '小于'}{a.text}",
                            f"句中称从{a.text}“{verb}”{b.text}，但数值实为{'减少' if up else '增加'}，方向与文字相反。"))
        for y in years:
            context = [f for f in years if f.end <= y.start]
            lead = sentence[max(0, y.start - 2):y.start]
            if not context:   # "本年支出…，较2023年增加…" in the 2023 report: the figure before it is of that year
                level = [f for f in figs if f.kind in (AMOUNT, COUNT) and f.end <= y.start and f.plain]
                if level and level[-1].year is not None and any(lead.endswith(w) for w in words["compare_with"]) \
                        and level[-1].year == y.value:
                    findings.append(_finding(
                        "year", y, "上一年或其他比较年份",
                        f"句中{level[-1].text}是{y.text}的数，又与{y.text}相比较，比较的是同一年，年份应有误。"))
                continue
            if any(lead.endswith(w) for w in words["compare_with"]) and context[-1].value == y.value:
                findings.append(_finding(
                    "year", y, "上一年或其他比较年份",
                    f"句中{context[-1].text}的数据与{y.text}相比较，比较的是同一年，年份应有误。"))
    return findings


def check_moves(figures: list[Figure], sentences: list[str]) -> list[ReportFinding]:
    """"从A增加到B，增加D，增长R%": D = B − A and R = D ÷ A (not ÷ B)."""
    words = vocabulary()["words"]
    verbs = "|".join(map(re.escape, sorted(words["move_up"] + words["move_down"], key=len, reverse=True)))
    findings = []
    for index, sentence in enumerate(sentences):
        figs = [f for f in figures if f.sentence_index == index and f.kind in (AMOUNT, COUNT, PERCENT)]
        for m in re.finditer(verbs, sentence):
            start = max(sentence.rfind("从", 0, m.start()), sentence.rfind("由", 0, m.start()))
            if start < 0:
                continue
            a_vals = [f for f in figs if start < f.start < m.start()]
            b_vals = [f for f in figs if f.start >= m.end()]
            if not a_vals or not b_vals or not _same_family(a_vals[-1], b_vals[0]) or a_vals[-1].kind == PERCENT:
                continue
            a, b = a_vals[-1], b_vals[0]
            stop = min([i for i in (sentence.find("从", b.end), sentence.find("由", b.end), len(sentence)) if i >= 0])
            rest = [f for f in figs if b.end <= f.start < stop]
            diff = b.value - a.value
            d = next((f for f in rest if _same_family(f, a) and f.qualifier == "delta"), None)
            if d is not None and not _agree(abs(diff), a.tolerance + b.tolerance, d.value, d.tolerance):
                findings.append(_finding("change", d, d.shown(abs(diff)),
                                         f"从{a.said}到{b.said}，变动额应为{d.shown(abs(diff))}，文中写作{d.text}。",
                                         ((d.key, abs(diff)),)))
                continue
            r = next((f for f in rest if f.kind == PERCENT and f.qualifier == "delta"), None)
            if r is None or a.value <= 0:
                continue
            expected = abs(diff) / a.value * 100
            span = (a.tolerance + b.tolerance) * 100 / a.value + abs(diff) * 100 * a.tolerance / (a.value * a.value)
            if abs(expected - r.value) <= r.tolerance + span:
                continue
            shown = f"{format_decimal(expected, r.decimals)}%"
            on_b = abs(diff) / b.value * 100 if b.value else None
            how = ("，是以变动后的数为基数算得；增减率应以变动前的数为基数" if on_b is not None
                   and abs(on_b - r.value) <= r.tolerance + span else "")
            findings.append(_finding("change", r, shown,
                                     f"从{a.said}到{b.said}，增减率写作{r.text}{how}："
                                     f"{d.shown(abs(diff)) if d else b.shown(abs(diff))}÷{a.said}＝{shown}。",
                                     ((r.key, expected),)))
    return findings


def check_gaps(figures: list[Figure]) -> list[ReportFinding]:
    """"经费A，需求B，缺口D": D = |B − A| (the two amounts just before it in the sentence)."""
    findings = []
    for d in figures:
        if d.kind != AMOUNT or d.qualifier != "delta":
            continue
        clause = d.sentence[_clause_start(d.sentence, d.start):d.start]
        if not re.search(r"(缺口|差额)(为|达|约)?$", clause):
            continue
        levels = [f for f in figures if f.sentence_index == d.sentence_index and f.start < d.start and f.plain
                  and f.kind == AMOUNT]
        if len(levels) < 2:
            continue
        a, b = levels[-2], levels[-1]
        gap = abs(b.value - a.value)
        if not _agree(gap, a.tolerance + b.tolerance, d.value, d.tolerance):
            findings.append(_finding("change", d, d.shown(gap),
                                     f"{b.label or ''}{b.said}与{a.label or ''}{a.said}相差{d.shown(gap)}，"
                                     f"文中缺口写作{d.text}。", ((d.key, gap),)))
    return findings
