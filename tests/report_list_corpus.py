"""A generated corpus of the list forms `legalaid check-report` used to miss: lists written 各为/各是/依次为/依次是 (as
well as 分别为/分别是), their numbers sometimes sharing one unit written once at the end ("300、700、20件"); a list with
no total of its own whose total stands just before it (in its sentence without 其中, or in the sentence before); and
执行率/完成率 in several wordings.

Each model is one county centre's consistent year (amounts exact at the precision written); each document writes it
in one of several wordings, drawn per paragraph: where the total stands (其中…, closing the list, the sentence before,
the same sentence without 其中), the list word, 、 or 和 between items, shares said with 分别占/各占/依次占, a shared unit,
an ASCII comma between bare amounts ("4003.07,266.33万元"), ASCII punctuation, full-width digits, and sentences with 各/依次 that are no list (they must stay silent). A planted
document changes one figure and says where it is and which findings a reader would accept there. The wording is this
project's own, modelled on how published 部门整体支出绩效自评报告 and 决算情况说明 phrase these figures (e.g. "收、支总计
各是…", "分别占…"), not copied from any.

`python tests/report_list_corpus.py [N]` prints precision and recall per slip kind (put another checkout first on
PYTHONPATH to measure it: the corpus imports `toolkit` from wherever Python finds it first).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal

from report_slip_corpus import (ASCII_PUNCT, CENTRES, FULL_DIGITS, Accept, Doc, _shift, marked, print_measure, q, tally,
                                unmark)
from report_slip_corpus import summary as corpus_summary

WORDS = ["分别为", "分别是", "各为", "各是", "依次为", "依次是"]
NEW_WORDS = ["各为", "各是", "依次为", "依次是"]
KINDS = ["各是-分项", "各是-合计", "上一句合计", "上一句分项", "同单位省略", "执行率"]


@dataclass
class ListForm:
    """How one list of the document is written."""

    key: str             # "income" | "exp" | "basic" | "three" | "cases"
    place: str           # "qizhong" (其中 in its sentence) | "after" (closing total) | "prev" (the sentence before)
    #                      | "same" (its sentence, no 其中) | "qizhong_next" (…。其中，…)
    word: str
    bare: bool           # numbers before the last written without their unit
    shares: str          # "" or the word before 占 ("分别", "各", "依次")
    joint: str           # between items and between figures: "、" or "和"
    comma: bool = False  # bare amounts with decimals separated by an ASCII comma ("4003.07,266.33万元")


class Model:
    """Consistent figures of one centre's year, written in one style."""

    def __init__(self, seed: int):
        r = self.r = random.Random(seed * 7919 + 11)
        self.seed = seed
        self.year = r.randint(2019, 2025)
        self.centre = r.choice(CENTRES)
        self.unit = r.choice(["万元", "万元", "万元", "元"])
        self.d = 2 if self.unit == "元" else r.choice([2, 2, 3, 4])
        self.pd = r.choice([1, 2, 2])
        self.ascii = r.random() < 0.2
        self.fullwidth = r.random() < 0.15
        step = self.step = Decimal(1).scaleb(-self.d) * (10000 if self.unit == "万元" else 1)

        def money(low: int, high: int) -> Decimal:
            return Decimal(r.randint(int(low / step), int(high / step))) * step

        self.personnel = money(500000, 1500000)
        self.public = money(80000, 400000)
        self.basic = self.personnel + self.public
        self.project = money(150000, 900000)
        self.total = self.basic + self.project
        self.fiscal = money(int(self.total * Decimal("0.8")), int(self.total * Decimal("0.97")))
        self.other = self.total - self.fiscal
        self.initial = money(int(self.total * Decimal("0.85")), int(self.total * Decimal("0.98")))
        self.adjusted = money(int(self.total * Decimal("1.001")), int(self.total * Decimal("1.08")))
        self.reception = money(2000, 20000)
        self.car = money(5000, 40000)
        self.three = self.reception + self.car
        self.special = money(300000, 900000)
        self.special_done = money(int(self.special * Decimal("0.85")), int(self.special))
        self.criminal, self.civil, self.admin = r.randint(150, 500), r.randint(100, 400), r.randint(1, 12)
        self.cases = self.criminal + self.civil + self.admin
        self.forms = {key: self._form(key) for key in ("income", "exp", "basic", "three", "cases")}
        self.exec_form = r.randint(0, 6)
        self.noise = r.sample(range(6), 2)

    def _form(self, key: str) -> ListForm:
        r = self.r
        places = {"income": ["qizhong", "after", "prev", "same", "qizhong_next"],
                  "exp": ["qizhong", "after", "prev", "same", "qizhong_next"],
                  "basic": ["same", "prev"],
                  "three": ["qizhong", "prev", "same", "after"],
                  "cases": ["qizhong", "after", "prev", "same", "qizhong_next"]}[key]
        word = r.choice(NEW_WORDS + WORDS)
        shares = r.choice(["", "", "分别", "各", "依次"]) if key in ("income", "exp") else ""
        bare = r.random() < 0.3
        comma = bare and key != "cases" and self.unit == "万元" and r.random() < 0.4   # not "1,249.63,564.33元"
        return ListForm(key, r.choice(places), word, bare, shares, r.choice(["、", "、", "和"]), comma)

    # ---------------------------------------------------------------- how figures are written

    def m(self, value: Decimal) -> str:
        if self.unit == "元":
            return f"{value:,.2f}元"
        number = q(value / 10000, self.d)
        return f"{number:,.{self.d}f}万元" if number >= 1000 and self.r.random() < 0.5 else f"{number:.{self.d}f}万元"

    def p(self, part: Decimal, whole: Decimal) -> str:
        return f"{q(part / whole * 100, self.pd):.{self.pd}f}%"

    def values(self) -> dict[str, str]:
        self.r = random.Random(self.seed * 31 + 5)       # the same choices for clean and planted twins
        v = {"income": self.m(self.total), "fiscal": self.m(self.fiscal), "other": self.m(self.other),
             "fiscal_pct": self.p(self.fiscal, self.total), "other_pct": self.p(self.other, self.total),
             "total": self.m(self.total), "basic": self.m(self.basic), "basic_again": self.m(self.basic), "project": self.m(self.project),
             "basic_pct": self.p(self.basic, self.total), "project_pct": self.p(self.project, self.total),
             "personnel": self.m(self.personnel), "public": self.m(self.public),
             "three": self.m(self.three), "reception": self.m(self.reception), "car": self.m(self.car),
             "cases": f"{self.cases:,}件" if self.r.random() < 0.5 else f"{self.cases}件",
             "criminal": f"{self.criminal}件", "civil": f"{self.civil}件", "admin": f"{self.admin}件",
             "initial": self.m(self.initial), "adjusted": self.m(self.adjusted), "executed": self.m(self.total),
             "rate": self.p(self.total, self.adjusted), "rate_initial": self.p(self.total, self.initial),
             "special": self.m(self.special), "special_done": self.m(self.special_done),
             "special_rate": self.p(self.special_done, self.special)}
        return v

    # ---------------------------------------------------------------- the text

    LISTS = {"income": ("本年收入合计", "income", [("财政拨款收入", "fiscal"), ("其他收入", "other")],
                        ["fiscal_pct", "other_pct"]),
             "exp": ("本年支出合计", "total", [("基本支出", "basic"), ("项目支出", "project")],
                     ["basic_pct", "project_pct"]),
             "basic": ("基本支出", "basic_again", [("人员经费", "personnel"), ("公用经费", "public")], []),
             "three": ("“三公”经费支出", "three", [("公务接待费", "reception"), ("公务用车运行维护费", "car")], []),
             "cases": ("全年办理法律援助案件", "cases", [("刑事", "criminal"), ("民事", "civil"), ("行政案件", "admin")], [])}

    def list_text(self, form: ListForm, v: dict[str, str]) -> str:
        """One list in its form: the total, the items, the figures (and the shares)."""
        total_label, total_key, items, share_keys = self.LISTS[form.key]
        names = [n for n, _ in items]
        keys = [k for _, k in items]
        join = form.joint if len(items) == 2 else "、"
        figures = [v[k] for k in keys]
        if form.bare:     # the unit once, at the end ("300、700、20件"); the marks stay around the number
            figures = [re.sub(r"(万元|元|件)(\x03?)$", r"\2", f) for f in figures[:-1]] + figures[-1:]
        listed = f"{join.join(names)}{form.word}{(',' if form.comma else join).join(figures)}"
        if form.shares and share_keys:
            listed += f"，{form.shares}占{join.join(v[k] for k in share_keys)}"
        total = v[total_key]
        y = self.year
        lead = {"income": f"{y}年度", "exp": "", "basic": "", "three": "", "cases": ""}[form.key]
        if form.place == "qizhong":
            return f"{lead}{total_label}{total}，其中{listed}。"
        if form.place == "qizhong_next":
            return f"{lead}{total_label}{total}。其中，{listed}。"
        if form.place == "after":
            closing = "共计" if form.key in ("cases", "three") else "合计"
            return f"{lead}{listed}，{closing}{total}。"
        if form.place == "prev":
            return f"{lead}{total_label}{total}。{listed}。"
        return f"{lead}{total_label}{total}，{listed}。"      # "same": the total before it, no 其中

    def paragraphs(self, v: dict[str, str]) -> list[str]:
        y, f = self.year, self.forms
        out = [f"{self.centre}{y}年度部门整体支出绩效自评报告", "一、部门收支情况",
               self.list_text(f["income"], v), self.list_text(f["exp"], v)]
        out.append(self.list_text(f["basic"], v))
        out.append(self.list_text(f["three"], v))
        out.append("二、预算执行情况")
        out += [
            [f"全年预算数{v['adjusted']}，全年执行数{v['executed']}，预算执行率{v['rate']}。"],
            [f"年初预算数、全年预算数、全年执行数{f['exp'].word}{v['initial']}、{v['adjusted']}、{v['executed']}，"
             f"预算执行率为{v['rate']}。"],
            [f"{y}年度全年预算数{v['adjusted']}，实际支出{v['executed']}，预算完成率{v['rate']}。"],
            [f"本年度年初预算数{v['initial']}，决算数{v['executed']}，完成年初预算的{v['rate_initial']}。"],
            [f"全年预算数为{v['adjusted']}，执行数为{v['executed']}。", "三、绩效指标完成情况",
             f"预算执行方面，全年预算执行率为{v['rate']}。"],
            [f"全年预算数{v['adjusted']}、全年执行数{v['executed']}，资金执行率{v['rate']}。"],
            [f"全年预算数{v['adjusted']}，全年执行数{v['executed']}，预算执行率{v['rate']}。"
             f"法律援助专项经费预算{v['special']}，执行{v['special_done']}，执行率{v['special_rate']}。"],
        ][self.exec_form]
        out.append("四、履职情况")
        out.append(self.list_text(f["cases"], v))
        noise = [   # 各 / 依次 that list nothing: nothing to check, nothing to report
            "各乡镇法律援助工作站各设咨询台1个。",
            "两名值班律师各为30名群众解答了咨询。",
            "中心依次为3个司法所开展了业务指导。",
            f"{y - 1}年、{y}年办理案件各为{self.cases - 35}件、{self.cases}件。",
            "全年开展普法宣传12场，各类宣传资料依次发放到各村。",
            "各级财政部门分别对专项资金开展了检查。",
        ]
        out += [noise[i] for i in self.noise]
        return out


def render(model: Model, v: dict[str, str], name: str, kind: str, accept: list[Accept]) -> Doc:
    """The document as text, marks taken out and their offsets kept."""
    lines = []
    for p in model.paragraphs(v):
        if model.ascii:
            p = p.translate(ASCII_PUNCT)
        if model.fullwidth:
            p = re.sub("[0-9.%]+", lambda m: m.group(0).translate(FULL_DIGITS), p)
        lines.append(p)
    return unmark("\n".join(lines), name, kind, accept)


def clean(seed: int) -> Doc:
    m = Model(seed)
    return render(m, m.values(), f"{seed}", "", [])


def _number(text: str) -> Decimal:
    return Decimal(re.match(r"[0-9,]+(?:\.[0-9]+)?", text).group(0).replace(",", ""))


def _written_like(value: Decimal, like: str) -> str:
    number = re.match(r"[0-9,]+(?:\.[0-9]+)?", like).group(0)
    places = len(number.split(".")[1]) if "." in number else 0
    shown = f"{value:,.{places}f}" if "," in number else f"{value:.{places}f}"
    return shown + like[len(number):]


def planted(seed: int) -> list[Doc]:
    """One document per slip kind that the model's wording can carry (a kind it cannot is skipped)."""
    m = Model(seed)
    v = m.values()
    r = random.Random(seed * 17 + 9)
    docs = []
    forms = m.forms

    def plant(kind: str, key: str, wrong: str, accept: list[Accept], also: tuple = ()) -> None:
        docs.append(render(m, marked({**v, key: wrong}, key, *also), f"{seed}-{kind}", kind, accept))

    def steps_for(key: str) -> int:
        if key in ("criminal", "civil", "admin", "cases"):
            return r.choice([9, 17, 25] if key == "admin" else [9, 17, -13, 25])
        return r.choice([3, 7, 12, 25, -4, -9, -30]) * (100 if m.unit == "元" else 1)

    def part_slip(kind: str, name: str, index: int) -> None:
        """A wrong part (a bare number of a shared-unit list is marked without its unit: the text shows it so)."""
        _, total_key, items, _ = Model.LISTS[name]
        key = items[index % len(items)][1]
        wrong = _shift(v[key], steps_for(key))
        moved = sum((_number(wrong if k == key else v[k]) for _, k in items), Decimal(0))
        plant(kind, key, wrong, [Accept(total_key, {"breakdown"}, {_written_like(moved, v[total_key])}),
                                 Accept(key, {"breakdown", "share", "repeat"}, {v[key]})], also=(total_key,))

    def total_slip(kind: str, name: str) -> None:
        _, total_key, _, _ = Model.LISTS[name]
        wrong = _shift(v[total_key], steps_for(total_key))
        plant(kind, total_key, wrong, [Accept(total_key, {"breakdown"}, {v[total_key]})])

    summed = [n for n in ("income", "exp", "three", "cases") if forms[n].place in ("qizhong", "after", "qizhong_next")]
    new_word = [n for n in summed if forms[n].word in NEW_WORDS]
    context = [n for n in ("income", "exp", "three", "cases", "basic") if forms[n].place in ("prev", "same")]
    bare = [n for n in ("income", "exp", "three", "cases") if forms[n].bare and forms[n].place != "prev"]
    if new_word:
        part_slip("各是-分项", new_word[seed % len(new_word)], seed)
        total_slip("各是-合计", new_word[(seed // 2) % len(new_word)])
    prev = [n for n in context if forms[n].place == "prev"]
    if prev:
        total_slip("上一句合计", prev[seed % len(prev)])
    if context:
        part_slip("上一句分项", context[seed % len(context)], seed)
    if bare:
        part_slip("同单位省略", bare[seed % len(bare)], 0)      # the first number: written without its unit
    key = {3: "rate_initial", 6: "special_rate" if seed % 2 else "rate"}.get(m.exec_form, "rate")
    wrong = _shift(v[key], r.choice([-2, -5, -13, 10]) * (10 if m.pd == 2 else 1))
    plant("执行率", key, wrong, [Accept(key, {"rate"}, {v[key]})])
    return docs


# ---------------------------------------------------------------- measuring


def measure(seeds, check=None) -> dict[str, dict]:
    """Per slip kind: planted, found once at the right place (tp, of which `warned` were warnings), missed, extra
    findings (warnings count as findings); and every finding on a clean document (each a false one)."""
    return tally(seeds, KINDS, clean, planted, check)


def summary(result: dict) -> list[tuple[str, int, int, int, float, float]]:
    """(kind, planted, found, false, precision, recall) per kind."""
    return corpus_summary(result, KINDS)


if __name__ == "__main__":      # pragma: no cover - a measuring aid
    print_measure(measure, KINDS)
