"""The streaming .xlsx reader (toolkit/io/xlsx/read_book.py and read_sheet.py) gives the grids python-calamine gave (the
reader it replaced for .xlsx/.xlsm): a corpus of workbooks written here with openpyxl and xlsxwriter, and hand-edited sheet XML for the
forms those libraries do not write, each read both ways and compared cell by cell (value and type) with the merged
areas; then what only the new reader does (far stray cells, bounds, damaged parts)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as calamine
import xlsxwriter
from openpyxl.styles import Font

from toolkit.base.errors import InputError
from toolkit.io import excel_read
from toolkit.io import limits
from toolkit.io.excel_read import read_workbook
from toolkit.io.xlsx.read_book import OTHER, XlsxBook, format_kind
from toolkit.io.xlsx.read_common import DATETIME, TIMEDELTA, excel_date

WHEN = dt.datetime(2023, 3, 5, 14, 30, 15, 250000)


def calamine_grids(path: Path) -> dict:
    """Every worksheet as the reader before this one gave it (excel_read's python-calamine path)."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    names = [m.name for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    out = {}
    for name in names:
        sheet = excel_read._read_sheet(book, name, path)
        out[name] = (sheet.rows, sheet.merged)
    return out


def assert_same(path: Path) -> list:
    """read_workbook (the new reader) equals the python-calamine grid, value and type of every cell."""
    mine = read_workbook(path)
    theirs = calamine_grids(path)
    assert [s.name for s in mine] == list(theirs)
    for sheet in mine:
        rows, merged = theirs[sheet.name]
        assert len(sheet.rows) == len(rows), sheet.name
        for r, (a, b) in enumerate(zip(sheet.rows, rows)):
            assert len(a) == len(b), (sheet.name, r)
            for c, (x, y) in enumerate(zip(a, b)):
                assert x == y and type(x) is type(y), (sheet.name, r, c, x, y)
        assert sheet.merged == merged, sheet.name
    return mine


# ---------------------------------------------------------------------------------------------- the corpus
def openpyxl_book(path: Path, epoch_1904: bool = False) -> Path:
    wb = openpyxl.Workbook()
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "台账"
    ws["C4"] = "示例县法律援助中心案件台账"          # empty rows and columns before the data
    ws.merge_cells("C4:H4")
    ws.append([])
    header = ["案号", "受援人", "指派日期", "结案时间", "金额", "是否", "备注", "时长"]
    for c, v in enumerate(header, 3):
        ws.cell(6, c, v).font = Font(bold=True)
    formats = ["yyyy-mm-dd", "yyyy年m月d日", "m/d/yy h:mm", "mm-dd-yy", "h:mm AM/PM", "[$-804]yyyy\"年\"m\"月\"",
               "d-mmm-yy", "hh:mm:ss", "0.00", "#,##0.00\\ \"元\"", "@", "General"]
    values = [WHEN, WHEN.date(), dt.datetime(1900, 1, 1), dt.datetime(1900, 2, 28), dt.time(9, 15),
              dt.datetime(9999, 12, 31), 0.5, 1800, 1e308, 5e-324, -0.0, 0.1 + 0.2, 123456789012345678.0, -1e6]
    r = 7
    for i, v in enumerate(values):
        for j, fmt in enumerate(formats):
            cell = ws.cell(r, 3 + j, v)
            cell.number_format = fmt
        r += 1
    ws.cell(r, 3, "  前后空格  ")
    ws.cell(r, 4, "   ")
    ws.cell(r, 5, "00123")                                   # a number stored as text
    ws.cell(r, 6, "1,800元")
    ws.cell(r, 7, True)
    ws.cell(r, 8, False)
    ws.cell(r, 9, "#DIV/0!").data_type = "e"
    ws.cell(r, 10, "#N/A").data_type = "e"
    ws.cell(r, 11, "第一行\n第二行\r\n第三行")
    ws.cell(r, 12, "A&B <c> \"引号\" 'x'")
    ws.cell(r, 13, "=SUM(E7:E9)")                            # a formula without a cached value: an empty cell
    ws.cell(r, 14, "_x000D_ 转义")
    ws.row_dimensions[r].hidden = True
    ws.cell(r + 2, 3, "")
    ws.cell(r + 3, 20, "远一点")                             # widens every row
    ws.merge_cells(start_row=r + 4, start_column=3, end_row=r + 6, end_column=4)
    ws.cell(r + 4, 3, "合并")
    two = wb.create_sheet("空表")
    two.sheet_state = "hidden"
    three = wb.create_sheet("统计")
    for i in range(50):
        three.append([f"项目{i % 7}", i, i * 1.5, dt.date(2023, 1, 1) + dt.timedelta(days=i), None, i % 2 == 0])
    wb.create_chartsheet("图表")
    wb.save(path)
    return path


def xlsxwriter_book(path: Path, constant_memory: bool, epoch_1904: bool = False) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "date_1904": epoch_1904,
                                         "strings_to_numbers": False})
    ws = wb.add_worksheet("案件台账")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
    span = wb.add_format({"num_format": "[h]:mm:ss"})
    money = wb.add_format({"num_format": "#,##0.00"})
    bold = wb.add_format({"bold": True})
    red = wb.add_format({"color": "red"})
    ws.write_row(1, 1, ["案号", "受援人", "日期", "时刻", "时长", "金额", "公式", "文本公式", "布尔"], bold)
    for i in range(40):
        r = i + 2
        ws.write_string(r, 1, f"(2023)示法援字第{i + 1:03d}号")
        ws.write_string(r, 2, ["张三", "李四", " 王五 ", ""][i % 4])
        ws.write_datetime(r, 3, dt.datetime(2023, 1, 1) + dt.timedelta(days=i * 7, seconds=i * 3601.5), stamp)
        ws.write_number(r, 4, (i + 1) * 0.041666, span)
        ws.write_number(r, 5, [1800, 0.1, 1e-7, 1e15, -3.25][i % 5], money)
        ws.write_formula(r, 6, f"=F{r + 1}*2", money, [1800, 0.1, 1e-7, 1e15, -3.25][i % 5] * 2)
        ws.write_formula(r, 7, f'=B{r + 1}&"号"', None, f"{i}号")
        ws.write_boolean(r, 8, i % 3 == 0)
        if i % 5 == 0:
            ws.write_datetime(r, 9, dt.datetime(2023, 5, 1), date)
        if i % 9 == 0:
            ws.write_rich_string(r, 10, "富", red, "文本", " 段落")
        if i % 11 == 0:
            ws.write_blank(r, 11, None, bold)                # formatting only
    ws.merge_range("B1:J1", "合并的标题", bold)
    ws.set_row(5, None, None, {"hidden": True})
    ws.write_formula(45, 1, "=1/0", None, "#DIV/0!")
    ws.write_formula(46, 1, "=TRUE()", None, True)
    ws.write_formula(47, 1, '=""', None, "")
    wb.add_worksheet("空白")
    wb.close()
    return path


@pytest.mark.parametrize("kind", ["openpyxl", "openpyxl-1904", "xlsxwriter", "xlsxwriter-inline",
                                  "xlsxwriter-1904"])
def test_same_grid_as_calamine(tmp_path, kind):
    path = tmp_path / f"{kind}.xlsx"
    if kind.startswith("openpyxl"):
        openpyxl_book(path, kind.endswith("1904"))
    else:
        xlsxwriter_book(path, kind.endswith("inline"), kind.endswith("1904"))
    sheets = assert_same(path)
    grid = sheets[0].rows
    assert any(isinstance(v, dt.datetime) for row in grid for v in row)   # the corpus holds what it should
    assert any(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for row in grid for v in row)
    assert any(v is True for row in grid for v in row)


def test_same_grid_on_the_repository_workbooks():
    folder = Path(__file__).parent.parent / "workbooks"
    books = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xlsm"))
    assert len(books) >= 5
    for path in books:
        assert_same(path)


# ------------------------------------------------------------------------------- forms the libraries do not write
def with_sheet_xml(src: Path, dst: Path, edit, part: str = "xl/worksheets/sheet1.xml") -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return dst


def small_book(path: Path) -> Path:
    """Two rows with shared strings (xlsxwriter) and a date style."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表")
    ws.write_row(0, 0, ["标题", "数", "日期"])
    ws.write_row(1, 0, ["甲", 1])
    ws.write_datetime(1, 2, dt.datetime(2023, 1, 2), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    return path


HAND_CELLS = [
    '<c r="A5" t="inlineStr"><is><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 文本 </t></r>'
    '<rPh sb="0" eb="1"><t>フ</t></rPh></is></c>',
    '<c r="B5" t="inlineStr"><is><t>  两端空白会去掉  </t></is></c>',
    '<c r="C5" t="str"><f>A1</f><v>公式&amp;文本</v></c>',
    '<c r="D5" t="d"><v>2023-03-05T14:30:15</v></c>',
    '<c r="E5" t="d"><v>2023-03-05</v></c>',
    '<c r="F5" t="d"><v>14:30</v></c>',
    '<c r="G5" t="d"><v>不是日期</v></c>',
    '<c r="H5" t="e"><v>#REF!</v></c>',
    '<c r="I5"><v></v></c>',
    '<c r="J5"><v>1.</v></c>',
    '<c r="K5"><v>.5</v></c>',
    '<c r="L5"><v>1E3</v></c>',
    '<c r="M5"><v>-0</v></c>',
    '<c r="N5"><v>文字而非数字</v></c>',
    '<c r="O5" s="1"><v>60</v></c>',
    '<c r="P5" s="1"><v>59.75</v></c>',
    '<c r="Q5" s="1"><v>-0.25</v></c>',
    '<c r="R5" t="b"><v>1</v></c>',
    '<c r="S5" t="inlineStr"><is><t>&#x4E2D;&#25991;_x0041_</t></is></c>',
    '<c r="T5" t="s"><v>0</v></c>',
    '<c r="U5" s="99"><v>45000</v></c>',
    '<c r="V5"><f>1+1</f></c>',
    '<c r="W5" s="1"/>',
    '<c r="X5" t="inlineStr"><is><t>第一行\r\n第二行</t></is></c>',
]


@pytest.mark.parametrize("variant", ["plain", "no-refs", "prefixed", "comment", "pretty", "out-of-order"])
def test_hand_written_cells_same_as_calamine(tmp_path, variant):
    base = small_book(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        styles = z.read("xl/styles.xml").decode()
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1].split("</cellXfs>")[0])
    date_style = next(i for i, xf in enumerate(xfs) if 'applyNumberFormat="1"' in xf)
    cells = [c.replace('s="1"', f's="{date_style}"') for c in HAND_CELLS]
    row = '<row r="5">' + "".join(cells) + "</row>"

    def edit(xml: str) -> str:
        body = row
        if variant == "no-refs":   # cells placed after the previous one (and a row without r)
            body = '<row r="5">' + "".join(re.sub(r' r="[A-Z]+5"', "", c) for c in cells) + "</row>"
            body += '<row><c t="inlineStr"><is><t>第六行</t></is></c><c><v>6</v></c></row>'
        elif variant == "comment":
            body = "<!-- 注释 -->" + row.replace("<v>1.</v>", "<v><![CDATA[1.]]></v>")
        elif variant == "pretty":
            body = row.replace("><c ", ">\n  <c ")
        elif variant == "out-of-order":
            body = '<row r="7"><c r="B7"><v>7</v></c></row>' + row + '<row r="3"><c r="A3"><v>3</v></c></row>'
        xml = xml.replace("</sheetData>", body + "</sheetData>")
        if variant == "prefixed":
            xml = re.sub(r"<(/?)(worksheet|sheetData|row|c|v|f|is|t|r|rPr|b|rPh|dimension|sheetViews|sheetView|"
                         r"selection|sheetFormatPr|pageMargins)\b", r"<\1x:\2", xml)
            xml = xml.replace('xmlns="http', 'xmlns:x="http', 1).replace(
                '<x:row r="5">', '<x:row r="5"><x:c><x:v>0.25</x:v></x:c>')   # a cell with no attributes at all
        return xml
    path = with_sheet_xml(base, tmp_path / f"{variant}.xlsx", edit)
    grid = assert_same(path)[0].rows
    if variant == "plain":
        assert grid[4][0] == "富 文本 " and grid[4][3] == dt.datetime(2023, 3, 5, 14, 30, 15)
        assert grid[4][14] == dt.date(1900, 2, 28) and grid[4][18] == "中文A"


def test_shared_strings_forms_same_as_calamine(tmp_path):
    base = small_book(tmp_path / "base.xlsx")

    def edit(xml: str) -> str:
        extra = ('<si><r><t>富</t></r><r><t xml:space="preserve"> 文本</t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si>'
                 '<si><t xml:space="preserve">  保留  </t></si><si><t>  去掉  </t></si><si/><si><t>A&amp;B_x000D_</t></si>'
                 '<si>\n  <t>缩进</t>\n</si>')
        xml = re.sub(r'(count|uniqueCount)="\d+"', "", xml)
        return xml.replace("</sst>", extra + "</sst>")
    with zipfile.ZipFile(base) as z:
        n = len(re.findall(r"<si>", z.read("xl/sharedStrings.xml").decode()))
    assert n == 4
    path = with_sheet_xml(base, tmp_path / "sst.xlsx", edit, "xl/sharedStrings.xml")
    cells = "".join(f'<c r="{chr(65 + i)}9" t="s"><v>{n + i}</v></c>' for i in range(6))
    path = with_sheet_xml(path, tmp_path / "sst2.xlsx",
                          lambda x: x.replace("</sheetData>", f'<row r="9">{cells}</row></sheetData>'))
    grid = assert_same(path)[0].rows
    assert grid[8][:6] == ["富 文本", "  保留  ", "去掉", None, "A&B\r", "缩进"]


def test_date_conversion_matches_calamine_rules():
    assert excel_date(45000.0, DATETIME, False) == dt.date(2023, 3, 15)
    assert excel_date(45000.0, DATETIME, True) == dt.date(2027, 3, 16)
    assert excel_date(0.5, DATETIME, False) == dt.time(12)
    assert excel_date(1.5, TIMEDELTA, False) == dt.timedelta(days=1, hours=12)
    assert excel_date(-1e12, DATETIME, False) == -1e12 and excel_date(3e6, DATETIME, False) == 3e6
    assert format_kind("yyyy\"年\"m\"月\"d\"日\"") == DATETIME and format_kind("[h]:mm") == TIMEDELTA
    assert format_kind("#,##0.00_);[Red](#,##0.00)") == OTHER and format_kind("0\"天\"") == OTHER


# ----------------------------------------------------------------------------------- bounds and damaged parts
def test_cells_over_the_limit_refused_in_chinese(tmp_path, monkeypatch):
    path = small_book(tmp_path / "b.xlsx")
    monkeypatch.setattr(limits, "MAX_CELLS", 5)
    with pytest.raises(InputError, match="超过本工具一次能读取的 5 个"):
        read_workbook(path)


def test_damaged_sheet_and_package_said_in_chinese(tmp_path):
    base = small_book(tmp_path / "base.xlsx")
    for name, edit in [("bad_type.xlsx", lambda x: x.replace("</sheetData>", '<row r="9"><c r="A9" t="zz"><v>1</v>'
                                                                          "</c></row></sheetData>")),
                       ("bad_xml.xlsx", lambda x: x.replace("</sheetData>", '<row r="9"><c r="A9"><v>1</c></row>'
                                                                          "</sheetData>")),
                       ("bad_index.xlsx", lambda x: x.replace("</sheetData>", '<row r="9"><c r="A9" t="s"><v>999</v>'
                                                                            "</c></row></sheetData>"))]:
        path = with_sheet_xml(base, tmp_path / name, edit)
        with pytest.raises(InputError, match="工作表内容已损坏"):
            read_workbook(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(base.read_bytes()[:400])
    with pytest.raises(InputError, match="已损坏"):
        read_workbook(broken)


def test_only_used_cells_held(tmp_path):
    """A formatted cell far away (Excel writes <c r="XFD1048576" s="1"/>) widens nothing; a value there is left out
    with a note; the reader does not go through the rectangle between."""
    base = small_book(tmp_path / "base.xlsx")
    styled = with_sheet_xml(base, tmp_path / "styled.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'))
    assert read_workbook(styled)[0].rows == read_workbook(base)[0].rows
    far = with_sheet_xml(base, tmp_path / "far.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    sheet = read_workbook(far)[0]
    assert sheet.rows == read_workbook(base)[0].rows and "XFD1048576" in sheet.notes[0]


def test_book_lists_worksheets_only(tmp_path):
    path = openpyxl_book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as z:
        book = XlsxBook(z)
        assert book.worksheet_names == ["台账", "空表", "统计"]
    assert excel_read.sheet_names(path) == ["台账", "空表", "统计"]
