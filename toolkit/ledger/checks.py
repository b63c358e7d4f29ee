"""The ledger's column checks as data: one distinct-value table per column, one loop over a table of checks.

Each column of the sheet is read once into a `ColumnTable` (its distinct values, and per row which one it holds).
A column's parser runs once per distinct value; every check of that column is a named predicate over those parsed
values, turned into rows through the table's codes (numpy), never by another pass over the cells. Which column is
checked how, with what severity and message, is data: `[[checks]]` in toolkit/data/ledger.toml, applied in that
order by `run_checks` into one collector (the shape of pandera's named built-in checks and its lazy error handler).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from toolkit.base.text import all_clean, clean_text, compact
from toolkit.ledger.vocab import Vocabulary, suggest
from toolkit.ledger.columns import (SEVERITIES, ColumnTable, objects, Parsed, PARSERS)

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
