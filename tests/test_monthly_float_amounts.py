"""A return's float amounts take a short way in normalise._convert (their repr × the unit): it must give exactly what
parse_amount + round_half_up give, digit for digit, or leave the value to them."""

from __future__ import annotations

import random
import struct
from decimal import Decimal

from toolkit.base.money import parse_amount, round_half_up
from toolkit.ledger.vocab import default_vocabulary
from toolkit.monthly.normalise import _convert, _plain_float_amount

UNITS = [Decimal(1), Decimal(10000), Decimal(1000), Decimal("0.1"), Decimal(100000000)]


def _by_parse_amount(value: float, unit: Decimal):
    try:
        amount = parse_amount(value, default_unit=unit)
    except ValueError as exc:
        return None, str(exc)
    return (round_half_up(amount, 2) if amount is not None else None), None


def _floats(rng: random.Random) -> list[float]:
    xs = [round(rng.uniform(-5e4, 5e4), rng.randrange(0, 12)) for _ in range(6000)]
    xs += [rng.random() * 10 ** rng.randrange(-12, 18) for _ in range(3000)]
    xs += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)]
    return xs + [0.125, 2.675, -0.005, 0.005, 1.005, -0.0049999999, 1e15 - 0.5, 99999999999.995, 0.1 + 0.2, 1e-7,
                 float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 5e-324, 1500.0, 0.15, 1e14 + 0.25]


def test_float_amounts_same_as_parse_amount_digit_for_digit():
    vocab = default_vocabulary()
    taken = 0
    for x in _floats(random.Random(16)):
        for unit in UNITS:
            want = _by_parse_amount(x, unit)
            got = _convert("money", x, unit, vocab)
            if want[1] is not None:     # refused: the same reason (the cell kept as its text)
                assert got[1] is not None and got[1].startswith(want[1]), (x, unit, got, want)
            else:                       # the same Decimal, exponent included
                assert (str(got[0]), got[1]) == (str(want[0]), None), (x, unit, got, want)
            taken += _plain_float_amount(x, unit) is not None
    assert taken > 20_000       # the short way is the one tested, not only the fallback


def test_short_way_left_to_parse_amount_where_it_differs():
    for x in (-0.0, 1500.0, 1e-7, 1.5e16, float("nan"), float("inf"), 0.12345678901):
        assert _plain_float_amount(x, Decimal(1)) is None, x
    assert _plain_float_amount(9e14 + 0.5, Decimal(10)) is None      # ≥ 1e15 after the unit: parse_amount refuses
    assert _convert("money", 9e14 + 0.5, Decimal(10), default_vocabulary())[1] is not None
