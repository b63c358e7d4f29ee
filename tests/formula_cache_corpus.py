"""A corpus of ledger workbooks whose summary sheet (and 合计 rows) are formulas, saved the ways programs and Excel
save them: by xlsxwriter as it writes by default (every formula's result saved as 0), by openpyxl (no result saved
at all), with the results saved (as Excel and WPS save them), and as typed numbers. Summaries by case type, by month
and by lawyer; a ledger on one sheet or twelve month sheets.

A "slip" types one figure of the summary over its formula (a clerk's overwrite): a wrong count, or 0 where the
ledger has cases. Each slip must be found once, at its row. A workbook whose formulas were never calculated must be
said so ONCE ("公式未重新计算", in the note naming the summary sheet) and give no finding of its own; a workbook
with results or typed figures must not be said so. A clean workbook gives no finding and no error at all.

`python tests/formula_cache_corpus.py FOLDER` writes the corpus; `--measure` prints what `stats` and `subsidy`
found (the same as tests/test_formula_cache.py measures).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlsxwriter

from summary_corpus import HEADER, TYPES, LAWYERS, matters, run_ledger, score

WRITERS = ("cached0", "nocache", "values", "typed")   # xlsxwriter default / openpyxl / results saved / numbers
UNCALCULATED = ("cached0", "nocache")
KINDS = ("type", "month", "lawyer")
SLIPS = (None, "figure", "zero")
STALE = "公式未重新计算"


@dataclass(frozen=True)
class F:
    """A formula and the result Excel would save for it."""

    text: str
    result: object


@dataclass
class Book:
    name: str
    path: Path
    writer: str
    kind: str
    slip: str | None
    cases: int
    summary: str
    slips: list[tuple[str, int]] = field(default_factory=list)   # (sheet, 1-based row) where a finding must be


def _ledger(ms: list[dict], layout: str) -> list[tuple[str, list[list]]]:
    """The ledger sheets as grids: a title, the header, a row per matter, a 合计 row whose SUM is a formula."""
    groups = [(f"{m}月", [x for x in ms if x["month"] == m]) for m in range(1, 13)] if layout == "months" \
        else [("台账", ms)]
    out = []
    for name, rows in groups:
        grid = [[f"2023年{name}法律援助案件台账"], list(HEADER)]
        for i, m in enumerate(rows):
            grid.append([i + 1, m["no"], m["person"], m["type"], "、".join(m["stages"]) or None, m["lawyer"],
                         m["firm"], f"2023-{m['month']:02d}-{m['day']:02d}", m["amount"]])
        last = len(grid)
        grid.append(["合计"] + [None] * 7 + [F(f"=SUM(I3:I{last})", sum(m["amount"] for m in rows))])
        out.append((name, grid))
    return out


def _summary(ms: list[dict], kind: str, sheets: list[str], name: str) -> tuple[list[list], list[tuple[int, int, int]]]:
    """The summary grid (formulas over the ledger sheets, each with its result) and its figures (row0, col0, cases
    the figure stands for) a slip may change."""

    def over(fn) -> str:
        return "+".join(fn(f"'{s}'") for s in sheets)

    grid: list[list] = [[f"2023年法律援助案件{name}"]]
    figures = []
    if kind in ("type", "lawyer"):
        col = "D" if kind == "type" else "F"
        labels = TYPES if kind == "type" else [lawyer for lawyer, _ in LAWYERS]
        grid.append(["案件类型" if kind == "type" else "承办律师", "件数", "补贴金额"])
        for label in labels:
            r = len(grid) + 1
            rows = [m for m in ms if m["type" if kind == "type" else "lawyer"] == label]
            grid.append([label, F("=" + over(lambda s: f"COUNTIF({s}!{col}:{col},A{r})"), len(rows)),
                         F("=" + over(lambda s: f"SUMIF({s}!{col}:{col},A{r},{s}!I:I)"),
                           sum(m["amount"] for m in rows))])
            figures += [(r - 1, 1, len(rows)), (r - 1, 2, len(rows))]
    else:
        grid.append(["月份", "案件数", "补贴金额"])
        for month in range(1, 13):
            r = len(grid) + 1
            rows = [m for m in ms if m["month"] == month]
            start, end = f"DATE(2023,{month},1)", f"DATE(2023,{month + 1},1)" if month < 12 else "DATE(2024,1,1)"
            grid.append([f"{month}月",
                         F("=" + over(lambda s: f'COUNTIFS({s}!H:H,">="&{start},{s}!H:H,"<"&{end})'), len(rows)),
                         F("=" + over(lambda s: f'SUMIFS({s}!I:I,{s}!H:H,">="&{start},{s}!H:H,"<"&{end})'),
                           sum(m["amount"] for m in rows))])
            figures += [(r - 1, 1, len(rows)), (r - 1, 2, len(rows))]
    first, last = 3, len(grid)
    grid.append(["合计", F(f"=SUM(B{first}:B{last})", len(ms)), F(f"=SUM(C{first}:C{last})",
                                                                 sum(m["amount"] for m in ms))])
    return grid, figures


def _write(path: Path, writer: str, sheets: list[tuple[str, list[list]]]) -> None:
    if writer == "nocache":
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, grid in sheets:
            ws = wb.create_sheet(name)
            for r, row in enumerate(grid, start=1):
                for c, v in enumerate(row, start=1):
                    if v is not None:
                        ws.cell(r, c).value = v.text if isinstance(v, F) else v
        wb.save(path)
        return
    wb = xlsxwriter.Workbook(str(path))
    for name, grid in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if isinstance(v, F):
                    if writer == "cached0":
                        ws.write_formula(r, c, v.text)            # xlsxwriter saves 0 as the result
                    elif writer == "values":
                        ws.write_formula(r, c, v.text, None, v.result)
                    else:
                        ws.write_number(r, c, v.result)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()


def book(folder: Path, seed: int, writer: str, kind: str, slip: str | None) -> Book:
    rnd = random.Random(seed * 13 + 5)
    ms = matters(seed, 18 + seed % 11)
    layout = "months" if seed % 2 else "single"
    ledger = _ledger(ms, layout)
    name = ["汇总", "全年汇总", "统计", "律师补贴汇总"][seed % 4] if kind != "lawyer" else "律师补贴汇总"
    grid, figures = _summary(ms, kind, [s for s, _ in ledger], name)
    slips = []
    if slip:
        pool = [x for x in figures if x[2] > 0]
        r, c, n = rnd.choice(pool)
        amount = grid[r][c].result
        grid[r][c] = 0 if slip == "zero" else (amount + 1 if c == 1 else amount + 100)
        slips.append((name, r + 1))
    sheets = ([(name, grid)] + ledger) if seed % 3 == 0 else (ledger + [(name, grid)])
    path = folder / f"f{seed}_{writer}_{kind}_{layout}_{slip or 'clean'}.xlsx"
    _write(path, writer, sheets)
    return Book(path.name, path, writer, kind, slip, len(ms), name, slips)


def corpus(folder: Path, size: int = 4) -> list[Book]:
    """`size` seeds × every writer × every kind × clean and each slip."""
    folder.mkdir(parents=True, exist_ok=True)
    return [book(folder, seed, writer, kind, slip) for seed in range(size) for writer in WRITERS for kind in KINDS
            for slip in SLIPS]


def judge(b: Book, runs: dict) -> dict:
    """What the commands said of one workbook: slips found / false findings / slips missed, errors, whether the
    summary was said to hold formulas never calculated (rightly or not), cases counted right."""
    out = {"found": 0, "false": 0, "missed": 0, "errors": 0, "stale_said": 0, "stale_missed": 0, "stale_false": 0,
           "stale_repeated": 0, "wrong_cases": 0}
    for command, (code, doc) in runs.items():
        tp, fp, fn = score(b.slips, doc["findings"])
        out["found"] += tp
        out["false"] += fp
        out["missed"] += fn
        out["errors"] += sum(1 for f in doc["findings"] if f.get("severity") == "error")
        said = [s for s in doc.get("not_combined", []) if s["sheet"] == b.summary and STALE in s["reason"]]
        said_count = sum(s["reason"].count(STALE) for s in said)
        in_findings = sum(1 for f in doc["findings"] if STALE in f.get("message", ""))
        if b.writer in UNCALCULATED:
            out["stale_said" if said_count else "stale_missed"] += 1
            out["stale_repeated"] += max(0, said_count - 1) + in_findings
        else:
            out["stale_false"] += said_count + in_findings
        cases = doc["values"].get("cases.total") if command == "stats" else doc.get("cases")
        out["wrong_cases"] += cases != b.cases
    return out


def measure(folder: Path, size: int = 4) -> dict:
    """Totals per writer and in all (stats and subsidy each counted)."""
    totals: dict[str, dict] = {}
    for b in corpus(folder / "books", size):
        got = judge(b, run_ledger(b, folder))
        for key in ("all", b.writer, f"{b.writer}/{b.slip or 'clean'}"):
            t = totals.setdefault(key, dict.fromkeys(got, 0))
            for k, v in got.items():
                t[k] += v
    return totals


# ---------------------------------------------------------------- budget workbooks (`validate`)

TOTAL_WORDS = ("合计", "总计", "小计")


def _total_row(row: list) -> bool:
    label = next((v for v in row if isinstance(v, str) and v.strip()), "")
    return any(w in label.replace(" ", "").replace("\u3000", "") for w in TOTAL_WORDS)


def _budget_cell(s, r: int, c: int, v, writer: str, keep: set):
    """A figure of a 合计/总计/小计 row as the SUM of the figures above it in its column (the formula's text is for
    the eye: the reader only sees that it is a formula), other cells as they are."""
    if (writer == "typed" or not _total_row(s.rows[r - 1]) or (s.name, f"{_letter(c)}{r}") in keep
            or isinstance(v, bool) or not isinstance(v, (int, float))):
        return v
    return F(f"=SUM({_letter(c)}1:{_letter(c)}{r - 1})", v)


def _letter(c: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(c)


def budget_book(case, path: Path, writer: str) -> int:
    """A budget_corpus Case written by `writer` with its total rows as formulas (a planted cell stays typed: a clerk's
    overwrite); the number of formulas."""
    from openpyxl.utils.cell import range_boundaries

    keep = {(sheet, cell) for sheet, cells in case.planted for cell in cells.split("|")}   # "C21|C23": either
    count = 0
    if writer == "nocache":
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
    else:
        wb = xlsxwriter.Workbook(str(path))
        formats: dict = {}
    for s in case.sheets:
        ws = wb.create_sheet(s.name) if writer == "nocache" else wb.add_worksheet(s.name)
        for r, row in enumerate(s.rows, 1):
            for c, v in enumerate(row, 1):
                if v is None:
                    continue
                v = _budget_cell(s, r, c, v, writer, keep)
                fmt = s.formats.get((r, c)) or ("#,##0.00" if isinstance(v, (int, float, F)) and not isinstance(v, bool)
                                                else None)
                if writer == "nocache":
                    cell = ws.cell(r, c, v.text if isinstance(v, F) else v)
                    if fmt:
                        cell.number_format = fmt
                    continue
                style = formats.setdefault(fmt, wb.add_format({"num_format": fmt})) if fmt else None
                if isinstance(v, F):
                    count += 1
                    if writer == "cached0":
                        ws.write_formula(r - 1, c - 1, v.text, style)
                    else:
                        ws.write_formula(r - 1, c - 1, v.text, style, v.result)
                else:
                    ws.write(r - 1, c - 1, v, style)
        for m in s.merges:
            c0, r0, c1, r1 = range_boundaries(m)
            if writer == "nocache":
                ws.merge_cells(m)
            else:
                top = s.rows[r0 - 1]
                ws.merge_range(r0 - 1, c0 - 1, r1 - 1, c1 - 1, top[c0 - 1] if c0 <= len(top) else None)
    if writer == "nocache":
        count = sum(1 for s in case.sheets for r, row in enumerate(s.rows, 1) for c, v in enumerate(row, 1)
                    if isinstance(_budget_cell(s, r, c, v, writer, keep), F))
        wb.save(path)
    else:
        wb.close()
    return count


def run_validate(path: Path) -> dict:
    import contextlib
    import io

    from toolkit.cli.main import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["validate", str(path), "--json"])
    return json.loads(buffer.getvalue())


def measure_budget(folder: Path) -> dict:
    """validate over budget_corpus's consistent and planted cases, each written by every writer: errors on consistent
    workbooks, planted cells found / missed, false findings, and the 公式未重新计算 warnings."""
    from budget_corpus import consistent_cases, planted_cases

    folder.mkdir(parents=True, exist_ok=True)
    totals: dict[str, dict] = {}
    for consistent, cases in ((True, consistent_cases()), (False, planted_cases())):
        for case in cases:
            for writer in WRITERS:
                path = folder / f"{case.name}_{writer}.xlsx"
                formulas = budget_book(case, path, writer)
                doc = run_validate(path)
                findings = doc.get("findings", [])
                stale = [f for f in findings if f["rule"] == STALE]
                other = [f for f in findings if f["rule"] != STALE]
                left = list(case.planted)
                found = false = 0
                for f in other:
                    hit = next((p for p in left if p[0] == f["sheet"] and f["cell"] in p[1].split("|")), None)
                    if hit is not None:
                        left.remove(hit)
                        found += 1
                    elif consistent or f["severity"] == "error":
                        false += 1
                t = totals.setdefault(f"{'consistent' if consistent else 'planted'}/{writer}",
                                      {"books": 0, "formulas": 0, "errors": 0, "found": 0, "missed": 0, "false": 0,
                                       "stale_warnings": 0, "stale_sheets_max": 0})
                t["books"] += 1
                t["formulas"] += formulas
                t["errors"] += sum(1 for f in findings if f["severity"] == "error") if consistent else 0
                t["found"] += found
                t["missed"] += len(left)
                t["false"] += false
                t["stale_warnings"] += len(stale)
                per_sheet = max([sum(1 for f in stale if f["sheet"] == s) for s in {f["sheet"] for f in stale}] or [0])
                t["stale_sheets_max"] = max(t["stale_sheets_max"], per_sheet)
    return totals


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    target = Path(args[-1] if args else "formula_cache_corpus")
    if "--measure-budget" in sys.argv:
        print(json.dumps(measure_budget(target / "budget"), ensure_ascii=False, indent=1))
    elif "--measure" in sys.argv:
        print(json.dumps(measure(target), ensure_ascii=False, indent=1))
    else:
        corpus(target)
        print(f"已写入 {target}")
