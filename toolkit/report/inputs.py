"""The report's inputs as the core reads them from sheets: the budget workbook's labelled amounts (through the
budget core, with its check), the ledger's statistics of the report year (the statistics and subsidy cores) and the
绩效目标 (the evaluation core). The shells read the sheets (files, or an open workbook) and pass them in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR
from toolkit.base.sheet import NEVER_CALCULATED, RECALCULATE, STALE_FORMULAS, RawSheet
from toolkit.base.text import clean_text
from toolkit.budget.cross_table import measure_of, scope_of
from toolkit.budget.findings import grand_total
from toolkit.budget.cross_table import table_title_item as title_item
from toolkit.budget.tables import UNIT_SCALE, normalize
from toolkit.budget.cells import a1
from toolkit.budget.stale import set_aside, stale_cells, warnings as stale_warnings
from toolkit.budget.user_rules import rules_from_sheet
from toolkit.budget.workbook import RULES_SHEET, SheetInput, check_workbook, load_rules, read_tables
from toolkit.report.check import canonical_label, vocabulary
from toolkit.report.figures import ACTUAL
from toolkit.stats.compute import CONSULTATION_SHEET, Period, build_report, default_catalog, default_period, parse_consultations
from toolkit.stats.evaluation import TARGETS_SHEET, Targets, parse_targets


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
    notes: list[str] = field(default_factory=list)      # what reading set aside (formulas never calculated), said once

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
    return [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {}), formula_zeros=s.formula_zeros,
                       formula_results=s.formula_results) for s in sheets]


def budget_from_sheets(sheets: list[RawSheet], file: str | None, formats: dict | None = None) -> BudgetBook:
    """read_budget on sheets already read (a file, or an open workbook through xlwings). Formulas never calculated
    (a workbook written by a program, saved with 0 or no result) are set aside as `legalaid validate` sets them aside
    (toolkit.budget.stale): not read as figures, not compared, and said once (BudgetBook.notes)."""
    inputs = sheet_inputs(sheets, formats)
    rules = load_rules()
    stale = stale_cells(inputs)
    read = read_tables(inputs)
    if stale and read:
        user_rules = [line for s in inputs if normalize(s.name) == RULES_SHEET for line in rules_from_sheet(s.rows, s.name)]
        before = check_workbook(inputs, user_rules, rules)
        zeroed = _as_zeros(inputs, stale)      # what a reader taking them as figures reads (openpyxl saves blanks)
        as_read = _budget_figures(read_tables(zeroed), rules, {s.name: s.rows for s in zeroed}, file)
        inputs = set_aside(inputs, stale)
    blocks = read_tables(inputs) if stale else read
    if not blocks:
        raise InputError("没有找到预算数据：预算表应有一个“项目”列（或“科目名称”）和金额列，"
                         "并在表头上方写明“单位：万元”或“单位：元”。", file=file)
    user_rules = [line for s in inputs if normalize(s.name) == RULES_SHEET for line in rules_from_sheet(s.rows, s.name)]
    findings = check_workbook(inputs, user_rules, rules)
    book = BudgetBook(file, _budget_figures(blocks, rules, {s.name: s.rows for s in inputs}, file), findings)
    if stale and read:
        broke = stale_warnings(inputs, stale, before, findings)
        book.findings += broke
        set_apart = {(name, a1(r, c)) for name, cells in stale.items() for r, c in cells}
        unread = [f for f in as_read if (f.sheet, f.cell) in set_apart]
        if broke or unread:
            book.notes.append(_stale_note(file, stale, unread))
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


def _as_zeros(inputs: list[SheetInput], stale: dict[str, frozenset]) -> list[SheetInput]:
    """Copies of the sheets with each never-calculated formula cell read as 0 (as a program that does not calculate
    shows it)."""
    out = []
    for s in inputs:
        rows = [list(row) for row in s.rows]
        for r, c in stale.get(s.name, ()):
            if r < len(rows):
                rows[r] += [None] * (c + 1 - len(rows[r]))
                rows[r][c] = 0
        out.append(replace(s, rows=rows))
    return out


def _stale_note(file: str | None, stale: dict[str, frozenset], unread: list[BudgetFigure]) -> str:
    """The one note on the budget workbook's formulas never calculated: where, and which report figures it leaves
    unchecked."""
    cells = [(name, r, c) for name, found in stale.items() for r, c in sorted(found)]
    shown = "、".join(f"“{name}”{a1(r, c)}" for name, r, c in cells[:3]) + ("等" if len(cells) > 3 else "")
    labels = list(dict.fromkeys(f.label for f in unread))
    unchecked = (f"报告中的{'、'.join(labels[:5])}{'等' if len(labels) > 5 else ''}因此未与预算表核对"
                 if labels else "这些格未作为数字读取")
    return (f"{STALE_FORMULAS}：预算表“{file or ''}”中 {shown} {len(cells)} 个公式单元格保存的结果是 0 或空白——"
            f"{NEVER_CALCULATED}；{unchecked}（否则会按 0 比较，报出不存在的差异）。{RECALCULATE}。")


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
