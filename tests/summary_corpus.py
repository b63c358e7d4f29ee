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
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]


def _cn_month(m: int) -> str:
    return {10: "十", 11: "十一", 12: "十二"}.get(m) or CN_MONTHS[m - 1]


def matters(seed: int, n: int) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        t = rnd.choice(TYPES)
        stages = rnd.choice(STAGES) if t == "刑事" else ()
        lawyer, firm = rnd.choice(LAWYERS)
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
    """A figure as a number, a formula with its result, or a formula never calculated (saved with 0)."""
    if values == "plain" or formula is None:
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_formula(r, c, formula, fmt, value if values == "formulas" else 0)


def ledger_book(folder: Path, seed: int, layout: str, kind: str, name: str, first: bool, hidden: bool,
                values: str, unit: str, slip: bool, month_names: str = "plain", ledger_slip: bool = False) -> Book:
    """One workbook; see the module doc for the choices."""
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
                    f"{'_hidden' if hidden else ''}{'_slip' if slip else ''}{'_typo' if ledger_slip else ''}.xlsx"
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
                cells += [(r, 1, "count"), (r, 2, "money")]
            r = top + 1 + len(lines)
            summary.write(r, 0, "合计")
            _figure(summary, r, 1, len(ms), f"=SUM(B{top + 2}:B{r})", values)
            _figure(summary, r, 2, money(sum(m["amount"] for m in ms)), f"=SUM(C{top + 2}:C{r})", values, fmt["wan"])
            cells += [(r, 1, "count"), (r, 2, "money")]
        elif kind == "month":
            summary.write_row(top, 0, ["月份", "案件数", money_head], fmt["head"])
            for m in range(1, 13):
                r = top + m
                rows = [x for x in ms if x["month"] == m]
                summary.write(r, 0, f"{m}月" if seed % 2 else f"{_cn_month(m)}月")
                _figure(summary, r, 1, len(rows), None, values)
                _figure(summary, r, 2, money(sum(x["amount"] for x in rows)), None, values, fmt["wan"])
                cells += [(r, 1, "count"), (r, 2, "money")]
            r = top + 13
            summary.write(r, 0, "合计")
            _figure(summary, r, 1, len(ms), f"=SUM(B{top + 2}:B{r})", values)
            _figure(summary, r, 2, money(sum(x["amount"] for x in ms)), f"=SUM(C{top + 2}:C{r})", values, fmt["wan"])
            cells += [(r, 1, "count"), (r, 2, "money")]
        else:                                             # months down, types across
            summary.write_row(top, 0, ["月份", *TYPES, "合计"], fmt["head"])
            for m in range(1, 13):
                r = top + m
                rows = [x for x in ms if x["month"] == m]
                summary.write(r, 0, f"{m}月")
                for c, t in enumerate(TYPES, start=1):
                    _figure(summary, r, c, sum(1 for x in rows if x["written_type"] == t), None, values)
                    cells.append((r, c, "count"))
                _figure(summary, r, 5, len(rows), f"=SUM(B{r + 1}:E{r + 1})", values)
                cells.append((r, 5, "count"))
        if slip:
            r, c, what = rnd.choice(cells)
            value = _slipped(ms, parts, kind, r - top, c, what, written, scale)
            summary.write_number(r, c, value)
            slips.append((name, r + 1))
    book.close()
    typo = 1 if ledger_slip else 0
    return Book(path.name, path, len(ms) - typo, Decimal(sum(m["amount"] for m in ms if m["written_type"] in TYPES)),
                name, slips, values != "uncalculated" or kind == "copy")


def _slipped(ms, parts, kind, line, col, what, written, scale):
    """The figure at a summary cell, changed: one case more, or 100 元 more (0.01 万元)."""
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
    total = Decimal(sum(m["amount"] for m in rows)) + 100
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


def score(expected: list[tuple[str, int]], findings: list[dict]) -> tuple[int, int, int]:
    """(true positives, false positives, missed): a finding is true when it is at an expected (sheet, row) not yet
    matched."""
    left = list(expected)
    tp = fp = 0
    for f in findings:
        key = (f.get("sheet"), f.get("row"))
        if key in left:
            left.remove(key)
            tp += 1
        else:
            fp += 1
    return tp, fp, len(left)


def measure(folder: Path) -> dict:
    from toolkit.io.excel_read import read_workbook
    from toolkit.monthly.stat_forms import read_stat_form

    totals = {"ledger": [0, 0, 0], "forms": [0, 0, 0]}
    wrong_counts = []
    for book in ledger_corpus(folder / "ledgers"):
        for command, (code, doc) in run_ledger(book, folder).items():
            t = totals["ledger"]
            for k, v in enumerate(score(book.slips, doc["findings"])):
                t[k] += v
            cases = doc["values"].get("cases.total") if command == "stats" else doc["cases"]
            if cases != book.cases:
                wrong_counts.append((book.name, command, cases, book.cases))
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
    for what, (tp, fp, fn) in totals.items():
        result[what] = {"found": tp, "false": fp, "missed": fn,
                        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}
    result["wrong_figures"] = wrong_counts
    return result


if __name__ == "__main__":
    target = Path(sys.argv[-1] if len(sys.argv) > 1 and sys.argv[-1] != "--measure" else "summary_corpus")
    if "--measure" in sys.argv:
        print(json.dumps(measure(target), ensure_ascii=False, indent=2, default=str))
    else:
        ledger_corpus(target / "ledgers")
        form_corpus(target / "forms")
        print(f"已写入 {target}")
