"""`legalaid reformat IN_DIR -o OUT_DIR`: every return in a folder into the standard template, one consolidated
workbook, and a log. Shell only: reads the options and the user's tables, runs the batch (toolkit/io/returns_batch.py,
shared with the 整理月报 button) and prints; the decisions are toolkit/monthly/job.py's.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.base.table import find_header
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.io.returns_batch import check_folders, list_returns, reformat_folder  # noqa: F401
from toolkit.io.xlsx.table_writer import shown_width
from toolkit.monthly.job import (LOG_FILE, OUTPUT_FOLDER, STATS_FILE, SUMMARY_FILE, output_names)  # noqa: F401
from toolkit.monthly.normalise import (ReturnTemplate, default_template, extend_aliases, return_aliases,
                                       template_column)

NAME = "reformat"
HELP = "月报整理：把文件夹中各单位报来的月报整理成标准模板，并合并成一个汇总工作簿，附处理日志。"


def add_arguments(p) -> None:
    p.add_argument("in_dir", metavar="输入文件夹", help="收到的月报所在文件夹（含子文件夹；其中的文件不会被改动）")
    p.add_argument("-o", "--out", dest="out_dir", required=True, metavar="输出文件夹",
                   help="结果文件夹（不能是输入文件夹或其子文件夹；重复运行会替换上次的结果）")
    p.add_argument("--template", metavar="模板.xlsx", help="标准模板工作簿（默认使用工具箱自带的月报标准模板）")
    p.add_argument("--aliases", metavar="列名对照.xlsx",
                   help="本单位的列名对照（两列：表中列名、标准列名；可以是工作簿或CSV）")
    p.add_argument("--items", metavar="项目对照.xlsx",
                   help="统计报表的项目对照（两列：表中项目、标准项目；可以是工作簿或CSV）")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="并行进程数（默认=CPU核数）")
    p.add_argument("--json", action="store_true", help="以JSON输出处理结果")
    p.add_argument("--show-id", action="store_true", help="在汇总.xlsx中显示完整身份证号（默认打码）")


# ---------------------------------------------------------------- the user's tables


def _load_aliases(path: Path) -> dict[str, str]:
    from toolkit.ledger.parse import column_aliases_from_sheet
    sheets = read_workbook(path)
    alias_sheets = [s for s in sheets if s.name == "列名对照"] or sheets[:1]
    result = {}
    for s in alias_sheets:
        result.update(column_aliases_from_sheet(s))
    if not result:
        raise InputError("列名对照文件中没有内容：应有两列“表中列名”“标准列名”。", file=path.name)
    return result


def _load_items(path: Path) -> dict[str, str]:
    from toolkit.monthly.normalise import item_aliases_from_sheet
    from toolkit.monthly.stat_forms import stat_vocabulary

    sheets = read_workbook(path)
    wanted = [s for s in sheets if s.name == stat_vocabulary().item_sheet] or sheets[:1]
    result = {}
    for s in wanted:
        result.update(item_aliases_from_sheet(s))
    if not result:
        raise InputError("项目对照文件中没有内容：应有两列“表中项目”“标准项目”。", file=path.name)
    vocab, unknown = stat_vocabulary().with_user_items(result)
    if unknown:
        raise InputError(f"项目对照中的{'、'.join(unknown)}：右边应为标准统计项目的名称（如“刑事案件”“法律咨询”）。",
                         file=path.name)
    return result


def load_template(path: Path, aliases: dict[str, str]) -> ReturnTemplate:
    """A user's template workbook: its first sheet's header row, widths and number formats, title, print setup."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("模板必须是 .xlsx 工作簿。", file=path.name)
    read_workbook(path, names_only=True)       # the same Chinese reasons for missing/corrupt/encrypted files
    try:
        book = openpyxl.load_workbook(path)
    except Exception as exc:
        raise InputError("模板无法打开。", file=path.name) from None
    ws = book.worksheets[0]
    grid = [list(row) for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40), values_only=True)]
    merged = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
    header = find_header(RawSheet(ws.title, grid, merged), aliases)
    if header is None:
        raise InputError("模板中找不到表头行（应包含“案号”“受援人”等标准列名）。", file=path.name, sheet=ws.title)
    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth and dim.width:
            for c in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                widths[c - 1] = shown_width(dim.width)
    by_column = {c: name for name, c in header.columns.items()}
    data_row = header.header_rows[-1] + 2
    columns = []
    for c in sorted(header.labels):
        canonical = by_column.get(c)
        fmt = ws.cell(data_row, c + 1).number_format
        if fmt in (None, "General"):
            dim = ws.column_dimensions.get(get_column_letter(c + 1))
            fmt = dim.number_format if dim is not None and dim.number_format != "General" else None
        label = next((str(grid[r][c]).strip() for r in reversed(header.header_rows)
                      if c < len(grid[r]) and isinstance(grid[r][c], str) and grid[r][c].strip()), header.labels[c])
        columns.append(template_column(canonical, label, widths.get(c), fmt))
    title = next((str(v) for r in range(header.header_rows[0]) for v in grid[r]
                  if isinstance(v, str) and v.strip()), "")
    setup = ws.page_setup
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    return ReturnTemplate(tuple(columns), ws.title, title, setup.orientation == "landscape", fit,
                          int(setup.paperSize or 9))


# ---------------------------------------------------------------- gather → run → apply


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r整理中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args) -> int:
    in_dir, out_dir = Path(args.in_dir), Path(args.out_dir)
    check_folders(in_dir, out_dir)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs 必须是正整数。")
    aliases = return_aliases()
    if args.aliases:
        aliases = extend_aliases(aliases, _load_aliases(Path(args.aliases)))
    items = _load_items(Path(args.items)) if getattr(args, "items", None) else {}
    template = load_template(Path(args.template), aliases) if args.template else default_template()
    show_progress = not args.json and sys.stderr.isatty()
    outcome = reformat_folder(in_dir, out_dir, template, aliases, items, jobs=args.jobs or os.cpu_count() or 1,
                              show_id=bool(args.show_id), progress=_progress if show_progress else None)
    if args.json:
        print(json.dumps(outcome.report(), ensure_ascii=False))
    else:
        for line in outcome.console_lines():
            print(line)
    return outcome.exit_code
