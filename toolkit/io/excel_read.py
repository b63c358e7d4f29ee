"""Reading spreadsheets (.xlsx .xlsm .xls .xlsb .ods .csv) into plain grids, at the speed of the XML.

Every failure becomes an InputError with a Chinese reason naming the file; macros are never run (calamine only reads data).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

from toolkit.base.errors import InputError, is_panic
from toolkit.base.sheet import RawSheet  # noqa: F401 (the grid every reader returns; shells import it from here too)
from toolkit.io import limits
from toolkit.base.layout import col_letter

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}                  # read by toolkit.io.xlsx.read_book (only the cells that hold something)
CALAMINE_SUFFIXES = EXCEL_SUFFIXES - XLSX_SUFFIXES  # read by python-calamine
CSV_SUFFIXES = {".csv", ".txt"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK/GB2312

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


def _unusable(path: Path, reason: str) -> InputError:
    return InputError(reason, file=path.name)


def check_regular_file(path: Path, what: str = "表格文件") -> None:
    """Refuse what is not an ordinary file (missing, a folder, a pipe or device that would block a read)."""
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise _unusable(path, "文件不存在，请检查路径。") from None
    except OSError as exc:
        from toolkit.base.errors import os_error_text
        raise _unusable(path, f"无法读取文件：{os_error_text(exc)}。") from None
    if stat.S_ISDIR(mode):
        raise _unusable(path, f"这是一个文件夹，不是{what}。")
    if not stat.S_ISREG(mode):
        raise _unusable(path, f"这不是普通文件（可能是管道或设备），不是{what}，已拒绝读取。")


def _check_file(path: Path) -> bytes:
    check_regular_file(path)
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
        self.checked = threading.Event()   # set once the pre-parse limits have been applied
        self.start()

    def run(self) -> None:
        import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

        try:
            try:
                _bounded(self.path, None)
            finally:
                self.checked.set()
            with rust_quiet():
                book = calamine.CalamineWorkbook.from_path(str(self.path))
                for meta in book.sheets_metadata:
                    if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                        self.parsed[meta.name] = book.get_sheet_by_name(meta.name)
            self.book = book
        except BaseException:   # a Rust panic is a BaseException; nothing may escape this thread
            self.book = None
            self.parsed = {}


_trap_lock = threading.Lock()


@contextlib.contextmanager
def rust_quiet():
    """Keep a Rust panic's English message and backtrace (written straight to file descriptor 2 by the panic hook)
    off the console: stderr goes to a temporary file meanwhile, and what else was written there is passed on.
    Used around every python-calamine call; the exception itself is turned into a Chinese reason by the caller."""
    if not _trap_lock.acquire(blocking=False):   # another thread holds the trap: it covers this one too
        yield
        return
    try:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
            trap = tempfile.TemporaryFile()
            os.dup2(trap.fileno(), 2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        panicked = False
        try:
            yield
        except BaseException as exc:
            panicked = is_panic(exc)
            raise
        finally:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            trap.seek(0)
            text = trap.read().decode("utf-8", "replace")
            trap.close()
            if panicked or "panicked at" in text:
                text = text[:text.find("thread '")] if "thread '" in text else ""
            if text:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(text)
                    sys.stderr.flush()
    finally:
        _trap_lock.release()


def settle() -> None:
    """Wait for background reads still running (so what they hold back of stderr is written before the program
    ends); called by the error boundary before it prints."""
    for ahead in list(_prefetched.values()):
        ahead.join()


def check_bounds(path: str | Path) -> None:
    """The pre-parse checks alone (file kind, zip sizes and names, sheet extents): for a command that opens the
    workbook another way before reading it. Raises InputError with the reason."""
    path = Path(path)
    _check_file(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return
    if path.suffix.lower() in XLSX_SUFFIXES:
        # the package alone (entry names, inflated sizes, ratios, DOCTYPE): what a patcher inflates is bounded by it;
        # the sheets' extents and cell counts are checked by the streaming reader as it reads
        zf = limits.check_package(path)
        if zf is not None:
            zf.close()
        return
    with contextlib.suppress(OSError):
        ahead = _prefetched.get(_file_key(path))
        if ahead is not None:
            ahead.checked.wait()
    _bounded(path, None)


_prefetched: dict[tuple, _Prefetch] = {}


def _file_key(path: Path) -> tuple:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def prefetch(path: str | Path) -> None:
    """Start parsing an .xls/.xlsb/.ods workbook in a background thread (python-calamine parses without the GIL);
    read_workbook of the same, unchanged file uses it. An .xlsx is read in Python: a thread would gain nothing."""
    path = Path(path)
    try:
        if path.suffix.lower() in CALAMINE_SUFFIXES and path.is_file():
            _prefetched[_file_key(path)] = _Prefetch(path)
    except (OSError, RuntimeError):
        pass


_checked: dict[tuple, tuple[InputError | None, bool]] = {}


def _bounded(path: Path, sheets: list[str] | None) -> bool:
    """The pre-parse limits (toolkit.io.limits) for a zip workbook; each unchanged file is scanned once. True when
    some text may exceed a cell's length (then the grid is checked cell by cell). read_workbook reads an .xlsx
    without this scan (its reader applies the same bounds while streaming); check_bounds uses it."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        if path.suffix.lower() in (".xlsb", ".ods"):
            zf = limits.check_package(path)
            if zf is not None:
                zf.close()
        return True
    key = (*_file_key(path), None if sheets is None else tuple(sheets))
    whole = (*key[:3], None)
    if key not in _checked and whole in _checked and _checked[whole][0] is None:
        key = whole   # every sheet already passed
    if key not in _checked:
        try:
            _checked[key] = (None, limits.check_workbook_file(path, sheets))
        except InputError as exc:
            _checked[key] = (exc, False)
    error, long_text = _checked[key]
    if error is not None:
        raise InputError(error.message, file=error.file, sheet=error.sheet)
    return long_text


def read_workbook(path: str | Path, sheets: list[str] | None = None, *, names_only: bool = False,
                  hidden: bool = False) -> list[RawSheet]:
    """All (or the named) worksheets of a workbook as A1-anchored grids; with `hidden`, an .xlsx/.xlsm/.xls sheet also
    says which rows Excel hides (RawSheet.hidden: seen by the .xlsx reader as it streams the sheet; an .xls's from its
    ROW records, toolkit.io.xls_rows)."""
    path = Path(path)
    head = _check_file(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(path)]
    if suffix not in EXCEL_SUFFIXES:
        raise _unusable(path, f"不支持的文件类型“{path.suffix or '无扩展名'}”，请使用 .xlsx、.xlsm、.xls 或 .csv 文件。")
    if head.startswith(_CFB_MAGIC) and _ENCRYPTED_MARK in head:   # OOXML encryption, whatever the extension
        raise _unusable(path, "文件设有打开密码，无法读取。请在Excel中取消密码（文件→信息→保护工作簿）后另存再处理。")
    if suffix == ".xls" and head.startswith(_CFB_MAGIC) and _is_biff5(path):
        return _read_biff5(path, sheets, names_only)
    if suffix == ".xls" and head.startswith(_CFB_MAGIC):
        limits.check_xls_file(path)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheets, names_only, hidden)
    import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

    ahead = _prefetched.pop(_file_key(path), None)
    if ahead is not None:
        ahead.join()
    parsed = ahead.parsed if ahead is not None and ahead.book is not None else {}
    long_text = _bounded(path, None if names_only or parsed else sheets)
    try:
        if parsed:
            book = ahead.book
        else:
            with rust_quiet():
                book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise _unusable(path, "文件设有打开密码，无法读取。请在Excel中取消密码后另存再处理。") from None
    except BaseException as exc:  # ZipError, XmlError, CalamineError, a Rust panic ... all mean the same to the user
        if not isinstance(exc, Exception) and not is_panic(exc):
            raise
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
            result.append(_noted(path, _read_sheet(book, name, path, parsed.get(name), long_text)))
        if hidden and suffix == ".xls":
            from toolkit.io.xls_rows import xls_hidden_rows

            rows_hidden = xls_hidden_rows(path)
            for sheet in result:
                sheet.hidden = rows_hidden.get(sheet.name, frozenset())
        return result
    finally:
        book.close()


_packages_ok: set[tuple] = set()


def _read_xlsx(path: Path, sheets: list[str] | None, names_only: bool, hidden: bool = False) -> list[RawSheet]:
    """An .xlsx/.xlsm through toolkit.io.xlsx.read_book: the package checked (limits.check_package), then each sheet
    streamed, holding only the cells that hold something; the bounds on cells and Excel's grid are limits'."""
    from toolkit.io.xlsx.read_book import TooBig, XlsxBook

    corrupt = "文件已损坏或不是有效的Excel工作簿，无法打开。"
    st = path.stat()
    key = os.path.abspath(path), st.st_size, st.st_mtime_ns   # (a cache key: an unresolved link only misses it)
    if key in _packages_ok:
        try:
            zf = zipfile.ZipFile(path)
        except Exception:
            zf = None
    else:
        zf = limits.check_package(path)   # raises the Chinese reason for a bomb, a hostile name, a DOCTYPE
        if zf is not None:
            _packages_ok.add(key)
    if zf is None:
        raise _unusable(path, corrupt)
    with zf:
        try:
            book = XlsxBook(zf)
        except Exception:   # Damaged, or anything a damaged package raises while its small parts are read
            raise _unusable(path, corrupt) from None
        names = book.worksheet_names
        if names_only:
            return [RawSheet(name, []) for name in names]
        result = []
        for name in names if sheets is None else sheets:
            if name not in names:
                raise InputError(f"找不到工作表“{name}”。现有工作表：{'、'.join(names)}。", file=path.name)
            try:
                got = book.read_sheet(name)
            except TooBig as exc:
                first = (exc.extent.first_row, exc.extent.first_col) == (1, 1)
                limits.check_extent(path, name, exc.extent, dense=first)
                raise InputError("工作表超过本工具一次能读取的范围。", file=path.name, sheet=name) from None
            except Exception:   # Damaged, a damaged deflate stream …
                raise InputError("工作表内容已损坏，无法读取。请在Excel中检查后另存再处理。",
                                 file=path.name, sheet=name) from None
            notes = [far_cells_note(got.far)] if got.far else []
            if got.long_text:
                notes += _cut_long_cells(got.rows)
            sheet = RawSheet(name, got.rows, got.merged, notes, got.hidden if hidden else frozenset())
            if got.formulas is not None:
                sheet.formula_zeros, sheet.formula_results = got.formulas.zeros, got.formulas.results > 0
            result.append(_noted(path, sheet))
        return result


def far_cells_note(far: list[tuple[int, int, object]], shown: int = 5) -> str:
    """What the user is told about cells left out for lying far from the rest of the data (0-based positions)."""
    from toolkit.base.idcard import mask_text

    refs = [f"{col_letter(c + 1)}{r + 1}" for r, c, _ in far]
    listed = "、".join(refs[:shown]) + (f"等共 {len(refs):,} 个单元格" if len(refs) > shown else "")
    r, c, v = far[0]
    text = str(v)
    text = mask_text(text[:20] + ("…" if len(text) > 20 else ""))
    return (f"单元格 {listed} 远离表格中的其他数据（隔着上万行或数百列空白），多半是误输入，未读取"
            f"（{refs[0]} 的内容是“{text}”）。如确有用处，请把它移到表格旁边；否则请在 Excel 中删除它。")


_BOOK_STREAM, _WORKBOOK_STREAM = "Book".encode("utf-16-le"), "Workbook".encode("utf-16-le")


def _is_biff5(path: Path) -> bool:
    """An Excel 5.0/95 file: its data stream is called "Book" (Excel 97 and later: "Workbook"). python-calamine
    reads its 8-bit text without the file's code page (GBK text comes out as "\ufffd"), so xlrd reads it."""
    data = path.read_bytes()
    return _WORKBOOK_STREAM not in data and _BOOK_STREAM in data


def _read_biff5(path: Path, sheets: list[str] | None, names_only: bool) -> list[RawSheet]:
    """An Excel 95 workbook through xlrd, which decodes text with the file's CODEPAGE record (936 = GBK)."""
    import datetime as dt

    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception:
        raise _unusable(path, "Excel 95 格式的文件已损坏，无法打开。请在Excel中另存为 .xlsx 后再处理。") from None
    try:
        names = book.sheet_names()
        if names_only:
            return [RawSheet(n, []) for n in names]
        result = []
        for name in names if sheets is None else sheets:
            if name not in names:
                raise InputError(f"找不到工作表“{name}”。现有工作表：{'、'.join(names)}。", file=path.name)
            try:
                sh = book.sheet_by_name(name)
                if sh.nrows * sh.ncols > limits.MAX_CELLS:
                    raise InputError(f"工作表区域有 {sh.nrows:,} 行 × {sh.ncols:,} 列，超过本工具一次能读取的范围。",
                                     file=path.name, sheet=name)
                rows = []
                for r in range(sh.nrows):
                    row = []
                    for cell in sh.row(r):
                        v = cell.value
                        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                            v = None
                        elif cell.ctype == xlrd.XL_CELL_DATE:
                            try:
                                v = xlrd.xldate_as_datetime(v, book.datemode)
                                v = v.date() if v.time() == dt.time() else v
                            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                                pass   # the number stays: the checks say it is not a date
                        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                            v = bool(v)
                        elif isinstance(v, str) and (v == "" or v.isspace()):
                            v = None
                        row.append(v)
                    rows.append(row)
            except InputError:
                raise
            except Exception:
                raise InputError("工作表内容已损坏，无法读取。", file=path.name, sheet=name) from None
            result.append(_noted(path, RawSheet(name, rows, [], _cut_long_cells(rows))))
        return result
    finally:
        book.release_resources()


def _read_sheet(book, name: str, path: Path, parsed=None, long_text: bool = True) -> RawSheet:
    import python_calamine as calamine  # lazy: xlwings Lite imports this module without python-calamine

    try:
        if parsed is None:
            with rust_quiet():
                parsed = book.get_sheet_by_name(name)
        sheet = parsed
        if sheet.height * sheet.width > limits.MAX_CELLS:   # .xls/.xlsb/.ods are not scanned before parsing
            raise InputError(f"工作表区域有 {sheet.height:,} 行 × {sheet.width:,} 列，超过本工具一次能读取的"
                             f" {limits.MAX_CELLS:,} 个单元格。请删除多余的行和列或拆分后再处理。",
                             file=path.name, sheet=name)
        with rust_quiet():
            values = sheet.to_python(skip_empty_area=False)
        merged_ranges = sheet.merged_cell_ranges or []
    except calamine.PasswordError:
        raise InputError("工作表有密码保护，无法读取。", file=path.name, sheet=name) from None
    except InputError:
        raise
    except BaseException as exc:   # a Rust panic (e.g. a date cell holding -1e12) is a BaseException
        if not isinstance(exc, Exception) and not is_panic(exc):
            raise
        reason = "有超出范围的日期或数值" if is_panic(exc) else "内容已损坏"
        raise InputError(f"工作表{reason}，无法读取。请在Excel中检查后另存再处理。", file=path.name, sheet=name) from None
    # empty and blank-only cells are None (a cell holding only spaces is empty to a reader)
    rows = [[None if v == "" or (v.__class__ is str and v.isspace()) else v for v in row] for row in values]
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged_ranges]
    return RawSheet(name, rows, merged, _cut_long_cells(rows) if long_text else [])


def _cut_long_cells(rows: list[list]) -> list[str]:
    """Cut text longer than an Excel cell holds (only a damaged or hand-made file has it); say where."""
    notes = []
    limit = limits.EXCEL_CELL_CHARS
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v.__class__ is str and len(v) > limit:
                notes.append(f"第{r + 1}行第{c + 1}列（{col_letter(c + 1)}{r + 1}）的文字有 {len(v):,} 个字符，"
                             f"超过 Excel 单元格的上限 {limit:,}，已截断为前 {limit:,} 个字符。")
                row[c] = v[:limit]
    return notes


def decode_text(data: bytes) -> str | None:
    """Text from a file saved as UTF-8 (with or without BOM), UTF-16 (with or without BOM) or GBK/GB18030; None if it
    is none of them."""
    encoding = _utf16(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            return None
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _utf16(data: bytes) -> str | None:
    """'utf-16' when the text starts with a UTF-16 byte order mark; 'utf-16-le'/'-be' when, without one, its NUL bytes
    sit on every other byte as ASCII and CJK text saved as UTF-16 has them (Excel's "Unicode text" is UTF-16)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.3 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.3 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


MAX_CSV_BYTES = 200 * 2**20
CSV_DELIMITERS = ",\t;"


class _Dialect(csv.Dialect):
    """How the CSV reader splits a file: RFC 4180 quoting (what Excel writes: "…" with "" for a quote inside), the
    delimiter guessed, spaces after a delimiter skipped (they never matter to a cell here)."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = True
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = False


_DIALECTS: dict[str, type] = {}


def csv_dialect(sample: str) -> type:
    """The dialect of a CSV file from its first few KB: of the candidate delimiters (comma, tab, semicolon), the one
    that splits lines into the same number of cells most often, weighed by the cells (lines × (cells − 1) of the
    commonest width above one), counted by csv.reader itself, so a quoted field (delimiters, quotes or line breaks
    inside) is one cell; a tie goes to the delimiter splitting more lines, then comma, tab, semicolon. A title
    line, a ragged row, amounts written "1,800" or "1,5" in a tab or semicolon file do not sway it. Replaces
    csv.Sniffer (≈ 2 ms a file; wrong on a short file under a title line, and on "" inside quotes when it guessed
    doublequote=False)."""
    cut = sample.rfind("\n")
    lines = sample[:cut] if cut > 0 else sample
    best, best_score = ",", (0, 0)
    for delim in CSV_DELIMITERS:
        if delim not in lines:
            continue
        widths: dict[int, int] = {}
        split = 0
        try:
            for row in csv.reader(io.StringIO(lines, newline=""), delimiter=delim, strict=False):
                if len(row) > 1:
                    widths[len(row)] = widths.get(len(row), 0) + 1
                    split += 1
        except csv.Error:   # (a NUL character): the reader below says what is wrong
            continue
        if widths:
            score = (max((width - 1) * count for width, count in widths.items()), split)
            if score > best_score:
                best, best_score = delim, score
    dialect = _DIALECTS.get(best)
    if dialect is None:
        dialect = _DIALECTS[best] = type("_Dialect", (_Dialect,), {"delimiter": best})
    return dialect


_notes: list[str] = []


def take_notes() -> list[str]:
    """What reading changed in the inputs since the last call (a too-long cell cut …), each naming its place."""
    notes = _notes[:]
    del _notes[:]
    return notes


def _noted(path: Path, sheet: RawSheet) -> RawSheet:
    for note in sheet.notes:
        _notes.append(f"文件“{path.name}”，工作表“{sheet.name}”：{note}")
    return sheet


def read_csv(path: str | Path) -> RawSheet:
    """A CSV file (UTF-8 with or without BOM, UTF-16, or GBK/GB18030) as one grid of text cells."""
    path = Path(path)
    check_regular_file(path, "CSV 文件")
    if path.stat().st_size > MAX_CSV_BYTES:
        raise _unusable(path, f"CSV 文件超过 {MAX_CSV_BYTES // 2**20} MB，不像正常的月报或台账，请拆分后再处理。")
    data = path.read_bytes()
    if not data:
        raise _unusable(path, "文件是空的（0字节）。")
    if b"\x00" in data[:4096] and not _utf16(data):
        raise _unusable(path, "文件不是文本格式的CSV（可能是改了扩展名的其他文件）。")
    text = decode_text(data)
    if text is None:
        raise _unusable(path, "无法识别文件编码（支持 UTF-8、UTF-16 和 GBK/GB18030），请在Excel中另存为“CSV UTF-8”。")
    del data
    if text[:1] == "\ufeff":
        text = text[1:]
    dialect = csv_dialect(text[:4096])
    if csv.field_size_limit() < len(text) + 1:   # the default (131,072) fails on one long field; cut below instead
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    rows, cells = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), dialect)   # newline="": \r, \n and \r\n all end a line
    try:
        for row in reader:
            cells += len(row)
            if cells > limits.MAX_CELLS:
                raise _unusable(path, f"CSV 文件有超过 {limits.MAX_CELLS:,} 个单元格，超过本工具一次能读取的范围，请拆分后再处理。")
            rows.append([cell if cell.strip() != "" else None for cell in row])
    except csv.Error as exc:
        raise _unusable(path, f"第{reader.line_num}行的格式无法识别（{exc}），请在Excel中另存为“CSV UTF-8”后再处理。") from None
    long_text = len(text) > limits.EXCEL_CELL_CHARS   # (no cell of a shorter file can be too long)
    return _noted(path, RawSheet(path.stem, rows, notes=_cut_long_cells(rows) if long_text else []))
