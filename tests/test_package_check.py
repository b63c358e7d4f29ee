"""The package check of a small workbook reads each part's head from the file's bytes instead of through
zipfile.open: the same heads, or none (then zipfile.open reads it as before), on sound and damaged packages; the
same verdict of check_package either way."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest

from toolkit.base.errors import InputError
from toolkit.io import limits

from fuzz import hostile as h


def _package(path: Path, rng: random.Random) -> Path:
    """A package of parts shaped like a workbook's: small and large, deflated and stored, text and noise."""
    with zipfile.ZipFile(path, "w") as zf:
        for k in range(rng.randrange(1, 8)):
            size = rng.choice([0, 10, 600, 65535, 65536, 65537, 200_000])
            body = (b"<x>" + bytes(rng.randrange(32, 127) for _ in range(min(size, 3000))) * (size // 3000 + 1))[:size]
            if rng.random() < 0.2:
                body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>' + body
            kind = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
            zf.writestr(f"xl/part{k}.{rng.choice(['xml', 'rels', 'vml', 'bin'])}", body, compress_type=kind)
    return path


def _damage(path: Path, rng: random.Random) -> None:
    """Flip a byte in a part's data, its CRC in the directory, its local header's name or magic."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        infos, start_dir = zf.infolist(), zf.start_dir
    k = rng.randrange(len(infos))
    info = infos[k]
    at = info.header_offset
    how = rng.choice(["data", "crc", "name", "magic"])
    if how == "data" and info.compress_size:
        data[at + 30 + len(info.filename) + rng.randrange(info.compress_size)] ^= 0x5A
    elif how == "crc":
        entry = start_dir
        for _ in range(k):   # the k-th directory entry: 46 bytes, then name, extra and comment
            name_len, extra_len, comment_len = struct.unpack_from("<3H", data, entry + 28)
            entry += 46 + name_len + extra_len + comment_len
        struct.pack_into("<L", data, entry + 16, info.CRC ^ 1)
    elif how == "name":
        data[at + 30] ^= 0x01
    else:
        data[at + 1] ^= 0x01
    path.write_bytes(bytes(data))


def _slow_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    try:
        with zf.open(info) as part:
            return part.read(65536)
    except Exception as exc:
        return type(exc)


def test_heads_are_zipfiles_or_left_to_it(tmp_path):
    rng = random.Random(18)
    answered = 0
    for n in range(120):
        path = _package(tmp_path / f"p{n}.zip", rng)
        if n % 2:
            _damage(path, rng)
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            continue
        with zf:
            heads = limits._PartHeads(path, zf)
            for info in zf.infolist():
                fast = heads.head(info)
                if fast is not None:
                    answered += 1
                    assert fast == _slow_head(zf, info), (n, info.filename)
    assert answered > 200


def _verdict(path: Path):
    try:
        zf = limits.check_package(path)
    except InputError as exc:
        return exc.message
    if zf is None:
        return None
    zf.close()
    return "ok"


@pytest.mark.parametrize("small", [True, False])
def test_check_package_verdicts_with_and_without_the_fast_heads(tmp_path, monkeypatch, small):
    monkeypatch.setattr(limits, "SMALL_PACKAGE_BYTES", 4 * 2**20 if small else 0)
    assert "DOCTYPE" in _verdict(h.doctype_part(tmp_path))
    assert "异常的路径名" in _verdict(h.hostile_names(tmp_path))
    assert _verdict(h.write_ledger(tmp_path / "ok.xlsx")) == "ok"


def test_the_fast_heads_give_check_package_its_old_verdicts(tmp_path, monkeypatch):
    rng = random.Random(1811)
    paths = []
    for n in range(80):
        path = _package(tmp_path / f"v{n}.xlsx", rng)
        if n % 3 == 0:
            _damage(path, rng)
        paths.append(path)
    fast = [_verdict(p) for p in paths]
    monkeypatch.setattr(limits, "SMALL_PACKAGE_BYTES", 0)   # every part through zipfile.open, as before
    assert fast == [_verdict(p) for p in paths]
    assert any(v and "DOCTYPE" in v for v in fast) and "ok" in fast


def test_the_parts_kept_by_the_check_read_as_zipfile_reads_them(tmp_path):
    rng = random.Random(1812)
    kept = 0
    for n in range(60):
        path = _package(tmp_path / f"r{n}.xlsx", rng)
        if n % 4 == 0:   # a part written twice under one name: zipfile reads the later one
            with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as zf:
                name = zf.namelist()[0]
                zf.writestr(name, b"<x>the later one</x>" * rng.choice([1, 5000]))
        try:
            checked = limits.check_package(path)
        except InputError:
            continue
        assert checked is not None
        with checked, zipfile.ZipFile(path) as plain:
            kept += len(checked.parts)
            for name in plain.namelist():
                assert checked.read(name) == plain.read(name), (n, name)
                assert b"".join(limits.xml_pieces(checked, name, 1000)) == plain.read(name), (n, name)
                assert list(limits.xml_pieces(checked, name, 1000)) == list(limits.xml_pieces(plain, name, 1000))
    assert kept > 50
