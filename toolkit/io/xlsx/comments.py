"""Cell notes: the comments part of a sheet, the VML shapes Excel draws them with, and the toolkit's own notes added
to and removed from both."""

from __future__ import annotations

import re

from toolkit.io.xlsx.ooxml import (CT_COMMENTS, CT_VML, NS_MAIN, NS_R, RT_COMMENTS, RT_VML, cell_ref,
                                   insert_before_first, parse_attrs, parse_ref, relative_target, resolve_target,
                                   unescape, xml_text)

TOOLKIT_AUTHOR = "法援工具箱"


class Comments:
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
        self.authors = [unescape(a) for a in re.findall(r"<author>(.*?)</author>", m_auth.group(1) or "", re.S)]
        self.comments: dict[str, str] = {}   # cell ref -> raw <comment> element, in file order
        for raw in re.findall(r"<comment\b.*?</comment>|<comment\b[^>]*?/>", m_list.group(1) or "", re.S):
            self.comments[parse_attrs(raw[:raw.find(">")]).get("ref", "")] = raw

    def author_of(self, ref: str) -> str | None:
        raw = self.comments.get(ref)
        if raw is None:
            return None
        i = int(parse_attrs(raw[:raw.find(">")]).get("authorId", "-1"))
        return self.authors[i] if 0 <= i < len(self.authors) else None

    def author_id(self, name: str) -> int:
        if name not in self.authors:
            self.authors.append(name)
        return self.authors.index(name)

    def drop_unused_toolkit_author(self) -> None:
        if self.authors and self.authors[-1] == TOOLKIT_AUTHOR:
            i = len(self.authors) - 1
            if not any(parse_attrs(c[:c.find(">")]).get("authorId") == str(i) for c in self.comments.values()):
                self.authors.pop()

    def to_xml(self) -> str:
        authors = "".join(f"<author>{xml_text(a)}</author>" for a in self.authors)
        return (f"{self.head}<authors>{authors}</authors>{self.middle}"
                f"<commentList>{''.join(self.comments.values())}</commentList>{self.tail}")


def _comment_run(text: str) -> str:
    return (f'<r><rPr><b/><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr>'
            f'<t xml:space="preserve">{xml_text(TOOLKIT_AUTHOR)}:\n</t></r>'
            f'<r><rPr><sz val="9"/><rFont val="宋体"/><charset val="134"/></rPr>'
            f'<t xml:space="preserve">{xml_text(text)}</t></r>')


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
        vml = insert_before_first(vml, ["<v:shape", "</xml>"], VML_SHAPETYPE)
    shapes = "".join(_vml_shape(nxt + i, r, c) for i, (r, c) in enumerate(cells))
    k = vml.rfind("</xml>")
    return vml[:k] + shapes + vml[k:]


def update_comments(pkg, ct, part: str, job: dict, cleared: bool) -> None:
    """The toolkit's notes of one sheet after a highlight job (`reverts`, `adds`; `cleared`: all of the toolkit's
    notes go): the comments part, its VML shapes and the sheet's <legacyDrawing>."""
    rels = pkg.rels(part)
    c_rel = rels.by_type(RT_COMMENTS)
    v_rel = rels.by_type(RT_VML)
    c_part = resolve_target(part, c_rel[0]["Target"]) if c_rel else None
    v_part = resolve_target(part, v_rel[0]["Target"]) if v_rel else None
    if c_part is None and not job["adds"]:
        return
    comments = Comments(pkg.read(c_part).decode("utf-8") if c_part else None)
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
            removed_cells.add(parse_ref(ref))
    if cleared:
        for ref in [r for r in comments.comments if comments.author_of(r) == TOOLKIT_AUTHOR]:
            del comments.comments[ref]
            removed_cells.add(parse_ref(ref))
    comments.drop_unused_toolkit_author()
    added_cells = []
    for row, col, text, fill, rec in job["adds"]:
        ref = cell_ref(row, col)
        if ref in comments.comments and comments.author_of(ref) != TOOLKIT_AUTHOR:
            user = rec["comment"] = comments.comments[ref]
            k = user.rfind("</text>")
            if k > 0:   # the user's note stays; the toolkit's text is appended to it
                note = f"\n【{TOOLKIT_AUTHOR}】{text}"
                comments.comments[ref] = (user[:k] + f'<r><t xml:space="preserve">{xml_text(note)}</t></r>'
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
            rels.add(RT_COMMENTS, relative_target(part, c_part))
            ct.set_override(c_part, CT_COMMENTS)
        pkg.write(c_part, comments.to_xml().encode("utf-8"))
    elif c_part is not None:
        pkg.delete(c_part)
        ct.remove(c_part)
        rels.remove(c_rel[0]["Id"])
    # VML note shapes
    if vml is not None:
        vml = _vml_remove_notes(vml, removed_cells - set(added_cells))
        vml = _vml_remove_notes(vml, set(added_cells))
    if added_cells:
        if vml is None:
            block = next_vml_block(pkg)
            vml = VML_HEAD.replace("{block}", str(block)) + VML_SHAPETYPE + "</xml>"
        else:
            m = re.search(r'<o:idmap\b[^>]*data="(\d+)', vml)
            block = int(m.group(1)) if m else next_vml_block(pkg)
        vml = _vml_add_notes(vml, added_cells, block)
    if vml is not None:
        has_shapes = "<v:shape " in vml or "<v:shape\n" in vml
        if not has_shapes and v_part is not None and not comments.comments:
            pkg.delete(v_part)
            ct.remove(v_part)
            rels.remove(v_rel[0]["Id"])
            set_legacy_drawing(pkg, part, None)
        else:
            if v_part is None:
                v_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
                ct.ensure_default("vml", CT_VML)
                rid = rels.add(RT_VML, relative_target(part, v_part))
                set_legacy_drawing(pkg, part, rid)
            pkg.write(v_part, vml.encode(vml_encoding, "xmlcharrefreplace"))


def next_vml_block(pkg) -> int:
    """One more than the highest VML shape block any part of the package uses."""
    blocks = [0]
    for n in pkg.names():
        if n.endswith(".vml"):
            m = re.search(rb'<o:idmap\b[^>]*data="([\d,]+)"', pkg.read(n))
            if m:
                blocks += [int(x) for x in m.group(1).split(b",") if x]
    return max(blocks) + 1


def set_legacy_drawing(pkg, part: str, rid: str | None) -> None:
    """Point the sheet's <legacyDrawing> (comment shapes) at rid, or remove it; only the tail is decoded."""
    data = pkg.read(part)
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
        tail = insert_before_first(tail, ["<legacyDrawingHF", "<drawingHF", "<picture", "<oleObjects",
                                          "<controls", "<webPublishItems", "<tableParts", "<extLst",
                                          "<mc:AlternateContent", "</worksheet>"],
                                   f'<legacyDrawing r:id="{rid}"/>')
    pkg.write(part, head + tail.encode("utf-8"))
