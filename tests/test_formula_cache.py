"""Formulas saved with 0 or no result: workbooks written by programs (xlsxwriter saves every formula's result as 0,
openpyxl saves none), or by Excel on manual calculation. The reader says which cells they are
(RawSheet.formula_zeros, formula_results); a summary sheet whose formulas were never calculated is said so ONCE
("公式未重新计算", in the note naming it), not warned about cell by cell as typed zeros; `validate` sets such 合计
aside with one warning per sheet instead of an error per 合计. A typed 0 stays a finding.

Corpus: tests/formula_cache_corpus.py. Measured 2026-11-30 against the code before (d705817):
- `--measure` (144 ledger workbooks with a summary by type / month / lawyer, written by xlsxwriter's default,
  openpyxl, with results, typed; clean or one typed slip; `stats` and `subsidy` each counted): before 176 slips
  found, 344 false findings, 16 missed (all in xlsxwriter's books), "公式未重新计算" said for 0 of the 144 runs on
  uncalculated books; after 192 found, 0 false, 0 missed, said once in each of the 144, never on the other 144.
- `--measure-budget` (budget_corpus's 6 consistent and 19 planted cases, 合计 rows as formulas, each by the four
  writers): saved as 0, before 66 errors on the consistent books and 289 false findings beside the 22 planted slips;
  after 0 errors, 14 warnings (at most one per sheet), all 22 slips found, 0 false. The other writers: unchanged
  (0 errors; 22 found, 0 false).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter

from formula_cache_corpus import (F, KINDS, Book, STALE, UNCALCULATED, WRITERS, _ledger, _summary, _write, book,
                                  budget_book, judge, run_validate)
from summary_corpus import matters, run_ledger
from test_xlsx_read import with_sheet_xml
from toolkit.cli.main import main
from toolkit.io.excel_read import read_workbook


# ---------------------------------------------------------------- the reader


def test_xlsxwriter_formulas_saved_as_0_are_listed_and_typed_zeros_are_not(tmp_path):
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("算过")
    ws.write_row(0, 0, [0, 3])                          # typed 0 and 3
    ws.write_formula(0, 2, "=A1+B1", None, 3)           # a result saved
    ws.write_formula(0, 3, "=A1*B1")                    # xlsxwriter's default: 0 saved
    ws.write_formula(0, 4, "=A1&B1", None, "")          # an empty result
    ws.write_array_formula("F1:F2", "{=A1:A2*2}")       # an array formula over two cells, 0 saved
    ws2 = wb.add_worksheet("没算过")
    ws2.write_number(1, 0, 5)
    ws2.write_formula(2, 0, "=SUM(A1:A2)")
    ws2.write_formula(2, 1, '=IF(A2>0,"有","")')
    ws3 = wb.add_worksheet("数字")
    ws3.write_row(0, 0, [0, 0.0, 7])
    wb.close()
    done, never, typed = read_workbook(path)
    assert done.rows[0][:4] == [0.0, 3.0, 3.0, 0.0]     # the values are read as before
    assert done.formula_zeros == {(0, 3), (0, 4), (0, 5), (1, 5)} and done.formula_results
    assert never.formula_zeros == {(2, 0), (2, 1)} and not never.formula_results
    assert typed.formula_zeros == frozenset() and not typed.formula_results


def test_openpyxl_formulas_have_no_result_and_are_listed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["A2"] = 4, "=A1*2", "=SUM(A1:B1)"
    wb.save(tmp_path / "o.xlsx")
    (sheet,) = read_workbook(tmp_path / "o.xlsx")
    assert sheet.rows == [[4.0, None], [None, None]] or sheet.rows == [[4.0]]
    assert sheet.formula_zeros == {(0, 1), (1, 0)} and not sheet.formula_results


def test_excel_calculated_formulas_cost_no_second_pass_and_are_not_listed(tmp_path):
    path = tmp_path / "e.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表")
    for r in range(50):
        ws.write_row(r, 0, [r + 1, 2])
        ws.write_formula(r, 2, f"=A{r + 1}*B{r + 1}", None, (r + 1) * 2)
    wb.close()
    (sheet,) = read_workbook(path)
    assert sheet.formula_zeros == frozenset() and sheet.formula_results
    assert sheet.rows[49] == [50.0, 2.0, 100.0]


SHEET_CELLS = ('<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*0</f><v>0</v></c><c r="C1" t="str"><f>"甲"</f>'
               '<v>甲</v></c></row><row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B1</f><v>0</v></c>'
               '<c r="B2"><f>A1+1</f><v>3</v></c></row><row r="3"><c r="A3"><f t="shared" si="0"/><v>0</v></c>'
               '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3"><f>A1</f></c></row>')


@pytest.mark.parametrize("variant", ["plain", "prefixed", "no-refs", "utf16"])
def test_the_same_formula_cells_whatever_the_form_of_the_xml(tmp_path, variant):
    """The fast scan's form, and the forms read with expat (prefixed names, cells without a reference, UTF-16)."""
    base = tmp_path / "base.xlsx"
    wb = xlsxwriter.Workbook(str(base))
    wb.add_worksheet("表").write("A1", "x")
    wb.close()

    def edit(xml: str) -> str:
        xml = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", "<sheetData>" + SHEET_CELLS + "</sheetData>", xml)
        if variant == "prefixed":
            xml = re.sub(r"<(/?)(worksheet|sheetData|row|c|v|f)\b", r"<\1x:\2", xml)
            xml = xml.replace('xmlns="http', 'xmlns:x="http', 1)
        elif variant == "no-refs":
            xml = re.sub(r'<c r="[A-C][0-9]"', "<c", xml)
        return xml
    path = with_sheet_xml(base, tmp_path / f"{variant}.xlsx", edit)
    if variant == "utf16":
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-16")
        with zipfile.ZipFile(path, "w") as z:
            for n, data in parts.items():
                z.writestr(n, data)
    (sheet,) = read_workbook(path)
    # B1: 0 saved; A2 and A3: a shared formula, 0 saved; C3: no result. Not C1 (text), B2 (3), B3 (an error).
    assert sheet.formula_zeros == {(0, 1), (1, 0), (2, 0), (2, 2)}
    assert sheet.formula_results
    assert sheet.rows[0][:3] == [2.0, 0.0, "甲"] and sheet.rows[1][:2] == [0.0, 3.0]


# ---------------------------------------------------------------- summary sheets beside the ledger


def _assert_judged(b, runs):
    got = judge(b, runs)
    assert got["errors"] == 0 and got["false"] == 0 and got["missed"] == 0, got
    assert got["stale_false"] == 0 and got["stale_repeated"] == 0 and got["wrong_cases"] == 0, got
    assert got["stale_missed"] == 0, got
    if b.writer in UNCALCULATED:
        assert got["stale_said"] == 2, got                # once per command, in the note naming the summary
    return got


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_consistent_workbook_gives_no_finding_whatever_saved_its_formulas(tmp_path, writer, kind):
    b = book(tmp_path, 1 + KINDS.index(kind), writer, kind, None)
    runs = run_ledger(b, tmp_path)
    _assert_judged(b, runs)
    for command, (code, doc) in runs.items():
        assert doc["findings"] == [], command
        (left,) = [s for s in doc["not_combined"] if s["sheet"] == b.summary]
        if writer in UNCALCULATED:
            assert re.search(r"公式未重新计算：「[^」]+」[A-Z]+[0-9]+.* \d+ 个公式单元格保存的结果是 0 或空白", left["reason"])
            assert "按 F9" in left["reason"]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("slip", ["figure", "zero"])
def test_a_figure_typed_over_a_formula_is_one_finding_at_its_row(tmp_path, writer, slip):
    """A clerk's typed figure (a wrong count, or 0 where the ledger has cases) among formulas: found once, at its
    row, whether or not the formulas around it were ever calculated."""
    kind = KINDS[WRITERS.index(writer) % len(KINDS)]
    b = book(tmp_path, 5 + WRITERS.index(writer), writer, kind, slip)
    runs = run_ledger(b, tmp_path)
    _assert_judged(b, runs)
    for command, (code, doc) in runs.items():
        (finding,) = doc["findings"]
        assert finding["severity"] == "warning" and STALE not in finding["message"]
        if slip == "zero" and writer in UNCALCULATED:
            assert "此格是 0" in finding["message"]            # a typed 0: the cell is no formula


def test_a_formula_calculated_to_0_over_cases_is_still_a_mismatch(tmp_path):
    """On a sheet whose other formulas hold results (it was calculated), a formula saved with 0 where the ledger has
    cases is a formula that counts nothing: a warning at its cell, saying it is a formula."""
    ms = matters(9, 20)
    ledger = _ledger(ms, "single")
    grid, figures = _summary(ms, "type", ["台账"], "汇总")
    r, c, n = next(x for x in figures if x[2] > 0 and x[1] == 1)
    grid[r][c] = F(grid[r][c].text, 0)
    path = tmp_path / "calc.xlsx"
    _write(path, "values", ledger + [("汇总", grid)])
    b = Book(path.name, path, "values", "type", None, len(ms), "汇总")
    for command, (code, doc) in run_ledger(b, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["sheet"], finding["row"]) == ("汇总", r + 1)
        assert "此格是公式，保存的结果为 0" in finding["message"], command


# ---------------------------------------------------------------- validate


def test_budget_totals_never_calculated_are_one_warning_per_sheet_not_an_error_per_total(tmp_path):
    from budget_corpus import consistent_cases

    case = next(c for c in consistent_cases() if c.name == "财决表")
    seen = {}
    for writer in WRITERS:
        path = tmp_path / f"{writer}.xlsx"
        formulas = budget_book(case, path, writer)
        assert formulas > 0 or writer in ("typed", "nocache")
        seen[writer] = run_validate(path)["findings"]
    assert seen["typed"] == [] and seen["values"] == [] and seen["nocache"] == []
    stale = seen["cached0"]
    assert stale and all(f["severity"] == "warning" and f["rule"] == STALE for f in stale)
    assert len({f["sheet"] for f in stale}) == len(stale)           # one per sheet
    first = stale[0]
    assert "按 F9" in first["message"] and first["cell"] in first["message"]


def test_every_budget_corpus_case_with_totals_saved_as_0(tmp_path):
    """budget_corpus's consistent cases give no error and at most one warning per sheet; each planted slip (typed over
    its cell) is still found, with no other error. Before: 66 errors on the 6 consistent workbooks, 289 false errors
    beside the 22 planted slips."""
    from budget_corpus import consistent_cases, planted_cases

    for consistent, cases in ((True, consistent_cases()), (False, planted_cases())):
        for case in cases:
            path = tmp_path / f"{case.name}.xlsx"
            budget_book(case, path, "cached0")
            findings = run_validate(path)["findings"]
            errors = [f for f in findings if f["severity"] == "error"]
            stale = [f["sheet"] for f in findings if f["rule"] == STALE]
            assert len(stale) == len(set(stale)), case.name
            if consistent:
                assert errors == [] and all(f["rule"] == STALE for f in findings), case.name
                continue
            for sheet, cells in case.planted:
                assert any(f["sheet"] == sheet and f["cell"] in cells.split("|") for f in findings), case.name
            assert all(any(f["sheet"] == sheet and f["cell"] in cells.split("|") for sheet, cells in case.planted)
                       for f in errors), case.name


def test_a_typed_0_total_stays_an_error_and_slips_are_still_found_beside_calculated_formulas(tmp_path):
    from budget_corpus import consistent_cases

    case = next(c for c in consistent_cases() if c.name == "三公_增减")
    sheet = case.sheets[0]
    cell = sheet.find("合计", 3)
    sheet.set(cell, 0)                                 # typed over the 合计: no formula
    case.planted.append((sheet.name, cell))
    for writer in ("values", "cached0"):
        path = tmp_path / f"{writer}.xlsx"
        budget_book(case, path, writer)
        findings = run_validate(path)["findings"]
        errors = [f for f in findings if f["severity"] == "error"]
        assert [(f["sheet"], f["cell"]) for f in errors] == [(sheet.name, cell)], writer


# ---------------------------------------------------------------- the ledger itself


@pytest.mark.parametrize("writer", WRITERS)
def test_ledger_amounts_that_are_formulas_never_calculated_are_read_as_not_filled(tmp_path, writer):
    """补贴金额 as a formula per row (=800+700): never calculated, each row's 0 would be "not in the standard's range"
    under --level 台账 (20 warnings, a total of 0.00). It is read as not filled: one warning for the count, one note
    saying why; calculated or typed, the amounts are read."""
    from summary_corpus import HEADER

    ms = matters(3, 20)
    grid = [["2023年法律援助案件台账"], list(HEADER)]
    for i, m in enumerate(ms):
        grid.append([i + 1, m["no"], m["person"], m["type"], "、".join(m["stages"]) or None, m["lawyer"], m["firm"],
                     f"2023-{m['month']:02d}-{m['day']:02d}", F(f"={m['amount']}*1", m["amount"])])
    path = tmp_path / f"{writer}.xlsx"
    _write(path, writer, [("台账", grid)])
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["subsidy", str(path), "--level", "台账", "--json", "-o", str(tmp_path / "o.xlsx")])
    doc = json.loads(buffer.getvalue())
    said = [n for n in doc["notes"] if STALE in n]
    if writer in UNCALCULATED:
        (finding,) = doc["findings"]
        assert "共 20 件未填写补贴金额" in finding["message"] and doc["total_yuan"] == "0.00"
        (note,) = said
        assert "“补贴金额”列 20 个（I3 起）" in note and "按 F9" in note
    else:
        assert doc["findings"] == [] and said == []
        assert doc["total_yuan"] == f"{sum(m['amount'] for m in ms)}.00"


# ---------------------------------------------------------------- monthly statistics forms (reformat)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_stat_form_total_never_calculated_is_a_note_not_a_sum_warning(tmp_path, writer):
    """A station's 总数 as =B5+B6: saved as 0 it read as "总数 应为 3，实为 0" per column. Now it is read as not
    filled and said once; calculated or typed, it is read and agrees with its parts."""
    from toolkit.monthly.stat_forms import read_stat_form

    lines = [("一、法律援助案件总数", F("=B5+B6", 3), F("=C5+C6", 9)), ("1.刑事案件", 1, 4), ("2.民事案件", 2, 5),
             ("四、受援人数", 3, 9)]
    grid = [["第1司法所法律援助工作统计月报表（2023年3月）"], ["填报单位：第1司法所", None, "单位：件、人次、元"],
            ["项目", "本月", "本年累计"]] + [list(x) for x in lines]
    path = tmp_path / f"{writer}.xlsx"
    _write(path, writer, [("3月", grid)])
    (sheet,) = read_workbook(path)
    form = read_stat_form(sheet, path.name)
    assert form.findings == []
    said = [n for n in form.notes if STALE in n]
    total = form.line("案件总数").values
    if writer in UNCALCULATED:
        (note,) = said
        assert "B4、C4 2 个公式单元格" in note and "按 F9" in note
        assert total.get("本月") is None and total.get("本年累计") is None
    else:
        assert said == [] and (total["本月"], total["本年累计"]) == (3, 9)
