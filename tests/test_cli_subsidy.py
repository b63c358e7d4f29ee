"""`legalaid subsidy` end to end on real files: output cells, idempotence, input untouched, clear failures."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from conftest import sha256, valid_id
from toolkit.cli.main import main

HEADER = ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "结案日期",
          "补贴金额"]
ROWS = [
    ["(2023)01", "甲", valid_id(), "刑事", "审查起诉、审判", "张", "一所", dt.datetime(2023, 1, 5), dt.datetime(2023, 3, 1), 2300],
    ["(2023)02", "乙", valid_id("43090219900101002"), "民事", None, "李", "二所", dt.datetime(2023, 2, 1), dt.datetime(2023, 3, 9), "1,500元"],
    ["(2023)03", "丙", None, "民亊", None, "李", "二所", dt.datetime(2023, 2, 1), None, 1500],
    ["(2023)04", "丁", None, "行政", None, "王", "二所", dt.datetime(2023, 4, 1), None, "0.2万"],
]


def ledger_with_chart(path):
    """A ledger whose second sheet holds a native chart and an image: both must survive."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("案件台账")
    ws.merge_range("A1:J1", "示例县法律援助中心2023年案件台账")
    ws.write_row(1, 0, HEADER)
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(ROWS, start=2):
        for c, v in enumerate(row):
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, date)
            elif v is not None:
                ws.write(r, c, v)
    ws.write(6, 0, "合计")
    ws.write_formula(6, 9, "=SUM(J3:J6)")
    other = book.add_worksheet("我的图表")
    other.write_column(0, 0, [1, 2, 3])
    chart = book.add_chart({"type": "line"})
    chart.add_series({"values": "='我的图表'!$A$1:$A$3"})
    other.insert_chart("C2", chart)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
           b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
    other.insert_image("C20", "dot.png", {"image_data": io.BytesIO(png)})
    book.close()
    return path


def cells(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_subsidy_output_cell_by_cell(tmp_path, capsys):
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    before = sha256(src)
    out = tmp_path / "结果" / "台账_补贴.xlsx"
    code = main(["subsidy", str(src), "--fund", "0.5万", "-o", str(out)])
    assert code == 1   # 民亊 is an error finding
    assert sha256(src) == before
    text = capsys.readouterr().out
    assert "应付补贴合计：5,300.00 元" in text and "第5行" in text

    grid = cells(out, "案件台账")
    assert grid[1][10:15] == ["补贴下限", "补贴上限", "补贴金额(计算)", "计算依据", "校验提示"]
    assert grid[2][10:13] == [2300, 5000, 2300]
    assert grid[3][10:13] == [1500, 5000, 1500]
    assert grid[4][10:14] == [None, None, None, "未计算（本行有数据错误）"] and "民亊" in grid[4][14]
    assert grid[5][12] == 1500
    assert grid[6][12] == 5300 and grid[6][13] == "计入3件"       # the 合计 row
    for col in (10, 11):                                            # its bounds: the rows' bounds added up
        assert grid[6][col] == sum(grid[r][col] for r in range(2, 6) if grid[r][col] is not None)
    assert grid[2][:10][:3] == ROWS[0][:3]                          # user data untouched

    summary = cells(out, "补贴汇总")
    flat = {row[0]: row for row in summary if row and row[0]}
    assert flat["应付补贴合计（最低标准）"][2] == 5300
    assert flat["专项经费"][2] == 5000
    assert flat["缺口（应付 − 经费，正数为不足）"][2] == 300
    assert abs(flat["经费覆盖率（经费 ÷ 应付）"][2] - 0.9434) < 1e-9
    assert flat["最高标准"][2] == 15000 and flat["统一1,800元/件"][2] == 5400
    names = zipfile.ZipFile(out).namelist()
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3      # the user's chart + our two
    assert any(n.startswith("xl/media/") for n in names)


def test_rerun_on_own_output_replaces_columns(tmp_path):
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    first = tmp_path / "一.xlsx"
    second = tmp_path / "二.xlsx"
    assert main(["subsidy", str(src), "-o", str(first)]) == 1
    assert main(["subsidy", str(first), "-o", str(second)]) == 1
    a, b = cells(first, "案件台账"), cells(second, "案件台账")
    assert a == b
    assert openpyxl.load_workbook(second).sheetnames == ["案件台账", "我的图表", "补贴汇总"]
    one, two = cells(first, "补贴汇总"), cells(second, "补贴汇总")
    assert one[2:] == two[2:]   # row 2 names the source file, which differs
    assert one[1][0].split("；")[1:] == two[1][0].split("；")[1:]


def test_json_output(tmp_path, capsys):
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    code = main(["subsidy", str(src), "--fund", "4000", "--level", "最低", "--json", "-o", str(tmp_path / "o.xlsx")])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["cases"] == 3 and data["excluded"] == 1
    assert data["total_yuan"] == "5300.00"
    assert data["by_type"]["刑事"] == {"cases": 1, "total_yuan": "2300.00"}
    assert data["fund_yuan"] == "4000.00" and data["gap_yuan"] == "1300.00" and data["coverage"] == "75.47"
    assert data["scenarios"]["最高标准"]["total_yuan"] == "15000.00"
    assert {"severity", "sheet", "row", "column", "message"} <= set(data["findings"][0])
    assert any(f["row"] == 5 and f["severity"] == "error" for f in data["findings"])


def test_xls_input_becomes_xlsx(tmp_path):
    import xlwt
    book = xlwt.Workbook()
    ws = book.add_sheet("台账")
    for c, h in enumerate(["案号", "案件类型", "诉讼阶段"]):
        ws.write(0, c, h)
    ws.write(1, 0, "X1"); ws.write(1, 1, "民事")
    ws.write(2, 0, "X2"); ws.write(2, 1, "刑事"); ws.write(2, 2, "侦查")
    src = tmp_path / "旧台账.xls"
    book.save(str(src))
    assert main(["subsidy", str(src)]) == 0
    out = tmp_path / "旧台账_补贴.xlsx"
    grid = cells(out, "台账")
    assert grid[1][5] == 1500 and grid[2][5] == 800


@pytest.mark.parametrize("content, name, words", [
    (b"PK\x03\x04 broken zip", "坏文件.xlsx", "损坏"),
    (b"%PDF-1.4 not excel", "报告.pdf", "不支持"),
    (b"", "空.xlsx", "空"),
])
def test_unusable_input_exit_2_in_chinese(tmp_path, capsys, content, name, words):
    src = tmp_path / name
    src.write_bytes(content)
    assert main(["subsidy", str(src)]) == 2
    err = capsys.readouterr().err
    assert words in err and name in err and "Traceback" not in err
    assert not (tmp_path / f"{src.stem}_补贴.xlsx").exists()


def test_refuses_to_overwrite_input(tmp_path, capsys):
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    before = sha256(src)
    assert main(["subsidy", str(src), "-o", str(src)]) == 2
    assert "不能与输入文件相同" in capsys.readouterr().err
    assert sha256(src) == before


def test_bad_arguments_in_chinese(tmp_path, capsys):
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    assert main(["subsidy", str(src), "--fund", "很多钱"]) == 2
    assert "专项经费" in capsys.readouterr().err
    assert main(["subsidy", str(src), "--level", "适中"]) == 2
    assert "补贴水平" in capsys.readouterr().err


def test_gbk_csv_input(tmp_path):
    text = "案号,案件类型,诉讼阶段,身份证号,补贴金额\nA1,刑事,审判,430902198503120012,\"1,500元\"\nA2,民事,,,一千五百\n合计,,,,3000\n"
    src = tmp_path / "台账.csv"
    src.write_bytes(text.encode("gb18030"))
    assert main(["subsidy", str(src)]) == 0
    grid = cells(tmp_path / "台账_补贴.xlsx", "台账")
    assert grid[0][5:8] == ["补贴下限", "补贴上限", "补贴金额(计算)"]
    assert grid[1][7] == 1500 and grid[2][7] == 1500 and grid[3][7] == 3000
    assert grid[1][3] == "430902198503120012"      # ID numbers stay text, digits intact
    assert grid[3][4] == 3000                      # plain numbers from the CSV become numbers


def test_the_program_parses_the_ledger_while_it_starts(tmp_path):
    """`python -m toolkit subsidy` (console(): the workbook is parsed in the background while the program
    imports and prepares the copy) writes what main() writes, and a bad file still gets its Chinese message."""
    src = ledger_with_chart(tmp_path / "台账.xlsx")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    run = subprocess.run([sys.executable, "-m", "toolkit", "subsidy", str(src), "-o", str(tmp_path / "a.xlsx")],
                         capture_output=True, text=True, encoding="utf-8", env=env)
    assert run.returncode == 1, run.stderr   # the sample rows hold a typo'd case type on purpose
    assert main(["subsidy", str(src), "-o", str(tmp_path / "b.xlsx")]) == 1
    assert cells(tmp_path / "a.xlsx", "案件台账") == cells(tmp_path / "b.xlsx", "案件台账")
    assert cells(tmp_path / "a.xlsx", "补贴汇总") == cells(tmp_path / "b.xlsx", "补贴汇总")
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken zip")
    run = subprocess.run([sys.executable, "-m", "toolkit", "subsidy", str(bad)], capture_output=True, text=True,
                         encoding="utf-8", env=env)
    assert run.returncode == 2 and "损坏" in run.stderr and "坏文件.xlsx" in run.stderr
    assert "Traceback" not in run.stderr


def test_prefetched_workbook_reads_the_same_and_a_changed_file_is_read_again(tmp_path):
    from toolkit.io.excel_read import _prefetched, prefetch, read_workbook

    src = ledger_with_chart(tmp_path / "台账.xlsx")
    plain = read_workbook(src)
    prefetch(src)
    assert [(s.name, s.rows, s.merged) for s in read_workbook(src)] == [(s.name, s.rows, s.merged) for s in plain]
    assert not _prefetched   # used once, then gone
    prefetch(src)
    book = openpyxl.load_workbook(src)
    book["案件台账"]["B3"] = "改过"
    book.save(src)   # changed after the prefetch: the new content is read, not the parsed old one
    assert read_workbook(src)[0].rows[2][1] == "改过"
    _prefetched.clear()


def test_a_run_imports_only_its_own_command():
    code = ("import sys; from toolkit.cli import main as cli; cli.build_parser(cli.command_of(['validate', 'x.xlsx'])); "
            "print(sorted(m for m in sys.modules if m.startswith('toolkit.cli.') and m != 'toolkit.cli.main'))")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.stdout.strip() == "['toolkit.cli.validate']", run.stderr
    from toolkit.cli import main as cli
    every = cli.build_parser()._subparsers._group_actions[0].choices
    assert list(every) == ["subsidy", "validate", "stats", "report", "check-report", "reformat", "functions", "excel"]
    assert cli.command_of(["check-report", "a.docx"]) == "toolkit.cli.check_report"
    assert cli.command_of(["-h"]) is None and cli.command_of([]) is None and cli.command_of(["nosuch"]) is None
