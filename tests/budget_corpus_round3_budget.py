"""Round-3 corpus, second part: the 部门预算公开表 of the same 法律援助中心 for 2025 (预算01–09表), built from one
model of the year's budget in 元 and written in the looks of `budget_corpus_round3` (codes one / spaced / split,
合计 first or last, 栏次 rows, text exported with trailing spaces, 万元 rounded cell by cell or 元, one sheet).

Tables: 部门收支总表 (收入 | 预算数 | 支出 | 预算数, 上年结转结余 and 年末结转结余), 部门收入总表 (合计 | 上年结转结余 |
一般公共预算拨款收入 … 其他收入), 部门支出总表 (合计 | 基本支出 | 项目支出 | 事业单位经营支出 | 上缴上级支出 | 对附属单位
补助支出), 财政拨款收支总表 (一、本年收入 / 1. 2. 3. / 二、上年结转 / 1. 2. 3. on the left; 一、本年支出 with （一）（二）
classes / 二、年终结转结余 on the right, 合计 | 一般公共预算 | 政府性基金预算 | 国有资本经营预算), 一般公共预算支出表
(功能分类, 基本支出 split or not), 一般公共预算基本支出表 (部门预算支出经济分类 501 / 502 / 509 or, for a 事业单位,
505 对事业单位经常性补助 with 50501 / 50502; 合计 | 人员经费 | 公用经费), 三公 (across, one row), and the empty
政府性基金 / 国有资本经营 tables with their note.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from budget_corpus_round3 import CLASSES, Case, Look, Sheet, bump, cn, final_accounts, head, lead_of, mark_row, \
    measure, subject_table, tot

D = Decimal
PREFIX = "2025年"

NAMES = {"204": "公共安全支出", "20406": "司法", "2040601": "行政运行", "2040602": "一般行政管理事务",
         "2040610": "法律援助", "208": "社会保障和就业支出", "20805": "行政事业单位养老支出",
         "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
         "210": "卫生健康支出", "21011": "行政事业单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助",
         "221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金"}
# leaf -> (人员经费, 公用经费, 项目支出), all funds
SPEND = {"2040601": (D("1302467"), D("176385"), D(0)), "2040602": (D(0), D(0), D("40126")),
         "2040610": (D(0), D(0), D("690349")), "2080505": (D("157313"), D(0), D(0)),
         "2080506": (D("62925"), D(0), D(0)), "2101102": (D("78657"), D(0), D(0)),
         "2101103": (D("23597"), D(0), D(0)), "2210201": (D("117986"), D(0), D(0))}
OTHER = {"2040601": D("5000")}          # 其他收入, 公用经费 of 行政运行
CARRY = {"2040610": D("28000")}         # 上年财政拨款结转, spent on 法律援助
SUBJECTS = sorted(NAMES)
# 部门预算支出经济分类 of the 一般公共预算 basic spending (机关: 501 / 502 / 509)
GOV = [("501", "机关工资福利支出"), ("50101", "工资奖金津补贴", D("1103582")), ("50102", "社会保障缴费", D("243895")),
       ("50103", "住房公积金", D("117986")), ("50199", "其他工资福利支出", None),
       ("502", "机关商品和服务支出"), ("50201", "办公经费", D("96431")), ("50202", "会议费", D("3000")),
       ("50203", "培训费", D("6000")), ("50206", "公务接待费", D("3500")), ("50208", "公务用车运行维护费", D("19000")),
       ("50209", "维修（护）费", D("7200")), ("50299", "其他商品和服务支出", None),
       ("509", "对个人和家庭的补助"), ("50901", "社会福利和救助", D("12000")), ("50905", "离退休费", D("26500"))]
# the same for a 事业单位: 505 对事业单位经常性补助 (50501 人员 / 50502 公用) and 509
INST = [("505", "对事业单位经常性补助"), ("50501", "工资福利支出", None), ("50502", "商品和服务支出", None),
        ("509", "对个人和家庭的补助"), ("50901", "社会福利和救助", D("12000")), ("50905", "离退休费", D("26500"))]
SANGONG = (D(0), D(0), D("19000"), D("3500"))      # 出国, 购置, 运行, 接待


def fiscal(code: str = "", idx: int | None = None) -> Decimal:
    """一般公共预算 spending (this year's grant and last year's carry-over): all funds less 其他收入."""
    if idx is None:
        return sum((fiscal(code, i) for i in range(3)), D(0))
    return tot(SPEND, code, idx) - (tot(OTHER, code) if idx == 1 else D(0))


def grant(code: str = "") -> Decimal:
    return fiscal(code) - tot(CARRY, code)


def econ(institution: bool) -> list:
    """(code, name, 人员经费, 公用经费) lines, group lines first, the rest-of-group lines filled in."""
    people, public = fiscal("", 0), fiscal("", 1)
    rows = INST if institution else GOV
    kind = {"501": 0, "50501": 0, "509": 0, "502": 1, "50502": 1}
    leaves = [r for r in rows if len(r) == 3]
    known = [sum((v for c, _, v in leaves if v is not None and kind.get(c[:3], kind.get(c)) == k), D(0)) for k in (0, 1)]
    filled = []
    for c, n, v in leaves:
        k = kind.get(c[:3], kind.get(c))
        if v is None:
            v = (people, public)[k] - known[k]
            assert v > 0
        filled.append((c, n, v if k == 0 else D(0), v if k == 1 else D(0)))
    out = []
    for r in rows:
        if len(r) == 2:
            parts = [x for x in filled if x[0].startswith(r[0])]
            out.append((r[0], r[1], sum((x[2] for x in parts), D(0)), sum((x[3] for x in parts), D(0))))
        else:
            out.append(next(x for x in filled if x[0] == r[0]))
    return out


def b01(s: Sheet, lk: Look):
    """部门收支总表."""
    head(s, "部门收支总表", "预算01表", 4, lk, PREFIX)
    r = s.add("收入", None, "支出", None)
    s.merge(r, 1, r, 2)
    s.merge(r, 3, r, 4)
    s.add("项目", "预算数", "项目", "预算数")
    if lk.marks:
        s.add("栏次", "1", "栏次", "2")
    income = [("一、一般公共预算拨款收入", grant()), ("二、政府性基金预算拨款收入", D(0)), ("三、国有资本经营预算拨款收入", D(0)),
              ("四、财政专户管理资金收入", D(0)), ("五、事业收入", D(0)), ("六、上级补助收入", D(0)),
              ("七、附属单位上缴收入", D(0)), ("八、事业单位经营收入", D(0)), ("九、其他收入", tot(OTHER))]
    cls = {n: tot(SPEND, c) for c, n in NAMES.items() if len(c) == 3}
    spend = [(f"{cn(i)}、{n}", cls.get(n, D(0))) for i, n in enumerate(CLASSES, 1)]
    income += [(None, None)] * (len(spend) - len(income))
    for (a, va), (b, vb) in zip(income, spend):
        r = s.add(a, lk(va) if a else None, b, lk(vb))
        s.at[("b01", b.split("、")[1], "预算数")] = f"D{r}"
    year_in = grant() + tot(OTHER)
    s.add("本年收入合计", lk(year_in), "本年支出合计", lk(tot(SPEND)))
    s.add("上年结转结余", lk(tot(CARRY)), "年末结转结余", lk(D(0)))
    s.add("收入总计", lk(year_in + tot(CARRY)), "支出总计", lk(tot(SPEND)))


def b02(s: Sheet, lk: Look):
    heads = ["合计", "上年结转结余", "一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入",
             "财政专户管理资金收入", "事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入"]
    head(s, "部门收入总表", "预算02表", lead_of(lk) + len(heads), lk, PREFIX)

    def values(code):
        c, g, o = tot(CARRY, code), grant(code), tot(OTHER, code)
        return [c + g + o, c, g] + [D(0)] * 7 + [o]
    subject_table(s, "b02", lk, heads, values, SUBJECTS, names=NAMES)


def b03(s: Sheet, lk: Look):
    heads = ["合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"]
    head(s, "部门支出总表", "预算03表", lead_of(lk) + len(heads), lk, PREFIX)

    def values(code):
        p, g, j = (tot(SPEND, code, i) for i in range(3))
        return [p + g + j, p + g, j, D(0), D(0), D(0)]
    subject_table(s, "b03", lk, heads, values, SUBJECTS, names=NAMES)


def b04(s: Sheet, lk: Look):
    """财政拨款收支总表."""
    head(s, "财政拨款收支总表", "预算04表", 7, lk, PREFIX)
    r = s.add("收入", None, "支出", None, None, None, None)
    s.merge(r, 1, r, 2)
    s.merge(r, 3, r, 7)
    s.add("项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算")
    if lk.marks:
        s.add("栏次", "1", "栏次", "2", "3", "4", "5")
    z = D(0)
    income = [("一、本年收入", grant()), ("1.一般公共预算拨款", grant()), ("2.政府性基金预算拨款", z),
              ("3.国有资本经营预算拨款", z), ("二、上年结转", tot(CARRY)), ("1.一般公共预算拨款", tot(CARRY)),
              ("2.政府性基金预算拨款", z), ("3.国有资本经营预算拨款", z)]
    classes = [(NAMES[c], fiscal(c)) for c in SUBJECTS if len(c) == 3]
    spend = [("一、本年支出", fiscal())] + [(f"（{cn(i)}）{n}", v) for i, (n, v) in enumerate(classes, 1)] + \
        [("二、年终结转结余", z)]
    n = max(len(income), len(spend))
    income += [(None, None)] * (n - len(income))
    spend += [(None, None)] * (n - len(spend))
    for (a, va), (b, vb) in zip(income, spend):
        r = s.add(a, lk(va) if a else None, b, *([lk(vb), lk(vb), lk(z), lk(z)] if b else [None] * 4))
        if b:
            s.at[("b04", b[3:] if b.startswith("（") else b, "合计")] = f"D{r}"
    total = fiscal()
    s.add("收入总计", lk(total), "支出总计", lk(total), lk(total), lk(z), lk(z))


def b05(s: Sheet, lk: Look):
    if lk.basic_split:
        heads = ["合计", "小计", "人员经费", "公用经费", "项目支出"]
        groups_row = ["合计", "基本支出", None, None, "项目支出"]
    else:
        heads, groups_row = ["合计", "基本支出", "项目支出"], None
    head(s, "一般公共预算支出表", "预算05表", lead_of(lk) + len(heads), lk, PREFIX)

    def values(code):
        p, g, j = (fiscal(code, i) for i in range(3))
        return [p + g + j] + ([p + g, p, g] if lk.basic_split else [p + g]) + [j]
    subject_table(s, "b05", lk, heads, values, SUBJECTS, groups_row, names=NAMES)


def b06(s: Sheet, lk: Look):
    heads = ["合计", "人员经费", "公用经费"]
    head(s, "一般公共预算基本支出表", "预算06表", 5, lk, PREFIX)
    r = s.add("部门预算支出经济分类科目", None, "本年一般公共预算基本支出", None, None)
    s.merge(r, 1, r, 2)
    s.merge(r, 3, r, 5)
    s.add("科目编码", "科目名称", *heads)
    if lk.marks:
        mark_row(s, 2, 3)
    rows = econ(lk.econ_list)
    total = (fiscal("", 0) + fiscal("", 1), fiscal("", 0), fiscal("", 1))

    def total_row():
        r = s.add("合计", None, *[lk(v) for v in total])
        s.merge(r, 1, r, 2)
        s.put("b06", "合计", dict(zip(heads, total)), 3, r)
    if not lk.total_last:
        total_row()
    for c, n, p, g in rows:
        code = " ".join([c[:3]] + ([c[3:]] if len(c) > 3 else [])) if lk.codes == "spaced" else c
        r = s.add(code, n, lk(p + g), lk(p), lk(g))
        s.put("b06", c, dict(zip(heads, (p + g, p, g))), 3, r)
    if lk.total_last:
        total_row()


def b07(s: Sheet, lk: Look):
    head(s, "一般公共预算“三公”经费支出表", "预算07表", 6, lk, PREFIX)
    r = s.add("合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费")
    s.add(None, None, "小计", "公务用车购置费", "公务用车运行费", None)
    for c in (1, 2, 6):
        s.merge(r, c, r + 1, c)
    s.merge(r, 3, r, 5)
    if lk.marks:
        s.add(*[str(i) for i in range(1, 7)])
    o, b, run, h = SANGONG
    r = s.add(*[lk(v) for v in (o + b + run + h, o, b + run, b, run, h)])
    s.at[("b07", "预算数", "合计")] = f"A{r}"


def b_empty(s: Sheet, lk: Look, title: str, number: str, heads: list, what: str):
    head(s, title, number, lead_of(lk) + len(heads), lk, PREFIX)
    subject_table(s, number, lk, heads, lambda code: [D(0)] * len(heads), [], names=NAMES)
    if not lk.empty_zeros:
        s.rows.pop()
        s.merges = [m for m in s.merges if m[0] <= len(s.rows)]
    s.add(f"注：本部门2025年度无{what}，故本表为空表。")


def b08(s, lk):
    b_empty(s, lk, "政府性基金预算支出表", "预算08表", ["合计", "基本支出", "项目支出"], "政府性基金预算拨款安排的支出")


def b09(s, lk):
    b_empty(s, lk, "国有资本经营预算支出表", "预算09表", ["合计", "基本支出", "项目支出"], "国有资本经营预算拨款安排的支出")


TABLES = [("预算01表", b01), ("预算02表", b02), ("预算03表", b03), ("预算04表", b04), ("预算05表", b05),
          ("预算06表", b06), ("预算07表", b07), ("预算08表", b08), ("预算09表", b09)]

# econ_list here means: a 事业单位 (505 对事业单位经常性补助) rather than 机关 (501 / 502)
LOOKS = {
    "预算_万元_栏次_合计在前": Look(),
    "预算_万元_文本导出_合计在后_事业单位": Look(text=True, total_last=True, zero="-", econ_list=True),
    "预算_元_空格编码_基本支出分列": Look(unit="元", codes="spaced", basic_split=True, zero=None),
    "预算_万元_类款项分列_无栏次_一张工作表": Look(codes="split", marks=False, one_sheet=True, empty_zeros=False),
    "预算_元_文本导出_分列_事业单位": Look(unit="元", text=True, codes="split", econ_list=True, zero="0.00"),
}


def budget_set(lk: Look) -> list[Sheet]:
    return final_accounts(lk, TABLES, "部门预算公开表")


def consistent_cases() -> list[Case]:
    return [Case(name, budget_set(lk), lk) for name, lk in LOOKS.items()]


def planted_cases() -> list[Case]:
    out = []
    for name, lk in LOOKS.items():
        def case(kind):
            c = Case(f"{name}·{kind}", budget_set(lk), lk, kind)
            out.append(c)
            return c

        c = case("合计错")
        p = c.where("b03", "合计", "合计")
        bump(c, p, D("3000"))
        c.planted.append(p)

        c = case("款行与类、项不符")
        p = c.where("b05", "20406", "项目支出")
        bump(c, p, D("-1500"))
        c.planted.append(p)

        c = case("总表与支出总表不符")
        for cls, code, delta in (("社会保障和就业支出", "208", D("800")), ("卫生健康支出", "210", D("-800"))):
            p = c.where("b01", cls, "预算数")
            bump(c, p, delta)
            c.planted.append(f"{p}|{c.where('b03', code, '合计')}")

        if lk.unit == "万元":
            c = case("单格元写成万元")
            p = c.where("b06", "50103" if not lk.econ_list else "50905", "人员经费")
            v = D("117986") if not lk.econ_list else D("26500")
            c.change(p, f"{v:,}.00 " if lk.text else float(v))
            c.planted.append(p)

        c = case("上年结转结余错")
        s = next(x for x in c.sheets if any(k[0] == "b01" for k in x.at))
        r = next(i for i, row in enumerate(s.rows, 1) if "上年结转结余" in row)
        p = f"{s.name}!B{r}"
        bump(c, p, D("5000"))
        c.planted.append(p)

        c = case("三公合计错")
        p = c.where("b07", "预算数", "合计")
        bump(c, p, D("1000"))
        c.planted.append(p)

        c = case("基本支出不等于人员加公用")
        p = c.where("b05", "合计", "小计") if lk.basic_split else c.where("b06", "合计", "合计")
        bump(c, p, D("2000"))
        c.planted.append(p)
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(measure(Path(tmp), "-v" in sys.argv, consistent_cases(), planted_cases())))
