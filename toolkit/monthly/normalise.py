"""Monthly returns (月报): find the table in a return of any layout and normalise it into the standard template's rows.

Pure core: takes RawSheets (already read) and returns a ReturnResult — rows keyed by canonical column, the period,
what was done (notes) and what was wrong (findings). Reading and writing files is the shell's job
(toolkit/cli/reformat.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from toolkit.base.dates import parse_date
from toolkit.base.findings import WARNING, Finding
from toolkit.base.idcard import mask_id
from toolkit.base.sheet import RawSheet
from toolkit.base.money import AMOUNT_DIGITS_LIMIT, parse_amount, parse_count, round_half_up
from toolkit.base.table import mapping_from_sheet, HeaderMatch, find_header
from toolkit.base.text import clean_text, compact, header_key
from toolkit.ledger.vocab import Vocabulary, default_vocabulary, lookup, suggest
from toolkit.monthly.rules import (PeriodDecision, decide_period, find_period, header_unit, period_label,
                                   period_sources_in_rows, returns_rules, table_unit)

ALIAS_SHEET = "列名对照"
KIND_CASES, KIND_STATS = "案件清单", "统计报表"
_CELL_REF = re.compile(r"^[A-Z]{1,3}[1-9]\d*$")
OK, WARNED, FAILED = "ok", "warning", "failed"
STATUS_LABEL = {OK: "正常", WARNED: "有警告", FAILED: "失败"}


# ---------------------------------------------------------------- template


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the standard template: the canonical field it holds, its header text, kind and look."""

    name: str | None          # canonical column; None for a template column we cannot fill (always empty)
    header: str
    kind: str                 # seq | text | id | category | date | money | count
    width: float | None = None
    num_format: str | None = None


@dataclass(frozen=True)
class ReturnTemplate:
    """The standard template every return is rewritten into."""

    columns: tuple[TemplateColumn, ...]
    sheet: str = "月报"
    title: str = ""
    landscape: bool = True
    fit_to_width: bool = True
    paper: int = 9

    @property
    def names(self) -> list[str | None]:
        return [c.name for c in self.columns]

    def render_title(self, period: str | None, source: str) -> str:
        if not self.title:
            return ""
        return self.title.replace("{期间}", period_label(period) if period else "期间未知").replace("{来源}", source)


def column_kind(canonical: str | None) -> str:
    return returns_rules()["column_kinds"].get(canonical, "text") if canonical else "text"


def default_format(kind: str) -> str:
    return returns_rules()["number_formats"].get(kind, "@")


def template_column(canonical: str | None, header: str | None = None, width: float | None = None,
                    num_format: str | None = None) -> TemplateColumn:
    kind = column_kind(canonical)
    return TemplateColumn(canonical, header or canonical or "", kind, width, num_format or default_format(kind))


def default_template() -> ReturnTemplate:
    """The shipped standard template ([template] of returns.toml)."""
    spec = returns_rules()["template"]
    columns = tuple(template_column(c["name"], c.get("header"), c.get("width"), c.get("num_format"))
                    for c in spec["columns"])
    return ReturnTemplate(columns, spec.get("sheet", "月报"), spec.get("title", ""), spec.get("landscape", True),
                          spec.get("fit_to_width", True), spec.get("paper", 9))


def return_aliases(vocab: Vocabulary | None = None, user_aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Header aliases for returns: the ledger vocabulary, return-only columns, and the user's own names."""
    aliases = dict((vocab or default_vocabulary()).column_aliases)
    for canonical, names in returns_rules()["extra_columns"].items():
        for name in [canonical, *names]:
            aliases[header_key(name)] = canonical
    return extend_aliases(aliases, user_aliases or {})


def extend_aliases(aliases: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    """A copy that also maps the user's headers ({their header: canonical or an alias of it}).

    Targets that name no known column are ignored."""
    result = dict(aliases)
    known = set(aliases.values())
    for theirs, canonical in extra.items():
        canonical = aliases.get(header_key(canonical), canonical)
        if canonical in known and header_key(theirs):
            result[header_key(theirs)] = canonical
    return result


# ---------------------------------------------------------------- one table


@dataclass
class ReturnTable:
    """The table found in one sheet of a return, normalised."""

    sheet: str
    header: HeaderMatch
    period: str | None
    rows: list[dict]                      # canonical column -> value; plus "_row" (1-based Excel row)
    units: dict[str, str]                 # money column -> unit word it was read in
    total_rows: list[int] = field(default_factory=list)
    note_rows: list[int] = field(default_factory=list)


@dataclass
class ReturnResult:
    """One return file: its tables, what was done (notes) and what was wrong (findings)."""

    file: str
    tables: list[ReturnTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failure: str | None = None            # the reason the file could not be used at all
    stat_forms: list = field(default_factory=list)   # statistics-form sheets (toolkit.monthly.stat_forms.StatForm)

    @property
    def status(self) -> str:
        if self.failure:
            return FAILED
        return WARNED if self.findings else OK

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    @property
    def periods(self) -> list[str]:
        return sorted({t.period for t in [*self.tables, *self.stat_forms] if t.period})

    @property
    def kind(self) -> str:
        """Which kind of return was read: 案件清单, 统计报表, both, or '' (nothing read)."""
        return "+".join(k for k, present in ((KIND_CASES, self.tables), (KIND_STATS, self.stat_forms)) if present)

    @property
    def period(self) -> str | None:
        """'2023-03', or several joined by ',' for a return covering several months, or None."""
        return ",".join(self.periods) or None

    def messages(self) -> list[str]:
        """Everything the log says about the file, in Chinese."""
        out = [self.failure] if self.failure else []
        out += self.notes
        out += [finding_message(f) for f in self.findings]
        return out


def finding_message(f: Finding) -> str:
    """One finding as a log line: 警告：工作表“X”第5行“补贴金额”列，… (or 单元格B5 for a cell reference)."""
    cell = bool(f.column and _CELL_REF.match(f.column))
    where = "".join(p for p in (f"工作表“{f.sheet}”" if f.sheet else "",
                                f"单元格{f.column}" if cell else f"第{f.row}行" if f.row else "",
                                f"“{f.column}”列" if f.column and not cell else "") if p)
    return f"{f.severity_label}：{where + '，' if where else ''}{f.message}"


@lru_cache(maxsize=1)
def _total_words() -> tuple[tuple[str, ...], frozenset]:
    rules = returns_rules()["layout"]
    words = (*rules["checked_totals"], *rules["subtotals"], "累计")
    return words, frozenset(w[0] for w in words)


def _total_word(cells) -> str | None:
    """The 合计/小计 word a row starts with in one of the given cells, or None."""
    words, first_chars = _total_words()
    for v in cells:
        if not isinstance(v, str) or first_chars.isdisjoint(v):
            continue
        t = compact(v)
        for w in words:
            if t.startswith(w):
                return w
    return None


_clean_str = lru_cache(maxsize=1 << 16)(clean_text)   # the same names, firms and types recur across a batch


def _as_text(value) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        return _clean_str(value) or None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return clean_text(value) or None


class _Out:
    def __init__(self, file: str, sheet: str, header: HeaderMatch):
        self.file, self.sheet, self.header = file, sheet, header
        self.findings: list[Finding] = []

    def warn(self, row: int | None, column: str | None, message: str, value=None, severity=WARNING):
        label = self.header.label(column) if column else None
        self.findings.append(Finding(severity, message, self.sheet, row, label,
                                     None if value is None else str(value), self.file))


_ONE = Decimal(1)
_converted: dict = {}      # (kind, unit, vocabulary) -> {(type, value): _convert's answer}; values recur in a batch


def _plain_float_amount(value: float, unit: Decimal) -> Decimal | None:
    """parse_amount(value, unit)'s value for a float written with at most 10 decimals and no exponent (most amounts
    in a return: 12345.67), from its repr directly; None for any other float (parse_amount then decides). Same value:
    parse_amount cuts the repr at 10 decimals (exact here), normalises (the value unchanged) and multiplies by the
    unit; round_half_up then depends on the value only."""
    if value.is_integer():          # (-0.0 among them: parse_amount's own way)
        return None
    text = repr(value)
    point = text.find(".")
    if point < 0 or len(text) - point > 11 or "e" in text or "n" in text:    # (exponent, nan, inf)
        return None
    amount = Decimal(text) * unit
    return amount if abs(amount) < AMOUNT_DIGITS_LIMIT else None


def _convert(kind: str, value, unit: Decimal, vocab: Vocabulary):
    """(normalised value, problem text or None) for one cell."""
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None, None
    if kind == "money" and value.__class__ is float:
        amount = _plain_float_amount(value, unit)
        if amount is not None:
            return round_half_up(amount, 2), None
    try:
        if kind == "money":
            amount = parse_amount(value, default_unit=unit)
            return (round_half_up(amount, 2) if amount is not None else None), None
        if kind == "date":
            return parse_date(value), None
        if kind == "count":
            return parse_count(value), None
    except ValueError as exc:
        return _as_text(value), f"{exc}，已按原文保留"
    if kind == "category":
        text = _as_text(value)
        canonical = lookup(vocab.case_types, text)
        if canonical:
            return canonical, None
        hint = suggest(vocab.case_types, text)
        return text, f"无法识别的案件类型“{text}”" + (f"（是否应为“{hint}”？）" if hint else "") + "，已按原文保留"
    if kind == "id":
        return compact(value).upper() or None, None
    return _as_text(value), None


def parse_return_sheet(sheet: RawSheet, file: str, aliases: dict[str, str], vocab: Vocabulary | None = None,
                       file_stem: str = "", header: HeaderMatch | None = None
                       ) -> tuple[ReturnTable | None, list[Finding], list[str]]:
    """Find and normalise the table of one sheet. (None, [], []) when the sheet has no recognisable header."""
    vocab = vocab or default_vocabulary()
    header = header or find_header(sheet, aliases)
    if header is None:
        return None, [], []
    out = _Out(file, sheet.name, header)
    notes: list[str] = []
    first_header = header.header_rows[0]
    last_header = header.header_rows[-1]
    for canonical, c in header.duplicates:
        out.warn(last_header + 1, None, f"第{c + 1}列“{header.labels.get(c)}”与“{header.label(canonical)}”"
                 f"都表示“{canonical}”，只使用了前一列。")
    for c in header.unknown:
        out.warn(last_header + 1, None, f"第{c + 1}列“{header.labels[c]}”不是标准模板认识的列，未写入标准模板"
                 "（可在列名对照中补充）。")

    # units: a table-wide declaration above the table or in the header, then per column
    title_texts = [v for r in range(first_header) for v in sheet.rows[r] if isinstance(v, str)]
    header_texts = list(header.labels.values())
    below = [v for row in sheet.rows[last_header + 1:] if len(row) - row.count(None) <= 2
             for v in row if isinstance(v, str)]
    unit, unit_word = table_unit(title_texts + header_texts + below)
    units: dict[str, Decimal] = {}
    unit_words: dict[str, str] = {}
    cols = header.columns
    kinds = {name: column_kind(name) for name in cols}
    for name, c in cols.items():
        if kinds[name] == "money":
            col_unit, col_word = header_unit(header.labels.get(c, ""))
            units[name] = col_unit or unit or Decimal(1)
            unit_words[name] = col_word or unit_word or "元"
    converted = sorted({w for w in unit_words.values() if w != "元"})
    if converted:
        notes.append(f"“{sheet.name}”金额单位为{'、'.join(converted)}，已换算为元。")

    # rows
    rules = returns_rules()["layout"]
    note_prefixes = tuple(rules["note_prefixes"])
    merged_starts = {(r0, c0): c1 - c0 + 1 for r0, c0, r1, c1 in sheet.merged}
    data_cols = [(name, c) for name, c in cols.items() if kinds[name] != "seq"]
    seq_cols = {c for name, c in cols.items() if kinds[name] == "seq"}
    summed = [name for name in cols if kinds[name] in ("money", "count")]
    rows_out: list[dict] = []
    total_rows, note_rows = [], []
    block_start = 0          # index into rows_out where the current 小计 block starts
    word_cells = max(4, min(cols.values()) + 2)
    # per data column, made once: its conversion answers for this kind, unit and vocabulary (shared by the batch)
    if len(_converted) > 200_000:
        _converted.clear()
    col_plan = {name: (kinds[name], units.get(name, _ONE),
                       _converted.setdefault((kinds[name], units.get(name, _ONE), id(vocab)), {}))
                for name, _ in data_cols}
    text_cols = {name for name, _ in data_cols if kinds[name] == "text"}
    widest = max((c for _, c in data_cols), default=-1)
    for r in range(last_header + 1, len(sheet.rows)):
        raw = sheet.rows[r]
        if len(raw) > widest:     # (the usual row: every data column inside it)
            in_table = [(name, v) for name, c in data_cols if (v := raw[c]) is not None
                        and (v.__class__ is not str or v.strip())]
        else:
            width = len(raw)
            in_table = [(name, v) for name, c in data_cols if c < width and (v := raw[c]) is not None
                        and (type(v) is not str or v.strip())]
        # every filled cell of the row: only needed to tell notes from data
        present = [(c, v) for c, v in enumerate(raw) if v is not None and (type(v) is not str or v.strip())] \
            if len(in_table) <= 2 else None
        if not in_table:
            # anything but a bare number in the 序号 column is a note (a pre-numbered empty row is blank)
            if any(c not in seq_cols or (isinstance(v, str) and not clean_text(v).isdigit()) for c, v in present):
                note_rows.append(r + 1)
            continue
        word = _total_word(raw[:word_cells])
        if word:
            total_rows.append(r + 1)
            if word in rules["checked_totals"] or word in rules["subtotals"]:
                scope = rows_out[block_start:] if word in rules["subtotals"] else rows_out
                _check_total(out, r + 1, word, raw, cols, summed, scope, units, vocab)
            if word in rules["subtotals"]:
                block_start = len(rows_out)
            continue
        if present is not None and len(present) <= 2:
            if next((clean_text(v) for _, v in present if isinstance(v, str)), "").startswith(note_prefixes):
                note_rows.append(r + 1)
                continue
            if len(present) == 1 and merged_starts.get((r, present[0][0]), 1) >= 3:
                note_rows.append(r + 1)      # a note merged across the table
                continue
        record = {"_row": r + 1}
        for name, value in in_table:
            if value.__class__ is str and name in text_cols:   # _convert's answer, without remembering unique texts
                record[name] = _clean_str(value) or None
                continue
            kind, unit, answers = col_plan[name]
            key = (type(value), value)
            hit = answers.get(key)
            if hit is None:
                if len(answers) > 50_000:
                    answers.clear()
                hit = answers[key] = _convert(kind, value, unit, vocab)
            normal, problem = hit
            if problem:
                out.warn(r + 1, name, problem, _as_text(value) if kind != "id" else mask_id(value))
            record[name] = normal
        rows_out.append(record)

    decision = sheet_period(sheet, first_header, [r - 1 for r in note_rows], file_stem)
    for problem in period_problems(decision):
        out.warn(None, None, problem)
    if not rows_out:
        out.warn(None, None, "表头下没有数据行。")
    if total_rows:
        notes.append(f"“{sheet.name}”第{'、'.join(map(str, total_rows))}行是合计/小计行，未计入数据。")
    header_span = "–".join(str(r + 1) for r in header.header_rows)
    notes.insert(0, f"“{sheet.name}”按{KIND_CASES}读取：表头在第{header_span}行，读取数据{len(rows_out)}行"
                 + (f"，所属期间{period_label(decision.period)}（取自{decision.source}）" if decision.period else "")
                 + "。")
    table = ReturnTable(sheet.name, header, decision.period, rows_out, unit_words, total_rows, note_rows)
    return table, out.findings, notes


def sheet_period(sheet: RawSheet, first_header: int, note_rows, file_stem: str = "") -> PeriodDecision:
    """The period of a table: title above it, a labelled cell above or below it, the sheet name, the file name."""
    sources = period_sources_in_rows(sheet, range(first_header), title=True)
    sources = [s for s in sources if s[0] == "标题"] + [s for s in sources if s[0] == "单元格"]
    sources += period_sources_in_rows(sheet, note_rows, title=False)
    if sheet.name != file_stem:     # a CSV's one sheet is named after the file
        sources += [("工作表名", f"工作表名“{sheet.name}”", sheet.name)]
    if file_stem:
        sources += [("文件名", "文件名", file_stem)]
    return decide_period(sources)


def period_problems(decision: PeriodDecision) -> list[str]:
    """Warnings about a period decision: sources that disagree, or no period at all."""
    problem = decision.disagreement()
    out = [problem] if problem else []
    if decision.period is None:
        out.append("未能从标题、单元格、工作表名或文件名中确定所属期间（年月），请在标题中注明，如“2023年3月”。")
    return out


def _check_total(out: _Out, excel_row: int, word: str, raw: list, cols: dict[str, int], summed: list[str],
                 scope: list[dict], units: dict[str, Decimal], vocab: Vocabulary) -> None:
    """Compare each amount/count in a 合计/小计 row with the sum of the data rows it covers."""
    for name in summed:
        c = cols[name]
        value = raw[c] if c < len(raw) else None
        if value is None or (isinstance(value, str) and not clean_text(value)):
            continue
        kind = column_kind(name)
        unit = units.get(name, Decimal(1))
        try:
            stated = parse_amount(value, default_unit=unit) if kind == "money" else parse_count(value)
        except ValueError:
            continue
        if stated is None:
            continue
        total = sum((r[name] for r in scope if isinstance(r.get(name), (Decimal, int))), Decimal(0))
        # tolerance: half a unit of the last decimal shown in the total cell (at least half a fen)
        shown = Decimal(repr(value)) if isinstance(value, float) else None
        places = max(0, -shown.normalize().as_tuple().exponent) if shown is not None and shown == shown else 2
        tolerance = max(Decimal("0.005"), Decimal(5).scaleb(-places - 1) * (unit if kind == "money" else 1))
        if abs(Decimal(stated) - total) > tolerance:
            shown_total = f"{total:,.2f}元" if kind == "money" else f"{total}"
            shown_stated = f"{Decimal(stated):,.2f}元" if kind == "money" else f"{stated}"
            out.warn(excel_row, name, f"{word}行的“{out.header.label(name)}”为{shown_stated}，但上方{len(scope)}行"
                     f"之和为{shown_total}，不一致。", _as_text(value))


# ---------------------------------------------------------------- a whole return


def parse_return(sheets: list[RawSheet], file: str, aliases: dict[str, str], vocab: Vocabulary | None = None,
                 file_stem: str = "", items: dict[str, str] | None = None) -> ReturnResult:
    """Every table of a return workbook (all sheets with a recognisable header), normalised."""
    vocab = vocab or default_vocabulary()
    result = ReturnResult(file)
    own = [s for s in sheets if s.name == ALIAS_SHEET]
    if own:
        from toolkit.ledger.parse import column_aliases_from_sheet   # (imports pandas: only when a file has one)
        extra = {}
        for s in own:
            extra.update(column_aliases_from_sheet(s))
        aliases = extend_aliases(aliases, extra)
        result.notes.append(f"使用了文件中“{ALIAS_SHEET}”工作表的{len(extra)}条列名对照。")
    settings = set(returns_rules().get("settings_sheets", [ALIAS_SHEET]))
    settings.add(returns_rules()["stat_form"]["item_sheet"])
    stat_vocab = None
    for sheet in sheets:
        if sheet.name in settings:
            continue
        header = find_header(sheet, aliases)
        if header is None or len(header.columns) < STAT_FORM_MAX_CASE_COLUMNS:
            # not clearly a case list: it may be a statistics form (items down the side, 本月 / 本年累计 across)
            if stat_vocab is None:
                stat_vocab = _stat_vocabulary(sheets, items, result)
            form = read_stat_sheet(sheet, file, stat_vocab, file_stem)
            if form is not None:
                result.stat_forms.append(form)
                result.findings.extend(form.findings)
                result.notes.extend(form.notes)
                continue
        if header is None:
            continue
        table, findings, notes = parse_return_sheet(sheet, file, aliases, vocab, file_stem, header)
        result.tables.append(table)
        result.findings.extend(findings)
        result.notes.extend(notes)
    if not result.tables and not result.stat_forms:
        if not any(any(v is not None for v in row) for s in sheets for row in s.rows):
            result.failure = "文件中没有任何内容（空表格）。"
        else:
            result.failure = ("找不到可识别的表头：案件清单的表头行应包含“案号”“受援人”“案件类型”“承办律师”等列名中的"
                              "至少两个（可用列名对照补充本单位的列名）；统计报表应有“本月”“本年累计”等列和"
                              "“法律援助案件总数”“法律咨询”等项目（可用项目对照补充）。"
                              f"共检查了{len(sheets)}个工作表。")
    elif result.tables and result.row_count == 0 and not result.stat_forms:
        result.failure = "表格中没有数据行（只有表头、合计或说明）。"
    return result


STAT_FORM_MAX_CASE_COLUMNS = 3     # a sheet whose header names this many case-list columns is a case list


def _stat_vocabulary(sheets: list[RawSheet], items: dict[str, str] | None, result: ReturnResult):
    """The statistics-form vocabulary with the user's 项目对照 (from --items and the return's own sheet)."""
    from toolkit.monthly.stat_vocab import stat_vocabulary   # (with the budget tables: only for a possible form)

    vocab = stat_vocabulary()
    user = dict(items or {})
    own = [s for s in sheets if s.name == vocab.item_sheet]
    extra = {}
    for s in own:
        extra.update(item_aliases_from_sheet(s))
    user.update(extra)
    if own:
        result.notes.append(f"使用了文件中“{vocab.item_sheet}”工作表的{len(extra)}条项目对照。")
    vocab, unknown = vocab.with_user_items(user)
    if unknown:
        result.findings.append(Finding(WARNING, f"项目对照中的{'、'.join(unknown)}：右边不是标准统计项目的名称，"
                                       "未使用。", None, None, None, None, result.file))
    return vocab


def item_aliases_from_sheet(sheet: RawSheet) -> dict[str, str]:
    """A 项目对照 sheet (表中项目 | 标准项目) as a dict."""
    return mapping_from_sheet(sheet, ("表中项目", "项目"), ("标准项目",))


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MONTH_HEADER = re.compile(r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月份?$")


def _year_and_month_column(sheet: RawSheet, first_header: int, month_header: str | None,
                           file_stem: str) -> PeriodDecision | None:
    """A form titled with its year only ("2023年法律援助统计月报表") whose 本月 column is headed "3月": 2023-03."""
    m = _MONTH_HEADER.search(clean_text((month_header or "").split("·")[-1]))
    if not m:
        return None
    texts = [v for r in range(min(first_header, len(sheet.rows))) for v in sheet.rows[r] if isinstance(v, str)]
    year = next((y.group(1) for t in [*texts, file_stem] if (y := _YEAR.search(clean_text(t)))), None)
    period = find_period(f"{year}年{m.group(1)}月") if year else None
    if period is None:
        return None
    source = f"标题中的年份和“本月”列名“{clean_text(month_header)}”"
    return PeriodDecision(period, source, ((source, source, period),))


def read_stat_sheet(sheet: RawSheet, file: str, vocab, file_stem: str = ""):
    """A statistics form on one sheet with its period decided as for case lists, or None."""
    from toolkit.monthly.stat_forms import read_stat_form   # (imports the budget checker: only when needed)

    form = read_stat_form(sheet, file, vocab, file_stem)
    if form is None:
        return None
    first_header = form.header_rows[0] - 1
    last_row = max((ln.row for ln in form.lines), default=form.header_rows[1])
    decision = sheet_period(sheet, first_header, range(last_row, len(sheet.rows)), file_stem)
    if decision.period is None:
        decision = _year_and_month_column(sheet, first_header, form.columns.get("本月"), file_stem) or decision
    form.period = decision.period
    for problem in period_problems(decision):
        form.findings.append(Finding(WARNING, problem, sheet.name, None, None, None, file))
    form.notes.insert(0, f"“{sheet.name}”按{KIND_STATS}读取：单位“{form.station}”（取自{form.station_source}），"
                      f"表头在第{form.header_rows[0]}–{form.header_rows[1]}行，统计项目{len(form.lines)}项"
                      f"（{'、'.join(form.columns)}）"
                      + (f"，所属期间{period_label(form.period)}（取自{decision.source}）" if form.period else "")
                      + "。")
    return form


# ---------------------------------------------------------------- into the template


def template_rows(table: ReturnTable, template: ReturnTemplate, start: int = 1, mask_ids: bool = False) -> list[list]:
    """The table's rows as lists in the template's column order (序号 renumbered from `start`)."""
    absent = object()       # a template column we cannot fill: no record has it
    names = [absent if c.kind == "seq" or c.name is None else c.name for c in template.columns]
    seq = [k for k, c in enumerate(template.columns) if c.kind == "seq"]
    ids = [k for k, c in enumerate(template.columns) if mask_ids and c.kind == "id" and c.name is not None]
    out = []
    for i, record in enumerate(table.rows):
        row = list(map(record.get, names))
        for k in seq:
            row[k] = start + i
        for k in ids:
            if row[k]:
                row[k] = mask_id(row[k])
        out.append(row)
    return out


def failed_result(file: str, reason: str) -> ReturnResult:
    return ReturnResult(file, failure=reason)

