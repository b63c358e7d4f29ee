"""The report draft: every figure computed from the workbooks, places to fill marked, and check-report finds nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from report_fixtures import BUDGET_ROWS, write_budget, write_ledger, write_targets
from toolkit.cli.report import read_budget, read_ledger
from toolkit.io.docx import new_document
from toolkit.report.check import check_report
from toolkit.report.draft import (HEADING1, TODO, Indicator, ReportFigures, draft_report, indicator_score, share,
                                  wan)

REPO = Path(__file__).resolve().parents[1]


def text_of(blocks) -> str:
    return "\n".join(b.text for b in blocks)


FIGURES = ReportFigures(
    year=2023, centre="沅江市法律援助中心", income_total=D("3256800"),
    income_parts={"财政拨款收入": D("3200000"), "其他收入": D("56800")},
    expenditure_total=D("3256800"), basic_expenditure=D("2105050"), project_expenditure=D("1151750"),
    personnel_costs=D("1800100"), public_costs=D("304950"), three_public_total=D("12300"),
    three_public_parts={"因公出国（境）费": D(0), "公务用车购置及运行费": D("8000"), "公务接待费": D("4300")},
    budget_initial=D("3000000"), budget_adjusted=D("3300000"), budget_executed=D("3256800"),
    special_fund=D("800000"), subsidy_required=D("1923456"),
    cases_by_type={"刑事": 301, "民事": 700, "行政": 19, "认罪认罚法律帮助": 420},
    consultations_by_channel={"来访": 5000, "来电（12348）": 6123, "网络": 1001},
    special_groups={"农民工": 120, "老年人": 80}, money_recovered=D("3567890.5"), wages_recovered=D("1200000"),
    indicators=[Indicator("办理法律援助案件数", "≥", D(1000), D(1020), "件", D(20)),
                Indicator("平均办结天数", "≤", D(90), D(100), "天", D(10))])


# ---------------------------------------------------------------- the pure core

def test_amounts_in_wan_round_half_up_and_shares_use_the_named_base():
    assert wan(D("2105050"), 2) == "210.51万元"          # 210.505 → 210.51 (half up, not to even)
    # prose writes 万元 as a finance officer does: two decimals even when a table keeps four; nothing spent → 未发生
    assert wan(D("2105050"), 4) == "210.51万元"
    assert wan(D("2105000"), 0) == "211万元"
    assert wan(D(0), 2) == "未发生"
    assert share(D("2105050"), D("3256800")) == "64.64%"  # 64.6355…
    text = text_of(draft_report(FIGURES))
    assert "2023年支出合计325.68万元，其中基本支出210.51万元，占支出合计的64.64%；项目支出115.18万元，占支出合计的35.36%。" in text
    assert "基本支出210.51万元，其中人员经费180.01万元，占基本支出的85.51%；公用经费30.50万元，占基本支出的14.49%。" in text


def test_draft_structure_and_places_to_fill():
    blocks = draft_report(FIGURES)
    headings = [b.text for b in blocks if b.style == HEADING1]
    assert headings == ["一、部门概况", "二、部门整体支出使用情况", "三、管理情况", "四、绩效情况", "五、存在的主要问题", "六、改进措施"]
    todo = [b.text for b in blocks if b.style == TODO]
    assert all(t.startswith("【待填写】") for t in todo) and len(todo) == 7
    # the last section is only for a person to write
    assert blocks[-1].style == TODO and blocks[-2].text == "六、改进措施"


def test_draft_case_counts_budget_execution_subsidy_gap_and_indicators():
    text = text_of(draft_report(FIGURES))
    assert "共办理法律援助案件1,020件，其中刑事案件301件、民事案件700件、行政案件19件。民事案件占案件总数的68.63%。" in text
    assert "值班律师提供认罪认罚法律帮助420件（不计入案件数）。" in text
    assert "接待法律咨询12,124人次，其中来访5,000人次、来电（12348）6,123人次、网络1,001人次。" in text
    assert "2023年年初预算数300.00万元，全年预算数330.00万元，全年执行数325.68万元，预算执行率为98.69%。" in text
    assert "该项得9.87分（满分10分）" in text
    assert ("办案补贴需求为192.35万元，专项经费占办案补贴需求的41.59%，办案补贴需求是专项经费的2.40倍，缺口112.35万元。"
            in text)
    assert "办理法律援助案件数1,020件（年度指标值≥1,000件），分值20.00分，得20.00分。" in text
    assert "平均办结天数100天（年度指标值≤90天），分值10.00分，得9.00分。" in text


def test_missing_inputs_become_places_to_fill_not_numbers():
    blocks = draft_report(ReportFigures(year=2023, centre="某县法律援助中心"))
    text = text_of(blocks)
    assert {f.kind for f in check_report(text).figures} == {"year"}   # no figure is made up
    assert "【待填写】办理法律援助案件数及分类（未提供案件台账）。" in text
    assert "【待填写】收入合计及构成（预算表中未找到“收入合计”）。" in text


def test_indicator_scores():
    assert indicator_score(Indicator("a", "≥", D(1000), D(800), "件", D(20))) == D(16)
    assert indicator_score(Indicator("a", "≥", D(1000), D(1200), "件", D(20))) == D(20)
    assert indicator_score(Indicator("a", "≤", D(30), D(60), "天", D(10))) == D(5)
    assert indicator_score(Indicator("a", "≤", D(30), D(20), "天", D(10))) == D(10)


def test_check_report_finds_nothing_in_the_draft():
    text = text_of(draft_report(FIGURES))
    result = check_report(text)
    assert result.findings == []
    assert len(result.figures) > 45
    assert "其中因公出国（境）费未发生、公务用车购置及运行费0.80万元" in text     # nothing spent: 未发生, not 0.00万元


money = st.decimals(min_value=0, max_value=5_000_000, places=2)


@st.composite
def report_figures(draw):
    basic, project, personnel_share = draw(money), draw(money), draw(st.integers(0, 100))
    personnel = (basic * personnel_share / 100).quantize(D("0.01"))
    fiscal, other = draw(money), draw(money)
    travel, cars, reception = draw(money), draw(money), draw(money)
    adjusted = draw(st.decimals(min_value=1, max_value=10_000_000, places=2))
    executed = (adjusted * draw(st.integers(50, 110)) / 100).quantize(D("0.01"))
    initial = (adjusted * draw(st.integers(80, 120)) / 100).quantize(D("0.01"))
    fund = draw(st.decimals(min_value=1, max_value=2_000_000, places=2))
    required = (fund * draw(st.integers(50, 400)) / 100).quantize(D("0.01"))
    types = draw(st.dictionaries(st.sampled_from(["刑事", "民事", "行政", "仲裁", "非诉讼", "认罪认罚法律帮助"]),
                                 st.integers(0, 3000), min_size=1))
    channels = draw(st.dictionaries(st.sampled_from(["来访", "来电（12348）", "网络", "信函"]), st.integers(0, 20000)))
    groups = draw(st.dictionaries(st.sampled_from(["农民工", "老年人", "残疾人", "未成年人"]), st.integers(0, 500)))
    recovered = draw(money)
    wages = (recovered * draw(st.integers(0, 100)) / 100).quantize(D("0.01"))
    return ReportFigures(
        year=draw(st.integers(2019, 2030)), centre="某县法律援助中心", decimals=draw(st.sampled_from([2, 4])),
        income_total=fiscal + other, income_parts={"财政拨款收入": fiscal, "其他收入": other},
        expenditure_total=basic + project, basic_expenditure=basic, project_expenditure=project,
        personnel_costs=personnel, public_costs=basic - personnel, three_public_total=travel + cars + reception,
        three_public_parts={"因公出国（境）费": travel, "公务用车购置及运行费": cars, "公务接待费": reception},
        budget_initial=initial, budget_adjusted=adjusted, budget_executed=executed, special_fund=fund,
        subsidy_required=required, cases_by_type=types, consultations_by_channel=channels, special_groups=groups,
        money_recovered=recovered, wages_recovered=wages)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_figures())
def test_no_false_alarms_on_any_consistent_draft(figures):
    assert check_report(text_of(draft_report(figures))).findings == []


# ---------------------------------------------------------------- workbooks → .docx → check-report



@pytest.fixture
def books(tmp_path):
    return (write_budget(tmp_path / "决算表.xlsx"), write_ledger(tmp_path / "台账.xlsx"),
            write_targets(tmp_path / "绩效指标.xlsx"))


def paragraphs(path: Path):
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def test_round_trip_generate_then_check_gives_zero_findings(tmp_path, books, run_cli):
    budget, ledger, targets = books
    out = tmp_path / "报告.docx"
    code, stdout, _ = run_cli("report", "--budget", budget, "--ledger", ledger, "--targets", targets, "-o", out)
    assert code == 0 and "已生成报告草稿" in stdout
    code, stdout, _ = run_cli("check-report", out, "--budget", budget, "--ledger", ledger, "--json")
    result = json.loads(stdout)
    assert code == 0 and result["findings"] == [] and result["figures"] > 40


def test_docx_figures_come_from_the_workbook_cells(tmp_path, books, run_cli):
    budget, ledger, targets = books
    out = tmp_path / "报告.docx"
    run_cli("report", "--budget", budget, "--ledger", ledger, "--targets", targets, "-o", out)
    sheet = load_workbook(budget).active
    cells = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in (2, 3, 4)] for r in range(4, sheet.max_row + 1)}
    paras = paragraphs(out)
    text = "\n".join(t for _, t in paras)
    assert paras[0] == ("Title", "沅江市法律援助中心2023年度部门整体支出绩效自评报告")
    assert f"2023年收入合计{cells['一、收入合计'][2]:.2f}万元，其中财政拨款收入{cells['（一）财政拨款收入'][2]:.2f}万元" in text
    assert f"全年预算数{cells['二、支出合计'][1]:.2f}万元，全年执行数{cells['二、支出合计'][2]:.2f}万元，预算执行率为98.69%" in text
    # ledger (through toolkit.stats.compute, report year 2023): 6 cases (the 认罪认罚 help counted apart), groups counted per
    # person (人次), recovered money summed; consultations of 2023 by channel (the 2022 row and the 合计 row left out)
    assert "共办理法律援助案件6件，其中刑事案件2件、民事案件3件、行政案件1件。" in text
    assert "值班律师提供认罪认罚法律帮助1件（不计入案件数）。" in text
    assert "受援人次合计7人次，其中案件受援6人次、法律帮助受援1人次。" in text
    assert "受援人中，农民工2人次、老年人2人次、未成年人1人次" in text
    assert "为受援人挽回经济损失5.30万元，其中为农民工讨回工资4.50万元。" in text
    assert "接待法律咨询12,000人次，其中来访1,200人次、来电（12348）10,500人次、网络300人次。" in text
    # Hunan minimum: 审判1500 + (审查起诉800 + 审判1500) + 民事1500×3 + 行政1500 = 9800 元
    assert "办案补贴需求为0.98万元" in text
    assert ("Heading 1", "四、绩效情况") in paras
    todo = [p for p in Document(str(out)).paragraphs if p.style.name == "待填写"]
    assert len(todo) == 7 and all(p.text.startswith("【待填写】") for p in todo)
    assert todo[0].style.font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_rerun_gives_the_same_document_and_leaves_no_temp_files(tmp_path, books, run_cli):
    budget, ledger, _ = books
    out = tmp_path / "报告.docx"
    run_cli("report", "--budget", budget, "--ledger", ledger, "-o", out)
    first = paragraphs(out)
    run_cli("report", "--budget", budget, "--ledger", ledger, "-o", out)
    assert paragraphs(out) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["决算表.xlsx", "台账.xlsx", "报告.docx", "绩效指标.xlsx"]


def test_check_report_against_workbooks_finds_an_edited_figure(tmp_path, books, run_cli):
    budget, ledger, _ = books
    out = tmp_path / "报告.docx"
    run_cli("report", "--budget", budget, "--ledger", ledger, "-o", out)
    doc = Document(str(out))
    for p in doc.paragraphs:
        if p.text.startswith("2023年“三公”经费"):
            p.text = p.text.replace("公务接待费0.43万元", "公务接待费0.34万元")
        if "共办理法律援助案件" in p.text:
            p.text = p.text.replace("共办理法律援助案件6件", "共办理法律援助案件7件")
    doc.save(str(out))
    code, stdout, _ = run_cli("check-report", out, "--budget", budget, "--ledger", ledger, "--json")
    found = {(f["kind"], f["stated"], f["expected"]) for f in json.loads(stdout)["findings"]}
    assert code == 1
    # each edit is found once: 0.34 against the budget cell (the 三公 sum it breaks is folded in); 7 cases is the
    # ledger's count with 法律帮助 (口径 案件＋法律帮助), but the text's own list (2 + 3 + 1) shows it counts cases only
    assert found == {("table", "0.34万元", "0.43万元"), ("breakdown", "7件", "6件")}
    messages = [f["message"] for f in json.loads(stdout)["findings"]]
    assert any("另见上一条" in m and "1.23万元" in m for m in messages)


def test_inconsistent_budget_table_is_reported_by_the_draft_self_check(tmp_path, run_cli):
    rows = [r if r[0] != "1.人员经费" else ("1.人员经费", 170, 181, 190.01) for r in BUDGET_ROWS]
    budget = write_budget(tmp_path / "决算表.xlsx", rows)
    code, stdout, _ = run_cli("report", "--budget", budget, "-o", tmp_path / "报告.docx")
    assert code == 1     # README: 1 = finished, but the inputs have data errors
    assert "草稿自检发现 1 处数字不一致" in stdout and "人员经费190.01万元" in stdout


def test_template_styles_are_used(tmp_path, books, run_cli):
    from docx.shared import Pt
    template = tmp_path / "模板.docx"
    doc = new_document()
    doc.styles["Heading 1"].font.size = Pt(20)
    doc.add_paragraph("样式示例", style="Heading 1")
    doc.save(str(template))
    out = tmp_path / "报告.docx"
    budget, _, _ = books
    assert run_cli("report", "--budget", budget, "--template", template, "-o", out)[0] == 0
    result = Document(str(out))
    assert result.styles["Heading 1"].font.size == Pt(20)
    assert result.paragraphs[0].text.endswith("自评报告")      # the template's sample paragraph is gone


def test_shipped_template_works(tmp_path, books, run_cli):
    template = REPO / "workbooks" / "自评报告模板.docx"
    out = tmp_path / "报告.docx"
    assert run_cli("report", "--budget", books[0], "--template", template, "-o", out)[0] == 0
    assert paragraphs(out)[0][0] == "Title"


def test_budget_reader_units_and_roles(tmp_path):
    book = read_budget(write_budget(tmp_path / "b.xlsx"))
    assert book.year == 2023 and book.centre == "沅江市法律援助中心" and book.used_decimals(["支出合计"]) == 2
    assert book.findings == []                       # the budget core finds this table consistent
    assert book.get("支出合计") == D("3256800") and book.get("支出合计", "adjusted") == D("3300000")
    assert book.get("支出合计", "initial") == D("3000000")
    assert book.get("因公出国（境）费") == 0 and book.get("三公经费合计") == D("12300")
    in_yuan = read_budget(write_budget(tmp_path / "y.xlsx", [("支出合计", 1, 2, 3256800.5)], "单位：元"))
    assert in_yuan.get("支出合计") == D("3256800.5")


def test_ledger_reader_counts(books):
    figures = read_ledger(books[1])
    assert figures.cases_by_type == {"刑事": 2, "民事": 3, "行政": 1, "认罪认罚法律帮助": 1}
    assert figures.special_groups == {"农民工": 2, "老年人": 2, "未成年人": 1}
    assert figures.money_recovered == D(53000) and figures.wages_recovered == D(45000)
    assert figures.consultations == {"来访": 1200, "来电（12348）": 10500, "网络": 300}   # 2023 only


@pytest.mark.parametrize("rows, note, message, where", [
    (BUDGET_ROWS, None, "没有写明金额单位", "第3行"),
    ([("支出合计", 1, 2, "三百万"), ("基本支出", 1, 2, 3)], "单位：万元", "“三百万”不是金额", "第4行"),
])
def test_unusable_budget_workbook(tmp_path, run_cli, rows, note, message, where):
    budget = write_budget(tmp_path / "决算表.xlsx", rows, note)
    code, _, err = run_cli("report", "--budget", budget, "-o", tmp_path / "报告.docx")
    assert code == 2 and message in err and "决算表.xlsx" in err and "收支决算表" in err and where in err
    assert not (tmp_path / "报告.docx").exists()


def test_output_may_not_overwrite_an_input(tmp_path, books, run_cli):
    code, _, err = run_cli("report", "--budget", books[0], "-o", books[0].with_suffix(".docx"))
    assert code == 0
    code, _, err = run_cli("report", "--budget", books[0], "--template", tmp_path / "x.docx", "-o", tmp_path / "x.docx")
    assert code == 2 and "输出文件不能与输入文件相同" in err


def test_ledger_rows_with_errors_are_named_and_left_out(tmp_path, run_cli):
    from report_fixtures import LEDGER_ROWS
    bad = [row[:] for row in LEDGER_ROWS]
    bad[5][2] = "行政XX"   # an unknown case type: the row is excluded
    ledger = write_ledger(tmp_path / "台账.xlsx", bad)
    budget = write_budget(tmp_path / "决算表.xlsx")
    out = tmp_path / "报告.docx"
    code, stdout, _ = run_cli("report", "--budget", budget, "--ledger", ledger, "-o", out)
    assert code == 1 and "第8行有错误，未计入" in stdout
    text = "\n".join(t for _, t in paragraphs(out))
    assert "共办理法律援助案件5件，其中刑事案件2件、民事案件3件。" in text
