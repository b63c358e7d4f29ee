"""A corpus of self-evaluation / 决算情况说明 texts for `legalaid check-report`, generated from consistent figures.

Each document is written in several wordings (chosen by a seeded random generator), as plain text (a table pasted as
lines) or as a .docx (a real Word table), in simplified or traditional/full-width forms. A clean document states only
figures that agree; a planted document changes exactly one figure and records where the slip is (the figure as
written) and which expected values a reader would accept. Wording is this project's own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from toolkit.report.figures import COUNT, TableValue

CENTRES = ["青溪县法律援助中心", "白河县法律援助中心", "临川县法律援助中心", "石门县法律援助中心", "东坪县法律援助中心"]
TRADITIONAL = str.maketrans({"万": "萬", "占": "佔", "%": "％"})


def q(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def w(value: Decimal, places: int = 2) -> str:
    """A 万元 amount as written: fixed decimals."""
    return f"{q(value, places):.{places}f}"


def pct(part: Decimal, whole: Decimal, places: int = 2) -> str:
    return f"{q(part / whole * 100, places):.{places}f}%"


@dataclass
class Slip:
    """One planted slip: the figure as written in the planted text, the kinds and expected values accepted."""

    name: str
    stated: str
    expected: set[str]
    kinds: set[str]


@dataclass
class Document:
    name: str
    paragraphs: list[str]
    table: list[list[str]]          # rows (title/unit/header/data); empty: no table
    tables: list[TableValue] = field(default_factory=list)   # ledger figures under each basis (口径)
    slip: Slip | None = None
    traditional: bool = False

    def text(self, table_style: str = "tab") -> str:
        """The document as plain text, the table pasted as lines (tab- or space-separated) after the 2nd section."""
        lines = []
        for i, p in enumerate(self.paragraphs):
            lines.append(p)
            if p == TABLE_HERE and self.table:
                lines.pop()
                sep = "\t" if table_style == "tab" else "    "
                lines += [sep.join(r) for r in self.table]
        return "\n".join(x for x in lines if x != TABLE_HERE)

    def write_txt(self, path: Path, table_style: str = "tab") -> Path:
        path.write_text(self.text(table_style), encoding="utf-8")
        return path

    def write_docx(self, path: Path) -> Path:
        from docx import Document as Docx
        doc = Docx()
        for p in self.paragraphs:
            if p == TABLE_HERE:
                if self.table:
                    head = [r for r in self.table if len(r) == 1]
                    body = [r for r in self.table if len(r) > 1]
                    for r in head:
                        doc.add_paragraph(r[0])
                    t = doc.add_table(rows=len(body), cols=max(len(r) for r in body))
                    for i, r in enumerate(body):
                        for j, c in enumerate(r):
                            t.cell(i, j).text = c
                continue
            doc.add_paragraph(p)
        doc.save(str(path))
        return path


TABLE_HERE = "<<表格>>"


class Model:
    """Consistent figures of one county centre's year, and the sentences that state them."""

    def __init__(self, seed: int):
        r = self.r = random.Random(seed)
        self.seed = seed
        self.year = r.randint(2019, 2024)
        self.centre = r.choice(CENTRES)
        d = self.d = r.choice([2, 2, 2, 3, 4])
        self.personnel = q(Decimal(r.randint(400000, 1500000)) / 10000, d)
        self.goods = q(Decimal(r.randint(80000, 400000)) / 10000, d)
        self.basic = self.personnel + self.goods
        self.project = q(Decimal(r.randint(150000, 900000)) / 10000, d)
        self.total = self.basic + self.project
        self.prev = q(self.total * Decimal(r.randint(70, 95)) / 100, d)
        self.delta = self.total - self.prev
        self.fiscal = q(self.total * Decimal(r.randint(85, 97)) / 100, d)
        self.carry = self.total - self.fiscal
        self.carry_year = self.year - r.randint(1, 3)
        self.reception = q(Decimal(r.randint(1000, 9000)) / 10000, d)
        self.car = q(Decimal(r.randint(5000, 30000)) / 10000, d)
        self.three = self.reception + self.car
        self.project_goods = q(self.project * Decimal(r.randint(5, 30)) / 100, d)
        self.criminal, self.civil, self.admin = r.randint(200, 500), r.randint(100, 400), r.randint(1, 9)
        self.help = r.randint(300, 700)
        self.cases = self.criminal + self.civil + self.admin
        self.with_help = r.random() < 0.5       # the report's own basis (口径): cases with or without 法律帮助
        self.persons = self.cases + self.help + r.randint(5, 60)
        self.consult = r.randint(1200, 4000)

    # the figures as the text writes them (keys are overridden to plant a slip)
    def values(self) -> dict[str, str]:
        d = self.d
        stated_cases = self.cases + (self.help if self.with_help else 0)
        v = {
            "total": f"{w(self.total, d)}万元", "basic": f"{w(self.basic, d)}万元", "project": f"{w(self.project, d)}万元",
            "basic_pct": pct(self.basic, self.total), "project_pct": pct(self.project, self.total),
            "personnel": f"{w(self.personnel, d)}万元", "goods": f"{w(self.goods, d)}万元",
            "personnel_pct": pct(self.personnel, self.basic), "goods_pct": pct(self.goods, self.basic),
            "total_again": f"{w(self.total, d)}万元", "income": f"{w(self.total, d)}万元", "total_round": f"{w(self.total, 0)}万元",
            "total_approx": f"{w(self.total, 0)}万元",
            "prev": f"{w(self.prev, d)}万元", "delta": f"{w(self.delta, d)}万元",
            "rate": pct(self.delta, self.prev), "compare": "上年",
            "fiscal": f"{w(self.fiscal, d)}万元", "carry": f"{w(self.carry, d)}万元",
            "three": f"{w(self.three, d)}万元", "reception": f"{w(self.reception, d)}万元", "car": f"{w(self.car, d)}万元",
            "goods_budget": f"{w(self.goods, d)}万元", "goods_budget_pct": pct(self.goods, self.basic),
            "project_goods": f"{w(self.project_goods, d)}万元",
            "project_goods_pct": pct(self.project_goods, self.project),
            "d_basic": f"{w(self.basic, d)}万元", "d_project": f"{w(self.project, d)}万元",
            "d_basic_pct": pct(self.basic, self.total), "d_project_pct": pct(self.project, self.total),
            "cases": f"{stated_cases}件", "criminal": f"{self.criminal}件", "civil": f"{self.civil}件",
            "admin": f"{self.admin}件", "help": f"{self.help}件", "consult": f"{self.consult}人次",
            "consult_approx": f"{self.consult // 100 * 100}余人次",
            "t_total": w(self.total, d), "t_basic": w(self.basic, d), "t_project": w(self.project, d),
            "t_personnel": w(self.personnel, d), "t_goods": w(self.goods, d), "t_three": w(self.three, d),
            "t_reception": w(self.reception, d), "t_car": w(self.car, d),
        }
        return v

    def paragraphs(self, v: dict[str, str], variant: dict) -> list[str]:
        r = random.Random(self.seed * 7 + 1)
        y = self.year
        pick = r.choice
        out = [f"{self.centre}{y}年度部门决算情况说明" if variant["title"] == 0 else
               f"{self.centre}{y}年度部门整体支出绩效自评报告", "一、收入支出概况"]
        out.append(pick([f"{y}年度本单位收入合计{v['income']}，其中：一般公共预算财政拨款收入{v['fiscal']}、"
                         f"{self.carry_year}年结转{v['carry']}。",
                         f"本年度收入总计{v['income']}，其中财政拨款{v['fiscal']}，{self.carry_year}年结转资金"
                         f"{v['carry']}。"]))
        if variant["split_list"]:
            out.append(f"{y}年度支出合计{v['total']}，其中：基本支出{v['basic']}，占{v['basic_pct']}，主要包括工资福利支出"
                       f"{v['personnel']}、商品和服务支出{v['goods']}。")
            out.append(pick(["主要用于保障机构正常运转和日常办公。", "主要用于在职人员工资及日常运转。"]))
            out.append(f"项目支出{v['project']}，占{v['project_pct']}，主要用于法律援助办案补贴和宣传。")
        else:
            out.append(pick([f"{y}年度支出合计{v['total']}，其中：基本支出{v['basic']}，占{v['basic_pct']}；"
                             f"项目支出{v['project']}，占{v['project_pct']}。",
                             f"全年支出总计{v['total']}，其中基本支出{v['basic']}，占总支出的{v['basic_pct']}，"
                             f"项目支出{v['project']}，占总支出的{v['project_pct']}。"]))
            out.append(pick([f"基本支出中，人员经费{v['personnel']}，占基本支出的{v['personnel_pct']}；"
                             f"公用经费{v['goods']}，占基本支出的{v['goods_pct']}。",
                             f"基本支出{v['d_basic']}，其中人员经费{v['personnel']}、公用经费{v['goods']}。"]))
        out.append(pick([f"支出合计较上年的{v['prev']}增加{v['delta']}，增长{v['rate']}，主要是办案量上升。",
                         f"本年支出合计{v['total_again']}，上年支出合计{v['prev']}，增加{v['delta']}，增长{v['rate']}。"])
                   if variant["prev_stated"] else
                   f"本年支出合计{v['total_again']}，较{v['compare']}增加{v['delta']}，增长{v['rate']}。")
        out.append(pick([f"全年支出约{v['total_approx']}，基本完成年度预算。", f"全年支出近{v['total_approx']}。"])
                   if variant["approx"] else f"全年支出合计{v['total_round']}，执行情况良好。")
        out.append(f"按经济分类，基本支出{v['d_basic']}，占{v['d_basic_pct']}；项目支出{v['d_project']}，"
                   f"占{v['d_project_pct']}。")
        out.append(f"商品和服务支出预算{v['goods_budget']}，占基本支出的{v['goods_budget_pct']}；"
                   f"项目支出中商品和服务支出预算{v['project_goods']}，占项目支出的{v['project_goods_pct']}。")
        out.append(pick([f"“三公”经费支出{v['three']}，其中公务接待费{v['reception']}、公务用车运行维护费{v['car']}，"
                         f"因公出国（境）费0万元。",
                         f"“三公”经费合计{v['three']}，其中：公务用车运行维护费{v['car']}，公务接待费{v['reception']}。"]))
        out.append("二、决算表")
        out.append(TABLE_HERE)
        out.append("三、履职情况")
        if self.with_help:
            out.append(f"全年办理法律援助案件{v['cases']}，其中刑事{v['criminal']}、民事{v['civil']}、"
                       f"认罪认罚法律帮助{v['help']}、行政{v['admin']}。")
        else:
            out.append(pick([f"全年办理法律援助案件{v['cases']}，其中刑事案件{v['criminal']}、民事案件{v['civil']}、"
                             f"行政案件{v['admin']}；另提供认罪认罚法律帮助{v['help']}。",
                             f"共受理法律援助案件{v['cases']}，其中民事{v['civil']}、刑事{v['criminal']}、"
                             f"行政{v['admin']}。"]))
        out.append(pick([f"接待群众来访咨询{v['consult']}，发放宣传资料8000余份。",
                         f"解答法律咨询{v['consult']}，开展普法活动20余场。"]))
        out.append(pick(["办案补贴标准为：侦查阶段每件800-1500元，审查起诉阶段每件800～1800元，审判阶段每件1500元至3200元。",
                         "民事案件补贴每件1800元-2000元/件，刑事案件每件800元至1500元，认罪认罚法律帮助每件300～500元。"]))
        out.append(f"截至年底，累计咨询量{v['consult_approx']}。" if variant["approx"] else "咨询服务覆盖全县各乡镇。")
        return out

    def table(self, v: dict[str, str]) -> list[list[str]]:
        return [[f"{self.year}年支出决算表"], ["单位：万元"], ["项目", "金额"],
                ["一、本年支出合计", v["t_total"]], ["1、基本支出", v["t_basic"]], ["（1）人员经费", v["t_personnel"]],
                ["（2）公用经费", v["t_goods"]], ["2、项目支出", v["t_project"]],
                ["二、“三公”经费支出", v["t_three"]], ["1、公务接待费", v["t_reception"]],
                ["2、公务用车运行维护费", v["t_car"]]]

    def bases(self) -> list[TableValue]:
        """The ledger's count of cases under each basis the statistics know (as the CLI computes them)."""
        where = "台账"
        return [TableValue("办理法律援助案件", COUNT, Decimal(self.cases), Decimal(0), where, basis="案件（按指派日期）"),
                TableValue("办理法律援助案件", COUNT, Decimal(self.cases + self.help), Decimal(0), where,
                           basis="案件＋法律帮助（按指派日期）"),
                TableValue("办理法律援助案件", COUNT, Decimal(self.persons), Decimal(0), where, basis="受援人次")]


def _variants(seed: int) -> dict:
    r = random.Random(seed * 13 + 5)
    return {"title": r.randint(0, 1), "split_list": r.random() < 0.5, "prev_stated": r.random() < 0.5,
            "approx": r.random() < 0.7}


def build(seed: int, overrides: dict[str, str] | None = None, variant: dict | None = None) -> tuple[Model, Document]:
    m = Model(seed)
    v = m.values()
    v.update(overrides or {})
    variant = variant or _variants(seed)
    doc = Document(f"{seed}", m.paragraphs(v, variant), m.table(v), m.bases())
    return m, doc


def _shift(text: str, by: Decimal) -> str:
    """"161.79万元" + 2 → "163.79万元" (the same decimals and unit)."""
    number = text.rstrip("万元件人次%")
    unit = text[len(number):]
    places = len(number.split(".")[1]) if "." in number else 0
    return f"{q(Decimal(number) + by, places):.{places}f}{unit}"


def planted(seed: int) -> list[Document]:
    """One document per kind of slip, each with exactly one slip."""
    m, clean = build(seed)
    v = m.values()
    variant = _variants(seed)
    docs = []

    def plant(name: str, overrides: dict, stated: str, expected: set[str], kinds: set[str], **vary) -> None:
        _, doc = build(seed, overrides, {**variant, **vary})
        doc.name = f"{seed}-{name}"
        doc.slip = Slip(name, stated, expected, kinds)
        docs.append(doc)

    plant("单位误写（合计）", {"total": v["total"].replace("万元", "元")}, v["total"].replace("万元", "元"),
          {v["total"]}, {"unit"}, split_list=False)
    plant("单位误写（分项）", {"project": v["project"].replace("万元", "元")}, v["project"].replace("万元", "元"),
          {v["project"]}, {"unit"}, split_list=False)
    wrong = _shift(v["basic"], Decimal(2))
    plant("分项金额", {"basic": wrong}, wrong, {v["basic"]}, {"breakdown", "table"})
    wrong = _shift(v["basic_pct"], Decimal(3))
    plant("占比", {"basic_pct": wrong}, wrong, {v["basic_pct"]}, {"share"})
    wrong = _shift(v["total_again"], Decimal(10))
    plant("前后不一致", {"total_again": wrong}, wrong, {v["total"]}, {"repeat", "table"}, prev_stated=False)
    plant("比较年份", {"compare": f"{m.year}年"}, f"{m.year}年", {"上一年或其他比较年份"}, {"year"}, prev_stated=False)
    wrong = pct(m.delta, m.total)
    plant("增长率基数", {"rate": wrong}, wrong, {v["rate"]}, {"change"}, prev_stated=False)
    wrong = _shift(v["delta"], Decimal(5))
    plant("增减额", {"delta": wrong}, wrong, {v["delta"]}, {"change"}, prev_stated=True)
    wrong = f"{w(m.total * Decimal('1.3'), 0)}万元"
    plant("约数", {"total_approx": wrong}, wrong, {f"约{v['total']}", v["total"], f"{w(m.total, m.d)}万元"},
          {"approx", "table"}, approx=True)
    wrong = _shift(v["t_reception"], Decimal(1))     # the prose states the cell right: found at the cell (branch rp)
    plant("表格", {"t_reception": wrong}, wrong, {v["t_reception"]}, {"structure"})
    wrong = _shift(v["d_project_pct"], Decimal(4))
    plant("推算基数的占比", {"d_project_pct": wrong}, wrong, {v["d_project_pct"]}, {"share"})
    wrong = f"{int(v['cases'].rstrip('件')) + 37}件"
    plant("口径", {"cases": wrong}, wrong, {f"{n}件" for n in (m.cases, m.cases + m.help, m.persons)},
          {"table", "breakdown"})
    wrong = _shift(v["project"], Decimal(3))
    plant("跨句列表", {"project": wrong}, wrong, {v["project"]}, {"breakdown", "table"}, split_list=True)
    wrong = f"{w(m.total + 3, 0)}万元"
    plant("显示精度", {"total_round": wrong}, wrong, {f"{w(m.total, m.d)}万元"}, {"table"}, approx=False)
    for doc in list(docs[:4]):     # the same slips in traditional characters and full-width forms
        twin = Document(doc.name + "-繁", [p.translate(TRADITIONAL) for p in doc.paragraphs], doc.table, doc.tables,
                        Slip(doc.slip.name, doc.slip.stated.translate(TRADITIONAL),
                             doc.slip.expected, doc.slip.kinds), True)
        docs.append(twin)
    return docs


def clean_documents(seeds) -> list[Document]:
    out = []
    for seed in seeds:
        _, doc = build(seed)
        out.append(doc)
        variant = _variants(seed)
        for flip in ("split_list", "prev_stated", "approx"):
            _, other = build(seed, None, {**variant, flip: not variant[flip]})
            other.name = f"{seed}-{flip}"
            out.append(other)
        out.append(Document(f"{seed}-繁", [p.translate(TRADITIONAL) for p in doc.paragraphs], doc.table, doc.tables,
                            None, True))
    return out
