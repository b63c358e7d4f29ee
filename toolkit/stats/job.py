"""The statistics job (填写统计表 / `legalaid stats`) as one use case both shells call: gather → run_stats → apply.

parse_stats_settings reads the settings as either shell delivers them (the CLI's --period string; the 参数 sheet's
text, number or date as Excel hands it over); run_stats decides everything from a built ledger and the sheets the
shell found (consultations, last year's ledger, targets) and returns a StatsOutcome: the report, its findings (with
their severity as data), the 绩效自评表 evaluation, the button's 统计表 Layout, the named cells to fill, the
messages. No file, no workbook, no printing here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.idcard import mask_text
from toolkit.base.layout import Layout
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text
from toolkit.ledger.book import left_out_findings, part_view
from toolkit.stats.compute import CONSULTATION_SHEET, Catalog, Period, StatsReport, build_report, default_catalog, default_period, json_value, parse_consultations, parse_period, undated_findings
from toolkit.stats.templates import TemplateFill, plan_template, template_values
from toolkit.stats.evaluation import Evaluation, evaluate, parse_targets
from toolkit.stats.sheets import FINDINGS_SHEET, STATS_SHEET, statistics_layout

CLI, SHEET = "cli", "sheet"          # where the settings came from: the command line or the 参数 sheet / names
SETTINGS_SHEET = "参数"
PREVIOUS_LEDGER_SHEET = "上年台账"
_SERIALS = (20000, 80000)            # Excel date serials of 1954–2119 (as toolkit.base.dates reads them)


@dataclass(frozen=True)
class StatsSettings:
    period: Period | None            # None: the year most matters fall in
    origin: str = CLI                # CLI | SHEET: how messages tell the user to set the period


def period_setting(value) -> Period | None:
    """A statistics period from an argument or a cell: 2023 (a year), "2023年", "2023Q1", "2023-03", or a date (Excel
    turns a typed 2023-03 or 2023年3月 into the date 2023-03-01): the month holding that date. None when blank;
    ValueError in Chinese otherwise. Windows Excel's floats and datetimes arrive already as ints and dates
    (book_io.excel_value)."""
    from toolkit.base.dates import parse_date

    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and _SERIALS[0] <= value <= _SERIALS[1]:
        value = parse_date(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period("month", value.year, value.month)
    if isinstance(value, float):   # a number 2023.5 or 2023.1: May? January or October? Say so rather than guess
        raise ValueError(f"统计期间“{value}”无法识别：应写作 2023（年）、2023Q1（季度）或 2023-03（月）；"
                         "如要写成 2023.5 的样子，请先把单元格设为文本")
    text = clean_text(value)
    return parse_period(text) if text else None


def parse_stats_settings(raw: Mapping[str, object], where: Mapping[str, str] | None = None,
                         origin: str = CLI) -> StatsSettings:
    """The one parser of the statistics settings. raw: {"period": value}; where: {"period": "“参数”工作表第3行"} (the
    CLI gives none: its errors name the value itself)."""
    value, place = raw.get("period"), (where or {}).get("period")

    def error(message: str) -> InputError:
        return InputError(f"{place}：{message}" if place else message)

    try:
        period = period_setting(value)
    except ValueError as exc:
        raise error(f"{exc}。") from None
    if period is not None and not 1901 <= period.year <= 9998:   # the period, its year before and its end: real dates
        raise error(f"统计期间“{value}”的年份不合理（应在 1901 到 9998 年之间）。")
    return StatsSettings(period, origin)


@dataclass
class StatsInputs:
    """What a shell gathered: the built ledger and the sheets it found for the other inputs."""

    ledger: object                                   # toolkit.ledger.book.Ledger
    file: str | None = None
    consultations: RawSheet | None = None
    previous: object | None = None                   # last year's Ledger
    previous_consultations: RawSheet | None = None
    previous_file: str | None = None
    targets: tuple[RawSheet, str] | None = None      # (绩效目标 sheet, its file name)


@dataclass
class StatsOutcome:
    report: StatsReport
    catalog: Catalog
    ledger: object
    settings: StatsSettings
    evaluation: Evaluation | None = None
    target_notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def exit_code(self) -> int:
        return 1 if self.report.findings else 0

    @property
    def excluded_rows(self) -> int:
        return len(self.ledger.excluded)

    @property
    def counted_rows(self) -> int:
        return len(self.ledger.cases)

    def unfilled_keys(self) -> list[str]:
        """Statistics keys the standard sheets leave empty (no data for them)."""
        return [s.key for s in self.catalog.stats if s.key not in self.report.values]

    def layout(self) -> Layout:
        """The button's 统计表 sheet."""
        return statistics_layout(self.report, self.catalog, excluded=self.excluded_rows)

    def named_cells(self, defined: dict[str, tuple[str, int, int]], file: str | None = None) -> TemplateFill:
        """The cells named after statistics keys in the user's workbook, with their values."""
        return plan_template([], defined or {}, template_values(self.report), file, self.catalog)

    def sheet_message(self, named: TemplateFill) -> str:
        """What the 填写统计表 button says."""
        v, report = self.report.values, self.report
        lines = [f"统计表已填写（{report.period.label}，按指派日期归属）：案件 {v.get('cases.total', 0)} 件，"
                 f"法律帮助 {v.get('help.total', 0)} 件，受援人次 {v.get('persons.total', 0)}。见“{STATS_SHEET}”工作表。"]
        if named.cells:
            lines.append(f"另按名称填写了 {sum(len(c) for c in named.cells.values())} 个单元格。")
        if report.previous is None:
            lines.append(f"未做同比：如需上年同期对比，把上年台账复制到名为“{PREVIOUS_LEDGER_SHEET}”的工作表。")
        if report.findings:
            errors = sum(f.severity == ERROR for f in report.findings)
            lines.append(f"发现 {len(report.findings)} 个问题（错误 {errors} 个，错误行未计入统计），列在统计表下方。")
        return "\n".join(lines)

    def summary_lines(self, output, unfilled: list[str], templated: bool = False) -> list[str]:
        """What `legalaid stats` prints after writing `output`."""
        report, evaluation, catalog = self.report, self.evaluation, self.catalog
        v = report.values
        lines = [f"统计期间：{report.period.label}（按指派日期归属）"]
        for key in ("cases.total", "help.total", "persons.total", "consultations.total", "money.挽回经济损失"):
            if key in v:
                spec = catalog.spec(key)
                lines.append(f"  {spec.name}：{_show(v[key])} {spec.unit}")
        if report.previous is None:
            lines.append("  未提供上年台账（--previous），未做同比。")
        for f in report.findings:
            if f.message.startswith(f"统计期间{report.period.label}内没有案件"):
                lines.append(f"注意：{f.message}")
        if evaluation is not None and templated:
            lines.append("使用 --template 时不另写绩效自评表；可把 workbooks/绩效自评表模板.xlsx 作为模板，或不带 --template 运行。")
        if evaluation is not None:
            lines.append(f"绩效自评：已评分 {evaluation.total_score} 分（满分 {evaluation.total_points}），"
                         f"待自评 {len(evaluation.pending)} 项。")
        if unfilled:   # by their Chinese names; the keys (for a user's own template) in brackets
            names = "、".join(f"{self.catalog.spec(k).name}（{k}）" for k in unfilled)
            hint = (f"（咨询各项来自“{CONSULTATION_SHEET}”表：工作簿中没有该表，或表中没有本期的记录）"
                    if any(k.startswith("consultations.") for k in unfilled) else "")
            lines.append(f"没有数据、未填写的统计项{hint}：{names}")
        errors = sum(1 for f in report.findings if f.severity == ERROR)
        if report.findings:
            lines.append(f"发现 {len(report.findings)} 个问题（其中错误 {errors} 个，错误行未计入统计），"
                         f"详见输出文件“{FINDINGS_SHEET}”表。")
        lines.append(f"已写入：{output}")
        return lines

    def json(self, unfilled: list[str]) -> dict:
        """The --json document: period, values, previous, unfilled_keys, not_combined (sheets left out of the ledger,
        with the reason: as `subsidy --json`), findings."""
        report = self.report
        return {"period": report.period.text,
                "values": {mask_text(k): json_value(v) for k, v in report.values.items()},
                "previous": None if report.previous is None else {mask_text(k): json_value(v)
                                                                  for k, v in report.previous.items()},
                "unfilled_keys": unfilled,
                "not_combined": [{"file": f, "sheet": s, "reason": r} for f, s, r in self.ledger.left_out],
                "findings": [f.to_dict() for f in report.findings]}


def run_stats(inputs: StatsInputs, settings: StatsSettings, catalog: Catalog | None = None,
              anonymous: bool = True) -> StatsOutcome:
    """Statistics of the gathered inputs for the settings' period (pure). anonymous: findings say where, not what the
    cell held (the CLI's workbook is a new file to hand on; the button writes into the workbook that holds the
    ledger, where the clerk needs to see the value to correct)."""
    catalog = catalog or default_catalog()
    ledger = inputs.ledger
    findings: list[Finding] = list(ledger.findings) + left_out_findings(ledger)
    for part in ledger.pieces:   # each sheet's own rows, so that every warning names its sheet
        findings += undated_findings(part_view(ledger, part).cases, part.sheet, part.file, part.label("指派日期"))
    consultations = None
    if inputs.consultations is not None:
        consultations = parse_consultations(inputs.consultations, inputs.file)
        findings += consultations.findings
    previous_cases = previous_consultations = None
    if inputs.previous is not None:
        previous_cases = inputs.previous.cases
        findings += inputs.previous.findings
        if inputs.previous_consultations is not None:
            prev_c = parse_consultations(inputs.previous_consultations, inputs.previous_file)
            previous_consultations = prev_c.frame
            findings += prev_c.findings

    period = settings.period
    if period is None:
        period = default_period(ledger.cases["指派日期"]) if len(ledger.cases) else None
        if period is None:
            if settings.origin == CLI:
                raise InputError("台账中没有可用的指派日期，无法确定统计期间，请用 --period 指定（如 2023）。",
                                 file=inputs.file, sheet=ledger.sheet)
            raise InputError(f"台账中没有可用的指派日期，无法确定统计期间：请在“{SETTINGS_SHEET}”工作表中填写"
                             "“统计期间”（如 2023、2023Q1、2023-03）。", sheet=ledger.sheet)

    if anonymous:    # a statistics file holds no personal data
        findings = [f.anonymous() for f in findings]
    report = build_report(ledger.cases, consultations.frame if consultations is not None else None, period,
                          previous_cases, previous_consultations, findings, catalog)
    empty = _empty_period_finding(report, ledger, inputs.file, settings.origin)
    if empty is not None:
        report.findings.append(empty)

    outcome = StatsOutcome(report, catalog, ledger, settings)
    if inputs.targets is not None:
        sheet, file = inputs.targets
        targets = parse_targets(sheet, file)
        outcome.evaluation = evaluate(targets, report.values, file)
        outcome.target_notes = targets.notes
        report.findings += outcome.evaluation.findings
    return outcome


def _empty_period_finding(report: StatsReport, ledger, file: str | None, origin: str) -> Finding | None:
    """A period without a single matter gives a table of zeros: say so, with the dates the ledger does cover."""
    if report.values.get("cases.total", 0) or report.values.get("help.total", 0):
        return None
    dates = [d for d in ledger.cases["指派日期"].tolist() if d is not None and d == d] if len(ledger.cases) else []
    span = f"台账中的指派日期在 {min(dates):%Y-%m-%d} 至 {max(dates):%Y-%m-%d} 之间" if dates else "台账中没有可用的指派日期"
    advice = "请检查 --period 是否写对。" if origin == CLI else f"请检查“{SETTINGS_SHEET}”工作表中的“统计期间”是否写对。"
    return Finding(WARNING, f"统计期间{report.period.label}内没有案件或法律帮助事项（{span}），统计表各项为 0。"
                            + advice, ledger.sheet, None, "指派日期", None, file)


def _show(value) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"
