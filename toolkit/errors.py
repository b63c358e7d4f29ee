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
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        prefix = "，".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message
