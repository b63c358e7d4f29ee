"""填写统计表 and `legalaid stats` produce the same cells for the same workbook and settings (issue 14): both render
the core's one 统计表 row list (toolkit.stats.sheets) of the one use case (toolkit.stats.job)."""

import copy
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
import xlwings as xw

from remote_book import payload_from_file, replay, write_xlsx
from toolkit.base.errors import place_text
from toolkit.cli.main import main
from toolkit.excel import buttons
HEADER = ["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "特殊群体", "挽回经济损失"]
ROWS = [["K1", "甲", "刑事", "审判", "张", "甲所", dt.datetime(2023, 3, 5), "农民工", None],
        ["K2", "乙", "民事", None, "李", "乙所", dt.datetime(2023, 4, 5), None, "1.2万"],
        ["K3", "丙", "认罪认罚", None, "李", "乙所", dt.datetime(2023, 4, 25), "老年人、妇女", None],
        ["K4", "丁", "民事", None, "李", "乙所", None, None, None],
        ["K5", "戊", "行政", None, "王", "丙所", dt.datetime(2023, 4, 9), None, 3000],
        ["K6", "己", "仲裁", "", "王", "丙所", "2023年4月30日", "残疾人", None],
        ["K7", "庚", "刑事", "审查起诉", "张", "甲所", dt.datetime(2023, 11, 2), None, None]]
PREVIOUS = [["P1", "甲", "民事", None, "张", "甲所", dt.datetime(2022, 4, 5), None, 500],
            ["P2", "乙", "刑事", "审判", "张", "甲所", dt.datetime(2022, 3, 5), None, None]]
CONSULTATIONS = [["咨询日期", "渠道", "人次"], [dt.datetime(2023, 2, 1), "来访", 3], [dt.datetime(2023, 4, 2), "12348", 4]]


def _blank(v):
    return None if v == "" else v


def _same(a, b) -> bool:
    a, b = _blank(a), _blank(b)
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


# the 统计期间 as Windows Excel hands it over (a float year, a datetime for a typed 2023-04) and as the CLI gets it
@pytest.mark.parametrize("setting, argument", [(2023.0, "2023"), (dt.datetime(2023, 4, 1), "2023-04")])
def test_the_button_and_the_cli_write_the_same_statistics(tmp_path, capsys, setting, argument):
    path = write_xlsx(tmp_path / "统计.xlsx", {"案件台账": [HEADER, *ROWS], "咨询登记": CONSULTATIONS,
                                              "上年台账": [HEADER, *PREVIOUS], "参数": [["统计期间", "x"]]})
    previous = write_xlsx(tmp_path / "上年.xlsx", {"案件台账": [HEADER, *PREVIOUS]})
    payload = payload_from_file(path)
    settings = next(s for s in payload["sheets"] if s["name"] == "参数")
    settings["values"][0][1] = setting if isinstance(setting, float) else setting.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    book = xw.Book(json=copy.deepcopy(payload))
    buttons.run_job("fill_statistics", book)
    state = replay(payload, book.json()["actions"])
    button = state["values"]["统计表"]

    out = tmp_path / "cli.xlsx"
    code = main(["stats", str(path), "--previous", str(previous), "--period", argument, "-o", str(out)])
    capsys.readouterr()
    assert code == 1                                              # the undated K4 is a finding in both
    cli_book = openpyxl.load_workbook(out, data_only=True)        # formulas read as the values the writer cached
    cli = [[c.value for c in row] for row in cli_book["统计表"].iter_rows(min_row=1, max_col=8)]

    # the title, period line, basis note, headers and every statistics row: all eight columns, cell by cell
    keys = [r for r in range(4, len(cli)) if isinstance(cli[r][2], str) and "." in cli[r][2]]
    assert len(keys) > 25
    compared = [0, 1, 2, 3, *keys]
    for r in compared:
        for c in range(8):
            mine = button[r][c] if r < len(button) and c < len(button[r]) else ""
            assert _same(mine, cli[r][c]), (r + 1, c + 1, mine, cli[r][c])
    by_key = {row[2]: row for row in cli}
    assert by_key["cases.total"][4] == (5 if argument == "2023" else 3) and by_key["cases.total"][5] >= 1

    # the findings: the CLI's 校验结果 and the list under the button's table, one for one (level, place, message)
    listed = [row for row in cli_book["校验结果"].iter_rows(min_row=3, values_only=True)]
    first = next(r for r, row in enumerate(button) if row and str(row[0]).startswith("校验结果：")) + 1
    below = [row[:3] for row in button[first:] if row and row[0]]
    assert len(below) == len(listed) >= 1
    for (level, file, sheet, row, column, message), (b_level, b_place, b_message) in zip(listed, below):
        assert (level, place_text(file, sheet, row, column)) == (b_level, b_place)
        assert message == b_message or "（内容略）" in message     # the CLI's file leaves out cell contents
