"""其中 lists in a report's prose ("支出 100 万元，其中人员经费 60 万元、公用经费 40 万元"): which figures are the
parts of which total, and whether the parts add up (a part in the wrong unit is named as a unit slip)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from toolkit.base.findings import WARNING
from toolkit.report.figures import (AMOUNT, COUNT, PERCENT, Figure, ReportFinding, _agree, _depth_at, _finding, _same_family,
                                    in_unit, unit_slip, vocabulary)
from toolkit.report.respectively import mark_word


@dataclass
class ListOf:
    """A "其中" list: its total and parts (a list may run on into the next sentences)."""

    total: Figure
    parts: list[Figure]
    incomplete: bool     # ends in 等
    overlapping: bool    # groups that overlap (农民工, 老年人 …): each part only ≤ total
    named: str = "“其中”所列分项"   # how a message names the parts ("分别为" lists: "所列分项")
    context: str = ""    # a "分别为" list whose total stands before it, outside its clause: where ("上一句")
    complete: bool = True   # …and whether its items are all the parts of that total ([totals]); if not, a sum
                            # short of the total is only a warning (other parts may be left unsaid)
    assumed: str = ""    # parts stated with no list word at all, taken as the parts of a total by [totals]: what
                         # was assumed (every finding on such a list is a warning saying it)
    loose: bool = False  # opened by "包括" with no colon: the parts listed may be only some (a sum short of the
                         # total is a warning, unless [totals] says they are all the parts)


def _previous_total(last: Figure, before: list[Figure], parts: list[Figure]) -> Figure | None:
    """The total of a sentence opening with 其中, among the figures of the sentence before of its parts' kind
    ("受理1,020件，办结980件。其中…"): the one the parts add up to; else, the parts being more than every one, the
    largest, or less than every one, the smallest; None when they fall between two (a partial list of the larger
    one may be meant, and which one is not said). Figures of the parts' phase (预算/决算) first; the last figure when
    there is only one."""
    candidates = [f for f in before if f.plain and _same_family(f, last)]
    phases = {p.phase for p in parts}
    if len(phases) == 1 and any(f.phase in phases for f in candidates):   # 决算 parts of the 决算, not the 预算
        candidates = [f for f in candidates if f.phase in phases]
    if len(candidates) < 2:
        return candidates[-1] if candidates else last
    total_sum = sum((p.value for p in parts), Decimal(0))
    tolerance = sum((p.tolerance for p in parts), Decimal(0))
    fits = [f for f in candidates if _agree(total_sum, tolerance, f.value, f.tolerance)]
    if fits:
        return fits[-1]
    if all(total_sum > f.value for f in candidates):
        return max(candidates, key=lambda f: f.value)
    if all(total_sum < f.value for f in candidates):
        return min(candidates, key=lambda f: f.value)
    return None


def _sub_spans(sentence: str) -> list[tuple[int, int]]:
    """Clauses opened by 主要包括/主要用于…: they list sub-items of the figure before them (up to the next ；)."""
    spans = []
    for mark in sorted(vocabulary()["items"]["sub_list_marks"], key=len, reverse=True):
        for m in re.finditer(re.escape(mark), sentence):
            if m.start() > 0 and sentence[m.start() - 1] not in "，,：:；;（(":
                continue
            end = min([i for i in (sentence.find("；", m.end()), sentence.find(";", m.end())) if i >= 0]
                      or [len(sentence)])
            spans.append((m.start(), end))
    return spans


def _in_spans(fig: Figure, spans) -> bool:
    return any(a <= fig.start < b for a, b in spans)


def _list_marks(sentence: str) -> list[int]:
    """Where a list of parts opens: "其中", and "包括：" with a colon unless hedged ("主要包括：" lists only some); and
    "，包括A…、B…" with no colon when it is the sentence's list (no 其中 before it: there it lists a part's items)."""
    marks = _strict_marks(sentence)
    loose = _loose_mark(sentence, marks)
    return sorted(marks + ([loose] if loose is not None else []))


def _strict_marks(sentence: str) -> list[int]:
    words = vocabulary()["words"]
    marks = []
    for mark in words["list_marks"]:
        for m in re.finditer(re.escape(mark), sentence):
            if not any(sentence[:m.start()].endswith(w) for w in words["list_marks_hedged"]):
                marks.append(m.start())
    return sorted(marks)


def _loose_mark(sentence: str, strict: list[int]) -> int | None:
    """The first "，包括" (no colon) after a figure, with no list mark before it at its bracket depth, if any."""
    words = vocabulary()["words"]
    for mark in words["list_marks_loose"]:
        for m in re.finditer(re.escape(mark), sentence):
            at, end = m.start(), m.end()
            if at == 0 or sentence[at - 1] not in "，," or sentence[end:end + 1] in "：:" or at in strict:
                continue
            depth = _depth_at(sentence, at)
            if any(pos < at and _depth_at(sentence, pos) == depth for pos in strict):
                return None
            return at
    return None


def find_lists(figures: list[Figure], sentences: list[str]) -> list[ListOf]:
    """Every "合计 X，其中 A、B、C" list of the text."""
    vocab = vocabulary()
    overlapping = set(vocab["overlapping"]["labels"])
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        if f.kind in (AMOUNT, COUNT):
            by_sentence.setdefault(f.sentence_index, []).append(f)
    out = []
    for index, sentence in enumerate(sentences):
        figs = by_sentence.get(index, [])
        marks = _list_marks(sentence)
        loose = _loose_mark(sentence, _strict_marks(sentence)) if marks else None
        subs = [span for span in _sub_spans(sentence) if span[0] not in marks]
        for n, pos in enumerate(marks):
            depth = _depth_at(sentence, pos)
            before = [f for f in figs if f.end <= pos and f.depth <= depth and f.qualifier not in ("delta", "range")]
            from_previous = not before and index > 0 and sentence.startswith("其中")
            if from_previous:
                before = [f for f in by_sentence.get(index - 1, []) if f.depth == 0
                          and f.qualifier not in ("delta", "range")]
            if not before:
                continue
            total = before[-1]
            if not total.plain:
                continue
            stop, next_list = len(sentence), False
            for later in marks[n + 1:]:
                if _depth_at(sentence, later) == depth:
                    stop, next_list = later, True
                    break
            if depth > 0:  # a bracketed list ends at its closing bracket
                close = min([i for i in (sentence.find("）", pos), sentence.find(")", pos)) if i >= 0] or [stop])
                stop = min(stop, close)
            outside = re.search(r"[；;，,](?:另外|另|此外|同时|除此之外)", sentence[pos:stop])
            if outside:
                stop = pos + outside.start()
            around = [span for span in subs if not span[0] <= pos < span[1]]   # "包括A（其中…）": A's own list
            parts = [f for f in figs if pos < f.start < stop and f.depth == depth and _same_family(f, total)
                     and f.qualifier not in ("delta", "range") and not _in_spans(f, around)
                     and not any(w in f.label for w in vocab["items"]["not_parts"])]
            if next_list and parts:  # the figure just before the next 其中 is that list's total
                parts = parts[:-1]
            cut = [i for i, p in enumerate(parts) if any(w in p.label for w in ("合计", "总计", "总额", "共计"))]
            if cut:
                parts = parts[:cut[0]]
            if not parts:
                continue
            if from_previous:
                total = _previous_total(total, before, parts)
                if total is None:
                    continue
            incomplete = any(sentence[stop - 2:stop + 1].find(w) >= 0 or sentence[pos:stop].rstrip("。；;，,")
                             .endswith(w) for w in vocab["words"]["incomplete_marks"])
            if depth == 0 and not next_list and not incomplete:
                parts += _continued_parts(total, parts, by_sentence, sentences, index)
            overlap = any(p.label in overlapping or p.canonical in overlapping for p in parts)
            out.append(ListOf(total, parts, incomplete, overlap or len(parts) == 1,
                              **({"named": "“包括”所列分项", "loose": True} if pos == loose else {})))
        for total in figs:      # "A、B分别为x、y，共计T": the parts come before their total
            parts = [f for f in figs if total.sums and f.group == total.sums and f.plain]
            if len(parts) < 2 or any(p.key in {q.key for lst in out for q in lst.parts} for p in parts):
                continue
            overlap = any(p.label in overlapping or p.canonical in overlapping for p in parts)
            word = mark_word(sentences[total.sums[0]], total.sums[1]) if total.sums[0] < len(sentences) else "分别为"
            out.append(ListOf(total, parts, False, overlap, f"“{word}”所列分项"))
    return out + _context_lists(figures, sentences, out)


def _context_lists(figures: list[Figure], sentences: list[str], found: list[ListOf]) -> list[ListOf]:
    """"全年办理法律援助案件1,020件。刑事、民事、行政案件分别为300件、700件、20件。": a "分别为" list with no total of
    its own, whose items are all parts of one figure stated before it (in its sentence, else in the sentence before;
    [parts_of] in the vocabulary says which items are parts of which). Only one such figure may qualify: with two,
    or none, nothing is assumed."""
    vocab = vocabulary()
    parts_of = {k: set(v) for k, v in vocab.get("parts_of", {}).items()}
    for item, members in vocab.get("totals", {}).items():
        parts_of.setdefault(item, set()).update(members)
    taken = {p.key for lst in found for p in lst.parts}
    sums = {f.sums for f in figures if f.sums}
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.group and f.kind in (AMOUNT, COUNT):
            groups.setdefault(f.group, []).append(f)
    out = []
    for group, parts in groups.items():
        names = [p.canonical for p in parts]
        if len(parts) < 2 or group in sums or any(p.key in taken or not p.plain or not _same_family(p, parts[0])
                                                  for p in parts) or len(set(names)) != len(names):
            continue
        index, mark = group
        if index >= len(sentences) or "其中" in sentences[index][:mark]:
            continue

        def fits(f: Figure) -> bool:
            return f.plain and f.depth == 0 and f.group != group and _same_family(f, parts[0]) \
                and f.year == parts[0].year and f.phase == parts[0].phase and not f.fund \
                and set(names) <= parts_of.get(f.canonical, set())
        here = [f for f in figures if f.sentence_index == index and f.end <= parts[0].start and fits(f)]
        before = [f for f in figures if f.sentence_index == index - 1 and fits(f)] if not here else []
        candidates = here or before
        if len(candidates) != 1:
            continue
        total = candidates[0]
        word = mark_word(sentences[index], mark)
        complete = set(names) == set(vocab.get("totals", {}).get(total.canonical, ()))
        out.append(ListOf(total, parts, False, False, f"“{word}”所列分项", "同句" if here else "上一句", complete))
    return out + _unmarked_lists(figures, sentences, found + out)


def _unmarked_lists(figures: list[Figure], sentences: list[str], found: list[ListOf]) -> list[ListOf]:
    """"本年支出合计287.44万元。基本支出172.28万元，占59.94%…；项目支出115.16万元，占40.06%。": a sentence with no
    list word that states every part of one item ([totals]: 基本支出 and 项目支出 make 支出合计), each once, right after
    the sentence stating that item (or after it in its own sentence), is taken as its list; an assumption, so what
    is found on it is a warning that says so."""
    vocab = vocabulary()
    taken = {p.key for lst in found for p in lst.parts}
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        if f.kind in (AMOUNT, COUNT):
            by_sentence.setdefault(f.sentence_index, []).append(f)
    out = []
    for index, figs in by_sentence.items():
        if index >= len(sentences) or _list_marks(sentences[index]) or any(f.group for f in figs):
            continue
        plain = [f for f in figs if f.plain and f.depth == 0 and not f.fund and f.key not in taken]
        for item, members in vocab.get("totals", {}).items():
            parts = [f for f in plain if f.canonical in members]
            if len(parts) != len(members) or len({p.canonical for p in parts}) != len(parts) \
                    or any(not _same_family(p, parts[0]) or p.phase != parts[0].phase for p in parts):
                continue

            def fits(f: Figure) -> bool:
                return f.plain and f.canonical == item and _same_family(f, parts[0]) and not f.fund \
                    and f.year == parts[0].year and f.phase == parts[0].phase

            here = [f for f in plain if f.end <= parts[0].start and fits(f)]
            before = [f for f in by_sentence.get(index - 1, []) if fits(f)] if not here else []
            candidates = here or before
            if len(candidates) != 1:
                continue
            total = candidates[0]
            where = "同句" if here else "上一句"
            sharper = sorted((f for f in figures if fits(f) and f.tolerance < total.tolerance and f.at < parts[0].at
                              and _agree(f.value, f.tolerance, total.value, total.tolerance)), key=lambda f: f.tolerance)
            if sharper:   # "全年支出合计195万元" restating 195.06万元: the exact one is the total
                total, where = sharper[0], "前文"
            names = "、".join(p.canonical for p in parts)
            out.append(ListOf(total, parts, False, False, "所列分项", where, True,
                              f"文中未用“其中”等词列出分项，按{where}“{total.label}{total.text}”为{names}的合计核对"))
    return out


def _continued_parts(total: Figure, parts: list[Figure], by_sentence, sentences, index) -> list[Figure]:
    """A list that falls short of its total, broken off by a sub-list ("…其中：A…，主要包括…。主要用于…。B…"), and
    whose next sentences start with a sibling: those siblings are further parts. Without the break the list is taken
    as ended ("其中办案补贴160万元。第四季度支出75万元…" is not a second part)."""
    more: list[Figure] = []
    interrupted = bool(_sub_spans(sentences[index]))
    suffix = (parts[0].canonical or parts[0].label)[-2:]
    marks = vocabulary()["items"]["sub_list_marks"]
    j = index + 1
    while j < len(sentences) and len(suffix) == 2:
        have = sum((p.value for p in parts + more), Decimal(0))
        if have >= total.value - total.tolerance - sum((p.tolerance for p in parts + more), Decimal(0)):
            break
        s = sentences[j]
        if any(s.startswith(m) for m in marks):
            j += 1
            interrupted = True
            continue
        if not interrupted:
            break
        figs = [f for f in by_sentence.get(j, []) if f.depth == 0 and _same_family(f, total)
                and f.qualifier not in ("delta", "range")]
        named = {p.canonical or p.label for p in parts + more}
        if not figs or "其中" in s or (figs[0].canonical or figs[0].label) in named \
                or not (figs[0].canonical or figs[0].label).endswith(suffix) \
                or not figs[0].plain or any(w in figs[0].label for w in ("合计", "总计", "总额", "共计")):
            break
        subs = _sub_spans(s)
        stop = s.find("其中") if "其中" in s else len(s)
        more += [f for f in figs if f.start < stop and not _in_spans(f, subs) and f.plain
                 and (f.canonical or f.label).endswith(suffix)]
        j += 1
    return more


def _share_after(fig: Figure, figures: list[Figure]) -> Figure | None:
    """The "占 x%" right after a figure (same sentence, no other amount between), when its base is not named or is
    a whole."""
    if fig.group:      # "分别为x、y，分别占a%、b%": the share paired with it, not the next one
        return next((f for f in figures if f.of == fig.key and f.plain), None)
    later = [f for f in figures if f.sentence_index == fig.sentence_index and f.start > fig.start]
    if later and later[0].kind == PERCENT and later[0].plain and "；" not in fig.sentence[fig.end:later[0].start]:
        return later[0]
    return None


def check_breakdowns(lists: list[ListOf], figures: list[Figure]) -> list[ReportFinding]:
    """"合计 X，其中 A、B、C": the parts add up to the total (overlapping groups only each ≤ total)."""
    findings = []
    for lst in lists:
        if any(not p.plain for p in lst.parts):
            continue
        found = _check_one_breakdown(lst, figures)
        findings.extend(assumed(found, lst))
    return findings


def assumed(findings: list[ReportFinding], lst: ListOf | None) -> list[ReportFinding]:
    """Findings on a list taken by assumption: warnings that say what was assumed."""
    if lst is None or not lst.assumed:
        return findings
    return [replace(f, severity=WARNING, message=f"{f.message}注意：{lst.assumed}，请核实。") for f in findings]


def _check_one_breakdown(lst: ListOf, figures: list[Figure]) -> list[ReportFinding]:
    total, parts = lst.total, lst.parts
    if lst.overlapping:
        out = []
        for p in parts:
            if p.value > total.value + p.tolerance + total.tolerance:
                slip = unit_slip(p, p.value, total.value, p.tolerance + total.tolerance)
                out.append(_finding(
                    "unit" if slip else "breakdown", p, f"不超过{total.text}",
                    f"{lst.named.replace('所列分项', '')}{p.label or '分项'}{p.said}大于合计{total.label or ''}{total.said}，分项不可能超过合计"
                    + (f"；疑将单位“{slip}”误写为“{p.unit}”。" if slip else "。")))
        return out
    total_sum = sum((p.value for p in parts), Decimal(0))
    tolerance = sum((p.tolerance for p in parts), Decimal(0))
    if _agree(total_sum, tolerance, total.value, total.tolerance):
        return []
    listed = "、".join(f"{p.label}{p.said}" for p in parts)
    for p in parts:
        slip = unit_slip(p, total_sum, total.value, total.tolerance + tolerance)
        if slip:
            right = in_unit(p, slip)
            return [_finding("unit", p, right.text,
                             f"{p.label or '分项'}写作{p.text}，与同句其他金额相差约一万倍；按{slip}计，"
                             f"分项之和才等于合计{total.said}，疑单位误写。", ((p.key, right.value),))]
    if total_sum < total.value and lst.incomplete:
        return []
    decimals = max([total.decimals] + [p.decimals for p in parts if p.unit == total.unit])
    expected = total.shown(total_sum, decimals)
    where = f"{lst.context}的" if lst.context else ""
    if lst.context and total_sum < total.value and not lst.complete:   # other parts may be left unsaid: assumed
        return [replace(_finding(
            "breakdown", total, expected,
            f"{lst.named}（{listed}）之和为{expected}，小于{where}{total.label or '合计'}{total.said}"
            f"（相差{total.shown(total.value - total_sum, decimals)}）。注意：按{where}“{total.label}{total.text}”为所列"
            f"分项的合计核对；如另有未列出的分项，请写明“等”或补全，否则请核实合计或分项。",
            ((total.key, total_sum),)), severity=WARNING)]
    for p in parts:   # a part stated elsewhere with the value that makes the list add up: that part is the slip
        rest = total.value - (total_sum - p.value)
        again = [f for f in figures if f.canonical == p.canonical and len(p.canonical) >= 2 and f.kind == p.kind
                 and f.plain and f.year == p.year and f.phase == p.phase and f.fund == p.fund and f.key != p.key
                 and all(f.key != q.key for q in parts) and abs(f.value - p.value) > f.tolerance + p.tolerance
                 and abs(f.value - rest) <= f.tolerance + total.tolerance + tolerance - p.tolerance]
        if again:
            f = again[0]
            return [_finding("breakdown", p, p.shown(f.value),
                             f"{p.label or '分项'}写作{p.said}，而文中另处（“{f.sentence}”）为{f.text}；按{f.text}计，"
                             f"所列分项（{listed}）之和才等于{total.label or '合计'}{total.said}。",
                             ((p.key, f.value),))]
    # a part that disagrees with its own share while the rest fits: that part is the slip
    for p in parts:
        pct = _share_after(p, figures)
        rest = total.value - (total_sum - p.value)
        if pct is None or rest <= 0 or p.value == 0:
            continue
        allowed = pct.tolerance * total.value / 100 + total.tolerance + tolerance
        on_listed = abs(p.value - total_sum * pct.value / 100) <= pct.tolerance * total_sum / 100 + tolerance
        if abs(rest - total.value * pct.value / 100) <= allowed and not on_listed and \
                abs(p.value - total.value * pct.value / 100) > allowed:    # the share fits the parts' sum: the total is off
            return [_finding("breakdown", p, p.shown(rest),
                             f"{p.label or '分项'}写作{p.said}，与其占比{pct.text}不符，且使{lst.named}（{listed}）"
                             f"之和与合计{total.said}相差{total.shown(abs(total.value - total_sum))}；"
                             f"按合计和占比应为{p.shown(rest)}。", ((p.key, rest),))]
    # which one figure is wrong — the total or one part — is decided by the rest of the text (check._one_slip)
    alternatives = ((total.key, total_sum),) + tuple((p.key, total.value - (total_sum - p.value)) for p in parts)
    names, vocab = {p.canonical for p in parts}, vocabulary()
    whole = set(vocab.get("totals", {}).get(total.canonical, ()))
    if lst.loose and total_sum < total.value and names != whole:
        if not names <= whole | set(vocab.get("parts_of", {}).get(total.canonical, ())):
            return []        # "项目支出…，包括办案补贴…、宣传经费…": items the vocabulary does not know may be only some
        return [replace(_finding(
            "breakdown", total, expected,
            f"{lst.named}（{listed}）之和为{expected}，小于{total.label or '合计'}{total.said}"
            f"（相差{total.shown(total.value - total_sum, decimals)}）。注意：按“包括”后所列为{total.label or '合计'}的"
            f"全部分项核对；如另有未列出的分项，请写明“等”或“主要包括”，否则请核实合计或分项。",
            ((total.key, total_sum),)), severity=WARNING, alternatives=alternatives)]
    if total_sum > total.value:
        message = (f"{lst.named}（{listed}）之和为{expected}，大于{where}{total.label or '合计'}{total.said}，"
                   f"分项之和不应超过合计。")
    else:
        message = (f"{lst.named}（{listed}）之和为{expected}，与{where}{total.label or '合计'}{total.said}不符"
                   f"（相差{total.shown(total.value - total_sum, decimals)}）；如有未列出的分项请补全或写明“等”。")
    return [replace(_finding("breakdown", total, expected, message, ((total.key, total_sum),)),
                    alternatives=alternatives)]
