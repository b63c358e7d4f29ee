"""Fast writer of big synthetic case ledgers for benchmarks.

Same layout and columns as workbooks/示例台账.xlsx (title row, "单位：元", header on row 3, aliases 案件编号 and
承办人, a 补贴标准 sheet with the centre's local settings), clean data except that about 2 % of amounts and
dates are typed as text. No 合计 row, no planted errors.

    from benchmarks.ledger_gen import write_ledger
    write_ledger("big.xlsx", rows=100_000, seed=0)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import xlsxwriter

LEDGER_SHEET = "案件台账"
STANDARD_SHEET = "补贴标准"
HEADERS = ["序号", "案件编号", "受援人", "身份证号", "案件类型", "诉讼阶段", "适用程序", "承办人", "律师事务所",
           "指派日期", "结案日期", "特殊群体", "受援人数", "异地办案", "值班天数", "挽回经济损失", "讨薪金额",
           "补贴金额", "案件质量"]
CASE_TYPES = ["刑事", "民事", "行政", "仲裁", "劳动争议仲裁", "国家赔偿", "非诉讼", "认罪认罚法律帮助"]
CASE_TYPE_WEIGHTS = [350, 400, 30, 50, 20, 5, 45, 100]
STAGES = ["侦查", "审查起诉", "审判", "死刑复核", "侦查、审查起诉", "审查起诉、审判", "侦查、审查起诉、审判"]
STAGE_WEIGHTS = [15, 28, 36, 1, 5, 11, 4]
PROCEDURES = ["普通", "简易", "速裁"]
PROCEDURE_WEIGHTS = [55, 30, 15]
QUALITIES = [None, "优秀", "合格", "不合格"]
QUALITY_WEIGHTS = [15, 8, 75, 2]
GROUPS = [None, "农民工", "妇女", "老年人", "残疾人", "未成年人", "农民工、妇女", "老年人、残疾人",
          "军人军属(含退役军人)", "少数民族", "妇女、少数民族"]
GROUP_WEIGHTS = [55, 12, 12, 7, 3, 3, 3, 2, 1, 1, 1]
# Amounts paid per stage / matter (within the Hunan range; non-Hunan items from the centre's settings).
STAGE_PAY = {"侦查": 800, "审查起诉": 1000, "审判": 2000, "死刑复核": 3000}
MATTER_PAY = {"民事": 1800, "行政": 2000, "仲裁": 1800, "劳动争议仲裁": 1800, "国家赔偿": 3000, "非诉讼": 800,
              "认罪认罚法律帮助": 300}
STANDARD_ROWS = [
    ["案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明"],
    ["认罪认罚法律帮助", None, "件", 300, 300, "本中心标准"],
    ["值班律师", None, "日", 200, 200, "按值班天数"],
    ["非诉讼", None, "件", 500, 1000, None],
    ["国家赔偿", None, "件", 1500, 5000, None],
    [],
    ["调整项", "数值", "说明"],
    ["优秀上浮比例", 0.2, "评查优秀的案件上浮"],
    ["异地办案加付", 300, "在县外办理"],
    ["每增加一名受援人加付", 200, None],
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = ["建国", "志强", "伟", "军", "勇", "磊", "洪涛", "国华", "德明", "海波", "秀英", "桂兰", "丽", "芳", "敏",
         "静", "秀珍", "玉梅", "红霞", "春花", "小龙", "文斌", "卫东", "俊杰", "婷", "丹", "美玲", "淑华"]
FIRMS = ["示例县明德律师事务所", "示例县正衡律师事务所", "示例县致远律师事务所", "示例县清源律师事务所",
         "示例县弘法律师事务所"]
REGIONS = ["430902", "430903", "430921", "430922", "430923", "430981"]
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK_CHARS = "10X98765432"
EXCEL_EPOCH = dt.date(1899, 12, 30)
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _pick(rng: np.random.Generator, values: list, weights: list, n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(values), size=n, p=p / p.sum())


def _id_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """n synthetic identity numbers with valid GB 11643 check characters, born 1940–2005."""
    region = np.array([[int(c) for c in r] for r in REGIONS])[rng.integers(0, len(REGIONS), n)]
    born = np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, n).astype("timedelta64[D]")
    ymd = np.array([[int(c) for c in d.replace("-", "")] for d in np.datetime_as_string(born)])
    seq = rng.integers(0, 1000, n)
    seq_digits = np.stack([seq // 100, seq // 10 % 10, seq % 10], axis=1)
    digits = np.concatenate([region, ymd, seq_digits], axis=1)
    checks = (digits * ID_WEIGHTS).sum(axis=1) % 11
    return ["".join(map(str, d)) + ID_CHECK_CHARS[c] for d, c in zip(digits.tolist(), checks.tolist())]


def _text_amount(value: float, variant: int) -> str:
    whole = int(value)
    if variant == 0:
        return f"{whole:,}元"
    if variant == 1:
        return str(whole).translate(FULLWIDTH)
    return f"{whole / 10000:g}万"


def write_ledger(path, rows: int, seed: int = 0) -> Path:
    """Write a synthetic ledger with `rows` cases to `path` (xlsx) and return the path. Same seed → same cells."""
    path = Path(path)
    rng = np.random.default_rng(seed)
    n = rows
    types = _pick(rng, CASE_TYPES, CASE_TYPE_WEIGHTS, n)
    stages = _pick(rng, STAGES, STAGE_WEIGHTS, n)
    procedures = _pick(rng, PROCEDURES, PROCEDURE_WEIGHTS, n)
    qualities = _pick(rng, QUALITIES, QUALITY_WEIGHTS, n)
    groups = _pick(rng, GROUPS, GROUP_WEIGHTS, n)
    surnames = rng.integers(0, len(SURNAMES), n)
    given = rng.integers(0, len(GIVEN), n)
    lawyers = rng.integers(0, 12, n)
    lawyer_names = [SURNAMES[7 * i % len(SURNAMES)] + GIVEN[5 * i % len(GIVEN)] for i in range(12)]
    assigned = np.sort(rng.integers(0, 365, n)) + (dt.date(2023, 1, 1) - EXCEL_EPOCH).days
    duration = rng.integers(0, 240, n)
    closed_open = rng.random(n) < 0.15
    persons = np.where(rng.random(n) < 0.95, 1, rng.integers(2, 4, n))
    away = rng.random(n) < 0.06
    recovered = np.round(rng.lognormal(9.6, 1.0, n), 2)
    has_recovered = rng.random(n) < 0.4
    wages = rng.integers(30, 800, n) * 100
    text_roll = rng.random(n)          # < 0.02: one amount typed as text
    text_date_roll = rng.random(n)     # < 0.02: the assignment date typed as text
    variant = rng.integers(0, 3, n)
    ids = _id_numbers(rng, n)

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": dt.datetime(2024, 1, 10)})
    bold = workbook.add_format({"bold": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_fmt = workbook.add_format({"num_format": "#,##0.00"})
    sheet = workbook.add_worksheet(LEDGER_SHEET)
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "示例县法律援助中心2023年法律援助案件台账（基准测试数据）", bold)
    sheet.write_string(1, 0, "单位：元")
    sheet.write_row(2, 0, HEADERS, bold)
    sheet.freeze_panes(3, 0)
    sheet.set_column(1, 1, 22)
    sheet.set_column(3, 3, 20)
    ws, wn = sheet.write_string, sheet.write_number

    for i in range(n):
        r = i + 3
        case_type = CASE_TYPES[types[i]]
        criminal = case_type == "刑事"
        wn(r, 0, i + 1)
        ws(r, 1, f"(2023)示法援字第{i + 1:06d}号")
        ws(r, 2, SURNAMES[surnames[i]] + GIVEN[given[i]])
        ws(r, 3, ids[i])
        ws(r, 4, case_type)
        stage = STAGES[stages[i]] if criminal else None
        procedure = PROCEDURES[procedures[i]] if criminal else None
        if criminal:
            ws(r, 5, stage)
            ws(r, 6, procedure)
        law = lawyers[i]
        ws(r, 7, lawyer_names[law])
        ws(r, 8, FIRMS[law % len(FIRMS)])
        day = int(assigned[i])
        if text_date_roll[i] < 0.02:
            d = EXCEL_EPOCH + dt.timedelta(days=day)
            ws(r, 9, f"{d.year}年{d.month}月{d.day}日" if variant[i] == 0 else f"{d.year}.{d.month}.{d.day}")
        else:
            wn(r, 9, day, date_fmt)
        is_open = closed_open[i]
        if not is_open:
            wn(r, 10, day + int(duration[i]) // (40 if case_type == "认罪认罚法律帮助" else 1), date_fmt)
        group = GROUPS[groups[i]]
        if group:
            ws(r, 11, group)
        wn(r, 12, int(persons[i]))
        ws(r, 13, "是" if away[i] else "否")
        if has_recovered[i] and not criminal and not is_open:
            wn(r, 15, float(recovered[i]), money_fmt)
        if group and "农民工" in group and not is_open and case_type in ("民事", "仲裁", "劳动争议仲裁"):
            wn(r, 16, int(wages[i]), money_fmt)
        if not is_open:
            quality = QUALITIES[qualities[i]]
            if criminal:
                parts = ["审查起诉"] if procedure == "速裁" and stage != "侦查" and "死刑复核" not in stage \
                    else stage.split("、")
                paid = sum(STAGE_PAY[s] for s in parts)
            else:
                paid = MATTER_PAY[case_type]
            if quality == "优秀":
                paid = paid * 6 // 5
            paid += 300 * bool(away[i]) + 200 * (int(persons[i]) - 1)
            if text_roll[i] < 0.02:
                ws(r, 17, _text_amount(paid, int(variant[i])))
            else:
                wn(r, 17, paid, money_fmt)
            if quality:
                ws(r, 18, quality)

    standard = workbook.add_worksheet(STANDARD_SHEET)
    for r, values in enumerate(STANDARD_ROWS):
        for c, value in enumerate(values):
            if isinstance(value, str):
                standard.write_string(r, c, value)
            elif isinstance(value, float):
                standard.write_number(r, c, value, workbook.add_format({"num_format": "0%"}))
            elif value is not None:
                standard.write_number(r, c, value)
    workbook.close()
    return path


if __name__ == "__main__":
    import argparse
    import time

    parser = argparse.ArgumentParser(description="生成基准测试用的大台账（虚构数据）。")
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    write_ledger(args.output, args.rows, args.seed)
    print(f"{args.rows} 行，用时 {time.perf_counter() - start:.1f} 秒：{args.output}")
