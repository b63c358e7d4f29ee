"""RowRenderer.render_rows (a return's 汇总 rows rendered column by column) gives, row for row, the XML of
RowRenderer.render — on random rows of every value type, with columns holding one object in every row, values that
compare equal across types (1, True, 1.0, Decimal 1), ragged rows and texts that need escaping. And a 汇总 sheet
written from those rows, read back with openpyxl, holds the values cell by cell."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import openpyxl

from toolkit.base.layout import TableSheet
from toolkit.io.xlsx.table_writer import RowRenderer, RowXml, write_xlsx

FORMATS = ["0", "@", "@", "0", "@", "@", "#,##0.00", "yyyy-mm-dd", "0", "@"]


def _value(rng: random.Random):
    pick = rng.randrange(16)
    return [None, None, "民事", f"受援人{rng.randrange(10**6)}", " 前后空格 ", "a&b<c>\"d\"", "换\n行", "=1+1",
            "\x01控制字符", rng.randrange(-10**6, 10**6), rng.random() < 0.5,
            rng.choice([1.5, float("nan"), float("inf"), 2.0]),
            rng.choice([Decimal("1800.00"), Decimal("0.10"), Decimal("NaN"), Decimal("-3.5"), Decimal("Infinity")]),
            dt.date(2023, 3, rng.randrange(1, 29)), dt.datetime(2023, 3, 5, 12, rng.randrange(60)),
            rng.choice([1, True, 1.0, Decimal(1)])][pick]


def _rows(rng: random.Random, count: int, width: int, ragged: bool) -> list[list]:
    constants = {c: _value(rng) for c in range(width) if rng.random() < 0.3}    # one object in every row
    kinds = {c: rng.choice(["text", "money", "any"]) for c in range(width)}
    rows = []
    for _ in range(count):
        row = []
        for c in range(width):
            if c in constants:
                row.append(constants[c])
            elif kinds[c] == "text":
                row.append(rng.choice([None, f"律师{rng.randrange(30)}", f"(2023)字第{rng.randrange(10**5):05d}号",
                                       "<&>", " x"]))
            elif kinds[c] == "money":
                row.append(rng.choice([None, Decimal(rng.randrange(10**6)) / 100, Decimal("NaN")])
                           if rng.random() < 0.1 else Decimal(rng.randrange(10**6)) / 100)
            else:
                row.append(_value(rng))
        if ragged and rng.random() < 0.2:
            row = row[:rng.randrange(width + 1)] if rng.random() < 0.5 else row + [_value(rng)]
        rows.append(row)
    return rows


def test_render_rows_equals_render_row_by_row():
    rng = random.Random(16)
    for case in range(1500):
        width = rng.randrange(0, 14)
        rows = _rows(rng, rng.randrange(0, 30), width, ragged=case % 3 == 0)
        formats = [rng.choice(FORMATS) for _ in range(rng.randrange(0, 12))]
        number = rng.choice([None, 0, 2]) if min(width, len(formats)) > 2 else None   # a column with a format
        expected = [RowRenderer(formats).render(row, number).xml for row in rows]
        got = RowRenderer(formats).render_rows(rows, number)
        assert got == expected, (case, rows)
        warm = RowRenderer(formats)         # texts already remembered from earlier rows
        warm.render_rows(rows, number)
        assert warm.render_rows(rows, number) == expected


def test_rows_rendered_by_column_read_back(tmp_path):
    renderer = RowRenderer(["0", "@", "@", "#,##0.00", "yyyy-mm-dd"])
    source = "县01/月报.xlsx"
    rows = [[None, source, f"受援人{i}", Decimal(i * 100) / 8, dt.date(2023, 3, i + 1)] for i in range(5)]
    rows[2][2] = "=SUM(A1:A2)"             # a formula-looking text stays text
    xml = renderer.render_rows(rows, 0)
    path = tmp_path / "汇总.xlsx"
    write_xlsx(path, [TableSheet("汇总", ["序号", "来源文件", "受援人", "金额", "日期"], [RowXml(x) for x in xml],
                                 [6, 20, 10, 12, 12], ["0", "@", "@", "#,##0.00", "yyyy-mm-dd"])])
    ws = openpyxl.load_workbook(path).active
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, values_only=False)]
    assert [r[0] for r in got] == [1, 2, 3, 4, 5]
    assert [r[1] for r in got] == [source] * 5
    assert [r[2] for r in got] == ["受援人0", "受援人1", "=SUM(A1:A2)", "受援人3", "受援人4"]
    assert ws.cell(4, 3).data_type == "s"
    assert [r[3] for r in got] == [0, 12.5, 25, 37.5, 50]
    assert [r[4].date() for r in got] == [dt.date(2023, 3, i + 1) for i in range(5)]


def test_summary_rows_mask_id_numbers_in_any_text_column():
    """decide_return's 汇总 rows: an ID number quoted in 备注 (or any text) is masked, with or without other cells
    in the table holding one; --show-id keeps it; the sums are those of the rows."""
    from toolkit.base.idcard import mask_id
    from toolkit.base.sheet import RawSheet
    from toolkit.monthly.job import decide_return
    from toolkit.monthly.normalise import default_template, return_aliases

    ident = "430102199003071234"
    header = ["案号", "受援人", "案件类型", "补贴金额", "备注"]
    for planted in (True, False):
        rows = [["2023年3月法律援助案件统计"], header]
        for i in range(6):
            note = f"受援人身份证{ident}已核" if planted and i == 3 else f"第{i}件、电话13800001111"
            rows.append([f"(2023)援字第{i:05d}号", f"受援人{i}", "民事", 1000 + i, note])
        template, aliases = default_template(), return_aliases()
        names = ["序号", "来源文件", "工作表", "源行号", "所属期间", *[c.header for c in template.columns[1:]]]
        column = names.index(next(c.header for c in template.columns if c.name == "备注"))
        for show_id in (False, True):
            d = decide_return([RawSheet("Sheet1", rows)], "a.xlsx", "a", template, aliases, {}, show_id)
            notes = [row[column] for row in d.summary]
            assert notes[:3] == [f"第{i}件、电话13800001111" for i in range(3)]
            if planted:
                shown = ident if show_id else mask_id(ident)
                assert notes[3] == f"受援人身份证{shown}已核" and (show_id or ident not in notes[3])
            sums = d.period_sums["2023-03"]
            assert sums[0] == 6 and Decimal(sum(1000 + i for i in range(6))) in sums[1:]


def test_rows_as_utf8_bytes_write_the_same_workbook():
    """A sheet whose rendered rows come as UTF-8 bytes (as the workers send them), alone or mixed with rows as
    text and plain rows, is written byte for byte as with every row as text."""
    from toolkit.io.xlsx.table_writer import xlsx_bytes

    rng = random.Random(7)
    formats = ["0", "@", "@", "#,##0.00", "yyyy-mm-dd", "@"]
    for case in range(60):
        rows = _rows(rng, rng.randrange(0, 25), 6, ragged=False)
        xml = RowRenderer(formats).render_rows(rows, 0)
        as_text = [RowXml(x) for x in xml]
        mixed = [RowXml(x.encode("utf-8")) if rng.random() < 0.7 else RowXml(x) for x in xml]
        if case % 3 == 0 and mixed:
            at = rng.randrange(len(mixed))
            mixed[at] = as_text[at] = [None, "普通行", "<&>", Decimal("1.50"), dt.date(2023, 1, 2), "尾"]

        def book(data):
            return xlsx_bytes([TableSheet("汇总", ["序号", "来源", "名", "额", "日期", "注"], data, [6, 20, 10, 12, 12, 30],
                                          formats, title="标题" if case % 2 else "", autofilter=bool(case % 4),
                                          wrap_columns=(5,) if case % 5 == 0 else ()),
                               TableSheet("日志", ["a"], [["x"], ["y"]], [10], ["@"])])
        assert book(mixed) == book(as_text)
