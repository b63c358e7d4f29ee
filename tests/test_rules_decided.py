"""The rules the README used to leave open, as a finance officer decides them (README “办案补贴测算” and “统计表填报”,
toolkit/data/standards/hunan.toml): each on a small ledger built here, read back through the toolkit."""

import datetime as dt
from decimal import Decimal

from conftest import write_book
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.book import build_ledger, build_standard
from toolkit.stats.compute import Period, build_report
from toolkit.subsidy.compute import Level, compute_subsidies, parse_level

HEADER = ["案号", "案件类型", "诉讼阶段", "适用程序", "承办律师", "律师事务所", "结案日期", "受援人数", "异地办案",
          "值班天数", "案件质量", "补贴金额"]
STANDARD = [
    ["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明"],
    ["认罪认罚法律帮助", None, "件", 300, 300, None],
    [],
    ["调整项", "数值", "说明"],
    ["优秀上浮比例", "20%", None],
    ["不合格支付金额", 300, "只付直接费用"],
    ["异地办案加付", 300, None],
    ["每增加一名受援人加付", 200, None],
    ["附带民事加付", 300, None],
    ["速裁计价阶段", "审查起诉", None],
]
CLOSED = dt.datetime(2023, 5, 1)


def _priced(tmp_path, rows, level="最低"):
    path = write_book(tmp_path / "台账.xlsx", {"案件台账": [HEADER, *rows], "补贴标准": STANDARD})
    sheets = read_workbook(path)
    result = compute_subsidies(build_ledger(sheets).cases, build_standard(sheets), parse_level(level),
                               sheet="案件台账", file=path.name)
    by_case = result.per_case.set_index("案号")
    return {k: by_case.loc[k, "amount"] for k in by_case.index}, by_case["basis"], result


def test_summary_procedure_counts_the_stage_once(tmp_path):
    rows = [["S1", "刑事", "审查起诉、审判", "速裁", "甲", "一所", CLOSED, 1, "否", None, "合格", None],
            ["S2", "刑事", "审判", "速裁", "甲", "一所", CLOSED, 1, "否", None, "合格", None],
            ["N1", "刑事", "审查起诉、审判", "普通", "甲", "一所", CLOSED, 1, "否", None, "合格", None]]
    got, basis, _ = _priced(tmp_path, rows)
    assert got["S1"] == Decimal(800)            # one 审查起诉 stage, not 800 + 800
    assert got["S2"] == Decimal(800)
    assert got["N1"] == Decimal(800 + 1500)     # an ordinary case still adds its stages
    assert "审查起诉、审判(速裁按审查起诉)" in basis["S1"] and basis["S1"].endswith("= 800.00元")


def test_flat_level_does_not_reprice_legal_help(tmp_path):
    rows = [["C1", "刑事", "审判", "普通", "甲", "一所", CLOSED, 1, "否", None, "合格", None],
            ["H1", "认罪认罚法律帮助", None, None, "甲", "一所", CLOSED, 1, "否", None, None, None]]
    got, basis, _ = _priced(tmp_path, rows, "1800")
    assert got["C1"] == Decimal(1800) and got["H1"] == Decimal(300)
    assert "统一金额只适用于案件" in basis["H1"]


def test_poor_quality_replaces_the_base_and_keeps_the_add_ons(tmp_path):
    rows = [["P1", "民事", None, None, "甲", "一所", CLOSED, 2, "是", None, "不合格", None]]
    got, basis, _ = _priced(tmp_path, rows, "最高")
    assert got["P1"] == Decimal(300 + 300 + 200)     # 直接费用 + 异地 + one more 受援人, at any level
    assert "不合格只付直接费用300元" in basis["P1"]


def test_excellent_uplift_is_on_the_base_only(tmp_path):
    rows = [["E1", "民事", None, None, "甲", "一所", CLOSED, 1, "是", None, "优秀", None]]
    got, _, _ = _priced(tmp_path, rows)
    assert got["E1"] == Decimal(1500) * Decimal("1.2") + 300     # not (1500 + 300) × 1.2


def test_incidental_civil_is_marked_by_the_case_type(tmp_path):
    rows = [["F1", "刑事附带民事", "审判", "普通", "甲", "一所", CLOSED, 1, "否", None, "合格", None],
            ["F2", "刑事", "审判", "普通", "甲", "一所", CLOSED, 1, "否", None, "合格", None]]
    got, basis, _ = _priced(tmp_path, rows)
    assert got["F1"] == Decimal(1500 + 300) and got["F2"] == Decimal(1500)
    assert "附带民事加付300元" in basis["F1"]


def test_ledger_level_says_unfilled_amounts_once_and_checks_adjusted_bounds(tmp_path):
    rows = [["L1", "民事", None, None, "甲", "一所", CLOSED, 1, "否", None, "优秀", 6000],   # 5000 × 1.2 = 6000: fine
            ["L2", "民事", None, None, "甲", "一所", None, 1, "否", None, None, None],
            ["L3", "民事", None, None, "甲", "一所", None, 1, "否", None, None, None],
            ["L4", "民事", None, None, "甲", "一所", CLOSED, 1, "否", None, "合格", 6000]]   # above 5000: said
    _, _, result = _priced(tmp_path, rows, "台账")
    messages = [f.message for f in result.findings]
    assert sum("未填写补贴金额" in m for m in messages) == 1
    assert any(m.startswith("共 2 件未填写补贴金额（其中未结案 2 件）") for m in messages)
    out_of_range = [f for f in result.findings if "不在标准范围" in f.message]
    assert [f.row for f in out_of_range] == [5]


def test_special_groups_count_every_person_of_the_row(tmp_path):
    header = ["案号", "案件类型", "承办律师", "指派日期", "特殊群体", "受援人数"]
    rows = [["G1", "民事", "甲", dt.datetime(2023, 3, 1), "农民工", 3],
            ["G2", "民事", "甲", dt.datetime(2023, 3, 2), "农民工、妇女", 1],
            ["G3", "民事", "甲", dt.datetime(2023, 3, 3), None, 2]]
    path = write_book(tmp_path / "台账.xlsx", {"案件台账": [header, *rows]})
    ledger = build_ledger(read_workbook(path))
    values = build_report(ledger.cases, None, Period("year", 2023)).values
    assert values["groups.农民工"] == 4            # 3 persons of G1 + 1 of G2: per person, not per case
    assert values["groups.妇女"] == 1
    assert values["persons.cases"] == 6
    assert values["cases.total"] == 3


# ---------------------------------------------------------------- the report on the shipped samples

SAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "workbooks"


def _draft(run_cli, tmp_path, *extra):
    from docx import Document
    out = tmp_path / "报告.docx"
    code, stdout, _ = run_cli("report", "--budget", SAMPLES / "示例决算.xlsx", "--ledger", SAMPLES / "示例台账.xlsx",
                              *extra, "-o", out)
    return code, stdout, "\n".join(p.text for p in Document(str(out)).paragraphs)


def test_report_subsidy_paragraph_uses_the_given_fund_and_the_subsidy_scenarios(run_cli, tmp_path):
    import json
    code, stdout, text = _draft(run_cli, tmp_path, "--fund", "46万", "--targets", SAMPLES / "示例绩效目标.xlsx")
    assert code == 1          # the sample budget and ledger carry planted errors: finished, with data errors
    _, subsidy_json, _ = run_cli("subsidy", SAMPLES / "示例台账.xlsx", "--json", "-o", tmp_path / "补贴.xlsx")
    totals = {k: v["total_yuan"] for k, v in json.loads(subsidy_json)["scenarios"].items()}

    def wan(yuan):
        return f"{Decimal(yuan) / 10000:.2f}万元"
    assert f"测算用经费额度46.00万元（取自命令中给出的金额）。按最低补贴标准测算，办案补贴需求为{wan(totals['最低标准'])}" \
        in text
    assert (f"最高标准需{wan(totals['最高标准'])}；按1,800元/件统一计付需{wan(totals['统一1,800元/件'])}；"
            f"按2,000元/件则需{wan(totals['统一2,000元/件'])}") in text
    # every indicator of the sample targets is met: no 偏差原因 asked for
    assert "未完成指标" not in text and "得10.00分" in text
    # the draft checks clean against its own tables
    code, stdout, _ = run_cli("check-report", tmp_path / "报告.docx", "--budget", SAMPLES / "示例决算.xlsx",
                              "--ledger", SAMPLES / "示例台账.xlsx", "--json")
    assert json.loads(stdout)["findings"] == []


def test_report_warns_when_targets_is_the_template(run_cli, tmp_path):
    _, stdout, _ = _draft(run_cli, tmp_path, "--targets", SAMPLES / "绩效自评表模板.xlsx")
    assert "是模板" in stdout and "示例绩效目标.xlsx" in stdout


def test_report_fund_falls_back_to_the_project_line_and_says_so(run_cli, tmp_path):
    import json

    from docx import Document
    from report_fixtures import BUDGET_ROWS, write_budget, write_ledger
    rows = [r for r in BUDGET_ROWS if "专项经费" not in r[0]]
    budget, ledger = write_budget(tmp_path / "决算表.xlsx", rows), write_ledger(tmp_path / "台账.xlsx")
    out = tmp_path / "报告.docx"
    code, _, _ = run_cli("report", "--budget", budget, "--ledger", ledger, "-o", out)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "2023年测算用经费额度118.00万元（取自预算表“项目支出”的预算数（未找到“法律援助专项经费”一行））" in text
    _, stdout, _ = run_cli("check-report", out, "--budget", budget, "--ledger", ledger, "--json")
    assert json.loads(stdout)["findings"] == []


def test_shipped_template_without_previous_has_no_empty_series(run_cli, tmp_path):
    import re
    import zipfile
    out = tmp_path / "统计.xlsx"
    run_cli("stats", SAMPLES / "示例台账.xlsx", "--template", SAMPLES / "统计表模板.xlsx", "-o", out)

    def series(path):
        with zipfile.ZipFile(path) as z:
            return {n: re.findall(r"<c:tx><c:v>(.*?)</c:v>", z.read(n).decode("utf-8"))
                    for n in z.namelist() if n.startswith("xl/charts/chart")}
    before, after = series(SAMPLES / "统计表模板.xlsx"), series(out)
    assert sorted(sum(before.values(), [])) == sorted(sum(after.values(), []) + ["上年同期"])
    assert all(after.values())
