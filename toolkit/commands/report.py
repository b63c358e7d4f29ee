"""`legalaid report` (draft the 绩效自评报告 as .docx) and `legalaid check-report` (check a written report's figures).

Thin shells: read the workbooks (budget table, case ledger, indicator sheet) and the report file, call the pure cores
toolkit.report_draft / toolkit.report_check, write the .docx atomically or print the findings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.report_check import (ACTUAL, AMOUNT, BUDGET, COUNT, PERCENT, TableValue, canonical_label, check_report,
                                  vocabulary)
from toolkit.report_draft import (HEADING1, HEADING2, TITLE, TODO, Block, Indicator, ReportFigures, draft_report,
                                  parse_target)
from toolkit.text import clean_text

NAME = "report"
HELP = "根据预算表和案件台账起草《部门整体支出绩效自评报告》（.docx），所有数字自动计算填入。"

KIND_LABEL = {"breakdown": "分项合计不符", "share": "占比不符", "repeat": "前后不一致", "unit": "单位疑误",
              "year": "年份或变化方向有误", "table": "与表格不符"}
LABEL_HEADERS = ("项目", "项目名称", "科目名称", "科目", "名称", "指标", "支出项目", "收入项目")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[、.．]|其中[：:]?)+")


# ---------------------------------------------------------------- budget workbook

@dataclass
class BudgetRow:
    label: str                    # canonical label
    text: str                     # as written
    values: dict[str, Decimal]    # column header → amount in 元
    row: int                      # Excel row
    sheet: str


@dataclass
class BudgetBook:
    """A budget / final-accounts workbook read as rows of label + amounts."""

    file: str
    rows: list[BudgetRow] = field(default_factory=list)
    decimals: int = 2
    year: int | None = None
    centre: str | None = None

    def get(self, label: str, role: str = ACTUAL) -> Decimal | None:
        """The amount of a canonical label in the column of a role (年初 / 全年预算 / actual)."""
        for row in self.rows:
            if row.label == label:
                for column, value in row.values.items():
                    if column_role(column) == role:
                        return value
                if role == ACTUAL and len(row.values) == 1:
                    return next(iter(row.values.values()))
        return None


def column_role(header: str) -> str:
    """年初预算数 → "initial"; 全年预算数/调整后预算 → "adjusted"; 执行数/决算数/实际/金额 → ACTUAL."""
    if "年初" in header:
        return "initial"
    if "预算" in header and not any(w in header for w in ("执行", "决算", "实际")):
        return "adjusted"
    return ACTUAL


def _unit_factor(text: str) -> Decimal | None:
    m = re.search(r"单位[：:]\s*(亿元|万元|千元|元)", text) or re.search(r"[（(](亿元|万元|千元|元)[）)]", text)
    return {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}[m.group(1)] \
        if m else None


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)).quantize(Decimal("1e-8")).normalize()
    text = clean_text(value).replace(",", "")
    if re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", text):
        return Decimal(text)
    return None


def read_budget(path: str | Path) -> BudgetBook:
    """Every sheet of a budget workbook that has a label column and a "单位：万元/元" note."""
    path = Path(path)
    return budget_from_sheets(read_workbook(path), path.name)


def budget_from_sheets(sheets: list[RawSheet], file: str | None) -> BudgetBook:
    """read_budget on sheets already read (a file, or an open workbook through xlwings)."""
    book = BudgetBook(file=file)
    decimals_seen: list[int] = []
    for sheet in sheets:
        _read_budget_sheet(sheet, book, decimals_seen)
    if not book.rows:
        raise InputError("没有找到预算数据：预算表应有一个“项目”列（或“科目名称”）和金额列，"
                         "并在表头上方写明“单位：万元”或“单位：元”。", file=file)
    book.decimals = max(decimals_seen) if decimals_seen else 2
    book.decimals = min(max(book.decimals, 2), 4)
    return book


def _read_budget_sheet(sheet: RawSheet, book: BudgetBook, decimals_seen: list[int]) -> None:
    factor = None
    header_row = label_col = None
    for r, row in enumerate(sheet.rows[:15]):
        texts = [clean_text(v) for v in row if v is not None and clean_text(v)]
        for t in texts:
            factor = factor or _unit_factor(t)
            if book.year is None and (m := re.search(r"((?:19|20)\d{2})\s*年", t)):
                book.year = int(m.group(1))
            if book.centre is None and (m := re.search(r"([^\s0-9（(]*?法律援助中心)", t)):
                book.centre = m.group(1)
        for c, v in enumerate(row):
            if v is not None and re.sub(r"\s", "", clean_text(v)) in LABEL_HEADERS:
                header_row, label_col = r, c
                break
        if header_row is not None:
            break
    if header_row is None:
        return
    header = sheet.rows[header_row]
    columns = {c: clean_text(v) for c, v in enumerate(header) if c != label_col and v is not None and clean_text(v)}
    if factor is None:
        factor = next((f for f in map(_unit_factor, columns.values()) if f), None)
    if factor is None:
        raise InputError("预算表没有写明金额单位：请在表头上方写“单位：万元”或“单位：元”。",
                         file=book.file, sheet=sheet.name, row=header_row + 1)
    for r in range(header_row + 1, len(sheet.rows)):
        text = clean_text(sheet.cell(r, label_col) or "")
        label = _NUMBERING.sub("", re.sub(r"\s", "", text))
        if not label:
            continue
        values = {}
        for c, name in columns.items():
            cell = sheet.cell(r, c)
            number = _number(cell)
            if number is None:
                if cell is not None and clean_text(cell) not in ("", "-", "—", "/"):
                    raise InputError(f"“{clean_text(cell)}”不是金额。", file=book.file, sheet=sheet.name, row=r + 1,
                                     column=name)
                continue
            values[name] = number * factor
            decimals_seen.append(max(0, -number.as_tuple().exponent) if factor == 10000 else 2)
        if values:
            book.rows.append(BudgetRow(canonical_label(label), text, values, r + 1, sheet.name))


# ---------------------------------------------------------------- ledger workbook

@dataclass
class LedgerFigures:
    cases_by_type: dict[str, int]
    special_groups: dict[str, int]
    money_recovered: Decimal | None
    wages_recovered: Decimal | None
    subsidy_required: Decimal | None
    consultations: dict[str, int]
    file: str
    excluded_rows: list[int] = field(default_factory=list)   # Excel rows left out because of errors


def read_ledger(path: str | Path) -> LedgerFigures:
    """Case counts, special groups, money recovered and the minimum-standard subsidy total from a case ledger."""
    path = Path(path)
    return ledger_figures(read_workbook(path), path.name)


def ledger_figures(sheets: list[RawSheet], file: str | None) -> LedgerFigures:
    """read_ledger on sheets already read (a file, or an open workbook through xlwings)."""
    from toolkit.ledger_book import build_ledger, build_standard
    from toolkit.subsidy import Level, compute_subsidies
    from toolkit.vocab import default_vocabulary

    ledger = build_ledger(sheets, file=file)
    cases = ledger.cases
    vocab_types = list(dict.fromkeys(default_vocabulary().case_types.values()))
    counts = cases["案件类型"].value_counts()
    by_type = {t: int(counts[t]) for t in vocab_types if t in counts}
    groups: dict[str, int] = {}
    for listed in cases["特殊群体"]:
        for g in listed or []:
            groups[g] = groups.get(g, 0) + 1
    order = list(dict.fromkeys(default_vocabulary().special_groups.values()))
    groups = {g: groups[g] for g in sorted(groups, key=lambda g: order.index(g) if g in order else len(order))}

    def total(column: str) -> Decimal | None:
        if column not in ledger.header.columns:
            return None
        return sum((v for v in cases[column] if v is not None), Decimal(0))

    required = compute_subsidies(cases, build_standard(sheets, None, file), Level("min"),
                                 sheet=ledger.sheet, file=file).total if len(cases) else Decimal(0)
    excluded = [int(r) for r in ledger.excluded["excel_row"]] if len(ledger.excluded) else []
    return LedgerFigures(by_type, groups, total("挽回经济损失"), total("讨薪金额"), required,
                         _consultations(sheets, file), file, excluded)


def _consultations(sheets: list[RawSheet], file: str) -> dict[str, int]:
    """A sheet named like "咨询" with rows of 渠道 | 人次 (optional)."""
    out: dict[str, int] = {}
    for sheet in sheets:
        if "咨询" not in sheet.name:
            continue
        for r, row in enumerate(sheet.rows):
            cells = [v for v in row if v is not None and clean_text(v)]
            if len(cells) < 2 or not isinstance(cells[0], str):
                continue
            number = _number(cells[1])
            if number is None:
                continue
            if number != number.to_integral_value() or number < 0:
                raise InputError(f"咨询人次“{cells[1]}”不是整数。", file=file, sheet=sheet.name, row=r + 1)
            channel = clean_text(cells[0])
            if channel not in ("合计", "总计", "小计"):
                out[channel] = int(number)
    return out


# ---------------------------------------------------------------- targets (绩效指标)

def read_targets(path: str | Path) -> list[Indicator]:
    """Rows of 三级指标 | 年度指标值 | 实际完成值 | 分值 from the first sheet that has them."""
    path = Path(path)
    indicators = targets_from_sheets(read_workbook(path), path.name)
    if indicators is None:
        raise InputError("没有找到绩效指标表：表头应包含“三级指标”“年度指标值”“实际完成值”“分值”。", file=path.name)
    return indicators


def targets_from_sheets(sheets: list[RawSheet], file: str | None) -> list[Indicator] | None:
    """read_targets on sheets already read; None when no sheet has the indicator header."""
    for sheet in sheets:
        for r, row in enumerate(sheet.rows[:15]):
            names = [re.sub(r"\s", "", clean_text(v)) if v is not None else "" for v in row]
            want = {"三级指标": None, "年度指标值": None, "实际完成值": None, "分值": None}
            for c, n in enumerate(names):
                for key in want:
                    if want[key] is None and n.startswith(key):
                        want[key] = c
            if all(v is not None for v in want.values()):
                return _read_indicators(sheet, r, want, file)
    return None


def _read_indicators(sheet: RawSheet, header: int, cols: dict, file: str) -> list[Indicator]:
    out = []
    for r in range(header + 1, len(sheet.rows)):
        name = clean_text(sheet.cell(r, cols["三级指标"]) or "")
        if not name:
            continue
        target_cell = sheet.cell(r, cols["年度指标值"])
        try:
            op, target, unit = parse_target(clean_text(target_cell) if not isinstance(target_cell, (int, float))
                                            else repr(target_cell))
        except ValueError:
            raise InputError(f"年度指标值“{target_cell}”无法识别（应如 ≥1000件、≤30天、95%）。", file=file,
                             sheet=sheet.name, row=r + 1, column="年度指标值") from None
        actual = _number(sheet.cell(r, cols["实际完成值"]))
        if actual is None:
            m = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", clean_text(sheet.cell(r, cols["实际完成值"]) or ""))
            actual = Decimal(m.group(1)) if m else None
        points = _number(sheet.cell(r, cols["分值"]))
        if actual is None or points is None:
            raise InputError("实际完成值或分值不是数字。", file=file, sheet=sheet.name, row=r + 1)
        out.append(Indicator(name, op, target, actual, unit, points))
    return out


# ---------------------------------------------------------------- assembling

def report_figures(budget: BudgetBook | None, ledger: LedgerFigures | None, indicators: list[Indicator],
                   year: int | None, centre: str | None) -> ReportFigures:
    """The draft's figures from what was read."""
    draft_vocab = vocabulary()["draft"]
    year = year or (budget.year if budget else None)
    if year is None:
        raise InputError("无法确定报告年度：预算表标题中没有“20XX年”，请用 --year 指定。",
                         file=budget.file if budget else None)
    centre = centre or (budget.centre if budget else None) or "法律援助中心"
    kw: dict = {}
    if budget:
        g = budget.get
        kw.update(decimals=budget.decimals, income_total=g("收入合计"),
                  income_parts={k: v for k in draft_vocab["income_parts"] if (v := g(k)) is not None},
                  expenditure_total=g("支出合计"), basic_expenditure=g("基本支出"), project_expenditure=g("项目支出"),
                  personnel_costs=g("人员经费"), public_costs=g("公用经费"), three_public_total=g("三公经费合计"),
                  three_public_parts={k: v for k in draft_vocab["three_public_parts"] if (v := g(k)) is not None},
                  budget_initial=g("年初预算数") or g("支出合计", "initial"),
                  budget_adjusted=g("全年预算数") or g("支出合计", "adjusted"),
                  budget_executed=g("全年执行数") or (g("支出合计") if g("支出合计", "adjusted") else None),
                  special_fund=g("法律援助专项经费"))
    if ledger:
        kw.update(cases_by_type=ledger.cases_by_type, special_groups=ledger.special_groups,
                  money_recovered=ledger.money_recovered, wages_recovered=ledger.wages_recovered,
                  subsidy_required=ledger.subsidy_required, consultations_by_channel=ledger.consultations)
    return ReportFigures(year=year, centre=centre, indicators=indicators, **kw)


def table_values(budget: BudgetBook | None, ledger: LedgerFigures | None) -> list[TableValue]:
    """What check-report compares prose figures with: every budget row and the ledger's counts and sums."""
    out: list[TableValue] = []
    if budget:
        for row in budget.rows:
            for column, value in row.values.items():
                role = column_role(column)
                where = f"{budget.file} “{row.sheet}” 第{row.row}行 “{column}”列"
                out.append(TableValue(row.label, AMOUNT, value, Decimal(0), where,
                                      ACTUAL if role == ACTUAL else BUDGET))
                if row.label == "支出合计" and role != ACTUAL:
                    label = "年初预算数" if role == "initial" else "全年预算数"
                    out.append(TableValue(label, AMOUNT, value, Decimal(0), where, BUDGET))
                elif row.label == "支出合计" and budget.get("支出合计", "adjusted") is not None:
                    out.append(TableValue("全年执行数", AMOUNT, value, Decimal(0), where, ACTUAL))
        executed = budget.get("全年执行数") or (budget.get("支出合计") if budget.get("支出合计", "adjusted") else None)
        adjusted = budget.get("全年预算数") or budget.get("支出合计", "adjusted")
        if executed is not None and adjusted:
            out.append(TableValue("预算执行率", PERCENT, executed / adjusted * 100, Decimal(0),
                                  f"{budget.file} 全年执行数÷全年预算数"))
    if ledger:
        where = f"{ledger.file} 案件台账"
        from toolkit.report_draft import CASE_TYPE_WORDS, LEGAL_HELP_TYPES
        cases = {t: n for t, n in ledger.cases_by_type.items() if t not in LEGAL_HELP_TYPES}
        out.append(TableValue("办理法律援助案件", COUNT, Decimal(sum(cases.values())), Decimal(0), where))
        for t, n in cases.items():
            out.append(TableValue(canonical_label(CASE_TYPE_WORDS.get(t, t)), COUNT, Decimal(n), Decimal(0), where))
        for g, n in ledger.special_groups.items():
            out.append(TableValue(canonical_label(g), COUNT, Decimal(n), Decimal(0), where))
        for label, value in (("挽回经济损失", ledger.money_recovered), ("讨薪金额", ledger.wages_recovered),
                             ("办案补贴需求", ledger.subsidy_required)):
            if value is not None:
                out.append(TableValue(label, AMOUNT, value, Decimal(0), where))
        if ledger.consultations:
            out.append(TableValue("法律咨询", COUNT, Decimal(sum(ledger.consultations.values())), Decimal(0),
                                  f"{ledger.file} 咨询表"))
    return out


# ---------------------------------------------------------------- .docx

STYLE_NAMES = {TITLE: "Title", HEADING1: "Heading 1", HEADING2: "Heading 2", "text": "Normal", TODO: "待填写"}


def _set_font(style, latin: str, east_asian: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # theme fonts would win in Word
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), east_asian)
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def new_document(template: str | Path | None = None):
    """A document with the report's styles: the user's template (emptied of content) or the built-in defaults."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if template:
        try:
            doc = Document(str(template))
        except Exception as exc:
            raise InputError(f"模板无法打开，应为 .docx 文件（{type(exc).__name__}）。", file=Path(template).name) from None
        body = doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        names = {s.name for s in doc.styles}
        missing = [n for n in STYLE_NAMES.values() if n not in names]
        if missing:
            raise InputError(f"模板缺少样式：{'、'.join(missing)}。", file=Path(template).name)
        return doc
    doc = Document()
    styles = doc.styles
    _set_font(styles["Normal"], "Times New Roman", "仿宋", 14)
    styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    _set_font(styles["Title"], "Times New Roman", "方正小标宋简体", 22, True)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.first_line_indent = Pt(0)
    border = styles["Title"].element.pPr.find(qn("w:pBdr"))  # the default Title has a blue rule below
    if border is not None:
        styles["Title"].element.pPr.remove(border)
    _set_font(styles["Heading 1"], "Times New Roman", "黑体", 16, False)
    _set_font(styles["Heading 2"], "Times New Roman", "楷体", 16, True)
    for name in ("Heading 1", "Heading 2"):
        styles[name].paragraph_format.first_line_indent = Pt(32)
        styles[name].paragraph_format.space_before = Pt(6)
        styles[name].paragraph_format.space_after = Pt(6)
    todo = styles.add_style(STYLE_NAMES[TODO], WD_STYLE_TYPE.PARAGRAPH)
    todo.base_style = styles["Normal"]
    todo.font.highlight_color = WD_COLOR_INDEX.YELLOW
    todo.font.italic = True
    return doc


def write_template(path: str | Path) -> None:
    """A template to restyle in Word/WPS: one sample paragraph per style (removed when a draft is written)."""
    doc = new_document()
    for style, text in ((TITLE, "标题（样式 Title）"), (HEADING1, "一、一级标题（样式 Heading 1）"),
                        (HEADING2, "（一）二级标题（样式 Heading 2）"), ("text", "正文（样式 Normal）。"),
                        (TODO, "【待填写】需人工填写的位置（样式 待填写）。")):
        doc.add_paragraph(text, style=STYLE_NAMES[style])
    _save_atomically(doc, Path(path))


def write_docx(blocks: list[Block], path: str | Path, template: str | Path | None = None) -> None:
    """Write the draft atomically (temp file in the same folder, then replace)."""
    doc = new_document(template)
    for block in blocks:
        doc.add_paragraph(block.text, style=STYLE_NAMES[block.style])
    _save_atomically(doc, Path(path))


def _save_atomically(doc, path: Path) -> None:
    try:
        with atomic_write(path) as out:
            doc.save(out)
    except PermissionError:
        raise InputError("无法写入输出文件：文件可能正在被Word/WPS打开，或文件夹不可写，请关闭后重试。",
                         file=path.name) from None


def read_report_text(path: str | Path) -> str:
    """The prose of a report: a .docx's paragraphs, or a .txt/.md file (UTF-8 or GB18030)."""
    path = Path(path)
    if not path.exists():
        raise InputError("文件不存在，请检查路径。", file=path.name)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from docx import Document
        try:
            doc = Document(str(path))
        except Exception as exc:
            raise InputError(f"文件已损坏或不是有效的 .docx 文档（{type(exc).__name__}）。", file=path.name) from None
        return "\n".join(p.text for p in doc.paragraphs)
    if suffix in (".txt", ".md"):
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError("文本编码无法识别，请另存为 UTF-8。", file=path.name)
        if suffix == ".md":
            text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}|>|[-*+])\s+", "", text).replace("**", "").replace("__", "")
        return text
    if suffix == ".doc":
        raise InputError("不支持旧版 .doc 文件，请在Word/WPS中另存为 .docx 后再检查。", file=path.name)
    raise InputError(f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .docx、.txt 或 .md。", file=path.name)


# ---------------------------------------------------------------- commands

def add_arguments(parser) -> None:
    parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿（.xlsx/.xls/.csv），用于案件数、特殊群体、挽回损失和办案补贴测算")
    parser.add_argument("--budget", metavar="预算表", required=True, help="预算/决算工作簿：一列项目名称加金额列，注明“单位：万元”")
    parser.add_argument("--targets", metavar="指标表", help="绩效指标表（三级指标、年度指标值、实际完成值、分值）")
    parser.add_argument("--year", type=int, help="报告年度（默认取预算表标题中的年份）")
    parser.add_argument("--centre", metavar="单位名称", help="单位名称（默认取预算表标题中的“……法律援助中心”）")
    parser.add_argument("--template", metavar="模板", help="Word 模板（.docx），使用其中的样式：Title、Heading 1、Heading 2、Normal、待填写")
    parser.add_argument("-o", "--output", metavar="输出", help="输出的 .docx 文件（默认：预算表同目录下“绩效自评报告草稿.docx”）")


def run(args) -> int:
    budget = read_budget(args.budget)
    ledger = read_ledger(args.ledger) if args.ledger else None
    indicators = read_targets(args.targets) if args.targets else []
    figures = report_figures(budget, ledger, indicators, args.year, args.centre)
    blocks = draft_report(figures)
    output = Path(args.output) if args.output else Path(args.budget).with_name("绩效自评报告草稿.docx")
    if output.suffix.lower() != ".docx":
        raise InputError("输出文件应以 .docx 结尾。", file=output.name)
    inputs = {Path(p).resolve() for p in (args.budget, args.ledger, args.targets, args.template) if p}
    if output.resolve() in inputs:
        raise InputError("输出文件不能与输入文件相同。", file=output.name)
    write_docx(blocks, output, args.template)
    if ledger and ledger.excluded_rows:
        rows = "、".join(map(str, ledger.excluded_rows[:10])) + ("等" if len(ledger.excluded_rows) > 10 else "")
        print(f"注意：台账“{ledger.file}”第{rows}行有错误，未计入报告中的案件数和金额"
              f"（用 legalaid subsidy 查看错误说明）。")
    todo = sum(1 for b in blocks if b.style == TODO)
    own = check_report("\n".join(b.text for b in blocks))
    print(f"已生成报告草稿：{output}")
    print(f"共写入数字 {len(own.figures)} 个；需人工填写的位置 {todo} 处（以“【待填写】”标出，黄色底纹）。")
    if own.findings:  # the inputs themselves disagree (e.g. parts that do not add up in the budget table)
        print(f"注意：草稿自检发现 {len(own.findings)} 处数字不一致，源自输入表格本身：")
        _print_findings(own.findings)
    return 0


class CheckCommand:
    """`legalaid check-report`: the second command of this module (registered by toolkit.commands.check_report)."""

    NAME = "check-report"
    HELP = "检查已写好的自评报告：文中金额、占比、件数、年份与自身及表格是否一致。"

    @staticmethod
    def add_arguments(parser) -> None:
        parser.add_argument("report", metavar="报告", help="要检查的报告（.docx、.txt 或 .md）")
        parser.add_argument("--budget", metavar="预算表", help="预算/决算工作簿，文中金额与表中同名项目逐一核对")
        parser.add_argument("--ledger", metavar="台账", help="案件台账工作簿，文中案件数、特殊群体等与台账核对")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出：{\"figures\": 数字个数, \"findings\": [...]}")

    @staticmethod
    def run(args) -> int:
        text = read_report_text(args.report)
        budget = read_budget(args.budget) if args.budget else None
        ledger = read_ledger(args.ledger) if args.ledger else None
        result = check_report(text, table_values(budget, ledger) if (budget or ledger) else None)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(f"{Path(args.report).name}：识别数字 {len(result.figures)} 个，发现不一致 {len(result.findings)} 处。")
            _print_findings(result.findings)
        return 1 if result.findings else 0


def _print_findings(findings) -> None:
    for n, f in enumerate(findings, 1):
        print(f"{n}. 【{KIND_LABEL.get(f.kind, f.kind)}】{f.message}")
        print(f"   原句：{f.sentence}")
        expected = "按分项之和" if f.kind == "breakdown" else "应为"
        print(f"   文中：{f.stated}    {expected}：{f.expected}")
