"""`legalaid validate BOOK`: check a budget / final-accounts workbook; list, annotate or print findings as JSON."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from toolkit.budget import (ERROR, RESULT_SHEET, RULES_SHEET, WARNING, BudgetFinding, SheetInput,
                            check_workbook, fmt, read_tables, unchecked_sheets)
from toolkit.budget_table import CellFormat, normalize
from toolkit.budget_user_rules import RuleLine, rules_from_sheet, rules_from_text
from toolkit.errors import InputError
from toolkit.io.excel_read import check_regular_file, decode_text, read_workbook, sheet_names

NAME = "validate"
HELP = "校验预算/决算表：合计、占比、单位（元/万元）、跨表一致、执行率及自定义规则"
HIGHLIGHT_FILL = {ERROR: "FFC7CE", WARNING: "FFEB9C"}
HEADER = ["严重程度", "位置", "规则", "期望值", "实际值", "差额", "说明"]


def add_arguments(parser):
    parser.add_argument("book", metavar="工作簿", help="预算/决算工作簿（.xlsx .xlsm .xls .ods）")
    parser.add_argument("--sheet", action="append", metavar="工作表", help="只校验指定工作表（可多次使用）")
    parser.add_argument("--rules", metavar="规则文件", help="自定义规则文件（文本，每行一条，如“基本支出 = 人员经费 + 公用经费”）")
    parser.add_argument("-o", "--output", metavar="输出.xlsx", help="输出带“校验结果”表和标注的副本（原文件不改动）")
    parser.add_argument("--json", action="store_true", help="以JSON格式输出结果")


def run(args) -> int:
    path = Path(args.book)
    sheets = load_sheets(path, args.sheet)
    rule_lines = load_rule_lines(path, sheets, args.rules)
    tables = read_tables(sheets)
    if not tables:
        raise InputError("没有找到可校验的预算/决算表：表头中需要有“项目”“科目名称”或“名称”列，右侧为金额列。",
                         file=path.name)
    idle = unchecked_sheets(sheets, tables)
    if idle and not args.json:
        print("注意：以下工作表未校验：" + "；".join(f"“{u['sheet']}”（{u['reason']}）" for u in idle) + "。",
              file=sys.stderr)
    loaded = {s.name for s in sheets}
    findings = check_workbook(sheets, rule_lines, not_loaded=frozenset(n for n in sheet_names(path) if n not in loaded))
    if args.output:
        write_annotated_copy(path, Path(args.output), findings, [s.name for s in sheets], idle)
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if args.json:
        print(json.dumps({"errors": errors, "warnings": warnings, "findings": [f.to_json() for f in findings],
                          "unchecked_sheets": idle}, ensure_ascii=False, indent=2))
    else:
        print_findings(path, findings, errors, warnings, args.output)
    return 1 if errors else 0


# ---------------------------------------------------------------- reading


def load_sheets(path: Path, wanted: list[str] | None) -> list[SheetInput]:
    """The sheets to check (plus a 校验规则 sheet if there is one), with display formats where readable."""
    names = sheet_names(path)
    chosen = names if not wanted else list(wanted)
    missing = [n for n in chosen if n not in names]
    if missing:
        raise InputError(f"找不到工作表“{'、'.join(missing)}”。现有工作表：{'、'.join(names)}。", file=path.name)
    if wanted:
        chosen += [n for n in names if normalize(n) == RULES_SHEET and n not in chosen]
    raw = read_workbook(path, chosen)
    formats = read_formats(path, chosen)
    sheets = [SheetInput(s.name, s.rows, s.merged, formats.get(s.name, {})) for s in raw]
    if not any(any(v is not None for row in s.rows for v in row) for s in sheets
               if normalize(s.name) not in (RULES_SHEET, RESULT_SHEET)):
        raise InputError("工作簿中没有任何数据，无法校验。", file=path.name)
    return sheets


_DECIMALS_RE = re.compile(r"\.([0#?]+)")


def format_decimals(number_format: str | None) -> tuple[int | None, bool]:
    """(decimals shown, percent) of an Excel number format; (None, False) for General / text."""
    if not number_format or number_format.lower() in ("general", "@"):
        return None, False
    section = number_format.split(";")[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", section)
    m = _DECIMALS_RE.search(section)
    if not re.search(r"[0#?]", section):
        return None, False
    return (len(m.group(1)) if m else 0), "%" in section


def read_formats(path: Path, names: list[str]) -> dict[str, dict[tuple[int, int], CellFormat]]:
    """Shown decimals, percent formats and indentation of numeric / label cells (xlsx/xlsm only)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        import openpyxl
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # calamine could read it; without formats the values' own decimals are used
        return {}
    out = {}
    try:
        for name in names:
            if name not in wb.sheetnames:
                continue
            ws = wb[name]
            cells = {}
            try:
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.value is None:
                            continue
                        decimals, percent = format_decimals(cell.number_format)
                        indent = int(cell.alignment.indent or 0) if cell.alignment is not None else 0
                        if decimals is not None or percent or indent:
                            cells[(cell.row - 1, cell.column - 1)] = CellFormat(decimals, percent, indent)
            except Exception:   # a part openpyxl cannot parse (the values were read): no formats for this sheet
                cells = {}
            out[name] = cells
    finally:
        wb.close()
    return out


def load_rule_lines(path: Path, sheets: list[SheetInput], rules_file: str | None) -> list[RuleLine]:
    lines = []
    for s in sheets:
        if normalize(s.name) == RULES_SHEET:
            lines += rules_from_sheet(s.rows, s.name)
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


UNCHECKED_LABEL = "未校验"


def result_rows(findings: list[BudgetFinding], sheet_names_: list[str], unchecked: list[dict] | None = None):
    """Rows of the 校验结果 sheet and the hyperlinks of its 位置 column; sheets left unchecked are listed last."""
    rows = [HEADER]
    links = {}
    for i, f in enumerate(findings, start=2):
        rows.append([f.severity_label, f"{f.sheet}!{f.cell}", f.rule, _num(f.expected), _num(f.actual),
                     _num(f.difference), f.message])
        if f.sheet in sheet_names_:
            links[f"B{i}"] = f"'{f.sheet}'!{f.cell}"
    if not findings:
        rows.append(["", "", "未发现问题", "", "", "", "全部校验通过。" if not unchecked else "已校验的表全部通过。"])
    for u in unchecked or []:
        rows.append([UNCHECKED_LABEL, u["sheet"], "未校验的工作表", "", "", "", f"本表未校验：{u['reason']}。"])
    return rows, links


def _num(d):
    if d is None:
        return ""
    return float(d) if abs(d) < 10**15 else fmt(d)


def write_annotated_copy(src: Path, out: Path, findings: list[BudgetFinding], sheet_names_: list[str],
                         unchecked: list[dict] | None = None):
    """OUT = a copy of BOOK with a 校验结果 sheet and the offending cells highlighted with a comment."""
    if out.resolve() == src.resolve():
        raise InputError("输出文件不能与输入文件相同（原文件不会被修改），请换一个文件名。", file=out.name)
    if src.suffix.lower() not in (".xlsx", ".xlsm") or out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError("只能为 .xlsx/.xlsm 工作簿生成带标注的副本（可先在Excel中另存为 .xlsx）。", file=src.name)
    rows, links = result_rows(findings, sheet_names_, unchecked)
    notes: dict[tuple[str, str], list[BudgetFinding]] = {}
    for f in findings:
        if f.sheet in sheet_names_:
            notes.setdefault((f.sheet, f.cell), []).append(f)
    _write_with_patcher(src, out, rows, links, notes)


def _write_with_patcher(src: Path, out: Path, rows, links, notes):
    from toolkit.io.xlsx.patch import XlsxPatch

    with XlsxPatch(src) as p:
        p.clear_highlights()
        for (sheet, cell), fs in notes.items():
            worst = ERROR if any(f.severity == ERROR for f in fs) else WARNING
            comment = "\n".join(f"【{f.severity_label}】{f.message}" for f in fs)
            p.highlight(sheet, cell, comment=comment, fill=HIGHLIGHT_FILL[worst])
        p.add_sheet(result_sheet_spec(rows, links), replace=True)
        p.save(out)


def _is_ratio(row) -> bool:
    """A 占比/执行率 finding whose figures are fractions (0.96), shown as 96.00%."""
    numbers = [v for v in row[3:6] if isinstance(v, float)]
    return str(row[2]).startswith(("占比", "执行率")) and bool(numbers) and all(abs(v) <= 10 for v in numbers)


def result_sheet_spec(rows, links):
    """The 校验结果 sheet: one finding a row, figures formatted, texts wrapped, printed landscape one page wide."""
    from toolkit.io.xlsx.patch import CellStyle, SheetSpec

    head = CellStyle(bold=True, fill="DDEBF7", border=True, h_align="center", wrap=True)
    severity_style = {"错误": CellStyle(bold=True, font_color="C00000", border=True),
                      "警告": CellStyle(font_color="9C5700", border=True)}
    wrap = CellStyle(wrap=True, border=True)
    link = CellStyle(wrap=True, border=True, font_color="0563C1")
    amount = CellStyle(num_format="#,##0.00##", border=True)
    percent = CellStyle(num_format="0.00%", border=True)
    styled = [[(v, head) for v in rows[0]]]
    for row in rows[1:]:
        number = percent if _is_ratio(row) else amount
        styled.append([(row[0], severity_style.get(row[0], wrap)), (row[1], link), (row[2], wrap),
                       *((v if v != "" else None, number) for v in row[3:6]), (row[6], wrap)])
    return SheetSpec(name=RESULT_SHEET, rows=styled, col_widths={1: 9, 2: 20, 3: 24, 4: 12, 5: 12, 6: 12, 7: 60},
                     freeze=(1, 0), hyperlinks=links, landscape=True, fit_width=True)


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
