"""`legalaid stats`: statistics sheets (standard layout or the user's own template), native charts, 绩效自评表.

Shell only: reads files, calls toolkit.stats.compute / toolkit.stats.evaluation, writes a NEW workbook (never the ledger itself, so
no name or ID number can reach it).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from toolkit.base.errors import InputError
from toolkit.stats.evaluation import TARGETS_SHEET, Evaluation, evaluate, parse_targets
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.idcard import mask_text
from toolkit.io.atomic import write_bytes_atomic
from toolkit.io.excel_read import read_workbook
from toolkit.cli.ledger_input import read_ledger_input
from toolkit.ledger.book import combination_lines, left_out_findings, part_view
from toolkit.base.layout import col_number, row_height, wrapped_lines
from toolkit.stats.compute import (CONSULTATION_SHEET, Catalog, StatsReport, build_report, change, default_catalog,
                           default_period, json_value, parse_consultations, parse_period, undated_findings, WAN_SUFFIX)
from toolkit.stats.templates import plan_template, template_values

NAME = "stats"
HELP = "统计表填报：按月/季/年统计案件、法律帮助、受援人次、特殊群体、挽回损失、咨询，与上年同期对比，生成图表和绩效自评表"

STATS_SHEET, MONTHS_SHEET, LAWYERS_SHEET, FIRMS_SHEET = "统计表", "月度统计", "律师统计", "律所统计"
EVALUATION_SHEET, FINDINGS_SHEET = "绩效自评表", "校验结果"
BASIS_NOTE = ("口径：案件和法律帮助按“指派日期”归入统计期间，咨询按咨询日期；值班律师法律帮助单独统计，不计入案件数；"
              "因台账错误被排除的行未计入（见“校验结果”）。特殊群体可重叠：同一受援人属于多个群体时在每个群体中各计一次，"
              "故各群体人次之和可大于特殊群体受援人次（不重复计）；特殊群体按人次计，一行有多名受援人时按“受援人数”计"
              "（视为该行的受援人都属于所填群体）。本表只含件数、人次和金额，不含受援人姓名和身份证号。")
MONTH_KEYS = ["cases.total", "cases.刑事", "cases.民事", "cases.行政", "cases.国家赔偿", "cases.仲裁", "cases.非诉讼",
              "help.total", "persons.total", "consultations.total", "money.挽回经济损失", "money.农民工讨薪"]
CASE_MIX_KEYS = ["cases.刑事", "cases.民事", "cases.行政", "cases.国家赔偿", "cases.仲裁", "cases.非诉讼"]
BELOW_FILL, PENDING_FILL, HEADER_FILL = "#F8CBAD", "#FFF2CC", "#DDEBF7"


def add_arguments(parser) -> None:
    parser._positionals.title = "参数（--list-keys 时不需要台账文件）"
    parser.add_argument("ledger", nargs="?", metavar="台账文件",
                        help="案件台账工作簿（.xlsx/.xls/.csv 等），或放有多个台账文件（如每月一个）的文件夹")
    parser.add_argument("--sheet", metavar="工作表",
                        help="台账所在工作表（默认：案件台账；没有时，表头相同的各表（如 1月…12月）合并读取）")
    parser.add_argument("--consultations", metavar="工作表", help=f"咨询登记工作表（默认：有“{CONSULTATION_SHEET}”表则使用）")
    parser.add_argument("--previous", metavar="上年台账", help="上年台账文件，用于上年同期对比")
    parser.add_argument("--period", metavar="期间", help="统计期间：2023（年）、2023Q1（季度）、2023-03（月）；默认为台账中案件最多的年份")
    parser.add_argument("--template", metavar="模板.xlsx", help="本单位自己的统计表模板：含 {{统计键}} 的单元格或以统计键命名的单元格将被填写")
    parser.add_argument("--targets", metavar="工作表",
                        help=f"绩效目标工作表（台账工作簿中的表名，或另一个工作簿文件；默认：有“{TARGETS_SHEET}”表则使用）")
    parser.add_argument("-o", "--output", metavar="输出.xlsx", help="输出文件（默认：台账文件名_统计.xlsx，与台账同一文件夹）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出统计结果")
    parser.add_argument("--list-keys", action="store_true", help="列出全部统计键及其中文名称")


# --- the run ---------------------------------------------------------------------------------------------

def run(args) -> int:
    catalog = default_catalog()
    if args.list_keys:
        for key, name, unit in catalog.listing():
            print(f"{key}\t{name}\t{unit}")
        return 0
    if not args.ledger:
        raise InputError("请指定台账文件，例如：legalaid stats 台账.xlsx")
    ledger_path = Path(args.ledger)
    sheets, ledger, _ = read_ledger_input(ledger_path, args.sheet)
    findings: list[Finding] = list(ledger.findings) + left_out_findings(ledger)
    for part in ledger.pieces:   # each sheet's own rows, so that every warning names its sheet
        findings += undated_findings(part_view(ledger, part).cases, part.sheet, part.file, part.label("指派日期"))

    consultations = _consultations(sheets, args.consultations, ledger_path.name, required=bool(args.consultations))
    if consultations is not None:
        findings += consultations.findings

    previous_cases = previous_consultations = None
    if args.previous:
        prev_path = Path(args.previous)
        prev_sheets, prev_ledger, _ = read_ledger_input(prev_path)
        previous_cases = prev_ledger.cases
        findings += prev_ledger.findings
        prev_c = _consultations(prev_sheets, args.consultations, prev_path.name, required=False)
        if prev_c is not None:
            previous_consultations = prev_c.frame
            findings += prev_c.findings

    if args.period:
        try:
            period = parse_period(args.period)
        except ValueError as exc:
            raise InputError(f"{exc}。") from None
        if not 1901 <= period.year <= 9998:   # the period, its year before and its end must be real dates
            raise InputError(f"统计期间“{args.period}”的年份不合理（应在 1901 到 9998 年之间）。")
    else:
        period = default_period(ledger.cases["指派日期"]) if len(ledger.cases) else None
        if period is None:
            raise InputError("台账中没有可用的指派日期，无法确定统计期间，请用 --period 指定（如 2023）。",
                             file=ledger_path.name, sheet=ledger.sheet)

    # statistics outputs hold no personal data: findings say where, not what the cell held
    findings = [f.anonymous() for f in findings]
    report = build_report(ledger.cases, consultations.frame if consultations is not None else None, period,
                          previous_cases, previous_consultations, findings, catalog)
    empty = _empty_period_finding(report, ledger, ledger_path.name)
    if empty is not None:
        report.findings.append(empty)

    evaluation, target_notes = None, []
    targets_sheet = _targets_sheet(sheets, args.targets, ledger_path)
    if targets_sheet is not None:
        sheet, file = targets_sheet
        targets = parse_targets(sheet, file)
        evaluation = evaluate(targets, report.values, file)
        target_notes = targets.notes
        report.findings += evaluation.findings

    output = _output_path(args, ledger_path)
    unfilled: list[str]
    if args.template:
        unfilled = fill_template(Path(args.template), output, report, catalog)
    else:
        unfilled = [s.key for s in catalog.stats if s.key not in report.values]
        write_standard(output, report, evaluation, catalog, excluded_rows=len(ledger.excluded),
                       counted_rows=len(ledger.cases))

    if args.json:
        print(json.dumps(stats_json(report, unfilled), ensure_ascii=False, indent=2))
    else:
        for line in combination_lines(ledger):
            print(f"台账：{line}")
        for line in target_notes:
            print(f"绩效目标：{line}")
        _print_summary(report, evaluation, output, unfilled, catalog, bool(args.template))
    return 1 if report.findings else 0


def _empty_period_finding(report: StatsReport, ledger, file: str) -> Finding | None:
    """A period without a single matter gives a table of zeros: say so, with the dates the ledger does cover."""
    if report.values.get("cases.total", 0) or report.values.get("help.total", 0):
        return None
    dates = [d for d in ledger.cases["指派日期"].tolist() if d is not None and d == d] if len(ledger.cases) else []
    span = f"台账中的指派日期在 {min(dates):%Y-%m-%d} 至 {max(dates):%Y-%m-%d} 之间" if dates else "台账中没有可用的指派日期"
    return Finding(WARNING, f"统计期间{report.period.label}内没有案件或法律帮助事项（{span}），统计表各项为 0。"
                            "请检查 --period 是否写对。", ledger.sheet, None, "指派日期", None, file)


def stats_json(report: StatsReport, unfilled: list[str]) -> dict:
    """The --json document: period, values, previous, unfilled_keys, findings."""
    return {"period": report.period.text,
            "values": {mask_text(k): json_value(v) for k, v in report.values.items()},
            "previous": None if report.previous is None else {mask_text(k): json_value(v)
                                                              for k, v in report.previous.items()},
            "unfilled_keys": unfilled,
            "findings": [f.to_dict() for f in report.findings]}


def _consultations(sheets, name, file, required):
    by_name = {s.name: s for s in sheets}
    wanted = name or CONSULTATION_SHEET
    if wanted not in by_name:
        if required:
            raise InputError(f"找不到咨询登记工作表“{wanted}”。现有工作表：{'、'.join(by_name)}。", file=file)
        return None
    return parse_consultations(by_name[wanted], file)


def _targets_sheet(sheets, targets: str | None, ledger_path: Path):
    by_name = {s.name: s for s in sheets}
    if not targets:
        return (by_name[TARGETS_SHEET], ledger_path.name) if TARGETS_SHEET in by_name else None
    if targets in by_name:
        return by_name[targets], ledger_path.name
    path = Path(targets)
    if path.suffix and path.exists():
        other = {s.name: s for s in read_workbook(path)}
        sheet = other.get(TARGETS_SHEET) or next(iter(other.values()))
        return sheet, path.name
    raise InputError(f"找不到绩效目标工作表“{targets}”。现有工作表：{'、'.join(by_name)}。", file=ledger_path.name)


def _output_path(args, ledger_path: Path) -> Path:
    if ledger_path.is_dir() and not args.output:
        ledger_path = ledger_path.parent / f"{ledger_path.name}.xlsx"   # a folder: its output sits beside it
    suffix = Path(args.template).suffix.lower() if args.template else ".xlsx"   # a .xlsm template keeps its macros
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError("统计表模板必须是 .xlsx 或 .xlsm 文件（.xls 请先在Excel中另存为 .xlsx）。",
                         file=Path(args.template).name)
    if args.output:
        output = Path(args.output)
    else:
        output = ledger_path.with_name(f"{ledger_path.stem}_统计{suffix}")
    inputs = [ledger_path] + [Path(p) for p in (args.previous, args.template, args.targets) if p]
    for p in inputs:
        if p.exists() and output.exists() and os.path.samefile(p, output):
            raise InputError("输出文件不能与输入文件相同（输入文件从不被修改），请用 -o 指定另一个文件名。", file=output.name)
    if output.suffix.lower() != suffix:
        raise InputError(f"输出文件必须是 {suffix} 文件（与{'模板' if args.template else '标准统计表'}相同）。",
                         file=output.name)
    return output


def _print_summary(report: StatsReport, evaluation, output: Path, unfilled, catalog: Catalog,
                   templated: bool = False) -> None:
    v = report.values
    print(f"统计期间：{report.period.label}（按指派日期归属）")
    for key in ("cases.total", "help.total", "persons.total", "consultations.total", "money.挽回经济损失"):
        if key in v:
            spec = catalog.spec(key)
            print(f"  {spec.name}：{_show(v[key])} {spec.unit}")
    if report.previous is None:
        print("  未提供上年台账（--previous），未做同比。")
    for f in report.findings:
        if f.message.startswith(f"统计期间{report.period.label}内没有案件"):
            print(f"注意：{f.message}")
    if evaluation is not None and templated:
        print("使用 --template 时不另写绩效自评表；可把 workbooks/绩效自评表模板.xlsx 作为模板，或不带 --template 运行。")
    if evaluation is not None:
        print(f"绩效自评：已评分 {evaluation.total_score} 分（满分 {evaluation.total_points}），"
              f"待自评 {len(evaluation.pending)} 项。")
    if unfilled:
        print(f"未填写的统计键：{'、'.join(unfilled)}")
    errors = sum(1 for f in report.findings if f.severity == ERROR)
    if report.findings:
        print(f"发现 {len(report.findings)} 个问题（其中错误 {errors} 个，错误行未计入统计），详见输出文件“{FINDINGS_SHEET}”表。")
    print(f"已写入：{output}")


def _show(value) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


# --- standard layout (xlsxwriter, native charts) ---------------------------------------------------------

class _Formats:
    def __init__(self, book):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
        self.note = book.add_format({**base, "text_wrap": True, "font_color": "#595959"})
        self.header = book.add_format({**cell, "bold": True, "align": "center", "text_wrap": True,
                                       "bg_color": HEADER_FILL})
        self.text = book.add_format({**cell, "text_wrap": True})
        self.center = book.add_format({**cell, "align": "center", "text_wrap": True})
        self.key = book.add_format({**cell, "font_color": "#7F7F7F", "font_size": 9})
        self.count = book.add_format({**cell, "num_format": "#,##0"})
        self.money = book.add_format({**cell, "num_format": "#,##0.00"})
        self.number = book.add_format({**cell, "num_format": "#,##0.####"})
        self.percent = book.add_format({**cell, "num_format": "0.00"})
        self.bold_count = book.add_format({**cell, "num_format": "#,##0", "bold": True})
        self.bold_money = book.add_format({**cell, "num_format": "#,##0.00", "bold": True})
        self.bold_text = book.add_format({**cell, "bold": True})
        self.below = book.add_format({**cell, "num_format": "#,##0.####", "bg_color": BELOW_FILL})
        self.below_score = book.add_format({**cell, "num_format": "0.00", "bg_color": BELOW_FILL})
        self.pending = book.add_format({**cell, "num_format": "0.00", "bg_color": PENDING_FILL})
        self.pending_text = book.add_format({**cell, "text_wrap": True, "bg_color": PENDING_FILL})
        self.score = book.add_format({**cell, "num_format": "0.00"})


def _num(value):
    return float(value) if isinstance(value, Decimal) else value


def _fit(ws, r: int, items, minimum: float = 0) -> None:
    """Row r high enough for each (text, width in characters) it shows wrapped (LibreOffice and WPS do not grow
    rows by themselves)."""
    lines = max((wrapped_lines(text, width) for text, width in items if text), default=1)
    height = max(row_height(lines, 10), minimum)
    if lines > 1 or minimum:
        ws.set_row(r, height)


def _atomic_xlsx(path: Path, build) -> None:
    """Build a workbook with xlsxwriter in memory, then write it atomically (temp file beside `path`, os.replace)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    # a fixed creation time: the same inputs give the same file
    book.set_properties({"title": "法律援助统计", "comments": "由法援财务工具箱生成",
                         "created": datetime.datetime(2024, 1, 1)})
    build(book)
    book.close()
    write_bytes_atomic(path, buffer.getvalue())


def write_standard(path: Path, report: StatsReport, evaluation: Evaluation | None = None,
                   catalog: Catalog | None = None, excluded_rows: int = 0, counted_rows: int | None = None) -> None:
    """The standard output workbook: 统计表, 月度统计, 律师统计, 律所统计, 绩效自评表 (if targets), 校验结果."""
    catalog = catalog or default_catalog()

    def build(book):
        fmt = _Formats(book)
        write_stats_sheet(book, fmt, report, catalog)
        write_months_sheet(book, fmt, report, catalog)
        for sheet, prefix, label in ((LAWYERS_SHEET, "lawyers", "承办律师"), (FIRMS_SHEET, "firms", "律师事务所")):
            write_family_sheet(book, fmt, report, catalog, sheet, prefix, label)
        if evaluation is not None:
            write_evaluation_sheet(book, fmt, evaluation, report.period.year)
        write_findings_sheet(book, fmt, report, excluded_rows, counted_rows)

    _atomic_xlsx(path, build)


def stats_rows(catalog: Catalog) -> list[tuple[str, int, int]]:
    """(key, first row, last row of its section) in the order of the 统计表 (0-based rows, from row 4)."""
    out, r = [], 4
    for _, specs in catalog.sections():
        first = r
        for s in specs:
            out.append((s.key, first, first + len(specs) - 1))
            r += 1
    return out


def write_stats_sheet(book, fmt: _Formats, report: StatsReport | None, catalog: Catalog, placeholders=False):
    """统计表: one row per key (类别, 项目, 统计键, 单位, 本期, 上年同期, 增减, 增减率%) and two native charts."""
    ws = book.add_worksheet(STATS_SHEET)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 20, None, {"hidden": True})    # 统计键: for people who name cells after keys, not printed
    ws.set_column(3, 3, 6)
    ws.set_column(4, 7, 11)
    period = report.period if report else None
    ws.merge_range(0, 0, 0, 7, f"法律援助工作统计表（{period.label}）" if period else "法律援助工作统计表", fmt.title)
    if period:
        last = period.same_period_last_year()
        end = period.end.toordinal() - 1
        span = f"{period.start:%Y-%m-%d}至{datetime.date.fromordinal(end):%Y-%m-%d}"
        ws.merge_range(1, 0, 1, 7, f"统计期间：{period.label}（{span}）；上年同期：{last.label}"
                       + ("" if report.previous is not None else "（未提供上年台账，未做同比）"), fmt.note)
    else:
        ws.merge_range(1, 0, 1, 7, "统计期间：{{period}}（案件按指派日期归属）", fmt.note)
    ws.merge_range(2, 0, 2, 7, BASIS_NOTE, fmt.note)
    _fit(ws, 2, [(BASIS_NOTE, 14 + 32 + 6 + 11 * 4)])
    ws.write_row(3, 0, ["类别", "项目", "统计键", "单位", "本期", "上年同期", "增减", "增减率(%)"], fmt.header)
    ws.freeze_panes(4, 0)
    rows = stats_rows(catalog)
    values = report.values if report else {}
    previous = report.previous if report else None
    sections = {}
    for key, first, last in rows:
        sections[(first, last)] = catalog.spec(key).section
    for (first, last), section in sections.items():
        if last > first:
            ws.merge_range(first, 0, last, 0, section, fmt.center)
        else:
            ws.write_string(first, 0, section, fmt.center)
    for r, (key, _, _) in enumerate(rows, start=4):
        spec = catalog.spec(key)
        num = fmt.money if spec.is_money else fmt.count
        ws.write_string(r, 1, spec.name, fmt.text)
        _fit(ws, r, [(spec.name, 32)])
        ws.write_string(r, 2, key, fmt.key)
        ws.write_string(r, 3, spec.unit, fmt.center)
        cur, prev = values.get(key), (previous or {}).get(key)
        e, f = xl_rowcol_to_cell(r, 4), xl_rowcol_to_cell(r, 5)
        if placeholders:
            ws.write_string(r, 4, "{{" + key + "}}", num)
        elif cur is None:
            ws.write_blank(r, 4, None, num)
            ws.write_comment(r, 4, "未提供咨询登记表，本项无数据。")
        else:
            ws.write_number(r, 4, _num(cur), num)
        if placeholders:
            ws.write_string(r, 5, "{{prev." + key + "}}", num)
        elif prev is None:
            ws.write_blank(r, 5, None, num)
        else:
            ws.write_number(r, 5, _num(prev), num)
        diff, pct = change(cur, prev)
        ws.write_formula(r, 6, f'=IF(AND(ISNUMBER({e}),ISNUMBER({f})),{e}-{f},"")', num, "" if diff is None else _num(diff))
        ws.write_formula(r, 7, f'=IF(AND(ISNUMBER({e}),ISNUMBER({f}),N({f})<>0),ROUND(({e}-{f})/{f}*100,2),"")', fmt.percent,
                         "" if pct is None else _num(pct))
    row_of = {key: r for r, (key, _, _) in enumerate(rows, start=4)}
    mix = [row_of[k] for k in CASE_MIX_KEYS]
    cats = f"='{STATS_SHEET}'!$B${mix[0] + 1}:$B${mix[-1] + 1}"
    pie = book.add_chart({"type": "pie"})
    pie.add_series({"name": "本期案件构成", "categories": cats,
                    "values": f"='{STATS_SHEET}'!$E${mix[0] + 1}:$E${mix[-1] + 1}",
                    "data_labels": {"percentage": True, "leader_lines": True, "num_format": "0.0%"}})
    pie.set_title({"name": "案件构成（本期）"})
    below = 4 + len(rows) + 1
    ws.insert_chart(below, 0, pie, {"x_offset": 10, "x_scale": 0.95})
    if placeholders or previous is not None:
        # horizontal bars: the long case-type names read across instead of squashing the plot
        col = book.add_chart({"type": "bar"})
        for c, name in ((4, "本期"), (5, "上年同期")):
            letter = "E" if c == 4 else "F"
            col.add_series({"name": name, "categories": cats,
                            "values": f"='{STATS_SHEET}'!${letter}${mix[0] + 1}:${letter}${mix[-1] + 1}",
                            "data_labels": {"value": True, "num_format": "#,##0"}})
        col.set_title({"name": "本期与上年同期案件对比（件）"})
        col.set_x_axis({"num_format": "#,##0"})
        col.set_y_axis({"reverse": True})
        col.set_legend({"position": "bottom"})
        ws.insert_chart(below, 3, col, {"x_offset": 20, "x_scale": 1.05, "y_scale": 1.2})
    ws.fit_to_pages(1, 0)
    return ws


def write_months_sheet(book, fmt: _Formats, report: StatsReport, catalog: Catalog):
    """月度统计: the period's year month by month, quarter and year totals (formulas), trend charts."""
    ws = book.add_worksheet(MONTHS_SHEET)
    keys = [k for k in MONTH_KEYS if k in report.values]
    prev_keys = [k for k in ("cases.total", "help.total", "consultations.total")
                 if report.previous_months and k in report.previous_months[0][1]]
    year = report.period.year
    width = 1 + len(keys) + len(prev_keys)
    ws.merge_range(0, 0, 0, width - 1, f"{year}年法律援助工作月度统计（按指派日期归属月份）", fmt.title)
    headers = ["月份"] + [_column_header(catalog.spec(k).name.replace("（含劳动争议仲裁）", "")) for k in keys] \
        + [_column_header(f"上年同月·{catalog.spec(k).name}") for k in prev_keys]
    ws.write_row(1, 0, headers, fmt.header)
    _fit(ws, 1, [(h, 12) for h in headers])
    ws.set_column(0, 0, 12)
    ws.set_column(1, width - 1, 12)
    ws.freeze_panes(2, 1)
    first = 2
    for i, (month, values) in enumerate(report.months):
        r = first + i
        ws.write_string(r, 0, f"{month.index}月", fmt.center)
        for c, k in enumerate(keys, start=1):
            spec = catalog.spec(k)
            ws.write_number(r, c, _num(values.get(k, 0)), fmt.money if spec.is_money else fmt.count)
        for c, k in enumerate(prev_keys, start=1 + len(keys)):
            ws.write_number(r, c, _num(report.previous_months[i][1].get(k, 0)), fmt.count)
    last = first + 11
    all_keys = keys + prev_keys

    def totals(r, label, r0, r1):
        ws.write_string(r, 0, label, fmt.bold_text)
        for c, k in enumerate(all_keys, start=1):
            is_money = catalog.spec(k).is_money
            month_values = [report.months[j][1] for j in range(r0 - first, r1 - first + 1)] if c <= len(keys) else \
                [report.previous_months[j][1] for j in range(r0 - first, r1 - first + 1)]
            cached = sum((m.get(k, 0) for m in month_values), Decimal(0) if is_money else 0)
            ws.write_formula(r, c, f"=SUM({xl_rowcol_to_cell(r0, c)}:{xl_rowcol_to_cell(r1, c)})",
                             fmt.bold_money if is_money else fmt.bold_count, _num(cached))

    for q in range(4):
        totals(last + 1 + q, f"第{q + 1}季度", first + 3 * q, first + 3 * q + 2)
    totals(last + 5, "全年合计", first, last)
    ws.merge_range(last + 6, 0, last + 6, width - 1,
                   "季度和全年合计为公式，修改月度数字后自动更新；图表引用本表数据，同样随之更新。", fmt.note)

    def series_range(c):
        letter = xl_rowcol_to_cell(0, c)[:-1]
        return f"='{MONTHS_SHEET}'!${letter}${first + 1}:${letter}${last + 1}"

    cats = f"='{MONTHS_SHEET}'!$A${first + 1}:$A${last + 1}"
    line = book.add_chart({"type": "line"})
    for k in ("cases.total", "help.total", "consultations.total"):
        if k in keys:
            c = 1 + keys.index(k)
            line.add_series({"name": catalog.spec(k).name, "categories": cats, "values": series_range(c),
                             "marker": {"type": "circle"}})
    line.set_title({"name": f"{year}年月度趋势（件、人次）"})
    line.set_y_axis({"num_format": "#,##0"})
    line.set_legend({"position": "bottom"})
    ws.insert_chart(last + 8, 0, line, {"x_scale": 1.3})
    if prev_keys:
        col = book.add_chart({"type": "column"})
        col.add_series({"name": f"{year}年", "categories": cats, "values": series_range(1 + keys.index("cases.total"))})
        col.add_series({"name": f"{year - 1}年", "categories": cats, "values": series_range(1 + len(keys))})
        col.set_title({"name": "各月案件数：本年与上年（件）"})
        col.set_y_axis({"num_format": "#,##0"})
        col.set_legend({"position": "bottom"})
        ws.insert_chart(last + 8, 8, col, {"x_scale": 1.3})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


def _column_header(name: str) -> str:
    """A header for a narrow column: the parenthesis on lines of its own, split in two when long, so no line is a
    lone "）"."""
    base, paren, rest = name.partition("（")
    if not paren:
        return name
    inner = paren + rest
    if len(inner) > 6:
        inner = inner[:len(inner) // 2] + "\n" + inner[len(inner) // 2:]
    return f"{base}\n{inner}"


def write_family_sheet(book, fmt: _Formats, report: StatsReport, catalog: Catalog, sheet: str, prefix: str,
                       label: str):
    """律师统计 / 律所统计: one row per lawyer or firm with any figure in the period, and a 合计 row."""
    ws = book.add_worksheet(sheet)
    metrics = list(catalog.metrics)
    extra = ["律师事务所"] if prefix == "lawyers" else []
    headers = [label] + extra + [m.name for m in metrics]
    ws.merge_range(0, 0, 0, len(headers) - 1, f"{report.period.label}{label}办案统计（按指派日期）", fmt.title)
    ws.write_row(1, 0, headers, fmt.header)
    _fit(ws, 1, [(h, 12) for h in headers])
    ws.set_column(0, len(extra), 24 if prefix == "firms" else 12)
    if extra:
        ws.set_column(1, 1, 24)
    ws.set_column(1 + len(extra), len(headers) - 1, 12)
    ws.freeze_panes(2, 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    names = report.family_rows(prefix)
    names.sort(key=lambda n: (-report.values.get(f"{prefix}.{n}.cases", 0), n))
    r = 2
    for name in names:
        ws.write_string(r, 0, mask_text(name), fmt.text)
        if extra:
            ws.write_string(r, 1, mask_text(report.lawyer_firms.get(name, "")), fmt.text)
        for c, m in enumerate(metrics, start=1 + len(extra)):
            ws.write_number(r, c, _num(report.values[f"{prefix}.{name}.{m.key}"]),
                            fmt.money if m.is_money else fmt.count)
        r += 1
    ws.write_string(r, 0, "合计", fmt.bold_text)
    if extra:
        ws.write_blank(r, 1, None, fmt.bold_text)
    for c, m in enumerate(metrics, start=1 + len(extra)):
        cached = sum((report.values[f"{prefix}.{n}.{m.key}"] for n in names), Decimal(0) if m.is_money else 0)
        ref = f"{xl_rowcol_to_cell(2, c)}:{xl_rowcol_to_cell(max(r - 1, 2), c)}"
        ws.write_formula(r, c, f"=SUM({ref})" if names else "=0", fmt.bold_money if m.is_money else fmt.bold_count,
                         _num(cached))
    return ws


def evaluation_layout(evaluation: Evaluation) -> dict:
    """Row numbers (0-based) of the 绩效自评表 parts, shared by the writer and the tests."""
    first = 6
    n = len(evaluation.indicators)
    return {"budget_row": 3, "first_indicator": first, "last_indicator": first + n - 1,
            "summary_header": first + n + 1, "summary_first": first + n + 2}


def write_evaluation_sheet(book, fmt: _Formats, evaluation: Evaluation, year: int | None, placeholders=False):
    """绩效自评表: budget execution, the indicator table with 实际完成值 and 得分 (live formulas), level totals."""
    ws = book.add_worksheet(EVALUATION_SHEET)
    widths = [10, 16, 26, 8, 11, 8, 11, 8, 9, 18, 30, 34]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.merge_range(0, 0, 0, 11, f"部门整体支出绩效自评表（{year}年度）" if year else "部门整体支出绩效自评表", fmt.title)
    b = evaluation.budget
    note = (f"预算金额单位：{b.unit}。得分规则：预算执行率得分 = min(执行数/预算数,1)×分值；"
            "定量指标得分 = min(实际/目标,1)×分值（≤ 类指标取 目标/实际）；黄色为待自评的定性指标，红色为未达到"
            "年度指标值（请填写偏差原因及改进措施）。")
    ws.merge_range(1, 0, 1, 11, note, fmt.note)
    _fit(ws, 1, [(note, sum(widths))])
    ws.write_row(2, 0, ["项目", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "", "分值", "执行率(%)",
                        "得分"], fmt.header)
    ws.merge_range(2, 0, 2, 1, "项目", fmt.header)
    ws.merge_range(2, 4, 2, 5, "全年执行数（B）", fmt.header)   # one figure over two columns: no blank column
    ws.set_row(2, 30)
    ws.merge_range(3, 0, 3, 1, "年度预算资金", fmt.text)
    for c, v in ((2, b.initial), (3, b.annual), (4, b.executed)):
        if c == 4:
            ws.merge_range(3, 4, 3, 5, None, fmt.money)
        if v is None:
            ws.write_blank(3, c, None, fmt.money)
        else:
            ws.write_number(3, c, _num(v), fmt.money)
    ws.write_number(3, 6, _num(evaluation.budget_points), fmt.score)
    ws.write_formula(3, 7, '=IF(N(D4)=0,"",ROUND(E4/D4*100,2))', fmt.percent,
                     "" if evaluation.execution_rate is None else _num(evaluation.execution_rate))
    ws.write_formula(3, 8, '=IF(N(D4)=0,"",ROUND(MIN(E4/D4,1)*G4,2))', fmt.score,
                     "" if evaluation.budget_score is None else _num(evaluation.budget_score))
    headers = ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "单位", "实际完成值", "分值", "得分",
               "数据来源", "偏差原因及改进措施", "说明"]
    ws.write_row(5, 0, headers, fmt.header)
    layout = evaluation_layout(evaluation)
    first = layout["first_indicator"]
    spans1: dict[str, list[int]] = {}
    spans2: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(evaluation.indicators):
        r = first + i
        ind = s.indicator
        spans1.setdefault(ind.level1, []).append(r)
        spans2.setdefault((ind.level1, ind.level2), []).append(r)
        ws.write_string(r, 2, ind.level3, fmt.text)
        ws.write_string(r, 3, ind.nature or "定性", fmt.center)
        if ind.target is not None and ind.nature:
            ws.write_number(r, 4, _num(ind.target), fmt.number)
        else:
            ws.write_string(r, 4, ind.target_text, fmt.text)
        ws.write_string(r, 5, ind.unit, fmt.center)
        below = s.below_target
        if placeholders and ind.key:
            spec = default_catalog().spec(ind.key)
            key = ind.key + WAN_SUFFIX if spec is not None and spec.is_money and "万" in ind.unit else ind.key
            ws.write_string(r, 6, "{{" + key + "}}", fmt.number)
        elif s.actual is None:
            ws.write_blank(r, 6, None, fmt.pending)
        else:
            ws.write_number(r, 6, _num(s.actual), fmt.below if below else fmt.number)
        ws.write_number(r, 7, _num(ind.points), fmt.score)
        g, e, h = (xl_rowcol_to_cell(r, c) for c in (6, 4, 7))
        if ind.nature is None:
            ws.write_blank(r, 8, None, fmt.pending)
        else:
            if ind.nature == "≥":
                formula = f'IF(N({e})<=0,{h},ROUND(MIN({g}/{e},1)*{h},2))'
            elif ind.nature == "≤":
                formula = f'IF({g}<={e},{h},ROUND({e}/{g}*{h},2))'
            else:
                formula = f'IF({g}={e},{h},IF(OR({g}<=0,{e}<=0),0,ROUND(MIN({g}/{e},{e}/{g})*{h},2)))'
            formula = f'=IF(ISNUMBER({g}),{formula},"")'
            ws.write_formula(r, 8, formula, fmt.below_score if below else
                             (fmt.pending if s.score is None and not (placeholders and ind.key) else fmt.score),
                             "" if s.score is None else _num(s.score))
        source = default_catalog().spec(ind.key) if ind.key else None
        source_text = f"统计：{source.name}" if source is not None else (ind.key or "")
        ws.write_string(r, 9, source_text, fmt.text)
        if below:
            ws.write_blank(r, 10, None, fmt.pending_text)
        else:
            ws.write_blank(r, 10, None, fmt.text)
        if placeholders and ind.key:
            ws.write_string(r, 11, "实际完成值由统计自动填入，得分随之计算", fmt.text)
        else:
            ws.write_string(r, 11, s.note, fmt.pending_text if s.score is None else fmt.text)
        _fit(ws, r, [(ind.level3, 26), (source_text, 18), (s.note, 34), (ind.level2, 16)])
    for level1, rows in spans1.items():
        _merge_or_write(ws, rows[0], rows[-1], 0, level1, fmt.center)
    for (_, level2), rows in spans2.items():
        _merge_or_write(ws, rows[0], rows[-1], 1, level2, fmt.center)
    # level totals: formulas over contiguous rows, so a qualitative score typed in later is counted
    r = layout["summary_header"]
    ws.write_row(r, 0, ["一级指标", "二级指标", "", "", "", "", "", "分值", "得分"], fmt.header)
    ws.merge_range(r, 1, r, 6, "二级指标", fmt.header)
    r += 1
    totals = evaluation.level_totals()
    for level1, level2, points, score in totals:
        rows = spans1[level1] if level2 is None else spans2[(level1, level2)]
        label_fmt = fmt.bold_text if level2 is None else fmt.text
        ws.write_string(r, 0, level1, label_fmt)
        ws.merge_range(r, 1, r, 6, "小计" if level2 is None else level2, label_fmt)
        a, z = rows[0] + 1, rows[-1] + 1
        ws.write_formula(r, 7, f"=SUM(H{a}:H{z})", fmt.score, _num(points))
        # a subtotal none of whose indicators is scored yet stays blank, not 0.00
        unscored = placeholders or all(evaluation.indicators[i - first].score is None for i in rows)
        ws.write_formula(r, 8, f'=IF(COUNT(I{a}:I{z})=0,"",SUM(I{a}:I{z}))', fmt.score,
                         "" if unscored else _num(score))
        r += 1
    ws.write_string(r, 0, "总分", fmt.bold_text)
    ws.merge_range(r, 1, r, 6, "预算执行率 + 全部指标（待自评指标打分后自动计入）", fmt.bold_text)
    last = first + len(evaluation.indicators)
    ws.write_formula(r, 7, f"=G4+SUM(H{first + 1}:H{last})", fmt.score, _num(evaluation.total_points))
    ws.write_formula(r, 8, f"=N(I4)+SUM(I{first + 1}:I{last})", fmt.score,
                     "" if placeholders else _num(evaluation.total_score))
    ws.freeze_panes(6, 3)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


def _merge_or_write(ws, r0, r1, c, text, f):
    if r1 > r0:
        ws.merge_range(r0, c, r1, c, text, f)
    else:
        ws.write_string(r0, c, text, f)


def findings_rows(report: StatsReport) -> list[list]:
    """The 校验结果 table: level, file, sheet, row, column, message (no cell values, so no personal data)."""
    rows = [["级别", "文件", "工作表", "行", "列", "说明"]]
    for f in report.findings:
        rows.append([f.severity_label, f.file or "", f.sheet or "", f.row, f.column or "", f.message])
    return rows


def findings_sheet_spec(report: StatsReport):
    """The 校验结果 sheet added to a filled template: the same table as the standard workbook's, formatted."""
    from toolkit.io.xlsx.patch import CellStyle, SheetSpec

    head = CellStyle(bold=True, fill=HEADER_FILL.lstrip("#"), border=True, h_align="center")
    text, number = CellStyle(border=True, wrap=True), CellStyle(border=True, num_format="0")
    rows = findings_rows(report)
    styled = [[(v, head) for v in rows[0]]]
    styled += [[(v, number if c == 3 else text) for c, v in enumerate(row)] for row in rows[1:]]
    return SheetSpec(FINDINGS_SHEET, styled, col_widths={1: 6, 2: 16, 3: 16, 4: 6, 5: 14, 6: 70}, freeze=(1, 0),
                     landscape=True, fit_width=True)


def write_findings_sheet(book, fmt: _Formats, report: StatsReport, excluded_rows: int, counted_rows: int | None):
    """校验结果: where the inputs have problems (no cell values, so no personal data)."""
    ws = book.add_worksheet(FINDINGS_SHEET)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 6)
    ws.set_column(4, 4, 14)
    ws.set_column(5, 5, 80)
    summary = (f"计入统计的台账行：{counted_rows}；因错误未计入：{excluded_rows}。" if counted_rows is not None else "") \
        + f"问题共 {len(report.findings)} 个。"
    ws.merge_range(0, 0, 0, 5, summary, fmt.note)
    _fit(ws, 0, [(summary, 138)])
    ws.write_row(1, 0, ["级别", "文件", "工作表", "行", "列", "说明"], fmt.header)
    for r, f in enumerate(report.findings, start=2):
        ws.write_string(r, 0, f.severity_label, fmt.center)
        ws.write_string(r, 1, f.file or "", fmt.text)
        ws.write_string(r, 2, f.sheet or "", fmt.text)
        if f.row:
            ws.write_number(r, 3, f.row, fmt.count)
        else:
            ws.write_blank(r, 3, None, fmt.text)
        ws.write_string(r, 4, f.column or "", fmt.text)
        ws.write_string(r, 5, f.message, fmt.text)
        _fit(ws, r, [(f.message, 80), (f.file or "", 16), (f.sheet or "", 16), (f.column or "", 14)])
    ws.freeze_panes(2, 0)
    ws.autofilter(1, 0, max(1, len(report.findings) + 1), 5)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    return ws


# --- the user's own template (XlsxPatch keeps everything else as it was) ---------------------------------

_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def _defined_cells(names: dict[str, str]) -> dict[str, tuple[str, int, int]]:
    """Defined names that refer to one cell: name -> (sheet, row0, col0)."""
    out = {}
    for name, refers in names.items():
        m = _REF.match(refers.strip())
        if not m:
            continue
        name = name.rpartition("!")[2]      # a name scoped to one sheet: 'Sheet'!cases.total
        sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
        out[name] = (sheet, int(m.group(4)) - 1, col_number(m.group(3)) - 1)
    return out


def fill_template(template: Path, output: Path, report: StatsReport, catalog: Catalog) -> list[str]:
    """Copy of the user's template with every {{key}} cell and key-named cell filled; returns the unfilled keys."""
    from toolkit.io.xlsx.patch import XlsxPatch

    if template.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("统计表模板必须是 .xlsx 或 .xlsm 文件（.xls 请先在Excel中另存为 .xlsx）。", file=template.name)
    sheets = read_workbook(template)
    with XlsxPatch(template) as patch:
        plan = plan_template(sheets, _defined_cells(patch.defined_names()), template_values(report), template.name,
                             catalog, previous_given=report.previous is not None)
        for sheet, cells in plan.cells.items():
            patch.set_cells(sheet, {(r0 + 1, c0 + 1): v for (r0, c0), v in cells.items()})
        if report.previous is None:     # the emptied 上年同期 cells: no empty series left in the template's charts
            emptied = {(sheet, r0 + 1, c0 + 1) for sheet, cells in plan.cells.items()
                       for (r0, c0), v in cells.items() if v == ""}
            patch.drop_chart_series(lambda sheet, refs: all((sheet, r, c) in emptied for r, c in refs))
        report.findings += plan.findings
        patch.add_sheet(findings_sheet_spec(report))
        patch.save(output)
    return plan.unfilled_keys


# --- shipped templates -----------------------------------------------------------------------------------

def write_stats_template(path: Path, catalog: Catalog | None = None) -> None:
    """workbooks/统计表模板.xlsx: the standard 统计表 with {{key}} placeholders, usable as --template."""
    catalog = catalog or default_catalog()

    def build(book):
        fmt = _Formats(book)
        write_stats_sheet(book, fmt, None, catalog, placeholders=True)
        ws = book.add_worksheet("统计键说明")
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 40)
        ws.write_row(0, 0, ["统计键", "中文名称", "单位"], fmt.header)
        for r, (key, name, unit) in enumerate(catalog.listing(), start=1):
            ws.write_string(r, 0, key, fmt.text)
            ws.write_string(r, 1, name, fmt.text)
            ws.write_string(r, 2, unit, fmt.center)
        r += 2
        ws.merge_range(r, 0, r, 2, "用法：在任何单元格中写两对半角花括号包住的统计键，如｛｛cases.total｝｝（或把单元格命名为统计键），运行 legalaid stats 台账.xlsx "
                       "--template 本模板.xlsx 后填入数字；模板中的其他文字、格式、公式和合并单元格保持不变。", fmt.note)
        ws.set_row(r, 48)

    _atomic_xlsx(path, build)


def write_evaluation_template(path: Path, targets_rows: list[list], budget_rows: list[list]) -> None:
    """workbooks/绩效自评表模板.xlsx: an example 绩效目标 sheet (targets with statistics keys, budget figures) and
    the standard 绩效自评表 layout computed from it, with {{key}} where the statistics go."""
    from toolkit.io.excel_read import RawSheet

    rows = [list(r) for r in targets_rows] + [[]] + [list(r) for r in budget_rows]
    targets = parse_targets(RawSheet(TARGETS_SHEET, rows), path.name)
    evaluation = evaluate(targets, {}, path.name)

    def build(book):
        fmt = _Formats(book)
        write_evaluation_sheet(book, fmt, evaluation, None, placeholders=True)
        ws = book.add_worksheet(TARGETS_SHEET)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, (int, float, Decimal)):
                    ws.write_number(r, c, _num(v), fmt.number)
                else:
                    ws.write_string(r, c, str(v), fmt.header if r == 0 else fmt.text)
        ws.set_column(0, 1, 12)
        ws.set_column(2, 2, 28)
        ws.set_column(3, 7, 10)
        ws.set_column(8, 8, 22)

    _atomic_xlsx(path, build)
