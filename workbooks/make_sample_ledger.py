"""Build workbooks/示例台账.xlsx and its notes 示例台账说明.md: a synthetic 2023 case ledger of the fictional
示例县法律援助中心, with the mess of real ledgers and a few deliberate, documented data errors.

Deterministic: a seeded RNG, fixed dates and fixed workbook properties, so two builds give the same cells
(and, with the same xlsxwriter version, the same bytes).

    python workbooks/make_sample_ledger.py [-o 示例台账.xlsx] [--notes 示例台账说明.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import xlsxwriter

SEED = 20230101
YEAR = 2023
CASE_COUNT = 1000
CONSULTATION_COUNT = 1800
LEDGER_DRAWN_UP = dt.date(2024, 1, 10)  # cases closing after this day are still open in the ledger
CENTRE = "示例县法律援助中心"

LEDGER_SHEET = "案件台账"
STANDARD_SHEET = "补贴标准"
CONSULTATION_SHEET = "咨询登记"
TITLE = f"{CENTRE}{YEAR}年法律援助案件台账"
UNIT_NOTE = "单位：元"
TITLE_ROWS = 2  # title and unit note above the header
HEADERS = ["序号", "案件编号", "受援人", "身份证号", "案件类型", "诉讼阶段", "适用程序", "承办人", "律师事务所",
           "指派日期", "结案日期", "特殊群体", "受援人数", "异地办案", "值班天数", "挽回经济损失", "讨薪金额",
           "补贴金额", "案件质量"]
MONEY_COLUMNS = ["挽回经济损失", "讨薪金额", "补贴金额"]
DATE_COLUMNS = ["指派日期", "结案日期"]
CONSULTATION_HEADERS = ["日期", "咨询方式", "咨询人", "咨询事项", "人次"]

# The centre's local settings (sheet 补贴标准), overriding the shipped provincial standard.
STANDARD_HEADER = ["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明"]
STANDARD_ROWS = [
    ["认罪认罚法律帮助", None, "件", 300, 300, "本中心标准"],
    ["值班律师", None, "日", 200, 200, "按值班天数"],
    ["非诉讼", None, "件", 500, 1000, None],
    ["国家赔偿", None, "件", 1500, 5000, None],
]
ADJUSTMENT_HEADER = ["调整项", "数值", "说明"]
ADJUSTMENT_ROWS = [
    ["优秀上浮比例", Decimal("0.2"), "评查优秀的案件上浮"],
    ["异地办案加付", 300, "在县外办理"],
    ["每增加一名受援人加付", 200, None],
    ["速裁计价阶段", "审查起诉", "速裁案件按审查起诉阶段计付一次"],
]

# --- synthetic people and firms -------------------------------------------------------------------------
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢")
MALE_GIVEN = ["建国", "志强", "伟", "军", "勇", "磊", "洪涛", "国华", "德明", "海波", "小龙", "文斌", "卫东", "俊杰",
              "明辉", "浩", "鹏", "振华", "永红", "少华", "立新", "光荣", "家豪", "子轩", "宇航", "世杰", "长青", "庆丰"]
FEMALE_GIVEN = ["秀英", "桂兰", "丽", "芳", "敏", "静", "秀珍", "玉梅", "红霞", "春花", "婷", "丹", "美玲", "淑华",
                "小燕", "雪梅", "翠兰", "金凤", "思雨", "欣怡", "梓涵", "慧", "艳", "雅琴", "月娥", "凤英"]
REGION_CODES = ["430902", "430903", "430921", "430922", "430923", "430981"]  # 4309xx; a few from elsewhere:
OUTSIDE_REGION_CODES = ["430102", "430621", "431121", "360302"]
FIRMS = ["示例县明德律师事务所", "示例县正衡律师事务所", "示例县致远律师事务所", "示例县清源律师事务所",
         "示例县弘法律师事务所"]
LAWYERS_PER_FIRM = [3, 3, 2, 2, 2]

SPECIAL_GROUPS = ["农民工", "残疾人", "老年人", "未成年人", "妇女", "军人军属(含退役军人)", "少数民族"]
CONSULTATION_CHANNELS = [("来访", 45), ("来电(12348)", 35), ("网络", 15), ("信函", 5)]
CONSULTATION_MATTERS = ["婚姻家庭", "劳动争议", "拖欠工资", "民间借贷", "交通事故", "人身损害", "房屋土地",
                        "土地承包", "继承", "赡养抚养", "医疗纠纷", "刑事辩护", "工伤赔偿", "消费维权", "行政复议",
                        "合同纠纷", "邻里纠纷", "社会保险"]

# Case-type mix (weights in per mille) and how each type is paid by this centre.
CASE_TYPE_MIX = [("刑事", 350), ("民事", 395), ("行政", 30), ("仲裁", 70), ("国家赔偿", 5), ("非诉讼", 50),
                 ("认罪认罚法律帮助", 100)]
STAGE_MIX = [("侦查", 15), ("审查起诉", 28), ("审判", 36), ("死刑复核", 1),
             ("侦查、审查起诉", 5), ("审查起诉、审判", 11), ("侦查、审查起诉、审判", 4)]
# Amounts this centre pays per stage / matter, all within the Hunan range (domain.md §2), with weights.
STAGE_PAY = {"侦查": [(800, 6), (1000, 3), (1200, 1)], "审查起诉": [(800, 5), (1000, 4), (1500, 1)],
             "审判": [(1500, 5), (2000, 4), (2500, 1)], "死刑复核": [(2000, 1), (3000, 1)]}
MATTER_PAY = {"民事": [(1500, 4), (1800, 3), (2000, 3), (2500, 1)], "行政": [(1500, 1), (2000, 1)],
              "仲裁": [(1500, 4), (1800, 3), (2000, 2)], "国家赔偿": [(1500, 1), (3000, 1)],
              "非诉讼": [(500, 3), (800, 2), (1000, 1)], "认罪认罚法律帮助": [(300, 1)]}
DURATION_DAYS = {"刑事": (20, 200), "民事": (30, 260), "行政": (40, 200), "仲裁": (30, 120), "国家赔偿": (60, 240),
                 "非诉讼": (5, 60), "认罪认罚法律帮助": (0, 5)}
FULLWIDTH_DIGITS = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
CHINESE_DIGITS = "零一二三四五六七八九"


@dataclass
class LedgerDocument:
    """Everything the generator decided: ledger rows (in sheet order, None = blank row) and what it planted."""
    cases: list[dict | None]
    errors: list[dict] = field(default_factory=list)        # {code, row, column, value, description}
    messy_cells: list[dict] = field(default_factory=list)   # {row, column, text, meaning}
    planted: set[int] = field(default_factory=set)          # id() of cases carrying a planted error
    consultations: list[list] = field(default_factory=list)


# --- identity numbers ------------------------------------------------------------------------------------
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of a citizen identity number."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def make_id_number(rng: random.Random, birth: dt.date, female: bool, region: str) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


# --- text forms of amounts -------------------------------------------------------------------------------
def chinese_numeral(n: int) -> str:
    """Chinese numeral for 0 < n < 100000 as people type it (1500 → 一千五百, 1050 → 一千零五十)."""
    units = ["", "十", "百", "千", "万"]
    digits = [int(c) for c in str(n)]
    text, zero_pending = "", False
    for i, d in enumerate(digits):
        power = len(digits) - 1 - i
        if d == 0:
            zero_pending = True
            continue
        if zero_pending and text:
            text += "零"
        zero_pending = False
        text += ("" if (d == 1 and power == 1 and not text) else CHINESE_DIGITS[d]) + units[power]
    return text


def amount_as_text(rng: random.Random, amount: Decimal) -> str:
    """One of the ways people type an amount into a text cell; all mean `amount` 元."""
    styles = ["thousands_yuan", "fullwidth"]
    if amount == amount.to_integral_value() and amount % 100 == 0:
        styles += ["wan", "chinese"] if amount < 100000 else ["wan"]
    style = rng.choice(styles)
    if style == "thousands_yuan":
        return f"{amount:,}元" if amount % 1 else f"{int(amount):,}元"
    if style == "fullwidth":
        return (f"{amount}" if amount % 1 else f"{int(amount)}").translate(FULLWIDTH_DIGITS)
    if style == "wan":
        return f"{(amount / 10000).normalize():f}万"
    return chinese_numeral(int(amount))


def date_as_text(rng: random.Random, day: dt.date) -> str:
    pattern = rng.choice(["{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}/{m}/{d}"])
    return pattern.format(y=day.year, m=day.month, d=day.day)


# --- generation ------------------------------------------------------------------------------------------
def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


def _person_name(rng: random.Random, female: bool) -> str:
    return rng.choice(SURNAMES) + rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)


def _working_days(year: int) -> list[dt.date]:
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _lawyers(rng: random.Random) -> list[tuple[str, str]]:
    names, result = set(), []
    for firm, count in zip(FIRMS, LAWYERS_PER_FIRM):
        for _ in range(count):
            while True:
                female = rng.random() < 0.4
                name = _person_name(rng, female)
                if name not in names:
                    break
            names.add(name)
            result.append((name, firm))
    return result


def _birth_date(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randrange((high - low).days + 1))


def _case(rng: random.Random, assigned: dt.date, lawyers, used_ids: set[str]) -> dict:
    case_type = _weighted(rng, CASE_TYPE_MIX)
    female = rng.random() < (0.15 if case_type in ("刑事", "认罪认罚法律帮助") else 0.5)
    age_band = rng.random()
    minor = case_type in ("刑事", "民事") and age_band < 0.07
    elderly = not minor and age_band > 0.85
    if minor:
        birth = _birth_date(rng, dt.date(2006, 1, 1), dt.date(2010, 12, 31))
    elif elderly:
        birth = _birth_date(rng, dt.date(1938, 1, 1), dt.date(1963, 12, 31))
    else:
        birth = _birth_date(rng, dt.date(1964, 1, 1), dt.date(2004, 12, 31))
    region = rng.choice(OUTSIDE_REGION_CODES) if rng.random() < 0.06 else rng.choice(REGION_CODES)
    while True:
        id_number = make_id_number(rng, birth, female, region)
        if id_number not in used_ids:
            used_ids.add(id_number)
            break

    groups = []
    labour = case_type in ("民事", "仲裁")
    if rng.random() < ({"仲裁": 0.6, "民事": 0.2}.get(case_type, 0.03)) and not minor:
        groups.append("农民工")
    if rng.random() < 0.05:
        groups.append("残疾人")
    if elderly:
        groups.append("老年人")
    if minor:
        groups.append("未成年人")
    if female and rng.random() < 0.7:
        groups.append("妇女")
    if rng.random() < 0.02 and not minor:
        groups.append("军人军属(含退役军人)")
    if rng.random() < 0.03:
        groups.append("少数民族")

    stage = procedure = None
    if case_type == "刑事":
        stage = _weighted(rng, STAGE_MIX)
        procedure = _weighted(rng, [("普通", 55), ("简易", 30), ("速裁", 15)])
        if procedure == "速裁" and ("死刑复核" in stage or stage == "侦查"):
            procedure = "普通"
    lawyer, firm = rng.choice(lawyers)
    low, high = DURATION_DAYS[case_type]
    closed = assigned + dt.timedelta(days=rng.randint(low, high))
    if closed > LEDGER_DRAWN_UP:
        closed = None
    persons = _weighted(rng, [(1, 95), (2, 4), (3, 1)]) if case_type not in ("刑事", "认罪认罚法律帮助") else 1
    away = case_type != "认罪认罚法律帮助" and rng.random() < 0.06
    quality = None
    if closed is not None and case_type != "认罪认罚法律帮助" and rng.random() < 0.9:
        quality = _weighted(rng, [("优秀", 9), ("合格", 88), ("不合格", 3)])

    recovered = wages = None
    if closed is not None and "农民工" in groups and labour and rng.random() < 0.75:
        wages = Decimal(rng.randrange(30, 800) * 100)
    recovered_chance = {"民事": 0.55, "仲裁": 0.7, "行政": 0.3, "国家赔偿": 0.8, "刑事": 0.04}.get(case_type, 0)
    if closed is not None and (wages is not None or rng.random() < recovered_chance):
        extra = Decimal(int(rng.lognormvariate(9.6, 1.0))) if rng.random() < 0.8 else Decimal(0)
        if rng.random() < 0.15:
            cents = Decimal(rng.randrange(0, 100)) / 100
            if extra:
                extra += cents
        recovered = (wages or Decimal(0)) + extra
        if recovered == 0:
            recovered = None

    paid = None
    if closed is not None:
        paid = _subsidy_paid(rng, case_type, stage, procedure, quality, away, persons)
    return {"案件类型": case_type, "受援人": _person_name(rng, female), "身份证号": id_number,
            "诉讼阶段": stage, "适用程序": procedure, "承办人": lawyer, "律师事务所": firm,
            "指派日期": assigned, "结案日期": closed, "特殊群体": "、".join(groups) or None,
            "受援人数": persons, "异地办案": "是" if away else "否", "值班天数": None,
            "挽回经济损失": recovered, "讨薪金额": wages, "补贴金额": paid, "案件质量": quality}


def _subsidy_paid(rng, case_type, stage, procedure, quality, away, persons) -> Decimal:
    """What the centre paid: a local amount per stage/matter within the Hunan range, plus its adjustments."""
    if case_type == "刑事":
        stages = stage.split("、")
        if procedure == "速裁":  # paid at the 审查起诉 rate
            stages = ["审查起诉"]
        if quality == "不合格":
            base = sum(STAGE_PAY[s][0][0] for s in stages)
        else:
            base = sum(_weighted(rng, STAGE_PAY[s]) for s in stages)
    else:
        pay = MATTER_PAY[case_type]
        base = pay[0][0] if quality == "不合格" else _weighted(rng, pay)
    amount = Decimal(base)
    if quality == "优秀":
        amount *= Decimal("1.2")
    if away:
        amount += 300
    amount += 200 * (persons - 1)
    return amount


def generate(seed: int = SEED) -> LedgerDocument:
    """The whole sample: cases in sheet order (with blank rows), planted errors, messy cells, consultations."""
    rng = random.Random(seed)
    lawyers = _lawyers(rng)
    days = _working_days(YEAR)
    assigned_days = sorted(rng.choice(days) for _ in range(CASE_COUNT))
    used_ids: set[str] = set()
    cases = [_case(rng, day, lawyers, used_ids) for day in assigned_days]
    for index, case in enumerate(cases, start=1):
        case["序号"] = index
        case["案件编号"] = f"({YEAR})示法援字第{index:04d}号"

    # Two blank rows in the middle, as left behind by deleted entries.
    rows: list[dict | None] = cases[:312] + [None] + cases[312:689] + [None] + cases[689:]
    doc = LedgerDocument(cases=rows)
    _plant_errors(doc, rng)
    # separate streams, so that tuning one part does not reshuffle the others
    _make_mess(doc, random.Random(seed + 1))
    doc.consultations = _consultations(random.Random(seed + 2))
    return doc


def sheet_row(doc: LedgerDocument, case: dict) -> int:
    """1-based Excel row number of a case in the 案件台账 sheet."""
    return TITLE_ROWS + 2 + doc.cases.index(case)


def total_row(doc: LedgerDocument) -> int:
    return TITLE_ROWS + 2 + len(doc.cases)


def _plant_errors(doc: LedgerDocument, rng: random.Random) -> None:
    cases = [c for c in doc.cases if c is not None]
    planted = doc.planted

    def pick(start: int, condition) -> dict:
        for case in cases[start:]:
            if condition(case) and id(case) not in planted:
                planted.add(id(case))
                return case
        raise AssertionError("no case fits the planted error")

    def note(code, case, column, description):
        doc.errors.append({"code": code, "row": sheet_row(doc, case), "column": column,
                           "value": case[column], "description": description})

    case = pick(40, lambda c: True)
    first17 = case["身份证号"][:17]
    right = id_check_digit(first17)
    case["身份证号"] = first17 + ID_CHECK_CHARS[(ID_CHECK_CHARS.index(right) + 3) % 11]
    note("bad_id_check_digit", case, "身份证号", f"身份证号校验码错误（应为 {right}）")

    case = pick(130, lambda c: c["案件类型"] in ("民事", "仲裁"))
    first17 = case["身份证号"][:6] + "19870230" + case["身份证号"][14:17]
    case["身份证号"] = first17 + id_check_digit(first17)
    note("impossible_birth_date", case, "身份证号", "身份证号中的出生日期 1987-02-30 不存在（校验码本身正确）")

    case = pick(220, lambda c: c["结案日期"] is not None and c["案件类型"] == "民事")
    case["结案日期"] = case["指派日期"] - dt.timedelta(days=17)
    note("closed_before_assigned", case, "结案日期", f"结案日期早于指派日期（{case['指派日期']:%Y-%m-%d}）")

    original = pick(350, lambda c: c["案件类型"] == "刑事")
    case = pick(351, lambda c: c["案件类型"] == "刑事")
    case["案件编号"] = original["案件编号"]
    note("duplicate_case_number", case, "案件编号", f"案件编号与第{sheet_row(doc, original)}行重复")

    case = pick(470, lambda c: c["案件类型"] == "民事" and c["诉讼阶段"] is None)
    case["案件类型"] = "民亊"
    note("unknown_case_type", case, "案件类型", "案件类型“民亊”是“民事”的错别字，不是已知类型")

    case = pick(560, lambda c: c["案件类型"] == "民事")
    case["诉讼阶段"] = "审判"
    note("stage_on_civil_case", case, "诉讼阶段", "民事案件填写了诉讼阶段（诉讼阶段只适用于刑事案件）")

    case = pick(640, lambda c: c["案件类型"] == "民事")
    case["案件类型"] = None
    note("missing_case_type", case, "案件类型", "案件类型为空")

    case = pick(760, lambda c: c["挽回经济损失"] is not None and c["讨薪金额"] is None)
    case["挽回经济损失"] = -case["挽回经济损失"]
    note("negative_recovered_amount", case, "挽回经济损失", "挽回经济损失为负数")


def _make_mess(doc: LedgerDocument, rng: random.Random) -> None:
    """Turn a few per cent of amounts and dates into text and pad some type names with spaces."""
    planted = doc.planted
    for case in doc.cases:
        if case is None or id(case) in planted:
            continue
        for column in MONEY_COLUMNS:
            if case[column] is not None and rng.random() < 0.03:
                amount = case[column]
                case[column] = amount_as_text(rng, amount)
                doc.messy_cells.append({"row": sheet_row(doc, case), "column": column, "text": case[column],
                                        "meaning": f"{amount:,.2f} 元"})
        for column in DATE_COLUMNS:
            if case[column] is not None and rng.random() < 0.02:
                day = case[column]
                case[column] = date_as_text(rng, day)
                doc.messy_cells.append({"row": sheet_row(doc, case), "column": column, "text": case[column],
                                        "meaning": f"{day:%Y-%m-%d}"})
        if rng.random() < 0.02:
            case_type = case["案件类型"]
            case["案件类型"] = rng.choice([f" {case_type}", f"{case_type} ", f"{case_type}\u3000", f" {case_type} "])
            doc.messy_cells.append({"row": sheet_row(doc, case), "column": "案件类型",
                                    "text": case["案件类型"], "meaning": case_type})


def _consultations(rng: random.Random) -> list[list]:
    all_days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    working = _working_days(YEAR)
    rows = []
    for _ in range(CONSULTATION_COUNT):
        channel = _weighted(rng, CONSULTATION_CHANNELS)
        day = rng.choice(working if channel in ("来访", "信函") else all_days)
        female = rng.random() < 0.45
        person = "匿名" if channel != "来访" and rng.random() < 0.05 else _person_name(rng, female)
        persons = _weighted(rng, [(1, 90), (2, 7), (3, 2), (5, 1)])
        rows.append([day, channel, person, rng.choice(CONSULTATION_MATTERS), persons])
    rows.sort(key=lambda r: (r[0], CONSULTATION_CHANNELS.index(next(c for c in CONSULTATION_CHANNELS
                                                                      if c[0] == r[1]))))
    return rows


# --- writing ---------------------------------------------------------------------------------------------
def _column_letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def write_workbook(doc: LedgerDocument, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": TITLE, "author": CENTRE, "created": dt.datetime(2024, 1, 10, 9, 0, 0)})
    title_fmt = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    header_fmt = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                      "bg_color": "#DDEBF7", "text_wrap": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_fmt = workbook.add_format({"num_format": "#,##0.00"})
    percent_fmt = workbook.add_format({"num_format": "0%"})
    total_label_fmt = workbook.add_format({"bold": True, "top": 1})
    total_money_fmt = workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"})

    sheet = workbook.add_worksheet(LEDGER_SHEET)
    last_col = len(HEADERS) - 1
    sheet.merge_range(0, 0, 0, last_col, TITLE, title_fmt)
    sheet.set_row(0, 28)
    sheet.write_string(1, 0, UNIT_NOTE)
    header_row = TITLE_ROWS
    sheet.write_row(header_row, 0, HEADERS, header_fmt)
    widths = {"序号": 6, "案件编号": 24, "受援人": 9, "身份证号": 21, "案件类型": 16, "诉讼阶段": 18, "适用程序": 8,
              "承办人": 8, "律师事务所": 22, "指派日期": 11, "结案日期": 11, "特殊群体": 22, "受援人数": 8,
              "异地办案": 8, "值班天数": 8, "挽回经济损失": 14, "讨薪金额": 12, "补贴金额": 12, "案件质量": 8}
    for col, name in enumerate(HEADERS):
        sheet.set_column(col, col, widths[name])
    sheet.freeze_panes(header_row + 1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_row)

    for offset, case in enumerate(doc.cases):
        row = header_row + 1 + offset
        if case is None:
            continue
        for col, name in enumerate(HEADERS):
            value = case[name]
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, Decimal):
                sheet.write_number(row, col, float(value), money_fmt)
            elif isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)

    total = total_row(doc) - 1
    first_data, last_data = header_row + 2, total  # 1-based rows of the data block
    sheet.write_string(total, 0, "合计", total_label_fmt)
    for name in MONEY_COLUMNS:
        col = HEADERS.index(name)
        cached = sum((c[name] for c in doc.cases if c is not None and isinstance(c[name], Decimal)), Decimal(0))
        letter = _column_letter(col)
        sheet.write_formula(total, col, f"=SUM({letter}{first_data}:{letter}{last_data})", total_money_fmt,
                            float(cached))
    sheet.autofilter(header_row, 0, total - 1, last_col)

    standard = workbook.add_worksheet(STANDARD_SHEET)
    standard.write_row(0, 0, STANDARD_HEADER, header_fmt)
    for r, values in enumerate(STANDARD_ROWS, start=1):
        _write_plain_row(standard, r, values, money_fmt)
    adjust_header = len(STANDARD_ROWS) + 2  # one empty row between the blocks
    standard.write_row(adjust_header, 0, ADJUSTMENT_HEADER, header_fmt)
    for r, (name, value, remark) in enumerate(ADJUSTMENT_ROWS, start=adjust_header + 1):
        standard.write_string(r, 0, name)
        if isinstance(value, Decimal):
            standard.write_number(r, 1, float(value), percent_fmt)
        elif isinstance(value, str):
            standard.write_string(r, 1, value)
        else:
            standard.write_number(r, 1, value, money_fmt)
        if remark:
            standard.write_string(r, 2, remark)
    standard.set_column(0, 0, 22)
    standard.set_column(1, 4, 11)
    standard.set_column(5, 5, 16)

    consult = workbook.add_worksheet(CONSULTATION_SHEET)
    consult.write_row(0, 0, CONSULTATION_HEADERS, header_fmt)
    for r, (day, channel, person, matter, persons) in enumerate(doc.consultations, start=1):
        consult.write_datetime(r, 0, dt.datetime(day.year, day.month, day.day), date_fmt)
        consult.write_string(r, 1, channel)
        consult.write_string(r, 2, person)
        consult.write_string(r, 3, matter)
        consult.write_number(r, 4, persons)
    consult.freeze_panes(1, 0)
    for col, width in enumerate([11, 13, 9, 12, 6]):
        consult.set_column(col, col, width)

    workbook.close()


def _write_plain_row(sheet, row: int, values: list, money_fmt) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, int):
            sheet.write_number(row, col, value, money_fmt)
        else:
            sheet.write_string(row, col, value)


def write_notes(doc: LedgerDocument, path: Path) -> None:
    """The notes file: layout, the mix of the data, every planted error and every text amount/date with its row."""
    cases = [c for c in doc.cases if c is not None]
    by_type: dict[str, int] = {}
    for c in cases:
        key = (c["案件类型"] or "（空）").strip(" \u3000")
        by_type[key] = by_type.get(key, 0) + 1
    blank_rows = [TITLE_ROWS + 2 + i for i, c in enumerate(doc.cases) if c is None]
    open_cases = sum(1 for c in cases if c["结案日期"] is None)
    lines = [
        "# 示例台账说明",
        "",
        f"`示例台账.xlsx` 是虚构的“{CENTRE}”{YEAR}年的法律援助工作数据，供测试、演示和培训使用。",
        "所有人名、身份证号、律师和律师事务所都是随机合成的，与真实人员、单位无关；身份证号的地区码取 4309xx 等，",
        "校验码按 GB 11643 计算（下文列出的故意错误除外）。",
        "",
        "本文件和工作簿都由 `make_sample_ledger.py` 生成（固定随机种子，重复生成结果相同），请勿手工修改：",
        "",
        "```",
        "python workbooks/make_sample_ledger.py",
        "```",
        "",
        "## 工作表",
        "",
        f"- **{LEDGER_SHEET}**：第1行合并标题“{TITLE}”，第2行“{UNIT_NOTE}”，第3行表头，"
        f"第4行起每行一件案件（共 {len(cases)} 件），第{total_row(doc)}行为合计行"
        f"（序号列为“合计”，{ '、'.join(MONEY_COLUMNS)} 三列为 SUM 公式；文本形式的金额不计入 SUM，与 Excel 表现一致）。",
        f"  中间有空行：第{'、'.join(str(r) for r in blank_rows)}行。表头使用别名“案件编号”（即案号）和“承办人”（即承办律师）。",
        f"  未结案件 {open_cases} 件：结案日期、补贴金额、案件质量为空。“值班天数”列在本台账中全部为空"
        "（认罪认罚法律帮助按件计补贴）。",
        f"- **{STANDARD_SHEET}**：本中心的地方标准，覆盖随工具发布的湖南标准。第1行表头"
        f"“{' | '.join(STANDARD_HEADER)}”，第2–{len(STANDARD_ROWS) + 1}行为各类事项；"
        f"第{len(STANDARD_ROWS) + 2}行空行；第{len(STANDARD_ROWS) + 3}行为调整项表头"
        f"“{' | '.join(ADJUSTMENT_HEADER)}”，其下为调整项（优秀上浮比例以百分比格式保存为 0.2）。",
        f"- **{CONSULTATION_SHEET}**：{len(doc.consultations)} 条咨询记录，列为 {'、'.join(CONSULTATION_HEADERS)}。",
        "",
        "## 案件构成",
        "",
        "| 案件类型 | 件数 |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in sorted(by_type.items(), key=lambda kv: -kv[1])]
    lines += [
        "",
        "补贴金额是本中心实际支付的金额：刑事按所办各阶段的本地金额相加（速裁案件只计一个审查起诉阶段，"
        "补贴标准表中“速裁计价阶段”为审查起诉），其他案件按件；"
        "金额在湖南标准区间内，再按补贴标准表加付（优秀上浮20%、异地办案加付300元、每增加一名受援人加付200元），"
        "评查不合格的按最低标准支付。",
        "",
        "## 故意设置的错误",
        "",
        "行号为 Excel 行号。代码供自动测试引用。",
        "",
        "| 行 | 列 | 单元格内容 | 代码 | 问题 |",
        "|---|---|---|---|---|",
    ]
    for e in doc.errors:
        lines.append(f"| {e['row']} | {e['column']} | {_cell_text(e['value'])} | {e['code']} | {e['description']} |")
    lines += [
        "",
        "## 文本形式的金额、日期和带空格的类型",
        "",
        "这些不是错误，而是真实台账中常见的录入方式，工具应能识别。单元格内容中的空格用 `␣`（半角）和 `□`（全角）标出。",
        "",
        "| 行 | 列 | 单元格内容 | 含义 |",
        "|---|---|---|---|",
    ]
    for m in doc.messy_cells:
        lines.append(f"| {m['row']} | {m['column']} | {_cell_text(m['text'])} | {m['meaning']} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cell_text(value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value).replace(" ", "␣").replace("\u3000", "□")


def build(xlsx_path: Path, notes_path: Path | None = None, seed: int = SEED) -> LedgerDocument:
    """Generate the sample and write the workbook (and the notes, if a path is given)."""
    doc = generate(seed)
    write_workbook(doc, Path(xlsx_path))
    if notes_path is not None:
        write_notes(doc, Path(notes_path))
    return doc


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description="生成示例台账（虚构数据）及其说明。")
    parser.add_argument("-o", "--output", type=Path, default=here / "示例台账.xlsx", help="工作簿路径")
    parser.add_argument("--notes", type=Path, default=here / "示例台账说明.md", help="说明文件路径")
    args = parser.parse_args(argv)
    doc = build(args.output, args.notes)
    print(f"已生成 {args.output}（{sum(c is not None for c in doc.cases)} 件案件，{len(doc.errors)} 处故意错误）"
          f"和 {args.notes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
