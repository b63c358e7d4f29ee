"""A third, unseen corpus for `legalaid check-report`: whole self-evaluation reports as county centres write them —
项目支出绩效自评报告 of a 法律援助 project, 部门整体支出绩效自评报告 and 部门决算情况说明 — each with Word tables (a 项目资金
table: 年初预算数/全年预算数/全年执行数/分值/执行率/得分; a 绩效指标完成情况表: 一级/二级/三级指标, 年度指标值, 实际完成值,
分值, 得分; a 一般公共预算财政拨款支出 table by 科目编码).

What the earlier corpora do not have and this one does: 元 and 万元 in one report (补贴标准 per case in 元, totals in 万元),
targets that are not facts (≥95%, 不低于, 不少于), approximate figures (约、近、超过、以上、余), figures of other years and
同比 comparisons, scores (分值 adding up to 100, 得分 adding up to the 总分 stated in the prose), "收、支总计各是…" pairs,
percentages with 1 or 2 decimals, the base of a share named in several ways (占本年支出合计的、占收入合计、占比) or not at
all, 执行率 with and without its base named. Wording is this project's own, modelled on how published reports phrase
these figures (not copied from any).

Each model is one centre's consistent year; a planted document changes one figure and says where it is and which
findings a reader would accept there. `Doc.blocks` are the document's paragraphs and tables (for a .docx);
`Doc.text` is what `legalaid check-report` reads from that .docx (a table row as tab-separated cells).

`python tests/report_corpus_round3.py [N] [-v]` prints precision and recall per slip kind.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from report_slip_corpus import MARK, Accept, Doc, _shift, print_measure, tally, unmark
from report_slip_corpus import summary as corpus_summary

CENTRES = ["桐溪县法律援助中心", "南湖区法律援助中心", "安平县法律援助中心", "清河县法律援助中心", "永宁县法律援助中心",
           "云台县法律援助中心", "松阳县法律援助中心"]
ABC = "abcdefghijkl"
KINDS = ["分项之和", "占比基数", "执行率", "元写作万元", "得分合计", "分值合计", "自评总分", "资金表执行率", "同比", "总计各是"]


def q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class Table:
    """A Word table: rows of cells (a cell may hold marks)."""

    rows: list[list[str]]


class Model:
    """Consistent figures of one centre's year, written in one style."""

    def __init__(self, seed: int):
        r = self.r = random.Random(seed * 104729 + 3)
        self.seed = seed
        self.year = r.randint(2020, 2025)
        self.centre = r.choice(CENTRES)
        self.doc_kind = r.choice(["project", "dept", "final"])
        self.unit = r.choice(["万元"] * 5 + ["元"])
        self.d = 2 if self.unit == "元" else r.choice([2, 2, 2, 4])
        self.pd = r.choice([1, 2, 2])
        step = self.step = Decimal(1).scaleb(-self.d) * (10000 if self.unit == "万元" else 1)

        def money(low, high) -> Decimal:
            return Decimal(r.randint(int(Decimal(low) / step), int(Decimal(high) / step))) * step

        self.money = money
        # the department's year
        self.personnel = money(600000, 1800000)
        self.public = money(90000, 350000)
        self.basic = self.personnel + self.public
        self.project = money(200000, 1200000)
        self.total = self.basic + self.project
        self.gp = money(self.total * Decimal("0.80"), self.total * Decimal("0.95"))
        self.other = self.total - self.gp
        self.carry_in = money(0, 60000)
        self.carry_out = money(0, 60000)
        self.income = self.total + self.carry_out - self.carry_in      # 收入 + 年初结转 = 支出 + 年末结转
        self.other = self.income - self.gp
        self.grand = self.income + self.carry_in                        # 收入总计 = 支出总计
        self.prev_total = money(self.total * Decimal("0.78"), self.total * Decimal("0.98"))
        self.gp_budget = money(self.gp * Decimal("0.9"), self.gp * Decimal("0.99"))
        self.prev_grand = money(self.grand * Decimal("0.80"), self.grand * Decimal("0.97"))
        self.initial = money(self.total * Decimal("0.85"), self.total * Decimal("0.97"))
        self.adjusted = money(self.total * Decimal("1.001"), self.total * Decimal("1.06"))
        self.reception = money(1000, 15000)
        self.car = money(8000, 45000)
        self.three = self.reception + self.car
        self.prev_three = self.three + money(500, 8000)
        # the 法律援助 project (专项经费)
        self.sp_initial = money(300000, 800000)
        self.sp_added = money(0, 150000)
        self.sp_adjusted = self.sp_initial + self.sp_added
        self.sp_exec = money(self.sp_adjusted * Decimal("0.88"), self.sp_adjusted)
        # cases and consultations
        self.criminal, self.civil, self.admin = r.randint(200, 700), r.randint(150, 600), r.randint(2, 15)
        self.cases = self.criminal + self.civil + self.admin
        self.prev_cases = self.cases - r.randint(-60, 150)
        self.consult = r.randint(1500, 6000)
        self.case_target = (self.cases * r.randint(80, 95) // 100) // 50 * 50
        self.subsidy_low, self.subsidy_high = r.choice([(800, 3200), (1000, 3000), (1500, 5000), (600, 2400)])
        self.recovered = money(1500000, 9000000)
        self.satisfied = Decimal(r.randint(955, 995)) / 10
        self.quality = Decimal(r.randint(900, 1000)) / 10
        self.wording = {k: r.randint(0, 11) for k in ("inc", "exp", "rate", "score", "yoy", "grand", "gp", "tail", "approx")}
        self.scores = self._scores()

    # ---------------------------------------------------------------- scores

    def _scores(self) -> list[tuple[str, str, str, str, str, int, Decimal]]:
        """(一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分): 分值 adding up to 100 with the 执行率 row."""
        rate = self.sp_exec / self.sp_adjusted
        exec_score = q(min(rate, Decimal(1)) * 10, 2)
        quality_score = q(min(self.quality / 95, Decimal(1)) * 10, 2)
        avg = q(self.sp_exec / self.cases, 0)
        rows = [
            ("产出指标", "数量指标", "办理法律援助案件数", f"≥{self.case_target}件", f"{self.cases}件", 15, Decimal(15)),
            ("产出指标", "数量指标", "接待法律咨询人次", f"≥{self.consult // 500 * 500}人次", f"{self.consult}人次", 10,
             Decimal(10)),
            ("产出指标", "质量指标", "案件质量评查合格率", "≥95%", f"{self.quality}%", 10, quality_score),
            ("产出指标", "时效指标", "办案补贴按时发放率", "100%", "100%", 5, Decimal(5)),
            ("产出指标", "成本指标", "案均办案补贴", f"≤{self.subsidy_high}元/件", f"{avg:,}元/件", 10, Decimal(10)),
            ("效益指标", "社会效益指标", "为受援人挽回经济损失", "≥100万元", self.m(self.recovered, "万元", 2), 15,
             Decimal(15)),
            ("效益指标", "社会效益指标", "法律援助知晓率", "逐步提高", "有所提高", 15, Decimal(r_score(self.seed))),
            ("满意度指标", "服务对象满意度指标", "受援人满意度", "≥95%", f"{self.satisfied}%", 10, Decimal(10)),
            ("预算执行", "预算执行率", "全年执行数/全年预算数", "100%", self.p(self.sp_exec, self.sp_adjusted), 10, exec_score),
        ]
        return rows

    # ---------------------------------------------------------------- how figures are written

    def m(self, value: Decimal, unit: str | None = None, d: int | None = None) -> str:
        unit = unit or self.unit
        d = self.d if d is None else d
        if unit == "元":
            return f"{value:,.2f}元"
        return f"{q(value / 10000, d):.{d}f}万元"

    def cell(self, value: Decimal) -> str:
        return f"{value:,.2f}" if self.unit == "元" else f"{q(value / 10000, self.d):.{self.d}f}"

    def p(self, part: Decimal, whole: Decimal, pd: int | None = None) -> str:
        pd = self.pd if pd is None else pd
        return f"{q(part / whole * 100, pd):.{pd}f}%"

    def values(self) -> dict[str, str]:
        v = {"income": self.m(self.income), "gp": self.m(self.gp), "other": self.m(self.other),
             "gp_pct": self.p(self.gp, self.income), "other_pct": self.p(self.other, self.income),
             "total": self.m(self.total), "basic": self.m(self.basic), "project": self.m(self.project),
             "basic_pct": self.p(self.basic, self.total), "project_pct": self.p(self.project, self.total),
             "personnel": self.m(self.personnel), "public": self.m(self.public),
             "grand_in": self.m(self.grand), "grand_out": self.m(self.grand), "grand_again": self.m(self.grand),
             "carry_in": self.m(self.carry_in), "carry_out": self.m(self.carry_out),
             "prev_total": self.m(self.prev_total), "yoy_delta": self.m(self.total - self.prev_total),
             "yoy_pct": self.p(self.total - self.prev_total, self.prev_total),
             "grand_delta": self.m(self.grand - self.prev_grand),
             "grand_pct": self.p(self.grand - self.prev_grand, self.prev_grand),
             "initial": self.m(self.initial), "adjusted": self.m(self.adjusted), "executed": self.m(self.total),
             "rate": self.p(self.total, self.adjusted), "rate_again": self.p(self.total, self.adjusted), "rate_initial": self.p(self.total, self.initial),
             "three": self.m(self.three), "reception": self.m(self.reception), "car": self.m(self.car),
             "prev_three": self.m(self.prev_three), "three_delta": self.m(self.prev_three - self.three),
             "three_pct": self.p(self.prev_three - self.three, self.prev_three),
             "gp_share": self.p(self.gp, self.total), "gp_budget": self.m(self.gp_budget),
             "gp_rate": self.p(self.gp, self.gp_budget),
             "sp_initial": self.m(self.sp_initial), "sp_adjusted": self.m(self.sp_adjusted),
             "sp_added": self.m(self.sp_added), "sp_exec": self.m(self.sp_exec),
             "sp_rate": self.p(self.sp_exec, self.sp_adjusted),
             "cases": f"{self.cases}件", "criminal": f"{self.criminal}件", "civil": f"{self.civil}件",
             "admin": f"{self.admin}件", "prev_cases": f"{self.prev_cases}件",
             "case_delta": f"{abs(self.cases - self.prev_cases)}件",
             "case_pct": self.p(Decimal(abs(self.cases - self.prev_cases)), Decimal(self.prev_cases), 1),
             "consult": f"{self.consult}人次"}
        for i, row in enumerate(self.scores):
            v[f"pts_{ABC[i]}"] = str(row[5])
            v[f"got_{ABC[i]}"] = _score_text(row[6])
        v["pts_total"] = "100"
        total_score = sum((row[6] for row in self.scores), Decimal(0))
        v["score_total"] = _score_text(total_score)
        v["score_total_again"] = _score_text(total_score) + "分"
        for name, first in (("out", "产出指标"), ("eff", "效益指标"), ("sat", "满意度指标"), ("exe", "预算执行")):
            v[f"score_{name}"] = _score_text(sum((row[6] for row in self.scores if row[0] == first), Decimal(0)))
        v["t_exec_rate"] = self.p(self.sp_exec, self.sp_adjusted, 2)
        v["t_exec_score"] = _score_text(self.scores[-1][6])
        for key, value in (("t_initial", self.sp_initial), ("t_adjusted", self.sp_adjusted), ("t_exec", self.sp_exec)):
            v[key] = f"{q(value / 10000, 2):.2f}"
        return v

    # ---------------------------------------------------------------- the document

    def blocks(self, v: dict[str, str]) -> list:
        return {"project": self._project, "dept": self._dept, "final": self._final}[self.doc_kind](v)

    def _project(self, v):
        y, w, c = self.year, self.wording, self.centre
        out = [f"{c}{y}年度法律援助专项经费项目支出绩效自评报告", "一、项目基本情况",
               "法律援助专项经费用于支付办案补贴、值班律师补贴和法律援助宣传等。"
               f"办案补贴按每件{self.subsidy_low}元至{self.subsidy_high}元的标准发放。"]
        out.append([
            f"{y}年该项目年初预算{v['sp_initial']}，年中追加{v['sp_added']}，全年预算数{v['sp_adjusted']}，"
            f"全年执行数{v['sp_exec']}，执行率{v['sp_rate']}。",
            f"项目年初预算数{v['sp_initial']}，全年预算数{v['sp_adjusted']}，实际支出{v['sp_exec']}，"
            f"预算执行率为{v['sp_rate']}。",
            f"本项目全年预算数为{v['sp_adjusted']}（其中年初预算{v['sp_initial']}、追加{v['sp_added']}），"
            f"全年执行数为{v['sp_exec']}，项目资金执行率{v['sp_rate']}。",
        ][w["rate"] % 3])
        out += ["二、项目资金情况", "项目资金（万元）情况表",
                Table([["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                       ["年度资金总额", v["t_initial"], v["t_adjusted"], v["t_exec"], "10", v["t_exec_rate"],
                        v["t_exec_score"]],
                       ["其中：当年财政拨款", v["t_initial"], v["t_adjusted"], v["t_exec"], "—", "—", "—"],
                       ["上年结转资金", "", "", "", "—", "—", "—"]])]
        out += ["三、绩效指标完成情况"]
        out += self._cases_text(v)
        out.append([
            f"受援人满意度为{self.satisfied}%，高于不低于95%的年度目标；案件质量评查合格率{self.quality}%。",
            f"受援人满意度达到{self.satisfied}%（目标值≥95%），案件质量评查合格率为{self.quality}%。",
        ][w["tail"] % 2])
        out.append(f"全年为受援人挽回经济损失{self.m(self.recovered, '万元', 2)}，超过年度指标值100万元，"
                   f"平均每件案件补贴约{int(round(self.sp_exec / self.cases, -1))}元。")
        out += ["绩效指标完成情况表", self._score_table(v)]
        out += ["四、自评结论"] + self._score_text(v)
        out += self._tail(v)
        return out

    def _dept(self, v):
        y, w, c = self.year, self.wording, self.centre
        out = [f"{c}{y}年度部门整体支出绩效自评报告", "一、部门基本情况",
               f"本中心核定编制8名，{y}年末实有在编人员7名。"]
        out += ["二、部门整体支出情况"] + self._income_text(v) + self._spend_text(v)
        out.append([
            f"全年预算数{v['adjusted']}，全年执行数{v['executed']}，预算执行率{v['rate']}。",
            f"{y}年度年初预算{v['initial']}，全年预算{v['adjusted']}，实际支出{v['executed']}，"
            f"执行率{v['rate']}（全年执行数/全年预算数）。",
            f"年初预算数{v['initial']}，决算数{v['executed']}，完成年初预算的{v['rate_initial']}。",
            f"全年预算数为{v['adjusted']}，执行数为{v['executed']}，执行率达{v['rate']}，较上年有所提高。",
        ][w["rate"] % 4])
        out += self._three_text(v)
        out.append(f"全年公务接待{self.r.randint(5, 20)}批次，公务接待费{self.reception:,.2f}元，均按标准列支。"
                   if self.unit == "万元" and w["approx"] % 2 else "全年未发生因公出国（境）费用。")
        out.append(f"预算执行方面，全年预算执行率为{v['rate_again']}，资金到位率100%。" if w["rate"] % 4 != 2 else
                   f"全年部门支出{self._near(self.total)}，保障了法律援助工作正常开展。")
        out += ["三、部门履职情况"] + self._cases_text(v)
        out.append(f"法律援助专项经费全年预算数{v['sp_adjusted']}，全年执行数{v['sp_exec']}，执行率{v['sp_rate']}。")
        out += ["四、绩效指标完成情况", self._score_table(v)] + self._score_text(v)
        out += self._tail(v)
        return out

    def _final(self, v):
        y, w, c = self.year, self.wording, self.centre
        out = [f"{c}{y}年度部门决算情况说明", "一、收入支出决算总体情况说明"]
        out.append([
            f"{y}年度收、支总计各是{v['grand_in']}，与上年相比，各增加{v['grand_delta']}，增长{v['grand_pct']}。",
            f"{y}年度收入总计、支出总计各为{v['grand_in']}、{v['grand_out']}。",
            f"{y}年度收入总计{v['grand_in']}，支出总计{v['grand_out']}。",
            f"{y}年度收入总计和支出总计分别为{v['grand_in']}和{v['grand_out']}。",
        ][w["grand"] % 4])
        out += ["二、收入决算情况说明"] + self._income_text(v)
        out += ["三、支出决算情况说明"] + self._spend_text(v)
        out += ["四、一般公共预算财政拨款支出决算情况说明"]
        out.append([
            f"{y}年度一般公共预算财政拨款支出{v['gp']}，占本年支出合计的{v['gp_share']}。",
            f"一般公共预算财政拨款支出{v['gp']}，占本年支出合计{v['gp_share']}，主要用于法律援助等方面。",
        ][w["gp"] % 2])
        out.append(f"与{y - 1}年度相比，本年支出合计增加{v['yoy_delta']}，增长{v['yoy_pct']}，"
                   f"主要原因是刑事案件律师辩护全覆盖后办案补贴增加。" if w["yoy"] % 2 else
                   f"{y - 1}年度支出合计{v['prev_total']}，本年较上年增加{v['yoy_delta']}，同比增长{v['yoy_pct']}。")
        out.append([
            f"{y}年度财政拨款支出{v['gp']}，年初预算数{v['gp_budget']}，完成年初预算的{v['gp_rate']}。",
            f"财政拨款支出年初预算数{v['gp_budget']}，完成年初预算的{v['gp_rate']}，主要原因是年中追加了值班律师补贴。",
        ][w["gp"] % 2])
        out.append(f"全年收入{self._near(self.income)}，支出{self._near(self.total)}，收支基本平衡。")
        out += ["收入支出决算总表", self._grand_table(v)]
        out += ["五、财政拨款“三公”经费支出决算情况说明"] + self._three_text(v)
        out += self._tail(v)
        return out

    def _near(self, value: Decimal) -> str:
        """An approximate restatement: 近/超过/约 a round figure."""
        wan = value / 10000
        if self.wording["approx"] % 3 == 0:
            return f"近{int(wan // 10 * 10 + 10)}万元"
        if self.wording["approx"] % 3 == 1:      # "超过" a round figure at most 10% below
            return f"超过{int(wan // 10 * 10) if wan // 10 * 10 >= wan * Decimal('0.91') else int(wan)}万元"
        return f"约{int(round(wan))}万元"

    def _income_text(self, v):
        w = self.wording
        return [[
            f"本年收入合计{v['income']}，其中：一般公共预算财政拨款收入{v['gp']}，占收入合计的{v['gp_pct']}；"
            f"其他收入{v['other']}，占收入合计的{v['other_pct']}。",
            f"本年收入合计{v['income']}，包括一般公共预算财政拨款收入{v['gp']}，占{v['gp_pct']}；"
            f"其他收入{v['other']}，占{v['other_pct']}。",
            f"本年收入合计{v['income']}。其中，一般公共预算财政拨款收入{v['gp']}，其他收入{v['other']}。",
            f"本年收入合计{v['income']}，包括财政拨款收入{v['gp']}（其中，一般公共预算{v['gp']}，政府性基金预算"
            f"{self.m(Decimal(0))}），占收入合计的{v['gp_pct']}；其他收入{v['other']}，占收入合计的{v['other_pct']}。",
        ][w["inc"] % (4 if self.doc_kind == "final" else 3)]]

    def _spend_text(self, v):
        w = self.wording
        return [[
            f"本年支出合计{v['total']}，其中：基本支出{v['basic']}，占{v['basic_pct']}；项目支出{v['project']}，"
            f"占{v['project_pct']}。",
            f"本年支出合计{v['total']}，其中基本支出{v['basic']}，占本年支出合计的{v['basic_pct']}，"
            f"项目支出{v['project']}，占本年支出合计的{v['project_pct']}。",
            f"本年支出合计{v['total']}。基本支出{v['basic']}，占比{v['basic_pct']}，主要用于人员工资和日常运转；"
            f"项目支出{v['project']}，占比{v['project_pct']}，主要用于法律援助办案补贴。",
        ][w["exp"] % 3], f"基本支出中，人员经费{v['personnel']}，公用经费{v['public']}。"]

    def _three_text(self, v):
        w = self.wording
        return [[
            f"“三公”经费支出{v['three']}，其中公务接待费{v['reception']}，公务用车运行维护费{v['car']}，"
            f"因公出国（境）费0万元。",
            f"“三公”经费支出{v['three']}，较上年减少{v['three_delta']}，下降{v['three_pct']}，"
            f"其中公务接待费{v['reception']}，公务用车运行维护费{v['car']}。",
        ][w["tail"] % 2]]

    def _cases_text(self, v):
        y, w = self.year, self.wording
        out = [[
            f"全年办理法律援助案件{v['cases']}，其中刑事案件{v['criminal']}、民事案件{v['civil']}、"
            f"行政案件{v['admin']}，完成年度指标值（不少于{self.case_target}件）。",
            f"全年共办理法律援助案件{v['cases']}，较上年{v['prev_cases']}"
            f"{'增加' if self.cases >= self.prev_cases else '减少'}{v['case_delta']}，"
            f"{'增长' if self.cases >= self.prev_cases else '下降'}{v['case_pct']}。",
            f"{y - 1}年办理法律援助案件{v['prev_cases']}，{y}年办理{v['cases']}，其中刑事{v['criminal']}、"
            f"民事{v['civil']}、行政{v['admin']}。",
        ][w["yoy"] % 3]]
        approx = self.cases // 100 * 100
        out.append([
            f"接待法律咨询{v['consult']}，年度指标值为不少于{self.consult // 500 * 500}人次。",
            f"全年受理案件超过{approx}件，接待来访来电咨询{v['consult']}。",
            f"接待群众法律咨询约{round(self.consult, -2)}人次，为困难群众提供法律援助{approx}余件。",
        ][w["approx"] % 3])
        return out

    def _score_table(self, v):
        rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]]
        for i, (a, b, c, target, actual, _, _) in enumerate(self.scores):
            rows.append([a, b, c, target, actual, v[f"pts_{ABC[i]}"], v[f"got_{ABC[i]}"], "" if self.scores[i][6] == self.scores[i][5]
                         else "个别指标未完全达标，将加强管理"])
        rows.append(["合计", "", "", "", "", v["pts_total"], v["score_total"], ""])
        return Table(rows)

    def _score_text(self, v):
        w = self.wording
        grade = "优" if self.scores and sum(r[6] for r in self.scores) >= 90 else "良"
        return [[
            f"经自评，该项目综合得分{v['score_total_again']}，评价等级为“{grade}”。其中：产出指标得分{v['score_out']}分，"
            f"效益指标得分{v['score_eff']}分，满意度指标得分{v['score_sat']}分，预算执行率得分{v['score_exe']}分。",
            f"根据绩效指标完成情况，自评得分{v['score_total_again']}（满分100分），等级为“{grade}”，"
            f"评价会议历时40分钟。",
            f"自评总分为{v['score_total_again']}，其中产出指标{v['score_out']}分、效益指标{v['score_eff']}分、"
            f"满意度指标{v['score_sat']}分、预算执行{v['score_exe']}分。",
        ][w["score"] % 3]]

    def _grand_table(self, v):
        unit = "单位：万元" if self.unit == "万元" else "单位：元"
        rows = [["项目", "决算数"],
                ["本年收入合计", self.cell(self.income)],
                ["一般公共预算财政拨款收入", self.cell(self.gp)],
                ["其他收入", self.cell(self.other)],
                ["年初结转和结余", self.cell(self.carry_in)],
                ["收入总计", v["grand_table"]]]
        return [unit, Table(rows)]

    def _tail(self, v):
        y, w = self.year, self.wording
        return ["存在的问题及改进措施", [
            f"一是办案补贴标准偏低，部分律师办理{y}年度案件积极性不高；二是基层法律援助工作站力量薄弱。",
            f"下一步，力争{y + 1}年办理法律援助案件不少于{self.case_target + 100}件，受援人满意度保持在95%以上，"
            f"预算执行率达到98%以上。",
            f"部分专项资金支付进度偏慢，第四季度支出占全年的比重偏高，{y + 1}年将按月监控执行进度。",
        ][w["tail"] % 3]]


def r_score(seed: int) -> int:
    return 15 if seed % 3 else 13


def _score_text(value: Decimal) -> str:
    """A score as tables write it: no decimals when whole, else two (trailing zero dropped: 9.5, 9.85)."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


# ---------------------------------------------------------------- documents

def flatten(blocks: list) -> list:
    out = []
    for b in blocks:
        if isinstance(b, list):
            out += flatten(b)
        else:
            out.append(b)
    return out


def render(model: Model, v: dict[str, str], name: str, kind: str, accept: list[Accept]) -> Doc:
    """The document as `check-report` reads its .docx (paragraphs; a table row as tab-separated cells)."""
    lines = []
    for b in flatten(model.blocks(v)):
        if isinstance(b, Table):
            lines += ["\t".join(row) for row in b.rows]
        else:
            lines.append(b)
    doc = unmark("\n".join(lines), name, kind, accept)
    doc.blocks = [Table([[MARK.sub(r"\2", c) for c in row] for row in b.rows]) if isinstance(b, Table)
                  else MARK.sub(r"\2", b) for b in flatten(model.blocks(v))]
    return doc


def write_docx(doc: Doc, path) -> None:
    """The document as a .docx: its paragraphs and Word tables in order."""
    from docx import Document as Docx
    out = Docx()
    for b in doc.blocks:
        if isinstance(b, Table):
            t = out.add_table(rows=len(b.rows), cols=max(len(r) for r in b.rows))
            for i, row in enumerate(b.rows):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
        else:
            out.add_paragraph(b)
    out.save(str(path))


def _values(m: Model) -> dict[str, str]:
    v = m.values()
    v["grand_table"] = m.cell(m.grand)
    return v


def clean(seed: int) -> Doc:
    m = Model(seed)
    return render(m, _values(m), f"{seed}", "", [])


def _marked(v: dict[str, str], *keys: str) -> dict[str, str]:
    return {**v, **{k: f"\x01{k}\x02{v[k]}\x03" for k in keys}}


def planted(seed: int) -> list[Doc]:
    """One document per slip kind its wording can carry."""
    m = Model(seed)
    v = _values(m)
    w = m.wording
    r = random.Random(seed * 31 + 17)
    docs = []

    def plant(kind: str, key: str, wrong: str, accept: list[Accept], also: tuple = ()) -> None:
        docs.append(render(m, _marked({**v, key: wrong}, key, *also), f"{seed}-{kind}", kind, accept))

    steps = r.choice([3, 7, 12, 25, -4, -9, -30]) * (100 if m.unit == "元" else 1)
    # a wrong part of a 其中 list: the 支出 list (dept, final) or the cases list
    if m.doc_kind != "project":
        wrong = _shift(v["project"], steps)
        plant("分项之和", "project", wrong, [Accept("total", {"breakdown"}, {_sum_like(v, ["basic"], wrong, "total")}),
                                         Accept("project", {"breakdown", "share", "repeat"}, {v["project"]})],
              also=("total",))
    elif w["yoy"] % 3 in (0, 2):
        wrong = f"{m.civil + r.choice([9, 17, -13])}件"
        plant("分项之和", "civil", wrong, [Accept("cases", {"breakdown"}, {f"{m.criminal + int(wrong[:-1]) + m.admin}件"}),
                                       Accept("civil", {"breakdown"}, {v["civil"]})], also=("cases",))
    # a share of the wrong base: 基本支出 ÷ 基本支出+人员经费…; here: 项目支出 ÷ 基本支出 (a clerk's slip)
    if m.doc_kind != "project":
        wrong = m.p(m.project, m.basic)
        if wrong != v["project_pct"]:
            plant("占比基数", "project_pct", wrong, [Accept("project_pct", {"share"}, {v["project_pct"]})])
    if m.doc_kind == "final":
        base = m.income if abs(m.income - m.total) > m.total / 200 else m.grand   # a base told apart from the right one
        wrong = m.p(m.gp, base)
        if wrong != v["gp_share"]:
            docs.pop() if docs and docs[-1].kind == "占比基数" and r.random() < 0.5 else None
            plant("占比基数", "gp_share", wrong, [Accept("gp_share", {"share"}, {v["gp_share"]})])
    # 执行率 off
    key = "sp_rate" if m.doc_kind == "project" else ("rate_initial" if w["rate"] % 4 == 2 else "rate")
    if m.doc_kind == "final":
        key = None
    if key:
        wrong = _shift(v[key], r.choice([-2, -5, -13, 10]) * (10 if m.pd == 2 else 1))
        plant("执行率", key, wrong, [Accept(key, {"rate"}, {v[key]})])
    # 元 written for 万元
    if m.unit == "万元":
        key = r.choice(["reception", "public", "other"]) if m.doc_kind != "project" else "sp_initial"
        wrong = v[key].replace("万元", "元")
        plant("元写作万元", key, wrong, [Accept(key, {"unit"}, {v[key]})])
    # scores: a 得分 that does not add up, a 分值 total that is not 100
    if m.doc_kind != "final":
        i = r.randrange(len(m.scores) - 1)
        got = m.scores[i][6]
        wrong = _score_text(got - r.choice([1, 2, 3]))
        total = _score_text(sum((row[6] for row in m.scores), Decimal(0)))
        right = Decimal(total) - got + Decimal(wrong)
        plant("得分合计", f"got_{ABC[i]}", wrong, [Accept("score_total", {"structure", "score"}, {
            _score_text(right), f"{right:.2f}"}), Accept(f"got_{ABC[i]}", {"structure", "score"}, {v[f"got_{ABC[i]}"]})],
            also=("score_total",))
        j = r.randrange(len(m.scores))
        wrong = str(m.scores[j][5] + r.choice([5, -5, 2]))
        plant("分值合计", f"pts_{ABC[j]}", wrong, [Accept("pts_total", {"structure", "score"},
                                                     {str(100 - m.scores[j][5] + int(wrong))}),
                                            Accept(f"pts_{ABC[j]}", {"structure", "score"}, {v[f"pts_{ABC[j]}"]})],
              also=("pts_total",))
    # the prose's total score against the table's (or against its own 其中 list)
    if m.doc_kind != "final":
        wrong = _score_text(Decimal(v["score_total_again"][:-1]) - r.choice([1, 2, Decimal("0.5")])) + "分"
        plant("自评总分", "score_total_again", wrong, [Accept("score_total_again", {"table", "breakdown"},
                                                             {v["score_total_again"]})])
    # the 项目资金 table's 执行率
    if m.doc_kind == "project":
        wrong = _shift(v["t_exec_rate"], r.choice([-200, -35, 150, 1000]))
        shown = Decimal(v["t_exec"]) / Decimal(v["t_adjusted"]) * 100      # from the cells as the table rounds them
        plant("资金表执行率", "t_exec_rate", wrong, [Accept("t_exec_rate", {"rate"}, {v["t_exec_rate"],
                                                                               f"{q(shown, 2):.2f}%"})])
    # a wrong 同比
    if m.doc_kind == "final":
        wrong = _shift(v["yoy_pct"], r.choice([-7, 11, 25]) * (10 if m.pd == 2 else 1))
        plant("同比", "yoy_pct", wrong, [Accept("yoy_pct", {"change"}, {v["yoy_pct"]})])
    elif w["yoy"] % 3 == 1:
        wrong = _shift(v["case_pct"], r.choice([7, 11, 25]))
        plant("同比", "case_pct", wrong, [Accept("case_pct", {"change"}, {v["case_pct"]})])
    # 收、支总计各是…: the pair against the table's 收入总计
    if m.doc_kind == "final":
        wrong = _shift(v["grand_in"], steps)
        plant("总计各是", "grand_in", wrong, [Accept("grand_in", {"table", "repeat"}, {v["grand_in"]})])
    return docs


def _sum_like(v, keys, moved, like) -> str:
    def num(t):
        return Decimal(re.match(r"[0-9,]+(?:\.[0-9]+)?", t).group(0).replace(",", ""))
    total = sum((num(v[k]) for k in keys), Decimal(0)) + num(moved)
    number = re.match(r"[0-9,]+(?:\.[0-9]+)?", v[like]).group(0)
    places = len(number.split(".")[1]) if "." in number else 0
    shown = f"{total:,.{places}f}" if "," in number else f"{total:.{places}f}"
    return shown + v[like][len(number):]


# ---------------------------------------------------------------- measuring


def measure(seeds, check=None) -> dict[str, dict]:
    return tally(seeds, KINDS, clean, planted, check)


def summary(result: dict) -> list[tuple[str, int, int, int, float, float]]:
    return corpus_summary(result, KINDS)


if __name__ == "__main__":      # pragma: no cover - a measuring aid
    print_measure(measure, KINDS)
