"""The add-in's jobs on a centre's OWN workbook (an .xlsx, no template): xw.Book(json=…) stands for the active
workbook that xlwings' custom-add-in RunPython hands to Python as xw.Book.caller(). The same cells as the template
button and as `legalaid subsidy`; only the toolkit's own columns and sheets change."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import xlwings as xw

from remote_book import next_payload, payload_from_file, payload_from_grids, replay, trimmed, write_xlsx
from toolkit.excel import buttons
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
# the centre's own ledger: its own column order and names, two title rows, another sheet before it
OWN_HEADER = ["序号", "案件编号", "受援人姓名", "案件类别", "诉讼阶段", "承办人", "律师事务所", "指派时间", "备注"]
CASES = [
    ["(2023)沅法援字第1号", "甲", "刑事", "审查起诉、审判", "张三", "甲律师事务所", dt.datetime(2023, 3, 5)],
    ["(2023)沅法援字第2号", "乙", "民事", None, "王五", "乙律师事务所", dt.datetime(2023, 4, 5)],
    ["(2023)沅法援字第3号", "丙", "民亊", None, "李四", "乙律师事务所", dt.datetime(2023, 4, 9)],
    ["(2023)沅法援字第4号", "丁", "行政", None, "李四", "乙律师事务所", dt.datetime(2023, 6, 1)],
    ["(2023)沅法援字第5号", "戊", "刑事", "侦查", "张三", "甲律师事务所", dt.datetime(2023, 7, 1)],
]
NOTES = [["本工作簿是中心自己的台账", None], ["不要改动这里", 42]]


def own_rows() -> list[list]:
    rows = [["沅江市法律援助中心2023年案件台账"], ["填报单位：沅江市法律援助中心"], OWN_HEADER]
    rows += [[i, *case, None] for i, case in enumerate(CASES, start=1)]
    return rows


@pytest.fixture
def own_book(tmp_path) -> Path:
    return write_xlsx(tmp_path / "2023年台账.xlsx", {"说明": NOTES, "2023年案件": own_rows()})


def press(payload: dict, job: str):
    """A ribbon button on the active workbook: run_from_excel(job) does exactly run_job(job, xw.Book.caller())."""
    book = xw.Book(json=copy.deepcopy(payload))
    message = buttons.run_job(job, book)
    actions = book.json()["actions"]
    return message, actions, replay(payload, actions)


def toolkit_block(state: dict, sheet: str, header_row: int, first_col: int, n_cases: int) -> list[list]:
    """The five toolkit columns for the case rows (header included), as the workbook shows them."""
    grid = state["values"][sheet]
    out = []
    for r in range(header_row - 1, header_row + n_cases):
        row = grid[r] if r < len(grid) else []
        out.append([row[c] if c < len(row) else "" for c in range(first_col - 1, first_col + 4)])
    return out


def test_compute_subsidy_on_a_centres_own_xlsx(own_book):
    payload = payload_from_file(own_book, active=1)
    message, actions, state = press(payload, "compute_subsidy")
    assert "计入 4 件" in message and "错误 1 条" in message
    first = len(OWN_HEADER) + 1
    block = toolkit_block(state, "2023年案件", 3, first, len(CASES))
    assert block[0] == list(TOOLKIT_LEDGER_COLUMNS)
    assert [row[2] for row in block[1:]] == [2300, 1500, "", 1500, 800]
    # only the toolkit's columns of the ledger and its own sheet changed; nothing is saved or converted
    assert state["values"]["说明"] == trimmed(payload["sheets"][0]["values"])
    assert trimmed([r[:len(OWN_HEADER)] for r in state["values"]["2023年案件"]]) == trimmed(payload["sheets"][1]["values"])
    assert state["sheets"] == ["说明", "2023年案件", "补贴汇总"]
    assert {a["func"] for a in actions} <= {"setValues", "setRangeColor", "setNumberFormat", "setFontProperty",
                                             "setColumnWidth", "rangeMerge", "setWrapText", "addSheet", "sheetClear",
                                             "activateSheet", "alert", "rangeClearContents"}


def test_the_same_cells_as_the_template_button_and_the_cli(own_book, tmp_path):
    from macros.build_templates import LEDGER_HEADERS
    from toolkit.cli.main import main

    _, _, own = press(payload_from_file(own_book, active=1), "compute_subsidy")
    own_block = toolkit_block(own, "2023年案件", 3, len(OWN_HEADER) + 1, len(CASES))

    # the template: the same cases pasted under its header (row 2), its own column order
    template = {s.name: [list(r) for r in s.rows] for s in read_workbook(ROOT / "workbooks" / "台账模板.xlsm")}
    index = {name: LEDGER_HEADERS.index(name) for name in ("案号", "受援人", "案件类型", "诉讼阶段", "承办律师",
                                                          "律师事务所", "指派日期")}
    ledger = template["案件台账"]
    for case in CASES:
        row = [None] * len(LEDGER_HEADERS)
        for name, value in zip(index, case):
            row[index[name]] = value
        ledger.append(row)
    template_payload = payload_from_grids("台账模板.xlsm", template, active=0)
    _, _, tpl = press(template_payload, "compute_subsidy")
    tpl_block = toolkit_block(tpl, "案件台账", 2, len(LEDGER_HEADERS) + 1, len(CASES))

    # the CLI on the centre's file
    out = tmp_path / "cli.xlsx"
    assert main(["subsidy", str(own_book), "-o", str(out)]) == 1          # 1: the planted 民亊
    cli = {s.name: s.rows for s in read_workbook(out)}
    cli_state = {"values": {"2023年案件": [["" if v is None else v for v in row] for row in cli["2023年案件"]]}}
    cli_block = toolkit_block(cli_state, "2023年案件", 3, len(OWN_HEADER) + 1, len(CASES))

    def amounts(block):   # columns 补贴下限 … 补贴金额(计算) and whether a row has an error note
        return [[*row[:3], "【错误】" in str(row[4])] for row in block]

    assert amounts(own_block) == amounts(tpl_block) == amounts(cli_block)
    assert [row[3] for row in own_block] == [row[3] for row in tpl_block] == [row[3] for row in cli_block]

    def summary_numbers(rows):
        return [[v for v in row if isinstance(v, (int, float))] for row in rows]

    assert summary_numbers(own["values"]["补贴汇总"]) == summary_numbers(tpl["values"]["补贴汇总"])
    assert summary_numbers(trimmed([["" if v is None else v for v in r] for r in cli["补贴汇总"]])) == \
        summary_numbers(own["values"]["补贴汇总"])


def test_settings_button_creates_the_sheet_once_and_keeps_what_the_user_wrote(own_book):
    payload = payload_from_file(own_book, active=1)
    message, _, state = press(payload, "open_settings")
    assert "已新建“参数”工作表" in message and ".xlsx" in message
    assert state["sheets"] == ["说明", "2023年案件", "参数"]
    sheet = state["values"]["参数"]
    assert sheet[0][:2] == ["设置", "值"]
    assert [r[0] for r in sheet[1:]] == [label for label, _, _ in buttons.SETTING_HELP]
    assert all(r[2] for r in sheet[1:])                                     # each with its explanation
    assert state["values"]["2023年案件"] == trimmed(payload["sheets"][1]["values"])

    # the clerk fills in the fund, then presses 设置 again: nothing is added or lost
    filled = next_payload(payload, state)
    fund_row = next(i for i, r in enumerate(filled["sheets"][2]["values"]) if r[0] == "专项经费")
    filled["sheets"][2]["values"][fund_row][1] = "0.46万"
    message, actions, again = press(filled, "open_settings")
    assert "已打开“参数”工作表" in message and "补上" not in message
    assert again["values"]["参数"] == trimmed(filled["sheets"][2]["values"])
    assert not [a for a in actions if a["func"] == "setValues"]

    # and 计算补贴 now reads it
    message, _, _ = press(filled, "compute_subsidy")
    assert "专项经费 4,600.00 元" in message


def test_settings_button_completes_an_existing_sheet(tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", {"案件台账": own_rows(), "参数": [["补贴水平", "最高"]]})
    message, _, state = press(payload_from_file(path, active=0), "open_settings")
    assert "补上 8 个设置项" in message
    rows = state["values"]["参数"]
    assert rows[0] == ["补贴水平", "最高"] and len(rows) == 9 and rows[1][0] == "补贴标准"


def test_statistics_on_the_own_workbook_with_a_numeric_period(own_book):
    payload = payload_from_file(own_book, active=1)
    payload["sheets"].append({"name": "参数", "values": [["统计期间", 2023.0]], "pictures": [], "tables": []})
    message, _, state = press(payload, "fill_statistics")
    assert "统计表已填写（2023年" in message and "案件 4 件" in message
    payload["sheets"][-1]["values"] = [["统计期间", "2023-04"]]
    message, _, _ = press(payload, "fill_statistics")
    assert "2023年4月" in message and "案件 1 件" in message     # 民亊 on 04-09 is an error row, not counted


def test_help_changes_nothing(own_book):
    message, actions, _ = press(payload_from_file(own_book, active=1), "show_help")
    assert message == buttons.HELP_TEXT
    assert [a["func"] for a in actions] == ["alert"]


def test_monthly_return_folders_from_the_settings_sheet_or_the_template_names(own_book, tmp_path):
    from toolkit.base.errors import InputError

    payload = payload_from_file(own_book, active=1)
    with pytest.raises(InputError, match="“输入文件夹”单元格（名称 LA_InputFolder）或“参数”工作表"):
        buttons.returns_folders(xw.Book(json=copy.deepcopy(payload)))
    inbox, outbox = str(tmp_path / "收到的月报"), str(tmp_path / "整理结果")
    payload["sheets"].append({"name": "参数", "values": [["输入文件夹", inbox], ["输出文件夹", outbox]],
                              "pictures": [], "tables": []})
    assert buttons.returns_folders(xw.Book(json=copy.deepcopy(payload))) == {"LA_InputFolder": inbox,
                                                                          "LA_OutputFolder": outbox}
    # the template's named cells win over the sheet
    payload["sheets"][0]["values"][0][1] = "D:/模板里的文件夹"
    payload["names"] = [{"name": "LA_InputFolder", "sheet_index": 0, "address": "B1", "book_scope": True}]
    assert buttons.returns_folders(xw.Book(json=copy.deepcopy(payload)))["LA_InputFolder"] == "D:/模板里的文件夹"
