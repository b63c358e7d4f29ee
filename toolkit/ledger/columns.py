"""A ledger column read once: its distinct values and, per row, which one it holds (`ColumnTable`); the parsers
that turn each distinct value into what it means, or the reason it means nothing (`PARSERS`, named in
toolkit/data/ledger.toml [parsers]). The checks over these tables are in toolkit/ledger/checks.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from toolkit.base.dates import parse_date
from toolkit.base.findings import ERROR, WARNING
from toolkit.base.idcard import id_problem, mask_id
from toolkit.base.money import parse_amount, parse_count
from toolkit.base.text import clean_text, compact
from toolkit.ledger.vocab import Vocabulary, lookup, type_and_stage

_LIST_SPLIT = re.compile(r"[、,，/;；+＋\s]+|及|和|与")
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
# a month without a day ("2023年3月", "2023.3", "2023-03"): enough to place a case in its month and period
_YEAR_MONTH = re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月份?|[./\-]\s*(\d{1,2}))$")
SEVERITIES = {"error": ERROR, "warning": WARNING}


# --- one table per column -------------------------------------------------------------------------------------
class ColumnTable:
    """A column as its distinct values (`uniques`, in order of first appearance) and, per row, the index of the
    value it holds (`codes`; -1 for an empty cell). Whatever is computed per distinct value is kept in `cache`
    and shared by every check of the column and by the output."""

    __slots__ = ("_codes", "_uniques", "cache", "cells")

    def __init__(self, codes: np.ndarray | None, uniques: list | None, cache: dict | None = None,
                 cells: np.ndarray | None = None):
        self._codes, self._uniques, self.cache = codes, uniques, {} if cache is None else cache
        self.cells = cells     # the cells themselves (an object array), when kept

    @classmethod
    def of(cls, values) -> "ColumnTable":
        """A column of cells, its distinct values found when first asked for (a column only copied to the output,
        or not used at all, is never hashed)."""
        return cls(None, None, None, np.asarray(values, dtype=object))

    def _factorize(self) -> None:
        """One pass in C over the cells (hashing as a dict does: 1 == 1.0 == True, the first one kept)."""
        codes, uniques = pd.factorize(self.cells)
        self._codes, self._uniques = codes, uniques.tolist()

    @property
    def codes(self) -> np.ndarray:
        """Per row, the index of its value in `uniques` (-1 for an empty cell)."""
        if self._codes is None:
            self._factorize()
        return self._codes

    @property
    def uniques(self) -> list:
        """The distinct values, in order of first appearance."""
        if self._uniques is None:
            self._factorize()
        return self._uniques

    @classmethod
    def empty(cls, n: int) -> "ColumnTable":
        return cls(np.full(n, -1, dtype=np.intp), [])

    def subset(self, positions: np.ndarray) -> "ColumnTable":
        """These rows only (the distinct values and what was computed from them are shared)."""
        if self._codes is None:    # (not hashed yet: the rows' own table)
            return ColumnTable.of(self.cells[positions])
        return ColumnTable(self._codes[positions], self._uniques, self.cache,
                           None if self.cells is None else self.cells[positions])

    def strings(self) -> list[str]:
        """The distinct values that are text."""
        result = self.cache.get("strings")
        if result is None:
            values = self.uniques
            result = self.cache["strings"] = values if set(map(type, values)) <= {str} else \
                [v for v in values if v.__class__ is str]
        return result

    def all_clean(self, spaces: bool = True, upper: bool = False) -> bool:
        """text.all_clean over the distinct values, the joined text kept for the next question."""
        key = ("all_clean", spaces, upper)
        result = self.cache.get(key)
        if result is None:
            values = self.uniques
            if not values or len(self.strings()) != len(values) or "" in values:
                result = False
            else:
                joined = self.cache.get("joined")
                if joined is None:
                    joined = self.cache["joined"] = "|".join(values)
                result = _joined_clean(joined, spaces, upper)
            self.cache[key] = result
        return result

    def per_value(self, key: str, fn, empty=None) -> list:
        """[fn(value) for each distinct value] + [empty] (the entry of code -1), computed once per key."""
        result = self.cache.get(key)
        if result is None:
            result = self.cache[key] = [*map(fn, self.uniques), empty]
        return result

    def clean(self) -> list:
        """clean_text of each distinct value ('' for the empty cell); one pass in C when all are clean text."""
        result = self.cache.get("clean")
        if result is None:
            values = self.uniques
            result = [*values, ""] if self.all_clean() else [*map(clean_text, values), ""]
            self.cache["clean"] = result
        return result

    def rows(self, flags) -> np.ndarray:
        """Positions of the rows whose value has a true flag (flags per distinct value, the empty one last)."""
        if not any(flags):
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(np.asarray(flags, dtype=bool)[self.codes])

    def mask(self, flags) -> np.ndarray:
        return np.asarray(flags, dtype=bool)[self.codes]

    def take(self, per_value: list) -> np.ndarray:
        """Per row, the entry of its value (an object array); the cells themselves when that is what it holds."""
        if per_value is self.cache.get("same") and self.cells is not None:
            return self.cells.copy()   # (a column of its own: the cells may be a view of the whole sheet's grid)
        return objects(per_value)[self.codes]

    def same(self) -> list:
        """The distinct values as their own parsed values (the empty cell → None): take() then gives the cells."""
        result = self.cache.get("same")
        if result is None:
            result = self.cache["same"] = [*self.uniques, None]
        return result

    @property
    def filled(self) -> np.ndarray:
        return self.codes != -1

    def joined(self) -> str | None:
        """The distinct values joined by "|" when all are text (None otherwise); kept for all_clean."""
        values = self.uniques
        if self.strings() is not values:
            return None
        joined = self.cache.get("joined")
        if joined is None:
            joined = self.cache["joined"] = "|".join(values)
        return joined


def _joined_clean(joined: str, spaces: bool, upper: bool) -> bool:
    """text.all_clean's test, on the values already joined by "|"."""
    if not (joined.isprintable() and unicodedata.is_normalized("NFKC", joined)) or (upper and joined != joined.upper()):
        return False
    if not spaces:
        return " " not in joined
    return not (joined[0] == " " or joined[-1] == " " or "  " in joined or " |" in joined or "| " in joined)


def objects(values) -> np.ndarray:
    """A 1-d object array of these values (tuples stay single elements)."""
    return np.fromiter(values, dtype=object, count=len(values))


def object_series(values, index=None) -> pd.Series:
    """A column of Python objects (text, None, a scalar repeated over `index`), whatever pandas would infer: pandas 3
    makes text its `str` dtype, Arrow-backed when pyarrow is installed — the texts copied into Arrow buffers and
    made into new str objects at every read back — and None NaN. The ledger's and the results' text columns are
    object columns with every pandas and every set of installed packages."""
    if values is None or isinstance(values, str):      # one value on every row (pandas would make None NaN)
        values, one = np.empty(len(index), dtype=object), values
        values.fill(one)    # the one str object on every row (np.full would make a copy of it per row)
    # (an array of the caller's own is not copied; a read-only one — to_numpy() of a column — is, so the column can be
    # set into later)
    return pd.Series(values, index=index, dtype=object,
                     copy=isinstance(values, np.ndarray) and not values.flags.writeable)


# --- parsers: each distinct cell value to what it means (or the reason it means nothing) -----------------------
def split_list(value) -> list[str]:
    """'审查起诉、审判' → ['审查起诉', '审判']; empty → []."""
    text = clean_text(value)
    return [part for part in _LIST_SPLIT.split(text) if part] if text else []


AMOUNT_LIMIT = Decimal("1e11")   # 一千亿元: beyond any legal aid figure, and within exact Decimal arithmetic
COUNT_LIMIT = 100_000


def _sane_amount(value):
    """parse_amount, with absurd magnitudes (1e18, thirty 1s, a 4,300-digit number) a row's error, not a crash."""
    try:
        amount = parse_amount(value)
    except (ArithmeticError, OverflowError) as exc:
        raise ValueError("金额不合理（数字过大或无法计算）") from exc
    if amount is not None and (not amount.is_finite() or abs(amount) >= AMOUNT_LIMIT):
        raise ValueError(f"金额不合理（超过 {AMOUNT_LIMIT:,.0f} 元）")
    return amount


def _sane_count(value):
    """parse_count, with absurd counts (400 ones in 值班天数) a row's error, not a crash."""
    try:
        count = parse_count(value)
    except (ArithmeticError, OverflowError):
        raise ValueError("数值不合理（数字过大或无法计算）") from None
    except ValueError as exc:
        # parse_amount's "金额不合理", or Python's own "Exceeds the limit … for integer string conversion"
        if "limit" in str(exc) or "不合理" in str(exc):
            raise ValueError("数值不合理（数字过大）") from None
        raise
    if count is not None and abs(count) > COUNT_LIMIT:
        raise ValueError(f"数值不合理（超过 {COUNT_LIMIT:,}）")
    return count


def _type_and_stages(vocab: Vocabulary, raw):
    """type_and_stage, also for several stages in one cell: '刑事案件（审查起诉阶段、审判阶段）' → (刑事, '审查起诉、审判', …)."""
    parsed = type_and_stage(vocab, raw)
    if parsed is None and compact(raw).endswith("案件"):       # "民事二审案件", "刑事审判阶段案件"
        parsed = type_and_stage(vocab, compact(raw)[:-2])
    parts = [p for p in _LIST_SPLIT.split(compact(raw)) if p]
    if parsed is not None or len(parts) < 2:
        return parsed
    first = type_and_stage(vocab, parts[0])
    if first is None or first[1] is None:
        return None
    stages = [first[1]]
    for part in parts[1:]:
        for joiner in vocab.joiners:
            part = part.replace(joiner, "")
        stage = lookup(vocab.stages, part)
        if stage is None:
            return None
        stages.append(stage)
    return first[0], "、".join(dict.fromkeys(stages)), "、".join(parts)


def _month_only(raw: str, last_day: bool) -> dt.date | None:
    """'2023年3月' as the first day of that month (the last day for a closing date, so the order stays right)."""
    m = _YEAR_MONTH.match(raw)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2) or m.group(3))
    if not 1 <= month <= 12:
        return None
    if not last_day:
        return dt.date(year, month, 1)
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def _categories(raw, mapping: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A multi-valued cell ('审查起诉、审判') → (known canonical values in order, unknown parts)."""
    known, unknown = [], []
    for part in split_list(raw):
        value = lookup(mapping, part)
        if value is None:
            unknown.append(part)
        elif value not in known:
            known.append(value)
    return tuple(known), tuple(unknown)


def _yes_no(value, vocab: Vocabulary) -> str:
    text = compact(value)
    if not text or text in vocab.no:
        return "否"
    if text in vocab.yes:
        return "是"
    return "?"


@dataclass
class Parsed:
    """A column's distinct values parsed: `values` (the empty cell's entry last) and, per value, the problem
    (None, or the fields of its message: {"error": …})."""

    values: list
    problems: list
    how: list | None = None        # per value: how it was read when the plain parser refused it (dates)


def _parse_each(table: ColumnTable, key: str, parse) -> Parsed:
    """parse() per distinct value; a ValueError is that value's problem."""
    cached = table.cache.get(key)
    if cached is not None:
        return cached
    values, problems = [], []
    for v in table.uniques:
        try:
            values.append(parse(v))
            problems.append(None)
        except ValueError as exc:
            values.append(None)
            problems.append({"error": str(exc)})
    values.append(None)
    problems.append(None)
    result = table.cache[key] = Parsed(values, problems)
    return result


def read_text(table: ColumnTable, ctx) -> Parsed:
    """Clean text, None when blank."""
    values = table.same() if table.all_clean() else [c or None for c in table.clean()]
    return Parsed(values, [None] * (len(table.uniques) + 1))


def read_count(table: ColumnTable, ctx) -> Parsed:
    return _parse_each(table, "count", _sane_count)


def _amount_cell(value):
    """_sane_amount; the usual cells, a number of 元 below the limit with at most 10 decimals, without the general
    parser's detour (the same Decimal: repr of such a float has no exponent and no trailing zero to normalise)."""
    if value.__class__ is float and -1e11 < value < 1e11:
        if value.is_integer():
            return Decimal(int(value))
        text = repr(value)
        if "e" not in text and len(text) - text.index(".") <= 11:
            return Decimal(text)
    return _sane_amount(value)


def read_amount(table: ColumnTable, ctx) -> Parsed:
    return _parse_each(table, "amount", _amount_cell)


def _date_parser(last_day: bool):
    def parse(table: ColumnTable, ctx) -> Parsed:
        """parse_date; a refused text may still be a whole month ('2023年3月') or a day of the title's year."""
        key = ("date", last_day, ctx.year)
        cached = table.cache.get(key)
        if cached is not None:
            return cached
        plain = _parse_each(table, "date", parse_date)
        values, problems, how = list(plain.values), list(plain.problems), [None] * len(plain.values)
        for i, problem in enumerate(plain.problems):
            if problem is None:
                continue
            raw = clean_text(table.uniques[i])
            whole_month = _month_only(compact(raw), last_day=last_day)
            if whole_month is not None:
                values[i], problems[i], how[i] = whole_month, None, "month"
                continue
            m = _MONTH_DAY.match(raw)
            if m and ctx.year:
                try:
                    values[i], problems[i], how[i] = dt.date(ctx.year, int(m.group(1)), int(m.group(2))), None, "year"
                    continue
                except ValueError:
                    pass
            problems[i] = {"error": problem["error"], "no_year": ctx.texts["no_year"] if m else ""}
        result = table.cache[key] = Parsed(values, problems, how)
        return result
    return parse


def read_id_number(table: ColumnTable, ctx) -> Parsed:
    """Compact upper-case text; the problem is id_problem's reason for the values that are no valid ID number."""
    key = ("id", ctx.today)
    cached = table.cache.get(key)
    if cached is not None:
        return cached
    same = table.all_clean(spaces=False, upper=True)
    ids = table.uniques if same else [compact(v).upper() or None for v in table.uniques]
    problems = [None] * (len(ids) + 1)
    if ids:
        filled = np.array([v is not None for v in ids], dtype=bool)
        suspect = filled & ~valid_ids(pd.Series(ids, dtype=object), ctx.today).to_numpy()
        for i in np.flatnonzero(suspect).tolist():
            p = id_problem(ids[i], ctx.today)
            if p:
                problems[i] = {"problem": p, "shown": mask_id(ids[i])}
    result = table.cache[key] = Parsed(table.same() if same else [*ids, None], problems)
    return result


def read_yes_no(table: ColumnTable, ctx) -> Parsed:
    answers = table.per_value("yes_no", lambda v: _yes_no(v, ctx.vocab), empty="否")
    return Parsed(answers, [{} if a == "?" else None for a in answers])


def _category_parser(mapping_name: str):
    def parse(table: ColumnTable, ctx) -> Parsed:
        """The canonical value; a filled cell that is none of them is the problem."""
        mapping = getattr(ctx.vocab, mapping_name)
        values = table.per_value(("lookup", mapping_name), lambda v: lookup(mapping, v))
        filled = table.per_value("filled", lambda v: bool(compact(v)), empty=False)
        return Parsed(values, [{} if f and v is None else None for v, f in zip(values, filled)])
    return parse


def _categories_parser(mapping_name: str):
    def parse(table: ColumnTable, ctx) -> Parsed:
        """(known canonical values, unknown parts) of a cell naming several; each unknown part is a problem."""
        mapping = getattr(ctx.vocab, mapping_name)
        parsed = table.per_value(("parts", mapping_name), lambda v: _categories(v, mapping), empty=((), ()))
        return Parsed([p[0] for p in parsed], [p[1] or None for p in parsed])
    return parse


# the parsers a column may name in [parsers] of ledger.toml
PARSERS = {
    "text": read_text,
    "id_number": read_id_number,
    "count": read_count,
    "amount": read_amount,
    "date": _date_parser(last_day=False),
    "closing_date": _date_parser(last_day=True),
    "yes_no": read_yes_no,
    "procedure": _category_parser("procedures"),
    "quality": _category_parser("quality"),
    "groups": _categories_parser("special_groups"),
}


def _id_shaped(texts: list) -> list[bool]:
    """Per value: 17 digits and a digit or X. When every value is 18 ASCII characters, one numpy test."""
    if texts and set(map(type, texts)) == {str} and set(map(len, texts)) == {18}:
        joined = "".join(texts)
        if joined.isascii():
            grid = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
            digits = (grid >= 48) & (grid <= 57)
            return (digits[:, :17].all(axis=1) & (digits[:, 17] | (grid[:, 17] == 88))).tolist()
    return [t.__class__ is str and _ID_SHAPE.fullmatch(t) is not None for t in texts]


def valid_ids(ids: pd.Series, today=None) -> pd.Series:
    """True for well-formed 18-digit ID numbers (check digit and birth date), vectorised; others need id_problem."""
    texts = ids.tolist()
    shaped = _id_shaped(texts)
    result = pd.Series(False, index=ids.index)
    if not any(shaped):
        return result
    chosen = [t for t, ok in zip(texts, shaped) if ok]
    grid = np.frombuffer("".join(chosen).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    expected = np.frombuffer(b"10X98765432", dtype=np.uint8)[(grid[:, :17] - 48).astype(np.int64) @ weights % 11]
    digits = (grid[:, 6:14] - 48).astype(np.int64)
    day = pd.to_datetime(pd.DataFrame({"year": digits[:, :4] @ [1000, 100, 10, 1], "month": digits[:, 4:6] @ [10, 1],
                                       "day": digits[:, 6:8] @ [10, 1]}), errors="coerce")   # impossible → NaT
    limit = pd.Timestamp(today or dt.date.today())
    ok = (expected == grid[:, 17]) & day.notna().to_numpy() & (day >= pd.Timestamp(1900, 1, 1)).to_numpy() \
        & (day <= limit).to_numpy()
    result[np.array(shaped)] = ok
    return result
