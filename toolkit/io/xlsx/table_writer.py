"""Writing new table workbooks fast: SpreadsheetML generated directly, shared strings, written atomically.

Why not xlsxwriter here: measured on this machine, xlsxwriter costs ~10 ms for a 40-row workbook and ~10 s for a
40,000-row sheet (≈12 µs a cell); this writer does the same tables in a fraction of that, which the returns batch
needs (1,000 files a run). It writes only what a table needs: a title row, a styled header, number/date formats,
column widths, frozen header, autofilter, print setup. Every string is a shared string: no cell is ever a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from toolkit.base.layout import TableSheet
from toolkit.io.atomic import write_bytes_atomic
from toolkit.io.xlsx.ooxml import COL_LETTERS, SHEET_NAME_BAD
from toolkit.base.layout import row_height, wrapped_lines

_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_DATE = _EPOCH.date()
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}
MAX_STRING = 32767
_STYLES_XML: dict = {}      # the same few style sheets recur in every file of a batch
_SI_XML: dict = {}          # text -> its shared-string item: headers, titles, names recur across a batch


_LETTERS = COL_LETTERS[1:]   # 0-based here


def excel_width(characters: float) -> float:
    """The stored column width for a width in characters as Excel shows it (5 px padding, 7 px digits)."""
    return int((characters * 7 + 5) / 7 * 256) / 256


def shown_width(stored: float) -> float:
    """Inverse of excel_width: the width Excel shows for a stored width."""
    return round((stored * 7 - 5) / 7, 1)


def _esc(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text




class _Styles:
    """cellXfs: 0 default, 1 title, 2 header, then one per (number format, wrap) used by data cells."""

    def __init__(self, borders: bool = True):
        self.custom: dict[str, int] = {}
        self.data_xfs: dict[tuple, int] = {}
        self.xf_xml: list[str] = []

    def data(self, num_format: str | None, border: bool, wrap: bool = False) -> int:
        key = (num_format or "General", border, wrap)
        if key not in self.data_xfs:
            fmt = key[0]
            fid = _BUILTIN_FORMATS.get(fmt)
            if fid is None:
                fid = self.custom.setdefault(fmt, 164 + len(self.custom))
            align = '<alignment vertical="center" wrapText="1"/>' if wrap else '<alignment vertical="center"/>'
            self.xf_xml.append(f'<xf numFmtId="{fid}" fontId="0" fillId="0" borderId="{1 if border else 0}" '
                               f'xfId="0" applyNumberFormat="1" applyBorder="1" applyAlignment="1">{align}</xf>')
            self.data_xfs[key] = 3 + len(self.data_xfs)
        return self.data_xfs[key]

    def xml(self) -> str:
        key = (tuple(self.custom.items()), tuple(self.xf_xml))
        cached = _STYLES_XML.get(key)
        if cached is None:
            cached = _STYLES_XML[key] = self._xml()
        return cached

    def _xml(self) -> str:
        fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_esc(f)}"/>' for f, i in self.custom.items())
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
               '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
               '<alignment horizontal="center" vertical="center"/></xf>',
               '<xf numFmtId="49" fontId="1" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" '
               'applyFill="1" applyBorder="1" applyAlignment="1">'
               '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>', *self.xf_xml]
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + (f'<numFmts count="{len(self.custom)}">{fmts}</numFmts>' if self.custom else "")
                + '<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
                '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
                '<font><b/><sz val="14"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
                '<fills count="3"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill>'
                '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/>'
                '</patternFill></fill></fills>'
                '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
                '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
                '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>'
                '<diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
                '</styleSheet>')


class _Strings:
    def __init__(self):
        self.index: dict[str, int] = {}

    def get(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.index)
        return i

    def xml(self) -> str:
        parts = []
        add = parts.append
        done = _SI_XML
        if len(done) > 100_000:
            done.clear()
        for text in self.index:
            si = done.get(text)
            if si is None:
                t = _esc(text[:MAX_STRING])
                space = ' xml:space="preserve"' if t[:1].isspace() or t[-1:].isspace() or "\n" in t else ""
                si = done[text] = f"<si><t{space}>{t}</t></si>"
            add(si)
        n = len(self.index)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" '
                f'uniqueCount="{n}">{"".join(parts)}</sst>')


def _sheet_xml(sheet: TableSheet, styles: _Styles, strings: _Strings, selected: bool) -> tuple[str | bytes, int]:
    """The worksheet XML (UTF-8 bytes when rows came as bytes) and the number of rows above the data."""
    ncols = max(len(sheet.header), 1)
    wraps = set(sheet.wrap_columns)
    formats = list(sheet.formats) + [None] * (ncols - len(sheet.formats))
    col_styles = [styles.data(formats[c], sheet.borders, c in wraps) for c in range(ncols)]
    letters = _LETTERS
    out = []
    r = 0
    merge = ""
    if sheet.title:
        r += 1
        out.append(f'<row r="{r}" ht="24" customHeight="1"><c r="A{r}" s="1" t="s"><v>{strings.get(sheet.title)}</v>'
                   "</c></row>")
        if ncols > 1:
            merge = f'<mergeCells count="1"><mergeCell ref="A1:{letters[ncols - 1]}1"/></mergeCells>'
    r += 1
    header_row = r
    cells = "".join(f'<c r="{letters[c]}{r}" s="2" t="s"><v>{strings.get(str(h))}</v></c>'
                    for c, h in enumerate(sheet.header))
    header_ht = _header_height(tuple(map(str, sheet.header)), tuple(sheet.widths))
    out.append(f'<row r="{r}"{header_ht}>{cells}</row>')
    sget, sindex = strings.get, strings.index
    # per-column pieces of the cell XML; empty cells are not written (the column's style shows their border/format)
    pre = [f'<c r="{letters[c]}' for c in range(max(ncols, 1))]
    text_end = [f'" s="{col_styles[c]}" t="s"><v>' for c in range(ncols)]
    num_end = [f'" s="{col_styles[c]}"><v>' for c in range(ncols)]
    col_chars = [w or 9 for w in list(sheet.widths) + [None] * (ncols - len(sheet.widths))]
    wrap_list = sorted(c for c in wraps if c < ncols)
    encoded: list[bytes] = []      # the rows so far as UTF-8, once a row came as bytes
    for values in sheet.rows:
        r += 1
        rs = str(r)
        if type(values) is RowXml:        # rendered ahead, in a worker process
            xml = values.xml
            if xml.__class__ is bytes:    # already UTF-8: the rows in bytes between the sheet's text pieces
                if out:
                    encoded.append("".join(out).encode("utf-8"))
                    out = []
                b = rs.encode("ascii")
                encoded.append(b'<row r="%b">%b</row>' % (b, xml.replace(ROW_BYTE, b).replace(
                    NUMBER_BYTE, str(r - header_row).encode("ascii"))))
                continue
            out.append(f'<row r="{rs}">{xml.replace(ROW, rs).replace(NUMBER, str(r - header_row))}</row>')
            continue
        cells = []
        add = cells.append
        for c, value in enumerate(values):
            if value is None:
                continue
            if c >= ncols:
                break
            t = type(value)
            if t is str:
                i = sindex.get(value)
                if i is None:
                    i = sindex[value] = len(sindex)
                add(f"{pre[c]}{rs}{text_end[c]}{i}</v></c>")
            elif t is Decimal:
                if value.is_finite():
                    add(f"{pre[c]}{rs}{num_end[c]}{value:f}</v></c>")
                else:
                    add(f"{pre[c]}{rs}{text_end[c]}{sget(str(value))}</v></c>")
            elif t is int:
                add(f"{pre[c]}{rs}{num_end[c]}{value}</v></c>")
            elif t is dt.date:
                add(f"{pre[c]}{rs}{num_end[c]}{(value - _EPOCH_DATE).days}</v></c>")
            elif t is bool:
                add(f'{pre[c]}{rs}" s="{col_styles[c]}" t="b"><v>{int(value)}</v></c>')
            elif t is float:
                if value == value and value not in (float("inf"), float("-inf")):
                    add(f"{pre[c]}{rs}{num_end[c]}{value!r}</v></c>")
                else:
                    add(f"{pre[c]}{rs}{text_end[c]}{sget(str(value))}</v></c>")
            elif isinstance(value, dt.datetime):
                serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
                add(f"{pre[c]}{rs}{num_end[c]}{serial!r}</v></c>")
            elif isinstance(value, dt.date):
                add(f"{pre[c]}{rs}{num_end[c]}{(value - _EPOCH_DATE).days}</v></c>")
            elif isinstance(value, (int, float, Decimal)):      # subclasses (numpy scalars are not expected)
                add(f"{pre[c]}{rs}{num_end[c]}{value}</v></c>")
            else:
                add(f"{pre[c]}{rs}{text_end[c]}{sget(str(value))}</v></c>")
        ht = ""
        if wrap_list:     # only sheets with wrapped columns pay for measuring their texts
            lines = max((wrapped_lines(values[c], col_chars[c]) for c in wrap_list
                         if c < len(values) and type(values[c]) is str), default=1)
            ht = f' ht="{row_height(lines)}" customHeight="1"' if lines > 1 else ""
        out.append(f'<row r="{rs}"{ht}>{"".join(cells)}</row>')
    last = max(r, header_row)
    cols = _cols_xml(tuple(sheet.widths) + (None,) * (ncols - len(sheet.widths)), tuple(col_styles))
    pane = ""
    if sheet.freeze:
        pane = (f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="A{header_row + 1}" sqref="A{header_row + 1}"/>')
    tab = 'tabSelected="1" ' if selected else ""
    view = f'<sheetViews><sheetView {tab}workbookViewId="0">{pane}</sheetView></sheetViews>'

    sheet_pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if sheet.fit_to_width else ""
    autofilter = (f'<autoFilter ref="A{header_row}:{letters[ncols - 1]}{last}"/>'
                  if sheet.autofilter and sheet.header else "")
    setup = (f'<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
             f'<pageSetup paperSize="{sheet.paper}" orientation="{"landscape" if sheet.landscape else "portrait"}"'
             + (' fitToWidth="1" fitToHeight="0"' if sheet.fit_to_width else "") + "/>")
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           f'{sheet_pr}<dimension ref="A1:{letters[ncols - 1]}{last}"/>{view}'
           '<sheetFormatPr defaultRowHeight="15"/>'
           + (f"<cols>{cols}</cols>" if cols else "")
           + f'<sheetData>{"".join(out)}</sheetData>{autofilter}{merge}{setup}</worksheet>')
    if encoded:     # the same document in UTF-8: its start, the rows encoded so far, the rows after and its end
        cut = xml.index("<sheetData>") + len("<sheetData>")
        return b"".join([xml[:cut].encode("utf-8"), *encoded, xml[cut:].encode("utf-8")]), header_row
    return xml, header_row


@functools.lru_cache(maxsize=256)
def _header_height(header: tuple, widths: tuple) -> str:
    """The header row's height attribute (the same few headers recur in every file of a batch)."""
    lines = max((wrapped_lines(h, w or 9) for h, w in zip(header, widths)), default=1)
    return f' ht="{row_height(lines)}" customHeight="1"' if lines > 1 else ""


@functools.lru_cache(maxsize=256)
def _cols_xml(widths: tuple, col_styles: tuple) -> str:
    custom = ' customWidth="1"'
    return "".join(f'<col min="{c + 1}" max="{c + 1}" width="{excel_width(w or 9)}" style="{col_styles[c]}"'
                   f'{custom if w else ""}/>' for c, w in enumerate(widths))


ROW, NUMBER = "\x00", "\x01"     # placeholders in a RowXml (control characters never survive _esc)
ROW_BYTE, NUMBER_BYTE = ROW.encode(), NUMBER.encode()     # the same in a RowXml of UTF-8 bytes


class RowXml:
    """One data row rendered ahead of time: cell XML with ROW where the row number goes and NUMBER for the row's
    running number (1 for the first data row); a str, or the same XML as UTF-8 bytes (cheaper to send from a worker
    process and to fill in)."""

    __slots__ = ("xml",)

    def __init__(self, xml: str):
        self.xml = xml


class RowRenderer:
    """Renders rows for the first sheet of a later write_xlsx call (same column formats, so the same styles), with
    inline strings, so worker processes can do the work and the writer only fills in row numbers."""

    def __init__(self, formats: Sequence[str | None], borders: bool = True, wrap_columns: Sequence[int] = ()):
        styles = _Styles()
        self.styles = [styles.data(f, borders, c in wrap_columns) for c, f in enumerate(formats)]
        # each column's cell start, made once: rendering is per cell of 40,000 rows
        self.heads = [f'<c r="{_LETTERS[c]}{ROW}" s="{s}"' for c, s in enumerate(self.styles)]
        self.texts: dict[str, str] = {}     # text -> its inline-string XML (names, firms, types recur)

    def _text(self, text: str) -> str:
        done = self.texts.get(text)
        if done is None:
            if len(self.texts) > 100_000:
                self.texts.clear()
            cut = _esc(text[:MAX_STRING])
            space = ' xml:space="preserve"' if cut[:1].isspace() or cut[-1:].isspace() or "\n" in cut else ""
            done = self.texts[text] = f' t="inlineStr"><is><t{space}>{cut}</t></is></c>'
        return done

    def render(self, values: Sequence, number_column: int | None = None) -> RowXml:
        cells = []
        add = cells.append
        heads = self.heads
        ncols = len(heads)
        for c, value in enumerate(values):
            if c == number_column:
                add(f"{heads[c]}><v>{NUMBER}</v></c>")
                continue
            if value is None or c >= ncols:
                continue
            t = type(value)
            if t is str:
                add(heads[c] + self._text(value))
            elif t is Decimal and value.is_finite():
                add(f"{heads[c]}><v>{value:f}</v></c>")
            elif t is int:
                add(f"{heads[c]}><v>{value!r}</v></c>")
            elif t is dt.date:
                add(f"{heads[c]}><v>{(value - _EPOCH_DATE).days}</v></c>")
            else:
                add(self._other(heads[c], value))
        return RowXml("".join(cells))

    def render_rows(self, rows: Sequence[Sequence], number_column: int | None = None) -> list[str]:
        """[render(row, number_column).xml for row in rows], worked out column by column: a column holding one
        value in every row (a return's file, sheet and period in 汇总) is rendered once, a column of texts or
        amounts in one pass, and each row joined from its columns' pieces."""
        count = len(rows)
        if not count or any(len(row) != len(rows[0]) for row in rows):
            return [self.render(row, number_column).xml for row in rows]
        heads, texts = self.heads, self.texts
        columns = []
        for c, column in enumerate(zip(*rows)):
            if c >= len(heads):
                break
            if c == number_column:
                columns.append([f"{heads[c]}><v>{NUMBER}</v></c>"] * count)
                continue
            first = column[0]
            if all(v is first for v in column):          # the same object in every row: one rendering
                if first is not None:
                    columns.append([self._cell(heads[c], first)] * count)
                continue
            kinds = set(map(type, column))
            kinds.discard(type(None))
            head = heads[c]
            if kinds == {str}:
                columns.append(["" if v is None else head + (texts.get(v) or self._text(v)) for v in column])
            elif kinds == {Decimal} and all(v is None or v.is_finite() for v in column):
                columns.append(["" if v is None else f"{head}><v>{v:f}</v></c>" for v in column])
            else:
                columns.append(["" if v is None else self._cell(head, v) for v in column])
        if not columns:
            return [""] * count
        return ["".join(pieces) for pieces in zip(*columns)]

    def _cell(self, head: str, value) -> str:
        """One cell as render writes it."""
        t = type(value)
        if t is str:
            return head + self._text(value)
        if t is Decimal and value.is_finite():
            return f"{head}><v>{value:f}</v></c>"
        if t is int:
            return f"{head}><v>{value!r}</v></c>"
        if t is dt.date:
            return f"{head}><v>{(value - _EPOCH_DATE).days}</v></c>"
        return self._other(head, value)

    def _other(self, head: str, value) -> str:
        """A cell of any other type (the general case of render)."""
        t = type(value)
        if not isinstance(value, (int, float, Decimal, dt.date)) or (
                t is float and (value != value or value in (float("inf"), float("-inf")))) or (
                t is Decimal and not value.is_finite()):
            return head + self._text(str(value))
        if t is bool:
            return f'{head} t="b"><v>{int(value)}</v></c>'
        if t is Decimal:
            return f"{head}><v>{value:f}</v></c>"
        if isinstance(value, dt.datetime):
            return f"{head}><v>{(value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400!r}</v></c>"
        if isinstance(value, dt.date):
            return f"{head}><v>{(value - _EPOCH_DATE).days}</v></c>"
        return f"{head}><v>{value!r}</v></c>"


def safe_sheet_name(name: str, taken: set[str]) -> str:
    base = SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def xlsx_bytes_to(target, sheets: list[TableSheet]) -> None:
    """Write the workbook into a path or binary file object."""
    styles, strings = _Styles(), _Strings()
    taken: set[str] = set()
    names = [safe_sheet_name(s.name, taken) for s in sheets]
    sheet_xml, defined = [], []
    for i, sheet in enumerate(sheets):
        xml, header_row = _sheet_xml(sheet, styles, strings, i == 0)
        sheet_xml.append(xml)
        quoted = "'" + names[i].replace("'", "''") + "'"
        if sheet.print_titles:
            defined.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                           f"{_esc(quoted)}!${header_row}:${header_row}</definedName>")
        if sheet.autofilter and sheet.header:
            ncols = max(len(sheet.header), 1)
            defined.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                           f"{_esc(quoted)}!$A${header_row}:${_LETTERS[ncols - 1]}${header_row}</definedName>")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheets_el = "".join(f'<sheet name="{_esc(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
    workbook = (head + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets_el}</sheets>"
                + (f"<definedNames>{''.join(defined)}</definedNames>" if defined else "") + "</workbook>")
    n = len(sheets)
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n))
    rels += (f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             f'styles" Target="styles.xml"/><Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    wb_rels = (head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               f"{rels}</Relationships>")
    root_rels = (head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(n))
    content_types = (head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" '
                     'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/xl/workbook.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                     f"{overrides}"
                     '<Override PartName="/xl/styles.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                     '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("xl/workbook.xml", workbook),
             ("xl/_rels/workbook.xml.rels", wb_rels),
             *((f"xl/worksheets/sheet{i + 1}.xml", xml) for i, xml in enumerate(sheet_xml)),
             ("xl/styles.xml", styles.xml()), ("xl/sharedStrings.xml", strings.xml())]
    encoded = [(name, xml if xml.__class__ is bytes else xml.encode("utf-8")) for name, xml in parts]
    if type(target) is io.BytesIO and not target.getbuffer().nbytes \
            and sum(len(data) for _, data in encoded) < zipfile.ZIP64_LIMIT // 2:
        target.write(_zip_package(encoded))
        return
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in encoded:
            # a fixed timestamp: the same tables give the same bytes, run after run
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            # small parts are stored: deflating a few hundred bytes costs more than it saves
            info.compress_type = zipfile.ZIP_STORED if len(data) < 2048 else zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=1)


_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = (0 << 9) | (1 << 5) | 1          # 1980-01-01, time 00:00:00
_MEMBERS: dict = {}      # (name, bytes) -> the member as stored: the fixed parts recur in every file of a batch


def _member(name: str, data: bytes) -> tuple:
    """(name, method, CRC, stored bytes, size) of one part: deflated at level 1 from 2 KB, as the zipfile path."""
    key = (name, data)
    done = _MEMBERS.get(key)
    if done is None:
        if len(data) < 2048:
            method, body = zipfile.ZIP_STORED, data
        else:
            deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
            method, body = zipfile.ZIP_DEFLATED, deflate.compress(data) + deflate.flush()
        done = (name.encode("ascii"), method, zlib.crc32(data), body, len(data))
        if len(data) < 8192:         # only the small fixed parts are kept (styles, rels, content types)
            if len(_MEMBERS) > 256:
                _MEMBERS.clear()
            _MEMBERS[key] = done
    return done


def _zip_package(parts: list[tuple[str, bytes]]) -> bytes:
    """The zip zipfile.ZipFile writes for these parts into an empty BytesIO (same headers, attributes, order),
    without its per-member overhead: a 40-row workbook has seven parts."""
    out, central, offset = [], [], 0
    for name, data in parts:
        raw, method, crc, body, size = _member(name, data)
        out += (_LOCAL.pack(b"PK\003\004", 20, 0, 0, method, 0, _DOS_DATE, crc, len(body), size, len(raw), 0), raw, body)
        central.append(_CENTRAL.pack(b"PK\001\002", 20, 3, 20, 0, 0, method, 0, _DOS_DATE, crc, len(body), size,
                                     len(raw), 0, 0, 0, 0, 0o600 << 16, offset) + raw)
        offset += _LOCAL.size + len(raw) + len(body)
    directory = b"".join(central)
    end = _END.pack(b"PK\005\006", 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(out) + directory + end


def xlsx_bytes(sheets: list[TableSheet]) -> bytes:
    """The workbook as bytes."""
    buffer = io.BytesIO()
    xlsx_bytes_to(buffer, sheets)
    return buffer.getvalue()


def write_xlsx(path: str | Path, sheets: list[TableSheet], durable: bool = True) -> None:
    """Write a workbook of table sheets to `path` atomically (temp file in the same folder, then os.replace).

    The workbook is built in memory first, so an interruption while building leaves nothing on disk.
    durable=False skips the fsync of each file, for a batch that syncs once at its end (os.sync): the file under
    the final name is still never half-written.
    """
    write_bytes_atomic(path, xlsx_bytes(sheets), durable)
