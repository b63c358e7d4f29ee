"""The ledger's column checks as data: one distinct-value table per column, one loop over a table of checks.

Each column of the sheet is read once into a `ColumnTable` (its distinct values, and per row which one it holds).
A column's parser runs once per distinct value; every check of that column is a named predicate over those parsed
values, turned into rows through the table's codes (numpy), never by another pass over the cells. Which column is
checked how, with what severity and message, is data: `[[checks]]` in toolkit/data/ledger.toml, applied in that
order by `run_checks` into one collector (the shape of pandera's named built-in checks and its lazy error handler).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from toolkit.base.dates import parse_date
from toolkit.base.findings import ERROR, WARNING
from toolkit.base.idcard import id_problem, mask_id
from toolkit.base.money import parse_amount, parse_count
from toolkit.base.text import all_clean, clean_text, compact
from toolkit.ledger.vocab import Vocabulary, lookup, suggest, type_and_stage

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

    __slots__ = ("codes", "uniques", "cache", "cells")

    def __init__(self, codes: np.ndarray, uniques: list, cache: dict | None = None, cells: np.ndarray | None = None):
        self.codes, self.uniques, self.cache = codes, uniques, {} if cache is None else cache
        self.cells = cells     # the cells themselves (an object array), when kept

    @classmethod
    def of(cls, values) -> "ColumnTable":
        """One pass in C over an object array (hashing as a dict does: 1 == 1.0 == True, the first one kept)."""
        cells = np.asarray(values, dtype=object)
        codes, uniques = pd.factorize(cells)
        return cls(codes, uniques.tolist(), None, cells)

    @classmethod
    def empty(cls, n: int) -> "ColumnTable":
        return cls(np.full(n, -1, dtype=np.intp), [])

    def subset(self, positions: np.ndarray) -> "ColumnTable":
        """These rows only (the distinct values and what was computed from them are shared)."""
        return ColumnTable(self.codes[positions], self.uniques, self.cache,
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
            return self.cells
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


# --- the checks: named predicates over a column's table, each yielding (row position, value shown, fields) ------
@dataclass(frozen=True)
class Check:
    """One row of the check table: which column, which named check, how severe, what it says."""

    column: str
    check: str
    severity: str
    message: str
    params: dict = field(default_factory=dict)


# the checks that read the column through its parser ([parsers] must name one)
_PARSED = {"parses", "at_least", "known", "yes_no", "id_number", "unique"}


def load_checks(data, parsers: dict | None = None) -> tuple[Check, ...]:
    """The [[checks]] of ledger.toml as Check rows (unknown check names and severities, and a parsed check of a
    column without a parser, refused at load)."""
    result = []
    for row in data:
        row = dict(row)
        column, check, severity, message = row.pop("column"), row.pop("check"), row.pop("severity"), row.pop("message")
        if check not in CHECKS:
            raise ValueError(f"ledger.toml: unknown check {check!r} for column {column!r}")
        for name in (severity, row.get("severity_otherwise", severity)):
            if name not in SEVERITIES:
                raise ValueError(f"ledger.toml: unknown severity {name!r} for {column!r}/{check!r}")
        if parsers is not None and check in _PARSED and parsers.get(column) not in PARSERS:
            raise ValueError(f"ledger.toml: check {check!r} needs a parser for column {column!r} in [parsers]")
        result.append(Check(column, check, severity, message, row))
    return tuple(result)


def _hint(ctx, mapping, raw) -> str:
    hint = suggest(mapping, raw)
    return ctx.texts["hint"].format(suggestion=hint) if hint else ctx.texts["no_hint"]


def check_required(ctx, spec):
    """The cell is empty (for a text column: nothing but blanks)."""
    if spec.column not in ctx.header.columns:
        return
    table = ctx.tables[spec.column]
    empty = [v is None for v in ctx.parsed(spec.column).values] if ctx.parser_name(spec.column) == "text" \
        else [False] * len(table.uniques) + [True]
    for pos in table.rows(empty).tolist():
        yield pos, None, {}


def check_parses(ctx, spec):
    """The column's parser refused the value (its reason is {error})."""
    table, parsed = ctx.tables[spec.column], ctx.parsed(spec.column)
    for pos in table.rows([p is not None for p in parsed.problems]).tolist():
        code = table.codes[pos]
        yield pos, table.clean()[code], parsed.problems[code]


def check_at_least(ctx, spec):
    """The parsed number is below `min` ({amount}: the amount with thousands separators)."""
    table, parsed = ctx.tables[spec.column], ctx.parsed(spec.column)
    bound = spec.params.get("min", 0)
    low = [v is not None and v < bound for v in parsed.values]
    for pos in table.rows(low).tolist():
        value = parsed.values[table.codes[pos]]
        if isinstance(value, Decimal):
            yield pos, f"{value:.2f}", {"amount": f"{value:,.2f}"}
        else:
            yield pos, table.clean()[table.codes[pos]], {}


def check_known(ctx, spec):
    """A filled cell the vocabulary does not know ({allowed}: the values it knows)."""
    table, parsed = ctx.tables[spec.column], ctx.parsed(spec.column)
    allowed = "、".join(dict.fromkeys(ctx.mapping(spec.column).values()))
    for pos in table.rows([p is not None for p in parsed.problems]).tolist():
        yield pos, table.clean()[table.codes[pos]], {"allowed": allowed}


def check_known_parts(ctx, spec):
    """Each part of a multi-valued cell the vocabulary does not know; `severity_otherwise` for rows whose case is
    not criminal (a stage of a civil matter is only a warning)."""
    mapping = ctx.mapping(spec.column)
    allowed = "、".join(ctx.vocab.criminal_stages) if spec.column == "诉讼阶段" else \
        "、".join(dict.fromkeys(mapping.values()))
    criminal = ctx.criminal if "severity_otherwise" in spec.params else None
    for pos in np.flatnonzero(ctx.has_unknown_parts(spec.column)).tolist():
        severity = None if criminal is None or criminal[pos] else spec.params["severity_otherwise"]
        for part in ctx.unknown_parts(spec.column, pos):
            hint = _hint(ctx, mapping, part) if "{hint}" in spec.message else ""
            yield pos, part, {"hint": hint, "allowed": allowed, "severity": severity}


def check_blank_text(ctx, spec):
    """Filled with something that reads as nothing (e.g. only invisible characters), and so not recognised."""
    for pos, raw in ctx.unrecognised(spec.column):
        if not compact(raw):
            yield pos, None, {}


def check_case_type(ctx, spec):
    """A case type the vocabulary does not know (not even as type and stage in one cell)."""
    allowed = "、".join(dict.fromkeys(ctx.vocab.case_types.values()))
    for pos, raw in ctx.unrecognised(spec.column):
        if compact(raw):
            hint = _hint(ctx, ctx.vocab.case_types, raw) if "{hint}" in spec.message else ""
            yield pos, clean_text(raw), {"hint": hint, "allowed": allowed}


def check_criminal_has_stage(ctx, spec):
    """A criminal matter with no stage (when the ledger has the column)."""
    if spec.column not in ctx.header.columns:
        return
    missing = ctx.criminal & ~ctx.has_stage & ~ctx.has_unknown_parts(spec.column)
    for pos in np.flatnonzero(missing).tolist():
        yield pos, None, {}


def check_stage_only_criminal(ctx, spec):
    """A stage written for a matter that is not criminal (and is not one of its instance words such as 一审)."""
    table = ctx.tables[spec.column]
    for pos in np.flatnonzero(ctx.stray & ~ctx.instance & ctx.has_stage).tolist():
        yield pos, table.clean()[table.codes[pos]], {}


def check_yes_no(ctx, spec):
    """Neither yes nor no."""
    table, parsed = ctx.tables[spec.column], ctx.parsed(spec.column)
    for pos in table.rows([p is not None for p in parsed.problems]).tolist():
        yield pos, table.clean()[table.codes[pos]], {}


def check_not_before(ctx, spec):
    """A date earlier than the date in column `other` of the same row ({other}: that date)."""
    other = spec.params["other"]
    mine, theirs = ctx.dates(spec.column), ctx.dates(other)
    later, earlier = ctx.parsed(spec.column).values, ctx.parsed(other).values
    bad = np.flatnonzero(mine < theirs).tolist()   # NaT compares false
    codes, other_codes = ctx.tables[spec.column].codes, ctx.tables[other].codes
    for pos in bad:
        b, a = later[codes[pos]], earlier[other_codes[pos]]
        yield pos, f"{b:%Y-%m-%d}", {"date": f"{b:%Y-%m-%d}", "other": f"{a:%Y-%m-%d}"}


def check_id_number(ctx, spec):
    """An ID number with a wrong length, check digit or birth date ({problem}); shown masked."""
    table, parsed = ctx.tables[spec.column], ctx.parsed(spec.column)
    for pos in table.rows([p is not None for p in parsed.problems]).tolist():
        problem = parsed.problems[table.codes[pos]]
        yield pos, problem["shown"], {"problem": problem["problem"]}


def check_unique(ctx, spec):
    """A value (compared without spaces) already in an earlier row ({first_row}: that row); the first stays."""
    table, texts = ctx.tables[spec.column], ctx.parsed(spec.column).values[:-1]
    if ctx.parsed(spec.column).values is table.cache.get("same"):   # the cells are clean text already
        same = table.all_clean(spaces=False)
    else:
        same = all_clean([t for t in texts if t is not None], spaces=False)
    keys = texts if same else [None if t is None else compact(t) for t in texts]
    key_codes = np.append(pd.factorize(objects(keys))[0], -1) if keys else np.array([-1])
    row_keys = key_codes[table.codes]
    numbered = np.flatnonzero(row_keys != -1)
    if not len(numbered):
        return
    _, first = np.unique(row_keys[numbered], return_index=True)
    duplicate = np.ones(len(numbered), dtype=bool)
    duplicate[first] = False
    if not duplicate.any():
        return
    first_row = {int(row_keys[numbered[i]]): int(ctx.rows[numbered[i]]) for i in first.tolist()}
    for pos in numbered[duplicate].tolist():
        yield pos, texts[table.codes[pos]], {"first_row": first_row[int(row_keys[pos])]}


# the named checks a [[checks]] row may use
CHECKS = {
    "required": check_required,
    "parses": check_parses,
    "at_least": check_at_least,
    "known": check_known,
    "known_parts": check_known_parts,
    "blank_text": check_blank_text,
    "case_type": check_case_type,
    "criminal_has_stage": check_criminal_has_stage,
    "stage_only_criminal": check_stage_only_criminal,
    "yes_no": check_yes_no,
    "not_before": check_not_before,
    "id_number": check_id_number,
    "unique": check_unique,
}


def run_checks(checks, ctx, out) -> None:
    """Every check of the table, in order, into one collector: the one loop."""
    for spec in checks:
        label = ctx.header.label(spec.column)
        for pos, value, fields in CHECKS[spec.check](ctx, spec):
            severity = fields.get("severity") or spec.severity
            out.add(SEVERITIES[severity], ctx.rows[pos], spec.column,
                    spec.message.format(label=label, value=value, **{k: v for k, v in fields.items()
                                                                     if k != "severity"}), value)


# --- the columns of one sheet, read and checked ----------------------------------------------------------------
class CheckContext:
    """The tables of a sheet's columns (kept rows only), what is derived across columns (the case type decides
    whether a stage is needed), and the parsed values each check and the output share."""

    def __init__(self, tables: dict[str, ColumnTable], rows: np.ndarray, vocab: Vocabulary, header, today, year,
                 texts: dict[str, str]):
        self.tables, self.rows, self.vocab, self.header = tables, rows, vocab, header
        self.today, self.year, self.texts = today, year, texts
        self._parsed: dict[str, Parsed] = {}
        self.parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}   # column → (has unknown parts, the parts) per row
        self.unknown_types: list[bool] = []        # per distinct case-type value: filled, yet no case type
        self.criminal = self.has_stage = self.stray = self.instance = np.empty(0, dtype=bool)   # per row

    def parser_name(self, column: str) -> str | None:
        return self.vocab.parsers.get(column)

    def parsed(self, column: str) -> Parsed:
        result = self._parsed.get(column)
        if result is None:
            result = self._parsed[column] = PARSERS[self.parser_name(column)](self.tables[column], self)
        return result

    def mapping(self, column: str) -> dict[str, str]:
        return {"诉讼阶段": self.vocab.stages, "特殊群体": self.vocab.special_groups, "适用程序": self.vocab.procedures,
                "案件质量": self.vocab.quality, "案件类型": self.vocab.case_types}[column]

    def dates(self, column: str) -> np.ndarray:
        """The column's dates per row as datetime64 (NaT where empty or out of range)."""
        table = self.tables[column]
        return pd.to_datetime(pd.Series(objects(self.parsed(column).values), dtype=object),
                              errors="coerce").to_numpy()[table.codes]

    def has_unknown_parts(self, column: str) -> np.ndarray:
        return self.parts[column][0]

    def unknown_parts(self, column: str, pos: int) -> tuple:
        return self.parts[column][1][pos]

    def unrecognised(self, column: str):
        """(row, raw value) of the filled case-type cells that are no case type."""
        table = self.tables[column]
        raw = [*table.uniques, None]
        for pos in table.rows(self.unknown_types).tolist():
            yield pos, raw[table.codes[pos]]
