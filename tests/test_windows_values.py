"""Every LA_ function and every button setting, called the way classic xlwings on Windows Excel delivers values:
numbers as floats (2023 → 2023.0), dates as datetimes at midnight, cells as 2-D lists, formula blanks as "".
The answers must equal the ones for the values as typed (what Excel on the web and Lite pass)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import valid_id, write_book
from toolkit.base.errors import InputError
from toolkit.excel import buttons
from toolkit.excel.book_io import excel_value, period_value, year_value
from toolkit.excel.udfs import (FUNCTIONS, LA_CHECK_SUM, LA_FUND_GAP, LA_ID_CHECK, LA_SHARE, LA_STATS, LA_SUBSIDY,
                                LA_SUBSIDY_RANGE, LA_SUBSIDY_TOTAL, LA_TO_YUAN)
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.stats.compute import Period

EPOCH = dt.date(1899, 12, 30)


def windows(value):
    """A value as Windows Excel hands it to Python: every number a float, every date a datetime."""
    if isinstance(value, list):
        return [windows(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def serial(day: dt.date) -> float:
    return float((day - EPOCH).days)


STANDARD_ROWS = [["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明"],
                 ["民事", "", "件", 1600, 2600, ""],
                 ["值班律师", "", "日", 200, 200, ""]]

LEDGER = [["示例县法律援助中心案件台账", None, None, None, None, None, None, None],
          ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "指派日期", "受援人数", "挽回经济损失"],
          ["K1", "张三", valid_id(), "刑事", "审判", dt.date(2023, 3, 1), 1, None],
          ["K2", "李四", "", "民事", "", dt.date(2023, 3, 20), 2, 12000],
          ["K3", "王五", None, "民事", None, dt.date(2023, 5, 1), 1, 1500],
          ["K4", "赵六", None, "行政", None, dt.date(2023, 11, 2), 1, None],
          ["K5", "钱七", None, "民事", None, dt.date(2022, 5, 1), 1, None],
          ["合计", None, None, None, None, None, 6, 13500]]

# (function, arguments as typed, expected answer); the arguments' ranges are 2-D, as Excel passes a range
CALLS = [
    (LA_SUBSIDY, ("刑事", "审判"), 1500),
    (LA_SUBSIDY, ("民事", None, 1800), 1800),
    (LA_SUBSIDY, ("民事", "", "最高", STANDARD_ROWS), 2600),
    (LA_SUBSIDY_RANGE, ("刑事", "侦查"), [[800, 1500]]),
    (LA_SUBSIDY_RANGE, ("民事", None, STANDARD_ROWS), [[1600, 2600]]),
    (LA_SUBSIDY_TOTAL, ([["案件类型"], ["刑事"], ["民事"], [""], ["合计"]], [["诉讼阶段"], ["审判"], [""], [""], [""]],
                        1800), 3600),
    (LA_SUBSIDY_TOTAL, ([["刑事"], ["民事"]], [["审查起诉、审判"], [None]], "最低", STANDARD_ROWS), 2300 + 1600),
    (LA_FUND_GAP, (1104000, 460000), 644000),
    (LA_FUND_GAP, (1104000, 460000, "覆盖率"), 41.67),
    (LA_SHARE, (1, 8), 12.5),
    (LA_SHARE, (1, 3, 4), 33.3333),
    (LA_CHECK_SUM, (100, [[50], [50], [""]]), "相符"),
    (LA_CHECK_SUM, (100, [[50], [49.99]], 0), "不符：合计 100，各项之和 99.99，合计多 0.01"),
    (LA_TO_YUAN, (1500,), 1500),
    (LA_TO_YUAN, (12, "万元"), 120000),
    (LA_TO_YUAN, ("",), ""),
    (LA_ID_CHECK, (valid_id(),), "正确"),
    (LA_ID_CHECK, ("",), ""),
]


def fresh(f):
    f.cache_clear()   # the result cache must not hide a difference between the two ways of calling
    return f


@pytest.mark.parametrize("f, args, expected", CALLS, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CALLS)])
def test_every_function_answers_the_same_for_windows_values(f, args, expected):
    typed = fresh(f)(*args)
    assert typed == expected
    assert fresh(f)(*windows(list(args))) == expected
    assert type(fresh(f)(*windows(list(args)))) is type(expected)   # 1500, not 1500.0


def test_every_function_is_called_above():
    assert {f.__name__ for f, _, _ in CALLS} | {"LA_STATS"} == {f.__name__ for f in FUNCTIONS}


@pytest.mark.parametrize("f, args, shown, hidden", [
    (LA_SUBSIDY, (1500.0,), "“1500”", "1500.0"),
    (LA_SUBSIDY, ("民事", None, -5.0), "“-5”", "-5.0"),
    (LA_SUBSIDY, ("刑事", 3.0), "“3”", "3.0"),
    (LA_SUBSIDY_TOTAL, ([[2.0]], [[""]]), "“2”", "2.0"),
    (LA_FUND_GAP, (1000.0, 0.0, "倍数"), "金额为0", "0.0"),
    (LA_SHARE, (1.0, 8.0, 11.0), "0 到 10 的整数", "11.0"),
    (LA_TO_YUAN, (5.0, 3.0), "单位应为", "3.0"),
    (LA_STATS, ([["案号", "案件类型", "指派日期"], ["K1", "民事", dt.datetime(2023, 1, 2)]], 2023.5), "“2023.5”", "None"),
])
def test_error_texts_show_numbers_as_typed(f, args, shown, hidden):
    message = fresh(f)(*args)
    assert message.startswith("错误：") and shown in message and hidden not in message, message


def stats_values(ledger, period=None) -> dict:
    table = fresh(LA_STATS)(ledger) if period is None else fresh(LA_STATS)(ledger, period)
    assert not isinstance(table, str), table
    return {row[0]: row[2] for row in table[1:]}


def test_stats_with_a_windows_period_gives_the_figures_of_2023():
    typed = stats_values(LEDGER, "2023")
    assert typed["统计期间"] == "2023年" and typed["法律援助案件合计"] == 4 and typed["为受援人挽回经济损失"] == 13500
    win = windows(LEDGER)
    assert win[2][5] == dt.datetime(2023, 3, 1) and win[3][6] == 2.0
    for period in (2023.0, 2023, "2023年", "2023", " 2023 ", "2023年度"):
        assert stats_values(win, period) == typed, period
    assert stats_values(win) == typed                                    # default: the year with most cases
    assert stats_values(win, [[2023.0]]) == typed                        # the period as a one-cell range


def test_stats_periods_of_a_month_and_a_quarter():
    march = stats_values(LEDGER, "2023-03")
    assert march["统计期间"] == "2023年3月" and march["法律援助案件合计"] == 2
    win = windows(LEDGER)
    # Excel turns a typed 2023-03 or 2023年3月 into the date 2023-03-01: the month it falls in
    for period in (dt.datetime(2023, 3, 1), dt.date(2023, 3, 15), serial(dt.date(2023, 3, 1)), "2023年3月", "2023.3"):
        assert stats_values(win, period) == march, period
    q1 = stats_values(win, "2023Q1")
    assert q1["统计期间"] == "2023年第1季度" and q1["法律援助案件合计"] == 2
    assert stats_values(win, "2023年第1季度") == q1


def test_excel_value_rules():
    assert excel_value(2023.0) == 2023 and type(excel_value(2023.0)) is int
    assert excel_value(-5.0) == -5 and excel_value(0.5) == 0.5
    assert type(excel_value(4.30902198503120e17)) is float             # an ID typed as a number stays what it is
    assert excel_value(dt.datetime(2023, 3, 1)) == dt.date(2023, 3, 1)
    assert excel_value(dt.datetime(2023, 3, 1, 9, 30)) == dt.datetime(2023, 3, 1, 9, 30)
    assert excel_value("") is None and excel_value("x") == "x" and excel_value(True) is True
    assert excel_value([[1.0, ""], [dt.datetime(2023, 1, 1), None]]) == [[1, None], [dt.date(2023, 1, 1), None]]
    assert period_value(2023.0) == Period("year", 2023) and period_value("") is None and period_value(None) is None
    assert period_value(serial(dt.date(2024, 2, 29))) == Period("month", 2024, 2)
    with pytest.raises(ValueError, match="统计期间“2023.5”无法识别"):
        period_value(2023.5)
    assert year_value(2023.0) == 2023 and year_value(dt.datetime(2023, 12, 31)) == 2023 and year_value("2023年") == 2023
    with pytest.raises(ValueError):
        year_value("2023Q1")


# ---------------------------------------------------------------- button settings

HEADER = ["案号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期"]
ROWS = [["(2023)1", "刑事", "审查起诉、审判", "张三", "甲所", dt.date(2023, 3, 5)],
        ["(2023)2", "民事", None, "王五", "乙所", dt.date(2023, 4, 5)],
        ["(2022)9", "民事", None, "李四", "乙所", dt.date(2022, 6, 1)]]


def book_sheets(tmp_path, settings_rows, win: bool) -> list[RawSheet]:
    """The ledger and 参数 sheets as the button reads them: from a real file, then (Windows) as COM returns them."""
    sheets = read_workbook(write_book(tmp_path / "台账.xlsx", {"案件台账": [HEADER, *ROWS], "参数": settings_rows}))
    if win:
        sheets = [RawSheet(s.name, windows([list(r) for r in s.rows])) for s in sheets]
    return sheets


SUBSIDY_SETTINGS = [["补贴水平", 1800], ["专项经费", 460000], ["统一标准", 2000], ["补贴标准", "湖南"]]


def subsidy_outcome(sheets, named=None):
    plan = buttons.subsidy_plan(sheets, buttons.read_settings(sheets, named), active="案件台账", file="台账.xlsx")
    return buttons.ledger_block(plan), [[c.value if c else None for c in row] for row in plan.layout.rows], plan.message


def test_subsidy_settings_typed_as_numbers_on_windows(tmp_path):
    typed = subsidy_outcome(book_sheets(tmp_path, SUBSIDY_SETTINGS, win=False))
    assert "统一1,800元/件" in typed[2], typed[2]
    assert "应付补贴合计 5,400.00 元" in typed[2] and "缺口 -454,600.00 元" in typed[2]
    win_sheets = book_sheets(tmp_path, SUBSIDY_SETTINGS, win=True)
    assert win_sheets[1].rows[0][1] == 1800.0
    assert subsidy_outcome(win_sheets) == typed
    text = book_sheets(tmp_path, [["补贴水平", "1800"], ["专项经费", "46万"], ["统一标准", "2000"]], win=False)
    assert subsidy_outcome(text) == typed
    # the same settings as workbook names (a name's cell arrives the same way)
    names = {"LA_SubsidyLevel": 1800.0, "LA_Fund": 460000.0, "LA_FlatAmounts": 2000.0, "LA_Standard": "湖南"}
    assert subsidy_outcome(book_sheets(tmp_path, [["说明"]], win=True), names) == typed


def test_blank_settings_from_windows_are_absent(tmp_path):
    sheets = book_sheets(tmp_path, [["补贴水平", ""], ["专项经费", None], ["统计期间", ""]], win=True)
    sheets[1].rows[0] = ["补贴水平", ""]                          # a formula that returns "" in B1
    assert buttons.read_settings(sheets, {"LA_Fund": "", "LA_SubsidyLevel": None}) == {}


def test_a_wrong_setting_names_its_cell_and_shows_the_number_as_typed(tmp_path):
    sheets = book_sheets(tmp_path, [["补贴水平", -5]], win=True)
    with pytest.raises(InputError) as exc:
        buttons.subsidy_plan(sheets, buttons.read_settings(sheets), active="案件台账")
    assert "“参数”工作表第1行" in exc.value.message and "“-5”" in exc.value.message
    assert "-5.0" not in exc.value.message


def statistics_outcome(sheets):
    layout, fill, message = buttons.statistics_plan(sheets, buttons.read_settings(sheets), {}, "案件台账", "台账.xlsx")
    return [[c.value if c else None for c in row] for row in layout.rows], message


@pytest.mark.parametrize("value", [2023, "2023", "2023年", " 2023 "])
def test_statistics_period_setting_as_a_number(tmp_path, value):
    typed = statistics_outcome(book_sheets(tmp_path, [["统计期间", "2023"]], win=False))
    assert "统计表已填写（2023年" in typed[1] and "案件 2 件" in typed[1]
    assert statistics_outcome(book_sheets(tmp_path, [["统计期间", value]], win=True)) == typed


def test_statistics_period_setting_as_a_date_is_that_month(tmp_path):
    typed = statistics_outcome(book_sheets(tmp_path, [["统计期间", "2023-03"]], win=False))
    assert "统计表已填写（2023年3月" in typed[1] and "案件 1 件" in typed[1]
    for value in (dt.date(2023, 3, 1), "2023年3月"):
        assert statistics_outcome(book_sheets(tmp_path, [["统计期间", value]], win=True)) == typed, value
    sheets = book_sheets(tmp_path, [["统计期间", "2023-03"]], win=False)
    sheets[1].rows[0][1] = serial(dt.date(2023, 3, 1))      # a date cell read as its serial number
    assert statistics_outcome(sheets) == typed
    quarter = statistics_outcome(book_sheets(tmp_path, [["统计期间", "2023Q1"]], win=True))
    assert "2023年第1季度" in quarter[1]


def test_report_year_setting_as_a_number_or_a_date():
    path = Path(__file__).resolve().parent.parent / "workbooks" / "示例决算.xlsx"
    sheets = read_workbook(path)
    typed, message = buttons.report_plan(sheets, {"year": ("2023", "x")})
    for value in (2023.0, 2023, dt.date(2023, 12, 31), "2023年"):
        layout, again = buttons.report_plan(sheets, buttons.read_settings(
            [RawSheet("参数", windows([["报告年度", value]]))]))
        assert (layout.rows, again) == (typed.rows, message), value
    with pytest.raises(InputError, match="报告年度“2023.5”应为年份"):
        buttons.report_plan(sheets, buttons.read_settings([RawSheet("参数", [["报告年度", 2023.5]])]))
