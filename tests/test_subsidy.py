"""The subsidy engine on ledgers built in the tests: levels, multi-stage, per-day items, adjustments, overrides."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import write_book
from toolkit.base.errors import InputError
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger, build_standard
from toolkit.subsidy.standards import load_standard, standard_from_data
from toolkit.subsidy.compute import Level, compare_fund, compute_subsidies, parse_level, scenarios

HEADER = ["案号", "案件类型", "诉讼阶段", "适用程序", "承办律师", "律师事务所", "结案日期", "受援人数", "异地办案",
          "值班天数", "案件质量", "补贴金额"]


def book(tmp_path, rows, extra=None):
    sheets = {"案件台账": [HEADER, *rows], **(extra or {})}
    path = write_book(tmp_path / "台账.xlsx", sheets)
    return path, read_workbook(path)


def amounts(result):
    return {r.案号: r.amount for r in result.per_case.itertuples()}


ROWS = [
    ["K1", "刑事", "审查起诉、审判", "普通", "张", "一所", dt.datetime(2023, 3, 1), 1, "否", None, "合格", 2000],
    ["K2", "刑事", "侦查", None, "张", "一所", dt.datetime(2023, 3, 9), 1, "否", None, None, 800],
    ["K3", "民事", None, None, "李", "二所", dt.datetime(2023, 4, 2), 1, "否", None, None, 1500],
    ["K4", "行政", None, None, "李", "二所", None, 1, "否", None, None, 6000],
    ["K5", "认罪认罚法律帮助", None, None, "王", "二所", dt.datetime(2023, 4, 2), 1, "否", None, None, 300],
]


def test_levels_on_hunan(tmp_path):
    _, sheets = book(tmp_path, ROWS)
    ledger = build_ledger(sheets)
    standard = load_standard("湖南")
    low = compute_subsidies(ledger.cases, standard, Level("min"))
    assert amounts(low) == {"K1": Decimal(2300), "K2": Decimal(800), "K3": Decimal(1500), "K4": Decimal(1500),
                            "K5": None}
    assert low.total == Decimal(6100)
    assert "刑事·审查起诉 最低标准800元 + 刑事·审判 最低标准1,500元" in low.per_case.iloc[0]["basis"]
    # 认罪认罚 is not priced by the Hunan table: listed, not counted
    assert low.not_counted == 1 and "认罪认罚法律帮助" in low.findings[0].message and low.findings[0].row == 6
    high = compute_subsidies(ledger.cases, standard, Level("max"))
    assert amounts(high)["K1"] == Decimal(5000) and high.total == Decimal(5000 + 1500 + 5000 + 5000)
    mid = compute_subsidies(ledger.cases, standard, Level("mid"))
    assert amounts(mid)["K1"] == Decimal(3650) and amounts(mid)["K2"] == Decimal(1150)
    flat = compute_subsidies(ledger.cases, standard, parse_level("1800元"))
    assert set(v for v in amounts(flat).values() if v is not None) == {Decimal(1800)}
    paid = compute_subsidies(ledger.cases, standard, Level("ledger"))
    assert amounts(paid)["K4"] == Decimal(6000)
    assert any(f.row == 5 and "不在标准范围" in f.message for f in paid.findings)   # 6000 > 5000 for 行政


def test_totals_by_keys(tmp_path):
    _, sheets = book(tmp_path, ROWS)
    result = compute_subsidies(build_ledger(sheets).cases, load_standard(), Level("min"))
    by_type = {r.案件类型: (r.件数, r.补贴金额) for r in result.totals_by("案件类型").itertuples()}
    assert by_type == {"刑事": (2, Decimal(3100)), "民事": (1, Decimal(1500)), "行政": (1, Decimal(1500))}
    by_month = {r.结案月份: r.补贴金额 for r in result.totals_by("结案月份").itertuples()}
    assert by_month == {"2023-03": Decimal(3100), "2023-04": Decimal(1500), "（未结案）": Decimal(1500)}
    by_stage = {r.类型阶段: r.件数 for r in result.totals_by("类型阶段").itertuples()}
    assert by_stage["刑事·审查起诉+审判"] == 1 and by_stage["刑事·侦查"] == 1


def test_override_sheet_and_adjustments(tmp_path):
    rows = [
        ["A1", "刑事", "审判", "速裁", "张", "一所", None, 1, "否", None, None, None],     # 速裁 at 审查起诉 rate
        ["A2", "民事", None, None, "张", "一所", None, 3, "是", None, "优秀", None],       # +20%, +300, +2×200
        ["A3", "民事", None, None, "张", "一所", None, 1, "否", None, "不合格", None],     # direct costs only
        ["A4", "值班律师", None, None, "张", "一所", None, 1, "否", 3, None, None],        # 3 days × 200
        ["A5", "值班律师", None, None, "张", "一所", None, 1, "否", None, None, None],      # no days: not counted
        ["A6", "认罪认罚", None, None, "张", "一所", None, 1, "否", None, None, None],      # centre's 300/件
    ]
    standard_sheet = [
        ["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明"],
        ["认罪认罚法律帮助", None, "件", 300, 300, "本中心"],
        ["值班律师", None, "日", 200, 200, None],
        ["民事", None, "件", "1,600元", "0.5万", "本地提高"],
        [],
        ["调整项", "数值", "说明"],
        ["优秀上浮比例", "20%", None],
        ["异地办案加付", 300, None],
        ["每增加一名受援人加付", 200, None],
        ["不合格支付金额", 500, None],
        ["速裁计价阶段", "审查起诉", None],
    ]
    _, sheets = book(tmp_path, rows, {"补贴标准": standard_sheet})
    standard = build_standard(sheets)
    assert standard.rate("民事").min == Decimal(1600) and standard.rate("民事").max == Decimal(5000)
    assert standard.rate("刑事", "审判").min == Decimal(1500)  # the rest of Hunan stays
    result = compute_subsidies(build_ledger(sheets).cases, standard, Level("min"))
    got = amounts(result)
    assert got["A1"] == Decimal(800)
    assert got["A2"] == Decimal(1600) * Decimal("1.2") + 300 + 2 * 200
    assert got["A3"] == Decimal(500)
    assert got["A4"] == Decimal(600)
    assert got["A5"] is None and any(f.row == 6 and "值班天数" in f.message for f in result.findings)
    assert got["A6"] == Decimal(300)
    basis = result.per_case.set_index("案号")["basis"]
    assert "速裁按审查起诉" in basis["A1"] and "优秀上浮20%" in basis["A2"] and "200元/日×3日" in basis["A4"]


def test_rounding_half_up_on_percent():
    data = {"name": "测试", "rate": [{"case_type": "民事", "min": "1000.05", "max": 2000}],
            "adjustments": {"excellent_percent": 10}}
    standard = standard_from_data(data, "t.toml")
    import pandas as pd
    cases = pd.DataFrame([{"excel_row": 2, "案号": "X", "案件类型": "民事", "诉讼阶段": (), "适用程序": None,
                           "值班天数": None, "案件质量": "优秀", "受援人数": 1, "异地办案": False, "附带民事": False,
                           "补贴金额": None, "承办律师": None, "律师事务所": None, "结案日期": None}])
    result = compute_subsidies(cases, standard, Level("min"))
    # 1000.05 × 1.1 = 1100.055 → 1100.06 (half up), where banker's rounding would give 1100.06 too, so check .x25 too
    assert result.total == Decimal("1100.06")
    standard = standard_from_data({**data, "rate": [{"case_type": "民事", "min": "1000.25", "max": 2000}],
                                   "adjustments": {"excellent_percent": 1}}, "t.toml")
    # 1000.25 × 1.01 = 1010.2525 → 1010.25; and 0.5 fen cases: 1000.50 × 1.01 = 1010.505 → 1010.51
    assert compute_subsidies(cases, standard, Level("min")).total == Decimal("1010.25")
    standard = standard_from_data({**data, "rate": [{"case_type": "民事", "min": "1000.50", "max": 2000}],
                                   "adjustments": {"excellent_percent": 1}}, "t.toml")
    assert compute_subsidies(cases, standard, Level("min")).total == Decimal("1010.51")


def test_fund_comparison_and_scenarios(tmp_path):
    comparison = compare_fund(Decimal(1104000), Decimal(460000))
    assert comparison.gap == Decimal(644000)
    assert comparison.coverage_percent == Decimal("41.67") and comparison.multiple == Decimal("2.40")
    _, sheets = book(tmp_path, ROWS)
    ledger = build_ledger(sheets)
    result = scenarios(ledger.cases, load_standard(), [Level("min"), Level("max"), Level("flat", Decimal(1800))],
                       Decimal(5000))
    assert [s.total for s in result] == [Decimal(6100), Decimal(16500), Decimal(7200)]
    assert result[0].fund.gap == Decimal(1100)


def test_bad_standard_sheet_is_a_clear_error(tmp_path):
    _, sheets = book(tmp_path, ROWS, {"补贴标准": [["案件类型", "计价单位", "最低标准"], ["民亊", "件", 100]]})
    with pytest.raises(InputError) as info:
        build_standard(sheets, file="台账.xlsx")
    assert "民亊" in info.value.describe() and "第2行" in info.value.describe()


def test_unknown_standard_name():
    with pytest.raises(InputError) as info:
        load_standard("火星")
    assert "湖南" in info.value.describe() or "hunan" in info.value.describe()


def test_column_sum_by_distinct_amount_is_the_plain_sum():
    """The 合计 row's bounds are summed once per distinct amount: the same Decimal, digits and exponent, as adding
    the amounts one by one."""
    from toolkit.subsidy.sheet import _decimal_sum

    half, whole = Decimal(150050) / 100, Decimal(80000) / 100   # 1500.5 and 800, as the results hold them
    values = [half, None, whole, half, None, Decimal(0) / 100, whole, half]
    plain = sum((v for v in values if v is not None), Decimal(0))
    assert str(_decimal_sum(values)) == str(plain) == "6101.5"
    assert str(_decimal_sum([None, None])) == str(Decimal(0))
