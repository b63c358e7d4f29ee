"""整理月报: reformat the returns of the folder named in 参数 into the standard template."""

from __future__ import annotations


from toolkit.base.layout import Cell, Layout
from toolkit.excel.book_io import (set_status, write_layout)

from toolkit.excel.buttons.common import (TITLE, returns_folders, _active_sheet)


RETURNS_LOG_SHEET = "整理结果"


def returns_plan(in_dir: str, out_dir: str) -> tuple[Layout, str]:
    """Run `legalaid reformat` on the folders; the 整理结果 sheet (one row per file) and the message."""
    import contextlib
    import io
    import json
    from argparse import Namespace

    from toolkit.cli import reformat
    from toolkit.monthly.normalise import FAILED, STATUS_LABEL, WARNED

    args = Namespace(in_dir=in_dir, out_dir=out_dir, template=None, aliases=None, items=None, jobs=1, json=True,
                     show_id=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        reformat.run(args)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    layout = Layout(RETURNS_LOG_SHEET, widths={1: 40, 2: 10, 3: 8, 4: 14, 5: 90})
    layout.add(*(Cell(h, "header") for h in ("文件", "结果", "行数", "期间", "说明")))
    for r in report["files_detail"]:
        tag = {FAILED: "error", WARNED: "warning"}.get(r["status"], "text")
        layout.add(Cell(r["file"]), Cell(STATUS_LABEL.get(r["status"], r["status"]), tag), Cell(r["rows"], "count"),
                   Cell(r.get("period")), Cell(" ".join(r["messages"])))
    stats = (f"统计报表 {report['stat_forms']} 份，已逐项汇总到 {reformat.STATS_FILE}；"
             if report.get("stat_forms") else "")
    message = (f"月报整理完成：共 {report['files']} 个文件，正常 {report['ok']} 个，有警告 {report['warnings']} 个，"
               f"失败 {report['failed']} 个；{stats}案件清单汇总数据 {report['rows']} 行。结果在“{out_dir}”，"
               f"逐个文件的情况见“{RETURNS_LOG_SHEET}”工作表。原文件未作任何改动。")
    return layout, message


def reformat_returns(book) -> str:
    """整理月报: the returns of a folder into the standard template (desktop Excel only: it reads folders)."""
    if book.app.engine.name == "remote":
        return ("整理月报需要读取本机文件夹，只能在 Windows 或 Mac 的桌面版 Excel 中使用；"
                "在 Excel 网页版中请改用命令 legalaid reformat 输入文件夹 -o 输出文件夹。")
    folders = returns_folders(book)
    set_status(book, f"{TITLE}：正在整理月报……")
    layout, message = returns_plan(folders["LA_InputFolder"], folders["LA_OutputFolder"])
    active = _active_sheet(book)
    write_layout(book, layout)
    if active and active != RETURNS_LOG_SHEET:
        book.sheets[active].activate()
    return message
