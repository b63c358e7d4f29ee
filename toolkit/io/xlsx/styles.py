"""Cell styles: the toolkit's CellStyle, and styles.xml, to which new records are appended (deduplicated) and never
renumbered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.io.xlsx.ooxml import NS_MAIN, attr_value, insert_before_first, parse_attrs


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


class Styles:
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
            a = parse_attrs(raw)
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
        self._add("numFmts", f'<numFmt numFmtId="{i}" formatCode="{attr_value(code)}"/>')
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

    def _clone(self, xf: int | None, name: str, value: int, apply: str) -> int:
        """A cellXfs record like cellXfs[xf] but with `name`="value" (and `apply`="1")."""
        raw = self._set_attr(self._xf_raw(xf), name, value)
        return self._add("cellXfs", self._set_attr(raw, apply, 1))

    def with_fill(self, xf: int | None, rgb: str) -> int:
        """Clone of cellXfs[xf] (number format, font, border, alignment kept) with a solid fill."""
        key = ("fill", xf, rgb)
        if key not in self._cache:
            self._cache[key] = self._clone(xf, "fillId", self._fill(rgb), "applyFill")
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
        self._cache[key] = self._clone(xf, "numFmtId", self.numfmt_id(code), "applyNumberFormat")
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
                xml = insert_before_first(xml, later, new)
        return xml
