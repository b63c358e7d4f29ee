"""The 法援工具箱 add-in (.xlam) as a package, without Excel: content types, the ribbon part and its relationship,
every ribbon button bound to a Sub of the project, and every RunPython line resolving to a toolkit function that
accepts the arguments it is given. (The jobs on a workbook standing for the active one: tests/addin/.)"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from macros import build_templates
from macros.vbaproject import normalise_source
from toolkit.excel import buttons
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"
LABELS = ["计算补贴", "校验预算", "填写统计表", "整理月报", "生成自评报告", "导入函数", "设置", "帮助"]
PYTHON = r"D:\法援\.venv\Scripts\python.exe"   # an interpreter path as the config sheet stores it (not run here)


@pytest.fixture(scope="module")
def addin(tmp_path_factory) -> Path:
    return build_templates.build_addin(tmp_path_factory.mktemp("加载项"), PYTHON)


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def ribbon_buttons(path: Path) -> dict[str, str]:
    """label → onAction of every ribbon button."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read(build_templates.RIBBON_PART))
    return {b.get("label"): b.get("onAction") for b in root.iter(UI + "button")}


def subs(code: str) -> dict[str, str]:
    """Sub name → its parameter list, for every Sub of a module."""
    return {m.group(1): m.group(2).strip()
            for m in re.finditer(r"^(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", code, re.M)}


def sub_body(code: str, name: str) -> str:
    m = re.search(rf"^(?:Public\s+)?Sub\s+{name}\s*\([^)]*\)\r?\n(.*?)^End Sub", code, re.M | re.S)
    assert m, name
    return m.group(1)


def test_package_is_an_add_in_with_a_ribbon(addin):
    assert addin.name == "法援工具箱.xlam"
    with zipfile.ZipFile(addin) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        types = ET.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(CT + "Override")}
        defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(CT + "Default")}
        assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
        assert defaults["bin"] == "application/vnd.ms-office.vbaProject" and "xl/vbaProject.bin" in names
        assert defaults["xml"] == "application/xml"          # the customUI part's type
        root_rels = ET.fromstring(z.read("_rels/.rels"))
        ribbon = [r for r in root_rels.iter(REL + "Relationship")
                  if r.get("Type") == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"]
        assert [r.get("Target") for r in ribbon] == ["customUI/customUI14.xml"]
        assert len({r.get("Id") for r in root_rels.iter(REL + "Relationship")}) == 4      # ids stay unique
        workbook_rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        assert any(r.get("Target") == "vbaProject.bin" for r in workbook_rels.iter(REL + "Relationship"))
        ui = z.read("customUI/customUI14.xml")
    assert ui == (build_templates.ADDIN_DIR / "customUI14.xml").read_bytes()
    tabs = list(ET.fromstring(ui).iter(UI + "tab"))
    assert [t.get("label") for t in tabs] == ["法援工具箱"]
    ids = [e.get("id") for e in ET.fromstring(ui).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_ribbon_has_every_button_with_a_chinese_label(addin):
    found = ribbon_buttons(addin)
    assert sorted(found) == sorted(LABELS)
    with zipfile.ZipFile(addin) as z:
        root = ET.fromstring(z.read(build_templates.RIBBON_PART))
    groups = [g.get("label") for g in root.iter(UI + "group")]
    assert len(groups) >= 3 and all(re.search(r"[\u4e00-\u9fff]", g) for g in groups)
    for button in root.iter(UI + "button"):
        assert re.search(r"[\u4e00-\u9fff]", button.get("supertip") or ""), button.get("label")


def test_every_on_action_is_a_ribbon_sub_of_the_project(addin):
    modules = vba_modules(addin)
    assert set(modules) == {"ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "LegalAidRibbon"}
    ribbon_subs = subs(modules["LegalAidRibbon"])
    for label, action in ribbon_buttons(addin).items():
        assert action in ribbon_subs, label
        assert ribbon_subs[action] == "control As IRibbonControl", action   # the onAction callback signature
    source = (build_templates.ADDIN_DIR / "LegalAidRibbon.bas").read_text(encoding="ascii")
    assert modules["LegalAidRibbon"] == normalise_source(source)


def test_xlwings_module_is_the_custom_add_in_variant_for_the_active_workbook(addin):
    code = vba_modules(addin)["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "legalaid"' in code
    assert "XLPy.SetAttr XLPy.Module(\"xlwings._xlwindows\"), \"BOOK_CALLER\", ActiveWorkbook" in code
    assert "Sub ImportPythonUDFsToAddin()" in code
    # the config sheet it reads: PROJECT_NAME & ".conf"
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(addin))
    assert book.sheet_names == [build_templates.ADDIN_CONFIG_SHEET] == ["legalaid.conf"]
    rows = {r[0]: r[1] for r in book.get_sheet_by_name("legalaid.conf").to_python() if r and r[0]}
    assert rows["Interpreter_Win"] == rows["Interpreter_Mac"] == PYTHON
    assert rows["UDF Modules"] == "toolkit.excel.udfs"


def run_python_calls(code: str) -> list[tuple[str, str, str, list]]:
    """(Sub, module, function, arguments) of every RunPython "import m as b; b.f(args)" line."""
    calls = []
    for sub in subs(code):
        for m in re.finditer(r'RunPython "([^"]*)"', sub_body(code, sub)):
            statements = ast.parse(m.group(1)).body
            assert len(statements) == 2, m.group(1)
            imp, call = statements
            assert isinstance(imp, ast.Import) and isinstance(call.value, ast.Call), m.group(1)
            alias = imp.names[0]
            func = call.value.func
            assert isinstance(func, ast.Attribute) and func.value.id == (alias.asname or alias.name)
            calls.append((sub, alias.name, func.attr, [ast.literal_eval(a) for a in call.value.args]))
    return calls


def test_every_run_python_line_calls_a_toolkit_function_with_the_right_signature(addin):
    code = vba_modules(addin)["LegalAidRibbon"]
    calls = run_python_calls(code)
    assert {sub for sub, *_ in calls} == set(subs(code))           # every callback reaches Python
    jobs = set()
    for sub, module_name, function, args in calls:
        assert module_name.startswith("toolkit.")
        f = getattr(importlib.import_module(module_name), function)
        inspect.signature(f).bind(*args)                           # the arguments fit
        if function == "run_from_excel":
            assert args[0] in buttons.JOBS, sub
            jobs.add(args[0])
        else:
            assert function == "show_message" and args[0] in buttons.MESSAGES, sub
    assert jobs == set(buttons.JOBS)
    by_label = {label: action for label, action in ribbon_buttons(addin).items()}
    titles = {title: job for job, title in buttons.JOB_TITLES.items()}
    for label, action in by_label.items():      # each job button runs the job of its own label
        if label in titles:
            assert f"run_from_excel('{titles[label]}')" in sub_body(code, action), label


def test_import_functions_goes_into_the_add_in_and_calls_subs_that_exist(addin):
    modules = vba_modules(addin)
    body = sub_body(modules["LegalAidRibbon"], "LA_RibbonImportFunctions")
    assert "ImportPythonUDFsToAddin" in body and "ThisWorkbook.Save" in body
    assert "ImportPythonUDFsToAddin" in subs(modules["xlwings"])
    assert "VBProject" in body                                   # checks trusted access before importing
    for key in re.findall(r"show_message\('(\w+)'\)", body):
        assert re.search(r"[\u4e00-\u9fff]", buttons.MESSAGES[key])


def test_addin_build_is_deterministic(addin, tmp_path):
    again = build_templates.build_addin(tmp_path, PYTHON)
    assert again.read_bytes() == addin.read_bytes()


def test_help_and_settings_texts():
    assert buttons.show_help(None) == buttons.HELP_TEXT
    for title in ("计算补贴", "填写统计表", "校验预算", "生成自评报告", "整理月报", "导入函数", "设置"):
        assert title in buttons.HELP_TEXT
    labels = [label for label, _, _ in buttons.SETTING_HELP]
    assert set(labels) == set(buttons.SETTINGS)                  # every setting the buttons read is explained
    rows, start, message = buttons.settings_plan(None)
    assert start == 1 and [r[0] for r in rows[1:]] == labels and "参数" in message and ".xlsx" in message
    from toolkit.io.excel_read import RawSheet
    rows, start, message = buttons.settings_plan(RawSheet("参数", [["专项经费", "46万"], [None], ["补贴水平", "最高"]]))
    assert start == 4 and [r[0] for r in rows] == [x for x in labels if x not in ("专项经费", "补贴水平")]
    assert "补上 7 个" in message and "原有内容未改动" in message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine")
def test_libreoffice_opens_the_add_in(addin, tmp_path):
    import python_calamine

    work = tmp_path / "lo"
    work.mkdir()
    source = work / "addin.xlam"
    shutil.copy(addin, source)
    proc = subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "xlsx", "--outdir", str(work),
                           str(source)], capture_output=True, text=True, timeout=300)
    converted = work / "addin.xlsx"
    assert converted.is_file(), proc.stdout + proc.stderr
    rows = python_calamine.CalamineWorkbook.from_path(str(converted)).get_sheet_by_name("legalaid.conf").to_python()
    assert rows[0][:2] == ["Interpreter_Win", PYTHON]
