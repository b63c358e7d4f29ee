"""The case ledger (案件台账): from a raw sheet to one clean row per aided matter, plus findings.

Pure core: takes a RawSheet (already read), returns a Ledger. Bad rows are excluded from `cases` and listed as
findings; nothing stops the run except a sheet that has no recognisable ledger at all.
"""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.base.dates import parse_date
from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.idcard import id_problem, mask_id
from toolkit.base.sheet import RawSheet
from toolkit.base.money import parse_amount, parse_count
from toolkit.base.table import HeaderMatch, find_header
from toolkit.base.text import all_clean, clean_text, compact
from toolkit.ledger.vocab import Vocabulary, default_vocabulary, lookup, suggest, type_and_stage

TOTAL_WORDS = ("合计", "小计", "总计", "累计", "本页合计")
NOTE_PREFIXES = ("注", "备注", "说明", "制表", "填表", "审核", "负责人", "填报", "经办", "联系", "复核", "统计人", "主管")
_LIST_SPLIT = re.compile(r"[、,，/;；+＋\s]+|及|和|与")
TEXT_COLUMNS = ("案号", "受援人", "承办律师", "律师事务所")
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


def split_list(value) -> list[str]:
    """'审查起诉、审判' → ['审查起诉', '审判']; empty → []."""
    text = clean_text(value)
    return [part for part in _LIST_SPLIT.split(text) if part] if text else []


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


def _total_rows(columns, n: int) -> list[bool]:
    """Per row: does one of these columns (the first few) say 合计/小计/…? Each distinct text is looked at once."""
    result = [False] * n
    for column in columns:
        texts = [v for v in dict.fromkeys(column) if v.__class__ is str]
        if not _TOTAL_HINT.search("\n".join(texts)):   # most columns: no text has a 合/小/总/… at all
            continue
        hits = {v for v in texts if _TOTAL_HINT.search(v) and _is_total((v,))}
        if hits:
            result = [r or v in hits for r, v in zip(result, column)]
    return result


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


def _map_unique(series: pd.Series, parse):
    """Apply `parse` once per distinct value: (values Series, [(position, error text)] of the values it refused)."""
    items = series.tolist()
    value_of = dict.fromkeys(items)
    refused = {}
    for v in value_of:
        if v is not None:
            try:
                value_of[v] = parse(v)
            except ValueError as exc:
                refused[v] = str(exc)
    values = pd.Series(list(map(value_of.__getitem__, items)), index=series.index, dtype=object)
    errors = [(i, refused[v]) for i, v in enumerate(items) if v in refused] if refused else []
    return values, errors


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
    readings: list[str] = []
    if sheet.merged:
        data = _fill_merged(sheet, data, start, cols, vocab, out, readings)
    grid = pd.DataFrame(data, dtype=object) if data else pd.DataFrame(index=range(0))   # rows → columns, in C
    used = [c for c in cols.values() if c < width]
    frame = pd.DataFrame({name: (grid[c].to_numpy() if c < width else None) for name, c in cols.items()},
                         index=grid.index, dtype=object)
    frame["excel_row"] = range(start + 1, start + 1 + len(data))

    # blank, total and note rows are not matters (the reader gives None for empty and blank-only cells)
    filled_count = pd.Series(grid[used].notna().to_numpy().sum(axis=1) if used else 0, index=frame.index)
    blank = filled_count == 0
    totals = pd.Series(_total_rows([grid[c].tolist() for c in range(min(width, 4))], len(data)),
                       index=frame.index, dtype=bool) & ~blank
    notes = pd.Series(False, index=frame.index)
    # a note or the signature line under the table fills a few cells, the first of them starting 注/制表/审核 …
    noted = pd.Series(False, index=frame.index)
    for c in range(width):
        column = grid[c].tolist()
        hits = {v for v in dict.fromkeys(column) if v.__class__ is str and clean_text(v).startswith(NOTE_PREFIXES)}
        if hits:
            noted |= pd.Series([v in hits for v in column], index=frame.index)
    for i in frame.index[noted & ~blank & ~totals & (filled_count <= 4)]:
        first = next((clean_text(v) for v in grid.loc[i].tolist() if v is not None and clean_text(v)), "")
        notes.at[i] = first.startswith(NOTE_PREFIXES)
    total_rows = frame.loc[totals, "excel_row"].tolist()
    note_rows = frame.loc[notes, "excel_row"].tolist()
    frame = frame[~(blank | totals | notes)].copy()

    _normalise(frame, vocab, out, today, _year_hint(sheet, start, file), readings)
    frame = frame.reset_index(drop=True)
    frame["sheet"] = sheet.name
    frame["file"] = file
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


def _ensure(frame: pd.DataFrame, column: str, default=None):
    if column not in frame:
        frame[column] = default


def _per_unique(series: pd.Series, fn, clean_is_same: bool = False, spaces: bool = True,
                upper: bool = False) -> pd.Series:
    """fn applied once per distinct non-empty value (ledgers repeat the same few texts thousands of times).

    clean_is_same: fn leaves already-clean text alone, so when every distinct value is clean text (with no space,
    if not `spaces`; upper case, if `upper`) the column is taken as it is; case numbers and ID numbers are
    all distinct, and this check is one pass in C instead of a call per row.
    """
    items = series.tolist()
    if clean_is_same:
        texts = dict.fromkeys(items)
        texts.pop(None, None)
        if all_clean(texts, spaces, upper):
            return pd.Series(items, index=series.index, dtype=object)
    # plain lists: pandas' own map is ~10× slower on object columns; empty stays None, never NaN
    return pd.Series(per_distinct(items, lambda v: None if v is None else fn(v)), index=series.index, dtype=object)


def per_distinct(values, fn) -> list:
    """[fn(v) for v in values], with fn computed once per distinct value."""
    values = list(values)
    table = dict.fromkeys(values)
    for v in table:
        table[v] = fn(v)
    return list(map(table.__getitem__, values))


_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
# a month without a day ("2023年3月", "2023.3", "2023-03"): enough to place a case in its month and period
_YEAR_MONTH = re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月份?|[./\-]\s*(\d{1,2}))$")


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


def _mask(series: pd.Series, predicate) -> pd.Series:
    """predicate(value) as a bool Series, evaluated once per distinct value."""
    return pd.Series(per_distinct(series.tolist(), lambda v: bool(predicate(v))), index=series.index, dtype=bool)


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


def _normalise(frame: pd.DataFrame, vocab: Vocabulary, out: _Collector, today, year: int | None = None,
               readings: list[str] | None = None) -> None:
    for column in vocab.canonical_columns:
        _ensure(frame, column)
    rows = frame["excel_row"]
    readings = [] if readings is None else readings
    reading = [None] * len(frame)    # per row: how a combined or everyday wording was read (for 计算依据)

    for column in TEXT_COLUMNS:
        frame[column] = _per_unique(frame[column], lambda v: clean_text(v) or None, clean_is_same=True)

    # required fields
    for column in vocab.required_fields:
        if column in out.header.columns:
            for r in rows[frame[column].isna()]:
                out.add(ERROR, r, column, f"必填项“{out.header.label(column)}”为空。")

    # case type (刑事附带民事 is 刑事 with a flag)
    raw_type = frame["案件类型"]
    frame["附带民事"] = _per_unique(raw_type, lambda v: "附带民事" in compact(v)).fillna(False).astype(bool)
    frame["案件类型"] = _per_unique(raw_type, lambda v: lookup(vocab.case_types, v))
    unknown_type = raw_type.notna() & frame["案件类型"].isna()
    # type and stage in one cell: "刑事审判阶段", "刑事（审查起诉）", "民事一审"
    combined = _per_unique(raw_type[unknown_type], lambda v: _type_and_stages(vocab, v))
    stage_from_type = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for i, v, parsed in zip(combined.index, raw_type[unknown_type], combined.tolist()):
        if parsed is None:
            continue
        case_type, stage, words = parsed
        frame.at[i, "案件类型"] = case_type
        stage_from_type.at[i] = stage
        pos = frame.index.get_loc(i)
        reading[pos] = (f"“{clean_text(v)}”读作{case_type}·{stage}" if stage else
                        f"“{clean_text(v)}”读作{case_type}：“{words}”是审级，不是刑事诉讼阶段")
    unknown_type = raw_type.notna() & frame["案件类型"].isna()
    for r, v in zip(rows[unknown_type], raw_type[unknown_type]):
        if not compact(v):
            out.add(ERROR, r, "案件类型", "必填项“案件类型”为空。")
            continue
        hint = suggest(vocab.case_types, v)
        out.add(ERROR, r, "案件类型", f"无法识别的案件类型“{clean_text(v)}”" + (f"，是否应为“{hint}”？" if hint else "。")
                + f"可用类型：{'、'.join(dict.fromkeys(vocab.case_types.values()))}。", clean_text(v))

    # stages: several in one cell; only criminal matters have them
    order = {stage: i for i, stage in enumerate(vocab.criminal_stages)}

    def stage_cell(v):
        known, unknown = _categories(v, vocab.stages)
        return tuple(sorted(known, key=order.get)), unknown

    stage_raw = frame["诉讼阶段"].where(frame["诉讼阶段"].notna(), stage_from_type)
    parsed = _per_unique(stage_raw, stage_cell).tolist()
    stages = pd.Series([p[0] if p else () for p in parsed], index=frame.index, dtype=object)
    unknown_stage = pd.Series([p[1] if p else () for p in parsed], index=frame.index, dtype=object)
    criminal = frame["案件类型"] == vocab.criminal_type
    known_type = frame["案件类型"].notna()
    has_stage = pd.Series([bool(p) for p in stages.tolist()], index=frame.index)
    has_unknown = pd.Series([bool(p) for p in unknown_stage.tolist()], index=frame.index)
    for r, parts, is_criminal in zip(rows[has_unknown], unknown_stage[has_unknown], criminal[has_unknown]):
        for part in parts:
            hint = suggest(vocab.stages, part)
            out.add(ERROR if is_criminal else WARNING, r, "诉讼阶段",
                    f"无法识别的诉讼阶段“{part}”" + (f"，是否应为“{hint}”？" if hint else "。")
                    + f"可用阶段：{'、'.join(vocab.criminal_stages)}。", part)
    if "诉讼阶段" in out.header.columns:
        missing = criminal & ~has_stage & ~has_unknown
        for r in rows[missing]:
            out.add(ERROR, r, "诉讼阶段", "刑事案件未填写诉讼阶段，无法确定补贴标准。")
    stray = ~criminal & known_type & (has_stage | has_unknown)
    instance = stray & _mask(frame["诉讼阶段"], lambda v: v is not None and bool(split_list(v))
                             and all(compact(p) in vocab.instances for p in split_list(v)))
    for r, v in zip(rows[stray & ~instance & has_stage], frame["诉讼阶段"][stray & ~instance & has_stage]):
        out.add(WARNING, r, "诉讼阶段", f"非刑事案件填写了诉讼阶段“{clean_text(v)}”，计算时不考虑阶段。", clean_text(v))
    for pos in np.flatnonzero(instance.to_numpy()):
        v, t = clean_text(frame["诉讼阶段"].iat[pos]), frame["案件类型"].iat[pos]
        reading[pos] = f"阶段“{v}”是{t}案件的审级，不是刑事诉讼阶段，按{t}计"
    def everyday(raw):
        words = [f"“{p}”读作{lookup(vocab.stages, p)}" for p in split_list(raw)
                 if lookup(vocab.stages, p) and compact(p) not in (lookup(vocab.stages, p),
                                                                   lookup(vocab.stages, p) + "阶段")]
        return "阶段" + "、".join(words) if words else None

    said = per_distinct(frame["诉讼阶段"].tolist(), lambda v: None if v is None else everyday(v))
    for pos in np.flatnonzero((criminal & has_stage).to_numpy()):
        if said[pos]:
            reading[pos] = said[pos]
    frame["诉讼阶段"] = stages.where(~stray, other=pd.Series([()] * len(frame), index=frame.index, dtype=object))

    # optional categories
    for column, mapping in (("适用程序", vocab.procedures), ("案件质量", vocab.quality)):
        raw = frame[column]
        filled = _per_unique(raw, lambda v: bool(compact(v))).fillna(False).astype(bool)
        frame[column] = _per_unique(raw, lambda v: lookup(mapping, v))
        unknown = filled & frame[column].isna()
        for r, v in zip(rows[unknown], raw[unknown]):
            out.add(WARNING, r, column, f"无法识别的{column}“{clean_text(v)}”，按未填写处理。"
                    f"可用值：{'、'.join(dict.fromkeys(mapping.values()))}。", clean_text(v))

    groups = _per_unique(frame["特殊群体"], lambda v: _categories(v, vocab.special_groups)).tolist()
    for r, g in zip(rows, groups):
        for part in (g[1] if g else ()):
            out.add(WARNING, r, "特殊群体", f"无法识别的特殊群体“{part}”，未计入群体统计。", part)
    frame["特殊群体"] = pd.Series([g[0] if g else () for g in groups], index=frame.index, dtype=object)

    yes_no = _per_unique(frame["异地办案"], lambda v: _yes_no(v, vocab)).fillna("否")
    for r, v in zip(rows[yes_no == "?"], frame["异地办案"][yes_no == "?"]):
        out.add(WARNING, r, "异地办案", f"“{clean_text(v)}”不是“是/否”，按“否”处理。", clean_text(v))
    frame["异地办案"] = (yes_no == "是").astype(bool)

    # counts
    for column, default in (("受援人数", 1), ("值班天数", None)):
        values, errors = _map_unique(frame[column], _sane_count)
        for i, e in errors:
            out.add(ERROR, rows.iat[i], column, f"{column}{e}。", clean_text(frame[column].iat[i]))
        bad_negative = _mask(values, lambda n: n is not None and n < 0)
        for r, v in zip(rows[bad_negative], frame[column][bad_negative]):
            out.add(ERROR, r, column, f"{column}不能为负数。", clean_text(v))
        frame[column] = pd.Series([default if n is None else n for n in values.tolist()], index=values.index)

    # money (元) and dates
    for column in vocab.money_columns:
        values, errors = _map_unique(frame[column], _sane_amount)
        for i, e in errors:
            out.add(ERROR, rows.iat[i], column, f"金额无法识别：{e}。", clean_text(frame[column].iat[i]))
        negative = _mask(values, lambda a: a is not None and a < 0)
        for r, a in zip(rows[negative], values[negative]):
            out.add(ERROR, r, column, f"金额为负数（{a:,.2f}元），请核实。", f"{a:.2f}")
        frame[column] = values
    yearless = 0
    month_only = 0
    for column in vocab.date_columns:
        values, errors = _map_unique(frame[column], parse_date)
        for i, e in errors:
            raw = clean_text(frame[column].iat[i])
            whole_month = _month_only(compact(raw), last_day=column == "结案日期")
            if whole_month is not None:
                values.iat[i] = whole_month
                month_only += 1
                continue
            m = _MONTH_DAY.match(raw)
            if m and year:
                try:
                    values.iat[i] = dt.date(year, int(m.group(1)), int(m.group(2)))
                    yearless += 1
                    continue
                except ValueError:
                    pass
            out.add(ERROR, rows.iat[i], column, f"日期无法识别：{e}" + ("（表头上方的标题中也没有年份）" if m else "")
                    + "。", raw)
        frame[column] = values
    if yearless:
        readings.append(f"{yearless} 个日期没有写年份（如“3月5日”），按标题中的 {year} 年读取。")
    if month_only:
        readings.append(f"{month_only} 个日期只写了年月（如“2023年3月”），按当月读取（指派日期按 1 日、结案日期按月末）。")
    assigned = pd.to_datetime(frame["指派日期"], errors="coerce")
    closed = pd.to_datetime(frame["结案日期"], errors="coerce")
    reversed_dates = (closed < assigned).fillna(False).astype(bool)
    for r, a, b in zip(rows[reversed_dates], frame["指派日期"][reversed_dates], frame["结案日期"][reversed_dates]):
        out.add(ERROR, r, "结案日期", f"结案日期 {b:%Y-%m-%d} 早于指派日期 {a:%Y-%m-%d}。", f"{b:%Y-%m-%d}")

    # ID numbers: checked, never shown in full
    ids = _per_unique(frame["身份证号"], lambda v: compact(v).upper() or None, clean_is_same=True, spaces=False,
                      upper=True)
    suspect = ids.notna() & ~valid_ids(ids, today)
    problems = _per_unique(ids[suspect], lambda v: id_problem(v, today))
    for r, v, p in zip(rows[suspect], ids[suspect], problems):
        if p:
            out.add(WARNING, r, "身份证号", f"{p}。", mask_id(v))
    frame["身份证号"] = ids

    # duplicate case numbers: the first stays, later ones are excluded
    keys = _per_unique(frame["案号"], compact, clean_is_same=True, spaces=False)
    numbered = keys.notna()
    duplicate = numbered & keys.duplicated(keep="first")
    first_row = dict(zip(keys[numbered & ~duplicate], rows[numbered & ~duplicate]))
    for r, key, number in zip(rows[duplicate], keys[duplicate], frame["案号"][duplicate]):
        out.add(ERROR, r, "案号", f"案号“{number}”与第{first_row[key]}行重复，本行未计入。", number)
    frame["读法"] = pd.Series(reading, index=frame.index, dtype=object)
    read_as = sum(1 for r in reading if r)
    if read_as:
        readings.append(f"{read_as} 行的案件类型与阶段写在一格（如“刑事审判阶段”“民事一审”）或用了日常说法（如“起诉”），"
                        "已按词表读取，读法写在该行的“计算依据”中。")


def valid_ids(ids: pd.Series, today=None) -> pd.Series:
    """True for well-formed 18-digit ID numbers (check digit and birth date), vectorised; others need id_problem."""
    texts = ids.tolist()
    shaped = [t.__class__ is str and _ID_SHAPE.fullmatch(t) is not None for t in texts]
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


def _yes_no(value, vocab: Vocabulary) -> str:
    text = compact(value)
    if not text or text in vocab.no:
        return "否"
    if text in vocab.yes:
        return "是"
    return "?"


def column_aliases_from_sheet(sheet: RawSheet) -> dict[str, str]:
    """The user's 列名对照 sheet (their header | canonical column) as a dict."""
    result = {}
    for row in sheet.rows:
        cells = [clean_text(v) for v in row[:2]] + ["", ""]
        if cells[0] and cells[1] and cells[0] not in ("表中列名", "别名") and cells[1] not in ("标准列名",):
            result[cells[0]] = cells[1]
    return result
