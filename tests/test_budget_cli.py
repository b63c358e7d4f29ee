"""`legalaid validate` on real workbook files: the sample's planted errors, the annotated copy, bad input."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from toolkit.cli import main as cli
ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_sample_budget", ROOT / "workbooks" / "make_sample_budget.py")
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("budget")
    return sample.build(d / "示例决算.xlsx"), sample.build(d / "正确决算.xlsx", planted=False)


def test_every_planted_error_is_found_at_its_cell_with_the_expected_value_and_nothing_else(books, capsys):
    code, out, _ = run(capsys, books[0], "--json")
    data = json.loads(out)
    assert code == 1
    got = {(f["sheet"], f["cell"]): f for f in data["findings"]}
    planted = {(s, c): expected for s, c, _, expected, _ in sample.PLANTED}
    assert set(got) == set(planted)
    for key, expected in planted.items():
        if expected is not None:
            assert Decimal(got[key]["expected"]) == Decimal(expected), got[key]
    assert data["errors"] == len(planted) and data["warnings"] == 0
    f = got[("支出决算表", "C17")]
    assert f["message"].startswith("疑似单位错误：元/万元") and f["actual"] == "60400"
    f = got[("基本支出决算表", "E19")]
    assert "已尝试的基数" in f["message"] and f["difference"] == "2"
    assert "写法有误" in got[("校验规则", "A5")]["message"]


def test_the_committed_sample_is_what_the_script_builds(books):
    committed = ROOT / "workbooks" / "示例决算.xlsx"
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(books[0]) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_the_same_tables_without_planted_errors_give_no_findings(books, capsys):
    code, out, _ = run(capsys, books[1], "--json")
    assert code == 0
    assert json.loads(out) == {"errors": 0, "warnings": 0, "findings": [], "unchecked_sheets": []}
    code, out, _ = run(capsys, books[1])
    assert code == 0 and "校验通过" in out


def test_annotated_copy_has_results_sheet_links_and_highlights_and_input_is_unchanged(books, tmp_path, capsys):
    src = books[0]
    before = sha256(src)
    out = tmp_path / "结果.xlsx"
    code, text, _ = run(capsys, src, "-o", out)
    assert code == 1 and "已生成" in text
    assert sha256(src) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "校验结果"
    ws = wb["校验结果"]
    assert [c.value for c in ws[1]] == ["严重程度", "位置", "规则", "期望值", "实际值", "差额", "说明"]
    rows = {ws.cell(r, 2).value: r for r in range(2, ws.max_row + 1)}
    r = rows["支出决算表!D5"]
    assert ws.cell(r, 1).value == "错误"
    assert ws.cell(r, 4).value == pytest.approx(203.7) and ws.cell(r, 5).value == pytest.approx(230.7)
    assert ws.cell(r, 6).value == pytest.approx(27)
    assert ws.cell(r, 2).hyperlink.location == "'支出决算表'!D5"
    cell = wb["支出决算表"]["D5"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "应为" in cell.comment.text
    assert cell.value == pytest.approx(230.7)        # the user's figures are not touched
    untouched = wb["支出决算表"]["D6"]
    assert untouched.comment is None and not untouched.fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["支出决算表"]["C5"].number_format == "#,##0.00"


def test_rerun_on_the_annotated_copy_replaces_highlights_instead_of_stacking(books, tmp_path, capsys):
    first, second = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    run(capsys, books[0], "-o", first)
    code, out, _ = run(capsys, first, "-o", second, "--json")
    assert code == 1
    assert json.loads(out)["errors"] == len(sample.PLANTED)   # the 校验结果 sheet itself is not checked
    a, b = openpyxl.load_workbook(first), openpyxl.load_workbook(second)
    assert a.sheetnames == b.sheetnames and b.sheetnames.count("校验结果") == 1
    for name in a.sheetnames:
        for ra, rb in zip(a[name].iter_rows(), b[name].iter_rows()):
            for ca, cb in zip(ra, rb):
                assert (ca.value, ca.fill.fgColor.rgb, ca.comment and ca.comment.text) == \
                       (cb.value, cb.fill.fgColor.rgb, cb.comment and cb.comment.text), (name, ca.coordinate)


def test_fixing_the_workbook_and_rerunning_clears_old_highlights(books, tmp_path, capsys):
    second = tmp_path / "二.xlsx"
    run(capsys, books[0], "-o", second)
    # the user corrects the figures (edited here through the patcher, which like Excel keeps the workbook's parts)
    from openpyxl.utils.cell import coordinate_to_tuple
    from toolkit.io.xlsx.patch import XlsxPatch
    p = XlsxPatch(second)
    for s, c, _, expected, _ in sample.PLANTED:
        if expected is not None:
            p.set_cells(s, {coordinate_to_tuple(c): float(expected)})
    p.set_cells("校验规则", {(5, 1): "办案补贴 = 案件补贴 + 值班律师补贴"})
    fixed = tmp_path / "改正.xlsx"
    p.save(fixed)
    third = tmp_path / "三.xlsx"
    code, out, _ = run(capsys, fixed, "-o", third, "--json")
    assert code == 0, out
    wb = openpyxl.load_workbook(third)
    assert wb["支出决算表"]["D5"].comment is None
    assert not wb["支出决算表"]["D5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["校验结果"].cell(2, 3).value == "未发现问题"


def test_sheet_option_and_rules_file(books, tmp_path, capsys):
    code, out, _ = run(capsys, books[0], "--sheet", "三公经费支出决算表", "--json")
    data = json.loads(out)
    assert {(f["sheet"], f["cell"]) for f in data["findings"]} == {
        ("三公经费支出决算表", "D4"), ("三公经费支出决算表", "F8"), ("校验规则", "A5")}
    rules = tmp_path / "规则.txt"
    rules.write_text("# 自定义\n公务接待费 <= 8800\n'三公经费支出决算表'!E4 = 32600 容差 0\n", encoding="utf-8")
    code, out, _ = run(capsys, books[1], "--rules", rules, "--json")
    data = json.loads(out)
    assert code == 1
    got = {(f["sheet"], f["cell"], f["actual"], f["expected"]) for f in data["findings"]}
    assert got == {("三公经费支出决算表", "C9", "9000", "8800"), ("三公经费支出决算表", "D9", "9000", "8800")}


def test_unusable_input_gets_a_chinese_error_and_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "没有.xlsx")
    assert code == 2 and "文件不存在" in err and "没有.xlsx" in err
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(capsys, bad)
    assert code == 2 and "损坏" in err and "Traceback" not in err
    empty = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(empty)
    code, _, err = run(capsys, empty)
    assert code == 2 and "没有任何数据" in err
    notes = tmp_path / "说明.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["本工作簿是说明，没有表格"])
    wb.save(notes)
    code, _, err = run(capsys, notes)
    assert code == 2 and "没有找到可校验的预算/决算表" in err
    ok = tmp_path / "表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["项目", "金额"])
    wb.active.append(["办案补贴", 100])
    wb.save(ok)
    code, _, err = run(capsys, ok, "--sheet", "不存在")
    assert code == 2 and "找不到工作表“不存在”" in err
    code, _, err = run(capsys, ok, "-o", ok)
    assert code == 2 and "不能与输入文件相同" in err
    code, _, err = run(capsys, ok, "--rules", tmp_path / "无.txt")
    assert code == 2 and "规则文件不存在" in err


def test_csv_input_uses_the_decimals_as_written(tmp_path, capsys):
    path = tmp_path / "决算.csv"
    path.write_text("项目,决算数\n合计,12.35\n一、人员经费,10.00\n二、公用经费,2.35\n", encoding="utf-8")
    code, out, _ = run(capsys, path, "--json")
    assert code == 0 and json.loads(out)["findings"] == []
    path.write_text("项目,决算数\n合计,12.35\n一、人员经费,10.00\n二、公用经费,2.33\n", encoding="gb18030")
    code, out, _ = run(capsys, path, "--json")
    [f] = json.loads(out)["findings"]
    assert code == 1 and (f["cell"], f["expected"], f["difference"]) == ("B2", "12.33", "0.02")
