"""An independent corpus for `legalaid validate`: layouts the first corpus (tests/budget_corpus.py) does not have.

Built by a second author from the published-table features in docs/public-tables.md, with its own figures:
部门预算 tables (收支预算总表, 收入预算表, 支出预算表, 一般公共预算支出表 with 上年数 / 本年数 / 增减, 一般公共预算
基本支出表, 三公经费预算表), 万元 with four decimals rounded from 元 (sums legitimately off by 0.0001), 萬元 in
traditional characters, the unit written in the header cell itself, the 合计 row at the top, 栏次 as letters,
empty tables with only a 注, two tables stacked on one sheet, 类 | 款 | 项 columns where 款 and 项 repeat the
parent prefix (204 | 20406 | 2040601), 其他 subjects, a per-project carry-over table, amounts typed with a
trailing space or as "-" for zero.
Each consistent workbook must give no finding; each planted case changes one cell and names where it must be
reported (alternatives separated by "|"). Run as a script to write the workbooks: `python tests/budget_corpus_unseen.py OUT`.
"""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from budget_corpus import Case, Sheet

D = Decimal
# ---------------------------------------------------------------- the figures (元, with cents)

SUBJECTS = [("204", "公共安全支出"), ("20406", "司法"), ("2040601", "行政运行"), ("2040610", "法律援助"),
            ("2040699", "其他司法支出"), ("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出"),
            ("2080505", "机关事业单位基本养老保险缴费支出"), ("210", "卫生健康支出"), ("21011", "行政事业单位医疗"),
            ("2101101", "行政单位医疗"), ("221", "住房保障支出"), ("22102", "住房改革支出"), ("2210201", "住房公积金")]
# leaf: (人员经费, 公用经费, 项目支出) this year; last year's total per leaf
SPEND = {"2040601": (D("612345.67"), D("98765.43"), D(0)), "2040610": (D(0), D(0), D("387654.32")),
         "2040699": (D(0), D(0), D("150000.00")), "2080505": (D("80123.45"), D(0), D(0)),
         "2101101": (D("38901.23"), D(0), D(0)), "2210201": (D("49876.54"), D(0), D(0))}
LAST = {"2040601": D("688000.00"), "2040610": D("402000.00"), "2040699": D(0), "2080505": D("76500.00"),
        "2101101": D("37200.00"), "2210201": D("47800.00")}
CARRY = {"2040610": D("20000.00")}          # 上年结转 used this year
OTHER = {"2040601": D("5000.00")}           # 其他收入
ECON = [("301", "工资福利支出", None, "p"), ("30101", "基本工资", D("251234.56"), "p"),
        ("30102", "津贴补贴", D("176543.21"), "p"), ("30108", "机关事业单位基本养老保险缴费", D("80123.45"), "p"),
        ("30110", "职工基本医疗保险缴费", D("38901.23"), "p"), ("30113", "住房公积金", D("49876.54"), "p"),
        ("30199", "其他工资福利支出", D("64567.90"), "p"), ("303", "对个人和家庭的补助", None, "p"),
        ("30302", "退休费", D("120000.00"), "p"), ("302", "商品和服务支出", None, "g"),
        ("30201", "办公费", D("21345.67"), "g"), ("30207", "邮电费", D("4800.00"), "g"),
        ("30211", "差旅费", D("15200.00"), "g"), ("30217", "公务接待费", D("2500.00"), "g"),
        ("30228", "工会经费", D("8919.76"), "g"), ("30231", "公务用车运行维护费", D("11000.00"), "g"),
        ("30299", "其他商品和服务支出", D("35000.00"), "g")]
SANGONG_LAST = (D(0), D(0), D("12000.00"), D("3000.00"))     # 出国, 购置, 运行, 接待
SANGONG_THIS = (D(0), D(0), D("11000.00"), D("2500.00"))
PROJECTS = [("法律援助办案补贴", D("20000.00"), D("367654.32"), D("380000.00")),
            ("法治宣传及援助站点运行", D(0), D("150000.00"), D("142345.68")),
            ("律师值班补助", D("5000.00"), D(0), D("5000.00"))]


def sub(data: dict, code: str, idx: int | None = None) -> Decimal:
    vals = [v for c, v in data.items() if c.startswith(code)]
    if idx is None:
        return sum((sum(v) if isinstance(v, tuple) else v for v in vals), D(0))
    return sum((v[idx] for v in vals), D(0))


def econ(code: str) -> Decimal:
    return sum((v for c, _, v, _ in ECON if v is not None and c.startswith(code)), D(0))


def econ_kind(kind: str) -> Decimal:
    return sum((v for _, _, v, k in ECON if v is not None and k == kind), D(0))


class Amount:
    """How amounts are written: unit (万元 / 元 / 萬元), decimals, as text, trailing space, "-" for zero."""

    def __init__(self, unit="万元", places=2, text=False, space=False, dash=False, zero_blank=False):
        self.unit, self.places, self.text, self.space, self.dash, self.zero_blank = (
            unit, places, text, space, dash, zero_blank)

    def __call__(self, yuan: Decimal):
        if yuan == 0:
            if self.zero_blank:
                return None
            if self.dash:
                return "-"
        v = yuan / 10000 if self.unit in ("万元", "萬元") else yuan
        v = v.quantize(D(1).scaleb(-self.places), rounding=ROUND_HALF_UP)
        if self.text or self.space:
            t = f"{v:,.{self.places}f}" if self.text else f"{v:.{self.places}f}"
            return t + (" " if self.space else "")
        return float(v)

    def bump(self, v, delta_yuan: Decimal):
        """The written amount `v` changed by `delta_yuan`, written the same way."""
        if v is None or v == "-":
            v = 0
        cur = D(str(v).replace(",", "").strip())
        cur += delta_yuan / 10000 if self.unit in ("万元", "萬元") else delta_yuan
        cur = cur.quantize(D(1).scaleb(-self.places))
        if self.text or self.space:
            t = f"{cur:,.{self.places}f}" if self.text else f"{cur:.{self.places}f}"
            return t + (" " if self.space else "")
        return float(cur)


def head(s: Sheet, title: str, number: str | None, width: int, unit_line: str | None, unit="单位：万元"):
    s.add(title)
    s.merge(len(s.rows), 1, len(s.rows), width)
    if number:
        row = [None] * width
        row[-1] = number
        s.add(*row)
    row = ["部门：某县法律援助中心"] + [None] * (width - 1)
    if unit_line is not None:
        row[-1] = unit_line or unit
    s.add(*row)


# ---------------------------------------------------------------- 部门预算 tables


def income_heads():
    return ["合计", "上年结转", "一般公共预算拨款收入", "其他收入"]


def budget_total(am: Amount, name="预算01表", unit_line="") -> Sheet:
    """收支预算总表: 收入 | 本年预算 | 支出 | 本年预算, totals at the bottom."""
    s = Sheet(name)
    head(s, "部门收支预算总表", "预算01表", 4, unit_line)
    s.add("收入", None, "支出", None)
    s.add("项目", "本年预算", "项目", "本年预算")
    total = sub(SPEND, "")
    carry, other = sub(CARRY, ""), sub(OTHER, "")
    fiscal = total - carry - other
    left = [("一、一般公共预算拨款收入", fiscal), ("二、政府性基金预算拨款收入", D(0)),
            ("三、国有资本经营预算拨款收入", D(0)), ("四、事业收入", D(0)), ("五、其他收入", other)]
    right = [(f"{cn}、{n}", sub(SPEND, c)) for cn, (c, n) in zip("一二三四", [x for x in SUBJECTS if len(x[0]) == 3])]
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else (None, None)
        b = right[i] if i < len(right) else (None, None)
        s.add(a[0], am(a[1]) if a[0] else None, b[0], am(b[1]) if b[0] else None)
    s.add("本年收入合计", am(fiscal + other), "本年支出合计", am(total))
    s.add("上年结转", am(carry), "结转下年", am(D(0)))
    s.add("收入总计", am(total), "支出总计", am(total))
    return s


def subject_table(s: Sheet, am: Amount, heads: list[str], values, split: str = "", letters=False,
                  total_top=True, header_unit: str | None = None):
    """Subject rows with a 合计 row at the top (or bottom); split = "" (one code column), "short" (204|06|01) or
    "prefix" (204|20406|2040601)."""
    lead = 4 if split else 2
    r0 = len(s.rows) + 1
    hs = [f"{h}（{header_unit}）" if header_unit else h for h in heads]
    if split:
        s.add("科目编码", None, None, "科目名称", *hs)
        s.add("类", "款", "项", None, *[None] * len(hs))
        s.merge(r0, 1, r0, 3)
        s.merge(r0, 4, r0 + 1, 4)
        for i in range(len(hs)):
            s.merge(r0, 5 + i, r0 + 1, 5 + i)
    else:
        s.add("科目编码", "科目名称", *hs)
    if letters:
        marks = ["A", "B", "C", "D"][:lead] if split else ["A", "B"]
        s.add(*marks, *[str(i) for i in range(1, len(heads) + 1)])

    def total_row():
        r = s.add(*(["合计"] + [None] * (lead - 1) + [am(v) for v in values("")]))
        s.merge(r, 1, r, lead)
    if total_top:
        total_row()
    for code, name in SUBJECTS:
        vals = [am(v) for v in values(code)]
        if split == "short":
            s.add(code[:3] if len(code) == 3 else None, code[3:5] if len(code) == 5 else None,
                  code[5:] if len(code) == 7 else None, name, *vals)
        elif split == "prefix":
            s.add(code if len(code) == 3 else None, code if len(code) == 5 else None,
                  code if len(code) == 7 else None, name, *vals)
        else:
            s.add(code, name, *vals)
    if not total_top:
        total_row()


def budget_income(am: Amount, name="预算02表", split="prefix", **kw) -> Sheet:
    s = Sheet(name)
    head(s, "部门收入预算表", "预算02表", 8, kw.pop("unit_line", ""))

    def values(code):
        c, o = sub(CARRY, code), sub(OTHER, code)
        t = sub(SPEND, code)
        return [t, c, t - c - o, o]
    subject_table(s, am, income_heads(), values, split=split, **kw)
    return s


def budget_spend(am: Amount, name="预算03表", split="", **kw) -> Sheet:
    s = Sheet(name)
    head(s, "部门支出预算表", "预算03表", 5, kw.pop("unit_line", ""))

    def values(code):
        p, g, j = (sub(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j]
    subject_table(s, am, ["合计", "基本支出", "项目支出"], values, split=split, **kw)
    return s


def rate_text(new: Decimal, old: Decimal) -> str | None:
    if old == 0:
        return None
    r = ((new - old) / old * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    return f"{r}%"


def budget_general_yoy(am: Amount, name="预算05表") -> Sheet:
    """一般公共预算支出表 with 上年预算数 | 本年预算数 | 增减额 | 增减率 (text percent)."""
    s = Sheet(name)
    head(s, "一般公共预算支出预算表（与上年对比）", "预算05表", 6, "")
    s.add("科目编码", "科目名称", "上年预算数", "本年预算数", "增减额", "增减率")
    fiscal = {c: sum(v) - CARRY.get(c, D(0)) - OTHER.get(c, D(0)) for c, v in SPEND.items()}
    last = {c: v for c, v in LAST.items()}

    def row(code, name, lbl=None):
        a, b = sub(last, code), sub(fiscal, code)
        a_w, b_w = am(a), am(b)
        # 增减额 from the written figures (as units compute it), the rate from it too
        wa = D(str(a_w)) if a_w not in (None, "-") else D(0)
        wb = D(str(b_w)) if b_w not in (None, "-") else D(0)
        ch = wb - wa
        rate = None if wa == 0 else f"{(ch / wa * 100).quantize(D('0.01'), rounding=ROUND_HALF_UP)}%"
        s.add(code, lbl or name, a_w, b_w, float(ch) if am.unit != "元" else float(ch), rate or "-")
    row("", "合计")
    s.rows[-1][0] = None
    for code, n in SUBJECTS:
        row(code, n)
    s.add("注：增减率=增减额÷上年预算数。")
    return s


def budget_basic(am: Amount, name="预算06表", total_top=True) -> Sheet:
    """一般公共预算基本支出表: 经济分类 rows, 合计 | 人员经费 | 公用经费."""
    s = Sheet(name)
    head(s, "一般公共预算基本支出表", "预算06表", 5, "")
    s.add("部门预算支出经济分类科目", None, "本年一般公共预算基本支出", None, None)
    s.merge(len(s.rows), 1, len(s.rows), 2)
    s.merge(len(s.rows), 3, len(s.rows), 5)
    s.add("科目编码", "科目名称", "合计", "人员经费", "公用经费")
    p, g = econ_kind("p"), econ_kind("g")
    if total_top:
        s.add(None, "合计", am(p + g), am(p), am(g))
    for code, n, v, k in ECON:
        amt = econ(code) if v is None else v
        s.add(code, n, am(amt), am(amt) if k == "p" else am(D(0)), am(amt) if k == "g" else am(D(0)))
    if not total_top:
        s.add(None, "合计", am(p + g), am(p), am(g))
    return s


def sangong_budget(am: Amount, s: Sheet | None = None, name="预算07表") -> Sheet:
    """三公经费预算表, horizontal: 上年预算数 and 本年预算数 groups of six, then 增减 row-free."""
    s = s or Sheet(name)
    head(s, "一般公共预算“三公”经费支出预算表", "预算07表", 12, "")
    r = len(s.rows) + 1
    s.add(*(["上年预算数"] + [None] * 5 + ["本年预算数"] + [None] * 5))
    s.merge(r, 1, r, 6)
    s.merge(r, 7, r, 12)
    six = ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"]
    s.add(*(six + six))
    s.add(*([None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2))
    for off in (0, 6):
        s.merge(r + 1, off + 1, r + 2, off + 1)
        s.merge(r + 1, off + 2, r + 2, off + 2)
        s.merge(r + 1, off + 3, r + 1, off + 5)
        s.merge(r + 1, off + 6, r + 2, off + 6)

    def vals(v):
        out, buy, run, recv = v
        return [out + buy + run + recv, out, buy + run, buy, run, recv]
    s.add(*[am(x) for x in vals(SANGONG_LAST) + vals(SANGONG_THIS)])
    return s


def empty_table(s: Sheet, title: str, number: str, heads: list[str]):
    head(s, title, number, 2 + len(heads), "")
    s.add("科目编码", "科目名称", *heads)
    s.add(None, "合计", *[None] * len(heads))
    s.add(f"注：本单位无{title[:-3]}收支，故本表为空表。")


def budget_funds(name="预算08表") -> Sheet:
    s = Sheet(name)
    empty_table(s, "政府性基金预算支出表", "预算08表", ["合计", "基本支出", "项目支出"])
    return s


def budget_set(am: Amount, split="prefix", letters=False, dash_sheet=False) -> list[Sheet]:
    return [budget_total(am), budget_income(am, split=split, letters=letters), budget_spend(am, letters=letters),
            budget_general_yoy(am), budget_basic(am), sangong_budget(am), budget_funds()]


# ---------------------------------------------------------------- other layouts


def traditional(am: Amount, name="支出決算表") -> Sheet:
    """A 支出决算表 headed in traditional characters: 單位：萬元, total at the bottom."""
    s = Sheet(name)
    head(s, "支出決算表", "公開03表", 5, "單位：萬元")

    def values(code):
        p, g, j = (sub(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j]
    subject_table(s, am, ["本年支出合计", "基本支出", "项目支出"], values, total_top=False)
    return s


def header_unit(am: Amount, name="支出预算表") -> Sheet:
    """No unit line: the unit is written in each amount header cell (合计（万元）…)."""
    s = Sheet(name)
    head(s, "部门支出预算表", None, 5, None)

    def values(code):
        p, g, j = (sub(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j]
    subject_table(s, am, ["合计", "基本支出", "项目支出"], values, header_unit="万元")
    return s


def stacked(am: Amount, name="收支预算表") -> Sheet:
    """收入预算表 and 支出预算表 one above the other on one sheet, a blank row between."""
    s = budget_income(am, name=name, split="short")
    s.add(None)
    s.add(None)
    head(s, "部门支出预算表", "预算03表", 5, "")

    def values(code):
        p, g, j = (sub(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j]
    subject_table(s, am, ["合计", "基本支出", "项目支出"], values)
    return s


def projects(am: Amount, name="项目支出表") -> Sheet:
    """Per project: 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余, 合计 at the top."""
    s = Sheet(name)
    head(s, "项目支出决算明细表", None, 5, "")
    s.add("项目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余")
    rows = [(n, a, b, c, a + b - c) for n, a, b, c in PROJECTS]
    tot = [sum((r[i] for r in rows), D(0)) for i in range(1, 5)]
    s.add("合计", *[am(v) for v in tot])
    for r in rows:
        s.add(r[0], *[am(v) for v in r[1:]])
    return s


def sangong_yoy(am: Amount, name="三公经费") -> Sheet:
    """Vertical 三公 table: 上年决算数 | 本年决算数 | 增减金额 | 增减幅度 (numeric percent)."""
    s = Sheet(name)
    head(s, "“三公”经费支出决算对比表", None, 5, "")
    s.add("项目", "上年决算数", "本年决算数", "增减金额", "增减幅度（%）")
    labels = [("合计", None), ("1.因公出国（境）费", 0), ("2.公务用车购置及运行费", "car"), ("（1）公务用车购置费", 1),
              ("（2）公务用车运行费", 2), ("3.公务接待费", 3)]
    for lbl, idx in labels:
        def pick(v):
            if idx is None:
                return sum(v, D(0))
            if idx == "car":
                return v[1] + v[2]
            return v[idx]
        a, b = pick(SANGONG_LAST), pick(SANGONG_THIS)
        wa, wb = am(a), am(b)
        da = D(str(wa).strip()) if wa not in (None, "-") else D(0)
        db = D(str(wb).strip()) if wb not in (None, "-") else D(0)
        ch = db - da
        rate = float((ch / da * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)) if da else None
        s.add(lbl, wa, wb, "-" if ch == 0 and am.dash else float(ch), rate)
    return s


def fiscal_total(am: Amount, name="预算04表") -> Sheet:
    """财政拨款收支预算总表: 收入 | 本年预算 on the left; 支出 | 合计 | 一般公共预算 | 政府性基金预算 on the right."""
    s = Sheet(name)
    head(s, "财政拨款收支预算总表", "预算04表", 6, "")
    s.add("收入", None, "支出", None, None, None)
    s.merge(len(s.rows), 1, len(s.rows), 2)
    s.merge(len(s.rows), 3, len(s.rows), 6)
    s.add("项目", "本年预算", "项目", "合计", "一般公共预算", "政府性基金预算")
    fiscal = {c: sum(v) - CARRY.get(c, D(0)) - OTHER.get(c, D(0)) for c, v in SPEND.items()}
    total = sub(fiscal, "")
    left = [("一、一般公共预算拨款", total), ("二、政府性基金预算拨款", D(0))]
    right = [(f"{cn}、{n}", sub(fiscal, c)) for cn, (c, n) in zip("一二三四", [x for x in SUBJECTS if len(x[0]) == 3])]
    for i in range(len(right)):
        a = left[i] if i < len(left) else (None, None)
        b = right[i]
        s.add(a[0], am(a[1]) if a[0] else None, b[0], am(b[1]), am(b[1]), am(D(0)))
    s.add("收入总计", am(total), "支出总计", am(total), am(total), am(D(0)))
    return s


def sangong_vertical(am: Amount, name="三公预算") -> Sheet:
    """Vertical 三公 budget table with 其中 rows and 上年预算数 | 本年预算数 | 增减额 | 增减率 (text)."""
    s = Sheet(name)
    head(s, "“三公”经费预算表", None, 5, "")
    s.add("项目", "上年预算数", "本年预算数", "增减额", "增减率")
    labels = [("“三公”经费合计", None), ("因公出国（境）费", 0), ("公务用车购置及运行费", "car"),
              ("其中：公务用车购置费", 1), ("公务用车运行费", 2), ("公务接待费", 3)]
    for lbl, idx in labels:
        def pick(v):
            return sum(v, D(0)) if idx is None else (v[1] + v[2] if idx == "car" else v[idx])
        a, b = pick(SANGONG_LAST), pick(SANGONG_THIS)
        wa, wb = am(a), am(b)
        da = D(str(wa).strip()) if wa not in (None, "-") else D(0)
        db = D(str(wb).strip()) if wb not in (None, "-") else D(0)
        ch = db - da
        s.add(lbl, wa, wb, "-" if ch == 0 else float(ch), rate_text(db, da) or "-")
    return s


def leaf_spend_with_shares(am: Amount, name="项级支出") -> Sheet:
    """项-level rows only (codes in brackets inside the name cell), 合计 at the top, a 占比（%） column."""
    s = Sheet(name)
    head(s, "一般公共预算支出预算表（按功能分类项级科目）", None, 4, "")
    s.add("项目（单位：万元）", "基本支出", "项目支出", "占支出合计比重（%）")
    s.add(None, None, None, None)
    s.merge(len(s.rows) - 1, 1, len(s.rows), 1)
    s.merge(len(s.rows) - 1, 2, len(s.rows), 2)
    s.merge(len(s.rows) - 1, 3, len(s.rows), 3)
    s.merge(len(s.rows) - 1, 4, len(s.rows), 4)
    total = sub(SPEND, "")
    leaves = [(c, n) for c, n in SUBJECTS if len(c) == 7]
    shares = {c: (sub(SPEND, c) / total * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP) for c, _ in leaves}
    s.add("合计", am(sub(SPEND, "", 0) + sub(SPEND, "", 1)), am(sub(SPEND, "", 2)), 100.0)
    for c, n in leaves:
        s.add(f"[{c}]{n}", am(sub(SPEND, c, 0) + sub(SPEND, c, 1)), am(sub(SPEND, c, 2)), float(shares[c]))
    return s


def project_budget(am: Amount, name="项目支出预算表") -> Sheet:
    """Per project with the unit's name beside it: 单位名称 | 项目名称 | 合计 | 一般公共预算拨款 | 其他资金."""
    s = Sheet(name)
    head(s, "项目支出预算表", None, 5, "")
    s.add("单位名称", "项目名称", "合计", "一般公共预算拨款", "其他资金")
    rows = [("某县法律援助中心", n, c) for n, _, _, c in PROJECTS]
    other = {"律师值班补助": D("5000.00")}
    tot = [sum((r[2] for r in rows), D(0))]
    s.add("合计", None, am(tot[0]), am(tot[0] - sum(other.values(), D(0))), am(sum(other.values(), D(0))))
    for u, n, c in rows:
        o = other.get(n, D(0))
        s.add(u, n, am(c), am(c - o), am(o))
    return s


def sangong_horizontal_yoy(am: Amount, name="三公对比") -> Sheet:
    """Horizontal 三公 table with four groups: 上年预算数 | 本年预算数 | 增减额 | 增减率 (text percent), one row."""
    s = Sheet(name)
    head(s, "“三公”经费预算对比表", None, 16, "")
    groups = ["上年预算数", "本年预算数", "增减额", "增减率"]
    row = []
    for g in groups:
        row += [g, None, None, None]
    s.add(*row)
    r = len(s.rows)
    for i in range(4):
        s.merge(r, 4 * i + 1, r, 4 * i + 4)
    s.add(*(["合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"] * 4))

    def four(v):
        return [sum(v, D(0)), v[0], v[1] + v[2], v[3]]
    last = [D(str(am(x))) if am(x) not in (None, "-") else D(0) for x in four(SANGONG_LAST)]
    this = [D(str(am(x))) if am(x) not in (None, "-") else D(0) for x in four(SANGONG_THIS)]
    change = [b - a for a, b in zip(last, this)]
    s.add(*([am(x) for x in four(SANGONG_LAST)] + [am(x) for x in four(SANGONG_THIS)]
            + ["-" if c == 0 else float(c) for c in change] + [rate_text(b, a) or "-" for a, b in zip(last, this)]))
    return s


# ---------------------------------------------------------------- cases


def shown_as(places: int, sheets: list[Sheet]) -> list[Sheet]:
    """Number cells displayed with `places` decimals (as a unit rounding from 元 to 四位小数 万元 would show them)."""
    for s in sheets:
        for r, row in enumerate(s.rows, 1):
            for c, v in enumerate(row, 1):
                if isinstance(v, float):
                    s.formats[(r, c)] = "#,##0." + "0" * places
    return sheets


def consistent_cases() -> list[Case]:
    wan = Amount("万元")
    four = Amount("万元", places=4, space=True, dash=True)
    return [
        Case("预算公开_万元", budget_set(wan)),
        Case("预算公开_四位小数_尾空格_横杠", budget_set(four, split="short", letters=True)),
        Case("预算_元_千分位文本", [budget_income(Amount("元", text=True), unit_line="金额单位：元"),
                                     budget_spend(Amount("元", text=True), unit_line="金额单位：元", total_top=False)]),
        Case("繁体萬元", [traditional(Amount("萬元", places=2))]),
        Case("表头写单位", [header_unit(Amount("万元", places=2))]),
        Case("两表同页", shown_as(4, [stacked(Amount("万元", places=4))])),
        Case("项目支出_结转", [projects(Amount("元"))]),
        Case("三公_上年本年增减", [sangong_yoy(Amount("万元", places=2, dash=True))]),
        Case("财政拨款收支预算总表", [fiscal_total(Amount("万元", dash=True))]),
        Case("三公预算_纵向_其中", [sangong_vertical(Amount("万元", dash=True))]),
        Case("项级_方括号编码_占比", [leaf_spend_with_shares(Amount("万元"))]),
        Case("项目支出预算_单位名称列", [project_budget(Amount("元", text=True))]),
        Case("三公横向_四组_含增减率", [sangong_horizontal_yoy(Amount("万元", dash=True))]),
        Case("基本支出_合计在下", shown_as(4, [budget_basic(Amount("万元", places=4), total_top=False)])),
    ]


def _find(s: Sheet, label: str, col: int, nth=0) -> str:
    return s.find(label, col, nth=nth)


def _case(name, sheets, sheet_name, label, col, delta, am, expect=None, nth=0, value=None) -> Case:
    c = Case(name, sheets)
    s = next(x for x in sheets if x.name == sheet_name)
    cell = _find(s, label, col, nth)
    s.set(cell, value if value is not None else am.bump(s.get(cell), D(delta)))
    c.planted.append((sheet_name, expect(s, cell) if expect else cell))
    return c


def planted_cases() -> list[Case]:
    wan = Amount("万元")
    four = Amount("万元", places=4, space=True, dash=True)
    out = []
    # a detail cell of the two-way 支出预算表 (合计 at the top): its row and its column both break
    out.append(_case("支出预算_明细错", budget_set(wan), "预算03表", "行政运行", 4, 10000, wan))
    # the 本年支出合计 of 收支预算总表: items and 支出总计 both disagree with it
    out.append(_case("收支总表_支出合计错", budget_set(wan), "预算01表", "本年支出合计", 4, 3000, wan))
    # an income detail typed wrong in a prefix-coded 收入预算表 (类|款|项 repeat the parent code)
    out.append(_case("收入预算_前缀编码_明细错", budget_set(wan), "预算02表", "法律援助", 7, -2000, wan))
    # an 增减率 that does not fit 增减额 ÷ 上年预算数
    out.append(_case("一般公共预算_增减率错", budget_set(wan), "预算05表", "司法", 6, 0, wan, value="-3.50%"))
    # a 公用经费 detail (30201) in the 基本支出表: breaks 302 and its own row (合计 | 人员 | 公用)
    out.append(_case("基本支出_办公费错", budget_set(wan), "预算06表", "办公费", 5, 1000, wan,
                     expect=lambda s, cell: cell + "|" + cell.replace("E", "C")))
    # 三公 horizontal: 本年 公务接待费 wrong → its 合计 breaks
    c = Case("三公预算_接待费错", budget_set(wan))
    s = next(x for x in c.sheets if x.name == "预算07表")
    row = len(s.rows)
    s.set(f"L{row}", wan.bump(s.get(f"L{row}"), D(500)))
    c.planted.append(("预算07表", f"L{row}|G{row}"))
    out.append(c)
    # four-decimal table: a figure typed in 元 among 万元 ones
    c = Case("四位小数_元误填", budget_set(four, split="short", letters=True))
    s = c.sheets[2]
    cell = s.find("住房公积金", 3)
    s.set(cell, "49876.5400 ")
    c.planted.append(("预算03表", cell))
    out.append(c)
    # traditional-character table: a class total wrong (its items and the 合计 row disagree)
    out.append(_case("繁体_类合计错", [traditional(Amount("萬元"))], "支出決算表", "社会保障和就业支出", 3, 1000,
                     Amount("萬元")))
    # the second of two stacked tables: a 项目支出 of 法律援助
    out.append(_case("两表同页_下表错", shown_as(4, [stacked(Amount("万元", places=4))]), "收支预算表", "法律援助",
                     5, 800, Amount("万元", places=4), nth=1))
    # per-project carry-over: 年末结转和结余 wrong for one project
    out.append(_case("项目支出_年末结转错", [projects(Amount("元"))], "项目支出表", "律师值班补助", 5, 2000,
                     Amount("元")))
    # the unit written in the header cells: a total wrong
    out.append(_case("表头写单位_合计错", [header_unit(Amount("万元"))], "支出预算表", "合计", 4, 5000,
                     Amount("万元")))
    # 三公 yoy: 本年决算数 of 公务接待费 wrong → 合计 and 增减金额 break
    am = Amount("万元", places=2, dash=True)
    out.append(_case("三公增减_接待费错", [sangong_yoy(am)], "三公经费", "3.公务接待费", 3, 300, am))
    # second round: slips in the columns and tables the first round did not touch
    out.append(_case("一般公共预算_增减额错", budget_set(wan), "预算05表", "法律援助", 5, 0, wan, value=1.0))
    out.append(_case("一般公共预算_本年数错", budget_set(wan), "预算05表", "法律援助", 4, 1000, wan))
    out.append(_case("三公增减_幅度错", [sangong_yoy(am)], "三公经费", "2.公务用车购置及运行费", 5, 0, am,
                     value=-12.5))
    c = _case("项目支出_合计在上_支出合计错", [projects(Amount("元"))], "项目支出表", "合计", 4, 1000, Amount("元"))
    out.append(c)
    yt = Amount("元", text=True)
    out.append(_case("元表_万元误填", [budget_spend(yt, unit_line="金额单位：元")], "预算03表", "住房公积金", 3, 0,
                     yt, value="4.99"))
    out.append(_case("萬元表_元误填", [traditional(Amount("萬元"))], "支出決算表", "行政单位医疗", 4, 0,
                     Amount("萬元"), value=38901.23))
    c = Case("收支总表_上年结转错", budget_set(wan))
    s = c.sheets[0]
    cell = s.find("上年结转", 2)
    s.set(cell, wan.bump(s.get(cell), D(5000)))
    c.planted.append(("预算01表", cell + "|" + s.find("收入总计", 2)))
    out.append(c)
    out.append(_case("财政拨款总表_明细错", [fiscal_total(Amount("万元", dash=True))], "预算04表", "三、卫生健康支出",
                     5, 700, Amount("万元", dash=True)))
    out.append(_case("三公纵向_运行费错", [sangong_vertical(Amount("万元", dash=True))], "三公预算", "公务用车运行费",
                     3, 400, Amount("万元", dash=True)))
    # third round
    w = Amount("万元")
    out.append(_case("项级_占比错", [leaf_spend_with_shares(w)], "项级支出", "[2040610]法律援助", 4, 0, w, value=26.34))
    # one relation only (no row total column): the leaf or the 合计 of its column
    out.append(_case("项级_明细错", [leaf_spend_with_shares(w)], "项级支出", "[2101101]行政单位医疗", 2, 2000, w,
                     expect=lambda s, cell: cell + "|B5"))
    yt = Amount("元", text=True)
    out.append(_case("项目支出预算_拨款错", [project_budget(yt)], "项目支出预算表", "法治宣传及援助站点运行", 4, 900,
                     yt))
    # fourth round: the horizontal 三公 table with a 增减额 group (the 增减率 group must never be summed)
    c = Case("三公横向_增减额错", [sangong_horizontal_yoy(Amount("万元", dash=True))])
    s = c.sheets[0]
    row = len(s.rows)
    s.set(f"L{row}", 0.05)
    c.planted.append(("三公对比", f"L{row}|I{row}"))
    out.append(c)
    return out


if __name__ == "__main__":
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    for case in consistent_cases() + planted_cases():
        case.write(out_dir / f"{case.name}.xlsx")
        print(case.name, case.planted)
