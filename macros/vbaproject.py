"""Build a vbaProject.bin ([MS-OVBA]) from module sources, starting from xlwings' standalone quickstart.

From the quickstart's project we keep the project-level records (ID, protection state, references,
code page) and the `Dictionary` class xlwings needs on the Mac; its sample `Module1` is dropped.
Every module is stored as compressed source only (TextOffset 0) and `_VBA_PROJECT` keeps version 0xFFFF
with no performance cache, so the VBA host has to compile from source when the workbook is opened.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile

from .cfb import write_compound_file
from .ovba import compress, decompress

# Type-library GUIDs of Excel's Workbook and Worksheet objects (the base of document modules).
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

PROCEDURAL, DOCUMENT, CLASS = "procedural", "document", "class"

# dir stream record ids ([MS-OVBA] 2.3.4.2)
_PROJECTVERSION = 0x0009
_PROJECTMODULES = 0x000F
_PROJECTCOOKIE = 0x0013
_MODULENAME = 0x0019
_MODULENAMEUNICODE = 0x0047
_MODULESTREAMNAME = 0x001A
_MODULESTREAMNAMEUNICODE = 0x0032
_MODULEDOCSTRING = 0x001C
_MODULEDOCSTRINGUNICODE = 0x0048
_MODULEOFFSET = 0x0031
_MODULEHELPCONTEXT = 0x001E
_MODULECOOKIE = 0x002C
_MODULETYPEPROCEDURAL = 0x0021
_MODULETYPEOTHER = 0x0022
_MODULETERMINATOR = 0x002B
_DIRTERMINATOR = 0x0010
_PROJECTCODEPAGE = 0x0003
_PROJECTNAME = 0x0004


@dataclass(frozen=True)
class VbaModule:
    """One module as stored in the project: its name, kind and source text (CRLF line ends)."""

    name: str
    kind: str
    source: str
    docstring: str = ""


def xlwings_package_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def normalise_source(text: str) -> str:
    """VBA stores source with CRLF line ends; module files may come with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def document_module(name: str, is_workbook: bool) -> VbaModule:
    """The source of an empty ThisWorkbook or sheet module named `name`."""
    base = _WORKBOOK_BASE if is_workbook else _WORKSHEET_BASE
    lines = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return VbaModule(name, DOCUMENT, "\r\n".join(lines) + "\r\n")


def module_from_bas(path: Path) -> VbaModule:
    """A standard module from an exported .bas file; its VB_Name must equal the file name."""
    text = normalise_source(path.read_text(encoding="ascii"))
    match = re.match(r'Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\r\n', text)
    if not match or match.group(1) != path.stem:
        raise ValueError(f'{path}: first line must be Attribute VB_Name = "{path.stem}"')
    return VbaModule(path.stem, PROCEDURAL, text)


def parse_dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed dir stream into (record id, payload) pairs."""
    records, pos = [], 0
    while pos < len(data):
        rec_id, size = int.from_bytes(data[pos:pos + 2], "little"), int.from_bytes(data[pos + 2:pos + 6], "little")
        if rec_id == _PROJECTVERSION:  # its Reserved field says 4, but 6 bytes follow
            size = 6
        if rec_id == _DIRTERMINATOR:
            records.append((rec_id, data[pos + 2:pos + 6]))
            break
        records.append((rec_id, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return records


def _record(rec_id: int, payload: bytes) -> bytes:
    size = 4 if rec_id == _PROJECTVERSION else len(payload)
    return rec_id.to_bytes(2, "little") + size.to_bytes(4, "little") + payload


@dataclass
class _Template:
    project_lines: list[str]  # PROJECT stream lines that describe the project, not its modules
    host_extenders: list[str]
    head_records: list[tuple[int, bytes]]  # dir records before PROJECTMODULES
    codepage: str
    vba_project_stream: bytes
    modules: dict[str, VbaModule]


def read_quickstart() -> _Template:
    """Read the project records and the Dictionary class from xlwings' quickstart_standalone.xlsm."""
    with zipfile.ZipFile(xlwings_package_dir() / "quickstart_standalone.xlsm") as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    records = parse_dir_records(decompress(ole.openstream("VBA/dir").read()))
    split = next(i for i, (rec_id, _) in enumerate(records) if rec_id == _PROJECTMODULES)
    head = records[:split]
    codepage = "cp%d" % int.from_bytes(dict(head)[_PROJECTCODEPAGE], "little")

    modules: dict[str, VbaModule] = {}
    current: dict[int, bytes] = {}
    for rec_id, payload in records[split:]:
        current[rec_id] = payload
        if rec_id == _MODULETERMINATOR:
            name = current[_MODULENAME].decode(codepage)
            offset = int.from_bytes(current[_MODULEOFFSET], "little")
            stream = ole.openstream("VBA/" + current[_MODULESTREAMNAME].decode(codepage)).read()
            source = decompress(stream[offset:]).decode(codepage)
            kind = PROCEDURAL if _MODULETYPEPROCEDURAL in current else (
                DOCUMENT if "VB_PredeclaredId = True" in source else CLASS)
            modules[name] = VbaModule(name, kind, source, current.get(_MODULEDOCSTRING, b"").decode(codepage))
            current = {}

    lines = ole.openstream("PROJECT").read().decode(codepage).split("\r\n")
    module_keys = ("Document=", "Module=", "Class=", "BaseClass=", "Package=")
    project_lines, host_extenders, section = [], [], ""
    for line in lines:
        if line.startswith("["):
            section = line
            continue
        if not line:
            continue
        if section == "" and not line.startswith(module_keys):
            project_lines.append(line)
        elif section == "[Host Extender Info]":
            host_extenders.append(line)
    vba_project = ole.openstream("VBA/_VBA_PROJECT").read()[:7]
    return _Template(project_lines, host_extenders, head, codepage, vba_project, modules)


def _project_stream(template: _Template, modules: list[VbaModule], project_name: str | None) -> bytes:
    lines = [template.project_lines[0]]  # ID="{...}"
    for m in modules:
        if m.kind == DOCUMENT:
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == CLASS:
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [f'Name="{project_name}"' if project_name and line.startswith("Name=") else line
              for line in template.project_lines[1:]]
    lines += ["", "[Host Extender Info]", *template.host_extenders, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(template.codepage)


def _project_wm_stream(modules: list[VbaModule]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode("ascii") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def _dir_stream(template: _Template, modules: list[VbaModule], project_name: str | None) -> bytes:
    cp = template.codepage
    out = bytearray()
    for rec_id, payload in template.head_records:
        if rec_id == _PROJECTNAME and project_name:
            payload = project_name.encode(cp)
        out += _record(rec_id, payload)
    out += _record(_PROJECTMODULES, len(modules).to_bytes(2, "little"))
    out += _record(_PROJECTCOOKIE, b"\xff\xff")
    for m in modules:
        out += _record(_MODULENAME, m.name.encode(cp))
        out += _record(_MODULENAMEUNICODE, m.name.encode("utf-16-le"))
        out += _record(_MODULESTREAMNAME, m.name.encode(cp))
        out += _record(_MODULESTREAMNAMEUNICODE, m.name.encode("utf-16-le"))
        out += _record(_MODULEDOCSTRING, m.docstring.encode(cp))
        out += _record(_MODULEDOCSTRINGUNICODE, m.docstring.encode("utf-16-le"))
        out += _record(_MODULEOFFSET, (0).to_bytes(4, "little"))
        out += _record(_MODULEHELPCONTEXT, (0).to_bytes(4, "little"))
        out += _record(_MODULECOOKIE, b"\xff\xff")
        out += _record(_MODULETYPEPROCEDURAL if m.kind == PROCEDURAL else _MODULETYPEOTHER, b"")
        out += _record(_MODULETERMINATOR, b"")
    out += _DIRTERMINATOR.to_bytes(2, "little") + (0).to_bytes(4, "little")
    return bytes(out)


def custom_addin_source(project_name: str) -> str:
    """xlwings' VBA module for a custom add-in (xlwings_custom_addin.bas: RunPython on the active workbook), with its
    PROJECT_NAME, which names the add-in's config sheet `<name>.conf` and config file, set to `project_name`."""
    text = (xlwings_package_dir() / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    line = 'Public Const PROJECT_NAME As String = "myaddin"'
    if line not in text:
        raise ValueError("xlwings_custom_addin.bas of the installed xlwings has no PROJECT_NAME constant")
    return text.replace(line, f'Public Const PROJECT_NAME As String = "{project_name}"')


def build_vba_project(sheet_code_names: list[str], extra_modules: list[VbaModule],
                      template: _Template | None = None, xlwings_source: str | None = None,
                      project_name: str | None = None) -> bytes:
    """vbaProject.bin with ThisWorkbook, one module per sheet code name, xlwings, Dictionary and extras.

    `xlwings_source` replaces the installed xlwings.bas (an add-in uses custom_addin_source); `project_name`
    replaces the quickstart's VBA project name."""
    template = template or read_quickstart()
    if xlwings_source is None:
        xlwings_source = (xlwings_package_dir() / "xlwings.bas").read_text(encoding="ascii")
    xlwings_source = normalise_source(xlwings_source)
    modules = [document_module("ThisWorkbook", True)]
    modules += [document_module(name, False) for name in sheet_code_names]
    modules.append(VbaModule("xlwings", PROCEDURAL, xlwings_source))
    modules.append(template.modules["Dictionary"])
    modules += extra_modules
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate VBA module names: {[m.name for m in modules]}")

    streams = {
        "PROJECT": _project_stream(template, modules, project_name),
        "PROJECTwm": _project_wm_stream(modules),
        "VBA/_VBA_PROJECT": template.vba_project_stream,
        "VBA/dir": compress(_dir_stream(template, modules, project_name)),
    }
    for m in modules:
        streams["VBA/" + m.name] = compress(m.source.encode(template.codepage))
    return write_compound_file(streams)
