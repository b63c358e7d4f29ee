"""The small pieces of Office Open XML every part needs: namespaces and part types, XML escaping, A1 references,
and paths between parts."""

from __future__ import annotations

import html
import posixpath
import re

from toolkit.base.layout import col_letter, col_number
from toolkit.io.limits import package_path

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOC = _RT + "officeDocument"
RT_WORKSHEET = _RT + "worksheet"
RT_STYLES = _RT + "styles"
RT_DRAWING = _RT + "drawing"
RT_CHART = _RT + "chart"
RT_COMMENTS = _RT + "comments"
RT_VML = _RT + "vmlDrawing"
RT_CALCCHAIN = _RT + "calcChain"
RT_CUSTOMXML = _RT + "customXml"
RT_CUSTOMXML_PROPS = _RT + "customXmlProps"
_CT = "application/vnd.openxmlformats-officedocument."
CT_WORKSHEET = _CT + "spreadsheetml.worksheet+xml"
CT_DRAWING = _CT + "drawing+xml"
CT_CHART = _CT + "drawingml.chart+xml"
CT_COMMENTS = _CT + "spreadsheetml.comments+xml"
CT_VML = _CT + "vmlDrawing"
CT_STYLES = _CT + "spreadsheetml.styles+xml"
CT_CUSTOMXML_PROPS = _CT + "customXmlProperties+xml"


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_CHAR = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


_NEEDS_X = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def xml_text(s: str) -> str:
    """Escape text content; control characters become Excel's _xHHHH_ escapes."""
    if _NEEDS_X.search(s):
        s = _ESCAPED_CHAR.sub(r"_x005F_\1", s)
        s = _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr_value(s: str) -> str:
    return (esc(str(s)).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\r", "&#13;").replace("\t", "&#9;"))


def unescape(s: str) -> str:
    return html.unescape(s)


_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def parse_attrs(tag_text: str) -> dict[str, str]:
    return {m.group(1): unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR_RE.finditer(tag_text)}


def _excel_column_letters() -> list[str]:
    """"", A … XFD: the names of Excel's 16,384 columns by number (col_letter of each, built without a loop)."""
    az = [chr(c) for c in range(65, 91)]
    return ["", *az, *[x + y for x in az for y in az], *[x + y + z for x in az for y in az for z in az]][:16385]


COL_LETTERS: list[str] = _excel_column_letters()


def column_letters(col: int) -> str:
    if col < len(COL_LETTERS):
        return COL_LETTERS[col]
    while len(COL_LETTERS) <= max(col, 16384):
        COL_LETTERS.append(col_letter(len(COL_LETTERS)))
    return COL_LETTERS[col]


_COL_INDEX: dict[str, int] = {}


def column_index(letters: str) -> int:
    v = _COL_INDEX.get(letters)
    if v is None:
        v = _COL_INDEX[letters] = col_number(letters)
    return v


SHEET_NAME_BAD = re.compile(r"[\\/?*\[\]:]")   # characters a sheet name cannot have

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF_RE.match(ref.strip())
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(m.group(2)), column_index(m.group(1).upper())


def cell_ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def abs_range(rng: str) -> str:
    parts = rng.split(":")
    out = []
    for p in parts:
        r, c = parse_ref(p)
        out.append(f"${column_letters(c)}${r}")
    return ":".join(out)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def insert_before_first(xml: str, tags: list[str], snippet: str, start: int = 0) -> str:
    """Insert `snippet` before the first occurrence (after `start`) of any of `tags` (e.g. '<extLst')."""
    best = -1
    for t in tags:
        pat = re.compile(re.escape(t) + r"(?=[\s>/])") if not t.startswith("</") else re.compile(re.escape(t))
        m = pat.search(xml, start)
        if m and (best < 0 or m.start() < best):
            best = m.start()
    if best < 0:
        raise ValueError("no insertion point")
    return xml[:best] + snippet + xml[best:]


def resolve_target(source_part: str, target: str) -> str:
    """The part a relationship of `source_part` points to, resolved as the reader resolves it (limits.package_path:
    never above the package root)."""
    if target.startswith("/"):
        return package_path(target)
    return package_path(posixpath.join(posixpath.dirname(source_part), target))


def rels_path(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels") if d else f"_rels/{b}.rels"


def relative_target(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")
