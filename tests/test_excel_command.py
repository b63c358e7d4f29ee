"""`legalaid excel …`: templates and add-in written on this machine carry the installed xlwings' own VBA and point at
this interpreter; the shipped templates match the xlwings version that setup.cfg pins."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from macros import build_templates
from toolkit.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_NAMES = [t.file_name for t in build_templates.TEMPLATES]


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def vba_version(path: Path) -> str:
    """The xlwings version the workbook's VBA was made for: its version comment, constant and DLL names agree."""
    code = vba_modules(path)["xlwings"]
    comment = re.search(r"^'Version: (\S+)", code, re.M).group(1)
    constant = re.search(r'^Public Const XLWINGS_VERSION As String = "([^"]+)"', code, re.M).group(1)
    dlls = set(re.findall(r'"xlwings(?:32|64)-([0-9.]+)\.dll"', code))
    assert comment == constant and dlls == {constant}, (path.name, comment, constant, dlls)
    return constant


def config(path: Path, sheet: str = "xlwings.conf") -> dict[str, object]:
    """Key → value of a config sheet, A1 down to the first empty cell (as xlwings reads it)."""
    if path.suffix == ".xlam":     # openpyxl refuses add-ins; calamine reads them
        import python_calamine

        rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    else:
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)[sheet].iter_rows()]
    out = {}
    for row in rows:
        if row[0] in (None, ""):
            break
        out[row[0]] = row[1]
    return out


def pinned_xlwings() -> str:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    pins = [line.split(";")[0].strip() for line in cfg["options"]["install_requires"].splitlines()
            if line.strip().startswith("xlwings")]
    assert len(pins) == 1 and pins[0].startswith("xlwings=="), pins
    return pins[0].removeprefix("xlwings==")


def test_shipped_templates_carry_the_pinned_xlwings_version():
    pin = pinned_xlwings()
    for name in TEMPLATE_NAMES:
        assert vba_version(ROOT / "workbooks" / name) == pin, name
    # the environment the tests run in installed what setup.cfg asks for
    assert xlwings.__version__ == pin


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("用户的模板")
    return out, run_cli(["excel", "templates", "-o", str(out)])


def run_cli(argv):
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    return code, stdout.getvalue(), stderr.getvalue()


def test_templates_match_the_installed_xlwings_and_point_at_this_python(fresh):
    out, (code, stdout, _) = fresh
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(TEMPLATE_NAMES)
    for name in TEMPLATE_NAMES:
        path = out / name
        assert vba_version(path) == xlwings.__version__
        settings = config(path)
        assert settings["Interpreter_Win"] == settings["Interpreter_Mac"] == os.path.abspath(sys.executable)
        assert settings["UDF Modules"] == "toolkit.excel.udfs"
        assert {"LegalAid", "xlwings", "Dictionary"} <= set(vba_modules(path))


def test_the_interpreter_in_the_templates_is_this_environment(fresh):
    out, _ = fresh
    python = config(out / TEMPLATE_NAMES[0])["Interpreter_Win"]
    assert Path(python).parent.parent == Path(sys.prefix) or Path(python).parent == Path(sys.prefix)
    # that interpreter imports what the buttons run, with the xlwings whose VBA is in the file
    probe = subprocess.run([python, "-c", "import xlwings, toolkit.excel.buttons, toolkit.excel.udfs; "
                            "print(xlwings.__version__)"], capture_output=True, text=True, cwd=out, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == vba_version(out / TEMPLATE_NAMES[0])


def test_templates_command_says_what_to_do_next_in_chinese(fresh):
    out, (_, stdout, _) = fresh
    assert str(out.resolve()) in stdout and f"xlwings {xlwings.__version__}" in stdout
    for words in ("启用内容", "解除锁定", "属性", "ImportPythonUDFs", "信任对 VBA 工程对象模型的访问", "Alt+F8"):
        assert words in stdout, words


def test_templates_are_not_overwritten_without_force(fresh):
    out, _ = fresh
    path = out / TEMPLATE_NAMES[0]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["案件台账"]["A3"] = "(2024)1"           # the user has started filling the template
    wb.save(path)
    before = path.read_bytes()
    code, stdout, stderr = run_cli(["excel", "templates", "-o", str(out)])
    assert code == 2 and stdout == ""
    assert "已有" in stderr and "台账模板.xlsm" in stderr and "--force" in stderr and "Traceback" not in stderr
    assert path.read_bytes() == before
    code, _, _ = run_cli(["excel", "templates", "-o", str(out), "--force"])
    assert code == 0 and openpyxl.load_workbook(path)["案件台账"]["A3"].value is None


def test_addin_install_and_uninstall(tmp_path):
    folder = tmp_path / "XLSTART"
    code, stdout, _ = run_cli(["excel", "install", "--folder", str(folder)])
    target = folder / build_templates.ADDIN_FILE
    assert code == 0 and target.is_file()
    assert "已安装" in stdout and str(target) in stdout and "法援工具箱" in stdout and "导入函数" in stdout
    assert vba_version(target) == xlwings.__version__
    assert config(target, build_templates.ADDIN_CONFIG_SHEET)["Interpreter_Win"] == os.path.abspath(sys.executable)
    code, stdout, _ = run_cli(["excel", "install", "--folder", str(folder)])
    assert code == 0 and "已更新" in stdout and "再点一次“导入函数”" in stdout
    code, stdout, _ = run_cli(["excel", "uninstall", "--folder", str(folder)])
    assert code == 0 and "已删除" in stdout and not target.exists()
    assert list(folder.iterdir()) == []
    code, stdout, _ = run_cli(["excel", "uninstall", "--folder", str(folder)])
    assert code == 0 and "无需卸载" in stdout and "文件 → 选项 → 加载项" in stdout


def test_addin_file_for_installing_by_hand(tmp_path):
    code, stdout, _ = run_cli(["excel", "addin", "-o", str(tmp_path)])
    assert code == 0 and (tmp_path / build_templates.ADDIN_FILE).is_file()
    for words in ("文件 → 选项 → 加载项", "转到", "浏览", "法援工具箱.xlam"):
        assert words in stdout, words
    code, _, stderr = run_cli(["excel", "addin", "-o", str(tmp_path)])
    assert code == 2 and "--force" in stderr


def test_install_without_a_startup_folder_says_what_to_do(monkeypatch):
    from toolkit.cli import excel
    monkeypatch.setattr(sys, "platform", "linux")
    code, stdout, stderr = run_cli(["excel", "install"])
    assert code == 2 and "--folder" in stderr and "legalaid excel addin" in stderr and stdout == ""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", "X")
    assert excel.startup_folder(None) == Path("X") / "Microsoft" / "Excel" / "XLSTART"


def test_excel_without_a_subcommand_lists_them():
    code, _, stderr = run_cli(["excel"])
    assert code == 2 and "templates" in stderr and "install" in stderr


def test_the_cli_imports_only_the_excel_command_for_it():
    probe = subprocess.run([sys.executable, "-c", "import sys; from toolkit.cli.main import build_parser, command_of; "
                            "build_parser(command_of(['excel', 'templates'])); "
                            "print(sorted(m for m in sys.modules if m.startswith('toolkit.cli.') and m != 'toolkit.cli.main'))"],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert probe.stdout.strip() == "['toolkit.cli.excel']", probe.stderr


def test_what_the_builder_imports_is_installed_with_the_toolkit():
    """`legalaid excel` runs macros/ on a machine that installed only `pip install -e .` (no test extra)."""
    import ast

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    required = {re.split(r"[<>=!~ \[]", line.strip())[0].lower().replace("-", "_")
                for line in cfg["options"]["install_requires"].splitlines() if line.strip() and not line.strip().startswith("#")}
    files = [*sorted((ROOT / "macros").glob("*.py")), ROOT / "toolkit" / "cli" / "excel.py"]
    imported = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m not in ("macros", "toolkit")}
    assert third_party == {"olefile", "xlsxwriter", "xlwings"}
    assert third_party <= required, third_party - required
    packages = cfg["options.packages.find"]["include"].split()
    assert "macros" in packages and "addin/*.xml" in cfg["options.package_data"]["macros"]


def test_a_python_path_with_chinese_characters_is_written_and_warned_about(tmp_path, monkeypatch):
    python = str(tmp_path / "法援" / ".venv" / "bin" / "python")
    monkeypatch.setattr(sys, "executable", python)
    code, stdout, _ = run_cli(["excel", "addin", "-o", str(tmp_path)])
    assert code == 0 and "含有中文" in stdout and python in stdout
    assert config(tmp_path / build_templates.ADDIN_FILE, build_templates.ADDIN_CONFIG_SHEET)["Interpreter_Win"] == python
