"""Small budget workbook, case ledger and indicator sheet for the report tests (written with openpyxl)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

BUDGET_ROWS = [
    ("一、收入合计", 300, 330, 325.68),
    ("（一）财政拨款收入", 295, 325, 320.00),
    ("（二）其他收入", 5, 5, 5.68),
    ("二、支出合计", 300, 330, 325.68),
    ("（一）基本支出", 200, 212, 210.46),
    ("1.人员经费", 170, 181, 180.01),
    ("2.公用经费", 30, 31, 30.45),
    ("（二）项目支出", 100, 118, 115.22),
    ("其中：法律援助专项经费", 80, 80, 0.60),
    ("三、“三公”经费合计", 1.5, 1.5, 1.23),
    ("1.因公出国（境）费", 0, 0, 0),
    ("2.公务用车购置及运行费", 1, 1, 0.80),
    ("3.公务接待费", 0.5, 0.5, 0.43),
]


def write_budget(path: Path, rows=BUDGET_ROWS, unit_note: str | None = "单位：万元") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "收支决算表"
    ws.append(["沅江市法律援助中心2023年度收入支出决算表"])
    ws.append([unit_note] if unit_note else [None])
    ws.append(["项目", "年初预算数", "全年预算数", "全年执行数"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


LEDGER_HEADER = ["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "指派日期", "结案日期", "特殊群体", "挽回经济损失",
                 "讨薪金额"]
LEDGER_ROWS = [
    ["(2023)沅法援字第001号", "张一", "刑事", "审判", "李律师", "2023-01-05", "2023-03-01", "未成年人", None, None],
    ["(2023)沅法援字第002号", "张二", "刑事", "审查起诉、审判", "李律师", "2023-02-05", "2023-05-01", None, None, None],
    ["(2023)沅法援字第003号", "张三", "民事", None, "王律师", "2023-03-05", "2023-06-01", "农民工", "30000", "30000"],
    ["(2023)沅法援字第004号", "张四", "民事", None, "王律师", "2023-04-05", "2023-07-01", "农民工、老年人", "1.5万", "15000"],
    ["(2023)沅法援字第005号", "张五", "民事", None, "赵律师", "2023-05-05", "2023-08-01", "老年人", "8000", None],
    ["(2023)沅法援字第006号", "张六", "行政", None, "赵律师", "2023-06-05", "2023-09-01", None, None, None],
    ["(2023)沅法援字第007号", "张七", "认罪认罚法律帮助", None, "值班律师", "2023-07-05", "2023-07-05", None, None, None],
]


def write_ledger(path: Path, rows=LEDGER_ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "案件台账"
    ws.append(["沅江市法律援助中心2023年案件台账"])
    ws.append(LEDGER_HEADER)
    for row in rows:
        ws.append(row)
    consult = wb.create_sheet("咨询登记")           # the statistics core's layout: one row per day and channel
    consult.append(["日期", "咨询方式", "人次"])
    for row in (("2023-01-05", "来访", 700), ("2023-06-05", "来访", 500), ("2023-02-01", "来电（12348）", 10500),
                ("2023-03-01", "网络", 300), ("2022-12-31", "来访", 99), ("合计", None, 12099)):
        consult.append(list(row))
    wb.save(path)
    return path


def write_targets(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值"])
    ws.append(["产出指标", "数量指标", "办理法律援助案件数", "≥5件", 6, 20])
    ws.append(["产出指标", "质量指标", "结案率", "≥95%", 100, 10])
    ws.append(["产出指标", "时效指标", "平均办结天数", "≤90天", 100, 10])
    wb.save(path)
    return path
