"""A fifth corpus for `legalaid validate` (round 3): 部门决算公开表 sets of a county 法律援助中心 built from one
model of its year in 元 (with cents) and written the ways the earlier four corpora did not vary.

What varies (a `Look`): codes in one column (2040601), spaced in one column (204 06 01) or in 类 | 款 | 项 columns
showing only their own part; 合计 first or last; a 栏次 row of 1 2 3 … or none; numbers or text exported from
决算软件 ("1,234.56 " with a trailing space); 万元 with 2 decimals, every cell rounded from 元 on its own (so parts
differ from totals by 0.01) or 元; zeros as 0.00, "-" or blank; 收入支出决算总表 with 使用非财政拨款结余 / 年初结转和结余
/ 结余分配 / 年末结转和结余 all non-zero and 上缴上级支出 / 经营支出 zero columns; 支出决算表 with 基本支出 split into
小计 | 人员经费 | 公用经费; 基本支出决算表 as two side-by-side triples (人员经费 | 公用经费) or as a list with
合计 | 人员经费 | 公用经费 columns; 三公 across or by rows; empty 政府性基金 / 国有资本经营 tables published with
their full header, a 合计 row of zeros (or none) and a note "本单位无…，故此表为空表"; all tables on one sheet.

Planted slips (`planted_cases`): a wrong 合计, a 款 row that adds neither to its 类 nor from its 项, 总表 against
支出决算表, one cell in 元 in a 万元 table, a 三公 合计 not the sum of its parts, 基本支出 小计 ≠ 人员经费 + 公用经费,
a wrong 年末结转和结余 in 收入支出决算总表, a by-source line under 年末财政拨款结转和结余 not adding up to it.
Each records the cell(s) where it must be reported ("表!C7|表!D9" = either). Run as a script:
`python tests/budget_corpus_round3.py --measure` (precision / recall per kind) or `... OUT` (write the workbooks).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

D = Decimal
UNIT = "安澜县法律援助中心"
YEAR = 2024

# ---------------------------------------------------------------- the year in 元

NAMES = {"204": "公共安全支出", "20406": "司法", "2040601": "行政运行", "2040602": "一般行政管理事务",
         "2040610": "法律援助", "2040699": "其他司法支出",
         "208": "社会保障和就业支出", "20805": "行政事业单位养老支出", "2080505": "机关事业单位基本养老保险缴费支出",
         "2080506": "机关事业单位职业年金缴费支出", "20808": "抚恤", "2080801": "死亡抚恤",
         "210": "卫生健康支出", "21011": "行政事业单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助",
         "221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
         "229": "其他支出", "22960": "彩票公益金安排的支出", "2296013": "用于法律援助的彩票公益金支出"}
# leaf -> (人员经费, 公用经费, 项目支出), all funds
SPEND = {"2040601": (D("1286543.27"), D("192656.49"), D(0)), "2040602": (D(0), D(0), D("45678.91")),
         "2040610": (D(0), D(0), D("734215.55")), "2040699": (D(0), D(0), D(0)),
         "2080505": (D("154321.66"), D(0), D(0)), "2080506": (D("61728.67"), D(0), D(0)),
         "2080801": (D("38765.43"), D(0), D(0)), "2101102": (D("77160.83"), D(0), D(0)),
         "2101103": (D("23148.25"), D(0), D(0)), "2210201": (D("115740.99"), D(0), D(0))}
OTHER_INCOME = {"2040601": D("6200.00")}          # 其他收入, spent on 公用经费 of 行政运行
NONFISCAL_USED = {"2040601": D("3000.00")}        # 使用非财政拨款结余, spent on 公用经费 of 行政运行
CARRY_USED = {"2040610": D("52000.00")}           # 年初财政拨款结转 spent on 法律援助
CARRY_IN, FISCAL_CARRY_IN = D("96400.00"), D("80000.00")
FUND = {"2296013": D("63518.27")}          # 政府性基金 (中央专项彩票公益金) spent on legal aid projects, when a look has it
CLASSES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
           "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
           "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出",
           "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出"]
# economic classification of the fiscal basic spending; None = the rest of its group
PEOPLE = [("30101", "基本工资", D("512345.12")), ("30102", "津贴补贴", D("318765.48")), ("30103", "奖金", D("97310.00")),
          ("30107", "绩效工资", D("221456.73")), ("30108", "机关事业单位基本养老保险缴费", D("154321.66")),
          ("30109", "职业年金缴费", D("61728.67")), ("30110", "职工基本医疗保险缴费", D("77160.83")),
          ("30111", "公务员医疗补助缴费", D("23148.25")), ("30112", "其他社会保障缴费", D("9876.54")),
          ("30113", "住房公积金", D("115740.99")), ("30199", "其他工资福利支出", None),
          ("30302", "退休费", D("24000.00")), ("30304", "抚恤金", D("38765.43")), ("30309", "奖励金", D("1200.00"))]
PUBLIC = [("30201", "办公费", D("36210.55")), ("30202", "印刷费", D("8450.00")), ("30205", "水费", D("3126.40")),
          ("30206", "电费", D("11875.36")), ("30207", "邮电费", D("7640.00")), ("30211", "差旅费", D("21345.67")),
          ("30213", "维修（护）费", D("6500.00")), ("30215", "会议费", D("2800.00")), ("30216", "培训费", D("5300.00")),
          ("30217", "公务接待费", D("2964.00")), ("30228", "工会经费", D("16234.18")), ("30229", "福利费", D("10800.00")),
          ("30231", "公务用车运行维护费", D("18732.00")), ("30239", "其他交通费用", D("14400.00")),
          ("30299", "其他商品和服务支出", None), ("31002", "办公设备购置", D("7985.00"))]
SANGONG = {"预算数": (D(0), D(0), D("20000.00"), D("4000.00")), "决算数": (D(0), D(0), D("18732.00"), D("2964.00"))}


def tot(data: dict, code: str = "", idx: int | None = None) -> Decimal:
    vals = [v for c, v in data.items() if c.startswith(code)]
    return sum(((sum(v) if idx is None else v[idx]) if isinstance(v, tuple) else v for v in vals), D(0))


def fiscal(code: str, idx: int | None = None) -> Decimal:
    """一般公共预算财政拨款 spending: all funds less what 其他收入 and 非财政拨款结余 paid (公用经费 of 行政运行)."""
    if idx is None:
        return sum((fiscal(code, i) for i in range(3)), D(0))
    return tot(SPEND, code, idx) - ((tot(OTHER_INCOME, code) + tot(NONFISCAL_USED, code)) if idx == 1 else D(0))


def spend(code: str, idx: int | None, lk) -> Decimal:
    """All funds (with the 政府性基金 project spending when the look has it)."""
    fund = tot(FUND, code) if lk.fund and idx in (None, 2) else D(0)
    return tot(SPEND, code, idx) + fund


def fund(code: str, lk) -> Decimal:
    return tot(FUND, code) if lk.fund else D(0)


def fiscal_income(code: str = "") -> Decimal:
    return fiscal(code) - tot(CARRY_USED, code)


def econ() -> tuple[list, list]:
    """(人员经费 lines, 公用经费 lines) of the fiscal basic spending, the rest-of-group lines filled in."""
    out = []
    for rows, whole, rest in ((PEOPLE, fiscal("", 0), "30199"), (PUBLIC, fiscal("", 1), "30299")):
        known = sum((v for _, _, v in rows if v is not None), D(0))
        out.append([(c, n, whole - known if c == rest else v) for c, n, v in rows])
        assert whole - known > 0
    return out[0], out[1]


def groups(lines) -> list:
    """Economic lines with their group lines (301 工资福利支出 …) above them."""
    heads = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}
    out = []
    for g in sorted({c[:3] for c, _, _ in lines}):
        out.append((g, heads[g], sum((v for c, _, v in lines if c.startswith(g)), D(0))))
        out += [x for x in lines if x[0].startswith(g)]
    return out


# ---------------------------------------------------------------- how a unit writes it


@dataclass(frozen=True)
class Look:
    unit: str = "万元"
    text: bool = False            # text exported from 决算软件: "1,234.56 " (trailing space)
    zero: object = "0.00"         # how a zero is written: "0.00", "-", None (blank), 0
    codes: str = "one"            # one (2040601) | spaced (204 06 01) | split (类 | 款 | 项, own part only)
    total_last: bool = False
    marks: bool = True            # a 栏次 row (1, 2, 3 …) under the header
    one_sheet: bool = False
    basic_split: bool = False     # 支出决算表: 基本支出 as 小计 | 人员经费 | 公用经费
    econ_list: bool = False       # 基本支出决算表 as 科目 rows with 合计 | 人员经费 | 公用经费 columns
    sangong_rows: bool = False    # 三公 by rows (项目 | 预算数 | 决算数) instead of across
    empty_zeros: bool = True      # empty tables keep a 合计 row of zeros
    numeric_codes: bool = False   # codes stored as numbers (2040601, or 204 | 6 | 1), 合计 written "合　计"
    budget_columns: bool = False  # 一般公共预算财政拨款支出决算表 with 年初预算数 | 决算数 … | 决算数为年初预算数的%
    fund: bool = False            # 彩票公益金 (政府性基金) for legal aid: 公开08表 not empty

    @property
    def places(self) -> int:
        return 2

    def __call__(self, yuan: Decimal | None, *, zero_ok: bool = True):
        if yuan is None:
            return None
        if yuan == 0 and zero_ok:
            return {"0.00": "0.00" if self.text else 0.0}.get(self.zero, self.zero) if self.zero != 0 else 0
        v = (yuan / 10000 if self.unit == "万元" else yuan).quantize(D("0.01"), ROUND_HALF_UP)
        return f"{v:,} " if self.text else float(v)


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    at: dict = field(default_factory=dict)          # (table, line key, column key) -> "C7"

    def add(self, *cells) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def merge(self, r0, c0, r1, c1):
        self.merges.append((r0, c0, r1, c1))

    def put(self, table: str, key: str, values: dict, first_col: int, row: int):
        for k, (c, _) in enumerate(values.items()):
            self.at[(table, key, c)] = f"{get_column_letter(first_col + k)}{row}"

    def cell(self, a1: str):
        from openpyxl.utils.cell import coordinate_to_tuple
        r, c = coordinate_to_tuple(a1)
        row = self.rows[r - 1]
        row.extend([None] * (c - len(row)))
        return r - 1, c - 1


@dataclass
class Case:
    name: str
    sheets: list[Sheet]
    look: Look
    kind: str = ""
    planted: list[str] = field(default_factory=list)

    def where(self, table: str, key: str, col: str) -> str:
        for s in self.sheets:
            if (table, key, col) in s.at:
                return f"{s.name}!{s.at[(table, key, col)]}"
        raise KeyError((table, key, col))

    def change(self, place: str, value):
        name, a1 = place.split("!")
        s = next(s for s in self.sheets if s.name == name)
        r, c = s.cell(a1)
        s.rows[r][c] = value

    def value(self, place: str):
        name, a1 = place.split("!")
        s = next(s for s in self.sheets if s.name == name)
        r, c = s.cell(a1)
        return s.rows[r][c]

    def write(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for s in self.sheets:
            ws = wb.create_sheet(s.name)
            for r, row in enumerate(s.rows, 1):
                for c, v in enumerate(row, 1):
                    if v is not None:
                        cell = ws.cell(r, c, v)
                        if isinstance(v, float):
                            cell.number_format = "#,##0.00"
            for r0, c0, r1, c1 in s.merges:
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        wb.save(path)
        return path


def head(s: Sheet, title: str, number: str, width: int, lk: Look, prefix: str = f"{YEAR}年度") -> None:
    r = s.add(*([f"{prefix}{title}"] + [None] * (width - 1)))
    s.merge(r, 1, r, width)
    s.add(*([None] * (width - 1) + [number]))
    s.add(*([f"编制单位：{UNIT}"] + [None] * (width - 2) + [f"单位：{lk.unit}"]))


def mark_row(s: Sheet, lead: int, n: int, label="栏次"):
    s.add(*([label] + [None] * (lead - 1) + [str(i) for i in range(1, n + 1)]))
    s.merge(len(s.rows), 1, len(s.rows), lead)


def code_cells(code: str, lk: Look) -> list:
    if lk.numeric_codes:
        return [int(x) if x else None for x in code_cells(code, replace(lk, numeric_codes=False))]
    if lk.codes == "split":
        return [code if len(code) == 3 else None, code[3:5] if len(code) == 5 else None,
                code[5:] if len(code) == 7 else None]
    if lk.codes == "spaced":
        return [" ".join([code[:3]] + [code[i:i + 2] for i in range(3, len(code), 2)])]
    return [code]


def lead_of(lk: Look) -> int:
    return 4 if lk.codes == "split" else 2


def subject_table(s: Sheet, table: str, lk: Look, heads: list, values, codes: list[str], groups_row=None,
                  names: dict | None = None):
    """科目编码 | 科目名称 | amount heads (optionally under upper groups), 栏次, 合计 first or last, subject rows."""
    lead = lead_of(lk)
    top = (["科目编码", None, None, "科目名称"] if lk.codes == "split" else ["科目编码", "科目名称"])
    if groups_row:
        r = s.add(*(["项目"] + [None] * (lead - 1) + groups_row))
        s.merge(r, 1, r, lead)
        for i, g in enumerate(groups_row):
            if g is not None and (i + 1 >= len(groups_row) or groups_row[i + 1] is not None):
                s.merge(r, lead + 1 + i, r + (2 if lk.codes == "split" else 1), lead + 1 + i)
            elif g is not None:
                span = next((j for j in range(i + 1, len(groups_row)) if groups_row[j] is not None), len(groups_row))
                s.merge(r, lead + 1 + i, r, lead + span)
    r = s.add(*(top + heads))
    if lk.codes == "split":
        s.merge(r, 1, r, 3)
        s.merge(r, 4, r + 1, 4)
        s.add("类", "款", "项")
    if not groups_row:
        for i in range(len(heads)):
            s.merge(r, lead + 1 + i, len(s.rows), lead + 1 + i)
    if lk.marks:
        mark_row(s, lead, len(heads))

    def total_row():
        vals = values("")
        row = s.add(*(["合　计" if lk.numeric_codes else "合计"] + [None] * (lead - 1) + [lk(v) for v in vals]))
        s.merge(row, 1, row, lead)
        s.put(table, "合计", dict(zip(heads, vals)), lead + 1, row)
    if not lk.total_last:
        total_row()
    for code in codes:
        vals = values(code)
        row = s.add(*(code_cells(code, lk) + [(names or NAMES)[code]] + [lk(v) for v in vals]))
        s.put(table, code, dict(zip(heads, vals)), lead + 1, row)
    if lk.total_last:
        total_row()


SUBJECTS = sorted(NAMES)


def with_spend(code_list, of) -> list[str]:
    return [c for c in code_list if of(c) != 0 or len(c) == 7 and c.startswith("20406")]


# ---------------------------------------------------------------- the nine tables


def t01(s: Sheet, lk: Look):
    """收入支出决算总表: 项目 | 行次 | 金额 on each side, 本年收入合计 … 总计 at the bottom."""
    head(s, "收入支出决算总表", "公开01表", 6, lk)
    r = s.add("收入", None, None, "支出", None, None)
    s.merge(r, 1, r, 3)
    s.merge(r, 4, r, 6)
    s.add("项目", "行次", "金额", "项目", "行次", "金额")
    if lk.marks:
        s.add("栏次", None, "1", "栏次", None, "2")
    income = [("一、一般公共预算财政拨款收入", fiscal_income()), ("二、政府性基金预算财政拨款收入", fund("", lk)),
              ("三、国有资本经营预算财政拨款收入", D(0)), ("四、上级补助收入", D(0)), ("五、事业收入", D(0)),
              ("六、经营收入", D(0)), ("七、附属单位上缴收入", D(0)), ("八、其他收入", tot(OTHER_INCOME))]
    cls = {n: spend(c, None, lk) for c, n in NAMES.items() if len(c) == 3}
    out = [(f"{cn(i)}、{n}", cls.get(n, D(0))) for i, n in enumerate(CLASSES, 1)]
    n = max(len(income), len(out))
    income += [(None, None)] * (n - len(income))
    line = 1
    for (a, va), (b, vb) in zip(income, out):
        r = s.add(a, line if a else None, lk(va) if a else None, b, line + n + 4, lk(vb))
        if b:
            s.at[("01", b.split("、")[1], "金额")] = f"F{r}"
        line += 1
    year_in = fiscal_income() + tot(OTHER_INCOME) + fund("", lk)
    year_out = spend("", None, lk)
    total_in = year_in + tot(NONFISCAL_USED) + CARRY_IN
    carry_out = total_in - year_out
    s.add("本年收入合计", line, lk(year_in), "本年支出合计", line + n, lk(year_out))
    s.at[("01", "本年支出合计", "金额")] = f"F{len(s.rows)}"
    s.add("使用非财政拨款结余", line + 1, lk(tot(NONFISCAL_USED)), "结余分配", line + n + 1, lk(D(0)))
    r = s.add("年初结转和结余", line + 2, lk(CARRY_IN), "年末结转和结余", line + n + 2, lk(carry_out))
    s.at[("01", "年末结转和结余", "金额")] = f"F{r}"
    s.add("总计", line + 3, lk(total_in), "总计", line + n + 3, lk(total_in))


def cn(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def t02(s: Sheet, lk: Look):
    heads = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    head(s, "收入决算表", "公开02表", lead_of(lk) + len(heads), lk)

    def values(code):
        f, o = fiscal_income(code) + fund(code, lk), tot(OTHER_INCOME, code)
        return [f + o, f, D(0), D(0), D(0), D(0), o]
    subject_table(s, "02", lk, heads, values, with_spend(SUBJECTS, lambda c: spend(c, None, lk)))


def t03(s: Sheet, lk: Look):
    if lk.basic_split:
        heads = ["本年支出合计", "小计", "人员经费", "公用经费", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
        groups_row = ["本年支出合计", "基本支出", None, None, "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    else:
        heads = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
        groups_row = None
    head(s, "支出决算表", "公开03表", lead_of(lk) + len(heads), lk)

    def values(code):
        p, g, j = (spend(code, i, lk) for i in range(3))
        return [p + g + j] + ([p + g, p, g] if lk.basic_split else [p + g]) + [j, D(0), D(0), D(0)]
    subject_table(s, "03", lk, heads, values, with_spend(SUBJECTS, lambda c: spend(c, None, lk)), groups_row)


def t04(s: Sheet, lk: Look):
    """财政拨款收入支出决算总表: 收入 (项目 | 行次 | 金额) | 支出 (项目 | 行次 | 合计 | 一般公共预算 | 政府性基金 | 国有资本)."""
    head(s, "财政拨款收入支出决算总表", "公开04表", 9, lk)
    r = s.add("收入", None, None, "支出", None, None, None, None, None)
    s.merge(r, 1, r, 3)
    s.merge(r, 4, r, 9)
    s.add("项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
    if lk.marks:
        s.add("栏次", None, "1", "栏次", None, "2", "3", "4", "5")
    income = [("一、一般公共预算财政拨款", fiscal_income()), ("二、政府性基金预算财政拨款", fund("", lk)),
              ("三、国有资本经营预算财政拨款", D(0))]
    cls = {n: (fiscal(c), fund(c, lk)) for c, n in NAMES.items() if len(c) == 3}
    out = [(f"{cn(i)}、{n}", cls.get(n, (D(0), D(0)))) for i, n in enumerate(CLASSES, 1)]
    income += [(None, None)] * (len(out) - len(income))
    for i, ((a, va), (b, (vg, vf))) in enumerate(zip(income, out), 1):
        r = s.add(a, i if a else None, lk(va) if a else None, b, 30 + i, lk(vg + vf), lk(vg), lk(vf), lk(D(0)))
        s.at[("04", b.split("、")[1], "合计")] = f"F{r}"
    n = len(out)
    carry_out = FISCAL_CARRY_IN - tot(CARRY_USED)
    f = fund("", lk)
    rows = [("本年收入合计", fiscal_income() + f, "本年支出合计", fiscal("") + f),
            ("年初财政拨款结转和结余", FISCAL_CARRY_IN, "年末财政拨款结转和结余", carry_out),
            ("一般公共预算财政拨款", FISCAL_CARRY_IN, "一般公共预算财政拨款", carry_out),
            ("政府性基金预算财政拨款", D(0), "政府性基金预算财政拨款", D(0)),
            ("国有资本经营预算财政拨款", D(0), "国有资本经营预算财政拨款", D(0)),
            ("总计", fiscal_income() + f + FISCAL_CARRY_IN, "总计", fiscal("") + f + carry_out)]
    for k, (a, va, b, vb) in enumerate(rows):
        gp = vb if b != "政府性基金预算财政拨款" and b != "国有资本经营预算财政拨款" else D(0)
        gf = f if k in (0, 5) else D(0)
        r = s.add(a, n + k + 1, lk(va), b, 30 + n + k + 1, lk(vb), lk(gp - gf), lk(gf), lk(D(0)))
        if k == 2:      # 一般公共预算财政拨款 under 年末财政拨款结转和结余
            s.at[("04", "年末·一般公共预算财政拨款", "一般公共预算财政拨款")] = f"G{r}"


def t05(s: Sheet, lk: Look):
    heads = ["合计", "基本支出", "项目支出"]
    groups_row = None
    if lk.budget_columns:
        heads = ["年初预算数"] + heads + ["决算数为年初预算数的%"]
        groups_row = ["年初预算数", "决算数", None, None, "决算数为年初预算数的%"]
    head(s, "一般公共预算财政拨款支出决算表", "公开05表", lead_of(lk) + len(heads), lk)

    def values(code):
        p, g, j = (fiscal(code, i) for i in range(3))
        if not lk.budget_columns:
            return [p + g + j, p + g, j]
        plan = sum((initial_budget(c) for c in SPEND if c.startswith(code)), D(0))
        pct = ((p + g + j) / plan * 100).quantize(D("0.01"), ROUND_HALF_UP) if plan else None
        return [plan, p + g + j, p + g, j, pct * 10000 if pct and lk.unit == "万元" else pct]
    subject_table(s, "05", lk, heads, values, with_spend(SUBJECTS, lambda c: fiscal(c)), groups_row)


def initial_budget(leaf: str) -> Decimal:
    """年初预算数 of a leaf: its fiscal spending rounded up to the next 10,000 元 (less for 法律援助's carry-over)."""
    v = fiscal(leaf) - tot(CARRY_USED, leaf)
    return -(-v // 10000) * 10000 if v else D(0)


def t06(s: Sheet, lk: Look):
    people, public = econ()
    if lk.econ_list:
        heads = ["合计", "人员经费", "公用经费"]
        head(s, "一般公共预算财政拨款基本支出决算表", "公开06表", 5, lk)
        s.add("科目编码", "科目名称", *heads)
        if lk.marks:
            mark_row(s, 2, 3)
        rows = [(c, n, v, v, D(0)) for c, n, v in groups(people)] + [(c, n, v, D(0), v) for c, n, v in groups(public)]
        total = (fiscal("", 0) + fiscal("", 1), fiscal("", 0), fiscal("", 1))
        if not lk.total_last:
            r = s.add("合计", None, *[lk(v) for v in total])
            s.put("06", "合计", dict(zip(heads, total)), 3, r)
        for c, n, *vals in rows:
            r = s.add(c, n, *[lk(v) for v in vals])
            s.put("06", c, dict(zip(heads, vals)), 3, r)
        if lk.total_last:
            r = s.add("合计", None, *[lk(v) for v in total])
            s.put("06", "合计", dict(zip(heads, total)), 3, r)
        return
    head(s, "一般公共预算财政拨款基本支出决算表", "公开06表", 6, lk)
    r = s.add("人员经费", None, None, "公用经费", None, None)
    s.merge(r, 1, r, 3)
    s.merge(r, 4, r, 6)
    s.add("科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数")
    left, right = groups(people), groups(public)
    n = max(len(left), len(right))
    left += [(None, None, None)] * (n - len(left))
    right += [(None, None, None)] * (n - len(right))
    for (a, an, av), (b, bn, bv) in zip(left, right):
        s.add(a, an, lk(av), b, bn, lk(bv))
    r = s.add("人员经费合计", None, lk(fiscal("", 0)), "公用经费合计", None, lk(fiscal("", 1)))
    s.merge(r, 1, r, 2)
    s.merge(r, 4, r, 5)
    s.at[("06", "人员经费合计", "决算数")] = f"C{r}"


def t07(s: Sheet, lk: Look):
    if lk.sangong_rows:
        head(s, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 3, lk)
        s.add("项目", "预算数", "决算数")
        if lk.marks:
            s.add("栏次", "1", "2")
        b, a = SANGONG["预算数"], SANGONG["决算数"]
        lines = [("合计", sum(b), sum(a)), ("1.因公出国（境）费", b[0], a[0]),
                 ("2.公务用车购置及运行费", b[1] + b[2], a[1] + a[2]), ("（1）公务用车购置费", b[1], a[1]),
                 ("（2）公务用车运行费", b[2], a[2]), ("3.公务接待费", b[3], a[3])]
        for label, x, y in lines:
            r = s.add(label, lk(x), lk(y))
            s.put("07", label, {"预算数": x, "决算数": y}, 2, r)
        return
    head(s, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 12, lk)
    r = s.add("预算数", None, None, None, None, None, "决算数", None, None, None, None, None)
    s.merge(r, 1, r, 6)
    s.merge(r, 7, r, 12)
    sub = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    r = s.add(*(sub + sub))
    s.add(*([None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2))
    for k in (0, 6):
        for c in (1, 2, 6):
            s.merge(r, k + c, r + 1, k + c)
        s.merge(r, k + 3, r, k + 5)
    if lk.marks:
        s.add(*[str(i) for i in range(1, 13)])
    vals = []
    for which in ("预算数", "决算数"):
        o, b, run, h = SANGONG[which]
        vals += [o + b + run + h, o, b + run, b, run, h]
    r = s.add(*[lk(v) for v in vals])
    s.at[("07", "决算数", "合计")] = f"G{r}"


def t_empty(s: Sheet, lk: Look, title: str, number: str, heads: list, what: str):
    head(s, title, number, lead_of(lk) + len(heads), lk)
    subject_table(s, number, lk, heads, lambda code: [D(0)] * len(heads), [] if lk.empty_zeros else [])
    if not lk.empty_zeros:
        s.rows.pop()
        s.merges = [m for m in s.merges if m[0] <= len(s.rows)]
    s.add(f"注：本单位{YEAR}年度没有{what}，故此表为空表。")


def t08(s, lk):
    if lk.fund:
        heads = ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"]
        head(s, "政府性基金预算财政拨款收入支出决算表", "公开08表", lead_of(lk) + len(heads), lk)

        def values(code):
            v = fund(code, lk)
            return [D(0), v, v, D(0), v, D(0)]
        subject_table(s, "08", lk, heads, values, [c for c in SUBJECTS if fund(c, lk)])
        return
    t_empty(s, lk, "政府性基金预算财政拨款收入支出决算表", "公开08表",
            ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"],
            "使用政府性基金预算财政拨款安排的收入、支出和结转结余")


def t09(s, lk):
    t_empty(s, lk, "国有资本经营预算财政拨款支出决算表", "公开09表", ["合计", "基本支出", "项目支出"],
            "使用国有资本经营预算财政拨款安排的支出")


TABLES = [("公开01表", t01), ("公开02表", t02), ("公开03表", t03), ("公开04表", t04), ("公开05表", t05),
          ("公开06表", t06), ("公开07表", t07), ("公开08表", t08), ("公开09表", t09)]


def final_accounts(lk: Look, tables=None, one_name: str = "部门决算公开表") -> list[Sheet]:
    """The nine tables, one per sheet, or stacked on one sheet with two blank rows between them."""
    tables = tables or TABLES
    if not lk.one_sheet:
        out = []
        for name, make in tables:
            s = Sheet(name)
            make(s, lk)
            out.append(s)
        return out
    s = Sheet(one_name)
    for name, make in tables:
        part = Sheet(name)
        make(part, lk)
        off = len(s.rows)
        s.rows += part.rows + [[], []]
        s.merges += [(a + off, b, c + off, d) for a, b, c, d in part.merges]
        for k, a1 in part.at.items():
            col = "".join(ch for ch in a1 if ch.isalpha())
            s.at[k] = f"{col}{int(a1[len(col):]) + off}"
    return [s]


# ---------------------------------------------------------------- cases

LOOKS = {
    "万元_栏次_合计在前": Look(),
    "万元_文本导出_尾随空格_合计在后": Look(text=True, total_last=True, zero="-"),
    "万元_空格编码_基本支出分列": Look(codes="spaced", basic_split=True, zero=None),
    "万元_类款项分列_无栏次_三公竖排": Look(codes="split", marks=False, sangong_rows=True, empty_zeros=False),
    "元_文本导出_经济分类列表": Look(unit="元", text=True, econ_list=True, zero="0.00"),
    "万元_一张工作表_分列_经济分类列表在后": Look(one_sheet=True, codes="split", econ_list=True, total_last=True,
                                       zero=0),
    "元_一张工作表_空格编码_基本支出分列_三公竖排": Look(unit="元", one_sheet=True, codes="spaced", basic_split=True,
                                           sangong_rows=True, empty_zeros=False),
    "万元_数字编码_年初预算与完成率": Look(numeric_codes=True, budget_columns=True, zero=None),
    "元_数字分列编码_年初预算与完成率_合计在后": Look(unit="元", numeric_codes=True, codes="split", budget_columns=True,
                                         total_last=True, text=True, zero="-"),
    "万元_彩票公益金_政府性基金表有数": Look(fund=True, basic_split=True),
    "元_文本导出_彩票公益金_一张工作表_分列": Look(unit="元", text=True, fund=True, one_sheet=True, codes="split",
                                      zero="-"),
}


def consistent_cases() -> list[Case]:
    return [Case(name, final_accounts(lk), lk) for name, lk in LOOKS.items()]


def parse(v, lk: Look) -> Decimal:
    if v is None or v in ("-", "—") or v == "":
        return D(0)
    return D(v.replace(",", "").strip()) if isinstance(v, str) else D(repr(v))


def bump(case: Case, place: str, delta_yuan: Decimal):
    """A written amount changed by `delta_yuan` (元), kept in the cell's own form."""
    lk = case.look
    v = parse(case.value(place), lk) + (delta_yuan / 10000 if lk.unit == "万元" else delta_yuan)
    v = v.quantize(D("0.01"))
    case.change(place, f"{v:,} " if lk.text else float(v))


def planted_cases() -> list[Case]:
    out = []
    for name, lk in LOOKS.items():
        def case(kind):
            c = Case(f"{name}·{kind}", final_accounts(lk), lk, kind)
            out.append(c)
            return c

        c = case("合计错")
        p = c.where("03", "合计", "本年支出合计")
        bump(c, p, D("1000.00"))
        c.planted.append(p)

        c = case("款行与类、项不符")
        p = c.where("03", "20406", "本年支出合计")
        bump(c, p, D("-2000.00"))
        c.planted.append(p)

        c = case("总表与支出决算表不符")
        for cls, code, delta in (("卫生健康支出", "210", D("500.00")), ("住房保障支出", "221", D("-500.00"))):
            p = c.where("01", cls, "金额")
            bump(c, p, delta)
            c.planted.append(f"{p}|{c.where('03', code, '本年支出合计')}")

        if lk.unit == "万元":
            c = case("单格元写成万元")
            p = c.where("05", "2101102", "基本支出")
            c.change(p, f"{D('77160.83'):,} " if lk.text else 77160.83)
            c.planted.append(p)

        c = case("三公合计错")
        p = c.where("07", "合计", "决算数") if lk.sangong_rows else c.where("07", "决算数", "合计")
        bump(c, p, D("2000.00"))
        c.planted.append(p)

        c = case("基本支出不等于人员加公用")
        p = (c.where("03", "合计", "小计") if lk.basic_split else c.where("06", "合计", "人员经费") if lk.econ_list
             else c.where("06", "人员经费合计", "决算数"))
        bump(c, p, D("1000.00"))
        c.planted.append(p)

        c = case("年末结转和结余错")
        p = c.where("01", "年末结转和结余", "金额")
        bump(c, p, D("1000.00"))
        c.planted.append(p)

        if lk.fund:
            c = case("政府性基金表款行错")
            p = c.where("08", "22960", "本年收入")
            bump(c, p, D("1000.00"))
            c.planted.append(p)

        c = case("结转结余分项错")
        p = c.where("04", "年末·一般公共预算财政拨款", "一般公共预算财政拨款")
        bump(c, p, D("-700.00"))
        c.planted.append(p)
    return out


def hits(expected: str, finding: dict) -> bool:
    return f"{finding['sheet']}!{finding['cell']}" in expected.split("|")


def run_json(path: Path) -> dict:
    """`legalaid validate PATH --json` in process: the JSON document."""
    import contextlib
    import io
    import json

    from toolkit.cli import main as cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["validate", str(path), "--json"])
    text = out.getvalue()
    if code == 2 or not text.strip().startswith("{"):
        return {"errors": -1, "warnings": 0, "findings": [], "failed": (text + err.getvalue()).strip()[:300]}
    return json.loads(text)


def measure(folder: Path, verbose: bool = False, clean=None, planted=None) -> list[str]:
    """Consistent workbooks with 0 findings; per slip kind: recall (planted places reported exactly once as an
    error) and precision (findings at a planted place / all findings of the planted workbooks)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines, bad = [], []
    clean = consistent_cases() if clean is None else clean
    for c in clean:
        data = run_json(c.write(folder / f"{c.name}.xlsx"))
        if data["errors"] or data["warnings"]:
            bad.append(c.name)
            if verbose:
                lines += [f"  {c.name}: {f['severity']} {f['sheet']}!{f['cell']} {f['message'][:150]}"
                          for f in data["findings"]] or [f"  {c.name}: {data.get('failed')}"]
    lines.append(f"consistent: {len(clean) - len(bad)}/{len(clean)} with 0 findings")
    kinds: dict[str, list[int]] = {}
    for c in planted_cases() if planted is None else planted:
        data = run_json(c.write(folder / f"{c.name}.xlsx"))
        fs = data["findings"]
        k = kinds.setdefault(c.kind, [0, 0, 0, 0])
        k[1] += len(c.planted)
        ok = sum(1 for e in c.planted if [f["severity"] for f in fs if hits(e, f)] == ["error"])
        k[0] += ok
        k[2] += sum(1 for f in fs if any(hits(e, f) for e in c.planted))
        k[3] += len(fs)
        if verbose and (ok < len(c.planted) or len(fs) > len(c.planted)):
            lines.append(f"  {c.name}: planted {c.planted}")
            lines += [f"    {f['severity']} {f['sheet']}!{f['cell']} {f['message'][:150]}" for f in fs]
    for kind, (found, planted, right, total) in kinds.items():
        lines.append(f"{kind}: recall {found}/{planted}, precision {right}/{total}")
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(measure(Path(tmp), verbose="-v" in sys.argv)))
    else:
        target = Path(sys.argv[1] if len(sys.argv) > 1 else "budget_corpus_round3")
        target.mkdir(parents=True, exist_ok=True)
        for c in consistent_cases() + planted_cases():
            print(c.write(target / f"{c.name}.xlsx"), c.planted)
