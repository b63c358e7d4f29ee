"""`legalaid validate BOOK`: check a budget / final-accounts workbook; list, annotate or print findings as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.budget.job import HEADER, UNCHECKED_LABEL, run_validate, sheet_rule_lines  # noqa: F401
from toolkit.budget.tables import normalize
from toolkit.budget.user_rules import RuleLine, rules_from_sheet, rules_from_text
from toolkit.budget.workbook import ERROR, RESULT_SHEET, RULES_SHEET, SheetInput
from toolkit.base.findings import WARNING
from toolkit.io.cell_formats import format_decimals, read_formats  # noqa: F401 (imported from here before)
from toolkit.io.excel_read import check_regular_file, decode_text, read_workbook, sheet_names
from toolkit.io.layout_writer import layout_to_sheet_spec
from toolkit.io.xls_copy import opened_xls, xls_copy_note

NAME = "validate"
HELP = "校验预算/决算表：合计、占比、单位（元/万元）、跨表一致、执行率及自定义规则"
HIGHLIGHT_FILL = {ERROR: "FFC7CE", WARNING: "FFEB9C"}


def add_arguments(parser):
    parser.add_argument("book", metavar="工作簿", help="预算/决算工作簿（.xlsx .xlsm .xls .ods）")
    parser.add_argument("--sheet", action="append", metavar="工作表", help="只校验指定工作表（可多次使用）")
    parser.add_argument("--rules", metavar="规则文件", help="自定义规则文件（文本，每行一条，如“基本支出 = 人员经费 + 公用经费”）")
    parser.add_argument("-o", "--output", metavar="输出.xlsx", help="输出带“校验结果”表和标注的副本（原文件不改动）")
    parser.add_argument("--json", action="store_true", help="以JSON格式输出结果")


def run(args) -> int:
    path = Path(args.book)
    with opened_xls(path) as xls_book:   # an .xls: its formats and its copy read from one opening
        sheets, names = load_sheets(path, args.sheet, xls_book)
        rule_lines = load_rule_lines(path, sheets, args.rules)
        loaded = {s.name for s in sheets}
        outcome = run_validate(sheets, rule_lines, file=path.name,
                               not_loaded=frozenset(n for n in names if n not in loaded))
        idle = outcome.unchecked
        if idle and not args.json:
            print("注意：以下工作表未校验：" + "；".join(f"“{u['sheet']}”（{u['reason']}）" for u in idle) + "。",
                  file=sys.stderr)
        written = write_annotated_copy(path, Path(args.output), outcome, xls_book) if args.output else None
    findings, errors, warnings = outcome.findings, outcome.errors, outcome.warnings
    if args.json:
        print(json.dumps({"errors": errors, "warnings": warnings, "findings": [f.to_json() for f in findings],
                          "unchecked_sheets": idle}, ensure_ascii=False, indent=2))
    else:
        print_findings(path, findings, errors, warnings, written)
    if written is not None and path.suffix.lower() == ".xls":
        print(xls_copy_note(path.name, written.name, "加标注"), file=sys.stderr if args.json else sys.stdout)
    return 1 if errors else 0


# ---------------------------------------------------------------- reading


def load_sheets(path: Path, wanted: list[str] | None, xls_book=None) -> tuple[list[SheetInput], list[str]]:
    """(the sheets to check (plus a 校验规则 sheet if there is one) with display formats where readable, the names of
    all sheets). Without `wanted` the workbook is read once, names and all; `xls_book`: an .xls opened for formats."""
    if wanted:
        names = sheet_names(path)
        chosen = list(wanted)
        missing = [n for n in chosen if n not in names]
        if missing:
            raise InputError(f"找不到工作表“{'、'.join(missing)}”。现有工作表：{'、'.join(names)}。", file=path.name)
        chosen += [n for n in names if normalize(n) == RULES_SHEET and n not in chosen]
        raw = read_workbook(path, chosen)
    else:
        raw = read_workbook(path)
        names = chosen = [s.name for s in raw]
    formats = read_formats(path, chosen, xls_book)
    sheets = [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {}), formula_zeros=s.formula_zeros,
                         formula_results=s.formula_results) for s in raw]
    if not any(any(v is not None for row in s.rows for v in row) for s in sheets
               if normalize(s.name) not in (RULES_SHEET, RESULT_SHEET)):
        raise InputError("工作簿中没有任何数据，无法校验。", file=path.name)
    return sheets, names


def load_rule_lines(path: Path, sheets: list[SheetInput], rules_file: str | None) -> list[RuleLine]:
    lines = sheet_rule_lines(sheets)
    if rules_file:
        rp = Path(rules_file)
        if not rp.exists():
            raise InputError("规则文件不存在，请检查路径。", file=rp.name)
        check_regular_file(rp, "规则文件")
        if rp.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            raw = read_workbook(rp)
            target = next((s for s in raw if normalize(s.name) == RULES_SHEET), raw[0])
            lines += rules_from_sheet(target.rows, f"{rp.name}")
        else:
            if rp.stat().st_size > 10 * 2**20:
                raise InputError("规则文件超过 10 MB，不像一份校验规则，请检查是否选错了文件。", file=rp.name)
            text = decode_text(rp.read_bytes())
            if text is None:
                raise InputError("无法识别规则文件的编码（请保存为 UTF-8 文本）。", file=rp.name)
            lines += rules_from_text(text, rp.name)
    return lines


# ---------------------------------------------------------------- output


def write_annotated_copy(src: Path, out: Path, outcome, xls_book=None) -> Path:
    """OUT = a copy of BOOK with a 校验结果 sheet and the offending cells highlighted with a comment; returns the
    file written. An .xls is first carried into a new .xlsx (values, merges, formats; `xls_book` if already opened)
    — an .xls cannot be patched — and an OUT ending in .xls is written as .xlsx beside it."""
    xls = src.suffix.lower() == ".xls"
    if xls and out.suffix.lower() == ".xls":
        out = out.with_suffix(".xlsx")
    if out.resolve() == src.resolve():
        raise InputError("输出文件不能与输入文件相同（原文件不会被修改），请换一个文件名。", file=out.name)
    if src.suffix.lower() not in (".xlsx", ".xlsm", ".xls") or out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("只能为 .xlsx/.xlsm/.xls 工作簿生成带标注的副本，输出文件须为 .xlsx（可先在Excel中另存为 .xlsx）。",
                         file=src.name if src.suffix.lower() not in (".xlsx", ".xlsm", ".xls") else out.name)
    from toolkit.io.atomic import temp_dir
    from toolkit.io.xlsx.patch import XlsxPatch

    out.parent.mkdir(parents=True, exist_ok=True)
    with temp_dir(out.parent) as tmp:
        source = src
        if xls:
            from toolkit.io.xls_copy import xls_to_xlsx

            source = Path(tmp) / "copy.xlsx"
            xls_to_xlsx(src, source, xls_book)   # InputError in Chinese if it cannot be carried
        with XlsxPatch(source) as p:
            p.clear_highlights()
            for mark in outcome.marks:
                p.highlight(mark.sheet, mark.cell, comment=mark.comment, fill=HIGHLIGHT_FILL[mark.severity])
            p.add_sheet(layout_to_sheet_spec(outcome.layout), replace=True)
            p.save(out)
    return out


def print_findings(path: Path, findings, errors, warnings, output):
    if not findings:
        print(f"“{path.name}”校验通过：未发现错误或警告。")
    else:
        print(f"“{path.name}”：发现 {errors} 个错误、{warnings} 个警告。")
        for f in findings:
            print(f"[{f.severity_label}] {f.sheet}!{f.cell}  {f.message}")
    if output:
        print(f"已生成带标注的副本：{output}")
    sys.stdout.flush()
