"""Summary sheets beside a ledger (汇总 / 合计 / 统计 / 全年汇总): tables of totals by case type, by month, by lawyer
or by law firm (the table a centre pays lawyers from: 承办律师 | 件数 | 补贴金额).

Finance officers keep one next to the month sheets, often with formulas (COUNTIF, SUMIF, SUM). Such a sheet is not
a ledger sheet: it is never read as cases (its figures would be counted twice), it is named in a note, and its
figures are compared with the ledger and with its own 合计 (toolkit.ledger.summary_check). This module reads the
table: which figure stands for which rows of the ledger. A blank figure cell is kept as blank (a formula saved
without its result reads blank); a typed 0 is a figure; a formula saved with 0 or no result is marked as one (the
reader knows it for .xlsx/.xlsm: RawSheet.formula_zeros). Pure functions over RawSheets.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from toolkit.base.layout import col_letter
from toolkit.base.money import chinese_integer, parse_amount
from toolkit.base.sheet import RawSheet
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import Vocabulary, lookup

HEADER_SCAN_ROWS = 15


NAME_COLUMNS = ("承办律师", "律师事务所")   # a summary by lawyer / by law firm: one row per name


@dataclass(frozen=True)
class _Words:
    label_headers: frozenset
    count_headers: frozenset
    case_columns: frozenset
    total_labels: frozenset
    units: tuple            # ((word, Decimal scale), …), longest word first
    name_headers: dict      # header key -> 承办律师 | 律师事务所
    money_headers: dict     # header key -> money column
    note_words: tuple
    subtotal_labels: frozenset


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = tomllib.loads(resources.files("toolkit.data").joinpath("ledger.toml").read_text(encoding="utf-8"))
    spec = data["summary_sheets"]
    return _Words(frozenset(header_key(w) for w in spec["label_headers"]),
                  frozenset(header_key(w) for w in [*spec["count_headers"], *spec["name_count_headers"]]),
                  frozenset(spec["case_columns"]), frozenset(compact(w) for w in spec["total_labels"]),
                  tuple(sorted(((w, Decimal(v)) for w, v in spec["units"].items()), key=lambda x: -len(x[0]))),
                  {header_key(k): v for k, v in spec["name_headers"].items()},
                  {header_key(k): v for k, v in spec["money_headers"].items()}, tuple(spec["note_words"]),
                  frozenset(compact(w) for w in spec["subtotal_labels"]))


@dataclass
class Figure:
    """One figure of a summary sheet and what it stands for."""

    row: int                     # 1-based Excel row
    col: int                     # 0-based column
    label: str                   # the row's label as written
    header: str                  # the column's header as written
    case_type: str | None        # None: every type
    month: int | None            # None: the whole year
    measure: str                 # "count" or a money column (补贴金额 …)
    value: Decimal | None        # as written, in the sheet's unit; None: a blank cell (a formula never calculated?)
    scale: Decimal               # 元 per unit of `value`
    name: str | None = None      # a summary by lawyer / firm: the row's name, spaces removed (None: every name)
    total: bool = False          # on the 合计 row (the sum of the rows above it)
    total_col: bool = False      # in a 合计 column (the sum of the case types across its row)
    formula: bool = False        # a formula saved with 0 or no result (the reader knows it for .xlsx/.xlsm)

    @property
    def cell(self) -> str:
        return f"{col_letter(self.col + 1)}{self.row}"


@dataclass
class SummarySheet:
    name: str
    by: str                                      # 案件类型 | 月份 | 承办律师 | 律师事务所
    figures: list[Figure] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)   # cells whose text is no figure ("B5“见附表”")
    header_row: int = 1                          # 1-based
    label_col: int = 0                           # 0-based
    label_header: str = ""                       # the label column's header as written
    period: tuple[int, ...] | None = None        # the months its title names ("第一季度", "1-3月"); None: the year
    period_text: str = ""                        # … as written
    loose: set = field(default_factory=set)      # columns with figures on rows no ledger figure stands for ("其他",
    #                                              "其中：…", "小计"): their 合计 is not checked against its parts
    total_row: int | None = None                 # 1-based row of 合计, if any
    calculated: bool = False                     # some formula of the sheet holds another result: it was calculated

    @property
    def blanks(self) -> list[Figure]:
        return [f for f in self.figures if f.value is None]


_MONTH = re.compile(r"^(?:(?:19|20)\d{2}年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?$")
_MONTH_DASH = re.compile(r"^(?:19|20)\d{2}[-./]([0-9]{1,2})$")


def month_of(value) -> int | None:
    """1–12 for "3月", "03月", "三月", "3月份", "2023年3月", "2023-03"; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    text = compact(value)
    m = _MONTH.match(text) or _MONTH_DASH.match(text)
    if not m:
        return None
    token = m.group(1)
    try:
        n = int(token) if token.isdigit() else chinese_integer(token, "positional")
    except (ValueError, KeyError):
        return None
    return n if 1 <= n <= 12 else None


_NUM = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_QUARTER = re.compile(r"(?:第)?([1-4一二三四])季度")
_RANGE = re.compile(_NUM + r"\s*月?\s*(?:-|－|~|～|至|到|—|–)+\s*" + _NUM + r"\s*月")
_ONE_MONTH = re.compile(r"(?<![0-9一二三四五六七八九十])" + _NUM + r"\s*月份?(?!\s*[0-9一二三四五六七八九十]+\s*日)")
_HALF = {"上半年": (1, 6), "下半年": (7, 12)}


def _number(token: str) -> int | None:
    try:
        n = int(token) if token.isdigit() else chinese_integer(token, "positional")
    except (ValueError, KeyError):
        return None
    return n if 1 <= n <= 12 else None


def period_of(text: str) -> tuple[tuple[int, ...], str] | None:
    """(months, as written) of a period named in a title or a sheet name: "第一季度" → 1–3, "1-6月", "上半年", "3月份";
    None for a whole year ("2023年度", "1-12月") or no period. "3月5日" is a date, not a period."""
    text = clean_text(text)
    found = None
    if (m := _RANGE.search(text)) and (a := _number(m.group(1))) and (b := _number(m.group(2))) and a <= b:
        found = (tuple(range(a, b + 1)), m.group(0))
    elif m := _QUARTER.search(text):
        q = "1一2二3三4四".index(m.group(1)) // 2
        found = (tuple(range(3 * q + 1, 3 * q + 4)), m.group(0))
    elif half := next((w for w in _HALF if w in text), None):
        found = (tuple(range(_HALF[half][0], _HALF[half][1] + 1)), half)
    else:
        months = {n for m in _ONE_MONTH.finditer(text) if (n := _number(m.group(1)))}
        if len(months) == 1:
            found = ((months.pop(),), _ONE_MONTH.search(text).group(0))
    return None if found is None or len(found[0]) == 12 else found


def _period(sheet: RawSheet, header_row: int):
    """The period named above the table, else in the sheet's name."""
    for r in range(header_row):
        for v in sheet.rows[r]:
            if isinstance(v, str) and (found := period_of(v)):
                return found
    return period_of(sheet.name)


def _unit_in(text: str) -> Decimal | None:
    return next((scale for word, scale in _words().units if word in text), None)


def _sheet_unit(sheet: RawSheet, header_row: int) -> Decimal:
    """The money unit written above the table ("单位：万元"), else 元."""
    for r in range(header_row):
        for v in sheet.rows[r]:
            if isinstance(v, str) and "单位" in v:
                found = _unit_in(clean_text(v).split("单位", 1)[1])
                if found is not None:
                    return found
    return Decimal(1)


def read_summary(sheet: RawSheet, vocab: Vocabulary) -> SummarySheet | None:
    """The summary table on a sheet (totals by case type, by month, by lawyer or by law firm), or None when the sheet
    is not one."""
    words = _words()
    for r in range(min(HEADER_SCAN_ROWS, len(sheet.rows))):
        row = sheet.rows[r]
        keys = [header_key(v) if isinstance(v, str) else "" for v in row]
        canon = [vocab.column_aliases.get(k) or words.name_headers.get(k) for k in keys]
        if any(c in words.case_columns and c not in NAME_COLUMNS for c in canon):
            return None                                    # a header that lists cases: a ledger, not a summary
        names = [c for c, k in enumerate(canon) if k in NAME_COLUMNS]
        if names and "案件类型" in canon:
            return None                                    # who handled which type of matter: rows of cases
        if names:                                          # by lawyer (the finer, if both) or by firm
            label_col = next((c for c in names if canon[c] == "承办律师"), names[0])
        else:
            label_col = next((c for c, k in enumerate(keys)
                              if k and (k in words.label_headers or canon[c] == "案件类型")), None)
        if label_col is None:
            continue
        measures: dict[int, tuple[str, str | None, bool]] = {}   # col -> (measure, type across, every type)
        for c in range(label_col + 1, len(row)):
            k = keys[c]
            if not k or c in names:
                continue
            if k in words.count_headers:
                measures[c] = ("count", None, True)
            elif canon[c] in vocab.money_columns or k in words.money_headers:
                measures[c] = (canon[c] if canon[c] in vocab.money_columns else words.money_headers[k], None, True)
            elif (t := lookup(vocab.case_types, k)) is not None:
                measures[c] = ("count", t, False)
            elif compact(k) in words.total_labels:
                measures[c] = ("count", None, True)
        if not measures:
            if names:
                return None                                # a list of lawyers (名册), no figures
            continue
        return _figures(sheet, vocab, r, label_col, measures, canon[label_col] if names else None)
    return None


def _is_number(value) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return parse_amount(value) is not None
    except ValueError:
        return False


def _is_note(label: str) -> bool:
    return ":" in label or "：" in label or label.startswith(_words().note_words)


def _rows(sheet: RawSheet, vocab: Vocabulary, header_row: int, label_col: int, across: bool, by_name: bool):
    """(row, label, month, case type, name, total) of the table's rows that a figure of the ledger stands for."""
    words = _words()
    keyed, seen, skipped = [], set(), []
    for r in range(header_row + 1, len(sheet.rows)):
        label = sheet.cell(r, label_col)
        text = clean_text(label) if label is not None else ""
        total = compact(text) in words.total_labels or (not text and any(
            isinstance(v, str) and compact(v) in words.total_labels for v in sheet.rows[r][:label_col]))
        if not text and not total:
            continue
        month = case_type = name = None
        if total:
            text = text or next(clean_text(v) for v in sheet.rows[r][:label_col]
                                if isinstance(v, str) and compact(v) in words.total_labels)
        elif by_name:
            if _is_note(text) or isinstance(label, (int, float)) or compact(text) in words.subtotal_labels:
                skipped.append(r)
                continue                                   # "制表：财务室", a stray number: no name
            name = compact(text)
        else:
            month = month_of(label)
            if month is None and not across:
                case_type = lookup(vocab.case_types, label)
            if month is None and case_type is None:
                skipped.append(r)
                continue                                   # a row the ledger cannot check ("其中：农民工")
        key = (month, case_type, name, total)
        if key in seen:
            return None                                    # a label repeated: rows of cases, not totals
        seen.add(key)
        keyed.append((r, text, month, case_type, name, total))
    return keyed, skipped


def _figures(sheet: RawSheet, vocab: Vocabulary, header_row: int, label_col: int, measures,
             by_name: str | None) -> SummarySheet | None:
    across = any(not every for _, _, every in measures.values())
    found = _rows(sheet, vocab, header_row, label_col, across, by_name is not None)
    if found is None:
        return None
    keyed, skipped = found
    months = sum(1 for k in keyed if k[2] is not None)
    types = sum(1 for k in keyed if k[3] is not None)
    names = sum(1 for k in keyed if k[4] is not None)
    if by_name is None and max(months, types) < 2 or by_name is not None and names < 1:
        return None
    unit = _sheet_unit(sheet, header_row)
    header = sheet.rows[header_row]
    by = by_name or ("月份" if months >= types else "案件类型")
    total_row = next((r + 1 for r, *_, total in keyed if total), None)
    out = SummarySheet(sheet.name, by, header_row=header_row + 1, label_col=label_col, total_row=total_row,
                       label_header=clean_text(header[label_col]), calculated=sheet.formula_results)
    formulas = sheet.formula_zeros
    if by != "月份" and (period := _period(sheet, header_row)):
        out.period, out.period_text = period
    last = total_row or len(sheet.rows)
    out.loose = {c for r in skipped if r < last for c in measures if _is_number(sheet.cell(r, c))}
    if across and any(_is_number(sheet.cell(r, c)) for c in range(label_col + 1, len(header))
                      if c not in measures and clean_text(header[c]) for r, *_ in keyed):
        out.loose.add("across")                          # a column of figures besides the types ("其他")
    for r, label, month, row_type, name, total in keyed:
        for c, (measure, col_type, every) in measures.items():
            value = sheet.cell(r, c)
            head = clean_text(header[c])
            scale = (_unit_in(head) or unit) if measure != "count" else Decimal(1)
            where = dict(label=label, header=head, case_type=row_type or col_type, month=month, measure=measure,
                         scale=scale, name=name, total=total, total_col=across and every, formula=(r, c) in formulas)
            if value is None or (isinstance(value, str) and not clean_text(value)):
                out.figures.append(Figure(r + 1, c, value=None, **where))   # blank: compared with 0 at most
                continue
            try:
                number = parse_amount(value)
            except ValueError:
                number = None
            if number is None:
                out.unread.append(f"{col_letter(c + 1)}{r + 1}“{clean_text(value)}”")
                continue
            out.figures.append(Figure(r + 1, c, value=number, **where))
    return out


def unit_name(scale: Decimal) -> str:
    return next((w for w, s in _words().units if s == scale), "元")
