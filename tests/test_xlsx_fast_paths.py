"""The quick ways of saving a patched ledger sheet (blocks put in a piece of rows at a time: streamed, or the sheet
held whole, first run or re-run) against the row-by-row rewrite, on generated sheets with awkward rows: the same
bytes, or the quick way steps aside."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.io.xlsx import patch as patch_module
from toolkit.io.xlsx import row_rewriter, sheet_rewrite, sheet_stream
from toolkit.io.xlsx.patch import CellStyle, XlsxPatch

from tests.minimal_package import SHEET, workbook

LETTERS = "ABCDEFGHIJ"
SPANS = re.compile(rb' spans="[^"]*"')


def row_xml(r: int, cols: list[int], attrs: str, empty: str) -> str:
    """A row as writers write it: numbers, inline strings, shared strings, styled cells."""
    cells = []
    for c in cols:
        ref = f"{LETTERS[c - 1]}{r}"
        kind = (r * 7 + c) % 4
        if kind == 0:
            cells.append(f'<c r="{ref}"><v>{r * 10 + c}</v></c>')
        elif kind == 1:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>第{r}行&amp;{c}</t></is></c>')
        elif kind == 2:
            cells.append(f'<c r="{ref}" s="1" t="s"><v>0</v></c>')
        else:
            cells.append(f'<c r="{ref}" s="1"/>')
    if cells:
        return f'<row r="{r}"{attrs}>{"".join(cells)}</row>'
    return f'<row r="{r}"{attrs}/>' if empty == "/>" else f'<row r="{r}"{attrs}></row>'


@st.composite
def sheets(draw):
    """(sheet body, header row, block rows, odd shape): a ledger of columns A..F with gaps, empty rows, rows with heights and
    styles, sometimes one odd row; the block's rows include rows the sheet has not got (totals below it)."""
    numbers = sorted(draw(st.sets(st.integers(1, 40), min_size=2, max_size=16)))
    spans = draw(st.booleans())
    rows = []
    for r in numbers:
        cols = sorted(draw(st.sets(st.integers(1, 6), max_size=5)))
        attrs = draw(st.sampled_from(["", ' ht="20" customHeight="1"', ' s="1" customFormat="1"']))
        attrs = (' spans="1:6"' if spans else "") + attrs
        rows.append(row_xml(r, cols, attrs, draw(st.sampled_from(["/>", "></row>"]))))
    k = draw(st.integers(0, len(rows) - 1))
    odd = draw(st.sampled_from(["", "", "", "far cell", "formula", "row without r", "out of order",
                                "cell without r"]))
    if odd == "far cell" and rows[k].endswith("</row>"):
        rows[k] = rows[k][:-6] + f'<c r="J{numbers[k]}"><v>1</v></c></row>'
    elif odd == "formula" and rows[k].endswith("</row>") and f'"F{numbers[k]}"' not in rows[k]:
        rows[k] = rows[k][:-6] + f'<c r="F{numbers[k]}"><f>A1+1</f><v>2</v></c></row>'
    elif odd == "row without r" and rows[k].endswith("</row>"):   # (an empty <row/> without r: see below)
        rows[k] = rows[k].replace(f'<row r="{numbers[k]}"', "<row", 1)
    elif odd == "out of order" and k:
        rows[k - 1], rows[k] = rows[k], rows[k - 1]
    elif odd == "cell without r" and rows[k].endswith("</row>"):
        rows[k] = rows[k][:-6] + "<c><v>5</v></c></row>"
    header = draw(st.sampled_from([None, numbers[0], numbers[1]]))
    data_rows = [r for r in numbers if header is None or r > header]
    block = sorted(set(draw(st.lists(st.sampled_from(data_rows), max_size=len(data_rows))) if data_rows else [])
                   | set(draw(st.sets(st.integers((header or 0) + 1, 44), max_size=3))))   # gaps, totals below
    return "".join(rows), header, block or [45], odd


def patch_and_save(src, target, header, block, first_col=7, rerun=False, prepare=False) -> None:
    """The toolkit's way with a ledger: (on a re-run, its columns cleared first) a header, widths, a block of four
    columns (money, text with CJK and spaces, a date, a mostly empty note)."""
    p = XlsxPatch(src)
    if prepare:
        p.prepare()
    if rerun:
        p.clear_columns("数据", first_col, first_col + 3, from_row=header or 1)
    if header is not None:
        p.set_cells("数据", {(header, first_col + i): (t, CellStyle(bold=True)) for i, t in
                             enumerate(["补贴", "说明", "日期", "备注"])})
    p.set_column_width("数据", first_col, 12)
    p.set_columns("数据", first_col, block,
                  [[r * 100 if r % 5 else None for r in block],
                   [f" 第{r}行 <{r % 3}>" if r % 2 else f"甲{r % 4}" for r in block],
                   [dt.date(2024, 1, 1 + r % 28) for r in block],
                   ["注意" if r % 7 == 0 else None for r in block]],
                  [CellStyle(num_format="#,##0.00"), None, None, [CellStyle(bold=bool(r % 2)) for r in block]])
    p.save(target)
    p.close()


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def exact(monkeypatch):
    """Make saving take the row-by-row rewrite: no streaming, no block-appending shortcut, no re-run shortcut."""
    monkeypatch.setattr(row_rewriter.SheetRewriter, "append_only", lambda self, body: None)
    monkeypatch.setattr(sheet_rewrite, "replace_blocks", lambda rw, body, piece: None)
    monkeypatch.setattr(patch_module, "streams", lambda plan: False)


def differing(quick: dict, slow: dict, spans: bool) -> list[str]:
    """The members that differ ([] when the same members hold the same bytes); the row-by-row rewrite keeps the spans
    hints of rows it leaves alone, the quick ways drop every one (they are optional), so with spans in the source
    they are taken out of both before comparing."""
    if list(quick) != list(slow):
        return ["(member list)"]
    return [name for name in quick
            if (SPANS.sub(b"", quick[name]) != SPANS.sub(b"", slow[name]) if spans and name == SHEET
                else quick[name] != slow[name])]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_quick_ways_write_what_the_row_by_row_rewrite_writes(tmp_path_factory, data):
    """First run and re-run, streamed (in pieces of any size) and whole, on awkward sheets: member for member the
    bytes the row-by-row rewrite writes."""
    tmp = tmp_path_factory.mktemp("f")
    body, header, block, odd = data.draw(sheets())
    spans = b"spans" in body.encode()
    src = tmp / "in.xlsx"
    dimension = data.draw(st.sampled_from(["", '<dimension ref="A1"/>', '<dimension ref="A1:F40"/>']))
    src.write_bytes(workbook(dimension, body))
    read_size = data.draw(st.sampled_from([1, 64, 300, 4 << 20]))
    piece = data.draw(st.sampled_from([1, 200, 4 << 20]))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sheet_stream, "READ_SIZE", read_size)
        mp.setattr(row_rewriter, "PIECE", piece)
        patch_and_save(src, tmp / "streamed.xlsx", header, block, prepare=True)
        patch_and_save(src, tmp / "whole.xlsx", header, block)
        again = data.draw(st.sampled_from([block, block[::2] or block, [r + 1 for r in block]]))
        patch_and_save(tmp / "whole.xlsx", tmp / "rerun.xlsx", header, again, rerun=True)
        patch_and_save(tmp / "whole.xlsx", tmp / "rerun_streamed.xlsx", header, again, rerun=True, prepare=True)
    with pytest.MonkeyPatch.context() as mp:
        exact(mp)
        patch_and_save(src, tmp / "slow.xlsx", header, block)
        patch_and_save(tmp / "whole.xlsx", tmp / "rerun_slow.xlsx", header, again, rerun=True)
    # rows out of order (and an empty <row/> without r): the first run's quick ways have always written them as
    # they stand, the row-by-row rewrite puts its new rows in order (and numbers an untouched row); a re-run has
    # always gone row by row: there the rule holds again
    reference = "streamed" if odd == "out of order" else "slow"
    assert differing(members(tmp / "streamed.xlsx"), members(tmp / f"{reference}.xlsx"), spans) == []
    assert differing(members(tmp / "whole.xlsx"), members(tmp / f"{reference}.xlsx"), spans) == []
    assert differing(members(tmp / "rerun.xlsx"), members(tmp / "rerun_slow.xlsx"), False) == []
    assert differing(members(tmp / "rerun_streamed.xlsx"), members(tmp / "rerun_slow.xlsx"), False) == []


def big_ledger(rows: int) -> bytes:
    """A ledger of 3 columns under a title and a header row (row 3), as the generated benchmark ledgers are."""
    body = ['<row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>案件台账</t></is></c></row>',
            '<row r="3" spans="1:3"><c r="A3" t="inlineStr"><is><t>序号</t></is></c></row>']
    body += [f'<row r="{r}" spans="1:3"><c r="A{r}"><v>{r - 3}</v></c><c r="B{r}" t="inlineStr"><is><t>张{r % 9}</t></is></c>'
             f'<c r="C{r}"><v>{r * 1.5}</v></c></row>' for r in range(4, rows + 4)]
    return workbook(f'<dimension ref="A1:C{rows + 3}"/>', "".join(body))


def test_a_misplaced_cell_is_caught(tmp_path, monkeypatch):
    """The comparison above fails when a quick way puts a cell in the wrong row: here the blocks are shifted by one
    row in the quick way on purpose."""
    src = tmp_path / "in.xlsx"
    src.write_bytes(big_ledger(50))
    block = list(range(4, 54))
    patch_and_save(src, tmp_path / "slow.xlsx", 3, block)
    from toolkit.io.xlsx import tails as tails_module
    real = tails_module.Tails.slots

    def shifted(self, rows):
        return real(self, [rows[0]] + rows[:-1])

    monkeypatch.setattr(tails_module.Tails, "slots", shifted)
    patch_and_save(src, tmp_path / "quick.xlsx", 3, block)
    assert differing(members(tmp_path / "quick.xlsx"), members(tmp_path / "slow.xlsx"), True) == [SHEET]


@pytest.mark.parametrize("rerun", [False, True])
def test_a_big_ledger_goes_the_quick_way_and_reads_back(tmp_path, monkeypatch, rerun):
    """3,000 rows in pieces of ~16 KB: the quick way is taken (the row-by-row rewrite is never called), its bytes are
    the row-by-row rewrite's, and the cells read back where they belong."""
    src = tmp_path / "in.xlsx"
    src.write_bytes(big_ledger(3000))
    block = list(range(4, 3004))
    if rerun:
        patch_and_save(src, tmp_path / "first.xlsx", 3, block)
        src = tmp_path / "first.xlsx"
    with monkeypatch.context() as mp:
        exact(mp)
        patch_and_save(src, tmp_path / "slow.xlsx", 3, block, rerun=rerun)
    monkeypatch.setattr(row_rewriter, "PIECE", 16 << 10)
    monkeypatch.setattr(sheet_stream, "READ_SIZE", 16 << 10)
    calls = []
    real = row_rewriter.SheetRewriter.rewrite
    monkeypatch.setattr(row_rewriter.SheetRewriter, "rewrite", lambda self, body: calls.append(1) or real(self, body))
    patch_and_save(src, tmp_path / "quick.xlsx", 3, block, rerun=rerun, prepare=True)
    assert len(calls) <= 3   # at most a few single rows (the header) the row-by-row way
    assert differing(members(tmp_path / "quick.xlsx"), members(tmp_path / "slow.xlsx"), True) == []
    ws = openpyxl.load_workbook(tmp_path / "quick.xlsx")["数据"]
    assert ws["G3"].value == "补贴" and ws["G3"].font.b and ws["J3"].value == "备注"
    assert ws["G4"].value == 400 and ws["G5"].value is None and ws["G6"].value == 600 and ws["H6"].value == "甲2"
    assert ws["H3003"].value == " 第3003行 <0>" and ws["I3003"].value.day == 8 and ws["G3003"].value == 300300
    assert ws["J3003"].value == "注意" and ws["J3003"].font.b and ws["J3002"].value is None
    assert ws["A3003"].value == 3000 and ws["C3003"].value == 4504.5
    assert ws.dimensions == "A1:J3003"
