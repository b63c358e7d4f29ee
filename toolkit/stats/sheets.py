"""The sheets a statistics run writes, as data: names, the 统计表 rows (one list both shells render), the button's
统计表 Layout, the 校验结果 table, the 绩效自评表 row plan, and the template's named cells.

Pure: the xlsxwriter workbook (native charts, live formulas) is drawn from these by toolkit/io/stats_book.py, the open
workbook's sheet by toolkit/excel/book_io.write_layout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from toolkit.base.findings import ERROR
from toolkit.base.layout import Cell, Layout, col_number
from toolkit.stats.compute import Catalog, StatsReport, change

STATS_SHEET, MONTHS_SHEET, LAWYERS_SHEET, FIRMS_SHEET = "统计表", "月度统计", "律师统计", "律所统计"
EVALUATION_SHEET, FINDINGS_SHEET = "绩效自评表", "校验结果"
BASIS_NOTE = ("口径：案件和法律帮助按“指派日期”归入统计期间，咨询按咨询日期；值班律师法律帮助单独统计，不计入案件数；"
              "因台账错误被排除的行未计入（见“校验结果”）。特殊群体可重叠：同一受援人属于多个群体时在每个群体中各计一次，"
              "故各群体人次之和可大于特殊群体受援人次（不重复计）；特殊群体按人次计，一行有多名受援人时按“受援人数”计"
              "（视为该行的受援人都属于所填群体）。本表只含件数、人次和金额，不含受援人姓名和身份证号。")
MONTH_KEYS = ["cases.total", "cases.刑事", "cases.民事", "cases.行政", "cases.国家赔偿", "cases.仲裁", "cases.非诉讼",
              "help.total", "persons.total", "consultations.total", "money.挽回经济损失", "money.农民工讨薪"]
CASE_MIX_KEYS = ["cases.刑事", "cases.民事", "cases.行政", "cases.国家赔偿", "cases.仲裁", "cases.非诉讼"]
BELOW_FILL, PENDING_FILL, HEADER_FILL = "#F8CBAD", "#FFF2CC", "#DDEBF7"
STATS_HEADERS = ["类别", "项目", "统计键", "单位", "本期", "上年同期", "增减", "增减率(%)"]
FINDINGS_HEADERS = ["级别", "文件", "工作表", "行", "列", "说明"]
MAX_LISTED_FINDINGS = 200      # findings listed under the button's 统计表 (the CLI's 校验结果 lists all)


def stats_rows(catalog: Catalog) -> list[tuple[str, int, int]]:
    """(key, first row, last row of its section) in the order of the 统计表 (0-based rows, from row 4)."""
    out, r = [], 4
    for _, specs in catalog.sections():
        first = r
        for s in specs:
            out.append((s.key, first, first + len(specs) - 1))
            r += 1
    return out


@dataclass(frozen=True)
class StatRow:
    """One line of the 统计表: a statistics key with this period, the same period last year and the change."""

    key: str
    section: str
    first: int                 # 0-based rows of its section (merged 类别 cell)
    last: int
    name: str
    unit: str
    is_money: bool
    current: object            # None: no data (e.g. no 咨询登记)
    previous: object
    diff: object
    pct: object


def stats_table(report: StatsReport | None, catalog: Catalog) -> list[StatRow]:
    """The 统计表's lines, the one list the file writer and the button's layout both render."""
    values = report.values if report else {}
    previous = (report.previous if report else None) or {}
    out = []
    for key, first, last in stats_rows(catalog):
        spec = catalog.spec(key)
        current, prev = values.get(key), previous.get(key)
        diff, pct = change(current, prev)
        out.append(StatRow(key, spec.section, first, last, spec.name, spec.unit, spec.is_money, current, prev,
                           diff, pct))
    return out


def period_line(report: StatsReport) -> str:
    """The 统计表's second line: the period with its dates, and the period it is compared with."""
    period = report.period
    end = dt.date.fromordinal(period.end.toordinal() - 1)
    return (f"统计期间：{period.label}（{period.start:%Y-%m-%d}至{end:%Y-%m-%d}）；"
            f"上年同期：{period.same_period_last_year().label}"
            + ("" if report.previous is not None else "（未提供上年台账，未做同比）"))


def statistics_layout(report: StatsReport, catalog: Catalog, excluded: int = 0) -> Layout:
    """The button's 统计表 sheet: one row per statistics key with this period, last year and the change; findings
    below."""
    period = report.period
    layout = Layout(STATS_SHEET, widths={1: 16, 2: 30, 3: 20, 4: 6, 5: 13, 6: 13, 7: 13, 8: 13})
    layout.add(Cell(f"法律援助工作统计表（{period.label}）", "title"))
    layout.merges.append((1, 1, 1, 8))
    layout.add(Cell(period_line(report), "note"))
    layout.merges.append((2, 1, 2, 8))
    layout.add(Cell(BASIS_NOTE, "note"))
    layout.merges.append((3, 1, 3, 8))
    layout.add(*(Cell(h, "header") for h in STATS_HEADERS))
    for row in stats_table(report, catalog):
        tag = "money" if row.is_money else "count"
        layout.add(Cell(row.section if row.first + 1 == len(layout.rows) + 1 else None), Cell(row.name),
                   Cell(row.key, "note"), Cell(row.unit), Cell(row.current, tag), Cell(row.previous, tag),
                   Cell(row.diff, tag), Cell(row.pct, "ratio"))
    layout.blank()
    layout.add(Cell(f"校验结果：{len(report.findings)} 个问题；因错误未计入统计的台账行 {excluded} 行。", "section"))
    for f in report.findings[:MAX_LISTED_FINDINGS]:
        layout.add(Cell(f.severity_label, "error" if f.severity == ERROR else "warning"), Cell(f.location()),
                   Cell(f.message))
    if len(report.findings) > MAX_LISTED_FINDINGS:
        layout.add(Cell(f"…… 另有 {len(report.findings) - MAX_LISTED_FINDINGS} 个问题，可用命令 legalaid stats 查看全部。",
                        "note"))
    return layout


def findings_rows(report: StatsReport) -> list[list]:
    """The 校验结果 table: level, file, sheet, row, column, message (no cell values, so no personal data)."""
    rows = [list(FINDINGS_HEADERS)]
    for f in report.findings:
        rows.append([f.severity_label, f.file or "", f.sheet or "", f.row, f.column or "", f.message])
    return rows


def findings_summary(report: StatsReport, excluded_rows: int, counted_rows: int | None) -> str:
    """The line above the 校验结果 table."""
    return (f"计入统计的台账行：{counted_rows}；因错误未计入：{excluded_rows}。" if counted_rows is not None else "") \
        + f"问题共 {len(report.findings)} 个。"


def column_header(name: str) -> str:
    """A header for a narrow column: the parenthesis on lines of its own, split in two when long, so no line is a
    lone "）"."""
    base, paren, rest = name.partition("（")
    if not paren:
        return name
    inner = paren + rest
    if len(inner) > 6:
        inner = inner[:len(inner) // 2] + "\n" + inner[len(inner) // 2:]
    return f"{base}\n{inner}"


def evaluation_layout(evaluation) -> dict:
    """Row numbers (0-based) of the 绩效自评表 parts, shared by the writer and the tests."""
    first = 6
    n = len(evaluation.indicators)
    return {"budget_row": 3, "first_indicator": first, "last_indicator": first + n - 1,
            "summary_header": first + n + 1, "summary_first": first + n + 2}


_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def defined_cells(names: dict[str, str]) -> dict[str, tuple[str, int, int]]:
    """Defined names (name → refers-to text) that refer to one cell: name -> (sheet, row0, col0)."""
    out = {}
    for name, refers in names.items():
        m = _REF.match(refers.strip())
        if not m:
            continue
        name = name.rpartition("!")[2]      # a name scoped to one sheet: 'Sheet'!cases.total
        sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
        out[name] = (sheet, int(m.group(4)) - 1, col_number(m.group(3)) - 1)
    return out
