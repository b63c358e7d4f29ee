"""A generated corpus for the slips `legalaid check-report` used to miss: "分别为/分别是" lists, 执行率 against 执行数 ÷
预算数, a figure restated later under another label (an alias), and a pasted table whose last row is 合计/总计.

Each model is one county centre's consistent year (amounts exact at the precision written); each document writes it
in one of several wordings: 万元 with 2–4 decimals or 元 with thousands separators, percentages with 1 or 2 decimals
(rounded half up from the figures as written), Chinese or ASCII punctuation, half- or full-width digits, tables with
a 项目 column only, a 序号 column or a 科目编码 column (the 合计 row with an empty or a missing code cell), one or two
amount columns. A planted document changes exactly one figure and records where it is in the text and which findings
a reader would accept there. Wording is this project's own (modelled on how published 决算情况说明 and 部门整体支出
绩效自评报告 phrase these figures, not copied from any).

`python tests/report_slip_corpus.py` prints precision and recall per slip kind.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENTRES = ["青溪县法律援助中心", "白河县法律援助中心", "临川县法律援助中心", "石门县法律援助中心", "东坪县法律援助中心",
           "南岭县法律援助中心"]
FULL_DIGITS = str.maketrans("0123456789%.", "０１２３４５６７８９％．")
ASCII_PUNCT = str.maketrans("，；：（）", ",;:()")
MARK = re.compile("\x01([a-z_]+)\x02(.*?)\x03", re.S)


def q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class Accept:
    """A finding a reader would accept for the slip: at figure `key`, of one of `kinds`, expecting one of `expected`."""

    key: str
    kinds: set[str]
    expected: set[str]


@dataclass
class Doc:
    name: str
    kind: str                       # the slip kind ("" for a clean document)
    text: str
    where: dict[str, tuple[int, int, str]] = field(default_factory=dict)   # key → (offset, line offset, as written)
    accept: list[Accept] = field(default_factory=list)

    def hit(self, f) -> bool:
        for a in self.accept:
            at, line, written = self.where[a.key]
            if f.at in (at, line) and f.kind in a.kinds and f.expected in a.expected and \
                    (f.stated == written or f.at == line and f.stated in written):
                return True
        return False


class Model:
    """Consistent figures of one centre's year, written in one style."""

    def __init__(self, seed: int):
        r = self.r = random.Random(seed)
        self.seed = seed
        self.year = r.randint(2019, 2025)
        self.centre = r.choice(CENTRES)
        self.unit = r.choice(["万元", "万元", "万元", "元"])
        self.d = 2 if self.unit == "元" else r.choice([2, 2, 3, 4])
        self.pd = r.choice([1, 2, 2])
        self.ascii = r.random() < 0.25
        self.fullwidth = r.random() < 0.15
        step = self.step = Decimal(1).scaleb(-self.d) * (10000 if self.unit == "万元" else 1)   # last decimal, in 元

        def money(low: int, high: int) -> Decimal:          # in 元, a whole number of the last decimal shown
            return Decimal(r.randint(int(low / step), int(high / step))) * step

        self.personnel = money(500000, 1500000)
        self.public = money(80000, 400000)
        self.basic = self.personnel + self.public
        self.project = money(150000, 900000)
        self.total = self.basic + self.project
        self.fiscal = money(int(self.total * Decimal("0.8")), int(self.total * Decimal("0.97")))
        self.other = self.total - self.fiscal
        self.income = self.total
        self.initial = money(int(self.total * Decimal("0.85")), int(self.total * Decimal("0.98")))
        self.adjusted = money(int(self.total * Decimal("1.001")), int(self.total * Decimal("1.08")))
        self.reception = money(2000, 20000)
        self.car = money(5000, 40000)
        self.three = self.reception + self.car
        self.criminal, self.civil, self.admin = r.randint(150, 500), r.randint(100, 400), r.randint(1, 12)
        self.cases = self.criminal + self.civil + self.admin
        # the table: economic classification of the year's spending, adding up to the total
        wages = money(int(self.personnel * Decimal("0.8")), int(self.personnel * Decimal("0.95")))
        rows = [("30101", "基本工资", wages), ("30305", "生活补助", self.personnel - wages),
                ("30201", "办公费", money(10000, int(self.public * Decimal("0.4"))))]
        rows.append(("30211", "差旅费", self.public - rows[2][2]))
        aid = money(int(self.project * Decimal("0.6")), int(self.project * Decimal("0.9")))
        rows += [("30227", "委托业务费", aid), ("30299", "其他商品和服务支出", self.project - aid)]
        self.rows = rows
        self.fiscal_basic = money(int(self.fiscal * Decimal("0.55")), int(self.fiscal * Decimal("0.7")))
        self.fiscal_project = self.fiscal - self.fiscal_basic
        self.table_style = r.choice(["plain", "plain", "serial", "code", "code_merged", "two"])
        self.wording = {k: r.randint(0, 11) for k in ("income", "exp", "basic", "exec", "cases", "again", "tail")}
        self.rate_key = "rate_initial" if self.wording["exec"] % 8 == 7 else "rate"

    # ---------------------------------------------------------------- how figures are written

    def m(self, value: Decimal, unit: str | None = None) -> str:
        unit = unit or self.unit
        if unit == "元":
            return f"{value:,.2f}元"
        number = q(value / 10000, self.d)
        return f"{number:,.{self.d}f}万元" if number >= 1000 and self.r.random() < 0.5 else f"{number:.{self.d}f}万元"

    def cell(self, value: Decimal) -> str:
        if self.unit == "元":
            return f"{value:,.2f}"
        return f"{q(value / 10000, self.d):.{self.d}f}"

    def p(self, part: Decimal, whole: Decimal) -> str:
        return f"{q(part / whole * 100, self.pd):.{self.pd}f}%"

    def values(self) -> dict[str, str]:
        r = random.Random(self.seed * 31 + 7)        # the same grouping choices for clean and planted twins
        self.r = r
        v = {"income": self.m(self.income), "fiscal": self.m(self.fiscal), "other": self.m(self.other),
             "fiscal_pct": self.p(self.fiscal, self.income), "other_pct": self.p(self.other, self.income),
             "total": self.m(self.total), "basic": self.m(self.basic), "project": self.m(self.project),
             "basic_pct": self.p(self.basic, self.total), "project_pct": self.p(self.project, self.total),
             "personnel": self.m(self.personnel), "public": self.m(self.public),
             "initial": self.m(self.initial), "adjusted": self.m(self.adjusted), "executed": self.m(self.total),
             "rate": self.p(self.total, self.adjusted), "rate_initial": self.p(self.total, self.initial),
             "three": self.m(self.three), "reception": self.m(self.reception), "car": self.m(self.car),
             "cases": f"{self.cases}件", "criminal": f"{self.criminal}件", "civil": f"{self.civil}件",
             "admin": f"{self.admin}件",
             "again_fiscal": self.m(self.fiscal), "again_total": self.m(self.total), "again_public": self.m(self.public),
             "again_three": self.m(self.three), "again_project": self.m(self.project),
             "t_total": self.cell(self.total), "f_total": self.m(self.fiscal), "f_basic": self.m(self.fiscal_basic),
             "f_project": self.m(self.fiscal_project)}
        for i, (_, _, value) in enumerate(self.rows):
            v[f"t_row_{'abcdef'[i]}"] = self.cell(value)
        return v

    # ---------------------------------------------------------------- the text

    def paragraphs(self, v: dict[str, str]) -> list[str]:
        y, w = self.year, self.wording
        out = [f"{self.centre}{y}年度部门整体支出绩效自评报告" if w["tail"] % 2 else f"{self.centre}{y}年度部门决算情况说明",
               "一、收入支出情况"]
        out.append([
            f"{y}年度本年收入合计{v['income']}，其中：财政拨款收入{v['fiscal']}，其他收入{v['other']}。",
            f"{y}年度本年收入合计{v['income']}，其中财政拨款收入、其他收入分别为{v['fiscal']}、{v['other']}。",
            f"{y}年度财政拨款收入和其他收入分别为{v['fiscal']}和{v['other']}，收入合计{v['income']}。",
            f"{y}年度收入合计{v['income']}，其中财政拨款收入、其他收入分别是{v['fiscal']}、{v['other']}，"
            f"分别占{v['fiscal_pct']}、{v['other_pct']}。",
        ][w["income"] % 4])
        out.append([
            f"本年支出合计{v['total']}，其中基本支出、项目支出分别为{v['basic']}、{v['project']}，"
            f"分别占{v['basic_pct']}、{v['project_pct']}。",
            f"基本支出、项目支出分别为{v['basic']}、{v['project']}，共计{v['total']}。",
            f"本年支出合计{v['total']}。基本支出和项目支出分别是{v['basic']}和{v['project']}，"
            f"分别占支出合计的{v['basic_pct']}和{v['project_pct']}。",
            f"本年支出合计{v['total']}，其中：基本支出{v['basic']}，占{v['basic_pct']}；项目支出{v['project']}，"
            f"占{v['project_pct']}。",
            f"本年支出合计{v['total']}，其中基本支出、项目支出分别为{v['basic']}、{v['project']}。",
        ][w["exp"] % 5])
        out.append([
            f"基本支出中，人员经费、公用经费分别为{v['personnel']}、{v['public']}。",
            f"人员经费和公用经费分别为{v['personnel']}和{v['public']}。",
            f"人员经费{v['personnel']}，公用经费{v['public']}。",
        ][w["basic"] % 3])
        out.append(f"“三公”经费支出{v['three']}，其中公务接待费、公务用车运行维护费分别为{v['reception']}、{v['car']}，"
                   f"因公出国（境）费为0。" if w["tail"] % 3 else
                   f"“三公”经费支出{v['three']}，其中：公务接待费{v['reception']}，公务用车运行维护费{v['car']}。")
        if w["basic"] % 2 == 0:    # the fund's own 基本支出 / 项目支出: other figures than the department's
            out.append([f"一般公共预算财政拨款支出{v['f_total']}，其中基本支出、项目支出分别为{v['f_basic']}、"
                        f"{v['f_project']}。",
                        f"财政拨款支出{v['f_total']}，其中：基本支出{v['f_basic']}，项目支出{v['f_project']}。"][w["tail"] % 2])
        out.append("二、预算执行情况")
        out += [
            [f"年初预算数{v['initial']}，全年预算数{v['adjusted']}，全年执行数{v['executed']}，预算执行率{v['rate']}。"],
            [f"全年预算数{v['adjusted']}，全年执行数{v['executed']}，执行率为{v['rate']}。"],
            [f"调整后预算数{v['adjusted']}，预算执行数{v['executed']}，预算执行率为{v['rate']}。"],
            [f"年初预算、调整后预算、全年执行数分别为{v['initial']}、{v['adjusted']}、{v['executed']}，"
             f"预算执行率{v['rate']}。"],
            [f"全年预算数{v['adjusted']}，全年执行数{v['executed']}。", "三、绩效指标完成情况",
             f"预算执行方面，全年预算执行率为{v['rate']}，按执行率计分。"],
            [f"{y}年全年预算数为{v['adjusted']}，执行数为{v['executed']}，全年预算执行率{v['rate']}，"
             f"年初预算数{v['initial']}。"],
            [f"全年预算数{v['adjusted']}，实际支出{v['executed']}，预算完成率{v['rate']}。"],
            [f"{y}年度年初预算数{v['initial']}，决算数{v['executed']}，完成年初预算的{v['rate_initial']}，"
             f"主要是年中追加了办案补贴。"],
        ][w["exec"] % 8]
        out.append("四、支出决算表")
        out.append(TABLE)
        out.append("五、履职情况")
        out.append([
            f"全年办理法律援助案件{v['cases']}，其中刑事、民事、行政案件分别为{v['criminal']}、{v['civil']}、{v['admin']}。",
            f"全年办理刑事、民事、行政案件分别为{v['criminal']}、{v['civil']}、{v['admin']}，共计{v['cases']}。",
            f"全年办理法律援助案件{v['cases']}，其中刑事案件{v['criminal']}、民事案件{v['civil']}、行政案件{v['admin']}。",
        ][w["cases"] % 3])
        out.append("六、其他需要说明的事项")
        out.append([
            f"本年一般公共预算财政拨款{v['again_fiscal']}，全部用于保障机构运转和法律援助工作。",
            f"部门整体支出{v['again_total']}，日常公用经费{v['again_public']}，均控制在预算以内。",
            f"“三公”经费合计{v['again_three']}，较预算有所节约。",
            f"全年一般公共预算财政拨款收入{v['again_fiscal']}；本年支出{v['again_total']}。",
            f"财政补助收入{v['again_fiscal']}，公用经费支出{v['again_public']}。",
            f"“三公”经费支出合计{v['again_three']}，项目支出{v['again_project']}。",
        ][w["again"] % 6])
        out.append([   # sentences with 分别 that pair nothing: nothing to check, nothing to report
            "中心分别于3月、9月开展业务培训，分别有25人次、31人次参加。",
            "办案补贴分别按每件800元、1500元的标准发放。",
            "各乡镇工作站分别设立咨询台1个，接待来访群众。",
            f"{y - 1}年、{y}年分别办理案件{self.cases - 40}件、{self.cases}件。",
        ][w["tail"] % 4])
        return out

    def table(self, v: dict[str, str]) -> list[list[str]]:
        unit = "单位：万元" if self.unit == "万元" else "单位：元"
        style = self.table_style
        keys = [f"t_row_{'abcdef'[i]}" for i in range(len(self.rows))]
        total_word = "总计" if self.wording["tail"] % 4 == 1 else "合计"
        if style == "plain":
            body = [["项目", "金额"]] + [[name, v[k]] for (_, name, _), k in zip(self.rows, keys)]
            body.append([total_word, v["t_total"]])
        elif style == "serial":
            body = [["序号", "项目", "金额"]] + [[str(i + 1), name, v[k]]
                                              for i, ((_, name, _), k) in enumerate(zip(self.rows, keys))]
            body.append([total_word, "", v["t_total"]])
        elif style in ("code", "code_merged"):
            body = [["科目编码", "科目名称", "金额"]] + [[code, name, v[k]] for (code, name, _), k in zip(self.rows, keys)]
            body.append([total_word, v["t_total"]] if style == "code_merged" else [total_word, "", v["t_total"]])
        else:   # two amount columns: 预算数 (each row's budget, not checked against prose) and 决算数
            planned = [(value * Decimal("1.05") / self.step).quantize(Decimal(1)) * self.step for _, _, value in self.rows]
            budgets = [self.cell(value) for value in planned]
            budget_total = self.cell(sum(planned, Decimal(0)))
            body = [["项目", "预算数", "决算数"]] + [[name, b, v[k]] for (_, name, _), b, k in zip(self.rows, budgets, keys)]
            body.append([total_word, budget_total, v["t_total"]])
        return [[f"{self.year}年度支出决算明细表"], [unit]] + body


TABLE = "<<表格>>"


def render(model: Model, v: dict[str, str], name: str, kind: str, accept: list[Accept]) -> Doc:
    """The document as text (the table pasted as tab-separated lines), marks taken out and their offsets kept."""
    lines = []
    for p in model.paragraphs(v):
        if p == TABLE:
            lines += ["\t".join(row) for row in model.table(v)]
            continue
        if model.ascii:
            p = p.translate(ASCII_PUNCT)
        if model.fullwidth:      # prose only: a pasted table keeps the digits the spreadsheet wrote
            p = re.sub("[0-9.%]+", lambda m: m.group(0).translate(FULL_DIGITS), p)
        lines.append(p)
    return unmark("\n".join(lines), name, kind, accept)


def unmark(text: str, name: str, kind: str, accept: list[Accept]) -> Doc:
    """The document with its marks taken out, each marked figure's offset, line start and text kept."""
    where, out, pos = {}, [], 0
    for mk in MARK.finditer(text):
        out.append(text[pos:mk.start()])
        at = sum(len(x) for x in out)
        line = "".join(out).rfind("\n") + 1
        where[mk.group(1)] = (at, line, mk.group(2))
        out.append(mk.group(2))
        pos = mk.end()
    out.append(text[pos:])
    return Doc(name, kind, "".join(out), where, accept)


def marked(v: dict[str, str], *keys: str) -> dict[str, str]:
    return {**v, **{k: f"\x01{k}\x02{v[k]}\x03" for k in keys}}


def clean(seed: int) -> Doc:
    m = Model(seed)
    return render(m, m.values(), f"{seed}", "", [])


def _shift(text: str, steps: int) -> str:
    """The same figure moved by `steps` units of its last decimal ("161.79万元", 300 → "164.79万元")."""
    number = re.match(r"[0-9,]+(?:\.[0-9]+)?", text).group(0)
    places = len(number.split(".")[1]) if "." in number else 0
    value = Decimal(number.replace(",", "")) + Decimal(steps).scaleb(-places)
    shown = f"{value:,.{places}f}" if "," in number else f"{value:.{places}f}"
    return shown + text[len(number):]


KINDS = ["分别为-分项", "分别为-合计", "分别占", "执行率", "改称复述", "表尾合计"]


def planted(seed: int) -> list[Doc]:
    """One document per slip kind that the model's wording can carry (a kind the wording does not state is skipped)."""
    m = Model(seed)
    v = m.values()
    w = m.wording
    docs = []
    r = random.Random(seed * 17 + 3)
    steps = r.choice([3, 7, 12, 25, -4, -9, -30]) * (100 if m.unit == "元" else 1)

    def plant(kind: str, key: str, wrong: str, accept: list[Accept], also: tuple = ()) -> None:
        vv = {**v, key: wrong}
        doc = render(m, marked(vv, key, *also), f"{seed}-{kind}", kind, accept)
        docs.append(doc)

    def total_of(keys: list[str], moved: str, unit_of: str) -> str:
        """The sum of the figures (one of them moved) written like `unit_of`."""
        def val(t: str) -> Decimal:
            n = Decimal(re.match(r"[0-9,]+(?:\.[0-9]+)?", t).group(0).replace(",", ""))
            return n
        total = sum((val(moved if k == keys[0] else v[k]) for k in keys), Decimal(0))
        number = re.match(r"[0-9,]+(?:\.[0-9]+)?", v[unit_of]).group(0)
        places = len(number.split(".")[1]) if "." in number else 0
        grouped = "," in number
        return (f"{total:,.{places}f}" if grouped else f"{total:.{places}f}") + v[unit_of][len(number):]

    # 分别为 lists with a total: the moved part makes the parts' sum differ from the total
    lists = []
    if w["income"] % 4 in (1, 2, 3):
        lists.append(("fiscal", ["fiscal", "other"], "income", "fiscal_pct" if w["income"] % 4 == 3 else None))
    if w["exp"] % 5 in (0, 1, 4):
        lists.append(("project", ["project", "basic"], "total", "project_pct" if w["exp"] % 5 == 0 else None))
    if w["cases"] % 3 in (0, 1):
        lists.append(("civil", ["civil", "criminal", "admin"], "cases", None))
    if w["tail"] % 3:
        lists.append(("car", ["car", "reception"], "three", None))
    if lists:
        key, keys, total, share = lists[seed % len(lists)]
        s = steps if key != "civil" else r.choice([9, 17, -13])
        wrong = _shift(v[key], s)
        accept = [Accept(total, {"breakdown"}, {total_of(keys, wrong, total)}), Accept(key, {"breakdown", "share", "repeat"}, {v[key]})]
        plant("分别为-分项", key, wrong, accept, also=(total,))
        wrong = _shift(v[total], s)
        plant("分别为-合计", total, wrong, [Accept(total, {"breakdown"}, {v[total]})])
    # 分别占: one share of a 分别占 list
    shares = []
    if w["income"] % 4 == 3:
        shares.append("other_pct")
    if w["exp"] % 5 in (0, 2):
        shares.append("basic_pct")
    if shares:
        key = shares[seed % len(shares)]
        wrong = _shift(v[key], r.choice([3, -3, 11, 25]) * (10 if m.pd == 1 else 1))
        plant("分别占", key, wrong, [Accept(key, {"share"}, {v[key]})])
    # 执行率
    key = m.rate_key
    wrong = _shift(v[key], r.choice([-2, -5, -13, 10]) * (10 if m.pd == 2 else 1))
    plant("执行率", key, wrong, [Accept(key, {"rate"}, {v[key]})])
    # restated under another label (an alias of the same quantity)
    again = {0: ["again_fiscal"], 1: ["again_total", "again_public"], 2: ["again_three"],
             3: ["again_fiscal", "again_total"], 4: ["again_fiscal", "again_public"],
             5: ["again_three", "again_project"]}[w["again"] % 6]
    key = again[seed % len(again)]
    wrong = _shift(v[key], steps)
    plant("改称复述", key, wrong, [Accept(key, {"repeat"}, {v[key.replace("again_", "")]})])
    # the table's last row (合计/总计) or one row above it, by more than the rows' rounding could explain (each
    # cell ±half a unit of its last decimal: seven cells, ±3.5 units)
    steps = r.choice([8, 12, 25, -9, -30, 700]) * (100 if m.unit == "元" else 1)
    if seed % 2:
        wrong = _shift(v["t_total"] + "万元", steps)[:-2]
        plant("表尾合计", "t_total", wrong, [Accept("t_total", {"structure"}, _number_forms(v["t_total"]))])
    else:
        row = f"t_row_{'abcdef'[seed % 6]}"
        wrong = _shift(v[row] + "万元", steps)[:-2]
        total = _shift(v["t_total"] + "万元", steps)[:-2]
        plant("表尾合计", row, wrong, [Accept("t_total", {"structure"}, _number_forms(total))], also=("t_total",))
    return docs


def _number_forms(cell: str) -> set[str]:
    """How an expected table value may be written: as in the cell, without separators, without trailing zeros."""
    plain = cell.replace(",", "")
    forms = {cell, plain}
    if "." in plain:
        forms.add(plain.rstrip("0").rstrip("."))
    return forms


# ---------------------------------------------------------------- measuring


def measure(seeds, check=None) -> dict[str, dict]:
    """Per slip kind: planted, found once at the right place (tp), missed, extra findings; and the clean documents'
    findings (each a false finding)."""
    return tally(seeds, KINDS, clean, planted, check)


def tally(seeds, kinds, clean_doc, planted_docs, check=None) -> dict[str, dict]:
    """Per slip kind of a corpus (its `clean_doc(seed)` and `planted_docs(seed)`): planted, found once at the right
    place (tp, of which `warned` were warnings), missed, extra findings (warnings count as findings); and every
    finding on a clean document (each a false one)."""
    if check is None:
        from toolkit.report.check import check_report as check
    out = {k: {"planted": 0, "tp": 0, "warned": 0, "missed": [], "extra": []} for k in kinds}
    out["clean"] = {"documents": 0, "false": []}

    def findings(text):
        try:
            return check(text).findings
        except Exception as exc:      # noqa: BLE001 - a crash is a miss (measuring older code)
            return [type("Crash", (), {"kind": "crash", "stated": str(exc)[:40], "expected": "", "at": -1,
                                       "message": "", "severity": "error"})()]

    for seed in seeds:
        doc = clean_doc(seed)
        out["clean"]["documents"] += 1
        out["clean"]["false"] += [(doc.name, f.kind, f.stated, f.message) for f in findings(doc.text)]
        for doc in planted_docs(seed):
            row = out[doc.kind]
            row["planted"] += 1
            found = findings(doc.text)
            hits = [f for f in found if doc.hit(f)]
            if len(hits) == 1:
                row["tp"] += 1
                row["warned"] += getattr(hits[0], "severity", "error") == "warning"
            else:
                row["missed"].append((doc.name, [(f.kind, f.stated, f.expected) for f in found]))
            row["extra"] += [(doc.name, f.kind, f.stated, f.expected) for f in found if f not in hits[:1]]
    return out


def summary(result: dict, kinds=None) -> list[tuple[str, int, int, int, float, float]]:
    """(kind, planted, found, false, precision, recall) per kind."""
    rows = []
    for k in kinds or KINDS:
        row = result[k]
        tp, fp = row["tp"], len(row["extra"])
        rows.append((k, row["planted"], tp, fp, tp / (tp + fp) if tp + fp else 1.0,
                     tp / row["planted"] if row["planted"] else 1.0))
    return rows


def print_measure(measure_corpus, kinds) -> None:   # pragma: no cover - a measuring aid
    """`python tests/<corpus>.py [seeds] [-v]`: the table of one corpus."""
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 60
    res = measure_corpus(range(n))
    print(f"clean documents {res['clean']['documents']}, false findings {len(res['clean']['false'])}")
    for x in res["clean"]["false"][:15]:
        print("  clean:", x)
    for k, planted_n, tp, fp, prec, rec in summary(res, kinds):
        print(f"{k:8s} planted {planted_n:3d} found {tp:3d} (warnings {res[k]['warned']:3d}) extra {fp:3d} "
              f"precision {prec:.3f} recall {rec:.3f}")
    if "-v" in sys.argv:
        for k in kinds:
            for x in res[k]["missed"][:6]:
                print("  missed", k, x)
            for x in res[k]["extra"][:6]:
                print("  extra", k, x)


if __name__ == "__main__":      # pragma: no cover - a measuring aid
    print_measure(measure, KINDS)
