"""Streaming reader of the worksheets of an .xlsx/.xlsm: only the cells that hold something are kept.

Values come out as python-calamine (the reader this replaced for .xlsx/.xlsm) gave them — numbers as float, dates as
date/datetime/time/timedelta by the cell's number format (1900 or 1904 system), errors and empty text as None — so
the core sees the same grid (tests/test_xlsx_read.py compares the two cell by cell). The sheet XML is streamed
(toolkit.io.limits.xml_pieces) and scanned with regular expressions for the forms every writer uses; anything else
(cells without a reference, prefixed element names, comments, CDATA, another encoding) is read with expat.
Bounds (Excel's grid, cells held) are the ones of toolkit.io.limits. Raises Damaged for what cannot be read.
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from toolkit.io import limits
from toolkit.io.xlsx.read_common import (read_small, Damaged, TooBig, OTHER, _BUILTIN, format_kind, unescape_x, _blank, _local, _parse_small, SheetInfo, SheetRead, _TextEvents, _rich_string)
from toolkit.io.xlsx.read_sheet import (_Restart, _SheetReader)

# What the small parts say, keyed by their exact bytes (never by a file's name): the returns of a batch come from a
# few programs, whose relationships, workbook and styles parts recur byte for byte. Only answers parsed without error
# are kept, and only for parts of at most 64 KB (a bloated styles part is parsed each time rather than held).
_PARSED: dict = {}
_PARSED_LIMIT = 256
_PARSED_PART_BYTES = 1 << 16


def _remember(key, value):
    if sum(len(k) for k in key if k.__class__ is bytes) > _PARSED_PART_BYTES:
        return value
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[key] = value
    return value


class XlsxBook:
    """An open .xlsx/.xlsm package (already checked by limits.check_package): its sheets, styles, shared strings."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self._names = {n.lower(): n for n in zf.namelist()}
        self.is_1904 = False
        self.sheets: list[SheetInfo] = []
        self._formats: list[int] | None = None
        self._strings: list | None = None
        self._long_strings = False
        self.xl_path = self._document_folder()
        self._read_workbook()

    def _member(self, name: str) -> str | None:
        if name in self.zf.NameToInfo:
            return name
        return self._names.get(name.lower())

    def _read(self, name: str) -> bytes | None:
        member = self._member(name)
        if member is None:
            return None
        try:
            data = read_small(self.zf, member)
            return data if data is not None else self.zf.read(member)
        except Exception as exc:   # damaged deflate stream, bad CRC, unsupported method …
            raise Damaged(f"{name}: {exc}") from None

    def _document_folder(self) -> str:
        data = self._read("_rels/.rels")
        if data is None:
            raise Damaged("no _rels/.rels")
        known = _PARSED.get(("rels", data))
        if known is not None:
            return known
        return _remember(("rels", data), self._parse_document_folder(data))

    @staticmethod
    def _parse_document_folder(data: bytes) -> str:
        target = []

        def start(name, attrs):
            if _local(name) == "Relationship" and attrs.get("Type", "").endswith("/relationships/officeDocument"):
                if "Target" in attrs:
                    target.append(attrs["Target"])
        _parse_small(data, start)
        if not target:
            return ""
        t = target[-1]
        folder = t[:t.rfind("/") + 1] if "/" in t else ""
        return folder[1:] if folder.startswith("/") else folder

    def _read_workbook(self) -> None:
        rels_data = self._read(f"{self.xl_path}_rels/workbook.xml.rels")
        if rels_data is None:
            raise Damaged("no workbook relationships")
        book = self._read(f"{self.xl_path}workbook.xml")
        key = ("workbook", self.xl_path, rels_data, book)
        known = _PARSED.get(key)
        if known is None:
            self._parse_workbook(rels_data, book)
            _remember(key, (tuple(self.sheets), self.is_1904))
        else:
            self.sheets, self.is_1904 = list(known[0]), known[1]

    def _parse_workbook(self, rels_data: bytes, book: bytes | None) -> None:
        rels: dict[str, tuple[str, str]] = {}

        def rel(name, attrs):
            if _local(name) == "Relationship" and "Id" in attrs:
                rels[attrs["Id"]] = (attrs.get("Target", ""), attrs.get("Type", ""))
        _parse_small(rels_data, rel)
        if book is None:
            return

        def start(name, attrs):
            local = _local(name)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                if rid not in rels:
                    raise Damaged("sheet without relationship")
                target, typ = rels[rid]
                path = target[1:] if target.startswith("/") else self.xl_path + target
                self.sheets.append(SheetInfo(attrs.get("name", ""), limits.package_path(path), typ.rsplit("/", 1)[-1]))
            elif local == "workbookPr":
                self.is_1904 = attrs.get("date1904") in ("1", "true")
        _parse_small(book, start)

    @property
    def worksheet_names(self) -> list[str]:
        return [s.name for s in self.sheets if s.kind == "worksheet"]

    # -- styles: the number format kind of each cell style (cellXfs), as calamine reads them
    @property
    def formats(self) -> list[int]:
        if self._formats is None:
            data = self._read(f"{self.xl_path}styles.xml")
            known = _PARSED.get(("styles", data)) if data is not None else None
            if known is not None:
                self._formats = known
                return known
            self._formats = []
            if data is not None:
                custom: dict[str, str] = {}
                where = []

                def start(name, attrs):
                    local = _local(name)
                    if local == "numFmt" and "numFmtId" in attrs and "formatCode" in attrs:
                        custom[attrs["numFmtId"]] = attrs["formatCode"]
                    elif local == "cellXfs":
                        where.append(local)
                    elif local == "xf" and where:
                        fid = attrs.get("numFmtId")
                        if fid is None:
                            self._formats.append(OTHER)
                        elif fid in custom:
                            self._formats.append(format_kind(custom[fid]))
                        else:
                            self._formats.append(_BUILTIN.get(fid.encode("utf-8"), OTHER))

                def end(name):
                    if _local(name) == "cellXfs" and where:
                        where.pop()
                _parse_small(data, start, end)
                self._formats = _remember(("styles", data), tuple(self._formats))
        return self._formats

    # -- shared strings
    @property
    def strings(self) -> list:
        """The shared strings as the grid holds them (None for blank ones); read once, streamed."""
        if self._strings is None:
            self._strings = self._read_strings()
        return self._strings

    def _read_strings(self) -> list:
        member = self._member(f"{self.xl_path}sharedStrings.xml")
        if member is None:
            self.raw_strings = []
            return []
        try:
            try:
                texts = self._fast_strings(member)
            except _Restart:
                texts = self._slow_strings(member)
        except Damaged:
            raise
        except Exception as exc:   # zlib, decoding, expat
            raise Damaged(f"sharedStrings: {exc.__class__.__name__}: {exc}") from None
        self._long_strings = max(map(len, texts), default=0) > limits.EXCEL_CELL_CHARS
        self.raw_strings = texts
        if "" not in texts and True not in map(str.isspace, texts):   # (in C: usually no blank text at all)
            return list(texts)
        return [_blank(t) for t in texts]

    _SI = re.compile(rb'<si>(?:<t>([^<&\r]*)</t>|<t xml:space="preserve">([^<&\r]*)</t>)</si>'
                     rb"|<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)

    def _fast_strings(self, member: str) -> list[str]:
        texts: list[str] = []
        carry = b""
        whole = read_small(self.zf, member)
        for piece in [whole] if whole is not None else limits.xml_pieces(self.zf, member):
            data = carry + piece
            end = data.rfind(b"</si>")
            if end < 0:
                carry = data
                continue
            end += 5
            self._strings_in(data[:end], texts)
            carry = data[end:]
        if carry:
            self._strings_in(carry, texts)
        return texts

    _SI_PLAIN = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<&\r]*)</t></si>')
    _EDGE_SPACE = re.compile(rb"(?:^|\x00)[ \t\n]|[ \t\n](?:\x00|$)")

    def _strings_in(self, data: bytes, texts: list[str]) -> None:
        if b"<!" in data or data.find(b"<?", 2) >= 0 or b":si" in data:
            raise _Restart   # comments, CDATA, prefixed names: expat reads them
        items = data.count(b"<si>") + data.count(b"<si ") + data.count(b"<si/>")
        plain = self._SI_PLAIN.findall(data)
        if len(plain) == items:   # every item one run of text: decoded at once, trimmed in bulk when it matters
            blob = b"\x00".join(plain)
            if b"\x00" not in data and not self._EDGE_SPACE.search(blob):
                text = blob.decode("utf-8")
                got = text.split("\x00") if plain else []
                texts.extend(map(unescape_x, got) if "_x00" in text else got)
                return
        found = self._SI.findall(data)
        if len(found) != data.count(b"<si>") + data.count(b"<si ") + data.count(b"<si/>"):
            raise _Restart
        for plain, kept, other in found:
            if plain:
                texts.append(unescape_x(plain.decode("utf-8").strip(" \t\r\n")))
            elif kept:
                texts.append(unescape_x(kept.decode("utf-8")))
            elif other:
                texts.append(_rich_string(other))
            else:   # <si><t></t></si>, <si/>, <si></si>
                texts.append("")

    def _slow_strings(self, member: str) -> list[str]:
        out: list[str] = []
        state: dict = {"ev": None}

        def start(name, attrs):
            if _local(name) == "si":
                state["ev"] = _TextEvents()
            elif state["ev"] is not None:
                state["ev"].start(name, attrs)

        def end(name):
            ev = state["ev"]
            if ev is None:
                return
            if _local(name) == "si":
                out.append(ev.value)
                state["ev"] = None
            else:
                ev.end(name)

        def text(d):
            if state["ev"] is not None:
                state["ev"].text(d)
        p = expat.ParserCreate()
        p.buffer_text = True
        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
        for piece in limits.xml_pieces(self.zf, member):
            p.Parse(piece, False)
        p.Parse(b"", True)
        return out

    # -- one worksheet
    def read_sheet(self, name: str) -> SheetRead:
        info = next((s for s in self.sheets if s.name == name and s.kind == "worksheet"), None)
        if info is None:
            raise KeyError(name)
        member = self._member(info.part)
        if member is None:
            raise Damaged(f"no part {info.part}")
        reader = _SheetReader(self, member)
        try:
            got = reader.read()
            if reader.formula_seen or reader.formula_results:   # formulas saved with 0 or no result: where (a
                from toolkit.io.xlsx.read_formulas import Formulas, formula_cells   # second pass, only then)
                got.formulas = (formula_cells(self, member, got.rows) if reader.formula_seen else
                                Formulas(frozenset(), 1))
            return got
        except (Damaged, TooBig):
            raise
        except Exception as exc:   # zlib, decoding, expat, a malformed number …
            raise Damaged(f"{name}: {exc.__class__.__name__}: {exc}") from None
