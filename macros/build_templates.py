"""Build the Excel templates with buttons (workbooks/*.xlsm) and the 法援工具箱 add-in (.xlam), without Excel.

Run:  python macros/build_templates.py [--out DIR] [--addin]

Each template gets a vbaProject.bin holding ThisWorkbook and one document module per sheet, the xlwings
VBA module (RunPython) and its Dictionary class from the installed xlwings, and every macros/*.bas module.
Buttons are form controls bound to the LA_* Subs of macros/LegalAid.bas. The add-in holds xlwings' custom-add-in
module (RunPython on the active workbook), macros/addin/*.bas and the ribbon macros/addin/customUI14.xml. The same
xlwings version gives the same bytes on every run. `legalaid excel templates|addin|install` call this module on the
user's machine, with the running interpreter written into the config sheet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

if __package__ in (None, ""):  # run as a script: make `macros` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "macros"

from macros.vbaproject import (build_vba_project, custom_addin_source, module_from_bas,  # noqa: E402
                               read_quickstart)
from toolkit.io.atomic import write_bytes_atomic  # noqa: E402

MACRO_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = MACRO_DIR.parent / "workbooks"
CONFIG_SHEET = "xlwings.conf"
_FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)

LEDGER_HEADERS = [
    "案号", "受援人", "身份证号", "案件类型", "诉讼阶段", "适用程序", "承办律师", "律师事务所", "指派日期",
    "结案日期", "特殊群体", "受援人数", "异地办案", "值班天数", "挽回经济损失", "讨薪金额", "补贴金额", "案件质量",
]

# (key, value, note) rows of the xlwings.conf sheet. xlwings reads keys from A1 down to the first empty
# cell and the value beside each key (xlwings.bas GetConfigFromSheet, xlwings.utils.read_config_sheet).
CONFIG_ROWS = [
    ("Interpreter_Win", "python",
     "Windows 上运行本工具箱的 Python：填 python.exe 的完整路径，例如 C:\\legalaid\\.venv\\Scripts\\python.exe"
     "（路径中最好不含中文和空格）；填 python 表示使用系统 PATH 中的 Python。"),
    ("Interpreter_Mac", None, "Mac 上的 Python 路径，例如 /Users/用户名/legalaid/.venv/bin/python；Windows 用户留空。"),
    ("PYTHONPATH", None,
     "工具箱没有安装到上面的 Python 中时，填写工具箱源码文件夹（含 toolkit 文件夹的那一级），多个用英文分号 ; 分隔；已安装则留空。"),
    ("Conda Path", None, "使用 Anaconda/Miniconda 时填写其安装目录，例如 C:\\Users\\用户名\\miniconda3；否则留空。"),
    ("Conda Env", None, "使用 Anaconda/Miniconda 时填写环境名，例如 base；否则留空。"),
    ("UDF Modules", "toolkit.excel.udfs", "工作表函数（LA_ 开头）所在的 Python 模块，一般不要修改。"),
    ("Debug UDFs", False, "仅供开发调试，保持 FALSE。"),
    ("Use UDF Server", False, "保持 FALSE。"),
    ("Show Console", False, "改为 TRUE 会显示 Python 命令行窗口，出错时便于查看详细信息。"),
]
CONFIG_NOTES = [
    "说明：",
    "1. 本工作表由 xlwings 读取，设置必须从 A1 单元格开始连续排列，中间不能有空行；只修改 B 列的值，不要修改 A 列的名称。",
    "2. 一般只需要填写 Interpreter_Win（Python 路径）；如果按钮提示找不到 toolkit，请再填写 PYTHONPATH。",
    "3. 本工作表的设置优先于 xlwings 加载项和用户目录下 .xlwings\\xlwings.conf 文件中的设置；删除某一行即改用那些设置。",
    "4. 按钮需要启用宏：打开文件时如出现“安全警告 宏已被禁用”，请点击“启用内容”。",
    "5. 如果提示“Microsoft 已阻止宏运行，因为此文件来源不受信任”（从网络或邮件下载的文件），请关闭文件，"
    "在文件上点右键→属性→勾选“解除锁定”→确定，再重新打开。",
]


@dataclass(frozen=True)
class Button:
    """A form button: where it sits, its caption and the LegalAid Sub it runs."""

    cell: str
    caption: str
    macro: str


@dataclass(frozen=True)
class Template:
    """One template workbook: file name and a function that lays out its working sheet."""

    file_name: str
    build_sheet: object  # callable(workbook) -> None; the xlwings.conf sheet is added afterwards


def _formats(wb: xlsxwriter.Workbook) -> dict[str, object]:
    font = {"font_name": "宋体", "font_size": 11}
    return {
        "header": wb.add_format({**font, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                 "border": 1, "bg_color": "#DDEBF7"}),
        "title": wb.add_format({**font, "bold": True, "font_size": 14}),
        "label": wb.add_format({**font, "bold": True, "align": "right", "valign": "vcenter"}),
        "input": wb.add_format({**font, "border": 1, "bg_color": "#FFF2CC", "valign": "vcenter"}),
        # Excel shows TRUE/FALSE for boolean cells anyway; LibreOffice and WPS need the format to.
        "bool_input": wb.add_format({**font, "border": 1, "bg_color": "#FFF2CC", "valign": "vcenter",
                                     "align": "left", "num_format": '"TRUE";"TRUE";"FALSE"'}),
        "note": wb.add_format({**font, "font_color": "#595959", "text_wrap": True, "valign": "vcenter"}),
        "hint": wb.add_format({**font, "font_color": "#595959"}),
        "text": wb.add_format({**font, "num_format": "@"}),
        "date": wb.add_format({**font, "num_format": "yyyy-mm-dd"}),
        "int": wb.add_format({**font, "num_format": "0"}),
        "money": wb.add_format({**font, "num_format": "#,##0.00"}),
        "plain": wb.add_format(font),
        "key": wb.add_format({**font, "bold": True}),
    }


def _page_setup(ws) -> None:
    """A4 landscape, one page wide, so a printout or PDF shows every column."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _add_buttons(ws, buttons: list[Button]) -> None:
    for b in buttons:
        ws.insert_button(b.cell, {"macro": b.macro, "caption": b.caption, "width": 104, "height": 30,
                                  "x_offset": 4, "y_offset": 6, "description": b.caption})


def _ledger_sheet(wb: xlsxwriter.Workbook, fmt: dict) -> None:
    ws = wb.add_worksheet("案件台账")
    column_formats = {"身份证号": "text", "案号": "text", "指派日期": "date", "结案日期": "date", "受援人数": "int",
                      "值班天数": "int", "挽回经济损失": "money", "讨薪金额": "money", "补贴金额": "money"}
    widths = {"案号": 24, "身份证号": 21, "律师事务所": 18, "特殊群体": 16, "挽回经济损失": 14}
    # Row 1: a title and the buttons; row 2: the header. The buttons stay clear of the header row, where the
    # toolkit appends its own columns (补贴下限 … 校验提示) right of the last ledger column.
    ws.write_string(0, 0, "案件台账（请从第3行起填写；按钮在本行右侧）", fmt["key"])
    for col, header in enumerate(LEDGER_HEADERS):
        ws.set_column(col, col, widths.get(header, 12), fmt[column_formats.get(header, "plain")])
        ws.write_string(1, col, header, fmt["header"])
    last = len(LEDGER_HEADERS) - 1
    ws.set_row(0, 42)
    ws.set_row(1, 40)
    ws.freeze_panes(2, 0)
    ws.repeat_rows(0, 1)
    _page_setup(ws)
    ws.autofilter(1, 0, 1, last)
    lists = {
        "案件类型": ["刑事", "民事", "行政", "仲裁", "国家赔偿", "非诉讼", "认罪认罚法律帮助"],
        "异地办案": ["是", "否"],
        "案件质量": ["优秀", "合格", "不合格"],
    }
    for header, values in lists.items():
        col = LEDGER_HEADERS.index(header)
        # A warning, not a stop: real ledgers use aliases that the toolkit still understands.
        ws.data_validation(2, col, 1048575, col, {"validate": "list", "source": values, "error_type": "warning",
                                                  "error_title": "请核对", "error_message": "不在常用选项中，确定要保留吗？"})
    _add_buttons(ws, [
        Button("E1", "计算补贴", "LA_ComputeSubsidy"),
        Button("G1", "填写统计表", "LA_FillStatistics"),
        Button("I1", "生成自评报告", "LA_DraftReport"),
    ])


BUDGET_HEADERS = ["项目", "科目编码", "年初预算数", "调整后预算数", "决算数", "备注"]


def _budget_sheet(wb: xlsxwriter.Workbook, fmt: dict) -> None:
    ws = wb.add_worksheet("决算表")
    ws.write_string(0, 0, "金额单位", fmt["label"])
    ws.write_string(0, 1, "万元", fmt["input"])
    ws.data_validation(0, 1, 0, 1, {"validate": "list", "source": ["元", "万元"]})
    wb.define_name("LA_AmountUnit", "='决算表'!$B$1")
    ws.write_string(0, 2, "← 选择本表金额的单位（元或万元）", fmt["hint"])
    ws.set_row(0, 40)
    ws.write_string(1, 0, "从第4行起粘贴决算表（保留“一、”“（一）”“1.”等编号和科目编码），然后点击右侧“校验预算”按钮。", fmt["hint"])
    widths = [36, 14, 14, 14, 14, 24]
    for col, (header, width) in enumerate(zip(BUDGET_HEADERS, widths)):
        ws.set_column(col, col, width, fmt["money"] if 2 <= col <= 4 else fmt["plain"])
        ws.write_string(2, col, header, fmt["header"])
    ws.set_column(1, 1, 14, fmt["text"])
    ws.freeze_panes(3, 0)
    ws.repeat_rows(2)
    _page_setup(ws)
    ws.set_column(6, 6, 2)
    ws.set_column(7, 7, 16)
    _add_buttons(ws, [Button("H1", "校验预算", "LA_ValidateBudget")])


def _returns_sheet(wb: xlsxwriter.Workbook, fmt: dict) -> None:
    ws = wb.add_worksheet("月报整理")
    _page_setup(ws)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 60)
    ws.write_string(0, 0, "月报整理", fmt["title"])
    rows = [
        (2, "输入文件夹", "LA_InputFolder",
         "各单位报来的月报（.xlsx、.xls、.csv）所在的文件夹，例如 D:\\月报\\2024年3月。原文件不会被修改。"),
        (3, "输出文件夹", "LA_OutputFolder", "整理后的标准格式月报保存到这个文件夹，建议不要与输入文件夹相同。"),
    ]
    for row, label, name, note in rows:
        ws.set_row(row, 30)
        ws.write_string(row, 0, label, fmt["label"])
        ws.write_blank(row, 1, None, fmt["input"])
        ws.write_string(row, 3, note, fmt["note"])
        wb.define_name(name, f"='月报整理'!$B${row + 1}")
    ws.write_string(5, 0, "使用方法：在黄色单元格中输入或粘贴文件夹的完整路径，然后点击右侧“整理月报”按钮。", fmt["hint"])
    _add_buttons(ws, [Button("C3", "整理月报", "LA_ReformatReturns")])


def config_rows(interpreter: str | None = None) -> list[tuple[str, object, str]]:
    """CONFIG_ROWS with `interpreter` (a python executable) as Interpreter_Win and Interpreter_Mac, when given."""
    if not interpreter:
        return list(CONFIG_ROWS)
    return [(key, interpreter if key in ("Interpreter_Win", "Interpreter_Mac") else value, note)
            for key, value, note in CONFIG_ROWS]


def _config_sheet(wb: xlsxwriter.Workbook, fmt: dict, interpreter: str | None = None,
                  name: str = CONFIG_SHEET) -> None:
    ws = wb.add_worksheet(name)
    _page_setup(ws)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 90)
    for row, (key, value, note) in enumerate(config_rows(interpreter)):
        ws.write_string(row, 0, key, fmt["key"])
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value, fmt["bool_input"])
        elif value is None:
            ws.write_blank(row, 1, None, fmt["input"])
        else:
            ws.write_string(row, 1, value, fmt["input"])
        ws.write_string(row, 2, note, fmt["hint"])
    for i, line in enumerate(CONFIG_NOTES):
        ws.write_string(len(CONFIG_ROWS) + 1 + i, 0, line, fmt["plain"])


TEMPLATES = [
    Template("台账模板.xlsm", _ledger_sheet),
    Template("决算校验模板.xlsm", _budget_sheet),
    Template("月报整理模板.xlsm", _returns_sheet),
]


def macro_modules() -> list:
    """Every macros/*.bas module, in file-name order."""
    return [module_from_bas(p) for p in sorted(MACRO_DIR.glob("*.bas"))]


def _workbook(buffer: io.BytesIO, title: str) -> tuple[xlsxwriter.Workbook, dict]:
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wb.set_properties({"title": title, "author": "法援财务工具箱", "created": _FIXED_TIME})
    wb.set_vba_name("ThisWorkbook")
    return wb, _formats(wb)


def _code_names(wb: xlsxwriter.Workbook) -> list[str]:
    code_names = []
    for i, ws in enumerate(wb.worksheets(), start=1):
        ws.set_vba_name(f"Sheet{i}")
        code_names.append(f"Sheet{i}")
    return code_names


def _write(out_dir: Path, name: str, data: bytes) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    write_bytes_atomic(target, data)
    return target


def build_template(template: Template, out_dir: Path, quickstart=None, interpreter: str | None = None) -> Path:
    """Write one template into out_dir atomically and return its path; `interpreter` goes into xlwings.conf."""
    buffer = io.BytesIO()
    wb, fmt = _workbook(buffer, Path(template.file_name).stem)
    template.build_sheet(wb, fmt)
    _config_sheet(wb, fmt, interpreter)
    code_names = _code_names(wb)
    wb.worksheets()[0].activate()
    vba = build_vba_project(code_names, macro_modules(), quickstart)
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.close()
    return _write(out_dir, template.file_name, buffer.getvalue())


def build_all(out_dir: Path = DEFAULT_OUT, interpreter: str | None = None) -> list[Path]:
    """Build every template into out_dir; returns the written paths."""
    quickstart = read_quickstart()
    return [build_template(t, Path(out_dir), quickstart, interpreter) for t in TEMPLATES]


# ---------------------------------------------------------------- the add-in

ADDIN_DIR = MACRO_DIR / "addin"
ADDIN_FILE = "法援工具箱.xlam"
ADDIN_PROJECT = "legalaid"          # xlwings' PROJECT_NAME: the add-in reads its settings from "legalaid.conf"
ADDIN_CONFIG_SHEET = ADDIN_PROJECT + ".conf"
RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ADDIN_WORKBOOK_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def addin_modules() -> list:
    """Every macros/addin/*.bas module (the ribbon callbacks), in file-name order."""
    return [module_from_bas(p) for p in sorted(ADDIN_DIR.glob("*.bas"))]


def ribbon_xml() -> bytes:
    return (ADDIN_DIR / "customUI14.xml").read_bytes()


def _as_addin(xlsm: bytes, ribbon: bytes) -> bytes:
    """An .xlsm package turned into an add-in: the add-in workbook content type and the ribbon part with its
    relationship from the package root ([MS-CUSTOMUI] 2.1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsm)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                if MACRO_WORKBOOK_TYPE.encode() not in data:
                    raise ValueError("unexpected workbook content type in the built .xlsm")
                data = data.replace(MACRO_WORKBOOK_TYPE.encode(), ADDIN_WORKBOOK_TYPE.encode())
            elif info.filename == "_rels/.rels":
                rel = (f'<Relationship Id="rIdLegalAidRibbon" Type="{RIBBON_REL_TYPE}" '
                       f'Target="{RIBBON_PART}"/></Relationships>').encode()
                data = re.sub(rb"</Relationships>\s*$", rel, data)
            dst.writestr(info, data)
        info = zipfile.ZipInfo(RIBBON_PART, date_time=src.infolist()[0].date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        dst.writestr(info, ribbon)
    return out.getvalue()


def build_addin(out_dir: Path, interpreter: str | None = None, quickstart=None, file_name: str = ADDIN_FILE) -> Path:
    """Write 法援工具箱.xlam into out_dir atomically: its config sheet, xlwings' add-in VBA, the ribbon callbacks and
    the ribbon. `interpreter` goes into the config sheet (Interpreter_Win / Interpreter_Mac)."""
    buffer = io.BytesIO()
    wb, fmt = _workbook(buffer, "法援工具箱")
    _config_sheet(wb, fmt, interpreter, ADDIN_CONFIG_SHEET)
    code_names = _code_names(wb)
    vba = build_vba_project(code_names, addin_modules(), quickstart or read_quickstart(),
                            xlwings_source=custom_addin_source(ADDIN_PROJECT), project_name="LegalAidAddin")
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.close()
    return _write(out_dir, file_name, _as_addin(buffer.getvalue(), ribbon_xml()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成带按钮的 Excel 模板（.xlsm）和法援工具箱加载项（.xlam）")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出文件夹（默认 workbooks/）")
    parser.add_argument("--addin", action="store_true", help="同时生成加载项 法援工具箱.xlam")
    parser.add_argument("--interpreter", help="写入配置的 Python 路径（默认 python，即 PATH 中的 Python）")
    args = parser.parse_args(argv)
    for path in build_all(args.out, args.interpreter):
        print(path)
    if args.addin:
        print(build_addin(args.out, args.interpreter))
    return 0


if __name__ == "__main__":
    sys.exit(main())
