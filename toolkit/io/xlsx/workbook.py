"""workbook.xml: its sheet list and defined names (edited as raw elements), the active and first tab kept on a
visible sheet, and formulas set to recalculate on opening."""

from __future__ import annotations

import re

from toolkit.io.xlsx.ooxml import attr_value, esc, insert_before_first, parse_attrs, unescape


class WorkbookXml:
    """workbook.xml kept as text; <sheet> and <definedName> elements edited as raw strings."""

    def __init__(self, part: str, xml: str):
        self.part = part
        self.xml = xml
        m = re.search(r"<sheets\b[^>]*?(?:/>|>(.*?)</sheets>)", xml, re.S)
        if not m:
            raise ValueError("no <sheets>")
        self.sheets: list[dict] = []
        for raw in re.findall(r"<sheet\b[^>]*?/>", m.group(1) or ""):
            a = parse_attrs(raw)
            rid = next((v for k, v in a.items() if k.endswith(":id") and k != "xr:uid"), None)
            self.sheets.append({"name": a.get("name", ""), "sheetId": int(a.get("sheetId", "0")),
                                "rid": rid, "raw": raw})
        m = re.search(r"<definedNames\b[^>]*?(?:/>|>(.*?)</definedNames>)", xml, re.S)
        self.names: list[dict] = []
        for dm in re.finditer(r"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", (m.group(1) or "") if m else "",
                              re.S):
            a = parse_attrs(dm.group(1))
            self.names.append({"attrs": a, "text": unescape(dm.group(2) or "")})
        self.dirty = False

    def to_xml(self) -> str:
        xml = self.xml
        sheets = "<sheets>" + "".join(s["raw"] for s in self.sheets) + "</sheets>"
        xml = re.sub(r"<sheets\b[^>]*?(?:/>|>.*?</sheets>)", lambda m: sheets, xml, count=1, flags=re.S)
        names = "".join(
            "<definedName" + "".join(f' {k}="{attr_value(v)}"' for k, v in d["attrs"].items()) + ">"
            + esc(d["text"]) + "</definedName>" for d in self.names)
        names = f"<definedNames>{names}</definedNames>" if names else ""
        m = re.search(r"<definedNames\b[^>]*?(?:/>|>.*?</definedNames>)", xml, re.S)
        if m:
            xml = xml[:m.start()] + names + xml[m.end():]
        elif names:
            xml = insert_before_first(xml, ["<calcPr", "<oleSize", "<customWorkbookViews", "<pivotCaches",
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
            xml = insert_before_first(xml, ["<oleSize", "<customWorkbookViews", "<pivotCaches", "<smartTagPr",
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
                               if parse_attrs(s["raw"]).get("state", "visible") == "visible"]
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
