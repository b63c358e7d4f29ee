"""A summary sheet's figures checked against the ledger and against its own 合计.

Each figure is compared with the ledger's rows it stands for (by type, month, lawyer or firm); a 合计 is also compared
with the figures it adds up. One slip is ONE finding at its cell: a 合计 that disagrees with both the ledger and its
own parts is a slip of the 合计 (said as such, not also as a ledger mismatch); a 合计 that only carries on a part's
slip (or a name left out) is not reported again. A typed 0 is a figure like any other; a blank cell (a formula saved
without its result reads blank) is never compared, only noted where the ledger has cases. Formulas saved with 0 or no
result on a sheet where no formula holds another result were never calculated (a workbook written by a program,
Excel on manual calculation): they are not compared either, and ONE note per sheet says "公式未重新计算" and how to
recalculate — not a warning per cell, as a typed 0 would be. Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.findings import WARNING, Finding
from toolkit.base.sheet import NEVER_CALCULATED, RECALCULATE, STALE_FORMULAS
from toolkit.base.text import compact
from toolkit.ledger.summary import NAME_COLUMNS, Figure, SummarySheet, month_of, unit_name
from toolkit.base.layout import col_letter


@dataclass(frozen=True)
class CellFinding(Finding):
    """A finding at one cell of a summary sheet; `cell` ("C8") lets a copy of the workbook carry it as a comment."""

    cell: str | None = None


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _tolerance(figure: Figure, places: dict[int, int]) -> Decimal:
    """Half a unit of the last decimal shown in the figure's column (0.3 among 0.45, 0.23: 0.005), in 元; a count:
    exact. A figure read from Excel carries no format: the finest decimal of its column stands for it."""
    if figure.measure == "count" or figure.value is None:
        return Decimal(0)
    return Decimal(5).scaleb(-places.get(figure.col, 0) - 1) * figure.scale


def _show(value: Decimal, unit: str) -> str:
    if unit == "件":
        return f"{int(value):,} 件"
    text = f"{value:,.2f}" if value == value.to_integral_value() or value.as_tuple().exponent >= -2 else f"{value:,}"
    return f"{text} 元"


def _unit(f: Figure) -> str:
    return "件" if f.measure == "count" else "元"


def _stated(f: Figure) -> Decimal:
    return f.value if f.measure == "count" else f.value * f.scale


def _what(f: Figure, by: str) -> str:
    """The ledger rows a figure stands for, in words ("3月、民事", "承办律师为“周文”")."""
    parts = [f"{f.month}月" if f.month else "", f.case_type or ""]
    if f.name is not None:
        parts.insert(0, f"{by}为“{f.label}”")
    return "、".join(p for p in parts if p) or "全部"


class _Ledger:
    """The ledger's rows of one workbook, as a summary's formulas would count them."""

    def __init__(self, summary: SummarySheet, ledger, file: str | None, notes: list[str]):
        import pandas as pd

        rows = pd.concat([ledger.cases, ledger.excluded], ignore_index=True)
        if "file" in rows and len(rows):      # a folder of workbooks: a summary sums its own workbook's rows
            rows = rows[rows["file"].fillna("") == (file or "")].reset_index(drop=True)
        self.rows = rows
        self.n = len(rows)
        pieces = [p for p in ledger.pieces if (p.file or "") == (file or "")]
        sheet_months = [month_of(p.sheet) for p in pieces]
        if len(pieces) > 1 and all(m is not None for m in sheet_months):
            month_of_sheet = {(p.file, p.sheet): m for p, m in zip(pieces, sheet_months)}
            self.months = [month_of_sheet.get((f, s)) for f, s in zip(rows.get("file", [None] * self.n), rows["sheet"])] \
                if "sheet" in rows else [None] * self.n
            self.how_month = "月份按各月工作表（1月…12月）计"
        else:
            dates = rows["指派日期"].tolist() if "指派日期" in rows else [None] * self.n
            self.months = [d.month if hasattr(d, "month") else None for d in dates]
            years = {d.year for d in dates if hasattr(d, "year")}
            self.how_month = "月份按指派日期计"
            if len(years) > 1 and any(f.month is not None for f in summary.figures):
                notes.append(f"「{summary.name}」按月份汇总，台账的指派日期跨 {len(years)} 个年份，按月的数未核对。")
                summary.figures = [f for f in summary.figures if f.month is None]
        self.undated = False
        if summary.period:                    # "第一季度律师补贴发放表": the rows of those months only
            self.undated = all(m is None for m in self.months)
            keep = [i for i, m in enumerate(self.months) if m in summary.period]
            rows = self.rows = rows.iloc[keep].reset_index(drop=True)
            self.months, self.n = [self.months[i] for i in keep], len(keep)
            months = f"{summary.period[0]}月" + (f"–{summary.period[-1]}月" if len(summary.period) > 1 else "")
            self.how_month += f"，只比较标题所写期间“{summary.period_text}”（{months}）的案件"
        self.types = rows["案件类型"].tolist() if "案件类型" in rows else [None] * self.n
        self.unknown_types = sum(1 for t in self.types if t is None)
        by = summary.by if summary.by in NAME_COLUMNS else None
        self.names = [compact(v) if isinstance(v, str) and compact(v) else None
                      for v in (rows[by].tolist() if by and by in rows else [None] * self.n)]
        self.groups: dict[str, dict[tuple, Decimal]] = {}   # measure -> (type, month, name) -> count or sum

    def _group(self, measure: str) -> dict[tuple, Decimal]:
        """The ledger's rows added up once per (type, month, name), so each figure adds a few groups, not every row."""
        if measure not in self.groups:
            keys = zip(self.types, self.months, self.names)
            out: dict[tuple, Decimal] = {}
            if measure == "count":
                for key in keys:
                    out[key] = out.get(key, Decimal(0)) + 1
            else:
                column = self.rows[measure].tolist() if measure in self.rows else [None] * self.n
                for key, value in zip(keys, column):
                    out[key] = out.get(key, Decimal(0)) + (value if isinstance(value, Decimal) else 0)
            self.groups[measure] = out
        return self.groups[measure]

    def expected(self, f: Figure) -> Decimal:
        return sum((v for (t, m, n), v in self._group(f.measure).items()
                    if (f.case_type is None or t == f.case_type) and (f.month is None or m == f.month)
                    and (f.name is None or n == f.name)), Decimal(0))


def compare_summary(summary: SummarySheet, ledger, file: str | None) -> tuple[list[Finding], list[str]]:
    """(warnings at the summary's cells that do not agree with the ledger or with its own 合计, notes) — the ledger is
    every row read (counted and excluded), as a COUNTIF/SUM over the sheets would count it."""
    where = f"「{summary.name}」"
    notes: list[str] = []
    if summary.unread:
        notes.append(f"{where}中 {len(summary.unread)} 个单元格不是数字，未核对：{'、'.join(summary.unread[:5])}"
                     + ("等" if len(summary.unread) > 5 else "") + "。")
    book = _Ledger(summary, ledger, file, notes)
    head = f"是汇总表（按{summary.by}的合计），不作为台账读取、不重复计入；"
    stale = _stale(summary, book)
    numbers = [f for f in summary.figures if f.value is not None]
    if not numbers and book.n:
        notes.insert(0, head + (_stale_note(where, stale) if stale else
                                "其中的数字都是空白（可能是没有计算结果的公式：文件保存前未在 Excel 中重新计算），"
                                "未与台账核对。"))
        return [], notes
    if book.undated:
        notes.insert(0, head + f"标题写明期间“{summary.period_text}”，台账中没有可用的月份（指派日期），其中的数未与台账核对。")
        return [], notes
    if summary.by in NAME_COLUMNS and not any(book.names):
        notes.insert(0, head + f"台账中没有填写“{summary.by}”，其中的数未与台账核对。")
        return [], notes
    expected = {id(f): book.expected(f) for f in summary.figures}
    if not stale and all(f.value == 0 for f in numbers) and any(expected[id(f)] for f in numbers):
        first = numbers[0]
        finding = CellFinding(WARNING, f"汇总表{where}中的数都是 0（{first.cell} 起 {len(numbers)} 个），而台账中有 "
                                   f"{book.n:,} 件：汇总表没有填写，或其中的公式在文件保存前没有计算；请在 Excel 中"
                                   "填写或重新计算后保存再运行（汇总表本身不计入统计）。",
                              summary.name, first.row, first.header, None, file, first.cell)
        notes.insert(0, head + "其中的数都是 0，未逐个与台账核对（见警告）。")
        return [finding], notes
    places: dict[int, int] = {}
    for f in numbers:
        places[f.col] = max(places.get(f.col, 0), _places(f.value))
    findings: list[Finding] = []
    reported: set[int] = set()                       # ids of figures whose disagreement is already a finding
    name_findings, missing = _names(summary, book, expected, reported, file)
    findings += name_findings
    agreed = 0
    parts_of = _parts(summary)
    for f in sorted(numbers, key=lambda f: (f.total or f.total_col, f.row, f.col)):
        if id(f) in reported:
            continue
        want, stated = expected[id(f)], _stated(f)
        if abs(stated - want) <= _tolerance(f, places):
            agreed += 1
            continue
        parts = parts_of.get(id(f))
        if parts is not None:
            inner = _inner(f, parts, expected, places)
            if inner is not None and abs(stated - inner[0]) > inner[1]:
                findings.append(_inner_finding(summary, f, inner[0], want, file))
                reported.add(id(f))
                continue
            if any(id(p) in reported for p in parts) or (f.total and missing):
                reported.add(id(f))                  # carries on a part's slip or a name left out: said there
                continue
        if f.case_type is not None and f.measure == "count" and want < stated <= want + book.unknown_types:
            notes.append(f"{where}{f.cell}（“{f.label}”{f.header}）为 {_show(stated, '件')}，台账中可识别为"
                         f"“{f.case_type}”的有 {_show(want, '件')}；台账中 {book.unknown_types} 行案件类型无法识别"
                         "（见错误），可能就是差额。")
            continue
        findings.append(_mismatch(summary, f, want, book.how_month, file))
        reported.add(id(f))
    blanks = [f.cell for f in summary.blanks if expected[id(f)] and not f.formula]
    how = f"（{book.how_month}）" if summary.period or any(f.month is not None for f in summary.figures) else ""
    line = (head + (_stale_note(where, stale) if stale else "") + f"其中 {len(numbers)} 个数已与台账核对{how}，"
            f"{agreed} 个一致")
    if blanks:
        line += (f"；{'、'.join(blanks[:5])}{'等' if len(blanks) > 5 else ''} {len(blanks)} 个单元格空白而台账中有数，"
                 "可能是没有计算结果的公式（文件保存前未在 Excel 中重新计算），未核对；请在 Excel 中打开、重新计算并保存后再运行")
    notes.insert(0, line + "。")
    return findings, notes


def _stale(summary: SummarySheet, book: _Ledger) -> list[Figure]:
    """The figures that are formulas never calculated where the ledger has cases: saved with 0 or no result on a sheet
    none of whose formulas holds another result (a workbook written by a program, or saved by Excel on manual
    calculation). They are set blank (not compared; a 合计 over them is not checked against them) and returned."""
    if summary.calculated:
        return []
    stale = [f for f in summary.figures if f.formula and book.expected(f)]
    for f in stale:
        f.value = None
    return stale


def _stale_note(where: str, stale: list[Figure]) -> str:
    cells = "、".join(f.cell for f in stale[:3]) + ("等" if len(stale) > 3 else "")
    return (f"{STALE_FORMULAS}：{where}{cells} {len(stale)} 个公式单元格保存的结果是 0 或空白，而台账中有数——"
            f"{NEVER_CALCULATED}，这些格未核对。{RECALCULATE}核对；")


def _mismatch(summary: SummarySheet, f: Figure, want: Decimal, how_month: str, file) -> Finding:
    where, stated, unit = f"「{summary.name}」", _stated(f), _unit(f)
    measure = "件数" if f.measure == "count" else f"“{f.measure}”合计"
    scale = "" if f.measure == "count" or f.scale == 1 else f"（按{unit_name(f.scale)}换算为元）"
    by = (f"按{summary.by}（去掉空格后）与台账“{summary.by}”列逐行比较" + (f"，{how_month}" if summary.period else "")
          if f.name is not None else f"按行的类型/月份与台账逐行比较，{how_month}")
    zero = ("；此格是公式，保存的结果为 0：请检查公式引用的范围，或在 Excel 中重新计算后保存" if f.value == 0 and f.formula
            else "；此格是 0，若它是公式，可能是文件保存前没有计算，请在 Excel 中重新计算后保存" if f.value == 0 else "")
    return CellFinding(WARNING, f"汇总表{where}{f.cell}（“{f.label}”行“{f.header}”列）为 {_show(stated, unit)}{scale}，"
                            f"台账中{_what(f, summary.by)}案件的{measure}为 {_show(want, unit)}，相差 "
                            f"{_show(stated - want, unit)}：请核对汇总表或台账（{by}{zero}；汇总表本身不计入统计）。",
                       summary.name, f.row, f.header, None, file, f.cell)


# ---------------------------------------------------------------- the summary's own 合计


def _parts(summary: SummarySheet) -> dict[int, list[Figure]]:
    """For each 合计 figure, the figures it adds up: the rows above it in its column (a 合计 row), or the types
    across its row (a 合计 column)."""
    out: dict[int, list[Figure]] = {}
    for f in summary.figures:
        if f.total and f.col not in summary.loose:
            out[id(f)] = [p for p in summary.figures if p.col == f.col and not p.total]
        elif f.total_col and "across" not in summary.loose:
            out[id(f)] = [p for p in summary.figures if p.row == f.row and not p.total_col and p.measure == f.measure]
    return {k: v for k, v in out.items() if len(v) >= 2}


def _inner(total: Figure, parts: list[Figure], expected: dict, places: dict) -> tuple[Decimal, Decimal] | None:
    """(the sum of the parts as written, in 元 or 件; its tolerance: the last decimal shown, as a SUM or a clerk adding
    up the written figures gets it exactly), or None when a part is blank where the ledger has cases (a formula never
    calculated: the sum is not known)."""
    if any(p.value is None and expected[id(p)] for p in parts):
        return None
    written = [p for p in parts if p.value is not None]
    return (sum((_stated(p) for p in written), Decimal(0)),
            max([_tolerance(total, places)] + [_tolerance(p, places) for p in written]))


def _inner_finding(summary: SummarySheet, f: Figure, inner: Decimal, want: Decimal, file) -> Finding:
    where, unit, stated = f"「{summary.name}」", _unit(f), _stated(f)
    over = "其上各行" if f.total else "同一行各类型"
    return CellFinding(WARNING, f"汇总表{where}{f.cell}（“{f.label}”行“{f.header}”列）为 {_show(stated, unit)}，但{over}"
                            f"之和为 {_show(inner, unit)}，相差 {_show(stated - inner, unit)}：合计本身算错了（台账中为 "
                            f"{_show(want, unit)}）；请改正合计或改用求和公式（汇总表本身不计入统计）。",
                       summary.name, f.row, f.header, None, file, f.cell)


# ---------------------------------------------------------------- names of a summary by lawyer / law firm


def _names(summary: SummarySheet, book: _Ledger, expected: dict, reported: set, file):
    """Warnings for names the summary has and the ledger not (at the name's row; its figures not compared again)
    and ONE for the ledger's names the summary leaves out (at the 合计 row, else the header); (findings, missing)."""
    if summary.by not in NAME_COLUMNS:
        return [], []
    where, by = f"「{summary.name}」", summary.by
    known = {n for n in book.names if n}
    findings = []
    rows: dict[str, list[Figure]] = {}
    for f in summary.figures:
        if f.name is not None:
            rows.setdefault(f.name, []).append(f)
    for name, figures in rows.items():
        if name in known:
            continue
        shown = [f for f in figures if f.value]
        if not shown:
            continue                                 # listed with 0 or blank: no cases, as the ledger says
        reported.update(id(f) for f in figures)
        first = figures[0]
        said = "、".join(f"“{f.header}”{_show(_stated(f), _unit(f))}" for f in shown)
        label_cell = f"{col_letter(summary.label_col + 1)}{first.row}"
        findings.append(CellFinding(
            WARNING, f"汇总表{where}{label_cell} 的“{first.label}”（{said}）在台账的"
                     f"“{by}”列中没有（按去掉空格后的名称比较）：请核对名称是否写错，或台账是否漏登了这些案件"
                     "（汇总表本身不计入统计）。", summary.name, first.row, summary.label_header, None, file, label_cell))
    missing = sorted(known - set(rows), key=lambda n: book.names.index(n))
    if missing and rows:
        counts = {n: book.names.count(n) for n in missing}
        listed = "、".join(f"“{n}” {counts[n]} 件" for n in missing[:8]) + ("等" if len(missing) > 8 else "")
        row = summary.total_row or summary.header_row
        findings.append(CellFinding(
            WARNING, f"台账中“{by}”为 {listed}，汇总表{where}中没有{'这些名称' if len(missing) > 1 else '这一行'}"
                     f"（按去掉空格后的名称比较）：汇总表漏列了，或名称写法不同；请核对"
                     f"{'（合计因此与台账不符，不另行报告）' if summary.total_row else ''}（汇总表本身不计入统计）。",
                   summary.name, row, summary.label_header, None, file, f"{col_letter(summary.label_col + 1)}{row}"))
    return findings, missing
