"""The subsidy job (`legalaid subsidy` and the 计算补贴 button): settings → every case's subsidy → what to write.

Pure: the shells read the ledger (a file, a folder, an open workbook), call `run_subsidy` and write its outcome —
the toolkit's columns next to each ledger sheet, the 补贴汇总 Layout — and show its message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.layout import Layout
from toolkit.base.money import format_yuan, parse_amount
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text
from toolkit.base.settings import RawSettings
from toolkit.ledger.book import combination_lines, combined_label, compute_by_sheet, part_view
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS, Ledger
from toolkit.subsidy.compute import (DEFAULT_FLATS, FundComparison, Level, Scenario, SubsidyResult, compare_fund,
                                     parse_level, price_ranges, scenarios)
from toolkit.subsidy.sheet import SUMMARY_SHEET, LedgerColumns, column_placement, ledger_columns, summary_layout

_LIST_SEPARATORS = re.compile(r"[,，、]")


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class SubsidySettings:
    """What a subsidy run is asked for (the CLI options, or the 参数 sheet / named cells of the buttons)."""

    level: Level = Level("min")
    fund: Decimal | None = None
    flats: tuple[Decimal, ...] = DEFAULT_FLATS
    standard: str | None = None


def parse_subsidy_settings(raw: Mapping[str, object], where: Mapping[str, str | None] | None = None
                           ) -> SubsidySettings:
    """The one parser of the subsidy settings: level, fund, flats ("1800,2000", "1800，2000", "1800、2000" or one
    number), standard. Values as typed (str) or as Excel delivers them (float); blank means the default.
    `where` names the place of each value (a 参数 row, a defined name) for the error message."""
    settings = RawSettings(raw, where)
    given, error = settings.given, settings.error

    level = Level("min")
    if given("level"):
        try:
            level = parse_level(clean_text(raw["level"]))
        except ValueError as exc:
            raise error("level", f"{exc}。") from None
    fund = None
    if given("fund"):
        fund = _amount(raw["fund"], "专项经费金额", lambda m: error("fund", m))
    flats = DEFAULT_FLATS
    if given("flats"):
        value = raw["flats"]
        tokens = [value] if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else \
            [t for t in _LIST_SEPARATORS.split(str(value)) if t.strip()]
        flats = tuple(_amount(t, "统一标准金额", lambda m: error("flats", m)) for t in tokens)
    standard = clean_text(raw["standard"]) if given("standard") else None
    return SubsidySettings(level, fund, flats, standard)


def _amount(value, what: str, error) -> Decimal:
    shown = clean_text(value)
    try:
        amount = parse_amount(value)
    except ValueError as exc:
        raise error(f"{what}“{shown}”无法识别：{exc}。") from None
    if amount is None:
        raise error(f"{what}“{shown}”无法识别。")
    if amount < 0:
        raise error(f"{what}“{shown}”不能为负数。")
    return amount


def scenario_levels(chosen: Level, flats) -> list[Level]:
    """最低, 最高, each flat amount, and the chosen level if it is none of those."""
    levels = [Level("min"), Level("max"), *(Level("flat", f) for f in flats)]
    if chosen not in levels:
        levels.append(chosen)
    return levels


# ---------------------------------------------------------------- where the columns go


@dataclass(frozen=True)
class Placement:
    """Where the toolkit's columns go on one ledger sheet (1-based)."""

    header_row: int
    first_col: int
    rerun: bool            # the toolkit's columns are already there (they are replaced)
    sheet_rows: int        # rows the sheet holds now (old values below the ledger are cleared by the buttons)


def ledger_placements(ledger: Ledger, raw: Mapping[tuple[str | None, str], RawSheet], max_columns: int,
                      file: str | None = None) -> dict[tuple[str | None, str], Placement]:
    """The placement of the toolkit columns on every sheet of the ledger; InputError when they would not fit in
    Excel's grid (`max_columns`)."""
    parts = {(p.file, p.sheet): p for p in ledger.pieces}
    places = {}
    for key, sheet in raw.items():
        header_row, first_col, rerun = column_placement(sheet, part_view(ledger, parts[key]))
        if first_col + len(TOOLKIT_LEDGER_COLUMNS) - 1 > max_columns:
            raise InputError(f"台账右侧没有足够的空列写入“{'、'.join(TOOLKIT_LEDGER_COLUMNS)}”"
                             f"（已用到第 {first_col - 1:,} 列，Excel 最多 {max_columns:,} 列）。"
                             "请删除台账右侧多余的列后再处理。", file=key[0] or file, sheet=key[1])
        places[key] = Placement(header_row, first_col, rerun, len(sheet.rows))
    return places


# ---------------------------------------------------------------- the run


@dataclass
class LedgerPart:
    """The toolkit columns of one ledger sheet: values by Excel row, where they go, which rows hold an error."""

    key: tuple[str | None, str]        # (file, sheet)
    columns: LedgerColumns
    place: Placement
    error_rows: frozenset[int] = frozenset()

    @property
    def last_row(self) -> int:
        """The last Excel row the columns cover (old values below are cleared)."""
        return max(self.place.sheet_rows, self.place.header_row + 1, max(self.columns.excel_rows, default=0))

    def note_severity(self, row: int, note) -> str | None:
        """The severity the 校验提示 cell of a row is marked with (None: nothing to mark)."""
        if row in self.error_rows:
            return ERROR
        return WARNING if note else None


@dataclass
class SubsidyOutcome:
    """Everything a subsidy run decided: results, findings, the ledger columns, the 补贴汇总 Layout, the message."""

    ledger: Ledger
    result: SubsidyResult
    scenarios: list[Scenario]
    comparison: FundComparison | None
    findings: list[Finding]
    parts: list[LedgerPart]
    layout: Layout
    message: str                          # the buttons' message
    fund: Decimal | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def run_subsidy(ledger: Ledger, standard, settings: SubsidySettings,
                places: Mapping[tuple[str | None, str], Placement], *, source: str | None = None,
                fund_hint: str | None = None) -> SubsidyOutcome:
    """Price every case (sheet by sheet), compare the levels and the fund, and decide the columns and 补贴汇总.
    `source` names the ledger on 补贴汇总 (default: its file and sheets)."""
    ranges = price_ranges(ledger.cases, standard)
    result, by_sheet = compute_by_sheet(ledger, standard, settings.level, ranges)
    scenario_list = scenarios(ledger.cases, standard, scenario_levels(settings.level, settings.flats),
                              settings.fund, ranges)
    del ranges
    order = {(p.file, p.sheet): i for i, p in enumerate(ledger.pieces)}
    findings = sorted(list(ledger.findings) + result.findings,
                      key=lambda f: (order.get((f.file, f.sheet), -1), f.row or 0, f.severity != ERROR))
    hint = {"fund_hint": fund_hint} if fund_hint else {}
    layout = summary_layout(ledger, result, scenario_list, settings.fund, source or combined_label(ledger), **hint)
    comparison = compare_fund(result.total, settings.fund) if settings.fund is not None else None
    parts = []
    for key, (view, part_result) in by_sheet.items():
        mine = [f for f in findings if f.sheet == key[1] and f.file == key[0]]
        errors = frozenset(f.row for f in mine if f.row and f.severity == ERROR)
        parts.append(LedgerPart(key, ledger_columns(view, part_result, mine), places[key], errors))
    message = _button_message(ledger, result, settings.fund, findings)
    return SubsidyOutcome(ledger, result, scenario_list, comparison, findings, parts, layout, message, settings.fund)


def _button_message(ledger: Ledger, result, fund, findings) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    lines = [f"补贴计算完成（{result.level.label}）：计入 {len(result.counted)} 件，应付补贴合计 "
             f"{format_yuan(result.total)} 元。"]
    if fund is not None:
        c = compare_fund(result.total, fund)
        coverage = f"，经费覆盖率 {c.coverage_percent}%" if c.coverage_percent is not None else ""
        lines.append(f"专项经费 {format_yuan(fund)} 元，缺口 {format_yuan(c.gap)} 元{coverage}。")
    lines.extend(combination_lines(ledger)[:6])
    if findings:
        lines.append(f"发现错误 {errors} 条、警告 {warnings} 条，已写在“{'、'.join(p.sheet for p in ledger.pieces)}”表的“校验提示”列"
                     "（红色为错误，该行未计入；黄色为警告）。")
    lines.append(f"分类汇总和测算对比见“{SUMMARY_SHEET}”工作表。")
    return "\n".join(lines)


# ---------------------------------------------------------------- what the CLI prints


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def outcome_json(outcome: SubsidyOutcome, output) -> dict:
    """The run as JSON (`legalaid subsidy --json`)."""
    ledger, result, scenario_list, comparison = outcome.ledger, outcome.result, outcome.scenarios, outcome.comparison
    by_type = {str(r.案件类型): {"cases": int(r.件数), "total_yuan": _money(r.补贴金额)}
               for r in result.totals_by("案件类型").itertuples(index=False)}
    return {
        "cases": len(result.counted),
        "excluded": len(ledger.excluded) + result.not_counted,
        "total_yuan": _money(result.total),
        "level": result.level.label,
        "standard": result.standard.name,
        "by_type": by_type,
        "fund_yuan": _money(comparison.fund) if comparison else None,
        "gap_yuan": _money(comparison.gap) if comparison else None,
        "coverage": (f"{comparison.coverage_percent:.2f}" if comparison and comparison.coverage_percent is not None
                     else None),
        "scenarios": {s.level.label: {"cases": s.cases, "total_yuan": _money(s.total),
                                      "gap_yuan": _money(s.fund.gap) if s.fund else None,
                                      "coverage": (f"{s.fund.coverage_percent:.2f}"
                                                   if s.fund and s.fund.coverage_percent is not None else None)}
                      for s in scenario_list},
        "skipped": {"blank": ledger.skipped_blank, "totals": ledger.skipped_totals, "notes": ledger.skipped_notes},
        "sheets": [{"file": p.file, "sheet": p.sheet, "rows": p.rows_read} for p in ledger.pieces],
        "not_combined": [{"file": f, "sheet": s, "reason": r} for f, s, r in ledger.left_out],
        "notes": combination_lines(ledger),
        "findings": [{"severity": f.severity, "sheet": f.sheet, "row": f.row, "column": f.column,
                      "value": f.value, "message": f.message} for f in outcome.findings],
        "output": str(output),
    }


def outcome_text(outcome: SubsidyOutcome, output) -> str:
    """The run in words (what `legalaid subsidy` prints)."""
    ledger, result, scenario_list, comparison = outcome.ledger, outcome.result, outcome.scenarios, outcome.comparison
    findings = outcome.findings
    lines = []
    errors = [f for f in findings if f.severity == ERROR]
    warnings = [f for f in findings if f.severity == WARNING]
    lines.append(f"台账：{combined_label(ledger)}，读取 {ledger.rows_read} 行：计入 {len(result.counted)} 件，"
                 f"因数据错误排除 {len(ledger.excluded)} 行，未定价或缺少数据 {result.not_counted} 行；"
                 f"跳过空行 {ledger.skipped_blank} 行、合计/小计行 {ledger.skipped_totals} 行、备注行 {ledger.skipped_notes} 行。")
    lines.extend(combination_lines(ledger))
    if ledger.rows_read == 0:
        lines.append(f"注意：表头下面没有案件数据（表头在第{ledger.header.header_rows[-1] + 1}行），请检查是否选对了工作表。")
    lines.append(f"补贴标准：{'＋'.join([result.standard.name, *result.standard.sources[1:]])}；补贴水平：{result.level.label}")
    lines.append(f"应付补贴合计：{format_yuan(result.total)} 元")
    for r in result.totals_by("案件类型").itertuples(index=False):
        lines.append(f"  {r.案件类型}：{int(r.件数)} 件，{format_yuan(r.补贴金额)} 元")
    if comparison:
        lines.append(f"专项经费：{format_yuan(comparison.fund)} 元；缺口（应付−经费）：{format_yuan(comparison.gap)} 元；"
                     f"经费覆盖率：{comparison.coverage_percent}%；应付为经费的 {comparison.multiple} 倍")
    lines.append("不同补贴水平：")
    for s in scenario_list:
        gap = f"，缺口 {format_yuan(s.fund.gap)} 元，覆盖率 {s.fund.coverage_percent}%" if s.fund else ""
        lines.append(f"  {s.level.label}：{format_yuan(s.total)} 元{gap}")
    if findings:
        lines.append(f"发现问题：错误 {len(errors)} 条，警告 {len(warnings)} 条（每行的问题写在输出文件的“校验提示”列）：")
        for f in (errors + warnings)[:15]:
            where = f"「{f.sheet}」" if len(ledger.pieces) > 1 else ""
            lines.append(f"  [{f.severity_label}] {where}第{f.row}行 “{f.column}”列：{f.message}")
        if len(findings) > 15:
            lines.append(f"  …… 另有 {len(findings) - 15} 条，见输出文件。")
    lines.append(f"已写入：{output}")
    return "\n".join(lines)
