"""`legalaid validate` on the corpus of real layouts (tests/budget_corpus.py): consistent workbooks give no finding
at all; every planted slip is reported once, at its cell (or, for a slip that only breaks one relation, at a cell
of that relation), and nothing else is reported."""

from __future__ import annotations


import openpyxl
import pytest

from budget_corpus import consistent_cases, planted_cases
from budget_corpus import hits as _hits, validate
from toolkit.cli import main as cli
CONSISTENT = consistent_cases()
PLANTED = planted_cases()



@pytest.mark.parametrize("case", CONSISTENT, ids=[c.name for c in CONSISTENT])
def test_consistent_published_layouts_give_no_error_and_no_warning(case, tmp_path, capsys):
    path = case.write(tmp_path / f"{case.name}.xlsx")
    code, data = validate(capsys, path)
    assert (data["errors"], data["warnings"]) == (0, 0), [f["message"] for f in data["findings"]]
    assert code == 0


@pytest.mark.parametrize("case", PLANTED, ids=[c.name for c in PLANTED])
def test_each_planted_slip_is_found_once_at_its_cell_and_nothing_else(case, tmp_path, capsys):
    path = case.write(tmp_path / f"{case.name}.xlsx")
    code, data = validate(capsys, path)
    findings = data["findings"]
    for expected in case.planted:
        assert sum(_hits(expected, f) for f in findings) == 1, (expected, [f["message"] for f in findings])
    false = [f for f in findings if not any(_hits(e, f) for e in case.planted)]
    assert false == [], [f["message"] for f in false]
    assert code == 1 and data["errors"] >= 1


def test_the_corpus_covers_the_published_features(tmp_path):
    """The generated workbooks really have what breaks naive readers (read back cell by cell)."""
    case = next(c for c in CONSISTENT if c.name == "公开表_元_文本_分列编码")
    wb = openpyxl.load_workbook(case.write(tmp_path / "x.xlsx"))
    ws = wb["公开03表"]
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert "公开03表" in texts and "金额单位：元" in texts and "栏次" in texts
    assert {"类", "款", "项"} <= set(texts) and any(t.startswith("注：") for t in texts)
    assert any("," in t and t.replace(",", "").replace(".", "").isdigit() for t in texts)   # "1,402,000.00"
    assert "F4:H4" in {str(r) for r in ws.merged_cells.ranges}          # 基本支出 over 小计 | 人员经费 | 公用经费
    assert [ws.cell(5, c).value for c in range(6, 9)] == ["小计", "人员经费", "公用经费"]
    six = openpyxl.load_workbook(next(c for c in CONSISTENT if c.name == "公开表_万元").write(tmp_path / "y.xlsx"))
    header = [c.value for c in six["公开06表"][5]]
    assert header.count("科目编码") == 3 and header.count("决算数") == 3


def test_precision_and_recall_over_the_corpus(tmp_path, capsys):
    """Over all planted slips: every one found (recall 1) and no finding elsewhere (precision 1)."""
    found = missed = false = 0
    for case in CONSISTENT + PLANTED:
        _, data = validate(capsys, case.write(tmp_path / f"{case.name}.xlsx"))
        for expected in case.planted:
            if any(_hits(expected, f) for f in data["findings"]):
                found += 1
            else:
                missed += 1
        false += sum(not any(_hits(e, f) for e in case.planted) for f in data["findings"])
    assert found >= 19 and missed == 0 and false == 0, (found, missed, false)


def test_empty_tables_are_listed_as_unchecked_with_the_reason(tmp_path, capsys):
    case = CONSISTENT[0]
    _, data = validate(capsys, case.write(tmp_path / "x.xlsx"))
    assert [u["sheet"] for u in data["unchecked_sheets"]] == ["公开08表", "公开09表"]
    assert all("空表" in u["reason"] for u in data["unchecked_sheets"])
    out = tmp_path / "out.xlsx"
    cli.main(["validate", str(tmp_path / "x.xlsx"), "-o", str(out)])
    rows = list(openpyxl.load_workbook(out)["校验结果"].iter_rows(values_only=True))
    assert [r[1] for r in rows if r[0] == "未校验"] == ["公开08表", "公开09表"]
