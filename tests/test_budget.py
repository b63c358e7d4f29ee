"""Budget checks on workbooks built here with openpyxl: correct tables stay silent, each kind of error is found."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

from toolkit.cli import main as cli
import pytest

from toolkit.budget.rules import Identity, RatioIdentity, load_rules
from toolkit.budget.workbook import check_workbook, SheetInput
from toolkit.budget.user_rules import parse_rule, RuleSyntaxError, rules_from_text


def q(x, places):
    return float(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def book(path: Path, sheets: dict) -> Path:
    """sheets: name -> list of rows; a cell is a value or (value, number_format) or (text, "indent", n)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                cell = ws.cell(r, c)
                if isinstance(v, tuple) and len(v) == 3:
                    cell.value, cell.alignment = v[0], Alignment(indent=v[2])
                elif isinstance(v, tuple):
                    cell.value, cell.number_format = v
                else:
                    cell.value = v
    wb.save(path)
    return path


def validate(capsys, path, *extra):
    code = cli.main(["validate", str(path), "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


# ---------------------------------------------------------------- a set of correct tables


def correct_tables() -> dict:
    """Five correct tables: 3-level numbering in 万元 rounded from 元 at 2 decimals (with shares and two amount
    columns), economic codes in 元, 4-decimal 万元 with indentation and 其中, 执行率 in percent format, and a
    side-by-side income / expenditure summary."""
    yuan = {"（一）工资福利": [482013, 402950, 125049], "（二）对个人和家庭的补助": [253611, 62004],
            "（一）办公费": [42015, 12844, 3583], "（二）差旅费": [32049]}
    budget = {k: [v * 97 // 100 for v in vs] for k, vs in yuan.items()}

    def wan(v, places=2):
        return (q(Decimal(v) / 10000, places), "0.00" if places == 2 else "0.0000")

    def rows_for(data):
        rows, people, office = [], sum(sum(data[k]) for k in list(data)[:2]), sum(sum(data[k]) for k in list(data)[2:])
        total = people + office
        rows.append(["合计", wan(sum(sum(v) for v in budget.values())), wan(total), (1, "0.00%")])
        rows.append(["一、人员经费", wan(sum(sum(budget[k]) for k in list(data)[:2])), wan(people),
                     (q(Decimal(people) / total, 4), "0.00%")])
        for k in list(data)[:2]:
            rows.append([k, wan(sum(budget[k])), wan(sum(data[k])), (q(Decimal(sum(data[k])) / people, 4), "0.00%")])
            for i, (b, v) in enumerate(zip(budget[k], data[k])):
                rows.append([f"{i + 1}.明细{k[1]}{i}", wan(b), wan(v), None])
        rows.append(["二、公用经费", wan(sum(sum(budget[k]) for k in list(data)[2:])), wan(office),
                     (q(Decimal(office) / total, 4), "0.00%")])
        for k in list(data)[2:]:
            rows.append([k, wan(sum(budget[k])), wan(sum(data[k])), (q(Decimal(sum(data[k])) / office, 4), "0.00%")])
            for i, (b, v) in enumerate(zip(budget[k], data[k])):
                rows.append([f"{i + 1}.明细{k[1]}{i}", wan(b), wan(v), None])
        return rows

    return {
        "基本支出表": [["2023年基本支出决算表"], ["单位：万元"], ["项目", "年初预算数", "决算数", "占比"]]
        + rows_for(yuan),
        "经济分类": [["经济分类支出表（单位：元）"], ["科目编码", "科目名称", "金额"],
                 [None, "合计", (1402114, "#,##0")],
                 ["301", "工资福利支出", (1010012, "#,##0")], ["30101", "基本工资", (482013, "#,##0")],
                 ["30102", "津贴补贴", (402950, "#,##0")], ["30107", "绩效工资", (125049, "#,##0")],
                 ["302", "商品和服务支出", (90491, "#,##0")], ["30201", "办公费", (58442, "#,##0")],
                 ["30211", "差旅费", (32049, "#,##0")],
                 ["303", "对个人和家庭的补助", (301611, "#,##0")], ["30302", "退休费", (253611, "#,##0")],
                 ["30305", "生活补助", (48000, "#,##0")]],
        "专项": [["专项经费（万元）"], ["项目", "全年预算数", "全年执行数", "执行率"],
               ["合计", (92.0, "0.0000"), (90.0, "0.0000"), (0.9783, "0.00%")],
               ["办案补贴", (75.0, "0.0000"), (74.125, "0.0000"), (0.9883, "0.00%")],
               [("刑事案件", "indent", 1), (40.0, "0.0000"), (39.6, "0.0000"), (0.99, "0.00%")],
               [("民事案件", "indent", 1), (35.0, "0.0000"), (34.525, "0.0000"), (0.9864, "0.00%")],
               [("其中：农民工讨薪案件", "indent", 2), (12.0, "0.0000"), (11.8125, "0.0000"), (0.9844, "0.00%")],
               ["宣传培训", (17.0, "0.0000"), (15.875, "0.0000"), (0.9338, "0.00%")]],
        "总表": [["收入支出决算总表"], ["单位：万元"],
               ["项目", "决算数", "项目", "决算数"],
               ["一、财政拨款收入", (140.21, "0.00"), "一、公共安全支出", (130.18, "0.00")],
               ["二、其他收入", (2.00, "0.00"), "二、住房保障支出", (10.03, "0.00")],
               ["本年收入合计", (142.21, "0.00"), "本年支出合计", (140.21, "0.00")],
               ["年初结转和结余", (3.00, "0.00"), "年末结转和结余", (5.00, "0.00")],
               ["总计", (145.21, "0.00"), "总计", (145.21, "0.00")]],
    }


def test_correct_tables_give_zero_findings(tmp_path, capsys):
    path = book(tmp_path / "正确.xlsx", correct_tables())
    code, data = validate(capsys, path)
    assert data == {"errors": 0, "warnings": 0, "findings": [], "unchecked_sheets": []}
    assert code == 0


def test_rounded_figures_beyond_half_a_unit_per_operand_are_reported(tmp_path, capsys):
    sheets = correct_tables()
    row = sheets["基本支出表"][3]                 # 合计 row: 决算数 off by 0.03 (tolerance there is ≤ 0.015)
    row[2] = (row[2][0] + 0.03, "0.00")
    path = book(tmp_path / "差.xlsx", sheets)
    code, data = validate(capsys, path)
    assert code == 1
    [f] = [f for f in data["findings"] if f["severity"] == "error"]
    assert (f["sheet"], f["cell"], f["rule"]) == ("基本支出表", "C4", "合计行")
    assert Decimal(f["difference"]) == Decimal("0.03")


# ---------------------------------------------------------------- structure


def grid(rows, name="表"):
    return [SheetInput(name, rows)]


def test_codes_nest_by_prefix_and_a_wrong_parent_is_found():
    rows = [["单位：元"], ["科目编码", "科目名称", "决算数"],
            ["204", "公共安全支出", 300], ["20406", "司法", 300], ["2040601", "行政运行", 120],
            ["2040610", "法律援助", 170]]
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.rule, f.expected, f.actual, f.difference) == ("C4", "上下级合计", 290, 300, 10)
    assert "按编码" in f.message


def test_of_which_parts_may_be_less_but_not_more_than_their_line():
    rows = [["项目", "金额"], ["合计", 100], ["一、办案补贴", 100], ["其中：刑事", 40], ["民事", 30]]
    assert check_workbook(grid(rows)) == []
    rows[3][1] = 140
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.rule) == ("B3", "其中项不超过总数")


def test_total_column_equals_the_columns_beside_it_and_a_crossing_cell_is_named():
    rows = [["项目", "合计", "基本支出", "项目支出"], ["合计", 100, 70, 30], ["一、人员", 60, 60, 0],
            ["二、公用", 40, 10, 30]]
    assert check_workbook(grid(rows)) == []
    rows[3][2] = 12         # breaks its row (合计 column) and its column (合计 row)
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.rule, f.expected, f.actual) == ("C4", "交叉定位", 10, 12)


def test_unnumbered_rows_under_a_numbered_line_are_a_warning_when_they_do_not_add_up():
    rows = [["项目", "金额"], ["一、人员经费", 50], ["基本工资", 30], ["津贴", 10], ["二、公用经费", 40]]
    [f] = check_workbook(grid(rows))
    assert f.severity == "warning" and f.cell == "B2" and "没有编号" in f.message
    rows[1][1] = 40                     # now they do add up: children, no finding
    assert check_workbook(grid(rows)) == []


# ---------------------------------------------------------------- unit slips, shares, rates, identities


def test_a_figure_in_yuan_inside_a_wanyuan_table_is_a_unit_slip():
    rows = [["单位：万元"], ["项目", "决算数"], ["合计", 12.35], ["一、人员经费", 10.00], ["二、公用经费", 23500]]
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected, f.actual) == ("B5", Decimal("2.35"), 23500)
    assert f.message.startswith("疑似单位错误：元/万元")


def test_same_item_in_yuan_and_wanyuan_tables_agrees_after_conversion_and_a_slip_is_named():
    a = [["甲表（单位：万元）"], ["项目", "决算数"], ["公务接待费", 0.86]]
    b = [["乙表（单位：元）"], ["项目", "决算数"], ["公务接待费", 8600]]
    assert check_workbook([SheetInput("甲", a), SheetInput("乙", b)]) == []
    b[2][1] = 86000000
    [f] = check_workbook([SheetInput("甲", a), SheetInput("乙", b)])
    assert f.sheet == "乙" and f.cell == "B3" and "疑似单位错误" in f.message


def test_a_share_matching_no_base_lists_the_bases_tried():
    rows = [["项目", "金额", "占比（%）"], ["合计", 200, 100], ["一、人员经费", 150, 75], ["（一）工资", 100, 66.67],
            ["（二）补助", 50, 30], ["二、公用经费", 50, 25]]
    [f] = check_workbook(grid(rows))        # 30 % is neither 50/150 (its sibling's base) nor 50/200
    assert f.cell == "C5" and f.expected == Decimal("33.33") and f.actual == 30
    assert "上级项目“人员经费”" in f.message and "表内合计“合计”" in f.message


def test_execution_rate_rows_and_columns():
    rows = [["项目", "全年预算数", "全年执行数", "执行率"], ["办案补贴", 100, 95, 0.95], ["宣传", 10, 8, 0.9]]
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected, f.actual) == ("D3", Decimal("0.8000"), Decimal("0.9"))
    perf = [["项目", "数值"], ["全年预算数", 200], ["全年执行数", 190], ["预算执行率（%）", 95]]
    assert check_workbook(grid(perf)) == []
    perf[3][1] = 97
    [f] = check_workbook(grid(perf))
    assert f.cell == "B4" and f.expected == Decimal("95.00")


def test_default_identity_basic_spending_is_people_plus_running_costs():
    rows = [["项目", "金额"], ["基本支出", 100], ["人员经费", 80], ["公用经费", 25]]
    findings = check_workbook(grid(rows))
    assert [(f.cell, f.rule, f.expected) for f in findings] == [("B2", "基本支出 = 人员经费 + 公用经费", 105)]


RULES_TOML = (Path(__file__).resolve().parent.parent / "toolkit" / "data" / "budget_rules.toml").read_text(encoding="utf-8")


def test_identities_are_typed_objects_once_the_rules_are_loaded():
    rules = load_rules()
    ratio = next(i for i in rules.identities if isinstance(i, RatioIdentity))
    assert ratio.result == "执行率" and ratio.denominator_names[:2] == ("调整后预算数", "全年预算数")
    basic = next(i for i in rules.identities if isinstance(i, Identity) and i.result == "基本支出")
    assert basic.plus == ("人员经费", "公用经费") and basic.minus == ()


def test_a_new_identity_in_the_rule_file_is_checked_without_code():
    rows = [["项目", "金额"], ["公务接待费", 10], ["国内接待费", 6], ["外宾接待费", 3]]
    assert check_workbook(grid(rows)) == []
    text = RULES_TOML + ('\n[items."国内接待费"]\nnames = ["国内接待费"]\n[items."外宾接待费"]\nnames = ["外宾接待费"]\n'
                         '[[identity]]\nname = "公务接待费 = 国内 + 外宾"\nresult = "公务接待费"\n'
                         'plus = ["国内接待费", "外宾接待费"]\n')
    findings = check_workbook(grid(rows), rules=load_rules(text))
    assert [(f.cell, f.rule, f.expected, f.actual) for f in findings] == [("B2", "公务接待费 = 国内 + 外宾", 9, 10)]


def test_an_identity_naming_an_unknown_item_is_refused_when_the_rules_are_loaded():
    text = RULES_TOML + '\n[[identity]]\nname = "错的"\nresult = "基本支出"\nplus = ["人员经费", "差旅经费"]\n'
    with pytest.raises(ValueError, match="差旅经费.*不在 \\[items\\] 中"):
        load_rules(text)


# ---------------------------------------------------------------- user rules


def test_user_rules_in_cells_and_labels_with_tolerance():
    rows = [["项目", "预算数", "执行数", "执行率"], ["合计", 100, 90, 0.9], ["人员", 60, 55, None],
            ["公用", 40, 35, None]]
    rules = rules_from_text("D2 = C2 / B2\nC2 = C3 + C4 容差 0.5\n人员 >= 公用\nB2 = B3 + B4 + 1 ±0.5\n", "规则.txt")
    [f] = check_workbook(grid(rows), rules)
    assert (f.cell, f.expected, f.actual, f.difference) == ("B2", 101, 100, -1)
    assert "B2 = B3 + B4 + 1" in f.rule


def test_bad_rule_syntax_is_a_clear_finding():
    for text, reason in [("B5 B6", "缺少等号"), ("B5 = (B6 + B7", "括号没有闭合"), ("B5 = B6 +", "缺少"),
                         ("= B6", "两边都要有内容")]:
        try:
            parse_rule(text)
        except RuleSyntaxError as exc:
            assert reason in str(exc), (text, str(exc))
        else:
            raise AssertionError(text)
    rows = [["项目", "金额"], ["人员", 1]]
    findings = check_workbook(grid(rows), rules_from_text("B2 = 人员\n不存在的项目 = 人员\n", "r.txt"))
    assert [(f.cell, f.severity) for f in findings] == [("A1", "error"), ("A2", "warning")]
    assert "混用" in findings[0].message and "找不到" in findings[1].message


def test_unnumbered_lines_after_of_which_are_parts_when_the_total_says_so():
    rows = [["项目", "金额"], ["合计", 100], ["因公出国（境）费", 0], ["公务用车购置及运行费", 60],
            ["其中：公务用车购置费", 20], ["公务用车运行费", 40], ["公务接待费", 40]]
    assert check_workbook(grid(rows)) == []
    rows[6][1] = 45
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected, f.actual) == ("B2", 105, 100)


def test_standard_basic_spending_table_with_split_codes_and_a_list_running_on_to_the_right():
    """财政拨款基本支出决算表 layout: 人员经费 | 公用经费 in two column pairs, codes in 类/款 columns."""
    rows = [["一般公共预算财政拨款基本支出决算表"], ["单位：万元"],
            ["人员经费", None, None, None, "公用经费", None, None, None, None, None, None, None],
            ["科目编码", None, "科目名称", "决算数", "科目编码", None, "科目名称", "决算数",
             "科目编码", None, "科目名称", "决算数"],
            ["类", "款", None, None, "类", "款", None, None, "类", "款", None, None],
            ["301", None, "工资福利支出", 150.0, "302", None, "商品和服务支出", 19.64, "310", None, "资本性支出", 2.5],
            ["301", 1, "基本工资", 100.0, "302", 1, "办公费", 9.64, "310", 2, "办公设备购置", 2.5],
            ["301", 2, "津贴补贴", 50.0, "302", 11, "差旅费", 10.0, None, None, None, None],
            ["303", None, "对个人和家庭的补助", 31.56, None, None, None, None, None, None, None, None],
            ["303", 2, "退休费", 31.56, None, None, None, None, None, None, None, None],
            [None, None, "人员经费合计", 181.56, None, None, "公用经费合计", 22.14, None, None, None, None]]
    merged = [(3, 0, 3, 1), (3, 4, 3, 5), (3, 8, 3, 9)]
    assert check_workbook([SheetInput("基本支出", rows, merged)]) == []
    rows[7][3] = 55.0
    [f] = check_workbook([SheetInput("基本支出", rows, merged)])
    assert (f.cell, f.expected, f.actual) == ("D6", Decimal("155.0"), Decimal("150.0"))


def test_share_and_rate_lines_are_not_summed_and_are_checked_against_their_base():
    rows = [["项目", "金额"], ["支出合计", 100], ["基本支出", 80], ["项目支出", 20],
            ["基本支出占支出合计比重", 0.8], ["项目支出占比（%）", 20]]
    assert check_workbook(grid(rows)) == []
    rows[5][1] = 25
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected, f.actual) == ("B6", Decimal("20"), 25) and "已尝试的基数" in f.message


def test_of_which_columns_are_not_parts_of_the_total_column():
    rows = [["项目", "本年收入合计", "财政拨款收入", "其中：专项", "其他收入"], ["合计", 100, 90, 30, 10],
            ["一、办案", 70, 65, 30, 5], ["二、宣传", 30, 25, 0, 5]]
    assert check_workbook(grid(rows)) == []
    rows[2][4] = 6
    assert {f.cell for f in check_workbook(grid(rows))} == {"E3"}


def test_standard_income_table_with_column_groups_split_codes_and_a_column_number_row():
    hdr = ["本年收入合计", "财政拨款收入", "事业收入", "其他收入"]
    rows = [["收入决算表"], ["公开02表"], ["部门：沅江市法律援助中心", None, None, None, None, None, None, "金额单位：万元"],
            ["项目", None, None, None] + hdr,
            ["功能分类科目编码", None, None, "科目名称"] + [None] * 4,
            ["类", "款", "项", None] + [None] * 4,
            ["栏次", None, None, None, 1, 2, 3, 4],
            ["合计", None, None, None, 300.5, 290.0, 0, 10.5],
            ["204", None, None, "公共安全支出", 270.5, 260.0, 0, 10.5],
            ["204", "06", None, "司法", 270.5, 260.0, 0, 10.5],
            ["204", "06", "01", "行政运行", 180.5, 170.0, 0, 10.5],
            ["204", "06", "10", "法律援助", 90.0, 90.0, 0, 0],
            ["221", None, None, "住房保障支出", 30.0, 30.0, 0, 0],
            ["221", "02", "01", "住房公积金", 30.0, 30.0, 0, 0]]
    merged = [(3, 0, 3, 3), (4, 0, 4, 2), (6, 0, 6, 3), (7, 0, 7, 3)] + [(3, c, 5, c) for c in range(4, 8)]
    assert check_workbook([SheetInput("收入决算表", rows, merged)]) == []
    rows[10][5] = 171.0           # 行政运行 财政拨款收入: breaks its row and its parent 司法
    [f] = check_workbook([SheetInput("收入决算表", rows, merged)])
    assert (f.cell, f.rule, f.expected) == ("F11", "交叉定位", Decimal("170.0"))


def test_a_table_about_one_portion_is_compared_with_that_portion_only():
    spend = [["支出决算表（单位：万元）"], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
             ["204", "公共安全支出", 265.3, 175.3, 90.0], ["2040601", "行政运行", 175.3, 175.3, 0],
             ["2040610", "法律援助", 90.0, 0, 90.0]]
    project = [["项目支出决算表（单位：万元）"], ["科目编码", "科目名称", "决算数"],
               [None, "合计", 90.0], ["204", "公共安全支出", 90.0], ["2040610", "法律援助", 90.0]]
    sheets = [SheetInput("支出决算表", spend), SheetInput("项目支出决算表", project)]
    assert check_workbook(sheets) == []
    project[3][2] = 95.0
    project[2][2] = 95.0
    findings = check_workbook(sheets)
    assert {(f.sheet, f.cell, f.expected) for f in findings} >= {("项目支出决算表", "C4", Decimal("90.0"))}


def test_subtotals_cover_their_section_and_the_total_covers_the_subtotals():
    rows = [["项目", "金额"], ["办公费", 10], ["差旅费", 5], ["小计", 15], ["工资", 50], ["奖金", 20], ["小计", 70],
            ["合计", 85]]
    assert check_workbook(grid(rows)) == []
    rows[7][1] = 86
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected) == ("B8", 85)


def test_of_which_right_below_a_total_is_a_part_of_the_total():
    rows = [["项目", "金额"], ["合计", 100], ["其中：财政拨款", 90], ["一、基本支出", 70], ["二、项目支出", 30]]
    assert check_workbook(grid(rows)) == []
    rows[2][1] = 120
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.rule) == ("B2", "其中项不超过总数")


def test_a_title_ending_in_xiangmu_is_not_taken_for_the_header():
    rows = [["法律援助项目"], ["单位：元"], ["项目", "金额"], ["合计", 30], ["办案", 10], ["宣传", 20]]
    assert check_workbook(grid(rows)) == []
    rows[3][1] = 31
    [f] = check_workbook(grid(rows))
    assert (f.cell, f.expected) == ("B4", 30)


def test_a_rule_label_that_occurs_twice_in_a_column_is_not_guessed():
    rows = [["项目", "金额"], ["一、人员经费", 50], ["（一）其他", 50], ["二、公用经费", 40], ["（一）其他", 40]]
    [f] = check_workbook(grid(rows), rules_from_text("其他 = 人员经费\n", "r.txt"))
    assert f.severity == "warning" and "不止一次" in f.message
