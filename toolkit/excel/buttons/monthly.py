"""整理月报: reformat the returns of the folder named in 参数 into the standard template."""

from __future__ import annotations

from pathlib import Path

from toolkit.base.layout import Layout
from toolkit.excel.book_io import set_status, write_layout
from toolkit.excel.buttons.common import TITLE, _active_sheet, returns_folders
from toolkit.monthly.job import RETURNS_LOG_SHEET  # noqa: F401


def returns_plan(in_dir: str, out_dir: str, progress=None) -> tuple[Layout, str]:
    """The batch `legalaid reformat` runs, on the two folders: the 整理结果 sheet (one row per file) and the message."""
    from toolkit.io.returns_batch import reformat_folder
    from toolkit.monthly.normalise import default_template, return_aliases

    outcome = reformat_folder(Path(in_dir), Path(out_dir), default_template(), return_aliases(), jobs=1,
                              progress=progress)
    return outcome.layout(), outcome.message()


def reformat_returns(book) -> str:
    """整理月报: the returns of a folder into the standard template (desktop Excel only: it reads folders)."""
    if book.app.engine.name == "remote":
        return ("整理月报需要读取本机文件夹，只能在 Windows 或 Mac 的桌面版 Excel 中使用；"
                "在 Excel 网页版中请改用命令 legalaid reformat 输入文件夹 -o 输出文件夹。")
    folders = returns_folders(book)
    set_status(book, f"{TITLE}：正在整理月报……")
    layout, message = returns_plan(folders["LA_InputFolder"], folders["LA_OutputFolder"],
                                   lambda done, total: set_status(book, f"{TITLE}：正在整理月报 {done}/{total}……"))
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != RETURNS_LOG_SHEET:
        book.sheets[active].activate()
    return message
