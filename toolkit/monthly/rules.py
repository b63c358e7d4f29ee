"""What toolkit/data/returns.toml says, and the readings of a return built on it that both the case-list and the
statistics-form readers use: the period (标题 / 单元格 / 工作表名 / 文件名: '2023年3月' → '2023-03') and the unit
('单位：万元' → 10000)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text, compact

_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


@lru_cache(maxsize=1)
def returns_rules() -> dict:
    """toolkit/data/returns.toml as a dict."""
    return tomllib.loads(resources.files("toolkit.data").joinpath("returns.toml").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- period and unit


def period_label(period: str) -> str:
    """'2023-03' → '2023年3月'."""
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


@lru_cache(maxsize=1)
def period_patterns() -> tuple:
    return tuple(re.compile(p) for p in returns_rules()["period"]["patterns"])


def find_period(text) -> str | None:
    """The first year-month in a text ('沅江市2023年3月案件统计表' → '2023-03'), or None."""
    if isinstance(text, (dt.date, dt.datetime)):
        return f"{text.year:04d}-{text.month:02d}"
    t = clean_text(text)
    if not t:
        return None
    for pattern in period_patterns():
        m = pattern.search(t)
        if m:
            month_text = m.group("month")
            month = _CN_MONTHS[month_text] if month_text in _CN_MONTHS else int(month_text)
            if 1 <= month <= 12:
                return f"{int(m.group('year')):04d}-{month:02d}"
    return None


@dataclass(frozen=True)
class PeriodDecision:
    period: str | None
    source: str | None                      # 标题 | 单元格 | 工作表名 | 文件名
    candidates: tuple[tuple[str, str, str], ...]  # (source, where, period)

    def disagreement(self) -> str | None:
        distinct = {p for _, _, p in self.candidates}
        if len(distinct) <= 1:
            return None
        seen = "，".join(f"{where}为{period_label(p)}" for _, where, p in self.candidates)
        return f"所属期间不一致：{seen}；采用{self.source}中的{period_label(self.period)}，请核实。"


def decide_period(sources: list[tuple[str, str, object]]) -> PeriodDecision:
    """Pick the period from (source, where, text) candidates in priority order; keep all for the disagreement check."""
    found = []
    taken = set()
    for source, where, text in sources:
        if source in taken:
            continue
        period = find_period(text)
        if period:
            found.append((source, where, period))
            taken.add(source)
    if not found:
        return PeriodDecision(None, None, ())
    return PeriodDecision(found[0][2], found[0][0], tuple(found))


@lru_cache(maxsize=1)
def _period_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rules = returns_rules()["period"]
    return tuple(compact(x) for x in rules["ignore_labels"]), tuple(compact(x) for x in rules["labels"])


def _label_kind(text: str) -> str | None:
    if "期" not in text and "月" not in text:      # every label names a 期间, 月份 or 日期
        return None
    ignore, labels = _period_labels()
    key = compact(text)
    if key.startswith(ignore):
        return "ignore"
    if key.startswith(labels):
        return "label"
    return None


def period_sources_in_rows(sheet: RawSheet, rows, title: bool) -> list[tuple[str, str, object]]:
    """Period candidates from some rows: labelled cells ('填报月份：2023年3月' or a label and the next cell) and,
    above the table, title text."""
    found = []
    for r in rows:
        row = sheet.rows[r]
        consumed = -1
        for c, value in enumerate(row):
            if value is None or c <= consumed:
                continue
            text = clean_text(value) if not isinstance(value, (dt.date, dt.datetime)) else ""
            kind = _label_kind(text) if text else None
            where = f"第{r + 1}行单元格"
            if kind == "ignore":
                continue
            if kind == "label":
                if find_period(text):
                    found.append(("单元格", where, text))
                else:
                    nxt = next(((k, v) for k, v in enumerate(row[c + 1:], c + 1) if v is not None and clean_text(v)),
                               None)
                    if nxt is not None:
                        found.append(("单元格", where, nxt[1]))
                        consumed = nxt[0]
            elif title and text:
                found.append(("标题", "标题", text))
    return found


@lru_cache(maxsize=1)
def _unit_patterns():
    rules = returns_rules()["units"]
    return re.compile(rules["table_pattern"]), re.compile(rules["header_pattern"]), {
        k: Decimal(v) for k, v in rules["words"].items()}


def table_unit(texts) -> tuple[Decimal | None, str | None]:
    """The amount unit declared in any of the texts ('单位：万元' → 10000), or (None, None)."""
    pattern, _, words = _unit_patterns()
    for text in texts:
        m = pattern.search(clean_text(text))
        if m:
            return words[m.group(1)], m.group(1)
    return None, None


def header_unit(label: str) -> tuple[Decimal | None, str | None]:
    """The unit in a header such as '补贴金额（万元）', or (None, None)."""
    _, pattern, words = _unit_patterns()
    m = pattern.search(clean_text(label))
    return (words[m.group(1)], m.group(1)) if m else (None, None)
