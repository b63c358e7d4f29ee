"""`legalaid functions`: the LA_* worksheet functions with the text Excel's function wizard shows.

Generated from the functions' docstrings (the same text `@xw.arg(doc=…)` hands to Excel), so it is never written twice;
read from udfs.py's source (toolkit.excel.udf_docs), so listing them imports neither xlwings nor pandas.
"""

from __future__ import annotations

NAME = "functions"
HELP = "列出 Excel 工作表函数（LA_ 开头）及其在函数向导中的说明"


def add_arguments(parser) -> None:
    parser.add_argument("--markdown", action="store_true", help="以 Markdown 表格输出（用于说明文档）")


def function_docs() -> list[dict]:
    """[{name, signature, description, args: [(name, description, optional)]}] in definition order."""
    from toolkit.excel.udf_docs import udf_docs

    result = []
    for info in udf_docs():
        args = info["args"]
        shown = [f"[{name}]" if optional else name for name, _, optional in args]
        result.append({"name": info["name"], "signature": f"{info['name']}({', '.join(shown)})",
                       "description": info["description"], "args": args})
    return result


def render_text(docs: list[dict]) -> str:
    lines = [f"共 {len(docs)} 个工作表函数（方括号内为可省略的参数）：", ""]
    for d in docs:
        lines.append(f"={d['signature']}")
        lines.append(f"    {d['description']}")
        for name, doc, optional in d["args"]:
            lines.append(f"    · {name}{'（可省略）' if optional else ''}：{doc}")
        lines.append("")
    return "\n".join(lines)


def render_markdown(docs: list[dict]) -> str:
    lines = ["| 函数 | 说明 | 参数 |", "|---|---|---|"]
    for d in docs:
        args = "<br>".join(f"`{n}`{'（可省略）' if o else ''}：{doc}" for n, doc, o in d["args"])
        lines.append(f"| `={d['signature']}` | {d['description']} | {args} |")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    docs = function_docs()
    print(render_markdown(docs) if args.markdown else render_text(docs))
    return 0
