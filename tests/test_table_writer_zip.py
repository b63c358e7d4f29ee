"""The table writer's own zip packaging gives the bytes zipfile gives, and the workbook reads back."""

import datetime as dt
import random
from decimal import Decimal

import openpyxl

from toolkit.base.layout import TableSheet
from toolkit.io.xlsx.table_writer import xlsx_bytes, xlsx_bytes_to


def _sheets(rng: random.Random, rows: int) -> list[TableSheet]:
    texts = ["甲", "乙 ", "a&b<c>", "x" * 3000, None, "第1行\n第2行"]
    body = [[k + 1, rng.choice(texts), rng.choice([Decimal("12.50"), Decimal(3), None, 2.5]),
             rng.choice([dt.date(2023, 3, rng.randint(1, 28)), None]), rng.choice(texts)] for k in range(rows)]
    return [TableSheet("月报", ["序号", "名称", "金额", "日期", "备注"], body, [6, 20, 12, 12, 30],
                       ["0", "@", "#,##0.00", "yyyy-mm-dd", "@"], title="标题"),
            TableSheet("其他", ["a"], [[k] for k in range(rows // 3)], wrap_columns=(0,))]


def test_packaging_matches_zipfile_and_reads_back(tmp_path):
    rng = random.Random(4)
    for rows in (0, 3, 40, 400):
        sheets = _sheets(rng, rows)
        fast = xlsx_bytes(sheets)               # into an empty BytesIO: the writer's own packaging
        path = tmp_path / f"{rows}.xlsx"
        with open(path, "wb") as fh:            # any other target: zipfile
            xlsx_bytes_to(fh, sheets)
        assert fast == path.read_bytes()
        book = openpyxl.load_workbook(path)
        ws = book["月报"]
        assert ws["A1"].value == "标题" and ws["B2"].value == "名称"
        for r, row in enumerate(sheets[0].rows, 3):
            for c, value in enumerate(row, 1):
                got = ws.cell(r, c).value
                if isinstance(value, dt.date):
                    assert got.date() == value
                elif isinstance(value, (Decimal, float)):
                    assert Decimal(str(got)) == Decimal(str(value))
                else:
                    assert got == value
