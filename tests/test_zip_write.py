"""ZipWriter: members copied as stored or deflated in independent pieces read back as one stream."""

from __future__ import annotations

import os
import random
import zipfile
import zlib

import pytest

from toolkit.io.xlsx.zip_write import CHUNK, ZipWriter

WHEN = (2024, 2, 29, 13, 45, 58)


def test_written_and_copied_members_read_back_exactly(tmp_path):
    rng = random.Random(7)
    big = b"".join(f'<row r="{i}"><c r="A{i}"><v>{rng.randint(0, 10**6)}</v></c></row>'.encode()
                   for i in range(400_000))
    assert len(big) > 3 * CHUNK   # several independently deflated pieces
    noise = os.urandom(50_000)     # incompressible
    source = tmp_path / "source.zip"
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("kept/deflated.xml", b"<a>" * 5000, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("kept/stored.bin", noise, compress_type=zipfile.ZIP_STORED)
    out = tmp_path / "out.zip"
    with open(out, "wb") as f, zipfile.ZipFile(source) as src:
        w = ZipWriter(f)
        w.write("[Content_Types].xml", b"<Types/>", WHEN, 0o600 << 16)
        w.write_pieces("xl/worksheets/sheet1.xml", (big[i:i + 70_001] for i in range(0, len(big), 70_001)),
                       WHEN, 0o644 << 16)
        w.write("xl/media/图片.bin", noise, WHEN, 0o600 << 16, method=zipfile.ZIP_STORED)
        w.write("empty.xml", b"", WHEN, 0)
        for info in src.infolist():
            w.copy(src, info)
        w.close()
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(source) as src:
        assert z.testzip() is None   # every CRC checks
        assert z.namelist() == ["[Content_Types].xml", "xl/worksheets/sheet1.xml", "xl/media/图片.bin", "empty.xml",
                                "kept/deflated.xml", "kept/stored.bin"]
        assert z.read("xl/worksheets/sheet1.xml") == big
        assert z.read("xl/media/图片.bin") == noise and z.read("empty.xml") == b""
        assert z.read("kept/deflated.xml") == b"<a>" * 5000 and z.read("kept/stored.bin") == noise
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.date_time == (2024, 2, 29, 13, 45, 58) and info.external_attr == 0o644 << 16
        assert info.compress_size < len(big) / 3
        assert z.getinfo("xl/media/图片.bin").flag_bits & 0x800   # a non-ASCII name is marked UTF-8
        # a copied member is the source's compressed bytes, untouched
        for name in ("kept/deflated.xml", "kept/stored.bin"):
            a, b = z.getinfo(name), src.getinfo(name)
            assert (a.compress_type, a.compress_size, a.CRC) == (b.compress_type, b.compress_size, b.CRC)
    # the joined pieces are one valid raw deflate stream
    raw = out.read_bytes()
    with zipfile.ZipFile(out) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode())
    assert zlib.decompress(raw[start:start + info.compress_size], -15) == big


def test_a_package_past_4_gb_is_refused_in_chinese_and_nothing_is_left(tmp_path, monkeypatch):
    import toolkit.io.xlsx.zip_write as zw
    from toolkit.base.errors import InputError
    from toolkit.io.xlsx.patch import XlsxPatch

    src = tmp_path / "in.xlsx"
    with zipfile.ZipFile(src, "w") as z:   # a minimal workbook: one sheet
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '</Types>')
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   f'xmlns:r="{rel}"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                   'main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    monkeypatch.setattr(zw, "_LIMIT", 600)   # as if 600 bytes were 4 GB
    patch = XlsxPatch(src)
    patch.set_cells("表", {(1, 2): "x" * 2000})
    with patch, pytest.raises(InputError) as caught:
        patch.save(tmp_path / "out.xlsx")
    assert "4 GB" in str(caught.value) and "out.xlsx" in caught.value.describe()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx"]
