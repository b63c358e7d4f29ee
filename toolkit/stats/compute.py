"""Legal aid statistics (法律援助统计) from a normalised ledger and a 咨询登记 sheet: pure core, no I/O.

Every figure has a stable key (toolkit/data/stats_keys.toml). A matter belongs to the period of its 指派日期, a
consultation to the period of its 日期. Only counts and sums leave this module: never names or ID numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import pandas as pd

from toolkit.base.dates import parse_date
from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.sheet import RawSheet
from toolkit.ledger.parse import TOTAL_WORDS
from toolkit.base.money import parse_count, round_half_up
from toolkit.base.table import find_header
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import lookup

CONSULTATION_SHEET = "咨询登记"
UNNAMED = "（未填写）"
OTHER_CHANNEL = "*"
PREVIOUS_PREFIX = "prev."
WAN_SUFFIX = ".万元"
PERIOD_KEY = "period"
_YEAR = re.compile(r"^(\d{4})年?(?:度)?$")
_QUARTER = re.compile(r"^(\d{4})年?(?:[Qq]|第)([1-4])(?:季度?)?$")
_MONTH = re.compile(r"^(\d{4})(?:[-./]|年)(\d{1,2})月?$")


# --- periods ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A statistics period: a year, a quarter (index 1–4) or a month (index 1–12)."""

    kind: str   # "year" | "quarter" | "month"
    year: int
    index: int = 0

    @property
    def start(self) -> dt.date:
        if self.kind == "year":
            return dt.date(self.year, 1, 1)
        month = self.index if self.kind == "month" else 3 * self.index - 2
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        months = {"year": 12, "quarter": 3, "month": 1}[self.kind]
        m = self.start.month - 1 + months
        return dt.date(self.year + m // 12, m % 12 + 1, 1)

    @property
    def text(self) -> str:
        return {"year": f"{self.year}", "quarter": f"{self.year}Q{self.index}",
                "month": f"{self.year}-{self.index:02d}"}[self.kind]

    @property
    def label(self) -> str:
        return {"year": f"{self.year}年", "quarter": f"{self.year}年第{self.index}季度",
                "month": f"{self.year}年{self.index}月"}[self.kind]

    def same_period_last_year(self) -> "Period":
        return Period(self.kind, self.year - 1, self.index)

    def months(self) -> list["Period"]:
        first = self.start.month
        count = {"year": 12, "quarter": 3, "month": 1}[self.kind]
        return [Period("month", self.year, m) for m in range(first, first + count)]

    def contains(self, day) -> bool:
        return day is not None and self.start <= day < self.end


def parse_period(text: str) -> Period:
    """'2023' → year, '2023-03' / '2023年3月' → month, '2023Q1' / '2023年第1季度' → quarter. ValueError in Chinese."""
    t = compact(text)
    if m := _YEAR.match(t):
        return Period("year", int(m.group(1)))
    if m := _QUARTER.match(t):
        return Period("quarter", int(m.group(1)), int(m.group(2)))
    if (m := _MONTH.match(t)) and 1 <= int(m.group(2)) <= 12:
        return Period("month", int(m.group(1)), int(m.group(2)))
    raise ValueError(f"统计期间“{text}”无法识别，应写作 2023（年）、2023Q1（季度）或 2023-03（月）")


def default_period(dates) -> Period | None:
    """The year most dates fall in (None when there are no dates)."""
    years = Counter(d.year for d in dates if d is not None)
    return Period("year", max(years, key=lambda y: (years[y], y))) if years else None


# --- the catalogue of keys -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatSpec:
    """One statistic: its key, Chinese name, unit and how it is counted (see stats_keys.toml)."""

    key: str
    name: str
    unit: str
    count: str
    section: str = ""
    case_types: tuple[str, ...] | None = None
    group: str | None = None
    quality: str | None = None
    channel: str | None = None
    column: str | None = None

    @property
    def is_money(self) -> bool:
        return self.count == "sum"


@dataclass(frozen=True)
class Family:
    """Per-lawyer or per-firm statistics: keys <prefix>.<name>.<metric suffix>."""

    prefix: str
    by: str       # ledger column
    name: str     # Chinese name of what is counted per


@dataclass(frozen=True)
class Catalog:
    stats: tuple[StatSpec, ...]
    families: tuple[Family, ...]
    metrics: tuple[StatSpec, ...]          # key = suffix
    channels: dict[str, str]               # compact variant -> channel
    consultation_aliases: dict[str, str]   # header key -> canonical column

    def spec(self, key: str) -> StatSpec | None:
        """The spec of a key, including per-lawyer/per-firm keys such as lawyers.王明.cases and prev.<key>."""
        if key.endswith(WAN_SUFFIX):
            base = self.spec(key[:-len(WAN_SUFFIX)])
            if base is None or not base.is_money:
                return None
            return replace(base, key=key, name=f"{base.name}（万元）", unit="万元")
        if key.startswith(PREVIOUS_PREFIX):
            base = self.spec(key[len(PREVIOUS_PREFIX):])
            return None if base is None else replace(base, key=key, name=f"上年同期{base.name}")
        for s in self.stats:
            if s.key == key:
                return s
        for family in self.families:
            if key.startswith(family.prefix + "."):
                _, _, rest = key.partition(".")
                name, _, suffix = rest.rpartition(".")
                metric = next((m for m in self.metrics if m.key == suffix), None)
                if name and metric:
                    return StatSpec(key, f"{name}（{family.name}）{metric.name}", metric.unit, metric.count,
                                    family.name, metric.case_types, metric.group, metric.quality, metric.channel,
                                    metric.column)
        return None

    def sections(self) -> list[tuple[str, list[StatSpec]]]:
        out: dict[str, list[StatSpec]] = {}
        for s in self.stats:
            out.setdefault(s.section, []).append(s)
        return list(out.items())

    def listing(self) -> list[tuple[str, str, str]]:
        """(key, Chinese name, unit) for --list-keys, per-lawyer/per-firm keys as patterns."""
        rows = [(s.key, s.name, s.unit) for s in self.stats]
        for family in self.families:
            for m in self.metrics:
                rows.append((f"{family.prefix}.<{family.name}>.{m.key}", f"每位{family.name}的{m.name}", m.unit))
        rows.append((PERIOD_KEY, "统计期间（文字，如“2023年第1季度”）", ""))
        rows.append((f"<金额统计键>{WAN_SUFFIX}", "同一金额以万元计（保留4位小数），如 money.挽回经济损失.万元", "万元"))
        rows.append((f"{PREVIOUS_PREFIX}<统计键>", "上年同期的同一统计（需用 --previous 提供上年台账）", ""))
        return rows


def _spec(entry: dict, key: str) -> StatSpec:
    types = entry.get("case_types")
    return StatSpec(key=key, name=entry["name"], unit=entry["unit"], count=entry["count"],
                    section=entry.get("section", ""), case_types=tuple(types) if types else None,
                    group=entry.get("group"), quality=entry.get("quality"), channel=entry.get("channel"),
                    column=entry.get("column"))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The shipped statistics keys (toolkit/data/stats_keys.toml)."""
    data = tomllib.loads(resources.files("toolkit.data").joinpath("stats_keys.toml").read_text(encoding="utf-8"))
    channels = {}
    for canonical, variants in data["consultation_channels"].items():
        for name in [canonical, *variants]:
            channels[compact(name)] = canonical
    aliases = {}
    for canonical, names in data["consultation_columns"].items():
        for name in [canonical, *names]:
            aliases[header_key(name)] = canonical
    return Catalog(stats=tuple(_spec(e, e["key"]) for e in data["stat"]),
                   families=tuple(Family(f["prefix"], f["by"], f["name"]) for f in data["family"]),
                   metrics=tuple(_spec(m, m["suffix"]) for m in data["metric"]),
                   channels=channels, consultation_aliases=aliases)


# --- consultations ---------------------------------------------------------------------------------------

@dataclass
class Consultations:
    """A 咨询登记 sheet reduced to what statistics need: date, channel, 人次 (no names)."""

    frame: pd.DataFrame          # columns 日期 (date), 渠道 (channel or "*"), 人次 (int), excel_row
    findings: list[Finding]
    sheet: str


def parse_consultations(sheet: RawSheet, file: str | None = None, catalog: Catalog | None = None) -> Consultations:
    """Read a 咨询登记 sheet. Rows with an unusable date or 人次 are left out and listed as errors."""
    catalog = catalog or default_catalog()
    header = find_header(sheet, catalog.consultation_aliases, min_matches=2)
    if header is None or "日期" not in header.columns or "咨询方式" not in header.columns:
        raise InputError("找不到咨询登记表头：表头应包含“日期”和“咨询方式”两列（可选“人次”）。",
                         file=file, sheet=sheet.name)
    cols = header.columns
    findings: list[Finding] = []
    rows = []

    def add(severity, r, column, message, value=None):
        findings.append(Finding(severity, message, sheet.name, r, header.label(column), value, file))

    for i in range(header.first_data_row, len(sheet.rows)):
        row = sheet.rows[i]
        r = i + 1

        def cell(name):
            c = cols.get(name)
            return row[c] if c is not None and c < len(row) else None

        texts = [compact(v) for v in row if v is not None and compact(v)]
        if not texts:
            continue
        if any(t.startswith(TOTAL_WORDS) for t in texts[:3]):
            continue
        try:
            day = parse_date(cell("日期"))
        except ValueError as exc:
            add(ERROR, r, "日期", f"日期无法识别：{exc}。本条咨询未计入统计。", clean_text(cell("日期")))
            continue
        if day is None:
            add(ERROR, r, "日期", "咨询日期为空，无法归入统计期间。本条咨询未计入统计。")
            continue
        try:
            persons = parse_count(cell("人次")) if "人次" in cols else None
        except ValueError as exc:
            add(ERROR, r, "人次", f"人次{exc}。本条咨询未计入统计。", clean_text(cell("人次")))
            continue
        if persons is not None and persons < 0:
            add(ERROR, r, "人次", "人次不能为负数。本条咨询未计入统计。", clean_text(cell("人次")))
            continue
        raw_channel = cell("咨询方式")
        channel = lookup(catalog.channels, raw_channel) if raw_channel is not None else None
        if channel is None:
            known = "、".join(dict.fromkeys(catalog.channels.values()))
            add(WARNING, r, "咨询方式", f"咨询方式“{clean_text(raw_channel)}”无法识别，计入“其他”。可用方式：{known}。",
                clean_text(raw_channel))
            channel = OTHER_CHANNEL
        rows.append((day, channel, 1 if persons is None else persons, r))
    frame = pd.DataFrame(rows, columns=["日期", "渠道", "人次", "excel_row"])
    frame["渠道"] = frame["渠道"].astype(object)   # text as object columns, as the ledger's (not pandas 3's str)
    return Consultations(frame, findings, sheet.name)


# --- computing ------------------------------------------------------------------------------------------

def _matches(spec: StatSpec, case_type, groups, quality) -> bool:
    """Whether a matter of this type, special groups and quality counts in `spec`."""
    if spec.case_types is not None and case_type not in spec.case_types:
        return False
    if spec.group == "*" and not groups:
        return False
    if spec.group and spec.group != "*" and spec.group not in groups:
        return False
    return not spec.quality or quality == spec.quality


def _present(v) -> bool:
    return v is not None and v == v   # not None, not NaN


def compute_values(cases: pd.DataFrame, consultations: pd.DataFrame | None, period: Period,
                   catalog: Catalog | None = None, names_from: pd.DataFrame | None = None) -> dict:
    """Every statistic of `period`: {key: int | Decimal}. Consultation keys only when a 咨询登记 is given.

    Per-lawyer/per-firm keys cover every name in `names_from` (default: `cases`), zero where none in the period.
    """
    catalog = catalog or default_catalog()
    return _Months(cases, consultations, catalog).values(period, _names(cases if names_from is None else names_from,
                                                                        catalog))


def _names(frame: pd.DataFrame, catalog: Catalog) -> dict[str, list[str]]:
    return {f.prefix: sorted({n or UNNAMED for n in frame[f.by].tolist()}) if len(frame) else []
            for f in catalog.families}


def _month_of(day) -> tuple[int, int] | None:
    """(year, month) of a date; None for a blank (None, NaN, NaT), which no period contains."""
    return None if day is None or day != day else (day.year, day.month)


class _Months:
    """Matters and consultations tallied by calendar month in one pass; every period's figures are sums of its
    months' tallies (a period is a whole number of months).

    A month's matters are tallied per (案件类型, 特殊群体, 案件质量) — a matter count, a 人次 sum and one exact sum per
    money column — and, per lawyer or firm, per the set of per-person metrics the matter counts in. Whether a
    statistic selects a (type, groups, quality) is decided once per distinct triple, not per row.
    """

    def __init__(self, cases: pd.DataFrame, consultations: pd.DataFrame | None, catalog: Catalog):
        self.catalog = catalog
        self.money = tuple(dict.fromkeys(s.column for s in (*catalog.stats, *catalog.metrics) if s.count == "sum"))
        # (year, month) -> ({(type, groups, quality): tally}, per family {(name, metric mask): tally})
        self.months: dict[tuple[int, int], tuple[dict, list[dict]]] = {}
        self._selects: dict[tuple, bool] = {}
        n = len(cases)

        def column(name, default=None):
            return cases[name].tolist() if n and name in cases.columns else [default] * n

        families = len(catalog.families)
        names = [[v or UNNAMED for v in column(f.by)] for f in catalog.families]
        money = [column(c) for c in self.money]
        width = 2 + len(self.money)
        masks: dict[tuple, tuple[bool, ...]] = {}
        rows = zip(column("指派日期"), column("案件类型"), column("特殊群体", ()), column("案件质量"),
                   column("受援人数"), zip(*names) if names else [()] * n, zip(*money) if money else [()] * n)
        places = range(2, width)
        for day, case_type, groups, quality, persons, who, amounts in rows:
            if day is None or day != day:   # blank (None, NaN, NaT): in no period
                continue
            month = (day.year, day.month)
            buckets = self.months.get(month)
            if buckets is None:
                buckets = self.months[month] = ({}, [{} for _ in range(families)])
            sig = (case_type, groups, quality)
            persons = int(persons) if _present(persons) else 1
            adds = [(i, a) for i, a in zip(places, amounts) if a is not None and a == a]
            tally = buckets[0].get(sig)
            if tally is None:
                tally = buckets[0][sig] = [0, 0] + [Decimal(0)] * (width - 2)
                if sig not in masks:
                    masks[sig] = tuple(_matches(m, *sig) for m in catalog.metrics)
            tally[0] += 1
            tally[1] += persons
            for i, a in adds:
                tally[i] += a
            mask = masks[sig]
            for people, name in zip(buckets[1], who):
                tally = people.get((name, mask))
                if tally is None:
                    tally = people[(name, mask)] = [0, 0] + [Decimal(0)] * (width - 2)
                tally[0] += 1
                tally[1] += persons
                for i, a in adds:
                    tally[i] += a
        self.consultations: dict[tuple[int, int], dict[str, int]] | None = None
        if consultations is not None:
            self.consultations = {}
            for day, channel, persons in zip(consultations["日期"].tolist(), consultations["渠道"].tolist(),
                                             consultations["人次"].tolist()):
                month = _month_of(day)
                if month is not None:
                    by_channel = self.consultations.setdefault(month, {})
                    by_channel[channel] = by_channel.get(channel, 0) + int(persons)

    def _column(self, spec: StatSpec) -> int:
        if spec.count == "matters":
            return 0
        if spec.count == "persons":
            return 1
        if spec.count == "sum":
            return 2 + self.money.index(spec.column)
        raise ValueError(spec.count)

    @staticmethod
    def _total(index: int, tallies) -> int | Decimal:
        """Column `index` summed over tallies: a count, or 元 rounded to fen."""
        if index < 2:
            return sum(t[index] for t in tallies)
        return round_half_up(Decimal(sum((t[index] for t in tallies), Decimal(0))), 2)

    def values(self, period: Period, names: dict[str, list[str]]) -> dict:
        """Every statistic of `period` (per-lawyer/per-firm keys for `names`), in catalog order."""
        catalog = self.catalog
        months = [self.months[k] for k in ((m.year, m.index) for m in period.months()) if k in self.months]
        by_sig: dict[tuple, list] = {}
        for sigs, _ in months:
            _merge(by_sig, sigs)
        values: dict = {}
        channels = None
        if self.consultations is not None:
            channels = {}
            for m in period.months():
                for channel, persons in self.consultations.get((m.year, m.index), {}).items():
                    channels[channel] = channels.get(channel, 0) + persons
        for spec in catalog.stats:
            if spec.count == "consultations":
                if channels is not None:
                    values[spec.key] = sum(n for channel, n in channels.items()
                                           if spec.channel is None or channel == spec.channel)
                continue
            chosen = []
            for sig, tally in by_sig.items():
                selected = self._selects.get((id(spec), sig))
                if selected is None:
                    selected = self._selects[(id(spec), sig)] = _matches(spec, *sig)
                if selected:
                    chosen.append(tally)
            values[spec.key] = self._total(self._column(spec), chosen)
        for f, family in enumerate(catalog.families):
            wanted = names.get(family.prefix, [])
            if not wanted:
                continue
            by_name: dict[str, dict[tuple, list]] = {}
            for _, people in months:
                for (name, mask), tally in people[f].items():
                    _merge(by_name.setdefault(name, {}), {mask: tally})
            for name in wanted:
                mine = by_name.get(name, {})
                for j, metric in enumerate(catalog.metrics):
                    values[f"{family.prefix}.{name}.{metric.key}"] = \
                        self._total(self._column(metric), [t for mask, t in mine.items() if mask[j]])
        return values


def _merge(into: dict[tuple, list], tallies: dict[tuple, list]) -> None:
    """Add tallies into `into`, key by key (copies, never aliases)."""
    for key, tally in tallies.items():
        mine = into.get(key)
        if mine is None:
            into[key] = list(tally)
        else:
            for i, v in enumerate(tally):
                mine[i] += v


def change(current, previous) -> tuple:
    """(difference, percent change rounded to 2 places or None when the previous figure is 0 or missing)."""
    if current is None or previous is None:
        return None, None
    diff = current - previous
    if not previous:
        return diff, None
    return diff, round_half_up(Decimal(diff) / Decimal(previous) * 100, 2)


@dataclass
class StatsReport:
    """Everything the statistics sheets show; values carry no personal data."""

    period: Period
    values: dict
    previous: dict | None
    months: list[tuple[Period, dict]]
    previous_months: list[tuple[Period, dict]] | None
    findings: list[Finding] = field(default_factory=list)
    lawyer_firms: dict[str, str] = field(default_factory=dict)   # lawyer -> firm they mostly work for

    def family_rows(self, prefix: str) -> list[str]:
        """Names (lawyers or firms) with any figure in this period, in key order."""
        names = []
        for key, value in self.values.items():
            if key.startswith(prefix + ".") and value:
                name = key[len(prefix) + 1:].rpartition(".")[0]
                if name not in names:
                    names.append(name)
        return names


def undated_findings(cases: pd.DataFrame, sheet: str | None, file: str | None, label: str = "指派日期") -> list[Finding]:
    """Matters without 指派日期 cannot be placed in a period: one warning each."""
    out = []
    for r in cases.loc[cases["指派日期"].isna(), "excel_row"]:
        out.append(Finding(WARNING, f"未填写{label}，无法归入统计期间，本件未计入统计。", sheet, int(r), label, None, file))
    return out


def build_report(cases: pd.DataFrame, consultations: pd.DataFrame | None, period: Period,
                 previous_cases: pd.DataFrame | None = None, previous_consultations: pd.DataFrame | None = None,
                 findings: list[Finding] | None = None, catalog: Catalog | None = None) -> StatsReport:
    """Statistics of `period`, its months and (if a previous-year ledger is given) the same period last year."""
    catalog = catalog or default_catalog()
    both = cases if previous_cases is None else pd.concat([cases, previous_cases], ignore_index=True)
    names = _names(both, catalog)
    tallies = _Months(cases, consultations, catalog)
    values = tallies.values(period, names)
    year = Period("year", period.year)
    months = [(m, tallies.values(m, {})) for m in year.months()]
    previous = previous_months = None
    if previous_cases is not None:
        last = _Months(previous_cases, previous_consultations, catalog)
        previous = last.values(period.same_period_last_year(), names)
        previous_months = [(m, last.values(m, {})) for m in year.same_period_last_year().months()]
    return StatsReport(period, values, previous, months, previous_months, list(findings or []), _main_firms(cases))


def _main_firms(cases: pd.DataFrame) -> dict[str, str]:
    """lawyer -> the firm most of their matters name (the first seen on a tie)."""
    if not len(cases):
        return {}
    pairs = Counter(zip((n or UNNAMED for n in cases["承办律师"].tolist()),
                        (n or UNNAMED for n in cases["律师事务所"].tolist())))
    seen: dict[str, Counter] = {}
    for (lawyer, firm), count in pairs.items():
        seen.setdefault(lawyer, Counter())[firm] = count
    return {lawyer: counts.most_common(1)[0][0] for lawyer, counts in seen.items()}


def json_value(value):
    """Counts as numbers, amounts as decimal strings."""
    return str(value) if isinstance(value, Decimal) else value
