"""Money and numbers: exact Decimal parsing of what people type into cells, Excel-style rounding."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from toolkit.base.text import clean_text

WAN = Decimal(10000)
CENT = Decimal("0.01")

_UNIT_WORDS = {"亿元": Decimal(100000000), "亿": Decimal(100000000), "万元": WAN, "万": WAN,
               "千元": Decimal(1000), "千": Decimal(1000), "元": Decimal(1), "圆": Decimal(1)}
_CURRENCY_NOISE = re.compile(r"(人民币|RMB|CNY|¥|￥|\s|,|，)", re.IGNORECASE)
_NUMBER_UNIT = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(亿元|亿|万元|万|千元|千|元|圆)?$")

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
              "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
              "九": 9, "玖": 9}
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = {"万": 10000, "萬": 10000, "亿": 100000000, "億": 100000000}
_CN_CHARS = set(_CN_DIGITS) | set(_CN_SMALL_UNITS) | set(_CN_BIG_UNITS) | {"点", "元", "圆", "整", "角", "分"}


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(-6, 11)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round like Excel's ROUND: halves go away from zero (0.125 → 0.13), never banker's rounding."""
    quantum = _QUANTUM.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> Decimal:
    """An amount in 元 rounded to the fen (分)."""
    return round_half_up(value, 2)


def format_yuan(value: Decimal | None) -> str:
    """1500 → '1,500.00' (empty text for None)."""
    if value is None:
        return ""
    return f"{round_half_up(value, 2):,.2f}"


def chinese_integer(text: str, mode: str = "auto") -> int:
    """A Chinese whole number. mode "auto": 一千零二十 → 1020, and a run of bare digits is read digit by digit
    (二〇二三 → 2023, as years and some counts are written); mode "digits": digit by digit only (a year);
    mode "positional": 十/百/千/万/亿 required for more than one digit (a run such as 二〇二三 is a ValueError)."""
    bare = not any(ch in _CN_SMALL_UNITS or ch in _CN_BIG_UNITS for ch in text)
    if mode == "digits" or (bare and len(text) > 1):
        if mode == "positional" or not bare:
            raise ValueError(text)
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[ch]
            digit = None
        elif ch in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[ch]
            section += digit or 0
            if unit == 100000000:
                total = (total + section) * unit
            else:
                total += section * unit
            section, digit = 0, None
        else:
            raise ValueError(ch)
    return total + section + (digit or 0)


_parse_cn_integer = chinese_integer


def parse_chinese_number(text: str) -> Decimal:
    """'一千五百' → 1500, '壹万贰仟元整' → 12000, '一点五万' → 15000, '三百五十元五角' → 350.5."""
    t = text.replace("整", "").replace("正", "")
    jiao = fen = 0
    m = re.search(r"(?:(\S)角)?(?:(\S)分)?$", t)
    if m and (m.group(1) or m.group(2)):
        jiao = _CN_DIGITS.get(m.group(1), 0) if m.group(1) else 0
        fen = _CN_DIGITS.get(m.group(2), 0) if m.group(2) else 0
        t = t[: m.start()]
    t = t.rstrip("元圆")
    multiplier = Decimal(1)
    if "点" in t:  # 一点五万: decimal digits, then an optional big unit
        int_part, frac_part = t.split("点", 1)
        unit_char = frac_part[-1] if frac_part and frac_part[-1] in _CN_BIG_UNITS else ""
        if unit_char:
            frac_part = frac_part[:-1]
            multiplier = Decimal(_CN_BIG_UNITS[unit_char])
        digits = "".join(str(_CN_DIGITS[c]) for c in frac_part)
        number = Decimal(f"{_parse_cn_integer(int_part) if int_part else 0}.{digits or '0'}")
        return number * multiplier + Decimal(jiao) / 10 + Decimal(fen) / 100
    return Decimal(_parse_cn_integer(t)) + Decimal(jiao) / 10 + Decimal(fen) / 100


AMOUNT_DIGITS_LIMIT = Decimal("1e15")   # Excel holds 15 significant digits: beyond that no amount is meant


def parse_amount(value, default_unit: Decimal = Decimal(1)) -> Decimal | None:
    """parse_amount_unbounded, refusing absurd magnitudes (1e18, thirty 1s, a 4,300-digit number, -1e300) with a
    Chinese reason instead of an arithmetic error later on."""
    try:
        amount = parse_amount_unbounded(value, default_unit)
    except (ArithmeticError, OverflowError):
        raise ValueError("金额不合理（数字过大或无法计算）") from None
    if amount is not None and (not amount.is_finite() or abs(amount) >= AMOUNT_DIGITS_LIMIT):
        raise ValueError("金额不合理（数字过大）")
    return amount


def parse_amount_unbounded(value, default_unit: Decimal = Decimal(1)) -> Decimal | None:
    """A cell's amount in 元: numbers, '1,500元', '0.15万', '１５００', '一千五百', '46万元'. None for an empty cell.

    Numbers without a unit are multiplied by `default_unit` (10000 for a table declared in 万元).
    Raises ValueError with a Chinese reason when the text is not an amount.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError("是“是/否”值，不是金额")
    if isinstance(value, Decimal):
        return value * default_unit
    if isinstance(value, int):
        return Decimal(value) * default_unit
    if isinstance(value, float):
        if value.is_integer() and -1e15 < value < 1e15:   # the usual cell: a whole number of 元
            return Decimal(int(value)) * default_unit if default_unit != 1 else Decimal(int(value))
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("不是有效数字")
        # Excel stores binary doubles: 0.1+0.2 style noise is cut at 10 significant decimals
        number = Decimal(repr(value)).quantize(Decimal("1e-10")).normalize()
        if number.as_tuple().exponent > 0:  # normalize() writes 1500 as 1.5E+3
            number = number.quantize(Decimal(1))
        return number * default_unit
    text = clean_text(value)
    if not text or text in {"-", "—", "/", "无"}:
        return None
    compact = _CURRENCY_NOISE.sub("", text)
    negative = False
    if compact.startswith("(") and compact.endswith(")"):  # accounting negative (1,500.00)
        compact, negative = compact[1:-1], True
    m = _NUMBER_UNIT.match(compact)
    if m:
        try:
            number = Decimal(m.group(1))
        except InvalidOperation:
            raise ValueError(f"“{text}”不是有效金额") from None
        unit = _UNIT_WORDS[m.group(2)] if m.group(2) else default_unit
        amount = number * unit
        return -amount if negative else amount
    if compact and all(ch in _CN_CHARS for ch in compact):
        try:
            amount = parse_chinese_number(compact)
        except (ValueError, KeyError, InvalidOperation):
            raise ValueError(f"“{text}”不是有效的中文金额") from None
        return -amount if negative else amount
    raise ValueError(f"“{text}”不是金额（应为数字，如 1500、1,500元、0.15万）")


def parse_count(value) -> int | None:
    """A whole count such as 受援人数 or 值班天数: 2, '2', '２人', '两'. None when empty."""
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    text = clean_text(value) if isinstance(value, str) else value
    if isinstance(text, str):
        text = re.sub(r"(人|天|日|件|次|个)$", "", text)
    amount = parse_amount(text)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise ValueError(f"“{value}”不是整数")
    return int(amount)
