"""`legalaid report`: draft the 绩效自评报告 as .docx from the budget workbook, the ledger and the 绩效目标.

Thin shell: the workbooks are read here, their figures by toolkit.report.inputs (budget, statistics, subsidy and
evaluation cores), the draft decided by toolkit.report.job / toolkit.report.draft and written by toolkit.io.docx.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.io.cell_formats import read_formats
from toolkit.io.docx import write_docx
from toolkit.io.excel_read import read_workbook
from toolkit.report.figures import KIND_LABEL
from toolkit.report.inputs import BudgetBook, LedgerFigures, budget_from_sheets, ledger_figures, targets_from_sheets
from toolkit.report.job import parse_report_settings, run_report
from toolkit.stats.evaluation import TARGETS_SHEET, Targets

NAME = "report"
HELP = "根据预算表和案件台账起草《部门整体支出绩效自评报告》（.docx），所有数字自动计算填入。"



# ---------------------------------------------------------------- reading the workbooks

def read_budget(path: str | Path) -> BudgetBook:
    """The budget workbook: its tables read and checked by the budget core (toolkit.budget.workbook)."""
    path = Path(path)
    sheets = read_workbook(path)
    return budget_from_sheets(sheets, path.name, read_formats(path, [s.name for s in sheets]))


def read_ledger(path: str | Path, year: int | None = None) -> LedgerFigures:
    """Statistics of the report year and the minimum-standard subsidy total from a case ledger workbook."""
    path = Path(path)
    return ledger_figures(read_workbook(path), path.name, year)


def read_targets(path: str | Path) -> Targets:
    """The 绩效目标 sheet of a workbook (the sheet of that name, else the first with an indicator header)."""
    path = Path(path)
    targets = targets_from_sheets(read_workbook(path), path.name)
    if targets is None:
        raise InputError("没有找到绩效目标表：表头应包含“三级指标”“年度指标值”“实际完成值”“分值”。", file=path.name)
    return targets


# ---------------------------------------------------------------- commands

def add_arguments(parser) -> None:
    parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿（.xlsx/.xls/.csv），用于案件数、受援人次、特殊群体、挽回损失、咨询（“咨询登记”表）和办案补贴测算，按报告年度统计")
    parser.add_argument("--budget", metavar="预算表", required=True, help="预算/决算工作簿（与 legalaid validate 相同的读法，如收入支出决算总表、基本支出决算表、“三公”经费表；注明“单位：万元”或“单位：元”）")
    parser.add_argument("--targets", metavar="指标表", help="绩效目标工作簿（与 legalaid stats 相同：三级指标、目标值、分值，可选统计键、实际完成值和年初预算数/全年预算数/全年执行数；默认用台账工作簿中的“绩效目标”表）")
    parser.add_argument("--year", type=int, metavar="年度", help="报告年度，如 2023（默认取预算表标题中的年份）")
    parser.add_argument("--fund", metavar="金额", help="法律援助专项经费，如 46万（默认取预算表中的“法律援助专项经费”，"
                        "没有时取“项目支出”，草稿中注明取自哪一行）")
    parser.add_argument("--centre", metavar="单位名称", help="单位名称（默认取预算表标题中的“……法律援助中心”）")
    parser.add_argument("--template", metavar="模板", help="Word 模板（.docx），使用其中的样式：Title、Heading 1、Heading 2、Normal、待填写")
    parser.add_argument("-o", "--output", metavar="输出", help="输出的 .docx 文件（默认：预算表同目录下“绩效自评报告草稿.docx”）")


def report_inputs(budget_path, ledger_path=None, targets_path=None, year: int | None = None):
    """The budget book, the ledger's figures for the report year and the 绩效目标 (the --targets workbook, else a
    绩效目标 sheet in the ledger workbook), read from files."""
    budget = read_budget(budget_path)
    year = year or budget.year
    ledger = targets = None
    if ledger_path:
        ledger_path = Path(ledger_path)
        sheets = read_workbook(ledger_path)
        ledger = ledger_figures(sheets, ledger_path.name, year)
        if not targets_path and any(s.name == TARGETS_SHEET for s in sheets):
            targets = targets_from_sheets(sheets, ledger_path.name)
    if targets_path:
        targets = read_targets(targets_path)
        if _is_template(targets_path):
            print(f"注意：指标表“{Path(targets_path).name}”是模板（含 {{{{…}}}} 占位），其中的目标值和年初预算数、全年预算数、"
                  "全年执行数是示例数字，请换成本单位的绩效目标（如 workbooks/示例绩效目标.xlsx 的格式）。")
    return budget, ledger, targets


def _is_template(path) -> bool:
    """A workbook still holding {{key}} placeholders: the shipped 绩效自评表模板, not a centre's targets."""
    return any(isinstance(v, str) and "{{" in v for s in read_workbook(Path(path)) for row in s.rows for v in row)


def run(args) -> int:
    settings = parse_report_settings({"year": args.year, "centre": args.centre, "fund": getattr(args, "fund", None)},
                                     {"fund": "--fund"})
    budget, ledger, targets = report_inputs(args.budget, args.ledger, args.targets, settings.year)
    outcome = run_report(budget, ledger, targets, settings)
    output = Path(args.output) if args.output else Path(args.budget).with_name("绩效自评报告草稿.docx")
    if output.suffix.lower() != ".docx":
        raise InputError("输出文件应以 .docx 结尾。", file=output.name)
    inputs = {Path(p).resolve() for p in (args.budget, args.ledger, args.targets, args.template) if p}
    if output.resolve() in inputs:
        raise InputError("输出文件不能与输入文件相同。", file=output.name)
    write_docx(outcome.blocks, output, args.template)
    if ledger and ledger.excluded_rows:
        print(f"注意：台账“{ledger.file}”第{outcome.excluded_rows_text()}行有错误，未计入报告中的案件数和金额"
              f"（用 legalaid subsidy 查看错误说明）。")
    for note in budget.notes:    # formulas never calculated: those cells were not read (the draft leaves them to fill)
        print(f"注意：{note}")
    if budget.errors:
        print(f"注意：预算表“{budget.file}”校验发现 {len(budget.errors)} 处错误，报告中取自预算表的金额可能有误，"
              f"草稿开头已注明（用 legalaid validate 查看详情）。")
    own = outcome.own
    print(f"已生成报告草稿：{output}")
    print(f"共写入数字 {len(own.figures)} 个；需人工填写的位置 {outcome.todo} 处（以“【待填写】”标出，黄色底纹）。")
    if own.findings:  # the inputs themselves disagree (e.g. parts that do not add up in the budget table)
        print(f"注意：草稿自检发现 {len(own.findings)} 处数字不一致，源自输入表格本身：")
        _print_findings(own.findings)
    # README: 1 = finished, but the inputs have data errors
    return 1 if budget.errors or (ledger and ledger.excluded_rows) or own.findings else 0


def _print_findings(findings) -> None:
    for n, f in enumerate(findings, 1):
        print(f"{n}. 【{KIND_LABEL.get(f.kind, f.kind)}】{f.message}")
        print(f"   原句：{f.sentence}")
        expected = "按分项之和" if f.kind == "breakdown" else "应为"
        print(f"   文中：{f.stated}    {expected}：{f.expected}")
