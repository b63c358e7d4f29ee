"""`legalaid excel …`: the Excel files of the toolkit, written on this machine against the installed xlwings.

templates  the three .xlsm templates with buttons;  addin  法援工具箱.xlam (for installing by hand);
install / uninstall  the add-in in Excel's startup folder. Every file is built by macros/build_templates.py (the one
builder), with the installed xlwings' own VBA (so the VBA and the xlwings DLL always have the same version) and with
the running interpreter as Interpreter_Win / Interpreter_Mac.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from toolkit.base.errors import InputError

NAME = "excel"
HELP = "在本机生成 Excel 模板和“法援工具箱”加载项（宏与已安装的 xlwings 版本一致，并指向本机的 Python）"

DEFAULT_TEMPLATE_DIR = "Excel模板"
MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized", "Startup.localized",
               "Excel")


def add_arguments(parser) -> None:
    subs = parser.add_subparsers(dest="excel_command", title="子命令", metavar="子命令", parser_class=type(parser))
    specs = [
        ("templates", "生成三个带按钮的模板（台账模板.xlsm、决算校验模板.xlsm、月报整理模板.xlsm）"),
        ("addin", "生成加载项文件 法援工具箱.xlam（用于在 Excel 中手动添加加载项）"),
        ("install", "把“法援工具箱”加载项安装到 Excel 的启动文件夹：Excel 每次启动时自动加载，功能区出现“法援工具箱”选项卡"),
        ("uninstall", "从 Excel 的启动文件夹中删除“法援工具箱”加载项"),
    ]
    for name, text in specs:
        p = subs.add_parser(name, help=text, description=text, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        p._optionals.title = "选项"
        if name in ("templates", "addin"):
            default = DEFAULT_TEMPLATE_DIR if name == "templates" else "."
            p.add_argument("-o", "--out", metavar="文件夹", default=default,
                           help=f"写到哪个文件夹（默认当前文件夹下的 {default}）" if name == "templates"
                           else "写到哪个文件夹（默认当前文件夹）")
            p.add_argument("--force", action="store_true", help="文件夹中已有同名文件时覆盖（其中填写的数据会丢失）")
        else:
            p.add_argument("--folder", metavar="文件夹",
                           help="Excel 的启动文件夹（XLSTART）；默认 Windows 为 %%APPDATA%%\\Microsoft\\Excel\\XLSTART，"
                                "Mac 为 ~/Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
                                "Startup.localized/Excel")


def run(args) -> int:
    command = getattr(args, "excel_command", None)
    if command is None:
        print("请指定子命令：templates（模板）、addin（加载项文件）、install（安装加载项）、uninstall（卸载加载项）。"
              "例如：legalaid excel templates", file=sys.stderr)
        return 2
    return {"templates": run_templates, "addin": run_addin, "install": run_install,
            "uninstall": run_uninstall}[command](args)


# ---------------------------------------------------------------- helpers

def interpreter() -> str:
    """The Python that runs this command: the one whose packages hold the toolkit and xlwings. Not resolved: a
    venv's python is a link to the base interpreter, which would not see the venv's packages."""
    return os.path.abspath(sys.executable) if sys.executable else "python"


def _builder():
    from macros import build_templates

    return build_templates


def _xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def _path_warning() -> list[str]:
    """xlwings starts Python through a command line that older Windows code pages mangle for non-ASCII paths."""
    if interpreter().isascii():
        return []
    return [f"注意：Python 的路径“{interpreter()}”中含有中文等非英文字符。如果按钮提示找不到 Python 或无法启动，"
            "请把工具箱文件夹移到只含英文字母和数字的路径（如 C:\\legalaid），重新建立 .venv 后再运行本命令。"]


def _refuse_overwrite(folder: Path, names: list[str], force: bool) -> None:
    existing = [n for n in names if (folder / n).exists()]
    if existing and not force:
        raise InputError(f"文件夹“{folder}”中已有 " + "、".join(existing) + "（可能已填入数据），未覆盖。"
                         "请用 -o 换一个文件夹，或加 --force 覆盖。")


def _written_to(folder: Path) -> str:
    return str(folder.resolve())


def _mac_runpython() -> list[str]:
    """On a Mac, RunPython needs xlwings' AppleScript in Excel's script folder (`xlwings runpython install`)."""
    if sys.platform != "darwin":
        return []
    try:
        from xlwings.cli import runpython_install

        runpython_install(None)
        return ["（Mac）已完成 xlwings runpython install：Excel 可以运行 Python 了。"]
    except Exception as exc:   # not fatal: say what to run instead
        xlwings_cli = Path(sys.executable).parent / "xlwings"
        return [f"（Mac）自动执行 xlwings runpython install 未成功（{type(exc).__name__}），请在“终端”中运行："
                f"{xlwings_cli} runpython install"]


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"无法写入“{path}”（{exc.strerror or exc}）：如果 Excel 正打开着该文件，请先完全退出 Excel 再运行。")


# ---------------------------------------------------------------- templates

def run_templates(args) -> int:
    builder = _builder()
    folder = Path(args.out)
    names = [t.file_name for t in builder.TEMPLATES]
    _refuse_overwrite(folder, names, args.force)
    try:
        paths = builder.build_all(folder, interpreter())
    except OSError as exc:
        raise _write_error(folder, exc) from None
    lines = [f"已在“{_written_to(folder)}”写入 {len(paths)} 个模板（宏来自 xlwings {_xlwings_version()}，"
             f"Python：{interpreter()}）："]
    lines += [f"  {p.name}" for p in paths]
    lines += [
        "接下来：",
        "1. 双击打开模板（如 台账模板.xlsm）。",
        "2. 上方出现黄色的“安全警告 宏已被禁用”时，点“启用内容”。",
        "3. 如果出现红色的“Microsoft 已阻止宏运行，因为此文件来源不受信任”（文件经网络、邮件、微信或 U 盘传过来）："
        "关闭文件，在文件上点右键 → 属性 → 勾选“解除锁定” → 确定，再打开。",
        "4. 把台账粘贴到“案件台账”表第 3 行起，点“计算补贴”等按钮。",
        "5. 要在单元格中使用 LA_ 函数（仅 Windows）：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，勾选"
        "“信任对 VBA 工程对象模型的访问”；然后按 Alt+F8，选 ImportPythonUDFs，点“执行”。",
        "在自己的工作簿（包括 .xlsx）里使用这些按钮，请安装加载项：legalaid excel install",
    ]
    lines += _path_warning() + _mac_runpython()
    print("\n".join(lines))
    return 0


# ---------------------------------------------------------------- the add-in

def run_addin(args) -> int:
    builder = _builder()
    folder = Path(args.out)
    _refuse_overwrite(folder, [builder.ADDIN_FILE], args.force)
    try:
        path = builder.build_addin(folder, interpreter())
    except OSError as exc:
        raise _write_error(folder / builder.ADDIN_FILE, exc) from None
    lines = [f"已写入加载项“{path.resolve()}”（宏来自 xlwings {_xlwings_version()}，Python：{interpreter()}）。",
             "手动添加到 Excel：",
             "1. 把这个文件放在一个固定的文件夹里（添加后不要移动或删除它）。",
             "2. 打开 Excel，点 文件 → 选项 → 加载项。",
             "3. 在下方“管理”中选“Excel 加载项”，点“转到”。",
             "4. 点“浏览”，选中 法援工具箱.xlam，点“确定”；确认列表中“法援工具箱”已勾选，再点“确定”。",
             "5. 功能区出现“法援工具箱”选项卡。",
             "也可以直接运行 legalaid excel install，自动放入 Excel 的启动文件夹。"]
    lines += _path_warning() + _mac_runpython()
    print("\n".join(lines))
    return 0


def startup_folder(given: str | None) -> Path:
    """Excel's per-user startup folder (XLSTART): every workbook or add-in in it opens when Excel starts."""
    if given:
        return Path(given)
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        if appdata:
            return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    elif sys.platform == "darwin":
        return Path.home().joinpath(*MAC_STARTUP)
    raise InputError("这台电脑上找不到 Excel 的启动文件夹（只有 Windows 和 Mac 有桌面版 Excel）。"
                     "请用 --folder 指定，或用 legalaid excel addin 生成加载项文件后在 Excel 中手动添加。")


def run_install(args) -> int:
    builder = _builder()
    folder = startup_folder(args.folder)
    target = folder / builder.ADDIN_FILE
    updating = target.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        builder.build_addin(folder, interpreter())
    except OSError as exc:
        raise _write_error(target, exc) from None
    lines = [f"已{'更新' if updating else '安装'}“法援工具箱”加载项：{target}",
             f"（宏来自 xlwings {_xlwings_version()}；按钮使用的 Python：{interpreter()}）",
             "接下来：",
             "1. 完全退出 Excel（所有窗口），再重新打开。",
             "2. 功能区出现“法援工具箱”选项卡：计算补贴、填写统计表、校验预算、生成自评报告、整理月报、导入函数、设置、帮助。",
             "3. 打开您自己的台账或决算工作簿（.xlsx 也可以），点选项卡中的按钮；结果写在该工作簿中工具箱自己的列和工作表里，"
             "您的数据不动。需要保存设置时点“设置”，设置写在该工作簿的“参数”工作表中。",
             "4. 要使用 LA_ 函数（仅 Windows）：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，勾选"
             "“信任对 VBA 工程对象模型的访问”，然后点选项卡中的“导入函数”（一次即可）。",
             "按钮提示宏被禁用时：文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置，确认上面的文件夹在列表中"
             "（Excel 的启动文件夹默认受信任）。",
             "卸载：legalaid excel uninstall"]
    if updating:
        lines.append("（加载项已重新生成：如曾导入 LA_ 函数，请再点一次“导入函数”。）")
    lines += _path_warning() + _mac_runpython()
    print("\n".join(lines))
    return 0


def run_uninstall(args) -> int:
    builder = _builder()
    folder = startup_folder(args.folder)
    target = folder / builder.ADDIN_FILE
    if not target.exists():
        print(f"“{folder}”中没有 {builder.ADDIN_FILE}，无需卸载。如果曾在 文件 → 选项 → 加载项 中手动添加过，"
              "请在那里点“转到”，取消勾选“法援工具箱”。")
        return 0
    try:
        target.unlink()
    except OSError as exc:
        raise _write_error(target, exc) from None
    print(f"已删除“{target}”。完全退出 Excel 再打开后，“法援工具箱”选项卡不再出现。"
          "您的工作簿和其中工具箱写入的列、工作表都未改动。")
    return 0
