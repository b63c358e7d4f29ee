"""A ledger workbook as a whole: which sheet is the ledger, the user's 列名对照 and 补贴标准 sheets.

Pure functions over RawSheets, so the CLI (files) and the Excel buttons (xlwings values) share them.
"""

from __future__ import annotations

from toolkit.errors import InputError
from toolkit.io.excel_read import RawSheet
from toolkit.ledger import Ledger, column_aliases_from_sheet, parse_ledger
from toolkit.standards import Standard, apply_sheet, load_standard
from toolkit.table import find_header
from toolkit.vocab import Vocabulary, default_vocabulary

ALIAS_SHEET = "列名对照"
STANDARD_SHEET = "补贴标准"
LEDGER_SHEET_NAMES = ("案件台账", "台账", "法律援助案件台账")
TOOLKIT_SHEETS = ("补贴汇总", "校验结果", "统计表", "绩效自评表", "处理日志")


def vocabulary_for(sheets: list[RawSheet]) -> Vocabulary:
    """The shipped vocabulary plus the user's 列名对照 sheet, if any."""
    vocab = default_vocabulary()
    for sheet in sheets:
        if sheet.name == ALIAS_SHEET:
            vocab = vocab.with_aliases(column_aliases_from_sheet(sheet))
    return vocab


def find_ledger_sheet(sheets: list[RawSheet], name: str | None = None, file: str | None = None,
                      vocab: Vocabulary | None = None) -> RawSheet:
    """The sheet named `name`, else one called 案件台账/台账, else the first whose header looks like a ledger."""
    by_name = {s.name: s for s in sheets}
    if name:
        if name not in by_name:
            raise InputError(f"找不到工作表“{name}”。现有工作表：{'、'.join(by_name)}。", file=file)
        return by_name[name]
    for candidate in LEDGER_SHEET_NAMES:
        if candidate in by_name:
            return by_name[candidate]
    vocab = vocab or default_vocabulary()
    for sheet in sheets:
        if sheet.name in TOOLKIT_SHEETS or sheet.name in (ALIAS_SHEET, STANDARD_SHEET):
            continue
        header = find_header(sheet, vocab.column_aliases, min_matches=3)
        if header and "案件类型" in header.columns:
            return sheet
    raise InputError("没有找到案件台账工作表：请把台账工作表命名为“案件台账”，或用 --sheet 指定。"
                     f"现有工作表：{'、'.join(by_name)}。", file=file)


def build_ledger(sheets: list[RawSheet], sheet_name: str | None = None, file: str | None = None) -> Ledger:
    """Find and parse the ledger of a workbook given as RawSheets."""
    vocab = vocabulary_for(sheets)
    return parse_ledger(find_ledger_sheet(sheets, sheet_name, file, vocab), file, vocab)


def build_standard(sheets: list[RawSheet], name_or_file: str | None = None, file: str | None = None) -> Standard:
    """The named standard, completed by the workbook's own 补贴标准 sheet if it has one."""
    standard = load_standard(name_or_file)
    for sheet in sheets:
        if sheet.name == STANDARD_SHEET:
            standard = apply_sheet(standard, sheet, file)
    return standard
