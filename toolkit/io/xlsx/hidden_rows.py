"""Which rows of an .xlsx/.xlsm sheet are hidden or filtered out in Excel (calamine does not say).

Read straight from the sheet XML, streamed in chunks and bounded: a sheet larger than MAX_SHEET_BYTES
(uncompressed) is not scanned, and its rows are then reported as unknown (None) rather than guessed.
The ledger commands no longer call it: the .xlsx reader notes hidden rows while it streams each sheet
(read_workbook(path, hidden=True)), so the sheet is inflated once; tests compare the two answers.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from toolkit.io.limits import xml_pieces

MAX_SHEET_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 16      # small reads: no large buffers to fragment the heap the grids are built in
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b[^>]*>")
_HIDDEN = re.compile(rb"""\shidden=["'](?:1|true)["']""")
_ROW_NUMBER = re.compile(rb"""\sr=["'](\d+)["']""")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb"""([\w:]+)=["']([^"']*)["']""")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {k.split(b":")[-1] if k.startswith(b"r:") else k: v for k, v in _ATTR.findall(tag)}


def hidden_rows(path: str | Path) -> dict[str, frozenset[int] | None]:
    """{sheet name: 0-based rows hidden in Excel}; None for a sheet too large to scan; {} for other file types or
    a workbook whose parts cannot be found (reading it then says what is wrong)."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(path) as zf:
            rels = {}
            for tag in _REL.findall(zf.read("xl/_rels/workbook.xml.rels")):
                a = _attrs(tag)
                rels[a.get(b"Id", b"")] = a.get(b"Target", b"").decode("utf-8")
            result = {}
            for tag in _SHEET.findall(zf.read("xl/workbook.xml")):
                a = _attrs(tag)
                name = a.get(b"name", b"").decode("utf-8")
                target = rels.get(a.get(b"id", b""))
                if not target:
                    continue
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
                result[_unescape(name)] = _scan(zf, part)
            return result
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, NotImplementedError, zlib.error):
        return {}


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _scan(zf: zipfile.ZipFile, part: str) -> frozenset[int] | None:
    info = zf.getinfo(part)
    if info.file_size > MAX_SHEET_BYTES:
        return None
    hidden = set()
    for data in xml_pieces(zf, info, _CHUNK):
        if data.find(b"hidden") >= 0:
            for tag in _ROW_TAG.findall(data):
                if _HIDDEN.search(tag):
                    m = _ROW_NUMBER.search(tag)
                    if m:
                        hidden.add(int(m.group(1)) - 1)
        if data.find(b"</sheetData>") >= 0:
            break
    return frozenset(hidden)
