"""`legalaid reformat` end to end on a generated folder of returns with every quirk (see reformat_corpus.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reformat_corpus import Corpus
from toolkit.cli.main import main
from toolkit.base.idcard import mask_id
from toolkit.io.excel_read import read_workbook
from toolkit.monthly.normalise import default_template

OUT_FOLDER = "整理后月报"


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["reformat", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The corpus, the command run once over it with --json on 2 processes, input hashes before and after."""
    root = tmp_path_factory.mktemp("reformat")
    corpus = Corpus(root / "收到的月报").build()
    before = _hashes(corpus.folder)
    out = root / "结果"
    code = main(["reformat", str(corpus.folder), "-o", str(out), "--json", "--jobs", "2"])
    return corpus, out, code, before, _hashes(corpus.folder)


@pytest.fixture(scope="module")
def report(batch):
    corpus, out, *_ = batch
    return json.loads((out / "处理日志.json").read_text(encoding="utf-8"))


def _detail(report, rel):
    return next(d for d in report["files_detail"] if d["file"] == rel)


def test_input_folder_is_byte_identical_and_nothing_added(batch):
    corpus, out, code, before, after = batch
    assert before == after
    assert len(before) == len(corpus.expected) + len(corpus.bad)


def test_json_report_counts_statuses_and_exit_code(batch, report, capsys, tmp_path):
    corpus, out, code, *_ = batch
    assert code == 1                                     # some files failed or warned
    assert report["files"] == len(corpus.expected) + len(corpus.bad)
    assert report["failed"] == len(corpus.bad)
    assert report["warnings"] == len(corpus.warned)
    assert report["ok"] == len(corpus.expected) - len(corpus.warned)
    assert report["rows"] == sum(len(rows) for rows in corpus.expected.values())
    for rel, word in corpus.bad.items():
        detail = _detail(report, rel)
        assert detail["status"] == "failed" and detail["rows"] == 0
        assert any(word in m for m in detail["messages"]), (rel, detail["messages"])
    for rel in corpus.expected:
        detail = _detail(report, rel)
        assert detail["status"] == ("warning" if rel in corpus.warned else "ok"), (rel, detail["messages"])
        assert detail["rows"] == len(corpus.expected[rel])
    # --json on stdout: exactly the documented keys
    code2, stdout, _ = _run(capsys, corpus.folder, "-o", tmp_path / "again", "--json", "--jobs", "1")
    printed = json.loads(stdout)
    assert code2 == 1
    assert set(printed) == {"files", "ok", "warnings", "failed", "rows", "stat_forms", "files_detail"}
    assert set(printed["files_detail"][0]) == {"file", "status", "kind", "rows", "period", "messages"}
    assert printed["stat_forms"] == 0
    assert {d["kind"] for d in printed["files_detail"] if d["status"] != "failed"} == {"案件清单"}
    assert printed["rows"] == report["rows"]


def test_periods_units_totals_and_disagreement_are_reported(report):
    assert _detail(report, "县A_2023年3月.xlsx")["period"] == "2023-03"
    assert _detail(report, "乡镇C/2023-03 乡镇司法所.xls")["period"] == "2023-03"   # from the file name
    assert _detail(report, "F年报.xlsm")["period"] == "2023-01,2023-02"            # one period per sheet
    wan = _detail(report, "律所B.xlsx")["messages"]
    assert any("万元" in m and "换算" in m for m in wan)
    assert any("合计" in m and "不一致" in m and "8,000.00" in m and "7,000.00" in m for m in wan)
    e = _detail(report, "E_2023年4月.csv")
    assert e["period"] == "2023-03"
    assert any("所属期间不一致" in m and "2023年4月" in m for m in e["messages"])
    # correct 合计 and 小计 rows are recognised and raise nothing
    c = _detail(report, "乡镇C/2023-03 乡镇司法所.xls")["messages"]
    assert not any(m.startswith("警告") for m in c)
    assert any("第5、9、10行是合计/小计行" in m for m in c)


def _value_matches(cell, truth, column: str) -> bool:
    if isinstance(truth, Decimal):
        return cell is not None and Decimal(str(cell)).quantize(Decimal("0.01")) == truth
    if isinstance(truth, dt.date):
        return isinstance(cell, dt.datetime) and cell.date() == truth
    return cell == truth


def test_consolidated_rows_equal_every_source_row(batch):
    corpus, out, *_ = batch
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    data = rows[1:]
    assert len(data) == sum(len(v) for v in corpus.expected.values())
    labels = {c.name: c.header for c in default_template().columns}
    index = {(r[1], r[2], r[3]): r for r in data}
    assert len(index) == len(data)                      # (file, sheet, row) identifies each row
    source_cache = {}
    for rel, expected in corpus.expected.items():
        if rel not in source_cache:
            source_cache[rel] = {s.name: s for s in read_workbook(corpus.folder / rel)}
        for sheet, excel_row, record in expected:
            row = index[(rel, sheet, excel_row)]
            for column, truth in record.items():
                cell = row[header.index(labels[column])]
                if column == "身份证号":
                    truth = mask_id(truth)                # 汇总 masks ID numbers
                assert _value_matches(cell, truth, column), (rel, excel_row, column, cell, truth)
            # the source row number points at the source cell holding this case number
            source = source_cache[rel][sheet]
            assert record["案号"] in [str(v) for v in source.rows[excel_row - 1]]
    assert [r[0] for r in data] == list(range(1, len(data) + 1))


def test_per_file_outputs_follow_the_template(batch):
    corpus, out, *_ = batch
    template = default_template()
    produced = sorted(p.name for p in (out / OUT_FOLDER).iterdir())
    assert produced == sorted(["县A_2023年3月.xlsx", "律所B.xlsx", "乡镇C_2023-03 乡镇司法所.xlsx",
                               "工作站D_202303.xlsx", "E_2023年4月.xlsx", "F年报.xlsx"])
    book = openpyxl.load_workbook(out / OUT_FOLDER / "县A_2023年3月.xlsx")
    ws = book["月报"]
    assert "2023年3月" in ws["A1"].value and "县A_2023年3月.xlsx" in ws["A1"].value
    assert [c.value for c in ws[2]] == [c.header for c in template.columns]
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2"
    expected = corpus.expected["县A_2023年3月.xlsx"]
    assert ws.max_row == 2 + len(expected)
    names = [c.name for c in template.columns]
    for i, (_, _, record) in enumerate(expected):
        row = [c for c in ws[3 + i]]
        assert row[0].value == i + 1
        assert row[names.index("身份证号")].value == record["身份证号"]     # kept whole in the per-file copy
        money = row[names.index("补贴金额")]
        assert Decimal(str(money.value)) == record["补贴金额"] and money.number_format == "#,##0.00"
        date = row[names.index("指派日期")]
        assert date.value.date() == record["指派日期"] and date.number_format == "yyyy-mm-dd"
    for c, column in enumerate(template.columns):
        letter = openpyxl.utils.get_column_letter(c + 1)
        assert abs(ws.column_dimensions[letter].width - column.width) < 1
    # a return with two monthly sheets gives two template sheets
    assert openpyxl.load_workbook(out / OUT_FOLDER / "F年报.xlsx").sheetnames == ["月报-1月", "月报-2月"]


def test_formula_looking_cells_stay_text_everywhere(batch):
    corpus, out, *_ = batch
    texts = ["=HYPERLINK(\"http://x\",\"点我\")", "@SUM(A1:A9)", "+8613800000000", "-2+3"]
    for path in [out / "汇总.xlsx", out / OUT_FOLDER / "工作站D_202303.xlsx"]:
        with zipfile.ZipFile(path) as z:
            assert not any("<f>" in z.read(n).decode("utf-8") or "<f " in z.read(n).decode("utf-8")
                           for n in z.namelist() if n.endswith(".xml"))
        book = openpyxl.load_workbook(path)
        found = {c.value: c.data_type for ws in book for row in ws.iter_rows() for c in row if c.value in texts}
        assert set(found) == set(texts), path
        assert set(found.values()) == {"s"}


def test_summaries_by_source_and_month_and_log_sheet(batch, report):
    corpus, out, *_ = batch
    book = openpyxl.load_workbook(out / "汇总.xlsx")
    assert book.sheetnames == ["汇总", "按来源汇总", "按月份汇总", "处理日志"]
    by_source = list(book["按来源汇总"].iter_rows(values_only=True))
    header = by_source[0]
    subsidy = header.index("补贴金额（元）")
    for rel, expected in corpus.expected.items():
        row = next(r for r in by_source if r[0] == rel)
        assert row[3] == len(expected)
        assert Decimal(str(row[subsidy])) == sum(rec["补贴金额"] for _, _, rec in expected)
    assert by_source[-1][0] == "合计" and by_source[-1][3] == report["rows"]
    months = {r[0]: r for r in book["按月份汇总"].iter_rows(min_row=2, values_only=True)}
    assert months["2023年1月"][2] == 3 and months["2023年2月"][2] == 3
    assert months["2023年3月"][2] == report["rows"] - 6
    log = list(book["处理日志"].iter_rows(min_row=2, values_only=True))
    assert len(log) == report["files"]
    assert {r[0] for r in log if r[1] == "失败"} == set(corpus.bad)


def test_rerun_replaces_previous_results(tmp_path, capsys):
    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    corpus.gbk_csv()
    corpus.xls_subtotals()
    out = tmp_path / "out"
    assert _run(capsys, corpus.folder, "-o", out, "--jobs", "1")[0] == 0
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    time.sleep(1.1)                                            # (zip timestamps would differ now)
    assert _run(capsys, corpus.folder, "-o", out, "--jobs", "2")[0] == 0
    again = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == again                  # same inputs, same files, byte for byte, 汇总.xlsx and the log included
    rows = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"].max_row - 1
    assert rows == sum(len(v) for v in corpus.expected.values())   # not doubled
    # a return withdrawn from the folder disappears from every output of the next run
    (corpus.folder / "工作站D_202303.csv").unlink()
    assert _run(capsys, corpus.folder, "-o", out, "--jobs", "1")[0] == 0
    assert "工作站D_202303.xlsx" not in {p.name for p in (out / OUT_FOLDER).iterdir()}
    sources = {r[1] for r in openpyxl.load_workbook(out / "汇总.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)}
    assert sources == {"县A_2023年3月.xlsx", "乡镇C/2023-03 乡镇司法所.xls"}
    assert not [p for p in out.rglob("*.tmp")]


@pytest.mark.parametrize("moment", ["while building", "between writing and renaming"])
def test_interrupted_write_leaves_no_half_written_file(tmp_path, capsys, monkeypatch, moment):
    import toolkit.io.xlsx.table_writer as xw

    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    out = tmp_path / "out"
    assert _run(capsys, corpus.folder, "-o", out, "--jobs", "1")[0] == 0
    old_summary = (out / "汇总.xlsx").read_bytes()
    if moment == "while building":
        real = xw.xlsx_bytes_to

        def interrupted(target, sheets):
            real(target, sheets)
            target.write(b"half")
            raise KeyboardInterrupt     # the user presses Ctrl+C
        monkeypatch.setattr(xw, "xlsx_bytes_to", interrupted)
    else:
        def interrupted_replace(src, dst):
            assert Path(src).stat().st_size > 0      # the whole temp file is on disk…
            raise KeyboardInterrupt                  # …and the rename never happens
        monkeypatch.setattr(os, "replace", interrupted_replace)
    (out / OUT_FOLDER / "县A_2023年3月.xlsx").unlink()
    code, _, err = _run(capsys, corpus.folder, "-o", out, "--jobs", "1")
    monkeypatch.undo()
    assert code == 130 and "中断" in err
    assert not (out / OUT_FOLDER / "县A_2023年3月.xlsx").exists()    # no half-written file under the final name
    assert (out / "汇总.xlsx").read_bytes() == old_summary             # the previous result is intact
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]  # and no temp file is left behind


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="needs fork to inject the crash")
def test_a_worker_crash_fails_only_its_file(tmp_path, capsys, monkeypatch):
    import toolkit.io.returns_batch as rf     # the batch shared by the command and the button

    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    corpus.gbk_csv()
    shutil.copy(corpus.folder / "县A_2023年3月.xlsx", corpus.folder / "crash_2023年3月.xlsx")
    real = rf._read

    def crashing(path):
        if path.name.startswith("crash"):
            os._exit(3)                 # the worker process dies, as with a crash inside a native reader
        return real(path)

    monkeypatch.setattr(rf, "_read", crashing)
    code, stdout, _ = _run(capsys, corpus.folder, "-o", tmp_path / "out", "--jobs", "2", "--json")
    result = json.loads(stdout)
    assert code == 1
    statuses = {d["file"]: d["status"] for d in result["files_detail"]}
    assert statuses == {"crash_2023年3月.xlsx": "failed", "县A_2023年3月.xlsx": "ok", "工作站D_202303.csv": "ok"}
    crash = next(d for d in result["files_detail"] if d["file"].startswith("crash"))
    assert "崩溃" in crash["messages"][0]


def test_bad_arguments_and_nothing_usable_exit_2(tmp_path, capsys):
    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    code, _, err = _run(capsys, corpus.folder, "-o", corpus.folder / "结果")
    assert code == 2 and "输出文件夹不能是输入文件夹" in err
    code, _, err = _run(capsys, corpus.folder, "-o", corpus.folder)
    assert code == 2 and "输出文件夹不能是输入文件夹" in err
    code, _, err = _run(capsys, tmp_path / "没有这个文件夹", "-o", tmp_path / "o")
    assert code == 2 and "不存在" in err
    (tmp_path / "空").mkdir()
    code, _, err = _run(capsys, tmp_path / "空", "-o", tmp_path / "o")
    assert code == 2 and "没有文件" in err
    bad = Corpus(tmp_path / "bad")
    bad.bad_files()
    code, stdout, _ = _run(capsys, bad.folder, "-o", tmp_path / "o2", "--json")
    assert code == 2 and json.loads(stdout)["failed"] == len(bad.bad)
    with pytest.raises(SystemExit) as exc:
        main(["reformat", str(corpus.folder)])           # -o is required
    assert exc.value.code == 2


def test_user_template_and_alias_file(tmp_path, capsys):
    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    # the return names its lawyer column 经手律师, which only the user's alias file knows
    book = openpyxl.load_workbook(corpus.folder / "县A_2023年3月.xlsx")
    book.active["F3"] = "经手律师"
    book.save(corpus.folder / "县A_2023年3月.xlsx")
    aliases = tmp_path / "列名对照.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "列名对照"
    wb.active.append(["表中列名", "标准列名"])
    wb.active.append(["经手律师", "承办律师"])
    wb.save(aliases)
    # a user template: other order, own header names, fewer columns, own widths and money format
    template = tmp_path / "我的模板.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "本所月报"
    ws["A1"] = "{来源}：{期间}"
    ws.append(["编号", "办案补贴", "律师", "当事人", "客户备注"])
    ws.column_dimensions["A"].width = 30
    ws["B3"].number_format = "#,##0.0000"
    wb.save(template)
    out = tmp_path / "out"
    code, stdout, _ = _run(capsys, corpus.folder, "-o", out, "--template", template, "--aliases", aliases, "--json")
    assert code == 0, stdout
    result = openpyxl.load_workbook(out / OUT_FOLDER / "县A_2023年3月.xlsx")["本所月报"]
    assert result["A1"].value == "县A_2023年3月.xlsx：2023年3月"
    assert [c.value for c in result[2]] == ["编号", "办案补贴", "律师", "当事人", "客户备注"]
    first = corpus.expected["县A_2023年3月.xlsx"][0][2]
    assert [c.value for c in result[3]][:4] == [first["案号"], float(first["补贴金额"]), first["承办律师"],
                                                 first["受援人"]]
    assert result["B3"].number_format == "#,##0.0000"
    assert abs(result.column_dimensions["A"].width - 30) < 1
    assert result["E3"].value is None


def test_show_id_keeps_id_numbers_in_summary(tmp_path, capsys):
    corpus = Corpus(tmp_path / "in")
    corpus.plain_xlsx()
    out = tmp_path / "out"
    assert _run(capsys, corpus.folder, "-o", out, "--show-id")[0] == 0
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    header = [c.value for c in ws[1]]
    ids = [r[header.index("身份证号")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [rec["身份证号"] for _, _, rec in corpus.expected["县A_2023年3月.xlsx"]]
