"""The sample ledger workbook: regenerated into tmp_path, read back with openpyxl, checked against its notes file."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

WORKBOOKS = Path(__file__).resolve().parent.parent / "workbooks"
COMMITTED_XLSX = WORKBOOKS / "示例台账.xlsx"
COMMITTED_NOTES = WORKBOOKS / "示例台账说明.md"

HEADERS = ["序号", "案件编号", "受援人", "身份证号", "案件类型", "诉讼阶段", "适用程序", "承办人", "律师事务所",
           "指派日期", "结案日期", "特殊群体", "受援人数", "异地办案", "值班天数", "挽回经济损失", "讨薪金额",
           "补贴金额", "案件质量"]
COL = {name: i + 1 for i, name in enumerate(HEADERS)}
KNOWN_TYPES = {"刑事", "民事", "行政", "仲裁", "劳动争议仲裁", "国家赔偿", "非诉讼", "认罪认罚法律帮助"}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _load_generator():
    if "make_sample_ledger" in sys.modules:
        return sys.modules["make_sample_ledger"]
    spec = importlib.util.spec_from_file_location("make_sample_ledger", WORKBOOKS / "make_sample_ledger.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample_ledger"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    gen = _load_generator()
    gen.build(out / "台账.xlsx", out / "说明.md")
    return out / "台账.xlsx", out / "说明.md"


@pytest.fixture(scope="module")
def book(built):
    return openpyxl.load_workbook(built[0])


def _check_digit_ok(id_number: str) -> bool:
    total = sum(int(c) * w for c, w in zip(id_number[:17], WEIGHTS))
    return "10X98765432"[total % 11] == id_number[17]


def _birth_date_ok(id_number: str) -> bool:
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return False
    return dt.date(1920, 1, 1) <= born <= dt.date(2023, 12, 31)


def _notes_table(notes: str, heading: str) -> list[list[str]]:
    """Rows of the markdown table under `heading`, cell texts decoded (␣ half-width space, □ full-width space)."""
    section = notes.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip().replace("␣", " ").replace("□", "\u3000") for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows[1:]  # drop the header row


def _as_text(value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _data_rows(ws, total_row: int):
    for r in range(4, total_row):
        values = [ws.cell(r, c).value for c in range(1, len(HEADERS) + 1)]
        if any(v is not None for v in values):
            yield r, dict(zip(HEADERS, values))


def _total_row(ws) -> int:
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "合计"]
    assert len(rows) == 1
    return rows[0]


def test_ledger_layout(book):
    ws = book["案件台账"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:S1"]
    assert ws["A1"].value == "示例县法律援助中心2023年法律援助案件台账"
    assert ws["A2"].value == "单位：元"
    assert [ws.cell(3, c).value for c in range(1, 20)] == HEADERS
    assert ws.cell(3, 1).font.b
    assert ws.freeze_panes == "A4"
    total = _total_row(ws)
    assert total == ws.max_row
    rows = list(_data_rows(ws, total))
    assert 950 <= len(rows) <= 1050
    blank = [r for r in range(4, total) if all(ws.cell(r, c).value is None for c in range(1, 20))]
    assert 1 <= len(blank) <= 2 and all(20 < r < total - 20 for r in blank)  # in the middle
    assert [ws.cell(r, 1).value for r, _ in rows] == list(range(1, len(rows) + 1))
    for name in ("挽回经济损失", "讨薪金额", "补贴金额"):
        letter = openpyxl.utils.get_column_letter(COL[name])
        cell = ws.cell(total, COL[name])
        assert cell.value == f"=SUM({letter}4:{letter}{total - 1})"
        assert cell.number_format == "#,##0.00"
    # real dates carry the date format, real amounts the money format
    assert ws.cell(4, COL["指派日期"]).number_format == "yyyy-mm-dd"
    money = [ws.cell(r, COL["补贴金额"]) for r, _ in rows if isinstance(ws.cell(r, COL["补贴金额"]).value, (int, float))]
    assert money and all(c.number_format == "#,##0.00" for c in money)


def test_case_mix_and_values(book):
    ws = book["案件台账"]
    rows = [row for _, row in _data_rows(ws, _total_row(ws))]
    types = Counter((row["案件类型"] or "").strip(" \u3000") for row in rows)
    n = len(rows)
    assert 0.30 < types["刑事"] / n < 0.40
    assert 0.34 < types["民事"] / n < 0.45
    assert 0.07 < types["认罪认罚法律帮助"] / n < 0.13
    assert 1 <= types["国家赔偿"] <= 0.01 * n
    assert set(types) - KNOWN_TYPES == {"民亊", ""}  # the two planted type errors
    case_numbers = [row["案件编号"] for row in rows]
    assert all(re.fullmatch(r"\(2023\)示法援字第\d{4}号", x) for x in case_numbers)
    assert len({row["承办人"] for row in rows}) == 12 and len({row["律师事务所"] for row in rows}) == 5
    criminal = [row for row in rows if (row["案件类型"] or "").strip() == "刑事"]
    multi = sum("、" in row["诉讼阶段"] for row in criminal) / len(criminal)
    assert 0.12 < multi < 0.28
    assert {row["适用程序"] for row in criminal} == {"普通", "简易", "速裁"}
    assert all(row["值班天数"] is None for row in rows)
    groups = Counter(g for row in rows if row["特殊群体"] for g in row["特殊群体"].split("、"))
    assert set(groups) == {"农民工", "残疾人", "老年人", "未成年人", "妇女", "军人军属(含退役军人)", "少数民族"}
    assert Counter(row["受援人数"] for row in rows)[1] > 0.9 * n
    assert {row["异地办案"] for row in rows} == {"是", "否"}
    assert {row["案件质量"] for row in rows} == {"优秀", "合格", "不合格", None}
    wage_rows = [row for row in rows if row["讨薪金额"] is not None]
    assert wage_rows and all("农民工" in (row["特殊群体"] or "") for row in wage_rows)
    # most civil-like subsidies without adjustments lie within the Hunan range 1500–5000
    plain = [row["补贴金额"] for row in rows
             if (row["案件类型"] or "").strip() in ("民事", "行政", "仲裁") and isinstance(row["补贴金额"], (int, float))
             and row["案件质量"] == "合格" and row["异地办案"] == "否" and row["受援人数"] == 1]
    assert len(plain) > 200 and all(1500 <= x <= 5000 for x in plain)


def test_documented_errors_are_at_their_rows(book):
    ws = book["案件台账"]
    errors = _notes_table(COMMITTED_NOTES.read_text(encoding="utf-8"), "## 故意设置的错误")
    codes = {code for _, _, _, code, _ in errors}
    assert codes == {"bad_id_check_digit", "impossible_birth_date", "closed_before_assigned", "duplicate_case_number",
                     "unknown_case_type", "stage_on_civil_case", "missing_case_type", "negative_recovered_amount"}
    total = _total_row(ws)
    for row_text, column, content, code, _ in errors:
        row = int(row_text)
        value = ws.cell(row, COL[column]).value
        assert _as_text(value) == content, (row, column)
        if code == "bad_id_check_digit":
            assert not _check_digit_ok(value) and _birth_date_ok(value)
        elif code == "impossible_birth_date":
            assert _check_digit_ok(value) and not _birth_date_ok(value)
        elif code == "closed_before_assigned":
            assert value < ws.cell(row, COL["指派日期"]).value
        elif code == "duplicate_case_number":
            others = [r for r, data in _data_rows(ws, total) if data["案件编号"] == value and r != row]
            assert len(others) == 1
        elif code == "unknown_case_type":
            assert value == "民亊"
        elif code == "stage_on_civil_case":
            assert ws.cell(row, COL["案件类型"]).value == "民事" and value
        elif code == "missing_case_type":
            assert value is None and ws.cell(row, COL["案件编号"]).value
        elif code == "negative_recovered_amount":
            assert value < 0


def test_identity_numbers_valid_except_planted(book):
    ws = book["案件台账"]
    errors = _notes_table(COMMITTED_NOTES.read_text(encoding="utf-8"), "## 故意设置的错误")
    planted = {int(r) for r, column, *_ in errors if column == "身份证号"}
    assert len(planted) == 2
    checked = 0
    for r, row in _data_rows(ws, _total_row(ws)):
        id_number = row["身份证号"]
        assert re.fullmatch(r"\d{17}[\dX]", id_number)
        if r in planted:
            continue
        assert _check_digit_ok(id_number), r
        assert _birth_date_ok(id_number), r
        born = int(id_number[6:10])
        if "未成年人" in (row["特殊群体"] or ""):
            assert born >= 2005
        if "老年人" in (row["特殊群体"] or ""):
            assert born <= 1963
        if "妇女" in (row["特殊群体"] or ""):
            assert int(id_number[16]) % 2 == 0
        checked += 1
    assert checked > 900


def test_documented_text_cells(book):
    ws = book["案件台账"]
    messy = _notes_table(COMMITTED_NOTES.read_text(encoding="utf-8"), "## 文本形式的金额、日期和带空格的类型")
    by_column = Counter(column for _, column, _, _ in messy)
    assert by_column["指派日期"] + by_column["结案日期"] >= 10
    assert sum(by_column[c] for c in ("挽回经济损失", "讨薪金额", "补贴金额")) >= 10
    assert by_column["案件类型"] >= 5
    texts = {content for _, column, content, _ in messy}
    assert any("元" in t for t in texts) and any(t.endswith("万") for t in texts)
    assert any(re.search(r"[０-９]", t) for t in texts) and any(re.fullmatch(r"[一二三四五六七八九十百千万零]+", t) for t in texts)
    assert any("年" in t for t in texts) and any(re.fullmatch(r"2023\.\d+\.\d+", t) for t in texts)
    assert any(re.fullmatch(r"2023/\d+/\d+", t) for t in texts)
    for row_text, column, content, meaning in messy:
        value = ws.cell(int(row_text), COL[column]).value
        assert value == content, (row_text, column)
        if column == "案件类型":
            assert value != meaning and value.strip(" \u3000") == meaning


def test_standard_sheet_layout(book):
    ws = book["补贴标准"]
    rows = [tuple(c.value for c in row[:6]) for row in ws.iter_rows(min_row=1, max_row=11)]
    assert rows[0] == ("案件类型", "诉讼阶段", "计价单位", "最低标准", "最高标准", "说明")
    assert rows[1:5] == [("认罪认罚法律帮助", None, "件", 300, 300, "本中心标准"),
                         ("值班律师", None, "日", 200, 200, "按值班天数"),
                         ("非诉讼", None, "件", 500, 1000, None),
                         ("国家赔偿", None, "件", 1500, 5000, None)]
    assert rows[5] == (None,) * 6
    assert [r[:3] for r in rows[6:11]] == [("调整项", "数值", "说明"), ("优秀上浮比例", 0.2, "评查优秀的案件上浮"),
                                          ("异地办案加付", 300, "在县外办理"), ("每增加一名受援人加付", 200, None),
                                          ("速裁计价阶段", "审查起诉", "速裁案件按审查起诉阶段计付一次")]
    assert ws["B8"].number_format == "0%"
    assert ws.max_row == 11


def test_consultation_sheet(book):
    ws = book["咨询登记"]
    assert [c.value for c in ws[1]] == ["日期", "咨询方式", "咨询人", "咨询事项", "人次"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert 1700 <= len(rows) <= 1900
    assert {r[1] for r in rows} == {"来访", "来电(12348)", "网络", "信函"}
    assert all(dt.datetime(2023, 1, 1) <= r[0] <= dt.datetime(2023, 12, 31) for r in rows)
    assert all(isinstance(r[4], int) and r[4] >= 1 for r in rows)
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws.freeze_panes == "A2"


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_deterministic_and_committed_copy_is_current(built, tmp_path):
    gen = _load_generator()
    gen.build(tmp_path / "again.xlsx", tmp_path / "again.md")
    first = _cells(built[0])
    assert _cells(tmp_path / "again.xlsx") == first
    assert (tmp_path / "again.md").read_text(encoding="utf-8") == built[1].read_text(encoding="utf-8")
    # the committed files are what the generator makes now
    assert _cells(COMMITTED_XLSX) == first
    assert COMMITTED_NOTES.read_text(encoding="utf-8") == built[1].read_text(encoding="utf-8")


def test_toolkit_reads_the_sample_as_documented():
    """The toolkit's ledger reader flags exactly the planted errors and understands every documented text cell."""
    from toolkit.io.excel_read import read_workbook
    from toolkit.ledger.book import build_ledger

    notes = COMMITTED_NOTES.read_text(encoding="utf-8")
    ledger = build_ledger(read_workbook(COMMITTED_XLSX), file=COMMITTED_XLSX.name)
    assert {f.row for f in ledger.findings} == {int(r) for r, *_ in _notes_table(notes, "## 故意设置的错误")}
    assert ledger.skipped_blank == 2 and len(ledger.total_rows) == 1
    cases = ledger.cases.set_index("excel_row")
    for row_text, column, content, meaning in _notes_table(notes, "## 文本形式的金额、日期和带空格的类型"):
        value = cases.at[int(row_text), column]
        if column in ("挽回经济损失", "讨薪金额", "补贴金额"):
            assert value == Decimal(meaning.removesuffix(" 元").replace(",", "")), (row_text, column, content)
        elif column in ("指派日期", "结案日期"):
            assert f"{value:%Y-%m-%d}" == meaning, (row_text, column, content)
        else:
            assert value == meaning, (row_text, column, content)
