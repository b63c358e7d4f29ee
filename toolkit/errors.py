"""Errors the user sees: always Chinese, always naming where the problem is."""

from __future__ import annotations


class InputError(Exception):
    """An input the toolkit cannot use at all (exit code 2).

    The message is Simplified Chinese and names the file (and sheet, row, column where known).
    """

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None):
        self.message = message
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        prefix = place_text(self.file, self.sheet, self.row, self.column)
        return f"{prefix}：{self.message}" if prefix else self.message


def place_text(file: str | None = None, sheet: str | None = None, row: int | None = None,
               column: str | None = None) -> str:
    """文件“台账.xlsx”，工作表“案件台账”，第12行，“案件类型”列 — whichever parts are known."""
    where = []
    if file:
        where.append(f"文件“{file}”")
    if sheet:
        where.append(f"工作表“{sheet}”")
    if row:
        where.append(f"第{row}行")
    if column:
        where.append(f"“{column}”列")
    return "，".join(where)
