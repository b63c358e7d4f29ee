"""Reading real ledgers: title rows, aliases, text amounts, totals, and every row check."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import valid_id, write_book
from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger

GOOD_ID = valid_id()
BAD_CHECK = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")


def messy_ledger(tmp_path):
    rows = [
        ["示例县法律援助中心2023年案件台账"],
        ["单位：元"],
        ["案件编号", "当事人", "公民身份号码", "案件类别", "阶段", "承办人", "律所", "受理日期", "办结日期",
         "受援人类别", "办案补贴", "挽回损失"],
        ["(2023)001", "甲", GOOD_ID, " 刑事 ", "审查起诉、审判", "张律师", "一所", dt.datetime(2023, 3, 5),
         "2023年4月1日", "农民工、残疾人", "1,500元", 0],
        ["(2023)002", "乙", GOOD_ID, "民 事", None, "李律师", "二所", "2023.1.2", "2023/2/1", "老人", "0.15万",
         "一千五百"],
        [None] * 12,
        ["(2023)003", "丙", BAD_CHECK, "劳动争议仲裁", None, "李律师", "二所", 44990, None, None, "１５００", None],
        ["(2023)001", "丁", None, "民亊", None, "王律师", "三所", "2023-05-01", None, None, "一千五百", None],
        ["(2023)005", "戊", None, "民事", "审判", "王律师", "三所", "2023-05-01", "2023-04-01", None, None, "-300"],
        ["(2023)006", "己", "430902198513320011", None, None, "王律师", "三所", None, None, None, None, None],
        ["(2023)007", "庚", None, "刑事", None, "王律师", "三所", None, None, None, None, None],
        ["合计", None, None, None, None, None, None, None, None, None, 6000, None],
        ["注：本表由中心财务填报"],
    ]
    return write_book(tmp_path / "台账.xlsx", {"案件台账": rows}, merges={"案件台账": ["A1:L1"]})


def test_reads_messy_ledger(tmp_path):
    path = messy_ledger(tmp_path)
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert ledger.header.header_rows == (2,)
    cases = ledger.cases.set_index("案号")
    assert list(cases.index) == ["(2023)001", "(2023)002", "(2023)003"]
    first = cases.loc["(2023)001"]
    assert first["案件类型"] == "刑事"
    assert first["诉讼阶段"] == ("审查起诉", "审判")
    assert first["特殊群体"] == ("农民工", "残疾人")
    assert first["补贴金额"] == Decimal("1500")
    assert first["指派日期"] == dt.date(2023, 3, 5) and first["结案日期"] == dt.date(2023, 4, 1)
    second = cases.loc["(2023)002"]
    assert second["案件类型"] == "民事" and second["诉讼阶段"] == ()
    assert second["补贴金额"] == Decimal("1500") and second["挽回经济损失"] == Decimal("1500")
    assert second["特殊群体"] == ("老年人",)
    third = cases.loc["(2023)003"]
    assert third["案件类型"] == "仲裁" and third["指派日期"] == dt.date(2023, 3, 5)
    assert ledger.skipped_blank == 1 and ledger.skipped_totals == 1 and ledger.skipped_notes == 1
    assert ledger.total_rows == [12]


def _by_row(ledger):
    result = {}
    for f in ledger.findings:
        result.setdefault(f.row, []).append(f)
    return result


def test_every_check_names_row_and_column(tmp_path):
    path = messy_ledger(tmp_path)
    ledger = build_ledger(read_workbook(path), file=path.name)
    found = _by_row(ledger)
    # bad check digit: a warning, masked value, row kept
    (f,) = [f for f in found[7] if f.column == "公民身份号码"]
    assert f.severity == WARNING and "校验位" in f.message and f.value == BAD_CHECK[:6] + "********" + BAD_CHECK[-4:]
    # unknown type with suggestion, and duplicate case number
    messages = {f.column: f for f in found[8]}
    assert "民亊" in messages["案件类别"].message and "民事" in messages["案件类别"].message
    assert messages["案件编号"].severity == ERROR and "第4行" in messages["案件编号"].message
    # stage on a civil case (warning), closing before assignment, negative amount (errors)
    row9 = {f.column: f for f in found[9]}
    assert row9["阶段"].severity == WARNING
    assert row9["办结日期"].severity == ERROR and "早于" in row9["办结日期"].message
    assert row9["挽回损失"].severity == ERROR and "负数" in row9["挽回损失"].message
    # missing type; impossible birth date
    row10 = {f.column: f for f in found[10]}
    assert row10["案件类别"].severity == ERROR and "为空" in row10["案件类别"].message
    assert "出生日期" in row10["公民身份号码"].message
    # criminal case without a stage
    assert any("诉讼阶段" in f.message and f.severity == ERROR for f in found[11])
    assert sorted(ledger.excluded["excel_row"]) == [8, 9, 10, 11]
    assert all(f.file == "台账.xlsx" and f.sheet == "案件台账" for f in ledger.findings)


def test_two_row_merged_header(tmp_path):
    rows = [["某某律师事务所2023年3月法律援助案件"],
            ["案号", "案件类型", "承办律师", "金额", None],
            [None, None, None, "补贴金额", "挽回经济损失"],
            ["A-1", "民事", "张", 1500, 20000]]
    path = write_book(tmp_path / "r.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["D2:E2", "A2:A3", "B2:B3", "C2:C3"]})
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert ledger.header.header_rows[-1] == 2  # merged cells carry the upper names down
    case = ledger.cases.iloc[0]
    assert case["补贴金额"] == Decimal("1500") and case["挽回经济损失"] == Decimal("20000")


def test_user_alias_sheet(tmp_path):
    rows = [["编码", "种类", "办案人"], ["X1", "民事", "张"]]
    alias = [["表中列名", "标准列名"], ["编码", "案号"], ["种类", "案件类型"], ["办案人", "承办律师"]]
    path = write_book(tmp_path / "a.xlsx", {"案件台账": rows, "列名对照": alias})
    ledger = build_ledger(read_workbook(path), file=path.name)
    assert ledger.cases.iloc[0]["案号"] == "X1" and ledger.cases.iloc[0]["承办律师"] == "张"


def test_no_ledger_header_is_a_clear_error(tmp_path):
    path = write_book(tmp_path / "x.xlsx", {"Sheet1": [["随便", "什么"], [1, 2]]})
    with pytest.raises(InputError) as info:
        build_ledger(read_workbook(path), file=path.name)
    assert "x.xlsx" in info.value.describe() and "台账" in info.value.describe()
