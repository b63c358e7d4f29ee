"""The budget check job (`legalaid validate` and the 校验预算 button): sheets → findings → what to write.

Pure: the shells read the sheets (with their cell formats where readable) and the rule lines, call `run_validate`
and write its outcome — the 校验结果 Layout (one description for the file and the open workbook), the cells to mark
with their comment and severity — and show its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING
from toolkit.base.layout import Cell, Layout
from toolkit.base.text import clean_text
from toolkit.budget.tables import UNIT_SCALE, normalize
from toolkit.budget.user_rules import RuleLine, rules_from_sheet
from toolkit.budget.workbook import RESULT_SHEET, RULES_SHEET, BudgetFinding, SheetInput, check_workbook, read_tables, unchecked_sheets
from toolkit.budget.findings import fmt
from toolkit.budget.stale import set_aside, stale_cells, warnings as stale_warnings

HEADER = ["严重程度", "位置", "规则", "期望值", "实际值", "差额", "说明"]
RESULT_WIDTHS = {1: 9, 2: 20, 3: 24, 4: 12, 5: 12, 6: 12, 7: 60}
UNCHECKED_LABEL = "未校验"
SEVERITY_TAG = {ERROR: "error_label", WARNING: "warning_label"}   # the look: toolkit.io.layout_writer.STYLES
NO_TABLES = "没有找到可校验的预算/决算表：表头中需要有“项目”“科目名称”或“名称”列，右侧为金额列。"


@dataclass(frozen=True)
class ValidateSettings:
    unit: str | None = None     # 元 / 万元 for sheets that declare no unit (the template's 金额单位 cell)


def parse_validate_settings(raw: Mapping[str, object], where: Mapping[str, str | None] | None = None
                            ) -> ValidateSettings:
    """The budget check's settings: the amount unit of sheets that state none ("元" or "万元")."""
    unit = clean_text(raw.get("unit")) if raw.get("unit") is not None else ""
    if unit and unit not in UNIT_SCALE:
        place = (where or {}).get("unit") or "“金额单位”单元格"
        raise InputError(f"{place}只能填“元”或“万元”，现为“{unit}”。")
    return ValidateSettings(unit or None)


def sheet_rule_lines(inputs: list[SheetInput]) -> list[RuleLine]:
    """The user's rules written in a 校验规则 sheet of the workbook."""
    lines = []
    for s in inputs:
        if normalize(s.name) == RULES_SHEET:
            lines += rules_from_sheet(s.rows, s.name)
    return lines


@dataclass(frozen=True)
class Mark:
    """A checked cell to highlight, with the findings about it as its comment."""

    sheet: str
    cell: str
    severity: str          # the worst of its findings
    comment: str


@dataclass
class ValidateOutcome:
    findings: list[BudgetFinding]
    unchecked: list[dict]            # [{"sheet", "reason"}]
    layout: Layout                   # the 校验结果 sheet
    marks: list[Mark] = field(default_factory=list)
    message: str = ""                # the button's message

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def run_validate(inputs: list[SheetInput], rule_lines: list[RuleLine], *, not_loaded: frozenset = frozenset(),
                 file: str | None = None) -> ValidateOutcome:
    """Check every table of the sheets (identities, shares, units, cross-table, the user's rules). Formulas never
    calculated are set aside (toolkit.budget.stale): one warning per sheet, not an error per 合计."""
    stale = stale_cells(inputs)
    if stale and read_tables(inputs):
        before = check_workbook(inputs, rule_lines, not_loaded=not_loaded)
        inputs = set_aside(inputs, stale)
    tables = read_tables(inputs)
    if not tables:
        raise InputError(NO_TABLES, file=file)
    idle = unchecked_sheets(inputs, tables)
    findings = check_workbook(inputs, rule_lines, not_loaded=not_loaded)
    if stale:
        findings += stale_warnings(inputs, stale, before, findings)
    names = [s.name for s in inputs]
    outcome = ValidateOutcome(findings, idle, result_layout(findings, names, idle), marks(findings, names))
    outcome.message = _message(outcome, inputs, {b.sheet for b in tables})
    return outcome


def result_layout(findings: list[BudgetFinding], sheet_names: list[str], unchecked: list[dict] | None = None
                  ) -> Layout:
    """The 校验结果 sheet: one finding a row (位置 linked to the cell), sheets left unchecked last, with the reason."""
    lay = Layout(RESULT_SHEET, widths=dict(RESULT_WIDTHS), freeze_rows=1, landscape=True, fit_width=True)
    lay.add(*(Cell(h, "result_header") for h in HEADER))
    for f in findings:
        row = lay.add(Cell(f.severity_label, SEVERITY_TAG[f.severity]), Cell(f"{f.sheet}!{f.cell}", "link"),
                      Cell(f.rule, "wrapped"), *_figures(f), Cell(f.message, "wrapped"))
        if f.sheet in sheet_names:
            lay.links[f"B{row}"] = f"'{f.sheet}'!{f.cell}"
    if not findings:
        lay.add(Cell("", "wrapped"), Cell("", "link"), Cell("未发现问题", "wrapped"), *_figures(None),
                Cell("全部校验通过。" if not unchecked else "已校验的表全部通过。", "wrapped"))
    for u in unchecked or []:
        lay.add(Cell(UNCHECKED_LABEL, "wrapped"), Cell(u["sheet"], "link"), Cell("未校验的工作表", "wrapped"),
                *_figures(None), Cell(f"本表未校验：{u['reason']}。", "wrapped"))
    return lay


def _figures(f: BudgetFinding | None) -> list[Cell]:
    """期望值, 实际值, 差额: numbers (a 占比/执行率 finding's fractions shown as percentages)."""
    values = [_num(f.expected), _num(f.actual), _num(f.difference)] if f else [None, None, None]
    numbers = [v for v in values if isinstance(v, float)]
    ratio = f is not None and f.rule.startswith(("占比", "执行率")) and bool(numbers) and all(abs(v) <= 10 for v in numbers)
    return [Cell(v, "percent" if ratio else "amount") for v in values]


def _num(d):
    if d is None:
        return None
    return float(d) if abs(d) < 10**15 else fmt(d)


def marks(findings: list[BudgetFinding], sheet_names: list[str]) -> list[Mark]:
    """The checked cells to highlight (the worst severity's colour) with every finding about them as the comment."""
    notes: dict[tuple[str, str], list[BudgetFinding]] = {}
    for f in findings:
        if f.sheet in sheet_names:
            notes.setdefault((f.sheet, f.cell), []).append(f)
    return [Mark(sheet, cell, ERROR if any(f.severity == ERROR for f in fs) else WARNING,
                 "\n".join(f"【{f.severity_label}】{f.message}" for f in fs)) for (sheet, cell), fs in notes.items()]


def _message(outcome: ValidateOutcome, inputs: list[SheetInput], with_tables: set[str]) -> str:
    findings, idle = outcome.findings, outcome.unchecked
    if findings:
        message = (f"预算校验完成：发现 {outcome.errors} 个错误、{outcome.warnings} 个警告，逐条列在“{RESULT_SHEET}”工作表"
                   "（位置列为 工作表!单元格）。原表未作任何改动。")
    else:
        message = "预算校验完成：全部校验通过，未发现错误或警告。"
    if idle:
        message += "\n未校验的工作表：" + "、".join(f"“{u['sheet']}”" for u in idle) + f"（原因见“{RESULT_SHEET}”工作表）。"
    unformatted = [s.name for s in inputs if not s.formats and s.name in with_tables]
    if unformatted:
        message += ("\n注意：未能读取" + "、".join(f"“{n}”" for n in unformatted) + "的数字格式和缩进"
                    "（Excel 网页版不提供；桌面版请先保存工作簿），容差按数值本身的小数位计算，仅靠缩进表示的层级无法识别。")
    return message
