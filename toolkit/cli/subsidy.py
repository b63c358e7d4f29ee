"""`legalaid subsidy`: every case's subsidy under the standard, totals, fund gap, scenarios."""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.cli.ledger_input import read_ledger_input
from toolkit.io.atomic import temp_dir
from toolkit.io.excel_read import check_bounds
from toolkit.io.layout_writer import STYLES, layout_to_sheet_spec
from toolkit.io.limits import EXCEL_COLUMNS
from toolkit.io.xls_copy import xls_copy_note, xls_to_xlsx
from toolkit.io.xlsx.patch import XlsxPatch
from toolkit.ledger.book import LEDGER_SHEET_NAMES, build_standard, output_sheet_names
from toolkit.subsidy.job import ledger_placements, outcome_json, outcome_text, parse_subsidy_settings, run_subsidy

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


def default_output(path: Path) -> Path:
    if path.is_dir():
        return path.parent / f"{path.name}_补贴.xlsx"
    suffix = path.suffix.lower() if path.suffix.lower() in PATCHABLE else ".xlsx"
    return path.with_name(f"{path.stem}_补贴{suffix}")


def run(args) -> int:
    path = Path(args.ledger)
    settings = parse_subsidy_settings({"level": args.level, "fund": args.fund, "flats": args.flat,
                                       "standard": args.standard})
    output = Path(args.output) if args.output else default_output(path)
    if output.exists() and path.exists() and output.resolve() == path.resolve():
        raise InputError("输出文件不能与输入文件相同（输入文件从不被修改）。请用 -o 指定另一个文件。", file=path.name)
    if output.suffix.lower() not in PATCHABLE:
        raise InputError(f"输出文件必须是 .xlsx 或 .xlsm，而不是“{output.suffix}”。", file=output.name)

    if not path.is_dir():
        check_bounds(path)   # sizes and extents first: saving inflates the ledger sheet again (streamed)
    patchable = path.suffix.lower() in PATCHABLE and not path.is_dir()
    xls = path.suffix.lower() == ".xls" and not path.is_dir()
    patch = _prepared_patch(path, args.sheet) if patchable else None
    note = None
    try:
        sheets, ledger, raw = read_ledger_input(path, args.sheet)
        standard = build_standard(sheets, settings.standard, file=path.name)
        names = output_sheet_names(ledger) if path.is_dir() else {k: k[1] for k in raw}
        places = ledger_placements(ledger, raw, EXCEL_COLUMNS, file=path.name)
        output.parent.mkdir(parents=True, exist_ok=True)
        with temp_dir(output.parent) as tmp:
            if patchable:
                patch = patch or XlsxPatch(path)
            else:  # .xls / .csv / a folder cannot be edited in place: the data is carried into a new .xlsx first
                source = Path(tmp) / "copy.xlsx"
                carried = False
                if xls:   # with its look (merges, formats, widths, hidden rows), cells where the reader put them
                    try:
                        xls_to_xlsx(path, source)
                        carried = True
                    except InputError:   # its formats cannot be followed: the values the reader read are carried
                        pass
                if not carried:   # CSV and folders have values only
                    _values_workbook([replace(raw[k], name=names[k]) for k in raw] if path.is_dir() else sheets,
                                     source)
                if xls:
                    note = xls_copy_note(path.name, output.name, "写入补贴列", carried)
                patch = XlsxPatch(source)
                patch.prepare()   # its largest sheet streamed when saving, as a workbook's ledger sheet is
            del sheets, raw   # the raw grids are the largest thing in memory; below works on the ledger

            outcome = run_subsidy(ledger, standard, settings, places)
            del ledger
            _release_arrow_memory()
            if args.json:
                text = json.dumps(outcome_json(outcome, output), ensure_ascii=False, indent=2)
            else:
                text = outcome_text(outcome, output)
            code = 1 if outcome.has_errors else 0
            for part in outcome.parts:
                _apply(patch, names[part.key], part)
            if patchable or xls:   # (the sheets of the copy of an .xls keep their names and places)
                _mark_summary_cells(patch, outcome.findings)
            patch.add_sheet(layout_to_sheet_spec(outcome.layout), replace=True)
            # what is printed is ready: let the ledger and results go before the sheet is rewritten (the memory peak)
            del outcome
            gc.collect()
            patch.save(output)
    finally:
        if patch is not None:
            patch.close()
    print(text)
    if note:
        print(note, file=sys.stderr if args.json else sys.stdout)
    return code


def _prepared_patch(path: Path, sheet: str | None):
    """The workbook opened for patching, its ledger sheet (by name, else the largest) marked to be streamed when
    saving (its XML is never held whole). None if it cannot be opened: reading it then says why."""
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


def _release_arrow_memory() -> None:
    """With pyarrow installed pandas keeps the ledger's texts in Arrow buffers, whose allocator holds on to freed
    memory unless asked to give it back: asked here, once the ledger's frames are gone, before the columns and the
    sheet are written."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        try:
            pyarrow.default_memory_pool().release_unused()
        except Exception:   # an older pyarrow without it: nothing to give back then
            pass


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


def _mark_summary_cells(patch, findings) -> None:
    """A summary sheet's findings (toolkit.ledger.summary_check) as a comment at their cell of the copy."""
    marks = [f for f in findings if getattr(f, "cell", None)]
    if not marks:
        return
    from toolkit.cli.validate import HIGHLIGHT_FILL

    sheets = set(patch.sheet_names())
    for f in marks:
        if f.sheet in sheets:
            patch.highlight(f.sheet, f.cell, f"【{f.severity_label}】{f.message}", HIGHLIGHT_FILL[f.severity])


def _apply(patch, sheet_name, part) -> None:
    """Write the toolkit columns next to the ledger sheet (replacing earlier ones)."""
    columns = part.columns
    header_row, first_col, rerun = part.place.header_row, part.place.first_col, part.place.rerun
    last_col = first_col + len(columns.headers) - 1
    if rerun:  # earlier toolkit columns are replaced, not added again
        patch.clear_columns(sheet_name, first_col, last_col, from_row=header_row)
    patch.set_cells(sheet_name, {(header_row, first_col + i): (title, STYLES["header"])
                                   for i, title in enumerate(columns.headers)})
    for i, width in enumerate(columns.widths):
        patch.set_column_width(sheet_name, first_col + i, width)
    rows = columns.excel_rows
    values = [[None if v == "" else v for v in column] if tag == "text" else column
              for tag, column in zip(columns.tags, columns.values)]
    n_plain = len(rows) - columns.totals
    column_styles = []
    for i, tag in enumerate(columns.tags):
        plain, total = STYLES[tag], STYLES["total_" + tag] if tag == "money" else STYLES[tag]
        column_styles.append([plain] * n_plain + [total] * columns.totals if columns.totals else plain)
    error, warning = STYLES["error"], STYLES["warning"]   # (part.note_severity: an error row, else a warning)
    errors = part.error_rows
    column_styles[-1] = [error if r in errors else warning for r in rows] if errors else [warning] * len(rows)
    patch.set_columns(sheet_name, first_col, rows, values, column_styles)
