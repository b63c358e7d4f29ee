"""The benchmark ledger generator and the naive baseline the benchmark compares against (small sizes only)."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import xlsxwriter

from benchmarks.bench_subsidy import run_baseline
from benchmarks.ledger_gen import HEADERS, write_ledger

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _rows(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in wb["案件台账"].iter_rows(values_only=True)]
    wb.close()
    return rows


def test_write_ledger_layout_and_content(tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", rows=600, seed=3)
    rows = _rows(path)
    assert rows[0][0].startswith("示例县法律援助中心") and rows[1][0] == "单位：元"
    assert rows[2] == HEADERS
    data = [dict(zip(HEADERS, r)) for r in rows[3:]]
    assert len(data) == 600
    assert [d["序号"] for d in data] == list(range(1, 601))
    for d in data:
        id_number = d["身份证号"]
        assert "10X98765432"[sum(int(c) * w for c, w in zip(id_number, WEIGHTS)) % 11] == id_number[17]
        assert (d["诉讼阶段"] is not None) == (d["案件类型"] == "刑事")
    text_amounts = [d["补贴金额"] for d in data if isinstance(d["补贴金额"], str)]
    text_dates = [d["指派日期"] for d in data if isinstance(d["指派日期"], str)]
    assert 1 <= len(text_amounts) <= 30 and 1 <= len(text_dates) <= 30
    assert all(re.search(r"元|万|[０-９]", t) for t in text_amounts)
    assert {d["案件类型"] for d in data} >= {"刑事", "民事", "认罪认罚法律帮助", "非诉讼"}
    wb = openpyxl.load_workbook(path, read_only=True)
    standard = [r[:3] for r in wb["补贴标准"].iter_rows(values_only=True)]
    wb.close()
    assert standard[1] == ("认罪认罚法律帮助", None, "件") and standard[7] == ("优秀上浮比例", 0.2, "评查优秀的案件上浮")


def test_write_ledger_is_deterministic(tmp_path):
    a = _rows(write_ledger(tmp_path / "a.xlsx", rows=200, seed=1))
    b = _rows(write_ledger(tmp_path / "b.xlsx", rows=200, seed=1))
    c = _rows(write_ledger(tmp_path / "c.xlsx", rows=200, seed=2))
    assert a == b and a != c


def test_baseline_prices_each_row_by_the_minimum_table(tmp_path):
    ledger = tmp_path / "小台账.xlsx"
    wb = xlsxwriter.Workbook(str(ledger))
    ws = wb.add_worksheet("案件台账")
    ws.write(0, 0, "标题")
    ws.write_row(2, 0, HEADERS)
    cases = [  # 案件类型, 诉讼阶段, 异地办案, 受援人数, 案件质量 → expected
        ("刑事", "审查起诉、审判", "否", 1, "优秀"),   # (800 + 1500) × 1.2 = 2760
        (" 民事", None, "是", 2, "合格"),             # 1500 + 300 + 200 = 2000
        ("非诉讼", None, "否", 1, None),              # 500
        ("民亊", None, "否", 1, None),                # unknown type: not counted
    ]
    for i, (case_type, stage, away, persons, quality) in enumerate(cases):
        row = dict.fromkeys(HEADERS)
        row.update({"序号": i + 1, "案件类型": case_type, "诉讼阶段": stage, "异地办案": away, "受援人数": persons,
                    "案件质量": quality})
        for col, name in enumerate(HEADERS):
            if row[name] is not None:
                ws.write(3 + i, col, row[name])
    wb.close()
    out = tmp_path / "结果.xlsx"
    result = run_baseline(ledger, out)
    assert result["cases"] == 3 and Decimal(result["total"]) == Decimal(5260)
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["案件台账"][1]][-1] == "测算补贴"
    assert [r[0].value for r in book["案件台账"].iter_rows(min_row=2, max_col=1)] == [1, 2, 3, 4]
    assert [book["案件台账"].cell(r, len(HEADERS) + 1).value for r in range(2, 6)] == [2760, 2000, 500, None]
    totals = {r[0]: r[1] for r in book["补贴汇总"].iter_rows(min_row=2, values_only=True)}
    assert totals["测算补贴合计"] == 5260 and totals["缺口"] == 5260 - 460000
