"""The corpus of real-shaped ledgers (tests/ledger_corpus.py): every shape gives exactly its case count and its
subsidy total at the minimum standard, a year in twelve sheets gives the same figures as one sheet, and every sheet
or row not counted is named with its reason."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from ledger_corpus import MONTHS, matters, write_corpus
from toolkit.cli.main import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return {shape.name: shape for shape in write_corpus(folder, n=120, seed=19)}


def _subsidy(capsys, path, out, *extra):
    code = main(["subsidy", str(path), "--json", "-o", str(out), *map(str, extra)])
    return code, json.loads(capsys.readouterr().out)


def _text(capsys, path, out, command="subsidy"):
    code = main([command, str(path), "-o", str(out)])
    return code, capsys.readouterr().out


def test_every_shape_gives_its_exact_count_and_total(corpus, capsys, tmp_path):
    measured = {}
    for name, shape in corpus.items():
        code, doc = _subsidy(capsys, shape.path, tmp_path / f"{name}.xlsx")
        measured[name] = (doc["cases"], doc["total_yuan"])
        assert code == 0, (name, [f["message"] for f in doc["findings"] if f["severity"] == "error"])
        assert doc["cases"] == shape.cases, name
        assert Decimal(doc["total_yuan"]) == shape.total, name
        assert doc["excluded"] == 0, name
        sheets = [s["sheet"] if shape.path.is_file() else s["file"].rsplit(".", 1)[0] for s in doc["sheets"]]
        assert sorted(sheets) == sorted(shape.sheets), name
        assert sum(s["rows"] for s in doc["sheets"]) == shape.cases, name
        named = [(s["sheet"] or s["file"]) for s in doc["not_combined"]]
        assert named == shape.left_out, name
        assert all(s["reason"] for s in doc["not_combined"]), name
    assert len(set(measured.values())) == 1        # the same 120 matters, whatever the layout


def test_twelve_sheets_give_the_same_figures_as_one_sheet(corpus, capsys, tmp_path):
    one = _subsidy(capsys, corpus["一张表"].path, tmp_path / "one.xlsx")[1]
    year = _subsidy(capsys, corpus["十二个月"].path, tmp_path / "year.xlsx")[1]
    for key in ("cases", "total_yuan", "by_type", "scenarios", "excluded"):
        assert one[key] == year[key], key
    stats = {}
    for name in ("一张表", "十二个月", "季度小计", "工作站文件夹"):
        assert main(["stats", str(corpus[name].path), "--json", "-o", str(tmp_path / f"s-{name}.xlsx")]) in (0, 1)
        stats[name] = json.loads(capsys.readouterr().out)["values"]
    assert stats["一张表"]["cases.total"] == 120
    assert stats["一张表"] == stats["十二个月"] == stats["季度小计"] == stats["工作站文件夹"]


def test_the_summary_names_what_was_combined_and_what_was_not(corpus, capsys, tmp_path):
    code, text = _text(capsys, corpus["十二个月"].path, tmp_path / "y.xlsx")
    assert "合并了 12 个工作表：" + "、".join(MONTHS) in text
    assert "未合并 按月分表.xlsx「全年汇总」：工作表名含“汇总”，是各表的汇总或副本：120 行与各表中的行逐行相同" in text
    assert "合计/小计行 12 行" in text
    code, text = _text(capsys, corpus["按律师"].path, tmp_path / "l.xlsx")
    assert "未合并 按律师.xlsx「律师名册」：表头与按律师.xlsx「张明」不同（缺少" in text
    code, text = _text(capsys, corpus["工作站文件夹"].path, tmp_path / "f.xlsx")
    assert "未合并 损坏的文件.xlsx：文件已损坏" in text
    code, text = _text(capsys, corpus["隐藏行"].path, tmp_path / "h.xlsx")
    assert f"在 Excel 中是隐藏或被筛选掉的行，也已读取（共 {corpus['隐藏行'].hidden} 行）" in text
    code, text = _text(capsys, corpus["季度小计"].path, tmp_path / "q.xlsx")
    assert "合计/小计行 16 行" in text          # 12 month subtotals and 4 quarter totals
    code, text = _text(capsys, corpus["合并单元格"].path, tmp_path / "m.xlsx")
    assert "合并单元格的值已用于其覆盖的每一行" in text
    code, text = _text(capsys, corpus["文字日期和单位"].path, tmp_path / "d.xlsx")
    assert "没有写年份（如“3月5日”），按标题中的 2023 年读取" in text
    # the stats summary says the same; the left-out copy agrees row by row with the months: a note, not a finding
    code, text = _text(capsys, corpus["十二个月"].path, tmp_path / "ys.xlsx", "stats")
    assert "台账：合并了 12 个工作表" in text and "法律援助案件合计：120 件" in text
    assert "台账：未合并 按月分表.xlsx「全年汇总」：工作表名含“汇总”，是各表的汇总或副本" in text
    book = openpyxl.load_workbook(tmp_path / "ys.xlsx", read_only=True)
    found = [r for r in book["校验结果"].iter_rows(values_only=True) if any("全年汇总" in str(v) for v in r if v)]
    book.close()
    assert found == []


def test_each_month_sheet_gets_its_own_columns_and_totals(corpus, capsys, tmp_path):
    out = tmp_path / "year.xlsx"
    _subsidy(capsys, corpus["十二个月"].path, out)
    expected = {m.number: m.minimum for m in matters(120, 19)}
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:13] == ["填表说明", *MONTHS] and "补贴汇总" in book.sheetnames
    seen = 0
    for month in MONTHS:
        ws = book[month]
        header = [c.value for c in ws[3]]
        amount = header.index("补贴金额(计算)")
        month_total = 0
        for row in ws.iter_rows(min_row=4, values_only=True):
            if row[1] in expected:
                assert row[amount] == expected[row[1]], (month, row[1])
                month_total += expected[row[1]]
                seen += 1
            elif row[0] == "合计":
                assert row[amount] == month_total, month        # the sheet's own 合计, not the year's
        assert "全年汇总" not in header
    assert seen == 120
    summary = book["全年汇总"]
    assert "补贴金额(计算)" not in [c.value for c in summary[3]]      # a sheet not combined is left as it was


def test_combined_wording_is_written_into_the_basis(corpus, capsys, tmp_path):
    out = tmp_path / "w.xlsx"
    code, doc = _subsidy(capsys, corpus["类型阶段一格"].path, out)
    assert code == 0 and not [f for f in doc["findings"] if "诉讼阶段" in (f["column"] or "")]
    ws = openpyxl.load_workbook(out)["台账"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)]
    by_type = {}
    for r in rows:
        by_type.setdefault(r["案件类型"], r)
    assert by_type["民事一审"]["计算依据"].startswith("民事 最低标准1,500元")
    assert "“民事一审”读作民事：“一审”是审级，不是刑事诉讼阶段" in by_type["民事一审"]["计算依据"]
    combined = next(r for r in rows if r["案件类型"] == "刑事（审查起诉）" or r["案件类型"] == "刑事审查起诉阶段")
    assert combined["补贴金额(计算)"] == 800 and "读作刑事·审查起诉" in combined["计算依据"]
    everyday = next(r for r in rows if r["诉讼阶段"] == "起诉")
    assert everyday["补贴金额(计算)"] == 800 and "阶段“起诉”读作审查起诉" in everyday["计算依据"]
    civil_second = next(r for r in rows if r["案件类型"] == "民事" and r["诉讼阶段"] == "二审")
    assert civil_second["补贴金额(计算)"] == 1500 and "审级" in civil_second["计算依据"]


def test_sheet_option_still_picks_one(corpus, capsys, tmp_path):
    code, doc = _subsidy(capsys, corpus["十二个月"].path, tmp_path / "m3.xlsx", "--sheet", "3月")
    march = [m for m in matters(120, 19) if m.assigned.month == 3]
    assert doc["cases"] == len(march) and Decimal(doc["total_yuan"]) == sum(m.minimum for m in march)
    assert [s["sheet"] for s in doc["sheets"]] == ["3月"] and doc["not_combined"] == []
    code, doc = _subsidy(capsys, corpus["十二个月"].path, tmp_path / "all.xlsx", "--sheet", "全年汇总")
    assert doc["cases"] == 120 and Decimal(doc["total_yuan"]) == corpus["十二个月"].total


def test_a_folder_gives_a_new_workbook_with_a_sheet_per_file(corpus, capsys, tmp_path):
    out = tmp_path / "站.xlsx"
    code, doc = _subsidy(capsys, corpus["工作站文件夹"].path, out)
    book = openpyxl.load_workbook(out)
    assert sorted(book.sheetnames) == sorted(["城关工作站", "草尾工作站", "南大工作站", "补贴汇总"])
    expected = {m.number: m.minimum for m in matters(120, 19)}
    got = {}
    for name in ("城关工作站", "草尾工作站", "南大工作站"):
        ws = book[name]
        header_row = next(r for r in range(1, 5) if ws.cell(r, 2).value == "案号")
        header = [c.value for c in ws[header_row]]
        for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
            if row[1] in expected:
                got[row[1]] = row[header.index("补贴金额(计算)")]
    assert got == expected
    assert [f for f in corpus["工作站文件夹"].path.iterdir() if "补贴" in f.name] == []   # the inputs are untouched
