"""Reading the ledger a command is given: one workbook (all its sheets), or a folder of ledger files."""

from __future__ import annotations

from pathlib import Path

from toolkit.base.errors import InputError
from toolkit.io.excel_read import CSV_SUFFIXES, EXCEL_SUFFIXES, RawSheet, check_regular_file, read_workbook
from toolkit.ledger.parse import Ledger
from toolkit.ledger.book import build_ledger_from_books, natural_order

LEDGER_SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES


def read_with_hidden(path: Path) -> list[RawSheet]:
    """All sheets of a workbook, each knowing which of its rows Excel hides (when the file says so: the .xlsx reader
    notes them as it streams each sheet, so the sheet is inflated once)."""
    check_regular_file(path)       # a pipe named .xlsx must not block the read
    return read_workbook(path, hidden=True)


def ledger_files(folder: Path) -> list[Path]:
    """The spreadsheet files of a folder (not its sub-folders, not Excel's ~$ lock files), in natural order."""
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LEDGER_SUFFIXES
             and not p.name.startswith(("~$", "."))]
    return [folder / n for n in natural_order(p.name for p in files)]


def read_ledger_input(path: Path, sheet: str | None = None
                      ) -> tuple[list[RawSheet], Ledger, dict[tuple[str | None, str], RawSheet]]:
    """(every sheet read, the ledger, {(file, sheet): RawSheet} of the ledger's parts) of a workbook or folder.

    In a folder, every ledger file is read and combined; a file that cannot be read is named with the reason."""
    if not path.is_dir():
        sheets = read_with_hidden(path)
        ledger = build_ledger_from_books([(path.name, sheets)], sheet)
        by_name = {s.name: s for s in sheets}
        return sheets, ledger, {(p.file, p.sheet): by_name[p.sheet] for p in ledger.pieces}
    files = ledger_files(path)
    if not files:
        raise InputError("文件夹中没有表格文件（.xlsx、.xlsm、.xls、.csv）。", file=path.name)
    books, unreadable = [], []
    for file in files:
        try:
            books.append((file.name, read_with_hidden(file)))
        except InputError as exc:
            unreadable.append((file.name, "", exc.message))
    ledger = build_ledger_from_books(books, sheet, unreadable)
    raw = {(f, s.name): s for f, sheets in books for s in sheets}
    return [s for _, sheets in books for s in sheets], ledger, {(p.file, p.sheet): raw[(p.file, p.sheet)]
                                                                 for p in ledger.pieces}
