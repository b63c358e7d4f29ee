"""Issue 18: hostile and broken inputs end with a Chinese answer (exit 0/1/2), bounded memory, nothing leaked.
Each input is the smallest form of a defect the fuzz campaign found, built in tests/fuzz/hostile.py."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import sha256
from fuzz import hostile as h
from toolkit.base.errors import InputError, describe_failure
from toolkit.base.findings import ERROR, Finding
from toolkit.base.idcard import mask_text
from toolkit.io import limits
from toolkit.io.atomic import clean_stale, write_bytes_atomic
from toolkit.io.excel_read import read_csv, read_workbook

ID = h.an_id()


def _clean(code, out, err):
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err and "意外问题" not in out + err and "panicked" not in err


def _same_named(tmp_path, refs) -> tuple[Path, Path]:
    """The sample ledger and the same ledger with one word in each of `refs`, under one file name in two folders."""
    far = h.far_cells(tmp_path, refs)
    plain, stray = tmp_path / "plain" / "台账.xlsx", tmp_path / "stray" / "台账.xlsx"
    for dst, src in ((plain, tmp_path / "base.xlsx"), (stray, far)):
        dst.parent.mkdir()
        dst.write_bytes(src.read_bytes())
    return plain, stray


@pytest.mark.parametrize("refs", [("XFD1", "A1048576"), ("A1048576",), ("XFD1",)])
def test_far_cells_read_as_the_used_cells_and_named(tmp_path, run_cli, refs):
    """Item 1: one word in XFD1 / A1048576 of a 12-row ledger: read as the used cells (the grid is the ledger's),
    the stray cells named, every result as without them."""
    plain, stray = _same_named(tmp_path, refs)
    before = sha256(stray)
    sheet = read_workbook(stray)[0]
    assert sheet.rows == read_workbook(plain)[0].rows and len(sheet.rows) == 14 and len(sheet.rows[0]) == 10
    assert all(ref in sheet.notes[0] for ref in refs) and "未读取" in sheet.notes[0] and "远处" in sheet.notes[0]
    for job, extra in (("subsidy", ()), ("stats", ("--period", "2023"))):
        results = []
        for path in (plain, stray):
            out = path.parent / f"{job}.xlsx"
            code, text, err = run_cli(job, path, *extra, "-o", out)
            _clean(code, text, err)
            assert code in (0, 1) and out.exists()
            results.append((code, text.replace(str(path.parent), ""), [s.rows for s in read_workbook(out)], err))
            if path == stray:
                assert all(ref in err for ref in refs) and "未读取" in err
        assert results[0][:3] == results[1][:3]
        if job == "stats":   # a new workbook: the same bytes
            assert sha256(plain.parent / "stats.xlsx") == sha256(stray.parent / "stats.xlsx")
    logs = []
    for path in (plain, stray):
        src, out_dir = tmp_path / f"{path.parent.name}_returns", tmp_path / f"{path.parent.name}_reformat"
        src.mkdir()
        (src / path.name).write_bytes(path.read_bytes())
        code, text, err = run_cli("reformat", src, "-o", out_dir, "--json")
        _clean(code, text, err)
        log = json.loads((out_dir / "处理日志.json").read_text(encoding="utf-8"))
        (record,) = [d for d in log["files_detail"] if d["file"] == "台账.xlsx"]
        assert record["status"] != "failed" and record["rows"] == 12
        logs.append((record, sorted(p.name for p in (out_dir / "整理后月报").iterdir())))
    notes = [m for m in logs[1][0]["messages"] if "未读取" in m]
    assert len(notes) == 1 and all(ref in notes[0] for ref in refs)
    assert [m for m in logs[1][0]["messages"] if m not in notes] == logs[0][0]["messages"] and logs[0][1] == logs[1][1]
    assert sha256(stray) == before


def test_far_cell_and_far_block_choose_the_larger(tmp_path):
    """The block holding most of the data is the table, wherever it is; a lone word far above it is the stray one."""
    rows = h.ledger_rows(12)
    path = h.write_ledger(tmp_path / "l.xlsx", rows)
    moved = h.edit_sheet(path, tmp_path / "moved.xlsx", lambda x: h.add_cell_xml(x, "B200000", "远处"))
    sheet = read_workbook(moved)[0]
    assert len(sheet.rows) == 14 and "B200000" in sheet.notes[0]
    near = h.edit_sheet(path, tmp_path / "near.xlsx", lambda x: h.add_cell_xml(x, "B60000", "近处"))
    sheet = read_workbook(near)[0]   # 60,000 rows down is still read (and the ledger check names that row)
    assert len(sheet.rows) == 60000 and sheet.rows[59999][1] == "近处" and not sheet.notes


def test_cell_beyond_excel_grid(tmp_path, run_cli):
    code, out, err = run_cli("stats", h.beyond_excel(tmp_path), "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code == 2 and "超出了 Excel 的范围" in err and "4,294,967,295" in err


def test_extent_scan_bounds_cells_without_reference():
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("s.xml", '<sheetData><row r="3"><c r="B3"/>' + "<c><v>1</v></c>" * 20 + "</row></sheetData>")
    with zipfile.ZipFile(buf) as z:
        extent = limits.scan_sheet(z, "s.xml")
    assert extent.cells == 21 and extent.last_col >= 22 and extent.last_row >= 3


@pytest.mark.parametrize("kind", ["space", "rows"])
def test_zip_bomb_refused(tmp_path, run_cli, kind, monkeypatch):
    # whitespace packs 1000×: caught by the ratio; plain rows pack ~15×: caught by the size cap (lowered here, so the
    # test writes megabytes, not the 400 MB of the real cap; benchmarks/fuzz_campaign.py runs the full-size bombs)
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 8 * 2**20)
    path = h.zip_bomb(tmp_path, 20, kind)
    code, out, err = run_cli("validate", path)
    _clean(code, out, err)
    assert code == 2 and "解压后过大" in err


def test_shared_string_bomb_refused(tmp_path, run_cli):
    code, out, err = run_cli("subsidy", h.shared_string_bomb(tmp_path, 20), "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code == 2 and "sharedStrings" in err


def test_out_of_range_date_is_a_row_finding(tmp_path):
    """Item 3: a date-formatted cell holding -1e12 (python-calamine panicked on it) is read as the number it holds;
    the ledger check says at its row that it is not a date."""
    import subprocess
    proc = subprocess.run([sys.executable, "-m", "toolkit", "subsidy", str(h.panic_date(tmp_path)), "-o",
                           str(tmp_path / "o.xlsx")], capture_output=True, text=True, encoding="utf-8",
                          cwd=Path(__file__).parent.parent)
    _clean(proc.returncode, proc.stdout, proc.stderr)
    assert proc.returncode == 1 and "第300行" in proc.stdout and "不是日期" in proc.stdout
    assert read_workbook(h.panic_date(tmp_path))[0].rows[299][7] == -1e12


def test_reformat_batch_goes_on_past_panic_far_cells_and_fifo(tmp_path, run_cli):
    src = tmp_path / "in"
    src.mkdir()
    h.write_ledger(src / "a.xlsx")
    (src / "b.xlsx").write_bytes(h.panic_date(tmp_path).read_bytes())
    (src / "c.xlsx").write_bytes(h.far_cells(tmp_path).read_bytes())
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "d.csv")
    for jobs in ("1", "2"):
        out_dir = tmp_path / f"out{jobs}"
        code, out, err = run_cli("reformat", src, "-o", out_dir, "--jobs", jobs, "--json")
        _clean(code, out, err)
        log = json.loads((out_dir / "处理日志.json").read_text(encoding="utf-8"))
        status = {d["file"]: d for d in log["files_detail"]}
        assert status["a.xlsx"]["status"] != "failed" and status["a.xlsx"]["rows"] == 12
        assert any("第300行" in m for m in status["b.xlsx"]["messages"])   # the -1e12 date: a row finding
        assert status["c.xlsx"]["status"] != "failed" and status["c.xlsx"]["rows"] == 12
        assert "XFD1" in status["c.xlsx"]["messages"][0] and "未读取" in status["c.xlsx"]["messages"][0]
        if hasattr(os, "mkfifo"):
            assert "不是普通文件" in status["d.csv"]["messages"][0]
        assert (out_dir / "汇总.xlsx").exists()


def test_ids_in_any_column_masked_everywhere(tmp_path, run_cli):
    rows = h.ledger_rows(6)
    rows[0][3] = f"民事 {ID}"         # an ID typed into 案件类型
    rows[1][7] = "张三丰"              # a name in 指派日期
    rows[2][5] = ID                    # an ID as the lawyer's name
    path = h.write_ledger(tmp_path / "l.xlsx", rows)
    code, out, err = run_cli("stats", path, "--period", "2023", "-o", tmp_path / "s.xlsx", "--json")
    _clean(code, out, err)
    doc = json.loads(out)           # numpy integers (row of an unreadable date) serialise
    assert ID not in out + err and mask_text(ID) in out
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and (ID in v or "张三丰" in v)), (ws.title, v)
    assert any(f["row"] == 4 and f["column"] == "指派日期" for f in doc["findings"])
    code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx", "--json")
    _clean(code, out, err)
    assert ID not in out + err
    src = tmp_path / "in"
    src.mkdir()
    (src / "l.xlsx").write_bytes(path.read_bytes())
    code, out, err = run_cli("reformat", src, "-o", tmp_path / "r")
    _clean(code, out, err)
    assert ID not in (tmp_path / "r" / "处理日志.json").read_text(encoding="utf-8") + out + err
    for ws in openpyxl.load_workbook(tmp_path / "r" / "汇总.xlsx").worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and ID in v for v in row)


def test_mask_text_and_findings():
    assert mask_text(f"见{ID}。") == f"见{ID[:6]}********{ID[-4:]}。"
    assert mask_text("1234567890123456789") == "1234567890123456789"   # 19 digits: not ID-shaped
    f = Finding(ERROR, f"“{ID}”有误", row=__import__("numpy").int64(5), value=ID)
    assert ID not in f.message and f.value == mask_text(ID) and type(f.row) is int
    assert "（内容略）" in Finding(ERROR, "日期无法识别：“张三”不是日期", value="张三").anonymous().message


@pytest.mark.parametrize("amount", [1e18, "1" * 30, "9" * 4300, -1e300])
def test_absurd_amounts_are_row_findings(tmp_path, run_cli, amount):
    rows = h.ledger_rows(4)
    rows[1][9] = amount
    path = h.write_ledger(tmp_path / "l.xlsx", rows)
    code, out, err = run_cli("subsidy", path, "--level", "台账", "-o", tmp_path / "o.xlsx", "--json")
    _clean(code, out, err)
    doc = json.loads(out)
    assert code == 1 and [f["row"] for f in doc["findings"] if "金额不合理" in f["message"]] == [4]


def test_absurd_duty_days_are_row_findings(tmp_path, run_cli):
    path = h.write_ledger(tmp_path / "l.xlsx", extra={"K2": "值班天数", "K3": "1" * 400})
    code, out, err = run_cli("stats", path, "--json", "-o", tmp_path / "s.xlsx")
    _clean(code, out, err)
    assert any("数值不合理" in f["message"] and f["row"] == 3 for f in json.loads(out)["findings"])


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_in_chinese_old_output_intact(tmp_path, run_cli):
    path = h.write_ledger(tmp_path / "l.xlsx")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "o.xlsx").write_bytes(b"old")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, out, err = run_cli("subsidy", path, "-o", folder / "o.xlsx")
    finally:
        folder.chmod(stat.S_IRWXU)
    _clean(code, out, err)
    assert code == 2 and "没有权限" in err and (folder / "o.xlsx").read_bytes() == b"old"


@pytest.mark.parametrize("errno_name, words", [("EROFS", "文件夹只读"), ("ENOSPC", "磁盘已满"), ("EACCES", "没有权限")])
def test_os_errors_in_chinese(errno_name, words):
    import errno
    message, code = describe_failure(OSError(getattr(errno, errno_name), "x", "/d/o.xlsx"))
    assert code == 2 and words in message and "OSError" not in message


def test_no_room_for_subsidy_columns(tmp_path, run_cli):
    # notes every 200 columns out to XFA: one table as wide as Excel's grid (a lone word there is a stray cell, read
    # as such: test_far_cells_read_as_the_used_cells_and_named)
    from toolkit.base.layout import col_letter
    notes = {f"{col_letter(c)}2": "备注" for c in [*range(11, 16382, 200), 16381]}
    path = h.write_ledger(tmp_path / "l.xlsx", extra=notes)
    code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code == 2 and "没有足够的空列" in err
    lone = h.write_ledger(tmp_path / "lone.xlsx", extra={"XFA2": "备注"})
    code, out, err = run_cli("subsidy", lone, "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code in (0, 1) and "XFA2" in err and "未读取" in err


@pytest.mark.parametrize("kind", ["no_styles", "char1", "sst_abc", "date_text", "merge_inverted"])
def test_validate_and_report_on_corrupt_parts(tmp_path, run_cli, kind):
    budget = Path(__file__).parent.parent / "workbooks" / "示例决算.xlsx"
    path = h.corrupt_parts(tmp_path, budget)[kind]
    for argv in (["validate", path, "-o", tmp_path / "v.xlsx"], ["report", "--budget", path, "-o", tmp_path / "r.docx"]):
        code, out, err = run_cli(*argv)
        _clean(code, out, err)
        assert code != 2 or "错误：" in err          # refused only with a Chinese reason


def test_long_cell_cut_with_a_note(tmp_path, run_cli):
    path = h.edit_sheet(h.write_ledger(tmp_path / "l.xlsx", h.ledger_rows(3)), tmp_path / "long.xlsx",
                        lambda x: h.add_cell_xml(x, "L3", "长" * 40000))   # openpyxl itself would not write it
    sheet = read_workbook(path)[0]
    assert len(sheet.rows[2][11]) == limits.EXCEL_CELL_CHARS and "L3" in sheet.notes[0] and "已截断" in sheet.notes[0]
    code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code in (0, 1) and (tmp_path / "o.xlsx").exists() and "已截断" in err


def test_stale_temp_files_cleaned(tmp_path):
    dead = 2 ** 22 + 12345   # above any pid_max default: no such process
    (tmp_path / f".o.xlsx.{dead}.abc123.tmp").write_bytes(b"half")
    (tmp_path / f".legalaid-{dead}-xyz").mkdir()
    keep = tmp_path / f".o.xlsx.{os.getpid()}.live.tmp"
    keep.write_bytes(b"mine")
    write_bytes_atomic(tmp_path / "o.xlsx", b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([keep.name, "o.xlsx"])
    assert clean_stale(tmp_path) == 0


def test_batch_writes_are_atomic_without_fsync_or_sweep(tmp_path, monkeypatch):
    """durable=False (the returns batch: one sweep before, one sync after): no fsync per file and no sweep of the
    folder per file, yet the file appears whole under its name and a failed write leaves nothing behind."""
    from toolkit.io import atomic

    calls = []
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: calls.append("fsync"))
    monkeypatch.setattr(atomic, "clean_stale", lambda folder: calls.append("sweep"))
    write_bytes_atomic(tmp_path / "a.xlsx", b"whole", durable=False)
    assert calls == [] and (tmp_path / "a.xlsx").read_bytes() == b"whole"
    write_bytes_atomic(tmp_path / "b.xlsx", b"whole")
    assert calls == ["sweep", "fsync"]

    def fail(src, dst):
        raise OSError(28, "No space left on device", str(dst))
    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError):
        write_bytes_atomic(tmp_path / "a.xlsx", b"new", durable=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]
    assert (tmp_path / "a.xlsx").read_bytes() == b"whole"


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", False)])
def test_csv_utf16(tmp_path, encoding, bom):
    text = "案号,受援人\r\n(2023)1,张三\r\n"
    data = (b"\xff\xfe" if bom else b"") + text.encode(encoding)
    (tmp_path / "a.csv").write_bytes(data)
    assert read_csv(tmp_path / "a.csv").rows == [["案号", "受援人"], ["(2023)1", "张三"]]


def test_csv_long_field_and_cr_only(tmp_path):
    (tmp_path / "a.csv").write_text("案号,说明\r(2023)1," + "x" * 200_000 + "\r", encoding="utf-8", newline="")
    sheet = read_csv(tmp_path / "a.csv")
    assert sheet.rows[0] == ["案号", "说明"] and len(sheet.rows[1][1]) == limits.EXCEL_CELL_CHARS and sheet.notes


def test_long_rules_are_rule_findings(tmp_path, run_cli):
    budget = Path(__file__).parent.parent / "workbooks" / "示例决算.xlsx"
    rules = tmp_path / "r.txt"
    rules.write_text("基本支出 = " + "(" * 500 + "人员经费" + ")" * 500 + "\n基本支出 = "
                     + " + ".join(["人员经费"] * 1000) + "\n", encoding="utf-8")
    code, out, err = run_cli("validate", budget, "--rules", rules, "--json")
    _clean(code, out, err)
    assert code == 1 and out.count("太长或括号层数太多") == 2


def test_period_out_of_range(tmp_path, run_cli):
    code, out, err = run_cli("stats", h.write_ledger(tmp_path / "l.xlsx"), "--period", "9999")
    _clean(code, out, err)
    assert code == 2 and "年份不合理" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("command", ["subsidy", "stats", "validate"])
def test_fifo_refused(tmp_path, run_cli, command):
    fifo = tmp_path / "l.xlsx"
    os.mkfifo(fifo)
    code, out, err = run_cli(command, fifo)
    _clean(code, out, err)
    assert code == 2 and "不是普通文件" in err


def test_check_report_empty_encrypted_and_long(tmp_path, run_cli):
    (tmp_path / "e.txt").write_bytes(b"")
    code, out, err = run_cli("check-report", tmp_path / "e.txt")
    _clean(code, out, err)
    assert code == 2 and "空的" in err
    enc = tmp_path / "enc.docx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    code, out, err = run_cli("check-report", enc)
    _clean(code, out, err)
    assert code == 2 and "密码" in err
    xls = tmp_path / "enc.xls"
    xls.write_bytes(enc.read_bytes())
    with pytest.raises(InputError, match="密码"):
        read_workbook(xls)


def test_hostile_entry_names_and_doctype_refused(tmp_path, run_cli):
    for path in (h.hostile_names(tmp_path), h.doctype_part(tmp_path)):
        code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx")
        _clean(code, out, err)
        assert code == 2 and ("异常的路径名" in err or "DOCTYPE" in err)
        assert not (tmp_path / "o.xlsx").exists()


def test_excel95_gbk_text_read_with_its_code_page(tmp_path, run_cli):
    rows = [["示例县法律援助中心2023年案件台账"], h.HEADER, *h.ledger_rows(4)]
    path = h.biff5_workbook(tmp_path / "旧台账.xls", {"案件台账": rows, "说明": [["本表由Excel 95保存"]]})
    sheets = read_workbook(path)
    assert [s.name for s in sheets] == ["案件台账", "说明"]
    assert sheets[0].rows[1] == h.HEADER and sheets[0].rows[2][1] == "受援人1"
    assert sheets[0].rows[2][7] == h.ledger_rows(1)[0][7].date()
    code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx", "--json")
    _clean(code, out, err)
    assert json.loads(out)["cases"] == 4


@pytest.mark.parametrize("errno_name, words", [("ENOSPC", "磁盘已满"), ("EROFS", "文件夹只读")])
def test_full_or_read_only_disk_keeps_old_output(tmp_path, run_cli, monkeypatch, errno_name, words):
    import errno
    from toolkit.io import atomic
    path = h.write_ledger(tmp_path / "l.xlsx")
    (tmp_path / "o.xlsx").write_bytes(b"old")

    def fail(src, dst):
        raise OSError(getattr(errno, errno_name), os.strerror(getattr(errno, errno_name)), str(dst))
    monkeypatch.setattr(atomic.os, "replace", fail)
    code, out, err = run_cli("subsidy", path, "-o", tmp_path / "o.xlsx")
    _clean(code, out, err)
    assert code == 2 and words in err and "OSError" not in err
    assert (tmp_path / "o.xlsx").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_hostile_docx_template_refused(tmp_path, run_cli):
    budget = Path(__file__).parent.parent / "workbooks" / "示例决算.xlsx"
    template = Path(__file__).parent.parent / "workbooks" / "自评报告模板.docx"
    bad = h.rewrite_parts(template, tmp_path / "t.docx",
                          lambda n, d: [(n, d), ("../../x.xml", b"<x/>")] if n == "[Content_Types].xml" else d)
    code, out, err = run_cli("report", "--budget", budget, "--template", bad, "-o", tmp_path / "r.docx")
    _clean(code, out, err)
    assert code == 2 and "异常的路径名" in err and not (tmp_path / "r.docx").exists()


def test_formatting_only_cells_far_away_do_not_refuse(tmp_path):
    """Excel writes <c r="T60000" s="3"/> for a formatted empty cell; the reader skips it, so must the bound."""
    path = h.edit_sheet(h.write_ledger(tmp_path / "l.xlsx"), tmp_path / "styled.xlsx", lambda x: x.replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'))
    assert read_workbook(path)[0].rows[2][1] == "受援人1"


def test_reformat_cleans_temp_files_of_a_killed_run(tmp_path, run_cli):
    src = tmp_path / "in"
    src.mkdir()
    h.write_ledger(src / "a.xlsx")
    folder = tmp_path / "out" / "整理后月报"
    folder.mkdir(parents=True)
    stale = folder / f".a.xlsx.{2 ** 22 + 777}.3.tmp"
    stale.write_bytes(b"half")
    _clean(*run_cli("reformat", src, "-o", tmp_path / "out"))
    assert not stale.exists() and (folder / "a.xlsx").exists()


def test_xls_far_cells_refused_before_parsing(tmp_path):
    fine = h.biff8_far_numbers(tmp_path / "ok.xls", [(0, 0, 1.0), (3, 2, 5.0)])
    assert read_workbook(fine)[0].rows[3][2] == 5.0
    far = h.biff8_far_numbers(tmp_path / "far.xls", [(0, 0, 1.0), (65535, 255, 5.0)])
    with pytest.raises(InputError, match="IV65536"):
        read_workbook(far)
    beyond = h.biff8_far_numbers(tmp_path / "beyond.xls", [(0, 0, 1.0), (2, 65535, 5.0)])
    with pytest.raises(InputError, match="超出了 Excel 的范围"):
        read_workbook(beyond)
