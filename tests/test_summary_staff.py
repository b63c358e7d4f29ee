"""Summaries by lawyer / by law firm beside a ledger, a summary's own 合计, and typed zeros against uncalculated formulas.

Corpus: tests/summary_corpus.py (staff_corpus: 84 workbooks, 24 clean summaries by lawyer or firm and 60 with one slip
of a kind; sums_corpus: 36 workbooks whose summary by type / month / months × types has a wrong 合计 or a typed 0 over
cases). Measured 2026-11-30 with `python tests/summary_corpus.py --measure DIR` (stats and subsidy together, so each
slip counts twice; a finding counts when it is at the planted row, a 合计 slip only when said as one):
before this branch (abfd702) by-lawyer/firm 0 found / 20 false / 120 missed (precision 0.00, recall 0.00; the table
read as a ledger-like sheet and left out with a warning, nothing compared); 合计 slips 0 / 36 / 36 (at the right row,
but said as a ledger mismatch); typed zeros 0 / 0 / 36 (taken for uncalculated formulas). After: 120 / 0 / 0,
36 / 0 / 0, 36 / 0 / 0 (1.00 / 1.00 each, every kind: part, 合计, extra name, missing name, zero); clean workbooks
0 findings; the first corpus stays 104 / 0 / 0 and the forms 26 / 0 / 0.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from summary_corpus import INNER, STAFF_SLIPS, ledger_book, run_ledger, staff_book

# seeds picked for variety: by firm / by lawyer, month sheets / quarters / one sheet, a 序号 column or not, a firm
# column, 件数 and 补贴金额 in either order or alone, a unit line, the 合计 label in the 序号 column, no 合计 row,
# the table one column to the right, a note line below, the summary first or last
CLEAN = [(0, "firm", "months", "plain"), (1, "lawyer", "quarters", "formulas"), (2, "lawyer", "single", "plain"),
         (3, "firm", "months", "uncalculated"), (5, "lawyer", "single", "formulas"), (7, "lawyer", "quarters", "plain"),
         (11, "lawyer", "single", "uncalculated"), (13, "lawyer", "quarters", "formulas")]


def _findings_sheet(path):
    """The 校验结果 sheet of a stats output, row by row below its header row."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for r in book["校验结果"].iter_rows(values_only=True)]
    book.close()
    return rows[1], rows[2:]                  # row 1: what was found in one line; row 2: the headers


@pytest.mark.parametrize("seed,by,layout,values", CLEAN, ids=[f"{s}-{b}-{l}-{v}" for s, b, l, v in CLEAN])
def test_a_consistent_summary_by_lawyer_or_firm_gives_no_finding(seed, by, layout, values, tmp_path):
    book = staff_book(tmp_path, seed, by, layout, values, None)
    runs = run_ledger(book, tmp_path)
    for command, (code, doc) in runs.items():
        assert doc["findings"] == [] and code == 0, (command, doc["findings"])
        cases = doc["values"]["cases.total"] if command == "stats" else doc["cases"]
        assert cases == book.cases, command                       # never read as cases, never merged
    assert Decimal(runs["subsidy"][1]["total_yuan"]) == book.total
    (left,) = [s for s in runs["subsidy"][1]["not_combined"] if s["sheet"] == book.summary]
    assert f"是汇总表（按{'承办律师' if by == 'lawyer' else '律师事务所'}的合计）" in left["reason"]
    assert ("公式未重新计算" in left["reason"]) == (values == "uncalculated")
    assert runs["stats"][1]["not_combined"] == runs["subsidy"][1]["not_combined"]
    _, rows = _findings_sheet(tmp_path / f"stats_{book.name}")
    assert [r for r in rows if any(r)] == []


WORDS = {"part": "相差", "total": INNER, "extra": "列中没有（按去掉空格后的名称比较）", "missing": "汇总表「",
         "zero": "此格是 0"}


@pytest.mark.parametrize("by", ["lawyer", "firm"])
@pytest.mark.parametrize("slip", STAFF_SLIPS)
def test_each_slip_in_a_summary_by_lawyer_or_firm_is_one_warning_at_its_row(slip, by, tmp_path):
    seed = {"lawyer": 1, "firm": 6}[by] + STAFF_SLIPS.index(slip) * 3
    book = staff_book(tmp_path, seed, by, "months", "formulas", slip)
    ((sheet, row),) = book.slips
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["severity"], finding["sheet"], finding["row"]) == ("warning", sheet, row), command
        assert WORDS[slip] in finding["message"] and "汇总表本身不计入统计" in finding["message"], command
        assert "受援人" not in finding["message"]                  # no aided person's data in any message
    header, rows = _findings_sheet(tmp_path / f"stats_{book.name}")
    (line,) = [r for r in rows if any(r)]
    assert line[0] == "警告" and sheet in line and row in line
    message = line[-1]
    assert message == finding["message"]                           # lawyer / firm names kept: statistics name them
    if slip == "extra":
        assert ("刘" if by == "lawyer" else "星") in message and "（内容略）" not in message


def test_a_name_missing_from_the_summary_is_named_with_its_cases(tmp_path):
    book = staff_book(tmp_path, 4, "lawyer", "single", "plain", "missing")
    wb = openpyxl.load_workbook(book.path, read_only=True)
    listed = {str(c).replace(" ", "").replace("\u3000", "") for r in wb[book.summary].iter_rows(values_only=True)
              for c in r if c}
    ledger = [r for r in wb["台账"].iter_rows(min_row=3, values_only=True) if r[1]]
    wb.close()
    (gone,) = {r[5] for r in ledger} - listed
    code, doc = run_ledger(book, tmp_path)["subsidy"]
    (finding,) = doc["findings"]
    assert f"“{gone}” {sum(1 for r in ledger if r[5] == gone)} 件" in finding["message"]
    assert "合计因此与台账不符，不另行报告" in finding["message"]


SUMS = [dict(layout="months", kind="type", name="汇总", first=False, hidden=False, values="formulas", unit="元"),
        dict(layout="quarters", kind="month", name="统计", first=True, hidden=False, values="plain", unit="万元"),
        dict(layout="single", kind="cross", name="分类统计", first=False, hidden=True, values="formulas", unit="元")]


@pytest.mark.parametrize("variant", SUMS, ids=[v["kind"] for v in SUMS])
def test_a_total_that_does_not_add_up_is_one_finding_said_as_such(variant, tmp_path):
    book = ledger_book(tmp_path, 40, slip=True, slip_kind="total", **variant)
    ((sheet, row),) = book.slips
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["sheet"], finding["row"]) == (sheet, row), command
        assert INNER in finding["message"] and "之和为" in finding["message"], command


@pytest.mark.parametrize("variant", SUMS, ids=[v["kind"] for v in SUMS])
def test_a_typed_zero_over_cases_is_a_warning_at_its_cell(variant, tmp_path):
    book = ledger_book(tmp_path, 41, slip=True, slip_kind="zero", **variant)
    ((sheet, row),) = book.slips
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["sheet"], finding["row"]) == (sheet, row), command
        assert "为 0" in finding["message"] and "此格是 0" in finding["message"]


def test_a_formula_saved_without_its_result_is_noted_not_reported(tmp_path):
    """The same cell as a typed 0 (a warning) and as a formula openpyxl saved without a value (read blank): a note."""
    variant = dict(SUMS[0], values="plain")      # openpyxl keeps no formula's result: only this one is a formula
    book = ledger_book(tmp_path, 41, slip=True, slip_kind="zero", **variant)
    ((sheet, row),) = book.slips
    wb = openpyxl.load_workbook(book.path)
    ws = wb[sheet]
    (cell,) = [c for c in ws[row] if c.value == 0]
    cell.value = f"=COUNTIF('1月'!D:D,A{row})"
    wb.save(book.path)
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        assert doc["findings"] == [] and code == 0, command
        (left,) = [s for s in doc["not_combined"] if s["sheet"] == sheet]
        assert f"公式未重新计算：「{sheet}」{cell.coordinate} 1 个公式单元格保存的结果是 0 或空白" in left["reason"]


def test_a_part_and_its_recalculated_total_are_one_finding(tmp_path):
    """A figure typed wrong under a SUM that Excel recalculated: the 合计 carries the slip on; said once, at the part."""
    book = ledger_book(tmp_path, 42, slip=False, **dict(SUMS[0], values="plain"))
    wb = openpyxl.load_workbook(book.path)
    ws = wb["汇总"]
    total = next(r for r in range(3, 9) if ws.cell(r, 1).value == "合计")
    ws.cell(3, 2).value = ws.cell(3, 2).value + 2                     # 刑事 件数 two more …
    ws.cell(total, 2).value = ws.cell(total, 2).value + 2             # … and the 合计 as Excel recalculates it
    wb.save(book.path)
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        assert [(f["sheet"], f["row"]) for f in doc["findings"]] == [("汇总", 3)], command


def test_a_roster_of_lawyers_is_no_summary(tmp_path):
    """律师名册 (name, firm, licence number, phone: no figures) beside the ledger stays what it was: not a summary."""
    book = staff_book(tmp_path, 2, "lawyer", "single", "plain", None)
    wb = openpyxl.load_workbook(book.path)
    ws = wb.create_sheet("名册")
    ws.append(["律师姓名", "律师事务所", "执业证号", "联系电话"])
    ws.append(["周文", "楚天律师事务所", "14301201010000001", "0737-1234567"])
    wb.save(book.path)
    code, doc = run_ledger(book, tmp_path)["subsidy"]
    assert doc["cases"] == book.cases and doc["findings"] == []
    assert not any(s["sheet"] == "名册" and "汇总表" in s["reason"] for s in doc["not_combined"])


def test_the_statistics_button_on_a_summary_by_lawyer_counts_the_ledger(tmp_path):
    """填写统计表 with the by-lawyer summary active (values as the reader gives them: floats)."""
    from toolkit.excel.buttons.stats import statistics_plan
    from toolkit.io.excel_read import read_workbook

    book = staff_book(tmp_path, 1, "lawyer", "quarters", "plain", None)
    sheets = read_workbook(book.path)
    layout, fill, message = statistics_plan(sheets, {}, {}, active=book.summary, file=book.name)
    assert f"案件 {book.cases} 件" in message and "发现" not in message


def _ledger_book(seed: int, n: int, lawyers: int):
    """A workbook whose first sheet 台账 holds `n` matters of the first `lawyers` lawyers (summary_corpus.matters)."""
    from summary_corpus import HEADER, STAFF, matters

    ms = matters(seed, n, STAFF[:lawyers])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["2023年法律援助案件台账"])
    ws.append(HEADER)
    for i, m in enumerate(ms):
        ws.append([i + 1, m["no"], m["person"], m["type"], "、".join(m["stages"]) or None, m["lawyer"], m["firm"],
                   f"2023-{m['month']:02d}-{m['day']:02d}", m["amount"]])
    return wb, ms


def _quarter_book(path, slip: bool):
    """One ledger sheet for the year and a 第一季度 payment table by lawyer (the figures of 1–3月 only)."""
    wb, ms = _ledger_book(77, 40, 5)
    summary = wb.create_sheet("补贴发放")
    summary.append(["2023年第一季度法律援助律师办案补贴发放表"])
    summary.append(["序号", "承办律师", "办案件数", "应发补贴"])
    quarter = [m for m in ms if m["month"] <= 3]
    names = sorted({m["lawyer"] for m in quarter})
    for i, n in enumerate(names):
        mine = [m for m in quarter if m["lawyer"] == n]
        summary.append([i + 1, n, len(mine) + (1 if slip and i == 1 else 0), sum(m["amount"] for m in mine)])
    summary.append(["合计", None, len(quarter), sum(m["amount"] for m in quarter)])
    wb.save(path)
    return len(ms)


@pytest.mark.parametrize("slip", [False, True])
def test_a_quarterly_payment_table_is_compared_with_that_quarter(slip, tmp_path):
    """Centres pay lawyers by quarter: a 第一季度 table beside the year's ledger is compared with 1–3月 only."""
    path = tmp_path / "quarter.xlsx"
    cases = _quarter_book(path, slip)
    book = type("B", (), {"path": path, "name": path.name})
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        assert [(f["sheet"], f["row"]) for f in doc["findings"]] == ([("补贴发放", 4)] if slip else []), command
        cases_read = doc["values"]["cases.total"] if command == "stats" else doc["cases"]
        assert cases_read == cases
        (left,) = [s for s in doc["not_combined"] if s["sheet"] == "补贴发放"]
        assert "只比较标题所写期间“第一季度”（1月–3月）的案件" in left["reason"]
    if slip:
        assert "只比较标题所写期间“第一季度”" in doc["findings"][0]["message"]


def test_a_total_over_a_row_the_ledger_cannot_check_is_not_said_to_be_miscounted(tmp_path):
    """A "其他" row (no type of the ledger) that the 合计 includes: the 合计 is compared with the ledger only — it is
    not "合计本身算错" because the rows checked do not add up to it."""
    book = ledger_book(tmp_path, 43, slip=False, **dict(SUMS[0], values="plain"))
    wb = openpyxl.load_workbook(book.path)
    ws = wb["汇总"]
    total = next(r for r in range(3, 12) if ws.cell(r, 1).value == "合计")
    ws.insert_rows(total)
    ws.cell(total, 1).value, ws.cell(total, 2).value = "其他", 2
    ws.cell(total + 1, 2).value = ws.cell(total + 1, 2).value + 2
    wb.save(book.path)
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["sheet"], finding["row"]) == ("汇总", total + 1) and INNER not in finding["message"], command
        assert "台账中全部案件的件数为" in finding["message"]


@pytest.mark.parametrize("slip", [None, "part", "extra"])
def test_subsidy_marks_the_summary_cell_with_a_comment(slip, tmp_path):
    """The subsidy copy carries a summary's finding as a comment at its cell (read back cell by cell); a clean
    summary gets none, and the input is never changed."""
    book = staff_book(tmp_path, 9, "lawyer", "months", "plain", slip)
    before = book.path.read_bytes()
    code, doc = run_ledger(book, tmp_path)["subsidy"]
    assert book.path.read_bytes() == before
    wb = openpyxl.load_workbook(tmp_path / f"subsidy_{book.name}")
    marked = [(ws.title, c.row, c.comment.text) for ws in wb.worksheets for row in ws.iter_rows() for c in row
              if c.comment]
    wb.close()
    if slip is None:
        assert marked == [] and doc["findings"] == []
        return
    ((sheet, row),) = book.slips
    (finding,) = doc["findings"]
    ((title, at, text),) = marked
    assert (title, at) == (sheet, row) and f"【警告】{finding['message']}" in text


@pytest.mark.parametrize("slip", [None, "cell", "total"])
def test_a_summary_of_lawyers_by_case_type(slip, tmp_path):
    """承办律师 | 刑事 | 民事 | 行政 | 仲裁 | 合计: each lawyer's count per type against the ledger, the 合计 column
    against its row; a wrong cell is one warning there, a wrong 合计 one warning said as a 合计 slip."""
    from summary_corpus import TYPES

    wb, ms = _ledger_book(88, 30, 4)
    summary = wb.create_sheet("律师分类统计")
    summary.append(["2023年度承办律师办案分类统计"])
    summary.append(["承办人", *TYPES, "合计"])
    lawyers = sorted({m["lawyer"] for m in ms})
    for name in lawyers:
        counts = [sum(1 for m in ms if m["lawyer"] == name and m["type"] == t) for t in TYPES]
        summary.append([name, *counts, sum(counts)])
    if slip == "cell":
        summary["C4"] = summary["C4"].value + 1        # the second lawyer's 民事, 合计 left as it was
    if slip == "total":
        summary["F3"] = summary["F3"].value + 1
    path = tmp_path / "cross.xlsx"
    wb.save(path)
    book = type("B", (), {"path": path, "name": path.name})
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        rows = [(f["sheet"], f["row"]) for f in doc["findings"]]
        assert rows == {None: [], "cell": [("律师分类统计", 4)], "total": [("律师分类统计", 3)]}[slip], command
        if slip == "total":
            assert INNER in doc["findings"][0]["message"] and "同一行各类型之和为" in doc["findings"][0]["message"]
        cases = doc["values"]["cases.total"] if command == "stats" else doc["cases"]
        assert cases == len(ms)
