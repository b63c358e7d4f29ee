"""Whatever the reformat path remembers between returns (parsed styles/workbook parts keyed by their bytes, conversion
answers per column kind and unit, the writer's cached parts) must never give one layout's answer to another: two
returns of the same headers in different column orders, number formats and units, read back cell by cell."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from toolkit.io.returns_batch import reformat_folder
from toolkit.io.xlsx import read_book
from toolkit.monthly.normalise import default_template, return_aliases

RECORDS = [("(2023)沅法援字第00101号", "张三", "民事", dt.date(2023, 3, 2), 1500.0, 1234.56),
           ("(2023)沅法援字第00102号", "李四", "刑事", dt.date(2023, 3, 9), 1800.0, 0.5),
           ("(2023)沅法援字第00103号", "王五", "行政", dt.date(2023, 3, 28), 2000.0, 98765.43)]
HEADERS = ["案号", "受援人", "案件类型", "指派日期", "补贴金额", "挽回经济损失"]


def _write(path: Path, order: list[int], wan: bool, date_first_format: bool) -> None:
    """One return: the columns in `order`, amounts in 万元 or 元; the cell formats added in one order or the other,
    so the same style index means a date in one file and an amount in the other."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Sheet1")
    if date_first_format:
        date_fmt, money_fmt = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "0.00"})
    else:
        money_fmt, date_fmt = book.add_format({"num_format": "0.00"}), book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, "某法律援助工作站2023年3月案件统计表" + ("（金额单位：万元）" if wan else ""))
    ws.write_row(1, 0, [HEADERS[k] for k in order])
    for r, record in enumerate(RECORDS, 2):
        for c, k in enumerate(order):
            v = record[k]
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
            elif isinstance(v, float):
                ws.write_number(r, c, v / 10000 if wan else v, money_fmt)
            else:
                ws.write_string(r, c, v)
    book.close()


def _rows_by_header(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(grid) if "案号" in row)
    header = grid[header_at]
    return [dict(zip(header, row)) for row in grid[header_at + 1:] if any(v is not None for v in row)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_two_layouts_in_one_batch_each_read_as_its_own(tmp_path, jobs):
    folder = tmp_path / "月报"
    folder.mkdir()
    layouts = {"a.xlsx": (list(range(6)), False, True),
               "b.xlsx": ([5, 3, 1, 4, 0, 2], True, False),     # reordered, 万元, formats added the other way
               "c.xlsx": (list(range(6)), False, True)}          # byte-identical parts to a.xlsx: the cache is hit
    for name, (order, wan, date_first) in layouts.items():
        _write(folder / name, order, wan, date_first)
    read_book._PARSED.clear()
    out = tmp_path / "结果"
    outcome = reformat_folder(folder, out, default_template(), return_aliases(), jobs=jobs)
    assert [r["status"] for r in outcome.records] == ["ok"] * 3, [r["messages"] for r in outcome.records]
    log = json.loads((out / "处理日志.json").read_text(encoding="utf-8"))
    assert any("万元" in m for m in log["files_detail"][1]["messages"])
    template = default_template()
    header_of = {c.name: c.header for c in template.columns}
    for name in layouts:
        rows = _rows_by_header(out / "整理后月报" / name)
        assert len(rows) == len(RECORDS), name
        for got, (case, person, kind, assigned, subsidy, recovered) in zip(rows, RECORDS):
            assert got[header_of["案号"]] == case, name
            assert got[header_of["受援人"]] == person, name
            assert got[header_of["案件类型"]] == kind, name
            assigned_cell = got[header_of["指派日期"]]
            assert isinstance(assigned_cell, dt.datetime) and assigned_cell.date() == assigned, (name, assigned_cell)
            assert Decimal(str(got[header_of["补贴金额"]])) == Decimal(str(subsidy)), name
            assert Decimal(str(got[header_of["挽回经济损失"]])) == Decimal(str(recovered)), name
    if jobs == 1:     # in this process: the parts of a.xlsx and c.xlsx were parsed once, b.xlsx's on their own
        assert len({k for k in read_book._PARSED if k[0] == "styles"}) == 2
