"""Turning tagged Layouts into sheets of a real workbook file (through XlsxPatch)."""

from __future__ import annotations

from toolkit.io.xlsx.patch import CellStyle, ChartSpec, SheetSpec
from toolkit.layout import Layout, col_letter

STYLES = {
    "title": CellStyle(bold=True, font_size=14),
    "note": CellStyle(font_color="595959", wrap=True),     # grey, wrapped (row heights follow); no italic Latin
    "section": CellStyle(bold=True, font_size=12, font_color="1F4E78"),
    "header": CellStyle(bold=True, fill="D9E1F2", border=True, h_align="center"),
    "text": CellStyle(border=True),
    "money": CellStyle(num_format="#,##0.00", border=True),
    "count": CellStyle(num_format="#,##0", border=True),
    "percent": CellStyle(num_format="0.00%", border=True),
    "ratio": CellStyle(num_format="0.00", border=True),
    "total_label": CellStyle(bold=True, fill="F2F2F2", border=True),
    "total_money": CellStyle(bold=True, fill="F2F2F2", num_format="#,##0.00", border=True),
    "total_count": CellStyle(bold=True, fill="F2F2F2", num_format="#,##0", border=True),
    "error": CellStyle(fill="FFC7CE", font_color="9C0006"),
    "warning": CellStyle(fill="FFEB9C", font_color="9C5700"),
}


def _range(spec: tuple[int, int, int]) -> str:
    col, first, last = spec
    return f"{col_letter(col)}{first}:{col_letter(col)}{last}"


def layout_to_sheet_spec(layout: Layout) -> SheetSpec:
    """A Layout as the SheetSpec XlsxPatch writes (styles from the tags, charts as native charts)."""
    rows = []
    for row in layout.rows:
        rows.append([None if cell is None else (cell.value, STYLES.get(cell.tag, STYLES["text"])) for cell in row])
    charts = [ChartSpec(kind=c.kind, title=c.title, categories=_range(c.categories),
                        series=[(name, _range(ref)) for name, ref in c.series],
                        anchor=f"{col_letter(c.anchor[1])}{c.anchor[0]}", width_px=560, height_px=300)
              for c in layout.charts]
    merges = [f"{col_letter(c0)}{r0}:{col_letter(c1)}{r1}" for r0, c0, r1, c1 in layout.merges]
    return SheetSpec(name=layout.name, rows=rows, col_widths=dict(layout.widths), merges=merges, charts=charts,
                     freeze=(layout.freeze_rows, 0) if layout.freeze_rows else None,
                     landscape=layout.landscape, fit_width=layout.fit_width)
