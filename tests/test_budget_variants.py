"""`legalaid validate` on a fourth corpus (tests/budget_corpus_variants.py): 三公 tables laid out across with dashes
for zeros, whole tables in 万元 under a 元 header, and .xls (Excel 97–2003) workbooks.

Measured on this corpus before the fixes of this branch (main at abfd702) and after, with
`python tests/budget_corpus_variants.py --measure` (18 consistent workbooks; 55 planted cases, 64 planted places).
Recall = planted places reported exactly once with the planted severity / planted places; precision = findings at a
planted cell / all findings of the planted workbooks:

| kind | before: recall, precision | after: recall, precision |
|---|---|---|
| consistent workbooks with 0 findings (errors and warnings) | 14/18 | 18/18 |
| 三公合计错 (across with a 项目 column, and without) | 11/11, 11/14 | 11/11, 11/11 |
| 三公分项错 (公务用车 小计, or 运行费 without 小计) | 7/11, 7/14 | 11/11, 11/11 |
| 三公增减幅度错 (rows 上年 / 本年 or 2023年 / 2024年, 增减金额, 增减幅度) | 0/3, 0/3 | 3/3, 3/3 |
| 整表万元标元（跨表） .xlsx / .xls (an error) | 4/4, 4/32 / 1/1, 1/8 | 4/4, 4/4 / 1/1, 1/1 |
| 整表万元标元（无旁证） (a warning) | 0/11, 0/0 | 11/11, 11/11 |
| 缩进层级 (.xls, hierarchy by indent only) | 0/1, 0/1 | 1/1, 1/1 |
| the fresh corpus's 7 kinds saved as .xls | 22/22, 22/22 | 22/22, 22/22 |

Before: the 万元-under-元 支出决算表 was named at its unit line but also drew seven false 口径包含关系 errors (the
财政拨款 figures looked larger than the all-funds ones read as 元); a 公务用车 小计 beside a 购置费 column left blank
was not checked (a wholly blank column was dropped), so its slip went to the 合计 or was lost; a 增减幅度 row of a
三公 table laid out across was summed like an amount row (a false error at its 合计) and never checked as a rate; a
lone table or a whole set in 万元 under 元 headers gave nothing; an .xls was read without its number formats and
indents (the indent-only budget gave a false warning and missed its slip) and could not be annotated (`-o` refused).
"""

from __future__ import annotations

import openpyxl
import pytest

from budget_corpus import validate
from budget_corpus_fresh import hits
from budget_corpus_variants import consistent_variants, planted_variants

CONSISTENT = consistent_variants()
PLANTED = planted_variants()


@pytest.mark.parametrize("variant", CONSISTENT, ids=[v.name for v in CONSISTENT])
def test_consistent_variants_give_no_finding(variant, tmp_path, capsys):
    code, data = validate(capsys, variant.write(tmp_path))
    assert (data["errors"], data["warnings"]) == (0, 0), [(f["cell"], f["message"]) for f in data["findings"]]
    assert code == 0


@pytest.mark.parametrize("variant", PLANTED, ids=[v.name for v in PLANTED])
def test_each_planted_slip_is_found_once_at_its_cell_with_its_severity(variant, tmp_path, capsys):
    _, data = validate(capsys, variant.write(tmp_path))
    findings = data["findings"]
    for expected in variant.planted:
        at = [f for f in findings if hits(expected, f)]
        assert len(at) == 1 and at[0]["severity"] == variant.severity, (expected, findings)
    assert [f for f in findings if not any(hits(e, f) for e in variant.planted)] == []


def test_the_variants_have_the_features_they_claim(tmp_path):
    """Read back cell by cell: the 三公 table across with dashes, the 元 header over 万元 figures, the .xls file."""
    by = {v.name: v for v in CONSISTENT}
    ws = openpyxl.load_workbook(by["三公横排_栏次_万元_混合零"].write(tmp_path))["公开07表"]
    assert [ws.cell(4, c).value for c in range(1, 8)] == ["项目", "合计", "因公出国（境）费", "公务用车购置及运行费",
                                                          None, None, "公务接待费"]
    assert [ws.cell(5, c).value for c in range(4, 7)] == ["小计", "公务用车购置费", "公务用车运行费"]
    assert ws["A7"].value == "预算数" and ws["A8"].value == "决算数" and ws["A6"].value == "栏次"
    assert [ws.cell(7, c).value for c in range(2, 8)] == [3, "-", 2.5, "—", 2.5, 0.5]
    assert [ws.cell(8, c).value for c in range(2, 8)] == [2.48, None, 2.16, "－", 2.16, 0.32]

    lone = next(v for v in PLANTED if v.name == "万元_两位_空白零·单表万元标元")
    ws = openpyxl.load_workbook(lone.write(tmp_path)).active
    assert ws.title == "公开03表" and ws["H3"].value == "金额单位：元" and ws["C7"].value == 220.77

    import xlrd
    xls = next(v for v in CONSISTENT if v.xls and v.name.startswith("万元_两位_空白零"))
    book = xlrd.open_workbook(str(xls.write(tmp_path)), formatting_info=True)
    sh = book.sheet_by_name("公开03表")
    assert sh.cell_value(6, 2) == 220.77 and sh.cell_value(2, 7) == "金额单位：万元"
    assert book.format_map[book.xf_list[sh.cell(6, 2).xf_index].format_key].format_str == "#,##0.00"
    assert (0, 1, 0, 8) in sh.merged_cells          # the title merged across the table


def test_a_lone_table_in_wan_yuan_under_a_yuan_header_is_one_warning_saying_what_was_assumed(tmp_path, capsys):
    v = next(v for v in PLANTED if v.name == "万元_四位_横杠零_缩进·单表万元标元")
    code, data = validate(capsys, v.write(tmp_path))
    [f] = data["findings"]
    assert (f["severity"], f["sheet"], f["cell"], f["rule"]) == ("warning", "公开03表", "H3", "单位检查（整表）")
    assert "C7" in f["message"] and "220.775 元" in f["message"] and "4位小数" in f["message"]
    assert "此为推测" in f["message"] and "不少于 10000 元" in f["message"] and "万元" in f["message"]
    assert code == 0            # a warning only


def test_a_table_in_wan_yuan_that_other_tables_show_times_10000_is_an_error_and_nothing_else(tmp_path, capsys):
    v = next(v for v in PLANTED if v.name == "元_文本千分位_零为0.00_分列编码·支出表万元标元")
    code, data = validate(capsys, v.write(tmp_path))
    [f] = data["findings"]
    assert (f["severity"], f["cell"]) == ("error", "J3") and "按万元填写" in f["message"] and "1/10000" in f["message"]
    assert code == 1            # no 口径包含关系 finding from figures read as 元


def test_small_yuan_tables_that_are_not_budget_tables_or_are_small_by_nature_give_no_warning():
    from toolkit.budget.workbook import SheetInput, check_workbook

    ours = [["法律援助项目（单位：元）"], ["项目", "金额"], ["合计", 300], ["办案", 100], ["宣传", 200]]
    sangong = [["“三公”经费支出决算表"], ["单位：元"], ["项目", "决算数"], ["合计", 860], ["公务接待费", 860]]
    hosting = [["决算表"], ["金额单位", "元"], ["项目", "金额"], ["公务接待费", 3000]]
    assert check_workbook([SheetInput("甲", ours)]) == []
    assert check_workbook([SheetInput("乙", sangong)]) == []
    assert check_workbook([SheetInput("丙", hosting)]) == []
    sangong[4][1] = sangong[3][1] = 0.86          # 0.86 元 of 公务接待费 in a year: written in 万元
    [f] = check_workbook([SheetInput("乙", sangong)])
    assert (f.severity, f.cell, f.rule) == ("warning", "A2", "单位检查（整表）") and "不少于 100 元" in f.message


def test_an_xls_is_read_with_its_formats_and_annotated_into_an_xlsx_copy(tmp_path, capsys):
    from toolkit.cli import main as cli

    v = next(v for v in PLANTED if v.xls and v.kind == "单格元写成万元")
    src = v.write(tmp_path)
    before = src.read_bytes()
    out = tmp_path / "结果.xls"
    assert cli.main(["validate", str(src), "-o", str(out)]) == 1
    text = capsys.readouterr().out
    written = tmp_path / "结果.xlsx"
    assert not out.exists() and written.exists() and src.read_bytes() == before
    assert "Excel 97-2003" in text and "“结果.xlsx”" in text and "原文件未改动" in text
    sheet, cell = v.planted[0].split("!")
    wb = openpyxl.load_workbook(written)
    ws = wb[sheet]
    assert ws[cell].comment is not None and "疑似单位错误" in ws[cell].comment.text
    assert ws[cell].fill.fgColor.rgb.endswith("FFC7CE")
    # the copy keeps the figures, their number format and the merged title
    assert ws[cell].value == 92592 and ws[cell].number_format == "#,##0.00"
    assert ws["A1"].value.endswith("支出决算表") and any(str(m).startswith("A1:") for m in ws.merged_cells.ranges)
    result = wb["校验结果"]
    assert [result.cell(2, c).value for c in (1, 2)] == ["错误", f"{sheet}!{cell}"]
    # --json keeps stdout a JSON document; the note goes to stderr
    assert cli.main(["validate", str(src), "--json", "-o", str(tmp_path / "二.xlsx")]) == 1
    io = capsys.readouterr()
    assert io.out.lstrip().startswith("{") and "Excel 97-2003" in io.err


def test_an_xls_whose_hierarchy_is_only_its_indents_is_checked_by_them(tmp_path, capsys):
    """Labels without numbering or codes, nested only by the cells' indent (Excel's 增加缩进量): read from the .xls
    formats, the slip in a detail line is an error at that line; the values alone could only guess."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("支出预算")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    rows = [("合计", 0, 250.0), ("基本支出", 1, 180.0), ("人员经费", 2, 150.0), ("公用经费", 2, 30.0),
            ("项目支出", 1, 70.0), ("法律援助办案补贴", 2, 46.0), ("业务装备购置", 2, 24.3)]
    ws.write(0, 0, "某县法律援助中心2025年支出预算表")
    ws.write(1, 0, "单位：万元")
    ws.write(2, 0, "项目")
    ws.write(2, 1, "预算数")
    for i, (label, indent, value) in enumerate(rows, 3):
        ws.write(i, 0, label, xlwt.easyxf(f"align: indent {indent}") if indent else xlwt.Style.default_style)
        ws.write(i, 1, value, money)
    path = tmp_path / "预算.xls"
    book.save(str(path))
    code, data = validate(capsys, path)
    [f] = data["findings"]
    assert (f["severity"], f["cell"]) == ("error", "B10") or (f["severity"], f["cell"]) == ("error", "B8"), f
    assert code == 1


def test_a_rate_row_of_a_table_laid_out_across_is_checked_as_a_rate_and_never_summed():
    from toolkit.budget.workbook import SheetInput, check_workbook

    rows = [["某县法律援助中心2024年度“三公”经费支出决算表"], ["单位：万元"],
            ["项目", "合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"],
            [None, None, None, "小计", "公务用车购置费", "公务用车运行费", None],
            ["上年决算数", 2.80, "—", 2.40, "—", 2.40, 0.40],
            ["本年决算数", 2.48, "—", 2.16, "—", 2.16, 0.32],
            ["增减金额", -0.32, "—", -0.24, "—", -0.24, -0.08],
            ["增减幅度", -11.43, "—", -10.0, "—", -10.0, -20.0]]
    merged = [(2, 3, 2, 5), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 6, 3, 6)]
    assert check_workbook([SheetInput("三公", rows, merged)]) == []
    rows[7][3] = -12.0
    [f] = check_workbook([SheetInput("三公", rows, merged)])
    assert (f.cell, f.rule, f.expected, f.actual) == ("D8", "增减幅度 = 增减金额 ÷ 上年数", -10, -12)
    rows[7][3], rows[6][6] = -10.0, -0.06
    [f] = check_workbook([SheetInput("三公", rows, merged)])
    assert (f.cell, f.rule) == ("G7", "增减金额 = 本年 − 上年") and "-0.08" in f.message
