"""The returns core (period, unit, layout rules) and the pieces of the reformat shell that are pure functions."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from toolkit.cli.reformat import load_template, output_names
from toolkit.io.excel_read import RawSheet
from toolkit.base.layout import TableSheet
from toolkit.io.xlsx.table_writer import write_xlsx
from toolkit.monthly.normalise import default_template, parse_return, return_aliases
from toolkit.monthly.rules import decide_period, find_period, header_unit, table_unit


@pytest.mark.parametrize("text, period", [
    ("沅江市法律援助中心2023年3月案件统计表", "2023-03"),
    ("2023年度十二月份报表", "2023-12"),
    ("2023 年 11 月", "2023-11"),
    ("县A_202303", "2023-03"),
    ("2023-03 乡镇司法所", "2023-03"),
    ("统计期间：2023.9.1-2023.9.30", "2023-09"),
    (dt.date(2024, 2, 29), "2024-02"),
    ("(2023)沅法援字第0123号", None),
    ("律所B", None),
    ("202313", None),
])
def test_find_period(text, period):
    assert find_period(text) == period


def test_period_disagreement_names_every_source_and_keeps_the_first():
    decision = decide_period([("标题", "标题", "某所2023年3月报表"), ("文件名", "文件名", "报表_2023-04")])
    assert decision.period == "2023-03" and decision.source == "标题"
    assert "标题为2023年3月" in decision.disagreement() and "文件名为2023年4月" in decision.disagreement()
    assert decide_period([("标题", "标题", "2023年3月"), ("文件名", "文件名", "202303")]).disagreement() is None
    assert decide_period([("文件名", "文件名", "无日期")]).period is None


def test_units_from_title_and_header():
    assert table_unit(["某所月报", "金额单位：万元"]) == (Decimal(10000), "万元")
    assert table_unit(["单位: 元"]) == (Decimal(1), "元")
    assert table_unit(["某所月报"]) == (None, None)
    assert header_unit("补贴金额（万元）") == (Decimal(10000), "万元")
    assert header_unit("补贴金额") == (None, None)


def test_header_unit_overrides_title_unit_and_filled_date_is_not_the_period():
    rows = [["某所2023年5月月报", None, None, "单位：万元"],
            ["案号", "受援人", "补贴金额", "挽回损失（元）"],
            ["A1", "甲", 0.2, 3000],
            ["A2", "乙", "0.35万", "1,000.5"],
            ["合计", None, 0.55, 4000.5],
            ["填表日期：2023年6月2日", None, None, None]]
    result = parse_return([RawSheet("表", rows)], "x.xlsx", return_aliases(), file_stem="x")
    table = result.tables[0]
    assert [r["补贴金额"] for r in table.rows] == [Decimal("2000.00"), Decimal("3500.00")]
    assert [r["挽回经济损失"] for r in table.rows] == [Decimal("3000.00"), Decimal("1000.50")]
    assert table.period == "2023-05" and result.status == "ok", result.messages()
    assert table.total_rows == [5] and table.note_rows == [6]


def test_bad_values_are_kept_as_text_and_warned_and_unknown_columns_named():
    rows = [["案号", "受援人", "补贴金额", "指派日期", "案件类型", "奇怪列"],
            ["A1", "甲", "一千五百", "2023年3月5日", "民亊", "x"],
            ["A2", "乙", "待定", "下周", "刑事案件", "y"]]
    result = parse_return([RawSheet("2023年3月", rows)], "y.xlsx", return_aliases())
    first, second = result.tables[0].rows
    assert first["补贴金额"] == Decimal("1500.00") and first["指派日期"] == dt.date(2023, 3, 5)
    assert second["补贴金额"] == "待定" and second["指派日期"] == "下周" and second["案件类型"] == "刑事"
    assert first["案件类型"] == "民亊"
    text = "\n".join(result.messages())
    assert "第2行“案件类型”列" in text and "是否应为“民事”" in text
    assert "第3行“补贴金额”列" in text and "第3行“指派日期”列" in text
    assert "“奇怪列”不是标准模板认识的列" in text
    assert result.status == "warning"


def test_seq_only_rows_and_a_merged_note_are_not_data():
    rows = [["序号", "案号", "受援人", "补贴金额"], [1, "A1", "甲", 100], [2, None, None, None],
            ["本表所列案件均已结案，补贴按季度发放。", None, None, None]]
    sheet = RawSheet("2023年3月", rows, merged=[(3, 0, 3, 3)])
    result = parse_return([sheet], "z.xlsx", return_aliases())
    assert len(result.tables[0].rows) == 1 and result.tables[0].note_rows == [4]


def test_output_names_are_safe_and_unique():
    names = output_names(["a.xls", "a.xlsx", "A.csv", "sub/../x:y?.xlsx", "..\\evil.xlsx", "con.xlsx",
                          "~$lock.xlsx", "深/层/月报.xlsx"])
    assert names[:3] == ["a.xlsx", "a_xlsx.xlsx", "A_csv.xlsx"]
    assert all("/" not in n and "\\" not in n and ":" not in n and "?" not in n for n in names)
    assert not any(n.startswith((".", "~")) for n in names)
    assert names[5] == "_con.xlsx" and names[7] == "深_层_月报.xlsx"
    assert len({n.casefold() for n in names}) == len(names)


def test_writer_never_writes_a_formula_and_keeps_exact_money(tmp_path):
    path = tmp_path / "t.xlsx"
    rows = [["=1+1", Decimal("1234.56"), dt.date(2023, 3, 5), "a\x01b & <c>", None, True]]
    write_xlsx(path, [TableSheet("表", ["a", "b", "c", "d", "e", "f"], rows,
                                 formats=["@", "#,##0.00", "yyyy-mm-dd"], title="标题")])
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<v>1234.56</v>" in sheet
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.value for c in ws[3]][:4] == ["=1+1", 1234.56, dt.datetime(2023, 3, 5), "ab & <c>"]
    assert ws["A3"].data_type == "s" and [r.coord for r in ws.merged_cells.ranges] == ["A1:F1"]


def test_shipped_template_workbook_matches_the_toml(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_return_template", Path(__file__).resolve().parents[1] / "workbooks" / "make_return_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build(tmp_path / "模板.xlsx")
    assert load_template(built, return_aliases()) == default_template()
    shipped = Path(__file__).resolve().parents[1] / "workbooks" / "月报标准模板.xlsx"
    assert load_template(shipped, return_aliases()) == default_template()


def test_find_header_joins_split_names_and_skips_title_rows():
    from toolkit.base.table import find_header

    aliases = return_aliases()
    # a name split over two header rows ("挽回" above "损失") is joined; the title row above stays out
    rows = [["某所2023年3月报表", None, None], ["案号", "受援人", "挽回"], [None, None, "损失"], ["A1", "甲", 5]]
    header = find_header(RawSheet("s", rows), aliases)
    assert header.header_rows == (1, 2)
    assert header.columns == {"案号": 0, "受援人": 1, "挽回经济损失": 2}
    # a one-row header under a title: the title is not the upper half of the header
    header = find_header(RawSheet("s", [["某所2023年3月报表", None], ["案号", "受援人"], ["A1", "甲"]]), aliases)
    assert header.header_rows == (1,)


def test_settings_sheets_are_not_consolidated():
    """A centre's workbook may carry 补贴标准 / 参数 sheets beside the return: they are settings, not rows."""
    from toolkit.io.excel_read import RawSheet
    from toolkit.monthly.normalise import parse_return, return_aliases

    data = RawSheet("三月", [["案号", "案件类型", "承办律师"], ["A1", "民事", "张"]])
    standard = RawSheet("补贴标准", [["案件类型", "诉讼阶段", "计价单位", "最低标准"], ["认罪认罚法律帮助", None, "件", 300]])
    result = parse_return([data, standard], "x.xlsx", return_aliases())
    assert [t.sheet for t in result.tables] == ["三月"] and result.row_count == 1
