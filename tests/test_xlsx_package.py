"""The shape of toolkit/io/xlsx (issue 14): modules of a readable size, imports inside the package without cycles."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit" / "io" / "xlsx"


def package_imports(path: Path) -> set[str]:
    """Modules of the package that `path` imports (at the top or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("toolkit.io.xlsx."):
            found.add(node.module.rsplit(".", 1)[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.rsplit(".", 1)[1] for a in node.names if a.name.startswith("toolkit.io.xlsx.")}
    return found


def test_no_module_of_the_package_is_over_600_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert len(sizes) >= 10 and "patch.py" in sizes          # checked on the real package
    assert {name: n for name, n in sizes.items() if n > 600} == {}


def test_the_package_has_no_import_cycle():
    graph = {p.stem: package_imports(p) for p in PACKAGE.glob("*.py")}
    assert "styles" in graph["patch"] and "ooxml" in graph["styles"]   # the graph was read
    assert set().union(*graph.values()) <= set(graph)                  # every import names a module that exists
    order = list(graphlib.TopologicalSorter(graph).static_order())     # raises CycleError on a cycle
    assert order.index("ooxml") < order.index("patch")

