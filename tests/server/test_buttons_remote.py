"""Every button script end to end through xw.Book(json=payload), as Excel on the web / xlwings Server runs it."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
import xlwings as xw

from remote_book import cell, next_payload, payload_from_file, payload_from_grids, replay, trimmed, write_xlsx
from toolkit.excel import buttons
from toolkit.io.excel_read import read_workbook
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS
from toolkit.ledger.book import build_ledger, build_standard
from toolkit.subsidy.compute import compute_subsidies, parse_level

HEADER = ["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "结案日期", "补贴金额"]
ROWS = [
    ["(2023)沅法援字第1号", "甲", "刑事", "审查起诉、审判", "张三", "甲律师事务所", dt.datetime(2023, 3, 5), "2300元"],
    ["(2023)沅法援字第2号", "乙", "民事", None, "+王五", "乙律师事务所", dt.datetime(2023, 4, 5), 1500],
    ["(2023)沅法援字第3号", "丙", "民亊", None, "李四", "乙律师事务所", None, None],
    [None] * 8,
    ["(2023)沅法援字第4号", "丁", "认罪认罚", None, "李四", "乙律师事务所", dt.datetime(2023, 5, 1), 300],
    ["合计", None, None, None, None, None, None, 4100],
]
OTHER = [["这是用户自己的表", 1, 2], ["=不是公式", None, 3]]


@pytest.fixture
def ledger_file(tmp_path):
    return write_xlsx(tmp_path / "沅江台账.xlsx",
                      {"说明": OTHER, "案件台账": [["沅江市法律援助中心2023年案件台账"], HEADER, *ROWS],
                       "参数": [["专项经费", "0.46万"], ["补贴水平", "最低"]]},
                      merges={"案件台账": ["A1:H1"]})


def press(payload, job="compute_subsidy"):
    """Run a button on a workbook as xlwings Server would; the payload itself stays as Excel sent it."""
    book = xw.Book(json=copy.deepcopy(payload))
    message = buttons.run_job(job, book)
    actions = book.json()["actions"]
    return message, actions, replay(payload, actions)


def test_compute_subsidy_end_to_end(ledger_file):
    payload = payload_from_file(ledger_file, active=1)
    message, actions, state = press(payload)

    # the same numbers as the core on the same file
    sheets = read_workbook(ledger_file)
    ledger = build_ledger(sheets)
    expected = compute_subsidies(ledger.cases, build_standard(sheets), parse_level("最低"))
    assert expected.total == Decimal(3800)

    first = len(HEADER) + 1                                    # right next to the last used column
    headers = [cell(state, "案件台账", (2, first + i)) for i in range(5)]
    assert headers == list(TOOLKIT_LEDGER_COLUMNS)
    assert [cell(state, "案件台账", (r, first + 2)) for r in range(3, 9)] == [2300, 1500, "", "", "", 3800]
    assert cell(state, "案件台账", (3, first + 3)).startswith("刑事·审查起诉 最低标准800元 + 刑事·审判")
    assert "民亊" in cell(state, "案件台账", (5, first + 4)) and "【错误】" in cell(state, "案件台账", (5, first + 4))
    assert "认罪认罚法律帮助" in cell(state, "案件台账", (7, first + 4))   # not priced in Hunan: said, not skipped

    # nothing outside the toolkit's columns and sheets changes
    for a in actions:
        if a.get("sheet_position") == 1 and a["func"] != "activateSheet":
            assert a["start_column"] >= first - 1, a
        assert a.get("sheet_position") in (None, 1, 3), a
    assert state["values"]["说明"] == trimmed(payload["sheets"][0]["values"])
    assert trimmed([r[:len(HEADER)] for r in state["values"]["案件台账"]]) == trimmed(payload["sheets"][1]["values"])

    # highlights only on our note column: red for the error row, yellow for the warning row
    colours = [(a["args"], a["start_row"] + 1, a["start_column"] + 1) for a in actions
               if a["func"] == "setRangeColor" and a["sheet_position"] == 1]
    assert (["#FFC7CE"], 5, first + 4) in colours and (["#FFEB9C"], 7, first + 4) in colours

    # the summary sheet, added after the last sheet
    assert state["sheets"] == ["说明", "案件台账", "参数", "补贴汇总"]
    assert [a["sheet_position"] for a in actions if a["func"] == "activateSheet"] == [1]   # back on the ledger
    summary = state["values"]["补贴汇总"]
    rows = {r[0]: r for r in summary if r}
    assert rows["应付补贴合计（最低标准）"][2] == 3800 and rows["专项经费"][2] == 4600
    assert rows["缺口（应付 − 经费，正数为不足）"][2] == -800
    assert rows["'+王五"][1:3] == [1, 1500]                    # a name like a formula stays text
    assert rows["统一2,000元/件"][2] == 4000
    assert message == state["alerts"][0]
    assert "计入 2 件，应付补贴合计 3,800.00 元" in message and "错误 1 条、警告 1 条" in message


def test_pressing_twice_gives_the_same_workbook(ledger_file):
    payload = payload_from_file(ledger_file, active=1)
    _, first_actions, once = press(payload)
    second_payload = next_payload(payload, once)
    _, second_actions, twice = press(second_payload)
    assert twice["values"] == once["values"] and twice["sheets"] == once["sheets"]
    assert sorted(twice["formats"]["案件台账"]) == sorted(once["formats"]["案件台账"])
    assert twice["formats"]["补贴汇总"] == once["formats"]["补贴汇总"]
    assert [a["func"] for a in second_actions if a["func"] in ("addSheet", "sheetClear")] == ["sheetClear"]


def test_level_and_standard_from_defined_names(ledger_file):
    payload = payload_from_file(ledger_file, active=1, names=[
        {"name": "LA_SubsidyLevel", "sheet_index": 0, "address": "C1", "book_scope": True}])
    payload["sheets"][0]["values"][0][2] = "最高"
    _, _, state = press(payload)
    rows = {r[0]: r for r in state["values"]["补贴汇总"] if r}
    assert rows["应付补贴合计（最高标准）"][2] == 10000


def test_a_workbook_without_a_ledger_gets_a_message_and_no_changes(tmp_path):
    path = write_xlsx(tmp_path / "空.xlsx", {"Sheet1": [["随便", "写点"], [1, 2]]})
    message, actions, state = press(payload_from_file(path))
    assert message.startswith("“计算补贴”未完成：") and "没有找到案件台账工作表" in message
    assert [a["func"] for a in actions] == ["alert"]


def test_an_unknown_job_answers_in_chinese(ledger_file):
    message, actions, _ = press(payload_from_file(ledger_file), "no_such_job")
    assert message.startswith("未知的功能") and [a["func"] for a in actions] == ["alert"]


def test_button_writes_what_the_cli_writes(ledger_file, tmp_path):
    """The button and `legalaid subsidy` share one layout: same toolkit columns, same 补贴汇总 values."""
    from toolkit.cli.main import main

    out = tmp_path / "cli.xlsx"
    assert main(["subsidy", str(ledger_file), "--fund", "0.46万", "-o", str(out)]) == 1   # 1: findings
    cli = {s.name: s.rows for s in read_workbook(out)}
    _, _, state = press(payload_from_file(ledger_file, active=1))

    def norm(rows):
        return trimmed([["" if v is None else (v[1:] if isinstance(v, str) and v.startswith("'") else v)
                         for v in row] for row in rows])

    first = len(HEADER)
    assert norm([r[first:] for r in state["values"]["案件台账"]]) == norm([r[first:] for r in cli["案件台账"]])
    assert norm(state["values"]["补贴汇总"]) == norm(cli["补贴汇总"])


def test_draft_report_writes_the_draft_the_cli_writes(tmp_path):
    """生成自评报告: budget, ledger and indicators in one workbook; the sheet holds the paragraphs of the CLI's .docx."""
    from docx import Document

    from report_fixtures import write_budget, write_ledger, write_targets
    from toolkit.cli.main import main

    files = [write_budget(tmp_path / "b.xlsx"), write_ledger(tmp_path / "l.xlsx"), write_targets(tmp_path / "t.xlsx")]
    grids = {s.name: s.rows for f in files for s in read_workbook(f)}
    payload = payload_from_grids("沅江2023.xlsx", grids, active=1)
    message, actions, state = press(payload, "draft_report")

    out = tmp_path / "草稿.docx"
    assert main(["report", "--budget", str(files[0]), "--ledger", str(files[1]), "--targets", str(files[2]),
                 "-o", str(out)]) == 0
    paragraphs = [p.text for p in Document(out).paragraphs if p.text]
    assert [r[0] for r in state["values"]["自评报告草稿"]] == paragraphs
    assert state["sheets"][-1] == "自评报告草稿" and len(paragraphs) > 10
    assert "已生成绩效自评报告草稿" in message and "需人工填写" in message
    assert all(a.get("sheet_position") in (None, len(grids)) or a["func"] == "activateSheet" for a in actions)
    # pressed again: the same sheet, not a second one
    _, again_actions, again = press(next_payload(payload, state), "draft_report")
    assert again["values"] == state["values"] and again["sheets"] == state["sheets"]


def test_draft_report_without_a_budget_says_what_is_missing(ledger_file):
    message, actions, _ = press(payload_from_file(ledger_file), "draft_report")
    assert message.startswith("“生成自评报告”未完成：") and "没有找到预算数据" in message
    assert [a["func"] for a in actions] == ["alert"]


STATS_HEADER = ["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "特殊群体", "挽回经济损失"]
STATS_ROWS = [["K1", "甲", "刑事", "审判", "张", "甲所", dt.datetime(2023, 3, 5), "农民工", None],
              ["K2", "乙", "民事", None, "李", "乙所", dt.datetime(2023, 4, 5), None, "1.2万"],
              ["K3", "丙", "认罪认罚", None, "李", "乙所", dt.datetime(2023, 5, 5), "老年人、妇女", None],
              ["K4", "丁", "民事", None, "李", "乙所", None, None, None],
              ["K5", "戊", "民亊", None, "李", "乙所", dt.datetime(2023, 6, 5), None, None]]
PREVIOUS_ROWS = [["P1", "甲", "民事", None, "张", "甲所", dt.datetime(2022, 3, 5), None, 500]]
CONSULTATIONS = [["咨询日期", "渠道", "人次"], [dt.datetime(2023, 2, 1), "来访", 3], [dt.datetime(2023, 2, 2), "12348", 4]]


def test_fill_statistics_matches_legalaid_stats(tmp_path, capsys):
    import json

    from toolkit.cli.main import main

    path = write_xlsx(tmp_path / "统计.xlsx", {"案件台账": [STATS_HEADER, *STATS_ROWS], "咨询登记": CONSULTATIONS,
                                              "上年台账": [STATS_HEADER, *PREVIOUS_ROWS], "封面": [["案件数", None]]})
    previous = write_xlsx(tmp_path / "上年.xlsx", {"案件台账": [STATS_HEADER, *PREVIOUS_ROWS],
                                                 "咨询登记": [CONSULTATIONS[0]]})
    payload = payload_from_file(path, names=[{"name": "cases.total", "sheet_index": 3, "address": "B1",
                                              "book_scope": True}])
    message, actions, state = press(payload, "fill_statistics")

    capsys.readouterr()
    main(["stats", str(path), "--previous", str(previous), "--json", "-o", str(tmp_path / "cli.xlsx")])
    cli = json.loads(capsys.readouterr().out)
    table = {r[2]: r for r in state["values"]["统计表"] if len(r) > 4 and r[3] in ("件", "人次", "元")}
    assert table["cases.total"][4] == 2 and table["cases.total"][5] == 1
    for key, value in cli["values"].items():
        if key in table:
            assert Decimal(str(table[key][4])) == Decimal(str(value)), key
    for key, value in cli["previous"].items():
        if key in table and not key.startswith("consultations."):
            assert Decimal(str(table[key][5] or 0)) == Decimal(str(value)), key
    assert state["values"]["封面"] == [["案件数", 2]]                    # the cell named after a statistics key
    flat = str(state["values"]["统计表"])
    assert "甲" not in flat and "乙" not in flat                         # no personal data
    assert "民亊" in flat and "未填写指派日期" in flat                     # findings listed below the table
    assert "案件 2 件" in message and "发现 2 个问题" in message
    # pressed again: the same workbook
    _, _, again = press(next_payload(payload, state), "fill_statistics")
    assert again["values"] == state["values"] and again["sheets"] == state["sheets"]


BUDGET_ROWS = [["金额单位", "万元"], ["从第4行起粘贴决算表"], ["项目", "科目编码", "年初预算数", "调整后预算数", "决算数", "备注"],
               ["一、收入合计", None, 100, 110, 105], ["（一）财政拨款收入", None, 95, 105, 100],
               ["（二）其他收入", None, 5, 5, 5], ["二、支出合计", None, 100, 110, 106],
               ["（一）基本支出", None, 60, 65, 60], ["（二）项目支出", None, 40, 45, 45]]


def test_validate_budget_lists_what_legalaid_validate_finds(tmp_path, capsys):
    import json

    from toolkit.cli.main import main

    path = write_xlsx(tmp_path / "决算.xlsx", {"决算表": BUDGET_ROWS, "校验规则": [["规则"], ["收入合计 = 支出合计"]]})
    payload = payload_from_file(path)
    message, actions, state = press(payload, "validate_budget")
    capsys.readouterr()
    main(["validate", str(path), "--json"])
    cli = json.loads(capsys.readouterr().out)
    result = state["values"]["校验结果"]
    assert result[0] == ["严重程度", "位置", "规则", "期望值", "实际值", "差额", "说明"]
    assert [(r[1], r[6]) for r in result[1:]] == [(f"{f['sheet']}!{f['cell']}", f["message"]) for f in cli["findings"]]
    assert {r[1] for r in result[1:]} == {"决算表!E4", "决算表!E7"}
    assert "发现 2 个错误" in message and "未能读取“决算表”的数字格式" in message
    # only the 校验结果 sheet is written; the tables are not touched (no highlights: colours cannot be read back)
    assert all(a.get("sheet_position") in (None, 2) for a in actions if a["func"] != "activateSheet")
    assert state["sheets"] == ["决算表", "校验规则", "校验结果"]
    _, _, again = press(next_payload(payload, state), "validate_budget")
    assert again["values"] == state["values"]


def test_validate_budget_uses_the_saved_formats_only_when_the_values_are_the_same(tmp_path):
    from toolkit.io.excel_read import read_workbook

    path = write_xlsx(tmp_path / "决算.xlsx", {"决算表": BUDGET_ROWS})
    sheets = read_workbook(path)
    assert set(buttons.formats_if_unchanged(path, sheets)) == {"决算表"}
    sheets[0].rows[4][4] = 101                     # edited after saving: the saved formats are not used
    assert buttons.formats_if_unchanged(path, sheets) == {}
    assert buttons.formats_if_unchanged(tmp_path / "none.xlsx", sheets) == {}


def test_the_sample_ledger_gets_what_the_cli_writes(tmp_path):
    """workbooks/示例台账.xlsx (1,000 matters with documented mess): the same columns and summary as the CLI."""
    from pathlib import Path

    from toolkit.cli.main import main

    sample = Path(__file__).resolve().parents[2] / "workbooks" / "示例台账.xlsx"
    payload = payload_from_file(sample)
    message, _, state = press(payload)
    out = tmp_path / "cli.xlsx"
    main(["subsidy", str(sample), "-o", str(out)])
    cli = {s.name: s.rows for s in read_workbook(out)}

    def norm(rows):
        return trimmed([["" if v is None else (v[1:] if isinstance(v, str) and v.startswith("'") else v)
                         for v in row] for row in rows])

    width = max(len(r) for r in payload["sheets"][0]["values"])
    ours = norm([r[width:] for r in state["values"]["案件台账"]])
    assert len(ours) > 1000 and ours == norm([r[width:] for r in cli["案件台账"]])
    differing = [(a, b) for a, b in zip(norm(state["values"]["补贴汇总"]), norm(cli["补贴汇总"])) if a != b]
    assert [a[0][:7] for a, _ in differing] == ["未填写专项经费"]          # only the hint on how to give the fund
    assert "计入 995 件" in message and "错误 5 条、警告 3 条" in message


def test_reformat_returns_in_excel_on_the_web_points_to_the_command(ledger_file):
    message, actions, _ = press(payload_from_file(ledger_file), "reformat_returns")
    assert "只能在 Windows 或 Mac 的桌面版 Excel 中使用" in message and [a["func"] for a in actions] == ["alert"]


def test_returns_plan_lists_every_file(tmp_path):
    """The desktop path minus Excel: the reformat command on two returns, one row per file in 整理结果."""
    src = tmp_path / "月报"
    src.mkdir()
    header = ["序号", "案号", "受援人", "案件类型", "承办律师", "指派日期", "补贴金额"]
    write_xlsx(src / "县A_2023年3月.xlsx", {"三月": [["沅江市县A法律援助工作站2023年3月案件统计表"], ["单位：元"], header,
                                                  [1, "(2023)A1", "甲", "民事", "张", dt.datetime(2023, 3, 2), 1500],
                                                  [2, "(2023)A2", "乙", "刑事", "李", dt.datetime(2023, 3, 9), 800],
                                                  ["合计", None, None, None, None, None, 2400]]})
    (src / "坏文件.xlsx").write_bytes(b"not a workbook")
    layout, message = buttons.returns_plan(str(src), str(tmp_path / "整理后"))
    rows = [[c.value if c else None for c in row] for row in layout.rows]
    assert rows[0] == ["文件", "结果", "行数", "期间", "说明"]
    by_file = {r[0]: r for r in rows[1:]}
    assert by_file["县A_2023年3月.xlsx"][2] == 2 and by_file["坏文件.xlsx"][1] == "失败"
    assert "共 2 个文件" in message and "失败 1 个" in message
    assert (tmp_path / "整理后").is_dir() and (src / "坏文件.xlsx").read_bytes() == b"not a workbook"


def test_every_tag_looks_the_same_in_a_written_file_and_in_the_open_workbook(tmp_path):
    """One table (toolkit.base.layout.TAG_STYLES) for both writers: number format, bold, size, fill and wrapping of each
    tag (and the font colour of the tags whose colour means something) as the file writer puts them in a saved workbook and as the button puts them in the open one."""
    import openpyxl

    from toolkit.excel.book_io import FONT_COLOUR_TAGS, write_layout
    from toolkit.io.layout_writer import layout_to_sheet_spec
    from toolkit.io.xlsx.patch import XlsxPatch
    from toolkit.base.layout import TAG_STYLES, Cell, Layout

    tags = list(TAG_STYLES) + ["没有这个标签"]
    layout = Layout("样式")
    for tag in tags:
        layout.add(Cell(1234.5, tag))
    payload = payload_from_grids("样式.xlsx", {"表": [["x"]]})
    book = xw.Book(json=copy.deepcopy(payload))
    write_layout(book, layout)
    in_excel = {}
    for func, args, row, col, nrows, ncols in replay(payload, book.json()["actions"])["formats"]["样式"]:
        assert (col, nrows, ncols) == (0, 1, 1)
        in_excel.setdefault(tags[row], []).append((func, args))
    source = write_xlsx(tmp_path / "源.xlsx", {"表": [["x"]]})
    with XlsxPatch(source) as patch:
        patch.add_sheet(layout_to_sheet_spec(layout))
        patch.save(tmp_path / "写出.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "写出.xlsx")["样式"]
    for row, tag in enumerate(tags, start=1):
        look = TAG_STYLES.get(tag, TAG_STYLES["text"])
        cell = ws.cell(row, 1)
        assert cell.number_format == (look.num_format or "General"), tag
        assert bool(cell.font.b) == look.bold and cell.font.sz == (look.font_size or 11), tag
        assert (cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None) == (
            "FF" + look.fill if look.fill else None), tag
        assert bool(cell.alignment.wrap_text) == look.wrap and not cell.font.i, tag
        expected = ([("setNumberFormat", repr([look.num_format]))] if look.num_format else []) + (
            [("setFontProperty", "['bold', True]")] if look.bold else []) + (
            [("setFontProperty", repr(["size", look.font_size]))] if look.font_size else []) + (
            [("setRangeColor", repr(["#" + look.fill]))] if look.fill else []) + (
            [("setWrapText", "[True]")] if look.wrap else []) + (
            [("setFontProperty", repr(["color", "#" + look.font_color]))] if tag in FONT_COLOUR_TAGS else [])
        assert in_excel.get(tag, []) == (expected if tag != "text" else []), tag   # plain text: nothing to set
