"""The zip package of a workbook: its members (original ones read lazily, changed ones tracked), relationships
and content types, and writing it back with unchanged members copied as stored."""

from __future__ import annotations

import copy
import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from toolkit.base.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.io.xlsx.ooxml import NS_CT, NS_PKG_REL, attr_value, rels_path, resolve_target
from toolkit.io.xlsx.zip_write import Redo, ZipWriter

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # the date of a new member (the toolkit's outputs do not change by day)


class Rels:
    """One .rels part (parsed; regenerated when changed)."""

    def __init__(self, data: bytes | None):
        self.items: list[dict[str, str]] = []
        if data:
            root = ET.fromstring(data)
            for el in root:
                self.items.append(dict(el.attrib))
        self.original = copy.deepcopy(self.items)

    def by_type(self, rtype: str) -> list[dict[str, str]]:
        return [r for r in self.items if r.get("Type") == rtype]

    def get(self, rid: str) -> dict[str, str] | None:
        return next((r for r in self.items if r.get("Id") == rid), None)

    def add(self, rtype: str, target: str) -> str:
        used = {r.get("Id") for r in self.items}
        n = 1
        while f"rId{n}" in used:
            n += 1
        rid = f"rId{n}"
        self.items.append({"Id": rid, "Type": rtype, "Target": target})
        return rid

    def remove(self, rid: str) -> None:
        self.items = [r for r in self.items if r.get("Id") != rid]

    def to_bytes(self) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<Relationships xmlns="{NS_PKG_REL}">']
        for r in self.items:
            attrs = "".join(f' {k}="{attr_value(v)}"' for k, v in r.items())
            out.append(f"<Relationship{attrs}/>")
        out.append("</Relationships>")
        return "".join(out).encode("utf-8")


class ContentTypes:
    def __init__(self, data: bytes):
        root = ET.fromstring(data)
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        for el in root:
            tag = el.tag.split("}")[-1]
            if tag == "Default":
                self.defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
            elif tag == "Override":
                self.overrides[el.get("PartName", "")] = el.get("ContentType", "")
        self.original = (dict(self.defaults), dict(self.overrides))

    def changed(self) -> bool:
        return (self.defaults, self.overrides) != self.original

    def of(self, part: str) -> str | None:
        ct = self.overrides.get("/" + part)
        if ct is None:
            ct = self.defaults.get(posixpath.splitext(part)[1][1:].lower())
        return ct

    def set_override(self, part: str, ct: str) -> None:
        self.overrides["/" + part] = ct

    def remove(self, part: str) -> None:
        self.overrides.pop("/" + part, None)

    def ensure_default(self, ext: str, ct: str) -> None:
        self.defaults.setdefault(ext, ct)

    def to_bytes(self) -> bytes:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f'<Types xmlns="{NS_CT}">']
        out += [f'<Default Extension="{attr_value(k)}" ContentType="{attr_value(v)}"/>' for k, v in self.defaults.items()]
        out += [f'<Override PartName="{attr_value(k)}" ContentType="{attr_value(v)}"/>' for k, v in self.overrides.items()]
        out.append("</Types>")
        return "".join(out).encode("utf-8")


def flatten(pieces):
    """The byte strings of a list whose items are bytes-like or iterators of bytes-like."""
    for piece in pieces:
        if isinstance(piece, (bytes, bytearray, memoryview)):
            yield piece
        else:
            yield from piece


def joined(data) -> bytes:
    """A part written as a list of pieces, or as tries (an object with attempts(), see ZipWriter.write_attempts),
    as one byte string."""
    if not hasattr(data, "attempts"):
        return b"".join(flatten(data))
    for pieces in data.attempts():
        try:
            return b"".join(flatten(pieces))
        except Redo:
            continue
    raise RuntimeError("no attempt ran to its end")


class Package:
    """The zip members: original ones read lazily, changed/new/deleted ones tracked."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.infos = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        self.order = list(self.infos)
        self.changed: dict[str, bytes] = {}
        self.deleted: set[str] = set()
        self._rels: dict[str, Rels] = {}

    def __deepcopy__(self, memo):
        new = Package.__new__(Package)
        new.zf, new.infos = self.zf, self.infos
        new.order = list(self.order)
        new.changed = dict(self.changed)
        new.deleted = set(self.deleted)
        new._rels = copy.deepcopy(self._rels, memo)
        return new

    def exists(self, name: str) -> bool:
        return name not in self.deleted and (name in self.changed or name in self.infos)

    def names(self) -> list[str]:
        return [n for n in self.order if self.exists(n)]

    def read(self, name: str) -> bytes:
        if name in self.deleted:
            raise KeyError(name)
        if name in self.changed:
            data = self.changed[name]
            if isinstance(data, list) or hasattr(data, "attempts"):   # kept in pieces (see write): joined if read
                data = self.changed[name] = joined(data)
            return data
        return self.zf.read(self.infos[name])

    def write(self, name: str, data: bytes | list) -> None:
        """Replace a part; a list of byte strings (or iterators of them) is streamed into the zip piece by
        piece, never joined in memory; so are the pieces of an object with attempts() (ZipWriter.write_attempts)."""
        self.deleted.discard(name)
        self.changed[name] = data
        if name not in self.order:
            self.order.append(name)

    def delete(self, name: str) -> None:
        self.changed.pop(name, None)
        self._rels.pop(name, None)
        self.deleted.add(name)

    def rels(self, part: str) -> Rels:
        """Relationships of `part` (cached; flushed by flush_rels)."""
        path = rels_path(part)
        if path not in self._rels:
            self._rels[path] = Rels(self.read(path) if self.exists(path) else None)
        return self._rels[path]

    def flush_rels(self) -> None:
        for path, rels in list(self._rels.items()):
            if rels.items:
                if rels.items != rels.original or not self.exists(path):
                    self.write(path, rels.to_bytes())
            elif self.exists(path):
                self.delete(path)
        self._rels = {}

    def unused_name(self, pattern: str) -> str:
        """First free name for pattern like 'xl/charts/chart{}.xml'."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)


    def all_references(self, exclude: set[str]) -> set[str]:
        """Every part referenced from a rels file of a part not in `exclude`."""
        refs = set()
        for rels_name in self.names() + [p for p in self._rels]:
            if not rels_name.endswith(".rels"):
                continue
            d, b = posixpath.split(rels_name)
            src = posixpath.join(posixpath.dirname(d), b[:-5])
            if src in exclude or (d == "_rels" and b == ".rels" and "" in exclude):
                continue
            rels = self._rels.get(rels_name) or Rels(self.read(rels_name) if self.exists(rels_name) else None)
            for r in rels.items:
                if r.get("TargetMode") != "External":
                    refs.add(resolve_target(src, r["Target"]))
        return refs

    def drop_subtree(self, part: str, keep_part: bool, ct: ContentTypes) -> None:
        """Delete a sheet's part (unless keep_part) and every part only it reaches (drawings, charts...)."""
        subtree, todo = [], [part]
        while todo:
            p = todo.pop()
            if p in subtree:
                continue
            subtree.append(p)
            for r in self.rels(p).items:
                if r.get("TargetMode") != "External":
                    todo.append(resolve_target(p, r["Target"]))
        outside = self.all_references(set(subtree))
        for p in subtree:
            if p == part:
                self.rels(p).items = []
                if not keep_part:
                    self.delete(p)
                    ct.remove(p)
            elif p not in outside and self.exists(p):
                self.rels(p).items = []
                self.delete(p)
                ct.remove(p)

    def write_zip(self, target: Path) -> None:
        """Write the package atomically to `target` ([Content_Types].xml first; unchanged members copied)."""
        names = self.names()
        if "[Content_Types].xml" in names:
            names.remove("[Content_Types].xml")
            names.insert(0, "[Content_Types].xml")
        try:
            with atomic_write(target) as f:
                zout = ZipWriter(f)
                try:
                    self._write_each(zout, names)
                    zout.close()
                finally:
                    zout.shutdown()
        except OverflowError:   # a part or the whole package past 4 GB: Excel could not open it either
            raise InputError("输出工作簿超过 4 GB，Excel 无法打开这样大的文件，请把台账按年度或月份拆分后再处理",
                             file=target.name) from None

    def _write_each(self, zout: ZipWriter, names: list[str]) -> None:
        for name in names:
            old = self.infos.get(name)
            date_time = old.date_time if old else FIXED_ZIP_TIME
            attr = old.external_attr if old else 0o600 << 16
            if name not in self.changed:   # unchanged: copied as stored, never inflated and deflated again
                zout.copy(self.zf, old)
                continue
            data = self.changed[name]
            method = old.compress_type if old and old.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
            if hasattr(data, "attempts"):   # a sheet streamed from the source: written as its first try that holds
                zout.write_attempts(name, (flatten(p) for p in data.attempts()), date_time, attr, level=1,
                                    method=method)
            elif isinstance(data, list):   # a rewritten sheet: streamed, never joined in memory
                zout.write_pieces(name, flatten(data), date_time, attr, level=1, method=method)
            else:
                zout.write(name, data, date_time, attr, level=6 if len(data) < 4_000_000 else 1, method=method)
