"""check-report on hand-written report paragraphs: each kind of error is found, each kind of correct statement is not."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from toolkit.report.check import check_report
from toolkit.report.figures import (AMOUNT, COUNT, PERCENT, YEAR, TableValue, chinese_integer, extract_figures,
                                    parse_number)

HEAD = "沅江市法律援助中心2023年度部门整体支出绩效自评报告\n"


def findings(text: str, tables=None):
    return check_report(HEAD + text, tables).findings


def kinds(text: str, tables=None) -> list[str]:
    return [f.kind for f in findings(text, tables)]


# ---------------------------------------------------------------- numbers and figures

@pytest.mark.parametrize("text, value, decimals", [
    ("1,085", "1085", 0), ("325.68", "325.68", 2), ("１２３", "123", 0), ("一千零二十", "1020", 0),
    ("两百", "200", 0), ("十二", "12", 0), ("九十五点五", "95.5", 1), ("二〇二三", "2023", 0),
    ("三万五千", "35000", 0), ("一亿二千万", "120000000", 0), ("3,256,800.50", "3256800.50", 2),
])
def test_parse_number(text, value, decimals):
    assert parse_number(text) == (Decimal(value), decimals)


def test_chinese_integer_with_zero_gaps():
    assert chinese_integer("一千零二") == 1002
    assert chinese_integer("一万零五十") == 10050


def test_figures_with_units_labels_and_sentences():
    text = "2023年收入合计325.68万元，其中财政拨款收入3,200,000元。接待咨询1.2万人次，办理案件一千零二十件；执行率百分之九十八点五。"
    figs = extract_figures(text)
    by_text = {f.text: f for f in figs}
    assert [f.kind for f in figs] == [YEAR, AMOUNT, AMOUNT, COUNT, COUNT, PERCENT]
    assert by_text["325.68万元"].value == Decimal("3256800") and by_text["325.68万元"].unit == "万元"
    assert by_text["325.68万元"].tolerance == Decimal("50")   # half of 0.01万元
    assert by_text["325.68万元"].canonical == "收入合计"
    assert by_text["3,200,000元"].value == Decimal(3200000) and by_text["3,200,000元"].canonical == "财政拨款收入"
    assert by_text["1.2万人次"].value == Decimal(12000) and by_text["1.2万人次"].unit == "人次"
    assert by_text["一千零二十件"].value == 1020 and by_text["一千零二十件"].canonical == "办理法律援助案件"
    assert by_text["百分之九十八点五"].value == Decimal("98.5")
    assert by_text["一千零二十件"].sentence == "接待咨询1.2万人次，办理案件一千零二十件；执行率百分之九十八点五。"


def test_chinese_amount_keeps_wan_as_unit():
    (fig,) = extract_figures("挽回经济损失一千零二十万元。")
    assert fig.value == Decimal(10200000) and fig.unit == "万元"


def test_approximate_and_target_figures_are_marked():
    figs = {f.text: f for f in extract_figures("支出约300万元，案件1000余件，年度指标值≥1000件，比上年增加20件。")}
    assert figs["300万元"].qualifier == "approx"
    assert figs["1000余件"].qualifier == "approx"
    assert figs["1000件"].qualifier == "bound"
    assert figs["20件"].qualifier == "delta"


# ---------------------------------------------------------------- correct statements: no findings

CORRECT = {
    "breakdown adds up": "2023年“三公”经费支出合计1.23万元，其中因公出国（境）费0.00万元、公务用车购置及运行费0.80万元、公务接待费0.43万元。",
    "breakdown within rounding": "2023年支出合计325.68万元，其中基本支出210.46万元、项目支出115.23万元。",
    "overlapping groups": "2023年受援人120人，其中农民工80人、老年人50人、残疾人10人。",
    "incomplete list with 等": "2023年办理法律援助案件1,020件，其中刑事案件300件、民事案件600件等。",
    "single part below total": "为受援人挽回经济损失356.79万元，其中为农民工讨回工资120.00万元。",
    "bracketed sub-list": "2023年支出合计325.68万元，其中基本支出210.46万元（其中人员经费180.01万元、公用经费30.45万元），"
                          "项目支出115.22万元。",
    "two lists in one sentence": "2023年收入合计325.68万元，其中财政拨款收入320.00万元、其他收入5.68万元；支出合计325.68万元，"
                                 "其中基本支出210.46万元、项目支出115.22万元。",
    "share named": "2023年支出合计325.68万元，其中基本支出210.46万元，占支出合计的64.62%；项目支出115.22万元，占支出合计的35.38%。",
    "share unnamed in list": "2023年支出合计325.68万元，其中基本支出210.46万元，占比64.62%。",
    "share of a figure stated elsewhere": "2023年办理法律援助案件1,020件，其中刑事案件300件、民事案件720件。"
                                          "刑事案件占案件总数的29.41%。",
    "execution rate": "2023年全年预算数330.00万元，全年执行数325.68万元，预算执行率为98.69%。",
    "same quantity in two units": "2023年收入合计325.68万元。本年收入合计为3,256,800元。",
    "chinese numerals and separators agree": "全年办理法律援助案件一千零二十件。办理法律援助案件1,020件。",
    "different years": "2022年办理法律援助案件800件。2023年办理法律援助案件1,020件。",
    "budget and actual differ": "2023年年初预算中人员经费170.00万元。人员经费180.01万元。",
    "approximate": "2023年收入合计325.68万元。本年收入合计约330万元。",
    "year moves": "案件数从2022年的800件增加到2023年的1,020件。",
    "compare with last year": "2023年办理法律援助案件1,020件，较2022年增加220件。",
    "amounts in 元 throughout": "2023年公务接待费4,300元，公务用车运行费8,000元。",
}


@pytest.mark.parametrize("name", CORRECT)
def test_correct_statements_give_no_findings(name):
    assert findings(CORRECT[name]) == []


# ---------------------------------------------------------------- errors: each kind is found

def test_breakdown_parts_exceed_total():
    (f,) = findings("2023年支出合计325.68万元，其中基本支出210.46万元、项目支出125.22万元。")
    assert f.kind == "breakdown"
    assert f.stated == "325.68万元" and f.expected == "335.68万元"
    assert "大于支出合计325.68万元" in f.message
    assert f.sentence == "2023年支出合计325.68万元，其中基本支出210.46万元、项目支出125.22万元。"


def test_breakdown_parts_short_of_total():
    (f,) = findings("2023年办理法律援助案件1,020件，其中刑事案件300件、民事案件600件、行政案件20件。")
    assert (f.kind, f.stated, f.expected) == ("breakdown", "1,020件", "920件")
    assert "相差100件" in f.message


def test_bracketed_sub_list_that_does_not_add_up():
    (f,) = findings("2023年支出合计325.68万元，其中基本支出210.46万元（其中人员经费180.01万元、公用经费20.45万元），"
                    "项目支出115.22万元。")
    assert (f.kind, f.stated, f.expected) == ("breakdown", "210.46万元", "200.46万元")


def test_single_part_larger_than_total():
    (f,) = findings("为受援人挽回经济损失56.79万元，其中为农民工讨回工资120.00万元。")
    assert f.kind == "breakdown" and f.stated == "120.00万元"


def test_share_with_named_base_reports_bases_tried():
    (f,) = findings("2023年支出合计325.68万元，其中基本支出210.46万元，占支出合计的66.62%；项目支出115.22万元，占支出合计的35.38%。")
    assert (f.kind, f.stated, f.expected) == ("share", "66.62%", "64.62%")
    assert "已试的基数（“支出合计”）" in f.message and "210.46万元÷支出合计325.68万元＝64.62%" in f.message


def test_share_of_wrong_base_named():
    text = ("2023年收入合计330.00万元。支出合计325.68万元，其中基本支出210.46万元、项目支出115.22万元。"
            "基本支出占收入合计的64.62%。")
    (f,) = findings(text)
    assert f.kind == "share" and f.expected == "63.78%"
    assert "“收入合计”" in f.message


def test_share_unnamed_base_uses_list_total():
    (f,) = findings("2023年支出合计325.68万元，其中基本支出210.46万元，占比60.00%；项目支出115.22万元。")
    assert (f.kind, f.stated, f.expected) == ("share", "60.00%", "64.62%")
    assert "所在“其中”列表的合计" in f.message


def test_execution_rate_wrong():
    (f,) = findings("2023年全年预算数330.00万元，全年执行数325.68万元，预算执行率为95.00%。")
    assert (f.kind, f.stated, f.expected) == ("rate", "95.00%", "98.69%")
    assert "全年执行数÷全年预算数" in f.message


def test_count_share_wrong():
    (f,) = findings("2023年办理法律援助案件1,020件。刑事案件300件，占案件总数的39.41%。")
    assert (f.kind, f.expected) == ("share", "29.41%")


def test_same_quantity_stated_differently():
    (f,) = findings("2023年收入合计325.68万元，主要为财政拨款。本年收入合计为352.68万元。")
    assert (f.kind, f.stated, f.expected) == ("repeat", "352.68万元", "325.68万元")
    assert "前后不一致" in f.message and "2023年收入合计325.68万元" in f.message


def test_repeated_count_in_chinese_numerals_disagrees():
    (f,) = findings("全年办理法律援助案件一千零二十件。办理法律援助案件1,200件。")
    assert (f.kind, f.stated, f.expected) == ("repeat", "1,200件", "一千零二十件")


def test_unit_slip_in_breakdown():
    (f,) = findings("2023年收入合计325.68万元，其中财政拨款收入320.00元、其他收入5.68万元。")
    assert (f.kind, f.stated, f.expected) == ("unit", "320.00元", "320.00万元")


def test_unit_slip_among_siblings():
    (f,) = findings("2023年公务用车购置及运行费0.80万元，公务接待费4300.00万元，因公出国（境）费0.50万元。")
    assert (f.kind, f.stated, f.expected) == ("unit", "4300.00万元", "4,300.00元")


def test_unit_slip_in_repeat():
    (f,) = findings("2023年收入合计325.68万元。本年收入合计为325.68元。")
    assert (f.kind, f.stated, f.expected) == ("unit", "325.68元", "325.68万元")


def test_year_sequence_that_does_not_move():
    (f,) = findings("案件数从2022年的800件增加到2022年的1,020件。")
    assert (f.kind, f.stated) == ("year", "2022年")
    assert "起止年份相同" in f.message


def test_comparison_with_the_same_year():
    (f,) = findings("2023年办理法律援助案件1,020件，较2023年增加220件。")
    assert (f.kind, f.stated) == ("year", "2023年")


def test_change_in_the_wrong_direction():
    (f,) = findings("案件数从2022年的1,100件增加到2023年的1,020件。")
    assert (f.kind, f.stated, f.expected) == ("year", "1,020件", "大于1,100件")


# ---------------------------------------------------------------- against tables

TABLES = [
    TableValue("支出合计", AMOUNT, Decimal("3256800"), Decimal(0), "预算.xlsx “收支决算表” 第7行 “全年执行数”列"),
    TableValue("办理法律援助案件", COUNT, Decimal(1020), Decimal(0), "台账.xlsx 案件台账"),
    TableValue("预算执行率", PERCENT, Decimal("98.6909"), Decimal(0), "预算.xlsx 全年执行数÷全年预算数"),
]


def test_prose_agrees_with_tables():
    assert findings("2023年支出合计325.68万元。办理法律援助案件1,020件，预算执行率98.69%。", TABLES) == []


def test_prose_disagrees_with_table():
    (f,) = findings("2023年支出合计325.86万元。", TABLES)
    assert (f.kind, f.stated, f.expected) == ("table", "325.86万元", "325.68万元")
    assert "第7行" in f.message


def test_prose_unit_slip_against_table():
    (f,) = findings("2023年办理法律援助案件1,020件，支出合计325.68元。", TABLES)
    assert (f.kind, f.expected) == ("unit", "3256800.00元")


def test_other_years_are_not_checked_against_tables():
    assert findings("2022年办理法律援助案件800件。", TABLES) == []


# ---------------------------------------------------------------- CLI



def test_cli_json_on_markdown(tmp_path, run_cli):
    report = tmp_path / "报告.md"
    report.write_text("# 2023年度自评报告\n\n- 2023年支出合计325.68万元，其中基本支出210.46万元、项目支出125.22万元。\n"
                      "- 预算执行率为**98.69%**。\n", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--json")
    data = json.loads(out)
    assert code == 1
    assert data["figures"] == 6
    assert [f["kind"] for f in data["findings"]] == ["breakdown"]
    assert set(data["findings"][0]) == {"kind", "severity", "sentence", "stated", "expected", "message"}
    assert data["findings"][0]["severity"] == "错误"


def test_cli_text_in_gb18030(tmp_path, run_cli):
    report = tmp_path / "报告.txt"
    report.write_bytes("2023年收入合计325.68万元。本年收入合计为352.68万元。".encode("gb18030"))
    code, out, _ = run_cli("check-report", report)
    assert code == 1
    assert "发现不一致 1 处" in out and "【前后不一致】" in out and "352.68万元" in out


def test_cli_clean_report_exits_zero(tmp_path, run_cli):
    report = tmp_path / "报告.txt"
    report.write_text(HEAD + CORRECT["share named"], encoding="utf-8")
    code, out, _ = run_cli("check-report", report)
    assert code == 0 and "发现不一致 0 处" in out


@pytest.mark.parametrize("name, content, message", [
    ("报告.doc", b"xx", "另存为 .docx"),
    ("报告.pdf", b"xx", "不支持的文件类型"),
    ("报告.docx", b"not a zip", "不是有效的 .docx"),
])
def test_cli_unusable_report(tmp_path, run_cli, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run_cli("check-report", path)
    assert code == 2 and message in err and name in err


def test_cli_missing_report(tmp_path, run_cli):
    code, _, err = run_cli("check-report", tmp_path / "无此文件.docx")
    assert code == 2 and "文件不存在" in err and "Traceback" not in err


# ---------------------------------------------------------------- a whole report in the usual published style

REPORT = """沅江市法律援助中心2023年度部门整体支出绩效自评报告
一、部门概况
（一）基本情况。我中心为司法局下属公益一类事业单位，核定编制8名，实有在职人员7人，其中在编5人、聘用2人。
二、部门整体支出管理及使用情况
（一）收入情况。2023年度收入总计325.68 万元，其中：一般公共预算财政拨款收入320.00万元，占98.26%；其他收入5.68万元，占1.74%。与上年相比增加25.68万元，增长8.56%，主要原因是人员调资。
（二）支出情况。2023年度支出总计325.68万元，其中：基本支出210.46万元，占总支出的64.62%，主要用于保障机构正常运转；项目支出115.22万元，占总支出的35.38%，主要用于法律援助办案补贴等。
（三）“三公”经费。2023年“三公”经费支出1.23万元，较上年减少0.2万元，下降13.99%，其中公务接待费0.43万元、公务用车运行维护费0.80万元，因公出国（境）费0元。
（四）预算执行。年初预算数为300万元，全年预算数为330万元，全年执行数为325.68万元，执行率为98.69%。
三、部门整体支出绩效情况
全年共受理法律援助案件1020件，同比增长12%，其中刑事案件300件、民事案件700件、行政案件20件；接待来访咨询5000余人次，12348热线解答咨询6,123人次；为农民工讨薪120.5万元，为受援人挽回经济损失356.79万元。办案及时率100%，服务满意度达98%以上。
四、存在的问题
法律援助专项经费80万元，按最低标准测算需要192.35万元，缺口112.35万元，专项经费仅占需求的41.59%。
五、改进措施
进一步加强预算管理，力争2024年预算执行率达到100%。
"""

SLIPS = [("占98.26%", "占97.26%"), ("占总支出的64.62%", "占总支出的66.62%"), ("公务接待费0.43万元", "公务接待费0.53万元"),
         ("执行率为98.69%", "执行率为96.69%"), ("刑事案件300件", "刑事案件310件"), ("较上年减少", "较2023年减少")]


def test_published_style_report_without_errors():
    result = check_report(REPORT)
    assert result.findings == [] and len(result.figures) == 47


def test_published_style_report_with_six_slips():
    text = REPORT
    for right, wrong in SLIPS:
        text = text.replace(right, wrong)
    found = [(f.kind, f.stated, f.expected) for f in check_report(text).findings]
    assert found == [("share", "97.26%", "98.26%"), ("share", "66.62%", "64.62%"), ("breakdown", "1.23万元", "1.33万元"),
                     ("year", "2023年", "上一年或其他比较年份"), ("rate", "96.69%", "98.69%"),
                     ("breakdown", "1020件", "1030件")]   # in the order they appear in the text


# ---------------------------------------------------------------- issue 12: each kind, in our own wording

def test_unit_slip_of_a_total_is_corrected_before_the_other_checks():
    text = "2023年部门支出总额203.55元，其中：基本支出120.418万元，占70.12%；项目支出56万元，占29.88%。"
    found = findings(text)
    assert [(f.kind, f.stated, f.expected) for f in found] == [
        ("unit", "203.55元", "203.55万元"),        # (a) the unit
        ("breakdown", "203.55元", "176.418万元"),  # (b) the parts, against the corrected total
        ("share", "70.12%", "59.16%"),             # (c) shares that fit no base
        ("share", "29.88%", "27.51%")]
    assert "按更正后的单位计" in found[1].message and "相差27.132万元" in found[1].message
    assert "120.418万元÷支出合计203.55万元" in found[2].message and "所列分项之和176.418万元＝68.26%" in found[2].message
    assert all("%" not in f.expected or float(f.expected.rstrip("%")) <= 100 for f in found)


@pytest.mark.parametrize("text", [
    "补贴标准：侦查阶段每件600-1200元；审查起诉阶段每件600-1600元；审判阶段每件1200-3000元。",
    "民事案件每件900～1600元，刑事案件每件900～2000元。",
    "仲裁案件每件1000元至1800元，行政案件每件1000元至2200元。",
    "本地统一按1600元-1900元/件发放，非诉讼事项按500元-800元/件发放。",
])
def test_ranges_are_one_figure_with_two_ends(text):
    assert findings(text) == []


@pytest.mark.parametrize("text, clean", [
    ("全年支出合计96.31万元。全年支出近97万元。", True),
    ("全年支出合计96.31万元。全年支出近90万元。", False),         # 近 = a little below: 90 is far off
    ("接待来访咨询1,642人次。全年接待来访咨询1600余人次。", True),
    ("接待来访咨询1,642人次。全年接待来访咨询1900余人次。", False),
    ("挽回经济损失218.4万元，约合挽回经济损失约220万元。", True),
])
def test_approximations_are_compared_with_a_tolerance_that_fits_the_wording(text, clean):
    found = findings(text)
    assert (found == []) is clean
    if not clean:
        (f,) = found
        assert f.kind == "approx" and "措辞允许的范围" in f.message


def test_displayed_precision_of_the_table():
    tables = [TableValue("支出合计", AMOUNT, Decimal("2307000"), Decimal(50), "决算表", decimals=2, unit="万元")]
    assert findings("2023年支出合计231万元。", tables) == []              # 230.70 shown as 231
    (f,) = findings("2023年支出合计233万元。", tables)
    assert (f.kind, f.expected) == ("table", "230.70万元")                # the table's own precision, not 231万元


def test_breakdown_expected_sum_keeps_the_parts_precision():
    (f,) = findings("2023年支出合计205万元，其中基本支出150.25万元、项目支出53.45万元。")
    assert (f.kind, f.expected) == ("breakdown", "203.70万元")


@pytest.mark.parametrize("text, expected", [
    ("2023年支出合计214.30万元，较上年增加30.67万元，增长14.31%。", "16.70%"),     # the rate on the current year
    ("2023年支出合计214.30万元，较上年增加30.67万元，增长19.20%。", "16.70%"),
])
def test_change_rate_against_the_previous_year(text, expected):
    (f,) = findings(text)
    assert (f.kind, f.expected) == ("change", expected)


def test_change_rate_on_the_current_year_is_named():
    (f,) = findings("2023年支出合计214.30万元，较上年增加30.67万元，增长14.31%。")
    assert "除以本年数" in f.message and "183.63万元" in f.message


def test_change_amount_against_the_stated_previous_year():
    assert findings("2023年支出合计214.30万元，上年支出合计183.63万元，增加30.67万元，增长16.70%。") == []
    (f,) = findings("2023年支出合计214.30万元，上年支出合计183.63万元，增加32.67万元，增长17.79%。")
    assert (f.kind, f.stated, f.expected) == ("change", "32.67万元", "30.67万元")


def test_decrease_rate():
    assert findings("2023年“三公”经费支出1.23万元，较上年减少0.20万元，下降13.99%。") == []


def test_traditional_and_full_width_forms():
    assert findings("2023年支出合計１２５.６０萬元，其中基本支出80.60萬元，佔64.17％；項目支出45.00萬元，佔35.83％。") == []
    (f,) = findings("2023年支出合計125.60萬元，其中基本支出80.60萬元，佔66.17％；項目支出45.00萬元，佔35.83％。")
    assert (f.kind, f.stated, f.expected) == ("share", "66.17％", "64.17%")


def test_list_split_across_sentences():
    text = ("2023年支出合计325.68万元，其中：基本支出210.46万元，主要包括工资福利支出150.20万元、商品和服务支出40.00万元。"
            "主要用于保障机构正常运转。项目支出115.22万元，主要用于办案补贴。")
    assert findings(text) == []
    (f,) = findings(text.replace("项目支出115.22万元", "项目支出125.22万元"))
    assert (f.kind, f.stated, f.expected) == ("breakdown", "325.68万元", "335.68万元")


def test_share_base_derived_from_another_share():
    text = "按经济分类，基本支出91.27万元，占84.06%；项目支出17.31万元，占15.94%。"
    assert findings(text) == []
    (f,) = findings(text.replace("占15.94%", "占17.94%"))
    assert (f.kind, f.stated, f.expected) == ("share", "17.94%", "15.94%")
    assert "未写明整体" in f.message


def test_year_inside_an_item_name():
    text = ("2023年收入合计500.00万元，其中本年财政拨款60.80万元、2016年结转439.20万元。"
            "2016年结转439.20万元主要用于办案补贴。")
    assert findings(text) == []


def test_one_label_in_two_scopes():
    text = ("商品和服务支出预算30.00万元，占基本支出的12.50%。商品和服务支出预算6.00万元，占项目支出的5.00%。"
            "2023年基本支出240.00万元，项目支出120.00万元。")
    assert findings(text) == []


def test_a_pasted_table_is_checked_like_a_sheet():
    table = ("2023年收入支出决算表\n单位：万元\n项目\t金额\n一、支出合计\t161.79\n1、工资福利支出\t74.69\n"
             "2、商品和服务支出\t21.10\n3、项目支出\t66.00\n")
    assert findings(table + "支出合计161.79万元。") == []
    found = findings(table.replace("21.10", "20.10") + "支出合计161.79万元。")
    assert [(f.kind, f.stated, f.expected) for f in found] == [("structure", "161.79", "160.79")]
    assert found[0].sentence == "一、支出合计\t161.79"
    (f,) = findings(table + "支出合计171.79万元。")               # prose against the pasted table
    assert (f.kind, f.stated, f.expected) == ("table", "171.79万元", "161.79万元")


def test_findings_are_in_text_order_and_never_twice():
    text = ("2023年支出合计325.68万元，其中基本支出210.46万元、项目支出125.22万元。"
            "刑事案件300件，占案件总数的39.41%。2023年办理法律援助案件1,020件。")
    found = findings(text)
    assert [f.kind for f in found] == ["breakdown", "share"]
    assert len({(f.kind, f.stated) for f in found}) == len(found)


def test_one_chinese_numeral_parser():
    from toolkit.base.money import chinese_integer as money_integer
    from toolkit.base.money import parse_amount
    assert chinese_integer("二〇二三") == money_integer("二〇二三") == 2023 == parse_amount("二〇二三")
    assert money_integer("二〇二三", "digits") == 2023
    with pytest.raises(ValueError):
        money_integer("二〇二三", "positional")
    (year,) = [f for f in extract_figures("二〇二三年办理案件十二件。") if f.kind == YEAR]
    assert year.value == 2023


# ---------------------------------------------------------------- a 决算情况说明 in the usual published layout

ACCOUNTS = """某县法律援助中心2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收入总计286.42万元，支出总计286.42万元。与2022年相比，收、支总计各增加22.15万元，增长8.38%。主要变动原因是人员调资。
二、收入决算情况说明
本年收入合计270.12万元，其中：一般公共预算财政拨款收入270.12万元，占100%；年初结转和结余16.30万元。
三、支出决算情况说明
本年支出合计275.36万元，其中：基本支出198.20万元，占71.98%；项目支出77.16万元，占28.02%。
四、一般公共预算财政拨款基本支出决算情况说明
2023年度一般公共预算财政拨款基本支出198.20万元，其中：人员经费172.65万元，主要包括：基本工资、津贴补贴、奖金、社会保障缴费；公用经费25.55万元，主要包括：办公费、印刷费、邮电费、差旅费。
五、“三公”经费支出决算情况说明
2023年度“三公”经费财政拨款支出决算为1.8万元，完成预算的90%，决算数小于预算数的主要原因是厉行节约。其中：因公出国（境）费支出决算为0万元；公务用车购置及运行维护费支出决算为1.2万元，占66.67%；公务接待费支出决算为0.6万元，占33.33%。
六、工作开展情况
全年受理法律援助案件1,062件，同比增长9.8%；办理认罪认罚从宽法律帮助668件；提供法律咨询1766余人次，发放宣传资料8000余份。办案补贴按每件1000元至2500元发放，共发放补贴近113万余元。
截至2023年12月31日，本单位共有车辆1辆，其中一般公务用车1辆。单价50万元以上通用设备0台（套）。
"""


def test_final_accounts_explanation_without_errors():
    result = check_report(ACCOUNTS)
    assert result.findings == [] and len(result.figures) > 30


@pytest.mark.parametrize("right, wrong, expected", [
    ("占71.98%", "占72.98%", ("share", "72.98%", "71.98%")),
    ("项目支出77.16万元", "项目支出79.16万元", ("breakdown", "79.16万元", "77.16万元")),   # its share names the culprit
    ("增长8.38%", "增长7.73%", ("change", "7.73%", "8.38%")),                            # rate on the current year
    ("公务接待费支出决算为0.6万元", "公务接待费支出决算为0.8万元", ("breakdown", "0.8万元", "0.6万元")),
    ("人员经费172.65万元", "人员经费172.65元", ("unit", "172.65元", "172.65万元")),
    ("年初结转和结余16.30万元", "年初结转和结余16.30元", ("unit", "16.30元", "16.30万元")),
    ("占33.33%", "占43.33%", ("share", "43.33%", "33.33%")),
])
def test_final_accounts_explanation_each_slip_once(right, wrong, expected):
    assert ACCOUNTS.count(right) == 1
    found = check_report(ACCOUNTS.replace(right, wrong)).findings
    assert [(f.kind, f.stated, f.expected) for f in found] == [expected]


def test_approximate_figure_against_a_table_value():
    tables = [TableValue("法律咨询", COUNT, Decimal(1790), Decimal(0), "咨询登记")]
    assert findings("2023年接待法律咨询1766余人次。", tables) == []
    (f,) = findings("2023年接待法律咨询1500余人次。", tables)
    assert (f.kind, f.stated, f.expected) == ("table", "1500余人次", "1790人次")
    assert "措辞允许1500人次～1650人次" in f.message


# ---------------------------------------------------------------- a 绩效自评报告 with a pasted table of two years

SELF_EVALUATION = """某县法律援助中心2023年度部门整体支出绩效自评报告
一、部门基本情况
本中心核定编制6名，实有在编人员5人，其中在编在岗4人、借调1人。
二、部门整体支出情况
“三公”经费支出情况如下（单位：万元）：
项目	2022年	2023年	增减幅度
“三公”经费合计	2.31	2.01	-12.99%
1.因公出国（境）费	0	0	0
2.公务用车运行维护费	1.50	1.30	-13.33%
3.公务接待费	0.81	0.71	-12.35%
2023年“三公”经费支出2.01万元，比2022年减少0.30万元，下降12.99%。
三、绩效目标完成情况
（一）产出指标。办理法律援助案件数年度指标值≥900件，实际完成1,062件，完成率118%，得20分；案件结案率≥95%，实际96.5%，得10分；法律咨询解答率100%。
（二）效益指标。为受援人挽回经济损失1,235.6万元，其中为农民工讨回工资356.2万元。
（三）满意度指标。受援人满意度≥90%，实际达到97.6%，得10分。
四、预算执行情况
年初预算数245.00万元，全年预算数262.30万元，全年执行数258.12万元，预算执行率为98.41%，得9.84分。
五、自评得分
综上，本年度自评得分96.84分，等级为“优”。
"""


def test_self_evaluation_with_a_two_year_table_without_errors():
    assert check_report(SELF_EVALUATION).findings == []


@pytest.mark.parametrize("right, wrong, expected", [
    ("下降12.99%", "下降14.93%", ("change", "14.93%", "12.99%")),            # 0.30 ÷ 2.01: the current year as base
    ("\t0.71\t", "\t0.81\t", ("structure", "2.01", "2.11")),                # a table cell: the table's sum breaks
    ("支出2.01万元", "支出2.11万元", ("table", "2.11万元", "2.01万元")),      # against the 2023 column, not 2022
    ("减少0.30万元", "减少0.40万元", ("change", "0.40万元", "0.30万元")),      # 2022 from the table's 2022 column
    ("预算执行率为98.41%", "预算执行率为99.41%", ("rate", "99.41%", "98.41%")),
    ("其中在编在岗4人", "其中在编在岗5人", ("breakdown", "5人", "6人")),
])
def test_self_evaluation_each_slip_once(right, wrong, expected):
    assert SELF_EVALUATION.count(right) == 1
    found = check_report(SELF_EVALUATION.replace(right, wrong)).findings
    assert [(f.kind, f.stated, f.expected) for f in found] == [expected]


def test_percent_column_of_a_pasted_table_is_not_summed():
    from toolkit.report.tables import check_text_tables
    findings_, values = check_text_tables(SELF_EVALUATION)
    assert findings_ == [] and {v.year for v in values} == {2022, 2023}
    assert all(v.value >= 0 for v in values)            # the 增减幅度 column (-12.99% …) is not read as amounts


# ---------------------------------------------------------------- a 部门预算情况说明

BUDGET_EXPLANATION = """白沙县法律援助中心2024年部门预算情况说明
一、收支预算总体情况
按照综合预算的原则，本单位所有收入和支出均纳入部门预算管理。2024年收入预算总额188.56万元，其中：一般公共预算拨款收入180.06万元，占95.49%；上年结转8.50万元，占4.51%。支出预算总额188.56万元，其中：基本支出150.36万元，占79.74%；项目支出38.20万元，占20.26%。收支预算总额较上年增加12.40万元，增长7.04%，主要原因是新增法律援助专项经费。
二、一般公共预算拨款支出预算情况
一般公共预算拨款支出180.06万元，主要用于以下方面：公共安全支出（类）司法（款）法律援助（项）165.26万元，占91.78%；社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）14.80万元，占8.22%。
三、一般公共预算“三公”经费预算情况
2024年“三公”经费预算数为1.60万元，比2023年预算减少0.20万元，下降11.11%。其中：因公出国（境）费0万元，与上年持平；公务用车购置及运行费1.10万元，比上年减少0.10万元；公务接待费0.50万元，比上年减少0.10万元。
四、政府采购情况
2024年度政府采购预算总额2.40万元，其中：货物类采购预算2.40万元。
五、绩效目标设置情况
办理法律援助案件≥900件，案件结案率≥95%，受援群众满意度≥90%，法律援助经费保障率100%。
六、国有资产占有使用情况
截至2023年12月31日，本单位共有车辆1辆，其中一般公务用车1辆；单位价值50万元以上通用设备0台（套）。
"""


def test_budget_explanation_without_errors():
    assert check_report(BUDGET_EXPLANATION).findings == []


@pytest.mark.parametrize("right, wrong, expected", [
    ("占95.49%", "占94.59%", ("share", "94.59%", "95.49%")),
    ("上年结转8.50万元", "上年结转8.50元", ("unit", "8.50元", "8.50万元")),
    ("增长7.04%", "增长6.58%", ("change", "6.58%", "7.04%")),          # the 总额 of the sentence before is the level
    ("下降11.11%", "下降12.50%", ("change", "12.50%", "11.11%")),
    ("（项）165.26万元", "（项）156.26万元", ("share", "91.78%", "86.79%")),  # the whole derived from the other share
    ("公务接待费0.50万元", "公务接待费0.40万元", ("breakdown", "1.60万元", "1.50万元")),
    ("项目支出38.20万元", "项目支出38.20元", ("unit", "38.20元", "38.20万元")),
])
def test_budget_explanation_each_slip_once(right, wrong, expected):
    assert BUDGET_EXPLANATION.count(right) == 1
    found = check_report(BUDGET_EXPLANATION.replace(right, wrong)).findings
    assert [(f.kind, f.stated, f.expected) for f in found] == [expected]


def test_markdown_table_in_a_md_report(tmp_path, run_cli):
    report = tmp_path / "说明.md"
    table = "单位：万元\n\n| 项目 | 金额 |\n|---|---:|\n| 一、支出合计 | 161.79 |\n| 1、基本支出 | 95.79 |\n| 2、项目支出 | 66.00 |\n"
    report.write_text("# 2023年度支出决算说明\n\n" + table + "\n2023年支出合计161.79万元，其中基本支出95.79万元、"
                      "项目支出66.00万元。\n", encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    report.write_text(report.read_text(encoding="utf-8").replace("| 66.00 |", "| 67.00 |"), encoding="utf-8")
    code, out, _ = run_cli("check-report", report, "--json")
    # the table's own sum is off by what its 项目支出 cell differs from the prose's 66.00: found at that cell, the
    # prose's 66.00 against it folded in
    (f,) = json.loads(out)["findings"]
    assert (f["kind"], f["stated"], f["expected"]) == ("structure", "67.00", "66.00")
    assert f["sentence"] == "| 2、项目支出 | 67.00 |" and "另见上一条" in f["message"] and "162.79" in f["message"]


def test_docx_table_with_merged_title_row(tmp_path, run_cli):
    from docx import Document
    doc = Document()
    doc.add_paragraph("2023年度部门决算情况说明")
    rows = [("2023年支出决算表", ""), ("项目", "金额（万元）"), ("一、支出合计", "161.79"), ("1、基本支出", "95.79"),
            ("2、项目支出", "66.00")]
    table = doc.add_table(rows=len(rows), cols=2)
    for r, (a, b) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    table.cell(0, 0).merge(table.cell(0, 1))
    doc.add_paragraph("2023年支出合计161.79万元，其中基本支出95.79万元、项目支出66.00万元。")
    path = tmp_path / "说明.docx"
    doc.save(str(path))
    code, out, _ = run_cli("check-report", path, "--json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    table.cell(3, 1).text = "96.79"
    doc.save(str(path))
    code, out, _ = run_cli("check-report", path, "--json")
    found = json.loads(out)["findings"]      # the cell the prose states otherwise by just the sum's difference
    assert [(f["kind"], f["stated"], f["expected"]) for f in found] == [("structure", "96.79", "95.79")]


def test_a_year_before_an_ordinary_label_is_still_the_figures_year():
    assert findings("2022年项目支出30.00万元。2023年项目支出38.20万元。") == []


# ---------------------------------------------------------------- a work summary: moves, gaps, averages, overlapping groups

SUMMARY = """青溪县法律援助中心2023年度工作总结及绩效自评
一、案件办理
全年共受理法律援助案件1,236件，其中刑事案件486件、民事案件742件、行政案件8件；值班律师提供法律帮助1,105人次。受援人1,380人，其中农民工312人，占22.61%；老年人156人；残疾人45人；未成年人88人。
二、经费使用
办案补贴标准为刑事案件每件1500元、民事案件每件1200元至2000元。全年发放办案补贴113.20万元，其中刑事案件补贴45.60万元、民事案件补贴67.60万元，人均补贴约9,158元。专项经费80万元，仅占补贴需求192.35万元的41.59%，缺口112.35万元。
三、与上年比较
与2022年相比，案件数从1,102件增加到1,236件，增长12.16%；补贴发放额从98.50万元增至113.20万元，增加14.70万元。
四、下一步
力争2024年案件数达到1,300件以上，满意度保持在95%以上。
"""


def test_work_summary_without_errors():
    assert check_report(SUMMARY).findings == []


@pytest.mark.parametrize("right, wrong, expected", [
    ("增长12.16%", "增长10.84%", ("change", "10.84%", "12.16%")),          # (1236 − 1102) ÷ 1236: the wrong base
    ("增加14.70万元", "增加15.70万元", ("change", "15.70万元", "14.70万元")),
    ("占22.61%", "占25.24%", ("share", "25.24%", "22.61%")),
    ("民事案件补贴67.60万元", "民事案件补贴76.60万元", ("breakdown", "113.20万元", "122.20万元")),  # 人均 is no part
    ("缺口112.35万元", "缺口121.35万元", ("change", "121.35万元", "112.35万元")),
    ("41.59%", "45.19%", ("share", "45.19%", "41.59%")),                    # the whole named inside the clause
    ("民事案件742件", "民事案件724件", ("breakdown", "1,236件", "1,218件")),
])
def test_work_summary_each_slip_once(right, wrong, expected):
    assert SUMMARY.count(right) == 1
    found = check_report(SUMMARY.replace(right, wrong)).findings
    assert [(f.kind, f.stated, f.expected) for f in found] == [expected]
