"""Cell values as SpreadsheetML: the XML of a value, dates as serial numbers, and what counts as an empty cell."""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from decimal import Decimal

from toolkit.io.xlsx.ooxml import column_letters, esc, xml_text
from toolkit.io.xlsx.styles import CellStyle


class Formula(str):
    """A toolkit-authored formula (never used for untrusted text)."""


_EPOCH = _dt.datetime(1899, 12, 30)
_EPOCH_1904 = _dt.datetime(1904, 1, 1)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def encode_value(value, date1904: bool = False) -> tuple[str, str | None, str | None]:
    """(t attribute text, inner XML, date format or None) for a cell value (not None)."""
    cls = value.__class__
    if cls is str:
        if len(value) > 32767:
            raise ValueError(f"单元格文本超过 Excel 上限（32767 个字符）：{value[:20]}…")
        sp = ' xml:space="preserve"' if (value[:1].isspace() or value[-1:].isspace() or "\n" in value) else ""
        return ' t="inlineStr"', f"<is><t{sp}>{xml_text(value)}</t></is>", None
    if cls is int:
        return "", f"<v>{value}</v>", None
    if cls is Decimal and value.is_finite():
        return "", f"<v>{value:f}</v>", None
    if isinstance(value, Formula):
        f = str(value)
        f = f[1:] if f.startswith("=") else f
        return "", f"<f>{esc(f)}</f>", None
    if isinstance(value, str):   # a str subclass other than Formula: still plain text
        return encode_value(str(value))
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>", None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"不能写入非有限数值：{value}")
        return "", f"<v>{value:f}</v>", None
    if isinstance(value, _dt.datetime):
        d = value.replace(tzinfo=None) - (_EPOCH_1904 if date1904 else _EPOCH)
        serial = d.days + (d.seconds + d.microseconds / 1e6) / 86400
        return "", f"<v>{serial!r}</v>", DATETIME_FORMAT if (value.hour or value.minute or value.second) \
            else DATE_FORMAT
    if isinstance(value, _dt.date):
        return "", f"<v>{(value - (_EPOCH_1904 if date1904 else _EPOCH).date()).days}</v>", DATE_FORMAT
    if isinstance(value, numbers.Integral):
        return "", f"<v>{int(value)}</v>", None
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"不能写入非有限数值：{value}")
        return "", f"<v>{int(v) if v.is_integer() and abs(v) < 1e15 else repr(v)}</v>", None
    raise TypeError(f"unsupported cell value type: {type(value).__name__}")


_PLAIN_TYPES = frozenset({str, int, bool, Formula, CellStyle})


def is_missing(value) -> bool:
    """None, NaN, NaT, pandas.NA: an empty cell."""
    if value is None:
        return True
    if value.__class__ in _PLAIN_TYPES:
        return False
    try:
        return bool(value != value)
    except TypeError:
        return True


def cell_xml(row: int, col: int, cell) -> str:
    s, other, inner = cell
    sa = f' s="{s}"' if s is not None else ""
    if inner is None:
        return f'<c r="{column_letters(col)}{row}"{sa}{other}/>'
    return f'<c r="{column_letters(col)}{row}"{sa}{other}>{inner}</c>'
