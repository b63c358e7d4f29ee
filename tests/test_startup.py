"""Start-up: help and `functions` run without the heavy libraries (checked in sys.modules of a real `legalaid`
process, not by timing), and the function list read from udfs.py's source is what xlwings is handed."""

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.cli.main import HEAVY_LIBRARIES
from toolkit.excel.udf_docs import udf_docs

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("pandas", "numpy", "xlwings", "openpyxl", "python_calamine")

# runs the `legalaid` program (toolkit.cli.main.console) and reports which library modules actually ran
PROBE = """
import sys, types
sys.argv = ["legalaid"] + sys.argv[1:]
from toolkit.cli.main import console
try:
    code = console()
except SystemExit as exc:
    code = exc.code
ran = sorted({k.split(".")[0] for k, m in list(sys.modules.items()) if type(m) is types.ModuleType})
print("@@", code, " ".join(ran), file=sys.stderr)
"""


def run_legalaid(*args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    line = [l for l in done.stderr.splitlines() if l.startswith("@@ ")][-1].split()
    return done.stdout, int(line[1]), set(line[2:])


@pytest.mark.parametrize("args", [["--help"], ["-h"], [], ["subsidy", "-h"], ["stats", "--help"], ["report", "-h"],
                                  ["check-report", "-h"], ["validate", "-h"], ["reformat", "-h"], ["functions"]])
def test_help_and_functions_run_no_heavy_library(args):
    out, code, ran = run_legalaid(*args)
    assert not ran & set(FORBIDDEN), f"legalaid {' '.join(args)} ran {sorted(ran & set(FORBIDDEN))}"
    assert code == (2 if not args else 0)
    if args == ["functions"]:
        assert "=LA_STATS(ledger, [period])" in out
    elif args and args[0] not in ("-h", "--help"):
        assert out.startswith("用法：legalaid " + args[0])
    else:
        assert "子命令" in out and "subsidy" in out and "check-report" in out


def test_a_real_run_still_has_its_libraries(tmp_path):
    # the same program, asked to work rather than to help, imports what it uses (the deferral is for help only)
    out, code, ran = run_legalaid("stats", str(tmp_path / "无此文件.xlsx"))
    assert code == 2 and "pandas" in ran


def test_function_docs_from_source_match_what_xlwings_is_given():
    from toolkit.excel.udfs import FUNCTIONS

    given = [{"name": f.__la_udf__["name"], "description": f.__la_udf__["description"],
              "args": [(n, doc, default is not inspect.Parameter.empty) for n, doc, default in f.__la_udf__["args"]]}
             for f in FUNCTIONS]
    assert udf_docs() == given and len(given) >= 9


def test_udf_docs_parse_optional_and_keyword_arguments():
    source = '''
@udf
def LA_A(x, y=1, *, z=None, w):
    """Does A.

    x: first
    y: second
    z: third
    w: fourth
    """

@udf(two_d=("x",))
def LA_B(x):
    """Does B
    over two lines.

    x: rows
    """

def helper(v):
    """Not a worksheet function."""
'''
    assert udf_docs(source) == [
        {"name": "LA_A", "description": "Does A.",
         "args": [("x", "first", False), ("y", "second", True), ("z", "third", True), ("w", "fourth", False)]},
        {"name": "LA_B", "description": "Does B over two lines.", "args": [("x", "rows", False)]}]


def test_heavy_libraries_cover_the_forbidden_ones():
    assert set(FORBIDDEN) <= set(HEAVY_LIBRARIES)


def test_command_list_read_from_source_matches_the_modules():
    import importlib

    from toolkit.cli import main as cli
    for module_name in cli.COMMANDS:
        module = importlib.import_module(module_name)
        assert cli.command_heading(module_name) == (module.NAME, module.HELP)


def test_help_only_words():
    from toolkit.cli.main import help_only

    assert help_only([]) and help_only(["-h"]) and help_only(["stats", "--help"]) and help_only(["stats", "a", "-h"])
    assert not help_only(["stats", "a.xlsx"]) and not help_only(["functions"])
    assert not help_only(["reformat", "--", "-h"])   # after "--" it is a file name
