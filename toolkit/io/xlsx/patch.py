"""Edit a user's existing .xlsx/.xlsm without losing anything openpyxl would drop.

Only the zip parts that change are rewritten (the sheet XML being edited, workbook.xml, rels,
[Content_Types].xml, styles.xml, new parts); every other member is copied unchanged, so charts, images,
pivot tables, slicers and VBA survive. Sheet XML is rewritten by streaming over its <row> elements;
rows without edits are copied as text. The pieces live in the modules of this package; XlsxPatch records the
edits and puts them together when saving.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence
from xml.etree import ElementTree as ET

from toolkit.base.errors import InputError
from toolkit.io.xlsx.cells import Formula, encode_value, is_missing
from toolkit.io.xlsx.charts import ChartSpec, add_charts, drop_chart_series
from toolkit.io.xlsx.highlights import load_records, plan_highlights, save_records
from toolkit.io.xlsx.new_sheet import SheetSpec, sheet_xml
from toolkit.io.xlsx.ooxml import (COL_LETTERS, CT_STYLES, CT_WORKSHEET, NS_R, RT_CALCCHAIN, RT_OFFICE_DOC,
                                   RT_STYLES, RT_WORKSHEET, SHEET_NAME_BAD, attr_value, parse_attrs, parse_ref,
                                   quote_sheet, relative_target, resolve_target)
from toolkit.io.xlsx.package import ContentTypes, Package, Rels
from toolkit.io.xlsx.row_rewriter import SheetPlan
from toolkit.io.xlsx.sheet_rewrite import rewrite_sheet
from toolkit.io.xlsx.sheet_stream import StreamedSheet, streams
from toolkit.io.xlsx.styles import DEFAULT_STYLES, CellStyle, Styles
from toolkit.io.xlsx.tails import Tails
from toolkit.io.xlsx.workbook import WorkbookXml

__all__ = ["XlsxPatch", "CellStyle", "SheetSpec", "ChartSpec", "Formula"]



def _cell_keys(values, styles=None):
    """(type, value[, id of its style]) of each cell: cells with equal keys have the same XML."""
    if styles is None:
        return zip(map(type, values), values)
    return zip(map(type, values), values, map(id, styles))


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
        self._pkg = Package(zf)
        try:
            self._load()
        except InputError:
            raise
        except (KeyError, ValueError, ET.ParseError, zipfile.BadZipFile, UnicodeDecodeError) as e:
            raise InputError(f"工作簿结构无法识别，可能已损坏（{type(e).__name__}）", file=self._file) from None
        self._plans: dict[str, SheetPlan] = {}
        self._prepared: set[str] = set()   # sheet parts saved by streaming them (see prepare)
        self._hl_new: dict[tuple[str, int, int], tuple[str, str]] = {}
        self._hl_cleared = False

    # -- loading

    def _load(self) -> None:
        pkg = self._pkg
        if not pkg.exists("[Content_Types].xml"):
            raise InputError("缺少 [Content_Types].xml，不是有效的 Excel 工作簿", file=self._file)
        self._ct = ContentTypes(pkg.read("[Content_Types].xml"))
        root_rels = Rels(pkg.read("_rels/.rels"))
        doc = next((r for r in root_rels.items if r.get("Type", "") == RT_OFFICE_DOC
                    or r.get("Type", "").endswith("/officeDocument")), None)
        if doc is None:
            raise InputError("找不到工作簿主体部分", file=self._file)
        if "purl.oclc.org" in doc.get("Type", ""):
            raise InputError("这是“严格 Open XML”格式，请在 Excel 中另存为普通 .xlsx 后再试", file=self._file)
        wb_part = resolve_target("", doc["Target"])
        ct = self._ct.of(wb_part) or ""
        if "sheet.binary" in ct:
            raise InputError("不支持 .xlsb 二进制工作簿，请另存为 .xlsx", file=self._file)
        if "spreadsheetml" not in ct and "ms-excel" not in ct:
            raise InputError("不是 Excel 工作簿", file=self._file)
        self._macro = "macroEnabled" in ct
        self._date1904 = False
        self._wb = WorkbookXml(wb_part, pkg.read(wb_part).decode("utf-8"))
        pr = re.search(r"<workbookPr\b[^>]*>", self._wb.xml)
        self._date1904 = bool(pr and re.search(r'date1904\s*=\s*"(1|true)"', pr.group(0)))
        wb_rels = pkg.rels(wb_part)
        for s in self._wb.sheets:
            r = wb_rels.get(s["rid"]) if s["rid"] else None
            s["part"] = resolve_target(wb_part, r["Target"]) if r else None
            s["kind"] = r["Type"].rsplit("/", 1)[-1] if r else None
        st = wb_rels.by_type(RT_STYLES)
        self._styles_part = resolve_target(wb_part, st[0]["Target"]) if st else None
        self._styles = Styles(pkg.read(self._styles_part).decode("utf-8")
                              if self._styles_part and pkg.exists(self._styles_part) else DEFAULT_STYLES)
        self._records, self._record_part = load_records(pkg)

    # -- charts already in the workbook

    def drop_chart_series(self, is_empty) -> int:
        """Remove from the workbook's charts every series whose values range `is_empty(sheet, [(row, col), …])`
        says holds nothing (a chart keeps at least one series). Returns how many were removed."""
        return drop_chart_series(self._pkg, is_empty)

    # -- queries

    def sheet_names(self) -> list[str]:
        return [s["name"] for s in self._wb.sheets]

    def defined_names(self) -> dict[str, str]:
        """Workbook names -> refers_to; names scoped to one sheet are keyed "'工作表'!名称"."""
        out = {}
        for d in self._wb.names:
            name, lid = d["attrs"].get("name", ""), d["attrs"].get("localSheetId")
            if lid is not None and 0 <= int(lid) < len(self._wb.sheets):
                name = f"{quote_sheet(self._wb.sheets[int(lid)]['name'])}!{name}"
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

    def _plan(self, name: str) -> SheetPlan:
        part = self._sheet(name)["part"]
        plan = self._plans.get(part)
        if plan is None:
            plan = self._plans[part] = SheetPlan(tails=Tails())
        return plan

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
        if value is None or (value.__class__ is not str and is_missing(value)):
            return None if xf is None else ("", None, xf)
        t, inner, date_fmt = encode_value(value, self._date1904)
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
            per_row = None if style is None or isinstance(style, CellStyle) else style
            # the keys are made twice rather than held for every row
            style_of = dict.fromkeys(_cell_keys(values), style) if per_row is None else \
                dict(zip(_cell_keys(values, per_row), per_row))
            known = {}   # (type, value[, style id]) -> the cell's XML after its r attribute, once per distinct cell
            for key, cell_style in style_of.items():
                value = key[1]
                if value is None or (key[0] is not str and is_missing(value)):
                    known[key] = ""
                    continue
                edit = self._edit(value, cell_style, self._xf(cell_style, xf_by_id))
                t, inner, style_op = edit
                xf = self._styles.with_date_format(None, style_op) if style_op.__class__ is str else style_op
                sa = "" if xf is None else f' s="{xf}"'
                known[key] = f'{sa}{t}/>' if inner is None else f'{sa}{t}>{inner}</c>'
            fragments.append(list(map(known.__getitem__, _cell_keys(values, per_row))))
            if any(known.values()):
                plan.tail_columns.add(first_col + i)
        tails = plan.tails
        span = tails.span if isinstance(tails, Tails) else (lambda r: (tails[r][:2] if r in tails else None))
        if any(t != (first_col, last_col) for t in map(span, rows) if t is not None):
            raise ValueError("set_columns: another block of different columns on the same row")
        starts = [f'<c r="{COL_LETTERS[first_col + i]}' for i in range(len(columns))]
        if isinstance(tails, Tails):   # kept as fragments; a row's XML is built while the sheet is written
            tails.add(first_col, last_col, rows, starts, fragments)
            return
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
        row, col = parse_ref(cell)
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
        if not name or len(name) > 31 or SHEET_NAME_BAD.search(name) or name[0] == "'" or name[-1] == "'":
            raise ValueError(f"invalid sheet name {name!r}")
        wb, pkg = self._wb, self._pkg
        existing = next((s for s in wb.sheets if s["name"].lower() == name.lower()), None)
        if existing is not None and not replace:
            raise InputError("已有同名工作表", file=self._file, sheet=name)
        if existing is not None:
            if existing["kind"] != "worksheet":
                raise InputError("同名的不是普通工作表，不能替换", file=self._file, sheet=name)
            part = existing["part"]
            pkg.drop_subtree(part, True, self._ct)
            self._plans.pop(part, None)
            self._prepared.discard(part)
            self._hl_new = {k: v for k, v in self._hl_new.items() if k[0] != existing["name"]}
            sheet_index = wb.sheets.index(existing)
        else:
            part = pkg.unused_name("xl/worksheets/sheet{}.xml")
            rid = pkg.rels(wb.part).add(RT_WORKSHEET, relative_target(wb.part, part))
            sheet_id = max([s["sheetId"] for s in wb.sheets] + [0]) + 1
            raw = f'<sheet name="{attr_value(name)}" sheetId="{sheet_id}" r:id="{rid}"/>'
            entry = {"name": name, "sheetId": sheet_id, "rid": rid, "raw": raw, "part": part, "kind": "worksheet"}
            sheet_index = len(wb.sheets) if position is None else max(0, min(position, len(wb.sheets)))
            wb.sheets.insert(sheet_index, entry)
            if sheet_index < len(wb.sheets) - 1:
                wb.shift_sheet_indexes(sheet_index, 1)
            self._ct.set_override(part, CT_WORKSHEET)
            self._ensure_r_ns()
        xml = sheet_xml(spec, self._styles, self._date1904, lambda: add_charts(pkg, self._ct, spec.charts, name, part))
        pkg.write(part, xml.encode("utf-8"))

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
                   and parse_attrs(s["raw"]).get("state", "visible") == "visible"]
        if not visible:
            raise InputError("不能删除唯一的可见工作表", file=self._file, sheet=name)
        idx = wb.sheets.index(entry)
        if entry["part"]:
            self._pkg.drop_subtree(entry["part"], False, self._ct)
            self._plans.pop(entry["part"], None)
            self._prepared.discard(entry["part"])
        self._pkg.rels(wb.part).remove(entry["rid"])
        wb.sheets.remove(entry)
        wb.shift_sheet_indexes(idx, -1)
        ref_pat = re.compile(re.escape(quote_sheet(name)) + "!|" +
                             (rf"(?<![\w.']){re.escape(name)}!" if re.fullmatch(r"[^\W\d]\w*", name) else "(?!x)x"))
        for d in wb.names:
            d["text"] = ref_pat.sub("#REF!", d["text"])
        self._hl_new = {k: v for k, v in self._hl_new.items() if k[0] != name}

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
            self._pkg.write_zip(target)
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
        plans = {p: SheetPlan(plan.edits, plan.clears, plan.widths,
                              {r: {c: list(f) for c, f in d.items()} for r, d in plan.ops.items()}, plan.tails,
                              plan.tail_columns)
                 for p, plan in self._plans.items()}
        records = plan_highlights(pkg, self._ct, wb, self._styles, plans, self._records, self._hl_new, self._hl_cleared)
        touched = False
        by_part = {s["part"]: s for s in wb.sheets}
        for part, plan in plans.items():
            if plan.empty() or part not in by_part:
                continue
            where = {"file": self._file, "sheet": by_part[part]["name"]}
            if part in self._prepared and part not in pkg.changed and streams(plan):
                pkg.write(part, StreamedSheet(pkg, part, plan, self._styles, where))
            else:
                rewrite_sheet(pkg, part, plan, self._styles, where)
            touched = True
        if touched or any(p in pkg.changed for p in by_part):
            for r in list(pkg.rels(wb.part).by_type(RT_CALCCHAIN)):   # stale chains make Excel "repair"
                cc = resolve_target(wb.part, r["Target"])
                pkg.rels(wb.part).remove(r["Id"])
                pkg.delete(cc)
                self._ct.remove(cc)
        save_records(pkg, self._ct, wb, self._record_part, records)
        if self._styles.dirty:
            if not self._styles_part:
                self._styles_part = "xl/styles.xml"
                pkg.rels(wb.part).add(RT_STYLES, relative_target(wb.part, self._styles_part))
                self._ct.set_override(self._styles_part, CT_STYLES)
            pkg.write(self._styles_part, self._styles.to_xml().encode("utf-8"))
        pkg.write(wb.part, wb.to_xml().encode("utf-8"))
        pkg.flush_rels()
        if self._ct.changed():
            pkg.write("[Content_Types].xml", self._ct.to_bytes())

    def prepare(self, sheet: str | None = None) -> None:
        """Have save stream a sheet (default: the largest) rather than hold its XML: inflated again piece by piece,
        the new cells put in as its rows flow (see sheet_stream). Nothing is read now."""
        sizes = {s["name"]: self._pkg.infos[s["part"]].file_size for s in self._wb.sheets
                 if s.get("kind") == "worksheet" and s["part"] in self._pkg.infos}
        if sheet not in sizes:
            sheet = max(sizes, key=sizes.get, default=None)
        if sheet is not None:
            self._prepared.add(self._sheet(sheet)["part"])
