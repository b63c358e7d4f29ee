"""A ledger workbook as a whole: which sheets hold the ledger, the user's 列名对照 and 补贴标准 sheets.

A year kept in several sheets (1月 … 12月, 一季度 …, one per station or lawyer) or in several files is ONE ledger:
every sheet whose header matches is read and combined, each row remembering its sheet and file; ledger-looking
sheets that are not combined are named with the reason. Pure functions over RawSheets, so the CLI (files) and the
Excel buttons (xlwings values) share them.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING, Finding
from toolkit.base.sheet import RawSheet
from toolkit.ledger.columns import object_series
from toolkit.ledger.parse import Ledger, column_aliases_from_sheet, parse_ledger
from toolkit.subsidy.standards import Standard, apply_sheet, load_standard
from toolkit.base.table import find_header
from toolkit.base.text import compact
from toolkit.ledger.summary import read_summary
from toolkit.ledger.summary_check import compare_summary
from toolkit.ledger.vocab import Vocabulary, default_vocabulary

ALIAS_SHEET = "列名对照"
STANDARD_SHEET = "补贴标准"
LEDGER_SHEET_NAMES = ("案件台账", "台账", "法律援助案件台账")
TOOLKIT_SHEETS = ("补贴汇总", "校验结果", "统计表", "绩效自评表", "处理日志")
# sheets of a ledger workbook that are something else (咨询登记, 绩效目标, the buttons' 上年台账 and 设置)
OTHER_SHEETS = ("咨询登记", "绩效目标", "上年台账", "参数", "设置", "月度统计", "律师统计", "律所统计")


def vocabulary_for(sheets: list[RawSheet]) -> Vocabulary:
    """The shipped vocabulary plus the user's 列名对照 sheet, if any."""
    vocab = default_vocabulary()
    for sheet in sheets:
        if sheet.name == ALIAS_SHEET:
            vocab = vocab.with_aliases(column_aliases_from_sheet(sheet))
    return vocab


def _where(file: str | None, sheet: str) -> str:
    return f"{file}「{sheet}」" if file else f"「{sheet}」"


class NoteLeftOut(tuple):
    """A (file, sheet, reason) left out of the ledger that is no problem (a summary sheet of totals): said in a note,
    never a finding."""


def _own_sheets(sheets: list[RawSheet]):
    return [s for s in sheets
            if s.name not in TOOLKIT_SHEETS and s.name not in (ALIAS_SHEET, STANDARD_SHEET, *OTHER_SHEETS)]


def _candidates(sheets: list[RawSheet], vocab: Vocabulary):
    """(sheet, header) of every sheet that looks like a ledger (3 known column names), in workbook order; a summary
    sheet of totals (toolkit.ledger.summary) is none, whatever its columns are called."""
    for sheet in _own_sheets(sheets):
        header = find_header(sheet, vocab.column_aliases, min_matches=3)
        if header is not None and read_summary(sheet, vocab) is not None:
            continue
        if header is not None:
            yield sheet, header


# a sheet is combined when its columns and the first sheet's mostly agree (shared / all ≥ this share): a month
# with one optional column more or less is still that ledger; a 律师名册 with three of its ten columns is not
SAME_LEDGER_SHARE = 0.7


def choose_sheets(books: list[tuple[str | None, list[RawSheet]]], name: str | None = None):
    """Which sheets of these workbooks make up the ledger: ([(file, sheet, vocabulary)], [(file, sheet, reason)] of
    the ledger-looking sheets left out, [remarks on combined sheets whose columns differ]).

    `name` picks that sheet (in each workbook that has it). Otherwise a sheet named 案件台账/台账 is the ledger of
    its workbook; else every sheet that looks like a ledger and has the same columns as the first one is combined.
    Sheets whose name says they are something else (汇总, 上年, 备份 …) are only used when nothing else is there.
    """
    chosen, left_out, plain, odd, remarks = [], [], [], [], []
    for file, sheets in books:
        vocab = vocabulary_for(sheets)
        by_name = {s.name: s for s in sheets}
        if name:
            if name in by_name:
                chosen.append((file, by_name[name], vocab))
            elif len(books) == 1:
                raise InputError(f"找不到工作表“{name}”。现有工作表：{'、'.join(by_name)}。", file=file)
            else:
                left_out.append((file, "", f"没有名为“{name}”的工作表"))
            continue
        found = list(_candidates(sheets, vocab))
        named = next((by_name[n] for n in LEDGER_SHEET_NAMES if n in by_name), None)
        if named is not None:
            chosen.append((file, named, vocab))
            for sheet, header in found:
                if sheet is not named and "案件类型" in header.columns:
                    left_out.append((file, sheet.name, f"工作簿中有名为“{named.name}”的工作表，只读取了它"
                                                       "（需要其他表时用 --sheet 指定）"))
            continue
        for sheet, header in found:
            if "案件类型" not in header.columns:
                left_out.append((file, sheet.name, "表头中没有“案件类型”列，不像案件台账"))
                continue
            word = next((w for w in vocab.not_combined_words if w in sheet.name), None)
            (odd if word else plain).append((file, sheet, vocab, header, word))
    if name:
        return chosen, left_out, remarks
    plain = _same_year(plain, left_out)
    if plain:
        for file, sheet, _, _, word in odd:
            left_out.append((file, sheet.name, f"工作表名含“{word}”，可能是其他表的汇总、上年数据或副本，未合并"
                                               "（如需使用请用 --sheet 指定）"))
        use = plain
    else:
        use = odd
    if use:
        reference = set(use[0][3].columns)
        first = _where(use[0][0], use[0][1].name)
        for file, sheet, vocab, header, _ in use:
            columns = set(header.columns)
            if columns != reference:
                missing, extra = reference - columns, columns - reference
                difference = "；".join(([f"缺少“{'、'.join(sorted(missing))}”列"] if missing else [])
                                      + ([f"多出“{'、'.join(sorted(extra))}”列"] if extra else []))
                required = all(c in columns for c in vocab.required_fields)
                if not required or len(columns & reference) / len(columns | reference) < SAME_LEDGER_SHARE:
                    left_out.append((file, sheet.name, f"表头与{first}不同（{difference}），未合并"
                                                       "（可用 --sheet 单独处理）"))
                    continue
                remarks.append(f"{_where(file, sheet.name)}的表头与{first}略有不同（{difference}），已合并；"
                               "该表缺少的列按空白处理。")
            chosen.append((file, sheet, vocab))
    return chosen, left_out, remarks


_SHEET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _same_year(found: list, left_out: list) -> list:
    """Sheets named after different years ("2022年", "2023年") are not one ledger: the latest year's are kept."""
    years = {i: int(m.group(1)) for i, item in enumerate(found) if (m := _SHEET_YEAR.search(item[1].name))}
    if len(set(years.values())) <= 1:
        return found
    latest = max(years.values())
    kept = []
    for i, item in enumerate(found):
        if years.get(i, latest) != latest:
            left_out.append((item[0], item[1].name, f"工作表名中的年份（{years[i]}）与其他表（{latest}）不同，"
                                                    "可能是往年的台账，未合并（如需使用请用 --sheet 指定）"))
        else:
            kept.append(item)
    return kept


def find_ledger_sheet(sheets: list[RawSheet], name: str | None = None, file: str | None = None,
                      vocab: Vocabulary | None = None) -> RawSheet:
    """The (first) ledger sheet of a workbook, by the rules of choose_sheets."""
    chosen = choose_sheets([(file, sheets)], name)[0]
    if not chosen:
        raise _no_ledger(sheets, file)
    return chosen[0][1]


def _no_ledger(sheets: list[RawSheet], file: str | None) -> InputError:
    return InputError("没有找到案件台账工作表：请把台账工作表命名为“案件台账”，或用 --sheet 指定。"
                      f"现有工作表：{'、'.join(s.name for s in sheets)}。", file=file)


def build_ledger(sheets: list[RawSheet], sheet_name: str | None = None, file: str | None = None) -> Ledger:
    """The ledger of a workbook given as RawSheets: one sheet, or every matching sheet combined."""
    return build_ledger_from_books([(file, sheets)], sheet_name)


def build_ledger_from_books(books: list[tuple[str | None, list[RawSheet]]], sheet_name: str | None = None,
                            left_out: list[tuple[str | None, str, str]] | None = None) -> Ledger:
    """The ledger kept in one or several workbooks ([(file name, sheets)]), combined into one.

    `left_out` adds files that could not be read at all ((file, "", reason)) to the summary."""
    chosen, skipped, remarks = choose_sheets(books, sheet_name)
    skipped = list(left_out or []) + skipped
    if not chosen:
        if len(books) == 1 and not left_out:
            raise _no_ledger(books[0][1], books[0][0])
        reasons = "；".join(f"{_where(f, s) if s else f}：{r}" for f, s, r in skipped)
        raise InputError("没有找到案件台账工作表" + (f"（{reasons}）" if reasons else "") + "。")
    parts = []
    for file, sheet, vocab in chosen:
        try:
            parts.append(_lawyer_from_sheet_name(parse_ledger(sheet, file, vocab), sheet, len(chosen)))
        except InputError as exc:
            if len(chosen) == 1:
                raise
            skipped.append((file, sheet.name, exc.message))
    if not parts:
        raise InputError("没有可用的台账工作表：" + "；".join(f"{_where(f, s)}：{r}" for f, s, r in skipped) + "。")
    parts = _without_copies(parts, skipped)
    ledger = combine(parts, skipped)
    ledger.notes[:0] = remarks
    if not sheet_name:
        _check_summaries(books, ledger)
    return ledger


def _check_summaries(books: list[tuple[str | None, list[RawSheet]]], ledger: Ledger) -> None:
    """Summary sheets of the workbooks: named in a note (left out, not a problem), their figures compared with the
    ledger's rows (a WARNING at each cell that does not agree). A ledger-shaped sheet left out for its name (全年汇总,
    总表 …) that repeats the combined rows exactly is said in a note too; one that does not, names its rows."""
    for file, sheets in books:
        vocab = vocabulary_for(sheets)
        by_name = {s.name: s for s in sheets}
        for i, item in enumerate(ledger.left_out):
            f, name, reason = item
            if f != file or name not in by_name or isinstance(item, NoteLeftOut):
                continue
            if reason.startswith("每一行都与"):      # a copy of rows already counted: no problem
                ledger.left_out[i] = NoteLeftOut(item)
            elif reason.startswith("工作表名含"):
                ledger.left_out[i] = _copy_or_not(by_name[name], file, vocab, ledger, item)
        for sheet in _own_sheets(sheets):
            summary = read_summary(sheet, vocab)
            if summary is None or any(p.sheet == sheet.name and p.file == file for p in ledger.pieces):
                continue
            findings, notes = compare_summary(summary, ledger, file)
            ledger.findings.extend(findings)
            ledger.left_out.append(NoteLeftOut((file, sheet.name, "".join(notes))))


def _copy_or_not(sheet: RawSheet, file, vocab: Vocabulary, ledger: Ledger, item):
    """The left-out item as a note when the sheet's rows are the combined rows (each once), else as it was, with a
    WARNING at each of its rows that is no row of the combined sheets (at the cell that differs, by 案号)."""
    try:
        copy = parse_ledger(sheet, file, vocab)
    except InputError:
        return item
    mine = pd.concat([copy.cases, copy.excluded], ignore_index=True)
    theirs = pd.concat([ledger.cases, ledger.excluded], ignore_index=True)
    theirs = theirs[theirs["file"].fillna("") == (file or "")] if "file" in theirs else theirs
    columns = sorted(c for c in mine.columns if c in theirs.columns and c not in _PLACE_COLUMNS)
    if not columns or mine.empty:
        return item
    sig = [tuple(str(v) for v in r) for r in mine[columns].itertuples(index=False)]
    pool: dict = {}
    for r in theirs[columns].itertuples(index=False):
        key = tuple(str(v) for v in r)
        pool[key] = pool.get(key, 0) + 1
    extra = []
    for i, key in enumerate(sig):
        if pool.get(key, 0):
            pool[key] -= 1
        else:
            extra.append(i)
    missing = sum(pool.values())
    where = _where(None, sheet.name)
    word = next((w for w in vocab.not_combined_words if w in sheet.name), "")
    if not extra and not missing:
        return NoteLeftOut((file, sheet.name, f"工作表名含“{word}”，是各表的汇总或副本：{len(sig)} 行与各表中的行"
                                              "逐行相同，不重复计入。"))
    if not any(w in word for w in ("汇总", "合计", "总计", "全年", "统计", "总表", "累计")):
        return item
    numbers = theirs.set_index(theirs["案号"].map(compact), drop=False) if "案号" in columns else None
    for i in extra:
        row = mine.iloc[i]
        other = None
        if numbers is not None and compact(row["案号"]) in numbers.index:
            other = numbers.loc[[compact(row["案号"])]].iloc[0]
        differs = [c for c in columns if other is not None and str(row[c]) != str(other[c])]
        if differs:
            place = _where(other["file"] if other["file"] != file else None, other["sheet"])
            text = "、".join(f"“{copy.label(c)}”" for c in differs)
            message = (f"汇总表{where}第{int(row['excel_row'])}行与{place}第{int(other['excel_row'])}行是同一案件"
                       f"（案号“{row['案号']}”），但{text}不同：请核对。汇总表本身不计入（按各表计算）。")
            column = copy.label(differs[0])
        else:
            message = (f"汇总表{where}第{int(row['excel_row'])}行在各表中没有相同的行：请核对是否漏登到各表，"
                       "或汇总表多出了这一行。汇总表本身不计入（按各表计算）。")
            column = None
        ledger.findings.append(Finding(WARNING, message, sheet.name, int(row["excel_row"]), column, None, file))
    if missing > len(extra):
        ledger.findings.append(Finding(WARNING, f"各表中有 {missing - len(extra)} 行不在汇总表{where}中：请核对汇总表"
                                                "是否漏了这些行。汇总表本身不计入（按各表计算）。",
                                       sheet.name, None, None, None, file))
    return NoteLeftOut((file, sheet.name, f"工作表名含“{word}”，是各表的汇总，不重复计入；与各表逐行比较，"
                                          "不一致之处见警告。"))


def _lawyer_from_sheet_name(part: Ledger, sheet: RawSheet, sheets: int) -> Ledger:
    """One sheet per lawyer with no 承办律师 column ("周文" titled "周文律师承办案件登记表"): the sheet names the lawyer."""
    if sheets < 2 or "承办律师" in part.header.columns or part.cases.empty:
        return part
    above = [compact(v) for r in sheet.rows[:part.header.header_rows[0]] for v in r if isinstance(v, str)]
    name = compact(sheet.name)
    if not name or not any(f"{name}律师" in t for t in above):
        return part
    part.cases["承办律师"] = object_series(sheet.name.strip(), part.cases.index)
    part.notes.append(f"「{sheet.name}」没有“承办律师”列，标题写明“{sheet.name}律师”，承办律师按工作表名填写。")
    return part


# columns of a read case that are where it was read, not what it says
_PLACE_COLUMNS = ("序号", "excel_row", "sheet", "file", "读法")


def _signatures(part: Ledger) -> list[tuple]:
    frame = pd.concat([part.cases, part.excluded], ignore_index=True)
    columns = sorted(c for c in frame.columns if c not in _PLACE_COLUMNS)
    return [tuple(str(v) for v in row) for row in frame[columns].itertuples(index=False)] if columns else []


def _without_copies(parts: list[Ledger], left_out: list) -> list[Ledger]:
    """Parts whose every row is also a row of the other sheets (a 总表 or a copy "1月 (2)" of month sheets) are not
    combined: they would count each case twice. The largest are looked at first, so the months are kept."""
    if len(parts) < 2:
        return parts
    signatures = [_signatures(p) for p in parts]
    kept = set(range(len(parts)))
    for i in sorted(range(len(parts)), key=lambda i: (-len(signatures[i]), -i)):
        if len(signatures[i]) < 2:
            continue
        others = {}
        for j in kept - {i}:
            for sig in signatures[j]:
                others[sig] = others.get(sig, 0) + 1
        need = {}
        for sig in signatures[i]:
            need[sig] = need.get(sig, 0) + 1
        if all(others.get(sig, 0) >= n for sig, n in need.items()):
            kept.discard(i)
            mine = set(signatures[i])
            where = "、".join(_where(parts[j].file, parts[j].sheet) for j in sorted(kept)
                             if mine.intersection(signatures[j]))
            left_out.append((parts[i].file, parts[i].sheet, f"每一行都与{where}中的行相同，可能是汇总或副本，"
                                                             "未合并（如需使用请用 --sheet 指定）"))
    return [p for i, p in enumerate(parts) if i in kept]


def combine(parts: list[Ledger], left_out: list[tuple[str | None, str, str]] | None = None) -> Ledger:
    """One ledger from per-sheet ledgers; a case number already used in an earlier sheet is an error there."""
    left_out = list(left_out or [])
    if len(parts) == 1:
        return replace(parts[0], left_out=left_out)
    cases = pd.concat([p.cases for p in parts], ignore_index=True)
    excluded = pd.concat([p.excluded for p in parts], ignore_index=True)
    findings = [f for p in parts for f in p.findings]
    keys = cases["案号"].map(lambda v: compact(v) if v is not None else None)
    duplicate = keys.notna() & keys.duplicated(keep="first")
    if duplicate.any():
        first = {}
        for k, sheet, file, row in zip(keys[~duplicate], cases["sheet"][~duplicate], cases["file"][~duplicate],
                                       cases["excel_row"][~duplicate]):
            if k is not None:
                first.setdefault(k, (file, sheet, row))
        for i in duplicate[duplicate].index:
            f0, s0, r0 = first[keys[i]]
            number = cases.at[i, "案号"]
            part = next(p for p in parts if p.sheet == cases.at[i, "sheet"] and p.file == cases.at[i, "file"])
            where = _where(f0 if f0 != part.file else None, s0)
            findings.append(Finding(ERROR, f"案号“{number}”与{where}第{r0}行重复，本行未计入。", part.sheet,
                                    int(cases.at[i, "excel_row"]), part.label("案号"), number, part.file))
        excluded = pd.concat([excluded, cases[duplicate]], ignore_index=True)
        cases = cases[~duplicate].reset_index(drop=True)
    order = {(p.file, p.sheet): i for i, p in enumerate(parts)}
    findings.sort(key=lambda f: (order.get((f.file, f.sheet), len(order)), f.row or 0, f.severity != ERROR))
    notes = [n for p in parts for n in p.notes]
    first = parts[0]
    return Ledger(cases=cases, excluded=excluded, findings=findings, header=first.header, sheet=first.sheet,
                  file=first.file, skipped_blank=sum(p.skipped_blank for p in parts),
                  skipped_totals=sum(p.skipped_totals for p in parts),
                  skipped_notes=sum(p.skipped_notes for p in parts), total_rows=[],
                  hidden_rows=[], notes=notes, parts=parts, left_out=left_out)


def part_view(ledger: Ledger, part: Ledger) -> Ledger:
    """The combined ledger's rows and findings of one sheet (cross-sheet duplicates included), as a Ledger."""
    if not ledger.parts:
        return ledger

    def mine(frame):
        return frame[(frame["sheet"] == part.sheet) & (frame["file"].fillna("") == (part.file or ""))] \
            .reset_index(drop=True)

    return replace(part, cases=mine(ledger.cases), excluded=mine(ledger.excluded),
                   findings=[f for f in ledger.findings if f.sheet == part.sheet and f.file == part.file],
                   parts=[], left_out=[])


def _natural(text: str):
    return [(int(t), "") if t.isdigit() else (0, t) for t in re.split(r"(\d+)", text)]


def natural_order(names):
    """File or sheet names in the order people number them: 2月 before 10月."""
    return sorted(names, key=lambda n: _natural(str(n)))


def combined_label(ledger: Ledger) -> str:
    """Where the ledger came from: '台账.xlsx「案件台账」' or '台账.xlsx 的 12 个工作表（1月 … 12月）'."""
    pieces = ledger.pieces
    files = list(dict.fromkeys(p.file for p in pieces))
    if len(pieces) == 1:
        return _where(pieces[0].file, pieces[0].sheet)
    names = [p.sheet for p in pieces] if len(files) == 1 else [_where(p.file, p.sheet) for p in pieces]
    span = f"{names[0]} … {names[-1]}" if len(names) > 3 else "、".join(names)
    return (f"{files[0] or '本工作簿'} 的 {len(pieces)} 个工作表（{span}）" if len(files) == 1
            else f"{len(files)} 个文件的 {len(pieces)} 个工作表（{span}）")


def combination_lines(ledger: Ledger) -> list[str]:
    """The summary lines: which sheets were combined, which were not and why, how the sheets were read."""
    lines = []
    pieces = ledger.pieces
    if len(pieces) > 1:
        multi = len({p.file for p in pieces}) > 1
        names = "、".join(_where(p.file, p.sheet) if multi else p.sheet for p in pieces)
        lines.append(f"合并了 {len(pieces)} 个工作表：{names}（各表行数："
                     + "、".join(f"{_where(p.file, p.sheet) if multi else p.sheet} {p.rows_read}" for p in pieces)
                     + "）。")
    for item in ledger.left_out:
        file, sheet, reason = item
        lines.append(f"未合并 {_where(file, sheet) if sheet else file}：{reason.rstrip('。')}。")
    if ledger.parts:   # remarks on the combination itself (a sheet whose columns differ a little)
        lines.extend(n for n in ledger.notes if not any(n in p.notes for p in pieces))
    multi = len({p.file for p in pieces}) > 1
    same: dict[str, list[str]] = {}     # the same note on every month sheet is said once
    for p in pieces:
        for n in p.notes:
            same.setdefault(n, []).append(_where(p.file if multi else None, p.sheet))
    for n, where in same.items():
        lines.append(("、".join(where) if len(where) <= 3 else f"{where[0]}…{where[-1]}等 {len(where)} 个表") + "：" + n)
    return lines


def left_out_findings(ledger: Ledger) -> list[Finding]:
    """A warning for every ledger-looking sheet or file that was not combined, with the reason."""

    return [Finding(WARNING, f"未合并到台账：{reason.rstrip('。')}。", sheet or None, None, None, None, file)
            for item in ledger.left_out if not isinstance(item, NoteLeftOut) for file, sheet, reason in [item]]


def build_standard(sheets: list[RawSheet], name_or_file: str | None = None, file: str | None = None) -> Standard:
    """The named standard, completed by the workbook's own 补贴标准 sheet if it has one."""
    standard = load_standard(name_or_file)
    for sheet in sheets:
        if sheet.name == STANDARD_SHEET:
            standard = apply_sheet(standard, sheet, file)
    return standard


def compute_by_sheet(ledger: Ledger, standard: Standard, level, ranges=None):
    """Subsidies of a (possibly combined) ledger, priced sheet by sheet so that every finding names its own sheet
    and row: (the whole SubsidyResult, {(file, sheet): (that sheet's Ledger view, its SubsidyResult)}).

    How a combined or everyday wording was read ("民事一审", "起诉") is added to the row's 计算依据. `ranges`
    (price_ranges of the whole ledger) is reused when the ledger is one sheet."""
    from toolkit.subsidy.compute import SubsidyResult, compute_subsidies

    by_sheet, frames, findings = {}, [], []
    for part in ledger.pieces:
        view = part_view(ledger, part)
        result = compute_subsidies(view.cases, standard, level, sheet=part.sheet, file=part.file,
                                   ranges=ranges if not ledger.parts else None)
        if "basis" in result.per_case and "读法" in view.cases and view.cases["读法"].notna().any():
            readings = view.cases["读法"].tolist()
            result.per_case["basis"] = object_series([f"{b}（{r}）" if r and b else b for b, r in
                                                      zip(result.per_case["basis"].tolist(), readings)],
                                                     result.per_case.index)
        by_sheet[(part.file, part.sheet)] = (view, result)
        if ledger.parts:
            index = result.per_case.index
            frames.append(result.per_case.assign(sheet=object_series(part.sheet, index),
                                                 file=object_series(part.file, index)))
        findings += result.findings
    if not ledger.parts:
        return next(iter(by_sheet.values()))[1], by_sheet
    whole = SubsidyResult(level, standard, pd.concat(frames, ignore_index=True), findings)
    return whole, by_sheet


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def output_sheet_names(ledger: Ledger) -> dict[tuple[str | None, str], str]:
    """A distinct Excel sheet name (≤ 31 characters) for every part of a ledger read from several files."""
    names, used = {}, set()
    files = {p.file for p in ledger.pieces}
    for p in ledger.pieces:
        stem = re.sub(r"\.[A-Za-z]+$", "", p.file or "")
        base = stem if len([q for q in ledger.pieces if q.file == p.file]) == 1 and len(files) > 1 else \
            (f"{stem}-{p.sheet}" if stem else p.sheet)
        base = _BAD_SHEET_CHARS.sub("_", base)[:31] or "台账"
        name, n = base, 2
        while name in used:
            name = f"{base[:31 - len(str(n)) - 2]}({n})"      # (10) and beyond: still ≤ 31 characters
            n += 1
        used.add(name)
        names[(p.file, p.sheet)] = name
    return names
