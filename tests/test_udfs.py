"""The LA_* worksheet functions called as plain Python functions (how classic xlwings calls them), and their docs."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import valid_id, write_book
from toolkit.cli import functions as functions_command
from toolkit.excel import udfs
from toolkit.excel.udfs import (FUNCTIONS, LA_CHECK_SUM, LA_FUND_GAP, LA_ID_CHECK, LA_SHARE, LA_STATS, LA_SUBSIDY,
                                LA_SUBSIDY_RANGE, LA_SUBSIDY_TOTAL, LA_TO_YUAN)
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger
from toolkit.subsidy.standards import load_standard
from toolkit.subsidy.compute import compute_subsidies, parse_level

ERR = udfs.ERROR_PREFIX


def test_subsidy_on_the_hunan_table():
    assert LA_SUBSIDY("刑事", "审判") == 1500
    assert LA_SUBSIDY("刑事", "审判", "最高") == 3200
    assert LA_SUBSIDY("刑事", "审查起诉、审判") == 2300            # stages are summed
    assert LA_SUBSIDY(" 刑事案件 ", "审判阶段", "中间") == 2350      # aliases and spaces, mid rounds half up
    assert LA_SUBSIDY("民事", None, "1800") == 1800
    assert LA_SUBSIDY("劳动仲裁", "一审", "最高") == 5000            # stages of non-criminal matters are ignored
    assert LA_SUBSIDY_RANGE("刑事", "侦查") == [[800, 1500]]


@pytest.mark.parametrize("args, words", [
    (("刑侦", "审判"), ["无法识别的案件类型", "刑事"]),
    (("刑事", None), ["刑事案件须填写诉讼阶段"]),
    (("刑事", "复审"), ["无法识别的诉讼阶段"]),
    (("国家赔偿",), ["补贴标准中没有“国家赔偿”的标准"]),
    (("民事", None, "台账"), ["只适用于"]),
    (("民事", None, "很多"), ["补贴水平“很多”无法识别"]),
    (("民事", None, "最低", "火星"), ["没有名为“火星”的补贴标准"]),
    ((None, None), ["无法识别的案件类型"]),
])
def test_wrong_input_gives_a_short_chinese_error(args, words):
    result = LA_SUBSIDY(*args)
    assert isinstance(result, str) and result.startswith(ERR)
    assert "Traceback" not in result and len(result) < 160
    for word in words:
        assert word in result


def test_subsidy_agrees_with_the_ledger_engine(tmp_path):
    """Every priced (type, stage) of the standard, at every level: the UDF gives what compute_subsidies gives."""
    standard = load_standard("湖南")
    rows = [["案号", "案件类型", "诉讼阶段"]]
    for i, (case_type, stage) in enumerate(sorted(standard.rates), start=1):
        rows.append([f"K{i}", case_type, stage or None])
    rows.append([f"K{len(rows)}", "刑事", "侦查、审查起诉、审判"])
    ledger = build_ledger(read_workbook(write_book(tmp_path / "台账.xlsx", {"案件台账": rows})))
    for level_text in ("最低", "最高", "中间", "1800", "1999.99"):
        result = compute_subsidies(ledger.cases, standard, parse_level(level_text))
        expected = dict(zip(result.per_case["案号"], result.per_case["amount"]))
        for number, case_type, stage in rows[1:]:
            got = LA_SUBSIDY(case_type, stage, level_text)
            assert Decimal(str(got)) == expected[number], (case_type, stage, level_text)


def test_standard_from_a_range_of_the_workbook():
    table = [["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准"],
             ["认罪认罚法律帮助", None, "件", 300, 500],
             ["民事", None, "件", 2000, 6000]]
    assert LA_SUBSIDY("认罪认罚", None, "最高", table) == 500
    assert LA_SUBSIDY("民事", None, "最低", table) == 2000          # the range overrides the shipped table
    assert LA_SUBSIDY("刑事", "审判", "最低", table) == 1500         # and completes it
    bad = [["案件类型", "最低标准"], ["火箭", 1]]
    assert LA_SUBSIDY("民事", None, "最低", bad).startswith(ERR + "“补贴标准”工作表第2行")


def test_total_skips_blanks_headers_and_totals_and_names_the_bad_row():
    types = [["案件类型"], ["刑事"], [None], ["民事"], ["  "], ["合计"]]
    stages = [["诉讼阶段"], ["审查起诉、审判"], [None], [None], [None], [None]]
    assert LA_SUBSIDY_TOTAL(types, stages) == 2300 + 1500
    assert LA_SUBSIDY_TOTAL(types, stages, "最高") == 5000 + 5000
    assert LA_SUBSIDY_TOTAL(["刑事", "民事"], ["审判", None], 2000) == 4000
    bad = LA_SUBSIDY_TOTAL(["刑事", "民事", "民亊"], ["审判", None, None])
    assert bad.startswith(ERR + "区域第3行") and "民事" in bad
    assert "大小不同" in LA_SUBSIDY_TOTAL(["刑事", "民事"], ["审判"])
    assert "案件类型为空" in LA_SUBSIDY_TOTAL([None], ["审判"])
    assert LA_SUBSIDY_TOTAL("民事", None) == 1500                      # a single cell is a range of one


def test_total_refuses_per_day_items():
    table = [["案件类型", "计价单位", "最低标准"], ["值班律师", "日", 200]]
    assert LA_SUBSIDY("值班律师", None, "最低", table) == 200
    assert "按日计价" in LA_SUBSIDY_TOTAL(["值班律师"], [None], "最低", table)


def test_fund_gap_share_and_check_sum():
    assert LA_FUND_GAP(1104000, "46万元") == 644000
    assert LA_FUND_GAP("110.4万", 460000, "倍数") == 2.4
    assert LA_FUND_GAP(1104000, 460000, "覆盖率") == 41.67
    assert "无法计算倍数" in LA_FUND_GAP(1000, 0, "倍数")
    assert "专项经费为空" in LA_FUND_GAP(1000, None)
    assert LA_SHARE(1, 8) == 12.5
    assert LA_SHARE(1, 8, 1) == 12.5 and LA_SHARE(1, 800, 2) == 0.13   # 0.125 → 0.13, never banker's 0.12
    assert LA_SHARE(2, 3, 0) == 67 and LA_SHARE("1,000元", "0.3万") == 33.33
    assert "整体为0" in LA_SHARE(1, 0) and "小数位数" in LA_SHARE(1, 3, 2.5)
    assert LA_CHECK_SUM(10, [[3], [3], ["4元"], [None]]) == "相符"
    assert LA_CHECK_SUM(0.3, [0.1, 0.2]) == "相符"                     # no binary noise
    assert LA_CHECK_SUM(10, [3.33, 3.33, 3.33]) == "不符：合计 10，各项之和 9.99，合计多 0.01"
    assert LA_CHECK_SUM(10, [3.33, 3.33, 3.33], 0.01) == "相符"
    assert LA_CHECK_SUM(10, [6, 6]).endswith("合计少 2")
    assert LA_CHECK_SUM(10, ["金额", 10]).startswith(ERR + "分项区域第1格")


def test_to_yuan_and_id_check():
    assert LA_TO_YUAN("0.15万") == 1500
    assert LA_TO_YUAN("1,500元") == 1500 and LA_TO_YUAN("一千五百") == 1500 and LA_TO_YUAN("１５００") == 1500
    assert LA_TO_YUAN(12.5, "万元") == 125000 and LA_TO_YUAN("3.5元", "万元") == 3.5
    assert LA_TO_YUAN(None) == ""
    assert LA_TO_YUAN("一些").startswith(ERR) and LA_TO_YUAN(1, "美元").startswith(ERR)
    good = valid_id()
    assert LA_ID_CHECK(good) == "正确"
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位错误" in LA_ID_CHECK(wrong) and good not in LA_ID_CHECK(wrong)
    assert "18位" in LA_ID_CHECK("4301")
    assert "存成了数字" in LA_ID_CHECK(float(good[:17] + "1"))
    assert LA_ID_CHECK(None) == ""


def test_stats_spills_the_statistics_of_the_stats_core(tmp_path):
    rows = [["示例县法律援助中心案件台账", None, None, None, None, None, None],
            ["案号", "受援人", "身份证号", "案件类型", "指派日期", "特殊群体", "挽回经济损失"],
            ["K1", "张三", valid_id(), "刑事附带民事", dt.datetime(2023, 3, 1), "农民工、老年人", None],
            ["K2", "李四", None, "民事", dt.datetime(2023, 5, 1), "农民工", "1.2万"],
            ["K3", "王五", None, "民亊", dt.datetime(2023, 5, 1), None, None],
            ["K4", "赵六", None, "认罪认罚", dt.datetime(2022, 5, 1), None, None],
            ["K5", "钱七", None, "民事", None, None, None],
            [None] * 7,
            ["合计", None, None, None, None, None, "12000"]]
    sheet = read_workbook(write_book(tmp_path / "t.xlsx", {"台账": rows}))[0]
    table = LA_STATS(sheet.rows)
    values = {r[0]: r[2] for r in table[1:]}
    assert table[0] == ["项目", "单位", "数值"] and values["统计期间"] == "2023年"
    assert values["法律援助案件合计"] == 2 and values["刑事案件"] == 1 and values["民事案件"] == 1
    assert values["认罪认罚法律帮助"] == 0                                  # 2022: outside the period
    assert values["农民工"] == 2 and values["老年人"] == 1 and values["为受援人挽回经济损失"] == 12000
    assert values["未填指派日期、未计入的行"] == 1 and values["有错误、未计入的行"] == 1
    assert {r[0]: r[2] for r in LA_STATS(sheet.rows, "2022")[1:]}["认罪认罚法律帮助"] == 1
    flat = str(table)
    assert "张三" not in flat and valid_id() not in flat
    # the same numbers as the stats core gives the 统计表
    from toolkit.stats.compute import Period, build_report, default_catalog
    ledger = build_ledger([sheet])
    report = build_report(ledger.cases, None, Period("year", 2023))
    for spec in default_catalog().stats:
        if spec.key in report.values:
            assert Decimal(str(values[spec.name])) == report.values[spec.key], spec.key
    assert LA_STATS("不是台账").startswith(ERR + "找不到台账表头")
    assert "统计期间“2023X”无法识别" in LA_STATS(sheet.rows, "2023X")


def test_every_function_is_documented_for_the_wizard():
    names = [f.__name__ for f in FUNCTIONS]
    assert names == ["LA_SUBSIDY", "LA_SUBSIDY_RANGE", "LA_SUBSIDY_TOTAL", "LA_FUND_GAP", "LA_SHARE",
                     "LA_CHECK_SUM", "LA_TO_YUAN", "LA_ID_CHECK", "LA_STATS"]
    for f in FUNCTIONS:
        info = f.__la_udf__
        assert f.__doc__ == info["description"] and 0 < len(f.__doc__) <= 255
        assert all(doc and len(doc) <= 255 for _, doc, _ in info["args"])


def test_a_function_without_argument_docs_is_refused():
    def LA_UNDOCUMENTED(x, y):
        """说明。

        x: 有说明
        """
    with pytest.raises(TypeError):
        udfs.udf(LA_UNDOCUMENTED)


def test_functions_command_lists_the_docstrings(capsys):
    class Args:
        markdown = False
    assert functions_command.run(Args()) == 0
    out = capsys.readouterr().out
    assert "=LA_SUBSIDY(case_type, [stage], [level], [standard])" in out
    assert LA_SUBSIDY.__doc__ in out
    case_type_doc = dict((n, d) for n, d, _ in LA_SUBSIDY.__la_udf__["args"])["case_type"]
    assert f"· case_type：{case_type_doc}" in out
    Args.markdown = True
    functions_command.run(Args())
    md = capsys.readouterr().out
    assert md.startswith("| 函数 | 说明 | 参数 |") and md.count("| `=LA_") == len(FUNCTIONS)


def test_dates_in_a_ledger_range_are_read_like_excel_serials():
    rows = [["案号", "案件类型", "指派日期"], ["K1", "民事", 45000.0], ["K2", "民事", dt.datetime(2023, 3, 5)]]
    values = {r[0]: r[2] for r in LA_STATS(rows)[1:]}                 # 45000 is 2023-03-15 in Excel
    assert values["统计期间"] == "2023年" and values["法律援助案件合计"] == 2


def test_the_docs_show_the_generated_function_table():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = functions_command.render_markdown(functions_command.function_docs())
    assert table in readme, "run `legalaid functions --markdown` and paste the table into README.md"


def test_functions_command_is_registered_in_the_cli(capsys):
    from toolkit.cli.main import main

    assert main(["functions"]) == 0
    assert "=LA_STATS(ledger, [period])" in capsys.readouterr().out
