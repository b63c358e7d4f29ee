"""xlwings Lite may not be able to install python-calamine (a compiled extension): the entry modules import without
it, and every function and every file-free button works; an .xlsx is read without it (toolkit/io/xlsx/read_book.py),
only .xls/.xlsb/.ods files need it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import asyncio, copy, importlib.abc, json, sys

class NoCalamine(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "python_calamine":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoCalamine())

import xlwings as xw
from xlwings import server
from toolkit.excel.server import main, custom_functions, custom_scripts   # noqa: F401  (Lite's main.py)

def call(name, *args):
    body = {"client": "Office.js", "version": xw.__version__, "runtime": "1.4", "func_name": name,
            "args": [a if isinstance(a, list) else [[a]] for a in args], "caller_address": "[台账.xlsx]Sheet1!B2"}
    return asyncio.run(server.custom_functions_call(body, custom_functions))

out = {"functions": {
    "LA_SUBSIDY": call("LA_SUBSIDY", "刑事", "审判", None, None),
    "LA_SUBSIDY_RANGE": call("LA_SUBSIDY_RANGE", "民事", None, None),
    "LA_SUBSIDY_TOTAL": call("LA_SUBSIDY_TOTAL", [["刑事"], ["民事"]], [["审判"], [None]], None, None),
    "LA_FUND_GAP": call("LA_FUND_GAP", 1104000, "46万元", None),
    "LA_SHARE": call("LA_SHARE", 1, 8, None),
    "LA_CHECK_SUM": call("LA_CHECK_SUM", 6, [[1], [2], [3]], None),
    "LA_TO_YUAN": call("LA_TO_YUAN", "一千五百", None),
    "LA_ID_CHECK": call("LA_ID_CHECK", "123"),
    "LA_STATS": call("LA_STATS", [["案号", "案件类型", "指派日期"], ["1", "民事", 45000]], None),
}}
payload = {"client": "Office.js", "version": xw.__version__,
           "book": {"name": "台账.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
           "sheets": [{"name": "案件台账", "values": [["案号", "案件类型", "诉讼阶段"], ["K1", "刑事", "审判"]],
                       "pictures": [], "tables": []}]}
book = xw.Book(json=copy.deepcopy(payload))
asyncio.run(server.custom_scripts_call(custom_scripts, "compute_subsidy", typehint_to_value={xw.Book: book}))
out["script_actions"] = [a["func"] for a in book.json()["actions"]]
out["alert"] = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
out["calamine_loaded"] = "python_calamine" in sys.modules

from toolkit.io.excel_read import read_workbook
try:
    out["file_read"] = read_workbook(sys.argv[1])[0].rows[0]
    out["calamine_after_read"] = "python_calamine" in sys.modules
except ModuleNotFoundError as exc:
    out["file_read"] = exc.name
print(json.dumps(out, ensure_ascii=False))
"""


def test_entry_modules_and_file_free_jobs_work_without_python_calamine(tmp_path):
    import openpyxl

    book = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["案号", "案件类型"])
    wb.save(book)
    env = dict(os.environ, PYTHONPATH=str(ROOT), XLWINGS_ON_SERVER="true")
    proc = subprocess.run([sys.executable, "-c", PROGRAM, str(book)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    functions = out["functions"]
    assert functions["LA_SUBSIDY"] == [[1500]] and functions["LA_SUBSIDY_TOTAL"] == [[3000]]
    assert functions["LA_FUND_GAP"] == [[644000]] and functions["LA_TO_YUAN"] == [[1500]]
    assert functions["LA_CHECK_SUM"] == [["相符"]] and functions["LA_SHARE"] == [[12.5]]
    assert functions["LA_ID_CHECK"][0][0] != "正确" and len(functions["LA_SUBSIDY_RANGE"][0]) == 2
    assert ["法律援助案件合计", "件", 1] in functions["LA_STATS"]
    assert not any(str(v).startswith("错误") for name, rows in functions.items() if name != "LA_ID_CHECK"
                   for row in rows for v in row)
    assert "setValues" in out["script_actions"] and "应付补贴合计 1,500.00 元" in out["alert"][0]
    assert out["calamine_loaded"] is False
    assert out["file_read"] == ["案号", "案件类型"] and out["calamine_after_read"] is False   # .xlsx: no calamine


def test_the_documented_wheel_for_lite(tmp_path):
    """README (xlwings Lite): `python -m pip wheel --no-deps . -w dist` gives one pure-Python wheel that holds Lite's
    main.py and the toolkit's data, and that does not ask Pyodide for python-calamine."""
    import zipfile

    from packaging.requirements import Requirement

    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", ".", "-w", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheels = list(tmp_path.glob("*.whl"))
    assert len(wheels) == 1 and wheels[0].name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheels[0]) as whl:
        names = set(whl.namelist())
        metadata = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {"toolkit/excel/server/main.py", "toolkit/data/standards/hunan.toml",
            "toolkit/excel/server/templates/taskpane.html"} <= names
    requires = [Requirement(line.split(":", 1)[1].strip()) for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]
    pyodide = {"sys_platform": "emscripten", "platform_system": "Emscripten", "extra": ""}
    needed = {r.name for r in requires if r.marker is None or r.marker.evaluate(pyodide)}
    # Lite brings its own xlwings: the wheel must not ask Pyodide for the desktop pin (it would clash with Lite's)
    assert "python-calamine" not in needed and "xlwings" not in needed and {"pandas", "openpyxl"} <= needed
    linux = {r.name for r in requires if r.marker is None or r.marker.evaluate({"extra": ""})}
    assert {"python-calamine", "xlwings"} <= linux                      # everywhere else it is installed as before
