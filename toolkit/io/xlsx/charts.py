"""Native Excel charts: the chart and drawing parts of a toolkit-built sheet, and series dropped from a workbook's
own charts."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from toolkit.io.xlsx.ooxml import (CT_CHART, CT_DRAWING, NS_R, RT_CHART, RT_DRAWING, abs_range, esc, parse_ref,
                                   quote_sheet, relative_target, xml_text)


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


_CHART_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
             f'xmlns:r="{NS_R}"')


def _rich(text: str, bold: bool = True, rot: str = "") -> str:
    b = ' b="1"' if bold else ""
    return (f"<c:tx><c:rich><a:bodyPr{rot}/><a:lstStyle/><a:p><a:pPr><a:defRPr{b}/></a:pPr>"
            f'<a:r><a:rPr lang="zh-CN"{b}/><a:t>{xml_text(text)}</a:t></a:r></a:p></c:rich></c:tx>'
            '<c:overlay val="0"/>')


def _chart_xml(spec: ChartSpec, sheet: str) -> str:
    q = quote_sheet(sheet)
    kind = spec.kind
    if kind not in ("column", "bar", "pie", "line"):
        raise ValueError(f"unknown chart kind {kind!r}")
    cat = f"<c:cat><c:strRef><c:f>{esc(q + '!' + abs_range(spec.categories))}</c:f></c:strRef></c:cat>"
    sers = []
    for i, (name, rng) in enumerate(spec.series):
        val = f"<c:val><c:numRef><c:f>{esc(q + '!' + abs_range(rng))}</c:f></c:numRef></c:val>"
        head = f'<c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:v>{xml_text(name)}</c:v></c:tx>'
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
        row, col = parse_ref(spec.anchor)
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
        (r0, c0), (r1, c1) = parse_ref(first), parse_ref(last or first)
    except ValueError:
        return None
    return sheet, [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def add_charts(pkg, ct, charts: list[ChartSpec], sheet: str, sheet_part: str) -> str:
    """Write the charts of a new sheet (one drawing part); the relationship id of its <drawing>."""
    drawing = pkg.unused_name("xl/drawings/drawing{}.xml")
    pkg.write(drawing, b"")   # reserve the name
    anchors = []
    for chart in charts:
        chart_part = pkg.unused_name("xl/charts/chart{}.xml")
        pkg.write(chart_part, _chart_xml(chart, sheet).encode("utf-8"))
        ct.set_override(chart_part, CT_CHART)
        anchors.append((chart, pkg.rels(drawing).add(RT_CHART, relative_target(drawing, chart_part))))
    pkg.write(drawing, _drawing_xml(anchors).encode("utf-8"))
    ct.set_override(drawing, CT_DRAWING)
    return pkg.rels(sheet_part).add(RT_DRAWING, relative_target(sheet_part, drawing))


def drop_chart_series(pkg, is_empty) -> int:
    """Remove from the workbook's charts every series whose values range `is_empty(sheet, [(row, col), …])`
    says holds nothing (a chart keeps at least one series). Returns how many were removed."""
    removed = 0
    for name in pkg.names():
        if not (name.startswith("xl/charts/chart") and name.endswith(".xml")):
            continue
        xml = pkg.read(name).decode("utf-8")
        series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
        drop = [ser for ser in series if _series_cells(ser) and is_empty(*_series_cells(ser))]
        if drop and len(drop) < len(series):
            for ser in drop:
                xml = xml.replace(ser, "", 1)
            pkg.write(name, xml.encode("utf-8"))
            removed += len(drop)
    return removed
