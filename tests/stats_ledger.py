"""Small ledgers with known counts for the statistics tests (written with openpyxl, read back by the toolkit)."""

from __future__ import annotations

import datetime as dt

import openpyxl

from toolkit.base.idcard import check_digit

HEADER = ["序号", "案件编号", "受援人", "身份证号", "案件类型", "诉讼阶段", "承办人", "律所", "指派日期", "特殊群体",
          "受援人数", "值班天数", "挽回经济损失", "讨薪金额", "补贴金额", "案件质量"]


def person_id(n: int) -> str:
    first17 = f"43090219800101{n:03d}"
    return first17 + check_digit(first17)


# (number, name, type, stage, lawyer, firm, assigned, groups, persons, duty days, recovered, wages, quality)
CASES_2023 = [
    ("A01", "测试甲某", "刑事", "审查起诉", "王律师", "甲律师事务所", dt.date(2023, 1, 10), "农民工、残疾人", 1, None, None, None, "优秀"),
    ("A02", "测试乙某", "刑事", "审判", "王律师", "甲律师事务所", dt.date(2023, 2, 5), "未成年人", 1, None, None, None, None),
    ("A03", "测试丙某", "民事", None, "李律师", "乙律师事务所", dt.date(2023, 3, 15), "农民工", 3, None, 30000, 30000, "优秀"),
    ("A04", "测试丁某", "民事", None, "李律师", "乙律师事务所", "2023年4月20日", "妇女、老年人", None, None, "1,500元", 800, "合格"),
    ("A05", "测试戊某", "行政", None, "王律师", "甲律师事务所", dt.date(2023, 5, 8), None, None, None, None, None, None),
    ("A06", "测试己某", "劳动争议仲裁", None, "李律师", "乙律师事务所", dt.date(2023, 7, 1), "农民工", 2, None, None, "0.5万", None),
    ("A07", "测试庚某", "国家赔偿", None, "赵律师", "丙律师事务所", dt.date(2023, 8, 9), None, None, None, None, None, None),
    ("A08", "测试辛某", "非诉讼", None, "赵律师", "丙律师事务所", dt.date(2023, 10, 10), "残疾人", None, None, None, None, None),
    ("A09", "测试壬某", "认罪认罚法律帮助", None, "王律师", "甲律师事务所", dt.date(2023, 3, 3), None, None, None, None, None, None),
    ("A10", "测试癸某", "认罪认罚法律帮助", None, "赵律师", "丙律师事务所", dt.date(2023, 11, 11), None, None, None, None, None, None),
    ("A11", "测试子某", "值班律师", None, "赵律师", "丙律师事务所", dt.date(2023, 12, 1), None, None, 2, None, None, None),
    ("A12", "测试丑某", "民亊", None, "李律师", "乙律师事务所", dt.date(2023, 5, 5), None, None, None, None, None, None),
    ("A13", "测试寅某", "民事", None, "李律师", "乙律师事务所", None, None, None, None, None, None, None),
    ("A14", "测试卯某", "民事", None, "李律师", "乙律师事务所", dt.date(2022, 6, 1), "农民工", None, None, 999, 999, None),
]

CASES_2022 = [
    ("B01", "旧年甲某", "刑事", "审判", "王律师", "甲律师事务所", dt.date(2022, 3, 1), "残疾人", None, None, None, None, None),
    ("B02", "旧年乙某", "民事", None, "李律师", "乙律师事务所", dt.date(2022, 4, 1), "农民工", 2, None, 10000, 10000, None),
    ("B03", "旧年丙某", "民事", None, "李律师", "乙律师事务所", dt.date(2022, 5, 1), None, None, None, None, None, None),
    ("B04", "旧年丁某", "民事", None, "王律师", "甲律师事务所", dt.date(2022, 9, 1), None, None, None, None, None, "优秀"),
    ("B05", "旧年戊某", "民事", None, "王律师", "甲律师事务所", dt.date(2022, 12, 30), None, None, None, None, None, None),
    ("B06", "旧年己某", "认罪认罚法律帮助", None, "赵律师", "丙律师事务所", dt.date(2022, 2, 2), None, None, None, None, None, None),
]

# (date, channel, person, matter, 人次)
CONSULTATIONS_2023 = [
    (dt.date(2023, 1, 3), "来访", "咨询甲某", "婚姻家庭", 1),
    (dt.date(2023, 2, 3), "来访", "咨询乙某", "拖欠工资", 2),
    (dt.date(2023, 3, 3), "来电(12348)", "咨询丙某", "继承", None),
    (dt.date(2023, 3, 9), "12348热线", "咨询丁某", "劳动争议", 3),
    (dt.date(2023, 6, 1), "网络", "咨询戊某", "合同纠纷", 1),
    (dt.date(2023, 9, 1), "信函", "咨询己某", "工伤赔偿", 1),
    (dt.date(2023, 9, 2), "传真", "咨询庚某", "其他", 1),
    ("2023年13月1日", "来访", "咨询辛某", "其他", 1),
    (dt.date(2022, 12, 31), "来访", "咨询壬某", "其他", 1),
]
CONSULTATIONS_2022 = [(dt.date(2022, m, 1), "来访", f"旧咨询{m}", "其他", 1) for m in range(1, 6)]

# what CASES_2023 / CONSULTATIONS_2023 must give for the year 2023
EXPECTED_2023 = {
    "cases.total": 8, "cases.刑事": 2, "cases.民事": 2, "cases.行政": 1, "cases.国家赔偿": 1, "cases.仲裁": 1,
    "cases.非诉讼": 1, "help.total": 3, "help.认罪认罚": 2, "help.值班律师": 1,
    "persons.total": 14, "persons.cases": 11, "persons.help": 3,
    "groups.any": 9, "groups.农民工": 6, "groups.残疾人": 2, "groups.老年人": 1, "groups.未成年人": 1, "groups.妇女": 1,
    "groups.军人军属": 0, "groups.少数民族": 0,
    "money.挽回经济损失": "31500.00", "money.讨薪金额": "35800.00", "money.农民工讨薪": "35000.00",
    "quality.优秀": 2,
    "consultations.total": 10, "consultations.来访": 3, "consultations.来电": 4, "consultations.网络": 1,
    "consultations.信函": 1, "consultations.其他": 1,
}
PERSONAL_TEXT = [c[1] for c in CASES_2023 + CASES_2022] + [person_id(n) for n in range(1, 30)] \
    + [c[2] for c in CONSULTATIONS_2023 + CONSULTATIONS_2022]


def write_ledger(path, cases=CASES_2023, consultations=CONSULTATIONS_2023, extra_sheets=None, id_offset=0):
    """A ledger workbook: merged title, header, cases, a 合计 row; a 咨询登记 sheet; optional extra sheets."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "案件台账"
    ws.append(["测试县法律援助中心案件台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for i, (number, name, kind, stage, lawyer, firm, assigned, groups, persons, days, recovered, wages,
            quality) in enumerate(cases, start=1):
        ws.append([i, number, name, person_id(i + id_offset), kind, stage, lawyer, firm, assigned, groups, persons,
                   days, recovered, wages, 1000, quality])
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, None,
               1000 * len(cases), None])
    if consultations is not None:
        cs = book.create_sheet("咨询登记")
        cs.append(["日期", "咨询方式", "咨询人", "咨询事项", "人次"])
        for row in consultations:
            cs.append(list(row))
    for name, rows in (extra_sheets or {}).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def write_previous(path):
    return write_ledger(path, CASES_2022, CONSULTATIONS_2022, id_offset=100)


# An example 绩效目标 sheet: indicators (some keyed to statistics) and the budget block below.
TARGETS = [
    ["一级指标", "二级指标", "三级指标", "指标性质", "目标值", "单位", "分值", "统计键"],
    ["产出指标", "数量指标", "办理法律援助案件数", "≥", 10, "件", 20, "cases.total"],
    [None, None, "值班律师法律帮助事项", "≥", 2, "件", 10, "help.total"],
    [None, None, "法律咨询人次", "≥", 8, "人次", 10, "consultations.total"],
    [None, "质量指标", "评查优秀案件数", "≥", 4, "件", 10, "quality.优秀"],
    ["效益指标", "社会效益指标", "为农民工讨回工资", "≥", 3, "万元", 10, "money.农民工讨薪"],
    [None, None, "受援群众合法权益得到维护", "定性", "有效维护", None, 10, None],
    [None, "经济效益指标", "办案补贴超支", "≤", 0, "万元", 10, None],
    ["满意度指标", "服务对象满意度指标", "受援人满意度", "≥", "95%", "%", 10, None],
]
TARGETS_ACTUALS = {"办案补贴超支": 0, "受援人满意度": 97}
BUDGET = [
    ["年初预算数（万元）", 100],
    ["全年预算数（万元）", 120],
    ["全年执行数（万元）", 108],
]


def targets_rows(with_given_actuals=True):
    """TARGETS with a 实际完成值 column for indicators that have no statistics key."""
    rows = [list(TARGETS[0]) + ["实际完成值"]]
    for row in TARGETS[1:]:
        rows.append(list(row) + [TARGETS_ACTUALS.get(row[2]) if with_given_actuals else None])
    return rows + [[]] + [list(b) for b in BUDGET]
