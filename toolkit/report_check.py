"""Read the figures in a self-evaluation report's prose and list those that disagree with each other or the tables.

Pure core: text in, figures and findings out. Every figure keeps the precision it was written with, so a comparison
allows exactly the rounding the writer could have done (half a unit of the last shown decimal on each side).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

AMOUNT, PERCENT, COUNT, YEAR, POINTS = "amount", "percent", "count", "year", "points"
MONEY_FACTOR = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
BUDGET, ACTUAL = "budget", "actual"


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The report vocabulary shipped in toolkit/data/report_vocabulary.toml."""
    text = resources.files("toolkit.data").joinpath("report_vocabulary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


# ---------------------------------------------------------------- numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10000, "亿": 100000000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def chinese_integer(text: str) -> int:
    """一千零二十 → 1020; 二〇二三 → 2023 (digit by digit when no 十百千万亿)."""
    if not any(ch in _CN_SMALL or ch in _CN_BIG for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = number = 0
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        else:  # 万 / 亿
            section += number
            total = (total + (section or 1)) * _CN_BIG[ch] if ch == "亿" else total + (section or 1) * _CN_BIG[ch]
            section = number = 0
    return total + section + number


def parse_number(text: str) -> tuple[Decimal, int]:
    """A number as written ("1,085", "325.68", "１２３", "一千零二十", "九十五点五") → (value, decimals shown)."""
    text = text.translate(_FULLWIDTH).replace(",", "")
    if text[0].isdigit():
        value = Decimal(text)
        return value, max(0, -value.as_tuple().exponent)
    whole, _, frac = text.partition("点")
    value = Decimal(chinese_integer(whole) if whole else 0)
    if frac:
        value += Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in frac))
    return value, len(frac)


# ---------------------------------------------------------------- figures

@dataclass(frozen=True)
class Figure:
    """One figure in the prose, with the sentence it sits in and what it is a figure of."""

    kind: str            # AMOUNT (value in 元) | PERCENT | COUNT | YEAR | POINTS
    value: Decimal
    tolerance: Decimal   # half a unit of the last shown decimal, in the units of value
    text: str            # as written, e.g. "325.68万元"
    unit: str            # 元 / 万元 / 亿元 / % / 件 / 人次 / 年 ...
    sentence: str
    sentence_index: int
    start: int           # offset of the figure in its sentence
    end: int
    label: str = ""      # what the figure is of, normalised ("支出合计")
    canonical: str = ""  # the label mapped through the vocabulary's aliases
    qualifier: str = ""  # "approx" | "bound" | "delta" | ""
    phase: str = ACTUAL  # BUDGET or ACTUAL
    year: int | None = None   # the year the figure belongs to (None: the report's year)
    depth: int = 0       # bracket depth in its sentence

    @property
    def plain(self) -> bool:
        """A level stated plainly: not approximate, not a bound, not a change."""
        return not self.qualifier

    def shown(self, value: Decimal | None = None) -> str:
        """A value (default: this figure's) written in this figure's unit and decimals."""
        value = self.value if value is None else value
        grouped = "," in self.text  # write thousands separators only where the writer did
        if self.kind == AMOUNT:
            return f"{format_decimal(value / MONEY_FACTOR[self.unit], self.decimals, grouped)}{self.unit}"
        if self.kind == PERCENT:
            return f"{format_decimal(value, self.decimals)}%"
        return f"{format_decimal(value, self.decimals, grouped)}{self.unit}"

    @property
    def decimals(self) -> int:
        factor = MONEY_FACTOR[self.unit] if self.kind == AMOUNT else Decimal(1)
        if self.tolerance == 0:
            return 0
        return max(0, -(self.tolerance * 2 / factor).normalize().as_tuple().exponent)


def format_decimal(value: Decimal, decimals: int, grouped: bool = True) -> str:
    """Round half up to the given decimals, with thousands separators in the integer part (if grouped)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding="ROUND_HALF_UP")
    return f"{rounded:,.{decimals}f}" if grouped else f"{rounded:.{decimals}f}"


_SENTENCE_END = "。！？!?\n"
_CLAUSE_BREAK = "，,。；;：:、！？!?\n【】[]"
_NUM = r"(?:[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?)"


@lru_cache(maxsize=1)
def _figure_pattern() -> re.Pattern:
    vocab = vocabulary()
    counts = sorted(vocab["units"]["counts"], key=len, reverse=True)
    points = sorted(vocab["units"]["points"], key=len, reverse=True)
    unit = "|".join(map(re.escape, points + ["元"] + counts))
    return re.compile(
        rf"(?P<pct1>百分之(?P<pnum>{_NUM}))"
        rf"|(?P<year>(?:19|20)[0-9]{{2}}|[〇零一二三四五六七八九]{{4}})(?=\s*年)"
        rf"|(?P<num>{_NUM})\s*(?:(?P<pct>[%％])|(?P<a1>余|多)?(?P<mult>万|亿|千)?(?P<a2>余|多)?(?P<unit>{unit}))")


def split_sentences(text: str) -> list[str]:
    """Sentences: ended by 。！？ or a line break; empty ones dropped."""
    out, current = [], []
    for ch in text:
        current.append(ch)
        if ch in _SENTENCE_END:
            sentence = "".join(current).strip()
            if sentence:
                out.append(sentence)
            current = []
    tail = "".join(current).strip()
    if tail:
        out.append(tail)
    return out


def _has_cn_digit(text: str) -> bool:
    return any(ch in _CN_DIGITS for ch in text) or text.startswith("十")


def _raw_figures(sentence: str, index: int) -> list[Figure]:
    figures = []
    for m in _figure_pattern().finditer(sentence):
        start, end = m.span()
        if start > 0 and (sentence[start - 1].isdigit() or sentence[start - 1] in "第.．"):
            continue
        if m.group("year"):
            word = m.group("year")
            value = Decimal(word) if word.isdigit() else Decimal(chinese_integer(word))
            after = end + 1 + (sentence[end + 1:end + 2] == "度")  # "2023年度": 度 is not part of the label
            figures.append(Figure(YEAR, value, Decimal(0), word + "年", "年", sentence, index, start, after))
            continue
        num = m.group("pnum") or m.group("num")
        arabic = num[0].isdigit()  # also true for full-width digits
        if not arabic and not _has_cn_digit(num):
            continue
        mult = m.group("mult") or ""
        if not arabic and num[-1] in "万亿" and m.group("unit") == "元" and not mult:
            num, mult = num[:-1], num[-1]  # 一千零二十万元: the 万 belongs to the unit
            if not num:
                continue
        try:
            value, decimals = parse_number(num)
        except (ArithmeticError, KeyError, ValueError):
            continue
        half = Decimal(5).scaleb(-decimals - 1)
        approx = bool(m.group("a1") or m.group("a2"))
        if m.group("pct1") or m.group("pct"):
            figures.append(Figure(PERCENT, value, half, m.group(0), "%", sentence, index, start, end,
                                  qualifier="approx" if approx else ""))
            continue
        unit = m.group("unit")
        if unit == "元":
            unit = mult + "元"
            factor = MONEY_FACTOR[unit]
            figures.append(Figure(AMOUNT, value * factor, half * factor, m.group(0), unit, sentence, index, start, end,
                                  qualifier="approx" if approx else ""))
            continue
        factor = Decimal(_CN_BIG.get(mult, 1000 if mult == "千" else 1))
        kind = POINTS if unit in vocabulary()["units"]["points"] else COUNT
        if kind == COUNT and decimals == 0 and factor == 1:
            half = Decimal(0)  # a whole count is exact
        figures.append(Figure(kind, value * factor, half * factor, m.group(0), unit, sentence, index, start, end,
                              qualifier="approx" if approx else ""))
    return figures


def normalize_label(raw: str) -> str:
    """Strip quotes, spaces, year words and connector words from the text before a figure."""
    words = vocabulary()["words"]
    text = re.sub(r"[\s“”\"'‘’《》]", "", raw).lstrip("（(").rstrip("（(")
    text = re.sub(r"^(?:(?:19|20)\d{2}年度?)", "", text)
    if "中心" in text:  # "沅江市法律援助中心共办理…": the centre's name is not part of the label
        text = text[text.rindex("中心") + 2:]
    changed = True
    while changed and text:
        changed = False
        for prefix in sorted(words["label_prefixes"], key=len, reverse=True):
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
                break
        for suffix in sorted(words["label_suffixes"], key=len, reverse=True):
            if text.endswith(suffix):
                text, changed = text[: -len(suffix)], True
                break
    return text


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    out = {}
    for canonical, aliases in vocabulary()["labels"].items():
        out[normalize_label(canonical)] = canonical
        for alias in aliases:
            out[normalize_label(alias)] = canonical
    return out


def canonical_label(label: str) -> str:
    """The vocabulary's canonical name for a label, or the label itself."""
    return _alias_map().get(normalize_label(label), normalize_label(label))


def _clause_start(sentence: str, pos: int) -> int:
    i = pos
    while i > 0 and sentence[i - 1] not in _CLAUSE_BREAK:
        i -= 1
    return i


def _depth_at(sentence: str, pos: int) -> int:
    depth = 0
    for ch in sentence[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth


def extract_figures(text: str) -> list[Figure]:
    """Every amount, percentage, count and year in the text, with its sentence, label and qualifiers."""
    words = vocabulary()["words"]
    figures: list[Figure] = []
    for index, sentence in enumerate(split_sentences(text)):
        raw = _raw_figures(sentence, index)
        last_year: int | None = None
        previous_end = 0
        for fig in raw:
            clause_start = max(_clause_start(sentence, fig.start), 0)
            label_start = max(clause_start, previous_end if previous_end > clause_start else clause_start)
            raw_label = sentence[label_start:fig.start]
            clause = sentence[clause_start:fig.start]
            before = sentence[max(0, fig.start - 4):fig.start]
            after = sentence[fig.end:fig.end + 2]
            qualifier = fig.qualifier
            if any(before.endswith(w) for w in words["bound_before"]) or any(w in raw_label for w in
                                                                                ("指标值", "目标值", "目标")):
                qualifier = "bound"
            elif any(before.endswith(w) for w in words["approx_before"]) or any(after.startswith(w) for w in
                                                                                   words["approx_after"]):
                qualifier = qualifier or "approx"
            if not qualifier and fig.kind != YEAR and any(w in clause for w in words["delta"]):
                qualifier = "delta"
            if fig.kind == YEAR:
                figures.append(fig)
                last_year = int(fig.value)
                previous_end = fig.end
                continue
            label = normalize_label(raw_label)
            upto = sentence[:fig.start]
            phase = ACTUAL
            mark_ends = [upto.rfind(m) + len(m) for m in words["budget_marks"] if m in upto]
            if mark_ends and not any(w in upto[max(mark_ends):] for w in words["actual_marks"]):
                phase = BUDGET  # after "年初预算数…" and before any "执行数/决算…"
            year = last_year
            if any(w in clause for w in ("本年", "今年", "全年", "当年")):
                year = None
            figures.append(Figure(fig.kind, fig.value, fig.tolerance, fig.text, fig.unit, sentence, index, fig.start,
                                  fig.end, label=label, canonical=canonical_label(label) if label else "",
                                  qualifier=qualifier, phase=phase, year=year, depth=_depth_at(sentence, fig.start)))
            previous_end = fig.end
    return _resolve_years(figures)


def _resolve_years(figures: list[Figure]) -> list[Figure]:
    """Give figures without a year of their own the report's year."""
    report_year = report_year_of(figures)
    if report_year is None:
        return figures
    return [f if f.kind == YEAR or f.year is not None else replace(f, year=report_year) for f in figures]


def report_year_of(figures: list[Figure]) -> int | None:
    """The report's own year: the first year the text names (normally in its title)."""
    return next((int(f.value) for f in figures if f.kind == YEAR), None)


# ---------------------------------------------------------------- findings

@dataclass(frozen=True)
class ReportFinding:
    """A figure in the prose that disagrees with another figure or a table."""

    kind: str        # breakdown | share | repeat | unit | year | table
    sentence: str
    stated: str
    expected: str
    message: str     # Simplified Chinese

    def to_dict(self) -> dict:
        return {"kind": self.kind, "sentence": self.sentence, "stated": self.stated, "expected": self.expected,
                "message": self.message}


@dataclass(frozen=True)
class TableValue:
    """A value from a workbook, under a canonical label, to check prose figures against."""

    label: str          # canonical label
    kind: str           # AMOUNT (元) or COUNT or PERCENT
    value: Decimal
    tolerance: Decimal
    where: str          # "预算表.xlsx “收支决算” 第5行 “全年执行数”列"
    phase: str = ACTUAL


@dataclass
class ReportCheck:
    figures: list[Figure]
    findings: list[ReportFinding] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"figures": len(self.figures), "findings": [f.to_dict() for f in self.findings]}


def _agree(a: Decimal, ta: Decimal, b: Decimal, tb: Decimal) -> bool:
    return abs(a - b) <= ta + tb


def _same_family(a: Figure, b: Figure) -> bool:
    return a.kind == b.kind and (a.kind == AMOUNT or a.unit == b.unit)


_SLIPS = {"元": ["万元"], "万元": ["元", "亿元"], "亿元": ["万元"], "千元": []}


def _unit_slip(fig: Figure, wrong: Decimal, right: Decimal, tolerance: Decimal) -> str | None:
    """If writing fig in the unit 10⁴ away (元 ↔ 万元 ↔ 亿元) makes `wrong` equal `right`, name that unit.

    `wrong` is a value containing fig.value, `tolerance` the combined rounding allowance of wrong and right.
    """
    if fig.kind != AMOUNT or fig.value == 0:
        return None
    own = MONEY_FACTOR[fig.unit]
    for unit in _SLIPS[fig.unit]:
        rescaled = fig.value / own * MONEY_FACTOR[unit]
        if _agree(wrong - fig.value + rescaled, tolerance, right, Decimal(0)):
            return unit
    return None


def check_breakdowns(figures: list[Figure], sentences: list[str]) -> list[ReportFinding]:
    """"合计 X，其中 A、B、C": the parts add up to the total (overlapping groups only each ≤ total)."""
    vocab = vocabulary()
    overlapping = set(vocab["overlapping"]["labels"])
    findings = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    for index, sentence in enumerate(sentences):
        figs = [f for f in by_sentence.get(index, []) if f.kind in (AMOUNT, COUNT)]
        marks = [m.start() for m in re.finditer("其中", sentence)]
        for n, pos in enumerate(marks):
            depth = _depth_at(sentence, pos)
            before = [f for f in figs if f.end <= pos and f.depth <= depth and f.qualifier != "delta"]
            if not before and index > 0 and sentence.startswith("其中"):
                before = [f for f in by_sentence.get(index - 1, []) if f.kind in (AMOUNT, COUNT) and f.depth == 0
                          and f.qualifier != "delta"]
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
            parts = [f for f in figs if pos < f.start < stop and f.depth == depth and _same_family(f, total)
                     and f.qualifier != "delta"]
            if next_list and parts:  # the figure just before the next 其中 is that list's total
                parts = parts[:-1]
            cut = [i for i, p in enumerate(parts) if any(w in p.label for w in ("合计", "总计", "总额", "共计"))]
            if cut:
                parts = parts[:cut[0]]
            if not parts or any(not p.plain for p in parts):
                continue
            findings.extend(_check_one_breakdown(total, parts, sentence, pos, stop, overlapping))
    return findings


def _check_one_breakdown(total: Figure, parts: list[Figure], sentence: str, pos: int, stop: int,
                         overlapping: set[str]) -> list[ReportFinding]:
    unit_name = "金额" if total.kind == AMOUNT else "数量"
    if any(p.label in overlapping or p.canonical in overlapping for p in parts) or len(parts) == 1:
        out = []
        for p in parts:
            if p.value > total.value + p.tolerance + total.tolerance:
                slip = _unit_slip(p, p.value, total.value, p.tolerance + total.tolerance)
                out.append(ReportFinding(
                    "unit" if slip else "breakdown", sentence, p.text, f"不超过{total.text}",
                    f"“其中”{p.label or '分项'}{p.text}大于合计{total.label or ''}{total.text}，分项不可能超过合计"
                    + (f"；疑将单位“{slip}”误写为“{p.unit}”。" if slip else "。")))
        return out
    total_sum = sum((p.value for p in parts), Decimal(0))
    tolerance = sum((p.tolerance for p in parts), Decimal(0))
    if _agree(total_sum, tolerance, total.value, total.tolerance):
        return []
    listed = "、".join(f"{p.label}{p.text}" for p in parts)
    for p in parts:
        slip = _unit_slip(p, total_sum, total.value, total.tolerance + tolerance)
        if slip:
            return [ReportFinding("unit", sentence, p.text, f"{format_decimal(p.value / MONEY_FACTOR[p.unit], p.decimals)}{slip}",
                                  f"{p.label or '分项'}写作{p.text}，与同句其他金额相差约一万倍；按{slip}计，"
                                  f"分项之和才等于合计{total.text}，疑单位误写。")]
    expected = total.shown(total_sum)
    if total_sum < total.value and any(sentence[stop - 2:stop + 1].find(w) >= 0 or sentence[pos:stop].rstrip("。；;，,")
                                       .endswith(w) for w in vocabulary()["words"]["incomplete_marks"]):
        return []
    if total_sum > total.value:
        message = (f"“其中”所列分项（{listed}）之和为{expected}，大于{total.label or '合计'}{total.text}，"
                   f"分项之和不应超过合计。")
    else:
        message = (f"“其中”所列分项（{listed}）之和为{expected}，与{total.label or '合计'}{total.text}不符"
                   f"（相差{total.shown(total.value - total_sum)}）；如有未列出的分项请补全或写明“等”。")
    return [ReportFinding("breakdown", sentence, total.text, expected, message)]


def _find_by_label(figures: list[Figure], canonical: str, kind: str, near: Figure) -> list[Figure]:
    """Figures with this canonical label: same sentence first (before `near`), then the rest of the text."""
    same = [f for f in figures if f.canonical == canonical and f.kind == kind and f.plain
            and f.sentence_index == near.sentence_index and f.start < near.start]
    others = [f for f in figures if f.canonical == canonical and f.kind == kind and f.plain and f not in same
              and f.year == near.year]
    others.sort(key=lambda f: (f.phase != near.phase, abs(f.sentence_index - near.sentence_index)))
    return list(reversed(same)) + others


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


def _percent_text(part: Figure, whole: Figure, decimals: int) -> str:
    return f"{format_decimal(part.value / whole.value * 100, decimals)}%"


def check_shares(figures: list[Figure], breakdown_totals: dict[int, dict[int, Figure]]) -> list[ReportFinding]:
    """"占 x%": x equals part / whole for the whole named (or, unnamed, the total of the list the part is in)."""
    vocab = vocabulary()
    findings = []
    in_sentence = _by_sentence(figures)
    for pct in figures:
        if pct.kind != PERCENT or not pct.plain:
            continue
        sentence = pct.sentence
        clause_start = _clause_start(sentence, pct.start)
        clause = sentence[clause_start:pct.start]
        ratio = vocab["ratios"].get(pct.canonical)
        if ratio and "占" not in clause:
            nums = _find_by_label(figures, ratio["numerator"], AMOUNT, pct)
            dens = _find_by_label(figures, ratio["denominator"], AMOUNT, pct)
            if nums and dens:
                findings.extend(_judge_share(pct, nums[0], dens[:1], f"{ratio['numerator']}÷{ratio['denominator']}",
                                             lead=pct.canonical))
            continue
        at = clause.rfind("占")
        if at < 0:
            continue
        part_name = normalize_label(clause[:at])
        base_name = normalize_label(re.sub(r"(比例|比重|比)$", "", normalize_label(clause[at + 1:])))
        same_sentence = [f for f in in_sentence.get(pct.sentence_index, ()) if f.start < pct.start
                         and f.kind in (AMOUNT, COUNT) and f.plain]
        if part_name:
            canonical = canonical_label(part_name)
            kinds = [AMOUNT, COUNT]
            candidates = [f for k in kinds for f in _find_by_label(figures, canonical, k, pct)]
            part = candidates[0] if candidates else None
        else:
            part = same_sentence[-1] if same_sentence else None
        if part is None:
            continue
        if base_name:
            wholes = [f for f in _find_by_label(figures, canonical_label(base_name), part.kind, pct)
                      if _same_family(f, part) and f is not part]
            if not wholes and part.start in breakdown_totals.get(part.sentence_index, {}):
                wholes = [breakdown_totals[part.sentence_index][part.start]]
            description = f"“{base_name}”"
        else:
            total = breakdown_totals.get(part.sentence_index, {}).get(part.start)
            wholes = [total] if total is not None else []
            description = "所在“其中”列表的合计"
        if wholes:
            findings.extend(_judge_share(pct, part, wholes, description))
    return findings


def _judge_share(pct: Figure, part: Figure, wholes: list[Figure], description: str,
                 lead: str = "") -> list[ReportFinding]:
    if any(_share_fits(pct, part, w) for w in wholes):
        return []
    fitting = [w for w in wholes if _share_fits(pct, part, w) is not None]
    if not fitting:
        return []
    tried = "；".join(f"{part.canonical or '分项'}{part.text}÷{w.canonical or '合计'}{w.text}＝"
                     f"{_percent_text(part, w, pct.decimals)}" for w in fitting)
    for w in fitting:  # a 元/万元 slip makes the share 10^4 off
        for factor in (Decimal(10000), Decimal("0.0001")):
            if part.value and abs(pct.value - part.value * factor / w.value * 100) <= pct.tolerance + Decimal("0.01"):
                return [ReportFinding("unit", pct.sentence, part.text, _percent_text(part, w, pct.decimals),
                                      f"{part.label or '分项'}{part.text}与{w.label}{w.text}单位相差一万倍，"
                                      f"所述占比{pct.text}只在换算单位后成立，疑单位误写。")]
    return [ReportFinding("share", pct.sentence, pct.text, _percent_text(part, fitting[0], pct.decimals),
                          f"{lead or (part.canonical or '该项') + '的占比'}写作{pct.text}，与计算不符。"
                          f"已试的基数（{description}）：{tried}。")]


def _breakdown_totals(figures: list[Figure], sentences: list[str]) -> dict[int, dict[int, Figure]]:
    """For each part of a "其中" list: the list's total (by sentence index, part start)."""
    out: dict[int, dict[int, Figure]] = {}
    in_sentence = _by_sentence(figures)
    for index, sentence in enumerate(sentences):
        figs = [f for f in in_sentence.get(index, ()) if f.kind in (AMOUNT, COUNT)]
        for m in re.finditer("其中", sentence):
            before = [f for f in figs if f.end <= m.start() and f.depth <= _depth_at(sentence, m.start())
                      and f.qualifier != "delta"]
            if not before:
                continue
            total = before[-1]
            for f in figs:
                if f.start > m.start() and _same_family(f, total):
                    out.setdefault(index, {})[f.start] = total
    return out


def check_repeats(figures: list[Figure]) -> list[ReportFinding]:
    """The same quantity (label, year, budget/actual) stated twice must agree."""
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.kind in (YEAR, POINTS) or not f.plain or len(f.canonical) < 2 or "占" in f.label:
            continue
        groups.setdefault((f.kind, f.canonical, f.year, f.phase, f.unit if f.kind == COUNT else ""), []).append(f)
    findings = []
    for (_, label, year, _, _), figs in groups.items():
        first = figs[0]
        for other in figs[1:]:
            if _agree(first.value, first.tolerance, other.value, other.tolerance):
                continue
            slip = _unit_slip(other, other.value, first.value, other.tolerance + first.tolerance)
            if slip:
                findings.append(ReportFinding(
                    "unit", other.sentence, other.text, first.text,
                    f"{label}前文为{first.text}，此处写作{other.text}，相差约一万倍，疑将单位“{slip}”误写为“{other.unit}”。"))
            else:
                findings.append(ReportFinding(
                    "repeat", other.sentence, other.text, first.text,
                    f"{label}在报告中前后不一致：前文（“{first.sentence}”）为{first.text}，此处为{other.text}。"))
    return findings


def check_unit_siblings(figures: list[Figure], already: set[tuple[int, int]]) -> list[ReportFinding]:
    """An amount in 元 among 万元 siblings (or the reverse) that is about 10⁴ times off them."""
    findings = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        if f.kind == AMOUNT and f.value > 0:
            by_sentence.setdefault(f.sentence_index, []).append(f)
    for figs in by_sentence.values():
        if len(figs) < 2:
            continue
        for f in figs:
            if (f.sentence_index, f.start) in already:
                continue
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
                findings.append(ReportFinding(
                    "unit", f.sentence, f.text, f"{format_decimal(f.value / MONEY_FACTOR[f.unit], f.decimals)}{unit}",
                    f"{f.label or '该金额'}写作{f.text}，与同句其他金额（{'、'.join(g.text for g in others)}）"
                    f"数量级相差约一万倍，疑应为“{unit}”。"))
    return findings


def _orders(a: Decimal, b: Decimal) -> Decimal:
    """How many orders of magnitude apart two positive values are."""
    if a <= 0 or b <= 0:
        return Decimal(0)
    return abs((a / b).log10())


def check_years(figures: list[Figure], sentences: list[str]) -> list[ReportFinding]:
    """"从2022年的…增加到2022年的…" and "2023年…较2023年…": a comparison must move between two years."""
    words = vocabulary()["words"]
    findings = []
    in_sentence = _by_sentence(figures)
    for index, sentence in enumerate(sentences):
        figs = in_sentence.get(index, [])
        years = [f for f in figs if f.kind == YEAR]
        for verb in words["move_up"] + words["move_down"]:
            for m in re.finditer(re.escape(verb), sentence):
                before = [y for y in years if y.end <= m.start()]
                after = [y for y in years if y.start >= m.end() and y.start - m.end() <= 3]
                if not before or not re.search(r"[从由]\s*$", sentence[:before[-1].start]):
                    continue
                y1 = before[-1]
                if after and after[0].value == y1.value:
                    findings.append(ReportFinding(
                        "year", sentence, after[0].text, "与起点不同的年份",
                        f"句中从{y1.text}“{verb}”{after[0].text}，起止年份相同，变化无从谈起，年份应有误。"))
                    continue
                a_vals = [f for f in figs if f.kind in (AMOUNT, COUNT, PERCENT) and y1.end <= f.start < m.start()]
                b_vals = [f for f in figs if f.kind in (AMOUNT, COUNT, PERCENT) and f.start >= m.end()]
                if a_vals and b_vals and _same_family(a_vals[-1], b_vals[0]):
                    a, b = a_vals[-1], b_vals[0]
                    up = verb in words["move_up"]
                    if (up and b.value < a.value - a.tolerance - b.tolerance) or \
                            (not up and b.value > a.value + a.tolerance + b.tolerance):
                        findings.append(ReportFinding(
                            "year", sentence, b.text, f"{'大于' if up else '小于'}{a.text}",
                            f"句中称从{a.text}“{verb}”{b.text}，但数值实为{'减少' if up else '增加'}，方向与文字相反。"))
        for y in years:
            context = [f for f in years if f.end <= y.start]
            lead = sentence[max(0, y.start - 2):y.start]
            if context and any(lead.endswith(w) for w in words["compare_with"]) and context[-1].value == y.value:
                findings.append(ReportFinding(
                    "year", sentence, y.text, "上一年或其他比较年份",
                    f"句中{context[-1].text}的数据与{y.text}相比较，比较的是同一年，年份应有误。"))
    return findings


def check_against_tables(figures: list[Figure], tables: list[TableValue]) -> list[ReportFinding]:
    """Each prose figure whose label names a table row agrees with that row (in the column of the same phase)."""
    by_label: dict[str, list[TableValue]] = {}
    for t in tables:
        by_label.setdefault(t.label, []).append(t)
    report_year = report_year_of(figures)
    findings = []
    for f in figures:
        if not f.plain or f.kind not in (AMOUNT, COUNT, PERCENT) or f.canonical not in by_label:
            continue
        if report_year is not None and f.year not in (None, report_year):
            continue
        rows = [t for t in by_label[f.canonical] if t.kind == f.kind]
        if not rows:
            continue
        if any(_agree(f.value, f.tolerance, t.value, t.tolerance) for t in rows):
            continue
        preferred = [t for t in rows if t.phase == f.phase] or rows
        t = preferred[0]
        slip = _unit_slip(f, f.value, t.value, f.tolerance + t.tolerance)
        shown = f.shown(t.value)
        findings.append(ReportFinding(
            "unit" if slip else "table", f.sentence, f.text, shown,
            f"{f.canonical}文中为{f.text}，表中（{t.where}）为{shown}"
            + (f"，疑将单位“{slip}”误写为“{f.unit}”。" if slip else "，两者不一致。")))
    return findings


def _by_sentence(figures: list[Figure]) -> dict[int, list[Figure]]:
    """Figures grouped by sentence, in order (looked up per sentence instead of scanning all figures each time)."""
    out: dict[int, list[Figure]] = {}
    for f in figures:
        out.setdefault(f.sentence_index, []).append(f)
    return out


def check_report(text: str, tables: list[TableValue] | None = None) -> ReportCheck:
    """All figures of a report's prose and every disagreement found among them and with the tables."""
    sentences = split_sentences(text)
    figures = extract_figures(text)
    totals = _breakdown_totals(figures, sentences)
    findings = check_breakdowns(figures, sentences)
    findings += check_shares(figures, totals)
    findings += check_repeats(figures)
    stated = {(x.sentence, x.stated) for x in findings}   # a set: figures × findings was quadratic on long texts
    flagged = {(f.sentence_index, f.start) for f in figures if (f.sentence, f.text) in stated}
    findings += check_unit_siblings(figures, flagged)
    findings += check_years(figures, sentences)
    if tables:
        findings += check_against_tables(figures, tables)
    return ReportCheck(figures, _unique(findings))


def _unique(findings: list[ReportFinding]) -> list[ReportFinding]:
    seen, out = set(), []
    for f in findings:
        key = (f.kind, f.sentence, f.stated)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
