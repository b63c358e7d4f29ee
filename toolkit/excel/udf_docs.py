"""The LA_* worksheet functions' wizard texts, read from their docstrings — parsed from udfs.py's source, so
`legalaid functions` shows them without importing xlwings or pandas."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path


def parse_udf_doc(doc: str) -> tuple[str, dict[str, str]]:
    """A UDF docstring → (description, {argument: description})."""
    paragraphs = inspect.cleandoc(doc or "").split("\n\n")
    description = " ".join(line.strip() for line in paragraphs[0].splitlines())
    args = {}
    for line in "\n".join(paragraphs[1:]).splitlines():
        name, sep, text = line.strip().partition(":")
        if sep and name.isidentifier():
            args[name] = text.strip()
    return description, args


def _is_udf(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Name) and target.id == "udf"


def udf_docs(source: str | None = None) -> list[dict]:
    """[{name, description, args: [(name, description, optional)]}] of every @udf function, in definition order."""
    if source is None:
        source = Path(__file__).with_name("udfs.py").read_text(encoding="utf-8")
    out = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or not any(_is_udf(d) for d in node.decorator_list):
            continue
        description, docs = parse_udf_doc(ast.get_docstring(node, clean=False))
        a = node.args
        positional = a.posonlyargs + a.args
        optional = [False] * (len(positional) - len(a.defaults)) + [True] * len(a.defaults)
        optional += [d is not None for d in a.kw_defaults]
        names = [p.arg for p in positional + a.kwonlyargs]
        out.append({"name": node.name, "description": description,
                    "args": [(n, docs.get(n, ""), o) for n, o in zip(names, optional)]})
    return out
