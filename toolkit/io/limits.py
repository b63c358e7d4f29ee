"""Bounds checked before a workbook is parsed: what Excel itself can hold, and what this program can read in bounded
memory. One place, Chinese reasons; read by toolkit.io.excel_read (and by the .docx readers for the zip checks).

Everything here works on the zip's directory and on a streamed scan of the sheet XML: nothing is inflated whole.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.base.errors import InputError
from toolkit.base.layout import col_letter, col_number

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384     # Excel's grid
EXCEL_CELL_CHARS = 32_767                         # the most characters a cell holds
MAX_ENTRIES = 10_000                              # parts in one package (a real workbook has tens)
MAX_PART_BYTES = 400 * 2**20                      # one inflated part (a 100,000-row ledger's sheet is ~73 MB)
MAX_TOTAL_BYTES = 800 * 2**20                     # all inflated parts together
MAX_SHARED_STRINGS_BYTES = 200 * 2**20            # the shared strings are held in memory whole
MAX_RATIO = 200                                   # inflated ÷ stored, for parts over RATIO_FLOOR (XML packs 5–30×)
RATIO_FLOOR = 16 * 2**20
MAX_CELLS = 8_000_000                             # cells held at once (and the most a dense grid may span)
_SCAN_CHUNK = 1 << 22

_REF = re.compile(rb"""<c\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,8})([0-9]{1,12})["']""")
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,8})([0-9]{1,12})"')
_VALUED_REF = re.compile(rb"""<c\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,8})([0-9]{1,12})["'][^>]*(?<!/)>""")
_EMPTY_CELL = re.compile(rb"<c(?:\s[^>]*)?/>")
_ODD_CELL = re.compile(rb"<c[\t\r\n]")
_ROW_REF = re.compile(rb"""<row\s[^>]*?\br\s*=\s*["']([0-9]{1,12})["']""")
_DOCTYPE = (b"<!DOCTYPE", b"<!doctype", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _refuse(path: Path, reason: str, sheet: str | None = None) -> InputError:
    return InputError(reason, file=path.name, sheet=sheet)


def _column_number(letters: bytes) -> int:
    return col_number(letters.decode("ascii"))


def unsafe_entry_name(name: str) -> bool:
    """True for a zip entry name no Office program writes: absolute, drive-qualified, with '..', '\\' or NUL."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in name and any(part == ".." for part in PurePosixPath(name).parts)


def check_package(path: Path, *, what: str = "工作簿") -> zipfile.ZipFile | None:
    """Check a zip package (xlsx, xlsm, docx …) before anything parses it: entry names, inflated sizes against Excel's
    scale and the file's size, no DOCTYPE blocks. Returns the open ZipFile (caller closes), or None when the file is
    not a zip at all (the format reader then says what it is)."""
    try:
        zf = CheckedZip(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):   # a damaged zip header too
        return None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(path, f"文件内部有 {len(infos):,} 个部件，远多于任何{what}，可能是被篡改的文件，已拒绝处理。")
        total = 0
        for info in infos:
            if unsafe_entry_name(info.filename):
                raise _refuse(path, f"文件内部含有异常的路径名“{info.filename[:60]}”（Office 不会写出这种名字），"
                                    "可能是被篡改的文件，已拒绝处理。")
            size = info.file_size
            total += size
            limit = MAX_SHARED_STRINGS_BYTES if info.filename.lower().endswith("sharedstrings.xml") else MAX_PART_BYTES
            ratio = size / max(info.compress_size, 1)
            if size > limit or total > MAX_TOTAL_BYTES or (size > RATIO_FLOOR and ratio > MAX_RATIO):
                raise _refuse(path, f"文件解压后过大（内部部件“{info.filename[:60]}”解压后约 {size / 2**20:,.0f} MB，"
                                    f"压缩了 {ratio:,.0f} 倍），不像正常的{what}（可能是“压缩炸弹”），已拒绝处理。"
                                    "如确为正常文件，请删除多余内容或拆分后再处理。")
        heads = _PartHeads(path, zf) if 0 < _file_size(zf) <= SMALL_PACKAGE_BYTES else None
        for info in infos:
            zf.parts.pop(info.filename, None)   # (a later entry of the same name is the one zipfile reads)
            if info.filename.lower().endswith((".xml", ".rels", ".vml")) and info.file_size:
                head = heads.head(info) if heads is not None else None
                if head is None:
                    with zf.open(info) as part:
                        head = part.read(65536)
                elif len(head) == info.file_size and heads.kept + len(head) <= SMALL_PACKAGE_BYTES:
                    zf.parts[info.filename] = head   # whole, CRC checked: the reader takes it from here
                    heads.kept += len(head)
                if b"!" in head and any(mark in head for mark in _DOCTYPE):   # (each mark holds a "!" byte)
                    raise _refuse(path, f"文件内部部件“{info.filename[:60]}”含有 DOCTYPE 声明（Office 不会写出这种内容），"
                                        "可能是被篡改的文件，已拒绝处理。")
        return zf
    except InputError:
        zf.close()
        raise
    except Exception:   # a damaged directory or part: the format reader says so in its own words
        zf.close()
        return None


SMALL_PACKAGE_BYTES = 4 * 2**20                   # a package this small is read whole for the DOCTYPE check
_HEAD = 65536
_LOCAL = struct.Struct("<4s2B4HL2L2H")             # a zip local file header (as zipfile reads it)
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40                # encrypted, compressed patch, strong encryption


def _file_size(zf: zipfile.ZipFile) -> int:
    try:
        return os.fstat(zf.fp.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return -1


class CheckedZip(zipfile.ZipFile):
    """The ZipFile check_package returns: the small parts it inflated whole (CRC checked) are kept, and read()
    and xml_pieces() take them from memory instead of inflating them again (at most SMALL_PACKAGE_BYTES kept)."""

    def __init__(self, *args, **kwargs):
        self.parts: dict[str, bytes] = {}
        super().__init__(*args, **kwargs)

    def read(self, name, pwd=None):
        data = self.parts.get(name) if pwd is None and name.__class__ is str and name in self.NameToInfo else None
        return data if data is not None else super().read(name, pwd)


class _PartHeads:
    """The first 64 KB of each part of a small package, inflated from the file's bytes read once, instead of
    through zipfile.open (≈ 70 µs a part: most of the check's cost for a return of a few KB). It answers only what
    zipfile.open would read the same way — a plain local header naming the part, stored or deflated, not
    overlapping the next entry, whole parts' CRCs right — and None otherwise, for the caller to open the part
    as before (which then raises as it did)."""

    def __init__(self, path: Path, zf: zipfile.ZipFile):
        try:
            with open(path, "rb") as fh:
                self.data = fh.read(SMALL_PACKAGE_BYTES + 1)
        except OSError:
            self.data = b""
        ends = sorted({i.header_offset for i in zf.infolist()} | {zf.start_dir})
        self.ends = {a: b for a, b in zip(ends, ends[1:])}
        self.kept = 0

    def head(self, info: zipfile.ZipInfo) -> bytes | None:
        data, at = self.data, info.header_offset
        stored = info.compress_type == zipfile.ZIP_STORED
        if info.flag_bits & _UNUSUAL_FLAGS or not (stored or info.compress_type == zipfile.ZIP_DEFLATED) \
                or (stored and info.compress_size != info.file_size) or at + _LOCAL.size > len(data):
            return None
        magic, _, _, flags, _, _, _, _, _, _, name_len, extra_len = _LOCAL.unpack_from(data, at)
        if magic != b"PK\x03\x04" or flags & _UNUSUAL_FLAGS:
            return None
        name = data[at + _LOCAL.size:at + _LOCAL.size + name_len]
        try:
            if name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
                return None
        except UnicodeDecodeError:
            return None
        start = at + _LOCAL.size + name_len + extra_len
        stop = start + info.compress_size
        if stop > len(data) or stop > self.ends.get(at, -1):
            return None
        want = min(info.file_size, _HEAD)
        try:
            if stored:
                head = data[start:start + want]
            else:
                head = zlib.decompressobj(-15).decompress(data[start:stop], want)
        except zlib.error:
            return None
        if len(head) != want or (want == info.file_size and zlib.crc32(head) != info.CRC):
            return None
        return head


@dataclass(frozen=True)
class SheetExtent:
    """What a sheet's XML holds: the bounding box of its cells (1-based, inclusive) and how many cells there are."""

    cells: int
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    long_text: bool = False   # some text may be longer than a cell holds (checked cell by cell after reading)

    @property
    def area(self) -> int:
        if not self.cells:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)


def xml_pieces(zf: zipfile.ZipFile, part, size: int = _SCAN_CHUNK):
    """A zip part's XML streamed in pieces of about `size` bytes, each cut just before a '<', so that no tag is split
    between two pieces (the last piece is the rest)."""
    tail = b""
    kept = zf.parts.get(part) if zf.__class__ is CheckedZip and part.__class__ is str else None
    with (io.BytesIO(kept) if kept is not None else zf.open(part)) as fh:
        while True:
            chunk = fh.read(size)
            data = tail + chunk
            if not chunk:
                if data:
                    yield data
                return
            cut = data.rfind(b"<")
            cut = len(data) if cut <= 0 else cut
            tail = data[cut:]
            yield data[:cut]


def scan_sheet(zf: zipfile.ZipFile, part: str, valued_only: bool = False) -> SheetExtent:
    """Stream a worksheet part and bound its cells. Cells and rows without a reference are placed as a reader would
    (after the previous one), so the bound is an upper bound. With `valued_only`, cells written as an empty
    element (<c r="Z9" s="3"/>: formatting only, which the reader skips) are left out (slower; used when the quick
    bound is over a limit)."""
    cells = 0
    first_row = first_col = 1 << 62
    last_row = last_col = 0
    unreferenced_cells = unreferenced_rows = 0
    long_text = False
    for data in xml_pieces(zf, part):
        long_text = long_text or has_long_run(data)
        n_cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        if _ODD_CELL.search(data):   # a tab or line break after "<c": only a hand-made file has it
            n_cells += len(_ODD_CELL.findall(data))
        refs = _PLAIN_REF.findall(data)   # r first, double quotes: what Office and the usual libraries write
        if len(refs) != n_cells:
            refs = _REF.findall(data)
        if valued_only:
            n_cells -= len(_EMPTY_CELL.findall(data))
            refs = _VALUED_REF.findall(data)
        cells += n_cells
        unreferenced_cells += max(n_cells - len(refs), 0)
        if refs:
            rows = list(map(int, {r for _, r in refs}))
            cols = {c for c, _ in refs}
            col_numbers = [_column_number(c) for c in cols]
            first_row, last_row = min(first_row, min(rows)), max(last_row, max(rows))
            first_col, last_col = min(first_col, min(col_numbers)), max(last_col, max(col_numbers))
        if unreferenced_cells:
            n_rows = data.count(b"<row ") + data.count(b"<row>")
            unreferenced_rows += max(n_rows - len(_ROW_REF.findall(data)), 0)
            row_numbers = [int(r) for r in _ROW_REF.findall(data)]
            if row_numbers:
                last_row = max(last_row, max(row_numbers))
    if not cells:
        return SheetExtent(0, 0, 0, 0, 0)
    if unreferenced_cells:   # placed after earlier ones: bound from the top-left corner
        first_row, first_col = 1, 1
        last_row = max(last_row, 1) + unreferenced_rows
        last_col = max(last_col, 1) + unreferenced_cells
    return SheetExtent(cells, first_row, first_col, last_row, last_col, long_text)


def has_long_run(data: bytes, run: int = EXCEL_CELL_CHARS // 2) -> bool:
    """True if `data` may hold a text of more than EXCEL_CELL_CHARS characters: some stretch of `run` bytes has no
    '<'. Probes every `run` bytes (a few thousand finds for a large sheet), so it is a cheap gate, not a verdict."""
    find = data.find
    for start in range(0, max(len(data) - run, 0), run):
        nxt = find(b"<", start)
        if nxt < 0:
            return len(data) - start >= run
        if nxt - start >= run:
            return True
    return False


def stream_has_long_run(zf: zipfile.ZipFile, part: str) -> bool:
    """has_long_run over a part, streamed."""
    return any(has_long_run(data) for data in xml_pieces(zf, part))


def check_extent(path: Path, sheet: str, extent: SheetExtent, dense: bool = True) -> None:
    """Refuse a sheet Excel cannot hold, or one whose cells would not fit in bounded memory. `dense`: the reader
    materialises the whole rectangle (.xls/.xlsb/.ods through python-calamine), so its area is bounded too; an
    .xlsx is read sparse (toolkit.io.xlsx.read_book), far stray cells left out with a note."""
    if extent.last_row > EXCEL_ROWS or extent.last_col > EXCEL_COLUMNS:
        where = (f"第 {extent.last_row:,} 行" if extent.last_row > EXCEL_ROWS
                 else f"第 {extent.last_col:,} 列（{col_letter(extent.last_col)}列）")
        raise _refuse(path, f"工作表中有单元格位于{where}，超出了 Excel 的范围（最多 1,048,576 行、16,384 列），"
                            "文件可能已损坏或被篡改，无法读取。", sheet)
    if extent.cells > MAX_CELLS:
        raise _refuse(path, f"工作表有 {extent.cells:,} 个单元格，超过本工具一次能读取的 {MAX_CELLS:,} 个。"
                            "请把数据拆分到几个文件后再处理。", sheet)
    if dense and extent.area > MAX_CELLS:
        corner = f"{col_letter(extent.last_col)}{extent.last_row}"
        start = f"{col_letter(extent.first_col)}{extent.first_row}"
        raise _refuse(path, f"工作表的内容分散在 {start} 到 {corner} 这样大的区域里（约 {extent.area:,} 个单元格，"
                            f"实际只有 {extent.cells:,} 个单元格有内容），超出本工具一次能读取的范围。远处的单元格"
                            f"（如 {corner} 附近或第 {extent.last_row:,} 行）多半是误输入：请在 Excel 中删除多余的行和列"
                            "（不只是清除内容）后另存，再处理。", sheet)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


def package_path(path: str) -> str:
    """A part's name from a relationship target joined to its folder: '.' and empty pieces dropped, '..' going up and
    never above the package root (as python-calamine resolves it)."""
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def worksheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package (xlsx/xlsm); empty when the workbook part cannot be read."""
    names = {n.lower(): n for n in zf.namelist()}
    try:
        book = zf.read(names["xl/workbook.xml"])[:4 * 2**20]
        rels = zf.read(names["xl/_rels/workbook.xml.rels"])[:4 * 2**20]
    except (KeyError, Exception):
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        attrs = {k.split(b":")[-1]: (a or b) for k, a, b in _ATTR.findall(tag)}
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        found = names.get(package_path(target).lower())
        if found:
            targets[attrs.get(b"Id", b"").decode("utf-8", "replace")] = found
    result = {}
    for tag in _SHEET_TAG.findall(book):
        attrs = {k.split(b":")[-1]: (a or b) for k, a, b in _ATTR.findall(tag)}
        name = _unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        part = targets.get(attrs.get(b"id", b"").decode("utf-8", "replace"))
        if part:
            result[name] = part
    return result


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def check_workbook_file(path: Path, sheets: list[str] | None = None) -> bool:
    """All pre-parse checks of an .xlsx/.xlsm file (the named sheets, or every worksheet). True when some text may be
    longer than a cell holds (the reader then checks cell by cell)."""
    zf = check_package(path)
    if zf is None:
        return True
    long_text = False
    with zf:
        parts = worksheet_parts(zf)
        if not parts:   # a package without a readable workbook part: still bound every sheet-like part
            parts = {n: n for n in zf.namelist() if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")}
        for name, part in parts.items():
            if sheets is not None and name not in sheets:
                continue
            extent = scan_sheet(zf, part)
            try:
                check_extent(path, name, extent, dense=False)
            except InputError:   # formatting-only cells (skipped by the reader) may have made the bound too wide
                extent = scan_sheet(zf, part, valued_only=True)
                check_extent(path, name, extent, dense=False)
            long_text = long_text or extent.long_text
        for name in zf.namelist():
            if name.lower().endswith("sharedstrings.xml"):
                long_text = long_text or stream_has_long_run(zf, name)
    return long_text


# BIFF8 (.xls) records holding a value: NUMBER, LABEL, LABELSST, RK, FORMULA, BOOLERR, RSTRING; MULRK spans columns
_BIFF_CELLS = {0x0203, 0x0204, 0x00FD, 0x027E, 0x0006, 0x0406, 0x0205, 0x00D6}
_BIFF_MULRK, _BIFF_BOF, _BIFF_EOF = 0x00BD, 0x0809, 0x000A


def check_xls_file(path: Path) -> None:
    """The extent of each sheet of an Excel 97–2003 .xls, from its cell records, before the reader materialises it
    (a hostile file's cell at row 65,535 and column 65,535 would ask for billions of cells)."""
    import io
    import struct

    try:
        from xlrd.compdoc import CompDoc
        stream = CompDoc(path.read_bytes(), logfile=io.StringIO()).get_named_stream("Workbook")
    except Exception:   # not a readable compound file: the reader says what is wrong
        return
    if not stream:
        return
    unpack = struct.unpack_from
    pos, end, sheet = 0, len(stream), -1
    bounds: dict[int, list[int]] = {}
    while pos + 4 <= end:
        kind, size = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + size
        if kind == _BIFF_BOF:
            sheet += 1
        elif (kind in _BIFF_CELLS or kind == _BIFF_MULRK) and size >= 4 and pos <= end:
            row, col = unpack("<HH", stream, body)
            last = unpack("<H", stream, pos - 2)[0] if kind == _BIFF_MULRK and size >= 6 else col
            b = bounds.setdefault(sheet, [row, col, row, last, 0])
            b[0], b[1] = min(b[0], row), min(b[1], col)
            b[2], b[3] = max(b[2], row), max(b[3], last)
            b[4] += 1 + max(last - col, 0)
    for index, (r0, c0, r1, c1, cells) in bounds.items():
        extent = SheetExtent(cells, r0 + 1, c0 + 1, r1 + 1, c1 + 1)
        check_extent(path, f"第{index}个工作表", extent)
