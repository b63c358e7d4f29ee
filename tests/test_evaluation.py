"""绩效自评: targets read from a 绩效目标 sheet, actual values from the statistics, scores by domain.md §5."""

from decimal import Decimal

import openpyxl
import pytest

from stats_ledger import targets_rows, write_ledger
from toolkit.cli.main import main
from toolkit.stats.evaluation import Indicator, evaluate, parse_targets, score_indicator
from toolkit.io.excel_read import RawSheet, read_workbook

D = Decimal


def indicator(nature, target, points=10, unit="件"):
    return Indicator("产出指标", "数量指标", "测试", nature, D(target), str(target), unit, D(points))


def test_numeric_scoring_rules():
    assert score_indicator(indicator("≥", 1000), D(800)).score == D("8.00")
    assert score_indicator(indicator("≥", 1000), D(1200)).score == D("10.00")      # capped at the points
    assert score_indicator(indicator("≥", 3), D(2)).score == D("6.67")             # half up
    assert score_indicator(indicator("≤", 10), D(8)).score == D("10.00")
    assert score_indicator(indicator("≤", 10), D(20)).score == D("5.00")           # inverted for ≤ targets
    assert score_indicator(indicator("=", 100), D(80)).score == D("8.00")
    assert score_indicator(indicator("=", 100), D(125)).score == D("8.00")
    below = score_indicator(indicator("≥", 1000), D(800))
    assert below.below_target and below.status == "未达标"
    assert not score_indicator(indicator("≤", 10), D(8)).below_target
    qualitative = score_indicator(Indicator("效益指标", "社会效益指标", "定性", None, None, "有效", "", D(10)), None)
    assert qualitative.score is None and qualitative.status == "待自评"


@pytest.fixture
def ledger_values(tmp_path):
    path = write_ledger(tmp_path / "台账.xlsx", extra_sheets={"绩效目标": targets_rows()})
    return path


def test_targets_sheet_and_scores(ledger_values):
    from toolkit.cli.stats import _consultations
    from toolkit.ledger.book import build_ledger
    from toolkit.stats.compute import build_report, parse_period

    sheets = read_workbook(ledger_values)
    ledger = build_ledger(sheets)
    report = build_report(ledger.cases, _consultations(sheets, None, "台账.xlsx", False).frame, parse_period("2023"))
    targets = parse_targets(next(s for s in sheets if s.name == "绩效目标"))
    assert [i.level1 for i in targets.indicators] == ["产出指标"] * 4 + ["效益指标"] * 3 + ["满意度指标"]
    assert targets.budget.initial == 100 and targets.budget.annual == 120 and targets.budget.executed == 108
    assert targets.budget.unit == "万元"
    evaluation = evaluate(targets, report.values)
    assert evaluation.execution_rate == D("90.00") and evaluation.budget_score == D("9.00")
    got = {s.indicator.level3: (s.actual, s.score, s.status) for s in evaluation.indicators}
    assert got == {
        "办理法律援助案件数": (8, D("16.00"), "未达标"),             # 8 of 10 cases × 20 points
        "值班律师法律帮助事项": (3, D("10.00"), "达标"),
        "法律咨询人次": (10, D("10.00"), "达标"),
        "评查优秀案件数": (2, D("5.00"), "未达标"),
        "为农民工讨回工资": (D("3.5"), D("10.00"), "达标"),        # 35,000 元 → 3.5 万元
        "受援群众合法权益得到维护": (None, None, "待自评"),
        "办案补贴超支": (0, D("10.00"), "达标"),                   # ≤ 0 given in the sheet
        "受援人满意度": (97, D("10.00"), "达标"),
    }
    assert evaluation.total_points == 100 and evaluation.total_score == D("80.00")
    totals = {(l1, l2): (p, s) for l1, l2, p, s in evaluation.level_totals()}
    assert totals[("产出指标", None)] == (50, D("41.00"))
    assert totals[("产出指标", "质量指标")] == (10, D("5.00"))
    assert totals[("效益指标", None)] == (30, D("20.00"))


def test_evaluation_sheet_cells(ledger_values):
    out = ledger_values.with_name("out.xlsx")
    assert main(["stats", str(ledger_values), "-o", str(out)]) == 1
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-2:] == ["绩效自评表", "校验结果"]
    ws = book["绩效自评表"]
    shown = next(s for s in read_workbook(out) if s.name == "绩效自评表").rows  # cached formula results
    assert [ws.cell(4, c).value for c in range(3, 6)] == [100, 120, 108]
    assert shown[3][7:9] == [90, 9]
    assert ws["I4"].value.startswith("=IF(")
    rows = {shown[r][2]: shown[r] for r in range(6, 14)}
    assert rows["办理法律援助案件数"][3:10] == ["≥", 10, "件", 8, 20, 16, "统计：法律援助案件合计"]   # no English key shown
    assert rows["为农民工讨回工资"][6:9] == [3.5, 10, 10]
    assert rows["受援群众合法权益得到维护"][3] == "定性" and rows["受援群众合法权益得到维护"][8] is None
    assert "请自评" in rows["受援群众合法权益得到维护"][11]
    assert rows["办案补贴超支"][3:9] == ["≤", 0, "万元", 0, 10, 10]
    # below target: actual and score highlighted, 偏差原因 left empty for the user
    r = 7 + [shown[i][2] for i in range(6, 14)].index("办理法律援助案件数")
    assert ws.cell(r, 7).fill.fgColor.rgb.endswith("F8CBAD") and ws.cell(r, 9).fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(r, 11).value is None and "偏差原因" in ws.cell(r, 12).value
    ok = 7 + [shown[i][2] for i in range(6, 14)].index("法律咨询人次")
    assert not ws.cell(ok, 7).fill.fgColor.rgb.endswith("F8CBAD")
    # merged 一级/二级 cells and level totals as formulas
    assert "A7:A10" in [str(m) for m in ws.merged_cells.ranges]
    summary = {(shown[r][0], shown[r][1]): shown[r][7:9] for r in range(15, len(shown)) if shown[r][0]}
    assert summary[("产出指标", "小计")] == [50, 41]
    assert summary[("效益指标", "社会效益指标")] == [20, 10]
    assert summary[("总分", "预算执行率 + 全部指标（待自评指标打分后自动计入）")] == [100, 80]
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    assert ws.cell(total_row, 9).value == "=N(I4)+SUM(I7:I14)"


def test_targets_sheet_problems_are_reported():
    sheet = RawSheet("绩效目标", [["一级指标", "二级指标", "三级指标", "指标性质", "目标值", "单位", "分值", "统计键"],
                                 ["产出指标", "数量指标", "案件数", "大概", 10, "件", "十分", "cases.total"],
                                 [None, None, "咨询", "≥", 10, "件", 10, "cases.没有"]])
    targets = parse_targets(sheet, "目标.xlsx")
    assert [i.level3 for i in targets.indicators] == ["咨询"]
    messages = [f.message for f in targets.findings]
    assert any("分值“十分”不是有效数字" in m for m in messages)
    assert any("统计键“cases.没有”不存在" in m for m in messages)
    evaluation = evaluate(targets, {"cases.total": 5})
    assert evaluation.budget_score is None
    assert any("全年预算数" in f.message for f in evaluation.findings)
    with pytest.raises(Exception, match="找不到绩效目标表头"):
        parse_targets(RawSheet("绩效目标", [["甲", "乙"], [1, 2]]))


def published_targets(path):
    """A 部门整体支出绩效目标表 as disclosed with the budget: one-cell targets, no 分值, merged 一级/二级 cells."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "绩效目标表"
    rows = [["测试县法律援助中心2023年部门整体支出绩效目标表"], ["单位：万元"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "办理法律援助案件数", "≥10件"],
            [None, None, "法律咨询人次", "不少于8人次"],
            [None, "质量指标", "案件质量评查合格率", "≥95%"],
            [None, "时效指标", "案件按时办结率", "100%"],
            [None, "成本指标", "办案补贴超标准发放比例", "≤5%"],
            ["效益指标", "社会效益指标", "为受援人挽回经济损失", "≥3万元"],
            [None, None, "群众法治意识", "有效提升"],
            [None, "可持续影响指标", "法律援助制度", "持续完善"],
            ["满意度指标", "服务对象满意度指标", "受援人满意度", "≥95%"],
            [], ["年初预算数", 120, "全年预算数", 130, "全年执行数", 125]]
    for row in rows:
        ws.append(row)
    for rng in ("A4:A8", "B4:B5", "A9:A11", "B9:B10"):
        ws.merge_cells(rng)
    book.save(path)
    return path


def test_published_targets_table_is_scored(tmp_path):
    from toolkit.cli.report import read_targets

    targets = read_targets(published_targets(tmp_path / "目标.xlsx"))
    by_name = {i.level3: i for i in targets.indicators}
    assert [(i.level1, i.points) for i in targets.indicators] == \
        [("产出指标", 10)] * 5 + [("效益指标", 10)] * 3 + [("满意度指标", 10)]
    cases = by_name["办理法律援助案件数"]
    assert (cases.nature, cases.target, cases.unit, cases.key) == ("≥", 10, "件", "cases.total")
    assert (by_name["法律咨询人次"].nature, by_name["法律咨询人次"].key) == ("≥", "consultations.total")
    assert (by_name["办案补贴超标准发放比例"].nature, by_name["办案补贴超标准发放比例"].target) == ("≤", 5)
    assert by_name["办案补贴超标准发放比例"].key is None                 # a percentage is never a count
    assert (by_name["为受援人挽回经济损失"].unit, by_name["为受援人挽回经济损失"].key) == ("万元", "money.挽回经济损失")
    assert by_name["群众法治意识"].nature is None and by_name["案件按时办结率"].target == 100
    assert targets.budget.annual == 130 and targets.budget.executed == 125
    assert "产出指标 50 分 ÷ 5 项 = 每项 10 分" in targets.notes[0]
    assert "需本人填写实际完成值或自评打分的指标 6 项" in targets.notes[-1]


def test_published_targets_points_add_up_exactly_when_they_do_not_divide():
    rows = [["一级指标", "二级指标", "三级指标", "指标值"]] + \
        [["产出指标", "数量指标", f"指标{i}", "≥1件"] for i in range(6)] + [["效益指标", "社会效益", "群众满意", "有效"]]
    targets = parse_targets(RawSheet("目标", rows))
    points = [i.points for i in targets.indicators]
    assert points[:5] == [D("8.33")] * 5 and points[5] == D("8.35") and sum(points[:6]) == 50
    assert points[6] == 30
    assert any("末项 8.35 分" in f.message and f.severity == "warning" for f in targets.findings)


def test_published_targets_give_a_scored_self_evaluation_sheet(ledger_values, tmp_path):
    out = tmp_path / "统计.xlsx"
    path = published_targets(tmp_path / "目标.xlsx")
    assert main(["stats", str(ledger_values), "--period", "2023", "--targets", str(path), "-o", str(out)]) == 1
    shown = next(s for s in read_workbook(out) if s.name == "绩效自评表").rows
    assert shown[3][2:5] == [120, 130, 125] and shown[3][6:9] == [10, 96.15, 9.62]
    rows = {r[2]: r for r in shown[6:15]}
    assert rows["办理法律援助案件数"][3:10] == ["≥", 10, "件", 8, 10, 8, "统计：法律援助案件合计"]
    assert rows["法律咨询人次"][6:9] == [10, 10, 10]
    assert rows["为受援人挽回经济损失"][4:9] == [3, "万元", 3.15, 10, 10]
    for clerk in ("案件质量评查合格率", "案件按时办结率", "办案补贴超标准发放比例", "受援人满意度"):
        assert rows[clerk][6] is None and rows[clerk][8] is None and "请填写实际完成值" in rows[clerk][11]
    for qualitative in ("群众法治意识", "法律援助制度"):
        assert rows[qualitative][3] == "定性" and "自评" in rows[qualitative][11]
    total = next(r for r in shown if r[0] == "总分")
    assert total[7:9] == [100, 37.62]               # 9.62 + 8 + 10 + 10; the clerk's indicators still to score
