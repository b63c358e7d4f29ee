"""Highlighted cells: a fill and a toolkit note on a cell, recorded in a customXml part of the workbook so that a
later run can restore the cell's own style and note."""

from __future__ import annotations

import posixpath
from xml.etree import ElementTree as ET

from toolkit.io.xlsx.comments import update_comments
from toolkit.io.xlsx.ooxml import (CT_CUSTOMXML_PROPS, RT_COMMENTS, RT_CUSTOMXML, RT_CUSTOMXML_PROPS, cell_ref,
                                   parse_ref, relative_target, resolve_target, xml_text)
from toolkit.io.xlsx.row_rewriter import SheetPlan

RECORD_NS = "urn:legalaid-toolkit:highlights"
RECORD_ITEM_ID = "{6F1D2C3A-4B5E-4F60-9A7B-1C2D3E4F5A6B}"


def load_records(pkg) -> tuple[list[dict], str | None]:
    """The toolkit's record of the cells it highlighted (and the part holding it), from an earlier run."""
    for name in pkg.names():
        if name.startswith("customXml/item") and name.endswith(".xml") and "Props" not in name:
            data = pkg.read(name)
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


def plan_highlights(pkg, ct, wb, styles, plans: dict[str, SheetPlan], records: list[dict],
                    added: dict[tuple[str, int, int], tuple[str, str]], cleared: bool) -> list[dict]:
    """Add to `plans` the fills of the new highlights (`added`: (sheet, row, column) → (note, fill)) and the undoing of
    the earlier ones they replace (all of them when `cleared`); update the notes. Returns the records to save."""
    by_id = {s["sheetId"]: s for s in wb.sheets if s.get("kind") == "worksheet"}
    by_name = {s["name"]: s for s in wb.sheets}
    new_keys = {(by_name[n]["sheetId"], cell_ref(r, c)) for (n, r, c) in added if n in by_name}
    reverts = [rec for rec in records if cleared or (rec["sheetId"], rec["ref"]) in new_keys]
    kept = [rec for rec in records if rec not in reverts and rec["sheetId"] in by_id]
    # group work by sheet part
    work: dict[str, dict] = {}

    def w(sheet):
        return work.setdefault(sheet["part"], {"sheet": sheet, "reverts": [], "adds": []})
    for rec in reverts:
        if rec["sheetId"] in by_id and by_id[rec["sheetId"]]["part"] not in pkg.changed:
            w(by_id[rec["sheetId"]])["reverts"].append(rec)
    for (name, row, col), (text, fill) in added.items():
        w(by_name[name])["adds"].append([row, col, text, fill, None])
    if cleared:
        for s in wb.sheets:
            if s.get("kind") == "worksheet" and s["part"] and pkg.exists(s["part"]):
                if pkg.rels(s["part"]).by_type(RT_COMMENTS):
                    w(s)
    new_records = list(kept)
    for part, job in work.items():
        plan = plans.setdefault(part, SheetPlan())
        sheet = job["sheet"]
        for rec in job["reverts"]:
            row, col = parse_ref(rec["ref"])

            def revert(cell, rec=rec):
                if cell is not None and cell[0] == rec["hl"]:
                    cell[0] = rec["orig"]
                    if not rec["existed"] and cell[2] is None and not cell[1].strip():
                        return None
                return cell
            plan.ops.setdefault(row, {}).setdefault(col, []).append(revert)
        for add in job["adds"]:
            row, col, text, fill, _ = add
            rec = add[4] = {"sheetId": sheet["sheetId"], "ref": cell_ref(row, col), "comment": None}

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
        update_comments(pkg, ct, part, job, cleared)
    return new_records


def save_records(pkg, ct, wb, part: str | None, records: list[dict]) -> None:
    """Write the record of highlighted cells into its customXml part (`part`, or a new one); none: the part goes."""
    if not records:
        if part and pkg.exists(part):
            for r in list(pkg.rels(wb.part).items):
                if r["Type"] == RT_CUSTOMXML and resolve_target(wb.part, r["Target"]) == part:
                    pkg.rels(wb.part).remove(r["Id"])
            for r in pkg.rels(part).items:
                props = resolve_target(part, r["Target"])
                pkg.delete(props)
                ct.remove(props)
            pkg.rels(part).items = []
            pkg.delete(part)
            ct.remove(part)
        return
    rows = []
    for rec in records:
        attrs = (f'sheetId="{rec["sheetId"]}" ref="{rec["ref"]}" orig="{"" if rec["orig"] is None else rec["orig"]}"'
                 f' existed="{int(rec["existed"])}" hl="{rec["hl"]}"')
        if rec["comment"] is not None:
            rows.append(f'<hl {attrs} userComment="1">{xml_text(rec["comment"])}</hl>')
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
        ct.set_override(props, CT_CUSTOMXML_PROPS)
        if "xml" not in ct.defaults:
            ct.set_override(part, "application/xml")
        pkg.rels(part).add(RT_CUSTOMXML_PROPS, posixpath.basename(props))
        pkg.rels(wb.part).add(RT_CUSTOMXML, relative_target(wb.part, part))
    pkg.write(part, data)
