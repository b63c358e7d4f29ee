"""`legalaid stats`: statistics sheets (standard layout or the user's own template), native charts, 绩效自评表.

Shell only: gathers the files (toolkit.cli.ledger_input, read_workbook), lets toolkit.stats.job decide, and applies the
outcome with the file writers of toolkit.io.stats_book — a NEW workbook (never the ledger itself, so no name or ID
number can reach it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.cli.ledger_input import read_ledger_input
from toolkit.io.excel_read import read_workbook
from toolkit.io.stats_book import (fill_template, write_evaluation_template, write_standard,  # noqa: F401
                                   write_stats_template)
from toolkit.ledger.book import combination_lines
from toolkit.stats.compute import CONSULTATION_SHEET, default_catalog, parse_consultations
from toolkit.stats.evaluation import TARGETS_SHEET
from toolkit.stats.job import StatsInputs, parse_stats_settings, run_stats

NAME = "stats"
HELP = "统计表填报：按月/季/年统计案件、法律帮助、受援人次、特殊群体、挽回损失、咨询，与上年同期对比，生成图表和绩效自评表"


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


# --- gather → run → apply ------------------------------------------------------------------------------

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
    inputs = StatsInputs(ledger, ledger_path.name,
                         consultations=_consultations_sheet(sheets, args.consultations, ledger_path.name,
                                                            required=bool(args.consultations)))
    if args.previous:
        prev_path = Path(args.previous)
        prev_sheets, inputs.previous, _ = read_ledger_input(prev_path)
        inputs.previous_consultations = _consultations_sheet(prev_sheets, args.consultations, prev_path.name,
                                                             required=False)
        inputs.previous_file = prev_path.name
    settings = parse_stats_settings({"period": args.period})
    inputs.targets = _targets_sheet(sheets, args.targets, ledger_path)
    outcome = run_stats(inputs, settings, catalog)

    output = _output_path(args, ledger_path)
    if args.template:
        unfilled = fill_template(Path(args.template), output, outcome.report, catalog)
    else:
        unfilled = outcome.unfilled_keys()
        write_standard(output, outcome.report, outcome.evaluation, catalog, excluded_rows=outcome.excluded_rows,
                       counted_rows=outcome.counted_rows)

    if args.json:
        print(json.dumps(outcome.json(unfilled), ensure_ascii=False, indent=2))
    else:
        for line in combination_lines(ledger):
            print(f"台账：{line}")
        for line in outcome.target_notes:
            print(f"绩效目标：{line}")
        for line in outcome.summary_lines(output, unfilled, bool(args.template)):
            print(line)
    return outcome.exit_code


def _consultations_sheet(sheets, name, file, required):
    """The 咨询登记 sheet (by --consultations or its usual name), None when there is none."""
    by_name = {s.name: s for s in sheets}
    wanted = name or CONSULTATION_SHEET
    if wanted not in by_name:
        if required:
            raise InputError(f"找不到咨询登记工作表“{wanted}”。现有工作表：{'、'.join(by_name)}。", file=file)
        return None
    return by_name[wanted]


def _consultations(sheets, name, file, required):
    """The parsed 咨询登记 sheet (None when there is none)."""
    sheet = _consultations_sheet(sheets, name, file, required)
    return None if sheet is None else parse_consultations(sheet, file)


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
