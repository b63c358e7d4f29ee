"""A whole worksheet the toolkit builds (SheetSpec): rows of values and styles, widths, row heights of wrapped text,
panes, merges, links, print setup and charts, as worksheet XML."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from toolkit.io.xlsx.cells import cell_xml, encode_value, is_missing
from toolkit.io.xlsx.charts import ChartSpec
from toolkit.io.xlsx.ooxml import NS_MAIN, NS_R, attr_value, cell_ref, parse_ref
from toolkit.io.xlsx.styles import CellStyle, Styles
from toolkit.base.layout import row_height, wrapped_lines


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


def _merged_widths(spec: SheetSpec) -> dict[tuple[int, int], float]:
    """(row, column) of each merged range's first cell → the range's total width in characters."""
    out = {}
    for m in spec.merges:
        first, _, last = m.partition(":")
        (r0, c0), (r1, c1) = parse_ref(first), parse_ref(last or first)
        out[(r0, c0)] = sum(spec.col_widths.get(c, 8.43) for c in range(c0, c1 + 1))
    return out


def sheet_xml(spec: SheetSpec, styles: Styles, date1904: bool, add_drawing) -> str:
    """The worksheet XML of a whole toolkit-built sheet; `add_drawing()` writes its charts and gives the drawing's
    relationship id."""
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
            if st is not None and st.wrap and not is_missing(value):
                width = spans.get((r, c), spec.col_widths.get(c, 8.43))
                lines = max(lines, wrapped_lines(value, width))
            if is_missing(value):
                if xf is None:
                    continue
                cells.append(cell_xml(r, c, [xf, "", None]))
            else:
                t, inner, date_fmt = encode_value(value, date1904)
                if date_fmt and (st is None or not st.num_format):
                    xf = styles.xf_for(replace(st or CellStyle(), num_format=date_fmt))
                cells.append(cell_xml(r, c, [xf, t, inner]))
            maxc = max(maxc, c)
        height = spec.row_heights.get(r) or (row_height(lines) if lines > 1 else None)
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        if cells or ht:
            rows_xml.append(f'<row r="{r}"{ht}>{"".join(cells)}</row>')
    dim = f"A1:{cell_ref(max(len(spec.rows), 1), max(maxc, 1))}" if rows_xml else "A1"
    pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if spec.fit_width else ""
    view = '<sheetView workbookViewId="0"'
    if spec.freeze and (spec.freeze[0] or spec.freeze[1]):
        fr, fc = spec.freeze
        pane = "bottomRight" if fr and fc else ("bottomLeft" if fr else "topRight")
        split = (f' xSplit="{fc}"' if fc else "") + (f' ySplit="{fr}"' if fr else "")
        view += (f'><pane{split} '
                 f'topLeftCell="{cell_ref(fr + 1, fc + 1)}" activePane="{pane}" state="frozen"/>'
                 f'<selection pane="{pane}" activeCell="{cell_ref(fr + 1, fc + 1)}" '
                 f'sqref="{cell_ref(fr + 1, fc + 1)}"/></sheetView>')
    else:
        view += "/>"
    cols = ""
    if spec.col_widths:
        cols = "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{float(w):g}" customWidth="1"/>'
                                  for c, w in sorted(spec.col_widths.items())) + "</cols>"
    tail = ""
    if spec.autofilter:
        tail += f'<autoFilter ref="{attr_value(spec.autofilter)}"/>'
    if spec.merges:
        tail += f'<mergeCells count="{len(spec.merges)}">' + "".join(
            f'<mergeCell ref="{attr_value(m)}"/>' for m in spec.merges) + "</mergeCells>"
    if spec.hyperlinks:
        tail += "<hyperlinks>" + "".join(
            f'<hyperlink ref="{attr_value(c)}" location="{attr_value(loc.lstrip("#"))}" display="{attr_value(loc.lstrip("#"))}"/>'
            for c, loc in spec.hyperlinks.items()) + "</hyperlinks>"
    tail += '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    if spec.landscape or spec.fit_width:
        tail += ('<pageSetup paperSize="9"' + (' orientation="landscape"' if spec.landscape else "")
                 + (' fitToWidth="1" fitToHeight="0"' if spec.fit_width else "") + "/>")
    if spec.charts:
        tail += f'<drawing r:id="{add_drawing()}"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">{pr}<dimension ref="{dim}"/>'
            f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>{cols}'
            f'<sheetData>{"".join(rows_xml)}</sheetData>{tail}</worksheet>')
