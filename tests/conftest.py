"""Shared test helpers: real workbooks built with openpyxl inside the tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import openpyxl
import pytest

from toolkit.base.idcard import check_digit

# tests/server/ runs in its own process, started by tests/test_server_mode.py: XLWINGS_ON_SERVER must be set before
# xlwings is first imported, and this process imports it in classic mode.
collect_ignore = [] if os.environ.get("XLWINGS_ON_SERVER") == "true" else ["server", "addin"]

HEADER = ["案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "承办律师", "律师事务所", "指派日期", "结案日期",
          "特殊群体", "补贴金额"]


def valid_id(body17: str = "43090219850312001") -> str:
    return body17 + check_digit(body17)


def write_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given sheets (rows of values, A1-anchored)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def d():
    return dt.date


@pytest.fixture
def run_cli(capsys):
    """Run `legalaid …` in-process: (exit code, stdout, stderr)."""
    from toolkit.cli import main as cli
    def run(*argv):
        code = cli.main([str(a) for a in argv])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run
