"""Draft the 部门整体支出绩效自评报告 from computed figures: every number filled in, the rest marked for a person.

Pure core: `ReportFigures` in, a list of `Block`s (title, headings, paragraphs, places to fill) out.
Amounts are 元 as Decimal and are written in 万元 with the decimals the tables use; every share is computed
from the same two figures the sentence names, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.stats import evaluation
from toolkit.base.money import round_half_up
from toolkit.report.figures import format_decimal
from toolkit.stats.compute import default_catalog

TITLE, HEADING1, HEADING2, TEXT, TODO = "title", "heading1", "heading2", "text", "todo"
CASE_TYPE_WORDS = {"刑事": "刑事案件", "民事": "民事案件", "行政": "行政案件", "仲裁": "仲裁案件",
                   "国家赔偿": "国家赔偿案件", "非诉讼": "非诉讼案件"}
LEGAL_HELP_TYPES = default_catalog().spec("help.total").case_types   # counted apart from cases (stats_keys.toml)
PLEA_HELP = "认罪认罚法律帮助"
PERSONS_LABEL = "受援人次合计"
TODO_MARK = "【待填写】"
NOTICE_MARK = "【注意】"


@dataclass(frozen=True)
class Indicator:
    """A 三级 performance indicator: target (with ≥/≤/=), actual value, points and (from the evaluation) its score."""

    name: str
    operator: str | None   # "≥", "≤", "=" or None for a qualitative indicator
    target: Decimal | None
    actual: Decimal | None
    unit: str              # 件 / 人次 / % / 天 ...
    points: Decimal
    score: Decimal | None = None   # None: computed by the evaluation rules (or, without an actual, left to a person)


@dataclass(frozen=True)
class ReportFigures:
    """What the report states, computed elsewhere. Amounts in 元; None = not known (the draft asks a person)."""

    year: int
    centre: str
    decimals: int = 2                                   # decimals of 万元 in the tables
    income_total: Decimal | None = None                 # 收入合计
    income_parts: dict[str, Decimal] = field(default_factory=dict)   # 财政拨款收入, 其他收入 ...
    income_parts_complete: bool = True                  # the parts listed add up to 收入合计
    expenditure_total: Decimal | None = None            # 支出合计
    basic_expenditure: Decimal | None = None            # 基本支出
    project_expenditure: Decimal | None = None          # 项目支出
    personnel_costs: Decimal | None = None              # 人员经费
    public_costs: Decimal | None = None                 # 公用经费
    three_public_total: Decimal | None = None           # “三公”经费合计
    three_public_parts: dict[str, Decimal] = field(default_factory=dict)  # 因公出国（境）费 ...
    budget_initial: Decimal | None = None               # 年初预算数
    budget_adjusted: Decimal | None = None              # 全年预算数
    budget_executed: Decimal | None = None              # 全年执行数
    special_fund: Decimal | None = None                 # 法律援助专项经费
    special_fund_source: str = ""                       # where the fund figure came from, in words
    special_fund_label: str = "法律援助专项经费"          # "测算用经费额度" for an amount given on the command line
    subsidy_required: Decimal | None = None             # 办案补贴需求 at the minimum standard
    subsidy_scenarios: tuple = ()                       # (level label, total 元): 最低/最高/统一 as `subsidy` computes
    cases_by_type: dict[str, int] = field(default_factory=dict)       # canonical ledger type → count
    consultations_by_channel: dict[str, int] = field(default_factory=dict)  # 来访, 来电（12348）...
    special_groups: dict[str, int] = field(default_factory=dict)      # 农民工 → persons
    money_recovered: Decimal | None = None              # 挽回经济损失
    wages_recovered: Decimal | None = None              # 讨薪金额 (农民工)
    persons: dict[str, int] = field(default_factory=dict)  # "total", "cases", "help" → 受援人次
    indicators: list[Indicator] = field(default_factory=list)
    budget_errors: int = 0                              # errors the budget check found in the budget workbook
    budget_error_cells: list[str] = field(default_factory=list)   # where ("收入支出决算总表!F8")


@dataclass(frozen=True)
class Block:
    """One piece of the draft: its role (TITLE, HEADING1, HEADING2, TEXT, TODO) and its text."""

    style: str
    text: str


AMOUNT_DECIMALS = 2    # 万元 as a finance officer writes them in prose


def wan(amount: Decimal, decimals: int = AMOUNT_DECIMALS) -> str:
    """元 → "325.68万元", two decimals (fewer if the tables use fewer), rounded half up; 0 → "未发生"."""
    if amount == 0:
        return "未发生"
    return f"{format_decimal(amount / 10000, min(decimals, AMOUNT_DECIMALS))}万元"


def share(part: Decimal, whole: Decimal) -> str:
    """part / whole as a percentage with 2 decimals, rounded half up."""
    return f"{format_decimal(part / whole * 100, 2)}%"


def count(n: int) -> str:
    return f"{n:,}"


def execution_rate(figures: ReportFigures) -> Decimal | None:
    """执行率 = 全年执行数 / 全年预算数, as a percentage (unrounded)."""
    if figures.budget_executed is None or not figures.budget_adjusted:
        return None
    return figures.budget_executed / figures.budget_adjusted * 100


def budget_points() -> Decimal:
    return evaluation.default_rules().budget_points


def execution_score(rate: Decimal) -> Decimal:
    """Budget execution score by the evaluation rules: min(rate, 100%) × budget points, rounded half up to 2 places."""
    return round_half_up(min(rate / 100, Decimal(1)) * budget_points(), 2)


def indicator_score(ind: Indicator) -> Decimal | None:
    """The indicator's score: as the evaluation gave it, else by the evaluation's rule (None: not scorable)."""
    if ind.score is not None:
        return ind.score
    rule = evaluation.Indicator("", "", ind.name, ind.operator, ind.target, "", ind.unit, ind.points)
    return evaluation.score_indicator(rule, ind.actual).score


def _listing(parts: list[tuple[str, str]]) -> str:
    return "、".join(f"{label}{value}" for label, value in parts)


def draft_report(f: ReportFigures) -> list[Block]:
    """The report's blocks in the usual six-part structure."""
    y, d = f.year, f.decimals
    out = [Block(TITLE, f"{f.centre}{y}年度部门整体支出绩效自评报告")]
    if f.budget_errors:
        cells = "、".join(f.budget_error_cells[:5]) + ("等" if len(f.budget_error_cells) > 5 else "")
        out.append(Block(TODO, f"{NOTICE_MARK}预算表校验发现{f.budget_errors}处错误（{cells}），表内合计或跨表数字对不上，"
                               f"下文取自预算表的金额可能有误。请用“legalaid validate”查看并改正预算表后重新生成本草稿，"
                               f"定稿前删除本段。"))

    out.append(Block(HEADING1, "一、部门概况"))
    out.append(Block(HEADING2, "（一）部门基本情况"))
    out.append(Block(TODO, f"{TODO_MARK}单位性质、主要职能、内设机构、编制和实有人数等基本情况。"))
    out.append(Block(HEADING2, "（二）年度主要工作"))
    out.extend(_work_paragraphs(f))
    out.append(Block(TODO, f"{TODO_MARK}其他重点工作（如法治宣传、值班律师工作站建设、案件质量评查）的简要说明。"))

    out.append(Block(HEADING1, "二、部门整体支出使用情况"))
    out.extend(_money_paragraphs(f))

    out.append(Block(HEADING1, "三、管理情况"))
    out.append(Block(TODO, f"{TODO_MARK}预算管理、财务管理、资产管理、专项资金管理、政府采购等制度建设和执行情况。"))

    out.append(Block(HEADING1, "四、绩效情况"))
    out.extend(_performance_paragraphs(f))

    out.append(Block(HEADING1, "五、存在的主要问题"))
    gap = _gap(f)
    if gap is not None and gap > 0:
        out.append(Block(TEXT, f"（一）法律援助专项经费不足。按最低补贴标准测算，办案补贴需求为{wan(f.subsidy_required, d)}，"
                               f"{f.special_fund_label}为{wan(f.special_fund, d)}，仅够支付测算需求的一部分。"))
    out.append(Block(TODO, f"{TODO_MARK}其他存在的问题（如绩效目标设置、资金使用效率、案件质量等）。"))

    out.append(Block(HEADING1, "六、改进措施"))
    out.append(Block(TODO, f"{TODO_MARK}针对上述问题的改进措施和下一步工作打算。"))
    return out


def _gap(f: ReportFigures) -> Decimal | None:
    if f.subsidy_required is None or f.special_fund is None:
        return None
    return f.subsidy_required - f.special_fund


def _work_paragraphs(f: ReportFigures) -> list[Block]:
    y, d = f.year, f.decimals
    out = []
    cases = [(CASE_TYPE_WORDS.get(t, t + "案件"), n) for t, n in f.cases_by_type.items()
             if t not in LEGAL_HELP_TYPES and n]
    total = sum(n for _, n in cases)
    if cases:
        text = f"{y}年，{f.centre}共办理法律援助案件{count(total)}件"
        if len(cases) > 1:
            text += "，其中" + _listing([(label, f"{count(n)}件") for label, n in cases])
        text += "。"
        largest = max(cases, key=lambda c: c[1])
        if len(cases) > 1 and total:
            text += f"{largest[0]}占案件总数的{share(Decimal(largest[1]), Decimal(total))}。"
        out.append(Block(TEXT, text))
    else:
        out.append(Block(TODO, f"{TODO_MARK}办理法律援助案件数及分类（未提供案件台账）。"))
    help_items = sum(n for t, n in f.cases_by_type.items() if t in LEGAL_HELP_TYPES)
    if help_items:
        what = PLEA_HELP if f.cases_by_type.get(PLEA_HELP, 0) == help_items else "法律帮助"
        out.append(Block(TEXT, f"值班律师提供{what}{count(help_items)}件（不计入案件数）。"))
    persons = f.persons
    if persons.get("total"):
        text = f"{PERSONS_LABEL}{count(persons['total'])}人次"
        if persons.get("help") and persons.get("cases", 0) + persons["help"] == persons["total"]:
            text += f"，其中案件受援{count(persons.get('cases', 0))}人次、法律帮助受援{count(persons['help'])}人次"
        out.append(Block(TEXT, text + "。"))
    channels = [(c, n) for c, n in f.consultations_by_channel.items() if n]
    if channels:
        text = f"接待法律咨询{count(sum(n for _, n in channels))}人次"
        if len(channels) > 1:
            text += "，其中" + _listing([(c, f"{count(n)}人次") for c, n in channels])
        out.append(Block(TEXT, text + "。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}接待法律咨询人次及渠道（来访、来电（12348）、网络等）。"))
    groups = [(g, n) for g, n in f.special_groups.items() if n]
    if groups:
        out.append(Block(TEXT, "受援人中，" + _listing([(g, f"{count(n)}人次") for g, n in groups])
                         + "（同一受援人可能同时属于多个群体，各项不相加）。"))
    if f.money_recovered is not None:
        text = f"为受援人挽回经济损失{wan(f.money_recovered, d)}"
        if f.wages_recovered:
            text += f"，其中为农民工讨回工资{wan(f.wages_recovered, d)}"
        out.append(Block(TEXT, text + "。"))
    return out


def _money_paragraphs(f: ReportFigures) -> list[Block]:
    y, d = f.year, f.decimals
    out = [Block(HEADING2, "（一）收入情况")]
    if f.income_total is not None:
        text = f"{y}年收入合计{wan(f.income_total, d)}"
        if f.income_parts:
            text += "，其中" + _listing([(k, wan(v, d)) for k, v in f.income_parts.items()])
            text += "" if f.income_parts_complete else "等"
        out.append(Block(TEXT, text + "。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}收入合计及构成（预算表中未找到“收入合计”）。"))

    out.append(Block(HEADING2, "（二）支出情况"))
    total = f.expenditure_total
    if total is not None:
        text = f"{y}年支出合计{wan(total, d)}"
        parts = [(k, v) for k, v in (("基本支出", f.basic_expenditure), ("项目支出", f.project_expenditure))
                 if v is not None]
        if parts:
            text += "，其中" + "；".join(
                f"{k}{wan(v, d)}" + (f"，占支出合计的{share(v, total)}" if total and v else "") for k, v in parts)
        out.append(Block(TEXT, text + "。"))
        basic = f.basic_expenditure
        pieces = [(k, v) for k, v in (("人员经费", f.personnel_costs), ("公用经费", f.public_costs)) if v is not None]
        if basic is not None and pieces:
            out.append(Block(TEXT, f"基本支出{wan(basic, d)}，其中" + "；".join(
                f"{k}{wan(v, d)}" + (f"，占基本支出的{share(v, basic)}" if basic and v else "") for k, v in pieces) + "。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}支出合计及基本支出、项目支出构成（预算表中未找到“支出合计”）。"))

    out.append(Block(HEADING2, "（三）“三公”经费支出情况"))
    if f.three_public_total is not None:
        text = f"{y}年“三公”经费支出合计{wan(f.three_public_total, d)}"
        if f.three_public_parts:
            text += "，其中" + _listing([(k, wan(v, d)) for k, v in f.three_public_parts.items()])
        out.append(Block(TEXT, text + "。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}“三公”经费支出情况（预算表中未找到“三公”经费）。"))

    out.append(Block(HEADING2, "（四）预算执行情况"))
    stated = [(k, v) for k, v in (("年初预算数", f.budget_initial), ("全年预算数", f.budget_adjusted),
                                  ("全年执行数", f.budget_executed)) if v is not None]
    if stated:
        text = f"{y}年" + "，".join(f"{k}{wan(v, d)}" for k, v in stated)
        rate = execution_rate(f)
        if rate is not None:
            text += f"，预算执行率为{format_decimal(rate, 2)}%"
        out.append(Block(TEXT, text + "。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}年初预算数、全年预算数、全年执行数（预算表中未找到）。"))
    return out


def _performance_paragraphs(f: ReportFigures) -> list[Block]:
    d = f.decimals
    out = [Block(HEADING2, "（一）预算执行")]
    rate = execution_rate(f)
    if rate is not None:
        points = format_decimal(budget_points(), 0)
        out.append(Block(TEXT, f"预算执行率为{format_decimal(rate, 2)}%，按“执行率×{points}，最高{points}分”计，"
                               f"该项得{format_decimal(execution_score(rate), 2)}分（满分{points}分）。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}预算执行率及得分（缺少全年预算数或全年执行数）。"))

    out.append(Block(HEADING2, "（二）绩效指标完成情况"))
    scored = [(i, s) for i in f.indicators if (s := indicator_score(i)) is not None]
    pending = [i for i in f.indicators if indicator_score(i) is None]
    if scored:
        total_points = sum((i.points for i, _ in scored), Decimal(0))
        total_score = sum((s for _, s in scored), Decimal(0))
        for ind, score in scored:
            unit = "%" if ind.unit in ("%", "％") else ind.unit
            actual = f"{format_decimal(ind.actual, _places(ind.actual))}{unit}"
            target = f"{ind.operator}{format_decimal(ind.target, _places(ind.target))}{unit}"
            out.append(Block(TEXT, f"{ind.name}{actual}（年度指标值{target}），分值{format_decimal(ind.points, 2)}分，"
                                   f"得{format_decimal(score, 2)}分。"))
        out.append(Block(TEXT, f"{'已评分的' if pending else ''}绩效指标合计分值{format_decimal(total_points, 2)}分，"
                               f"得{format_decimal(total_score, 2)}分。"))
    if pending:
        out.append(Block(TODO, f"{TODO_MARK}需自评打分的指标（定性指标或缺少实际完成值）："
                               + "、".join(f"“{i.name}”" for i in pending) + "。"))
    below = [i for i, s in scored if s < i.points]
    if below:
        out.append(Block(TODO, f"{TODO_MARK}未完成指标（" + "、".join(f"“{i.name}”" for i in below)
                               + "）的偏差原因。"))
    elif pending:
        out.append(Block(TODO, f"{TODO_MARK}自评后如有未完成的指标，说明偏差原因。"))
    if not f.indicators:
        out.append(Block(TODO, f"{TODO_MARK}产出、效益、满意度指标的年度指标值、实际完成值和得分"
                               f"（可用 --targets 指定绩效指标表自动填入）。"))

    out.append(Block(HEADING2, "（三）办案补贴与专项经费"))
    gap = _gap(f)
    if gap is not None:
        source = f"（取自{f.special_fund_source}）" if f.special_fund_source else ""
        text = (f"{f.year}年{f.special_fund_label}{wan(f.special_fund, d)}{source}。按最低补贴标准测算，"
                f"办案补贴需求为{wan(f.subsidy_required, d)}")
        if f.subsidy_required and f.special_fund:
            short = "专项经费" if f.special_fund_label == "法律援助专项经费" else "该额度"
            text += (f"，{short}占办案补贴需求的{share(f.special_fund, f.subsidy_required)}，"
                     f"办案补贴需求是{short}的{format_decimal(f.subsidy_required / f.special_fund, 2)}倍")
        if gap > 0:
            text += f"，缺口{wan(gap, d)}"
        out.append(Block(TEXT, text + "。"))
        others = [(label, total) for label, total in f.subsidy_scenarios if label != "最低标准"]
        if others:
            # each figure in words of its own, so no two read as the same quantity stated twice
            verbs = iter(("统一计付需", "则需", "需", "共需", "合计需"))
            parts = [f"按{label.removeprefix('统一')}{next(verbs, '需')}{wan(total, d)}" if label.startswith("统一")
                     else f"{label}需{wan(total, d)}" for label, total in others]
            out.append(Block(TEXT, "按其他补贴水平测算（与“legalaid subsidy”相同口径）：" + "；".join(parts)
                             + "（认罪认罚法律帮助等法律帮助事项在各水平下均按其本身标准计）。"))
    else:
        out.append(Block(TODO, f"{TODO_MARK}法律援助专项经费与按最低补贴标准测算的办案补贴需求对比"
                               f"（需要预算表中的专项经费和案件台账）。"))
    out.append(Block(TODO, f"{TODO_MARK}效益指标（社会效益、可持续影响）和服务对象满意度的说明。"))
    return out


def _places(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)
