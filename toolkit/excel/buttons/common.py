"""What every button shares: the 参数 sheet and named settings, the active sheet, highlights, help and messages."""

from __future__ import annotations


from toolkit.base.errors import InputError
from toolkit.base.findings import ERROR, WARNING
from toolkit.io.excel_read import RawSheet
from toolkit.ledger.book import ALIAS_SHEET, STANDARD_SHEET, TOOLKIT_SHEETS, choose_sheets, vocabulary_for
from toolkit.ledger.summary import read_summary
from toolkit.base.table import find_header
from toolkit.base.text import clean_text, compact
from toolkit.base.layout import tag_style
from toolkit.excel.book_io import (alert, excel_value, grid, read_sheet)


TITLE = "法援财务工具箱"
SETTINGS_SHEET = "参数"
# what a centre sets for the buttons: a label in the 参数 sheet (column A, value in B) or a defined name
SETTINGS = {"补贴水平": "level", "补贴标准": "standard", "专项经费": "fund", "统一标准": "flats",
            "报告年度": "year", "单位名称": "centre", "统计期间": "period",
            "输入文件夹": "input_folder", "输出文件夹": "output_folder"}
# the 参数 sheet as the 设置 button lays it out: (label, which button uses it, what to write)
SETTING_HELP = [
    ("补贴水平", "计算补贴", "最低（默认）、最高、中间、台账（用台账“补贴金额”列已填的金额并检查），或每件统一金额如 1800"),
    ("补贴标准", "计算补贴", "补贴标准的名称，默认 湖南；本工作簿中有“补贴标准”工作表时，按该表补充和调整"),
    ("专项经费", "计算补贴", "本年度办案补贴专项经费，如 46万 或 460000；填写后计算缺口和覆盖率"),
    ("统一标准", "计算补贴", "对比测算用的每件统一金额，默认 1800,2000；多个用逗号分隔"),
    ("统计期间", "填写统计表", "2023（年）、2023Q1（季度）或 2023-03（月）；留空为案件最多的年份"),
    ("报告年度", "生成自评报告", "如 2023；留空取决算表的年度"),
    ("单位名称", "生成自评报告", "单位全称，如 某某县法律援助中心；留空取决算表标题中的“……法律援助中心”"),
    ("输入文件夹", "整理月报", "各单位报来的月报所在文件夹的完整路径，如 D:\\月报\\2024年3月；原文件不会被修改"),
    ("输出文件夹", "整理月报", "整理结果保存到的文件夹的完整路径，不能与输入文件夹相同"),
]
SETTING_NAMES = {"LA_SubsidyLevel": "level", "LA_Standard": "standard", "LA_Fund": "fund", "LA_FlatAmounts": "flats"}
HIGHLIGHT = {ERROR: "#" + tag_style("error").fill, WARNING: "#" + tag_style("warning").fill}   # from TAG_STYLES


def read_settings(sheets: list[RawSheet], named: dict[str, object] | None = None) -> dict[str, object]:
    """The buttons' settings from the 参数 sheet and from defined names (a name wins over the sheet), each as
    (value, where): values as the user typed them (see book_io.excel_value: 2023.0 from Windows Excel is 2023)."""
    settings: dict[str, object] = {}
    for sheet in sheets:
        if sheet.name != SETTINGS_SHEET:
            continue
        for r, row in enumerate(sheet.rows, start=1):
            key = SETTINGS.get(compact(row[0]) if row else "")
            value = excel_value(row[1]) if key and len(row) > 1 else None
            if value is not None and clean_text(value):
                settings[key] = (value, f"“{SETTINGS_SHEET}”工作表第{r}行")
    for name, value in (named or {}).items():
        value = excel_value(value)
        if name in SETTING_NAMES and value is not None and clean_text(value):
            settings[SETTING_NAMES[name]] = (value, f"名称“{name}”")
    return settings


def split_settings(settings: dict, keys=None) -> tuple[dict, dict]:
    """read_settings' (value, where) pairs as the core's settings parsers take them: ({key: value}, {key: where})."""
    chosen = {k: v for k, v in settings.items() if keys is None or k in keys}
    return {k: v for k, (v, _) in chosen.items()}, {k: w for k, (_, w) in chosen.items()}


def named_values(book, wanted=None) -> dict[str, object]:
    """Values of the workbook-level names the buttons understand (LA_Fund, …)."""
    wanted = SETTING_NAMES if wanted is None else wanted
    values = {}
    try:
        names = list(book.names)
    except Exception:
        return values
    for name in names:
        try:
            if name.name in wanted:
                values[name.name] = name.refers_to_range.value
        except Exception:  # a name pointing to a constant or another workbook: not a setting
            continue
    return values


def settings_sheet_values(book) -> dict[str, object]:
    """read_settings of the 参数 sheet alone (without reading the other, maybe large, sheets)."""
    if SETTINGS_SHEET not in [s.name for s in book.sheets]:
        return {}
    return read_settings([read_sheet(book.sheets[SETTINGS_SHEET])])


FOLDER_NAMES = {"LA_InputFolder": "输入文件夹", "LA_OutputFolder": "输出文件夹"}
FOLDER_SETTINGS = {"LA_InputFolder": "input_folder", "LA_OutputFolder": "output_folder"}


def returns_folders(book) -> dict[str, str]:
    """整理月报's two folders: the template's named cells LA_InputFolder / LA_OutputFolder, else (a workbook of one's
    own, through the add-in) the 输入文件夹 / 输出文件夹 rows of the 参数 sheet. InputError when one is missing."""
    values = named_values(book, FOLDER_NAMES)
    settings = settings_sheet_values(book)
    folders = {}
    for name, label in FOLDER_NAMES.items():
        text = clean_text(values.get(name)) or clean_text(settings.get(FOLDER_SETTINGS[name], (None,))[0])
        if not text:
            raise InputError(f"请先在“{label}”单元格（名称 {name}）或“{SETTINGS_SHEET}”工作表的“{label}”行中"
                             "填写文件夹的完整路径（点“设置”可打开该工作表）。")
        folders[name] = text
    return folders


def _setting_error(message: str, where: str | None) -> InputError:
    return InputError(f"{where}：{message}" if where else message)


def _active_sheet(book) -> str | None:
    try:
        return book.sheets.active.name
    except Exception:
        return None


def settings_plan(existing: RawSheet | None) -> tuple[list[list], int, str]:
    """The rows the 设置 button writes into the 参数 sheet, the 1-based row they start at, and the message.
    A new sheet gets a header and every setting; an existing one keeps its rows and gets only the missing labels."""
    present = set()
    if existing is not None:
        present = {compact(row[0]) for row in existing.rows if row}
    missing = [(label, job, note) for label, job, note in SETTING_HELP if label not in present]
    rows = [] if existing is not None else [["设置", "值", "说明（留空即用默认值）"]]
    rows += [[label, None, f"{job}：{note}"] for label, job, note in missing]
    start = 1 if existing is None else len(existing.rows) + 1
    where = (f"设置保存在本工作簿的“{SETTINGS_SHEET}”工作表中（A 列名称，B 列填值，C 列是说明），"
             "随工作簿一起保存；.xlsx 工作簿照常保存即可，不需要另存为 .xlsm。")
    if existing is None:
        message = f"已新建“{SETTINGS_SHEET}”工作表。" + where
    elif missing:
        message = (f"已打开“{SETTINGS_SHEET}”工作表，并在末尾补上 {len(missing)} 个设置项："
                   + "、".join(m[0] for m in missing) + "。原有内容未改动。" + where)
    else:
        message = f"已打开“{SETTINGS_SHEET}”工作表。" + where
    return rows, start, message


def open_settings(book) -> str:
    """设置: open the 参数 sheet of the active workbook, creating it (or its missing rows) with the settings explained."""
    names = [s.name for s in book.sheets]
    existing = read_sheet(book.sheets[SETTINGS_SHEET]) if SETTINGS_SHEET in names else None
    rows, start, message = settings_plan(existing)
    if existing is None:
        sheet = book.sheets.add(SETTINGS_SHEET, after=book.sheets[len(names) - 1])
    else:
        sheet = book.sheets[SETTINGS_SHEET]
    if rows:
        end = start + len(rows) - 1
        sheet.range((start, 2), (end, 2)).number_format = "@"   # 2023-03 stays text, not a date
        sheet.range((start, 1)).value = grid(rows, 3)
        if existing is None:
            header = sheet.range((1, 1), (1, 3))
            header.font.bold = True
            header.color = "#" + tag_style("header").fill
            for col, width in ((1, 14), (2, 24), (3, 90)):
                sheet.range((1, col)).column_width = width
        sheet.range((start if existing is not None else 2, 2), (end, 2)).color = "#FFF2CC"
    sheet.activate()
    return message


HELP_TEXT = "\n".join([
    "法援工具箱：在当前打开的工作簿上运行，只写入工具箱自己的列和工作表，不改动您的数据；再按一次结果相同。",
    "· 计算补贴：台账右侧增加 补贴下限、补贴上限、补贴金额(计算)、计算依据、校验提示 五列，另建“补贴汇总”工作表。",
    "· 填写统计表：按指派日期统计，写入“统计表”工作表（上年同期：把上年台账复制到“上年台账”工作表）。",
    "· 校验预算：检查预算/决算表，问题列在“校验结果”工作表，原表不动。",
    "· 生成自评报告：起草《部门整体支出绩效自评报告》，写入“自评报告草稿”工作表。",
    "· 整理月报：把“参数”表中“输入文件夹”的月报整理到“输出文件夹”。",
    "· 设置：打开“参数”工作表（补贴水平、专项经费、统计期间等）。",
    "· 导入函数（仅 Windows，一次即可）：之后在任何工作簿中可输入 =LA_SUBSIDY(\"刑事\",\"审判\") 等函数。",
    "出现“未完成”的提示时，按提示修改表格后再按一次。详细说明见工具箱文件夹中的 README.md，"
    "或在命令行运行 legalaid -h。",
])


def show_help(book) -> str:
    """帮助: what each ribbon button does and where it writes (nothing in the workbook changes)."""
    return HELP_TEXT


MESSAGES = {
    "functions_imported": "已把 LA_ 工作表函数导入法援工具箱加载项：现在可以在任何工作簿的单元格中输入 =LA_SUBSIDY(\"刑事\",\"审判\") "
                          "等函数（函数向导 fx 的“法律援助”类别中有全部函数及中文说明）。重新安装加载项后需再点一次“导入函数”。",
    "vba_access_not_trusted": "无法导入函数：Excel 不允许访问 VBA 工程。请点 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，"
                              "勾选“信任对 VBA 工程对象模型的访问”，确定后再点“导入函数”。",
    "functions_need_windows": "LA_ 工作表函数只能在 Windows 版 Excel 中导入；Mac 上的按钮照常可用，函数请用 Excel 网页版"
                              "（xlwings Server 或 xlwings Lite，见 README）。",
}


def show_message(key: str) -> str:
    """Show one of MESSAGES (the add-in's VBA has only ASCII: its Chinese texts live here) and return it."""
    import xlwings as xw

    message = MESSAGES.get(key, key)
    alert(xw.Book.caller(), message, TITLE)
    return message


def choose_ledger_sheet(sheets: list[RawSheet], active: str | None) -> str | None:
    """The active sheet when it looks like a ledger (the button sits on it), else None (let the core choose)."""
    by_name = {s.name: s for s in sheets}
    if not active or active not in by_name or active in (*TOOLKIT_SHEETS, ALIAS_SHEET, STANDARD_SHEET, SETTINGS_SHEET):
        return None
    if active in [s.name for _, s, _ in choose_sheets([(None, sheets)])[0]]:
        return None      # the active sheet is (part of) the workbook's ledger: read it with the sheets it goes with
    vocab = vocabulary_for(sheets)
    header = find_header(by_name[active], vocab.column_aliases, min_matches=3)
    if header is None or "案件类型" not in header.columns or read_summary(by_name[active], vocab) is not None:
        return None      # the button pressed on a summary sheet (汇总) reads the workbook's ledger, not the summary
    return active
