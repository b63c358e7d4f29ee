"""Ledger workbooks that also hold a summary sheet, and statistics forms with money written as text with a unit.

Corpus: tests/summary_corpus.py (`python tests/summary_corpus.py --measure DIR` measures the whole corpus: 100 ledger
workbooks and 52 forms). Before this branch (code at 22d1683) a summary sheet named without 汇总/统计 and placed
first was read AS the ledger (stats: exit 2 "没有可用的指派日期"; subsidy: 3 "cases" of 36), every left-out summary
was a warning in `stats` (exit 1) but nothing in `subsidy`, no summary figure was compared with the ledger, and a
form's "3.5万元" was dropped silently ("35,000元" under a 万元 label read as 3.5亿).

Measured on the whole corpus (2026-11-30; findings of `stats` and `subsidy` together, a finding counts when it is at
a planted (sheet, row)): ledger workbooks before 8 found / 34 false / 96 missed (precision 0.19, recall 0.08),
after 104 / 0 / 0 (1.00, 1.00), every case count exact; forms before 0 of 26 unreadable texts reported and 36 of 52
挽回经济损失 figures missing or wrong, after 26 / 0 false, all 52 exact in 元.
"""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from summary_corpus import MONEY_WRITINGS, ledger_book, run_ledger, stat_form
from toolkit.cli.main import main
from toolkit.io.excel_read import read_workbook
from toolkit.monthly.stat_forms import read_stat_form

# one of each: layout, kind of summary, name, place, hidden, plain / formulas with results / never calculated, unit
VARIANTS = [
    dict(layout="months", kind="type", name="汇总", first=False, hidden=False, values="formulas", unit="元"),
    dict(layout="months", kind="type", name="Sheet2", first=True, hidden=True, values="plain", unit="万元",
         month_names="cn"),
    dict(layout="quarters", kind="month", name="全年汇总", first=True, hidden=False, values="plain", unit="万元"),
    dict(layout="single", kind="month", name="统计", first=False, hidden=True, values="uncalculated", unit="元"),
    dict(layout="months", kind="cross", name="合计", first=True, hidden=False, values="formulas", unit="元",
         month_names="year"),
    dict(layout="single", kind="cross", name="分类统计", first=False, hidden=False, values="plain", unit="元"),
    dict(layout="months", kind="copy", name="全年汇总", first=False, hidden=False, values="plain", unit="元"),
    dict(layout="quarters", kind="copy", name="总表", first=True, hidden=True, values="plain", unit="元"),
]
IDS = [f"{v['layout']}-{v['kind']}-{v['name']}-{v['values']}-{v['unit']}" for v in VARIANTS]


@pytest.mark.parametrize("seed,variant", list(enumerate(VARIANTS)), ids=IDS)
def test_a_consistent_workbook_with_a_summary_gives_no_finding_and_counts_each_case_once(seed, variant, tmp_path):
    book = ledger_book(tmp_path, seed, slip=False, **variant)
    runs = run_ledger(book, tmp_path)
    for command, (code, doc) in runs.items():
        assert doc["findings"] == [], (command, doc["findings"])
        assert code == 0, command
        cases = doc["values"]["cases.total"] if command == "stats" else doc["cases"]
        assert cases == book.cases, command
    code, doc = runs["subsidy"]
    assert Decimal(doc["total_yuan"]) == book.total           # the summary's money is not added on top
    assert runs["stats"][1]["not_combined"] == doc["not_combined"]      # both commands say the same
    (left,) = [s for s in doc["not_combined"] if s["sheet"] == book.summary]
    assert ("未核对" in left["reason"]) == (not book.checked or variant["values"] == "uncalculated")


@pytest.mark.parametrize("seed,variant", list(enumerate(VARIANTS)), ids=IDS)
def test_a_changed_summary_figure_is_one_warning_at_its_cell(seed, variant, tmp_path):
    book = ledger_book(tmp_path, seed, slip=True, **variant)
    ((sheet, row),) = book.slips
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["severity"], finding["sheet"], finding["row"]) == ("warning", sheet, row), command
        assert code == 1 or command == "subsidy"          # subsidy exits 1 for errors only (README)
        if variant["kind"] != "copy":
            assert "汇总表本身不计入统计" in finding["message"] and f"{sheet}」" in finding["message"]
        else:
            assert finding["column"] == "补贴金额" and "但“补贴金额”不同" in finding["message"]


def test_a_typo_in_the_ledger_is_one_error_and_no_summary_warning(tmp_path):
    variant = dict(VARIANTS[0], kind="type")
    book = ledger_book(tmp_path, 3, slip=False, ledger_slip=True, **variant)
    for command, (code, doc) in run_ledger(book, tmp_path).items():
        (finding,) = doc["findings"]
        assert (finding["severity"], finding["sheet"], finding["row"]) == ("error", *book.slips[0]), command


def test_a_summary_placed_first_under_a_plain_name_is_not_taken_for_the_ledger(tmp_path, capsys):
    """The reproduction: 案件类型 | 件数 | 受援人数 | 挽回经济损失 | 补贴金额 in a sheet "Sheet13" before 1月…12月."""
    book = ledger_book(tmp_path, 5, layout="months", kind="type", name="Sheet13", first=True, hidden=False,
                       values="plain", unit="元", slip=False)
    wb = openpyxl.load_workbook(book.path)
    ws = wb["Sheet13"]
    ws.insert_cols(3)
    ws["C2"] = "受援人数"
    wb.save(book.path)
    assert main(["stats", str(book.path), "-o", str(tmp_path / "s.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "台账：合并了 12 个工作表" in out
    assert f"未合并 {book.name}「Sheet13」：是汇总表（按案件类型的合计），不作为台账读取、不重复计入" in out
    result = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    rows = list(result["校验结果"].iter_rows(values_only=True))
    result.close()
    assert not any("Sheet13" in str(v) for r in rows for v in r if v)


def test_formulas_without_results_are_said_not_compared(tmp_path, capsys):
    """openpyxl writes formulas with no cached result: the cells read blank; the note says why nothing was checked."""
    book = ledger_book(tmp_path, 2, layout="months", kind="type", name="汇总", first=False, hidden=False,
                       values="plain", unit="元", slip=False)
    wb = openpyxl.load_workbook(book.path)
    for r in range(3, 8):
        wb["汇总"][f"B{r}"] = f"=COUNTIF('1月'!D:D,A{r})"
        wb["汇总"][f"C{r}"] = f"=SUMIF('1月'!D:D,A{r},'1月'!I:I)"
    wb.save(book.path)
    assert main(["subsidy", str(book.path), "-o", str(tmp_path / "o.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "「汇总」：是汇总表（按案件类型的合计），不作为台账读取、不重复计入；公式未重新计算：「汇总」B3、C3、B4等 10 个公式" in out
    assert "按 F9" in out


# ---------------------------------------------------------------- statistics forms: money with units


@pytest.mark.parametrize("i", range(len(MONEY_WRITINGS)), ids=[w[0] + "·" + w[1] for w in MONEY_WRITINGS])
def test_money_written_with_its_unit_is_read_exactly_in_yuan(i, tmp_path):
    form = stat_form(tmp_path, i, slip=False)
    read = read_stat_form(read_workbook(form.path)[0], form.name)
    money = read.line("挽回经济损失").values["本月"]
    assert money == form.money and money.as_tuple().exponent >= -2, MONEY_WRITINGS[i]   # exact, at most to the 分
    assert read.line("讨薪金额").values["本月"] == form.wage
    assert [f for f in read.findings] == []


def test_money_text_that_cannot_be_read_is_an_error_at_its_cell_never_zero(tmp_path):
    form = stat_form(tmp_path, 1, slip=True)
    read = read_stat_form(read_workbook(form.path)[0], form.name)
    (finding,) = read.findings
    sheet, row, cell = form.slips[0]
    assert (finding.severity, finding.file, finding.sheet, finding.row, finding.column) == \
        ("error", form.name, sheet, row, cell)
    assert "“约2万”不是可识别的数字" in finding.message and "不按 0 计" in finding.message
    assert "本月" not in read.line("讨薪金额").values            # left out, not 0


def test_a_money_text_on_a_count_line_is_an_error(tmp_path):
    form = stat_form(tmp_path, 0, slip=False)
    wb = openpyxl.load_workbook(form.path)
    ws = wb.worksheets[0]
    ws["B5"] = "1万元"                                         # 1.刑事案件 本月
    wb.save(form.path)
    read = read_stat_form(read_workbook(form.path)[0], form.name)
    errors = [f for f in read.findings if f.severity == "error"]
    assert [(f.row, f.column) for f in errors] == [(5, "B5")] and "以件计" in errors[0].message


def test_reformat_writes_the_yuan_amount_of_a_money_text(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    form = stat_form(folder, 5, slip=False)           # "3.5万元" under a 万元 label (MONEY_WRITINGS[5])
    assert MONEY_WRITINGS[5][:2] == ("3.5万元", "万元")
    code = main(["reformat", str(folder), "-o", str(tmp_path / "out"), "--json"])
    capsys.readouterr()
    assert code in (0, 1)
    book = openpyxl.load_workbook(tmp_path / "out" / "统计月报汇总.xlsx", read_only=True)
    found = [r for ws in book.worksheets for r in ws.iter_rows(values_only=True)
             if r and any(isinstance(v, str) and "挽回经济损失" in v for v in r)]
    book.close()
    numbers = {Decimal(str(v)) for r in found for v in r if isinstance(v, (int, float))}
    assert form.money == Decimal(35000) and Decimal(35000) in numbers and Decimal(350000000) not in numbers


def test_the_statistics_button_pressed_on_the_summary_sheet_counts_the_ledger(tmp_path):
    """填写统计表 with the summary sheet active: before, a summary headed 案件类型 … 补贴金额 was read as the ledger."""
    from toolkit.excel.buttons.stats import statistics_plan

    book = ledger_book(tmp_path, 4, layout="months", kind="type", name="汇总", first=True, hidden=False,
                       values="plain", unit="元", slip=False)
    wb = openpyxl.load_workbook(book.path)
    wb["汇总"].insert_cols(3)
    wb["汇总"]["C2"] = "受援人数"                         # 案件类型, 受援人数, 补贴金额: three ledger column names
    wb.save(book.path)
    sheets = read_workbook(book.path)
    layout, fill, message = statistics_plan(sheets, {}, {}, active="汇总", file=book.name)
    assert f"案件 {book.cases} 件" in message and "发现" not in message


def test_a_folder_of_workbooks_each_with_its_own_summary(tmp_path, capsys):
    """Each station's file sums its own rows: its summary is compared with that file's rows only."""
    folder = tmp_path / "各站"
    folder.mkdir()
    one = ledger_book(folder, 6, layout="single", kind="type", name="汇总", first=False, hidden=False,
                      values="plain", unit="元", slip=False)
    two = ledger_book(folder, 7, layout="months", kind="month", name="统计", first=True, hidden=False,
                      values="formulas", unit="元", slip=True)
    for command in ("stats", "subsidy"):
        main([command, str(folder), "--json", "-o", str(tmp_path / f"{command}.xlsx")])
        doc = json.loads(capsys.readouterr().out)
        assert [(f["sheet"], f["row"]) for f in doc["findings"]] == two.slips, command
        assert doc["findings"][0].get("file", two.name) == two.name
        cases = doc["values"]["cases.total"] if command == "stats" else doc["cases"]
        assert cases == one.cases + two.cases
