"""The button scripts' decisions, without a workbook open (the end-to-end runs are in tests/server/)."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import write_book
from toolkit.base.errors import InputError
from toolkit.excel import buttons
from toolkit.excel.book_io import cell_out, grid, runs
from toolkit.io.excel_read import RawSheet, read_workbook
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS

HEADER = ["案号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "结案日期"]
ROWS = [
    ["(2023)1", "刑事", "审查起诉、审判", "张三", "甲所", dt.datetime(2023, 3, 5)],
    ["(2023)2", "民事", None, "+王五", "乙所", dt.datetime(2023, 4, 5)],
    ["(2023)3", "民亊", None, "李四", "乙所", None],
    ["合计", None, None, None, None, None],
]


def ledger_book(tmp_path, extra=None, rows=ROWS):
    sheets = {"案件台账": [["沅江市法律援助中心案件台账"], HEADER, *rows], **(extra or {})}
    return read_workbook(write_book(tmp_path / "台账.xlsx", sheets, merges={"案件台账": ["A1:F1"]}))


def test_plan_puts_the_toolkit_columns_right_of_the_ledger(tmp_path):
    sheets = ledger_book(tmp_path, {"参数": [["专项经费", "46万"], ["补贴水平", "最低"]]})
    plan = buttons.subsidy_plan(sheets, buttons.read_settings(sheets), active="案件台账", file="台账.xlsx")
    assert (plan.sheet, plan.header_row, plan.first_col) == ("案件台账", 2, 7)
    assert plan.last_row == 6
    block = buttons.ledger_block(plan)
    assert block[0] == list(TOOLKIT_LEDGER_COLUMNS)
    assert block[1][:3] == [Decimal(2300), Decimal(5000), Decimal(2300)]
    assert block[2][2] == Decimal(1500)
    assert block[3][2] is None and block[3][4].startswith("【错误】") and "民亊" in block[3][4]
    assert block[4][2] == Decimal(3800)                                  # the ledger's own 合计 row
    assert "应付补贴合计 3,800.00 元" in plan.message and "缺口 -456,200.00 元" in plan.message
    assert "错误 1 条" in plan.message
    # no time stamp: the same workbook gives the same plan
    again = buttons.subsidy_plan(sheets, buttons.read_settings(sheets), active="案件台账", file="台账.xlsx")
    assert again.layout.rows == plan.layout.rows


def test_rerun_finds_its_own_columns_and_ignores_their_values(tmp_path):
    header = HEADER + ["备注"] + list(TOOLKIT_LEDGER_COLUMNS)
    rows = [r + [None] + [99999, 99999, 99999, "旧依据", "旧提示"] for r in ROWS]
    sheets = ledger_book(tmp_path, rows=rows)
    sheets[0].rows[1] = header
    plan = buttons.subsidy_plan(sheets, {}, active="案件台账")
    assert plan.first_col == len(HEADER) + 2                             # where they already are, not appended
    assert buttons.ledger_block(plan)[1][2] == Decimal(2300)             # old values were not read as data


def test_settings_from_the_sheet_and_from_names(tmp_path):
    sheets = [RawSheet("参数", [["说明"], ["专项经费", "46万"], [" 补贴水平 ", "最高"], ["补贴标准", None]])]
    settings = buttons.read_settings(sheets, {"LA_SubsidyLevel": "中间", "Other": 1})
    assert settings["fund"][0] == "46万" and settings["level"] == ("中间", "名称“LA_SubsidyLevel”")
    assert "standard" not in settings
    bad = ledger_book(tmp_path, {"参数": [["专项经费", "很多钱"]]})
    with pytest.raises(InputError) as exc:
        buttons.subsidy_plan(bad, buttons.read_settings(bad))
    assert exc.value.message.startswith("“参数”工作表第1行：专项经费")
    with pytest.raises(InputError, match="补贴水平“偶尔”无法识别"):
        buttons.subsidy_plan(bad, {"level": ("偶尔", "名称“LA_SubsidyLevel”")})


def test_the_active_sheet_is_used_only_when_it_is_a_ledger(tmp_path):
    sheets = ledger_book(tmp_path, {"补贴标准": [["案件类型", "诉讼阶段", "最低标准"], ["民事", None, 1600]],
                                    "台账2": [HEADER, ["K9", "民事", None, "赵", "丙所", None]]})
    assert buttons.choose_ledger_sheet(sheets, "补贴标准") is None
    assert buttons.choose_ledger_sheet(sheets, "台账2") == "台账2"
    plan = buttons.subsidy_plan(sheets, {}, active="台账2")
    assert plan.sheet == "台账2" and buttons.ledger_block(plan)[1][2] == Decimal(1600)   # the 补贴标准 sheet applies


def test_cells_are_written_exactly_and_never_as_formulas():
    assert cell_out(Decimal("1500.00")) == 1500 and isinstance(cell_out(Decimal("1500.00")), int)
    assert cell_out(Decimal("0.4167")) == 0.4167
    assert cell_out("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [cell_out(t) for t in ("+1", "-2", "@a", "a=b")] == ["'+1", "'-2", "'@a", "a=b"]
    assert cell_out("") is None and cell_out(dt.date(2023, 1, 2)) == dt.date(2023, 1, 2)
    assert grid([[1], [1, 2, 3]]) == [[1, None, None], [1, 2, 3]]
    severity = {"a": "error", "b": "error", "x": "warning", "y": "warning"}   # severities as data, not prefixes
    assert runs(["", "a", "b", "x", None, "y"], severity.get) == [
        (1, 2, "error"), (3, 3, "warning"), (5, 5, "warning")]


def test_every_button_of_the_templates_has_a_job():
    import re
    from pathlib import Path

    macros = Path(__file__).resolve().parent.parent / "macros"
    jobs = re.findall(r"run_from_excel\('(\w+)'\)", (macros / "LegalAid.bas").read_text(encoding="utf-8"))
    ribbon = re.findall(r"run_from_excel\('(\w+)'\)", (macros / "addin" / "LegalAidRibbon.bas").read_text(encoding="utf-8"))
    assert jobs and set(jobs) | set(ribbon) == set(buttons.JOBS)       # the ribbon adds 设置 and 帮助
    assert set(jobs) <= set(ribbon)


def test_budget_check_on_the_desktop_path_finds_what_legalaid_validate_finds(capsys):
    """The sample final accounts: with the saved file's formats the button lists exactly the CLI's findings."""
    import json
    from pathlib import Path

    from toolkit.cli.main import main

    path = Path(__file__).resolve().parent.parent / "workbooks" / "示例决算.xlsx"
    sheets = read_workbook(path)
    formats = buttons.formats_if_unchanged(path, sheets)
    assert set(formats) == {s.name for s in sheets}
    layout, message = buttons.budget_plan(sheets, path.name, formats)
    listed = [(row[1].value, row[2].value, row[6].value) for row in layout.rows[1:]]
    capsys.readouterr()
    main(["validate", str(path), "--json"])
    cli = json.loads(capsys.readouterr().out)
    assert listed == [(f"{f['sheet']}!{f['cell']}", f["rule"], f["message"]) for f in cli["findings"]]
    assert len(listed) == 9 and "未能读取" not in message
