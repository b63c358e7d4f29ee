"""The streaming .xlsx reader over many runs of rows: sheets large enough to be read in several 256 KB runs, with
every cell form the bulk conversion (toolkit/io/xlsx/read_keys.py) groups — inline strings with edge spaces and
escapes, numbers in every spelling, dated styles, shared strings, formulas, styled empty cells, indented XML, rows
out of order — compared cell by cell with python-calamine; and the hidden rows the reader notes while streaming,
compared with the separate scan it replaces (toolkit/io/xlsx/hidden_rows.py)."""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from test_xlsx_read import assert_same, with_sheet_xml
from toolkit.base.errors import InputError
from toolkit.cli.ledger_input import read_with_hidden
from toolkit.io.excel_read import read_workbook
from toolkit.io.xlsx.hidden_rows import hidden_rows
from toolkit.io.xlsx.read_book import XlsxBook

NAMES = ["张三", "李四", " 王五 ", "赵六\u3000", "\u3000", "  ", "", "钱_x000D_七", "孙八\n九", "周\t吴", "郑王"]
NUMBERS = ["1", "1.", ".5", "1E3", "-0", "0", "1800", "3.25", "-1e-7", "123456789012345678", "1e308", "+4"]


def big_book(path: Path, rows: int, seed: int = 3) -> Path:
    """A ledger-like sheet of `rows` rows written by xlsxwriter (shared strings, dates, money, formulas, blanks)."""
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("台账")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    money = wb.add_format({"num_format": "#,##0.00"})
    boxed = wb.add_format({"border": 1})
    ws.write_row(0, 0, ["序号", "案号", "受援人", "指派日期", "时刻", "金额", "公式", "是否", "备注"])
    for r in range(1, rows + 1):
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, f"(2023)示法援字第{r:06d}号")
        ws.write_string(r, 2, rng.choice(NAMES))
        ws.write_datetime(r, 3, dt.datetime(2023, 1, 1) + dt.timedelta(days=rng.randrange(365)), date)
        ws.write_datetime(r, 4, dt.datetime(2023, 1, 1) + dt.timedelta(minutes=rng.randrange(10 ** 6)), stamp)
        ws.write_number(r, 5, rng.choice([1800, 0.1, 1e-7, 1e15, -3.25, 500.5]), money)
        ws.write_formula(r, 6, f"=F{r + 1}*2", money, rng.choice([3600, 0.2, 1001]))
        ws.write_boolean(r, 7, r % 3 == 0)
        if r % 7 == 0:
            ws.write_string(r, 8, f"备注{r % 50}")
        ws.write_blank(r, 9, None, boxed)   # formatting only: neither fills nor widens
    wb.close()
    return path


def inline_variants(xml: str) -> str:
    """Some shared-string cells become inline strings, some numbers change spelling, and a few odd forms appear."""
    rng = random.Random(5)

    def cell(m: re.Match) -> str:
        ref, rest = m.group(1), m.group(2)
        k = rng.randrange(12)
        if k == 0:
            return f'<c r="{ref}" t="inlineStr"><is><t>{rng.choice(NAMES)}</t></is></c>'
        if k == 1:
            return f'<c r="{ref}"><v>{rng.choice(NUMBERS)}</v></c>'
        if k == 2:
            return f'<c r="{ref}" s="1" t="inlineStr"><is><t xml:space="preserve"> 保留 </t></is></c>'
        if k == 3:
            return f'<c r="{ref}" t="n"><v>{rng.choice(NUMBERS)}</v></c>'
        if k == 4:
            return f'<c r="{ref}" t="inlineStr"><is><t>A&amp;B {rng.randrange(99)}</t></is></c>'
        return m.group(0)
    return re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*?(?:/>|>.*?</c>))', cell, xml)


@pytest.mark.parametrize("variant", ["as-written", "inline", "indented", "out-of-order"])
def test_many_runs_same_grid_as_calamine(tmp_path, variant):
    base = big_book(tmp_path / "base.xlsx", 6000)
    with zipfile.ZipFile(base) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * (1 << 18)   # several runs of rows
    if variant == "as-written":
        path = base
    elif variant == "inline":
        path = with_sheet_xml(base, tmp_path / "inline.xlsx", inline_variants)
    elif variant == "indented":
        path = with_sheet_xml(base, tmp_path / "indented.xlsx",
                              lambda x: x.replace("<row ", "\n  <row ").replace("<c ", "\n    <c ")
                              .replace("</row>", "\n  </row>"))
    else:   # a block of rows moved to the end, and one row written twice
        def edit(xml: str) -> str:
            rows = re.findall(r'<row r="\d+".*?</row>', xml, re.S)
            moved = rows[100:2500]
            kept = rows[:100] + rows[2500:] + moved + [rows[3000].replace(">0<", ">9<")]
            return xml.replace("".join(rows), "".join(kept))
        path = with_sheet_xml(base, tmp_path / "moved.xlsx", edit)
    sheet = assert_same(path)[0]
    assert len(sheet.rows) == 6001
    if variant != "inline":
        assert len(sheet.rows[0]) == 9   # the styled blank cells of column J widen nothing
    if variant == "inline":
        texts = {v for row in sheet.rows for v in row if isinstance(v, str)}
        assert "钱\r七" in texts and " 保留 " in texts and "A&B 1" in texts


def test_distinct_texts_beyond_the_cache(tmp_path):
    """More distinct cell texts than the reader remembers across runs (65,536): still the same grid."""
    wb = xlsxwriter.Workbook(str(tmp_path / "wide.xlsx"), {"strings_to_numbers": False})
    ws = wb.add_worksheet("数")
    for r in range(18000):
        ws.write_row(r, 0, [r * 1.5, f"文本{r}", r + 0.25, f"第{r % 900}项"])
    wb.close()
    assert_same(tmp_path / "wide.xlsx")


def test_sparse_and_far_columns_in_a_run(tmp_path):
    """A run whose cells are too sparse for one block (a cell 190 columns to the right) is placed row by row."""
    base = big_book(tmp_path / "base.xlsx", 1500)
    path = with_sheet_xml(base, tmp_path / "sparse.xlsx", lambda x: x.replace(
        '<c r="A700">', '<c r="GS699" t="inlineStr"><is><t>右边</t></is></c></row><row r="700"><c r="A700">', 1))
    sheet = assert_same(path)[0]
    assert sheet.rows[698][200] == "右边" and len(sheet.rows[0]) == 201


# --------------------------------------------------------------------------------------------------- hidden rows
HIDDEN_FORMS = [
    ('<row r="{r}" hidden="1">', True), ('<row r="{r}" hidden="true">', True), ("<row r='{r}' hidden='1'>", True),
    ('<row r="{r}" spans="1:10" hidden="1" customHeight="1" ht="0">', True), ('<row r="{r}" hidden="0">', False),
    ('<row r="{r}" hidden="false">', False), ('<row r="{r}" customHeight="1" ht="30">', False),
    ('<row r="{r}" ht="0.75" customHeight="1">', False),
]


def hidden_corpus(folder: Path) -> list[Path]:
    """Workbooks with rows hidden by openpyxl and by hand, in every form, at the top, between runs, far down."""
    books = []
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    for r in range(1, 60):
        ws.append([r, f"案{r}", r * 100.5])
    for r in (2, 5, 6, 40):
        ws.row_dimensions[r].hidden = True
    ws.row_dimensions[200_000].hidden = True        # far down, no cells
    two = wb.create_sheet("筛选")
    two.append(["甲", 1])
    two.append(["乙", 2])
    two.row_dimensions[2].hidden = True
    wb.create_sheet("空")
    books.append(folder / "openpyxl.xlsx")
    wb.save(books[-1])

    base = big_book(folder / "big.xlsx", 4000)
    rng = random.Random(11)
    picks = sorted(rng.sample(range(2, 4001), 60))

    def edit(xml: str) -> str:
        for i, r in enumerate(picks):
            form = HIDDEN_FORMS[i % len(HIDDEN_FORMS)][0].format(r=r)
            xml = re.sub(rf'<row r="{r}"[^>]*>', form, xml, count=1)
        return xml.replace("</sheetData>", '<row r="900000" hidden="1"/><row r="1048576" hidden="true">'
                                           '<c r="A1048576" s="1"/></row></sheetData>')
    books.append(with_sheet_xml(base, folder / "forms.xlsx", edit))
    books.append(with_sheet_xml(books[-1], folder / "forms-expat.xlsx",   # a comment: the expat path reads it
                                lambda x: x.replace("<sheetData>", "<sheetData><!-- 注释 -->")))
    return books


def test_hidden_rows_noted_while_reading_equal_the_separate_scan(tmp_path):
    books = hidden_corpus(tmp_path)
    expected_forms = {r - 1 for i, r in enumerate(sorted(random.Random(11).sample(range(2, 4001), 60)))
                      if HIDDEN_FORMS[i % len(HIDDEN_FORMS)][1]} | {899_999, 1_048_575}
    for path in books:
        scan = hidden_rows(path)
        sheets = read_workbook(path, hidden=True)
        assert {s.name: s.hidden for s in sheets} == scan, path.name
        assert all(s.hidden == frozenset() for s in read_workbook(path)), path.name   # only when asked
        assert [s.hidden for s in read_with_hidden(path)] == [s.hidden for s in sheets]
        with zipfile.ZipFile(path) as z:
            book = XlsxBook(z)
            assert {n: book.read_sheet(n).hidden for n in book.worksheet_names} == scan
    assert hidden_rows(books[0])["台账"] == {1, 4, 5, 39, 199_999} and hidden_rows(books[0])["筛选"] == {1}
    assert hidden_rows(books[1])["台账"] == expected_forms == hidden_rows(books[2])["台账"]


def test_reference_not_closed_is_damaged_not_a_value(tmp_path):
    """A cell whose start tag runs into the next tag (only a damaged file has it) is refused, never read as a value."""
    base = big_book(tmp_path / "base.xlsx", 10)
    for name, extra in [("into-cell", '<row r="20"><c r="A20"<c r="B20"><v>1</v></c></row>'),
                        ("into-row-end", '<row r="20"><c r="A20"</row>')]:
        path = with_sheet_xml(base, tmp_path / f"{name}.xlsx", lambda x: x.replace("</sheetData>", extra + "</sheetData>"))
        with pytest.raises(InputError, match="工作表内容已损坏"):
            read_workbook(path)


# ------------------------------------------------------------------------------------------ rows placed by shape
SHAPE_LETTERS = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "M", "S", "AB", "IV"]


def random_rows_xml(seed: int, rows: int = 16000) -> str:
    """A hand-written sheet of `rows` rows whose shapes (the column letters of a row) vary: columns left out, out of
    order or written twice, styled empty cells, rows of empty cells only, gaps, runs out of order, a row written
    twice, cells numbered as another row, a cell beyond the widest shape (column JA)."""
    rng = random.Random(seed)
    numbers = list(range(1, rows + 1))
    for _ in range(3):   # gaps
        i, step = rng.randrange(len(numbers)), rng.choice([1, 2, 40])
        numbers[i:] = [n + step for n in numbers[i:]]
    if seed % 2:   # a stretch moved to the end, and a row written again
        i = rng.randrange(len(numbers) - 300)
        numbers = numbers[:i] + numbers[i + 200:] + numbers[i:i + 200] + [numbers[i + 5]]
    empty, wide, stray = (set(rng.sample(numbers, k)) for k in (2, 2, 2))   # a few rows of each oddity
    pool = []   # the row shapes: most in column order, some not
    for _ in range(40):
        shape = rng.sample(SHAPE_LETTERS[:12], rng.randrange(1, 12) if rng.random() < 0.2 else rng.randrange(6, 12))
        pool.append(sorted(shape, key=lambda x: (len(x), x)) if rng.random() < 0.7 else shape)
    out = []
    for r in numbers:
        k = rng.random()
        if r in empty:   # a row of styled empty cells only
            out.append(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="4"/>' for c in "ABC") + "</row>")
            continue
        letters = list(rng.choice(pool)) if k < 0.9 else SHAPE_LETTERS[:rng.randrange(2, 13 if r % 50 else 14)]
        if rng.random() < 0.03:
            letters.append(letters[0])   # a column written twice: the later cell is the one kept
        if r in wide:
            letters.append(SHAPE_LETTERS[-1] if r % 2 else "JA")   # a sparse run; one wider than the shapes kept
        cells = []
        for i, c in enumerate(letters):
            row = r + 1 if r in stray and i == len(letters) - 1 else r   # a cell numbered as the next row
            kind = rng.randrange(6) if i else rng.randrange(1, 6)   # (the first cell holds a value)
            if kind == 0:
                cells.append(f'<c r="{c}{row}" s="4"/>')
            elif kind == 1:
                cells.append(f'<c r="{c}{row}"><v>{rng.choice(NUMBERS)}</v></c>')
            elif kind == 2:
                cells.append(f'<c r="{c}{row}" t="b"><v>{rng.randrange(2)}</v></c>')
            else:
                cells.append(f'<c r="{c}{row}" t="inlineStr"><is><t>{rng.choice(NAMES)}{rng.randrange(9)}</t></is></c>')
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>' + "".join(out) + "</sheetData></worksheet>")


@pytest.mark.parametrize("seed, shapes", [(1, None), (2, None), (3, None), (4, 6)])
def test_rows_placed_by_shape_same_grid_as_calamine(tmp_path, monkeypatch, seed, shapes):
    """Runs placed a whole row at a time by their shape (read_sheet._whole_rows) and the runs it leaves to the
    cell-by-cell paths give python-calamine's grid; both kinds occur. With few shapes remembered (`shapes`) the
    rest of the sheet is placed as before."""
    import toolkit.io.xlsx.read_sheet as read_sheet

    if shapes is not None:
        monkeypatch.setattr(read_sheet, "_SHAPES", shapes)
    placed = {True: 0, False: 0}
    whole_rows = read_sheet._SheetReader._whole_rows

    def counted(self, *args):
        done = whole_rows(self, *args)
        placed[done] += 1
        return done
    monkeypatch.setattr(read_sheet._SheetReader, "_whole_rows", counted)
    base = big_book(tmp_path / "base.xlsx", 10)
    path = with_sheet_xml(base, tmp_path / f"shapes{seed}.xlsx", lambda x: random_rows_xml(seed))
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 4 * (1 << 18)   # several runs of rows
    assert_same(path)
    if shapes is None:
        assert placed[True] >= 2 and placed[False] >= 1, placed
    else:   # the first run meets more shapes than remembered: no run tries it again
        assert placed == {True: 0, False: 1}


def numbered_rows_xml(rows: int = 12000) -> str:
    """A sheet whose runs test how rows are numbered: plain runs, then stretches where one row writes its number with
    leading zeros (in the row's cells, or in one cell only), where one cell in the middle of a row carries the
    previous row's number, and where a row is written twice in a row; cells of varying shapes and kinds."""
    rng = random.Random(11)
    out = []
    r = 0
    while r < rows:
        r += 1
        letters = sorted(rng.sample(SHAPE_LETTERS[:9], rng.randrange(2, 9)), key=lambda x: (len(x), x))
        numbers = [str(r)] * len(letters)
        if r % 5000 == 700:
            numbers = ["00" + str(r)] * len(letters)   # every cell of the row: "A00700"
        elif r % 5000 == 900:
            numbers[-1] = "0" + str(r)   # one cell only
        elif r % 5000 == 1100 and len(letters) > 2:
            numbers[1] = str(r - 1)   # a cell numbered as the previous row (placed there, as calamine does)
        cells = "".join(f'<c r="{c}{d}"><v>{rng.choice(NUMBERS)}</v></c>' if rng.random() < 0.5 else
                        f'<c r="{c}{d}" t="inlineStr"><is><t>{rng.choice(NAMES)}</t></is></c>'
                        for c, d in zip(letters, numbers))
        out.append(f'<row r="{r}">{cells}</row>')
        if r % 5000 == 1300:
            out.append(f'<row r="{r}">{cells}</row>')   # the same row again
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>' + "".join(out) + "</sheetData></worksheet>")


def test_row_numbers_in_other_forms_same_grid_as_calamine(tmp_path, monkeypatch):
    """Runs whose cells write row numbers with leading zeros, carry another row's number or repeat a row are read as
    python-calamine reads them (by the other paths), and the plain runs around them are placed whole."""
    import toolkit.io.xlsx.read_sheet as read_sheet

    placed = {True: 0, False: 0}
    whole_rows = read_sheet._SheetReader._whole_rows

    def counted(self, *args):
        done = whole_rows(self, *args)
        placed[done] += 1
        return done
    monkeypatch.setattr(read_sheet._SheetReader, "_whole_rows", counted)
    base = big_book(tmp_path / "base.xlsx", 10)
    path = with_sheet_xml(base, tmp_path / "numbered.xlsx", lambda x: numbered_rows_xml())
    assert_same(path)
    assert placed[True] >= 4 and placed[False] >= 2, placed
