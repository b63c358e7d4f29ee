"""A corpus of case ledgers kept the way county centres really keep them, each with the exact figures it must give.

Every shape holds the same kind of matters (priced by the Hunan standard at its minimum: 刑事 侦查/审查起诉 800,
审判/死刑复核 1,500, 民事/行政/仲裁 1,500; several stages add up), written in one of the layouts seen in published
法律援助案件登记表/台账 templates: one sheet per month or quarter, one file per station, merged label cells, type and
stage in one cell, subtotal rows, notes under the table, hidden rows, dates and amounts as text. The expected case
count and total come from the generated matters, never from the toolkit.

Run as a script to write the corpus into a folder: python tests/ledger_corpus.py 输出文件夹
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl

MINIMUM = {("刑事", "侦查"): 800, ("刑事", "审查起诉"): 800, ("刑事", "审判"): 1500, ("刑事", "死刑复核"): 1500,
           "民事": 1500, "行政": 1500, "仲裁": 1500}
LAWYERS = [("张明", "湘资律师事务所"), ("李华", "湘资律师事务所"), ("王芳", "洞庭律师事务所"), ("赵强", "洞庭律师事务所"),
           ("陈静", "益阳法律援助工作站")]
HEADER = ["序号", "案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "结案日期", "补贴金额"]
MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass
class Matter:
    number: str
    person: str
    case_type: str
    stages: tuple[str, ...]
    lawyer: str
    firm: str
    assigned: dt.date
    closed: dt.date | None

    @property
    def minimum(self) -> int:
        if self.case_type == "刑事":
            return sum(MINIMUM[("刑事", s)] for s in self.stages)
        return MINIMUM[self.case_type]


@dataclass
class Shape:
    """One corpus entry: where it is, what it must give, and what the summary must name."""

    name: str
    path: Path
    cases: int
    total: Decimal
    sheets: list[str] = field(default_factory=list)          # sheets expected to be combined, in order
    left_out: list[str] = field(default_factory=list)        # sheets (or files) expected to be named as not combined
    hidden: int = 0                                          # hidden rows read and counted
    sheet: str | None = None                                 # --sheet to pass, if any


def matters(n: int, seed: int, year: int = 2023) -> list[Matter]:
    """n matters spread over the year, numbered (year)沅法援字第0001号 …"""
    rng = random.Random(seed)
    kinds = [("刑事", ("审判",)), ("刑事", ("审查起诉",)), ("刑事", ("侦查",)), ("刑事", ("审查起诉", "审判")),
             ("刑事", ("死刑复核",)), ("民事", ()), ("民事", ()), ("民事", ()), ("行政", ()), ("仲裁", ())]
    out = []
    for i in range(n):
        case_type, stages = rng.choice(kinds)
        lawyer, firm = rng.choice(LAWYERS)
        month = 1 + i * 12 // n
        assigned = dt.date(year, month, rng.randint(1, 28))
        closed = assigned + dt.timedelta(days=rng.randint(20, 120)) if rng.random() < 0.8 else None
        out.append(Matter(f"({year})沅法援字第{i + 1:04d}号", f"受援人{i + 1}", case_type, stages, lawyer, firm,
                          assigned, closed))
    return out


def total(ms: list[Matter]) -> Decimal:
    return Decimal(sum(m.minimum for m in ms))


def _row(seq, m: Matter, *, stage_text=None, type_text=None, dates=None, amount=None) -> list:
    assigned, closed = dates or (m.assigned, m.closed)
    return [seq, m.number, m.person, type_text or m.case_type,
            stage_text if stage_text is not None else ("、".join(m.stages) or None),
            m.lawyer, m.firm, assigned, closed, amount if amount is not None else m.minimum]


def _sheet(wb, name: str, title: str, ms: list[Matter], *, totals=True, notes=True, subtotals=False, **kw):
    ws = wb.create_sheet(name)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(["填报单位：沅江市法律援助中心", None, None, None, None, None, None, None, "单位：元"])
    ws.append(HEADER)
    seq = 0
    month = None
    for m in ms:
        if subtotals and month is not None and m.assigned.month != month:
            ws.append([None, f"{month}月小计", None, None, None, None, None, None, None, None])
        month = m.assigned.month
        seq += 1
        ws.append(_row(seq, m, **kw))
    if subtotals and month is not None:
        ws.append([None, f"{month}月小计"] + [None] * 8)
    if totals:
        ws.append(["合计", None, None, None, None, None, None, None, None, sum(m.minimum for m in ms)])
    if notes:
        ws.append([])
        ws.append(["注：1.本表按指派日期登记；2.补贴金额为应付金额。"])
        ws.append(["制表人：刘会计", None, None, "审核人：周主任", None, None, "填报日期：2024年1月5日"])
    return ws


def _book() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return wb


def one_sheet(folder: Path, ms: list[Matter]) -> Shape:
    wb = _book()
    _sheet(wb, "案件台账", "沅江市法律援助中心2023年法律援助案件台账", ms)
    path = folder / "全年一张表.xlsx"
    wb.save(path)
    return Shape("一张表", path, len(ms), total(ms), ["案件台账"])


def twelve_sheets(folder: Path, ms: list[Matter]) -> Shape:
    """1月 … 12月, each with its title, header and 合计; a 全年汇总 copy and a 填表说明 sheet that must not count."""
    wb = _book()
    instructions = wb.create_sheet("填表说明")
    instructions.append(["1. 每月一张表，按指派日期登记。"])
    for month, name in enumerate(MONTHS, start=1):
        _sheet(wb, name, f"沅江市法律援助中心2023年{month}月案件登记表", [m for m in ms if m.assigned.month == month])
    _sheet(wb, "全年汇总", "2023年全年汇总", ms)
    path = folder / "按月分表.xlsx"
    wb.save(path)
    return Shape("十二个月", path, len(ms), total(ms), MONTHS, ["全年汇总"])


def quarters_with_subtotals(folder: Path, ms: list[Matter]) -> Shape:
    wb = _book()
    names = ["一季度", "二季度", "三季度", "四季度"]
    for q, name in enumerate(names):
        part = [m for m in ms if (m.assigned.month - 1) // 3 == q]
        _sheet(wb, name, f"2023年第{name}法律援助案件台账", part, subtotals=True)
    path = folder / "按季度.xlsx"
    wb.save(path)
    return Shape("季度小计", path, len(ms), total(ms), names)


def per_lawyer_with_odd_sheet(folder: Path, ms: list[Matter]) -> Shape:
    """One sheet per lawyer; a 律师名册 sheet with a different header is named, not combined."""
    wb = _book()
    names = []
    for lawyer, _ in LAWYERS:
        part = [m for m in ms if m.lawyer == lawyer]
        _sheet(wb, lawyer, f"{lawyer}律师2023年承办法律援助案件登记表", part, notes=False)
        names.append(lawyer)
    roster = wb.create_sheet("律师名册")
    roster.append(["承办律师", "律师事务所", "案件类型", "执业证号"])
    roster.append(["张明", "湘资律师事务所", "刑事", "14309201"])
    path = folder / "按律师.xlsx"
    wb.save(path)
    return Shape("按律师", path, len(ms), total(ms), names, ["律师名册"])


def merged_labels(folder: Path, ms: list[Matter]) -> Shape:
    """Rows grouped by type and stage with the type, stage, lawyer and firm cells merged over each group."""
    wb = _book()
    ws = wb.create_sheet("案件台账")
    ws.append(["2023年法律援助案件登记台账"])
    ws.append(HEADER)
    ordered = sorted(ms, key=lambda m: (m.case_type, m.stages, m.lawyer))
    r = 3
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and (ordered[j].case_type, ordered[j].stages, ordered[j].lawyer, ordered[j].firm) == \
                (ordered[i].case_type, ordered[i].stages, ordered[i].lawyer, ordered[i].firm):
            j += 1
        for k in range(i, j):
            m = ordered[k]
            row = _row(k + 1, m)
            if k > i:
                row[3] = row[4] = row[5] = row[6] = None    # below the top cell of a merged range
            ws.append(row)
        if j - i > 1:
            for col in (4, 5, 6, 7):
                ws.merge_cells(start_row=r, start_column=col, end_row=r + j - i - 1, end_column=col)
        r += j - i
        i = j
    path = folder / "合并单元格.xlsx"
    wb.save(path)
    return Shape("合并单元格", path, len(ms), total(ms), ["案件台账"])


def combined_wording(folder: Path, ms: list[Matter]) -> Shape:
    """Type and stage in one cell ("刑事审判阶段", "刑事（审查起诉）", "民事一审"), everyday stage words (起诉, 一审)."""
    wb = _book()
    ws = wb.create_sheet("台账")
    ws.append(["2023年法律援助案件台账"])
    ws.append(HEADER)
    styles = ["{t}{s}阶段", "{t}（{s}）", "{t}{s}"]
    for i, m in enumerate(ms):
        if m.case_type == "刑事" and len(m.stages) == 1:
            stage = m.stages[0]
            if i % 2:
                type_text, stage_text = styles[i % 3].format(t="刑事", s=stage), ""
            else:   # the everyday word in the stage column
                type_text = "刑事"
                stage_text = {"审查起诉": "起诉", "审判": "一审"}.get(stage, stage)
        elif m.case_type == "民事":
            type_text, stage_text = ("民事一审", "") if i % 2 else ("民事", "二审")
        else:
            type_text, stage_text = None, None
        ws.append(_row(i + 1, m, type_text=type_text, stage_text=stage_text))
    path = folder / "类型阶段一格.xlsx"
    wb.save(path)
    return Shape("类型阶段一格", path, len(ms), total(ms), ["台账"])


def text_dates_and_units(folder: Path, ms: list[Matter]) -> Shape:
    """Dates as "2023.3.5" and "3月5日" (the year only in the title), amounts as "1,500元" and "0.15万"."""
    wb = _book()
    ws = wb.create_sheet("登记表")
    ws.append(["沅江市法律援助中心2023年度法律援助案件登记表"])
    ws.append(HEADER)
    for i, m in enumerate(ms):
        a = f"{m.assigned.year}.{m.assigned.month}.{m.assigned.day}" if i % 2 else \
            f"{m.assigned.month}月{m.assigned.day}日"
        c = None if m.closed is None or m.closed.year != 2023 else f"{m.closed.month}月{m.closed.day}日"
        amount = f"{m.minimum:,}元" if i % 2 else f"{Decimal(m.minimum) / 10000}万"
        ws.append(_row(i + 1, m, dates=(a, c), amount=amount))
    path = folder / "文字日期.xlsx"
    wb.save(path)
    return Shape("文字日期和单位", path, len(ms), total(ms), ["登记表"])


def hidden_rows(folder: Path, ms: list[Matter]) -> Shape:
    """A filtered ledger: some matter rows hidden in Excel, still matters of the year."""
    wb = _book()
    ws = _sheet(wb, "案件台账", "2023年法律援助案件台账", ms, notes=False)
    hidden = list(range(4, 4 + len(ms), 3))
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    ws.auto_filter.ref = f"A3:J{3 + len(ms)}"
    path = folder / "隐藏行.xlsx"
    wb.save(path)
    return Shape("隐藏行", path, len(ms), total(ms), ["案件台账"], hidden=len(hidden))


def station_folder(folder: Path, ms: list[Matter]) -> Shape:
    """A folder with one file per station (one of them CSV) and a broken file that is named with its reason."""
    target = folder / "各工作站"
    target.mkdir()
    stations = ["城关工作站", "草尾工作站", "南大工作站"]
    for i, station in enumerate(stations):
        part = ms[i::3]
        if i < 2:
            wb = _book()
            _sheet(wb, "Sheet1", f"{station}2023年法律援助案件台账", part)
            wb.save(target / f"{station}.xlsx")
        else:
            lines = [",".join(HEADER)]
            for k, m in enumerate(part, start=1):
                lines.append(",".join(str(v) if v is not None else "" for v in _row(k, m)))
            (target / f"{station}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (target / "损坏的文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return Shape("工作站文件夹", target, len(ms), total(ms), stations, ["损坏的文件.xlsx"])


SHAPES = (one_sheet, twelve_sheets, quarters_with_subtotals, per_lawyer_with_odd_sheet, merged_labels,
          combined_wording, text_dates_and_units, hidden_rows, station_folder)


def write_corpus(folder: Path, n: int = 120, seed: int = 19) -> list[Shape]:
    """Every shape, each holding the same n matters."""
    folder.mkdir(parents=True, exist_ok=True)
    ms = matters(n, seed)
    return [make(folder, ms) for make in SHAPES]


if __name__ == "__main__":
    for shape in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "ledger_corpus")):
        print(f"{shape.name}\t{shape.path}\t{shape.cases} 件\t{shape.total} 元")
