"""XlsxPatch: edits keep everything else in the user's workbook (charts, images, VBA, comments, styles)."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import python_calamine
import xlsxwriter
import xlwings

from toolkit.base.errors import InputError
from toolkit.io.xlsx.patch import CellStyle, ChartSpec, Formula, SheetSpec, XlsxPatch
from toolkit.io.xlsx.zip_write import ZipWriter

from tests.minimal_package import workbook

# a real vbaProject.bin: the one in the quickstart workbook that the installed xlwings ships
VBA_SOURCE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


def tiny_png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def build_ledger(path: Path, vba: bytes | None = None) -> Path:
    """A user's ledger: chart, image, defined name, validation, comment, merge, number formats, 2nd sheet."""
    png = path.parent / "logo.png"
    png.write_bytes(tiny_png())
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True, "border": 1})
    ws.write_row(0, 0, ["案号", "类型", "金额", "日期"], bold)
    for i in range(1, 8):
        ws.write_string(i, 0, f"案{i}")
        ws.write_string(i, 1, "民事" if i % 2 else "刑事")
        ws.write_number(i, 2, i * 100.5, money)
        ws.write_datetime(i, 3, dt.datetime(2024, 1, i), date)
    ws.merge_range("F1:G1", "合并标题", bold)
    ws.write_comment("A2", "用户自己的批注", {"author": "会计"})
    ws.data_validation("B2:B8", {"validate": "list", "source": ["民事", "刑事"]})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "='台账'!$C$2:$C$8", "categories": "='台账'!$A$2:$A$8"})
    ws.insert_chart("I2", chart)
    ws.insert_image("I20", str(png))
    wb.define_name("cases.民事", "='台账'!$C$5")
    ws2 = wb.add_worksheet("O'Brien 表")
    ws2.write("A1", 42)
    if vba is not None:
        vba_path = path.parent / "vbaProject.bin"
        vba_path.write_bytes(vba)
        wb.add_vba_project(str(vba_path))
    wb.close()
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def cell_styles(sheet_xml: bytes) -> dict[str, str | None]:
    out = {}
    for m in re.finditer(rb"<c\b([^>]*?)(?:/>|>)", sheet_xml):
        attrs = m.group(1).decode()
        ref = re.search(r'\br="([A-Z]+\d+)"', attrs).group(1)
        s = re.search(r'\bs="(\d+)"', attrs)
        out[ref] = s.group(1) if s else None
    return out


def cell_xml(sheet_xml: bytes, ref: str) -> str:
    m = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), sheet_xml, re.S)
    return m.group(0).decode() if m else ""


def rels_targets(data: bytes) -> list[str]:
    return re.findall(rb'Target="([^"]+)"', data)


def assert_package_consistent(path: Path) -> None:
    """Every relationship target and every content-type override names a part that exists."""
    data = members(path)
    for name, body in data.items():
        if not name.endswith(".rels"):
            continue
        base = posixpath.dirname(posixpath.dirname(name))
        for m in re.finditer(rb"<Relationship\b[^>]*>", body):
            tag = m.group(0).decode()
            if 'TargetMode="External"' in tag:
                continue
            target = re.search(r'Target="([^"]+)"', tag).group(1)
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            assert part in data, (name, target)
    for part in re.findall(rb'PartName="/([^"]+)"', data["[Content_Types].xml"]):
        assert part.decode() in data, part


@pytest.fixture
def ledger(tmp_path) -> Path:
    return build_ledger(tmp_path / "台账.xlsx")


def test_patch_keeps_untouched_parts_byte_identical(ledger, tmp_path):
    before = members(ledger)
    p = XlsxPatch(ledger)
    assert p.sheet_names() == ["台账", "O'Brien 表"]
    assert p.defined_names() == {"cases.民事": "'台账'!$C$5"}
    head = CellStyle(bold=True, fill="FFF2CC")
    p.set_cells("台账", {(1, 5): "核定金额", (1, 6): "核对"}, style=head)
    p.set_cells("台账", {(r, 5): Decimal(r) * Decimal("1.10") for r in range(2, 9)},
                style=CellStyle(num_format="#,##0.00"))
    p.set_cells("台账", {(r, 8): "一致" if r % 2 else "不一致" for r in range(2, 9)})
    p.set_cells("台账", {(2, 10): Formula("=C2*2"), (3, 10): dt.date(2025, 3, 1)})
    p.highlight("台账", "C3", "金额与标准不符")
    p.add_sheet(SheetSpec("统计表", [[("类型", head), ("件数", head)], ["民事", 4], ["刑事", 3]],
                          charts=[ChartSpec("column", "案件构成", "A2:A3", [("件数", "B2:B3")], y_title="件")],
                          col_widths={1: 14}, freeze=(1, 0), merges=[], autofilter="A1:B3"))
    out = tmp_path / "out.xlsx"
    p.save(out)
    after = members(out)
    assert_package_consistent(out)

    changed = {n for n in before if n in after and before[n] != after[n]}
    assert changed <= {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                       "xl/worksheets/sheet1.xml", "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml"}
    assert "xl/worksheets/sheet1.xml" in changed
    assert set(before) <= set(after)                          # nothing dropped
    for name in ("xl/charts/chart1.xml", "xl/drawings/drawing1.xml", "xl/media/image1.png",
                 "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml", "xl/worksheets/_rels/sheet1.xml.rels",
                 "xl/drawings/_rels/drawing1.xml.rels", "docProps/app.xml"):
        assert after[name] == before[name], name
    # the user's chart and image are still referenced from the sheet through its drawing
    sheet_rels = after["xl/worksheets/_rels/sheet1.xml.rels"]
    assert b"../drawings/drawing1.xml" in rels_targets(sheet_rels)
    rid = re.search(rb'Id="(rId\d+)"[^>]*drawing1.xml|drawing1.xml"[^>]*Id="(rId\d+)"', sheet_rels)
    assert f'<drawing r:id="{(rid.group(1) or rid.group(2)).decode()}"/>'.encode() in after["xl/worksheets/sheet1.xml"]
    drawing_targets = rels_targets(after["xl/drawings/_rels/drawing1.xml.rels"])
    assert b"../charts/chart1.xml" in drawing_targets and b"../media/image1.png" in drawing_targets

    # values read back cell by cell with openpyxl and calamine
    wb = openpyxl.load_workbook(out)
    ws = wb["台账"]
    assert ws["E1"].value == "核定金额" and ws["E1"].font.b and ws["E1"].fill.fgColor.rgb == "FFFFF2CC"
    for r in range(2, 9):
        assert ws.cell(r, 5).value == pytest.approx(float(Decimal(r) * Decimal("1.10")))
        assert ws.cell(r, 5).number_format == "#,##0.00"
        assert ws.cell(r, 8).value == ("一致" if r % 2 else "不一致")
        assert ws.cell(r, 3).value == pytest.approx(r * 100.5 - 100.5)  # untouched
    assert ws["J2"].value == "=C2*2"
    assert ws["J3"].value == dt.datetime(2025, 3, 1) and ws["J3"].is_date
    assert ws["C2"].number_format == "#,##0.00" and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].fill.fgColor.rgb == "FFFFFF00" and ws["C3"].number_format == "#,##0.00"
    assert ws["C3"].comment.author == "法援工具箱" and "金额与标准不符" in ws["C3"].comment.text
    assert ws["A2"].comment.text.startswith("用户自己的批注")
    assert "F1:G1" in {str(m) for m in ws.merged_cells.ranges}
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["B2:B8"]
    assert ws.dimensions == "A1:J8"
    assert wb.defined_names["cases.民事"].attr_text == "'台账'!$C$5"
    assert wb.sheetnames == ["台账", "O'Brien 表", "统计表"]
    assert len(wb["统计表"]._charts) == 1 and len(ws._charts) == 1
    assert wb["统计表"].freeze_panes == "A2" and wb["统计表"].column_dimensions["A"].width == 14

    cal = python_calamine.CalamineWorkbook.from_path(str(out))
    rows = cal.get_sheet_by_name("台账").to_python()
    assert rows[0][4] == "核定金额" and rows[0][7] == ""
    assert rows[2][7] == "一致" and rows[1][7] == "不一致"
    assert rows[3][4] == pytest.approx(4.4)
    assert cal.get_sheet_by_name("统计表").to_python() == [["类型", "件数"], ["民事", 4.0], ["刑事", 3.0]]
    assert cal.get_sheet_by_name("O'Brien 表").to_python() == [[42.0]]

    # untouched cells keep their exact style index
    old_s, new_s = cell_styles(before["xl/worksheets/sheet1.xml"]), cell_styles(after["xl/worksheets/sheet1.xml"])
    for ref, s in old_s.items():
        if ref not in ("C3", "E1", "F1"):
            assert new_s[ref] == s, ref
    # formulas recalculate on open; no stale calcChain
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    chart_xml = after["xl/charts/chart2.xml"].decode()
    assert "'统计表'!$B$2:$B$3" in chart_xml and "<c:barChart>" in chart_xml


def test_xlsm_keeps_vba_project(tmp_path):
    with zipfile.ZipFile(VBA_SOURCE) as z:
        vba = z.read("xl/vbaProject.bin")
    src = build_ledger(tmp_path / "宏.xlsm", vba=vba)
    p = XlsxPatch(src)
    p.set_cells("台账", {(2, 6): "已核对"})
    p.highlight("台账", "B2", "类型待确认")
    with pytest.raises(InputError):
        p.save(tmp_path / "out.xlsx")
    p.save(tmp_path / "out.xlsm")
    after = members(tmp_path / "out.xlsm")
    assert after["xl/vbaProject.bin"] == vba == members(src)["xl/vbaProject.bin"]
    assert b"macroEnabled" in after["[Content_Types].xml"]
    assert b"vbaProject.bin" in after["xl/_rels/workbook.xml.rels"]
    wb = openpyxl.load_workbook(tmp_path / "out.xlsm", keep_vba=True)
    assert wb["台账"]["F2"].value == "已核对"


def test_untrusted_text_is_never_a_formula(ledger, tmp_path):
    texts = ["=1+1", "+86", "-5", "@x", "=HYPERLINK(\"http://x\")", "  lead & <tag>", "_x0041_"]
    p = XlsxPatch(ledger)
    p.set_cells("台账", {(10 + i, 1): t for i, t in enumerate(texts)})
    p.save(tmp_path / "out.xlsx")
    sheet = members(tmp_path / "out.xlsx")["xl/worksheets/sheet1.xml"]
    for i, t in enumerate(texts):
        xml = cell_xml(sheet, f"A{10 + i}")
        assert 't="inlineStr"' in xml and "<f>" not in xml, xml
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["台账"]
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name("台账").to_python()
    for i, t in enumerate(texts):
        assert ws.cell(10 + i, 1).data_type == "s"
        if t != "_x0041_":   # openpyxl does not undo Excel's _x005F_ escape; calamine (like Excel) does
            assert ws.cell(10 + i, 1).value == t
        assert rows[9 + i][0] == t


def test_highlights_are_idempotent_and_reversible(ledger, tmp_path):
    original = members(ledger)
    p = XlsxPatch(ledger)
    p.highlight("台账", "C3", "金额异常")
    p.highlight("台账", "A2", "案号重复")          # a cell that already has the user's comment
    p.highlight("台账", "K9", "缺少记录")          # an empty cell
    p.highlight("台账", "C3", "金额异常")          # twice in one session: once
    first = tmp_path / "first.xlsx"
    p.save(first)
    f1 = members(first)
    ws = openpyxl.load_workbook(first)["台账"]
    assert ws["C3"].fill.fgColor.rgb == "FFFFFF00" and ws["C3"].number_format == "#,##0.00"
    assert ws["A2"].comment.text.startswith("用户自己的批注") and "案号重复" in ws["A2"].comment.text
    assert ws["K9"].comment.author == "法援工具箱"

    again = XlsxPatch(first)                       # re-run on the output: highlight again
    again.highlight("台账", "C3", "金额异常")
    again.highlight("台账", "A2", "案号重复")
    again.highlight("台账", "K9", "缺少记录")
    again.save(tmp_path / "again.xlsx")
    assert members(tmp_path / "again.xlsx") == f1

    rerun = XlsxPatch(first)                       # clear + highlight: same content, no stacking
    rerun.clear_highlights()
    rerun.highlight("台账", "C3", "金额异常")
    rerun.highlight("台账", "A2", "案号重复")
    rerun.highlight("台账", "K9", "缺少记录")
    rerun.save(tmp_path / "rerun.xlsx")
    assert members(tmp_path / "rerun.xlsx") == f1

    cleared = XlsxPatch(first)
    cleared.clear_highlights()
    cleared.save(tmp_path / "cleared.xlsx")
    after = members(tmp_path / "cleared.xlsx")
    assert cell_styles(after["xl/worksheets/sheet1.xml"]) == cell_styles(original["xl/worksheets/sheet1.xml"])
    ws = openpyxl.load_workbook(tmp_path / "cleared.xlsx")["台账"]
    assert ws["A2"].comment.text == "用户自己的批注" and ws["A2"].comment.author == "会计"
    assert ws["C3"].comment is None and ws["K9"].comment is None
    assert not any(n.startswith("customXml/") for n in after)
    for f in ("first", "again", "rerun", "cleared"):
        assert_package_consistent(tmp_path / f"{f}.xlsx")
    untouched = XlsxPatch(ledger)        # clearing when nothing was highlighted leaves comments alone
    untouched.clear_highlights()
    untouched.save(tmp_path / "none.xlsx")
    none = members(tmp_path / "none.xlsx")
    assert {n for n in original if original[n] != none[n]} <= {"xl/workbook.xml"}
    assert "法援工具箱" not in after["xl/comments1.xml"].decode()


def test_highlight_creates_comments_part_and_clear_removes_it(tmp_path):
    src = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "数据"
    wb.active["A1"] = 1
    wb.save(src)
    before = members(src)
    p = XlsxPatch(src)
    p.highlight("数据", "A1", "请核对")
    p.save(tmp_path / "h.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "h.xlsx")["数据"]
    assert ws["A1"].comment.text.endswith("请核对") and ws["A1"].fill.fgColor.rgb == "FFFFFF00"
    q = XlsxPatch(tmp_path / "h.xlsx")
    q.clear_highlights()
    q.save(tmp_path / "c.xlsx")
    after = members(tmp_path / "c.xlsx")
    assert set(after) == set(before)
    assert_package_consistent(tmp_path / "h.xlsx")
    assert_package_consistent(tmp_path / "c.xlsx")
    assert cell_styles(after["xl/worksheets/sheet1.xml"]) == cell_styles(before["xl/worksheets/sheet1.xml"])
    assert b"legacyDrawing" not in after["xl/worksheets/sheet1.xml"]


def test_add_sheet_replace_on_rerun_gives_one_sheet_one_chart(ledger, tmp_path):
    spec = SheetSpec("O'Brien 统计", [["类型", "件数"], ["民事", 4], ["刑事", 3]],
                     charts=[ChartSpec("pie", "构成", "A2:A3", [("件数", "B2:B3")])],
                     hyperlinks={"A1": "'台账'!C5"}, landscape=True, fit_width=True)
    p = XlsxPatch(ledger)
    p.add_sheet(spec, position=0)
    p.save(tmp_path / "one.xlsx")
    q = XlsxPatch(tmp_path / "one.xlsx")
    assert q.sheet_names() == ["O'Brien 统计", "台账", "O'Brien 表"]
    spec.rows[1][1] = 5
    q.add_sheet(spec)
    q.save(tmp_path / "two.xlsx")
    names = members(tmp_path / "two.xlsx")
    assert_package_consistent(tmp_path / "two.xlsx")
    assert re.search(rb'<workbookView[^>]*activeTab="1"', names["xl/workbook.xml"])   # 台账 stays the active tab
    assert len([n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 2   # user's + ours
    assert len([n for n in names if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]) == 2
    wb = openpyxl.load_workbook(tmp_path / "two.xlsx")
    assert wb.sheetnames == ["O'Brien 统计", "台账", "O'Brien 表"]
    ws = wb["O'Brien 统计"]
    assert len(ws._charts) == 1 and ws["B2"].value == 5
    assert ws.page_setup.orientation == "landscape" and ws["A1"].hyperlink.location == "'台账'!C5"
    chart = [v for n, v in names.items() if n.startswith("xl/charts/") and b"pieChart" in v]
    assert len(chart) == 1 and b"'O''Brien \xe7\xbb\x9f\xe8\xae\xa1'!$B$2:$B$3" in chart[0]
    assert wb.defined_names["cases.民事"].attr_text == "'台账'!$C$5"
    # re-running the same replacement again gives the same bytes
    r = XlsxPatch(tmp_path / "two.xlsx")
    r.add_sheet(spec)
    r.save(tmp_path / "three.xlsx")
    assert members(tmp_path / "three.xlsx") == names


def test_rerun_of_clear_columns_and_set_cells_is_stable(ledger, tmp_path):
    def patch(src, dst):
        p = XlsxPatch(src)
        p.clear_columns("台账", 5, 6)
        p.set_cells("台账", {(r, 5): r * 10 for r in range(1, 6)})
        p.set_column_width("台账", 5, 18)
        p.save(dst)
    patch(ledger, tmp_path / "a.xlsx")
    patch(tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    a, b = members(tmp_path / "a.xlsx"), members(tmp_path / "b.xlsx")
    assert a == b
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["台账"]
    assert [ws.cell(r, 5).value for r in range(1, 9)] == [10, 20, 30, 40, 50, None, None, None]
    assert ws["F1"].value is None and ws.column_dimensions["E"].width == 18
    assert ws.dimensions == "A1:G8"   # G1 is the merged cell's styled blank


def test_remove_sheet(ledger, tmp_path):
    p = XlsxPatch(ledger)
    p.add_sheet(SheetSpec("临时", [[1]], charts=[ChartSpec("line", "t", "A1:A1", [("s", "A1:A1")])]))
    p.save(tmp_path / "a.xlsx")
    q = XlsxPatch(tmp_path / "a.xlsx")
    q.remove_sheet("临时")
    q.save(tmp_path / "b.xlsx")
    assert set(members(tmp_path / "b.xlsx")) == set(members(ledger))
    assert_package_consistent(tmp_path / "b.xlsx")
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames == ["台账", "O'Brien 表"]


def test_replacing_a_user_sheet_drops_its_old_drawing(ledger, tmp_path):
    p = XlsxPatch(ledger)
    p.add_sheet(SheetSpec("台账", [["重建"]], charts=[ChartSpec("line", "趋势", "A1:A1", [("s", "A1:A1")])]))
    p.save(tmp_path / "r.xlsx")
    after = members(tmp_path / "r.xlsx")
    assert_package_consistent(tmp_path / "r.xlsx")
    assert "xl/media/image1.png" not in after and "xl/comments1.xml" not in after
    assert [n for n in after if n.startswith("xl/charts/")] == ["xl/charts/chart1.xml"]
    assert b"lineChart" in after["xl/charts/chart1.xml"]
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["台账", "O'Brien 表"] and wb["台账"]["A1"].value == "重建"
    assert len(wb["台账"]._charts) == 1


def test_atomic_save_leaves_nothing_on_failure(ledger, tmp_path, monkeypatch):
    original = ledger.read_bytes()
    p = XlsxPatch(ledger)
    p.set_cells("台账", {(1, 5): "新列"})
    def failing(real):   # fails midway, after some members were written
        def write(self, name, *args, **kwargs):
            if name == "xl/worksheets/sheet1.xml":
                self.fh.write(b"half a sheet")
                raise OSError("disk full")
            return real(self, name, *args, **kwargs)
        return write
    monkeypatch.setattr(ZipWriter, "write", failing(ZipWriter.write))
    monkeypatch.setattr(ZipWriter, "write_pieces", failing(ZipWriter.write_pieces))
    with pytest.raises(OSError):
        p.save(tmp_path / "out.xlsx")
    with pytest.raises(OSError):
        p.save(ledger)
    assert not (tmp_path / "out.xlsx").exists()
    assert sorted(os.listdir(tmp_path)) == ["logo.png", "台账.xlsx"]
    assert ledger.read_bytes() == original
    monkeypatch.undo()
    p.save(ledger)            # explicitly saving over the source is allowed
    assert openpyxl.load_workbook(ledger)["台账"]["E1"].value == "新列"


def raw_workbook(path: Path, sheet_data: str) -> Path:
    """A minimal hand-made package (rows/cells written without r attributes, like some writers do)."""
    path.write_bytes(workbook("", sheet_data))
    return path


def test_calc_chain_is_dropped_when_cells_change(tmp_path):
    src = raw_workbook(tmp_path / "cc.xlsx", '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>')
    with zipfile.ZipFile(src, "a") as z:   # add a calcChain like Excel writes
        z.writestr("xl/calcChain.xml", '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                   'main"><c r="A1" i="1"/></calcChain>')
    data = members(src)
    data["xl/_rels/workbook.xml.rels"] = data["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    with zipfile.ZipFile(src, "w") as z:
        for n, d in data.items():
            z.writestr(n, d)
    p = XlsxPatch(src)
    p.set_cells("数据", {(1, 1): 5})
    p.save(src)                      # saving over the source, explicitly
    after = members(src)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"] + after["[Content_Types].xml"]
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    assert openpyxl.load_workbook(src)["数据"]["A1"].value == 5


def test_rows_and_cells_without_r_attributes(tmp_path):
    src = raw_workbook(tmp_path / "nor.xlsx",
                       "<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"
                       "<row><c><v>5</v></c><c><v>6</v></c></row>")
    p = XlsxPatch(src)
    p.set_cells("数据", {(2, 2): "乙", (2, 4): 4.5, (5, 1): "新行"}, style=CellStyle(bold=True))
    p.save(tmp_path / "out.xlsx")
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")).get_sheet_by_name("数据").to_python()
    assert rows == [[1.0, 2.0, "", ""], [3.0, "乙", "", 4.5], [5.0, 6.0, "", ""], ["", "", "", ""],
                    ["新行", "", "", ""]]
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["数据"]
    assert ws["B2"].value == "乙" and ws["B2"].font.b and ws["A3"].value == 5 and ws.dimensions == "A1:D5"


def test_shared_formula_master_is_refused(tmp_path):
    src = raw_workbook(tmp_path / "sf.xlsx",
                       '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B2" si="0">A1*2</f>'
                       '<v>2</v></c></row><row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/>'
                       "<v>4</v></c></row>")
    p = XlsxPatch(src)
    p.set_cells("数据", {(1, 2): 9})
    with pytest.raises(InputError, match="共享公式"):
        p.save(tmp_path / "out.xlsx")
    q = XlsxPatch(src)
    q.set_cells("数据", {(2, 2): 9})       # a dependent cell may be overwritten
    q.save(tmp_path / "ok.xlsx")
    assert openpyxl.load_workbook(tmp_path / "ok.xlsx")["数据"]["B2"].value == 9


def test_unusable_inputs_give_chinese_errors(tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(InputError, match="坏.xlsx"):
        XlsxPatch(bad)
    ole = tmp_path / "旧.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match="加密|旧版"):
        XlsxPatch(ole)
    with pytest.raises(InputError, match="没有这个工作表"):
        XlsxPatch(build_ledger(tmp_path / "l.xlsx")).set_cells("不存在", {(1, 1): 1})


def test_dates_follow_the_workbooks_date_system(tmp_path):
    for epoch, name in ((openpyxl.utils.datetime.CALENDAR_WINDOWS_1900, "win.xlsx"),
                        (openpyxl.utils.datetime.CALENDAR_MAC_1904, "mac.xlsx")):
        wb = openpyxl.Workbook()
        wb.epoch = epoch
        wb.active.title = "数据"
        wb.active["A1"] = 1
        wb.save(tmp_path / name)
        p = XlsxPatch(tmp_path / name)
        p.set_cells("数据", {(1, 2): dt.date(2024, 5, 6), (1, 3): dt.datetime(2024, 5, 6, 12, 30)})
        p.save(tmp_path / f"out_{name}")
        ws = openpyxl.load_workbook(tmp_path / f"out_{name}")["数据"]
        assert ws["B1"].value == dt.datetime(2024, 5, 6) and ws["B1"].number_format == "yyyy-mm-dd"
        assert ws["C1"].value == dt.datetime(2024, 5, 6, 12, 30)
        rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / f"out_{name}")).get_sheet_by_index(0)
        assert rows.to_python()[0][1:] == [dt.date(2024, 5, 6), dt.datetime(2024, 5, 6, 12, 30)]


# -- set_columns: a block of whole columns (the subsidy command's five columns on 100k rows)

def spans_ledger(path: Path) -> Path:
    """Rows as Excel writes them: r attributes and spans hints; row 4 has a styled blank far to the right."""
    return raw_workbook(path, '<row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t>案号</t></is></c>'
                        '<c r="B1"><v>1</v></c></row>'
                        '<row r="2" spans="1:2" ht="20" customHeight="1"><c r="A2"><v>2</v></c></row>'
                        '<row r="3" spans="1:2"><c r="A3"><v>3</v></c><c r="B3"><v>4</v></c></row>'
                        '<row r="4" spans="1:6"><c r="A4"><v>5</v></c><c r="F4" s="0"/></row>'
                        '<row r="6"><c r="B6"><v>7</v></c></row>')


def test_set_columns_appends_a_block_and_replaces_it_on_a_rerun(tmp_path):
    src = spans_ledger(tmp_path / "in.xlsx")
    money = CellStyle(num_format="#,##0.00")
    red = CellStyle(fill="FFC7CE")

    def run(source, target):
        p = XlsxPatch(source)
        p.clear_columns("数据", 4, 5, from_row=2)
        p.set_columns("数据", 4, [2, 3, 4, 5, 6], [
            [Decimal("1500.50"), None, 3, 4, Decimal("0.5")],
            ["=SUM(A1:A9)", "甲", None, "@x", "-1"],
        ], [money, [None, red, None, None, red]])
        p.save(target)

    run(src, tmp_path / "a.xlsx")
    run(tmp_path / "a.xlsx", tmp_path / "b.xlsx")   # the block replaces its own earlier cells
    a, b = members(tmp_path / "a.xlsx"), members(tmp_path / "b.xlsx")
    assert a["xl/worksheets/sheet1.xml"] == b["xl/worksheets/sheet1.xml"]
    sheet = b["xl/worksheets/sheet1.xml"]
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["数据"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=6, max_col=6)] == [
        ["案号", 1, None, None, None, None],
        [2, None, None, 1500.5, "=SUM(A1:A9)", None],
        [3, 4, None, None, "甲", None],
        [5, None, None, 3, None, None],
        [None, None, None, 4, "@x", None],
        [None, 7, None, 0.5, "-1", None],
    ]
    assert ws["E2"].data_type == "s" and "<f>" not in cell_xml(sheet, "E2")    # text, never a formula
    assert ws["D2"].number_format == "#,##0.00" and ws["E3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["E2"].fill.fgColor.rgb in (None, "00000000")
    assert cell_xml(sheet, "D3") == "" and cell_xml(sheet, "E4") == ""       # None: no cell at all
    assert ws.row_dimensions[2].height == 20                                 # other row attributes kept
    assert b"spans" not in re.search(rb'<row r="2"[^>]*>', sheet).group(0)  # a stale hint is dropped
    assert b'spans="1:2"' in re.search(rb'<row r="1"[^>]*>', sheet).group(0)  # an untouched row keeps it
    assert re.search(rb'<dimension ref="([^"]+)"', sheet).group(1) == b"A1:F6"
    # row 4 had a cell (F4) right of the block: rewritten the slow way, cells still in column order
    assert re.findall(rb'<c r="([A-Z]+)4"', sheet) == [b"A", b"D", b"F"]
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "b.xlsx")).get_sheet_by_name("数据").to_python()
    assert rows[4][:5] == ["", "", "", 4.0, "@x"]


def test_set_columns_on_rows_without_r_attributes_and_with_set_cells(tmp_path):
    src = raw_workbook(tmp_path / "nor.xlsx", "<row><c><v>1</v></c></row><row><c><v>2</v></c><c><v>3</v></c></row>")
    p = XlsxPatch(src)
    p.set_cells("数据", {(2, 3): "旧", (2, 4): "留", (1, 1): 9})
    p.set_columns("数据", 3, [1, 2, 3], [["x", "新", dt.date(2024, 2, 29)]], [None])
    p.save(tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["数据"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=3, max_col=4)] == [
        [9, None, "x", None],
        [2, 3, "新", "留"],     # the block wins over set_cells on the same cell; other edits stay
        [None, None, dt.datetime(2024, 2, 29), None],
    ]
    assert ws["C3"].is_date


def test_set_columns_refuses_what_it_cannot_do(tmp_path):
    p = XlsxPatch(spans_ledger(tmp_path / "in.xlsx"))
    with pytest.raises(ValueError):
        p.set_columns("数据", 2, [1, 2], [[1]], [None])           # a column shorter than the rows
    p.set_columns("数据", 4, [1, 2], [[1, 2]], [None])
    with pytest.raises(ValueError):
        p.set_columns("数据", 5, [2], [[1]], [None])              # another block on the same row
    with pytest.raises(ValueError):
        p.clear_columns("数据", 4, 4)                             # clearing after writing would lose the block
    p.close()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_append_only_path_writes_what_the_general_rewrite_writes(data):
    """The shortcut for appending blocks gives the same sheet XML and dimension as the row-by-row rewrite."""
    from toolkit.io.xlsx.row_rewriter import SheetPlan, SheetRewriter
    from toolkit.io.xlsx.styles import Styles

    nrows = data.draw(st.integers(1, 12))
    row_numbers = sorted(data.draw(st.sets(st.integers(1, 30), min_size=nrows, max_size=nrows)))
    body = []
    for r in row_numbers:
        cols = sorted(data.draw(st.sets(st.integers(1, 6), max_size=4)))
        spans = data.draw(st.sampled_from(["", ' spans="1:6"']))
        cells = "".join(f'<c r="{"ABCDEF"[c - 1]}{r}"><v>{c}</v></c>' for c in cols)
        body.append(f'<row r="{r}"{spans}/>' if not cells and data.draw(st.booleans()) else
                    f'<row r="{r}"{spans}>{cells}</row>')
    body = "".join(body).encode()
    first_col = data.draw(st.integers(7, 9))
    tail_rows = data.draw(st.sets(st.sampled_from(row_numbers)))
    edit_rows = data.draw(st.sets(st.sampled_from(row_numbers), max_size=2))
    missing_row = data.draw(st.sampled_from([None, 31]))   # a row not in the sheet: only the general path

    def plan():
        p = SheetPlan()
        for r in tail_rows:
            xml = "".join(f'<c r="{"GHIJK"[c - 7]}{r}"><v>{r}</v></c>' for c in (first_col, first_col + 1)
                          if (r + c) % 3)
            p.tails[r] = (first_col, first_col + 1, xml.encode())
            p.tail_columns.update(c for c in (first_col, first_col + 1) if (r + c) % 3)
        for r in edit_rows | ({missing_row} if missing_row else set()):
            p.edits[r] = {2: ("", "<v>99</v>", None)}
        return p

    styles = Styles('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1">'
                     '<font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
                     '<cellXfs count="1"><xf/></cellXfs></styleSheet>')
    fast = SheetRewriter(plan(), styles, {})
    pieces = fast.append_only(body)
    slow = SheetRewriter(plan(), styles, {})
    expected = re.sub(rb' spans="[^"]*"', b"", b"".join(slow.rewrite(body)))
    if pieces is None:   # not a case for the shortcut: a row to add or an empty <row/> to fill, or nothing at all
        empty_rows = set(map(int, re.findall(rb'<row r="(\d+)"[^>]*/>', body)))
        assert missing_row or empty_rows & (tail_rows | edit_rows) or not any(t[2] for t in plan().tails.values())
        return
    assert re.sub(rb' spans="[^"]*"', b"", b"".join(list(pieces))) == expected
    assert fast.dimension() == slow.dimension()


@pytest.mark.parametrize("dimension", ['<dimension ref="A1:B3"/>', '<dimension ref="A1:D3"/>', ""])
def test_prepare_then_save_writes_what_save_alone_writes(tmp_path, dimension):
    """prepare() (done while the workbook is being read) trusts a sheet's dimension only after checking it: here
    the first one is wrong, a cell stands in D2."""
    data = ('<row r="1" spans="1:2"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
            '<row r="2"><c r="A2"><v>3</v></c><c r="D2"><v>9</v></c></row><row r="3"><c r="B3"><v>4</v></c></row>')
    src = raw_workbook(tmp_path / "in.xlsx", data)
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<sheetData>",
                                                                                  dimension.encode() + b"<sheetData>")
    with zipfile.ZipFile(src, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    outputs = []
    for prepared in (False, True):
        p = XlsxPatch(src)
        if prepared:
            p.prepare()
        p.set_columns("数据", 3, [1, 2, 3], [["x", "y", "z"], [5, None, 6]], [None, None])
        p.save(tmp_path / f"out{prepared}.xlsx")
        outputs.append(members(tmp_path / f"out{prepared}.xlsx")["xl/worksheets/sheet1.xml"])
    assert outputs[0] == outputs[1]
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "outTrue.xlsx")).get_sheet_by_name("数据") \
        .to_python()
    assert rows == [[1.0, 2.0, "x", 5.0], [3.0, "", "y", ""], ["", 4.0, "z", 6.0]]


def test_column_letter_tables_match_the_one_conversion():
    """The patcher's tables of Excel's 16,384 column names (built at import without a loop) are col_letter's names,
    and the byte index is their inverse."""
    from toolkit.base.layout import col_letter, col_number
    from toolkit.io.xlsx.ooxml import COL_LETTERS
    from toolkit.io.xlsx.row_rewriter import _COL_INDEX_B

    assert COL_LETTERS[:16385] == ["", *(col_letter(i) for i in range(1, 16385))]
    assert COL_LETTERS[16384] == "XFD"
    assert len(_COL_INDEX_B) == 16384
    assert all(col_number(name.decode()) == i for name, i in _COL_INDEX_B.items())


def test_a_sheet_target_climbing_above_the_package_root_is_patched_where_the_reader_reads_it(tmp_path):
    """'../../xl/worksheets/sheet1.xml' from xl/workbook.xml names xl/worksheets/sheet1.xml (the root is never left),
    for the patcher as for the reader; before, the patcher looked for '../xl/…' and the run ended in a KeyError."""
    src = raw_workbook(tmp_path / "up.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b'Target="worksheets/sheet1.xml"', b'Target="../../xl/worksheets/sheet1.xml"')
    with zipfile.ZipFile(src, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    p = XlsxPatch(src)
    assert p.sheet_names() == ["数据"]
    p.set_cells("数据", {(1, 2): "乙"})
    p.save(tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        assert "../" not in " ".join(z.namelist())
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b'<c r="A1"><v>1</v></c>' in sheet and b"\xe4\xb9\x99" in sheet   # A1 kept, 乙 written in B1
    from toolkit.io.excel_read import read_workbook
    assert [s.rows for s in read_workbook(tmp_path / "out.xlsx")] == [[[1.0, "乙"]]]
