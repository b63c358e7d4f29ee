"""Read the figures in a self-evaluation report (or 决算情况说明) and list those that disagree with each other, with
the tables pasted into it, or with the workbooks.

Pure core: text in, findings out, in text order. A unit slip is corrected before the other checks use the figure; a
finding that only follows from another one is folded into it. Figures: toolkit.report.figures; unit slips:
toolkit.report.units; 其中 lists: toolkit.report.breakdowns; changes, years and derived shares: toolkit.report.relations;
tables in the text: toolkit.report.tables; scores (绩效指标表, 项目资金表, 自评得分): toolkit.report.scores.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from toolkit.base.findings import WARNING
from toolkit.report.breakdowns import ListOf, assumed, check_breakdowns, find_lists
from toolkit.report.figures import (AMOUNT, BUDGET, COUNT, MONEY_FACTOR, PERCENT, POINTS, YEAR, Figure, ReportCheck,
                                    ReportFinding,
                                    TableValue, _clause_start, _figures_agree, _find_by_label, _finding,
                                    _percent_text, _same_family, canonical_label, fold_forms,
                                    format_decimal, normalize_label, report_year_of, sentence_spans, vocabulary)
from toolkit.report.figures import extract_figures as _figures_of
from toolkit.report.relations import _derived_shares, check_changes, check_gaps, check_moves, check_years
from toolkit.report.respectively import pair_respectively
from toolkit.report.scores import check_score_prose, check_score_tables
from toolkit.report.tables import check_text_tables
from toolkit.report.units import _table_shown, correct_units


def extract_figures(text: str) -> list[Figure]:
    """Every figure of the text (toolkit.report.figures) with its "分别为" pairings applied
    (toolkit.report.respectively), and the parts of a fund's total marked as that fund's."""
    figures = pair_respectively(_figures_of(text))
    sentences = [s for _, s in sentence_spans(fold_forms(text))]
    words = vocabulary()["words"]
    funds = words["fund_scopes"]
    marked = {}
    for lst in find_lists(figures, sentences):   # "一般公共预算财政拨款支出351.20万元，其中基本支出…"
        fund = next((w for w in funds if w in lst.total.label), "")
        for p in lst.parts if fund else ():
            if not any(w in p.label for w in funds):
                marked[p.key] = replace(p, fund=fund)
    for index in {f.sentence_index for f in figures}:   # "财政拨款收入总计X万元，支出总计X万元": both the fund's
        here = [f for f in figures if f.sentence_index == index and f.kind == AMOUNT]
        lead = next((w for f in here[:1] for w in funds if f.label.startswith(w)), "")
        for f in here[1:] if lead else ():
            if f.key not in marked and not f.fund and not any(w in f.label for w in funds) \
                    and re.fullmatch(r"(?:收入|支出)(?:总计|合计)", f.label):
                marked[f.key] = replace(f, fund=lead)
    for index in {f.sentence_index for f in figures}:   # "法律援助专项经费预算80万元，执行78万元，执行率97.5%"
        item = _budget_item([f for f in figures if f.sentence_index == index])
        for f in figures if item else ():
            if f.sentence_index == index and f.canonical in words["execution_labels"] and f.key not in marked:
                marked[f.key] = replace(f, fund=item)
    return [marked.get(f.key, f) for f in figures]


def _budget_item(figures: list[Figure]) -> str:
    """The item a sentence's budget figures are of, when it names one ("法律援助专项经费预算80万元" → 法律援助专项经费;
    "全年预算数…" names none)."""
    words = vocabulary()["words"]
    amounts = [f for f in figures if f.kind == AMOUNT and f.plain]
    if not amounts:
        return ""
    label = amounts[0].label
    marks = sorted(words["budget_marks"] + words["budget_amount_words"] + ["预算"], key=len, reverse=True)
    at = min([label.find(m) for m in marks if m in label] or [-1])
    if at <= 0:
        return ""
    item = label[:at]
    return "" if item in words["budget_subjects"] or len(item) < 2 else item


# ---------------------------------------------------------------- shares


def _ratio_range(part: Figure, whole: Figure) -> tuple[Decimal, Decimal] | None:
    low_whole, high_whole = whole.value - whole.tolerance, whole.value + whole.tolerance
    if low_whole <= 0:
        return None
    low = max(part.value - part.tolerance, Decimal(0)) / high_whole * 100
    high = (part.value + part.tolerance) / low_whole * 100
    return low, high


def _share_fits(pct: Figure, part: Figure, whole: Figure) -> bool | None:
    bounds = _ratio_range(part, whole)
    if bounds is None:
        return None
    low, high = bounds
    return pct.value + pct.tolerance >= low and pct.value - pct.tolerance <= high


def check_shares(figures: list[Figure], lists: list[ListOf]) -> list[ReportFinding]:
    """"占 x%": x equals part / whole for the whole named (or, unnamed, the total of the list the part is in); a whole
    neither named nor stated is derived from the other shares of the same sentence."""
    vocab = vocabulary()
    totals = {p.key: lst for lst in lists for p in lst.parts}
    findings = []
    unbased: dict[tuple, list[tuple[Figure, Figure]]] = {}
    by_key = {f.key: f for f in figures}
    for pct in figures:
        if pct.kind != PERCENT or not pct.plain:
            continue
        if pct.group:      # "分别占a%、b%": paired with its part, or (not paired for certain) left alone
            findings.extend(_paired_share(pct, by_key, figures, totals))
            continue
        sentence = pct.sentence
        clause_start = _clause_start(sentence, pct.start)
        clause = sentence[clause_start:pct.start]
        ratio = vocab["ratios"].get(pct.canonical)
        if ratio and "占" not in clause:
            findings.extend(_ratio_share(pct, ratio, figures))
            continue
        at = clause.rfind("占")
        if at < 0:
            continue
        part_name = normalize_label(clause[:at])
        base_name = normalize_label(re.sub(r"(比例|比重|比)$", "", normalize_label(clause[at + 1:])))
        same_sentence = [f for f in figures if f.sentence_index == pct.sentence_index and f.start < pct.start
                         and f.kind in (AMOUNT, COUNT) and f.plain and f.depth <= pct.depth]   # not "（其中…）"
        inside = [f for f in same_sentence if clause_start <= f.start < clause_start + at]
        named_whole = [f for f in same_sentence if f.start > clause_start + at]   # "占补贴需求192.35万元的41.59%"
        if named_whole:
            base_name = named_whole[-1].canonical or base_name
            same_sentence = [f for f in same_sentence if f not in named_whole]
        if inside:      # "良好39件占比10.18%": the part is the figure in the clause itself
            part = inside[-1]
        elif part_name:
            canonical = canonical_label(part_name)
            candidates = [f for k in (AMOUNT, COUNT) for f in _find_by_label(figures, canonical, k, pct)]
            part = candidates[0] if candidates else None
        else:
            part = same_sentence[-1] if same_sentence else None
        if part is None:
            continue
        lst = totals.get(part.key)
        if named_whole and _same_family(named_whole[-1], part):
            wholes = named_whole[-1:]
            description = f"“{base_name}”"
        elif base_name:
            wholes = [f for f in _find_by_label(figures, canonical_label(base_name), part.kind, pct)
                      if _same_family(f, part) and f is not part]
            if not wholes and lst is not None:
                wholes = [lst.total]
            description = f"“{base_name}”"
        else:
            wholes = [lst.total] if lst is not None else []
            description = "推定的合计" if lst is not None and lst.assumed else "所在“其中”列表的合计"
        if wholes:
            findings.extend(assumed(_judge_share(pct, part, wholes, description, lst=lst, figures=figures), lst))
        elif part.kind == AMOUNT or part.kind == COUNT:
            unbased.setdefault((base_name or f"#{pct.sentence_index}", part.kind, part.unit if part.kind == COUNT
                                else ""), []).append((pct, part))
    for pairs in unbased.values():
        findings.extend(_derived_shares(pairs))
    return findings


def _ratio_share(pct: Figure, ratio: dict, figures: list[Figure]) -> list[ReportFinding]:
    """"预算执行率x%" / "完成年初预算的x%": x = 执行数 ÷ 预算数. The two are taken by their labels (the first label of
    each list the text states) when they stand in the rate's sentence or that sentence states no other amount (a rate
    of its own item, "专项经费预算80万元，执行78万元，执行率97.5%", is not the department's); else the budget and the
    actual amount stated just before it in its sentence (a warning: the labels were not recognised)."""
    def first(labels) -> tuple[str, list[Figure]]:
        for label in labels:
            found = [f for f in _find_by_label(figures, label, AMOUNT, pct)      # 0.00万元 too: the first label
                     if f.fund == pct.fund]      # stated decides; an item's own 全年执行数 is not the department's
            if found:
                return label, found
        return "", []

    here = [f for f in figures if f.sentence_index == pct.sentence_index and f.start < pct.start and f.kind == AMOUNT
            and f.plain and f.value > 0]
    num_label, nums = first(ratio["numerator"])
    den_label, dens = first(ratio["denominator"])
    pairs = []
    if nums and dens and nums[0] is not dens[0]:
        n, d = nums[0], dens[0]
        inside = all(f.sentence_index == pct.sentence_index for f in (n, d))
        if inside or all(f is n or f is d for f in here):
            pairs.append((n, d, f"{num_label}÷{den_label}"))
    named = bool(pairs)
    words = vocabulary()["words"]
    local = [f for f in here if not f.group]
    actual = [f for f in local if f.phase != BUDGET and (f.canonical in ratio["numerator"]
                                                         or f.label.endswith(tuple(words["actual_amount_words"])))]
    budget = [f for f in local if f not in actual and (f.canonical in ratio["denominator"]
                                                       or f.label.endswith(tuple(words["budget_amount_words"])))]
    if actual and budget and "其中" not in pct.sentence[:actual[-1].start]:
        pairs.append((actual[-1], budget[-1], f"{actual[-1].label}÷{budget[-1].label}"))
    where = "同句的"
    if not pairs and budget and not actual:   # "财政拨款支出年初预算数X万元，完成年初预算的y%": its 支出 said before
        earlier = _earlier_actual(pct, budget[-1], figures)
        if earlier is not None:
            if earlier.fund and not earlier.label.startswith(earlier.fund):   # the fund's 支出总计: named with it
                earlier = replace(earlier, label=earlier.fund + earlier.label)
            pairs.append((earlier, budget[-1], f"{earlier.label}÷{budget[-1].label}"))
            where = "前文"
    if not pairs:
        return []
    if any(_share_fits(pct, n, d) for n, d, _ in pairs):    # within the rate's and the amounts' rounding (the
        return []       # draft, like a clerk, computes the rate from the exact amounts in 元, not the 万元 written)
    n, d, description = pairs[0]
    found = _judge_share(pct, n, [d], description, lead=pct.canonical, kind="rate")
    if named:
        return found
    assumed = f"注意：文中未写明执行数和预算数，按{where}“{n.label}”{n.text}为执行数、“{d.label}”{d.text}为预算数计算，请核实。"
    return [replace(f, message=f.message + assumed, severity=WARNING) for f in found]


def _earlier_actual(pct: Figure, budget: Figure, figures: list[Figure]) -> Figure | None:
    """The actual amount of the item a budget figure names ("财政拨款支出年初预算数" → 财政拨款支出), stated in the three
    sentences before the rate's (the nearest): "一般公共预算财政拨款支出X万元", or the fund's "支出总计X万元"."""
    words = vocabulary()["words"]
    marks = [m for m in words["budget_marks"] + words["budget_amount_words"] + ["预算"] if m in budget.label]
    item = budget.label[:min(budget.label.find(m) for m in marks)] if marks else ""
    if len(item) < 2 or item in words["budget_subjects"]:
        return None

    def names(f: Figure) -> bool:
        own = f.label[len(f.fund):] if f.fund and f.label.startswith(f.fund) else f.label
        return f.label.endswith(item) or bool(f.fund) and item.startswith(f.fund) and len(item) > len(f.fund) \
            and own.startswith(item[len(f.fund):])

    found = [f for f in figures if f.kind == AMOUNT and f.plain and f.phase != BUDGET and f.value > 0
             and f.year == pct.year and pct.sentence_index - 3 <= f.sentence_index < pct.sentence_index and names(f)]
    return found[-1] if found else None


def _paired_share(pct: Figure, by_key: dict, figures: list[Figure], totals: dict) -> list[ReportFinding]:
    """One share of a "分别占" list: its part ÷ the whole named after 占, else the total of the list the part is in."""
    part = by_key.get(pct.of) if pct.of else None
    if part is None:
        return []
    lst = totals.get(part.key)
    if pct.base:
        wholes = [f for f in _find_by_label(figures, canonical_label(pct.base), part.kind, pct)
                  if _same_family(f, part) and f is not part]
        description = f"“{pct.base}”"
    else:
        wholes, description = [], ""
    if not wholes and lst is not None:
        wholes, description = [lst.total], "所在列表的合计"
    if wholes:
        return _judge_share(pct, part, wholes, description, lst=lst, figures=figures)
    shares = [f for f in figures if f.group == pct.group and f.kind == PERCENT and f.of in by_key]
    if shares and shares[0] is pct:   # no whole stated: the shares of one list must give one whole
        return _derived_shares([(f, by_key[f.of]) for f in shares])
    return []


def _judge_share(pct: Figure, part: Figure, wholes: list[Figure], description: str,
                 lead: str = "", lst: ListOf | None = None, kind: str = "share",
                 figures: list[Figure] = ()) -> list[ReportFinding]:
    """A share (kind "share") or a rate (执行率/完成率, kind "rate") that fits none of its bases: one finding."""
    if any(_share_fits(pct, part, w) for w in wholes):
        return []
    fitting = [w for w in wholes if _share_fits(pct, part, w) is not None]
    if not fitting:
        return []
    for w in fitting:  # a 元/万元 slip makes the share 10^4 off
        for factor in (Decimal(10000), Decimal("0.0001")):
            if part.value and abs(pct.value - part.value * factor / w.value * 100) <= pct.tolerance + Decimal("0.01"):
                return [_finding("unit", pct, _percent_text(part, w, pct.decimals),
                                 f"{part.label or '分项'}{part.text}与{w.label}{w.text}单位相差一万倍，"
                                 f"所述占比{pct.text}只在换算单位后成立，疑单位误写。")]
    tried = [f"{part.canonical or '分项'}{part.said}÷{w.canonical or '合计'}{w.said}＝"
             f"{_percent_text(part, w, pct.decimals)}" for w in fitting]
    if lst is not None and not lst.overlapping and any(w is lst.total for w in wholes):  # the parts' sum is a base too
        listed = sum((p.value for p in lst.parts), Decimal(0))
        if listed and all(abs(listed - w.value) > w.tolerance for w in fitting):
            share = part.value / listed * 100
            spread = sum((p.tolerance for p in lst.parts), Decimal(0))   # the parts' sum within their rounding
            low = max(part.value - part.tolerance, Decimal(0)) / (listed + spread) * 100
            high = (part.value + part.tolerance) / (listed - spread) * 100 if listed > spread else share
            if pct.value + pct.tolerance >= low and pct.value - pct.tolerance <= high:
                return []
            tried.append(f"{part.canonical or '分项'}{part.said}÷所列分项之和{lst.total.shown(listed, max(p.decimals for p in lst.parts + [lst.total]))}＝"
                         f"{format_decimal(share, pct.decimals)}%")
            description += "、所列分项之和"
    other = _wrong_base(pct, part, wholes, figures) if kind == "share" else None
    if other is not None:
        tried.append(f"文中的{pct.text}与{part.canonical or '分项'}{part.said}÷{other.label}{other.said}相符，"
                     f"疑误以{other.label}为基数")
    return [_finding(kind, pct, _percent_text(part, fitting[0], pct.decimals),
                     f"{lead or (part.canonical or '该项') + '的占比'}写作{pct.text}，与计算不符"
                     f"（部分不会超过100%）。已试的基数（{description}）：{'；'.join(tried)}。"
                     if pct.value > 100 else
                     f"{lead or (part.canonical or '该项') + '的占比'}写作{pct.text}，与计算不符。"
                     f"已试的基数（{description}）：{'；'.join(tried)}。",
                     ((pct.key, part.value / fitting[0].value * 100),))]


def _wrong_base(pct: Figure, part: Figure, wholes: list[Figure], figures: list[Figure]) -> Figure | None:
    """Another whole of the text (a 合计/总计 or an item made of parts, [totals]/[parts_of]) the stated share is of:
    the classic slip of a share taken of the wrong base ("占本年支出合计的x%" computed on 收入合计)."""
    vocab = vocabulary()
    named = set(vocab.get("totals", {})) | set(vocab.get("parts_of", {}))
    for f in figures:
        if f.kind == part.kind and f.plain and f is not part and f not in wholes and f.value > part.value \
                and (f.canonical in named or f.label.endswith(("合计", "总计"))) and _same_family(f, part) \
                and not any(f.value == w.value for w in wholes) and _share_fits(pct, part, f):
            return f
    return None


# ---------------------------------------------------------------- the same figure twice

def check_repeats(figures: list[Figure], tables: list[TableValue] = ()) -> list[ReportFinding]:
    """The same quantity (label, year, budget/actual, scope) stated twice must agree (approximations within their
    wording's tolerance); two counts that each match a counting basis (口径) of the ledger are two bases."""
    bases: dict[str, list[TableValue]] = {}
    for t in tables:
        if t.basis:
            bases.setdefault(t.label, []).append(t)

    def two_bases(a: Figure, b: Figure) -> bool:
        rows = bases.get(a.canonical, [])
        return any(a.allows(t.value) for t in rows) and any(b.allows(t.value) for t in rows)

    generic = set(vocabulary()["words"]["generic_labels"])
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.kind in (YEAR, POINTS) or f.qualifier not in ("", "approx") or len(f.canonical) < 2 or "占" in f.label \
                or f.canonical in generic:
            continue
        groups.setdefault((f.kind, f.canonical, f.year, f.phase, f.unit if f.kind == COUNT else ""), []).append(f)
    findings = []
    for (_, label, year, _, _), figs in groups.items():
        plain = [f for f in figs if f.plain]
        if not plain:
            continue
        first = plain[0]
        for other in figs:
            if other is first or (other.scope and first.scope and other.scope != first.scope) or other.fund != first.fund \
                    or two_bases(first, other):
                continue
            if _figures_agree(first, other):
                continue
            if not other.plain:
                low, high = other.bounds()
                findings.append(_finding(
                    "approx", other, f"约{first.text}",
                    f"{label}文中另处为{first.text}，此处写作“{other.sentence[max(0, other.start - 1):other.end + 1]}”，"
                    f"按其措辞允许的范围（{other.shown(low)}～{other.shown(high)}）也不相符。"))
                continue
            if other.at < first.at:
                continue
            named = (f"（前文写作“{first.label}”，此处写作“{other.label}”，按同一项目核对）"
                     if first.label != other.label and first.label and other.label else "")
            assumed = "；".join(f.named_by for f in (first, other) if f.named_by)
            finding = _finding(
                "repeat", other, first.text,
                f"{label}在报告中前后不一致{named}：前文（“{first.sentence}”）为{first.said}，此处为{other.said}。"
                + (f"注意：{assumed}，请核实。" if assumed else ""), ((other.key, first.value),))
            findings.append(replace(finding, severity=WARNING) if assumed else finding)
    return findings


def check_against_tables(figures: list[Figure], tables: list[TableValue]) -> list[ReportFinding]:
    """Each prose figure whose label names a table row agrees with that row (in the column of the same phase); a count
    with several bases (口径) agrees with any of them, and the finding names each basis."""
    by_label: dict[str, list[TableValue]] = {}
    for t in tables:
        by_label.setdefault(t.label, []).append(t)
    report_year = report_year_of(figures)
    findings = []
    for f in figures:
        if f.qualifier not in ("", "approx") or f.kind not in (AMOUNT, COUNT, PERCENT) or f.canonical not in by_label \
                or f.fund:      # a fund's 基本支出: the table rows are the department's (or another fund's)
            continue
        if report_year is not None and f.year not in (None, report_year):
            continue
        rows = [t for t in by_label[f.canonical] if t.kind == f.kind
                and (t.year is None or t.year == (f.year or report_year))]
        if not rows or any(f.allows(t.value, t.tolerance) for t in rows):
            continue
        preferred = [t for t in rows if t.phase == f.phase] or rows
        t = preferred[0]
        shown = _table_shown(f, t)
        wording = ""
        if not f.plain:
            low, high = f.bounds()
            wording = f"（按“{f.text}”的措辞允许{f.shown(low)}～{f.shown(high)}）"
        if t.flagged is not None:   # the table itself does not add up here: that finding says it
            findings.append(replace(_finding("table", f, shown, f"{f.canonical}文中为{f.text}，与文中表格（{t.where}）"
                                             f"的{shown}不一致，而该表此处本身合计不符。"), cause=t.flagged))
            continue
        if any(r.basis for r in rows):
            bases = "；".join(f"{r.basis}{_table_shown(f, r)}" for r in rows)
            message = f"{f.canonical}文中为{f.text}{wording}，与台账按各口径统计的数均不相符（{bases}）。"
        else:
            message = f"{f.canonical}文中为{f.text}{wording}，表中（{t.where}）为{shown}，两者不一致。"
        if any(r.basis for r in rows):
            t = min(rows, key=lambda r: abs(r.value - f.value))
            shown = _table_shown(f, t)
        findings.append(_finding("table", f, shown, message, ((f.key, t.value),)))
    return findings


# ---------------------------------------------------------------- the whole check

PRIORITY = ["unit", "structure", "table", "breakdown", "change", "repeat", "share", "rate", "approx", "year"]


def _run_checks(figures: list[Figure], sentences: list[str], tables: list[TableValue]) -> list[ReportFinding]:
    lists = find_lists(figures, sentences)
    findings = check_breakdowns(lists, figures)
    findings += check_shares(figures, lists)
    findings += check_repeats(figures, tables)
    findings += check_changes(figures, tables)
    findings += check_years(figures, sentences)
    findings += check_moves(figures, sentences)
    findings += check_gaps(figures)
    if tables:
        findings += check_against_tables(figures, tables)
    return _unique(findings)


def check_report(text: str, tables: list[TableValue] | None = None) -> ReportCheck:
    """All figures of a report's prose (and of the tables pasted into it) and every disagreement found among them and
    with the tables, in text order; a finding that only follows from another is folded into it."""
    tables = list(tables or [])
    folded = fold_forms(text)
    spans = sentence_spans(folded)
    sentences = [s for _, s in spans]
    figures = extract_figures(text)
    table_findings, pasted = check_text_tables(folded)
    score_findings, score_totals = check_score_tables(folded)
    table_findings += score_findings + check_score_prose(folded, score_totals)
    unit_findings, corrected = correct_units(figures, tables + pasted, sentences)
    table_findings, moved = _table_cell_slips(table_findings, corrected, pasted, folded)
    pasted = [replace(t, flagged=moved.get(t.flagged, t.flagged)) for t in pasted]   # consequences follow the move
    findings = _one_slip(_run_checks(corrected, sentences, tables + pasted), corrected, sentences, tables + pasted)
    findings = _fold(unit_findings + table_findings + findings, corrected, sentences, tables + pasted)
    originals = {s: text[o:o + len(s)] for o, s in spans}
    findings = [replace(f, sentence=originals.get(f.sentence, f.sentence),
                        stated=text[f.at:f.at + len(f.stated)] if folded[f.at:f.at + len(f.stated)] == f.stated
                        else f.stated) for f in findings]
    return ReportCheck(figures, sorted(findings, key=lambda f: f.at))


def _one_slip(findings: list[ReportFinding], figures: list[Figure], sentences: list[str],
              tables: list[TableValue]) -> list[ReportFinding]:
    """A sum that does not add up is one slip: the total or one of its parts. Each is tried at the value that makes
    the sum add up; the one that also clears the most other findings (a share, a restated figure, a table cell) and
    raises none is named, at its own figure. When the text cannot tell between some of them (all: the finding stays
    at the total, as it was), the finding names each one."""
    def key(f: ReportFinding):
        return f.kind, f.at, f.stated

    base = {key(f) for f in findings}
    by_key = {f.key: f for f in figures}
    out = []
    for f in findings:
        if f.kind != "breakdown" or len(f.alternatives) < 2:
            out.append(f)
            continue
        judged = []
        for at, value in f.alternatives:
            changed = [replace(g, value=value) if g.key == at else g for g in figures]
            after = {key(x) for x in _run_checks(changed, sentences, tables)}
            if key(f) not in after and not after - base:
                judged.append((len(base - after), at, value, base - after - {key(f)}))
        best = max((n for n, _, _, _ in judged), default=0)
        top = [(at, value, gone) for n, at, value, gone in judged if n == best]
        if not top or len(top) == len(f.alternatives) or [at for at, _, _ in top] == [f.alternatives[0][0]]:
            out.append(f)
            continue
        note = f.message[f.message.rfind("注意："):] if "注意：" in f.message else ""
        total = by_key[f.alternatives[0][0]]
        if len(top) == 1:
            at, value, gone = top[0]
            part = by_key[at]
            own = {"breakdown": "它自身所列分项之和", "table": "表格中的数", "repeat": "前后文的数"}
            also = "、".join(dict.fromkeys(f"文中的“{stated}”" if x != part.at else own.get(kind, "别处的数")
                                           for kind, x, stated in sorted(gone, key=lambda g: g[1])))
            why = (f"{also}也才相符；如为合计写错，它们仍不相符" if also else
                   "而改动合计或其他分项都会使文中别处的数字不符")
            out.append(replace(_finding(
                "breakdown", part, part.shown(value),
                f"{part.label or '该分项'}写作{part.said}，疑应为{part.shown(value)}：按此计，所列分项之和才等于"
                f"{total.label or '合计'}{total.said}，{why}。{note}", ((at, value),)), severity=f.severity))
            continue
        said = [f"{g.label or '合计'}{g.said}（应为{g.shown(value)}）" for at, value, _ in top for g in [by_key[at]]]
        head = f.message[:len(f.message) - len(note)] if note else f.message
        out.append(replace(f, message=f"{head}可能写错的是{'，或'.join(said)}，文中其他数字不能判断是哪一个，请核对。{note}",
                           fixes=((top[0][0], top[0][1]),)))
    seen, unique = set(), []     # a part that is also the total of its own list: named once
    for f in out:
        if key(f) not in seen:
            seen.add(key(f))
            unique.append(f)
    return unique


def _table_cell_slips(findings: list[ReportFinding], figures: list[Figure], pasted: list[TableValue],
                      text: str) -> tuple[list[ReportFinding], dict[int, int]]:
    """A table in the text whose 合计 does not add up, and one of its cells the prose states otherwise by just the
    difference: that cell is the slip (the prose and the rest of the table agree), so the finding goes to its row.
    (findings, {offset of a finding moved: its new offset})."""
    out, moved = [], {}
    for f in findings:
        try:
            stated, expected = Decimal(f.stated.replace(",", "")), Decimal(f.expected.replace(",", ""))
        except (ArithmeticError, ValueError):
            out.append(f)
            continue
        found = []
        for t in pasted if f.kind == "structure" else ():
            scale = MONEY_FACTOR.get(t.unit or "")
            if t.flagged != f.at or t.at is None or t.at == f.at or t.kind != AMOUNT or scale is None:
                continue
            found += [(t, g) for g in figures if g.kind == AMOUNT and g.plain and g.canonical == t.label and not g.fund
                      and g.phase == t.phase and not g.allows(t.value, t.tolerance)
                      and abs(g.value - t.value - (stated - expected) * scale) <= g.tolerance + t.tolerance]
        if len({t.at for t, _ in found}) != 1:
            out.append(f)
            continue
        t, g = found[0]
        line = text[t.at:text.find("\n", t.at) if "\n" in text[t.at:] else len(text)].strip()
        right = format_decimal(g.value / MONEY_FACTOR[t.unit], t.decimals or 0, "," in t.cell)
        moved[f.at] = t.at
        out.append(replace(f, sentence=line, stated=t.cell, expected=right, at=t.at, message=(
            f"{t.where}为{t.cell}，正文（“{g.sentence}”）为{g.text}：按{right}计，该表的合计才与所含各项之和相符，"
            f"疑此格写错。{f.message}")))
    return out, moved


def _fold(findings: list[ReportFinding], figures: list[Figure], sentences: list[str],
          tables: list[TableValue]) -> list[ReportFinding]:
    """A finding that disappears once another finding's correction is applied is its consequence: it is folded into
    that finding ("另见上一条") instead of being listed as a problem of its own."""
    def key(f: ReportFinding):
        return f.kind, f.at, f.stated

    order = sorted(findings, key=lambda f: (PRIORITY.index(f.kind) if f.kind in PRIORITY else 99, f.at))
    consequences: dict[tuple, list[ReportFinding]] = {}
    claimed: set = set()
    for f in findings:
        if f.cause is not None:
            consequences.setdefault(next((key(c) for c in findings if c.at == f.cause and c.kind == "structure"),
                                         None), []).append(f)
            claimed.add(key(f))
    for cause in order:
        if key(cause) in claimed or not cause.fixes:
            continue
        fixes = dict(cause.fixes)
        changed = [replace(f, value=fixes[f.key]) if f.key in fixes else f for f in figures]
        remaining = {key(f) for f in _run_checks(changed, sentences, tables)}
        for other in findings:
            if other is cause or key(other) in claimed or key(other) in remaining or other.kind in ("unit", "structure"):
                continue
            claimed.add(key(other))
            consequences.setdefault(key(cause), []).append(other)
    out = []
    for f in findings:
        if key(f) in claimed:
            continue
        extra = consequences.get(key(f), [])
        if extra:
            notes = "；".join(f"{x.stated}（{x.message.rstrip('。')}）" for x in extra)
            f = replace(f, message=f"{f.message}另见上一条：由此还导致{notes}，更正本条后即不再成立，不另列。")
        out.append(f)
    return out


def _unique(findings: list[ReportFinding]) -> list[ReportFinding]:
    seen, out = set(), []
    for f in findings:
        key = (f.kind, f.at, f.sentence, f.stated)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
