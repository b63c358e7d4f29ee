"""`legalaid reformat IN_DIR -o OUT_DIR`: every return in a folder into the standard template, one consolidated
workbook, and a log. Shell only: files, processes, writers; the rules are in toolkit/returns.py.
"""

from __future__ import annotations

import json
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from toolkit.errors import InputError, describe_failure, guarded, is_panic
from toolkit.idcard import mask_text
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.io.atomic import clean_stale, write_bytes_atomic
from toolkit.io.xlsx_write import RowRenderer, TableSheet, shown_width, write_xlsx
from toolkit.returns import (FAILED, OK, STATUS_LABEL, WARNED, ReturnTemplate, default_template,
                             extend_aliases, failed_result, finding_message, parse_return, period_label,
                             return_aliases, template_column, template_rows)
from toolkit.table import find_header

NAME = "reformat"
HELP = "月报整理：把文件夹中各单位报来的月报整理成标准模板，并合并成一个汇总工作簿，附处理日志。"

RETURN_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
OUTPUT_FOLDER = "整理后月报"
SUMMARY_FILE = "汇总.xlsx"
STATS_FILE = "统计月报汇总.xlsx"
LOG_FILE = "处理日志.json"
META_HEADERS = ["来源文件", "工作表", "源行号", "所属期间"]
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


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


# ---------------------------------------------------------------- inputs, names


def list_returns(in_dir: Path) -> list[Path]:
    """Every file under the folder, sorted, except hidden files and Office lock files (~$…)."""
    found = []
    for root, dirs, files in os.walk(in_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES:
                continue   # hidden and lock files; a pipe or device is listed and then refused by _process
            found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(in_dir).as_posix())


def output_names(relative_paths: list[str]) -> list[str]:
    """A safe, unique .xlsx name for each input: folders joined by '_', no path characters, no clashes."""
    taken: set[str] = set()
    names = []
    for rel in relative_paths:
        parts = rel.replace("\\", "/").split("/")
        stem, _, ext = parts[-1].rpartition(".")
        if not stem:
            stem, ext = parts[-1], ""
        base = "_".join([*parts[:-1], stem])
        base = _UNSAFE.sub("_", base).strip(" .") or "未命名"
        if base.startswith("~"):
            base = "_" + base[1:]
        if _RESERVED.match(base):
            base = "_" + base
        base = base[:100]
        candidates = [base, f"{base}_{ext}" if ext else base]
        n = 2
        name = next((c for c in candidates if c.casefold() not in taken), None)
        while name is None:
            if f"{base}_{n}".casefold() not in taken:
                name = f"{base}_{n}"
            n += 1
        taken.add(name.casefold())
        names.append(name + ".xlsx")
    return names


def _load_aliases(path: Path) -> dict[str, str]:
    from toolkit.ledger import column_aliases_from_sheet
    sheets = read_workbook(path)
    alias_sheets = [s for s in sheets if s.name == "列名对照"] or sheets[:1]
    result = {}
    for s in alias_sheets:
        result.update(column_aliases_from_sheet(s))
    if not result:
        raise InputError("列名对照文件中没有内容：应有两列“表中列名”“标准列名”。", file=path.name)
    return result


def _load_items(path: Path) -> dict[str, str]:
    from toolkit.returns import item_aliases_from_sheet
    from toolkit.stat_forms import stat_vocabulary

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


# ---------------------------------------------------------------- one file (runs in a worker process)


@dataclass(frozen=True)
class RunContext:
    template: ReturnTemplate
    aliases: dict
    out_folder: str
    show_id: bool
    items: dict | None = None        # the user's 项目对照 for statistics forms


_CTX: RunContext | None = None


def _init_worker(ctx: RunContext) -> None:
    global _CTX
    _CTX = ctx


def _read(path: Path):
    return read_workbook(path)


def process_file(task: tuple[str, str, str | None]) -> dict:
    """Read, normalise and rewrite one return; the record the log and the consolidated workbook need. Any failure
    (a Rust panic included) is that file's failure, said in Chinese by the one error boundary."""
    path, rel, out_name = task
    record, failure = guarded(_process, Path(path), rel, out_name, _CTX)
    if failure is None:
        return record
    message, _ = failure
    return _record(failed_result(rel, f"{message}已跳过。"), None, [])


def _process(path: Path, rel: str, out_name: str | None, ctx: RunContext) -> dict:
    if path.suffix.lower() not in RETURN_SUFFIXES:
        reason = (f"不是表格文件（{path.suffix or '无扩展名'}），已跳过；月报应为 .xlsx、.xlsm、.xls 或 .csv。")
        return _record(failed_result(rel, reason), None, [])
    if not path.is_file():   # a pipe or device named like a return would block the reader
        return _record(failed_result(rel, "不是普通文件（可能是管道或设备），已跳过。"), None, [])
    try:
        sheets = _read(path)
    except InputError as exc:
        return _record(failed_result(rel, exc.message + "已跳过。"), None, [])
    result = parse_return(sheets, rel, ctx.aliases, file_stem=path.stem, items=ctx.items)
    result.notes[:0] = [f"工作表“{s.name}”：{note}" for s in sheets for note in s.notes]   # what reading changed
    if result.status == FAILED:
        return _record(result, None, [])
    template = ctx.template
    layout = summary_layout(template)
    renderer = _renderer(template)
    out_sheets, summary, period_sums = [], [], {}
    several = len(result.tables) > 1
    for table in result.tables:
        rows = template_rows(table, template)
        out_sheets.append(TableSheet(
            f"{template.sheet}-{table.sheet}" if several else template.sheet,
            [c.header for c in template.columns], rows,
            [c.width for c in template.columns], [c.num_format for c in template.columns],
            title=template.render_title(table.period, rel), landscape=template.landscape,
            fit_to_width=template.fit_to_width, paper=template.paper))
        masked = rows if ctx.show_id else template_rows(table, template, mask_ids=True)
        period = table.period or ""
        sums = period_sums.setdefault(period, [0] + [Decimal(0)] * len(layout.summed))
        for record, row in zip(table.rows, masked):
            values = row[layout.skip:] if ctx.show_id else [mask_text(v) for v in row[layout.skip:]]
            summary.append(renderer.render([None, rel, table.sheet, record["_row"], _period_text(period), *values], 0))
            sums[0] += 1
            for k, i in enumerate(layout.summed, 1):
                v = values[i]
                if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                    sums[k] += v
    out_sheets += _stat_sheets(result, several or len(result.stat_forms) > 1)
    write_xlsx(Path(ctx.out_folder) / out_name, out_sheets, durable=False)   # synced once after the batch
    return _record(result, out_name, summary, period_sums)


def _stat_sheets(result, several: bool) -> list[TableSheet]:
    """Each statistics form of a return in the standard item list."""
    from toolkit.returns import period_label
    from toolkit.stat_forms import form_table, stat_vocabulary

    vocab = stat_vocabulary()
    sheets = []
    for form in result.stat_forms:
        header, rows = form_table(form, vocab)
        title = vocab.title.replace("{单位}", form.station).replace(
            "{期间}", period_label(form.period) if form.period else "期间未知") + f"　来源：{result.file}"
        sheets.append(TableSheet(f"{vocab.sheet}-{form.sheet}" if several else vocab.sheet, header, rows,
                                 [30, 6, 12, 12, 30], ["@", "@", "General", "General", "@"], title=title,
                                 fit_to_width=True))
    return sheets


@dataclass(frozen=True)
class SummaryLayout:
    """The columns of 汇总.xlsx's detail sheet: 序号, source columns, then the template's columns."""

    columns: tuple                 # the template columns shown (without a leading 序号)
    skip: int                      # 1 when the template starts with 序号 (renumbered across the batch instead)
    summed: tuple[int, ...]        # indexes into columns: 受援人数 and the money columns, summed by source and month

    @property
    def headers(self) -> list[str]:
        return ["序号", *META_HEADERS, *[c.header for c in self.columns]]

    @property
    def widths(self) -> list:
        return [6, 28, 10, 7, 10, *[c.width for c in self.columns]]

    @property
    def formats(self) -> list:
        return ["0", "@", "@", "0", "@", *[c.num_format for c in self.columns]]


def summary_layout(template: ReturnTemplate) -> SummaryLayout:
    skip = 1 if template.columns and template.columns[0].kind == "seq" else 0
    columns = tuple(template.columns[skip:])
    summed = tuple([i for i, c in enumerate(columns) if c.name == "受援人数"]
                   + [i for i, c in enumerate(columns) if c.kind == "money"])
    return SummaryLayout(columns, skip, summed)


_RENDERERS: dict = {}


def _renderer(template: ReturnTemplate) -> RowRenderer:
    """Renders 汇总 rows in the worker; the summary sheet is written first, so its styles match these."""
    renderer = _RENDERERS.get(template)
    if renderer is None:
        renderer = _RENDERERS[template] = RowRenderer(summary_layout(template).formats)
    return renderer


def _record(result, out_name, summary_rows, period_sums=None) -> dict:
    return {"file": result.file, "status": result.status, "rows": result.row_count, "period": result.period,
            "kind": result.kind, "messages": [mask_text(m) for m in result.messages()], "output": out_name,
            "summary_rows": summary_rows, "period_sums": period_sums or {}, "stat_forms": result.stat_forms}


# ---------------------------------------------------------------- the batch


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r整理中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run_batch(tasks: list[tuple[str, str, str]], ctx: RunContext, jobs: int, progress=None) -> list[dict]:
    """Process every task, in parallel processes when jobs > 1; a crashed worker fails only its own file."""
    results: list[dict | None] = [None] * len(tasks)
    done = 0
    if jobs <= 1 or len(tasks) <= 1:
        _init_worker(ctx)
        for i, task in enumerate(tasks):
            results[i] = process_file(task)
            done += 1
            if progress:
                progress(done, len(tasks))
        return results
    broken = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(ctx,)) as pool:
        futures = {pool.submit(process_file, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except BrokenProcessPool:
                broken.append(i)
                continue
            except BaseException as exc:   # e.g. a result that could not be sent back (PicklingError)
                if isinstance(exc, KeyboardInterrupt) or not (isinstance(exc, Exception) or is_panic(exc)):
                    raise
                results[i] = _record(failed_result(tasks[i][1], f"{describe_failure(exc)[0]}已跳过。"), None, [])
            done += 1
            if progress:
                progress(done, len(tasks))
    # a worker died (not an exception: a crash): retry each affected file alone, so only the culprit fails
    for i in sorted(broken):
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(ctx,)) as pool:
            try:
                results[i] = pool.submit(process_file, tasks[i]).result()
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                results[i] = _record(failed_result(tasks[i][1], "处理该文件时程序崩溃（可能是文件结构异常），已跳过。"),
                                     None, [])
        done += 1
        if progress:
            progress(done, len(tasks))
    return results


def _check_folders(in_dir: Path, out_dir: Path) -> None:
    if not in_dir.exists():
        raise InputError(f"输入文件夹“{in_dir}”不存在。")
    if not in_dir.is_dir():
        raise InputError(f"“{in_dir}”不是文件夹，请给出存放月报的文件夹。")
    src, dst = in_dir.resolve(), out_dir.resolve()
    if dst == src or src in dst.parents:
        raise InputError("输出文件夹不能是输入文件夹或其中的子文件夹（以免改动或混入收到的月报），请换一个位置。")
    if dst.exists() and not dst.is_dir():
        raise InputError(f"输出位置“{out_dir}”是一个文件，不是文件夹。")
    if (dst / OUTPUT_FOLDER) == src or (dst / OUTPUT_FOLDER) in src.parents:
        raise InputError(f"输入文件夹不能位于输出文件夹的“{OUTPUT_FOLDER}”中。")


def _summary_workbook(records: list[dict], template: ReturnTemplate) -> list[TableSheet]:
    layout = summary_layout(template)
    detail = TableSheet("汇总", layout.headers, (row for rec in records for row in rec["summary_rows"]),
                        layout.widths, layout.formats, autofilter=True, landscape=True, fit_to_width=True)
    sum_headers = [layout.columns[i].header for i in layout.summed]
    sum_formats = ["0" if layout.columns[i].kind == "count" else "#,##0.00" for i in layout.summed]
    zero = [0] + [Decimal(0)] * len(layout.summed)

    def add(a, b):
        return [x + y for x, y in zip(a, b)]

    by_source, by_month, month_files, grand = [], {}, {}, zero
    for rec in records:
        file_sums = zero
        for period, sums in sorted(rec["period_sums"].items()):
            file_sums = add(file_sums, sums)
            key = period or "未知"
            by_month[key] = add(by_month.get(key, zero), sums)
            month_files.setdefault(key, set()).add(rec["file"])
        grand = add(grand, file_sums)
        by_source.append([rec["file"], STATUS_LABEL[rec["status"]], _period_text(rec["period"]), rec["rows"],
                          *file_sums[1:]])
    by_source.append(["合计", "", "", grand[0], *grand[1:]])
    month_rows = [[period_label(m) if m != "未知" else "未知", len(month_files[m]), sums[0], *sums[1:]]
                  for m, sums in sorted(by_month.items())]
    month_rows.append(["合计", len({f for files in month_files.values() for f in files}), grand[0], *grand[1:]])
    source = TableSheet("按来源汇总", ["来源文件", "状态", "所属期间", "行数", *sum_headers], by_source,
                        [30, 8, 12, 8, *[14] * len(sum_headers)], ["@", "@", "@", "#,##0", *sum_formats],
                        wrap_columns=(0,), landscape=True, fit_to_width=True)
    month = TableSheet("按月份汇总", ["所属期间", "文件数", "行数", *sum_headers], month_rows,
                       [12, 8, 8, *[14] * len(sum_headers)], ["@", "#,##0", "#,##0", *sum_formats],
                       fit_to_width=True)
    log = TableSheet("处理日志", ["来源文件", "状态", "行数", "所属期间", "输出文件", "说明"],
                     [[r["file"], STATUS_LABEL[r["status"]], r["rows"], _period_text(r["period"]), r["output"] or "",
                       "\n".join(r["messages"])] for r in records],
                     [24, 8, 7, 11, 24, 64], ["@", "@", "#,##0", "@", "@", "@"], wrap_columns=(0, 4, 5),
                     landscape=True, fit_to_width=True)
    return [detail, source, month, log]


def _consolidate_stat_forms(records: list[dict], out_dir: Path) -> int:
    """Statistics forms across the batch: 本年累计 against last month's return (warnings added to the records),
    then 统计月报汇总.xlsx (consolidated form per month, stations × items, checks, log). The number of forms."""
    from toolkit.stat_forms import consolidate, matrix_table, running_total_findings, stat_vocabulary, summary_table

    forms, owner = [], []
    for i, rec in enumerate(records):
        for form in rec.get("stat_forms") or []:
            forms.append(form)
            owner.append(i)
    target = out_dir / STATS_FILE
    if not forms:
        target.unlink(missing_ok=True)        # a previous run's consolidation of forms no longer in the folder
        return 0
    vocab = stat_vocabulary()
    added, replaced = running_total_findings(forms, vocab)
    for k, finding in replaced:
        forms[k].findings.remove(finding)
        records[owner[k]]["messages"].remove(mask_text(finding_message(finding)))
    for k, finding in added:
        forms[k].findings.append(finding)
        rec = records[owner[k]]
        rec["messages"].append(mask_text(finding_message(finding)))
        if rec["status"] == OK:
            rec["status"] = WARNED
    summaries = consolidate(forms, vocab)
    sheets = []
    for ps in summaries:
        header, rows = summary_table(ps)
        label = period_label(ps.period) if ps.period else "期间未知"
        title = vocab.consolidated_title.replace("{期间}", label).replace("{单位数}", str(len(ps.forms)))
        name = "汇总表" if len(summaries) == 1 else f"汇总表{label}"
        sheets.append(TableSheet(name, header, rows, [34, 6, 12, 12, 10, 70],
                                 ["@", "@", "General", "General", "@", "@"], title=title, fit_to_width=True,
                                 landscape=True, wrap_columns=(5,)))
    for role, name in (("本月", "分单位本月"), ("本年累计", "分单位本年累计")):
        header, rows = matrix_table(summaries, role)
        sheets.append(TableSheet(name, header, rows, [12, 18, 28, 12, *[10] * (len(header) - 4)],
                                 ["@", "@", "@", "@", *["General"] * (len(header) - 4)], landscape=True,
                                 fit_to_width=True))
    checks = [[f.file, f.sheet, f.column if f.column else (f"第{f.row}行" if f.row else ""), form.station,
               period_label(form.period) if form.period else "", f.message]
              for form in forms for f in form.findings]
    sheets.append(TableSheet("检查结果", ["来源文件", "工作表", "单元格", "单位", "所属期间", "说明"], checks,
                             [30, 12, 8, 18, 12, 90], ["@"] * 6, wrap_columns=(5,), autofilter=True))
    with_forms = sorted({i for i in owner})
    sheets.append(TableSheet("处理日志", ["来源文件", "类型", "单位", "所属期间", "状态", "说明"],
                             [[records[i]["file"], records[i]["kind"],
                               "、".join(dict.fromkeys(f.station for f in records[i]["stat_forms"])),
                               records[i]["period"] or "", STATUS_LABEL[records[i]["status"]],
                               "\n".join(records[i]["messages"])] for i in with_forms],
                             [30, 10, 18, 12, 8, 90], ["@"] * 6, wrap_columns=(5,)))
    write_xlsx(target, sheets)
    return len(forms)


def _period_text(period: str | None) -> str:
    """'2023-03' → '2023年3月', the one way every sheet of 汇总.xlsx writes a period."""
    if not period:
        return ""
    return period_label(period) if re.fullmatch(r"\d{4}-\d{1,2}", period) else period


def _remove_stale(out_dir: Path, produced: set[str]) -> None:
    """Delete per-file outputs a previous run listed in its log that this run did not produce again."""
    previous = out_dir / LOG_FILE
    try:
        old = json.loads(previous.read_text(encoding="utf-8"))
        names = {d.get("output") for d in old.get("files_detail", [])}
    except (OSError, ValueError, AttributeError):
        return
    folder = out_dir / OUTPUT_FOLDER
    for name in names - produced - {None}:
        target = folder / name
        if isinstance(name, str) and target.parent == folder and target.suffix == ".xlsx":
            try:
                target.unlink()
            except FileNotFoundError:
                pass


def run(args) -> int:
    in_dir, out_dir = Path(args.in_dir), Path(args.out_dir)
    _check_folders(in_dir, out_dir)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs 必须是正整数。")
    aliases = return_aliases()
    if args.aliases:
        aliases = extend_aliases(aliases, _load_aliases(Path(args.aliases)))
    items = _load_items(Path(args.items)) if getattr(args, "items", None) else {}
    template = load_template(Path(args.template), aliases) if args.template else default_template()
    files = list_returns(in_dir)
    if not files:
        raise InputError(f"输入文件夹“{in_dir}”中没有文件。")
    rels = [p.relative_to(in_dir).as_posix() for p in files]
    names = output_names(rels)
    folder = out_dir / OUTPUT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(folder)   # temp files of a run killed while writing
    ctx = RunContext(template, aliases, str(folder), bool(args.show_id), items)
    jobs = args.jobs or os.cpu_count() or 1
    show_progress = not args.json and sys.stderr.isatty()
    records = run_batch([(str(p), rel, name) for p, rel, name in zip(files, rels, names)], ctx, jobs,
                        _progress if show_progress else None)

    if hasattr(os, "sync"):
        os.sync()                # the per-file outputs reach the disk before the log that lists them
    _remove_stale(out_dir, {r["output"] for r in records if r["output"]})
    stat_count = _consolidate_stat_forms(records, out_dir)
    write_xlsx(out_dir / SUMMARY_FILE, _summary_workbook(records, template))
    counts = {s: sum(1 for r in records if r["status"] == s) for s in (OK, WARNED, FAILED)}
    report = {"files": len(records), "ok": counts[OK], "warnings": counts[WARNED], "failed": counts[FAILED],
              "rows": sum(r["rows"] for r in records), "stat_forms": stat_count,
              "files_detail": [{k: r[k] for k in ("file", "status", "kind", "rows", "period", "messages")}
                               for r in records]}
    log = {**report, "output_folder": OUTPUT_FOLDER, "summary": SUMMARY_FILE,
           "stat_summary": STATS_FILE if stat_count else None,
           "files_detail": [{k: r[k] for k in ("file", "status", "kind", "rows", "period", "messages", "output")}
                            for r in records]}
    text = json.dumps(log, ensure_ascii=False, indent=2)
    write_bytes_atomic(out_dir / LOG_FILE, text.encode("utf-8"))

    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for r in records:
            if r["status"] != OK:
                print(f"[{STATUS_LABEL[r['status']]}] {r['file']}")
                for m in r["messages"]:
                    if m.startswith(("警告", "错误")) or r["status"] == FAILED:
                        print(f"    {m}")
        stats = f"统计报表{stat_count}份（汇总在{STATS_FILE}）；" if stat_count else ""
        print(f"共{len(records)}个文件：正常{counts[OK]}个，有警告{counts[WARNED]}个，失败{counts[FAILED]}个；"
              f"{stats}案件清单汇总数据{report['rows']}行。结果在“{out_dir}”：{OUTPUT_FOLDER}/、{SUMMARY_FILE}、"
              f"{STATS_FILE + '、' if stat_count else ''}{LOG_FILE}。")
    if counts[OK] + counts[WARNED] == 0:
        return 2
    return 0 if counts[OK] == len(records) else 1
