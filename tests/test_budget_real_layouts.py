"""One test per failure class of reading real 决算 tables (issue 11): each builds the smallest grid that showed the
class, checks the consistent version is silent and the slip is reported once, at its cell, with a useful message."""

from __future__ import annotations

from decimal import Decimal

from toolkit.budget.workbook import SheetInput, check_workbook, unchecked_sheets
from toolkit.budget.tables import read_blocks


def check(*sheets):
    return check_workbook([SheetInput(name, rows, merged) for name, rows, merged in sheets])


def flat(total, basic, project, people, public, shares):
    return [["项目", "金额（万元）", "占比"], ["支出合计", total, None], ["基本支出", basic, shares[0]],
            ["项目支出", project, shares[1]], ["人员经费", people, None], ["公用经费", public, None],
            ["三公经费", 1.5, None], ["因公出国（境）费", 0, None], ["公务用车购置及运行费", 1.2, None],
            ["公务接待费", 0.3, None]]


def test_memo_rows_under_a_flat_total_are_not_summed_and_the_identities_decide():
    assert check(("表", flat(137.273, 91.273, 46, 80.263, 11.01, ("66.49%", "33.51%")), [])) == []
    found = {f.cell: f for f in check(("表", flat(161.79, 91.273, 46, 74.69, 11.01, ("66.75%", "33.25%")), []))}
    assert set(found) == {"B2", "B3", "C3", "C4"}
    assert found["B2"].difference == Decimal("24.517") and found["B3"].difference == Decimal("5.573")
    assert not any("8项之和" in f.message for f in found.values())


def test_a_wrong_share_under_a_wrong_total_is_reported_with_the_bases_tried():
    found = {f.cell: f for f in check(("表", flat(161.79, 91.273, 46, 80.263, 11.01, ("66.75%", "33.25%")), []))}
    msg = found["C3"].message
    assert "161.79" in msg and "更正后的" in msg and "137.273" in msg and "66.49%" in msg
    # a share that fits the corrected total is only a consequence of the total: not reported
    found = {f.cell for f in check(("表", flat(161.79, 91.273, 46, 80.263, 11.01, ("66.49%", "33.51%")), []))}
    assert found == {"B2"}


def test_an_unnumbered_flat_total_that_no_partition_explains_is_a_warning_naming_the_assumption():
    rows = [["项目", "金额"], ["合计", 100], ["甲", 30], ["乙", 40], ["丙", 20]]
    [f] = check(("表", rows, []))
    assert f.severity == "warning" and f.cell == "B2" and "假定第3–5行" in f.message
    rows[1][1] = 70         # the first two rows add up: the third is a memo row, nothing to say
    assert check(("表", rows, [])) == []


def test_a_column_group_with_its_own_subtotal_counts_once_in_the_total_column():
    head = [["项目", None, "本年支出合计", "基本支出", None, None, "项目支出"],
            ["科目编码", "科目名称", None, "小计", "人员经费", "公用经费", None]]
    merged = [(0, 0, 0, 1), (0, 3, 0, 5), (0, 2, 1, 2), (0, 6, 1, 6)]
    rows = head + [[None, "合计", 150, 100, 80, 20, 50], ["2040601", "行政运行", 100, 100, 80, 20, 0],
                   ["2040610", "法律援助", 50, 0, 0, 0, 50]]
    assert check(("表", rows, merged)) == []
    rows[3][4] = 83         # 人员经费 of 行政运行: breaks its 小计 and the 合计 row's column
    [f] = check(("表", rows, merged))
    assert (f.cell, f.actual, f.expected) == ("E4", 83, 80)


def test_breakdown_rows_under_carry_over_lines_are_not_added_into_the_total():
    rows = [["项目", "金额"], ["一、一般公共预算财政拨款", 139], ["本年收入合计", 139], ["年初财政拨款结转和结余", 3],
            ["一般公共预算财政拨款", 3], ["政府性基金预算财政拨款", 0], ["总计", 142]]
    assert check(("表", rows, [])) == []
    rows[4][1] = 3.5
    [f] = check(("表", rows, []))
    assert f.cell in ("B4", "B5") and "一般公共预算财政拨款" in f.message


def test_label_columns_with_a_qualifier_are_read_as_three_blocks():
    rows = [["项目", "决算数", "项目（按功能分类）", "决算数", "项目（按支出性质和经济分类）", "决算数"],
            ["一、财政拨款收入", 10, "一、公共安全支出", 10, "一、基本支出", 10]]
    blocks = read_blocks("表", rows)
    assert [b.label_col for b in blocks] == [0, 2, 4]


def test_side_by_side_triples_are_one_table_with_their_bottom_totals():
    merged = [(0, 0, 0, 2), (0, 3, 0, 8), (5, 0, 5, 1), (5, 3, 5, 7)]
    rows = [["人员经费", None, None, "公用经费"] + [None] * 5,
            ["科目编码", "科目名称", "决算数"] * 3,
            ["301", "工资福利支出", 70, "302", "商品和服务支出", 9, "30231", "公务用车运行维护费", 3],
            ["30101", "基本工资", 70, "30201", "办公费", 6, "310", "资本性支出", 1],
            ["303", "对个人和家庭的补助", 13, None, None, None, "31002", "办公设备购置", 1],
            ["人员经费合计", None, 83, "公用经费合计", None, None, None, None, 10]]
    assert check(("表", rows, merged)) == []
    rows[2][8] = 4          # 公务用车运行维护费 in the third triple: 302 no longer adds up
    [f] = check(("表", rows, merged))
    assert f.cell in ("F3", "I3") and "商品和服务支出" in f.message
    rows[2][8] = 3
    rows[5][8] = 11         # 公用经费合计 against 302 + 310
    [f] = check(("表", rows, merged))
    assert f.cell == "I6" and "商品和服务支出" in f.message and "资本性支出" in f.message


def test_the_horizontal_three_public_table_is_checked():
    merged = [(0, 0, 0, 5), (0, 6, 0, 11)] + [(1, o, 2, o) for o in (0, 1, 5, 6, 7, 11)] + [(1, 2, 1, 4), (1, 8, 1, 10)]
    sub = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    rows = [["预算数"] + [None] * 5 + ["决算数"] + [None] * 5, sub + sub,
            [None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2, list(range(1, 13)),
            [2, 0, 1.6, 0, 1.6, 0.4, 1.5, 0, 1.2, 0, 1.2, 0.3]]
    assert check(("三公", rows, merged)) == []
    rows[4][11] = 0.5
    [f] = check(("三公", rows, merged))
    assert f.cell == "G5" and "L5" in f.message


def test_rate_columns_are_checked_as_rates_and_never_summed():
    rows = [["项目", "上年决算数", "本年决算数", "增减金额", "增减幅度"], ["合计", 18000, 15000, -3000, "-16.67%"],
            ["1.公务用车运行费", 14000, 12000, -2000, "-14.29%"], ["2.公务接待费", 4000, 3000, -1000, "-25.00%"]]
    assert check(("表", rows, [])) == []
    rows[3][4] = "-13.15%"
    [f] = check(("表", rows, []))
    assert f.cell == "E4" and "-25.00%" in f.message


def test_a_figure_typed_in_wanyuan_in_a_yuan_table_is_named_with_the_direction():
    rows = [["金额单位：元"], ["项目", "金额"], ["合计", 115200], ["一、人员经费", 52000], ["二、公用经费", 63200]]
    assert check(("表", rows, [])) == []
    rows[4][1] = 6.32
    [f] = check(("表", rows, []))
    assert f.cell == "B5" and "写成了万元（应为元）" in f.message and "本表金额单位为元" in f.message


def test_a_detail_cell_that_breaks_its_row_and_its_column_is_blamed_not_the_totals():
    rows = [["项目", "合计", "基本支出", "项目支出"], ["合计", 100, 70, 30], ["一、人员", 60, 60, 0],
            ["二、公用", 40, 10, 30]]
    rows[3][3] = 33
    [f] = check(("表", rows, []))
    assert (f.cell, f.expected, f.actual) == ("D4", 30, 33)


def test_a_fiscal_figure_larger_than_the_all_funds_figure_is_certainly_wrong():
    all_funds = [["支出决算表"], ["科目编码", "科目名称", "决算数"], ["2040601", "行政运行", 73]]
    fiscal = [["一般公共预算财政拨款支出决算表"], ["科目编码", "科目名称", "决算数"], ["2040601", "行政运行", 72]]
    assert check(("支出", all_funds, []), ("财政拨款", fiscal, [])) == []
    fiscal[2][2] = 75
    [f] = check(("支出", all_funds, []), ("财政拨款", fiscal, []))
    assert (f.sheet, f.cell, f.severity) == ("财政拨款", "C3", "error") and "不能更大" in f.message


def test_the_templates_unit_selector_is_read():
    rows = [["金额单位", "元"], [], ["项目", "金额"], ["公务接待费", 3000]]
    [block] = read_blocks("决算表", rows)
    assert block.unit == "元"
    other = [["乙表（单位：万元）"], ["项目", "决算数"], ["公务接待费", 0.3]]
    assert check(("决算表", rows, []), ("乙", other, [])) == []
    # a unit given from outside (LA_AmountUnit) applies to a sheet that names none
    bare = [["项目", "金额"], ["公务接待费", 3000]]
    [block] = read_blocks("表", bare, unit="元")
    assert block.unit == "元"


def test_unchecked_sheets_give_their_reason():
    sheets = [SheetInput("空", []), SheetInput("说明", [["本表说明文字"]]),
              SheetInput("公开08表", [["项目", "合计"], ["合计", None], ["注：本单位无政府性基金收支，故本表为空表。"]])]
    reasons = {u["sheet"]: u["reason"] for u in unchecked_sheets(sheets)}
    assert reasons["空"] == "工作表是空的" and "未找到表头" in reasons["说明"] and "空表" in reasons["公开08表"]


def test_the_budget_button_uses_the_amount_unit_selector_and_lists_unchecked_sheets():
    import pytest

    from toolkit.base.errors import InputError
    from toolkit.excel import buttons
    from toolkit.io.excel_read import RawSheet

    pasted = [["项目", "决算数"], ["合计", 115200], ["一、人员经费", 52000], ["二、公用经费", 6.32]]
    empty = [["项目", "合计"], ["注：本单位无此项支出，故本表为空表。"]]
    layout, message = buttons.budget_plan([RawSheet("决算表", pasted), RawSheet("公开08表", empty)], "模板.xlsm",
                                          unit="元")
    rows = [[c.value for c in row] for row in layout.rows[1:]]
    assert rows[0][1] == "决算表!B4" and "本表金额单位为元" in rows[0][6] and "写成了万元（应为元）" in rows[0][6]
    assert rows[-1][:2] == ["未校验", "公开08表"] and "空表" in rows[-1][6]
    assert "未校验的工作表：“公开08表”" in message
    with pytest.raises(InputError, match="只能填“元”或“万元”"):
        buttons.budget_plan([RawSheet("决算表", pasted)], "模板.xlsm", unit="美元")


def test_a_flat_total_whose_identity_cannot_apply_is_still_checked():
    """支出合计 over 人员经费 / 公用经费 / 三公经费 only: 支出合计 = 基本支出 + 项目支出 cannot be checked here,
    so the rows are tried as parts; nothing adds up, so a warning names the assumption (not silence)."""
    rows = [["项目", "金额"], ["支出合计", 100], ["人员经费", 60], ["公用经费", 30], ["三公经费", 2]]
    [f] = check(("表", rows, []))
    assert f.severity == "warning" and f.cell == "B2" and "假定" in f.message
    rows[1][1] = 90
    assert check(("表", rows, [])) == []


def test_a_differently_headed_side_without_totals_is_not_taken_for_a_continuation():
    rows = [["项目（按功能分类）", "决算数", "项目（按支出性质和经济分类）", "决算数"],
            ["一、公共安全支出", 10, "一、基本支出", 7], [None, None, "二、项目支出", 3], ["本年支出合计", 10, None, None]]
    blocks = read_blocks("表", rows)
    assert [b.label_col for b in blocks] == [0, 2] and [len(b.lines) for b in blocks] == [2, 2]
