"""Reading spreadsheets (.xlsx .xlsm .xls .xlsb .ods .csv) into plain grids, at the speed of the XML.

Every failure becomes an InputError with a Chinese reason naming the file; macros are never run (calamine only reads data).
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK/GB2312

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass
class RawSheet:
    """One sheet as a grid anchored at A1: rows[r][c] is Excel cell (r+1, c+1); empty cells are None."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (r0, c0, r1, c1) inclusive
    hidden: frozenset = frozenset()   # 0-based rows hidden or filtered out in Excel (when the reader knows them)

    def cell(self, r: int, c: int):
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None


def _unusable(path: Path, reason: str) -> InputError:
    return InputError(reason, file=path.name)


def _check_file(path: Path) -> bytes:
    if not path.exists():
        raise _unusable(path, "文件不存在，请检查路径。")
    if path.is_dir():
        raise _unusable(path, "这是一个文件夹，不是表格文件。")
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if not head:
        raise _unusable(path, "文件是空的（0字节）。")
    return head


def sheet_names(path: str | Path) -> list[str]:
    """Names of the worksheets of a workbook, in order (a CSV has one sheet named after the file)."""
    path = Path(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [path.stem]
    return [s.name for s in read_workbook(path, names_only=True)]


class _Prefetch(threading.Thread):
    """Parses a workbook's worksheets in the background: calamine works without the GIL, so the program can import
    its modules and prepare its output meanwhile. Failures are kept quiet: read_workbook then reads again and says
    what is wrong in the user's terms."""

    def __init__(self, path: Path):
        super().__init__(daemon=True, name="prefetch")
        self.path = path
        self.book = None
        self.parsed: dict = {}
        self.start()

    def run(self) -> None:
        import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

        try:
            book = calamine.CalamineWorkbook.from_path(str(self.path))
            for meta in book.sheets_metadata:
                if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                    self.parsed[meta.name] = book.get_sheet_by_name(meta.name)
            self.book = book
        except Exception:
            self.book = None


_prefetched: dict[tuple, _Prefetch] = {}


def _file_key(path: Path) -> tuple:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def prefetch(path: str | Path) -> None:
    """Start parsing an Excel workbook in a background thread; read_workbook of the same, unchanged file uses it."""
    path = Path(path)
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES and path.is_file():
            _prefetched[_file_key(path)] = _Prefetch(path)
    except OSError:
        pass


def read_workbook(path: str | Path, sheets: list[str] | None = None, *, names_only: bool = False) -> list[RawSheet]:
    """All (or the named) worksheets of a workbook as A1-anchored grids."""
    path = Path(path)
    head = _check_file(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(path)]
    if suffix not in EXCEL_SUFFIXES:
        raise _unusable(path, f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .xlsx、.xlsm、.xls 或 .csv 文件。")
    if head.startswith(_CFB_MAGIC) and _ENCRYPTED_MARK in head and suffix != ".xls":
        raise _unusable(path, "文件设有打开密码，无法读取。请在Excel中取消密码（文件→信息→保护工作簿）后另存再处理。")
    import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

    ahead = _prefetched.pop(_file_key(path), None)
    if ahead is not None:
        ahead.join()
    parsed = ahead.parsed if ahead is not None and ahead.book is not None else {}
    try:
        book = ahead.book if parsed else calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise _unusable(path, "文件设有打开密码，无法读取。请在Excel中取消密码后另存再处理。") from None
    except Exception as exc:  # ZipError, XmlError, CalamineError, ... all mean the same to the user
        raise _unusable(path, "文件已损坏或不是有效的Excel工作簿，无法打开。") from None
    try:
        visible_sheets = [m.name for m in book.sheets_metadata
                          if m.typ == calamine.SheetTypeEnum.WorkSheet]
        if names_only:
            return [RawSheet(name, []) for name in visible_sheets]
        wanted = visible_sheets if sheets is None else sheets
        result = []
        for name in wanted:
            if name not in visible_sheets:
                raise InputError(f"找不到工作表“{name}”。现有工作表：{'、'.join(visible_sheets)}。", file=path.name)
            result.append(_read_sheet(book, name, path, parsed.get(name)))
        return result
    finally:
        book.close()


def _read_sheet(book, name: str, path: Path, parsed=None) -> RawSheet:
    import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

    try:
        sheet = parsed or book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged_ranges = sheet.merged_cell_ranges or []
    except calamine.PasswordError:
        raise InputError("工作表有密码保护，无法读取。", file=path.name, sheet=name) from None
    except Exception as exc:
        raise InputError("工作表内容已损坏，无法读取。", file=path.name, sheet=name) from None
    # empty and blank-only cells are None (a cell holding only spaces is empty to a reader)
    rows = [[None if v == "" or (v.__class__ is str and v.isspace()) else v for v in row] for row in values]
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged_ranges]
    return RawSheet(name, rows, merged)


def decode_text(data: bytes) -> str | None:
    """Text from a file saved as UTF-8 (with or without BOM) or GBK/GB18030; None if it is neither."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_csv(path: str | Path) -> RawSheet:
    """A CSV file (UTF-8 with or without BOM, or GBK/GB18030) as one grid of text cells."""
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise _unusable(path, "文件是空的（0字节）。")
    if b"\x00" in data[:4096]:
        raise _unusable(path, "文件不是文本格式的CSV（可能是改了扩展名的其他文件）。")
    text = decode_text(data)
    if text is None:
        raise _unusable(path, "无法识别文件编码（支持 UTF-8 和 GBK/GB18030），请在Excel中另存为“CSV UTF-8”。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell if cell.strip() != "" else None for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    return RawSheet(path.stem, rows)
