"""整理月报 and `legalaid reformat` produce the same files and the same cells for the same folder (issue 14): both run
the one batch (toolkit/io/returns_batch.py) over the one per-file decision (toolkit/monthly/job.py), and the button's
整理结果 sheet is drawn from the batch's result, not from the command's printed output."""

import copy
import json
import sys
from pathlib import Path

import openpyxl
import xlwings as xw

from remote_book import payload_from_grids, replay
from toolkit.cli.main import main
from toolkit.excel import buttons
from toolkit.excel.book_io import write_layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from reformat_corpus import Corpus  # noqa: E402


def _cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_the_button_and_the_cli_write_the_same_results(tmp_path, capsys):
    corpus = Corpus(tmp_path / "收到的月报").build()
    by_cli, by_button = tmp_path / "命令行结果", tmp_path / "按钮结果"
    code = main(["reformat", str(corpus.folder), "-o", str(by_cli), "--jobs", "2", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["failed"] >= 1 and report["ok"] >= 1

    # the button as desktop Excel runs it, minus the folder dialog: settings read from the 参数 sheet of the book
    payload = payload_from_grids("月报整理模板.xlsm", {"说明": [["月报整理"]], "参数": [
        ["输入文件夹", str(corpus.folder)], ["输出文件夹", str(by_button)]]})
    book = xw.Book(json=copy.deepcopy(payload))
    folders = buttons.returns_folders(book)
    layout, message = buttons.returns_plan(folders["LA_InputFolder"], folders["LA_OutputFolder"])
    write_layout(book, layout)
    state = replay(payload, book.json()["actions"])

    # every output file: the same sheets and the same cells
    made = sorted(p.relative_to(by_cli) for p in by_cli.rglob("*.xlsx"))
    assert len(made) >= 5 and made == sorted(p.relative_to(by_button) for p in by_button.rglob("*.xlsx"))
    for rel in made:
        assert _cells(by_cli / rel) == _cells(by_button / rel), rel
    assert (by_cli / "处理日志.json").read_bytes() == (by_button / "处理日志.json").read_bytes()

    # 整理结果 in the workbook: one row per file, as the CLI's log says
    shown = state["values"]["整理结果"]
    assert shown[0] == ["文件", "结果", "行数", "期间", "说明"]
    log = _cells(by_cli / "汇总.xlsx")["处理日志"]
    files = report["files_detail"]
    assert len(shown) == len(files) + 1
    for row, detail, logged in zip(shown[1:], files, log[1:]):
        assert row[0] == detail["file"] == logged[0]
        assert row[1] == logged[1] and row[2] == detail["rows"] == logged[2]
        assert (row[3] or None) == detail["period"]
        assert row[4] == " ".join(detail["messages"]) and (logged[5] or "") == "\n".join(detail["messages"])
    assert f"共 {report['files']} 个文件" in message and f"失败 {report['failed']} 个" in message
