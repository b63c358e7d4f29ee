"""The case ledger (案件台账): from a raw sheet to one clean row per aided matter, plus findings.

Pure core: takes a RawSheet (already read), returns a Ledger. Bad rows are excluded from `cases` and listed as
findings; nothing stops the run except a sheet that has no recognisable ledger at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from toolkit.dates import parse_date
from toolkit.errors import InputError
from toolkit.findings import ERROR, WARNING, Finding
from toolkit.idcard import id_problem, mask_id
from toolkit.io.excel_read import RawSheet
from toolkit.money import parse_amount, parse_count
from toolkit.table import HeaderMatch, find_header
from toolkit.text import clean_text, compact
from toolkit.vocab import Vocabulary, default_vocabulary, lookup, suggest

TOTAL_WORDS = ("合计", "小计", "总计", "累计", "本页合计")
NOTE_PREFIXES = ("注", "备注", "说明", "制表", "填表", "审核", "负责人", "填报")
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

    @property
    def rows_read(self) -> int:
        return len(self.cases) + len(self.excluded)

    def label(self, canonical: str) -> str:
        """The user's own header text for a canonical column."""
        return self.header.label(canonical)


def split_list(value) -> list[str]:
    """'审查起诉、审判' → ['审查起诉', '审判']; empty → []."""
    text = clean_text(value)
    return [part for part in _LIST_SPLIT.split(text) if part] if text else []


def _is_total(cells) -> bool:
    for v in cells:
        t = compact(v)
        if t and (t in TOTAL_WORDS or any(t.startswith(w) for w in TOTAL_WORDS)):
            return True
    return False


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
    """Apply `parse` once per distinct value; returns (values, errors) Series (error text or None)."""
    cache = {}
    for v in series.dropna().unique():
        try:
            cache[v] = (parse(v), None)
        except ValueError as exc:
            cache[v] = (None, str(exc))
    values = series.map(lambda v: cache[v][0] if v in cache else None)
    errors = series.map(lambda v: cache[v][1] if v in cache else None)
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
    frame = pd.DataFrame({name: [row[c] if c < len(row) else None for row in data] for name, c in cols.items()},
                         dtype=object)
    frame["excel_row"] = range(start + 1, start + 1 + len(data))
    width = max((len(r) for r in data), default=0)

    # blank, total and note rows are not matters
    present = frame[list(cols)].map(lambda v: v is not None and clean_text(v) != "")
    blank = ~present.any(axis=1)
    totals = pd.Series([_is_total(row[: min(width, 4)]) for row in data], index=frame.index, dtype=bool) & ~blank
    first_text = frame[list(cols)].apply(lambda r: next((clean_text(v) for v in r if v is not None and clean_text(v)), ""),
                                         axis=1) if len(frame) else pd.Series(dtype=object)
    notes = (~blank & ~totals & (present.sum(axis=1) <= 2)
             & first_text.map(lambda t: t.startswith(NOTE_PREFIXES))) if len(frame) else blank
    total_rows = frame.loc[totals, "excel_row"].tolist()
    frame = frame[~(blank | totals | notes)].copy()

    _normalise(frame, vocab, out, today)
    frame = frame.reset_index(drop=True)
    bad = frame["excel_row"].isin(out.bad_rows)
    out.findings.sort(key=lambda f: (f.row or 0, 0 if f.severity == ERROR else 1))
    return Ledger(cases=frame[~bad].reset_index(drop=True), excluded=frame[bad].reset_index(drop=True),
                  findings=out.findings, header=header, sheet=sheet.name, file=file,
                  skipped_blank=int(blank.sum()), skipped_totals=int(totals.sum()), skipped_notes=int(notes.sum()),
                  total_rows=total_rows)


def _ensure(frame: pd.DataFrame, column: str, default=None):
    if column not in frame:
        frame[column] = default


def _normalise(frame: pd.DataFrame, vocab: Vocabulary, out: _Collector, today) -> None:
    for column in vocab.canonical_columns:
        _ensure(frame, column)
    rows = frame["excel_row"]

    for column in TEXT_COLUMNS:
        frame[column] = frame[column].map(lambda v: clean_text(v) or None if v is not None else None)

    # required fields
    for column in vocab.required_fields:
        if column in out.header.columns:
            for r in rows[frame[column].isna()]:
                out.add(ERROR, r, column, f"必填项“{out.header.label(column)}”为空。")

    # case type (刑事附带民事 is 刑事 with a flag)
    raw_type = frame["案件类型"]
    frame["附带民事"] = raw_type.map(lambda v: "附带民事" in compact(v) if v is not None else False).astype(bool)
    frame["案件类型"] = raw_type.map(lambda v: lookup(vocab.case_types, v) if v is not None else None)
    for r, v in zip(rows[raw_type.notna() & frame["案件类型"].isna()], raw_type[raw_type.notna() & frame["案件类型"].isna()]):
        if not compact(v):
            out.add(ERROR, r, "案件类型", "必填项“案件类型”为空。")
            continue
        hint = suggest(vocab.case_types, v)
        out.add(ERROR, r, "案件类型", f"无法识别的案件类型“{clean_text(v)}”" + (f"，是否应为“{hint}”？" if hint else "。")
                + f"可用类型：{'、'.join(dict.fromkeys(vocab.case_types.values()))}。", clean_text(v))

    # stages: several in one cell; only criminal matters have them
    criminal = frame["案件类型"] == vocab.criminal_type
    stage_lists, stage_cells = [], frame["诉讼阶段"]
    for r, v, is_criminal, known_type in zip(rows, stage_cells, criminal, frame["案件类型"].notna()):
        parts = split_list(v)
        stages = []
        for part in parts:
            stage = lookup(vocab.stages, part)
            if stage is None:
                hint = suggest(vocab.stages, part)
                out.add(ERROR if is_criminal else WARNING, r, "诉讼阶段",
                        f"无法识别的诉讼阶段“{part}”" + (f"，是否应为“{hint}”？" if hint else "。")
                        + f"可用阶段：{'、'.join(vocab.criminal_stages)}。", part)
            elif stage not in stages:
                stages.append(stage)
        if is_criminal and not parts and "诉讼阶段" in out.header.columns:
            out.add(ERROR, r, "诉讼阶段", "刑事案件未填写诉讼阶段，无法确定补贴标准。")
        if not is_criminal and stages and known_type:
            out.add(WARNING, r, "诉讼阶段", f"非刑事案件填写了诉讼阶段“{clean_text(v)}”，计算时不考虑阶段。", clean_text(v))
            stages = []
        stage_lists.append(tuple(sorted(stages, key=vocab.criminal_stages.index)))
    frame["诉讼阶段"] = stage_lists

    # optional categories
    for column, mapping in (("适用程序", vocab.procedures), ("案件质量", vocab.quality)):
        raw = frame[column]
        frame[column] = raw.map(lambda v: lookup(mapping, v) if v is not None and compact(v) else None)
        unknown = raw.notna() & raw.map(lambda v: bool(compact(v))) & frame[column].isna()
        for r, v in zip(rows[unknown], raw[unknown]):
            out.add(WARNING, r, column, f"无法识别的{column}“{clean_text(v)}”，按未填写处理。"
                    f"可用值：{'、'.join(dict.fromkeys(mapping.values()))}。", clean_text(v))

    group_lists = []
    for r, v in zip(rows, frame["特殊群体"]):
        groups = []
        for part in split_list(v):
            group = lookup(vocab.special_groups, part)
            if group is None:
                out.add(WARNING, r, "特殊群体", f"无法识别的特殊群体“{part}”，未计入群体统计。", part)
            elif group not in groups:
                groups.append(group)
        group_lists.append(tuple(groups))
    frame["特殊群体"] = group_lists

    yes_no = frame["异地办案"].map(lambda v: _yes_no(v, vocab))
    for r, v in zip(rows[yes_no == "?"], frame["异地办案"][yes_no == "?"]):
        out.add(WARNING, r, "异地办案", f"“{clean_text(v)}”不是“是/否”，按“否”处理。", clean_text(v))
    frame["异地办案"] = (yes_no == "是").astype(bool)

    # counts
    for column, default in (("受援人数", 1), ("值班天数", None)):
        values, errors = _map_unique(frame[column], parse_count)
        for r, v, e in zip(rows[errors.notna()], frame[column][errors.notna()], errors[errors.notna()]):
            out.add(ERROR, r, column, f"{column}{e}。", clean_text(v))
        bad_negative = values.map(lambda n: n is not None and n < 0)
        for r, v in zip(rows[bad_negative], frame[column][bad_negative]):
            out.add(ERROR, r, column, f"{column}不能为负数。", clean_text(v))
        frame[column] = values.map(lambda n: default if n is None else n)

    # money (元) and dates
    for column in vocab.money_columns:
        values, errors = _map_unique(frame[column], parse_amount)
        for r, v, e in zip(rows[errors.notna()], frame[column][errors.notna()], errors[errors.notna()]):
            out.add(ERROR, r, column, f"金额无法识别：{e}。", clean_text(v))
        negative = values.map(lambda a: a is not None and a < 0)
        for r, v in zip(rows[negative], frame[column][negative]):
            out.add(ERROR, r, column, f"金额为负数（{clean_text(v)}），请核实。", clean_text(v))
        frame[column] = values
    for column in vocab.date_columns:
        values, errors = _map_unique(frame[column], parse_date)
        for r, v, e in zip(rows[errors.notna()], frame[column][errors.notna()], errors[errors.notna()]):
            out.add(ERROR, r, column, f"日期无法识别：{e}。", clean_text(v))
        frame[column] = values
    reversed_dates = frame["指派日期"].notna() & frame["结案日期"].notna()
    reversed_dates &= frame.apply(lambda x: x["结案日期"] is not None and x["指派日期"] is not None
                                  and x["结案日期"] < x["指派日期"], axis=1) if len(frame) else reversed_dates
    for r, a, b in zip(rows[reversed_dates], frame["指派日期"][reversed_dates], frame["结案日期"][reversed_dates]):
        out.add(ERROR, r, "结案日期", f"结案日期 {b:%Y-%m-%d} 早于指派日期 {a:%Y-%m-%d}。", f"{b:%Y-%m-%d}")

    # ID numbers: checked, never shown in full
    ids = frame["身份证号"].map(lambda v: compact(v).upper() or None if v is not None else None)
    problems, _ = _map_unique(ids, lambda v: id_problem(v, today))
    for r, v, p in zip(rows[problems.notna()], ids[problems.notna()], problems[problems.notna()]):
        out.add(WARNING, r, "身份证号", f"{p}。", mask_id(v))
    frame["身份证号"] = ids

    # duplicate case numbers: the first stays, later ones are excluded
    numbered = frame["案号"].notna()
    first_seen = {}
    for r, number in zip(rows[numbered], frame["案号"][numbered]):
        key = compact(number)
        if key in first_seen:
            out.add(ERROR, r, "案号", f"案号“{number}”与第{first_seen[key]}行重复，本行未计入。", number)
        else:
            first_seen[key] = r


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
