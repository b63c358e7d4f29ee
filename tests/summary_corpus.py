"""A corpus of ledger workbooks that also hold a summary sheet (汇总 / 合计 / 全年汇总 / 统计 …), and of station
statistics forms whose money is written as text with a unit — the way finance officers really keep them.

Ledger workbooks: the matters are generated here and priced by hand (not by the toolkit); they are laid out as twelve
month sheets (1月 / 2023年1月 / 一月), four quarter sheets or one sheet, each with a merged title row and a 合计 row;
beside them a summary sheet of totals by case type, by month, months × types, or a row-by-row copy of the year, named
as people name them, first or last, sometimes hidden, with plain numbers, with formulas holding their results (as
Excel saves them) or with formulas never calculated, money in 元 or 万元. A "slip" changes one figure of the summary
(or one row of the copy): it must be found once, at its cell; a clean workbook must give no finding at all.

Statistics forms: one station's monthly form with 挽回经济损失 / 讨薪金额 written "3.5万元", "35,000元", "3.5 万",
"叁万伍仟元", under labels in 元 or 万元; the expected amounts in 元 are computed here. A slip writes a money cell
as text no reader can take ("约2万"): one error at that cell.

`python tests/summary_corpus.py FOLDER` writes the corpus to look at; `--measure` prints precision and recall.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import xlsxwriter

HEADER = ["序号", "案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "补贴金额"]
TYPES = ["刑事", "民事", "行政", "仲裁"]
# Hunan minimum, by hand: criminal stages add up
PRICE = {"侦查": 800, "审查起诉": 800, "审判": 1500, "民事": 1500, "行政": 1500, "仲裁": 1500}
STAGES = [("审判",), ("侦查",), ("审查起诉", "审判"), ("审查起诉",)]
LAWYERS = [("周文", "楚天律师事务所"), ("吴丽", "潇湘律师事务所"), ("郑刚", "楚天律师事务所")]
CN_MONTHS = "一二三四五六七八九十"
TOTAL = "total"                      # a figure that is a 合计 of others
INNER = "合计本身算错"                # what a finding says of a 合计 that does not add up its own parts
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]


def _cn_month(m: int) -> str:
    return {10: "十", 11: "十一", 12: "十二"}.get(m) or CN_MONTHS[m - 1]


def matters(seed: int, n: int, lawyers=LAWYERS) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        t = rnd.choice(TYPES)
        stages = rnd.choice(STAGES) if t == "刑事" else ()
        lawyer, firm = rnd.choice(lawyers)
        month = 1 + i * 12 // n
        amount = sum(PRICE[s] for s in stages) if t == "刑事" else PRICE[t]
        out.append({"no": f"(2023)湘援字第{seed}{i + 1:03d}号", "person": f"受援人{i + 1}", "type": t, "stages": stages,
                    "lawyer": lawyer, "firm": firm, "month": month, "day": 1 + rnd.randrange(27), "amount": amount})
    return out


@dataclass
class Book:
    name: str
    path: Path
    cases: int                       # rows the ledger counts
    total: Decimal                   # their 补贴金额 written in the ledger
    summary: str                     # the summary sheet's name
    slips: list[tuple[str, int]] = field(default_factory=list)   # (sheet, row) where a finding must be
    checked: bool = True             # the summary's figures can be compared (not uncalculated formulas)
    kind: str = "figure"             # what was slipped, for measuring per kind (clean books: "clean")
    says: str | None = None          # words the finding's message must hold (a 合计 slip is said as one)


def _ledger_sheets(layout: str, ms: list[dict], month_names: str) -> list[tuple[str, list[dict]]]:
    if layout == "months":
        name = {"plain": lambda m: f"{m}月", "year": lambda m: f"2023年{m}月", "cn": lambda m: f"{_cn_month(m)}月"}
        return [(name[month_names](m), [x for x in ms if x["month"] == m]) for m in range(1, 13)]
    if layout == "quarters":
        return [(QUARTERS[q], [x for x in ms if (x["month"] - 1) // 3 == q]) for q in range(4)]
    return [("台账", ms)]


def _write_ledger_sheet(book, ws, title: str, rows: list[dict], fmt) -> list[int]:
    """Title merged over the header, the header, one row per matter, a 合计 row with a SUM holding its result."""
    ws.merge_range(0, 0, 0, len(HEADER) - 1, title, fmt["title"])
    ws.write_row(1, 0, HEADER, fmt["head"])
    out = []
    for i, m in enumerate(rows):
        r = 2 + i
        ws.write_row(r, 0, [i + 1, m["no"], m["person"], m["written_type"], "、".join(m["stages"]) or None,
                            m["lawyer"], m["firm"], f"2023-{m['month']:02d}-{m['day']:02d}"])
        ws.write_number(r, 8, m["amount"])
        out.append(r + 1)
    last = 2 + len(rows)
    ws.write(last, 0, "合计")
    ws.write_formula(last, 8, f"=SUM(I3:I{last})", None, sum(m["amount"] for m in rows))
    return out


def _figure(ws, r, c, value, formula: str | None, values: str, fmt=None):
    """A figure as a number, a formula with its result, or a formula never calculated: saved without a value, as
    openpyxl and other programs save it (Excel and WPS always save the result), which the reader gives as blank."""
    if values == "plain" or formula is None:
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_formula(r, c, formula, fmt, value if values == "formulas" else "")


def ledger_book(folder: Path, seed: int, layout: str, kind: str, name: str, first: bool, hidden: bool,
                values: str, unit: str, slip: bool, month_names: str = "plain", ledger_slip: bool = False,
                slip_kind: str = "figure") -> Book:
    """One workbook; see the module doc for the choices. `slip_kind`: "figure" changes any figure, "total" a 合计
    cell only (the summary's own sum no longer adds up), "zero" types 0 over a figure the ledger has cases for."""
    rnd = random.Random(seed * 7 + 1)
    ms = matters(seed, 24 + seed % 13)
    for m in ms:
        m["written_type"] = m["type"]
    slips = []
    if ledger_slip:                  # a typo in one row's type: an error at that row, and no summary warning for it
        victim = next(m for m in ms[5:] if m["type"] == "民事")
        victim["written_type"] = "民亊"
    parts = _ledger_sheets(layout, ms, month_names)
    path = folder / f"s{seed}_{layout}_{kind}_{name}_{'first' if first else 'last'}_{values}_{unit}" \
                    f"{'_hidden' if hidden else ''}{'_slip' if slip else ''}{'_' + slip_kind if slip and slip_kind != 'figure' else ''}" \
                    f"{'_typo' if ledger_slip else ''}.xlsx"
    book = xlsxwriter.Workbook(str(path))
    fmt = {"title": book.add_format({"bold": True, "align": "center"}), "head": book.add_format({"bold": True}),
           "wan": book.add_format({"num_format": "0.00"})}
    summary = book.add_worksheet(name) if first else None
    where = {}
    for sheet_name, rows in parts:
        ws = book.add_worksheet(sheet_name)
        for m, row in zip(rows, _write_ledger_sheet(book, ws, f"2023年{sheet_name}法律援助案件台账", rows, fmt)):
            where[id(m)] = (sheet_name, row)
    if ledger_slip:
        slips.append(where[id(victim)])
    if summary is None:
        summary = book.add_worksheet(name)
    if hidden:
        summary.hide()
    book.worksheets()[-1 if first else 0].activate()
    scale = 10000 if unit == "万元" else 1
    money_head = "补贴金额（万元）" if unit == "万元" else "补贴金额"

    def money(v):
        return float(Decimal(v) / scale) if scale != 1 else v

    def countif(criteria: str, column: str = "D") -> str:
        return "=" + "+".join(f"COUNTIF('{s}'!{column}:{column},{criteria})" for s, _ in parts)

    def sumif(criteria: str) -> str:
        div = "/10000" if scale != 1 else ""
        return "=(" + "+".join(f"SUMIF('{s}'!D:D,{criteria},'{s}'!I:I)" for s, _ in parts) + f"){div}"

    cells = []                                            # (row0, col0, kind) of every figure, for the slip
    if kind == "copy":
        rows = _write_ledger_sheet(book, summary, "2023年全年案件", ms, fmt)
        if slip:
            i = rnd.randrange(len(ms))
            summary.write_number(rows[i] - 1, 8, ms[i]["amount"] + 100)
            slips.append((name, rows[i]))
    else:
        summary.merge_range(0, 0, 0, 5, f"2023年法律援助案件{name}", fmt["title"])
        top = 1
        if unit == "万元" and seed % 2:                  # the unit said above the table instead of in the header
            summary.write(1, 0, "单位：件、万元")
            money_head, top = "补贴金额", 2
        written = [m["written_type"] for m in ms]
        if kind == "type":
            persons = seed % 2 == 0          # a 受援人数 column too: three ledger column names in the header
            summary.write_row(top, 0, [["案件类型", "类别", "项目"][seed % 3], ["件数", "案件数", "数量"][seed % 3],
                                       money_head] + (["受援人数"] if persons else []), fmt["head"])
            lines = [(t, [m for m, w in zip(ms, written) if w == t]) for t in TYPES]
            for i, (t, rows) in enumerate(lines):
                r = top + 1 + i
                summary.write(r, 0, t)
                _figure(summary, r, 1, len(rows), countif(f"A{r + 1}"), values)
                _figure(summary, r, 2, money(sum(m["amount"] for m in rows)), sumif(f"A{r + 1}"), values, fmt["wan"])
                if persons:
                    _figure(summary, r, 3, len(rows), countif(f"A{r + 1}"), values)
                cells += [(r, 1, "count", len(rows)), (r, 2, "money", len(rows))]
            r = top + 1 + len(lines)
            summary.write(r, 0, "合计")
            _figure(summary, r, 1, len(ms), f"=SUM(B{top + 2}:B{r})", values)
            _figure(summary, r, 2, money(sum(m["amount"] for m in ms)), f"=SUM(C{top + 2}:C{r})", values, fmt["wan"])
            cells += [(r, 1, "count", TOTAL), (r, 2, "money", TOTAL)]
        elif kind == "month":
            summary.write_row(top, 0, ["月份", "案件数", money_head], fmt["head"])
            for m in range(1, 13):
                r = top + m
                rows = [x for x in ms if x["month"] == m]
                summary.write(r, 0, f"{m}月" if seed % 2 else f"{_cn_month(m)}月")
                _figure(summary, r, 1, len(rows), None, values)
                _figure(summary, r, 2, money(sum(x["amount"] for x in rows)), None, values, fmt["wan"])
                cells += [(r, 1, "count", len(rows)), (r, 2, "money", len(rows))]
            r = top + 13
            summary.write(r, 0, "合计")
            _figure(summary, r, 1, len(ms), f"=SUM(B{top + 2}:B{r})", values)
            _figure(summary, r, 2, money(sum(x["amount"] for x in ms)), f"=SUM(C{top + 2}:C{r})", values, fmt["wan"])
            cells += [(r, 1, "count", TOTAL), (r, 2, "money", TOTAL)]
        else:                                             # months down, types across
            summary.write_row(top, 0, ["月份", *TYPES, "合计"], fmt["head"])
            for m in range(1, 13):
                r = top + m
                rows = [x for x in ms if x["month"] == m]
                summary.write(r, 0, f"{m}月")
                for c, t in enumerate(TYPES, start=1):
                    n = sum(1 for x in rows if x["written_type"] == t)
                    _figure(summary, r, c, n, None, values)
                    cells.append((r, c, "count", n))
                _figure(summary, r, 5, len(rows), f"=SUM(B{r + 1}:E{r + 1})", values)
                cells.append((r, 5, "count", TOTAL))
        if slip:
            pool = {"figure": cells, "total": [x for x in cells if x[3] is TOTAL],
                    "zero": [x for x in cells if x[3] is not TOTAL and x[3] > 0]}[slip_kind]
            r, c, what, _ = rnd.choice(pool)
            value = 0 if slip_kind == "zero" else _slipped(ms, parts, kind, r - top, c, what, written, scale,
                                                           1000 if slip_kind == "total" else 100)
            summary.write_number(r, c, value)
            slips.append((name, r + 1))
    book.close()
    typo = 1 if ledger_slip else 0
    return Book(path.name, path, len(ms) - typo, Decimal(sum(m["amount"] for m in ms if m["written_type"] in TYPES)),
                name, slips, values != "uncalculated" or kind == "copy",
                slip_kind if slip else "typo" if ledger_slip else "clean", INNER if slip_kind == "total" else None)


def _slipped(ms, parts, kind, line, col, what, written, scale, more=100):
    """The figure at a summary cell, changed: one case more, or `more` 元 more (100 元: 0.01 万元)."""
    if kind == "type":
        rows = ms if line > len(TYPES) else [m for m, w in zip(ms, written) if w == TYPES[line - 1]]
    elif kind == "month":
        rows = ms if line > 12 else [m for m in ms if m["month"] == line]
    else:
        rows = [m for m in ms if m["month"] == line]
        if col <= len(TYPES):
            rows = [m for m in rows if m["written_type"] == TYPES[col - 1]]
    if what == "count":
        return len(rows) + 1
    total = Decimal(sum(m["amount"] for m in rows)) + more
    return float(total / scale)


NAMES = ["汇总", "合计", "全年汇总", "统计", "分类统计", "Sheet2"]
KINDS = ["type", "month", "cross", "copy"]
LAYOUTS = ["months", "quarters", "single"]


def ledger_corpus(folder: Path, size: int = 48) -> list[Book]:
    """`size` clean workbooks, each also with one slip in its summary; and a few with a typo in the ledger itself."""
    folder.mkdir(parents=True, exist_ok=True)
    books = []
    for i in range(size):
        rnd = random.Random(1000 + i)
        layout, kind = LAYOUTS[i % 3], KINDS[(i // 3) % 4]
        if kind == "copy" and layout == "single":
            layout = "months"
        choice = dict(layout=layout, kind=kind, name=NAMES[i % len(NAMES)] if kind != "copy" else
                      ["全年汇总", "汇总", "总表"][i % 3], first=bool(rnd.randrange(2)), hidden=rnd.random() < 0.3,
                      values=["plain", "formulas", "uncalculated"][i % 3] if kind != "copy" else "plain",
                      unit="万元" if kind in ("type", "month") and rnd.random() < 0.4 else "元",
                      month_names=["plain", "year", "cn"][i % 3])
        books.append(ledger_book(folder, i, slip=False, **choice))
        books.append(ledger_book(folder, i, slip=True, **choice))
        if i % 8 == 0 and kind in ("type", "month"):
            books.append(ledger_book(folder, i, slip=False, ledger_slip=True, **choice))
    return books


# ---------------------------------------------------------------- summaries by lawyer / by law firm

# the centre's panel: lawyers and the firm each works for (a lawyer of the centre itself names the centre)
STAFF = [("周文", "楚天律师事务所"), ("吴丽", "潇湘律师事务所"), ("郑刚", "楚天律师事务所"), ("欧阳明", "湘江律师事务所"),
         ("李娜", "潇湘律师事务所"), ("王建国", "县法律援助中心"), ("陈静", "湘江律师事务所")]
NAME_HEADS = {"lawyer": ["承办律师", "承办人", "律师姓名", "律师"], "firm": ["律师事务所", "律所", "承办机构", "律师事务所名称"]}
COUNT_HEADS = ["件数", "办案件数", "案件数", "承办件数"]
MONEY_HEADS = ["补贴金额", "补贴金额（元）", "办案补贴", "应发补贴"]
STAFF_NAMES = ["律师补贴汇总", "承办律师汇总", "按律师统计", "律所汇总", "补贴发放汇总", "Sheet3"]
STAFF_SLIPS = ["part", "total", "extra", "missing", "zero"]


def _spaced(name: str, k: int) -> str:
    """A name as clerks type it: now and then with a space, a full-width space or a trailing blank."""
    return [name, name[0] + " " + name[1:], name[0] + "\u3000" + name[1:], name + " "][k % 4]


def staff_book(folder: Path, seed: int, by: str, layout: str, values: str, slip: str | None) -> Book:
    """A ledger with a summary of 件数 / 补贴金额 per lawyer or per firm (the table a centre pays lawyers from).

    Varied by the seed: the sheet's name and place, a 序号 column, a firm column beside the lawyer, which measures
    (件数, 补贴金额 or both, in either order), header wordings, names typed with spaces, a unit line, a 合计 row (its
    label in the name or the 序号 column) or none, the table moved one column right, a note line below. `slip`:
    "part" one name's figure changed, "total" the 合计 changed (the summary's own sum is wrong), "extra" a name the
    ledger does not have, "missing" a name of the ledger left out (the 合计 is the sum of the others), "zero" a
    name's figure typed as 0."""
    rnd = random.Random(seed * 11 + 3)
    panel = STAFF[:4 + seed % 4]
    ms = matters(seed, 20 + seed % 17, panel)
    for m in ms:
        m["written_type"] = m["type"]
    parts = _ledger_sheets(layout, ms, ["plain", "year", "cn"][seed % 3])
    name = STAFF_NAMES[seed % len(STAFF_NAMES)]
    path = folder / f"p{seed}_{by}_{layout}_{values}_{slip or 'clean'}.xlsx"
    book = xlsxwriter.Workbook(str(path))
    fmt = {"title": book.add_format({"bold": True, "align": "center"}), "head": book.add_format({"bold": True})}
    first = seed % 3 == 0
    summary = book.add_worksheet(name) if first else None
    for sheet_name, rows in parts:
        ws = book.add_worksheet(sheet_name)
        _write_ledger_sheet(book, ws, f"2023年{sheet_name}法律援助案件台账", rows, fmt)
    if summary is None:
        summary = book.add_worksheet(name)
    key = "lawyer" if by == "lawyer" else "firm"
    groups: dict[str, list[dict]] = {}
    for m in ms:
        groups.setdefault(m[key], []).append(m)
    names = sorted(groups, key=lambda n: -len(groups[n])) if seed % 2 else list(groups)
    numbered, firm_col = seed % 3 != 1, by == "lawyer" and seed % 4 in (1, 2)
    measures = [["count", "money"], ["money", "count"], ["count"], ["money"]][seed % 4 if seed % 5 else 0]
    if slip == "zero" and len(measures) == 1 and measures[0] == "money":
        measures = ["money", "count"]
    left = seed % 5 == 3                               # the table starts in column B
    heads = ((["序号"] if numbered else []) + [NAME_HEADS[by][seed % 4]] + (["所属律所"] if firm_col else [])
             + [COUNT_HEADS[seed % 4] if m == "count" else MONEY_HEADS[(seed // 2) % 4] for m in measures])
    c0 = 1 if left else 0
    name_col = c0 + (1 if numbered else 0)
    first_measure = name_col + (2 if firm_col else 1)
    summary.merge_range(0, c0, 0, c0 + len(heads) - 1,
                        f"2023年度法律援助案件{'承办律师' if by == 'lawyer' else '律师事务所'}补贴汇总表", fmt["title"])
    top = 1
    if seed % 3 == 2:
        summary.write(1, c0, "填报单位：县法律援助中心    单位：件、元")
        top = 2
    summary.write_row(top, c0, heads, fmt["head"])
    lines = [(n, len(groups[n]), sum(m["amount"] for m in groups[n])) for n in names]
    if slip == "missing":
        lines.pop(rnd.randrange(len(lines)))
    if slip == "extra":
        lines.insert(rnd.randrange(len(lines) + 1), ("刘洋" if by == "lawyer" else "星城律师事务所", 2, 3000))
    total_row = seed % 6 != 5 or slip == "total"
    slips = []
    r = top
    for i, (n, count, amount) in enumerate(lines):
        r = top + 1 + i
        if numbered:
            summary.write_number(r, c0, i + 1)
        summary.write(r, name_col, _spaced(n, seed + i))
        if firm_col:
            summary.write(r, name_col + 1, dict(STAFF).get(n, "星城律师事务所"))
        col = {"count": ("F", count), "money": ("I", amount)}
        for j, m in enumerate(measures):
            letter, value = col[m]
            formula = (f"=COUNTIF('{parts[0][0]}'!{'F' if by == 'lawyer' else 'G'}:{'F' if by == 'lawyer' else 'G'},"
                       f"\"{n}\")" if m == "count" else
                       f"=SUMIF('{parts[0][0]}'!{'F' if by == 'lawyer' else 'G'}:{'F' if by == 'lawyer' else 'G'},"
                       f"\"{n}\",'{parts[0][0]}'!I:I)")
            _figure(summary, r, first_measure + j, value, formula, values)
        if (n, slip) == ("刘洋" if by == "lawyer" else "星城律师事务所", "extra"):
            slips.append((name, r + 1))
    victim = rnd.randrange(len(lines))
    which = rnd.randrange(len(measures))
    if slip in ("part", "zero"):
        n, count, amount = lines[victim]
        value = {"count": count + 1, "money": amount + 100}[measures[which]] if slip == "part" else 0
        summary.write_number(top + 1 + victim, first_measure + which, value)
        slips.append((name, top + 2 + victim))
    header_row = top
    if total_row:
        r = top + 1 + len(lines)
        summary.write(r, c0 if numbered and seed % 2 else name_col, ["合计", "总计", "合  计"][seed % 3])
        for j, m in enumerate(measures):
            value = sum(x[1 if m == "count" else 2] for x in lines)
            letter = chr(ord("A") + first_measure + j)
            if slip == "total" and j == which:
                value += 1 if m == "count" else 500
            _figure(summary, r, first_measure + j, value, f"=SUM({letter}{top + 2}:{letter}{r})",
                    "plain" if slip == "total" else values)
        if slip in ("total", "missing"):
            slips.append((name, r + 1))
    elif slip == "missing":
        slips.append((name, header_row + 1))
    if seed % 4 == 3:
        summary.write(r + 2, c0, "制表：财务室    审核：主任")
    book.close()
    return Book(path.name, path, len(ms), Decimal(sum(m["amount"] for m in ms)), name, slips,
                values != "uncalculated", f"{by}:{slip}" if slip else f"{by}:clean", INNER if slip == "total" else None)


def staff_corpus(folder: Path, size: int = 24) -> list[Book]:
    """`size` clean workbooks per lawyer / per firm, each also with each kind of slip."""
    folder.mkdir(parents=True, exist_ok=True)
    books = []
    for i in range(size):
        by = "lawyer" if i % 3 else "firm"
        layout = LAYOUTS[i % 3]
        values = ["plain", "formulas", "plain", "uncalculated"][i % 4]
        books.append(staff_book(folder, i, by, layout, values, None))
        for k, slip in enumerate(STAFF_SLIPS):
            if (i + k) % 2 == 0:                       # half of the slips per workbook keeps the corpus small
                books.append(staff_book(folder, i, by, layout, "plain" if values == "uncalculated" else values, slip))
    return books


def sums_corpus(folder: Path, size: int = 18) -> list[Book]:
    """Summaries by type / month / months × types whose 合计 was changed by hand, or with a typed 0 over cases."""
    folder.mkdir(parents=True, exist_ok=True)
    books = []
    for i in range(size):
        rnd = random.Random(5000 + i)
        kind = ["type", "month", "cross"][i % 3]
        choice = dict(layout=LAYOUTS[(i // 3) % 3], kind=kind, name=NAMES[i % len(NAMES)], first=bool(rnd.randrange(2)),
                      hidden=rnd.random() < 0.2, values=["plain", "formulas"][i % 2],
                      unit="万元" if kind != "cross" and i % 4 == 1 else "元", month_names=["plain", "year", "cn"][i % 3])
        for slip_kind in ("total", "zero"):
            books.append(ledger_book(folder, 300 + i, slip=True, slip_kind=slip_kind, **choice))
    return books


# ---------------------------------------------------------------- station statistics forms, money with units

# (as written, label unit, amount in 元) — the 元 amounts worked out by hand
MONEY_WRITINGS = [
    ("3.5万元", "元", 35000), ("35,000元", "元", 35000), ("3.5 万", "元", 35000), ("叁万伍仟元", "元", 35000),
    ("35,000元", "万元", 35000), ("3.5万元", "万元", 35000), ("3.5", "万元", 35000), ("35000", "元", 35000),
    ("１２，３４５．６元", "元", Decimal("12345.6")), ("1.23456万元", "万元", Decimal("12345.6")),
    ("壹万贰仟叁佰肆拾伍元陆角", "元", Decimal("12345.6")), ("0.8万", "元", 8000), ("捌仟元整", "万元", 8000),
]


@dataclass
class Form:
    name: str
    path: Path
    money: Decimal                  # 挽回经济损失 本月, in 元
    wage: Decimal                   # 讨薪金额 本月, in 元
    slips: list[tuple[str, int, str]] = field(default_factory=list)   # (sheet, row, cell)


def stat_form(folder: Path, i: int, slip: bool) -> Form:
    money_text, unit, money = MONEY_WRITINGS[i % len(MONEY_WRITINGS)]
    wage_text, wage_unit, wage = MONEY_WRITINGS[(i + 5) % len(MONEY_WRITINGS)]
    if wage_unit != unit:           # one label unit per form: write the wage in the form's unit when it has none
        wage_text, wage = ("0.8" if unit == "万元" else "8000"), Decimal(8000)
    if wage > money:
        wage_text, wage = ("0.8" if unit == "万元" else "8000"), Decimal(8000)
    path = folder / f"站{i}_{'slip' if slip else 'ok'}.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = ["3月", "统计月报", "2023年3月"][i % 3]
    ws = book.add_worksheet(sheet)
    title = book.add_format({"bold": True, "align": "center"})
    ws.merge_range(0, 0, 0, 2, f"第{i}司法所法律援助工作统计月报表（2023年3月）", title)
    ws.write_row(1, 0, [f"填报单位：第{i}司法所", None, "单位：件、人次、元" if unit == "元" else None])
    ws.write_row(2, 0, ["项目", "本月", "本年累计"])
    label = "五、挽回经济损失" + ("（万元）" if unit == "万元" else "（元）")
    rows = [["一、法律援助案件总数", 3, 9], ["1.刑事案件", 1, 4], ["2.民事案件", 2, 5], ["四、受援人数", 3, 9],
            [label, money_text, None], ["其中：农民工讨薪金额", wage_text, None]]
    for r, row in enumerate(rows, start=3):
        ws.write_row(r, 0, row)
    slips = []
    if slip:
        ws.write(8, 1, "约2万")
        slips.append((sheet, 9, "B9"))
    book.close()
    return Form(path.name, path, Decimal(money), None if slip else Decimal(wage), slips)


def form_corpus(folder: Path, size: int = 26) -> list[Form]:
    folder.mkdir(parents=True, exist_ok=True)
    return [stat_form(folder, i, slip) for i in range(size) for slip in (False, True)]


# ---------------------------------------------------------------- measuring


def run_ledger(book: Book, tmp: Path) -> dict:
    """stats and subsidy --json on one workbook: {command: (exit code, document)}."""
    import contextlib
    import io

    from toolkit.cli.main import main

    out = {}
    for command in ("stats", "subsidy"):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main([command, str(book.path), "--json", "-o", str(tmp / f"{command}_{book.name}")])
        try:
            out[command] = (code, json.loads(buffer.getvalue()))
        except json.JSONDecodeError:        # the command stopped with a message (exit 2): nothing counted
            out[command] = (code, {"findings": [], "values": {}, "cases": None, "stopped": buffer.getvalue()})
    return out


def score(expected: list[tuple[str, int]], findings: list[dict], says: str | None = None) -> tuple[int, int, int]:
    """(true positives, false positives, missed): a finding is true when it is at an expected (sheet, row) not yet
    matched (and, given `says`, its message holds those words)."""
    left = list(expected)
    tp = fp = 0
    for f in findings:
        key = (f.get("sheet"), f.get("row"))
        if key in left and (says is None or says in f.get("message", "")):
            left.remove(key)
            tp += 1
        else:
            fp += 1
    return tp, fp, len(left)


def measure(folder: Path, parts: tuple[str, ...] = ("ledger", "forms", "staff", "sums")) -> dict:
    """Precision and recall of `stats` and `subsidy` together over the corpus: "ledger" is the first corpus (100
    workbooks), "staff" the summaries by lawyer / firm, "sums" the 合计 and typed-0 slips; each also per slip kind."""
    from toolkit.io.excel_read import read_workbook
    from toolkit.monthly.stat_forms import read_stat_form

    totals: dict[str, list[int]] = {}
    wrong_counts = []
    corpora = {"ledger": ledger_corpus, "staff": staff_corpus, "sums": sums_corpus}
    for part in parts:
        if part not in corpora:
            continue
        for book in corpora[part](folder / part):
            for command, (code, doc) in run_ledger(book, folder).items():
                for key in (part, f"{part}/{book.kind}"):
                    t = totals.setdefault(key, [0, 0, 0])
                    for k, v in enumerate(score(book.slips, doc["findings"], book.says)):
                        t[k] += v
                cases = doc["values"].get("cases.total") if command == "stats" else doc["cases"]
                if cases != book.cases:
                    wrong_counts.append((book.name, command, cases, book.cases))
    if "forms" in parts:
        totals["forms"] = [0, 0, 0]
        for form in form_corpus(folder / "forms"):
            sheet = read_workbook(form.path)[0]
            read = read_stat_form(sheet, form.name)
            t = totals["forms"]
            for k, v in enumerate(score([(s, r) for s, r, _ in form.slips], [f.to_dict() for f in read.findings])):
                t[k] += v
            line = read.line("挽回经济损失") if read else None
            got = line.values.get("本月") if line else None
            if got != form.money:
                wrong_counts.append((form.name, "挽回经济损失", got, form.money))
    result = {}
    for what, (tp, fp, fn) in sorted(totals.items()):
        result[what] = {"found": tp, "false": fp, "missed": fn,
                        "precision": round(tp / (tp + fp), 2) if tp + fp else 1.0,
                        "recall": round(tp / (tp + fn), 2) if tp + fn else 1.0}
    result["wrong_figures"] = wrong_counts
    return result


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    target = Path(args[-1] if args else "summary_corpus")
    only = tuple(a[7:].split(",") for a in sys.argv if a.startswith("--only="))
    if "--measure" in sys.argv:
        print(json.dumps(measure(target, *only), ensure_ascii=False, indent=2, default=str))
    else:
        ledger_corpus(target / "ledger")
        form_corpus(target / "forms")
        staff_corpus(target / "staff")
        sums_corpus(target / "sums")
        print(f"已写入 {target}")
