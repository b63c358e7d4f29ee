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

from toolkit.money import chinese_integer as money_chinese_integer

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
    """一千零二十 → 1020; 二〇二三 → 2023 (toolkit.money.chinese_integer, mode "auto")."""
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
        """How a message names it: as written, or corrected with what was written."""
        return f"{self.text}（原文“{self.written}”，按更正后的单位计）" if self.written else self.text

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


def _raw_figures(sentence: str, index: int) -> list[Figure]:
    figures = []
    item_words = vocabulary()["items"]["year_item_words"]
    for m in _figure_pattern().finditer(sentence):
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
            if any(w in clause for w in ("本年", "今年", "全年", "当年")):
                year = None
            figures.append(Figure(fig.kind, fig.value, fig.tolerance, fig.text, fig.unit, sentence, index, fig.start,
                                  fig.end, label=label, canonical=canonical_label(label) if label else "",
                                  qualifier=qualifier, phase=phase, year=year, depth=_depth_at(sentence, fig.start),
                                  offset=offset, approx=approx))
            previous_end = fig.end
    return _resolve_scopes(_resolve_years(figures))


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


# ---------------------------------------------------------------- findings

@dataclass(frozen=True)
class ReportFinding:
    """A figure in the prose that disagrees with another figure or a table."""

    kind: str        # breakdown | share | repeat | unit | year | table | change | approx | structure
    sentence: str
    stated: str
    expected: str
    message: str     # Simplified Chinese
    at: int = field(default=0, compare=False)        # offset in the text (findings are listed in text order)
    fixes: tuple = field(default=(), compare=False)  # ((figure key, value it should have), ...)
    cause: int | None = field(default=None, compare=False)  # offset of the finding this one follows from

    def to_dict(self) -> dict:
        return {"kind": self.kind, "sentence": self.sentence, "stated": self.stated, "expected": self.expected,
                "message": self.message}


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


def _in_unit(fig: Figure, unit: str) -> Figure:
    """The figure read in another money unit (a unit slip corrected)."""
    factor = MONEY_FACTOR[unit] / MONEY_FACTOR[fig.unit]
    number = format_decimal(fig.value / MONEY_FACTOR[fig.unit], fig.decimals)
    return replace(fig, value=fig.value * factor, tolerance=fig.tolerance * factor, unit=unit,
                   text=f"{number}{unit}", written=fig.written or fig.text)


# ---------------------------------------------------------------- 其中 lists

@dataclass
class ListOf:
    """A "其中" list: its total and parts (a list may run on into the next sentences)."""

    total: Figure
    parts: list[Figure]
    incomplete: bool     # ends in 等
    overlapping: bool    # groups that overlap (农民工, 老年人 …): each part only ≤ total


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
        marks = [m.start() for m in re.finditer("其中", sentence)]
        subs = _sub_spans(sentence)
        for n, pos in enumerate(marks):
            depth = _depth_at(sentence, pos)
            before = [f for f in figs if f.end <= pos and f.depth <= depth and f.qualifier not in ("delta", "range")]
            if not before and index > 0 and sentence.startswith("其中"):
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
            parts = [f for f in figs if pos < f.start < stop and f.depth == depth and _same_family(f, total)
                     and f.qualifier not in ("delta", "range") and not _in_spans(f, subs)]
            if next_list and parts:  # the figure just before the next 其中 is that list's total
                parts = parts[:-1]
            cut = [i for i, p in enumerate(parts) if any(w in p.label for w in ("合计", "总计", "总额", "共计"))]
            if cut:
                parts = parts[:cut[0]]
            if not parts:
                continue
            incomplete = any(sentence[stop - 2:stop + 1].find(w) >= 0 or sentence[pos:stop].rstrip("。；;，,")
                             .endswith(w) for w in vocab["words"]["incomplete_marks"])
            if depth == 0 and not next_list and not incomplete:
                parts += _continued_parts(total, parts, by_sentence, sentences, index)
            overlap = any(p.label in overlapping or p.canonical in overlapping for p in parts)
            out.append(ListOf(total, parts, incomplete, overlap or len(parts) == 1))
    return out


def _continued_parts(total: Figure, parts: list[Figure], by_sentence, sentences, index) -> list[Figure]:
    """A list that falls short of its total and whose next sentences start with a sibling ("…其中：A…。主要包括…。
    B…"): those siblings are further parts."""
    more: list[Figure] = []
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
            continue
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
        findings.extend(_check_one_breakdown(lst, figures))
    return findings


def _check_one_breakdown(lst: ListOf, figures: list[Figure]) -> list[ReportFinding]:
    total, parts = lst.total, lst.parts
    if lst.overlapping:
        out = []
        for p in parts:
            if p.value > total.value + p.tolerance + total.tolerance:
                slip = _unit_slip(p, p.value, total.value, p.tolerance + total.tolerance)
                out.append(_finding(
                    "unit" if slip else "breakdown", p, f"不超过{total.text}",
                    f"“其中”{p.label or '分项'}{p.said}大于合计{total.label or ''}{total.said}，分项不可能超过合计"
                    + (f"；疑将单位“{slip}”误写为“{p.unit}”。" if slip else "。")))
        return out
    total_sum = sum((p.value for p in parts), Decimal(0))
    tolerance = sum((p.tolerance for p in parts), Decimal(0))
    if _agree(total_sum, tolerance, total.value, total.tolerance):
        return []
    listed = "、".join(f"{p.label}{p.said}" for p in parts)
    for p in parts:
        slip = _unit_slip(p, total_sum, total.value, total.tolerance + tolerance)
        if slip:
            right = _in_unit(p, slip)
            return [_finding("unit", p, right.text,
                             f"{p.label or '分项'}写作{p.text}，与同句其他金额相差约一万倍；按{slip}计，"
                             f"分项之和才等于合计{total.said}，疑单位误写。", ((p.key, right.value),))]
    if total_sum < total.value and lst.incomplete:
        return []
    # a part that disagrees with its own share while the rest fits: that part is the slip
    for p in parts:
        pct = _share_after(p, figures)
        rest = total.value - (total_sum - p.value)
        if pct is None or rest <= 0 or p.value == 0:
            continue
        allowed = pct.tolerance * total.value / 100 + total.tolerance + tolerance
        if abs(rest - total.value * pct.value / 100) <= allowed and \
                abs(p.value - total.value * pct.value / 100) > allowed:
            return [_finding("breakdown", p, p.shown(rest),
                             f"{p.label or '分项'}写作{p.said}，与其占比{pct.text}不符，且使“其中”所列分项（{listed}）"
                             f"之和与合计{total.said}相差{total.shown(abs(total.value - total_sum))}；"
                             f"按合计和占比应为{p.shown(rest)}。", ((p.key, rest),))]
    decimals = max([total.decimals] + [p.decimals for p in parts if p.unit == total.unit])
    expected = total.shown(total_sum, decimals)
    if total_sum > total.value:
        message = (f"“其中”所列分项（{listed}）之和为{expected}，大于{total.label or '合计'}{total.said}，"
                   f"分项之和不应超过合计。")
    else:
        message = (f"“其中”所列分项（{listed}）之和为{expected}，与{total.label or '合计'}{total.said}不符"
                   f"（相差{total.shown(total.value - total_sum, decimals)}）；如有未列出的分项请补全或写明“等”。")
    return [_finding("breakdown", total, expected, message, ((total.key, total_sum),))]


# ---------------------------------------------------------------- shares

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


def check_shares(figures: list[Figure], lists: list[ListOf]) -> list[ReportFinding]:
    """"占 x%": x equals part / whole for the whole named (or, unnamed, the total of the list the part is in); a whole
    neither named nor stated is derived from the other shares of the same sentence."""
    vocab = vocabulary()
    totals = {p.key: lst for lst in lists for p in lst.parts}
    findings = []
    unbased: dict[tuple, list[tuple[Figure, Figure]]] = {}
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
        same_sentence = [f for f in figures if f.sentence_index == pct.sentence_index and f.start < pct.start
                         and f.kind in (AMOUNT, COUNT) and f.plain]
        if part_name:
            canonical = canonical_label(part_name)
            candidates = [f for k in (AMOUNT, COUNT) for f in _find_by_label(figures, canonical, k, pct)]
            part = candidates[0] if candidates else None
        else:
            part = same_sentence[-1] if same_sentence else None
        if part is None:
            continue
        lst = totals.get(part.key)
        if base_name:
            wholes = [f for f in _find_by_label(figures, canonical_label(base_name), part.kind, pct)
                      if _same_family(f, part) and f is not part]
            if not wholes and lst is not None:
                wholes = [lst.total]
            description = f"“{base_name}”"
        else:
            wholes = [lst.total] if lst is not None else []
            description = "所在“其中”列表的合计"
        if wholes:
            findings.extend(_judge_share(pct, part, wholes, description, lst=lst))
        elif part.kind == AMOUNT or part.kind == COUNT:
            unbased.setdefault((base_name or f"#{pct.sentence_index}", part.kind, part.unit if part.kind == COUNT
                                else ""), []).append((pct, part))
    for pairs in unbased.values():
        findings.extend(_derived_shares(pairs))
    return findings


def _judge_share(pct: Figure, part: Figure, wholes: list[Figure], description: str,
                 lead: str = "", lst: ListOf | None = None) -> list[ReportFinding]:
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
            if abs(share - pct.value) <= pct.tolerance:
                return []
            tried.append(f"{part.canonical or '分项'}{part.said}÷所列分项之和{lst.total.shown(listed)}＝"
                         f"{format_decimal(share, pct.decimals)}%")
            description += "、所列分项之和"
    return [_finding("share", pct, _percent_text(part, fitting[0], pct.decimals),
                     f"{lead or (part.canonical or '该项') + '的占比'}写作{pct.text}，与计算不符"
                     f"（部分不会超过100%）。已试的基数（{description}）：{'；'.join(tried)}。"
                     if pct.value > 100 else
                     f"{lead or (part.canonical or '该项') + '的占比'}写作{pct.text}，与计算不符。"
                     f"已试的基数（{description}）：{'；'.join(tried)}。",
                     ((pct.key, part.value / fitting[0].value * 100),))]


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

    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.kind in (YEAR, POINTS) or f.qualifier not in ("", "approx") or len(f.canonical) < 2 or "占" in f.label:
            continue
        groups.setdefault((f.kind, f.canonical, f.year, f.phase, f.unit if f.kind == COUNT else ""), []).append(f)
    findings = []
    for (_, label, year, _, _), figs in groups.items():
        plain = [f for f in figs if f.plain]
        if not plain:
            continue
        first = plain[0]
        for other in figs:
            if other is first or (other.scope and first.scope and other.scope != first.scope) \
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
            findings.append(_finding(
                "repeat", other, first.text,
                f"{label}在报告中前后不一致：前文（“{first.sentence}”）为{first.said}，此处为{other.said}。",
                ((other.key, first.value),)))
    return findings


# ---------------------------------------------------------------- unit slips (found first, then corrected)

def _sibling_slips(figures: list[Figure]) -> list[tuple[Figure, str, list[Figure]]]:
    """An amount in 元 among 万元 siblings (or the reverse) that is about 10⁴ times off them: (figure, unit, others)."""
    out = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        if f.kind == AMOUNT and f.value > 0 and f.qualifier != "range":
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
    return out


def correct_units(figures: list[Figure], tables: list[TableValue]) -> tuple[list[ReportFinding], list[Figure]]:
    """Unit slips (元 ↔ 万元) found among siblings, against the same figure stated elsewhere or in a table; every other
    check then uses the corrected value (and says so)."""
    findings, fixed = [], {}
    for f, unit, others in _sibling_slips(figures):
        right = _in_unit(f, unit)
        fixed[f.key] = right
        findings.append(_finding(
            "unit", f, right.text, f"{f.label or '该金额'}写作{f.text}，与同句其他金额（{'、'.join(g.text for g in others)}）"
            f"数量级相差约一万倍，疑应为“{right.text}”；以下各项核对均按{right.text}计。"))
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        if f.kind == AMOUNT and f.plain and len(f.canonical) >= 2 and f.key not in fixed and "占" not in f.label:
            groups.setdefault((f.canonical, f.year, f.phase, f.scope), []).append(f)
    for (label, _, _, _), figs in groups.items():
        first = figs[0]
        for other in figs[1:]:
            slip = _unit_slip(other, other.value, first.value, other.tolerance + first.tolerance)
            if slip and not _figures_agree(first, other):
                right = _in_unit(other, slip)
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
        slip = _unit_slip(f, f.value, t.value, f.tolerance + t.tolerance)
        if slip:
            right = _in_unit(f, slip)
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


# ---------------------------------------------------------------- changes against last year

def check_changes(figures: list[Figure]) -> list[ReportFinding]:  # noqa: C901
    """"X，较上年增加D，增长R%": R = D ÷ (X − D) (not D ÷ X, the classic slip), and D = X − the previous year's
    figure when the text states it ("上年为P")."""
    items = vocabulary()["items"]
    findings = []
    by_sentence: dict[int, list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    for figs in by_sentence.values():
        for i, d in enumerate(figs):
            if d.qualifier != "delta" or d.kind not in (AMOUNT, COUNT):
                continue
            clause = d.sentence[_clause_start(d.sentence, d.start):d.start]
            verb = [w for w in items["change_up"] + items["change_down"] if clause.endswith(w) or
                    re.search(re.escape(w) + r"了?$", clause)]
            previous = [f for f in figs if _same_family(f, d) and f is not d and any(
                w in f.sentence[_clause_start(f.sentence, f.start):f.start] for w in items["previous_year"])
                and not any(w in f.sentence[_clause_start(f.sentence, f.start):f.start]
                            for w in items["change_up"] + items["change_down"])]
            if not verb or not (previous or any(w in clause for w in vocabulary()["words"]["compare_with"] + ["同比"])):
                continue
            sign = -1 if verb[0] in items["change_down"] else 1
            levels = [f for f in figs[:i] if f.plain and _same_family(f, d) and f not in previous]
            if not levels:   # "支出合计较上年的…增加…": the level is the one stated elsewhere under that label
                head = d.sentence[:d.start]
                cut = min([head.find(w) for w in vocabulary()["words"]["compare_with"] if w in head] or [-1])
                name = canonical_label(normalize_label(head[_clause_start(head, cut):cut])) if cut > 0 else ""
                levels = sorted([f for f in _find_by_label(figures, name, d.kind, d) if _same_family(f, d)
                                 and f.sentence_index != d.sentence_index], key=lambda f: f.tolerance)[:1] if name else []
            if not levels:
                continue
            current = levels[-1]
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
            span = (d.tolerance + current.tolerance) * 100 / before + d.value * 100 * (
                d.tolerance + current.tolerance) / (before * before)
            if abs(expected - rate.value) <= rate.tolerance + span:
                continue
            shown = f"{format_decimal(expected, rate.decimals)}%"
            on_current = d.value / current.value * 100
            if abs(on_current - rate.value) <= rate.tolerance + span:
                message = (f"变动率写作{rate.text}，是用变动额{d.said}除以本年数{current.said}算得；变动率应以上年数"
                           f"（{current.shown(before)} = {current.said}{'−' if sign > 0 else '＋'}{d.said}）为基数，"
                           f"应为{shown}。")
            else:
                message = (f"变动率写作{rate.text}，与变动额不符：上年数为{current.shown(before)}（{current.said}"
                           f"{'−' if sign > 0 else '＋'}{d.said}），{d.said}÷{current.shown(before)}＝{shown}。")
            findings.append(_finding("change", rate, shown, message, ((rate.key, expected),)))
    return findings


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


def _table_shown(f: Figure, t: TableValue) -> str:
    """A table value written in the prose figure's unit, with the table's own decimals (230.70, not 231)."""
    if f.kind != AMOUNT or t.decimals is None or t.unit not in MONEY_FACTOR:
        return f.shown(t.value)
    decimals = t.decimals + (len(str(MONEY_FACTOR[f.unit]).rstrip("0")) - len(str(MONEY_FACTOR[t.unit]).rstrip("0"))
                             if False else 0)
    if f.unit != t.unit:
        shift = (MONEY_FACTOR[f.unit] / MONEY_FACTOR[t.unit]).log10()
        decimals = max(0, t.decimals + int(shift))
    return f.shown(t.value, max(decimals, f.decimals) if f.unit != t.unit else decimals)


def check_against_tables(figures: list[Figure], tables: list[TableValue]) -> list[ReportFinding]:
    """Each prose figure whose label names a table row agrees with that row (in the column of the same phase); a count
    with several bases (口径) agrees with any of them, and the finding names each basis."""
    by_label: dict[str, list[TableValue]] = {}
    for t in tables:
        by_label.setdefault(t.label, []).append(t)
    report_year = report_year_of(figures)
    findings = []
    for f in figures:
        if f.qualifier not in ("", "approx") or f.kind not in (AMOUNT, COUNT, PERCENT) or f.canonical not in by_label:
            continue
        if report_year is not None and f.year not in (None, report_year):
            continue
        rows = [t for t in by_label[f.canonical] if t.kind == f.kind]
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

PRIORITY = ["unit", "structure", "table", "breakdown", "change", "repeat", "share", "approx", "year"]


def _run_checks(figures: list[Figure], sentences: list[str], tables: list[TableValue]) -> list[ReportFinding]:
    lists = find_lists(figures, sentences)
    findings = check_breakdowns(lists, figures)
    findings += check_shares(figures, lists)
    findings += check_repeats(figures, tables)
    findings += check_changes(figures)
    findings += check_years(figures, sentences)
    if tables:
        findings += check_against_tables(figures, tables)
    return _unique(findings)


def check_report(text: str, tables: list[TableValue] | None = None) -> ReportCheck:
    """All figures of a report's prose (and of the tables pasted into it) and every disagreement found among them and
    with the tables, in text order; a finding that only follows from another is folded into it."""
    from toolkit.report_tables import check_text_tables
    tables = list(tables or [])
    folded = fold_forms(text)
    spans = sentence_spans(folded)
    sentences = [s for _, s in spans]
    figures = extract_figures(text)
    table_findings, pasted = check_text_tables(folded)
    unit_findings, corrected = correct_units(figures, tables + pasted)
    findings = _run_checks(corrected, sentences, tables + pasted)
    findings = _fold(unit_findings + table_findings + findings, corrected, sentences, tables + pasted)
    originals = {s: text[o:o + len(s)] for o, s in spans}
    findings = [replace(f, sentence=originals.get(f.sentence, f.sentence),
                        stated=text[f.at:f.at + len(f.stated)] if folded[f.at:f.at + len(f.stated)] == f.stated
                        else f.stated) for f in findings]
    return ReportCheck(figures, sorted(findings, key=lambda f: f.at))


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
        key = (f.kind, f.sentence, f.stated)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
