"""The standard item list of statistics forms and the roles of their columns ([stat_form] of returns.toml): what an
item label means (by meaning, not by spelling: numbering, 其中, brackets, traditional characters folded) and which
column is 本月 / 本年累计 / 上年同期 / 增减."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from decimal import Decimal

from toolkit.base.money import parse_amount
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text, compact
from toolkit.budget.labels import parse_label
from toolkit.monthly.rules import returns_rules

MONTH, CUMULATIVE, LAST_MONTH, LAST_CUMULATIVE, CHANGE = "本月", "本年累计", "上年同期本月", "上年同期累计", "增减"
SUMMED = (MONTH, CUMULATIVE)
CHECKED_ROLES = (MONTH, CUMULATIVE, LAST_MONTH, LAST_CUMULATIVE)    # columns whose parts add up
CUSTOM = "~"     # key prefix of an item that is not in the standard list
BRACKETS = re.compile(r"[（(\[【〔][^）)\]】〕]*[）)\]】〕]")


@dataclass(frozen=True)
class StatItem:
    key: str
    name: str                 # the label printed in the standard form
    parent: str | None
    unit: str                 # 件 | 人次 | 元
    parts: str | None         # partition | subset | overlap (how this item's parts relate to it)
    level: int

    @property
    def plain(self) -> str:
        """The name without numbering or 其中 ("1.刑事案件" → "刑事案件")."""
        return parse_label(self.name).name


@dataclass(frozen=True)
class StatVocabulary:
    items: tuple[StatItem, ...]
    index: dict            # match key -> tuple of item keys
    by_key: dict
    roles: dict            # match key -> role
    role_words: tuple      # ((role, (words…)), …)
    role_patterns: tuple   # ((role, compiled), …)
    traditional: dict
    title_words: tuple
    station_labels: tuple
    station_noise: tuple
    sheet: str
    title: str
    consolidated_title: str
    item_sheet: str
    value_units: tuple = ()   # count units a figure may carry as text ("12件", "140人次"): dropped before reading

    def with_user_items(self, user: dict[str, str]) -> tuple["StatVocabulary", list[str]]:
        """A copy that also knows a centre's own item names ({their item: standard item}); unknown targets listed."""
        if not user:
            return self, []
        index = dict(self.index)
        unknown = []
        for theirs, target in user.items():
            keys = self.index.get(self.key_of(target)) or ((target,) if target in self.by_key else None)
            if not keys:
                unknown.append(f"“{theirs}”→“{target}”")
                continue
            index[self.key_of(theirs)] = keys[:1]
        return dataclasses.replace(self, index=index), unknown

    def key_of(self, text) -> str:
        """Match form of an item label: no numbering, 其中, brackets, spaces; full-width and traditional folded."""
        t = clean_text(text).translate(self.traditional)
        name = parse_label(t).name
        name = BRACKETS.sub("", name).replace("其中", "").strip("：:、,，.。 ")
        return compact(name)


@lru_cache(maxsize=1)
def stat_vocabulary() -> StatVocabulary:
    """The shipped statistics-form vocabulary ([stat_form] of returns.toml)."""
    spec = returns_rules()["stat_form"]
    pairs = re.sub(r"\s", "", spec["traditional"]["pairs"])
    traditional = str.maketrans(pairs[0::2], pairs[1::2])
    items, by_key = [], {}
    for raw in spec["items"]:
        parent = raw.get("parent")
        level = by_key[parent].level + 1 if parent else 0
        item = StatItem(raw["key"], raw["name"], parent, raw.get("unit", "件"), raw.get("parts"), level)
        items.append(item)
        by_key[item.key] = item
    vocab = StatVocabulary(tuple(items), {}, by_key, {}, (), (), traditional, tuple(spec["title_words"]),
                           tuple(spec["station_labels"]), tuple(spec["station_noise"]), spec["sheet"], spec["title"],
                           spec["consolidated_title"], spec["item_sheet"])
    index: dict[str, tuple] = {}
    for item in items:
        for name in [item.name, item.key, *next(r for r in spec["items"] if r["key"] == item.key).get("aliases", [])]:
            k = vocab.key_of(name)
            if k and item.key not in index.get(k, ()):
                index[k] = index.get(k, ()) + (item.key,)
    roles = {}
    for role, names in spec["columns"].items():
        for name in names:
            roles[compact(clean_text(name).translate(traditional))] = role
    words = tuple((role, tuple(ws)) for role, ws in spec["column_words"].items())
    patterns = tuple((role, re.compile(p)) for role, p in spec["column_patterns"].items())
    return dataclasses.replace(vocab, index=index, roles=roles, role_words=words, role_patterns=patterns,
                               value_units=tuple(sorted(spec.get("value_units", []), key=len, reverse=True)))


_MONEY_TEXT = re.compile(r"^[\d+\-.,(（零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億点]"
                         r".*(元|圆|万|千元)(整|正)?[)）]?$")
_BLANK_TEXTS = {"-", "—", "--", "/", "无", "空"}


def money_texts(vocab: StatVocabulary, sheet: RawSheet) -> tuple[RawSheet, dict[tuple[int, int], Decimal]]:
    """The sheet with money written as text with its unit ("3.5万元", "35,000元", "3.5 万", "叁万伍仟元") as plain
    numbers in 元, and {(row, col): amount in 元} of those cells: their unit is the cell's own, not the label's.
    Read by the project's one money parser (toolkit.base.money.parse_amount)."""
    explicit, rows = {}, None
    for r, row in enumerate(sheet.rows):
        for c, v in enumerate(row):
            if not isinstance(v, str):
                continue
            text = clean_text(v).translate(vocab.traditional)
            if not _MONEY_TEXT.match(text):
                continue
            try:
                amount = parse_amount(text)
            except ValueError:
                continue
            if amount is None:
                continue
            # 3.5万 is 35000 元 (not 35000.0), 1.23456万 is 12345.6 元
            amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
            if rows is None:
                rows = [list(x) for x in sheet.rows]
            rows[r][c] = str(amount)
            explicit[(r, c)] = amount
    return (dataclasses.replace(sheet, rows=rows) if rows is not None else sheet), explicit


def count_text(vocab: StatVocabulary, text: str) -> Decimal | None:
    """A figure written in words or with a count unit ("十二件", "一百二十人次", "12 件"): the number; None when the text
    is blank-like ("-", "无"); ValueError when it is no figure."""
    t = compact(text)
    if t in _BLANK_TEXTS:
        return None
    for unit in vocab.value_units:
        if t.endswith(unit) and len(t) > len(unit):
            t = t[: -len(unit)]
            break
    amount = parse_amount(t)      # digits, 1,234, full-width, Chinese numerals
    if amount is None:
        raise ValueError(text)
    return amount


def without_units(vocab: StatVocabulary, sheet: RawSheet) -> tuple[RawSheet, int]:
    """The sheet with figures written with a count unit ("12件", "140 人次") as plain numbers, and how many."""
    if not vocab.value_units:
        return sheet, 0
    # unsigned: "+2件" in a 增减 column is a change, not a figure
    pattern = re.compile(r"^\s*(\d[\d,，]*(?:\.\d+)?)\s*(?:" + "|".join(map(re.escape, vocab.value_units)) + r")\s*$")
    changed, rows = 0, []
    for row in sheet.rows:
        out = list(row)
        for c, v in enumerate(row):
            if isinstance(v, str):
                m = pattern.match(clean_text(v))
                if m:
                    out[c] = m.group(1).replace("，", ",")
                    changed += 1
        rows.append(out)
    return (dataclasses.replace(sheet, rows=rows), changed) if changed else (sheet, 0)


def header_role(vocab: StatVocabulary, text) -> str | None:
    """本月 | 本年累计 | 上年同期 | 增减 for one header line, or None."""
    if text is None or isinstance(text, (int, float)):
        return None
    t = compact(clean_text(text).translate(vocab.traditional))
    t = BRACKETS.sub("", t) or t
    if not t:
        return None
    if t in vocab.roles:
        return vocab.roles[t]
    for role, pattern in vocab.role_patterns:
        if pattern.search(t):
            return role
    if len(t) <= 12:
        for role, words in vocab.role_words:
            if any(w in t for w in words):
                return role
    return None


def column_role(vocab: StatVocabulary, lines) -> str | None:
    """The role of a column from its header lines (top to bottom): 上年同期 over 本月/本年累计 → 上年同期本月…"""
    roles = [r for r in (header_role(vocab, t) for t in lines) if r]
    if not roles:
        return None
    if "增减" in roles:
        return CHANGE
    last = roles[-1]
    if "上年同期" in roles:
        return LAST_CUMULATIVE if CUMULATIVE in roles else LAST_MONTH
    return last if last in (MONTH, CUMULATIVE) else None
