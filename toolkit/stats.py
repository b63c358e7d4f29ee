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

from toolkit.dates import parse_date
from toolkit.errors import InputError
from toolkit.findings import ERROR, WARNING, Finding
from toolkit.io.excel_read import RawSheet
from toolkit.ledger import TOTAL_WORDS
from toolkit.money import WAN, parse_count, round_half_up
from toolkit.table import find_header
from toolkit.text import clean_text, compact, header_key
from toolkit.vocab import lookup

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
    return Consultations(frame, findings, sheet.name)


# --- computing ------------------------------------------------------------------------------------------

MATTER_FIELDS = ("指派日期", "案件类型", "特殊群体", "案件质量", "受援人数", "承办律师", "律师事务所",
                 "挽回经济损失", "讨薪金额", "补贴金额")


def matter_records(cases: pd.DataFrame) -> list[dict]:
    """The ledger rows as plain dicts of the fields statistics use (fast to filter many times)."""
    columns = [c for c in MATTER_FIELDS if c in cases.columns]
    return [dict(zip(columns, row)) for row in zip(*(cases[c].tolist() for c in columns))] if len(cases) else []


def _selected(records: list[dict], spec: StatSpec) -> list[dict]:
    out = records
    if spec.case_types is not None:
        out = [m for m in out if m["案件类型"] in spec.case_types]
    if spec.group == "*":
        out = [m for m in out if m["特殊群体"]]
    elif spec.group:
        out = [m for m in out if spec.group in m["特殊群体"]]
    if spec.quality:
        out = [m for m in out if m["案件质量"] == spec.quality]
    return out


def _present(v) -> bool:
    return v is not None and v == v   # not None, not NaN


def measure(records: list[dict], spec: StatSpec):
    """One statistic over matters already restricted to a period: int count or Decimal 元."""
    chosen = _selected(records, spec)
    if spec.count == "matters":
        return len(chosen)
    if spec.count == "persons":
        return sum(int(m["受援人数"]) if _present(m["受援人数"]) else 1 for m in chosen)
    if spec.count == "sum":
        total = sum((m[spec.column] for m in chosen if _present(m[spec.column])), Decimal(0))
        return round_half_up(Decimal(total), 2)
    raise ValueError(spec.count)


def measure_consultations(records: list[tuple], spec: StatSpec) -> int:
    """Sum of 人次 of (date, channel, persons) records of one channel (None: all)."""
    return sum(n for _, channel, n in records if spec.channel is None or channel == spec.channel)


def compute_values(cases: pd.DataFrame, consultations: pd.DataFrame | None, period: Period,
                   catalog: Catalog | None = None, names_from: pd.DataFrame | None = None) -> dict:
    """Every statistic of `period`: {key: int | Decimal}. Consultation keys only when a 咨询登记 is given.

    Per-lawyer/per-firm keys cover every name in `names_from` (default: `cases`), zero where none in the period.
    """
    return _values(matter_records(cases), _consultation_records(consultations), period, catalog or default_catalog(),
                   _names(cases if names_from is None else names_from, catalog or default_catalog()))


def _consultation_records(frame: pd.DataFrame | None) -> list[tuple] | None:
    if frame is None:
        return None
    return list(zip(frame["日期"].tolist(), frame["渠道"].tolist(), (int(n) for n in frame["人次"].tolist())))


def _names(frame: pd.DataFrame, catalog: Catalog) -> dict[str, list[str]]:
    return {f.prefix: sorted({n or UNNAMED for n in frame[f.by].tolist()}) if len(frame) else []
            for f in catalog.families}


def _values(records: list[dict], consultations: list[tuple] | None, period: Period, catalog: Catalog,
            names: dict[str, list[str]]) -> dict:
    current = [m for m in records if period.contains(m["指派日期"])]
    values: dict = {}
    current_consultations = None if consultations is None else [c for c in consultations if period.contains(c[0])]
    for spec in catalog.stats:
        if spec.count == "consultations":
            if current_consultations is not None:
                values[spec.key] = measure_consultations(current_consultations, spec)
        else:
            values[spec.key] = measure(current, spec)
    for family in catalog.families:
        by_name: dict[str, list[dict]] = {}
        for m in current:
            by_name.setdefault(m[family.by] or UNNAMED, []).append(m)
        for name in names.get(family.prefix, []):
            mine = by_name.get(name, [])
            for metric in catalog.metrics:
                values[f"{family.prefix}.{name}.{metric.key}"] = measure(mine, metric)
    return values


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
    records, consults = matter_records(cases), _consultation_records(consultations)
    values = _values(records, consults, period, catalog, names)
    year = Period("year", period.year)
    months = [(m, _values(records, consults, m, catalog, {})) for m in year.months()]
    previous = previous_months = None
    if previous_cases is not None:
        last = period.same_period_last_year()
        prev_records, prev_consults = matter_records(previous_cases), _consultation_records(previous_consultations)
        previous = _values(prev_records, prev_consults, last, catalog, names)
        previous_months = [(m, _values(prev_records, prev_consults, m, catalog, {}))
                           for m in year.same_period_last_year().months()]
    seen: dict[str, Counter] = {}
    for m in records:
        seen.setdefault(m["承办律师"] or UNNAMED, Counter())[m["律师事务所"] or UNNAMED] += 1
    firms = {lawyer: counts.most_common(1)[0][0] for lawyer, counts in seen.items()}
    return StatsReport(period, values, previous, months, previous_months, list(findings or []), firms)


# --- user templates --------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def placeholder_keys(text) -> list[str]:
    """Keys named in a cell's text as {{key}}."""
    return PLACEHOLDER.findall(text) if isinstance(text, str) else []


def format_value(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def fill_cell(text: str, values: dict):
    """The filled content of a template cell: the number itself when the cell is one {{key}} only, else the text
    with each known {{key}} replaced (unknown ones stay as written). None when nothing is known."""
    keys = placeholder_keys(text)
    if not keys or not any(k in values for k in keys):
        return None
    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole and whole.group(1) in values:
        return values[whole.group(1)]
    return PLACEHOLDER.sub(lambda m: (format_value(values[m.group(1)]) or "—") if m.group(1) in values
                           else m.group(0), text)


@dataclass
class TemplateFill:
    """What to write into a user's template: {sheet: {(row0, col0): value}} plus the keys that stay empty."""

    cells: dict[str, dict[tuple[int, int], object]]
    unfilled_keys: list[str]
    findings: list[Finding]


def plan_template(sheets: list[RawSheet], defined_names: dict[str, tuple[str, int, int]], values: dict,
                  file: str | None = None, catalog: Catalog | None = None,
                  previous_given: bool = True) -> TemplateFill:
    """Cells of a template to fill: every cell holding {{key}} and every defined name equal to a key.

    `defined_names` maps a name to (sheet, row0, col0) of the cell it refers to. Unknown keys are reported, not guessed.
    Without a previous-year ledger (previous_given=False) the template's prev.… cells are emptied, not reported one
    by one: there is nothing to compare with, which the command says once.
    """
    catalog = catalog or default_catalog()
    if not previous_given:
        values = dict(values)
        for sheet in sheets:
            for row in sheet.rows:
                for v in row:
                    for key in placeholder_keys(v):
                        if key.startswith(PREVIOUS_PREFIX) and catalog.spec(key) is not None:
                            values.setdefault(key, "")
    cells: dict[str, dict] = {}
    unfilled: list[str] = []
    findings: list[Finding] = []

    def report(key, where_sheet, r0, c0):
        if key in unfilled:
            return
        unfilled.append(key)
        ref = _cell_ref(r0, c0)
        if catalog.spec(key) is None:
            message = f"统计键“{key}”不存在，单元格未填写。可用 legalaid stats --list-keys 查看全部统计键。"
        elif key.startswith(PREVIOUS_PREFIX):
            message = f"统计键“{key}”是上年同期数，需要用 --previous 提供上年台账（或上年没有这项数据），单元格未填写。"
        elif key.startswith("consultations."):
            message = f"统计键“{key}”需要咨询登记表（--consultations），本次未提供，单元格未填写。"
        else:
            message = f"统计键“{key}”本期没有数据（台账中没有这个名称），单元格未填写。"
        findings.append(Finding(WARNING, message, where_sheet, r0 + 1, ref, key, file))

    for sheet in sheets:
        for r0, row in enumerate(sheet.rows):
            for c0, v in enumerate(row):
                keys = placeholder_keys(v)
                if not keys:
                    continue
                filled = fill_cell(v, values)
                if filled is not None:
                    cells.setdefault(sheet.name, {})[(r0, c0)] = filled
                for key in keys:
                    if key not in values:
                        report(key, sheet.name, r0, c0)
    for name, (sheet_name, r0, c0) in defined_names.items():
        if name in values:
            cells.setdefault(sheet_name, {})[(r0, c0)] = values[name]
        elif catalog.spec(name) is not None:
            report(name, sheet_name, r0, c0)
    return TemplateFill(cells, unfilled, findings)


def _cell_ref(r0: int, c0: int) -> str:
    letters, n = "", c0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r0 + 1}"


def template_values(report: "StatsReport") -> dict:
    """Values a template may ask for: this period's keys and, with a previous-year ledger, prev.<key>."""
    values = dict(report.values)
    values[PERIOD_KEY] = report.period.label
    for key, value in (report.previous or {}).items():
        values[PREVIOUS_PREFIX + key] = value
    for key, value in list(values.items()):
        if isinstance(value, Decimal):
            values[key + WAN_SUFFIX] = round_half_up(value / WAN, 4)
    return values


def json_value(value):
    """Counts as numbers, amounts as decimal strings."""
    return str(value) if isinstance(value, Decimal) else value
