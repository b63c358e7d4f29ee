"""The import rules that keep the functional core free of I/O and of the shells (issue 14).

The core is every module directly in toolkit/ except the CLI entry points; the shells are toolkit/io (files),
toolkit/commands (CLI) and toolkit/excel (xlwings). The core may import the standard library, pandas/numpy and
other core modules; never a shell, and never a library that reads or writes Excel or Word files.
"""

from __future__ import annotations

import ast
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parent.parent / "toolkit"
SHELL_ENTRY = {"cli.py", "__main__.py"}
SHELLS = ("toolkit.io", "toolkit.commands", "toolkit.excel")
FILE_LIBRARIES = ("xlwings", "openpyxl", "xlsxwriter", "python_calamine", "docx", "xlrd", "xlwt", "fastexcel")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, including those inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
            if node.module == "toolkit":
                out += [(node.lineno, f"toolkit.{alias.name}") for alias in node.names]
    return out


def core_modules() -> list[Path]:
    return sorted(p for p in TOOLKIT.glob("*.py") if p.name not in SHELL_ENTRY)


def test_the_core_imports_no_shell_and_no_file_library():
    assert len(core_modules()) > 20          # the rule is checked on the real tree, not on an empty glob
    bad = [f"{p.name}:{line} imports {mod}" for p in core_modules() for line, mod in imported_modules(p)
           if mod.startswith(SHELLS) or mod.split(".")[0] in FILE_LIBRARIES]
    assert bad == []


def test_io_imports_no_command_or_excel_shell():
    bad = [f"{p.relative_to(TOOLKIT)}:{line} imports {mod}" for p in sorted((TOOLKIT / "io").rglob("*.py"))
           for line, mod in imported_modules(p) if mod.startswith(("toolkit.commands", "toolkit.excel"))]
    assert bad == []


# Still open (issue 14): the buttons reuse pieces of the CLI commands instead of one use case per job shared by both
# shells. These are the imports that remain; the test fails on any new one, and on one of these once it is gone (so
# the list only shrinks).
KNOWN_BUTTON_IMPORTS_OF_CLI = {("buttons.py", "toolkit.commands"), ("buttons.py", "toolkit.commands.report"),
                               ("buttons.py", "toolkit.commands.stats"), ("buttons.py", "toolkit.commands.subsidy"),
                               ("buttons.py", "toolkit.commands.validate")}


def test_the_excel_shell_imports_no_new_cli_command():
    found = {(str(p.relative_to(TOOLKIT / "excel")), mod) for p in sorted((TOOLKIT / "excel").rglob("*.py"))
             for _, mod in imported_modules(p) if mod.startswith("toolkit.commands") or mod == "toolkit.cli"}
    assert found == KNOWN_BUTTON_IMPORTS_OF_CLI


def test_the_rule_catches_a_shell_import(tmp_path):
    """The checker itself: a module that imports the reader is caught (the test above can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from toolkit.io.excel_read import read_workbook\n    import openpyxl\n",
                      encoding="utf-8")
    assert imported_modules(sample) == [(2, "toolkit.io.excel_read"), (3, "openpyxl")]
