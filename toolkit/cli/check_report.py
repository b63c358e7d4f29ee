"""`legalaid check-report`: check a written report's figures against each other, its own tables and the workbooks.

Thin shell: the report is read (a .docx's paragraphs and tables in document order, a table as tab-separated lines;
or a .txt/.md), the workbooks by the same readers as `legalaid report`, the case counts under each counting basis by
the statistics core (toolkit.report.bases); toolkit.report.check finds the disagreements.
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.base.errors import InputError

NAME = "check-report"
HELP = "检查已写好的自评报告或决算情况说明：文中金额、占比、件数、年份、变动率，文中表格，以及与预算表、台账是否一致。"



def add_arguments(parser) -> None:
    parser.add_argument("report", metavar="报告", help="要检查的报告（.docx、.txt 或 .md）；文中的表格（Word 表格或粘贴为文字的表格）一并核对")
    parser.add_argument("--budget", metavar="预算表", help="预算/决算工作簿，文中金额与表中同名项目逐一核对")
    parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿，文中案件数按各统计口径（案件、案件＋法律帮助、受援人次；按指派日期或结案日期）与台账核对")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出：{\"figures\": 数字个数, \"findings\": [...]}")


def read_report(path: str | Path) -> str:
    """The report's text: a .docx's paragraphs and tables in document order (each table row as one line of
    tab-separated cells, merged cells once), or a .txt/.md as `legalaid report` reads it."""
    from toolkit.io.docx import open_docx, read_report_text
    path = Path(path)
    if path.suffix.lower() != ".docx" or not path.exists():
        return read_report_text(path)
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    doc = open_docx(path)
    lines = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells))
    text = "\n".join(lines)
    if not text.strip():
        raise InputError("文档中没有文字，没有可检查的内容。", file=path.name)
    return text


def ledger_inputs(ledger_path, year):
    """The ledger's figures for the report year and its cases (read once)."""
    from toolkit.io.excel_read import read_workbook
    from toolkit.ledger.book import build_ledger
    from toolkit.report.inputs import ledger_figures
    path = Path(ledger_path)
    sheets = read_workbook(path)
    return ledger_figures(sheets, path.name, year), build_ledger(sheets, file=path.name).cases


def run(args) -> int:
    from toolkit.base.findings import WARNING
    from toolkit.cli.report import read_budget
    from toolkit.report.check import check_report, extract_figures, report_year_of
    from toolkit.report.figures import KIND_LABEL
    from toolkit.report.job import check_values
    text = read_report(args.report)
    budget = read_budget(args.budget) if args.budget else None
    year = report_year_of(extract_figures(text)) or (budget.year if budget else None)   # the report's own year
    ledger, cases = ledger_inputs(args.ledger, year) if args.ledger else (None, None)
    result = check_report(text, check_values(budget, ledger, cases, Path(args.ledger).name if args.ledger else None))
    errors = [f for f in result.findings if f.severity != WARNING]
    notes = budget.notes if budget else []       # cells set aside (formulas never calculated): said once
    if args.json:
        print(json.dumps({**result.to_dict(), **({"notes": notes} if notes else {})}, ensure_ascii=False, indent=2))
        return 1 if errors else 0
    warned = len(result.findings) - len(errors)
    print(f"{Path(args.report).name}：识别数字 {len(result.figures)} 个，发现不一致 {len(result.findings)} 处"
          + (f"（其中 {warned} 处为警告：按推测核对，请核实）。" if warned else "。"))
    if budget and budget.errors:
        print(f"注意：预算表“{budget.file}”本身校验发现 {len(budget.errors)} 处错误，与之相符的数字也可能有误"
              f"（用 legalaid validate 查看详情）。")
    for note in notes:
        print(f"注意：{note}")
    for n, f in enumerate(result.findings, 1):
        level = "警告·" if f.severity == WARNING else ""
        print(f"{n}. 【{level}{KIND_LABEL.get(f.kind, f.kind)}】{f.message}")
        print(f"   原句：{f.sentence}")
        expected = "按分项之和" if f.kind == "breakdown" and f.expected and not f.expected[0].isalpha() else "应为"
        print(f"   文中：{f.stated}    {expected}：{f.expected}")
    return 1 if errors else 0
