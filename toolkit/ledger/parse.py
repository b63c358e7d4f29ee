"""The case ledger (案件台账): from a raw sheet to one clean row per aided matter, plus findings.

Pure core: takes a RawSheet (already read), returns a Ledger. Bad rows are excluded from `cases` and listed as
findings; nothing stops the run except a sheet that has no recognisable ledger at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.ledger import stale as stale_formulas
from toolkit.ledger.checks import CheckContext, load_checks, run_checks
from toolkit.ledger.columns import ColumnTable, _categories, _type_and_stages, object_series, split_list
from toolkit.base.sheet import RawSheet
from toolkit.base.table import mapping_from_sheet, HeaderMatch, find_header
from toolkit.base.text import all_clean, clean_text, compact
from toolkit.ledger.vocab import Vocabulary, default_vocabulary, lookup

TOTAL_WORDS = ("合计", "小计", "总计", "累计", "本页合计")
NOTE_PREFIXES = ("注", "备注", "说明", "制表", "填表", "审核", "负责人", "填报", "经办", "联系", "复核", "统计人", "主管")
# columns the toolkit itself adds to a ledger sheet; never read back as the user's data
TOOLKIT_LEDGER_COLUMNS = ("补贴下限", "补贴上限", "补贴金额(计算)", "计算依据", "校验提示")


@dataclass
class Ledger:
    """A normalised ledger: `cases` holds the usable rows, `excluded` the rows left out because of an error."""

    cases: pd.DataFrame
    excluded: pd.DataFrame
    findings: list[Finding]
    header: HeaderMatch
    sheet: str
    file: str | None = None
    skipped_blank: int = 0
    skipped_totals: int = 0
    skipped_notes: int = 0
    total_rows: list[int] = field(default_factory=list)   # Excel rows of 合计/小计 lines
    hidden_rows: list[int] = field(default_factory=list)  # Excel rows read although hidden or filtered out in Excel
    notes: list[str] = field(default_factory=list)        # how the sheet was read, in words, for the summary
    parts: list["Ledger"] = field(default_factory=list)   # the per-sheet ledgers, when several were combined
    left_out: list[tuple[str | None, str, str]] = field(default_factory=list)   # (file, sheet, reason) not combined

    @property
    def rows_read(self) -> int:
        return len(self.cases) + len(self.excluded)

    @property
    def pieces(self) -> list["Ledger"]:
        """The per-sheet ledgers (itself, when it was read from one sheet)."""
        return self.parts or [self]

    def label(self, canonical: str) -> str:
        """The user's own header text for a canonical column."""
        return self.header.label(canonical)


_TOTAL_HINT = re.compile("[" + "".join(dict.fromkeys(w[0] for w in TOTAL_WORDS)) + "]")


_PERIOD_TOTAL = re.compile(r"^(?:\d{4}年)?(?:[0-9一二三四五六七八九十]{1,3}(?:[-~至到][0-9一二三四五六七八九十]{1,3})?月份?"
                           r"|[一二三四1-4]季度|第[一二三四1-4]季度|[上下]半年|本月|本季|本年|本页|当月|全年)"
                           r"(?:" + "|".join(TOTAL_WORDS) + r")[:：]?$")


def _is_total(cells) -> bool:
    for v in cells:
        if v.__class__ is not str or not _TOTAL_HINT.search(v):
            continue
        t = compact(v)
        if t and (t in TOTAL_WORDS or any(t.startswith(w) for w in TOTAL_WORDS) or _PERIOD_TOTAL.match(t)):
            return True
    return False


def _total_flags(table: ColumnTable) -> list[bool] | None:
    """Per distinct value of a column (the empty one last): does it say 合计/小计/…? None when none does."""
    joined = table.joined()      # (the joined text all_clean asks for later)
    if not _TOTAL_HINT.search("\n".join(table.strings()) if joined is None else joined):
        # most columns: no text has a 合/小/总/… at all
        return None
    flags = [v.__class__ is str and _TOTAL_HINT.search(v) is not None and _is_total((v,)) for v in table.uniques]
    return [*flags, False] if any(flags) else None


_NOTE_START = re.compile("^(?:" + "|".join(map(re.escape, NOTE_PREFIXES)) + ")", re.M)


def _note_flags(table: ColumnTable) -> list[bool] | None:
    """Per distinct value (the empty one last): is it text starting 注/制表/审核 …? None when none is (one search
    over the joined clean texts, which hold no line break)."""
    texts = table.strings()
    if texts is table.uniques:
        texts = table.clean()[:-1]      # (shared with the column's text parser)
    elif not all_clean(texts):
        texts = list(map(clean_text, texts))
    if not _NOTE_START.search("\n".join(texts)):
        return None
    return [v.__class__ is str and clean_text(v).startswith(NOTE_PREFIXES) for v in table.uniques] + [False]


class _Collector:
    def __init__(self, sheet: str, file: str | None, header: HeaderMatch):
        self.sheet, self.file, self.header = sheet, file, header
        self.findings: list[Finding] = []
        self.bad_rows: set[int] = set()

    def add(self, severity: str, excel_row: int, column: str | None, message: str, value=None):
        label = self.header.label(column) if column else None
        self.findings.append(Finding(severity, message, self.sheet, excel_row, label,
                                     None if value is None else str(value), self.file))
        if severity == ERROR:
            self.bad_rows.add(excel_row)


def parse_ledger(sheet: RawSheet, file: str | None = None, vocab: Vocabulary | None = None,
                 today=None) -> Ledger:
    """Read a case-ledger sheet: find the header, normalise every column, check every row."""
    vocab = vocab or default_vocabulary()
    header = find_header(sheet, vocab.column_aliases, ignore=frozenset(TOOLKIT_LEDGER_COLUMNS))
    if header is None:
        raise InputError("找不到台账表头。表头行应包含“案号”“案件类型”“诉讼阶段”“承办律师”等列名"
                         "（可在“列名对照”工作表中补充本单位的列名）。", file=file, sheet=sheet.name)
    missing = [c for c in vocab.required_columns if c not in header.columns]
    if missing:
        raise InputError(f"台账缺少必需的列：{'、'.join(missing)}。已识别的列：{'、'.join(header.columns)}。",
                         file=file, sheet=sheet.name, row=header.header_rows[-1] + 1)
    out = _Collector(sheet.name, file, header)
    for canonical, c in header.duplicates:
        out.add(WARNING, header.header_rows[-1] + 1, None,
                f"第{c + 1}列“{header.labels.get(c)}”与“{header.label(canonical)}”都表示“{canonical}”，只使用了前一列。")

    start = header.first_data_row
    data = sheet.rows[start:]
    cols = header.columns
    width = max(map(len, data), default=0)
    if min(map(len, data), default=0) != width:   # CSV rows can be ragged
        data = [list(r) + [None] * (width - len(r)) for r in data]
    data, stale = stale_formulas.set_aside(sheet, data, start, cols)   # formulas never calculated: not filled
    readings: list[str] = []
    if sheet.merged:
        data = _fill_merged(sheet, data, start, cols, vocab, out, readings)
    n = len(data)
    # every column is read once into its table of distinct values; all that follows works on those tables (a column
    # no check and no output reads — the toolkit's own columns to the right — is taken from the rows only if a row
    # might be a note under the table)
    grid = pd.DataFrame(data, dtype=object) if data else pd.DataFrame(index=range(0))   # rows → columns, in C
    column_of = (lambda c: grid[c].to_numpy())
    read = {*cols.values(), 0, 1, 2, 3}      # (the first four: where a 合计 row says so)
    tables: list[ColumnTable | None] = [ColumnTable.of(column_of(c)) if c in read else None for c in range(width)]
    excel_rows = np.arange(start + 1, start + 1 + n)

    # blank, total and note rows are not matters (the reader gives None for empty and blank-only cells)
    used = [c for c in cols.values() if c < width]
    filled_count = sum((tables[c].filled for c in used), np.zeros(n, dtype=np.int64))
    blank = filled_count == 0
    totals = np.zeros(n, dtype=bool)
    for c in range(min(width, 4)):
        flags = _total_flags(tables[c])
        if flags is not None:
            totals |= tables[c].mask(flags)
    totals &= ~blank
    notes = np.zeros(n, dtype=bool)
    # a note or the signature line under the table fills a few cells, the first of them starting 注/制表/审核 …
    noted = np.zeros(n, dtype=bool)
    candidates = ~blank & ~totals & (filled_count <= 4)
    for c in range(width) if candidates.any() else ():
        table = tables[c] = tables[c] or ColumnTable.of(column_of(c))
        flags = _note_flags(table)
        if flags is not None:
            noted |= table.mask(flags)
    del grid, column_of
    for i in np.flatnonzero(noted & candidates).tolist():
        first = next((clean_text(v) for v in data[i] if v is not None and clean_text(v)), "")
        notes[i] = first.startswith(NOTE_PREFIXES)
    total_rows = excel_rows[totals].tolist()
    note_rows = excel_rows[notes].tolist()
    keep = np.flatnonzero(~(blank | totals | notes))
    if stale and (said := stale_formulas.note(stale, set(keep.tolist()), start, header.label, cols)):
        readings.append(said)
    whole = len(keep) == n    # (the usual sheet: no blank, total or note row among the data)
    kept = {name: (tables[c] if whole else tables[c].subset(keep)) if c < width else ColumnTable.empty(len(keep))
            for name, c in cols.items()}
    frame = _normalise(kept, excel_rows[keep], vocab, out, today, _year_hint(sheet, start, file), readings,
                       {"sheet": sheet.name, "file": file})
    hidden = sorted(r for r in frame["excel_row"].tolist() if r - 1 in sheet.hidden) if sheet.hidden else []
    if hidden:
        readings.append(f"第{_row_list(hidden)}行在 Excel 中是隐藏或被筛选掉的行，也已读取（共 {len(hidden)} 行）。")
    if note_rows:
        readings.append(f"第{_row_list(note_rows)}行是表下的说明文字，不是案件。")
    bad = frame["excel_row"].isin(out.bad_rows)
    out.findings.sort(key=lambda f: (f.row or 0, 0 if f.severity == ERROR else 1))
    return Ledger(cases=frame[~bad].reset_index(drop=True), excluded=frame[bad].reset_index(drop=True),
                  findings=out.findings, header=header, sheet=sheet.name, file=file,
                  skipped_blank=int(blank.sum()), skipped_totals=int(totals.sum()), skipped_notes=int(notes.sum()),
                  total_rows=total_rows, hidden_rows=hidden, notes=readings)


def _row_list(rows: list[int], limit: int = 10) -> str:
    """[3, 4, 9] → '3、4、9'; long lists end with '等'."""
    return "、".join(map(str, rows[:limit])) + ("等" if len(rows) > limit else "")


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _year_hint(sheet: RawSheet, start: int, file: str | None) -> int | None:
    """The year a ledger's title (rows above the header), sheet name or file name states, for dates like '3月5日'."""
    texts = [clean_text(v) for row in sheet.rows[:max(start - 1, 0)] for v in row if isinstance(v, str)]
    for text in [*texts, sheet.name, file or ""]:
        m = _YEAR.search(text) or re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text)
        if m:
            return int(m.group(1))
    return None


def _fill_merged(sheet: RawSheet, data: list, start: int, cols: dict[str, int], vocab: Vocabulary,
                 out, readings: list[str]) -> list:
    """Label cells merged over several data rows are given to every row they cover (a copy of the rows is
    changed, never the sheet); amounts merged over rows are reported, not copied."""
    by_column = {c: name for name, c in cols.items()}
    changed: dict[int, list] = {}
    filled: dict[str, int] = {}
    for r0, c0, r1, c1 in sheet.merged:
        name = by_column.get(c0)
        if r1 <= r0 or r0 < start or name is None:    # (a merge starting in the header is the header's)
            continue
        top = r0
        value = sheet.cell(r0, c0)
        if name in vocab.money_columns:
            if value is not None:
                out.add(WARNING, top + 1, name, f"金额“{clean_text(value)}”是第{top + 1}–{r1 + 1}行合并的单元格，"
                        f"无法确定属于哪一件案件，只按第{top + 1}行读取；请拆分合并单元格后逐行填写。", clean_text(value))
            continue
        if name not in vocab.fill_down or value is None:
            continue
        for r in range(top + 1, min(r1, start + len(data) - 1) + 1):
            i = r - start
            row = changed.get(i)
            if row is None:
                row = changed[i] = list(data[i])
            if c0 < len(row) and row[c0] is None:
                row[c0] = value
                filled[name] = filled.get(name, 0) + 1
    if not changed:
        return data
    data = list(data)
    for i, row in changed.items():
        data[i] = row
    readings.append("合并单元格的值已用于其覆盖的每一行：" + "、".join(f"“{out.header.label(n)}”{k} 个单元格"
                                                         for n, k in filled.items()) + "。")
    return data


def per_distinct(values, fn) -> list:
    """[fn(v) for v in values], with fn computed once per distinct value."""
    values = list(values)
    table = dict.fromkeys(values)
    for v in table:
        table[v] = fn(v)
    return list(map(table.__getitem__, values))


def normalise_columns(ctx: CheckContext, checks, out, readings: list[str]) -> dict[str, object]:
    """Every canonical column of the kept rows, normalised (as lists / arrays per row), with the findings of the
    check table collected in `out` and how wordings were read added to `readings` and the 读法 column."""
    vocab, tables = ctx.vocab, ctx.tables
    columns: dict[str, object] = {}
    for column, parser in vocab.parsers.items():
        if parser == "text":
            columns[column] = tables[column].take(ctx.parsed(column).values)

    # case type (刑事附带民事 is 刑事 with a flag); type and stage in one cell: "刑事审判阶段", "民事一审"
    kind = tables["案件类型"]
    looked = kind.per_value("case_type", lambda v: lookup(vocab.case_types, v))
    combined = [None if t is not None or v is None else _type_and_stages(vocab, v)
                for t, v in zip(looked, [*kind.uniques, None])]
    final = [t if t is not None else (c[0] if c else None) for t, c in zip(looked, combined)]
    ctx.unknown_types = [v is not None and t is None for v, t in zip([*kind.uniques, None], final)]
    columns["附带民事"] = kind.mask(kind.per_value("attached", lambda v: "附带民事" in compact(v), empty=False))
    case_type = kind.take(final)
    columns["案件类型"] = case_type
    ctx.criminal = kind.mask([t == vocab.criminal_type for t in final])
    known_type = kind.mask([t is not None for t in final])
    reading = kind.take([None if not c else (f"“{clean_text(v)}”读作{c[0]}·{c[1]}" if c[1] else
                                            f"“{clean_text(v)}”读作{c[0]}：“{c[2]}”是审级，不是刑事诉讼阶段")
                         for v, c in zip([*kind.uniques, None], combined)])

    # stages: several in one cell; only criminal matters have them; the type cell may name it
    order = {stage: i for i, stage in enumerate(vocab.criminal_stages)}

    def stage_cell(v):
        known, unknown = _categories(v, vocab.stages)
        return tuple(sorted(known, key=order.get)), unknown

    stage = tables["诉讼阶段"]
    cells = stage.per_value("stage_cell", stage_cell, empty=((), ()))
    known, unknown = stage.take([c[0] for c in cells]), stage.take([c[1] for c in cells])
    has_stage, has_unknown = stage.mask([bool(c[0]) for c in cells]), stage.mask([bool(c[1]) for c in cells])
    from_type = [c[1] if c else None for c in combined]
    if any(from_type):
        by_text: dict[str, tuple] = {}
        type_stage = kind.take(from_type)
        for pos in np.flatnonzero((stage.codes == -1) & kind.mask([s is not None for s in from_type])).tolist():
            cell = by_text.get(type_stage[pos]) or by_text.setdefault(type_stage[pos], stage_cell(type_stage[pos]))
            known[pos], unknown[pos] = cell
            has_stage[pos], has_unknown[pos] = bool(cell[0]), bool(cell[1])
    ctx.has_stage = has_stage
    ctx.parts["诉讼阶段"] = (has_unknown, unknown)
    ctx.stray = ~ctx.criminal & known_type & (has_stage | has_unknown)
    ctx.instance = ctx.stray & stage.mask(stage.per_value(
        "instance", lambda v: bool(split_list(v)) and all(compact(p) in vocab.instances for p in split_list(v)),
        empty=False))
    clean_stage = stage.clean()
    for pos in np.flatnonzero(ctx.instance).tolist():
        t = case_type[pos]
        reading[pos] = f"阶段“{clean_stage[stage.codes[pos]]}”是{t}案件的审级，不是刑事诉讼阶段，按{t}计"

    def everyday(raw):
        words = [f"“{p}”读作{lookup(vocab.stages, p)}" for p in split_list(raw)
                 if lookup(vocab.stages, p) and compact(p) not in (lookup(vocab.stages, p),
                                                                   lookup(vocab.stages, p) + "阶段")]
        return "阶段" + "、".join(words) if words else None

    said = stage.per_value("everyday", everyday)
    if any(said):
        said_row = stage.take(said)
        for pos in np.flatnonzero(ctx.criminal & has_stage & stage.mask([bool(s) for s in said])).tolist():
            reading[pos] = said_row[pos]
    for pos in np.flatnonzero(ctx.stray).tolist():
        known[pos] = ()
    columns["诉讼阶段"] = known

    # the other parsed columns
    for column, parser in vocab.parsers.items():
        if parser == "text":
            continue
        table, parsed = tables[column], ctx.parsed(column)
        if parser == "groups":
            ctx.parts[column] = (table.mask([bool(p) for p in parsed.problems]),
                                  table.take([p or () for p in parsed.problems]))
        if parser == "yes_no":
            columns[column] = table.mask([v == "是" for v in parsed.values])
        elif parser == "count":   # a list: the frame infers the dtype (int64, or float64 with NaN, as before)
            default = vocab.empty_values.get(column)
            columns[column] = table.take([default if v is None else v for v in parsed.values]).tolist()
        else:
            columns[column] = table.take(parsed.values)
    run_checks(checks, ctx, out)

    read_by = {"month": 0, "year": 0}
    for column in vocab.date_columns:
        how = ctx.parsed(column).how
        if how and any(how):
            table = tables[column]
            for key in read_by:
                read_by[key] += int(table.mask([h == key for h in how]).sum())
    if read_by["year"]:
        readings.append(f"{read_by['year']} 个日期没有写年份（如“3月5日”），按标题中的 {ctx.year} 年读取。")
    if read_by["month"]:
        readings.append(f"{read_by['month']} 个日期只写了年月（如“2023年3月”），按当月读取（指派日期按 1 日、结案日期按月末）。")
    columns["读法"] = reading
    read_as = int(sum(1 for r in reading.tolist() if r))
    if read_as:
        readings.append(f"{read_as} 行的案件类型与阶段写在一格（如“刑事审判阶段”“民事一审”）或用了日常说法（如“起诉”），"
                        "已按词表读取，读法写在该行的“计算依据”中。")
    return columns


def _normalise(kept: dict[str, ColumnTable], rows: np.ndarray, vocab: Vocabulary, out: "_Collector", today,
               year: int | None = None, readings: list[str] | None = None, place: dict | None = None
               ) -> pd.DataFrame:
    """The kept rows as a frame of normalised columns: the header's columns in their order, excel_row, the
    canonical columns the sheet lacks, 附带民事, 读法 and `place` (sheet and file: the same value on every row);
    the check table's findings go to `out`. Built in one go (a column added later is a second block of objects,
    which pandas copies into one when it next consolidates the frame)."""
    n = len(rows)
    tables = {c: kept.get(c) or ColumnTable.empty(n) for c in vocab.canonical_columns}
    ctx = CheckContext(tables, rows, vocab, out.header, today, year, vocab.check_texts)
    checks = load_checks(vocab.checks, vocab.parsers)
    columns = normalise_columns(ctx, checks, out, [] if readings is None else readings)
    index = pd.RangeIndex(n)
    frame = {}   # (the arrays are this function's own: not copied by the Series, nor consolidated by the frame)
    for name in [*kept, "excel_row", *(c for c in vocab.canonical_columns if c not in kept), "附带民事", "读法"]:
        if name == "excel_row":
            frame[name] = pd.Series(rows, index=index, copy=False)
        elif name in columns:
            values = columns[name]
            own = isinstance(values, np.ndarray) and values.flags.writeable
            frame[name] = pd.Series(values, index=index, copy=not own, dtype=bool if values.__class__ is np.ndarray
                                    and values.dtype == bool else None if isinstance(values, list) else object)
        else:   # a column the checks leave as the user typed it (序号)
            frame[name] = object_series(tables[name].take(tables[name].same()), index)
    for name, value in (place or {}).items():
        frame[name] = object_series(value, index)
    return pd.DataFrame(frame, index=index, copy=False)


def column_aliases_from_sheet(sheet: RawSheet) -> dict[str, str]:
    """The user's 列名对照 sheet (their header | canonical column) as a dict."""
    return mapping_from_sheet(sheet, ("表中列名", "别名"), ("标准列名",))
