"""Build workbooks/月报标准模板.xlsx from the shipped template definition (toolkit/data/returns.toml).

The workbook is what an officer copies and edits (reorder, rename or drop columns, change widths and number formats)
and then passes as `legalaid reformat --template 我的模板.xlsx`. Run: python workbooks/make_return_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.io.atomic import atomic_write  # noqa: E402
from toolkit.monthly.normalise import ReturnTemplate, default_template  # noqa: E402

TARGET = Path(__file__).with_name("月报标准模板.xlsx")


def build(path: Path, template: ReturnTemplate | None = None) -> Path:
    """Write the template workbook: title row, header row, column widths and formats, frozen header, print setup."""
    template = template or default_template()
    with atomic_write(path) as fh:
        book = xlsxwriter.Workbook(fh, {"strings_to_formulas": False, "in_memory": True})
        ws = book.add_worksheet(template.sheet)
        title = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center",
                                "valign": "vcenter", "text_wrap": True})
        n = len(template.columns)
        if template.title:
            ws.merge_range(0, 0, 0, n - 1, template.title, title)
        header_row = 1 if template.title else 0
        for c, column in enumerate(template.columns):
            ws.write_string(header_row, c, column.header, head)
            ws.set_column(c, c, column.width, book.add_format({"num_format": column.num_format, "border": 1}))
        ws.freeze_panes(header_row + 1, 0)
        ws.repeat_rows(header_row)
        ws.set_paper(template.paper)
        if template.landscape:
            ws.set_landscape()
        if template.fit_to_width:
            ws.fit_to_pages(1, 0)
        notes = book.add_worksheet("说明")
        for r, line in enumerate([
                "月报标准模板：可以调整列的顺序、删去不需要的列、修改列名（须为标准列名或其别名）、列宽和数字格式。",
                "第一行标题中的 {期间} 和 {来源} 会替换为每份月报的所属期间和来源文件名。",
                "使用：legalaid reformat 收到的月报 -o 整理结果 --template 本文件.xlsx"]):
            notes.write_string(r, 0, line)
        notes.set_column(0, 0, 100)
        book.close()
    return path


if __name__ == "__main__":
    print(build(TARGET))
