"""Edit a user's existing .xlsx/.xlsm without losing anything openpyxl would drop.

Only the zip parts that change are rewritten (the sheet XML being edited, workbook.xml, rels,
[Content_Types].xml, styles.xml, new parts); every other member is copied unchanged, so charts, images,
pivot tables, slicers and VBA survive. Sheet XML is rewritten by streaming over its <row> elements;
rows without edits are copied as text.
"""

from __future__ import annotations

import copy
from array import array
import datetime as _dt
import html
import io
import math
import numbers
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Mapping, Sequence
from xml.etree import ElementTree as ET

from toolkit.base.errors import InputError
from toolkit.base.layout import col_letter, col_number
from toolkit.io.atomic import atomic_write
from toolkit.io.zip_write import ZipWriter
from toolkit.base.layout import row_height, wrapped_lines

__all__ = ["XlsxPatch", "CellStyle", "SheetSpec", "ChartSpec", "Formula"]

TOOLKIT_AUTHOR = "法援工具箱"
RECORD_NS = "urn:legalaid-toolkit:highlights"
RECORD_ITEM_ID = "{6F1D2C3A-4B5E-4F60-9A7B-1C2D3E4F5A6B}"

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

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- public value types

@dataclass(frozen=True)
class CellStyle:
    """A cell style the toolkit asks for; turned into (deduplicated) styles.xml records."""

    bold: bool = False
    italic: bool = False
    font_color: str | None = None      # "FF0000"
    fill: str | None = None            # solid fill RGB "FFF2CC"
    num_format: str | None = None      # "#,##0.00", "0.00%", "yyyy-mm-dd", "@"
    wrap: bool = False
    h_align: str | None = None         # "center" | "left" | "right"
    border: bool = False
    font_size: float | None = None


class Formula(str):
    """A toolkit-authored formula (never used for untrusted text)."""


@dataclass
class ChartSpec:
    """A native Excel chart over ranges of the sheet it is placed on."""

    kind: str                           # "column" | "bar" | "pie" | "line"
    title: str
    categories: str                     # "A3:A8"
    series: list[tuple[str, str]]       # (series name, values range)
    anchor: str = "H2"
    width_px: int = 480
    height_px: int = 288
    y_title: str | None = None


@dataclass
class SheetSpec:
    """A whole worksheet written by the toolkit (rows start at A1)."""

    name: str
    rows: list[list]
    col_widths: dict[int, float] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    merges: list[str] = field(default_factory=list)
    hyperlinks: dict[str, str] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    autofilter: str | None = None
    landscape: bool = False
    fit_width: bool = False
    row_heights: dict[int, float] = field(default_factory=dict)   # points; wrapped cells get one if not given


# ---------------------------------------------------------------- small XML / A1 helpers

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_CHAR = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


_NEEDS_X = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def _text(s: str) -> str:
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


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    return (_esc(str(s)).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\r", "&#13;").replace("\t", "&#9;"))


def _unescape(s: str) -> str:
    return html.unescape(s)


_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(tag_text: str) -> dict[str, str]:
    return {m.group(1): _unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR_RE.finditer(tag_text)}


_COL_LETTERS: list[str] = [""]


def _col_letter(col: int) -> str:
    if col < len(_COL_LETTERS):
        return _COL_LETTERS[col]
    while len(_COL_LETTERS) <= max(col, 16384):
        _COL_LETTERS.append(col_letter(len(_COL_LETTERS)))
    return _COL_LETTERS[col]


_col_letter(16384)   # fill the table once
_COL_INDEX: dict[str, int] = {}


def _col_index(letters: str) -> int:
    v = _COL_INDEX.get(letters)
    if v is None:
        v = _COL_INDEX[letters] = col_number(letters)
    return v


_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _parse_ref(ref: str) -> tuple[int, int]:
    m = _REF_RE.match(ref.strip())
    if not m:
        raise ValueError(f"not an A1 cell reference: {ref!r}")
    return int(m.group(2)), _col_index(m.group(1).upper())


def _ref(row: int, col: int) -> str:
    return f"{_col_letter(col)}{row}"


def _abs_range(rng: str) -> str:
    parts = rng.split(":")
    out = []
    for p in parts:
        r, c = _parse_ref(p)
        out.append(f"${_col_letter(c)}${r}")
    return ":".join(out)


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _insert_before_first(xml: str, tags: list[str], snippet: str, start: int = 0) -> str:
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


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _rels_path(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels") if d else f"_rels/{b}.rels"


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


# ---------------------------------------------------------------- package pieces

class _Rels:
    """One .rels part (parsed; regenerated when changed)."""

    def __init__(self, data: bytes | None):
        self.items: list[dict[str, str]] = []
        if data:
            root = ET.fromstring(data)
            for el in root:
                self.items.append(dict(el.attrib))
        self.original = copy.deepcopy(self.items)

    def by_type(self, rtype: str) -> list[dict[str, str]]:
        return [r for r in self.items if r.get("Type") == rtype]

    def get(self, rid: str) -> dict[str, str] | None:
        return next((r for r in self.items if r.get("Id") == rid), None)

    def add(self, rtype: str, target: str) -> str:
        used = {r.get("Id") for r in self.items}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        self.items.append({"Id": rid, "Type": rtype, "Target": target})
        return rid

    def remove(self, rid: str) -> None:
        self.items = [r for r in self.items if r.get("Id") != rid]

    def to_bytes(self) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<Relationships xmlns="{NS_PKG_REL}">']
        for r in self.items:
            attrs = "".join(f' {k}="{_attr(v)}"' for k, v in r.items())
            out.append(f"<Relationship{attrs}/>")
        out.append("</Relationships>")
        return "".join(out).encode("utf-8")


class _ContentTypes:
    def __init__(self, data: bytes):
        root = ET.fromstring(data)
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        for el in root:
            tag = el.tag.split("}")[-1]
            if tag == "Default":
                self.defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            elif tag == "Override":
                self.overrides[el.get("PartName", "")] = el.get("ContentType", "")
        self.original = (dict(self.defaults), dict(self.overrides))

    def changed(self) -> bool:
        return (self.defaults, self.overrides) != self.original

    def of(self, part: str) -> str | None:
        ct = self.overrides.get("/" + part)
        if ct is None:
            ct = self.defaults.get(posixpath.splitext(part)[1][1:].lower())
        return ct

    def set_override(self, part: str, ct: str) -> None:
        self.overrides["/" + part] = ct

    def remove(self, part: str) -> None:
        self.overrides.pop("/" + part, None)

    def ensure_default(self, ext: str, ct: str) -> None:
        self.defaults.setdefault(ext, ct)

    def to_bytes(self) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<Types xmlns="{NS_CT}">']
        out += [f'<Default Extension="{_attr(k)}" ContentType="{_attr(v)}"/>' for k, v in self.defaults.items()]
        out += [f'<Override PartName="{_attr(k)}" ContentType="{_attr(v)}"/>' for k, v in self.overrides.items()]
        out.append("</Types>")
        return "".join(out).encode("utf-8")


def _flatten(pieces):
    """The byte strings of a list whose items are bytes-like or iterators of bytes-like."""
    for piece in pieces:
        if isinstance(piece, (bytes, bytearray, memoryview)):
            yield piece
        else:
            yield from piece


class _Package:
    """The zip members: original ones read lazily, changed/new/deleted ones tracked."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.infos = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        self.order = list(self.infos)
        self.changed: dict[str, bytes] = {}
        self.deleted: set[str] = set()
        self._rels: dict[str, _Rels] = {}

    def __deepcopy__(self, memo):
        new = _Package.__new__(_Package)
        new.zf, new.infos = self.zf, self.infos
        new.order = list(self.order)
        new.changed = dict(self.changed)
        new.deleted = set(self.deleted)
        new._rels = copy.deepcopy(self._rels, memo)
        return new

    def exists(self, name: str) -> bool:
        return name not in self.deleted and (name in self.changed or name in self.infos)

    def names(self) -> list[str]:
        return [n for n in self.order if self.exists(n)]

    def read(self, name: str) -> bytes:
        if name in self.deleted:
            raise KeyError(name)
        if name in self.changed:
            data = self.changed[name]
            if isinstance(data, list):   # a big part kept in pieces (see write); joined only if read again
                data = self.changed[name] = b"".join(_flatten(data))
            return data
        return self.zf.read(self.infos[name])

    def write(self, name: str, data: bytes | list) -> None:
        """Replace a part; a list of byte strings (or iterators of them) is streamed into the zip piece by
        piece, never joined in memory."""
        self.deleted.discard(name)
        self.changed[name] = data
        if name not in self.order:
            self.order.append(name)

    def delete(self, name: str) -> None:
        self.changed.pop(name, None)
        self._rels.pop(name, None)
        self.deleted.add(name)

    def rels(self, part: str) -> _Rels:
        """Relationships of `part` (cached; flushed by flush_rels)."""
        path = _rels_path(part)
        if path not in self._rels:
            self._rels[path] = _Rels(self.read(path) if self.exists(path) else None)
        return self._rels[path]

    def flush_rels(self) -> None:
        for path, rels in list(self._rels.items()):
            if rels.items:
                if rels.items != rels.original or not self.exists(path):
                    self.write(path, rels.to_bytes())
            elif self.exists(path):
                self.delete(path)
        self._rels = {}

    def unused_name(self, pattern: str) -> str:
        """First free name for pattern like 'xl/charts/chart{}.xml'."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)


# ---------------------------------------------------------------- styles

_BUILTIN_NUMFMTS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                    "0.00E+00": 11, "# ?/?": 12, "# ??/??": 13, "mm-dd-yy": 14, "h:mm": 20,
                    "h:mm:ss": 21, "m/d/yy h:mm": 22, "@": 49}
_BUILTIN_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))

DEFAULT_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font><sz val="11"/><name val="等线"/>'
    '<family val="2"/><charset val="134"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
    '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0"'
    ' borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"'
    ' xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _is_date_code(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0]).lower()
    return any(ch in code for ch in "ymdhs") and "general" not in code


class _Styles:
    """styles.xml, parsed into raw item lists; new items are appended (deduplicated), never renumbered."""

    _SECTIONS = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}

    def __init__(self, xml: str):
        self.xml = xml
        self.items: dict[str, list[str]] = {}
        for sec, item in self._SECTIONS.items():
            m = re.search(rf"<{sec}\b[^>]*?(?:/>|>(.*?)</{sec}>)", xml, re.S)
            inner = (m.group(1) or "") if m else ""
            self.items[sec] = re.findall(rf"<{item}\b[^>]*?/>|<{item}\b[^>]*?>.*?</{item}>", inner, re.S)
        if "<styleSheet" not in xml:
            raise ValueError("styles.xml uses a namespace prefix")
        self.dirty = False
        if not self.items["cellXfs"]:
            self.items["cellXfs"].append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')
            self.dirty = True
        self.numfmts = {}
        for raw in self.items["numFmts"]:
            a = _attrs(raw)
            self.numfmts[int(a.get("numFmtId", "0"))] = a.get("formatCode", "")
        self._index = {}
        for sec, lst in self.items.items():   # first occurrence wins
            self._index[sec] = {}
            for i, raw in enumerate(lst):
                self._index[sec].setdefault(raw, i)
        self._cache: dict = {}

    def _add(self, sec: str, raw: str) -> int:
        i = self._index[sec].get(raw)
        if i is None:
            i = len(self.items[sec])
            self.items[sec].append(raw)
            self._index[sec][raw] = i
            self.dirty = True
        return i

    def numfmt_id(self, code: str) -> int:
        if code in _BUILTIN_NUMFMTS:
            return _BUILTIN_NUMFMTS[code]
        for i, c in self.numfmts.items():
            if c == code:
                return i
        i = max([163, *self.numfmts]) + 1
        self.numfmts[i] = code
        self._add("numFmts", f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>')
        return i

    def _font0_rest(self) -> str:
        fonts = self.items["fonts"]
        inner = re.sub(r"^<font\b[^>]*>|</font>$", "", fonts[0]) if fonts and not fonts[0].endswith("/>") else ""
        return re.sub(r"<(b|i|sz|color)\b[^>]*?/>|<(b|i|sz|color)\b[^>]*>.*?</\2>", "", inner, flags=re.S)

    def _font0_size(self) -> str:
        m = re.search(r'<sz\s+val="([^"]+)"', self.items["fonts"][0]) if self.items["fonts"] else None
        return m.group(1) if m else "11"

    def xf_for(self, st: CellStyle) -> int:
        """Index of a cellXfs record for a toolkit CellStyle."""
        key = ("style", st)
        if key in self._cache:
            return self._cache[key]
        font_id = 0
        if st.bold or st.italic or st.font_color or st.font_size:
            size = st.font_size if st.font_size else self._font0_size()
            size = f"{float(size):g}"
            color = f'<color rgb="FF{st.font_color.upper().lstrip("#")[-6:]}"/>' if st.font_color else ""
            raw = (f"<font>{'<b/>' if st.bold else ''}{'<i/>' if st.italic else ''}<sz val=\"{size}\"/>"
                   f"{color}{self._font0_rest()}</font>")
            font_id = self._add("fonts", raw)
        fill_id = self._fill(st.fill) if st.fill else 0
        border_id = 0
        if st.border:
            side = '<{0} style="thin"><color auto="1"/></{0}>'
            border_id = self._add("borders", "<border>" + "".join(side.format(s) for s in
                                  ("left", "right", "top", "bottom")) + "<diagonal/></border>")
        fmt_id = self.numfmt_id(st.num_format) if st.num_format else 0
        align = ""
        if st.wrap or st.h_align:
            a = (f' horizontal="{st.h_align}"' if st.h_align else "") + (' wrapText="1"' if st.wrap else "")
            align = f"<alignment{a} vertical=\"center\"/>"
        applies = "".join(f' {n}="1"' for n, on in (("applyNumberFormat", fmt_id), ("applyFont", font_id),
                          ("applyFill", fill_id), ("applyBorder", border_id), ("applyAlignment", align)) if on)
        raw = (f'<xf numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" borderId="{border_id}" xfId="0"'
               f"{applies}" + (f">{align}</xf>" if align else "/>"))
        i = self._cache[key] = self._add("cellXfs", raw)
        return i

    def _fill(self, rgb: str) -> int:
        rgb = rgb.upper().lstrip("#")[-6:]
        return self._add("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                                  '<bgColor indexed="64"/></patternFill></fill>')

    def _xf_raw(self, xf: int | None) -> str:
        lst = self.items["cellXfs"]
        return lst[xf] if xf is not None and 0 <= xf < len(lst) else lst[0]

    @staticmethod
    def _set_attr(raw: str, name: str, value) -> str:
        pat = re.compile(rf'\s{name}\s*=\s*"[^"]*"')
        if pat.search(raw):
            return pat.sub(f' {name}="{value}"', raw, count=1)
        return re.sub(r"^<xf\b", f'<xf {name}="{value}"', raw, count=1)

    def with_fill(self, xf: int | None, rgb: str) -> int:
        """Clone of cellXfs[xf] (number format, font, border, alignment kept) with a solid fill."""
        key = ("fill", xf, rgb)
        if key not in self._cache:
            raw = self._set_attr(self._xf_raw(xf), "fillId", self._fill(rgb))
            raw = self._set_attr(raw, "applyFill", 1)
            self._cache[key] = self._add("cellXfs", raw)
        return self._cache[key]

    def is_date(self, xf: int | None) -> bool:
        m = re.search(r'numFmtId\s*=\s*"(\d+)"', self._xf_raw(xf))
        fid = int(m.group(1)) if m else 0
        return fid in _BUILTIN_DATE_IDS or (fid in self.numfmts and _is_date_code(self.numfmts[fid]))

    def with_date_format(self, xf: int | None, code: str) -> int | None:
        """Keep xf if it already shows dates, else a clone of it with the date format `code`."""
        key = ("date", xf, code)
        if key in self._cache:
            return self._cache[key]
        if self.is_date(xf):
            self._cache[key] = xf
            return xf
        if key not in self._cache:
            raw = self._set_attr(self._xf_raw(xf), "numFmtId", self.numfmt_id(code))
            raw = self._set_attr(raw, "applyNumberFormat", 1)
            self._cache[key] = self._add("cellXfs", raw)
        return self._cache[key]

    def to_xml(self) -> str:
        xml = self.xml
        order = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs"]
        for idx, sec in enumerate(order):
            if sec not in self._SECTIONS:
                continue
            items = self.items[sec]
            m = re.search(rf"<{sec}\b([^>]*?)(?:/>|>.*?</{sec}>)", xml, re.S)
            if m:
                attrs = re.sub(r'\s+count\s*=\s*"[^"]*"', "", m.group(1))
                new = f'<{sec} count="{len(items)}"{attrs}>{"".join(items)}</{sec}>' if items else ""
                xml = xml[:m.start()] + new + xml[m.end():]
            elif items:
                new = f'<{sec} count="{len(items)}">{"".join(items)}</{sec}>'
                later = [f"<{s}" for s in order[idx + 1:]] + ["<cellStyles", "<dxfs", "<extLst", "</styleSheet>"]
                xml = _insert_before_first(xml, later, new)
        return xml


# ---------------------------------------------------------------- cell values

_EPOCH = _dt.datetime(1899, 12, 30)
_EPOCH_1904 = _dt.datetime(1904, 1, 1)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _encode(value, date1904: bool = False) -> tuple[str, str | None, str | None]:
    """(t attribute text, inner XML, date format or None) for a cell value (not None)."""
    cls = value.__class__
    if cls is str:
        if len(value) > 32767:
            raise ValueError(f"单元格文本超过 Excel 上限（32767 个字符）：{value[:20]}…")
        sp = ' xml:space="preserve"' if (value[:1].isspace() or value[-1:].isspace() or "\n" in value) else ""
        return ' t="inlineStr"', f"<is><t{sp}>{_text(value)}</t></is>", None
    if cls is int:
        return "", f"<v>{value}</v>", None
    if cls is Decimal and value.is_finite():
        return "", f"<v>{value:f}</v>", None
    if isinstance(value, Formula):
        f = str(value)
        f = f[1:] if f.startswith("=") else f
        return "", f"<f>{_esc(f)}</f>", None
    if isinstance(value, str):   # a str subclass other than Formula: still plain text
        return _encode(str(value))
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>", None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"不能写入非有限数值：{value}")
        return "", f"<v>{value:f}</v>", None
    if isinstance(value, _dt.datetime):
        d = value.replace(tzinfo=None) - (_EPOCH_1904 if date1904 else _EPOCH)
        serial = d.days + (d.seconds + d.microseconds / 1e6) / 86400
        return "", f"<v>{serial!r}</v>", DATETIME_FORMAT if (value.hour or value.minute or value.second) \
            else DATE_FORMAT
    if isinstance(value, _dt.date):
        return "", f"<v>{(value - (_EPOCH_1904 if date1904 else _EPOCH).date()).days}</v>", DATE_FORMAT
    if isinstance(value, numbers.Integral):
        return "", f"<v>{int(value)}</v>", None
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"不能写入非有限数值：{value}")
        return "", f"<v>{int(v) if v.is_integer() and abs(v) < 1e15 else repr(v)}</v>", None
    raise TypeError(f"unsupported cell value type: {type(value).__name__}")


_PLAIN_TYPES = frozenset({str, int, bool, Formula, CellStyle})


def _is_missing(value) -> bool:
    """None, NaN, NaT, pandas.NA: an empty cell."""
    if value is None:
        return True
    if value.__class__ in _PLAIN_TYPES:
        return False
    try:
        return bool(value != value)
    except TypeError:
        return True


# A cell during a row rewrite: [s (int|None), other attributes text (no r, no s), inner XML or None]
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_R = re.compile(r"""\br\s*=\s*["']\$?([A-Z]+)\$?(\d+)["']""")
_S_ATTR = re.compile(r"""\bs\s*=\s*["'](\d+)["']""")
_RS_ATTR = re.compile(r"""\s+[rs]\s*=\s*(?:"[^"]*"|'[^']*')""")
_SHARED_MASTER = re.compile(r"<f\b[^>]*\bt=\"(?:shared|array)\"[^>]*\bref=\"([^\"]+)\"|"
                            r"<f\b[^>]*\bref=\"([^\"]+)\"[^>]*\bt=\"(?:shared|array)\"")


def _cell_xml(row: int, col: int, cell) -> str:
    s, other, inner = cell
    sa = f' s="{s}"' if s is not None else ""
    if inner is None:
        return f'<c r="{_col_letter(col)}{row}"{sa}{other}/>'
    return f'<c r="{_col_letter(col)}{row}"{sa}{other}>{inner}</c>'


@dataclass
class _SheetPlan:
    # row -> col -> None (delete) or (t attribute, inner XML, style) where style is None (keep the cell's),
    # an xf index, or a date format code (keep the cell's style if it shows dates, else add that format)
    edits: dict[int, dict[int, object]] = field(default_factory=dict)
    clears: list[tuple[int, int, int]] = field(default_factory=list)     # (first_col, last_col, from_row)
    widths: dict[int, float] = field(default_factory=dict)
    ops: dict[int, dict[int, list]] = field(default_factory=dict)        # row -> col -> [callable(cell)->cell]
    # row -> (first_col, last_col, cell XML): a block written by set_columns; replaces what the row had there
    tails: dict[int, tuple[int, int, bytes]] = field(default_factory=dict)
    tail_columns: set[int] = field(default_factory=set)   # columns where some block has a cell

    def empty(self) -> bool:
        return not (self.edits or self.clears or self.widths or self.ops or self.tails)


_R_ATTR_B = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_CELL_R_B = re.compile(rb"""\br\s*=\s*["']\$?([A-Z]+)\$?\d+["']""")
_FIRST_CELL_B = re.compile(rb"""<c\b[^>]*?\br\s*=\s*["']([A-Z]+)\d+""")
_ROW_ATTR_DROP = re.compile(r"""\s+(?:spans|r)\s*=\s*(?:"[^"]*"|'[^']*')""")
_SPANS_DROP_B = re.compile(rb"""\s+spans\s*=\s*(?:"[^"]*"|'[^']*')""")
_ROW_WITH_END_B = re.compile(rb'<row r="(\d+)"[^>]*(?<!/)>')
_ROW_END_B = re.compile(rb"</row>")


def _column_letters_before(col: int) -> bytes:
    """A regex for the letters of every column left of `col`."""
    letters = _COL_LETTERS[col]
    alternatives = [rb"[A-Z]" * n for n in range(1, len(letters))]   # shorter names are further left
    for i, ch in enumerate(letters):   # same length: equal up to i, then an earlier letter
        if ch > "A":
            alternatives.append(re.escape(letters[:i].encode()) + f"[A-{chr(ord(ch) - 1)}]".encode()
                                + rb"[A-Z]" * (len(letters) - i - 1))
    return b"|".join(alternatives) or b"(?!)"


def _cell_not_left_of(col: int) -> re.Pattern:
    """A pattern finding any cell that is not written <c r="X…"> with X left of column `col` (one pass)."""
    return re.compile(rb'<c(?:>| (?!r="(?:' + _column_letters_before(col) + rb')\d))')


_COL_INDEX_B: dict[bytes, int] = {_COL_LETTERS[i].encode(): i for i in range(1, 16385)}
_COL_INDEX_B_STR = frozenset(_COL_LETTERS[1:])
_DIGITS = frozenset(range(48, 58))


def _col_at(body: bytes, p: int) -> int:
    """Column index of the letters at body[p:] (the reference of a cell, e.g. b'AB12'); 0 if none."""
    if body[p + 1] in _DIGITS:
        return _COL_INDEX_B.get(body[p:p + 1], 0)
    if body[p + 2] in _DIGITS:
        return _COL_INDEX_B.get(body[p:p + 2], 0)
    return _COL_INDEX_B.get(body[p:p + 3], 0)


@dataclass
class _RowIndex:
    """Offsets of a sheetData body's rows: <row at starts, its '>' at gts, '</row>' at closes (-1: <row/>)."""

    body: bytes
    starts: array = field(default_factory=lambda: array("q"))
    gts: array = field(default_factory=lambda: array("q"))
    closes: array = field(default_factory=lambda: array("q"))
    rnums: array = field(default_factory=lambda: array("q"))
    has_r: bytearray = field(default_factory=bytearray)
    los: array = field(default_factory=lambda: array("q"))    # first and last column of the row's cells (0: none)
    his: array = field(default_factory=lambda: array("q"))


class _SheetRewriter:
    """Streams a worksheet's sheetData (UTF-8 bytes), applying a plan; untouched rows are copied as bytes."""

    def __init__(self, plan: _SheetPlan, styles: _Styles, where: dict):
        self.plan, self.styles, self.where = plan, styles, where
        self.minr = self.minc = 10 ** 9
        self.maxr = self.maxc = 0
        self._s_attr: dict = {}

    def _bounds(self, row: int, c1: int, c2: int) -> None:
        if c1 < self.minc:
            self.minc = c1
        if c2 > self.maxc:
            self.maxc = c2
        if row < self.minr:
            self.minr = row
        if row > self.maxr:
            self.maxr = row

    def _new_cell(self, edit, old):
        t, inner, style_op = edit
        s = old[0] if old is not None else None
        if style_op is not None:
            s = self.styles.with_date_format(s, style_op) if style_op.__class__ is str else style_op
        return [s, t, inner]

    def _check_master(self, row, col, old) -> None:
        if old is not None and old[2] and "<f" in old[2]:
            m = _SHARED_MASTER.search(old[2])
            if m and (m.group(1) or m.group(2)) != _ref(row, col):
                raise InputError(f"单元格 {_ref(row, col)} 是共享公式或数组公式的首格，覆盖它会损坏其他公式，"
                                 "请先在 Excel 中处理该公式", row=row, column=_ref(row, col), **self.where)

    @staticmethod
    def _row_cells(inner: str | None) -> dict[int, list]:
        cells: dict[int, list] = {}
        prev = 0
        for cm in _CELL_RE.finditer(inner or ""):
            a = cm.group(1)
            rm = _CELL_R.search(a)
            col = _col_index(rm.group(1)) if rm else prev + 1
            prev = col
            sm = _S_ATTR.search(a)
            cells[col] = [int(sm.group(1)) if sm else None, _RS_ATTR.sub("", a).rstrip(), cm.group(2)]
        return cells

    def _rewrite_row(self, rnum: int, inner: str | None, edits, ops, clears, tail=None) -> str:
        cells = self._row_cells(inner)
        for c1, c2, _ in clears or ():
            for col in [c for c in cells if c1 <= c <= c2 and not (edits and c in edits)]:
                self._check_master(rnum, col, cells[col])
                del cells[col]
        if edits:
            for col, edit in edits.items():
                old = cells.get(col)
                self._check_master(rnum, col, old)
                if edit is None:
                    cells.pop(col, None)
                else:
                    cells[col] = self._new_cell(edit, old)
        if ops:
            for col, fns in ops.items():
                cell = cells.get(col)
                for fn in fns:
                    cell = fn(cell)
                if cell is None:
                    cells.pop(col, None)
                else:
                    cells[col] = cell
        if tail:   # a set_columns block: replaces every cell the row had in its columns
            first, last, xml = tail
            for col in [c for c in cells if first <= c <= last]:
                self._check_master(rnum, col, cells[col])
                del cells[col]
            cells.update(self._row_cells(xml.decode("utf-8")))
        if not cells:
            return ""
        cols = sorted(cells)
        self._bounds(rnum, cols[0], cols[-1])
        return "".join([_cell_xml(rnum, c, cells[c]) for c in cols])

    @staticmethod
    def _span(body: bytes, lo: int, hi: int) -> tuple[int, int]:
        """(first, last) column of the cells in body[lo:hi]; (0, 0) if there are none."""
        j = body.find(b"<c ", lo, hi)
        if j >= 0 and body[j + 3:j + 6] == b'r="':   # cells as Excel and most writers put them: <c r="B7" ...>
            k = body.rfind(b"<c ", j, hi)
            if body[k + 3:k + 6] == b'r="':
                first, last = _col_at(body, j + 6), _col_at(body, k + 6)
                if first and last:
                    return first, last
        if j < 0 and body.find(b"<c", lo, hi) < 0:
            return 0, 0
        k = body.rfind(b"<c ", lo, hi)
        lm = _CELL_R_B.search(body, k, body.find(b">", k, hi)) if k >= 0 else None
        fm = _FIRST_CELL_B.search(body, lo, hi)
        if fm and lm:
            return _col_index(fm.group(1).decode()), _col_index(lm.group(1).decode())
        cols = list(_SheetRewriter._row_cells(body[lo:hi].decode("utf-8")))   # cells without r attributes
        return (min(cols), max(cols)) if cols else (0, 0)

    def _cut(self, body: bytes, lo: int, hi: int, rnum: int, first: int, last: int) -> int:
        """Where the cells of columns first..last start in body[lo:hi], if they are the row's last cells and
        plain values (no formula); -1 otherwise."""
        rs = str(rnum).encode()
        cut = -1
        for col in range(first, last + 1):
            p = body.find(b'<c r="' + _COL_LETTERS[col].encode() + rs + b'"', lo, hi)
            if p >= 0 and (cut < 0 or p < cut):
                cut = p
        if cut < 0 or body.find(b"<f", cut, hi) >= 0:
            return -1
        before = self._span(body, lo, cut)[1]
        return cut if before < first else -1

    def _append_cells(self, rnum: int, edits) -> str:
        """XML of new cells (no existing cell at those columns), in column order."""
        rs = str(rnum)
        out = []
        s_attr = self._s_attr
        letters = _COL_LETTERS
        for c in sorted(edits):
            edit = edits[c]
            st = edit[2]
            s = s_attr.get(st)
            if s is None:
                xf = self._new_cell(edit, None)[0]
                s = s_attr[st] = "" if xf is None else f' s="{xf}"'
            if edit[1] is None:
                out.append(f'<c r="{letters[c]}{rs}"{s}{edit[0]}/>')
            else:
                out.append(f'<c r="{letters[c]}{rs}"{s}{edit[0]}>{edit[1]}</c>')
        return "".join(out)

    @staticmethod
    def index(body: bytes) -> "_RowIndex":
        """Where every <row> of a sheetData body is, its number and the columns its cells span (one pass)."""
        idx = _RowIndex(body)
        starts, gts, closes, rnums, has_r, los, his = (idx.starts, idx.gts, idx.closes, idx.rnums, idx.has_r,
                                                       idx.los, idx.his)
        find = body.find
        span = _SheetRewriter._span
        r_attr = _R_ATTR_B.search
        prev = 0
        i = find(b"<row")
        while i >= 0:
            gt = find(b">", i)
            if body[gt - 1] == 47:   # "/": an empty row
                close = -1
                end = gt + 1
                lo = hi = 0
            else:
                close = find(b"</row>", gt)
                end = close + 6
                lo, hi = span(body, gt + 1, close)
            if body.startswith(b'<row r="', i):
                rnum = int(body[i + 8:find(b'"', i + 8)])
                has_r.append(1)
            else:
                m = r_attr(body, i, gt)
                rnum = int(m.group(1)) if m else prev + 1
                has_r.append(m is not None)
            prev = rnum
            starts.append(i)
            gts.append(gt)
            closes.append(close)
            rnums.append(rnum)
            los.append(lo)
            his.append(hi)
            i = find(b"<row", end)
        return idx

    def rewrite(self, body: bytes) -> list:
        """The new sheetData content, as a list of bytes and memoryview slices of `body` (nothing copied)."""
        index = self.index(body)
        plan = self.plan
        view = memoryview(body)
        out: list = []
        append = out.append
        all_edits, all_ops, all_tails = plan.edits, plan.ops, plan.tails
        pending = sorted(set(all_edits) | set(all_ops) | set(all_tails))
        npending = len(pending)
        next_pending = pending[0] if pending else 1 << 30
        pi = 0
        pos = 0          # body[pos:] is not in `out` yet
        clears = plan.clears
        find = body.find
        span = self._span
        minc, maxc, rmin, rmax = 1 << 30, 0, 1 << 30, 0   # bounds of the untouched rows
        used = plan.tail_columns or {c for t in all_tails.values() for c in t[:2]}
        tmin, tmax = min(used, default=0), max(used, default=0)   # columns the blocks write cells in
        for i, gt, close, rnum, has_r, lo, hi in zip(index.starts, index.gts, index.closes, index.rnums,
                                                     index.has_r, index.los, index.his):
            if next_pending <= rnum:
                append(view[pos:i])
                pos = i
                while pi < npending and pending[pi] < rnum:
                    append(self._new_row(pending[pi]))
                    pi += 1
                if pi < npending and pending[pi] == rnum:
                    pi += 1
                next_pending = pending[pi] if pi < npending else 1 << 30
                edits = all_edits.get(rnum)
                ops = all_ops.get(rnum)
                tail = all_tails.get(rnum)
            else:
                edits = ops = tail = None
            row_clears = [c for c in clears if rnum >= c[2]] if clears else None
            selfclose = close < 0
            end = gt + 1 if selfclose else close + 6
            if not (edits or ops or row_clears or tail):   # untouched: stays where it is, only measured
                if hi:
                    if rnum < rmin:
                        rmin = rnum
                    if rnum > rmax:
                        rmax = rnum
                    if lo < minc:
                        minc = lo
                    if hi > maxc:
                        maxc = hi
                if not has_r:
                    append(view[pos:i])
                    append(b'<row r="%d" ' % rnum + body[i + 4:end])
                    pos = end
                continue
            append(view[pos:i])
            pos = end
            if tail and not (edits or ops) and not selfclose and has_r and (
                    not row_clears or (len(row_clears) == 1 and row_clears[0][0] <= tail[0])):
                # fast path: the block goes after the row's last cell (earlier toolkit cells there are cut)
                first_col, last_col, xml = tail
                stop = close
                if row_clears and hi >= row_clears[0][0]:
                    c1, c2, _ = row_clears[0]
                    stop = self._cut(body, gt + 1, close, rnum, c1, c2) if hi <= c2 else -1
                    if stop >= 0:
                        lo, hi = span(body, gt + 1, stop)
                if stop >= 0 and hi < first_col:
                    sp = find(b" spans=", i, gt)   # the row's spans hint would be wrong now: dropped
                    if sp >= 0 and body[sp + 7] == 34:   # spans="..."
                        append(view[i:sp])
                        append(view[find(b'"', sp + 8) + 1:stop])
                    elif b"spans" in body[i:gt]:
                        append(_SPANS_DROP_B.sub(b"", body[i:gt + 1]))
                        append(view[gt + 1:stop])
                    else:
                        append(view[i:stop])
                    append(xml)
                    pos = close   # "</row>" goes out with the next piece
                    if xml:
                        self._bounds(rnum, min(lo, tmin) if lo else tmin, tmax)
                    elif hi:
                        self._bounds(rnum, lo, hi)
                    continue
            attrs = body[i + 4:gt - 1 if selfclose else gt].decode("utf-8")
            attrs = f' r="{rnum}"' + _ROW_ATTR_DROP.sub("", attrs).rstrip()
            if edits and not ops and not row_clears and not tail and not selfclose \
                    and None not in edits.values():
                if hi and min(edits) > hi:   # fast path: new cells right of the row's last cell
                    self._bounds(rnum, lo, max(edits))
                    append(f"<row{attrs}>".encode("utf-8"))
                    append(view[gt + 1:close])
                    append((self._append_cells(rnum, edits) + "</row>").encode("utf-8"))
                    continue
            inner = self._rewrite_row(rnum, None if selfclose else body[gt + 1:close].decode("utf-8"),
                                      edits, ops, row_clears, tail)
            append((f"<row{attrs}>{inner}</row>" if inner else f"<row{attrs}/>").encode("utf-8"))
        append(view[pos:])
        while pi < npending:
            append(self._new_row(pending[pi]))
            pi += 1
        if rmax:
            self._bounds(rmin, minc, maxc)
            self._bounds(rmax, minc, maxc)
        return out

    @staticmethod
    def row_ends(body: bytes) -> tuple[bytes, tuple[list[int], list[int]]]:
        """The body without row spans hints (optional, and wrong once rows grow), and the numbers of its rows
        that have a </row> with where that </row> is, in order."""
        if b" spans=" in body:
            body = _SPANS_DROP_B.sub(b"", body)
        return body, (list(map(int, _ROW_WITH_END_B.findall(body))), [m.start() for m in _ROW_END_B.finditer(body)])

    def append_only(self, body: bytes, rows=None):
        """rewrite() for the common big case, without parsing rows: the plan only appends set_columns blocks
        (and sets a few cells) right of every cell the sheet has, on rows the sheet has, and rows and cells are
        written <row r="…"> / <c r="…"> as Excel writes them. The bounds are known before any row is written, so
        the pieces come lazily (an iterator: the caller can compress while they are produced). None when the
        sheet is not like that (rewrite() then does the work)."""
        plan = self.plan
        tails, edits = plan.tails, plan.edits
        if plan.ops or plan.clears or not tails or any(None in e.values() for e in edits.values()):
            return None
        first_col = min(t[0] for t in tails.values())
        filled = [r for r, t in tails.items() if t[2]]
        if rows is None:
            body, rows = self.row_ends(body)
            rows = (*rows, None)
        rnums, closes, right = rows   # right: no cell of the sheet is right of that column (None: unknown)
        if not filled or ((right is None or right >= first_col) and _cell_not_left_of(first_col).search(body)):
            return None
        if len(rnums) != len(closes) or not set(tails).union(edits) <= set(rnums):
            return None   # a row to write is not in the sheet yet (or is an empty <row/>): the general way
        # bounds: the sheet's own cells (all left of first_col), the blocks, the edited cells
        first, last = body.find(b'<c r="'), body.rfind(b'<c r="')
        if first >= 0:
            left = next((col for col in range(1, first_col)
                         if re.search(b'<c r="' + _COL_LETTERS[col].encode() + rb"\d", body)), 1)
            for at in (first, last):
                row_at = body.rfind(b'<row r="', 0, at)
                self._bounds(int(body[row_at + 8:body.find(b'"', row_at + 8)]), left, left)
        used = plan.tail_columns
        self._bounds(min(filled), min(used), max(used))
        self._bounds(max(filled), min(used), max(used))
        for r, row_edits in edits.items():
            self._bounds(r, min(row_edits), max(row_edits))
        return self._append_pieces(body, rnums, closes)

    def _append_pieces(self, body: bytes, rnums: list[int], closes: list[int]):
        view = memoryview(body)
        tails, edits = self.plan.tails, self.plan.edits
        pos = 0
        for rnum, close in zip(rnums, closes):
            tail = tails.get(rnum)
            if rnum in edits:
                start = body.rfind(b"<row", pos, close)
                gt = body.find(b">", start)
                yield view[pos:start]
                attrs = f' r="{rnum}"' + _ROW_ATTR_DROP.sub("", body[start + 4:gt].decode("utf-8")).rstrip()
                inner = self._rewrite_row(rnum, body[gt + 1:close].decode("utf-8"), edits[rnum], None, None, tail)
                yield f"<row{attrs}>{inner}".encode("utf-8")
            elif tail is not None:
                yield view[pos:close]
                yield tail[2]
            else:
                continue
            pos = close   # "</row>" goes out with the next piece
        yield view[pos:]

    def _new_row(self, rnum: int) -> bytes:
        plan = self.plan
        inner = self._rewrite_row(rnum, None, plan.edits.get(rnum), plan.ops.get(rnum), None, plan.tails.get(rnum))
        return f'<row r="{rnum}">{inner}</row>'.encode("utf-8") if inner else b""

    def dimension(self) -> str:
        if not self.maxr:
            return "A1"
        a, b = _ref(self.minr, self.minc), _ref(self.maxr, self.maxc)
        return a if a == b else f"{a}:{b}"


def _apply_widths(head: str, widths: dict[int, float]) -> str:
    """Set column widths in the head (<cols>) of a worksheet, splitting existing <col> ranges."""
    m = re.search(r"<cols\b[^>]*?(?:/>|>(.*?)</cols>)", head, re.S)
    ranges: list[list] = []   # [min, max, attrs dict]
    if m:
        for raw in re.findall(r"<col\b[^>]*?/>", m.group(1) or ""):
            a = _attrs(raw)
            ranges.append([int(a.pop("min")), int(a.pop("max")), a])
    for col, width in sorted(widths.items()):
        new: list[list] = []
        placed = False
        for lo, hi, a in ranges:
            if lo <= col <= hi:
                if lo < col:
                    new.append([lo, col - 1, dict(a)])
                b = dict(a)
                b.update(width=f"{float(width):g}", customWidth="1")
                new.append([col, col, b])
                if col < hi:
                    new.append([col + 1, hi, dict(a)])
                placed = True
            else:
                new.append([lo, hi, a])
        if not placed:
            new.append([col, col, {"width": f"{float(width):g}", "customWidth": "1"}])
        ranges = sorted(new, key=lambda r: r[0])
    cols = "<cols>" + "".join(
        f'<col min="{lo}" max="{hi}"' + "".join(f' {k}="{_attr(v)}"' for k, v in a.items()) + "/>"
        for lo, hi, a in ranges) + "</cols>"
    if m:
        return head[:m.start()] + cols + head[m.end():]
    return head + cols   # head ends right before <sheetData


# ---------------------------------------------------------------- comments and VML

class _Comments:
    """A comments part: authors and <comment> elements kept as raw text."""

    def __init__(self, xml: str | None):
        if xml is None:
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<comments xmlns="{NS_MAIN}"><authors></authors><commentList></commentList></comments>')
        m_auth = re.search(r"<authors\b[^>]*?(?:/>|>(.*?)</authors>)", xml, re.S)
        m_list = re.search(r"<commentList\b[^>]*?(?:/>|>(.*?)</commentList>)", xml, re.S)
        if not m_auth or not m_list:
            raise ValueError("unexpected comments part")
        self.head = xml[:m_auth.start()]
        self.middle = xml[m_auth.end():m_list.start()]
        self.tail = xml[m_list.end():]
        self.authors = [_unescape(a) for a in re.findall(r"<author>(.*?)</author>", m_auth.group(1) or "", re.S)]
        self.comments: dict[str, str] = {}   # cell ref -> raw <comment> element, in file order
        for raw in re.findall(r"<comment\b.*?</comment>|<comment\b[^>]*?/>", m_list.group(1) or "", re.S):
            self.comments[_attrs(raw[:raw.find(">")]).get("ref", "")] = raw

    def author_of(self, ref: str) -> str | None:
        raw = self.comments.get(ref)
        if raw is None:
            return None
        i = int(_attrs(raw[:raw.find(">")]).get("authorId", "-1"))
        return self.authors[i] if 0 <= i < len(self.authors) else None

    def author_id(self, name: str) -> int:
        if name not in self.authors:
            self.authors.append(name)
        return self.authors.index(name)

    def drop_unused_toolkit_author(self) -> None:
        if self.authors and self.authors[-1] == TOOLKIT_AUTHOR:
            i = len(self.authors) - 1
            if not any(_attrs(c[:c.find(">")]).get("authorId") == str(i) for c in self.comments.values()):
                self.authors.pop()

    def to_xml(self) -> str:
        authors = "".join(f"<author>{_text(a)}</author>" for a in self.authors)
        return (f"{self.head}<authors>{authors}</authors>{self.middle}"
                f"<commentList>{''.join(self.comments.values())}</commentList>{self.tail}")


def _comment_run(text: str) -> str:
    return (f'<r><rPr><b/><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr>'
            f'<t xml:space="preserve">{_text(TOOLKIT_AUTHOR)}:\n</t></r>'
            f'<r><rPr><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr>'
            f'<t xml:space="preserve">{_text(text)}</t></r>')


VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
            ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
            '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>\n')
VML_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                 'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                 '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>\n')


def _vml_shape(shape_id: int, row: int, col: int) -> str:
    r0, c0 = row - 1, col - 1
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;'
            'margin-left:59.25pt;margin-top:1.5pt;width:144pt;height:60pt;z-index:1;visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{c0 + 1}, 15, {max(r0 - 1, 0)}, 10, {c0 + 4}, 15, {max(r0 - 1, 0) + 4}, 4</x:Anchor>'
            f'<x:AutoFill>False</x:AutoFill><x:Row>{r0}</x:Row><x:Column>{c0}</x:Column>'
            '</x:ClientData></v:shape>\n')


_VML_SHAPE_RE = re.compile(r"<v:shape\b(?:(?!<v:shapetype)[^>])*>.*?</v:shape>\s*", re.S)


def _vml_remove_notes(vml: str, cells: set[tuple[int, int]]) -> str:
    def keep(m):
        s = m.group(0)
        if 'ObjectType="Note"' not in s:
            return s
        r = re.search(r"<x:Row>\s*(\d+)\s*</x:Row>", s)
        c = re.search(r"<x:Column>\s*(\d+)\s*</x:Column>", s)
        if r and c and (int(r.group(1)) + 1, int(c.group(1)) + 1) in cells:
            return ""
        return s
    return _VML_SHAPE_RE.sub(keep, vml)


def _vml_add_notes(vml: str, cells: list[tuple[int, int]], block: int) -> str:
    ids = [int(x) for x in re.findall(r'id="_x0000_s(\d+)"', vml)]
    nxt = max(ids) + 1 if ids else block * 1024 + 1
    if "_x0000_t202" not in vml:
        vml = _insert_before_first(vml, ["<v:shape", "</xml>"], VML_SHAPETYPE)
    shapes = "".join(_vml_shape(nxt + i, r, c) for i, (r, c) in enumerate(cells))
    k = vml.rfind("</xml>")
    return vml[:k] + shapes + vml[k:]


def _series_cells(ser: str):
    """(sheet, [(row, col), …]) of a chart series' values range, or None."""
    m = re.search(r"<c:val>.*?<c:f>(.*?)</c:f>", ser, re.S)
    if not m:
        return None
    ref = html.unescape(m.group(1))
    sheet, _, cells = ref.rpartition("!")
    sheet = sheet.strip("'").replace("''", "'")
    first, _, last = cells.replace("$", "").partition(":")
    try:
        (r0, c0), (r1, c1) = _parse_ref(first), _parse_ref(last or first)
    except ValueError:
        return None
    return sheet, [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _merged_widths(spec: SheetSpec) -> dict[tuple[int, int], float]:
    """(row, column) of each merged range's first cell → the range's total width in characters."""
    out = {}
    for m in spec.merges:
        first, _, last = m.partition(":")
        (r0, c0), (r1, c1) = _parse_ref(first), _parse_ref(last or first)
        out[(r0, c0)] = sum(spec.col_widths.get(c, 8.43) for c in range(c0, c1 + 1))
    return out


# ---------------------------------------------------------------- charts

_CHART_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
             f'xmlns:r="{NS_R}"')


def _rich(text: str, bold: bool = True, rot: str = "") -> str:
    b = ' b="1"' if bold else ""
    return (f"<c:tx><c:rich><a:bodyPr{rot}/><a:lstStyle/><a:p><a:pPr><a:defRPr{b}/></a:pPr>"
            f'<a:r><a:rPr lang="zh-CN"{b}/><a:t>{_text(text)}</a:t></a:r></a:p></c:rich></c:tx>'
            '<c:overlay val="0"/>')


def _chart_xml(spec: ChartSpec, sheet: str) -> str:
    q = _quote_sheet(sheet)
    kind = spec.kind
    if kind not in ("column", "bar", "pie", "line"):
        raise ValueError(f"unknown chart kind {kind!r}")
    cat = f"<c:cat><c:strRef><c:f>{_esc(q + '!' + _abs_range(spec.categories))}</c:f></c:strRef></c:cat>"
    sers = []
    for i, (name, rng) in enumerate(spec.series):
        val = f"<c:val><c:numRef><c:f>{_esc(q + '!' + _abs_range(rng))}</c:f></c:numRef></c:val>"
        head = f'<c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:v>{_text(name)}</c:v></c:tx>'
        if kind in ("column", "bar"):
            sers.append(f'<c:ser>{head}<c:invertIfNegative val="0"/>{cat}{val}</c:ser>')
        elif kind == "line":
            sers.append(f'<c:ser>{head}<c:marker><c:symbol val="circle"/></c:marker>{cat}{val}'
                        '<c:smooth val="0"/></c:ser>')
        else:
            sers.append(f"<c:ser>{head}{cat}{val}</c:ser>")
    ax = '<c:axId val="50010001"/><c:axId val="50010002"/>'
    if kind in ("column", "bar"):
        plot = (f'<c:barChart><c:barDir val="{"col" if kind == "column" else "bar"}"/>'
                f'<c:grouping val="clustered"/><c:varyColors val="0"/>{"".join(sers)}'
                f'<c:gapWidth val="150"/>{ax}</c:barChart>')
    elif kind == "line":
        plot = (f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{"".join(sers)}'
                f'<c:marker val="1"/>{ax}</c:lineChart>')
    else:
        plot = (f'<c:pieChart><c:varyColors val="1"/>{"".join(sers)}'
                '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
                '<c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/>'
                '<c:showLeaderLines val="1"/></c:dLbls><c:firstSliceAng val="0"/></c:pieChart>')
    axes = ""
    if kind != "pie":
        cat_pos, val_pos = ("l", "b") if kind == "bar" else ("b", "l")
        ytitle = _rich(spec.y_title, bold=False, rot=' rot="-5400000" vert="horz"') if spec.y_title else ""
        ytitle = f"<c:title>{ytitle}</c:title>" if ytitle else ""
        axes = ('<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
                f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="1"/>'
                '<c:tickLblPos val="nextTo"/><c:crossAx val="50010002"/><c:crosses val="autoZero"/>'
                '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
                '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
                f'<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines/>{ytitle}'
                '<c:numFmt formatCode="#,##0" sourceLinked="0"/><c:tickLblPos val="nextTo"/>'
                '<c:crossAx val="50010001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/>'
                '</c:valAx>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<c:chartSpace {_CHART_NS}><c:lang val="zh-CN"/><c:roundedCorners val="0"/><c:chart>'
            f'<c:title>{_rich(spec.title)}</c:title><c:autoTitleDeleted val="0"/>'
            f'<c:plotArea><c:layout/>{plot}{axes}</c:plotArea>'
            '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
            '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>')


def _drawing_xml(anchors: list[tuple[ChartSpec, str]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">']
    for i, (spec, rid) in enumerate(anchors, start=1):
        row, col = _parse_ref(spec.anchor)
        out.append(
            f'<xdr:oneCellAnchor><xdr:from><xdr:col>{col - 1}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
            f'<xdr:ext cx="{spec.width_px * 9525}" cy="{spec.height_px * 9525}"/>'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="图表 {i}"/>'
            '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/>'
            '<a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="{NS_R}" '
            f'r:id="{rid}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
            '</xdr:oneCellAnchor>')
    out.append("</xdr:wsDr>")
    return "".join(out)


# ---------------------------------------------------------------- workbook.xml

class _Workbook:
    """workbook.xml kept as text; <sheet> and <definedName> elements edited as raw strings."""

    def __init__(self, part: str, xml: str):
        self.part = part
        self.xml = xml
        m = re.search(r"<sheets\b[^>]*?(?:/>|>(.*?)</sheets>)", xml, re.S)
        if not m:
            raise ValueError("no <sheets>")
        self.sheets: list[dict] = []
        for raw in re.findall(r"<sheet\b[^>]*?/>", m.group(1) or ""):
            a = _attrs(raw)
            rid = next((v for k, v in a.items() if k.endswith(":id") and k != "xr:uid"), None)
            self.sheets.append({"name": a.get("name", ""), "sheetId": int(a.get("sheetId", "0")),
                                "rid": rid, "raw": raw})
        m = re.search(r"<definedNames\b[^>]*?(?:/>|>(.*?)</definedNames>)", xml, re.S)
        self.names: list[dict] = []
        for dm in re.finditer(r"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", (m.group(1) or "") if m else "",
                              re.S):
            a = _attrs(dm.group(1))
            self.names.append({"attrs": a, "text": _unescape(dm.group(2) or "")})
        self.dirty = False

    def to_xml(self) -> str:
        xml = self.xml
        sheets = "<sheets>" + "".join(s["raw"] for s in self.sheets) + "</sheets>"
        xml = re.sub(r"<sheets\b[^>]*?(?:/>|>.*?</sheets>)", lambda m: sheets, xml, count=1, flags=re.S)
        names = "".join(
            "<definedName" + "".join(f' {k}="{_attr(v)}"' for k, v in d["attrs"].items()) + ">"
            + _esc(d["text"]) + "</definedName>" for d in self.names)
        names = f"<definedNames>{names}</definedNames>" if names else ""
        m = re.search(r"<definedNames\b[^>]*?(?:/>|>.*?</definedNames>)", xml, re.S)
        if m:
            xml = xml[:m.start()] + names + xml[m.end():]
        elif names:
            xml = _insert_before_first(xml, ["<calcPr", "<oleSize", "<customWorkbookViews", "<pivotCaches",
                                             "<smartTagPr", "<smartTagTypes", "<webPublishing", "<fileRecoveryPr",
                                             "<webPublishObjects", "<extLst", "</workbook>"], names)
        m = re.search(r"<calcPr\b[^>]*?/>|<calcPr\b[^>]*?>", xml)
        if m:
            tag = m.group(0)
            if "fullCalcOnLoad" in tag:
                new = re.sub(r'fullCalcOnLoad\s*=\s*"[^"]*"', 'fullCalcOnLoad="1"', tag)
            else:
                new = re.sub(r"^<calcPr\b", '<calcPr fullCalcOnLoad="1"', tag)
            xml = xml[:m.start()] + new + xml[m.end():]
        else:
            xml = _insert_before_first(xml, ["<oleSize", "<customWorkbookViews", "<pivotCaches", "<smartTagPr",
                                             "<smartTagTypes", "<webPublishing", "<fileRecoveryPr",
                                             "<webPublishObjects", "<extLst", "</workbook>"],
                                       '<calcPr calcId="191029" fullCalcOnLoad="1"/>')
        return xml

    def shift_sheet_indexes(self, at: int, delta: int) -> None:
        """Sheet inserted (delta=1) or removed (delta=-1) at position `at`: fix localSheetId and views."""
        kept = []
        for d in self.names:
            lid = d["attrs"].get("localSheetId")
            if lid is not None:
                lid = int(lid)
                if delta < 0 and lid == at:
                    continue
                if lid >= at + (1 if delta < 0 else 0):
                    d["attrs"]["localSheetId"] = str(lid + delta)
            kept.append(d)
        self.names = kept

        def fix(m):
            tag = m.group(0)
            for attr in ("activeTab", "firstSheet"):
                am = re.search(rf'\s{attr}="(\d+)"', tag)
                old = int(am.group(1)) if am else 0
                v = old
                if attr == "activeTab" and (v > at or (delta > 0 and v == at)):
                    v += delta
                elif attr == "firstSheet" and delta < 0 and v > at:   # tab strip scroll: only keep in range
                    v += delta
                v = max(0, min(v, len(self.sheets) - 1))
                if attr == "activeTab":   # the active tab must be a visible sheet
                    visible = [i for i, s in enumerate(self.sheets)
                               if _attrs(s["raw"]).get("state", "visible") == "visible"]
                    if visible and v not in visible:
                        v = next((i for i in visible if i > v), visible[-1])
                if v == old:
                    continue
                if am:
                    tag = tag[:am.start()] + f' {attr}="{v}"' + tag[am.end():]
                else:
                    tag = re.sub(r"^<workbookView\b", f'<workbookView {attr}="{v}"', tag)
            return tag
        self.xml = re.sub(r"<workbookView\b[^>]*?/?>", fix, self.xml)


# ---------------------------------------------------------------- the patcher

_SHEET_NAME_BAD = re.compile(r"[\\/?*\[\]:]")


class XlsxPatch:
    """Patch an existing .xlsx/.xlsm: edit cells, add sheets and charts, highlight cells; keep everything else.

    Edits are recorded and applied by save(), which may be called more than once. The source stays open for
    reading until close() (or use `with XlsxPatch(path) as p:`); it is never written unless save() is given
    its own path.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._file = self.path.name
        try:
            with open(self.path, "rb") as f:
                magic = f.read(8)
        except OSError as e:
            raise InputError(f"无法打开文件：{e.strerror or e}", file=self._file) from None
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError("这是加密的工作簿或旧版 .xls 文件，请在 Excel 中取消密码并另存为 .xlsx 后再试",
                             file=self._file)
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError):
            raise InputError("不是有效的 .xlsx/.xlsm 文件（无法作为压缩包打开）", file=self._file) from None
        self._pkg = _Package(zf)
        try:
            self._load()
        except InputError:
            raise
        except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, UnicodeDecodeError) as e:
            raise InputError(f"工作簿结构无法识别，可能已损坏（{type(e).__name__}）", file=self._file) from None
        self._plans: dict[str, _SheetPlan] = {}
        self._prepared: dict[str, tuple] = {}   # sheet part -> its split XML and where its rows end (see prepare)
        self._hl_new: dict[tuple[str, int, int], tuple[str, str]] = {}
        self._hl_cleared = False

    # -- loading

    def _load(self) -> None:
        pkg = self._pkg
        if not pkg.exists("[Content_Types].xml"):
            raise InputError("缺少 [Content_Types].xml，不是有效的 Excel 工作簿", file=self._file)
        self._ct = _ContentTypes(pkg.read("[Content_Types].xml"))
        root_rels = _Rels(pkg.read("_rels/.rels"))
        doc = next((r for r in root_rels.items if r.get("Type", "") == RT_OFFICE_DOC
                    or r.get("Type", "").endswith("/officeDocument")), None)
        if doc is None:
            raise InputError("找不到工作簿主体部分", file=self._file)
        if "purl.oclc.org" in doc.get("Type", ""):
            raise InputError("这是“严格 Open XML”格式，请在 Excel 中另存为普通 .xlsx 后再试", file=self._file)
        wb_part = _resolve("", doc["Target"])
        ct = self._ct.of(wb_part) or ""
        if "sheet.binary" in ct:
            raise InputError("不支持 .xlsb 二进制工作簿，请另存为 .xlsx", file=self._file)
        if "spreadsheetml" not in ct and "ms-excel" not in ct:
            raise InputError("不是 Excel 工作簿", file=self._file)
        self._macro = "macroEnabled" in ct
        self._date1904 = False
        self._wb = _Workbook(wb_part, pkg.read(wb_part).decode("utf-8"))
        pr = re.search(r"<workbookPr\b[^>]*>", self._wb.xml)
        self._date1904 = bool(pr and re.search(r'date1904\s*=\s*"(1|true)"', pr.group(0)))
        wb_rels = pkg.rels(wb_part)
        for s in self._wb.sheets:
            r = wb_rels.get(s["rid"]) if s["rid"] else None
            s["part"] = _resolve(wb_part, r["Target"]) if r else None
            s["kind"] = r["Type"].rsplit("/", 1)[-1] if r else None
        st = wb_rels.by_type(RT_STYLES)
        self._styles_part = _resolve(wb_part, st[0]["Target"]) if st else None
        self._styles = _Styles(pkg.read(self._styles_part).decode("utf-8")
                               if self._styles_part and pkg.exists(self._styles_part) else DEFAULT_STYLES)
        self._records, self._record_part = self._load_records()

    def _load_records(self) -> tuple[list[dict], str | None]:
        for name in self._pkg.names():
            if name.startswith("customXml/item") and name.endswith(".xml") and "Props" not in name:
                data = self._pkg.read(name)
                if RECORD_NS.encode() in data:
                    root = ET.fromstring(data)
                    recs = []
                    for el in root:
                        recs.append({"sheetId": int(el.get("sheetId")), "ref": el.get("ref"),
                                     "orig": int(el.get("orig")) if el.get("orig") else None,
                                     "existed": el.get("existed") == "1", "hl": int(el.get("hl")),
                                     "comment": el.text if el.get("userComment") == "1" else None})
                    return recs, name
        return [], None

    # -- charts already in the workbook

    def drop_chart_series(self, is_empty) -> int:
        """Remove from the workbook's charts every series whose values range `is_empty(sheet, [(row, col), …])`
        says holds nothing (a chart keeps at least one series). Returns how many were removed."""
        removed = 0
        for name in self._pkg.names():
            if not (name.startswith("xl/charts/chart") and name.endswith(".xml")):
                continue
            xml = self._pkg.read(name).decode("utf-8")
            series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
            drop = [ser for ser in series if _series_cells(ser) and is_empty(*_series_cells(ser))]
            if drop and len(drop) < len(series):
                for ser in drop:
                    xml = xml.replace(ser, "", 1)
                self._pkg.write(name, xml.encode("utf-8"))
                removed += len(drop)
        return removed

    # -- queries

    def sheet_names(self) -> list[str]:
        return [s["name"] for s in self._wb.sheets]

    def defined_names(self) -> dict[str, str]:
        """Workbook names -> refers_to; names scoped to one sheet are keyed "'工作表'!名称"."""
        out = {}
        for d in self._wb.names:
            name, lid = d["attrs"].get("name", ""), d["attrs"].get("localSheetId")
            if lid is not None and 0 <= int(lid) < len(self._wb.sheets):
                name = f"{_quote_sheet(self._wb.sheets[int(lid)]['name'])}!{name}"
            out[name] = d["text"]
        return out

    def _sheet(self, name: str) -> dict:
        for s in self._wb.sheets:
            if s["name"] == name:
                if s["kind"] != "worksheet" or not s["part"]:
                    raise InputError("这不是普通工作表（可能是图表页或宏表），不能写入单元格", file=self._file,
                                     sheet=name)
                return s
        raise InputError("工作簿中没有这个工作表", file=self._file, sheet=name)

    def _plan(self, name: str) -> _SheetPlan:
        part = self._sheet(name)["part"]
        return self._plans.setdefault(part, _SheetPlan())

    # -- cell edits

    def set_cells(self, sheet: str, cells: Mapping[tuple[int, int], object], style: CellStyle | None = None):
        """Write values at (row, col), 1-based; applied when saving.

        str is always text (inline string, even "=1+1"); Formula is a formula; int/float/Decimal a number;
        date/datetime a serial number with a date format; bool a boolean; None/NaN/NaT deletes the cell.
        A value may be (value, CellStyle); (None, CellStyle) writes a styled empty cell. With no style an
        existing cell keeps its style (a date keeps it only if it already shows dates, else gets a clone of it
        with a date format) and a new cell gets none.
        """
        plan = self._plan(sheet)
        base = self._styles.xf_for(style) if style is not None else None
        edits = plan.edits
        xf_by_id: dict[int, int] = {}   # id(CellStyle) -> xf; hashing the dataclass per cell is slow
        for (row, col), value in cells.items():
            if not (0 < row <= 1048576 and 0 < col <= 16384):
                raise ValueError(f"cell out of range: {(row, col)}")
            if value.__class__ is tuple:
                value, cell_style = value
                edit = self._edit(value, cell_style, self._xf(cell_style, xf_by_id))
            else:
                edit = self._edit(value, style, base)
            r = edits.get(row)
            if r is None:
                r = edits[row] = {}
            r[col] = edit

    def _xf(self, style: CellStyle | None, cache: dict[int, int]) -> int | None:
        if style is None:
            return None
        xf = cache.get(id(style))
        if xf is None:
            xf = cache[id(style)] = self._styles.xf_for(style)
        return xf

    def _edit(self, value, style: CellStyle | None, xf: int | None):
        """A cell edit (t attribute, inner XML, style op) for set_cells; None deletes the cell."""
        if value is None or (value.__class__ is not str and _is_missing(value)):
            return None if xf is None else ("", None, xf)
        t, inner, date_fmt = _encode(value, self._date1904)
        if date_fmt is None:
            return t, inner, xf
        if style is not None:
            return t, inner, xf if style.num_format else self._styles.xf_for(replace(style, num_format=date_fmt))
        return t, inner, date_fmt   # keep the cell's style if it shows dates, else add a date format to it

    def set_columns(self, sheet: str, first_col: int, rows: Sequence[int], columns: Sequence[Sequence],
                    styles: Sequence[CellStyle | Sequence[CellStyle | None] | None]):
        """Write whole columns at once: columns[i][k] goes to (rows[k], first_col + i); fast for many rows.

        The block replaces whatever those rows had in columns first_col .. first_col + len(columns) - 1:
        a None (or NaN) value leaves no cell there, whatever its style. Values follow set_cells' rules. styles[i] is one CellStyle for
        column i, a style per row, or None (no style). Applied after set_cells edits of the same cells.
        """
        plan = self._plan(sheet)
        last_col = first_col + len(columns) - 1
        if not (0 < first_col and last_col <= 16384) or any(len(col) != len(rows) for col in columns):
            raise ValueError("set_columns: columns out of range or of another length than rows")
        if rows and not (0 < min(rows) and max(rows) <= 1048576):
            raise ValueError("set_columns: row out of range")
        xf_by_id: dict[int, int] = {}
        fragments = []   # per column, per row: the cell's XML after its r attribute ("" for no cell)
        for i, values in enumerate(columns):
            style = styles[i]
            if style is None or isinstance(style, CellStyle):
                keys = list(zip(map(type, values), values))
                style_of = {k: style for k in keys}
            else:
                keys = list(zip(map(type, values), values, map(id, style)))
                style_of = dict(zip(keys, style))
            known = {}   # (type, value[, style id]) -> the cell's XML after its r attribute, once per distinct cell
            for key, cell_style in style_of.items():
                value = key[1]
                if value is None or (key[0] is not str and _is_missing(value)):
                    known[key] = ""
                    continue
                edit = self._edit(value, cell_style, self._xf(cell_style, xf_by_id))
                t, inner, style_op = edit
                xf = self._styles.with_date_format(None, style_op) if style_op.__class__ is str else style_op
                sa = "" if xf is None else f' s="{xf}"'
                known[key] = f'{sa}{t}/>' if inner is None else f'{sa}{t}>{inner}</c>'
            fragments.append([known[k] for k in keys])
            if any(known.values()):
                plan.tail_columns.add(first_col + i)
        tails = plan.tails
        if any(t[:2] != (first_col, last_col) for t in map(tails.get, rows) if t is not None):
            raise ValueError("set_columns: another block of different columns on the same row")
        starts = [f'<c r="{_COL_LETTERS[first_col + i]}' for i in range(len(columns))]
        for lo in range(0, len(rows), 8192):   # column by column, a few thousand rows at a time (bounded memory)
            hi = lo + 8192
            chunk = rows[lo:hi]
            cells = [[f'{start}{r}"{f}' if f else "" for r, f in zip(chunk, frags[lo:hi])]
                     for start, frags in zip(starts, fragments)]
            tails.update(zip(chunk, [(first_col, last_col, "".join(row).encode("utf-8")) for row in zip(*cells)]))

    def clear_columns(self, sheet: str, first_col: int, last_col: int, from_row: int = 1):
        """Delete every cell in columns first_col..last_col from row from_row down."""
        plan = self._plan(sheet)
        if any(r >= from_row and first_col <= t[1] and t[0] <= last_col for r, t in plan.tails.items()):
            raise ValueError("clear_columns after set_columns on the same cells: clear first")
        for row, r in plan.edits.items():
            if row >= from_row:
                for col in [c for c in r if first_col <= c <= last_col]:
                    del r[col]
        plan.clears.append((first_col, last_col, from_row))

    def set_column_width(self, sheet: str, col: int, width: float):
        self._plan(sheet).widths[col] = width

    # -- highlights

    def highlight(self, sheet: str, cell: str, comment: str, fill: str = "FFFF00"):
        """Fill a cell (keeping its other formatting) and attach a toolkit comment; undone by clear_highlights."""
        self._sheet(sheet)
        row, col = _parse_ref(cell)
        self._hl_new[(sheet, row, col)] = (comment, fill)

    def clear_highlights(self):
        """Restore original styles of all toolkit-highlighted cells and remove the toolkit's comments."""
        self._hl_cleared = True
        self._hl_new.clear()

    # -- sheets

    def add_sheet(self, spec: SheetSpec, replace: bool = True, position: int | None = None):
        """Add a toolkit-built worksheet at the end (or at `position`).

        If a sheet of that name exists and replace=True, its content is replaced in place (same position,
        same sheetId) and its old drawings, charts, comments and other parts only it used are removed.
        """
        name = spec.name
        if not name or len(name) > 31 or _SHEET_NAME_BAD.search(name) or name[0] == "'" or name[-1] == "'":
            raise ValueError(f"invalid sheet name {name!r}")
        wb, pkg = self._wb, self._pkg
        existing = next((s for s in wb.sheets if s["name"].lower() == name.lower()), None)
        if existing is not None and not replace:
            raise InputError("已有同名工作表", file=self._file, sheet=name)
        if existing is not None:
            if existing["kind"] != "worksheet":
                raise InputError("同名的不是普通工作表，不能替换", file=self._file, sheet=name)
            part = existing["part"]
            self._drop_subtree(part, keep_part=True)
            self._plans.pop(part, None)
            self._prepared.pop(part, None)
            self._hl_new = {k: v for k, v in self._hl_new.items() if k[0] != existing["name"]}
            sheet_index = wb.sheets.index(existing)
        else:
            part = pkg.unused_name("xl/worksheets/sheet{}.xml")
            rid = pkg.rels(wb.part).add(RT_WORKSHEET, _relative(wb.part, part))
            sheet_id = max([s["sheetId"] for s in wb.sheets] + [0]) + 1
            raw = f'<sheet name="{_attr(name)}" sheetId="{sheet_id}" r:id="{rid}"/>'
            entry = {"name": name, "sheetId": sheet_id, "rid": rid, "raw": raw, "part": part, "kind": "worksheet"}
            sheet_index = len(wb.sheets) if position is None else max(0, min(position, len(wb.sheets)))
            wb.sheets.insert(sheet_index, entry)
            if sheet_index < len(wb.sheets) - 1:
                wb.shift_sheet_indexes(sheet_index, 1)
            self._ct.set_override(part, CT_WORKSHEET)
            self._ensure_r_ns()
        pkg.write(part, self._sheet_xml(spec, part).encode("utf-8"))

    def _ensure_r_ns(self) -> None:
        m = re.search(r"<workbook\b[^>]*>", self._wb.xml)
        if m and "xmlns:r=" not in m.group(0):
            self._wb.xml = self._wb.xml.replace("<workbook", f'<workbook xmlns:r="{NS_R}"', 1)

    def remove_sheet(self, name: str):
        wb = self._wb
        entry = next((s for s in wb.sheets if s["name"] == name), None)
        if entry is None:
            raise InputError("工作簿中没有这个工作表", file=self._file, sheet=name)
        visible = [s for s in wb.sheets if s is not entry
                   and _attrs(s["raw"]).get("state", "visible") == "visible"]
        if not visible:
            raise InputError("不能删除唯一的可见工作表", file=self._file, sheet=name)
        idx = wb.sheets.index(entry)
        if entry["part"]:
            self._drop_subtree(entry["part"], keep_part=False)
            self._plans.pop(entry["part"], None)
            self._prepared.pop(entry["part"], None)
        self._pkg.rels(wb.part).remove(entry["rid"])
        wb.sheets.remove(entry)
        wb.shift_sheet_indexes(idx, -1)
        ref_pat = re.compile(re.escape(_quote_sheet(name)) + "!|" +
                             (rf"(?<![\w.']){re.escape(name)}!" if re.fullmatch(r"[^\W\d]\w*", name) else "(?!x)x"))
        for d in wb.names:
            d["text"] = ref_pat.sub("#REF!", d["text"])
        self._hl_new = {k: v for k, v in self._hl_new.items() if k[0] != name}

    def _all_references(self, exclude: set[str]) -> set[str]:
        """Every part referenced from a rels file of a part not in `exclude`."""
        refs = set()
        for rels_name in self._pkg.names() + [p for p in self._pkg._rels]:
            if not rels_name.endswith(".rels"):
                continue
            d, b = posixpath.split(rels_name)
            src = posixpath.join(posixpath.dirname(d), b[:-5])
            if src in exclude or (d == "_rels" and b == ".rels" and "" in exclude):
                continue
            rels = self._pkg._rels.get(rels_name) or _Rels(self._pkg.read(rels_name)
                                                           if self._pkg.exists(rels_name) else None)
            for r in rels.items:
                if r.get("TargetMode") != "External":
                    refs.add(_resolve(src, r["Target"]))
        return refs

    def _drop_subtree(self, part: str, keep_part: bool) -> None:
        """Delete a sheet's part (unless keep_part) and every part only it reaches (drawings, charts...)."""
        pkg = self._pkg
        subtree, todo = [], [part]
        while todo:
            p = todo.pop()
            if p in subtree:
                continue
            subtree.append(p)
            for r in pkg.rels(p).items:
                if r.get("TargetMode") != "External":
                    todo.append(_resolve(p, r["Target"]))
        outside = self._all_references(set(subtree))
        for p in subtree:
            if p == part:
                pkg.rels(p).items = []
                if not keep_part:
                    pkg.delete(p)
                    self._ct.remove(p)
            elif p not in outside and pkg.exists(p):
                pkg.rels(p).items = []
                pkg.delete(p)
                self._ct.remove(p)

    # -- new sheet XML

    def _sheet_xml(self, spec: SheetSpec, part: str) -> str:
        styles = self._styles
        rows_xml = []
        maxc = 0
        spans = _merged_widths(spec)
        for r, row in enumerate(spec.rows, start=1):
            cells = []
            lines = 0
            for c, value in enumerate(row, start=1):
                st = None
                if type(value) is tuple:
                    value, st = value
                xf = styles.xf_for(st) if st is not None else None
                if st is not None and st.wrap and not _is_missing(value):
                    width = spans.get((r, c), spec.col_widths.get(c, 8.43))
                    lines = max(lines, wrapped_lines(value, width))
                if _is_missing(value):
                    if xf is None:
                        continue
                    cells.append(_cell_xml(r, c, [xf, "", None]))
                else:
                    t, inner, date_fmt = _encode(value, self._date1904)
                    if date_fmt and (st is None or not st.num_format):
                        xf = styles.xf_for(replace(st or CellStyle(), num_format=date_fmt))
                    cells.append(_cell_xml(r, c, [xf, t, inner]))
                maxc = max(maxc, c)
            height = spec.row_heights.get(r) or (row_height(lines) if lines > 1 else None)
            ht = f' ht="{height:g}" customHeight="1"' if height else ""
            if cells or ht:
                rows_xml.append(f'<row r="{r}"{ht}>{"".join(cells)}</row>')
        dim = f"A1:{_ref(max(len(spec.rows), 1), max(maxc, 1))}" if rows_xml else "A1"
        pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if spec.fit_width else ""
        view = '<sheetView workbookViewId="0"'
        if spec.freeze and (spec.freeze[0] or spec.freeze[1]):
            fr, fc = spec.freeze
            pane = "bottomRight" if fr and fc else ("bottomLeft" if fr else "topRight")
            split = (f' xSplit="{fc}"' if fc else "") + (f' ySplit="{fr}"' if fr else "")
            view += (f'><pane{split} '
                     f'topLeftCell="{_ref(fr + 1, fc + 1)}" activePane="{pane}" state="frozen"/>'
                     f'<selection pane="{pane}" activeCell="{_ref(fr + 1, fc + 1)}" '
                     f'sqref="{_ref(fr + 1, fc + 1)}"/></sheetView>')
        else:
            view += "/>"
        cols = ""
        if spec.col_widths:
            cols = "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{float(w):g}" customWidth="1"/>'
                                      for c, w in sorted(spec.col_widths.items())) + "</cols>"
        tail = ""
        if spec.autofilter:
            tail += f'<autoFilter ref="{_attr(spec.autofilter)}"/>'
        if spec.merges:
            tail += f'<mergeCells count="{len(spec.merges)}">' + "".join(
                f'<mergeCell ref="{_attr(m)}"/>' for m in spec.merges) + "</mergeCells>"
        if spec.hyperlinks:
            tail += "<hyperlinks>" + "".join(
                f'<hyperlink ref="{_attr(c)}" location="{_attr(loc.lstrip("#"))}" display="{_attr(loc.lstrip("#"))}"/>'
                for c, loc in spec.hyperlinks.items()) + "</hyperlinks>"
        tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        if spec.landscape or spec.fit_width:
            tail += ('<pageSetup paperSize="9"' + (' orientation="landscape"' if spec.landscape else "")
                     + (' fitToWidth="1" fitToHeight="0"' if spec.fit_width else "") + "/>")
        if spec.charts:
            tail += f'<drawing r:id="{self._add_charts(spec, part)}"/>'
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">{pr}<dimension ref="{dim}"/>'
                f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>{cols}'
                f'<sheetData>{"".join(rows_xml)}</sheetData>{tail}</worksheet>')

    def _add_charts(self, spec: SheetSpec, sheet_part: str) -> str:
        pkg = self._pkg
        drawing = pkg.unused_name("xl/drawings/drawing{}.xml")
        pkg.write(drawing, b"")   # reserve the name
        anchors = []
        for chart in spec.charts:
            chart_part = pkg.unused_name("xl/charts/chart{}.xml")
            pkg.write(chart_part, _chart_xml(chart, spec.name).encode("utf-8"))
            self._ct.set_override(chart_part, CT_CHART)
            anchors.append((chart, pkg.rels(drawing).add(RT_CHART, _relative(drawing, chart_part))))
        pkg.write(drawing, _drawing_xml(anchors).encode("utf-8"))
        self._ct.set_override(drawing, CT_DRAWING)
        return pkg.rels(sheet_part).add(RT_DRAWING, _relative(sheet_part, drawing))

    # -- saving

    def save(self, path):
        """Write the patched workbook atomically to `path` (fullCalcOnLoad set)."""
        target = Path(path)
        ext = target.suffix.lower()
        if self._macro and ext != ".xlsm":
            raise InputError("含宏的工作簿只能保存为 .xlsm", file=target.name)
        if not self._macro and ext not in (".xlsx", ".xlsm"):
            raise InputError("输出文件扩展名应为 .xlsx", file=target.name)
        if ext == ".xlsm" and not self._macro:
            raise InputError("不含宏的工作簿应保存为 .xlsx", file=target.name)
        if target.exists() and target.resolve() == self.path.resolve():
            self._detach_from_source()   # so the source can be replaced (Windows keeps open files locked)
        saved = (self._pkg, self._ct, self._styles, self._wb)
        self._pkg, self._ct = copy.deepcopy(self._pkg), copy.deepcopy(self._ct)
        self._styles, self._wb = copy.deepcopy(self._styles), copy.deepcopy(self._wb)
        try:
            self._finish()
            self._write_zip(target)
        finally:
            self._pkg, self._ct, self._styles, self._wb = saved

    def _detach_from_source(self) -> None:
        data = self.path.read_bytes()
        old = self._pkg.zf
        self._pkg.zf = zipfile.ZipFile(io.BytesIO(data))
        self._pkg.infos = {i.filename: i for i in self._pkg.zf.infolist() if not i.is_dir()}
        old.close()

    def close(self) -> None:
        """Release the source file."""
        self._pkg.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _finish(self) -> None:
        pkg, wb = self._pkg, self._wb
        plans = {p: _SheetPlan(plan.edits, plan.clears, plan.widths,
                               {r: {c: list(f) for c, f in d.items()} for r, d in plan.ops.items()}, plan.tails,
                               plan.tail_columns)
                 for p, plan in self._plans.items()}
        records = self._apply_highlights(plans)
        touched = False
        by_part = {s["part"]: s for s in wb.sheets}
        for part, plan in plans.items():
            if plan.empty() or part not in by_part:
                continue
            self._rewrite_sheet(part, plan, by_part[part]["name"])
            touched = True
        if touched or any(p in pkg.changed for p in by_part):
            for r in list(pkg.rels(wb.part).by_type(RT_CALCCHAIN)):   # stale chains make Excel "repair"
                cc = _resolve(wb.part, r["Target"])
                pkg.rels(wb.part).remove(r["Id"])
                pkg.delete(cc)
                self._ct.remove(cc)
        self._save_records(records)
        if self._styles.dirty:
            if not self._styles_part:
                self._styles_part = "xl/styles.xml"
                pkg.rels(wb.part).add(RT_STYLES, _relative(wb.part, self._styles_part))
                self._ct.set_override(self._styles_part, CT_STYLES)
            pkg.write(self._styles_part, self._styles.to_xml().encode("utf-8"))
        pkg.write(wb.part, wb.to_xml().encode("utf-8"))
        pkg.flush_rels()
        if self._ct.changed():
            pkg.write("[Content_Types].xml", self._ct.to_bytes())

    def prepare(self, sheet: str | None = None) -> None:
        """Read a sheet (default: the largest) and find where its rows end now rather than when saving, e.g.
        while another thread parses the workbook; save uses it as long as that sheet's part has not been replaced."""
        sizes = {s["name"]: self._pkg.infos[s["part"]].file_size for s in self._wb.sheets
                 if s.get("kind") == "worksheet" and s["part"] in self._pkg.infos}
        if sheet not in sizes:
            sheet = max(sizes, key=sizes.get, default=None)
        if sheet is None:
            return
        part = self._sheet(sheet)["part"]
        if part not in self._prepared and part not in self._pkg.changed:
            head, open_tag, body, tail = self._split_sheet(part, sheet)
            body, rows = _SheetRewriter.row_ends(body)
            # the rightmost column the dimension claims, checked: then saving need not scan the cells again
            m = re.search(r'<dimension\b[^>]*?\bref="[A-Z]*\d*:?\$?([A-Z]+)\$?\d+"', head)
            right = _col_index(m.group(1)) if m and m.group(1) in _COL_INDEX_B_STR else None
            if right is not None and (right >= 16384 or _cell_not_left_of(right + 1).search(body)):
                right = None
            self._prepared[part] = (head, open_tag, body, tail, (*rows, right))

    def _split_sheet(self, part: str, name: str):
        """(head text, sheetData open tag, body, tail) of a worksheet part."""
        where = {"file": self._file, "sheet": name}
        xml = self._pkg.read(part)
        if not re.search(rb"<worksheet[\s>]", xml[:4000]):
            raise InputError("工作表 XML 使用了带前缀的命名空间，本工具暂不能修改，请在 Excel 中另存后再试", **where)
        m = re.search(rb"<sheetData\b[^>]*?(/?)>", xml)
        if not m:
            raise InputError("工作表缺少 sheetData 部分", **where)
        head = xml[:m.start()].decode("utf-8")
        if m.group(1):
            body, tail = b"", xml[m.end():]
            open_tag = b"<sheetData>"
        else:
            end = xml.find(b"</sheetData>", m.end())
            body, tail = xml[m.end():end], xml[end + len(b"</sheetData>"):]
            open_tag = m.group(0)
        del xml
        return head, open_tag, body, tail

    def _rewrite_sheet(self, part: str, plan: _SheetPlan, name: str) -> None:
        where = {"file": self._file, "sheet": name}
        prepared = self._prepared.get(part) if part not in self._pkg.changed else None
        head, open_tag, body, tail, rows = prepared or (*self._split_sheet(part, name), None)
        rw = _SheetRewriter(plan, self._styles, where)
        pieces = [body]
        if plan.edits or plan.clears or plan.ops or plan.tails:
            pieces = rw.append_only(body, rows)
            if pieces is None:
                rw = _SheetRewriter(plan, self._styles, where)
                pieces = rw.rewrite(body)
            else:
                pieces = [pieces]   # an iterator, written while it is produced
            dim = f'<dimension ref="{rw.dimension()}"/>'
            if re.search(r"<dimension\b[^>]*?/>", head):
                head = re.sub(r"<dimension\b[^>]*?/>", dim, head, count=1)
            else:
                head = _insert_before_first(head + "<sheetData>", ["<sheetViews", "<sheetFormatPr", "<cols",
                                                                   "<sheetData"], dim)[:-len("<sheetData>")]
        if plan.widths:
            head = _apply_widths(head, plan.widths)
        del body
        self._pkg.write(part, [head.encode("utf-8"), open_tag, *pieces, b"</sheetData>", tail])

    # -- highlights at save time

    def _apply_highlights(self, plans: dict[str, _SheetPlan]) -> list[dict]:
        wb = self._wb
        by_id = {s["sheetId"]: s for s in wb.sheets if s.get("kind") == "worksheet"}
        by_name = {s["name"]: s for s in wb.sheets}
        new_keys = {(by_name[n]["sheetId"], _ref(r, c)) for (n, r, c) in self._hl_new if n in by_name}
        reverts = [rec for rec in self._records if self._hl_cleared or (rec["sheetId"], rec["ref"]) in new_keys]
        kept = [rec for rec in self._records if rec not in reverts and rec["sheetId"] in by_id]
        # group work by sheet part
        work: dict[str, dict] = {}

        def w(sheet):
            return work.setdefault(sheet["part"], {"sheet": sheet, "reverts": [], "adds": []})
        for rec in reverts:
            if rec["sheetId"] in by_id and by_id[rec["sheetId"]]["part"] not in self._pkg.changed:
                w(by_id[rec["sheetId"]])["reverts"].append(rec)
        for (name, row, col), (text, fill) in self._hl_new.items():
            w(by_name[name])["adds"].append([row, col, text, fill, None])
        if self._hl_cleared:
            for s in wb.sheets:
                if s.get("kind") == "worksheet" and s["part"] and self._pkg.exists(s["part"]):
                    if self._pkg.rels(s["part"]).by_type(RT_COMMENTS):
                        w(s)
        new_records = list(kept)
        styles = self._styles
        for part, job in work.items():
            plan = plans.setdefault(part, _SheetPlan())
            sheet = job["sheet"]
            for rec in job["reverts"]:
                row, col = _parse_ref(rec["ref"])

                def revert(cell, rec=rec):
                    if cell is not None and cell[0] == rec["hl"]:
                        cell[0] = rec["orig"]
                        if not rec["existed"] and cell[2] is None and not cell[1].strip():
                            return None
                    return cell
                plan.ops.setdefault(row, {}).setdefault(col, []).append(revert)
            for add in job["adds"]:
                row, col, text, fill, _ = add
                rec = add[4] = {"sheetId": sheet["sheetId"], "ref": _ref(row, col), "comment": None}

                def apply(cell, rec=rec, fill=fill):
                    rec["existed"] = cell is not None
                    rec["orig"] = cell[0] if cell is not None else None
                    new = styles.with_fill(rec["orig"], fill)
                    rec["hl"] = new
                    if cell is None:
                        return [new, "", None]
                    cell[0] = new
                    return cell
                plan.ops.setdefault(row, {}).setdefault(col, []).append(apply)
                new_records.append(rec)
            self._update_comments(part, job, new_records)
        return new_records

    def _update_comments(self, part: str, job: dict, records: list[dict]) -> None:
        pkg = self._pkg
        rels = pkg.rels(part)
        c_rel = rels.by_type(RT_COMMENTS)
        v_rel = rels.by_type(RT_VML)
        c_part = _resolve(part, c_rel[0]["Target"]) if c_rel else None
        v_part = _resolve(part, v_rel[0]["Target"]) if v_rel else None
        if c_part is None and not job["adds"]:
            return
        comments = _Comments(pkg.read(c_part).decode("utf-8") if c_part else None)
        vml_encoding = "utf-8"
        vml = pkg.read(v_part) if v_part else None
        if vml is not None:
            try:
                vml = vml.decode("utf-8")
            except UnicodeDecodeError:   # older Excel wrote VML in the ANSI code page
                vml_encoding = "cp1252"
                vml = vml.decode(vml_encoding, "replace")
        removed_cells: set[tuple[int, int]] = set()
        restored = False
        # undo: toolkit comments go away, merged user comments are restored
        for rec in job["reverts"]:
            ref = rec["ref"]
            if ref not in comments.comments:
                continue
            if rec["comment"] is not None:
                comments.comments[ref] = rec["comment"]
                restored = True
            elif comments.author_of(ref) == TOOLKIT_AUTHOR:
                del comments.comments[ref]
                removed_cells.add(_parse_ref(ref))
        if self._hl_cleared:
            for ref in [r for r in comments.comments if comments.author_of(r) == TOOLKIT_AUTHOR]:
                del comments.comments[ref]
                removed_cells.add(_parse_ref(ref))
        comments.drop_unused_toolkit_author()
        added_cells = []
        for row, col, text, fill, rec in job["adds"]:
            ref = _ref(row, col)
            if ref in comments.comments and comments.author_of(ref) != TOOLKIT_AUTHOR:
                user = rec["comment"] = comments.comments[ref]
                k = user.rfind("</text>")
                if k > 0:   # the user's note stays; the toolkit's text is appended to it
                    note = f"\n【{TOOLKIT_AUTHOR}】{text}"
                    comments.comments[ref] = (user[:k] + f'<r><t xml:space="preserve">{_text(note)}</t></r>'
                                              + user[k:])
                    restored = True
                continue
            if ref in comments.comments:
                del comments.comments[ref]
                removed_cells.add((row, col))
            aid = comments.author_id(TOOLKIT_AUTHOR)
            comments.comments[ref] = (f'<comment ref="{ref}" authorId="{aid}"><text>{_comment_run(text)}</text>'
                                      "</comment>")
            added_cells.append((row, col))
        if not (removed_cells or added_cells or restored):
            return
        # write back comments part
        if comments.comments:
            if c_part is None:
                c_part = pkg.unused_name("xl/comments{}.xml")
                rels.add(RT_COMMENTS, _relative(part, c_part))
                self._ct.set_override(c_part, CT_COMMENTS)
            pkg.write(c_part, comments.to_xml().encode("utf-8"))
        elif c_part is not None:
            pkg.delete(c_part)
            self._ct.remove(c_part)
            rels.remove(c_rel[0]["Id"])
        # VML note shapes
        if vml is not None:
            vml = _vml_remove_notes(vml, removed_cells - set(added_cells))
            vml = _vml_remove_notes(vml, set(added_cells))
        if added_cells:
            if vml is None:
                block = self._next_vml_block()
                vml = VML_HEAD.replace("{block}", str(block)) + VML_SHAPETYPE + "</xml>"
            else:
                m = re.search(r'<o:idmap\b[^>]*data="(\d+)', vml)
                block = int(m.group(1)) if m else self._next_vml_block()
            vml = _vml_add_notes(vml, added_cells, block)
        if vml is not None:
            has_shapes = "<v:shape " in vml or "<v:shape\n" in vml
            if not has_shapes and v_part is not None and not comments.comments:
                pkg.delete(v_part)
                self._ct.remove(v_part)
                rels.remove(v_rel[0]["Id"])
                self._set_legacy_drawing(part, None)
            else:
                if v_part is None:
                    v_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
                    self._ct.ensure_default("vml", CT_VML)
                    rid = rels.add(RT_VML, _relative(part, v_part))
                    self._set_legacy_drawing(part, rid)
                pkg.write(v_part, vml.encode(vml_encoding, "xmlcharrefreplace"))

    def _next_vml_block(self) -> int:
        blocks = [0]
        for n in self._pkg.names():
            if n.endswith(".vml"):
                m = re.search(rb'<o:idmap\b[^>]*data="([\d,]+)"', self._pkg.read(n))
                if m:
                    blocks += [int(x) for x in m.group(1).split(b",") if x]
        return max(blocks) + 1

    def _set_legacy_drawing(self, part: str, rid: str | None) -> None:
        """Point the sheet's <legacyDrawing> (comment shapes) at rid, or remove it; only the tail is decoded."""
        data = self._pkg.read(part)
        k = data.rfind(b"</sheetData>")
        if k >= 0:
            k += len(b"</sheetData>")
        else:
            m = re.search(rb"<sheetData\b[^>]*/>", data)
            k = m.end() if m else 0
        head, tail = data[:k], data[k:].decode("utf-8")
        tail = re.sub(r"<legacyDrawing\b[^>]*?/>", "", tail)
        if rid:
            root = re.search(rb"<worksheet\b[^>]*>", head)
            if root and b"xmlns:r=" not in root.group(0):
                head = head[:root.start()] + b'<worksheet xmlns:r="' + NS_R.encode() + b'"' + head[root.start() + 10:]
            tail = _insert_before_first(tail, ["<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects",
                                               "<controls", "<webPublishItems", "<tableParts", "<extLst",
                                               "<mc:AlternateContent", "</worksheet>"],
                                        f'<legacyDrawing r:id="{rid}"/>')
        self._pkg.write(part, head + tail.encode("utf-8"))

    def _save_records(self, records: list[dict]) -> None:
        pkg, wb = self._pkg, self._wb
        part = self._record_part
        if not records:
            if part and pkg.exists(part):
                for r in list(pkg.rels(wb.part).items):
                    if r["Type"] == RT_CUSTOMXML and _resolve(wb.part, r["Target"]) == part:
                        pkg.rels(wb.part).remove(r["Id"])
                for r in pkg.rels(part).items:
                    props = _resolve(part, r["Target"])
                    pkg.delete(props)
                    self._ct.remove(props)
                pkg.rels(part).items = []
                pkg.delete(part)
                self._ct.remove(part)
            return
        rows = []
        for rec in records:
            attrs = (f'sheetId="{rec["sheetId"]}" ref="{rec["ref"]}" orig="{"" if rec["orig"] is None else rec["orig"]}"'
                     f' existed="{int(rec["existed"])}" hl="{rec["hl"]}"')
            if rec["comment"] is not None:
                rows.append(f'<hl {attrs} userComment="1">{_text(rec["comment"])}</hl>')
            else:
                rows.append(f"<hl {attrs}/>")
        data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<highlights xmlns="{RECORD_NS}">{"".join(rows)}</highlights>').encode("utf-8")
        if not part:
            part = pkg.unused_name("customXml/item{}.xml")
            props = part.replace("item", "itemProps", 1)
            pkg.write(props, ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                              f'<ds:datastoreItem ds:itemID="{RECORD_ITEM_ID}" '
                              'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                              f'<ds:schemaRefs><ds:schemaRef ds:uri="{RECORD_NS}"/></ds:schemaRefs>'
                              '</ds:datastoreItem>').encode("utf-8"))
            self._ct.set_override(props, CT_CUSTOMXML_PROPS)
            if "xml" not in self._ct.defaults:
                self._ct.set_override(part, "application/xml")
            pkg.rels(part).add(RT_CUSTOMXML_PROPS, posixpath.basename(props))
            pkg.rels(wb.part).add(RT_CUSTOMXML, _relative(wb.part, part))
        pkg.write(part, data)

    def _write_zip(self, target: Path) -> None:
        pkg = self._pkg
        names = pkg.names()
        if "[Content_Types].xml" in names:
            names.remove("[Content_Types].xml")
            names.insert(0, "[Content_Types].xml")
        try:
            self._write_members(target, pkg, names)
        except OverflowError:   # a part or the whole package past 4 GB: Excel could not open it either
            raise InputError("输出工作簿超过 4 GB，Excel 无法打开这样大的文件，请把台账按年度或月份拆分后再处理",
                             file=target.name) from None

    def _write_members(self, target: Path, pkg, names: list[str]) -> None:
        with atomic_write(target) as f:
            zout = ZipWriter(f)
            try:
                self._write_each(zout, pkg, names)
                zout.close()
            finally:
                zout.shutdown()

    @staticmethod
    def _write_each(zout: ZipWriter, pkg, names: list[str]) -> None:
        for name in names:
            old = pkg.infos.get(name)
            date_time = old.date_time if old else _FIXED_ZIP_TIME
            attr = old.external_attr if old else 0o600 << 16
            if name not in pkg.changed:   # unchanged: copied as stored, never inflated and deflated again
                zout.copy(pkg.zf, old)
                continue
            data = pkg.changed[name]
            method = old.compress_type if old and old.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
            if isinstance(data, list):   # a rewritten sheet: streamed, never joined in memory
                zout.write_pieces(name, _flatten(data), date_time, attr, level=1, method=method)
            else:
                zout.write(name, data, date_time, attr, level=6 if len(data) < 4_000_000 else 1, method=method)
