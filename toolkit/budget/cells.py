"""Cells of a budget grid: 0-based addresses, display formats and numbers written as figures or text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from toolkit.base import layout


def col_letter(col: int) -> str:
    """0-based column index -> Excel letters."""
    return layout.col_letter(col + 1)


def col_index(letters: str) -> int:
    """Excel letters -> 0-based column index."""
    return layout.col_number(letters) - 1


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> "C7"."""
    return f"{col_letter(col)}{row + 1}"


@dataclass(frozen=True)
class CellFormat:
    """What the shell read about a cell's display: decimals shown, percent format, indentation level."""

    decimals: int | None = None   # None = General format (shown as stored)
    percent: bool = False
    indent: int = 0


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")
_NOISE = Decimal("1e-10")


def to_decimal(value) -> tuple[Decimal | None, bool]:
    """A cell value as (Decimal, is_percent_text); text like "1,234.50" or "12.5%" is accepted."""
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, False
        if value.is_integer():
            return Decimal(int(value)), False
        d = Decimal(repr(value))
        if d.as_tuple().exponent < -10:  # binary float noise from formulas, e.g. 0.30000000000000004
            d = d.quantize(_NOISE, rounding=ROUND_HALF_UP).normalize()
        return d, False
    if isinstance(value, str):
        text = value.translate(_FULLWIDTH).strip().replace(",", "").replace(" ", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1]
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
            return None, False
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None, False
        return (d / 100, True) if percent else (d, False)
    return None, False


def decimals_of(d: Decimal) -> int:
    """Decimals as written ("12.30" from a text cell has 2; a number read from Excel carries no trailing zeros)."""
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0
