"""The workbook buttons: one function per button, taking an open `xw.Book` and returning the message it showed.

Desktop Excel calls `run_from_excel(job)` through RunPython; xlwings Server/Lite call the same functions through
toolkit/excel/server. Each job reads the values it needs, lets the core decide (pure `*_plan` functions, shared with
the CLI's layouts), writes only the toolkit's own columns and sheets, and ends with a Chinese message. Pressing a
button twice gives the same workbook: the toolkit finds its own columns by their headers and replaces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from toolkit.errors import InputError, describe_failure, is_panic
from toolkit.findings import ERROR, WARNING, Finding
from toolkit.io.excel_read import RawSheet
from toolkit.ledger import Ledger
from toolkit.ledger_book import (ALIAS_SHEET, STANDARD_SHEET, TOOLKIT_SHEETS, build_ledger, build_standard,
                                 choose_sheets, combination_lines, combined_label, compute_by_sheet, part_view,
                                 vocabulary_for)
from toolkit.layout import Cell, Layout
from toolkit.money import format_yuan, parse_amount
from toolkit.subsidy import compare_fund, parse_level, price_ranges, scenarios
from toolkit.subsidy_sheet import SUMMARY_SHEET, LedgerColumns, ledger_columns, summary_layout
from toolkit.table import find_header
from toolkit.text import clean_text, compact
from toolkit.excel.book_io import (alert, cell_out, excel_value, grid, period_value, read_sheet, read_sheets, runs,
                                  set_status, write_layout, year_value)

TITLE = "法援财务工具箱"
SETTINGS_SHEET = "参数"
# what a centre sets for the buttons: a label in the 参数 sheet (column A, value in B) or a defined name
SETTINGS = {"补贴水平": "level", "补贴标准": "standard", "专项经费": "fund", "统一标准": "flats",
            "报告年度": "year", "单位名称": "centre", "统计期间": "period",
            "输入文件夹": "input_folder", "输出文件夹": "output_folder"}
# the 参数 sheet as the 设置 button lays it out: (label, which button uses it, what to write)
SETTING_HELP = [
    ("补贴水平", "计算补贴", "最低（默认）、最高、中间、台账（用台账“补贴金额”列已填的金额并检查），或每件统一金额如 1800"),
    ("补贴标准", "计算补贴", "补贴标准的名称，默认 湖南；本工作簿中有“补贴标准”工作表时，按该表补充和调整"),
    ("专项经费", "计算补贴", "本年度办案补贴专项经费，如 46万 或 460000；填写后计算缺口和覆盖率"),
    ("统一标准", "计算补贴", "对比测算用的每件统一金额，默认 1800,2000；多个用逗号分隔"),
    ("统计期间", "填写统计表", "2023（年）、2023Q1（季度）或 2023-03（月）；留空为案件最多的年份"),
    ("报告年度", "生成自评报告", "如 2023；留空取决算表的年度"),
    ("单位名称", "生成自评报告", "单位全称，如 某某县法律援助中心；留空取决算表标题中的“……法律援助中心”"),
    ("输入文件夹", "整理月报", "各单位报来的月报所在文件夹的完整路径，如 D:\\月报\\2024年3月；原文件不会被修改"),
    ("输出文件夹", "整理月报", "整理结果保存到的文件夹的完整路径，不能与输入文件夹相同"),
]
SETTING_NAMES = {"LA_SubsidyLevel": "level", "LA_Standard": "standard", "LA_Fund": "fund", "LA_FlatAmounts": "flats"}
HIGHLIGHT = {ERROR: "#FFC7CE", WARNING: "#FFEB9C"}


# ---------------------------------------------------------------- settings

def read_settings(sheets: list[RawSheet], named: dict[str, object] | None = None) -> dict[str, object]:
    """The buttons' settings from the 参数 sheet and from defined names (a name wins over the sheet), each as
    (value, where): values as the user typed them (see book_io.excel_value: 2023.0 from Windows Excel is 2023)."""
    settings: dict[str, object] = {}
    for sheet in sheets:
        if sheet.name != SETTINGS_SHEET:
            continue
        for r, row in enumerate(sheet.rows, start=1):
            key = SETTINGS.get(compact(row[0]) if row else "")
            value = excel_value(row[1]) if key and len(row) > 1 else None
            if value is not None and clean_text(value):
                settings[key] = (value, f"“{SETTINGS_SHEET}”工作表第{r}行")
    for name, value in (named or {}).items():
        value = excel_value(value)
        if name in SETTING_NAMES and value is not None and clean_text(value):
            settings[SETTING_NAMES[name]] = (value, f"名称“{name}”")
    return settings


def named_values(book, wanted=None) -> dict[str, object]:
    """Values of the workbook-level names the buttons understand (LA_Fund, …)."""
    wanted = SETTING_NAMES if wanted is None else wanted
    values = {}
    try:
        names = list(book.names)
    except Exception:
        return values
    for name in names:
        try:
            if name.name in wanted:
                values[name.name] = name.refers_to_range.value
        except Exception:  # a name pointing to a constant or another workbook: not a setting
            continue
    return values


def settings_sheet_values(book) -> dict[str, object]:
    """read_settings of the 参数 sheet alone (without reading the other, maybe large, sheets)."""
    if SETTINGS_SHEET not in [s.name for s in book.sheets]:
        return {}
    return read_settings([read_sheet(book.sheets[SETTINGS_SHEET])])


def returns_folders(book) -> dict[str, str]:
    """整理月报's two folders: the template's named cells LA_InputFolder / LA_OutputFolder, else (a workbook of one's
    own, through the add-in) the 输入文件夹 / 输出文件夹 rows of the 参数 sheet. InputError when one is missing."""
    values = named_values(book, FOLDER_NAMES)
    settings = settings_sheet_values(book)
    folders = {}
    for name, label in FOLDER_NAMES.items():
        text = clean_text(values.get(name)) or clean_text(settings.get(FOLDER_SETTINGS[name], (None,))[0])
        if not text:
            raise InputError(f"请先在“{label}”单元格（名称 {name}）或“{SETTINGS_SHEET}”工作表的“{label}”行中"
                             "填写文件夹的完整路径（点“设置”可打开该工作表）。")
        folders[name] = text
    return folders


def _setting_error(message: str, where: str | None) -> InputError:
    return InputError(f"{where}：{message}" if where else message)


# ---------------------------------------------------------------- compute_subsidy

@dataclass
class SubsidyPlan:
    """Everything the 计算补贴 button writes, decided without touching the workbook."""

    sheet: str                 # the ledger sheet
    header_row: int            # 1-based Excel row of the ledger header
    first_col: int             # 1-based column of the first toolkit column
    last_row: int              # last Excel row the toolkit columns cover (old values below are cleared)
    columns: LedgerColumns
    layout: Layout
    message: str
    findings: list[Finding] = field(default_factory=list)
    others: list["SubsidyPlan"] = field(default_factory=list)   # the other sheets of a combined ledger (columns only)


def choose_ledger_sheet(sheets: list[RawSheet], active: str | None) -> str | None:
    """The active sheet when it looks like a ledger (the button sits on it), else None (let the core choose)."""
    by_name = {s.name: s for s in sheets}
    if not active or active not in by_name or active in (*TOOLKIT_SHEETS, ALIAS_SHEET, STANDARD_SHEET, SETTINGS_SHEET):
        return None
    if active in [s.name for _, s, _ in choose_sheets([(None, sheets)])[0]]:
        return None      # the active sheet is (part of) the workbook's ledger: read it with the sheets it goes with
    header = find_header(by_name[active], vocabulary_for(sheets).column_aliases, min_matches=3)
    return active if header and "案件类型" in header.columns else None


def subsidy_plan(sheets: list[RawSheet], settings: dict | None = None, active: str | None = None,
                 file: str | None = None) -> SubsidyPlan:
    """Compute every case's subsidy and decide what the workbook gets: toolkit columns, 补贴汇总, the message."""
    from toolkit.subsidy_sheet import column_placement as placement  # the CLI's rule: same columns, same place
    from toolkit.commands.subsidy import scenario_levels

    settings = settings or {}
    level_value, where = settings.get("level", ("最低", None))
    try:
        level = parse_level(clean_text(level_value))
    except ValueError as exc:
        raise _setting_error(f"{exc}。", where) from None
    fund = None
    if "fund" in settings:
        value, where = settings["fund"]
        try:
            fund = parse_amount(value)
        except ValueError as exc:
            raise _setting_error(f"专项经费{exc}。", where) from None
        if fund is not None and fund < 0:
            raise _setting_error("专项经费不能为负数。", where)
    flats = [Decimal(1800), Decimal(2000)]
    if "flats" in settings:
        value, where = settings["flats"]
        try:
            flats = [parse_amount(t) for t in str(value).replace("，", ",").replace("、", ",").split(",") if t.strip()]
        except ValueError as exc:
            raise _setting_error(f"统一标准{exc}。", where) from None
    standard_name = clean_text(settings["standard"][0]) if "standard" in settings else None

    ledger = build_ledger(sheets, choose_ledger_sheet(sheets, active), file=file)
    standard = build_standard(sheets, standard_name, file=file)
    ranges = price_ranges(ledger.cases, standard)
    result, by_sheet = compute_by_sheet(ledger, standard, level, ranges)    # a year in 12 sheets: each sheet its columns
    scenario_list = scenarios(ledger.cases, standard, scenario_levels(level, flats), fund, ranges)
    order = {p.sheet: i for i, p in enumerate(ledger.pieces)}
    findings = sorted(ledger.findings + result.findings,
                      key=lambda f: (order.get(f.sheet, -1), f.row or 0, f.severity != ERROR))
    layout = summary_layout(ledger, result, scenario_list, fund, combined_label(ledger) if file or ledger.parts else
                            f"本工作簿「{ledger.sheet}」",
                            fund_hint="未填写专项经费：在“参数”工作表A列写“专项经费”、B列写金额（如 46万）即可对比。")
    message = _subsidy_message(ledger, result, fund, findings)
    plans = []
    for (_, name), (view, part_result) in by_sheet.items():
        columns = ledger_columns(view, part_result, [f for f in findings if f.sheet == name])
        raw = next(s for s in sheets if s.name == name)
        header_row, first_col, _ = placement(raw, view)
        last_row = max([len(raw.rows), header_row + 1, *columns.rows, *columns.total_rows])
        plans.append(SubsidyPlan(name, header_row, first_col, last_row, columns, layout, message, findings))
    plans[0].others = plans[1:]
    return plans[0]


def _subsidy_message(ledger: Ledger, result, fund, findings) -> str:
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


def ledger_block(plan: SubsidyPlan) -> list[list]:
    """The toolkit columns from the header row down to plan.last_row, as one rectangular block."""
    cols = plan.columns
    empty = [None] * len(cols.headers)
    block = [list(cols.headers)]
    for r in range(plan.header_row + 1, plan.last_row + 1):
        block.append(list(cols.rows.get(r) or cols.total_rows.get(r) or empty))
    return block


def note_severity(note) -> str | None:
    if not note:
        return None
    return ERROR if "【错误】" in str(note) else WARNING


def write_subsidy_plan(book, plan: SubsidyPlan) -> None:
    """Write the plan into the open workbook: only the toolkit's columns of the ledger sheet(s) and 补贴汇总."""
    for part in [plan, *plan.others]:
        _write_ledger_columns(book, part)
    write_layout(book, plan.layout)


def _write_ledger_columns(book, plan: SubsidyPlan) -> None:
    sheet = book.sheets[plan.sheet]
    n = len(plan.columns.headers)
    top, left, last = plan.header_row, plan.first_col, plan.last_row
    block = ledger_block(plan)
    sheet.range((top, left)).value = grid(block, n)
    header = sheet.range((top, left), (top, left + n - 1))
    header.font.bold = True
    header.color = "#D9E1F2"
    body = sheet.range((top + 1, left), (last, left + n - 1))
    body.color = None                                   # earlier highlights of our own columns go
    sheet.range((top + 1, left), (last, left + 2)).number_format = "#,##0.00"
    note_col = left + n - 1
    for i0, i1, severity in runs([row[n - 1] for row in block[1:]], note_severity):
        sheet.range((top + 1 + i0, note_col), (top + 1 + i1, note_col)).color = HIGHLIGHT[severity]
    for i, width in enumerate(plan.columns.widths):
        sheet.range((1, left + i)).column_width = width


def compute_subsidy(book) -> str:
    """计算补贴: every case's subsidy next to the ledger, the 补贴汇总 sheet, and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(SUMMARY_SHEET,))
    settings = read_settings(sheets, named_values(book))
    set_status(book, f"{TITLE}：正在计算补贴……")
    plan = subsidy_plan(sheets, settings, active=_active_sheet(book), file=book.name)
    set_status(book, f"{TITLE}：正在写入结果……")
    active = _active_sheet(book)
    write_subsidy_plan(book, plan)
    if active and active != SUMMARY_SHEET:      # adding a sheet activates it in desktop Excel: go back
        book.sheets[active].activate()
    return plan.message


def _active_sheet(book) -> str | None:
    try:
        return book.sheets.active.name
    except Exception:
        return None


# ---------------------------------------------------------------- draft_report

REPORT_SHEET = "自评报告草稿"


def report_plan(sheets: list[RawSheet], settings: dict | None = None, file: str | None = None,
                formats: dict | None = None) -> tuple[Layout, str]:
    """The 绩效自评报告 draft from the workbook's budget sheet, ledger and indicator sheet: a sheet layout, a message.
    The same readers as `legalaid report`: budget core (with its check), statistics core, evaluation core."""
    from toolkit.commands.report import budget_from_sheets, ledger_figures, report_figures, targets_from_sheets
    from toolkit.ledger_book import find_ledger_sheet
    from toolkit.report_check import check_report
    from toolkit.report_draft import HEADING1, HEADING2, TITLE, TODO, TODO_MARK, draft_report

    settings = settings or {}
    year = None
    if "year" in settings:
        value, where = settings["year"]
        try:
            year = year_value(value)
        except ValueError:
            raise _setting_error(f"报告年度“{clean_text(value)}”应为年份，如 2023。", where) from None
    centre = clean_text(settings["centre"][0]) if "centre" in settings else None
    budget = budget_from_sheets(sheets, file, formats)
    try:
        find_ledger_sheet(sheets, file=file)
        ledger = ledger_figures(sheets, file, year or budget.year)
    except InputError as exc:
        if "没有找到案件台账工作表" not in exc.message:
            raise
        ledger = None            # a report on the budget alone: the case paragraphs are left to fill in
    targets = targets_from_sheets(sheets, file)
    try:
        figures = report_figures(budget, ledger, targets, year, centre)
    except InputError as exc:
        raise InputError(exc.message.replace("请用 --year 指定", f"请在“{SETTINGS_SHEET}”工作表中填写“报告年度”"),
                         file=exc.file) from None
    blocks = draft_report(figures)
    tags = {TITLE: "title", HEADING1: "section", HEADING2: "section", TODO: "todo"}
    layout = Layout(REPORT_SHEET, widths={1: 110})
    for block in blocks:
        layout.add(Cell(block.text, tags.get(block.style, "paragraph")))
    own = check_report("\n".join(b.text for b in blocks))
    todo = sum(1 for b in blocks if b.style == TODO and b.text.startswith(TODO_MARK))
    lines = [f"已生成绩效自评报告草稿，见“{REPORT_SHEET}”工作表：共 {len(blocks)} 段，写入数字 {len(own.figures)} 个；"
             f"需人工填写 {todo} 处（黄色）。"]
    if budget.errors:
        lines.append(f"预算表校验发现 {len(budget.errors)} 处错误，报告中取自预算表的金额可能有误（草稿开头已注明；"
                     f"点“校验预算”可看到错误说明）。")
    if ledger is None:
        lines.append("本工作簿中没有案件台账，案件部分需人工填写。")
    elif ledger.excluded_rows:
        rows = "、".join(map(str, ledger.excluded_rows[:10])) + ("等" if len(ledger.excluded_rows) > 10 else "")
        lines.append(f"台账第{rows}行有错误，未计入报告中的案件数和金额（点“计算补贴”可看到错误说明）。")
    if own.findings:
        lines.append(f"草稿自检发现 {len(own.findings)} 处数字不一致，源自表格本身，请核对预算表。")
    lines.append("如需 Word 文档，可用命令 legalaid report 生成。")
    return layout, "\n".join(lines)


def draft_report_job(book) -> str:
    """生成自评报告: the draft as a sheet of this workbook (Excel on the web has no files to write)."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(REPORT_SHEET, SUMMARY_SHEET))
    settings = read_settings(sheets, named_values(book))
    formats = {} if book.app.engine.name == "remote" else formats_if_unchanged(book.fullname, sheets)
    set_status(book, f"{TITLE}：正在起草报告……")
    layout, message = report_plan(sheets, settings, file=book.name, formats=formats)
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != REPORT_SHEET:
        book.sheets[active].activate()
    return message


# ---------------------------------------------------------------- fill_statistics

STATS_SHEET = "统计表"
PREVIOUS_LEDGER_SHEET = "上年台账"
MAX_LISTED_FINDINGS = 200


def named_cells(book) -> dict[str, tuple[str, int, int]]:
    """Workbook names that point to one cell: {name: (sheet, row0, col0)} (for statistics keys given as names)."""
    cells = {}
    try:
        names = list(book.names)
    except Exception:
        return cells
    for name in names:
        try:
            rng = name.refers_to_range
            if rng.shape == (1, 1):
                cells[name.name] = (rng.sheet.name, rng.row - 1, rng.column - 1)
        except Exception:   # a name holding a constant or a formula, not a cell
            continue
    return cells


def statistics_plan(sheets: list[RawSheet], settings: dict | None = None, defined: dict | None = None,
                    active: str | None = None, file: str | None = None):
    """Statistics of the ledger for a period: the 统计表 layout, the named cells to fill, the message."""
    from toolkit.ledger_book import build_ledger as build
    from toolkit.stats import (CONSULTATION_SHEET, build_report, default_catalog, default_period,
                               parse_consultations, plan_template, template_values, undated_findings)

    settings = settings or {}
    catalog = default_catalog()
    ledger = build(sheets, choose_ledger_sheet(sheets, active) if active != PREVIOUS_LEDGER_SHEET else None, file=file)
    findings = list(ledger.findings)
    for part in ledger.pieces:
        findings += undated_findings(part_view(ledger, part).cases, part.sheet, file, part.label("指派日期"))
    by_name = {s.name: s for s in sheets}
    consultations = parse_consultations(by_name[CONSULTATION_SHEET], file) if CONSULTATION_SHEET in by_name else None
    if consultations is not None:
        findings += consultations.findings
    previous = None
    if PREVIOUS_LEDGER_SHEET in by_name:
        previous_ledger = build(sheets, PREVIOUS_LEDGER_SHEET, file=file)
        previous = previous_ledger.cases
        findings += previous_ledger.findings
    if "period" in settings:
        value, where = settings["period"]
        try:
            period = period_value(value)
        except ValueError as exc:
            raise _setting_error(f"{exc}。", where) from None
    else:
        period = default_period(ledger.cases["指派日期"]) if len(ledger.cases) else None
        if period is None:
            raise InputError(f"台账中没有可用的指派日期，无法确定统计期间：请在“{SETTINGS_SHEET}”工作表中填写"
                             "“统计期间”（如 2023、2023Q1、2023-03）。", sheet=ledger.sheet)
    report = build_report(ledger.cases, consultations.frame if consultations is not None else None, period,
                          previous, None, findings, catalog)
    fill = plan_template([], defined or {}, template_values(report), file, catalog)
    layout = statistics_layout(report, catalog, excluded=len(ledger.excluded))
    v = report.values
    lines = [f"统计表已填写（{report.period.label}，按指派日期归属）：案件 {v.get('cases.total', 0)} 件，"
             f"法律帮助 {v.get('help.total', 0)} 件，受援人次 {v.get('persons.total', 0)}。见“{STATS_SHEET}”工作表。"]
    if fill.cells:
        lines.append(f"另按名称填写了 {sum(len(c) for c in fill.cells.values())} 个单元格。")
    if previous is None:
        lines.append(f"未做同比：如需上年同期对比，把上年台账复制到名为“{PREVIOUS_LEDGER_SHEET}”的工作表。")
    if report.findings:
        errors = sum(f.severity == ERROR for f in report.findings)
        lines.append(f"发现 {len(report.findings)} 个问题（错误 {errors} 个，错误行未计入统计），列在统计表下方。")
    return layout, fill, "\n".join(lines)


def statistics_layout(report, catalog, excluded: int = 0) -> Layout:
    """The 统计表 sheet: one row per statistics key with this period, last year and the change; findings below."""
    from toolkit.commands.stats import BASIS_NOTE, stats_rows
    from toolkit.stats import change

    period = report.period
    layout = Layout(STATS_SHEET, widths={1: 16, 2: 30, 3: 20, 4: 6, 5: 13, 6: 13, 7: 13, 8: 13})
    layout.add(Cell(f"法律援助工作统计表（{period.label}）", "title"))
    layout.merges.append((1, 1, 1, 8))
    last = period.same_period_last_year()
    layout.add(Cell(f"统计期间：{period.label}；上年同期：{last.label}"
                    + ("" if report.previous is not None else "（未提供上年台账，未做同比）"), "note"))
    layout.merges.append((2, 1, 2, 8))
    layout.add(Cell(BASIS_NOTE, "note"))
    layout.merges.append((3, 1, 3, 8))
    layout.add(*(Cell(h, "header") for h in ("类别", "项目", "统计键", "单位", "本期", "上年同期", "增减", "增减率(%)")))
    for key, first, _ in stats_rows(catalog):
        spec = catalog.spec(key)
        current, previous = report.values.get(key), (report.previous or {}).get(key)
        diff, pct = change(current, previous)
        tag = "money" if spec.is_money else "count"
        layout.add(Cell(spec.section if first + 1 == len(layout.rows) + 1 else None), Cell(spec.name),
                   Cell(key, "note"), Cell(spec.unit), Cell(current, tag), Cell(previous, tag), Cell(diff, tag),
                   Cell(pct, "ratio"))
    layout.blank()
    layout.add(Cell(f"校验结果：{len(report.findings)} 个问题；因错误未计入统计的台账行 {excluded} 行。", "section"))
    for f in report.findings[:MAX_LISTED_FINDINGS]:
        layout.add(Cell(f.severity_label, "error" if f.severity == ERROR else "warning"), Cell(f.location()),
                   Cell(f.message))
    if len(report.findings) > MAX_LISTED_FINDINGS:
        layout.add(Cell(f"…… 另有 {len(report.findings) - MAX_LISTED_FINDINGS} 个问题，可用命令 legalaid stats 查看全部。",
                        "note"))
    return layout


def fill_statistics(book) -> str:
    """填写统计表: the toolkit's 统计表 sheet (and cells named after statistics keys), and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(STATS_SHEET, SUMMARY_SHEET))
    settings = read_settings(sheets, named_values(book))
    set_status(book, f"{TITLE}：正在统计……")
    active = _active_sheet(book)
    layout, fill, message = statistics_plan(sheets, settings, named_cells(book), active, file=book.name)
    set_status(book, f"{TITLE}：正在写入结果……")
    write_layout(book, layout)
    for sheet_name, cells in fill.cells.items():
        sheet = book.sheets[sheet_name]
        for (r0, c0), value in cells.items():
            sheet.range((r0 + 1, c0 + 1)).value = cell_out(value)
    if active and active != STATS_SHEET:
        book.sheets[active].activate()
    return message


# ---------------------------------------------------------------- validate_budget

RESULT_SHEET = "校验结果"
RESULT_WIDTHS = {1: 10, 2: 22, 3: 30, 4: 14, 5: 14, 6: 14, 7: 90}


def _comparable(rows: list[list]) -> list[list]:
    import datetime as dt

    out = []
    for row in rows:
        line = []
        for v in row:
            if isinstance(v, dt.datetime) and v.time() == dt.time():
                v = v.date()
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                v = float(v)
            elif isinstance(v, str):
                v = v.strip() or None
            line.append(v)
        while line and line[-1] is None:
            line.pop()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def formats_if_unchanged(path, sheets: list[RawSheet]) -> dict:
    """Shown decimals, percent formats and indentation from the saved file, for the sheets whose saved values are
    exactly the open ones (desktop Excel: the remote object model cannot read formats; a stale file is not used)."""
    from pathlib import Path

    from toolkit.commands.validate import read_formats
    from toolkit.io.excel_read import read_workbook

    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        saved = {s.name: s.rows for s in read_workbook(path)}
    except InputError:
        return {}
    same = [s.name for s in sheets if s.name in saved and _comparable(saved[s.name]) == _comparable(s.rows)]
    return read_formats(path, same) if same else {}


def budget_plan(sheets: list[RawSheet], file: str | None = None, formats: dict | None = None,
                unit=None) -> tuple[Layout, str]:
    """Check the budget / final-accounts tables of the workbook: the 校验结果 sheet and the message.

    `formats` ({sheet: {(row0, col0): CellFormat}}) gives shown decimals and indentation where they are known;
    `unit` is the template's 金额单位 selector (LA_AmountUnit), used for sheets that declare no unit themselves."""
    from toolkit.budget import ERROR as BUDGET_ERROR
    from toolkit.budget import RULES_SHEET, SheetInput, check_workbook, read_tables, unchecked_sheets
    from toolkit.budget_table import UNIT_SCALE, normalize
    from toolkit.budget_user_rules import rules_from_sheet
    from toolkit.commands.validate import result_rows

    formats = formats or {}
    unit = clean_text(unit) if unit is not None else None
    if unit and unit not in UNIT_SCALE:
        raise InputError(f"“金额单位”单元格（名称 LA_AmountUnit）只能填“元”或“万元”，现为“{unit}”。", file=file)
    inputs = [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {}), unit or None) for s in sheets
              if normalize(s.name) != RESULT_SHEET]
    rule_lines = []
    for s in inputs:
        if normalize(s.name) == RULES_SHEET:
            rule_lines += rules_from_sheet(s.rows, s.name)
    if not read_tables(inputs):
        raise InputError("没有找到可校验的预算/决算表：表头中需要有“项目”“科目名称”或“名称”列，右侧为金额列。", file=file)
    findings = check_workbook(inputs, rule_lines)
    idle = unchecked_sheets(inputs)
    rows, _ = result_rows(findings, [s.name for s in sheets], idle)
    layout = Layout(RESULT_SHEET, widths=dict(RESULT_WIDTHS), freeze_rows=1)
    layout.add(*(Cell(h, "header") for h in rows[0]))
    for f, row in zip(findings, rows[1:]):
        tag = "error" if f.severity == BUDGET_ERROR else "warning"
        layout.add(Cell(row[0], tag), *(Cell(v) for v in row[1:]))
    if not findings:
        layout.add(*(Cell(v) for v in rows[1]))
    for row in rows[1 + max(len(findings), 1):]:        # sheets left unchecked, with the reason
        layout.add(Cell(row[0], "warning"), *(Cell(v) for v in row[1:]))
    errors = sum(f.severity == BUDGET_ERROR for f in findings)
    if findings:
        message = (f"预算校验完成：发现 {errors} 个错误、{len(findings) - errors} 个警告，逐条列在“{RESULT_SHEET}”工作表"
                   "（位置列为 工作表!单元格）。原表未作任何改动。")
    else:
        message = "预算校验完成：全部校验通过，未发现错误或警告。"
    if idle:
        message += "\n未校验的工作表：" + "、".join(f"“{u['sheet']}”" for u in idle) + f"（原因见“{RESULT_SHEET}”工作表）。"
    unformatted = [s.name for s in inputs if not s.formats and s.name in {b.sheet for b in read_tables(inputs)}]
    if unformatted:
        message += ("\n注意：未能读取" + "、".join(f"“{n}”" for n in unformatted) + "的数字格式和缩进"
                    "（Excel 网页版不提供；桌面版请先保存工作簿），容差按数值本身的小数位计算，仅靠缩进表示的层级无法识别。")
    return layout, message


def validate_budget(book) -> str:
    """校验预算: every identity, share, unit and user rule of the budget tables; the 校验结果 sheet and a message."""
    set_status(book, f"{TITLE}：正在读取工作簿……")
    sheets = read_sheets(book, skip=(RESULT_SHEET,))
    formats = {} if book.app.engine.name == "remote" else formats_if_unchanged(book.fullname, sheets)
    unit = named_values(book, {"LA_AmountUnit": "unit"}).get("LA_AmountUnit")
    set_status(book, f"{TITLE}：正在校验……")
    layout, message = budget_plan(sheets, file=book.name, formats=formats, unit=unit)
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != RESULT_SHEET:
        book.sheets[active].activate()
    return message


# ---------------------------------------------------------------- reformat_returns

FOLDER_NAMES = {"LA_InputFolder": "输入文件夹", "LA_OutputFolder": "输出文件夹"}
FOLDER_SETTINGS = {"LA_InputFolder": "input_folder", "LA_OutputFolder": "output_folder"}
RETURNS_LOG_SHEET = "整理结果"


def returns_plan(in_dir: str, out_dir: str) -> tuple[Layout, str]:
    """Run `legalaid reformat` on the folders; the 整理结果 sheet (one row per file) and the message."""
    import contextlib
    import io
    import json
    from argparse import Namespace

    from toolkit.commands import reformat
    from toolkit.returns import FAILED, STATUS_LABEL, WARNED

    args = Namespace(in_dir=in_dir, out_dir=out_dir, template=None, aliases=None, items=None, jobs=1, json=True,
                     show_id=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        reformat.run(args)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    layout = Layout(RETURNS_LOG_SHEET, widths={1: 40, 2: 10, 3: 8, 4: 14, 5: 90})
    layout.add(*(Cell(h, "header") for h in ("文件", "结果", "行数", "期间", "说明")))
    for r in report["files_detail"]:
        tag = {FAILED: "error", WARNED: "warning"}.get(r["status"], "text")
        layout.add(Cell(r["file"]), Cell(STATUS_LABEL.get(r["status"], r["status"]), tag), Cell(r["rows"], "count"),
                   Cell(r.get("period")), Cell(" ".join(r["messages"])))
    stats = (f"统计报表 {report['stat_forms']} 份，已逐项汇总到 {reformat.STATS_FILE}；"
             if report.get("stat_forms") else "")
    message = (f"月报整理完成：共 {report['files']} 个文件，正常 {report['ok']} 个，有警告 {report['warnings']} 个，"
               f"失败 {report['failed']} 个；{stats}案件清单汇总数据 {report['rows']} 行。结果在“{out_dir}”，"
               f"逐个文件的情况见“{RETURNS_LOG_SHEET}”工作表。原文件未作任何改动。")
    return layout, message


def reformat_returns(book) -> str:
    """整理月报: the returns of a folder into the standard template (desktop Excel only: it reads folders)."""
    if book.app.engine.name == "remote":
        return ("整理月报需要读取本机文件夹，只能在 Windows 或 Mac 的桌面版 Excel 中使用；"
                "在 Excel 网页版中请改用命令 legalaid reformat 输入文件夹 -o 输出文件夹。")
    folders = returns_folders(book)
    set_status(book, f"{TITLE}：正在整理月报……")
    layout, message = returns_plan(folders["LA_InputFolder"], folders["LA_OutputFolder"])
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != RETURNS_LOG_SHEET:
        book.sheets[active].activate()
    return message


# ---------------------------------------------------------------- 设置 and 帮助 (the add-in's ribbon)

def settings_plan(existing: RawSheet | None) -> tuple[list[list], int, str]:
    """The rows the 设置 button writes into the 参数 sheet, the 1-based row they start at, and the message.
    A new sheet gets a header and every setting; an existing one keeps its rows and gets only the missing labels."""
    present = set()
    if existing is not None:
        present = {compact(row[0]) for row in existing.rows if row}
    missing = [(label, job, note) for label, job, note in SETTING_HELP if label not in present]
    rows = [] if existing is not None else [["设置", "值", "说明（留空即用默认值）"]]
    rows += [[label, None, f"{job}：{note}"] for label, job, note in missing]
    start = 1 if existing is None else len(existing.rows) + 1
    where = (f"设置保存在本工作簿的“{SETTINGS_SHEET}”工作表中（A 列名称，B 列填值，C 列是说明），"
             "随工作簿一起保存；.xlsx 工作簿照常保存即可，不需要另存为 .xlsm。")
    if existing is None:
        message = f"已新建“{SETTINGS_SHEET}”工作表。" + where
    elif missing:
        message = (f"已打开“{SETTINGS_SHEET}”工作表，并在末尾补上 {len(missing)} 个设置项："
                   + "、".join(m[0] for m in missing) + "。原有内容未改动。" + where)
    else:
        message = f"已打开“{SETTINGS_SHEET}”工作表。" + where
    return rows, start, message


def open_settings(book) -> str:
    """设置: open the 参数 sheet of the active workbook, creating it (or its missing rows) with the settings explained."""
    names = [s.name for s in book.sheets]
    existing = read_sheet(book.sheets[SETTINGS_SHEET]) if SETTINGS_SHEET in names else None
    rows, start, message = settings_plan(existing)
    if existing is None:
        sheet = book.sheets.add(SETTINGS_SHEET, after=book.sheets[len(names) - 1])
    else:
        sheet = book.sheets[SETTINGS_SHEET]
    if rows:
        end = start + len(rows) - 1
        sheet.range((start, 2), (end, 2)).number_format = "@"   # 2023-03 stays text, not a date
        sheet.range((start, 1)).value = grid(rows, 3)
        if existing is None:
            header = sheet.range((1, 1), (1, 3))
            header.font.bold = True
            header.color = "#D9E1F2"
            for col, width in ((1, 14), (2, 24), (3, 90)):
                sheet.range((1, col)).column_width = width
        sheet.range((start if existing is not None else 2, 2), (end, 2)).color = "#FFF2CC"
    sheet.activate()
    return message


HELP_TEXT = "\n".join([
    "法援工具箱：在当前打开的工作簿上运行，只写入工具箱自己的列和工作表，不改动您的数据；再按一次结果相同。",
    "· 计算补贴：台账右侧增加 补贴下限、补贴上限、补贴金额(计算)、计算依据、校验提示 五列，另建“补贴汇总”工作表。",
    "· 填写统计表：按指派日期统计，写入“统计表”工作表（上年同期：把上年台账复制到“上年台账”工作表）。",
    "· 校验预算：检查预算/决算表，问题列在“校验结果”工作表，原表不动。",
    "· 生成自评报告：起草《部门整体支出绩效自评报告》，写入“自评报告草稿”工作表。",
    "· 整理月报：把“参数”表中“输入文件夹”的月报整理到“输出文件夹”。",
    "· 设置：打开“参数”工作表（补贴水平、专项经费、统计期间等）。",
    "· 导入函数（仅 Windows，一次即可）：之后在任何工作簿中可输入 =LA_SUBSIDY(\"刑事\",\"审判\") 等函数。",
    "出现“未完成”的提示时，按提示修改表格后再按一次。详细说明见工具箱文件夹中的 README.md，"
    "或在命令行运行 legalaid -h。",
])


def show_help(book) -> str:
    """帮助: what each ribbon button does and where it writes (nothing in the workbook changes)."""
    return HELP_TEXT


MESSAGES = {
    "functions_imported": "已把 LA_ 工作表函数导入法援工具箱加载项：现在可以在任何工作簿的单元格中输入 =LA_SUBSIDY(\"刑事\",\"审判\") "
                          "等函数（函数向导 fx 的“法律援助”类别中有全部函数及中文说明）。重新安装加载项后需再点一次“导入函数”。",
    "vba_access_not_trusted": "无法导入函数：Excel 不允许访问 VBA 工程。请点 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，"
                              "勾选“信任对 VBA 工程对象模型的访问”，确定后再点“导入函数”。",
    "functions_need_windows": "LA_ 工作表函数只能在 Windows 版 Excel 中导入；Mac 上的按钮照常可用，函数请用 Excel 网页版"
                              "（xlwings Server 或 xlwings Lite，见 README）。",
}


def show_message(key: str) -> str:
    """Show one of MESSAGES (the add-in's VBA has only ASCII: its Chinese texts live here) and return it."""
    import xlwings as xw

    message = MESSAGES.get(key, key)
    alert(xw.Book.caller(), message, TITLE)
    return message


# ---------------------------------------------------------------- dispatch

JOB_TITLES = {
    "compute_subsidy": "计算补贴",
    "validate_budget": "校验预算",
    "fill_statistics": "填写统计表",
    "reformat_returns": "整理月报",
    "draft_report": "生成自评报告",
    "open_settings": "设置",
    "show_help": "帮助",
}
JOBS = {
    "compute_subsidy": compute_subsidy,
    "validate_budget": validate_budget,
    "fill_statistics": fill_statistics,
    "reformat_returns": reformat_returns,
    "draft_report": draft_report_job,
    "open_settings": open_settings,
    "show_help": show_help,
}


def run_job(job: str, book) -> str:
    """Run one button's job on an open workbook; every outcome ends in one Chinese message, shown and returned."""
    title = JOB_TITLES.get(job, job)
    try:
        if job not in JOBS:
            message = f"未知的功能“{job}”。可用：{'、'.join(JOB_TITLES.values())}。"
        else:
            message = JOBS[job](book)
    except BaseException as exc:  # the one error boundary (toolkit.errors): never a traceback for the user
        if not (isinstance(exc, Exception) or is_panic(exc)):
            raise
        message = f"“{title}”未完成：{describe_failure(exc)[0]}"
    finally:
        set_status(book, None)
    alert(book, message, f"{TITLE} · {title}")
    return message


def run_from_excel(job: str) -> None:
    """Entry point of the workbook buttons (VBA: RunPython "...; b.run_from_excel('compute_subsidy')")."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        book.app.screen_updating = False          # desktop Excel repaints after every write otherwise
    except Exception:
        pass
    try:
        run_job(job, book)
    finally:
        try:
            book.app.screen_updating = True
        except Exception:
            pass
