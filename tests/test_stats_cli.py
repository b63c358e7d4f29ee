"""`legalaid stats` end to end: every filled cell of the standard layout and of a user template, JSON, privacy."""

import html
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName

from conftest import sha256
from stats_ledger import EXPECTED_2023, PERSONAL_TEXT, person_id, write_ledger, write_previous
from toolkit.cli.main import main
from toolkit.io.excel_read import read_workbook
from toolkit.stats.compute import default_catalog

PREVIOUS_2022 = {"cases.total": 5, "cases.刑事": 1, "cases.民事": 4, "help.total": 1, "persons.total": 7,
                 "groups.农民工": 2, "money.挽回经济损失": Decimal("10000.00"), "consultations.来访": 5,
                 "consultations.total": 5, "quality.优秀": 1}


@pytest.fixture
def books(tmp_path):
    return write_ledger(tmp_path / "台账.xlsx"), write_previous(tmp_path / "上年台账.xlsx")


def cached(path, sheet):
    """Cell values as Excel shows them (formula results cached in the file), via the toolkit's reader."""
    return next(s for s in read_workbook(path) if s.name == sheet)


def expected(key):
    v = EXPECTED_2023[key]
    return float(Decimal(v)) if isinstance(v, str) else v


def test_standard_layout_cell_by_cell(books, capsys):
    ledger, previous = books
    before = sha256(ledger)
    assert main(["stats", str(ledger), "--previous", str(previous)]) == 1     # done, with findings
    out = ledger.with_name("台账_统计.xlsx")
    assert sha256(ledger) == before
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["统计表", "月度统计", "律师统计", "律所统计", "校验结果"]
    ws = book["统计表"]
    values = cached(out, "统计表")
    assert ws["A1"].value == "法律援助工作统计表（2023年）"
    assert "指派日期" in ws["A3"].value and "可重叠" in ws["A3"].value
    assert [c.value for c in ws[4]] == ["类别", "项目", "统计键", "单位", "本期", "上年同期", "增减", "增减率(%)"]
    catalog = default_catalog()
    keys = [s.key for s in catalog.stats]
    seen = []
    for r in range(5, 5 + len(keys)):
        key = ws.cell(r, 3).value
        seen.append(key)
        assert ws.cell(r, 2).value == catalog.spec(key).name
        assert ws.cell(r, 5).value == expected(key), key
        assert ws.cell(r, 7).value.startswith("=IF(")               # live formulas for the change
        cur, prev = ws.cell(r, 5).value, ws.cell(r, 6).value
        assert values.rows[r - 1][6] == pytest.approx(cur - prev), key
        if key in PREVIOUS_2022:
            assert prev == float(PREVIOUS_2022[key]), key
        pct = values.rows[r - 1][7]
        if prev:
            assert pct == pytest.approx(round((cur - prev) / prev * 100, 2)), key
        else:
            assert pct in (None, ""), key
    assert seen == keys
    assert ws.cell(5 + len(keys), 2).value is None
    row_of = {key: 5 + i for i, key in enumerate(keys)}
    assert ws.cell(row_of["money.挽回经济损失"], 5).number_format == "#,##0.00"
    assert ws.cell(row_of["cases.民事"], 5).number_format == "#,##0"
    assert values.rows[4][:8] == ["法律援助案件", "法律援助案件合计", "cases.total", "件", 8, 5, 3, 60]

    months = book["月度统计"]
    mv = cached(out, "月度统计")
    header = [c.value for c in months[2]]
    col = header.index("法律援助案件合计") + 1
    assert [months.cell(r, col).value for r in range(3, 15)] == [1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 0]
    assert months.cell(15, 1).value == "第1季度" and months.cell(15, col).value.startswith("=SUM(")
    assert [mv.rows[r][col - 1] for r in range(14, 19)] == [3, 2, 2, 1, 8]
    last_year = header.index("上年同月·法律援助案件合计") + 1
    assert mv.rows[18][last_year - 1] == 5

    lawyers = cached(out, "律师统计")
    assert lawyers.rows[1][:4] == ["承办律师", "律师事务所", "案件数", "法律帮助事项数"]
    assert [r[:4] for r in lawyers.rows[2:5]] == [["李律师", "乙律师事务所", 3, 0], ["王律师", "甲律师事务所", 3, 1],
                                                  ["赵律师", "丙律师事务所", 2, 2]]
    assert lawyers.rows[5][:4] == ["合计", None, 8, 3]
    firms = cached(out, "律所统计")
    assert firms.rows[2][:4] == ["乙律师事务所", 3, 0, 6]

    problems = cached(out, "校验结果")
    assert "因错误未计入：1" in problems.rows[0][0]
    assert [(r[2], r[3]) for r in problems.rows[2:]] == [("案件台账", 14), ("案件台账", 15), ("咨询登记", 8), ("咨询登记", 9)]

    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    kinds = sorted(next(k for k in ("pieChart", "barChart", "lineChart") if f"<c:{k}>" in c) for c in charts)
    assert kinds == ["barChart", "barChart", "lineChart", "pieChart"]   # mix, this vs last year ×2, monthly trend
    assert any("'统计表'!$E$6:$E$11" in c for c in charts)              # charts read the cells: live when edited
    text = capsys.readouterr().out
    assert "统计期间：2023年" in text and "法律援助案件合计：8 件" in text


def test_rerun_gives_the_same_file(books, tmp_path):
    ledger, _ = books
    main(["stats", str(ledger), "-o", str(tmp_path / "a.xlsx")])
    main(["stats", str(ledger), "-o", str(tmp_path / "b.xlsx")])
    assert sha256(tmp_path / "a.xlsx") == sha256(tmp_path / "b.xlsx")


def test_json_document(books, capsys):
    ledger, previous = books
    assert main(["stats", str(ledger), "--previous", str(previous), "--period", "2023Q1", "--json",
                 "-o", str(ledger.with_name("q1.xlsx"))]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"period", "values", "previous", "unfilled_keys", "not_combined", "findings"}
    assert doc["period"] == "2023Q1"
    assert doc["values"]["cases.total"] == 3 and doc["previous"]["cases.total"] == 1
    assert doc["values"]["money.挽回经济损失"] == "30000.00"                 # amounts as decimal strings
    assert doc["values"]["lawyers.王律师.cases"] == 2
    assert doc["unfilled_keys"] == []
    assert {(f["sheet"], f["row"]) for f in doc["findings"]} == {("案件台账", 14), ("案件台账", 15), ("咨询登记", 8),
                                                                ("咨询登记", 9)}


def user_template(path):
    """The centre's own layout: title merge, styles, its own formulas, placeholders in cells and text, a named cell."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "本单位统计"
    ws["A1"] = "某县法律援助统计（自制）"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"], ws["B2"], ws["C2"] = "刑事", "{{cases.刑事}}", "{{prev.cases.刑事}}"
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B2"].number_format = "0.0"
    ws["A3"], ws["B3"], ws["C3"] = "民事", "{{ cases.民事 }}", "{{prev.cases.民事}}"
    ws["A4"], ws["B4"], ws["C4"] = "合计", "=B2+B3", "=C2+C3"
    ws["A5"] = "本期共办理{{cases.total}}件，挽回损失{{money.挽回经济损失}}元（{{period}}）"
    ws["A6"], ws["B6"] = "写错的键", "{{cases.不存在}}"
    ws["A7"], ws["B7"] = "命名单元格", None
    ws["A8"], ws["B8"] = "讨薪（万元）", "{{money.农民工讨薪.万元}}"
    ws["D9"] = "备注：本表自制"
    book.defined_names["help.total"] = DefinedName("help.total", attr_text="'本单位统计'!$B$7")
    book.save(path)
    return path


def test_user_template_filled_and_everything_else_kept(books, tmp_path, capsys):
    ledger, previous = books
    template = user_template(tmp_path / "我的模板.xlsx")
    before = sha256(template)
    out = tmp_path / "填好的.xlsx"
    assert main(["stats", str(ledger), "--previous", str(previous), "--template", str(template), "-o", str(out),
                 "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["unfilled_keys"] == ["cases.不存在"]
    assert any(f["message"].startswith("统计键“cases.不存在”不存在") and f["column"] == "B6" for f in doc["findings"])
    assert sha256(template) == before
    ws = openpyxl.load_workbook(out)["本单位统计"]
    assert [ws[c].value for c in ("B2", "C2", "B3", "C3", "B7", "B8")] == [2, 1, 2, 4, 3, 3.5]
    assert ws["A5"].value == "本期共办理8件，挽回损失31,500.00元（2023年）"
    assert ws["B6"].value == "{{cases.不存在}}"                         # unknown keys are not guessed
    assert ws["B4"].value == "=B2+B3" and ws["C4"].value == "=C2+C3"     # their formulas survive
    assert ws["A1"].value == "某县法律援助统计（自制）" and ws["A1"].font.bold and ws["A1"].font.size == 16
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws["B2"].fill.fgColor.rgb.endswith("FFFF00") and ws["B2"].number_format == "0.0"
    assert ws["D9"].value == "备注：本表自制"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["本单位统计", "校验结果"]


def test_template_without_previous_empties_prev_cells_and_reports_only_unknown_keys(books, tmp_path, capsys):
    ledger, _ = books
    template = user_template(tmp_path / "我的模板.xlsx")
    out = tmp_path / "o.xlsx"
    main(["stats", str(ledger), "--template", str(template), "-o", str(out), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["previous"] is None
    # no previous-year ledger: nothing to compare with (said once), not a problem per prev.… cell
    assert doc["unfilled_keys"] == ["cases.不存在"]
    assert not any("prev." in (f["message"] or "") for f in doc["findings"])
    cells = [v for row in openpyxl.load_workbook(out)["本单位统计"].iter_rows(values_only=True) for v in row]
    assert not any(isinstance(v, str) and "{{prev." in v for v in cells)


def test_no_personal_data_in_any_output(books, tmp_path):
    ledger, previous = books
    outputs = [tmp_path / "std.xlsx", tmp_path / "tpl.xlsx"]
    main(["stats", str(ledger), "--previous", str(previous), "-o", str(outputs[0])])
    main(["stats", str(ledger), "--template", str(user_template(tmp_path / "t.xlsx")), "-o", str(outputs[1])])
    for out in outputs:
        with zipfile.ZipFile(out) as z:
            text = html.unescape("".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
        leaked = [p for p in PERSONAL_TEXT if p in text]
        assert leaked == [], (out.name, leaked)
        assert "王律师" in text or out.name == "tpl.xlsx"       # lawyers are named, aided persons are not
    with zipfile.ZipFile(ledger) as z:                       # the check does see names and IDs where they are
        text = html.unescape("".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
    assert "测试甲某" in text and "咨询甲某" in text and person_id(1) in text


def test_never_writes_over_an_input(books, capsys):
    ledger, _ = books
    before = sha256(ledger)
    assert main(["stats", str(ledger), "-o", str(ledger)]) == 2
    assert "输出文件不能与输入文件相同" in capsys.readouterr().err
    assert sha256(ledger) == before


def test_bad_period_and_missing_sheet_are_chinese_errors(books, capsys):
    ledger, _ = books
    assert main(["stats", str(ledger), "--period", "2023年春"]) == 2
    assert "统计期间“2023年春”无法识别" in capsys.readouterr().err
    assert main(["stats", str(ledger), "--consultations", "咨询表"]) == 2
    assert "找不到咨询登记工作表“咨询表”" in capsys.readouterr().err


def test_list_keys(capsys):
    assert main(["stats", "--list-keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = dict(line.split("\t")[:2] for line in lines)
    assert table["cases.民事"] == "民事案件"
    assert table["groups.农民工"] == "农民工"
    assert table["consultations.来电"] == "来电咨询（含12348热线）"
    assert "lawyers.<承办律师>.cases" in table


SHIPPED = __import__("pathlib").Path(__file__).resolve().parent.parent / "workbooks"


def test_shipped_stats_template_filled(books, tmp_path, capsys):
    ledger, previous = books
    out = tmp_path / "统计.xlsx"
    assert main(["stats", str(ledger), "--previous", str(previous), "--template", str(SHIPPED / "统计表模板.xlsx"),
                 "-o", str(out), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["unfilled_keys"] == []
    ws = openpyxl.load_workbook(out)["统计表"]
    keys = [s.key for s in default_catalog().stats]
    for r, key in enumerate(keys, start=5):
        assert ws.cell(r, 3).value == key
        assert ws.cell(r, 5).value == expected(key), key
        if key in PREVIOUS_2022:
            assert ws.cell(r, 6).value == float(PREVIOUS_2022[key]), key
        assert ws.cell(r, 7).value.startswith("=IF(AND(ISNUMBER(")       # the template's formulas stay
    assert ws["A2"].value.startswith("统计期间：2023年")
    with zipfile.ZipFile(out) as z:                                      # and so do its native charts
        assert len([n for n in z.namelist() if n.startswith("xl/charts/chart")]) == 2


def test_shipped_evaluation_template_filled(books, tmp_path):
    ledger, _ = books
    out = tmp_path / "自评.xlsx"
    main(["stats", str(ledger), "--template", str(SHIPPED / "绩效自评表模板.xlsx"), "-o", str(out)])
    ws = openpyxl.load_workbook(out)["绩效自评表"]
    filled = {ws.cell(r, 3).value: ws.cell(r, 7).value for r in range(7, 16)}
    assert filled["办理法律援助案件数"] == 8 and filled["法律咨询人次"] == 10
    assert filled["为农民工讨回工资"] == 3.5                               # money.农民工讨薪.万元
    assert filled["案件按期指派率"] is None                                # no key: left for the user
    assert ws.cell(7, 9).value.startswith("=IF(ISNUMBER(G7)")


def test_xls_template_is_refused_in_chinese(books, tmp_path, capsys):
    ledger, _ = books
    (tmp_path / "旧模板.xls").write_bytes(b"x")
    assert main(["stats", str(ledger), "--template", str(tmp_path / "旧模板.xls")]) == 2
    assert "统计表模板必须是 .xlsx 或 .xlsm 文件" in capsys.readouterr().err
