"""What a subsidy run writes: the toolkit's columns on the ledger sheet and the 补贴汇总 sheet, as decisions."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal

from toolkit.base.findings import SEVERITY_LABEL, WARNING, Finding
from toolkit.base.layout import Cell, Chart, Layout, text_units
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS, Ledger
from toolkit.subsidy.compute import Scenario, SubsidyResult, compare_fund

LEDGER_COLUMNS = TOOLKIT_LEDGER_COLUMNS
LEDGER_COLUMN_TAGS = ("money", "money", "money", "text", "text")
LEDGER_COLUMN_WIDTHS = (11, 11, 14, 46, 40)
SUMMARY_SHEET = "补贴汇总"
BREAKDOWNS = (("案件类型", "按案件类型"), ("类型阶段", "按案件类型和诉讼阶段"), ("承办律师", "按承办律师"),
              ("律师事务所", "按律师事务所"), ("结案月份", "按结案月份"))


@dataclass
class LedgerColumns:
    """Values of the toolkit's columns for every matter row of the ledger sheet, column by column: `excel_rows` are
    the matter rows (the cases, then the rows left out for an error) followed by the 合计 rows; `values[i][k]` is
    column i at excel_rows[k]; the last `totals` entries are the 合计 rows."""

    headers: tuple[str, ...]
    tags: tuple[str, ...]
    widths: tuple[float, ...]
    excel_rows: list[int]
    values: list[list]             # per column: [lower…], [upper…], [amount…], [basis…], [note…]
    totals: int = 0                # how many of the last excel_rows are 合计 rows

    @cached_property
    def rows(self) -> dict[int, list]:
        """excel row -> [lower, upper, amount, basis, note] of the matter rows."""
        n = len(self.excel_rows) - self.totals
        return dict(zip(self.excel_rows[:n], map(list, zip(*(column[:n] for column in self.values)))))

    @cached_property
    def total_rows(self) -> dict[int, list]:
        """合计 rows -> [sum lower, sum upper, sum amount, label, ""]."""
        n = len(self.excel_rows) - self.totals
        return dict(zip(self.excel_rows[n:], map(list, zip(*(column[n:] for column in self.values)))))


def ledger_columns(ledger: Ledger, result: SubsidyResult, findings: list[Finding]) -> LedgerColumns:
    """The five toolkit columns: bounds, amount, basis, and every finding of the row in words."""
    notes = defaultdict(list)
    for f in findings:
        if f.row and f.sheet == ledger.sheet:
            prefix = f"【{f.severity_label}】"
            notes[f.row].append(prefix + (f"{f.column}：" if f.column else "") + f.message)
    per_case = result.per_case
    rows = per_case["excel_row"].tolist()
    checks = per_case["note"].tolist() if "note" in per_case else None
    said = [""] * len(rows)
    # only the rows with a finding or a check of their own say anything
    for i in sorted({*((i for i, row in enumerate(rows) if row in notes) if notes else ()),
                     *((i for i, check in enumerate(checks) if check) if checks is not None else ())}):
        note, check = notes.get(rows[i]), checks[i] if checks is not None else ""
        if check and not any(check in n for n in note or ()):   # a row's part of a finding said once for all rows
            note = [*(note or []), f"【{SEVERITY_LABEL[WARNING]}】{check}"]
        said[i] = "；".join(dict.fromkeys(note)) if note else ""
    excluded = [int(r) for r in ledger.excluded["excel_row"]]
    none = [None] * len(excluded)
    values = [per_case["lower"].tolist() + none, per_case["upper"].tolist() + none,
              per_case["amount"].tolist() + none, per_case["basis"].tolist() + ["未计算（本行有数据错误）"] * len(excluded),
              said + ["；".join(dict.fromkeys(notes.get(r, []))) for r in excluded]]
    rows += excluded
    if len(set(rows)) != len(rows):   # (never in a ledger sheet) one entry per row, the later one as it replaced
        by_row = dict(zip(rows, zip(*values)))
        rows, values = list(by_row), [list(column) for column in zip(*by_row.values())]
    totals = list(dict.fromkeys(int(r) for r in ledger.total_rows))
    if totals:
        sums = [_decimal_sum(per_case["lower"].tolist()), _decimal_sum(per_case["upper"].tolist()),
                result.total, f"计入{len(result.counted)}件", ""]
        widths = _fitted_widths(values[3], values[4])
        rows += totals
        values = [column + [total] * len(totals) for column, total in zip(values, sums)]
    else:
        widths = _fitted_widths(values[3], values[4])
    return LedgerColumns(LEDGER_COLUMNS, LEDGER_COLUMN_TAGS, widths, rows, values, len(totals))


def _decimal_sum(values: list) -> Decimal:
    """The sum of the Decimals of a column (None skipped), each distinct amount multiplied by its count: the same
    exact Decimal as adding them one by one (equal amounts are one object per column, as _yuan_column makes them)."""
    counts = Counter(values)
    counts.pop(None, None)
    return sum((v * n for v, n in counts.items()), Decimal(0))


def _fitted_widths(basis: list, notes: list) -> tuple[float, ...]:
    """Column widths wide enough for the longest 计算依据 and 校验提示 (capped), so a text neither spills into the
    next column nor runs past its own when printed; never narrower than the defaults."""
    widths = list(LEDGER_COLUMN_WIDTHS)
    for c, cap, values in ((3, 90, basis), (4, 120, notes)):
        distinct = [v for v in set(values) if isinstance(v, str)]   # a few dozen recur
        longest = max(map(text_units, distinct), default=0)
        widths[c] = max(widths[c], min(longest + 2, cap))
    return tuple(widths)


def summary_layout(ledger: Ledger, result: SubsidyResult, scenario_list: list[Scenario],
                   fund: Decimal | None, source: str,
                   fund_hint: str = "未提供专项经费金额（命令中用 --fund 46万 指定）。") -> Layout:
    """The 补贴汇总 sheet: fund comparison, scenarios, totals by type/stage/lawyer/firm/month, and a chart.

    `fund_hint` tells how to give the fund when none was given (the Excel buttons read it from a sheet).
    """
    lay = Layout(SUMMARY_SHEET, widths={1: 26, 2: 12, 3: 18, 4: 18, 5: 18, 6: 14, 7: 12}, landscape=True,
                 fit_width=True)
    lay.add(Cell("法律援助办案补贴测算汇总", "title"))
    lay.merges.append((1, 1, 1, 6))
    lay.add(Cell(f"台账：{source}；补贴标准：{'＋'.join([result.standard.name, *result.standard.sources[1:]])}；"
                 f"补贴水平：{result.level.label}；金额单位：元", "note"))
    lay.merges.append((2, 1, 2, 6))
    excluded = len(ledger.excluded)
    lay.add(Cell(f"读取 {ledger.rows_read} 行，计入 {len(result.counted)} 件；因数据错误排除 {excluded} 行，"
                 f"未定价或缺少数据 {result.not_counted} 行；跳过空行 {ledger.skipped_blank} 行、合计/小计行 "
                 f"{ledger.skipped_totals} 行、备注行 {ledger.skipped_notes} 行。", "note"))
    lay.merges.append((3, 1, 3, 6))
    lay.blank()

    lay.add(Cell("一、应付补贴与专项经费", "section"))
    lay.add(Cell(f"应付补贴合计（{result.level.label}）", "text"), Cell(None), Cell(result.total, "total_money"))
    if fund is not None:
        comparison = compare_fund(result.total, fund)
        lay.add(Cell("专项经费", "text"), Cell(None), Cell(fund, "money"))
        lay.add(Cell("缺口（应付 − 经费，正数为不足）", "text"), Cell(None), Cell(comparison.gap, "money"))
        lay.add(Cell("经费覆盖率（经费 ÷ 应付）", "text"), Cell(None),
                Cell(None if comparison.coverage_percent is None else comparison.coverage_percent / 100, "percent"))
        lay.add(Cell("应付为经费的倍数", "text"), Cell(None), Cell(comparison.multiple, "ratio"))
    else:
        row = lay.add(Cell(fund_hint, "note"))
        lay.merges.append((row, 1, row, 6))
    lay.blank()

    lay.add(Cell("二、不同补贴水平测算对比", "section"))
    header_row = lay.add(*(Cell(h, "header") for h in ("补贴水平", "件数", "应付补贴", "专项经费", "缺口", "覆盖率")))
    for s in scenario_list:
        lay.add(Cell(s.level.label), Cell(s.cases, "count"), Cell(s.total, "money"),
                Cell(fund, "money"), Cell(s.fund.gap if s.fund else None, "money"),
                Cell(s.fund.coverage_percent / 100 if s.fund and s.fund.coverage_percent is not None else None,
                     "percent"))
    scenario_rows = (header_row + 1, header_row + len(scenario_list))
    own = result.standard.own_standard_types
    if own and any(s.level.kind == "flat" for s in [*scenario_list, result]):
        row = lay.add(Cell(f"统一金额按每件案件计；{'、'.join(own)}不是案件，在各水平下均按其本身标准计"
                           "（与按日计价的事项相同）。", "note"))
        lay.merges.append((row, 1, row, 6))
    lay.blank()

    type_rows = None
    for number, (key, title) in enumerate(BREAKDOWNS, start=3):
        table = result.totals_by(key)
        lay.add(Cell(f"{'三四五六七八九'[number - 3]}、{title}", "section"))
        first = lay.add(Cell(key if key != "类型阶段" else "案件类型·阶段", "header"), Cell("件数", "header"),
                        Cell("补贴金额", "header"), Cell("占比", "header"))
        total = result.total
        for rec in table.itertuples(index=False):
            share = (rec.补贴金额 / total) if total else None
            lay.add(Cell(str(getattr(rec, key))), Cell(int(rec.件数), "count"), Cell(rec.补贴金额, "money"),
                    Cell(share, "percent"))
        last = len(lay.rows)
        lay.add(Cell("合计", "total_label"), Cell(int(table["件数"].sum()) if len(table) else 0, "total_count"),
                Cell(total, "total_money"), Cell(Decimal(1) if total else None, "percent"))
        if key == "案件类型":
            type_rows = (first + 1, last)
        lay.blank()

    if type_rows and type_rows[1] >= type_rows[0]:
        lay.charts.append(Chart("column", f"应付补贴按案件类型（{result.level.label}，元）",
                                (1, *type_rows), [("补贴金额", (3, *type_rows))], anchor=(5, 9)))
    if scenario_list:
        series = [("应付补贴", (3, *scenario_rows))]
        if fund is not None:
            series.append(("专项经费", (4, *scenario_rows)))
        lay.charts.append(Chart("column", "不同补贴水平与专项经费对比（元）", (1, *scenario_rows), series,
                                anchor=(22, 9)))
    return lay


def column_placement(raw, ledger) -> tuple[int, int, bool]:
    """(header row, first toolkit column, whether the toolkit's columns are already there), 1-based."""
    header_row = ledger.header.header_rows[-1] + 1
    header_cells = raw.rows[header_row - 1] if header_row - 1 < len(raw.rows) else []
    own = [c for c, v in enumerate(header_cells) if isinstance(v, str) and v.strip() in TOOLKIT_LEDGER_COLUMNS]
    if own:
        return header_row, min(own) + 1, True
    return header_row, last_used_column(raw.rows) + 1, False


def last_used_column(rows) -> int:
    """1-based index of the last column holding anything (0 for an empty sheet)."""
    width = max((len(r) for r in rows), default=0)
    while width and all(len(r) < width or r[width - 1] is None for r in rows):
        width -= 1
    return width
