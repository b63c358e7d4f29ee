"""Builders of hostile and broken inputs (each the smallest form of a defect of issue 18), made from a small
ledger written here with openpyxl. Used by tests/test_hostile_*.py and benchmarks/fuzz_campaign.py."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from pathlib import Path

import openpyxl

from toolkit.base.idcard import check_digit

HEADER = ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "结案日期",
          "补贴金额"]
SHEET = "案件台账"


def an_id(body17: str = "43090219850312001") -> str:
    return body17 + check_digit(body17)


def ledger_rows(n: int = 12) -> list[list]:
    kinds = [("刑事", "审判"), ("民事", None), ("行政", None), ("刑事", "审查起诉")]
    rows = []
    for i in range(n):
        kind, stage = kinds[i % len(kinds)]
        body = f"4309021985{(i % 12) + 1:02d}{(i % 27) + 1:02d}{i % 1000:03d}"
        rows.append([f"(2023)湘0902法援{i + 1:03d}号", f"受援人{i + 1}", an_id(body), kind, stage,
                     f"律师{i % 5 + 1}", f"律所{i % 3 + 1}", dt.datetime(2023, i % 12 + 1, 5),
                     dt.datetime(2023, i % 12 + 1, 25), 1500 + 100 * (i % 4)])
    return rows


def write_ledger(path: Path, rows: list[list] | None = None, extra: dict | None = None) -> Path:
    """A small ledger workbook (title row, header row, data); `extra` maps A1 references to values."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["示例县法律援助中心2023年案件台账"])
    ws.append(HEADER)
    for row in rows if rows is not None else ledger_rows():
        ws.append(row)
    for c in range(1, len(HEADER) + 1):
        for r in range(3, ws.max_row + 1):
            cell = ws.cell(r, c)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"    # text a user typed, not a formula (openpyxl would write it as one)
    for ref, value in (extra or {}).items():
        ws[ref] = value
    wb.save(path)
    return path


def rewrite_parts(src: Path, dst: Path, edit) -> Path:
    """Copy a package, passing each part's bytes through edit(name, data) -> bytes | None (None drops the part);
    edit may also return a list of (name, data) to add parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            out = edit(info.filename, zin.read(info))
            if out is None:
                continue
            if isinstance(out, list):
                for name, data in out:
                    zout.writestr(name, data)
            else:
                zout.writestr(info.filename, out)
    return dst


def edit_sheet(src: Path, dst: Path, fn) -> Path:
    """Apply fn(str) -> str to the first worksheet's XML."""
    return rewrite_parts(src, dst, lambda n, d: fn(d.decode("utf-8")).encode("utf-8")
                         if n == "xl/worksheets/sheet1.xml" else d)


def add_cell_xml(xml: str, ref: str, inline_text: str = "远处") -> str:
    """Add an inline-string cell at `ref` in its own row (rows kept in order is not required by readers)."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{inline_text}</t></is></c></row>'
    return xml.replace("</sheetData>", cell + "</sheetData>")


def far_cells(tmp: Path, refs=("XFD1", "A1048576")) -> Path:
    """The sample ledger with one word in each of `refs` (item 1)."""
    base = write_ledger(tmp / "base.xlsx")
    def fn(xml):
        for ref in refs:
            xml = add_cell_xml(xml, ref)
        return re.sub(r'<dimension ref="[^"]*"/>', "", xml)
    return edit_sheet(base, tmp / ("far_" + "_".join(refs) + ".xlsx"), fn)


def beyond_excel(tmp: Path) -> Path:
    """A cell at row 4,294,967,295 (item 1)."""
    base = write_ledger(tmp / "base.xlsx")
    return edit_sheet(base, tmp / "beyond.xlsx", lambda x: add_cell_xml(x, "A4294967295"))


def _raw_zip(dst: Path, parts: dict[str, bytes], big_name: str, big_chunks, level: int = 9) -> Path:
    """A package whose part `big_name` is streamed from big_chunks (so the bomb is never held in memory here)."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in parts.items():
            if name != big_name:
                z.writestr(name, data)
        with z.open(big_name, "w", force_zip64=True) as fh:
            for chunk in big_chunks:
                fh.write(chunk)
    return dst


def zip_bomb(tmp: Path, inflated_mb: int = 1024, kind: str = "rows") -> Path:
    """The ledger whose sheet inflates to `inflated_mb` MB: repeated rows ("rows") or whitespace ("space") (item 2)."""
    base = write_ledger(tmp / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    head, _, rest = xml.partition("<sheetData>")
    body, _, foot = rest.partition("</sheetData>")
    unit = 1 << 20

    def chunks():
        yield (head + "<sheetData>" + body).encode()
        if kind == "space":
            blank = b" " * unit
            for _ in range(inflated_mb):
                yield blank
        else:
            row = '<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
            r = 100
            block_rows = unit // 60
            for _ in range(inflated_mb):
                yield "".join(row.format(r=r + k) for k in range(block_rows)).encode()
                r += block_rows
                if r > 1_000_000:
                    r = 100
        yield ("</sheetData>" + foot).encode()
    return _raw_zip(tmp / f"bomb_{kind}_{inflated_mb}.xlsx", parts, "xl/worksheets/sheet1.xml", chunks())


def shared_string_bomb(tmp: Path, inflated_mb: int = 600) -> Path:
    """A small file whose one shared string inflates to `inflated_mb` MB (item 2)."""
    base = write_ledger(tmp / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="200"><c r="A200" t="s"><v>0</v></c></row></sheetData>')
    parts.setdefault("xl/sharedStrings.xml", b"")
    if b"sharedStrings" not in parts["[Content_Types].xml"]:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')

    def chunks():
        yield (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        block = b"A" * (1 << 20)
        for _ in range(inflated_mb):
            yield block
        yield b"</t></si></sst>"
    return _raw_zip(tmp / "sst_bomb.xlsx", parts, "xl/sharedStrings.xml", chunks())


def panic_date(tmp: Path, sheet_name: str = SHEET) -> Path:
    """A date-formatted cell holding -1e12 (item 3): python-calamine panics on it."""
    base = write_ledger(tmp / "base.xlsx")
    def fn(xml):
        m = re.search(r'<c r="H3"( s="\d+")', xml)
        style = m.group(1)
        return xml.replace("</sheetData>", f'<row r="300"><c r="H300"{style}><v>-1e12</v></c></row></sheetData>')
    return edit_sheet(base, tmp / "panic.xlsx", fn)


def hostile_names(tmp: Path) -> Path:
    """Zip entries named ../../x and /abs/x, and a DOCTYPE entity block in a part (item 18)."""
    base = write_ledger(tmp / "base.xlsx")
    def edit(name, data):
        if name == "docProps/app.xml":
            return [(name, data), ("../../evil.txt", b"x"), ("/abs/evil.txt", b"y")]
        return data
    return rewrite_parts(base, tmp / "names.xlsx", edit)


def doctype_part(tmp: Path) -> Path:
    base = write_ledger(tmp / "base.xlsx")
    def edit(name, data):
        if name == "docProps/core.xml":
            return b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + data.split(b"?>", 1)[-1]
        return data
    return rewrite_parts(base, tmp / "doctype.xlsx", edit)


def corrupt_parts(tmp: Path, base: Path | None = None) -> dict[str, Path]:
    """Parts other readers call corrupt (item 9): no styles.xml, &#1; in the sheet, a shared-string index "abc",
    t="d" holding text, an inverted merge D10:A4. `base` defaults to the small ledger."""
    base = base or write_ledger(tmp / "base.xlsx")
    out = {}
    out["no_styles"] = rewrite_parts(base, tmp / "no_styles.xlsx", lambda n, d: None if n == "xl/styles.xml" else d)
    out["char1"] = edit_sheet(base, tmp / "char1.xlsx", lambda x: x.replace("受援人1<", "受援人&#1;1<", 1)
                              .replace("</sheetData>", '<row r="90"><c r="A90" t="inlineStr"><is><t>&#1;</t></is></c>'
                                                       '</row></sheetData>'))
    out["sst_abc"] = edit_sheet(base, tmp / "sst_abc.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="91"><c r="A91" t="s"><v>abc</v></c></row></sheetData>'))
    out["date_text"] = edit_sheet(base, tmp / "date_text.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="92"><c r="H92" t="d"><v>not a date</v></c></row></sheetData>'))
    out["merge_inverted"] = edit_sheet(base, tmp / "merge_inverted.xlsx", lambda x: x.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="D10:A4"/></mergeCells>', 1))
    return out


def biff5_workbook(path: Path, sheets: dict[str, list[list]], codepage: int = 936, encoding: str = "gbk") -> Path:
    """An Excel 95 (BIFF5) .xls with 8-bit text in `encoding` and a CODEPAGE record (item 13). Numbers are NUMBER
    records, text LABEL records; written by hand, as no maintained library writes BIFF5 any more."""
    import struct
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from macros.cfb import write_compound_file

    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(dt: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHH", 0x0500, dt, 0x0DBB, 0x07CC))

    names = list(sheets)
    font = rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + bytes([5]) + b"Arial")
    # XF 0–14 style records, 15 the default cell format, 16 a cell format with the built-in date format 14
    xfs = [rec(0x00E0, struct.pack("<HHHHHHHH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0)) for _ in range(15)]
    xfs += [rec(0x00E0, struct.pack("<HHHHHHHH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0)),
            rec(0x00E0, struct.pack("<HHHHHHHH", 0, 14, 0x0001, 0x20, 0, 0, 0, 0))]
    glob_fixed = [bof(0x0005), rec(0x0042, struct.pack("<H", codepage)), *[font] * 5, *xfs]
    sheet_blobs = []
    for name in names:
        body = [bof(0x0010)]
        rows = sheets[name]
        width = max((len(r) for r in rows), default=0)
        body.append(rec(0x0000, struct.pack("<HHHH", 0, len(rows), 0, width)))   # DIMENSIONS (BIFF5: 0x0000)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.datetime):
                    serial = (v - dt.datetime(1899, 12, 30)).days
                    body.append(rec(0x0203, struct.pack("<HHHd", r, c, 16, float(serial))))
                elif isinstance(v, (int, float)):
                    body.append(rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v))))
                else:
                    raw = str(v).encode(encoding)
                    body.append(rec(0x0204, struct.pack("<HHHH", r, c, 15, len(raw)) + raw))
        body.append(rec(0x000A, b""))
        sheet_blobs.append(b"".join(body))
    bound = [rec(0x0085, struct.pack("<IBB", 0, 0, 0) + bytes([len(n.encode(encoding))]) + n.encode(encoding))
             for n in names]
    glob_len = sum(map(len, glob_fixed)) + sum(map(len, bound)) + 4
    offset = glob_len
    fixed_bound = []
    for b, blob, n in zip(bound, sheet_blobs, names):
        fixed_bound.append(b[:4] + struct.pack("<I", offset) + b[8:])
        offset += len(blob)
    stream = b"".join(glob_fixed) + b"".join(fixed_bound) + rec(0x000A, b"") + b"".join(sheet_blobs)
    if len(stream) < 4096:
        stream += b"\0" * (4096 - len(stream))   # a Book stream of the usual (non-mini) size
    path.write_bytes(write_compound_file({"Book": stream}))
    return path


def biff8_far_numbers(path: Path, cells: list[tuple[int, int, float]]) -> Path:
    """An Excel 97–2003 (BIFF8) .xls whose one sheet holds NUMBER records at the given 0-based (row, col)
    (a far cell: item 1 for .xls)."""
    import struct
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from macros.cfb import write_compound_file

    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(dt: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x0600))

    font = rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + b"\x05\x00Arial")
    xfs = [rec(0x00E0, struct.pack("<HHHHHHIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0x20C0)) for _ in range(15)]
    xfs.append(rec(0x00E0, struct.pack("<HHHHHHIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0x20C0)))
    body = [bof(0x0010)] + [rec(0x0203, struct.pack("<HHHd", r, c, 15, v)) for r, c, v in cells] + [rec(0x000A, b"")]
    sheet_blob = b"".join(body)
    name = b"Sheet1"
    head = [bof(0x0005), rec(0x0042, struct.pack("<H", 1200)), *[font] * 5, *xfs]
    bound_len = 4 + 6 + 2 + len(name)
    offset = sum(map(len, head)) + bound_len + 4
    bound = rec(0x0085, struct.pack("<IBB", offset, 0, 0) + bytes([len(name), 0]) + name)
    stream = b"".join(head) + bound + rec(0x000A, b"") + sheet_blob
    stream += b"\0" * max(0, 4096 - len(stream))
    path.write_bytes(write_compound_file({"Workbook": stream}))
    return path
