"""One use case per job (issue 14): the CLI and the button write the same cells for the same input and settings.

Each test writes a workbook, runs `legalaid …` to an output file and reads it back cell by cell, presses the button
on the same workbook as Excel on the web sends it (settings in the 参数 sheet as Windows Excel delivers them: floats,
dates) and compares every cell the toolkit writes: values, and number formats where both write them.
"""

import ast
import copy
import datetime as dt

import openpyxl
import pytest
import xlwings as xw

from remote_book import payload_from_file, replay, write_xlsx
from toolkit.cli.main import main
from toolkit.excel import buttons
from toolkit.ledger.parse import TOOLKIT_LEDGER_COLUMNS


def press(payload, job):
    book = xw.Book(json=copy.deepcopy(payload))
    message = buttons.run_job(job, book)
    return message, replay(payload, book.json()["actions"])


def plain(value):
    """A cell value as both shells can hold it: numbers as floats, blanks as ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return round(float(value), 6)


def button_cells(state, sheet: str, first_col: int = 1) -> dict:
    """{(row, col): value} of a replayed sheet from column `first_col` on (1-based), blanks left out."""
    return {(r, c): plain(v) for r, row in enumerate(state["values"][sheet], start=1)
            for c, v in enumerate(row, start=1) if c >= first_col and plain(v) != ""}


def file_cells(ws, first_col: int = 1) -> dict:
    return {(c.row, c.column): plain(c.value) for row in ws.iter_rows() for c in row
            if c.column >= first_col and plain(c.value) != ""}


def button_formats(state, sheet: str) -> dict:
    """{(row, col): number format} the button's actions set on a sheet (the last one wins)."""
    out = {}
    for func, args, r0, c0, rows, cols in state["formats"][sheet]:
        if func == "setNumberFormat":
            fmt = ast.literal_eval(args)[0]
            for r in range(r0 + 1, r0 + rows + 1):
                for c in range(c0 + 1, c0 + cols + 1):
                    out[(r, c)] = fmt
    return out


def assert_same_number_formats(state, sheet, ws, cells):
    """Every number the toolkit wrote is shown with the same format by both shells."""
    formats = button_formats(state, sheet)
    numbers = [rc for rc, v in cells.items() if isinstance(v, float)]
    assert numbers
    differing = [(rc, ws.cell(*rc).number_format, formats.get(rc, "General")) for rc in numbers
                 if ws.cell(*rc).number_format != formats.get(rc, "General")]
    assert differing == []


# ---------------------------------------------------------------- 计算补贴 / legalaid subsidy

LEDGER_HEADER = ["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "结案日期", "补贴金额"]
LEDGER_ROWS = [
    ["(2024)益法援字第11号", "赵甲", "刑事", "审判", "周律师", "东湖律师事务所", dt.datetime(2024, 2, 6), 1200],
    ["(2024)益法援字第12号", "钱乙", "民事", "一审", "吴律师", "西园律师事务所", dt.datetime(2024, 3, 18), "1500元"],
    ["(2024)益法援字第13号", "孙丙", "民市", None, "吴律师", "西园律师事务所", None, None],          # a typo: an error
    ["(2024)益法援字第14号", "李丁", "认罪认罚", None, "郑律师", "东湖律师事务所", dt.datetime(2024, 4, 2), 300],
    ["(2024)益法援字第15号", "周戊", "行政", None, "周律师", "东湖律师事务所", dt.datetime(2024, 5, 9), None],
    ["合计", None, None, None, None, None, None, 3000],
]

SUBSIDY_SETTINGS = [
    # (the 参数 sheet as Windows Excel delivers it, the same settings as CLI options)
    ([["专项经费", 4600.0], ["补贴水平", "最低"], ["统一标准", "1500、2500"]],
     ["--fund", "4600", "--level", "最低", "--flat", "1500,2500"]),
    ([["专项经费", "0.46万"], ["补贴水平", 1800.0], ["统一标准", 2000.0]],
     ["--fund", "0.46万", "--level", "1800", "--flat", "2000"]),
    ([["补贴水平", "最高"], ["统一标准", "1600，1900"]], ["--level", "最高", "--flat", "1600,1900"]),
]


@pytest.mark.parametrize("settings, options", SUBSIDY_SETTINGS)
def test_subsidy_cli_and_button_write_the_same_cells(tmp_path, settings, options):
    path = write_xlsx(tmp_path / "益阳台账.xlsx", {"案件台账": [["益阳市法律援助中心2024年案件台账"], LEDGER_HEADER,
                                                              *LEDGER_ROWS], "参数": settings})
    out = tmp_path / "cli.xlsx"
    assert main(["subsidy", str(path), *options, "-o", str(out)]) == 1          # 1: the typo is an error
    message, state = press(payload_from_file(path, active=0), "compute_subsidy")
    assert message.startswith("补贴计算完成")
    book = openpyxl.load_workbook(out)

    first = len(LEDGER_HEADER) + 1
    ours, theirs = button_cells(state, "案件台账", first), file_cells(book["案件台账"], first)
    assert [theirs[(2, first + i)] for i in range(5)] == list(TOOLKIT_LEDGER_COLUMNS)
    assert any("【错误】" in str(v) for v in theirs.values()) and ours == theirs
    assert_same_number_formats(state, "案件台账", book["案件台账"], theirs)

    fund_given = any(row[0] == "专项经费" for row in settings)
    ours, theirs = button_cells(state, "补贴汇总"), file_cells(book["补贴汇总"])
    if not fund_given:       # how to give the fund is said in each shell's own words
        hint = [rc for rc, v in theirs.items() if str(v).startswith("未提供专项经费")]
        assert len(hint) == 1 and str(ours.pop(hint[0])).startswith("未填写专项经费")
        theirs.pop(hint[0])
    assert len(theirs) > 30 and ours == theirs
    assert_same_number_formats(state, "补贴汇总", book["补贴汇总"], theirs)


def test_subsidy_settings_are_refused_alike(tmp_path, capsys):
    """A negative 统一标准 is refused by both shells, naming the value (the button accepted it before)."""
    path = write_xlsx(tmp_path / "台账.xlsx", {"案件台账": [LEDGER_HEADER, *LEDGER_ROWS[:2]],
                                               "参数": [["统一标准", "1800、-200"]]})
    message, state = press(payload_from_file(path), "compute_subsidy")
    assert "“参数”工作表第1行：统一标准金额“-200”不能为负数" in message and "补贴汇总" not in state["sheets"]
    assert main(["subsidy", str(path), "--flat", "1800、-200", "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "统一标准金额“-200”不能为负数" in capsys.readouterr().err


# ---------------------------------------------------------------- 校验预算 / legalaid validate

BUDGET = [["益阳市法律援助中心2024年度收入支出决算表"], ["单位：万元"],
          ["项目", "科目编码", "年初预算数", "调整后预算数", "决算数"],
          ["一、收入合计", None, 210, 226, 221.5], ["（一）财政拨款收入", None, 200, 216, 211.5],
          ["（二）其他收入", None, 10, 10, 9],                                       # 211.5 + 9 ≠ 221.5
          ["二、支出合计", None, 210, 226, 219.35], ["（一）基本支出", None, 150, 160, 158.2],
          ["（二）项目支出", None, 60, 66, 61.15]]


def test_validate_cli_and_button_write_the_same_result_sheet(tmp_path):
    path = write_xlsx(tmp_path / "决算.xlsx", {"决算表": BUDGET, "校验规则": [["规则"], ["收入合计 = 支出合计"]]})
    out = tmp_path / "cli.xlsx"
    assert main(["validate", str(path), "-o", str(out)]) == 1
    message, state = press(payload_from_file(path), "validate_budget")
    assert "预算校验完成：发现" in message
    ws = openpyxl.load_workbook(out)["校验结果"]
    ours, theirs = button_cells(state, "校验结果"), file_cells(ws)
    assert theirs[(1, 1)] == "严重程度" and len([r for r, c in theirs if c == 2]) >= 3 and ours == theirs
    assert_same_number_formats(state, "校验结果", ws, theirs)
    widths = {c: ast.literal_eval(args)[0] for func, args, _, c, _, _ in state["formats"]["校验结果"]
              if func == "setColumnWidth"}
    assert widths == {i: ws.column_dimensions[chr(65 + i)].width for i in range(7)}   # one set of widths


# ---------------------------------------------------------------- 生成自评报告 / legalaid report

REPORT_BUDGET = [["益阳市法律援助中心2024年度收入支出决算表"], ["单位：万元"], ["项目", "年初预算数", "全年预算数", "全年执行数"],
                 ["一、收入合计", 260, 280, 276.4], ["（一）财政拨款收入", 255, 275, 271.4], ["（二）其他收入", 5, 5, 5],
                 ["二、支出合计", 260, 280, 276.4], ["（一）基本支出", 180, 190, 188.9], ["（二）项目支出", 80, 90, 87.5],
                 ["其中：法律援助专项经费", 60, 60, 58.1]]
REPORT_LEDGER = [["案号", "受援人", "案件类型", "诉讼阶段", "承办律师", "指派日期", "结案日期", "特殊群体"],
                 ["(2024)益法援字第21号", "王一", "刑事", "审判", "周律师", "2024-01-08", "2024-03-02", "未成年人"],
                 ["(2024)益法援字第22号", "王二", "民事", None, "吴律师", "2024-02-08", "2024-05-02", "农民工"],
                 ["(2024)益法援字第23号", "王三", "民事", None, "吴律师", "2024-03-08", "2024-06-02", None],
                 ["(2024)益法援字第24号", "王四", "行政", None, "郑律师", "2024-04-08", "2024-08-02", "老年人"]]


def test_report_cli_and_button_write_the_same_paragraphs(tmp_path):
    from docx import Document

    path = write_xlsx(tmp_path / "益阳2024.xlsx", {
        "决算表": REPORT_BUDGET, "案件台账": REPORT_LEDGER,
        "参数": [["报告年度", dt.datetime(2024, 1, 1)], ["单位名称", "益阳市赫山区法律援助中心"]]})
    out = tmp_path / "草稿.docx"
    assert main(["report", "--budget", str(path), "--ledger", str(path), "--year", "2024",
                 "--centre", "益阳市赫山区法律援助中心", "-o", str(out)]) in (0, 1)
    message, state = press(payload_from_file(path, active=1), "draft_report")
    assert message.startswith("已生成绩效自评报告草稿")
    paragraphs = [p.text for p in Document(out).paragraphs if p.text]
    sheet = [row[0] for row in state["values"]["自评报告草稿"]]
    assert len(paragraphs) > 10 and sheet == paragraphs
    assert "益阳市赫山区法律援助中心" in paragraphs[0] + paragraphs[1] and any("2024" in p for p in paragraphs[:3])


def test_report_year_setting_is_refused_alike():
    from toolkit.base.errors import InputError
    from toolkit.report.job import parse_report_settings

    assert parse_report_settings({"year": 2024.0}).year == 2024
    assert parse_report_settings({"year": dt.datetime(2024, 12, 31)}).year == 2024
    assert parse_report_settings({"year": "2024年"}).year == 2024
    with pytest.raises(InputError, match="“参数”工作表第2行：报告年度“2024.5”应为年份"):
        parse_report_settings({"year": 2024.5}, {"year": "“参数”工作表第2行"})
