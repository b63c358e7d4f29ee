"""A corpus of final-accounts workbooks laid out the way units publish them (部门决算公开01–09表, 财决 forms, a flat
seed-style summary), each consistent, plus planted slips with the cell each must be reported at.

All figures derive from one set of leaf amounts in 元 (so every table agrees with every other); a planted case
changes one cell (or, for a scope slip, one cell and the totals above it so only the cross-table relation breaks).
Run as a script to write the workbooks into a folder: `python tests/budget_corpus.py OUT_DIR`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple as _rc   # 'C7' → (7, 3)

# ---------------------------------------------------------------- the figures (元)

SUBJECTS = [("204", "公共安全支出"), ("20406", "司法"), ("2040601", "行政运行"), ("2040610", "法律援助"),
            ("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"),
            ("2080505", "机关事业单位基本养老保险缴费支出"), ("2080506", "机关事业单位职业年金缴费支出"),
            ("210", "卫生健康支出"), ("21011", "行政事业单位医疗"), ("2101101", "行政单位医疗"),
            ("221", "住房保障支出"), ("22102", "住房改革支出"), ("2210201", "住房公积金")]
# leaf: (人员经费, 公用经费, 项目支出) all funds; fiscal (一般公共预算财政拨款) spending; income by source
ALL = {"2040601": (620000, 110000, 0), "2040610": (0, 0, 460000), "2080505": (85000, 0, 0),
       "2080506": (34000, 0, 0), "2101101": (41000, 0, 0), "2210201": (52000, 0, 0)}
FISCAL = {"2040601": (620000, 100000, 0), "2040610": (0, 0, 460000), "2080505": (85000, 0, 0),
          "2080506": (34000, 0, 0), "2101101": (41000, 0, 0), "2210201": (52000, 0, 0)}
FISCAL_INCOME = {"2040601": 720000, "2040610": 458000, "2080505": 85000, "2080506": 34000, "2101101": 41000,
                 "2210201": 52000}
OTHER_INCOME = {"2040601": 20000}
CARRY_IN, CARRY_OUT = 30000, 38000            # all funds; fiscal: 30000 → 28000
FISCAL_CARRY_IN, FISCAL_CARRY_OUT = 30000, 28000
ECON = [  # (code, name, amount) of fiscal basic spending; parents first
    ("301", "工资福利支出", None), ("30101", "基本工资", 240000), ("30102", "津贴补贴", 180000),
    ("30103", "奖金", 60000), ("30108", "机关事业单位基本养老保险缴费", 85000), ("30109", "职业年金缴费", 34000),
    ("30110", "职工基本医疗保险缴费", 41000), ("30113", "住房公积金", 52000), ("30199", "其他工资福利支出", 8000),
    ("303", "对个人和家庭的补助", None), ("30302", "退休费", 120000), ("30309", "奖励金", 12000),
    ("302", "商品和服务支出", None), ("30201", "办公费", 18000), ("30205", "水费", 2000), ("30206", "电费", 6000),
    ("30207", "邮电费", 5000), ("30211", "差旅费", 14000), ("30213", "维修（护）费", 4000),
    ("30215", "会议费", 3000), ("30216", "培训费", 4000), ("30217", "公务接待费", 3000),
    ("30228", "工会经费", 9000), ("30229", "福利费", 7000), ("30231", "公务用车运行维护费", 12000),
    ("30239", "其他交通费用", 5000), ("310", "资本性支出", None), ("31002", "办公设备购置", 8000)]
SANGONG_BUDGET = (0, 0, 16000, 4000)      # 出国, 购置, 运行, 接待
SANGONG_ACTUAL = (0, 0, 12000, 3000)
SANGONG_LAST = (0, 0, 14000, 4000)


def subtree(data: dict, code: str, idx: int | None = None) -> int:
    vals = [v for c, v in data.items() if c.startswith(code)]
    if idx is None:
        return sum(sum(v) if isinstance(v, tuple) else v for v in vals)
    return sum(v[idx] for v in vals)


def econ_amount(code: str) -> int:
    return sum(v for c, _, v in ECON if v is not None and c.startswith(code))


# ---------------------------------------------------------------- sheets and cases


@dataclass
class Sheet:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    formats: dict = field(default_factory=dict)       # (row1, col1) -> number format

    def add(self, *cells):
        self.rows.append(list(cells))
        return len(self.rows)          # 1-based row just added

    def merge(self, r0, c0, r1, c1):
        self.merges.append(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")

    def find(self, label: str, col: int, label_col: int | None = None, nth: int = 0) -> str:
        """A1 address of the cell in column `col` (1-based) on the row whose label cell reads `label`."""
        hits = []
        for r, row in enumerate(self.rows, 1):
            cells = [row[label_col - 1]] if label_col and label_col <= len(row) else row
            if any(isinstance(v, str) and v.strip() == label for v in cells):
                hits.append(r)
        return f"{get_column_letter(col)}{hits[nth]}"

    def get(self, a1: str):
        r, c = _rc(a1)
        return self.rows[r - 1][c - 1] if c <= len(self.rows[r - 1]) else None

    def set(self, a1: str, value):
        r, c = _rc(a1)
        row = self.rows[r - 1]
        row.extend([None] * (c - len(row)))
        row[c - 1] = value


@dataclass
class Case:
    name: str
    sheets: list[Sheet]
    planted: list[tuple[str, str]] = field(default_factory=list)   # (sheet, cell) each slip must be reported at
    note: str = ""

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
                    fmt = s.formats.get((r, c))
                    if fmt:
                        cell.number_format = fmt
                    elif isinstance(v, float) or isinstance(v, int) and not isinstance(v, bool):
                        cell.number_format = "#,##0.00"
                    if isinstance(v, str) and len(v) > 12:
                        cell.alignment = Alignment(wrap_text=True)
            for m in s.merges:
                ws.merge_cells(m)
        wb.save(path)
        return path


class Style:
    """How amounts are written: unit, as numbers or as text with thousands separators, zeros blank or 0.00."""

    def __init__(self, unit="万元", text=False, blank_zero=True):
        self.unit, self.text, self.blank_zero = unit, text, blank_zero

    def __call__(self, yuan: int | None):
        if yuan is None or (yuan == 0 and self.blank_zero):
            return None
        if self.unit == "万元":
            v = Decimal(yuan) / 10000
            return f"{v:,.2f}" if self.text else float(v)
        return f"{Decimal(yuan):,.2f}" if self.text else yuan

    @property
    def unit_line(self):
        return f"金额单位：{self.unit}" if self.unit == "元" else f"单位：{self.unit}"


def _head(s: Sheet, title: str, number: str, width: int, st: Style):
    s.add(title)
    s.merge(1, 1, 1, width)
    row = [None] * width
    row[width - 1] = number
    s.add(*row)
    row = ["编制单位：某县法律援助中心"] + [None] * (width - 1)
    row[width - 1] = st.unit_line
    s.add(*row)


# ---------------------------------------------------------------- 01 收入支出决算总表

INCOME_ITEMS = ["一、一般公共预算财政拨款收入", "二、政府性基金预算财政拨款收入", "三、国有资本经营预算财政拨款收入",
                "四、上级补助收入", "五、事业收入", "六、经营收入", "七、附属单位上缴收入", "八、其他收入"]
FUNCTION_CLASSES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出",
                    "文化旅游体育与传媒支出", "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出",
                    "住房保障支出"]
CN = "一二三四五六七八九十"


def cn_num(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    return "十" + CN[n - 11]


def _class_amount(name: str, data: dict, idx=None) -> int:
    code = next((c for c, n in SUBJECTS if n == name and len(c) == 3), None)
    return subtree(data, code, idx) if code else 0


def table01(st: Style, name="公开01表") -> Sheet:
    s = Sheet(name)
    _head(s, "收入支出决算总表", "公开01表", 6, st)
    s.add("收入", None, None, "支出", None, None)
    s.merge(4, 1, 4, 3)
    s.merge(4, 4, 4, 6)
    s.add("项目", "行次", "金额", "项目", "行次", "金额")
    s.add("栏次", None, 1, "栏次", None, 2)
    income = [subtree(FISCAL_INCOME, ""), 0, 0, 0, 0, 0, 0, subtree(OTHER_INCOME, "")]
    spend = [_class_amount(n, ALL) for n in FUNCTION_CLASSES]
    for i in range(len(FUNCTION_CLASSES)):
        left = [INCOME_ITEMS[i], i + 1, st(income[i])] if i < len(INCOME_ITEMS) else [None, i + 1, None]
        s.add(*left, f"{cn_num(i + 1)}、{FUNCTION_CLASSES[i]}", 21 + i, st(spend[i]))
    n = 21 + len(FUNCTION_CLASSES)
    tin, tout = sum(income), sum(spend)
    s.add("本年收入合计", 13, st(tin), "本年支出合计", n, st(tout))
    s.add("使用非财政拨款结余", 14, st(0), "结余分配", n + 1, st(0))
    s.add("年初结转和结余", 15, st(CARRY_IN), "年末结转和结余", n + 2, st(CARRY_OUT))
    s.add(None, 16, None, None, n + 3, None)
    s.add("总计", 17, st(tin + CARRY_IN), "总计", n + 4, st(tout + CARRY_OUT))
    s.add("注：本表反映部门本年度的总收支和年末结转结余情况。")
    return s


# ---------------------------------------------------------------- 02 / 03 / 05 by subject


def _subject_header(s: Sheet, split: bool, amount_heads: list, groups: list | None = None):
    """Header rows: 项目 over 科目编码 | 科目名称 (or 类 | 款 | 项), amount heads (with optional upper groups)."""
    r0 = len(s.rows) + 1
    lead = 4 if split else 2
    width = lead + len(amount_heads)
    row1 = ["项目"] + [None] * (lead - 1)
    row2 = (["科目编码", None, None, "科目名称"] if split else ["科目编码", "科目名称"])
    row3 = (["类", "款", "项", None] if split else [None, None])
    up = groups or [None] * len(amount_heads)
    for h, g in zip(amount_heads, up):
        row1.append(g if g else h)
        row2.append(h if g else None)
        row3.append(None)
    s.add(*row1)
    s.add(*row2)
    s.add(*row3)
    s.merge(r0, 1, r0, lead)
    if split:
        s.merge(r0 + 1, 1, r0 + 1, 3)
        s.merge(r0 + 1, 4, r0 + 2, 4)
    else:
        s.merge(r0 + 1, 1, r0 + 2, 1)
        s.merge(r0 + 1, 2, r0 + 2, 2)
    c = lead + 1
    i = 0
    while i < len(amount_heads):
        g = up[i]
        if g:
            j = i
            while j + 1 < len(up) and up[j + 1] == g:
                j += 1
            if j > i:
                s.merge(r0, lead + 1 + i, r0, lead + 1 + j)
            for k in range(i, j + 1):
                s.merge(r0 + 1, lead + 1 + k, r0 + 2, lead + 1 + k)
            i = j + 1
        else:
            s.merge(r0, c + i - (c - lead - 1), r0 + 2, c + i - (c - lead - 1))
            i += 1
    s.add(*(["栏次"] + [None] * (lead - 1) + list(range(1, len(amount_heads) + 1))))
    s.merge(r0 + 3, 1, r0 + 3, lead)
    return width


def _subject_rows(s: Sheet, split: bool, values, st: Style, total_label="合计"):
    """A 合计 row then one row per subject; values(code or "") -> list of 元 amounts."""
    lead = 4 if split else 2
    r = s.add(*([total_label] + [None] * (lead - 1) + [st(v) for v in values("")]))
    s.merge(r, 1, r, lead)
    for code, name in SUBJECTS:
        if split:
            parts = [code[:3], code[3:5] or None, code[5:7] or None]
            s.add(*parts, name, *[st(v) for v in values(code)])
        else:
            s.add(code, name, *[st(v) for v in values(code)])


def table02(st: Style, split=False, name="公开02表") -> Sheet:
    s = Sheet(name)
    heads = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    _head(s, "收入决算表", "公开02表", (4 if split else 2) + len(heads), st)
    _subject_header(s, split, heads)

    def values(code):
        f, o = subtree(FISCAL_INCOME, code), subtree(OTHER_INCOME, code)
        return [f + o, f, 0, 0, 0, 0, o]
    _subject_rows(s, split, values, st)
    s.add("注：本表反映部门本年度取得的各项收入情况。")
    return s


def table03(st: Style, split=False, groups=False, name="公开03表") -> Sheet:
    """支出决算表; `groups`: 基本支出 as 小计 | 人员经费 | 公用经费 under a merged 基本支出."""
    s = Sheet(name)
    if groups:
        heads = ["本年支出合计", "小计", "人员经费", "公用经费", "项目支出", "上缴上级支出", "经营支出",
                 "对附属单位补助支出"]
        up = [None, "基本支出", "基本支出", "基本支出", None, None, None, None]
    else:
        heads = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
        up = None
    _head(s, "支出决算表", "公开03表", (4 if split else 2) + len(heads), st)
    _subject_header(s, split, heads, up)

    def values(code):
        p, g, j = (subtree(ALL, code, i) for i in range(3))
        basic = [p + g, p, g] if groups else [p + g]
        return [p + g + j, *basic, j, 0, 0, 0]
    _subject_rows(s, split, values, st)
    s.add("注：本表反映部门本年度各项支出情况。")
    return s


def table05(st: Style, split=False, name="公开05表") -> Sheet:
    s = Sheet(name)
    heads = ["小计", "基本支出", "项目支出"]
    _head(s, "一般公共预算财政拨款支出决算表", "公开05表", (4 if split else 2) + 3, st)
    _subject_header(s, split, heads, ["本年支出"] * 3)

    def values(code):
        p, g, j = (subtree(FISCAL, code, i) for i in range(3))
        return [p + g + j, p + g, j]
    _subject_rows(s, split, values, st)
    s.add("注：本表反映部门本年度一般公共预算财政拨款实际支出情况。")
    return s


# ---------------------------------------------------------------- 04 财政拨款收入支出决算总表


def table04(st: Style, name="公开04表") -> Sheet:
    s = Sheet(name)
    _head(s, "财政拨款收入支出决算总表", "公开04表", 9, st)
    s.add("收入", None, None, "支出", None, None, None, None, None)
    s.merge(4, 1, 4, 3)
    s.merge(4, 4, 4, 9)
    s.add("项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
          "国有资本经营预算财政拨款")
    s.add("栏次", None, 1, "栏次", None, 2, 3, 4, 5)
    fin = subtree(FISCAL_INCOME, "")
    income = [("一、一般公共预算财政拨款", fin), ("二、政府性基金预算财政拨款", 0), ("三、国有资本经营预算财政拨款", 0)]
    classes = [(n, _class_amount(n, FISCAL)) for n in FUNCTION_CLASSES if _class_amount(n, FISCAL)]
    spend_total = sum(v for _, v in classes)
    left = income + [(None, None)] * (len(classes) - len(income))
    for i, ((ln, lv), (rn, rv)) in enumerate(zip(left, classes)):
        s.add(ln, i + 1 if ln else None, st(lv) if ln else None, f"{cn_num(i + 1)}、{rn}", 30 + i, st(rv), st(rv),
              None, None)
    s.add("本年收入合计", 10, st(fin), "本年支出合计", 40, st(spend_total), st(spend_total), None, None)
    s.add("年初财政拨款结转和结余", 11, st(FISCAL_CARRY_IN), "年末财政拨款结转和结余", 41, st(FISCAL_CARRY_OUT),
          st(FISCAL_CARRY_OUT), None, None)
    s.add("一般公共预算财政拨款", 12, st(FISCAL_CARRY_IN), None, 42, None, None, None, None)
    s.add("政府性基金预算财政拨款", 13, st(0), None, 43, None, None, None, None)
    s.add("国有资本经营预算财政拨款", 14, st(0), None, 44, None, None, None, None)
    total = fin + FISCAL_CARRY_IN
    s.add("总计", 15, st(total), "总计", 45, st(spend_total + FISCAL_CARRY_OUT), st(spend_total + FISCAL_CARRY_OUT),
          None, None)
    return s


# ---------------------------------------------------------------- 06 基本支出 by economic class, three triples


def table06(st: Style, name="公开06表") -> Sheet:
    s = Sheet(name)
    _head(s, "一般公共预算财政拨款基本支出决算表", "公开06表", 9, st)
    s.add("人员经费", None, None, "公用经费", None, None, None, None, None)
    s.merge(4, 1, 4, 3)
    s.merge(4, 4, 4, 9)
    s.add("科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数")

    def entry(code, name):
        return [code, name, st(econ_amount(code))]
    people = [entry(c, n) for c, n, _ in ECON if c[:3] in ("301", "303")]
    public = [entry(c, n) for c, n, _ in ECON if c[:3] in ("302", "310")]
    mid = (len(public) + 1) // 2
    second, third = public[:mid], public[mid:]
    for i in range(max(len(people), len(second))):
        row = []
        for part in (people, second, third):
            row += part[i] if i < len(part) else [None, None, None]
        s.add(*row)
    p_total = econ_amount("301") + econ_amount("303")
    g_total = econ_amount("302") + econ_amount("310")
    r = s.add("人员经费合计", None, st(p_total), "公用经费合计", None, None, None, None, st(g_total))
    s.merge(r, 1, r, 2)
    s.merge(r, 4, r, 8)
    s.add("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。")
    return s


# ---------------------------------------------------------------- 07 三公


def table07_horizontal(st: Style, name="公开07表") -> Sheet:
    s = Sheet(name)
    _head(s, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 12, st)
    s.add(*(["预算数"] + [None] * 5 + ["决算数"] + [None] * 5))
    s.merge(4, 1, 4, 6)
    s.merge(4, 7, 4, 12)
    sub = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    s.add(*(sub + sub))
    s.add(*([None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2))
    for off in (0, 6):
        s.merge(5, off + 1, 6, off + 1)
        s.merge(5, off + 2, 6, off + 2)
        s.merge(5, off + 3, 5, off + 5)
        s.merge(5, off + 6, 6, off + 6)
    s.add(*range(1, 13))

    def six(v):
        out, buy, run, recv = v
        car = buy + run
        return [out + car + recv, out, car, buy, run, recv]
    s.add(*[st(x) if x else (0.0 if st.unit == "万元" and not st.text else st(0) or 0) for x in
            six(SANGONG_BUDGET) + six(SANGONG_ACTUAL)])
    s.add("注：本单位2023年度无因公出国（境）费和公务用车购置费支出。")
    return s


def table07_vertical(st: Style, rates=False, name="公开07表") -> Sheet:
    """三公 by rows (合计, 1. 2. (1) (2) 3.), with 上年 / 本年 / 增减金额 / 增减幅度 when `rates`."""
    s = Sheet(name)
    heads = ["上年决算数", "本年决算数", "增减金额", "增减幅度"] if rates else ["预算数", "决算数"]
    _head(s, "“三公”经费支出决算表", "公开07表", 1 + len(heads), st)
    s.add("项目", *heads)
    out, buy, run, recv = SANGONG_ACTUAL
    lo, lb, lr, lc = SANGONG_LAST
    bo, bb, br, bc = SANGONG_BUDGET
    rows = [("合计", (lo + lb + lr + lc, out + buy + run + recv, bo + bb + br + bc)),
            ("1.因公出国（境）费", (lo, out, bo)), ("2.公务用车购置及运行费", (lb + lr, buy + run, bb + br)),
            ("（1）公务用车购置费", (lb, buy, bb)), ("（2）公务用车运行费", (lr, run, br)),
            ("3.公务接待费", (lc, recv, bc))]
    for label, (last, now, budget) in rows:
        if rates:
            change = now - last
            rate = f"{Decimal(change) / Decimal(last) * 100:.2f}%" if last else None
            s.add(label, st(last) if last else st(0) or 0, st(now) if now else st(0) or 0,
                  st(change) if change else st(0) or 0, rate)
        else:
            s.add(label, st(budget) or 0, st(now) or 0)
    return s


# ---------------------------------------------------------------- 08 / 09 empty


def table_empty(title: str, number: str, st: Style, name: str, heads: list[str]) -> Sheet:
    s = Sheet(name)
    _head(s, title, number, 2 + len(heads), st)
    _subject_header(s, False, heads)
    r = s.add("合计")
    s.merge(r, 1, r, 2)
    s.add("注：本单位2023年度无" + title.removesuffix("表") + "，故本表为空表。")
    return s


# ---------------------------------------------------------------- 财决01: three label groups with budget columns


def table_cj01(st: Style, name="财决01表") -> Sheet:
    s = Sheet(name)
    _head(s, "收入支出决算总表", "财决01表", 15, st)
    s.add("收入", None, None, None, None, "支出", *[None] * 9)
    s.merge(4, 1, 4, 5)
    s.merge(4, 6, 4, 15)
    s.add("项目", "行次", "年初预算数", "调整预算数", "决算数", "项目（按功能分类）", "行次", "年初预算数", "调整预算数",
          "决算数", "项目（按支出性质和经济分类）", "行次", "年初预算数", "调整预算数", "决算数")
    s.add("栏次", None, 1, 2, 3, "栏次", None, 4, 5, 6, "栏次", None, 7, 8, 9)

    def b(v):      # budgets in 元 rounded to hundreds
        return (v * 95 // 100) // 100 * 100, (v * 102 // 100) // 100 * 100
    fin, oth = subtree(FISCAL_INCOME, ""), subtree(OTHER_INCOME, "")
    classes = [(n, _class_amount(n, ALL)) for n in FUNCTION_CLASSES if _class_amount(n, ALL)]
    person, public, project = (subtree(ALL, "", i) for i in range(3))
    cls_b = [b(v) for _, v in classes]
    nature = [("一、基本支出", person + public), ("人员经费", person), ("日常公用经费", public),
              ("二、项目支出", project), ("三、上缴上级支出", 0), ("四、经营支出", 0), ("五、对附属单位补助支出", 0)]
    # budgets by nature: split so that the function and nature sides total the same
    tb0, tb1 = sum(x[0] for x in cls_b), sum(x[1] for x in cls_b)
    pb = (b(person)[0], b(person)[1])
    gb = (b(public)[0], b(public)[1])
    jb = (tb0 - pb[0] - gb[0], tb1 - pb[1] - gb[1])
    nature_b = [(pb[0] + gb[0], pb[1] + gb[1]), pb, gb, jb, (0, 0), (0, 0), (0, 0)]
    income = [("一、一般公共预算财政拨款收入", fin, (tb0, tb1)), ("二、政府性基金预算财政拨款收入", 0, (0, 0)),
              ("三、上级补助收入", 0, (0, 0)), ("四、事业收入", 0, (0, 0)), ("五、经营收入", 0, (0, 0)),
              ("六、附属单位上缴收入", 0, (0, 0)), ("七、其他收入", oth, (0, 0))]
    n = max(len(income), len(classes), len(nature))
    for i in range(n):
        row = []
        if i < len(income):
            lbl, v, (x0, x1) = income[i]
            row += [lbl, i + 1, st(x0), st(x1), st(v)]
        else:
            row += [None, i + 1, None, None, None]
        if i < len(classes):
            (cname, v), (x0, x1) = classes[i], cls_b[i]
            row += [f"{cn_num(i + 1)}、{cname}", 20 + i, st(x0), st(x1), st(v)]
        else:
            row += [None, 20 + i, None, None, None]
        if i < len(nature):
            (lbl, v), (x0, x1) = nature[i], nature_b[i]
            row += [lbl, 40 + i, st(x0), st(x1), st(v)]
        else:
            row += [None, 40 + i, None, None, None]
        s.add(*row)
    tin, tout = fin + oth, person + public + project
    s.add("本年收入合计", 10, st(tb0), st(tb1), st(tin), "本年支出合计", 30, st(tb0), st(tb1), st(tout),
          "本年支出合计", 50, st(tb0), st(tb1), st(tout))
    s.add("使用非财政拨款结余", 11, None, None, st(0), "结余分配", 31, None, None, st(0), "结余分配", 51, None, None,
          st(0))
    s.add("年初结转和结余", 12, None, None, st(CARRY_IN), "年末结转和结余", 32, None, None, st(CARRY_OUT),
          "年末结转和结余", 52, None, None, st(CARRY_OUT))
    s.add("总计", 13, st(tb0), st(tb1), st(tin + CARRY_IN), "总计", 33, st(tb0), st(tb1), st(tout + CARRY_OUT),
          "总计", 53, st(tb0), st(tb1), st(tout + CARRY_OUT))
    return s


# ---------------------------------------------------------------- more variants


PROJECTS = [("法律援助办案补贴", 20000, 380000, 388000), ("法治宣传", 6000, 40000, 44000),
            ("值班律师工作站运行", 4000, 38000, 28000)]     # (name, 年初结转和结余, 本年收入, 本年支出) in 元


def table_projects(st: Style, name="项目支出决算表") -> Sheet:
    """Per project: 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余, numbered with a 合计 row at the bottom."""
    s = Sheet(name)
    _head(s, "项目支出决算表", "附表10", 6, st)
    s.add("序号", "项目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余")
    tot = [0, 0, 0, 0]
    for i, (pname, a, b, c) in enumerate(PROJECTS, 1):
        row = [a, b, c, a + b - c]
        tot = [x + y for x, y in zip(tot, row)]
        s.add(i, pname, *[st(v) for v in row])
    s.add(None, "合计", *[st(v) for v in tot])
    return s


def table05_budget(st: Style, name="公开05表") -> Sheet:
    """一般公共预算财政拨款支出决算表 with 年初预算数 | 调整预算数 | 决算数, each 合计 | 基本支出 | 项目支出 (some years)."""
    s = Sheet(name)
    groups = ["年初预算数"] * 3 + ["调整预算数"] * 3 + ["决算数"] * 3
    heads = ["小计", "基本支出", "项目支出"] * 3
    _head(s, "一般公共预算财政拨款支出决算表", "公开05表", 2 + 9, st)
    _subject_header(s, False, heads, groups)

    def values(code):
        p, g, j = (subtree(FISCAL, code, i) for i in range(3))
        basic, proj = p + g, j
        b0 = [(basic * 9 // 10) // 100 * 100 if code else 0, (proj * 8 // 10) // 100 * 100 if code else 0]
        return [None] * 9 if not code else [b0[0] + b0[1], b0[0], b0[1], basic + proj, basic, proj,
                                             basic + proj, basic, proj]
    # the 合计 row and parents are sums of the leaves
    leaves = [c for c in FISCAL]

    def summed(code):
        rows = [values(c) for c in leaves if c.startswith(code)]
        return [sum(r[i] for r in rows) for i in range(9)]
    _subject_rows(s, False, summed, st)
    return s


def table07_vertical_of_which(st: Style, name="三公经费支出决算表") -> Sheet:
    """三公 by rows with 其中 lines and 预算数 | 决算数 | 执行率 (%)."""
    s = Sheet(name)
    _head(s, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", 4, st)
    s.add("项目", "预算数", "决算数", "执行率（%）")
    out, buy, run, recv = SANGONG_ACTUAL
    bo, bb, br, bc = SANGONG_BUDGET

    def rate(a, b):
        return float((Decimal(a) / Decimal(b) * 100).quantize(Decimal("0.01"))) if b else None
    for label, b, a in [("“三公”经费合计", bo + bb + br + bc, out + buy + run + recv), ("因公出国（境）费", bo, out),
                        ("公务用车购置及运行费", bb + br, buy + run), ("其中：公务用车购置费", bb, buy),
                        ("公务用车运行费", br, run), ("公务接待费", bc, recv)]:
        r = s.add(label, st(b) or 0, st(a) or 0, rate(a, b))
        s.formats[(r, 4)] = "0.00"
    return s


# ---------------------------------------------------------------- flat seed-style summary


def flat_summary(consistent=True, name="收支情况") -> Sheet:
    """项目 | 金额（万元） | 占比, unnumbered: 支出合计, 基本支出, 项目支出, then memo rows 人员经费 … 三公."""
    s = Sheet(name)
    s.add("2023年度收支情况表")
    s.add("项目", "金额（万元）", "占比")
    basic, project = Decimal("91.273"), Decimal("46")
    total = basic + project if consistent else Decimal("161.79")
    people, public = (Decimal("80.263"), Decimal("11.01")) if consistent else (Decimal("74.69"), Decimal("11.01"))
    shares = ((basic / (basic + project) * 100).quantize(Decimal("0.01")),
              (project / (basic + project) * 100).quantize(Decimal("0.01"))) if consistent else \
        (Decimal("66.75"), Decimal("33.25"))
    s.add("支出合计", float(total), None)
    s.add("基本支出", float(basic), f"{shares[0]}%")
    s.add("项目支出", float(project), f"{shares[1]}%")
    s.add("人员经费", float(people), None)
    s.add("公用经费", float(public), None)
    s.add("三公经费", 1.5, None)
    s.add("因公出国（境）费", 0.0, None)
    s.add("公务用车购置及运行费", 1.2, None)
    s.add("公务接待费", 0.3, None)
    for r in range(3, 12):
        s.formats[(r, 2)] = "0.000" if r in (3, 4, 6) else "0.00"
    return s


# ---------------------------------------------------------------- the cases


def gongkai_set(st: Style, split=False, groups=False, horizontal=True, prefix="") -> list[Sheet]:
    return [table01(st, prefix + "公开01表"), table02(st, split, prefix + "公开02表"),
            table03(st, split, groups, prefix + "公开03表"), table04(st, prefix + "公开04表"),
            table05(st, split, prefix + "公开05表"), table06(st, prefix + "公开06表"),
            table07_horizontal(st, prefix + "公开07表") if horizontal else table07_vertical(st, False, prefix + "公开07表"),
            table_empty("政府性基金预算财政拨款收入支出决算表", "公开08表", st, prefix + "公开08表",
                        ["年初结转和结余", "本年收入", "本年支出", "年末结转和结余"]),
            table_empty("国有资本经营预算财政拨款支出决算表", "公开09表", st, prefix + "公开09表",
                        ["合计", "基本支出", "项目支出"])]


def consistent_cases() -> list[Case]:
    wan, yuan_text = Style("万元"), Style("元", text=True, blank_zero=False)
    return [
        Case("公开表_万元", gongkai_set(wan)),
        Case("公开表_元_文本_分列编码", gongkai_set(yuan_text, split=True, groups=True, horizontal=False)),
        Case("财决表", [table_cj01(wan, "财决01表"), table03(Style("万元", blank_zero=False), groups=True,
                                                          name="财决03表"),
                      table07_vertical(wan, rates=True, name="财决07表")]),
        Case("三公_增减", [table07_vertical(Style("元"), rates=True, name="三公经费")]),
        Case("收支情况_平表", [flat_summary(True)]),
        Case("项目支出与预算列", [table_projects(Style("元")), table05_budget(Style("万元", blank_zero=False)),
                             table07_vertical_of_which(Style("万元"))]),
    ]


def _plant(case: Case, sheet: str, cell: str, value, expect: list[str] | None = None) -> Case:
    s = next(x for x in case.sheets if x.name == sheet)
    s.set(cell, value)
    case.planted += [(sheet, c) for c in (expect or [cell])]
    return case


def _bump(v, delta_yuan: int, st: Style):
    if isinstance(v, str):
        d = Decimal(v.replace(",", "")) + (Decimal(delta_yuan) if st.unit == "元" else Decimal(delta_yuan) / 10000)
        return f"{d:,.2f}"
    if st.unit == "元":
        return (v or 0) + delta_yuan
    return float(Decimal(str(v or 0)) + Decimal(delta_yuan) / 10000)


def planted_cases() -> list[Case]:
    """One slip per case, each with the cell(s) it must be reported at."""
    wan, yt = Style("万元"), Style("元", text=True, blank_zero=False)
    out = []

    def base(name, *, st=wan, **kw):
        return Case(name, gongkai_set(st, **kw))

    # a detail cell in the two-way 支出决算表: breaks its row total and the subject parents / 合计 row
    c = base("公开03_明细错")
    s = c.sheets[2]
    cell = s.find("法律援助", 4)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 10000, wan)))
    # a 合计-row cell wrong
    c = base("公开03_合计错")
    s = c.sheets[2]
    cell = s.find("合计", 3, label_col=1)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 500, wan)))
    # a parent code line wrong (20406 司法, 本年收入合计 column of 公开02)
    c = base("公开02_款级错")
    s = c.sheets[1]
    cell = s.find("司法", 3)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 1000, wan)))
    # the 总计 of 公开01 income side
    c = base("公开01_总计错")
    s = c.sheets[0]
    cell = s.find("年初结转和结余", 3)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 1000, wan), expect=[f"{cell}|{s.find('总计', 3, label_col=1)}"]))
    # a 公用经费 line in the third triple of 公开06: 公用经费合计 and 302 break, the line is named
    c = base("公开06_公用明细错")
    s = c.sheets[5]
    cell = s.find("公务用车运行维护费", 9)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 2000, wan), expect=[f"{cell}|{s.find('302', 6, label_col=4)}"]))
    # 人员经费合计 wrong in 公开06
    c = base("公开06_人员经费合计错")
    s = c.sheets[5]
    cell = s.find("人员经费合计", 3)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), -1000, wan)))
    # the horizontal 三公 table: 决算 公务接待费 wrong (合计 breaks)
    c = base("公开07_横向三公错")
    s = c.sheets[6]
    out.append(_plant(c, s.name, "L8", 0.5, expect=["G8|L8"]))
    # 公务用车运行费 in the budget half: breaks 小计 and 合计 both → the cell itself
    c = base("公开07_横向运行费错")
    s = c.sheets[6]
    out.append(_plant(c, s.name, "E8", 1.9, expect=["C8|E8"]))
    # breakdown row under 年初财政拨款结转和结余 in 公开04 wrong
    c = base("公开04_结转明细错")
    s = c.sheets[3]
    cell = s.find("一般公共预算财政拨款", 3, label_col=1)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 5000, wan), expect=[f"{cell}|{s.find('年初财政拨款结转和结余', 3)}"]))
    # 财政拨款 larger than all funds for the same subject (公开05 vs 公开03), totals adjusted in 公开05
    c = base("公开05_财政拨款超全部")
    s = c.sheets[4]
    for label in ("行政运行", "司法", "公共安全支出"):
        for col in (3, 4):
            a = s.find(label, col)
            s.set(a, _bump(s.get(a), 150000, wan))
    for col in (3, 4):
        a = s.find("合计", col, label_col=1)
        s.set(a, _bump(s.get(a), 150000, wan))
    c.planted.append((s.name, f'{s.find("行政运行", 3)}|{s.find("行政运行", 4)}'))
    out.append(c)
    # unit slip: a 元 table with one figure typed in 万元
    c = Case("元表_万元误填", gongkai_set(Style("元"), horizontal=False))
    s = c.sheets[2]
    cell = s.find("住房公积金", 4)
    out.append(_plant(c, s.name, cell, 5.2))
    # text numbers, split codes, groups: 人员经费 of 行政运行 wrong → 小计 (row) and column parents break
    c = base("元文本_人员经费错", st=yt, split=True, groups=True, horizontal=False)
    s = c.sheets[2]
    cell = s.find("行政运行", 7)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 3000, yt)))
    # rate column: 增减幅度 text wrong
    c = Case("三公_增减幅度错", [table07_vertical(Style("元"), rates=True, name="三公经费")])
    s = c.sheets[0]
    cell = s.find("3.公务接待费", 5)
    out.append(_plant(c, s.name, cell, "-13.15%"))
    # 财决01: a function-side figure wrong (决算数), checked against its own 本年支出合计
    c = Case("财决01_功能分类错", [table_cj01(wan)])
    s = c.sheets[0]
    cell = s.find("四、住房保障支出", 10)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 1000, wan), expect=[f"{cell}|{s.find('本年支出合计', 10, label_col=6)}"]))
    # 财决01: nature side 人员经费 wrong (基本支出 = 人员经费 + 日常公用经费 breaks)
    c = Case("财决01_人员经费错", [table_cj01(wan)])
    s = c.sheets[0]
    cell = s.find("人员经费", 15)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 1000, wan), expect=[f"{cell}|{s.find('一、基本支出', 15)}"]))
    # a project's 年末结转和结余 wrong: the per-project identity (columns) and the 合计 row's column both break
    c = Case("项目支出_年末错", [table_projects(Style("元"))])
    s = c.sheets[0]
    cell = s.find("法治宣传", 6)
    out.append(_plant(c, s.name, cell, s.get(cell) + 1000))
    # 调整预算数 · 项目支出 of a leaf wrong in the budget-column variant of 公开05 (breaks its column and its row)
    c = Case("公开05预算列_调整预算错", [table05_budget(Style("万元", blank_zero=False))])
    s = c.sheets[0]
    cell = s.find("行政运行", 8)
    out.append(_plant(c, s.name, cell, _bump(s.get(cell), 20000, wan)))
    # an execution rate wrong in the vertical 三公 table
    c = Case("三公_执行率错", [table07_vertical_of_which(Style("万元"))])
    s = c.sheets[0]
    cell = s.find("公务接待费", 4)
    out.append(_plant(c, s.name, cell, 57.0))
    # the flat seed-style table
    c = Case("收支情况_平表错", [flat_summary(False)])
    c.planted += [("收支情况", "B3"), ("收支情况", "B4"), ("收支情况", "C4"), ("收支情况", "C5")]
    out.append(c)
    return out


def write_corpus(out_dir: Path) -> list[tuple[Case, Path]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [(c, c.write(out_dir / f"{c.name}.xlsx")) for c in consistent_cases() + planted_cases()]


if __name__ == "__main__":
    for case, path in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "budget_corpus")):
        print(path, case.planted)


def validate(capsys, path):
    """`legalaid validate PATH --json` in process: (exit code, the JSON document)."""
    import json

    from toolkit.cli import main as cli
    code = cli.main(["validate", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def hits(expected, finding) -> bool:
    """A finding at the expected sheet and at one of the expected cells ("D7|E7")."""
    sheet, cells = expected
    return finding["sheet"] == sheet and finding["cell"] in cells.split("|")
