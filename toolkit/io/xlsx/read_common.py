"""Reading an .xlsx: cell values as python-calamine gives them (number formats, dates in the 1900/1904 systems,
text escapes, rich text), the results of a sheet read, and the errors the reader raises."""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from toolkit.io import limits
class Damaged(Exception):
    """A part of the package cannot be read (the caller says so in Chinese)."""


class TooBig(Exception):
    """A sheet over a bound of toolkit.io.limits; `extent` says which (the caller raises limits' Chinese reason)."""

    def __init__(self, extent: limits.SheetExtent):
        super().__init__("sheet over a bound")
        self.extent = extent


# ---------------------------------------------------------------------------------------------- number formats
OTHER, DATETIME, TIMEDELTA = 0, 1, 2
_BUILTIN = {b"14": DATETIME, b"15": DATETIME, b"16": DATETIME, b"17": DATETIME, b"18": DATETIME, b"19": DATETIME,
            b"20": DATETIME, b"21": DATETIME, b"22": DATETIME, b"45": DATETIME, b"47": DATETIME, b"46": TIMEDELTA}


def format_kind(code: str) -> int:
    """DATETIME, TIMEDELTA or OTHER for a custom number format, decided as calamine decides (its first section)."""
    escaped = is_quote = ap = hms = False
    brackets = 0
    prev = " "
    for s in code:
        if escaped:
            escaped = False
        elif s in "_\\*":
            escaped = True
        elif is_quote:
            if s == '"':
                is_quote = False
        elif s == '"':
            is_quote = True
        elif s == ";":
            return OTHER
        elif s == "[":
            brackets = min(brackets + 1, 255)
        elif s == "]" and brackets == 1 and hms:
            return TIMEDELTA
        elif s == "]":
            brackets = max(brackets - 1, 0)
        elif s in "aA" and not ap and brackets == 0:
            ap = True
        elif s in "pm/PM" and ap and brackets == 0:
            return DATETIME
        elif s in "dmhysDMHYS" and not ap and brackets == 0:
            return DATETIME
        elif not (hms and s.lower() == prev.lower()):
            hms = prev == "[" and s in "mhsMHS"
        prev = s
    return OTHER


# --------------------------------------------------------------------------------------------- dates and times
_EPOCH = dt.datetime(1899, 12, 30)
_DAY_MS = 86_400_000.0
_I64 = 2 ** 63
_MIDNIGHT = dt.time()
# chrono's NaiveDate range (what calamine can build before python-calamine checks years 1..9999)
_CHRONO_MIN_DAYS, _CHRONO_MAX_DAYS = -96_435_877, 95_064_492   # days from 1899-12-30 to -262143-01-01 / 262142-12-31


def _round_ms(x: float) -> int | None:
    """Rust's `f64::round() as i64` (half away from zero, saturating), None where chrono would panic (i64::MIN)."""
    if x != x:
        return 0
    if x >= 9.3e18:
        return _I64 - 1
    if x <= -9.3e18:
        return None
    r = math.floor(abs(x) + 0.5) if abs(x) < 2 ** 52 else abs(x)
    r = int(r) if x >= 0 else -int(r)
    if r >= _I64:
        return _I64 - 1
    if r <= -_I64:
        return None
    return r


def excel_date(v: float, kind: int, is_1904: bool):
    """A number in a date/time-formatted cell as python-calamine gives it (the number itself when out of range)."""
    if kind == TIMEDELTA:
        ms = _round_ms(v * _DAY_MS)
        try:
            return dt.timedelta(milliseconds=ms) if ms is not None else v
        except OverflowError:
            return v
    f = v + 1462.0 if is_1904 else v
    if f < 60.0:
        f += 1.0
    ms = _round_ms(f * _DAY_MS)
    if ms is None:
        return v
    days, rest = divmod(ms, 86_400_000)
    if not _CHRONO_MIN_DAYS <= days <= _CHRONO_MAX_DAYS:
        return v
    if v < 1.0:
        seconds, milli = divmod(rest, 1000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return dt.time(hour, minute, second, milli * 1000)
    try:
        moment = _EPOCH + dt.timedelta(days=days, milliseconds=rest)
    except OverflowError:   # outside years 1..9999
        return v
    if v <= 18446744073709551615.0 and v == float(int(v)):
        return moment.date()
    return moment


_ISO_DATE = re.compile(r"([+-]?\d{4,})-(\d{1,2})-(\d{1,2})")
_ISO_TIME = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?")


def _iso_time(text: str) -> dt.time | None:
    m = _ISO_TIME.fullmatch(text)
    if not m:
        return None
    frac = (m.group(4) or "").ljust(6, "0")[:6]
    try:
        return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0), int(frac))
    except ValueError:
        return None


def iso_value(text: str):
    """A t="d" cell (ISO 8601 text) as python-calamine gives it: datetime, time or date, else the text."""
    try:
        if "T" in text:
            day, _, clock = text.partition("T")
            m, t = _ISO_DATE.fullmatch(day), _iso_time(clock)
            if m and t is not None:
                return dt.datetime.combine(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), t)
        elif ":" in text:
            t = _iso_time(text)
            if t is not None:
                return t
        else:
            m = _ISO_DATE.fullmatch(text)
            if m:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    return text


# ------------------------------------------------------------------------------------------------------- text
_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def unescape_x(text: str) -> str:
    """Excel's _x00HH_ escapes in stored text (as calamine undoes them: two hex digits after _x00)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x00" in text else text


def _t_text(raw: str, preserve: bool) -> str:
    return unescape_x(raw if preserve else raw.strip(" \t\r\n"))


_ERRORS = frozenset(["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"])


def _blank(text: str):
    """The grid's value of a text: None for empty or blank-only (a reader's empty cell), else the text."""
    return None if text == "" or text.isspace() else text



# --------------------------------------------------------------------------------------------- the package
SMALL_PART = 1 << 18   # parts up to this size (inflated) are read whole, straight from the zip file
_LOCAL_HEADER = struct.Struct("<4s22xHH")


def read_small(zf: zipfile.ZipFile, member: str) -> bytes | None:
    """A small stored or deflated part read whole without zipfile's per-part stream objects (most of the cost of a
    small workbook's parts): never inflated past its declared size, its length and CRC checked. None when the part
    is large, encrypted or otherwise unusual (the caller then reads it through zipfile, which says what is wrong)."""
    info = zf.NameToInfo.get(member)
    fp = zf.fp
    if (info is None or fp is None or info.file_size > SMALL_PART or info.compress_size > SMALL_PART + 4096
            or info.compress_type not in (0, 8)
            or info.flag_bits & 0x61):   # encrypted, compressed patch, strong encryption
        return None
    fp.seek(info.header_offset)
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(fp.read(30) or bytes(30))
    if magic != b"PK\x03\x04":
        return None
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    raw = fp.read(info.compress_size)
    if info.compress_type == 8:
        try:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            return None
    else:
        data = raw
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _parse_small(data: bytes, start, end=None, text=None) -> None:
    """Parse a whole (small, already size-checked) XML part with expat handlers."""
    p = expat.ParserCreate()
    p.buffer_text = True
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if text is not None:
        p.CharacterDataHandler = text
    try:
        p.Parse(data, True)
    except expat.ExpatError as exc:
        raise Damaged(str(exc)) from None


@dataclass
class SheetInfo:
    name: str
    part: str | None
    kind: str   # worksheet, chartsheet, dialogsheet, or the relationship's last word


@dataclass
class SheetRead:
    """One worksheet as read: the A1-anchored grid, merged areas, notes (far cells left out, long text cut)."""

    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    far: list[tuple[int, int, object]] = field(default_factory=list)   # 0-based (row, col, value) not in the grid
    long_text: bool = False
    hidden: frozenset = frozenset()   # 0-based rows Excel hides (hidden="1"/"true" on the row), with or without cells
    formulas: object = None   # read_formulas.Formulas when the sheet holds formulas saved with 0 or no result



# -------------------------------------------------------------------------------- rich text (any form, via expat)
class _TextEvents:
    """Text of an <si> or <is>: runs joined, phonetic runs (rPh) left out, each <t> trimmed unless space is preserved."""

    def __init__(self):
        self.parts: list[str] = []
        self.raw: list[str] = []
        self.in_t = False
        self.preserve = False
        self.phonetic = 0
        self.seen = False

    def start(self, name, attrs):
        local = _local(name)
        if local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.in_t, self.preserve, self.raw = True, attrs.get("xml:space") == "preserve", []

    def end(self, name):
        local = _local(name)
        if local == "rPh":
            self.phonetic = max(self.phonetic - 1, 0)
        elif local == "t" and self.in_t:
            self.in_t = False
            self.parts.append(_t_text("".join(self.raw), self.preserve))

    def text(self, data):
        if self.in_t:
            self.raw.append(data)

    @property
    def value(self) -> str:
        return "".join(self.parts)


def _rich_string(inner: bytes) -> str:
    """The text of the inside of one <si> or <is> element."""
    ev = _TextEvents()
    _parse_small(b"<x>" + inner + b"</x>", ev.start, ev.end, ev.text)
    return ev.value
