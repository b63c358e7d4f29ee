"""The render check: every output workbook the README's commands write, looked at as a clerk would print it.

The README's commands run on the shipped samples (and a generated folder of returns) into tmp_path. Each workbook is
then checked cell by cell for what can be checked mechanically: numbers carry a number format, wrapped text has a
row height that fits it, no `{{…}}` placeholder is left, the toolkit's own sheets are set to print one page wide,
no English word leaks into a Chinese message; chart axes show thousands separators. With LibreOffice installed, the
toolkit's own sheets are also converted to PDF and every column of the header must land on the first page.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reformat_corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = ("LibreOffice（soffice）未安装，跳过 PDF 渲染检查；安装：apt-get install libreoffice-calc-nogui "
              "fonts-noto-cjk poppler-utils")

# Sheets the toolkit writes itself (the user's own sheets in a copy are theirs, not checked for layout)
OWN_SHEETS = {"补贴汇总", "校验结果", "统计表", "月度统计", "律师统计", "律所统计", "绩效自评表", "处理日志",
              "数据", "按来源汇总", "按月份汇总"}
# Latin words a Chinese message may contain: names of programs, file types and options the clerk types
ALLOWED_WORDS = {"legalaid", "xlsx", "xlsm", "docx", "json", "toml", "Excel", "excel", "WPS", "xlwings", "Word",
                 "list", "keys", "previous", "consultations", "targets", "template", "period", "fund", "level",
                 "sheet", "output", "rules", "standard", "flat", "validate", "subsidy", "stats", "report",
                 "reformat", "check", "aliases", "jobs", "show", "budget", "ledger", "year", "centre", "help"}
ASCII_WORD = re.compile(r"(?<![A-Za-z0-9_.\-/\\])[A-Za-z]{4,}(?![A-Za-z0-9_])")
LATIN_LEAK_IGNORED_SHEETS = {"统计键说明"}    # the template's reference list of keys


def _run(args, cwd):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Run the README's commands once; the console texts and the paths of every workbook written."""
    work = tmp_path_factory.mktemp("readme")
    Corpus(work / "收到的月报").build()
    ledger, budget = str(WORKBOOKS / "示例台账.xlsx"), str(WORKBOOKS / "示例决算.xlsx")
    commands = {
        "subsidy": ["subsidy", ledger, "--fund", "46万", "-o", "out/示例台账_补贴.xlsx"],
        "subsidy_flat": ["subsidy", ledger, "--level", "1800", "-o", "out/测算.xlsx"],
        "subsidy_ledger": ["subsidy", ledger, "--level", "台账", "--json", "-o", "out/台账金额.xlsx"],
        "stats": ["stats", ledger, "-o", "out/统计.xlsx"],
        "stats_targets": ["stats", ledger, "--targets", str(WORKBOOKS / "示例绩效目标.xlsx"), "-o", "out/统计_绩效.xlsx"],
        "stats_template": ["stats", ledger, "--template", str(WORKBOOKS / "统计表模板.xlsx"), "-o", "out/统计模板.xlsx"],
        "validate": ["validate", budget, "-o", "out/决算校验.xlsx"],
        "validate_json": ["validate", budget, "--json"],
        "reformat": ["reformat", "收到的月报", "-o", "整理结果"],
        "report": ["report", "--budget", budget, "--ledger", ledger, "-o", "out/报告.docx"],
    }
    (work / "out").mkdir()
    runs = {name: _run(args, work) for name, args in commands.items()}
    for name, run in runs.items():
        assert run.returncode in (0, 1), f"{name}: {run.stderr}"
        assert "Traceback" not in run.stderr, run.stderr
    books = sorted(p for p in work.rglob("*.xlsx") if "收到的月报" not in p.parts)
    return work, runs, books


def _own_sheets(book):
    return [ws for ws in book.worksheets if ws.title in OWN_SHEETS]


def _merged_box(ws, cell) -> tuple[float, int]:
    """(width in characters, rows spanned) of the cell or of the merged range it starts."""
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return (sum(_col_width(ws, c) for c in range(rng.min_col, rng.max_col + 1)
                        if not _hidden(ws, c)), rng.max_row - rng.min_row + 1)
    return _col_width(ws, cell.column), 1


def _hidden(ws, col) -> bool:
    dim = ws.column_dimensions.get(openpyxl.utils.get_column_letter(col))
    return bool(dim is not None and dim.hidden)


def _col_width(ws, col) -> float:
    dim = ws.column_dimensions.get(openpyxl.utils.get_column_letter(col))
    if dim is not None and dim.width:
        return dim.width
    for dim in ws.column_dimensions.values():       # ranges such as <col min="2" max="7">
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.width:
            return dim.width
    return 8.43


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def test_no_placeholder_left_in_any_cell(outputs):
    _, _, books = outputs
    for path in books:
        book = openpyxl.load_workbook(path, read_only=True)
        for ws in book.worksheets:
            if ws.title in LATIN_LEAK_IGNORED_SHEETS:
                continue
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    assert not (isinstance(v, str) and "{{" in v), f"{path.name}「{ws.title}」: {v}"


def test_every_number_has_a_number_format(outputs):
    _, _, books = outputs
    checked = 0
    for path in books:
        book = openpyxl.load_workbook(path)
        for ws in _own_sheets(book):
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                        checked += 1
                        assert cell.number_format != "General", f"{path.name}「{ws.title}」!{cell.coordinate}"
    assert checked > 1000


def test_wrapped_text_has_a_row_height_that_fits(outputs):
    """A wrapped cell whose text needs n lines sits in a row at least n lines high (LibreOffice and WPS do not
    grow rows on opening)."""
    _, _, books = outputs
    checked = 0
    for path in books:
        book = openpyxl.load_workbook(path)
        for ws in _own_sheets(book):
            for row in ws.iter_rows():
                for cell in row:
                    if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                        continue
                    width, spanned = _merged_box(ws, cell)
                    lines = sum(max(1, math.ceil(_units(p) / max(width, 1))) for p in cell.value.split("\n"))
                    if lines <= spanned:
                        continue
                    checked += 1
                    height = ws.row_dimensions[cell.row].height
                    assert height and height >= lines * 12, (
                        f"{path.name}「{ws.title}」!{cell.coordinate}: {lines} 行文字，行高 {height}")
    assert checked > 0


def test_own_sheets_print_one_page_wide(outputs):
    _, _, books = outputs
    for path in books:
        book = openpyxl.load_workbook(path)
        for ws in _own_sheets(book):
            assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, \
                f"{path.name}「{ws.title}」"
            assert ws.page_setup.fitToWidth in (1, "1", None), f"{path.name}「{ws.title}」"
            width = sum(_col_width(ws, c) for c in range(1, ws.max_column + 1) if not _hidden(ws, c))
            if width > 110:      # wider than a portrait A4 page at about 85 %
                assert ws.page_setup.orientation == "landscape", f"{path.name}「{ws.title}」: 宽 {width:.0f} 字符"


def _latin_words(text: str) -> list[str]:
    return [w for w in ASCII_WORD.findall(text) if w not in ALLOWED_WORDS]


def test_no_english_words_in_chinese_messages(outputs):
    _, runs, books = outputs
    for name, run in runs.items():
        text = run.stdout + run.stderr
        if name.endswith("json") or name == "subsidy_ledger":
            data = json.loads(run.stdout)
            text = json.dumps(data, ensure_ascii=False)
            text = " ".join(re.findall(r'"message": "([^"]*)"', text))
        assert not _latin_words(text), f"{name}: {_latin_words(text)}"
    for path in books:
        book = openpyxl.load_workbook(path)
        for ws in _own_sheets(book):
            hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.data_type != "f" and cell.column_letter not in hidden:
                        assert not _latin_words(cell.value), f"{path.name}「{ws.title}」!{cell.coordinate}: {cell.value}"


def test_chart_value_axes_show_thousands_separators(outputs):
    _, _, books = outputs
    charts = 0
    for path in books:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/charts/chart"):
                    xml = z.read(name).decode("utf-8")
                    for axis in re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.S):
                        charts += 1
                        assert re.search(r'<c:numFmt formatCode="#,##0[^"]*" sourceLinked="0"/>', axis), \
                            f"{path.name} {name}"
                    assert "<c:showVal val=\"1\"/><c:showCatName val=\"0\"/><c:showSerName val=\"0\"/>" \
                           "<c:showPercent val=\"1\"/>" not in xml, f"{path.name} {name}: 饼图标签同时显示数值和百分比"
    assert charts >= 3


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return text.split("\f")


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason=NO_SOFFICE)
def test_own_sheets_render_one_page_wide_in_libreoffice(outputs, tmp_path):
    """Each of the toolkit's sheets alone, converted by LibreOffice: every header label is on page 1."""
    _, _, books = outputs
    singles = {}
    for path in books:
        book = openpyxl.load_workbook(path)
        for ws in _own_sheets(book):
            header = _header_row(ws)
            if not header:
                continue
            copy = openpyxl.load_workbook(path)
            for other in copy.worksheets:
                if other.title != ws.title:
                    copy.remove(other)
            target = tmp_path / f"{path.stem}-{ws.title}.xlsx"
            copy.save(target)
            singles[target] = header
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), *map(str, singles)], capture_output=True, timeout=600, check=True)
    for target, header in singles.items():
        pages = _pdf_pages(target.with_suffix(".pdf"))
        first = re.sub(r"\s", "", pages[0])
        missing = [h for h in header if re.sub(r"\s", "", h) not in first]
        assert not missing, f"{target.name}: 表头 {missing} 不在第一页（打印超过一页宽）"


def _header_row(ws) -> list[str]:
    """The first row with four or more text cells: the table's header."""
    for row in ws.iter_rows(max_row=12):
        texts = [c.value for c in row if isinstance(c.value, str) and c.value.strip() and not _hidden(ws, c.column)]
        if len(texts) >= 4:
            # the start of each label: a narrow column wraps the rest onto lines of their own
            return [re.split(r"[\n（(]", t)[0][:4] for t in texts]
    return []


def test_report_draft_reads_as_an_official_document(outputs):
    """党政机关公文格式: 一级标题 stronger than 二级; no italics; 万元 as a finance officer writes them."""
    from docx import Document
    work, _, _ = outputs
    doc = Document(str(work / "out" / "报告.docx"))
    styles = {p.style.name: p.style for p in doc.paragraphs}
    assert styles["Heading 1"].font.bold and not styles["Heading 2"].font.bold
    assert not any(s.font.italic for s in styles.values())
    text = "\n".join(p.text for p in doc.paragraphs)
    assert not re.search(r"\d\.\d{3,}万元", text), "万元 写了三位以上小数"
    assert not re.search(r"(?<![\d.])0(\.0+)?万元", text), "为 0 的金额应写“未发生”"
    assert "{{" not in text and not _latin_words(text.replace("legalaid validate", "").replace("legalaid subsidy", ""))
