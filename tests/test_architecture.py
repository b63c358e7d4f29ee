"""The import rules that show and keep the architecture (issue 14).

    toolkit/base/      money, dates, text, ID numbers, errors, findings, layouts, sheets   (imports only base)
    toolkit/ledger/ subsidy/ budget/ stats/ monthly/ report/                            the functional core
    toolkit/io/        reading and writing files                                           (a shell)
    toolkit/cli/       the `legalaid` commands                                             (a shell)
    toolkit/excel/     worksheet functions, buttons, xlwings Server/Lite                   (a shell)

The core imports the standard library, pandas/numpy, base and other core packages — never a shell, never a library
that reads or writes Excel or Word files. No module imports itself back through others (no cycles, counting imports
inside functions), and no module is longer than ~600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parent.parent / "toolkit"
CORE = ("ledger", "subsidy", "budget", "stats", "monthly", "report")
SHELLS = ("toolkit.io", "toolkit.cli.main", "toolkit.excel")
FILE_LIBRARIES = ("xlwings", "openpyxl", "xlsxwriter", "python_calamine", "docx", "xlrd", "xlwt", "fastexcel")
MAX_LINES = 600


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, including those inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
            if node.module.startswith("toolkit"):   # `from toolkit.stats import evaluation` imports a module
                out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                        if module_path(f"{node.module}.{alias.name}") is not None]
    return out


def module_name(path: Path) -> str:
    parts = list(path.relative_to(TOOLKIT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str) -> Path | None:
    base = TOOLKIT.parent / name.replace(".", "/")
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def package_modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (TOOLKIT / pkg).rglob("*.py"))


def all_modules() -> list[Path]:
    return sorted(TOOLKIT.rglob("*.py"))


def test_base_imports_only_base():
    assert len(package_modules("base")) >= 8
    bad = [f"{module_name(p)}:{line} imports {mod}" for p in package_modules("base")
           for line, mod in imported_modules(p)
           if (mod.startswith("toolkit.") and not mod.startswith("toolkit.base")) or mod.split(".")[0] in FILE_LIBRARIES]
    assert bad == []


def test_the_core_imports_no_shell_and_no_file_library():
    assert len(package_modules(*CORE)) > 20          # the rule is checked on the real tree, not on an empty glob
    bad = [f"{module_name(p)}:{line} imports {mod}" for p in package_modules(*CORE)
           for line, mod in imported_modules(p)
           if mod.startswith(SHELLS) or mod.split(".")[0] in FILE_LIBRARIES]
    assert bad == []


def test_io_imports_no_command_or_excel_shell():
    bad = [f"{module_name(p)}:{line} imports {mod}" for p in package_modules("io")
           for line, mod in imported_modules(p) if mod.startswith(("toolkit.cli.main", "toolkit.excel"))]
    assert bad == []


def test_the_excel_shell_imports_no_cli_command():
    """The buttons and worksheet functions call the core's use cases, not the command line's modules."""
    found = sorted({f"{module_name(p)} imports {mod}" for p in package_modules("excel")
                    for _, mod in imported_modules(p) if mod.startswith("toolkit.cli.")})
    assert found == []


def import_graph() -> dict[str, set[str]]:
    """Module → the toolkit modules it imports (anywhere in the file)."""
    graph = {}
    for p in all_modules():
        name = module_name(p)
        targets = set()
        for _, mod in imported_modules(p):
            if mod.startswith("toolkit") and module_path(mod) is not None and mod != name:
                targets.add(mod)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def is_package_init(name: str) -> bool:
    p = module_path(name)
    return p is not None and p.name == "__init__.py"


KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles():
    """Counting imports inside functions: a cycle hidden in a function is still a cycle."""
    graph = {k: {t for t in v if not is_package_init(t)} for k, v in import_graph().items()}
    assert cycles(graph) == KNOWN_CYCLES


KNOWN_LONG_MODULES: set[str] = set()


def test_no_module_is_longer_than_600_lines():
    long = {module_name(p) for p in all_modules()
            if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long == KNOWN_LONG_MODULES


def test_the_rules_catch_a_shell_import_and_a_cycle(tmp_path):
    """The checkers themselves can fail: a module that imports the reader is caught, and a two-module cycle found."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from toolkit.io.excel_read import read_workbook\n    import openpyxl\n",
                      encoding="utf-8")
    assert imported_modules(sample) == [(2, "toolkit.io.excel_read"), (3, "openpyxl")]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
