"""The figures of a report's text: amounts (元/万元/亿元), percentages, counts and years, each with its sentence, label,
precision and wording (approximate, a bound, a change, a range), and the finding / table-value types the checks use.

Pure core. Every figure keeps the precision it was written with, so a comparison allows exactly the rounding the writer
could have done (half a unit of the last shown decimal on each side).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from toolkit.base.findings import ERROR, SEVERITY_LABEL
from toolkit.base.money import chinese_integer as money_chinese_integer, round_half_up

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
_CN_BIG = {"万": 10000, "亿": 100000000}
# traditional and full-width forms read as their simplified / half-width forms (one character for one: offsets hold)
_FOLD = str.maketrans("０１２３４５６７８９．％萬億佔點〜", "0123456789.%万亿占点～")
_FULLWIDTH = _FOLD


def chinese_integer(text: str) -> int:
    """一千零二十 → 1020; 二〇二三 → 2023 (toolkit.base.money.chinese_integer, mode "auto")."""
    return money_chinese_integer(text, "auto")


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
    qualifier: str = ""  # "approx" | "bound" | "delta" | "range" | ""
    phase: str = ACTUAL  # BUDGET or ACTUAL
    year: int | None = None   # the year the figure belongs to (None: the report's year)
    depth: int = 0       # bracket depth in its sentence
    offset: int = 0      # offset of its sentence in the text (for ordering findings)
    approx: tuple = (0, 0)    # an approximate figure: how far below / above (percent) the exact one may be
    written: str = ""    # the text as written when a unit slip was corrected ("161.79元" read as 161.79万元)
    scope: str = ""      # the whole a share of this figure is taken of ("基本支出"): one label, two scopes
    group: tuple = ()    # a "分别为" list it is one figure of: (sentence index, offset of 分别)
    of: tuple = ()       # a share in a "分别占" list: the key of the figure it is a share of
    base: str = ""       # …and the whole named after 占 ("支出合计"), if any
    sums: tuple = ()     # the total written after a "分别为" list ("，共计T"): that list's group
    named_by: str = ""   # a label inferred, not written ("共计" after 基本支出、项目支出 is 支出合计): from what
    fund: str = ""       # a part of a total of one fund ("财政拨款支出…，其中基本支出…"): not the department's 基本支出

    @property
    def plain(self) -> bool:
        """A level stated plainly: not approximate, not a bound, not a change."""
        return not self.qualifier

    @property
    def at(self) -> int:
        return self.offset + self.start

    @property
    def key(self) -> tuple[int, int]:
        return self.sentence_index, self.start

    def bounds(self) -> tuple[Decimal, Decimal]:
        """The values this figure allows: its rounding, widened by the wording of an approximate figure."""
        below, above = self.approx
        return (self.value * (100 - Decimal(below)) / 100 - self.tolerance,
                self.value * (100 + Decimal(above)) / 100 + self.tolerance)

    def allows(self, value: Decimal, tolerance: Decimal = Decimal(0)) -> bool:
        low, high = self.bounds()
        return low - tolerance <= value <= high + tolerance

    @property
    def said(self) -> str:
        """How a message names it: as written, or corrected with what was written (a bare number of "300、700件"
        with the unit it shares)."""
        if self.written:
            return f"{self.text}（原文“{self.written}”，按更正后的单位计）"
        if self.kind in (AMOUNT, COUNT) and not self.text.endswith(self.unit):
            return self.shown()
        return self.text

    def shown(self, value: Decimal | None = None, decimals: int | None = None) -> str:
        """A value (default: this figure's) written in this figure's unit and decimals (or the decimals given)."""
        value = self.value if value is None else value
        decimals = self.decimals if decimals is None else decimals
        grouped = "," in self.text  # write thousands separators only where the writer did
        if self.kind == AMOUNT:
            return f"{format_decimal(value / MONEY_FACTOR[self.unit], decimals, grouped)}{self.unit}"
        if self.kind == PERCENT:
            return f"{format_decimal(value, decimals)}%"
        return f"{format_decimal(value, decimals, grouped)}{self.unit}"

    @property
    def decimals(self) -> int:
        factor = MONEY_FACTOR[self.unit] if self.kind == AMOUNT else Decimal(1)
        if self.tolerance == 0:
            return 0
        return max(0, -(self.tolerance * 2 / factor).normalize().as_tuple().exponent)


def format_decimal(value: Decimal, decimals: int, grouped: bool = True) -> str:
    """Round half up to the given decimals, with thousands separators in the integer part (if grouped)."""
    rounded = round_half_up(value, decimals)
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


def fold_forms(text: str) -> str:
    """萬元 → 万元, 佔 → 占, ％ → %, full-width digits → digits: one character for one, so offsets still hold."""
    return text.translate(_FOLD)


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(offset, sentence): ended by 。！？ or a line break; empty ones dropped."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            piece = text[start:i + 1]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((start + lead, piece.strip()))
            start = i + 1
    piece = text[start:]
    if piece.strip():
        out.append((start + len(piece) - len(piece.lstrip()), piece.strip()))
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences: ended by 。！？ or a line break; empty ones dropped."""
    return [s for _, s in sentence_spans(text)]


def _has_cn_digit(text: str) -> bool:
    return any(ch in _CN_DIGITS for ch in text) or text.startswith("十")


def _matches(sentence: str):
    """The figure pattern's matches; in "4003.07,266.33万元" (two numbers, an ASCII comma after the decimals) the
    match "07,266.33万元" starts inside the first number: the figure is the one after the comma."""
    for m in _figure_pattern().finditer(sentence):
        start = m.start()
        if start > 0 and sentence[start - 1] in ".．" and "," in m.group(0):
            inner = _figure_pattern().match(sentence, start + m.group(0).index(",") + 1)
            if inner:
                yield inner
            continue
        yield m


def _raw_figures(sentence: str, index: int) -> list[Figure]:
    figures = []
    item_words = vocabulary()["items"]["year_item_words"]
    for m in _matches(sentence):
        start, end = m.span()
        if start > 0 and (sentence[start - 1].isdigit() or sentence[start - 1] in "第.．"):
            continue
        if m.group("year"):
            word = m.group("year")
            after = end + 1 + (sentence[end + 1:end + 2] == "度")  # "2023年度": 度 is not part of the label
            if any(sentence[after:].startswith(w) for w in item_words):
                continue  # "2016年结转": the year names the item, it is not the data's year
            value = Decimal(word) if word.isdigit() else Decimal(money_chinese_integer(word, "digits"))
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
        half = Decimal(5).scaleb(-decimals - 1) if value or decimals else Decimal(0)   # "0万元": nothing at all
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
    suffixes = sorted(words["label_suffixes"] + list(vocabulary()["approx"]), key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for prefix in sorted(words["label_prefixes"], key=len, reverse=True):
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
                break
        for suffix in suffixes:
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


_RANGE_END = r"(?:[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)\s*(?:万|亿|千)?(?:元|%|件|人次|人)?(?:/\S)?\s*"


def _in_range(sentence: str, fig: Figure) -> bool:
    """The upper end of "800-1500元" / "800元至1500元", or the lower end of "800元至1500元" / "1800元-2000元/件"."""
    marks = "|".join(map(re.escape, vocabulary()["items"]["range_marks"]))
    if re.search(rf"[0-9]\s*(?:万|亿|千)?(?:元|%|件|人次|人)?\s*(?:{marks})\s*$", sentence[:fig.start]):
        return True
    return bool(re.match(rf"\s*(?:/[件人次天日]+)?\s*(?:{marks})\s*{_RANGE_END}", sentence[fig.end:])
                and re.match(rf"\s*(?:/[件人次天日]+)?\s*(?:{marks})\s*[0-9]", sentence[fig.end:]))


def _approx_of(before: str, after: str, in_figure: bool) -> tuple[int, int]:
    """(below, above) percent an approximate figure allows, from the words around it ("近…余" combine)."""
    table = vocabulary()["approx"]
    below = above = 0
    words = [w for w in table if before.endswith(w) or after.startswith(w)]
    if in_figure:
        words.append("余")
    for w in words:
        below, above = max(below, table[w][0]), max(above, table[w][1])
    return below, above


def extract_figures(text: str) -> list[Figure]:
    """Every amount, percentage, count and year in the text, with its sentence, label and qualifiers."""
    words = vocabulary()["words"]
    figures: list[Figure] = []
    for index, (offset, sentence) in enumerate(sentence_spans(fold_forms(text))):
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
            approx = (0, 0)
            if any(before.endswith(w) for w in words["bound_before"]) or any(w in raw_label for w in
                                                                                ("指标值", "目标值", "目标")):
                qualifier = "bound"
            elif any(before.endswith(w) for w in words["approx_before"]) or any(after.startswith(w) for w in
                                                                                   words["approx_after"]):
                qualifier = qualifier or "approx"
            if qualifier == "approx":
                approx = _approx_of(before, after, fig.qualifier == "approx")
            if not qualifier and fig.kind != YEAR and any(w in clause for w in words["delta"]):
                qualifier = "delta"
            if fig.kind == YEAR:
                figures.append(replace(fig, offset=offset))
                if not _compared_year(sentence, fig):
                    last_year = int(fig.value)
                previous_end = fig.end
                continue
            if qualifier in ("", "approx") and _in_range(sentence, fig):
                qualifier = "range"
            label = normalize_label(re.sub(r"[0-9.,]+\s*(?:万|亿|千)?(?:元|%|件)?\s*[-－—–～~至到]\s*$", "", raw_label))
            upto = sentence[:fig.start]
            phase = ACTUAL
            mark_ends = [upto.rfind(m) + len(m) for m in words["budget_marks"] if m in upto]
            if mark_ends and not any(w in upto[max(mark_ends):] for w in words["actual_marks"]):
                phase = BUDGET  # after "年初预算数…" and before any "执行数/决算…"
            year = last_year
            if any(w in clause for w in ("本年", "今年", "当年")) or ("全年" in clause and last_year is None):
                year = None   # the report's year; "2023年…全年…" is that year's whole year
            figures.append(Figure(fig.kind, fig.value, fig.tolerance, fig.text, fig.unit, sentence, index, fig.start,
                                  fig.end, label=label, canonical=canonical_label(label) if label else "",
                                  qualifier=qualifier, phase=phase, year=year, depth=_depth_at(sentence, fig.start),
                                  offset=offset, approx=approx))
            previous_end = fig.end
    return _resolve_scopes(_resolve_years(figures))


def _compared_year(sentence: str, year: Figure) -> bool:
    """"与2022年相比，支出增加…", "较2022年度增加…": the year compared with, not the year of the figures after it."""
    lead, tail = sentence[:year.start], sentence[year.end:]
    return bool(re.search(r"(?:与|同|和)\s*$", lead) and re.match(r"\s*年?度?(?:相比|相较|比较)", tail)
                or re.search(r"(?:较|比)\s*$", lead) and re.match(r"\s*年?度?(?:增加|减少|增长|下降|提高|降低)", tail))


def _resolve_scopes(figures: list[Figure]) -> list[Figure]:
    """A figure followed in its clause run by "占基本支出的…" is a figure within that whole."""
    out = []
    for i, f in enumerate(figures):
        m = re.match(r"[（(]((?:不|未)?(?:含|包括|计入)[^）)]{1,12})[）)]", f.sentence[f.end:])
        if m and f.kind in (AMOUNT, COUNT):
            f = replace(f, scope=m.group(1))
        nxt = figures[i + 1] if i + 1 < len(figures) else None
        if f.kind in (AMOUNT, COUNT) and nxt is not None and nxt.kind == PERCENT \
                and nxt.sentence_index == f.sentence_index:
            between = f.sentence[f.end:nxt.start]
            m = re.search(r"占(.*?)(?:的)?(?:比例|比重|比)?(?:为|达)?$", between)
            if m and not re.search(r"[；;。]", between):
                base = normalize_label(m.group(1))
                if base:
                    f = replace(f, scope=canonical_label(base))
        out.append(f)
    return out


def _resolve_years(figures: list[Figure]) -> list[Figure]:
    """Give figures without a year of their own the report's year."""
    report_year = report_year_of(figures)
    if report_year is None:
        return figures
    return [f if f.kind == YEAR or f.year is not None else replace(f, year=report_year) for f in figures]


def report_year_of(figures: list[Figure]) -> int | None:
    """The report's own year: the first year the text names (normally in its title)."""
    return next((int(f.value) for f in figures if f.kind == YEAR), None)


# ---------------------------------------------------------------- findings and table values

# What each kind of finding is called where it is listed (the console, the report's check).
KIND_LABEL = {"breakdown": "分项合计不符", "share": "占比不符", "rate": "执行率不符", "repeat": "前后不一致",
              "unit": "单位疑误", "year": "年份或变化方向有误", "table": "与表格不符", "change": "增减额或增减率不符",
              "approx": "约数与准确数不符", "structure": "文中表格合计不符"}


@dataclass(frozen=True)
class ReportFinding:
    """A figure in the prose that disagrees with another figure or a table."""

    kind: str        # breakdown | share | rate | repeat | unit | year | table | change | approx | structure
    sentence: str
    stated: str
    expected: str
    message: str     # Simplified Chinese
    at: int = field(default=0, compare=False)        # offset in the text (findings are listed in text order)
    fixes: tuple = field(default=(), compare=False)  # ((figure key, value it should have), ...)
    cause: int | None = field(default=None, compare=False)  # offset of the finding this one follows from
    severity: str = field(default=ERROR, compare=False)     # WARNING: found through an assumption the message states
    # a sum that does not add up: each single figure that could be the slip, with the value that makes it add up
    # ((total key, sum), (part key, total − other parts), …); check._one_slip keeps the one the rest of the text bears out
    alternatives: tuple = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "severity": SEVERITY_LABEL[self.severity], "sentence": self.sentence,
                "stated": self.stated, "expected": self.expected, "message": self.message}


def _finding(kind: str, fig: Figure, expected: str, message: str, fixes: tuple = ()) -> ReportFinding:
    return ReportFinding(kind, fig.sentence, fig.written or fig.text, expected, message, fig.at, fixes)


@dataclass(frozen=True)
class TableValue:
    """A value from a workbook, under a canonical label, to check prose figures against."""

    label: str          # canonical label
    kind: str           # AMOUNT (元) or COUNT or PERCENT
    value: Decimal
    tolerance: Decimal
    where: str          # "预算表.xlsx “收支决算” 第5行 “全年执行数”列"
    phase: str = ACTUAL
    decimals: int | None = None   # decimals the table shows (in `unit`): an expected value is written so
    unit: str | None = None       # the table's unit (元 / 万元)
    basis: str = ""               # a counting basis (口径), e.g. "案件（按指派日期）": any basis may match
    flagged: int | None = None    # a pasted table's cell in a sum that does not add up: offset of that finding
    year: int | None = None       # a column headed by a year ("2022年"): the value is of that year
    at: int | None = None         # a table in the text: offset of the value's row (its line) in the text …
    cell: str = ""                # … and the cell as written


@dataclass
class ReportCheck:
    figures: list[Figure]
    findings: list[ReportFinding] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"figures": len(self.figures), "findings": [f.to_dict() for f in self.findings]}


def _agree(a: Decimal, ta: Decimal, b: Decimal, tb: Decimal) -> bool:
    return abs(a - b) <= ta + tb


def _figures_agree(a: Figure, b: Figure) -> bool:
    (la, ha), (lb, hb) = a.bounds(), b.bounds()
    return la <= hb and lb <= ha


def _same_family(a: Figure, b: Figure) -> bool:
    return a.kind == b.kind and (a.kind == AMOUNT or a.unit == b.unit)


def _find_by_label(figures: list[Figure], canonical: str, kind: str, near: Figure) -> list[Figure]:
    """Figures with this canonical label: same sentence first (before `near`), then the rest of the text."""
    same = [f for f in figures if f.canonical == canonical and f.kind == kind and f.plain
            and f.sentence_index == near.sentence_index and f.start < near.start]
    others = [f for f in figures if f.canonical == canonical and f.kind == kind and f.plain and f not in same
              and f.year == near.year]
    others.sort(key=lambda f: (f.phase != near.phase, abs(f.sentence_index - near.sentence_index)))
    return list(reversed(same)) + others


def _percent_text(part: Figure, whole: Figure, decimals: int) -> str:
    return f"{format_decimal(part.value / whole.value * 100, decimals)}%"


# ---------------------------------------------------------------- unit slips

_SLIPS = {"元": ["万元"], "万元": ["元", "亿元"], "亿元": ["万元"], "千元": []}


def unit_slip(fig: Figure, wrong: Decimal, right: Decimal, tolerance: Decimal) -> str | None:
    """If writing fig in the unit 10⁴ away (元 ↔ 万元 ↔ 亿元) makes `wrong` equal `right`, name that unit.

    `wrong` is a value containing fig.value, `tolerance` the combined rounding allowance of wrong and right.
    """
    if fig.kind != AMOUNT or fig.value == 0:
        return None
    own = MONEY_FACTOR[fig.unit]
    for unit in _SLIPS[fig.unit]:
        rescaled = fig.value / own * MONEY_FACTOR[unit]
        if rescaled < 1:      # "0.24万元" is no slip for 0.24元: less than one yuan is no amount a report lists
            continue
        if _agree(wrong - fig.value + rescaled, tolerance, right, Decimal(0)):
            return unit
    return None


def in_unit(fig: Figure, unit: str) -> Figure:
    """The figure read in another money unit (a unit slip corrected)."""
    factor = MONEY_FACTOR[unit] / MONEY_FACTOR[fig.unit]
    number = format_decimal(fig.value / MONEY_FACTOR[fig.unit], fig.decimals)
    return replace(fig, value=fig.value * factor, tolerance=fig.tolerance * factor, unit=unit,
                   text=f"{number}{unit}", written=fig.written or fig.text)
