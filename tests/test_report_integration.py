"""The report drafted through the project's cores: budget figures by the budget core (and its check), statistics by
toolkit.stats.compute, scores by toolkit.stats.evaluation. On the shipped sample workbooks and on a correct standard final-accounts
workbook (收入支出决算总表 with income left and expenditure right)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from report_fixtures import write_ledger
from toolkit.cli import main as cli
from toolkit.cli.report import read_budget
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger, build_standard
from toolkit.stats.compute import CONSULTATION_SHEET, Period, build_report, parse_consultations
from toolkit.subsidy.compute import compute_subsidies, parse_level

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
SAMPLE_BUDGET, SAMPLE_LEDGER = WORKBOOKS / "示例决算.xlsx", WORKBOOKS / "示例台账.xlsx"


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def wan(yuan) -> str:
    if D(str(yuan)) == 0:
        return "未发生"      # an amount not spent is written as a finance officer writes it
    return f"{(D(str(yuan)) / 10000).quantize(D('0.01'), rounding=ROUND_HALF_UP):,.2f}万元"


# ---------------------------------------------------------------- the shipped samples (budget with planted errors)

@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory):
    """The draft written once from the two sample workbooks (the CLI's exit code and output kept)."""
    out = tmp_path_factory.mktemp("sample") / "报告.docx"
    from contextlib import redirect_stdout
    from io import StringIO
    buffer = StringIO()
    with redirect_stdout(buffer):
        code = cli.main(["report", "--budget", str(SAMPLE_BUDGET), "--ledger", str(SAMPLE_LEDGER), "-o", str(out)])
    return code, buffer.getvalue(), out


def test_sample_budget_with_errors_still_drafts_and_says_so_at_the_top(sample_draft, run_cli):
    code, stdout, out = sample_draft
    _, validate_json, _ = run_cli("validate", SAMPLE_BUDGET, "--json")
    errors = json.loads(validate_json)["errors"]
    assert errors == 9                                             # the nine planted errors, as legalaid validate
    assert code == 1 and out.exists()       # README: 1 = finished, but the inputs have data errors
    assert f"校验发现 {errors} 处错误" in stdout and "已生成报告草稿" in stdout
    paras = paragraphs(out)
    assert paras[0] == ("Title", "示例县法律援助中心2023年度部门整体支出绩效自评报告")
    style, notice = paras[1]                                      # right under the title, highlighted
    assert style == "待填写" and notice.startswith(f"【注意】预算表校验发现{errors}处错误（收入支出决算总表!F8、")
    assert "可能有误" in notice and "legalaid validate" in notice


def test_sample_budget_figures_avoid_the_reported_cells(sample_draft):
    _, _, out = sample_draft
    text = "\n".join(t for _, t in paragraphs(out))
    book = load_workbook(SAMPLE_BUDGET, data_only=True)
    total, spending, basic = book["收入支出决算总表"], book["支出决算表"], book["基本支出决算表"]
    three, fund = book["三公经费支出决算表"], book["专项经费使用情况"]
    # 支出决算表!D5 (基本支出 230.70, planted) is reported by the check: 基本支出 comes from 基本支出决算表's 合计
    assert spending["D5"].value == 230.7 and basic["D4"].value == 203.7
    assert (f"2023年收入合计{total['C11'].value:.2f}万元，其中财政拨款收入{total['C5'].value:.2f}万元、"
            f"其他收入{total['C10'].value:.2f}万元。") in text
    assert (f"2023年支出合计{total['F11'].value:.2f}万元，其中基本支出{basic['D4'].value:.2f}万元，占支出合计的69.36%；"
            f"项目支出{spending['E5'].value:.2f}万元，占支出合计的30.64%。") in text
    assert (f"基本支出203.70万元，其中人员经费{basic['D5'].value:.2f}万元，占基本支出的89.13%；"
            f"公用经费{basic['D19'].value:.2f}万元，占基本支出的10.87%。") in text
    # the 三公 table is in 元: converted to 万元
    assert (f"“三公”经费支出合计{wan(three['E4'].value)}，其中因公出国（境）费{wan(three['E5'].value)}、"
            f"公务用车购置及运行费{wan(three['E6'].value)}、公务接待费{wan(three['E9'].value)}。") in text
    assert f"2023年法律援助专项经费{fund['B4'].value:.2f}万元（取自预算表“法律援助专项经费”）。" in text
    # no department-wide 年初/全年预算数 in these tables: left for a person, not made up
    assert "【待填写】年初预算数、全年预算数、全年执行数（预算表中未找到）。" in text


def test_sample_statistics_in_the_prose_are_the_statistics_cores(sample_draft):
    _, _, out = sample_draft
    text = "\n".join(t for _, t in paragraphs(out))
    sheets = read_workbook(SAMPLE_LEDGER)
    ledger = build_ledger(sheets)
    consult = parse_consultations(next(s for s in sheets if s.name == CONSULTATION_SHEET))
    v = build_report(ledger.cases, consult.frame, Period("year", 2023)).values
    types = "、".join(f"{t}案件{v['cases.' + t]}件" for t in ("刑事", "民事", "行政", "国家赔偿", "仲裁", "非诉讼"))
    assert f"共办理法律援助案件{v['cases.total']}件，其中{types}。" in text
    assert f"值班律师提供认罪认罚法律帮助{v['help.total']}件（不计入案件数）。" in text
    assert (f"受援人次合计{v['persons.total']:,}人次，其中案件受援{v['persons.cases']}人次、"
            f"法律帮助受援{v['persons.help']}人次。") in text
    assert (f"接待法律咨询{v['consultations.total']:,}人次，其中来访{v['consultations.来访']}人次、"
            f"来电（12348）{v['consultations.来电']}人次、网络{v['consultations.网络']}人次、"
            f"信函{v['consultations.信函']}人次。") in text
    assert f"农民工{v['groups.农民工']}人次、残疾人{v['groups.残疾人']}人次" in text
    assert (f"为受援人挽回经济损失{wan(v['money.挽回经济损失'])}，"
            f"其中为农民工讨回工资{wan(v['money.农民工讨薪'])}。") in text
    need = compute_subsidies(ledger.cases, build_standard(sheets), parse_level("最低")).total
    assert f"办案补贴需求为{wan(need)}" in text


def test_sample_round_trip_check_report_finds_nothing(sample_draft, run_cli):
    _, _, out = sample_draft
    code, stdout, _ = run_cli("check-report", out, "--budget", SAMPLE_BUDGET, "--ledger", SAMPLE_LEDGER, "--json")
    result = json.loads(stdout)
    assert result["findings"] == [] and code == 0 and result["figures"] > 40
    code, stdout, _ = run_cli("check-report", out, "--budget", SAMPLE_BUDGET, "--ledger", SAMPLE_LEDGER)
    assert code == 0 and "发现不一致 0 处" in stdout and "本身校验发现 9 处错误" in stdout


# ---------------------------------------------------------------- a correct standard final-accounts workbook

def write_standard_budget(path: Path) -> Path:
    """收入支出决算总表 (income left, expenditure right), 支出决算表, 基本支出决算表, 三公 in 元, 专项经费表: all adding up."""
    wb = Workbook()
    ws = wb.active
    ws.title = "收入支出决算总表"
    rows = [["示范县法律援助中心2023年度收入支出决算总表"], ["单位：万元"], ["收入", None, None, "支出"],
            ["项目", "行次", "决算数", "项目", "行次", "决算数"],
            ["一、财政拨款收入", 1, 300.50, "一、公共安全支出", 11, 280.00],
            ["二、上级补助收入", 2, 0, "二、社会保障和就业支出", 12, 15.60],
            ["三、事业收入", 3, 0, "三、卫生健康支出", 13, 5.20],
            ["四、经营收入", 4, 0, "四、住房保障支出", 14, 4.00],
            ["五、附属单位上缴收入", 5, 0, None, 15, None],
            ["六、其他收入", 6, 2.30, None, 16, None],
            ["本年收入合计", 7, 302.80, "本年支出合计", 17, 304.80],
            ["使用非财政拨款结余", 8, 0, "结余分配", 18, 0],
            ["年初结转和结余", 9, 10.00, "年末结转和结余", 19, 8.00],
            ["总计", 10, 312.80, "总计", 20, 312.80]]
    for row in rows:
        ws.append(row)
    for merged in ("A1:F1", "A2:F2", "A3:C3", "D3:F3"):
        ws.merge_cells(merged)
    ws = wb.create_sheet("支出决算表")
    for row in [["示范县法律援助中心2023年度支出决算表"], ["单位：万元"], ["项目", None, "本年支出"],
                ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                [None, "合计", 304.80, 214.80, 90.00],
                ["204", "公共安全支出", 280.00, 190.00, 90.00], ["20406", "司法", 280.00, 190.00, 90.00],
                ["2040601", "行政运行", 190.00, 190.00, 0], ["2040610", "法律援助", 90.00, 0, 90.00],
                ["208", "社会保障和就业支出", 15.60, 15.60, 0], ["20805", "行政事业单位养老支出", 15.60, 15.60, 0],
                ["2080505", "机关事业单位基本养老保险缴费支出", 15.60, 15.60, 0],
                ["210", "卫生健康支出", 5.20, 5.20, 0], ["21011", "行政事业单位医疗", 5.20, 5.20, 0],
                ["2101101", "行政单位医疗", 5.20, 5.20, 0],
                ["221", "住房保障支出", 4.00, 4.00, 0], ["22102", "住房改革支出", 4.00, 4.00, 0],
                ["2210201", "住房公积金", 4.00, 4.00, 0]]:
        ws.append(row)
    for merged in ("A3:B3", "C3:E3"):
        ws.merge_cells(merged)
    ws = wb.create_sheet("基本支出决算表")
    for row in [["示范县法律援助中心2023年度基本支出决算表"], ["单位：万元"], ["科目编码", "科目名称", "年初预算数", "决算数"],
                [None, "合计", 210.00, 214.80], [None, "一、人员经费", 185.00, 190.30],
                ["301", "工资福利支出", 160.00, 165.10], ["30101", "基本工资", 160.00, 165.10],
                ["303", "对个人和家庭的补助", 25.00, 25.20], ["30302", "退休费", 25.00, 25.20],
                [None, "二、公用经费", 25.00, 24.50], ["302", "商品和服务支出", 25.00, 24.50],
                ["30201", "办公费", 25.00, 24.50]]:
        ws.append(row)
    ws = wb.create_sheet("三公经费支出决算表")
    for row in [["示范县法律援助中心2023年度“三公”经费支出决算表"], ["单位：元"],
                ["项目", "年初预算数", "全年预算数", "全年执行数"], ["合计", 30000, 30000, 27600],
                ["1.因公出国（境）费", 0, 0, 0], ["2.公务用车购置及运行费", 20000, 20000, 19800],
                ["其中：（1）公务用车购置费", 0, 0, 0], ["（2）公务用车运行费", 20000, 20000, 19800],
                ["3.公务接待费", 10000, 10000, 7800]]:
        ws.append(row)
    ws = wb.create_sheet("专项经费使用情况")
    for row in [["2023年度法律援助专项经费使用情况表（单位：万元）"], [None],
                ["项目", "全年预算数", "全年执行数"], ["合计", 0.80, 0.80], ["一、办案补贴", 0.80, 0.80]]:
        ws.append(row)
    wb.save(path)
    return path


def write_goals(path: Path) -> Path:
    """A 绩效目标 sheet: indicators (two taken from the statistics), one qualitative, and the budget block below."""
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效目标"
    for row in [["一级指标", "二级指标", "三级指标", "指标性质", "目标值", "单位", "分值", "统计键", "实际完成值"],
                ["产出指标", "数量指标", "办理法律援助案件数", "≥", 5, "件", 20, "cases.total", None],
                [None, None, "法律咨询人次", "≥", 10000, "人次", 10, "consultations.total", None],
                [None, "时效指标", "平均办结天数", "≤", 90, "天", 10, None, 100],
                ["满意度指标", "服务对象满意度指标", "受援人满意度", "定性", "满意", None, 10, None, None],
                [], ["年初预算数（万元）", 300], ["全年预算数（万元）", 320], ["全年执行数（万元）", 304.80]]:
        ws.append(row)
    wb.save(path)
    return path


def test_correct_standard_workbook_every_figure_in_the_prose(tmp_path, run_cli):
    budget = write_standard_budget(tmp_path / "决算.xlsx")
    ledger, goals = write_ledger(tmp_path / "台账.xlsx"), write_goals(tmp_path / "绩效目标.xlsx")
    assert read_budget(budget).findings == []                  # the budget core finds nothing to report
    out = tmp_path / "报告.docx"
    code, stdout, _ = run_cli("report", "--budget", budget, "--ledger", ledger, "--targets", goals, "-o", out)
    assert code == 0 and "校验发现" not in stdout and "草稿自检" not in stdout
    paras = paragraphs(out)
    text = "\n".join(t for _, t in paras)
    assert paras[0] == ("Title", "示范县法律援助中心2023年度部门整体支出绩效自评报告") and "【注意】" not in text
    for sentence in [
        # 收入支出决算总表: the left (income) block and the right (expenditure) block
        "2023年收入合计302.80万元，其中财政拨款收入300.50万元、其他收入2.30万元。",
        "2023年支出合计304.80万元，其中基本支出214.80万元，占支出合计的70.47%；项目支出90.00万元，占支出合计的29.53%。",
        "基本支出214.80万元，其中人员经费190.30万元，占基本支出的88.59%；公用经费24.50万元，占基本支出的11.41%。",
        "2023年“三公”经费支出合计2.76万元，其中因公出国（境）费未发生、公务用车购置及运行费1.98万元、公务接待费0.78万元。",
        # budget execution and its score from the 绩效目标 sheet, as the evaluation scores it
        "2023年年初预算数300.00万元，全年预算数320.00万元，全年执行数304.80万元，预算执行率为95.25%。",
        "预算执行率为95.25%，按“执行率×10，最高10分”计，该项得9.53分（满分10分）。",
        # indicators: actual values from the statistics (6 cases, 12,000 consultations in 2023) or as given
        "办理法律援助案件数6件（年度指标值≥5件），分值20.00分，得20.00分。",
        "法律咨询人次12,000人次（年度指标值≥10,000人次），分值10.00分，得10.00分。",
        "平均办结天数100天（年度指标值≤90天），分值10.00分，得9.00分。",
        "已评分的绩效指标合计分值40.00分，得39.00分。",
        "【待填写】需自评打分的指标（定性指标或缺少实际完成值）：“受援人满意度”。",
        # the ledger through the statistics core, the subsidy need through the subsidy core, the fund from its table
        "共办理法律援助案件6件，其中刑事案件2件、民事案件3件、行政案件1件。",
        "受援人中，农民工2人次、老年人2人次、未成年人1人次",
        "为受援人挽回经济损失5.30万元，其中为农民工讨回工资4.50万元。",
        "2023年法律援助专项经费0.80万元（取自预算表“法律援助专项经费”）。按最低补贴标准测算，办案补贴需求为0.98万元，专项经费占办案补贴需求的81.63%，"
        "办案补贴需求是专项经费的1.23倍，缺口0.18万元。",
    ]:
        assert sentence in text, sentence
    code, stdout, _ = run_cli("check-report", out, "--budget", budget, "--ledger", ledger, "--json")
    assert code == 0 and json.loads(stdout)["findings"] == []


def test_check_report_reads_table_values_through_the_budget_core(tmp_path, run_cli):
    """A figure from the right-hand (expenditure) block of the 收入支出决算总表, edited in the prose, is caught."""
    budget = write_standard_budget(tmp_path / "决算.xlsx")
    report = tmp_path / "报告.txt"
    report.write_text("示范县法律援助中心2023年度部门整体支出绩效自评报告\n2023年本年支出合计340.80万元。\n"
                      "2023年公务接待费0.78万元。\n", encoding="utf-8")
    code, stdout, _ = run_cli("check-report", report, "--budget", budget, "--json")
    found = [(f["kind"], f["stated"], f["expected"]) for f in json.loads(stdout)["findings"]]
    assert code == 1 and found == [("table", "340.80万元", "304.80万元")]


def test_goals_sheet_in_the_ledger_workbook_is_used_without_targets(tmp_path, run_cli):
    """As `legalaid stats` does: a 绩效目标 sheet in the ledger workbook gives the indicators and the budget execution."""
    from openpyxl import load_workbook as open_book
    ledger = write_ledger(tmp_path / "台账.xlsx")
    goals = open_book(write_goals(tmp_path / "g.xlsx"))["绩效目标"]
    book = open_book(ledger)
    sheet = book.create_sheet("绩效目标")
    for row in goals.iter_rows(values_only=True):
        sheet.append(list(row))
    book.save(ledger)
    out = tmp_path / "报告.docx"
    code, _, _ = run_cli("report", "--budget", write_standard_budget(tmp_path / "决算.xlsx"), "--ledger", ledger,
                         "-o", out)
    text = "\n".join(t for _, t in paragraphs(out))
    assert code == 0 and "办理法律援助案件数6件（年度指标值≥5件），分值20.00分，得20.00分。" in text
    assert "预算执行率为95.25%" in text
