"""`legalaid report` (draft the 绩效自评报告 as .docx) and `legalaid check-report` (check a written report's figures).

Thin shells: the budget workbook is read and checked by the budget core (toolkit.budget.workbook), the ledger's figures come
from the statistics core (toolkit.stats.compute) and the subsidy core, indicators and scores from the evaluation core
(toolkit.stats.evaluation); the pure cores toolkit.report.draft / toolkit.report.check turn them into a draft or findings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from toolkit.budget.cells import a1
from toolkit.budget.cross_table import measure_of, scope_of
from toolkit.budget.cross_table import table_title_item as title_item
from toolkit.budget.findings import grand_total
from toolkit.budget.labels import UNIT_SCALE, normalize
from toolkit.budget.rules import load_rules
from toolkit.budget.workbook import RULES_SHEET, SheetInput, check_workbook, read_tables
from toolkit.budget.user_rules import rules_from_sheet
from toolkit.base.errors import InputError
from toolkit.stats.evaluation import TARGETS_SHEET, Targets, evaluate, parse_targets
from toolkit.base.findings import ERROR
from toolkit.io.atomic import atomic_write
from toolkit.io.excel_read import _CFB_MAGIC, _ENCRYPTED_MARK, RawSheet, check_regular_file, decode_text, read_workbook
from toolkit.io.limits import check_package
from toolkit.base.money import WAN, parse_amount

MAX_REPORT_BYTES = 50 * 2**20
from toolkit.report.check import check_report
from toolkit.report.figures import (ACTUAL, AMOUNT, BUDGET, COUNT, PERCENT, TableValue, canonical_label, extract_figures,
                                    report_year_of, vocabulary)
from toolkit.report.draft import (CASE_TYPE_WORDS, HEADING1, HEADING2, LEGAL_HELP_TYPES, PERSONS_LABEL, TITLE, TODO,
                                  TODO_MARK, Block, Indicator, ReportFigures, draft_report)
from toolkit.stats.compute import CONSULTATION_SHEET, Period, build_report, default_catalog, default_period, parse_consultations
from toolkit.base.text import clean_text

NAME = "report"
HELP = "根据预算表和案件台账起草《部门整体支出绩效自评报告》（.docx），所有数字自动计算填入。"

KIND_LABEL = {"breakdown": "分项合计不符", "share": "占比不符", "repeat": "前后不一致", "unit": "单位疑误",
              "year": "年份或变化方向有误", "table": "与表格不符"}


# ---------------------------------------------------------------- budget workbook (through the budget core)

ROLE_OF_MEASURE = {"initial_budget": "initial", "adjusted_budget": "adjusted", "budget": "adjusted", "actual": ACTUAL}
NOT_AN_AMOUNT = ("", "-", "—", "－", "——", "/", "／")


@dataclass(frozen=True)
class BudgetFigure:
    """One amount cell of the budget workbook under a report label (report_vocabulary.toml)."""

    label: str              # report label, e.g. "支出合计"
    role: str               # ACTUAL, "initial" (年初预算数) or "adjusted" (全年预算数)
    value: Decimal          # in 元
    unit: str | None        # the table's unit (None: not stated)
    decimals: int | None    # decimals shown in the table, in its unit
    sheet: str
    cell: str               # "D5"
    header_row: int         # Excel row of the table header (for a missing-unit message)
    whole_scope: bool       # not a table limited to 财政拨款 / 政府性基金 … funds
    flagged: bool = False   # the budget check reported this cell

    @property
    def where(self) -> str:
        return f"“{self.sheet}”{self.cell}"


@dataclass
class BudgetBook:
    """The budget workbook as the report needs it: labelled amounts (元) and the budget check's findings."""

    file: str | None
    figures: list[BudgetFigure] = field(default_factory=list)
    findings: list = field(default_factory=list)       # toolkit.budget.workbook.BudgetFinding, as `legalaid validate` lists
    year: int | None = None
    centre: str | None = None

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == ERROR]

    def figure(self, label: str, role: str = ACTUAL) -> BudgetFigure | None:
        """The cell a label is read from: one with a stated unit, that the budget check did not report, of the whole
        department, first."""
        found = [f for f in self.figures if f.label == label and f.role == role]
        if not found:
            return None
        best = min(found, key=lambda f: (f.unit is None, f.flagged, not f.whole_scope))
        if best.unit is None:
            raise InputError("预算表没有写明金额单位：请在表头上方写“单位：万元”或“单位：元”。",
                             file=self.file, sheet=best.sheet, row=best.header_row)
        return best

    def get(self, label: str, role: str = ACTUAL) -> Decimal | None:
        """The amount (元) of a report label in the column of a role (ACTUAL, "initial", "adjusted")."""
        found = self.figure(label, role)
        return found.value if found else None

    def used_decimals(self, labels) -> int:
        """Decimals of 万元 to write: the most common among the 万元 cells the draft uses (2 to 4)."""
        shown = [f.decimals or 0 for label in labels for role in (ACTUAL, "initial", "adjusted")
                 if (f := self.figure(label, role)) is not None and f.unit == "万元"]
        if not shown:
            return 2
        common = max(set(shown), key=lambda d: (shown.count(d), d))
        return min(max(common, 2), 4)


@lru_cache(maxsize=1)
def _report_labels() -> tuple[dict[str, list[str]], tuple[str, ...], frozenset[str]]:
    """(budget rule item → report labels read from it, labels a table title may name, labels the draft reads)."""
    vocab = vocabulary()
    by_item: dict[str, list[str]] = {}
    for label, item in vocab["budget_items"].items():
        by_item.setdefault(item, []).append(label)
    draft = vocab["draft"]
    used = set(vocab["budget_items"]) | set(draft["income_parts"]) | set(draft["three_public_parts"]) \
        | set(draft["table_titles"])
    return by_item, tuple(draft["table_titles"]), frozenset(used)


def line_label(name: str, code: str | None, rules) -> str:
    """The report label of a budget row label (or column header): by the budget rules' names, else the report's own."""
    by_item, _, _ = _report_labels()
    item = rules.item_of(normalize(name), code)
    if item is None:
        return canonical_label(name)
    labels = by_item.get(item)
    if not labels:
        return item
    if len(labels) == 1:
        return labels[0]
    own = canonical_label(name)
    return own if own in labels else item


def _title_label(block, rules) -> str | None:
    """A report label the whole table is about (基本支出决算表 → 基本支出; 专项经费使用情况表 → 法律援助专项经费)."""
    item = title_item(block, rules)
    if item is not None:
        by_item, _, _ = _report_labels()
        labels = by_item.get(item, [])
        return labels[0] if len(labels) == 1 else item
    _, titles, _ = _report_labels()
    text = normalize(block.title + block.sheet)
    for label in titles:
        names = [label] + vocabulary()["labels"].get(label, [])
        if any(len(n) >= 4 and normalize(n) in text for n in names):
            return label
    return None


def sheet_inputs(sheets: list[RawSheet], formats: dict | None = None) -> list[SheetInput]:
    formats = formats or {}
    return [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {})) for s in sheets]


def read_budget(path: str | Path) -> BudgetBook:
    """The budget workbook: its tables read and checked by the budget core (toolkit.budget.workbook)."""
    from toolkit.cli.validate import read_formats
    path = Path(path)
    sheets = read_workbook(path)
    return budget_from_sheets(sheets, path.name, read_formats(path, [s.name for s in sheets]))


def budget_from_sheets(sheets: list[RawSheet], file: str | None, formats: dict | None = None) -> BudgetBook:
    """read_budget on sheets already read (a file, or an open workbook through xlwings)."""
    inputs = sheet_inputs(sheets, formats)
    rules = load_rules()
    blocks = read_tables(inputs)
    if not blocks:
        raise InputError("没有找到预算数据：预算表应有一个“项目”列（或“科目名称”）和金额列，"
                         "并在表头上方写明“单位：万元”或“单位：元”。", file=file)
    user_rules = [line for s in inputs if normalize(s.name) == RULES_SHEET for line in rules_from_sheet(s.rows, s.name)]
    findings = check_workbook(inputs, user_rules, rules)
    book = BudgetBook(file, _budget_figures(blocks, rules, {s.name: s.rows for s in inputs}, file), findings)
    reported = {(f.sheet, f.cell) for f in findings}
    book.figures = [replace(f, flagged=(f.sheet, f.cell) in reported) for f in book.figures]
    for s in inputs:
        for row in s.rows[:15]:
            for v in row:
                t = clean_text(v) if isinstance(v, str) else ""
                if book.year is None and (m := re.search(r"((?:19|20)\d{2})\s*年", t)):
                    book.year = int(m.group(1))
                if book.centre is None and (m := re.search(r"([^\s0-9（(“”\"]*?法律援助中心)", t)):
                    book.centre = m.group(1)
    return book


def _budget_figures(blocks, rules, grids: dict[str, list[list]], file: str | None) -> list[BudgetFigure]:
    """Every amount cell under a report label: rows by their label, columns named for an item (支出决算表's 基本支出)
    and tables about one item (基本支出决算表) at the table's 合计 line."""
    _, _, used = _report_labels()
    out: list[BudgetFigure] = []
    for block in blocks:
        whole = scope_of(block, rules) == "全部"
        grand = grand_total(block)
        about = _title_label(block, rules)
        header_row = block.header_rows[0] + 1
        for column in [c for c in block.columns if c.kind == "amount"]:
            measure = measure_of(block, column, rules)
            role = ROLE_OF_MEASURE[measure[0]] if measure else ACTUAL
            scale = UNIT_SCALE.get(column.unit) if column.unit else Decimal(1)

            def add(label: str, line) -> None:
                value = line.values[column.col]
                out.append(BudgetFigure(label, role, value * scale, column.unit, block.decimals.get((line.row, column.col)),
                                        block.sheet, a1(line.row, column.col), header_row, whole))

            for line in block.lines:
                if line.ratio:
                    continue
                label = line_label(line.name, line.code, rules)
                if column.col in line.values:
                    add(label, line)
                elif label in used:
                    _no_text_amount(grids, block, line, column, file)
            top = grand(column.col) if grand else None
            if top is not None:
                top_line = next(ln for ln in block.lines if ln.row == top.row)
                portion = measure[1] if measure else ""     # a column 基本支出, not a measure such as 决算数
                if portion and rules.item_of(normalize(portion), None) is not None:
                    add(line_label(portion, None, rules), top_line)
                elif about is not None:
                    add(about, top_line)
    return out


def _no_text_amount(grids, block, line, column, file) -> None:
    """A figure the report needs written as text ("三百万") is an input error, not a silent gap."""
    row = grids[block.sheet][line.row]
    value = row[column.col] if column.col < len(row) else None
    if isinstance(value, str) and clean_text(value) not in NOT_AN_AMOUNT:
        raise InputError(f"“{clean_text(value)}”不是金额，请填写数字。", file=file, sheet=block.sheet, row=line.row + 1,
                         column=column.title)


# ---------------------------------------------------------------- ledger workbook (through the statistics core)

@dataclass
class LedgerFigures:
    """The statistics the report states (toolkit.stats.compute, the same keys as `legalaid stats`) and the subsidy need."""

    cases_by_type: dict[str, int]          # case type (and 法律帮助 type) → matters
    special_groups: dict[str, int]         # group → 人次
    money_recovered: Decimal | None
    wages_recovered: Decimal | None        # for 农民工
    subsidy_required: Decimal | None
    consultations: dict[str, int]          # channel → 人次 (empty without a 咨询登记 sheet)
    file: str | None
    excluded_rows: list[int] = field(default_factory=list)   # Excel rows left out because of errors
    persons: dict[str, int] = field(default_factory=dict)    # "total", "cases", "help" → 人次
    values: dict = field(default_factory=dict)               # every statistics key of the period
    period: Period | None = None
    subsidy_scenarios: list = field(default_factory=list)    # (label, total 元) as `legalaid subsidy` compares them


def read_ledger(path: str | Path, year: int | None = None) -> LedgerFigures:
    """Statistics of the report year and the minimum-standard subsidy total from a case ledger workbook."""
    path = Path(path)
    return ledger_figures(read_workbook(path), path.name, year)


def ledger_figures(sheets: list[RawSheet], file: str | None, year: int | None = None) -> LedgerFigures:
    """read_ledger on sheets already read (a file, or an open workbook through xlwings). Without a year: the year
    most 指派日期 fall in, as `legalaid stats` does."""
    from toolkit.ledger.book import build_ledger, build_standard
    from toolkit.subsidy.compute import DEFAULT_FLATS, Level, compute_subsidies, price_ranges, scenarios

    ledger = build_ledger(sheets, file=file)
    cases = ledger.cases
    period = Period("year", year) if year else default_period(cases["指派日期"]) if len(cases) else None
    if period is None:
        raise InputError("台账中没有可用的指派日期，无法确定报告年度，请指定报告年度。", file=file, sheet=ledger.sheet)
    by_name = {s.name: s for s in sheets}
    consultations = parse_consultations(by_name[CONSULTATION_SHEET], file) \
        if CONSULTATION_SHEET in by_name else None
    catalog = default_catalog()
    values = build_report(cases, consultations.frame if consultations is not None else None, period,
                          catalog=catalog).values
    by_type, groups, channels = {}, {}, {}
    words = vocabulary()["draft"]["channel_words"]
    for spec in catalog.stats:
        value = values.get(spec.key)
        if not value:
            continue
        if spec.count == "matters" and spec.case_types and len(spec.case_types) == 1 and not spec.quality:
            by_type[spec.case_types[0]] = value
        elif spec.count == "persons" and spec.group and spec.group != "*":
            groups[spec.name] = value
        elif spec.count == "consultations" and spec.channel:
            channels[words.get(spec.channel, spec.channel)] = value
    standard = build_standard(sheets, None, file)
    required = compute_subsidies(cases, standard, Level("min"),
                                 sheet=ledger.sheet, file=file).total if len(cases) else Decimal(0)
    levels = [Level("min"), Level("max"), *(Level("flat", a) for a in DEFAULT_FLATS)]
    priced = [(s.level.label, s.total) for s in scenarios(cases, standard, levels, None, price_ranges(cases, standard))] \
        if len(cases) else []
    excluded = [int(r) for r in ledger.excluded["excel_row"]] if len(ledger.excluded) else []

    def money(key: str) -> Decimal | None:
        return values[key] if catalog.spec(key).column in ledger.header.columns else None

    return LedgerFigures(by_type, groups, money("money.挽回经济损失"), money("money.农民工讨薪"), required, channels, file,
                         excluded, {k: values[f"persons.{k}"] for k in ("total", "cases", "help")}, values, period,
                         priced)


# ---------------------------------------------------------------- targets (绩效目标, through the evaluation core)

def read_targets(path: str | Path) -> Targets:
    """The 绩效目标 sheet of a workbook (the sheet of that name, else the first with an indicator header)."""
    path = Path(path)
    targets = targets_from_sheets(read_workbook(path), path.name)
    if targets is None:
        raise InputError("没有找到绩效目标表：表头应包含“三级指标”“年度指标值”“实际完成值”“分值”。", file=path.name)
    return targets


def targets_from_sheets(sheets: list[RawSheet], file: str | None) -> Targets | None:
    """read_targets on sheets already read; None when no sheet has the indicator header."""
    ordered = sorted(sheets, key=lambda s: s.name != TARGETS_SHEET)
    for sheet in ordered:
        try:
            return parse_targets(sheet, file)
        except InputError:
            if sheet.name == TARGETS_SHEET:
                raise
    return None


# ---------------------------------------------------------------- assembling

def report_figures(budget: BudgetBook | None, ledger: LedgerFigures | None, targets: Targets | None,
                   year: int | None, centre: str | None, fund: Decimal | None = None) -> ReportFigures:
    """The draft's figures: budget amounts from the budget core, statistics from the statistics core, indicators and
    scores from the evaluation core."""
    draft_vocab = vocabulary()["draft"]
    year = year or (budget.year if budget else None)
    if year is None:
        raise InputError("无法确定报告年度：预算表标题中没有“20XX年”，请用 --year 指定。",
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


# ---------------------------------------------------------------- .docx

STYLE_NAMES = {TITLE: "Title", HEADING1: "Heading 1", HEADING2: "Heading 2", "text": "Normal", TODO: "待填写"}


def _set_font(style, latin: str, east_asian: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # theme fonts would win in Word
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), east_asian)
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def new_document(template: str | Path | None = None):
    """A document with the report's styles: the user's template (emptied of content) or the built-in defaults."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if template:
        check_regular_file(Path(template), "Word 模板")
        zf = check_package(Path(template), what="Word 文档")   # no bomb, no hostile part names or DOCTYPE copied out
        if zf is not None:
            zf.close()
        try:
            doc = Document(str(template))
        except Exception as exc:
            raise InputError("模板无法打开，应为 .docx 文件。", file=Path(template).name) from None
        body = doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        names = {s.name for s in doc.styles}
        missing = [n for n in STYLE_NAMES.values() if n not in names]
        if missing:
            raise InputError(f"模板缺少样式：{'、'.join(missing)}。", file=Path(template).name)
        return doc
    doc = Document()
    styles = doc.styles
    _set_font(styles["Normal"], "Times New Roman", "仿宋", 14)
    styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    _set_font(styles["Title"], "Times New Roman", "方正小标宋简体", 22, True)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.first_line_indent = Pt(0)
    border = styles["Title"].element.pPr.find(qn("w:pBdr"))  # the default Title has a blue rule below
    if border is not None:
        styles["Title"].element.pPr.remove(border)
    # 党政机关公文格式: 一级标题 黑体三号, 二级标题 楷体三号, 正文 仿宋三号; the first level is the stronger one
    _set_font(styles["Heading 1"], "Times New Roman", "黑体", 16, True)
    _set_font(styles["Heading 2"], "Times New Roman", "楷体", 16, False)
    for name in ("Heading 1", "Heading 2"):
        styles[name].font.italic = False
    for name in ("Heading 1", "Heading 2"):
        styles[name].paragraph_format.first_line_indent = Pt(32)
        styles[name].paragraph_format.space_before = Pt(6)
        styles[name].paragraph_format.space_after = Pt(6)
    todo = styles.add_style(STYLE_NAMES[TODO], WD_STYLE_TYPE.PARAGRAPH)
    todo.base_style = styles["Normal"]
    todo.font.highlight_color = WD_COLOR_INDEX.YELLOW     # marked by the yellow, not italics (Latin would slant)
    todo.font.italic = False
    return doc


def write_template(path: str | Path) -> None:
    """A template to restyle in Word/WPS: one sample paragraph per style (removed when a draft is written)."""
    doc = new_document()
    for style, text in ((TITLE, "标题（样式 Title）"), (HEADING1, "一、一级标题（样式 Heading 1）"),
                        (HEADING2, "（一）二级标题（样式 Heading 2）"), ("text", "正文（样式 Normal）。"),
                        (TODO, "【待填写】需人工填写的位置（样式 待填写）。")):
        doc.add_paragraph(text, style=STYLE_NAMES[style])
    _save_atomically(doc, Path(path))


def write_docx(blocks: list[Block], path: str | Path, template: str | Path | None = None) -> None:
    """Write the draft atomically (temp file in the same folder, then replace)."""
    doc = new_document(template)
    for block in blocks:
        doc.add_paragraph(block.text, style=STYLE_NAMES[block.style])
    _save_atomically(doc, Path(path))


def _save_atomically(doc, path: Path) -> None:
    try:
        with atomic_write(path) as out:
            doc.save(out)
    except PermissionError:
        raise InputError("无法写入输出文件：文件可能正在被Word/WPS打开，或文件夹不可写，请关闭后重试。",
                         file=path.name) from None


def _check_report_file(path: Path) -> None:
    """A report file that can be read at all: a regular file, not empty, not absurdly large."""
    check_regular_file(path, "报告文件")
    if path.stat().st_size == 0:
        raise InputError("文件是空的（0字节），没有可检查的内容。", file=path.name)
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise InputError(f"文件超过 {MAX_REPORT_BYTES // 2**20} MB，不像一份自评报告，请检查是否选错了文件。", file=path.name)


def open_docx(path: Path):
    """A .docx opened by python-docx after the checks every reader needs (regular file, size, password, old .doc
    under a new name, the zip's sizes and names); InputError in Chinese otherwise."""
    from docx import Document
    _check_report_file(path)
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(_CFB_MAGIC):
        encrypted = _ENCRYPTED_MARK in head
        raise InputError("文件设有打开密码，无法读取。请在Word/WPS中取消密码后另存再检查。" if encrypted else
                         "这是旧版 .doc 文件（只是扩展名为 .docx），请在Word/WPS中另存为 .docx 后再检查。",
                         file=path.name)
    zf = check_package(path, what="Word 文档")
    if zf is not None:
        zf.close()
    try:
        return Document(str(path))
    except Exception:
        raise InputError("文件已损坏或不是有效的 .docx 文档。", file=path.name) from None


def read_report_text(path: str | Path) -> str:
    """The prose of a report: a .docx's paragraphs, or a .txt/.md file (UTF-8 or GB18030)."""
    path = Path(path)
    _check_report_file(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        doc = open_docx(path)
        try:
            text = "\n".join(p.text for p in doc.paragraphs)
        except Exception:
            raise InputError("文件已损坏或不是有效的 .docx 文档。", file=path.name) from None
        if not text.strip():
            raise InputError("文档中没有文字，没有可检查的内容。", file=path.name)
        return text
    if suffix in (".txt", ".md"):
        text = decode_text(path.read_bytes())
        if text is None:
            raise InputError("文本编码无法识别（支持 UTF-8 和 GBK/GB18030），请另存为 UTF-8。", file=path.name)
        if suffix == ".md":
            text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+])\s+", "", text).replace("**", "").replace("__", "")
        if not text.strip():
            raise InputError("文件中没有文字，没有可检查的内容。", file=path.name)
        return text
    if suffix == ".doc":
        raise InputError("不支持旧版 .doc 文件，请在Word/WPS中另存为 .docx 后再检查。", file=path.name)
    raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .docx、.txt 或 .md。", file=path.name)


# ---------------------------------------------------------------- commands

def add_arguments(parser) -> None:
    parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿（.xlsx/.xls/.csv），用于案件数、受援人次、特殊群体、挽回损失、咨询（“咨询登记”表）和办案补贴测算，按报告年度统计")
    parser.add_argument("--budget", metavar="预算表", required=True, help="预算/决算工作簿（与 legalaid validate 相同的读法，如收入支出决算总表、基本支出决算表、“三公”经费表；注明“单位：万元”或“单位：元”）")
    parser.add_argument("--targets", metavar="指标表", help="绩效目标工作簿（与 legalaid stats 相同：三级指标、目标值、分值，可选统计键、实际完成值和年初预算数/全年预算数/全年执行数；默认用台账工作簿中的“绩效目标”表）")
    parser.add_argument("--year", type=int, metavar="年度", help="报告年度，如 2023（默认取预算表标题中的年份）")
    parser.add_argument("--fund", metavar="金额", help="法律援助专项经费，如 46万（默认取预算表中的“法律援助专项经费”，"
                        "没有时取“项目支出”，草稿中注明取自哪一行）")
    parser.add_argument("--centre", metavar="单位名称", help="单位名称（默认取预算表标题中的“……法律援助中心”）")
    parser.add_argument("--template", metavar="模板", help="Word 模板（.docx），使用其中的样式：Title、Heading 1、Heading 2、Normal、待填写")
    parser.add_argument("-o", "--output", metavar="输出", help="输出的 .docx 文件（默认：预算表同目录下“绩效自评报告草稿.docx”）")


def report_inputs(budget_path, ledger_path=None, targets_path=None, year: int | None = None):
    """The budget book, the ledger's figures for the report year and the 绩效目标 (the --targets workbook, else a
    绩效目标 sheet in the ledger workbook), read from files."""
    budget = read_budget(budget_path)
    year = year or budget.year
    ledger = targets = None
    if ledger_path:
        ledger_path = Path(ledger_path)
        sheets = read_workbook(ledger_path)
        ledger = ledger_figures(sheets, ledger_path.name, year)
        if not targets_path and any(s.name == TARGETS_SHEET for s in sheets):
            targets = targets_from_sheets(sheets, ledger_path.name)
    if targets_path:
        targets = read_targets(targets_path)
        if _is_template(targets_path):
            print(f"注意：指标表“{Path(targets_path).name}”是模板（含 {{{{…}}}} 占位），其中的目标值和年初预算数、全年预算数、"
                  "全年执行数是示例数字，请换成本单位的绩效目标（如 workbooks/示例绩效目标.xlsx 的格式）。")
    return budget, ledger, targets


def _is_template(path) -> bool:
    """A workbook still holding {{key}} placeholders: the shipped 绩效自评表模板, not a centre's targets."""
    return any(isinstance(v, str) and "{{" in v for s in read_workbook(Path(path)) for row in s.rows for v in row)


def run(args) -> int:
    budget, ledger, targets = report_inputs(args.budget, args.ledger, args.targets, args.year)
    fund = None
    if getattr(args, "fund", None):
        try:
            fund = parse_amount(args.fund)
        except ValueError as exc:
            raise InputError(f"--fund：{exc}。") from None
    figures = report_figures(budget, ledger, targets, args.year, args.centre, fund)
    blocks = draft_report(figures)
    output = Path(args.output) if args.output else Path(args.budget).with_name("绩效自评报告草稿.docx")
    if output.suffix.lower() != ".docx":
        raise InputError("输出文件应以 .docx 结尾。", file=output.name)
    inputs = {Path(p).resolve() for p in (args.budget, args.ledger, args.targets, args.template) if p}
    if output.resolve() in inputs:
        raise InputError("输出文件不能与输入文件相同。", file=output.name)
    write_docx(blocks, output, args.template)
    if ledger and ledger.excluded_rows:
        rows = "、".join(map(str, ledger.excluded_rows[:10])) + ("等" if len(ledger.excluded_rows) > 10 else "")
        print(f"注意：台账“{ledger.file}”第{rows}行有错误，未计入报告中的案件数和金额"
              f"（用 legalaid subsidy 查看错误说明）。")
    if budget.errors:
        print(f"注意：预算表“{budget.file}”校验发现 {len(budget.errors)} 处错误，报告中取自预算表的金额可能有误，"
              f"草稿开头已注明（用 legalaid validate 查看详情）。")
    todo = sum(1 for b in blocks if b.style == TODO and b.text.startswith(TODO_MARK))
    own = check_report("\n".join(b.text for b in blocks))
    print(f"已生成报告草稿：{output}")
    print(f"共写入数字 {len(own.figures)} 个；需人工填写的位置 {todo} 处（以“【待填写】”标出，黄色底纹）。")
    if own.findings:  # the inputs themselves disagree (e.g. parts that do not add up in the budget table)
        print(f"注意：草稿自检发现 {len(own.findings)} 处数字不一致，源自输入表格本身：")
        _print_findings(own.findings)
    # README: 1 = finished, but the inputs have data errors
    return 1 if budget.errors or (ledger and ledger.excluded_rows) or own.findings else 0


class CheckCommand:
    """`legalaid check-report`: the second command of this module (registered by toolkit.cli.check_report)."""

    NAME = "check-report"
    HELP = "检查已写好的自评报告：文中金额、占比、件数、年份与自身及表格是否一致。"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("report", metavar="报告", help="要检查的报告（.docx、.txt 或 .md）")
        parser.add_argument("--budget", metavar="预算表", help="预算/决算工作簿，文中金额与表中同名项目逐一核对")
        parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿，文中案件数、特殊群体等与台账核对")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出：{\"figures\": 数字个数, \"findings\": [...]}")

    @staticmethod
    def run(args) -> int:
        text = read_report_text(args.report)
        budget = read_budget(args.budget) if args.budget else None
        year = report_year_of(extract_figures(text)) or (budget.year if budget else None)   # the report's own year
        ledger = read_ledger(args.ledger, year) if args.ledger else None
        result = check_report(text, table_values(budget, ledger) if (budget or ledger) else None)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(f"{Path(args.report).name}：识别数字 {len(result.figures)} 个，发现不一致 {len(result.findings)} 处。")
            if budget and budget.errors:
                print(f"注意：预算表“{budget.file}”本身校验发现 {len(budget.errors)} 处错误，与之相符的数字也可能有误"
                      f"（用 legalaid validate 查看详情）。")
            _print_findings(result.findings)
        return 1 if result.findings else 0


def _print_findings(findings) -> None:
    for n, f in enumerate(findings, 1):
        print(f"{n}. 【{KIND_LABEL.get(f.kind, f.kind)}】{f.message}")
        print(f"   原句：{f.sentence}")
        expected = "按分项之和" if f.kind == "breakdown" else "应为"
        print(f"   文中：{f.stated}    {expected}：{f.expected}")
