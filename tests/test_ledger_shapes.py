"""Ledger shapes one at a time: merged cells, combined wording, subtotal rows, hidden rows, dates without a year,
sheets combined or left out (with the reason), case numbers repeated across sheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import write_book
from toolkit.base.errors import InputError
from toolkit.excel import buttons
from toolkit.base.findings import ERROR, WARNING
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.ledger.parse import parse_ledger
from toolkit.ledger.book import build_ledger, combination_lines, combined_label
from toolkit.ledger.vocab import default_vocabulary, type_and_stage

HEADER = ["序号", "案号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "补贴金额"]


def sheet(name, rows, merged=(), hidden=frozenset(), title="2023年法律援助案件台账"):
    return RawSheet(name, [[title], HEADER, *rows], list(merged), hidden=frozenset(hidden))


def test_type_and_stage_in_one_cell_through_the_vocabulary():
    vocab = default_vocabulary()
    assert type_and_stage(vocab, "刑事审判阶段") == ("刑事", "审判", "审判阶段")
    assert type_and_stage(vocab, "刑事（审查起诉）") == ("刑事", "审查起诉", "审查起诉")
    assert type_and_stage(vocab, "刑事-一审") == ("刑事", "审判", "一审")
    assert type_and_stage(vocab, "民事二审") == ("民事", None, "二审")
    assert type_and_stage(vocab, "行政诉讼再审") == ("行政", None, "再审")
    assert type_and_stage(vocab, "民事侦查") is None          # a criminal stage is no instance of a civil case
    assert type_and_stage(vocab, "刑事") is None


def test_merged_labels_fill_their_rows_and_merged_amounts_are_reported():
    rows = [[1, "A1", "刑事", "审判", "张明", "甲所", "2023.3.5", 3000],
            [2, "A2", None, None, None, None, "2023.3.6", None],
            [3, "A3", None, None, None, None, "2023.3.7", None],
            [4, "A4", "民事", None, "李华", "乙所", "2023.3.8", 1500]]
    # 案件类型 C3:C5, 诉讼阶段 D3:D5, 承办律师 E3:E5, 律所 F3:F5, 补贴金额 H3:H5 (0-based rows 2..4)
    merged = [(2, c, 4, c) for c in (2, 3, 4, 5, 7)]
    ledger = parse_ledger(sheet("台账", rows, merged), "台账.xlsx")
    cases = ledger.cases.set_index("案号")
    assert list(cases["案件类型"]) == ["刑事", "刑事", "刑事", "民事"]
    assert list(cases["诉讼阶段"]) == [("审判",), ("审判",), ("审判",), ()]
    assert list(cases["承办律师"]) == ["张明", "张明", "张明", "李华"]
    assert cases.loc["A1", "补贴金额"] == Decimal(3000)
    assert cases.loc["A2", "补贴金额"] is None and cases.loc["A3", "补贴金额"] is None     # not copied
    (warning,) = [f for f in ledger.findings if f.column == "补贴金额"]
    assert warning.severity == WARNING and warning.row == 3 and "第3–5行合并" in warning.message
    assert any("合并单元格的值已用于其覆盖的每一行" in n and "“案件类型”2 个单元格" in n for n in ledger.notes)


def test_everyday_stage_words_and_instances():
    rows = [[1, "B1", "刑事", "起诉", "张明", "甲所", "2023-01-05", None],
            [2, "B2", "刑事", "一审", "张明", "甲所", "2023-01-05", None],
            [3, "B3", "民事", "一审", "张明", "甲所", "2023-01-05", None],
            [4, "B4", "民事", "侦查", "张明", "甲所", "2023-01-05", None],
            [5, "B5", "刑事审判阶段", None, "张明", "甲所", "2023-01-05", None]]
    ledger = parse_ledger(sheet("台账", rows))
    cases = ledger.cases.set_index("案号")
    assert cases.loc["B1", "诉讼阶段"] == ("审查起诉",) and cases.loc["B2", "诉讼阶段"] == ("审判",)
    assert cases.loc["B3", "诉讼阶段"] == () and cases.loc["B5", "诉讼阶段"] == ("审判",)
    assert cases.loc["B1", "读法"] == "阶段“起诉”读作审查起诉"
    assert "审级" in cases.loc["B3", "读法"]
    stage_findings = {f.row: f for f in ledger.findings if f.column == "诉讼阶段"}
    assert list(stage_findings) == [6]       # only 民事 with 侦查 is questioned: 一审 is a civil instance
    assert stage_findings[6].severity == WARNING


def test_subtotal_signature_and_note_rows_are_not_matters():
    rows = [[1, "C1", "民事", None, "张明", "甲所", "2023-03-01", None],
            [None, "3月小计", None, None, None, None, None, 1500],
            [2, "C2", "民事", None, "张明", "甲所", "2023-04-01", None],
            ["一季度合计", None, None, None, None, None, None, 1500],
            ["1-4月合计", None, None, None, None, None, None, 3000],
            ["注：本表按指派日期登记。"],
            ["制表人：刘会计", None, "审核：周主任", None, None, "日期：2024.1.5"]]
    ledger = parse_ledger(sheet("台账", rows))
    assert list(ledger.cases["案号"]) == ["C1", "C2"] and ledger.excluded.empty
    assert ledger.skipped_totals == 3 and ledger.total_rows == [4, 6, 7]
    assert ledger.skipped_notes == 2 and any("第8、9行是表下的说明文字" in n for n in ledger.notes)


def test_hidden_rows_are_counted_and_said():
    rows = [[i, f"D{i}", "民事", None, "张明", "甲所", "2023-03-01", None] for i in range(1, 6)]
    ledger = parse_ledger(sheet("台账", rows, hidden={3, 5}))
    assert len(ledger.cases) == 5 and ledger.hidden_rows == [4, 6]
    assert any("第4、6行在 Excel 中是隐藏或被筛选掉的行，也已读取（共 2 行）" in n for n in ledger.notes)


def test_dates_without_a_year_take_the_title_year_or_are_errors():
    rows = [[1, "E1", "民事", None, "张明", "甲所", "3月5日", None], [2, "E2", "民事", None, "张明", "甲所", "12.31", None]]
    ledger = parse_ledger(sheet("台账", rows))
    assert list(ledger.cases["指派日期"]) == [dt.date(2023, 3, 5), dt.date(2023, 12, 31)]
    untitled = parse_ledger(sheet("台账", rows, title="法律援助案件台账"))
    assert untitled.cases.empty and len(untitled.excluded) == 2
    assert all("没有年份" in f.message for f in untitled.findings if f.severity == ERROR)


def _month(m, numbers):
    return [[f"2023年{m}月案件登记表"], HEADER] + [[i, n, "民事", None, "张明", "甲所", f"2023-{m:02d}-0{i}", None]
                                              for i, n in enumerate(numbers, start=1)]


def test_repeated_case_number_across_sheets_is_an_error_naming_the_first(tmp_path):
    path = write_book(tmp_path / "台账.xlsx", {"1月": _month(1, ["F1", "F2"]), "2月": _month(2, ["F3", "F1"])})
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert list(ledger.cases["案号"]) == ["F1", "F2", "F3"] and list(ledger.cases["sheet"]) == ["1月", "1月", "2月"]
    (dup,) = [f for f in ledger.findings if f.severity == ERROR]
    assert (dup.sheet, dup.row) == ("2月", 4) and "与「1月」第3行重复" in dup.message
    assert list(ledger.excluded["sheet"]) == ["2月"]
    assert combined_label(ledger) == "台账.xlsx 的 2 个工作表（1月、2月）"


def test_which_sheets_are_combined(tmp_path):
    books = {"2022年": _month(1, ["G0"]), "2023年1月": _month(1, ["G1"]), "2023年2月": _month(2, ["G2"]),
             "上年台账备份": _month(3, ["G3"]), "律师名册": [["承办律师", "律师事务所", "案件类型"], ["张明", "甲所", "刑事"]],
             "说明": [["填表说明"]]}
    path = write_book(tmp_path / "台账.xlsx", books)
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert [p.sheet for p in ledger.pieces] == ["2023年1月", "2023年2月"]
    reasons = {s: r for _, s, r in ledger.left_out}
    assert set(reasons) == {"2022年", "上年台账备份", "律师名册"}
    assert "往年" in reasons["2022年"] and "上年" in reasons["上年台账备份"] and "不同" in reasons["律师名册"]
    lines = combination_lines(ledger)
    assert lines[0].startswith("合并了 2 个工作表：2023年1月、2023年2月") and len(lines) >= 4
    # a sheet named 案件台账 is the ledger, as before; the others are named
    named = write_book(tmp_path / "b.xlsx", {"案件台账": _month(1, ["H1"]), "2月": _month(2, ["H2"])})
    ledger = build_ledger(read_workbook(named), file=named.name)
    assert [p.sheet for p in ledger.pieces] == ["案件台账"] and ledger.left_out[0][1] == "2月"
    with pytest.raises(InputError, match="找不到工作表“9月”"):
        build_ledger(read_workbook(named), "9月", file=named.name)


def test_the_button_writes_every_month_sheet(tmp_path):
    path = write_book(tmp_path / "台账.xlsx", {"1月": _month(1, ["K1", "K2"]), "2月": _month(2, ["K3"])})
    sheets = read_workbook(path)
    plan = buttons.subsidy_plan(sheets, {}, active="2月", file=path.name)
    assert [p.sheet for p in [plan, *plan.others]] == ["1月", "2月"]
    assert [r[2] for r in buttons.ledger_block(plan)[1:3]] == [Decimal(1500), Decimal(1500)]
    assert buttons.ledger_block(plan.others[0])[1][2] == Decimal(1500)
    assert "应付补贴合计 4,500.00 元" in plan.message and "合并了 2 个工作表" in plan.message


def test_a_month_with_one_column_more_is_combined_and_said(tmp_path):
    march = [["2023年3月案件登记表"], HEADER + ["结案日期"], [1, "M3", "民事", None, "张明", "甲所", "2023-03-02", None,
                                                         "2023-04-01"]]
    path = write_book(tmp_path / "台账.xlsx", {"1月": _month(1, ["M1"]), "2月": _month(2, ["M2"]), "3月": march})
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert [p.sheet for p in ledger.pieces] == ["1月", "2月", "3月"] and len(ledger.cases) == 3
    assert ledger.cases.set_index("案号").loc["M3", "结案日期"] == dt.date(2023, 4, 1)
    assert any("「3月」的表头与台账.xlsx「1月」略有不同（多出“结案日期”列），已合并" in line
               for line in combination_lines(ledger))
