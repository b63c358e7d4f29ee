"""The CSV reader: its delimiter guess (comma, tab, semicolon; quoted fields counted as one cell) and files read
back cell by cell (quotes, delimiters and line breaks inside quoted fields; UTF-8 with BOM, GBK, GB18030)."""

from __future__ import annotations

import csv
import io
import random

import pytest

from toolkit.base.errors import InputError
from toolkit.io.excel_read import csv_dialect, read_csv, read_workbook

_PIECES = ["案号", "(2023)沅法援字第00012号", "张三", "民事", "1,800元", "2023-03-05", "3200", "律所 甲", "a b",
           "x'y", 'say "hi"', "单位：元", "合计", "12;5", "tab\there", "两行\n说明", "5:30", "1,5"]


def _written(rng: random.Random, delim: str) -> tuple[str, list[list[str]]]:
    """A file as csv.writer writes it with this delimiter (quotes where a cell needs them), maybe under a title
    line, with some ragged rows; and the cells it holds."""
    width = rng.randrange(2, 9)
    rows = []
    if rng.random() < 0.5:
        rows.append([rng.choice(["某工作站2023年3月法律援助案件统计", "某所 月报（单位：元）"])])
    for _ in range(rng.randrange(2, 40)):
        n = width if rng.random() < 0.85 else rng.randrange(1, 12)
        rows.append([rng.choice(_PIECES) for _ in range(n)])
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
    return buf.getvalue(), rows


@pytest.mark.parametrize("delim", [",", "\t", ";"])
def test_the_delimiter_is_found_and_every_cell_read_back(tmp_path, delim):
    rng = random.Random(f"csv{delim}")
    for k in range(300):
        text, rows = _written(rng, delim)
        if sum(1 for r in rows if len(r) > 1) < 5:   # a return has a header and rows; two lines may say anything
            continue
        assert csv_dialect(text[:4096]).delimiter == delim, text[:200]
        path = tmp_path / f"f{k}.csv"
        path.write_bytes(text.encode(rng.choice(["utf-8-sig", "gbk", "gb18030"])))
        got = read_csv(path).rows
        assert got == [[c if c.strip() else None for c in r] for r in rows], text[:200]


def test_a_title_line_does_not_hide_the_delimiter_of_a_short_file():
    for delim in (",", "\t", ";"):
        text = "某所2023年3月月报\n" + "\n".join(delim.join(["案号", "受援人", "金额"]) for _ in range(3)) + "\n"
        assert csv_dialect(text).delimiter == delim


def test_decimal_commas_in_a_semicolon_file():
    text = "案号;受援人;补贴金额;挽回损失\nA1;甲;1,5;2,25\nA2;乙;3,0;4,75\nA3;丙;0,8;1,00\n"
    assert csv_dialect(text).delimiter == ";"


def test_one_column_and_no_delimiter_reads_one_cell_per_line():
    assert csv_dialect("甲\n乙\n丙\n").delimiter == ","
    assert csv_dialect("").delimiter == ","


def _rows(path):
    return read_csv(path).rows


def test_comma_tab_and_semicolon_files_are_split_on_their_delimiter(tmp_path):
    header, row = ["案号", "受援人", "补贴金额"], ["(2023)沅法援字第1号", "张三", "1800"]
    for delim, name in ((",", "逗号.csv"), ("\t", "制表符.txt"), (";", "分号.csv")):
        path = tmp_path / name
        path.write_text("某所2023年3月月报\n" + "\n".join(delim.join(r) for r in (header, row, row)) + "\n",
                        encoding="utf-8")
        rows = _rows(path)
        assert rows[0] == ["某所2023年3月月报"], name
        assert rows[1] == header and rows[2] == row and rows[3] == row, name


def test_quoted_fields_keep_delimiters_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "引号.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["案号", "受援人", "备注", "补贴金额"])
        w.writerow(["(2023)沅法援字第2号", "王五", '含逗号,分号;和"引号"', "1,800"])
        w.writerow(["(2023)沅法援字第3号", "赵六", "两行\n说明", "2,000"])
    rows = _rows(path)
    assert rows[1] == ["(2023)沅法援字第2号", "王五", '含逗号,分号;和"引号"', "1,800"]
    assert rows[2] == ["(2023)沅法援字第3号", "赵六", "两行\n说明", "2,000"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_chinese_encodings_are_read(tmp_path, encoding):
    path = tmp_path / f"月报_{encoding}.csv"
    text = "案号,受援人,案件类型\n(2023)沅法援字第4号,䶮先生,民事\n" if encoding == "gb18030" else \
        "案号,受援人,案件类型\n(2023)沅法援字第4号,欧阳娜娜,民事\n"
    path.write_bytes(text.encode(encoding))
    rows = read_workbook(path)[0].rows
    assert rows[0] == ["案号", "受援人", "案件类型"]
    assert rows[1][0] == "(2023)沅法援字第4号" and rows[1][1] in ("䶮先生", "欧阳娜娜") and rows[1][2] == "民事"


def test_a_file_in_no_known_encoding_is_refused_in_chinese(tmp_path):
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\x80,a\n")
    with pytest.raises(InputError) as err:
        read_csv(path)
    assert "编码" in err.value.message and "乱码.csv" in str(err.value)
