"""`legalaid subsidy`: every case's subsidy under the standard, totals, fund gap, scenarios."""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from toolkit.errors import InputError
from toolkit.findings import ERROR, WARNING
from toolkit.io.atomic import temp_dir
from toolkit.io.excel_read import check_bounds
from toolkit.io.limits import EXCEL_COLUMNS
from toolkit.io.layout_writer import STYLES, layout_to_sheet_spec
from toolkit.io.xlsx_patch import XlsxPatch
from toolkit.commands.ledger_input import read_ledger_input
from toolkit.ledger_book import (LEDGER_SHEET_NAMES, build_standard, combination_lines, combined_label,
                                  compute_by_sheet, output_sheet_names, part_view)
from toolkit.money import format_yuan, parse_amount
from toolkit.subsidy import Level, compare_fund, parse_level, price_ranges, scenarios
from toolkit.subsidy_sheet import TOOLKIT_LEDGER_COLUMNS, column_placement, ledger_columns, summary_layout

NAME = "subsidy"
HELP = "按补贴标准测算每件案件的办案补贴，汇总并与专项经费对比"
PATCHABLE = {".xlsx", ".xlsm"}
_PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$")


def add_arguments(p) -> None:
    p.add_argument("ledger", metavar="台账文件",
                   help="案件台账（.xlsx / .xlsm / .xls / .csv），或放有多个台账文件（如每月一个）的文件夹")
    p.add_argument("--sheet", metavar="工作表",
                   help="台账所在工作表（默认：名为“案件台账”的表；没有时，表头相同的各表（如 1月…12月）合并读取）")
    p.add_argument("--standard", metavar="标准", default=None,
                   help="补贴标准：内置名称（默认“湖南”）或 .toml 标准文件；工作簿中的“补贴标准”表会补充/覆盖它")
    p.add_argument("--level", metavar="水平", default="最低",
                   help="补贴水平：最低、最高、中间、台账（用台账中的补贴金额），或每件金额如 1800（默认：最低）")
    p.add_argument("--fund", metavar="金额", help="可用的专项经费，如 46万、460000、46万元")
    p.add_argument("--flat", metavar="金额", default="1800,2000",
                   help="对比测算中的本地统一标准（每件），逗号分隔（默认：1800,2000）")
    p.add_argument("-o", "--output", metavar="输出文件", help="输出工作簿（默认：输入文件名加“_补贴”，放在输入文件旁）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果（供其他程序使用）")


def _amount_arg(text: str, what: str) -> Decimal:
    try:
        amount = parse_amount(text)
    except ValueError as exc:
        raise InputError(f"{what}“{text}”无法识别：{exc}。") from None
    if amount is None or amount < 0:
        raise InputError(f"{what}“{text}”无法识别。")
    return amount


def scenario_levels(chosen: Level, flats: list[Decimal]) -> list[Level]:
    """最低, 最高, each flat amount, and the chosen level if it is none of those."""
    levels = [Level("min"), Level("max"), *(Level("flat", f) for f in flats)]
    if chosen not in levels:
        levels.append(chosen)
    return levels


def default_output(path: Path) -> Path:
    if path.is_dir():
        return path.parent / f"{path.name}_补贴.xlsx"
    suffix = path.suffix.lower() if path.suffix.lower() in PATCHABLE else ".xlsx"
    return path.with_name(f"{path.stem}_补贴{suffix}")


def run(args) -> int:
    path = Path(args.ledger)
    try:
        level = parse_level(args.level)
    except ValueError as exc:
        raise InputError(f"{exc}。") from None
    fund = _amount_arg(args.fund, "专项经费金额") if args.fund else None
    flats = [_amount_arg(t, "统一标准金额") for t in str(args.flat).replace("，", ",").split(",") if t.strip()]
    output = Path(args.output) if args.output else default_output(path)
    if output.exists() and path.exists() and output.resolve() == path.resolve():
        raise InputError("输出文件不能与输入文件相同（输入文件从不被修改）。请用 -o 指定另一个文件。", file=path.name)
    if output.suffix.lower() not in PATCHABLE:
        raise InputError(f"输出文件必须是 .xlsx 或 .xlsm，而不是“{output.suffix}”。", file=output.name)

    if not path.is_dir():
        check_bounds(path)   # sizes and extents first: opening it for patching inflates the ledger sheet
    patchable = path.suffix.lower() in PATCHABLE and not path.is_dir()
    patch = _prepared_patch(path, args.sheet) if patchable else None
    try:
        sheets, ledger, raw = read_ledger_input(path, args.sheet)
        standard = build_standard(sheets, args.standard, file=path.name)
        parts = {(p.file, p.sheet): p for p in ledger.pieces}
        names = output_sheet_names(ledger) if path.is_dir() else {k: k[1] for k in raw}
        places = {k: column_placement(raw[k], part_view(ledger, parts[k])) for k in raw}
        for (file, sheet), place in places.items():   # the added columns must fit in Excel's grid
            if place[1] + len(TOOLKIT_LEDGER_COLUMNS) - 1 > EXCEL_COLUMNS:
                raise InputError(f"台账右侧没有足够的空列写入“{'、'.join(TOOLKIT_LEDGER_COLUMNS)}”"
                                 f"（已用到第 {place[1] - 1:,} 列，Excel 最多 {EXCEL_COLUMNS:,} 列）。"
                                 "请删除台账右侧多余的列后再处理。", file=file or path.name, sheet=sheet)
        output.parent.mkdir(parents=True, exist_ok=True)
        with temp_dir(output.parent) as tmp:
            if patchable:
                patch = patch or XlsxPatch(path)
            else:  # .xls / .csv / a folder cannot be edited in place: the data is carried into a new .xlsx first
                source = Path(tmp) / "copy.xlsx"
                _values_workbook([replace(raw[k], name=names[k]) for k in raw] if path.is_dir() else sheets, source)
                patch = XlsxPatch(source)
            del sheets, raw   # the raw grids are the largest thing in memory; below works on the ledger

            ranges = price_ranges(ledger.cases, standard)
            result, by_sheet = compute_by_sheet(ledger, standard, level, ranges)
            scenario_list = scenarios(ledger.cases, standard, scenario_levels(level, flats), fund, ranges)
            del ranges
            findings = list(ledger.findings) + result.findings
            order = {(p.file, p.sheet): i for i, p in enumerate(ledger.pieces)}
            findings.sort(key=lambda f: (order.get((f.file, f.sheet), -1), f.row or 0, f.severity != ERROR))
            layout = summary_layout(ledger, result, scenario_list, fund, combined_label(ledger))
            comparison = compare_fund(result.total, fund) if fund is not None else None
            if args.json:
                text = json.dumps(_as_json(ledger, result, scenario_list, comparison, findings, output),
                                  ensure_ascii=False, indent=2)
            else:
                text = _summary_text(path, ledger, result, scenario_list, comparison, findings, output)
            code = 1 if any(f.severity == ERROR for f in findings) else 0
            for k, (view, part_result) in by_sheet.items():
                part_findings = [f for f in findings if f.sheet == k[1] and f.file == k[0]]
                _apply(patch, names[k], ledger_columns(view, part_result, part_findings), None, places[k])
            patch.add_sheet(layout_to_sheet_spec(layout), replace=True)
            del by_sheet
            # what is printed is ready: let the ledger and results go before the sheet is rewritten (the memory peak)
            del ledger, result, scenario_list, findings, layout, comparison
            gc.collect()
            patch.save(output)
    finally:
        if patch is not None:
            patch.close()
    print(text)
    return code


def _prepared_patch(path: Path, sheet: str | None):
    """The workbook opened for patching, its ledger sheet (by name, else the largest) already split, while
    calamine may still be parsing it in the background (see cli.console). None if it cannot be opened: reading it
    then says why."""
    try:
        patch = XlsxPatch(path)
    except Exception:
        return None
    try:
        names = patch.sheet_names()
        patch.prepare(sheet if sheet in names else next((n for n in LEDGER_SHEET_NAMES if n in names), None))
    except Exception:
        patch.close()
        return None
    return patch


def _values_workbook(sheets, target: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, value if isinstance(value, dt.datetime)
                                      else dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                elif isinstance(value, str) and _PLAIN_NUMBER.match(value):   # CSV cells are all text
                    ws.write_number(r, c, float(value))
                else:
                    ws.write_string(r, c, str(value))
    book.close()


def _apply(patch, sheet_name, columns, layout, place) -> None:
    """Write the toolkit columns next to the ledger sheet (replacing earlier ones), and the summary sheet if given."""
    header_row, first_col, rerun = place
    last_col = first_col + len(columns.headers) - 1
    if rerun:  # earlier toolkit columns are replaced, not added again
        patch.clear_columns(sheet_name, first_col, last_col, from_row=header_row)
    patch.set_cells(sheet_name, {(header_row, first_col + i): (title, STYLES["header"])
                                   for i, title in enumerate(columns.headers)})
    for i, width in enumerate(columns.widths):
        patch.set_column_width(sheet_name, first_col + i, width)
    items = [*columns.rows.items(), *columns.total_rows.items()]
    is_total = [r in columns.total_rows for r, _ in items]
    values = [[None if v == "" else v for v in column] if tag == "text" else list(column)
              for tag, column in zip(columns.tags, zip(*(v for _, v in items)))] if items else [[] for _ in columns.tags]
    column_styles = []
    for i, tag in enumerate(columns.tags):
        plain, total = STYLES[tag], STYLES["total_" + tag] if tag == "money" else STYLES[tag]
        column_styles.append([total if t else plain for t in is_total] if any(is_total) else plain)
    error, warning = STYLES["error"], STYLES["warning"]
    column_styles[-1] = [error if v and "【错误】" in v else warning for v in values[-1]]
    patch.set_columns(sheet_name, first_col, [r for r, _ in items], values, column_styles)
    if layout is not None:
        patch.add_sheet(layout_to_sheet_spec(layout), replace=True)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _as_json(ledger, result, scenario_list, comparison, findings, output) -> dict:
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
                      "value": f.value, "message": f.message} for f in findings],
        "output": str(output),
    }


def _summary_text(path, ledger, result, scenario_list, comparison, findings, output) -> str:
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
