"""A third, independent corpus for `legalaid validate`: 部门决算公开表 sets as a county 法律援助中心 publishes them,
written from the published layouts (2019+ 公开01–09表; looked up, never copied), with its own figures and wording.

What varies from workbook to workbook (a `Style`): 万元 with 2 or 4 decimals or 元 written as text with thousands
separators ("1,617,900.00"); zeros written blank, 0, "0.00" or "-"; one code column or 类 | 款 | 项 columns (the
款 row repeating its 类); names indented with full-width spaces; the unit in a 金额单位 cell at the right of the
编制单位 line or in its own line; zero subject rows hidden; the nine tables one per sheet or all stacked on one
sheet; a 司法局-style set (code and name in one cell "2040601 行政运行", 合计 at the bottom, a 总表 without 行次, the
unit inside the title "（单位：万元）", 基本支出 by economic rows with 合计 | 人员经费 | 公用经费, 三公 by rows with
其中); a set whose 支出决算表 alone is in 元 (and says so). Tables: the full 收入支出决算总表 (25 functional
classes, 行次 numbers on blank rows), 收入决算表, 支出决算表, 财政拨款收入支出决算总表 (年初/年末 by source), 一般公共预算财政拨款支出决算表, …基本支出决算表 (three code | name |
决算数 triples, 307 / 399 lines empty), 三公 (horizontal), and 政府性基金 / 国有资本经营 tables marked 本表无数据.

Planted slips (`planted_cases`) come in the kinds the issue names; each case records the cell(s) where the slip
must be reported ("表!C7|表!D9" = either). Run as a script to write the workbooks: `python tests/budget_corpus_fresh.py OUT`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple as rc   # 'C7' → (7, 3)

D = Decimal
UNIT = "清溪县法律援助中心"

# ---------------------------------------------------------------- the figures (元, with cents)

SUBJECTS = [("204", "公共安全支出"), ("20406", "司法"), ("2040601", "行政运行"), ("2040604", "基层司法业务"),
            ("2040610", "法律援助"), ("2040699", "其他司法支出"),
            ("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"),
            ("2080505", "机关事业单位基本养老保险缴费支出"), ("2080506", "机关事业单位职业年金缴费支出"),
            ("210", "卫生健康支出"), ("21011", "行政事业单位医疗"), ("2101101", "行政单位医疗"),
            ("221", "住房保障支出"), ("22102", "住房改革支出"), ("2210201", "住房公积金")]
# leaf -> (人员经费, 公用经费, 项目支出), all funds
SPEND = {"2040601": (D("1023456.78"), D("156789.10"), D(0)), "2040604": (D(0), D(0), D("88000.00")),
         "2040610": (D(0), D(0), D("612345.60")), "2040699": (D(0), D(0), D(0)),
         "2080505": (D("123456.00"), D(0), D(0)), "2080506": (D("49382.40"), D(0), D(0)),
         "2101101": (D("61728.00"), D(0), D(0)), "2210201": (D("92592.00"), D(0), D(0))}
OTHER = {"2040601": D("8000.00")}          # 其他收入, spent on 公用经费 of 行政运行
USED_CARRY = {"2040610": D("50000.00")}    # 年初财政拨款结转 spent this year
CARRY_IN = D("73500.00")                   # all funds; of which 财政拨款 50,000.00
FISCAL_CARRY_IN = D("50000.00")
CLASSES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
           "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
           "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出",
           "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出",
           "债务还本支出", "债务付息支出"]
ECON_P = [("301", "工资福利支出"), ("30101", "基本工资", D("412345.00")), ("30102", "津贴补贴", D("298760.50")),
          ("30103", "奖金", D("86420.00")), ("30108", "机关事业单位基本养老保险缴费", D("123456.00")),
          ("30109", "职业年金缴费", D("49382.40")), ("30110", "职工基本医疗保险缴费", D("61728.00")),
          ("30113", "住房公积金", D("92592.00")), ("30199", "其他工资福利支出", None),
          ("303", "对个人和家庭的补助"), ("30302", "退休费", D("120000.00")), ("30305", "生活补助", D("8600.00"))]
ECON_G = [("302", "商品和服务支出"), ("30201", "办公费", D("32100.50")), ("30205", "水费", D("2400.00")),
          ("30206", "电费", D("9800.00")), ("30207", "邮电费", D("6300.00")), ("30211", "差旅费", D("18650.00")),
          ("30213", "维修（护）费", D("5000.00")), ("30216", "培训费", D("4200.00")),
          ("30217", "公务接待费", D("3160.00")), ("30228", "工会经费", D("14500.00")),
          ("30229", "福利费", D("9000.00")), ("30231", "公务用车运行维护费", D("21600.00")),
          ("30239", "其他交通费用", D("12000.00")), ("30299", "其他商品和服务支出", None),
          ("307", "债务利息及费用支出"), ("310", "资本性支出"), ("31002", "办公设备购置", D("6500.00")),
          ("399", "其他支出")]
SANGONG_BUDGET = (D(0), D(0), D("25000.00"), D("5000.00"))   # 出国, 购置, 运行, 接待
SANGONG_ACTUAL = (D(0), D(0), D("21600.00"), D("3160.00"))


def total(data: dict, code: str = "", idx: int | None = None) -> Decimal:
    vals = [v for c, v in data.items() if c.startswith(code)]
    return sum(((sum(v) if idx is None else v[idx]) if isinstance(v, tuple) else v for v in vals), D(0))


def fiscal(code: str, idx: int) -> Decimal:
    """一般公共预算财政拨款 spending of a subject: all funds less what 其他收入 paid (公用经费 of 行政运行)."""
    return total(SPEND, code, idx) - (total(OTHER, code) if idx == 1 else D(0))


def income(code: str = "") -> tuple[Decimal, Decimal]:
    """(财政拨款收入, 其他收入) of a subject: spending less the carry-over used, less 其他收入."""
    spent, other = total(SPEND, code), total(OTHER, code)
    return spent - other - total(USED_CARRY, code), other


def econ_lists() -> tuple[list, list]:
    people = fiscal("", 0)
    public = fiscal("", 1)
    p = [list(x) for x in ECON_P]
    g = [list(x) for x in ECON_G]
    for rows, whole in ((p, people), (g, public)):
        known = sum((r[2] for r in rows if len(r) > 2 and r[2] is not None), D(0))
        for r in rows:
            if len(r) > 2 and r[2] is None:
                r[2] = whole - known
                assert r[2] > 0
        for r in rows:
            if len(r) == 2:
                r.append(sum((x[2] for x in rows if len(x) > 2 and len(x[0]) > 3 and x[0].startswith(r[0])), D(0)))
    return [tuple(r) for r in p], [tuple(r) for r in g]


# ---------------------------------------------------------------- sheets


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formats: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)

    def add(self, *cells) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def merge(self, r0, c0, r1, c1):
        self.merges.append((r0, c0, r1, c1))

    def find(self, label: str, col: int, nth: int = 0, start: int = 1) -> str:
        """A1 address in column `col` of the row whose some cell reads `label` (stripped), from row `start`."""
        hits = [r for r, row in enumerate(self.rows, 1) if r >= start
                and any(isinstance(v, str) and v.strip() == label for v in row)]
        return f"{get_column_letter(col)}{hits[nth]}"

    def row_of(self, text: str, start: int = 1) -> int:
        return next(r for r, row in enumerate(self.rows, 1) if r >= start
                    and any(isinstance(v, str) and v.strip() == text for v in row))

    def get(self, a1: str):
        r, c = rc(a1)
        row = self.rows[r - 1]
        return row[c - 1] if c <= len(row) else None

    def set(self, a1: str, value):
        r, c = rc(a1)
        row = self.rows[r - 1]
        row.extend([None] * (c - len(row)))
        row[c - 1] = value


@dataclass
class Case:
    name: str
    sheets: list[Sheet]
    style: "Style"
    kind: str = ""                                        # the slip kind ("" = consistent)
    planted: list[str] = field(default_factory=list)      # "表!C7|表!D9": where the slip must be reported

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def write(self, path: Path) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for s in self.sheets:
            ws = wb.create_sheet(s.name)
            for r, row in enumerate(s.rows, 1):
                for c, v in enumerate(row, 1):
                    if v is None:
                        continue
                    cell = ws.cell(r, c, v)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        cell.number_format = self.style.number_format
            for r0, c0, r1, c1 in s.merges:
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
            for r in s.hidden:
                ws.row_dimensions[r].hidden = True
        wb.save(path)
        return path


class Style:
    """How one unit writes its tables."""

    def __init__(self, unit="万元", places=2, text=False, zero="blank", split=False, indent=False,
                 unit_cell=True, hide_zero=False, one_sheet=False, bureau=False):
        self.unit, self.places, self.text, self.zero, self.split = unit, places, text, zero, split
        self.indent, self.unit_cell, self.hide_zero, self.one_sheet = indent, unit_cell, hide_zero, one_sheet
        # a 司法局-style set: code and name in one cell, 合计 at the bottom, no 行次 column, the unit in the title,
        # the basic-spending table by economic rows (合计 | 人员经费 | 公用经费), the 三公 table by rows
        self.bureau = bureau

    def like(self, **changes) -> "Style":
        new = Style()
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    @property
    def number_format(self) -> str:
        return "#,##0." + "0" * self.places

    def __call__(self, yuan: Decimal | None, unit: str | None = None):
        unit = unit or self.unit
        if yuan is None:
            return None
        if yuan == 0:
            return {"blank": None, "0": 0}.get(self.zero, self.zero)     # "0.00", "-", "—", "——" as written
        v = yuan / 10000 if unit == "万元" else yuan
        v = v.quantize(D(1).scaleb(-self.places), ROUND_HALF_UP)
        return f"{v:,}" if self.text else float(v)

    def unit_text(self, unit: str | None = None) -> str:
        unit = unit or self.unit
        return f"金额单位：{unit}" if self.unit_cell else f"单位:{unit}"


def head(s: Sheet, title: str, number: str, width: int, st: Style, unit: str | None = None) -> int:
    """Title (merged), 表号, 编制单位 and the unit; returns the first row of the table's own header."""
    if st.bureau:       # 清溪县司法局2024年度支出决算表（单位：万元）, then 编制单位 alone
        r = s.add(*([f"{title}（单位：{unit or st.unit}）"] + [None] * (width - 1)))
        s.merge(r, 1, r, width)
        s.add(*([f"编制单位：{UNIT}"] + [None] * (width - 2) + [number]))
        return len(s.rows) + 1
    r = s.add(*([title] + [None] * (width - 1)))
    s.merge(r, 1, r, width)
    s.add(*([None] * (width - 1) + [number]))
    if st.unit_cell:
        s.add(*([f"编制单位：{UNIT}"] + [None] * (width - 2) + [st.unit_text(unit)]))
    else:
        s.add(f"编制单位：{UNIT}")
        s.add(*([None] * (width - 1) + [st.unit_text(unit)]))
    return len(s.rows) + 1


def lead_of(st: Style) -> int:
    return 1 if st.bureau else 4 if st.split else 2


def name_of(code: str, name: str, st: Style) -> str:
    return ("\u3000" * ((len(code) - 3) // 2) + name) if st.indent else name


def zero_row(values) -> bool:
    return all(v is None or v == 0 or v in ("-", "0.00") for v in values)


# ---------------------------------------------------------------- 01 收入支出决算总表


def cn_num(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def class_amount(name: str, of) -> Decimal:
    code = next((c for c, n in SUBJECTS if n == name and len(c) == 3), None)
    return of(code) if code else D(0)


def table01(st: Style, s: Sheet) -> Sheet:
    if st.bureau:
        return table01_plain(st, s)
    r0 = head(s, f"{UNIT}2024年度收入支出决算总表", "公开01表", 6, st)
    s.add("收入", None, None, "支出", None, None)
    s.merge(r0, 1, r0, 3)
    s.merge(r0, 4, r0, 6)
    s.add("项目", "行次", "金额", "项目", "行次", "金额")
    s.add("栏次", None, "1", "栏次", None, "2")
    fi, oi = income()
    items = [("一、一般公共预算财政拨款收入", fi), ("二、政府性基金预算财政拨款收入", D(0)),
             ("三、国有资本经营预算财政拨款收入", D(0)), ("四、上级补助收入", D(0)), ("五、事业收入", D(0)),
             ("六、经营收入", D(0)), ("七、附属单位上缴收入", D(0)), ("八、其他收入", oi)]
    n = len(CLASSES)
    for i, cls in enumerate(CLASSES):
        left = [items[i][0], i + 1, st(items[i][1])] if i < len(items) else [None, i + 1, None]
        s.add(*left, f"{cn_num(i + 1)}、{cls}", 32 + i, st(class_amount(cls, lambda c: total(SPEND, c))))
    tin, tout = fi + oi, total(SPEND)
    s.add("本年收入合计", n + 1, st(tin), "本年支出合计", 32 + n, st(tout))
    s.add("使用非财政拨款结余", n + 2, st(D(0)), "结余分配", 33 + n, st(D(0)))
    s.add("年初结转和结余", n + 3, st(CARRY_IN), "年末结转和结余", 34 + n, st(CARRY_IN + tin - tout))
    s.add(None, n + 4, None, None, 35 + n, None)
    s.add("总计", n + 5, st(tin + CARRY_IN), "总计", 36 + n, st(tin + CARRY_IN))
    s.add("注：本表反映部门本年度的总收支和年末结转结余情况。")
    return s


def table01_plain(st: Style, s: Sheet) -> Sheet:
    """收入支出决算总表 without 行次: 收入 | 金额 | 支出 | 金额, only the classes the unit has, blank rows padded."""
    head(s, f"{UNIT}2024年度收入支出决算总表", "公开01表", 4, st)
    r = s.add("收入", None, "支出", None)
    s.merge(r, 1, r, 2)
    s.merge(r, 3, r, 4)
    s.add("项目", "决算数", "项目", "决算数")
    fi, oi = income()
    items = [("一、一般公共预算财政拨款收入", fi), ("二、其他收入", oi)]
    used = [n for n in CLASSES if class_amount(n, lambda c: total(SPEND, c))]
    for i, cls in enumerate(used):
        left = [items[i][0], st(items[i][1])] if i < len(items) else [None, None]
        s.add(*left, f"{cn_num(i + 1)}、{cls}", st(class_amount(cls, lambda c: total(SPEND, c))))
    tin, tout = fi + oi, total(SPEND)
    s.add("本年收入合计", st(tin), "本年支出合计", st(tout))
    s.add("年初结转和结余", st(CARRY_IN), "年末结转和结余", st(CARRY_IN + tin - tout))
    s.add("收入总计", st(tin + CARRY_IN), "支出总计", st(tin + CARRY_IN))
    return s


# ---------------------------------------------------------------- 02 / 03 / 05 by subject


def subject_header(s: Sheet, st: Style, heads: list[str], groups: list | None = None) -> int:
    """项目 over (科目编码 | 科目名称) or (类 | 款 | 项 under 科目编码 | 科目名称), amount heads, then 栏次."""
    r0 = len(s.rows) + 1
    if st.bureau:       # one label column 功能分类科目 ("2040601 行政运行"), group row above if any, no 栏次
        if groups:
            s.add("功能分类科目", *[g or h for g, h in zip(groups, heads)])
            s.add(None, *[h if g else None for g, h in zip(groups, heads)])
            s.merge(r0, 1, r0 + 1, 1)
            for i, g in enumerate(groups):
                if g is None:
                    s.merge(r0, 2 + i, r0 + 1, 2 + i)
            first = next(i for i, g in enumerate(groups) if g)
            last = max(i for i, g in enumerate(groups) if g)
            s.merge(r0, 2 + first, r0, 2 + last)
        else:
            s.add("功能分类科目", *heads)
        return 1
    lead = 4 if st.split else 2
    up = groups or [None] * len(heads)
    rows = [["项目"] + [None] * (lead - 1), (["科目编码", None, None, "科目名称"] if st.split else ["科目编码", "科目名称"])]
    if st.split:
        rows.append(["类", "款", "项", None])
    for h, g in zip(heads, up):
        rows[0].append(g or h)
        rows[1].append(h if g else None)
        if st.split:
            rows[2].append(None)
    for row in rows:
        s.add(*row)
    last = r0 + len(rows) - 1
    s.merge(r0, 1, r0, lead)
    if st.split:
        s.merge(r0 + 1, 1, r0 + 1, 3)
        s.merge(r0 + 1, 4, last, 4)
    for i, (h, g) in enumerate(zip(heads, up)):
        c = lead + 1 + i
        if g is None:
            s.merge(r0, c, last, c)
        else:
            if i == 0 or up[i - 1] != g:
                j = i
                while j + 1 < len(up) and up[j + 1] == g:
                    j += 1
                s.merge(r0, c, r0, lead + 1 + j)
            s.merge(r0 + 1, c, last, c)
    s.add(*(["栏次"] + [None] * (lead - 1) + [str(i + 1) for i in range(len(heads))]))
    s.merge(last + 1, 1, last + 1, lead)
    return lead


def subject_rows(s: Sheet, st: Style, values, total_label="合计"):
    if st.bureau:       # "2040601 行政运行", 合计 at the bottom
        for code, name in SUBJECTS:
            cells = [st(v) for v in values(code)]
            if not zero_row(cells):
                s.add(f"{code} {name}", *cells)
        s.add(total_label, *[st(v) for v in values("")])
        return
    lead = 4 if st.split else 2
    r = s.add(*([total_label] + [None] * (lead - 1) + [st(v) for v in values("")]))
    s.merge(r, 1, r, lead)
    for code, name in SUBJECTS:
        cells = [st(v) for v in values(code)]
        if st.split:
            parts = [code[:3], code[3:5] or None, code[5:7] or None]
            r = s.add(*parts, name_of(code, name, st), *cells)
        else:
            r = s.add(code, name_of(code, name, st), *cells)
        if st.hide_zero and zero_row(cells):
            s.hidden.add(r)


def table02(st: Style, s: Sheet) -> Sheet:
    heads = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    head(s, f"{UNIT}2024年度收入决算表", "公开02表", lead_of(st) + len(heads), st)
    subject_header(s, st, heads)

    def values(code):
        f, o = income(code)
        return [f + o, f, D(0), D(0), D(0), D(0), o]
    subject_rows(s, st, values)
    s.add("注：本表反映部门本年度取得的各项收入情况。")
    return s


def table03(st: Style, s: Sheet, unit: str | None = None, declared: str | None = None) -> Sheet:
    heads = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    head(s, f"{UNIT}2024年度支出决算表", "公开03表", lead_of(st) + len(heads), st, declared)
    subject_header(s, st, heads)

    def values(code):
        p, g, j = (total(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j, D(0), D(0), D(0)]
    subject_rows(s, st.like(unit=unit or st.unit), values)
    s.add("注：本表反映部门本年度各项支出情况。")
    return s


def table05(st: Style, s: Sheet) -> Sheet:
    head(s, f"{UNIT}2024年度一般公共预算财政拨款支出决算表", "公开05表", lead_of(st) + 3, st)
    subject_header(s, st, ["小计", "基本支出", "项目支出"], ["本年支出"] * 3)

    def values(code):
        p, g, j = (fiscal(code, i) for i in range(3))
        return [p + g + j, p + g, j]
    subject_rows(s, st, values)
    s.add("注：本表反映部门本年度一般公共预算财政拨款实际支出情况。")
    return s


# ---------------------------------------------------------------- 04 财政拨款收入支出决算总表


def table04(st: Style, s: Sheet) -> Sheet:
    r0 = head(s, f"{UNIT}2024年度财政拨款收入支出决算总表", "公开04表", 9, st)
    s.add("收入", None, None, "支出", None, None, None, None, None)
    s.merge(r0, 1, r0, 3)
    s.merge(r0, 4, r0, 9)
    s.add("项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
          "国有资本经营预算财政拨款")
    s.add("栏次", None, "1", "栏次", None, "2", "3", "4", "5")
    fi, _ = income()
    left = [("一、一般公共预算财政拨款", fi), ("二、政府性基金预算财政拨款", D(0)), ("三、国有资本经营预算财政拨款", D(0))]
    n = len(CLASSES)
    for i, cls in enumerate(CLASSES):
        lc = [left[i][0], i + 1, st(left[i][1])] if i < len(left) else [None, i + 1, None]
        v = class_amount(cls, lambda c: fiscal(c, 0) + fiscal(c, 1) + fiscal(c, 2))
        s.add(*lc, f"{cn_num(i + 1)}、{cls}", 32 + i, st(v), st(v), st(D(0)), st(D(0)))
    spent = sum((fiscal("", i) for i in range(3)), D(0))
    out = FISCAL_CARRY_IN + fi - spent
    s.add("本年收入合计", n + 1, st(fi), "本年支出合计", 32 + n, st(spent), st(spent), st(D(0)), st(D(0)))
    s.add("年初财政拨款结转和结余", n + 2, st(FISCAL_CARRY_IN), "年末财政拨款结转和结余", 33 + n, st(out), st(out),
          st(D(0)), st(D(0)))
    s.add("一般公共预算财政拨款", n + 3, st(FISCAL_CARRY_IN), None, 34 + n, None, None, None, None)
    s.add("政府性基金预算财政拨款", n + 4, st(D(0)), None, 35 + n, None, None, None, None)
    s.add("国有资本经营预算财政拨款", n + 5, st(D(0)), None, 36 + n, None, None, None, None)
    s.add("总计", n + 6, st(fi + FISCAL_CARRY_IN), "总计", 37 + n, st(spent + out), st(spent + out), st(D(0)),
          st(D(0)))
    return s


# ---------------------------------------------------------------- 06 基本支出, 07 三公, 08/09 empty


def table06(st: Style, s: Sheet) -> Sheet:
    people, public = econ_lists()
    if st.bureau:       # economic rows, 合计 | 人员经费 | 公用经费, 合计 at the top
        head(s, f"{UNIT}2024年度一般公共预算财政拨款基本支出决算表", "公开06表", 5, st)
        s.add("科目编码", "科目名称", "合计", "人员经费", "公用经费")
        s.add("合计", None, st(fiscal("", 0) + fiscal("", 1)), st(fiscal("", 0)), st(fiscal("", 1)))
        for rows, k in ((people, 0), (public, 1)):
            for code, name, v in rows:
                if v:
                    s.add(code, name, st(v), st(v) if k == 0 else st(D(0)), st(v) if k == 1 else st(D(0)))
        return s
    head(s, f"{UNIT}2024年度一般公共预算财政拨款基本支出决算表", "公开06表", 9, st)
    r0 = s.add("人员经费", None, None, "公用经费", None, None, None, None, None)
    s.merge(r0, 1, r0, 3)
    s.merge(r0, 4, r0, 9)
    s.add("科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数")
    mid, right = public[:12], public[12:]
    for i in range(max(len(people), len(mid), len(right))):
        row = []
        for part in (people, mid, right):
            if i < len(part):
                code, name, v = part[i]
                row += [code, name, st(v)]
            else:
                row += [None, None, None]
        s.add(*row)
    r = s.add("人员经费合计", None, st(fiscal("", 0)), "公用经费合计", None, None, None, None, st(fiscal("", 1)))
    s.merge(r, 1, r, 2)
    s.merge(r, 4, r, 8)
    s.add("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")
    return s


def table07(st: Style, s: Sheet) -> Sheet:
    if st.bureau:       # by rows: 合计, 1. 2. with 其中 (1) (2), 3.; 预算数 | 决算数
        head(s, f"{UNIT}2024年度一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 3, st)
        s.add("项目", "预算数", "决算数")
        (a0, b0, r0_, c0), (a1, b1, r1_, c1) = SANGONG_BUDGET, SANGONG_ACTUAL
        s.add("合计", st(a0 + b0 + r0_ + c0), st(a1 + b1 + r1_ + c1))
        s.add("1.因公出国（境）费", st(a0), st(a1))
        s.add("2.公务用车购置及运行费", st(b0 + r0_), st(b1 + r1_))
        s.add("其中：（1）公务用车购置费", st(b0), st(b1))
        s.add("（2）公务用车运行费", st(r0_), st(r1_))
        s.add("3.公务接待费", st(c0), st(c1))
        return s
    head(s, f"{UNIT}2024年度一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 12, st)
    r0 = s.add("预算数", None, None, None, None, None, "决算数", None, None, None, None, None)
    sub = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    s.add(*(sub + sub))
    s.add(*([None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2))
    s.add(*[str(i) for i in range(1, 13)])
    for k in (0, 6):
        s.merge(r0, 1 + k, r0, 6 + k)
        for c in (1, 2, 6):
            s.merge(r0 + 1, c + k, r0 + 2, c + k)
        s.merge(r0 + 1, 3 + k, r0 + 1, 5 + k)
    row = []
    for a, b, run, rec in (SANGONG_BUDGET, SANGONG_ACTUAL):
        row += [st(a + b + run + rec), st(a), st(b + run), st(b), st(run), st(rec)]
    s.add(*row)
    s.add("注：本单位2024年度无因公出国（境）费和公务用车购置费支出。")
    return s


def table_empty(st: Style, s: Sheet, title: str, number: str, dash_total: bool) -> Sheet:
    head(s, f"{UNIT}2024年度{title}", number, 8, st)
    r0 = s.add("项目", None, "年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余")
    s.add("科目编码", "科目名称", None, None, "小计", "基本支出", "项目支出", None)
    s.merge(r0, 1, r0, 2)
    s.merge(r0, 5, r0, 7)
    for c in (3, 4, 8):
        s.merge(r0, c, r0 + 1, c)
    s.add("栏次", None, *[str(i) for i in range(1, 7)])
    r = s.add("合计", None, *(["-"] * 6 if dash_total else [None] * 6))
    s.merge(r, 1, r, 2)
    r = s.add("本表无数据")
    s.merge(r, 1, r, 8)
    s.add(f"注：本单位2024年度没有{title[:-5]}，故本表为空表。")
    return s


# ---------------------------------------------------------------- workbooks

TABLES = [("公开01表", table01), ("公开02表", table02), ("公开03表", table03), ("公开04表", table04),
          ("公开05表", table05), ("公开06表", table06), ("公开07表", table07)]


def public_set(st: Style, spend_unit: str | None = None, declared: str | None = None) -> list[Sheet]:
    """The nine tables, one per sheet or stacked on one sheet with a blank row between tables; `spend_unit`: the
    unit the 支出决算表's figures are written in, `declared`: the unit its header states (both default to the set's)."""
    makers = [(n, (lambda st, s, f=f: f(st, s, spend_unit, declared)) if f is table03 else f) for n, f in TABLES]
    makers += [("公开08表", lambda st, s: table_empty(st, s, "政府性基金预算财政拨款收入支出决算表", "公开08表", False)),
               ("公开09表", lambda st, s: table_empty(st, s, "国有资本经营预算财政拨款收入支出决算表", "公开09表",
                                                   st.zero == "-"))]
    if not st.one_sheet:
        return [f(st, Sheet(n)) for n, f in makers]
    s = Sheet("部门决算公开表")
    for i, (_, f) in enumerate(makers):
        if i:
            s.add()
            s.add()
        base = len(s.rows)
        part = f(st, Sheet("tmp"))
        s.rows += part.rows
        s.merges += [(a + base, b, c + base, d) for a, b, c, d in part.merges]
        s.hidden |= {r + base for r in part.hidden}
    return [s]


STYLES = {
    "万元_两位_空白零": Style("万元", 2),
    "万元_四位_横杠零_缩进": Style("万元", 4, zero="-", indent=True),
    "元_文本千分位_零为0.00_分列编码": Style("元", 2, text=True, zero="0.00", split=True),
    "万元_分列编码_隐藏零行_单位另行": Style("万元", 2, zero="0", split=True, hide_zero=True, unit_cell=False),
    "万元_一张工作表": Style("万元", 2, one_sheet=True),
    "元_一张工作表_分列_横杠": Style("元", 2, zero="-", split=True, one_sheet=True),
    "司法局式_万元_标题带单位": Style("万元", 2, zero="0", bureau=True),
    "司法局式_元_文本_一张工作表": Style("元", 2, text=True, bureau=True, one_sheet=True),
}


def consistent_cases() -> list[Case]:
    """Every style, plus a set whose 支出决算表 alone is in 元 (and says so) while the rest are in 万元."""
    return [Case(name, public_set(st), st) for name, st in STYLES.items()] + \
        [Case("万元_支出表为元", public_set(STYLES["万元_两位_空白零"], "元", "元"), STYLES["万元_两位_空白零"]),
         Case("司法局式_支出表为元", public_set(STYLES["司法局式_万元_标题带单位"], "元", "元"),
              STYLES["司法局式_万元_标题带单位"])]


# ---------------------------------------------------------------- planted slips


def bump(v, delta_yuan: Decimal, st: Style, unit: str | None = None):
    """A written amount changed by `delta_yuan` (元), kept in the cell's own form."""
    unit = unit or st.unit
    delta = delta_yuan / 10000 if unit == "万元" else delta_yuan
    if v in (None, "-", "—", "——", "－", "0.00", 0):
        old = D(0)
    elif isinstance(v, str):
        old = D(v.replace(",", ""))
    else:
        old = D(str(v))
    new = (old + delta).quantize(D(1).scaleb(-st.places), ROUND_HALF_UP)
    return f"{new:,}" if st.text else float(new)


def locate(case: Case, table: str) -> tuple[Sheet, int]:
    """The sheet holding a table (公开03表 …) and the row its title is on (1 if one table a sheet)."""
    if not case.style.one_sheet:
        return case.sheet(table), 1
    s = case.sheets[0]
    title = {"公开01表": "收入支出决算总表", "公开02表": "收入决算表", "公开03表": "支出决算表",
             "公开04表": "财政拨款收入支出决算总表", "公开05表": "一般公共预算财政拨款支出决算表",
             "公开06表": "一般公共预算财政拨款基本支出决算表", "公开07表": "一般公共预算财政拨款“三公”经费支出决算表"}[table]
    r = next(i for i, row in enumerate(s.rows, 1) if row and isinstance(row[0], str)
             and row[0].split("（单位")[0] == f"{UNIT}2024年度{title}")
    return s, r


def code_row(s: Sheet, code: str, start: int, st: Style) -> int:
    for r in range(start, len(s.rows) + 1):
        row = s.rows[r - 1]
        if st.bureau:
            if row and isinstance(row[0], str) and row[0].startswith(f"{code} "):
                return r
        elif st.split:
            parts = [code[:3], code[3:5] or None, code[5:7] or None]
            if row[:3] == parts:
                return r
        elif row and row[0] == code:
            return r
    raise KeyError(code)


def class_label(s: Sheet, name: str, start: int) -> str:
    """The numbered label of a functional class in a 总表 ("八、社会保障和就业支出")."""
    return next(v for row in s.rows[start - 1:] for v in row if isinstance(v, str) and v.endswith(f"、{name}"))


def total_row(s: Sheet, start: int) -> int:
    return next(r for r in range(start, len(s.rows) + 1) if s.rows[r - 1] and s.rows[r - 1][0] == "合计")


def amount_col(st: Style, k: int) -> int:
    """1-based column of the k-th amount column (0-based) of a subject table."""
    return lead_of(st) + 1 + k


def planted_cases() -> list[Case]:
    out: list[Case] = []
    for name, st in STYLES.items():
        lead_case = lambda kind: Case(f"{name}·{kind}", public_set(st), st, kind)   # noqa: E731

        # 1. a 类 row's sum wrong: 204 公共安全支出 · 本年支出合计 in 支出决算表
        c = lead_case("类行合计错")
        s, r0 = locate(c, "公开03表")
        a = f"{get_column_letter(amount_col(st, 0))}{code_row(s, '204', r0, st)}"
        s.set(a, bump(s.get(a), D("1000.00"), st))
        c.planted.append(f"{s.name}!{a}")
        out.append(c)

        # 2. a 款 not adding to its 类 (and not the sum of its 项): 20406 司法 · 项目支出 in 收入…支出决算表
        c = lead_case("款与类不符")
        s, r0 = locate(c, "公开03表")
        a = f"{get_column_letter(amount_col(st, 2))}{code_row(s, '20406', r0, st)}"
        s.set(a, bump(s.get(a), D("-20000.00"), st))
        c.planted.append(f"{s.name}!{a}")
        out.append(c)

        # 3. 总表 not matching 支出表: 社会保障和就业支出 and 住房保障支出 figures mixed up in 总表 (its sums hold)
        c = lead_case("总表与分表不符")
        s, r0 = locate(c, "公开01表")
        spend_col = 4 if st.bureau else 6
        a = s.find(class_label(s, "社会保障和就业支出", r0), spend_col, start=r0)
        b = s.find(class_label(s, "住房保障支出", r0), spend_col, start=r0)
        va, vb = s.get(a), s.get(b)
        s.set(a, vb)
        s.set(b, va)
        s3, r3 = locate(c, "公开03表")
        c.planted += [f"{s.name}!{a}|{s3.name}!{get_column_letter(amount_col(st, 0))}{code_row(s3, '208', r3, st)}",
                      f"{s.name}!{b}|{s3.name}!{get_column_letter(amount_col(st, 0))}{code_row(s3, '221', r3, st)}"]
        out.append(c)

        # 4. 财政拨款 figures not matching between tables: 公开05 法律援助 项目支出 typed short, its parents and the
        # 合计 row adjusted with it (the table adds up), so only 公开04 / 公开03 disagree
        c = lead_case("财政拨款跨表不符")
        s, r0 = locate(c, "公开05表")
        delta = D("-12000.00")
        for code in ("2040610", "20406", "204"):
            for k in (0, 2):
                a = f"{get_column_letter(amount_col(st, k))}{code_row(s, code, r0, st)}"
                s.set(a, bump(s.get(a), delta, st))
        tr = total_row(s, r0)
        for k in (0, 2):
            a = f"{get_column_letter(amount_col(st, k))}{tr}"
            s.set(a, bump(s.get(a), delta, st))
        # 公开04 shows 类 only, so the disagreement shows at 204 公共安全支出 (公开05 or 公开04), not at the 项 row
        cls = code_row(s, "204", r0, st)
        s4, r4 = locate(c, "公开04表")
        c.planted.append("|".join([f"{s.name}!{get_column_letter(amount_col(st, k))}{cls}" for k in (0, 2)]
                                  + [f"{s4.name}!{s4.find('四、公共安全支出', 7, start=r4)}"]))
        out.append(c)

        # 5. 基本支出 = 人员经费 + 公用经费 broken: 公开06 人员经费合计 typed wrong
        c = lead_case("人员加公用不等于基本")
        s, r0 = locate(c, "公开06表")
        a = None if st.bureau else s.find("人员经费合计", 3, start=r0)
        if st.bureau:       # the 合计 row's 人员经费 of the two-way table
            a = f"D{total_row(s, r0)}"
        s.set(a, bump(s.get(a), D("10000.00"), st))
        c.planted.append(f"{s.name}!{a}")
        out.append(c)

        # 6. one figure of a 万元 table typed in 元 (住房公积金 · 基本支出 of 支出决算表)
        if st.unit == "万元":
            c = lead_case("单格元写成万元")
            s, r0 = locate(c, "公开03表")
            a = f"{get_column_letter(amount_col(st, 1))}{code_row(s, '2210201', r0, st)}"
            s.set(a, f"{total(SPEND, '2210201'):,}" if st.text else float(total(SPEND, "2210201")))
            c.planted.append(f"{s.name}!{a}")
            out.append(c)

        # 7. a whole table in 元 while its unit line says 万元 (支出决算表) — only where the set is in 万元
        if st.unit == "万元":
            c = Case(f"{name}·单位元写成万元", public_set(st, spend_unit="元"), st, "表内单位与标题不符")
            s, r0 = locate(c, "公开03表")
            def names_unit(v) -> bool:
                return isinstance(v, str) and (v.startswith(("金额单位", "单位")) or "（单位：" in v)
            unit_row = next(r for r in range(r0, len(s.rows) + 1) if any(names_unit(v) for v in s.rows[r - 1]))
            ucol = next(i for i, v in enumerate(s.rows[unit_row - 1], 1) if names_unit(v))
            tr = total_row(s, r0)
            c.planted.append(f"{s.name}!{get_column_letter(ucol)}{unit_row}|{s.name}!"
                             f"{get_column_letter(amount_col(st, 0))}{tr}")
            out.append(c)
    return out


def write_corpus(out_dir: Path) -> list[tuple[Case, Path]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [(c, c.write(out_dir / f"{c.name}.xlsx")) for c in consistent_cases() + planted_cases()]


def hits(expected: str, finding: dict) -> bool:
    """A finding at one of the expected places ("表!C7|表!D9")."""
    return f"{finding['sheet']}!{finding['cell']}" in expected.split("|")


if __name__ == "__main__":
    for case, path in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "budget_corpus_fresh")):
        print(path, case.planted)
