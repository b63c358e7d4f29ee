"""The report jobs' decisions (`legalaid report` / the 生成自评报告 button, and `legalaid check-report`): the
draft's figures from the inputs (toolkit.report.inputs), the draft, its own check, and what prose is compared with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.errors import InputError
from toolkit.base.layout import Cell, Layout
from toolkit.base.money import WAN, parse_amount
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text
from toolkit.base.settings import RawSettings
from toolkit.report.check import AMOUNT, COUNT, PERCENT, ReportCheck, TableValue, canonical_label, check_report, vocabulary
from toolkit.report.figures import ACTUAL, BUDGET
from toolkit.report.draft import (CASE_TYPE_WORDS, HEADING1, HEADING2, LEGAL_HELP_TYPES, PERSONS_LABEL, TITLE, TODO,
                                  TODO_MARK, Block, Indicator, ReportFigures, draft_report)
from toolkit.report.inputs import BudgetBook, LedgerFigures, budget_from_sheets, ledger_figures, targets_from_sheets
from toolkit.stats.evaluation import Targets, evaluate

REPORT_SHEET = "自评报告草稿"
CLI_YEAR_HINT = "请用 --year 指定"


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class ReportSettings:
    year: int | None = None        # the report year (default: the budget workbook's title)
    centre: str | None = None      # the centre's name (default: from the budget workbook's title)
    fund: Decimal | None = None    # the special fund to compare with (default: the budget's line)


def parse_report_settings(raw: Mapping[str, object], where: Mapping[str, str | None] | None = None
                          ) -> ReportSettings:
    """The one parser of the report settings: year (2023, 2023.0, "2023", "2023年", a date in the year), centre,
    fund ("46万"). Blank means the default; `where` names each value's place for the error message."""
    settings = RawSettings(raw, where)
    given, error = settings.given, settings.error

    year = None
    if given("year"):
        year = _year(raw["year"])
        if year is None:
            raise error("year", f"报告年度“{clean_text(raw['year'])}”应为年份，如 2023。")
    fund = None
    if given("fund"):
        try:
            fund = parse_amount(raw["fund"])
        except ValueError as exc:
            raise error("fund", f"{exc}。") from None
    return ReportSettings(year, clean_text(raw["centre"]) if given("centre") else None, fund)


def _year(value) -> int | None:
    """A year as typed or as Excel delivers it (2023, 2023.0, "2023年", a date or its serial); None if not one."""
    from toolkit.base.dates import parse_date
    from toolkit.stats.compute import parse_period

    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not 1000 <= value <= 9999:
        try:
            value = parse_date(value)       # a date serial
        except Exception:
            return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    try:
        period = parse_period(str(value))
    except ValueError:
        return None
    return period.year if period.kind == "year" else None


# ---------------------------------------------------------------- the draft


@dataclass
class ReportOutcome:
    figures: ReportFigures
    blocks: list[Block]
    own: ReportCheck             # the draft checked by check-report: disagreements come from the inputs themselves
    budget: BudgetBook
    ledger: LedgerFigures | None
    layout: Layout               # the draft as the 自评报告草稿 sheet

    @property
    def todo(self) -> int:
        """Places left to write by hand (【待填写】)."""
        return sum(1 for b in self.blocks if b.style == TODO and b.text.startswith(TODO_MARK))

    def excluded_rows_text(self) -> str:
        rows = self.ledger.excluded_rows
        return "、".join(map(str, rows[:10])) + ("等" if len(rows) > 10 else "")


def run_report(budget: BudgetBook, ledger: LedgerFigures | None, targets: Targets | None, settings: ReportSettings,
               year_hint: str = CLI_YEAR_HINT) -> ReportOutcome:
    """The draft from the inputs, checked by check-report's rules, and laid out as a sheet."""
    figures = report_figures(budget, ledger, targets, settings.year, settings.centre, settings.fund, year_hint)
    blocks = draft_report(figures)
    own = check_report("\n".join(b.text for b in blocks))
    return ReportOutcome(figures, blocks, own, budget, ledger, report_layout(blocks))


def report_layout(blocks: list[Block]) -> Layout:
    """The draft as one column of paragraphs (the 生成自评报告 button; the CLI writes a .docx)."""
    tags = {TITLE: "title", HEADING1: "section", HEADING2: "section", TODO: "todo"}
    layout = Layout(REPORT_SHEET, widths={1: 110})
    for block in blocks:
        layout.add(Cell(block.text, tags.get(block.style, "paragraph")))
    return layout


def inputs_from_book(sheets: list[RawSheet], file: str | None, formats: dict | None, year: int | None):
    """(budget, ledger figures or None, targets or None) of one workbook holding them all (the button)."""
    from toolkit.ledger.book import find_ledger_sheet

    budget = budget_from_sheets(sheets, file, formats)
    try:
        find_ledger_sheet(sheets, file=file)
        ledger = ledger_figures(sheets, file, year or budget.year)
    except InputError as exc:
        if "没有找到案件台账工作表" not in exc.message:
            raise
        ledger = None            # a report on the budget alone: the case paragraphs are left to fill in
    return budget, ledger, targets_from_sheets(sheets, file)


def report_figures(budget: BudgetBook | None, ledger: LedgerFigures | None, targets: Targets | None,
                   year: int | None, centre: str | None, fund: Decimal | None = None,
                   year_hint: str = CLI_YEAR_HINT) -> ReportFigures:
    """The draft's figures: budget amounts from the budget core, statistics from the statistics core, indicators and
    scores from the evaluation core."""
    draft_vocab = vocabulary()["draft"]
    year = year or (budget.year if budget else None)
    if year is None:
        raise InputError(f"无法确定报告年度：预算表标题中没有“20XX年”，{year_hint}。",
                         file=budget.file if budget else None)
    centre = centre or (budget.centre if budget else None) or "法律援助中心"
    kw: dict = {}
    evaluation = evaluate(targets, ledger.values if ledger else {}, targets.sheet) if targets else None
    if budget:
        g = budget.get
        total = g("支出合计")
        adjusted = g("全年预算数", "adjusted") or g("全年预算数") or g("支出合计", "adjusted")
        executed = g("全年执行数") or (total if g("支出合计", "adjusted") is not None else None)
        income = g("收入合计")
        parts = {k: v for k in draft_vocab["income_parts"] if (v := g(k))}
        # the special fund: --fund, else the budget's 法律援助专项经费 line, else its 项目支出 (said in the draft)
        if fund is not None:     # not the budget's line: named apart, so check-report does not hold it to the table
            fund_source = "命令中给出的金额"
            kw["special_fund_label"] = "测算用经费额度"
        else:
            fund = g("法律援助专项经费", "adjusted") or g("法律援助专项经费", "initial") or g("法律援助专项经费")
            fund_source = "预算表“法律援助专项经费”" if fund is not None else ""
            project = g("项目支出", "adjusted") or g("项目支出", "initial")
            if fund is None and project is not None:
                fund, fund_source = project, "预算表“项目支出”的预算数（未找到“法律援助专项经费”一行）"
                kw["special_fund_label"] = "测算用经费额度"
        kw["special_fund_source"] = fund_source
        kw.update(income_total=income, income_parts=parts,
                  income_parts_complete=income is None or sum(parts.values(), Decimal(0)) == income,
                  expenditure_total=total, basic_expenditure=g("基本支出"), project_expenditure=g("项目支出"),
                  personnel_costs=g("人员经费"), public_costs=g("公用经费"), three_public_total=g("三公经费合计"),
                  three_public_parts={k: v for k in draft_vocab["three_public_parts"] if (v := g(k)) is not None},
                  budget_initial=g("年初预算数", "initial") or g("年初预算数") or g("支出合计", "initial"),
                  budget_adjusted=adjusted, budget_executed=executed, special_fund=fund,
                  budget_errors=len(budget.errors), budget_error_cells=[f"{f.sheet}!{f.cell}" for f in budget.errors])
        kw["decimals"] = budget.used_decimals(draft_vocab["income_parts"] + draft_vocab["three_public_parts"]
                                              + list(vocabulary()["budget_items"]) + ["法律援助专项经费"])
    if evaluation is not None:
        b = evaluation.budget
        if b.annual and b.executed is not None:   # the evaluation sheet's own figures, as its score uses them
            scale = WAN if b.unit == "万元" else Decimal(1)
            kw.update(budget_initial=b.initial * scale if b.initial is not None else None,
                      budget_adjusted=b.annual * scale, budget_executed=b.executed * scale)
        kw["indicators"] = [Indicator(s.indicator.level3, s.indicator.nature, s.indicator.target, s.actual,
                                      s.indicator.unit, s.indicator.points, s.score) for s in evaluation.indicators]
    if ledger:
        kw.update(cases_by_type=ledger.cases_by_type, special_groups=ledger.special_groups,
                  money_recovered=ledger.money_recovered, wages_recovered=ledger.wages_recovered,
                  subsidy_required=ledger.subsidy_required, consultations_by_channel=ledger.consultations,
                  persons=ledger.persons, subsidy_scenarios=tuple(ledger.subsidy_scenarios))
    return ReportFigures(year=year, centre=centre, **kw)


def table_values(budget: BudgetBook | None, ledger: LedgerFigures | None) -> list[TableValue]:
    """What check-report compares prose figures with: every amount cell of the budget tables (as the budget core reads
    them, in 元) and the statistics of the report year."""
    out: list[TableValue] = []
    if budget:
        for f in budget.figures:
            if f.unit is None:
                continue
            where = f"{budget.file} {f.where}"
            phase = ACTUAL if f.role == ACTUAL else BUDGET
            out.append(TableValue(f.label, AMOUNT, f.value, Decimal(0), where, phase))
            if f.label == "支出合计" and f.role != ACTUAL:
                out.append(TableValue("年初预算数" if f.role == "initial" else "全年预算数", AMOUNT, f.value,
                                      Decimal(0), where, BUDGET))
            elif f.label == "支出合计" and budget.get("支出合计", "adjusted") is not None:
                out.append(TableValue("全年执行数", AMOUNT, f.value, Decimal(0), where, ACTUAL))
        executed = budget.get("全年执行数") or (budget.get("支出合计") if budget.get("支出合计", "adjusted") else None)
        adjusted = budget.get("全年预算数", "adjusted") or budget.get("全年预算数") or budget.get("支出合计", "adjusted")
        if executed is not None and adjusted:
            out.append(TableValue("预算执行率", PERCENT, executed / adjusted * 100, Decimal(0),
                                  f"{budget.file} 全年执行数÷全年预算数"))
    if ledger:
        where = f"{ledger.file} 案件台账（{ledger.period.label if ledger.period else ''}，按指派日期）"
        cases = {t: n for t, n in ledger.cases_by_type.items() if t not in LEGAL_HELP_TYPES}
        out.append(TableValue("办理法律援助案件", COUNT, Decimal(sum(cases.values())), Decimal(0), where))
        for t, n in cases.items():
            out.append(TableValue(canonical_label(CASE_TYPE_WORDS.get(t, t)), COUNT, Decimal(n), Decimal(0), where))
        for g, n in ledger.special_groups.items():
            out.append(TableValue(canonical_label(g), COUNT, Decimal(n), Decimal(0), where))
        if ledger.persons:
            out.append(TableValue(canonical_label(PERSONS_LABEL), COUNT, Decimal(ledger.persons["total"]), Decimal(0),
                                  where))
        for label, value in (("挽回经济损失", ledger.money_recovered), ("讨薪金额", ledger.wages_recovered),
                             ("办案补贴需求", ledger.subsidy_required)):
            if value is not None:
                out.append(TableValue(label, AMOUNT, value, Decimal(0), where))
        if ledger.consultations:
            out.append(TableValue("法律咨询", COUNT, Decimal(sum(ledger.consultations.values())), Decimal(0),
                                  f"{ledger.file} 咨询登记"))
    return out


# ---------------------------------------------------------------- check-report


def check_values(budget: BudgetBook | None, ledger: LedgerFigures | None, cases=None,
                 ledger_file: str | None = None) -> list[TableValue]:
    """What a report's figures are compared with: the budget cells (as the draft reads them) and the ledger's
    statistics, the case count under every counting basis (toolkit.report.bases) when the ledger's cases are given."""
    from toolkit.report.bases import case_bases

    values = table_values(budget, ledger) if (budget or ledger) else []
    if ledger is not None and cases is not None:
        values = [v for v in values if v.label != "办理法律援助案件"]
        values += case_bases(cases, ledger.period.year, f"{ledger_file} 案件台账（{ledger.period.label}）")
    return values
