"""Resident ID numbers (GB 11643): check digit, birth date, masking."""

from __future__ import annotations

import datetime as dt
import operator
import re

from toolkit.base.text import compact

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_CODE_OFFSET = 48 * sum(_WEIGHTS)
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    # over the ASCII codes: each digit d is (code - 48), so the weighted sum is off by a constant
    return _CHECK_CHARS[(sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _CODE_OFFSET) % 11]


def id_problem(value, today: dt.date | None = None) -> str | None:
    """None when the ID number is valid, else a Chinese reason (length, check digit, birth date)."""
    text = value if value.__class__ is str and len(value) == 18 and value.isascii() and value.isalnum() \
        else compact(value)
    text = text.upper()
    if _ID15.match(text):
        birth = "19" + text[6:12]
        return _birth_problem(birth, today) or None
    if not _ID18.match(text):
        return f"身份证号应为18位（17位数字加1位数字或X），此处为{len(text)}位"
    problem = _birth_problem(text[6:14], today)
    if problem:
        return problem
    expected = check_digit(text[:17])
    if text[17] != expected:
        return f"身份证号校验位错误（按国家标准应为“{expected}”）"
    return None


def _birth_problem(birth: str, today: dt.date | None) -> str | None:
    try:
        born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return f"身份证号中的出生日期“{birth}”不存在"
    if born.year < 1900 or born > (today or dt.date.today()):
        return f"身份证号中的出生日期“{birth}”不合理"
    return None


def mask_id(value) -> str:
    """'430102199001011234' → '430102********1234' (region and last four kept)."""
    text = compact(value).upper()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def birth_date(value) -> dt.date | None:
    """The birth date inside a valid ID number (for age-based groups), else None."""
    text = compact(value).upper()
    digits = text[6:14] if len(text) == 18 else ("19" + text[6:12] if len(text) == 15 else "")
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except (ValueError, IndexError):
        return None


# an ID number inside any text: 17 digits and a digit or X, or 15 digits, not part of a longer run of digits/letters
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_DIGIT_RUN = re.compile(r"\d{15}")


def mask_text(value):
    """Any text with every ID-shaped number in it masked as mask_id does ('…430102********1234…'); other values
    are returned unchanged. The one masking function for messages, findings and output cells quoting user input."""
    if value.__class__ is not str or len(value) < 15 or not _DIGIT_RUN.search(value):
        return value
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), value)
