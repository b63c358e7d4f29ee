"""The ledger sheet streamed at save (XlsxPatch.prepare): the same bytes as the sheet rewritten whole, and its XML
never read whole."""

from __future__ import annotations

import threading
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.io.xlsx import sheet_stream
from toolkit.io.xlsx.patch import CellStyle, XlsxPatch
from toolkit.io.xlsx.zip_write import Redo, ZipWriter, inflated

from tests.minimal_package import workbook

SHEET = "xl/worksheets/sheet1.xml"


def patched(src, target, rows, prepare: bool, header_row: int | None) -> bytes:
    """The toolkit's block of two columns (G, H) on `rows`, a header on `header_row`, saved; the output's bytes."""
    p = XlsxPatch(src)
    if prepare:
        p.prepare()
    if header_row is not None:
        p.set_cells("数据", {(header_row, 7): ("补贴", CellStyle(bold=True)), (header_row, 8): "说明"})
    p.set_column_width("数据", 7, 12)
    p.set_columns("数据", 7, rows, [[r * 10 if r % 4 else None for r in rows], [f"第{r}行" for r in rows]],
                  [CellStyle(num_format="#,##0.00"), None])
    p.save(target)
    p.close()
    return target.read_bytes()


@pytest.fixture
def read_size():
    """Set sheet_stream.READ_SIZE for one test (small sizes cut the sheet into many pieces)."""
    saved = sheet_stream.READ_SIZE
    yield lambda n: setattr(sheet_stream, "READ_SIZE", n)
    sheet_stream.READ_SIZE = saved


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_streamed_save_writes_what_the_whole_rewrite_writes(tmp_path_factory, data):
    """Any sheet, any dimension claim, any read size: the same output file, byte for byte, as without prepare()."""
    tmp = tmp_path_factory.mktemp("s")
    numbers = sorted(data.draw(st.sets(st.integers(1, 40), min_size=1, max_size=14)))
    spans = data.draw(st.booleans())
    rows, cells_at = [], {}
    for r in numbers:
        cols = sorted(data.draw(st.sets(st.integers(1, 6), max_size=4)))
        cells_at[r] = cols
        cells = "".join(f'<c r="{"ABCDEF"[c - 1]}{r}"><v>{c}</v></c>' if (r + c) % 3 else
                        f'<c r="{"ABCDEF"[c - 1]}{r}" t="inlineStr"><is><t>文{r}</t></is></c>' for c in cols)
        hint = ' spans="1:6"' if spans else ""
        rows.append(f'<row r="{r}"{hint}>{cells}</row>' if cells or data.draw(st.booleans()) else f'<row r="{r}"/>')
    odd = data.draw(st.sampled_from(["", "far cell", "row without r", "spans in text", "formula"]))
    k = data.draw(st.integers(0, len(rows) - 1))
    if odd == "far cell":
        rows[k] = rows[k].replace("</row>", f'<c r="K{numbers[k]}" s="0"/></row>')
    elif odd == "row without r":
        rows[k] = rows[k].replace(f'<row r="{numbers[k]}"', "<row", 1)
    elif odd == "spans in text":
        rows[k] = rows[k].replace("</row>", f'<c r="F{numbers[k]}" t="inlineStr"><is><t> spans="x</t></is></c></row>')
    elif odd == "formula":
        rows[k] = rows[k].replace("</row>", f'<c r="F{numbers[k]}"><f>A1+1</f><v>2</v></c></row>')
    used = [r for r in numbers if cells_at[r]]
    left = min((c for r in used for c in cells_at[r]), default=1)
    true_dim = f'{"ABCDEF"[left - 1]}{used[0]}:F{used[-1]}' if used else "A1"
    dimension = data.draw(st.sampled_from([true_dim, "", "A1", "B3:C9", "A1:Z99"]))
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    src = tmp / "in.xlsx"
    src.write_bytes(workbook(head + '<sheetViews><sheetView workbookViewId="0"/></sheetViews>', "".join(rows)))
    block = sorted(data.draw(st.sets(st.sampled_from(numbers + [41]), min_size=1)))
    header = data.draw(st.sampled_from([None, numbers[0]]))
    saved = sheet_stream.READ_SIZE
    sheet_stream.READ_SIZE = data.draw(st.sampled_from([1, 37, 200, 4 << 20]))
    try:
        streamed = patched(src, tmp / "a.xlsx", block, True, header)
    finally:
        sheet_stream.READ_SIZE = saved
    whole = patched(src, tmp / "b.xlsx", block, False, header)
    assert streamed == whole


def ledger_like(rows: int, dimension: bool = True) -> bytes:
    body = "".join(f'<row r="{r}" spans="1:3"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>案件{r}'
                   f'</t></is></c><c r="C{r}"><v>{r * 1.5}</v></c></row>' for r in range(1, rows + 1))
    return workbook(f'<dimension ref="A1:C{rows}"/>' if dimension else "", body)


@pytest.mark.parametrize("dimension", [True, False])
def test_the_sheet_is_never_read_whole(tmp_path, monkeypatch, read_size, dimension):
    """prepare() then save: the ledger sheet goes through in pieces (here 64 KB); every row gets its cells."""
    src = tmp_path / "in.xlsx"
    src.write_bytes(ledger_like(3000, dimension))
    expected = patched(src, tmp_path / "whole.xlsx", list(range(2, 3001)), False, 1)
    read_size(64 << 10)
    whole_reads = []
    real_read = zipfile.ZipFile.read

    def read(self, name, pwd=None):
        if getattr(name, "filename", name) == SHEET:
            whole_reads.append(name)
        return real_read(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", read)
    out = patched(src, tmp_path / "out.xlsx", list(range(2, 3001)), True, 1)
    assert whole_reads == []
    assert out == expected
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["数据"]
    assert ws["G1"].value == "补贴" and ws["H1"].value == "说明" and ws["G1"].font.b
    assert ws["G3"].value == 30 and ws["G4"].value is None and ws["H3000"].value == "第3000行"
    assert ws["C3000"].value == 4500 and ws["B2"].value == "案件2"
    assert ws.dimensions == "A1:H3000"


def test_a_sheet_the_stream_cannot_take_is_rewritten_whole(tmp_path, read_size):
    """A cell right of the toolkit's block (found half way through the rows) makes the whole rewrite write the
    member instead; the file holds one copy of it."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 2001))
    rows = rows.replace('<c r="A1500"><v>1500</v></c>', '<c r="A1500"><v>1500</v></c><c r="J1500"><v>9</v></c>')
    src = tmp_path / "in.xlsx"
    src.write_bytes(workbook('<dimension ref="A1:A2000"/>', rows))
    read_size(8 << 10)
    out = patched(src, tmp_path / "a.xlsx", list(range(1, 2001)), True, None)
    assert out == patched(src, tmp_path / "b.xlsx", list(range(1, 2001)), False, None)
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.testzip() is None and [n for n in z.namelist() if n == SHEET] == [SHEET]
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["数据"]
    assert ws["J1500"].value == 9 and ws["G1500"].value is None and ws["H1500"].value == "第1500行"


def test_zip_writer_undoes_an_attempt_that_raises_redo(tmp_path):
    """write_attempts: the first try writes 9 MB then says Redo; the file holds the second try alone."""
    def first():
        for _ in range(9):
            yield b"x" * (1 << 20)
        raise Redo()

    second = [b"<ok>", b"y" * 5_000_000, b"</ok>"]
    with open(tmp_path / "t.zip", "wb") as f:
        z = ZipWriter(f)
        z.write("a.txt", b"before", (2024, 1, 1, 0, 0, 0), 0o600 << 16)
        z.write_attempts("b.xml", iter([first(), second]), (2024, 1, 1, 0, 0, 0), 0o600 << 16)
        z.write("c.txt", b"after", (2024, 1, 1, 0, 0, 0), 0o600 << 16)
        z.close()
    with zipfile.ZipFile(tmp_path / "t.zip") as z:
        assert z.testzip() is None
        assert z.namelist() == ["a.txt", "b.xml", "c.txt"]
        assert z.read("b.xml") == b"".join(second) and z.read("c.txt") == b"after"
    assert (tmp_path / "t.zip").stat().st_size < 1_000_000   # nothing of the first try is left


def test_compact_blocks_hold_what_row_by_row_bytes_held(tmp_path):
    """set_columns' blocks kept as shared fragments (Tails) give every row the XML the row-by-row dict held, a later
    block winning on a row it shares with an earlier one; rows without any cell are not 'filled'."""
    from toolkit.io.xlsx.row_rewriter import SheetPlan
    from toolkit.io.xlsx.tails import Tails

    src = tmp_path / "in.xlsx"
    src.write_bytes(ledger_like(30))
    money = CellStyle(num_format="#,##0.00")
    plans = []
    for tails in (Tails(), {}):
        p = XlsxPatch(src)
        plan = p._plans["xl/worksheets/sheet1.xml"] = SheetPlan(tails=tails)
        p.set_columns("数据", 5, [3, 1, 2, 9], [[1.5, None, "甲", None], [None, None, 7, None]], [money, None])
        p.set_columns("数据", 5, [2, 4], [["乙", 3], [None, "=1"]], [None, [money, None]])
        with pytest.raises(ValueError):
            p.set_columns("数据", 6, [4], [[1]], [None])
        plans.append(plan)
        p.close()
    compact, plain = plans
    assert dict(compact.tails) == plain.tails and list(compact.tails) == list(plain.tails)
    assert compact.tails[2] == (5, 6, '<c r="E2" t="inlineStr"><is><t>乙</t></is></c>'.encode())
    assert compact.tails.get(1) == (5, 6, b"") and compact.tails.get(5) is None and 5 not in compact.tails
    assert compact.tails.filled_bounds() == (2, 4) and compact.tails.span(9) == (5, 6)
    assert compact.tails.first_column() == min(t[0] for t in plain.tails.values()) == 5


def rerun(src, target, rows, prepare: bool) -> bytes:
    """A second run over `patched`'s output: the block's columns cleared from the header down and written again."""
    p = XlsxPatch(src)
    if prepare:
        p.prepare()
    p.clear_columns("数据", 7, 8, from_row=1)
    p.set_cells("数据", {(1, 7): ("补贴", CellStyle(bold=True)), (1, 8): "说明"})
    p.set_columns("数据", 7, rows, [[r * 20 if r % 3 else None for r in rows], [f"再{r}" for r in rows]],
                  [CellStyle(num_format="#,##0.00"), None])
    p.save(target)
    p.close()
    return target.read_bytes()


@pytest.mark.parametrize("dimension", [True, False])
def test_a_rerun_sheet_is_never_read_whole_either(tmp_path, monkeypatch, read_size, dimension):
    """A re-run (its earlier columns cleared, written again) streamed: no whole read of the sheet, the same file as the
    sheet rewritten whole, the new cells where the earlier ones were and nothing of the earlier run left."""
    src = tmp_path / "in.xlsx"
    src.write_bytes(ledger_like(3000, dimension))
    patched(src, tmp_path / "first.xlsx", list(range(2, 3001)), False, 1)
    rows = list(range(2, 2801))   # fewer rows than the first run: its cells below are cleared
    expected = rerun(tmp_path / "first.xlsx", tmp_path / "whole.xlsx", rows, False)
    read_size(64 << 10)
    whole_reads = []
    real_read = zipfile.ZipFile.read

    def read(self, name, pwd=None):
        if getattr(name, "filename", name) == SHEET:
            whole_reads.append(name)
        return real_read(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", read)
    out = rerun(tmp_path / "first.xlsx", tmp_path / "out.xlsx", rows, True)
    assert whole_reads == []
    assert out == expected
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["数据"]
    assert ws["G1"].value == "补贴" and ws["G3"].value is None and ws["G4"].value == 80 and ws["G5"].value == 100
    assert ws["H2800"].value == "再2800" and ws["G2900"].value is None and ws["H2900"].value is None
    assert ws["C3000"].value == 4500 and ws.dimensions == "A1:H3000"
    assert not [t for t in threading.enumerate() if t.name == "inflate"]   # the reading thread has ended


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("size", [1, 1000, 1 << 20])
def test_inflated_gives_what_zipfile_reads_and_checks_the_crc(tmp_path, method, size):
    """zip_write.inflated: any block size, stored or deflated: the member's bytes; a member whose bytes were changed
    in the file raises BadZipFile rather than giving them."""
    data = "".join(f"<row r=\"{r}\"><c><v>{r * 7 % 1000}</v></c></row>" for r in range(20000)).encode()
    path = tmp_path / "t.zip"
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr("a.xml", data)
    with zipfile.ZipFile(path) as z:
        blocks = list(inflated(z, z.getinfo("a.xml"), size))
    assert b"".join(blocks) == data and max(map(len, blocks)) <= size
    raw = bytearray(path.read_bytes())
    at = raw.index(b"a.xml") + 5 + 40   # a byte inside the member's data
    raw[at] ^= 0x20
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as z, pytest.raises(zipfile.BadZipFile):
        b"".join(inflated(z, z.getinfo("a.xml"), size))


def test_a_stream_given_up_half_way_ends_its_reading_thread(tmp_path, read_size):
    """The stream meets a cell right of the block half way and the sheet is rewritten whole: no reading thread is
    left behind, and the output is the whole rewrite's."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 3001))
    rows = rows.replace('<c r="A2500"><v>2500</v></c>', '<c r="A2500"><v>2500</v></c><c r="Z2500"><v>9</v></c>')
    src = tmp_path / "in.xlsx"
    src.write_bytes(workbook('<dimension ref="A1:A3000"/>', rows))
    read_size(4 << 10)
    out = patched(src, tmp_path / "a.xlsx", list(range(1, 3001)), True, None)
    assert not [t for t in threading.enumerate() if t.name == "inflate"]
    assert out == patched(src, tmp_path / "b.xlsx", list(range(1, 3001)), False, None)


def test_with_or_without_isal_the_saved_members_are_the_same(tmp_path, monkeypatch):
    """isal is an optional extra (no 32-bit Windows build): without it zlib deflates and inflates the big sheet, and
    the workbook's members unpack to the same bytes as with it; the same for inflated()'s CRC check."""
    import zlib

    from toolkit.io.xlsx import zip_write

    pytest.importorskip("isal", reason="isal (the optional extra `fast`) is not installed: nothing to compare with")
    assert zip_write._quick is not zlib
    src = tmp_path / "l.xlsx"
    src.write_bytes(ledger_like(6000))
    rows = list(range(2, 6001))
    outs, raw = {}, {}
    for label in ("isal", "zlib"):
        if label == "zlib":
            monkeypatch.setattr(zip_write, "_quick", zlib)
        target = tmp_path / f"{label}.xlsx"
        raw[label] = patched(src, target, rows, prepare=True, header_row=1)
        with zipfile.ZipFile(target) as z:
            outs[label] = {i.filename: z.read(i) for i in z.infolist()}
            sheet = z.getinfo(SHEET)
            assert b"".join(inflated(z, sheet, 1 << 16)) == outs[label][SHEET]
    assert outs["isal"] == outs["zlib"] and len(outs["zlib"][SHEET]) > 500_000
    assert raw["isal"] != raw["zlib"]          # the big sheet really was deflated by each of them
    for label in outs:
        ws = openpyxl.load_workbook(tmp_path / f"{label}.xlsx")["数据"]
        assert [ws["G1"].value, ws["G5999"].value, ws["H5999"].value, ws["G6000"].value] == ["补贴", 59990, "第5999行", None]
