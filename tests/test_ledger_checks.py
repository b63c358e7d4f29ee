"""The ledger's column checks are data: each [[checks]] row of ledger.toml, changed in the data, changes its finding.

One workbook, written here, plants one slip per check kind at a known cell. For every row of the shipped check
table the test rewrites that row's message and flips its severity in a copy of the vocabulary, reads the same
workbook again and asserts that exactly the findings of that check changed (same cells, the new text, the new
severity, the row moving between the counted and the excluded cases) and nothing else did.
"""

import dataclasses
import datetime as dt

import pytest

from conftest import valid_id, write_book
from toolkit.base.findings import ERROR, WARNING
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.parse import parse_ledger
from toolkit.ledger.book import find_ledger_sheet
from toolkit.ledger.checks import CHECKS, load_checks
from toolkit.base.sheet import RawSheet
from toolkit.ledger.vocab import default_vocabulary

GOOD_ID = valid_id()
BAD_CHECK = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")
HEADER = ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "适用程序", "承办律师", "指派日期", "结案日期", "特殊群体",
          "受援人数", "异地办案", "值班天数", "挽回经济损失", "讨薪金额", "补贴金额", "案件质量"]
D1, D2 = dt.datetime(2023, 3, 1), dt.datetime(2023, 4, 1)


def _row(number, kind="民事", stage=None, **cells):
    row = dict(zip(HEADER, [number, "甲", GOOD_ID, kind, stage, "普通", "张明", D1, D2, None, 1, "否", None, None,
                            None, 1500, "合格"]))
    row.update(cells)
    return [row[h] for h in HEADER]


# (Excel row, the check it plants: (column, check)) — the header is on row 2, data from row 3
PLANTED = [
    (3, ("案号", "required"), _row(None)),
    (4, ("案件类型", "required"), _row("(2023)02", kind=None)),
    (5, ("案件类型", "case_type"), _row("(2023)03", kind="民亊")),
    (6, ("诉讼阶段", "known_parts"), _row("(2023)04", kind="刑事", stage="庭外")),
    (7, ("诉讼阶段", "criminal_has_stage"), _row("(2023)05", kind="刑事")),
    (8, ("诉讼阶段", "stage_only_criminal"), _row("(2023)06", stage="审判")),
    (9, ("适用程序", "known"), _row("(2023)07", 适用程序="其他")),
    (10, ("案件质量", "known"), _row("(2023)08", 案件质量="很好")),
    (11, ("特殊群体", "known_parts"), _row("(2023)09", 特殊群体="外星人")),
    (12, ("异地办案", "yes_no"), _row("(2023)10", 异地办案="也许")),
    (13, ("受援人数", "parses"), _row("(2023)11", 受援人数="若干")),
    (14, ("受援人数", "at_least"), _row("(2023)12", 受援人数=-1)),
    (15, ("值班天数", "parses"), _row("(2023)13", 值班天数="很多")),
    (16, ("值班天数", "at_least"), _row("(2023)14", 值班天数=-2)),
    (17, ("挽回经济损失", "parses"), _row("(2023)15", 挽回经济损失="大约")),
    (18, ("挽回经济损失", "at_least"), _row("(2023)16", 挽回经济损失=-300)),
    (19, ("补贴金额", "parses"), _row("(2023)17", 补贴金额="待定")),
    (20, ("补贴金额", "at_least"), _row("(2023)18", 补贴金额=-1500)),
    (21, ("指派日期", "parses"), _row("(2023)19", 指派日期="不详")),
    (22, ("结案日期", "parses"), _row("(2023)20", 结案日期="未结")),
    (23, ("结案日期", "not_before"), _row("(2023)21", 指派日期=D2, 结案日期=D1)),
    (24, ("身份证号", "id_number"), _row("(2023)22", 身份证号=BAD_CHECK)),
    (25, ("案号", "unique"), _row("(2023)22")),
    (26, ("诉讼阶段", "known_parts"), _row("(2023)24", stage="庭外")),   # not criminal: severity_otherwise
    (27, ("讨薪金额", "parses"), _row("(2023)25", 讨薪金额="若干")),
    (28, ("讨薪金额", "at_least"), _row("(2023)26", 讨薪金额=-5000)),
    (29, None, _row("(2023)27")),                                        # a clean row: no finding
]
FILE_CHECKS = {(c, k) for _, key, _ in PLANTED if key for c, k in [key]}


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    path = write_book(tmp_path_factory.mktemp("checks") / "台账.xlsx",
                      {"案件台账": [["2023年法律援助案件台账"], HEADER, *[r for _, _, r in PLANTED]]})
    return find_ledger_sheet(read_workbook(path), file=path.name)


def _read(sheet, vocab):
    return parse_ledger(sheet, "台账.xlsx", vocab, today=dt.date(2026, 1, 1))


def _changed(vocab, index: int, **change):
    rows = [dict(r) for r in vocab.checks]
    rows[index].update(change)
    return dataclasses.replace(vocab, checks=tuple(rows))


def test_the_shipped_table_finds_each_planted_slip_once_at_its_cell(sheet):
    vocab = default_vocabulary()
    ledger = _read(sheet, vocab)
    by_row = {}
    for f in ledger.findings:
        by_row.setdefault(f.row, []).append(f)
    assert sorted(by_row) == [r for r, key, _ in PLANTED if key]
    label = {h: h for h in HEADER}
    for row, (column, _), _ in (p for p in PLANTED if p[1]):
        assert [f.column for f in by_row[row]] == [label[column]], by_row[row]
    assert by_row[26][0].severity == WARNING and by_row[6][0].severity == ERROR   # the stage's two severities
    assert by_row[26][0].message == by_row[6][0].message == "无法识别的诉讼阶段“庭外”，是否应为“审判”？可用阶段：侦查、审查起诉、审判、死刑复核。"
    assert by_row[25][0].message == "案号“(2023)22”与第24行重复，本行未计入。"


# every row of the shipped table but blank_text (a workbook file cannot hold a cell of only invisible blanks: that
# one is planted in a RawSheet, as the Excel shell hands values over, in the test after this one)
FILE_ROWS = [i for i, c in enumerate(default_vocabulary().checks) if c["check"] != "blank_text"]


def test_every_check_row_but_blank_text_is_planted_in_the_workbook():
    assert {(c["column"], c["check"]) for i, c in enumerate(default_vocabulary().checks) if i in FILE_ROWS} \
        == FILE_CHECKS


@pytest.mark.parametrize("index", FILE_ROWS)
def test_each_check_row_drives_its_findings(sheet, index):
    vocab = default_vocabulary()
    spec = vocab.checks[index]
    key = (spec["column"], spec["check"])
    flipped = "warning" if spec["severity"] == "error" else "error"
    before = _read(sheet, vocab)
    after = _read(sheet, _changed(vocab, index, severity=flipped, message="【第{n}项】".format(n=index) + spec["message"]))
    gone = [f for f in before.findings if f not in after.findings]
    new = [f for f in after.findings if f not in before.findings]
    expected_rows = [r for r, k, _ in PLANTED if k == key]
    assert sorted({f.row for f in gone}) == expected_rows and len(gone) == len(new)
    for old, f in zip(sorted(gone, key=lambda f: f.row), sorted(new, key=lambda f: f.row)):
        assert (f.row, f.column, f.value) == (old.row, old.column, old.value)
        assert f.message == f"【第{index}项】" + old.message
        if "severity_otherwise" not in spec:
            assert f.severity == {"error": ERROR, "warning": WARNING}[flipped] != old.severity
    # an error leaves its row out of the calculation; as a warning the row is counted
    if spec["severity"] == "error" and "severity_otherwise" not in spec:
        rows_before, rows_after = set(before.excluded["excel_row"]), set(after.excluded["excel_row"])
        assert rows_before - rows_after == set(expected_rows)
    # and without the row in the table, the check finds nothing
    without = _read(sheet, dataclasses.replace(vocab, checks=vocab.checks[:index] + vocab.checks[index + 1:]))
    assert [f for f in without.findings if f not in before.findings] == []
    assert [f for f in before.findings if f not in without.findings] == gone


def test_a_bound_in_the_data_moves_the_check(sheet):
    vocab = default_vocabulary()
    index = next(i for i, c in enumerate(vocab.checks) if (c["column"], c["check"]) == ("受援人数", "at_least"))
    ledger = _read(sheet, _changed(vocab, index, min=2))
    flagged = sorted(f.row for f in ledger.findings if f.message == "受援人数不能为负数。")
    # every row with one person is now below the bound (rows whose 受援人数 could not be read stay as they were)
    persons = HEADER.index("受援人数")
    assert flagged == [r for r, k, cells in PLANTED if k != ("受援人数", "parses") and cells[persons] in (1, -1)]


def test_blank_text_check_is_driven_by_its_row():
    """A cell holding only a unit separator (what a pasted value can carry): filled, yet no case type."""
    sheet = RawSheet("案件台账", [HEADER, _row("(2023)01", kind="\x1f\x1f")])
    vocab = default_vocabulary()
    index = next(i for i, c in enumerate(vocab.checks) if c["check"] == "blank_text")
    before = _read(sheet, vocab)
    assert [(f.row, f.column, f.severity, f.message) for f in before.findings] == \
        [(2, "案件类型", ERROR, "必填项“案件类型”为空。")]
    after = _read(sheet, _changed(vocab, index, severity="warning", message="案件类型只有空白字符。"))
    assert [(f.row, f.severity, f.message) for f in after.findings] == [(2, WARNING, "案件类型只有空白字符。")]
    assert len(after.cases) == 1 and len(before.cases) == 0


def test_the_table_is_checked_when_loaded():
    rows = [dict(r) for r in default_vocabulary().checks]
    assert {r["check"] for r in rows} == set(CHECKS)            # every named check is used by the shipped table
    assert {r["column"] for r in rows if r["check"] == "required"} == set(default_vocabulary().required_fields)
    with pytest.raises(ValueError, match="unknown check"):
        load_checks([{**rows[0], "check": "no_such_check"}])
    with pytest.raises(ValueError, match="unknown severity"):
        load_checks([{**rows[0], "severity": "fatal"}])
    with pytest.raises(ValueError, match="needs a parser"):
        load_checks([{**rows[0], "column": "案件类型", "check": "parses"}], default_vocabulary().parsers)
    assert load_checks(rows, default_vocabulary().parsers)   # the shipped table passes
