"""Excel 97–2003 (.xls) inputs: `subsidy` and `validate` write into a new .xlsx that keeps the user's workbook as it
looks (merged title, number formats, fonts, borders, widths, row heights, hidden rows and columns), and `subsidy`'s
five columns land in the rows and next to the columns where the ledger is — checked cell by cell against what was
written into the .xls, not against what the toolkit read."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import openpyxl
import pytest
import xlrd
import xlwt
from openpyxl.utils import get_column_letter

from conftest import valid_id
from toolkit.cli.main import main
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS

HEADER = ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "承办律师", "指派日期", "补贴金额", "挽回经济损失（万元）"]
# (type, stage, expected 补贴下限 under the Hunan standard)
CASES = [("刑事", "审判", 1500), ("民事", None, 1500), ("刑事", "侦查", 800), ("行政", None, 1500),
         ("刑事", "审查起诉", 800)]
DATE = "yyyy年m月d日"
WAN = '0.00"万元"'


@dataclass
class Shape:
    """One ledger sheet as a clerk might keep it in an .xls."""

    name: str = "案件台账"
    top: int = 0                      # empty rows above the title
    left: int = 0                     # empty columns left of the ledger
    title: bool = True                # a merged, bold, tall title row over the ledger
    title_span: int = len(HEADER)     # columns the title is merged over
    unit_line: bool = False           # "单位：元" under the title
    cases: int = 3
    first_case: int = 0               # which of CASES the sheet starts with
    hidden_cases: tuple[int, ...] = ()   # 0-based case numbers whose row is hidden
    hide_column: str | None = None    # a hidden ledger column (by header)
    total_row: bool = False           # a 合计 row under the cases
    rerun: bool = False               # the toolkit's columns are already there (a saved earlier output)

    # filled by write(): 0-based rows of the header and of each case, 0-based first column
    header_row: int = field(default=-1)
    case_rows: list[int] = field(default_factory=list)

    @property
    def last_col(self) -> int:
        """0-based last column of the ledger."""
        return self.left + len(HEADER) - 1


def write_xls(path, shapes: list[Shape], dates_1904: bool = False):
    """An .xls (xlwt) with one sheet per shape: bold merged title, bordered header, dates and 万元 amounts with their
    number formats, column widths, a tall title row, hidden rows and columns (dates counted from 1904 if asked, as
    Excel for Mac once saved them)."""
    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = dates_1904
    title_look = xlwt.easyxf("font: bold on, height 320; align: horiz center, vert center")
    header_look = xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin; "
                              "pattern: pattern solid, fore_colour light_yellow; align: horiz center, wrap on")
    date_look = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str=DATE)
    wan_look = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str=WAN)
    money_look = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="#,##0.00")
    plain = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
    for s in shapes:
        ws = book.add_sheet(s.name)
        r = s.top
        if s.title:
            ws.write_merge(r, r, s.left, s.left + s.title_span - 1, f"示例县法律援助中心2024年{s.name}", title_look)
            ws.row(r).height_mismatch = True
            ws.row(r).height = 600                       # 30 pt
            r += 1
        if s.unit_line:
            ws.write(r, s.left, "单位：元")
            r += 1
        header = HEADER + (list(TOOLKIT_LEDGER_COLUMNS) if s.rerun else [])
        for c, h in enumerate(header):
            ws.write(r, s.left + c, h, header_look)
        s.header_row, s.case_rows = r, []
        for k in range(s.cases):
            r += 1
            kind, stage, _ = CASES[(s.first_case + k) % len(CASES)]
            values = [f"(2024)湘0902法援{s.name}{k + 1:03d}号", f"受援人{k + 1}", valid_id(), kind, stage, f"律师{k % 2 + 1}",
                      dt.date(2024, k % 12 + 1, 5), 1500 + 100 * k, 0.35 + k]
            looks = [plain] * 6 + [date_look, money_look, wan_look]
            for c, (v, look) in enumerate(zip(values, looks)):
                if v is not None:
                    ws.write(r, s.left + c, v, look)
                else:
                    ws.write(r, s.left + c, None, look)    # a bordered blank cell
            if s.rerun:   # last run's figures, to be replaced
                for c in range(len(TOOLKIT_LEDGER_COLUMNS)):
                    ws.write(r, s.left + len(HEADER) + c, 9999 if c < 3 else "旧的")
            if k in s.hidden_cases:
                ws.row(r).hidden = True
            s.case_rows.append(r)
        if s.total_row:
            r += 1
            ws.write(r, s.left, "合计", plain)
            ws.write(r, s.left + HEADER.index("补贴金额"), sum(1500 + 100 * k for k in range(s.cases)), money_look)
        for c, width in enumerate([24, 10, 22, 10, 12, 10, 16, 12, 14]):
            ws.col(s.left + c).width = width * 256
        if s.hide_column:
            ws.col(s.left + HEADER.index(s.hide_column)).hidden = True
    book.save(str(path))
    return path


def expected_floor(shape: Shape, k: int) -> int:
    return CASES[(shape.first_case + k) % len(CASES)][2]


def assert_copy_keeps_the_xls(src, out, sheet: str, skip=range(0), from_row: int = 0):
    """Every cell of the .xls sheet (but those in columns `skip` from row `from_row` down, 0-based) is in the copy at
    the same place with its value and number format; merges,
    widths, hidden rows and columns and custom row heights are the .xls's."""
    book = xlrd.open_workbook(str(src), formatting_info=True)
    sh = book.sheet_by_name(sheet)
    ws = openpyxl.load_workbook(out)[sheet]
    for r in range(sh.nrows):
        for c in range(sh.ncols):
            cell = sh.cell(r, c)
            got = ws.cell(r + 1, c + 1)
            if c in skip and r >= from_row:
                continue
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                assert got.value is None, (sheet, got.coordinate, got.value)
                continue
            want = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                want = xlrd.xldate_as_datetime(want, book.datemode)
            assert got.value == want, (sheet, got.coordinate, got.value, want)
            fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
            if fmt.lower() != "general":
                assert got.number_format == fmt, (sheet, got.coordinate, got.number_format, fmt)
    want_merges = {f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1)}{r1}"
                   for r0, r1, c0, c1 in sh.merged_cells}
    assert {str(m) for m in ws.merged_cells.ranges} == want_merges
    for c, info in sh.colinfo_map.items():
        dim = ws.column_dimensions[get_column_letter(c + 1)]
        assert abs(dim.width - info.width / 256) < 0.1, (sheet, c, dim.width, info.width / 256)
        assert bool(dim.hidden) == bool(info.hidden), (sheet, c)
    for r in range(sh.nrows):
        info = sh.rowinfo_map.get(r)
        assert bool(ws.row_dimensions[r + 1].hidden) == bool(info and info.hidden), (sheet, r + 1)
        if info is not None and info.height_mismatch:
            assert ws.row_dimensions[r + 1].height == info.height / 20, (sheet, r + 1)
    return ws


def assert_toolkit_columns(ws, shape: Shape) -> None:
    """The five columns start right of the ledger, on the header row; each case row holds its own floor."""
    first = shape.last_col + 2                    # 1-based column right after the ledger
    header = shape.header_row + 1
    assert [ws.cell(header, first + i).value for i in range(5)] == list(TOOLKIT_LEDGER_COLUMNS)
    for k, r in enumerate(shape.case_rows):
        row = [ws.cell(r + 1, first + i).value for i in range(5)]
        floor = expected_floor(shape, k)
        assert row[0] == floor and row[2] == floor, (shape.name, r + 1, row)
    for r in range(1, header):                    # nothing of ours above the header (the title, the blank rows)
        assert all(ws.cell(r, first + i).value is None for i in range(5)), (shape.name, r)
    assert ws.cell(header, first + 5).value is None    # five columns, no sixth


SHAPES = {
    "表头不在第1行，前有空行空列": [Shape(top=2, left=2, unit_line=True)],
    "标题合并得比台账宽": [Shape(title_span=len(HEADER) + 3, top=1)],
    "隐藏的行和列": [Shape(cases=5, hidden_cases=(1, 3), hide_column="身份证号", total_row=True)],
    "没有标题，从A1开始": [Shape(title=False)],
    "已有工具列（再次计算）": [Shape(rerun=True, top=1, left=1)],
    "每月一表（1月…12月）": [Shape(name=f"{m}月", top=m % 3, left=m % 2, cases=2, first_case=m,
                              unit_line=m % 4 == 0) for m in range(1, 13)],
}


@pytest.mark.parametrize("label", SHAPES)
def test_subsidy_on_an_xls_keeps_its_look_and_puts_the_columns_at_the_ledgers_rows(tmp_path, capsys, label):
    shapes = SHAPES[label]
    src = write_xls(tmp_path / "台账.xls", shapes)
    before = src.read_bytes()
    code = main(["subsidy", str(src), "--json"])
    io = capsys.readouterr()
    data = json.loads(io.out)
    out = tmp_path / "台账_补贴.xlsx"
    assert code == 0 and out.exists() and src.read_bytes() == before
    assert data["cases"] == sum(s.cases for s in shapes)
    assert data["total_yuan"] == f"{sum(expected_floor(s, k) for s in shapes for k in range(s.cases)):.2f}"
    assert "Excel 97-2003" in io.err and "“台账_补贴.xlsx”" in io.err and "原文件未改动" in io.err
    for shape in shapes:
        ours = range(shape.last_col + 1, shape.last_col + 6)     # from the header row down: checked below
        ws = assert_copy_keeps_the_xls(src, out, shape.name, ours, shape.header_row)
        assert_toolkit_columns(ws, shape)
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names == [s.name for s in shapes] + ["补贴汇总"]


def test_dates_of_an_xls_counted_from_1904_are_the_same_dates_in_the_copy(tmp_path, capsys):
    shape = Shape(cases=4)
    src = write_xls(tmp_path / "台账.xls", [shape], dates_1904=True)
    assert xlrd.open_workbook(str(src)).datemode == 1
    assert main(["subsidy", str(src), "-o", str(tmp_path / "出.xlsx")]) == 0
    capsys.readouterr()
    ws = assert_copy_keeps_the_xls(src, tmp_path / "出.xlsx", shape.name, range(shape.last_col + 1, shape.last_col + 6),
                                   shape.header_row)
    column = shape.left + HEADER.index("指派日期") + 1
    assert [ws.cell(r + 1, column).value for r in shape.case_rows] == [dt.datetime(2024, m, 5) for m in (1, 2, 3, 4)]


def test_the_copy_keeps_fonts_borders_fills_and_alignment(tmp_path, capsys):
    shape = Shape(top=1, left=1)
    src = write_xls(tmp_path / "台账.xls", [shape])
    assert main(["subsidy", str(src), "-o", str(tmp_path / "出.xlsx")]) == 0
    capsys.readouterr()
    ws = openpyxl.load_workbook(tmp_path / "出.xlsx")[shape.name]
    title = ws.cell(shape.top + 1, shape.left + 1)
    assert title.font.b and title.font.sz == 16 and title.alignment.horizontal == "center"
    assert title.alignment.vertical == "center"
    head = ws.cell(shape.header_row + 1, shape.left + 1)
    assert head.font.b and head.border.left.style == "thin" and head.border.bottom.style == "thin"
    assert head.fill.fill_type == "solid" and head.fill.fgColor.rgb.endswith("FFFF99")   # xlwt's light_yellow
    assert head.alignment.wrap_text
    # a blank cell inside the bordered table keeps its border (诉讼阶段 of a 民事 case)
    blank = ws.cell(shape.case_rows[1] + 1, shape.left + HEADER.index("诉讼阶段") + 1)
    assert blank.value is None and blank.border.top.style == "thin"
    date = ws.cell(shape.case_rows[0] + 1, shape.left + HEADER.index("指派日期") + 1)
    assert date.value == dt.datetime(2024, 1, 5) and date.number_format == DATE
    wan = ws.cell(shape.case_rows[0] + 1, shape.left + HEADER.index("挽回经济损失（万元）") + 1)
    assert wan.value == 0.35 and wan.number_format == WAN


def test_csv_input_still_gets_a_values_copy(tmp_path, capsys):
    src = tmp_path / "台账.csv"
    src.write_text("案号,案件类型,诉讼阶段\nX1,民事,\nX2,刑事,侦查\n", encoding="utf-8")
    assert main(["subsidy", str(src)]) == 0
    assert "Excel 97-2003" not in capsys.readouterr().out
    ws = openpyxl.load_workbook(tmp_path / "台账_补贴.xlsx")["台账"]
    assert [[c.value for c in row] for row in ws.iter_rows(max_col=5)] == [
        ["案号", "案件类型", "诉讼阶段", "补贴下限", "补贴上限"], ["X1", "民事", None, 1500, 5000],
        ["X2", "刑事", "侦查", 800, 1500]]


def test_subsidy_on_an_excel95_xls_carries_its_gbk_text_and_dates(tmp_path, capsys):
    """An Excel 95 (BIFF5) ledger, its text in GBK: the copy holds the same text and dates at the same places."""
    from fuzz import hostile as h

    rows = [[], [None, "示例县法律援助中心2023年案件台账"], [None, *h.HEADER], *([None, *r] for r in h.ledger_rows(4))]
    src = h.biff5_workbook(tmp_path / "旧台账.xls", {"案件台账": rows, "说明": [["本表由Excel 95保存"]]})
    assert main(["subsidy", str(src), "-o", str(tmp_path / "出.xlsx")]) == 0
    assert "Excel 97-2003" in capsys.readouterr().out
    wb = openpyxl.load_workbook(tmp_path / "出.xlsx")
    ws = wb["案件台账"]
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            assert ws.cell(r, c).value == v, (ws.cell(r, c).coordinate, ws.cell(r, c).value, v)
    assert ws["I4"].is_date and ws["I4"].value == h.ledger_rows(1)[0][7]
    first = len(h.HEADER) + 2                      # right of the ledger, which starts in column B
    assert [ws.cell(3, first + i).value for i in range(5)] == list(TOOLKIT_LEDGER_COLUMNS)
    assert [ws.cell(r, first).value for r in range(4, 8)] == [1500, 1500, 1500, 800]
    assert wb["说明"]["A1"].value == "本表由Excel 95保存"


def test_validate_annotates_an_excel95_xls_in_its_copy(tmp_path, capsys):
    from fuzz import hostile as h

    rows = [["某县法律援助中心2025年支出预算表"], ["单位：万元"], ["项目", "预算数"], ["合计", 250], ["基本支出", 180],
            ["项目支出", 60]]
    src = h.biff5_workbook(tmp_path / "预算.xls", {"支出预算": rows})
    assert main(["validate", str(src), "-o", str(tmp_path / "出.xlsx")]) == 1
    assert "支出预算!B4" in capsys.readouterr().out
    ws = openpyxl.load_workbook(tmp_path / "出.xlsx")["支出预算"]
    assert [[c.value for c in row] for row in ws.iter_rows(max_col=2)] == [r + [None] * (2 - len(r)) for r in rows]
    assert "应为" in ws["B4"].comment.text and ws["B4"].fill.fgColor.rgb.endswith("FFC7CE")


def test_an_xls_whose_formats_cannot_be_followed_gets_a_values_copy_and_says_so(tmp_path, capsys, monkeypatch):
    """xlrd failing on the formats (a record it cannot follow) while the reader read the values: the results are
    written into a values-only copy, and the user is told the formats were not carried."""
    from toolkit.io import xls_copy

    def cannot(path):
        raise xlrd.XLRDError("unsupported record")
    monkeypatch.setattr(xls_copy, "_open", cannot)
    shape = Shape(top=1)
    src = write_xls(tmp_path / "台账.xls", [shape])
    assert main(["subsidy", str(src)]) == 0
    out = capsys.readouterr().out
    assert "只带入了各工作表的数值" in out and "“台账_补贴.xlsx”" in out
    ws = openpyxl.load_workbook(tmp_path / "台账_补贴.xlsx")[shape.name]
    assert not ws.merged_cells.ranges                       # a values copy: no merge, no format
    assert ws.cell(shape.case_rows[0] + 1, 1).value.startswith("(2024)")
    assert_toolkit_columns(ws, shape)


def xlsx_as_xls(src, target):
    """The values and merges of an .xlsx saved as an .xls (xlwt), dates with a date format: a centre's older copy."""
    wb = openpyxl.load_workbook(src)
    book = xlwt.Workbook(encoding="utf-8")
    date_look = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for ws in wb.worksheets:
        out = book.add_sheet(ws.title)
        tails = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                 for c in range(m.min_col, m.max_col + 1) if (r, c) != (m.min_row, m.min_col)}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or (cell.row, cell.column) in tails:
                    continue
                if isinstance(cell.value, dt.datetime):
                    out.write(cell.row - 1, cell.column - 1, cell.value, date_look)
                else:
                    out.write(cell.row - 1, cell.column - 1, cell.value)
        for m in ws.merged_cells.ranges:
            out.merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1)
    book.save(str(target))
    return target


def test_a_slip_in_an_xls_summary_sheet_is_marked_at_its_cell_in_the_copy(tmp_path, capsys):
    """A workbook with monthly sheets and a 汇总 sheet kept as .xls: the summary figure that disagrees with the ledger
    is commented at its cell of the copy, as it is for an .xlsx."""
    from summary_corpus import ledger_book

    book = ledger_book(tmp_path, 0, layout="months", kind="type", name="汇总", first=False, hidden=False,
                       values="plain", unit="元", slip=True)
    ((sheet, row),) = book.slips
    src = xlsx_as_xls(book.path, tmp_path / "台账.xls")
    assert main(["subsidy", str(src), "--json"]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["severity"], finding["sheet"], finding["row"]) == ("warning", sheet, row)
    ws = openpyxl.load_workbook(tmp_path / "台账_补贴.xlsx")[sheet]
    marked = [c.coordinate for r in ws.iter_rows() for c in r if c.comment is not None]
    assert len(marked) == 1 and int(marked[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == row
    assert "汇总表本身不计入统计" in ws[marked[0]].comment.text


def test_xlrd_warnings_stay_out_of_the_json_output(tmp_path):
    """An .xls with a few stray bytes at its end (xlrd warns "file size … not 512 + multiple of sector size" on
    stdout by default): `--json` output is still one JSON document."""
    import subprocess
    import sys
    from pathlib import Path

    src = write_xls(tmp_path / "台账.xls", [Shape()])
    src.write_bytes(src.read_bytes() + b"\0" * 100)
    run = subprocess.run([sys.executable, "-m", "toolkit", "subsidy", str(src), "--json"], capture_output=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=300)
    assert run.returncode == 0, run.stderr.decode()
    assert json.loads(run.stdout.decode())["cases"] == 3
    assert b"WARNING" not in run.stdout + run.stderr


def test_an_xls_ledgers_hidden_rows_are_read_and_said_as_in_an_xlsx(tmp_path, capsys):
    """Rows hidden in an .xls (by hand, or filtered out) are read like the others, and the clerk is told which, as
    for an .xlsx: python-calamine does not say, so they come from the .xls's ROW records."""
    from toolkit.io.excel_read import read_workbook

    shapes = [Shape(name="一月", cases=5, hidden_cases=(1, 3), top=1), Shape(name="Feb", cases=3),
              Shape(name="三月", cases=4, hidden_cases=(0,))]
    src = write_xls(tmp_path / "台账.xls", shapes)
    book = xlrd.open_workbook(str(src), formatting_info=True)
    for shape, sheet in zip(shapes, read_workbook(src, hidden=True)):
        want = {r for r, info in book.sheet_by_name(shape.name).rowinfo_map.items() if info.hidden}
        assert want == {shape.case_rows[k] for k in shape.hidden_cases}     # what xlwt wrote is what we planted
        assert sheet.name == shape.name and sheet.hidden == want
    assert all(s.hidden == frozenset() for s in read_workbook(src))       # asked for only by the ledger commands
    code = main(["subsidy", str(src)])
    said = capsys.readouterr()
    assert code == 0
    rows = "、".join(str(shapes[0].case_rows[k] + 1) for k in (1, 3))
    lines = [line for line in (said.out + said.err).splitlines() if "行在 Excel 中是隐藏" in line]
    assert lines == [f"「一月」：第{rows}行在 Excel 中是隐藏或被筛选掉的行，也已读取（共 2 行）。",
                     f"「三月」：第{shapes[2].case_rows[0] + 1}行在 Excel 中是隐藏或被筛选掉的行，也已读取（共 1 行）。"]
