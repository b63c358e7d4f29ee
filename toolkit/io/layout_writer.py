"""Turning tagged Layouts into sheets of a real workbook file (through XlsxPatch)."""

from __future__ import annotations

from toolkit.io.xlsx.charts import ChartSpec
from toolkit.io.xlsx.new_sheet import SheetSpec
from toolkit.io.xlsx.styles import CellStyle
from toolkit.base.layout import TAG_STYLES, Layout, TagStyle, col_letter


def cell_style(look: TagStyle) -> CellStyle:
    """A tag's look as the CellStyle XlsxPatch writes."""
    return CellStyle(bold=look.bold, font_color=look.font_color, fill=look.fill, num_format=look.num_format,
                     wrap=look.wrap, h_align=look.h_align, border=look.border, font_size=look.font_size)


STYLES = {tag: cell_style(look) for tag, look in TAG_STYLES.items()}


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
                     freeze=(layout.freeze_rows, 0) if layout.freeze_rows else None, hyperlinks=dict(layout.links),
                     landscape=layout.landscape, fit_width=layout.fit_width)
