"""Summary sheets beside a ledger (汇总 / 合计 / 统计 / 全年汇总): tables of totals by case type or by month.

Finance officers keep one next to the month sheets, often with formulas (COUNTIF, SUMIF, SUM). Such a sheet is not
a ledger sheet: it is never read as cases (its figures would be counted twice), it is named in a note, and where
its figures can be compared with the ledger (件数 and money by type, by month, 合计) they are; a figure that does not
agree is a WARNING at its cell that says how it was compared. Pure functions over RawSheets and the built Ledger.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from toolkit.base.findings import WARNING, Finding
from toolkit.base.layout import col_letter
from toolkit.base.money import chinese_integer, parse_amount
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import Vocabulary, lookup

HEADER_SCAN_ROWS = 15


@dataclass(frozen=True)
class _Words:
    label_headers: frozenset
    count_headers: frozenset
    case_columns: frozenset
    total_labels: frozenset
    units: tuple            # ((word, Decimal scale), …), longest word first


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = tomllib.loads(resources.files("toolkit.data").joinpath("ledger.toml").read_text(encoding="utf-8"))
    spec = data["summary_sheets"]
    return _Words(frozenset(header_key(w) for w in spec["label_headers"]),
                  frozenset(header_key(w) for w in spec["count_headers"]),
                  frozenset(spec["case_columns"]), frozenset(compact(w) for w in spec["total_labels"]),
                  tuple(sorted(((w, Decimal(v)) for w, v in spec["units"].items()), key=lambda x: -len(x[0]))))


@dataclass
class Figure:
    """One figure of a summary sheet and what it stands for."""

    row: int                     # 1-based Excel row
    col: int                     # 0-based column
    label: str                   # the row's label as written
    header: str                  # the column's header as written
    case_type: str | None        # None: every type
    month: int | None            # None: the whole year
    measure: str                 # "count" or a money column (补贴金额 …)
    value: Decimal               # as written, in the sheet's unit
    scale: Decimal               # 元 per unit of `value`

    @property
    def cell(self) -> str:
        return f"{col_letter(self.col + 1)}{self.row}"


@dataclass
class SummarySheet:
    name: str
    by: str                                      # 案件类型 | 月份
    figures: list[Figure] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)   # cells whose text is no figure ("B5“见附表”")


_MONTH = re.compile(r"^(?:(?:19|20)\d{2}年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?$")
_MONTH_DASH = re.compile(r"^(?:19|20)\d{2}[-./]([0-9]{1,2})$")


def month_of(value) -> int | None:
    """1–12 for "3月", "03月", "三月", "3月份", "2023年3月", "2023-03"; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    text = compact(value)
    m = _MONTH.match(text) or _MONTH_DASH.match(text)
    if not m:
        return None
    token = m.group(1)
    try:
        n = int(token) if token.isdigit() else chinese_integer(token, "positional")
    except (ValueError, KeyError):
        return None
    return n if 1 <= n <= 12 else None


def _unit_in(text: str) -> Decimal | None:
    return next((scale for word, scale in _words().units if word in text), None)


def _sheet_unit(sheet: RawSheet, header_row: int) -> Decimal:
    """The money unit written above the table ("单位：万元"), else 元."""
    for r in range(header_row):
        for v in sheet.rows[r]:
            if isinstance(v, str) and "单位" in v:
                found = _unit_in(clean_text(v).split("单位", 1)[1])
                if found is not None:
                    return found
    return Decimal(1)


def read_summary(sheet: RawSheet, vocab: Vocabulary) -> SummarySheet | None:
    """The summary table on a sheet (totals by case type or by month), or None when the sheet is not one."""
    words = _words()
    for r in range(min(HEADER_SCAN_ROWS, len(sheet.rows))):
        row = sheet.rows[r]
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        canon = [vocab.column_aliases.get(k) for k in keys]
        if any(c in words.case_columns for c in canon):
            return None                                    # a header that lists cases: a ledger, not a summary
        label_col = next((c for c, k in enumerate(keys) if k and (k in words.label_headers or canon[c] == "案件类型")),
                         None)
        if label_col is None:
            continue
        measures: dict[int, tuple[str, str | None, bool]] = {}   # col -> (measure, type across, every type)
        for c in range(label_col + 1, len(row)):
            k = keys[c]
            if not k:
                continue
            if k in words.count_headers:
                measures[c] = ("count", None, True)
            elif canon[c] in vocab.money_columns:
                measures[c] = (canon[c], None, True)
            elif (t := lookup(vocab.case_types, k)) is not None:
                measures[c] = ("count", t, False)
            elif compact(k) in words.total_labels:
                measures[c] = ("count", None, True)
        if not measures:
            continue
        return _figures(sheet, vocab, r, label_col, measures)
    return None


def _figures(sheet: RawSheet, vocab: Vocabulary, header_row: int, label_col: int, measures) -> SummarySheet | None:
    words = _words()
    across = any(not every for _, _, every in measures.values())
    unit = _sheet_unit(sheet, header_row)
    header = sheet.rows[header_row]
    keyed, seen = [], set()
    for r in range(header_row + 1, len(sheet.rows)):
        label = sheet.cell(r, label_col)
        if label is None or not clean_text(label):
            continue
        month, case_type, total = month_of(label), None, compact(label) in words.total_labels
        if month is None and not total and not across:
            case_type = lookup(vocab.case_types, label)
        if month is None and case_type is None and not total:
            continue                                       # a row the ledger cannot check ("其中：农民工")
        if (month, case_type) in seen:
            return None                                    # a label repeated: rows of cases, not totals
        seen.add((month, case_type))
        keyed.append((r, clean_text(label), month, case_type))
    months = sum(1 for _, _, m, _ in keyed if m is not None)
    types = sum(1 for _, _, _, t in keyed if t is not None)
    if max(months, types) < 2:
        return None
    out = SummarySheet(sheet.name, "月份" if months >= types else "案件类型")
    for r, label, month, row_type in keyed:
        for c, (measure, col_type, _) in measures.items():
            value = sheet.cell(r, c)
            if value is None or (isinstance(value, str) and not clean_text(value)):
                continue
            head = clean_text(header[c])
            scale = (_unit_in(head) or unit) if measure != "count" else Decimal(1)
            try:
                number = parse_amount(value)
            except ValueError:
                number = None
            if number is None:
                out.unread.append(f"{col_letter(c + 1)}{r + 1}“{clean_text(value)}”")
                continue
            out.figures.append(Figure(r + 1, c, label, head, row_type or col_type, month, measure, number, scale))
    return out


# ---------------------------------------------------------------- comparing with the ledger


def _tolerance(figure: Figure) -> Decimal:
    """Half a unit of the last decimal shown (a count: exact)."""
    if figure.measure == "count":
        return Decimal(0)
    exponent = figure.value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return Decimal(5).scaleb(-places - 1) * figure.scale


def _show(value: Decimal, unit: str) -> str:
    if unit == "件":
        return f"{int(value):,} 件"
    text = f"{value:,.2f}" if value == value.to_integral_value() or value.as_tuple().exponent >= -2 else f"{value:,}"
    return f"{text} 元"


def compare_summary(summary: SummarySheet, ledger, file: str | None) -> tuple[list[Finding], list[str]]:
    """(warnings at the summary's cells that do not agree with the ledger, notes) — the ledger is every row read
    (counted and excluded), as a COUNTIF/SUM over the sheets would count it."""
    import pandas as pd

    rows = pd.concat([ledger.cases, ledger.excluded], ignore_index=True)
    if "file" in rows and len(rows):          # a folder of workbooks: a summary sums its own workbook's rows
        rows = rows[rows["file"].fillna("") == (file or "")].reset_index(drop=True)
    where = f"「{summary.name}」"
    notes = []
    if summary.unread:
        notes.append(f"{where}中 {len(summary.unread)} 个单元格不是数字，未核对：{'、'.join(summary.unread[:5])}"
                     + ("等" if len(summary.unread) > 5 else "") + "。")
    if all(f.value == 0 for f in summary.figures) and len(rows):
        notes.insert(0, f"是汇总表（按{summary.by}的合计），不作为台账读取、不重复计入；其中的数字都是空白或 0"
                        "（可能是没有计算结果的公式：文件保存前未在 Excel 中重新计算），未与台账核对。")
        return [], notes
    pieces = [p for p in ledger.pieces if (p.file or "") == (file or "")]
    sheet_months = [month_of(p.sheet) for p in pieces]
    by_sheet = len(pieces) > 1 and all(m is not None for m in sheet_months)
    if by_sheet:
        month_of_sheet = {(p.file, p.sheet): m for p, m in zip(pieces, sheet_months)}
        months = [month_of_sheet.get((f, s)) for f, s in zip(rows.get("file", [None] * len(rows)), rows["sheet"])] \
            if "sheet" in rows else [None] * len(rows)
        how_month = "月份按各月工作表（1月…12月）计"
    else:
        dates = rows["指派日期"].tolist() if "指派日期" in rows else [None] * len(rows)
        months = [d.month if hasattr(d, "month") else None for d in dates]
        years = {d.year for d in dates if hasattr(d, "year")}
        how_month = "月份按指派日期计"
        if len(years) > 1 and any(f.month is not None for f in summary.figures):
            notes.append(f"{where}按月份汇总，台账的指派日期跨 {len(years)} 个年份，按月的数未核对。")
            summary.figures = [f for f in summary.figures if f.month is None]
    types = rows["案件类型"].tolist() if "案件类型" in rows else [None] * len(rows)
    unknown_types = sum(1 for t in types if t is None)
    findings, agreed, zeros = [], 0, []
    for f in summary.figures:
        chosen = [i for i in range(len(rows)) if (f.case_type is None or types[i] == f.case_type)
                  and (f.month is None or months[i] == f.month)]
        if f.measure == "count":
            expected, unit, stated = Decimal(len(chosen)), "件", f.value
        else:
            column = rows[f.measure].tolist() if f.measure in rows else []
            expected = sum((column[i] for i in chosen if isinstance(column[i], Decimal)), Decimal(0))
            unit, stated = "元", f.value * f.scale
        if abs(stated - expected) <= _tolerance(f):
            agreed += 1
            continue
        if stated == 0:                  # a formula saved without its result reads as 0 (or blank): not compared
            zeros.append(f.cell)
            continue
        if f.case_type is not None and f.measure == "count" and expected < stated <= expected + unknown_types:
            notes.append(f"{where}{f.cell}（“{f.label}”{f.header}）为 {_show(stated, unit)}，台账中可识别为"
                         f"“{f.case_type}”的有 {_show(expected, unit)}；台账中 {unknown_types} 行案件类型无法识别"
                         "（见错误），可能就是差额。")
            continue
        what = "、".join(x for x in (f"{f.month}月" if f.month else "", f.case_type or "") if x) or "全部"
        measure = "件数" if f.measure == "count" else f"“{f.measure}”合计"
        scale = "" if f.measure == "count" or f.scale == 1 else f"（按{_unit_name(f.scale)}换算为元）"
        findings.append(Finding(
            WARNING, f"汇总表{where}{f.cell}（“{f.label}”行“{f.header}”列）为 {_show(stated, unit)}{scale}，"
                     f"台账中{what}案件的{measure}为 {_show(expected, unit)}，相差 {_show(stated - expected, unit)}："
                     f"请核对汇总表或台账（按行的类型/月份与台账逐行比较，{how_month}；汇总表本身不计入统计）。",
            summary.name, f.row, f.header, None, file))
    if zeros:
        notes.append(f"{'、'.join(zeros[:5])}{'等' if len(zeros) > 5 else ''} {len(zeros)} 个数为 0 而台账中有数，"
                     "可能是没有计算结果的公式（文件保存前未在 Excel 中重新计算），未核对；请在 Excel 中打开、重新计算并保存后再运行。")
    how = f"（{how_month}）" if any(f.month is not None for f in summary.figures) else ""
    notes.insert(0, f"是汇总表（按{summary.by}的合计），不作为台账读取、不重复计入；其中 {len(summary.figures)} 个数"
                    f"已与台账核对{how}，{agreed} 个一致。")
    if zeros:
        notes[0] = notes[0][:-1] + "；" + notes.pop()
    return findings, notes


def _unit_name(scale: Decimal) -> str:
    return next((w for w, s in _words().units if s == scale), "元")
