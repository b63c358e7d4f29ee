"""Dates as people type them: Excel dates and serials, '2023年3月5日', '2023.3.5', '2023/3/5', '20230305'."""

from __future__ import annotations

import datetime as dt
import re

from toolkit.base.text import clean_text

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # 1900 date system, Lotus leap-year bug included
_DATE_TEXT = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EARLIEST, LATEST = dt.date(1980, 1, 1), dt.date(2100, 12, 31)


def parse_date(value) -> dt.date | None:
    """A cell's date, or None when empty. Raises ValueError with a Chinese reason for text that is no date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("不是日期")
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an Excel serial number (1954–2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return _from_parts(str(int(value))[:4], str(int(value))[4:6], str(int(value))[6:], value)
        raise ValueError(f"“{value}”不是日期")
    text = clean_text(value)
    if not text:
        return None
    m = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if not m:
        raise ValueError(f"“{text}”不是可识别的日期（应为 2023-03-05、2023年3月5日 或 2023.3.5）")
    return _from_parts(*m.groups(), original=text)


def _from_parts(year: str, month: str, day: str, original) -> dt.date:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"“{original}”不是真实存在的日期") from None
    if not EARLIEST <= date <= LATEST:
        raise ValueError(f"“{original}”的年份不合理")
    return date
