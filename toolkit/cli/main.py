"""`legalaid` command line: one subcommand per job, help and messages in Chinese."""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import types
from pathlib import Path

from toolkit.base.errors import describe_failure, is_panic
from toolkit.base.idcard import mask_text

# Each module in toolkit.cli.main defines NAME, HELP, add_arguments(parser) and run(args) -> exit code.
COMMANDS = [
    "toolkit.cli.subsidy",
    "toolkit.cli.validate",
    "toolkit.cli.stats",
    "toolkit.cli.report",
    "toolkit.cli.check_report",
    "toolkit.cli.reformat",
    "toolkit.cli.functions",
    "toolkit.cli.excel",
]

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


_ARGPARSE_WORDS = (
    ("the following arguments are required: ", "缺少必填参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("expected one argument", "需要一个值"),
    ("invalid choice: ", "无效的选择："),
    ("choose from ", "可选："),
    ("argument ", "参数 "),
)


_NO_LINE_START = set("，。、；：）》”’！？%")


def _columns(text: str) -> int:
    """Display width: a Chinese character takes two columns of a console."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class _ChineseFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)

    def add_argument(self, action):
        """As argparse, but option names are measured in display columns (a Chinese metavar is two wide)."""
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(a) for a in [action, *self._iter_indented_subactions(action)]]
            self._action_max_length = max(self._action_max_length,
                                          max(map(_columns, invocations)) + self._current_indent)

    def _format_action(self, action):
        """argparse's layout with the help column aligned by display width."""
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent_first = help_position
        if not action.help:
            parts = [" " * self._current_indent + header + "\n"]
        elif _columns(header) <= action_width:
            parts = [" " * self._current_indent + header + " " * (action_width - _columns(header) + 2)]
            indent_first = 0
        else:
            parts = [" " * self._current_indent + header + "\n"]
        if action.help and action.help.strip():
            lines = self._split_lines(self._expand_help(action), help_width)
            parts.append(" " * indent_first + lines[0] + "\n")
            parts += [" " * help_position + line + "\n" for line in lines[1:]]
        elif not parts[0].endswith("\n"):
            parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)

    def _split_lines(self, text, width):
        """Wrap by display width (a Chinese character is two columns); never split a Latin word or "Heading 2",
        never start a line with closing punctuation such as a lone "）"."""
        tokens = re.findall(r"[\x21-\x7e]+(?: \d\b)?|\s+|.", " ".join(text.split()))
        lines, line, used = [], "", 0
        for token in tokens:
            size = _columns(token)
            if token.isspace():
                token, size = " ", 1
            if line and used + size > width and token not in _NO_LINE_START and not token.isspace():
                lines.append(line.rstrip())
                line, used = "", 0
            if not line and token.isspace():
                continue
            line += token
            used += size
        if line.strip():
            lines.append(line.rstrip())
        return lines


class _ChineseParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _ChineseFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse's own messages are English; say it in Chinese
        for english, chinese in _ARGPARSE_WORDS:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"错误：命令参数有误（{message}）。用 -h 查看用法。\n")


# Libraries that take most of the start-up time: while only help is asked for, they are bound but never run.
HEAVY_LIBRARIES = ("pandas", "numpy", "xlwings", "openpyxl", "python_calamine", "fastexcel", "polars", "pyarrow",
                   "docx", "lxml")


class _Deferred(types.ModuleType):
    """A library module bound but not yet run: its code runs, in this same module object, at the first use of an
    attribute it does not have yet (the import system only reads __spec__, __path__, … which it already has)."""

    def __getattr__(self, attr):
        _run_deferred(self)
        return getattr(self, attr)


def _run_deferred(module) -> None:
    if isinstance(module, _Deferred):
        module.__class__ = types.ModuleType
        module.__spec__.loader.exec_module(module)


class _DeferLibraries:
    """While only help is shown: HEAVY_LIBRARIES are bound as _Deferred modules. A submodule's import runs its
    library first, as a normal import would."""

    def find_spec(self, name, path=None, target=None):
        top, dot, _ = name.partition(".")
        if top not in HEAVY_LIBRARIES:
            return None
        if dot:
            _run_deferred(sys.modules.get(top))
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec   # compiled modules cannot run into an existing module object: import them normally
        self.loaders = getattr(self, "loaders", {})
        self.loaders[name] = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return None   # the default module object

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loaders[module.__name__]
        module.__class__ = _Deferred


def help_only(argv: list[str]) -> bool:
    """Whether argv asks only for help (no arguments, or -h/--help before any "--")."""
    words = argv[:argv.index("--")] if "--" in argv else argv
    return not argv or "-h" in words or "--help" in words


def command_of(argv: list[str]) -> str | None:
    """The module of the subcommand named first in argv (without importing it), or None."""
    if argv:
        module = "toolkit.cli." + argv[0].replace("-", "_")
        if module in COMMANDS:
            return module
    return None


_HEADING = re.compile(r"^(?P<indent>[ \t]*)(?P<key>NAME|HELP)[ \t]*=[ \t]*(?P<value>.+?)[ \t]*$", re.M)


def _source(module: str) -> str:
    return Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")


def command_heading(module_name: str) -> tuple[str, str]:
    """(NAME, HELP) of a command module read from its source, not run: `NAME = "…"` at the top, or
    `NAME = Cls.NAME` with `Cls` from `from module import Cls` and `NAME = "…"` in its body. Imported when written
    any other way."""
    import ast

    source = _source(module_name)

    def text(key: str):
        for m in _HEADING.finditer(source):
            if m["key"] != key or m["indent"]:
                continue
            value = m["value"]
            if ref := re.fullmatch(rf"(\w+)\.{key}", value):
                origin = re.search(rf"^from ([\w.]+) import [^\n]*\b{ref[1]}\b", source, re.M)
                other = _source(origin[1]) if origin else source
                cls = re.search(rf"^class {ref[1]}\b", other, re.M)
                inner = [h for h in _HEADING.finditer(other, cls.end()) if h["key"] == key] if cls else []
                value = inner[0]["value"] if inner and inner[0]["indent"] else ""
            try:
                found = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
            return found if isinstance(found, str) else None
        return None

    heading = text("NAME"), text("HELP")
    if None in heading:
        module = importlib.import_module(module_name)
        heading = module.NAME, module.HELP
    return heading


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` (a module of COMMANDS) just that subcommand: a run imports only its own
    command (the others bring pandas' friends, python-docx, …); help without a command lists them all."""
    parser = _ChineseParser(prog="legalaid", description="法援财务工具箱：办案补贴测算、预算决算校验、统计表填报、月报整理。",
                            add_help=False)
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    parser._optionals.title = "选项"
    sub = parser.add_subparsers(dest="command", title="子命令", metavar="命令", parser_class=_ChineseParser)
    for module_name in [only] if only else COMMANDS:
        if not only:   # only listing the commands: their names and help texts, read without running them
            name, text = command_heading(module_name)
            sub.add_parser(name, help=text, description=text, add_help=False)
            continue
        module = importlib.import_module(module_name)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, add_help=False)
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        p._positionals.title, p._optionals.title = "必填参数", "选项"
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # Chinese output on any console
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_of(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        code = args._run(args)
    except BrokenPipeError:   # output piped into `head` and the like: not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BaseException as exc:  # the one error boundary (toolkit.base.errors): never a traceback for the user
        if isinstance(exc, SystemExit) or not (isinstance(exc, Exception) or is_panic(exc)):
            raise
        message, code = describe_failure(exc)
        _settle()
        print(f"错误：{message}", file=sys.stderr)
        return code
    _settle()
    return code


def _settle() -> None:
    """Let background reads finish, then show what reading changed in the input (a too-long cell cut …)."""
    module = sys.modules.get("toolkit.io.excel_read")
    if module is None:
        return
    module.settle()
    for note in module.take_notes():
        print(f"提示：{mask_text(note)}", file=sys.stderr)


# commands whose first argument is a workbook they read whole: it is parsed while the program starts
PREFETCH_COMMANDS = ("subsidy", "stats")


def console() -> int:
    """The `legalaid` program: main() tuned for one batch job per process."""
    args = sys.argv[1:3]
    if help_only(sys.argv[1:]):
        sys.meta_path.insert(0, _DeferLibraries())   # help needs the commands' options, not their libraries
        return main()
    if len(args) == 2 and args[0] in PREFETCH_COMMANDS and not args[1].startswith("-"):
        from toolkit.io.excel_read import prefetch
        prefetch(args[1])
    build_parser(command_of(sys.argv[1:]))   # imports first, so freeze() covers them
    # A batch job builds millions of small objects (cells, rows) and few reference cycles: collect rarely and never
    # re-scan what the imports created. At 100k ledger rows, the default thresholds cost about a quarter of the run
    # time; 50,000 still made 28 collections (0.22 s, each re-walking the young rows); 1,000,000 makes none
    # before the command's own gc.collect() (+~15 MB peak).
    gc.freeze()
    gc.set_threshold(1_000_000, 20, 100)
    return main()
